"""``switchboard roster ...``: the roster outside the window, for scripts and calendars.

``roster ics USERNAME --from DATE --to DATE --out FILE`` writes a person's shifts as an
iCalendar file; ``roster gaps --week 2026-W49 [--site CODE] [--json]`` lists the hours a
site's desk has fewer people than its minimum (exit status 1 when there are any, so a
scheduled job can warn); ``roster pdf --week 2026-W49 [--site CODE] --out FILE`` prints the
week as a landscape PDF, as the roster page does.
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import SwitchboardError
from app.roster.local_time import week_code
from app.terminal import day_option

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXIT_OK, EXIT_GAPS = 0, 1


def _week(text: str) -> date:
    """An ISO week ("2026-W49") as its Monday."""
    try:
        year, week = text.strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a week; write it as YYYY-Www, e.g. 2026-W49"
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
    ics.add_argument("--from", dest="first", type=day_option, required=True, metavar="DATE")
    ics.add_argument("--to", dest="last", type=day_option, required=True, metavar="DATE")
    ics.add_argument("--out", type=Path, required=True, metavar="FILE")
    add_common(ics)
    gaps = tasks.add_parser(
        "gaps", help="the hours a desk has fewer people than its minimum, in a week"
    )
    gaps.add_argument("--week", type=_week, required=True, metavar="YYYY-Www")
    gaps.add_argument("--site", metavar="CODE", help="one site only (default: every site)")
    gaps.add_argument("--json", action="store_true", help="print JSON for other programs")
    add_common(gaps)
    pdf = tasks.add_parser(
        "pdf", help="a week of the roster as a landscape PDF to print: people by days"
    )
    pdf.add_argument("--week", type=_week, required=True, metavar="YYYY-Www")
    pdf.add_argument(
        "--site", metavar="CODE", help="one site's people and desk (default: every site)"
    )
    pdf.add_argument("--out", type=Path, required=True, metavar="FILE")
    add_common(pdf)


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


def _gaps(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.roster.week import week

    engine = open_database(url)
    try:
        chosen = site_id(engine, args.site) if args.site else None
        found = [gap for gap in week(engine, args.week).gaps if chosen in (None, gap.site_id)]
    finally:
        engine.dispose()
    label = week_code(args.week)
    if args.json:
        print(
            json.dumps(
                {
                    "week": label,
                    "gaps": [
                        {
                            "site": gap.site_code,
                            "starts": gap.starts.isoformat(),
                            "ends": gap.ends.isoformat(),
                            "people": gap.people,
                            "minimum": gap.minimum,
                        }
                        for gap in found
                    ],
                },
                indent=2,
            )
        )
    elif found:
        print(f"{len(found)} gaps in the desk's cover in {label}:")
        for gap in found:
            print(f"  {gap.text}")
    else:
        print(f"No gaps in the desk's cover in {label}.")
    return EXIT_GAPS if found else EXIT_OK


def _pdf(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.roster.pdf import save_roster_pdf

    engine = open_database(url)
    try:
        chosen = site_id(engine, args.site) if args.site else None
        save_roster_pdf(engine, args.week, args.out, chosen)
    finally:
        engine.dispose()
    print(f"Wrote the roster of {week_code(args.week)} to {args.out}")
    return EXIT_OK


def site_id(engine: Engine, code: str) -> uuid.UUID:
    """The site a ``--site CODE`` names (any case), or a refusal listing the codes there are:
    public so every command's ``--site`` is read and refused alike."""
    from sqlmodel import select

    from models.engine import read_session
    from models.org import Site

    with read_session(engine) as session:
        sites = session.exec(select(Site.id, Site.code)).all()
    found = [found_id for found_id, site_code in sites if site_code.lower() == code.strip().lower()]
    if not found:
        codes = ", ".join(sorted(site_code for _id, site_code in sites))
        raise SwitchboardError(f"No site has the code {code!r}; the sites are {codes}.")
    return found[0]


TASKS: dict[str, Callable[[argparse.Namespace, str], int]] = {
    "ics": _ics,
    "gaps": _gaps,
    "pdf": _pdf,
}


def run_roster(args: argparse.Namespace, url: str) -> int:
    """Carry out ``roster TASK``."""
    return TASKS[args.task](args, url)
