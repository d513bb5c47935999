"""Tests for app.business_hours: SLA clock arithmetic in a site's business hours.

Expected values are written out by hand in local wall time and converted to UTC in the test,
so a DST or holiday mistake in the module cannot cancel out against the same mistake here.
The property tests compare against a deliberately naive day-by-day oracle.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.business_hours import BusinessCalendar

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_8_TO_5 = {str(day): ["08:00", "17:00"] for day in range(5)}


def _calendar(
    tz: str = "Europe/London", country: str | None = None, subdiv: str | None = None
) -> BusinessCalendar:
    return BusinessCalendar.from_config(tz, WEEKDAYS_8_TO_5, country, subdiv)


LONDON_GB = _calendar("Europe/London", "GB", "ENG")
NEW_YORK_US = _calendar("America/New_York", "US", "NY")
UTC_PLAIN = _calendar("UTC")


def local(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int, second: int = 0
) -> datetime:
    """A local wall time (first occurrence if repeated), as the UTC instant the module returns."""
    return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)


def oracle_minutes_between(cal: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Day-by-day reference: clip each local day's opening hours (converted to UTC) to the range.

    Only valid for calendars whose hours avoid DST gaps (08:00-17:00 does).
    """
    zone = ZoneInfo(cal.timezone)
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    closed: set[date] = set()
    if cal.holiday_country:
        closed = set(
            holidays.country_holidays(
                cal.holiday_country,
                subdiv=cal.holiday_subdiv,
                years=range(day.year, last.year + 1),
            )
        )
    total = timedelta()
    while day <= last:
        span = cal.hours.get(day.weekday())
        if span is not None and day not in closed:
            # Convert to UTC before subtracting: same-tzinfo subtraction is wall-clock time.
            opens = datetime.combine(day, span[0], tzinfo=zone).astimezone(UTC)
            closes = datetime.combine(day, span[1], tzinfo=zone).astimezone(UTC)
            lo, hi = max(opens, start.astimezone(UTC)), min(closes, end.astimezone(UTC))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total / timedelta(minutes=1)


# ----------------------------------------------------------------------------- basics


def test_friday_afternoon_rolls_over_the_weekend_to_monday_morning() -> None:
    start = local(LONDON, 2026, 6, 5, 16, 0)  # Friday, BST all along
    due = LONDON_GB.add_business_minutes(start, 120)
    assert due == local(LONDON, 2026, 6, 8, 9, 0)
    assert due.tzinfo is UTC


def test_target_used_up_exactly_at_closing_is_due_at_closing() -> None:
    start = local(LONDON, 2026, 6, 5, 16, 0)
    assert LONDON_GB.add_business_minutes(start, 60) == local(LONDON, 2026, 6, 5, 17, 0)
    assert LONDON_GB.add_business_minutes(start, 60.5) == local(LONDON, 2026, 6, 8, 8, 0, 30)


def test_start_outside_hours_counts_from_next_opening() -> None:
    saturday = local(LONDON, 2026, 6, 6, 11, 0)
    assert LONDON_GB.add_business_minutes(saturday, 30) == local(LONDON, 2026, 6, 8, 8, 30)
    early = local(LONDON, 2026, 6, 9, 6, 15)  # Tuesday before opening
    assert LONDON_GB.add_business_minutes(early, 30) == local(LONDON, 2026, 6, 9, 8, 30)
    late = local(LONDON, 2026, 6, 9, 17, 0)  # closing time itself is already closed
    assert LONDON_GB.add_business_minutes(late, 30) == local(LONDON, 2026, 6, 10, 8, 30)


