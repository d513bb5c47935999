"""The database a benchmark runs on, and its raw driver: the baseline's floor on each back end.

Every benchmark takes ``--db`` as a SQLite file or a PostgreSQL URL
(``postgresql+psycopg://user@host/db``). What the program does goes through its own engine;
the baseline it is compared with goes through the bare driver of the same back end, the
``sqlite3`` module or ``psycopg``, in the same run. :class:`RawConnection` lets one
benchmark's hand-written SQL run on both: ``?`` placeholders and 16-byte UUIDs, as SQLite
takes them, are turned into what psycopg takes.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.config import to_url
from models.engine import make_engine, sqlite_path

_QMARK = re.compile(r"\?")
_STORED = "%Y-%m-%d %H:%M:%S.%f"  # a moment as the program stores it in SQLite (naive UTC)


def as_uuid(value: Any) -> uuid.UUID:
    """A UUID read raw: SQLite gives its 16 bytes, psycopg a ``uuid.UUID``."""
    if isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(bytes=bytes(value))


def as_moment(value: Any) -> datetime:
    """A moment read raw, as an aware UTC datetime: SQLite gives naive-UTC text, psycopg an
    aware datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _server_sql(sql: str) -> str:
    """SQL spelt for SQLite (``?`` placeholders) as psycopg takes it."""
    return _QMARK.sub("%s", sql.replace("%", "%%"))


def _server_values(parameters: Sequence[Any]) -> tuple[Any, ...]:
    """Parameters given as SQLite takes them (UUIDs as 16 bytes) as psycopg takes them."""
    return tuple(
        uuid.UUID(bytes=bytes(p)) if isinstance(p, bytes | bytearray | memoryview) else p
        for p in parameters
    )


