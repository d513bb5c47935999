"""The caller card: everything an operator needs on screen while the caller says hello.

One read transaction with a handful of indexed queries (the caller, their phones, open
tickets, the last tickets, the last calls, their assets, the 30-day ticket count), so the
card is ready in a few milliseconds even with a million tickets: every ticket query walks
``ix_ticket_caller_created`` for this caller only, and every list is capped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from models.db import read_session
from models.enums import AssetKind, Priority, TicketStatus
from models.org import Site, Staff
from models.people import Asset, Caller, CallerPhone
from models.tickets import Call, Ticket
from models.types import utcnow

REPEAT_DAYS = 30
REPEAT_TICKETS = 3  # this many tickets in REPEAT_DAYS makes a "repeat caller"
OPEN_LIMIT = 20
LAST_TICKETS = 5
LAST_CALLS = 5
ASSET_LIMIT = 20


class CallerNotFound(LookupError):
    """The caller was deleted (or merged into another) since they were found."""


@dataclass(frozen=True)
class CardPhone:
    number: str
    label: str


@dataclass(frozen=True)
class CardTicket:
    """A ticket line on the card."""

    id: uuid.UUID
    number: str
    summary: str
    status: TicketStatus
    priority: Priority
    created_at: datetime
    assignee_name: str
    sla_due_at: datetime | None


@dataclass(frozen=True)
class CardCall:
    """A past call on the card; ``ended_at`` is None for a call still being recorded."""

    started_at: datetime
    ended_at: datetime | None
    number: str
    operator_name: str
    ticket_number: str | None


@dataclass(frozen=True)
class CardAsset:
    id: uuid.UUID
    tag: str
    kind: AssetKind
    model: str


@dataclass(frozen=True)
class CallerCard:
    """Plain data for the card widget; built by :func:`load_card`."""

    id: uuid.UUID
    name: str
    email: str | None
    employee_id: str | None
    department: str | None
    site_id: uuid.UUID | None
    site_label: str  # "HQ · Head office", or "" without a site
    vip: bool
    notes: str
    phones: tuple[CardPhone, ...]
    open_tickets: tuple[CardTicket, ...]  # most urgent first, at most OPEN_LIMIT
    open_count: int  # all open tickets, also past OPEN_LIMIT
    last_tickets: tuple[CardTicket, ...]  # newest first, any status
    last_calls: tuple[CardCall, ...]  # newest first
    assets: tuple[CardAsset, ...]
    recent_tickets: int  # tickets created in the last REPEAT_DAYS days

    @property
    def repeat_caller(self) -> bool:
        return self.recent_tickets >= REPEAT_TICKETS


_TICKET_COLUMNS = (
    col(Ticket.id),
    col(Ticket.number),
    col(Ticket.summary),
    col(Ticket.status),
    col(Ticket.priority),
    col(Ticket.created_at),
    col(Ticket.assignee_name),
    col(Ticket.sla_due_at),
)


def _tickets(session: Session, statement: object) -> tuple[CardTicket, ...]:
    rows = session.execute(statement).all()  # type: ignore[call-overload]
    return tuple(
        CardTicket(
            id=row[0],
            number=row[1],
            summary=row[2],
            status=TicketStatus(row[3]),
            priority=Priority(row[4]),
            created_at=row[5],
            assignee_name=row[6] or "",
            sla_due_at=row[7],
        )
        for row in rows
    )


def _calls(session: Session, caller_id: uuid.UUID) -> tuple[CardCall, ...]:
    linked = aliased(Ticket)
    rows = session.execute(
        select(
            col(Call.started_at),
            col(Call.ended_at),
            col(Call.number),
            col(Staff.name),
            col(linked.number),
        )
        .outerjoin(Staff, col(Staff.id) == col(Call.operator_id))
        .outerjoin(linked, col(linked.id) == col(Call.ticket_id))
        .where(col(Call.caller_id) == caller_id)
        .order_by(col(Call.started_at).desc())
        .limit(LAST_CALLS)
    ).all()
    return tuple(CardCall(r[0], r[1], r[2], r[3] or "", r[4]) for r in rows)


def load_card(engine: Engine, caller_id: uuid.UUID, now: datetime | None = None) -> CallerCard:
    """The card of ``caller_id``; raises :class:`CallerNotFound` if the caller is gone."""
    now = now or utcnow()
    with read_session(engine) as session:
        row = session.execute(
            select(Caller, col(Site.code), col(Site.name))
            .outerjoin(Site, col(Site.id) == col(Caller.site_id))
            .where(col(Caller.id) == caller_id)
        ).first()
        if row is None:
            raise CallerNotFound(f"The caller {caller_id} no longer exists.")
        caller, site_code, site_name = row
        phones = session.execute(
            select(col(CallerPhone.number), col(CallerPhone.label))
            .where(col(CallerPhone.caller_id) == caller_id)
            .order_by(col(CallerPhone.label), col(CallerPhone.number))
        ).all()
        mine = select(*_TICKET_COLUMNS).where(col(Ticket.caller_id) == caller_id)
        is_open = col(Ticket.status) < TicketStatus.RESOLVED
        open_tickets = _tickets(
            session,
            mine.where(is_open)
            .order_by(col(Ticket.priority), col(Ticket.created_at))
            .limit(OPEN_LIMIT),
        )
        open_count = len(open_tickets)
        if open_count == OPEN_LIMIT:
            open_count = session.execute(
                select(func.count()).where(col(Ticket.caller_id) == caller_id, is_open)
            ).scalar_one()
        last_tickets = _tickets(
            session, mine.order_by(col(Ticket.created_at).desc()).limit(LAST_TICKETS)
        )
        recent = session.execute(
            select(func.count()).where(
                col(Ticket.caller_id) == caller_id,
                col(Ticket.created_at) >= now - timedelta(days=REPEAT_DAYS),
            )
        ).scalar_one()
        assets = session.execute(
            select(col(Asset.id), col(Asset.tag), col(Asset.kind), col(Asset.model))
            .where(col(Asset.owner_id) == caller_id)
            .order_by(col(Asset.tag))
            .limit(ASSET_LIMIT)
        ).all()
        return CallerCard(
            id=caller.id,
            name=caller.name,
            email=caller.email,
            employee_id=caller.employee_id,
            department=caller.department,
            site_id=caller.site_id,
            site_label=f"{site_code} · {site_name}" if site_code else "",
            vip=caller.vip,
            notes=caller.notes,
            phones=tuple(CardPhone(number, label) for number, label in phones),
            open_tickets=open_tickets,
            open_count=open_count,
            last_tickets=last_tickets,
            last_calls=_calls(session, caller_id),
            assets=tuple(CardAsset(a[0], a[1], AssetKind(a[2]), a[3]) for a in assets),
            recent_tickets=recent,
        )
