"""Managing staff: the directory everyone reads, and the changes only admins make.

Every change checks that its actor may manage staff (:func:`app.permissions.require`) and
writes its audit row (:func:`app.audit.record`) in the same transaction, so the trail holds
exactly the changes that landed. Staff are never deleted: a deactivated staff member keeps
their tickets, events and audit rows, and cannot sign in or change anything until an admin
makes them active again. On a server set up with roles, each change also brings the staff
member's database login in line (:func:`app.server_rules.sync_login`), in the same
transaction: a new login in their role's group, a new group for a new role, no log-in while
deactivated.

The one rule beyond permissions: the database always keeps an active admin. Demoting or
deactivating the last one would leave nobody who could manage staff (nor undo the change),
so it is refused; an admin may demote or deactivate themselves while another remains. The
other admins are read with ``FOR UPDATE`` on PostgreSQL, so two admins demoting each other
at the same moment cannot both succeed; SQLite's write lock at BEGIN serialises them anyway.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import NotFoundError, SwitchboardError, ValidationError
from app.org.teams import join_home_team
from app.permissions import Action, require
from app.server_rules import installed, sync_login
from app.sign_in import hash_password, store_password
from models.audit import AuditKind
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import StaffRole
from models.org import Staff, Team

log = logging.getLogger(__name__)

MAX_USERNAME = 64  # Staff.username's column
MAX_NAME = 120  # Staff.name's column
MAX_EMAIL = 200  # Staff.email's column


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


def list_staff(engine: Engine) -> list[StaffRow]:
    """Every staff member, active or not, sorted by name (ignoring case)."""
    now = utcnow()
    query = (
        select(Staff, Team.name)
        .outerjoin(Team, col(Team.id) == col(Staff.team_id))
        .order_by(func.lower(Staff.name), col(Staff.username))
    )
    with read_session(engine) as session:
        found = session.exec(query).all()
    return [
        StaffRow(
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
        )
        for staff, team in found
    ]


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
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFoundError(
            "That staff member is not on this database any more; refresh the list and choose again."
        )
    return staff


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
