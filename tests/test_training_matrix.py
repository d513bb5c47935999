"""The training matrix, the certifications expiring soon and the people missing a required
course (app/training/matrix.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine

from app.org.teams import set_members
from app.staff import deactivate
from app.training.completions import confirm_completion, record_completion
from app.training.courses import CourseDraft, retire_course, save_course
from app.training.matrix import (
    Cell,
    CellState,
    TrainingMatrix,
    expiring_soon,
    missing_required,
    training_matrix,
)
from models.enums import CompletionResult, StaffRole
from tests.conftest import Org

TODAY = date(2026, 11, 24)
PASSED = CompletionResult.PASSED
VALID, EXPIRING, EXPIRED = CellState.VALID, CellState.EXPIRING, CellState.EXPIRED
MISSING, NOT_REQUIRED = CellState.MISSING, CellState.NOT_REQUIRED


@dataclass(frozen=True)
class Courses:
    desk: uuid.UUID  # required of operators, valid 12 months
    network: uuid.UUID  # required of the network team, never expires
    optional: uuid.UUID  # required of nobody


@pytest.fixture
def courses(engine: Engine, org: Org) -> Courses:
    return Courses(
        save_course(
            engine,
            org.mia,
            CourseDraft("Desk basics", validity_months=12, required_roles={StaffRole.OPERATOR}),
        ),
        save_course(engine, org.mia, CourseDraft("Cabling", required_team_ids={org.network})),
        save_course(engine, org.mia, CourseDraft("Excel tips", validity_months=12)),
    )


def _passed(engine: Engine, org: Org, staff: uuid.UUID, course: uuid.UUID, on: date) -> None:
    record_completion(engine, org.mia, staff, course, on, PASSED)


def _grid(matrix: TrainingMatrix) -> dict[str, list[CellState]]:
    return {row.name: [cell.state for cell in row.cells] for row in matrix.rows}


def _ann_desk(matrix: TrainingMatrix) -> Cell:
    """Ann's cell in the Desk basics column."""
    (row,) = [row for row in matrix.rows if row.name == "Ann Operator"]
    (column,) = [i for i, course in enumerate(matrix.courses) if course.name == "Desk basics"]
    return row.cells[column]


def test_each_person_against_the_courses_required_of_anyone_shown(
    engine: Engine, org: Org, courses: Courses
) -> None:
    _passed(engine, org, org.ann, courses.desk, date(2025, 12, 20))  # last valid day 20 Dec
    _passed(engine, org, org.bob, courses.network, date(2024, 5, 1))
    _passed(engine, org, org.bob, courses.desk, date(2026, 10, 1))
    _passed(engine, org, org.mia, courses.optional, date(2026, 10, 1))

    matrix = training_matrix(engine, TODAY)

    assert [c.name for c in matrix.courses] == ["Cabling", "Desk basics"]
    assert _grid(matrix) == {
        "Ada Admin": [NOT_REQUIRED, NOT_REQUIRED],
        "Ann Operator": [NOT_REQUIRED, EXPIRING],
        "Bob Tech": [VALID, NOT_REQUIRED],
        "Mia Manager": [NOT_REQUIRED, NOT_REQUIRED],
    }
    ann = matrix.rows[1].cells[1]
    assert (ann.completed_on, ann.expires_on) == (date(2025, 12, 20), date(2026, 12, 20))
    bob_desk = matrix.rows[2].cells[1]  # not required of him, but his pass is shown
    assert (bob_desk.state, bob_desk.completed_on) == (NOT_REQUIRED, date(2026, 10, 1))
    assert matrix.compliance == (2, 2)
    assert [s.symbol for s in (VALID, EXPIRING, EXPIRED, MISSING)] == ["✓", "!", "✗", "○"]


