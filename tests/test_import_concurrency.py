"""A caller import next to everybody else's work: saves made while it runs do not wait for
it, and an import that fails, or whose process dies, is rolled back whole (models/imports.py),
on both back ends."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import col

from app import config
from app.callers import csv_import as caller_import
from app.callers.csv_import import ImportResult, apply_import, plan_import, read_table
from app.callers.csv_import import suggest_mapping as mapping_for
from app.callers.lookup import lookup
from app.db_lifecycle import open_database
from app.errors import SwitchboardError
from app.permissions import staff_id_for
from app.tickets.actions import TicketDraft, add_note, create_ticket
from models import imports as journal
from models.clock import utcnow
from models.engine import is_sqlite, make_engine, read_session, write_session
from models.errors import SERVER_GONE, environment_problem
from models.imports import CallerImport, CallerImportUndo, ImportState
from models.people import Caller, CallerPhone
from models.tickets import Ticket, TicketEvent
from tests.conftest import BACK_ENDS, Org, RunningClock

ROOT = Path(__file__).resolve().parent.parent
HEADER = "name,email,phone,department,employee id\n"
ALICE_PHONE = ("020 7946 0018", "442079460018", "work")


def people(count: int, start: int = 0) -> str:
    return "".join(
        f"Person {n},p{n}@example.org,020 7946 {n:04d},Sales,E{n:05d}\n"
        for n in range(start, start + count)
    )


def write_csv(path: Path, rows: str) -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def run(engine: Engine, path: Path, **kwargs: Any) -> ImportResult:
    """Import ``path`` as Mia, the org fixture's manager (importing is a manager's job)."""
    table = read_table(path)
    plan = plan_import(engine, table, mapping_for(table.headers))
    return apply_import(engine, plan, staff_id_for(engine, "mia"), **kwargs)


def names(engine: Engine) -> set[str]:
    with read_session(engine) as s:
        return set(s.scalars(select(col(Caller.name))))


def phones(engine: Engine, caller_id: uuid.UUID) -> set[tuple[str, str, str]]:
    with read_session(engine) as s:
        rows = s.execute(
            select(col(CallerPhone.number), col(CallerPhone.digits), col(CallerPhone.label)).where(
                col(CallerPhone.caller_id) == caller_id
            )
        ).all()
    return {(number, digits, label) for number, digits, label in rows}


def runs(engine: Engine) -> list[tuple[ImportState, int]]:
    """Each import in the journal: its state and how many undo records it still has."""
    with read_session(engine) as s:
        states = s.execute(select(col(CallerImport.id), col(CallerImport.state))).all()
        undo = dict(
            s.execute(
                select(col(CallerImportUndo.import_id), func.count()).group_by(
                    col(CallerImportUndo.import_id)
                )
            ).all()
        )
    return [(state, undo.get(run_id, 0)) for run_id, state in states]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of three rows, and SQLite's bulk indexing from two new callers: a few rows
    take several chunks, each through the path a large import takes."""
    monkeypatch.setattr(caller_import, "BATCH", 3)
    monkeypatch.setattr(caller_import, "BULK_INDEX_ROWS", 2)


@pytest.fixture
def desk(engine: Engine, org: Org) -> uuid.UUID:
    """Alice with a phone number and a ticket (which carries her name); the ticket's id."""
    with write_session(engine) as s:
        number, digits, label = ALICE_PHONE
        s.add(CallerPhone(caller_id=org.alice, number=number, digits=digits, label=label))
    ticket = create_ticket(
        engine, TicketDraft(summary="Printer jam", site_id=org.hq, caller_id=org.alice), org.ann
    )
    return ticket.id


def changes_alice_and_adds_people(tmp_path: Path, count: int = 9) -> Path:
    """Alice renamed with another number first (so the first chunk changes her), then new
    callers."""
    return write_csv(
        tmp_path / "directory.csv",
        "Alice Schmidt,alice@example.org,+44 20 7946 9999,,\n" + people(count),
    )


