"""Managing staff: the directory everyone reads, the details managers keep, and the changes
only admins make.

The directory (:func:`list_staff`, :func:`search_staff`) is a few hundred people at most,
read whole in one session and searched here: name, user name, e-mail, phone digits, teams and
skills. A person's details (:class:`StaffDetails`: phone, home site, contracted time, teams)
are the managers' to keep (:data:`Action.EDIT_STAFF_DETAILS`, the roster plans with them);
roles, passwords and deactivation stay with admins (:data:`Action.MANAGE_STAFF`).

Every change checks its actor's permission (:func:`app.permissions.require`) and
writes its audit row (:func:`app.audit.record`) in the same transaction, so the trail holds
exactly the changes that landed. Staff are never deleted: a deactivated staff member keeps
their tickets, events, shifts and audit rows, is offered in no picker, and cannot sign in or
change anything until an admin makes them active again. On a server set up with roles, each
admin's change also brings the staff member's database login in line
(:func:`app.server_rules.sync_login`), in the same transaction: a new login in their role's
group, a new group for a new role, no log-in while deactivated.

The one rule beyond permissions: the database always keeps an active admin. Demoting or
deactivating the last one would leave nobody who could manage staff (nor undo the change),
so it is refused; an admin may demote or deactivate themselves while another remains. The
other admins are read with ``FOR UPDATE`` on PostgreSQL, so two admins demoting each other
at the same moment cannot both succeed; SQLite's write lock at BEGIN serialises them anyway.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import phonenumbers
from sqlalchemy import Engine, delete, func
from sqlmodel import Session, col, select

from app.audit import record
from app.callers.lookup import clean
from app.callers.phones import (
    DEFAULT_REGION,
    phone_digits,
    phone_fragments,
    site_phone_region,
)
from app.callers.quick_create import MIN_PHONE_DIGITS
from app.errors import NotFoundError, SwitchboardError, ValidationError
from app.org.teams import join_home_team
from app.permissions import Action, require
from app.rows import existing, gone
from app.server_rules import installed, sync_login
from app.sign_in import hash_password, store_password
from app.training.skills import SkillLevel, replace_staff_skills
from models.audit import AuditKind
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import StaffRole
from models.org import Site, Staff, Team, TeamMember
from models.roster import Skill, StaffSkill

log = logging.getLogger(__name__)

MAX_USERNAME = 64  # Staff.username's column
MAX_NAME = 120  # Staff.name's column
MAX_EMAIL = 200  # Staff.email's column
MAX_PHONE = 40  # Staff.phone's column
MAX_WEEKLY_MINUTES = 80 * 60  # contracted time a week: nobody is contracted for more
# Hours a week as typed: "37.5" (or "37,5") and "37:30" are the same contract.
_DECIMAL_HOURS = re.compile(r"\d{1,3}(?:[.,]\d+)?")
_CLOCK_HOURS = re.compile(r"(\d{1,3}):([0-5]\d)")


@dataclass(frozen=True)
class StaffRow:
    """One staff member as the directory shows them."""

    id: uuid.UUID
    name: str
    username: str
    email: str  # "" where none is known
    role: StaffRole
    team: str  # the team's name, "" for none
    active: bool
    has_password: bool  # a Switchboard password is set (app/sign_in.py)
    locked_until: datetime | None  # the end of a sign-in lock-out still running, else None
    phone: str = ""  # as saved (:func:`save_staff_details`), "" where none is known
    home_site: str = ""  # the home site's code, "" for none
    teams: tuple[str, ...] = ()  # the teams they are in, by name
    skills: tuple[SkillLevel, ...] = ()  # by skill name
    contracted_minutes: int | None = None  # a week; None where no contract is recorded


@dataclass(frozen=True)
class StaffDetails:
    """A person's details as a manager keeps them. ``phone`` as typed; ``contracted_minutes``
    the contracted time a week (typed as hours in a form: :func:`minutes_from_hours`), None
    where none is recorded; ``team_ids`` every team they are in (their home team, set when
    they were added, is not changed here)."""

    phone: str = ""
    home_site_id: uuid.UUID | None = None
    contracted_minutes: int | None = None
    team_ids: frozenset[uuid.UUID] = frozenset()
    skills: Mapping[uuid.UUID, int] | None = None  # skill id -> level 1-3; None: as they are


def list_staff(engine: Engine) -> list[StaffRow]:
    """Every staff member, active or not, sorted by name (ignoring case), with their teams
    and skills: one session, three queries, however many people."""
    with read_session(engine) as session:
        return [row for row, _region in _directory(session)]


def search_staff(engine: Engine, text: str, include_inactive: bool = False) -> list[StaffRow]:
    """The directory rows ``text`` finds, sorted by name: each of its words in the name,
    user name, e-mail, role, phone digits, a team's or a skill's name (ignoring case); or, when
    ``text`` is a phone number however written ("020 7946 0018", "+44 20 7946..."), the
    people whose phone holds it, read as :mod:`app.callers.phones` reads callers' numbers (in
    the person's home site's region). Deactivated people only with ``include_inactive``;
    empty text finds everyone."""
    words = clean(text).casefold().split()
    with read_session(engine) as session:
        rows = _directory(session)
    fragments: dict[str, list[str]] = {}  # per phone region, the digits the text stands for
    found = []
    for row, region in rows:
        if not (row.active or include_inactive):
            continue
        if region not in fragments:
            fragments[region] = phone_fragments(text, region)  # [] for text that is no number
        if _matches(row, words, fragments[region]):
            found.append(row)
    return found


def _matches(row: StaffRow, words: list[str], phone_terms: list[str]) -> bool:
    digits = phone_digits(row.phone)
    if digits and any(term in digits for term in phone_terms):
        return True
    haystack = " ".join(
        (
            row.name,
            row.username,
            row.email,
            row.role.label,
            digits,
            *row.teams,
            *(skill.name for skill in row.skills),
        )
    ).casefold()
    return all(word in haystack for word in words)


def _directory(session: Session) -> list[tuple[StaffRow, str]]:
    """Every staff member's row by name, each with the phone region of their home site
    (the region their number was typed in)."""
    now = utcnow()
    people = session.exec(
        select(Staff, Team.name)
        .outerjoin(Team, col(Team.id) == col(Staff.team_id))
        .order_by(func.lower(Staff.name), col(Staff.username))
    ).all()
    sites = {site.id: site for site in session.exec(select(Site)).all()}
    teams: defaultdict[uuid.UUID, list[str]] = defaultdict(list)
    for staff_id, name in session.exec(
        select(TeamMember.staff_id, Team.name)
        .join(Team, col(Team.id) == col(TeamMember.team_id))
        .order_by(func.lower(Team.name))
    ).all():
        teams[staff_id].append(name)
    skills: defaultdict[uuid.UUID, list[SkillLevel]] = defaultdict(list)
    for staff_id, skill_id, name, level in session.exec(
        select(StaffSkill.staff_id, Skill.id, Skill.name, StaffSkill.level)
        .join(Skill, col(Skill.id) == col(StaffSkill.skill_id))
        .order_by(func.lower(Skill.name))
    ).all():
        skills[staff_id].append(SkillLevel(skill_id, name, level))
    rows = []
    for staff, team in people:
        home = sites.get(staff.home_site_id) if staff.home_site_id is not None else None
        row = StaffRow(
            id=staff.id,
            name=staff.name,
            username=staff.username,
            email=staff.email or "",
            role=staff.role,
            team=team or "",
            active=staff.active,
            has_password=staff.password_hash is not None,
            locked_until=staff.locked_until
            if staff.locked_until is not None and staff.locked_until > now
            else None,
            phone=staff.phone or "",
            home_site=home.code if home is not None else "",
            teams=tuple(teams[staff.id]),
            skills=tuple(skills[staff.id]),
            contracted_minutes=staff.contracted_minutes,
        )
        rows.append((row, site_phone_region(home) if home is not None else DEFAULT_REGION))
    return rows


def add_staff(
    engine: Engine,
    actor_id: uuid.UUID,
    *,
    username: str,
    name: str,
    role: StaffRole,
    email: str | None = None,
) -> uuid.UUID:
    """Add an active staff member to the service-desk team (as app.defaults.ensure_staff
    does); refuses a user name that is empty, too long, has spaces or is taken, with a
    problem per field (``username``, ``name``, ``email``)."""
    username, name = username.strip(), " ".join(name.split())
    email = (email or "").strip() or None
    problems = _new_staff_problems(username, name, email)
    if problems:
        raise ValidationError(problems)
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_STAFF)
        holder = session.exec(
            select(Staff).where(func.lower(Staff.username) == username.lower())
        ).first()
        if holder is not None:
            raise ValidationError(
                {
                    "username": f"The user name {holder.username!r} is taken by {holder.name}; "
                    "choose another (their initials and a number, say)."
                }
            )
        desk = session.exec(select(Team).where(col(Team.is_service_desk))).first()
        staff = Staff(
            name=name,
            username=username,
            email=email,
            role=role,
            team_id=desk.id if desk else None,
        )
        session.add(staff)
        session.flush()
        join_home_team(session, staff)
        sync_login(session.connection(), username, role)
        record(
            session,
            actor_id,
            AuditKind.STAFF_ADDED,
            f"Added {name} ({username}) as {role.label}",
            subject_id=staff.id,
        )
        log.info("Staff member %s added as %s", username, role.label)
        return staff.id


def change_role(engine: Engine, actor_id: uuid.UUID, staff_id: uuid.UUID, role: StaffRole) -> None:
    """Give ``staff_id`` another role; the same role again writes nothing."""
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_STAFF)
        staff = _staff(session, staff_id)
        if staff.role == role:
            return
        if staff.role == StaffRole.ADMIN and role != StaffRole.ADMIN:
            _keep_an_admin(session, staff, f"Changing {staff.name}'s role to {role.label}")
        record(
            session,
            actor_id,
            AuditKind.ROLE_CHANGED,
            f"{staff.role.label} → {role.label}",
            subject_id=staff.id,
        )
        staff.role = role
        sync_login(session.connection(), staff.username, role, active=staff.active)
    log.info("Role of %s changed to %s", staff.username, role.label)


def deactivate(engine: Engine, actor_id: uuid.UUID, staff_id: uuid.UUID) -> None:
    """Stop ``staff_id`` from signing in and changing anything; their history stays."""
    _set_active(engine, actor_id, staff_id, False)


def reactivate(engine: Engine, actor_id: uuid.UUID, staff_id: uuid.UUID) -> None:
    """Let a deactivated staff member work again, in the role they had."""
    _set_active(engine, actor_id, staff_id, True)


def reset_password(engine: Engine, actor_id: uuid.UUID, staff_id: uuid.UUID, password: str) -> None:
    """Set ``staff_id``'s password; it also lifts a sign-in lock-out. On a server set up
    with roles it is their database login's password (app/server_rules.py), which is what
    they connect with there."""
    hashed: str | None = hash_password(password)  # slow by design: before the write lock
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_STAFF)
        staff = _staff(session, staff_id)
        connection = session.connection()
        if installed(connection):
            sync_login(
                connection, staff.username, staff.role, active=staff.active, password=password
            )
            hashed = None
        store_password(session, actor_id, staff, hashed)


def staff_named(engine: Engine, username: str) -> uuid.UUID:
    """The staff member with user name ``username``; refuses an unknown name."""
    with read_session(engine) as session:
        found = session.exec(select(Staff.id).where(Staff.username == username.strip())).first()
    if found is None:
        raise NotFoundError(
            f"There is no staff member {username!r} on this database; check the user name "
            "(the Staff page lists them)."
        )
    return found


# -- a person's details (managers) --------------------------------------------------------------


def staff_details(engine: Engine, staff_id: uuid.UUID) -> StaffDetails:
    """``staff_id``'s details as saved, to fill the form that changes them."""
    with read_session(engine) as session:
        staff = _staff(session, staff_id)
        teams = session.exec(select(TeamMember.team_id).where(TeamMember.staff_id == staff_id))
        return StaffDetails(
            phone=staff.phone or "",
            home_site_id=staff.home_site_id,
            contracted_minutes=staff.contracted_minutes,
            team_ids=frozenset(teams.all()),
        )


