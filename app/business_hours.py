"""Business-hours calendar arithmetic for SLA clocks.

SLA targets are promised in a site's *business* time: a four-hour response target on a ticket
logged at 16:00 on a Friday is due on Monday morning, not on Friday evening. This module turns
"N business minutes after this moment" into a UTC timestamp and back, for one site's opening
hours, time zone and public holidays. It knows nothing about tickets; pausing the clock while a
ticket waits on the caller is the caller's job (it adds the paused business minutes to the
target).

Design decisions, and why:

* Opening hours are local wall-clock times ("we open at 08:00"), so each day's interval is built
  in local time with :mod:`zoneinfo` and only then converted to UTC. A day on which the clocks
  change therefore has the right length in real minutes, and the hours after a DST change
  still open at 08:00 local.
* A wall time that does not exist (inside a spring-forward gap) is taken as the instant the
  clocks jumped, i.e. the first instant at which the wall clock shows that time or later. A wall
  time that occurs twice (fall-back) is taken at its first occurrence. Both only matter for
  sites that open or close in the small hours of a DST night.
* A public holiday closes the whole *local* day.
* The calendar is used ~a million times by the bulk data generator and once per ticket on every
  queue refresh, so the arithmetic works on POSIX timestamps (floats) against per-year tables
  built once per calendar and year: every local day's open interval in UTC plus a running total
  of business seconds. Adding minutes is then a dictionary lookup and a binary search, whatever
  the number of minutes (no loop per minute, not even per day).
"""

from __future__ import annotations

import math
import numbers
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = ["BusinessCalendar"]

_UTC = UTC
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_ONE_MINUTE = timedelta(minutes=1)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
# No SLA target is anywhere near a century; anything larger is a unit mix-up (seconds passed as
# minutes, say) and would otherwise make the calendar build tables for thousands of years.
_MAX_MINUTES = 100 * 366 * 24 * 60


