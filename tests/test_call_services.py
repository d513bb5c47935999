"""The use cases behind call intake, without a window, on every configured back end: the
caller card (app/callers/card.py), quick-create (app/callers/quick_create.py) and call records
(app/calls/records.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.callers.card import REPEAT_TICKETS, CallerNotFound, load_card
from app.callers.lookup import lookup
from app.callers.quick_create import NewCaller, create_caller, suggest_site
from app.calls.records import CallRecord, record_call
from app.errors import ValidationError
from app.tickets.actions import TicketDraft, change_status, create_ticket
from models.engine import read_session, write_session
from models.enums import TicketStatus
from models.people import Asset, Caller, CallerPhone
from models.tickets import Call
from tests.conftest import Org

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday in business hours


def ticket(engine: Engine, org: Org, summary: str, at: datetime, **fields: object) -> uuid.UUID:
    draft = TicketDraft(summary=summary, caller_id=org.alice, **fields)  # type: ignore[arg-type]
    return create_ticket(engine, draft, org.ann, now=at).id


def test_card_shows_contact_site_assets_and_notes(engine: Engine, org: Org) -> None:
    with write_session(engine) as s:
        alice = s.get(Caller, org.alice)
        assert alice is not None
        alice.department, alice.notes, alice.employee_id = "Finance", "Prefers e-mail", "E042"
        s.add(CallerPhone(caller_id=org.alice, number="+44 20 7946 0018", digits="442079460018"))

    card = load_card(engine, org.alice, now=NOW)

    assert (card.name, card.email, card.department) == (
        "Alice Müller",
        "alice@example.org",
        "Finance",
    )
    assert card.employee_id == "E042" and card.notes == "Prefers e-mail"
    assert card.site_label == "HQ · Head office" and card.site_id == org.hq
    assert not card.vip
    assert [(p.number, p.label) for p in card.phones] == [("+44 20 7946 0018", "work")]
    assert [(a.tag, a.model) for a in card.assets] == [("LT-0001", "ThinkPad T14")]
    assert load_card(engine, org.zoe, now=NOW).vip


def test_card_lists_open_tickets_most_urgent_first_and_last_tickets_newest_first(
    engine: Engine, org: Org
) -> None:
    low = ticket(engine, org, "Mouse squeaks", NOW - timedelta(days=3), impact=3, urgency=3)
    urgent = ticket(engine, org, "Cannot log in", NOW - timedelta(days=2), impact=1, urgency=1)
    toner = create_ticket(engine, TicketDraft(summary="Toner", caller_id=org.alice), org.ann, NOW)
    done = toner.id
    change_status(engine, done, toner.version, TicketStatus.RESOLVED, org.ann, "Replaced", NOW)

    card = load_card(engine, org.alice, now=NOW)

    assert [t.id for t in card.open_tickets] == [urgent, low]
    assert card.open_count == 2
    assert [t.id for t in card.last_tickets] == [done, urgent, low]
    assert card.last_tickets[0].status is TicketStatus.RESOLVED


def test_repeat_caller_counts_tickets_of_the_last_30_days(engine: Engine, org: Org) -> None:
    ticket(engine, org, "Long ago", NOW - timedelta(days=45))
    for day in range(1, REPEAT_TICKETS):
        ticket(engine, org, f"Problem {day}", NOW - timedelta(days=day))
    assert not load_card(engine, org.alice, now=NOW).repeat_caller

    ticket(engine, org, "Again", NOW - timedelta(hours=1))

    card = load_card(engine, org.alice, now=NOW)
    assert card.recent_tickets == REPEAT_TICKETS and card.repeat_caller


def test_card_lists_last_calls_with_operator_and_ticket(engine: Engine, org: Org) -> None:
    linked = ticket(engine, org, "Printer jams", NOW - timedelta(minutes=5))
    for minutes, ticket_id in ((60, None), (10, linked)):
        start = NOW - timedelta(minutes=minutes)
        record_call(
            engine,
            CallRecord(start, start + timedelta(minutes=3), "0207", org.alice, org.ann, ticket_id),
            org.ann,
        )

    calls = load_card(engine, org.alice, now=NOW).last_calls

    assert [(c.operator_name, c.ticket_number) for c in calls] == [
        ("Ann Operator", "HQ-000001"),
        ("Ann Operator", None),
    ]
    assert calls[0].ended_at - calls[0].started_at == timedelta(minutes=3)  # type: ignore[operator]


def test_card_of_a_deleted_caller_says_so(engine: Engine, org: Org) -> None:
    with pytest.raises(CallerNotFound):
        load_card(engine, uuid.uuid4(), now=NOW)


def test_record_call_keeps_the_call_when_its_caller_or_ticket_went_away(
    engine: Engine, org: Org
) -> None:
    call_id = record_call(
        engine,
        CallRecord(NOW, NOW + timedelta(seconds=90), "555\x00 1234", uuid.uuid4(), org.ann),
        org.ann,
    )
    with read_session(engine) as s:
        call = s.get(Call, call_id)
        assert call is not None
        assert (call.caller_id, call.number, call.operator_id) == (None, "555 1234", org.ann)
        assert call.ended_at == NOW + timedelta(seconds=90)


def test_record_call_refuses_an_end_before_the_start(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as raised:
        record_call(engine, CallRecord(NOW, NOW - timedelta(seconds=1)), org.ann)
    assert "end before" in raised.value.problems["ended_at"]


def test_quick_create_adds_a_caller_found_by_the_number(engine: Engine, org: Org) -> None:
    caller_id = create_caller(
        engine,
        NewCaller(name="  Jean-Luc  Picard ", number="+1 (555) 123-4567", site_id=org.branch),
        org.ann,
    )

    hits = lookup(engine, "5551234567", now=NOW)
    assert [(h.id, h.name, h.site_code) for h in hits] == [(caller_id, "Jean-Luc Picard", "NY")]
    card = load_card(engine, caller_id, now=NOW)
    assert [p.number for p in card.phones] == ["+1 (555) 123-4567"]
    assert card.open_tickets == () and card.last_calls == ()


@pytest.mark.parametrize(
    ("new", "field", "words"),
    [
        (NewCaller(name="   "), "name", "Type the caller's name"),
        (NewCaller(name="x" * 170), "name", "at most 160"),
        (NewCaller(name="Kim", number="12"), "number", "at least three digits"),
        (NewCaller(name="Kim", email="kim at example"), "email", "not an e-mail address"),
        (NewCaller(name="Kim", email="ALICE@example.org"), "email", "Alice Müller already"),
        (NewCaller(name="Kim", site_id=uuid.uuid4()), "site", "no longer exists"),
    ],
)
def test_quick_create_says_what_is_wrong_and_writes_nothing(
    engine: Engine, org: Org, new: NewCaller, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        create_caller(engine, new, org.ann)
    assert words in raised.value.problems[field]
    with read_session(engine) as s:
        assert len(s.exec(select(Caller)).all()) == 2


def test_quick_create_stores_the_number_as_the_import_does(engine: Engine, org: Org) -> None:
    caller_id = create_caller(
        engine, NewCaller(name="Kim Lee", number="020 7946 0018", site_id=org.hq), org.ann
    )

    with read_session(engine) as s:
        phone = s.exec(select(CallerPhone).where(col(CallerPhone.caller_id) == caller_id)).one()
    assert (phone.number, phone.digits) == ("020 7946 0018", "442079460018")
    assert [h.id for h in lookup(engine, "+44 20 7946 0018", now=NOW)] == [caller_id]


def test_a_sites_own_phone_region_reads_its_numbers(engine: Engine, org: Org) -> None:
    """Paris has no holiday calendar but its phone region: a number typed there is French."""
    from models.org import Site

    with write_session(engine) as s:
        paris = Site(code="PA", name="Paris", phone_region="FR")
        s.add(paris)
        s.flush()
        paris_id = paris.id
    caller_id = create_caller(
        engine, NewCaller(name="Luc Martin", number="01 40 20 50 50", site_id=paris_id), org.ann
    )
    with read_session(engine) as s:
        phone = s.exec(select(CallerPhone).where(col(CallerPhone.caller_id) == caller_id)).one()
    assert phone.digits == "33140205050"
    assert [h.id for h in lookup(engine, "+33 1 40 20 50 50", now=NOW)] == [caller_id]
    assert suggest_site(engine, "+33 1 40 20 50 50") == paris_id


def test_quick_create_without_a_number_adds_no_phone(engine: Engine, org: Org) -> None:
    caller_id = create_caller(engine, NewCaller(name="Kim Lee", email="kim@example.org"), org.ann)
    with read_session(engine) as s:
        phones = s.exec(select(CallerPhone).where(col(CallerPhone.caller_id) == caller_id)).all()
        assets = s.exec(select(Asset).where(col(Asset.owner_id) == caller_id)).all()
    assert phones == [] and assets == []


@pytest.mark.parametrize(
    ("number", "site"),
    [
        ("+1 212 555 0199", "branch"),  # a US number: the New York site
        ("+44 161 496 0000", "hq"),  # a UK number: the London head office
        ("+33 1 40 20 50 50", "hq"),  # no French site: the site most callers belong to
        ("212 555 0199", "hq"),  # written nationally: the desk's own country, its home site
        ("", "hq"),
    ],
)
def test_quick_create_suggests_the_site_of_the_numbers_country(
    engine: Engine, org: Org, number: str, site: str
) -> None:
    with write_session(engine) as s:
        s.add(Caller(name="Kim Lee", site_id=org.hq))  # HQ has the most callers: two to one
    assert suggest_site(engine, number) == getattr(org, site)


def test_a_caller_added_without_a_site_gets_the_suggested_one(engine: Engine, org: Org) -> None:
    caller_id = create_caller(
        engine, NewCaller(name="Jo Park", number="+1 (555) 777-8888"), org.ann
    )
    with read_session(engine) as s:
        caller = s.get(Caller, caller_id)
    assert caller is not None and caller.site_id == org.branch


def test_resolved_on_the_call_names_every_problem_at_once(engine: Engine, org: Org) -> None:
    with write_session(engine) as s:
        nowhere = Caller(name="Kim Lee")  # a caller with no site
        s.add(nowhere)
        s.flush()
        caller_id = nowhere.id
    draft = TicketDraft(summary=" ", caller_id=caller_id, resolved_on_first_contact=True)

    with pytest.raises(ValidationError) as raised:
        create_ticket(engine, draft, org.ann, now=NOW)

    assert set(raised.value.problems) == {"summary", "resolution", "site"}
