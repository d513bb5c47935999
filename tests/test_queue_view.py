"""The queue page driven like a user would: typing in the filter, keys from the filter into
the table, saved views chosen and saved, the escalation filter and marker, header clicks,
column widths at 1024 and 1920 px, what an empty table says, and changes arriving from
another workstation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.queue.query import BUILT_IN_VIEWS, QueueFilter, QueueSort, SavedView, SortColumn
from app.queue.saved_views import list_views, save_view
from app.tickets.actions import (
    TicketDraft,
    change_status,
    create_ticket,
    escalate,
    flag_manager,
    update_ticket,
)
from app.tickets.detail import TicketDetail
from models.engine import make_engine
from models.enums import Priority, TicketStatus
from resources import resource_path
from tests.conftest import QUIET, InlinePool, Org, dispose_window
from tests.test_queue_query import add_tickets
from ui.kit.paged_model import IdRole
from ui.queue.columns import CELL_PADDING, SAMPLES, SUMMARY_LEAST
from ui.queue.model import Column
from ui.queue.page import NO_MATCH_TITLE, NO_TICKETS_TITLE, QueuePage
from ui.shell.events import TicketsRaised
from ui.tickets.requests import TicketRequest


@pytest.fixture
def tickets(engine: Engine, org: Org) -> list[TicketDetail]:
    return add_tickets(engine, org, 24)


def _open_view(qtbot: QtBot, context: AppContext, **options: Any) -> QueuePage:
    view = QueuePage(context, **options)
    qtbot.addWidget(view)
    view.resize(1280, 700)
    with qtbot.waitSignals([view.viewsChanged, view.model.countChanged]):
        view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    return view


@pytest.fixture
def view(qtbot: QtBot, context: AppContext, tickets: list[TicketDetail]) -> Iterator[QueuePage]:
    widget = _open_view(qtbot, context, poll_ms=0)
    yield widget
    widget.close()


def _numbers(view: QueuePage) -> list[str]:
    model = view.model
    return [model.index(r, Column.NUMBER).data() for r in range(model.rowCount())]


def _settled(view: QueuePage, count: int) -> bool:
    """The latest query is done: the label shows ``count`` and every row is on hand."""
    model = view.model
    rows = range(model.rowCount())
    label = "1 ticket" if count == 1 else f"{count:,} tickets"
    return (
        not model.is_fetching()
        and view.row_count.text() == label
        and model.rowCount() == count
        and all(model.index(r, 0).data() and model.is_loaded(r) for r in rows)
    )


def _choose(qtbot: QtBot, view: QueuePage, name: str) -> None:
    """Pick a saved view from the combo with the keyboard."""
    combo = view.views_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == name:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == name


def test_the_page_has_named_reachable_widgets(view: QueuePage) -> None:
    for name in (
        "filterBar",
        "queueFilter",
        "rowCount",
        "queueView",
        "savedViews",
        "escalationFilter",
    ):
        widget = view.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    assert view.filter_edit.placeholderText() == "Filter: number, summary or caller  (Ctrl+F)"
    table = view.table
    assert table.verticalHeader().isHidden()
    assert table.alternatingRowColors() and table.isSortingEnabled()
    assert table.editTriggers() == table.EditTrigger.NoEditTriggers
    assert table.selectionBehavior() == table.SelectionBehavior.SelectRows
    assert table.selectionMode() == table.SelectionMode.SingleSelection
    assert [v.name for v in view.views] == [v.name for v in BUILT_IN_VIEWS]
    assert view.views_combo.currentText() == "My open"


def test_starts_on_my_open_tickets_with_the_first_row_selected(
    qtbot: QtBot, view: QueuePage, org: Org, tickets: list[TicketDetail]
) -> None:
    mine = [t for t in tickets if t.assignee_id == org.ann]
    qtbot.waitUntil(lambda: _settled(view, len(mine)))
    assert sorted(_numbers(view)) == sorted(t.number for t in mine)
    assert view.table.currentIndex().row() == 0
    assert view.assignee_filter.currentText() == "Me"


def test_typing_in_the_filter_narrows_the_queue_and_esc_clears_it(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    _choose(qtbot, view, "All open")
    qtbot.waitUntil(lambda: _settled(view, 24))
    view.filter_edit.setFocus()
    qtbot.keyClicks(view.filter_edit, "printer")
    printers = [t.number for t in tickets if "printer" in t.summary]
    qtbot.waitUntil(lambda: _settled(view, len(printers)))
    assert sorted(_numbers(view)) == sorted(printers)
    assert view.views_combo.currentIndex() == -1  # no longer exactly a saved view
    assert view.views_combo.placeholderText() == "Custom filter"

    qtbot.keyClick(view.filter_edit, Qt.Key.Key_Escape)
    assert view.filter_edit.text() == ""
    assert view.table.hasFocus()
    qtbot.waitUntil(lambda: _settled(view, 24))
    assert view.views_combo.currentText() == "All open"


def test_choosing_the_unassigned_view(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    _choose(qtbot, view, "Unassigned")
    unassigned = [t.number for t in tickets if t.assignee_id is None]
    qtbot.waitUntil(lambda: _settled(view, len(unassigned)))
    assert sorted(_numbers(view)) == sorted(unassigned)
    assert view.assignee_filter.currentText() == "Unassigned"
    assert not view.delete_view_button.isEnabled()  # built-in views cannot be deleted


def test_status_priority_and_assignee_controls_filter(
    qtbot: QtBot, view: QueuePage, org: Org, tickets: list[TicketDetail]
) -> None:
    _choose(qtbot, view, "All open")
    menu = view.status_filter.menu
    for label in ("Any", "New"):  # "Any" closes the menu, ticking a box leaves it open
        qtbot.mouseClick(view.status_filter, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(menu.isVisible)
        action = next(a for a in menu.actions() if a.text() == label)
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert menu.isVisible()
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    assert view.status_filter.placeholderText() == "Status: New"
    new = [t.number for t in tickets if t.status == TicketStatus.NEW]
    qtbot.waitUntil(lambda: _settled(view, len(new)))

    view.status_filter.set_values(frozenset(TicketStatus))
    view.priority_filter.menu.actions()[-1].trigger()  # P4 Low
    assert view.priority_filter.placeholderText() == "Priority: P4 Low"
    view.assignee_filter.setFocus()
    qtbot.keyClicks(view.assignee_filter, "Bob")
    assert view.assignee_filter.currentText() == "Bob Tech"
    expected = [
        t.number for t in tickets if t.priority == Priority.LOW and t.assignee_id == org.bob
    ]
    qtbot.waitUntil(lambda: _settled(view, len(expected)))
    assert sorted(_numbers(view)) == sorted(expected)


def test_enter_and_double_click_ask_to_open_the_ticket(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    _choose(qtbot, view, "All open")
    qtbot.waitUntil(lambda: _settled(view, 24))
    view.table.setFocus()
    row = view.table.currentIndex().row()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.table.currentIndex().row() == row + 2
    with qtbot.waitSignal(view.navigate) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args[0] == "ticket"
    assert opened.args[1].ticket_id == view.model.index(row + 2, 0).data(IdRole)

    index = view.model.index(4, Column.SUMMARY)
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.navigate) as opened:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args[1].ticket_id == index.data(IdRole)


def test_clicking_a_header_sorts_in_sql(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    _choose(qtbot, view, "All open")
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.CALLER) + header.sectionSize(Column.CALLER) // 2
    for descending in (False, True):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        assert view.model.query_sort == QueueSort(SortColumn.CALLER, descending)
        qtbot.waitUntil(lambda: _settled(view, 24))
        callers = [view.model.index(r, Column.CALLER).data() for r in range(24)]
        assert callers == sorted(callers, reverse=descending)
    assert view.views_combo.currentIndex() == -1


def test_saving_and_deleting_a_user_view(
    qtbot: QtBot,
    view: QueuePage,
    context: AppContext,
    tickets: list[TicketDetail],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _choose(qtbot, view, "All open")
    qtbot.keyClicks(view.filter_edit, "network")
    qtbot.waitUntil(lambda: view.model.query_filter.text == "network")
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("Network tickets", True))
    with qtbot.waitSignal(view.viewsChanged):
        qtbot.mouseClick(view.save_view_button, Qt.MouseButton.LeftButton)
    assert view.views_combo.currentText() == "Network tickets"
    [saved] = [v for v in list_views(context.engine, "ann") if v.name == "Network tickets"]
    assert saved.filter.text == "network" and saved.filter == view.model.query_filter
    assert view.delete_view_button.isEnabled()

    _choose(qtbot, view, "Unassigned")
    assert not view.delete_view_button.isEnabled()
    _choose(qtbot, view, "Network tickets")
    assert view.filter_edit.text() == "network"
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(view.viewsChanged):
        qtbot.mouseClick(view.delete_view_button, Qt.MouseButton.LeftButton)
    assert view.views_combo.findText("Network tickets") == -1
    assert "Network tickets" not in [v.name for v in list_views(context.engine, "ann")]


def test_a_built_in_name_is_refused_with_a_message(
    qtbot: QtBot, view: QueuePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("unassigned", True))
    qtbot.mouseClick(view.save_view_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "failureMessage") is not None)
    message = view.findChild(QMessageBox, "failureMessage")
    assert "built-in view" in message.text() and message.isVisible()
    qtbot.keyClick(message, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "failureMessage") is None)
    assert len(view.views) == len(BUILT_IN_VIEWS)


def test_ctrl_end_reaches_the_last_ticket(
    qtbot: QtBot, engine: Engine, org: Org, context: AppContext
) -> None:
    details = add_tickets(engine, org, 60, assignee_id=None, category_id=None)
    view = _open_view(qtbot, context, poll_ms=0, page_size=10)
    _choose(qtbot, view, "Unassigned")
    qtbot.waitUntil(lambda: view.model.rowCount() == 60 and view.model.is_loaded(0))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.table.currentIndex().row() == 59
    last = max(details, key=lambda d: (d.sla_due_at, d.number))
    qtbot.waitUntil(lambda: view.current_ticket_id() == last.id)
    view.close()


def test_changes_from_another_workstation_appear_without_losing_place(
    qtbot: QtBot, engine: Engine, org: Org, context: AppContext
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the second workstation opens the same SQLite file")
    details = add_tickets(engine, org, 150, assignee_id=None, category_id=None)
    view = _open_view(qtbot, context, poll_ms=30, page_size=40)
    _choose(qtbot, view, "All tickets")  # youngest first: a new ticket arrives at the top
    qtbot.waitUntil(lambda: view.model.rowCount() == 150 and view.model.is_loaded(0))
    view.table.setFocus()
    for _ in range(3):
        qtbot.keyClick(view.table, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: view.current_ticket_id() is not None)
    selected, row = view.current_ticket_id(), view.table.currentIndex().row()
    scroll = view.table.verticalScrollBar().value()
    assert row > 20 and scroll > 0
    neighbour = next(d for d in details if d.id == view.model.index(row + 1, 0).data(IdRole))

    other = make_engine(str(engine.url))
    try:
        update_ticket(
            other, neighbour.id, neighbour.version, {"summary": "Changed elsewhere"}, org.bob
        )
        qtbot.waitUntil(
            lambda: view.model.index(row + 1, Column.SUMMARY).data() == "Changed elsewhere"
        )
        assert view.current_ticket_id() == selected
        assert view.table.currentIndex().row() == row

        create_ticket(other, TicketDraft(summary="Logged next door", site_id=org.hq), org.bob)
        qtbot.waitUntil(lambda: view.row_count.text() == "151 tickets")
        qtbot.waitUntil(lambda: view.model.index(0, Column.SUMMARY).data() == "Logged next door")
        qtbot.waitUntil(lambda: view.table.currentIndex().row() == row + 1)
    finally:
        other.dispose()
    assert view.current_ticket_id() == selected
    assert view.table.verticalScrollBar().value() == scroll
    view.close()


def test_the_first_rows_come_before_the_count_and_the_label_says_so(
    qtbot: QtBot, context: AppContext, tickets: list[TicketDetail], tasks: InlinePool
) -> None:
    view = _open_view(qtbot, context, poll_ms=0, page_size=10)
    _choose(qtbot, view, "All tickets")
    qtbot.waitUntil(lambda: _settled(view, 24))
    with tasks.holding():
        view.filter_edit.setFocus()
        qtbot.keyClicks(view.filter_edit, "ticket")
        qtbot.waitUntil(lambda: bool(tasks.held))  # typed, and the filter went out
        tasks.run_held()  # its first page is read
        with qtbot.waitSignal(view.model.loaded):
            pass  # ...and shown; the count it starts waits
    assert view.model.rowCount() == 10
    assert view.row_count.text() == "10+ tickets, counting…"
    tasks.run_held()
    qtbot.waitUntil(lambda: view.row_count.text() == "24 tickets")
    assert view.model.rowCount() == 24


def test_tickets_the_maintenance_schedule_raised_are_read_in(
    qtbot: QtBot, view: QueuePage, engine: Engine, org: Org
) -> None:
    """With polling off, the queue hears of raised tickets from the window and reads them."""
    _choose(qtbot, view, "All tickets")
    qtbot.waitUntil(lambda: _settled(view, 24))
    [raised] = add_tickets(engine, org, 1)
    view.notice(TicketsRaised((raised.number,)))
    qtbot.waitUntil(lambda: _settled(view, 25))


# ------------------------------------------------------------- from the filter box to a ticket


def _to_filter(qtbot: QtBot, view: QueuePage) -> None:
    """Click into the filter box, as a person coming back to it does."""
    qtbot.mouseClick(view.filter_edit, Qt.MouseButton.LeftButton)
    assert view.filter_edit.hasFocus()


def test_down_from_the_filter_goes_to_the_results(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    _choose(qtbot, view, "All open")
    qtbot.waitUntil(lambda: _settled(view, 24))
    view.table.setFocus()
    start = view.table.currentIndex().row()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    row = view.table.currentIndex().row()
    assert row == start + 2
    _to_filter(qtbot, view)
    qtbot.keyClick(view.filter_edit, Qt.Key.Key_Down)
    assert view.table.hasFocus()
    assert view.table.currentIndex().row() == row  # the selection is kept

    view.table.setCurrentIndex(QModelIndex())  # nothing selected: Down takes the first row
    _to_filter(qtbot, view)
    qtbot.keyClick(view.filter_edit, Qt.Key.Key_Down)
    assert view.table.hasFocus()
    assert view.table.currentIndex().row() == 0
    assert view.table.selectionModel().isRowSelected(0)


def test_enter_in_the_filter_opens_the_selected_ticket(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    _choose(qtbot, view, "All open")
    qtbot.waitUntil(lambda: _settled(view, 24))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    selected = view.current_ticket_id()
    _to_filter(qtbot, view)
    with qtbot.waitSignal(view.navigate) as opened:
        qtbot.keyClick(view.filter_edit, Qt.Key.Key_Return)
    assert opened.args == ["ticket", opened.args[1]]
    assert opened.args[1].ticket_id == selected


def test_enter_right_after_typing_opens_the_first_match(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    _choose(qtbot, view, "All open")
    qtbot.waitUntil(lambda: _settled(view, 24))
    _to_filter(qtbot, view)
    qtbot.keyClicks(view.filter_edit, tickets[7].number)
    with qtbot.waitSignal(view.navigate) as opened:  # before the typing pause is over
        qtbot.keyClick(view.filter_edit, Qt.Key.Key_Enter)
    assert opened.args[1].ticket_id == tickets[7].id
    assert view.model.query_filter.text == tickets[7].number


# ----------------------------------------------------------------------------- escalations


def _escalations(engine: Engine, org: Org, tickets: list[TicketDetail]) -> dict[str, str]:
    """Hand one ticket to another team and flag another to a manager; their numbers."""
    handed, flagged = tickets[4], tickets[5]
    team = org.desk if handed.team_id == org.network else org.network
    escalate(engine, handed.id, handed.version, team, "Needs them", org.ann)
    flag_manager(engine, flagged.id, flagged.version, "VIP, third call", org.ann)
    return {"handed": handed.number, "flagged": flagged.number}


def test_the_escalation_filter_and_its_built_in_views(
    qtbot: QtBot, engine: Engine, org: Org, context: AppContext, tickets: list[TicketDetail]
) -> None:
    numbers = _escalations(engine, org, tickets)
    view = _open_view(qtbot, context, poll_ms=0)
    _choose(qtbot, view, "All open")
    qtbot.waitUntil(lambda: _settled(view, 24))
    combo = view.escalation_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Escalation: any",
        "⚑ Flagged to a manager",
        "⇪ Escalated to another team",
        "☎ Vendor's answer overdue",
    ]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # ⚑ Flagged to a manager
    qtbot.waitUntil(lambda: _settled(view, 1))
    assert _numbers(view) == [numbers["flagged"]]
    assert view.model.index(0, Column.ESCALATION).data() == "⚑"

    _choose(qtbot, view, "Escalated to another team")
    qtbot.waitUntil(lambda: _settled(view, 1))
    assert _numbers(view) == [numbers["handed"]]
    assert combo.currentText() == "⇪ Escalated to another team"
    view.close()


def test_a_click_on_the_marker_header_keeps_the_order(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    header = view.table.horizontalHeader()
    before = view.model.query_sort
    middle = header.sectionViewportPosition(Column.ESCALATION) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(middle, 5))
    assert view.model.query_sort == before
    assert header.sortIndicatorSection() == Column[before.column.name]
    assert view.views_combo.currentText() == "My open"


# ----------------------------------------------------------------------------- column widths


@pytest.fixture
def window(qtbot: QtBot, context: AppContext, tickets: list[TicketDetail]) -> Iterator[Any]:
    from ui.shell.main_window import MainWindow

    widget = MainWindow(context, page_options=QUIET)
    widget.resize(1024, 700)
    with qtbot.waitSignal(widget.page("queue").model.loaded):
        widget.show()
    yield widget
    dispose_window(widget)


def _fits(queue: QueuePage) -> bool:
    """The columns fill the table's width without a sideways scroll."""
    header = queue.table.horizontalHeader()
    return header.length() <= queue.table.viewport().width()


