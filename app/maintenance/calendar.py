"""Reading the maintenance calendar: the occurrences in a window of time, the overdue ones,
and one occurrence in full.

Each read is one call answered from one connection: the tasks that pass the filter, the
stored occurrences among them (done, skipped, cancelled, moved, given a ticket), and the
owners' leave. The series are expanded only for the window asked for
(:func:`app.maintenance.recurrence.occurrences`), and a stored row takes the place of the
occurrence its series gave at the same start (``due_at``). Each series is expanded from its
``open_from`` at the earliest: everything before it is settled, so stored, and a month long
past is its stored rows alone. The overdue list's cost so follows what is unsettled, not the
years of history.

**Status.** Cancelled, done (on time when done by the end of its window, else late) and
skipped are as recorded; otherwise an occurrence is overdue once its window has ended, in
progress while it runs, and scheduled before. "Now" is passed in (models.clock.utcnow).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, or_, select, true
from sqlmodel import col

from app.maintenance.marks import Labelled
from app.maintenance.recurrence import occurrences
from app.maintenance.tasks import LONGEST_WINDOW, first_start
from app.roster.running import LONGEST_SHIFT
from app.roster.shifts import in_team
from models.engine import read_connection
from models.enums import OccurrenceState, ShiftKind
from models.maintenance import MaintenanceOccurrence, MaintenanceTask, MaintenanceTaskAsset
from models.org import Site, Staff, Team
from models.roster import Shift, ShiftType

AWAY = (ShiftKind.LEAVE, ShiftKind.SICK)


class Status(Labelled):
    """How an occurrence stands, with a symbol so it reads without colour."""

    SCHEDULED = ("Scheduled", "○")
    IN_PROGRESS = ("In progress", "◐")
    OVERDUE = ("Overdue", "⚠")
    DONE = ("Done", "✓")
    DONE_LATE = ("Done late", "✓!")
    SKIPPED = ("Skipped", "∅")
    CANCELLED = ("Cancelled", "✕")

    @property
    def open(self) -> bool:
        """Still to be done (or said why not)."""
        return self in (Status.SCHEDULED, Status.IN_PROGRESS, Status.OVERDUE)


@dataclass(frozen=True)
class CalendarFilter:
    """Which tasks to show; None shows all."""

    site_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None  # the task's team, or an owner who is in it
    owner_id: uuid.UUID | None = None
    asset_id: uuid.UUID | None = None


class Occurrence(NamedTuple):
    """One occurrence as the calendar shows it (a named tuple: a month makes thousands, and
    a frozen dataclass costs three times as much to make)."""

    task_id: uuid.UUID
    due_at: datetime  # the start its series gave it (UTC): with task_id, what names it
    starts_at: datetime  # where it is now (UTC)
    ends_at: datetime
    status: Status
    title: str
    system: str
    site_code: str
    site_id: uuid.UUID
    zone: str  # the site's time zone, for showing its times
    impact: str
    owner: str  # "Bob Tech", "Network", or "Bob Tech (Network)"
    owner_staff_id: uuid.UUID | None
    owner_team_id: uuid.UUID | None
    moved: bool = False
    owner_away: bool = False  # the owner has leave or sick leave during the window
    ticket_id: uuid.UUID | None = None

    @property
    def key(self) -> tuple[uuid.UUID, datetime]:
        return (self.task_id, self.due_at)

    def local(self, moment: datetime) -> datetime:
        """``moment`` on the site's clock."""
        return moment.astimezone(ZoneInfo(self.zone))


# A stored occurrence as the calendar reads it: the columns of ``_RECORDED``, in that order
# (the row itself, not an ORM object: a month holds thousands).
Recorded = tuple[
    uuid.UUID,  # task_id
    datetime,  # due_at
    datetime,  # starts_at
    datetime,  # ends_at
    OccurrenceState,  # state
    datetime | None,  # done_at
    uuid.UUID | None,  # ticket_id
]


class Series(NamedTuple):
    """What a read needs of a task: its series and what an occurrence shows of it (read as
    these columns only, not the task's instructions and checklist)."""

    id: uuid.UUID
    title: str
    system: str
    site_id: uuid.UUID
    owner_staff_id: uuid.UUID | None
    owner_team_id: uuid.UUID | None
    first_day: date
    start_time: str
    duration_minutes: int
    impact: str
    rrule: str
    open_from: datetime


