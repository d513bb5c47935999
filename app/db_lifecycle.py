"""Creating, opening, checking, backing up and restoring the database: the entry points of
the CLI and the GUI.

Nothing here writes to a file before it is known to be Switchboard's, sound enough for what
is about to happen, and not from a newer version. Only three things create a database: the
GUI's first start, ``demo-data`` and ``init``; every other command says there is none.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app import config
from app.defaults import ensure_defaults
from app.server_rules import after_migration
from models.clock import utcnow
from models.engine import DatabaseError, make_engine, sqlite_path
from models.imports import recover_interrupted_imports
from models.migrate import schema_state, upgrade, validate
from models.private_files import create_file, make_folder, new_file_beside
from models.schema import metadata
from models.sqlite_backup import BackupFile, backup_sqlite, list_backups
from models.sqlite_file import (
    DamagedError,
    IntegrityCache,
    check_sqlite_file,
    file_stamp,
    integrity_problems,
    read_schema,
    readonly,
    refuse_unreachable,
    require_sound,
)

log = logging.getLogger(__name__)


def integrity_cache() -> IntegrityCache:
    """Where clean integrity checks are remembered (the user's cache folder)."""
    return IntegrityCache(config.cache_dir() / "integrity.json")


def _no_database(where: str) -> DatabaseError:
    return DatabaseError(
        f"There is no Switchboard database at {where}. Check the path (--db or "
        f"SWITCHBOARD_DB), or create one with 'switchboard init --db {where}'."
    )


def _refuse_if_not_ours(path: Path) -> None:
    """Refuse an existing file that is not a Switchboard database: an empty file, another
    program's SQLite file, a file from a newer version (read without changing it)."""
    check_sqlite_file(path)
    try:
        tables, current = read_schema(path)
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"The database {path} cannot be read: {error}") from error
    if current is None and not tables:
        what = "an empty file" if path.stat().st_size == 0 else "a SQLite file with no tables"
        raise DatabaseError(
            f"{path} is {what}, not a Switchboard database. Switchboard leaves it untouched; "
            "give the path of your database, or a path where no file exists yet for a new one."
        )
    if current is None:
        raise DatabaseError(
            f"{path} has tables ({', '.join(sorted(tables)[:5])}...) but no Switchboard schema "
            "version: it belongs to another program, not a Switchboard database. It was left "
            "untouched."
        )


def create_database(path: Path, fill: Callable[[Engine], None] | None = None) -> None:
    """Build a new database at ``path`` under a temporary name, then move it into place, so
    an interrupted creation leaves nothing that looks like a database. ``fill`` adds data
    (the first run's demo). Refuses a path where a file already exists."""
    refuse_unreachable(path, write=True)
    try:
        with new_file_beside(path) as partial:
            engine = make_engine(config.to_url(str(partial)))
            try:
                upgrade(engine)
                ensure_defaults(engine)
                if fill is not None:
                    fill(engine)
            finally:
                engine.dispose()
            os.link(partial, path)  # unlike a rename, never replaces a file made meanwhile
    except FileExistsError:
        raise DatabaseError(f"{path} already exists; Switchboard did not change it.") from None


def open_database(url: str, *, create: bool = False) -> Engine:
    """An engine on a sound, current Switchboard database, migrated as needed.

    ``create``: make the database if there is none (a new SQLite file, or the tables in an
    empty PostgreSQL database); otherwise a missing database is an error."""
    path = sqlite_path(url)
    if path is not None:
        refuse_unreachable(path, write=True)
        if not path.exists():
            if not create:
                raise _no_database(str(path))
            create_database(path)
        _refuse_if_not_ours(path)
    engine = make_engine(url)
    try:
        if path is None and schema_state(engine).is_empty and not create:
            raise _no_database(engine.url.render_as_string(hide_password=True))
        upgrade(engine, cache=integrity_cache(), after=after_migration)
        ensure_defaults(engine)
        recover_interrupted_imports(engine)  # a crashed import is rolled back at the next start
    except Exception:
        engine.dispose()
        raise
    return engine


def init_database(url: str) -> str:
    """``switchboard init``: a new, empty Switchboard database; refuses an existing one."""
    path = sqlite_path(url)
    if path is not None:
        if path.exists():
            _refuse_if_not_ours(path)
            raise DatabaseError(f"{path} is already a Switchboard database; it was left as it is.")
        create_database(path)
        return str(path)
    engine = make_engine(url)
    try:
        where = engine.url.render_as_string(hide_password=True)
        if not schema_state(engine).is_empty:
            validate(engine)
            raise DatabaseError(f"{where} already holds a Switchboard database; left as it is.")
        upgrade(engine)
        ensure_defaults(engine)
    finally:
        engine.dispose()
    return where


def require_sound_database(engine: Engine) -> None:
    """Before a bulk write (import, merge): refuse a damaged SQLite file. Checked once per
    state of the file; PostgreSQL looks after its own pages."""
    path = sqlite_path(str(engine.url))
    if path is not None:
        require_sound(path, integrity_cache())


