"""Wall-clock times at a site and the UTC instants the roster stores.

A roster is typed in the site's local time ("07:00-15:00 on Mon 30 Nov at HQ") and stored in
UTC. Each end is converted on its own through :mod:`zoneinfo`, so a shift across a
daylight-saving change has its true length: the London night 22:00-06:00 of 27/28 March 2027
lasts 7 hours, that of 24/25 October 2026 lasts 9.

Two kinds of wall time need a rule, and both are what ``zoneinfo`` does with ``fold=0``:

- a time inside the spring-forward gap does not exist; it moves later by the length of the
  gap (01:30 in London on 28 March 2027 is 02:30 BST), as java.time does too, so a shift
  typed to start in the gap starts at the same distance after the change;
- a time that occurs twice (01:30 in London on 25 October 2026) is its first occurrence (BST).

Everything here is plain arithmetic on dates and zones: no database, no clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.errors import ValidationError

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# Local days run from UTC-12 to UTC+14: a local week lies inside this much either side of
# the same dates read in UTC.
_EARLIEST_OFFSET, _LATEST_OFFSET = timedelta(hours=14), timedelta(hours=12)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_clock(text: str) -> time | None:
    """ "07:00" (or "7:00") as a time of day; None for anything else, "24:00" included."""
    match = _CLOCK.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def clock_text(moment: datetime | time) -> str:
    """The time of day as the roster writes it: "07:00" (formatted by hand: a week of shifts
    calls this thousands of times, and ``strftime`` costs ten times more)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def week_code(monday: date) -> str:
    """A week as ISO writes it and ``--week`` takes it: "2026-W49"."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def day_text(day: date) -> str:
    """A day as the roster names it: "Mon 30 Nov"."""
    return day.strftime("%a %d %b")


def wall_to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant the clocks at ``zone`` show ``wall`` on ``day`` (the module docstring
    says which instant for a time skipped or repeated by a clock change)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def existing_wall_to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime | None:
    """As :func:`wall_to_utc`, but None where the clocks skip ``wall`` that day: for a time a
    person plans ahead (a session), which should be told rather than moved."""
    moment = wall_to_utc(day, wall, zone)
    local = moment.astimezone(zone)
    return moment if (local.date(), local.time()) == (day, wall) else None


def span_to_utc(day: date, starts: time, ends: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A span of wall-clock times starting on ``day``, in UTC; an end at or before the start
    is on the next day, so "17:00"-"08:00" is a night and "00:00"-"00:00" a whole day."""
    end_day = day if ends > starts else day + DAY
    return wall_to_utc(day, starts, zone), wall_to_utc(end_day, ends, zone)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The day at ``zone`` on which ``moment`` (aware) falls."""
    return moment.astimezone(zone).date()


def wall_hours(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> timedelta:
    """How long a span looks on the clocks at ``zone``: a whole day across the autumn change
    lasts 25 real hours and 24 on the clock."""
    return ends_at.astimezone(zone).replace(tzinfo=None) - starts_at.astimezone(zone).replace(
        tzinfo=None
    )


def week_window(monday: date, margin: timedelta = timedelta(0)) -> tuple[datetime, datetime]:
    """UTC instants between which every local day from ``monday`` to the Sunday after starts,
    at any site on Earth, widened by ``margin`` either side: the one range a week's shifts
    are read in, whatever their sites' zones."""
    start = datetime.combine(monday, time(), tzinfo=UTC)
    return start - _EARLIEST_OFFSET - margin, start + WEEK + _LATEST_OFFSET + margin


def monday_of(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def check_monday(day: date, field: str = "week") -> None:
    """Refuse (at ``field``) a week given by a day that is not its Monday."""
    if day.weekday() != 0:
        raise ValidationError(
            {field: f"{day_text(day)} is not a Monday; choose the week by its Monday."}
        )
