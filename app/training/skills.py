"""Skills: what people can do, and what a category's tickets need, each at a level 1-3.

One list of skills serves three readers: a person's level in each (``StaffSkill``), the level
a category's tickets need (``CategorySkill``; the ticket editor matches the two to suggest who
should take a ticket), and the course that teaches one (``Course.skill_id``).

Who changes what follows the permission table: the list itself belongs to the training log
and to the staff details alike (either permission adds or renames a skill); a person's levels
are staff details (:data:`Action.EDIT_STAFF_DETAILS`); a category's needs are part of the
category (:data:`Action.MANAGE_CATEGORIES`). Each change is checked and audited in the
transaction that makes it, in words; a save that changes nothing writes no audit row. A passed
course raises a level through :func:`raise_skill`, inside the completion's own transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.permissions import Action, require
from app.rows import existing, gone
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.org import Category, Staff
from models.roster import CategorySkill, Skill, StaffSkill

log = logging.getLogger(__name__)

MAX_NAME = 80  # Skill.name's column
LEVELS = range(1, 4)  # 1 basic, 2 able, 3 expert

_Holder = StaffSkill | CategorySkill
# The column of each holder that says whose levels a row holds: a person's or a category's.
_OWNER: dict[type[_Holder], str] = {StaffSkill: "staff_id", CategorySkill: "category_id"}


@dataclass(frozen=True)
class SkillRow:
    """One skill of the list."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class SkillLevel:
    """A skill someone has (or a category needs), at a level 1 (basic) to 3 (expert)."""

    skill_id: uuid.UUID
    name: str
    level: int

    def __str__(self) -> str:
        return f"{self.name} {self.level}"


def list_skills(engine: Engine) -> list[SkillRow]:
    """Every skill, by name (ignoring case)."""
    with read_session(engine) as session:
        rows = session.exec(select(Skill).order_by(func.lower(Skill.name))).all()
        return [SkillRow(row.id, row.name) for row in rows]


def staff_skills(engine: Engine, staff_id: uuid.UUID) -> list[SkillLevel]:
    """A person's skills and levels, by skill name."""
    return _levels(engine, StaffSkill, staff_id)


def category_skills(engine: Engine, category_id: uuid.UUID) -> list[SkillLevel]:
    """The skills a category's tickets need, and at what level, by skill name."""
    return _levels(engine, CategorySkill, category_id)


def save_skill(
    engine: Engine, actor_id: uuid.UUID, name: str, skill_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Add a skill (``skill_id`` None) or rename one; returns its id. A missing, too long or
    taken name (ignoring case) is refused at ``name``."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Type the skill's name, such as Networking or Printers."})
    if len(name) > MAX_NAME:
        raise ValidationError(
            {"name": f"The name has {len(name)} characters; use at most {MAX_NAME}."}
        )
    with write_session(engine) as session:
        _require_skill_editor(session, actor_id)
        skill = _skill(session, skill_id) if skill_id is not None else None
        taken = select(Skill).where(func.lower(Skill.name) == name.lower())
        if skill_id is not None:
            taken = taken.where(col(Skill.id) != skill_id)
        holder = session.exec(taken).first()
        if holder is not None:
            raise ValidationError(
                {"name": f"There is already a skill called {holder.name}; choose another name."}
            )
        if skill is None:
            skill = Skill(name=name)
            session.add(skill)
            session.flush()
            detail = f"Added skill {name}"
        elif skill.name == name:
            return skill.id
        else:
            detail = f"Skill {skill.name} renamed {name}"
            skill.name = name
        record(session, actor_id, AuditKind.SKILL_CHANGED, detail, subject_id=skill.id)
        log.info("%s", detail)
        return skill.id


