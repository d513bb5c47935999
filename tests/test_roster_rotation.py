"""The rotation generator (app/roster/rotation.py): turns in order, people on leave or sick
skipped in words, uncovered weeks, chosen days and hours, the plan written once and audited,
and every refusal at its field."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from app.errors import PermissionDenied, ValidationError
from app.roster.rotation import RotationPlan, plan_rotation, write_rotation
from tests.conftest import Org
from tests.test_roster_shifts import (
    MONDAY,
    add_shift,
    deactivate,
    retire,
    roster_audit,
    shifts_of,
    type_id,
    utc,
)


def _plan(engine: Engine, org: Org, weeks: int = 4, **options: object) -> RotationPlan:
    people = options.pop("people", [org.ann, org.bob, org.mia])
    return plan_rotation(
        engine,
        type_id(engine, "On call"),
        org.hq,
        people,  # type: ignore[arg-type]
        MONDAY,
        weeks,
        **options,  # type: ignore[arg-type]
    )


def _who(plan: RotationPlan) -> list[str]:
    return [week.name or "nobody" for week in plan.weeks]


def test_turns_go_round_in_order_at_the_types_usual_hours(engine: Engine, org: Org) -> None:
    plan = _plan(engine, org)
    assert _who(plan) == ["Ann Operator", "Bob Tech", "Mia Manager", "Ann Operator"]
    assert plan.type_name == "On call" and plan.site_code == "HQ"
    first = plan.weeks[0]
    assert [s.day for s in first.shifts] == [MONDAY + timedelta(days=n) for n in range(7)]
    assert {(s.starts, s.ends) for s in first.shifts} == {("17:00", "08:00")}
    assert (first.shifts[0].starts_at, first.shifts[0].ends_at) == (
        utc(2026, 11, 30, 17),
        utc(2026, 12, 1, 8),
    )
    assert plan.shift_count == 28
    assert shifts_of(engine) == []  # a plan writes nothing


def test_someone_on_leave_is_skipped_in_words_and_the_turns_go_on(engine: Engine, org: Org) -> None:
    add_shift(engine, org, org.bob, "Leave", MONDAY + timedelta(days=9), "00:00", "00:00")
    plan = _plan(engine, org)
    assert _who(plan) == ["Ann Operator", "Mia Manager", "Ann Operator", "Bob Tech"]
    assert plan.weeks[1].skipped == ("Bob Tech is away: Leave Wed 09 Dec 00:00-00:00 at HQ",)
    assert plan.weeks[1].text == (
        "Week of Mon 07 Dec: Mia Manager (Bob Tech is away: Leave Wed 09 Dec 00:00-00:00 at HQ)"
    )


def test_leave_that_misses_the_rotations_shifts_skips_nobody(engine: Engine, org: Org) -> None:
    add_shift(engine, org, org.ann, "Sick", MONDAY, "09:00", "12:00")  # before the 17:00 start
    plan = _plan(engine, org, weeks=1)
    assert _who(plan) == ["Ann Operator"] and plan.weeks[0].skipped == ()


def test_a_week_when_everyone_is_away_is_uncovered(engine: Engine, org: Org) -> None:
    for person in (org.ann, org.bob):
        add_shift(engine, org, person, "Sick", MONDAY + timedelta(days=8), "00:00", "00:00")
    plan = _plan(engine, org, weeks=3, people=[org.ann, org.bob])
    assert _who(plan) == ["Ann Operator", "nobody", "Bob Tech"]
    uncovered = plan.weeks[1]
    assert uncovered.uncovered and uncovered.shifts == ()
    assert len(uncovered.skipped) == 2
    assert uncovered.text.startswith("Week of Mon 07 Dec: nobody: everyone is away (")


def test_chosen_weekdays_with_hours_of_their_own(engine: Engine, org: Org) -> None:
    plan = _plan(engine, org, weeks=1, days=[0, 1, 2, 3, 4], hours={4: ("17:00", "09:00")})
    [week] = plan.weeks
    assert [s.day.weekday() for s in week.shifts] == [0, 1, 2, 3, 4]
    assert (week.shifts[4].starts, week.shifts[4].ends) == ("17:00", "09:00")
    assert week.shifts[4].ends_at == utc(2026, 12, 5, 9)


def test_a_night_across_the_spring_change_is_an_hour_shorter(engine: Engine, org: Org) -> None:
    plan = plan_rotation(
        engine, type_id(engine, "On call"), org.hq, [org.ann], date(2027, 3, 22), 1
    )
    lengths = [s.ends_at - s.starts_at for s in plan.weeks[0].shifts]
    assert lengths[5] == timedelta(hours=14)  # Saturday night into Sunday 28 March
    assert lengths[4] == lengths[6] == timedelta(hours=15)


def test_the_plan_is_written_once_and_audited_once(engine: Engine, org: Org) -> None:
    plan = _plan(engine, org, weeks=2, people=[org.ann, org.bob])
    assert write_rotation(engine, org.mia, plan) == 14
    assert write_rotation(engine, org.mia, plan) == 0  # written already: nothing added
    assert len(shifts_of(engine, org.ann)) == len(shifts_of(engine, org.bob)) == 7
    assert roster_audit(engine) == [
        "Rotation of On call at HQ from Mon 30 Nov: Ann Operator, week of Mon 30 Nov; "
        "Bob Tech, week of Mon 07 Dec; 14 shifts"
    ]
    again = _plan(engine, org, weeks=2, people=[org.ann, org.bob])
    assert again.shift_count == 0  # already on the roster


def test_the_plan_is_refused_whole_if_someone_left_since(engine: Engine, org: Org) -> None:
    plan = _plan(engine, org, weeks=2, people=[org.ann, org.bob])
    deactivate(engine, org.bob)
    with pytest.raises(ValidationError) as refused:
        write_rotation(engine, org.mia, plan)
    assert refused.value.problems == {
        "people": "Bob Tech is deactivated; take them out of the order or reactivate them on "
        "the Staff page."
    }
    assert shifts_of(engine) == []


def test_only_managers_and_admins_write_a_rotation(engine: Engine, org: Org) -> None:
    plan = _plan(engine, org, weeks=1)
    with pytest.raises(PermissionDenied):
        write_rotation(engine, org.bob, plan)
    assert shifts_of(engine) == []
    assert write_rotation(engine, org.ada, plan) == 7


def test_bad_choices_are_refused_each_at_its_field(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        plan_rotation(
            engine,
            uuid.uuid4(),
            uuid.uuid4(),
            [org.ann, org.ann],
            MONDAY + timedelta(days=1),
            0,
            days=[0, 9],
            hours={0: ("5pm", "08:00"), 3: ("17:00", "08:00")},
        )
    assert set(refused.value.problems) == {
        "shift_type",
        "site",
        "people",
        "first_monday",
        "weeks",
        "days",
        "hours.0",
        "hours.3",
    }
    assert refused.value.problems["hours.3"] == (
        "Thursday is not one of the rotation's days; choose it or drop its hours."
    )


def test_a_retired_type_and_a_deactivated_person_are_refused(engine: Engine, org: Org) -> None:
    retire(engine, "On call")
    deactivate(engine, org.bob)
    with pytest.raises(ValidationError) as refused:
        _plan(engine, org)
    assert refused.value.problems == {
        "shift_type": "On call is retired; choose a current shift type.",
        "people": "Bob Tech is deactivated; take them out of the order or reactivate them on "
        "the Staff page.",
    }
    with pytest.raises(ValidationError) as nobody:
        _plan(engine, org, people=[])
    assert set(nobody.value.problems) == {"shift_type", "people"}
