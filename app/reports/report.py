"""The monthly report in one call: every figure of a period at one site or all, with the
period before for comparison, for the PDF, the CSV tables and the Reports page alike.

Its parts are read side by side on their own connections. The costly ones (the key figures
of the period and of the one before, each month of the trend) are kept once a period is over
(:mod:`app.reports.stored`) and read back while nothing they count has changed, so a month
already read opens at once; the rest is counted every time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Connection, Engine, select
from sqlmodel import col

from app.business_hours import BusinessCalendar
from app.org.organisation import organisation
from app.permissions import Action, require_now
from app.reports.operations import Operations, operations
from app.reports.people import PhoneDesk, StaffRow, phone_desk, staff_names, staff_rows
from app.reports.period import Period, Sites, last_complete_month, report_sites
from app.reports.problem_figures import ProblemFigures, problem_figures
from app.reports.readings import KeyFigure, key_figures
from app.reports.stored import Part, Store, reference_digest
from app.reports.tickets import (
    REPEAT_DAYS,
    Breakdowns,
    Summary,
    breakdowns,
    category_names,
    summary,
)
from app.reports.times import Calendars
from app.reports.trend import MonthCounts, TrendMonth, month_counts, trend
from app.tickets.sla import site_calendar
from app.vendors.coverage import EndingContract, contracts_ending
from models.clock import utcnow
from models.engine import read_connection
from models.org import SiteClosure

T = TypeVar("T")
Progress = Callable[[int, str], None]  # (percent done, what is being read)
# The kept parts: a period's key figures (the period before is compared in calendar hours,
# so its business hours are counted only when it is kept from a report of its own) and a
# month's counts for the twelve-month trend.
SUMMARY = Part(
    "summary business",
    Summary,
    looks_back=timedelta(days=REPEAT_DAYS),
    with_backlog=True,
)
SUMMARY_WITHOUT_BUSINESS_HOURS = replace(SUMMARY, kind="summary", or_kept_as=(SUMMARY.kind,))
MONTH = Part("month", MonthCounts)
CONTRACTS_AHEAD = 90  # days after the period in which a contract's end is reported


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    sites: Sites
    made_at: datetime
    organisation: str
    logo: bytes | None
    logo_type: str
    key_figures: tuple[KeyFigure, ...]
    now: Summary
    before: Summary
    breakdowns: Breakdowns
    desk: PhoneDesk
    staff: tuple[StaffRow, ...]
    trend: tuple[TrendMonth, ...]
    operations: Operations
    problems: ProblemFigures
    # Contracts ending within CONTRACTS_AHEAD days after the period, or inside their renewal
    # notice period at its end (every site's: a contract belongs to no one site).
    contracts_ending: tuple[EndingContract, ...]
    without_business_hours: tuple[str, ...]  # the codes of sites that have none set

    @property
    def zones(self) -> str:
        """The time zones the period's days are taken in."""
        return ", ".join(sorted({f"{s.code}: {s.timezone}" for s in self.sites.rows}))


def monthly_report(
    engine: Engine,
    actor_id: uuid.UUID,
    period: Period,
    site_code: str | None = None,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Report:
    """Every figure of ``period`` at the site ``site_code`` (every site with None), for a
    manager or admin. ``progress`` hears how far it has got."""
    require_now(engine, actor_id, Action.RUN_REPORTS)
    now = now or utcnow()
    step = progress or (lambda _percent, _what: None)
    sites = report_sites(engine, site_code)
    windows = sites.windows(period)
    step(5, "Reading the period's tickets")
    with read_connection(engine) as connection:
        calendars = _calendars(connection, sites)
        categories = category_names(connection)
        names = staff_names(connection)
        reference = reference_digest(connection, sites.rows)
    store = Store(engine, sites.rows[0].code if site_code else "", reference, now)

    def read(part: Callable[[Connection], T]) -> T:
        with read_connection(engine) as connection:
            return part(connection)

    def kept_summary(when: Period, at: Calendars | None) -> Summary:
        w = sites.windows(when)
        return store.kept(
            SUMMARY if at is not None else SUMMARY_WITHOUT_BUSINESS_HOURS,
            [when],
            sites.windows,
            lambda _: [read(lambda c: summary(c, w, at, categories))],
        )[0]

    def kept_months(months: Sequence[Period]) -> list[MonthCounts]:
        return store.kept(
            MONTH,
            months,
            sites.windows,
            lambda missing: read(lambda c: [month_counts(c, m, sites) for m in missing]),
        )

    # The parts run side by side, each on its own connection: while one walks its rows in
    # Python, the others wait on the database, which works without the interpreter's lock.
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="report") as pool:
        before = pool.submit(kept_summary, period.previous(), None)
        rest = pool.submit(
            read, lambda c: (phone_desk(c, windows, names), trend(c, period, sites, kept_months))
        )
        running = pool.submit(operations, engine, period, sites, now)
        problem_work = pool.submit(
            read, lambda c: problem_figures(c, windows, site_code is None, now)
        )
        ending = pool.submit(contracts_ending, engine, period.last, CONTRACTS_AHEAD)
        current = kept_summary(period, calendars)
        parts_read = pool.submit(read, lambda c: breakdowns(c, windows, current.created))
        step(40, "Reading the people of the period")
        staff = read(lambda c: staff_rows(c, windows, current.resolved, names))
        step(55, "Reading the period before")
        compared = before.result()
        step(70, "Reading twelve months, calls and breakdowns")
        desk, months = rest.result()
        parts = parts_read.result()
        step(90, "Reading maintenance, roster and training")
        upkeep = running.result()
        problems = problem_work.result()
        contracts = tuple(ending.result())
    about = organisation(engine)
    return Report(
        period=period,
        previous=period.previous(),
        sites=sites,
        made_at=now,
        organisation=about.name,
        logo=about.logo,
        logo_type=about.logo_type,
        key_figures=key_figures(current, compared),
        now=current,
        before=compared,
        breakdowns=parts,
        desk=desk,
        staff=staff,
        trend=months,
        operations=upkeep,
        problems=problems,
        contracts_ending=contracts,
        without_business_hours=tuple(
            site.code for site in sites.rows if calendars[site.id] is None
        ),
    )


def keep_last_month(engine: Engine, actor_id: uuid.UUID, now: datetime | None = None) -> None:
    """Count the last complete month for every site together and for each one, so that its
    figures are kept (:mod:`app.reports.stored`) before a manager opens it: run in the
    background by a manager's window, now and then, since any change to the month's tickets
    forgets them. A month already kept is only read."""
    now = now or utcnow()
    month = last_complete_month(now)
    for code in (None, *(site.code for site in report_sites(engine, None).rows)):
        monthly_report(engine, actor_id, month, code, now=now)


def _calendars(connection: Connection, sites: Sites) -> dict[uuid.UUID, BusinessCalendar | None]:
    """Each site's business calendar with its closures; None where no hours are set."""
    closures: dict[uuid.UUID, list[tuple]] = {site.id: [] for site in sites.rows}
    for site_id, first, last in connection.execute(
        select(
            col(SiteClosure.site_id), col(SiteClosure.first_day), col(SiteClosure.last_day)
        ).order_by(col(SiteClosure.first_day))
    ):
        closures.setdefault(site_id, []).append((first, last))
    out: dict[uuid.UUID, BusinessCalendar | None] = {}
    for site in sites.rows:
        if any((site.business_hours or {}).values()):
            out[site.id] = site_calendar(site, tuple(closures[site.id]))
        else:
            out[site.id] = None
    return out
