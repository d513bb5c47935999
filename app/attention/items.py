"""The manager's attention list: what the escalation rules raised, and its acknowledgement.

An item stays on the list once acknowledged, as a record of who saw it and when; the list
shows the unacknowledged ones first, newest first, then the acknowledged ones, the most
recently acknowledged first. Both halves are ranges of the index on (acknowledged_at,
raised_at), so a list that has grown for years is read as fast as a new one.

Acknowledging is a manager's act (:attr:`Action.ACKNOWLEDGE_ATTENTION`); acknowledging an
item twice is refused with who acknowledged it and when, and changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Engine, func, select
from sqlmodel import col

from app.attention.rules import RuleKey
from app.errors import NotFoundError, ValidationError
from app.permissions import Action, require
from app.problems.records import problem_reference
from models.attention import AttentionItem
from models.engine import read_connection, write_session
from models.org import Staff
from models.problems import Problem
from models.tickets import Ticket


@dataclass(frozen=True)
class AttentionEntry:
    """One item of the list as the manager reads it."""

    id: uuid.UUID
    rule: str  # a :class:`RuleKey` value
    rule_label: str
    ticket_id: uuid.UUID | None
    problem_id: uuid.UUID | None
    reference: str  # the ticket's number or the problem's reference
    title: str  # the ticket's summary or the problem's title
    reason: str
    raised_at: datetime
    acknowledged_by: str  # "" until acknowledged
    acknowledged_at: datetime | None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


def _label(rule: str) -> str:
    """The rule's label; a rule this program does not know (added by a newer release
    sharing the database) by its key."""
    return RuleKey(rule).label if rule in RuleKey._value2member_map_ else rule


def _entries(
    connection: Connection, *where: ColumnElement[bool], newest: str, limit: int
) -> list[AttentionEntry]:
    """Up to ``limit`` items meeting ``where``, the newest by the column ``newest`` first.
    The items are chosen before their tickets and problems are joined, so a long list costs
    ``limit`` joins, not one per item."""
    items = AttentionItem.__table__  # type: ignore[attr-defined]
    ticket = Ticket.__table__  # type: ignore[attr-defined]
    problem = Problem.__table__  # type: ignore[attr-defined]
    staff = Staff.__table__  # type: ignore[attr-defined]
    chosen = select(items).where(*where).order_by(items.c[newest].desc()).limit(limit).subquery()
    statement = (
        select(
            chosen,
            ticket.c.number,
            ticket.c.summary,
            problem.c.number.label("problem_number"),
            problem.c.title,
            staff.c.name,
        )
        .select_from(chosen)
        .outerjoin(ticket, ticket.c.id == chosen.c.ticket_id)
        .outerjoin(problem, problem.c.id == chosen.c.problem_id)
        .outerjoin(staff, staff.c.id == chosen.c.acknowledged_by_id)
        .order_by(chosen.c[newest].desc())
    )
    return [
        AttentionEntry(
            id=row.id,
            rule=row.rule,
            rule_label=_label(row.rule),
            ticket_id=row.ticket_id,
            problem_id=row.problem_id,
            reference=row.number
            if row.ticket_id is not None
            else problem_reference(row.problem_number),
            title=row.summary if row.ticket_id is not None else row.title,
            reason=row.reason,
            raised_at=row.raised_at,
            acknowledged_by=row.name or "",
            acknowledged_at=row.acknowledged_at,
        )
        for row in connection.execute(statement)
    ]


_WAITING = col(AttentionItem.acknowledged_at).is_(None)


def attention_list(
    engine: Engine, *, include_acknowledged: bool = False, limit: int = 200
) -> list[AttentionEntry]:
    """Up to ``limit`` items: the unacknowledged ones, newest first; then, if
    ``include_acknowledged``, the acknowledged ones, most recently acknowledged first."""
    with read_connection(engine) as connection:
        waiting = _entries(connection, _WAITING, newest="raised_at", limit=limit)
        if not include_acknowledged or len(waiting) >= limit:
            return waiting
        seen = _entries(
            connection,
            col(AttentionItem.acknowledged_at).is_not(None),
            newest="acknowledged_at",
            limit=limit - len(waiting),
        )
    return waiting + seen


def unacknowledged_count(engine: Engine) -> int:
    """How many items wait for a manager (the tray's and the dashboard's badge)."""
    with read_connection(engine) as connection:
        found = connection.execute(select(func.count()).select_from(AttentionItem).where(_WAITING))
        return int(found.scalar_one())


def acknowledge(
    engine: Engine, item_id: uuid.UUID, actor_id: uuid.UUID, now: datetime
) -> AttentionEntry:
    """Record that ``actor_id`` saw the item at ``now``; refused if someone already did."""
    with write_session(engine) as session:
        require(session, actor_id, Action.ACKNOWLEDGE_ATTENTION)
        # Locked as it is read on PostgreSQL, so of two managers acknowledging at once the
        # second waits and is told of the first. (SQLite's write transactions are serial.)
        item = session.get(AttentionItem, item_id, with_for_update=True)
        if item is None:
            raise NotFoundError("That item is no longer on the attention list.")
        if item.acknowledged_at is not None:
            by = session.get(Staff, item.acknowledged_by_id) if item.acknowledged_by_id else None
            who = by.name if by is not None else "Someone"
            raise ValidationError(
                {
                    "item": f"{who} acknowledged it already, at "
                    f"{item.acknowledged_at:%Y-%m-%d %H:%M} UTC; nothing was changed."
                }
            )
        item.acknowledged_by_id = actor_id
        item.acknowledged_at = now
        session.add(item)
    with read_connection(engine) as connection:
        (entry,) = _entries(
            connection, col(AttentionItem.id) == item_id, newest="raised_at", limit=1
        )
        return entry
