"""The asset editor: every field of one asset, for adding a new one or changing one.

A :class:`ui.settings.staff_dialogs.WriteDialog`: the confirm button runs
:func:`app.assets.register.save_asset` off the GUI thread, and the dialog closes once the
save landed; a refused save (a tag in use, dates the wrong way round, the role) leaves it
open with each problem under its field, nothing typed lost.

An asset already on the register also shows its support: the vendor contract covering it
(kept on the Vendors page) and its warranty as saved, read off the GUI thread as the editor
opens.

Dates may be unknown: each has a "None" box beside it. The owner is looked up as the call
desk looks callers up (name, e-mail, phone, employee id), typed in a search box whose hits
are listed under it: Down moves into them, Enter (or a click) picks one, and an empty box
means nobody owns the asset.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.assets.register import AssetDetail, AssetFields, local_today, save_asset
from app.callers.lookup import CallerHit, lookup
from app.context import AppContext
from app.pick_lists import Choice
from models.enums import AssetKind, AssetStatus
from ui.assets.cover import contract_words, read_cover, sentence, warranty_words
from ui.kit.errors import show_failure
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import MUTED, key_action, named, text_box
from ui.kit.write_dialog import WriteDialog

if TYPE_CHECKING:
    from app.vendors.coverage import AssetCover  # loaded with the first asset shown

OWNER_DEBOUNCE_MS = 150
OWNER_PICKS = 8
_HIT_ROLE = Qt.ItemDataRole.UserRole + 1


def enum_combo(name: str, values: type[IntEnum], current: IntEnum) -> QComboBox:
    """A combo of an enum's labels, ``current`` chosen."""
    combo = named(QComboBox(), name)
    for value in values:
        combo.addItem(value.label, int(value))  # type: ignore[attr-defined]
    combo.setCurrentIndex(combo.findData(int(current)))
    return combo


def site_combo(name: str, sites: list[Choice], none_text: str) -> QComboBox:
    """A combo of the sites ("HQ — Head office"), ``none_text`` first for no site; each
    item's data is the site id as text (:func:`chosen_site` reads it back), which Qt can
    compare in findData()."""
    combo = named(QComboBox(), name)
    combo.addItem(none_text, "")
    add_sites(combo, sites, long=True)
    return combo


def add_sites(combo: QComboBox, sites: list[Choice], *, long: bool) -> None:
    """Append ``sites`` to ``combo``: "HQ — Head office" (``long``) or "HQ" with the name
    as its tooltip."""
    for site in sites:
        label = f"{site.label} — {site.detail}" if long and site.detail else site.label
        combo.addItem(label, str(site.id))
        combo.setItemData(combo.count() - 1, site.detail, Qt.ItemDataRole.ToolTipRole)


def chosen_site(combo: QComboBox) -> uuid.UUID | None:
    """The site chosen in a :func:`site_combo`, None for none."""
    value = combo.currentData()
    return uuid.UUID(value) if value else None


class DateField(QWidget):
    """A date, or none: a date box and a "None" check box that empties it."""

    def __init__(self, name: str, value: date | None) -> None:
        super().__init__()
        named(self, name)
        self.edit = named(QDateEdit(self), f"{name}Date")
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("d MMM yyyy")
        self.none_box = named(QCheckBox("None", self), f"{name}None", "No date")
        self.none_box.toggled.connect(self.edit.setDisabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.none_box)
        self.setFocusProxy(self.edit)
        self.set_value(value)

    def set_value(self, value: date | None) -> None:
        shown = value or local_today()
        self.edit.setDate(QDate(shown.year, shown.month, shown.day))
        self.none_box.setChecked(value is None)
        self.edit.setDisabled(value is None)

    def value(self) -> date | None:
        if self.none_box.isChecked():
            return None
        picked = self.edit.date()
        return date(picked.year(), picked.month(), picked.day())

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.none_box.setAccessibleName(f"No {name.lower()}")


