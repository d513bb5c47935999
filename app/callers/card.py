"""The caller card: everything an operator needs on screen while the caller says hello.

One read transaction with a handful of indexed queries (the caller, their phones, open
tickets, the last tickets, the last calls, their assets, the 30-day ticket count, and what
is down at their site now: :func:`app.maintenance.notices.read_notices`), so the
card is ready in a few milliseconds even with a million tickets: every ticket query walks
``ix_ticket_caller_created`` for this caller only, and every list is capped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, Engine, bindparam, func, select

from app.maintenance.notices import read_notices
from models.clock import utcnow
from models.engine import read_connection
from models.enums import AssetKind, Priority, TicketStatus
from models.org import Site, Staff
from models.people import Asset, Caller, CallerPhone
from models.tickets import Call, Ticket

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
    # What is down for them now: "Planned maintenance now at HQ: mail unavailable", "Major
    # incident at HQ: VPN down" (their site's, and every site's incidents).
    notices: tuple[str, ...] = ()

    @property
    def repeat_caller(self) -> bool:
        return self.recent_tickets >= REPEAT_TICKETS


# The statements are built once: SQLAlchemy then reuses their compiled form, and a card
# costs seven indexed SELECTs and little else.
_CALLERS = Caller.__table__.c  # type: ignore[attr-defined]
_PHONES = CallerPhone.__table__.c  # type: ignore[attr-defined]
_TICKETS = Ticket.__table__.c  # type: ignore[attr-defined]
_SITES = Site.__table__.c  # type: ignore[attr-defined]
_ASSETS = Asset.__table__.c  # type: ignore[attr-defined]
_CALLS = Call.__table__.c  # type: ignore[attr-defined]
_STAFF = Staff.__table__.c  # type: ignore[attr-defined]
_ID: BindParameter[uuid.UUID] = bindparam("caller_id")

_CALLER = (
    select(
        _CALLERS.id,
        _CALLERS.name,
        _CALLERS.email,
        _CALLERS.employee_id,
        _CALLERS.department,
        _CALLERS.site_id,
        _CALLERS.vip,
        _CALLERS.notes,
        _SITES.code,
        _SITES.name,
    )
    .select_from(Caller.__table__.outerjoin(Site.__table__, _SITES.id == _CALLERS.site_id))  # type: ignore[attr-defined]
    .where(_CALLERS.id == _ID)
)
_PHONE_LIST = (
    select(_PHONES.number, _PHONES.label)
    .where(_PHONES.caller_id == _ID)
    .order_by(_PHONES.label, _PHONES.number)
)
_MINE = select(
    _TICKETS.id,
    _TICKETS.number,
    _TICKETS.summary,
    _TICKETS.status,
    _TICKETS.priority,
    _TICKETS.created_at,
    _TICKETS.assignee_name,
    _TICKETS.sla_due_at,
).where(_TICKETS.caller_id == _ID)
_IS_OPEN = _TICKETS.status < int(TicketStatus.RESOLVED)
_OPEN = _MINE.where(_IS_OPEN).order_by(_TICKETS.priority, _TICKETS.created_at).limit(OPEN_LIMIT)
_OPEN_COUNT = select(func.count()).where(_TICKETS.caller_id == _ID, _IS_OPEN)
_LAST = _MINE.order_by(_TICKETS.created_at.desc()).limit(LAST_TICKETS)
_RECENT = select(func.count()).where(
    _TICKETS.caller_id == _ID, _TICKETS.created_at >= bindparam("since")
)
_ASSET_LIST = (
    select(_ASSETS.id, _ASSETS.tag, _ASSETS.kind, _ASSETS.model)
    .where(_ASSETS.owner_id == _ID)
    .order_by(_ASSETS.tag)
    .limit(ASSET_LIMIT)
)
_LINKED = Ticket.__table__.alias("linked")  # type: ignore[attr-defined]
_CALL_LIST = (
    select(_CALLS.started_at, _CALLS.ended_at, _CALLS.number, _STAFF.name, _LINKED.c.number)
    .select_from(
        Call.__table__.outerjoin(Staff.__table__, _STAFF.id == _CALLS.operator_id).outerjoin(  # type: ignore[attr-defined]
            _LINKED, _LINKED.c.id == _CALLS.ticket_id
        )
    )
    .where(_CALLS.caller_id == _ID)
    .order_by(_CALLS.started_at.desc())
    .limit(LAST_CALLS)
)


def _tickets(rows: Sequence[Any]) -> tuple[CardTicket, ...]:
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


def load_card(engine: Engine, caller_id: uuid.UUID, now: datetime | None = None) -> CallerCard:
    """The card of ``caller_id``; raises :class:`CallerNotFound` if the caller is gone."""
    now = now or utcnow()
    key = {"caller_id": caller_id}
    with read_connection(engine) as connection:
        row = connection.execute(_CALLER, key).first()
        if row is None:
            raise CallerNotFound(f"The caller {caller_id} no longer exists.")
        phones = connection.execute(_PHONE_LIST, key).all()
        open_tickets = _tickets(connection.execute(_OPEN, key).all())
        open_count = len(open_tickets)
        if open_count == OPEN_LIMIT:
            open_count = connection.execute(_OPEN_COUNT, key).scalar_one()
        last_tickets = _tickets(connection.execute(_LAST, key).all())
        since = now - timedelta(days=REPEAT_DAYS)
        recent = connection.execute(_RECENT, {**key, "since": since}).scalar_one()
        assets = connection.execute(_ASSET_LIST, key).all()
        calls = connection.execute(_CALL_LIST, key).all()
        site_id = row[5]
        down = tuple(
            n.card_text
            for n in read_notices(connection, now, site_id)
            if n.active and n.applies_to(site_id)
        )
    (_id, name, email, employee_id, department, site_id, vip, notes, site_code, site_name) = row
    return CallerCard(
        id=caller_id,
        name=name,
        email=email,
        employee_id=employee_id,
        department=department,
        site_id=site_id,
        site_label=f"{site_code} · {site_name}" if site_code else "",
        vip=bool(vip),
        notes=notes,
        phones=tuple(CardPhone(number, label) for number, label in phones),
        open_tickets=open_tickets,
        open_count=open_count,
        last_tickets=last_tickets,
        last_calls=tuple(CardCall(c[0], c[1], c[2], c[3] or "", c[4]) for c in calls),
        assets=tuple(CardAsset(a[0], a[1], AssetKind(a[2]), a[3]) for a in assets),
        recent_tickets=recent,
        notices=down,
    )
