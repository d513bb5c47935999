r"""When a maintenance task comes round: a recurrence a person chooses in words, stored as an
RFC 5545 RRULE, and its occurrences in a window of time.

**Wall-clock time.** A task happens at a time on its site's clock ("22:00 in London"), which
stays 22:00 across daylight-saving changes: the rule is expanded in local time, without a
zone, and each local time is then placed in the site's zone. A time the clocks skip (02:30 on
the spring-forward night in New York) takes the offset before the gap, and a time that
happens twice (01:30 on the fall-back night) is its first, as RFC 5545 says.

**Every rule names its pattern.** The rules built here always spell out the day of the week,
of the month or of the year (``BYDAY``, ``BYMONTHDAY``, ``BYSETPOS``, ``BYMONTH``), never
leaving it to the start date. That is what lets :func:`occurrences` work out the dates of a
window from the calendar (:func:`local_dates`: the periods a whole number of ``INTERVAL``\s
from the start, so the phase is kept) instead of walking the series from its first date:
dateutil walks a rule from its start, and one month of 1,000 five-year series took 1.9 s that
way. A rule with ``COUNT`` is finite and expanded by dateutil from its start; a test holds
:func:`local_dates` to dateutil's answer for every kind of rule.

Months without the day asked for are skipped (the 31st, or a fifth Monday), as RFC 5545 and
calendar programs do; "the last day of the month" is a choice of its own.
"""

from __future__ import annotations

import calendar
import functools
import itertools
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, weekday

from app.errors import ValidationError

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}
# Long enough for any rule built here to come round (29 February: within 8 years).
LOOK_AHEAD_YEARS = 8
UTC = ZoneInfo("UTC")
# The narrowest window worth asking about: stored times are whole seconds (starts whole
# minutes), so a window this wide from a start holds that start and nothing else.
INSTANT = timedelta(seconds=1)


class Frequency(Enum):
    ONCE = "once"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # quarterly: every 3 months
    YEARLY = "yearly"


@dataclass(frozen=True)
class Recurrence:
    """A recurrence as a person chooses it.

    ``weekdays``: for weekly, the days (0 Monday … 6 Sunday). Monthly and yearly come round
    on ``month_day`` (1-31, or -1 for the last day) or, when ``nth`` is set, on the
    ``nth`` (1-5, or -1 for the last) ``weekday`` of the month; yearly in ``month`` (1-12).
    It ends never, on ``until`` (a local day, included) or after ``count`` occurrences."""

    frequency: Frequency
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    nth: int | None = None
    weekday: int | None = None
    month: int | None = None
    until: date | None = None
    count: int | None = None


def to_rrule(recurrence: Recurrence) -> str:
    """The RRULE text (without "RRULE:") of ``recurrence``; "" for a one-off."""
    _check_parts(recurrence)
    if recurrence.frequency is Frequency.ONCE:
        return ""
    parts = [f"FREQ={recurrence.frequency.name}"]
    if recurrence.interval != 1:
        parts.append(f"INTERVAL={recurrence.interval}")
    if recurrence.frequency is Frequency.WEEKLY:
        parts.append("BYDAY=" + ",".join(WEEKDAYS[d] for d in sorted(recurrence.weekdays)))
    elif recurrence.frequency in (Frequency.MONTHLY, Frequency.YEARLY):
        if recurrence.frequency is Frequency.YEARLY:
            parts.append(f"BYMONTH={recurrence.month}")
        if recurrence.nth is not None:
            parts.append(f"BYDAY={WEEKDAYS[recurrence.weekday or 0]}")
            parts.append(f"BYSETPOS={recurrence.nth}")
        else:
            parts.append(f"BYMONTHDAY={recurrence.month_day}")
    if recurrence.until is not None:
        parts.append(f"UNTIL={recurrence.until:%Y%m%d}T235959")
    elif recurrence.count is not None:
        parts.append(f"COUNT={recurrence.count}")
    return ";".join(parts)