def save_staff_details(
    engine: Engine, actor_id: uuid.UUID, staff_id: uuid.UUID, details: StaffDetails
) -> None:
    """Save ``staff_id``'s phone, home site, contracted time, teams and (where given) skills,
    in one transaction; a save that changes nothing writes nothing. Every problem is reported
    at once at its field (``phone``, ``home_site``, ``hours``, ``teams``, ``levels``) and
    nothing is saved.

    A phone number that :mod:`app.callers.phones` reads as a whole number in the home site's
    region is saved in international form ("020 7946 0018" in London becomes "+44 20 7946
    0018"), so the on-call list shows a number anyone can dial from any site; anything else
    (an extension "4567") is kept as typed, up to :data:`MAX_PHONE` characters."""
    problems = _detail_problems(details)
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_STAFF_DETAILS)
        staff = _staff(session, staff_id)
        site = session.get(Site, details.home_site_id) if details.home_site_id is not None else None
        if details.home_site_id is not None and site is None:
            problems["home_site"] = "That site is not on this database any more; choose another."
        teams = {t.id: t for t in session.exec(select(Team)).all()}
        current = set(
            session.exec(select(TeamMember.team_id).where(TeamMember.staff_id == staff_id)).all()
        )
        _team_problems(staff, details.team_ids, current, teams, problems)
        phone = _saved_phone(details.phone, site_phone_region(site) if site else DEFAULT_REGION)
        if problems:
            raise ValidationError(problems)
        joining, leaving = details.team_ids - current, current - details.team_ids
        changes = _detail_changes(
            (staff.phone, _site_code(session, staff.home_site_id), staff.contracted_minutes),
            (phone, site.code if site else None, details.contracted_minutes),
            joined=sorted(teams[t].name for t in joining),
            left=sorted(teams[t].name for t in leaving),
        )
        if details.skills is not None:
            changes += replace_staff_skills(session, staff_id, details.skills)
        if not changes:
            return
        staff.phone, staff.home_site_id = phone, details.home_site_id
        staff.contracted_minutes = details.contracted_minutes
        session.add_all(TeamMember(team_id=t, staff_id=staff_id) for t in joining)
        if leaving:
            session.execute(
                delete(TeamMember).where(
                    col(TeamMember.staff_id) == staff_id, col(TeamMember.team_id).in_(leaving)
                )
            )
        detail = f"{staff.name}: " + "; ".join(changes)
        record(session, actor_id, AuditKind.STAFF_CHANGED, detail, subject_id=staff.id)
    log.info("%s", detail)


