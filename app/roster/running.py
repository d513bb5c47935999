"""The shifts running at a moment or starting soon after it: the one read behind "who is on
now" (:mod:`app.roster.on_now`) and "who should take this ticket" (:mod:`app.tickets.suggest`).

Shifts are read through the index on their start (``ix_shift_starts``): a shift lasts at most
a day, so any running now started less than :data:`LONGEST_SHIFT` ago, and two years of
roster for 200 people cost a range of a few hundred rows. Only active staff count.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select
from sqlmodel import col

from models.enums import ShiftKind
from models.org import Site, Staff
from models.roster import Shift, ShiftType

# A shift is at most 24 hours long (the roster refuses longer ones), but a whole local day
# across the autumn clock change lasts 25.
LONGEST_SHIFT = timedelta(hours=25)
# Kinds of shift that keep someone from the desk while they last, whatever else the roster
# says for that time (the roster shows the overlap as a conflict).
NOT_AT_THE_DESK = frozenset({ShiftKind.LEAVE, ShiftKind.SICK, ShiftKind.TRAINING})


@dataclass(frozen=True)
class RunningShift:
    """A shift with the person on it, for saying who is where."""

    staff_id: uuid.UUID
    name: str
    phone: str  # "" where none is recorded
    kind: ShiftKind
    type_name: str
    site_id: uuid.UUID
    site_code: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC

    def covers(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def running_shifts(connection: Connection, now: datetime, until: datetime) -> list[RunningShift]:
    """Every active person's shifts running at ``now`` or starting before ``until``, earliest
    first (then by name)."""
    rows = connection.execute(
        select(
            col(Shift.staff_id),
            col(Staff.name),
            col(Staff.phone),
            col(ShiftType.kind),
            col(ShiftType.name),
            col(Shift.site_id),
            col(Site.code),
            col(Shift.starts_at),
            col(Shift.ends_at),
        )
        .join(ShiftType, col(ShiftType.id) == col(Shift.shift_type_id))
        .join(Staff, col(Staff.id) == col(Shift.staff_id))
        .join(Site, col(Site.id) == col(Shift.site_id))
        .where(
            col(Shift.starts_at) > now - LONGEST_SHIFT,
            col(Shift.starts_at) < until,
            col(Shift.ends_at) > now,
            col(Staff.active),
        )
        .order_by(col(Shift.starts_at), col(Staff.name))
    ).all()
    return [
        RunningShift(
            staff_id=row[0],
            name=row[1],
            phone=row[2] or "",
            kind=row[3],
            type_name=row[4],
            site_id=row[5],
            site_code=row[6],
            starts_at=row[7],
            ends_at=row[8],
        )
        for row in rows
    ]


def away_at(shifts: list[RunningShift], moment: datetime) -> set[uuid.UUID]:
    """The people whom a leave, sick or training shift keeps from the desk at ``moment``."""
    return {s.staff_id for s in shifts if s.kind in NOT_AT_THE_DESK and s.covers(moment)}