def test_zero_minutes_means_next_business_moment() -> None:
    inside = datetime(2026, 6, 9, 10, 17, 3, 123456, tzinfo=LONDON)
    assert LONDON_GB.add_business_minutes(inside, 0) == inside
    assert LONDON_GB.add_business_minutes(inside, 0).tzinfo is UTC
    sunday = local(LONDON, 2026, 6, 7, 12, 0)
    assert LONDON_GB.add_business_minutes(sunday, 0) == local(LONDON, 2026, 6, 8, 8, 0)
    assert LONDON_GB.next_open(sunday) == local(LONDON, 2026, 6, 8, 8, 0)
    assert LONDON_GB.next_open(inside) == inside
    # A positive amount too small to register in float arithmetic behaves like zero, and
    # must not land on the closed day's placeholder interval.
    assert LONDON_GB.add_business_minutes(sunday, 1e-60) == local(LONDON, 2026, 6, 8, 8, 0)


def test_any_input_time_zone_gives_the_same_utc_answer() -> None:
    in_utc = datetime(2026, 6, 5, 15, 0, tzinfo=UTC)
    in_tokyo = in_utc.astimezone(ZoneInfo("Asia/Tokyo"))
    assert LONDON_GB.add_business_minutes(in_tokyo, 120) == LONDON_GB.add_business_minutes(
        in_utc, 120
    )
    assert LONDON_GB.add_business_minutes(in_tokyo, 120).tzinfo is UTC


def test_is_business_time_boundaries() -> None:
    assert LONDON_GB.is_business_time(local(LONDON, 2026, 6, 9, 8, 0))  # opening inclusive
    assert LONDON_GB.is_business_time(local(LONDON, 2026, 6, 9, 16, 59, 59))
    assert not LONDON_GB.is_business_time(local(LONDON, 2026, 6, 9, 17, 0))  # close exclusive
    assert not LONDON_GB.is_business_time(local(LONDON, 2026, 6, 9, 7, 59, 59))
    assert not LONDON_GB.is_business_time(local(LONDON, 2026, 6, 6, 12, 0))  # Saturday
    assert not LONDON_GB.is_business_time(local(LONDON, 2026, 12, 25, 12, 0))  # Christmas
    # 08:30 UTC is 09:30 BST: open, although 08:30 is also "open" read as UTC; 07:30 UTC is
    # 08:30 BST (open) but would be closed read as UTC.
    assert LONDON_GB.is_business_time(datetime(2026, 6, 9, 7, 30, tzinfo=UTC))
    assert not LONDON_GB.is_business_time(datetime(2026, 6, 9, 16, 30, tzinfo=UTC))


def test_business_minutes_between_simple_cases() -> None:
    fri = local(LONDON, 2026, 6, 5, 16, 0)
    mon = local(LONDON, 2026, 6, 8, 9, 0)
    assert LONDON_GB.business_minutes_between(fri, mon) == 120
    assert LONDON_GB.business_minutes_between(mon, fri) == 0
    assert LONDON_GB.business_minutes_between(fri, fri) == 0
    weekend = (local(LONDON, 2026, 6, 6, 0, 0), local(LONDON, 2026, 6, 8, 0, 0))
    assert LONDON_GB.business_minutes_between(*weekend) == 0


# ----------------------------------------------------------------------------- holidays


def test_holidays_package_agrees_with_the_dates_these_tests_rely_on() -> None:
    gb = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    assert gb.get(date(2026, 12, 25)) == "Christmas Day"
    assert gb.get(date(2026, 12, 28)) == "Boxing Day (observed)"  # 26th is a Saturday
    us = holidays.country_holidays("US", subdiv="NY", years=2026)
    assert us.get(date(2026, 7, 3)) == "Independence Day (observed)"  # 4th is a Saturday


def test_christmas_and_observed_boxing_day_are_skipped_in_england() -> None:
    start = local(LONDON, 2026, 12, 24, 16, 0)  # Thursday
    # 60 minutes on the 24th; 25th holiday, weekend, 28th observed Boxing Day.
    assert LONDON_GB.add_business_minutes(start, 120) == local(LONDON, 2026, 12, 29, 9, 0)
    assert UTC_PLAIN.add_business_minutes(
        datetime(2026, 12, 24, 16, 0, tzinfo=UTC), 120
    ) == datetime(2026, 12, 25, 9, 0, tzinfo=UTC)  # no holidays configured: open


