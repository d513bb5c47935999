"""The kinds of shift the roster draws, with the ones every database starts with.

Each type has a colour and a fill pattern, so the grid (and its printout in black and white)
tells a desk shift from leave without colour; usual hours, which a new shift starts with
(an end at or before the start runs to the next day: "17:00-08:00" is a night on call,
"00:00-00:00" a whole day); and a :class:`~models.enums.ShiftKind` that says what it means
for coverage and conflicts.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from app.roster.local_time import clock_text, parse_clock
from app.rows import existing
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.enums import ShiftKind
from models.roster import Shift, ShiftType

PATTERNS = ("solid", "hatch", "dots", "cross", "lines", "diagonal")
MAX_NAME = 40  # ShiftType.name's column
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class ShiftTypeDraft:
    """What a person set for a shift type."""

    name: str
    kind: ShiftKind
    colour: str
    pattern: str
    starts: str
    ends: str


DEFAULT_SHIFT_TYPES = (
    ShiftTypeDraft("Desk early", ShiftKind.DESK, "#64b5f6", "solid", "07:00", "15:00"),
    ShiftTypeDraft("Desk late", ShiftKind.DESK, "#1e88e5", "hatch", "11:00", "19:00"),
    ShiftTypeDraft("On call", ShiftKind.ON_CALL, "#ffb300", "dots", "17:00", "08:00"),
    ShiftTypeDraft("Leave", ShiftKind.LEAVE, "#bdbdbd", "cross", "00:00", "00:00"),
    ShiftTypeDraft("Training", ShiftKind.TRAINING, "#81c784", "lines", "09:00", "17:00"),
    ShiftTypeDraft("Sick", ShiftKind.SICK, "#e57373", "diagonal", "00:00", "00:00"),
)


def seed_shift_types(session: Session) -> None:
    """The default shift types, where the database has none yet."""
    if session.exec(select(ShiftType.id).limit(1)).first() is not None:
        return
    for default in DEFAULT_SHIFT_TYPES:
        session.add(ShiftType(**asdict(default)))


def type_of_kind(session: Session, kind: ShiftKind) -> ShiftType | None:
    """The first current shift type of ``kind`` (by name): what a rotation or a training
    session puts on the roster when nobody chose a type."""
    return session.exec(
        select(ShiftType)
        .where(ShiftType.kind == kind, col(ShiftType.retired).is_(False))
        .order_by(col(ShiftType.name))
    ).first()


@dataclass(frozen=True)
class ShiftTypeRow:
    """One shift type as the settings list and the roster's pickers show it."""

    id: uuid.UUID
    draft: ShiftTypeDraft
    retired: bool
    shifts: int  # how many shifts are of this type


def tint(colour: str) -> str:
    """A type's colour ("#1e88e5") mixed with white: the background its shifts' words are
    read on, on screen and on paper alike."""
    red, green, blue = (int(colour[n : n + 2], 16) for n in (1, 3, 5))
    return "#" + "".join(f"{round(value * 0.45 + 255 * 0.55):02x}" for value in (red, green, blue))


def hours_text(starts: str, ends: str) -> str:
    """A type's usual hours in words: "07:00-15:00", "17:00-08:00 (next day)", "all day"."""
    if starts == ends:
        return "all day" if starts == "00:00" else f"{starts} for 24 hours"
    return f"{starts}-{ends}" + (" (next day)" if ends < starts else "")


def list_shift_types(engine: Engine, *, include_retired: bool = False) -> list[ShiftTypeRow]:
    """The shift types by name, with how many shifts each has."""
    counts = (
        select(col(Shift.shift_type_id), func.count()).group_by(col(Shift.shift_type_id)).subquery()
    )
    query = (
        select(ShiftType, func.coalesce(counts.c[1], 0))
        .outerjoin(counts, counts.c.shift_type_id == col(ShiftType.id))
        .order_by(func.lower(ShiftType.name))
    )
    if not include_retired:
        query = query.where(col(ShiftType.retired).is_(False))
    with read_session(engine) as session:
        rows = session.execute(query).all()
    return [ShiftTypeRow(row.id, _draft_of(row), row.retired, int(count)) for row, count in rows]


