"""Problem records (app/problems/records.py), their detail (detail.py) and list (listing.py)
without a window, on every configured back end: numbers, edits as events, the optimistic
lock, the workflow, incidents linked at most once, resolving a problem with its incidents
all or nothing, who may do it, and what the editor and the list read back."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from app.errors import (
    ConflictError,
    PermissionDenied,
    SwitchboardError,
    TransitionError,
    ValidationError,
)
from app.permissions import Action, refusal
from app.problems import records
from app.problems.detail import WEEKS_SHOWN, WeekCount, problem_detail, weekly_counts
from app.problems.listing import (
    OPEN_PROBLEM_STATUSES,
    ProblemColumn,
    ProblemFilter,
    ProblemQuery,
    ProblemSort,
)
from app.problems.records import (
    ProblemDraft,
    add_problem_note,
    change_problem_status,
    create_problem,
    link_incidents,
    problem_reference,
    resolve_problem,
    unlink_incident,
    update_problem,
)
from app.tickets.actions import TicketDraft, change_status, create_ticket
from app.tickets.detail import get_ticket
from models.engine import read_session, write_session
from models.enums import EventKind, Priority, ProblemStatus, StaffRole, TicketStatus
from models.org import Category, Staff
from models.people import Asset, Caller
from models.problems import Problem, ProblemEvent
from models.tickets import Ticket, TicketEvent
from tests.conftest import NOW, Org

P = ProblemStatus
LATER = NOW + timedelta(minutes=5)


def minutes(n: int) -> datetime:
    """``n`` minutes after NOW: each save at a moment of its own, as in use."""
    return NOW + timedelta(minutes=n)


def problem(
    engine: Engine, org: Org, title: str = "Printer on floor 2 jams", **fields: Any
) -> uuid.UUID:
    """A problem recorded by Bob (a technician) at NOW."""
    return create_problem(engine, ProblemDraft(title=title, **fields), org.bob, NOW)


def incident(
    engine: Engine,
    org: Org,
    summary: str = "Printer jams again",
    at: datetime = NOW,
    caller: uuid.UUID | None = None,
) -> uuid.UUID:
    draft = TicketDraft(summary=summary, caller_id=caller or org.alice)
    return create_ticket(engine, draft, org.ann, now=at).id


def stored(engine: Engine, problem_id: uuid.UUID) -> Problem:
    with read_session(engine) as session:
        found = session.get(Problem, problem_id)
        assert found is not None
        return found


def ticket(engine: Engine, ticket_id: uuid.UUID) -> Ticket:
    with read_session(engine) as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found


def problem_events(engine: Engine, problem_id: uuid.UUID) -> list[ProblemEvent]:
    with read_session(engine) as session:
        return list(
            session.exec(
                select(ProblemEvent)
                .where(ProblemEvent.problem_id == problem_id)
                .order_by(col(ProblemEvent.at), col(ProblemEvent.field))
            ).all()
        )


def history(engine: Engine, problem_id: uuid.UUID) -> list[str]:
    return [e.text for e in problem_detail(engine, problem_id, LATER).events]


def problem_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Problem)).one())


def ticket_events(engine: Engine, ticket_id: uuid.UUID, kind: EventKind) -> list[TicketEvent]:
    with read_session(engine) as session:
        return list(
            session.exec(
                select(TicketEvent)
                .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == kind)
                .order_by(col(TicketEvent.ticket_version))
            ).all()
        )


def add_rows(engine: Engine, *rows: Any) -> None:
    with write_session(engine) as session:
        session.add_all(rows)


def set_status(engine: Engine, org: Org, problem_id: uuid.UUID, target: P, at: int) -> None:
    """Move the problem to ``target`` with what that status needs, by Bob."""
    version = stored(engine, problem_id).version
    update_problem(
        engine,
        problem_id,
        {"root_cause": "Worn rollers", "workaround": "Use the tray 1 printer"},
        org.bob,
        minutes(at),
        version,
    )
    change_problem_status(
        engine, problem_id, target, org.bob, minutes(at + 1), version + 1, note="Done"
    )


# -- creating ----------------------------------------------------------------------------------


def test_problems_are_numbered_in_one_sequence(engine: Engine, org: Org) -> None:
    first = problem(engine, org)
    second = problem(engine, org, "VPN drops at the branch")
    assert (stored(engine, first).number, stored(engine, second).number) == (1, 2)
    assert problem_reference(42) == "PRB-000042"
    assert problem_detail(engine, second, LATER).reference == "PRB-000002"


def test_a_new_problem_keeps_what_was_filled_in(engine: Engine, org: Org) -> None:
    problem_id = create_problem(
        engine,
        ProblemDraft(
            title="  Printer   on floor 2 jams ",
            description="Every Monday",
            priority=Priority.HIGH,
            owner_id=org.bob,
            root_cause="Worn rollers",
            target_date=date(2026, 12, 1),
            asset_ids=(org.laptop,),
            category_ids=(org.printing,),
        ),
        org.mia,
        NOW,
        candidate_key="asset:123",
    )
    detail = problem_detail(engine, problem_id, LATER)
    assert detail.title == "Printer on floor 2 jams"
    assert (detail.status, detail.priority, detail.owner_name) == (P.NEW, Priority.HIGH, "Bob Tech")
    assert (detail.root_cause, detail.target_date) == ("Worn rollers", date(2026, 12, 1))
    assert [(a.tag, a.model) for a in detail.assets] == [("LT-0001", "ThinkPad T14")]
    assert [c.name for c in detail.categories] == ["Printing"]
    assert (detail.candidate_key, detail.created_at, detail.version) == ("asset:123", NOW, 1)
    assert [(e.actor, e.text) for e in detail.events] == [("Mia Manager", "created the problem")]
    assert detail.transitions == (P.INVESTIGATING, P.ROOT_CAUSE_KNOWN, P.KNOWN_ERROR, P.RESOLVED)


def test_bad_input_is_named_field_by_field_and_nothing_is_saved(engine: Engine, org: Org) -> None:
    gone = Staff(name="Old Hand", username="old", role=StaffRole.TECHNICIAN, active=False)
    retired = Category(name="Fax", retired=True)
    add_rows(engine, gone, retired)
    draft = ProblemDraft(
        title=" ",
        owner_id=gone.id,
        target_date=date(2026, 11, 20),
        asset_ids=(uuid.uuid4(),),
        category_ids=(retired.id,),
    )
    with pytest.raises(ValidationError) as refused:
        create_problem(engine, draft, org.bob, NOW)
    assert set(refused.value.problems) == {"title", "owner", "target_date", "assets", "categories"}
    assert "24 Nov 2026" in refused.value.problems["target_date"]
    assert "Fax is retired" in refused.value.problems["categories"]
    with pytest.raises(ValidationError) as unknown:
        create_problem(
            engine, ProblemDraft(title="x" * 201, category_ids=(uuid.uuid4(),)), org.bob, NOW
        )
    assert set(unknown.value.problems) == {"title", "categories"}
    assert "201 now" in unknown.value.problems["title"]
    assert problem_count(engine) == 0


def test_the_target_date_may_be_the_day_it_was_recorded(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org, target_date=NOW.date())
    assert stored(engine, problem_id).target_date == NOW.date()


def test_a_number_taken_meanwhile_is_taken_again(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another workstation took the number between reading the highest and inserting: the
    unique number refuses the insert, and the next try reads the highest again."""
    problem(engine, org)
    real = records._next_number
    stale = iter([1])
    monkeypatch.setattr(records, "_next_number", lambda session: next(stale, None) or real(session))
    second = problem(engine, org, "VPN drops")
    assert stored(engine, second).number == 2
    assert [e.text for e in problem_detail(engine, second, LATER).events] == ["created the problem"]