_SERIES = tuple(
    getattr(MaintenanceTask, name) for name in Series._fields
)  # the columns, in Series' order


# What every occurrence of a task shows of it, in Occurrence's order from ``title`` to
# ``owner_team_id``: made once per task per read, not once per occurrence.
_Shown = tuple[str, str, str, uuid.UUID, str, str, str, uuid.UUID | None, uuid.UUID | None]


class _Task(NamedTuple):
    """A task as a read holds it: its series, on which clock, and what its occurrences
    show (where, whose)."""

    row: Series
    start: datetime  # the first occurrence's local date and time
    zone: ZoneInfo
    shown: _Shown


def window(
    engine: Engine,
    window_from: datetime,
    window_to: datetime,
    now: datetime,
    which: CalendarFilter = CalendarFilter(),
) -> list[Occurrence]:
    """Every occurrence running at some time from ``window_from`` to before ``window_to``
    (UTC), cancelled ones included, earliest first."""
    return sorted(_flagged(engine, window_from, window_to, now, which), key=_ORDER)


def _flagged(
    engine: Engine, since: datetime, until: datetime, now: datetime, which: CalendarFilter
) -> list[Occurrence]:
    """:func:`window`'s occurrences in no order."""
    with read_connection(engine) as connection:
        shown = running(connection, since, until, now, which)
        away = _away(connection, shown, since, until)
    return _flag_all(away, shown)


def running(
    connection: Connection,
    since: datetime,
    until: datetime,
    now: datetime,
    which: CalendarFilter = CalendarFilter(),
) -> list[Occurrence]:
    """:func:`window`'s occurrences (running at some time from ``since`` to before ``until``,
    cancelled ones included), in no order and not flagged for the owners' leave, read on the
    caller's ``connection``: for a read that holds its own (the desks' notices,
    app/maintenance/notices.py), so the two never count an occurrence differently."""
    tasks = _tasks(connection, which)
    # A window may start before the range: expand from the longest window earlier.
    expand_from = since - LONGEST_WINDOW
    stored = _stored(connection, tasks, expand_from, until)
    found = _merged(tasks, stored, expand_from, until, now)
    return [o for o in found if o.ends_at > since and o.starts_at < until]


def overdue(
    engine: Engine, now: datetime, which: CalendarFilter = CalendarFilter()
) -> list[Occurrence]:
    """Every occurrence whose window has ended with nothing recorded, oldest first."""
    with read_connection(engine) as connection:
        tasks = _tasks(connection, which, owing_at=now)
        if not tasks:
            return []
        since = min(task.row.open_from for task in tasks.values())
        stored = _owed(connection, tasks, now)
        found = [o for o in _merged(tasks, stored, since, now, now) if o.status is Status.OVERDUE]
        away = _away(connection, found, since, now)
    return sorted(_flag_all(away, found), key=_ORDER)


_ORDER = operator.attrgetter("starts_at", "title")  # earliest first, then by title


