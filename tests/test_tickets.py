"""Ticket service (app/tickets/actions.py) without a window, on every configured back end.

Times are given explicitly (``now=``) so SLA arithmetic is checked against the site's
business hours (08:00-17:00 Monday to Friday, England's bank holidays) to the minute.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from app.errors import ConflictError, NotFoundError, TransitionError, ValidationError
from app.tickets import actions as tickets
from app.tickets.actions import TicketDraft, add_note, change_status, create_ticket, update_ticket
from app.tickets.detail import TicketDetail, get_ticket
from app.tickets.priority import DEFAULT_MATRICES, save_matrix
from app.tickets.workflow import TRANSITIONS
from models.engine import read_session, write_session
from models.enums import Channel, EventKind, Priority, TicketStatus
from models.org import Staff
from models.tickets import Ticket, TicketEvent
from tests.conftest import Org

S = TicketStatus
LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A London wall-clock time as an aware datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# A week without holidays; November is GMT, so London and UTC agree.
MONDAY_9 = london(2024, 11, 18, 9, 0)


def new(
    engine: Engine,
    org: Org,
    now: datetime = MONDAY_9,
    actor: uuid.UUID | None = None,
    **fields: Any,
) -> TicketDetail:
    """A Medium ticket (impact 3 x urgency 1) at HQ for Alice, logged by Ann unless told."""
    draft = TicketDraft(summary="Printer jams", caller_id=org.alice, impact=3, urgency=1)
    return create_ticket(engine, replace(draft, **fields), actor or org.ann, now=now)


def events(engine: Engine, ticket_id: uuid.UUID) -> list[TicketEvent]:
    with read_session(engine) as s:
        return list(
            s.exec(
                select(TicketEvent)
                .where(TicketEvent.ticket_id == ticket_id)
                .order_by(col(TicketEvent.ticket_version), col(TicketEvent.kind))
            ).all()
        )


def move(engine: Engine, org: Org, ticket: TicketDetail, *targets: TicketStatus) -> TicketDetail:
    """Walk a ticket through ``targets``, one minute apart, with a note each time, as Bob
    the technician (who may close and reopen)."""
    now = ticket.updated_at
    for target in targets:
        now += timedelta(minutes=1)
        ticket = change_status(engine, ticket.id, ticket.version, target, org.bob, "why", now=now)
    return ticket


def ticket_in(engine: Engine, org: Org, status: TicketStatus) -> TicketDetail:
    """A ticket brought into ``status`` along allowed transitions."""
    paths = {
        S.NEW: (),
        S.ASSIGNED: (),
        S.IN_PROGRESS: (S.IN_PROGRESS,),
        S.WAITING_CALLER: (S.WAITING_CALLER,),
        S.WAITING_VENDOR: (S.WAITING_VENDOR,),
        S.RESOLVED: (S.RESOLVED,),
        S.CLOSED: (S.RESOLVED, S.CLOSED),
    }
    assigned = status in (S.ASSIGNED, S.WAITING_VENDOR)
    ticket = new(engine, org, team_id=org.desk if assigned else None)
    ticket = move(engine, org, ticket, *paths[status])
    assert ticket.status == status
    return ticket


# ---------------------------------------------------------------------------- creation


def test_numbers_count_per_site(engine: Engine, org: Org) -> None:
    numbers = [
        new(engine, org).number,
        new(engine, org, caller_id=org.zoe).number,  # Zoe's site: New York
        new(engine, org).number,
        new(engine, org, caller_id=None, site_id=org.branch).number,
    ]
    assert numbers == ["HQ-000001", "NY-000001", "HQ-000002", "NY-000002"]


def test_site_is_required_when_there_is_no_caller(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as raised:
        new(engine, org, caller_id=None)
    assert set(raised.value.problems) == {"site"}


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [
        (1, 1, Priority.CRITICAL),
        (1, 2, Priority.HIGH),
        (2, 2, Priority.MEDIUM),
        (3, 3, Priority.LOW),
    ],
)
def test_priority_comes_from_the_matrix(
    engine: Engine, org: Org, impact: int, urgency: int, priority: Priority
) -> None:
    assert new(engine, org, impact=impact, urgency=urgency).priority == priority


def test_priority_follows_a_stored_4x4_matrix(engine: Engine, org: Org) -> None:
    with write_session(engine) as s:
        save_matrix(s, DEFAULT_MATRICES[4])
    assert new(engine, org, impact=4, urgency=1).priority == Priority.MEDIUM
    assert new(engine, org, impact=1, urgency=2).priority == Priority.CRITICAL


def test_impact_outside_the_matrix_is_refused(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as raised:
        new(engine, org, impact=4)
    assert set(raised.value.problems) == {"impact"}


@pytest.mark.parametrize("summary", ["", "   \n ", "x" * (tickets.SUMMARY_MAX + 1)])
def test_summary_must_be_given_and_short(engine: Engine, org: Org, summary: str) -> None:
    with pytest.raises(ValidationError) as raised:
        new(engine, org, summary=summary)
    assert set(raised.value.problems) == {"summary"}
    with read_session(engine) as s:
        assert s.exec(select(Ticket)).first() is None


def test_summary_whitespace_is_collapsed(engine: Engine, org: Org) -> None:
    assert new(engine, org, summary="  Printer \n jams  ").summary == "Printer jams"


def test_due_dates_count_business_hours_over_the_weekend(engine: Engine, org: Org) -> None:
    # Medium: 4 business hours to respond, 27 to resolve; logged Friday 16:00.
    ticket = new(engine, org, now=london(2024, 11, 22, 16, 0))
    assert ticket.response_due_at == london(2024, 11, 25, 11, 0)
    assert ticket.resolution_due_at == london(2024, 11, 27, 16, 0)
    assert ticket.sla_due_at == ticket.response_due_at


def test_due_dates_skip_a_bank_holiday(engine: Engine, org: Org) -> None:
    # Monday 27 May 2024 is the Spring Bank Holiday; London is on summer time (UTC+1).
    ticket = new(engine, org, now=london(2024, 5, 24, 16, 0))
    assert ticket.response_due_at == london(2024, 5, 28, 11, 0)
    assert ticket.response_due_at.utcoffset() == timedelta(0)  # stored and returned in UTC


def test_critical_runs_around_the_clock(engine: Engine, org: Org) -> None:
    ticket = new(engine, org, impact=1, urgency=1, now=london(2024, 11, 22, 16, 0))
    assert ticket.response_due_at == london(2024, 11, 22, 16, 15)
    assert ticket.resolution_due_at == london(2024, 11, 22, 20, 0)


def test_new_ticket_starts_new_with_a_created_event(engine: Engine, org: Org) -> None:
    ticket = new(engine, org, description="Paper everywhere")
    assert ticket.status == S.NEW
    assert ticket.version == 1
    assert ticket.caller_name == "Alice Müller"
    assert ticket.first_response_at is None
    [created] = events(engine, ticket.id)
    assert (created.kind, created.actor_id, created.note) == (
        EventKind.CREATED,
        org.ann,
        "Paper everywhere",
    )


def test_category_routes_to_its_team_without_counting_as_a_response(
    engine: Engine, org: Org
) -> None:
    ticket = new(engine, org, category_id=org.wan)
    assert (ticket.team_name, ticket.status) == ("Network", S.ASSIGNED)
    assert ticket.first_response_at is None
    assert ticket.sla_due_at == ticket.response_due_at


def test_resolved_on_the_call_counts_for_fcr(engine: Engine, org: Org) -> None:
    ticket = new(
        engine,
        org,
        channel=Channel.WALK_IN,
        resolved_on_first_contact=True,
        resolution_note="Cleared the jam",
    )
    assert ticket.status == S.RESOLVED
    assert ticket.first_contact_resolution
    assert ticket.resolved_at == ticket.first_response_at == MONDAY_9
    assert ticket.sla_due_at is None
    assert "Cleared the jam" in [e.note for e in ticket.events]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"channel": Channel.EMAIL, "resolution_note": "Done"}, "channel"),
        ({"channel": Channel.PORTAL, "resolution_note": "Done"}, "channel"),
        ({"channel": Channel.PHONE, "resolution_note": "  "}, "resolution"),
    ],
)
def test_fcr_needs_phone_or_walk_in_and_a_note(
    engine: Engine, org: Org, fields: dict, problem: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        new(engine, org, resolved_on_first_contact=True, **fields)
    assert set(raised.value.problems) == {problem}


# ---------------------------------------------------------------------------- workflow

ALLOWED = [(status, t.target) for status, ts in TRANSITIONS.items() for t in ts]
REFUSED = [
    (status, target)
    for status in S
    for target in S
    if target != status and (status, target) not in ALLOWED
]


@pytest.mark.parametrize(("status", "target"), [p for p in ALLOWED if p != (S.NEW, S.ASSIGNED)])
def test_every_allowed_transition(
    engine: Engine, org: Org, status: TicketStatus, target: TicketStatus
) -> None:
    ticket = ticket_in(engine, org, status)
    moved = change_status(engine, ticket.id, ticket.version, target, org.bob, "because")
    assert moved.status == target
    assert moved.version == ticket.version + 1
    change = [e for e in events(engine, ticket.id) if e.kind == EventKind.STATUS_CHANGED][-1]
    assert (change.actor_id, change.old_value, change.new_value) == (
        org.bob,
        status.label,
        target.label,
    )
    assert moved.transitions == TRANSITIONS[target]


def test_assign_needs_an_assignee_or_team(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    with pytest.raises(ValidationError) as raised:
        change_status(engine, ticket.id, ticket.version, S.ASSIGNED, org.ann)
    assert set(raised.value.problems) == {"assignee"}


def test_choosing_an_assignee_moves_a_new_ticket_to_assigned(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    assigned = update_ticket(engine, ticket.id, ticket.version, {"assignee_id": org.bob}, org.ann)
    assert (assigned.status, assigned.assignee_name, assigned.team_name) == (
        S.ASSIGNED,
        "Bob Tech",
        "Network",
    )


@pytest.mark.parametrize(("status", "target"), REFUSED)
def test_disallowed_transitions_are_refused(
    engine: Engine, org: Org, status: TicketStatus, target: TicketStatus
) -> None:
    ticket = ticket_in(engine, org, status)
    with pytest.raises(TransitionError, match=target.label):
        change_status(engine, ticket.id, ticket.version, target, org.bob, "note")
    assert get_ticket(engine, ticket.id).version == ticket.version


@pytest.mark.parametrize("target", [S.RESOLVED, S.IN_PROGRESS])
def test_resolving_and_reopening_need_a_note(
    engine: Engine, org: Org, target: TicketStatus
) -> None:
    ticket = ticket_in(engine, org, S.IN_PROGRESS if target == S.RESOLVED else S.RESOLVED)
    with pytest.raises(ValidationError) as raised:
        change_status(engine, ticket.id, ticket.version, target, org.bob, "  ")
    assert set(raised.value.problems) == {"note"}


def test_reopen_is_counted_and_clears_fcr(engine: Engine, org: Org) -> None:
    ticket = new(engine, org, resolved_on_first_contact=True, resolution_note="Rebooted")
    ticket = change_status(engine, ticket.id, ticket.version, S.IN_PROGRESS, org.bob, "Back again")
    assert (ticket.reopen_count, ticket.first_contact_resolution) == (1, False)
    assert ticket.resolved_at is None
    ticket = move(engine, org, ticket, S.RESOLVED, S.CLOSED)
    assert ticket.closed_at is not None
    ticket = change_status(engine, ticket.id, ticket.version, S.IN_PROGRESS, org.bob, "Again")
    assert (ticket.reopen_count, ticket.closed_at, ticket.status) == (2, None, S.IN_PROGRESS)
    reopened = [e for e in events(engine, ticket.id) if e.kind == EventKind.REOPENED]
    assert [e.note for e in reopened] == ["Back again", "Again"]


# ---------------------------------------------------------------------------- SLA clock


def test_waiting_on_caller_pauses_the_clock(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)  # Monday 09:00: resolution due Thursday 09:00
    assert ticket.resolution_due_at == london(2024, 11, 21, 9, 0)
    waiting = change_status(
        engine, ticket.id, 1, S.WAITING_CALLER, org.ann, now=london(2024, 11, 18, 10, 0)
    )
    assert waiting.sla_due_at is None
    # Back two business hours later: the deadline moves by two business hours.
    back = change_status(
        engine, ticket.id, 2, S.IN_PROGRESS, org.ann, now=london(2024, 11, 18, 12, 0)
    )
    assert back.resolution_due_at == london(2024, 11, 21, 11, 0)
    assert back.sla_due_at == back.resolution_due_at


def test_waiting_overnight_pushes_back_only_business_time(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    change_status(engine, ticket.id, 1, S.WAITING_CALLER, org.ann, now=london(2024, 11, 18, 16, 0))
    back = change_status(
        engine, ticket.id, 2, S.IN_PROGRESS, org.ann, now=london(2024, 11, 19, 9, 0)
    )
    # 16:00-17:00 Monday and 08:00-09:00 Tuesday: two business hours.
    assert back.resolution_due_at == london(2024, 11, 21, 11, 0)


def test_pause_survives_a_priority_change(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    change_status(engine, ticket.id, 1, S.WAITING_CALLER, org.ann, now=london(2024, 11, 18, 10, 0))
    change_status(engine, ticket.id, 2, S.IN_PROGRESS, org.ann, now=london(2024, 11, 18, 12, 0))
    # High: 8 business hours to resolve from Monday 09:00, plus the two hours waited.
    high = update_ticket(engine, ticket.id, 3, {"impact": 2, "urgency": 1}, org.ann)
    assert high.priority == Priority.HIGH
    assert high.resolution_due_at == london(2024, 11, 19, 10, 0)


@pytest.mark.parametrize(
    "act",
    [
        lambda e, o, t, now: add_note(e, t.id, "Looking", o.bob, now=now),
        lambda e, o, t, now: update_ticket(e, t.id, t.version, {"assignee_id": o.bob}, o.bob, now),
        lambda e, o, t, now: change_status(e, t.id, t.version, S.IN_PROGRESS, o.bob, now=now),
    ],
    ids=["note", "assignment", "status"],
)
def test_first_response_is_the_first_staff_action(engine: Engine, org: Org, act) -> None:
    ticket = new(engine, org)
    assert ticket.first_response_at is None
    responded = act(engine, org, ticket, london(2024, 11, 18, 10, 0))
    assert responded.first_response_at == london(2024, 11, 18, 10, 0)
    assert not responded.response_breached
    later = add_note(engine, ticket.id, "More", org.bob, now=london(2024, 11, 18, 11, 0))
    assert later.first_response_at == london(2024, 11, 18, 10, 0)
    assert later.sla_due_at == later.resolution_due_at


def test_a_description_edit_is_not_a_response(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    edited = update_ticket(engine, ticket.id, 1, {"description": "More detail"}, org.ann)
    assert edited.first_response_at is None


def test_late_response_and_resolution_are_flagged(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)  # response due 13:00, resolution Thursday 09:00
    late = add_note(engine, ticket.id, "Sorry", org.bob, now=london(2024, 11, 18, 13, 1))
    assert late.response_breached
    resolved = change_status(
        engine, ticket.id, late.version, S.RESOLVED, org.bob, "Fixed", london(2024, 11, 21, 9, 1)
    )
    assert resolved.resolution_breached
    assert resolved.sla_due_at is None


def test_in_time_is_not_breached(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    resolved = change_status(
        engine, ticket.id, 1, S.RESOLVED, org.bob, "Fixed", london(2024, 11, 18, 12, 59)
    )
    assert not (resolved.response_breached or resolved.resolution_breached)


# ---------------------------------------------------------------------------- escalation


def test_escalation_hands_the_ticket_to_another_team(engine: Engine, org: Org) -> None:
    ticket = new(engine, org, assignee_id=org.ann)
    ticket = move(engine, org, ticket, S.IN_PROGRESS)
    escalated = tickets.escalate(
        engine, ticket.id, ticket.version, org.network, "Switch is down", org.ann
    )
    assert (escalated.team_name, escalated.assignee_id) == ("Network", None)
    assert escalated.status == S.ASSIGNED
    assert escalated.escalated and not escalated.manager_flagged
    assert escalated.version == ticket.version + 1
    assert escalated.events[-1].text == "Escalated to Network"  # as the timeline says it
    [event] = [e for e in events(engine, ticket.id) if e.kind == EventKind.ESCALATED]
    assert (event.actor_id, event.old_value, event.new_value, event.note) == (
        org.ann,
        "Service desk",
        "Network",
        "Switch is down",
    )


@pytest.mark.parametrize(
    ("team", "reason", "error"),
    [("network", " ", ValidationError), ("desk", "Why not", ValidationError)],
)
def test_escalation_needs_a_reason_and_another_team(
    engine: Engine, org: Org, team: str, reason: str, error: type
) -> None:
    ticket = new(engine, org, team_id=org.desk)
    with pytest.raises(error):
        tickets.escalate(engine, ticket.id, ticket.version, getattr(org, team), reason, org.ann)


def test_a_resolved_ticket_is_not_escalated(engine: Engine, org: Org) -> None:
    ticket = ticket_in(engine, org, S.RESOLVED)
    with pytest.raises(TransitionError):
        tickets.escalate(engine, ticket.id, ticket.version, org.network, "Why", org.ann)


def test_flag_to_manager_needs_a_reason(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    with pytest.raises(ValidationError) as raised:
        tickets.flag_manager(engine, ticket.id, ticket.version, "  ", org.ann)
    assert set(raised.value.problems) == {"reason"}
    flagged = tickets.flag_manager(engine, ticket.id, ticket.version, " VIP angry ", org.ann)
    # The hierarchical escalation: the manager looks, the ticket stays with its team.
    assert (flagged.manager_flagged, flagged.manager_flag_reason, flagged.escalated) == (
        True,
        "VIP angry",
        False,
    )
    assert flagged.team_id == ticket.team_id
    assert flagged.events[-1].kind == EventKind.MANAGER_FLAGGED
    assert flagged.events[-1].actor == "Ann Operator"
    assert flagged.events[-1].text == "Flagged to manager: VIP angry"


# ---------------------------------------------------------------------------- notes


@pytest.mark.parametrize(
    ("note", "minutes", "problems"),
    [
        ("", 0, {"note"}),
        ("ok", -1, {"minutes"}),
        ("ok", 1441, {"minutes"}),
        (" ", 2000, {"note", "minutes"}),
    ],
)
def test_add_note_validation(
    engine: Engine, org: Org, note: str, minutes: int, problems: set[str]
) -> None:
    ticket = new(engine, org)
    with pytest.raises(ValidationError) as raised:
        add_note(engine, ticket.id, note, org.bob, minutes)
    assert set(raised.value.problems) == problems


def test_notes_log_minutes_and_need_no_version(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    update_ticket(engine, ticket.id, ticket.version, {"summary": "Moved on"}, org.bob)
    add_note(engine, ticket.id, "Called back", org.ann, 15)
    detail = add_note(engine, ticket.id, " Replaced drum ", org.bob, 30)
    assert detail.minutes_logged == 45
    assert [(e.note, e.minutes_spent) for e in detail.events if e.kind == EventKind.NOTE] == [
        ("Called back", 15),
        ("Replaced drum", 30),
    ]
    assert detail.version == 4


# ---------------------------------------------------------------------------- editing


def test_every_change_is_an_event_with_who_old_and_new(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    changes = {
        "summary": "Printer on fire",
        "impact": 1,
        "category_id": org.printing,
        "asset_id": org.laptop,
        "channel": Channel.EMAIL,
        "caller_id": org.zoe,
    }
    saved = update_ticket(engine, ticket.id, ticket.version, changes, org.bob)
    assert saved.version == 2
    changed = {
        e.field: (e.actor_id, e.old_value, e.new_value)
        for e in events(engine, ticket.id)
        if e.kind == EventKind.FIELD_CHANGED
    }
    assert changed == {
        "summary": (org.bob, "Printer jams", "Printer on fire"),
        "impact": (org.bob, "3", "1"),
        "priority": (org.bob, "P3 Medium", "P1 Critical"),
        "category": (org.bob, "", "Printing"),
        "asset": (org.bob, "", "LT-0001"),
        "channel": (org.bob, "Phone", "Email"),
        "caller": (org.bob, "Alice Müller", "Zoe O'Brien"),
    }
    assert (saved.caller_name, saved.priority) == ("Zoe O'Brien", Priority.CRITICAL)


def test_saving_unchanged_values_writes_nothing(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    same = update_ticket(engine, ticket.id, 1, {"summary": "Printer jams", "impact": 3}, org.bob)
    assert same.version == 1
    assert len(events(engine, ticket.id)) == 1


def test_assignment_events_name_people_and_teams(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    update_ticket(engine, ticket.id, 1, {"assignee_id": org.bob}, org.ann)
    update_ticket(engine, ticket.id, 2, {"assignee_id": None}, org.ann)
    assigned = [
        (e.field, e.old_value, e.new_value)
        for e in events(engine, ticket.id)
        if e.kind == EventKind.ASSIGNED
    ]
    assert assigned == [
        ("assignee", "", "Bob Tech"),
        ("team", "", "Network"),
        ("assignee", "Bob Tech", ""),
    ]


@pytest.mark.parametrize("field", ["status", "version", "number", "site_id"])
def test_update_refuses_fields_that_are_not_editable(engine: Engine, org: Org, field: str) -> None:
    ticket = new(engine, org)
    with pytest.raises(ValidationError) as raised:
        update_ticket(engine, ticket.id, 1, {field: 2, "summary": "Sneaky"}, org.ann)
    assert set(raised.value.problems) == {field}
    assert get_ticket(engine, ticket.id).summary == "Printer jams"


def test_an_inactive_assignee_is_refused(engine: Engine, org: Org) -> None:
    with write_session(engine) as s:
        s.exec(update(Staff).where(col(Staff.id) == org.bob).values(active=False))
    ticket = new(engine, org)
    with pytest.raises(ValidationError, match="no longer active"):
        update_ticket(engine, ticket.id, 1, {"assignee_id": org.bob}, org.ann)


# ---------------------------------------------------------------------------- locking


def test_a_stale_save_names_the_other_users_change(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    update_ticket(engine, ticket.id, ticket.version, {"summary": "Toner empty"}, org.bob)
    with pytest.raises(ConflictError) as raised:
        update_ticket(engine, ticket.id, ticket.version, {"category_id": org.printing}, org.ann)
    error = raised.value
    assert error.number == "HQ-000001"
    assert [(c.who, c.what) for c in error.changes] == [
        ("Bob Tech", "summary: Printer jams → Toner empty")
    ]
    assert "Bob Tech" in str(error) and "summary" in str(error)
    current = get_ticket(engine, ticket.id)
    assert (current.category_id, current.version) == (None, 2)


@pytest.mark.parametrize(
    "act",
    [
        lambda e, o, t: change_status(e, t.id, t.version, S.IN_PROGRESS, o.ann),
        lambda e, o, t: tickets.escalate(e, t.id, t.version, o.network, "Down", o.ann),
        lambda e, o, t: tickets.flag_manager(e, t.id, t.version, "Angry", o.ann),
    ],
    ids=["status", "escalate", "flag"],
)
def test_every_versioned_action_checks_the_version(engine: Engine, org: Org, act) -> None:
    ticket = new(engine, org)
    update_ticket(engine, ticket.id, ticket.version, {"impact": 2}, org.bob)
    with pytest.raises(ConflictError, match="Bob Tech"):
        act(engine, org, ticket)
    assert get_ticket(engine, ticket.id).version == 2


def test_a_race_lost_at_flush_becomes_a_conflict(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between reading the row and writing it, someone else's save lands: SQLAlchemy's
    StaleDataError must surface as the same ConflictError, with nothing of ours saved.

    On PostgreSQL the read takes no lock, so Bob's save really commits in between. SQLite's
    BEGIN IMMEDIATE makes that impossible (his save would wait for ours), so there the
    rival UPDATE is slipped into our own transaction, and rolls back with it."""
    ticket = new(engine, org)
    finish = tickets.TicketChange.finish
    rivals: list[str] = []

    def finish_after_a_rival_save(self: tickets.TicketChange) -> None:
        if not rivals:
            rivals.append("Bob")
            if engine.dialect.name == "postgresql":
                update_ticket(engine, ticket.id, 1, {"summary": "Theirs"}, org.bob)
            else:
                self.session.execute(
                    update(Ticket)
                    .where(col(Ticket.id) == self.ticket.id)
                    .values(version=col(Ticket.version) + 1)
                    .execution_options(synchronize_session=False)
                )
        finish(self)

    monkeypatch.setattr(tickets.TicketChange, "finish", finish_after_a_rival_save)
    with pytest.raises(ConflictError, match="HQ-000001") as raised:
        update_ticket(engine, ticket.id, ticket.version, {"category_id": org.printing}, org.ann)
    monkeypatch.undo()
    current = get_ticket(engine, ticket.id)
    assert current.category_id is None
    if engine.dialect.name == "postgresql":
        assert [c.who for c in raised.value.changes] == ["Bob Tech"]
        assert (current.summary, current.version) == ("Theirs", 2)
    else:
        assert (current.summary, current.version) == ("Printer jams", 1)


