"""Writing the roster (app/roster/shifts.py): local hours to UTC across clock changes, adding,
changing, removing, moving and copying shifts, copying a week; each refusal at its field with
nothing saved, permissions, and the audit trail in words."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import col, select

from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.permissions import Action, refusal
from app.roster.shifts import (
    ShiftDraft,
    TimedShift,
    copy_shifts,
    copy_week,
    delete_shift,
    move_shift,
    save_shift,
    to_utc,
)
from models.audit import AuditEvent, AuditKind
from models.engine import read_session, write_session
from models.org import Staff
from models.roster import Shift, ShiftType
from tests.conftest import Org

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 30)  # the week after the tests' "now" (Tue 24 Nov 2026)


# -- helpers shared by the roster tests -----------------------------------------------------------


def type_id(engine: Engine, name: str) -> uuid.UUID:
    """The id of the default shift type called ``name`` ("Desk early", "On call", "Leave"...)."""
    with read_session(engine) as session:
        found = session.exec(select(ShiftType).where(ShiftType.name == name)).one()
        return found.id


def add_shift(
    engine: Engine,
    org: Org,
    staff_id: uuid.UUID,
    type_name: str,
    day: date,
    starts: str,
    ends: str,
    *,
    site_id: uuid.UUID | None = None,
    note: str = "",
) -> uuid.UUID:
    """A shift saved by Mia the manager, at HQ unless ``site_id`` says otherwise."""
    draft = ShiftDraft(
        staff_id, type_id(engine, type_name), site_id or org.hq, day, starts, ends, note
    )
    return save_shift(engine, org.mia, draft)


def roster_audit(engine: Engine, kind: AuditKind = AuditKind.ROSTER_CHANGED) -> list[str]:
    """The details of the audit rows of ``kind``, oldest first."""
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.kind == kind.value).order_by(col(AuditEvent.at))
        ).all()
        return [row.detail for row in rows]


def shifts_of(engine: Engine, staff_id: uuid.UUID | None = None) -> list[Shift]:
    """Every shift (of ``staff_id`` if given), earliest first."""
    query = select(Shift).order_by(col(Shift.starts_at))
    if staff_id is not None:
        query = query.where(Shift.staff_id == staff_id)
    with read_session(engine) as session:
        return list(session.exec(query).all())


def deactivate(engine: Engine, staff_id: uuid.UUID) -> None:
    with write_session(engine) as session:
        session.execute(update(Staff).where(col(Staff.id) == staff_id).values(active=False))


def retire(engine: Engine, name: str) -> None:
    with write_session(engine) as session:
        session.execute(update(ShiftType).where(col(ShiftType.name) == name).values(retired=True))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def _draft(org: Org, engine: Engine, **changes: object) -> ShiftDraft:
    values: dict[str, object] = {
        "staff_id": org.bob,
        "shift_type_id": type_id(engine, "Desk early"),
        "site_id": org.hq,
        "day": MONDAY,
        "starts": "07:00",
        "ends": "15:00",
        "note": "",
    }
    values.update(changes)
    return ShiftDraft(**values)  # type: ignore[arg-type]


def _problems(engine: Engine, org: Org, shift: ShiftDraft | TimedShift) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        save_shift(engine, org.mia, shift)
    return refused.value.problems


def _table_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(Shift)).one()


# -- local hours to UTC ---------------------------------------------------------------------------


def _hours(span: tuple[datetime, datetime]) -> float:
    return (span[1] - span[0]).total_seconds() / 3600


def test_a_night_across_the_spring_change_lasts_seven_hours() -> None:
    draft = ShiftDraft(
        uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), date(2027, 3, 27), "22:00", "06:00"
    )
    starts_at, ends_at = to_utc(draft, LONDON)
    assert starts_at == utc(2027, 3, 27, 22)  # GMT
    assert ends_at == utc(2027, 3, 28, 5)  # 06:00 BST
    assert _hours((starts_at, ends_at)) == 7


def test_a_night_across_the_autumn_change_lasts_nine_hours() -> None:
    draft = ShiftDraft(
        uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), date(2026, 10, 24), "22:00", "06:00"
    )
    starts_at, ends_at = to_utc(draft, LONDON)
    assert starts_at == utc(2026, 10, 24, 21)  # 22:00 BST
    assert ends_at == utc(2026, 10, 25, 6)  # 06:00 GMT
    assert _hours((starts_at, ends_at)) == 9


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 10, 25), 25), (date(2027, 3, 28), 23), (date(2026, 11, 30), 24)],
)
def test_a_whole_day_is_midnight_to_midnight_whatever_its_length(day: date, hours: int) -> None:
    draft = ShiftDraft(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), day, "00:00", "00:00")
    assert _hours(to_utc(draft, LONDON)) == hours


def test_a_time_in_the_spring_gap_moves_later_by_the_gap() -> None:
    draft = ShiftDraft(
        uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), date(2027, 3, 28), "01:30", "09:00"
    )
    starts_at, ends_at = to_utc(draft, LONDON)
    assert starts_at == utc(2027, 3, 28, 1, 30)  # 02:30 BST: 01:30 does not exist that night
    assert ends_at == utc(2027, 3, 28, 8)


def test_a_repeated_time_in_the_autumn_is_its_first_occurrence() -> None:
    draft = ShiftDraft(
        uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), date(2026, 10, 25), "01:30", "09:00"
    )
    assert to_utc(draft, LONDON)[0] == utc(2026, 10, 25, 0, 30)  # 01:30 BST


@pytest.mark.parametrize("text", ["7", "07:60", "24:00", "7.00", "", "ab:cd"])
def test_hours_not_in_hh_mm_are_refused_at_their_field(text: str) -> None:
    draft = ShiftDraft(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), MONDAY, text, "7:30")
    with pytest.raises(ValidationError) as refused:
        to_utc(draft, LONDON)
    assert set(refused.value.problems) == {"starts"}
    assert "HH:MM" in refused.value.problems["starts"]


# -- adding and changing ---------------------------------------------------------------------------


def test_a_manager_adds_a_shift_stored_in_utc_and_told_in_words(engine: Engine, org: Org) -> None:
    shift_id = save_shift(engine, org.mia, _draft(org, engine, note="covers  Ann"))
    ny = save_shift(engine, org.ada, _draft(org, engine, site_id=org.branch, staff_id=org.ann))
    stored = {s.id: s for s in shifts_of(engine)}
    assert (stored[shift_id].starts_at, stored[shift_id].ends_at) == (
        utc(2026, 11, 30, 7),
        utc(2026, 11, 30, 15),
    )
    assert stored[shift_id].note == "covers Ann"
    assert stored[ny].starts_at == utc(2026, 11, 30, 12)  # 07:00 in New York (EST)
    assert roster_audit(engine) == [
        "Added Bob Tech: Desk early Mon 30 Nov 07:00-15:00 at HQ (covers Ann)",
        "Added Ann Operator: Desk early Mon 30 Nov 07:00-15:00 at NY",
    ]


def test_a_night_shift_across_the_clock_change_is_stored_with_its_true_length(
    engine: Engine, org: Org
) -> None:
    add_shift(engine, org, org.bob, "On call", date(2027, 3, 27), "22:00", "06:00")
    add_shift(engine, org, org.ann, "On call", date(2026, 10, 24), "22:00", "06:00")
    assert [s.ends_at - s.starts_at for s in shifts_of(engine)] == [
        timedelta(hours=9),
        timedelta(hours=7),
    ]


def test_overlapping_shifts_are_saved_not_refused(engine: Engine, org: Org) -> None:
    add_shift(engine, org, org.bob, "Desk early", MONDAY, "07:00", "15:00")
    add_shift(engine, org, org.bob, "Desk late", MONDAY, "11:00", "19:00")
    assert len(shifts_of(engine, org.bob)) == 2


def test_a_change_is_told_before_and_after_and_a_no_op_writes_nothing(
    engine: Engine, org: Org
) -> None:
    shift_id = save_shift(engine, org.mia, _draft(org, engine))
    save_shift(
        engine,
        org.mia,
        _draft(
            org, engine, shift_type_id=type_id(engine, "Desk late"), starts="11:00", ends="19:00"
        ),
        shift_id,
    )
    save_shift(
        engine,
        org.mia,
        _draft(
            org, engine, shift_type_id=type_id(engine, "Desk late"), starts="11:00", ends="19:00"
        ),
        shift_id,
    )
    assert roster_audit(engine)[1:] == [
        "Changed Bob Tech: Desk early Mon 30 Nov 07:00-15:00 at HQ → "
        "Bob Tech: Desk late Mon 30 Nov 11:00-19:00 at HQ"
    ]
    assert [s.starts_at for s in shifts_of(engine)] == [utc(2026, 11, 30, 11)]


def test_unknown_person_type_and_site_are_refused_at_their_fields(engine: Engine, org: Org) -> None:
    draft = _draft(
        org, engine, staff_id=uuid.uuid4(), shift_type_id=uuid.uuid4(), site_id=uuid.uuid4()
    )
    assert set(_problems(engine, org, draft)) == {"staff", "shift_type", "site"}
    assert _table_count(engine) == 0
    assert roster_audit(engine) == []


def test_bad_hours_and_a_long_note_are_refused_with_nothing_saved(engine: Engine, org: Org) -> None:
    problems = _problems(
        engine, org, _draft(org, engine, starts="7am", ends="25:00", note="x" * 201)
    )
    assert set(problems) == {"starts", "ends", "note"}
    assert "200" in problems["note"]
    assert _table_count(engine) == 0


def test_a_deactivated_person_gets_no_new_shift_but_keeps_theirs(engine: Engine, org: Org) -> None:
    shift_id = save_shift(engine, org.mia, _draft(org, engine))
    deactivate(engine, org.bob)
    problems = _problems(engine, org, _draft(org, engine, day=MONDAY + timedelta(days=1)))
    assert problems == {
        "staff": "Bob Tech is deactivated; reactivate them on the Staff page before giving "
        "them shifts."
    }
    save_shift(engine, org.mia, _draft(org, engine, note="kept"), shift_id)
    assert [s.note for s in shifts_of(engine)] == ["kept"]


def test_a_retired_type_is_offered_for_no_new_shift(engine: Engine, org: Org) -> None:
    shift_id = save_shift(engine, org.mia, _draft(org, engine))
    retire(engine, "Desk early")
    assert _problems(engine, org, _draft(org, engine)) == {
        "shift_type": "Desk early is retired; choose a current shift type."
    }
    save_shift(engine, org.mia, _draft(org, engine, ends="14:00"), shift_id)  # still its own
    retire(engine, "Desk late")
    late = _draft(org, engine, shift_type_id=type_id(engine, "Desk late"))
    with pytest.raises(ValidationError) as refused:
        save_shift(engine, org.mia, late, shift_id)
    assert refused.value.problems == {
        "shift_type": "Desk late is retired; choose a current shift type."
    }
    assert [s.ends_at for s in shifts_of(engine)] == [utc(2026, 11, 30, 14)]


def test_a_shift_given_by_instants_must_end_after_it_starts(engine: Engine, org: Org) -> None:
    desk = type_id(engine, "Desk early")
    backwards = TimedShift(org.bob, desk, org.hq, utc(2026, 11, 30, 15), utc(2026, 11, 30, 7))
    problems = _problems(engine, org, backwards)
    assert problems == {
        "ends": "The shift ends (Mon 30 Nov 07:00) before it starts (Mon 30 Nov 15:00); give "
        "an end after the start."
    }
    assert _table_count(engine) == 0


def test_a_shift_longer_than_a_day_on_the_clock_is_refused(engine: Engine, org: Org) -> None:
    desk = type_id(engine, "Desk early")
    long = TimedShift(org.bob, desk, org.hq, utc(2026, 11, 30, 7), utc(2026, 12, 1, 9))
    assert _problems(engine, org, long) == {
        "ends": "The shift lasts 26 hours; a shift lasts at most 24, so split it into one "
        "shift per day."
    }
    # A whole day across the autumn change is 25 real hours and 24 on the clock: accepted.
    leave = type_id(engine, "Leave")
    whole = TimedShift(org.bob, leave, org.hq, utc(2026, 10, 24, 23), utc(2026, 10, 26, 0))
    save_shift(engine, org.mia, whole)
    assert roster_audit(engine) == ["Added Bob Tech: Leave Sun 25 Oct 00:00-00:00 at HQ"]


def test_instants_without_a_time_zone_are_refused(engine: Engine, org: Org) -> None:
    naive = TimedShift(
        org.bob,
        type_id(engine, "Desk early"),
        org.hq,
        datetime(2026, 11, 30, 7),
        datetime(2026, 11, 30, 15),
    )
    assert set(_problems(engine, org, naive)) == {"starts"}


def test_only_managers_and_admins_edit_the_roster(engine: Engine, org: Org) -> None:
    for actor in (org.ann, org.bob):
        with pytest.raises(PermissionDenied) as refused:
            save_shift(engine, actor, _draft(org, engine))
        assert str(refused.value) == refusal(Action.EDIT_ROSTER)
    assert _table_count(engine) == 0
    assert roster_audit(engine) == []


# -- removing, moving, copying ------------------------------------------------------------------


def test_a_removed_shift_is_gone_and_the_trail_says_which(engine: Engine, org: Org) -> None:
    shift_id = add_shift(engine, org, org.bob, "Desk late", MONDAY, "11:00", "19:00")
    delete_shift(engine, org.mia, shift_id)
    assert shifts_of(engine) == []
    assert roster_audit(engine)[-1] == "Removed Bob Tech: Desk late Mon 30 Nov 11:00-19:00 at HQ"
    with pytest.raises(NotFoundError):
        delete_shift(engine, org.mia, shift_id)


def test_a_moved_shift_keeps_its_local_hours_across_a_clock_change(
    engine: Engine, org: Org
) -> None:
    shift_id = add_shift(engine, org, org.bob, "Desk early", date(2027, 3, 26), "07:00", "15:00")
    move_shift(engine, org.mia, shift_id, org.ann, date(2027, 3, 29))  # now BST
    [moved] = shifts_of(engine)
    assert (moved.staff_id, moved.starts_at, moved.ends_at) == (
        org.ann,
        utc(2027, 3, 29, 6),
        utc(2027, 3, 29, 14),
    )
    assert roster_audit(engine)[-1] == (
        "Moved Bob Tech: Desk early Fri 26 Mar 07:00-15:00 at HQ → "
        "Ann Operator: Desk early Mon 29 Mar 07:00-15:00 at HQ"
    )


def test_a_shift_cannot_be_moved_to_a_deactivated_person(engine: Engine, org: Org) -> None:
    shift_id = add_shift(engine, org, org.bob, "Desk early", MONDAY, "07:00", "15:00")
    deactivate(engine, org.ann)
    with pytest.raises(ValidationError) as refused:
        move_shift(engine, org.mia, shift_id, org.ann, MONDAY)
    assert set(refused.value.problems) == {"staff"}
    assert [s.staff_id for s in shifts_of(engine)] == [org.bob]


def test_pasted_copies_keep_their_hours_and_the_days_between_them(engine: Engine, org: Org) -> None:
    early = add_shift(engine, org, org.bob, "Desk early", MONDAY, "07:00", "15:00")
    night = add_shift(engine, org, org.bob, "On call", MONDAY + timedelta(days=2), "17:00", "08:00")
    copies = copy_shifts(engine, org.mia, [night, early], org.ann, MONDAY + timedelta(days=1))
    assert len(copies) == 2
    assert [(s.starts_at, s.ends_at) for s in shifts_of(engine, org.ann)] == [
        (utc(2026, 12, 1, 7), utc(2026, 12, 1, 15)),
        (utc(2026, 12, 3, 17), utc(2026, 12, 4, 8)),
    ]
    assert len(shifts_of(engine, org.bob)) == 2  # the originals stay
    assert roster_audit(engine)[-1] == (
        "Copied to Ann Operator: Desk early Tue 01 Dec 07:00-15:00 at HQ; "
        "On call Thu 03 Dec 17:00-08:00 at HQ"
    )
    assert copy_shifts(engine, org.mia, [], org.ann, MONDAY) == []


def test_copying_a_week_copies_work_and_skips_leave_and_what_is_there(
    engine: Engine, org: Org
) -> None:
    add_shift(engine, org, org.bob, "Desk early", MONDAY, "07:00", "15:00")
    add_shift(engine, org, org.bob, "On call", MONDAY + timedelta(days=6), "17:00", "08:00")
    add_shift(engine, org, org.ann, "Leave", MONDAY + timedelta(days=2), "00:00", "00:00")
    add_shift(engine, org, org.ann, "Desk late", MONDAY + timedelta(days=3), "11:00", "19:00")
    # Already in the next week: Ann's late shift, a week on.
    add_shift(engine, org, org.ann, "Desk late", MONDAY + timedelta(days=10), "11:00", "19:00")
    assert copy_week(engine, org.mia, MONDAY) == 2
    next_week = [s for s in shifts_of(engine) if s.starts_at >= utc(2026, 12, 7)]
    assert [(s.staff_id, s.starts_at) for s in next_week] == [
        (org.bob, utc(2026, 12, 7, 7)),
        (org.ann, utc(2026, 12, 10, 11)),
        (org.bob, utc(2026, 12, 13, 17)),
    ]
    assert roster_audit(engine)[-1] == (
        "Copied the week of Mon 30 Nov to the week of Mon 07 Dec: 2 shifts"
    )
    assert copy_week(engine, org.mia, MONDAY) == 0  # everything is there now: no audit row
    assert roster_audit(engine)[-1].startswith("Copied the week of Mon 30 Nov")
    assert len(roster_audit(engine)) == 6


def test_copying_a_week_keeps_to_the_site_and_team_chosen(engine: Engine, org: Org) -> None:
    add_shift(engine, org, org.bob, "Desk early", MONDAY, "07:00", "15:00")
    add_shift(engine, org, org.ann, "Desk early", MONDAY, "07:00", "15:00")
    add_shift(engine, org, org.ann, "Desk early", MONDAY, "09:00", "17:00", site_id=org.branch)
    assert copy_week(engine, org.mia, MONDAY, site_id=org.hq, team_id=org.desk) == 1
    copied = [s for s in shifts_of(engine) if s.starts_at >= utc(2026, 12, 7)]
    assert [(s.staff_id, s.site_id) for s in copied] == [(org.ann, org.hq)]
    assert roster_audit(engine)[-1] == (
        "Copied the week of Mon 30 Nov (at HQ, team Service desk) to the week of Mon 07 Dec: "
        "1 shift"
    )


def test_a_week_is_copied_by_local_days_across_the_clock_change(engine: Engine, org: Org) -> None:
    add_shift(engine, org, org.bob, "Desk early", date(2027, 3, 22), "07:00", "15:00")
    assert copy_week(engine, org.mia, date(2027, 3, 22)) == 1
    assert shifts_of(engine)[-1].starts_at == utc(2027, 3, 29, 6)  # 07:00 BST


def test_copying_a_week_needs_its_monday(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        copy_week(engine, org.mia, MONDAY + timedelta(days=1))
    assert refused.value.problems == {
        "week": "Tue 01 Dec is not a Monday; choose the week by its Monday."
    }
