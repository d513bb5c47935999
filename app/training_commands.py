"""``switchboard training ...``: the training log outside the window.

``training expiring [--days 60] [--json]`` lists the certifications that run out within the
days given (exit status 1 when there are any, so a scheduled job can warn);
``training import FILE [--dry-run] [--strict]`` records the completions of an LMS export,
all of them in one transaction, as the person running it (who must be a manager or admin).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from app.terminal import print_row_errors, terminal_safe

EXIT_OK, EXIT_FOUND = 0, 1
MAX_DAYS = 3660


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of days; give one from 0 to {MAX_DAYS}, e.g. 60"
        )
    return days


def add_training_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``training`` and its tasks; ``add_common`` adds --db, --user and the rest."""
    training = commands.add_parser("training", help="the training log: expiring certifications")
    tasks = training.add_subparsers(dest="task", metavar="TASK", required=True)
    expiring = tasks.add_parser(
        "expiring", help="certifications of active staff that run out within the days given"
    )
    expiring.add_argument("--days", type=_days, default=60, metavar="N")
    expiring.add_argument("--json", action="store_true", help="print JSON for other programs")
    add_common(expiring)
    importing = tasks.add_parser(
        "import", help="record the completions of a learning-system CSV export"
    )
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument("--dry-run", action="store_true", help="show what would change only")
    importing.add_argument(
        "--strict", action="store_true", help="import nothing if any row has a problem"
    )
    add_common(importing)


def _expiring(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.training.matrix import expiring_soon

    engine = open_database(url)
    try:
        found = expiring_soon(engine, args.days)
    finally:
        engine.dispose()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "staff": item.staff,
                        "course": item.course,
                        "completed_on": item.completed_on.isoformat(),
                        "expires_on": item.expires_on.isoformat(),
                        "days_left": item.days_left,
                    }
                    for item in found
                ],
                indent=2,
            )
        )
    elif found:
        print(f"{len(found)} certifications run out within {args.days} days:")
        for item in found:
            print(
                terminal_safe(
                    f"  {item.expires_on.isoformat()}  {item.staff}: {item.course} "
                    f"({item.days_left} days left)"
                )
            )
    else:
        print(f"No certification runs out within {args.days} days.")
    return EXIT_FOUND if found else EXIT_OK


def _import(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.errors import SwitchboardError
    from app.identity import login_name
    from app.permissions import staff_id_for
    from app.training.csv_import import (
        import_completions,
        mapping_problem,
        plan_import,
        read_table,
        suggest_mapping,
    )

    table = read_table(args.file)
    mapping = suggest_mapping(table.headers)
    problem = mapping_problem(mapping)
    if problem:
        raise SwitchboardError(
            f"{problem} The columns are {', '.join(table.headers)}; name them as the "
            "learning system exports them (person or e-mail, course, date, result)."
        )
    print(f"File:      {table.path}")
    print(f"Encoding:  {table.encoding_label}, {table.delimiter_label}-separated")
    print(f"Rows:      {len(table.rows):,} below the header on line {table.header_line}")
    engine = open_database(url)
    try:
        if args.dry_run:
            plan = plan_import(engine, table, mapping)
            print(f"To add:           {len(plan.adds):,}")
            print(f"Recorded already: {plan.recorded:,}")
            print_row_errors(plan.errors)
            print("Dry run: nothing was written.")
            return EXIT_OK
        actor = staff_id_for(engine, login_name(engine, args.user))  # as in the GUI
        result = import_completions(engine, table, mapping, actor, strict=args.strict)
    finally:
        engine.dispose()
    print_row_errors(result.errors)
    print(
        f"Imported: {result.added:,} added, {result.recorded:,} recorded already, "
        f"{result.skipped:,} rows with problems skipped, {result.skills_raised:,} skills raised."
    )
    return EXIT_OK


TASKS: dict[str, Callable[[argparse.Namespace, str], int]] = {
    "expiring": _expiring,
    "import": _import,
}


def run_training(args: argparse.Namespace, url: str) -> int:
    """Carry out ``training TASK``."""
    return TASKS[args.task](args, url)
