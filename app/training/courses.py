"""Courses: what the team is trained in, the skill each teaches, how long its certificate
lasts, and who must hold it.

Everyone reads the courses; managers and admins change them (:data:`Action.EDIT_TRAINING_LOG`,
checked inside each write's transaction). Every change writes one audit row
(``COURSE_CHANGED``) saying in words what changed; a save that changes nothing writes none.

The rules of a course:

- a name is required and unique, ignoring case (a certificate names its course, and the LMS
  import finds a course by its name);
- the skill it teaches comes with the level it gives (1-3), and a level with a skill;
- a certificate is valid 1 to 120 months, or never expires (None). A course required of
  roles or teams may have no validity (a one-off induction); one whose draft says renewal is
  required must have one, since a certificate that never expires is never renewed;
- who must hold it: any roles and any teams (someone in either holds it).

Changing a course's validity leaves the certificates already recorded as they were issued:
each completion stores its own expiry. Courses are retired, never deleted: completions keep
pointing at them; a retired course is required of nobody and offered for no new completion.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Set
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from app.rows import existing, gone
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.enums import StaffRole
from models.org import Team
from models.roster import Skill
from models.training import Course, CourseRequirement

log = logging.getLogger(__name__)

MAX_NAME = 120  # Course.name's column
MAX_PROVIDER = 120  # Course.provider's column
MAX_VALIDITY_MONTHS = 120  # ten years: no certificate a help desk holds lasts longer


@dataclass(frozen=True)
class CourseDraft:
    """What a person typed for a course. ``renewal_required`` is a rule of the form, not a
    column: it says the certificate must be renewed, so the course needs a validity."""

    name: str
    provider: str = ""
    skill_id: uuid.UUID | None = None
    skill_level: int | None = None
    validity_months: int | None = None
    required_roles: Set[StaffRole] = frozenset()
    required_team_ids: Set[uuid.UUID] = frozenset()
    renewal_required: bool = False


@dataclass(frozen=True)
class CourseRow:
    """One course as the list shows it."""

    id: uuid.UUID
    name: str
    provider: str
    skill: str  # "Networking (level 2)", "" for none
    validity_months: int | None
    required_of: str  # "Operators, Technicians; team Network", "" for nobody
    retired: bool


@dataclass(frozen=True)
class CourseDetail:
    """A course for the editor: ``draft`` is the course as it is saved now."""

    id: uuid.UUID
    draft: CourseDraft
    retired: bool


def list_courses(engine: Engine, *, include_retired: bool = False) -> list[CourseRow]:
    """The courses (retired ones only if asked), by name (ignoring case)."""
    query = (
        select(Course, Skill.name)
        .outerjoin(Skill, col(Skill.id) == col(Course.skill_id))
        .order_by(func.lower(Course.name))
    )
    if not include_retired:
        query = query.where(col(Course.retired).is_(False))
    with read_session(engine) as session:
        found = session.exec(query).all()
        teams = {team.id: team.name for team in session.exec(select(Team)).all()}
        required: dict[uuid.UUID, list[CourseRequirement]] = {}
        for requirement in session.exec(select(CourseRequirement)).all():
            required.setdefault(requirement.course_id, []).append(requirement)
    return [
        CourseRow(
            id=course.id,
            name=course.name,
            provider=course.provider,
            skill=f"{skill} (level {course.skill_level})" if skill else "",
            validity_months=course.validity_months,
            required_of=_required_of(
                {r.role for r in required.get(course.id, ()) if r.role is not None},
                {teams[r.team_id] for r in required.get(course.id, ()) if r.team_id is not None},
            ),
            retired=course.retired,
        )
        for course, skill in found
    ]


def course_detail(engine: Engine, course_id: uuid.UUID) -> CourseDetail:
    """One course for the editor."""
    with read_session(engine) as session:
        course = _course(session, course_id)
        return CourseDetail(course.id, _draft_of(session, course), course.retired)


def save_course(
    engine: Engine, actor_id: uuid.UUID, draft: CourseDraft, course_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Add a course (``course_id`` None) or change one; returns its id. Every broken rule is
    a problem at its field (``name``, ``provider``, ``skill``, ``skill_level``,
    ``validity_months``, ``required_teams``), all at once, and nothing is saved."""
    name, provider = " ".join(draft.name.split()), draft.provider.strip()
    problems = _draft_problems(draft, name, provider)
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
        course = _course(session, course_id) if course_id is not None else None
        problems.update(_reference_problems(session, draft, name, course_id))
        if problems:
            raise ValidationError(problems)
        clean = CourseDraft(
            name,
            provider,
            draft.skill_id,
            draft.skill_level,
            draft.validity_months,
            frozenset(draft.required_roles),
            frozenset(draft.required_team_ids),
        )
        if course is None:
            course = Course(name=name)
            session.add(course)
            session.flush()
            detail = f"Added course {_words(session, clean)}"
        else:
            changes = _changes(session, _draft_of(session, course), clean)
            if not changes:
                return course.id
            detail = f"Course {course.name}: " + "; ".join(changes)
        _apply(session, course, clean)
        record(session, actor_id, AuditKind.COURSE_CHANGED, detail, subject_id=course.id)
        log.info("%s", detail)
        return course.id


