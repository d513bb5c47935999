"""The training log: courses, their sessions and who attended, and each person's completions.

A completion's expiry is stored (computed from the course's validity when it is recorded), so
the training matrix and the "expiring soon" list are plain date comparisons on an index. A
completion someone recorded for themselves waits for a manager's confirmation
(``confirmed_by`` None) and counts only once confirmed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field

from models.clock import utcnow
from models.enums import CompletionResult, StaffRole
from models.types import IntEnumType, Table, UTCDateTime, UUIDType, new_id


class Course(Table, table=True):
    """A course: who gives it, the skill (and level) it teaches, how long it certifies."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    name: str = Field(max_length=120, unique=True)
    provider: str = Field(default="", max_length=120)
    skill_id: uuid.UUID | None = Field(default=None, foreign_key="skill.id", sa_type=UUIDType)
    skill_level: int | None = Field(default=None, ge=1, le=3)
    validity_months: int | None = Field(default=None, ge=1, description="None: never expires")
    retired: bool = Field(default=False)


class CourseRequirement(Table, table=True):
    """Who must hold a course: everyone in a role, or everyone in a team (one of the two)."""

    __tablename__ = "course_requirement"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    course_id: uuid.UUID = Field(foreign_key="course.id", sa_type=UUIDType, index=True)
    role: StaffRole | None = Field(default=None, sa_type=IntEnumType(StaffRole))
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", sa_type=UUIDType)


class TrainingSession(Table, table=True):
    """A date a course is given: where, by whom, for how many."""

    __tablename__ = "training_session"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    course_id: uuid.UUID = Field(foreign_key="course.id", sa_type=UUIDType, index=True)
    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id", sa_type=UUIDType)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    place: str = Field(default="", max_length=120)
    trainer: str = Field(default="", max_length=120)
    capacity: int | None = Field(default=None, ge=1)


class SessionAttendee(Table, table=True):
    """A person booked on a session, and the training shift that puts it on their roster."""

    __tablename__ = "session_attendee"
    session_id: uuid.UUID = Field(
        foreign_key="training_session.id", sa_type=UUIDType, primary_key=True
    )
    staff_id: uuid.UUID = Field(foreign_key="staff.id", sa_type=UUIDType, primary_key=True)
    shift_id: uuid.UUID | None = Field(default=None, foreign_key="shift.id", sa_type=UUIDType)


class Completion(Table, table=True):
    """A person finished a course: when, how, the certificate, and when it runs out."""

    __table_args__ = (
        Index("ix_completion_staff_course", "staff_id", "course_id"),
        Index("ix_completion_expires_on", "expires_on"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    staff_id: uuid.UUID = Field(foreign_key="staff.id", sa_type=UUIDType)
    course_id: uuid.UUID = Field(foreign_key="course.id", sa_type=UUIDType)
    completed_on: date
    result: CompletionResult = Field(sa_type=IntEnumType(CompletionResult))
    certificate: str = Field(default="", max_length=120)
    expires_on: date | None = Field(default=None)
    session_id: uuid.UUID | None = Field(
        default=None, foreign_key="training_session.id", sa_type=UUIDType
    )
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    confirmed_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
