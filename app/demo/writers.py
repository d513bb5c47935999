"""Writing rows fast: the raw SQLite driver, PostgreSQL's binary COPY through psycopg, or
SQLAlchemy Core on other back ends."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.adapt import PyFormat
from psycopg.postgres import types as pg_types
from sqlalchemy import Engine, Table

from app.demo.common import _DAY, _EPOCH, _EPOCH_ORDINAL, Progress
from models.engine import is_sqlite
from models.search import is_search_object, rebuild_sqlite_search

# ----------------------------------------------------------------------------- writers


class _Writer:
    """Turns generated values into what the driver stores and writes batches of rows.

    This generic writer goes through SQLAlchemy Core, whose column types convert UUIDs and
    aware datetimes: correct on every back end, and fast enough on PostgreSQL.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Any = None  # the Connection of the open transaction

    def uid(self, value: int) -> Any:
        return uuid.UUID(int=value)

    def uuid(self, value: uuid.UUID) -> Any:
        return value

    def ts(self, value: int | datetime | None) -> Any:
        if value is None or isinstance(value, datetime):
            return value
        return _EPOCH + timedelta(seconds=value)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.engine.begin() as connection:
            self._connection = connection
            try:
                yield
            finally:
                self._connection = None

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._connection.execute(
                table.insert(), [dict(zip(columns, r, strict=True)) for r in rows]
            )

    def drop_indexes(self, tables: Sequence[Table]) -> list[tuple[str, str]]:
        """Secondary indexes are kept on this path (the server maintains them well)."""
        return []

    def create_indexes(self, indexes: list[tuple[str, str]], progress: Progress | None) -> None:
        return None

    def analyze(self) -> None:
        """Statistics for the planner; on PostgreSQL a VACUUM as well, which marks the pages
        all-visible: until then every index-only scan (the queue's counts, the report's)
        still reads the table's rows, and a server whose autovacuum is off, or has not come
        round yet, would leave it so."""
        from models.schema import metadata

        if is_sqlite(self.engine):
            with self.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
            return
        tables = ", ".join(f'"{name}"' for name in sorted(metadata.tables))
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {tables}")

    def close(self) -> None:
        return None


def _triggers_were_off(restored: Sequence[tuple[str, str]]) -> bool:
    """Whether the (name, definition) pairs put back include triggers: then the rows went in
    without them, and what they do must be done once for the whole load."""
    return any(ddl.upper().startswith("CREATE TRIGGER") for _name, ddl in restored)


def _forget_kept_figures(execute: Callable[[str], Any]) -> None:
    """Forget every kept report figure (``report_store``); ``execute`` runs one statement.

    The ``report_store`` triggers (migration 0013) forget a kept figure when a ticket or an
    event written touches its span; they do nothing else. A demo goes into a database
    without tickets, so a figure kept before the load (a manager may have opened last month
    of the empty database) counted nothing, and the load's months of tickets and events
    touch the span of nearly every one: forgetting them all at once is what the triggers
    would have done row by row, and a figure of a period the load missed is merely counted
    again when next read.
    """
    execute("DELETE FROM report_store")


