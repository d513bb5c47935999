"""The training matrix: active staff against the courses required of them, with where each
person stands; and the two lists a manager works from, certifications expiring soon and
people missing a required course.

A course is required of a person when it is required of their role or of a team they are in
(their home team or any other); retired courses are required of nobody. What counts is each
person's latest confirmed pass of the course (a completion waiting for a manager, a fail or
an attendance do not), and its stored expiry, the last day it is valid:

- VALID: held, and not expiring within :data:`SOON_DAYS`;
- EXPIRING: held, and its last valid day is within :data:`SOON_DAYS` from today;
- EXPIRED: held once, ran out before today;
- MISSING: required and never passed;
- NOT_REQUIRED: the course is a column because others must hold it (the cell still shows
  the person's pass, if any).

The matrix is built from three queries whatever its size (staff with their teams, the
requirements, each person's latest pass of each course), never a query per cell: 200 staff
by 40 courses with years of completions builds in tens of milliseconds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from models.clock import utcnow
from models.engine import read_connection
from models.enums import CompletionResult, StaffRole
from models.org import Staff, TeamMember
from models.training import Completion, Course, CourseRequirement

SOON_DAYS = 60  # a certification running out within this many days is "expiring"


class CellState(Enum):
    """Where a person stands with one course; the value is the word for it."""

    VALID = "valid"
    EXPIRING = "expiring soon"
    EXPIRED = "expired"
    MISSING = "missing"
    NOT_REQUIRED = "not required"

    @property
    def symbol(self) -> str:
        """A mark that tells the states apart without colour (print, colour blindness)."""
        return _SYMBOLS[self]

    @property
    def counts_as_held(self) -> bool:
        """The person holds a valid certification (expiring soon is still valid)."""
        return self in (CellState.VALID, CellState.EXPIRING)


_SYMBOLS = {
    CellState.VALID: "✓",
    CellState.EXPIRING: "!",
    CellState.EXPIRED: "✗",
    CellState.MISSING: "○",
    CellState.NOT_REQUIRED: "",
}


@dataclass(frozen=True)
class Cell:
    """One person and one course: the state, and their latest confirmed pass (if any)."""

    state: CellState
    completed_on: date | None = None
    expires_on: date | None = None  # the last valid day; None: never expires, or no pass


@dataclass(frozen=True)
class MatrixCourse:
    """A column: a course required of at least one person shown."""

    id: uuid.UUID
    name: str
    validity_months: int | None


@dataclass(frozen=True)
class MatrixRow:
    """A row: an active staff member and a cell per column, in the columns' order."""

    staff_id: uuid.UUID
    name: str
    role: StaffRole
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class TrainingMatrix:
    """The matrix on ``today``: courses (by name) as columns, staff (by name) as rows."""

    today: date
    courses: tuple[MatrixCourse, ...]
    rows: tuple[MatrixRow, ...]

    @property
    def compliance(self) -> tuple[int, int]:
        """(required certifications held valid, required certifications): the monthly
        report's training compliance, for the people shown."""
        required = [
            c for row in self.rows for c in row.cells if c.state is not CellState.NOT_REQUIRED
        ]
        return sum(1 for c in required if c.state.counts_as_held), len(required)


@dataclass(frozen=True)
class Expiring:
    """A certification running out soon."""

    staff_id: uuid.UUID
    staff: str
    course_id: uuid.UUID
    course: str
    completed_on: date
    expires_on: date  # the last valid day
    days_left: int  # 0: its last day is today


@dataclass(frozen=True)
class Missing:
    """A required course a person does not hold: never passed, or expired."""

    staff_id: uuid.UUID
    staff: str
    course_id: uuid.UUID
    course: str
    state: CellState  # MISSING or EXPIRED
    expired_on: date | None  # the last valid day of an expired one


_MISSING = Cell(CellState.MISSING)
_NOT_REQUIRED = Cell(CellState.NOT_REQUIRED)


