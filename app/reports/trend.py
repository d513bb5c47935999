"""Twelve months of volume, backlog and SLA compliance, from index range counts only.

Each month is counted at each site in three queries on the ``(site_id, moment)`` indexes
(created, closed, and resolved with the SLA columns the resolved index carries); no ticket
row is read, and a finished month's counts can be kept (:mod:`app.reports.stored`). The
backlog at the end of the last month is counted as the report counts it, and each earlier
month's end is walked back from it: the backlog a month earlier is this one less the tickets
created in between plus those closed in between.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, func, not_, select
from sqlmodel import col

from app.reports.measures import Share
from app.reports.period import Period, Sites, SiteWindow
from app.reports.tickets import backlog
from models.tickets import Ticket as T


@dataclass(frozen=True)
class TrendMonth:
    label: str  # "Nov 2026"
    volume: int
    backlog: int  # at the month's end
    sla: Share  # resolution within target, of the month's resolved tickets with a target


@dataclass(frozen=True)
class MonthCounts:
    """What one month adds to the trend, at the report's sites."""

    volume: int  # created in the month
    closed: int  # closed in the month
    met: int  # resolved in the month within target
    judged: int  # resolved in the month with a target


def month_counts(connection: Connection, month: Period, sites: Sites) -> MonthCounts:
    """The month's counts, summed over the sites, each in its own local days."""
    volume = closed = met = judged = 0
    for w in sites.windows(month):
        volume += _count(connection, w, col(T.created_at))[0]
        closed += _count(connection, w, col(T.closed_at))[0]
        # Only the resolved index carries the SLA columns: other counts must not name them.
        resolved, within_target = _count(
            connection,
            w,
            col(T.resolved_at),
            col(T.resolution_due_at).is_not(None),
            of=not_(col(T.resolution_breached)),
        )
        judged += resolved
        met += within_target
    return MonthCounts(volume, closed, met, judged)


def _count(
    connection: Connection, w: SiteWindow, moment: Any, *more: Any, of: Any = None
) -> tuple[int, int]:
    """(tickets whose ``moment`` is in the site's window, of them those ``of`` holds for)."""
    inside = func.sum(case((of, 1), else_=0)) if of is not None else func.count()
    total, part = connection.execute(
        select(func.count(), inside).where(
            col(T.site_id) == w.site_id, moment >= w.start, moment < w.end, *more
        )
    ).one()
    return int(total), int(part or 0)


def trend(
    connection: Connection,
    period: Period,
    sites: Sites,
    counted: Callable[[Sequence[Period]], Sequence[MonthCounts]],
) -> tuple[TrendMonth, ...]:
    """The twelve months ending with the one ``period`` ends in; ``counted`` gives the
    months' counts (:func:`month_counts` of each, or kept ones)."""
    months = period.trend_months()
    counts = counted(months)
    backlogs = [0] * len(months)
    backlogs[-1] = backlog(connection, sites.windows(months[-1]))
    for index in range(len(months) - 2, -1, -1):
        after = counts[index + 1]
        backlogs[index] = backlogs[index + 1] - after.volume + after.closed
    return tuple(
        TrendMonth(f"{m.first:%b %Y}", c.volume, backlogs[i], Share(c.met, c.judged))
        for i, (m, c) in enumerate(zip(months, counts, strict=True))
    )
