"""The Vendors page: the outside companies the desk escalates to, their support contracts,
and the contracts a manager must act on before they end.

Two tabs (the one last open comes back):

- **Vendors**: the list (name, kind, support phone, e-mail, how many contracts, whether the
  desk still uses them) under a text filter, beside the selected vendor's details and
  contracts (period, support hours, response time, what each covers, renewal notice).
- **Contracts ending**: the contracts that end within the days chosen (90 to begin with) or
  are inside their renewal notice period, soonest first, each with why it is listed and the
  last day to give notice (marked "⚠" once that day has come).

A desk has tens of vendors, not thousands: the list is read whole (one call) and filtered
here as the person types; the selected vendor's details are a second call, answered for the
newest selection only. Every read and write runs off the GUI thread.

Managers and admins add and change vendors (:class:`~ui.vendors.vendor_dialog.VendorDialog`)
and contracts (:class:`~ui.vendors.contract_dialog.ContractDialog`); for everyone else the
buttons are disabled with the reason as their tooltip and said on the page (Tab skips
disabled buttons, a tooltip needs a mouse), and the service refuses anyway.

The keyboard route: the filter box has the keyboard when the page opens; Down moves into the
vendors; Enter edits the vendor, Insert adds one; Tab reaches the vendor's contracts, where
Enter edits a contract and Insert adds one. Alt+N and Alt+D switch tabs; in Contracts ending,
Alt+W reaches the days and Enter edits the selected contract. F5 reads everything again.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.assets.register import local_today
from app.context import AppContext
from app.org.sla_policies import minutes_text
from app.permissions import Action, context_may, refusal
from app.pick_lists import Choice, ticket_choices
from app.vendors.coverage import EndingContract, contracts_ending
from app.vendors.directory import (
    MAX_NOTICE_DAYS,
    ContractDetail,
    ContractRow,
    VendorDetail,
    VendorRow,
    contract_detail,
    day_text,
    list_vendors,
    vendor_detail,
)
from ui.kit.outcome import OutcomeLines
from ui.kit.remembered import layout_settings, remember_columns, remember_splitter
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
    plural,
    read_only_table,
    show_message,
    signals_blocked,
)
from ui.shell.pages import Page
from ui.vendors.contract_dialog import ContractDialog
from ui.vendors.vendor_dialog import VendorDialog

LIST_ROWS = 8  # vendors in view until the person moves the splitter
ENDING_DAYS = 90  # the contracts-ending list's days ahead, until the person changes them
DAYS_DEBOUNCE_MS = 300
TAB_KEY = "tabs/vendors"
FILTER_PLACEHOLDER = "Filter: name, kind, phone or e-mail"
VENDOR_HEADERS = ("Name", "Kind", "Support phone", "E-mail", "Contracts", "Active")
CONTRACT_HEADERS = ("Number", "Title", "Period", "Support hours", "Response", "Covers", "Notice")
ENDING_HEADERS = ("Ends", "Vendor", "Contract", "Title", "Notice by", "Why")
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
INSERT = (Qt.Key.Key_Insert,)
# Widest usual text of each column, to size it from the font instead of from pixels.
_VENDOR_SAMPLES = {
    0: "Meridian Print Services",
    1: "Internet provider",
    2: "+44 20 7946 0000",
    4: "99",
    5: "yes",
}
# The support hours take what is left: elided at 1024 pixels, the tooltip has them whole.
_CONTRACT_SAMPLES = {
    0: "SC-2026-00042",
    1: "Laptop support 2026-27",
    2: "30 Sep 2026 – 29 Sep 2027 (ended)",
    4: "1 h 30 min",
    5: "2 assets, 1 category",
    6: "120 days",
}
# Why a contract is listed takes what is left (the tooltip has it whole).
_ENDING_SAMPLES = {
    0: "30 Sep 2026",
    1: "Hudson Metro Networks",
    2: "HMN-NYC-2024-0117",
    3: "HQ printers and copiers",
    4: "⚠ 30 Sep 2026",
}
_GREY = QColor(MUTED)


def vendor_cells(row: VendorRow) -> tuple[str, ...]:
    """The vendor list's columns, in the order of :data:`VENDOR_HEADERS`."""
    return (
        row.name,
        row.kind or "—",
        row.support_phone or "—",
        row.email or "—",
        str(row.contracts),
        "yes" if row.active else "no",
    )


