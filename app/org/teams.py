"""Teams: the groups tickets are assigned and escalated to, and who is in them.

Everyone reads the teams; managers and admins change them (:data:`Action.MANAGE_TEAMS`,
checked inside each write's transaction). Every change writes one audit row
(``TEAM_CHANGED``) saying in words what changed; a change that changes nothing writes none.

The rules beyond permissions:

- a team's name is required and unique, ignoring case ("network" clashes with "Network");
- at least one team stays a service-desk team: first-level resolution is counted for tickets
  resolved there, so unsetting the last one would leave that measure with nothing to count;
- only active staff join a team (a deactivated person takes no tickets);
- teams are never deleted: tickets, escalations and reports keep pointing at them. Renaming
  one keeps its tickets' copy of the name (``Ticket.team_name``, the queue's sort column) in
  step.

The team a category suggests (``Category.default_team_id``) is edited on the category; a
team's detail lists the categories that default to it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from app.rows import existing, gone
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.org import Category, Staff, Team, TeamMember
from models.tickets import Ticket

log = logging.getLogger(__name__)

MAX_NAME = 80  # Team.name's column
MAX_EMAIL = 200  # Team.email's column


@dataclass(frozen=True)
class TeamRow:
    """One team as the list shows it."""

    id: uuid.UUID
    name: str
    email: str  # "" where none is set
    is_service_desk: bool
    member_count: int


@dataclass(frozen=True)
class Member:
    """A staff member of a team."""

    id: uuid.UUID
    name: str
    username: str
    role: str  # the role's label
    active: bool


@dataclass(frozen=True)
class TeamDetail:
    """A team with its members and the categories that default to it."""

    id: uuid.UUID
    name: str
    email: str
    is_service_desk: bool
    members: tuple[Member, ...]
    categories: tuple[str, ...]  # names of the categories whose default team this is
    candidates: tuple[Member, ...]  # active staff not in the team yet, who may join it


@dataclass(frozen=True)
class TeamDraft:
    """What a person typed for a team."""

    name: str
    email: str = ""
    is_service_desk: bool = False


def join_home_team(session: Session, staff: Staff) -> None:
    """Make ``staff`` a member of their home team (``Staff.team_id``) if they are not yet,
    in the caller's unit of work: whoever gives someone a home team makes them a member."""
    if staff.team_id is None or session.get(TeamMember, (staff.team_id, staff.id)) is not None:
        return
    session.add(TeamMember(team_id=staff.team_id, staff_id=staff.id))


def list_teams(engine: Engine) -> list[TeamRow]:
    """Every team with how many people are in it, by name (ignoring case)."""
    counts = (
        select(TeamMember.team_id, func.count().label("members"))
        .group_by(col(TeamMember.team_id))
        .subquery()
    )
    query = (
        select(Team, counts.c.members)
        .outerjoin(counts, counts.c.team_id == col(Team.id))
        .order_by(func.lower(Team.name))
    )
    with read_session(engine) as session:
        found = session.exec(query).all()
    return [
        TeamRow(team.id, team.name, team.email or "", team.is_service_desk, members or 0)
        for team, members in found
    ]


def team_detail(engine: Engine, team_id: uuid.UUID) -> TeamDetail:
    """``team_id`` with its members, its categories and the active staff who could join
    it, each by name."""
    with read_session(engine) as session:
        team = _team(session, team_id)
        staff = session.exec(
            select(Staff)
            .join(TeamMember, col(TeamMember.staff_id) == col(Staff.id))
            .where(TeamMember.team_id == team_id)
            .order_by(func.lower(Staff.name))
        ).all()
        categories = session.exec(
            select(Category.name)
            .where(Category.default_team_id == team_id)
            .order_by(func.lower(Category.name))
        ).all()
        others = session.exec(
            select(Staff)
            .where(col(Staff.active), col(Staff.id).not_in([s.id for s in staff]))
            .order_by(func.lower(Staff.name))
        ).all()
        return TeamDetail(
            id=team.id,
            name=team.name,
            email=team.email or "",
            is_service_desk=team.is_service_desk,
            members=tuple(Member(s.id, s.name, s.username, s.role.label, s.active) for s in staff),
            categories=tuple(categories),
            candidates=tuple(_member(s) for s in others),
        )