def assert_as_before(engine: Engine, org: Org, ticket_id: uuid.UUID) -> None:
    """Nothing of the import is left: not in the tables, not in the search indexes."""
    assert names(engine) == {"Alice Müller", "Zoe O'Brien"}
    assert phones(engine, org.alice) == {ALICE_PHONE}
    with read_session(engine) as s:
        assert s.get(Ticket, ticket_id).caller_name == "Alice Müller"  # type: ignore[union-attr]
    assert [hit.id for hit in lookup(engine, "Alice Müller")] == [org.alice]
    assert [hit.id for hit in lookup(engine, "020 7946 0018")] == [org.alice]
    assert lookup(engine, "Schmidt") == []
    assert lookup(engine, "+44 20 7946 9999") == []
    assert lookup(engine, "Person") == []
    assert lookup(engine, "p1@example.org") == []
    if is_sqlite(engine):
        with engine.connect() as connection:
            for index in ("caller_fts", "caller_phone_fts", "ticket_fts"):
                connection.exec_driver_sql(
                    f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"
                )
    assert all(undo == 0 for _state, undo in runs(engine))


# --- saves while an import runs -----------------------------------------------------------


@pytest.fixture
def quick_to_give_up(engine: Engine) -> Iterator[Engine]:
    """Another workstation's engine on the same database that waits at most 2 s for the
    write lock (instead of 10 s): on SQLite a save that had to wait for a whole import
    fails with "database is locked"."""
    if not is_sqlite(engine):
        yield engine  # PostgreSQL: writers of different rows do not wait for each other
        return
    other = make_engine(engine.url.render_as_string(hide_password=False))

    @event.listens_for(other, "connect")
    def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout = 2000")

    with other.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2000
    yield other
    other.dispose()


