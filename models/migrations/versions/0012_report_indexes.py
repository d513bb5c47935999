"""The monthly report's indexes: a site's tickets by when they were created, first answered,
resolved (with what SLA compliance needs) and closed, and ticket events by kind and time.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TICKET_INDEXES = {
    "ix_ticket_site_created": ["site_id", "created_at"],
    "ix_ticket_site_responded": ["site_id", "first_response_at"],
    "ix_ticket_site_resolved": [
        "site_id",
        "resolved_at",
        "resolution_breached",
        "resolution_due_at",
    ],
    "ix_ticket_site_closed": ["site_id", "closed_at", "created_at"],
    "ix_ticket_asset_created": ["asset_id", "created_at"],
    "ix_ticket_site_of": ["id", "site_id"],
}


# Resolutions (a status change to Resolved, kind 3) and time logged; written out, as a
# migration stays as it was whatever the models become.
PARTIAL_EVENT_INDEXES = {
    "ix_ticket_event_resolved": (
        ["kind", "at", "ticket_id"],
        "kind = 3 AND new_value = 'Resolved'",
    ),
    "ix_ticket_event_logged": (
        ["at", "ticket_id", "actor_id", "minutes_spent"],
        "minutes_spent > 0",
    ),
}


def upgrade() -> None:
    for name, columns in TICKET_INDEXES.items():
        op.create_index(name, "ticket", columns)
    op.create_index("ix_ticket_event_kind_at", "ticket_event", ["kind", "at"])
    for name, (columns, where) in PARTIAL_EVENT_INDEXES.items():
        op.create_index(
            name,
            "ticket_event",
            columns,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name in PARTIAL_EVENT_INDEXES:
        op.drop_index(name, table_name="ticket_event")
    op.drop_index("ix_ticket_event_kind_at", table_name="ticket_event")
    for name in reversed(TICKET_INDEXES):
        op.drop_index(name, table_name="ticket")
