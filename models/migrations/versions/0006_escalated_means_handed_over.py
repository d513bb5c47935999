"""``ticket.escalated`` means the functional escalation only: handed to another team.

Flagging a ticket to a manager (the hierarchical escalation, ``manager_flagged``) used to set
``escalated`` too, so the two could not be told apart. From this revision a ticket is
``escalated`` exactly when it has an ESCALATED event; the rows written before are put right
from their events. Only the flag is rewritten: the ticket's version and ``updated_at`` stay,
as no one changed the ticket. No schema change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of models.enums.EventKind.ESCALATED (migrations must not change when the
# application does).
ESCALATED = 6

_HAS_ESCALATED_EVENT = (
    "EXISTS (SELECT 1 FROM ticket_event e WHERE e.ticket_id = ticket.id AND e.kind = :escalated)"
)


def upgrade() -> None:
    bind = op.get_bind()
    for value, condition in ((False, "NOT " + _HAS_ESCALATED_EVENT), (True, _HAS_ESCALATED_EVENT)):
        bind.execute(
            sa.text(
                f"UPDATE ticket SET escalated = :value WHERE escalated <> :value AND {condition}"
            ),
            {"value": value, "escalated": ESCALATED},
        )


def downgrade() -> None:
    # Before this revision a flagged ticket counted as escalated as well.
    op.get_bind().execute(
        sa.text(
            "UPDATE ticket SET escalated = :yes WHERE manager_flagged = :yes AND escalated <> :yes"
        ),
        {"yes": True},
    )
