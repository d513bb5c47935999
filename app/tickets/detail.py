"""Read side of a ticket: plain dataclasses for the editor, built in one short session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.errors import ChangeSummary, NotFoundError
from app.tickets.workflow import Transition, allowed_transitions
from models.engine import read_session
from models.enums import Channel, EventKind, Priority, TicketStatus
from models.org import Category, Site, Staff, Team
from models.people import Asset, Caller
from models.tickets import Ticket, TicketEvent


@dataclass(frozen=True)
class EventView:
    """One line of the ticket timeline."""

    at: datetime
    actor: str
    kind: EventKind
    text: str
    note: str
    minutes_spent: int


@dataclass(frozen=True)
class TicketDetail:
    """Everything the ticket editor shows, detached from any session."""

    id: uuid.UUID
    number: str
    version: int
    summary: str
    description: str
    status: TicketStatus
    priority: Priority
    impact: int
    urgency: int
    channel: Channel
    site_id: uuid.UUID
    site_name: str
    site_timezone: str
    caller_id: uuid.UUID | None
    caller_name: str
    asset_id: uuid.UUID | None
    asset_tag: str
    category_id: uuid.UUID | None
    category_name: str
    assignee_id: uuid.UUID | None
    assignee_name: str
    team_id: uuid.UUID | None
    team_name: str
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    sla_due_at: datetime | None
    response_breached: bool
    resolution_breached: bool
    reopen_count: int
    first_contact_resolution: bool
    escalated: bool
    manager_flagged: bool
    manager_flag_reason: str
    events: tuple[EventView, ...]
    transitions: tuple[Transition, ...]

    @property
    def minutes_logged(self) -> int:
        return sum(e.minutes_spent for e in self.events)


@dataclass(frozen=True)
class OtherChange:
    """One change saved to a ticket after the version an editor loaded (by someone else,
    or by the same person elsewhere): who, when, and what, in a word."""

    who: str
    at: datetime
    field: str  # the event's field ("impact", "caller", "status"); "" for a note and the like
    what: str  # "Impact", "Status", "a note"


@dataclass(frozen=True)
class TicketNews:
    """A ticket as it stands now, with the changes saved since the version an editor shows."""

    detail: TicketDetail
    changes: tuple[OtherChange, ...]


_FIELD_KINDS = frozenset({EventKind.FIELD_CHANGED, EventKind.STATUS_CHANGED, EventKind.ASSIGNED})
# What other events are called in a notice: "Updated by Bob Tech at 10:05 (a note)".
_WHAT = {
    EventKind.CREATED: "the ticket's creation",
    EventKind.NOTE: "a note",
    EventKind.ESCALATED: "an escalation",
    EventKind.MANAGER_FLAGGED: "a flag to the manager",
    EventKind.REOPENED: "a reopening",
    EventKind.SLA_BREACHED: "an SLA breach",
    EventKind.PROBLEM_LINKED: "a link to a problem",
    EventKind.KNOWN_ERROR_USED: "a known error's workaround",
    EventKind.VENDOR_ESCALATED: "an escalation to a vendor",
    EventKind.VENDOR_RESPONDED: "the vendor's response",
}


def _what(kind: EventKind) -> str:
    return _WHAT.get(kind) or f"a “{kind.label.lower()}” event"


def describe_event(event: TicketEvent) -> str:
    """A one-line human description of an event for the timeline and conflict messages."""
    if event.kind in (EventKind.FIELD_CHANGED, EventKind.STATUS_CHANGED, EventKind.ASSIGNED):
        return f"{event.field}: {event.old_value or '—'} → {event.new_value or '—'}"
    if event.kind == EventKind.CREATED:
        return "created the ticket"
    if event.kind == EventKind.NOTE:
        return "added a note" + (f" ({event.minutes_spent} min)" if event.minutes_spent else "")
    if event.kind == EventKind.ESCALATED:  # functional: handed to another team
        return f"Escalated to {event.new_value}"
    if event.kind == EventKind.MANAGER_FLAGGED:  # hierarchical: the manager is asked to look
        return f"Flagged to manager: {event.new_value}"
    if event.kind == EventKind.PROBLEM_LINKED and not event.new_value:
        return f"Taken off problem {event.old_value}"
    return EventKind(event.kind).label + (f": {event.new_value}" if event.new_value else "")


def _staff_names(session: Session, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(wanted))).all()
    return {row[0]: row[1] for row in rows}


def _events_after(session: Session, ticket_id: uuid.UUID, version: int) -> list[TicketEvent]:
    return list(
        session.exec(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id, col(TicketEvent.ticket_version) > version)
            .order_by(col(TicketEvent.at), col(TicketEvent.kind))
        ).all()
    )


def changes_since(session: Session, ticket_id: uuid.UUID, version: int) -> list[ChangeSummary]:
    """What others changed after ``version``, for the optimistic-lock conflict message."""
    events = _events_after(session, ticket_id, version)
    names = _staff_names(session, {e.actor_id for e in events})
    return [
        ChangeSummary(
            who=names.get(e.actor_id, "System") if e.actor_id else "System",
            at=e.at.strftime("%Y-%m-%d %H:%M UTC"),
            what=describe_event(e),
        )
        for e in events
    ]


def changes_after(session: Session, ticket_id: uuid.UUID, version: int) -> tuple[OtherChange, ...]:
    """The changes saved after ``version``, in the order they were made: what an editor
    that loaded ``version`` has not seen (its merge and update notices name them)."""
    events = _events_after(session, ticket_id, version)
    names = _staff_names(session, {e.actor_id for e in events})
    return tuple(
        OtherChange(
            who=names.get(e.actor_id, "System") if e.actor_id else "System",
            at=e.at,
            field=e.field if e.kind in _FIELD_KINDS else "",
            what=e.field.capitalize() if e.kind in _FIELD_KINDS else _what(EventKind(e.kind)),
        )
        for e in events
    )


def load_detail(session: Session, ticket_id: uuid.UUID) -> TicketDetail:
    """Build the editor's view of a ticket inside an open session."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFoundError("That ticket no longer exists.")
    site = session.get(Site, ticket.site_id)
    assert site is not None
    asset = session.get(Asset, ticket.asset_id) if ticket.asset_id else None
    category = session.get(Category, ticket.category_id) if ticket.category_id else None
    caller = session.get(Caller, ticket.caller_id) if ticket.caller_id else None
    team = session.get(Team, ticket.team_id) if ticket.team_id else None
    events = session.exec(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket_id)
        .order_by(col(TicketEvent.at), col(TicketEvent.kind))
    ).all()
    names = _staff_names(session, {e.actor_id for e in events} | {ticket.assignee_id})
    return TicketDetail(
        id=ticket.id,
        number=ticket.number,
        version=ticket.version,
        summary=ticket.summary,
        description=ticket.description,
        status=TicketStatus(ticket.status),
        priority=Priority(ticket.priority),
        impact=ticket.impact,
        urgency=ticket.urgency,
        channel=Channel(ticket.channel),
        site_id=site.id,
        site_name=site.name,
        site_timezone=site.timezone,
        caller_id=ticket.caller_id,
        caller_name=caller.name if caller else "",
        asset_id=ticket.asset_id,
        asset_tag=asset.tag if asset else "",
        category_id=ticket.category_id,
        category_name=category.name if category else "",
        assignee_id=ticket.assignee_id,
        assignee_name=names.get(ticket.assignee_id, "") if ticket.assignee_id else "",
        team_id=ticket.team_id,
        team_name=team.name if team else "",
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        response_due_at=ticket.response_due_at,
        resolution_due_at=ticket.resolution_due_at,
        sla_due_at=ticket.sla_due_at,
        response_breached=ticket.response_breached,
        resolution_breached=ticket.resolution_breached,
        reopen_count=ticket.reopen_count,
        first_contact_resolution=ticket.first_contact_resolution,
        escalated=ticket.escalated,
        manager_flagged=ticket.manager_flagged,
        manager_flag_reason=ticket.manager_flag_reason,
        events=tuple(
            EventView(
                at=e.at,
                actor=names.get(e.actor_id, "System") if e.actor_id else "System",
                kind=EventKind(e.kind),
                text=describe_event(e),
                note=e.note,
                minutes_spent=e.minutes_spent,
            )
            for e in events
        ),
        transitions=allowed_transitions(TicketStatus(ticket.status)),
    )


def get_ticket(engine: Engine, ticket_id: uuid.UUID) -> TicketDetail:
    """The editor's view of one ticket."""
    with read_session(engine) as session:
        return load_detail(session, ticket_id)


def news_since(engine: Engine, ticket_id: uuid.UUID, version: int) -> TicketNews | None:
    """The ticket and what changed in it, if it moved past ``version``; None (after one
    read of its version by primary key) while it did not. An open editor asks every few
    seconds, so the usual answer costs next to nothing."""
    with read_session(engine) as session:
        current = session.exec(select(Ticket.version).where(col(Ticket.id) == ticket_id)).first()
        if current is None:
            raise NotFoundError("That ticket no longer exists.")
        if current == version:
            return None
        return TicketNews(
            load_detail(session, ticket_id), changes_after(session, ticket_id, version)
        )