def status_of(
    state: OccurrenceState | None,
    done_at: datetime | None,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> Status:
    """How an occurrence running from ``starts_at`` to ``ends_at`` stands at ``now``, given
    its stored state and when it was done (None: nothing recorded)."""
    if state is OccurrenceState.DONE:
        return Status.DONE_LATE if done_at is not None and done_at > ends_at else Status.DONE
    if state is OccurrenceState.SKIPPED:
        return Status.SKIPPED
    if state is OccurrenceState.CANCELLED:
        return Status.CANCELLED
    if ends_at <= now:
        return Status.OVERDUE
    return Status.IN_PROGRESS if starts_at <= now else Status.SCHEDULED


def _tasks(
    connection: Connection, which: CalendarFilter, owing_at: datetime | None = None
) -> dict[uuid.UUID, _Task]:
    """The tasks ``which`` lets through; with ``owing_at``, only those that may owe an
    occurrence then (one before it not settled, or moved to before it)."""
    owner, team = Staff.__table__.alias("owner"), Team.__table__.alias("owner_team")  # type: ignore[attr-defined]
    query = (
        select(
            *_SERIES,
            col(Site.code),
            col(Site.timezone),
            owner.c.name,
            team.c.name,
        )
        .join(Site, col(Site.id) == col(MaintenanceTask.site_id))
        .outerjoin(owner, owner.c.id == MaintenanceTask.owner_staff_id)
        .outerjoin(team, team.c.id == MaintenanceTask.owner_team_id)
    )
    if which.site_id is not None:
        query = query.where(col(MaintenanceTask.site_id) == which.site_id)
    if which.owner_id is not None:
        query = query.where(col(MaintenanceTask.owner_staff_id) == which.owner_id)
    if which.team_id is not None:
        members = select(col(Staff.id)).where(in_team(which.team_id))
        query = query.where(
            or_(
                col(MaintenanceTask.owner_team_id) == which.team_id,
                col(MaintenanceTask.owner_staff_id).in_(members),
            )
        )
    if which.asset_id is not None:
        covering = select(col(MaintenanceTaskAsset.task_id)).where(
            col(MaintenanceTaskAsset.asset_id) == which.asset_id
        )
        query = query.where(col(MaintenanceTask.id).in_(covering))
    if owing_at is not None:
        occurrence = MaintenanceOccurrence.__table__  # type: ignore[attr-defined]
        moved_back = select(occurrence.c.task_id).where(
            occurrence.c.state == OccurrenceState.SCHEDULED, occurrence.c.starts_at < owing_at
        )
        query = query.where(
            or_(col(MaintenanceTask.open_from) < owing_at, col(MaintenanceTask.id).in_(moved_back))
        )
    return {task.row.id: task for task in map(_task, connection.execute(query).all())}


@functools.lru_cache(maxsize=1 << 14)
def _task(found: tuple[Any, ...]) -> _Task:
    """A task as read (its series' columns, its site's code and zone, its owners' names),
    remembered by the row: every read reads every task, and few change between two."""
    width = len(Series._fields)
    task = Series(*found[:width])
    code, zone_name, person, team_name = found[width:]
    names = [n for n in (person, team_name) if n]
    who = f"{names[0]} ({names[1]})" if len(names) == 2 else (names[0] if names else "")
    zone = ZoneInfo(zone_name)
    shown = (task.title, task.system, code, task.site_id, zone.key, task.impact, who)
    owners = (task.owner_staff_id, task.owner_team_id)
    return _Task(task, first_start(task), zone, (*shown, *owners))


# The columns of a stored occurrence the calendar reads (not its notes and checklist).
_RECORDED = ("task_id", "due_at", "starts_at", "ends_at", "state", "done_at", "ticket_id")
_DUE = operator.itemgetter(_RECORDED.index("due_at"))


def _stored(
    connection: Connection, tasks: dict[uuid.UUID, _Task], since: datetime, until: datetime
) -> dict[uuid.UUID, list[Recorded]]:
    """The stored occurrences of ``tasks`` due, or moved to start, between the two times,
    by task."""
    if not tasks:
        return {}
    occurrence = MaintenanceOccurrence.__table__  # type: ignore[attr-defined]
    return _by_task(
        connection.execute(
            select(*(occurrence.c[name] for name in _RECORDED))
            .where(
                or_(
                    (occurrence.c.due_at >= since) & (occurrence.c.due_at < until),
                    (occurrence.c.starts_at >= since) & (occurrence.c.starts_at < until),
                )
            )
            .order_by(occurrence.c.task_id)
        ).all(),
        tasks,
    )


def _owed(
    connection: Connection, tasks: dict[uuid.UUID, _Task], now: datetime
) -> dict[uuid.UUID, list[Recorded]]:
    """The stored occurrences of ``tasks`` from each one's ``open_from`` that are due, or
    moved to start, before ``now``: all the overdue list needs, however long the history.

    Each task is looked up in the (task_id, due_at) index from its own ``open_from``.
    SQLite's planner does so for the join; PostgreSQL's cannot estimate ``due_at >=
    open_from`` and hashes the join over the whole history instead (every stored row, 60 ms
    for 1,000 tasks and five years), so there the rows are a LATERAL subquery per task,
    which its OFFSET keeps from being merged back into a join."""
    occurrence = MaintenanceOccurrence.__table__  # type: ignore[attr-defined]
    task = MaintenanceTask.__table__  # type: ignore[attr-defined]
    owed = select(*(occurrence.c[name] for name in _RECORDED)).where(
        occurrence.c.task_id == task.c.id,
        occurrence.c.due_at >= task.c.open_from,
        or_(occurrence.c.due_at < now, occurrence.c.starts_at < now),
    )
    listed = task.c.id.in_(list(tasks))
    if connection.dialect.name == "sqlite":
        statement = owed.where(listed).order_by(occurrence.c.task_id, occurrence.c.due_at)
    else:
        per_task = owed.offset(0).lateral("owed")
        statement = (
            select(per_task)
            .select_from(task)
            .join(per_task, true())
            .where(listed)
            .order_by(per_task.c.task_id, per_task.c.due_at)
        )
    return _by_task(connection.execute(statement).all(), tasks)


def _by_task(rows: Sequence[Any], tasks: dict[uuid.UUID, _Task]) -> dict[uuid.UUID, list[Recorded]]:
    """Stored rows of ``tasks`` by task, from rows ordered by task (the rows themselves,
    typed by the columns' types: building an ORM object per row cost 0.4 ms, most of a
    month's read). Taken in runs, so a task's id is hashed once, not once per row."""
    return {
        task_id: cast(list[Recorded], list(run))
        for task_id, run in itertools.groupby(rows, key=operator.itemgetter(0))
        if task_id in tasks
    }


def _merged(
    tasks: dict[uuid.UUID, _Task],
    stored: dict[uuid.UUID, list[Recorded]],
    since: datetime,
    until: datetime,
    now: datetime,
) -> list[Occurrence]:
    """The series' occurrences from ``since`` to ``until`` that nothing is stored for, and
    the stored rows that start in the range: where their series put them, moved in from
    outside it, or recorded before a change to their series (one moved out of the range is
    left out). Each series is expanded from its ``open_from`` at the earliest: before it
    nothing is unsettled, so its stored rows are all there is."""
    found: list[Occurrence] = []
    for task in tasks.values():
        start = max(since, task.row.open_from)
        dues = _dues(task.row.rrule, task.start, task.zone, start, until)
        found += _task_occurrences(task, dues, stored.get(task.row.id, ()), since, until, now)
    return found


def _dues(
    rule_text: str, start: datetime, zone: ZoneInfo, since: datetime, until: datetime
) -> tuple[datetime, ...]:
    """:func:`occurrences` from ``since`` to before ``until``, from the dates of the whole
    UTC days around them, which are remembered: a period is read again after every change,
    each time the page is opened and from memory once painted, and the desks' notices read
    every 30 seconds a window whose edges move but whose days do not."""
    first = datetime.combine(since.astimezone(UTC).date(), time(), tzinfo=UTC)
    last = datetime.combine(until.astimezone(UTC).date(), time(), tzinfo=UTC)
    if last < until:
        last += timedelta(days=1)
    dates = _days_dues(rule_text, start, zone, first, last)
    if (first, last) == (since, until):
        return dates
    return tuple(due for due in dates if since <= due < until)


@functools.lru_cache(maxsize=1 << 14)
def _days_dues(
    rule_text: str, start: datetime, zone: ZoneInfo, first: datetime, last: datetime
) -> tuple[datetime, ...]:
    return tuple(occurrences(rule_text, start, zone, first, last))


def _task_occurrences(
    task: _Task,
    dues: tuple[datetime, ...],
    stored: Sequence[Recorded],
    since: datetime,
    until: datetime,
    now: datetime,
) -> list[Occurrence]:
    """The occurrences of ``task``: its series' at ``dues`` with nothing stored, then its
    ``stored`` rows that start in the range. The hot loop of a month's read: the task's own
    values are taken once, and occurrences made positionally."""
    task_id, shown = task.row.id, task.shown
    length = timedelta(minutes=task.row.duration_minutes)
    make = functools.partial(tuple.__new__, Occurrence)  # from one tuple, no Python call
    recorded = set(map(_DUE, stored))
    found = []
    for due in dues:
        if due not in recorded:
            ends = due + length
            status = status_of(None, None, due, ends, now)
            found.append(make((task_id, due, due, ends, status, *shown, False, False, None)))
    for row in stored:
        _, due, starts, ends, state, done_at, ticket_id = row
        if since <= starts < until:
            status = status_of(state, done_at, starts, ends, now)
            found.append(
                make((task_id, due, starts, ends, status, *shown, starts != due, False, ticket_id))
            )
    return found


def _away(
    connection: Connection, found: Sequence[Occurrence], since: datetime, until: datetime
) -> dict[uuid.UUID, list[tuple[datetime, datetime]]]:
    """The leave and sick shifts of the owners of ``found`` between the two times."""
    owners = {o.owner_staff_id for o in found if o.owner_staff_id is not None}
    if not owners:
        return {}
    rows = connection.execute(
        select(col(Shift.staff_id), col(Shift.starts_at), col(Shift.ends_at))
        .join(ShiftType, col(ShiftType.id) == col(Shift.shift_type_id))
        .where(
            col(ShiftType.kind).in_(AWAY),
            col(Shift.staff_id).in_(owners),
            col(Shift.starts_at) < until + LONGEST_WINDOW,
            col(Shift.starts_at) > since - LONGEST_SHIFT,
        )
    ).all()
    away: dict[uuid.UUID, list[tuple[datetime, datetime]]] = {}
    for staff_id, starts_at, ends_at in rows:
        away.setdefault(staff_id, []).append((starts_at, ends_at))
    return away


def _flag_all(
    away: dict[uuid.UUID, list[tuple[datetime, datetime]]], found: list[Occurrence]
) -> list[Occurrence]:
    """``found``, each flagged whose owner is away during it."""
    return [_flag_away(away, o) for o in found] if away else found


def _flag_away(
    away: dict[uuid.UUID, list[tuple[datetime, datetime]]], occurrence: Occurrence
) -> Occurrence:
    spans = away.get(occurrence.owner_staff_id) if occurrence.owner_staff_id else None
    if not spans or not occurrence.status.open:
        return occurrence
    if any(a < occurrence.ends_at and occurrence.starts_at < b for a, b in spans):
        return occurrence._replace(owner_away=True)
    return occurrence


# Local days at any site on Earth start between 14 hours before and 12 hours after UTC's.
_EARLIEST_OFFSET, _LATEST_OFFSET = timedelta(hours=14), timedelta(hours=12)


def days(
    engine: Engine, first: date, last: date, now: datetime, which: CalendarFilter = CalendarFilter()
) -> dict[date, list[Occurrence]]:
    """The occurrences starting on each local day from ``first`` to ``last`` (both included),
    each on the day its site's clock shows when it starts: what a month or week view paints."""
    start = datetime.combine(first, time(), tzinfo=UTC) - _EARLIEST_OFFSET
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC) + _LATEST_OFFSET
    shown = by_local_day(_flagged(engine, start, end, now, which), first, last)
    for on_day in shown.values():  # a day at a time: shorter lists sort faster
        on_day.sort(key=_ORDER)
    return shown


