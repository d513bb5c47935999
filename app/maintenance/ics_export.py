"""The maintenance schedule as an iCalendar file (RFC 5545) for calendar programs:
``switchboard maintenance ics --out FILE [--site CODE]``.

Each task is one recurring event, written as Switchboard keeps it: its first start on the
site's clock (``DTSTART;TZID=Europe/London``) and its RRULE, so a calendar program expands
it on the same wall clock across daylight-saving changes, with a VTIMEZONE for every zone
used. The rule's end is the one thing rewritten: :func:`~app.maintenance.recurrence.to_rrule`
ends a series at 23:59:59 of its last local day, and RFC 5545 wants an UNTIL in UTC when the
start has a TZID, so that local moment is written in UTC.

What happened to single occurrences follows the standard's exceptions: a cancelled one is an
EXDATE, and one that now runs at another time (moved) is an event of its own with the same
UID and a RECURRENCE-ID naming the start its series gave it. Done and skipped occurrences
stay ordinary ones: they took place, or were due. The task's id makes the UID, so importing
a newer file into a calendar program updates the events instead of adding twins.
``X-SWITCHBOARD-SITE`` and ``X-SWITCHBOARD-ASSETS`` say the site and assets, so
``switchboard maintenance import-ics`` reads a file written here back.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
from sqlalchemy import ColumnElement, Engine, Select, extract, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.exports import write_output
from app.maintenance.recurrence import INSTANT, UTC, from_rrule, gives
from app.maintenance.tasks import first_start
from models.clock import utcnow
from models.engine import is_sqlite, read_session
from models.enums import OccurrenceState
from models.maintenance import MaintenanceOccurrence, MaintenanceTask, MaintenanceTaskAsset
from models.org import Site, Staff, Team
from models.people import Asset

_EXCEPTIONS = (OccurrenceState.SCHEDULED, OccurrenceState.CANCELLED)


@dataclass(frozen=True)
class Written:
    """What a calendar holds: one event per task, and one more per moved occurrence."""

    tasks: int
    moved: int

    @property
    def events(self) -> int:
        return self.tasks + self.moved


def schedule_calendar(engine: Engine, site_id: uuid.UUID | None = None) -> tuple[bytes, Written]:
    """The maintenance schedule of every site (or of ``site_id``) as iCalendar data."""
    calendar = Calendar()
    calendar.add("prodid", "-//Switchboard//Maintenance//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Switchboard maintenance")
    stamp = utcnow()
    moved = 0
    with read_session(engine) as session:
        chosen = select(MaintenanceTask.id)
        if site_id is not None:
            chosen = chosen.where(MaintenanceTask.site_id == site_id)
        rows = session.exec(
            select(MaintenanceTask, Site)
            .join(Site, col(Site.id) == col(MaintenanceTask.site_id))
            .where(col(MaintenanceTask.id).in_(chosen))
            .order_by(col(Site.code), col(MaintenanceTask.first_day))
        ).all()
        owners = _names(session, Staff)
        teams = _names(session, Team)
        tags = _asset_tags(session, chosen)
        stored = _stored(session, chosen, rows, is_sqlite(engine))
    for task, site in rows:
        zone = ZoneInfo(site.timezone)
        master = _event(task, site, zone, stamp)
        master.add("description", _description(task, owners, teams))
        if task.id in tags:
            master.add("x-switchboard-assets", ",".join(sorted(tags[task.id])))
        start = first_start(task)
        length = timedelta(minutes=task.duration_minutes)
        cancelled: list[datetime] = []
        overrides: list[Event] = []
        for row in stored.get(task.id, []):
            given = gives(task.rrule, start, zone, row.due_at)
            if row.state is OccurrenceState.CANCELLED:
                if given:
                    cancelled.append(row.due_at.astimezone(zone))
                continue
            if not given:
                # Recorded before the series was changed, and still on the calendar: the
                # series gets its date back (RDATE), as the calendar page shows it.
                master.add("rdate", [row.due_at.astimezone(zone)])
            if (row.starts_at, row.ends_at) != (row.due_at, row.due_at + length):
                override = _event(task, site, zone, stamp, row.starts_at, row.ends_at)
                override.add("recurrence-id", row.due_at.astimezone(zone))
                overrides.append(override)
        if cancelled:
            master.add("exdate", cancelled)
        calendar.add_component(master)
        for override in overrides:
            calendar.add_component(override)
        moved += len(overrides)
    if rows:
        # Each zone's transitions from the earliest task on: clients need none before.
        calendar.add_missing_timezones(first_date=min(task.first_day for task, _site in rows))
    return calendar.to_ical(), Written(len(rows), moved)


def export_schedule(engine: Engine, target: Path, site_id: uuid.UUID | None = None) -> Written:
    """Write the schedule to ``target`` (a failed write leaves what was there)."""
    data, written = schedule_calendar(engine, site_id)
    write_output(target, "maintenance.ics", lambda partial: partial.write_bytes(data))
    return written


def _utc_rule(rule_text: str, zone: ZoneInfo) -> vRecur:
    """``rule_text`` (as :func:`~app.maintenance.recurrence.to_rrule` writes it) with its
    UNTIL, the end of a local day, given in UTC as RFC 5545 requires beside a TZID."""
    rule = vRecur.from_ical(rule_text)
    until = from_rrule(rule_text).until
    if until is not None:
        local_end = datetime.combine(until, time(23, 59, 59), tzinfo=zone)
        rule["UNTIL"] = [local_end.astimezone(UTC)]
    return rule


def _event(
    task: MaintenanceTask,
    site: Site,
    zone: ZoneInfo,
    stamp: datetime,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Event:
    """The event of ``task`` (its series), or of one occurrence of it moved to
    ``starts_at``-``ends_at``; times on the site's clock."""
    event = Event()
    event.add("uid", f"{task.id}@switchboard")
    event.add("dtstamp", stamp)
    if starts_at is None or ends_at is None:
        # The first start placed in the zone, and its end an exact length later (RFC 5545
        # keeps that exact length for every occurrence, as Switchboard does).
        starts_at = first_start(task).replace(tzinfo=zone, fold=0).astimezone(UTC)
        ends_at = starts_at + timedelta(minutes=task.duration_minutes)
        if task.rrule:
            event.add("rrule", _utc_rule(task.rrule, zone))
    event.add("dtstart", starts_at.astimezone(zone))
    event.add("dtend", ends_at.astimezone(zone))
    event.add("summary", task.title)
    event.add("location", f"{site.name} ({site.code})")
    event.add("x-switchboard-site", site.code)
    return event


