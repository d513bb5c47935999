"""The caller lookup's exact e-mail and employee id on SQLite: plain indexes that ignore case.

Until now SQLite narrowed these matches through ``caller_fts`` (a phrase of the value's words
in that column), which reads every posting of each word: a word in every address
("example") cost 5 ms on each keystroke, for an employee id that is never found. An index in
``NOCASE`` order answers at once, as ``lower()`` indexes do on PostgreSQL (migration 0003).
``NOCASE`` folds ASCII letters only, as SQLite's ``lower()`` does.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, as a migration stays as it was whatever models/search.py becomes.
COLUMNS = {"caller_fts_email": "email", "caller_fts_employee_id": "employee_id"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, column in COLUMNS.items():
        op.execute(f"CREATE INDEX {name} ON caller ({column} COLLATE NOCASE)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in COLUMNS:
        op.execute(f"DROP INDEX {name}")