def retire_course(engine: Engine, actor_id: uuid.UUID, course_id: uuid.UUID) -> None:
    """Require ``course_id`` of nobody and offer it for no new completion; the completions
    recorded keep it."""
    _set_retired(engine, actor_id, course_id, True)


def restore_course(engine: Engine, actor_id: uuid.UUID, course_id: uuid.UUID) -> None:
    """Offer a retired course again, required of whom it was before it was retired."""
    _set_retired(engine, actor_id, course_id, False)


def _set_retired(engine: Engine, actor_id: uuid.UUID, course_id: uuid.UUID, retired: bool) -> None:
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
        course = _course(session, course_id)
        if course.retired == retired:
            return
        course.retired = retired
        detail = f"{'Retired' if retired else 'Restored'} course {course.name}"
        record(session, actor_id, AuditKind.COURSE_CHANGED, detail, subject_id=course.id)
    log.info("%s", detail)


def _course(session: Session, course_id: uuid.UUID) -> Course:
    return existing(session, Course, course_id, gone("course"))


def _draft_of(session: Session, course: Course) -> CourseDraft:
    requirements = session.exec(
        select(CourseRequirement).where(col(CourseRequirement.course_id) == course.id)
    ).all()
    return CourseDraft(
        name=course.name,
        provider=course.provider,
        skill_id=course.skill_id,
        skill_level=course.skill_level,
        validity_months=course.validity_months,
        required_roles=frozenset(r.role for r in requirements if r.role is not None),
        required_team_ids=frozenset(r.team_id for r in requirements if r.team_id is not None),
        renewal_required=course.validity_months is not None,
    )


def _draft_problems(draft: CourseDraft, name: str, provider: str) -> dict[str, str]:
    """The rules the draft breaks on its own, before the database is read."""
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "Type the course's name, as its certificate gives it."
    elif len(name) > MAX_NAME:
        problems["name"] = f"The name has {len(name)} characters; use at most {MAX_NAME}."
    if len(provider) > MAX_PROVIDER:
        problems["provider"] = f"Shorten the provider to {MAX_PROVIDER} characters or fewer."
    if draft.skill_id is None and draft.skill_level is not None:
        problems["skill_level"] = (
            "A level is the level of a skill: choose the skill the course teaches, or clear "
            "the level."
        )
    elif draft.skill_id is not None and draft.skill_level not in (1, 2, 3):
        problems["skill_level"] = "Choose the level the course gives: 1 (basic) to 3 (expert)."
    validity = draft.validity_months
    if validity is not None and not 1 <= validity <= MAX_VALIDITY_MONTHS:
        problems["validity_months"] = (
            f"A certificate is valid 1 to {MAX_VALIDITY_MONTHS} months; leave the validity "
            "empty if it never expires."
        )
    elif validity is None and draft.renewal_required:
        problems["validity_months"] = (
            "The certificate must be renewed, so it cannot last forever: give its validity in "
            "months (24 for two years), or say that no renewal is required."
        )
    return problems


