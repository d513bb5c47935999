"""Sites: the offices the desk serves, with the hours, holidays and closures of their SLA clock.

Everyone reads the sites; a manager or an admin changes them. The code, name, address, time
zone, holiday region and phone region are :attr:`Action.MANAGE_SITES`; the opening hours and
the site's own closures are :attr:`Action.CHANGE_BUSINESS_HOURS` (the SLA clock runs in them,
so they are a permission of their own). Each change is checked and audited (SITE_CHANGED, what
changed in words) in the transaction that makes it, and a save that changes nothing writes no
audit row.

A site's code is the prefix of its ticket numbers (``HQ-000042``). A ticket's number is
written once, when it is created (:func:`app.tickets.actions.create_ticket`), so a new code
renumbers nothing: the tickets opened before keep their numbers, new ones take the new prefix,
and the site's counter runs on.

Every rule is checked before anything is written and reported at its field: ``code``,
``name``, ``address``, ``timezone``, ``holidays``, ``phone_region``, ``hours.N`` for weekday N
(0 is Monday) or ``hours`` for the week, ``first_day``, ``last_day`` and ``reason`` of a closure.
The hours and the holiday region are checked by :class:`app.business_hours.BusinessCalendar`
itself, so the pages accept exactly what the SLA clock can run on.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

import phonenumbers
from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit import record
from app.business_hours import BusinessCalendar
from app.errors import NotFoundError, ValidationError
from app.permissions import Action, require
from app.rows import existing
from app.tickets.sla import site_closures
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.org import DEFAULT_BUSINESS_HOURS, Site, SiteClosure

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_CODE = 8  # Site.code's column
MAX_NAME = 120  # Site.name's column
MAX_ADDRESS = 400  # Site.address's column
MAX_REASON = 200  # SiteClosure.reason's column
# Any weekday's hours, to check a holiday region on its own (the calendar wants one open day).
_ANY_HOURS = {"0": ["08:00", "17:00"]}


@dataclass(frozen=True)
class SiteRow:
    """One site as the list shows it."""

    id: uuid.UUID
    code: str
    name: str
    timezone: str
    holidays: str  # "GB-ENG", "US", "" for none


@dataclass(frozen=True)
class ClosureRow:
    """One of a site's own closures: inclusive days and why."""

    id: uuid.UUID
    first_day: date
    last_day: date
    reason: str


@dataclass(frozen=True)
class SiteDraft:
    """What the site editor saves. ``hours`` maps weekday "0" (Monday) .. "6" to one interval
    ``["08:00", "17:00"]`` or several ``[["08:00", "12:00"], ["13:00", "17:00"]]``; a weekday
    left out is closed."""

    code: str
    name: str
    timezone: str = "UTC"
    hours: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_BUSINESS_HOURS))
    holiday_country: str | None = None
    holiday_subdiv: str | None = None
    address: str = ""
    phone_region: str | None = None


@dataclass(frozen=True)
class SiteDetail:
    """A site with everything the editor shows; ``draft`` is the site as it is saved now."""

    id: uuid.UUID
    draft: SiteDraft
    closures: tuple[ClosureRow, ...]


def holidays_text(country: str | None, subdiv: str | None) -> str:
    """A holiday region as one code: "GB-ENG", "US", or "" for none."""
    if not country:
        return ""
    return f"{country}-{subdiv}" if subdiv else country


def hours_text(value: Any) -> str:
    """One weekday's hours in words: "08:00-17:00", "08:00-12:00, 13:00-17:00", "closed"."""
    if not value:
        return "closed"
    spans = value if isinstance(value[0], list | tuple) else [value]
    return ", ".join(f"{opens}-{closes}" for opens, closes in spans)


def day_text(day: date) -> str:
    """A date as the audit trail and the pages write it: "Thu 24 Dec 2026"."""
    return day.strftime("%a %d %b %Y")


