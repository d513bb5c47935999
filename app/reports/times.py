"""Times from a ticket's creation to a moment of the period (its first answer, its
resolution): counts, means and medians overall, by priority, by person and by group of
tickets, from one read of the period's rows in which the database does the subtracting.
Business hours need the two timestamps and the site's calendar, so they are worked out only
where asked for (the period itself, not the one it is compared with).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import median
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import col

from app.business_hours import BusinessCalendar
from app.reports.elapsed import hours_between
from app.reports.measures import Share, Times, times
from app.reports.period import SiteWindow, within
from models.enums import Priority
from models.tickets import Ticket as T

Calendars = Mapping[uuid.UUID, BusinessCalendar | None]  # None: no business hours there


@dataclass(frozen=True)
class Durations:
    """The times to one moment of every ticket that reached it in the period."""

    overall: Times
    by_priority: tuple[tuple[str, Times], ...]  # every priority, P1 first
    by_group: Mapping[str, tuple[float, int]]  # "P3 Network": (hours summed, tickets)
    by_person: Mapping[uuid.UUID, tuple[int, float | None, Share]]  # count, median, SLA
    within_target: Share  # reached by its target, of those that had one
    first_level: Share  # by a service-desk team without escalation (asked of resolutions)


@dataclass(frozen=True)
class Moment:
    """A moment of a ticket's life the report times, with the target it has to meet."""

    reached: Any  # the Ticket column of the moment
    due: Any  # the column of its target
    breached: Any  # the column saying it was missed


ANSWER = Moment(T.first_response_at, T.response_due_at, T.response_breached)
RESOLUTION = Moment(T.resolved_at, T.resolution_due_at, T.resolution_breached)


def durations(
    connection: Connection,
    windows: tuple[SiteWindow, ...],
    moment: Moment,
    categories: Mapping[uuid.UUID, str],
    calendars: Calendars | None = None,
    desk_teams: frozenset[uuid.UUID] = frozenset(),
) -> Durations:
    """The times from creation to ``moment`` of the tickets whose moment falls in the
    period, with how many met its target and how many were ``desk_teams``' own: one read
    of the period's rows, the database subtracting."""
    reached = col(moment.reached)
    columns: list[Any] = [
        col(T.priority),
        col(T.category_id),
        col(T.assignee_id),
        hours_between(reached, col(T.created_at)),
        col(moment.due).is_not(None),
        col(moment.breached),
        col(T.team_id),
        col(T.escalated),
    ]
    if calendars:
        columns += [col(T.site_id), col(T.created_at), reached]
    by_priority: dict[Priority, list[float]] = defaultdict(list)
    business: dict[Priority, list[float]] = defaultdict(list)
    by_group: dict[tuple[Priority, uuid.UUID | None], list[float]] = defaultdict(list)
    by_person: dict[uuid.UUID | None, list[float]] = defaultdict(list)
    judged: dict[uuid.UUID | None, list[bool]] = defaultdict(list)
    first_level = 0
    for row in connection.execute(select(*columns).where(within(col(T.site_id), reached, windows))):
        level, category_id, person, hours, targeted, breached, team, escalated, *ends = row
        first_level += team in desk_teams and not escalated
        by_priority[level].append(hours)
        by_group[level, category_id].append(hours)
        by_person[person].append(hours)
        if targeted:
            judged[person].append(not breached)
        if ends:
            calendar = calendars.get(ends[0]) if calendars else None
            if calendar is not None:
                business[level].append(calendar.business_minutes_between(*ends[1:]) / 60)
    levels = sorted(Priority, key=int)
    return Durations(
        times(
            [hours for level in levels for hours in by_priority[level]],
            [hours for level in levels for hours in business[level]],
        ),
        tuple((level.label, times(by_priority[level], business[level])) for level in levels),
        _groups(by_group, categories),
        {
            person: (
                len(listed),
                median(listed),
                Share(sum(judged[person]), len(judged[person])),
            )
            for person, listed in by_person.items()
            if person is not None  # nobody's: counted overall, in no one's row
        },
        Share(
            sum(sum(listed) for listed in judged.values()),
            sum(len(listed) for listed in judged.values()),
        ),
        Share(first_level, sum(len(listed) for listed in by_priority.values())),
    )


def _groups(
    hours: Mapping[tuple[Priority, uuid.UUID | None], list[float]],
    categories: Mapping[uuid.UUID, str],
) -> dict[str, tuple[float, int]]:
    """Hours summed and tickets counted per priority and top-level category ("P3 Network"),
    how a reading names what drove a change."""
    groups: dict[str, tuple[float, int]] = {}
    for (level, category_id), listed in hours.items():
        name = categories.get(category_id, "(none)") if category_id else "(none)"
        key = f"P{int(level)} {name.split(' › ')[0]}"
        total, count = groups.get(key, (0.0, 0))
        groups[key] = (total + sum(listed), count + len(listed))
    return groups
