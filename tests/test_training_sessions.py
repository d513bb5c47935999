"""Training sessions: local days and hours stored in UTC, bookings that put a training shift
on the roster, capacity, moving and cancelling (app/training/sessions.py)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from app.errors import PermissionDenied, ValidationError
from app.permissions import Action, refusal
from app.staff import deactivate
from app.training.completions import record_completion
from app.training.courses import CourseDraft, save_course
from app.training.sessions import (
    SessionDraft,
    book,
    cancel_session,
    list_sessions,
    save_session,
    unbook,
)
from models.audit import AuditEvent, AuditKind
from models.engine import read_session, write_session
from models.enums import CompletionResult, ShiftKind
from models.roster import Shift, ShiftType
from models.training import SessionAttendee
from tests.conftest import Org


@pytest.fixture
def course(engine: Engine, org: Org) -> uuid.UUID:
    return save_course(engine, org.mia, CourseDraft("ITIL 4 Foundation", validity_months=36))


def _session(engine: Engine, org: Org, course: uuid.UUID, **changes: object) -> uuid.UUID:
    """A session of ``course`` at HQ on Tue 1 Dec 2026, 09:00-17:00, with ``changes``."""
    draft = SessionDraft(course, org.hq, date(2026, 12, 1), "09:00", "17:00")
    return save_session(engine, org.mia, replace(draft, **changes))  # type: ignore[arg-type]


def _shifts(engine: Engine) -> list[tuple[uuid.UUID, str, uuid.UUID, datetime, datetime, str]]:
    """Every shift: whose, its type's name, site, start, end and note."""
    with read_session(engine) as session:
        rows = session.exec(
            select(Shift, ShiftType.name)
            .join(ShiftType, col(ShiftType.id) == col(Shift.shift_type_id))
            .order_by(col(Shift.starts_at))
        ).all()
        return [(s.staff_id, kind, s.site_id, s.starts_at, s.ends_at, s.note) for s, kind in rows]


def _trail(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == AuditKind.COURSE_CHANGED.value)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
        return [row.detail for row in rows]


