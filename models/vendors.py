"""Outside vendors, their support contracts, and the tickets escalated to them.

A contract covers assets and categories and promises response and resolution times within
its support hours (a week of opening hours in its own time zone, as a site's business hours
are kept, or around the clock). A ticket escalated to a vendor gets a
:class:`VendorEscalation` with the vendor's case number and the response due time the
contract gives; the ticket carries that due time (``Ticket.vendor_due_at``) while the vendor
has not answered, so the queue flags an overdue vendor with an index range scan.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Numeric, Text, UniqueConstraint
from sqlmodel import Field

from models.clock import utcnow
from models.types import Table, UTCDateTime, UUIDType, new_id


class Vendor(Table, table=True):
    """A company the desk escalates to: hardware maker, internet provider, software house."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    name: str = Field(max_length=120, unique=True)
    kind: str = Field(default="", max_length=40, description="Hardware, ISP, software...")
    support_phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    portal_url: str = Field(default="", max_length=300)
    account_number: str = Field(default="", max_length=80, description="Our account with them")
    notes: str = Field(default="", sa_type=Text)
    active: bool = Field(default=True)


class Contract(Table, table=True):
    """A support contract with a vendor."""

    __table_args__ = (UniqueConstraint("vendor_id", "number", name="uq_contract_vendor_number"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    vendor_id: uuid.UUID = Field(foreign_key="vendor.id", sa_type=UUIDType, index=True)
    number: str = Field(max_length=80, description="The vendor's contract number")
    title: str = Field(default="", max_length=200, description="What it covers, in words")
    around_the_clock: bool = Field(default=False, description="Support 24x7")
    support_hours: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False),
        description='Weekday ("0" Monday) to ["HH:MM", "HH:MM"], as a site keeps hours',
    )
    timezone: str = Field(default="UTC", max_length=64)
    response_minutes: int | None = Field(default=None, gt=0)
    resolution_minutes: int | None = Field(default=None, gt=0)
    starts_on: date
    ends_on: date = Field(index=True)
    notice_days: int = Field(default=0, ge=0, description="Renewal notice period")
    cost: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2), nullable=True))
    currency: str = Field(default="", max_length=3)
    notes: str = Field(default="", sa_type=Text)


class ContractAsset(Table, table=True):
    """An asset a contract covers."""

    __tablename__ = "contract_asset"
    contract_id: uuid.UUID = Field(foreign_key="contract.id", sa_type=UUIDType, primary_key=True)
    asset_id: uuid.UUID = Field(
        foreign_key="asset.id", sa_type=UUIDType, primary_key=True, index=True
    )


class ContractCategory(Table, table=True):
    """A category of tickets a contract covers (all printers, the internet line...)."""

    __tablename__ = "contract_category"
    contract_id: uuid.UUID = Field(foreign_key="contract.id", sa_type=UUIDType, primary_key=True)
    category_id: uuid.UUID = Field(
        foreign_key="category.id", sa_type=UUIDType, primary_key=True, index=True
    )


class VendorEscalation(Table, table=True):
    """A ticket handed to a vendor: their case number (one ticket per case), the contact,
    and when they answered against when they had to."""

    __tablename__ = "vendor_escalation"
    __table_args__ = (
        UniqueConstraint("vendor_id", "case_number", name="uq_vendor_escalation_case"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    ticket_id: uuid.UUID = Field(foreign_key="ticket.id", sa_type=UUIDType, index=True)
    vendor_id: uuid.UUID = Field(foreign_key="vendor.id", sa_type=UUIDType, index=True)
    contract_id: uuid.UUID | None = Field(default=None, foreign_key="contract.id", sa_type=UUIDType)
    case_number: str = Field(max_length=80)
    contact: str = Field(default="", max_length=200, description="Who we deal with there")
    escalated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    escalated_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="staff.id", sa_type=UUIDType
    )
    response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", sa_type=Text)
