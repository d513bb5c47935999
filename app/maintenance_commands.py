"""``switchboard maintenance ...``: the maintenance calendar outside the window.

``maintenance ics --out FILE [--site CODE]`` writes the schedule as an iCalendar file that
calendar programs subscribe to or import (app/maintenance/ics_export.py);
``maintenance import-ics FILE [--dry-run] [--site CODE] [--owner USERNAME] [--team NAME]``
adds a task for each event of a vendor's calendar, all of them in one transaction or none,
as the person running it (who must manage maintenance); the tasks belong to the owner and
team given, else to that person (app/maintenance/ics_import.py);
``maintenance lists --out FILE [--site CODE]`` writes the overdue list and the next 14 days
as the PDF the calendar page prints (app/maintenance/lists_pdf.py);
``maintenance raise-tickets`` raises the tickets of the occurrences now that many days ahead,
for the tasks the person running it may record (app/maintenance/occurrence_tickets.py); run
it from a scheduler (cron, a systemd timer) where no window is open to raise them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from app.roster_commands import site_id  # the roster's --site, said alike
from app.terminal import terminal_safe

EXIT_OK = 0


def add_maintenance_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``maintenance`` and its tasks; ``add_common`` adds --db, --user and the rest."""
    maintenance = commands.add_parser(
        "maintenance", help="the maintenance calendar: calendar programs, its tickets"
    )
    tasks = maintenance.add_subparsers(dest="task", metavar="TASK", required=True)
    ics = tasks.add_parser(
        "ics", help="write the maintenance schedule as an iCalendar file for calendar programs"
    )
    ics.add_argument("--out", type=Path, required=True, metavar="FILE")
    ics.add_argument("--site", metavar="CODE", help="one site's tasks (default: every site)")
    add_common(ics)
    importing = tasks.add_parser(
        "import-ics", help="add a maintenance task for each event of an iCalendar file"
    )
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument("--dry-run", action="store_true", help="show what would be added only")
    importing.add_argument("--site", metavar="CODE", help="the site of events that name none")
    importing.add_argument(
        "--owner", metavar="USERNAME", help="who does the tasks (default: you, unless --team)"
    )
    importing.add_argument("--team", metavar="NAME", help="the team that does the tasks")
    add_common(importing)
    listing = tasks.add_parser(
        "lists", help="the overdue maintenance and the next 14 days as a PDF to print"
    )
    listing.add_argument("--out", type=Path, required=True, metavar="FILE")
    listing.add_argument("--site", metavar="CODE", help="one site's (default: every site)")
    add_common(listing)
    raising = tasks.add_parser(
        "raise-tickets",
        help="raise the tickets of maintenance occurrences coming up (as the --user login)",
    )
    add_common(raising)


def _ics(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.maintenance.ics_export import export_schedule

    engine = open_database(url)
    try:
        chosen = site_id(engine, args.site) if args.site else None
        written = export_schedule(engine, args.out, chosen)
    finally:
        engine.dispose()
    print(
        f"Wrote {written.tasks:,} maintenance tasks and {written.moved:,} moved occurrences "
        f"to {args.out}"
    )
    return EXIT_OK


def _import_ics(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.identity import login_name
    from app.maintenance.ics_import import Owner, import_schedule
    from app.permissions import staff_id_for

    engine = open_database(url)
    try:
        actor = staff_id_for(engine, login_name(engine, args.user))  # as in the GUI
        result = import_schedule(
            engine,
            args.file,
            actor,
            site_code=args.site,
            owner=Owner(args.owner, args.team),
            dry_run=args.dry_run,
        )
    finally:
        engine.dispose()
    exceptions = f"{result.cancelled:,} occurrences cancelled and {result.moved:,} moved"
    if result.ignored:
        exceptions += f"; {result.ignored:,} cancelled events left out"
    if args.dry_run:
        for task in result.tasks:
            print(terminal_safe(f"  {task}"))
        print(
            f"Dry run: {len(result.tasks):,} tasks would be added ({exceptions}); "
            "nothing was written."
        )
        return EXIT_OK
    print(f"Imported {len(result.tasks):,} maintenance tasks from {args.file} ({exceptions}).")
    return EXIT_OK


def _lists(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.maintenance.calendar import CalendarFilter
    from app.maintenance.lists_pdf import save_lists_pdf
    from models.clock import utcnow

    engine = open_database(url)
    try:
        chosen = site_id(engine, args.site) if args.site else None
        save_lists_pdf(engine, utcnow(), args.out, CalendarFilter(site_id=chosen))
    finally:
        engine.dispose()
    print(f"Wrote the overdue maintenance and the next 14 days to {args.out}")
    return EXIT_OK


def _raise_tickets(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.identity import login_name
    from app.maintenance.occurrence_tickets import raise_due_tickets
    from app.permissions import staff_id_for
    from models.clock import utcnow

    engine = open_database(url)
    try:
        actor = staff_id_for(engine, login_name(engine, args.user))  # as in the GUI
        raised = raise_due_tickets(engine, actor, utcnow())
    finally:
        engine.dispose()
    numbers = f": {', '.join(raised)}" if raised else ""
    print(f"Raised {len(raised):,} maintenance tickets{numbers}.")
    return EXIT_OK


TASKS: dict[str, Callable[[argparse.Namespace, str], int]] = {
    "ics": _ics,
    "import-ics": _import_ics,
    "lists": _lists,
    "raise-tickets": _raise_tickets,
}


def run_maintenance(args: argparse.Namespace, url: str) -> int:
    """Carry out ``maintenance TASK``."""
    return TASKS[args.task](args, url)
