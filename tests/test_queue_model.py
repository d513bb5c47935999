"""QueueModel: right rows for filters and sorts, pages fetched lazily and only when needed,
stale results dropped, refresh in place, SLA countdown texts and colours, the escalation
marker with its words."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, exc

from app.queue.query import QueueFilter, QueueQuery, QueueRow, QueueSort, SortColumn
from app.tickets.actions import change_status, escalate, flag_manager
from models import errors
from models.enums import Priority, TicketStatus
from tests.conftest import InlinePool, Org, drain_tasks
from tests.test_queue_query import BASE, add_tickets
from ui.kit.paged_model import IdRole, LoadingRole, RowRole
from ui.queue.model import (
    ESCALATION_HEADER_TIP,
    Column,
    QueueModel,
    SlaState,
    format_duration,
    sla_due,
)

EVERYTHING = QueueFilter(statuses=frozenset(TicketStatus))


class PageSpy(QueueQuery):
    """A QueueQuery that records the offset of every page it is asked for."""

    def __init__(self, engine: Engine, org: Org) -> None:
        super().__init__(engine, org.ann)
        self.offsets: list[int] = []

    def page(self, *args: Any, **kwargs: Any) -> list[QueueRow]:
        self.offsets.append(args[2])
        return super().page(*args, **kwargs)


@pytest.fixture
def query(engine: Engine, org: Org) -> Iterator[PageSpy]:
    yield PageSpy(engine, org)
    drain_tasks()


@pytest.fixture
def owner(qtbot: QtBot, engine: Engine) -> Iterator[QWidget]:
    """Owns the models under test for the whole test. A model only Python held would be
    freed from inside the deletion of a finished task's relay (the relay's callbacks hold
    the last reference) and delete that relay a second time. Its models are deleted with it
    before the test's database goes: none polls a database that is not there."""
    widget = QWidget()
    yield widget
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _model(owner: QWidget, query: QueueQuery, **options: Any) -> QueueModel:
    return QueueModel(query, owner, **{"poll_ms": 0, **options})


def _load(qtbot: QtBot, model: QueueModel, f: QueueFilter, sort: QueueSort | None = None) -> None:
    """Apply a query and wait until every row is on hand."""
    with qtbot.waitSignal(model.countChanged):
        model.set_query(f, sort)
    _load_all(qtbot, model)


def _load_all(qtbot: QtBot, model: QueueModel) -> None:
    for row in range(model.rowCount()):
        model.index(row, 0).data()
    qtbot.waitUntil(lambda: all(model.is_loaded(r) for r in range(model.rowCount())))


def _column(model: QueueModel, column: Column) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "<1m"),
        (timedelta(minutes=25), "25m"),
        (timedelta(hours=1, minutes=20), "1h 20m"),
        (timedelta(hours=2), "2h"),
        (timedelta(days=3, hours=4, minutes=59), "3d 4h"),
        (timedelta(days=12), "12d"),
    ],
)
def test_durations_read_like_a_person_would_say_them(delta: timedelta, text: str) -> None:
    assert format_duration(delta) == text


def _row(status: TicketStatus, due: datetime | None) -> QueueRow:
    return QueueRow(
        id=uuid.uuid4(),
        number="HQ-000001",
        priority=Priority.HIGH,
        status=status,
        summary="s",
        caller_name="",
        assignee_name="",
        team_name="",
        site_code="HQ",
        created_at=BASE,
        sla_due_at=due,
        version=1,
        escalated=False,
        manager_flagged=False,
        manager_flag_reason="",
    )


@pytest.mark.parametrize(
    ("status", "due_in", "text", "state"),
    [
        (TicketStatus.IN_PROGRESS, timedelta(hours=1, minutes=20), "in 1h 20m", SlaState.OK),
        (TicketStatus.NEW, timedelta(minutes=59), "in 59m", SlaState.DUE_SOON),
        (TicketStatus.ASSIGNED, -timedelta(hours=2, minutes=5), "overdue 2h 5m", SlaState.BREACHED),
        (TicketStatus.WAITING_CALLER, None, "paused", SlaState.NONE),
        (TicketStatus.RESOLVED, None, "—", SlaState.NONE),
        (TicketStatus.CLOSED, timedelta(hours=1), "—", SlaState.NONE),
    ],
)
def test_sla_countdown(
    status: TicketStatus, due_in: timedelta | None, text: str, state: SlaState
) -> None:
    now = BASE + timedelta(days=1)
    assert sla_due(_row(status, None if due_in is None else now + due_in), now) == (text, state)