def test_the_latest_confirmed_pass_counts(engine: Engine, org: Org, courses: Courses) -> None:
    _passed(engine, org, org.ann, courses.desk, date(2025, 1, 10))  # ran out 10 Jan 2026
    assert _ann_desk(training_matrix(engine, TODAY)).state is EXPIRED
    record_completion(
        engine, org.mia, org.ann, courses.desk, date(2026, 3, 1), CompletionResult.FAILED
    )
    own = record_completion(engine, org.ann, org.ann, courses.desk, date(2026, 6, 1), PASSED)
    assert _ann_desk(training_matrix(engine, TODAY)).state is EXPIRED  # unconfirmed
    confirm_completion(engine, org.mia, own)
    cell = _ann_desk(training_matrix(engine, TODAY))
    assert (cell.state, cell.completed_on, cell.expires_on) == (
        VALID,
        date(2026, 6, 1),
        date(2027, 6, 1),
    )


def test_the_last_valid_day_is_still_valid(engine: Engine, org: Org, courses: Courses) -> None:
    _passed(engine, org, org.ann, courses.desk, date(2025, 11, 24))
    assert _ann_desk(training_matrix(engine, TODAY)).state is EXPIRING
    assert _ann_desk(training_matrix(engine, date(2026, 11, 25))).state is EXPIRED


def test_a_second_team_brings_its_courses_and_filters_narrow_the_rows(
    engine: Engine, org: Org, courses: Courses
) -> None:
    set_members(engine, org.mia, org.network, add=[org.ann])
    matrix = training_matrix(engine, TODAY)
    assert _grid(matrix)["Ann Operator"] == [MISSING, MISSING]

    by_team = training_matrix(engine, TODAY, team_id=org.network)
    assert [r.name for r in by_team.rows] == ["Ann Operator", "Bob Tech"]
    by_role = training_matrix(engine, TODAY, role=StaffRole.TECHNICIAN)
    assert ([c.name for c in by_role.courses], _grid(by_role)) == (
        ["Cabling"],
        {"Bob Tech": [MISSING]},
    )
    assert training_matrix(engine, TODAY, team_id=org.desk, role=StaffRole.ADMIN).rows == ()


def test_retired_courses_and_deactivated_staff_leave_the_matrix(
    engine: Engine, org: Org, courses: Courses
) -> None:
    retire_course(engine, org.mia, courses.network)
    deactivate(engine, org.ada, org.ann)
    matrix = training_matrix(engine, TODAY)
    assert matrix.courses == () and matrix.compliance == (0, 0)
    assert [r.name for r in matrix.rows] == ["Ada Admin", "Bob Tech", "Mia Manager"]


def test_missing_required_lists_the_never_passed_and_the_expired(
    engine: Engine, org: Org, courses: Courses
) -> None:
    _passed(engine, org, org.ann, courses.desk, date(2025, 1, 10))
    missing = missing_required(engine, TODAY)
    assert [(m.staff, m.course, m.state, m.expired_on) for m in missing] == [
        ("Ann Operator", "Desk basics", EXPIRED, date(2026, 1, 10)),
        ("Bob Tech", "Cabling", MISSING, None),
    ]


def test_expiring_soon_lists_current_certifications_running_out(
    engine: Engine, org: Org, courses: Courses
) -> None:
    _passed(engine, org, org.ann, courses.desk, date(2025, 12, 20))  # 26 days left
    _passed(engine, org, org.mia, courses.optional, date(2025, 11, 24))  # its last day: today
    _passed(engine, org, org.bob, courses.desk, date(2025, 11, 1))  # expired: not listed
    _passed(engine, org, org.bob, courses.optional, date(2025, 12, 1))  # renewed below
    _passed(engine, org, org.bob, courses.optional, date(2026, 11, 1))
    _passed(engine, org, org.ada, courses.desk, date(2026, 2, 1))  # 69 days: not soon

    soon = expiring_soon(engine, today=TODAY)
    assert [(e.staff, e.course, e.expires_on, e.days_left) for e in soon] == [
        ("Mia Manager", "Excel tips", date(2026, 11, 24), 0),
        ("Ann Operator", "Desk basics", date(2026, 12, 20), 26),
    ]
    assert [e.staff for e in expiring_soon(engine, days=90, today=TODAY)] == [
        "Mia Manager",
        "Ann Operator",
        "Ada Admin",
    ]
