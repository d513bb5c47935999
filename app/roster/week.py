"""The roster week as the grid paints it: people by days, their shifts, the week's conflicts
and each site's desk coverage, in one call.

A week is the local days Monday to Sunday at each shift's site: a shift is on the day (and
in the week) on which it starts where it is worked, so a Sunday night on call in New York is
on Sunday even though it starts on Monday in UTC.

The rows are the active staff, by name; a team filter keeps the team's members (and those
whose home team it is), a site filter the people whose home site it is and anyone with a
shift there that week. Each row carries
all of its person's shifts that week (at any site), so its conflicts make sense. Coverage is
the desk of the site filtered on (every site without one) and counts everyone's desk shifts,
whatever the team filter: the phone is answered by whoever is at the desk.

Reading is a fixed handful of indexed queries, whatever the number of people: the shifts of
the week and a day either side (for overlaps and rest across its ends), the on-call shifts
of the 3 weeks before (for the on-call limit), the staff, the shift types, the sites and their
coverage bands. Everything else (local days, conflicts, the hour strips) is worked out in
memory from those rows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, Engine, select
from sqlmodel import col

from app.roster.conflicts import (
    ON_CALL_WINDOW_WEEKS,
    WORK_KINDS,
    Conflict,
    Person,
    find_conflicts,
)
from app.roster.coverage import Gap, SiteClock, SiteCoverage, bands_of, site_coverage
from app.roster.limits import max_on_call_weeks_in
from app.roster.local_time import DAY, WEEK, check_monday, clock_text, week_window
from app.roster.shifts import in_team, shift_label
from models.engine import read_connection
from models.enums import ShiftKind
from models.org import Site, Staff
from models.roster import Shift, ShiftType


@dataclass(frozen=True)
class ShiftTypeInfo:
    """A shift type for the legend and the editor's choices."""

    id: uuid.UUID
    name: str
    kind: ShiftKind
    colour: str
    pattern: str
    starts: str
    ends: str
    retired: bool


@dataclass(frozen=True)
class RosterShift:
    """One shift as a cell of the grid shows it, in its site's local time."""

    id: uuid.UUID
    staff_id: uuid.UUID
    day: date  # the local day it starts on, at its site
    starts: str  # "07:00"
    ends: str  # "15:00" (on the next day when not after ``starts``)
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    shift_type_id: uuid.UUID
    type_name: str
    kind: ShiftKind
    colour: str
    pattern: str
    site_id: uuid.UUID
    site_code: str
    note: str

    @property
    def label(self) -> str:
        """ "Desk early Mon 30 Nov 07:00-15:00 at HQ"."""
        return shift_label(self.type_name, self.day, self.starts, self.ends, self.site_code)


@dataclass(frozen=True)
class RosterRow:
    """One person's week: their shifts per day (Monday first) and where conflicts are."""

    staff_id: uuid.UUID
    name: str
    phone: str  # "" where none is known
    home_site: str  # the site's code, "" for none
    contracted_minutes: int | None
    planned_minutes: int  # desk and training time this week
    days: tuple[tuple[RosterShift, ...], ...]  # seven, each by start
    conflict_days: frozenset[date]


@dataclass(frozen=True)
class RosterWeek:
    """Everything the roster page shows for one week."""

    monday: date
    rows: tuple[RosterRow, ...]
    conflicts: tuple[Conflict, ...]
    conflicted: frozenset[uuid.UUID]  # shifts of this week in a conflict
    coverage: tuple[SiteCoverage, ...]  # by site code
    types: tuple[ShiftTypeInfo, ...]  # by name, retired ones too (old shifts use them)
    max_on_call_weeks: int

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.monday + timedelta(days=n) for n in range(7))

    @property
    def gaps(self) -> tuple[Gap, ...]:
        """Every site's coverage gaps, site by site, each site's by time."""
        return tuple(gap for site in self.coverage for gap in site.gaps)


@dataclass(frozen=True)
class _Staff:
    id: uuid.UUID
    name: str
    phone: str | None
    home_site_id: uuid.UUID | None
    contracted_minutes: int | None


def week(
    engine: Engine,
    monday: date,
    *,
    site_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
) -> RosterWeek:
    """The roster of the week starting ``monday`` (a Monday), filtered by ``site_id`` and
    ``team_id`` as the module docstring says."""
    check_monday(monday)
    start, end = week_window(monday, DAY)
    with read_connection(engine) as connection:
        sites = _sites(connection)
        types = _types(connection)
        staff = _active_staff(connection)
        members = _members(connection, team_id) if team_id is not None else None
        on_call = [t.id for t in types.values() if t.kind is ShiftKind.ON_CALL]
        shifts = [
            *_shifts(connection, types, sites, start, end),
            *_shifts(
                connection,
                types,
                sites,
                start - WEEK * (ON_CALL_WINDOW_WEEKS - 1),
                start,
                col(Shift.shift_type_id).in_(on_call),
            ),
        ]
        shown_sites = [site_id] if site_id is not None else list(sites)
        bands = bands_of(connection, shown_sites)
        maximum = max_on_call_weeks_in(connection)
    shifts = [s for s in shifts if s.staff_id in staff]
    sunday = monday + timedelta(days=6)
    this_week = [s for s in shifts if monday <= s.day <= sunday]
    working_there = {s.staff_id for s in this_week if s.site_id == site_id}
    chosen = [
        person
        for person in staff.values()
        if (members is None or person.id in members)
        and (site_id is None or person.home_site_id == site_id or person.id in working_there)
    ]
    people = {p.id: Person(p.id, p.name, p.contracted_minutes) for p in chosen}
    conflicts = find_conflicts(shifts, people, monday, maximum)
    away = [s for s in shifts if s.kind.is_away]
    coverage = tuple(
        site_coverage(
            sites[site],
            monday,
            [s for s in shifts if s.site_id == site and s.kind is ShiftKind.DESK],
            away,
            bands.get(site, ()),
        )
        for site in shown_sites
        if site in sites
    )
    week_ids = {s.id for s in this_week}
    return RosterWeek(
        monday=monday,
        rows=_rows(chosen, this_week, conflicts, sites, monday),
        conflicts=conflicts,
        conflicted=frozenset(i for c in conflicts for i in c.shift_ids if i in week_ids),
        coverage=coverage,
        types=tuple(sorted(types.values(), key=lambda t: t.name.lower())),
        max_on_call_weeks=maximum,
    )


