"""Who is at the keyboard, as the database knows them.

On a SQLite file (one workstation) it is the operating-system login: only its owner can open
the private file. On the shared server it is the login the server authenticated
(``session_user``): each staff member connects with their own database login (a password
from the libpq password file or typed at start, Kerberos, a certificate), never a shared
one. ``--user`` names someone else only on a database of made-up data (app/startup.py).

On a server set up with roles (``admin setup-postgres``) the login must already be a staff
member: only an admin adds staff there (``admin add-staff``), so an unknown login is refused
rather than added. Elsewhere the first login a database sees becomes its admin and later ones
operators (:func:`app.defaults.ensure_staff`).
"""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, text

from app.config import current_username
from app.defaults import ensure_staff
from app.errors import PermissionDenied
from app.server_rules import installed
from models.engine import is_sqlite, read_connection


def login_name(engine: Engine, given: str | None = None) -> str:
    """``given`` (``--user`` on a demo), else the server's login, else the OS login."""
    if given:
        return given
    if is_sqlite(engine):
        return current_username()
    with read_connection(engine) as connection:
        return str(connection.execute(text("SELECT session_user")).scalar_one())


def staff_for_login(engine: Engine, given: str | None = None) -> tuple[uuid.UUID, str]:
    """The staff id and user name of whoever is at the keyboard (see the module's notes)."""
    with read_connection(engine) as connection:
        guarded = installed(connection)
        if guarded:
            login = str(connection.execute(text("SELECT session_user")).scalar_one())
            found = connection.execute(
                text("SELECT switchboard_staff_id()"),
            ).scalar()
    if not guarded:
        username = login_name(engine, given)
        return ensure_staff(engine, username), username
    if found is None:
        raise PermissionDenied(
            f"Your database login {login} is not an active staff member of this database. "
            f"Ask an admin to add you (switchboard admin add-staff {login} --role operator) "
            "or to make your account active again."
        )
    return uuid.UUID(str(found)), login
