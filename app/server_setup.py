"""``switchboard admin setup-postgres``: put a shared server under its own guard.

Run by the database's owner (the login that created it, or a superuser): it upgrades the
schema, creates the groups, grants, policies and triggers (app/server_rules.py), makes the
owner the first admin, and gives every active staff member already in the database a login
in their role's group. Everything in one transaction: a server is set up whole or not at all.
Running it again brings the rules up to date and changes nothing else.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlmodel import Session, col, select

from app.audit import record
from app.db_lifecycle import open_database
from app.identity import login_name
from app.org.teams import join_home_team
from app.server_rules import ServerRulesError, apply, group_name, sync_login
from models.audit import AuditKind
from models.engine import is_sqlite, write_session
from models.enums import StaffRole
from models.migrate import owns_the_schema
from models.org import Staff, Team


def set_up_server(url: str) -> str:
    """Set the server up (see the module's notes); what was done, in words."""
    engine = open_database(url, create=True)
    try:
        if is_sqlite(engine):
            raise ServerRulesError(
                "setup-postgres is for a shared PostgreSQL server. A SQLite file belongs to "
                "one workstation and is guarded by its file permissions; nothing was changed."
            )
        owner = login_name(engine)
        with write_session(engine) as session:
            connection = session.connection()
            _refuse_unless_owner(connection, owner)
            apply(connection)
            _make_admin(session, owner)
            logins = _logins_for_staff(connection, session, owner)
            database = str(connection.execute(text("SELECT current_database()")).scalar())
    finally:
        engine.dispose()
    groups = ", ".join(group_name(database, role) for role in StaffRole)
    return (
        f"The server guards {database} now: groups {groups}; {owner} is its admin.\n"
        f"Logins made or updated for {logins} staff member{'' if logins == 1 else 's'} "
        "already in the database. Give each a password (switchboard admin set-password "
        "USER) unless the server uses Kerberos or certificates, and add new staff with "
        "switchboard admin add-staff USER --role operator."
    )


def _refuse_unless_owner(connection: Connection, login: str) -> None:
    creates_logins = connection.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if not (creates_logins and owns_the_schema(connection)):
        raise ServerRulesError(
            f"{login} does not own this database's tables or may not create logins. Run "
            "setup-postgres as the owner (a login with CREATEROLE that created the database), "
            "or as a superuser. Nothing was changed."
        )


def _make_admin(session: Session, owner: str) -> None:
    """The owner runs the installation: its admin, as the first login of a new database is."""
    staff = session.exec(select(Staff).where(Staff.username == owner)).first()
    if staff is None:
        desk = session.exec(select(Team).where(col(Team.is_service_desk))).first()
        staff = Staff(name=owner, username=owner, team_id=desk.id if desk else None)
        session.add(staff)
    elif staff.role == StaffRole.ADMIN and staff.active:
        return
    staff.role, staff.active = StaffRole.ADMIN, True
    session.flush()
    join_home_team(session, staff)
    record(session, staff.id, AuditKind.ROLE_CHANGED, "Admin of the server it set up", staff.id)


def _logins_for_staff(connection: Connection, session: Session, owner: str) -> int:
    """A login for every active staff member but the owner; how many."""
    people = session.exec(select(Staff).where(col(Staff.active), Staff.username != owner)).all()
    for person in people:
        sync_login(connection, person.username, person.role)
    return len(people)
