"""Coverage: how many people are at each site's desk, hour by hour, against its minimum.

This is the manager's first question about a roster: when is nobody answering the phone?
For each site and local day of a week there is an hour strip, from local midnight to the next
(23 hours on the day the clocks go forward, 25 on the day they go back), each hour with the
number of people at the desk and the minimum wanted then; an hour with fewer people than the
minimum is a gap, and gaps are listed in words ("Mon 30 Nov 17:00-19:00 at HQ: 0 of 1").

- A person counts in an hour when their desk shifts at the site cover **at least 30 minutes**
  of it (half of a shorter hour): a shift ending 17:30 counts in the 17:00 hour, one ending
  17:15 does not. Time they are on leave or sick is taken off their desk shifts first: a
  person marked sick answers no phone, whatever the desk shift still on the roster says.
- The minimum comes from the site's bands for that weekday (:class:`Band`, local times, such
  as Monday 08:00-17:00 at least 2), applied to an hour by its middle (so the same 30-minute
  rule): a band 08:30-17:00 covers the 08:00 hour. No band: a minimum of 0.

A manager sets a site's bands (:attr:`Action.EDIT_ROSTER`, audited as COVERAGE_CHANGED);
bands of a weekday must not overlap, each starts before it ends (an end of "24:00" or
"00:00" is midnight at the end of the day) and wants 0 people or more.
"""

from __future__ import annotations

import logging
import uuid
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, delete, select
from sqlmodel import col

from app.audit import record
from app.errors import NotFoundError, ValidationError
from app.org.sites import WEEKDAYS
from app.permissions import Action, require
from app.roster.conflicts import ShiftLike
from app.roster.local_time import clock_text, day_text, parse_clock, wall_to_utc
from models.audit import AuditKind
from models.engine import read_connection, write_session
from models.org import Site
from models.roster import CoverageMinimum

log = logging.getLogger(__name__)

HOUR = timedelta(hours=1)
PRESENT = 0.5  # the share of an hour a person must be at the desk to count in it
END_OF_DAY = 24 * 60
MIDNIGHT_ENDS = ("24:00", "00:00")
Span = tuple[float, float]  # POSIX seconds, start and end


@dataclass(frozen=True)
class Band:
    """At least ``minimum`` people at the desk on ``weekday`` (0 Monday) from ``starts`` to
    ``ends`` (local "HH:MM"; "24:00" is the end of the day)."""

    weekday: int
    starts: str
    ends: str
    minimum: int

    def text(self) -> str:
        return f"{self.starts}-{self.ends} at least {self.minimum}"


@dataclass(frozen=True)
class HourCover:
    """One hour of a strip: its local start, the people at the desk and the minimum."""

    starts: datetime  # aware, in the site's zone
    people: int
    minimum: int

    @property
    def short(self) -> bool:
        return self.people < self.minimum


@dataclass(frozen=True)
class DayCover:
    """One local day's hour strip: 23, 24 or 25 hours."""

    day: date
    hours: tuple[HourCover, ...]


@dataclass(frozen=True)
class Gap:
    """Hours in a row of one day with the same too few people at a site's desk. Its ends
    are local times; their true distance is taken in UTC (Python subtracts two times of one
    zone on the clock, so 00:00-00:00 across the autumn change would be 24 hours)."""

    site_id: uuid.UUID
    site_code: str
    day: date
    starts: datetime  # aware, local
    ends: datetime  # aware, local
    people: int
    minimum: int

    @property
    def text(self) -> str:
        """ "Mon 30 Nov 17:00-19:00 at HQ: 0 of 1"."""
        return (
            f"{day_text(self.day)} {clock_text(self.starts)}-{clock_text(self.ends)} at "
            f"{self.site_code}: {self.people} of {self.minimum}"
        )


@dataclass(frozen=True)
class SiteCoverage:
    """A site's hour strips for the seven days of a week, and its gaps."""

    site_id: uuid.UUID
    site_code: str
    days: tuple[DayCover, ...]
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class SiteClock:
    """What the strips need of a site."""

    id: uuid.UUID
    code: str
    zone: ZoneInfo


# -- the strips ---------------------------------------------------------------------------------


