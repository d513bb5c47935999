"""The queue flags a ticket whose vendor's answer is overdue (☎, in words in its tooltip),
from the ticket's own vendor due time: not one the vendor answered, nor one not yet due
(until its due time passes on screen). The built-in view "Waiting on an overdue vendor" and
the escalation filter's choice list those tickets only, and a saved view keeps the choice."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.queue.query import (
    BUILT_IN_VIEWS,
    QueueFilter,
    QueueQuery,
    QueueSort,
    SavedView,
    SortColumn,
)
from app.queue.saved_views import list_views, save_view
from app.tickets.actions import TicketDraft, create_ticket
from app.vendors.escalation import VendorEscalationDraft, escalate_to_vendor, record_vendor_response
from models.engine import read_session
from models.tickets import Ticket
from tests.conftest import NOW, Org, RunningClock, drain_tasks
from tests.test_queue_view import _choose
from tests.test_vendors import add_contract, add_vendor
from ui.kit.paged_model import IdRole
from ui.queue.model import ESCALATION_HEADER_TIP, Column, QueueModel
from ui.queue.page import QueuePage

pytestmark = pytest.mark.usefixtures("in_london")
OVERDUE_VIEW = "Waiting on an overdue vendor"


@dataclass(frozen=True)
class Waiting:
    """Three tickets handed to Acme two hours ago or now, on a contract promising an answer
    within the hour around the clock."""

    overdue: uuid.UUID  # escalated at 08:00: due 09:00, overdue at 10:00
    answered: uuid.UUID  # escalated at 08:00, answered at 08:30
    due_soon: uuid.UUID  # escalated at 10:00: due 11:00
    plain: uuid.UUID  # never escalated


def _ticket(engine: Engine, org: Org, summary: str) -> Ticket:
    detail = create_ticket(
        engine,
        TicketDraft(summary=summary, site_id=org.hq, caller_id=org.alice, category_id=org.printing),
        org.ann,
        NOW - timedelta(hours=3),
    )
    with read_session(engine) as session:
        ticket = session.get(Ticket, detail.id)
        assert ticket is not None
        return ticket


def _escalate(
    engine: Engine,
    org: Org,
    ticket: Ticket,
    vendor: uuid.UUID,
    contract: uuid.UUID,
    case: str,
    at: datetime,
) -> int:
    detail = escalate_to_vendor(
        engine,
        ticket.id,
        VendorEscalationDraft(vendor, contract, case),
        org.bob,
        at,
        ticket.version,
    )
    return detail.version


@pytest.fixture
def waiting(engine: Engine, org: Org) -> Waiting:
    acme = add_vendor(engine, org, "Acme Hardware")
    contract = add_contract(
        engine, org, acme, around_the_clock=True, response_minutes=60, resolution_minutes=480
    )
    overdue, answered, due_soon, plain = (
        _ticket(engine, org, summary) for summary in ("Overdue", "Answered", "Due soon", "Plain")
    )
    _escalate(engine, org, overdue, acme, contract, "CS-1", NOW - timedelta(hours=2))
    version = _escalate(engine, org, answered, acme, contract, "CS-2", NOW - timedelta(hours=2))
    record_vendor_response(
        engine, answered.id, org.bob, NOW - timedelta(minutes=90), "Part ordered", version
    )
    _escalate(engine, org, due_soon, acme, contract, "CS-3", NOW)
    return Waiting(overdue.id, answered.id, due_soon.id, plain.id)


@pytest.fixture
def owner(qtbot: QtBot) -> Iterator[QWidget]:
    """Owns the models under test; deleted before the test's database goes."""
    widget = QWidget()
    yield widget
    drain_tasks()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _marks(
    model: QueueModel, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole
) -> dict[uuid.UUID, Any]:
    return {
        model.index(row, 0).data(IdRole): model.index(row, Column.ESCALATION).data(role)
        for row in range(model.rowCount())
    }