def test_observed_independence_day_is_skipped_in_new_york() -> None:
    start = local(NEW_YORK, 2026, 7, 2, 16, 0)  # Thursday
    assert NEW_YORK_US.add_business_minutes(start, 120) == local(NEW_YORK, 2026, 7, 6, 9, 0)
    holiday_noon = local(NEW_YORK, 2026, 7, 3, 12, 0)
    assert not NEW_YORK_US.is_business_time(holiday_noon)
    assert NEW_YORK_US.next_open(holiday_noon) == local(NEW_YORK, 2026, 7, 6, 8, 0)


def test_holiday_is_a_whole_local_day_not_a_utc_day() -> None:
    # 2026-12-24 23:30 in New York is already the 25th in UTC; the 24th is a NY business day
    # until 17:00 local, and the 25th local is closed all day.
    cal = _calendar("America/New_York", "US", "NY")
    assert cal.is_business_time(local(NEW_YORK, 2026, 12, 24, 16, 0))
    assert cal.next_open(local(NEW_YORK, 2026, 12, 24, 23, 30)) == local(
        NEW_YORK, 2026, 12, 28, 8, 0
    )


# ----------------------------------------------------------------------------- DST


@pytest.mark.parametrize(
    ("zone", "friday", "monday"),
    [
        # London spring forward on Sunday 2026-03-29: Friday 16:00 GMT, Monday 09:00 BST.
        (LONDON, (2026, 3, 27), (2026, 3, 30)),
        # London fall back on Sunday 2026-10-25.
        (LONDON, (2026, 10, 23), (2026, 10, 26)),
        # New York spring forward on Sunday 2026-03-08.
        (NEW_YORK, (2026, 3, 6), (2026, 3, 9)),
        # New York fall back on Sunday 2026-11-01.
        (NEW_YORK, (2026, 10, 30), (2026, 11, 2)),
    ],
)
def test_weekend_with_dst_change_keeps_local_opening_hours(
    zone: ZoneInfo, friday: tuple[int, int, int], monday: tuple[int, int, int]
) -> None:
    cal = _calendar(str(zone))
    start = local(zone, *friday, 16, 0)
    due = cal.add_business_minutes(start, 120)
    assert due == local(zone, *monday, 9, 0)
    assert cal.business_minutes_between(start, due) == 120


