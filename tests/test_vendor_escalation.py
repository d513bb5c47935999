"""Escalating a ticket to a vendor (app/vendors/escalation.py): the vendor's answer due in the
contract's support hours (or on the clock, or not at all), the ticket waiting on the vendor
with its events and its SLA clock still running, a case number of another ticket refused by
name with nothing saved, the vendor's answer, the overdue answers, and the vendors
suggested from the asset's and the category's contracts."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.errors import ConflictError, PermissionDenied, TransitionError, ValidationError
from app.tickets.actions import TicketDraft, change_status, create_ticket
from app.vendors.coverage import CoverMatch
from app.vendors.directory import VendorDraft, save_vendor
from app.vendors.escalation import (
    VendorEscalationDraft,
    escalate_to_vendor,
    escalations,
    overdue_vendor_responses,
    record_vendor_response,
    vendor_response_due,
    vendor_suggestions,
)
from models.engine import read_session, write_session
from models.enums import EventKind, TicketStatus
from models.org import Category
from models.tickets import Ticket, TicketEvent
from models.vendors import Contract, VendorEscalation
from tests.conftest import NOW, Org
from tests.test_vendors import add_contract, add_vendor

FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 16:00 in London (GMT)
TODAY = date(2026, 11, 24)


def open_ticket(engine: Engine, org: Org, summary: str = "Laptop will not start") -> Ticket:
    """A ticket about Alice's laptop in Printing, routed to the desk: Assigned."""
    detail = create_ticket(
        engine,
        TicketDraft(
            summary=summary,
            site_id=org.hq,
            caller_id=org.alice,
            asset_id=org.laptop,
            category_id=org.printing,
        ),
        org.ann,
        NOW,
    )
    return ticket_row(engine, detail.id)


def ticket_row(engine: Engine, ticket_id: uuid.UUID) -> Ticket:
    with read_session(engine) as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket


def events_of(engine: Engine, ticket_id: uuid.UUID) -> list[TicketEvent]:
    with read_session(engine) as session:
        return list(
            session.execute(
                select(TicketEvent)
                .where(col(TicketEvent.ticket_id) == ticket_id)
                .order_by(col(TicketEvent.at), col(TicketEvent.kind))
            ).scalars()
        )


def escalation_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(VendorEscalation)).scalar_one()


def escalate(
    engine: Engine,
    org: Org,
    ticket: Ticket,
    vendor_id: uuid.UUID,
    contract_id: uuid.UUID | None = None,
    now: datetime = FRIDAY_4PM,
    **more: Any,
) -> Ticket:
    """Bob escalates ``ticket`` as he last saw it."""
    values: dict[str, Any] = {"case_number": "CS-1", "contact": "Jane Roe", **more}
    escalate_to_vendor(
        engine,
        ticket.id,
        VendorEscalationDraft(vendor_id, contract_id, **values),
        org.bob,
        now,
        ticket.version,
    )
    return ticket_row(engine, ticket.id)


# -- the answer's due time ----------------------------------------------------------------------
def test_four_business_hours_from_friday_afternoon_are_monday_morning(
    engine: Engine, org: Org
) -> None:
    acme = add_vendor(engine, org)
    contract_id = add_contract(engine, org, acme, response_minutes=240)
    ticket = escalate(engine, org, open_ticket(engine, org), acme, contract_id)
    # Friday 16:00-18:00 is two hours; Monday 08:00-10:00 the other two (London = UTC in Nov).
    monday_10 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert ticket.vendor_due_at == monday_10
    [row] = escalations(engine, ticket.id)
    assert row.response_due_at == monday_10 and row.contract_number == "SC-1"


