"""The journal that keeps a caller import all-or-nothing while it is written in many short
transactions.

Why: written in one transaction, a large import held SQLite's write lock for a minute, and
other saves waited out the busy timeout and failed with "database is locked". An import
now writes chunks of a few thousand rows, each in a transaction of its own, and stores with
each chunk, in the same transaction, what undoes it (:class:`CallerImportUndo`): the callers
it created and, for the callers it changed, their values, phone numbers and the
``caller_name`` of their tickets as they were. Once the last chunk is written the import is
marked done (one short transaction, the moment it becomes final) and its undo records go;
its row in :class:`CallerImport` stays, a history of imports (file, host, when, outcome).

An import that fails is undone at once by its own process (:meth:`ImportRun.roll_back`),
also chunk by chunk. One whose process died (killed, crashed, power cut) is undone by the
next process that opens the database or starts an import
(:func:`recover_interrupted_imports`): its owner is gone when its process no longer runs on
the same host, or when it has not renewed its heartbeat for :data:`STALE_AFTER` (the only
sign another workstation has, so PostgreSQL clients' clocks should agree within minutes).
A process taking over an import claims it in the journal first, so two never undo the same
import, and an owner found alive after all stops at its next chunk.

While an import runs, other users see its callers appear chunk by chunk; an import that is
rolled back takes them away again. Undo never destroys what others did meanwhile: a created
caller that has since been given a ticket, call or asset, or been edited (its ``updated_at``
is no longer the import's ``started_at``) is kept, and so is an edit made since to a caller
the import changed.
"""

from __future__ import annotations

import enum
import functools
import logging
import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlmodel import Field

from models.clock import utcnow
from models.engine import read_connection
from models.errors import DatabaseError
from models.people import Caller, CallerPhone
from models.private_files import process_alive
from models.tickets import Ticket
from models.types import IntEnumType, Table, UTCDateTime, UUIDType, new_id

log = logging.getLogger(__name__)

# An owner whose heartbeat is older than this is taken for dead (chunks renew it every
# second or so; a write never waits longer than SQLite's busy timeout of 10 s).
STALE_AFTER = timedelta(minutes=5)
# Callers undone per transaction: deletes fire the search triggers row by row, so an undo
# transaction is kept as short as a writing one.
UNDO_ROWS = 1_000
# A caller's columns an undo puts back (with ``updated_at``: restored, it looks as if the
# import never touched it).
SAVED_COLUMNS = ("name", "email", "employee_id", "department", "site_id", "vip", "notes")


class ImportState(enum.IntEnum):
    RUNNING = 1  # its owner is writing chunks
    ROLLING_BACK = 2  # its owner (after an error) or a process that took it over is undoing it
    DONE = 3
    ROLLED_BACK = 4


class CallerImport(Table, table=True):
    """One caller import: who runs it, since when, and how it ended."""

    __tablename__ = "caller_import"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True, sa_type=UUIDType)
    source: str = Field(max_length=400)  # the file imported
    state: ImportState = Field(sa_type=IntEnumType(ImportState))
    host: str = Field(max_length=255)  # the owner: its host and process id
    pid: int
    # Also the ``updated_at`` of every caller the import writes: how undo tells whether a
    # caller was changed by someone else since.
    started_at: datetime = Field(sa_type=UTCDateTime)
    heartbeat_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CallerImportUndo(Table, table=True):
    """What undoes one chunk of an import, written in the chunk's own transaction."""

    __tablename__ = "caller_import_undo"
    import_id: uuid.UUID = Field(foreign_key="caller_import.id", primary_key=True, sa_type=UUIDType)
    chunk: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    created: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # One entry per changed caller, see :func:`caller_before`.
    updated: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


RUNS = CallerImport.__table__  # type: ignore[attr-defined]
UNDO = CallerImportUndo.__table__  # type: ignore[attr-defined]
CALLERS = Caller.__table__  # type: ignore[attr-defined]
PHONES = CallerPhone.__table__  # type: ignore[attr-defined]
TICKETS = Ticket.__table__  # type: ignore[attr-defined]
UNFINISHED = (ImportState.RUNNING, ImportState.ROLLING_BACK)

# Imports this process is writing or undoing: a journal entry with this process's id that is
# not among them was left by an earlier process that had the same id.
_ACTIVE: set[uuid.UUID] = set()