def test_dst_expected_utc_values_written_out() -> None:
    london = _calendar("Europe/London")
    assert london.add_business_minutes(datetime(2026, 3, 27, 16, 0, tzinfo=UTC), 120) == datetime(
        2026, 3, 30, 8, 0, tzinfo=UTC
    )
    assert london.add_business_minutes(datetime(2026, 10, 23, 15, 0, tzinfo=UTC), 120) == (
        datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    )
    new_york = _calendar("America/New_York")
    assert new_york.add_business_minutes(datetime(2026, 3, 6, 21, 0, tzinfo=UTC), 120) == (
        datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    )
    assert new_york.add_business_minutes(datetime(2026, 10, 30, 20, 0, tzinfo=UTC), 120) == (
        datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("tz", "spring", "fall"),
    [
        ("Europe/London", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_hours_spanning_the_clock_change_count_real_minutes(
    tz: str, spring: date, fall: date
) -> None:
    """Sunday 00:00-06:00 local is 5 real hours on spring-forward day and 7 on fall-back day."""
    cal = BusinessCalendar(tz, {6: (time(0, 0), time(6, 0))})
    zone = ZoneInfo(tz)

    def whole_day(day: date) -> float:
        begin = datetime.combine(day, time(0, 0), tzinfo=zone)
        return cal.business_minutes_between(begin, begin + timedelta(days=2))

    assert whole_day(spring) == 300
    assert whole_day(fall) == 420
    assert whole_day(spring + timedelta(days=7)) == 360
    # Adding the whole day's business time lands exactly on closing time (06:00 local).
    open_spring = local(zone, spring.year, spring.month, spring.day, 0, 0)
    assert cal.add_business_minutes(open_spring, 300) == local(
        zone, spring.year, spring.month, spring.day, 6, 0
    )
    open_fall = local(zone, fall.year, fall.month, fall.day, 0, 0)
    assert cal.add_business_minutes(open_fall, 420) == local(
        zone, fall.year, fall.month, fall.day, 6, 0
    )


def test_minutes_across_the_spring_forward_jump_are_real_minutes() -> None:
    cal = BusinessCalendar("Europe/London", {6: (time(0, 0), time(6, 0))})
    midnight = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)  # 00:00 GMT
    # Two real hours after midnight: 02:00 UTC, which the wall clock shows as 03:00 BST.
    assert cal.add_business_minutes(midnight, 120) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)


def test_opening_time_inside_the_spring_forward_gap_opens_at_the_jump() -> None:
    # New York 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 never happens.
    cal = BusinessCalendar("America/New_York", {6: (time(2, 30), time(5, 0))})
    sunday_midnight = local(NEW_YORK, 2026, 3, 8, 0, 0)
    assert cal.next_open(sunday_midnight) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert cal.business_minutes_between(sunday_midnight, sunday_midnight + timedelta(1)) == 120
    # The Sunday after is an ordinary 150-minute day.
    assert cal.next_open(sunday_midnight + timedelta(days=1)) == local(NEW_YORK, 2026, 3, 15, 2, 30)


def test_ambiguous_fall_back_times_use_the_first_occurrence() -> None:
    # New York 2026-11-01: 01:00-02:00 happens twice (EDT, then EST).
    cal = BusinessCalendar("America/New_York", {6: (time(1, 30), time(3, 0))})
    sunday_midnight = local(NEW_YORK, 2026, 11, 1, 0, 0)
    assert cal.next_open(sunday_midnight) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    # 01:30 EDT (05:30 UTC) to 03:00 EST (08:00 UTC) is 150 real minutes.
    assert cal.business_minutes_between(sunday_midnight, sunday_midnight + timedelta(1)) == 150


# ----------------------------------------------------------------------------- long spans


def test_minutes_spanning_several_weeks() -> None:
    monday = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    week = 5 * 9 * 60
    # Exactly seven working weeks end at Friday closing time of the seventh week...
    assert UTC_PLAIN.add_business_minutes(monday, 7 * week) == datetime(
        2026, 2, 20, 17, 0, tzinfo=UTC
    )
    # ...and one more minute is Monday 08:01.
    assert UTC_PLAIN.add_business_minutes(monday, 7 * week + 1) == datetime(
        2026, 2, 23, 8, 1, tzinfo=UTC
    )
    assert UTC_PLAIN.business_minutes_between(monday, datetime(2026, 2, 23, 8, 1, tzinfo=UTC)) == (
        7 * week + 1
    )


def test_large_minute_counts_across_years_match_the_oracle() -> None:
    start = local(LONDON, 2025, 11, 3, 12, 0)
    for minutes in (100_000, 250_000.5):
        due = LONDON_GB.add_business_minutes(start, minutes)
        assert due - start > timedelta(days=250 * minutes / 100_000)  # weekends add ~40%
        assert oracle_minutes_between(LONDON_GB, start, due) == pytest.approx(minutes, abs=1e-6)
        # Earliest such moment: a millisecond before, the target is not met yet.
        assert oracle_minutes_between(LONDON_GB, start, due - timedelta(milliseconds=1)) < minutes


def test_a_calendar_with_no_usable_day_fails_instead_of_looping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cal = _calendar("Europe/London", "GB")

    def every_day_a_holiday(self: BusinessCalendar, year: int) -> frozenset[date]:
        first = date(year, 1, 1)
        return frozenset(first + timedelta(days=n) for n in range(366))

    monkeypatch.setattr(BusinessCalendar, "_holiday_dates", every_day_a_holiday)
    with pytest.raises(ValueError, match="no business time"):
        cal.add_business_minutes(datetime(2026, 6, 1, tzinfo=UTC), 10)
    with pytest.raises(ValueError, match="no business time"):
        cal.next_open(datetime(2026, 6, 1, tzinfo=UTC))


def test_bad_minute_values_are_refused() -> None:
    start = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    for bad in (-1, math.nan, math.inf, 10**12):
        with pytest.raises(ValueError, match="minutes"):
            LONDON_GB.add_business_minutes(start, bad)
    with pytest.raises(ValueError, match="minutes must be a number"):
        LONDON_GB.add_business_minutes(start, "60")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="minutes must be a number"):
        LONDON_GB.add_business_minutes(start, True)


