"""Read side of a problem: plain dataclasses for the problem editor, built in one session.

Besides the problem's fields it gathers what the editor shows around them: the assets and
categories it affects, its incidents, how many of them came in each week (a small chart),
who called about it, and its history in words. The weeks run Monday to Sunday in UTC, from
the week the problem or its first incident began (at most the last :data:`WEEKS_SHOWN`) to
the week of ``now``, with the weeks without incidents as zeros, so the chart shows whether
they stopped after the fix.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app.errors import NotFoundError
from app.problems.records import describe_event, problem_reference, problem_transitions
from models.engine import read_session
from models.enums import Priority, ProblemStatus, TicketStatus
from models.org import Category, Site, Staff
from models.people import Asset
from models.problems import Problem, ProblemAsset, ProblemCategory, ProblemEvent
from models.tickets import Ticket

WEEKS_SHOWN = 26


@dataclass(frozen=True)
class AffectedAsset:
    id: uuid.UUID
    tag: str
    model: str


@dataclass(frozen=True)
class AffectedCategory:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Incident:
    """One incident linked to the problem, as its table shows it."""

    id: uuid.UUID
    number: str
    summary: str
    status: TicketStatus
    caller_name: str
    created_at: datetime
    site_code: str

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class WeekCount:
    """How many of the problem's incidents were created in the week from ``week`` (a
    Monday, UTC)."""

    week: date
    incidents: int


@dataclass(frozen=True)
class AffectedCaller:
    id: uuid.UUID
    name: str
    incidents: int


@dataclass(frozen=True)
class ProblemEventView:
    """One line of the problem's history."""

    at: datetime
    actor: str
    text: str
    note: str


@dataclass(frozen=True)
class ProblemDetail:
    """Everything the problem editor shows, detached from any session."""

    id: uuid.UUID
    number: int
    reference: str
    version: int
    title: str
    description: str
    status: ProblemStatus
    priority: Priority
    owner_id: uuid.UUID | None
    owner_name: str
    root_cause: str
    workaround: str
    permanent_fix: str
    target_date: date | None
    candidate_key: str | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    assets: tuple[AffectedAsset, ...]
    categories: tuple[AffectedCategory, ...]
    incidents: tuple[Incident, ...]  # newest first
    weekly: tuple[WeekCount, ...]  # oldest first
    callers: tuple[AffectedCaller, ...]  # most incidents first
    events: tuple[ProblemEventView, ...]  # oldest first; one save's by field name
    transitions: tuple[ProblemStatus, ...]  # the statuses it may move to

    @property
    def open_incidents(self) -> int:
        return sum(1 for i in self.incidents if i.status.is_open)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_counts(created: list[datetime], began: datetime, now: datetime) -> tuple[WeekCount, ...]:
    """Incidents created per week (Monday, UTC), from the week of ``began`` or of the first
    of ``created`` (whichever is earlier; at most :data:`WEEKS_SHOWN` weeks back) to the week
    of ``now``; incidents outside those weeks are left out."""
    last = _monday(now.date())
    first = _monday(min([began, *created]).date())
    first = max(first, last - timedelta(weeks=WEEKS_SHOWN - 1))
    counts = Counter(_monday(moment.date()) for moment in created)
    weeks = (last - first).days // 7 + 1
    return tuple(
        WeekCount(first + timedelta(weeks=n), counts[first + timedelta(weeks=n)])
        for n in range(max(weeks, 1))
    )


def _callers(incidents: list[tuple[uuid.UUID | None, str]]) -> tuple[AffectedCaller, ...]:
    """The callers of ``incidents`` (caller id, name; newest first), most incidents first;
    each by the name their newest incident gives."""
    counts = Counter(caller_id for caller_id, _name in incidents if caller_id is not None)
    names: dict[uuid.UUID, str] = {}
    for caller_id, name in incidents:
        if caller_id is not None:
            names.setdefault(caller_id, name)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]]))
    return tuple(AffectedCaller(caller_id, names[caller_id], n) for caller_id, n in ranked)


def load_problem_detail(session: Session, problem_id: uuid.UUID, now: datetime) -> ProblemDetail:
    """Build the editor's view of a problem inside an open session."""
    problem = session.get(Problem, problem_id)
    if problem is None:
        raise NotFoundError("That problem no longer exists.")
    assets = session.execute(
        select(col(Asset.id), col(Asset.tag), col(Asset.model))
        .join(ProblemAsset, col(ProblemAsset.asset_id) == col(Asset.id))
        .where(col(ProblemAsset.problem_id) == problem_id)
        .order_by(col(Asset.tag))
    ).all()
    categories = session.execute(
        select(col(Category.id), col(Category.name))
        .join(ProblemCategory, col(ProblemCategory.category_id) == col(Category.id))
        .where(col(ProblemCategory.problem_id) == problem_id)
        .order_by(col(Category.name))
    ).all()
    incidents = session.execute(
        select(
            *(
                col(column)
                for column in (
                    Ticket.id,
                    Ticket.number,
                    Ticket.summary,
                    Ticket.status,
                    Ticket.caller_id,
                    Ticket.caller_name,
                    Ticket.created_at,
                    Site.code,
                )
            )
        )
        .join(Site, col(Site.id) == col(Ticket.site_id))
        .where(col(Ticket.problem_id) == problem_id)
        .order_by(col(Ticket.created_at).desc(), col(Ticket.number).desc())
    ).all()
    events = session.scalars(
        select(ProblemEvent)
        .where(col(ProblemEvent.problem_id) == problem_id)
        .order_by(col(ProblemEvent.at), col(ProblemEvent.field))
    ).all()
    wanted = {e.actor_id for e in events if e.actor_id} | {problem.owner_id}
    names: dict[uuid.UUID | None, str] = dict(
        session.execute(
            select(col(Staff.id), col(Staff.name)).where(col(Staff.id).in_(wanted))
        ).all()
    )
    return ProblemDetail(
        id=problem.id,
        number=problem.number,
        reference=problem_reference(problem.number),
        version=problem.version,
        title=problem.title,
        description=problem.description,
        status=ProblemStatus(problem.status),
        priority=Priority(problem.priority),
        owner_id=problem.owner_id,
        owner_name=names.get(problem.owner_id, "") if problem.owner_id else "",
        root_cause=problem.root_cause,
        workaround=problem.workaround,
        permanent_fix=problem.permanent_fix,
        target_date=problem.target_date,
        candidate_key=problem.candidate_key,
        created_at=problem.created_at,
        updated_at=problem.updated_at,
        resolved_at=problem.resolved_at,
        closed_at=problem.closed_at,
        assets=tuple(AffectedAsset(i, tag, model) for i, tag, model in assets),
        categories=tuple(AffectedCategory(i, name) for i, name in categories),
        incidents=tuple(
            Incident(row[0], row[1], row[2], TicketStatus(row[3]), row[5], row[6], row[7])
            for row in incidents
        ),
        weekly=weekly_counts([row[6] for row in incidents], problem.created_at, now),
        callers=_callers([(row[4], row[5]) for row in incidents]),
        events=tuple(
            ProblemEventView(
                at=e.at,
                actor=names.get(e.actor_id, "System") if e.actor_id else "System",
                text=describe_event(e),
                note=e.note,
            )
            for e in events
        ),
        transitions=problem_transitions(ProblemStatus(problem.status)),
    )


def problem_detail(engine: Engine, problem_id: uuid.UUID, now: datetime) -> ProblemDetail:
    """The problem editor's view of one problem, its chart up to ``now``."""
    with read_session(engine) as session:
        return load_problem_detail(session, problem_id, now)