def by_local_day(
    found: Iterable[Occurrence], first: date, last: date
) -> dict[date, list[Occurrence]]:
    """``found`` on the local days from ``first`` to ``last`` its sites' clocks start them
    on, in their order; those on other days left out. A start is placed among the instants
    each day begins at its site (worked out once per site, clock changes included), not
    converted to the site's clock one by one: a month places thousands."""
    dates = [first + timedelta(days=n) for n in range((last - first).days + 2)]
    midnights: dict[str, list[datetime]] = {}
    shown: dict[date, list[Occurrence]] = {}
    for occurrence in found:
        edges = midnights.get(occurrence.zone)
        if edges is None:
            zone = ZoneInfo(occurrence.zone)
            edges = [datetime.combine(d, time(), tzinfo=zone).astimezone(UTC) for d in dates]
            midnights[occurrence.zone] = edges
        at = bisect.bisect_right(edges, occurrence.starts_at) - 1
        if 0 <= at < len(dates) - 1:
            shown.setdefault(dates[at], []).append(occurrence)
    return shown


@dataclass(frozen=True)
class Lists:
    """The manager's two lists: what is owed, and what comes next."""

    overdue: list[Occurrence]
    coming: list[Occurrence]  # not cancelled, starting within ``COMING`` of now


COMING = timedelta(days=14)


def lists(engine: Engine, now: datetime, which: CalendarFilter = CalendarFilter()) -> Lists:
    """The overdue occurrences and those of the next 14 days, in one call."""
    return Lists(overdue(engine, now, which), coming(engine, now, which))


def coming(
    engine: Engine, now: datetime, which: CalendarFilter = CalendarFilter()
) -> list[Occurrence]:
    """The occurrences starting in the next 14 days, cancelled ones left out."""
    return [
        o
        for o in window(engine, now, now + COMING, now, which)
        if o.status is not Status.CANCELLED and o.starts_at >= now
    ]
