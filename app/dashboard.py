"""The manager's dashboard: how the desk stands right now, in one read.

A manager opens it to see at a glance where to step in: open tickets and those opened
today, tickets past their SLA (the most overdue by number) and those due within
:data:`DUE_SOON`, calls taken today, who is on now, the maintenance of this week and the
certifications running out this month; for every site, or for one.

Each figure reuses what the rest of the program already says, so the dashboard never
disagrees with the page a manager goes to next: who is on is
:func:`app.roster.on_now.on_now` (the roster's panel), the week's maintenance is
:func:`app.maintenance.calendar.days` (the calendar's week view), the certifications are
:func:`app.training.matrix.expiring_soon` (the training page's list) and "today" starts at
:func:`app.calls.log.period_start` (the call log's "Today").

**Cost.** The ticket and call figures are counts in SQL, each a range of an index: open
tickets through the partial indexes over open tickets (``OPEN_CONDITION``), today's tickets
and calls through their creation and start times. None walks the ticket history, which may
hold a million tickets (``tests/test_dashboard.py`` reads the plans).

**Sites.** With a site chosen, "today" and "this week" are its local days; tickets are the
site's, calls those taken by staff whose home site it is, and certifications those of its
staff. Without one, every site counts and days are the workstation's.

Reports read every ticket and caller of the desk, so the dashboard is a manager's or an
admin's (:attr:`Action.RUN_REPORTS`), checked here before anything is read.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    TextClause,
    func,
    literal_column,
    select,
    text,
)
from sqlmodel import col

from app.attention.items import AttentionEntry, attention_list, unacknowledged_count
from app.calls.log import Period, period_start
from app.maintenance.calendar import CalendarFilter, Occurrence, Status, days
from app.permissions import Action, require
from app.pick_lists import Choice, site_choices
from app.roster.local_time import monday_of
from app.roster.on_now import SiteOnNow, on_now
from app.training.matrix import Expiring, expiring_soon
from models.engine import read_connection
from models.enums import Priority
from models.org import Site, Staff
from models.tickets import OPEN_CONDITION, Call, Ticket

DUE_SOON = timedelta(hours=2)  # "due soon": the SLA runs out within this, not yet passed
LISTED = 5  # tickets named in each short list
ATTENTION_LISTED = 50  # attention items listed; the count says how many wait in all


@dataclass(frozen=True)
class TicketLine:
    """A ticket in one of the dashboard's short lists."""

    id: uuid.UUID
    number: str  # "HQ-004211"
    summary: str
    priority: Priority
    sla_due_at: datetime  # the deadline running (passed, for a breached ticket)
    assignee: str  # "" while unassigned
    site_code: str


@dataclass(frozen=True)
class Dashboard:
    """The desk at ``now``, for ``site_id`` (every site with None); plain data."""

    now: datetime
    site_id: uuid.UUID | None
    sites: tuple[Choice, ...]  # every site by code, for the site box
    today: date  # the local day "today" counts (the site's, or the workstation's)
    open_tickets: int
    opened_today: int  # created since midnight, whatever their status now
    breached: int  # open, and the SLA deadline running has passed
    most_overdue: tuple[TicketLine, ...]  # the longest overdue first, at most LISTED
    due_soon: int  # open, the deadline within DUE_SOON and not passed
    due_next: tuple[TicketLine, ...]  # the soonest first, at most LISTED
    calls_today: int  # started since midnight
    on_now: tuple[SiteOnNow, ...]  # by site code
    week: tuple[date, date]  # this week's Monday and Sunday
    maintenance: tuple[Occurrence, ...]  # starting this week, cancelled ones left out
    month_end: date  # the last day of this month
    expiring: tuple[Expiring, ...]  # valid today, running out by ``month_end``, soonest first
    # The manager's attention list (every site: an escalation is the manager's wherever it
    # is): what waits for acknowledgement, newest first, then if asked what was acknowledged.
    attention: tuple[AttentionEntry, ...] = ()
    attention_waiting: int = 0

    @property
    def maintenance_to_do(self) -> tuple[Occurrence, ...]:
        """This week's occurrences still to be done (scheduled, in progress or overdue)."""
        return tuple(o for o in self.maintenance if o.status.open)

    @property
    def maintenance_done(self) -> int:
        """This week's occurrences done (on time or late)."""
        return sum(1 for o in self.maintenance if o.status in (Status.DONE, Status.DONE_LATE))

    @property
    def maintenance_overdue(self) -> int:
        return sum(1 for o in self.maintenance if o.status is Status.OVERDUE)

    @property
    def site_label(self) -> str:
        """ "HQ" for the site shown, "All sites" without one."""
        return next((s.label for s in self.sites if s.id == self.site_id), "All sites")


