"""Who should take this ticket: the people at the desk who can, each with the reason in words.

For a ticket of a category at a site, :func:`suggest_assignees` offers the active staff on a
desk shift at that site now, then those whose desk shift there starts later today (the site's
day), who hold every skill the category needs (:class:`models.roster.CategorySkill`) at its
level or above. Those on now come first, then those coming later; within each, people are
ordered by their levels in the category's skills (added up, highest first), then by fewest
open tickets assigned to them now, then by name. A category that needs no skill (or no
category chosen yet) offers everyone on shift, by fewest open tickets. A subcategory that
names no skills of its own needs its parent's.

Someone on leave, sick or in training when they would take the ticket (now, or the start of
their shift later today) is not offered, whatever else the roster says: the roster shows that
overlap as a conflict. When nobody on shift can take the ticket, the answer says so in words
and lists who is on call now, at any site (the ticket's site first), with their phone.

Speed: one read of six small queries; the shifts running now or starting later today come
through the index on their start (:func:`app.roster.running.running_shifts`, which "who is on
now" uses too). Times in the reasons are on the clock of the ticket's site.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, select
from sqlmodel import col

from app.errors import NotFoundError
from app.roster.running import NOT_AT_THE_DESK, RunningShift, away_at, running_shifts
from app.training.skills import SkillLevel
from models.clock import utcnow
from models.engine import read_connection
from models.enums import OPEN_STATUSES, ShiftKind
from models.org import Category, Site
from models.roster import CategorySkill, Skill, StaffSkill
from models.tickets import Ticket


@dataclass(frozen=True)
class Suggestion:
    """A person who could take the ticket, and why, in words."""

    staff_id: uuid.UUID
    name: str
    phone: str  # "" where none is recorded
    skills: tuple[SkillLevel, ...]  # the category's skills they hold, at their own levels
    open_tickets: int  # open tickets assigned to them now
    reason: str  # "on shift until 15:00 · Networking 3 · 2 open tickets"


@dataclass(frozen=True)
class Suggestions:
    """The answer for one ticket: whom to give it to or, failing that, whom to ring."""

    people: tuple[Suggestion, ...]  # best first, at most the limit asked for
    needed: tuple[SkillLevel, ...]  # the skills the category needs, each at its lowest level
    message: str  # why nobody is offered, in words; "" when someone is
    on_call: tuple[Suggestion, ...]  # who is on call now, given only when nobody is offered


@dataclass(frozen=True)
class _Need:
    skill_id: uuid.UUID
    name: str
    level: int


def suggest_assignees(
    engine: Engine,
    category_id: uuid.UUID | None,
    site_id: uuid.UUID,
    now: datetime | None = None,
    limit: int = 5,
) -> Suggestions:
    """Who should take a ticket of ``category_id`` at ``site_id`` at ``now`` (the clock's
    now by default), best first (see the module docstring for the order); refuses a site or
    category that is not on the database."""
    now = now or utcnow()
    with read_connection(engine) as connection:
        code, zone = _site(connection, site_id)
        today = now.astimezone(zone).date()
        needs = _needs(connection, category_id)
        shifts = running_shifts(connection, now, _midnight_after(today, zone))
        desk, on_call = _desk(shifts, site_id, now), _on_call(shifts, now)
        levels = _levels(connection, {s.staff_id for s in desk + on_call}, needs)
        fitting = [s for s in desk if _fits(levels[s.staff_id], needs)]
        tickets = _open_tickets(connection, {s.staff_id for s in fitting or on_call})

    def offer(shift: RunningShift, first_words: str) -> Suggestion:
        held = tuple(
            SkillLevel(n.skill_id, n.name, levels[shift.staff_id][n.skill_id])
            for n in needs
            if n.skill_id in levels[shift.staff_id]
        )
        count = tickets.get(shift.staff_id, 0)
        reason = " · ".join([first_words, *map(str, held), _tickets_text(count)])
        return Suggestion(shift.staff_id, shift.name, shift.phone, held, count, reason)

    def strength(shift: RunningShift) -> int:
        return sum(levels[shift.staff_id].values())

    needed = tuple(SkillLevel(n.skill_id, n.name, n.level) for n in needs)
    if fitting:
        fitting.sort(
            key=lambda s: (
                s.starts_at > now,
                -strength(s),
                tickets.get(s.staff_id, 0),
                s.name.casefold(),
            )
        )
        offered = (offer(s, _on_shift_text(s, now, zone, today)) for s in fitting[:limit])
        return Suggestions(tuple(offered), needed, "", ())
    on_call.sort(
        key=lambda s: (
            s.site_id != site_id,
            not _fits(levels[s.staff_id], needs),
            -strength(s),
            s.name.casefold(),
        )
    )
    nobody = (
        f"Nobody on shift at {code} today has {_needs_text(needs)}"
        if desk
        else f"Nobody is on a desk shift at {code} for the rest of today"
    )
    then = "; ring whoever is on call." if on_call else "; nobody is on call now either."
    ringing = (offer(s, _on_call_text(s, zone, today)) for s in on_call[:limit])
    return Suggestions((), needed, nobody + then, tuple(ringing))


def _site(connection: Connection, site_id: uuid.UUID) -> tuple[str, ZoneInfo]:
    """The site's code and time zone."""
    site = connection.execute(
        select(col(Site.code), col(Site.timezone)).where(col(Site.id) == site_id)
    ).first()
    if site is None:
        raise NotFoundError("That site is not on this database any more; choose another.")
    return str(site[0]), ZoneInfo(site[1])


