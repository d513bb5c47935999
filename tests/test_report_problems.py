"""The monthly report's problems and vendors (app/reports/problem_figures.py): what counts in
the period, at which site, and which vendor responses came due, on both back ends."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from app.reports.period import parse_month, report_sites
from app.reports.problem_figures import ProblemFigures, problem_figures
from app.reports.report import monthly_report
from app.reports.tables import report_tables
from models.engine import read_connection, write_session
from models.enums import EventKind, ProblemStatus
from models.problems import Problem
from models.vendors import Contract, Vendor, VendorEscalation
from tests.report_fixtures import World, make_world, utc

NOVEMBER = parse_month("2026-11")
LATE = utc(2026, 12, 10, 12)  # well after November: every response due in it has come due


@pytest.fixture
def w(engine: Engine) -> World:
    return make_world(engine)


def problem(
    w: World, number: int, created: datetime, resolved: datetime | None = None
) -> uuid.UUID:
    row = Problem(
        number=number,
        title=f"Problem {number}",
        status=ProblemStatus.RESOLVED if resolved else ProblemStatus.INVESTIGATING,
        created_at=created,
        updated_at=created,
        resolved_at=resolved,
    )
    with write_session(w.engine) as session:
        session.add(row)
    return row.id


def escalate(
    w: World, ticket: uuid.UUID, case: str, due: datetime, answered: datetime | None
) -> None:
    with write_session(w.engine) as session:
        vendor = session.exec(select(Vendor)).first()
        if vendor is None:
            vendor = Vendor(name="Printers Ltd")
            session.add(vendor)
            session.flush()
            session.add(
                Contract(
                    vendor_id=vendor.id,
                    number="C-1",
                    starts_on=date(2026, 1, 1),
                    ends_on=date(2027, 12, 31),
                )
            )
        session.add(
            VendorEscalation(
                ticket_id=ticket,
                vendor_id=vendor.id,
                case_number=case,
                escalated_at=due,
                response_due_at=due,
                responded_at=answered,
            )
        )


def figures(w: World, site: str | None, now: datetime = LATE) -> ProblemFigures:
    sites = report_sites(w.engine, site)
    with read_connection(w.engine) as connection:
        return problem_figures(connection, sites.windows(NOVEMBER), site is None, now)


def test_problems_opened_resolved_and_open_at_the_end_of_the_period(w: World) -> None:
    problem(w, 1, utc(2026, 10, 20), resolved=utc(2026, 11, 3))  # resolved in November
    problem(w, 2, utc(2026, 11, 5))  # opened in November, still open
    problem(w, 3, utc(2026, 11, 6), resolved=utc(2026, 12, 2))  # open at November's end
    problem(w, 4, utc(2026, 12, 1, 12))  # after November: not counted
    problem(w, 5, utc(2026, 9, 1), resolved=utc(2026, 10, 1))  # over before November

    got = figures(w, None)

    assert (got.opened, got.resolved, got.open_at_end) == (2, 1, 2)


def test_a_sites_report_counts_the_problems_with_an_incident_there(w: World) -> None:
    london_problem = problem(w, 1, utc(2026, 11, 5))
    problem(w, 2, utc(2026, 11, 6))  # no incidents anywhere
    w.ticket(w.lon, utc(2026, 10, 1), problem_id=london_problem)  # linked long before

    assert figures(w, "LON").opened == 1
    assert figures(w, "NYC").opened == 0
    assert figures(w, None).opened == 2


def test_linked_incidents_and_known_errors_count_by_the_tickets_site_and_day(w: World) -> None:
    ticket_lon = w.ticket(w.lon, utc(2026, 11, 2))
    ticket_nyc = w.ticket(w.nyc, utc(2026, 11, 2))
    w.event(ticket_lon, EventKind.PROBLEM_LINKED, utc(2026, 11, 3), new_value="PRB-000001")
    w.event(ticket_lon, EventKind.PROBLEM_LINKED, utc(2026, 11, 4), new_value="PRB-000002")
    w.event(ticket_nyc, EventKind.PROBLEM_LINKED, utc(2026, 11, 5), new_value="")  # unlinked
    w.event(ticket_nyc, EventKind.KNOWN_ERROR_USED, utc(2026, 11, 5), new_value="PRB-000001")
    # 02:00 UTC on 1 December is still 30 November in New York.
    w.event(ticket_nyc, EventKind.KNOWN_ERROR_USED, utc(2026, 12, 1, 2), new_value="PRB-1")
    w.event(ticket_lon, EventKind.KNOWN_ERROR_USED, utc(2026, 12, 1, 2), new_value="PRB-1")

    every = figures(w, None)
    london, new_york = figures(w, "LON"), figures(w, "NYC")

    assert (every.incidents_linked, every.known_errors_used) == (1, 1)
    assert (london.incidents_linked, london.known_errors_used) == (1, 0)
    assert (new_york.incidents_linked, new_york.known_errors_used) == (0, 1)


def test_vendor_responses_on_time_of_those_that_came_due(w: World) -> None:
    ticket = w.ticket(w.lon, utc(2026, 11, 1))
    escalate(w, ticket, "A", utc(2026, 11, 10, 12), answered=utc(2026, 11, 10, 11))  # on time
    escalate(w, ticket, "B", utc(2026, 11, 11, 12), answered=utc(2026, 11, 11, 13))  # late
    escalate(w, ticket, "C", utc(2026, 11, 12, 12), answered=None)  # never answered
    escalate(w, ticket, "D", utc(2026, 11, 28, 12), answered=None)  # not due yet at "now"
    escalate(w, ticket, "E", utc(2026, 10, 28, 12), answered=None)  # due before November

    got = figures(w, None, now=utc(2026, 11, 20)).vendor_responses

    assert (got.part, got.whole) == (1, 3)
    assert figures(w, "NYC").vendor_responses.whole == 0


def test_the_report_carries_them_in_its_problems_table(w: World) -> None:
    problem(w, 1, utc(2026, 11, 5))
    report = monthly_report(w.engine, w.manager, NOVEMBER, now=LATE)

    rows = dict(report_tables(report)["problems"].rows)

    assert rows["Problems opened"] == "1"
    assert rows["Vendor responses on time"].endswith("(0 of 0)")


def test_contracts_ending_after_the_period_or_inside_their_notice_are_reported(w: World) -> None:
    with write_session(w.engine) as session:
        vendor = Vendor(name="Acme Hardware")
        session.add(vendor)
        session.flush()
        for number, ends_on, notice in (
            ("SOON", date(2027, 1, 15), 0),  # 46 days after November
            ("NOTICE", date(2027, 6, 30), 240),  # notice began in November
            ("LATER", date(2027, 6, 30), 30),  # neither
            ("OVER", date(2026, 11, 20), 0),  # already over at November's end
        ):
            session.add(
                Contract(
                    vendor_id=vendor.id,
                    number=number,
                    starts_on=date(2026, 1, 1),
                    ends_on=ends_on,
                    notice_days=notice,
                )
            )
    report = monthly_report(w.engine, w.manager, NOVEMBER, now=LATE)

    table = report_tables(report)["contracts_ending"]

    assert [row[1] for row in table.rows] == ["SOON", "NOTICE"]
    assert table.rows[0][3] == "ends in 46 days; no notice period"
    assert "inside its 240-day notice period" in table.rows[1][3]
    assert (
        dict(report_tables(report)["problems"].rows)[
            "Contracts ending or inside their notice period"
        ]
        == "2"
    )
