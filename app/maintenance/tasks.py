"""Writing maintenance tasks: adding one, changing its series "from this date on", ending it.

A task is typed as a :class:`TaskDraft`: what, where, who, the window (a local start time and
a length) and a :class:`~app.maintenance.recurrence.Recurrence`. Every write checks
:attr:`Action.MANAGE_MAINTENANCE` in its transaction and writes one audit row
(MAINTENANCE_CHANGED) saying the change in words.

**History is never rewritten.** What was recorded against an occurrence (done, skipped) stays
with the task it was recorded under. So a change to a series that already has occurrences
before the chosen date ends that series the day before (its RRULE gains an UNTIL) and a new
task carries on from the date (``follows_id``); a series with nothing before the date is
changed where it is. Occurrences of the old series on or after the date that were only moved
or cancelled go with it; those already done or skipped stay, as recorded.

Refused, each at its field, with nothing saved: an empty or long title; hours that are not
HH:MM; no owner, or an owner who left; an unknown site, team or asset; a window of no length
or longer than the gap between two occurrences; a rule that never comes round; an end before
the start (:func:`~app.maintenance.recurrence.check_schedule`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import ValidationError
from app.maintenance.recurrence import (
    Frequency,
    Recurrence,
    check_schedule,
    describe,
    from_rrule,
    occurrences,
    to_rrule,
)
from app.permissions import Action, require
from app.roster.local_time import clock_text, parse_clock, wall_to_utc
from app.rows import existing, gone
from models.audit import AuditKind
from models.clock import utcnow
from models.engine import read_connection, write_session
from models.enums import OccurrenceState
from models.maintenance import MaintenanceOccurrence, MaintenanceTask, MaintenanceTaskAsset
from models.org import Site, Staff, Team
from models.people import Asset

MAX_TITLE = 120  # MaintenanceTask.title's column
MAX_SYSTEM = 120
MAX_IMPACT = 200
MAX_RULE = 300
MAX_CHECKLIST = 30  # items: a list longer than this is a procedure, for the instructions
MAX_ITEM = 200
LONGEST_WINDOW = timedelta(days=7)
MOST_DAYS_AHEAD = 90
# Occurrences that exist only as exceptions to their series (moved, cancelled).
_EXCEPTIONS = (OccurrenceState.SCHEDULED, OccurrenceState.CANCELLED)


@dataclass(frozen=True)
class TaskDraft:
    """A task as a person types it."""

    title: str
    site_id: uuid.UUID
    first_day: date  # the local day of the first occurrence at the site
    start_time: str  # "HH:MM" on the site's clock
    duration_minutes: int
    recurrence: Recurrence
    system: str = ""
    instructions: str = ""
    checklist: tuple[str, ...] = ()
    owner_staff_id: uuid.UUID | None = None
    owner_team_id: uuid.UUID | None = None
    impact: str = ""  # "mail unavailable"
    asset_ids: tuple[uuid.UUID, ...] = ()
    ticket_days_ahead: int | None = None  # None: no ticket for its occurrences
    close_marks_done: bool = True


class Started(Protocol):
    """A task's first local day and time, as a row or a read of it has them."""

    @property
    def first_day(self) -> date: ...
    @property
    def start_time(self) -> str: ...


def first_start(task: Started) -> datetime:
    """The first occurrence's local date and time (no zone), as the series is expanded."""
    starts = parse_clock(task.start_time) or time()
    return datetime.combine(task.first_day, starts)


def create_task(engine: Engine, actor_id: uuid.UUID, draft: TaskDraft) -> uuid.UUID:
    """Add the task ``draft`` describes; its id."""
    with write_session(engine) as session:
        return add_task(session, actor_id, draft).id


def add_task(session: Session, actor_id: uuid.UUID, draft: TaskDraft) -> MaintenanceTask:
    """Add the task ``draft`` describes in ``session``'s transaction, for a caller that adds
    several at once or all of nothing (a calendar import). A refused draft raises before
    anything is added, so the session stays usable for the next one."""
    require(session, actor_id, Action.MANAGE_MAINTENANCE)
    task = _checked(session, draft)
    session.add(task)
    _set_assets(session, task.id, draft.asset_ids)
    record(
        session,
        actor_id,
        AuditKind.MAINTENANCE_CHANGED,
        f"Added maintenance task {_label(session, task)}",
        task.id,
    )
    return task


