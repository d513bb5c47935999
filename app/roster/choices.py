"""What the roster's filters and dialogs offer, in one read.

The roster page lists the teams and sites (its filters, and where a shift is worked); the
rotation dialog lists the current shift types, the sites and the active staff in turn: all
read together, so the lists agree with each other and a shared server is asked once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.pick_lists import Choice, active_staff_choices, site_choices, team_choices
from app.roster.week import ShiftTypeInfo
from models.engine import read_connection
from models.roster import ShiftType


@dataclass(frozen=True)
class RosterChoices:
    """The lists the roster offers."""

    types: tuple[ShiftTypeInfo, ...]  # current ones (not retired), by name
    sites: tuple[Choice, ...]  # by code, the name as detail
    staff: tuple[Choice, ...]  # active people, by name, the user name as detail
    teams: tuple[Choice, ...]  # by name


def roster_choices(engine: Engine) -> RosterChoices:
    """Current shift types, sites, active staff and teams, from one transaction."""
    with read_connection(engine) as connection:
        types = connection.execute(
            select(
                col(ShiftType.id),
                col(ShiftType.name),
                col(ShiftType.kind),
                col(ShiftType.colour),
                col(ShiftType.pattern),
                col(ShiftType.starts),
                col(ShiftType.ends),
                col(ShiftType.retired),
            )
            .where(col(ShiftType.retired).is_(False))
            .order_by(func.lower(ShiftType.name))
        ).all()
        sites = site_choices(connection)
        staff = active_staff_choices(connection)
        teams = team_choices(connection)
    return RosterChoices(
        types=tuple(ShiftTypeInfo(*row) for row in types),
        sites=sites,
        staff=staff,
        teams=teams,
    )
