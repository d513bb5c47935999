"""The maintenance commands, run as a person would from a terminal."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from app import config
from app.cli import main
from app.db_lifecycle import open_database
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import write_session
from models.enums import StaffRole
from models.migrate import head_revision
from models.org import Site, Staff
from tests.conftest import RunningClock


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path, tickets: int = 3) -> None:
    engine = open_database(config.to_url(str(path)), create=True)
    with write_session(engine) as session:
        site_id = session.exec(select(Site)).one().id
        login = config.current_username()  # who made the database: its admin
        admin = session.exec(select(Staff).where(col(Staff.username) == login)).first()
        if admin is None:
            admin = Staff(name="Ada Admin", username=login, role=StaffRole.ADMIN)
            session.add(admin)
            session.flush()
        admin_id = admin.id
    for n in range(tickets):
        create_ticket(engine, TicketDraft(summary=f"Problem {n}", site_id=site_id), admin_id)
    engine.dispose()


def corrupt(path: Path) -> None:
    """Scribble over the middle of the file, as a failing disk would."""
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


def test_database_url_precedence(tmp_path: Path) -> None:
    env = {config.ENV_DB: str(tmp_path / "env.db")}
    assert config.database_url(str(tmp_path / "cli.db"), env=env).endswith("/cli.db")
    assert config.database_url(None, env=env).endswith("/env.db")
    assert config.database_url(None, env={}).endswith("/switchboard.db")
    assert config.database_url(None, demo=True, env=env).endswith("/demo.db")
    url = "postgresql+psycopg://desk@db.example/switchboard"
    assert config.database_url(url, env=env) == url


def test_check_prints_version_and_row_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=3)
    assert main(["check", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Integrity:      ok" in out
    assert f"Schema version: {head_revision()} (current)" in out
    assert "ticket" in out and "           3" in out


def test_check_refuses_a_file_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 500)
    before = digest(path)
    assert main(["--db", str(path), "check"]) == 2
    assert "not a SQLite database" in capsys.readouterr().err
    assert digest(path) == before


def test_check_reports_a_damaged_file_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=60)
    corrupt(path)
    before = digest(path)
    assert main(["check", "--db", str(path)]) != 0
    captured = capsys.readouterr()
    assert "DAMAGED" in captured.out or "cannot be read" in captured.err
    assert digest(path) == before


def test_damaged_file_is_never_opened_for_writing(tmp_path: Path) -> None:
    from app.db_lifecycle import check_database
    from models.engine import DatabaseError

    path = tmp_path / "desk.db"
    make_db(path, tickets=60)
    corrupt(path)
    before = digest(path)
    try:
        report = check_database(config.to_url(str(path)))
        assert not report.ok
    except DatabaseError:
        pass
    assert digest(path) == before


def test_backup_then_restore_round_trip_keeps_current_file_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=2)
    backup = tmp_path / "backups" / "monday.db"
    assert main(["backup", "--db", str(path), "--out", str(backup)]) == 0
    make_db(path, tickets=3)  # more work after the backup
    assert main(["restore", str(backup), "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "kept as" in out
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM ticket").fetchone()[0] == 2
    aside = next(tmp_path.glob("desk.replaced-*.db"))
    with sqlite3.connect(aside) as connection:
        assert connection.execute("SELECT count(*) FROM ticket").fetchone()[0] == 5


def test_backup_refuses_to_overwrite_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    assert main(["backup", "--db", str(path), "--out", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("content", [b"", b"hello world" * 100])
def test_restore_refuses_a_bad_source_and_keeps_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=2)
    before = digest(path)
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    assert main(["restore", str(bad), "--db", str(path)]) == 2
    assert "Nothing was restored" in capsys.readouterr().err
    assert digest(path) == before
    assert not list(tmp_path.glob("desk.replaced-*"))


def test_restore_refuses_a_damaged_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=2)
    damaged = tmp_path / "damaged.db"
    make_db(damaged, tickets=60)
    corrupt(damaged)
    before = digest(path)
    assert main(["restore", str(damaged), "--db", str(path)]) == 2
    assert "Nothing was restored" in capsys.readouterr().err
    assert digest(path) == before


def test_backup_of_postgres_points_to_pg_dump(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert main(["backup", "--db", url, "--out", str(tmp_path / "x.db")]) == 2
    assert "pg_dump" in capsys.readouterr().err


# ----------------------------------------------------------------------------- demo-data

DEMO = ["demo-data", "--callers", "20", "--tickets", "40", "--months", "1", "--seed", "5"]


def dump(path: Path) -> dict[str, list[str]]:
    """Every row of every table, sorted; ids of the reference rows replaced by their names.

    A new database starts with a site, a team, SLA policies, a priority matrix and shift
    types under random ids (the generator then reuses them), so those ids differ between any
    two files.
    """
    connection = sqlite3.connect(path)
    try:
        names: dict[Any, str] = {}
        for query in (
            "SELECT id, 'site ' || code FROM site",
            "SELECT id, 'team ' || name FROM team",
            "SELECT id, 'sla ' || priority FROM sla_policy",
            "SELECT id, 'rule ' || impact || urgency FROM priority_rule",
            "SELECT id, 'shift type ' || name FROM shift_type",
        ):
            names.update(connection.execute(query).fetchall())
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            table: sorted(
                repr(tuple(names.get(value, value) for value in row))
                for row in connection.execute(f'SELECT * FROM "{table}"')
            )
            for table in tables
        }
    finally:
        connection.close()


def newest_and_oldest_ticket(path: Path) -> tuple[datetime, datetime]:
    with sqlite3.connect(path) as connection:
        newest, oldest = connection.execute(
            "SELECT max(created_at), min(created_at) FROM ticket"
        ).fetchone()
    return (
        datetime.fromisoformat(newest).replace(tzinfo=UTC),
        datetime.fromisoformat(oldest).replace(tzinfo=UTC),
    )


def test_demo_data_as_of_gives_the_same_database_on_any_day(
    tmp_path: Path, clock: RunningClock
) -> None:
    clock.set(datetime(2026, 12, 4, 9, 15, tzinfo=UTC))
    assert main([*DEMO, "--as-of", "2026-11-30", "--db", str(tmp_path / "a.db")]) == 0
    clock.set(datetime(2027, 7, 19, 23, 40, tzinfo=UTC))
    assert main([*DEMO, "--as-of", "2026-11-30", "--db", str(tmp_path / "b.db")]) == 0
    first, second = dump(tmp_path / "a.db"), dump(tmp_path / "b.db")
    assert len(first["ticket"]) == 40 and len(first["ticket_event"]) > 40
    assert first == second
    # The period ends on that day at 16:00 UTC, whatever the clock says.
    end = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    newest, oldest = newest_and_oldest_ticket(tmp_path / "a.db")
    assert end - timedelta(days=31) <= oldest <= newest < end


def test_demo_data_without_as_of_ends_now(tmp_path: Path, clock: RunningClock) -> None:
    today = datetime(2027, 7, 19, 23, 40, tzinfo=UTC)
    clock.set(today)
    assert main([*DEMO, "--db", str(tmp_path / "now.db")]) == 0
    newest, oldest = newest_and_oldest_ticket(tmp_path / "now.db")
    assert today - timedelta(days=31) <= oldest <= newest < today + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("30/11/2026", "write it as YYYY-MM-DD, e.g. 2026-11-30"),
        ("2026-11-30T17:00", "write it as YYYY-MM-DD, e.g. 2026-11-30"),
        ("2026-02-30", "day is out of range for month"),
        ("", "write it as YYYY-MM-DD"),
        ("0026-11-30", "choose a day from 2000-01-01 to 2099-12-31"),
    ],
)
def test_demo_data_refuses_a_date_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, says: str
) -> None:
    path = tmp_path / "demo.db"
    assert main([*DEMO, "--as-of", text, "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "switchboard: --as-of:" in err and says in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_module_and_console_script_both_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--help"], capture_output=True, text=True, check=True
    )
    assert "check" in result.stdout and "demo-data" in result.stdout
    script = Path(sys.executable).with_name("switchboard")
    if script.exists():
        result = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
        assert "backup" in result.stdout


# ------------------------------------------------------------ the first hour at the prompt


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out.startswith("switchboard ")


@pytest.mark.parametrize(
    "args",
    [["lookup", "ada", "--demo"], ["--demo", "lookup", "ada"], ["lookup", "--demo", "ada", "-v"]],
)
def test_common_options_work_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(args) == 2  # no demo database yet: it says so, and names the demo file
    err = capsys.readouterr().err
    assert "There is no Switchboard database at" in err and "demo.db" in err


def test_lookup_with_no_hits_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    assert main(["lookup", "zzyzx", "--db", str(path), "--user", "bob"]) == 0
    assert capsys.readouterr().out == "No caller matches 'zzyzx'.\n"


def test_without_a_display_the_window_says_so_in_plain_words(tmp_path: Path) -> None:
    """Qt would abort the process (exit 134) with a message about platform plugins."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(tmp_path / "desk.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert "No display was found" in result.stderr and "ssh -X" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "desk.db").exists()