def test_a_deleted_ticket_is_not_found(engine: Engine, org: Org) -> None:
    with pytest.raises(NotFoundError):
        update_ticket(engine, uuid.uuid4(), 1, {"summary": "x"}, org.ann)
    with pytest.raises(NotFoundError):
        get_ticket(engine, uuid.uuid4())


def test_timestamps_come_back_in_utc(engine: Engine, org: Org) -> None:
    ticket = new(engine, org, now=london(2024, 5, 24, 16, 0))
    assert ticket.created_at == datetime(2024, 5, 24, 15, 0, tzinfo=UTC)
    assert ticket.created_at.tzinfo is not None


@pytest.mark.real_threads
def test_notes_written_at_once_on_one_ticket_all_land(engine: Engine, org: Org) -> None:
    """Several technicians note work on one ticket at the same moment: notes never
    conflict, so every one is saved (on PostgreSQL they used to race on the version)."""
    from concurrent.futures import ThreadPoolExecutor

    ticket = new(engine, org)
    writers, each = 4, 15

    def write_notes(writer: int) -> int:
        for n in range(each):
            add_note(engine, ticket.id, f"Writer {writer}, note {n}", org.bob)
        return writer

    with ThreadPoolExecutor(writers) as pool:
        assert sorted(pool.map(write_notes, range(writers))) == list(range(writers))
    notes = [e for e in events(engine, ticket.id) if e.kind == EventKind.NOTE]
    assert len(notes) == writers * each
    assert get_ticket(engine, ticket.id).version > writers * each


