"""Caller lookup: full-text search of callers and substring search of phone digits
(FTS5 and a trigram FTS5 index on SQLite; pg_trgm and expression indexes on PostgreSQL).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 17:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of what models/search.py says today: migrations must not change when it does.
SQLITE_DDL = (
    """CREATE VIRTUAL TABLE caller_fts USING fts5(
        name, email, employee_id,
        content='caller', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE TRIGGER caller_fts_insert AFTER INSERT ON caller BEGIN
        INSERT INTO caller_fts(rowid, name, email, employee_id)
        VALUES (new.rowid, new.name, new.email, new.employee_id);
    END""",
    """CREATE TRIGGER caller_fts_delete AFTER DELETE ON caller BEGIN
        INSERT INTO caller_fts(caller_fts, rowid, name, email, employee_id)
        VALUES ('delete', old.rowid, old.name, old.email, old.employee_id);
    END""",
    """CREATE TRIGGER caller_fts_update AFTER UPDATE OF name, email, employee_id ON caller
    BEGIN
        INSERT INTO caller_fts(caller_fts, rowid, name, email, employee_id)
        VALUES ('delete', old.rowid, old.name, old.email, old.employee_id);
        INSERT INTO caller_fts(rowid, name, email, employee_id)
        VALUES (new.rowid, new.name, new.email, new.employee_id);
    END""",
    """CREATE VIRTUAL TABLE caller_phone_fts USING fts5(
        digits, content='caller_phone', content_rowid='rowid', tokenize='trigram'
    )""",
    """CREATE TRIGGER caller_phone_fts_insert AFTER INSERT ON caller_phone BEGIN
        INSERT INTO caller_phone_fts(rowid, digits) VALUES (new.rowid, new.digits);
    END""",
    """CREATE TRIGGER caller_phone_fts_delete AFTER DELETE ON caller_phone BEGIN
        INSERT INTO caller_phone_fts(caller_phone_fts, rowid, digits)
        VALUES ('delete', old.rowid, old.digits);
    END""",
    """CREATE TRIGGER caller_phone_fts_update AFTER UPDATE OF digits ON caller_phone BEGIN
        INSERT INTO caller_phone_fts(caller_phone_fts, rowid, digits)
        VALUES ('delete', old.rowid, old.digits);
        INSERT INTO caller_phone_fts(rowid, digits) VALUES (new.rowid, new.digits);
    END""",
    "INSERT INTO caller_fts(caller_fts) VALUES ('rebuild')",
    "INSERT INTO caller_phone_fts(caller_phone_fts) VALUES ('rebuild')",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS caller_phone_fts_update",
    "DROP TRIGGER IF EXISTS caller_phone_fts_delete",
    "DROP TRIGGER IF EXISTS caller_phone_fts_insert",
    "DROP TABLE IF EXISTS caller_phone_fts",
    "DROP TRIGGER IF EXISTS caller_fts_update",
    "DROP TRIGGER IF EXISTS caller_fts_delete",
    "DROP TRIGGER IF EXISTS caller_fts_insert",
    "DROP TABLE IF EXISTS caller_fts",
)
POSTGRES_DDL = (
    # Substring search of phone digits; a trusted extension, so the database owner may add it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX caller_phone_fts_digits ON caller_phone USING gin (digits gin_trgm_ops)",
    # Exact, case-insensitive e-mail and employee id.
    "CREATE INDEX caller_fts_email ON caller (lower(email))",
    "CREATE INDEX caller_fts_employee_id ON caller (lower(employee_id))",
)
POSTGRES_DROP = (
    "DROP INDEX IF EXISTS caller_fts_employee_id",
    "DROP INDEX IF EXISTS caller_fts_email",
    "DROP INDEX IF EXISTS caller_phone_fts_digits",
)


def upgrade() -> None:
    statements = SQLITE_DDL if op.get_bind().dialect.name == "sqlite" else POSTGRES_DDL
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DROP if op.get_bind().dialect.name == "sqlite" else POSTGRES_DROP
    for statement in statements:
        op.execute(statement)