def test_support_hours_are_counted_on_the_contracts_own_clock(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    contract_id = add_contract(
        engine,
        org,
        acme,
        timezone="America/New_York",
        support_hours={str(day): ["09:00", "17:00"] for day in range(5)},
        response_minutes=60,
    )
    with read_session(engine) as session:
        contract = session.get(Contract, contract_id)
    # Friday 16:00 in London is 11:00 in New York: an hour later, at 12:00 there (17:00 UTC).
    assert vendor_response_due(contract, FRIDAY_4PM) == datetime(2026, 11, 27, 17, tzinfo=UTC)


def test_around_the_clock_and_no_response_time(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    always = add_contract(engine, org, acme, number="24x7", around_the_clock=True)
    silent = add_contract(engine, org, acme, number="BEST", response_minutes=None)
    with read_session(engine) as session:
        contracts = {c.number: c for c in session.execute(select(Contract)).scalars()}
    assert vendor_response_due(contracts["24x7"], FRIDAY_4PM) == FRIDAY_4PM + timedelta(hours=4)
    assert vendor_response_due(contracts["BEST"], FRIDAY_4PM) is None
    assert vendor_response_due(None, FRIDAY_4PM) is None
    first = escalate(engine, org, open_ticket(engine, org), acme, always)
    assert first.vendor_due_at == FRIDAY_4PM + timedelta(hours=4)
    second = escalate(engine, org, open_ticket(engine, org), acme, silent, case_number="CS-2")
    assert second.vendor_due_at is None
    third = escalate(engine, org, open_ticket(engine, org), acme, None, case_number="CS-3")
    assert third.vendor_due_at is None
    assert escalations(engine, third.id)[0].contract_number == ""


# -- escalating ---------------------------------------------------------------------------------
def test_the_ticket_waits_on_the_vendor_with_its_events(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    contract_id = add_contract(engine, org, acme)
    before = open_ticket(engine, org)
    assert before.status == TicketStatus.ASSIGNED and before.first_response_at is None
    detail = escalate_to_vendor(
        engine,
        before.id,
        VendorEscalationDraft(acme, contract_id, " CS-4512 ", "Jane  Roe", "Dead on power-up."),
        org.bob,
        FRIDAY_4PM,
        before.version,
    )
    assert detail.status == TicketStatus.WAITING_VENDOR and detail.version == before.version + 1
    ticket = ticket_row(engine, before.id)
    # Escalating is staff acting: the first response. Waiting on a vendor does not pause
    # the SLA clock (only waiting on the caller does): it runs on to the resolution target.
    assert ticket.first_response_at == FRIDAY_4PM
    assert ticket.waiting_since is None and ticket.paused_minutes == 0
    assert ticket.sla_due_at == ticket.resolution_due_at is not None
    new = [e for e in events_of(engine, before.id) if e.at == FRIDAY_4PM]
    assert [(e.kind, e.field, e.old_value, e.new_value) for e in new] == [
        (EventKind.STATUS_CHANGED, "status", "Assigned", "Waiting on vendor"),
        (EventKind.VENDOR_ESCALATED, "vendor", "", "Acme Hardware, case CS-4512"),
    ]
    assert all(e.actor_id == org.bob and e.ticket_version == ticket.version for e in new)
    assert new[1].note == (
        "Escalated to Acme Hardware, case CS-4512 (contact Jane Roe), under contract SC-1: "
        "their answer is due by Mon 30 Nov 2026 10:00 (Europe/London).\nDead on power-up."
    )
    [row] = escalations(engine, before.id)
    assert (row.vendor_name, row.case_number, row.contact, row.escalated_by) == (
        "Acme Hardware",
        "CS-4512",
        "Jane Roe",
        "Bob Tech",
    )
    assert (row.escalated_at, row.responded_at, row.ended_at) == (FRIDAY_4PM, None, None)
    assert row.note == "Dead on power-up."


def test_a_case_number_of_another_ticket_is_refused_by_name(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    zebra = add_vendor(engine, org, "Zebra Print")
    first = escalate(engine, org, open_ticket(engine, org), acme, case_number="CS-77")
    second = open_ticket(engine, org, "Printer jams")
    before = (escalation_count(engine), len(events_of(engine, second.id)))
    with pytest.raises(ValidationError) as refused:
        escalate(engine, org, second, acme, case_number="cs-77")
    assert refused.value.problems == {
        "case_number": f"Acme Hardware's case cs-77 is already recorded on ticket "
        f"{first.number}; check the case number they gave, or work on {first.number} instead."
    }
    assert (escalation_count(engine), len(events_of(engine, second.id))) == before
    unchanged = ticket_row(engine, second.id)
    assert unchanged.status == TicketStatus.ASSIGNED and unchanged.version == second.version
    assert unchanged.vendor_due_at is None
    # Another vendor's case numbers are theirs; the same case again on the same ticket is said.
    escalate(engine, org, second, zebra, case_number="CS-77")
    again = ticket_row(engine, first.id)
    with pytest.raises(ValidationError) as refused:
        escalate(engine, org, again, acme, case_number="CS-77")
    assert refused.value.problems == {
        "case_number": "Acme Hardware's case CS-77 is already recorded on this ticket; check "
        "the case number they gave."
    }


def test_a_case_recorded_meanwhile_elsewhere_is_refused_whole(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workstations record one case at once (the check before the insert saw neither):
    the database's unique rule refuses the second, and nothing of it is saved."""
    acme = add_vendor(engine, org)
    escalate(engine, org, open_ticket(engine, org), acme, case_number="CS-77")
    monkeypatch.setattr("app.vendors.escalation._check_case_free", lambda *_args: None)
    second = open_ticket(engine, org, "Printer jams")
    with pytest.raises(ValidationError) as refused:
        escalate(engine, org, second, acme, case_number="CS-77")
    assert refused.value.problems == {
        "case_number": "Acme Hardware's case CS-77 was recorded on another ticket a moment "
        "ago; check the case number they gave."
    }
    assert escalation_count(engine) == 1
    assert ticket_row(engine, second.id).version == second.version


def test_every_problem_with_the_draft_is_named_and_nothing_saved(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    zebra = add_vendor(engine, org, "Zebra Print")
    zebras = add_contract(engine, org, zebra, number="Z-1")
    ended = add_contract(engine, org, acme, number="OLD", ends_on=date(2026, 10, 31))
    ticket = open_ticket(engine, org)
    before = (escalation_count(engine), len(events_of(engine, ticket.id)))
    with pytest.raises(ValidationError) as refused:
        escalate(engine, org, ticket, acme, zebras, case_number=" ", contact="x" * 201)
    assert refused.value.problems == {
        "case_number": "Give the vendor's case number for this call (their reference, such as "
        "CS-004512); ask them for it first.",
        "contact": "Keep the contact to 200 characters; put more in the note.",
        "contract_id": "Contract Z-1 is with Zebra Print, not Acme Hardware; choose one of Acme "
        "Hardware's contracts, or none.",
    }
    with pytest.raises(ValidationError) as refused:
        escalate(engine, org, ticket, acme, ended)
    assert refused.value.problems == {
        "contract_id": "Contract OLD ended on 31 Oct 2026; escalate without a contract, or "
        "choose a current one."
    }
    save_vendor(engine, org.mia, VendorDraft(name="Zebra Print", active=False), zebra)
    with pytest.raises(ValidationError) as refused:
        escalate(engine, org, ticket, zebra)
    assert "Zebra Print is marked inactive" in refused.value.problems["vendor_id"]
    with pytest.raises(ValidationError) as refused:
        escalate(engine, org, ticket, uuid.uuid4())
    assert "That vendor is not on this database" in refused.value.problems["vendor_id"]
    assert (escalation_count(engine), len(events_of(engine, ticket.id))) == before
    assert ticket_row(engine, ticket.id).version == ticket.version


def test_the_workflow_and_the_roles_decide_who_escalates_what(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    with pytest.raises(PermissionDenied):  # operators log calls; technicians escalate
        escalate_to_vendor(
            engine,
            (ticket := open_ticket(engine, org)).id,
            VendorEscalationDraft(acme, None, "CS-1"),
            org.ann,
            FRIDAY_4PM,
            ticket.version,
        )
    fresh = create_ticket(engine, TicketDraft(summary="No team yet", site_id=org.hq), org.ann)
    assert fresh.status == TicketStatus.NEW
    with pytest.raises(TransitionError) as refused:
        escalate(engine, org, ticket_row(engine, fresh.id), acme)
    assert str(refused.value) == (
        f"{fresh.number} is New: assign it or start work on it before escalating it to a vendor."
    )
    resolved = change_status(
        engine, ticket.id, ticket.version, TicketStatus.RESOLVED, org.bob, "Fixed it"
    )
    with pytest.raises(TransitionError) as refused:
        escalate(engine, org, ticket_row(engine, resolved.id), acme)
    assert "is Resolved: reopen it before" in str(refused.value)
    assert escalation_count(engine) == 0
    with pytest.raises(ConflictError):  # saved over someone else's change
        escalate(engine, org, ticket, acme)


def test_handing_the_ticket_to_another_vendor_ends_the_first(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    zebra = add_vendor(engine, org, "Zebra Print")
    contract_id = add_contract(engine, org, zebra, around_the_clock=True)
    first = escalate(engine, org, open_ticket(engine, org), acme, case_number="A-1")
    later = FRIDAY_4PM + timedelta(hours=1)
    second = escalate(engine, org, first, zebra, contract_id, now=later, case_number="Z-9")
    assert second.status == TicketStatus.WAITING_VENDOR  # it stays: no status event
    assert second.vendor_due_at == later + timedelta(hours=4)
    old, new = escalations(engine, first.id)
    assert (old.case_number, old.ended_at) == ("A-1", later)
    assert (new.case_number, new.ended_at) == ("Z-9", None)
    kinds = [e.kind for e in events_of(engine, first.id) if e.at == later]
    assert kinds == [EventKind.VENDOR_ESCALATED]


# -- the answer ---------------------------------------------------------------------------------
def test_the_vendors_answer_clears_the_due_time(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    contract_id = add_contract(engine, org, acme)
    ticket = escalate(engine, org, open_ticket(engine, org), acme, contract_id)
    answered = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    detail = record_vendor_response(
        engine, ticket.id, org.bob, answered, " Engineer on Tuesday. ", ticket.version
    )
    assert detail.status == TicketStatus.WAITING_VENDOR  # an answer is not a fix
    after = ticket_row(engine, ticket.id)
    assert after.vendor_due_at is None and after.version == ticket.version + 1
    [row] = escalations(engine, ticket.id)
    assert row.responded_at == answered and row.response_due_at is not None
    [event] = [e for e in events_of(engine, ticket.id) if e.at == answered]
    assert (event.kind, event.new_value, event.note) == (
        EventKind.VENDOR_RESPONDED,
        "Acme Hardware, case CS-1",
        "Engineer on Tuesday.",
    )
    with pytest.raises(ValidationError) as refused:
        record_vendor_response(engine, ticket.id, org.bob, answered, "Again", after.version)
    assert refused.value.problems["ticket"] == (
        "Acme Hardware's answer on case CS-1 was recorded already (30 Nov 2026 09:15 UTC); "
        "add what they say now as a note."
    )
    with pytest.raises(ValidationError) as refused:
        record_vendor_response(engine, ticket.id, org.bob, answered, "  ", after.version)
    assert refused.value.problems == {"note": "Say what the vendor answered."}


def test_no_answer_is_recorded_for_a_ticket_never_escalated(engine: Engine, org: Org) -> None:
    ticket = open_ticket(engine, org)
    with pytest.raises(ValidationError) as refused:
        record_vendor_response(engine, ticket.id, org.bob, FRIDAY_4PM, "Hello", ticket.version)
    assert refused.value.problems["ticket"].startswith(f"{ticket.number} is not escalated")
    assert ticket_row(engine, ticket.id).version == ticket.version


def test_overdue_answers_are_flagged_until_answered_or_resolved(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    contract_id = add_contract(engine, org, acme, around_the_clock=True, response_minutes=60)
    late = escalate(engine, org, open_ticket(engine, org, "Late"), acme, contract_id)
    early = escalate(
        engine,
        org,
        open_ticket(engine, org, "Early"),
        acme,
        contract_id,
        now=FRIDAY_4PM - timedelta(minutes=30),
        case_number="CS-2",
    )
    unpromised = escalate(engine, org, open_ticket(engine, org), acme, case_number="CS-3")
    assert unpromised.vendor_due_at is None
    assert overdue_vendor_responses(engine, FRIDAY_4PM + timedelta(minutes=20)) == []
    later = FRIDAY_4PM + timedelta(hours=2)
    flagged = overdue_vendor_responses(engine, later)
    assert [(o.number, o.summary, o.vendor_name, o.case_number) for o in flagged] == [
        (early.number, "Early", "Acme Hardware", "CS-2"),
        (late.number, "Late", "Acme Hardware", "CS-1"),
    ]
    assert flagged[0].due_at == FRIDAY_4PM + timedelta(minutes=30)
    record_vendor_response(engine, late.id, org.bob, later, "On it", late.version)
    change_status(engine, early.id, early.version, TicketStatus.RESOLVED, org.bob, "Fixed", later)
    # Resolved without the vendor's answer: their answer is no longer awaited.
    assert ticket_row(engine, early.id).vendor_due_at is None
    assert overdue_vendor_responses(engine, later + timedelta(days=3)) == []


# -- suggestions --------------------------------------------------------------------------------
def test_vendors_are_suggested_from_the_asset_then_the_category(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    zebra = add_vendor(engine, org, "Zebra Print")
    retired = add_vendor(engine, org, "Gone Ltd")
    add_contract(engine, org, zebra, number="PR-1", category_ids=frozenset({org.printing}))
    add_contract(engine, org, acme, number="HW-1", asset_ids=frozenset({org.laptop}))
    add_contract(engine, org, acme, number="HW-0", asset_ids=frozenset({org.laptop}), ends_on=TODAY)
    add_contract(engine, org, retired, number="X", asset_ids=frozenset({org.laptop}))
    save_vendor(engine, org.mia, VendorDraft(name="Gone Ltd", active=False), retired)
    ticket = open_ticket(engine, org)
    offered = vendor_suggestions(engine, ticket.id, TODAY)
    assert [(s.vendor_name, s.number, s.match) for s in offered] == [
        ("Acme Hardware", "HW-1", CoverMatch.ASSET),
        ("Acme Hardware", "HW-0", CoverMatch.ASSET),
        ("Zebra Print", "PR-1", CoverMatch.CATEGORY),
    ]
    tomorrow = vendor_suggestions(engine, ticket.id, TODAY + timedelta(days=1))
    assert [s.number for s in tomorrow] == ["HW-1", "PR-1"]
    with write_session(engine) as session:
        jam = Category(name="Paper jam", parent_id=org.printing)
        session.add(jam)
        session.flush()
        jam_id = jam.id
    bare = create_ticket(
        engine, TicketDraft(summary="Jam", site_id=org.hq, category_id=jam_id), org.ann
    )
    [parent] = vendor_suggestions(engine, bare.id, TODAY)
    assert (parent.number, parent.match, parent.matched) == (
        "PR-1",
        CoverMatch.PARENT_CATEGORY,
        "Printing",
    )
    none = create_ticket(engine, TicketDraft(summary="Other", site_id=org.hq), org.ann)
    assert vendor_suggestions(engine, none.id, TODAY) == []
