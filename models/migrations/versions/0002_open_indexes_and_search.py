"""Partial indexes over open tickets for the queue, and full-text search of tickets
(FTS5 on SQLite, the unaccent extension on PostgreSQL).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 16:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of what the models say today: migrations must not change when models do.
OPEN = "status < 6"
SORT_KEYS = (
    "number",
    "priority",
    "status",
    "summary",
    "caller_name",
    "assignee_name",
    "team_name",
    "created_at",
    "sla_due_at",
)
SEARCH_DDL = (
    """CREATE VIRTUAL TABLE ticket_fts USING fts5(
        summary, caller_name,
        content='ticket', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE TRIGGER ticket_fts_insert AFTER INSERT ON ticket BEGIN
        INSERT INTO ticket_fts(rowid, summary, caller_name)
        VALUES (new.rowid, new.summary, new.caller_name);
    END""",
    """CREATE TRIGGER ticket_fts_delete AFTER DELETE ON ticket BEGIN
        INSERT INTO ticket_fts(ticket_fts, rowid, summary, caller_name)
        VALUES ('delete', old.rowid, old.summary, old.caller_name);
    END""",
    """CREATE TRIGGER ticket_fts_update AFTER UPDATE OF summary, caller_name ON ticket BEGIN
        INSERT INTO ticket_fts(ticket_fts, rowid, summary, caller_name)
        VALUES ('delete', old.rowid, old.summary, old.caller_name);
        INSERT INTO ticket_fts(rowid, summary, caller_name)
        VALUES (new.rowid, new.summary, new.caller_name);
    END""",
    "INSERT INTO ticket_fts(ticket_fts) VALUES ('rebuild')",
)
SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS ticket_fts_update",
    "DROP TRIGGER IF EXISTS ticket_fts_delete",
    "DROP TRIGGER IF EXISTS ticket_fts_insert",
    "DROP TABLE IF EXISTS ticket_fts",
)


def upgrade() -> None:
    where = sa.text(OPEN)
    for column in SORT_KEYS:
        columns = [column] if column == "number" else [column, "number"]
        op.create_index(
            f"ix_ticket_open_{column}",
            "ticket",
            columns,
            sqlite_where=where,
            postgresql_where=where,
        )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SEARCH_DDL:
            op.execute(statement)
    else:
        # Accent-insensitive matching; a trusted extension, so the database owner may add it.
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SEARCH_DROP:
            op.execute(statement)
    for column in reversed(SORT_KEYS):
        op.drop_index(f"ix_ticket_open_{column}", table_name="ticket")
