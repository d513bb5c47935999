"""Full-text search beside the tables.

On SQLite, ``ticket_fts`` is an FTS5 external-content index over the ticket summary and
caller name, kept in step by triggers (created by migration 0002); accents are folded, so
``Muller`` finds ``Müller``. PostgreSQL needs no extra object: the queue matches word
prefixes with its regular expressions there. Anything that rewrites the ticket table
wholesale (a batch migration, a bulk load with the triggers dropped) must call
:func:`rebuild_sqlite_search` afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TICKET_FTS = "ticket_fts"


def is_search_object(name: str | None) -> bool:
    """Objects that belong to the search index (FTS5 adds shadow tables of its own)."""
    return bool(name) and str(name).startswith(TICKET_FTS)


def rebuild_sqlite_search(execute: Callable[[str], Any]) -> None:
    """Re-read every ticket into the index; ``execute`` runs one SQL statement."""
    execute(f"INSERT INTO {TICKET_FTS}({TICKET_FTS}) VALUES ('rebuild')")