def test_at_1024_px_the_summary_stays_readable_and_numbers_whole(qtbot: QtBot, window: Any) -> None:
    queue = window.page("queue")
    qtbot.waitUntil(lambda: queue.model.rowCount() > 0)
    assert window.width() == 1024  # the queue's page does not widen the window
    header, metrics = queue.table.horizontalHeader(), queue.table.fontMetrics()
    qtbot.waitUntil(lambda: _fits(queue))
    assert header.sectionSize(Column.SUMMARY) >= metrics.horizontalAdvance(SUMMARY_LEAST)
    numbers = [queue.model.index(r, Column.NUMBER).data() for r in range(queue.model.rowCount())]
    widest = max(metrics.horizontalAdvance(n) for n in numbers)
    assert header.sectionSize(Column.NUMBER) >= widest + CELL_PADDING
    assert not header.isSectionHidden(Column.ESCALATION)


def test_at_1920_px_no_column_is_narrower_than_its_text(qtbot: QtBot, window: Any) -> None:
    queue = window.page("queue")
    window.resize(1920, 1080)
    header, metrics = queue.table.horizontalHeader(), queue.table.fontMetrics()
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.SITE))
    for column, sample in SAMPLES.items():
        assert not header.isSectionHidden(column), column
        assert header.sectionSize(column) >= metrics.horizontalAdvance(sample.full), column
    widths = [header.sectionSize(c) for c in Column]
    assert max(widths) == header.sectionSize(Column.SUMMARY)  # it takes what is left
    assert _fits(queue)