def minutes_from_hours(text: str) -> int | None:
    """The minutes of contracted time a week typed as hours: "37.5", "37,5" and "37:30"
    are all 2250; empty text is None (no contract recorded). Refuses anything else at the
    ``hours`` field."""
    typed = text.strip()
    if not typed:
        return None
    clock = _CLOCK_HOURS.fullmatch(typed)
    if clock is not None:
        return int(clock[1]) * 60 + int(clock[2])
    if _DECIMAL_HOURS.fullmatch(typed) is not None:
        return round(Decimal(typed.replace(",", ".")) * 60)
    raise ValidationError(
        {
            "hours": f"{typed!r} is no number of hours; type them like 37.5 or 37:30, or leave "
            "it empty."
        }
    )


def hours_text(minutes: int | None) -> str:
    """Contracted minutes a week as hours, as :func:`minutes_from_hours` reads them back:
    "37.5", "40", "37:20" (not a quarter hour); "" for None."""
    if minutes is None:
        return ""
    if minutes % 15:
        return f"{minutes // 60}:{minutes % 60:02d}"
    return f"{minutes / 60:g}"


def _detail_problems(details: StaffDetails) -> dict[str, str]:
    """What is wrong with the typed values on their own, by field; empty if nothing."""
    problems: dict[str, str] = {}
    phone = clean(details.phone)
    if phone and len(phone_digits(phone)) < MIN_PHONE_DIGITS:
        problems["phone"] = (
            "A phone number needs at least three digits (an extension such as 4567 will do), "
            "or leave it empty."
        )
    elif len(phone) > MAX_PHONE:
        problems["phone"] = f"The number has {len(phone)} characters; use at most {MAX_PHONE}."
    minutes = details.contracted_minutes
    if minutes is not None and not 0 <= minutes <= MAX_WEEKLY_MINUTES:
        problems["hours"] = (
            f"{hours_text(minutes)} hours a week is not a contract; type 0 to "
            f"{hours_text(MAX_WEEKLY_MINUTES)}, or leave it empty."
        )
    return problems