def _description(
    task: MaintenanceTask, owners: dict[uuid.UUID, str], teams: dict[uuid.UUID, str]
) -> str:
    """What the event's notes say: the system, what is down, who does it, how."""
    lines = [
        f"{label}: {value}"
        for label, value in (
            ("System", task.system),
            ("Impact", task.impact),
            ("Owner", owners.get(task.owner_staff_id, "") if task.owner_staff_id else ""),
            ("Team", teams.get(task.owner_team_id, "") if task.owner_team_id else ""),
        )
        if value
    ]
    if task.instructions:
        lines += ["", task.instructions]
    if task.checklist:
        lines += ["", "Checklist:", *(f"- {item}" for item in task.checklist)]
    return "\n".join(lines)


def _names(session: Session, table: type[Staff] | type[Team]) -> dict[uuid.UUID, str]:
    return {row_id: name for row_id, name in session.exec(select(table.id, table.name)).all()}


def _asset_tags(session: Session, chosen: SelectOfScalar[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    tags: dict[uuid.UUID, list[str]] = defaultdict(list)
    for task_id, tag in session.exec(
        select(MaintenanceTaskAsset.task_id, Asset.tag)
        .join(Asset, col(Asset.id) == col(MaintenanceTaskAsset.asset_id))
        .where(col(MaintenanceTaskAsset.task_id).in_(chosen))
    ).all():
        tags[task_id].append(tag)
    return tags


class _Stored(NamedTuple):
    """A stored occurrence, as much of it as the calendar file says."""

    task_id: uuid.UUID
    due_at: datetime
    starts_at: datetime
    ends_at: datetime
    state: OccurrenceState


def _stored(
    session: Session,
    chosen: SelectOfScalar[uuid.UUID],
    tasks: Sequence[tuple[MaintenanceTask, Site]],
    sqlite: bool,
) -> dict[uuid.UUID, list[_Stored]]:
    """The stored occurrences of the chosen tasks that the file has to say something about,
    by task, earliest first: cancelled ones (an EXDATE), moved ones (an event of their own)
    and those the series may no longer give (an RDATE). Each of these is then checked
    against its series; an occurrence done or skipped as its series gave it says nothing
    (it stays an ordinary one), and those are most of the history, so they are not read.

    A settled row can only have stopped being one its series gives when the series changed
    after it was recorded (an UNTIL from "end" or "change from a date", or a task changed
    in place: both move the task's ``updated_at``), so the rows read are the exceptions, the
    moved or re-lengthened ones, those recorded no later than the task's last change, and
    those outside the series' span (before its first start, after its UNTIL), found from
    each task's first and last ``due_at``. A site whose time zone is changed afterwards is
    not noticed here: its history is read as the series' own."""
    occurrence = MaintenanceOccurrence.__table__  # type: ignore[attr-defined]
    series = MaintenanceTask.__table__  # type: ignore[attr-defined]
    columns = [occurrence.c[name] for name in _Stored._fields]
    due_at = occurrence.c.due_at
    found: dict[uuid.UUID, dict[datetime, _Stored]] = defaultdict(dict)

    def read(query: Select[Any]) -> None:
        for values in session.execute(query):
            stored = _Stored(*values)
            found[stored.task_id][stored.due_at] = stored

    # Tuples, not ORM objects: the rows read are few, the rows looked through are not.
    read(
        select(*columns)
        .join(series, series.c.id == occurrence.c.task_id)
        .where(
            occurrence.c.task_id.in_(chosen),
            or_(
                occurrence.c.state.in_(_EXCEPTIONS),
                occurrence.c.starts_at != due_at,
                _seconds(due_at, occurrence.c.ends_at, sqlite) != series.c.duration_minutes * 60,
                occurrence.c.recorded_at <= series.c.updated_at,
            ),
        )
    )
    spans = {
        task_id: (first, last)
        for task_id, first, last in session.execute(
            select(occurrence.c.task_id, func.min(due_at), func.max(due_at))
            .where(occurrence.c.task_id.in_(chosen))
            .group_by(occurrence.c.task_id)
        )
    }
    for task, site in tasks:
        if task.id not in spans:
            continue
        since, until = _span(task, ZoneInfo(site.timezone))
        first, last = spans[task.id]
        if first >= since and (until is None or last < until):
            continue
        outside = due_at < since if until is None else or_(due_at < since, due_at >= until)
        read(select(*columns).where(occurrence.c.task_id == task.id, outside))
    return {
        task_id: sorted(rows.values(), key=lambda stored: stored.due_at)
        for task_id, rows in found.items()
    }


def _span(task: MaintenanceTask, zone: ZoneInfo) -> tuple[datetime, datetime | None]:
    """From when (UTC) ``task``'s series can give an occurrence, and before when (None:
    no end known without expanding it)."""
    since = first_start(task).replace(tzinfo=zone, fold=0).astimezone(UTC)
    if not task.rrule:
        return since, since + INSTANT
    until = from_rrule(task.rrule).until
    if until is None:
        return since, None
    day_after = datetime.combine(until + timedelta(days=1), time(), tzinfo=zone)
    return since, day_after.astimezone(UTC)


def _seconds(since: Any, until: Any, sqlite: bool) -> ColumnElement[Any]:
    """The seconds from ``since`` to ``until``, in SQL."""
    if sqlite:
        return func.round((func.julianday(until) - func.julianday(since)) * 86400)
    return extract("epoch", until - since)
