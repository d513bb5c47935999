"""Automatic backups of a SQLite database, for a branch office with no server and often no
administrator: one on the first start of each day, one at exit when something changed since
the newest backup, each kind kept to its newest few (``models.sqlite_backup.KEEP``).

A damaged file is never backed up (its copy would be damaged too); the window says so
instead and stops writing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from app.db_lifecycle import integrity_cache
from models.clock import utcnow
from models.engine import sqlite_path
from models.sqlite_backup import (
    backup_name,
    backup_sqlite,
    changed_since,
    list_backups,
    prune,
)
from models.sqlite_file import DamagedError, require_sound

log = logging.getLogger(__name__)


def take_backup(path: Path, kind: str) -> Path:
    """A backup of the kind ``daily`` or ``exit`` into the backup folder, after the file
    passed the integrity check; older ones of that kind beyond the limit are removed."""
    require_sound(path, integrity_cache())
    target = backup_sqlite(path, backup_name(path, kind))
    prune(path, kind)
    log.info("Backed up %s to %s (%s)", path, target, kind)
    return target


@dataclass(frozen=True)
class OpeningCheck:
    """What the window learns in the background after opening a database."""

    damaged: list[str] | None  # what SQLite's integrity check found, when it found damage
    newest_backup: datetime | None


def check_after_opening(engine: Engine) -> OpeningCheck:
    """The check of every page (cached) and, on the first start of the day, the day's
    backup. Runs off the GUI thread: on a large file both take seconds."""
    path = sqlite_path(str(engine.url))
    if path is None:
        return OpeningCheck(None, None)
    try:
        require_sound(path, integrity_cache())
    except DamagedError as error:
        log.error("%s", error)
        return OpeningCheck(error.problems, _newest(path))
    newest = _newest(path)
    if newest is None or newest.astimezone().date() != utcnow().astimezone().date():
        take_backup(path, "daily")
        newest = _newest(path)
    return OpeningCheck(None, newest)


def backup_at_exit(engine: Engine) -> Path | None:
    """At exit: a backup when the database changed since the newest one (and is sound)."""
    path = sqlite_path(str(engine.url))
    if path is None or not path.exists():
        return None
    backups = list_backups(path)
    if backups and not changed_since(path, backups[0]):
        return None
    try:
        return take_backup(path, "exit")
    except DamagedError as error:
        log.error("No backup at exit: %s", error)
        return None


def _newest(path: Path) -> datetime | None:
    backups = list_backups(path)
    return backups[0].taken if backups else None


def age_text(taken: datetime) -> str:
    """How long ago a backup was taken, as a person says it, with its local time."""
    seconds = max(0.0, (utcnow() - taken).total_seconds())
    if seconds < 60:
        ago = "just now"
    elif seconds < 3600:
        ago = f"{int(seconds // 60)} min ago"
    elif seconds < 48 * 3600:
        ago = f"{int(seconds // 3600)} h ago"
    else:
        ago = f"{int(seconds // 86400)} days ago"
    return f"{ago} ({taken.astimezone():%Y-%m-%d %H:%M})"
