"""The kinds of shift the roster draws, with the ones every database starts with.

Each type has a colour and a fill pattern, so the grid (and its printout in black and white)
tells a desk shift from leave without colour; usual hours, which a new shift starts with
(an end at or before the start runs to the next day: "17:00-08:00" is a night on call,
"00:00-00:00" a whole day); and a :class:`~models.enums.ShiftKind` that says what it means
for coverage and conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.enums import ShiftKind
from models.roster import ShiftType

PATTERNS = ("solid", "hatch", "dots", "cross", "lines", "diagonal")


@dataclass(frozen=True)
class DefaultType:
    name: str
    kind: ShiftKind
    colour: str
    pattern: str
    starts: str
    ends: str


DEFAULT_SHIFT_TYPES = (
    DefaultType("Desk early", ShiftKind.DESK, "#64b5f6", "solid", "07:00", "15:00"),
    DefaultType("Desk late", ShiftKind.DESK, "#1e88e5", "hatch", "11:00", "19:00"),
    DefaultType("On call", ShiftKind.ON_CALL, "#ffb300", "dots", "17:00", "08:00"),
    DefaultType("Leave", ShiftKind.LEAVE, "#bdbdbd", "cross", "00:00", "00:00"),
    DefaultType("Training", ShiftKind.TRAINING, "#81c784", "lines", "09:00", "17:00"),
    DefaultType("Sick", ShiftKind.SICK, "#e57373", "diagonal", "00:00", "00:00"),
)


def seed_shift_types(session: Session) -> None:
    """The default shift types, where the database has none yet."""
    if session.exec(select(ShiftType.id).limit(1)).first() is not None:
        return
    for default in DEFAULT_SHIFT_TYPES:
        session.add(
            ShiftType(
                name=default.name,
                kind=default.kind,
                colour=default.colour,
                pattern=default.pattern,
                starts=default.starts,
                ends=default.ends,
            )
        )


def type_of_kind(session: Session, kind: ShiftKind) -> ShiftType | None:
    """The first current shift type of ``kind`` (by name): what a rotation or a training
    session puts on the roster when nobody chose a type."""
    return session.exec(
        select(ShiftType)
        .where(ShiftType.kind == kind, col(ShiftType.retired).is_(False))
        .order_by(col(ShiftType.name))
    ).first()
