"""Maintenance recurrence (app/maintenance/recurrence.py): hand-checked dates (2nd Tuesday,
last Friday, the 31st in short months, 29 February, a 5th Monday), wall-clock times across
spring-forward and fall-back in two time zones, a series expanded from a later anchor giving
the same dates as from its start, RRULE text both ways, the words, and refused schedules."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from app.errors import ValidationError
from app.maintenance.recurrence import (
    Frequency,
    Recurrence,
    check_schedule,
    describe,
    from_rrule,
    gives,
    local_dates,
    occurrences,
    to_rrule,
)

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
MONDAY, TUESDAY, FRIDAY, SUNDAY = 0, 1, 4, 6


def in_2026(*days: tuple[int, int]) -> list[date]:
    return [date(2026, month, day) for month, day in days]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local_days(
    recurrence: Recurrence, start: datetime, until: datetime, zone: ZoneInfo = LONDON
) -> list[date]:
    """The local days of the series' occurrences from ``start`` to ``until`` (local)."""
    found = occurrences(
        to_rrule(recurrence),
        start,
        zone,
        start.replace(tzinfo=zone).astimezone(UTC),
        until.replace(tzinfo=zone).astimezone(UTC),
    )
    return [moment.astimezone(zone).date() for moment in found]


@pytest.mark.parametrize(
    ("recurrence", "start", "expected"),
    [
        (  # the 2nd Tuesday
            Recurrence(Frequency.MONTHLY, nth=2, weekday=TUESDAY),
            datetime(2026, 1, 1, 22),
            in_2026((1, 13), (2, 10), (3, 10), (4, 14), (5, 12)),
        ),
        (  # the last Friday
            Recurrence(Frequency.MONTHLY, nth=-1, weekday=FRIDAY),
            datetime(2026, 1, 1, 22),
            in_2026((1, 30), (2, 27), (3, 27), (4, 24), (5, 29)),
        ),
        (  # the 31st: months without one are skipped
            Recurrence(Frequency.MONTHLY, month_day=31),
            datetime(2026, 1, 1, 22),
            [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31)],
        ),
        (  # the last day of the month
            Recurrence(Frequency.MONTHLY, month_day=-1),
            datetime(2026, 1, 1, 22),
            in_2026((1, 31), (2, 28), (3, 31), (4, 30), (5, 31)),
        ),
        (  # a 5th Monday: only in months that have one
            Recurrence(Frequency.MONTHLY, nth=5, weekday=MONDAY),
            datetime(2026, 1, 1, 22),
            [date(2026, 3, 30)],
        ),
        (  # every quarter on the 15th, from February
            Recurrence(Frequency.MONTHLY, interval=3, month_day=15),
            datetime(2026, 2, 1, 22),
            [date(2026, 2, 15), date(2026, 5, 15)],
        ),
    ],
)
def test_monthly_patterns_fall_on_the_hand_checked_days(
    recurrence: Recurrence, start: datetime, expected: list[date]
) -> None:
    assert local_days(recurrence, start, datetime(2026, 6, 1)) == expected


def test_29_february_comes_round_in_leap_years_only_and_a_5th_monday_when_there_is_one() -> None:
    leap = Recurrence(Frequency.YEARLY, month=2, month_day=29)
    assert local_days(leap, datetime(2024, 2, 29, 9), datetime(2033, 1, 1)) == [
        date(2024, 2, 29),
        date(2028, 2, 29),
        date(2032, 2, 29),
    ]
    fifth = Recurrence(Frequency.MONTHLY, nth=5, weekday=MONDAY)
    assert local_days(fifth, datetime(2026, 1, 1, 9), datetime(2027, 1, 1)) == [
        date(2026, 3, 30),
        date(2026, 6, 29),
        date(2026, 8, 31),
        date(2026, 11, 30),
    ]


def test_the_wall_clock_time_holds_across_the_clock_changes_in_two_zones() -> None:
    daily = to_rrule(Recurrence(Frequency.DAILY))
    # 22:00 in London before and after spring forward (29 March 2026).
    found = occurrences(
        daily, datetime(2026, 3, 27, 22), LONDON, utc(2026, 3, 28), utc(2026, 3, 31)
    )
    assert found == [utc(2026, 3, 28, 22), utc(2026, 3, 29, 21), utc(2026, 3, 30, 21)]

    sundays = to_rrule(Recurrence(Frequency.WEEKLY, weekdays=(SUNDAY,)))
    # 01:30 happens twice on the fall-back night: the first one counts (BST, then GMT).
    found = occurrences(
        sundays, datetime(2026, 10, 18, 1, 30), LONDON, utc(2026, 10, 18), utc(2026, 11, 2)
    )
    assert found == [utc(2026, 10, 18, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 11, 1, 1, 30)]
    # New York falls back on 1 November 2026: 01:30 EDT first, then EST the week after.
    found = occurrences(
        sundays, datetime(2026, 10, 25, 1, 30), NEW_YORK, utc(2026, 10, 25), utc(2026, 11, 9)
    )
    assert found == [utc(2026, 10, 25, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30)]
    # 02:30 does not happen on 14 March 2027 in New York: the offset before the gap.
    found = occurrences(
        sundays, datetime(2027, 3, 7, 2, 30), NEW_YORK, utc(2027, 3, 7), utc(2027, 3, 22)
    )
    assert found == [utc(2027, 3, 7, 7, 30), utc(2027, 3, 14, 7, 30), utc(2027, 3, 21, 6, 30)]
    # Nor 01:30 on 28 March 2027 in London.
    found = occurrences(
        sundays, datetime(2027, 3, 21, 1, 30), LONDON, utc(2027, 3, 21), utc(2027, 4, 5)
    )
    assert found == [utc(2027, 3, 21, 1, 30), utc(2027, 3, 28, 1, 30), utc(2027, 4, 4, 0, 30)]