def range_text(first: date, last: date) -> str:
    """A closure's days: "Thu 24 Dec 2026" or "Thu 24 Dec 2026 – Fri 01 Jan 2027"."""
    return day_text(first) if first == last else f"{day_text(first)} – {day_text(last)}"


# -- reading ------------------------------------------------------------------------------------


def list_sites(engine: Engine) -> list[SiteRow]:
    """Every site, by code."""
    with read_session(engine) as session:
        sites = session.exec(select(Site).order_by(col(Site.code))).all()
        return [
            SiteRow(
                s.id, s.code, s.name, s.timezone, holidays_text(s.holiday_country, s.holiday_subdiv)
            )
            for s in sites
        ]


def site_detail(engine: Engine, site_id: uuid.UUID) -> SiteDetail:
    """One site for the editor, with its closures (earliest first)."""
    with read_session(engine) as session:
        site = _site(session, site_id)
        closures = session.exec(
            select(SiteClosure)
            .where(col(SiteClosure.site_id) == site_id)
            .order_by(col(SiteClosure.first_day), col(SiteClosure.last_day))
        ).all()
        return SiteDetail(
            id=site.id,
            draft=_draft_of(site),
            closures=tuple(ClosureRow(c.id, c.first_day, c.last_day, c.reason) for c in closures),
        )


def closures_of(source: Session | Engine, site_id: uuid.UUID) -> list[tuple[date, date]]:
    """The site's own closed days as inclusive ``(first, last)`` ranges, earliest first, as
    the SLA calendar takes them (:func:`app.tickets.sla.site_closures`); read in ``source``'s
    transaction when it is a session."""
    if isinstance(source, Session):
        return list(site_closures(source, site_id))
    with read_session(source) as session:
        return list(site_closures(session, site_id))


# -- saving a site --------------------------------------------------------------------------------


