"""``switchboard vendors ...`` and ``switchboard escalation-pack``: vendors outside the window.

``vendors contracts-ending [--days 90] [--json]`` lists the support contracts that end within
that many days or are inside their renewal notice period, with the last day to give notice
(app/vendors/coverage.py), as of the workstation's today; run it from a scheduler to hear of
them in time. ``escalation-pack TICKET --out FILE.pdf`` writes the one-page pack of a ticket
escalated to a vendor (app/vendors/pack.py); TICKET is its number as people write it
("HQ-000123", "hq123"). Both only read. A bad number, a ticket not escalated, or an output
that cannot be written get one clear line and exit status 2, and leave no file behind;
``contracts-ending`` exits with status 1 when it lists any, so a scheduled job can warn.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import SwitchboardError
from app.terminal import terminal_safe

if TYPE_CHECKING:
    import uuid

    from sqlalchemy import Engine

EXIT_OK, EXIT_FOUND = 0, 1
DEFAULT_DAYS = 90


def add_vendor_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``vendors`` with its tasks and ``escalation-pack``; ``add_common`` adds --db,
    --user and the rest."""
    vendors = commands.add_parser("vendors", help="outside vendors and their support contracts")
    tasks = vendors.add_subparsers(dest="task", metavar="TASK", required=True)
    ending = tasks.add_parser(
        "contracts-ending",
        help="the contracts that end soon or are inside their renewal notice period",
    )
    ending.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"list those ending within N days too (default: {DEFAULT_DAYS})",
    )
    ending.add_argument("--json", action="store_true", help="print the contracts as a JSON list")
    add_common(ending)
    pack = commands.add_parser(
        "escalation-pack", help="a ticket's escalation pack for its vendor, as a one-page PDF"
    )
    pack.add_argument("ticket", metavar="TICKET", help="the ticket's number, such as HQ-000123")
    pack.add_argument("--out", type=Path, required=True, metavar="FILE")
    add_common(pack)


def _contracts_ending(args: argparse.Namespace, url: str) -> int:
    from app.assets.register import day_text, local_today
    from app.db_lifecycle import open_database
    from app.vendors.coverage import contracts_ending

    today = local_today()
    engine = open_database(url)
    try:
        ending = contracts_ending(engine, today, args.days)
    finally:
        engine.dispose()
    if args.json:
        rows = [
            {
                "vendor": contract.vendor_name,
                "number": contract.number,
                "title": contract.title,
                "ends_on": contract.ends_on.isoformat(),
                "days_left": contract.days_left,
                "notice_days": contract.notice_days,
                "notice_by": contract.notice_by.isoformat() if contract.notice_by else None,
                "ends_within_days": contract.ends_within_days,
                "in_notice_period": contract.in_notice_period,
                "why": contract.why,
            }
            for contract in ending
        ]
        # In ASCII: no text from the database reaches the terminal as a control character.
        print(json.dumps(rows, indent=2))
        return EXIT_FOUND if ending else EXIT_OK
    what = f"within {args.days} days or inside their renewal notice period, as of {day_text(today)}"
    if not ending:
        print(f"No contract ends {what}.")
        return EXIT_OK
    print(f"Contracts ending {what}: {len(ending)}")
    for contract in ending:
        named = contract.number + (f" ({contract.title})" if contract.title else "")
        print(
            terminal_safe(
                f"  {day_text(contract.ends_on)}  {contract.vendor_name}  {named}: {contract.why}"
            )
        )
    return EXIT_FOUND


def run_vendors(args: argparse.Namespace, url: str) -> int:
    """Carry out ``vendors TASK``."""
    return TASKS[args.task](args, url)


TASKS: dict[str, Callable[[argparse.Namespace, str], int]] = {
    "contracts-ending": _contracts_ending,
}


def run_escalation_pack(args: argparse.Namespace, url: str) -> int:
    """Carry out ``escalation-pack TICKET --out FILE``."""
    from app.db_lifecycle import open_database
    from app.exports import check_output
    from app.vendors.pack import SUGGESTED_NAME, write_escalation_pack
    from models.clock import utcnow

    out: Path = args.out
    check_output(out, SUGGESTED_NAME)
    if not out.parent.is_dir():
        raise SwitchboardError(
            f"The folder {out.parent} does not exist; make it first or give another one for "
            "the pack."
        )
    engine = open_database(url)
    try:
        ticket_id, number = ticket_numbered(engine, args.ticket)
        write_escalation_pack(engine, ticket_id, out, utcnow())
    finally:
        engine.dispose()
    print(terminal_safe(f"Wrote the escalation pack of {number} to {out}"))
    return EXIT_OK


def ticket_numbered(engine: Engine, text: str) -> tuple[uuid.UUID, str]:
    """The ticket ``text`` names ("HQ-000123", "hq123", or "123" where one site has it) and
    its number, or a refusal that says what to give."""
    from sqlmodel import col, select

    from app.search_terms import number_condition
    from models.engine import read_session
    from models.tickets import Ticket

    condition = number_condition(text.strip())
    if condition is None:
        raise SwitchboardError(
            f"{text!r} is not a ticket number; give it as the ticket shows it, such as HQ-000123."
        )
    with read_session(engine) as session:
        found = session.exec(
            select(col(Ticket.id), col(Ticket.number)).where(condition).order_by(col(Ticket.number))
        ).all()
    if not found:
        raise SwitchboardError(
            f"No ticket is numbered {text.strip()} on this database; check the number (such "
            "as HQ-000123) and the --db it is on."
        )
    if len(found) > 1:
        numbers = ", ".join(number for _id, number in found)
        raise SwitchboardError(
            f"{text.strip()} is the number of several tickets ({numbers}); give it with its "
            "site's prefix."
        )
    return found[0][0], found[0][1]
