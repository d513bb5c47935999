"""Composition root of the GUI: show the window, open the database beside it, hand over.

Only Qt and light modules stand between the command and a painted window: the database
layer (SQLAlchemy, SQLModel, the tables) is imported and opened by :func:`open_session` on a
worker thread while the window already says "Opening the database…". The Qt modules are
imported inside :func:`start_gui`, so CLI commands and use cases stay importable without Qt.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import asks_for_password, current_username

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.context import AppContext, SignInNeeded

# First-run demo database: big enough to feel real, small enough to build in seconds.
DEMO_CALLERS = 600
DEMO_TICKETS = 5000
DEMO_MONTHS = 6


def _create_demo(path: Path, username: str) -> None:
    """Build the demo file; it appears under its name only once complete, so an
    interrupted first run is redone."""
    from app.db_lifecycle import create_database
    from app.demo import DemoSpec, generate

    def fill(engine: Engine) -> None:
        print("Creating the demo database (first run only)...", file=sys.stderr)
        generate(
            engine,
            DemoSpec(callers=DEMO_CALLERS, tickets=DEMO_TICKETS, months=DEMO_MONTHS),
            operator_username=username,
        )

    create_database(path, fill)


def open_session(
    url: str,
    *,
    demo: bool,
    username: str | None = None,
    password: str | None = None,
    remember: bool = False,
) -> AppContext | SignInNeeded:
    """Open (creating, migrating, filling a first demo as needed) and know the user: the
    login (app/identity.py; ``username`` where ``--user`` may name someone), or whoever signs
    in where the database asks for a Switchboard sign-in.

    ``password`` is for the server login, where the person typed it (kept in the system
    keyring if ``remember``); without one, a server that asks for it gets the keyring's
    (app/server_password.py)."""
    from app.context import AppContext, SignInNeeded
    from app.defaults import staff_name_and_role
    from app.identity import staff_for_login
    from app.sign_in import sign_in_required
    from models.engine import sqlite_path, with_password

    if password is not None:
        url = with_password(url, password)
    path = sqlite_path(url)
    if demo and path is not None and not path.exists():
        _create_demo(path, username or current_username())
    engine = _open_server_aware(url, typed=password is not None)
    if remember and password is not None:
        from app.server_password import remember_password

        remember_password(url, password)
    try:
        if sign_in_required(engine):  # the shared login is nobody's: not added as staff
            return SignInNeeded(engine)
        me, username = staff_for_login(engine, username)
        name, role = staff_name_and_role(engine, me)
    except Exception:
        engine.dispose()
        raise
    return AppContext(engine=engine, me=me, username=username, name=name, role=role)


def _open_server_aware(url: str, *, typed: bool) -> Engine:
    """:func:`app.db_lifecycle.open_database`, trying the keyring's password once where
    the server refuses a log-in without one (a typed password is never swapped for it)."""
    from app.db_lifecycle import open_database
    from app.server_password import kept_password_for
    from models.engine import with_password

    try:
        return open_database(url, create=True)
    except Exception as refusal:
        kept = None if typed else kept_password_for(url, refusal)
        if kept is None:
            raise
    return open_database(with_password(url, kept), create=True)


NO_DISPLAY = (
    "No display was found, so the window cannot be shown. Switchboard is a desktop program: "
    "start it from a desktop session (DISPLAY or WAYLAND_DISPLAY is set there), or over SSH "
    "with 'ssh -X'. The commands (check, lookup, import, backup...) work without one."
)


def display_problem(environment: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why the window cannot be shown, before Qt aborts the process with a message of its
    own (exit 134); None when a display is there or Qt was told another platform."""
    if not platform.startswith("linux"):
        return None
    if any(environment.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return NO_DISPLAY


USER_ONLY_ON_DEMO = (
    "--user works only on a demo database; Switchboard uses your login ({login}) here."
)


def _made_by_demo_data(url: str, *, demo: bool) -> bool:
    """Whether ``url`` is a database made by ``demo-data`` (or about to be: the first start
    with ``--demo``). A plain SQLite file is read with sqlite3 alone, so the window is not
    kept waiting for SQLAlchemy."""
    from models.facts import MADE_BY, MADE_BY_DEMO_DATA, read_fact_from_file

    prefix = "sqlite:///"
    if url.startswith(prefix) and "?" not in url:
        path = Path(url.removeprefix(prefix))
        if not path.exists():
            return demo
        return read_fact_from_file(path, MADE_BY) == MADE_BY_DEMO_DATA
    from models.engine import make_engine
    from models.facts import read_fact
    from models.migrate import schema_state

    engine = make_engine(url)
    try:
        if schema_state(engine).is_empty:
            return demo
        return read_fact(engine, MADE_BY) == MADE_BY_DEMO_DATA
    finally:
        engine.dispose()


def user_option_problem(url: str, *, demo: bool, username: str | None) -> str | None:
    """Why ``--user username`` is refused on ``url``, or None where it may be used.

    The login of this workstation is who works here: the audit trail records it. Naming
    someone else is for databases of made-up data only (demos, benchmarks, tests)."""
    login = current_username()
    if username is None or username == login or _made_by_demo_data(url, demo=demo):
        return None
    return USER_ONLY_ON_DEMO.format(login=login)


def start_gui(
    url: str,
    *,
    demo: bool = False,
    username: str | None = None,
    call_number: str | None = None,
) -> int:
    """Run the main window until it closes; returns the exit status. With ``call_number``
    the window takes that call as soon as the database is open (``switchboard call``)."""
    problem = display_problem(os.environ) or user_option_problem(url, demo=demo, username=username)
    if problem is not None:
        print(f"switchboard: {problem}", file=sys.stderr)
        return 2
    from ui.kit.errors import install_excepthook
    from ui.shell.application import run_gui

    install_excepthook()

    def opener(password: str | None = None, remember: bool = False) -> AppContext | SignInNeeded:
        return open_session(url, demo=demo, username=username, password=password, remember=remember)

    return run_gui(
        opener, sys.argv, call_number=call_number, may_ask_password=asks_for_password(url)
    )