def save_site(
    engine: Engine, actor_id: uuid.UUID, draft: SiteDraft, site_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Add a site (``site_id`` None) or change one; returns its id. Every problem with the
    draft is reported at once, per field, and nothing is saved."""
    clean = clean_draft(draft)
    with write_session(engine) as session:
        site = _site(session, site_id) if site_id is not None else None
        before = _draft_of(site) if site is not None else None
        about, hours = _changes(before, clean)
        for action in _actions_for(before, about, hours):
            require(session, actor_id, action)
        changes = about + hours
        if site is not None and not changes:
            return site.id
        _check_code_free(session, clean.code, site_id)
        if site is None:
            site = Site(code=clean.code, name=clean.name)
            session.add(site)
        _apply(site, clean)
        try:
            session.flush()
        except IntegrityError as taken:  # another workstation took the code a moment ago
            raise ValidationError(
                {"code": f"{clean.code} was just given to another site; choose another."}
            ) from taken
        detail = (
            f"Added site {clean.code} ({clean.name})"
            if before is None
            else f"Site {before.code}: " + "; ".join(changes)
        )
        record(session, actor_id, AuditKind.SITE_CHANGED, detail, subject_id=site.id)
        return site.id


def clean_draft(draft: SiteDraft) -> SiteDraft:
    """``draft`` tidied (spaces trimmed, codes in capitals, the time zone and holiday region
    spelled as the libraries spell them, the hours in their saved form), or a ValidationError
    naming every field that breaks a rule."""
    problems: dict[str, str] = {}
    code = draft.code.strip().upper()
    if not code or len(code) > MAX_CODE or not code.isalnum() or not code.isascii():
        problems["code"] = (
            f"The code is the prefix of the site's ticket numbers: 1 to {MAX_CODE} letters or "
            "digits, such as HQ or LDN1."
        )
    name = " ".join(draft.name.split())
    if not name:
        problems["name"] = "Give the site a name, such as Head office."
    elif len(name) > MAX_NAME:
        problems["name"] = f"Shorten the name to {MAX_NAME} characters or fewer."
    address = draft.address.strip()
    if len(address) > MAX_ADDRESS:
        problems["address"] = f"Shorten the address to {MAX_ADDRESS} characters or fewer."
    timezone = _clean_timezone(draft.timezone, problems)
    country, subdiv = _clean_holidays(draft.holiday_country, draft.holiday_subdiv, problems)
    hours = _clean_hours(draft.hours, problems)
    phone_region = _clean_phone_region(draft.phone_region, problems)
    if problems:
        raise ValidationError(problems)
    return SiteDraft(code, name, timezone, hours, country, subdiv, address, phone_region)


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Every IANA time zone name, keyed by its lower case."""
    return {zone.lower(): zone for zone in available_timezones()}


def _clean_timezone(text: str, problems: dict[str, str]) -> str:
    wanted = text.strip()
    zone = _zones().get(wanted.lower())
    if zone is None:
        problems["timezone"] = (
            f"{wanted!r} is not a time zone: use an IANA name such as Europe/London, "
            "America/New_York or Asia/Kolkata."
            if wanted
            else "Choose the site's time zone, such as Europe/London."
        )
        return wanted
    return zone


def _clean_holidays(
    country: str | None, subdiv: str | None, problems: dict[str, str]
) -> tuple[str | None, str | None]:
    country = (country or "").strip() or None
    subdiv = (subdiv or "").strip() or None
    try:
        calendar = BusinessCalendar.from_config("UTC", _ANY_HOURS, country, subdiv)
    except ValueError as error:
        problems["holidays"] = f"{error}."
        return country, subdiv
    return calendar.holiday_country, calendar.holiday_subdiv


def _clean_hours(hours: Mapping[str, Any], problems: dict[str, str]) -> dict[str, Any]:
    """Each weekday checked on its own, so its problem is shown at that weekday."""
    days = {str(key).strip(): value for key, value in hours.items() if value}
    for key, value in days.items():
        try:
            BusinessCalendar.from_config("UTC", {key: value}, None, None)
        except ValueError as error:
            where = f"hours.{key}" if key.isdigit() and 0 <= int(key) <= 6 else "hours"
            problems[where] = f"{error}."
    if not days:
        problems["hours"] = "Open the site on at least one weekday."
    if any(key.startswith("hours") for key in problems):
        return dict(days)
    return BusinessCalendar.from_config("UTC", days, None, None).to_config()


def _clean_phone_region(text: str | None, problems: dict[str, str]) -> str | None:
    region = (text or "").strip().upper() or None
    if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        hint = " (the United Kingdom is GB)" if region == "UK" else ""
        problems["phone_region"] = (
            f"{region!r} is not a phone region{hint}: use a two-letter region code such as "
            "GB, US or DE, or leave it empty."
        )
    return region


def _check_code_free(session: Session, code: str, site_id: uuid.UUID | None) -> None:
    holder = session.exec(select(Site).where(func.lower(Site.code) == code.lower())).first()
    if holder is not None and holder.id != site_id:
        raise ValidationError(
            {"code": f"{holder.code} is already the code of {holder.name}; choose another."}
        )


def _draft_of(site: Site) -> SiteDraft:
    return SiteDraft(
        code=site.code,
        name=site.name,
        timezone=site.timezone,
        hours=dict(site.business_hours),
        holiday_country=site.holiday_country,
        holiday_subdiv=site.holiday_subdiv,
        address=site.address,
        phone_region=site.phone_region,
    )


def _apply(site: Site, draft: SiteDraft) -> None:
    site.code, site.name, site.address = draft.code, draft.name, draft.address
    site.timezone = draft.timezone
    site.business_hours = dict(draft.hours)
    site.holiday_country, site.holiday_subdiv = draft.holiday_country, draft.holiday_subdiv
    site.phone_region = draft.phone_region


def _changes(before: SiteDraft | None, after: SiteDraft) -> tuple[list[str], list[str]]:
    """What a save changes in words: to what the site is ("code HQ → LDN") and to its hours
    ("Monday 08:00-17:00 → closed"); both empty for a new site (it is all new) and for a save
    that changes nothing."""
    if before is None:
        return [], []
    said: list[str] = []
    hours: list[str] = []
    plain = (
        ("code", before.code, after.code),
        ("name", before.name, after.name),
        ("address", before.address, after.address),
        ("time zone", before.timezone, after.timezone),
        (
            "holidays",
            holidays_text(before.holiday_country, before.holiday_subdiv),
            holidays_text(after.holiday_country, after.holiday_subdiv),
        ),
        ("phone region", before.phone_region or "", after.phone_region or ""),
    )
    for label, old, new in plain:
        if old != new:
            said.append(f"{label} {old or '(none)'} → {new or '(none)'}")
    for number, weekday in enumerate(WEEKDAYS):
        old_hours = hours_text(before.hours.get(str(number)))
        new_hours = hours_text(after.hours.get(str(number)))
        if old_hours != new_hours:
            hours.append(f"{weekday} {old_hours} → {new_hours}")
    return said, hours


def _actions_for(
    before: SiteDraft | None, about: list[str], hours: list[str]
) -> tuple[Action, ...]:
    """The permissions a save needs: managing sites to add one or change what it is (or to
    save one unchanged), changing business hours to change when it is open."""
    if before is None:
        return (Action.MANAGE_SITES,)
    needed = [Action.MANAGE_SITES] if about or not hours else []
    if hours:
        needed.append(Action.CHANGE_BUSINESS_HOURS)
    return tuple(needed)


# -- closures -------------------------------------------------------------------------------------


def add_closure(
    engine: Engine,
    actor_id: uuid.UUID,
    site_id: uuid.UUID,
    first_day: date,
    last_day: date,
    reason: str = "",
) -> uuid.UUID:
    """Close ``site_id`` from ``first_day`` to ``last_day`` (inclusive): the SLA clock does
    not run there on those days."""
    reason = " ".join(reason.split())
    problems: dict[str, str] = {}
    if last_day < first_day:
        problems["last_day"] = (
            f"The last day ({day_text(last_day)}) is before the first ({day_text(first_day)}); "
            "for a one-day closure make them the same day."
        )
    if len(reason) > MAX_REASON:
        problems["reason"] = f"Shorten the reason to {MAX_REASON} characters or fewer."
    if problems:
        raise ValidationError(problems)
    with write_session(engine) as session:
        require(session, actor_id, Action.CHANGE_BUSINESS_HOURS)
        site = _site(session, site_id)
        closure = SiteClosure(
            site_id=site.id, first_day=first_day, last_day=last_day, reason=reason
        )
        session.add(closure)
        session.flush()
        why = f" ({reason})" if reason else ""
        record(
            session,
            actor_id,
            AuditKind.SITE_CHANGED,
            f"Site {site.code}: closed {range_text(first_day, last_day)}{why}",
            subject_id=site.id,
        )
        return closure.id


def remove_closure(engine: Engine, actor_id: uuid.UUID, closure_id: uuid.UUID) -> None:
    """Take a closure away: the site is open on those days again (tickets already opened
    keep their due times)."""
    with write_session(engine) as session:
        require(session, actor_id, Action.CHANGE_BUSINESS_HOURS)
        closure = session.get(SiteClosure, closure_id)
        if closure is None:
            raise NotFoundError("That closure was removed already; the list is read again.")
        site = _site(session, closure.site_id)
        session.delete(closure)
        record(
            session,
            actor_id,
            AuditKind.SITE_CHANGED,
            f"Site {site.code}: no longer closed {range_text(closure.first_day, closure.last_day)}",
            subject_id=site.id,
        )


def _site(session: Session, site_id: uuid.UUID) -> Site:
    return existing(session, Site, site_id, "That site no longer exists; the list is read again.")