def test_a_column_widened_by_hand_keeps_its_width(qtbot: QtBot, window: Any) -> None:
    queue = window.page("queue")
    header = queue.table.horizontalHeader()
    caller = header.sectionSize(Column.CALLER)
    edge = header.sectionViewportPosition(Column.CALLER) + caller - 1
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, 5))
    qtbot.mouseMove(header.viewport(), QPoint(edge + 60, 5))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge + 60, 5))
    widened = header.sectionSize(Column.CALLER)
    assert widened > caller
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.SITE))
    assert header.sectionSize(Column.CALLER) == widened

    again = _open_view(qtbot, window.context, poll_ms=0)  # the next run: still that width

    assert again.table.horizontalHeader().sectionSize(Column.CALLER) == widened


# ----------------------------------------------------------------------------- the view list


def test_the_view_list_shows_every_view_without_scrolling(
    qtbot: QtBot, context: AppContext, tickets: list[TicketDetail]
) -> None:
    for n in range(8):
        save_view(context.engine, context.me, SavedView(f"Mine {n}", QueueFilter(text=f"t{n}")))
    view = _open_view(qtbot, context, poll_ms=0)
    view.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))  # as it runs
    combo = view.views_combo
    assert combo.count() == len(BUILT_IN_VIEWS) + 1 + 8  # a separator before the user's own
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible)
    below = combo.mapToGlobal(combo.rect().bottomLeft()).y()
    assert popup.mapToGlobal(QPoint(0, 0)).y() >= below  # drops down, clear of the screen top
    last = popup.visualRect(combo.model().index(combo.count() - 1, 0))
    assert last.bottom() <= popup.viewport().height()
    assert not popup.verticalScrollBar().isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())
    view.close()


