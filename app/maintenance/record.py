"""Recording what became of one occurrence: done, skipped, moved, cancelled, or back to
scheduled after a mistake. The series is never touched.

An occurrence is named by its task and the start its series gave it (``due_at``); the first
thing recorded against it stores its row. Done and skipped need
:attr:`Action.RECORD_MAINTENANCE` and the task's owner: the person, a member of the team, or
someone who manages maintenance. Moving and cancelling change the plan, so they need
:attr:`Action.MANAGE_MAINTENANCE`. Each writes one audit row (MAINTENANCE_RECORDED) and moves
the task's ``open_from`` to its first occurrence still owed (models/maintenance.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import PermissionDenied, ValidationError
from app.maintenance.recurrence import gives, occurrences
from app.maintenance.tasks import LONGEST_WINDOW, first_start
from app.permissions import Action, may, require, roles_that_may
from app.roster.shifts import in_team
from app.rows import existing, gone
from models.audit import AuditKind
from models.clock import utcnow
from models.engine import write_session
from models.enums import OccurrenceState, StaffRole
from models.maintenance import MaintenanceOccurrence, MaintenanceTask
from models.org import Site, Staff

MAX_NOTES = 4000
MOST_MINUTES = 7 * 24 * 60
# Done "now" may be a little ahead of this workstation's clock on another's.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Done:
    """What the person who did it says."""

    done_at: datetime | None = None  # when it was finished (UTC); None: now
    notes: str = ""
    checklist_done: tuple[bool, ...] = ()  # one tick per checklist item
    minutes_spent: int | None = None


def mark_done(
    engine: Engine, actor_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime, done: Done
) -> None:
    """Record occurrence ``(task_id, due_at)`` as done."""
    now = utcnow()
    with write_session(engine) as session:
        task, row = _owned(session, actor_id, task_id, due_at)
        done_at = done.done_at or now
        problems = {}
        if done_at > now + CLOCK_SLACK:
            problems["done_at"] = "It cannot be done later than now; give the time it was done."
        if len(done.checklist_done) not in (0, len(task.checklist)):
            problems["checklist"] = "The checklist changed meanwhile; open the occurrence again."
        if done.minutes_spent is not None and not 0 <= done.minutes_spent <= MOST_MINUTES:
            problems["minutes_spent"] = "Give the minutes spent, 0 to a week's worth."
        if len(done.notes) > MAX_NOTES:
            problems["notes"] = f"Keep the notes to {MAX_NOTES} characters."
        if problems:
            raise ValidationError(problems)
        row.state = OccurrenceState.DONE
        row.done_by_id = actor_id
        row.done_at = done_at
        row.notes = done.notes.strip()
        row.checklist_done = list(done.checklist_done) or [False] * len(task.checklist)
        row.minutes_spent = done.minutes_spent
        finish(session, actor_id, task, row, "Done", now)


def mark_skipped(
    engine: Engine, actor_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime, reason: str
) -> None:
    """Record occurrence ``(task_id, due_at)`` as skipped, saying why."""
    now = utcnow()
    with write_session(engine) as session:
        task, row = _owned(session, actor_id, task_id, due_at)
        _check_reason(reason, "skipped")
        row.state = OccurrenceState.SKIPPED
        row.done_by_id = actor_id
        row.done_at = now
        row.notes = reason.strip()
        finish(session, actor_id, task, row, "Skipped", now)


def cancel(
    engine: Engine, actor_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime, reason: str
) -> None:
    """Cancel occurrence ``(task_id, due_at)``: it is not due at all (a freeze, a holiday)."""
    now = utcnow()
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_MAINTENANCE)
        task, row = _occurrence(session, task_id, due_at)
        _check_reason(reason, "cancelled")
        row.state = OccurrenceState.CANCELLED
        row.notes = reason.strip()
        finish(session, actor_id, task, row, "Cancelled", now)


def move(
    engine: Engine, actor_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime, local: datetime
) -> None:
    """Move occurrence ``(task_id, due_at)`` to start at ``local`` (a date and time on the
    site's clock, no zone), keeping its length."""
    now = utcnow()
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_MAINTENANCE)
        task, row = _occurrence(session, task_id, due_at)
        if row.state is not OccurrenceState.SCHEDULED:
            raise ValidationError(
                {"starts": f"It is {row.state.label.lower()} already; reopen it to move it."}
            )
        site = existing(session, Site, task.site_id, gone("site"))
        starts_at = local.replace(tzinfo=ZoneInfo(site.timezone), fold=0).astimezone(
            ZoneInfo("UTC")
        )
        if abs(starts_at - due_at) > timedelta(days=366):
            raise ValidationError({"starts": "Move it within a year of when it was due."})
        length = row.ends_at - row.starts_at
        row.starts_at, row.ends_at = starts_at, starts_at + length
        finish(session, actor_id, task, row, f"Moved to {local:%a %d %b %Y %H:%M}", now)


def reopen(engine: Engine, actor_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime) -> None:
    """Undo what was recorded against occurrence ``(task_id, due_at)``: it is scheduled again
    where it is now (a move stays). Cancelling is undone only by those who may cancel."""
    now = utcnow()
    with write_session(engine) as session:
        task, row = _occurrence(session, task_id, due_at)
        if row.state is OccurrenceState.CANCELLED:
            require(session, actor_id, Action.MANAGE_MAINTENANCE)
        else:
            _check_owner(session, actor_id, task)
        row.state = OccurrenceState.SCHEDULED
        row.done_by_id = row.done_at = row.minutes_spent = None
        row.notes = ""
        row.checklist_done = []
        finish(session, actor_id, task, row, "Reopened", now)