class _DriverWriter(_Writer):
    """A writer on one pooled connection of its own, driven through the raw driver for the
    whole load, with ids in their stored form of 16 bytes (what ``UUIDType`` stores on
    SQLite, and what the binary COPY of :class:`_PostgresWriter` sends for a uuid)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._pooled = engine.raw_connection()

    def uid(self, value: int) -> Any:
        return value.to_bytes(16, "big")

    def uuid(self, value: uuid.UUID) -> Any:
        return value.bytes

    def close(self) -> None:
        self._pooled.close()


def _time_texts() -> list[str]:
    """' HH:MM:SS.000000' for every second of a day, so formatting is two lookups."""
    return [
        f" {h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)
    ]


class _SqliteWriter(_DriverWriter):
    """The fast path on SQLite: the driver's executemany with values in the stored form.

    UUIDs become their 16 bytes and timestamps SQLAlchemy's naive-UTC text
    ('YYYY-MM-DD HH:MM:SS.ffffff'), exactly what ``UUIDType`` and ``UTCDateTime`` would
    write, so the rows cannot be told apart from ones written through the ORM.
    ``synchronous=OFF`` and a large page cache apply to this connection only and are put
    back before it returns to the pool.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        driver = self._pooled.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        self._db = driver
        self._saved = {
            name: self._db.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("synchronous", "cache_size", "threads")
        }
        # A crash during the load loses only demo data, which the load removes anyway.
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("PRAGMA cache_size = -262144")  # 256 MiB, allocated as used
        self._db.execute("PRAGMA threads = 2")  # parallel sorts for CREATE INDEX
        self._days: dict[int, str] = {}
        self._times = _time_texts()
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}

    def ts(self, value: int | datetime | None) -> Any:
        if value is None:
            return None
        if type(value) is int:
            day, second = divmod(value, _DAY)
            prefix = self._days.get(day)
            if prefix is None:
                prefix = self._days[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
            return prefix + self._times[second]
        assert isinstance(value, datetime)
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        key = (table.name, tuple(columns))
        sql = self._sql.get(key)
        if sql is None:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            sql = self._sql[key] = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        if rows:
            self._db.executemany(sql, rows)

    def drop_indexes(self, tables: Sequence[Table]) -> list[tuple[str, str]]:
        """Drop the non-unique secondary indexes and the triggers of ``tables``, returning
        their exact DDL.

        Filling a table and then building each index with one sort is several times faster
        than updating seventeen B-trees row by row. The DDL is read back from
        ``sqlite_master``, so the indexes come back exactly as the migrations made them.
        Unique indexes stay: they guard the data being loaded. The triggers are the search
        indexes' (rebuilt in one pass afterwards) and the ``report_store`` ones (see
        :func:`_forget_kept_figures`).
        """
        names = ", ".join(f"'{t.name}'" for t in tables)
        rows = self._db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            f"AND sql IS NOT NULL AND tbl_name IN ({names}) ORDER BY type, name"
        ).fetchall()
        dropped = [row for row in rows if not row[2].upper().startswith("CREATE UNIQUE")]
        with self.transaction():
            for kind, name, _ddl in dropped:
                self._db.execute(f'DROP {kind.upper()} "{name}"')
        return [(name, ddl) for _kind, name, ddl in dropped]

    def create_indexes(self, indexes: list[tuple[str, str]], progress: Progress | None) -> None:
        existing = {
            row[0]
            for row in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')"
            )
        }
        todo = [(name, ddl) for name, ddl in indexes if name not in existing]
        for done, (_name, ddl) in enumerate(todo, start=1):
            with self.transaction():
                self._db.execute(ddl)
            if progress is not None:
                progress("Indexes", done, len(todo))
        if _triggers_were_off(todo):
            with self.transaction():
                if any(is_search_object(name) for name, _ddl in todo):
                    # The search triggers were off too: index every ticket in one pass.
                    rebuild_sqlite_search(self._db.execute)
                _forget_kept_figures(self._db.execute)

    def analyze(self) -> None:
        """Statistics for the planner: with a million tickets it must pick the sort index."""
        self._db.execute("ANALYZE")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        try:
            for name, value in self._saved.items():
                self._db.execute(f"PRAGMA {name} = {int(value)}")
        finally:
            super().close()


