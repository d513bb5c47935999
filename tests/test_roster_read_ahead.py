"""The weeks the roster page keeps read ahead: the week shown and its two neighbours for the
filters shown, nothing further, and nothing once cleared."""

from __future__ import annotations

import uuid
from datetime import date

from app.roster.local_time import WEEK
from app.roster.week import RosterWeek
from ui.roster.read_ahead import WeekKey, WeeksAhead

MONDAY = date(2026, 11, 23)
HQ = uuid.uuid4()


def a_week(monday: date) -> RosterWeek:
    return RosterWeek(monday, (), (), frozenset(), (), (), 2)


def key(weeks: int = 0, site: uuid.UUID | None = None) -> WeekKey:
    return WeekKey(MONDAY + WEEK * weeks, site, None)


def test_showing_a_week_asks_for_its_neighbours_next_one_first() -> None:
    ahead = WeeksAhead()
    assert ahead.showing(key(), a_week(MONDAY)) == (key(1), key(-1))
    ahead.read({key(1): a_week(MONDAY + WEEK), key(-1): a_week(MONDAY - WEEK)})
    assert ahead.get(key(1)) == a_week(MONDAY + WEEK)
    assert ahead.get(key(-1)) == a_week(MONDAY - WEEK)
    assert ahead.get(key()) == a_week(MONDAY)


def test_stepping_keeps_three_weeks_and_asks_only_for_the_missing_one() -> None:
    ahead = WeeksAhead()
    ahead.showing(key(), a_week(MONDAY))
    ahead.read({key(1): a_week(MONDAY + WEEK), key(-1): a_week(MONDAY - WEEK)})
    assert ahead.showing(key(1), a_week(MONDAY + WEEK)) == (key(2),)
    assert ahead.get(key(-1)) is None  # two weeks away now: let go
    assert ahead.get(key()) is not None


def test_weeks_read_for_other_filters_or_too_far_are_not_kept() -> None:
    ahead = WeeksAhead()
    ahead.showing(key(), a_week(MONDAY))
    ahead.read({key(1): a_week(MONDAY + WEEK)})
    # The person chose a site meanwhile: the weeks of every site are let go.
    assert ahead.showing(key(site=HQ), a_week(MONDAY)) == (key(1, HQ), key(-1, HQ))
    assert ahead.get(key(1)) is None and ahead.get(key()) is None
    # A late answer for weeks no longer next to the one shown is not kept.
    ahead.read({key(1): a_week(MONDAY + WEEK), key(5, HQ): a_week(MONDAY + WEEK * 5)})
    assert ahead.get(key(1)) is None and ahead.get(key(5, HQ)) is None


def test_cleared_nothing_is_kept_and_answers_before_a_week_is_shown_are_dropped() -> None:
    ahead = WeeksAhead()
    ahead.read({key(1): a_week(MONDAY + WEEK)})
    assert ahead.get(key(1)) is None
    ahead.showing(key(), a_week(MONDAY))
    ahead.read({key(1): a_week(MONDAY + WEEK)})
    ahead.clear()
    assert ahead.get(key()) is None and ahead.get(key(1)) is None
