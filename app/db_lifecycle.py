"""Opening, checking, backing up and restoring the database: the CLI's and GUI's entry points.

Opening = validate (never touching a foreign, damaged or newer file), back up, migrate, then
make sure the reference data needed to log a first ticket exists.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from app.defaults import ensure_defaults
from models.clock import utcnow
from models.engine import DatabaseError, make_engine, sqlite_path
from models.migrate import (
    check_sqlite_file,
    integrity_problems,
    upgrade,
    validate,
)
from models.schema import metadata
from models.sqlite_backup import backup_sqlite


def open_database(url: str) -> Engine:
    """An engine on a sound, current database, created and migrated as needed."""
    path = sqlite_path(url)
    if path is not None:
        if path.exists():
            check_sqlite_file(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        upgrade(engine)
        ensure_defaults(engine)
    except Exception:
        engine.dispose()
        raise
    return engine


@dataclass(frozen=True)
class CheckReport:
    """What ``switchboard check`` prints."""

    location: str
    schema_version: str | None
    head: str
    problems: list[str]
    row_counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(url: str) -> CheckReport:
    """Integrity, schema version and row counts, without changing anything.

    Raises DatabaseError for files that are not databases at all or carry a newer schema.
    """
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseError(f"There is no database at {path}.")
    if path is not None:
        check_sqlite_file(path)
    engine = make_engine(url)
    try:
        problems = integrity_problems(engine)
        if problems:
            return CheckReport(_location(engine), None, "", problems, {})
        state = validate(engine)
        counts: dict[str, int] = {}
        if state.current is not None:
            with engine.connect() as connection:
                for table in sorted(metadata.tables.values(), key=lambda t: t.name):
                    counts[table.name] = connection.execute(
                        select(func.count()).select_from(table)
                    ).scalar_one()
        return CheckReport(_location(engine), state.current, state.head, [], counts)
    except DatabaseError:
        raise
    except Exception as error:
        raise DatabaseError(f"The database cannot be read: {error}") from error
    finally:
        engine.dispose()


def _location(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def backup_database(url: str, target: Path) -> Path:
    """A consistent copy of the live SQLite database (online backup API)."""
    if target.exists():
        raise DatabaseError(f"{target} already exists; choose a new file name for the backup.")
    engine = open_existing(url)
    try:
        return backup_sqlite(engine, target)
    finally:
        engine.dispose()


def open_existing(url: str) -> Engine:
    path = sqlite_path(url)
    if path is None:
        raise DatabaseError(
            "Backup and restore work on SQLite files; for a PostgreSQL server use pg_dump and "
            "pg_restore."
        )
    if not path.exists():
        raise DatabaseError(f"There is no database at {path}.")
    check_sqlite_file(path)
    return make_engine(url)


def validate_backup_file(source: Path) -> str:
    """The schema version of a restore source; refuses anything but a sound Switchboard
    database this program can open."""
    if not source.is_file():
        raise DatabaseError(f"{source} does not exist or is not a file.")
    check_sqlite_file(source)
    if source.stat().st_size == 0:
        raise DatabaseError(f"{source} is empty, not a Switchboard backup.")
    engine = make_engine(f"sqlite:///{source.resolve()}", check_share=False)
    try:
        state = validate(engine, thorough=True)
    finally:
        engine.dispose()
    if state.current is None:
        raise DatabaseError(f"{source} is not a Switchboard database.")
    return state.current


def restore_database(url: str, source: Path) -> Path | None:
    """Replace the database with ``source`` after validating it; the current file is kept
    aside (returned) so a wrong restore can be undone."""
    try:
        validate_backup_file(source)
    except DatabaseError as error:
        raise DatabaseError(f"{error} Nothing was restored.") from error
    path = sqlite_path(url)
    if path is None:
        raise DatabaseError("Restore works on SQLite files; for PostgreSQL use pg_restore.")
    if path == source.resolve():
        raise DatabaseError("That file is the database itself; nothing to restore.")
    aside: Path | None = None
    if path.exists():
        check_sqlite_file(path)
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.stem}.replaced-{stamp}{path.suffix or '.db'}")
        current = make_engine(url)
        try:
            backup_sqlite(current, aside)
        finally:
            current.dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    source_connection = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    target_connection = sqlite3.connect(path)
    try:
        source_connection.backup(target_connection)
    finally:
        source_connection.close()
        target_connection.close()
    engine = open_database(url)
    engine.dispose()
    return aside
