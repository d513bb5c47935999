"""Full-text search beside the tables.

On SQLite, ``ticket_fts`` is an FTS5 external-content index over the ticket summary and
caller name, kept in step by triggers (created by migration 0002); accents are folded, so
``Muller`` finds ``Müller``. ``caller_fts`` does the same for the caller's name, e-mail and
employee id, and ``caller_phone_fts`` is a trigram index over phone digits, so digits from
the middle of a number are found (both from migration 0003). PostgreSQL needs no extra
table: the queue and the caller lookup match word prefixes with regular expressions there,
phone digits through a pg_trgm index (``caller_phone_fts_digits``), e-mail and employee id
through expression indexes (``caller_fts_email``, ``caller_fts_employee_id``). Anything
that rewrites these tables wholesale (a batch migration, a bulk load with the triggers
dropped) must call :func:`rebuild_sqlite_search` afterwards. So must a ``VACUUM``: the
indexes follow SQLite's hidden rowids, which VACUUM may renumber on tables whose key is a
UUID; Switchboard never runs VACUUM, and backups use the online backup API, which keeps them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TICKET_FTS = "ticket_fts"
CALLER_FTS = "caller_fts"
CALLER_PHONE_FTS = "caller_phone_fts"
SQLITE_FTS_TABLES = (TICKET_FTS, CALLER_FTS, CALLER_PHONE_FTS)


def is_search_object(name: str | None) -> bool:
    """Objects that belong to the search indexes (FTS5 adds shadow tables of its own; the
    triggers and PostgreSQL's search indexes carry the same prefixes)."""
    return bool(name) and str(name).startswith(SQLITE_FTS_TABLES)


def rebuild_sqlite_search(execute: Callable[[str], Any]) -> None:
    """Re-read every ticket, caller and phone number into the indexes; ``execute`` runs one
    SQL statement."""
    for table in SQLITE_FTS_TABLES:
        execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
