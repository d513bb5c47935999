"""The two kinds of escalation told apart: a hand-over to another team (functional) and a
flag to a manager (hierarchical), counted apart in SQL from the events on both back ends,
and shown apart in the ticket's header and timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.tickets.actions import TicketDraft, create_ticket, escalate, flag_manager
from app.tickets.detail import TicketDetail
from app.tickets.escalations import EscalationCounts, escalation_counts
from tests.conftest import NOW, Org
from ui.tickets.timeline import TicketHeader, WorklogPane

NOVEMBER = datetime(2026, 11, 1, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _new(engine: Engine, org: Org, at: datetime, site: str = "hq") -> TicketDetail:
    draft = TicketDraft(summary="Printer jams", site_id=getattr(org, site), team_id=org.desk)
    return create_ticket(engine, draft, org.ann, now=at)


def _hand_over(engine: Engine, org: Org, ticket: TicketDetail, at: datetime) -> TicketDetail:
    team = org.network if ticket.team_id == org.desk else org.desk
    return escalate(engine, ticket.id, ticket.version, team, "Needs them", org.ann, now=at)


def _flag(engine: Engine, org: Org, ticket: TicketDetail, at: datetime) -> TicketDetail:
    return flag_manager(engine, ticket.id, ticket.version, "Angry VIP", org.ann, now=at)


def test_a_month_of_tickets_counted_by_kind_of_escalation(engine: Engine, org: Org) -> None:
    day = NOVEMBER + timedelta(days=3)
    _new(engine, org, day)  # never escalated
    _hand_over(engine, org, _new(engine, org, day), day + HOUR)
    _flag(engine, org, _new(engine, org, day), day + HOUR)
    both = _hand_over(engine, org, _new(engine, org, day, "branch"), day + HOUR)
    _flag(engine, org, both, day + 2 * HOUR)
    there_and_back = _hand_over(engine, org, _new(engine, org, day), day + HOUR)
    _hand_over(engine, org, there_and_back, day + 2 * HOUR)  # one ticket, counted once
    late = _new(engine, org, DECEMBER - HOUR)
    _hand_over(engine, org, late, DECEMBER + HOUR)  # after the month: not in its figures
    october = _new(engine, org, NOVEMBER - HOUR)
    _flag(engine, org, october, NOVEMBER + HOUR)  # created before the month: not counted

    assert escalation_counts(engine, NOVEMBER, DECEMBER) == EscalationCounts(
        created=6, functional=3, hierarchical=2, either=4
    )
    assert escalation_counts(engine, NOVEMBER, DECEMBER, site=org.hq) == EscalationCounts(
        created=5, functional=2, hierarchical=1, either=3
    )
    # Read later, over a period that takes in the late hand-over, it counts.
    later = escalation_counts(engine, NOVEMBER, DECEMBER + 2 * HOUR)
    assert (later.created, later.functional) == (6, 4)


def test_a_period_without_tickets_counts_nothing(engine: Engine, org: Org) -> None:
    assert escalation_counts(engine, NOVEMBER, DECEMBER) == EscalationCounts(0, 0, 0, 0)


def test_the_header_and_the_timeline_say_which_escalation(
    qtbot: QtBot, engine: Engine, org: Org
) -> None:
    ticket = _new(engine, org, NOW - HOUR)
    handed = _hand_over(engine, org, ticket, NOW - HOUR / 2)
    header, worklog = TicketHeader(), WorklogPane()
    for widget in (header, worklog):
        qtbot.addWidget(widget)
        widget.show()
    header.show_ticket(handed, NOW)
    assert header.escalated_chip.isVisible() and not header.flagged_chip.isVisible()
    assert header.escalated_chip.text() == "⇪ Escalated to Network"
    assert not header.flag_label.isVisible()

    both = _flag(engine, org, handed, NOW)
    header.show_ticket(both, NOW)
    worklog.show_ticket(both, NOW)
    assert header.escalated_chip.isVisible() and header.flagged_chip.isVisible()
    assert header.flagged_chip.text() == "⚑ Flagged to manager"
    assert header.flag_label.isVisible() and header.flag_label.text() == "Angry VIP"
    assert header.escalated_chip.styleSheet() != header.flagged_chip.styleSheet()
    timeline = worklog.timeline.toPlainText()
    assert "Escalated to Network" in timeline and "Flagged to manager: Angry VIP" in timeline

    flagged_only = _flag(engine, org, _new(engine, org, NOW - HOUR), NOW)
    header.show_ticket(flagged_only, NOW)
    assert header.flagged_chip.isVisible() and not header.escalated_chip.isVisible()
