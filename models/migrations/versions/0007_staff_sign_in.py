"""Switchboard's own sign-in for a workstation whose operators share one OS account: each
staff member's password hash (argon2id), failed sign-ins in a row and the end of a lock-out.
Whether the sign-in is asked for is a database fact in ``setting`` (no schema change).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD / DROP COLUMN, never batch mode: a batch on SQLite copies the table and drops the
# old one, which its foreign keys (tickets, calls, events point at staff) do not allow.
# SQLite has both statements (DROP COLUMN since 3.35).


def upgrade() -> None:
    op.add_column("staff", sa.Column("password_hash", sa.String(length=200), nullable=True))
    op.add_column(
        "staff", sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "staff", sa.Column("locked_until", models.types.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    for column in ("locked_until", "failed_sign_ins", "password_hash"):
        op.drop_column("staff", column)
