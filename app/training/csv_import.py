"""Import completions from a CSV file: a learning-management system's (LMS) export.

As for callers and assets: the file is read by :mod:`app.csv_table` (encoding, delimiter,
header; garbage refused), :func:`suggest_mapping` maps its columns to what a completion needs
(a person may override any), :func:`plan_import` checks every row and says what would be
added, each problem on its line (that is the dry run: nothing is written), and
:func:`import_completions` writes the plan in ONE transaction: all of it or nothing (a year
of an LMS is thousands of rows, not millions). Rows with problems are skipped and counted,
or, with ``strict``, the whole file is refused.

A row names its person by user name, e-mail or full name (any case; a name two people share
is refused, never guessed), its course by name (any case), the day it was completed (as
:func:`app.csv_table.parse_day` reads dates: an ambiguous "03/04/2026" is refused),
a result (passed, failed, attended; "complete" and "completed" mean passed, as LMSs write a
pass; a file without a result column is a list of passes) and a certificate reference.

The same person, course and day is the same completion: a row naming one recorded already
adds nothing, so importing a file again adds nothing. Completions are recorded as the
importing manager's and count at once (:data:`Action.EDIT_TRAINING_LOG`), each pass
raising the skill its course teaches; the import writes one audit row (TRAINING_IMPORTED).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app import csv_table
from app.audit import record
from app.csv_table import RawRow, RawTable, RowError, parse_day
from app.errors import SwitchboardError
from app.org.sites import day_text
from app.permissions import Action, require
from app.training.completions import MAX_CERTIFICATE, new_completion, teaches, today_at
from app.training.skills import raise_skills
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.enums import CompletionResult
from models.org import Site, Staff
from models.training import Completion, Course


class TrainingField(StrEnum):
    """What a column of the file holds."""

    PERSON = "person"
    COURSE = "course"
    DATE = "date"
    RESULT = "result"
    CERTIFICATE = "certificate"
    IGNORE = "ignore"


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


# Column names LMS exports use, in groups from the surest: where several columns could give
# one field, the surest wins. For the person, a user name beats an e-mail, which beats a full
# name: the first names one person surely, the last may name two.
_ALIASES: dict[str, tuple[TrainingField, int]] = {
    _key(alias): (target, rank)
    for target, ranked in {
        TrainingField.PERSON: (
            ("username", "user name", "login", "user id", "userid", "account"),
            ("email", "e-mail", "email address", "user email", "learner email", "work email"),
            (
                "person",
                "name",
                "full name",
                "learner",
                "learner name",
                "user",
                "employee",
                "staff",
                "participant",
                "student",
                "attendee",
            ),
        ),
        TrainingField.COURSE: (
            ("course", "course name", "course title", "training", "training title"),
            ("title", "module", "activity", "programme", "program", "learning item"),
        ),
        TrainingField.DATE: (
            ("completed", "completed on", "completion date", "date completed", "passed on"),
            ("date", "completion", "finished", "finish date", "end date", "completed date"),
        ),
        TrainingField.RESULT: (("result", "outcome", "completion status", "status", "grade"),),
        TrainingField.CERTIFICATE: (
            ("certificate", "certificate number", "certificate no", "certificate id"),
            ("certificate ref", "certificate reference", "cert", "cert no", "credential id"),
            ("reference",),
        ),
    }.items()
    for rank, aliases in enumerate(ranked)
    for alias in aliases
}
_RESULT_WORDS: dict[str, CompletionResult] = {
    **dict.fromkeys(
        ("passed", "pass", "complete", "completed", "success"), CompletionResult.PASSED
    ),
    **dict.fromkeys(("failed", "fail", "not passed", "unsuccessful"), CompletionResult.FAILED),
    **dict.fromkeys(("attended", "attendance", "participated"), CompletionResult.ATTENDED),
}
_REQUIRED = (TrainingField.PERSON, TrainingField.COURSE, TrainingField.DATE)


def field_for(header: str) -> TrainingField:
    """The field a column of this name holds, or IGNORE."""
    return _ALIASES.get(_key(header), (TrainingField.IGNORE, 0))[0]


def _rank(header: str) -> int:
    return _ALIASES.get(_key(header), (TrainingField.IGNORE, 0))[1]


def _known_columns(cells: Sequence[str]) -> int:
    return sum(1 for cell in cells if field_for(cell) is not TrainingField.IGNORE)


def read_table(path: Path) -> RawTable:
    """Read an LMS export (see :mod:`app.csv_table`)."""
    return csv_table.read_table(path, _known_columns, "training export")


def suggest_mapping(headers: Sequence[str]) -> dict[str, TrainingField]:
    """Each column's field by its name. A field several columns could give comes from the
    best of them (a user name before an e-mail before a full name), else the first."""
    best: dict[TrainingField, str] = {}
    for header in headers:
        target = field_for(header)
        if target is TrainingField.IGNORE:
            continue
        if target not in best or _rank(header) < _rank(best[target]):
            best[target] = header
    chosen = {header: target for target, header in best.items()}
    return {header: chosen.get(header, TrainingField.IGNORE) for header in headers}


def mapping_problem(mapping: Mapping[str, TrainingField]) -> str:
    """Why ``mapping`` cannot be imported ("" when it can): a field given by two columns (the
    later would silently win), or no column giving the person, the course or the date."""
    targets = Counter(t for t in mapping.values() if t is not TrainingField.IGNORE)
    doubled = [target.value for target, columns in targets.items() if columns > 1]
    if doubled:
        return (
            f"Several columns are imported as {', '.join(doubled)}; each field can come from "
            "one column only."
        )
    missing = [target.value for target in _REQUIRED if target not in targets]
    if missing:
        return (
            f"No column gives the {' or the '.join(missing)}; every completion needs the "
            "person, the course and the day it was completed."
        )
    return ""


@dataclass(frozen=True)
class PlannedCompletion:
    """One row's completion, to be added."""

    line: int
    staff_id: uuid.UUID
    staff: str
    course_id: uuid.UUID
    course: str
    completed_on: date
    result: CompletionResult
    certificate: str


