"""What the maintenance calendar's filters and the task editor offer, in one read.

Sites, teams and active staff (owners), and the assets a task can cover: the infrastructure
kinds (servers, routers, switches, software, printers, other), not the laptops, desktops and
phones of the register, which are looked after through tickets, not a schedule.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlmodel import col

from app.pick_lists import Choice, active_staff_choices, site_choices, team_choices
from models.engine import read_connection
from models.enums import AssetKind, AssetStatus
from models.people import Asset

SCHEDULED_KINDS = (
    AssetKind.SERVER,
    AssetKind.ROUTER,
    AssetKind.SWITCH,
    AssetKind.SOFTWARE,
    AssetKind.PRINTER,
    AssetKind.OTHER,
)


@dataclass(frozen=True)
class MaintenanceChoices:
    """The lists the calendar and the task editor offer."""

    sites: tuple[Choice, ...]  # by code, the name as detail
    teams: tuple[Choice, ...]  # by name
    staff: tuple[Choice, ...]  # active people, by name
    assets: tuple[Choice, ...]  # by tag, make and model as detail; retired ones left out


def maintenance_choices(engine: Engine) -> MaintenanceChoices:
    """Sites, teams, active staff and the assets a task can cover, from one transaction."""
    with read_connection(engine) as connection:
        assets = connection.execute(
            select(col(Asset.id), col(Asset.tag), col(Asset.make), col(Asset.model))
            .where(
                col(Asset.kind).in_(SCHEDULED_KINDS),
                col(Asset.status) != AssetStatus.RETIRED,
            )
            .order_by(col(Asset.tag))
        ).all()
        return MaintenanceChoices(
            sites=site_choices(connection),
            teams=team_choices(connection),
            staff=active_staff_choices(connection),
            assets=tuple(
                Choice(row[0], row[1], " ".join(p for p in (row[2], row[3]) if p)) for row in assets
            ),
        )
