"""Reference data every database needs before the first ticket can be logged.

A brand-new database gets SLA targets per priority, the 3x3 priority matrix, one site in the
workstation's time zone and a service-desk team, so an operator can log a call at once;
its first admin is then offered the set-up assistant (app/org/first_run.py) to make them
the organisation's own. Existing rows are never changed.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.org.teams import join_home_team
from app.roster.shift_types import seed_shift_types
from app.tickets.priority import DEFAULT_MATRICES, save_matrix
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import Priority, StaffRole
from models.org import PriorityRule, Setting, Site, SlaPolicy, Staff, Team
from models.roster import ShiftType

log = logging.getLogger(__name__)

# The site a new database starts with, until someone sets up their own (app/org/first_run.py).
FIRST_SITE_CODE, FIRST_SITE_NAME = "HQ", "Main office"

# A new database waits for its set-up under this key (app/org/first_run.py keeps the step).
SET_UP_KEY = "first_run.step"

# (response, resolution) in business minutes; P1 runs around the clock.
DEFAULT_SLA_MINUTES: dict[Priority, tuple[int, int]] = {
    Priority.CRITICAL: (15, 4 * 60),
    Priority.HIGH: (60, 8 * 60),
    Priority.MEDIUM: (4 * 60, 3 * 9 * 60),
    Priority.LOW: (8 * 60, 5 * 9 * 60),
}


def local_timezone_name() -> str:
    """The workstation's IANA time zone name, or UTC when it cannot be told."""
    tzinfo = utcnow().astimezone().tzinfo
    key = getattr(tzinfo, "key", None)
    if key:
        return str(key)
    try:
        link = Path("/etc/localtime").resolve()
        return "/".join(link.parts[link.parts.index("zoneinfo") + 1 :])
    except (OSError, ValueError):
        return "UTC"


def seed_sla_and_matrix(session: Session) -> None:
    """Default SLA policies, priority matrix and shift types where none exist yet."""
    if session.exec(select(SlaPolicy)).first() is None:
        for priority, (response, resolution) in DEFAULT_SLA_MINUTES.items():
            session.add(
                SlaPolicy(
                    priority=priority,
                    name=priority.label,
                    response_minutes=response,
                    resolution_minutes=resolution,
                    around_the_clock=priority == Priority.CRITICAL,
                )
            )
    if session.exec(select(PriorityRule)).first() is None:
        save_matrix(session, DEFAULT_MATRICES[3])
    seed_shift_types(session)


def _has_defaults(engine: Engine) -> bool:
    with read_session(engine) as session:
        return all(
            session.exec(select(model)).first() is not None
            for model in (SlaPolicy, PriorityRule, Site, Team, ShiftType)
        )


def ensure_defaults(engine: Engine) -> None:
    """Give an empty database what it needs to log the first ticket.

    Checked with a read first: every start-up asks, and only a new database needs the
    write (and its wait for the write lock and a disk flush)."""
    if _has_defaults(engine):
        return
    with write_session(engine) as session:
        seed_sla_and_matrix(session)
        if session.exec(select(Site)).first() is None:  # a new database: to be set up
            session.add(
                Site(code=FIRST_SITE_CODE, name=FIRST_SITE_NAME, timezone=local_timezone_name())
            )
            if session.get(Setting, SET_UP_KEY) is None:
                session.add(Setting(key=SET_UP_KEY, value=""))
        if session.exec(select(Team)).first() is None:
            session.add(Team(name="Service desk", is_service_desk=True))


def ensure_staff(engine: Engine, username: str, display_name: str | None = None) -> uuid.UUID:
    """The staff id for ``username``, adding them to the service desk on first use.

    The first person a database knows is the one who created it (``init``, the first start,
    ``demo-data``): they become its admin, so someone can manage staff and roles. Anyone
    added after them is an operator until an admin gives them another role. Checked and
    added in one write transaction, so two first starts cannot both become the admin.

    A database made before there were admins has none: the next login to start Switchboard
    on it becomes its admin, so an upgrade never leaves a desk that nobody may manage. On a
    SQLite file that is its owner (only the owner can open the private file). A server set
    up with ``admin setup-postgres`` never comes here: its owner is its admin and only
    admins add staff (app/identity.py)."""
    with read_session(engine) as session:
        known = session.exec(select(Staff.id).where(Staff.username == username)).first()
        needs_admin = _has_no_admin(session)
    if known is not None and not needs_admin:
        return known
    with write_session(engine) as session:
        staff = session.exec(select(Staff).where(Staff.username == username)).first()
        first = session.exec(select(Staff.id).limit(1)).first() is None
        if staff is None:
            desk = session.exec(select(Team).where(Team.is_service_desk)).first()
            staff = Staff(
                name=display_name or username,
                username=username,
                role=StaffRole.OPERATOR,
                team_id=desk.id if desk else None,
            )
            session.add(staff)
            session.flush()
            join_home_team(session, staff)
        if first or _has_no_admin(session):
            if not first:
                log.info("%s becomes the admin of a database that had none", username)
            staff.role = StaffRole.ADMIN
            staff.active = True
        session.flush()
        return staff.id


def _has_no_admin(session: Session) -> bool:
    admin = select(Staff.id).where(Staff.role == StaffRole.ADMIN, col(Staff.active)).limit(1)
    return session.exec(admin).first() is None


def staff_name_and_role(engine: Engine, staff_id: uuid.UUID) -> tuple[str, str]:
    """Who is at the keyboard, in words: their name and role ("Ann Operator", "Operator")."""
    with read_session(engine) as session:
        staff = session.get(Staff, staff_id)
        return (staff.name, staff.role.label) if staff is not None else ("", "")
