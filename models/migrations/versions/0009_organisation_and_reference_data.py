"""Setting up a real organisation: its name and logo, sites with an address, a phone region
and closures, team members, a two-level category tree with defaults and retirement, SLA
overrides per site and category (a policy a ticket was opened under is retired, never
changed), and the asset register's fields.

Tickets opened before this revision have no ``sla_policy_id``: their due times are stored
already, and a resumed clock uses their priority's current policy, as before. Filling the
column in would rewrite every ticket row (a million on a big desk) for no gain.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One current policy per priority and scope; the partial indexes of models.org.SlaPolicy.
_SCOPES = {
    "uq_sla_policy_default": (["priority"], "site_id IS NULL AND category_id IS NULL"),
    "uq_sla_policy_site": (["priority", "site_id"], "site_id IS NOT NULL AND category_id IS NULL"),
    "uq_sla_policy_category": (
        ["priority", "category_id"],
        "site_id IS NULL AND category_id IS NOT NULL",
    ),
    "uq_sla_policy_site_category": (
        ["priority", "site_id", "category_id"],
        "site_id IS NOT NULL AND category_id IS NOT NULL",
    ),
}


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "site_closure",
        sa.Column("id", models.types.UUIDType(), nullable=False),
        sa.Column("site_id", models.types.UUIDType(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_site_closure_site_id", "site_closure", ["site_id"])
    op.create_table(
        "team_member",
        sa.Column("team_id", models.types.UUIDType(), nullable=False),
        sa.Column("staff_id", models.types.UUIDType(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("team_id", "staff_id"),
    )
    op.create_index("ix_team_member_staff_id", "team_member", ["staff_id"])
    # Everyone is a member of the team they were in.
    op.execute(
        "INSERT INTO team_member (team_id, staff_id) "
        "SELECT team_id, id FROM staff WHERE team_id IS NOT NULL"
    )

    op.add_column(
        "site", sa.Column("address", sa.String(length=400), nullable=False, server_default="")
    )
    op.add_column("site", sa.Column("phone_region", sa.String(length=2), nullable=True))

    op.add_column("category", sa.Column("parent_id", models.types.UUIDType(), nullable=True))
    op.add_column("category", sa.Column("default_impact", sa.Integer(), nullable=True))
    op.add_column("category", sa.Column("default_urgency", sa.Integer(), nullable=True))
    op.add_column(
        "category",
        sa.Column("retired", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_category_parent_id", "category", ["parent_id"])

    _sla_policy_scopes()
    op.add_column("ticket", sa.Column("sla_policy_id", models.types.UUIDType(), nullable=True))

    op.add_column(
        "asset", sa.Column("make", sa.String(length=80), nullable=False, server_default="")
    )
    op.add_column(
        "asset", sa.Column("status", sa.SmallInteger(), nullable=False, server_default="1")
    )
    op.add_column(
        "asset", sa.Column("location", sa.String(length=120), nullable=False, server_default="")
    )
    op.add_column("asset", sa.Column("purchased_on", sa.Date(), nullable=True))
    op.add_column("asset", sa.Column("warranty_ends_on", sa.Date(), nullable=True))
    op.create_index("ix_asset_status", "asset", ["status"])
    op.create_index("ix_asset_warranty_ends_on", "asset", ["warranty_ends_on"])


def _sla_policy_scopes() -> None:
    """Overrides per site and category: the one-policy-per-priority rule becomes one current
    policy per priority and scope (partial unique indexes)."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite keeps UNIQUE(priority) in the table's definition: the table is made anew
        # (nothing points at it yet), with the new columns.
        _rebuild_sqlite_sla_policy(
            "site_id BLOB REFERENCES site (id), category_id BLOB REFERENCES category (id), "
            "retired_at DATETIME"
        )
    else:
        op.drop_constraint("sla_policy_priority_key", "sla_policy", type_="unique")
        op.add_column(
            "sla_policy",
            sa.Column("site_id", models.types.UUIDType(), sa.ForeignKey("site.id"), nullable=True),
        )
        op.add_column(
            "sla_policy",
            sa.Column(
                "category_id",
                models.types.UUIDType(),
                sa.ForeignKey("category.id"),
                nullable=True,
            ),
        )
        op.add_column(
            "sla_policy",
            sa.Column("retired_at", models.types.UTCDateTime(timezone=True), nullable=True),
        )
    for name, (keys, where) in _SCOPES.items():
        condition = sa.text(f"{where} AND retired_at IS NULL")
        op.create_index(
            name,
            "sla_policy",
            keys,
            unique=True,
            sqlite_where=condition,
            postgresql_where=condition,
        )


_POLICY_COLUMNS = (
    "id BLOB NOT NULL, priority SMALLINT NOT NULL, name VARCHAR(80) NOT NULL, "
    "response_minutes INTEGER NOT NULL, resolution_minutes INTEGER NOT NULL, "
    "around_the_clock BOOLEAN NOT NULL"
)
_POLICY_NAMES = "id, priority, name, response_minutes, resolution_minutes, around_the_clock"


def _rebuild_sqlite_sla_policy(extra_columns: str) -> None:
    """sla_policy made anew as 0001 made it, plus ``extra_columns`` (empty afterwards), its
    rows copied over; UNIQUE(priority) only without extras, as before this revision."""
    columns = f"{_POLICY_COLUMNS}, {extra_columns}" if extra_columns else _POLICY_COLUMNS
    unique = "" if extra_columns else ", UNIQUE (priority)"
    op.execute(f"CREATE TABLE sla_policy_new ({columns}, PRIMARY KEY (id){unique})")
    op.execute(
        f"INSERT INTO sla_policy_new ({_POLICY_NAMES}) SELECT {_POLICY_NAMES} FROM sla_policy"
    )
    op.execute("DROP TABLE sla_policy")
    op.execute("ALTER TABLE sla_policy_new RENAME TO sla_policy")


def downgrade() -> None:
    bind = op.get_bind()
    scoped = bind.execute(
        sa.text(
            "SELECT count(*) FROM sla_policy WHERE site_id IS NOT NULL "
            "OR category_id IS NOT NULL OR retired_at IS NOT NULL"
        )
    ).scalar()
    if scoped:
        raise RuntimeError(
            "SLA overrides or retired policies exist, which the older schema cannot hold: "
            "remove them with this version of Switchboard before downgrading."
        )
    for name in ("ix_asset_warranty_ends_on", "ix_asset_status"):
        op.drop_index(name, table_name="asset")
    for column in ("warranty_ends_on", "purchased_on", "location", "status", "make"):
        op.drop_column("asset", column)
    for name in _SCOPES:
        op.drop_index(name, table_name="sla_policy")
    op.drop_column("ticket", "sla_policy_id")
    if bind.dialect.name == "sqlite":
        _rebuild_sqlite_sla_policy("")
    else:
        for column in ("retired_at", "category_id", "site_id"):
            op.drop_column("sla_policy", column)
        op.create_unique_constraint("sla_policy_priority_key", "sla_policy", ["priority"])
    op.drop_index("ix_category_parent_id", table_name="category")
    for column in ("retired", "default_urgency", "default_impact", "parent_id"):
        op.drop_column("category", column)
    for column in ("phone_region", "address"):
        op.drop_column("site", column)
    op.drop_table("team_member")
    op.drop_table("site_closure")
    op.drop_table("organisation")
