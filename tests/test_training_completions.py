"""Completions: expiry with month ends and 29 February, who records whose and when it counts,
confirmation, the skill a pass raises, and the refusals (app/training/completions.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from app.errors import PermissionDenied, ValidationError
from app.permissions import Action, refusal
from app.staff import deactivate
from app.training.completions import (
    awaiting_confirmation,
    completions_of,
    confirm_completion,
    expiry_for,
    record_completion,
)
from app.training.courses import CourseDraft, save_course
from app.training.skills import save_skill, set_staff_skills, staff_skills
from models.audit import AuditEvent, AuditKind
from models.engine import read_session, write_session
from models.enums import CompletionResult
from models.org import Staff
from tests.conftest import Org, RunningClock

PASSED, FAILED = CompletionResult.PASSED, CompletionResult.FAILED


@pytest.fixture
def skill(engine: Engine, org: Org) -> uuid.UUID:
    return save_skill(engine, org.mia, "Networking")


@pytest.fixture
def course(engine: Engine, org: Org, skill: uuid.UUID) -> uuid.UUID:
    """CCNA: teaches Networking at level 2, valid 12 months."""
    return save_course(engine, org.mia, CourseDraft("CCNA", "Cisco", skill, 2, 12))


def _levels(engine: Engine, staff_id: uuid.UUID) -> dict[str, int]:
    return {s.name: s.level for s in staff_skills(engine, staff_id)}


def _trail(engine: Engine, kind: AuditKind) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == kind.value)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
        return [row.detail for row in rows]


@pytest.mark.parametrize(
    ("completed", "months", "expires"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # the month end clamped
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year's February
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # 29 February, a year on
        (date(2028, 2, 29), 48, date(2032, 2, 29)),  # ... and four years on
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 15), 24, date(2028, 3, 15)),
        (date(2026, 3, 15), None, None),  # never expires
    ],
)
def test_expiry_adds_calendar_months_clamping_month_ends(
    completed: date, months: int | None, expires: date | None
) -> None:
    assert expiry_for(completed, months) == expires


def test_a_stored_expiry_follows_the_same_rules(
    engine: Engine, org: Org, clock: RunningClock, skill: uuid.UUID
) -> None:
    clock.set(datetime(2029, 3, 1, 12, tzinfo=UTC))
    monthly = save_course(engine, org.mia, CourseDraft("Monthly check", validity_months=1))
    yearly = save_course(engine, org.mia, CourseDraft("Yearly check", validity_months=12))
    record_completion(engine, org.mia, org.bob, monthly, date(2027, 1, 31), PASSED)
    record_completion(engine, org.mia, org.bob, yearly, date(2028, 2, 29), PASSED)
    assert {(c.course, c.expires_on) for c in completions_of(engine, org.bob)} == {
        ("Monthly check", date(2027, 2, 28)),
        ("Yearly check", date(2029, 2, 28)),
    }


def test_a_manager_records_a_pass_that_counts_at_once_and_raises_the_skill(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    record_completion(engine, org.mia, org.bob, course, date(2026, 11, 20), PASSED, " C-1 ")

    (row,) = completions_of(engine, org.bob)
    assert (row.course, row.result, row.certificate, row.expires_on) == (
        "CCNA",
        PASSED,
        "C-1",
        date(2027, 11, 20),
    )
    assert (row.confirmed, row.recorded_by) == (True, "Mia Manager")
    assert _levels(engine, org.bob) == {"Networking": 2}
    assert _trail(engine, AuditKind.TRAINING_RECORDED) == [
        "Bob Tech passed CCNA on Fri 20 Nov 2026 (certificate C-1), valid until Sat 20 Nov "
        "2027; Networking added at level 2"
    ]


def test_a_pass_raises_a_lower_level_and_never_lowers_a_higher_one(
    engine: Engine, org: Org, skill: uuid.UUID, course: uuid.UUID
) -> None:
    set_staff_skills(engine, org.mia, org.bob, {skill: 1})
    set_staff_skills(engine, org.mia, org.ann, {skill: 3})
    record_completion(engine, org.mia, org.bob, course, date(2026, 11, 20), PASSED)
    record_completion(engine, org.mia, org.ann, course, date(2026, 11, 20), PASSED)
    assert _levels(engine, org.bob) == {"Networking": 2}
    assert _levels(engine, org.ann) == {"Networking": 3}


def test_a_fail_or_an_attendance_certifies_nothing(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    record_completion(engine, org.mia, org.bob, course, date(2026, 11, 19), FAILED)
    record_completion(
        engine, org.mia, org.bob, course, date(2026, 11, 20), CompletionResult.ATTENDED
    )
    assert [(c.result, c.expires_on) for c in completions_of(engine, org.bob)] == [
        (CompletionResult.ATTENDED, None),
        (FAILED, None),
    ]
    assert _levels(engine, org.bob) == {}


def test_someone_own_completion_waits_for_a_manager(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    completion = record_completion(engine, org.ann, org.ann, course, date(2026, 11, 20), PASSED)
    assert [c.id for c in awaiting_confirmation(engine)] == [completion]
    assert _levels(engine, org.ann) == {}
    assert _trail(engine, AuditKind.TRAINING_RECORDED)[-1].endswith(
        "; waits for a manager's confirmation"
    )

    with pytest.raises(PermissionDenied) as refused:
        confirm_completion(engine, org.bob, completion)
    assert str(refused.value) == refusal(Action.EDIT_TRAINING_LOG)

    confirm_completion(engine, org.mia, completion)
    confirm_completion(engine, org.mia, completion)  # confirmed already: nothing more
    assert awaiting_confirmation(engine) == []
    assert completions_of(engine, org.ann)[0].confirmed
    assert _levels(engine, org.ann) == {"Networking": 2}
    assert _trail(engine, AuditKind.TRAINING_CONFIRMED) == [
        "Confirmed: Ann Operator passed CCNA on Fri 20 Nov 2026, valid until Sat 20 Nov 2027; "
        "Networking added at level 2"
    ]


def test_a_manager_own_completion_counts_at_once(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    record_completion(engine, org.mia, org.mia, course, date(2026, 11, 20), PASSED)
    assert completions_of(engine, org.mia)[0].confirmed
    assert awaiting_confirmation(engine) == []


def test_nobody_but_a_manager_records_someone_else(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    for actor, other in ((org.ann, org.bob), (org.bob, org.ann)):
        with pytest.raises(PermissionDenied) as refused:
            record_completion(engine, actor, other, course, date(2026, 11, 20), PASSED)
        assert str(refused.value) == refusal(Action.EDIT_TRAINING_LOG)
    assert completions_of(engine, org.ann) == completions_of(engine, org.bob) == []


def test_a_completion_after_today_where_the_person_works_is_refused(
    engine: Engine, org: Org, clock: RunningClock, course: uuid.UUID
) -> None:
    # 03:00 in London on the 24th is still the 23rd in New York, where Bob works.
    clock.set(datetime(2026, 11, 24, 3, tzinfo=UTC))
    with write_session(engine) as session:
        session.execute(
            update(Staff).where(col(Staff.id) == org.bob).values(home_site_id=org.branch)
        )
    with pytest.raises(ValidationError) as refused:
        record_completion(engine, org.mia, org.bob, course, date(2026, 11, 24), PASSED)
    assert refused.value.problems == {
        "completed_on": "Tue 24 Nov 2026 is after today (Mon 23 Nov 2026) where Bob Tech "
        "works; record a course once it is done."
    }
    record_completion(engine, org.mia, org.ann, course, date(2026, 11, 24), PASSED)  # UTC
    assert completions_of(engine, org.bob) == []


def test_the_same_completion_twice_and_other_refusals_are_at_their_fields(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    record_completion(engine, org.mia, org.bob, course, date(2026, 11, 20), PASSED)
    with pytest.raises(ValidationError) as refused:
        record_completion(
            engine, org.mia, org.bob, course, date(2026, 11, 20), FAILED, "x" * 121, uuid.uuid4()
        )
    assert refused.value.problems == {
        "completed_on": "Bob Tech's completion of CCNA on Fri 20 Nov 2026 is recorded already.",
        "certificate": "Shorten the reference to 120 characters or fewer.",
        "session": "Choose a session of CCNA, or none.",
    }
    deactivate(engine, org.ada, org.ann)
    with pytest.raises(ValidationError) as refused:
        record_completion(engine, org.mia, org.ann, course, date(2026, 11, 20), PASSED)
    assert set(refused.value.problems) == {"staff"}
    assert len(completions_of(engine, org.bob)) == 1