def from_rrule(text: str) -> Recurrence:
    """The recurrence an RRULE text (as :func:`to_rrule` writes, or as a calendar program
    does, within what a person can choose here) says; refuses one it cannot show."""
    body = text.strip().removeprefix("RRULE:")
    if not body:
        return Recurrence(Frequency.ONCE)
    try:
        parts = dict(part.split("=", 1) for part in body.upper().split(";") if part)
        frequency = Frequency[parts.pop("FREQ")]
    except (ValueError, KeyError) as error:
        raise ValidationError({"recurrence": f"{text!r} is not a recurrence rule."}) from error
    recurrence = Recurrence(
        frequency,
        interval=int(parts.pop("INTERVAL", "1")),
        until=_until(parts.pop("UNTIL", "")),
        count=int(parts.pop("COUNT")) if "COUNT" in parts else None,
    )
    days = [d for d in parts.pop("BYDAY", "").split(",") if d]
    position = parts.pop("BYSETPOS", "")
    month_day = parts.pop("BYMONTHDAY", "")
    month = parts.pop("BYMONTH", "")
    parts.pop("WKST", None)
    try:
        if frequency is Frequency.WEEKLY:
            found = _with(recurrence, weekdays=tuple(WEEKDAYS.index(d) for d in days))
        elif frequency in (Frequency.MONTHLY, Frequency.YEARLY):
            found = _with(recurrence, month=int(month) if month else None)
            found = _month_pattern(found, days, position, month_day)
        else:
            found = recurrence
    except ValueError as error:
        raise ValidationError(
            {"recurrence": f"{text!r} has a day Switchboard cannot read."}
        ) from error
    if parts:
        raise ValidationError(
            {
                "recurrence": f"{text!r} uses {', '.join(sorted(parts))}, which Switchboard "
                "does not offer."
            }
        )
    _check_parts(found)
    return found


def describe(recurrence: Recurrence) -> str:
    """The recurrence in words: "every 2 weeks on Tuesday and Thursday, 10 times"."""
    every = recurrence.interval
    frequency = recurrence.frequency
    if frequency is Frequency.ONCE:
        return "once"
    if frequency is Frequency.MONTHLY and every == 3:
        words = "every quarter"
    else:
        unit = {Frequency.DAILY: "day", Frequency.WEEKLY: "week"}.get(
            frequency, "month" if frequency is Frequency.MONTHLY else "year"
        )
        words = f"every {unit}" if every == 1 else f"every {every} {unit}s"
    if frequency is Frequency.WEEKLY:
        words += " on " + _and([DAY_NAMES[d] for d in sorted(recurrence.weekdays)])
    elif frequency in (Frequency.MONTHLY, Frequency.YEARLY):
        month = (
            f" of {calendar.month_name[recurrence.month]}"
            if frequency is Frequency.YEARLY and recurrence.month
            else ""
        )
        if recurrence.nth is not None:
            words += f" on the {ORDINALS[recurrence.nth]} {DAY_NAMES[recurrence.weekday or 0]}"
        elif recurrence.month_day == -1:
            words += " on the last day"
        else:
            words += f" on the {_ordinal(recurrence.month_day or 1)}"
        words += month or (" of the month" if frequency is Frequency.MONTHLY else "")
    if recurrence.until is not None:
        words += f", until {recurrence.until.day} {recurrence.until:%b %Y}"
    elif recurrence.count is not None:
        words += f", {recurrence.count} times"
    return words


def check_schedule(recurrence: Recurrence, start: datetime, duration: timedelta) -> None:
    """Refuse a schedule that cannot be kept: an end before the start, a rule that never
    comes round, or a window longer than the time to the next occurrence. ``start`` is the
    first occurrence's local date and time (no zone)."""
    problems: dict[str, str] = {}
    if recurrence.until is not None and recurrence.until < start.date():
        problems["until"] = (
            f"The series ends on {recurrence.until:%d %b %Y}, before it starts on "
            f"{start:%d %b %Y}; choose a later end."
        )
    if duration <= timedelta(0):
        problems["duration"] = "A maintenance window lasts a few minutes at least."
    if problems:
        raise ValidationError(problems)
    if recurrence.frequency is Frequency.ONCE:
        return
    rule = _rule(recurrence, start)
    later = list(rule.between(start, start + relativedelta(years=LOOK_AHEAD_YEARS), inc=True))
    if not later:
        raise ValidationError(
            {
                "recurrence": f"{_capital(describe(recurrence))} never comes round after "
                f"{start:%d %b %Y}; choose another day."
            }
        )
    gaps = [b - a for a, b in itertools.pairwise(later)]
    if gaps and min(gaps) < duration:
        shortest = min(gaps)
        raise ValidationError(
            {
                "duration": f"The window ({_hours(duration)}) is longer than the time between two "
                f"occurrences ({_hours(shortest)}); shorten it or space the occurrences out."
            }
        )


