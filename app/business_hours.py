"""Business-hours calendar arithmetic for SLA clocks.

SLA targets are promised in a site's *business* time: a four-hour response target on a ticket
logged at 16:00 on a Friday is due on Monday morning, not on Friday evening. This module turns
"N business minutes after this moment" into a UTC timestamp and back, for one site's opening
hours, time zone and public holidays. It knows nothing about tickets; pausing the clock while a
ticket waits on the caller is the caller's job (it adds the paused business minutes to the
target).

Design decisions, and why:

* Opening hours are local wall-clock times ("we open at 08:00"), so each day's intervals are
  built in local time with :mod:`zoneinfo` and only then converted to UTC. A day on which the
  clocks change therefore has the right length in real minutes, and the hours after a DST
  change still open at 08:00 local.
* A day may have several open intervals (a split shift: 08:00-12:00 and 13:00-17:00, at most
  four). They must be listed from morning to evening and must neither overlap nor touch (two
  touching intervals are one interval), so a day's intervals are already in time order and
  their UTC conversions never overlap. One interval is written in the settings in the original
  form ``["08:00", "17:00"]`` and several as ``[["08:00", "12:00"], ["13:00", "17:00"]]``, so
  settings saved before split shifts existed read and write back unchanged.
* A wall time that does not exist (inside a spring-forward gap) is taken as the instant the
  clocks jumped, i.e. the first instant at which the wall clock shows that time or later. A wall
  time that occurs twice (fall-back) is taken at its first occurrence. These rules apply to
  every interval boundary on its own; an interval whose both ends fall in the same gap is empty
  and dropped. Both only matter for sites that open or close in the small hours of a DST night.
* A public holiday closes the whole *local* day, and so does a site closure: the site's own
  closed days (a move, a strike, a company day off), given as inclusive ``(first, last)`` date
  ranges; a single date is shorthand for a one-day range. Closures are kept merged and sorted,
  so two calendars that close the same days compare (and hash) equal.
* The calendar is used ~a million times by the bulk data generator and once per ticket on every
  queue refresh, so the arithmetic works on POSIX timestamps (floats) against per-year tables
  built once per calendar and year: every open interval of the year in UTC order (one entry per
  interval, closed days have none) plus a running total of business seconds. Finding the
  interval at a moment, or the one in which N business minutes run out, is then a dictionary
  lookup and a binary search, whatever the number of minutes (no loop per minute, not even per
  day or interval).
"""

from __future__ import annotations

import math
import numbers
import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = ["BusinessCalendar"]

_UTC = UTC
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_ONE_MINUTE = timedelta(minutes=1)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# More intervals than this in one day is a data-entry slip, not a real rota.
_MAX_SHIFTS_PER_DAY = 4
# No SLA target is anywhere near a century; anything larger is a unit mix-up (seconds passed as
# minutes, say) and would otherwise make the calendar build tables for thousands of years.
_MAX_MINUTES = 100 * 366 * 24 * 60


Shift = tuple[time, time]
"""One open interval of a day in local wall time: ``(opens, closes)``."""
DateRange = tuple[date, date]
"""Inclusive ``(first, last)`` local dates."""


class _Year:
    """One local calendar year of a site, precomputed for fast lookups.

    ``opens[i]`` / ``closes[i]`` are the UTC timestamps of the i-th open interval of the year,
    in time order; closed days have no entry. ``cum[i]`` is the number of business seconds in
    the intervals before interval i, so ``cum[-1]`` is the year's total. ``closes`` and ``cum``
    are strictly increasing, which is what lets a binary search find the interval containing
    (or following) a moment, and the interval in which a target falls.
    """

    __slots__ = ("closes", "cum", "opens", "total", "year")

    def __init__(
        self, year: int, opens: list[float], closes: list[float], cum: list[float]
    ) -> None:
        self.year = year
        self.opens = opens
        self.closes = closes
        self.cum = cum
        self.total = cum[-1]