def test_model_passes_the_qt_model_tester(
    qtbot: QtBot, owner: QWidget, qtmodeltester: Any, engine: Engine, org: Org, query: PageSpy
) -> None:
    add_tickets(engine, org, 12)
    model = _model(owner, query, page_size=5)
    _load(qtbot, model, EVERYTHING)
    assert model.rowCount() == 12
    qtmodeltester.check(model)


def test_columns_show_labels_and_the_ticket_behind_each_row(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    [detail] = add_tickets(engine, org, 1, urgency=1, impact=1)
    model = _model(owner, query, clock=lambda: BASE + timedelta(days=3, hours=4, minutes=10))
    _load(qtbot, model, EVERYTHING)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert [h for h in headers if h != "⚑⇪"] == [c.value for c in SortColumn]
    assert headers[0] == "Number" and headers[3:5] == ["Summary", "⚑⇪"]
    assert headers[-1] == "SLA due"
    index = model.index(0, Column.NUMBER)
    assert index.data() == detail.number
    assert index.data(IdRole) == detail.id
    assert index.data(RowRole).summary == detail.summary
    assert index.data(LoadingRole) is False
    assert model.index(0, Column.PRIORITY).data() == "P1 Critical"
    assert model.index(0, Column.STATUS).data() == detail.status.label == "Assigned"
    assert model.index(0, Column.CALLER).data() == "Alice Müller"
    assert model.index(0, Column.SITE).data() == "HQ"
    assert model.index(0, Column.AGE).data() == "3d 4h"
    sla = model.index(0, Column.SLA_DUE)
    assert sla.data().startswith("overdue ")
    assert sla.data(Qt.ItemDataRole.BackgroundRole) == QColor("#fde3e1")
    assert sla.data(Qt.ItemDataRole.TextAlignmentRole) == (
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )


def test_the_marker_says_which_escalation_and_why_in_words(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    plain, handed, flagged, both = add_tickets(engine, org, 4, team_id=org.desk)
    escalate(engine, handed.id, handed.version, org.network, "Switch down", org.ann)
    flag_manager(engine, flagged.id, flagged.version, "VIP, third call", org.ann)
    both = escalate(engine, both.id, both.version, org.network, "Switch down", org.ann)
    flag_manager(engine, both.id, both.version, "Outage", org.ann)
    model = _model(owner, query)
    _load(qtbot, model, EVERYTHING, QueueSort(SortColumn.NUMBER))

    rows = {model.index(r, 0).data(IdRole): r for r in range(4)}

    def cell(ticket: Any, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> Any:
        return model.index(rows[ticket.id], Column.ESCALATION).data(role)

    tip = Qt.ItemDataRole.ToolTipRole
    assert [cell(t) for t in (plain, handed, flagged, both)] == ["", "⇪", "⚑", "⚑⇪"]
    assert cell(plain, tip) is None
    assert cell(handed, tip) == "⇪ Escalated to another team"
    assert cell(flagged, tip) == "⚑ Flagged to a manager: VIP, third call"
    assert cell(both, tip) == "⚑ Flagged to a manager: Outage\n⇪ Escalated to another team"
    foreground = Qt.ItemDataRole.ForegroundRole
    assert cell(flagged, foreground) != cell(handed, foreground)
    assert cell(plain, Qt.ItemDataRole.BackgroundRole) is None
    header = model.headerData(Column.ESCALATION, Qt.Orientation.Horizontal, tip)
    assert header == ESCALATION_HEADER_TIP
    assert "flagged to a manager" in header and "escalated to another team" in header
    assert model.headerData(Column.CALLER, Qt.Orientation.Horizontal, tip) is None

    with qtbot.assertNotEmitted(model.countChanged):
        model.sort(Column.ESCALATION, Qt.SortOrder.AscendingOrder)  # sorts by nothing
    assert model.query_sort == QueueSort(SortColumn.NUMBER)


def test_rows_follow_filters_and_sorts(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    details = add_tickets(engine, org, 20)
    model = _model(owner, query, page_size=6)

    _load(qtbot, model, QueueFilter(assignee="unassigned"))
    unassigned = sorted(d.number for d in details if d.assignee_id is None)
    assert sorted(_column(model, Column.NUMBER)) == unassigned
    assert set(_column(model, Column.ASSIGNEE)) == {""}

    _load(qtbot, model, QueueFilter(assignee="me"), QueueSort(SortColumn.NUMBER, True))
    mine = sorted((d.number for d in details if d.assignee_id == org.ann), reverse=True)
    assert _column(model, Column.NUMBER) == mine

    _load(qtbot, model, EVERYTHING, QueueSort(SortColumn.CALLER))
    with qtbot.waitSignal(model.countChanged):
        model.sort(Column.CALLER, Qt.SortOrder.DescendingOrder)
    _load_all(qtbot, model)
    assert model.query_sort == QueueSort(SortColumn.CALLER, True)
    expected = query.page(EVERYTHING, model.query_sort, 0, 100)
    assert _column(model, Column.NUMBER) == [r.number for r in expected]
    callers = _column(model, Column.CALLER)
    assert callers == sorted(callers, reverse=True)


def test_a_newer_query_wins_over_a_slower_older_one(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    add_tickets(engine, org, 9)
    model = _model(owner, query)
    counts: list[int] = []
    model.countChanged.connect(counts.append)
    model.set_query(QueueFilter(text="network"))
    with qtbot.waitSignal(model.countChanged):
        model.set_query(QueueFilter(text="ticket 0004"))
    drain_tasks()
    assert counts == [1]
    _load_all(qtbot, model)
    assert _column(model, Column.SUMMARY) == ["Ticket 0004 about network"]


def test_only_the_pages_on_screen_are_fetched_and_the_end_is_one_jump_away(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("a thousand tickets: the paging logic is the same on every back end")
    details = add_tickets(engine, org, 1000, assignee_id=None, category_id=None)
    view = QTableView()
    qtbot.addWidget(view)
    model = _model(owner, query, page_size=50)
    view.resize(900, 600)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignals([model.loaded, model.countChanged]):
        model.set_query(EVERYTHING, QueueSort(SortColumn.NUMBER))
    assert model.rowCount() == 1000
    assert query.offsets in ([0], [0, 50])
    assert model.index(0, Column.NUMBER).data() == min(d.number for d in details)

    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    with qtbot.waitSignal(model.loaded):
        qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = max(d.number for d in details)
    assert view.currentIndex().row() == 999
    qtbot.waitUntil(lambda: model.index(999, Column.NUMBER).data() == last)
    assert len(query.offsets) <= 4 and 950 in query.offsets


def test_the_cache_is_bounded(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    add_tickets(engine, org, 20)
    model = _model(owner, query, page_size=4, max_pages=2)
    with qtbot.waitSignals([model.countChanged, model.loaded]):
        model.set_query(EVERYTHING)  # the first page is read beside the count
    for row in range(4, 20, 4):
        with qtbot.waitSignal(model.loaded):
            model.index(row, 0).data()
    assert query.offsets == [0, 4, 8, 12, 16]
    assert {row // 4 for row in range(20) if model.is_loaded(row)} == {3, 4}
    with qtbot.waitSignal(model.loaded):
        model.index(0, 0).data()
    assert query.offsets[-1] == 0


def test_rows_show_a_placeholder_until_their_page_arrives(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    add_tickets(engine, org, 3)
    model = _model(owner, query, page_size=2)
    with qtbot.waitSignals([model.countChanged, model.loaded]):
        model.set_query(EVERYTHING)  # the first page comes with the count
    index = model.index(2, Column.SUMMARY)  # on the second page, not asked for yet
    with qtbot.waitSignal(model.dataChanged):
        assert index.data() == ""
        assert index.data(LoadingRole) is True
        assert index.data(IdRole) is None
    assert index.data() == "Ticket 0002 about laptop"
    assert index.data(LoadingRole) is False


def test_refresh_updates_in_place_without_a_reset(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    details = add_tickets(engine, org, 5)
    model = _model(owner, query, page_size=3)
    _load(qtbot, model, QueueFilter(), QueueSort(SortColumn.NUMBER))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    add_tickets(engine, org, 2, start=5)
    first = details[0]
    change_status(engine, first.id, first.version, TicketStatus.IN_PROGRESS, org.ann)
    with qtbot.waitSignals([model.rowsInserted, model.countChanged]):
        model.refresh()
    assert model.rowCount() == 7
    _load_all(qtbot, model)
    assert model.index(0, Column.STATUS).data() == "In progress"

    second = details[1]
    change_status(engine, second.id, second.version, TicketStatus.RESOLVED, org.ann, "done")
    with qtbot.waitSignal(model.rowsRemoved):
        model.refresh()
    assert model.rowCount() == 6
    _load_all(qtbot, model)
    assert second.number not in _column(model, Column.NUMBER)
    assert model.row_of(details[2].id) == 1 and model.row_of(second.id) is None
    assert resets == []


def test_polling_notices_a_save_and_refreshes(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    [detail] = add_tickets(engine, org, 1)
    model = _model(owner, query, poll_ms=20)
    _load(qtbot, model, QueueFilter())
    change_status(engine, detail.id, detail.version, TicketStatus.IN_PROGRESS, org.ann)
    model.index(0, 0).data()
    qtbot.waitUntil(lambda: model.index(0, Column.STATUS).data() == "In progress")


def test_fast_scrolling_reads_the_newest_pages_and_forgets_the_rest(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    add_tickets(engine, org, 40)
    model = _model(owner, query, page_size=2)
    with qtbot.waitSignals([model.countChanged, model.loaded]):
        model.set_query(EVERYTHING)
    # The view asks for pages 1..10 in one go, as a dragged scroll bar does.
    for page in range(1, 11):
        model.index(page * 2, 0).data()
    qtbot.waitUntil(lambda: not model.is_fetching())
    asked = sorted(offset // 2 for offset in query.offsets[1:])
    # Two were read at once, and of the rest only the three newest waited their turn.
    assert asked == [1, 2, 8, 9, 10]
    assert all(model.is_loaded(page * 2) for page in (8, 9, 10))
    assert not model.is_loaded(3 * 2)
    with qtbot.waitSignal(model.loaded):
        model.index(3 * 2, 0).data()  # still wanted later: asked again, and read


def _first_page_only(
    qtbot: QtBot, owner: QWidget, query: PageSpy, tasks: InlinePool, page_size: int
) -> tuple[QueueModel, list[int]]:
    """A model showing the first page of a new query, whose count is still held back; with
    the counts it announced."""
    model = _model(owner, query, page_size=page_size)
    counts: list[int] = []
    model.countChanged.connect(counts.append)
    with tasks.holding():
        model.set_query(EVERYTHING, QueueSort(SortColumn.NUMBER))
        tasks.run_held()  # the first page alone is read
        with qtbot.waitSignal(model.loaded):
            pass  # its answer comes from the event loop, and starts the count (held)
    assert len(tasks.held) == 1
    return model, counts


def test_a_new_query_is_on_screen_with_its_first_page_before_its_count(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy, tasks: InlinePool
) -> None:
    add_tickets(engine, org, 7)
    model, counts = _first_page_only(qtbot, owner, query, tasks, page_size=3)
    assert model.rowCount() == 3 and not model.count_known and counts == []
    assert _column(model, Column.NUMBER) == ["HQ-000001", "HQ-000002", "HQ-000003"]

    tasks.run_held()  # the count
    with qtbot.waitSignal(model.rowsInserted):
        pass
    assert model.rowCount() == 7 and model.count_known and counts == [7]
    _load_all(qtbot, model)
    assert len(set(_column(model, Column.NUMBER))) == 7


def test_a_short_first_page_is_the_whole_count(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy, tasks: InlinePool
) -> None:
    add_tickets(engine, org, 2)
    model, counts = _first_page_only(qtbot, owner, query, tasks, page_size=3)
    assert model.rowCount() == 2 and model.count_known and counts == [2]
    tasks.run_held()  # the count agrees: nothing changes, nothing is announced twice
    drain_tasks()
    assert counts == [2] and model.rowCount() == 2


def test_a_failing_poll_is_told_once_until_a_poll_works_again(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, query: PageSpy
) -> None:
    add_tickets(engine, org, 2)
    model = _model(owner, query)
    _load(qtbot, model, EVERYTHING)
    told: list[str] = []
    model.failed.connect(told.append)
    working = query.change_token

    def server_gone() -> Any:
        raise exc.OperationalError("SELECT max(...)", {}, Exception("server closed the connection"))

    query.change_token = server_gone  # type: ignore[method-assign]
    for _ in range(3):  # every few seconds, while the server is away
        model.poll()
        drain_tasks()
    assert told == [errors.SERVER_GONE]

    query.change_token = working  # type: ignore[method-assign]
    model.poll()
    drain_tasks()
    query.change_token = server_gone  # type: ignore[method-assign]
    model.poll()
    drain_tasks()
    assert told == [errors.SERVER_GONE, errors.SERVER_GONE]  # gone again: said again
