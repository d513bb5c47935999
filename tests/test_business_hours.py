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

from app import business_hours
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
SPLIT_8_TO_5 = {str(day): [["08:00", "12:00"], ["13:00", "17:00"]] for day in range(5)}
# Split shifts, holidays and a few closures (one crossing a year end, one overlapping Christmas).
LONDON_SPLIT_CLOSED = BusinessCalendar.from_config(
    "Europe/London",
    SPLIT_8_TO_5,
    "GB",
    "ENG",
    ["2026-06-09", ["2026-08-03", "2026-08-07"], ["2026-12-24", "2027-01-08"], "2028-02-29"],
)


def local(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int, second: int = 0
) -> datetime:
    """A local wall time (first occurrence if repeated), as the UTC instant the module returns."""
    return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)


def oracle_minutes_between(cal: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Day-by-day reference: clip each local day's open intervals (converted to UTC) to the range.

    Only valid for calendars whose hours avoid DST gaps (08:00-17:00 and 08-12 / 13-17 do).
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
    for first, closed_last in cal.closures:  # normalised to (first, last) ranges
        closed.update(first + timedelta(days=n) for n in range((closed_last - first).days + 1))
    total = timedelta()
    while day <= last:
        for span in () if day in closed else cal.shifts.get(day.weekday(), ()):
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


# ----------------------------------------------------------------------------- split shifts

LONDON_SPLIT = BusinessCalendar.from_config("Europe/London", SPLIT_8_TO_5, "GB", "ENG")


def test_split_day_target_skips_the_lunch_gap() -> None:
    logged = local(LONDON, 2026, 6, 9, 11, 0)  # Tuesday
    # 60 minutes before lunch, 180 after it.
    assert LONDON_SPLIT.add_business_minutes(logged, 240) == local(LONDON, 2026, 6, 9, 16, 0)
    # Used up exactly at the start of lunch: due then, not after lunch.
    assert LONDON_SPLIT.add_business_minutes(logged, 60) == local(LONDON, 2026, 6, 9, 12, 0)
    assert LONDON_SPLIT.add_business_minutes(logged, 61) == local(LONDON, 2026, 6, 9, 13, 1)


def test_split_day_logged_in_the_lunch_gap_counts_from_the_afternoon() -> None:
    lunch = local(LONDON, 2026, 6, 9, 12, 30)
    assert LONDON_SPLIT.add_business_minutes(lunch, 60) == local(LONDON, 2026, 6, 9, 14, 0)
    assert LONDON_SPLIT.add_business_minutes(lunch, 240) == local(LONDON, 2026, 6, 9, 17, 0)
    assert LONDON_SPLIT.add_business_minutes(lunch, 241) == local(LONDON, 2026, 6, 10, 8, 1)
    assert LONDON_SPLIT.add_business_minutes(lunch, 0) == local(LONDON, 2026, 6, 9, 13, 0)
    assert LONDON_SPLIT.next_open(lunch) == local(LONDON, 2026, 6, 9, 13, 0)
    assert LONDON_SPLIT.next_open(local(LONDON, 2026, 6, 9, 12, 0)) == local(
        LONDON, 2026, 6, 9, 13, 0
    )


def test_split_day_business_time_and_minutes_between_exclude_the_gap() -> None:
    assert LONDON_SPLIT.is_business_time(local(LONDON, 2026, 6, 9, 11, 59, 59))
    assert not LONDON_SPLIT.is_business_time(local(LONDON, 2026, 6, 9, 12, 0))
    assert not LONDON_SPLIT.is_business_time(local(LONDON, 2026, 6, 9, 12, 30))
    assert LONDON_SPLIT.is_business_time(local(LONDON, 2026, 6, 9, 13, 0))
    morning, afternoon = local(LONDON, 2026, 6, 9, 11, 0), local(LONDON, 2026, 6, 9, 14, 0)
    assert LONDON_SPLIT.business_minutes_between(morning, afternoon) == 120
    assert (
        LONDON_SPLIT.business_minutes_between(
            local(LONDON, 2026, 6, 9, 12, 10), local(LONDON, 2026, 6, 9, 12, 50)
        )
        == 0
    )
    whole_week = (local(LONDON, 2026, 6, 8, 0, 0), local(LONDON, 2026, 6, 13, 0, 0))
    assert LONDON_SPLIT.business_minutes_between(*whole_week) == 5 * 8 * 60


def test_a_day_may_mix_with_single_interval_days() -> None:
    hours = {
        "0": ["08:00", "17:00"],
        "2": [["07:00", "09:00"], ["10:00", "11:00"], ["20:00", "22:00"]],
    }
    cal = BusinessCalendar.from_config("UTC", hours, None, None)
    wednesday = datetime(2026, 6, 10, 0, 0, tzinfo=UTC)
    assert cal.business_minutes_between(wednesday, wednesday + timedelta(days=1)) == 300
    assert cal.add_business_minutes(wednesday, 180) == datetime(2026, 6, 10, 11, 0, tzinfo=UTC)
    assert cal.add_business_minutes(wednesday, 181) == datetime(2026, 6, 10, 20, 1, tzinfo=UTC)
    assert cal.next_open(datetime(2026, 6, 10, 22, 0, tzinfo=UTC)) == datetime(
        2026, 6, 15, 8, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("zone", "friday", "monday"),
    [
        (LONDON, (2026, 3, 27), (2026, 3, 30)),  # spring forward on Sunday 29 March
        (LONDON, (2026, 10, 23), (2026, 10, 26)),  # fall back on Sunday 25 October
        (NEW_YORK, (2026, 3, 6), (2026, 3, 9)),  # spring forward on Sunday 8 March
        (NEW_YORK, (2026, 10, 30), (2026, 11, 2)),  # fall back on Sunday 1 November
    ],
)
def test_split_day_across_a_dst_weekend_keeps_wall_clock_opening_times(
    zone: ZoneInfo, friday: tuple[int, int, int], monday: tuple[int, int, int]
) -> None:
    cal = BusinessCalendar.from_config(str(zone), SPLIT_8_TO_5, None, None)
    start = local(zone, *friday, 15, 0)
    # Friday 15-17 (120), Monday 08-12 (240), then 60 of the afternoon: 14:00 local.
    due = cal.add_business_minutes(start, 420)
    assert due == local(zone, *monday, 14, 0)
    assert cal.business_minutes_between(start, due) == 420
    assert cal.next_open(local(zone, *monday, 12, 15)) == local(zone, *monday, 13, 0)


def test_split_day_dst_values_written_out_in_utc() -> None:
    london = BusinessCalendar.from_config("Europe/London", SPLIT_8_TO_5, None, None)
    # Friday 15:00 GMT; Monday after the spring-forward is BST, so 14:00 local is 13:00 UTC.
    assert london.add_business_minutes(datetime(2026, 3, 27, 15, 0, tzinfo=UTC), 420) == (
        datetime(2026, 3, 30, 13, 0, tzinfo=UTC)
    )
    new_york = BusinessCalendar.from_config("America/New_York", SPLIT_8_TO_5, None, None)
    # Friday 15:00 EDT is 19:00 UTC; Monday after the fall-back is EST, 14:00 is 19:00 UTC.
    assert new_york.add_business_minutes(datetime(2026, 10, 30, 19, 0, tzinfo=UTC), 420) == (
        datetime(2026, 11, 2, 19, 0, tzinfo=UTC)
    )


def test_split_sunday_shifts_on_the_night_the_clocks_go_forward() -> None:
    # London 2026-03-29: 01:00 GMT jumps to 02:00 BST. 01:30 never happens, so the first
    # interval closes at the jump (01:00 UTC), the very instant the second one opens.
    cal = BusinessCalendar(
        "Europe/London", {6: [(time(0, 30), time(1, 30)), (time(2, 0), time(3, 0))]}
    )
    midnight = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert cal.business_minutes_between(midnight, midnight + timedelta(days=1)) == 90
    assert cal.add_business_minutes(midnight, 30) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert cal.add_business_minutes(midnight, 31) == datetime(2026, 3, 29, 1, 1, tzinfo=UTC)
    assert cal.is_business_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert cal.add_business_minutes(midnight, 90) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)


