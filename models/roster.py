"""The roster: skills, shift types, shifts, and the desk's minimum cover.

A shift is stored in UTC (``starts_at`` <= t < ``ends_at``) and shown in its site's time zone,
so a night shift across a daylight-saving change keeps its true length. Skills are shared by
staff (their level) and categories (the level a ticket of theirs needs), which is how the
ticket editor suggests who should take a ticket.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from models.clock import utcnow
from models.enums import ShiftKind
from models.types import IntEnumType, Table, UTCDateTime, UUIDType, new_id


class Skill(Table, table=True):
    """Something a person can do (Networking, Active Directory, Printers...)."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    name: str = Field(max_length=80, unique=True)


class StaffSkill(Table, table=True):
    """A person's level in a skill: 1 (basic) to 3 (expert)."""

    __tablename__ = "staff_skill"
    staff_id: uuid.UUID = Field(foreign_key="staff.id", sa_type=UUIDType, primary_key=True)
    skill_id: uuid.UUID = Field(foreign_key="skill.id", sa_type=UUIDType, primary_key=True)
    level: int = Field(ge=1, le=3)


class CategorySkill(Table, table=True):
    """A skill a category's tickets need, and the level that handles them."""

    __tablename__ = "category_skill"
    category_id: uuid.UUID = Field(foreign_key="category.id", sa_type=UUIDType, primary_key=True)
    skill_id: uuid.UUID = Field(foreign_key="skill.id", sa_type=UUIDType, primary_key=True)
    level: int = Field(default=1, ge=1, le=3)


class ShiftType(Table, table=True):
    """A kind of shift as the roster draws it: a colour and a fill pattern (so the grid reads
    in black and white), usual hours, and what it means (:class:`ShiftKind`). Retired types
    keep their shifts and are offered for no new ones."""

    __tablename__ = "shift_type"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    name: str = Field(max_length=40, unique=True)
    kind: ShiftKind = Field(sa_type=IntEnumType(ShiftKind))
    colour: str = Field(max_length=7, description="#rrggbb")
    pattern: str = Field(max_length=16, description="solid, dots, hatch, cross, lines...")
    starts: str = Field(max_length=5, description="usual start, HH:MM local")
    ends: str = Field(max_length=5, description="usual end, HH:MM local (earlier: next day)")
    retired: bool = Field(default=False)


class Shift(Table, table=True):
    """One person's shift at a site, in UTC."""

    __table_args__ = (
        Index("ix_shift_staff_starts", "staff_id", "starts_at"),
        Index("ix_shift_starts", "starts_at"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    staff_id: uuid.UUID = Field(foreign_key="staff.id", sa_type=UUIDType)
    shift_type_id: uuid.UUID = Field(foreign_key="shift_type.id", sa_type=UUIDType)
    site_id: uuid.UUID = Field(foreign_key="site.id", sa_type=UUIDType)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CoverageMinimum(Table, table=True):
    """How many people must be at the desk at a site during a band of hours (local time), on
    one weekday (0 Monday .. 6 Sunday)."""

    __tablename__ = "coverage_minimum"
    __table_args__ = (UniqueConstraint("site_id", "weekday", "starts", name="uq_coverage_band"),)
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    site_id: uuid.UUID = Field(foreign_key="site.id", sa_type=UUIDType)
    weekday: int = Field(ge=0, le=6)
    starts: str = Field(max_length=5, description="HH:MM local")
    ends: str = Field(max_length=5, description="HH:MM local, after starts")
    minimum: int = Field(ge=0)
