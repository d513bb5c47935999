"""Maintenance tasks from an iCalendar file (a vendor's patch calendar, or a file
``switchboard maintenance ics`` wrote): ``switchboard maintenance import-ics FILE``.

Each event (VEVENT) becomes a task, added through
:func:`~app.maintenance.tasks.add_task`, so the permission (manage maintenance) and every
check a task typed in the window gets apply. Where it happens is ``X-SWITCHBOARD-SITE`` (a
site code), else a LOCATION that is a site's code or name (or ends in "(CODE)"), else the
``--site`` given; ``X-SWITCHBOARD-ASSETS`` lists the tags of the assets it covers. SUMMARY is
the title and DESCRIPTION the instructions. The owner is the person (``--owner``) and/or the
team (``--team``) given, else the person importing.

**Times.** A task keeps its site's wall clock (app/maintenance/recurrence.py), so the first
start is read on the site's clock: a DTSTART with a TZID or in UTC is converted to it, a
floating one is taken as it. (A series written in another zone than its site's therefore
keeps the site's clock, an hour off the file's for the weeks the two zones change their
clocks on different days.) A window is DTEND minus DTSTART, or DURATION, in whole minutes.
An RRULE must be one the task editor can show (:func:`~app.maintenance.recurrence.from_rrule`);
its UNTIL, in UTC beside a TZID, becomes the last local day with an occurrence.

**Exceptions.** An EXDATE becomes a cancelled occurrence, and an event with a RECURRENCE-ID
(and the same UID) an occurrence moved to its own start and end, or cancelled when its STATUS
is CANCELLED. A cancelled event without a RECURRENCE-ID adds nothing. RDATE and EXRULE are
refused: the editor has no way to show them.

**All or nothing.** Everything is written in one transaction. Any problem (no calendar at
all, an unknown site or asset tag, a rule Switchboard cannot show or that never comes round,
an end before the start, a window longer than the time between occurrences, an exception
that is no occurrence of its series) refuses the whole file, naming each event by its line
and SUMMARY. A dry run makes the same checks in the same transaction and rolls it back.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, vRecur
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from app.audit import record
from app.errors import SwitchboardError, ValidationError
from app.maintenance.recurrence import UTC, Frequency, Recurrence, describe, from_rrule, gives
from app.maintenance.tasks import TaskDraft, add_task, first_start
from app.permissions import Action, require
from models.audit import AuditKind
from models.engine import write_session
from models.enums import OccurrenceState
from models.maintenance import MaintenanceOccurrence, MaintenanceTask
from models.org import Site, Staff, Team
from models.people import Asset

_UNSUPPORTED = ("RDATE", "EXRULE")
_CODE_IN_LOCATION = re.compile(r"\(([^()]+)\)\s*$")


@dataclass(frozen=True)
class Owner:
    """Who the imported tasks belong to: a user name, a team's name, or both; neither
    means the person importing."""

    username: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class Imported:
    """What an import added (or, in a dry run, would add)."""

    tasks: list[str] = field(default_factory=list)  # each in words
    cancelled: int = 0  # occurrences
    moved: int = 0
    ignored: int = 0  # cancelled events with no series in the file


class _Rehearsed(Exception):
    """Ends a dry run's transaction with a rollback, carrying what it would have done."""

    def __init__(self, result: Imported) -> None:
        super().__init__("dry run")
        self.result = result


class _Refused(Exception):
    """One problem with one event, in words."""


@dataclass
class _Series:
    """One series read from the file, before it is added."""

    label: str
    zone: ZoneInfo
    draft: TaskDraft
    site_code: str
    cancelled: list[datetime] = field(default_factory=list)  # starts the series gave (UTC)
    moved: dict[datetime, tuple[datetime, datetime]] = field(default_factory=dict)


def import_schedule(
    engine: Engine,
    path: Path,
    actor_id: uuid.UUID,
    *,
    site_code: str | None = None,
    owner: Owner = Owner(),
    dry_run: bool = False,
) -> Imported:
    """Add a task for every event in the iCalendar file ``path`` as ``actor_id``, all in
    one transaction, or nothing with every problem said (see the module docstring).
    ``site_code``: the site of events that name none."""
    calendar, lines = _read(path)
    try:
        with write_session(engine) as session:
            require(session, actor_id, Action.MANAGE_MAINTENANCE)
            result = _import(session, calendar, lines, path.name, actor_id, site_code, owner)
            if dry_run:
                raise _Rehearsed(result)
    except _Rehearsed as rehearsal:
        return rehearsal.result
    return result


