"""Setting up a new database for a real organisation: its name and first site, in one go.

``switchboard init --org NAME --site CODE --timezone TZ --holidays CC[-REGION]`` does it for
scripted installs; the first-run set-up of the window does the same step by step. Every flag
is checked before the database is created, so a typing mistake leaves no half-set-up file.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Engine
from sqlmodel import col, select

from app.defaults import FIRST_SITE_CODE, FIRST_SITE_NAME, local_timezone_name
from app.org.organisation import save_organisation
from app.org.sites import SiteDraft, clean_draft, save_site
from models.engine import read_session
from models.org import Site


def first_site(
    code: str | None, name: str | None, timezone: str | None, holidays: str | None
) -> SiteDraft:
    """The first site as given (anything left out keeps the default: HQ, "Main office",
    this computer's time zone, no holidays), checked; ValidationError by field."""
    country, _, region = (holidays or "").partition("-")
    return clean_draft(
        SiteDraft(
            code=code or FIRST_SITE_CODE,
            name=name or FIRST_SITE_NAME,
            timezone=timezone or local_timezone_name(),
            holiday_country=country or None,
            holiday_subdiv=region or None,
        )
    )


def set_up(
    engine: Engine, admin_id: uuid.UUID, *, organisation: str | None, site: SiteDraft | None
) -> None:
    """Name the organisation and make the database's one site ``site``, as ``admin_id``."""
    if site is not None:
        with read_session(engine) as session:
            current = session.exec(select(Site.id).order_by(col(Site.code))).first()
        save_site(engine, admin_id, site, site_id=current)
    if organisation is not None:
        save_organisation(engine, admin_id, name=organisation)
