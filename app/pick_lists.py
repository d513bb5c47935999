"""Pick lists for filters and editors: sites, teams, staff, categories, callers, assets.

Returned as small frozen dataclasses (id + label) so widgets never hold ORM objects.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import col, or_, select

from app.search_terms import like_pattern
from models.engine import read_session
from models.org import Category, Site, Staff, Team
from models.people import Asset, Caller

PICK_LIMIT = 50


@dataclass(frozen=True)
class Choice:
    """One entry of a pick list."""

    id: uuid.UUID
    label: str
    detail: str = ""


def sites(engine: Engine) -> list[Choice]:
    with read_session(engine) as s:
        rows = s.exec(select(Site).order_by(col(Site.code))).all()
        return [Choice(r.id, r.code, r.name) for r in rows]


def teams(engine: Engine) -> list[Choice]:
    with read_session(engine) as s:
        rows = s.exec(select(Team).order_by(col(Team.name))).all()
        return [Choice(r.id, r.name) for r in rows]


def staff(engine: Engine, active_only: bool = True) -> list[Choice]:
    statement = select(Staff).order_by(col(Staff.name))
    if active_only:
        statement = statement.where(col(Staff.active))
    with read_session(engine) as s:
        return [Choice(r.id, r.name, r.username) for r in s.exec(statement).all()]


def categories(engine: Engine) -> list[Choice]:
    with read_session(engine) as s:
        rows = s.exec(select(Category).order_by(col(Category.name))).all()
        return [Choice(r.id, r.name) for r in rows]


def find_callers(engine: Engine, text: str, limit: int = PICK_LIMIT) -> list[Choice]:
    """Callers whose name or e-mail starts with ``text`` (a simple picker for the editor)."""
    text = " ".join(text.split())
    if not text:
        return []
    pattern = like_pattern(text) + "%"
    statement = (
        select(Caller)
        .where(
            or_(
                col(Caller.name).ilike(pattern, escape="\\"),
                col(Caller.email).ilike(pattern, escape="\\"),
            )
        )
        .order_by(col(Caller.name))
        .limit(limit)
    )
    with read_session(engine) as s:
        return [Choice(r.id, r.name, r.email or "") for r in s.exec(statement).all()]


def caller_assets(engine: Engine, caller_id: uuid.UUID) -> list[Choice]:
    """The assets a caller owns, for the editor's asset list."""
    statement = select(Asset).where(Asset.owner_id == caller_id).order_by(col(Asset.tag))
    with read_session(engine) as s:
        return [Choice(r.id, r.tag, r.model) for r in s.exec(statement).all()]


def caller_site_and_assets(
    engine: Engine, caller_id: uuid.UUID
) -> tuple[uuid.UUID | None, list[Choice]]:
    """The caller's site (the default site of a new ticket) and the assets they own."""
    with read_session(engine) as s:
        caller = s.get(Caller, caller_id)
        site_id = caller.site_id if caller else None
    return site_id, caller_assets(engine, caller_id)