def _reference_problems(
    session: Session, draft: CourseDraft, name: str, course_id: uuid.UUID | None
) -> dict[str, str]:
    """The rules that need the database: the name is free, the skill and teams exist."""
    problems: dict[str, str] = {}
    if name:
        taken = select(Course).where(func.lower(Course.name) == name.lower())
        if course_id is not None:
            taken = taken.where(col(Course.id) != course_id)
        holder = session.exec(taken).first()
        if holder is not None:
            retired = " (retired: restore it instead)" if holder.retired else ""
            problems["name"] = (
                f"There is already a course called {holder.name}{retired}; choose another name."
            )
    if draft.skill_id is not None and session.get(Skill, draft.skill_id) is None:
        problems["skill"] = "That skill is not on this database any more; choose another."
    if draft.required_team_ids:
        found = session.exec(
            select(Team.id).where(col(Team.id).in_(list(draft.required_team_ids)))
        ).all()
        if len(found) < len(draft.required_team_ids):
            problems["required_teams"] = (
                "A team chosen is not on this database any more; refresh and choose again."
            )
    return problems


def _apply(session: Session, course: Course, draft: CourseDraft) -> None:
    course.name, course.provider = draft.name, draft.provider
    course.skill_id, course.skill_level = draft.skill_id, draft.skill_level
    course.validity_months = draft.validity_months
    held = session.exec(
        select(CourseRequirement).where(col(CourseRequirement.course_id) == course.id)
    ).all()
    for requirement in held:
        wanted = (
            requirement.role in draft.required_roles
            if requirement.role is not None
            else requirement.team_id in draft.required_team_ids
        )
        if not wanted:
            session.delete(requirement)
    roles = {r.role for r in held} - {None}
    teams = {r.team_id for r in held} - {None}
    for role in sorted(draft.required_roles - roles):
        session.add(CourseRequirement(course_id=course.id, role=role))
    for team_id in draft.required_team_ids - teams:
        session.add(CourseRequirement(course_id=course.id, team_id=team_id))


def _required_of(roles: Set[StaffRole], teams: Set[str]) -> str:
    """ "Operators, Technicians; teams Network, Service desk", "" for nobody."""
    parts = []
    if roles:
        parts.append(", ".join(f"{role.label}s" for role in sorted(roles)))
    if teams:
        word = "team" if len(teams) == 1 else "teams"
        parts.append(f"{word} " + ", ".join(sorted(teams, key=str.lower)))
    return "; ".join(parts)


def _facts(session: Session, draft: CourseDraft) -> dict[str, str]:
    """A draft's fields in words, to tell a change ("validity 24 → 36 months")."""
    skill = session.get(Skill, draft.skill_id) if draft.skill_id is not None else None
    teams = session.exec(select(Team.name).where(col(Team.id).in_(list(draft.required_team_ids))))
    return {
        "name": draft.name,
        "provider": draft.provider or "none",
        "teaches": f"{skill.name} at level {draft.skill_level}" if skill else "no skill",
        "valid": f"{draft.validity_months} months" if draft.validity_months else "forever",
        "required of": _required_of(draft.required_roles, set(teams.all())) or "nobody",
    }


def _words(session: Session, draft: CourseDraft) -> str:
    """A new course in words: "ITIL 4 (provider Axelos, ..., valid 36 months, ...)"."""
    facts = _facts(session, draft)
    name = facts.pop("name")
    return f"{name} (" + ", ".join(f"{key} {value}" for key, value in facts.items()) + ")"


def _changes(session: Session, before: CourseDraft, after: CourseDraft) -> list[str]:
    old, new = _facts(session, before), _facts(session, after)
    return [f"{key} {old[key]} → {new[key]}" for key in old if old[key] != new[key]]