# ----------------------------------------------------------------------------- properties

_starts = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
)
_minutes = st.one_of(
    st.integers(min_value=0, max_value=60_000),
    st.floats(min_value=0, max_value=60_000, allow_nan=False, allow_infinity=False),
)
_calendars = st.sampled_from([LONDON_GB, NEW_YORK_US, UTC_PLAIN])


@settings(max_examples=300, deadline=None)
@given(cal=_calendars, start=_starts, minutes=_minutes)
def test_business_minutes_between_inverts_add_business_minutes(
    cal: BusinessCalendar, start: datetime, minutes: float
) -> None:
    due = cal.add_business_minutes(start, minutes)
    assert due.tzinfo is UTC
    assert due >= start
    assert abs(cal.business_minutes_between(start, due) - minutes) < 1e-6


@settings(max_examples=150, deadline=None)
@given(cal=_calendars, start=_starts, minutes=_minutes)
def test_add_business_minutes_agrees_with_the_day_by_day_oracle(
    cal: BusinessCalendar, start: datetime, minutes: float
) -> None:
    due = cal.add_business_minutes(start, minutes)
    assert oracle_minutes_between(cal, start, due) == pytest.approx(minutes, abs=1e-6)
    if minutes > 0:
        earlier = due - timedelta(milliseconds=1)
        assert oracle_minutes_between(cal, start, earlier) < minutes
    else:
        assert due == cal.next_open(start)
        assert cal.is_business_time(due)


@settings(max_examples=150, deadline=None)
@given(
    cal=_calendars,
    start=_starts,
    span=st.timedeltas(min_value=timedelta(days=-1), max_value=timedelta(days=400)),
)
def test_business_minutes_between_agrees_with_the_oracle(
    cal: BusinessCalendar, start: datetime, span: timedelta
) -> None:
    end = start + span
    expected = oracle_minutes_between(cal, start, end) if end > start else 0.0
    assert cal.business_minutes_between(start, end) == pytest.approx(expected, abs=1e-6)


# ----------------------------------------------------------------------------- 24x7


def test_always_open_counts_every_minute_and_ignores_holidays() -> None:
    cal = BusinessCalendar("Europe/London", {}, "GB", "ENG", always_open=True)
    christmas = local(LONDON, 2026, 12, 25, 3, 0)
    assert cal.is_business_time(christmas)
    assert cal.next_open(christmas) == christmas
    assert cal.add_business_minutes(christmas, 90.5) == christmas + timedelta(minutes=90.5)
    # Across the fall-back night: 24 wall-clock hours are 25 real ones, and all count.
    before = local(LONDON, 2026, 10, 24, 12, 0)
    after = local(LONDON, 2026, 10, 25, 12, 0)
    assert cal.business_minutes_between(before, after) == 25 * 60
    assert cal.add_business_minutes(before, 25 * 60) == after
    assert cal.add_business_minutes(before, 0).tzinfo is UTC


# ----------------------------------------------------------------------------- config


def test_from_config_and_to_config_round_trip() -> None:
    hours = {"0": ["08:00", "17:30"], "2": ["09:15", "12:00"], "5": ["10:00", "14:00:30"]}
    cal = BusinessCalendar.from_config("Europe/Paris", hours, "FR", None)
    assert cal.hours == {
        0: (time(8, 0), time(17, 30)),
        2: (time(9, 15), time(12, 0)),
        5: (time(10, 0), time(14, 0, 30)),
    }
    assert cal.to_config() == hours
    again = BusinessCalendar.from_config("Europe/Paris", cal.to_config(), "FR", None)
    assert again == cal
    assert hash(again) == hash(cal)
    assert {cal: "paris"}[again] == "paris"


