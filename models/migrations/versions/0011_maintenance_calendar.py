"""The maintenance calendar: tasks with their RRULE, the assets they cover, the occurrences
something happened to, declared major incidents, and what caused a ticket (an occurrence or
a major incident).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = models.types.UUIDType
WHEN = models.types.UTCDateTime


def _id() -> sa.Column:
    return sa.Column("id", UUID(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "maintenance_task",
        _id(),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("system", sa.String(length=120), nullable=False),
        sa.Column("site_id", UUID(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("owner_staff_id", UUID(), nullable=True),
        sa.Column("owner_team_id", UUID(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("impact", sa.String(length=200), nullable=False),
        sa.Column("rrule", sa.String(length=300), nullable=False),
        sa.Column("ticket_days_ahead", sa.Integer(), nullable=True),
        sa.Column("close_marks_done", sa.Boolean(), nullable=False),
        sa.Column("follows_id", UUID(), nullable=True),
        sa.Column("open_from", WHEN(timezone=True), nullable=False),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.Column("updated_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.ForeignKeyConstraint(["owner_staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["owner_team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("site_id", "owner_staff_id", "owner_team_id"):
        op.create_index(f"ix_maintenance_task_{column}", "maintenance_task", [column])
    op.create_table(
        "maintenance_task_asset",
        sa.Column("task_id", UUID(), nullable=False),
        sa.Column("asset_id", UUID(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["maintenance_task.id"]),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
        sa.PrimaryKeyConstraint("task_id", "asset_id"),
    )
    op.create_table(
        "maintenance_occurrence",
        _id(),
        sa.Column("task_id", UUID(), nullable=False),
        sa.Column("due_at", WHEN(timezone=True), nullable=False),
        sa.Column("starts_at", WHEN(timezone=True), nullable=False),
        sa.Column("ends_at", WHEN(timezone=True), nullable=False),
        sa.Column("state", sa.SmallInteger(), nullable=False),
        sa.Column("done_by_id", UUID(), nullable=True),
        sa.Column("done_at", WHEN(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("checklist_done", sa.JSON(), nullable=False),
        sa.Column("minutes_spent", sa.Integer(), nullable=True),
        sa.Column("ticket_id", UUID(), nullable=True),
        sa.Column("recorded_by_id", UUID(), nullable=True),
        sa.Column("recorded_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["maintenance_task.id"]),
        sa.ForeignKeyConstraint(["done_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "due_at", name="uq_occurrence_task_due"),
    )
    op.create_index("ix_occurrence_starts_at", "maintenance_occurrence", ["starts_at"])
    op.create_index("ix_occurrence_due_at", "maintenance_occurrence", ["due_at"])
    op.create_index(
        "ix_occurrence_state_starts_at", "maintenance_occurrence", ["state", "starts_at"]
    )
    op.create_index("ix_maintenance_occurrence_ticket_id", "maintenance_occurrence", ["ticket_id"])
    op.create_table(
        "major_incident",
        _id(),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("site_id", UUID(), nullable=True),
        sa.Column("started_at", WHEN(timezone=True), nullable=False),
        sa.Column("ended_at", WHEN(timezone=True), nullable=True),
        sa.Column("declared_by_id", UUID(), nullable=True),
        sa.Column("closed_by_id", UUID(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.ForeignKeyConstraint(["declared_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["closed_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_major_incident_ended_at", "major_incident", ["ended_at"])

    op.add_column("ticket", sa.Column("maintenance_task_id", UUID(), nullable=True))
    op.add_column("ticket", sa.Column("maintenance_due_at", WHEN(timezone=True), nullable=True))
    op.add_column("ticket", sa.Column("major_incident_id", UUID(), nullable=True))
    op.create_index("ix_ticket_maintenance_task_id", "ticket", ["maintenance_task_id"])
    op.create_index("ix_ticket_major_incident_id", "ticket", ["major_incident_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_major_incident_id", "ticket")
    op.drop_index("ix_ticket_maintenance_task_id", "ticket")
    for column in ("major_incident_id", "maintenance_due_at", "maintenance_task_id"):
        op.drop_column("ticket", column)
    for table in (
        "major_incident",
        "maintenance_occurrence",
        "maintenance_task_asset",
        "maintenance_task",
    ):
        op.drop_table(table)  # their indexes go with them