def _read(path: Path) -> tuple[Calendar, list[int]]:
    """The calendar in ``path`` and the line each of its events begins on."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SwitchboardError(f"{path} could not be read: {error.strerror}.") from None
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        raise SwitchboardError(
            f"{path.name} is not an iCalendar file (.ics): {error}. Export the calendar from "
            "the calendar program as an .ics file."
        ) from None
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise SwitchboardError(
            f"{path.name} holds no calendar (BEGIN:VCALENDAR); export it as an .ics file."
        )
    text = data.decode("utf-8", errors="replace").splitlines()
    lines = [n for n, line in enumerate(text, 1) if line.strip().upper() == "BEGIN:VEVENT"]
    return calendar, lines


def _import(
    session: Session,
    calendar: Calendar,
    lines: list[int],
    file_name: str,
    actor_id: uuid.UUID,
    site_code: str | None,
    owner: Owner,
) -> Imported:
    sites = {site.code.lower(): site for site in session.exec(select(Site)).all()}
    default_site = _default_site(sites, site_code)
    owner_staff_id, owner_team_id = _owner(session, actor_id, owner)
    problems: list[str] = []
    series: dict[str, _Series] = {}
    exceptions: list[tuple[str, Component]] = []
    left_out: set[str] = set()  # UIDs of series cancelled or refused: their exceptions too
    ignored = 0
    events = calendar.walk("VEVENT")
    if not events:
        raise SwitchboardError(f"{file_name} holds no events (VEVENT); nothing was imported.")
    for number, event in enumerate(events):
        summary = str(event.get("summary", "")).strip()
        line = lines[number] if number < len(lines) else None
        label = f"line {line} \u201c{summary}\u201d" if line else f"\u201c{summary}\u201d"
        uid = str(event.get("uid", "")).strip() or label
        if "RECURRENCE-ID" in event:
            exceptions.append((label, event))
            continue
        if _is_cancelled(event):
            ignored += 1
            left_out.add(uid)
            continue
        try:
            site = _site(sites, event, default_site)
            zone = ZoneInfo(site.timezone)
            start, length = _times(event, zone)
            draft = TaskDraft(
                title=summary,
                site_id=site.id,
                first_day=start.date(),
                start_time=f"{start:%H:%M}",
                duration_minutes=length,
                recurrence=_recurrence(event, zone, start),
                instructions=str(event.get("description", "")),
                owner_staff_id=owner_staff_id,
                owner_team_id=owner_team_id,
                asset_ids=_assets(session, event),
            )
            found = _Series(label, zone, draft, site.code)
            found.cancelled += [_utc(moment, zone) for moment in _exdates(event)]
            if uid in series:
                raise _Refused(f"has the UID of the event on {series[uid].label}")
            series[uid] = found
        except (_Refused, ValidationError) as error:
            problems.append(f"{label}: {_words(error)}")
            left_out.add(uid)
    for label, event in exceptions:
        if str(event.get("uid", "")).strip() in left_out:
            continue
        try:
            _except(series, event)
        except (_Refused, ValidationError) as error:
            problems.append(f"{label}: {_words(error)}")
    result = Imported(ignored=ignored)
    for found in series.values():
        try:
            task = add_task(session, actor_id, found.draft)
            cancelled, moved = _store_exceptions(session, actor_id, task, found, file_name)
        except (_Refused, ValidationError) as error:
            problems.append(f"{found.label}: {_words(error)}")
            continue
        result = replace(
            result,
            tasks=[*result.tasks, _words_of(found)],
            cancelled=result.cancelled + cancelled,
            moved=result.moved + moved,
        )
    if problems:
        raise SwitchboardError(
            f"Nothing was imported from {file_name}: " + "; ".join(problems) + "."
        )
    return result


def _default_site(sites: dict[str, Site], code: str | None) -> Site | None:
    if code is None:
        return None
    site = sites.get(code.strip().lower())
    if site is None:
        raise SwitchboardError(f"No site has the code {code!r}; the sites are {_codes(sites)}.")
    return site


def _owner(
    session: Session, actor_id: uuid.UUID, owner: Owner
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The owner's staff and team ids: those named, else the person importing."""
    if owner.username is None and owner.team is None:
        return actor_id, None
    staff_id = team_id = None
    if owner.username is not None:
        staff_id = session.exec(
            select(Staff.id).where(Staff.username == owner.username.strip())
        ).first()
        if staff_id is None:
            raise SwitchboardError(
                f"No staff member has the user name {owner.username!r}; user names are listed "
                "on the Staff page."
            )
    if owner.team is not None:
        teams = session.exec(select(Team.id, Team.name)).all()
        wanted = owner.team.strip().lower()
        team_id = next((i for i, name in teams if name.lower() == wanted), None)
        if team_id is None:
            names = ", ".join(sorted(name for _i, name in teams))
            raise SwitchboardError(f"No team is called {owner.team!r}; the teams are {names}.")
    return staff_id, team_id