def save_team(
    engine: Engine, actor_id: uuid.UUID, draft: TeamDraft, team_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Add a team (``team_id`` None) or change one; returns its id. Refuses a missing, too
    long or taken name, an e-mail without "@", and unsetting the last service-desk team,
    each with a problem at its field (``name``, ``email``, ``is_service_desk``)."""
    name, email = " ".join(draft.name.split()), draft.email.strip()
    problems = _draft_problems(name, email)
    if problems:
        raise ValidationError(problems)
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_TEAMS)
        team = _team(session, team_id) if team_id is not None else None
        _check_name_free(session, name, team_id)
        if team is None:
            team = Team(name=name, email=email or None, is_service_desk=draft.is_service_desk)
            session.add(team)
            session.flush()
            desk = ", service desk" if draft.is_service_desk else ""
            record(
                session,
                actor_id,
                AuditKind.TEAM_CHANGED,
                f"Added team {name} (e-mail {email or 'none'}{desk})",
                subject_id=team.id,
            )
            log.info("Team %s added", name)
            return team.id
        if team.is_service_desk and not draft.is_service_desk:
            _keep_a_service_desk(session, team)
        changes = _changes(team, name, email, draft.is_service_desk)
        if not changes:
            return team.id
        if team.name != name:
            session.execute(
                update(Ticket).where(col(Ticket.team_id) == team.id).values(team_name=name)
            )
        team.name, team.email, team.is_service_desk = name, email or None, draft.is_service_desk
        record(session, actor_id, AuditKind.TEAM_CHANGED, "; ".join(changes), subject_id=team.id)
        log.info("Team %s changed", name)
        return team.id


def set_members(
    engine: Engine,
    actor_id: uuid.UUID,
    team_id: uuid.UUID,
    *,
    add: Iterable[uuid.UUID] = (),
    remove: Iterable[uuid.UUID] = (),
) -> None:
    """Add staff to ``team_id`` and remove others from it. Someone already in (or already
    out) is left as they are; adding an inactive or unknown person is refused (``members``)
    and nothing changes."""
    add, remove = set(add), set(remove) - set(add)
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_TEAMS)
        team = _team(session, team_id)
        current = set(
            session.exec(select(TeamMember.staff_id).where(TeamMember.team_id == team_id)).all()
        )
        joining = _staff_by_id(session, add - current)
        leaving = _staff_by_id(session, remove & current)
        refused = [s.name for s in joining.values() if not s.active]
        missing = (add - current) - set(joining)
        if missing:
            raise ValidationError(
                {
                    "members": "Someone chosen is not on this database any more; refresh and "
                    "choose again."
                }
            )
        if refused:
            raise ValidationError(
                {
                    "members": f"{_names(refused)} deactivated; reactivate them on the Staff page "
                    "before adding them to a team."
                }
            )
        for staff_id in joining:
            session.add(TeamMember(team_id=team_id, staff_id=staff_id))
        for staff_id in leaving:
            member = session.get(TeamMember, (team_id, staff_id))
            session.delete(member)
        parts = []
        if joining:
            parts.append("added " + ", ".join(sorted(s.name for s in joining.values())))
        if leaving:
            parts.append("removed " + ", ".join(sorted(s.name for s in leaving.values())))
        if not parts:
            return
        detail = f"Members of {team.name}: " + "; ".join(parts)
        record(session, actor_id, AuditKind.TEAM_CHANGED, detail, subject_id=team.id)
    log.info("%s", detail)


def _member(staff: Staff) -> Member:
    return Member(staff.id, staff.name, staff.username, staff.role.label, staff.active)


def _names(names: list[str]) -> str:
    """ "Bob Tech is" or "Bob Tech and Ann Operator are"."""
    ordered = sorted(names)
    if len(ordered) == 1:
        return f"{ordered[0]} is"
    return ", ".join(ordered[:-1]) + f" and {ordered[-1]} are"


def _team(session: Session, team_id: uuid.UUID) -> Team:
    return existing(session, Team, team_id, gone("team"))


def _staff_by_id(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, Staff]:
    if not ids:
        return {}
    return {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(ids))).all()}


def _draft_problems(name: str, email: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "Type the team's name, as people ask for it (Network, Service desk)."
    elif len(name) > MAX_NAME:
        problems["name"] = f"The name has {len(name)} characters; use at most {MAX_NAME}."
    if email and ("@" not in email or len(email) > MAX_EMAIL or " " in email):
        problems["email"] = "Type an e-mail address like network@example.org, or leave it empty."
    return problems


def _check_name_free(session: Session, name: str, team_id: uuid.UUID | None) -> None:
    holder = session.exec(
        select(Team).where(func.lower(Team.name) == name.lower(), col(Team.id) != team_id)
        if team_id is not None
        else select(Team).where(func.lower(Team.name) == name.lower())
    ).first()
    if holder is not None:
        raise ValidationError(
            {"name": f"There is already a team called {holder.name}; choose another name."}
        )


def _keep_a_service_desk(session: Session, leaving: Team) -> None:
    """Refuse unsetting ``leaving``'s service-desk flag unless another service-desk team
    remains; the others are locked (PostgreSQL) so two such changes cannot both pass."""
    others = session.exec(
        select(Team.id)
        .where(col(Team.is_service_desk), col(Team.id) != leaving.id)
        .with_for_update()
    ).all()
    if not others:
        raise ValidationError(
            {
                "is_service_desk": f"{leaving.name} is the only service-desk team, and "
                "first-level resolution is counted for tickets resolved there; make another "
                "team the service desk first."
            }
        )


def _changes(team: Team, name: str, email: str, is_service_desk: bool) -> list[str]:
    """What saving would change, in words: "name Network → Networks"."""
    changes = []
    if team.name != name:
        changes.append(f"name {team.name} → {name}")
    if (team.email or "") != email:
        changes.append(f"e-mail {team.email or 'none'} → {email or 'none'}")
    if team.is_service_desk != is_service_desk:
        changes.append("now the service desk" if is_service_desk else "no longer the service desk")
    if changes:
        changes[0] = f"{team.name}: {changes[0]}"
    return changes
