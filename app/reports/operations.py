"""What the rest of Switchboard adds to the month: maintenance done on time, the hours the
desk was short of people, and training compliance. Each comes from its own feature's
service, so the report says what the maintenance, roster and training pages say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from app.maintenance.figures import MaintenanceFigures, figures
from app.reports.measures import Share
from app.reports.period import Period, Sites, month_of
from app.roster.coverage import Gap
from app.roster.week import week
from app.training.matrix import Expiring, expiring_soon, training_matrix


@dataclass(frozen=True)
class Operations:
    maintenance: MaintenanceFigures
    gaps: tuple[Gap, ...]  # hours short of the desk's minimum, in the period
    gap_hours: float
    training: Share  # required certifications valid at the period's end, of those required
    expiring: tuple[Expiring, ...]  # certifications running out in the month after


def operations(engine: Engine, period: Period, sites: Sites, now: datetime) -> Operations:
    windows = sites.windows(period)
    due = [figures(engine, w.start, w.end, now, w.site_id) for w in windows]
    maintenance = MaintenanceFigures(
        *(sum(getattr(f, name) for f in due) for name in MaintenanceFigures.__dataclass_fields__)
    )
    chosen = {w.site_id for w in windows}
    gaps = tuple(
        gap
        for monday in _mondays(period)
        for gap in week(engine, monday).gaps
        if gap.site_id in chosen and period.first <= gap.day <= period.last
    )
    held, required = training_matrix(engine, today=period.last).compliance
    after = period.last + timedelta(days=1)
    return Operations(
        maintenance,
        gaps,
        sum((g.ends.astimezone(UTC) - g.starts.astimezone(UTC)).total_seconds() for g in gaps)
        / 3600,
        Share(held, required),
        tuple(expiring_soon(engine, month_of(after).days - 1, today=after)),
    )


def _mondays(period: Period) -> list[date]:
    monday = period.first - timedelta(days=period.first.weekday())
    return [monday + timedelta(weeks=n) for n in range((period.last - monday).days // 7 + 1)]