def test_holiday_codes_are_normalised_to_what_holidays_expects() -> None:
    cal = BusinessCalendar.from_config("Europe/London", WEEKDAYS_8_TO_5, " gb ", "eng")
    assert (cal.holiday_country, cal.holiday_subdiv) == ("GB", "ENG")
    blank = BusinessCalendar.from_config("Europe/London", WEEKDAYS_8_TO_5, "", "")
    assert (blank.holiday_country, blank.holiday_subdiv) == (None, None)
    assert blank.is_business_time(local(LONDON, 2026, 12, 25, 12, 0))


@pytest.mark.parametrize(
    ("tz", "hours", "country", "subdiv", "message"),
    [
        ("Europe/Londn", WEEKDAYS_8_TO_5, None, None, "Unknown time zone 'Europe/Londn'"),
        ("", WEEKDAYS_8_TO_5, None, None, "needs a time zone"),
        ("Europe/London", {"0": ["8am", "17:00"]}, None, None, "Monday: '8am' is not a time"),
        ("Europe/London", {"1": ["08:00", "25:00"]}, None, None, "Tuesday: '25:00'"),
        ("Europe/London", {"1": ["08:00", "24:00"]}, None, None, "use '23:59'"),
        ("Europe/London", {"1": ["08:60", "17:00"]}, None, None, "'08:60' is not a valid"),
        ("Europe/London", {"4": ["17:00", "08:00"]}, None, None, "Friday: opens at 17:00"),
        ("Europe/London", {"4": ["09:00", "09:00"]}, None, None, "must be before the closing"),
        ("Europe/London", {"7": ["08:00", "17:00"]}, None, None, "weekday '7' is not 0"),
        ("Europe/London", {"mon": ["08:00", "17:00"]}, None, None, "weekday 'mon'"),
        ("Europe/London", {"0": ["08:00"]}, None, None, r"Monday: expected \["),
        ("Europe/London", {}, None, None, "at least one business day"),
        ("Europe/London", WEEKDAYS_8_TO_5, "XX", None, "Unknown holiday country 'XX'"),
        ("Europe/London", WEEKDAYS_8_TO_5, "GB", "ZZZ", "subdivision 'ZZZ'.*ENG"),
        ("Europe/London", WEEKDAYS_8_TO_5, None, "ENG", "without a holiday country"),
    ],
)
def test_bad_config_is_refused_with_a_clear_message(
    tz: str,
    hours: dict[str, list[str]],
    country: str | None,
    subdiv: str | None,
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_config(tz, hours, country, subdiv)


def test_direct_construction_is_validated_too() -> None:
    with pytest.raises(ValueError, match="at least one business day"):
        BusinessCalendar("Europe/London", {})
    with pytest.raises(ValueError, match="opening time must be before"):
        BusinessCalendar("Europe/London", {0: (time(17, 0), time(8, 0))})
    with pytest.raises(ValueError, match="weekday 9"):
        BusinessCalendar("Europe/London", {9: (time(8, 0), time(17, 0))})
    with pytest.raises(ValueError, match="Unknown time zone"):
        BusinessCalendar("Mars/Olympus_Mons", {0: (time(8, 0), time(17, 0))})


# ----------------------------------------------------------------------------- naive input


def test_naive_datetimes_are_refused_everywhere() -> None:
    naive = datetime(2026, 6, 1, 9, 0)
    aware = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    for cal in (LONDON_GB, BusinessCalendar("UTC", {}, always_open=True)):
        with pytest.raises(ValueError, match="timezone-aware"):
            cal.add_business_minutes(naive, 10)
        with pytest.raises(ValueError, match="timezone-aware"):
            cal.business_minutes_between(naive, aware)
        with pytest.raises(ValueError, match="timezone-aware"):
            cal.business_minutes_between(aware, naive)
        with pytest.raises(ValueError, match="timezone-aware"):
            cal.is_business_time(naive)
        with pytest.raises(ValueError, match="timezone-aware"):
            cal.next_open(naive)