def change_task(
    engine: Engine, actor_id: uuid.UUID, task_id: uuid.UUID, draft: TaskDraft, from_day: date
) -> uuid.UUID:
    """Change task ``task_id`` to ``draft`` for its occurrences on and after the local day
    ``from_day`` (see the module docstring); the id of the task that carries the series on
    (the same one when nothing came before ``from_day``)."""
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_MAINTENANCE)
        task = existing(session, MaintenanceTask, task_id, gone("maintenance task"))
        if draft.first_day < from_day:
            raise ValidationError(
                {"first_day": f"The changed series starts on or after {from_day:%d %b %Y}."}
            )
        changed = _checked(session, draft)
        before = _label(session, task)
        if _comes_before(session, task, from_day):
            if task.rrule == "":
                raise ValidationError(
                    {"first_day": "This one-off task has already come round; add a new task."}
                )
            _end_before(session, task, from_day)
            changed.follows_id = task.id
            session.add(changed)
            _set_assets(session, changed.id, draft.asset_ids)
            words = f"Changed maintenance task {before} from {from_day:%d %b %Y}: "
            result = changed.id
        else:
            _drop_unsettled(session, task, None)
            for field in _FIELDS:
                setattr(task, field, getattr(changed, field))
            task.updated_at = changed.updated_at
            _set_assets(session, task.id, draft.asset_ids)
            words = f"Changed maintenance task {before}: "
            result = task.id
        record(
            session,
            actor_id,
            AuditKind.MAINTENANCE_CHANGED,
            words + _label(session, changed),
            task.id,
        )
        return result


def end_task(engine: Engine, actor_id: uuid.UUID, task_id: uuid.UUID, from_day: date) -> None:
    """End task ``task_id``'s series before the local day ``from_day``: nothing from then on
    is planned. A task that never came round before it is removed altogether."""
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_MAINTENANCE)
        task = existing(session, MaintenanceTask, task_id, gone("maintenance task"))
        label = _label(session, task)
        if _comes_before(session, task, from_day) or _has_history(session, task):
            _end_before(session, task, from_day)
            words = f"Ended maintenance task {label} from {from_day:%d %b %Y}"
        else:
            _drop_unsettled(session, task, None)
            session.execute(
                delete(MaintenanceTaskAsset).where(col(MaintenanceTaskAsset.task_id) == task.id)
            )
            session.delete(task)
            words = f"Removed maintenance task {label}"
        record(session, actor_id, AuditKind.MAINTENANCE_CHANGED, words, task_id)


@dataclass(frozen=True)
class TaskDetail:
    """A task as its editor shows it."""

    id: uuid.UUID
    draft: TaskDraft
    follows_id: uuid.UUID | None


def load_task(engine: Engine, task_id: uuid.UUID) -> TaskDetail:
    """Task ``task_id`` as a draft to edit."""
    with read_connection(engine) as connection, Session(bind=connection) as session:
        task = existing(session, MaintenanceTask, task_id, gone("maintenance task"))
        assets = session.exec(
            select(MaintenanceTaskAsset.asset_id).where(MaintenanceTaskAsset.task_id == task_id)
        ).all()
        return TaskDetail(task.id, _draft(task, tuple(assets)), task.follows_id)


_FIELDS = (
    "title",
    "system",
    "site_id",
    "instructions",
    "checklist",
    "owner_staff_id",
    "owner_team_id",
    "first_day",
    "start_time",
    "duration_minutes",
    "impact",
    "rrule",
    "ticket_days_ahead",
    "close_marks_done",
    "open_from",
)


def _draft(task: MaintenanceTask, asset_ids: tuple[uuid.UUID, ...]) -> TaskDraft:
    return TaskDraft(
        title=task.title,
        site_id=task.site_id,
        first_day=task.first_day,
        start_time=task.start_time,
        duration_minutes=task.duration_minutes,
        recurrence=from_rrule(task.rrule) if task.rrule else Recurrence(Frequency.ONCE),
        system=task.system,
        instructions=task.instructions,
        checklist=tuple(task.checklist),
        owner_staff_id=task.owner_staff_id,
        owner_team_id=task.owner_team_id,
        impact=task.impact,
        asset_ids=asset_ids,
        ticket_days_ahead=task.ticket_days_ahead,
        close_marks_done=task.close_marks_done,
    )


def _checked(session: Session, draft: TaskDraft) -> MaintenanceTask:
    """A new task row from ``draft``, or every problem with it at its field."""
    problems: dict[str, str] = {}
    title = draft.title.strip()
    if not title:
        problems["title"] = "Say what the maintenance is (e.g. \u201cMail server patching\u201d)."
    elif len(title) > MAX_TITLE:
        problems["title"] = f"Keep the title to {MAX_TITLE} characters."
    for field, value, most in (
        ("system", draft.system, MAX_SYSTEM),
        ("impact", draft.impact, MAX_IMPACT),
    ):
        if len(value.strip()) > most:
            problems[field] = f"Keep this to {most} characters."
    checklist = tuple(item.strip() for item in draft.checklist if item.strip())
    if len(checklist) > MAX_CHECKLIST:
        problems["checklist"] = f"A checklist has {MAX_CHECKLIST} items at most."
    elif any(len(item) > MAX_ITEM for item in checklist):
        problems["checklist"] = f"Keep each checklist item to {MAX_ITEM} characters."
    starts = parse_clock(draft.start_time)
    if starts is None:
        problems["start_time"] = "Type the start as HH:MM, for example 22:00."
    duration = timedelta(minutes=draft.duration_minutes)
    if duration > LONGEST_WINDOW:
        problems["duration"] = "A maintenance window lasts a week at most."
    if draft.ticket_days_ahead is not None and not 0 <= draft.ticket_days_ahead <= MOST_DAYS_AHEAD:
        problems["ticket_days_ahead"] = f"Raise the ticket 0 to {MOST_DAYS_AHEAD} days ahead."
    problems.update(_owner_problems(session, draft))
    site = session.get(Site, draft.site_id)
    if site is None:
        problems["site"] = gone("site")
    unknown = [a for a in draft.asset_ids if session.get(Asset, a) is None]
    if unknown:
        problems["assets"] = gone("asset")
    rule = to_rrule(draft.recurrence)
    if len(rule) > MAX_RULE:
        problems["recurrence"] = "This rule is too long to store; choose fewer days."
    if problems:
        raise ValidationError(problems)
    assert starts is not None and site is not None
    local_start = datetime.combine(draft.first_day, starts)
    check_schedule(draft.recurrence, local_start, duration)
    return MaintenanceTask(
        title=title,
        system=draft.system.strip(),
        site_id=site.id,
        instructions=draft.instructions.strip(),
        checklist=list(checklist),
        owner_staff_id=draft.owner_staff_id,
        owner_team_id=draft.owner_team_id,
        first_day=draft.first_day,
        start_time=clock_text(starts),
        duration_minutes=draft.duration_minutes,
        impact=draft.impact.strip(),
        rrule=rule,
        ticket_days_ahead=draft.ticket_days_ahead,
        close_marks_done=draft.close_marks_done,
        open_from=wall_to_utc(draft.first_day, starts, ZoneInfo(site.timezone)),
    )


