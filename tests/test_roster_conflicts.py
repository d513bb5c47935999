"""The roster's conflict rules (app/roster/conflicts.py), one by one on shifts made up here,
then all of them as the week view lists and marks them, on each back end; and the on-call
limit a manager sets (app/roster/limits.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col

from app.errors import PermissionDenied, ValidationError
from app.roster.conflicts import (
    Conflict,
    ConflictKind,
    Person,
    find_conflicts,
    over_contract,
    overlaps,
    short_rests,
    too_many_on_call_weeks,
)
from app.roster.limits import max_on_call_weeks, set_max_on_call_weeks
from app.roster.local_time import clock_text, day_text, parse_clock, span_to_utc
from app.roster.week import week
from models.engine import write_session
from models.enums import ShiftKind
from models.org import Staff
from tests.conftest import Org
from tests.test_roster_shifts import MONDAY, add_shift, roster_audit

LONDON = ZoneInfo("Europe/London")
BOB = Person(uuid.uuid4(), "Bob Tech", contracted_minutes=37 * 60 + 30)
DESK, ON_CALL, LEAVE, SICK, TRAINING = (
    ShiftKind.DESK,
    ShiftKind.ON_CALL,
    ShiftKind.LEAVE,
    ShiftKind.SICK,
    ShiftKind.TRAINING,
)


@dataclass(frozen=True)
class Made:
    """A shift at a London site, as the rules read one."""

    kind: ShiftKind
    starts_at: datetime
    ends_at: datetime
    staff_id: uuid.UUID = BOB.id
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def day(self) -> date:
        return self.starts_at.astimezone(LONDON).date()

    @property
    def label(self) -> str:
        starts, ends = self.starts_at.astimezone(LONDON), self.ends_at.astimezone(LONDON)
        return f"{self.kind.label} {day_text(self.day)} {clock_text(starts)}-{clock_text(ends)}"


def made(
    kind: ShiftKind, day: date | int, starts: str, ends: str, staff_id: uuid.UUID = BOB.id
) -> Made:
    """A shift on ``day`` (a date, or days after :data:`MONDAY`) in local hours, Bob's
    unless ``staff_id`` says whose."""
    on = MONDAY + timedelta(days=day) if isinstance(day, int) else day
    start, end = parse_clock(starts), parse_clock(ends)
    assert start is not None and end is not None
    return Made(kind, *span_to_utc(on, start, end, LONDON), staff_id=staff_id)


def _sorted(*shifts: Made) -> list[Made]:
    return sorted(shifts, key=lambda s: s.starts_at)


# -- overlaps and work while away ---------------------------------------------------------------


def test_two_shifts_at_once_overlap_and_touching_ones_do_not() -> None:
    early, late = made(DESK, 0, "07:00", "15:00"), made(DESK, 0, "11:00", "19:00")
    after = made(DESK, 0, "19:00", "21:00")
    [conflict] = overlaps(BOB, _sorted(early, late, after))
    assert conflict == Conflict(
        ConflictKind.OVERLAP,
        BOB.id,
        (early.id, late.id),
        (MONDAY,),
        "Bob Tech: At the desk Mon 30 Nov 07:00-15:00 overlaps At the desk Mon 30 Nov 11:00-19:00",
    )


@pytest.mark.parametrize("work", [DESK, ON_CALL, TRAINING])
@pytest.mark.parametrize("away", [LEAVE, SICK])
def test_work_during_leave_or_sickness_is_its_own_conflict(
    work: ShiftKind, away: ShiftKind
) -> None:
    off, shift = made(away, 1, "00:00", "00:00"), made(work, 0, "17:00", "08:00")
    [conflict] = overlaps(BOB, _sorted(off, shift))
    assert conflict.kind is ConflictKind.WORK_WHILE_AWAY
    assert conflict.shift_ids == (shift.id, off.id)
    assert conflict.days == (MONDAY, MONDAY + timedelta(days=1))
    assert conflict.message == f"Bob Tech: {shift.label} during {off.label}"


def test_leave_and_sickness_together_are_an_overlap() -> None:
    shifts = _sorted(made(LEAVE, 0, "00:00", "00:00"), made(SICK, 0, "00:00", "00:00"))
    assert [c.kind for c in overlaps(BOB, shifts)] == [ConflictKind.OVERLAP]


# -- rest ----------------------------------------------------------------------------------------


def test_a_late_shift_then_an_early_one_leaves_too_little_rest() -> None:
    late, early = made(DESK, 0, "11:00", "19:00"), made(DESK, 1, "05:00", "13:00")
    [conflict] = short_rests(BOB, _sorted(late, early))
    assert conflict.kind is ConflictKind.SHORT_REST
    assert conflict.shift_ids == (late.id, early.id)
    assert conflict.days == (MONDAY, MONDAY + timedelta(days=1))
    assert conflict.message == (
        f"Bob Tech: only 10 h of rest between {late.label} and {early.label} (11 h needed)"
    )


def test_eleven_hours_of_rest_is_enough() -> None:
    shifts = _sorted(made(DESK, 0, "11:00", "19:00"), made(DESK, 1, "06:00", "14:00"))
    assert short_rests(BOB, shifts) == []


def test_a_desk_shift_and_training_after_a_break_are_one_working_day() -> None:
    shifts = _sorted(made(DESK, 0, "07:00", "15:00"), made(TRAINING, 0, "16:00", "18:00"))
    assert short_rests(BOB, shifts) == []


def test_a_day_shift_then_a_night_is_too_long_a_stretch() -> None:
    day, night = made(DESK, 0, "07:00", "15:00"), made(DESK, 0, "22:00", "06:00")
    [conflict] = short_rests(BOB, _sorted(day, night))
    assert "only 7 h of rest" in conflict.message


def test_being_on_call_is_rest() -> None:
    shifts = _sorted(
        made(DESK, 0, "07:00", "15:00"),
        made(ON_CALL, 0, "17:00", "08:00"),
        made(DESK, 1, "07:00", "15:00"),
    )
    assert short_rests(BOB, shifts) == []


def test_rest_is_counted_in_real_hours_across_the_clock_change() -> None:
    # 23:00 GMT to 10:00 BST is 11 hours on the clock and 10 in real time.
    late = made(DESK, date(2027, 3, 27), "15:00", "23:00")
    early = made(DESK, date(2027, 3, 28), "10:00", "18:00")
    [conflict] = short_rests(BOB, _sorted(late, early))
    assert "only 10 h of rest" in conflict.message


# -- contracted hours ----------------------------------------------------------------------------


def _five_days(hours: tuple[str, str]) -> list[Made]:
    return [made(DESK, day, *hours) for day in range(5)]


def test_more_desk_time_than_contracted_is_a_conflict_marking_each_day() -> None:
    shifts = _five_days(("07:00", "15:00"))  # 40 hours
    [conflict] = over_contract(BOB, shifts, MONDAY)
    assert conflict.kind is ConflictKind.OVER_CONTRACT
    assert conflict.days == tuple(MONDAY + timedelta(days=n) for n in range(5))
    assert conflict.message == (
        "Bob Tech: 40 h rostered in the week of Mon 30 Nov, 2 h 30 min over the "
        "37 h 30 min contracted"
    )


def test_contracted_time_exactly_is_fine_and_on_call_and_other_weeks_do_not_count() -> None:
    shifts = [
        *_five_days(("08:00", "15:30")),  # 37 h 30
        made(ON_CALL, 2, "17:00", "08:00"),
        made(DESK, 7, "07:00", "15:00"),  # next week
        made(LEAVE, 5, "00:00", "00:00"),
    ]
    assert over_contract(BOB, _sorted(*shifts), MONDAY) == []


def test_nobody_without_contracted_hours_is_checked() -> None:
    unknown = Person(BOB.id, "Bob Tech", contracted_minutes=None)
    assert over_contract(unknown, _five_days(("00:00", "00:00")), MONDAY) == []


# -- on-call weeks ---------------------------------------------------------------------------------


def _on_call_weeks(*weeks: int) -> list[Made]:
    return [made(ON_CALL, 7 * week + 2, "17:00", "08:00") for week in weeks]


def test_more_on_call_weeks_than_allowed_in_four_is_a_conflict() -> None:
    shifts = _on_call_weeks(-2, -1, 0)
    [conflict] = too_many_on_call_weeks(BOB, shifts, MONDAY, 2)
    assert conflict.kind is ConflictKind.ON_CALL_WEEKS
    assert conflict.shift_ids == (shifts[-1].id,)
    assert conflict.message == (
        "Bob Tech: on call in 3 of the 4 weeks to Sun 06 Dec, more than the 2 allowed"
    )
    assert too_many_on_call_weeks(BOB, shifts, MONDAY, 3) == []


def test_weeks_before_the_window_and_a_week_off_call_do_not_count() -> None:
    assert too_many_on_call_weeks(BOB, _on_call_weeks(-4, -1, 0), MONDAY, 1) != []
    assert too_many_on_call_weeks(BOB, _on_call_weeks(-4, -3, 0), MONDAY, 2) == []
    assert too_many_on_call_weeks(BOB, _on_call_weeks(-3, -2, -1), MONDAY, 2) == []


def test_a_sunday_night_on_call_counts_for_the_week_it_starts_in() -> None:
    sunday_night = made(ON_CALL, -1, "17:00", "08:00")  # ends on this week's Monday
    [conflict] = too_many_on_call_weeks(BOB, [sunday_night, *_on_call_weeks(0)], MONDAY, 1)
    assert "on call in 2 of the 4 weeks" in conflict.message


# -- all together ----------------------------------------------------------------------------------


def test_only_conflicts_marking_the_week_are_listed_by_day_then_name() -> None:
    ann = Person(uuid.uuid4(), "Ann Operator")
    last_week = [made(DESK, -3, "07:00", "15:00"), made(DESK, -3, "11:00", "19:00")]
    ann_shifts = [
        made(DESK, 2, "07:00", "15:00", ann.id),
        made(DESK, 2, "08:00", "09:00", ann.id),
    ]
    bobs = [made(DESK, 2, "11:00", "19:00"), made(DESK, 3, "05:00", "13:00")]
    found = find_conflicts([*last_week, *ann_shifts, *bobs], {BOB.id: BOB, ann.id: ann}, MONDAY, 2)
    assert [(c.kind, c.message.split(":")[0]) for c in found] == [
        (ConflictKind.OVERLAP, "Ann Operator"),
        (ConflictKind.SHORT_REST, "Bob Tech"),
    ]


# -- through the week view, on each back end -------------------------------------------------


def test_the_week_lists_every_kind_of_conflict_and_marks_its_cells(
    engine: Engine, org: Org
) -> None:
    with write_session(engine) as session:
        session.execute(
            update(Staff).where(col(Staff.id) == org.bob).values(contracted_minutes=20 * 60)
        )
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    late = add_shift(engine, org, org.bob, "Desk late", MONDAY, "11:00", "19:00")
    early = add_shift(engine, org, org.bob, "Desk early", tuesday, "05:00", "13:00")
    add_shift(engine, org, org.bob, "Desk early", wednesday, "07:00", "15:00")
    overlapping = add_shift(engine, org, org.bob, "Training", wednesday, "09:00", "17:00")
    leave = add_shift(engine, org, org.ann, "Leave", MONDAY, "00:00", "00:00")
    at_desk = add_shift(engine, org, org.ann, "Desk early", MONDAY, "07:00", "15:00")
    for weeks_ago in (2, 1, 0):
        add_shift(
            engine, org, org.mia, "On call", MONDAY - timedelta(weeks=weeks_ago), "17:00", "08:00"
        )

    shown = week(engine, MONDAY)

    kinds = {(c.kind, c.staff_id) for c in shown.conflicts}
    assert kinds == {
        (ConflictKind.WORK_WHILE_AWAY, org.ann),
        (ConflictKind.SHORT_REST, org.bob),
        (ConflictKind.OVERLAP, org.bob),
        (ConflictKind.OVER_CONTRACT, org.bob),
        (ConflictKind.ON_CALL_WEEKS, org.mia),
    }
    rows = {row.name: row for row in shown.rows}
    assert rows["Bob Tech"].conflict_days == {MONDAY, tuesday, wednesday}
    assert rows["Ann Operator"].conflict_days == {MONDAY}
    assert rows["Mia Manager"].conflict_days == {MONDAY}
    assert rows["Ada Admin"].conflict_days == frozenset()
    assert {late, early, overlapping, leave, at_desk} <= shown.conflicted
    assert shown.conflicts[0].days[0] == MONDAY  # listed by the first day they mark


def test_a_manager_sets_the_on_call_limit_and_the_week_follows(engine: Engine, org: Org) -> None:
    for weeks_ago in (2, 1, 0):
        add_shift(
            engine, org, org.mia, "On call", MONDAY - timedelta(weeks=weeks_ago), "17:00", "08:00"
        )
    assert max_on_call_weeks(engine) == 2
    assert week(engine, MONDAY).conflicts != ()
    set_max_on_call_weeks(engine, org.mia, 3)
    set_max_on_call_weeks(engine, org.mia, 3)  # no change: no audit row
    assert max_on_call_weeks(engine) == 3
    shown = week(engine, MONDAY)
    assert shown.conflicts == () and shown.max_on_call_weeks == 3
    assert roster_audit(engine)[-1] == "Most on-call weeks in any 4: 2 → 3"
    assert roster_audit(engine)[-2].startswith("Added Mia Manager")


@pytest.mark.parametrize("weeks", [0, 5, -1])
def test_the_on_call_limit_is_one_to_four_weeks(engine: Engine, org: Org, weeks: int) -> None:
    with pytest.raises(ValidationError) as refused:
        set_max_on_call_weeks(engine, org.mia, weeks)
    assert set(refused.value.problems) == {"max_on_call_weeks"}
    assert max_on_call_weeks(engine) == 2


def test_only_managers_and_admins_set_the_on_call_limit(engine: Engine, org: Org) -> None:
    with pytest.raises(PermissionDenied):
        set_max_on_call_weeks(engine, org.bob, 3)
    set_max_on_call_weeks(engine, org.ada, 1)
    assert max_on_call_weeks(engine) == 1
