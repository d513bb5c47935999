"""The Vendors page's contract dialog: add a support contract or change one.

On the left what the contract is: the vendor, its number and title, the period, the renewal
notice, the response and resolution times, the cost and notes. On the right when the vendor
answers (around the clock, or a week of support hours in a time zone: the weekday grid the
Sites page edits opening hours with, :class:`~ui.settings.site_dialogs.HoursGrid`) and what
it covers: assets typed by tag, ticket categories ticked in a list.

The confirm button looks the tags up and runs :func:`app.vendors.directory.save_contract`
off the GUI thread; the dialog is accepted once the save landed, else it stays open with
each problem under its field (a contract that ends before it starts, a tag no asset has, a
number the vendor uses already), nothing typed lost and nothing saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.assets.register import local_today
from app.context import AppContext
from app.errors import ValidationError
from app.org.sla_policies import minutes_text, parse_minutes
from app.pick_lists import Choice
from app.problems.typed import assets_tagged, words
from app.vendors.directory import (
    MAX_NOTICE_DAYS,
    NUMBER_MAX,
    TITLE_MAX,
    ContractDetail,
    ContractDraft,
    VendorRow,
    save_contract,
)
from ui.kit.widgets import MUTED, error_label, named, text_box
from ui.kit.write_dialog import WriteDialog
from ui.settings.site_dialogs import HoursGrid
from ui.settings.site_fields import zone_completer

# A new contract's support hours until the person changes them: office hours on weekdays.
OFFICE_HOURS = {str(day): ["08:00", "18:00"] for day in range(5)}
CATEGORY_ROWS = 6  # categories in view in the list; more scroll
_TIME_HINT = "In the support hours: 30m, 4h, 1h 30m; empty for none."


def year_from(first: date) -> date:
    """The last day of a year that starts on ``first`` (28 February for one starting on
    29 February)."""
    try:
        after = first.replace(year=first.year + 1)
    except ValueError:  # 29 February
        after = date(first.year + 1, 3, 1)
    return after - timedelta(days=1)


def _date_edit(name: str, value: date) -> QDateEdit:
    edit = named(QDateEdit(), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


def _day(edit: QDateEdit) -> date:
    picked = edit.date()
    return date(picked.year(), picked.month(), picked.day())


class ContractDialog(WriteDialog):
    """Add a contract with one of ``vendors`` (``detail`` None; ``vendor_id`` chosen first)
    or change ``detail`` (object name ``contractDialog``); ``categories`` are those the
    contract may cover. :attr:`outcome` is the contract's id."""

    def __init__(
        self,
        context: AppContext,
        vendors: Sequence[VendorRow],
        categories: Sequence[Choice],
        detail: ContractDetail | None = None,
        vendor_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = (
            f"Contract {detail.draft.number} ({detail.vendor_name})" if detail else "Add contract"
        )
        super().__init__(context, "contractDialog", title, "&Save" if detail else "&Add", parent)
        self.detail = detail
        today = local_today()
        start = (
            detail.draft
            if detail
            else ContractDraft(
                vendor_id=vendor_id or uuid.UUID(int=0),
                number="",
                starts_on=today,
                ends_on=year_from(today),
                support_hours=OFFICE_HOURS,
                timezone="",
            )
        )
        self._build_contract(start, vendors)
        right = QVBoxLayout()
        right.addWidget(self._build_hours(start))
        right.addWidget(self._build_cover(start, detail, categories))
        # What the contract is on the left (the dialog's form), when and what on the right:
        # one column would not fit a 700-pixel screen.
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        outer.removeItem(self.form)
        self.form.setParent(None)
        left = QVBoxLayout()
        left.addLayout(self.form)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left)
        columns.addLayout(right)
        outer.insertLayout(0, columns)
        self.number_edit.setFocus()

    # -- building -------------------------------------------------------------------------------
    def _build_contract(self, start: ContractDraft, vendors: Sequence[VendorRow]) -> None:
        self.vendor_combo = named(QComboBox(), "contractVendor")
        for vendor in vendors:
            label = vendor.name if vendor.active else f"{vendor.name} (inactive)"
            self.vendor_combo.addItem(label, str(vendor.id))
        self.vendor_combo.setCurrentIndex(max(0, self.vendor_combo.findData(str(start.vendor_id))))
        self.number_edit = self._line("contractNumber", start.number, "SC-2026-0042", NUMBER_MAX)
        self.title_edit = self._line(
            "contractTitle", start.title, "What it covers, in words: HQ printers", TITLE_MAX
        )
        self.starts_edit = _date_edit("contractStarts", start.starts_on)
        self.ends_edit = _date_edit("contractEnds", start.ends_on)
        self.notice_spin = named(QSpinBox(), "contractNotice")
        self.notice_spin.setRange(0, MAX_NOTICE_DAYS)
        self.notice_spin.setSuffix(" days")
        self.notice_spin.setSpecialValueText("none")
        self.notice_spin.setValue(start.notice_days)
        self.response_edit = self._minutes("contractResponse", start.response_minutes)
        self.resolution_edit = self._minutes("contractResolution", start.resolution_minutes)
        self.cost_edit = self._line(
            "contractCost", "" if start.cost is None else f"{start.cost:f}", "1200.00", 20
        )
        self.currency_edit = self._line("contractCurrency", start.currency, "EUR", 3)
        self.currency_edit.setAccessibleName("Currency")
        self.currency_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("WWWW") + 16)
        self.notes_edit = text_box("contractNotes", "Renewal terms, who signed it…", 2)
        self.notes_edit.setPlainText(start.notes)
        for key, caption, field, hint in (
            ("vendor_id", "&Vendor:", self.vendor_combo, ""),
            ("number", "Num&ber:", self.number_edit, ""),
            ("title", "T&itle:", self.title_edit, ""),
            ("starts_on", "Star&ts:", self.starts_edit, ""),
            ("ends_on", "&Ends:", self.ends_edit, ""),
            (
                "notice_days",
                "Notice &days:",
                self.notice_spin,
                "Before the end, to end or change it.",
            ),
            ("response_minutes", "&Response:", self.response_edit, _TIME_HINT),
            ("resolution_minutes", "Reso&lution:", self.resolution_edit, ""),
            ("cost", "C&ost:", self._cost_row(), ""),
            ("notes", "&Notes:", self.notes_edit, ""),
        ):
            self.add_field(key, caption, field, hint)

    def _cost_row(self) -> QWidget:
        """The cost and its currency on one line; the currency's problem under both."""
        row = named(QWidget(), "contractCostRow")
        currency_label = QLabel("c&urrency:", row)
        currency_label.setBuddy(self.currency_edit)
        error = error_label("currencyError")
        self.adopt_errors({"currency": error})
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.cost_edit, 1)
        line.addWidget(currency_label)
        line.addWidget(self.currency_edit)
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(line)
        column.addWidget(error)
        row.setFocusProxy(self.cost_edit)
        self.cost_edit.setAccessibleName("Cost")
        return row

    def _build_hours(self, start: ContractDraft) -> QGroupBox:
        box = named(QGroupBox("Support &hours"), "contractHoursBox", "Support hours")
        self.clock_check = named(
            QCheckBox("Around the cloc&k (every minute counts)"), "contractAroundTheClock"
        )
        self.clock_check.setChecked(start.around_the_clock)
        self.zone_edit = named(QLineEdit(start.timezone), "contractTimezone", "Time zone")
        self.zone_edit.setPlaceholderText("Europe/London")
        self.zone_edit.setCompleter(zone_completer(self.zone_edit))
        zone_label = QLabel("Time &zone:")
        zone_label.setBuddy(self.zone_edit)
        self.hours = HoursGrid(box)
        self.hours.setAccessibleName("Support hours")
        self.hours.set_hours(start.support_hours or OFFICE_HOURS)
        self.clock_check.toggled.connect(lambda on: self.hours.set_editable(not on))
        self.hours.set_editable(not start.around_the_clock)
        errors = {key: error_label(f"{key}Error") for key in ("timezone", "support_hours")}
        self.adopt_errors(errors)
        zone = QHBoxLayout()
        zone.addWidget(zone_label)
        zone.addWidget(self.zone_edit, 1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.clock_check)
        layout.addLayout(zone)
        layout.addWidget(errors["timezone"])
        layout.addWidget(self.hours)
        layout.addWidget(errors["support_hours"])
        hint = QLabel("Response and resolution times run in these hours, in this time zone.")
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(hint)
        return box

    def _build_cover(
        self, start: ContractDraft, detail: ContractDetail | None, categories: Sequence[Choice]
    ) -> QGroupBox:
        box = named(QGroupBox("What it covers"), "contractCoverBox", "What it covers")
        tags = ", ".join(asset.tag for asset in detail.assets) if detail else ""
        self.assets_edit = named(QLineEdit(tags), "contractAssets", "Assets covered")
        self.assets_edit.setPlaceholderText("LT-0042, PR-0003")
        assets_label = QLabel("Asset ta&gs:")
        assets_label.setBuddy(self.assets_edit)
        self.categories_list = named(QListWidget(), "contractCategories", "Categories covered")
        offered = {choice.id: choice.label for choice in categories}
        if detail:  # a retired category it covers is still listed, ticked
            offered.update({c.id: c.name for c in detail.categories if c.id not in offered})
        for category_id, name in sorted(offered.items(), key=lambda pair: pair[1].casefold()):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = category_id in start.category_ids
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, str(category_id))
            self.categories_list.addItem(item)
        rows = min(max(self.categories_list.count(), 3), CATEGORY_ROWS)
        frame = self.categories_list.frameWidth() * 2
        self.categories_list.setFixedHeight(self.categories_list.sizeHintForRow(0) * rows + frame)
        categories_label = QLabel("&Categories:")
        categories_label.setBuddy(self.categories_list)
        errors = {key: error_label(f"{key}Error") for key in ("asset_ids", "category_ids")}
        self.adopt_errors(errors)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field, error, hint in (
            (
                assets_label,
                self.assets_edit,
                errors["asset_ids"],
                "Tags separated by commas or spaces.",
            ),
            (
                categories_label,
                self.categories_list,
                errors["category_ids"],
                "Space ticks one; the categories under it are covered too.",
            ),
        ):
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(field)
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setStyleSheet(f"color: {MUTED};")
            column.addWidget(note)
            column.addWidget(error)
            form.addRow(label, column)
        return box

    @staticmethod
    def _line(name: str, value: str, placeholder: str, longest: int) -> QLineEdit:
        edit = named(QLineEdit(value), name)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(longest)
        return edit

    def _minutes(self, name: str, minutes: int | None) -> QLineEdit:
        edit = named(QLineEdit(minutes_text(minutes) if minutes else ""), name)
        edit.setPlaceholderText("4h")
        return edit

    # -- reading --------------------------------------------------------------------------------
    def chosen_vendor(self) -> uuid.UUID | None:
        chosen = self.vendor_combo.currentData()
        return uuid.UUID(chosen) if chosen else None

    def _category_ids(self) -> frozenset[uuid.UUID]:
        items = (self.categories_list.item(row) for row in range(self.categories_list.count()))
        return frozenset(
            uuid.UUID(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def _cost(self) -> Decimal | None:
        text = self.cost_edit.text().strip().replace(",", "")
        return Decimal(text) if text else None

    def draft(self) -> ContractDraft:
        """What the form says now, the assets left out (they are looked up by tag as the
        contract is saved)."""
        clock = self.clock_check.isChecked()
        zone = self.zone_edit.text().strip()
        return ContractDraft(
            vendor_id=self.chosen_vendor() or uuid.UUID(int=0),
            number=self.number_edit.text(),
            starts_on=_day(self.starts_edit),
            ends_on=_day(self.ends_edit),
            title=self.title_edit.text(),
            category_ids=self._category_ids(),
            around_the_clock=clock,
            support_hours=self.hours.hours(),
            # Around the clock, the zone changes no due time: none given is none needed.
            timezone=zone or ("UTC" if clock else ""),
            response_minutes=parse_minutes(self.response_edit.text()),
            resolution_minutes=parse_minutes(self.resolution_edit.text()),
            notice_days=self.notice_spin.value(),
            cost=self._cost(),
            currency=self.currency_edit.text(),
            notes=self.notes_edit.toPlainText(),
        )

    def check(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if self.chosen_vendor() is None:
            problems["vendor_id"] = "Add the vendor first (Add vendor… on the Vendors page)."
        for key, edit in (
            ("response_minutes", self.response_edit),
            ("resolution_minutes", self.resolution_edit),
        ):
            if edit.text().strip() and parse_minutes(edit.text()) is None:
                problems[key] = "Type a time such as 30m, 4h or 1h 30m (or minutes: 90)."
        try:
            self._cost()
        except InvalidOperation:
            problems["cost"] = "Give the cost as an amount, such as 1200.00, or leave it empty."
        return problems

    def work(self) -> Callable[[], object]:
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        tags = words(self.assets_edit.text())
        contract_id = self.detail.id if self.detail else None

        def save() -> uuid.UUID:
            try:
                covered = frozenset(assets_tagged(engine, tags))
            except ValidationError as unknown:  # said under this dialog's assets field
                raise ValidationError({"asset_ids": unknown.problems["assets"]}) from None
            return save_contract(engine, me, replace(draft, asset_ids=covered), contract_id)

        return save

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_contract's answer
        return self.outcome

    def summary(self) -> str:
        number = " ".join(self.number_edit.text().split())
        vendor = self.vendor_combo.currentText().removesuffix(" (inactive)")
        if self.detail:
            return f"Saved contract {number} with {vendor}."
        return f"Added contract {number} with {vendor}."
