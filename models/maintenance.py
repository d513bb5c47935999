"""The maintenance calendar: recurring upkeep of systems, what became of each occurrence, and
the major incidents every desk is shown.

A task's series is its first local date and time at its site and an RFC 5545 RRULE
(app/maintenance/recurrence.py). Occurrences are not stored one by one: only those that
something happened to (done, skipped, cancelled, moved, given a ticket) have a row, keyed by
the start the series gave them (``due_at``, iCalendar's RECURRENCE-ID); the rest are expanded
for the window shown. ``open_from`` is where the series may still have an occurrence nobody
has settled (done, skipped or cancelled), so the overdue list expands each task from there
and not from its first date.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from models.clock import utcnow
from models.enums import OccurrenceState
from models.types import IntEnumType, Table, UTCDateTime, UUIDType, new_id


class MaintenanceTask(Table, table=True):
    """A piece of upkeep that comes round: what, where, who, how long, and when.

    A series changed "from this date on" ends the day before (its RRULE gains an UNTIL) and
    a new task continues it (``follows_id``), so occurrences already done keep the task they
    were done under."""

    __tablename__ = "maintenance_task"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    title: str = Field(max_length=120)
    system: str = Field(default="", max_length=120, description="The system it covers")
    site_id: uuid.UUID = Field(foreign_key="site.id", sa_type=UUIDType, index=True)
    instructions: str = Field(default="", sa_type=Text)
    checklist: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner_staff_id: uuid.UUID | None = Field(
        default=None, foreign_key="staff.id", sa_type=UUIDType, index=True
    )
    owner_team_id: uuid.UUID | None = Field(
        default=None, foreign_key="team.id", sa_type=UUIDType, index=True
    )
    first_day: date = Field(description="The first occurrence's local date at the site")
    start_time: str = Field(max_length=5, description="HH:MM on the site's clock")
    duration_minutes: int = Field(gt=0, description="The maintenance window")
    impact: str = Field(default="", max_length=200, description="What is down or degraded")
    rrule: str = Field(default="", max_length=300, description="RFC 5545 RRULE; empty: once")
    ticket_days_ahead: int | None = Field(
        default=None, ge=0, description="Raise a ticket this many days before; None: no ticket"
    )
    close_marks_done: bool = Field(default=True, description="Closing its ticket marks it done")
    follows_id: uuid.UUID | None = Field(default=None, sa_type=UUIDType)
    open_from: datetime = Field(sa_type=UTCDateTime, description="No unsettled occurrence before")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MaintenanceTaskAsset(Table, table=True):
    """An asset a task covers (a server, a router, a licence)."""

    __tablename__ = "maintenance_task_asset"
    task_id: uuid.UUID = Field(
        foreign_key="maintenance_task.id", sa_type=UUIDType, primary_key=True
    )
    asset_id: uuid.UUID = Field(foreign_key="asset.id", sa_type=UUIDType, primary_key=True)


class MaintenanceOccurrence(Table, table=True):
    """One occurrence that something happened to. ``due_at`` is the start its series gave it
    (UTC) and never changes; ``starts_at``/``ends_at`` are where it is now (moved or not)."""

    __tablename__ = "maintenance_occurrence"
    __table_args__ = (
        UniqueConstraint("task_id", "due_at", name="uq_occurrence_task_due"),
        Index("ix_occurrence_starts_at", "starts_at"),
        Index("ix_occurrence_due_at", "due_at"),
        # The few rows still owed (moved, or given a ticket) among years of history.
        Index("ix_occurrence_state_starts_at", "state", "starts_at"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    task_id: uuid.UUID = Field(foreign_key="maintenance_task.id", sa_type=UUIDType)
    due_at: datetime = Field(sa_type=UTCDateTime)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    state: OccurrenceState = Field(
        default=OccurrenceState.SCHEDULED, sa_type=IntEnumType(OccurrenceState)
    )
    done_by_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notes: str = Field(default="", sa_type=Text, description="What was done, or why skipped")
    checklist_done: list[bool] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    minutes_spent: int | None = Field(default=None, ge=0)
    ticket_id: uuid.UUID | None = Field(
        default=None, foreign_key="ticket.id", sa_type=UUIDType, index=True
    )
    recorded_by_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MajorIncident(Table, table=True):
    """Something down for many callers at once, declared by a manager: every desk shows it
    until it is closed, and tickets about it are linked to it."""

    __tablename__ = "major_incident"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    title: str = Field(max_length=200, description="What is down")
    site_id: uuid.UUID | None = Field(
        default=None, foreign_key="site.id", sa_type=UUIDType, description="None: every site"
    )
    started_at: datetime = Field(sa_type=UTCDateTime, description="Down since")
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    declared_by_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    closed_by_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    note: str = Field(default="", sa_type=Text)