class ImportTakenOver(DatabaseError):
    """Another process took this import for dead and rolled it back."""

    def __init__(self) -> None:
        super().__init__(
            "The import was rolled back: it stopped answering for so long that another "
            "Switchboard took it for interrupted. Nothing of it was kept; import the file again."
        )


def _host() -> str:
    return socket.gethostname()[:255]


def _renew(connection: Connection, run_id: uuid.UUID, state: ImportState) -> None:
    """Inside the transaction of a chunk (or of an undo step): renew the heartbeat, which
    also proves this process still owns the import in ``state``."""
    renewed = connection.execute(
        update(RUNS)
        .where(
            RUNS.c.id == run_id,
            RUNS.c.state == state,
            RUNS.c.host == _host(),
            RUNS.c.pid == os.getpid(),
        )
        .values(heartbeat_at=utcnow())
    )
    if renewed.rowcount != 1:
        raise ImportTakenOver()


class ImportRun:
    """The journal of one import, held by the process writing it."""

    def __init__(self, engine: Engine, run_id: uuid.UUID, started_at: datetime) -> None:
        self.engine = engine
        self.id = run_id
        self.started_at = started_at

    @classmethod
    def start(cls, engine: Engine, source: str) -> ImportRun:
        now = utcnow()
        run_id = new_id()
        _ACTIVE.add(run_id)
        try:
            with engine.begin() as connection:
                connection.execute(
                    insert(RUNS).values(
                        id=run_id,
                        source=source[:400],
                        state=ImportState.RUNNING,
                        host=_host(),
                        pid=os.getpid(),
                        started_at=now,
                        heartbeat_at=now,
                    )
                )
        except BaseException:
            _ACTIVE.discard(run_id)
            raise
        return cls(engine, run_id, now)

    def hold(self, connection: Connection) -> None:
        """At the start of a chunk's transaction: renew the heartbeat; raises
        :class:`ImportTakenOver` if another process has taken the import over."""
        _renew(connection, self.id, ImportState.RUNNING)

    def record(
        self,
        connection: Connection,
        chunk: int,
        created: Sequence[uuid.UUID],
        updated: Sequence[dict[str, Any]],
    ) -> None:
        """In a chunk's transaction: what undoes it."""
        if created or updated:
            connection.execute(
                insert(UNDO).values(
                    import_id=self.id,
                    chunk=chunk,
                    created=[caller_id.hex for caller_id in created],
                    updated=list(updated),
                )
            )

    def finish(self) -> None:
        """Make the import final (one short transaction), then drop its undo records. If it
        cannot be made final, it is rolled back and the error raised."""
        try:
            with self.engine.begin() as connection:
                self.hold(connection)
                connection.execute(
                    update(RUNS)
                    .where(RUNS.c.id == self.id)
                    .values(state=ImportState.DONE, finished_at=utcnow())
                )
        except BaseException:
            self.roll_back()
            raise
        _ACTIVE.discard(self.id)
        try:
            _forget(self.engine, self.id)
        except OperationalError as error:  # left for the next recovery to delete
            log.warning("Could not delete the undo records of import %s: %s", self.id, error)

    def roll_back(self) -> None:
        """Undo every chunk written, after an error in this process. Never raises: the
        caller re-raises the error that made it roll back; what could not be undone now
        is undone by the next recovery."""
        try:
            with self.engine.begin() as connection:
                self.hold(connection)
                connection.execute(
                    update(RUNS).where(RUNS.c.id == self.id).values(state=ImportState.ROLLING_BACK)
                )
            _undo(self.engine, self.id, self.started_at)
        except ImportTakenOver:
            log.warning("Import %s was taken over by another process, which rolls it back", self.id)
        except Exception:
            log.exception("Could not roll back import %s; it will be at the next start", self.id)
        finally:
            _ACTIVE.discard(self.id)


# --- what undoes a change -----------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def caller_before(
    caller: Mapping[str, Any],
    phones: Sequence[tuple[uuid.UUID, str, str, str]] | None,
    tickets: Mapping[str, Sequence[uuid.UUID]] | None,
    renamed_to: str | None,
) -> dict[str, Any]:
    """The undo entry of a caller about to be changed: ``caller`` its row as it is (with
    ``id``, :data:`SAVED_COLUMNS` and ``updated_at``); ``phones`` its (id, number, digits,
    label) if they are about to be replaced; ``tickets`` its tickets' ids by their
    ``caller_name``, if it is about to be renamed to ``renamed_to``."""
    return {
        "id": caller["id"].hex,
        **{name: _encode(caller[name]) for name in (*SAVED_COLUMNS, "updated_at")},
        "phones": None if phones is None else [[p[0].hex, *p[1:]] for p in phones],
        "tickets": (
            None if not tickets else {name: [t.hex for t in ids] for name, ids in tickets.items()}
        ),
        "renamed_to": renamed_to,
    }