def _sites(connection: Connection) -> dict[uuid.UUID, SiteClock]:
    """Every site, by code."""
    found = connection.execute(
        select(col(Site.id), col(Site.code), col(Site.timezone)).order_by(col(Site.code))
    ).all()
    return {id_: SiteClock(id_, code, ZoneInfo(zone)) for id_, code, zone in found}


def _types(connection: Connection) -> dict[uuid.UUID, ShiftTypeInfo]:
    found = connection.execute(
        select(
            col(ShiftType.id),
            col(ShiftType.name),
            col(ShiftType.kind),
            col(ShiftType.colour),
            col(ShiftType.pattern),
            col(ShiftType.starts),
            col(ShiftType.ends),
            col(ShiftType.retired),
        )
    ).all()
    return {row[0]: ShiftTypeInfo(*row) for row in found}


def _active_staff(connection: Connection) -> dict[uuid.UUID, _Staff]:
    found = connection.execute(
        select(
            col(Staff.id),
            col(Staff.name),
            col(Staff.phone),
            col(Staff.home_site_id),
            col(Staff.contracted_minutes),
        ).where(col(Staff.active))
    ).all()
    return {row[0]: _Staff(*row) for row in found}


def _members(connection: Connection, team_id: uuid.UUID) -> set[uuid.UUID]:
    return set(connection.execute(select(col(Staff.id)).where(in_team(team_id))).scalars())


def _shifts(
    connection: Connection,
    types: Mapping[uuid.UUID, ShiftTypeInfo],
    sites: Mapping[uuid.UUID, SiteClock],
    start: datetime,
    end: datetime,
    *where: ColumnElement[bool],
) -> list[RosterShift]:
    """The shifts starting from ``start`` to before ``end`` (UTC), through the index on
    the start, as the grid shows them."""
    found = connection.execute(
        select(
            col(Shift.id),
            col(Shift.staff_id),
            col(Shift.shift_type_id),
            col(Shift.site_id),
            col(Shift.starts_at),
            col(Shift.ends_at),
            col(Shift.note),
        ).where(col(Shift.starts_at) >= start, col(Shift.starts_at) < end, *where)
    ).all()
    shifts = []
    for id_, staff_id, type_id, site_id, starts_at, ends_at, note in found:
        shift_type, site = types[type_id], sites[site_id]
        starts, ends = starts_at.astimezone(site.zone), ends_at.astimezone(site.zone)
        shifts.append(
            RosterShift(
                id=id_,
                staff_id=staff_id,
                day=starts.date(),
                starts=clock_text(starts),
                ends=clock_text(ends),
                starts_at=starts_at,
                ends_at=ends_at,
                shift_type_id=type_id,
                type_name=shift_type.name,
                kind=shift_type.kind,
                colour=shift_type.colour,
                pattern=shift_type.pattern,
                site_id=site_id,
                site_code=site.code,
                note=note,
            )
        )
    return shifts


def _rows(
    chosen: Sequence[_Staff],
    this_week: Sequence[RosterShift],
    conflicts: Sequence[Conflict],
    sites: Mapping[uuid.UUID, SiteClock],
    monday: date,
) -> tuple[RosterRow, ...]:
    """The chosen people by name, each with their shifts of the week by day."""
    own: dict[uuid.UUID, list[RosterShift]] = defaultdict(list)
    for shift in sorted(this_week, key=lambda s: (s.starts_at, s.ends_at)):
        own[shift.staff_id].append(shift)
    marked: dict[uuid.UUID, set[date]] = defaultdict(set)
    for conflict in conflicts:
        marked[conflict.staff_id].update(conflict.days)
    week_days = [monday + timedelta(days=n) for n in range(7)]
    rows = []
    for person in sorted(chosen, key=lambda p: (p.name.lower(), p.name)):
        shifts = own.get(person.id, [])
        home = sites.get(person.home_site_id) if person.home_site_id is not None else None
        rows.append(
            RosterRow(
                staff_id=person.id,
                name=person.name,
                phone=person.phone or "",
                home_site=home.code if home is not None else "",
                contracted_minutes=person.contracted_minutes,
                planned_minutes=sum(
                    int((s.ends_at - s.starts_at).total_seconds() // 60)
                    for s in shifts
                    if s.kind in WORK_KINDS
                ),
                days=tuple(tuple(s for s in shifts if s.day == day) for day in week_days),
                conflict_days=frozenset(marked[person.id].intersection(week_days)),
            )
        )
    return tuple(rows)
