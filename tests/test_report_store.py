"""Kept report figures (app/reports/stored.py, models/report_store.py), on SQLite and
PostgreSQL: a finished period's key figures and trend months are kept and read back; a
running period is not kept; every change that could alter kept figures makes the database
forget them, and changes that cannot leave them; a change made while they are counted is
never kept; a database that takes no writes still reports."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select, update
from sqlmodel import col

import app.reports.report as report_module
from app.reports.measures import Share
from app.reports.period import parse_month, report_sites
from app.reports.report import Report, monthly_report
from app.reports.stored import Part, Store
from models.engine import is_sqlite, read_connection, refuse_writes, write_session
from models.enums import EventKind, Priority, TicketStatus
from models.org import Category, Site
from models.report_store import ReportStore
from models.tickets import Ticket, TicketEvent
from tests.conftest import NOW
from tests.report_fixtures import World, make_world, utc

OCTOBER = parse_month("2026-10")


@pytest.fixture
def w(engine: Engine) -> World:
    return make_world(engine)


def report(w: World, now: object = NOW) -> Report:
    return monthly_report(w.engine, w.manager, OCTOBER, now=now)  # type: ignore[arg-type]


def figures(r: Report) -> tuple:
    """Everything a report counted (not when it was made)."""
    return (r.key_figures, r.now, r.before, r.breakdowns, r.trend, r.staff, r.desk)


def kept_rows(engine: Engine) -> dict[tuple[str, str], bool]:
    """(kind, first day) -> has figures, of every kept row."""
    with read_connection(engine) as c:
        rows = c.execute(
            select(col(ReportStore.kind), col(ReportStore.first_day), col(ReportStore.body))
        ).all()
    return {(kind, f"{first:%Y-%m}"): body is not None for kind, first, body in rows}


def counted_afresh(w: World) -> Report:
    with write_session(w.engine) as session:
        session.execute(delete(ReportStore))
    return report(w)


def october_desk(w: World) -> dict[str, uuid.UUID]:
    """A few tickets around October: one created and resolved in it, one created in it and
    still open, one open since August, one closed in September, one created in March."""
    resolved = w.ticket(
        w.lon,
        utc(2026, 10, 5, 9),
        category_id=w.printing,
        assignee_id=w.operator,
        team_id=w.desk,
        first_response_at=utc(2026, 10, 5, 10),
        resolved_at=utc(2026, 10, 6, 9),
    )
    w.resolved_event(resolved, utc(2026, 10, 6, 9))
    return {
        "resolved": resolved,
        "open_in_october": w.ticket(w.nyc, utc(2026, 10, 20, 15), category_id=w.vpn),
        # Before the 30 days October's repeat incidents look back on.
        "open_since_august": w.ticket(
            w.lon, utc(2026, 8, 10, 9), first_response_at=utc(2026, 8, 10, 10)
        ),
        "closed_in_september": w.ticket(
            w.lon,
            utc(2026, 9, 1, 9),
            resolved_at=utc(2026, 9, 2, 9),
            closed_at=utc(2026, 9, 3, 9),
        ),
        "march": w.ticket(w.lon, utc(2026, 3, 10, 9)),
    }


def test_a_finished_month_is_kept_and_read_back_without_counting(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    october_desk(w)
    first = report(w)
    rows = kept_rows(w.engine)
    assert rows[("summary business", "2026-10")] and rows[("summary", "2026-09")]
    assert [key for key in rows if key[0] == "month"] == [
        ("month", f"{m.first:%Y-%m}") for m in OCTOBER.trend_months()
    ]
    assert all(rows.values())

    def no_counting(*_args: object) -> None:
        raise AssertionError("kept figures were counted again")

    monkeypatch.setattr(report_module, "summary", no_counting)
    monkeypatch.setattr(report_module, "month_counts", no_counting)
    again = report(w)
    assert figures(again) == figures(first)
    assert again.now.volume == 2 and again.now.mttr.count == 1


def test_a_month_still_running_is_counted_every_time_and_not_kept(w: World) -> None:
    october_desk(w)
    during = utc(2026, 10, 31, 12)  # October is over in London at 23:00 UTC, in New York later
    r = report(w, now=during)
    assert r.now.volume == 2
    rows = kept_rows(w.engine)
    assert ("summary business", "2026-10") not in rows and ("month", "2026-10") not in rows
    assert rows[("summary", "2026-09")]  # September is over


Change = Callable[[World, dict[str, uuid.UUID]], None]


def _set(w: World, row: uuid.UUID, table: Any = Ticket, **values: object) -> None:
    """``values`` written straight into the ``table`` row ``row`` (a ticket by default)."""
    with write_session(w.engine) as session:
        session.execute(update(table).where(table.id == row).values(**values))


LONGER_HOURS = {str(day): ["08:00", "18:00"] for day in range(5)}  # London's were 09-17
CHANGES: dict[str, tuple[Change, bool]] = {
    # (the change, whether October's key figures stay kept)
    "a ticket of the month gets another category": (
        lambda w, t: _set(w, t["resolved"], category_id=w.network_cat),
        False,
    ),
    "a ticket of the month gets another priority": (
        lambda w, t: _set(w, t["open_in_october"], priority=Priority.CRITICAL),
        False,
    ),
    "a ticket of the month is resolved and closed now": (
        lambda w, t: _set(w, t["open_in_october"], resolved_at=NOW, closed_at=NOW),
        True,
    ),
    "a ticket open since August is reassigned and its status changes": (
        lambda w, t: _set(
            w, t["open_since_august"], assignee_id=w.technician, status=TicketStatus.ASSIGNED
        ),
        True,
    ),
    "a ticket closed in September is reopened (backlog at October's end)": (
        lambda w, t: _set(w, t["closed_in_september"], resolved_at=None, closed_at=None),
        False,
    ),
    "an October resolution is reopened": (
        lambda w, t: _set(w, t["resolved"], resolved_at=None),
        False,
    ),
    "an open ticket moves to another site": (
        lambda w, t: _set(w, t["open_since_august"], site_id=w.nyc),
        False,
    ),
    "an escalation dated in October is recorded": (
        lambda w, t: w.event(t["open_in_october"], EventKind.ESCALATED, utc(2026, 10, 21, 9)),
        False,
    ),
    "a note is added today": (
        lambda w, t: w.event(t["open_in_october"], EventKind.NOTE, NOW),
        True,
    ),
    "a ticket is created today": (lambda w, _t: _create_today(w), True),
    "a ticket of the month is deleted": (
        lambda w, t: _delete(w, t["open_in_october"]),
        False,
    ),
    # The row stays, but it was made with names or hours that are no longer so: counted again.
    "a category is renamed": (lambda w, _t: _set(w, w.printing, Category, name="Printers"), True),
    "a site's business hours change": (
        lambda w, _t: _set(w, w.lon, Site, business_hours=LONGER_HOURS),
        True,
    ),
    "a site's time zone changes": (
        lambda w, _t: _set(w, w.nyc, Site, timezone="America/Chicago"),
        True,
    ),
}
RECOUNTED = {
    "a category is renamed",
    "a site's business hours change",
    "a site's time zone changes",
}


def _create_today(w: World) -> None:
    w.ticket(w.lon, NOW)


def _delete(w: World, ticket: uuid.UUID) -> None:
    with write_session(w.engine) as session:
        session.execute(delete(TicketEvent).where(col(TicketEvent.ticket_id) == ticket))
        session.execute(delete(Ticket).where(col(Ticket.id) == ticket))


@pytest.mark.parametrize("name", list(CHANGES))
def test_kept_figures_are_always_what_counting_gives(w: World, name: str) -> None:
    change, stays = CHANGES[name]
    tickets = october_desk(w)
    before = report(w)
    change(w, tickets)
    assert kept_rows(w.engine).get(("summary business", "2026-10"), False) == stays
    after = report(w)
    assert figures(after) == figures(counted_afresh(w))
    if name in RECOUNTED:
        assert figures(after) != figures(before)
    elif stays:
        assert figures(after) == figures(before)


def test_the_renamed_category_is_named_as_it_is_now(w: World) -> None:
    october_desk(w)
    assert ("Printing", 1) in report(w).now.volume_by_category
    _set(w, w.printing, Category, name="Printers")
    assert ("Printers", 1) in report(w).now.volume_by_category


def test_a_change_to_march_forgets_march_s_trend_month_only(w: World) -> None:
    tickets = october_desk(w)
    report(w)
    _set(w, tickets["march"], closed_at=utc(2026, 3, 11, 9))
    rows = kept_rows(w.engine)
    assert ("month", "2026-03") not in rows
    assert rows[("month", "2026-02")] and rows[("month", "2026-04")]
    # Closing a March ticket in March changes every backlog after it, and so the summaries.
    assert ("summary business", "2026-10") not in rows
    assert report(w).trend[4].label == "Mar 2026"
    assert figures(report(w)) == figures(counted_afresh(w))


def test_a_change_while_the_figures_are_counted_is_never_kept(w: World) -> None:
    tickets = october_desk(w)
    sites = report_sites(w.engine, None)
    store = Store(w.engine, "", "digest", NOW)

    def count_while_someone_works() -> Share:
        _set(w, tickets["resolved"], priority=Priority.HIGH)  # after the claim, before the end
        return Share(1, 2)

    part = Part("test", Share)

    def kept(count: Callable[[], Share]) -> Share:
        return store.kept(part, [OCTOBER], sites.windows, lambda _missing: [count()])[0]

    assert kept(count_while_someone_works) == Share(1, 2)
    assert ("test", "2026-10") not in kept_rows(w.engine)
    assert kept(lambda: Share(3, 4)) == Share(3, 4)
    assert kept(lambda: Share(0, 0)) == Share(3, 4)


def test_a_database_that_takes_no_writes_still_reports(w: World) -> None:
    if not is_sqlite(w.engine):
        pytest.skip("refusing writes is what a damaged SQLite file does")
    october_desk(w)
    refuse_writes(w.engine, "The database file is damaged.")
    assert report(w).now.volume == 2
    with read_connection(w.engine) as c:
        assert c.execute(select(func.count()).select_from(ReportStore)).scalar_one() == 0


def test_kept_parts_hold_a_period_of_each_site_apart(w: World) -> None:
    october_desk(w)
    everywhere = report(w)
    london = monthly_report(w.engine, w.manager, OCTOBER, "lon", now=NOW)
    with read_connection(w.engine) as c:
        keys = set(
            c.execute(
                select(col(ReportStore.site_key)).where(col(ReportStore.kind) == "summary business")
            ).scalars()
        )
    assert keys == {"", "LON"}
    assert london.now.volume == 1 and everywhere.now.volume == 2
    assert monthly_report(w.engine, w.manager, OCTOBER, "LON", now=NOW).now == london.now


def test_the_next_month_compares_itself_with_the_figures_kept_for_this_one(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    october_desk(w)
    after_november = utc(2026, 12, 2, 9)
    october = report(w, now=after_november)
    counted: list[str] = []
    counting = report_module.summary

    def summary(connection: Any, windows: Any, *rest: Any) -> Any:
        counted.append(f"{windows[0].start:%Y-%m}")
        return counting(connection, windows, *rest)

    monkeypatch.setattr(report_module, "summary", summary)
    november = monthly_report(w.engine, w.manager, parse_month("2026-11"), now=after_november)
    assert counted == ["2026-11"]  # October's figures, kept with its business hours, serve
    assert november.before == october.now
