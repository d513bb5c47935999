"""Writing rows fast: the raw SQLite driver, or SQLAlchemy Core on other back ends."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table

from app.demo.catalog import _BULK_TABLES
from app.demo.common import _DAY, _EPOCH, _EPOCH_ORDINAL, Progress
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
        with self.engine.begin() as connection:
            for table in _BULK_TABLES:
                connection.exec_driver_sql(f'ANALYZE "{table.name}"')

    def close(self) -> None:
        return None


def _time_texts() -> list[str]:
    """' HH:MM:SS.000000' for every second of a day, so formatting is two lookups."""
    return [
        f" {h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)
    ]


class _SqliteWriter(_Writer):
    """The fast path on SQLite: the driver's executemany with values in the stored form.

    UUIDs become their 16 bytes and timestamps SQLAlchemy's naive-UTC text
    ('YYYY-MM-DD HH:MM:SS.ffffff'), exactly what ``UUIDType`` and ``UTCDateTime`` would
    write, so the rows cannot be told apart from ones written through the ORM.
    ``synchronous=OFF`` and a large page cache apply to this connection only and are put
    back before it returns to the pool.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._pooled = engine.raw_connection()
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

    def uid(self, value: int) -> Any:
        return value.to_bytes(16, "big")

    def uuid(self, value: uuid.UUID) -> Any:
        return value.bytes

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
        """Drop the non-unique secondary indexes (and the search triggers) of ``tables``,
        returning their exact DDL.

        Filling a table and then building each index with one sort is several times faster
        than updating seventeen B-trees row by row. The DDL is read back from
        ``sqlite_master``, so the indexes come back exactly as the migrations made them.
        Unique indexes stay: they guard the data being loaded.
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
            row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        todo = [(name, ddl) for name, ddl in indexes if name not in existing]
        for done, (_name, ddl) in enumerate(todo, start=1):
            with self.transaction():
                self._db.execute(ddl)
            if progress is not None:
                progress("Indexes", done, len(todo))
        if any(is_search_object(name) for name, _ddl in todo):
            # The search triggers were off during the load: index every ticket in one pass.
            with self.transaction():
                rebuild_sqlite_search(self._db.execute)

    def analyze(self) -> None:
        """Statistics for the planner: with a million tickets it must pick the sort index."""
        self._db.execute("ANALYZE")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        try:
            for name, value in self._saved.items():
                self._db.execute(f"PRAGMA {name} = {int(value)}")
        finally:
            self._pooled.close()