class OwnerField(QWidget):
    """The owner: a caller search box, its hits under it, and who is chosen."""

    def __init__(self, context: AppContext, owner_id: uuid.UUID | None, name: str) -> None:
        super().__init__()
        named(self, "assetOwner")
        self._context = context
        self.owner_id, self._name = owner_id, name
        self._lookups = StaleGuard()
        self.edit = named(QLineEdit(self), "assetOwnerSearch")
        self.edit.setPlaceholderText("Type a name, e-mail or phone number…")
        self.edit.setClearButtonEnabled(True)
        self.edit.setText(name)
        self.hits = named(QListWidget(self), "assetOwnerHits", "Callers found")
        self.hits.setMaximumHeight(self.hits.fontMetrics().height() * OWNER_PICKS // 2 + 12)
        self.hits.hide()
        self.chosen = named(QLabel(self), "assetOwnerChosen", "Owner chosen")
        self.chosen.setStyleSheet(f"color: {MUTED};")
        self._timer = QTimer(self, singleShot=True, interval=OWNER_DEBOUNCE_MS)
        self._timer.timeout.connect(self._look_up)
        self.edit.textEdited.connect(self._typed)
        self.hits.itemActivated.connect(self._picked)
        self.hits.itemClicked.connect(self._picked)
        key_action(self.edit, (Qt.Key.Key_Down,), self._into_hits)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.edit)
        column.addWidget(self.hits)
        column.addWidget(self.chosen)
        self.setFocusProxy(self.edit)
        self._describe()

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(f"{name}: search")

    def unpicked_text(self) -> bool:
        """Text typed in the box but no caller picked for it."""
        return self.owner_id is None and bool(self.edit.text().strip())

    def has_hits(self) -> bool:
        return self.hits.isVisible() and self.hits.count() > 0

    def pick_first(self) -> None:
        """Enter in the box while callers are listed: the selected one (else the first)."""
        item = self.hits.currentItem() or self.hits.item(0)
        if item is not None:
            self._picked(item)

    def _typed(self, text: str) -> None:
        if text != self._name:
            self.owner_id = None
        self._describe()
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self._lookups.drop_pending()
            self.hits.clear()
            self.hits.hide()

    def _look_up(self) -> None:
        text, engine = self.edit.text(), self._context.engine
        run_task(
            lambda: lookup(engine, text, OWNER_PICKS),
            self._found,
            parent=self,
            guard=self._lookups,
        )

    def _found(self, hits: list[CallerHit]) -> None:
        self.hits.clear()
        for hit in hits:
            found = hit.email if hit.matched == "name" else f"{hit.matched}: {hit.detail}"
            shown = "  ·  ".join(part for part in (hit.name, found or "", hit.site_code) if part)
            item = QListWidgetItem(shown)
            item.setData(_HIT_ROLE, hit)
            self.hits.addItem(item)
        self.hits.setVisible(bool(hits))
        if not hits:
            self.chosen.setText(f"No caller matches “{self.edit.text().strip()}”.")

    def _into_hits(self) -> None:
        if self.has_hits():
            self.hits.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.hits.setCurrentRow(0)

    def _picked(self, item: QListWidgetItem) -> None:
        hit: CallerHit = item.data(_HIT_ROLE)
        self.owner_id, self._name = hit.id, hit.name
        self.edit.setText(hit.name)
        self.hits.clear()
        self.hits.hide()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._describe()

    def _describe(self) -> None:
        if self.owner_id is not None:
            self.chosen.setText(f"Owned by {self._name}.")
        elif self.edit.text().strip():
            self.chosen.setText("Pick the owner from the callers found (Down, then Enter).")
        else:
            self.chosen.setText("Nobody owns it (a spare, a server, a shared printer).")


