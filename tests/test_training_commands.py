"""The training log outside the window: certifications running out (exit status 1 when there
are any, JSON for other programs) and the import of a learning-system export, checked in a
dry run first, written once, refused in one line when it cannot be read."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from app.training.completions import record_completion
from app.training.courses import CourseDraft, save_course
from models.enums import CompletionResult
from tests.conftest import make_org, migrated_database

EXPORT = (
    "Username,Course,Completed on,Result,Certificate\n"
    "bob,ITIL 4 Foundation,2026-10-01,Passed,IT4F-1\n"
    "ann,ITIL 4 Foundation,2026-10-02,Failed,\n"
    "zed,ITIL 4 Foundation,2026-10-03,Passed,\n"
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A database with the small organisation, ITIL (3 years) and fire safety (1 year), the
    command run as Mia the manager."""
    monkeypatch.setenv("LOGNAME", "mia")
    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        save_course(engine, org.mia, CourseDraft("ITIL 4 Foundation", validity_months=36))
        fire = save_course(engine, org.mia, CourseDraft("Fire safety", validity_months=12))
        # Bob's fire safety is valid until 15 Dec 2026: 21 days after the tests' today.
        record_completion(
            engine, org.mia, org.bob, fire, date(2025, 12, 15), CompletionResult.PASSED
        )
    return ["--db", str(tmp_path / "switchboard.db")]


def test_expiring_lists_what_runs_out_and_exits_1(
    db: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["training", "expiring", "--days", "60", *db]) == 1
    out = capsys.readouterr().out
    assert out.startswith("1 certifications run out within 60 days:")
    assert "2026-12-15  Bob Tech: Fire safety (21 days left)" in out
    assert main(["training", "expiring", "--json", *db]) == 1
    [item] = json.loads(capsys.readouterr().out)
    assert (item["staff"], item["course"], item["expires_on"]) == (
        "Bob Tech",
        "Fire safety",
        "2026-12-15",
    )
    assert main(["training", "expiring", "--days", "7", *db]) == 0
    assert "No certification runs out within 7 days." in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["training", "expiring", "--days", "soon", *db])
    assert "give one from 0 to" in capsys.readouterr().err


def test_import_is_checked_in_a_dry_run_then_written_once(
    db: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "lms.csv"
    export.write_text(EXPORT, encoding="utf-8")
    assert main(["training", "import", str(export), "--dry-run", *db]) == 0
    out = capsys.readouterr().out
    assert "To add:           2" in out and "Rows with errors: 1" in out
    assert "line 4: no staff member has the user name, e-mail or name 'zed'" in out
    assert "Dry run: nothing was written." in out
    assert main(["training", "import", str(export), *db]) == 0
    assert "Imported: 2 added, 0 recorded already, 1 rows with problems skipped" in (
        capsys.readouterr().out
    )
    assert main(["training", "import", str(export), *db]) == 0  # the same file again
    assert "Imported: 0 added, 2 recorded already" in capsys.readouterr().out
    assert main(["training", "import", str(export), "--strict", *db]) == 2
    assert "nothing was imported" in capsys.readouterr().err


def test_a_file_without_a_course_column_is_refused_in_one_line(
    db: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "lms.csv"
    export.write_text("Username,Completed on\nbob,2026-10-01\n", encoding="utf-8")
    assert main(["training", "import", str(export), *db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("switchboard: ") and err.count("\n") == 1
    assert "Username, Completed on" in err
