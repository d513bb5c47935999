"""``switchboard roster ...``: the roster outside the window, for scripts and calendars.

``roster ics USERNAME --from DATE --to DATE --out FILE`` writes a person's shifts as an
iCalendar file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

EXIT_OK = 0


def _day(text: str) -> date:
    """A --from/--to date; argparse turns the ValueError into a one-line usage error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30"
        ) from None


def add_roster_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``roster`` and its tasks; ``add_common`` adds --db, --user and the rest."""
    roster = commands.add_parser("roster", help="the staff roster: calendars of shifts")
    tasks = roster.add_subparsers(dest="task", metavar="TASK", required=True)
    ics = tasks.add_parser(
        "ics", help="write a person's shifts as an iCalendar file that calendar programs import"
    )
    ics.add_argument("username", metavar="USERNAME")
    ics.add_argument("--from", dest="first", type=_day, required=True, metavar="DATE")
    ics.add_argument("--to", dest="last", type=_day, required=True, metavar="DATE")
    ics.add_argument("--out", type=Path, required=True, metavar="FILE")
    add_common(ics)


def _ics(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.roster.ics_export import export_person_calendar

    engine = open_database(url)
    try:
        count = export_person_calendar(engine, args.username, args.first, args.last, args.out)
    finally:
        engine.dispose()
    print(f"Wrote {count:,} shifts of {args.username} to {args.out}")
    return EXIT_OK


TASKS: dict[str, Callable[[argparse.Namespace, str], int]] = {"ics": _ics}


def run_roster(args: argparse.Namespace, url: str) -> int:
    """Carry out ``roster TASK``."""
    return TASKS[args.task](args, url)
