"""The two kinds of escalation, and how many tickets of a period had each.

A ticket is escalated *functionally* when it is handed to another team (an ESCALATED event;
``Ticket.escalated``), and *hierarchically* when it is flagged to a manager (a
MANAGER_FLAGGED event; ``Ticket.manager_flagged``). Both are escalations, but they mean
different things to the team: the first moves the work, the second asks for a manager's
attention. So the queue, the ticket header and the timeline name them apart, and the monthly
report's escalation rate (escalated / created) is shown for each kind separately.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import ColumnElement, Engine, case, exists, func, or_, select
from sqlmodel import col

from models.engine import read_session
from models.enums import EventKind
from models.tickets import Ticket, TicketEvent


class EscalationKind(Enum):
    """Functional (to another team) or hierarchical (to a manager); the value is how a saved
    view stores it."""

    FUNCTIONAL = "escalated"
    HIERARCHICAL = "flagged"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def mark(self) -> str:
        """The one-character marker the queue shows for it."""
        return _MARKS[self]

    @property
    def event_kind(self) -> EventKind:
        return _EVENTS[self]


_LABELS = {
    EscalationKind.FUNCTIONAL: "Escalated to another team",
    EscalationKind.HIERARCHICAL: "Flagged to a manager",
}
_MARKS = {EscalationKind.FUNCTIONAL: "⇪", EscalationKind.HIERARCHICAL: "⚑"}
_EVENTS = {
    EscalationKind.FUNCTIONAL: EventKind.ESCALATED,
    EscalationKind.HIERARCHICAL: EventKind.MANAGER_FLAGGED,
}


@dataclass(frozen=True)
class EscalationCounts:
    """Tickets created in a period, and how many of them were escalated, by kind.

    ``either`` counts a ticket that was both handed over and flagged once, so it is not
    the sum of the two."""

    created: int
    functional: int
    hierarchical: int
    either: int


def _escalated_before(kind: EscalationKind, end: datetime) -> ColumnElement[bool]:
    """The ticket has an event of ``kind`` before ``end`` (through ix_ticket_event_ticket_at)."""
    return exists().where(
        col(TicketEvent.ticket_id) == col(Ticket.id),
        col(TicketEvent.kind) == kind.event_kind,
        col(TicketEvent.at) < end,
    )


def escalation_counts(
    engine: Engine, start: datetime, end: datetime, site: uuid.UUID | None = None
) -> EscalationCounts:
    """Counts over the tickets created in ``[start, end)`` (at ``site``, or anywhere).

    A ticket counts as escalated when its events say so, and only for events before ``end``:
    the figures of a month do not change when a ticket of that month is escalated later."""
    functional = _escalated_before(EscalationKind.FUNCTIONAL, end)
    hierarchical = _escalated_before(EscalationKind.HIERARCHICAL, end)

    def tickets_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    statement = select(
        func.count(),
        tickets_where(functional),
        tickets_where(hierarchical),
        tickets_where(or_(functional, hierarchical)),
    ).where(col(Ticket.created_at) >= start, col(Ticket.created_at) < end)
    if site is not None:
        statement = statement.where(col(Ticket.site_id) == site)
    with read_session(engine) as session:
        created, by_team, by_manager, either = session.execute(statement).one()
    return EscalationCounts(int(created), int(by_team), int(by_manager), int(either))