def _team_problems(
    staff: Staff,
    wanted: frozenset[uuid.UUID],
    current: set[uuid.UUID],
    teams: dict[uuid.UUID, Team],
    problems: dict[str, str],
) -> None:
    """Unknown teams, and new teams for someone deactivated (a deactivated person takes no
    tickets, so joins no team: the rule of :func:`app.org.teams.set_members`)."""
    if wanted - teams.keys():
        problems["teams"] = (
            "A team chosen is not on this database any more; refresh and choose again."
        )
    elif wanted - current and not staff.active:
        problems["teams"] = (
            f"{staff.name} is deactivated; reactivate them on the Staff page before adding "
            "them to a team."
        )


def _saved_phone(typed: str, region: str) -> str | None:
    """``typed`` as it is saved: in international form when ``phonenumbers`` reads it as a
    whole possible number in ``region`` (the rule of
    :func:`app.callers.phones.canonical_digits`, so its digits are those a caller's number is
    stored with), else as typed; None when empty."""
    phone = clean(typed)
    if not phone:
        return None
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return phone
    if (
        phonenumbers.is_possible_number_with_reason(parsed)
        != phonenumbers.ValidationResult.IS_POSSIBLE
    ):
        return phone
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return international if len(international) <= MAX_PHONE else phone


