"""The people of a period: the phone desk's calls, and each staff member's tickets resolved,
time logged and hours rostered."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import fmean

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.reports.measures import Share, percentile
from app.reports.period import SiteWindow, within_by_site
from app.reports.times import Durations
from app.roster.conflicts import WORK_KINDS
from app.roster.shifts import LONGEST
from models.org import Staff
from models.roster import Shift, ShiftType
from models.tickets import LOGGED_EVENT, Call, Ticket, TicketEvent


@dataclass(frozen=True)
class PhoneDesk:
    """The calls of the period, and what they became."""

    calls: int
    mean_minutes: float | None  # of the calls that ended
    p90_minutes: float | None
    resolved_on_call: Share  # calls whose ticket was resolved during the call, of all calls
    per_operator: tuple[tuple[str, int], ...]
    by_hour: tuple[int, ...]  # 24 local hours


@dataclass(frozen=True)
class StaffRow:
    """One person's period."""

    name: str
    resolved: int
    median_hours: float | None
    logged_hours: float
    sla: Share
    rostered_hours: float


def phone_desk(
    connection: Connection, windows: tuple[SiteWindow, ...], names: dict[uuid.UUID, str]
) -> PhoneDesk:
    """The calls started in the period. A call belongs to the site of the ticket it made,
    else to its operator's home site; in a report of every site, a call that names neither
    is counted by the first site's days."""
    if not windows:
        return PhoneDesk(0, None, None, Share(0, 0), (), (0,) * 24)
    by_site = {w.site_id: w for w in windows}
    fallback = windows[0] if len(windows) > 1 else None
    operator = aliased(Staff)
    rows = connection.execute(
        select(
            col(Call.started_at),
            col(Call.ended_at),
            col(Call.operator_id),
            func.coalesce(col(Ticket.site_id), col(operator.home_site_id)),
            col(Ticket.first_contact_resolution),
        )
        .outerjoin(Ticket, col(Ticket.id) == col(Call.ticket_id))
        .outerjoin(operator, col(operator.id) == col(Call.operator_id))
        .where(
            col(Call.started_at) >= min(w.start for w in windows),
            col(Call.started_at) < max(w.end for w in windows),
        )
    )
    minutes: list[float] = []
    operators: Counter[str] = Counter()
    hours = [0] * 24
    calls = solved = 0
    for started, ended, operator_id, site_id, first_contact in rows:
        w = by_site.get(site_id, fallback)
        if w is None or not w.start <= started < w.end:
            continue
        calls += 1
        solved += bool(first_contact)
        operators[names.get(operator_id, "(removed)") if operator_id else "(no operator)"] += 1
        hours[w.local(started).hour] += 1
        if ended is not None:
            minutes.append((ended - started).total_seconds() / 60)
    return PhoneDesk(
        calls,
        fmean(minutes) if minutes else None,
        percentile(minutes, 0.9),
        Share(solved, calls),
        tuple(sorted(operators.items(), key=lambda item: (-item[1], item[0]))),
        tuple(hours),
    )


def staff_rows(
    connection: Connection,
    windows: tuple[SiteWindow, ...],
    resolved: Durations,
    names: dict[uuid.UUID, str],
) -> tuple[StaffRow, ...]:
    """Everyone who resolved a ticket, logged time or was rostered at the period's sites."""
    logged = _logged_minutes(connection, windows)
    rostered = _rostered_hours(connection, windows)
    people = {key for key in (*resolved.by_person, *logged, *rostered) if key is not None}
    nothing = (0, None, Share(0, 0))
    rows = [
        StaffRow(
            names.get(person, "(removed)"),
            resolved.by_person.get(person, nothing)[0],
            resolved.by_person.get(person, nothing)[1],
            logged.get(person, 0) / 60,
            resolved.by_person.get(person, nothing)[2],
            rostered.get(person, 0.0),
        )
        for person in people
    ]
    return tuple(sorted(rows, key=lambda row: (-row.resolved, row.name)))


def _logged_minutes(
    connection: Connection, windows: tuple[SiteWindow, ...]
) -> dict[uuid.UUID | None, int]:
    """Minutes logged on the period's sites' tickets in the period, by who logged them (every
    kind named, so the (kind, at) index finds the period)."""
    if not windows:
        return {}
    rows = connection.execute(
        select(col(TicketEvent.actor_id), func.sum(col(TicketEvent.minutes_spent)))
        .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
        .where(
            text(LOGGED_EVENT),  # in the partial index's words, so it is used
            within_by_site(col(Ticket.site_id), col(TicketEvent.at), windows),
        )
        .group_by(col(TicketEvent.actor_id))
    )
    return {actor: int(minutes) for actor, minutes in rows}


def _rostered_hours(
    connection: Connection, windows: tuple[SiteWindow, ...]
) -> dict[uuid.UUID | None, float]:
    """Hours of work shifts (desk and training) at the period's sites inside the period."""
    totals: dict[uuid.UUID | None, float] = defaultdict(float)
    for w in windows:
        rows = connection.execute(
            select(col(Shift.staff_id), col(Shift.starts_at), col(Shift.ends_at))
            .join(ShiftType, col(ShiftType.id) == col(Shift.shift_type_id))
            .where(
                col(Shift.site_id) == w.site_id,
                col(Shift.starts_at) < w.end,
                col(Shift.starts_at) >= w.start - LONGEST,  # no shift is longer: ix_shift_starts
                col(Shift.ends_at) > w.start,
                col(ShiftType.kind).in_(list(WORK_KINDS)),
            )
        )
        for staff_id, starts, ends in rows:
            overlap = min(ends, w.end) - max(starts, w.start)
            totals[staff_id] += overlap.total_seconds() / 3600
    return dict(totals)


def staff_names(connection: Connection) -> dict[uuid.UUID, str]:
    return {key: name for key, name in connection.execute(select(col(Staff.id), col(Staff.name)))}
