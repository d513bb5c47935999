"""SLA clocks: deadlines from a policy and a site calendar, paused while waiting on the caller."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache

from app.business_hours import BusinessCalendar
from models.enums import TicketStatus
from models.org import Site, SlaPolicy
from models.tickets import Ticket

ALWAYS_OPEN = BusinessCalendar(timezone="UTC", hours={}, always_open=True)


@lru_cache(maxsize=64)
def _calendar(
    timezone: str, hours_json: str, country: str | None, subdiv: str | None
) -> BusinessCalendar:
    return BusinessCalendar.from_config(timezone, json.loads(hours_json), country, subdiv)


def site_calendar(site: Site) -> BusinessCalendar:
    """The site's business calendar (cached: sites change rarely, tickets are many)."""
    hours = json.dumps(site.business_hours, sort_keys=True)
    return _calendar(site.timezone, hours, site.holiday_country, site.holiday_subdiv)


def policy_calendar(site: Site, policy: SlaPolicy) -> BusinessCalendar:
    """24x7 for around-the-clock policies, otherwise the site's business hours."""
    return ALWAYS_OPEN if policy.around_the_clock else site_calendar(site)


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
