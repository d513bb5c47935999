"""Engine and session set-up for SQLite (default, one local file) and PostgreSQL (shared).

SQLite settings follow the design notes: WAL so readers never block the writer,
``synchronous=FULL`` so a ticket logged during a call survives a power cut, foreign keys on,
a busy timeout, and write transactions that take the write lock at ``BEGIN IMMEDIATE`` so two
writers queue instead of one failing half-way through with "database is locked".
"""

from __future__ import annotations

import logging
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from models.errors import DatabaseError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smbfs",
        "smb3",
        "9p",
        "afs",
        "ncpfs",
        "fuse.sshfs",
        "davfs",
        "glusterfs",
    }
)


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` for the server, typed by the person at start (it stays in
    this process: never written, never shown)."""
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other back ends and in-memory databases."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser().resolve()


def _mount_fstype(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """The filesystem type of the mount holding ``path`` (Linux), or None if unknown."""
    try:
        lines = mounts_file.read_text().splitlines()
    except OSError:
        return None
    best, best_type = "", None
    target = str(path)
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def refuse_network_share(path: Path, mounts_file: Path = Path("/proc/mounts")) -> None:
    """Raise if ``path`` lies on a network share, where SQLite locking is unreliable."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        kind = "a network (UNC) path"
    else:
        fstype = _mount_fstype(path, mounts_file)
        if fstype is None or fstype not in NETWORK_FILESYSTEMS:
            return
        kind = f"a network share ({fstype})"
    raise DatabaseError(
        f"{path} is on {kind}. SQLite files must not be shared over the network: file locking "
        "on shares is unreliable and can corrupt the database. Keep the file on a local disk, "
        "or let several workstations share a PostgreSQL server with "
        "--db postgresql+psycopg://user@server/dbname."
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "IMMEDIATE" and engine in _WRITES_REFUSED:
            raise DatabaseError(_WRITES_REFUSED[engine])
        connection.exec_driver_sql(f"BEGIN {mode}")


# Engines on a file found damaged after it was opened: every write transaction is refused
# with the reason, reads go on (the window stays usable to look things up).
_WRITES_REFUSED: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def refuse_writes(engine: Engine, reason: str) -> None:
    """From now on, every write on ``engine`` (SQLite) fails with ``reason``."""
    _WRITES_REFUSED[engine] = reason


def make_engine(url: str, *, check_share: bool = True) -> Engine:
    """Create the engine for ``url`` with the settings this program relies on."""
    if not make_url(url).drivername.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = sqlite_path(url)
    if path is not None and check_share:
        refuse_network_share(path)
    # Sessions never cross threads, but pooled connections are handed to worker threads.
    engine = create_engine(url, connect_args={"check_same_thread": False})
    _configure_sqlite(engine)
    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A unit of work that writes: commits on success, rolls back on any exception."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work; on SQLite it starts a deferred transaction (no write lock)."""
    bind = engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine) else engine
    # Closing (not rolling back) ends the transaction and leaves loaded objects readable.
    with Session(bind, expire_on_commit=False) as session:
        yield session


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read-only unit of work without the ORM, for the hot type-ahead paths (caller lookup,
    the caller card): a Core connection costs a fraction of a Session per statement.

    On PostgreSQL it runs without a transaction (autocommit). At READ COMMITTED each
    statement reads its own snapshot, in a transaction or not, so the reads see the same;
    but no BEGIN and no ROLLBACK go to the server (two of a lookup's five round trips), and
    no transaction is left open however long the caller holds the connection."""
    if is_sqlite(engine):
        bind = engine.execution_options(sqlite_begin="DEFERRED")
    else:
        bind = engine.execution_options(isolation_level="AUTOCOMMIT")
    with bind.connect() as connection:
        yield connection


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