def _held(required: bool, expires_on: date | None, today: date) -> CellState:
    """Where someone who passed a course stands with it; ``expires_on`` is the last valid
    day of their latest pass."""
    if not required:
        return CellState.NOT_REQUIRED
    if expires_on is None:
        return CellState.VALID
    if expires_on < today:
        return CellState.EXPIRED
    soon = expires_on <= today + timedelta(days=SOON_DAYS)
    return CellState.EXPIRING if soon else CellState.VALID


def training_matrix(
    engine: Engine,
    today: date | None = None,
    team_id: uuid.UUID | None = None,
    role: StaffRole | None = None,
) -> TrainingMatrix:
    """Active staff (those in ``team_id``, of ``role``, if given) against the courses
    required of any of them, on ``today`` (default: today at this workstation)."""
    today = today or _today()
    shown = _staff_filter(team_id, role)
    with read_connection(engine) as connection:
        people = _people(connection, shown)
        required = _requirements(connection)
        courses = {
            course_id
            for staff_role, teams, _ in people.values()
            for course_id in required.of(staff_role, teams)
        }
        latest = _latest(
            connection, course_ids=courses, staff_ids=select(col(Staff.id)).where(*shown)
        )
    columns = tuple(sorted((required.courses[c] for c in courses), key=lambda c: c.name.lower()))
    rows = []
    for staff_id, (staff_role, teams, name) in people.items():
        mine = required.of(staff_role, teams)
        passes = latest.get(staff_id, {})
        cells = []
        for course in columns:
            passed = passes.get(course.id)
            if passed is None:
                cells.append(_MISSING if course.id in mine else _NOT_REQUIRED)
                continue
            cells.append(Cell(_held(course.id in mine, passed[1], today), *passed))
        rows.append(MatrixRow(staff_id, name, staff_role, tuple(cells)))
    return TrainingMatrix(today, columns, tuple(rows))


def missing_required(engine: Engine, today: date | None = None) -> list[Missing]:
    """Every active person's required courses they do not hold (never passed, or expired),
    by person then course."""
    matrix = training_matrix(engine, today)
    return [
        Missing(
            row.staff_id,
            row.name,
            course.id,
            course.name,
            cell.state,
            cell.expires_on if cell.state is CellState.EXPIRED else None,
        )
        for row in matrix.rows
        for course, cell in zip(matrix.courses, row.cells, strict=True)
        if cell.state in (CellState.MISSING, CellState.EXPIRED)
    ]


def expiring_soon(
    engine: Engine, days: int = SOON_DAYS, today: date | None = None
) -> list[Expiring]:
    """Active people's certifications (their latest confirmed pass of a current course)
    whose last valid day is between today and ``days`` from now, the soonest first."""
    today = today or _today()
    later = aliased(Completion)
    renewed = select(col(later.id)).where(
        col(later.staff_id) == col(Completion.staff_id),
        col(later.course_id) == col(Completion.course_id),
        col(later.completed_on) > col(Completion.completed_on),
        *_confirmed_pass(later),
    )
    query = (
        select(
            col(Completion.staff_id),
            col(Staff.name),
            col(Completion.course_id),
            col(Course.name),
            col(Completion.completed_on),
            col(Completion.expires_on),
        )
        .join(Staff, col(Staff.id) == col(Completion.staff_id))
        .join(Course, col(Course.id) == col(Completion.course_id))
        .where(
            *_confirmed_pass(Completion),
            col(Completion.expires_on) >= today,
            col(Completion.expires_on) <= today + timedelta(days=days),
            ~exists(renewed),
            col(Staff.active),
            col(Course.retired).is_(False),
        )
        .order_by(col(Completion.expires_on), func.lower(Staff.name), func.lower(Course.name))
    )
    with read_connection(engine) as connection:
        found: list[Any] = list(connection.execute(query))  # expires_on is never None here
    return [
        Expiring(
            staff_id, staff, course_id, course, completed_on, expires_on, (expires_on - today).days
        )
        for staff_id, staff, course_id, course, completed_on, expires_on in found
    ]


def _today() -> date:
    return utcnow().astimezone().date()


