"""The asset register page: every asset of the desk, a filter bar, and the selected asset's
details and ticket history.

The table is the one SQL-paged model (:mod:`ui.kit.paged_model`) over
:class:`app.assets.register.AssetQuery`, sorted by tag, so it stays quick with 100,000
assets. A warranty that ended or ends within 90 days is marked in its column with a colour
and a word (red "✕ … ended", amber "⚠ … ends soon"), never with colour alone. Under the
table, the selected asset's details (with the vendor contract covering it, and its warranty)
sit beside its tickets, newest first (Enter or a double click on a ticket opens it in the
editor).

Technicians and up add assets (Add…, Alt+A) and change them (Enter or a double click on a
row, or Edit…, Alt+E) in :class:`ui.assets.editor.AssetEditor`; managers and admins import
them from a CSV file (Import…, Alt+P) in :class:`ui.assets.import_dialog.AssetImportDialog`.
Where the person may not, those buttons are disabled, with the reason as their tooltip and
in words beside them (Tab skips disabled buttons), and the service refuses anyway.

The keyboard route: the filter box has the keyboard when the page opens; Down moves into the
table; Alt+K, Alt+I, Alt+U and Alt+W reach the kind, site, status and warranty filters.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.assets.register import (
    ALL_STATUSES,
    NOT_RETIRED,
    AssetDetail,
    AssetFilter,
    AssetOrder,
    AssetQuery,
    AssetRow,
    AssetTicket,
    Warranty,
    WarrantyState,
    asset_detail,
    asset_tickets,
    day_text,
    local_today,
    warranty_state,
)
from app.context import AppContext
from app.permissions import Action, context_may, refusal
from app.pick_lists import Choice, sites
from models.enums import AssetKind, AssetStatus
from ui.assets.cover import contract_words, read_cover, sentence, warranty_words
from ui.assets.editor import AssetEditor, add_sites, chosen_site, site_combo
from ui.assets.import_dialog import AssetImportDialog
from ui.kit.outcome import OutcomeLines
from ui.kit.paged_model import PAGE_SIZE, POLL_MS, Colours, ColumnSpec, PagedTableModel, RowRole
from ui.kit.remembered import remember_columns, remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    AMBER,
    MUTED,
    RED,
    filter_line,
    fit_columns,
    key_action,
    named,
    page_button,
    paged_table,
    show_message,
    ticket_list_table,
)
from ui.shell.pages import Page
from ui.tickets.requests import TicketRequest

if TYPE_CHECKING:
    from app.vendors.coverage import AssetCover  # loaded with the first asset shown

TEXT_DEBOUNCE_MS = 200
FILTER_PLACEHOLDER = "Filter: tag, make, model, serial or owner"
_PLAIN: Colours = (None, None)
_GREY: Colours = (QColor(MUTED), None)
_WARRANTY_COLOURS: dict[WarrantyState, Colours] = {
    WarrantyState.ENDED: (QColor(RED), None),
    WarrantyState.ENDING: (QColor(AMBER), None),
}
# Status filter choices: (label, statuses); the first is the page's default.
STATUS_CHOICES: tuple[tuple[str, frozenset[AssetStatus]], ...] = (
    ("Not retired", NOT_RETIRED),
    ("Any status", ALL_STATUSES),
    *((status.label, frozenset({status})) for status in AssetStatus),
)


class Column(IntEnum):
    """Table columns, in the order of :data:`COLUMNS`."""

    TAG = 0
    KIND = 1
    MAKE_MODEL = 2
    SERIAL = 3
    STATUS = 4
    SITE = 5
    LOCATION = 6
    OWNER = 7
    WARRANTY = 8


# Widest text each fixed column must show, to size it from the font instead of from pixels.
_COLUMN_SAMPLES = {
    Column.TAG: "LT-000042",
    Column.KIND: "Software",
    Column.MAKE_MODEL: "Lenovo ThinkCentre M90q",
    Column.SERIAL: "MW8QX2WMKD",
    Column.OWNER: "Piotr Wiśniewski",
    Column.STATUS: "In repair",
    Column.SITE: "HQ",
    Column.LOCATION: "Room 204",
    Column.WARRANTY: "⚠ 30 Sep 2026 ends soon",
}


def make_and_model(make: str, model: str) -> str:
    """ "Lenovo ThinkPad T14"; "" when neither is known."""
    return " ".join(part for part in (make, model) if part)


def warranty_text(row: AssetRow, now: datetime) -> str:
    """The warranty column: the date, marked "✕ … ended" or "⚠ … ends soon"."""
    if row.warranty_ends_on is None:
        return "—"
    state = warranty_state(row.warranty_ends_on, local_today(now))
    shown = day_text(row.warranty_ends_on)
    if state is WarrantyState.ENDED:
        return f"✕ {shown} ended"
    if state is WarrantyState.ENDING:
        return f"⚠ {shown} ends soon"
    return shown


def _warranty_colours(row: AssetRow, now: datetime) -> Colours:
    state = warranty_state(row.warranty_ends_on, local_today(now))
    return _WARRANTY_COLOURS.get(state, _PLAIN)


def _plain(text: Callable[[AssetRow], str]) -> Callable[[AssetRow, datetime], str]:
    return lambda row, _now: text(row)


COLUMNS: tuple[ColumnSpec[AssetRow, AssetOrder], ...] = (
    ColumnSpec("Tag", _plain(lambda r: r.tag)),
    ColumnSpec("Kind", _plain(lambda r: r.kind.label)),
    ColumnSpec(
        "Make and model",
        _plain(lambda r: make_and_model(r.make, r.model) or "—"),
        full_text_tip=True,
    ),
    ColumnSpec("Serial", _plain(lambda r: r.serial or "—"), full_text_tip=True),
    ColumnSpec(
        "Status",
        _plain(lambda r: r.status.label),
        colours=lambda r, _now: _GREY if r.status is AssetStatus.RETIRED else _PLAIN,
    ),
    ColumnSpec("Site", _plain(lambda r: r.site_code or "—")),
    ColumnSpec("Location", _plain(lambda r: r.location or "—"), full_text_tip=True),
    ColumnSpec("Owner", _plain(lambda r: r.owner_name or "—"), full_text_tip=True),
    ColumnSpec(
        "Warranty ends",
        warranty_text,
        tip=lambda r, now: f"Warranty: {warranty_words(r.warranty_ends_on, local_today(now))}",
        colours=_warranty_colours,
        ticking=True,
    ),
)


class AssetModel(PagedTableModel[AssetRow, AssetFilter, AssetOrder]):
    """The register's rows, fetched page by page; see :mod:`ui.kit.paged_model`."""

    def __init__(self, query: AssetQuery, parent: QObject | None = None, **options: Any) -> None:
        start = AssetFilter(statuses=STATUS_CHOICES[0][1])
        super().__init__(query, COLUMNS, (start, AssetOrder.TAG), parent, **options)


