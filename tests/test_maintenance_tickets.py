"""A ticket for each maintenance occurrence (app/maintenance/occurrence_tickets.py): raised a
set number of days ahead for the owner, once, only for occurrences still to be done and by
someone who may record them; resolving or closing it marks the occurrence done when the task
says so and the person may record it; ``switchboard maintenance raise-tickets``."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from app.cli import main
from app.maintenance import occurrence_tickets
from app.maintenance.calendar import Occurrence, Status, window
from app.maintenance.occurrence_tickets import raise_due_tickets
from app.maintenance.record import Done, cancel, mark_done, mark_skipped, reopen
from app.maintenance.tasks import create_task
from app.tickets.actions import add_note, change_status
from models.audit import AuditEvent, AuditKind
from models.engine import read_session, write_session
from models.enums import Channel, OccurrenceState, StaffRole, TicketStatus
from models.maintenance import MaintenanceOccurrence, MaintenanceTask
from models.org import Staff
from models.tickets import Ticket, TicketEvent
from tests.conftest import NOW, Org, make_org, migrated_database
from tests.test_maintenance_tasks import at, draft
from tests.test_server_rules import Server
from tests.test_server_rules import server as shared_server  # noqa: F401 (a fixture)

# Tue 24 Nov 10:00 UTC: today's 22:00 occurrence is 0 days away, next Tuesday's 7.
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def add(engine: Engine, org: Org, **changes: object) -> uuid.UUID:
    """Mail server patching, Tuesdays 22:00 London, Bob's, a ticket 3 days ahead."""
    values: dict[str, object] = {"ticket_days_ahead": 3}
    values.update(changes)
    return create_task(engine, org.mia, draft(org, **values))


def tickets(engine: Engine) -> list[Ticket]:
    with read_session(engine) as session:
        return list(session.exec(select(Ticket).order_by(Ticket.number)).all())


def ticket(engine: Engine, number: str) -> Ticket:
    with read_session(engine) as session:
        return session.exec(select(Ticket).where(Ticket.number == number)).one()


def stored(engine: Engine, task: uuid.UUID, due: datetime) -> MaintenanceOccurrence:
    with read_session(engine) as session:
        return session.exec(
            select(MaintenanceOccurrence).where(
                MaintenanceOccurrence.task_id == task, MaintenanceOccurrence.due_at == due
            )
        ).one()


def shown(engine: Engine, due: datetime, now: datetime = NOW) -> Occurrence:
    """The calendar's occurrence due at ``due``."""
    found = window(engine, due - timedelta(hours=1), due + timedelta(hours=2), now)
    return next(o for o in found if o.due_at == due)


def add_technician(engine: Engine, org: Org) -> uuid.UUID:
    """Tim, a technician on the service desk: he may close tickets, not record Bob's task."""
    with write_session(engine) as session:
        tim = Staff(name="Tim Tech", username="tim", role=StaffRole.TECHNICIAN, team_id=org.desk)
        session.add(tim)
        session.flush()
        return tim.id


def resolve(engine: Engine, number: str, actor: uuid.UUID, note: str = "Patched") -> None:
    found = ticket(engine, number)
    change_status(engine, found.id, found.version, TicketStatus.RESOLVED, actor, note)


def close(engine: Engine, number: str, actor: uuid.UUID) -> None:
    found = ticket(engine, number)
    change_status(engine, found.id, found.version, TicketStatus.CLOSED, actor)


# -- raising --------------------------------------------------------------------------------------


