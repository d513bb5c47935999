"""Recording and reading the audit trail of staff, sign-ins and settings (models/audit.py).

A record is written in the same transaction as the change it describes, so the trail never
claims a change that was rolled back nor misses one that landed. Who did it is always the
authenticated staff member the write was checked for, never a name the caller passes in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sqlmodel import col

from models.audit import AuditEvent, AuditKind
from models.clock import utcnow
from models.engine import read_connection
from models.org import Staff


def record(
    session: Session,
    actor_id: uuid.UUID | None,
    kind: AuditKind,
    detail: str,
    subject_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> None:
    """Add one audit row to the unit of work ``session``."""
    session.add(
        AuditEvent(
            actor_id=actor_id,
            kind=kind.value,
            subject_id=subject_id,
            detail=detail,
            at=at or utcnow(),
        )
    )


@dataclass(frozen=True)
class AuditLine:
    """One row of the trail as a person reads it."""

    at: datetime
    actor: str  # the staff member's name, or "" where nobody was signed in
    kind: str
    subject: str  # the staff member it concerns, where it concerns one
    detail: str


def recent(
    engine: Engine, *, subject_id: uuid.UUID | None = None, limit: int = 200
) -> list[AuditLine]:
    """The newest ``limit`` audit rows, newest first; only those about ``subject_id`` if
    given."""
    staff = Staff.__table__  # type: ignore[attr-defined]
    actor, subject = staff.alias("actor"), staff.alias("subject")
    query = (
        select(
            col(AuditEvent.at),
            actor.c.name,
            col(AuditEvent.kind),
            subject.c.name,
            col(AuditEvent.detail),
        )
        .select_from(AuditEvent)
        .outerjoin(actor, actor.c.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.c.id == AuditEvent.subject_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id))
        .limit(limit)
    )
    if subject_id is not None:
        query = query.where(col(AuditEvent.subject_id) == subject_id)
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    return [AuditLine(row[0], row[1] or "", row[2], row[3] or "", row[4]) for row in rows]