@functools.cache
def _references() -> tuple[Column[Any], ...]:
    """Columns of other tables that point at a caller (tickets, calls, assets...)."""
    from models.schema import metadata  # every table, whichever modules are loaded yet

    return tuple(
        fk.parent
        for table in metadata.tables.values()
        if table is not PHONES
        for fk in table.foreign_keys
        if fk.column is CALLERS.c.id
    )


def _remove_created(connection: Connection, ids: list[uuid.UUID], stamp: datetime) -> int:
    """Delete the callers an import created, except those others have used or edited since;
    the number kept."""
    present = connection.execute(
        select(CALLERS.c.id, CALLERS.c.updated_at).where(CALLERS.c.id.in_(ids))
    ).all()
    doomed = {caller_id for caller_id, updated_at in present if updated_at == stamp}
    for column in _references():
        if doomed:
            doomed -= set(
                connection.execute(select(column).where(column.in_(list(doomed))).distinct())
                .scalars()
                .all()
            )
    if doomed:
        connection.execute(delete(PHONES).where(PHONES.c.caller_id.in_(list(doomed))))
        connection.execute(delete(CALLERS).where(CALLERS.c.id.in_(list(doomed))))
    return len(present) - len(doomed)


def _restore_updated(connection: Connection, entries: list[dict[str, Any]], stamp: datetime) -> int:
    """Put back the callers an import changed, except those edited since; the number kept."""
    ids = [uuid.UUID(entry["id"]) for entry in entries]
    present: dict[uuid.UUID, datetime] = dict(
        connection.execute(
            select(CALLERS.c.id, CALLERS.c.updated_at).where(CALLERS.c.id.in_(ids))
        ).all()
    )
    todo = [entry for entry in entries if present.get(uuid.UUID(entry["id"])) == stamp]
    if not todo:
        return len(present)
    restore = (
        update(CALLERS)
        .where(CALLERS.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in (*SAVED_COLUMNS, "updated_at")})
    )
    connection.execute(
        restore,
        [
            {
                "b_id": uuid.UUID(entry["id"]),
                **{f"b_{name}": entry[name] for name in SAVED_COLUMNS},
                "b_site_id": uuid.UUID(entry["site_id"]) if entry["site_id"] else None,
                "b_updated_at": datetime.fromisoformat(entry["updated_at"]),
            }
            for entry in todo
        ],
    )
    with_phones = [entry for entry in todo if entry["phones"] is not None]
    if with_phones:
        connection.execute(
            delete(PHONES).where(
                PHONES.c.caller_id.in_([uuid.UUID(entry["id"]) for entry in with_phones])
            )
        )
        phones = [
            {
                "id": uuid.UUID(phone_id),
                "caller_id": uuid.UUID(entry["id"]),
                "number": number,
                "digits": digits,
                "label": label,
            }
            for entry in with_phones
            for phone_id, number, digits, label in entry["phones"]
        ]
        if phones:
            connection.execute(insert(PHONES), phones)
    # A ticket renamed since (by a later rename of its caller, by a merge) keeps its name.
    names = [
        {"b_id": uuid.UUID(ticket_id), "b_old": old, "b_new": entry["renamed_to"]}
        for entry in todo
        for old, ticket_ids in (entry["tickets"] or {}).items()
        for ticket_id in ticket_ids
    ]
    if names:
        connection.execute(
            update(TICKETS)
            .where(TICKETS.c.id == bindparam("b_id"), TICKETS.c.caller_name == bindparam("b_new"))
            .values(caller_name=bindparam("b_old")),
            names,
        )
    return len(present) - len(todo)


