"""The caller import's journal: imports written in short transactions stay all-or-nothing
(``caller_import``: each import, its owner and state; ``caller_import_undo``: what undoes
each chunk it wrote). See models/imports.py.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caller_import",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("state", sa.SmallInteger(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "caller_import_undo",
        sa.Column("import_id", models.types.UUIDType(), nullable=False),
        sa.Column("chunk", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created", sa.JSON(), nullable=False),
        sa.Column("updated", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["caller_import.id"]),
        sa.PrimaryKeyConstraint("import_id", "chunk"),
    )


def downgrade() -> None:
    # Undo records are the only way back from an interrupted import: keep them, and the
    # schema, until a Switchboard of this version has rolled that import back.
    pending = op.get_bind().execute(sa.text("SELECT count(*) FROM caller_import_undo")).scalar()
    if pending:
        raise RuntimeError(
            "An interrupted caller import still has undo records: open the database with "
            "this version of Switchboard (which rolls the import back) before downgrading."
        )
    op.drop_table("caller_import_undo")
    op.drop_table("caller_import")