def test_a_session_is_planned_in_the_site_time_and_stored_in_utc(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    draft = SessionDraft(course, org.branch, date(2026, 12, 1), "9:00", "17:30", " Room 4 ", "Tom")
    session_id = save_session(engine, org.mia, replace(draft, capacity=8))

    (row,) = list_sessions(engine)
    assert row.id == session_id
    assert (row.starts_at, row.ends_at) == (  # New York is UTC-5 in December
        datetime(2026, 12, 1, 14, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 22, 30, tzinfo=UTC),
    )
    assert row.draft == SessionDraft(
        course, org.branch, date(2026, 12, 1), "09:00", "17:30", "Room 4", "Tom", 8
    )
    assert (row.course, row.site, row.places_left) == ("ITIL 4 Foundation", "NY", 8)
    assert _trail(engine)[-1] == (
        "Added a session of ITIL 4 Foundation: Tue 01 Dec 2026 09:00-17:30 at NY, place Room 4, "
        "trainer Tom, 8 places"
    )


def test_a_session_on_the_day_the_clocks_go_back_has_its_true_length(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    # New York, Sunday 1 November 2026: 02:00 EDT becomes 01:00 EST.
    _session(
        engine, org, course, site_id=org.branch, day=date(2026, 11, 1), starts="00:30", ends="03:00"
    )
    (row,) = list_sessions(engine)
    assert row.ends_at - row.starts_at == timedelta(hours=3, minutes=30)


def test_a_time_the_clocks_skip_is_refused(engine: Engine, org: Org, course: uuid.UUID) -> None:
    # London, Sunday 28 March 2027: 01:00 GMT becomes 02:00 BST.
    with pytest.raises(ValidationError) as refused:
        _session(engine, org, course, day=date(2027, 3, 28), starts="01:30", ends="04:00")
    assert refused.value.problems == {
        "starts": "01:30 does not exist at HQ on Sun 28 Mar 2027: the clocks go forward then; "
        "choose another time."
    }


def test_bad_times_and_sizes_are_refused_at_their_fields(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    with pytest.raises(ValidationError) as refused:
        _session(engine, org, course, starts="nine", ends="17:00", capacity=0, place="x" * 121)
    assert refused.value.problems == {
        "starts": "nine is no time of day; type it as 09:30.",
        "capacity": "A session has at least 1 place; leave it empty for no limit.",
        "place": "Shorten this to 120 characters or fewer.",
    }
    with pytest.raises(ValidationError) as refused:
        _session(engine, org, course, starts="17:00", ends="09:00")
    assert refused.value.problems["ends"].startswith("The session ends at 09:00, before it starts")
    assert list_sessions(engine) == []


def test_booking_puts_a_training_shift_on_the_roster_and_unbooking_takes_it_off(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    session_id = _session(engine, org, course, capacity=2)
    book(engine, org.mia, session_id, org.bob)
    book(engine, org.mia, session_id, org.ann)

    (row,) = list_sessions(engine)
    assert [a.name for a in row.attendees] == ["Ann Operator", "Bob Tech"]
    assert row.places_left == 0
    start, end = datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 1, 17, tzinfo=UTC)
    training = ("Training", org.hq, start, end, "Training: ITIL 4 Foundation")
    assert sorted(_shifts(engine)) == sorted([(org.bob, *training), (org.ann, *training)])
    with read_session(engine) as session:
        booking = session.get(SessionAttendee, (session_id, org.bob))
        assert booking is not None and session.get(Shift, booking.shift_id) is not None

    unbook(engine, org.mia, session_id, org.bob)
    unbook(engine, org.mia, session_id, org.bob)  # not booked any more: nothing
    assert _shifts(engine) == [(org.ann, *training)]
    assert _trail(engine)[-3:] == [
        "Booked Bob Tech on ITIL 4 Foundation, Tue 01 Dec 2026 09:00-17:00 at HQ (a training "
        "shift on the roster)",
        "Booked Ann Operator on ITIL 4 Foundation, Tue 01 Dec 2026 09:00-17:00 at HQ (a "
        "training shift on the roster)",
        "Took Bob Tech off ITIL 4 Foundation, Tue 01 Dec 2026 09:00-17:00 at HQ (and its "
        "training shift off the roster)",
    ]


def test_a_full_session_a_second_booking_and_a_deactivated_person_are_refused(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    session_id = _session(engine, org, course, capacity=1)
    book(engine, org.mia, session_id, org.bob)
    with pytest.raises(ValidationError) as refused:
        book(engine, org.mia, session_id, org.bob)
    assert refused.value.problems == {
        "attendee": "Bob Tech is already booked on this session of ITIL 4 Foundation."
    }
    with pytest.raises(ValidationError) as refused:
        book(engine, org.mia, session_id, org.ann)
    assert refused.value.problems == {
        "attendee": "The session is full (1 place, all booked); give it more places or book "
        "another session."
    }
    deactivate(engine, org.ada, org.ann)
    unbook(engine, org.mia, session_id, org.bob)
    with pytest.raises(ValidationError) as refused:
        book(engine, org.mia, session_id, org.ann)
    assert refused.value.problems["attendee"].startswith("Ann Operator is deactivated")
    assert _shifts(engine) == []


def test_without_a_current_training_shift_type_nobody_is_booked(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    session_id = _session(engine, org, course)
    with write_session(engine) as session:
        session.execute(
            update(ShiftType).where(col(ShiftType.kind) == ShiftKind.TRAINING).values(retired=True)
        )
    with pytest.raises(ValidationError) as refused:
        book(engine, org.mia, session_id, org.bob)
    assert "No current shift type means training" in refused.value.problems["attendee"]
    assert list_sessions(engine)[0].attendees == ()


def test_moving_a_session_moves_its_training_shifts(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    session_id = _session(engine, org, course)
    book(engine, org.mia, session_id, org.bob)
    draft = list_sessions(engine)[0].draft
    save_session(
        engine, org.mia, replace(draft, site_id=org.branch, day=date(2026, 12, 2)), session_id
    )
    ((_, _, site, start, end, _),) = _shifts(engine)
    assert (site, start, end) == (
        org.branch,
        datetime(2026, 12, 2, 14, tzinfo=UTC),
        datetime(2026, 12, 2, 22, tzinfo=UTC),
    )
    save_session(engine, org.mia, list_sessions(engine)[0].draft, session_id)  # no change
    assert _trail(engine)[-2:] == [
        "Booked Bob Tech on ITIL 4 Foundation, Tue 01 Dec 2026 09:00-17:00 at HQ (a training "
        "shift on the roster)",
        "Session of ITIL 4 Foundation on Tue 01 Dec 2026 09:00-17:00 at HQ: Tue 01 Dec 2026 "
        "09:00-17:00 at HQ → Wed 02 Dec 2026 09:00-17:00 at NY",
    ]


def test_capacity_cannot_drop_below_the_bookings(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    session_id = _session(engine, org, course)
    book(engine, org.mia, session_id, org.bob)
    book(engine, org.mia, session_id, org.ann)
    draft = list_sessions(engine)[0].draft
    with pytest.raises(ValidationError) as refused:
        save_session(engine, org.mia, replace(draft, capacity=1), session_id)
    assert refused.value.problems == {
        "capacity": "2 people are booked already; take some off before giving the session 1 place."
    }


def test_cancelling_removes_the_bookings_and_their_shifts_unless_it_took_place(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    session_id = _session(engine, org, course)
    book(engine, org.mia, session_id, org.bob)
    cancel_session(engine, org.mia, session_id)
    assert list_sessions(engine) == [] and _shifts(engine) == []
    assert _trail(engine)[-1] == (
        "Cancelled the session of ITIL 4 Foundation on Tue 01 Dec 2026 09:00-17:00 at HQ; Bob "
        "Tech taken off it with their training shifts"
    )

    held = _session(engine, org, course, day=date(2026, 11, 20))
    book(engine, org.mia, held, org.bob)
    record_completion(
        engine, org.mia, org.bob, course, date(2026, 11, 20), CompletionResult.PASSED, "", held
    )
    with pytest.raises(ValidationError) as refused:
        cancel_session(engine, org.mia, held)
    assert "took place" in refused.value.problems["session"]
    assert len(_shifts(engine)) == 1


def test_only_managers_and_admins_plan_and_book(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    session_id = _session(engine, org, course)
    draft = list_sessions(engine)[0].draft
    for perform in (
        lambda actor: save_session(engine, actor, draft),
        lambda actor: book(engine, actor, session_id, actor),
        lambda actor: unbook(engine, actor, session_id, actor),
        lambda actor: cancel_session(engine, actor, session_id),
    ):
        with pytest.raises(PermissionDenied) as refused:
            perform(org.bob)
        assert str(refused.value) == refusal(Action.EDIT_TRAINING_LOG)
    assert len(list_sessions(engine)) == 1 and _shifts(engine) == []


def test_the_roster_leaves_a_booked_training_shift_to_the_training_log(
    engine: Engine, org: Org, course: uuid.UUID
) -> None:
    from app.roster.shifts import delete_shift, move_shift

    session_id = _session(engine, org, course)
    book(engine, org.mia, session_id, org.bob)
    with read_session(engine) as session:
        shift_id = session.exec(select(SessionAttendee.shift_id)).one()
    assert shift_id is not None
    before = _shifts(engine)
    for change in (
        lambda: delete_shift(engine, org.mia, shift_id),
        lambda: move_shift(engine, org.mia, shift_id, org.ann, date(2026, 12, 7)),
    ):
        with pytest.raises(ValidationError, match="change or cancel the booking") as refused:
            change()
        assert "booking on ITIL 4 Foundation (Tue 01 Dec)" in refused.value.problems["shift"]
    assert _shifts(engine) == before  # still Bob's, unchanged
    unbook(engine, org.mia, session_id, org.bob)
    assert _shifts(engine) == []