def _staff_filter(team_id: uuid.UUID | None, role: StaffRole | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Staff.active).is_(True)]
    if role is not None:
        conditions.append(col(Staff.role) == role)
    if team_id is not None:
        members = select(col(TeamMember.staff_id)).where(col(TeamMember.team_id) == team_id)
        conditions.append(or_(col(Staff.team_id) == team_id, col(Staff.id).in_(members)))
    return conditions


def _people(
    connection: Connection, shown: list[ColumnElement[bool]]
) -> dict[uuid.UUID, tuple[StaffRole, set[uuid.UUID], str]]:
    """The staff shown, by name: their role, every team they are in, their name."""
    found = connection.execute(
        select(
            col(Staff.id),
            col(Staff.name),
            col(Staff.role),
            col(Staff.team_id),
            col(TeamMember.team_id),
        )
        .outerjoin(TeamMember, col(TeamMember.staff_id) == col(Staff.id))
        .where(*shown)
        .order_by(func.lower(Staff.name), col(Staff.id))
    )
    people: dict[uuid.UUID, tuple[StaffRole, set[uuid.UUID], str]] = {}
    for staff_id, name, staff_role, home_team, team in found:
        _, teams, _ = people.setdefault(staff_id, (staff_role, set(), name))
        teams.update(t for t in (home_team, team) if t is not None)
    return people


@dataclass(frozen=True)
class _Requirements:
    courses: dict[uuid.UUID, MatrixCourse]
    by_role: dict[StaffRole, set[uuid.UUID]]
    by_team: dict[uuid.UUID, set[uuid.UUID]]

    def of(self, role: StaffRole, teams: set[uuid.UUID]) -> set[uuid.UUID]:
        """The courses required of someone in ``role`` and ``teams``."""
        mine = set(self.by_role.get(role, ()))
        for team in teams:
            mine |= self.by_team.get(team, set())
        return mine


def _requirements(connection: Connection) -> _Requirements:
    found = connection.execute(
        select(
            col(Course.id),
            col(Course.name),
            col(Course.validity_months),
            col(CourseRequirement.role),
            col(CourseRequirement.team_id),
        )
        .join(Course, col(Course.id) == col(CourseRequirement.course_id))
        .where(col(Course.retired).is_(False))
    )
    result = _Requirements({}, {}, {})
    for course_id, name, validity, role, team_id in found:
        result.courses[course_id] = MatrixCourse(course_id, name, validity)
        if role is not None:
            result.by_role.setdefault(role, set()).add(course_id)
        if team_id is not None:
            result.by_team.setdefault(team_id, set()).add(course_id)
    return result


def _confirmed_pass(completion: type[Completion]) -> tuple[ColumnElement[bool], ...]:
    """The conditions of a completion that certifies: passed, and confirmed."""
    return (
        col(completion.result) == CompletionResult.PASSED,
        col(completion.confirmed_by).is_not(None),
    )


def _latest(
    connection: Connection, *, course_ids: set[uuid.UUID], staff_ids: Select[Any]
) -> dict[uuid.UUID, dict[uuid.UUID, tuple[date, date | None]]]:
    """Each person's latest confirmed pass of each course, by person and course: (completed
    on, expires on)."""
    if not course_ids:
        return {}
    latest_first = (col(Completion.completed_on).desc(), col(Completion.recorded_at).desc())
    ranked = (
        select(
            col(Completion.staff_id),
            col(Completion.course_id),
            col(Completion.completed_on),
            col(Completion.expires_on),
            func.row_number()
            .over(
                partition_by=(col(Completion.staff_id), col(Completion.course_id)),
                order_by=latest_first,
            )
            .label("n"),
        )
        .where(
            *_confirmed_pass(Completion),
            col(Completion.course_id).in_(list(course_ids)),
            col(Completion.staff_id).in_(staff_ids),
        )
        .subquery()
    )
    found = connection.execute(
        select(
            ranked.c.staff_id, ranked.c.course_id, ranked.c.completed_on, ranked.c.expires_on
        ).where(ranked.c.n == 1)
    )
    latest: dict[uuid.UUID, dict[uuid.UUID, tuple[date, date | None]]] = {}
    for staff_id, course_id, done, expires in found:
        latest.setdefault(staff_id, {})[course_id] = (done, expires)
    return latest