def test_a_display_or_another_platform_lets_the_window_start() -> None:
    from app.startup import display_problem

    assert display_problem({"DISPLAY": ":0"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({}, platform="win32") is None
    assert display_problem({}, platform="linux") is not None


def test_lookup_shows_each_callers_phone_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from app.callers.phones import canonical_digits
    from models.people import Caller, CallerPhone

    path = tmp_path / "desk.db"
    make_db(path, tickets=0)
    engine = open_database(config.to_url(str(path)))
    with write_session(engine) as session:
        ada = Caller(name="Ada Lovelace", email="ada@example.org")
        bea = Caller(name="Ada Byron")
        session.add_all([ada, bea])
        session.flush()
        for number, label in (("+44 20 7946 0018", "work"), ("07700 900123", "mobile")):
            session.add(
                CallerPhone(
                    caller_id=ada.id, number=number, digits=canonical_digits(number), label=label
                )
            )
    engine.dispose()

    assert main(["lookup", "ada", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Ada Byron  ")
    assert lines[1] == "    phones: none on record"
    assert lines[2].startswith("Ada Lovelace  ada@example.org")
    assert lines[3] == "    phones: 07700 900123 (mobile), +44 20 7946 0018 (work)"

    assert main(["lookup", "lovelace", "--json", "--db", str(path)]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert hit["phones"] == [
        {"number": "07700 900123", "label": "mobile"},
        {"number": "+44 20 7946 0018", "label": "work"},
    ]


# ------------------------------------------------------------------ who you are


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> str:
    """The workstation's login in these tests; a window started by a test fails it."""
    import ui.kit.errors
    import ui.shell.application

    monkeypatch.setenv("LOGNAME", "ann")  # the first place getpass looks
    monkeypatch.setattr(ui.kit.errors, "install_excepthook", lambda: None)

    def run_gui(*_args: Any, **_kwargs: Any) -> int:
        raise AssertionError("the window was started")

    monkeypatch.setattr(ui.shell.application, "run_gui", run_gui)
    return "ann"


def staff_roles(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("SELECT username, role FROM staff").fetchall())


def test_init_makes_the_login_that_ran_it_the_admin(
    tmp_path: Path, login: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.org.first_run import step_to_resume

    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    assert "its admin is ann" in capsys.readouterr().out
    assert staff_roles(path) == {"ann": 4}  # StaffRole.ADMIN
    engine = open_database(config.to_url(str(path)))
    try:  # no flags: the admin's first start opens the set-up assistant
        assert step_to_resume(engine) == "organisation"
    finally:
        engine.dispose()


def test_user_is_refused_on_a_real_database_in_one_line(
    tmp_path: Path, login: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=0)
    expected = (
        "switchboard: --user works only on a demo database; Switchboard uses your login "
        "(ann) here.\n"
    )
    for args in (["--user", "ceo"], ["--user", "ceo", "call", "0161 496 0000"]):
        assert main([*args, "--db", str(path)]) == 2
        assert capsys.readouterr().err == expected
    assert main(["init", "--user", "ceo", "--db", str(tmp_path / "new.db")]) == 2
    assert capsys.readouterr().err == expected
    assert not (tmp_path / "new.db").exists()


def test_user_is_taken_on_a_demo_database_and_the_login_everywhere(
    tmp_path: Path, login: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.shell.application

    started: list[str] = []
    monkeypatch.setattr(
        ui.shell.application, "run_gui", lambda opener, *_a, **_k: started.append("gui") or 0
    )
    demo, real = tmp_path / "demo.db", tmp_path / "desk.db"
    assert main([*DEMO, "--as-of", "2026-11-30", "--db", str(demo)]) == 0
    assert staff_roles(demo)["ann"] == 4  # who made the demo runs it
    make_db(real, tickets=0)
    assert main(["--user", "ceo", "--db", str(demo)]) == 0
    assert main(["--user", "ann", "--db", str(real)]) == 0
    assert started == ["gui", "gui"]


def test_an_admin_sets_a_password_from_stdin_and_turns_the_sign_in_on(
    tmp_path: Path, login: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from app.defaults import ensure_staff
    from app.sign_in import sign_in, sign_in_required
    from models.clock import utcnow

    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("too short\n"))
    assert main(["admin", "set-password", "ann", "--db", str(path)]) == 2
    assert "use at least 10" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    assert main(["admin", "set-password", "ann", "--db", str(path)]) == 0
    assert main(["admin", "sign-in", "on", "--db", str(path)]) == 0
    engine = open_database(config.to_url(str(path)))
    try:
        assert sign_in_required(engine)
        assert sign_in(engine, "ann", "correct horse battery", utcnow()) is not None
        ensure_staff(engine, "bob")  # an operator
    finally:
        engine.dispose()

    capsys.readouterr()
    monkeypatch.setenv("LOGNAME", "bob")
    assert main(["admin", "sign-in", "off", "--db", str(path)]) == 2
    assert "Only an admin can manage staff and roles." in capsys.readouterr().err


def _refused_log_in(*_args: object) -> int:
    from sqlalchemy import exc

    raise exc.OperationalError(
        "connect", {}, Exception("connection failed: fe_sendauth: no password supplied")
    )


def test_a_command_asks_once_for_the_server_password_at_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import getpass

    import app.cli

    urls: list[str] = []

    def check(_args: object, url: str) -> int:
        urls.append(url)
        return _refused_log_in() if len(urls) == 1 else 0

    monkeypatch.setitem(app.cli.COMMANDS, "check", check)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda _prompt: "s3cret")
    assert main(["check", "--db", "postgresql+psycopg://ann@db.example/desk"]) == 0
    assert urls == [
        "postgresql+psycopg://ann@db.example/desk",
        "postgresql+psycopg://ann:s3cret@db.example/desk",
    ]


def test_without_a_terminal_a_refused_log_in_says_where_the_password_goes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import app.cli

    monkeypatch.setitem(app.cli.COMMANDS, "check", _refused_log_in)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert main(["check", "--db", "postgresql+psycopg://ann@db.example/desk"]) == 2
    assert "~/.pgpass" in capsys.readouterr().err


def test_init_sets_up_the_organisation_and_its_first_site_from_flags(
    tmp_path: Path, login: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.org.first_run import step_to_resume
    from app.org.organisation import organisation
    from app.org.sites import list_sites

    path = tmp_path / "desk.db"
    flags = ["--org", "Acme Health", "--site", "ldn", "--site-name", "London office"]
    flags += ["--timezone", "Europe/London", "--holidays", "GB-ENG"]
    assert main(["init", *flags, "--db", str(path)]) == 0
    engine = open_database(config.to_url(str(path)))
    try:
        [site] = list_sites(engine)
        name = organisation(engine).name
        assert step_to_resume(engine) is None  # set up from flags: the assistant never asks
    finally:
        engine.dispose()
    assert (site.code, site.name, site.timezone, name) == (
        "LDN",
        "London office",
        "Europe/London",
        "Acme Health",
    )


def test_init_with_a_bad_flag_says_which_and_creates_nothing(
    tmp_path: Path, login: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    assert main(["init", "--timezone", "Mars/Base", "--holidays", "XX", "--db", str(path)]) == 2
    error = capsys.readouterr().err
    assert "--timezone: 'Mars/Base' is not a time zone" in error
    assert "--holidays: Unknown holiday country 'XX'" in error
    assert not path.exists()