class _Year:
    """One local calendar year of a site, precomputed for fast lookups.

    ``opens[i]`` / ``closes[i]`` are the UTC timestamps of the open interval of the i-th local
    day of the year (equal and meaningless on a closed day, check ``closes[i] > opens[i]``);
    ``cum[i]`` is the number of business seconds in the days before day i, so ``cum[-1]`` is
    the year's total. ``cum`` is non-decreasing, which is what lets a binary search find the
    day on which a target falls.
    """

    __slots__ = ("closes", "cum", "first", "opens", "total", "year")

    def __init__(
        self, year: int, first: int, opens: list[float], closes: list[float], cum: list[float]
    ) -> None:
        self.year = year
        self.first = first  # proleptic ordinal of 1 January
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
    """A site's opening hours, time zone and public holidays, for SLA clock arithmetic.

    ``hours`` maps weekday (0 = Monday .. 6 = Sunday) to ``(opens, closes)`` in local wall time;
    a missing weekday is closed. Treat ``hours`` as read-only: the calendar caches its tables.
    ``always_open`` is a 24x7 calendar (for P1 targets): every minute counts, holidays too.

    All methods take timezone-aware datetimes in any zone and return UTC-aware datetimes.
    Instances are hashable, so they can key a per-site cache.
    """

    timezone: str
    hours: dict[int, tuple[time, time]]
    holiday_country: str | None = None
    holiday_subdiv: str | None = None
    always_open: bool = False

    # ------------------------------------------------------------------ construction

    def __post_init__(self) -> None:
        """Validate eagerly: a bad calendar must fail when the settings are saved, not when a
        ticket's due time is computed in a worker thread."""
        zone = _load_zone(self.timezone)
        if not isinstance(self.hours, dict):
            raise ValueError("Opening hours must map weekday numbers 0..6 to (opens, closes)")
        hours: dict[int, tuple[time, time]] = {}
        for weekday, span in self.hours.items():
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(
                    f"Opening hours: weekday {weekday!r} is not 0 (Monday) .. 6 (Sunday)"
                )
            name = _WEEKDAY_NAMES[weekday]
            if (
                not isinstance(span, tuple | list)
                or len(span) != 2
                or not all(isinstance(value, time) for value in span)
            ):
                raise ValueError(f"Opening hours for {name}: expected (opens, closes) times")
            opens, closes = span
            if opens.tzinfo is not None or closes.tzinfo is not None:
                raise ValueError(
                    f"Opening hours for {name}: give local wall times without a time zone; "
                    f"the calendar's time zone applies"
                )
            if opens >= closes:
                raise ValueError(
                    f"Opening hours for {name}: opens at {_format_time(opens)} but closes at "
                    f"{_format_time(closes)}; the opening time must be before the closing time"
                )
            hours[weekday] = (opens, closes)
        if not hours and not self.always_open:
            raise ValueError(
                "A site needs at least one business day: give opening hours for at least one "
                "weekday, or make the calendar always open (24x7)"
            )
        country, subdiv = _canonical_region(self.holiday_country, self.holiday_subdiv)
        # Frozen dataclass: normalised values and caches go in through object.__setattr__.
        # The caches live in the instance __dict__, not in dataclass fields, so they stay out
        # of __eq__ and __repr__.
        object.__setattr__(self, "hours", dict(sorted(hours.items())))
        object.__setattr__(self, "holiday_country", country)
        object.__setattr__(self, "holiday_subdiv", subdiv)
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
            )
        )

    @classmethod
    def from_config(
        cls,
        timezone: str,
        hours_json: dict[str, list[str]],
        holiday_country: str | None,
        holiday_subdiv: str | None,
    ) -> BusinessCalendar:
        """Build a calendar from the settings file / settings dialog.

        ``hours_json`` is ``{"0": ["08:00", "17:30"], ...}`` (JSON object keys are strings).
        Every problem is reported as a ValueError whose message names the offending weekday or
        value, because it is shown to the person editing the site settings.
        """
        if not isinstance(hours_json, dict):
            raise ValueError(
                'Opening hours must be an object like {"0": ["08:00", "17:00"], ...} '
                "with weekdays 0 (Monday) .. 6 (Sunday)"
            )
        hours: dict[int, tuple[time, time]] = {}
        for key, span in hours_json.items():
            text = str(key).strip()
            if not text.isdigit() or not 0 <= int(text) <= 6:
                raise ValueError(f"Opening hours: weekday {key!r} is not 0 (Monday) .. 6 (Sunday)")
            weekday = int(text)
            if weekday in hours:
                raise ValueError(f"Opening hours: {_WEEKDAY_NAMES[weekday]} is given twice")
            where = f"Opening hours for {_WEEKDAY_NAMES[weekday]}"
            if not isinstance(span, list | tuple) or len(span) != 2:
                raise ValueError(f'{where}: expected ["HH:MM", "HH:MM"] (opens, closes)')
            hours[weekday] = (_parse_hhmm(span[0], where), _parse_hhmm(span[1], where))
        return cls(
            timezone=timezone.strip() if isinstance(timezone, str) else timezone,
            hours=hours,
            holiday_country=holiday_country,
            holiday_subdiv=holiday_subdiv,
        )

    def to_config(self) -> dict[str, list[str]]:
        """The ``hours_json`` that :meth:`from_config` reads, for saving the settings."""
        return {
            str(weekday): [_format_time(opens), _format_time(closes)]
            for weekday, (opens, closes) in sorted(self.hours.items())
        }

    # ------------------------------------------------------------------ tables

    def _year(self, year: int) -> _Year:
        """The precomputed table for one local year (built on first use, then cached)."""
        years: dict[int, _Year] = self.__dict__["_years"]
        table = years.get(year)
        if table is None:
            table = years[year] = self._build_year(year)
        return table

    def _holiday_dates(self, year: int) -> frozenset[date]:
        """Public holidays of the site's region in one year (observed days included)."""
        if self.holiday_country is None:
            return frozenset()
        found = holidays.country_holidays(
            self.holiday_country, subdiv=self.holiday_subdiv, years=year
        )
        return frozenset(found.keys())

    def _build_year(self, year: int) -> _Year:
        """Open interval in UTC and running business-second total for every local day."""
        if not 1 <= year <= MAXYEAR:
            raise ValueError("the result lies beyond the supported date range (year 9999)")
        zone: ZoneInfo = self.__dict__["_zone"]
        closed_days = self._holiday_dates(year)
        first = date(year, 1, 1).toordinal()
        end = date(year + 1, 1, 1).toordinal() if year < MAXYEAR else date.max.toordinal() + 1
        hours = self.hours
        opens: list[float] = []
        closes: list[float] = []
        cum: list[float] = [0.0]
        total = 0.0
        for ordinal in range(first, end):
            day = date.fromordinal(ordinal)
            span = hours.get(day.weekday())
            start = stop = 0.0
            if span is not None and day not in closed_days:
                start = _wall_to_timestamp(day, span[0], zone)
                stop = _wall_to_timestamp(day, span[1], zone)
                if stop > start:  # both ends in one DST gap would leave nothing open
                    total += stop - start
                else:
                    start = stop = 0.0
            opens.append(start)
            closes.append(stop)
            cum.append(total)
        return _Year(year, first, opens, closes, cum)

    def _locate(self, stamp: float) -> tuple[_Year, int]:
        """The year table and day index of the local day containing ``stamp``."""
        local = datetime.fromtimestamp(stamp, self.__dict__["_zone"])
        table = self._year(local.year)
        return table, local.toordinal() - table.first

    def _seconds_into_year(self, stamp: float) -> tuple[int, float]:
        """(local year, business seconds from the start of that year up to ``stamp``)."""
        table, index = self._locate(stamp)
        elapsed = table.cum[index]
        opens, closes = table.opens[index], table.closes[index]
        if closes > opens and stamp > opens:
            elapsed += min(stamp, closes) - opens
        return table.year, elapsed

    # ------------------------------------------------------------------ public arithmetic

    def is_business_time(self, moment: datetime) -> bool:
        """True if ``moment`` falls inside opening hours (open is inclusive, close exclusive)."""
        _require_aware(moment, "moment")
        if self.always_open:
            return True
        stamp = moment.timestamp()
        table, index = self._locate(stamp)
        return table.opens[index] <= stamp < table.closes[index]

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

        # The rest of the start day.
        opens, closes = table.opens[index], table.closes[index]
        if closes > opens and stamp < closes:
            if stamp >= opens:
                if need == 0:
                    return start.astimezone(_UTC)
                begin = stamp
            else:
                begin = opens
            available = closes - begin
            if need <= available:
                return _from_timestamp(begin + need)
            need -= available

        # Whole days after it, a year table at a time: binary search on the running total.
        index += 1
        while True:
            cum = table.cum
            if index < len(table.opens):
                base = cum[index]
                target = base + need
                if target == base:  # need is 0 (or too small to register): next opening
                    found = bisect_right(cum, base, index + 1)
                else:  # first day by whose close the running total reaches the target
                    found = bisect_left(cum, target, index + 1)
                if found < len(cum):
                    day = found - 1
                    return _from_timestamp(table.opens[day] + (need - (cum[day] - base)))
                need -= table.total - base
            table = self._year(table.year + 1)
            index = 0
            if table.total == 0.0:
                # Without this, a calendar whose open days are all holidays would search on
                # until year 9999.
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