def site_coverage(
    site: SiteClock,
    monday: date,
    desk: Iterable[ShiftLike],
    away: Iterable[ShiftLike],
    bands: Iterable[Band],
) -> SiteCoverage:
    """The strips of the week starting ``monday`` at ``site``, from the ``desk`` shifts at the
    site, everyone's ``away`` shifts (leave, sickness: at any site) and the site's bands."""
    midnights = [wall_to_utc(monday + timedelta(days=n), time(), site.zone) for n in range(8)]
    starts: list[datetime] = []  # every hour of the week, in UTC
    ends: list[datetime] = []
    first_of_day: list[int] = []
    for day in range(7):
        first_of_day.append(len(starts))
        moment = midnights[day]
        while moment < midnights[day + 1]:
            starts.append(moment)
            ends.append(min(moment + HOUR, midnights[day + 1]))
            moment += HOUR
    first_of_day.append(len(starts))
    people = _people_per_hour(starts, ends, desk, away)
    by_day = _minutes_by_weekday(bands)
    days, gaps = [], []
    for day in range(7):
        local = monday + timedelta(days=day)
        hours = []
        for index in range(first_of_day[day], first_of_day[day + 1]):
            local_start = starts[index].astimezone(site.zone)
            middle = (
                local_start.hour * 60
                + local_start.minute
                + _minutes(ends[index] - starts[index]) / 2
            )
            hours.append(
                HourCover(local_start, people[index], _minimum(by_day[local.weekday()], middle))
            )
        days.append(DayCover(local, tuple(hours)))
        gaps += _gaps(site, local, hours, ends[first_of_day[day] : first_of_day[day + 1]])
    return SiteCoverage(site.id, site.code, tuple(days), tuple(gaps))


def _people_per_hour(
    starts: list[datetime],
    ends: list[datetime],
    desk: Iterable[ShiftLike],
    away: Iterable[ShiftLike],
) -> list[int]:
    """How many people are at the desk for at least half of each hour (in POSIX seconds:
    a week at a big site is thousands of overlaps, and float arithmetic is the cheap kind)."""
    off: dict[uuid.UUID, list[Span]] = defaultdict(list)
    for shift in away:
        off[shift.staff_id].append((shift.starts_at.timestamp(), shift.ends_at.timestamp()))
    present: dict[uuid.UUID, list[Span]] = defaultdict(list)
    for shift in desk:
        span = (shift.starts_at.timestamp(), shift.ends_at.timestamp())
        present[shift.staff_id] += _minus(span, off.get(shift.staff_id, []))
    hour_starts = [moment.timestamp() for moment in starts]
    hour_ends = [moment.timestamp() for moment in ends]
    counts = [0] * len(starts)
    for spans in present.values():
        seconds: dict[int, float] = defaultdict(float)
        for begin, end in _merged(spans):
            first = max(bisect_right(hour_starts, begin) - 1, 0)
            for index in range(first, bisect_left(hour_starts, end)):
                overlap = min(end, hour_ends[index]) - max(begin, hour_starts[index])
                if overlap > 0:
                    seconds[index] += overlap
        for index, total in seconds.items():
            if total >= PRESENT * (hour_ends[index] - hour_starts[index]):
                counts[index] += 1
    return counts


def _minus(span: Span, holes: Sequence[Span]) -> list[Span]:
    """``span`` without the parts inside any of ``holes``."""
    pieces = [span]
    for hole_start, hole_end in holes:
        cut = []
        for begin, end in pieces:
            if hole_end <= begin or hole_start >= end:
                cut.append((begin, end))
                continue
            if begin < hole_start:
                cut.append((begin, hole_start))
            if hole_end < end:
                cut.append((hole_end, end))
        pieces = cut
    return pieces


def _merged(spans: list[Span]) -> list[Span]:
    """Overlapping spans of one person as one: two desk shifts at once are one person."""
    merged: list[Span] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def _minutes_by_weekday(bands: Iterable[Band]) -> dict[int, list[tuple[int, int, int]]]:
    by_day: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for band in bands:
        starts, ends = _band_minutes(band.starts), _band_minutes(band.ends, end=True)
        if starts is not None and ends is not None:
            by_day[band.weekday].append((starts, ends, band.minimum))
    return by_day


def _minimum(bands: list[tuple[int, int, int]], minute: float) -> int:
    return next((wanted for starts, ends, wanted in bands if starts <= minute < ends), 0)


def _gaps(site: SiteClock, day: date, hours: list[HourCover], ends: list[datetime]) -> list[Gap]:
    """Short hours of ``day`` in a row with the same people and minimum, as one gap each."""
    gaps: list[Gap] = []
    for hour, end in zip(hours, ends, strict=True):
        local_end = end.astimezone(site.zone)
        if not hour.short:
            continue
        last = gaps[-1] if gaps else None
        if (
            last is not None
            and last.ends == hour.starts
            and (last.people, last.minimum) == (hour.people, hour.minimum)
        ):
            gaps[-1] = Gap(
                site.id, site.code, day, last.starts, local_end, hour.people, hour.minimum
            )
        else:
            gaps.append(
                Gap(site.id, site.code, day, hour.starts, local_end, hour.people, hour.minimum)
            )
    return gaps