def _owner_problems(session: Session, draft: TaskDraft) -> dict[str, str]:
    if draft.owner_staff_id is None and draft.owner_team_id is None:
        return {"owner": "Choose who does it: a person, a team, or both."}
    if draft.owner_staff_id is not None:
        person = session.get(Staff, draft.owner_staff_id)
        if person is None:
            return {"owner": gone("person")}
        if not person.active:
            return {"owner": f"{person.name} has left; choose someone else."}
    if draft.owner_team_id is not None and session.get(Team, draft.owner_team_id) is None:
        return {"team": gone("team")}
    return {}


def _set_assets(session: Session, task_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> None:
    session.execute(
        delete(MaintenanceTaskAsset).where(col(MaintenanceTaskAsset.task_id) == task_id)
    )
    session.flush()
    for asset_id in dict.fromkeys(asset_ids):
        session.add(MaintenanceTaskAsset(task_id=task_id, asset_id=asset_id))


def _zone(session: Session, task: MaintenanceTask) -> ZoneInfo:
    site = existing(session, Site, task.site_id, gone("site"))
    return ZoneInfo(site.timezone)


def _day_start(session: Session, task: MaintenanceTask, day: date) -> datetime:
    """The UTC instant the local day ``day`` starts at the task's site."""
    return wall_to_utc(day, time(), _zone(session, task))


def _comes_before(session: Session, task: MaintenanceTask, day: date) -> bool:
    """Whether the series has an occurrence before the local day ``day``."""
    return task.first_day < day and bool(
        occurrences(
            task.rrule,
            first_start(task),
            _zone(session, task),
            wall_to_utc(task.first_day, time(), _zone(session, task)),
            _day_start(session, task, day),
        )
    )


def _has_history(session: Session, task: MaintenanceTask) -> bool:
    rows = session.exec(
        select(MaintenanceOccurrence.state).where(MaintenanceOccurrence.task_id == task.id)
    ).all()
    return any(OccurrenceState(state).settled for state in rows)


def _end_before(session: Session, task: MaintenanceTask, day: date) -> None:
    """End ``task``'s series before the local day ``day``: an UNTIL the day before, and its
    moved or cancelled occurrences from then on dropped (done or skipped ones stay)."""
    if task.rrule:
        recurrence = from_rrule(task.rrule)
        until = day - timedelta(days=1)
        if recurrence.until is None or recurrence.until > until:
            task.rrule = to_rrule(replace(recurrence, until=until, count=None))
    _drop_unsettled(session, task, _day_start(session, task, day))
    task.updated_at = utcnow()


def _drop_unsettled(session: Session, task: MaintenanceTask, since: datetime | None) -> None:
    """Forget moved or cancelled occurrences of ``task`` due at or after ``since`` (all of
    them with None): the series they were exceptions to is no longer planned there."""
    query = delete(MaintenanceOccurrence).where(
        col(MaintenanceOccurrence.task_id) == task.id,
        col(MaintenanceOccurrence.state).in_(_EXCEPTIONS),
        col(MaintenanceOccurrence.ticket_id).is_(None),
    )
    if since is not None:
        query = query.where(col(MaintenanceOccurrence.due_at) >= since)
    session.execute(query)


def _label(session: Session, task: MaintenanceTask) -> str:
    """ "Mail server patching at HQ: every week on Tuesday, 22:00 for 60 min"."""
    site = session.get(Site, task.site_id)
    recurrence = from_rrule(task.rrule) if task.rrule else Recurrence(Frequency.ONCE)
    when = describe(recurrence) if task.rrule else f"once on {task.first_day:%d %b %Y}"
    return (
        f"{task.title} at {site.code if site else '?'}: {when}, "
        f"{task.start_time} for {task.duration_minutes} min"
    )
