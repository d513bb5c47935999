"""The problem list as SQL: the query object of the one paged table model.

:class:`ProblemQuery` has the shape ``ui.kit.paged_model.PagedQuery`` asks of a feature
(count, a page in a sort order, a change token), as the queue's ``QueueQuery`` does, so the
problem list is the same paged table with its own filter (:class:`ProblemFilter`), sort
(:class:`ProblemSort`) and rows (:class:`ProblemRow`). Every order ends with the unique
number, so it is total. Problems are few next to tickets (hundreds, a few thousand over
years), so plain ``LIMIT``/``OFFSET`` pages stay cheap and no page is read from the end;
each row's incident count is one look-up in ``ix_ticket_problem_id``.

The text matches a problem's number in any form ("PRB-000042", "prb42", "42") or, word by
word, its title (each word anywhere in it, any case).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from sqlalchemy import ColumnElement, Engine, and_, func, or_, select
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import col

from app.problems.records import problem_reference
from app.search_terms import like_pattern
from models.engine import read_connection
from models.enums import Priority, ProblemStatus
from models.org import Staff
from models.problems import Problem, ProblemEvent
from models.tickets import Ticket

OPEN_PROBLEM_STATUSES = frozenset(s for s in ProblemStatus if s.is_open)
_NUMBER = re.compile(r"^(?:PRB-?)?0*(\d{1,9})$", re.IGNORECASE)

OwnerChoice = Literal["anyone", "unowned"] | uuid.UUID


class ProblemColumn(Enum):
    """The orders the list sorts by; the value is the column's header."""

    NUMBER = "Number"
    PRIORITY = "Priority"
    STATUS = "Status"
    TARGET = "Target date"
    UPDATED = "Updated"


_SORT_KEYS: dict[ProblemColumn, Any] = {
    ProblemColumn.NUMBER: Problem.number,
    ProblemColumn.PRIORITY: Problem.priority,
    ProblemColumn.STATUS: Problem.status,
    ProblemColumn.TARGET: Problem.target_date,
    ProblemColumn.UPDATED: Problem.updated_at,
}


@dataclass(frozen=True)
class ProblemSort:
    column: ProblemColumn = ProblemColumn.NUMBER
    descending: bool = True  # newest first


@dataclass(frozen=True)
class ProblemFilter:
    """What the list shows. Empty sets mean "any"."""

    statuses: frozenset[ProblemStatus] = OPEN_PROBLEM_STATUSES
    priorities: frozenset[Priority] = frozenset()
    owner: OwnerChoice = "anyone"
    text: str = ""


@dataclass(frozen=True)
class ProblemRow:
    """One line of the problem list, plain data for the table model."""

    id: uuid.UUID
    number: int
    title: str
    status: ProblemStatus
    priority: Priority
    owner_name: str
    target_date: date | None
    updated_at: datetime
    incidents: int
    version: int

    @property
    def reference(self) -> str:
        return problem_reference(self.number)

    def overdue(self, today: date) -> bool:
        """Still open after its target date."""
        return self.status.is_open and self.target_date is not None and self.target_date < today


def _text_condition(value: str) -> ColumnElement[bool] | None:
    words = value.split()
    if not words:
        return None
    title = and_(*(col(Problem.title).ilike(f"%{like_pattern(w)}%", escape="\\") for w in words))
    number = _NUMBER.match(value.strip())
    return or_(col(Problem.number) == int(number.group(1)), title) if number else title


def problem_conditions(f: ProblemFilter) -> list[ColumnElement[bool]]:
    """The WHERE terms of ``f``, all on the problem table."""
    found: list[ColumnElement[bool]] = []
    if f.statuses and f.statuses != frozenset(ProblemStatus):
        found.append(col(Problem.status).in_(sorted(f.statuses)))
    if f.priorities:
        found.append(col(Problem.priority).in_(sorted(f.priorities)))
    if f.owner == "unowned":
        found.append(col(Problem.owner_id).is_(None))
    elif isinstance(f.owner, uuid.UUID):
        found.append(col(Problem.owner_id) == f.owner)
    matches = _text_condition(f.text)
    if matches is not None:
        found.append(matches)
    return found


def _order(sort: ProblemSort) -> list[UnaryExpression[Any]]:
    column = col(_SORT_KEYS[sort.column])
    key = (column.desc() if sort.descending else column.asc()).nulls_last()
    if sort.column is ProblemColumn.NUMBER:
        return [key]
    number = col(Problem.number)
    return [key, number.desc() if sort.descending else number.asc()]


_INCIDENTS = (
    select(func.count())
    .where(col(Ticket.problem_id) == col(Problem.id))
    .correlate(Problem)
    .scalar_subquery()
)
_ROW_COLUMNS: tuple[Any, ...] = (
    *(
        col(c)
        for c in (
            Problem.id,
            Problem.number,
            Problem.title,
            Problem.status,
            Problem.priority,
            Staff.name,
            Problem.target_date,
            Problem.updated_at,
        )
    ),
    _INCIDENTS,
    col(Problem.version),
)


def _row(values: Any) -> ProblemRow:
    (problem_id, number, title, status, priority, owner, target, updated, incidents, version) = (
        values
    )
    return ProblemRow(
        id=problem_id,
        number=number,
        title=title,
        status=ProblemStatus(status),
        priority=Priority(priority),
        owner_name=owner or "",
        target_date=target,
        updated_at=updated,
        incidents=int(incidents),
        version=version,
    )


class ProblemQuery:
    """Counts and pages of the problem list on one database (the paged table's query
    object, :class:`ui.kit.paged_model.PagedQuery`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(self, f: ProblemFilter, now: datetime | None = None) -> int:
        statement = select(func.count()).select_from(Problem).where(*problem_conditions(f))
        with read_connection(self.engine) as connection:
            return int(connection.execute(statement).scalar_one())

    def page(
        self,
        f: ProblemFilter,
        sort: ProblemSort,
        offset: int,
        limit: int,
        *,
        total: int | None = None,
        now: datetime | None = None,
    ) -> list[ProblemRow]:
        """Rows ``offset .. offset+limit`` of the result in ``sort``'s order."""
        statement = (
            select(*_ROW_COLUMNS)
            .select_from(Problem)
            .outerjoin(Staff, col(Staff.id) == col(Problem.owner_id))
            .where(*problem_conditions(f))
            .order_by(*_order(sort))
            .offset(max(0, offset))
            .limit(limit)
        )
        with read_connection(self.engine) as connection:
            return [_row(values) for values in connection.execute(statement)]

    @staticmethod
    def depends_on_now(f: ProblemFilter) -> bool:
        """No filter of the list changes with time (overdue is a colour, not a filter)."""
        return False

    def change_token(self) -> tuple[Any, ...]:
        """Moves whenever a problem changes or an incident is linked to one: every such
        change writes a problem event, and that table is insert-only."""
        with read_connection(self.engine) as connection:
            return tuple(
                connection.execute(
                    select(func.count(), func.max(col(ProblemEvent.at))).select_from(ProblemEvent)
                ).one()
            )
