"""Figures of finished report periods, kept so that a month already read opens at once.

A row holds one part of a report (a period's key figures, or one month's counts for the
twelve-month trend) as JSON, with the span of time ``[lo, hi)`` whose tickets and ticket
events it was counted from. The database itself forgets a row when something that could
change it is written: triggers on ``ticket`` and ``ticket_event`` (migration 0013) delete
every row whose span the change touches, whatever program or statement made it. A row is
claimed (written empty) before its figures are read and filled after, so a change made
while they are read deletes the claim and the stale figures are never kept.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field

from models.types import Table, UTCDateTime, UUIDType, new_id


class ReportStore(Table, table=True):
    __tablename__ = "report_store"
    __table_args__ = (
        UniqueConstraint("kind", "site_key", "first_day", "last_day", name="uq_report_store_key"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    kind: str = Field(max_length=40, description="Which part of the report: summary, month")
    site_key: str = Field(max_length=16, description="The site's code; empty for every site")
    first_day: date
    last_day: date
    lo: datetime = Field(sa_type=UTCDateTime, description="The earliest moment counted from")
    hi: datetime = Field(sa_type=UTCDateTime, description="The end of what was counted")
    with_backlog: bool = Field(
        description="Holds the backlog at its end, which older tickets' closing changes"
    )
    reference: str = Field(
        max_length=64, description="Digest of the names, hours and format it was made with"
    )
    made_at: datetime = Field(sa_type=UTCDateTime)
    body: str | None = Field(default=None, sa_type=Text, description="None while being read")