def _site(sites: dict[str, Site], event: Component, default: Site | None) -> Site:
    """The site an event names (X-SWITCHBOARD-SITE, else its LOCATION), else ``default``."""
    named = str(event.get("x-switchboard-site", "")).strip()
    if named:
        site = sites.get(named.lower())
        if site is None:
            raise _Refused(
                f"X-SWITCHBOARD-SITE {named!r} is no site's code; the sites are {_codes(sites)}"
            )
        return site
    location = str(event.get("location", "")).strip()
    code = _CODE_IN_LOCATION.search(location)
    for text in (location, code[1] if code else ""):
        site = sites.get(text.strip().lower()) or next(
            (s for s in sites.values() if s.name.lower() == text.strip().lower()), None
        )
        if text and site is not None:
            return site
    if default is not None:
        return default
    where = f"its LOCATION {location!r} is no site" if location else "it names no site"
    raise _Refused(
        f"{where}; give X-SWITCHBOARD-SITE or --site CODE (the sites are {_codes(sites)})"
    )


def _times(event: Component, zone: ZoneInfo, length: int | None = None) -> tuple[datetime, int]:
    """An event's start on the site's clock (no zone) and its length in minutes (``length``
    when it gives no end)."""
    start = event.decoded("dtstart") if "DTSTART" in event else None
    if not isinstance(start, datetime):
        raise _Refused(
            "it has no start time (DTSTART with a date and a time); an all-day event is no "
            "maintenance window"
        )
    if start.second or start.microsecond:
        raise _Refused(f"it starts at {start:%H:%M:%S}; give the start in whole minutes")
    local = _local(start, zone)
    if "DTEND" in event:
        end = event.decoded("dtend")
        if not isinstance(end, datetime):
            raise _Refused("its DTEND has no time of day")
        span = _utc(end, zone) - _utc(start, zone)
    elif "DURATION" in event:
        span = event.decoded("duration")
    elif length is not None:
        return local, length
    else:
        raise _Refused("it gives no end (DTEND or DURATION)")
    if span <= timedelta(0):
        raise _Refused(
            f"it ends before it starts (DTEND {_local(start + span, zone):%d %b %Y %H:%M} is "
            f"not after DTSTART {local:%d %b %Y %H:%M})"
        )
    if span % timedelta(minutes=1):
        raise _Refused("its window is not a whole number of minutes")
    return local, span // timedelta(minutes=1)


def _recurrence(event: Component, zone: ZoneInfo, start: datetime) -> Recurrence:
    """The event's RRULE as a recurrence the editor shows; a one-off without one."""
    for name in _UNSUPPORTED:
        if name in event:
            raise _Refused(f"it uses {name}, which Switchboard does not offer; use an RRULE")
    rule = event.get("rrule")
    if rule is None:
        return Recurrence(Frequency.ONCE)
    if isinstance(rule, list):
        raise _Refused("it has more than one RRULE; split it into one event per rule")
    parts = vRecur(rule)
    until = parts.pop("UNTIL", None)
    recurrence = from_rrule(parts.to_ical().decode())
    if until:
        recurrence = replace(recurrence, until=_last_day(until[0], zone, start))
    return recurrence


def _last_day(until: date | datetime, zone: ZoneInfo, start: datetime) -> date:
    """The last local day with an occurrence under an UNTIL (inclusive): the day it falls
    on at the site, or the day before when it is earlier than the start time that day."""
    if not isinstance(until, datetime):
        return until
    local = _local(until, zone)
    return local.date() if local.time() >= start.time() else local.date() - timedelta(days=1)


