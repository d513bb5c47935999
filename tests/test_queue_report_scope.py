"""The queue listing the tickets behind a report's figure: a scope of site windows (each
site's own local days) in SQL, and the chip on the queue that says it and clears it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.queue.query import Moment, QueueFilter, QueueQuery, QueueSort, ReportScope, SavedView
from app.reports.period import Period, report_sites
from app.tickets.detail import TicketDetail
from models.enums import TicketStatus
from tests.conftest import Org
from tests.test_queue_query import add_tickets
from tests.test_queue_view import _open_view, _settled
from ui.queue.page import QueuePage

DAY = Period(date(2026, 3, 2), date(2026, 3, 2))  # the first day of add_tickets, a Monday
EVERY = frozenset(TicketStatus)


@pytest.fixture
def tickets(engine: Engine, org: Org) -> list[TicketDetail]:
    return add_tickets(engine, org, 36)  # one an hour from 09:00 UTC, over two days


def _scope(engine: Engine) -> ReportScope:
    return ReportScope(
        Moment.CREATED, report_sites(engine, None).windows(DAY), "created on 2 March 2026"
    )


def _expected(engine: Engine, tickets: list[TicketDetail]) -> list[str]:
    """The tickets created on 2 March in their own site's time, worked out ticket by ticket."""
    zones = {w.site_id: w.zone for w in report_sites(engine, None).windows(DAY)}
    return sorted(
        t.number for t in tickets if t.created_at.astimezone(zones[t.site_id]).date() == DAY.first
    )


def test_a_scope_lists_the_tickets_of_each_sites_own_day(
    engine: Engine, org: Org, tickets: list[TicketDetail]
) -> None:
    expected = _expected(engine, tickets)
    # London's 2 March ends at midnight UTC, New York's five hours later: both sites have
    # tickets on the day, and New York's run into what is 3 March in UTC.
    assert {t.site_id for t in tickets if t.number in expected} == {org.hq, org.branch}
    assert 0 < len(expected) < len(tickets)
    query = QueueQuery(engine, org.ann)
    rows = query.page(QueueFilter(statuses=EVERY, scope=_scope(engine)), QueueSort(), 0, 1000)
    assert sorted(r.number for r in rows) == expected
    assert query.count(QueueFilter(statuses=EVERY, scope=_scope(engine))) == len(expected)


@pytest.fixture
def view(qtbot: QtBot, context: AppContext, tickets: list[TicketDetail]) -> Iterator[QueuePage]:
    widget = _open_view(qtbot, context, poll_ms=0)
    yield widget
    widget.close()


def test_the_chip_says_the_scope_and_a_click_clears_it(
    qtbot: QtBot, engine: Engine, view: QueuePage, tickets: list[TicketDetail]
) -> None:
    expected = _expected(engine, tickets)
    assert not view.scope_chip.isVisible()
    view.apply_view(SavedView("Volume", QueueFilter(statuses=EVERY, scope=_scope(engine))))
    qtbot.waitUntil(lambda: _settled(view, len(expected)))
    assert view.scope_chip.isVisible()
    assert view.scope_chip.text().startswith("Created on 2 March 2026")
    # Another filter changed beside it keeps the scope.
    view.due_filter.click()
    view.due_filter.click()
    qtbot.waitUntil(lambda: _settled(view, len(expected)))
    qtbot.mouseClick(view.scope_chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _settled(view, len(tickets)))
    assert not view.scope_chip.isVisible()
    assert view.table.hasFocus()
