"""Pick lists for filters and editors: sites, teams, staff, categories, a caller's assets.

Returned as small frozen dataclasses (id + label) so widgets never hold ORM objects. A form
or a filter bar asks for everything it lists in one call (:func:`ticket_choices`,
:func:`app.queue.choices.queue_choices`), answered from one session: one round trip to a
shared server instead of one per list, and lists that agree with each other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.tickets.priority import load_matrix
from models.engine import read_session
from models.enums import Priority
from models.org import Category, Site, Staff, Team
from models.people import Asset, Caller


@dataclass(frozen=True)
class Choice:
    """One entry of a pick list."""

    id: uuid.UUID
    label: str
    detail: str = ""


@dataclass(frozen=True)
class OrganisationLists:
    """The organisation as every ticket form and filter lists it; staff are active ones."""

    sites: list[Choice]
    teams: list[Choice]
    staff: list[Choice]
    categories: list[Choice]


@dataclass(frozen=True)
class TicketChoices:
    """What the ticket form offers: the organisation's lists and the priority matrix."""

    lists: OrganisationLists
    matrix: list[list[Priority]]


def _sites(session: Session) -> list[Choice]:
    rows = session.exec(select(Site).order_by(col(Site.code))).all()
    return [Choice(r.id, r.code, r.name) for r in rows]


def organisation_lists(session: Session, *, retired_categories: bool = True) -> OrganisationLists:
    """Sites by code, teams, active staff and categories, read in ``session``. A
    subcategory is named under its category ("Network › Wi-Fi"), so the list reads as the
    tree; retired categories only with ``retired_categories`` (the queue filters by them,
    a new ticket is not given one)."""
    teams = session.exec(select(Team).order_by(col(Team.name))).all()
    staff = session.exec(select(Staff).where(col(Staff.active)).order_by(col(Staff.name))).all()
    return OrganisationLists(
        sites=_sites(session),
        teams=[Choice(r.id, r.name) for r in teams],
        staff=[Choice(r.id, r.name, r.username) for r in staff],
        categories=_categories(session, retired_categories),
    )


def _categories(session: Session, retired: bool) -> list[Choice]:
    rows = session.exec(select(Category)).all()
    names = {row.id: row.name for row in rows}
    choices = [
        Choice(
            row.id, f"{names[row.parent_id]} › {row.name}" if row.parent_id in names else row.name
        )
        for row in rows
        if retired or not row.retired
    ]
    return sorted(choices, key=lambda choice: choice.label.casefold())


def site_choices(connection: Connection) -> tuple[Choice, ...]:
    """The sites by code, their names as detail (a view's pick list read with others)."""
    rows = connection.execute(
        sa_select(col(Site.id), col(Site.code), col(Site.name)).order_by(col(Site.code))
    ).all()
    return tuple(Choice(*row) for row in rows)


def team_choices(connection: Connection) -> tuple[Choice, ...]:
    """The teams by name."""
    rows = connection.execute(
        sa_select(col(Team.id), col(Team.name)).order_by(func.lower(Team.name))
    ).all()
    return tuple(Choice(*row) for row in rows)


def active_staff_choices(connection: Connection) -> tuple[Choice, ...]:
    """Active staff by name, their user names as detail (deactivated people are in no
    picker)."""
    rows = connection.execute(
        sa_select(col(Staff.id), col(Staff.name), col(Staff.username))
        .where(col(Staff.active))
        .order_by(func.lower(Staff.name), col(Staff.username))
    ).all()
    return tuple(Choice(*row) for row in rows)


def sites(engine: Engine) -> list[Choice]:
    """The sites by code, with their names as detail."""
    with read_session(engine) as session:
        return _sites(session)


def ticket_choices(engine: Engine) -> TicketChoices:
    """Everything the ticket form lists, in one session."""
    with read_session(engine) as session:
        return TicketChoices(
            organisation_lists(session, retired_categories=False), load_matrix(session)
        )


def caller_site_and_assets(
    engine: Engine, caller_id: uuid.UUID
) -> tuple[uuid.UUID | None, list[Choice]]:
    """The caller's site (the default site of a new ticket) and the assets they own."""
    statement = select(Asset).where(Asset.owner_id == caller_id).order_by(col(Asset.tag))
    with read_session(engine) as session:
        caller = session.get(Caller, caller_id)
        assets = [Choice(r.id, r.tag, r.model) for r in session.exec(statement).all()]
        return (caller.site_id if caller else None), assets
