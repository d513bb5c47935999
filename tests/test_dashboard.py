"""The manager's dashboard (app/dashboard.py): the ticket and call counts of now and of today,
the most overdue and the due next by number, who is on, the week's maintenance and the
month's expiring certifications; one site or all, each site's own "today"; managers and
admins only; and counts that read ranges of indexes, never the ticket history."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Select, event, update
from sqlmodel import col

from app.dashboard import LISTED, count_statements, dashboard, line_statements
from app.errors import PermissionDenied
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, change_status, create_ticket
from app.tickets.detail import TicketDetail
from app.training.completions import record_completion
from app.training.courses import CourseDraft, save_course
from models.engine import write_session
from models.enums import CompletionResult, TicketStatus
from models.org import Staff
from models.tickets import Call, Ticket
from tests.conftest import NOW, Org, migrated_database
from tests.test_maintenance_tasks import add as add_task
from tests.test_roster_shifts import add_shift

HOUR = timedelta(hours=1)


def ticket(
    engine: Engine,
    org: Org,
    summary: str,
    *,
    due: datetime | None,
    created: datetime = NOW - 2 * HOUR,
    site_id: uuid.UUID | None = None,
) -> TicketDetail:
    """A ticket logged by Ann at ``created``, its running SLA deadline set to ``due``."""
    draft = TicketDraft(summary=summary, site_id=site_id or org.hq, caller_id=org.alice)
    detail = create_ticket(engine, draft, org.ann, now=created)
    with write_session(engine) as session:
        session.execute(update(Ticket).where(col(Ticket.id) == detail.id).values(sla_due_at=due))
    return detail


def call(engine: Engine, operator: uuid.UUID, started: datetime) -> None:
    with write_session(engine) as session:
        session.add(Call(number="020 7946 0000", operator_id=operator, started_at=started))


def home_site(engine: Engine, staff_id: uuid.UUID, site_id: uuid.UUID) -> None:
    with write_session(engine) as session:
        session.execute(update(Staff).where(col(Staff.id) == staff_id).values(home_site_id=site_id))


def number_of(engine: Engine, ticket_id: uuid.UUID) -> str:
    with write_session(engine) as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found.number


@pytest.mark.usefixtures("in_london")
def test_tickets_and_calls_now_and_today(engine: Engine, org: Org) -> None:
    older = ticket(engine, org, "Printer on fire", due=NOW - 3 * HOUR).id
    newer = ticket(engine, org, "VPN down", due=NOW - HOUR).id
    soon = ticket(engine, org, "Screen flickers", due=NOW + HOUR / 2).id
    ticket(engine, org, "New laptop", due=NOW + 5 * HOUR)
    ticket(engine, org, "Yesterday's", due=None, created=NOW - 20 * HOUR)
    done = ticket(engine, org, "Solved", due=NOW - 2 * HOUR)
    change_status(engine, done.id, done.version, TicketStatus.RESOLVED, org.ann, "fixed")
    call(engine, org.ann, NOW - 2 * HOUR)
    call(engine, org.ann, NOW - 9 * HOUR)  # 01:00 London: today
    call(engine, org.ann, NOW - 11 * HOUR)  # 23:00 London yesterday

    d = dashboard(engine, org.mia, NOW)

    assert (d.open_tickets, d.opened_today, d.breached, d.due_soon, d.calls_today) == (
        5,
        5,
        2,
        1,
        2,
    )
    assert [line.id for line in d.most_overdue] == [older, newer]  # the longest overdue first
    assert d.most_overdue[0].number == number_of(engine, older)
    assert d.most_overdue[0].site_code == "HQ"
    assert [line.summary for line in d.due_next] == ["Screen flickers"]
    assert d.due_next[0].id == soon
    assert d.today == date(2026, 11, 24) and d.site_label == "All sites"
    assert [site.label for site in d.sites] == ["HQ", "NY"]


def test_the_lists_name_at_most_a_few_tickets(engine: Engine, org: Org) -> None:
    for hours in range(LISTED + 2):
        ticket(engine, org, f"Overdue by {hours + 1} h", due=NOW - (hours + 1) * HOUR)
    d = dashboard(engine, org.mia, NOW)
    assert d.breached == LISTED + 2
    assert [line.summary for line in d.most_overdue] == [
        f"Overdue by {hours} h" for hours in range(LISTED + 2, 2, -1)
    ]


def test_one_site_counts_its_tickets_its_staff_s_calls_and_its_own_today(
    engine: Engine, org: Org
) -> None:
    # 10:00 UTC is 05:00 in New York: its day began at 05:00 UTC, London's at midnight.
    ticket(engine, org, "London early", due=NOW - HOUR, created=NOW - 8 * HOUR, site_id=org.hq)
    ticket(engine, org, "NY night", due=NOW + HOUR, created=NOW - 6 * HOUR, site_id=org.branch)
    ticket(engine, org, "NY morning", due=None, created=NOW - HOUR / 2, site_id=org.branch)
    home_site(engine, org.ann, org.hq)
    home_site(engine, org.bob, org.branch)
    call(engine, org.ann, NOW - HOUR)
    call(engine, org.bob, NOW - 2 * HOUR)  # 03:00 in New York: today there
    call(engine, org.bob, NOW - 6 * HOUR)  # 23:00 in New York yesterday

    hq = dashboard(engine, org.mia, NOW, org.hq)
    ny = dashboard(engine, org.mia, NOW, org.branch)

    assert (hq.open_tickets, hq.opened_today, hq.breached, hq.due_soon, hq.calls_today) == (
        1,
        1,
        1,
        0,
        1,
    )
    assert (ny.open_tickets, ny.opened_today, ny.breached, ny.due_soon, ny.calls_today) == (
        2,
        1,
        0,
        1,
        1,
    )
    assert [line.summary for line in ny.due_next] == ["NY night"]
    assert (hq.today, ny.today) == (date(2026, 11, 24), date(2026, 11, 24))
    assert ny.site_label == "NY"


def test_who_is_on_the_week_s_maintenance_and_the_month_s_certifications(
    engine: Engine, org: Org
) -> None:
    add_shift(engine, org, org.ann, "Desk early", NOW.date(), "07:00", "15:00")
    add_shift(engine, org, org.bob, "Desk early", NOW.date(), "08:00", "16:00", site_id=org.branch)
    add_task(engine, org)  # Tuesdays 22:00 London at HQ, from 3 Nov
    add_task(engine, org, title="Core switch firmware", site_id=org.branch, start_time="02:00")
    course = save_course(engine, org.mia, CourseDraft("Desk basics", validity_months=12))
    record_completion(engine, org.mia, org.ann, course, date(2025, 11, 28), CompletionResult.PASSED)
    record_completion(engine, org.mia, org.bob, course, date(2025, 12, 5), CompletionResult.PASSED)
    home_site(engine, org.ann, org.hq)

    every = dashboard(engine, org.mia, NOW)
    hq = dashboard(engine, org.mia, NOW, org.hq)

    assert [(s.site_code, [p.name for p in s.at_desk]) for s in every.on_now] == [
        ("HQ", ["Ann Operator"]),
        ("NY", []),  # Bob starts at 08:00 New York time
    ]
    assert [s.site_code for s in hq.on_now] == ["HQ"]
    assert every.week == (date(2026, 11, 23), date(2026, 11, 29))
    assert [(o.title, o.site_code) for o in every.maintenance_to_do] == [
        ("Core switch firmware", "NY"),
        ("Mail server patching", "HQ"),
    ]
    assert [o.title for o in hq.maintenance] == ["Mail server patching"]
    # 02:00-03:00 in New York this morning, nothing recorded: overdue.
    assert [o.status.label for o in every.maintenance_to_do] == ["Overdue", "Scheduled"]
    assert (every.maintenance_overdue, every.maintenance_done) == (1, 0)
    assert every.month_end == date(2026, 11, 30)
    # Ann's runs out on 28 Nov, this month; Bob's on 5 Dec, next month.
    assert [(e.staff, e.expires_on) for e in every.expiring] == [
        ("Ann Operator", date(2026, 11, 28))
    ]
    assert [e.staff for e in dashboard(engine, org.mia, NOW, org.branch).expiring] == []


def test_only_managers_and_admins_see_the_dashboard(engine: Engine, org: Org) -> None:
    for person in (org.ann, org.bob):
        with pytest.raises(PermissionDenied) as refused:
            dashboard(engine, person, NOW)
        assert str(refused.value) == refusal(Action.RUN_REPORTS)
    assert dashboard(engine, org.ada, NOW).open_tickets == 0
    assert dashboard(engine, org.mia, NOW).open_tickets == 0


# -- the plans --------------------------------------------------------------------------------


def _plan(engine: Engine, statement: Select[Any]) -> str:
    """SQLite's plan for ``statement``, its parameters bound as the program binds them."""

    def explain(*args: Any) -> tuple[str, Any]:
        sql, parameters = args[2], args[3]
        return f"EXPLAIN QUERY PLAN {sql}", parameters

    event.listen(engine, "before_cursor_execute", explain, retval=True)
    try:
        with engine.connect() as connection:
            # The DBAPI cursor's rows: the plan's, not the rows the statement's types expect.
            rows = connection.execute(statement).cursor.fetchall()
    finally:
        event.remove(engine, "before_cursor_execute", explain)
    return " | ".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("site", [False, True], ids=["every site", "one site"])
def test_every_count_and_list_reads_a_range_of_an_index(tmp_path: Path, site: bool) -> None:
    """On SQLite without statistics (a desk's own database is never analysed), no count
    walks the ticket or call table, nor a site's whole history of tickets."""
    site_id = uuid.uuid4() if site else None
    midnight = datetime(2026, 11, 24, tzinfo=UTC)
    with migrated_database("sqlite", tmp_path) as engine:
        statements = dict(count_statements(NOW, midnight, site_id, "sqlite"))
        statements["most overdue"], statements["due next"] = line_statements(NOW, site_id)
        plans = {name: _plan(engine, statement) for name, statement in statements.items()}
    for name, plan in plans.items():
        # The staff of a site (a few dozen rows) may be read whole; tickets and calls never.
        assert "SCAN ticket" not in plan and "SCAN call" not in plan, f"{name}: {plan}"
        assert "INDEX" in plan.split(" | ")[0], f"{name}: {plan}"
    assert "(site_id=?)" not in plans["opened_today"]  # not every ticket the site ever had
    assert "ix_call_started_at" in plans["calls_today"]
