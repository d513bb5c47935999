"""``switchboard admin ...``: running the installation from the command line (admins only).

- ``sign-in on|off`` and ``set-password USER``: Switchboard's own sign-in (app/sign_in.py);
  on a server set up with roles, ``set-password`` sets the staff member's database login
  password instead (hashed on this side, never sent in the clear).
- ``add-staff USER --role R``: a new staff member; on such a server also their login, in
  their role's group.
- ``setup-postgres``: the server's groups, grants, policies and triggers (app/server_rules.py),
  run by the database's owner, who becomes its first admin.
- ``migrate``: upgrade the schema (on a server: by the owner; staff logins are refused).
- ``erase-caller ID_OR_EMAIL``: erase a caller's personal data (app/callers/erase.py).

Each task checks the permission before asking for anything (a password typed for nothing),
and the service checks again in its own transaction.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.errors import SwitchboardError
from models.enums import StaffRole

if TYPE_CHECKING:  # the parser is built at every start, before the window: keep it light
    from sqlalchemy import Engine

    from app.permissions import Action

ROLE_NAMES = {role.name.lower(): role for role in StaffRole}


def add_admin_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``admin`` and its tasks; ``add_common`` adds --db, --user and the rest."""
    admin = commands.add_parser("admin", help="administer the database (admins only)")
    tasks = admin.add_subparsers(dest="task", metavar="TASK", required=True)
    sign_in = tasks.add_parser(
        "sign-in",
        help="on: everyone signs in with a Switchboard name and password (for operators who "
        "share one OS account); off: your login is who you are",
    )
    sign_in.add_argument("state", choices=["on", "off"])
    password = tasks.add_parser(
        "set-password",
        help="set or reset a staff member's password; typed at the prompt, or read from "
        "standard input when that is not a terminal",
    )
    password.add_argument("username", metavar="USERNAME")
    staff = tasks.add_parser(
        "add-staff", help="add a staff member (on a shared server: also their database login)"
    )
    staff.add_argument("username", metavar="USERNAME")
    staff.add_argument("--role", choices=list(ROLE_NAMES), required=True)
    staff.add_argument("--name", help="their full name (default: the user name)")
    staff.add_argument("--email")
    staff.add_argument(
        "--password",
        action="store_true",
        help="also set a password (asked for; on a server, for their database login)",
    )
    tasks.add_parser(
        "setup-postgres",
        help="create the shared server's roles and grants (run as the database's owner)",
    )
    tasks.add_parser("migrate", help="upgrade the database's schema (on a server: as its owner)")
    erase = tasks.add_parser(
        "erase-caller", help="erase a caller's personal data on their request (cannot be undone)"
    )
    erase.add_argument("caller", metavar="ID_OR_EMAIL")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    for parser in tasks.choices.values():
        add_common(parser)


def run_admin(args: argparse.Namespace, url: str) -> int:
    """Run ``admin TASK``; the exit status."""
    from app.db_lifecycle import open_database
    from app.startup import user_option_problem

    problem = user_option_problem(url, demo=False, username=args.user)
    if problem is not None:
        raise SwitchboardError(problem)
    if args.task == "setup-postgres":
        return _setup_postgres(url)
    engine = open_database(url)
    try:
        return _TASKS[args.task](engine, args)
    finally:
        engine.dispose()


def _me(engine: Engine, args: argparse.Namespace, action: Action | None = None) -> uuid.UUID:
    """The admin running the command, refused before anything is asked if not allowed
    (``action``; managing staff where none is named)."""
    from app.identity import login_name
    from app.permissions import Action, require_now, staff_id_for

    me = staff_id_for(engine, login_name(engine, args.user))
    require_now(engine, me, action or Action.MANAGE_STAFF)
    return me


def _sign_in(engine: Engine, args: argparse.Namespace) -> int:
    from app.identity import login_name
    from app.sign_in import set_sign_in_required

    required = args.state == "on"
    set_sign_in_required(engine, login_name(engine, args.user), required)
    print(
        "Switchboard now asks everyone for their name and password."
        if required
        else "Switchboard no longer asks for a password: the login is who works here."
    )
    return 0


def _set_password(engine: Engine, args: argparse.Namespace) -> int:
    from app.staff import reset_password, staff_named

    me = _me(engine, args)
    staff_id = staff_named(engine, args.username)
    reset_password(engine, me, staff_id, read_password(args.username))
    print(f"The password of {args.username} is set; a lock-out, if any, is lifted.")
    return 0


def _add_staff(engine: Engine, args: argparse.Namespace) -> int:
    from app.sign_in import check_password
    from app.staff import add_staff, reset_password

    me = _me(engine, args)
    password = read_password(args.username) if args.password else None
    if password is not None:
        check_password(password)  # before the staff member is added without one
    role = ROLE_NAMES[args.role]
    staff_id = add_staff(
        engine,
        me,
        username=args.username,
        name=args.name or args.username,
        role=role,
        email=args.email,
    )
    if password is not None:
        reset_password(engine, me, staff_id, password)
    print(f"Added {args.username} as {role.label.lower()}.")
    return 0


def _migrate(engine: Engine, args: argparse.Namespace) -> int:
    from models.migrate import schema_state

    # open_database has upgraded it (or refused a login that may not).
    print(f"The schema is current (version {schema_state(engine).current}).")
    return 0


def _erase_caller(engine: Engine, args: argparse.Namespace) -> int:
    from app.callers.erase import erase_caller, find_caller
    from app.permissions import Action

    me = _me(engine, args, Action.ERASE_PERSONAL_DATA)
    caller_id, name = find_caller(engine, args.caller)
    if not args.yes:
        if not sys.stdin.isatty():
            raise SwitchboardError("Add --yes to erase without being asked; nothing was changed.")
        answer = input(f"Erase the personal data of {name}? This cannot be undone. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 0
    events = erase_caller(engine, me, caller_id)
    print(f"Erased the personal data of {name} ({events} values in their tickets' trail).")
    return 0


def _setup_postgres(url: str) -> int:
    from app.server_setup import set_up_server

    report = set_up_server(url)
    print(report)
    return 0


def read_password(username: str) -> str:
    """A new password, never from the command line (where other users and the shell
    history would see it): typed twice at a terminal, else the first line of stdin."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(f"New password for {username}: ")
    if getpass.getpass("Type it again: ") != password:
        raise SwitchboardError("The two passwords differ; nothing was changed.")
    return password


_TASKS: dict[str, Callable[[Engine, argparse.Namespace], int]] = {
    "sign-in": _sign_in,
    "set-password": _set_password,
    "add-staff": _add_staff,
    "migrate": _migrate,
    "erase-caller": _erase_caller,
}
