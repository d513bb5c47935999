"""Setting up a new database for a real organisation.

Two ways lead there. ``switchboard init --org NAME --site CODE --timezone TZ --holidays
CC[-REGION]`` does it from flags for scripted installs: every flag is checked before the
database is created, so a typing mistake leaves no half-set-up file. Otherwise the first admin
gets the set-up assistant in the window (ui/settings/set_up_assistant.py), one step at a time:
the organisation, the first site, teams, starting categories, SLA targets, next steps.

Each step of the assistant is written when the person moves on, by the services that edit the
same data later (sites, teams, categories, SLA policies). The step reached is kept in the
database (``Setting`` :data:`app.defaults.SET_UP_KEY`, which a new database starts with), so
the assistant can be left at any point and resumes there on the next start, on any
workstation. A database made by ``demo-data``, set up
by ``init`` flags, or made before the assistant existed never asks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.defaults import FIRST_SITE_CODE, FIRST_SITE_NAME, SET_UP_KEY, local_timezone_name
from app.org.categories import CategoryTree, category_tree
from app.org.organisation import OrganisationInfo, organisation, save_organisation
from app.org.sites import SiteDraft, clean_draft, save_site, site_detail
from app.org.sla_policies import PolicyRow, current_policies
from app.org.teams import TeamRow, list_teams
from app.permissions import Action, require
from models.clock import utcnow
from models.engine import read_session, write_session
from models.org import Setting, Site

STEPS = ("organisation", "site", "teams", "categories", "sla", "next")
DONE = "done"


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


def _first_site_id(engine: Engine) -> uuid.UUID | None:
    with read_session(engine) as session:
        return session.exec(select(Site.id).order_by(col(Site.code))).first()


def set_up(
    engine: Engine, admin_id: uuid.UUID, *, organisation: str | None, site: SiteDraft | None
) -> None:
    """Name the organisation and make the database's one site ``site``, as ``admin_id``.
    Anything given counts as the set-up: the assistant is not offered afterwards."""
    if site is not None:
        save_site(engine, admin_id, site, site_id=_first_site_id(engine))
    if organisation is not None:
        save_organisation(engine, admin_id, name=organisation)
    if site is not None or organisation is not None:
        reach_step(engine, admin_id, DONE)


# -- where the assistant is ---------------------------------------------------------------------


def skip_set_up(session: Session, at: datetime) -> None:
    """Mark a database that needs no assistant (a demo, whose clock is ``at``) as set up."""
    setting = session.get(Setting, SET_UP_KEY)
    if setting is None:
        session.add(Setting(key=SET_UP_KEY, value=DONE, updated_at=at))
    else:
        setting.value, setting.updated_at = DONE, at


def step_to_resume(engine: Engine) -> str | None:
    """The assistant's step to show next, or None when the database needs no set-up."""
    with read_session(engine) as session:
        setting = session.get(Setting, SET_UP_KEY)
    if setting is None or setting.value == DONE:
        return None
    return setting.value if setting.value in STEPS else STEPS[0]


def reach_step(engine: Engine, actor_id: uuid.UUID, step: str) -> None:
    """Remember that the assistant got to ``step`` (:data:`DONE` when finished); admins only."""
    if step not in STEPS and step != DONE:
        raise ValueError(f"no set-up step {step!r}")
    with write_session(engine) as session:
        require(session, actor_id, Action.SET_UP_ORGANISATION)
        setting = session.get(Setting, SET_UP_KEY)
        if setting is None:
            session.add(Setting(key=SET_UP_KEY, value=step))
        else:
            setting.value, setting.updated_at = step, utcnow()


@dataclass(frozen=True)
class SetUpState:
    """Everything the assistant fills its steps with, read in one go: what is saved now."""

    step: str  # the step to open at
    organisation: OrganisationInfo
    site_id: uuid.UUID | None  # the first site (by code), which the site step edits
    site: SiteDraft
    teams: tuple[TeamRow, ...]
    categories: CategoryTree
    policies: tuple[PolicyRow, ...]  # the default policy of each priority


def set_up_state(engine: Engine) -> SetUpState:
    """What is set up so far, and the step to resume at (the first if none is recorded)."""
    site_id = _first_site_id(engine)
    site = (
        site_detail(engine, site_id).draft
        if site_id is not None
        else SiteDraft(FIRST_SITE_CODE, FIRST_SITE_NAME, local_timezone_name())
    )
    return SetUpState(
        step=step_to_resume(engine) or STEPS[0],
        organisation=organisation(engine),
        site_id=site_id,
        site=site,
        teams=tuple(list_teams(engine)),
        categories=category_tree(engine),
        policies=tuple(p for p in current_policies(engine) if p.is_default),
    )
