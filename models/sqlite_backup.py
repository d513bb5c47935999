"""SQLite backups through the online backup API, never a file copy of a live database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from models.engine import DatabaseError, sqlite_path


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """Copy the live database behind ``engine`` to ``target`` consistently.

    The copy is written next to the target and renamed into place, so a failed backup never
    leaves a half-written file under the final name.
    """
    source_path = sqlite_path(str(engine.url))
    if source_path is None:
        raise DatabaseError(
            "Only SQLite databases can be backed up by Switchboard; back up a PostgreSQL server "
            "with pg_dump."
        )
    target = target.expanduser().resolve()
    if target == source_path:
        raise DatabaseError("The backup target is the database itself; choose another file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        raw.close()
    partial.replace(target)
    return target
