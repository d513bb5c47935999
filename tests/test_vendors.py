"""Vendors and contracts (app/vendors/directory.py) and what they cover (app/vendors/coverage.py):
saved and read back with their audit rows, every broken rule refused at its field with nothing
saved, only managers keeping them; the contract covering an asset or a category on a day, an
asset's cover and warranty, and the contracts ending or inside their notice period."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlmodel import col

from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.vendors.coverage import CoverMatch, asset_cover, contract_for, contracts_ending
from app.vendors.directory import (
    ContractDraft,
    VendorDraft,
    contract_detail,
    list_contracts,
    list_vendors,
    save_contract,
    save_vendor,
    vendor_detail,
)
from models.audit import AuditEvent, AuditKind
from models.engine import read_session, write_session
from models.org import Category
from models.people import Asset
from models.vendors import Contract, ContractAsset, ContractCategory, Vendor
from tests.conftest import Org

TODAY = date(2026, 11, 24)  # conftest's NOW
WEEKDAYS_8_TO_6 = {str(day): ["08:00", "18:00"] for day in range(5)}


def add_vendor(engine: Engine, org: Org, name: str = "Acme Hardware", **more: Any) -> uuid.UUID:
    """A vendor saved by Mia the manager."""
    return save_vendor(engine, org.mia, VendorDraft(name=name, **more))


def contract_draft(vendor_id: uuid.UUID, **more: Any) -> ContractDraft:
    """A contract for 2026: Mon–Fri 08:00–18:00 in London, a 4-hour response."""
    values: dict[str, Any] = {
        "vendor_id": vendor_id,
        "number": "SC-1",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "title": "Laptop support",
        "support_hours": WEEKDAYS_8_TO_6,
        "timezone": "Europe/London",
        "response_minutes": 240,
        "resolution_minutes": 16 * 60,
        **more,
    }
    return ContractDraft(**values)


def add_contract(engine: Engine, org: Org, vendor_id: uuid.UUID, **more: Any) -> uuid.UUID:
    return save_contract(engine, org.mia, contract_draft(vendor_id, **more))


def counts(engine: Engine) -> tuple[int, ...]:
    """Rows of every vendor table and of the audit trail: a refused save changes none."""
    with read_session(engine) as session:
        return tuple(
            session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Vendor, Contract, ContractAsset, ContractCategory, AuditEvent)
        )


def audit_details(engine: Engine, kind: str) -> list[str]:
    with read_session(engine) as session:
        return list(
            session.execute(
                select(col(AuditEvent.detail))
                .where(col(AuditEvent.kind) == kind)
                .order_by(col(AuditEvent.at))
            ).scalars()
        )


# -- vendors ------------------------------------------------------------------------------------
def test_a_vendor_is_saved_listed_and_audited(engine: Engine, org: Org) -> None:
    vendor_id = add_vendor(
        engine,
        org,
        "  Acme   Hardware ",
        kind="Hardware",
        support_phone="+44 20 7946 0000",
        email="support@acme.example",
        portal_url="https://support.acme.example",
        account_number="ACC-991",
    )
    detail = vendor_detail(engine, vendor_id)
    assert detail.draft.name == "Acme Hardware"
    assert detail.draft.email == "support@acme.example" and detail.contracts == ()
    add_contract(engine, org, vendor_id)
    add_vendor(engine, org, "Zebra Networks", kind="ISP")
    rows = list_vendors(engine)
    assert [(r.name, r.kind, r.contracts, r.active) for r in rows] == [
        ("Acme Hardware", "Hardware", 1, True),
        ("Zebra Networks", "ISP", 0, True),
    ]
    assert audit_details(engine, AuditKind.VENDOR_CHANGED)[0] == (
        "Added vendor Acme Hardware: kind Hardware; support phone +44 20 7946 0000; "
        "e-mail support@acme.example; portal https://support.acme.example; our account ACC-991"
    )
    # A save that changes nothing writes nothing; a change is said in words.
    before = counts(engine)
    save_vendor(engine, org.mia, detail.draft, vendor_id)
    assert counts(engine) == before
    save_vendor(engine, org.mia, replace(detail.draft, kind="Printers", active=False), vendor_id)
    assert audit_details(engine, AuditKind.VENDOR_CHANGED)[-1] == (
        "Vendor Acme Hardware: kind Hardware → Printers; active yes → no"
    )
    assert not vendor_detail(engine, vendor_id).draft.active


def test_a_broken_vendor_is_refused_at_its_fields(engine: Engine, org: Org) -> None:
    add_vendor(engine, org, "Acme Hardware")
    before = counts(engine)
    with pytest.raises(ValidationError) as refused:
        save_vendor(
            engine,
            org.mia,
            VendorDraft(
                name="ACME hardware", email="support at acme", portal_url="support.acme.example"
            ),
        )
    problems = refused.value.problems
    assert problems["name"] == (
        "Acme Hardware is already on the vendor list; edit that vendor instead, or tell them apart."
    )
    assert "not an e-mail address" in problems["email"]
    assert "starting with https://" in problems["portal_url"]
    with pytest.raises(ValidationError) as refused:
        save_vendor(engine, org.mia, VendorDraft(name=" ", kind="x" * 41))
    assert set(refused.value.problems) == {"name", "kind"}
    assert counts(engine) == before


@pytest.mark.parametrize("who", ["ann", "bob"])
def test_only_managers_keep_vendors_and_contracts(engine: Engine, org: Org, who: str) -> None:
    vendor_id = add_vendor(engine, org)
    before = counts(engine)
    actor = getattr(org, who)
    with pytest.raises(PermissionDenied):
        save_vendor(engine, actor, VendorDraft(name="Other"))
    with pytest.raises(PermissionDenied):
        save_contract(engine, actor, contract_draft(vendor_id))
    assert counts(engine) == before


# -- contracts ----------------------------------------------------------------------------------
def test_a_contract_is_saved_with_what_it_covers(engine: Engine, org: Org) -> None:
    vendor_id = add_vendor(engine, org)
    contract_id = add_contract(
        engine,
        org,
        vendor_id,
        number=" SC-1 ",
        asset_ids=frozenset({org.laptop}),
        category_ids=frozenset({org.printing}),
        support_hours={**WEEKDAYS_8_TO_6, "5": ["9:00", "12:00"], "6": []},
        timezone="Europe/London",
        notice_days=60,
        cost=Decimal("1200.5"),
        currency="gbp",
    )
    detail = contract_detail(engine, contract_id)
    assert detail.vendor_name == "Acme Hardware"
    assert detail.draft.number == "SC-1"
    assert detail.draft.support_hours == {**WEEKDAYS_8_TO_6, "5": ["09:00", "12:00"]}
    assert detail.draft.hours_text == "Mon–Fri 08:00-18:00; Sat 09:00-12:00 (Europe/London)"
    assert detail.draft.cost == Decimal("1200.50") and detail.draft.currency == "GBP"
    assert [a.tag for a in detail.assets] == ["LT-0001"]
    assert [c.name for c in detail.categories] == ["Printing"]
    [row] = list_contracts(engine, vendor_id)
    assert (row.number, row.assets, row.categories, row.notice_days) == ("SC-1", 1, 1, 60)
    assert list_contracts(engine, uuid.uuid4()) == []
    assert audit_details(engine, AuditKind.CONTRACT_CHANGED) == [
        "Added contract SC-1 with Acme Hardware: title Laptop support; period 1 Jan 2026 – "
        "31 Dec 2026; assets LT-0001; categories Printing; support hours Mon–Fri 08:00-18:00; "
        "Sat 09:00-12:00 (Europe/London); response 4 h; resolution 16 h; notice 60 days; "
        "cost 1,200.50 GBP"
    ]


def test_changing_a_contract_replaces_what_it_covers(engine: Engine, org: Org) -> None:
    vendor_id = add_vendor(engine, org)
    with write_session(engine) as session:
        desktop = Asset(tag="PC-0002")
        session.add(desktop)
        session.flush()
        desktop_id = desktop.id
    contract_id = add_contract(engine, org, vendor_id, asset_ids=frozenset({org.laptop}))
    draft = contract_detail(engine, contract_id).draft
    save_contract(
        engine,
        org.mia,
        replace(
            draft,
            asset_ids=frozenset({desktop_id}),
            category_ids=frozenset({org.wan}),
            around_the_clock=True,
            ends_on=date(2027, 12, 31),
        ),
        contract_id,
    )
    detail = contract_detail(engine, contract_id)
    assert [a.tag for a in detail.assets] == ["PC-0002"]
    assert [c.name for c in detail.categories] == ["Network outage"]
    assert detail.draft.around_the_clock and detail.draft.support_hours == {}
    assert detail.draft.hours_text == "around the clock"
    assert audit_details(engine, AuditKind.CONTRACT_CHANGED)[-1] == (
        "Contract SC-1 (Acme Hardware): period 1 Jan 2026 – 31 Dec 2026 → 1 Jan 2026 – "
        "31 Dec 2027; assets LT-0001 → PC-0002; categories none → Network outage; support "
        "hours Mon–Fri 08:00-18:00 (Europe/London) → around the clock"
    )
    with read_session(engine) as session:
        links = session.execute(select(col(ContractAsset.asset_id))).scalars().all()
    assert links == [desktop_id]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"starts_on": date(2026, 6, 1), "ends_on": date(2026, 5, 31)},
            "ends_on",
            "The contract ends (31 May 2026) before it starts (1 Jun 2026)",
        ),
        ({"asset_ids": frozenset({uuid.uuid4()})}, "asset_ids", "1 of the assets chosen is not"),
        (
            {"category_ids": frozenset({uuid.uuid4(), uuid.uuid4()})},
            "category_ids",
            "2 of the categories chosen are not",
        ),
        ({"cost": Decimal("-5")}, "cost", "The cost cannot be negative (-5)"),
        ({"cost": Decimal("NaN")}, "cost", "Give the cost as an amount"),
        ({"timezone": "Europe/Londres"}, "timezone", "Unknown time zone 'Europe/Londres'"),
        ({"timezone": " "}, "timezone", "Choose the time zone"),
        ({"support_hours": {}}, "support_hours", "Give the support hours of at least one"),
        (
            {"support_hours": {"0": ["18:00", "08:00"]}},
            "support_hours",
            "Opening hours for Monday: opens at 18:00 but closes at 08:00",
        ),
        ({"response_minutes": 0}, "response_minutes", "at least one minute"),
        (
            {"response_minutes": 480, "resolution_minutes": 240},
            "resolution_minutes",
            "The resolution time (4 h) is shorter than the response time (8 h)",
        ),
        ({"notice_days": -1}, "notice_days", "from 0 (none)"),
        ({"currency": "€"}, "currency", "three-letter code"),
        ({"number": "  "}, "number", "Give the contract's number"),
        ({"vendor_id": uuid.uuid4()}, "vendor_id", "That vendor is not on this database"),
    ],
)
def test_a_broken_contract_is_refused_and_nothing_is_saved(
    engine: Engine, org: Org, changes: dict[str, Any], field: str, words: str
) -> None:
    vendor_id = add_vendor(engine, org)
    before = counts(engine)
    with pytest.raises(ValidationError) as refused:
        save_contract(
            engine,
            org.mia,
            replace(contract_draft(vendor_id, asset_ids=frozenset({org.laptop})), **changes),
        )
    assert set(refused.value.problems) == {field}
    assert words in refused.value.problems[field]
    assert counts(engine) == before


def test_a_contract_number_is_the_vendors_own(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    zebra = add_vendor(engine, org, "Zebra Networks")
    first = add_contract(engine, org, acme, number="SC-1")
    add_contract(engine, org, zebra, number="SC-1")  # another vendor's numbers are theirs
    before = counts(engine)
    with pytest.raises(ValidationError) as refused:
        add_contract(engine, org, acme, number="sc-1", asset_ids=frozenset({org.laptop}))
    assert refused.value.problems == {
        "number": "Acme Hardware already has a contract numbered SC-1; give this one its own "
        "number, or edit that contract."
    }
    assert counts(engine) == before
    # Saving a contract under its own number is no clash.
    draft = contract_detail(engine, first).draft
    save_contract(engine, org.mia, replace(draft, title="Laptops and docks"), first)
    assert contract_detail(engine, first).draft.title == "Laptops and docks"


def test_a_contract_or_vendor_that_is_gone_is_said_so(engine: Engine, org: Org) -> None:
    with pytest.raises(NotFoundError):
        contract_detail(engine, uuid.uuid4())
    with pytest.raises(NotFoundError):
        vendor_detail(engine, uuid.uuid4())
    vendor_id = add_vendor(engine, org)
    with pytest.raises(NotFoundError):
        save_contract(engine, org.mia, contract_draft(vendor_id), uuid.uuid4())


# -- coverage -----------------------------------------------------------------------------------
def add_subcategory(engine: Engine, org: Org) -> uuid.UUID:
    with write_session(engine) as session:
        jam = Category(name="Paper jam", parent_id=org.printing)
        session.add(jam)
        session.flush()
        return jam.id


def test_an_asset_match_beats_a_category_match(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    zebra = add_vendor(engine, org, "Zebra Print")
    add_contract(engine, org, acme, number="HW-1", asset_ids=frozenset({org.laptop}))
    add_contract(engine, org, zebra, number="PR-1", category_ids=frozenset({org.printing}))
    jam = add_subcategory(engine, org)
    both = contract_for(engine, asset_id=org.laptop, category_id=org.printing, on=TODAY)
    assert both is not None
    assert (both.number, both.vendor_name, both.match, both.matched) == (
        "HW-1",
        "Acme Hardware",
        CoverMatch.ASSET,
        "LT-0001",
    )
    by_category = contract_for(engine, category_id=org.printing, on=TODAY)
    assert by_category is not None and by_category.number == "PR-1"
    # A contract for a category covers its subcategories.
    by_parent = contract_for(engine, category_id=jam, on=TODAY)
    assert by_parent is not None
    assert (by_parent.number, by_parent.match, by_parent.matched) == (
        "PR-1",
        CoverMatch.PARENT_CATEGORY,
        "Printing",
    )
    assert contract_for(engine, category_id=org.wan, on=TODAY) is None
    assert contract_for(engine, on=TODAY) is None


def test_only_a_current_contract_of_an_active_vendor_covers(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    add_contract(
        engine,
        org,
        acme,
        number="OLD",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        asset_ids=frozenset({org.laptop}),
    )
    add_contract(
        engine,
        org,
        acme,
        number="NEW",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        asset_ids=frozenset({org.laptop}),
    )
    for day, number in (
        (date(2025, 12, 31), "OLD"),  # its last day
        (date(2026, 1, 1), "NEW"),  # its first day
        (date(2027, 1, 1), None),
    ):
        found = contract_for(engine, asset_id=org.laptop, on=day)
        assert (found.number if found else None) == number
    save_vendor(engine, org.mia, VendorDraft(name="Acme Hardware", active=False), acme)
    assert contract_for(engine, asset_id=org.laptop, on=TODAY) is None


def test_the_longest_running_contract_wins_among_equals(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    add_contract(engine, org, acme, number="B", asset_ids=frozenset({org.laptop}))
    add_contract(
        engine, org, acme, number="A", asset_ids=frozenset({org.laptop}), ends_on=date(2027, 3, 1)
    )
    add_contract(engine, org, acme, number="C", asset_ids=frozenset({org.laptop}))
    found = contract_for(engine, asset_id=org.laptop, on=TODAY)
    assert found is not None and found.number == "A"
    save_contract(
        engine,
        org.mia,
        contract_draft(acme, number="A", asset_ids=frozenset({org.laptop})),
        found.contract_id,
    )  # now ends with the others: the lowest number wins
    again = contract_for(engine, asset_id=org.laptop, on=TODAY)
    assert again is not None and again.number == "A"
    with write_session(engine) as session:
        session.execute(
            delete(ContractAsset).where(col(ContractAsset.contract_id) == found.contract_id)
        )
    last = contract_for(engine, asset_id=org.laptop, on=TODAY)
    assert last is not None and last.number == "B"


def test_an_asset_shows_its_contract_and_warranty(engine: Engine, org: Org) -> None:
    with write_session(engine) as session:
        laptop = session.get(Asset, org.laptop)
        assert laptop is not None
        laptop.warranty_ends_on = date(2027, 5, 31)
    cover = asset_cover(engine, org.laptop, TODAY)
    assert (cover.contract_number, cover.vendor, cover.ends_on, cover.contract_id) == (
        "",
        "",
        None,
        None,
    )
    assert cover.warranty_ends_on == date(2027, 5, 31)
    acme = add_vendor(engine, org)
    contract_id = add_contract(engine, org, acme, asset_ids=frozenset({org.laptop}))
    cover = asset_cover(engine, org.laptop, TODAY)
    assert (cover.contract_number, cover.vendor, cover.ends_on, cover.contract_id) == (
        "SC-1",
        "Acme Hardware",
        date(2026, 12, 31),
        contract_id,
    )
    with pytest.raises(NotFoundError):
        asset_cover(engine, uuid.uuid4(), TODAY)


# -- contracts ending ---------------------------------------------------------------------------
def test_contracts_ending_within_days_or_inside_their_notice(engine: Engine, org: Org) -> None:
    acme = add_vendor(engine, org)
    for number, ends_on, notice in (
        ("ENDED", date(2026, 11, 23), 0),  # yesterday: over, not listed
        ("TODAY", date(2026, 11, 24), 0),  # its last day
        ("SOON", date(2026, 12, 24), 0),  # in 30 days, no notice period
        ("NOTICE", date(2027, 2, 22), 120),  # in 90 days... notice began 25 Oct
        ("AHEAD", date(2026, 12, 31), 30),  # in 37 days, notice begins 1 Dec
        ("LATER", date(2027, 6, 30), 90),  # notice begins 1 Apr 2027: not yet
        ("DEADLINE", date(2027, 3, 24), 120),  # notice began 24 Nov: today is the last day
    ):
        add_contract(
            engine, org, acme, number=number, ends_on=ends_on, notice_days=notice, title=""
        )
    listed = contracts_ending(engine, TODAY, 60)
    assert [
        (c.number, c.days_left, c.ends_within_days, c.in_notice_period, c.notice_by) for c in listed
    ] == [
        ("TODAY", 0, True, False, None),
        ("SOON", 30, True, False, None),
        ("AHEAD", 37, True, False, date(2026, 12, 1)),
        ("NOTICE", 90, False, True, date(2026, 10, 25)),
        ("DEADLINE", 120, False, True, date(2026, 11, 24)),
    ]
    why = {c.number: c.why for c in listed}
    assert why["TODAY"] == "ends today; no notice period"
    assert why["AHEAD"] == "ends in 37 days; 30-day notice period: give notice by 1 Dec 2026"
    assert why["NOTICE"] == (
        "ends in 90 days; inside its 120-day notice period: notice was due by 25 Oct 2026"
    )
    assert why["DEADLINE"] == (
        "ends in 120 days; inside its 120-day notice period: give notice today, 24 Nov 2026"
    )
    assert [c.number for c in contracts_ending(engine, TODAY, 0)] == [
        "TODAY",
        "NOTICE",
        "DEADLINE",
    ]
    assert "LATER" in [c.number for c in contracts_ending(engine, TODAY, 365)]
    with pytest.raises(ValidationError) as refused:
        contracts_ending(engine, TODAY, -1)
    assert refused.value.problems == {"days": "Give the days ahead as 0 or more, not -1."}
