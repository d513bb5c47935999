"""A SQLite file looked at before anything may write to it.

Each question is answered without changing a byte of the file: may this account read (and
write) it, is it SQLite at all, is it Switchboard's, and is it sound. The check of every
page reads the whole file (about 4 s for a 2.4 GB database), so a clean answer is
remembered for the file's current size and modification time.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from models.errors import DatabaseError
from models.private_files import create_file

SQLITE_MAGIC = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"


class DamagedError(DatabaseError):
    """SQLite's integrity check found the file damaged: nothing may write to it."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(damaged_message(path, problems))
        self.problems = problems


def damaged_message(path: Path, problems: list[str]) -> str:
    """What ``check`` says about a damaged file, and what to do next."""
    return (
        f"The database {path} is damaged (SQLite integrity check: {'; '.join(problems[:3])}). "
        "Nothing was written to it. Run 'switchboard check' to see the damage, then "
        "'switchboard restore FILE' with a backup (Switchboard keeps them in the 'backups' "
        "folder next to the database)."
    )


def refuse_unreachable(path: Path, *, write: bool) -> None:
    """Refuse, in words a person can act on, a path this account cannot use: a parent that
    is a file, a file or folder without permission."""
    parent = path.parent
    while not parent.exists() and parent.parent != parent:
        parent = parent.parent
    if not parent.is_dir():
        raise DatabaseError(
            f"{parent} is a file, not a folder, so {path} cannot be opened or created there. "
            "Give a database path inside a folder."
        )
    if path.exists():
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder, not a database file. Give a file path.")
        if not os.access(path, os.R_OK):
            raise DatabaseError(
                f"Your account may not read {path}. Ask the file's owner or your administrator "
                "for access, or choose another file with --db."
            )
        if write and not os.access(path, os.W_OK):
            raise DatabaseError(
                f"{path} is read-only for your account, so Switchboard cannot write to it. "
                "Ask the file's owner or your administrator for write access; 'switchboard "
                "check' and 'switchboard backup' still work on it."
            )
        folder = path.parent
    else:
        folder = parent
    if write and not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseError(
            f"Your account may not create files in {folder}, which SQLite needs to write the "
            f"database {path.name}. Ask your administrator for write access to the folder, or "
            "choose a database in a folder of your own."
        )


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a SQLite database, before SQLite gets to write to it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file. Give a file path to --db.")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise DatabaseError(
            f"{path} is not a SQLite database (it does not start with the SQLite header). "
            "Switchboard leaves it untouched; choose another file with --db or SWITCHBOARD_DB."
        )


def _read_only_refused(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    return name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN"))


@contextmanager
def readonly(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that cannot change the file, not even its journal mode.

    A database in WAL mode needs its shared-memory file, which a read-only connection may
    not create when the file or its folder is read-only for this account; such a file is
    then read as it is on disk (``immutable``), which is what a read-only file is.
    """
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        if not _read_only_refused(error):
            raise
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def integrity_problems(path: Path, *, thorough: bool = False) -> list[str]:
    """SQLite's own check of every page of the file; an empty list means sound.

    By default ``quick_check``: it reads the whole file and finds damaged pages and broken
    trees (4 s for a 2.4 GB database), which is what must stop a write. ``thorough`` adds
    the comparison of every index with its table (``integrity_check``: 66 s for that
    file), for ``switchboard check``, which a person runs on purpose."""
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        with readonly(path) as connection:
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    messages = [str(row[0]) for row in rows]
    return [] if messages == ["ok"] else messages


def read_schema(path: Path) -> tuple[frozenset[str], str | None]:
    """The file's tables and Switchboard schema revision (None when it has none)."""
    if path.stat().st_size == 0:
        return frozenset(), None
    with readonly(path) as connection:
        tables = frozenset(
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        )
        current = None
        if VERSION_TABLE in tables:
            row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
            current = row[0] if row else None
        return tables, current


def file_stamp(path: Path) -> list[int]:
    """What changes whenever a write reaches the file: its size, modification time, inode
    (a restore or a copy over it makes a new one)."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


class IntegrityCache:
    """Clean integrity checks remembered per file, keyed by its size and modification time
    (any write that reaches the file changes one of them). Kept in a small JSON file; a
    cache that cannot be read or written only costs a check."""

    def __init__(self, location: Path | None) -> None:
        self.location = location

    def _load(self) -> dict[str, list[int]]:
        if self.location is None:
            return {}
        try:
            data = json.loads(self.location.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def is_clean(self, path: Path) -> bool:
        return self._load().get(str(path)) == file_stamp(path)

    def remember_clean(self, path: Path, stamp: list[int]) -> None:
        if self.location is None:
            return
        entries = self._load()
        entries[str(path)] = stamp
        partial = self.location.with_name(f"{self.location.name}.{os.getpid()}.partial")
        try:
            self.location.parent.mkdir(parents=True, exist_ok=True)
            partial.unlink(missing_ok=True)
            create_file(partial)
            partial.write_text(json.dumps(entries), encoding="utf-8")
            partial.replace(self.location)
        except OSError:
            partial.unlink(missing_ok=True)


def require_sound(path: Path, cache: IntegrityCache) -> None:
    """Raise DamagedError unless the file passes SQLite's full integrity check (or passed it
    before at its current size and modification time)."""
    if not path.exists() or path.stat().st_size == 0 or cache.is_clean(path):
        return
    stamp = file_stamp(path)
    problems = integrity_problems(path)
    if problems:
        raise DamagedError(path, problems)
    cache.remember_clean(path, stamp)