def _require_aware(moment: datetime, name: str) -> None:
    """Refuse naive datetimes: every timestamp in Switchboard is UTC-aware, and guessing a zone
    for a naive one would silently shift an SLA target by hours."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime (all timestamps are stored in UTC), "
            f"got naive {moment.isoformat()}"
        )


def _from_timestamp(seconds: float) -> datetime:
    """UTC-aware datetime for a POSIX timestamp (rounded to the microsecond)."""
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError("the result lies beyond the supported date range (year 9999)") from None


def _parse_hhmm(text: object, where: str) -> time:
    """Parse "HH:MM" (or "HH:MM:SS") from the settings file into a :class:`time`."""
    match = _TIME_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{where}: {text!r} is not a time of day in HH:MM form (e.g. '08:00')")
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        hint = " (use '23:59' for the end of the day)" if hour == 24 else ""
        raise ValueError(f"{where}: {text!r} is not a valid time of day{hint}")
    return time(hour, minute, second)


def _format_time(value: time) -> str:
    """Inverse of :func:`_parse_hhmm`; seconds only when there are some, so configs stay tidy."""
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _format_shift(shift: Shift) -> str:
    """An interval as "08:00-12:00", for validation messages."""
    return f"{_format_time(shift[0])}-{_format_time(shift[1])}"


def _is_shift(value: object) -> TypeGuard[Sequence[time]]:
    """True for an ``(opens, closes)`` pair of times (a tuple or list)."""
    return (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(item, time) for item in value)
    )


def _normalise_day(name: str, value: object) -> tuple[Shift, ...]:
    """A weekday's hours as a tuple of intervals, from either ``(opens, closes)`` or a list of
    such pairs, validated so that the year tables can rely on them being in order."""
    where = f"Opening hours for {name}"
    if _is_shift(value):
        shifts: tuple[Shift, ...] = ((value[0], value[1]),)
    elif isinstance(value, tuple | list) and value and all(_is_shift(item) for item in value):
        shifts = tuple((item[0], item[1]) for item in value)
    else:
        raise ValueError(
            f"{where}: expected (opens, closes) times, or a list of such pairs for a split day"
        )
    if len(shifts) > _MAX_SHIFTS_PER_DAY:
        raise ValueError(
            f"{where}: {len(shifts)} intervals given; at most {_MAX_SHIFTS_PER_DAY} a day"
        )
    for opens, closes in shifts:
        if opens.tzinfo is not None or closes.tzinfo is not None:
            raise ValueError(
                f"{where}: give local wall times without a time zone; "
                f"the calendar's time zone applies"
            )
        if opens >= closes:
            raise ValueError(
                f"{where}: opens at {_format_time(opens)} but closes at "
                f"{_format_time(closes)}; the opening time must be before the closing time"
            )
    for position, shift in enumerate(shifts):
        _check_against_earlier(where, shift, shifts[:position])
    return shifts


def _check_against_earlier(where: str, shift: Shift, earlier: tuple[Shift, ...]) -> None:
    """Refuse an interval that overlaps, touches or comes before one listed before it."""
    for other in earlier:
        if shift[0] < other[1] and other[0] < shift[1]:
            raise ValueError(f"{where}: {_format_shift(shift)} overlaps {_format_shift(other)}")
        if shift[0] == other[1] or shift[1] == other[0]:
            joined = (min(shift[0], other[0]), max(shift[1], other[1]))
            raise ValueError(
                f"{where}: {_format_shift(other)} and {_format_shift(shift)} touch; "
                f"give them as one interval {_format_shift(joined)}"
            )
    if earlier and shift[0] < earlier[-1][0]:
        raise ValueError(
            f"{where}: {_format_shift(shift)} is listed after {_format_shift(earlier[-1])}; "
            f"list a day's intervals from morning to evening"
        )


def _parse_day(span: object, where: str) -> tuple[Shift, ...]:
    """A weekday's hours from the settings file: ``["08:00", "17:00"]`` (one interval) or
    ``[["08:00", "12:00"], ["13:00", "17:00"]]`` (a split day)."""
    expected = (
        f'{where}: expected ["HH:MM", "HH:MM"] (opens, closes), or a list of such pairs for a '
        f'split day such as [["08:00", "12:00"], ["13:00", "17:00"]]'
    )
    if not isinstance(span, list | tuple) or not span:
        raise ValueError(expected)
    pairs = span if all(isinstance(item, list | tuple) for item in span) else [span]
    shifts: list[Shift] = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(expected)
        shifts.append((_parse_hhmm(pair[0], where), _parse_hhmm(pair[1], where)))
    return tuple(shifts)


def _is_day(value: object) -> TypeGuard[date]:
    """A plain date (a datetime is a date subclass, but a closure has no time of day)."""
    return isinstance(value, date) and not isinstance(value, datetime)


def _normalise_closures(closures: object) -> tuple[DateRange, ...]:
    """Closures as sorted, merged ``(first, last)`` ranges, so equal closures compare equal."""
    if isinstance(closures, str | bytes) or not isinstance(closures, Iterable):
        raise ValueError("Site closures must be a collection of dates or (first, last) ranges")
    ranges: list[DateRange] = []
    for item in closures:
        if _is_day(item):
            first = last = item
        elif isinstance(item, tuple | list) and len(item) == 2 and all(map(_is_day, item)):
            first, last = item
        else:
            raise ValueError(
                f"Site closures: {item!r} is neither a date nor a (first, last) range of dates"
            )
        if last < first:
            raise ValueError(
                f"Site closures: the range {first.isoformat()} to {last.isoformat()} ends "
                f"before it starts"
            )
        ranges.append((first, last))
    merged: list[DateRange] = []
    for first, last in sorted(ranges):
        if merged and first.toordinal() <= merged[-1][1].toordinal() + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return tuple(merged)


def _parse_iso_day(text: object) -> date:
    """A closure date from the settings file, "YYYY-MM-DD" only (no week dates, no times)."""
    shown = text if isinstance(text, str) and text.strip() else repr(text)
    match = _DATE_RE.match(text.strip()) if isinstance(text, str) else None
    if match is not None:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise ValueError(f"Site closures: {shown} is not a date (use YYYY-MM-DD, e.g. 2026-12-24)")


def _parse_closures(items: object) -> list[date | DateRange]:
    """Closures from the settings file: ``["2026-12-24", ["2026-08-03", "2026-08-07"]]``."""
    if not isinstance(items, list | tuple):
        raise ValueError(
            'Site closures must be a list like ["2026-12-24", ["2026-08-03", "2026-08-07"]] '
            "(single days, or first and last day of a closed stretch)"
        )
    parsed: list[date | DateRange] = []
    for item in items:
        if isinstance(item, list | tuple):
            if len(item) != 2:
                raise ValueError(
                    f"Site closures: {item!r} is not a range; give the first and the last "
                    f'closed day, e.g. ["2026-08-03", "2026-08-07"]'
                )
            parsed.append((_parse_iso_day(item[0]), _parse_iso_day(item[1])))
        else:
            parsed.append(_parse_iso_day(item))
    return parsed


def _load_zone(name: object) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or a ValueError a person can act on."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("The site needs a time zone (an IANA name such as 'Europe/London')")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"Unknown time zone {name!r}: use an IANA name such as 'Europe/London' "
            f"or 'America/New_York'"
        ) from None


def _canonical_region(country: str | None, subdiv: str | None) -> tuple[str | None, str | None]:
    """Validate a holiday country/subdivision against the ``holidays`` package.

    Returns the codes spelled the way ``holidays`` wants them ("gb" -> "GB", "zone a" ->
    "Zone A") so a hand-edited settings file does not fail on letter case, and raises a
    ValueError listing the valid codes otherwise.
    """
    country = country.strip() if country else None
    subdiv = subdiv.strip() if subdiv else None
    if country is None:
        if subdiv is not None:
            raise ValueError(
                f"Holiday subdivision {subdiv!r} given without a holiday country "
                f"(e.g. country 'GB' with subdivision 'ENG')"
            )
        return None, None
    try:
        holidays.country_holidays(country, subdiv=subdiv)
        return country, subdiv
    except NotImplementedError:
        pass
    supported = holidays.list_supported_countries()
    by_upper = {code.upper(): code for code in supported}
    canonical_country = by_upper.get(country.upper())
    if canonical_country is None:
        raise ValueError(
            f"Unknown holiday country {country!r}: use an ISO 3166 code such as 'GB', 'US' or 'DE'"
        )
    subdivisions = supported[canonical_country]
    canonical_subdiv: str | None = None
    if subdiv is not None:
        by_upper_sub = {code.upper(): code for code in subdivisions}
        canonical_subdiv = by_upper_sub.get(subdiv.upper())
        if canonical_subdiv is None:
            listed = ", ".join(subdivisions) if subdivisions else "none"
            raise ValueError(
                f"Unknown holiday subdivision {subdiv!r} for country {canonical_country}; "
                f"valid subdivisions: {listed}"
            )
    try:
        holidays.country_holidays(canonical_country, subdiv=canonical_subdiv)
    except NotImplementedError as exc:  # pragma: no cover - the list above says it exists
        raise ValueError(f"Holidays for {canonical_country!r} are not available: {exc}") from None
    return canonical_country, canonical_subdiv


def _wall_to_timestamp(day: date, wall: time, zone: ZoneInfo) -> float:
    """UTC timestamp of the first instant at which the local clock on ``day`` shows ``wall``.

    For an ordinary or repeated (fall-back) wall time that is simply ``fold=0``. For a wall
    time inside a spring-forward gap, ``fold=0`` would give "wall time in the old offset",
    which is later than the jump; the shop opens at the jump itself, found by bisecting between
    the two fold interpretations (the gap is at most a few hours, so ~15 steps, once per
    calendar and year).
    """
    local = datetime.combine(day, wall, tzinfo=zone)
    stamp = local.timestamp()
    if datetime.fromtimestamp(stamp, zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return stamp
    # Nonexistent wall time: the transition lies in (fold=1 stamp, fold=0 stamp].
    lo = math.floor(local.replace(fold=1).timestamp())
    hi = math.ceil(stamp)
    after = datetime.fromtimestamp(hi, zone).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return float(hi)


@dataclass(frozen=True)
class BusinessCalendar:
    """A site's opening hours, time zone, public holidays and closures, for SLA clock arithmetic.

    ``hours`` maps weekday (0 = Monday .. 6 = Sunday) to ``(opens, closes)`` in local wall time,
    or to a list of such pairs for a split day; a missing weekday is closed. After construction
    a one-interval day holds a pair and a split day a tuple of pairs (the shapes of the settings
    file); :attr:`shifts` gives every day as a tuple of pairs. ``closures`` is a collection of
    inclusive ``(first, last)`` date ranges (or single dates) on which the site is closed like on
    a holiday; after construction it is a sorted tuple of merged ranges. Treat ``hours`` as
    read-only: the calendar caches its tables. ``always_open`` is a 24x7 calendar (for P1
    targets): every minute counts, holidays and closures too.

    All methods take timezone-aware datetimes in any zone and return UTC-aware datetimes.
    Instances are hashable, so they can key a per-site cache.
    """

    timezone: str
    hours: Mapping[int, Shift | Sequence[Shift]]
    holiday_country: str | None = None
    holiday_subdiv: str | None = None
    always_open: bool = False
    closures: Collection[date | DateRange] = ()
    # Derived in __post_init__; out of __init__, __eq__ and __repr__. ``_shifts`` and ``_closed``
    # are ``hours`` and ``closures`` in one uniform, typed shape for the table builder.
    _shifts: dict[int, tuple[Shift, ...]] = field(init=False, repr=False, compare=False)
    _closed: tuple[DateRange, ...] = field(init=False, repr=False, compare=False)
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _years: dict[int, _Year] = field(init=False, repr=False, compare=False)

    # ------------------------------------------------------------------ construction

    def __post_init__(self) -> None:
        """Validate eagerly: a bad calendar must fail when the settings are saved, not when a
        ticket's due time is computed in a worker thread."""
        zone = _load_zone(self.timezone)
        if not isinstance(self.hours, Mapping):
            raise ValueError("Opening hours must map weekday numbers 0..6 to (opens, closes)")
        shifts: dict[int, tuple[Shift, ...]] = {}
        for weekday, value in self.hours.items():
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(
                    f"Opening hours: weekday {weekday!r} is not 0 (Monday) .. 6 (Sunday)"
                )
            shifts[weekday] = _normalise_day(_WEEKDAY_NAMES[weekday], value)
        if not shifts and not self.always_open:
            raise ValueError(
                "A site needs at least one business day: give opening hours for at least one "
                "weekday, or make the calendar always open (24x7)"
            )
        closures = _normalise_closures(self.closures)
        country, subdiv = _canonical_region(self.holiday_country, self.holiday_subdiv)
        shifts = dict(sorted(shifts.items()))
        hours = {day: spans[0] if len(spans) == 1 else spans for day, spans in shifts.items()}
        # Frozen dataclass: normalised values and caches go in through object.__setattr__.
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "closures", closures)
        object.__setattr__(self, "holiday_country", country)
        object.__setattr__(self, "holiday_subdiv", subdiv)
        object.__setattr__(self, "_shifts", shifts)
        object.__setattr__(self, "_closed", closures)
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_years", {})

    def __hash__(self) -> int:
        """Hash on the configuration (the ``hours`` dict itself is unhashable)."""
        return hash(
            (
                self.timezone,
                tuple(self.hours.items()),
                self.holiday_country,
                self.holiday_subdiv,
                self.always_open,
                self.closures,
            )
        )

    @property
    def shifts(self) -> Mapping[int, tuple[Shift, ...]]:
        """Every open weekday's intervals as a tuple of ``(opens, closes)``, whatever shape the
        hours were given in (read-only, like ``hours``)."""
        return self._shifts

    @classmethod
    def from_config(
        cls,
        timezone: str,
        hours_json: dict[str, Any],
        holiday_country: str | None,
        holiday_subdiv: str | None,
        closures: list[Any] | None = None,
    ) -> BusinessCalendar:
        """Build a calendar from the settings file / settings dialog.

        ``hours_json`` is ``{"0": ["08:00", "17:30"], ...}`` (JSON object keys are strings); a
        split day is ``{"0": [["08:00", "12:00"], ["13:00", "17:30"]]}``. ``closures`` lists
        closed days as ISO dates, ``"2026-12-24"``, or inclusive ranges,
        ``["2026-08-03", "2026-08-07"]``. Every problem is reported as a ValueError whose message
        names the offending weekday or value, because it is shown to the person editing the site
        settings.
        """
        if not isinstance(hours_json, dict):
            raise ValueError(
                'Opening hours must be an object like {"0": ["08:00", "17:00"], ...} '
                "with weekdays 0 (Monday) .. 6 (Sunday)"
            )
        hours: dict[int, tuple[Shift, ...]] = {}
        for key, span in hours_json.items():
            text = str(key).strip()
            if not text.isdigit() or not 0 <= int(text) <= 6:
                raise ValueError(f"Opening hours: weekday {key!r} is not 0 (Monday) .. 6 (Sunday)")
            weekday = int(text)
            if weekday in hours:
                raise ValueError(f"Opening hours: {_WEEKDAY_NAMES[weekday]} is given twice")
            hours[weekday] = _parse_day(span, f"Opening hours for {_WEEKDAY_NAMES[weekday]}")
        return cls(
            timezone=timezone.strip() if isinstance(timezone, str) else timezone,
            hours=hours,
            holiday_country=holiday_country,
            holiday_subdiv=holiday_subdiv,
            closures=_parse_closures(closures) if closures is not None else (),
        )

    def to_config(self) -> dict[str, list[str] | list[list[str]]]:
        """The ``hours_json`` that :meth:`from_config` reads, for saving the settings.

        A one-interval day is written in the original ``["08:00", "17:00"]`` form, so settings
        from before split shifts round-trip unchanged.
        """
        config: dict[str, list[str] | list[list[str]]] = {}
        for weekday, shifts in self._shifts.items():
            spans = [[_format_time(opens), _format_time(closes)] for opens, closes in shifts]
            config[str(weekday)] = spans[0] if len(spans) == 1 else spans
        return config

    def closures_to_config(self) -> list[str | list[str]]:
        """The ``closures`` that :meth:`from_config` reads: a one-day closure as one ISO date,
        a longer one as its first and last day."""
        return [
            first.isoformat() if first == last else [first.isoformat(), last.isoformat()]
            for first, last in self._closed
        ]

    # ------------------------------------------------------------------ tables

    def _year(self, year: int) -> _Year:
        """The precomputed table for one local year (built on first use, then cached)."""
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build_year(year)
        return table

    def _holiday_dates(self, year: int) -> frozenset[date]:
        """Public holidays of the site's region in one year (observed days included)."""
        if self.holiday_country is None:
            return frozenset()
        found = holidays.country_holidays(
            self.holiday_country, subdiv=self.holiday_subdiv, years=year
        )
        return frozenset(found.keys())

    def _closure_dates(self, year: int) -> frozenset[date]:
        """The site's own closed days that fall in one year."""
        first_of_year = date(year, 1, 1).toordinal()
        last_of_year = date(year, 12, 31).toordinal()
        return frozenset(
            date.fromordinal(ordinal)
            for first, last in self._closed
            for ordinal in range(
                max(first.toordinal(), first_of_year), min(last.toordinal(), last_of_year) + 1
            )
        )

    def _closes_days_in(self, year: int) -> bool:
        """True if a site closure covers at least one day of ``year``."""
        return any(first.year <= year <= last.year for first, last in self._closed)

    def _build_year(self, year: int) -> _Year:
        """Every open interval of the local year in UTC, with a running business-second total.

        This is the one loop over days, once per calendar and year; an interval that DST leaves
        empty (both ends in one spring-forward gap) gets no entry.
        """
        if not 1 <= year <= MAXYEAR:
            raise ValueError("the result lies beyond the supported date range (year 9999)")
        zone = self._zone
        closed_days = self._holiday_dates(year) | self._closure_dates(year)
        first = date(year, 1, 1).toordinal()
        end = date(year + 1, 1, 1).toordinal() if year < MAXYEAR else date.max.toordinal() + 1
        shifts = self._shifts
        opens: list[float] = []
        closes: list[float] = []
        cum: list[float] = [0.0]
        total = 0.0
        for ordinal in range(first, end):
            day = date.fromordinal(ordinal)
            spans = shifts.get(day.weekday())
            if spans is None or day in closed_days:
                continue
            for wall_opens, wall_closes in spans:
                start = _wall_to_timestamp(day, wall_opens, zone)
                stop = _wall_to_timestamp(day, wall_closes, zone)
                if stop > start:
                    opens.append(start)
                    closes.append(stop)
                    total += stop - start
                    cum.append(total)
        return _Year(year, opens, closes, cum)

    def _locate(self, stamp: float) -> tuple[_Year, int]:
        """The table of the local year containing ``stamp`` and the index of the first interval
        of that year that closes after ``stamp`` (the one containing it, or the next one; equal
        to the number of intervals if the year has no more)."""
        table = self._year(datetime.fromtimestamp(stamp, self._zone).year)
        return table, bisect_right(table.closes, stamp)

    def _seconds_into_year(self, stamp: float) -> tuple[int, float]:
        """(local year, business seconds from the start of that year up to ``stamp``)."""
        table, index = self._locate(stamp)
        elapsed = table.cum[index]
        if index < len(table.opens) and stamp > table.opens[index]:
            elapsed += stamp - table.opens[index]
        return table.year, elapsed

    # ------------------------------------------------------------------ public arithmetic

    def is_business_time(self, moment: datetime) -> bool:
        """True if ``moment`` falls inside opening hours (open is inclusive, close exclusive)."""
        _require_aware(moment, "moment")
        if self.always_open:
            return True
        stamp = moment.timestamp()
        table, index = self._locate(stamp)
        return index < len(table.opens) and table.opens[index] <= stamp

    def next_open(self, moment: datetime) -> datetime:
        """``moment`` (in UTC) if it is business time, otherwise the next opening."""
        return self.add_business_minutes(moment, 0)

    def add_business_minutes(self, start: datetime, minutes: float) -> datetime:
        """The UTC moment at which ``minutes`` business minutes have elapsed since ``start``.

        Counting starts at the next opening if ``start`` is outside business hours, so 0
        minutes gives the next business moment. A target that is used up exactly at closing
        time is due at closing time, not at the next opening.
        """
        _require_aware(start, "start")
        if type(minutes) is not float and type(minutes) is not int:  # fast path first
            # numbers.Real admits numpy scalars from the data generator, refuses "60" and bools.
            if isinstance(minutes, bool) or not isinstance(minutes, numbers.Real):
                raise ValueError(f"minutes must be a number, got {minutes!r}")
            minutes = float(minutes)
        if not 0 <= minutes <= _MAX_MINUTES:  # also refuses NaN and infinity
            raise ValueError(
                f"minutes must be between 0 and {_MAX_MINUTES} (a century), got {minutes!r}"
            )
        if self.always_open:
            return start.astimezone(_UTC) + timedelta(minutes=minutes)

        stamp = start.timestamp()
        need = minutes * 60.0
        table, index = self._locate(stamp)

        # The rest of the interval ``start`` falls in, if it falls in one.
        if index < len(table.opens) and table.opens[index] <= stamp:
            if need == 0:
                return start.astimezone(_UTC)
            available = table.closes[index] - stamp
            if need <= available:
                return _from_timestamp(stamp + need)
            need -= available
            index += 1

        # Whole intervals after it, a year table at a time: the year's total says whether the
        # target falls in it, and a binary search on the running total finds the interval.
        while True:
            cum = table.cum
            if index < len(table.opens):
                base = cum[index]
                target = base + need
                if target <= table.total:
                    # First interval by whose close the running total reaches the target; as
                    # ``cum`` strictly increases, a need of 0 (or too small to register) finds
                    # interval ``index`` itself, i.e. the next opening.
                    interval = bisect_left(cum, target, index + 1) - 1
                    return _from_timestamp(table.opens[interval] + (need - (cum[interval] - base)))
                need -= table.total - base
            table = self._year(table.year + 1)
            index = 0
            if table.total == 0.0 and not self._closes_days_in(table.year):
                # Without this, a calendar whose open days are all holidays would search on
                # until year 9999. A closure can empty a year on purpose; closures end, so the
                # search still stops.
                raise ValueError(
                    f"The calendar has no business time in the whole of {table.year} "
                    f"(is every open day a holiday?); check the site's hours and holidays"
                )

    def business_minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes elapsed in ``[start, end)``; 0 if ``end <= start``.

        The inverse of :meth:`add_business_minutes`, used for "time spent" figures (MTTA and
        MTTR in business hours) and for the business minutes a ticket was paused.
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start) / _ONE_MINUTE
        start_year, start_seconds = self._seconds_into_year(start.timestamp())
        end_year, end_seconds = self._seconds_into_year(end.timestamp())
        seconds = end_seconds - start_seconds
        for year in range(start_year, end_year):
            seconds += self._year(year).total
        return seconds / 60.0