def _asset_at(index: QModelIndex) -> AssetRow | None:
    """The asset on the row of ``index``; None while its page is still loading."""
    row = index.data(RowRole) if index.isValid() else None
    return row if isinstance(row, AssetRow) else None


class AssetsPage(Page):
    """Filter bar over the asset table, the selected asset's details and tickets, and the
    editor for technicians and up (object name ``assetsView``)."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        poll_ms: int = POLL_MS,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        named(self, "assetsView", "Assets")
        self._context = context
        self._may_edit = context_may(context, Action.MANAGE_ASSETS)
        self._may_import = context_may(context, Action.IMPORT_ASSETS)
        self._sites: list[Choice] = []
        self._detail: AssetDetail | None = None
        self._detail_of: uuid.UUID | None = None  # whose details are shown (or on their way)
        self._history: list[AssetTicket] = []
        self._select_after: uuid.UUID | None = None  # whom to select once the rows are read
        self._details, self._histories, self._openings = StaleGuard(), StaleGuard(), StaleGuard()
        self._covers = StaleGuard()
        self.model = AssetModel(
            AssetQuery(context.engine), self, page_size=page_size, poll_ms=poll_ms
        )
        self._text_timer = QTimer(self, singleShot=True, interval=TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._apply_filters)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self._build_filter_bar())
        self.splitter = named(QSplitter(Qt.Orientation.Vertical, self), "assetsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_table())
        self.splitter.addWidget(self._build_lower())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        remember_splitter(self.splitter, "assets")
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self._build_buttons())
        self.outcome = OutcomeLines("assets")
        self.problem_line, self.result_line = self.outcome.problem, self.outcome.result
        layout.addWidget(self.problem_line)
        layout.addWidget(self.result_line)
        self.setFocusProxy(self.filter_edit)
        self._build_keys()

        self.model.countChanged.connect(self._count_changed)
        self.model.failed.connect(self._query_failed)
        self.model.loaded.connect(self._rows_loaded)
        self._apply_filters()
        engine = context.engine
        run_task(lambda: sites(engine), self._sites_read, self.outcome.failed, parent=self)

    # -- building -----------------------------------------------------------------------------
    def _build_filter_bar(self) -> QFrame:
        bar = named(QFrame(self), "assetFilterBar", "Asset filters")
        self.filter_edit = filter_line(
            bar,
            "assetFilter",
            FILTER_PLACEHOLDER,
            "Part of a tag, make, model or serial, or "
            "words of the owner's name; every word must match",
        )
        self.filter_edit.textChanged.connect(lambda _text: self._text_timer.start())
        self.filter_edit.returnPressed.connect(self.focus_table)
        self.filter_edit.setMinimumWidth(180)  # the four filters beside it need the rest
        self.kind_combo = named(QComboBox(bar), "assetKindFilter", "Kind")
        self.kind_combo.addItem("Any kind", None)
        for kind in AssetKind:
            self.kind_combo.addItem(kind.label, int(kind))
        self.site_combo = site_combo("assetSiteFilter", [], "Any site")
        self.site_combo.setAccessibleName("Site")
        self.status_combo = named(QComboBox(bar), "assetStatusFilter", "Status")
        for label, _statuses in STATUS_CHOICES:
            self.status_combo.addItem(label)
        self.warranty_combo = named(QComboBox(bar), "assetWarrantyFilter", "Warranty")
        for warranty in Warranty:
            self.warranty_combo.addItem(warranty.value, warranty.name)
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.filter_edit, 1)
        for caption, combo in (
            ("&Kind:", self.kind_combo),
            ("S&ite:", self.site_combo),
            ("Stat&us:", self.status_combo),
            ("&Warranty:", self.warranty_combo),
        ):
            buddy = QLabel(caption, bar)
            buddy.setBuddy(combo)
            # Narrow enough for the whole bar to fit a 1024-wide window; the list that
            # opens shows every choice whole.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            combo.activated.connect(lambda _index: self._apply_filters())
            row.addSpacing(6)
            row.addWidget(buddy)
            row.addWidget(combo)
        return bar

    def _build_table(self) -> QTableView:
        table = paged_table(self, self.model, "assetTable", "Assets")
        self.table = table
        fit_columns(table, _COLUMN_SAMPLES, lambda column: COLUMNS[column].header, stretch=None)
        header = table.horizontalHeader()
        remember_columns(header, "assets")
        table.doubleClicked.connect(lambda _index: self.edit())
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        return table

    def _build_lower(self) -> QSplitter:
        """The selected asset's details, beside its tickets."""
        lower = named(QSplitter(Qt.Orientation.Horizontal, self), "assetLowerSplitter")
        lower.setChildrenCollapsible(False)
        details = named(QWidget(lower), "assetDetails", "Asset details")
        self.detail_title = named(QLabel("", details), "assetDetailTitle", "Asset")
        self.detail_title.setStyleSheet("font-weight: 600;")
        self.detail_title.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(2)
        self.detail_values: dict[str, QLabel] = {}
        for key, caption in (
            ("kind", "Kind"),
            ("make_model", "Make and model"),
            ("serial", "Serial"),
            ("status", "Status"),
            ("site", "Site"),
            ("location", "Location"),
            ("owner", "Owner"),
            ("purchased", "Purchased"),
            ("warranty", "Warranty"),
            ("contract", "Contract"),
            ("notes", "Notes"),
        ):
            value = named(QLabel(details), f"assetDetail_{key}", caption)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.detail_values[key] = value
            form.addRow(f"{caption}:", value)
        column = QVBoxLayout(details)
        column.setContentsMargins(0, 4, 4, 0)
        column.addWidget(self.detail_title)
        column.addLayout(form)
        column.addStretch(1)

        history = QWidget(lower)
        self.history_title = named(QLabel("Tickets", history), "assetHistoryTitle", "Tickets")
        self.history_title.setStyleSheet("font-weight: 600;")
        self.history = ticket_list_table("assetHistory", "Tickets of the asset")
        self.history.doubleClicked.connect(lambda _index: self.open_ticket())
        self.history_note = named(QLabel("", history), "assetHistoryNote", "About the tickets")
        self.history_note.setStyleSheet(f"color: {MUTED};")
        column = QVBoxLayout(history)
        column.setContentsMargins(4, 4, 0, 0)
        column.addWidget(self.history_title)
        column.addWidget(self.history, 1)
        column.addWidget(self.history_note)
        lower.addWidget(details)
        lower.addWidget(history)
        lower.setStretchFactor(0, 2)
        lower.setStretchFactor(1, 3)
        remember_splitter(lower, "assetsLower")
        self._show_detail(None)
        return lower

    def _build_buttons(self) -> QHBoxLayout:
        self.add_button = self._button("&Add…", "addAsset", "Add an asset", self.add)
        self.import_button = page_button(
            self,
            "Im&port…",
            "importAssets",
            "Import assets from a CSV file",
            self.import_file,
            "" if self._may_import else refusal(Action.IMPORT_ASSETS),
        )
        self.edit_button = self._button(
            "&Edit…", "editAsset", "Change the selected asset", self.edit
        )
        self.refusal_note = named(QLabel("", self), "assetsRefusal", "Why some buttons are off")
        self.refusal_note.setStyleSheet(f"color: {MUTED};")
        self.refusal_note.setWordWrap(True)
        # Said in words too: a tooltip needs a mouse, and Tab skips disabled buttons.
        if not self._may_edit:
            self.refusal_note.setText(
                f"{refusal(Action.MANAGE_ASSETS)} You can look assets up and read their tickets."
            )
        elif not self._may_import:
            self.refusal_note.setText(refusal(Action.IMPORT_ASSETS))
        self.count_label = named(QLabel("", self), "assetCount", "Number of assets")
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.import_button)
        row.addWidget(self.edit_button)
        row.addWidget(self.refusal_note, 1)
        row.addWidget(self.count_label)
        return row

    def _button(
        self, text: str, name: str, accessible: str, slot: Callable[[], None]
    ) -> QPushButton:
        refused = "" if self._may_edit else refusal(Action.MANAGE_ASSETS)
        return page_button(self, text, name, accessible, slot, refused)

    def _build_keys(self) -> None:
        """Keys that act only where they are pressed: Down in the filter box leads into the
        table, Esc there clears it, Enter in the table edits, Enter on a ticket opens it."""
        key_action(self.filter_edit, (Qt.Key.Key_Down, Qt.Key.Key_PageDown), self.focus_table)
        key_action(self.filter_edit, (Qt.Key.Key_Escape,), self._clear_filter)
        key_action(self.table, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.edit)
        key_action(self.history, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.open_ticket)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        """Arriving here: the rows read again, and the keyboard in the filter box."""
        if not self.model.is_fetching():
            self.refresh()
        self.focus_filter()

    def refresh(self) -> None:
        """Read the rows and the selected asset again (F5)."""
        self._detail_of = None
        self.model.refresh()

    # -- public -------------------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def focus_table(self) -> None:
        """Into the assets, on the first one unless one is selected already."""
        self._apply_filters()
        if not self.model.rowCount():
            return
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, Column.TAG))

    def current(self) -> AssetRow | None:
        """The selected asset, once its row is loaded."""
        return _asset_at(self.table.currentIndex())

    def current_filter(self) -> AssetFilter:
        kind = self.kind_combo.currentData()
        return AssetFilter(
            kind=None if kind is None else AssetKind(kind),
            site_id=chosen_site(self.site_combo),
            statuses=STATUS_CHOICES[max(0, self.status_combo.currentIndex())][1],
            warranty=Warranty[self.warranty_combo.currentData()],
            text=self.filter_edit.text(),
        )

    def add(self) -> None:
        """Add… : the editor for a new asset; it is selected once added."""
        if self._may_edit:
            self._open(AssetEditor(self._context, self._sites, None, self))

    def import_file(self) -> None:
        """Import… : the asset import dialog; once it imported, the rows are read again."""
        if not self._may_import:
            return
        dialog = AssetImportDialog(self._context, self)
        dialog.importFinished.connect(lambda _result: self.refresh())
        self.outcome.tell("")
        dialog.open()

    def edit(self) -> None:
        """Edit… (and Enter or a double click on a row): the editor for the selected asset,
        read fresh from the database."""
        asset = self.current()
        if not self._may_edit or asset is None:
            return
        engine, asset_id = self._context.engine, asset.id
        run_task(
            lambda: asset_detail(engine, asset_id),
            lambda detail: self._open(AssetEditor(self._context, self._sites, detail, self)),
            self.outcome.failed,
            parent=self,
            guard=self._openings,
        )

    def open_ticket(self) -> None:
        """Open the selected ticket of the history in the editor."""
        row = self.history.currentRow()
        if 0 <= row < len(self._history):
            self.navigate.emit("ticket", TicketRequest(ticket_id=self._history[row].id))

    # -- filters and rows ---------------------------------------------------------------------
    def _sites_read(self, found: list[Choice]) -> None:
        self._sites = found
        add_sites(self.site_combo, found, long=False)

    def _apply_filters(self) -> None:
        self._text_timer.stop()
        self.model.set_query(self.current_filter())

    def _clear_filter(self) -> None:
        self.filter_edit.clear()
        self._apply_filters()

    def _count_changed(self, count: int) -> None:
        self.count_label.setText(
            "No assets match" if not count else "1 asset" if count == 1 else f"{count:,} assets"
        )
        self.count_label.setToolTip("")

    def _query_failed(self, message: str) -> None:
        self.count_label.setText("Assets not available")
        self.count_label.setToolTip(message)

    def _rows_loaded(self) -> None:
        if self._select_after is not None:
            row = self.model.row_of(self._select_after)
            if row is not None:
                self._select_after = None
                self.table.setCurrentIndex(self.model.index(row, Column.TAG))
        self._describe_current()
        self.content_shown()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._describe_current()

    def _describe_current(self) -> None:
        """The details and tickets of the selected asset, read when the selection moves."""
        asset = self.current()
        self.edit_button.setEnabled(self._may_edit and asset is not None)
        asset_id = asset.id if asset is not None else None
        if asset_id == self._detail_of:
            return
        self._detail_of = asset_id
        if asset_id is None:
            self._details.drop_pending()
            self._histories.drop_pending()
            self._covers.drop_pending()
            self._show_detail(None)
            self._show_history([])
            return
        engine = self._context.engine
        run_task(
            lambda: asset_detail(engine, asset_id),
            self._show_detail,
            self.outcome.failed,
            parent=self,
            guard=self._details,
        )
        run_task(
            lambda: asset_tickets(engine, asset_id),
            self._show_history,
            self.outcome.failed,
            parent=self,
            guard=self._histories,
        )
        run_task(
            lambda: read_cover(engine, asset_id),
            self._show_cover,
            self.outcome.failed,
            parent=self,
            guard=self._covers,
        )

    def _show_detail(self, detail: AssetDetail | None) -> None:
        self._detail = detail
        if detail is None:
            self.detail_title.setText("Select an asset to see its details and tickets.")
            for value in self.detail_values.values():
                value.setText("")
            return
        today = local_today()
        site = f"{detail.site_code} — {detail.site_name}" if detail.site_code else ""
        values = {
            "kind": detail.kind.label,
            "make_model": make_and_model(detail.make, detail.model),
            "serial": detail.serial,
            "status": detail.status.label,
            "site": site,
            "location": detail.location,
            "owner": detail.owner_name or "nobody",
            "purchased": day_text(detail.purchased_on) if detail.purchased_on else "",
            "warranty": sentence(warranty_words(detail.warranty_ends_on, today)),
            "notes": detail.notes,
        }
        self.detail_title.setText(detail.tag)
        for key, text in values.items():
            self.detail_values[key].setText(text or "—")
        state = warranty_state(detail.warranty_ends_on, today)
        colour = {WarrantyState.ENDED: RED, WarrantyState.ENDING: AMBER}.get(state, "")
        self.detail_values["warranty"].setStyleSheet(f"color: {colour};" if colour else "")

    def _show_cover(self, cover: AssetCover) -> None:
        """The contract covering the selected asset (its warranty comes with the details)."""
        self.detail_values["contract"].setText(contract_words(cover))

    def _show_history(self, tickets: list[AssetTicket]) -> None:
        self._history = tickets
        self.history.setRowCount(len(tickets))
        for number, ticket in enumerate(tickets):
            opened = day_text(ticket.created_at.astimezone().date())
            for column, value in enumerate(
                (ticket.number, ticket.summary, ticket.status.label, opened)
            ):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.history.setItem(number, column, item)
        title = f"Tickets about {self._detail_tag()}" if self._detail_of else "Tickets"
        self.history_title.setText(title)
        if self._detail_of is None:
            note = ""
        elif tickets:
            note = "Enter or a double click opens a ticket."
        else:
            note = "No ticket was raised about this asset."
        show_message(self.history_note, note)

    def _detail_tag(self) -> str:
        asset = self.current()
        return asset.tag if asset is not None else "the asset"

    # -- writing ------------------------------------------------------------------------------
    def _open(self, dialog: AssetEditor) -> None:
        """Open the editor; once it saved, read the rows again, select the asset and say
        what was done."""
        self.outcome.open(dialog, self._saved)

    def _saved(self, asset_id: uuid.UUID, message: str) -> None:
        self.outcome.tell(message, ok=True)
        self._select_after = asset_id
        self.refresh()