class AssetEditor(WriteDialog):
    """Add an asset, or change ``detail`` (object name ``assetEditor``); :attr:`outcome`
    is the asset's id once saved."""

    def __init__(
        self,
        context: AppContext,
        sites: list[Choice],
        detail: AssetDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = f"Asset {detail.tag}" if detail else "New asset"
        super().__init__(context, "assetEditor", title, "&Save" if detail else "&Add", parent)
        self.detail = detail
        start = detail.fields if detail else AssetFields(tag="")
        self.tag_edit = self._line("assetTag", start.tag, "The label on it, e.g. LT-0042")
        self.kind_combo = enum_combo("assetKind", AssetKind, start.kind)
        self.make_edit = self._line("assetMake", start.make, "Lenovo, HP, Cisco…")
        self.model_edit = self._line("assetModel", start.model, "ThinkPad T14, LaserJet M404…")
        self.serial_edit = self._line("assetSerial", start.serial, "The maker's serial number")
        self.status_combo = enum_combo("assetStatus", AssetStatus, start.status)
        self.site_combo = site_combo("assetSite", sites, "No site")
        self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(str(start.site_id))))
        self.location_edit = self._line("assetLocation", start.location, "Room, rack or desk")
        self.owner = OwnerField(context, start.owner_id, detail.owner_name if detail else "")
        self.purchased = DateField("assetPurchased", start.purchased_on)
        self.warranty = DateField("assetWarranty", start.warranty_ends_on)
        self.notes_edit = text_box("assetNotes", "Anything the next person should know", 3)
        self.notes_edit.setPlainText(start.notes)
        self.cover_label = named(QLabel("Reading the contract…"), "assetCover", "Support")
        self.cover_label.setWordWrap(True)
        self.cover_label.setTextFormat(Qt.TextFormat.PlainText)
        self.cover_label.setStyleSheet(f"color: {MUTED};")
        for key, caption, field in (
            ("tag", "&Tag:", self.tag_edit),
            ("kind", "&Kind:", self.kind_combo),
            ("make", "Mak&e:", self.make_edit),
            ("model", "&Model:", self.model_edit),
            ("serial", "Se&rial:", self.serial_edit),
            ("status", "Stat&us:", self.status_combo),
            ("site_id", "S&ite:", self.site_combo),
            ("location", "&Location:", self.location_edit),
            ("owner_id", "&Owner:", self.owner),
            ("purchased_on", "&Purchased:", self.purchased),
            ("warranty_ends_on", "&Warranty ends:", self.warranty),
            ("notes", "&Notes:", self.notes_edit),
        ):
            self.add_field(key, caption, field)
        if detail is not None:
            self.add_field("cover", "Support:", self.cover_label)
            self._read_cover(detail.id)
        key_action(self.owner.edit, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self._owner_enter)
        self.tag_edit.setFocus()

    def _read_cover(self, asset_id: uuid.UUID) -> None:
        engine = self.context.engine
        run_task(
            lambda: read_cover(engine, asset_id),
            self._show_cover,
            lambda error: show_failure(error, self.cover_label.setText),
            parent=self,
        )

    def _show_cover(self, cover: AssetCover) -> None:
        """ "Contract SC-7 with Acme, until 31 Dec 2026. Warranty ends on 30 Sep 2027, in
        310 days." (as saved: a date typed above counts once saved)"""
        contract = contract_words(cover)
        if cover.ends_on is not None:
            contract = f"Contract {contract}."
        warranty = warranty_words(cover.warranty_ends_on, local_today())
        warranty = f"Warranty {warranty}." if cover.warranty_ends_on else sentence(warranty) + "."
        self.cover_label.setText(f"{contract} {warranty}")

    def _line(self, name: str, value: str, placeholder: str) -> QLineEdit:
        edit = named(QLineEdit(), name)
        edit.setText(value)
        edit.setPlaceholderText(placeholder)
        return edit

    def _owner_enter(self) -> None:
        """Enter in the owner box picks the caller found; with none listed, it saves."""
        if self.owner.has_hits():
            self.owner.pick_first()
        else:
            self.submit()

    def fields(self) -> AssetFields:
        """What the form says now."""
        return AssetFields(
            tag=self.tag_edit.text(),
            kind=AssetKind(self.kind_combo.currentData()),
            make=self.make_edit.text(),
            model=self.model_edit.text(),
            serial=self.serial_edit.text(),
            status=AssetStatus(self.status_combo.currentData()),
            site_id=chosen_site(self.site_combo),
            location=self.location_edit.text(),
            owner_id=self.owner.owner_id,
            purchased_on=self.purchased.value(),
            warranty_ends_on=self.warranty.value(),
            notes=self.notes_edit.toPlainText(),
        )

    def check(self) -> dict[str, str]:
        if self.owner.unpicked_text():
            return {
                "owner_id": "Pick the owner from the callers found under the box, or empty "
                "the box if nobody owns it."
            }
        return {}

    def work(self) -> Callable[[], object]:
        engine, me, fields = self.context.engine, self.context.me, self.fields()
        asset_id = self.detail.id if self.detail else None
        return lambda: save_asset(engine, me, asset_id, fields)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_asset's answer
        return self.outcome

    def summary(self) -> str:
        tag = " ".join(self.tag_edit.text().split())
        return f"Saved {tag}." if self.detail else f"Added {tag}."
