"""The organisation: sites, teams, staff, categories, SLA policies and the priority matrix."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field

from models.clock import utcnow
from models.enums import Priority, StaffRole
from models.types import IntEnumType, Table, UTCDateTime, UUIDType, new_id

DEFAULT_BUSINESS_HOURS: dict[str, list[str]] = {str(day): ["08:00", "17:00"] for day in range(5)}


class Site(Table, table=True):
    """An office. Its time zone, opening hours and holidays drive the SLA clock."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    code: str = Field(max_length=8, unique=True, description="Prefix of ticket numbers, e.g. HQ")
    name: str = Field(max_length=120)
    timezone: str = Field(max_length=64, default="UTC")
    business_hours: dict[str, Any] = Field(
        default_factory=lambda: dict(DEFAULT_BUSINESS_HOURS), sa_column=Column(JSON, nullable=False)
    )
    holiday_country: str | None = Field(default=None, max_length=8)
    holiday_subdiv: str | None = Field(default=None, max_length=16)
    next_ticket_seq: int = Field(default=1, description="Next number handed to a ticket here")
    address: str = Field(default="", max_length=400)
    phone_region: str | None = Field(
        default=None, max_length=2, description="Region of phone numbers typed without +, e.g. GB"
    )


class SiteClosure(Table, table=True):
    """Days a site is closed beyond its public holidays (a move, a company day off): the SLA
    clock does not run there on those days."""

    __tablename__ = "site_closure"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    site_id: uuid.UUID = Field(foreign_key="site.id", sa_type=UUIDType, index=True)
    first_day: date
    last_day: date
    reason: str = Field(default="", max_length=200)


class Organisation(Table, table=True):
    """The organisation the desk serves: its name and logo head the monthly report. One row."""

    id: int = Field(default=1, primary_key=True)
    name: str = Field(default="", max_length=120)
    logo: bytes | None = Field(default=None, sa_type=LargeBinary)
    logo_type: str = Field(default="", max_length=40, description="image/png, image/svg+xml...")


class Team(Table, table=True):
    """A group tickets can be assigned or functionally escalated to."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    name: str = Field(max_length=80, unique=True)
    email: str | None = Field(default=None, max_length=200)
    is_service_desk: bool = Field(
        default=False, description="First-level team: resolution here counts for FLR"
    )


class TeamMember(Table, table=True):
    """A staff member in a team; a person may be in several."""

    __tablename__ = "team_member"
    team_id: uuid.UUID = Field(foreign_key="team.id", sa_type=UUIDType, primary_key=True)
    staff_id: uuid.UUID = Field(
        foreign_key="staff.id", sa_type=UUIDType, primary_key=True, index=True
    )


class Staff(Table, table=True):
    """A person on the IT team."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    name: str = Field(max_length=120)
    username: str = Field(max_length=64, unique=True)
    email: str | None = Field(default=None, max_length=200)
    role: StaffRole = Field(default=StaffRole.TECHNICIAN, sa_type=IntEnumType(StaffRole))
    team_id: uuid.UUID | None = Field(
        default=None, foreign_key="team.id", sa_type=UUIDType, index=True
    )
    active: bool = Field(default=True)
    phone: str | None = Field(default=None, max_length=40)
    # The site a person usually works at. No foreign key (a column added to a table many
    # others point at cannot get one on SQLite): sites are never deleted, the service checks.
    home_site_id: uuid.UUID | None = Field(default=None, sa_type=UUIDType)
    contracted_minutes: int | None = Field(
        default=None, ge=0, description="Contracted working time per week, in minutes"
    )
    # Switchboard's own sign-in, for operators who share one OS account (app/sign_in.py):
    # an argon2id hash (None: no password set), failures in a row and the lock-out's end.
    password_hash: str | None = Field(default=None, max_length=200)
    failed_sign_ins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Category(Table, table=True):
    """What a ticket is about, in a two-level tree (category > subcategory); may suggest the
    team that handles it and the impact and urgency a ticket starts with. A retired category
    keeps its tickets and is offered for no new ones."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    name: str = Field(max_length=80, unique=True)
    default_team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", sa_type=UUIDType)
    # The category above a subcategory (None for a top-level one). No foreign key, as for
    # Ticket.sla_policy_id: categories are retired, never deleted, and the service checks it.
    parent_id: uuid.UUID | None = Field(default=None, sa_type=UUIDType, index=True)
    default_impact: int | None = Field(default=None, ge=1, le=4)
    default_urgency: int | None = Field(default=None, ge=1, le=4)
    retired: bool = Field(default=False)


class SlaPolicy(Table, table=True):
    """Targets for one priority: minutes to first response and to resolution; for every
    ticket, or only for one site, one category or both (an override, which wins).

    A policy a ticket was opened under is never changed: editing one retires it
    (``retired_at``) and adds its successor, so the ticket keeps the SLA it was opened under
    (``Ticket.sla_policy_id``). One current policy per priority and scope (partial unique
    indexes, migration 0009)."""

    __tablename__ = "sla_policy"
    __table_args__ = (
        Index(
            "uq_sla_policy_default",
            "priority",
            unique=True,
            sqlite_where=text("site_id IS NULL AND category_id IS NULL AND retired_at IS NULL"),
            postgresql_where=text("site_id IS NULL AND category_id IS NULL AND retired_at IS NULL"),
        ),
        Index(
            "uq_sla_policy_site",
            "priority",
            "site_id",
            unique=True,
            sqlite_where=text("site_id IS NOT NULL AND category_id IS NULL AND retired_at IS NULL"),
            postgresql_where=text(
                "site_id IS NOT NULL AND category_id IS NULL AND retired_at IS NULL"
            ),
        ),
        Index(
            "uq_sla_policy_category",
            "priority",
            "category_id",
            unique=True,
            sqlite_where=text("site_id IS NULL AND category_id IS NOT NULL AND retired_at IS NULL"),
            postgresql_where=text(
                "site_id IS NULL AND category_id IS NOT NULL AND retired_at IS NULL"
            ),
        ),
        Index(
            "uq_sla_policy_site_category",
            "priority",
            "site_id",
            "category_id",
            unique=True,
            sqlite_where=text(
                "site_id IS NOT NULL AND category_id IS NOT NULL AND retired_at IS NULL"
            ),
            postgresql_where=text(
                "site_id IS NOT NULL AND category_id IS NOT NULL AND retired_at IS NULL"
            ),
        ),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    priority: Priority = Field(sa_type=IntEnumType(Priority))
    name: str = Field(max_length=80)
    response_minutes: int = Field(gt=0)
    resolution_minutes: int = Field(gt=0)
    around_the_clock: bool = Field(
        default=False, description="Counted 24x7 instead of in the site's business hours"
    )
    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id", sa_type=UUIDType)
    category_id: uuid.UUID | None = Field(default=None, foreign_key="category.id", sa_type=UUIDType)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PriorityRule(Table, table=True):
    """One cell of the impact x urgency matrix (1 = highest)."""

    __tablename__ = "priority_rule"
    __table_args__ = (UniqueConstraint("impact", "urgency"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    impact: int = Field(ge=1, le=4)
    urgency: int = Field(ge=1, le=4)
    priority: Priority = Field(sa_type=IntEnumType(Priority))


class Setting(Table, table=True):
    """Small key/value settings shared by every workstation on the database."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=2000)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