def dashboard(
    engine: Engine,
    actor_id: uuid.UUID,
    now: datetime,
    site_id: uuid.UUID | None = None,
    *,
    acknowledged_too: bool = False,
) -> Dashboard:
    """The dashboard at ``now`` (UTC) for ``site_id`` (every site with None), as ``actor_id``
    may see it: refused with :class:`app.errors.PermissionDenied` unless they may run
    reports. ``acknowledged_too``: the attention list shows acknowledged items after the
    waiting ones."""
    with read_connection(engine) as connection:
        require(connection, actor_id, Action.RUN_REPORTS)
        sites = site_choices(connection)
        zone = _zone(connection, site_id)
        tickets = _TicketFigures.read(
            connection, now, period_start(Period.TODAY, now, zone), site_id
        )
        codes = {site.id: site.label for site in sites}
        home_staff = _staff_at(connection, site_id)
    today = now.astimezone(zone).date()
    monday = monday_of(today)
    sunday = monday + timedelta(days=6)
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    return Dashboard(
        now=now,
        site_id=site_id,
        sites=sites,
        today=today,
        open_tickets=tickets.counts["open"],
        opened_today=tickets.counts["opened_today"],
        breached=tickets.counts["breached"],
        most_overdue=tickets.lines(tickets.overdue, codes),
        due_soon=tickets.counts["due_soon"],
        due_next=tickets.lines(tickets.due_next, codes),
        calls_today=tickets.counts["calls_today"],
        on_now=tuple(s for s in on_now(engine, now) if site_id in (None, s.site_id)),
        week=(monday, sunday),
        maintenance=_week_maintenance(engine, monday, sunday, now, site_id),
        month_end=month_end,
        expiring=tuple(
            e
            for e in expiring_soon(engine, (month_end - today).days, today)
            if home_staff is None or e.staff_id in home_staff
        ),
        attention=tuple(
            attention_list(engine, include_acknowledged=acknowledged_too, limit=ATTENTION_LISTED)
        ),
        attention_waiting=unacknowledged_count(engine),
    )


def _zone(connection: Connection, site_id: uuid.UUID | None) -> tzinfo | None:
    """The site's time zone; None (the workstation's) for every site."""
    if site_id is None:
        return None
    name = connection.execute(select(col(Site.timezone)).where(col(Site.id) == site_id)).scalar()
    return ZoneInfo(name) if name else None


def _staff_at(connection: Connection, site_id: uuid.UUID | None) -> frozenset[uuid.UUID] | None:
    """The staff whose home site is ``site_id``; None (everyone) for every site."""
    if site_id is None:
        return None
    found = connection.execute(select(col(Staff.id)).where(col(Staff.home_site_id) == site_id))
    return frozenset(found.scalars())


def _week_maintenance(
    engine: Engine, monday: date, sunday: date, now: datetime, site_id: uuid.UUID | None
) -> tuple[Occurrence, ...]:
    """The occurrences starting on the local days of this week, as the calendar's week view
    shows them, cancelled ones left out; earliest first."""
    by_day = days(engine, monday, sunday, now, CalendarFilter(site_id=site_id))
    return tuple(
        o for day in sorted(by_day) for o in by_day[day] if o.status is not Status.CANCELLED
    )


# -- the ticket and call figures, in SQL ---------------------------------------------------------

# Written out literally, as the partial indexes over open tickets are, so the planner can
# prove they apply (a bound parameter would not match their condition).
_OPEN = text(OPEN_CONDITION)
Condition = ColumnElement[bool] | TextClause


