"""The report's period, and where it starts and ends at each site.

A month is a month where the ticket was raised: a ticket created at 23:30 on 31 October in a
site west of UTC (already 1 November in UTC) belongs to October. So a period is a range of
local days, and it becomes one window of UTC moments per site (each site's own midnights);
every count of the report asks for a column inside its site's window
(:func:`within`), which the ``(site_id, column)`` indexes of migration 0012 answer as one
index range per site.
"""

from __future__ import annotations

import re
import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, Engine, and_, case, false, literal, or_
from sqlmodel import col, select

from app.errors import NotFoundError, SwitchboardError
from app.pick_lists import Choice, site_choices
from models.engine import read_connection, read_session
from models.org import Site
from models.types import UTCDateTime

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})-?[Qq]([1-4])\s*$")


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last`` (both included) and what kind of period it is: a
    ``month`` or ``quarter`` compares itself with the one before it, a ``range`` with the
    same number of days just before it."""

    first: date
    last: date
    kind: str = "range"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        """ "October 2026", "2026 Q4" or "1 Oct 2026 – 15 Nov 2026"."""
        if self.kind == "month":
            return f"{self.first:%B %Y}"
        if self.kind == "quarter":
            return f"{self.first.year} Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first:%-d %b %Y} – {self.last:%-d %b %Y}"

    @property
    def code(self) -> str:
        """A short name for files: "2026-10", "2026-Q4", "2026-10-01_2026-11-15"."""
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first.isoformat()}_{self.last.isoformat()}"

    def previous(self) -> Period:
        """The period the report compares this one with."""
        if self.kind == "month":
            return month_of(self.first - relativedelta(months=1))
        if self.kind == "quarter":
            return quarter_of(self.first - relativedelta(months=3))
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def trend_months(self, count: int = 12) -> tuple[Period, ...]:
        """The ``count`` calendar months ending with the one the period ends in."""
        last = month_of(self.last)
        return tuple(
            month_of(last.first - relativedelta(months=back)) for back in reversed(range(count))
        )


def month_of(day: date) -> Period:
    """The calendar month ``day`` is in."""
    return Period(day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1]), "month")


def last_complete_month(now: datetime) -> Period:
    """The month before the one ``now`` falls in at this workstation: the month a manager
    reports on."""
    return month_of(now.astimezone().date()).previous()


def quarter_of(day: date) -> Period:
    """The calendar quarter ``day`` is in."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(first, (first + relativedelta(months=3)) - timedelta(days=1), "quarter")


def parse_month(text: str) -> Period:
    """``2026-10`` as October 2026; a clear message for anything else."""
    found = _MONTH.match(text)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise SwitchboardError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2026-10")
    return month_of(date(int(found.group(1)), int(found.group(2)), 1))


def parse_quarter(text: str) -> Period:
    """``2026-Q4`` as October to December 2026."""
    found = _QUARTER.match(text)
    if found is None:
        raise SwitchboardError(f"{text!r} is not a quarter; write it as YYYY-Qn, e.g. 2026-Q4")
    return quarter_of(date(int(found.group(1)), 3 * int(found.group(2)) - 2, 1))


def between(first: date, last: date) -> Period:
    """Days ``first`` to ``last``, both included: a month or a quarter when that is what they
    are, so it is compared as one."""
    if last < first:
        raise SwitchboardError(
            f"The period ends ({last.isoformat()}) before it starts ({first.isoformat()}); "
            "give the first day with --from and the last with --to."
        )
    if last >= first + relativedelta(years=2):
        raise SwitchboardError(
            f"The period from {first.isoformat()} to {last.isoformat()} is longer than two "
            "years; make one report per year."
        )
    for whole in (month_of(first), quarter_of(first)):
        if (whole.first, whole.last) == (first, last):
            return whole
    return Period(first, last)


@dataclass(frozen=True)
class SiteWindow:
    """A period at one site: its local days as UTC moments, ``start`` included, ``end`` not."""

    site_id: uuid.UUID
    code: str
    name: str
    zone: ZoneInfo
    start: datetime
    end: datetime

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)


@dataclass(frozen=True)
class Sites:
    """The sites a report covers (one, or every site), ordered by code."""

    rows: tuple[Site, ...]

    @property
    def label(self) -> str:
        if len(self.rows) == 1:
            return f"{self.rows[0].name} ({self.rows[0].code})"
        return "All sites"

    def windows(self, period: Period) -> tuple[SiteWindow, ...]:
        return tuple(window(site, period) for site in self.rows)


def window(site: Site, period: Period) -> SiteWindow:
    zone = ZoneInfo(site.timezone)
    return SiteWindow(
        site.id,
        site.code,
        site.name,
        zone,
        local_midnight(period.first, zone),
        local_midnight(period.last + timedelta(days=1), zone),
    )


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment ``day`` starts at in ``zone``."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def report_sites(engine: Engine, code: str | None) -> Sites:
    """Every site, or the one whose code is ``code`` (any case); unknown codes are refused
    with the codes there are."""
    with read_session(engine) as session:
        rows = list(session.exec(select(Site).order_by(col(Site.code))).all())
    if code is None:
        return Sites(tuple(rows))
    chosen = [site for site in rows if site.code.casefold() == code.strip().casefold()]
    if not chosen:
        known = ", ".join(site.code for site in rows) or "none yet"
        raise NotFoundError(f"There is no site {code!r}. Sites: {known}.")
    return Sites(tuple(chosen))


def within(
    site_column: Any,
    column: Any,
    windows: tuple[SiteWindow, ...],
) -> ColumnElement[bool]:
    """``column`` inside its row's site window: one range per site (an index range each)."""
    if not windows:
        return false()  # no site, no rows
    return or_(
        *(and_(site_column == w.site_id, column >= w.start, column < w.end) for w in windows)
    )


def within_by_site(
    site_column: Any,
    column: Any,
    windows: tuple[SiteWindow, ...],
) -> ColumnElement[bool]:
    """The test :func:`within` makes, for a query another table's index must drive (ticket
    events by kind and time, calls by start): each site's bounds picked by a ``CASE``, which
    no ticket index can answer, so the planner does not start from the tickets of every
    site. Bounded as a whole by the earliest start and the latest end, for that index."""
    if not windows:
        return false()
    starts = case(*((site_column == w.site_id, literal(w.start, UTCDateTime)) for w in windows))
    ends = case(*((site_column == w.site_id, literal(w.end, UTCDateTime)) for w in windows))
    return and_(
        column >= min(w.start for w in windows),
        column < max(w.end for w in windows),
        column >= starts,
        column < ends,
    )


def report_site_choices(engine: Engine) -> tuple[Choice, ...]:
    """The sites a report can be made for, as the Reports page lists them."""
    with read_connection(engine) as connection:
        return site_choices(connection)