def test_split_sunday_shifts_on_the_night_the_clocks_go_back() -> None:
    # London 2026-10-25: 02:00 BST falls back to 01:00 GMT; 01:30 is taken at its first (BST)
    # occurrence, 00:30 UTC, and 02:00 GMT is 02:00 UTC: the gap between is 90 real minutes.
    cal = BusinessCalendar(
        "Europe/London", {6: [(time(0, 30), time(1, 30)), (time(2, 0), time(3, 0))]}
    )
    saturday_evening = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert cal.next_open(saturday_evening) == datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    gap = datetime(2026, 10, 25, 0, 45, tzinfo=UTC)
    assert not cal.is_business_time(gap)
    assert cal.next_open(gap) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    assert cal.business_minutes_between(saturday_evening, saturday_evening + timedelta(1)) == 120


def test_ten_years_of_minutes_cost_one_table_per_year_and_one_search_per_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No loop per minute, day or interval: a table per year touched and a binary search in it."""
    cal = BusinessCalendar.from_config("Europe/London", SPLIT_8_TO_5, "GB", "ENG")
    built: list[int] = []
    searches: list[int] = []
    build_year, search = BusinessCalendar._build_year, business_hours.bisect_left

    def counting_build(self: BusinessCalendar, year: int) -> object:
        built.append(year)
        return build_year(self, year)

    def counting_search(values: list[float], target: float, lo: int) -> int:
        searches.append(lo)
        return search(values, target, lo)

    monkeypatch.setattr(BusinessCalendar, "_build_year", counting_build)
    monkeypatch.setattr(business_hours, "bisect_left", counting_search)
    start = local(LONDON, 2026, 1, 5, 9, 0)
    ten_years = 10 * 52 * 5 * 8 * 60
    due = cal.add_business_minutes(start, ten_years)
    assert due.year == 2036
    assert built == list(range(2026, 2037))
    assert len(searches) == 1  # years before the target's are skipped on their totals
    assert cal.business_minutes_between(start, due) == pytest.approx(ten_years, abs=1e-6)
    # One table entry per open interval: two a working day, none on weekends or holidays.
    gb = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    working_days = sum(
        1
        for n in range(365)
        if (day := date(2026, 1, 1) + timedelta(days=n)).weekday() < 5 and day not in gb
    )
    assert len(cal._year(2026).opens) == 2 * working_days


# ----------------------------------------------------------------------------- site closures


def test_a_closed_day_is_skipped_like_a_holiday() -> None:
    cal = BusinessCalendar.from_config(
        "Europe/London", WEEKDAYS_8_TO_5, "GB", "ENG", ["2026-06-09"]
    )
    monday = local(LONDON, 2026, 6, 8, 16, 0)
    assert cal.add_business_minutes(monday, 120) == local(LONDON, 2026, 6, 10, 9, 0)
    closed_noon = local(LONDON, 2026, 6, 9, 12, 0)
    assert not cal.is_business_time(closed_noon)
    assert cal.next_open(closed_noon) == local(LONDON, 2026, 6, 10, 8, 0)
    assert cal.business_minutes_between(monday, local(LONDON, 2026, 6, 10, 9, 0)) == 120
    assert LONDON_GB.is_business_time(closed_noon)  # the same hours without the closure


def test_a_range_of_closed_days_is_skipped() -> None:
    move = BusinessCalendar(
        "Europe/London",
        {day: (time(8, 0), time(17, 0)) for day in range(5)},
        closures=[(date(2026, 8, 3), date(2026, 8, 7))],  # Monday to Friday
    )
    friday = local(LONDON, 2026, 7, 31, 16, 0)
    due = move.add_business_minutes(friday, 120)
    assert due == local(LONDON, 2026, 8, 10, 9, 0)
    assert move.business_minutes_between(friday, due) == 120
    for day in range(3, 8):
        assert not move.is_business_time(local(LONDON, 2026, 8, day, 12, 0))


def test_closures_and_holidays_together() -> None:
    cal = BusinessCalendar.from_config(
        "Europe/London", WEEKDAYS_8_TO_5, "GB", "ENG", [["2026-12-24", "2026-12-31"]]
    )
    # 23rd (Wednesday) 16:00: an hour that day; 24th-31st closed (with Christmas and the
    # observed Boxing Day inside), 1 January a holiday, so Monday 4 January 2027.
    start = local(LONDON, 2026, 12, 23, 16, 0)
    assert cal.add_business_minutes(start, 120) == local(LONDON, 2027, 1, 4, 9, 0)
    assert cal.business_minutes_between(start, local(LONDON, 2027, 1, 4, 9, 0)) == 120


def test_a_year_long_closure_is_not_mistaken_for_a_calendar_without_business_time() -> None:
    cal = BusinessCalendar.from_config(
        "UTC", WEEKDAYS_8_TO_5, None, None, [["2027-01-01", "2027-12-31"]]
    )
    start = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # Thursday
    assert cal.add_business_minutes(start, 120) == datetime(2028, 1, 3, 9, 0, tzinfo=UTC)


def test_a_24x7_calendar_ignores_closures() -> None:
    cal = BusinessCalendar("UTC", {}, always_open=True, closures=[date(2026, 6, 9)])
    noon = datetime(2026, 6, 9, 12, 0, tzinfo=UTC)
    assert cal.is_business_time(noon)
    assert cal.add_business_minutes(noon, 30) == noon + timedelta(minutes=30)


def test_closures_are_part_of_equality_and_hash() -> None:
    shapes = [
        ["2026-08-03", ["2026-08-04", "2026-08-06"], "2026-08-05", "2026-08-07"],
        [["2026-08-03", "2026-08-07"]],
    ]
    one, other = (
        BusinessCalendar.from_config("Europe/London", WEEKDAYS_8_TO_5, "GB", "ENG", closures)
        for closures in shapes
    )
    assert one == other
    assert hash(one) == hash(other)
    assert one.closures == ((date(2026, 8, 3), date(2026, 8, 7)),)
    assert one.closures_to_config() == [["2026-08-03", "2026-08-07"]]
    assert one != LONDON_GB
    assert {LONDON_GB: "plain", one: "closed"}[other] == "closed"
    direct = BusinessCalendar(
        "Europe/London",
        {day: (time(8, 0), time(17, 0)) for day in range(5)},
        "GB",
        "ENG",
        closures=[(date(2026, 8, 3), date(2026, 8, 7))],
    )
    assert direct == one


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
_calendars = st.sampled_from([LONDON_GB, NEW_YORK_US, UTC_PLAIN, LONDON_SPLIT_CLOSED])


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


def test_old_single_interval_config_round_trips_unchanged() -> None:
    cal = BusinessCalendar.from_config("Europe/London", WEEKDAYS_8_TO_5, "GB", "ENG")
    assert cal.to_config() == WEEKDAYS_8_TO_5
    assert cal.closures == ()
    assert cal.closures_to_config() == []
    assert cal.shifts[0] == ((time(8, 0), time(17, 0)),)
    # A one-interval day given in the new form is the same calendar, written in the old form.
    nested = {key: [span] for key, span in WEEKDAYS_8_TO_5.items()}
    again = BusinessCalendar.from_config("Europe/London", nested, "GB", "ENG")
    assert again == cal
    assert again.to_config() == WEEKDAYS_8_TO_5


def test_split_config_and_closures_round_trip() -> None:
    hours = {"0": [["08:00", "12:00"], ["13:00", "17:30"]], "3": ["09:00", "12:00"]}
    closures = ["2026-06-09", ["2026-08-03", "2026-08-07"]]
    cal = BusinessCalendar.from_config("Europe/Paris", hours, "FR", None, closures)
    assert cal.hours == {
        0: ((time(8, 0), time(12, 0)), (time(13, 0), time(17, 30))),
        3: (time(9, 0), time(12, 0)),
    }
    assert cal.to_config() == hours
    assert cal.closures_to_config() == closures
    again = BusinessCalendar.from_config(
        "Europe/Paris", cal.to_config(), "FR", None, cal.closures_to_config()
    )
    assert again == cal
    assert hash(again) == hash(cal)


def test_direct_construction_accepts_a_pair_or_a_list_of_pairs() -> None:
    pair = BusinessCalendar("UTC", {0: (time(8, 0), time(17, 0))})
    listed = BusinessCalendar("UTC", {0: [(time(8, 0), time(17, 0))]})
    assert pair == listed
    assert hash(pair) == hash(listed)
    split = BusinessCalendar("UTC", {0: [[time(8, 0), time(12, 0)], (time(13, 0), time(17, 0))]})
    assert split.shifts == {0: ((time(8, 0), time(12, 0)), (time(13, 0), time(17, 0)))}
    assert split != pair


@pytest.mark.parametrize(
    ("hours", "closures", "message"),
    [
        (
            {"1": [["08:00", "13:00"], ["12:30", "14:00"]]},
            None,
            "Tuesday: 12:30-14:00 overlaps 08:00-13:00",
        ),
        (
            {"1": [["08:00", "12:00"], ["09:00", "10:00"]]},
            None,
            "Tuesday: 09:00-10:00 overlaps 08:00-12:00",
        ),
        (
            {"2": [["08:00", "12:00"], ["12:00", "17:00"]]},
            None,
            "Wednesday: 08:00-12:00 and 12:00-17:00 touch; give them as one interval 08:00-17:00",
        ),
        (
            {"3": [["13:00", "17:00"], ["08:00", "12:00"]]},
            None,
            "Thursday: 08:00-12:00 is listed after 13:00-17:00; list a day's intervals from",
        ),
        (
            {"4": [["08:00", "12:00"], ["17:00", "13:00"]]},
            None,
            "Friday: opens at 17:00 but closes at 13:00",
        ),
        (
            {"0": [[f"{h:02d}:00", f"{h:02d}:30"] for h in range(8, 13)]},
            None,
            "Monday: 5 intervals given; at most 4 a day",
        ),
        ({"0": [["08:00", "12:00"], ["13:00"]]}, None, r"Monday: expected \["),
        ({"0": []}, None, r"Monday: expected \["),
        ({"0": [["08:00", "12:00"], ["1pm", "17:00"]]}, None, "Monday: '1pm' is not a time"),
        (WEEKDAYS_8_TO_5, ["2026-02-30"], "Site closures: 2026-02-30 is not a date"),
        (WEEKDAYS_8_TO_5, ["next Tuesday"], "next Tuesday is not a date"),
        (WEEKDAYS_8_TO_5, ["2026-W05-1"], r"2026-W05-1 is not a date \(use YYYY-MM-DD"),
        (WEEKDAYS_8_TO_5, [20260301], "20260301 is not a date"),
        (
            WEEKDAYS_8_TO_5,
            [["2026-03-10", "2026-03-01"]],
            "the range 2026-03-10 to 2026-03-01 ends before it starts",
        ),
        (WEEKDAYS_8_TO_5, [["2026-03-10"]], "is not a range; give the first and the last"),
        (WEEKDAYS_8_TO_5, "2026-03-01", "Site closures must be a list"),
    ],
)
def test_bad_split_hours_and_closures_are_refused_with_a_clear_message(
    hours: dict[str, list[str]], closures: list[str] | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_config("Europe/London", hours, None, None, closures)


def test_direct_construction_validates_split_hours_and_closures() -> None:
    nine, noon, one = time(9, 0), time(12, 0), time(13, 0)
    with pytest.raises(ValueError, match="Sunday: 09:00-13:00 overlaps 09:00-12:00"):
        BusinessCalendar("UTC", {6: [(nine, noon), (nine, one)]})
    with pytest.raises(ValueError, match=r"Sunday: expected \(opens, closes\) times"):
        BusinessCalendar("UTC", {6: [(nine, noon), "13:00-17:00"]})  # type: ignore[list-item]
    with pytest.raises(
        ValueError, match=r"Site closures: datetime\.datetime\(.*\) is neither a date"
    ):
        BusinessCalendar("UTC", {0: (nine, noon)}, closures=[datetime(2026, 6, 9, tzinfo=UTC)])
    with pytest.raises(ValueError, match="ends before it starts"):
        BusinessCalendar("UTC", {0: (nine, noon)}, closures=[(date(2026, 6, 9), date(2026, 6, 1))])
    with pytest.raises(ValueError, match="collection of dates"):
        BusinessCalendar("UTC", {0: (nine, noon)}, closures=date(2026, 6, 9))  # type: ignore[arg-type]


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