def set_staff_skills(
    engine: Engine, actor_id: uuid.UUID, staff_id: uuid.UUID, levels: Mapping[uuid.UUID, int]
) -> None:
    """Make ``levels`` (skill id -> 1..3) a person's skills: the skills left out are taken
    away. Refuses a level outside 1-3 or an unknown skill (``levels``); nothing changes then."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_STAFF_DETAILS)
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise NotFoundError(
                "That person is not on this database any more; refresh the list and choose again."
            )
        changes = replace_staff_skills(session, staff_id, levels)
        if changes:
            detail = f"Skills of {staff.name}: " + "; ".join(changes)
            record(session, actor_id, AuditKind.STAFF_CHANGED, detail, subject_id=staff_id)


def replace_staff_skills(
    session: Session, staff_id: uuid.UUID, levels: Mapping[uuid.UUID, int]
) -> list[str]:
    """Make ``levels`` a person's skills in the caller's unit of work (the staff details save
    writes them with the rest, in one transaction); what changed, in words. ValidationError
    (at ``levels``) for a level outside 1-3 or an unknown skill."""
    return _replace(session, StaffSkill, staff_id, levels)


def set_category_skills(
    engine: Engine, actor_id: uuid.UUID, category_id: uuid.UUID, levels: Mapping[uuid.UUID, int]
) -> None:
    """Make ``levels`` (skill id -> 1..3) the skills a category's tickets need, as
    :func:`set_staff_skills` does for a person."""
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_CATEGORIES)
        category = session.get(Category, category_id)
        if category is None:
            raise NotFoundError(
                "That category is not on this database any more; refresh the list and choose again."
            )
        changes = _replace(session, CategorySkill, category_id, levels)
        if changes:
            detail = f"Skills {category.name} needs: " + "; ".join(changes)
            record(session, actor_id, AuditKind.CATEGORY_CHANGED, detail, subject_id=category_id)


def raise_skill(session: Session, staff_id: uuid.UUID, skill_id: uuid.UUID, level: int) -> str:
    """Give a person ``skill_id`` at ``level`` in the caller's unit of work, or raise the
    level they have to it; a higher level is kept (a course never lowers what someone can do).
    Returns what changed in words ("Networking raised 1 → 2"), "" for nothing."""
    changes = raise_skills(session, {(staff_id, skill_id): level})
    return changes[0] if changes else ""


def raise_skills(session: Session, wanted: Mapping[tuple[uuid.UUID, uuid.UUID], int]) -> list[str]:
    """:func:`raise_skill` for many people and skills (``(staff id, skill id) -> level``) at
    once, as an import needs: two reads however many. Returns what changed, in words."""
    staff_ids = {staff_id for staff_id, _ in wanted}
    skill_ids = {skill_id for _, skill_id in wanted}
    found = session.exec(select(Skill.id, Skill.name).where(col(Skill.id).in_(skill_ids)))
    names = {skill_id: name for skill_id, name in found}
    if skill_ids - set(names):
        raise NotFoundError(
            "A skill a course teaches is not on this database any more; refresh and try again."
        )
    held = {
        (row.staff_id, row.skill_id): row
        for row in session.exec(
            select(StaffSkill).where(
                col(StaffSkill.staff_id).in_(staff_ids), col(StaffSkill.skill_id).in_(skill_ids)
            )
        )
    }
    changes = []
    for (staff_id, skill_id), level in wanted.items():
        row, name = held.get((staff_id, skill_id)), names[skill_id]
        if row is None:
            session.add(StaffSkill(staff_id=staff_id, skill_id=skill_id, level=level))
            changes.append(f"{name} added at level {level}")
        elif row.level < level:
            changes.append(f"{name} raised {row.level} → {level}")
            row.level = level
    return changes


def _require_skill_editor(session: Session, actor_id: uuid.UUID) -> None:
    """The skill list is the training log's (courses teach skills) and the staff details'
    (people hold them): either permission may change it."""
    try:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
    except PermissionDenied:
        require(session, actor_id, Action.EDIT_STAFF_DETAILS)


def _skill(session: Session, skill_id: uuid.UUID) -> Skill:
    return existing(session, Skill, skill_id, gone("skill"))


def _owner(holder: type[_Holder]) -> Any:
    return col(getattr(holder, _OWNER[holder]))


def _levels(engine: Engine, holder: type[_Holder], owner_id: uuid.UUID) -> list[SkillLevel]:
    with read_session(engine) as session:
        rows = session.execute(
            select(col(holder.skill_id), Skill.name, col(holder.level))
            .join(Skill, col(Skill.id) == col(holder.skill_id))
            .where(_owner(holder) == owner_id)
            .order_by(func.lower(Skill.name))
        ).all()
        return [SkillLevel(skill_id, name, level) for skill_id, name, level in rows]


def _replace(
    session: Session, holder: type[_Holder], owner_id: uuid.UUID, levels: Mapping[uuid.UUID, int]
) -> list[str]:
    """Make ``levels`` the owner's rows of ``holder``; what changed, in words, by skill name."""
    current: dict[uuid.UUID, _Holder] = {
        row.skill_id: row
        for row in session.execute(select(holder).where(_owner(holder) == owner_id)).scalars()
    }
    names: dict[uuid.UUID, str] = {
        skill_id: name
        for skill_id, name in session.execute(
            select(col(Skill.id), col(Skill.name)).where(
                col(Skill.id).in_(set(levels) | set(current))
            )
        ).all()
    }
    if set(levels) - set(names):
        raise ValidationError(
            {"levels": "A skill chosen is not on this database any more; refresh and choose again."}
        )
    wrong = sorted(names[skill_id] for skill_id, level in levels.items() if level not in LEVELS)
    if wrong:
        raise ValidationError(
            {"levels": f"Give {', '.join(wrong)} a level from 1 (basic) to 3 (expert)."}
        )
    changes: dict[str, str] = {}
    for skill_id, row in current.items():
        name = names[skill_id]
        if skill_id not in levels:
            session.delete(row)
            changes[name] = f"{name} removed (was {row.level})"
        elif row.level != levels[skill_id]:
            changes[name] = f"{name} {row.level} → {levels[skill_id]}"
            row.level = levels[skill_id]
    for skill_id, level in levels.items():
        if skill_id not in current:
            session.add(holder(skill_id=skill_id, level=level, **{_OWNER[holder]: owner_id}))
            changes[names[skill_id]] = f"{names[skill_id]} added at level {level}"
    return [changes[name] for name in sorted(changes, key=str.lower)]
