"""Initial schema: organisation, callers, assets, tickets, events and calls.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 16:22:12.820086
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "priority_rule",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("impact", "urgency"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "site",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("business_hours", sa.JSON(), nullable=False),
        sa.Column("holiday_country", sa.String(length=8), nullable=True),
        sa.Column("holiday_subdiv", sa.String(length=16), nullable=True),
        sa.Column("next_ticket_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "sla_policy",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("around_the_clock", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("priority"),
    )
    op.create_table(
        "team",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("is_service_desk", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "caller",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("employee_id", sa.String(length=40), nullable=True),
        sa.Column("department", sa.String(length=120), nullable=True),
        sa.Column("site_id", models.types.UUIDType(), nullable=True),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("caller", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_caller_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_caller_employee_id"), ["employee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_caller_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_caller_site_id"), ["site_id"], unique=False)

    op.create_table(
        "category",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("default_team_id", models.types.UUIDType(), nullable=True),
        sa.ForeignKeyConstraint(
            ["default_team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "staff",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("role", sa.SmallInteger(), nullable=False),
        sa.Column("team_id", models.types.UUIDType(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_team_id"), ["team_id"], unique=False)

    op.create_table(
        "asset",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("serial", sa.String(length=80), nullable=False),
        sa.Column("site_id", models.types.UUIDType(), nullable=True),
        sa.Column("owner_id", models.types.UUIDType(), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["caller.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tag"),
    )
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_site_id"), ["site_id"], unique=False)

    op.create_table(
        "caller_phone",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("caller_id", models.types.UUIDType(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("digits", sa.String(length=24), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["caller_id"],
            ["caller.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("caller_phone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_caller_phone_caller_id"), ["caller_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_caller_phone_digits"), ["digits"], unique=False)

    op.create_table(
        "ticket",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("site_id", models.types.UUIDType(), nullable=False),
        sa.Column("caller_id", models.types.UUIDType(), nullable=True),
        sa.Column("asset_id", models.types.UUIDType(), nullable=True),
        sa.Column("category_id", models.types.UUIDType(), nullable=True),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("channel", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("assignee_id", models.types.UUIDType(), nullable=True),
        sa.Column("team_id", models.types.UUIDType(), nullable=True),
        sa.Column("created_by_id", models.types.UUIDType(), nullable=True),
        sa.Column("caller_name", sa.String(length=160), nullable=False),
        sa.Column("assignee_name", sa.String(length=120), nullable=False),
        sa.Column("team_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("response_due_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolution_due_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sla_due_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("waiting_since", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paused_minutes", sa.Float(), nullable=False),
        sa.Column("response_breached", sa.Boolean(), nullable=False),
        sa.Column("resolution_breached", sa.Boolean(), nullable=False),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("first_contact_resolution", sa.Boolean(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("manager_flagged", sa.Boolean(), nullable=False),
        sa.Column("manager_flag_reason", sa.String(length=500), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["asset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["caller_id"],
            ["caller.id"],
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index("ix_ticket_assignee_sort", ["assignee_name", "number"], unique=False)
        batch_op.create_index("ix_ticket_assignee_status", ["assignee_id", "status"], unique=False)
        batch_op.create_index("ix_ticket_caller_created", ["caller_id", "created_at"], unique=False)
        batch_op.create_index("ix_ticket_caller_sort", ["caller_name", "number"], unique=False)
        batch_op.create_index("ix_ticket_category_status", ["category_id", "status"], unique=False)
        batch_op.create_index("ix_ticket_closed_at", ["closed_at"], unique=False)
        batch_op.create_index("ix_ticket_created_sort", ["created_at", "number"], unique=False)
        batch_op.create_index("ix_ticket_due_sort", ["sla_due_at", "number"], unique=False)
        batch_op.create_index("ix_ticket_priority_sort", ["priority", "number"], unique=False)
        batch_op.create_index("ix_ticket_resolved_at", ["resolved_at"], unique=False)
        batch_op.create_index("ix_ticket_site_status", ["site_id", "status"], unique=False)
        batch_op.create_index("ix_ticket_status_sort", ["status", "number"], unique=False)
        batch_op.create_index("ix_ticket_summary_sort", ["summary", "number"], unique=False)
        batch_op.create_index("ix_ticket_team_sort", ["team_name", "number"], unique=False)
        batch_op.create_index("ix_ticket_team_status", ["team_id", "status"], unique=False)
        batch_op.create_index("ix_ticket_updated_at", ["updated_at"], unique=False)

    op.create_table(
        "call",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("caller_id", models.types.UUIDType(), nullable=True),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("operator_id", models.types.UUIDType(), nullable=True),
        sa.Column("started_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ticket_id", models.types.UUIDType(), nullable=True),
        sa.ForeignKeyConstraint(
            ["caller_id"],
            ["caller.id"],
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_caller_id"), ["caller_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_started_at"), ["started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "ticket_event",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("ticket_id", models.types.UUIDType(), nullable=False),
        sa.Column("ticket_version", sa.Integer(), nullable=False),
        sa.Column("at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", models.types.UUIDType(), nullable=True),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=400), nullable=False),
        sa.Column("new_value", sa.String(length=400), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("minutes_spent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_event_ticket_at", ["ticket_id", "at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_event_ticket_at")

    op.drop_table("ticket_event")
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_call_started_at"))
        batch_op.drop_index(batch_op.f("ix_call_caller_id"))

    op.drop_table("call")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_updated_at")
        batch_op.drop_index("ix_ticket_team_status")
        batch_op.drop_index("ix_ticket_team_sort")
        batch_op.drop_index("ix_ticket_summary_sort")
        batch_op.drop_index("ix_ticket_status_sort")
        batch_op.drop_index("ix_ticket_site_status")
        batch_op.drop_index("ix_ticket_resolved_at")
        batch_op.drop_index("ix_ticket_priority_sort")
        batch_op.drop_index("ix_ticket_due_sort")
        batch_op.drop_index("ix_ticket_created_sort")
        batch_op.drop_index("ix_ticket_closed_at")
        batch_op.drop_index("ix_ticket_category_status")
        batch_op.drop_index("ix_ticket_caller_sort")
        batch_op.drop_index("ix_ticket_caller_created")
        batch_op.drop_index("ix_ticket_assignee_status")
        batch_op.drop_index("ix_ticket_assignee_sort")
        batch_op.drop_index(batch_op.f("ix_ticket_asset_id"))

    op.drop_table("ticket")
    with op.batch_alter_table("caller_phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caller_phone_digits"))
        batch_op.drop_index(batch_op.f("ix_caller_phone_caller_id"))

    op.drop_table("caller_phone")
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_site_id"))
        batch_op.drop_index(batch_op.f("ix_asset_owner_id"))

    op.drop_table("asset")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_team_id"))

    op.drop_table("staff")
    op.drop_table("category")
    with op.batch_alter_table("caller", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caller_site_id"))
        batch_op.drop_index(batch_op.f("ix_caller_name"))
        batch_op.drop_index(batch_op.f("ix_caller_employee_id"))
        batch_op.drop_index(batch_op.f("ix_caller_email"))

    op.drop_table("caller")
    op.drop_table("team")
    op.drop_table("sla_policy")
    op.drop_table("site")
    op.drop_table("setting")
    op.drop_table("priority_rule")
