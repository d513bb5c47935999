"""Desk coverage (app/roster/coverage.py): the hour strips of a week (23 and 25 hours on the
days the clocks change), who counts in an hour, shifts across midnight, sickness taken off,
gaps in words; and each site's minimum bands, refused at the band that breaks a rule,
audited, and read by the week view on each back end."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from app.errors import PermissionDenied, ValidationError
from app.roster.coverage import (
    Band,
    SiteClock,
    SiteCoverage,
    coverage_bands,
    set_coverage_bands,
    site_coverage,
)
from app.roster.week import week
from models.audit import AuditKind
from models.engine import read_session
from models.enums import ShiftKind
from models.roster import CoverageMinimum
from tests.conftest import Org
from tests.test_roster_conflicts import Made, made
from tests.test_roster_shifts import MONDAY, add_shift, roster_audit

LONDON = ZoneInfo("Europe/London")
HQ = SiteClock(uuid.uuid4(), "HQ", LONDON)
ANN = uuid.uuid4()


def _strips(
    monday: date,
    desk: list[Made],
    away: list[Made] | None = None,
    bands: list[Band] | None = None,
) -> SiteCoverage:
    return site_coverage(HQ, monday, desk, away or [], bands or [])


def _people(coverage: SiteCoverage, day: int) -> dict[str, int]:
    """Day ``day`` of the week as "HH:MM" (local) -> people; a repeated hour keeps its last."""
    return {f"{h.starts:%H:%M}": h.people for h in coverage.days[day].hours}


# -- the strips ----------------------------------------------------------------------------------


def test_a_week_has_seven_strips_of_local_hours() -> None:
    coverage = _strips(MONDAY, [])
    assert [d.day for d in coverage.days] == [MONDAY + timedelta(days=n) for n in range(7)]
    first = coverage.days[0].hours
    assert len(first) == 24
    assert first[0].starts == datetime(2026, 11, 30, tzinfo=LONDON)
    assert (first[0].people, first[0].minimum, first[0].short) == (0, 0, False)


def test_the_day_the_clocks_go_back_has_25_hours() -> None:
    monday = date(2026, 10, 19)
    coverage = _strips(monday, [made(ShiftKind.DESK, date(2026, 10, 25), "00:00", "00:00")])
    sunday = coverage.days[6].hours
    assert len(sunday) == 25
    assert [f"{h.starts:%H:%M %Z}" for h in sunday[:4]] == [
        "00:00 BST",
        "01:00 BST",
        "01:00 GMT",
        "02:00 GMT",
    ]
    assert all(h.people == 1 for h in sunday)


def test_the_day_the_clocks_go_forward_has_23_hours() -> None:
    coverage = _strips(date(2027, 3, 22), [])
    sunday = coverage.days[6].hours
    assert len(sunday) == 23
    assert [f"{h.starts:%H:%M %Z}" for h in sunday[:3]] == ["00:00 GMT", "02:00 BST", "03:00 BST"]


def test_a_person_counts_in_an_hour_they_are_at_the_desk_for_half_of() -> None:
    desk = [
        made(ShiftKind.DESK, 0, "08:00", "17:30"),
        made(ShiftKind.DESK, 0, "08:45", "17:15", ANN),
    ]
    people = _people(_strips(MONDAY, desk), 0)
    assert (people["07:00"], people["08:00"], people["09:00"]) == (0, 1, 2)
    assert (people["16:00"], people["17:00"], people["18:00"]) == (2, 1, 0)


def test_two_desk_shifts_of_one_person_count_once() -> None:
    desk = [made(ShiftKind.DESK, 0, "08:00", "12:00"), made(ShiftKind.DESK, 0, "10:00", "14:00")]
    assert _people(_strips(MONDAY, desk), 0)["11:00"] == 1


def test_a_night_at_the_desk_counts_on_both_days() -> None:
    desk = [made(ShiftKind.DESK, 0, "22:00", "06:00")]
    coverage = _strips(MONDAY, desk)
    monday, tuesday = _people(coverage, 0), _people(coverage, 1)
    assert (monday["21:00"], monday["22:00"], monday["23:00"]) == (0, 1, 1)
    assert (tuesday["00:00"], tuesday["05:00"], tuesday["06:00"]) == (1, 1, 0)


def test_a_sick_person_answers_no_phone_whatever_their_desk_shift_says() -> None:
    desk = [made(ShiftKind.DESK, 0, "08:00", "16:00")]
    sick = [made(ShiftKind.SICK, 0, "12:00", "00:00")]
    people = _people(_strips(MONDAY, desk, sick), 0)
    assert (people["11:00"], people["12:00"]) == (1, 0)


def test_gaps_are_short_hours_in_a_row_told_in_words() -> None:
    bands = [Band(0, "08:00", "17:00", 2), Band(0, "17:00", "19:00", 1)]
    desk = [
        made(ShiftKind.DESK, 0, "07:00", "15:00"),
        made(ShiftKind.DESK, 0, "09:00", "17:00", ANN),
    ]
    coverage = _strips(MONDAY, desk, bands=bands)
    assert [g.text for g in coverage.gaps] == [
        "Mon 30 Nov 08:00-09:00 at HQ: 1 of 2",
        "Mon 30 Nov 15:00-17:00 at HQ: 1 of 2",
        "Mon 30 Nov 17:00-19:00 at HQ: 0 of 1",
    ]
    hours = coverage.days[0].hours
    assert [h.minimum for h in hours[7:20]] == [0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 0]
    assert [h.short for h in hours[14:20]] == [False, True, True, True, True, False]


def test_a_band_applies_to_an_hour_it_covers_half_of() -> None:
    coverage = _strips(MONDAY, [], bands=[Band(0, "08:30", "17:15", 1)])
    assert [g.text for g in coverage.gaps] == ["Mon 30 Nov 08:00-17:00 at HQ: 0 of 1"]


def test_a_gap_over_the_autumn_change_lasts_its_true_25_hours() -> None:
    coverage = _strips(date(2026, 10, 19), [], bands=[Band(6, "00:00", "24:00", 1)])
    [gap] = coverage.gaps
    assert gap.text == "Sun 25 Oct 00:00-00:00 at HQ: 0 of 1"
    assert gap.ends.astimezone(UTC) - gap.starts.astimezone(UTC) == timedelta(hours=25)
    assert sum(h.short for h in coverage.days[6].hours) == 25


def test_a_gap_over_the_spring_change_skips_the_missing_hour() -> None:
    coverage = _strips(date(2027, 3, 22), [], bands=[Band(6, "00:00", "04:00", 1)])
    [gap] = coverage.gaps
    assert gap.text == "Sun 28 Mar 00:00-04:00 at HQ: 0 of 1"
    assert sum(h.short for h in coverage.days[6].hours) == 3


# -- the bands ----------------------------------------------------------------------------------


def _band_rows(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(CoverageMinimum)).one()


def test_a_manager_sets_a_sites_bands_and_the_trail_says_what_changed(
    engine: Engine, org: Org
) -> None:
    set_coverage_bands(
        engine,
        org.mia,
        org.hq,
        [Band(0, "12:00", "17:00", 1), Band(0, "8:00", "12:00", 2), Band(5, "10:00", "00:00", 1)],
    )
    assert coverage_bands(engine, org.hq) == (
        Band(0, "08:00", "12:00", 2),
        Band(0, "12:00", "17:00", 1),
        Band(5, "10:00", "24:00", 1),
    )
    set_coverage_bands(engine, org.mia, org.hq, [Band(0, "08:00", "17:00", 1)])
    set_coverage_bands(engine, org.mia, org.hq, [Band(0, "08:00", "17:00", 1)])  # no change
    assert roster_audit(engine, AuditKind.COVERAGE_CHANGED) == [
        "Desk cover at HQ: Monday none → 08:00-12:00 at least 2, 12:00-17:00 at least 1; "
        "Saturday none → 10:00-24:00 at least 1",
        "Desk cover at HQ: Monday 08:00-12:00 at least 2, 12:00-17:00 at least 1 → "
        "08:00-17:00 at least 1; Saturday 10:00-24:00 at least 1 → none",
    ]
    assert coverage_bands(engine, org.branch) == ()


def test_each_band_breaking_a_rule_is_refused_at_its_place(engine: Engine, org: Org) -> None:
    bands = [
        Band(0, "08:00", "17:00", 1),
        Band(0, "16:00", "18:00", 1),  # overlaps the first
        Band(1, "17:00", "08:00", 1),  # ends before it starts
        Band(2, "08:00", "17:00", -1),
        Band(3, "8am", "17:00", 1),
        Band(7, "08:00", "17:00", 1),
    ]
    with pytest.raises(ValidationError) as refused:
        set_coverage_bands(engine, org.mia, org.hq, bands)
    problems = refused.value.problems
    assert set(problems) == {f"bands.{n}" for n in range(1, 6)}
    assert problems["bands.1"] == (
        "16:00-18:00 overlaps 08:00-17:00 on Monday; make one end where the next starts."
    )
    assert "split one across midnight" in problems["bands.2"]
    assert _band_rows(engine) == 0


def test_only_managers_and_admins_set_the_bands(engine: Engine, org: Org) -> None:
    with pytest.raises(PermissionDenied):
        set_coverage_bands(engine, org.ann, org.hq, [Band(0, "08:00", "17:00", 1)])
    assert _band_rows(engine) == 0


# -- in the week view ------------------------------------------------------------------------------


def test_the_week_shows_each_sites_strips_and_gaps(engine: Engine, org: Org) -> None:
    set_coverage_bands(engine, org.mia, org.hq, [Band(0, "08:00", "19:00", 1)])
    set_coverage_bands(engine, org.mia, org.branch, [Band(0, "09:00", "17:00", 1)])
    add_shift(engine, org, org.ann, "Desk early", MONDAY, "07:00", "15:00")
    add_shift(engine, org, org.bob, "Desk early", MONDAY, "09:00", "17:00", site_id=org.branch)
    add_shift(engine, org, org.bob, "On call", MONDAY, "17:00", "08:00")  # not at the desk

    everywhere = week(engine, MONDAY)
    assert [c.site_code for c in everywhere.coverage] == ["HQ", "NY"]
    assert [g.text for g in everywhere.gaps] == ["Mon 30 Nov 15:00-19:00 at HQ: 0 of 1"]
    ny = everywhere.coverage[1].days[0].hours
    assert ny[9].starts == datetime(2026, 11, 30, 14, tzinfo=UTC).astimezone(
        ZoneInfo("America/New_York")
    )
    assert ny[9].people == 1

    # Coverage counts everyone at the desk, whatever the team shown.
    network_only = week(engine, MONDAY, site_id=org.hq, team_id=org.network)
    assert [c.site_code for c in network_only.coverage] == ["HQ"]
    assert [r.name for r in network_only.rows] == ["Bob Tech"]
    assert [g.text for g in network_only.gaps] == ["Mon 30 Nov 15:00-19:00 at HQ: 0 of 1"]
