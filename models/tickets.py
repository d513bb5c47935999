"""Tickets, their events (audit trail and worklog in one), and logged calls."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import Column, ColumnElement, Index, Integer, Text, text
from sqlmodel import Field, col

from models.clock import utcnow
from models.enums import Channel, EventKind, Priority, TicketStatus
from models.types import IntEnumType, Table, UTCDateTime, UUIDType, new_id

# Open tickets are a small slice of a long history. The queue's usual views show only open
# tickets, and sort them through these partial indexes instead of walking past a million
# closed ones in a full-table sort index. Queries must repeat this condition to use them.
OPEN_CONDITION = f"status < {int(TicketStatus.RESOLVED)}"
OPEN_SORT_KEYS = (
    "number",
    "priority",
    "status",
    "summary",
    "caller_name",
    "assignee_name",
    "team_name",
    "created_at",
    "sla_due_at",
)


# The conditions of the report's partial indexes on ticket events (migration 0012 gives them
# to PostgreSQL too); a query names them in these words so the planner sees they apply.
RESOLVED_EVENT = (
    f"kind = {int(EventKind.STATUS_CHANGED)} AND new_value = '{TicketStatus.RESOLVED.label}'"
)
LOGGED_EVENT = "minutes_spent > 0"


def _open_index(column: str) -> Index:
    # Migration 0002 gives these the same condition on PostgreSQL; naming postgresql_where
    # here too would load the PostgreSQL dialect at every start of a SQLite desk.
    columns = (column,) if column == "number" else (column, "number")
    where = text(OPEN_CONDITION)
    return Index(f"ix_ticket_open_{column}", *columns, sqlite_where=where)


# PostgreSQL only, made by migration 0016 and not described here: "SLA due, latest first"
# with empty deadlines last (SQLite reads the ascending index for it).
SERVER_SORT_INDEXES = ("ix_ticket_due_sort_desc", "ix_ticket_open_due_sort_desc")


# Optimistic locking: SQLAlchemy bumps this on every UPDATE and refuses to overwrite a row
# whose version moved on since it was read.
_VERSION_COLUMN = Column("version", Integer, nullable=False)


class Ticket(Table, table=True):
    """An incident or request.

    ``caller_name``, ``assignee_name`` and ``team_name`` copy the names of the linked rows so
    the queue can sort a million tickets by them through an index instead of a join; the
    ticket service keeps them in step. ``sla_due_at`` is the next deadline that is running
    (first response until responded, then resolution); it is empty while the clock is paused
    or the ticket is resolved, so "breaching soon" is a short index range scan.
    """

    __table_args__ = (
        Index("ix_ticket_priority_sort", "priority", "number"),
        Index("ix_ticket_status_sort", "status", "number"),
        Index("ix_ticket_summary_sort", "summary", "number"),
        Index("ix_ticket_caller_sort", "caller_name", "number"),
        Index("ix_ticket_assignee_sort", "assignee_name", "number"),
        Index("ix_ticket_team_sort", "team_name", "number"),
        Index("ix_ticket_created_sort", "created_at", "number"),
        Index("ix_ticket_due_sort", "sla_due_at", "number"),
        Index("ix_ticket_assignee_status", "assignee_id", "status"),
        Index("ix_ticket_team_status", "team_id", "status"),
        Index("ix_ticket_site_status", "site_id", "status"),
        Index("ix_ticket_category_status", "category_id", "status"),
        Index("ix_ticket_caller_created", "caller_id", "created_at"),
        Index("ix_ticket_resolved_at", "resolved_at"),
        Index("ix_ticket_closed_at", "closed_at"),
        Index("ix_ticket_updated_at", "updated_at"),
        # The monthly report counts a site's tickets in a period by each moment of their
        # life; the resolved one also carries what SLA compliance needs, so the twelve-month
        # trend is read from the index alone.
        Index("ix_ticket_site_created", "site_id", "created_at"),
        Index("ix_ticket_site_responded", "site_id", "first_response_at"),
        Index(
            "ix_ticket_site_resolved",
            "site_id",
            "resolved_at",
            "resolution_breached",
            "resolution_due_at",
        ),
        Index("ix_ticket_site_closed", "site_id", "closed_at", "created_at"),
        # Repeat incidents: an asset's tickets of the 30 days before one of the period.
        Index("ix_ticket_asset_created", "asset_id", "created_at"),
        # A ticket's site without reading its row: the report puts tens of thousands of
        # ticket events in their site's window.
        Index("ix_ticket_site_of", "id", "site_id"),
        *(_open_index(column) for column in OPEN_SORT_KEYS),
    )
    __mapper_args__: ClassVar = {"version_id_col": _VERSION_COLUMN}

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    number: str = Field(max_length=16, unique=True, description="Human number, e.g. HQ-004211")
    site_id: uuid.UUID = Field(foreign_key="site.id", sa_type=UUIDType)
    caller_id: uuid.UUID | None = Field(default=None, foreign_key="caller.id", sa_type=UUIDType)
    asset_id: uuid.UUID | None = Field(
        default=None, foreign_key="asset.id", sa_type=UUIDType, index=True
    )
    category_id: uuid.UUID | None = Field(default=None, foreign_key="category.id", sa_type=UUIDType)
    summary: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    channel: Channel = Field(default=Channel.PHONE, sa_type=IntEnumType(Channel))
    status: TicketStatus = Field(default=TicketStatus.NEW, sa_type=IntEnumType(TicketStatus))
    impact: int = Field(default=3)
    urgency: int = Field(default=3)
    priority: Priority = Field(default=Priority.MEDIUM, sa_type=IntEnumType(Priority))
    assignee_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", sa_type=UUIDType)
    created_by_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    caller_name: str = Field(default="", max_length=160)
    assignee_name: str = Field(default="", max_length=120)
    team_name: str = Field(default="", max_length=80)

    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # The SLA policy its due times came from, kept when the policy is edited (an edit retires
    # it for a successor). No foreign key: SQLite cannot drop a column that has one (the
    # downgrade of 0009), and a policy is never deleted, only retired.
    sla_policy_id: uuid.UUID | None = Field(default=None, sa_type=UUIDType)
    response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sla_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    waiting_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_minutes: float = Field(default=0.0, description="Business minutes spent waiting")
    response_breached: bool = Field(default=False)
    resolution_breached: bool = Field(default=False)

    reopen_count: int = Field(default=0)
    first_contact_resolution: bool = Field(default=False)
    escalated: bool = Field(default=False, description="Handed to another team (not flagging)")
    manager_flagged: bool = Field(default=False)
    manager_flag_reason: str = Field(default="", max_length=500)

    # What caused it, where known: a planned maintenance occurrence (its task and the start
    # its series gave it, as the occurrence is not stored until something happens to it) or
    # a declared major incident. No foreign keys, for the same reason as ``sla_policy_id``.
    maintenance_task_id: uuid.UUID | None = Field(default=None, sa_type=UUIDType, index=True)
    maintenance_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    major_incident_id: uuid.UUID | None = Field(default=None, sa_type=UUIDType, index=True)
    # The problem it is an incident of (at most one), and while it waits on an outside
    # vendor who has not answered, when their response is due (models/vendors.py). No
    # foreign keys, for the same reason as ``sla_policy_id``.
    problem_id: uuid.UUID | None = Field(default=None, sa_type=UUIDType, index=True)
    vendor_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    version: int = Field(default=1, sa_column=_VERSION_COLUMN)


def vendor_answer_overdue(now: datetime) -> ColumnElement[bool]:
    """A ticket whose vendor's answer was due before ``now``: a range of the vendor due
    index, which holds only the tickets still awaiting an answer (the ticket workflow clears
    ``vendor_due_at`` when one stops waiting). The queue's flag and the vendors' list alike."""
    return col(Ticket.vendor_due_at) < now


class TicketEvent(Table, table=True):
    """One change to a ticket: who, when, what, old -> new; notes carry minutes spent."""

    __tablename__ = "ticket_event"
    __table_args__ = (
        Index("ix_ticket_event_ticket_at", "ticket_id", "at"),
        # The report's escalations and reopenings of a period by kind and time; its
        # resolutions and the time logged in it from smaller indexes the query alone reads.
        Index("ix_ticket_event_kind_at", "kind", "at"),
        Index(
            "ix_ticket_event_resolved",
            "kind",
            "at",
            "ticket_id",
            sqlite_where=text(RESOLVED_EVENT),
        ),
        Index(
            "ix_ticket_event_logged",
            "at",
            "ticket_id",
            "actor_id",
            "minutes_spent",
            sqlite_where=text(LOGGED_EVENT),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    ticket_id: uuid.UUID = Field(foreign_key="ticket.id", sa_type=UUIDType)
    ticket_version: int = Field(description="The ticket's version after this change")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    kind: EventKind = Field(sa_type=IntEnumType(EventKind))
    field: str = Field(default="", max_length=40)
    old_value: str = Field(default="", max_length=400)
    new_value: str = Field(default="", max_length=400)
    note: str = Field(default="", sa_type=Text)
    minutes_spent: int = Field(default=0, ge=0)


class Call(Table, table=True):
    """A phone call taken by an operator, optionally linked to the ticket it produced."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    caller_id: uuid.UUID | None = Field(
        default=None, foreign_key="caller.id", sa_type=UUIDType, index=True
    )
    number: str = Field(default="", max_length=40)
    operator_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ticket_id: uuid.UUID | None = Field(
        default=None, foreign_key="ticket.id", sa_type=UUIDType, index=True
    )
