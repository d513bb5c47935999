"""The roster week (app/roster/week.py): rows of active staff by name, shifts on the local day
they start at their site, the team and site filters, the legend, and the week's totals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col

from app.errors import ValidationError
from app.roster.week import week
from models.engine import write_session
from models.enums import ShiftKind
from models.org import Staff
from tests.conftest import Org
from tests.test_roster_shifts import MONDAY, add_shift, deactivate, utc


def _set_staff(engine: Engine, staff_id: object, **values: object) -> None:
    with write_session(engine) as session:
        session.execute(update(Staff).where(col(Staff.id) == staff_id).values(**values))


def test_rows_are_the_active_staff_by_name_with_their_shifts_by_day(
    engine: Engine, org: Org
) -> None:
    _set_staff(engine, org.bob, phone="07700 900123", home_site_id=org.hq, contracted_minutes=600)
    early = add_shift(engine, org, org.bob, "Desk early", MONDAY, "07:00", "15:00", note="cover")
    add_shift(engine, org, org.bob, "On call", MONDAY, "17:00", "08:00")
    add_shift(engine, org, org.bob, "Training", MONDAY + timedelta(days=3), "09:00", "12:30")
    add_shift(engine, org, org.bob, "Desk early", MONDAY + timedelta(days=7), "07:00", "15:00")
    deactivate(engine, org.ada)

    shown = week(engine, MONDAY)

    assert [r.name for r in shown.rows] == ["Ann Operator", "Bob Tech", "Mia Manager"]
    bob = shown.rows[1]
    assert (bob.phone, bob.home_site, bob.contracted_minutes) == ("07700 900123", "HQ", 600)
    assert bob.planned_minutes == 8 * 60 + 3 * 60 + 30  # desk and training, not on call
    assert [len(day) for day in bob.days] == [2, 0, 0, 1, 0, 0, 0]
    first = bob.days[0][0]
    assert (first.id, first.starts, first.ends, first.note) == (early, "07:00", "15:00", "cover")
    assert (first.type_name, first.kind, first.site_code) == ("Desk early", ShiftKind.DESK, "HQ")
    assert (first.colour, first.pattern) == ("#64b5f6", "solid")
    assert first.label == "Desk early Mon 30 Nov 07:00-15:00 at HQ"
    assert (bob.days[0][1].starts, bob.days[0][1].ends) == ("17:00", "08:00")
    assert shown.days[0] == MONDAY and shown.days[-1] == date(2026, 12, 6)
    assert [t.name for t in shown.types] == [
        "Desk early",
        "Desk late",
        "Leave",
        "On call",
        "Sick",
        "Training",
    ]


def test_a_shift_is_on_the_local_day_it_starts_at_its_site(engine: Engine, org: Org) -> None:
    # Sunday 20:00 in New York is Monday 01:00 in UTC: it is on Sunday, in this week.
    add_shift(
        engine,
        org,
        org.ann,
        "On call",
        MONDAY + timedelta(days=6),
        "20:00",
        "08:00",
        site_id=org.branch,
    )
    # Monday 00:30 in London is still Sunday evening in New York: but it is a London shift.
    add_shift(engine, org, org.bob, "Desk early", MONDAY, "00:30", "06:00")
    shown = week(engine, MONDAY)
    rows = {r.name: r for r in shown.rows}
    [sunday] = rows["Ann Operator"].days[6]
    assert sunday.starts_at == utc(2026, 12, 7, 1)
    assert (sunday.day, sunday.starts, sunday.site_code) == (
        MONDAY + timedelta(days=6),
        "20:00",
        "NY",
    )
    assert [len(d) for d in rows["Bob Tech"].days] == [1, 0, 0, 0, 0, 0, 0]
    assert week(engine, MONDAY + timedelta(days=7)).rows[0].days[0] == ()


def test_the_team_filter_keeps_its_members_and_the_site_filter_who_works_there(
    engine: Engine, org: Org
) -> None:
    _set_staff(engine, org.mia, home_site_id=org.branch)
    add_shift(engine, org, org.ann, "Desk early", MONDAY, "09:00", "17:00", site_id=org.branch)
    add_shift(engine, org, org.ann, "Desk early", MONDAY + timedelta(days=1), "07:00", "15:00")

    assert [r.name for r in week(engine, MONDAY, team_id=org.desk).rows] == ["Ann Operator"]
    assert [r.name for r in week(engine, MONDAY, team_id=org.network).rows] == ["Bob Tech"]
    at_ny = week(engine, MONDAY, site_id=org.branch)
    assert [r.name for r in at_ny.rows] == ["Ann Operator", "Mia Manager"]
    # A row shows all of the person's shifts, wherever they are.
    assert [s.site_code for day in at_ny.rows[0].days for s in day] == ["NY", "HQ"]
    assert [r.name for r in week(engine, MONDAY, site_id=org.hq).rows] == ["Ann Operator"]


def test_a_week_starts_on_a_monday(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        week(engine, MONDAY + timedelta(days=1))
    assert refused.value.problems == {
        "week": "Tue 01 Dec is not a Monday; choose the week by its Monday."
    }