@dataclass
class TrainingPlan:
    """What importing the file would do."""

    adds: list[PlannedCompletion] = field(default_factory=list)
    recorded: int = 0  # rows naming a completion recorded already
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class TrainingImportResult:
    """What an import did."""

    added: int
    recorded: int  # already recorded: nothing added for them
    skipped: int
    errors: tuple[RowError, ...]
    skills_raised: int


class _Lookups:
    """Staff, courses and the completions recorded, read once per plan."""

    def __init__(self, session: Session) -> None:
        self.staff: dict[str, list[Staff]] = {}
        zones = {
            site: zone for site, zone in session.execute(select(col(Site.id), col(Site.timezone)))
        }
        self.zone: dict[uuid.UUID, str | None] = {}
        for person in session.execute(select(Staff)).scalars():
            for handle in {person.username, person.email or "", " ".join(person.name.split())}:
                if handle:
                    self.staff.setdefault(handle.casefold(), []).append(person)
            self.zone[person.id] = zones.get(person.home_site_id) if person.home_site_id else None
        self.courses = {
            " ".join(course.name.split()).casefold(): course
            for course in session.execute(select(Course)).scalars()
        }
        self.recorded = {
            (staff_id, course_id, day)
            for staff_id, course_id, day in session.execute(
                select(
                    col(Completion.staff_id),
                    col(Completion.course_id),
                    col(Completion.completed_on),
                )
            )
        }
        self._today: dict[str | None, date] = {}

    def today_for(self, staff_id: uuid.UUID) -> date:
        zone = self.zone[staff_id]
        if zone not in self._today:
            self._today[zone] = today_at(zone)
        return self._today[zone]


def _refuse_unusable(mapping: Mapping[str, TrainingField]) -> None:
    problem = mapping_problem(mapping)
    if problem:
        raise SwitchboardError(problem)


def plan_import(
    engine: Engine, table: RawTable, mapping: Mapping[str, TrainingField]
) -> TrainingPlan:
    """What importing ``table`` would do (the dry run); nothing is written."""
    _refuse_unusable(mapping)
    with read_session(engine) as session:
        return _plan(session, table, mapping)


def import_completions(
    engine: Engine,
    table: RawTable,
    mapping: Mapping[str, TrainingField],
    actor_id: uuid.UUID,
    *,
    strict: bool = False,
) -> TrainingImportResult:
    """Write the plan in one transaction (checked again inside it), as ``actor_id``."""
    _refuse_unusable(mapping)
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
        plan = _plan(session, table, mapping)
        if strict and plan.errors:
            raise SwitchboardError(
                f"{len(plan.errors):,} rows have problems, so nothing was imported (strict). "
                f"The first: {plan.errors[0]}"
            )
        courses = {c.id: c for c in session.execute(select(Course)).scalars()}
        # Each person's highest level of each skill the file teaches, raised all at once.
        levels: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
        for planned in plan.adds:
            course = courses[planned.course_id]
            completion = new_completion(
                course,
                planned.staff_id,
                planned.completed_on,
                planned.result,
                planned.certificate,
                actor_id,
                confirmed=True,
            )
            session.add(completion)
            taught = teaches(completion, course)
            if taught is not None:
                skill_id, level = taught
                key = (planned.staff_id, skill_id)
                levels[key] = max(level, levels.get(key, level))
        raised = len(raise_skills(session, levels))
        if plan.adds:
            record(
                session,
                actor_id,
                AuditKind.TRAINING_IMPORTED,
                f"Imported {table.path.name}: {len(plan.adds):,} completions added, "
                f"{plan.recorded:,} recorded already, {len(plan.errors):,} rows with problems "
                f"skipped; {raised:,} skills added or raised",
            )
    return TrainingImportResult(
        len(plan.adds), plan.recorded, len(plan.errors), tuple(plan.errors), raised
    )