def _site_code(session: Session, site_id: uuid.UUID | None) -> str | None:
    site = session.get(Site, site_id) if site_id is not None else None
    return site.code if site is not None else None


def _detail_changes(
    before: tuple[str | None, str | None, int | None],
    after: tuple[str | None, str | None, int | None],
    *,
    joined: list[str],
    left: list[str],
) -> list[str]:
    """What saving changes, in words: "phone none → +44 20 7946 0018", "joined Network"."""
    changes = []
    labels = ("phone", "home site", "hours a week")
    shown = [
        (before[0], after[0]),
        (before[1], after[1]),
        (hours_text(before[2]) or None, hours_text(after[2]) or None),
    ]
    for label, (old, new) in zip(labels, shown, strict=True):
        if old != new:
            changes.append(f"{label} {old or 'none'} → {new or 'none'}")
    if joined:
        changes.append("joined " + ", ".join(joined))
    if left:
        changes.append("left " + ", ".join(left))
    return changes


def _set_active(engine: Engine, actor_id: uuid.UUID, staff_id: uuid.UUID, active: bool) -> None:
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_STAFF)
        staff = _staff(session, staff_id)
        if staff.active == active:
            return
        if not active and staff.role == StaffRole.ADMIN:
            _keep_an_admin(session, staff, f"Deactivating {staff.name}")
        staff.active = active
        sync_login(session.connection(), staff.username, staff.role, active=active)
        kind = AuditKind.STAFF_REACTIVATED if active else AuditKind.STAFF_DEACTIVATED
        verb = "Reactivated" if active else "Deactivated"
        record(session, actor_id, kind, f"{verb} {staff.name}", subject_id=staff.id)
    log.info("%s %s", "Reactivated" if active else "Deactivated", staff.username)


def _staff(session: Session, staff_id: uuid.UUID) -> Staff:
    return existing(session, Staff, staff_id, gone("staff member"))


def _keep_an_admin(session: Session, leaving: Staff, change: str) -> None:
    """Refuse ``change`` unless an active admin other than ``leaving`` remains. The other
    admins' rows are locked (PostgreSQL), so a concurrent demotion waits for this one."""
    others = session.exec(
        select(Staff.id)
        .where(
            Staff.role == StaffRole.ADMIN,
            col(Staff.active),
            col(Staff.id) != leaving.id,
        )
        .with_for_update()
    ).all()
    if not others:
        raise SwitchboardError(
            f"{change} would leave nobody who can manage staff; make someone else an admin first."
        )


def _new_staff_problems(username: str, name: str, email: str | None) -> dict[str, str]:
    """What is wrong with a new staff member's fields, by field; empty if nothing."""
    problems: dict[str, str] = {}
    if not username:
        problems["username"] = "Type a user name: the login they start Switchboard with."
    elif len(username) > MAX_USERNAME:
        problems["username"] = (
            f"The user name has {len(username)} characters; use at most {MAX_USERNAME}."
        )
    elif any(character.isspace() for character in username):
        problems["username"] = (
            "A user name has no spaces; join the words (bea.brown) or use the login name."
        )
    if not name:
        problems["name"] = "Type the person's name, as colleagues know them."
    elif len(name) > MAX_NAME:
        problems["name"] = f"The name has {len(name)} characters; use at most {MAX_NAME}."
    if email is not None and ("@" not in email or len(email) > MAX_EMAIL):
        problems["email"] = "Type an e-mail address like bea@example.org, or leave it empty."
    return problems