def _minutes(span: timedelta) -> float:
    return span.total_seconds() / 60


# -- the bands ----------------------------------------------------------------------------------


def coverage_bands(engine: Engine, site_id: uuid.UUID) -> tuple[Band, ...]:
    """``site_id``'s bands, by weekday and start."""
    with read_connection(engine) as connection:
        return bands_of(connection, [site_id]).get(site_id, ())


def bands_of(
    connection: Connection, site_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[Band, ...]]:
    """The bands of each of ``site_ids`` (a site without any is left out), in one query."""
    rows = connection.execute(
        select(CoverageMinimum)
        .where(col(CoverageMinimum.site_id).in_(site_ids))
        .order_by(col(CoverageMinimum.weekday), col(CoverageMinimum.starts))
    ).all()
    found: dict[uuid.UUID, list[Band]] = defaultdict(list)
    for row in rows:
        found[row.site_id].append(Band(row.weekday, row.starts, row.ends, row.minimum))
    return {site: tuple(bands) for site, bands in found.items()}


def set_coverage_bands(
    engine: Engine, actor_id: uuid.UUID, site_id: uuid.UUID, bands: Sequence[Band]
) -> None:
    """Make ``bands`` the site's minimum desk cover, replacing the ones it had. Every
    problem is reported at once, at ``bands.N`` for the N-th band (from 0), and nothing is
    saved."""
    clean = _clean_bands(bands)
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        site = session.get(Site, site_id)
        if site is None:
            raise NotFoundError("That site no longer exists; the list is read again.")
        before = bands_of(session.connection(), [site_id]).get(site_id, ())
        changes = _changes(before, clean)
        if not changes:
            return
        session.execute(delete(CoverageMinimum).where(col(CoverageMinimum.site_id) == site_id))
        session.add_all(
            CoverageMinimum(
                site_id=site_id, weekday=b.weekday, starts=b.starts, ends=b.ends, minimum=b.minimum
            )
            for b in clean
        )
        detail = f"Desk cover at {site.code}: " + "; ".join(changes)
        record(session, actor_id, AuditKind.COVERAGE_CHANGED, detail, subject_id=site.id)
        log.info("%s", detail)


def _clean_bands(bands: Sequence[Band]) -> tuple[Band, ...]:
    """``bands`` with their hours written "08:00" and midnight ends as "24:00", sorted by
    weekday and start, or a ValidationError at each band that breaks a rule."""
    problems: dict[str, str] = {}
    clean: list[tuple[int, Band]] = []
    for index, band in enumerate(bands):
        where = f"bands.{index}"
        starts, ends = _band_minutes(band.starts), _band_minutes(band.ends, end=True)
        if band.weekday not in range(7):
            problems[where] = "Choose a weekday from Monday to Sunday."
        elif starts is None or ends is None:
            problems[where] = (
                "Type the hours as HH:MM on the 24-hour clock, such as 08:00 to 17:00 (24:00 "
                "for midnight at the end of the day)."
            )
        elif ends <= starts:
            problems[where] = (
                f"The band ends ({band.ends.strip()}) before it starts ({band.starts.strip()}); "
                "a band lies within one day, so split one across midnight into two."
            )
        elif band.minimum < 0:
            problems[where] = "Want 0 people or more at the desk."
        else:
            clean.append((index, Band(band.weekday, _clock(starts), _clock(ends), band.minimum)))
    clean.sort(key=lambda item: (item[1].weekday, item[1].starts))
    for (_, earlier), (index, later) in pairwise(clean):
        if earlier.weekday == later.weekday and later.starts < earlier.ends:
            problems[f"bands.{index}"] = (
                f"{later.starts}-{later.ends} overlaps {earlier.starts}-{earlier.ends} on "
                f"{WEEKDAYS[later.weekday]}; make one end where the next starts."
            )
    if problems:
        raise ValidationError(problems)
    return tuple(band for _, band in clean)


def _band_minutes(text: str, *, end: bool = False) -> int | None:
    """Minutes after midnight of a band's "HH:MM"; for an end, midnight is 24 hours."""
    if end and text.strip() in MIDNIGHT_ENDS:
        return END_OF_DAY
    wall = parse_clock(text)
    return None if wall is None else wall.hour * 60 + wall.minute


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _changes(before: Sequence[Band], after: Sequence[Band]) -> list[str]:
    """Each weekday whose bands change, in words: "Monday 08:00-17:00 at least 1 → none"."""
    changes = []
    for weekday, name in enumerate(WEEKDAYS):
        old = ", ".join(b.text() for b in before if b.weekday == weekday) or "none"
        new = ", ".join(b.text() for b in after if b.weekday == weekday) or "none"
        if old != new:
            changes.append(f"{name} {old} → {new}")
    return changes
