"""The staff roster and the training log: staff gain a phone, a home site and contracted
hours; skills (a person's level, a category's need), shift types, shifts in UTC and each
site's minimum desk cover; courses, who must hold them, sessions and who attends, and every
completion with its expiry.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = models.types.UUIDType
WHEN = models.types.UTCDateTime


def _id() -> sa.Column:
    return sa.Column("id", UUID(), nullable=False)


def upgrade() -> None:
    op.add_column("staff", sa.Column("phone", sa.String(length=40), nullable=True))
    op.add_column("staff", sa.Column("home_site_id", UUID(), nullable=True))
    op.add_column("staff", sa.Column("contracted_minutes", sa.Integer(), nullable=True))

    op.create_table(
        "skill",
        _id(),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    for table, owner, target in (
        ("staff_skill", "staff_id", "staff.id"),
        ("category_skill", "category_id", "category.id"),
    ):
        op.create_table(
            table,
            sa.Column(owner, UUID(), nullable=False),
            sa.Column("skill_id", UUID(), nullable=False),
            sa.Column("level", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint([owner], [target]),
            sa.ForeignKeyConstraint(["skill_id"], ["skill.id"]),
            sa.PrimaryKeyConstraint(owner, "skill_id"),
        )
    op.create_table(
        "shift_type",
        _id(),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("pattern", sa.String(length=16), nullable=False),
        sa.Column("starts", sa.String(length=5), nullable=False),
        sa.Column("ends", sa.String(length=5), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "shift",
        _id(),
        sa.Column("staff_id", UUID(), nullable=False),
        sa.Column("shift_type_id", UUID(), nullable=False),
        sa.Column("site_id", UUID(), nullable=False),
        sa.Column("starts_at", WHEN(timezone=True), nullable=False),
        sa.Column("ends_at", WHEN(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["shift_type_id"], ["shift_type.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_shift_staff_starts", "shift", ["staff_id", "starts_at"])
    op.create_index("ix_shift_starts", "shift", ["starts_at"])
    op.create_table(
        "coverage_minimum",
        _id(),
        sa.Column("site_id", UUID(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.String(length=5), nullable=False),
        sa.Column("ends", sa.String(length=5), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "weekday", "starts", name="uq_coverage_band"),
    )

    op.create_table(
        "course",
        _id(),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("provider", sa.String(length=120), nullable=False),
        sa.Column("skill_id", UUID(), nullable=True),
        sa.Column("skill_level", sa.Integer(), nullable=True),
        sa.Column("validity_months", sa.Integer(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["skill_id"], ["skill.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "course_requirement",
        _id(),
        sa.Column("course_id", UUID(), nullable=False),
        sa.Column("role", sa.SmallInteger(), nullable=True),
        sa.Column("team_id", UUID(), nullable=True),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_course_requirement_course_id", "course_requirement", ["course_id"])
    op.create_table(
        "training_session",
        _id(),
        sa.Column("course_id", UUID(), nullable=False),
        sa.Column("site_id", UUID(), nullable=True),
        sa.Column("starts_at", WHEN(timezone=True), nullable=False),
        sa.Column("ends_at", WHEN(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("trainer", sa.String(length=120), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_training_session_course_id", "training_session", ["course_id"])
    op.create_index("ix_training_session_starts_at", "training_session", ["starts_at"])
    op.create_table(
        "session_attendee",
        sa.Column("session_id", UUID(), nullable=False),
        sa.Column("staff_id", UUID(), nullable=False),
        sa.Column("shift_id", UUID(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["training_session.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"]),
        sa.PrimaryKeyConstraint("session_id", "staff_id"),
    )
    op.create_table(
        "completion",
        _id(),
        sa.Column("staff_id", UUID(), nullable=False),
        sa.Column("course_id", UUID(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("result", sa.SmallInteger(), nullable=False),
        sa.Column("certificate", sa.String(length=120), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("session_id", UUID(), nullable=True),
        sa.Column("recorded_by", UUID(), nullable=True),
        sa.Column("recorded_at", WHEN(timezone=True), nullable=False),
        sa.Column("confirmed_by", UUID(), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["training_session.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["confirmed_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_completion_staff_course", "completion", ["staff_id", "course_id"])
    op.create_index("ix_completion_expires_on", "completion", ["expires_on"])


def downgrade() -> None:
    for table in (
        "completion",
        "session_attendee",
        "training_session",
        "course_requirement",
        "course",
        "coverage_minimum",
        "shift",
        "shift_type",
        "category_skill",
        "staff_skill",
        "skill",
    ):
        op.drop_table(table)  # their indexes go with them
    for column in ("contracted_minutes", "home_site_id", "phone"):
        op.drop_column("staff", column)
