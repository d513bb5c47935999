"""Callers (the people who phone the desk), their phone numbers and their assets."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field

from models.clock import utcnow
from models.enums import AssetKind, AssetStatus
from models.types import IntEnumType, Table, UTCDateTime, UUIDType, new_id


class Caller(Table, table=True):
    """Someone who contacts the service desk."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    name: str = Field(max_length=160, index=True)
    email: str | None = Field(default=None, max_length=200, index=True)
    employee_id: str | None = Field(default=None, max_length=40, index=True)
    department: str | None = Field(default=None, max_length=120)
    site_id: uuid.UUID | None = Field(
        default=None, foreign_key="site.id", sa_type=UUIDType, index=True
    )
    vip: bool = Field(default=False)
    notes: str = Field(default="", max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CallerPhone(Table, table=True):
    """One of a caller's phone numbers: ``number`` as entered, ``digits`` its canonical form
    for lookup and duplicate detection (the E.164 digits without "+" in the region of the
    caller's site, else the digits as entered). Every writer computes it with
    ``app.callers.phones.canonical_digits``; migration 0004 rewrote the rows stored before."""

    __tablename__ = "caller_phone"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    caller_id: uuid.UUID = Field(foreign_key="caller.id", sa_type=UUIDType, index=True)
    number: str = Field(max_length=40)
    digits: str = Field(max_length=24, index=True)
    label: str = Field(default="work", max_length=20)


class Asset(Table, table=True):
    """A piece of hardware or software, at a site, possibly owned by a caller: the asset
    register. Retired assets stay, with their tickets."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    tag: str = Field(max_length=40, unique=True)
    kind: AssetKind = Field(default=AssetKind.OTHER, sa_type=IntEnumType(AssetKind))
    make: str = Field(default="", max_length=80)
    model: str = Field(default="", max_length=120)
    serial: str = Field(default="", max_length=80)
    status: AssetStatus = Field(
        default=AssetStatus.IN_USE, sa_type=IntEnumType(AssetStatus), index=True
    )
    location: str = Field(default="", max_length=120, description="Room, rack or desk")
    purchased_on: date | None = Field(default=None)
    warranty_ends_on: date | None = Field(default=None, index=True)
    site_id: uuid.UUID | None = Field(
        default=None, foreign_key="site.id", sa_type=UUIDType, index=True
    )
    owner_id: uuid.UUID | None = Field(
        default=None, foreign_key="caller.id", sa_type=UUIDType, index=True
    )
    notes: str = Field(default="", max_length=4000)