def matches(row: VendorRow, text: str) -> bool:
    """Whether every word of ``text`` is part of the vendor's name, kind, phone or e-mail."""
    haystack = " ".join((row.name, row.kind, row.support_phone, row.email)).casefold()
    return all(word in haystack for word in text.casefold().split())


def period_text(row: ContractRow, today: date) -> str:
    """ "1 Jan 2026 – 31 Dec 2026", marked "(ended)" or "(not started)" when not current."""
    period = f"{day_text(row.starts_on)} – {day_text(row.ends_on)}"
    if row.ends_on < today:
        return f"{period} (ended)"
    if row.starts_on > today:
        return f"{period} (not started)"
    return period


def covers_text(row: ContractRow) -> str:
    """ "2 assets, 1 category", or "nothing yet"."""
    parts = [plural(row.assets, "asset") if row.assets else ""]
    parts.append(
        ("1 category" if row.categories == 1 else f"{row.categories} categories")
        if row.categories
        else ""
    )
    return ", ".join(part for part in parts if part) or "nothing yet"


def contract_cells(row: ContractRow, today: date) -> tuple[str, ...]:
    """The vendor's contracts' columns, in the order of :data:`CONTRACT_HEADERS`."""
    return (
        row.number,
        row.title or "—",
        period_text(row, today),
        row.hours,
        minutes_text(row.response_minutes) if row.response_minutes else "—",
        covers_text(row),
        f"{row.notice_days} days" if row.notice_days else "—",
    )


def notice_text(row: EndingContract) -> str:
    """The last day to give notice, marked "⚠" once it has come; "—" without a notice period."""
    if row.notice_by is None:
        return "—"
    return f"⚠ {day_text(row.notice_by)}" if row.in_notice_period else day_text(row.notice_by)


def ending_cells(row: EndingContract) -> tuple[str, ...]:
    """The contracts-ending list's columns, in the order of :data:`ENDING_HEADERS`."""
    return (
        day_text(row.ends_on),
        row.vendor_name,
        row.number,
        row.title or "—",
        notice_text(row),
        row.why[:1].upper() + row.why[1:],
    )


def _fill(
    table: QTableWidget,
    rows: Sequence[tuple[str, ...]],
    colours: Sequence[dict[int, QColor]],
) -> None:
    """Put ``rows`` in ``table``, each cell's text its tooltip too; ``colours`` gives the
    cells of each row shown in a colour of their own."""
    table.setRowCount(len(rows))
    for number, values in enumerate(rows):
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            colour = colours[number].get(column)
            if colour is not None:
                item.setForeground(colour)
            table.setItem(number, column, item)


def _list_table(name: str, accessible: str, headers: Sequence[str]) -> QTableWidget:
    """A read-only list of the page: one row selected at a time, Tab leaves it."""
    table = read_only_table(name, accessible, headers)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def _title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet("font-weight: 600;")
    return label


