"""Logging phone calls: who called, on which number, who answered, how long, what came of it.

The call record is written when the operator ends the call (or takes the next one), so a
call that produced nothing still counts for the call volume, and a call that produced a
ticket links to it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from app.callers.lookup import clean
from app.errors import ValidationError
from app.permissions import Action, require
from models.engine import write_session
from models.people import Caller
from models.tickets import Call, Ticket

MAX_NUMBER = 40


@dataclass(frozen=True)
class CallRecord:
    """One finished call, as the call desk hands it over."""

    started_at: datetime
    ended_at: datetime
    number: str = ""
    caller_id: uuid.UUID | None = None
    operator_id: uuid.UUID | None = None  # who took the call (None: not known)
    ticket_id: uuid.UUID | None = None


def record_call(engine: Engine, record: CallRecord, actor_id: uuid.UUID) -> uuid.UUID:
    """Store the call, logged by ``actor_id`` (who must be allowed to log calls; usually the
    record's operator); a caller or ticket deleted (or merged away) meanwhile is left out
    rather than losing the record. Returns the call's id."""
    if record.ended_at < record.started_at:
        raise ValidationError({"ended_at": "A call cannot end before it started."})
    with write_session(engine) as session:
        require(session, actor_id, Action.LOG_CALL)
        caller_id = record.caller_id
        if caller_id is not None and session.get(Caller, caller_id) is None:
            caller_id = None
        ticket_id = record.ticket_id
        if ticket_id is not None and session.get(Ticket, ticket_id) is None:
            ticket_id = None
        call = Call(
            caller_id=caller_id,
            number=clean(record.number)[:MAX_NUMBER],
            operator_id=record.operator_id,
            started_at=record.started_at,
            ended_at=record.ended_at,
            ticket_id=ticket_id,
        )
        session.add(call)
        session.flush()
        return call.id
