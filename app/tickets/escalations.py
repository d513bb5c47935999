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

from sqlalchemy import ColumnElement, Engine, case, distinct, func, select
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


def escalation_counts(
    engine: Engine, start: datetime, end: datetime, site: uuid.UUID | None = None
) -> EscalationCounts:
    """Counts over the tickets created in ``[start, end)`` (at ``site``, or anywhere).

    A ticket counts as escalated when its events say so, and only for events before ``end``:
    the figures of a month do not change when a ticket of that month is escalated later.
    Such an event comes after the ticket was created, so it lies in ``[start, end)`` too:
    the (kind, at) index finds the period's escalations without visiting every ticket."""
    created = [col(Ticket.created_at) >= start, col(Ticket.created_at) < end]
    if site is not None:
        created.append(col(Ticket.site_id) == site)
    kinds = [kind.event_kind for kind in EscalationKind]
    escalations = (
        select(col(TicketEvent.ticket_id), col(TicketEvent.kind))
        .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
        .where(
            col(TicketEvent.kind).in_(kinds),
            col(TicketEvent.at) >= start,
            col(TicketEvent.at) < end,
            *created,
        )
        .distinct()
        .subquery()
    )

    def tickets_of(*kinds: EscalationKind) -> ColumnElement[int]:
        chosen = escalations.c.kind.in_([kind.event_kind for kind in kinds])
        return func.count(distinct(case((chosen, escalations.c.ticket_id))))

    with read_session(engine) as session:
        total = session.execute(select(func.count()).where(*created)).scalar_one()
        by_team, by_manager, either = session.execute(
            select(
                tickets_of(EscalationKind.FUNCTIONAL),
                tickets_of(EscalationKind.HIERARCHICAL),
                tickets_of(*EscalationKind),
            )
        ).one()
    return EscalationCounts(int(total), int(by_team), int(by_manager), int(either))