@dataclass(frozen=True)
class CheckReport:
    """What ``switchboard check`` prints."""

    location: str
    schema_version: str | None
    head: str
    problems: list[str]
    row_counts: dict[str, int]
    backups: list[BackupFile] | None = None  # None on a server: it has no backup folder

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(url: str) -> CheckReport:
    """Integrity, schema version, row counts and backups, without changing a byte: a
    read-only file is checked as it is.

    Raises DatabaseError for files that are not databases at all or carry a newer schema.
    """
    path = sqlite_path(url)
    if path is None:
        return _check_server(url)
    refuse_unreachable(path, write=False)
    if not path.exists():
        raise _no_database(str(path))
    _refuse_if_not_ours(path)
    location = str(path)
    stamp = file_stamp(path)  # as it was when the check began
    problems = integrity_problems(path, thorough=True)
    if problems:
        return CheckReport(location, None, "", problems, {}, list_backups(path))
    integrity_cache().remember_clean(path, stamp)
    engine = make_engine(url)  # never connected: validate reads the file read-only
    try:
        state = validate(engine)
    finally:
        engine.dispose()
    with readonly(path) as connection:
        counts = {
            table.name: connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
            for table in sorted(metadata.tables.values(), key=lambda t: t.name)
            if table.name in state.tables
        }
    return CheckReport(location, state.current, state.head, [], counts, list_backups(path))


def _check_server(url: str) -> CheckReport:
    from sqlalchemy import func, select

    engine = make_engine(url)
    try:
        state = validate(engine)
        counts: dict[str, int] = {}
        with engine.connect() as connection:
            for table in sorted(metadata.tables.values(), key=lambda t: t.name):
                if table.name in state.tables:
                    counts[table.name] = connection.execute(
                        select(func.count()).select_from(table)
                    ).scalar_one()
        location = engine.url.render_as_string(hide_password=True)
        return CheckReport(location, state.current, state.head, [], counts)
    finally:
        engine.dispose()


def backup_database(url: str, target: Path) -> Path:
    """A consistent copy of the SQLite database (online backup API), read without changing
    it. A damaged file is refused: its copy would be just as damaged."""
    target = target.expanduser().resolve()
    if target.exists():
        raise DatabaseError(f"{target} already exists; choose a new file name for the backup.")
    path = sqlite_path(url)
    if path is None:
        raise DatabaseError(
            "Backup and restore work on SQLite files; for a PostgreSQL server use pg_dump and "
            "pg_restore."
        )
    refuse_unreachable(path, write=False)
    if not path.exists():
        raise _no_database(str(path))
    _refuse_if_not_ours(path)
    refuse_unreachable(target, write=True)
    try:
        require_sound(path, integrity_cache())
    except DamagedError as error:
        raise DatabaseError(f"No backup was made. {error}") from None
    return backup_sqlite(path, target)


def validate_backup_file(source: Path) -> str:
    """The schema version of a restore source; refuses anything but a sound Switchboard
    database this program can open."""
    if not source.is_file():
        raise DatabaseError(f"{source} does not exist or is not a file.")
    refuse_unreachable(source, write=False)
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


def _keep_aside(path: Path) -> Path:
    """Keep the database being replaced, so a wrong restore can be undone. A damaged file
    (the usual reason to restore) cannot go through the backup API; its bytes are kept."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.stem}.replaced-{stamp}{path.suffix or '.db'}")
    try:
        return backup_sqlite(path, aside)
    except sqlite3.DatabaseError:
        for suffix in ("", "-wal"):
            original = path.with_name(path.name + suffix)
            if original.exists():
                copy = aside.with_name(aside.name + suffix)
                create_file(copy)
                shutil.copyfile(original, copy)
        return aside


def _copy_into(source: Path, target: Path) -> None:
    with readonly(source) as source_connection:
        target_connection = sqlite3.connect(target)
        try:
            source_connection.backup(target_connection)
        finally:
            target_connection.close()


def restore_database(url: str, source: Path) -> Path | None:
    """Replace the database with ``source`` after validating both: the backup must be sound,
    and the file it replaces must be Switchboard's and not newer (it may be damaged: that is
    what a restore is for). The current file is kept aside (returned)."""
    try:
        validate_backup_file(source)
        path = sqlite_path(url)
        if path is None:
            raise DatabaseError("Restore works on SQLite files; for PostgreSQL use pg_restore.")
        if path == source.resolve():
            raise DatabaseError("That file is the database itself; nothing to restore.")
        refuse_unreachable(path, write=True)
        if path.exists():
            _refuse_if_not_ours(path)
            current = make_engine(url)
            try:
                validate(current)
            finally:
                current.dispose()
    except DatabaseError as error:
        raise DatabaseError(f"{error} Nothing was restored.") from error
    aside: Path | None = None
    if path.exists():
        aside = _keep_aside(path)
    else:
        make_folder(path.parent)
        create_file(path)
    try:
        _copy_into(source.resolve(), path)
    except sqlite3.DatabaseError:
        # The file being replaced is too damaged to be written page by page: it is kept
        # aside, so start from an empty file.
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        create_file(path)
        _copy_into(source.resolve(), path)
    engine = open_database(url)
    engine.dispose()
    return aside