def test_saves_made_while_an_import_runs_do_not_wait_for_it(
    tmp_path: Path,
    engine: Engine,
    org: Org,
    desk: uuid.UUID,
    quick_to_give_up: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another workstation saves notes while an import of 2,000 callers is being written:
    every save goes through, while the import is still running (its journal says so)."""
    monkeypatch.setattr(caller_import, "BATCH", 100)
    path = write_csv(tmp_path / "big.csv", people(2_000))
    importing, saved = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    seen_running: list[bool] = []

    def save_notes() -> None:
        try:
            importing.wait(60)
            for n in range(5):
                add_note(quick_to_give_up, desk, f"Called back ({n})", org.ann)
            with read_session(quick_to_give_up) as s:
                states = set(s.scalars(select(col(CallerImport.state))))
            seen_running.append(states == {ImportState.RUNNING})
        except BaseException as error:
            failures.append(error)
        finally:
            saved.set()

    def progress(done: int, total: int) -> None:
        importing.set()  # the saves start after the first chunk and go on beside the rest
        if done == total - 100:  # the import may not finish before the saves have
            assert saved.wait(60)

    saver = threading.Thread(target=save_notes)
    saver.start()
    try:
        result = run(engine, path, progress=progress)
    finally:
        importing.set()
        saver.join(60)
    assert failures == []
    assert seen_running == [True]
    assert result.created == 2_000
    with read_session(engine) as s:
        notes = s.scalar(
            select(func.count()).where(
                col(TicketEvent.ticket_id) == desk, col(TicketEvent.note).startswith("Called back")
            )
        )
    assert notes == 5
    assert runs(engine) == [(ImportState.DONE, 0)]


# --- failures -----------------------------------------------------------------------------


class Crash(Exception):
    pass


def failing_insert(monkeypatch: pytest.MonkeyPatch, at_call: int) -> None:
    """The ``at_call``-th batch insert raises, inside its chunk's transaction."""
    real = caller_import._insert_many
    calls = []

    def insert_many(*args: Any) -> None:
        calls.append(args)
        if len(calls) == at_call:
            raise Crash("disk full")
        real(*args)

    monkeypatch.setattr(caller_import, "_insert_many", insert_many)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("where", ["between chunks", "inside a chunk"])
def test_an_import_that_fails_part_way_is_rolled_back_whole(
    tmp_path: Path,
    engine: Engine,
    org: Org,
    desk: uuid.UUID,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    path = changes_alice_and_adds_people(tmp_path)
    visible: list[set[str]] = []

    def progress(done: int, _total: int) -> None:
        visible.append(names(engine))
        if where == "between chunks" and done == 6:
            raise Crash("cancelled")

    if where == "inside a chunk":
        failing_insert(monkeypatch, at_call=5)  # the third chunk's new callers
    with pytest.raises(Crash):
        run(engine, path, progress=progress)
    # Others saw the first two chunks appear (Alice renamed, Person 0 to 4)...
    assert {"Alice Schmidt", "Person 4"} <= visible[1]
    # ...and see them gone: Alice as she was, with her number, her ticket and her search hits.
    assert_as_before(engine, org, desk)
    assert runs(engine) == [(ImportState.ROLLED_BACK, 0)]
    with write_session(engine) as s:  # the search triggers are in place
        s.add(Caller(name="Walter Later", email="walter@example.org"))
    assert [hit.name for hit in lookup(engine, "walt")] == ["Walter Later"]
    # The same file imports cleanly afterwards.
    monkeypatch.undo()
    assert run(engine, path).created == 9
    assert {"Alice Schmidt", "Person 8"} <= names(engine)


@pytest.mark.usefixtures("small_chunks")
def test_a_row_the_database_refuses_rolls_the_import_back_whole(
    tmp_path: Path, engine: Engine, org: Org, desk: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new caller of the third chunk names a site that does not exist (as if removed
    since the plan): the database refuses it inside the chunk's transaction (PostgreSQL's
    COPY as SQLite's INSERT), the error is SQLAlchemy's on both, and nothing is kept."""
    real = caller_import._Writer._new_caller
    made: list[str] = []

    def stray_site(writer: Any, values: Any) -> Any:
        made.append(values.name)
        if len(made) == 6:  # Person 5: the third chunk is Person 5 to 7
            values = dataclasses.replace(values, site_id=uuid.uuid4())
        return real(writer, values)

    monkeypatch.setattr(caller_import._Writer, "_new_caller", stray_site)
    path = changes_alice_and_adds_people(tmp_path)
    with pytest.raises(IntegrityError):
        run(engine, path)
    assert_as_before(engine, org, desk)
    assert runs(engine) == [(ImportState.ROLLED_BACK, 0)]
    monkeypatch.undo()
    assert run(engine, path).created == 9


@pytest.mark.usefixtures("small_chunks")
def test_a_server_lost_while_copying_is_reported_as_gone_and_nothing_is_kept(
    tmp_path: Path, engine: Engine, org: Org, desk: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server ends the import's session just before the third chunk's COPY: the error
    says the server is gone (what the command line and the window tell the person), the
    broken connection is not used again, and the chunks written are undone."""
    if is_sqlite(engine):
        pytest.skip("a server's session: a SQLite file has none")
    real = caller_import._Writer._decide
    calls = []

    def session_ended(writer: Any, *args: Any) -> Any:
        decided = real(writer, *args)
        calls.append(args)
        if len(calls) == 3:
            pid = writer.connection.connection.driver_connection.info.backend_pid
            with engine.connect() as other:
                ended = other.execute(
                    text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}
                )
                assert ended.scalar_one()  # waited for: the session is gone
        return decided

    monkeypatch.setattr(caller_import._Writer, "_decide", session_ended)
    path = changes_alice_and_adds_people(tmp_path)
    with pytest.raises(OperationalError) as raised:
        run(engine, path)
    assert raised.value.connection_invalidated
    assert environment_problem(raised.value) == SERVER_GONE
    assert "COPY caller" in str(raised.value)
    assert_as_before(engine, org, desk)
    assert runs(engine) == [(ImportState.ROLLED_BACK, 0)]
    monkeypatch.undo()
    assert run(engine, path).created == 9


@pytest.mark.usefixtures("small_chunks")
def test_a_rollback_keeps_what_others_did_meanwhile(
    tmp_path: Path, engine: Engine, org: Org, desk: uuid.UUID
) -> None:
    """While an import runs, an operator logs a ticket for a caller it created, corrects
    another one, and edits Alice after the import renamed her; then the import fails. Those
    three are kept as the operator left them; everything else is undone."""
    path = changes_alice_and_adds_people(tmp_path)
    ids: dict[str, uuid.UUID] = {}

    def progress(done: int, _total: int) -> None:
        if done == 3:
            with write_session(engine) as s:
                for name in ("Person 0", "Person 1"):
                    ids[name] = s.scalars(
                        select(col(Caller.id)).where(col(Caller.name) == name)
                    ).one()
                corrected = s.get(Caller, ids["Person 1"])
                alice = s.get(Caller, org.alice)
                assert corrected is not None and alice is not None
                corrected.department, alice.notes = "Finance", "Prefers e-mail"
                corrected.updated_at = alice.updated_at = utcnow()
            create_ticket(
                engine,
                TicketDraft(summary="New laptop", site_id=org.hq, caller_id=ids["Person 0"]),
                org.ann,
            )
        if done == 6:
            raise Crash("cancelled")

    with pytest.raises(Crash):
        run(engine, path, progress=progress)
    assert names(engine) == {"Alice Schmidt", "Zoe O'Brien", "Person 0", "Person 1"}
    with read_session(engine) as s:
        alice, corrected = s.get(Caller, org.alice), s.get(Caller, ids["Person 1"])
        assert alice is not None and corrected is not None
        assert (alice.notes, corrected.department) == ("Prefers e-mail", "Finance")


# --- changes made while an import runs ----------------------------------------------------


@pytest.mark.usefixtures("small_chunks")
def test_rows_are_matched_again_before_each_chunk(
    tmp_path: Path, engine: Engine, org: Org, desk: uuid.UUID
) -> None:
    """After the first chunk, someone adds a caller with the e-mail of a row still to come
    (in other letter case), and notes on Zoe, whom a later row changes: that row updates the
    new caller instead of duplicating it, and Zoe keeps the notes."""
    path = write_csv(
        tmp_path / "c.csv", people(5) + "Zoe O'Brien,zoe@example.org,,Legal,\n" + people(1, 7)
    )

    def progress(done: int, _total: int) -> None:
        if done == 3:
            with write_session(engine) as s:
                s.add(Caller(name="P. Seven", email="P7@Example.org"))
                zoe = s.get(Caller, org.zoe)
                assert zoe is not None
                zoe.notes = "Works from home on Fridays"

    result = run(engine, path, progress=progress)
    assert (result.created, result.updated) == (5, 2)
    with read_session(engine) as s:
        sevens = s.scalars(select(Caller).where(func.lower(col(Caller.email)) == "p7@example.org"))
        seven = sevens.one()
        zoe = s.get(Caller, org.zoe)
    assert (seven.name, seven.employee_id, seven.department) == ("Person 7", "E00007", "Sales")
    assert zoe is not None and (zoe.department, zoe.notes) == (
        "Legal",
        "Works from home on Fridays",
    )


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("strict", [False, True], ids=["skipped", "strict"])
def test_a_conflict_that_appears_while_importing(
    tmp_path: Path, engine: Engine, org: Org, strict: bool
) -> None:
    """After the first chunk, someone adds a caller with the employee id that a later row
    gives Alice (matched by e-mail): that row is reported and skipped, as the plan would
    have done; in strict mode the import stops and what it wrote is undone."""
    path = write_csv(tmp_path / "c.csv", people(4) + "Alice Müller,alice@example.org,,,E77\n")

    def progress(done: int, _total: int) -> None:
        if done == 3:
            with write_session(engine) as s:
                s.add(Caller(name="Ann Other", employee_id="E77"))

    if strict:
        with pytest.raises(SwitchboardError, match="strict mode"):
            run(engine, path, strict=True, progress=progress)
        assert names(engine) == {"Alice Müller", "Zoe O'Brien", "Ann Other"}
        assert runs(engine) == [(ImportState.ROLLED_BACK, 0)]
        return
    result = run(engine, path, progress=progress)
    assert (result.created, result.updated, result.skipped) == (4, 0, 1)
    assert [str(error) for error in result.errors] == [
        "line 6: e-mail alice@example.org belongs to Alice Müller but employee id E77 to Ann Other"
    ]


def test_strict_mode_refuses_before_writing_anything(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    path = write_csv(tmp_path / "c.csv", people(3) + "No Mail,not-an-address,,,\n")
    with pytest.raises(SwitchboardError, match="strict"):
        run(engine, path, strict=True)
    assert names(engine) == {"Alice Müller", "Zoe O'Brien"}
    assert runs(engine) == []  # not even the journal was written


# --- an import whose process is gone ------------------------------------------------------


CHILD = """
import os, signal, sys
from pathlib import Path

from sqlalchemy import create_engine

from app.callers import csv_import
from app.permissions import staff_id_for
from models.engine import make_engine

url, schema, path = sys.argv[1:]
if url.startswith("sqlite"):
    engine = make_engine(url)
else:
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema},public"})
csv_import.BATCH, csv_import.BULK_INDEX_ROWS = 3, 2


def die(done, _total):
    if done == 6:
        os.kill(os.getpid(), signal.SIGKILL)


table = csv_import.read_table(Path(path))
mapping = csv_import.suggest_mapping(table.headers)
csv_import.import_callers(engine, table, mapping, staff_id_for(engine, "mia"), progress=die)
"""


@pytest.mark.skipif(os.name != "posix", reason="kills a process with SIGKILL")
def test_an_import_killed_part_way_is_rolled_back_when_the_database_is_next_opened(
    tmp_path: Path, engine: Engine, org: Org, desk: uuid.UUID
) -> None:
    """kill -9 after two chunks: what they wrote is visible until the next open of the
    database (here SQLite's open_database; on PostgreSQL the recovery it calls), which
    rolls the import back."""
    path = changes_alice_and_adds_people(tmp_path)
    with engine.connect() as connection:
        schema = "" if is_sqlite(engine) else connection.scalar(text("SELECT current_schema()"))
    url = engine.url.render_as_string(hide_password=False)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(schema), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert {"Alice Schmidt", "Person 4"} <= names(engine)
    assert runs(engine) == [(ImportState.RUNNING, 2)]
    if is_sqlite(engine):
        open_database(config.to_url(str(Path(engine.url.database or "")))).dispose()
    else:
        assert journal.recover_interrupted_imports(engine) == 1
    assert_as_before(engine, org, desk)
    assert runs(engine) == [(ImportState.ROLLED_BACK, 0)]


@pytest.mark.usefixtures("small_chunks")
def test_an_import_taken_for_dead_stops_at_its_next_chunk(
    tmp_path: Path, engine: Engine, org: Org, desk: uuid.UUID
) -> None:
    """Its heartbeat looked stale (a laptop asleep in the middle of it), so another
    Switchboard rolled it back: awake again, it stops at its next chunk, with a message, and
    writes nothing more."""

    def progress(done: int, _total: int) -> None:
        if done == 3:
            long_ago = utcnow() - 2 * journal.STALE_AFTER
            with engine.begin() as connection:
                connection.execute(update(journal.RUNS).values(heartbeat_at=long_ago))
            assert journal.recover_interrupted_imports(engine) == 1

    with pytest.raises(journal.ImportTakenOver, match="import the file again"):
        run(engine, changes_alice_and_adds_people(tmp_path), progress=progress)
    assert_as_before(engine, org, desk)
    assert runs(engine) == [(ImportState.ROLLED_BACK, 0)]


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


@pytest.fixture
def abandoned(
    tmp_path: Path, engine: Engine, org: Org, desk: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., None]:
    """Leaves an import as a process that died after two chunks leaves it: the journal says
    running, with the owner given (this host unless ``host`` says otherwise)."""

    def leave(pid: int, host: str | None = None, heartbeat: Any = None) -> None:
        with monkeypatch.context() as patch:
            patch.setattr(caller_import, "BATCH", 3)
            patch.setattr(journal.ImportRun, "roll_back", lambda _run: None)

            def die(done: int, _total: int) -> None:
                if done == 6:
                    raise Crash("power cut")

            with pytest.raises(Crash):
                run(engine, changes_alice_and_adds_people(tmp_path), progress=die)
        journal._ACTIVE.clear()
        values: dict[str, Any] = {"pid": pid}
        if host is not None:
            values["host"] = host
        if heartbeat is not None:
            values["heartbeat_at"] = heartbeat
        with engine.begin() as connection:
            connection.execute(update(journal.RUNS).values(values))

    return leave


def test_an_import_whose_process_is_gone_is_rolled_back_at_the_next_import(
    tmp_path: Path, engine: Engine, org: Org, abandoned: Callable[..., None], dead_pid: int
) -> None:
    """Same host, the process no longer runs: the next import rolls it back first, then
    imports (so it creates Person 0 again instead of updating the abandoned one)."""
    abandoned(pid=dead_pid)
    assert "Person 4" in names(engine)
    result = run(engine, write_csv(tmp_path / "one.csv", people(1)))
    assert (result.created, result.updated) == (1, 0)
    assert names(engine) == {"Alice Müller", "Zoe O'Brien", "Person 0"}
    assert sorted(state for state, _undo in runs(engine)) == [
        ImportState.DONE,
        ImportState.ROLLED_BACK,
    ]


def test_an_import_on_another_host_is_left_alone_until_its_heartbeat_stops(
    engine: Engine, org: Org, desk: uuid.UUID, abandoned: Callable[..., None], clock: RunningClock
) -> None:
    abandoned(host="desk-7.example.org", pid=os.getpid(), heartbeat=utcnow())
    assert journal.recover_interrupted_imports(engine) == 0
    assert "Person 4" in names(engine)
    clock.advance(journal.STALE_AFTER + timedelta(seconds=1))
    assert journal.recover_interrupted_imports(engine) == 1
    assert_as_before(engine, org, desk)


def test_an_import_left_by_an_earlier_process_with_this_id_is_rolled_back(
    engine: Engine, org: Org, desk: uuid.UUID, abandoned: Callable[..., None]
) -> None:
    """The owner's host and process id are this process's, but this process is not running
    it: process ids are reused, so an earlier process with the same id left it."""
    abandoned(pid=os.getpid())
    assert journal.recover_interrupted_imports(engine) == 1
    assert_as_before(engine, org, desk)


# --- the journal's schema -----------------------------------------------------------------


@pytest.mark.parametrize("kind", BACK_ENDS)
def test_0005_adds_the_journal_and_takes_it_away(kind: str, tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from models.migrate import alembic_config, upgrade
    from tests.test_migrations import database_at

    def downgrade(engine: Engine) -> None:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")

    with database_at(kind, tmp_path, "0004") as engine:
        upgrade(engine)
        assert {"caller_import", "caller_import_undo"} <= set(inspect(engine).get_table_names())
        run_id = uuid.uuid4()
        with write_session(engine) as s:
            now = utcnow()
            s.add(
                CallerImport(
                    id=run_id,
                    source="x.csv",
                    state=ImportState.RUNNING,
                    host="h",
                    pid=1,
                    started_at=now,
                    heartbeat_at=now,
                )
            )
            s.flush()
            s.add(CallerImportUndo(import_id=run_id, chunk=1, created=[uuid.uuid4().hex]))
        with pytest.raises(RuntimeError, match="undo records"):
            downgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM caller_import_undo"))
        downgrade(engine)
        assert not {"caller_import", "caller_import_undo"} & set(inspect(engine).get_table_names())
        assert upgrade(engine).up_to_date
