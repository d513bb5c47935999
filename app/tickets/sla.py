"""SLA clocks: deadlines from a policy and a site calendar, paused while waiting on the caller."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.business_hours import BusinessCalendar
from models.enums import Priority, TicketStatus
from models.org import Site, SiteClosure, SlaPolicy
from models.tickets import Ticket

ALWAYS_OPEN = BusinessCalendar(timezone="UTC", hours={}, always_open=True)


Closures = tuple[tuple[date, date], ...]  # a site's own closed days, first and last


@lru_cache(maxsize=64)
def _calendar(
    timezone: str, hours_json: str, country: str | None, subdiv: str | None, closures: Closures
) -> BusinessCalendar:
    calendar = BusinessCalendar.from_config(timezone, json.loads(hours_json), country, subdiv)
    return replace(calendar, closures=closures) if closures else calendar


def site_closures(session: Session, site_id: uuid.UUID) -> Closures:
    """The days ``site_id`` is closed beyond its public holidays (SiteClosure rows)."""
    rows = session.exec(
        select(col(SiteClosure.first_day), col(SiteClosure.last_day))
        .where(SiteClosure.site_id == site_id)
        .order_by(col(SiteClosure.first_day))
    ).all()
    return tuple((first, last) for first, last in rows)


def site_calendar(site: Site, closures: Closures = ()) -> BusinessCalendar:
    """The site's business calendar, with ``closures`` (see :func:`site_closures`); cached:
    sites change rarely, tickets are many."""
    hours = json.dumps(site.business_hours, sort_keys=True)
    return _calendar(site.timezone, hours, site.holiday_country, site.holiday_subdiv, closures)


def policy_calendar(site: Site, policy: SlaPolicy, closures: Closures = ()) -> BusinessCalendar:
    """24x7 for around-the-clock policies, otherwise the site's business hours."""
    return ALWAYS_OPEN if policy.around_the_clock else site_calendar(site, closures)


def current_policy(
    session: Session,
    priority: Priority,
    site_id: uuid.UUID | None = None,
    category_id: uuid.UUID | None = None,
) -> SlaPolicy | None:
    """The policy a ticket of ``priority`` at ``site_id`` in ``category_id`` is opened under
    now: the most specific current one (site and category, then category, then site, then
    the default of the priority). A category's override wins over a site's: the service
    promised for a kind of problem is the same wherever it is reported."""
    scope = select(SlaPolicy).where(
        SlaPolicy.priority == priority,
        col(SlaPolicy.retired_at).is_(None),
        or_(col(SlaPolicy.site_id).is_(None), col(SlaPolicy.site_id) == site_id),
        or_(col(SlaPolicy.category_id).is_(None), col(SlaPolicy.category_id) == category_id),
    )
    candidates = session.exec(scope).all()
    return max(
        candidates,
        key=lambda p: (p.category_id is not None, p.site_id is not None),
        default=None,
    )


def due_dates(
    created_at: datetime, policy: SlaPolicy, calendar: BusinessCalendar
) -> tuple[datetime, datetime]:
    """First-response and resolution deadlines for a ticket opened at ``created_at``."""
    return (
        calendar.add_business_minutes(created_at, policy.response_minutes),
        calendar.add_business_minutes(created_at, policy.resolution_minutes),
    )


def running_due(ticket: Ticket) -> datetime | None:
    """The deadline the queue counts down to, or None while paused or once resolved."""
    if not TicketStatus(ticket.status).is_open or ticket.status == TicketStatus.WAITING_CALLER:
        return None
    return ticket.response_due_at if ticket.first_response_at is None else ticket.resolution_due_at


def resume(ticket: Ticket, calendar: BusinessCalendar, now: datetime) -> None:
    """End a pause: push the running deadlines back by the business time spent waiting."""
    if ticket.waiting_since is None:
        return
    paused = calendar.business_minutes_between(ticket.waiting_since, now)
    ticket.paused_minutes += paused
    if ticket.first_response_at is None and ticket.response_due_at is not None:
        ticket.response_due_at = calendar.add_business_minutes(ticket.response_due_at, paused)
    if ticket.resolution_due_at is not None:
        ticket.resolution_due_at = calendar.add_business_minutes(ticket.resolution_due_at, paused)
    ticket.waiting_since = None
