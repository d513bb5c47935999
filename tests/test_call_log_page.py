"""The call log page driven as an operator calling someone back: typing in the filter, Down
into the calls, Enter opening the call's ticket, Ctrl+C copying the number, the period and
"only calls without a ticket", empty states that say what they mean, and the page in the
window at its smallest size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.calls.log import CallLogFilter, CallLogQuery, Period
from app.context import AppContext
from tests.conftest import NOW, QUIET, Org, drain_tasks
from tests.test_call_log import LoggedCalls, log_calls
from ui.calls.log_page import CallLogModel, CallLogPage, Column, empty_text, when
from ui.kit.paged_model import RowRole
from ui.kit.remembered import layout_settings
from ui.kit.widgets import MUTED
from ui.shell.main_window import MainWindow
from ui.tickets.requests import TicketRequest

pytestmark = pytest.mark.usefixtures("in_london")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def calls(engine: Engine, org: Org) -> LoggedCalls:
    return log_calls(engine, org)


def _settled(page: CallLogPage, count: int) -> bool:
    """The newest filter is applied, counted and every row is on hand."""
    model = page.model
    return (
        model.query_filter == page.current_filter()
        and not model.is_fetching()
        and model.count_known
        and model.rowCount() == count
        and all(model.is_loaded(row) for row in range(count))
    )


@pytest.fixture
def page(qtbot: QtBot, context: AppContext, calls: LoggedCalls) -> Iterator[CallLogPage]:
    widget = CallLogPage(context, poll_ms=0)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.shown()
    qtbot.waitUntil(lambda: _settled(widget, 3))
    yield widget
    widget.close()


def _column(page: CallLogPage, column: Column) -> list[str]:
    model = page.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _choose_period(qtbot: QtBot, page: CallLogPage, period: Period) -> None:
    """Pick the period with the keyboard, as its mnemonic (Alt+R) leads there."""
    combo = page.period_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() is not period:
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def test_the_page_has_named_reachable_widgets(page: CallLogPage) -> None:
    for name in (
        "filterBar",
        "callLogFilter",
        "callLogPeriod",
        "callLogWithoutTicket",
        "callLogCount",
        "callLogView",
        "callLogHint",
        "openCallTicket",
        "copyCallNumber",
    ):
        widget = page.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    assert page.filter_edit.hasFocus()  # arriving on the page, the operator types
    assert page.period_combo.currentText() == "Today"
    assert page.row_count.text() == "3 calls"


def test_todays_calls_newest_first_in_local_time(
    page: CallLogPage, calls: LoggedCalls, org: Org
) -> None:
    assert _column(page, Column.TIME) == ["09:30", "08:00", "07:15"]
    assert _column(page, Column.CALLER) == ["Alice Müller", "Zoe O'Brien", "Unknown caller"]
    assert _column(page, Column.NUMBER) == ["+44 20 7946 0018", "(212) 555-0100", "07700 900123"]
    assert _column(page, Column.OPERATOR) == ["Ann Operator", "Bob Tech", "Ann Operator"]
    assert _column(page, Column.LENGTH) == ["02:05", "00:40", "1:02:05"]
    assert _column(page, Column.TICKET) == [calls.first_ticket.number, "no ticket", "no ticket"]
    model = page.model
    grey = model.index(2, Column.CALLER).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(grey, QColor) and grey.name() == QColor(MUTED).name()
    assert model.index(0, Column.CALLER).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(0, Column.CALLER).data(Qt.ItemDataRole.ToolTipRole) == "Alice Müller"


def test_older_calls_show_their_day() -> None:
    assert when(datetime(2026, 11, 23, 16, 5, tzinfo=UTC), NOW) == "Mon 23 Nov 16:05"
    assert when(NOW.replace(hour=23, minute=59), NOW) == "23:59"


def test_typing_a_name_then_down_and_enter_opens_the_calls_ticket(
    qtbot: QtBot, page: CallLogPage, calls: LoggedCalls
) -> None:
    qtbot.keyClicks(page.filter_edit, "muller")
    qtbot.waitUntil(lambda: _settled(page, 1))
    assert page.row_count.text() == "1 call"

    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    assert page.table.hasFocus() and page.table.currentIndex().row() == 0
    assert page.hint.text() == (
        f"Enter opens {calls.first_ticket.number} · Ctrl+C copies +44 20 7946 0018"
    )
    with qtbot.waitSignal(page.navigate) as asked:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    key, request = asked.args
    assert key == "ticket" and isinstance(request, TicketRequest)
    assert request.ticket_id == calls.first_ticket.id


def test_enter_in_the_filter_filters_at_once_and_goes_to_the_calls(
    qtbot: QtBot, page: CallLogPage
) -> None:
    qtbot.keyClicks(page.filter_edit, "212 555")
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _settled(page, 1))
    qtbot.waitUntil(lambda: page.table.hasFocus())
    assert page.table.currentIndex().row() == 0
    assert _column(page, Column.CALLER) == ["Zoe O'Brien"]
    # Esc in the filter box clears it.
    page.focus_filter()
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
    assert page.filter_edit.text() == ""
    qtbot.waitUntil(lambda: _settled(page, 3))


def test_ctrl_c_copies_the_number_to_call_back_and_enter_opens_no_ticket_it_has_not(
    qtbot: QtBot, page: CallLogPage
) -> None:
    page.focus_table()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 1  # Zoe: no ticket came of the call
    assert page.hint.text() == "No ticket came of this call · Ctrl+C copies (212) 555-0100"
    assert not page.open_button.isEnabled() and page.copy_button.isEnabled()

    QGuiApplication.clipboard().clear()
    qtbot.keyClick(page.table, Qt.Key.Key_C, CTRL)
    assert QGuiApplication.clipboard().text() == "(212) 555-0100"
    assert page.hint.text() == "Copied (212) 555-0100: paste it into the phone to call back."

    with qtbot.assertNotEmitted(page.navigate):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)


def test_the_buttons_do_what_the_keys_do(
    qtbot: QtBot, page: CallLogPage, calls: LoggedCalls
) -> None:
    page.focus_table()
    assert page.open_button.isEnabled()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "+44 20 7946 0018"
    with qtbot.waitSignal(page.navigate) as asked:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert asked.args[1].ticket_id == calls.first_ticket.id


def test_the_period_and_only_calls_without_a_ticket(qtbot: QtBot, page: CallLogPage) -> None:
    _choose_period(qtbot, page, Period.WEEK)
    qtbot.waitUntil(lambda: _settled(page, 5))
    assert _column(page, Column.TIME)[3] == "Mon 23 Nov 15:55"  # yesterday's call: its day
    _choose_period(qtbot, page, Period.MONTH)
    qtbot.waitUntil(lambda: _settled(page, 6))

    qtbot.mouseClick(page.no_ticket_check, Qt.MouseButton.LeftButton)
    assert page.no_ticket_check.isChecked()
    qtbot.waitUntil(lambda: _settled(page, 4))
    assert set(_column(page, Column.TICKET)) == {"no ticket"}


def test_empty_states_say_what_they_mean(qtbot: QtBot, page: CallLogPage) -> None:
    assert page.body.currentWidget() is page.table
    qtbot.keyClicks(page.filter_edit, "Ravi")
    qtbot.waitUntil(lambda: _settled(page, 0))
    assert page.body.currentWidget() is page.empty_label
    assert (
        page.empty_label.text() == "No calls today match “Ravi”.\nEsc in the filter box clears it."
    )
    assert page.row_count.text() == "0 calls"
    assert page.hint.text() == "" and not page.copy_button.isEnabled()

    page.filter_edit.clear()
    qtbot.waitUntil(lambda: _settled(page, 3))
    assert page.body.currentWidget() is page.table

    assert empty_text(CallLogFilter()) == (
        "No calls today.\nFor earlier calls, choose a longer period (Alt+R)."
    )
    assert empty_text(CallLogFilter(Period.MONTH, without_ticket=True)) == (
        "No calls without a ticket in the last 30 days."
    )
    assert empty_text(CallLogFilter(Period.WEEK, " Ann ", without_ticket=True)) == (
        "No calls without a ticket in the last 7 days match “Ann”.\n"
        "Esc in the filter box clears it."
    )


def test_model_passes_the_qt_model_tester(
    qtbot: QtBot, engine: Engine, calls: LoggedCalls, qtmodeltester: Any
) -> None:
    owner = QWidget()  # owns the model, and deletes it before the test's database goes
    model = CallLogModel(CallLogQuery(engine), owner, poll_ms=0, page_size=2)
    with qtbot.waitSignal(model.countChanged):
        model.set_query(CallLogFilter(Period.MONTH))
    for row in range(model.rowCount()):
        model.index(row, 0).data()
    qtbot.waitUntil(lambda: all(model.is_loaded(r) for r in range(model.rowCount())))
    assert model.rowCount() == 6
    assert model.index(5, Column.NUMBER).data(RowRole).caller_name == "Alice Müller"
    qtmodeltester.check(model)
    drain_tasks()
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_ctrl_3_shows_the_call_log_which_fits_the_smallest_window(
    qtbot: QtBot, context: AppContext, calls: LoggedCalls
) -> None:
    window = MainWindow(context, page_options={**QUIET, "callLog": {"poll_ms": 0}})
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.page("queue").model.loaded):
        window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    titles = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert "Call log" in titles

    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_3, CTRL)
    log = window.page("callLog")
    assert isinstance(log, CallLogPage) and window.pages.currentWidget() is log
    qtbot.waitUntil(lambda: _settled(log, 3))
    assert log.filter_edit.hasFocus()
    # The page needs no more than 1024 x 700 leaves it beside the navigation.
    room = 1024 - window.navigation.width()
    assert log.minimumSizeHint().width() <= room
    assert not window.navigation.horizontalScrollBar().isVisible()
    window.close()


def test_a_column_width_dragged_by_the_operator_is_kept_for_next_time(
    qtbot: QtBot, context: AppContext, page: CallLogPage
) -> None:
    header = page.table.horizontalHeader()
    chosen = header.sectionSize(Column.NUMBER) + 60
    header.resizeSection(Column.NUMBER, chosen)  # the drag...
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton)  # ...ends
    qtbot.waitUntil(lambda: _saved(chosen))
    page.close()

    again = CallLogPage(context, poll_ms=0)
    qtbot.addWidget(again)

    assert again.table.horizontalHeader().sectionSize(Column.NUMBER) == chosen


def _saved(width: int) -> bool:
    return str(width) in str(layout_settings().value("columns/callLog", ""))
