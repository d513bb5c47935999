"""The audit trail of everything that is not a ticket: staff and roles, sign-ins, settings
that change how the desk works (the organisation, sites, teams, categories, SLA policies,
the priority matrix), the asset register, and the erasure of a caller's personal data.

Ticket changes have their own trail (:class:`models.tickets.TicketEvent`, shown in the
ticket's history); this table is the rest, shown to admins. Both are insert-only: the
program never updates or deletes a row, and on the shared server the database refuses it
too (app/server_roles.py), except the erasure of personal data, which blanks the erased
values and records that it did.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field

from models.clock import utcnow
from models.types import Table, UTCDateTime, UUIDType, new_id


class AuditKind(StrEnum):
    """What happened; the value is stored, so a kind is never renamed once released."""

    STAFF_ADDED = "staff added"
    STAFF_CHANGED = "staff changed"
    ROLE_CHANGED = "role changed"
    STAFF_DEACTIVATED = "staff deactivated"
    STAFF_REACTIVATED = "staff reactivated"
    PASSWORD_SET = "password set"
    SIGNED_IN = "signed in"
    SIGN_IN_REFUSED = "sign-in refused"
    SIGN_IN_LOCKED = "sign-in locked"
    SIGN_IN_REQUIRED = "sign-in required"
    PRIORITY_MATRIX = "priority matrix changed"
    CALLER_ERASED = "caller erased"
    ORGANISATION_CHANGED = "organisation changed"
    SITE_CHANGED = "site changed"
    TEAM_CHANGED = "team changed"
    CATEGORY_CHANGED = "category changed"
    SLA_POLICY_CHANGED = "SLA policy changed"
    ASSET_CHANGED = "asset changed"
    ASSETS_IMPORTED = "assets imported"
    SKILL_CHANGED = "skill changed"
    SHIFT_TYPE_CHANGED = "shift type changed"
    ROSTER_CHANGED = "roster changed"
    COVERAGE_CHANGED = "coverage minimum changed"
    COURSE_CHANGED = "course changed"
    TRAINING_RECORDED = "training recorded"
    TRAINING_CONFIRMED = "training confirmed"
    TRAINING_IMPORTED = "training imported"
    MAINTENANCE_CHANGED = "maintenance task changed"
    MAINTENANCE_RECORDED = "maintenance recorded"
    MAJOR_INCIDENT = "major incident"
    ATTENTION_RULE_CHANGED = "attention rule changed"
    VENDOR_CHANGED = "vendor changed"
    CONTRACT_CHANGED = "contract changed"


class AuditEvent(Table, table=True):
    """One audited change: when, by whom (the authenticated staff member; None where nobody
    was signed in, as for a refused sign-in), what, to which record, and in words."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_subject_at", "subject_id", "at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    kind: str = Field(max_length=40)
    subject_id: uuid.UUID | None = Field(default=None, sa_type=UUIDType)
    detail: str = Field(default="", sa_type=Text)