def occurrences(
    rule_text: str, start: datetime, zone: ZoneInfo, window_from: datetime, window_to: datetime
) -> list[datetime]:
    """The starts (UTC) of the occurrences of a series from ``window_from`` to before
    ``window_to`` (both UTC). ``start`` is the first occurrence's local date and time (no
    zone), ``rule_text`` its RRULE ("" for a one-off)."""
    local_from = window_from.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    local_to = window_to.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    if not rule_text:
        found = [start] if local_from <= start < local_to else []
    else:
        recurrence = parsed(rule_text)
        if recurrence.count is None:
            found = local_dates(recurrence, start, local_from, local_to)
        else:
            found = _rule(recurrence, start).between(local_from, local_to, inc=True)
    placed = (_placed(moment, zone) for moment in found)
    return [moment for moment in placed if window_from <= moment < window_to]


def gives(rule_text: str, start_local: datetime, zone: ZoneInfo, due_utc: datetime) -> bool:
    """The series has an occurrence starting exactly at ``due_utc``: what has to hold before
    a row is stored for (or an exception or a cause names) the occurrence due then, since a
    series changed after the date was read may no longer come round on it. Arguments as
    :func:`occurrences`; only the one instant is expanded, so it is cheap however old the
    series."""
    return due_utc in occurrences(rule_text, start_local, zone, due_utc, due_utc + INSTANT)


@functools.lru_cache(maxsize=4096)
def parsed(rule_text: str) -> Recurrence:
    """:func:`from_rrule`, remembered: a month of a thousand series reads each rule again."""
    return from_rrule(rule_text)


def local_dates(
    recurrence: Recurrence, start: datetime, local_from: datetime, local_to: datetime
) -> list[datetime]:
    """The local times of a series without a count from ``local_from`` to ``local_to`` (both
    included), worked out from the calendar instead of walked from the start: what dateutil
    gives for the same rule (a test holds the two together), at a fraction of the cost."""
    last = local_to
    if recurrence.until is not None:
        last = min(last, datetime.combine(recurrence.until, time(23, 59, 59)))
    first = max(local_from, start)
    if first > last:
        return []
    days = _days(recurrence, start.date(), first.date(), last.date())
    at = start.time()
    return [m for m in (datetime.combine(d, at) for d in days) if first <= m <= last]


