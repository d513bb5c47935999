"""Problems: the causes behind incidents that keep coming back, and what is known of them.

A problem links any number of incidents (``Ticket.problem_id``; an incident belongs to at
most one problem), names the assets and categories it affects, and carries the root cause,
the workaround the desk gives callers meanwhile (a *known error* has one) and the permanent
fix. Every change is a :class:`ProblemEvent`, as every ticket change is a ticket event.
Candidates for new problems are found by ``app.problems.detection`` and not stored; only a
dismissal is (:class:`CandidateDismissal`), so a dismissed candidate stays dismissed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Column, Index, Integer, Text
from sqlmodel import Field

from models.clock import utcnow
from models.enums import Priority, ProblemStatus
from models.types import IntEnumType, Table, UTCDateTime, UUIDType, new_id

# Optimistic locking, as for tickets: a save over someone else's newer change is refused.
_VERSION_COLUMN = Column("version", Integer, nullable=False)


class Problem(Table, table=True):
    """A problem record. ``number`` is the human reference (PRB-000042), one sequence for
    every site: a problem often spans sites."""

    __table_args__ = (
        Index("ix_problem_status_number", "status", "number"),
        Index("ix_problem_target", "status", "target_date"),
    )
    __mapper_args__: ClassVar = {"version_id_col": _VERSION_COLUMN}

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    number: int = Field(unique=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    status: ProblemStatus = Field(default=ProblemStatus.NEW, sa_type=IntEnumType(ProblemStatus))
    priority: Priority = Field(default=Priority.MEDIUM, sa_type=IntEnumType(Priority))
    owner_id: uuid.UUID | None = Field(
        default=None, foreign_key="staff.id", sa_type=UUIDType, index=True
    )
    root_cause: str = Field(default="", sa_type=Text)
    workaround: str = Field(default="", sa_type=Text)
    permanent_fix: str = Field(default="", sa_type=Text)
    target_date: date | None = Field(default=None)
    # The detection candidate it was made from, so that candidate is not offered again.
    candidate_key: str | None = Field(default=None, max_length=200, index=True)
    created_by_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_VERSION_COLUMN)


class ProblemAsset(Table, table=True):
    """An asset a problem affects: known errors are offered when a ticket names it."""

    __tablename__ = "problem_asset"
    problem_id: uuid.UUID = Field(foreign_key="problem.id", sa_type=UUIDType, primary_key=True)
    asset_id: uuid.UUID = Field(
        foreign_key="asset.id", sa_type=UUIDType, primary_key=True, index=True
    )


class ProblemCategory(Table, table=True):
    """A category a problem affects: known errors are offered when a ticket is given it."""

    __tablename__ = "problem_category"
    problem_id: uuid.UUID = Field(foreign_key="problem.id", sa_type=UUIDType, primary_key=True)
    category_id: uuid.UUID = Field(
        foreign_key="category.id", sa_type=UUIDType, primary_key=True, index=True
    )


class ProblemEvent(Table, table=True):
    """One change to a problem: who, when, which field, old -> new, or a note. Insert-only,
    like the ticket events (app/server_rules.py)."""

    __tablename__ = "problem_event"
    __table_args__ = (Index("ix_problem_event_problem_at", "problem_id", "at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    problem_id: uuid.UUID = Field(foreign_key="problem.id", sa_type=UUIDType)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    field: str = Field(default="", max_length=40, description="Empty for a note")
    old_value: str = Field(default="", max_length=400)
    new_value: str = Field(default="", max_length=400)
    note: str = Field(default="", sa_type=Text)


class CandidateDismissal(Table, table=True):
    """A detection candidate someone said is no problem: ``key`` names the rule and what it
    is about (an asset, a caller and category...), so it is not offered again."""

    __tablename__ = "candidate_dismissal"
    key: str = Field(primary_key=True, max_length=200)
    rule: str = Field(max_length=40)
    title: str = Field(default="", max_length=200, description="What it was, for the list")
    reason: str = Field(default="", max_length=400)
    dismissed_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="staff.id", sa_type=UUIDType
    )
    dismissed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
