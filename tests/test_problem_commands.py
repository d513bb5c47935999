"""``switchboard problems candidates``: the candidates as JSON for other programs and as text
for people, exit status 1 when there are any, and a bad number of days refused."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path

import pytest

from app.problem_commands import add_problem_commands, run_problems
from models.engine import write_session
from models.tickets import Ticket
from tests.conftest import NOW, Org, make_org, migrated_database


def parser() -> argparse.ArgumentParser:
    """The command line's parser for ``problems``, its common options reduced to --db."""
    top = argparse.ArgumentParser(prog="switchboard")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    add_problem_commands(commands, lambda sub: sub.add_argument("--db"))
    return top


def run(path: Path, *words: str) -> int:
    args = parser().parse_args(["problems", "candidates", *words, "--db", str(path)])
    return run_problems(args, f"sqlite:///{args.db}")


def database(tmp_path: Path, laptop_incidents: int) -> tuple[Path, Org]:
    """A desk whose laptop had ``laptop_incidents`` incidents a week apart, the last ten
    days ago."""
    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        with write_session(engine) as session:
            for n in range(laptop_incidents):
                at = NOW - timedelta(days=10 + 7 * n)
                session.add(
                    Ticket(
                        number=f"HQ-{n + 1:06d}",
                        site_id=org.hq,
                        asset_id=org.laptop,
                        summary=f"Laptop fan loud ({n + 1})",
                        created_at=at,
                        updated_at=at,
                    )
                )
    return tmp_path / "switchboard.db", org


def test_the_candidates_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, org = database(tmp_path, 3)
    assert run(path, "--json") == 1
    [candidate] = json.loads(capsys.readouterr().out)
    assert candidate["key"] == f"asset:{org.laptop}"
    assert (candidate["rule"], candidate["rule_label"]) == ("asset", "Same asset")
    assert candidate["title"] == "LT-0001 (ThinkPad T14): 3 incidents in 30 days"
    assert candidate["reason"].startswith("LT-0001 (ThinkPad T14) had 3 incidents within 30 days")
    assert len(candidate["ticket_ids"]) == 3 and candidate["asset_ids"] == [str(org.laptop)]
    assert candidate["category_ids"] == []
    assert candidate["first_at"] == (NOW - timedelta(days=24)).isoformat()
    assert candidate["last_at"] == (NOW - timedelta(days=10)).isoformat()
    assert candidate["score"] == 1.0
    # The incidents, oldest first, in the site's local time (London is on GMT in November).
    assert candidate["evidence"][-3:] == [
        "HQ-000003  2026-10-31 10:00  Laptop fan loud (3)",
        "HQ-000002  2026-11-07 10:00  Laptop fan loud (2)",
        "HQ-000001  2026-11-14 10:00  Laptop fan loud (1)",
    ]


def test_the_candidates_as_text_and_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _org = database(tmp_path, 3)
    assert run(path) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "1 candidates for a problem in the last 90 days:"
    assert out[1] == "  Same asset: LT-0001 (ThinkPad T14): 3 incidents in 30 days"
    assert out[-1] == "      HQ-000001  2026-11-14 10:00  Laptop fan loud (1)"
    assert run(path, "--days", "14") == 0  # only one of them in the last 14 days
    assert capsys.readouterr().out == "No candidates for a problem in the last 14 days.\n"
    assert run(path, "--days", "14", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize("days", ["0", "731", "ninety"])
def test_a_bad_number_of_days_is_refused(capsys: pytest.CaptureFixture[str], days: str) -> None:
    with pytest.raises(SystemExit) as usage:
        parser().parse_args(["problems", "candidates", "--days", days])
    assert usage.value.code == 2
    assert "give one from 1 to 730, e.g. 90" in capsys.readouterr().err
