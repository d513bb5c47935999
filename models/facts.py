"""Facts about the database itself, kept as rows of the key/value :class:`Setting` table.

Some rules depend on how a database came to be rather than on its contents: ``--user`` may
name anyone on a database that ``demo-data`` made (a demo, a benchmark), and only there. The
fact is written once by the code that makes such a database and read at start-up, before
SQLAlchemy is loaded, straight from the SQLite file (:func:`read_fact_from_file`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from models.sqlite_file import readonly

if TYPE_CHECKING:  # the database layer is imported where it is used: see the docstring
    from datetime import datetime

    from sqlalchemy import Engine
    from sqlmodel import Session

# Which program made the database; "demo-data" for made-up data.
MADE_BY = "database:made_by"
MADE_BY_DEMO_DATA = "demo-data"
# "yes" where staff sign in with a Switchboard password (app/sign_in.py).
SIGN_IN_REQUIRED = "database:sign_in_required"


def record_fact(session: Session, key: str, value: str, at: datetime | None = None) -> None:
    """Set ``key`` to ``value`` in the unit of work ``session``, as of ``at`` (default: now;
    made-up data gives its own end, so the same seed gives the same file on any day)."""
    from models.clock import utcnow
    from models.org import Setting

    fact = session.get(Setting, key)
    if fact is None:
        fact = Setting(key=key, value=value)
        session.add(fact)
    fact.value = value
    fact.updated_at = at or utcnow()


def read_fact(engine: Engine, key: str) -> str | None:
    """The value of ``key``, or None where the database holds no such fact."""
    from models.engine import read_session
    from models.org import Setting

    with read_session(engine) as session:
        fact = session.get(Setting, key)
        return fact.value if fact is not None else None


def read_fact_from_file(path: Path, key: str) -> str | None:
    """:func:`read_fact` on a SQLite file, read without changing it and without SQLAlchemy
    (start-up reads this before the window is shown). None where the file has no setting
    table yet."""
    try:
        with readonly(path) as connection:
            row = connection.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    except sqlite3.DatabaseError:  # no setting table, or no SQLite file: no such fact here
        return None
    return str(row[0]) if row is not None else None