def _check_reason(reason: str, what: str) -> None:
    if not reason.strip():
        raise ValidationError({"notes": f"Say why it is {what}; the report shows it."})
    if len(reason) > MAX_NOTES:
        raise ValidationError({"notes": f"Keep the reason to {MAX_NOTES} characters."})


def _owned(
    session: Session, actor_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime
) -> tuple[MaintenanceTask, MaintenanceOccurrence]:
    """The task and the occurrence's row, once the actor may record it; refused when it is
    recorded already (reopen it first)."""
    require(session, actor_id, Action.RECORD_MAINTENANCE)
    task, row = _occurrence(session, task_id, due_at)
    _check_owner(session, actor_id, task)
    if row.state is not OccurrenceState.SCHEDULED:
        raise ValidationError(
            {"state": f"It is {row.state.label.lower()} already; reopen it to record it again."}
        )
    return task, row


def _check_owner(session: Session, actor_id: uuid.UUID, task: MaintenanceTask) -> None:
    """Refuse anyone but the task's owner, their team, or who manages maintenance."""
    require(session, actor_id, Action.RECORD_MAINTENANCE)
    if may_record(session, existing(session, Staff, actor_id, gone("person")), task):
        return
    managers = " or ".join(r.label.lower() for r in roles_that_may(Action.MANAGE_MAINTENANCE))
    raise PermissionDenied(
        f"Only the owner of \u201c{task.title}\u201d, their team, or a {managers} can "
        "record it; nothing was saved."
    )


def may_record(session: Session, person: Staff, task: MaintenanceTask) -> bool:
    """Whether ``person`` may mark ``task``'s occurrences done or skipped: its owner, in its
    team, or managing maintenance (an inactive person may not)."""
    role = StaffRole(person.role)
    if not person.active or not may(role, Action.RECORD_MAINTENANCE):
        return False
    if may(role, Action.MANAGE_MAINTENANCE) or task.owner_staff_id == person.id:
        return True
    if task.owner_team_id is None:
        return False
    member = select(Staff.id).where(Staff.id == person.id, in_team(task.owner_team_id))
    return session.exec(member).first() is not None


def _occurrence(
    session: Session, task_id: uuid.UUID, due_at: datetime
) -> tuple[MaintenanceTask, MaintenanceOccurrence]:
    """The task, and the stored row of its occurrence due at ``due_at`` (made, not yet
    added, if nothing was stored); refused if the series has no such occurrence."""
    task = existing(session, MaintenanceTask, task_id, gone("maintenance task"))
    row = session.exec(
        select(MaintenanceOccurrence).where(
            MaintenanceOccurrence.task_id == task_id, MaintenanceOccurrence.due_at == due_at
        )
    ).first()
    if row is not None:
        return task, row
    site = existing(session, Site, task.site_id, gone("site"))
    if not gives(task.rrule, first_start(task), ZoneInfo(site.timezone), due_at):
        raise ValidationError(
            {"due_at": "The series has no occurrence then any more; refresh the calendar."}
        )
    length = timedelta(minutes=task.duration_minutes)
    return task, MaintenanceOccurrence(
        task_id=task.id, due_at=due_at, starts_at=due_at, ends_at=due_at + length
    )


def occurrence_row(
    session: Session, task_id: uuid.UUID, due_at: datetime
) -> tuple[MaintenanceTask, MaintenanceOccurrence]:
    """The task and the row of its occurrence due at ``due_at``, stored or made (not yet
    added), for a write that records it as part of another (a ticket raised or resolved:
    app/maintenance/occurrence_tickets.py); refused if the series has no such occurrence."""
    return _occurrence(session, task_id, due_at)


def finish(
    session: Session,
    actor_id: uuid.UUID,
    task: MaintenanceTask,
    row: MaintenanceOccurrence,
    what: str,
    now: datetime,
) -> None:
    """Store ``row`` in ``session``'s unit of work, move the task's ``open_from`` on (or
    back), and audit ``what``. Nothing is flushed here, so a ticket's unit of work that
    records an occurrence still writes the ticket once (its version moves by one)."""
    row.recorded_by_id = actor_id
    row.recorded_at = now
    session.add(row)
    settle(session, task, row, now)
    site = existing(session, Site, task.site_id, gone("site"))
    local = row.due_at.astimezone(ZoneInfo(site.timezone))
    record(
        session,
        actor_id,
        AuditKind.MAINTENANCE_RECORDED,
        f"{what}: {task.title} at {site.code}, due {local:%a %d %b %Y %H:%M}",
        task.id,
    )


def settle(
    session: Session, task: MaintenanceTask, row: MaintenanceOccurrence, now: datetime
) -> None:
    """Move ``open_from`` to the first occurrence of ``task`` still owed (nothing before it
    is), or to ``now`` when none up to now is, ``row`` (stored or not yet flushed) counted.
    Public so the demo data sets ``open_from`` by this very rule, not a copy of it."""
    since = min(task.open_from, row.due_at)
    settled = {
        due
        for due, state in session.exec(
            select(MaintenanceOccurrence.due_at, MaintenanceOccurrence.state).where(
                MaintenanceOccurrence.task_id == task.id,
                col(MaintenanceOccurrence.due_at) >= since,
            )
        ).all()
        if OccurrenceState(state).settled
    }
    if row.state.settled:  # settled in this unit of work, maybe not yet flushed
        settled.add(row.due_at)
    site = existing(session, Site, task.site_id, gone("site"))
    upto = max(now, since) + LONGEST_WINDOW
    given = occurrences(task.rrule, first_start(task), ZoneInfo(site.timezone), since, upto)
    owed = next((due for due in given if due not in settled), None)
    task.open_from = min(owed, now) if owed is not None else max(now, since)
