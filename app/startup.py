"""Composition root of the GUI: open the database, know the user, hand over to ui/.

The Qt modules are imported only here, inside the function, so the CLI commands and every
use case stay importable (and testable) without Qt.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from app.config import to_url
from app.context import AppContext
from app.database import open_database
from app.defaults import current_username, ensure_staff
from app.errors import SwitchboardError
from models.db import DatabaseError, sqlite_path

log = logging.getLogger(__name__)

# First-run demo database: big enough to feel real, small enough to build in seconds.
DEMO_CALLERS = 600
DEMO_TICKETS = 5000
DEMO_MONTHS = 6


def _create_demo(path: Path, username: str) -> None:
    """Build the demo file under a temporary name, so an interrupted first run is redone."""
    from app.demo_data import DemoSpec, generate

    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    engine = open_database(to_url(str(partial)))
    try:
        print("Creating the demo database (first run only)...", file=sys.stderr)
        generate(
            engine,
            DemoSpec(callers=DEMO_CALLERS, tickets=DEMO_TICKETS, months=DEMO_MONTHS),
            operator_username=username,
        )
    finally:
        engine.dispose()
    partial.replace(path)


def start_gui(url: str, *, demo: bool = False, username: str | None = None) -> int:
    """Open the database and run the main window until it closes."""
    from ui.app import run_gui
    from ui.errors import install_excepthook, show_startup_error

    install_excepthook()
    username = username or current_username()
    try:
        path = sqlite_path(url)
        if demo and path is not None and not path.exists():
            _create_demo(path, username)
        engine = open_database(url)
        me = ensure_staff(engine, username)
    except (DatabaseError, SwitchboardError) as error:
        log.error("Cannot open %s: %s", url, error)
        show_startup_error(str(error))
        raise
    return run_gui(AppContext(engine=engine, me=me, username=username), sys.argv)
