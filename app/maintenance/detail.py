"""One occurrence in full, as its dialog shows it: the task's instructions, checklist and
assets, what was recorded, and whether the person looking may record it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app.errors import NotFoundError
from app.maintenance.calendar import CalendarFilter, Occurrence, window
from app.maintenance.record import may_record
from app.maintenance.recurrence import INSTANT
from app.permissions import Action, may
from app.rows import existing, gone
from models.engine import read_connection
from models.enums import StaffRole
from models.maintenance import MaintenanceOccurrence, MaintenanceTask, MaintenanceTaskAsset
from models.org import Staff
from models.people import Asset


@dataclass(frozen=True)
class OccurrenceDetail:
    """An occurrence with its task's particulars and its record."""

    occurrence: Occurrence
    instructions: str
    checklist: tuple[str, ...]
    checklist_done: tuple[bool, ...]  # as recorded; () when nothing was
    assets: tuple[str, ...]  # "SRV-0001 Dell R740"
    done_by: str  # "" when not recorded
    done_at: datetime | None
    notes: str
    minutes_spent: int | None
    may_record: bool  # the viewer owns it (or their team does) or manages maintenance
    may_plan: bool  # the viewer may move or cancel it and change the task


def load_occurrence(
    engine: Engine, task_id: uuid.UUID, due_at: datetime, now: datetime, viewer: uuid.UUID | None
) -> OccurrenceDetail:
    """Occurrence ``(task_id, due_at)`` as ``viewer`` (a staff id, None for nobody signed in)
    sees it."""
    with read_connection(engine) as connection, Session(bind=connection) as session:
        task = existing(session, MaintenanceTask, task_id, gone("maintenance task"))
        row = session.execute(
            select(MaintenanceOccurrence).where(
                col(MaintenanceOccurrence.task_id) == task_id,
                col(MaintenanceOccurrence.due_at) == due_at,
            )
        ).scalar_one_or_none()
        starts = row.starts_at if row is not None else due_at
        assets = session.execute(
            select(col(Asset.tag), col(Asset.make), col(Asset.model))
            .join(MaintenanceTaskAsset, col(MaintenanceTaskAsset.asset_id) == col(Asset.id))
            .where(col(MaintenanceTaskAsset.task_id) == task_id)
            .order_by(col(Asset.tag))
        ).all()
        done_by = session.get(Staff, row.done_by_id) if row and row.done_by_id else None
        may_record, may_plan = _rights(session, task, viewer)
    found = [
        o
        for o in window(engine, starts, starts + INSTANT, now, CalendarFilter(site_id=task.site_id))
        if o.key == (task_id, due_at)
    ]
    if not found:
        raise NotFoundError("That occurrence is not in the series any more; refresh the calendar.")
    return OccurrenceDetail(
        occurrence=found[0],
        instructions=task.instructions,
        checklist=tuple(task.checklist),
        checklist_done=tuple(row.checklist_done) if row is not None else (),
        assets=tuple(" ".join(p for p in asset if p) for asset in assets),
        done_by=done_by.name if done_by is not None else "",
        done_at=row.done_at if row is not None else None,
        notes=row.notes if row is not None else "",
        minutes_spent=row.minutes_spent if row is not None else None,
        may_record=may_record,
        may_plan=may_plan,
    )


def _rights(session: Session, task: MaintenanceTask, viewer: uuid.UUID | None) -> tuple[bool, bool]:
    """(may record, may plan) for ``viewer``, as app/maintenance/record.py decides."""
    person = session.get(Staff, viewer) if viewer is not None else None
    if person is None or not person.active:
        return False, False
    plans = may(StaffRole(person.role), Action.MANAGE_MAINTENANCE)
    return may_record(session, person, task), plans
