"""``switchboard vendors contracts-ending`` and ``switchboard escalation-pack``
(app/vendor_commands.py): what they print, as text and JSON, the pack written, and one clear
line with exit status 2 for a bad ticket number, a ticket not escalated, a bad --days and an
output that cannot be written. Run through a parser built from the module's own
``add_vendor_commands`` and handled as app/cli.py's ``main`` handles every command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from app.tickets.actions import TicketDraft, create_ticket
from tests.conftest import Org, make_org, migrated_database
from tests.test_escalation_pack import escalated_ticket
from tests.test_roster_pdf import pages_of
from tests.test_vendors import add_contract, add_vendor


def switchboard(*argv: str) -> int:
    return main(list(argv))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[list[str], Org]]:
    """A SQLite database file with the small organisation: its --db option and the org."""
    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        acme = add_vendor(engine, org)
        add_contract(engine, org, acme, number="SC-1", ends_on=date(2026, 12, 24))
        add_contract(engine, org, acme, number="SC-2", ends_on=date(2027, 2, 22), notice_days=120)
        add_contract(engine, org, acme, number="SC-3", ends_on=date(2027, 6, 30), title="")
        yield ["--db", str(tmp_path / "switchboard.db")], org


def test_contracts_ending_are_listed(
    database: tuple[list[str], Org], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _org = database
    assert switchboard("vendors", "contracts-ending", *db) == 1  # 90 days by default; found
    assert capsys.readouterr().out == (
        "Contracts ending within 90 days or inside their renewal notice period, as of "
        "24 Nov 2026: 2\n"
        "  24 Dec 2026  Acme Hardware  SC-1 (Laptop support): ends in 30 days; no notice period\n"
        "  22 Feb 2027  Acme Hardware  SC-2 (Laptop support): ends in 90 days; inside its "
        "120-day notice period: notice was due by 25 Oct 2026\n"
    )
    assert switchboard("vendors", "contracts-ending", "--days", "400", "--json", *db) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [row["number"] for row in rows] == ["SC-1", "SC-2", "SC-3"]
    assert rows[1] == {
        "vendor": "Acme Hardware",
        "number": "SC-2",
        "title": "Laptop support",
        "ends_on": "2027-02-22",
        "days_left": 90,
        "notice_days": 120,
        "notice_by": "2026-10-25",
        "ends_within_days": True,
        "in_notice_period": True,
        "why": "ends in 90 days; inside its 120-day notice period: notice was due by 25 Oct 2026",
    }
    assert rows[2]["notice_by"] is None and rows[2]["title"] == ""


def test_no_contract_ending_is_said(
    database: tuple[list[str], Org], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _org = database
    assert switchboard("vendors", "contracts-ending", "--days", "0", *db) == 1
    out = capsys.readouterr().out
    assert out.startswith("Contracts ending within 0 days") and "SC-2" in out
    assert "SC-1" not in out
    assert switchboard("vendors", "contracts-ending", "--days", "-3", *db) == 2
    assert capsys.readouterr().err == (
        "switchboard: days: Give the days ahead as 0 or more, not -3.\n"
    )


def test_none_ending_is_said_with_exit_status_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with migrated_database("sqlite", tmp_path) as engine:
        make_org(engine)
    assert switchboard("vendors", "contracts-ending", "--db", str(tmp_path / "switchboard.db")) == 0
    assert capsys.readouterr().out.startswith("No contract ends within 90 days")


def test_the_escalation_pack_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        ticket = escalated_ticket(engine, org)
    db = ["--db", str(tmp_path / "switchboard.db")]
    out = tmp_path / "pack.pdf"
    assert switchboard("escalation-pack", "hq-1", "--out", str(out), *db) == 0
    assert capsys.readouterr().out == f"Wrote the escalation pack of {ticket.number} to {out}\n"
    [text] = pages_of(out.read_bytes())
    assert "CS-004512" in text and "PF-3XK9Q2" in text


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("HQ-999999", "No ticket is numbered HQ-999999 on this database; check the number"),
        ("printer", "'printer' is not a ticket number; give it as the ticket shows it"),
        ("NY-000001", "No ticket is numbered NY-000001"),
    ],
)
def test_a_bad_ticket_number_is_refused_in_one_line(
    database: tuple[list[str], Org],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    number: str,
    said: str,
) -> None:
    db, _org = database
    out = tmp_path / "pack.pdf"
    assert switchboard("escalation-pack", number, "--out", str(out), *db) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"switchboard: {said}") and err.count("\n") == 1
    assert not out.exists()


def test_a_ticket_not_escalated_or_a_bad_output_is_refused(
    database: tuple[list[str], Org], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, org = database
    with migrated_database("sqlite", tmp_path) as engine:
        ticket = create_ticket(engine, TicketDraft(summary="Printer", site_id=org.hq), org.ann)
    out = tmp_path / "pack.pdf"
    assert switchboard("escalation-pack", ticket.number, "--out", str(out), *db) == 2
    assert capsys.readouterr().err == (
        f"switchboard: {ticket.number} has not been escalated to a vendor: escalate it first, "
        "then make its pack.\n"
    )
    assert not out.exists()
    assert switchboard("escalation-pack", ticket.number, "--out", str(tmp_path), *db) == 2
    assert "is a folder; give a file name" in capsys.readouterr().err
    missing = tmp_path / "nowhere" / "pack.pdf"
    assert switchboard("escalation-pack", ticket.number, "--out", str(missing), *db) == 2
    assert f"The folder {missing.parent} does not exist" in capsys.readouterr().err
    # Digits alone name the ticket where only one site has that number.
    assert switchboard("escalation-pack", "1", "--out", str(out), *db) == 2
    assert "HQ-000001 has not been escalated" in capsys.readouterr().err
