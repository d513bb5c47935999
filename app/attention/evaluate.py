"""Evaluating the management escalation rules: what each enabled rule raises now that is
not on the manager's attention list yet, and adding it there once.

**Who runs it.** Every running Switchboard, whoever is signed in (issue 15): the list must
fill while no manager is at a desk, so no single workstation can be its keeper. An item is
not a person's act but a fact read off tickets and problems every role may read, so
:func:`evaluate` names no actor and checks no permission; the shared server grants every role
INSERT on the items for the same reason (app/server_rules.py). Acknowledging one, which is a
person's act, is checked (app/attention/items.py).

**Once, whoever is first.** An item is unique per rule and subject in the database, and it
is added with INSERT ... ON CONFLICT DO NOTHING on that pair, in a write transaction of its
own after the rules were read without one (:func:`find_new`, then :func:`record`): ten
workstations evaluating at once never add an item twice and never fail, and each learns
which items it really added (RETURNING), so exactly one of them notifies. Reading outside the
write transaction keeps SQLite's write lock for the insert alone, never for the rules' reads.

**Cost.** Each rule reads a range of an index, never the ticket history of a
million-ticket database: open tickets through the partial indexes over them
(``OPEN_CONDITION``), reopenings through the events of one kind in the last
:data:`LOOKBACK`, open problems through their status. What is already on the list is left
out in the same query, each candidate a probe of the unique (rule, subject) index, so an
evaluation that finds nothing new reads no item and writes nothing.

**What counts.** A breach is a breach whether or not anyone noticed it: an open ticket whose
running deadline has passed counts as much as one whose late response or resolution was
recorded (a reopened ticket resolved late). Resolved tickets do not: the list is for what a
manager can still act on, not the history. A reopening counts if it happened in the last
:data:`LOOKBACK` and the caller is a VIP. A problem is past its target date once that date is
over on the UTC calendar: a problem spans sites, and every workstation must agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, Engine, exists, or_, select, text
from sqlmodel import col

from app.attention.rules import RuleKey, RuleSetting, current_rules, insert_for
from app.org.sla_policies import minutes_text
from app.problems.records import problem_reference
from models.attention import AttentionItem
from models.engine import read_connection, write_session
from models.enums import EventKind, Priority, ProblemStatus
from models.org import Site, Staff
from models.people import Caller
from models.problems import Problem
from models.tickets import OPEN_CONDITION, Ticket, TicketEvent
from models.types import new_id

# How far back reopenings are looked for: an evaluation after a long weekend with every
# workstation off still sees Friday's, and the events read stay a few days' worth.
LOOKBACK = timedelta(days=7)

# Written out literally, as the partial indexes over open tickets are, so the planner can
# prove they apply (a bound parameter would not match their condition).
_OPEN = text(OPEN_CONDITION)


@dataclass(frozen=True)
class NewItem:
    """An item a rule raises: a ticket or a problem, why, and when it was raised."""

    id: uuid.UUID
    rule: RuleKey
    ticket_id: uuid.UUID | None
    problem_id: uuid.UUID | None
    reference: str  # the ticket's number or the problem's reference
    title: str  # the ticket's summary or the problem's title
    reason: str
    raised_at: datetime

    @property
    def subject_id(self) -> uuid.UUID:
        subject = self.ticket_id or self.problem_id
        assert subject is not None
        return subject


def _not_listed(rule: RuleKey, subject: Any) -> ColumnElement[bool]:
    """The subject is not on the list for ``rule`` yet: one probe of the unique index."""
    return ~exists().where(
        col(AttentionItem.rule) == rule.value, col(AttentionItem.subject_id) == subject
    )


def _at(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """``moment`` in the site's local time, with its date unless it is the site's today."""
    local = moment.astimezone(zone)
    same_day = local.date() == now.astimezone(zone).date()
    return f"{local:%H:%M}" if same_day else f"{local:%Y-%m-%d %H:%M}"


class _Finder:
    """The rules' queries on one connection, at one moment."""

    def __init__(self, connection: Connection, now: datetime) -> None:
        self.connection = connection
        self.now = now

    def _item(
        self,
        rule: RuleKey,
        reference: str,
        title: str,
        reason: str,
        *,
        ticket_id: uuid.UUID | None = None,
        problem_id: uuid.UUID | None = None,
    ) -> NewItem:
        return NewItem(new_id(), rule, ticket_id, problem_id, reference, title, reason, self.now)

    def p1_open(self, setting: RuleSetting) -> Iterable[NewItem]:
        assert setting.minutes is not None
        rule, now = setting.key, self.now
        rows = self.connection.execute(
            select(
                col(Ticket.id), col(Ticket.number), col(Ticket.summary), col(Ticket.created_at)
            ).where(
                _OPEN,
                col(Ticket.priority) == Priority.CRITICAL,
                col(Ticket.created_at) < now - timedelta(minutes=setting.minutes),
                _not_listed(rule, col(Ticket.id)),
            )
        )
        for ticket_id, number, summary, created in rows:
            minutes = int((now - created).total_seconds() // 60)
            open_for = f"{minutes} minutes" if minutes < 60 else minutes_text(minutes)
            yield self._item(rule, number, summary, f"P1 open for {open_for}", ticket_id=ticket_id)

    def sla_breach(self, setting: RuleSetting) -> Iterable[NewItem]:
        rule, now = setting.key, self.now
        zones = {
            site: ZoneInfo(zone)
            for site, zone in self.connection.execute(select(col(Site.id), col(Site.timezone)))
        }
        due = col(Ticket.sla_due_at)
        rows = self.connection.execute(
            select(
                col(Ticket.id),
                col(Ticket.number),
                col(Ticket.summary),
                col(Ticket.site_id),
                col(Ticket.first_response_at),
                col(Ticket.response_due_at),
                col(Ticket.resolution_due_at),
                due,
                col(Ticket.resolution_breached),
            ).where(
                _OPEN,
                or_(
                    due < now,
                    col(Ticket.response_breached),
                    col(Ticket.resolution_breached),
                ),
                _not_listed(rule, col(Ticket.id)),
            )
        )
        for row in rows:
            # The running deadline is the response's until the first response, then the
            # resolution's; a late resolution recorded stays missed when the ticket reopens.
            if row.resolution_breached:
                which, due = "Resolution", row.resolution_due_at
            elif row.sla_due_at is not None and row.sla_due_at < now:
                which = "Response" if row.first_response_at is None else "Resolution"
                due = row.sla_due_at
            else:
                which, due = "Response", row.response_due_at
            # The columns allow a breach flag without its time: the target is named alone.
            at = f" at {_at(due, zones[row.site_id], now)}" if due is not None else ""
            yield self._item(
                rule, row.number, row.summary, f"{which} target missed{at}", ticket_id=row.id
            )

    def vip_reopened(self, setting: RuleSetting) -> Iterable[NewItem]:
        rule = setting.key
        event = col(TicketEvent.ticket_id)
        rows = self.connection.execute(
            select(
                event,
                col(Ticket.number),
                col(Ticket.summary),
                col(Staff.name),
                col(Caller.name),
            )
            .select_from(TicketEvent)
            .join(Ticket, col(Ticket.id) == event)
            .join(Caller, col(Caller.id) == col(Ticket.caller_id))
            .outerjoin(Staff, col(Staff.id) == col(TicketEvent.actor_id))
            .where(
                col(TicketEvent.kind) == EventKind.REOPENED,
                col(TicketEvent.at) >= self.now - LOOKBACK,
                col(Caller.vip),
                _not_listed(rule, event),
            )
            .order_by(col(TicketEvent.at).desc())
        )
        seen: set[uuid.UUID] = set()
        for ticket_id, number, summary, actor, caller in rows:
            if ticket_id in seen:  # reopened again since: the latest says it
                continue
            seen.add(ticket_id)
            by = f" by {actor}" if actor else ""
            reason = f"Reopened{by}; caller {caller} is a VIP"
            yield self._item(rule, number, summary, reason, ticket_id=ticket_id)

    def problem_overdue(self, setting: RuleSetting) -> Iterable[NewItem]:
        rule, today = setting.key, self.now.astimezone(UTC).date()
        rows = self.connection.execute(
            select(
                col(Problem.id), col(Problem.number), col(Problem.title), col(Problem.target_date)
            ).where(
                col(Problem.status) < ProblemStatus.RESOLVED,
                col(Problem.target_date) < today,
                _not_listed(rule, col(Problem.id)),
            )
        )
        for row in rows:
            reference, days = problem_reference(row.number), (today - row.target_date).days
            late = f"{days} day{'s' if days != 1 else ''}"
            reason = f"{late} past its target date {row.target_date:%Y-%m-%d}"
            yield self._item(rule, reference, row.title, reason, problem_id=row.id)


_RULES: dict[RuleKey, Callable[[_Finder, RuleSetting], Iterable[NewItem]]] = {
    RuleKey.P1_OPEN: _Finder.p1_open,
    RuleKey.SLA_BREACH: _Finder.sla_breach,
    RuleKey.VIP_REOPENED: _Finder.vip_reopened,
    RuleKey.PROBLEM_OVERDUE: _Finder.problem_overdue,
}


def find_new(engine: Engine, now: datetime) -> list[NewItem]:
    """What every enabled rule raises at ``now`` that is not on the list yet; read without
    a write lock, nothing written."""
    settings = [s for s in current_rules(engine) if s.enabled]
    with read_connection(engine) as connection:
        finder = _Finder(connection, now)
        return [item for s in settings for item in _RULES[s.key](finder, s)]


def record(engine: Engine, items: Sequence[NewItem]) -> list[NewItem]:
    """Add ``items`` to the list, leaving out any another workstation added meanwhile;
    returns those this call really added."""
    if not items:
        return []
    table = AttentionItem.__table__  # type: ignore[attr-defined]
    rows = [
        {
            "id": item.id,
            "rule": item.rule.value,
            "subject_id": item.subject_id,
            "ticket_id": item.ticket_id,
            "problem_id": item.problem_id,
            "reason": item.reason,
            "raised_at": item.raised_at,
        }
        for item in items
    ]
    with write_session(engine) as session:
        insert = insert_for(session.get_bind().dialect.name)
        statement = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["rule", "subject_id"])
            .returning(table.c.id)
        )
        added = set(session.execute(statement, rows).scalars())
    return [item for item in items if item.id in added]


def evaluate(engine: Engine, now: datetime) -> list[NewItem]:
    """Run every enabled rule at ``now`` and add what they raise to the manager's attention
    list; returns only the items this call added, for the caller to notify of once. Needs
    no permission (see the module docstring)."""
    return record(engine, find_new(engine, now))