def test_a_conflict_lists_only_the_changes_it_lost_to(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    ticket = new(engine, org)
    ticket = update_ticket(engine, ticket.id, ticket.version, {"summary": "Jams again"}, org.bob)
    update_ticket(engine, ticket.id, ticket.version, {"category_id": org.printing}, org.bob)

    def lost_the_race(self: tickets.TicketChange) -> None:
        raise StaleDataError("the row changed under us")

    monkeypatch.setattr(tickets.TicketChange, "finish", lost_the_race)
    with pytest.raises(ConflictError) as raised:
        add_note(engine, ticket.id, "Replaced the roller", org.ann)
    assert raised.value.changes == []  # nothing landed after the version it read


# ---------------------------------------------------------------------------- merging saves


def loaded(ticket: TicketDetail, *names: str) -> dict[str, Any]:
    """The values of ``names`` as an editor loaded them from ``ticket``."""
    return {name: getattr(ticket, name) for name in names}


def test_a_save_on_the_version_loaded_is_a_plain_save(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    outcome = tickets.save_ticket(
        engine, ticket.id, ticket.version, loaded(ticket, "summary"), {"summary": "Jams"}, org.ann
    )
    assert outcome.saved and outcome.merged == ()
    assert (outcome.detail.summary, outcome.detail.version) == ("Jams", 2)


def test_changes_to_different_fields_are_merged(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    later = MONDAY_9 + timedelta(minutes=3)
    update_ticket(engine, ticket.id, ticket.version, {"summary": "Toner empty"}, org.bob, later)
    outcome = tickets.save_ticket(
        engine,
        ticket.id,
        ticket.version,
        loaded(ticket, "category_id"),
        {"category_id": org.printing},
        org.ann,
    )
    assert outcome.saved
    assert [(c.who, c.at, c.field, c.what) for c in outcome.merged] == [
        ("Bob Tech", later, "summary", "Summary")
    ]
    current = get_ticket(engine, ticket.id)
    assert (current.summary, current.category_name, current.version) == (
        "Toner empty",
        "Printing",
        3,
    )


def test_impact_and_urgency_changed_by_two_people_give_the_priority_of_both(
    engine: Engine, org: Org
) -> None:
    ticket = new(engine, org, urgency=3)  # impact 3 x urgency 3: Low
    update_ticket(engine, ticket.id, ticket.version, {"impact": 1}, org.bob)  # Medium
    outcome = tickets.save_ticket(
        engine, ticket.id, ticket.version, loaded(ticket, "urgency"), {"urgency": 1}, org.ann
    )
    assert outcome.saved
    assert (outcome.detail.impact, outcome.detail.urgency) == (1, 1)
    assert outcome.detail.priority == Priority.CRITICAL
    assert {c.what for c in outcome.merged} == {"Impact", "Priority"}


def test_the_same_value_chosen_on_both_sides_is_no_clash(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    update_ticket(engine, ticket.id, ticket.version, {"team_id": org.network}, org.bob)
    outcome = tickets.save_ticket(
        engine,
        ticket.id,
        ticket.version,
        loaded(ticket, "team_id", "summary"),
        {"team_id": org.network, "summary": "Printer  jams  again"},
        org.ann,
    )
    assert outcome.saved
    assert (outcome.detail.team_name, outcome.detail.summary) == ("Network", "Printer jams again")
    assert outcome.detail.version == 3


def test_the_same_field_changed_on_both_sides_saves_nothing_and_names_it(
    engine: Engine, org: Org
) -> None:
    ticket = new(engine, org)
    later = MONDAY_9 + timedelta(minutes=5)
    update_ticket(
        engine, ticket.id, ticket.version, {"summary": "Toner empty", "impact": 2}, org.bob, later
    )
    mine = {"summary": "Paper jam", "impact": 1, "category_id": org.printing}
    outcome = tickets.save_ticket(
        engine, ticket.id, ticket.version, loaded(ticket, *mine), mine, org.ann
    )
    assert not outcome.saved
    assert [(c.field, c.label, c.theirs, c.who, c.at) for c in outcome.clashes] == [
        ("summary", "Summary", "“Toner empty”", "Bob Tech", later),
        ("impact", "Impact", "2 · Department", "Bob Tech", later),
    ]
    current = get_ticket(engine, ticket.id)
    assert outcome.detail == current
    assert (current.summary, current.category_id, current.version) == ("Toner empty", None, 2)

    # Keep mine: saved again over the version that has theirs.
    kept = tickets.save_ticket(
        engine, ticket.id, current.version, loaded(current, *mine), mine, org.ann
    )
    assert kept.saved
    assert (kept.detail.summary, kept.detail.impact, kept.detail.category_name) == (
        "Paper jam",
        1,
        "Printing",
    )


def test_a_clash_shows_their_value_as_the_editor_does(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    update_ticket(
        engine,
        ticket.id,
        ticket.version,
        {"assignee_id": org.bob, "channel": Channel.EMAIL, "asset_id": org.laptop},
        org.mia,
    )
    mine = {"assignee_id": org.ann, "channel": Channel.WALK_IN, "asset_id": None}
    outcome = tickets.save_ticket(
        engine, ticket.id, ticket.version, loaded(ticket, *mine), mine, org.ann
    )
    assert {c.field: (c.theirs, c.who) for c in outcome.clashes} == {
        "assignee_id": ("Bob Tech", "Mia Manager"),
        "channel": ("Email", "Mia Manager"),
        "asset_id": ("LT-0001", "Mia Manager"),
    }


def test_saving_needs_the_loaded_value_of_every_change(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    with pytest.raises(ValueError, match="summary"):
        tickets.save_ticket(engine, ticket.id, ticket.version, {}, {"summary": "x"}, org.ann)
    with pytest.raises(ValidationError) as raised:
        tickets.save_ticket(
            engine, ticket.id, ticket.version, {"status": 1}, {"status": 6}, org.ann
        )
    assert set(raised.value.problems) == {"status"}


def test_news_since_answers_none_until_the_ticket_moves(engine: Engine, org: Org) -> None:
    from app.tickets.detail import news_since

    ticket = new(engine, org)
    assert news_since(engine, ticket.id, ticket.version) is None
    add_note(engine, ticket.id, "Called back", org.bob)
    news = news_since(engine, ticket.id, ticket.version)
    assert news is not None and news.detail.version == ticket.version + 1
    assert [(c.who, c.field, c.what) for c in news.changes] == [("Bob Tech", "", "a note")]
    with pytest.raises(NotFoundError):
        news_since(engine, uuid.uuid4(), 1)


@pytest.mark.real_threads
def test_saves_of_different_fields_at_once_all_land(engine: Engine, org: Org) -> None:
    """Several people save one ticket at the same moment, each a field of their own, from
    the version they loaded long ago: the row is locked while each save compares and
    writes, so every save merges, and none is lost or refused."""
    from concurrent.futures import ThreadPoolExecutor

    ticket = new(engine, org)
    each = 10
    fields: dict[str, list[Any]] = {
        "summary": [f"Summary {n}" for n in range(each)],
        "description": [f"Description {n}" for n in range(each)],
        "impact": [1 + n % 3 for n in range(1, each + 1)],
        "channel": [Channel.EMAIL if n % 2 == 0 else Channel.PORTAL for n in range(each)],
    }

    def save_field(name: str) -> str:
        previous = getattr(ticket, name)
        for value in fields[name]:
            outcome = tickets.save_ticket(
                engine, ticket.id, ticket.version, {name: previous}, {name: value}, org.bob
            )
            assert outcome.saved
            previous = value
        return name

    with ThreadPoolExecutor(len(fields)) as pool:
        assert sorted(pool.map(save_field, fields)) == sorted(fields)
    current = get_ticket(engine, ticket.id)
    assert {name: getattr(current, name) for name in fields} == {
        name: values[-1] for name, values in fields.items()
    }


# ------------------------------------------------------------------ SLA overrides (schema 0009)


def _override(
    engine: Engine,
    priority: Priority,
    response: int,
    *,
    site_id: uuid.UUID | None = None,
    category_id: uuid.UUID | None = None,
) -> uuid.UUID:
    from models.org import SlaPolicy

    with write_session(engine) as s:
        policy = SlaPolicy(
            priority=priority,
            name=f"{priority.label} override",
            response_minutes=response,
            resolution_minutes=response * 4,
            around_the_clock=True,  # due times then read plainly in minutes
            site_id=site_id,
            category_id=category_id,
        )
        s.add(policy)
        s.flush()
        return policy.id


def _kept_policy(engine: Engine, ticket_id: uuid.UUID) -> uuid.UUID | None:
    with read_session(engine) as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket.sla_policy_id


def test_the_most_specific_current_policy_sets_the_due_times(engine: Engine, org: Org) -> None:
    site_only = _override(engine, Priority.MEDIUM, 20, site_id=org.hq)
    category_only = _override(engine, Priority.MEDIUM, 15, category_id=org.printing)
    both = _override(engine, Priority.MEDIUM, 10, site_id=org.hq, category_id=org.printing)

    plain = new(engine, org, site_id=org.branch)  # no override for the branch, no category
    at_hq = new(engine, org, site_id=org.hq)
    printing = new(engine, org, site_id=org.branch, category_id=org.printing)
    printing_at_hq = new(engine, org, site_id=org.hq, category_id=org.printing)

    assert _kept_policy(engine, plain.id) not in (site_only, category_only, both, None)
    assert _kept_policy(engine, at_hq.id) == site_only
    assert _kept_policy(engine, printing.id) == category_only
    assert _kept_policy(engine, printing_at_hq.id) == both
    assert printing_at_hq.response_due_at == MONDAY_9 + timedelta(minutes=10)


def test_a_ticket_keeps_its_policy_when_the_policy_is_replaced(engine: Engine, org: Org) -> None:
    from models.org import SlaPolicy

    kept = _override(engine, Priority.MEDIUM, 30, category_id=org.printing)
    ticket = new(engine, org, category_id=org.printing)
    with write_session(engine) as s:  # the policy is edited: retired for a successor
        old = s.get(SlaPolicy, kept)
        assert old is not None
        old.retired_at = MONDAY_9
    _override(engine, Priority.MEDIUM, 5, category_id=org.printing)

    edited = update_ticket(engine, ticket.id, ticket.version, {"summary": "Jams again"}, org.ann)

    assert _kept_policy(engine, ticket.id) == kept
    assert edited.response_due_at == ticket.response_due_at == MONDAY_9 + timedelta(minutes=30)


def test_a_new_category_with_an_sla_of_its_own_sets_new_due_times(engine: Engine, org: Org) -> None:
    ticket = new(engine, org)
    override = _override(engine, Priority.MEDIUM, 12, category_id=org.wan)

    moved = update_ticket(engine, ticket.id, ticket.version, {"category_id": org.wan}, org.ann)

    assert _kept_policy(engine, ticket.id) == override
    assert moved.response_due_at == MONDAY_9 + timedelta(minutes=12)


def test_a_site_closure_stops_the_sla_clock_for_its_days(engine: Engine, org: Org) -> None:
    from datetime import date

    from app.defaults import DEFAULT_SLA_MINUTES
    from models.org import SiteClosure

    with write_session(engine) as s:  # HQ moves office on Monday
        s.add(
            SiteClosure(site_id=org.hq, first_day=date(2024, 11, 18), last_day=date(2024, 11, 18))
        )
    ticket = new(engine, org, site_id=org.hq)

    response_minutes = DEFAULT_SLA_MINUTES[Priority.MEDIUM][0]
    tuesday_8 = london(2024, 11, 19, 8, 0)
    assert ticket.response_due_at == tuesday_8 + timedelta(minutes=response_minutes)


def test_a_retired_category_is_kept_by_its_tickets_and_given_to_no_new_one(
    engine: Engine, org: Org
) -> None:
    from models.org import Category

    ticket = new(engine, org, category_id=org.printing)
    with write_session(engine) as s:
        printing = s.get(Category, org.printing)
        assert printing is not None
        printing.retired = True
    edited = update_ticket(engine, ticket.id, ticket.version, {"summary": "Still jams"}, org.ann)
    assert edited.category_id == org.printing  # kept
    with pytest.raises(ValidationError, match="Printing is retired") as refused:
        new(engine, org, category_id=org.printing)
    assert set(refused.value.problems) == {"category"}
    other = new(engine, org)
    with pytest.raises(ValidationError, match="Printing is retired"):
        update_ticket(engine, other.id, other.version, {"category_id": org.printing}, org.ann)
