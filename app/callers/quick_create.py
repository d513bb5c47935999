"""Adding a caller by hand: the operator's quick-create for a number nobody is known by.

The directory import (:mod:`app.callers.csv_import`) is the bulk route; this is the one-caller
route used during a call, with the same rules for names, e-mail addresses and numbers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.callers.csv_import import EMAIL
from app.callers.lookup import clean
from app.callers.phones import (
    MAX_PARSE_LENGTH,
    canonical_digits,
    phone_digits,
    phone_region,
    site_phone_region,
)
from app.errors import ValidationError
from app.permissions import Action, require
from models.engine import read_session, write_session
from models.org import Site
from models.people import Caller, CallerPhone

MIN_PHONE_DIGITS = 3
MAX_NAME = 160  # caller.name


@dataclass(frozen=True)
class NewCaller:
    """What the quick-create form asks for; only the name is required."""

    name: str
    number: str = ""
    email: str = ""
    site_id: uuid.UUID | None = None
    department: str = ""
    vip: bool = False
    notes: str = ""


def _check(new: NewCaller) -> NewCaller:
    """The form's values cleaned, or ValidationError naming each field that is wrong."""
    name, number, email = clean(new.name), clean(new.number), new.email.strip()
    problems = {}
    if not name:
        problems["name"] = "Type the caller's name."
    elif len(name) > MAX_NAME:
        problems["name"] = "The name is too long; use at most 160 characters."
    if number and len(phone_digits(number)) < MIN_PHONE_DIGITS:
        problems["number"] = "A phone number needs at least three digits (or leave it empty)."
    elif len(number) > 40:
        problems["number"] = "The number is too long; use at most 40 characters."
    if email and not EMAIL.fullmatch(email):
        problems["email"] = "That is not an e-mail address (name@example.org); fix or clear it."
    if problems:
        raise ValidationError(problems)
    return NewCaller(
        name=name,
        number=number,
        email=email,
        site_id=new.site_id,
        department=clean(new.department)[:120],
        vip=new.vip,
        notes=new.notes.strip()[:4000],
    )


def number_region(number: str) -> str | None:
    """The country a number written in international form ("+1 212 ...") belongs to, or
    None when it is written nationally (or is no number): then it is the desk's own."""
    if not number.strip().startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(number[:MAX_PARSE_LENGTH], None)
    except phonenumbers.NumberParseException:
        return None
    # A number no country has handed out yet (555 numbers) still names its country code.
    region = phonenumbers.region_code_for_number(parsed)
    return region or phonenumbers.region_code_for_country_code(parsed.country_code or 0)


def _suggested_site(session: Session, number: str) -> Site | None:
    """The site for a new caller on ``number``: among the sites in the number's country
    (by their holiday country), else among all, the one most callers belong to (the
    desk's home site), the first by code on a tie."""
    sites = list(session.exec(select(Site).order_by(col(Site.code))).all())
    region = number_region(number)
    local = [site for site in sites if region and site_phone_region(site) == region]
    choices = local or sites
    if len(choices) <= 1:
        return choices[0] if choices else None
    counts = dict(
        session.execute(
            select(col(Caller.site_id), func.count())
            .where(col(Caller.site_id).in_([site.id for site in choices]))
            .group_by(col(Caller.site_id))
        ).all()
    )
    return max(choices, key=lambda site: counts.get(site.id, 0))  # max keeps the first on a tie


def suggest_site(engine: Engine, number: str) -> uuid.UUID | None:
    """The site the quick-create form offers first for a caller on ``number``."""
    with read_session(engine) as session:
        site = _suggested_site(session, number)
        return site.id if site is not None else None


def create_caller(engine: Engine, new: NewCaller, actor_id: uuid.UUID) -> uuid.UUID:
    """Add the caller (and their number) as ``actor_id``; returns the new caller's id. An
    e-mail address another caller already has is refused: that caller is the one on the
    phone. Without a site chosen, the caller gets the suggested one: a caller with no site
    would leave every ticket logged for them without one."""
    new = _check(new)
    with write_session(engine) as session:
        require(session, actor_id, Action.ADD_CALLER)
        if new.site_id is None:
            site = _suggested_site(session, new.number)
        else:
            site = session.get(Site, new.site_id)
            if site is None:
                raise ValidationError({"site": "That site no longer exists; choose another."})
        if new.email:
            owner = session.execute(
                select(col(Caller.name)).where(func.lower(col(Caller.email)) == new.email.lower())
            ).first()
            if owner is not None:
                raise ValidationError(
                    {"email": f"{owner[0]} already has this address; look them up instead."}
                )
        caller = Caller(
            name=new.name,
            email=new.email or None,
            site_id=site.id if site is not None else None,
            department=new.department or None,
            vip=new.vip,
            notes=new.notes,
        )
        session.add(caller)
        session.flush()
        if new.number:
            session.add(
                CallerPhone(
                    caller_id=caller.id,
                    number=new.number,
                    # Stored as the directory import stores it: E.164, in the site's region.
                    digits=canonical_digits(
                        new.number, site_phone_region(site) if site else phone_region(None)
                    ),
                )
            )
        return caller.id