def test_a_ticket_is_raised_days_ahead_for_the_owner_and_only_once(
    engine: Engine, org: Org
) -> None:
    task = add(
        engine,
        org,
        instructions="Follow the runbook.",
        ticket_days_ahead=3,
        asset_ids=(org.laptop,),
    )
    [number] = raise_due_tickets(engine, org.bob, NOW)
    raised = ticket(engine, number)
    assert number.startswith("HQ-")
    assert raised.summary == "Maintenance: Mail server patching (Tue 24 Nov 22:00)"
    assert (raised.assignee_id, raised.team_id) == (org.bob, org.network)
    assert (raised.site_id, raised.channel, raised.asset_id) == (
        org.hq,
        Channel.MONITORING,
        org.laptop,
    )
    assert raised.status is TicketStatus.ASSIGNED
    assert raised.response_due_at is not None  # the SLA applies as to any ticket
    for line in (
        "Scheduled maintenance at HQ: Tue 24 Nov 2026 22:00–23:00.",
        "System: Mail",
        "Impact: mail unavailable",
        "Follow the runbook.",
        "- Snapshot\n- Patch\n- Test mail flow",
    ):
        assert line in raised.description
    row = stored(engine, task, at(24))
    assert (row.ticket_id, row.recorded_by_id, row.state) == (
        raised.id,
        org.bob,
        OccurrenceState.SCHEDULED,
    )
    assert shown(engine, at(24)).ticket_id == raised.id
    assert shown(engine, at(24)).status is Status.SCHEDULED
    with read_session(engine) as session:
        kinds = session.exec(select(TicketEvent.kind).where(TicketEvent.ticket_id == raised.id))
        assert set(kinds.all()) >= {1, 4}  # created, assigned
        audit = session.exec(select(AuditEvent.detail).where(AuditEvent.subject_id == task))
        assert f"Ticket {number} raised: Mail server patching at HQ" in " ".join(audit.all())

    # Asked again (another workstation, a timer): nothing new.
    assert raise_due_tickets(engine, org.bob, NOW) == []
    assert raise_due_tickets(engine, org.mia, NOW + timedelta(hours=1)) == []
    # Next Tuesday's is 4 days away until Saturday starts in London, then it is raised.
    friday_night = datetime(2026, 11, 27, 23, 59, tzinfo=UTC)
    assert raise_due_tickets(engine, org.bob, friday_night) == []
    [later] = raise_due_tickets(engine, org.bob, SATURDAY)
    assert ticket(engine, later).summary == "Maintenance: Mail server patching (Tue 01 Dec 22:00)"
    assert len(tickets(engine)) == 2


def test_a_team_owned_task_goes_to_the_team_and_days_ahead_zero_is_the_day(
    engine: Engine, org: Org
) -> None:
    add(engine, org, owner_staff_id=None, owner_team_id=org.network, ticket_days_ahead=0)
    assert raise_due_tickets(engine, org.bob, NOW - timedelta(days=1)) == []
    [number] = raise_due_tickets(engine, org.bob, NOW)  # Bob is in the team
    raised = ticket(engine, number)
    assert (raised.assignee_id, raised.team_id, raised.team_name) == (None, org.network, "Network")


def test_no_ticket_for_settled_occurrences_or_tasks_without_tickets(
    engine: Engine, org: Org
) -> None:
    none = add(engine, org, ticket_days_ahead=None, title="Backup check")
    task = add(engine, org)
    cancel(engine, org.mia, task, at(24), "Change freeze")
    assert raise_due_tickets(engine, org.mia, NOW) == []
    mark_skipped(engine, org.bob, task, at(1, month=12), "Nothing to patch this week")
    assert raise_due_tickets(engine, org.bob, SATURDAY) == []
    # Done ahead, then reopened: it gets its ticket again.
    reopen(engine, org.bob, task, at(1, month=12))
    mark_done(engine, org.bob, task, at(1, month=12), Done())
    assert raise_due_tickets(engine, org.bob, SATURDAY) == []
    reopen(engine, org.bob, task, at(1, month=12))
    assert len(raise_due_tickets(engine, org.bob, SATURDAY)) == 1
    # The overdue ones (3, 10, 17 Nov) never get one, nor the task without tickets.
    with read_session(engine) as session:
        linked = session.exec(
            select(MaintenanceOccurrence.task_id, MaintenanceOccurrence.due_at).where(
                col(MaintenanceOccurrence.ticket_id).is_not(None)
            )
        ).all()
    assert [(t, d) for t, d in linked] == [(task, at(1, month=12))]
    assert none not in {t for t, _ in linked}