def test_only_tickets_whose_vendors_answer_is_overdue_are_counted(
    engine: Engine, org: Org, waiting: Waiting
) -> None:
    query = QueueQuery(engine, org.ann)
    overdue = QueueFilter(vendor_overdue=True)
    assert query.count(overdue, NOW) == 1
    assert [row.id for row in query.page(overdue, QueueSort(), 0, 50, now=NOW)] == [waiting.overdue]
    assert query.count(overdue, NOW + timedelta(hours=2)) == 2  # the one due at 11:00 too
    assert query.depends_on_now(overdue) and not query.depends_on_now(QueueFilter())
    view = next(v for v in BUILT_IN_VIEWS if v.name == OVERDUE_VIEW)
    assert view.filter == overdue


def test_a_saved_view_keeps_the_overdue_vendor_choice(engine: Engine, org: Org) -> None:
    mine = SavedView("Chase vendors", QueueFilter(vendor_overdue=True), QueueSort(SortColumn.AGE))
    save_view(engine, org.ann, mine)
    assert list_views(engine, "ann")[-1] == mine


def test_the_marker_flags_an_overdue_vendor_and_says_since_when(
    qtbot: QtBot, owner: QWidget, engine: Engine, org: Org, waiting: Waiting, clock: RunningClock
) -> None:
    now = [NOW]
    model = QueueModel(QueueQuery(engine, org.ann), owner, poll_ms=0, clock=lambda: now[0])
    with qtbot.waitSignal(model.countChanged):
        model.set_query(QueueFilter(), QueueSort(SortColumn.NUMBER))
    qtbot.waitUntil(lambda: model.rowCount() == 4 and not model.is_fetching())
    assert _marks(model) == {
        waiting.overdue: "☎",
        waiting.answered: "",
        waiting.due_soon: "",
        waiting.plain: "",
    }
    tips = _marks(model, Qt.ItemDataRole.ToolTipRole)
    # Due at 09:00 UTC, 09:00 in London in November; an hour late at 10:00.
    assert tips[waiting.overdue] == "☎ Vendor's answer overdue since 09:00 (1h)"
    assert tips[waiting.answered] is None and tips[waiting.due_soon] is None
    colours = _marks(model, Qt.ItemDataRole.BackgroundRole)
    assert colours[waiting.overdue] == QColor("#ffefcc") and colours[waiting.plain] is None
    header = model.headerData(
        Column.ESCALATION, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert header == ESCALATION_HEADER_TIP and "☎ vendor's answer overdue" in header

    # The next morning the ticket escalated at 10:00 is late too, with no ticket saved.
    now[0] = NOW + timedelta(days=1)
    clock.set(now[0])
    model.poll()
    qtbot.waitUntil(lambda: _marks(model)[waiting.due_soon] == "☎")
    assert _marks(model, Qt.ItemDataRole.ToolTipRole)[waiting.due_soon] == (
        "☎ Vendor's answer overdue since Tue 24 Nov 11:00 (23h)"
    )
    assert _marks(model)[waiting.answered] == ""


def test_the_queue_lists_tickets_waiting_on_an_overdue_vendor(
    qtbot: QtBot, context: AppContext, waiting: Waiting
) -> None:
    page = QueuePage(context, poll_ms=0)
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    _choose(qtbot, page, OVERDUE_VIEW)  # View: the built-in view, with the keyboard
    qtbot.waitUntil(lambda: page.model.count_known and page.model.rowCount() == 1)
    assert page.model.row_id(0) == waiting.overdue
    assert page.escalation_filter.currentText() == "☎ Vendor's answer overdue"

    # The same choice in the filter bar, with keys, from any escalation.
    page.escalation_filter.setCurrentIndex(0)
    page.escalation_filter.activated.emit(0)
    qtbot.waitUntil(lambda: page.model.count_known and page.model.rowCount() == 4)
    page.escalation_filter.setFocus()
    for _ in range(3):
        qtbot.keyClick(page.escalation_filter, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.model.count_known and page.model.rowCount() == 1)
    assert page.model.query_filter.vendor_overdue
    assert page.views_combo.currentText() == OVERDUE_VIEW
    page.close()