@pytest.mark.parametrize(
    "recurrence",
    [
        Recurrence(Frequency.DAILY, interval=3),
        Recurrence(Frequency.WEEKLY, interval=2, weekdays=(TUESDAY, FRIDAY)),
        Recurrence(Frequency.WEEKLY, interval=3, weekdays=(MONDAY,)),
        Recurrence(Frequency.MONTHLY, interval=2, nth=-1, weekday=FRIDAY),
        Recurrence(Frequency.MONTHLY, interval=3, month_day=31),
        Recurrence(Frequency.YEARLY, interval=2, month=2, month_day=29),
        Recurrence(Frequency.MONTHLY, month_day=10, until=date(2031, 8, 10)),
        Recurrence(Frequency.WEEKLY, weekdays=(SUNDAY,), count=300),
    ],
)
def test_a_later_window_has_the_dates_the_series_has_from_its_start(
    recurrence: Recurrence,
) -> None:
    """Expanded from an anchor near the window, the dates are those dateutil gives walking
    the whole series from its first date."""
    start = datetime(2021, 5, 12, 23, 15)  # a Wednesday
    rule = to_rrule(recurrence)
    walked = rrulestr(f"RRULE:{rule}", dtstart=start)
    for window_from, window_to in (
        (datetime(2026, 1, 1), datetime(2026, 2, 1)),
        (datetime(2027, 2, 20), datetime(2028, 3, 10)),
        (datetime(2031, 7, 1), datetime(2031, 9, 1)),
    ):
        expected = [
            moment.replace(tzinfo=LONDON).astimezone(UTC)
            for moment in walked.between(window_from, window_to, inc=True)
        ]
        found = occurrences(
            rule,
            start,
            LONDON,
            window_from.replace(tzinfo=LONDON).astimezone(UTC),
            window_to.replace(tzinfo=LONDON).astimezone(UTC),
        )
        assert found == [m for m in expected if m < window_to.replace(tzinfo=LONDON)]


def test_a_one_off_is_in_the_window_it_falls_in_only() -> None:
    start = datetime(2026, 12, 20, 22)
    assert occurrences("", start, LONDON, utc(2026, 12, 1), utc(2027, 1, 1)) == [
        utc(2026, 12, 20, 22)
    ]
    assert occurrences("", start, LONDON, utc(2027, 1, 1), utc(2027, 2, 1)) == []


def test_a_series_gives_only_the_starts_it_comes_round_on() -> None:
    sundays = to_rrule(Recurrence(Frequency.WEEKLY, weekdays=(SUNDAY,)))
    start = datetime(2026, 10, 18, 1, 30)
    assert gives(sundays, start, LONDON, utc(2026, 10, 25, 0, 30))  # BST, the first 01:30
    assert gives(sundays, start, LONDON, utc(2026, 11, 1, 1, 30))  # GMT from then on
    assert not gives(sundays, start, LONDON, utc(2026, 11, 1, 0, 30))  # an hour out
    assert not gives(sundays, start, LONDON, utc(2026, 11, 1, 1, 29, 59))  # a second early
    assert not gives(sundays, start, LONDON, utc(2026, 11, 2, 1, 30))  # a Monday
    assert not gives(sundays, start, LONDON, utc(2026, 10, 11, 0, 30))  # before the first
    assert gives("", datetime(2026, 12, 20, 22), LONDON, utc(2026, 12, 20, 22))
    assert not gives("", datetime(2026, 12, 20, 22), LONDON, utc(2026, 12, 27, 22))