def test_a_number_always_taken_gives_up_saving_nothing(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem(engine, org)
    monkeypatch.setattr(records, "_next_number", lambda session: 1)
    with pytest.raises(SwitchboardError, match="Record it again"):
        problem(engine, org, "VPN drops")
    assert problem_count(engine) == 1


# -- editing -----------------------------------------------------------------------------------


def test_each_changed_field_is_an_event_in_words(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org, asset_ids=(org.laptop,))
    printer = Asset(tag="PR-0002", model="LaserJet")
    add_rows(engine, printer)
    update_problem(
        engine,
        problem_id,
        {
            "title": "Floor 2 printer jams",
            "priority": Priority.CRITICAL,
            "owner_id": org.bob,
            "target_date": date(2026, 12, 4),
            "asset_ids": [printer.id, org.laptop],
            "category_ids": [org.printing],
            "root_cause": "Worn rollers",
            "description": "",  # unchanged: no event
        },
        org.mia,
        minutes(1),
        expected_version=1,
    )
    after = stored(engine, problem_id)
    assert (after.version, after.updated_at, after.title) == (2, minutes(1), "Floor 2 printer jams")
    assert history(engine, problem_id)[1:] == [
        "assets: LT-0001 → LT-0001, PR-0002",
        "categories: — → Printing",
        "owner: — → Bob Tech",
        "priority: P3 Medium → P1 Critical",
        "root cause: — → Worn rollers",
        "target date: — → 2026-12-04",
        "title: Printer on floor 2 jams → Floor 2 printer jams",
    ]
    update_problem(engine, problem_id, {"asset_ids": []}, org.mia, minutes(2), 2)
    assert problem_detail(engine, problem_id, LATER).assets == ()
    assert history(engine, problem_id)[-1] == "assets: LT-0001, PR-0002 → —"


def test_a_save_that_changes_nothing_moves_nothing(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    update_problem(engine, problem_id, {"title": "Printer on floor 2 jams"}, org.bob, LATER, 1)
    assert (stored(engine, problem_id).version, len(problem_events(engine, problem_id))) == (1, 1)


def test_a_save_over_a_newer_one_is_refused(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    update_problem(engine, problem_id, {"priority": Priority.HIGH}, org.mia, minutes(1), 1)
    add_problem_note(engine, problem_id, "Vendor called back", org.mia, minutes(2))
    with pytest.raises(ConflictError) as conflict:
        update_problem(engine, problem_id, {"title": "Mine"}, org.bob, minutes(3), 1)
    message = str(conflict.value)
    assert "PRB-000001 was changed by someone else" in message
    assert "Mia Manager at 2026-11-24 10:01 UTC: priority: P3 Medium → P2 High" in message
    assert "Mia Manager at 2026-11-24 10:02 UTC: added a note" in message
    assert "created the problem" not in message
    assert stored(engine, problem_id).title == "Printer on floor 2 jams"


def test_edits_that_break_the_rules_are_refused(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    with pytest.raises(ValidationError) as unknown:
        update_problem(engine, problem_id, {"status": P.CLOSED, "number": 7}, org.bob, LATER, 1)
    assert set(unknown.value.problems) == {"number", "status"}
    with pytest.raises(ValidationError) as early:
        update_problem(engine, problem_id, {"target_date": date(2026, 11, 1)}, org.bob, LATER, 1)
    assert set(early.value.problems) == {"target_date"}
    set_status(engine, org, problem_id, P.KNOWN_ERROR, 1)
    with pytest.raises(ValidationError) as cleared:
        update_problem(engine, problem_id, {"workaround": " ", "root_cause": ""}, org.bob, LATER, 3)
    assert set(cleared.value.problems) == {"workaround", "root_cause"}
    assert stored(engine, problem_id).workaround == "Use the tray 1 printer"


def test_a_retired_category_is_kept_but_never_given(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org, category_ids=(org.printing,))
    with write_session(engine) as session:
        printing = session.get(Category, org.printing)
        assert printing is not None
        printing.retired = True
    update_problem(engine, problem_id, {"category_ids": [org.printing, org.wan]}, org.bob, LATER, 1)
    assert [c.name for c in problem_detail(engine, problem_id, LATER).categories] == [
        "Network outage",
        "Printing",
    ]
    other = problem(engine, org, "Another")
    with pytest.raises(ValidationError, match="Printing is retired"):
        update_problem(engine, other, {"category_ids": [org.printing]}, org.bob, LATER, 1)


# -- the workflow ------------------------------------------------------------------------------


def test_statuses_need_what_they_say(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    with pytest.raises(ValidationError) as no_cause:
        change_problem_status(engine, problem_id, P.ROOT_CAUSE_KNOWN, org.bob, LATER, 1)
    assert set(no_cause.value.problems) == {"root_cause"}
    with pytest.raises(ValidationError) as no_workaround:
        change_problem_status(engine, problem_id, P.KNOWN_ERROR, org.bob, LATER, 1)
    assert set(no_workaround.value.problems) == {"root_cause", "workaround"}
    with pytest.raises(ValidationError) as no_fix:
        change_problem_status(engine, problem_id, P.RESOLVED, org.bob, LATER, 1)
    assert set(no_fix.value.problems) == {"note"}
    with pytest.raises(TransitionError, match="Resolve it first"):
        change_problem_status(engine, problem_id, P.CLOSED, org.bob, LATER, 1)
    assert stored(engine, problem_id).version == 1
    update_problem(engine, problem_id, {"root_cause": "Worn rollers"}, org.bob, minutes(1), 1)
    change_problem_status(engine, problem_id, P.ROOT_CAUSE_KNOWN, org.bob, minutes(2), 2)
    assert stored(engine, problem_id).status == P.ROOT_CAUSE_KNOWN
    assert history(engine, problem_id)[-1] == "status: New → Root cause known"
    with pytest.raises(TransitionError, match="does not become new again"):
        change_problem_status(engine, problem_id, P.NEW, org.bob, minutes(3), 3)


def test_resolve_close_and_reopen(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org, permanent_fix="New rollers fitted")
    change_problem_status(engine, problem_id, P.RESOLVED, org.bob, minutes(1), 1)
    assert stored(engine, problem_id).resolved_at == minutes(1)
    with pytest.raises(ValidationError) as why:
        change_problem_status(engine, problem_id, P.INVESTIGATING, org.bob, minutes(2), 2)
    assert set(why.value.problems) == {"note"}
    change_problem_status(
        engine, problem_id, P.INVESTIGATING, org.bob, minutes(2), 2, note="Jammed again"
    )
    reopened = problem_detail(engine, problem_id, LATER)
    assert (reopened.status, reopened.resolved_at) == (P.INVESTIGATING, None)
    assert reopened.events[-1].note == "Jammed again"
    change_problem_status(engine, problem_id, P.RESOLVED, org.bob, minutes(3), 3, note="Replaced")
    change_problem_status(engine, problem_id, P.CLOSED, org.bob, minutes(4), 4)
    closed = stored(engine, problem_id)
    assert (closed.status, closed.closed_at) == (P.CLOSED, minutes(4))


def test_a_closed_problem_is_kept_as_it_was(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org, permanent_fix="New rollers fitted")
    change_problem_status(engine, problem_id, P.RESOLVED, org.bob, minutes(1), 1)
    change_problem_status(engine, problem_id, P.CLOSED, org.bob, minutes(2), 2)
    with pytest.raises(TransitionError, match="PRB-000001 is closed"):
        update_problem(engine, problem_id, {"title": "Other"}, org.bob, minutes(3), 3)
    with pytest.raises(TransitionError, match="closed"):
        link_incidents(engine, problem_id, [incident(engine, org)], org.bob, minutes(3))
    with pytest.raises(TransitionError, match="kept as it was"):
        change_problem_status(
            engine, problem_id, P.INVESTIGATING, org.bob, minutes(3), 3, note="Back"
        )
    add_problem_note(engine, problem_id, "Vendor confirmed the fix", org.bob, minutes(4))
    detail = problem_detail(engine, problem_id, LATER)
    assert (detail.status, detail.transitions) == (P.CLOSED, ())
    assert (detail.events[-1].text, detail.events[-1].note) == (
        "added a note",
        "Vendor confirmed the fix",
    )


def test_a_note_must_say_something(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    with pytest.raises(ValidationError) as empty:
        add_problem_note(engine, problem_id, "  ", org.bob, LATER)
    assert set(empty.value.problems) == {"note"}


# -- incidents ---------------------------------------------------------------------------------


def test_linking_incidents_is_an_event_on_both_sides(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    first, second = incident(engine, org), incident(engine, org, "Paper jam")
    link_incidents(engine, problem_id, [first, second], org.bob, minutes(1))
    for ticket_id in (first, second):
        linked = ticket(engine, ticket_id)
        assert (linked.problem_id, linked.version) == (problem_id, 2)
        [event] = ticket_events(engine, ticket_id, EventKind.PROBLEM_LINKED)
        assert (event.field, event.old_value, event.new_value) == ("problem", "", "PRB-000001")
        assert (event.ticket_version, event.actor_id, event.at) == (2, org.bob, minutes(1))
    assert history(engine, problem_id)[1:] == [
        "linked incident HQ-000001",
        "linked incident HQ-000002",
    ]
    assert stored(engine, problem_id).version == 2
    link_incidents(engine, problem_id, [first], org.bob, minutes(2))  # linked already: nothing
    assert (ticket(engine, first).version, stored(engine, problem_id).version) == (2, 2)


def test_an_incident_of_another_problem_refuses_the_whole_link(engine: Engine, org: Org) -> None:
    first_problem = problem(engine, org)
    theirs = incident(engine, org)
    link_incidents(engine, first_problem, [theirs], org.bob, minutes(1))
    second_problem = problem(engine, org, "VPN drops")
    free = incident(engine, org, "VPN drops every hour")
    with pytest.raises(ValidationError) as refused:
        link_incidents(engine, second_problem, [free, theirs], org.bob, minutes(2))
    message = refused.value.problems["incidents"]
    assert "HQ-000001 is an incident of PRB-000001" in message
    assert "nothing was linked to PRB-000002" in message
    assert ticket(engine, free).problem_id is None
    assert ticket_events(engine, free, EventKind.PROBLEM_LINKED) == []
    assert history(engine, second_problem) == ["created the problem"]
    with pytest.raises(ValidationError, match="HQ-000001 is an incident of PRB-000001"):
        create_problem(engine, ProblemDraft(title="Third"), org.bob, NOW, incident_ids=[theirs])
    assert problem_count(engine) == 2
    with pytest.raises(ValidationError, match="no longer exists"):
        link_incidents(engine, second_problem, [uuid.uuid4()], org.bob, minutes(3))


def test_a_problem_made_with_incidents_links_them(engine: Engine, org: Org) -> None:
    tickets = [incident(engine, org), incident(engine, org, "Jam on floor 2")]
    problem_id = create_problem(
        engine, ProblemDraft(title="Printer jams"), org.bob, NOW, incident_ids=tickets
    )
    assert [ticket(engine, t).problem_id for t in tickets] == [problem_id, problem_id]
    assert history(engine, problem_id) == [
        "created the problem",
        "linked incident HQ-000001",
        "linked incident HQ-000002",
    ]


def test_unlinking_an_incident(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    ticket_id = incident(engine, org)
    link_incidents(engine, problem_id, [ticket_id], org.bob, minutes(1))
    unlink_incident(engine, problem_id, ticket_id, org.bob, minutes(2))
    assert ticket(engine, ticket_id).problem_id is None
    events = ticket_events(engine, ticket_id, EventKind.PROBLEM_LINKED)
    assert [(e.old_value, e.new_value) for e in events] == [("", "PRB-000001"), ("PRB-000001", "")]
    assert history(engine, problem_id)[-1] == "unlinked incident HQ-000001"
    with pytest.raises(ValidationError, match="HQ-000001 is not an incident of PRB-000001"):
        unlink_incident(engine, problem_id, ticket_id, org.bob, minutes(3))


# -- resolving with the incidents --------------------------------------------------------------


def _incidents_in_every_state(engine: Engine, org: Org) -> dict[str, uuid.UUID]:
    """Four incidents linked to one problem: new, waiting on the caller, resolved, closed."""
    found = {name: incident(engine, org, f"Printer jams ({name})") for name in ("new", "waiting")}
    found["resolved"] = incident(engine, org, "Printer jams (resolved)")
    found["closed"] = incident(engine, org, "Printer jams (closed)")
    change_status(engine, found["waiting"], 1, TicketStatus.WAITING_CALLER, org.ann, now=NOW)
    for name in ("resolved", "closed"):
        change_status(engine, found[name], 1, TicketStatus.RESOLVED, org.ann, "Reset", now=NOW)
    change_status(engine, found["closed"], 2, TicketStatus.CLOSED, org.bob, now=NOW)
    return found


def test_resolving_resolves_the_open_incidents_with_a_note(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    tickets = _incidents_in_every_state(engine, org)
    link_incidents(engine, problem_id, list(tickets.values()), org.bob, minutes(1))
    before = {name: ticket(engine, t) for name, t in tickets.items()}
    resolved = resolve_problem(
        engine,
        problem_id,
        org.bob,
        minutes(2),
        fix_note="Rollers replaced",
        resolve_incidents=True,
    )
    assert resolved == ("HQ-000001", "HQ-000002")
    for name in ("new", "waiting"):
        detail = get_ticket(engine, tickets[name])
        assert (detail.status, detail.resolved_at) == (TicketStatus.RESOLVED, minutes(2))
        assert detail.version == before[name].version + 1
        assert detail.first_response_at is not None
        note = detail.events[-1]
        assert (note.kind, note.actor) == (EventKind.NOTE, "Bob Tech")
        assert note.note == (
            "Resolved with problem PRB-000001 (Printer on floor 2 jams): Rollers replaced"
        )
    assert ticket(engine, tickets["waiting"]).waiting_since is None  # the clock resumed
    for name in ("resolved", "closed"):
        assert ticket(engine, tickets[name]).version == before[name].version
    after = problem_detail(engine, problem_id, LATER)
    assert (after.status, after.resolved_at) == (P.RESOLVED, minutes(2))
    assert after.events[-2].text == "resolved its open incidents HQ-000001, HQ-000002"
    assert after.events[-1].text == "status: New → Resolved"
    assert after.events[-1].note == "Rollers replaced"


def test_resolving_alone_leaves_the_incidents(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org, permanent_fix="Rollers replaced")
    ticket_id = incident(engine, org)
    link_incidents(engine, problem_id, [ticket_id], org.bob, minutes(1))
    assert (
        resolve_problem(
            engine, problem_id, org.bob, minutes(2), fix_note="", resolve_incidents=False
        )
        == ()
    )
    assert (stored(engine, problem_id).status, ticket(engine, ticket_id).status) == (
        P.RESOLVED,
        TicketStatus.NEW,
    )


def test_one_incident_that_cannot_be_resolved_stops_them_all(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the ticket workflow to refuse resolving a ticket waiting on its caller, the
    problem and every incident stay as they were, and the message names that one."""
    problem_id = problem(engine, org)
    tickets = _incidents_in_every_state(engine, org)
    link_incidents(engine, problem_id, list(tickets.values()), org.bob, minutes(1))
    real = records.find_transition

    def stricter(current: TicketStatus, target: TicketStatus) -> Any:
        return None if current == TicketStatus.WAITING_CALLER else real(current, target)

    monkeypatch.setattr(records, "find_transition", stricter)
    with pytest.raises(TransitionError) as refused:
        resolve_problem(
            engine, problem_id, org.bob, minutes(2), fix_note="Fixed", resolve_incidents=True
        )
    assert "HQ-000002 is waiting on caller, which cannot be resolved" in str(refused.value)
    assert "HQ-000001" not in str(refused.value)
    assert stored(engine, problem_id).status == P.NEW
    assert ticket(engine, tickets["new"]).status == TicketStatus.NEW
    assert ticket(engine, tickets["waiting"]).status == TicketStatus.WAITING_CALLER


def test_resolving_needs_a_fix_or_a_note(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    ticket_id = incident(engine, org)
    link_incidents(engine, problem_id, [ticket_id], org.bob, minutes(1))
    with pytest.raises(ValidationError) as refused:
        resolve_problem(engine, problem_id, org.bob, LATER, fix_note=" ", resolve_incidents=True)
    assert set(refused.value.problems) == {"note"}
    assert ticket(engine, ticket_id).status == TicketStatus.NEW


# -- who may --------------------------------------------------------------------------------


def test_only_technicians_and_above_work_on_problems(engine: Engine, org: Org) -> None:
    problem_id = problem(engine, org)
    ticket_id = incident(engine, org)
    attempts = [
        lambda: create_problem(engine, ProblemDraft(title="Mine"), org.ann, NOW),
        lambda: update_problem(engine, problem_id, {"title": "Mine"}, org.ann, LATER, 1),
        lambda: change_problem_status(engine, problem_id, P.INVESTIGATING, org.ann, LATER, 1),
        lambda: link_incidents(engine, problem_id, [ticket_id], org.ann, LATER),
        lambda: add_problem_note(engine, problem_id, "Mine", org.ann, LATER),
        lambda: resolve_problem(
            engine, problem_id, org.ann, LATER, fix_note="Mine", resolve_incidents=True
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert str(refused.value) == refusal(Action.MANAGE_PROBLEMS)
    assert problem_count(engine) == 1
    assert ticket(engine, ticket_id).problem_id is None
    assert history(engine, problem_id) == ["created the problem"]
    link_incidents(engine, problem_id, [ticket_id], org.mia, LATER)
    assert ticket(engine, ticket_id).problem_id == problem_id


# -- the detail ------------------------------------------------------------------------------


def test_the_detail_shows_incidents_weeks_and_callers(engine: Engine, org: Org) -> None:
    problem_id = create_problem(engine, ProblemDraft(title="Printer jams"), org.bob, NOW)
    bea = Caller(name="Bea Berg", site_id=org.hq)
    add_rows(engine, bea)
    three_weeks_ago = NOW - timedelta(weeks=3)
    tickets = [
        incident(engine, org, "Jam 1", three_weeks_ago),
        incident(engine, org, "Jam 2", three_weeks_ago + timedelta(hours=1), bea.id),
        incident(engine, org, "Jam 3", NOW - timedelta(weeks=1), org.zoe),
        incident(engine, org, "Jam 4", NOW, bea.id),
        incident(engine, org, "Jam 5", NOW, bea.id),
    ]
    link_incidents(engine, problem_id, tickets, org.bob, minutes(1))
    change_status(engine, tickets[0], 2, TicketStatus.RESOLVED, org.ann, "Cleared", now=LATER)
    detail = problem_detail(engine, problem_id, LATER)
    assert [i.summary for i in detail.incidents] == ["Jam 5", "Jam 4", "Jam 3", "Jam 2", "Jam 1"]
    newest = detail.incidents[0]
    assert (newest.number, newest.caller_name, newest.site_code) == ("HQ-000004", "Bea Berg", "HQ")
    assert (newest.status_label, newest.created_at) == ("New", NOW)
    assert detail.incidents[2].site_code == "NY"  # Zoe's ticket is at her site
    assert detail.incidents[-1].status_label == "Resolved"
    assert detail.open_incidents == 4
    monday = date(2026, 11, 23)
    assert detail.weekly == tuple(
        WeekCount(monday - timedelta(weeks=n), count)
        for n, count in ((3, 2), (2, 0), (1, 1), (0, 2))
    )
    assert [(c.name, c.incidents) for c in detail.callers] == [
        ("Bea Berg", 3),
        ("Alice Müller", 1),
        ("Zoe O'Brien", 1),
    ]
    assert detail.callers[0].id == bea.id


def test_weeks_run_over_the_problems_life_at_most_half_a_year() -> None:
    young = weekly_counts([], NOW - timedelta(days=1), NOW)  # since Monday
    assert young == (WeekCount(date(2026, 11, 23), 0),)
    old = NOW - timedelta(weeks=60)
    long_lived = weekly_counts([old, NOW], old, NOW)
    assert len(long_lived) == WEEKS_SHOWN
    assert long_lived[-1] == WeekCount(date(2026, 11, 23), 1)
    assert sum(w.incidents for w in long_lived) == 1  # the old one is off the chart


# -- the list --------------------------------------------------------------------------------


def _listed(engine: Engine, f: ProblemFilter, sort: ProblemSort | None = None) -> list[str]:
    rows = ProblemQuery(engine).page(f, sort or ProblemSort(), 0, 50, total=None, now=NOW)
    return [row.title for row in rows]


def _list_of_four(engine: Engine, org: Org) -> dict[str, uuid.UUID]:
    """Four problems: Alpha (P2, Bob's, due 1 Dec), Beta (P1, resolved), Gamma (P4,
    investigating, due 28 Nov) and Delta (P3, nobody's, two incidents)."""
    found = {
        "Alpha": problem(
            engine,
            org,
            "Alpha printer jams",
            priority=Priority.HIGH,
            owner_id=org.bob,
            target_date=date(2026, 12, 1),
        ),
        "Beta": problem(
            engine, org, "Beta VPN drops", priority=Priority.CRITICAL, permanent_fix="Patched"
        ),
        "Gamma": problem(
            engine,
            org,
            "Gamma printer toner",
            priority=Priority.LOW,
            owner_id=org.mia,
            target_date=date(2026, 11, 28),
        ),
        "Delta": problem(engine, org, "Delta mail delays"),
    }
    change_problem_status(engine, found["Beta"], P.RESOLVED, org.bob, minutes(1), 1)
    change_problem_status(engine, found["Gamma"], P.INVESTIGATING, org.bob, minutes(2), 1)
    link_incidents(
        engine, found["Delta"], [incident(engine, org), incident(engine, org)], org.bob, minutes(3)
    )
    return found


def test_the_list_filters(engine: Engine, org: Org) -> None:
    _list_of_four(engine, org)
    query = ProblemQuery(engine)
    everything = frozenset(ProblemStatus)
    assert _listed(engine, ProblemFilter()) == [
        "Delta mail delays",
        "Gamma printer toner",
        "Alpha printer jams",
    ]
    assert query.count(ProblemFilter(), NOW) == 3
    assert query.count(ProblemFilter(statuses=everything), NOW) == 4
    assert _listed(engine, ProblemFilter(statuses=frozenset({P.RESOLVED}))) == ["Beta VPN drops"]
    assert _listed(engine, ProblemFilter(owner=org.bob)) == ["Alpha printer jams"]
    assert _listed(engine, ProblemFilter(owner="unowned")) == ["Delta mail delays"]
    assert _listed(
        engine,
        ProblemFilter(statuses=everything, priorities=frozenset({Priority.CRITICAL, Priority.LOW})),
    ) == ["Gamma printer toner", "Beta VPN drops"]
    assert _listed(engine, ProblemFilter(text="PRINTER")) == [
        "Gamma printer toner",
        "Alpha printer jams",
    ]
    assert _listed(engine, ProblemFilter(text="jams printer")) == ["Alpha printer jams"]
    assert _listed(engine, ProblemFilter(text="printer 100%")) == []
    for number in ("PRB-000003", "prb3", "3"):
        assert _listed(engine, ProblemFilter(text=number)) == ["Gamma printer toner"]
    assert {P.NEW, P.INVESTIGATING, P.ROOT_CAUSE_KNOWN, P.KNOWN_ERROR} == OPEN_PROBLEM_STATUSES


def test_the_list_rows_and_sorts(engine: Engine, org: Org) -> None:
    _list_of_four(engine, org)
    every = ProblemFilter(statuses=frozenset(ProblemStatus))
    query = ProblemQuery(engine)
    rows = {row.title: row for row in query.page(every, ProblemSort(), 0, 10, total=4, now=NOW)}
    alpha, delta = rows["Alpha printer jams"], rows["Delta mail delays"]
    assert (alpha.reference, alpha.owner_name, alpha.status) == ("PRB-000001", "Bob Tech", P.NEW)
    assert (alpha.priority, alpha.target_date, alpha.incidents) == (
        Priority.HIGH,
        date(2026, 12, 1),
        0,
    )
    assert (delta.owner_name, delta.incidents, delta.updated_at) == ("", 2, minutes(3))
    assert rows["Gamma printer toner"].overdue(date(2026, 11, 29))
    assert not alpha.overdue(date(2026, 11, 29))
    assert not rows["Beta VPN drops"].overdue(date(2027, 1, 1))  # resolved: no target left

    def order(column: ProblemColumn, descending: bool = False) -> list[str]:
        return [t.split()[0] for t in _listed(engine, every, ProblemSort(column, descending))]

    assert order(ProblemColumn.NUMBER) == ["Alpha", "Beta", "Gamma", "Delta"]
    assert order(ProblemColumn.NUMBER, True) == ["Delta", "Gamma", "Beta", "Alpha"]
    assert order(ProblemColumn.PRIORITY) == ["Beta", "Alpha", "Delta", "Gamma"]
    assert order(ProblemColumn.STATUS) == ["Alpha", "Delta", "Gamma", "Beta"]
    assert order(ProblemColumn.TARGET) == ["Gamma", "Alpha", "Beta", "Delta"]  # none last
    assert order(ProblemColumn.TARGET, True) == ["Alpha", "Gamma", "Delta", "Beta"]
    assert order(ProblemColumn.UPDATED, True) == ["Delta", "Gamma", "Beta", "Alpha"]
    second_page = query.page(
        every, ProblemSort(ProblemColumn.NUMBER, False), 2, 2, total=4, now=NOW
    )
    assert [r.number for r in second_page] == [3, 4]


def test_the_list_sees_every_change(engine: Engine, org: Org) -> None:
    query = ProblemQuery(engine)
    tokens = [query.change_token()]
    problem_id = problem(engine, org)
    tokens.append(query.change_token())
    link_incidents(engine, problem_id, [incident(engine, org)], org.bob, LATER)
    tokens.append(query.change_token())
    add_problem_note(engine, problem_id, "Seen", org.bob, LATER)
    tokens.append(query.change_token())
    assert len(set(tokens)) == 4
    assert not query.depends_on_now(ProblemFilter())
