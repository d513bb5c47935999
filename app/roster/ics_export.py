"""A person's shifts as an iCalendar file (RFC 5545) that calendar programs import:
``switchboard roster ics USERNAME --from DATE --to DATE --out FILE``.

Each shift is one event, its times in UTC (every calendar shows them in its own zone, and a
night across a daylight-saving change keeps its true length); the shift's id makes its UID,
so importing a newer file updates the events instead of adding twins. A shift belongs to the
range by the local day it starts on at its site, as the roster shows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import Engine
from sqlmodel import col, select

from app.errors import SwitchboardError
from app.exports import write_output
from models.clock import utcnow
from models.engine import read_session
from models.org import Site, Staff
from models.roster import Shift, ShiftType

MAX_DAYS = 400  # a year and a little; a longer range is a typo


def person_calendar(engine: Engine, username: str, first: date, last: date) -> tuple[bytes, int]:
    """The calendar of ``username``'s shifts starting from ``first`` to ``last`` (inclusive,
    local days at each shift's site), and how many events it holds."""
    if last < first:
        raise SwitchboardError(f"--to {last} is before --from {first}; swap them.")
    if (last - first).days > MAX_DAYS:
        raise SwitchboardError(
            f"{first} to {last} is {(last - first).days} days; export at most {MAX_DAYS} at once."
        )
    with read_session(engine) as session:
        staff = session.exec(select(Staff).where(Staff.username == username.strip())).first()
        if staff is None:
            raise SwitchboardError(
                f"No staff member has the user name {username!r}; user names are listed on "
                "the Staff page."
            )
        # A day's margin either side: the local day is decided below, per site.
        rows = session.exec(
            select(Shift, ShiftType, Site)
            .join(ShiftType, col(ShiftType.id) == col(Shift.shift_type_id))
            .join(Site, col(Site.id) == col(Shift.site_id))
            .where(
                Shift.staff_id == staff.id,
                col(Shift.starts_at) >= _utc_midnight(first - timedelta(days=1)),
                col(Shift.starts_at) < _utc_midnight(last + timedelta(days=2)),
            )
            .order_by(col(Shift.starts_at))
        ).all()
        name = staff.name
    calendar = Calendar()
    calendar.add("prodid", "-//Switchboard//Roster//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{name}: shifts")
    stamp = utcnow()
    count = 0
    for shift, kind, site in rows:
        local_day = shift.starts_at.astimezone(ZoneInfo(site.timezone)).date()
        if not first <= local_day <= last:
            continue
        event = Event()
        event.add("uid", f"{shift.id}@switchboard")
        event.add("dtstamp", stamp)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"{kind.name} ({site.code})")
        event.add("location", site.name)
        event.add("categories", [kind.kind.label])
        if shift.note:
            event.add("description", shift.note)
        calendar.add_component(event)
        count += 1
    return calendar.to_ical(), count


def export_person_calendar(
    engine: Engine, username: str, first: date, last: date, target: Path
) -> int:
    """Write the calendar to ``target`` (a failed write leaves what was there); the number of
    shifts in it."""
    data, count = person_calendar(engine, username, first, last)
    write_output(target, "shifts.ics", lambda partial: partial.write_bytes(data))
    return count


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)
