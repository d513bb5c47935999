"""Kept report figures: the ``report_store`` table, and the triggers that forget a row when a
ticket or ticket event that could change its figures is written (models/report_store.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime, UUIDType

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the kept figures read of a ticket, by the moment that puts it in a period (written out,
# as a migration stays as it was whatever the report becomes):
# - created in the span: volume and its breakdowns, first contact resolution, repeat
#   incidents (the span starts 30 days early for them);
CREATED = (
    "site_id",
    "created_at",
    "category_id",
    "priority",
    "channel",
    "first_contact_resolution",
    "caller_id",
    "asset_id",
)
# - first answered or resolved in the span: the times, SLA compliance, first level resolution;
TIMED = (
    "site_id",
    "created_at",
    "priority",
    "category_id",
    "assignee_id",
    "team_id",
    "escalated",
    "first_response_at",
    "resolved_at",
    "response_due_at",
    "resolution_due_at",
    "response_breached",
    "resolution_breached",
)
# - closed in the span: the trend's closed counts;
# - created before its end, for a part that holds the backlog at its end (``with_backlog``):
#   a ticket leaves that backlog when it is closed before the end (closing one now changes
#   no past backlog; reopening one closed then does), or when it moves site.
TRIGGER_COLUMNS = sorted({*CREATED, *TIMED, "closed_at"})


def _changed(columns: Sequence[str], old: str, new: str, differs: str) -> str:
    return "(" + " OR ".join(f"{old}.{c} {differs} {new}.{c}" for c in columns) + ")"


def _in_span(column: str) -> str:
    return f"({column} >= report_store.lo AND {column} < report_store.hi)"


def _update_touches(old: str, new: str, differs: str) -> str:
    """True for a report_store row whose figures a ticket's update (``old`` to ``new``)
    could change."""
    created = f"({_in_span(f'{old}.created_at')} OR {_in_span(f'{new}.created_at')})"
    timed = " OR ".join(
        _in_span(f"{row}.{moment}")
        for moment in ("first_response_at", "resolved_at")
        for row in (old, new)
    )
    closed = f"({_in_span(f'{old}.closed_at')} OR {_in_span(f'{new}.closed_at')})"
    closing = f"{old}.closed_at {differs} {new}.closed_at"
    moved = f"{old}.site_id {differs} {new}.site_id"
    hi = "report_store.hi"
    backlog = (
        f"report_store.with_backlog AND {old}.created_at < {hi} AND ({moved} OR"
        f" ({closing} AND ({old}.closed_at < {hi} OR {new}.closed_at < {hi})))"
    )
    return (
        f"({created} AND {_changed(CREATED, old, new, differs)})"
        f" OR (({timed}) AND {_changed(TIMED, old, new, differs)})"
        f" OR ({closed} AND ({closing} OR {moved}))"
        f" OR ({backlog})"
    )


def _sqlite_ddl() -> list[str]:
    forget = "DELETE FROM report_store WHERE"
    return [
        f"""CREATE TRIGGER report_store_ticket_insert AFTER INSERT ON ticket BEGIN
            {forget} NEW.created_at < report_store.hi; END""",
        f"""CREATE TRIGGER report_store_ticket_delete AFTER DELETE ON ticket BEGIN
            {forget} OLD.created_at < report_store.hi; END""",
        f"""CREATE TRIGGER report_store_ticket_update
            AFTER UPDATE OF {", ".join(TRIGGER_COLUMNS)} ON ticket BEGIN
            {forget} {_update_touches("OLD", "NEW", "IS NOT")}; END""",
        f"""CREATE TRIGGER report_store_event_insert AFTER INSERT ON ticket_event BEGIN
            {forget} {_in_span("NEW.at")}; END""",
        f"""CREATE TRIGGER report_store_event_delete AFTER DELETE ON ticket_event BEGIN
            {forget} {_in_span("OLD.at")}; END""",
        f"""CREATE TRIGGER report_store_event_update AFTER UPDATE ON ticket_event BEGIN
            {forget} {_in_span("OLD.at")} OR {_in_span("NEW.at")}; END""",
    ]


def _postgres_function(name: str, rows: str, where: str) -> str:
    """A statement trigger's function: one DELETE for all the rows a statement wrote (a bulk
    load or a bulk update runs it once, not once per row). It runs as the schema's owner
    (SECURITY DEFINER): an operator saving a ticket may not touch the manager's report
    figures, but what they change must still forget them."""
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
        BEGIN
            DELETE FROM report_store WHERE EXISTS (SELECT 1 FROM {rows} WHERE {where});
            RETURN NULL;
        END $$"""


# (trigger, table, event, transition tables, the rows the function reads, the condition)
_POSTGRES_TRIGGERS = (
    (
        "report_store_ticket_insert",
        "ticket",
        "INSERT",
        "NEW TABLE AS n",
        "n",
        "n.created_at < report_store.hi",
    ),
    (
        "report_store_ticket_delete",
        "ticket",
        "DELETE",
        "OLD TABLE AS o",
        "o",
        "o.created_at < report_store.hi",
    ),
    (
        "report_store_ticket_update",
        "ticket",
        "UPDATE",
        "OLD TABLE AS o NEW TABLE AS n",
        "o JOIN n ON o.id = n.id",
        _update_touches("o", "n", "IS DISTINCT FROM"),
    ),
    (
        "report_store_event_insert",
        "ticket_event",
        "INSERT",
        "NEW TABLE AS n",
        "n",
        _in_span("n.at"),
    ),
    (
        "report_store_event_delete",
        "ticket_event",
        "DELETE",
        "OLD TABLE AS o",
        "o",
        _in_span("o.at"),
    ),
    (
        "report_store_event_update",
        "ticket_event",
        "UPDATE",
        "OLD TABLE AS o NEW TABLE AS n",
        "o JOIN n ON o.id = n.id",
        f"{_in_span('o.at')} OR {_in_span('n.at')}",
    ),
)


def _postgres_ddl() -> list[str]:
    statements = []
    for name, table, event, transition, rows, where in _POSTGRES_TRIGGERS:
        statements.append(_postgres_function(name, rows, where))
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


def upgrade() -> None:
    op.create_table(
        "report_store",
        sa.Column("id", UUIDType(), primary_key=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("site_key", sa.String(length=16), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("lo", UTCDateTime(), nullable=False),
        sa.Column("hi", UTCDateTime(), nullable=False),
        sa.Column("with_backlog", sa.Boolean(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.UniqueConstraint(
            "kind", "site_key", "first_day", "last_day", name="uq_report_store_key"
        ),
    )
    for statement in _sqlite_ddl() if _sqlite() else _postgres_ddl():
        op.execute(statement)


def downgrade() -> None:
    for name, table, *_rest in reversed(_POSTGRES_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if _sqlite() else f" ON {table}"))
        if not _sqlite():
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("report_store")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"