def test_only_who_may_record_the_task_raises_its_tickets(engine: Engine, org: Org) -> None:
    add(engine, org)
    assert raise_due_tickets(engine, org.ann, NOW) == []  # Ann is not Bob, nor in Network
    assert tickets(engine) == []
    assert len(raise_due_tickets(engine, org.mia, NOW)) == 1  # a manager records any


def test_an_owner_who_left_leaves_the_ticket_to_the_team(engine: Engine, org: Org) -> None:
    add(engine, org, owner_team_id=org.network)
    with write_session(engine) as session:
        bob = session.get(Staff, org.bob)
        assert bob is not None
        bob.active = False
    [number] = raise_due_tickets(engine, org.mia, NOW)
    assert (ticket(engine, number).assignee_id, ticket(engine, number).team_id) == (
        None,
        org.network,
    )


@pytest.mark.real_threads
def test_two_workstations_raising_at_once_make_one_ticket(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the first is creating the ticket, a second raises: it waits for the first's
    transaction (SQLite: its write lock; PostgreSQL: the new row's unique key), then skips."""
    task = add(engine, org)
    real = occurrence_tickets.open_ticket
    others: list[threading.Thread] = []
    second: list[list[str]] = []

    def create_while_another_raises(*args: Any, **kwargs: Any) -> Any:
        if not others:
            others.append(
                threading.Thread(
                    target=lambda: second.append(raise_due_tickets(engine, org.mia, NOW))
                )
            )
            others[0].start()
            time.sleep(0.5)  # the other is waiting on this transaction by now
        return real(*args, **kwargs)

    monkeypatch.setattr(occurrence_tickets, "open_ticket", create_while_another_raises)
    first = raise_due_tickets(engine, org.bob, NOW)
    others[0].join(30)
    assert len(first) == 1 and second == [[]]
    assert len(tickets(engine)) == 1
    assert stored(engine, task, at(24)).ticket_id == tickets(engine)[0].id


# -- done with the ticket -------------------------------------------------------------------------


def test_resolving_the_ticket_marks_the_occurrence_done(engine: Engine, org: Org) -> None:
    task = add(engine, org)
    [number] = raise_due_tickets(engine, org.bob, NOW)
    raised = ticket(engine, number)
    add_note(engine, raised.id, "Snapshot taken", org.bob, minutes_spent=20)
    add_note(engine, raised.id, "Patched", org.bob, minutes_spent=25)
    before = ticket(engine, number).version
    resolve(engine, number, org.bob)
    after = ticket(engine, number)
    assert after.status is TicketStatus.RESOLVED
    assert after.version == before + 1  # the occurrence went in with the ticket's one write
    row = stored(engine, task, at(24))
    assert row.state is OccurrenceState.DONE
    assert (row.done_by_id, row.done_at, row.minutes_spent) == (org.bob, after.resolved_at, 45)
    assert row.notes == f"Done with ticket {number}"
    assert row.checklist_done == [False, False, False]
    assert shown(engine, at(24)).status is Status.DONE
    # Closing it later changes nothing more.
    close(engine, number, org.bob)
    assert stored(engine, task, at(24)).done_at == after.resolved_at
    with read_session(engine) as session:
        recorded = session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.kind == AuditKind.MAINTENANCE_RECORDED,
                AuditEvent.detail.startswith(f"Done with ticket {number}"),  # type: ignore[attr-defined]
            )
        ).one()
    assert recorded == 1


def test_done_late_with_the_ticket_moves_open_from_on(engine: Engine, org: Org) -> None:
    task = add(engine, org)
    [number] = raise_due_tickets(engine, org.bob, at(16))  # for Tue 17 Nov
    for day in (3, 10):
        mark_done(engine, org.bob, task, at(day), Done())
    assert open_from(engine, task) == at(17)
    resolve(engine, number, org.bob)  # a week late
    assert shown(engine, at(17)).status is Status.DONE_LATE
    assert NOW <= open_from(engine, task) < at(24)  # nothing owed before the 24th's