class RawConnection:
    """The bare driver connection (``sqlite3`` or ``psycopg``) with one way to run SQL.

    :meth:`rows` takes SQLite's spelling (``?`` placeholders, UUIDs as bytes, which
    ``uuid.UUID.bytes`` gives) on both back ends; :meth:`replay` runs a statement captured from
    the program's engine exactly as its driver was given it.
    """

    def __init__(self, driver: Any, sqlite: bool) -> None:
        self.driver = driver
        self.sqlite = sqlite

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        if self.sqlite:
            return self.driver.execute(sql, tuple(parameters)).fetchall()
        return self.replay(_server_sql(sql), _server_values(parameters))

    def write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """``sql`` (spelt as :meth:`rows` takes it) once for each of ``rows``, in one
        transaction: one commit for them all, not one a row."""
        if not self.sqlite:
            with self.driver.transaction(), self.driver.cursor() as cursor:
                cursor.executemany(_server_sql(sql), [_server_values(row) for row in rows])
            return
        self.driver.execute("BEGIN")
        try:
            self.driver.executemany(sql, rows)
        except BaseException:
            self.driver.execute("ROLLBACK")
            raise
        self.driver.execute("COMMIT")

    def moment(self, value: datetime) -> Any:
        """An aware ``value`` as a parameter compared with stored moments: naive-UTC text as
        the program stores it in SQLite (so text comparison orders it), the datetime itself
        for psycopg (a ``timestamptz``)."""
        return value.astimezone(UTC).strftime(_STORED) if self.sqlite else value

    def one(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        """The first row of ``sql`` (None when it has none)."""
        found = self.rows(sql, parameters)
        return found[0] if found else None

    def replay(self, statement: str, parameters: Any) -> list[Any]:
        """A statement in the driver's own form (as ``before_cursor_execute`` saw it)."""
        if self.sqlite:
            return self.driver.execute(statement, parameters).fetchall()
        with self.driver.cursor() as cursor:
            cursor.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        self.driver.close()


@dataclass(frozen=True)
class BenchDatabase:
    """``--db`` read: a SQLite file (``path``) or a server URL."""

    url: str

    @classmethod
    def from_arg(cls, value: str | Path) -> BenchDatabase:
        return cls(to_url(str(value)))

    @property
    def path(self) -> Path | None:
        """The SQLite file, None for a server."""
        return sqlite_path(self.url)

    @property
    def sqlite(self) -> bool:
        return self.path is not None

    @property
    def backend(self) -> str:
        """ "sqlite" or "postgresql", for the figures."""
        return "sqlite" if self.sqlite else make_url(self.url).get_backend_name()

    def exists(self) -> bool:
        """Whether there is something to measure (a server database is taken as given)."""
        return self.path.exists() if self.path is not None else True

    def engine(self) -> Engine:
        return make_engine(self.url)

    def libpq_url(self) -> str:
        """The server URL as libpq reads it (no SQLAlchemy driver name)."""
        return make_url(self.url).set(drivername="postgresql").render_as_string(False)

    def analyze(self, tables: Iterable[str]) -> None:
        """The planner's statistics of ``tables`` gathered anew, once a benchmark has written
        many rows to them, as the demo's load does after its own: a server's autovacuum would
        in its own time (not at all where it is off), SQLite never by itself, and the plans
        measured would be those of tables thought nearly empty."""
        with self.connected() as raw:
            for table in tables:
                raw.rows(f'ANALYZE "{table}"')

    def raw(self, read_only: bool = False) -> RawConnection:
        """A bare driver connection: every statement commits on its own (autocommit)."""
        if self.path is not None:
            if read_only:
                target = f"{self.path.resolve().as_uri()}?mode=ro"
                return RawConnection(sqlite3.connect(target, uri=True), sqlite=True)
            return RawConnection(sqlite3.connect(self.path, isolation_level=None), sqlite=True)
        import psycopg  # only server runs need the driver

        driver = psycopg.connect(self.libpq_url(), autocommit=True)
        if read_only:
            driver.read_only = True
        return RawConnection(driver, sqlite=False)

    @contextmanager
    def connected(self, read_only: bool = False) -> Iterator[RawConnection]:
        raw = self.raw(read_only)
        try:
            yield raw
        finally:
            raw.close()

    def on_server(self, database: str) -> BenchDatabase:
        """Another database of the same server (same user, host and port)."""
        return BenchDatabase(make_url(self.url).set(database=database).render_as_string(False))

    @contextmanager
    def copy_of(self, folder: Path) -> Iterator[BenchDatabase]:
        """A copy of this database for a benchmark to write to, removed when the block ends,
        after an error or Ctrl+C too. This database is only read.

        A SQLite file is copied into ``folder`` with the online backup API, through a
        connection that cannot write to it. A server database is copied on the same server
        under a name of its own with ``CREATE DATABASE ... TEMPLATE``, which copies the files
        instead of running SQL; PostgreSQL copies only a database nobody is connected to, so
        close connections and dispose of engines on this one first."""
        if self.path is not None:
            target = folder / f"{self.path.stem}-copy-{uuid.uuid4().hex[:8]}.db"
            try:
                _sqlite_backup(self.path, target)
                yield BenchDatabase.from_arg(target)
            finally:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
            return
        source = make_url(self.url).database or ""
        name = f"{source[:40]}_copy_{uuid.uuid4().hex[:8]}"
        try:
            _create_copy(self.on_server("postgres"), source, name)
            yield self.on_server(name)
        finally:
            with self.on_server("postgres").connected() as server:
                server.rows(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


def _sqlite_backup(source: Path, target: Path) -> None:
    """Copy ``source`` with the online backup API. Without a ``-wal`` file next to it (all
    committed data is in the file) it is read immutable, so SQLite does not even create the
    empty ``-wal`` and ``-shm`` files a read-only connection leaves behind."""
    live = Path(f"{source}-wal").exists() or Path(f"{source}-shm").exists()
    mode = "ro" if live else "ro&immutable=1"
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode={mode}", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _create_copy(maintenance: BenchDatabase, source: str, name: str) -> None:
    """``CREATE DATABASE name TEMPLATE source``, run from ``maintenance`` (another database of
    the server), with who holds ``source`` open when PostgreSQL refuses to copy it. The file
    copy strategy (PostgreSQL 15 and later) checkpoints before and after the copy instead of
    writing all of it to the WAL, so the server does not checkpoint a large copy's worth of
    WAL later, while a benchmark measures."""
    import psycopg

    with maintenance.connected() as server:
        strategy = " STRATEGY file_copy" if server.driver.info.server_version >= 150000 else ""
        try:
            server.rows(f"CREATE DATABASE {_quoted(name)} TEMPLATE {_quoted(source)}{strategy}")
        except psycopg.errors.ObjectInUse:
            holders = server.rows(
                "SELECT pid, application_name, coalesce(client_addr::text, 'local'), state "
                "FROM pg_stat_activity WHERE datname = ?",
                (source,),
            )
            raise SystemExit(
                f"Cannot copy database {source}: PostgreSQL copies only a database nobody is "
                f"connected to, and {len(holders)} connection(s) are open on it "
                f"(pid, application, client, state: {holders}). Close them (the program, psql, "
                "another benchmark) and run again."
            ) from None


def _quoted(name: str) -> str:
    """A database name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