# Binary COPY reads each field with its column type's receive function, whatever the client
# thought it was sending: a uuid is its 16 bytes, a timestamptz an int8 of microseconds since
# 2000-01-01 UTC. The stored forms are sent as bytea and int8, which psycopg writes as they
# are, in C.
_SENT_AS: dict[int, int] = {
    pg_types["uuid"].oid: pg_types["bytea"].oid,
    pg_types["timestamptz"].oid: pg_types["int8"].oid,
}
_PG_EPOCH = 946_684_800  # 2000-01-01 UTC in Unix seconds
_PG_EPOCH_DT = datetime(2000, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# What the load drops and puts back, in the order it is put back: the primary keys and unique
# constraints of the tables, their other indexes, the foreign keys from and to them (each
# checked per row during a COPY, and a key cannot go while one refers to it) and their user
# triggers; with the statements that drop them and the exact definitions that make them again.
_PG_DEPENDENTS = """
WITH bulk(rel) AS (SELECT unnest(%(tables)s::regclass[]))
SELECT 1, c.conname,
       format('ALTER TABLE %%s DROP CONSTRAINT %%I', c.conrelid::regclass, c.conname),
       format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', c.conrelid::regclass, c.conname,
              pg_get_constraintdef(c.oid))
  FROM pg_constraint c
 WHERE c.conrelid IN (SELECT rel FROM bulk) AND c.contype IN ('p', 'u', 'x')
UNION ALL
SELECT 2, i.indexrelid::regclass::text, 'DROP INDEX ' || i.indexrelid::regclass::text,
       pg_get_indexdef(i.indexrelid)
  FROM pg_index i
 WHERE i.indrelid IN (SELECT rel FROM bulk) AND NOT EXISTS (
       SELECT FROM pg_constraint c
        WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
UNION ALL
SELECT 3, c.conname,
       format('ALTER TABLE %%s DROP CONSTRAINT %%I', c.conrelid::regclass, c.conname),
       format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', c.conrelid::regclass, c.conname,
              pg_get_constraintdef(c.oid))
  FROM pg_constraint c
 WHERE c.contype = 'f'
   AND (c.conrelid IN (SELECT rel FROM bulk) OR c.confrelid IN (SELECT rel FROM bulk))
UNION ALL
SELECT 4, t.tgname, format('DROP TRIGGER %%I ON %%s', t.tgname, t.tgrelid::regclass),
       pg_get_triggerdef(t.oid)
  FROM pg_trigger t
 WHERE t.tgrelid IN (SELECT rel FROM bulk) AND NOT t.tgisinternal
ORDER BY 1, 2
"""


class _PostgresWriter(_DriverWriter):
    """The fast path on PostgreSQL: ``COPY ... FROM STDIN (FORMAT BINARY)`` through psycopg.

    Ids travel as their 16 bytes and timestamps as microseconds since 2000-01-01 UTC (see
    ``_SENT_AS``): what the server stores for the ``uuid`` and ``timestamptz`` that
    ``UUIDType`` and ``UTCDateTime`` bind, so the rows cannot be told apart from ones written
    through Core, and Python makes no UUID or datetime object per value.

    During the load the bulk tables lose their indexes, keys and triggers
    (:meth:`drop_indexes`); all come back from their exact definitions at the end, where
    each index is built with one sort and each foreign key checked with one join instead of
    a B-tree update and a lookup per row and key. That includes the primary keys and unique
    constraints: a B-tree over random UUIDs updated row by row costs several times the row
    itself, more once it outgrows the shared buffers (4.6 million ids: 21.5 s through the
    primary key, against 4.1 s without and 2.4 s to build it afterwards). They still guard
    the data: a duplicate fails their return, which fails the load, which is then removed.
    ``synchronous_commit`` is off for the load's own transactions only (``SET LOCAL``): a
    crash loses only demo data, which the load removes anyway. Nothing here needs more than
    the rights of the tables' owner.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        driver = self._pooled.driver_connection
        assert isinstance(driver, psycopg.Connection)
        self._db: psycopg.Connection[Any] = driver
        self._cursor = self._db.cursor()
        # psycopg's bytea dumper by type is a Python one (for DB-API Binary objects); the
        # dumper it keeps for bytes is in C. On this cursor only.
        self._cursor.adapters.register_dumper(
            bytes, self._cursor.adapters.get_dumper(bytes, PyFormat.BINARY)
        )
        self._copies: dict[tuple[str, tuple[str, ...]], tuple[sql.Composed, list[int]]] = {}
        self._tables: list[str] = []

    def ts(self, value: int | datetime | None) -> Any:
        if value is None:
            return None
        if type(value) is int:
            return (value - _PG_EPOCH) * 1_000_000
        assert isinstance(value, datetime)
        return (value - _PG_EPOCH_DT) // _MICROSECOND

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._db.transaction():
            self._cursor.execute("SET LOCAL synchronous_commit = off")
            yield

    def _copy(self, table: Table, columns: Sequence[str]) -> tuple[sql.Composed, list[int]]:
        """The COPY statement for ``columns`` of ``table``, and the types their values are
        sent as (the columns' own types, read from the server, but see ``_SENT_AS``)."""
        key = (table.name, tuple(columns))
        found = self._copies.get(key)
        if found is None:
            self._cursor.execute(
                "SELECT attname, atttypid::int FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [sql.Identifier(table.name).as_string(self._db)],
            )
            oids: dict[str, int] = dict(self._cursor.fetchall())
            statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
                sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            types = [_SENT_AS.get(oids[c], oids[c]) for c in columns]
            found = self._copies[key] = (statement, types)
        return found

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        statement, types = self._copy(table, columns)
        with self._cursor.copy(statement) as copy:
            copy.set_types(types)
            write = copy.write_row
            for row in rows:
                write(row)

    def _dependents(self) -> list[tuple[int, str, str, str]]:
        """(kind, name, drop statement, definition) of what ``_PG_DEPENDENTS`` describes."""
        with self.transaction():
            self._cursor.execute(_PG_DEPENDENTS, {"tables": self._tables})
            return self._cursor.fetchall()

    def drop_indexes(self, tables: Sequence[Table]) -> list[tuple[str, str]]:
        """Drop the indexes, keys and triggers of ``tables`` and the foreign keys that
        refer to them, returning (name, definition) in the order to put them back.

        The definitions are read back from the catalogue (``pg_get_indexdef``,
        ``pg_get_constraintdef``, ``pg_get_triggerdef``), so everything comes back exactly as
        the migrations made it. The only triggers are the ``report_store`` ones: why the load
        may skip them is said at :func:`_forget_kept_figures`.
        """
        self._tables = [sql.Identifier(t.name).as_string(self._db) for t in tables]
        dependents = self._dependents()
        with self.transaction():
            for _kind, _name, drop, _ddl in reversed(dependents):
                self._cursor.execute(drop)
        return [(name, ddl) for _kind, name, _drop, ddl in dependents]

    def create_indexes(self, indexes: list[tuple[str, str]], progress: Progress | None) -> None:
        if not indexes:
            return
        existing = {ddl for *_rest, ddl in self._dependents()}
        todo = [(name, ddl) for name, ddl in indexes if ddl not in existing]
        for done, (_name, ddl) in enumerate(todo, start=1):
            with self.transaction():
                # Index sorts and the foreign keys' checking joins in memory.
                self._cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                self._cursor.execute("SET LOCAL work_mem = '256MB'")
                self._cursor.execute(ddl)
            if progress is not None:
                progress("Indexes", done, len(todo))
        if _triggers_were_off(todo):
            with self.transaction():
                _forget_kept_figures(self._cursor.execute)
