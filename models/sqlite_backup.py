"""SQLite backups through the online backup API, never a file copy of a live database.

Switchboard's own backups live in the ``backups`` folder next to the database, named
``<database>.<kind>-<UTC time>.db``. Each kind keeps only its newest few, so backups taken at
every migration, every day and every exit never fill the disk; a backup interrupted by a
crash or a kill leaves a ``.partial`` file that the next backup removes.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from models.clock import utcnow
from models.engine import DatabaseError
from models.private_files import new_file_beside
from models.sqlite_file import readonly

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"
STAMP = "%Y%m%dT%H%M%SZ"
# How many of each kind are kept (the README says so).
KEEP = {"daily": 7, "exit": 3, "migration": 3}


@dataclass(frozen=True)
class BackupFile:
    """One of Switchboard's own backups of a database."""

    path: Path
    kind: str
    label: str  # for migrations: "0003-to-0004"
    taken: datetime


def backup_folder(database: Path) -> Path:
    return database.parent / BACKUP_FOLDER


def _pattern(database: Path) -> re.Pattern[str]:
    suffix = re.escape(database.suffix or ".db")
    return re.compile(
        rf"^{re.escape(database.stem)}\.(?P<kind>daily|exit|migration)"
        rf"(?:-(?P<label>\w+-to-\w+))?-(?P<stamp>\d{{8}}T\d{{6}}Z){suffix}$"
    )


def list_backups(database: Path) -> list[BackupFile]:
    """This database's backups in its backup folder, newest first."""
    folder = backup_folder(database)
    pattern = _pattern(database)
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        taken = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC)
        found.append(BackupFile(entry, match["kind"], match["label"] or "", taken))
    return sorted(found, key=lambda backup: (backup.taken, backup.path.name), reverse=True)


def backup_name(database: Path, kind: str, label: str = "") -> Path:
    middle = f"{kind}-{label}" if label else kind
    stamp = utcnow().strftime(STAMP)
    return backup_folder(database) / f"{database.stem}.{middle}-{stamp}{database.suffix or '.db'}"


def backup_sqlite(source_path: Path, target: Path) -> Path:
    """Copy the live database at ``source_path`` to ``target`` consistently (one read
    transaction), through a read-only connection that cannot change the source.

    The copy is written next to the target and renamed into place, so a failed backup never
    leaves a half-written file under the final name; it is readable by its owner only (or
    by the team of a shared folder).
    """
    target = target.expanduser().resolve()
    if target == source_path:
        raise DatabaseError("The backup target is the database itself; choose another file.")
    with new_file_beside(target) as partial, readonly(source_path) as source:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
        finally:
            destination.close()
        partial.replace(target)
    return target


def prune(database: Path, kind: str) -> None:
    """Keep the newest ``KEEP[kind]`` backups of that kind; delete the older ones."""
    for old in [b for b in list_backups(database) if b.kind == kind][KEEP[kind] :]:
        old.path.unlink(missing_ok=True)
        log.info("Removed the old backup %s (keeping the newest %d)", old.path, KEEP[kind])


def _fingerprint(path: Path) -> list[tuple[str, int, int]]:
    """Row count and largest rowid of every ordinary table: equal for a database and its
    backup until a row is added or removed (read without changing the file)."""
    with readonly(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
            )
        ]
        fingerprint = []
        for name in tables:
            try:
                row = connection.execute(f'SELECT count(*), max(rowid) FROM "{name}"').fetchone()
            except sqlite3.OperationalError:  # a WITHOUT ROWID table
                row = (*connection.execute(f'SELECT count(*) FROM "{name}"').fetchone(), 0)
            fingerprint.append((name, *row))
        return fingerprint


def migration_backup(path: Path, current: str, head: str) -> Path:
    """The copy kept before migrating from ``current`` to ``head``. A start killed while
    migrating leaves the database as it was (the migration's transaction never committed),
    so the backup it made is reused instead of taking another full copy each time."""
    label = f"{current}-to-{head}"
    earlier = [b for b in list_backups(path) if b.kind == "migration" and b.label == label]
    if earlier:
        fingerprint = _fingerprint(path)
        for backup in earlier:
            if _fingerprint(backup.path) == fingerprint:
                log.info("Reusing %s, taken before an interrupted migration", backup.path)
                return backup.path
    target = backup_sqlite(path, backup_name(path, "migration", label))
    prune(path, "migration")
    return target


def _last_change(database: Path) -> float:
    """When the database last changed on disk: its own file or its write-ahead log."""
    times = [database.stat().st_mtime]
    wal = database.with_name(database.name + "-wal")
    if wal.exists():
        times.append(wal.stat().st_mtime)
    return max(times)


def changed_since(database: Path, backup: BackupFile) -> bool:
    return _last_change(database) > backup.path.stat().st_mtime
