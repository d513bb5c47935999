"""A ticket for each occurrence of a maintenance task, raised a set number of days ahead and
assigned to its owner; resolving (or closing) the ticket marks the occurrence done.

**Raising.** :func:`raise_due_tickets` gives a ticket to each occurrence of a task with
``ticket_days_ahead`` set that has none yet, is still to be done (scheduled or in progress:
not done, skipped, cancelled or overdue), and whose start on its site's calendar is at most
that many days away (0: on the day). Only the tasks the person raising may record are
handled (:func:`app.maintenance.record.may_record`), so on the shared server the row
policies let them store the occurrence. Each occurrence is one transaction: its row is
stored (or locked) first, then the ticket is created through
:func:`app.tickets.actions.open_ticket` in the same transaction (numbering, SLA, the
CREATED and ASSIGNED events), and the row takes the ticket's id. Two workstations raising at
once never make two tickets: on SQLite the transactions queue (``BEGIN IMMEDIATE``) and the
second finds the ticket; on PostgreSQL the second waits on the row (or on the unique
``(task_id, due_at)`` of the first's new row) and then finds the ticket or loses the insert,
and skips it quietly. Audit: the ticket's own events, the occurrence's ``recorded_by``, and
one MAINTENANCE_RECORDED row.

**Done with the ticket.** When a ticket is resolved or closed
(:func:`app.tickets.actions.enter_status` calls :func:`ticket_done`), an occurrence of a
task with ``close_marks_done`` whose ticket it is, still scheduled, is marked done by whoever
resolved or closed it, if they may record it, in the ticket's own transaction: done at the
ticket's resolution time, with the minutes logged on the ticket. Resolving is when the work
is reported done (its note says how), so that is when the occurrence is done; closing does
it when whoever resolved could not record the occurrence. Someone who may not record it
leaves it as it is, and the ticket's change goes through. Reopening the ticket does not
reopen the occurrence (reopen it on the calendar).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.errors import ValidationError
from app.maintenance.calendar import CalendarFilter, Status, window
from app.maintenance.record import finish, may_record, occurrence_row
from app.tickets.actions import TicketDraft, open_ticket
from models.engine import read_session
from models.enums import Channel, OccurrenceState
from models.maintenance import MaintenanceOccurrence, MaintenanceTask, MaintenanceTaskAsset
from models.org import Site, Staff
from models.tickets import Ticket, TicketEvent

log = logging.getLogger(__name__)

# Raised by the desk's own schedule, not by a person calling: the channel of what systems
# raise (not counted for first contact resolution).
CHANNEL = Channel.MONITORING
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Due:
    """One occurrence to raise a ticket for, as the calendar read it."""

    task_id: uuid.UUID
    due_at: datetime
    starts_at: datetime
    ends_at: datetime


def raise_due_tickets(engine: Engine, actor_id: uuid.UUID, now: datetime) -> list[str]:
    """Raise the tickets due by ``now`` (UTC) for the tasks ``actor_id`` may record; the
    numbers of the tickets raised, earliest occurrence first."""
    tasks = _ticketed_tasks(engine, actor_id)
    if not tasks:
        return []
    furthest = max(cast(int, task.ticket_days_ahead) for task in tasks.values())
    # Local days at the sites: a day either side of UTC is enough.
    found = window(engine, now, now + (furthest + 2) * _DAY, now, CalendarFilter())
    raised = []
    for occurrence in found:
        task = tasks.get(occurrence.task_id)
        if task is None or occurrence.ticket_id is not None:
            continue
        if occurrence.status not in (Status.SCHEDULED, Status.IN_PROGRESS):
            continue
        zone = ZoneInfo(occurrence.zone)
        starts_on = occurrence.starts_at.astimezone(zone).date()
        if (starts_on - now.astimezone(zone).date()).days > cast(int, task.ticket_days_ahead):
            continue
        due = _Due(task.id, occurrence.due_at, occurrence.starts_at, occurrence.ends_at)
        number = _raise_one(engine, actor_id, due, now)
        if number is not None:
            raised.append(number)
    if raised:
        log.info("Raised %d maintenance tickets: %s", len(raised), ", ".join(raised))
    return raised


def _ticketed_tasks(engine: Engine, actor_id: uuid.UUID) -> dict[uuid.UUID, MaintenanceTask]:
    """The tasks that raise tickets and ``actor_id`` may record (each is checked again in
    its occurrence's transaction)."""
    with read_session(engine) as session:
        person = session.get(Staff, actor_id)
        if person is None:
            return {}
        tasks = session.exec(
            select(MaintenanceTask).where(col(MaintenanceTask.ticket_days_ahead).is_not(None))
        ).all()
        return {task.id: task for task in tasks if may_record(session, person, task)}


def _raise_one(engine: Engine, actor_id: uuid.UUID, due: _Due, now: datetime) -> str | None:
    """Raise the ticket of one occurrence in a transaction of its own; its number, or None
    when someone raised it first (or the task changed meanwhile)."""
    try:
        with engine.begin() as connection, Session(connection) as session:
            number = _raise_in(session, actor_id, due, now)
            session.flush()
            return number
    except IntegrityError:
        # Another workstation stored the occurrence first (the unique task and due time):
        # it raised the ticket.
        log.debug("Maintenance ticket for %s at %s raised elsewhere", due.task_id, due.due_at)
        return None


def _raise_in(session: Session, actor_id: uuid.UUID, due: _Due, now: datetime) -> str | None:
    """Store (or lock) the occurrence's row, create its ticket on the same connection, and
    link the two; None if there is nothing to do any more."""
    person = session.get(Staff, actor_id)
    task = session.get(MaintenanceTask, due.task_id)
    if person is None or task is None or task.ticket_days_ahead is None:
        return None
    if not may_record(session, person, task):
        return None
    # A stored row is locked first, so a second workstation waits here, then sees the ticket.
    session.exec(
        select(MaintenanceOccurrence.id)
        .where(
            col(MaintenanceOccurrence.task_id) == due.task_id,
            col(MaintenanceOccurrence.due_at) == due.due_at,
        )
        .with_for_update()
    ).first()
    try:
        task, row = occurrence_row(session, due.task_id, due.due_at)
    except ValidationError:
        return None  # the series no longer has it
    if row.ticket_id is not None or row.state is not OccurrenceState.SCHEDULED:
        return None
    # Stored before the ticket is made: a second workstation's insert waits on this one.
    row.recorded_by_id, row.recorded_at = actor_id, now
    session.add(row)
    session.flush()
    site = session.get(Site, task.site_id)
    assert site is not None
    draft = _draft(session, task, site, row.starts_at, row.ends_at)
    # In this session's transaction: the ticket and the link commit together.
    ticket = open_ticket(session, draft, actor_id, now)
    row.ticket_id = ticket.id
    finish(session, actor_id, task, row, f"Ticket {ticket.number} raised", now)
    return ticket.number


def _draft(
    session: Session, task: MaintenanceTask, site: Site, starts_at: datetime, ends_at: datetime
) -> TicketDraft:
    """The ticket of one occurrence: what, when, where, the impact and how it is done, for
    its owner (the person, else the team)."""
    zone = ZoneInfo(site.timezone)
    starts, ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
    until = f"{ends:%H:%M}" if ends.date() == starts.date() else f"{ends:%a %d %b %Y %H:%M}"
    lines = [f"Scheduled maintenance at {site.code}: {starts:%a %d %b %Y %H:%M}–{until}."]
    if task.system:
        lines.append(f"System: {task.system}")
    if task.impact:
        lines.append(f"Impact: {task.impact}")
    if task.instructions.strip():
        lines += ["", "Instructions:", task.instructions.strip()]
    if task.checklist:
        lines += ["", "Checklist:", *(f"- {item}" for item in task.checklist)]
    if task.close_marks_done:
        lines += ["", "Resolving this ticket marks the maintenance done."]
    owner = session.get(Staff, task.owner_staff_id) if task.owner_staff_id else None
    assets = session.exec(
        select(MaintenanceTaskAsset.asset_id).where(MaintenanceTaskAsset.task_id == task.id)
    ).all()
    return TicketDraft(
        summary=f"Maintenance: {task.title} ({starts:%a %d %b %H:%M})",
        site_id=site.id,
        description="\n".join(lines),
        asset_id=assets[0] if len(assets) == 1 else None,
        channel=CHANNEL,
        # An owner who has left: the team has it.
        assignee_id=owner.id if owner is not None and owner.active else None,
        team_id=task.owner_team_id,
    )


def ticket_done(session: Session, ticket: Ticket, actor_id: uuid.UUID, now: datetime) -> None:
    """``ticket`` is being resolved or closed by ``actor_id`` in ``session``'s unit of work:
    mark the occurrence it was raised for done, when its task says so, it is still
    scheduled, and ``actor_id`` may record it (else nothing changes). Flushes nothing: the
    ticket's unit of work writes it with the ticket."""
    row = session.exec(
        select(MaintenanceOccurrence).where(col(MaintenanceOccurrence.ticket_id) == ticket.id)
    ).first()
    if row is None or row.state is not OccurrenceState.SCHEDULED:
        return
    task = session.get(MaintenanceTask, row.task_id)
    person = session.get(Staff, actor_id)
    if task is None or person is None or not task.close_marks_done:
        return
    if not may_record(session, person, task):
        log.info("%s may not record %s: its occurrence stays open", person.username, task.title)
        return
    logged = session.exec(
        select(func.coalesce(func.sum(TicketEvent.minutes_spent), 0)).where(
            col(TicketEvent.ticket_id) == ticket.id
        )
    ).one()
    row.state = OccurrenceState.DONE
    row.done_by_id = actor_id
    row.done_at = min(ticket.resolved_at or now, now)
    row.notes = f"Done with ticket {ticket.number}"
    row.checklist_done = row.checklist_done or [False] * len(task.checklist)
    row.minutes_spent = int(logged) or None
    finish(session, actor_id, task, row, f"Done with ticket {ticket.number}", now)
