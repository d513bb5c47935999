"""Who is on now, at each site: at the desk, on call, and next at the desk today.

It answers the call desk's line and the roster's panel: whom to hand a call to, whom to ring
out of hours, each with their phone. Only active staff count, and a person on leave, sick or
in training right now is on neither list (their desk shift may still be on the roster; the
sick day says they are not there). "Next" is the desk shifts starting later today (the
site's local day), earliest first.

The shifts come from one indexed query, :func:`app.roster.running.running_shifts`, the one
the ticket editor's suggestions use too.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlmodel import col

from app.roster.local_time import clock_text
from app.roster.running import away_at, running_shifts
from models.clock import utcnow
from models.engine import read_connection
from models.enums import ShiftKind
from models.org import Site

FURTHEST_MIDNIGHT = timedelta(hours=38)  # the end of today somewhere, from UTC-12 to UTC+14


@dataclass(frozen=True)
class OnDuty:
    """A person on a shift: name, phone, and the shift's local hours at the site."""

    staff_id: uuid.UUID
    name: str
    phone: str  # "" where none is known
    starts: str  # "07:00"
    ends: str  # "15:00"
    shift_type: str

    @property
    def text(self) -> str:
        """ "Ann Operator (020 7946 0000) until 15:00"."""
        phone = f" ({self.phone})" if self.phone else ""
        return f"{self.name}{phone} until {self.ends}"


@dataclass(frozen=True)
class SiteOnNow:
    """Who is on now at one site."""

    site_id: uuid.UUID
    site_code: str
    site_name: str
    at_desk: tuple[OnDuty, ...]  # by name
    on_call: tuple[OnDuty, ...]  # by name
    next: tuple[OnDuty, ...]  # desk shifts later today, earliest first

    @property
    def line(self) -> str:
        """The site in one line for the call desk: "HQ: at the desk Ann Operator (020 7946
        0000) until 15:00 · on call Bob Tech (07700 900123) until 08:00"."""
        desk = ", ".join(p.text for p in self.at_desk) or "nobody"
        parts = [f"at the desk {desk}"]
        if self.on_call:
            parts.append("on call " + ", ".join(p.text for p in self.on_call))
        if not self.at_desk and self.next:
            first = self.next[0]
            parts.append(f"next {first.name} from {first.starts}")
        return f"{self.site_code}: " + " · ".join(parts)


def on_now(engine: Engine, now: datetime | None = None) -> tuple[SiteOnNow, ...]:
    """Who is on at each site (by code) at ``now`` (the clock's now by default)."""
    now = now or utcnow()
    with read_connection(engine) as connection:
        sites = connection.execute(
            select(col(Site.id), col(Site.code), col(Site.name), col(Site.timezone)).order_by(
                col(Site.code)
            )
        ).all()
        shifts = running_shifts(connection, now, now + FURTHEST_MIDNIGHT)
    zones = {site.id: ZoneInfo(site.timezone) for site in sites}
    away = away_at(shifts, now)
    desk: dict[uuid.UUID, list[OnDuty]] = defaultdict(list)
    on_call: dict[uuid.UUID, list[OnDuty]] = defaultdict(list)
    upcoming: dict[uuid.UUID, list[OnDuty]] = defaultdict(list)
    for shift in shifts:
        if shift.staff_id in away or shift.kind not in (ShiftKind.DESK, ShiftKind.ON_CALL):
            continue
        zone = zones[shift.site_id]
        starts = shift.starts_at.astimezone(zone)
        duty = OnDuty(
            shift.staff_id,
            shift.name,
            shift.phone,
            clock_text(starts),
            clock_text(shift.ends_at.astimezone(zone)),
            shift.type_name,
        )
        if shift.covers(now):
            (desk if shift.kind is ShiftKind.DESK else on_call)[shift.site_id].append(duty)
        elif shift.kind is ShiftKind.DESK and starts.date() == now.astimezone(zone).date():
            upcoming[shift.site_id].append(duty)
    return tuple(
        SiteOnNow(
            site_id=site.id,
            site_code=site.code,
            site_name=site.name,
            at_desk=_by_name(desk[site.id]),
            on_call=_by_name(on_call[site.id]),
            next=tuple(upcoming[site.id]),
        )
        for site in sites
    )


def _by_name(duties: list[OnDuty]) -> tuple[OnDuty, ...]:
    return tuple(sorted(duties, key=lambda d: (d.name.lower(), d.starts)))