def _plan(session: Session, table: RawTable, mapping: Mapping[str, TrainingField]) -> TrainingPlan:
    plan = TrainingPlan()
    lookups = _Lookups(session)
    seen: dict[tuple[uuid.UUID, uuid.UUID, date], int] = {}
    columns = [(index, mapping[header]) for index, header in enumerate(table.headers)]
    has_result = TrainingField.RESULT in mapping.values()
    for row in table.rows:
        if row.line in table.bad_lines:
            plan.errors.append(RowError(row.line, "holds bytes that are not text; fix the line"))
            continue
        problems, planned = _row(lookups, row.line, _cells(row, columns), has_result)
        if planned is not None:
            key = (planned.staff_id, planned.course_id, planned.completed_on)
            if key in seen:
                problems.append(f"the same completion as line {seen[key]}; keep one of the two")
            elif key in lookups.recorded:
                plan.recorded += 1
                continue
            seen.setdefault(key, row.line)
        if problems:
            plan.errors.append(RowError(row.line, "; ".join(problems)))
        elif planned is not None:
            plan.adds.append(planned)
    return plan


def _cells(row: RawRow, columns: list[tuple[int, TrainingField]]) -> dict[TrainingField, str]:
    cells: dict[TrainingField, str] = {}
    for index, target in columns:
        if target is not TrainingField.IGNORE and index < len(row.values):
            value = " ".join(row.values[index].split())
            if value:
                cells[target] = value
    return cells


def _row(
    lookups: _Lookups, line: int, cells: dict[TrainingField, str], has_result: bool
) -> tuple[list[str], PlannedCompletion | None]:
    """A row's problems, and its completion where the person, course and day are known."""
    problems: list[str] = []
    person = _person(lookups, cells.get(TrainingField.PERSON, ""), problems)
    course = _course(lookups, cells.get(TrainingField.COURSE, ""), problems)
    completed_on = _day(cells.get(TrainingField.DATE, ""), problems)
    if person is not None and completed_on is not None:
        today = lookups.today_for(person.id)
        if completed_on > today:
            problems.append(
                f"completed on {day_text(completed_on)}, after today ({day_text(today)}) "
                f"where {person.name} works"
            )
    result = _result(cells.get(TrainingField.RESULT, ""), has_result, problems)
    certificate = cells.get(TrainingField.CERTIFICATE, "")
    if len(certificate) > MAX_CERTIFICATE:
        problems.append(f"the certificate reference is longer than {MAX_CERTIFICATE} characters")
    if person is None or course is None or completed_on is None or result is None:
        return problems, None
    planned = PlannedCompletion(
        line, person.id, person.name, course.id, course.name, completed_on, result, certificate
    )
    return problems, planned


def _person(lookups: _Lookups, text: str, problems: list[str]) -> Staff | None:
    if not text:
        problems.append("no person; name them by user name, e-mail or full name")
        return None
    found = {person.id: person for person in lookups.staff.get(text.casefold(), [])}
    if not found:
        problems.append(f"no staff member has the user name, e-mail or name {text!r}")
        return None
    if len(found) > 1:
        problems.append(
            f"{len(found)} staff members are called {text}; name them by user name or e-mail"
        )
        return None
    (person,) = found.values()
    if not person.active:
        problems.append(f"{person.name} is deactivated; reactivate them on the Staff page first")
        return None
    return person


def _course(lookups: _Lookups, text: str, problems: list[str]) -> Course | None:
    if not text:
        problems.append("no course")
        return None
    course = lookups.courses.get(text.casefold())
    if course is None:
        problems.append(f"no course is called {text!r}; add it to the training log first")
        return None
    if course.retired:
        problems.append(f"{course.name} is retired; restore it first")
        return None
    return course


def _day(text: str, problems: list[str]) -> date | None:
    if not text:
        problems.append("no completion date")
        return None
    try:
        return parse_day(text)
    except (ValueError, OverflowError) as error:
        problems.append(f"date: {error}")
        return None


def _result(text: str, has_result: bool, problems: list[str]) -> CompletionResult | None:
    if not has_result:
        return CompletionResult.PASSED
    result = _RESULT_WORDS.get(text.lower())
    if result is None:
        problems.append(
            f"the result {text!r} is not known; write passed, failed or attended"
            if text
            else "no result; write passed, failed or attended"
        )
    return result
