"""Twelve months of volume, backlog and SLA compliance, from index range counts only.

Each site's months are counted in three grouped queries on the ``(site_id, moment)`` indexes
(created, closed, and resolved with the SLA columns the resolved index carries); no ticket
row is read. The backlog at the end of the last month is counted as the report counts it,
and each earlier month's end is walked back from it: the backlog a month earlier is this one
less the tickets created in between plus those closed in between.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, not_, select
from sqlmodel import col

from app.reports.measures import Share
from app.reports.period import Period, Sites, local_midnight
from app.reports.tickets import backlog
from models.tickets import Ticket as T


@dataclass(frozen=True)
class TrendMonth:
    label: str  # "Nov 2026"
    volume: int
    backlog: int  # at the month's end
    sla: Share  # resolution within target, of the month's resolved tickets with a target


def trend(connection: Connection, period: Period, sites: Sites) -> tuple[TrendMonth, ...]:
    """The twelve months ending with the one ``period`` ends in."""
    months = period.trend_months()
    size = len(months)
    volume, closed, met, judged = [0] * size, [0] * size, [0] * size, [0] * size
    for window in sites.windows(months[0]):
        bounds = [local_midnight(m.first, window.zone) for m in months]
        bounds.append(local_midnight(months[-1].last + timedelta(days=1), window.zone))
        for index, count, _ in _per_month(connection, window.site_id, col(T.created_at), bounds):
            volume[index] += count
        for index, count, _ in _per_month(connection, window.site_id, col(T.closed_at), bounds):
            closed[index] += count
        for index, count, inside in _per_month(
            connection, window.site_id, col(T.resolved_at), bounds, with_target=True
        ):
            judged[index] += count
            met[index] += inside
    backlogs = [0] * size
    backlogs[-1] = backlog(connection, sites.windows(months[-1]))
    for index in range(size - 2, -1, -1):
        backlogs[index] = backlogs[index + 1] - volume[index + 1] + closed[index + 1]
    return tuple(
        TrendMonth(f"{m.first:%b %Y}", volume[i], backlogs[i], Share(met[i], judged[i]))
        for i, m in enumerate(months)
    )


def _per_month(
    connection: Connection,
    site_id: uuid.UUID,
    moment: Any,
    bounds: list[datetime],
    *,
    with_target: bool = False,
) -> list[tuple[int, int, int]]:
    """(month index, tickets, of them resolved within target) by the month ``moment`` falls
    in; with ``with_target`` only tickets that had a resolution target."""
    month = case(
        *((moment < bound, index) for index, bound in enumerate(bounds[1:-1])),
        else_=len(bounds) - 2,
    )
    conditions = [col(T.site_id) == site_id, moment >= bounds[0], moment < bounds[-1]]
    # Only the resolved index carries the SLA columns: other counts must not name them.
    inside: ColumnElement[int] = func.sum(case((not_(col(T.resolution_breached)), 1), else_=0))
    if with_target:
        conditions.append(col(T.resolution_due_at).is_not(None))
    else:
        inside = func.count()
    rows = connection.execute(
        select(month, func.count(), inside).where(*conditions).group_by(month)
    )
    return [(int(index), int(count), int(within or 0)) for index, count, within in rows]