def _fits(held: dict[uuid.UUID, int], needs: list[_Need]) -> bool:
    """Whether someone with skill levels ``held`` has every one needed, at its level."""
    return all(held.get(need.skill_id, 0) >= need.level for need in needs)


def _midnight_after(day: date, zone: ZoneInfo) -> datetime:
    """The end of ``day`` at the site, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def _needs(connection: Connection, category_id: uuid.UUID | None) -> list[_Need]:
    """The skills a ticket of ``category_id`` needs, by name: its own, else its parent's."""
    if category_id is None:
        return []
    category = connection.execute(
        select(col(Category.parent_id)).where(col(Category.id) == category_id)
    ).first()
    if category is None:
        raise NotFoundError("That category is not on this database any more; choose another.")
    rows = connection.execute(
        select(
            col(CategorySkill.category_id),
            col(CategorySkill.skill_id),
            col(Skill.name),
            col(CategorySkill.level),
        )
        .join(Skill, col(Skill.id) == col(CategorySkill.skill_id))
        .where(col(CategorySkill.category_id).in_([category_id, category[0] or category_id]))
        .order_by(func.lower(Skill.name))
    ).all()
    own = [_Need(row[1], row[2], row[3]) for row in rows if row[0] == category_id]
    return own or [_Need(row[1], row[2], row[3]) for row in rows]


def _away(shifts: list[RunningShift]) -> dict[uuid.UUID, list[RunningShift]]:
    away: defaultdict[uuid.UUID, list[RunningShift]] = defaultdict(list)
    for shift in shifts:
        if shift.kind in NOT_AT_THE_DESK:
            away[shift.staff_id].append(shift)
    return away


def _free(away: dict[uuid.UUID, list[RunningShift]], staff_id: uuid.UUID, moment: datetime) -> bool:
    return not any(s.covers(moment) for s in away.get(staff_id, ()))


def _desk(shifts: list[RunningShift], site_id: uuid.UUID, now: datetime) -> list[RunningShift]:
    """Each person's desk shift at the site that covers ``now`` or, failing that, their
    next one today; people away when it would start for them are left out."""
    away = _away(shifts)
    chosen: dict[uuid.UUID, RunningShift] = {}
    for shift in shifts:  # earliest first: the one covering now wins
        if shift.kind != ShiftKind.DESK or shift.site_id != site_id or shift.staff_id in chosen:
            continue
        if _free(away, shift.staff_id, max(shift.starts_at, now)):
            chosen[shift.staff_id] = shift
    return list(chosen.values())


def _on_call(shifts: list[RunningShift], now: datetime) -> list[RunningShift]:
    """Each person on call at ``now`` (at any site) and not away."""
    away = away_at(shifts, now)
    chosen: dict[uuid.UUID, RunningShift] = {}
    for shift in shifts:
        if (
            shift.kind == ShiftKind.ON_CALL
            and shift.starts_at <= now
            and shift.staff_id not in chosen
            and shift.staff_id not in away
        ):
            chosen[shift.staff_id] = shift
    return list(chosen.values())


def _levels(
    connection: Connection, people: set[uuid.UUID], needs: list[_Need]
) -> defaultdict[uuid.UUID, dict[uuid.UUID, int]]:
    """Each person's level in each needed skill they hold."""
    levels: defaultdict[uuid.UUID, dict[uuid.UUID, int]] = defaultdict(dict)
    if not people or not needs:
        return levels
    rows = connection.execute(
        select(col(StaffSkill.staff_id), col(StaffSkill.skill_id), col(StaffSkill.level)).where(
            col(StaffSkill.staff_id).in_(people),
            col(StaffSkill.skill_id).in_([need.skill_id for need in needs]),
        )
    )
    for staff_id, skill_id, level in rows:
        levels[staff_id][skill_id] = level
    return levels


def _open_tickets(connection: Connection, people: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many open tickets each person has assigned now (none: left out)."""
    wanted = list(people)
    if not wanted:
        return {}
    rows = connection.execute(
        select(col(Ticket.assignee_id), func.count())
        .where(col(Ticket.assignee_id).in_(wanted), col(Ticket.status).in_(sorted(OPEN_STATUSES)))
        .group_by(col(Ticket.assignee_id))
    )
    return {staff_id: int(count) for staff_id, count in rows if staff_id is not None}


def _clock(moment: datetime, zone: ZoneInfo, today: date) -> str:
    """``moment`` on the site's clock: "15:00", or "07:00 tomorrow"."""
    local = moment.astimezone(zone)
    return local.strftime("%H:%M") + (" tomorrow" if local.date() > today else "")


def _on_shift_text(shift: RunningShift, now: datetime, zone: ZoneInfo, today: date) -> str:
    ends = _clock(shift.ends_at, zone, today)
    if shift.starts_at <= now:
        return f"on shift until {ends}"
    return f"on shift from {_clock(shift.starts_at, zone, today)} to {ends}"


def _on_call_text(shift: RunningShift, zone: ZoneInfo, today: date) -> str:
    phone = shift.phone or "no phone on record"
    return f"on call until {_clock(shift.ends_at, zone, today)} at {shift.site_code} · {phone}"


def _tickets_text(count: int) -> str:
    if count == 0:
        return "no open tickets"
    return "1 open ticket" if count == 1 else f"{count} open tickets"


def _needs_text(needs: list[_Need]) -> str:
    """ "Networking 2 or above and Printers"."""
    return " and ".join(f"{n.name} {n.level} or above" if n.level > 1 else n.name for n in needs)