def open_from(engine: Engine, task: uuid.UUID) -> datetime:
    with read_session(engine) as session:
        found = session.get(MaintenanceTask, task)
        assert found is not None
        return found.open_from


def test_a_task_that_says_no_keeps_its_occurrence_open(engine: Engine, org: Org) -> None:
    task = add(engine, org, close_marks_done=False)
    [number] = raise_due_tickets(engine, org.bob, NOW)
    assert "marks the maintenance done" not in ticket(engine, number).description
    resolve(engine, number, org.bob)
    close(engine, number, org.bob)
    assert stored(engine, task, at(24)).state is OccurrenceState.SCHEDULED
    assert shown(engine, at(24)).status is Status.SCHEDULED


def test_who_may_not_record_it_closes_the_ticket_and_leaves_the_occurrence(
    engine: Engine, org: Org
) -> None:
    task = add(engine, org)
    tim = add_technician(engine, org)
    [number] = raise_due_tickets(engine, org.bob, NOW)
    resolve(engine, number, org.ann)  # an operator on the desk: not hers to record
    close(engine, number, tim)
    assert ticket(engine, number).status is TicketStatus.CLOSED
    assert stored(engine, task, at(24)).state is OccurrenceState.SCHEDULED
    # Resolved by someone who could not record it, closed by one who can: done then, at
    # the time it was resolved.
    [other] = raise_due_tickets(engine, org.bob, SATURDAY)
    resolve(engine, other, org.ann)
    close(engine, other, org.bob)
    row = stored(engine, task, at(1, month=12))
    assert (row.state, row.done_by_id) == (OccurrenceState.DONE, org.bob)
    assert row.done_at == ticket(engine, other).resolved_at


# -- the command line -----------------------------------------------------------------------------


def test_the_command_raises_as_the_login_and_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        add(engine, org)
        add(engine, org, title="Firewall review", site_id=org.branch, ticket_days_ahead=7)
    db = ["--db", str(tmp_path / "switchboard.db")]
    monkeypatch.setenv("LOGNAME", "ann")  # not hers to record
    assert main(["maintenance", "raise-tickets", *db]) == 0
    assert capsys.readouterr().out == "Raised 0 maintenance tickets.\n"
    monkeypatch.setenv("LOGNAME", "bob")
    assert main(["maintenance", "raise-tickets", *db]) == 0
    assert capsys.readouterr().out == (
        "Raised 3 maintenance tickets: HQ-000001, NY-000001, NY-000002.\n"
    )
    assert main(["maintenance", "raise-tickets", *db]) == 0
    assert capsys.readouterr().out == "Raised 0 maintenance tickets.\n"


# -- the shared server ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_on_the_server_the_owner_raises_and_resolves_under_their_own_login(
    request: pytest.FixtureRequest,
) -> None:
    """The row policies let the owner store the occurrence with its ticket, and mark it done
    by resolving, each as their own login; an operator's resolve leaves it to the owner."""
    server: Server = request.getfixturevalue("shared_server")
    org, ann, bob, mia = server.org, server.as_("ann"), server.as_("bob"), server.as_("mia")
    task = create_task(mia, org.mia, draft(org, ticket_days_ahead=3))
    assert raise_due_tickets(ann, org.ann, NOW) == []
    [number] = raise_due_tickets(bob, org.bob, NOW)
    resolve(bob, number, org.bob)
    close(bob, number, org.bob)
    row = stored(bob, task, at(24))
    assert (row.state, row.done_by_id, row.recorded_by_id) == (
        OccurrenceState.DONE,
        org.bob,
        org.bob,
    )
    [other] = raise_due_tickets(bob, org.bob, SATURDAY)
    resolve(ann, other, org.ann)
    assert ticket(ann, other).status is TicketStatus.RESOLVED
    assert stored(ann, task, at(1, month=12)).state is OccurrenceState.SCHEDULED
