"""Importing assets from an inventory CSV (app/assets/csv_import.py) and ``switchboard
import assets``: mapping, every row's problem on its line, all or nothing, re-imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from app.assets.csv_import import (
    AssetField,
    apply_overrides,
    import_assets,
    plan_import,
    read_table,
    suggest_mapping,
)
from app.audit import recent
from app.csv_table import parse_day
from app.errors import PermissionDenied, SwitchboardError
from models.engine import read_session
from models.enums import AssetKind, AssetStatus
from models.people import Asset
from tests.conftest import Org

INVENTORY = (
    "Asset Tag,Device Type,Manufacturer,Model,Serial Number,Status,Office,Assigned To,"
    "Purchase Date,Warranty End\n"
    "LT-1001,Notebook,Lenovo,ThinkPad T14,SN-1,Deployed,HQ,alice@example.org,2024-03-01,"
    "2027-02-28\n"
    "PR-2001,MFP,HP,LaserJet 4,SN-2,In Stock,New York,,15/01/2025,\n"
)


def _file(tmp_path: Path, text: str, name: str = "inventory.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _assets(engine: Engine) -> dict[str, Asset]:
    with read_session(engine) as session:
        return {a.tag: a for a in session.exec(select(Asset)).all()}


def test_an_mdm_export_maps_itself_and_imports(engine: Engine, org: Org, tmp_path: Path) -> None:
    table = read_table(_file(tmp_path, INVENTORY))
    mapping = suggest_mapping(table.headers)
    assert mapping["Asset Tag"] is AssetField.TAG and mapping["Assigned To"] is AssetField.OWNER
    assert mapping["Office"] is AssetField.SITE and mapping["Warranty End"] is AssetField.WARRANTY

    result = import_assets(engine, table, mapping, org.mia)

    assert (result.created, result.updated, result.skipped) == (2, 0, 0)
    laptop, printer = _assets(engine)["LT-1001"], _assets(engine)["PR-2001"]
    assert (laptop.kind, laptop.status, laptop.owner_id) == (
        AssetKind.LAPTOP,
        AssetStatus.IN_USE,
        org.alice,
    )
    assert (laptop.site_id, laptop.warranty_ends_on) == (org.hq, date(2027, 2, 28))
    assert (printer.kind, printer.status, printer.site_id) == (
        AssetKind.PRINTER,
        AssetStatus.SPARE,
        org.branch,
    )
    assert printer.purchased_on == date(2025, 1, 15)
    assert recent(engine)[0].detail == (
        "Imported inventory.csv: 2 added, 0 changed, 0 rows with problems skipped"
    )


def test_a_re_import_matches_by_tag_or_serial_and_keeps_what_cells_leave_out(
    engine: Engine, org: Org, tmp_path: Path
) -> None:
    table = read_table(_file(tmp_path, INVENTORY))
    import_assets(engine, table, suggest_mapping(table.headers), org.mia)
    again = import_assets(engine, table, suggest_mapping(table.headers), org.mia)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    # The printer's tag was relabelled; its serial finds it. The laptop is in repair now,
    # and its empty cells keep what is stored.
    changed = read_table(
        _file(
            tmp_path,
            "Tag,Serial,Status,Model\nPR-2002,SN-2,,\nLT-1001,,Repair,\n",
            "changes.csv",
        )
    )
    result = import_assets(engine, changed, suggest_mapping(changed.headers), org.mia)
    assert (result.created, result.updated) == (0, 2)
    assets = _assets(engine)
    assert set(assets) == {"LT-0001", "LT-1001", "PR-2002"}
    assert (assets["LT-1001"].status, assets["LT-1001"].model) == (
        AssetStatus.REPAIR,
        "ThinkPad T14",
    )


def test_every_problem_is_on_its_line_and_the_rest_is_imported(
    engine: Engine, org: Org, tmp_path: Path
) -> None:
    text = (
        "Tag,Status,Office,Owner,Purchased,Warranty\n"
        ",Deployed,,,,\n"  # line 2: no tag
        "A-1,Sold,,,,\n"  # 3: unknown status
        "A-2,,Mars,,,\n"  # 4: unknown site
        "A-3,,,nobody@example.org,,\n"  # 5: unknown owner
        "A-4,,,,03/04/2025,\n"  # 6: ambiguous date
        "A-5,,,,2025-06-01,2025-01-01\n"  # 7: warranty before purchase
        "A-6,,,,2099-01-01,\n"  # 8: bought in the future
        "A-7,,,,,\n"  # 9: fine
        "a-7,,,,,\n"  # 10: the same tag again
    )
    table = read_table(_file(tmp_path, text))
    plan = plan_import(engine, table, suggest_mapping(table.headers), today=date(2026, 11, 24))
    problems = {error.line: error.reason for error in plan.errors}
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8, 10]
    assert "no tag" in problems[2]
    assert "status 'Sold' is not known" in problems[3]
    assert "no site has the code or name 'Mars'" in problems[4]
    assert "nobody@example.org" in problems[5]
    assert "could be 3 April or 4 March; write it as 2025-04-03" in problems[6]
    assert "cannot end" in problems[7]
    assert "in the future" in problems[8]
    assert "also on line 9" in problems[10]
    assert [planned.fields.tag for planned in plan.creates] == ["A-7"]

    with pytest.raises(SwitchboardError, match="8 rows have problems, so nothing was imported"):
        import_assets(engine, table, suggest_mapping(table.headers), org.mia, strict=True)
    assert set(_assets(engine)) == {"LT-0001"}  # the org's laptop only
    result = import_assets(engine, table, suggest_mapping(table.headers), org.mia)
    assert (result.created, result.skipped) == (1, 8)


def test_only_a_manager_imports_and_a_refusal_writes_nothing(
    engine: Engine, org: Org, tmp_path: Path
) -> None:
    table = read_table(_file(tmp_path, INVENTORY))
    with pytest.raises(PermissionDenied, match="Only a manager or an admin can import assets"):
        import_assets(engine, table, suggest_mapping(table.headers), org.bob)
    assert set(_assets(engine)) == {"LT-0001"}  # the org's laptop only


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04", date(2026, 3, 4)),
        ("2026-03-04T00:00:00Z", date(2026, 3, 4)),
        ("25/12/2026", date(2026, 12, 25)),
        ("12/25/2026", date(2026, 12, 25)),
        ("04.04.2026", date(2026, 4, 4)),
        ("4 Mar 2026", date(2026, 3, 4)),
        ("Mar 4, 2026", date(2026, 3, 4)),
    ],
)
def test_dates_as_inventories_write_them(text: str, expected: date) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["03/04/2026", "next week", "2026-13-01", "31/02/2026"])
def test_a_date_that_is_unclear_or_wrong_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_day(text)


def test_a_file_without_a_tag_column_asks_for_one(tmp_path: Path) -> None:
    table = read_table(_file(tmp_path, "Name,Serial\nX,1\n"))
    with pytest.raises(SwitchboardError, match=r"No column gives the asset tag.*--map COLUMN"):
        apply_overrides(suggest_mapping(table.headers), [])
    with pytest.raises(SwitchboardError, match="Several columns are imported as tag"):
        apply_overrides(suggest_mapping(table.headers), ["Name=tag", "Serial=tag"])
    mapping = apply_overrides(suggest_mapping(table.headers), ["Name=tag"])
    assert mapping["Name"] is AssetField.TAG
    with pytest.raises(SwitchboardError, match="is no field"):
        apply_overrides(suggest_mapping(table.headers), ["Name=colour"])


def test_hostile_files_are_refused_before_anything_is_read(tmp_path: Path) -> None:
    workbook = tmp_path / "inventory.xlsx.csv"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a spreadsheet, not a CSV file
    with pytest.raises(SwitchboardError, match="not UTF-8 or Windows-1252 text"):
        read_table(workbook)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("Tag,Serial\nA-1,S-1\n".encode("utf-16-le"))
    with pytest.raises(SwitchboardError, match="UTF-16"):
        read_table(utf16)
    open_quote = tmp_path / "quote.csv"
    open_quote.write_text('Tag,Notes\nA-1,"never closed\nA-2,x,y\nA-3,x,y\n', encoding="utf-8")
    with pytest.raises(SwitchboardError, match="quote"):
        read_table(open_quote)


def test_the_command_previews_then_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cli import main

    monkeypatch.setenv("LOGNAME", "ann")
    monkeypatch.setenv("USER", "ann")
    db = tmp_path / "desk.db"
    assert main(["init", "--db", str(db)]) == 0  # ann: its admin
    path = _file(tmp_path, "Tag,Type,Status\nLT-1,Laptop,Spare\nLT-2,Phone,Sold\n")
    assert main(["import", "assets", str(path), "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "To add:     1" in out and "line 3: status 'Sold' is not known" in out
    assert "Dry run: nothing was written." in out
    assert main(["import", "assets", str(path), "--strict", "--db", str(db)]) == 2
    assert "nothing was imported (--strict)" in capsys.readouterr().err
    assert main(["import", "assets", str(path), "--db", str(db)]) == 0
    assert "Imported: 1 added, 0 changed, 0 unchanged, 1 rows with problems skipped." in (
        capsys.readouterr().out
    )