def clean_draft(draft: ShiftTypeDraft) -> ShiftTypeDraft:
    """The draft tidied (spaces, colour in lower case); ValidationError by field."""
    name = " ".join(draft.name.split())
    colour = draft.colour.strip().lower()
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "Type a name, such as Desk early or On call."
    elif len(name) > MAX_NAME:
        problems["name"] = f"The name has {len(name)} characters; use at most {MAX_NAME}."
    if not _COLOUR.match(colour):
        problems["colour"] = f"{draft.colour!r} is no colour; write it as #rrggbb, e.g. #64b5f6."
    if draft.pattern not in PATTERNS:
        problems["pattern"] = f"Choose one of the patterns: {', '.join(PATTERNS)}."
    starts, ends = parse_clock(draft.starts), parse_clock(draft.ends)
    for key, parsed, typed in (("starts", starts, draft.starts), ("ends", ends, draft.ends)):
        if parsed is None:
            problems[key] = f"{typed!r} is no time of day; write it as HH:MM, e.g. 07:30."
    if problems or starts is None or ends is None:
        raise ValidationError(problems)
    return ShiftTypeDraft(
        name, draft.kind, colour, draft.pattern, clock_text(starts), clock_text(ends)
    )


def save_shift_type(
    engine: Engine,
    actor_id: uuid.UUID,
    draft: ShiftTypeDraft,
    type_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Add a shift type (``type_id`` None) or change one; returns its id. The meaning of a
    type with shifts cannot change (it would rewrite what the roster said: leave becoming desk
    time); the person is told to add a new type and retire this one."""
    draft = clean_draft(draft)
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        same_name = select(ShiftType.id).where(func.lower(ShiftType.name) == draft.name.lower())
        taken = session.exec(same_name).first()
        if taken is not None and taken != type_id:
            raise ValidationError({"name": f"A shift type is called {draft.name} already."})
        row = _shift_type(session, type_id) if type_id is not None else None
        if row is None:
            row = ShiftType(**asdict(draft))
            session.add(row)
            session.flush()
            record(
                session,
                actor_id,
                AuditKind.SHIFT_TYPE_CHANGED,
                f"Added shift type {draft.name} ({draft.kind.label}, "
                f"{hours_text(draft.starts, draft.ends)})",
                subject_id=row.id,
            )
            return row.id
        before = _draft_of(row)
        if before == draft:
            return row.id
        if before.kind != draft.kind and _has_shifts(session, row.id):
            raise ValidationError(
                {
                    "kind": f"{before.name} has shifts on the roster as {before.kind.label}; "
                    "add a new type for the new meaning and retire this one."
                }
            )
        for name, value in asdict(draft).items():
            setattr(row, name, value)
        record(
            session,
            actor_id,
            AuditKind.SHIFT_TYPE_CHANGED,
            f"Changed shift type {before.name}: " + "; ".join(_changes(before, draft)),
            subject_id=row.id,
        )
        return row.id


def set_retired(engine: Engine, actor_id: uuid.UUID, type_id: uuid.UUID, retired: bool) -> None:
    """Retire a shift type (its shifts stay, no new ones are offered) or bring it back."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        row = _shift_type(session, type_id)
        if row.retired == retired:
            return
        row.retired = retired
        record(
            session,
            actor_id,
            AuditKind.SHIFT_TYPE_CHANGED,
            f"{'Retired' if retired else 'Restored'} shift type {row.name}",
            subject_id=row.id,
        )


def _shift_type(session: Session, type_id: uuid.UUID) -> ShiftType:
    return existing(
        session, ShiftType, type_id, "That shift type no longer exists; read the list again."
    )


def _has_shifts(session: Session, type_id: uuid.UUID) -> bool:
    return session.exec(select(Shift.id).where(Shift.shift_type_id == type_id)).first() is not None


def _draft_of(row: ShiftType) -> ShiftTypeDraft:
    return ShiftTypeDraft(row.name, row.kind, row.colour, row.pattern, row.starts, row.ends)


def _changes(before: ShiftTypeDraft, after: ShiftTypeDraft) -> list[str]:
    words = []
    if before.name != after.name:
        words.append(f"name {before.name} → {after.name}")
    if before.kind != after.kind:
        words.append(f"meaning {before.kind.label} → {after.kind.label}")
    if (before.starts, before.ends) != (after.starts, after.ends):
        old, new = hours_text(before.starts, before.ends), hours_text(after.starts, after.ends)
        words.append(f"hours {old} → {new}")
    if before.colour != after.colour:
        words.append(f"colour {before.colour} → {after.colour}")
    if before.pattern != after.pattern:
        words.append(f"pattern {before.pattern} → {after.pattern}")
    return words
