"""The manager's attention list: tickets and problems the management escalation rules
raised, and the rules themselves.

Every running Switchboard evaluates the rules (app/attention/rules.py); an item is unique
per rule and subject (a ticket or a problem) in the database, so ten workstations evaluating
at once add it once. Acknowledging records who and when; the item stays, as a record.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from models.clock import utcnow
from models.types import Table, UTCDateTime, UUIDType, new_id


class AttentionRule(Table, table=True):
    """One management escalation rule the manager set: on or off, and its threshold in
    minutes where it has one (P1 open longer than)."""

    __tablename__ = "attention_rule"
    key: str = Field(primary_key=True, max_length=40)
    enabled: bool = Field(default=True)
    minutes: int | None = Field(default=None, gt=0)
    updated_by_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", sa_type=UUIDType)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AttentionItem(Table, table=True):
    """A ticket or problem put on the manager's attention list by a rule."""

    __tablename__ = "attention_item"
    __table_args__ = (
        UniqueConstraint("rule", "subject_id", name="uq_attention_item_rule_subject"),
        # The list shows what nobody acknowledged yet, newest first.
        Index("ix_attention_item_open", "acknowledged_at", "raised_at"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    rule: str = Field(max_length=40)
    subject_id: uuid.UUID = Field(sa_type=UUIDType, description="The ticket's or problem's id")
    ticket_id: uuid.UUID | None = Field(
        default=None, foreign_key="ticket.id", sa_type=UUIDType, index=True
    )
    problem_id: uuid.UUID | None = Field(
        default=None, foreign_key="problem.id", sa_type=UUIDType, index=True
    )
    reason: str = Field(max_length=400)
    raised_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    acknowledged_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="staff.id", sa_type=UUIDType
    )
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
