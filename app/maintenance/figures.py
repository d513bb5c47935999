"""The maintenance figures of a period, as the monthly report prints them.

The design notes define the measure: **maintenance on time = occurrences done by their due
time / occurrences due in the period**. An occurrence's due time is the end of its window
(where it is now, if it was moved), and it is due in the period when that falls after the
period's start and by its end, and is already past: an occurrence later this month is not
due yet. Cancelled occurrences are not due at all; skipped ones are due and not done, so
they count against the figure, with their own count beside it so a reader sees why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from app.maintenance.calendar import CalendarFilter, Status, window


@dataclass(frozen=True)
class MaintenanceFigures:
    """Counts of the occurrences due in a period (see the module docstring)."""

    due: int
    done_on_time: int
    done_late: int
    skipped: int
    overdue: int

    @property
    def on_time_percent(self) -> float | None:
        """Done on time as a percentage of those due; None when nothing was due."""
        return 100.0 * self.done_on_time / self.due if self.due else None


def figures(
    engine: Engine,
    period_from: datetime,
    period_to: datetime,
    now: datetime,
    site_id: uuid.UUID | None = None,
) -> MaintenanceFigures:
    """The figures of the occurrences due from ``period_from`` to before ``period_to`` (UTC)
    at ``site_id`` (every site with None), as they stand at ``now``."""
    until = min(period_to, now)
    due = [
        o
        for o in window(engine, period_from, until, now, CalendarFilter(site_id=site_id))
        if period_from < o.ends_at <= until and o.status is not Status.CANCELLED
    ]
    count = {status: sum(1 for o in due if o.status is status) for status in Status}
    return MaintenanceFigures(
        due=len(due),
        done_on_time=count[Status.DONE],
        done_late=count[Status.DONE_LATE],
        skipped=count[Status.SKIPPED],
        overdue=count[Status.OVERDUE],
    )