class VendorsPage(Page):
    """The vendors with the selected one's contracts, and the contracts ending (object name
    ``vendorsView``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "vendorsView", "Vendors")
        self._context = context
        self._may_manage = context_may(context, Action.MANAGE_VENDORS)
        self._vendors: list[VendorRow] = []  # every vendor, as last read
        self._listed: list[VendorRow] = []  # those the filter lets through, as shown
        self._detail: VendorDetail | None = None
        self._detail_of: uuid.UUID | None = None  # whose detail is shown (or on its way)
        self._ending: list[EndingContract] = []
        self._categories: list[Choice] = []  # what a contract may cover
        self._select_vendor: uuid.UUID | None = None  # to select once the rows are read
        self._select_contract: uuid.UUID | None = None
        self._reads, self._details, self._endings = StaleGuard(), StaleGuard(), StaleGuard()
        self._openings = StaleGuard()
        self._days_timer = QTimer(self, singleShot=True, interval=DAYS_DEBOUNCE_MS)
        self._days_timer.timeout.connect(self._read_ending)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.refusal_note = named(QLabel(self), "vendorsRefusal", "Why the buttons are off")
        self.refusal_note.setWordWrap(True)
        self.refusal_note.setStyleSheet(f"color: {MUTED};")
        # Said in words too: a tooltip needs a mouse, and Tab skips disabled buttons.
        show_message(
            self.refusal_note,
            ""
            if self._may_manage
            else f"{refusal(Action.MANAGE_VENDORS)} You can read vendors and their contracts.",
        )
        layout.addWidget(self.refusal_note)
        self.tabs = named(QTabWidget(self), "vendorsTabs", "Vendors and contracts ending")
        self.tabs.addTab(self._build_vendors_tab(), "Ve&ndors")
        self.tabs.addTab(self._build_ending_tab(), "Contracts en&ding")
        self.tabs.setCurrentIndex(_remembered_tab(self.tabs.count()))
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        self.outcome = OutcomeLines("vendors")
        self.outcome.add_to(layout)
        self.setFocusProxy(self.filter_edit)
        # Tab goes from list to list; the buttons answer to their letters.
        for first, second in (
            (self.filter_edit, self.table),
            (self.table, self.contracts),
            (self.contracts, self.add_vendor_button),
        ):
            QWidget.setTabOrder(first, second)
        self._build_keys()
        self._show_detail(None)
        self._enable()
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build_vendors_tab(self) -> QSplitter:
        """The vendors over the selected one's details and contracts: every table gets the
        window's whole width, which their columns need at 1024 pixels."""
        self.splitter = named(QSplitter(Qt.Orientation.Vertical), "vendorsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_list())
        self.splitter.addWidget(self._build_detail())
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        # Until the person moves it: room for about eight vendors, the rest for the details.
        rows = self.table.verticalHeader().defaultSectionSize() * (LIST_ROWS + 3)
        self.splitter.setSizes([rows, rows])
        remember_splitter(self.splitter, "vendors")
        return self.splitter

    def _build_list(self) -> QWidget:
        host = QWidget(self)
        self.filter_edit = filter_line(
            host,
            "vendorFilter",
            FILTER_PLACEHOLDER,
            "Words of a vendor's name, kind, phone or e-mail; every word must match. "
            "Down: go to the vendors · Esc: clear",
        )
        self.filter_edit.textChanged.connect(lambda _text: self._show_vendors())
        self.filter_edit.returnPressed.connect(self.focus_table)
        self.table = _list_table("vendorsTable", "Vendors", VENDOR_HEADERS)
        fit_columns(self.table, _VENDOR_SAMPLES, lambda c: VENDOR_HEADERS[c], stretch=3)
        remember_columns(self.table.horizontalHeader(), "vendors")
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_vendor())
        self.add_vendor_button = self._button(
            "&Add vendor…", "addVendor", "Add a vendor (Insert)", self.add_vendor
        )
        self.edit_vendor_button = self._button(
            "&Edit vendor…", "editVendor", "Change the selected vendor (Enter)", self.edit_vendor
        )
        self.count_label = named(QLabel("", host), "vendorsCount", "Number of vendors")
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addStretch(1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_vendor_button)
        buttons.addWidget(self.edit_vendor_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        return host

    def _build_detail(self) -> QWidget:
        host = named(QWidget(self), "vendorDetail", "Vendor details")
        self.detail_title = named(QLabel("", host), "vendorTitle", "Vendor")
        self.detail_title.setStyleSheet("font-weight: 600; font-size: 12pt;")
        self.detail_title.setTextFormat(Qt.TextFormat.PlainText)
        # Two pairs of caption and value a line: the contracts below keep the height.
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.detail_values: dict[str, QLabel] = {}
        for number, (key, caption) in enumerate(
            (
                ("kind", "Kind"),
                ("account_number", "Our account"),
                ("support_phone", "Support phone"),
                ("portal_url", "Portal"),
                ("email", "E-mail"),
                ("active", "Active"),
                ("notes", "Notes"),
            )
        ):
            value = named(QLabel(host), f"vendorDetail_{key}", caption)
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.RichText)  # the texts are escaped
            # Links open with a click; Tab passes over the details, on to the contracts.
            value.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.LinksAccessibleByMouse
            )
            value.setOpenExternalLinks(True)
            self.detail_values[key] = value
            row, pair = divmod(number, 2)
            label = QLabel(f"{caption}:", host)
            label.setStyleSheet(f"color: {MUTED};")
            grid.addWidget(label, row, pair * 2, Qt.AlignmentFlag.AlignTop)
            # The notes, alone on their line, take its whole width.
            grid.addWidget(value, row, pair * 2 + 1, 1, 3 if key == "notes" else 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.contracts = _list_table("vendorContracts", "The vendor's contracts", CONTRACT_HEADERS)
        fit_columns(self.contracts, _CONTRACT_SAMPLES, lambda c: CONTRACT_HEADERS[c], stretch=3)
        remember_columns(self.contracts.horizontalHeader(), "vendorContracts")
        self.contracts.doubleClicked.connect(lambda _index: self.edit_contract())
        self.contracts.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.add_contract_button = self._button(
            "Add cont&ract…",
            "addContract",
            "Add a contract with the selected vendor (Insert in its contracts)",
            self.add_contract,
        )
        self.edit_contract_button = self._button(
            "Edit c&ontract…",
            "editContract",
            "Change the selected contract (Enter)",
            self.edit_contract,
        )
        self.contracts_note = named(QLabel("", host), "vendorContractsNote", "About the contracts")
        self.contracts_note.setStyleSheet(f"color: {MUTED};")
        self.contracts_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_contract_button)
        buttons.addWidget(self.edit_contract_button)
        buttons.addWidget(self.contracts_note, 1)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.detail_title)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addWidget(_title("Contracts", host))
        layout.addWidget(self.contracts, 1)
        layout.addLayout(buttons)
        return host

    def _build_ending_tab(self) -> QWidget:
        host = named(QWidget(self), "contractsEndingTab", "Contracts ending")
        self.days_spin = named(QSpinBox(host), "endingDays", "Days ahead")
        self.days_spin.setRange(0, MAX_NOTICE_DAYS)
        self.days_spin.setSuffix(" days")
        self.days_spin.setValue(ENDING_DAYS)
        self.days_spin.valueChanged.connect(lambda _days: self._days_timer.start())
        days_label = QLabel("Ending &within the next", host)
        days_label.setBuddy(self.days_spin)
        self.ending_count = named(QLabel("", host), "endingCount", "Number of contracts listed")
        self.ending_count.setStyleSheet(f"color: {MUTED};")
        self.ending = _list_table("contractsEnding", "Contracts ending", ENDING_HEADERS)
        fit_columns(self.ending, _ENDING_SAMPLES, lambda c: ENDING_HEADERS[c], stretch=5)
        remember_columns(self.ending.horizontalHeader(), "contractsEnding")
        self.ending.doubleClicked.connect(lambda _index: self.edit_ending())
        self.ending.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.edit_ending_button = self._button(
            "Edit c&ontract…",
            "editEndingContract",
            "Change the selected contract (Enter): renew it, or note the notice given",
            self.edit_ending,
        )
        top = QHBoxLayout()
        top.addWidget(days_label)
        top.addWidget(self.days_spin)
        top.addWidget(QLabel("or inside their renewal notice period", host))
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.edit_ending_button)
        bottom.addWidget(self.ending_count, 1)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.ending, 1)
        layout.addLayout(bottom)
        return host

    def _button(
        self, text: str, name: str, accessible: str, slot: Callable[[], None]
    ) -> QPushButton:
        refused = "" if self._may_manage else refusal(Action.MANAGE_VENDORS)
        return page_button(self, text, name, accessible, slot, refused)

    def _build_keys(self) -> None:
        """Keys that act only where they are pressed: Down in the filter box leads into the
        vendors, Esc there clears it; Enter edits and Insert adds in each list (and Insert
        in the filter box adds a vendor, to begin an empty list)."""
        key_action(self.filter_edit, (Qt.Key.Key_Down, Qt.Key.Key_PageDown), self.focus_table)
        key_action(self.filter_edit, (Qt.Key.Key_Escape,), self.filter_edit.clear)
        key_action(self.table, ENTER, self.edit_vendor)
        key_action(self.filter_edit, INSERT, self.add_vendor)
        key_action(self.table, INSERT, self.add_vendor)
        key_action(self.contracts, ENTER, self.edit_contract)
        key_action(self.contracts, INSERT, self.add_contract)
        key_action(self.ending, ENTER, self.edit_ending)
        key_action(self.days_spin, ENTER, self._read_ending)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        """Arriving here: everything read again (another desk may have changed it, and the
        days to a contract's end move), the keyboard in the open tab's first place."""
        if self.has_shown_content:  # else the first reads are on their way
            self.refresh()
        self._focus_tab()

    def refresh(self) -> None:
        """Read the vendors, the selected one's details, the contracts ending and what a
        contract may cover again (F5)."""
        engine = self._context.engine
        run_task(
            lambda: list_vendors(engine),
            self._vendors_read,
            self.outcome.failed,
            parent=self,
            guard=self._reads,
        )
        self._detail_of = None
        self._describe_current()
        self._read_ending()
        run_task(
            lambda: ticket_choices(engine).lists.categories,
            self._categories_read,
            self.outcome.failed,
            parent=self,
        )

    # -- public -------------------------------------------------------------------------------
    def focus_table(self) -> None:
        """Into the vendors, on the first one unless one is selected already."""
        if not self.table.rowCount():
            return
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)

    def show_ending(self) -> None:
        """The contracts ending, with the keyboard in their list (View › Contracts ending)."""
        self.tabs.setCurrentIndex(1)
        self._focus_tab()

    def current_vendor(self) -> VendorRow | None:
        row = self.table.currentRow()
        return self._listed[row] if 0 <= row < len(self._listed) else None

    def current_contract(self) -> ContractRow | None:
        row = self.contracts.currentRow()
        contracts = self._detail.contracts if self._detail is not None else ()
        return contracts[row] if 0 <= row < len(contracts) else None

    def current_ending(self) -> EndingContract | None:
        row = self.ending.currentRow()
        return self._ending[row] if 0 <= row < len(self._ending) else None

    def add_vendor(self) -> None:
        """Add vendor… (and Insert in the vendors): the dialog for a new vendor."""
        if self._may_manage:
            self.outcome.open(VendorDialog(self._context, None, self), self._vendor_saved)

    def edit_vendor(self) -> None:
        """Edit vendor… (and Enter or a double click on a vendor), read fresh."""
        vendor = self.current_vendor()
        if not self._may_manage or vendor is None:
            return
        engine, vendor_id = self._context.engine, vendor.id
        run_task(
            lambda: vendor_detail(engine, vendor_id),
            lambda detail: self.outcome.open(
                VendorDialog(self._context, detail, self), self._vendor_saved
            ),
            self.outcome.failed,
            parent=self,
            guard=self._openings,
        )

    def add_contract(self) -> None:
        """Add contract… (and Insert in the contracts): a new contract with the selected
        vendor (another can be chosen in the dialog)."""
        if not self._may_manage or not self._vendors:
            return
        vendor = self.current_vendor()
        self._open_contract(None, vendor.id if vendor is not None else None)

    def edit_contract(self) -> None:
        """Edit contract… (and Enter or a double click on one of the vendor's contracts)."""
        contract = self.current_contract()
        if contract is not None:
            self._edit(contract.id)

    def edit_ending(self) -> None:
        """Edit contract… in Contracts ending (and Enter or a double click on one)."""
        ending = self.current_ending()
        if ending is not None:
            self._edit(ending.contract_id)

    # -- reading ------------------------------------------------------------------------------
    def _vendors_read(self, vendors: list[VendorRow]) -> None:
        self._vendors = vendors
        self._show_vendors()
        self.content_shown()

    def _show_vendors(self) -> None:
        """The vendors the filter lets through, keeping (or making) the selection."""
        current = self.current_vendor()
        wanted = self._select_vendor or (current.id if current is not None else None)
        text = self.filter_edit.text()
        self._listed = [row for row in self._vendors if matches(row, text)]
        with signals_blocked(self.table.selectionModel()):
            _fill(
                self.table,
                [vendor_cells(row) for row in self._listed],
                [{} if row.active else dict.fromkeys(range(6), _GREY) for row in self._listed],
            )
            self.table.setCurrentCell(-1, -1)
        ids = [row.id for row in self._listed]
        if wanted in ids:
            self._select_vendor = None
            self.table.setCurrentCell(ids.index(wanted), 0)
        self._count_vendors()
        self._describe_current()

    def _count_vendors(self) -> None:
        shown, total = len(self._listed), len(self._vendors)
        if not total:
            text = "No vendors yet" + (": Add vendor… (Insert)." if self._may_manage else ".")
        elif shown == total:
            text = plural(total, "vendor")
        else:
            text = f"{shown} of {plural(total, 'vendor')}"
        self.count_label.setText(text)

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._describe_current()

    def _describe_current(self) -> None:
        """The selected vendor's details and contracts, read when the selection moves."""
        self._enable()
        vendor = self.current_vendor()
        vendor_id = vendor.id if vendor is not None else None
        if vendor_id == self._detail_of:
            return
        self._detail_of = vendor_id
        if vendor_id is None:
            self._details.drop_pending()
            self._show_detail(None)
            return
        engine = self._context.engine
        run_task(
            lambda: vendor_detail(engine, vendor_id),
            self._show_detail,
            self.outcome.failed,
            parent=self,
            guard=self._details,
        )

    def _show_detail(self, detail: VendorDetail | None) -> None:
        self._detail = detail
        if detail is None:
            self.detail_title.setText(
                "Select a vendor to see its details and contracts."
                if self._vendors
                else "No vendor is on the list yet."
            )
            for value in self.detail_values.values():
                value.setText("")
            _fill(self.contracts, [], [])
            self.contracts_note.setText("")
            self._enable()
            return
        draft = detail.draft
        self.detail_title.setText(draft.name)
        texts = {
            "kind": draft.kind,
            "support_phone": draft.support_phone,
            "account_number": draft.account_number,
            "active": "yes" if draft.active else "no: tickets are no longer escalated to it",
            "notes": draft.notes,
        }
        for key, text in texts.items():
            self.detail_values[key].setText(html.escape(text or "—").replace("\n", "<br>"))
        self.detail_values["email"].setText(_link(f"mailto:{draft.email}", draft.email))
        self.detail_values["portal_url"].setText(_link(draft.portal_url, draft.portal_url))
        today = local_today()
        with signals_blocked(self.contracts.selectionModel()):
            _fill(
                self.contracts,
                [contract_cells(row, today) for row in detail.contracts],
                [
                    dict.fromkeys(range(len(CONTRACT_HEADERS)), _GREY)
                    if row.ends_on < today
                    else {}
                    for row in detail.contracts
                ],
            )
        ids = [row.id for row in detail.contracts]
        if self._select_contract in ids:
            self.contracts.setCurrentCell(ids.index(self._select_contract), 0)
            self._select_contract = None
        elif ids:
            self.contracts.setCurrentCell(0, 0)
        if not ids:
            note = "No contract with this vendor yet." + (
                " Add contract… (Insert in this list) records one." if self._may_manage else ""
            )
        else:
            note = "Enter or a double click edits a contract." if self._may_manage else ""
        self.contracts_note.setText(note)  # shown empty too: it keeps the buttons narrow
        self._enable()

    def _read_ending(self) -> None:
        self._days_timer.stop()
        engine, days = self._context.engine, self.days_spin.value()
        run_task(
            lambda: contracts_ending(engine, local_today(), days),
            self._show_ending,
            self.outcome.failed,
            parent=self,
            guard=self._endings,
        )

    def _show_ending(self, rows: list[EndingContract]) -> None:
        chosen = self.current_ending()
        self._ending = rows
        today = local_today()
        with signals_blocked(self.ending.selectionModel()):
            _fill(
                self.ending,
                [ending_cells(row) for row in rows],
                [_ending_colours(row, today) for row in rows],
            )
        ids = [row.contract_id for row in rows]
        if chosen is not None and chosen.contract_id in ids:
            self.ending.setCurrentCell(ids.index(chosen.contract_id), 0)
        elif ids:
            self.ending.setCurrentCell(0, 0)
        days = plural(self.days_spin.value(), "day")
        in_notice = sum(row.in_notice_period for row in rows)
        if not rows:
            text = f"No contract ends within {days} or is inside its notice period."
        else:
            text = f"{plural(len(rows), 'contract')}; {in_notice} inside the notice period."
            if self._may_manage:
                text += " Enter edits the selected contract."
        self.ending_count.setText(text)
        self._enable()

    def _categories_read(self, categories: list[Choice]) -> None:
        self._categories = categories

    # -- tabs and focus -----------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        layout_settings().setValue(TAB_KEY, index)
        self._focus_tab()

    def _focus_tab(self) -> None:
        if self.tabs.currentIndex() == 0:
            self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.filter_edit.selectAll()
        else:
            self.ending.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _enable(self) -> None:
        manage = self._may_manage
        self.add_vendor_button.setEnabled(manage)
        self.edit_vendor_button.setEnabled(manage and self.current_vendor() is not None)
        self.add_contract_button.setEnabled(manage and bool(self._vendors))
        self.edit_contract_button.setEnabled(manage and self.current_contract() is not None)
        self.edit_ending_button.setEnabled(manage and self.current_ending() is not None)

    # -- writing ------------------------------------------------------------------------------
    def _edit(self, contract_id: uuid.UUID) -> None:
        if not self._may_manage:
            return
        engine = self._context.engine
        run_task(
            lambda: contract_detail(engine, contract_id),
            lambda detail: self._open_contract(detail, detail.draft.vendor_id),
            self.outcome.failed,
            parent=self,
            guard=self._openings,
        )

    def _open_contract(self, detail: ContractDetail | None, vendor_id: uuid.UUID | None) -> None:
        dialog = ContractDialog(
            self._context, self._vendors, self._categories, detail, vendor_id, self
        )
        self.outcome.open(
            dialog,
            lambda contract_id, message: self._contract_saved(
                dialog.chosen_vendor(), contract_id, message
            ),
        )

    def _vendor_saved(self, vendor_id: uuid.UUID, message: str) -> None:
        self.outcome.tell(message, ok=True)
        self._select_vendor = vendor_id
        self.filter_edit.clear()  # the vendor saved is listed whatever was typed
        self.tabs.setCurrentIndex(0)
        self.refresh()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _contract_saved(
        self, vendor_id: uuid.UUID | None, contract_id: uuid.UUID, message: str
    ) -> None:
        self.outcome.tell(message, ok=True)
        self._select_contract = contract_id
        if self.tabs.currentIndex() == 0:
            self._select_vendor = vendor_id
            self.filter_edit.clear()
        self.refresh()
        target = self.contracts if self.tabs.currentIndex() == 0 else self.ending
        target.setFocus(Qt.FocusReason.OtherFocusReason)


def _link(address: str, text: str) -> str:
    """A link a click opens (in the mail program or the browser); "—" for no address."""
    if not text:
        return "—"
    return f'<a href="{html.escape(address, quote=True)}">{html.escape(text)}</a>'


def _ending_colours(row: EndingContract, today: date) -> dict[int, QColor]:
    """The notice-by cell in red once its day has passed, amber on the day itself."""
    if row.notice_by is None or not row.in_notice_period:
        return {}
    return {4: QColor(RED if row.notice_by < today else AMBER)}


def _remembered_tab(count: int) -> int:
    """The tab open when the page was last left."""
    try:
        index = int(str(layout_settings().value(TAB_KEY, 0)))
    except (TypeError, ValueError):
        return 0
    return index if 0 <= index < count else 0