def _assets(session: Session, event: Component) -> tuple[uuid.UUID, ...]:
    tags = [
        tag.strip() for tag in str(event.get("x-switchboard-assets", "")).split(",") if tag.strip()
    ]
    if not tags:
        return ()
    found = {
        tag.lower(): asset_id
        for asset_id, tag in session.exec(
            select(Asset.id, Asset.tag).where(
                func.lower(Asset.tag).in_([tag.lower() for tag in tags])
            )
        ).all()
    }
    unknown = [tag for tag in tags if tag.lower() not in found]
    if unknown:
        raise _Refused(
            f"X-SWITCHBOARD-ASSETS names {', '.join(repr(t) for t in unknown)}, which no asset "
            "is tagged; see the Assets page"
        )
    return tuple(found[tag.lower()] for tag in tags)


def _exdates(event: Component) -> list[datetime]:
    found = event.get("exdate")
    lists = found if isinstance(found, list) else [found] if found is not None else []
    moments = [when.dt for dates in lists for when in dates.dts]
    if any(not isinstance(moment, datetime) for moment in moments):
        raise _Refused("an EXDATE has no time of day; give the start of the occurrence")
    return moments


def _except(series: dict[str, _Series], event: Component) -> None:
    """Record an event with a RECURRENCE-ID against its series: moved, or cancelled."""
    uid = str(event.get("uid", "")).strip()
    found = series.get(uid)
    if found is None:
        raise _Refused(
            "it changes one occurrence (RECURRENCE-ID) of an event that is not in the file "
            "(no event without a RECURRENCE-ID has its UID)"
        )
    due_value = event.decoded("recurrence-id")
    if not isinstance(due_value, datetime):
        raise _Refused("its RECURRENCE-ID has no time of day")
    due = _utc(due_value, found.zone)
    if due in found.moved or due in found.cancelled:
        raise _Refused(f"the occurrence it changes is changed twice ({found.label})")
    if _is_cancelled(event):
        found.cancelled.append(due)
        return
    start, length = _times(event, found.zone, found.draft.duration_minutes)
    starts_at = _utc(start, found.zone)
    found.moved[due] = (starts_at, starts_at + timedelta(minutes=length))


def _store_exceptions(
    session: Session,
    actor_id: uuid.UUID,
    task: MaintenanceTask,
    found: _Series,
    file_name: str,
) -> tuple[int, int]:
    """Store the series' cancelled and moved occurrences (each one its series gives),
    audited once for the task; how many of each."""
    length = timedelta(minutes=task.duration_minutes)
    rows = [(due, (due, due + length), OccurrenceState.CANCELLED) for due in found.cancelled]
    rows += [(due, span, OccurrenceState.SCHEDULED) for due, span in found.moved.items()]
    for due, (starts_at, ends_at), state in rows:
        if not gives(task.rrule, first_start(task), found.zone, due):
            raise _Refused(
                f"{due.astimezone(found.zone):%a %d %b %Y %H:%M} is no occurrence of its series"
            )
        session.add(
            MaintenanceOccurrence(
                task_id=task.id,
                due_at=due,
                starts_at=starts_at,
                ends_at=ends_at,
                state=state,
                notes=f"Cancelled in {file_name}" if state is OccurrenceState.CANCELLED else "",
                recorded_by_id=actor_id,
            )
        )
    cancelled, moved = len(found.cancelled), len(found.moved)
    if rows:
        record(
            session,
            actor_id,
            AuditKind.MAINTENANCE_RECORDED,
            f"Imported from {file_name}: {task.title} at {found.site_code}, {cancelled} "
            f"occurrences cancelled and {moved} moved",
            task.id,
        )
    return cancelled, moved


def _is_cancelled(event: Component) -> bool:
    return str(event.get("status", "")).strip().upper() == "CANCELLED"


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` on the site's clock, without a zone (a floating time is taken as it is)."""
    return moment if moment.tzinfo is None else moment.astimezone(zone).replace(tzinfo=None)


def _utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` in UTC, a floating time read on the site's clock as the series does."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone, fold=0)
    return moment.astimezone(UTC)


def _words(error: Exception) -> str:
    """A refusal's words, to be joined with others in one sentence."""
    if isinstance(error, ValidationError):
        return " ".join(text.rstrip(".") + "." for text in error.problems.values()).rstrip(".")
    return str(error)


def _words_of(found: _Series) -> str:
    draft = found.draft
    return (
        f"{draft.title} at {found.site_code} from {draft.first_day:%d %b %Y} "
        f"{draft.start_time} for {draft.duration_minutes} min, {describe(draft.recurrence)}"
    )


def _codes(sites: dict[str, Site]) -> str:
    return ", ".join(sorted(site.code for site in sites.values()))
