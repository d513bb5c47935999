"""The call log page: today's and recent calls, to find someone and call them back.

A filter bar (text: caller, number or ticket; the period; only calls without a ticket) over
the one SQL-paged table (:mod:`ui.kit.paged_model`) of :class:`app.calls.log.CallLogQuery`;
nothing here walks the rows. The keyboard route: the filter box has the keyboard when the
page opens, Down (or Enter) moves into the calls, Enter opens the selected call's ticket in
the editor (a :class:`TicketRequest`, as the queue asks for it) and Ctrl+C copies its number
to dial. Times are shown in the workstation's time zone, lengths as minutes:seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.callers.lookup import clean
from app.calls.log import CallLogFilter, CallLogQuery, CallLogRow, CallOrder, Period
from app.context import AppContext
from ui.calls.call_bar import elapsed_text
from ui.kit.paged_model import (
    PAGE_SIZE,
    POLL_MS,
    Colours,
    ColumnSpec,
    PagedTableModel,
    RowRole,
)
from ui.kit.remembered import remember_columns
from ui.kit.widgets import MUTED, filter_line, fit_columns, key_action, named, paged_table
from ui.shell.pages import Page
from ui.tickets.requests import TicketRequest

TEXT_DEBOUNCE_MS = 200
FILTER_PLACEHOLDER = "Filter: caller, number or ticket"
_GREY: Colours = (QColor(MUTED), None)
_PLAIN: Colours = (None, None)


class Column(IntEnum):
    """Table columns, in the order of :data:`COLUMNS`."""

    TIME = 0
    CALLER = 1
    NUMBER = 2
    OPERATOR = 3
    LENGTH = 4
    TICKET = 5


# Widest text each fixed column must show, to size it from the font instead of from pixels.
_COLUMN_SAMPLES = {
    Column.TIME: "Wed 30 Sep 23:59",
    Column.NUMBER: "+44 20 7946 0018",
    Column.OPERATOR: "Priya Natarajan",  # longer names are elided; the tooltip has them whole
    Column.LENGTH: "1:00:00",
    Column.TICKET: "HQ-000000",
}


def when(moment: datetime, now: datetime) -> str:
    """The start of a call in the workstation's time zone: "14:05" today, else with its
    day, "Mon 23 Nov 14:05"."""
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def length(row: CallLogRow) -> str:
    """ "04:07" (minutes:seconds, as the call bar counts), or "—" if it was not recorded."""
    seconds = row.seconds
    return "—" if seconds is None else elapsed_text(seconds)


def empty_text(f: CallLogFilter) -> str:
    """What an empty log means ("No calls today.", "No calls without a ticket in the last
    7 days match “Ann”."), and where more calls are."""
    what = "No calls without a ticket" if f.without_ticket else "No calls"
    typed = clean(f.text)
    matching = f" match “{typed}”" if typed else ""
    if typed:
        more = "Esc in the filter box clears it."
    elif f.period is not Period.MONTH:
        more = "For earlier calls, choose a longer period (Alt+R)."
    else:
        more = ""
    return f"{what} {f.period.phrase}{matching}.\n{more}".strip()


def _call_at(index: QModelIndex) -> CallLogRow | None:
    """The call on the row of ``index``; None while its page is still loading."""
    row = index.data(RowRole) if index.isValid() else None
    return row if isinstance(row, CallLogRow) else None


def _plain(text: Callable[[CallLogRow], str]) -> Callable[[CallLogRow, datetime], str]:
    return lambda row, _now: text(row)


def _grey_when(missing: Callable[[CallLogRow], bool]) -> Callable[[CallLogRow, datetime], Colours]:
    return lambda row, _now: _GREY if missing(row) else _PLAIN


COLUMNS: tuple[ColumnSpec[CallLogRow, CallOrder], ...] = (
    ColumnSpec("Time", lambda row, now: when(row.started_at, now)),
    ColumnSpec(
        "Caller",
        _plain(lambda r: r.caller_name or "Unknown caller"),
        full_text_tip=True,
        colours=_grey_when(lambda r: not r.caller_name),
    ),
    ColumnSpec(
        "Number",
        _plain(lambda r: r.number or "not recorded"),
        colours=_grey_when(lambda r: not r.number),
    ),
    ColumnSpec("Operator", _plain(lambda r: r.operator_name or "—"), full_text_tip=True),
    ColumnSpec("Length", _plain(length), align_right=True),
    ColumnSpec(
        "Ticket",
        _plain(lambda r: r.ticket_number or "no ticket"),
        colours=_grey_when(lambda r: r.ticket_number is None),
    ),
)


class CallLogModel(PagedTableModel[CallLogRow, CallLogFilter, CallOrder]):
    """The log's rows, fetched page by page; see :mod:`ui.kit.paged_model`."""

    def __init__(self, query: CallLogQuery, parent: QObject | None = None, **options: Any) -> None:
        super().__init__(
            query, COLUMNS, (CallLogFilter(), CallOrder.NEWEST_FIRST), parent, **options
        )


class CallLogPage(Page):
    """Filter bar over the call table; Enter or a double click asks for the call's ticket in
    the editor, Ctrl+C copies its number (object name ``callLogPage``)."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        poll_ms: int = POLL_MS,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("callLogPage")
        self.setAccessibleName("Call log")
        self._into_rows = False  # Enter in the filter box: into the calls once they are read
        self.model = CallLogModel(
            CallLogQuery(context.engine), self, page_size=page_size, poll_ms=poll_ms
        )
        self._text_timer = QTimer(self, singleShot=True, interval=TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._apply_controls)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self._build_filter_bar())
        self.body = named(QStackedWidget(self), "callLogBody")
        self.body.addWidget(self._build_table())
        self.empty_label = named(QLabel(self.body), "callLogEmpty", "No calls")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {MUTED}; font-size: 13pt;")
        self.body.addWidget(self.empty_label)
        layout.addWidget(self.body, 1)
        layout.addLayout(self._build_action_row())
        self.setFocusProxy(self.filter_edit)
        self._build_actions()

        self.model.countChanged.connect(self._count_changed)
        self.model.failed.connect(self._query_failed)
        self.model.loaded.connect(self._show_rows)
        self._apply_controls()

    # -- building -----------------------------------------------------------------------------
    def _build_filter_bar(self) -> QFrame:
        bar = named(QFrame(self), "filterBar", "Call log filters")
        self.filter_edit = filter_line(
            bar,
            "callLogFilter",
            FILTER_PLACEHOLDER,
            "Words of the caller's name, digits of the number, or a ticket number",
        )
        self.filter_edit.textChanged.connect(lambda _text: self._text_timer.start())
        self.filter_edit.returnPressed.connect(self._filter_entered)

        self.period_combo = named(QComboBox(bar), "callLogPeriod", "Period")
        for period in Period:
            self.period_combo.addItem(period.value, period)
        self.period_combo.activated.connect(self._apply_controls)
        period_label = QLabel("Pe&riod:", bar)
        period_label.setBuddy(self.period_combo)

        self.no_ticket_check = named(
            QCheckBox("Only calls &without a ticket", bar),
            "callLogWithoutTicket",
            "Only calls without a ticket",
        )
        self.no_ticket_check.toggled.connect(self._apply_controls)

        self.row_count = named(QLabel("", bar), "callLogCount", "Number of calls")

        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 4, 6, 4)
        row.addWidget(self.filter_edit, 1)
        row.addSpacing(8)
        row.addWidget(period_label)
        row.addWidget(self.period_combo)
        row.addSpacing(8)
        row.addWidget(self.no_ticket_check)
        row.addSpacing(8)
        row.addWidget(self.row_count)
        return bar

    def _build_table(self) -> QTableView:
        table = paged_table(self, self.model, "callLogView", "Calls")
        self.table = table
        fit_columns(table, _COLUMN_SAMPLES, lambda column: COLUMNS[column].header, Column.CALLER)
        header = table.horizontalHeader()
        remember_columns(header, "callLog")
        table.doubleClicked.connect(self._open_index)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        return table

    def _build_action_row(self) -> QHBoxLayout:
        self.hint = named(QLabel(""), "callLogHint", "About the selected call")
        self.hint.setStyleSheet(f"color: {MUTED};")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = named(QPushButton("Open ticket"), "openCallTicket", "Open the ticket")
        self.open_button.setToolTip("Open the call's ticket (Enter)")
        self.open_button.clicked.connect(self.open_current)
        self.copy_button = named(QPushButton("Copy number"), "copyCallNumber", "Copy the number")
        self.copy_button.setToolTip("Copy the number to call back (Ctrl+C)")
        self.copy_button.clicked.connect(self.copy_number)
        for button in (self.open_button, self.copy_button):
            button.setAutoDefault(False)
            button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.copy_button)
        return row

    def _build_actions(self) -> None:
        """Keys that act only where they are pressed: Enter and Ctrl+C keep their meaning in
        the filter box, Down there leads into the calls."""
        key_action(self.table, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.open_current)
        key_action(self.table, (QKeySequence.StandardKey.Copy,), self.copy_number)
        key_action(self.filter_edit, (Qt.Key.Key_Down, Qt.Key.Key_PageDown), self.focus_table)
        key_action(self.filter_edit, (Qt.Key.Key_Escape,), self._clear_filter)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        """Arriving here: the newest calls, and the keyboard in the filter box."""
        if not self.model.is_fetching():  # else the calls are being read right now
            self.model.refresh()
        self.focus_filter()

    def refresh(self) -> None:
        self.model.refresh()

    # -- public -------------------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def focus_table(self) -> None:
        """Into the calls, on the first one unless one is selected already."""
        if not self.model.rowCount():
            return
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, Column.TIME))

    def current_call(self) -> CallLogRow | None:
        """The selected call, once its row is loaded."""
        return _call_at(self.table.currentIndex())

    def open_current(self) -> None:
        """Open the selected call's ticket in the editor (Enter)."""
        self._open_index(self.table.currentIndex())

    def copy_number(self) -> None:
        """Put the selected call's number on the clipboard, to dial it (Ctrl+C)."""
        call = self.current_call()
        if call is None or not call.number:
            return
        QGuiApplication.clipboard().setText(call.number)
        self.hint.setText(f"Copied {call.number}: paste it into the phone to call back.")

    # -- filters ------------------------------------------------------------------------------
    def current_filter(self) -> CallLogFilter:
        return CallLogFilter(
            period=self.period_combo.currentData(),
            text=self.filter_edit.text(),
            without_ticket=self.no_ticket_check.isChecked(),
        )

    def _apply_controls(self) -> None:
        self._text_timer.stop()
        self.model.set_query(self.current_filter())

    def _filter_entered(self) -> None:
        """Enter in the filter box: filter now, then into the calls as soon as they are
        read (at once if they are on screen already)."""
        self._apply_controls()
        if self.model.is_fetching():
            self._into_rows = True
        else:
            self.focus_table()

    def _clear_filter(self) -> None:
        self.filter_edit.clear()
        self._apply_controls()

    # -- table --------------------------------------------------------------------------------
    def _count_changed(self, count: int) -> None:
        self.row_count.setText("1 call" if count == 1 else f"{count:,} calls")
        self.row_count.setToolTip("")
        self._show_rows()

    def _query_failed(self, message: str) -> None:
        self.row_count.setText("Calls not available")
        self.row_count.setToolTip(message)

    def _show_rows(self) -> None:
        """The calls, or what their absence means; the selected call's hint and buttons."""
        if self.model.count_known and not self.model.rowCount():
            self.empty_label.setText(empty_text(self.model.query_filter))
            self.body.setCurrentWidget(self.empty_label)
            self._into_rows = False  # nothing to go to: the message says why
        else:
            self.body.setCurrentWidget(self.table)
        if self._into_rows and self.model.rowCount() and self.model.is_loaded(0):
            self._into_rows = False
            self.focus_table()
        self._describe_current()
        self.content_shown()

    def _open_index(self, index: QModelIndex) -> None:
        call = _call_at(index)
        if call is not None and call.ticket_id is not None:
            self.navigate.emit("ticket", TicketRequest(ticket_id=call.ticket_id))

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._describe_current()

    def _describe_current(self) -> None:
        """Say what Enter and Ctrl+C do for the selected call, and enable its buttons."""
        call = self.current_call()
        self.open_button.setEnabled(call is not None and call.ticket_id is not None)
        self.copy_button.setEnabled(call is not None and bool(call.number))
        if call is None:
            self.hint.setText("")
            return
        parts = [
            f"Enter opens {call.ticket_number}"
            if call.ticket_number
            else "No ticket came of this call",
            f"Ctrl+C copies {call.number}" if call.number else "the number was not recorded",
        ]
        self.hint.setText(" · ".join(parts))
