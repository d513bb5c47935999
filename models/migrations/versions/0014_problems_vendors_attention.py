"""Problem management, vendors and contracts, and the manager's attention list: problems
with their assets, categories and events, dismissed detection candidates, vendors, contracts
with what they cover, escalations to vendors, the attention rules and items; a ticket's
problem and the response it awaits from a vendor.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime, UUIDType

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = UTCDateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", UUIDType(), nullable=False)


def _link(table: str, left: str, right: str) -> None:
    """A two-column link table (``left`` and ``right`` are ``"problem.id"``-style targets)."""
    first, second = (f"{target.split('.')[0]}_id" for target in (left, right))
    op.create_table(
        table,
        sa.Column(first, UUIDType(), nullable=False),
        sa.Column(second, UUIDType(), nullable=False),
        sa.ForeignKeyConstraint([first], [left]),
        sa.ForeignKeyConstraint([second], [right]),
        sa.PrimaryKeyConstraint(first, second),
    )
    op.create_index(f"ix_{table}_{second}", table, [second])


def upgrade() -> None:
    op.create_table(
        "problem",
        _id(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("owner_id", UUIDType(), nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("permanent_fix", sa.Text(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("candidate_key", sa.String(length=200), nullable=True),
        sa.Column("created_by_id", UUIDType(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("resolved_at", WHEN, nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    for column in ("owner_id", "candidate_key", "created_at", "resolved_at"):
        op.create_index(f"ix_problem_{column}", "problem", [column])
    op.create_index("ix_problem_status_number", "problem", ["status", "number"])
    op.create_index("ix_problem_target", "problem", ["status", "target_date"])
    _link("problem_asset", "problem.id", "asset.id")
    _link("problem_category", "problem.id", "category.id")
    op.create_table(
        "problem_event",
        _id(),
        sa.Column("problem_id", UUIDType(), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor_id", UUIDType(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=400), nullable=False),
        sa.Column("new_value", sa.String(length=400), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_problem_event_problem_at", "problem_event", ["problem_id", "at"])
    op.create_table(
        "candidate_dismissal",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("dismissed_by_id", UUIDType(), nullable=True),
        sa.Column("dismissed_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["dismissed_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("key"),
    )

    op.create_table(
        "vendor",
        _id(),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("support_phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("portal_url", sa.String(length=300), nullable=False),
        sa.Column("account_number", sa.String(length=80), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "contract",
        _id(),
        sa.Column("vendor_id", UUIDType(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("around_the_clock", sa.Boolean(), nullable=False),
        sa.Column("support_hours", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("response_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Numeric(12, 2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vendor_id", "number", name="uq_contract_vendor_number"),
    )
    op.create_index("ix_contract_vendor_id", "contract", ["vendor_id"])
    op.create_index("ix_contract_ends_on", "contract", ["ends_on"])
    _link("contract_asset", "contract.id", "asset.id")
    _link("contract_category", "contract.id", "category.id")
    op.create_table(
        "vendor_escalation",
        _id(),
        sa.Column("ticket_id", UUIDType(), nullable=False),
        sa.Column("vendor_id", UUIDType(), nullable=False),
        sa.Column("contract_id", UUIDType(), nullable=True),
        sa.Column("case_number", sa.String(length=80), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("escalated_at", WHEN, nullable=False),
        sa.Column("escalated_by_id", UUIDType(), nullable=True),
        sa.Column("response_due_at", WHEN, nullable=True),
        sa.Column("responded_at", WHEN, nullable=True),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"]),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.ForeignKeyConstraint(["escalated_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vendor_id", "case_number", name="uq_vendor_escalation_case"),
    )
    for column in ("ticket_id", "vendor_id", "escalated_at"):
        op.create_index(f"ix_vendor_escalation_{column}", "vendor_escalation", [column])

    op.create_table(
        "attention_rule",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", UUIDType(), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "attention_item",
        _id(),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("subject_id", UUIDType(), nullable=False),
        sa.Column("ticket_id", UUIDType(), nullable=True),
        sa.Column("problem_id", UUIDType(), nullable=True),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("raised_at", WHEN, nullable=False),
        sa.Column("acknowledged_by_id", UUIDType(), nullable=True),
        sa.Column("acknowledged_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"]),
        sa.ForeignKeyConstraint(["acknowledged_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rule", "subject_id", name="uq_attention_item_rule_subject"),
    )
    op.create_index("ix_attention_item_ticket_id", "attention_item", ["ticket_id"])
    op.create_index("ix_attention_item_problem_id", "attention_item", ["problem_id"])
    op.create_index("ix_attention_item_open", "attention_item", ["acknowledged_at", "raised_at"])

    op.add_column("ticket", sa.Column("problem_id", UUIDType(), nullable=True))
    op.add_column("ticket", sa.Column("vendor_due_at", WHEN, nullable=True))
    op.create_index("ix_ticket_problem_id", "ticket", ["problem_id"])
    op.create_index("ix_ticket_vendor_due_at", "ticket", ["vendor_due_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_vendor_due_at", "ticket")
    op.drop_index("ix_ticket_problem_id", "ticket")
    for column in ("vendor_due_at", "problem_id"):
        op.drop_column("ticket", column)
    for table in (
        "attention_item",
        "attention_rule",
        "vendor_escalation",
        "contract_category",
        "contract_asset",
        "contract",
        "vendor",
        "candidate_dismissal",
        "problem_event",
        "problem_category",
        "problem_asset",
        "problem",
    ):
        op.drop_table(table)  # their indexes go with them
