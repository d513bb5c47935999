"""``switchboard export``: reference data as formula-safe CSV, written whole or not at all,
never over a database."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.cli import main
from app.exports import export, safe_cell
from models.engine import write_session
from models.enums import AssetStatus
from models.org import Category, SiteClosure, TeamMember
from models.people import Asset, Caller
from tests.conftest import Org


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0018", "'+44 20 7946 0018"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Plain", "Plain"),
        (None, ""),
        (3, "3"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_stays_text(value: object, written: str) -> None:
    assert safe_cell(value) == written


def test_each_kind_is_exported_with_its_header(engine: Engine, org: Org, tmp_path: Path) -> None:
    with write_session(engine) as s:
        s.add(
            SiteClosure(
                site_id=org.hq,
                first_day=date(2026, 12, 24),
                last_day=date(2026, 12, 26),
                reason="Holidays",
            )
        )
        s.add(TeamMember(team_id=org.desk, staff_id=org.ann))
        s.add(Category(name="Wi-Fi", parent_id=org.wan, default_impact=2))
        evil = Caller(name="=cmd|' /C calc'!A0", email="evil@example.org")
        s.add(evil)
        s.flush()
        s.add(
            Asset(
                tag="LT-0002",
                make="Lenovo",
                model="T14",
                owner_id=evil.id,
                status=AssetStatus.SPARE,
                warranty_ends_on=date(2027, 1, 31),
            )
        )
    counts = {
        kind: export(engine, kind, tmp_path / f"{kind}.csv")
        for kind in ("sites", "teams", "categories", "assets")
    }
    assert counts == {"sites": 2, "teams": 2, "categories": 3, "assets": 2}

    sites = _rows(tmp_path / "sites.csv")
    assert sites[0][:4] == ["code", "name", "address", "time zone"]
    hq = next(row for row in sites if row[0] == "HQ")
    assert hq[4].startswith("Mon 08:00-17:00") and hq[7] == "2026-12-24..2026-12-26 Holidays"
    teams = _rows(tmp_path / "teams.csv")
    assert ["Service desk", "", "yes", "ann"] in teams
    categories = _rows(tmp_path / "categories.csv")
    assert ["Wi-Fi", "Network outage", "", "2", "", "no"] in categories
    assets = _rows(tmp_path / "assets.csv")
    spare = next(row for row in assets if row[0] == "LT-0002")
    assert spare[5] == "Spare" and spare[8] == "'=cmd|' /C calc'!A0" and spare[11] == "2027-01-31"


def test_an_export_never_writes_over_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "desk.db"
    assert main(["init", "--db", str(db)]) == 0
    before = db.read_bytes()
    assert main(["export", "sites", "--out", str(db), "--db", str(db)]) == 2
    assert "never writes over one" in capsys.readouterr().err
    assert db.read_bytes() == before
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA quick_check").fetchone() == ("ok",)


def test_the_command_says_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "desk.db"
    assert main(["init", "--db", str(db)]) == 0
    out = tmp_path / "sites.csv"
    assert main(["export", "sites", "--out", str(out), "--db", str(db)]) == 0
    assert f"Exported 1 sites to {out}" in capsys.readouterr().out
    assert _rows(out)[1][0] == "HQ"
    assert not list(tmp_path.glob("*.partial-*"))
    assert main(["export", "teams", "--out", str(tmp_path), "--db", str(db)]) == 2
    assert "is a folder" in capsys.readouterr().err
