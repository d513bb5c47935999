"""The README's promises about data, kept by every command: files that are not Switchboard's,
damaged or newer are refused and left byte for byte as they were; backups are private,
bounded and automatic; every bad file or path gets one line and exit status 2."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app import config
from app.backups import age_text, backup_at_exit, check_after_opening
from app.cli import main
from app.db_lifecycle import open_database, require_sound_database
from models import sqlite_file
from models.engine import DatabaseError, make_engine, read_session, write_session
from models.migrate import head_revision
from models.sqlite_backup import KEEP, list_backups
from tests.conftest import RunningClock
from tests.test_cli import digest, make_db

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

PAGE = 4096


@contextmanager
def plain_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A sqlite3 connection committed and closed at the end. (sqlite3's own context manager
    leaves it open, and an open connection keeps the write-ahead log from being
    checkpointed into the file when the program's connections close: the file then
    changes at a moment that depends on the garbage collector.)"""
    connection = sqlite3.connect(path)
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def damage_one_page(path: Path) -> None:
    """Overwrite one 4 KiB page in the middle of the file, as a failing disk would: the file
    opens and most of it reads, but the integrity check finds the damage."""
    with plain_connection(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as handle:
        handle.seek((pages // 2) * PAGE)
        handle.write(b"\x5a" * PAGE)


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    make_db(path, tickets=400)
    damage_one_page(path)
    assert sqlite_file.integrity_problems(path)
    return path


@contextmanager
def window_on(path: Path, qtbot) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The main window on the database at ``path``, as Ann, shown; closed afterwards."""
    from app.context import AppContext
    from app.defaults import ensure_staff
    from tests.conftest import QUIET
    from ui.shell.main_window import MainWindow

    engine = make_engine(config.to_url(str(path)))
    me = ensure_staff(engine, "ann")
    window = MainWindow(AppContext(engine=engine, me=me, username="ann"), page_options=QUIET)
    qtbot.addWidget(window)
    window.show()
    try:
        yield window
    finally:
        window.close()
        engine.dispose()


def callers_csv(folder: Path) -> Path:
    path = folder / "people.csv"
    path.write_text("Name,Email\nAda Lovelace,ada@example.org\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------- damaged databases


def test_import_refuses_a_damaged_database_and_writes_nothing(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(damaged)
    csv = callers_csv(damaged.parent)
    assert main(["import", "callers", str(csv), "--db", str(damaged)]) == 2
    err = capsys.readouterr().err
    assert "is damaged" in err and "switchboard restore" in err
    assert "Traceback" not in err
    assert digest(damaged) == before


def test_backup_refuses_a_damaged_database(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(damaged)
    target = damaged.parent / "copy.db"
    assert main(["backup", "--db", str(damaged), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "No backup was made" in err and "is damaged" in err
    assert not target.exists() and not list(damaged.parent.glob("copy.db*"))
    assert digest(damaged) == before


def test_a_clean_check_is_remembered_until_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=2)
    runs: list[Path] = []
    real = sqlite_file.integrity_problems

    def counting(checked: Path) -> list[str]:
        runs.append(checked)
        return real(checked)

    monkeypatch.setattr(sqlite_file, "integrity_problems", counting)
    engine = make_engine(config.to_url(str(path)))
    require_sound_database(engine)
    require_sound_database(engine)
    assert len(runs) == 1
    damage_one_page(path)
    with pytest.raises(sqlite_file.DamagedError):
        require_sound_database(engine)
    assert len(runs) == 2
    engine.dispose()


def test_the_window_turns_read_only_on_a_damaged_database(damaged: Path, qtbot, tasks) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from app.defaults import ensure_staff
    from app.tickets.actions import add_note
    from models.tickets import Ticket

    engine = make_engine(config.to_url(str(damaged)))
    ensure_staff(engine, "ann")  # Ann has worked on this database before
    engine.dispose()
    before = digest(damaged)
    with window_on(damaged, qtbot) as window:
        engine = window.context.engine
        with read_session(engine) as session:
            ticket_id = session.exec(select(Ticket.id)).first()
        qtbot.waitUntil(lambda: window.damaged_banner is not None)
        assert window.damaged_banner.isVisible()
        text = window.damaged_banner.text.text()
        assert "damaged" in text and "switchboard restore" in text
        with pytest.raises(DatabaseError, match="nothing can be saved"):
            add_note(engine, ticket_id, "Tried a new cable", window.context.me)
    assert digest(damaged) == before


def test_a_malformed_page_met_while_writing_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Damage the integrity check did not see (it appeared after the check) still stops the
    write with the check's advice, not a traceback."""
    from app import cli
    from app.callers import lookup as lookup_module

    path = tmp_path / "desk.db"
    make_db(path, tickets=1)

    def malformed(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(lookup_module, "lookup", malformed)
    assert cli.main(["lookup", "ada", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "switchboard restore" in err and "Traceback" not in err


# --------------------------------------------------------------- files that are not ours


def foreign_sqlite(path: Path) -> None:
    with plain_connection(path) as connection:
        connection.execute("CREATE TABLE recipe (name TEXT)")
        connection.execute("INSERT INTO recipe VALUES ('soup')")


def tableless_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 7")  # writes a header, creates no table
    connection.close()


@pytest.mark.parametrize("make", [foreign_sqlite, tableless_sqlite, Path.touch])
@pytest.mark.parametrize(
    "command",
    [
        ["lookup", "ada"],
        ["check"],
        ["backup", "--out", "{dir}/copy.db"],
        ["restore", "{dir}/good.db"],
        ["import", "callers", "{dir}/people.csv"],
        ["demo-data", "--callers", "5", "--tickets", "5", "--months", "1"],
        ["init"],
    ],
)
def test_no_command_touches_a_file_that_is_not_switchboards(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], None],
    command: list[str],
) -> None:
    path = tmp_path / "theirs.db"
    make(path)
    make_db(tmp_path / "good.db", tickets=1)
    callers_csv(tmp_path)
    before = digest(path)
    args = [part.format(dir=tmp_path) for part in command]
    assert main([*args, "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not a Switchboard database" in err or "belongs to another program" in err
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("good.db")) == [
        "people.csv",
        "theirs.db",
    ]


def test_restore_refuses_to_replace_a_newer_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    with plain_connection(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    backup = tmp_path / "good.db"
    make_db(backup, tickets=1)
    before = digest(path)
    assert main(["restore", str(backup), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "9999" in err and "Nothing was restored" in err
    assert digest(path) == before


@pytest.mark.parametrize(
    "command", [["lookup", "ada"], ["check"], ["import", "callers", "{dir}/people.csv"]]
)
def test_commands_do_not_create_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    callers_csv(tmp_path)
    path = tmp_path / "typo.db"
    args = [part.format(dir=tmp_path) for part in command]
    assert main([*args, "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "There is no Switchboard database" in err and "switchboard init" in err
    assert not path.exists()


def test_init_creates_a_database_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new" / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    assert main(["check", "--db", str(path)]) == 0
    assert f"Schema version: {head_revision()} (current)" in capsys.readouterr().out
    before = digest(path)
    assert main(["init", "--db", str(path)]) == 2
    assert "already a Switchboard database" in capsys.readouterr().err
    assert digest(path) == before
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".db"] == ["desk.db"]


# ------------------------------------------------------------- interrupted migrations


def old_database(path: Path) -> None:
    from tests.conftest import database_at_revision

    database_at_revision(path, "0003").dispose()


def test_killed_migrations_reuse_one_backup_and_leave_no_partial_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models import migrate

    path = tmp_path / "old.db"
    old_database(path)
    # What a kill during an earlier backup leaves behind: a partial file of a dead process.
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = folder / "old.migration-0003-to-0004-20261101T000000Z.db.partial-999999"
    stale.write_bytes(b"half a copy")

    def killed(_engine: object, _after: object) -> None:
        raise KeyboardInterrupt  # the process dies in the middle of the migration

    monkeypatch.setattr(migrate, "_run_upgrade", killed)
    for _attempt in range(4):
        with pytest.raises(KeyboardInterrupt):
            open_database(config.to_url(str(path)))
    monkeypatch.undo()
    assert not stale.exists()
    backups = [b for b in list_backups(path) if b.kind == "migration"]
    assert len(backups) == 1
    assert not [p for p in folder.iterdir() if ".partial" in p.name]
    open_database(config.to_url(str(path))).dispose()
    assert len(list_backups(path)) == 1


def test_migration_backups_are_bounded(tmp_path: Path, clock: RunningClock) -> None:
    path = tmp_path / "old.db"
    for day in range(5):
        path.unlink(missing_ok=True)
        old_database(path)
        with plain_connection(path) as connection:  # a different database each time
            connection.executemany(
                "INSERT INTO setting VALUES (?, 'x', '2026-11-01 00:00:00')",
                [(f"note {n}",) for n in range(day)],
            )
        clock.set(datetime(2026, 11, 1 + day, 9, tzinfo=UTC))
        open_database(config.to_url(str(path))).dispose()
    backups = [b for b in list_backups(path) if b.kind == "migration"]
    assert len(backups) == KEEP["migration"]
    assert backups[0].taken.day == 5


# ------------------------------------------------------------------- private files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_databases_backups_and_logs_are_private(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_umask = os.umask(0o022)
    try:
        folder = tmp_path / "data" / "switchboard"
        path = folder / "desk.db"
        assert main(["init", "--db", str(path)]) == 0
        assert mode(path) == 0o600
        assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
        assert main(["backup", "--db", str(path), "--out", str(tmp_path / "b" / "x.db")]) == 0
        assert mode(tmp_path / "b" / "x.db") == 0o600 and mode(tmp_path / "b") == 0o700
        engine = make_engine(config.to_url(str(path)))
        check_after_opening(engine)
        [daily] = list_backups(path)
        assert mode(daily.path) == 0o600 and mode(daily.path.parent) == 0o700
        engine.dispose()
        log = config.log_dir() / "switchboard.log"
        assert log.exists() and mode(log) == 0o600 and mode(config.log_dir()) == 0o700
    finally:
        os.umask(old_umask)


def test_a_team_folder_keeps_its_group_and_lets_the_group_in(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    group = os.getgroups()[-1] if os.getgroups() else os.getgid()
    os.chown(shared, -1, group)
    os.chmod(shared, 0o2770)
    path = shared / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    assert mode(path) == 0o660 and path.stat().st_gid == group
    engine = make_engine(config.to_url(str(path)))
    check_after_opening(engine)
    engine.dispose()
    folder = shared / "backups"
    assert mode(folder) == 0o2770 and folder.stat().st_gid == group
    assert all(mode(b.path) == 0o660 for b in list_backups(path))


# ---------------------------------------------------------------- automatic backups


def test_one_backup_on_the_first_start_of_each_day(tmp_path: Path, clock: RunningClock) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    engine = make_engine(config.to_url(str(path)))
    clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC))
    first = check_after_opening(engine)
    assert first.damaged is None and first.newest_backup is not None
    assert len(list_backups(path)) == 1
    clock.advance(timedelta(hours=2))
    check_after_opening(engine)
    assert len(list_backups(path)) == 1
    for day in range(1, 10):
        clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC) + timedelta(days=day))
        check_after_opening(engine)
    daily = [b for b in list_backups(path) if b.kind == "daily"]
    assert len(daily) == KEEP["daily"]
    assert daily[0].taken.date() == datetime(2026, 12, 3).date()
    engine.dispose()


def test_a_backup_at_exit_only_when_something_changed(tmp_path: Path, clock: RunningClock) -> None:
    from sqlmodel import select

    from app.tickets.actions import TicketDraft, create_ticket
    from models.org import Site, Staff

    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    engine = make_engine(config.to_url(str(path)))
    check_after_opening(engine)
    clock.advance(timedelta(minutes=5))
    assert backup_at_exit(engine) is None  # nothing changed since the morning's backup
    with write_session(engine) as session:
        site_id = session.exec(select(Site)).one().id
        admin_id = session.exec(select(Staff.id)).one()  # make_db's admin
    create_ticket(engine, TicketDraft(summary="Printer jams", site_id=site_id), admin_id)
    clock.advance(timedelta(minutes=5))
    exit_backup = backup_at_exit(engine)
    assert exit_backup is not None
    with plain_connection(exit_backup) as connection:
        assert connection.execute("SELECT count(*) FROM ticket").fetchone() == (2,)
    engine.dispose()


def test_check_shows_the_age_of_the_newest_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clock: RunningClock
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    assert main(["check", "--db", str(path)]) == 0
    assert "Backups:        none yet" in capsys.readouterr().out
    engine = make_engine(config.to_url(str(path)))
    check_after_opening(engine)
    engine.dispose()
    clock.advance(timedelta(hours=3, minutes=5))
    assert main(["check", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Backups:        1, newest 3 h ago" in out and "(daily)" in out


def test_age_text_reads_as_a_person_says_it(clock: RunningClock) -> None:
    now = datetime(2026, 11, 24, 10, tzinfo=UTC)
    clock.set(now)
    assert age_text(now).startswith("just now")
    assert age_text(now - timedelta(minutes=42)).startswith("42 min ago")
    assert age_text(now - timedelta(hours=30)).startswith("30 h ago")
    assert age_text(now - timedelta(days=9)).startswith("9 days ago")


# ------------------------------------------------------- one line instead of a traceback


@pytest.mark.parametrize("keep", [100, PAGE, "half", "all but the last page"])
def test_backup_of_a_truncated_file_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keep: int | str
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=300)
    with plain_connection(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    cut = {"half": size // 2, "all but the last page": size - PAGE}.get(str(keep), keep)
    assert isinstance(cut, int)
    with path.open("r+b") as handle:
        handle.truncate(cut)
    before = digest(path)
    assert main(["backup", "--db", str(path), "--out", str(tmp_path / "copy.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("switchboard: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert digest(path) == before


def test_lookup_limit_out_of_range_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    assert main(["lookup", "ada", "--limit", "100000000000000000000", "--db", str(path)]) == 2
    assert "--limit must be a number from 1 to 1000" in capsys.readouterr().err


def test_db_under_a_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    for command in (["init"], ["check"], ["lookup", "x"]):
        assert main([*command, "--db", str(blocker / "desk.db")]) == 2
        err = capsys.readouterr().err
        assert "is a file, not a folder" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder"


def test_lookup_strips_terminal_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from models.people import Caller

    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    engine = make_engine(config.to_url(str(path)))
    with write_session(engine) as session:  # as an older import stored it
        session.add(Caller(name="Eve \x1b]0;pwned\x07\x1b[31mRed\x9b2J"))
    engine.dispose()
    assert main(["lookup", "eve", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Eve" in out and "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert main(["lookup", "eve", "--json", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\\u001b" in out


# ------------------------------------------ as another account (no permission, read-only)


@pytest.fixture
def open_area() -> Iterator[Path]:
    """A folder any account may enter (the test's own tmp_path is private to it)."""
    folder = Path(tempfile.mkdtemp(prefix="switchboard-perm-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_stranger(args: list[str], home: Path) -> tuple[int, str, str]:
    """Run the command in a child process as an account that owns none of the files:
    'nobody' when the tests run as root (root may read anything), else this account (the
    files' modes then shut out their owner)."""
    for name in ("app.callers.lookup", "app.logging_setup", "app.backups", "json"):
        __import__(name)  # the child may not be able to read the interpreter's folders
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 70
        try:
            os.dup2(out_write, 1)
            os.dup2(err_write, 2)
            sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
            sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setresgid(65534, 65534, 65534)
                os.setresuid(65534, 65534, 65534)
            for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
                os.environ[name] = str(home / name.lower())
            code = main(args)
        except BaseException as error:
            print(f"CRASH {type(error).__name__}: {error}", file=sys.stderr)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(out_write)
    os.close(err_write)
    with os.fdopen(out_read) as out, os.fdopen(err_read) as err:
        stdout, stderr = out.read(), err.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stdout, stderr


def stranger_home(area: Path) -> Path:
    home = area / "home"
    home.mkdir()
    os.chmod(home, 0o777)
    return home


@pytest.mark.parametrize("command", [["check"], ["lookup", "ada"], ["backup", "--out", "X"]])
def test_no_permission_to_read_is_one_line(open_area: Path, command: list[str]) -> None:
    path = open_area / "desk.db"
    make_db(path, tickets=1)
    os.chmod(path, 0o000)
    args = [part.replace("X", str(open_area / "home" / "copy.db")) for part in command]
    code, _out, err = as_stranger([*args, "--db", str(path)], stranger_home(open_area))
    assert code == 2, err
    assert "may not read" in err and "CRASH" not in err and "Traceback" not in err


def test_a_read_only_database_is_checked_and_backed_up_as_healthy(open_area: Path) -> None:
    database = open_area / "data"
    database.mkdir()
    path = database / "desk.db"
    make_db(path, tickets=3)
    os.chmod(path, 0o444)
    os.chmod(database, 0o555)  # no -shm can be made beside it either
    home = stranger_home(open_area)
    before = digest(path)
    try:
        code, out, err = as_stranger(["check", "--db", str(path)], home)
        assert code == 0, err
        assert "Integrity:      ok" in out and "DAMAGED" not in out
        code, out, err = as_stranger(
            ["backup", "--db", str(path), "--out", str(home / "copy.db")], home
        )
        assert code == 0, err
        assert (home / "copy.db").stat().st_size > 0
        code, _out, err = as_stranger(["lookup", "ada", "--db", str(path)], home)
        assert code == 2 and "read-only for your account" in err
        assert digest(path) == before
        assert sorted(p.name for p in database.iterdir()) == ["desk.db"]
    finally:
        os.chmod(database, 0o755)


def test_a_new_database_in_a_folder_without_permission_is_one_line(open_area: Path) -> None:
    locked = open_area / "locked"
    locked.mkdir()
    os.chmod(locked, 0o555)
    code, _out, err = as_stranger(
        ["init", "--db", str(locked / "desk.db")], stranger_home(open_area)
    )
    assert code == 2, err
    assert "may not create files in" in err and "CRASH" not in err
    assert list(locked.iterdir()) == []


def test_merge_refuses_a_damaged_database(tmp_path: Path) -> None:
    from sqlmodel import select

    from app.callers.merge import merge_callers
    from models.org import Staff
    from models.people import Caller

    path = tmp_path / "desk.db"
    make_db(path, tickets=400)
    engine = make_engine(config.to_url(str(path)))
    with write_session(engine) as session:
        keep, twin = Caller(name="Ada Lovelace"), Caller(name="Ada Lovelace")
        session.add_all([keep, twin])
        admin_id = session.exec(select(Staff.id)).one()  # make_db's admin
    damage_one_page(path)
    before = digest(path)
    with pytest.raises(sqlite_file.DamagedError, match="switchboard restore"):
        merge_callers(engine, keep.id, [twin.id], admin_id)
    engine.dispose()
    assert digest(path) == before


def test_closing_the_window_backs_up_what_changed(tmp_path: Path, qtbot, tasks) -> None:  # type: ignore[no-untyped-def]
    from ui.shell.application import back_up_at_exit

    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    with window_on(path, qtbot) as window:
        qtbot.waitUntil(lambda: window.backup_label.text().startswith("Backup: just now"))
        make_db(path, tickets=1)  # work done during the day
    back_up_at_exit(window)
    assert [b.kind for b in list_backups(path)] == ["exit", "daily"]


def test_the_status_bar_keeps_the_backup_age_true(
    tmp_path: Path, qtbot, tasks, clock: RunningClock
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "desk.db"
    make_db(path, tickets=1)
    with window_on(path, qtbot) as window:
        qtbot.waitUntil(lambda: window.backup_label.text().startswith("Backup: just now"))
        clock.advance(timedelta(hours=5))
        window._backup_age_timer.timeout.emit()  # the minute's tick
        assert window.backup_label.text().startswith("Backup: 5 h ago")