def test_rrule_text_both_ways_and_in_words() -> None:
    cases = [
        (Recurrence(Frequency.ONCE), "", "once"),
        (Recurrence(Frequency.DAILY), "FREQ=DAILY", "every day"),
        (
            Recurrence(Frequency.WEEKLY, interval=2, weekdays=(TUESDAY, 3), count=10),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10",
            "every 2 weeks on Tuesday and Thursday, 10 times",
        ),
        (
            Recurrence(Frequency.MONTHLY, nth=2, weekday=TUESDAY),
            "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
            "every month on the 2nd Tuesday of the month",
        ),
        (
            Recurrence(Frequency.MONTHLY, interval=3, month_day=-1, until=date(2027, 6, 30)),
            "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1;UNTIL=20270630T235959",
            "every quarter on the last day of the month, until 30 Jun 2027",
        ),
        (
            Recurrence(Frequency.YEARLY, month=2, month_day=29),
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
            "every year on the 29th of February",
        ),
    ]
    for recurrence, text, words in cases:
        assert to_rrule(recurrence) == text
        assert from_rrule(text) == recurrence
        assert describe(recurrence) == words
    # A calendar program's way of saying the last Friday.
    assert from_rrule("RRULE:FREQ=MONTHLY;BYDAY=-1FR") == Recurrence(
        Frequency.MONTHLY, nth=-1, weekday=FRIDAY
    )


def test_a_rule_switchboard_cannot_show_is_refused_in_words() -> None:
    with pytest.raises(ValidationError, match="is not a recurrence rule"):
        from_rrule("every tuesday")
    with pytest.raises(ValidationError, match="uses BYHOUR, which Switchboard does not offer"):
        from_rrule("FREQ=DAILY;BYHOUR=9,17")
    with pytest.raises(ValidationError, match="has a day Switchboard cannot read"):
        from_rrule("FREQ=WEEKLY;BYDAY=XX")
    with pytest.raises(ValidationError) as refused:
        to_rrule(Recurrence(Frequency.WEEKLY))
    assert refused.value.problems == {"weekdays": "Choose at least one day of the week."}


def test_schedules_that_cannot_be_kept_are_refused() -> None:
    start = datetime(2026, 12, 1, 22)
    with pytest.raises(ValidationError) as refused:
        check_schedule(
            Recurrence(Frequency.DAILY, until=date(2026, 11, 30)), start, timedelta(hours=1)
        )
    assert refused.value.problems["until"].startswith("The series ends on 30 Nov 2026, before")
    with pytest.raises(ValidationError) as refused:
        check_schedule(
            Recurrence(Frequency.YEARLY, month=2, month_day=30), start, timedelta(hours=1)
        )
    assert refused.value.problems["recurrence"] == (
        "Every year on the 30th of February never comes round after 01 Dec 2026; "
        "choose another day."
    )
    with pytest.raises(ValidationError) as refused:
        check_schedule(Recurrence(Frequency.DAILY), start, timedelta(hours=25))
    assert refused.value.problems["duration"] == (
        "The window (25 h) is longer than the time between two occurrences (24 h); shorten "
        "it or space the occurrences out."
    )
    check_schedule(Recurrence(Frequency.WEEKLY, weekdays=(TUESDAY,)), start, timedelta(hours=2))


def test_dates_worked_out_from_the_calendar_are_those_dateutil_walks_to() -> None:
    """:func:`local_dates` against dateutil walking each series from its start, for 600
    rules of every kind (every interval, the 29th to 31st, the 5th and last weekdays, 29
    February, with and without an end) and windows from days to years, at any distance
    from the start."""
    chance = random.Random(13)
    for _ in range(600):
        frequency = chance.choice(list(Frequency)[1:])
        interval = chance.choice((1, 1, 2, 3, 5))
        kinds: dict[str, object] = {}
        if frequency is Frequency.WEEKLY:
            kinds["weekdays"] = tuple(sorted(chance.sample(range(7), chance.randint(1, 3))))
        elif frequency in (Frequency.MONTHLY, Frequency.YEARLY):
            if chance.random() < 0.5:
                kinds["month_day"] = chance.choice((1, 15, 28, 29, 30, 31, -1))
            else:
                kinds["nth"], kinds["weekday"] = (
                    chance.choice((1, 2, 4, 5, -1)),
                    chance.randrange(7),
                )
            if frequency is Frequency.YEARLY:
                kinds["month"] = chance.randint(1, 12)
        start = datetime(2020, 1, 1, chance.randrange(24), 30) + timedelta(
            days=chance.randrange(1500)
        )
        until = (
            start.date() + timedelta(days=chance.randrange(3000)) if chance.random() < 0.3 else None
        )
        recurrence = Recurrence(frequency, interval, until=until, **kinds)  # type: ignore[arg-type]
        walked = rrulestr(f"RRULE:{to_rrule(recurrence)}", dtstart=start)
        window_from = start + timedelta(
            days=chance.randrange(-40, 2500), hours=chance.randrange(24)
        )
        window_to = window_from + timedelta(days=chance.choice((1, 7, 35, 400)))
        expected = walked.between(window_from, window_to, inc=True)
        assert local_dates(recurrence, start, window_from, window_to) == expected, recurrence
