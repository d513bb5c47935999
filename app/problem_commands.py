"""``switchboard problems ...``: problem management outside the window.

``problems candidates [--days 90] [--json]`` lists the candidates for a problem that
repeat-incident detection finds among the incidents of the last days given
(app/problems/detection.py), strongest first, each with why and its evidence; exit status 1
when there are any, so a scheduled job can warn. Reading them needs no role, as the queue
they come from needs none: making one into a problem or dismissing it is technician work,
done in the window.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.terminal import terminal_safe

if TYPE_CHECKING:
    from app.problems.detection import Candidate

EXIT_OK, EXIT_FOUND = 0, 1


def _days(text: str) -> int:
    from app.problems.detection import MAX_WINDOW_DAYS

    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of days; give one from 1 to {MAX_WINDOW_DAYS}, e.g. 90"
        )
    return days


def add_problem_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``problems`` and its tasks; ``add_common`` adds --db, --user and the rest."""
    problems = commands.add_parser("problems", help="problem management: candidates for problems")
    tasks = problems.add_subparsers(dest="task", metavar="TASK", required=True)
    candidates = tasks.add_parser(
        "candidates", help="incidents that keep coming back, as candidates for a problem"
    )
    candidates.add_argument(
        "--days", type=_days, default=90, metavar="N", help="look back N days (default 90)"
    )
    candidates.add_argument("--json", action="store_true", help="print JSON for other programs")
    add_common(candidates)


def _as_json(candidate: Candidate) -> dict[str, Any]:
    return {
        "key": candidate.key,
        "rule": candidate.rule.value,
        "rule_label": candidate.rule.label,
        "title": candidate.title,
        "reason": candidate.reason,
        "evidence": list(candidate.evidence),
        "ticket_ids": [str(i) for i in candidate.ticket_ids],
        "asset_ids": [str(i) for i in candidate.asset_ids],
        "category_ids": [str(i) for i in candidate.category_ids],
        "first_at": candidate.first_at.isoformat(),
        "last_at": candidate.last_at.isoformat(),
        "score": candidate.score,
    }


def _candidates(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.problems.detection import find_candidates
    from models.clock import utcnow

    engine = open_database(url)
    try:
        found = find_candidates(engine, utcnow(), window_days=args.days)
    finally:
        engine.dispose()
    if args.json:
        # ASCII only: names and summaries are escaped, so no control character reaches the terminal.
        print(json.dumps([_as_json(candidate) for candidate in found], indent=2))
    elif found:
        print(f"{len(found):,} candidates for a problem in the last {args.days} days:")
        for candidate in found:
            print(terminal_safe(f"  {candidate.rule.label}: {candidate.title}"))
            print(terminal_safe(f"    {candidate.reason}"))
            for line in candidate.evidence:
                print(terminal_safe(f"      {line}"))
    else:
        print(f"No candidates for a problem in the last {args.days} days.")
    return EXIT_FOUND if found else EXIT_OK


TASKS: dict[str, Callable[[argparse.Namespace, str], int]] = {"candidates": _candidates}


def run_problems(args: argparse.Namespace, url: str) -> int:
    """Carry out ``problems TASK``."""
    return TASKS[args.task](args, url)