def _unindexed(column: Any, dialect: str) -> ColumnElement[Any]:
    """``column`` as a term the SQLite planner will not pick an index for (unary ``+``, its
    documented way): the site's tickets of today are a short range of the creation time,
    whereas the site's index would walk every ticket the site ever had. PostgreSQL plans
    from the table's statistics and is given the column as it is."""
    if dialect != "sqlite":
        return cast(ColumnElement[Any], col(column))
    return literal_column(f"+{column.table.name}.{column.name}", type_=column.type)


def count_statements(
    now: datetime, midnight: datetime, site_id: uuid.UUID | None, dialect: str
) -> dict[str, Select[Any]]:
    """The dashboard's counts as SQL, by name, for ``site_id`` (every site with None):
    each reads a range of one index (see the module docstring)."""
    at_site: list[ColumnElement[bool]] = []
    new_at_site: list[ColumnElement[bool]] = []
    taken_at_site: list[ColumnElement[bool]] = []
    if site_id is not None:
        at_site = [col(Ticket.site_id) == site_id]
        new_at_site = [_unindexed(Ticket.site_id, dialect) == site_id]
        site_staff = select(col(Staff.id)).where(col(Staff.home_site_id) == site_id)
        taken_at_site = [col(Call.operator_id).in_(site_staff)]
    due = col(Ticket.sla_due_at)

    def tickets(*conditions: Condition) -> Select[Any]:
        return select(func.count()).select_from(Ticket).where(*conditions)

    return {
        "open": tickets(_OPEN, *at_site),
        "opened_today": tickets(col(Ticket.created_at) >= midnight, *new_at_site),
        "breached": tickets(_OPEN, due < now, *at_site),
        "due_soon": tickets(_OPEN, due >= now, due < now + DUE_SOON, *at_site),
        "calls_today": select(func.count())
        .select_from(Call)
        .where(col(Call.started_at) >= midnight, *taken_at_site),
    }


def line_statements(now: datetime, site_id: uuid.UUID | None) -> tuple[Select[Any], Select[Any]]:
    """The two short lists as SQL: the most overdue open tickets, and the soonest due;
    each an ordered range of the open tickets' deadline index, cut at :data:`LISTED`."""
    due = col(Ticket.sla_due_at)
    at_site = [col(Ticket.site_id) == site_id] if site_id is not None else []
    columns: tuple[Any, ...] = (
        col(Ticket.id),
        col(Ticket.number),
        col(Ticket.summary),
        col(Ticket.priority),
        due,
        col(Ticket.assignee_name),
        col(Ticket.site_id),
    )
    order = (due, col(Ticket.number))
    overdue = select(*columns).where(_OPEN, due < now, *at_site)
    coming = select(*columns).where(_OPEN, due >= now, due < now + DUE_SOON, *at_site)
    return (
        overdue.order_by(*order).limit(LISTED),
        coming.order_by(*order).limit(LISTED),
    )


@dataclass(frozen=True)
class _TicketFigures:
    """The counts and the two lists' rows, read on one connection."""

    counts: Mapping[str, int]
    overdue: tuple[Any, ...]
    due_next: tuple[Any, ...]

    @classmethod
    def read(
        cls, connection: Connection, now: datetime, midnight: datetime, site_id: uuid.UUID | None
    ) -> _TicketFigures:
        dialect = connection.dialect.name
        counts = {
            name: int(connection.execute(statement).scalar_one())
            for name, statement in count_statements(now, midnight, site_id, dialect).items()
        }
        overdue, coming = line_statements(now, site_id)
        return cls(counts, tuple(connection.execute(overdue)), tuple(connection.execute(coming)))

    @staticmethod
    def lines(rows: tuple[Any, ...], codes: Mapping[uuid.UUID, str]) -> tuple[TicketLine, ...]:
        return tuple(
            TicketLine(
                id=ticket_id,
                number=number,
                summary=summary,
                priority=Priority(priority),
                sla_due_at=due,
                assignee=assignee or "",
                site_code=codes.get(site, ""),
            )
            for ticket_id, number, summary, priority, due, assignee, site in rows
        )