def _days(recurrence: Recurrence, start: date, first: date, last: date) -> list[date]:
    """The dates the series comes round on from ``first`` to ``last`` (a day either side
    may be included: the caller compares times)."""
    every = recurrence.interval
    if recurrence.frequency is Frequency.DAILY:
        skip = -(-(first - start).days // every)  # whole periods to the first one due
        day = start + timedelta(days=max(skip, 0) * every)
        found = []
        while day <= last:
            found.append(day)
            day += timedelta(days=every)
        return found
    if recurrence.frequency is Frequency.WEEKLY:
        monday = start - timedelta(days=start.weekday())
        weeks = max((first - monday).days // 7 // every, 0) * every
        week = monday + timedelta(weeks=weeks)
        found = []
        while week <= last:
            found += [week + timedelta(days=d) for d in sorted(recurrence.weekdays)]
            week += timedelta(weeks=every)
        return found
    if recurrence.frequency is Frequency.YEARLY:
        month = recurrence.month or start.month
        year = start.year + max((first.year - start.year) // every, 0) * every
        found = []
        while date(year, month, 1) <= last:
            found += [d for d in (_day_in(recurrence, year, month),) if d is not None]
            year += every
        return found
    months = (first.year - start.year) * 12 + first.month - start.month
    index = start.year * 12 + start.month - 1 + max(months // every, 0) * every
    found = []
    while date(index // 12, index % 12 + 1, 1) <= last:
        found += [d for d in (_day_in(recurrence, index // 12, index % 12 + 1),) if d is not None]
        index += every
    return found


def _day_in(recurrence: Recurrence, year: int, month: int) -> date | None:
    """The day of ``month`` the pattern names; None where it has none (a 31st, a 5th
    Monday)."""
    length = calendar.monthrange(year, month)[1]
    if recurrence.nth is None:
        wanted = length if recurrence.month_day == -1 else recurrence.month_day or 0
        return date(year, month, wanted) if wanted <= length else None
    weekday_of_first = date(year, month, 1).weekday()
    first = 1 + (((recurrence.weekday or 0) - weekday_of_first) % 7)
    matches = list(range(first, length + 1, 7))
    nth = recurrence.nth
    if nth == -1:
        return date(year, month, matches[-1])
    return date(year, month, matches[nth - 1]) if nth <= len(matches) else None


@functools.lru_cache(maxsize=1 << 16)
def _placed(local: datetime, zone: ZoneInfo) -> datetime:
    """A local wall time in ``zone``, as UTC (a skipped time takes the offset before the gap,
    a repeated one is its first). Remembered: the tasks of a site share their times and
    days, and finding one again costs a seventh of working it out."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _rule(recurrence: Recurrence, anchor: datetime) -> rrule:
    """The dateutil rule of ``recurrence`` from ``anchor``, its pattern spelled out."""
    frequency = {
        Frequency.DAILY: DAILY,
        Frequency.WEEKLY: WEEKLY,
        Frequency.MONTHLY: MONTHLY,
        Frequency.YEARLY: YEARLY,
    }[recurrence.frequency]
    options: dict[str, object] = {"interval": recurrence.interval, "wkst": 0}
    if recurrence.frequency is Frequency.WEEKLY:
        options["byweekday"] = sorted(recurrence.weekdays)
    elif recurrence.frequency in (Frequency.MONTHLY, Frequency.YEARLY):
        if recurrence.frequency is Frequency.YEARLY:
            options["bymonth"] = recurrence.month
        if recurrence.nth is not None:
            options["byweekday"] = weekday(recurrence.weekday or 0)
            options["bysetpos"] = recurrence.nth
        else:
            options["bymonthday"] = recurrence.month_day
    if recurrence.until is not None:
        options["until"] = datetime.combine(recurrence.until, time(23, 59, 59))
    elif recurrence.count is not None:
        options["count"] = recurrence.count
    return rrule(frequency, dtstart=anchor, **options)  # type: ignore[arg-type]


def _check_parts(recurrence: Recurrence) -> None:
    problems: dict[str, str] = {}
    if recurrence.interval < 1:
        problems["interval"] = "Repeat every 1 or more."
    if recurrence.frequency is Frequency.WEEKLY and not recurrence.weekdays:
        problems["weekdays"] = "Choose at least one day of the week."
    if recurrence.frequency in (Frequency.MONTHLY, Frequency.YEARLY):
        if recurrence.nth is not None:
            if recurrence.nth not in ORDINALS or recurrence.weekday not in range(7):
                problems["nth"] = "Choose the 1st to 5th, or the last, day of the week."
        elif recurrence.month_day is None or not (
            recurrence.month_day == -1 or 1 <= recurrence.month_day <= 31
        ):
            problems["month_day"] = "Choose a day from 1 to 31, or the last day."
    if recurrence.frequency is Frequency.YEARLY and recurrence.month not in range(1, 13):
        problems["month"] = "Choose a month."
    if recurrence.count is not None and recurrence.count < 1:
        problems["count"] = "End after 1 or more times."
    if problems:
        raise ValidationError(problems)


def _month_pattern(
    recurrence: Recurrence, days: list[str], position: str, month_day: str
) -> Recurrence:
    if position and len(days) == 1:
        return _with(recurrence, nth=int(position), weekday=WEEKDAYS.index(days[0]))
    if len(days) == 1 and not position and days[0][:-2]:  # "2TU", "-1FR"
        return _with(recurrence, nth=int(days[0][:-2]), weekday=WEEKDAYS.index(days[0][-2:]))
    if month_day and not days:
        return _with(recurrence, month_day=int(month_day))
    raise ValueError(days)


def _with(recurrence: Recurrence, **changes: object) -> Recurrence:
    return replace(recurrence, **changes)  # type: ignore[arg-type]


def _until(text: str) -> date | None:
    if not text:
        return None
    return datetime.strptime(text[:8], "%Y%m%d").date()


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _hours(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