# ------------------------------------------------------------------------ an empty table


def _note_says(view: QueuePage, title: str) -> bool:
    note = view.empty_note
    return note.isVisible() and note.title.text() == title


def test_an_empty_database_says_what_to_do_first(qtbot: QtBot, context: AppContext) -> None:
    view = _open_view(qtbot, context, poll_ms=0)
    qtbot.waitUntil(lambda: _note_says(view, NO_TICKETS_TITLE))
    text = view.empty_note.text.text()
    for hint in ("New ticket", "Ctrl+N", "Import callers", "switchboard --demo"):
        assert hint in text, hint
    assert view.empty_note.geometry() == view.table.viewport().rect()  # over the rows' area
    button = view.findChild(QPushButton, "emptyNewTicket")
    assert button.isVisible() and not view.empty_note.clear_button.isVisible()
    with qtbot.waitSignal(view.navigate) as asked:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked.args[0] == "ticket"
    assert isinstance(asked.args[1], TicketRequest) and asked.args[1].ticket_id is None
    view.close()


def test_a_filter_that_matches_nothing_says_so_and_clears(
    qtbot: QtBot, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    qtbot.waitUntil(lambda: not view.model.is_fetching())
    assert not view.empty_note.isVisible()
    _to_filter(qtbot, view)
    qtbot.keyClicks(view.filter_edit, "no such words")
    qtbot.waitUntil(lambda: _note_says(view, NO_MATCH_TITLE))
    button = view.findChild(QPushButton, "emptyClearFilter")
    assert button.isVisible() and button.text().replace("&", "") == "Clear filter"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _settled(view, 24))
    assert view.filter_edit.text() == ""
    assert view.views_combo.currentText() == "All open"
    assert not view.empty_note.isVisible()
    assert view.table.hasFocus()


def test_with_every_ticket_closed_the_note_offers_all_tickets(
    qtbot: QtBot, engine: Engine, org: Org, context: AppContext
) -> None:
    for detail in add_tickets(engine, org, 3):
        change_status(engine, detail.id, detail.version, TicketStatus.RESOLVED, org.ann, "ok")
    view = _open_view(qtbot, context, poll_ms=0)
    _choose(qtbot, view, "All open")
    qtbot.waitUntil(lambda: _note_says(view, "No open tickets"))
    qtbot.mouseClick(view.empty_note.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _settled(view, 3))
    assert view.views_combo.currentText() == "All tickets"
    view.close()


def test_f5_offers_a_category_added_since_in_the_filter(
    qtbot: QtBot, window: Any, context: AppContext, org: Org
) -> None:
    from app.org.categories import CategoryDraft, save_category

    view = window.page("queue")

    def offered() -> list[str]:
        combo = view.category_filter
        return [combo.itemText(n) for n in range(combo.count())]

    qtbot.waitUntil(lambda: "Printing" in offered())
    save_category(context.engine, org.mia, CategoryDraft("Docking stations"))
    assert "Docking stations" not in offered()
    qtbot.keyClick(view.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "Docking stations" in offered())