def _undo(engine: Engine, run_id: uuid.UUID, stamp: datetime) -> None:
    """Undo an import in ROLLING_BACK state owned by this process, newest chunk first, at
    most :data:`UNDO_ROWS` callers per transaction; each step deletes or shortens the undo
    record it carried out, so an undo interrupted in turn resumes where it stopped."""
    undone = kept = 0
    while True:
        with engine.begin() as connection:
            _renew(connection, run_id, ImportState.ROLLING_BACK)
            record = connection.execute(
                select(UNDO.c.chunk, UNDO.c.created, UNDO.c.updated)
                .where(UNDO.c.import_id == run_id)
                .order_by(UNDO.c.chunk.desc())
                .limit(1)
            ).first()
            if record is None:
                connection.execute(
                    update(RUNS)
                    .where(RUNS.c.id == run_id)
                    .values(state=ImportState.ROLLED_BACK, finished_at=utcnow())
                )
                break
            chunk, created, updated = record
            updated_now, updated_later = updated[:UNDO_ROWS], updated[UNDO_ROWS:]
            room = UNDO_ROWS - len(updated_now)
            created_now, created_later = created[:room], created[room:]
            kept += _restore_updated(connection, updated_now, stamp)
            kept += _remove_created(connection, [uuid.UUID(h) for h in created_now], stamp)
            undone += len(updated_now) + len(created_now)
            where = (UNDO.c.import_id == run_id) & (UNDO.c.chunk == chunk)
            if updated_later or created_later:
                connection.execute(
                    update(UNDO).where(where).values(created=created_later, updated=updated_later)
                )
            else:
                connection.execute(delete(UNDO).where(where))
    log.warning(
        "Rolled back import %s: %d callers undone, %d kept (used or edited by others since)",
        run_id,
        undone - kept,
        kept,
    )


def _forget(engine: Engine, run_id: uuid.UUID) -> None:
    with engine.begin() as connection:
        connection.execute(delete(UNDO).where(UNDO.c.import_id == run_id))


# --- recovery -----------------------------------------------------------------------------


def _owner_gone(run: Any, now: datetime) -> bool:
    if now - run.heartbeat_at > STALE_AFTER:
        return True
    if run.host != _host():
        return False
    if run.pid == os.getpid():
        return run.id not in _ACTIVE
    return not process_alive(run.pid)


def _take_over(engine: Engine, run: Any) -> bool:
    """Claim an import whose owner is gone; False if someone changed it meanwhile (its
    owner after all, or another process taking it over first)."""
    with engine.begin() as connection:
        claimed = connection.execute(
            update(RUNS)
            .where(
                RUNS.c.id == run.id,
                RUNS.c.state == run.state,
                RUNS.c.host == run.host,
                RUNS.c.pid == run.pid,
                RUNS.c.heartbeat_at == run.heartbeat_at,
            )
            .values(
                state=ImportState.ROLLING_BACK,
                host=_host(),
                pid=os.getpid(),
                heartbeat_at=utcnow(),
            )
        )
        return claimed.rowcount == 1


def recover_interrupted_imports(engine: Engine) -> int:
    """Roll back every import whose owner is gone (see the module's notes) and delete undo
    records left behind by finished ones; the number of imports rolled back. Run when the
    database is opened and before an import starts. An import that cannot be rolled back
    now (the database busy or unreachable) is logged and left for the next time."""
    with read_connection(engine) as connection:
        runs = connection.execute(
            select(
                RUNS.c.id,
                RUNS.c.source,
                RUNS.c.state,
                RUNS.c.host,
                RUNS.c.pid,
                RUNS.c.started_at,
                RUNS.c.heartbeat_at,
            ).where(RUNS.c.state.in_(UNFINISHED))
        ).all()
        leftovers = (
            connection.execute(
                select(UNDO.c.import_id)
                .distinct()
                .join(RUNS, RUNS.c.id == UNDO.c.import_id)
                .where(RUNS.c.state.not_in(UNFINISHED))
            )
            .scalars()
            .all()
        )
    now = utcnow()
    rolled_back = 0
    for run in runs:
        if not _owner_gone(run, now):
            continue
        try:
            if not _take_over(engine, run):
                continue
            log.warning(
                "Rolling back the interrupted import of %s started at %s on %s (process %d)",
                run.source,
                run.started_at,
                run.host,
                run.pid,
            )
            _ACTIVE.add(run.id)
            try:
                _undo(engine, run.id, run.started_at)
            finally:
                _ACTIVE.discard(run.id)
            rolled_back += 1
        except (OperationalError, DatabaseError) as error:  # busy, gone, refusing writes
            log.warning("Could not roll back the interrupted import %s now: %s", run.id, error)
    for run_id in leftovers:
        try:
            _forget(engine, run_id)
        except (OperationalError, DatabaseError) as error:
            log.warning("Could not delete the undo records of import %s: %s", run_id, error)
    return rolled_back
