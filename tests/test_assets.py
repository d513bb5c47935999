"""The asset register's service (app/assets/register.py) on every configured back end:
adding and changing assets with their audit rows, a save that changes nothing, each
validation rule at its field, the filters (warranty, status, kind, site, text), paging by
tag from both ends, the refusal for an operator, and an asset's ticket history."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from app.assets.register import (
    NOT_RETIRED,
    AssetFields,
    AssetFilter,
    AssetOrder,
    AssetQuery,
    Warranty,
    WarrantyState,
    asset_detail,
    asset_tickets,
    save_asset,
    warranty_state,
)
from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, create_ticket
from models.audit import AuditEvent, AuditKind
from models.engine import read_connection, write_session
from models.enums import AssetKind, AssetStatus, TicketStatus
from models.people import Asset
from tests.conftest import NOW, Org

TODAY = NOW.date()  # 24 Nov 2026 (the tests' clock; UTC and London agree at 10:00)

pytestmark = pytest.mark.usefixtures("in_london")


def _audit(engine: Engine) -> list[str]:
    """The register's audit details, oldest first."""
    statement = (
        select(col(AuditEvent.detail))
        .where(col(AuditEvent.kind) == AuditKind.ASSET_CHANGED.value)
        .order_by(col(AuditEvent.at))
    )
    with read_connection(engine) as connection:
        return list(connection.execute(statement).scalars())


def _problems(
    engine: Engine, actor: uuid.UUID, asset_id: uuid.UUID | None, f: AssetFields
) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        save_asset(engine, actor, asset_id, f)
    return refused.value.problems


def _tags(engine: Engine, f: AssetFilter) -> list[str]:
    return [row.tag for row in AssetQuery(engine).page(f, AssetOrder.TAG, 0, 100)]


def test_a_technician_adds_an_asset_and_its_detail_reads_back(engine: Engine, org: Org) -> None:
    fields = AssetFields(
        tag="  LT-0042 ",
        kind=AssetKind.LAPTOP,
        make="Lenovo",
        model="ThinkPad  X1",
        serial="PF-123",
        site_id=org.hq,
        location="Desk 4",
        owner_id=org.zoe,
        purchased_on=date(2025, 1, 10),
        warranty_ends_on=date(2028, 1, 10),
        notes="Docking station too",
    )
    asset_id = save_asset(engine, org.bob, None, fields)
    detail = asset_detail(engine, asset_id)
    assert detail.fields == replace(fields, tag="LT-0042", model="ThinkPad X1")
    assert (detail.site_code, detail.site_name, detail.owner_name) == (
        "HQ",
        "Head office",
        "Zoe O'Brien",
    )
    assert _audit(engine) == [
        "Added LT-0042: kind Laptop; make Lenovo; model ThinkPad X1; serial PF-123; "
        "status In use; site HQ; location Desk 4; owner Zoe O'Brien; purchased 10 Jan 2025; "
        "warranty end 10 Jan 2028; with notes"
    ]


def test_a_change_is_audited_in_words_and_the_same_again_writes_nothing(
    engine: Engine, org: Org
) -> None:
    before = asset_detail(engine, org.laptop).fields
    changed = replace(
        before,
        status=AssetStatus.REPAIR,
        location="Repair bench",
        owner_id=None,
        warranty_ends_on=date(2027, 3, 1),
        notes="Fan noise",
    )
    assert save_asset(engine, org.bob, org.laptop, changed) == org.laptop
    assert _audit(engine) == [
        "Status In use → In repair; location none → Repair bench; owner Alice Müller → none; "
        "warranty end none → 1 Mar 2027; notes changed"
    ]
    save_asset(engine, org.bob, org.laptop, replace(changed, location=" Repair  bench "))
    assert len(_audit(engine)) == 1  # nothing changed: no row
    assert asset_detail(engine, org.laptop).location == "Repair bench"


def test_retiring_keeps_the_asset_and_its_tickets(engine: Engine, org: Org) -> None:
    ticket = create_ticket(
        engine,
        TicketDraft(summary="Screen cracked", caller_id=org.alice, asset_id=org.laptop),
        org.ada,
    )
    retired = replace(asset_detail(engine, org.laptop).fields, status=AssetStatus.RETIRED)
    save_asset(engine, org.bob, org.laptop, retired)
    assert asset_detail(engine, org.laptop).status is AssetStatus.RETIRED
    assert [t.number for t in asset_tickets(engine, org.laptop)] == [ticket.number]
    assert _audit(engine) == ["Status In use → Retired"]


def test_an_operator_is_refused_and_nothing_is_written(engine: Engine, org: Org) -> None:
    with pytest.raises(PermissionDenied) as refused:
        save_asset(engine, org.ann, None, AssetFields(tag="LT-0900"))
    assert str(refused.value) == refusal(Action.MANAGE_ASSETS)
    with read_connection(engine) as connection:
        assert connection.execute(select(col(Asset.tag))).scalars().all() == ["LT-0001"]
    assert _audit(engine) == []


def test_the_tag_is_required_short_and_not_taken(engine: Engine, org: Org) -> None:
    assert "Type the asset's tag" in _problems(engine, org.bob, None, AssetFields(tag="  "))["tag"]
    assert (
        "Keep it to 40 characters; this has 41"
        in (_problems(engine, org.bob, None, AssetFields(tag="X" * 41))["tag"])
    )
    taken = _problems(engine, org.bob, None, AssetFields(tag="lt-0001"))
    assert taken == {
        "tag": "LT-0001 is already the tag of a ThinkPad T14 at HQ; choose another tag, or "
        "edit that asset."
    }
    # The asset keeps its own tag when saved again.
    other = save_asset(engine, org.bob, None, AssetFields(tag="LT-0002", kind=AssetKind.PRINTER))
    assert (
        "the tag of a printer;"
        in _problems(
            engine,
            org.bob,
            org.laptop,
            replace(asset_detail(engine, org.laptop).fields, tag="LT-0002"),
        )["tag"]
    )
    save_asset(engine, org.bob, other, AssetFields(tag="LT-0002", kind=AssetKind.PRINTER))
    assert _audit(engine) == ["Added LT-0002: kind Printer; status In use"]


def test_dates_are_checked(engine: Engine, org: Org) -> None:
    future = _problems(
        engine, org.bob, None, AssetFields(tag="N1", purchased_on=date(2026, 11, 25))
    )
    assert future == {
        "purchased_on": "The purchase date 25 Nov 2026 is in the future (today is 24 Nov 2026); "
        "check the date, or leave it empty."
    }
    backwards = AssetFields(
        tag="N1", purchased_on=date(2025, 6, 1), warranty_ends_on=date(2025, 5, 31)
    )
    assert _problems(engine, org.bob, None, backwards) == {
        "warranty_ends_on": "The warranty cannot end (31 May 2025) before the asset was bought "
        "(1 Jun 2025); check both dates."
    }
    save_asset(engine, org.bob, None, AssetFields(tag="N1", purchased_on=TODAY))  # today is fine


def test_unknown_site_owner_or_asset_are_refused(engine: Engine, org: Org) -> None:
    nowhere = AssetFields(tag="N2", site_id=uuid.uuid4(), owner_id=uuid.uuid4())
    assert set(_problems(engine, org.bob, None, nowhere)) == {"site_id", "owner_id"}
    with pytest.raises(NotFoundError):
        save_asset(engine, org.bob, uuid.uuid4(), AssetFields(tag="N2"))
    with pytest.raises(NotFoundError):
        asset_detail(engine, uuid.uuid4())
    too_long = AssetFields(tag="N2", make="M" * 81, notes="n" * 4001)
    assert set(_problems(engine, org.bob, None, too_long)) == {"make", "notes"}


def _register(engine: Engine, org: Org) -> None:
    """A few assets beside Alice's laptop (LT-0001, in use at HQ, no warranty)."""
    with write_session(engine) as session:
        session.add_all(
            [
                Asset(
                    tag="PR-0001",
                    kind=AssetKind.PRINTER,
                    make="HP",
                    model="LaserJet",
                    site_id=org.branch,
                    warranty_ends_on=date(2026, 12, 31),  # ends in 37 days
                ),
                Asset(
                    tag="SV-0001",
                    kind=AssetKind.SERVER,
                    make="Dell",
                    serial="ABC-77",
                    site_id=org.hq,
                    warranty_ends_on=date(2026, 11, 23),  # ended yesterday
                    status=AssetStatus.REPAIR,
                ),
                Asset(
                    tag="LT-0002",
                    kind=AssetKind.LAPTOP,
                    model="MacBook",
                    owner_id=org.zoe,
                    warranty_ends_on=date(2027, 6, 1),  # well ahead
                    status=AssetStatus.RETIRED,
                ),
            ]
        )


def test_filters_by_warranty_status_kind_and_site(engine: Engine, org: Org) -> None:
    _register(engine, org)
    assert _tags(engine, AssetFilter()) == ["LT-0001", "LT-0002", "PR-0001", "SV-0001"]
    assert _tags(engine, AssetFilter(warranty=Warranty.ENDING)) == ["PR-0001"]
    assert _tags(engine, AssetFilter(warranty=Warranty.ENDING, warranty_days=200)) == [
        "LT-0002",
        "PR-0001",
    ]
    assert _tags(engine, AssetFilter(warranty=Warranty.ENDED)) == ["SV-0001"]
    assert _tags(engine, AssetFilter(statuses=NOT_RETIRED)) == ["LT-0001", "PR-0001", "SV-0001"]
    assert _tags(engine, AssetFilter(statuses=frozenset({AssetStatus.REPAIR}))) == ["SV-0001"]
    assert _tags(engine, AssetFilter(kind=AssetKind.LAPTOP)) == ["LT-0002"]  # LT-0001: other
    assert _tags(engine, AssetFilter(site_id=org.hq)) == ["LT-0001", "SV-0001"]
    assert AssetQuery(engine).count(AssetFilter(site_id=org.hq)) == 2
    assert AssetQuery.depends_on_now(AssetFilter(warranty=Warranty.ENDED))
    assert not AssetQuery.depends_on_now(AssetFilter())


def test_text_matches_tag_make_model_serial_and_owner(engine: Engine, org: Org) -> None:
    _register(engine, org)
    assert _tags(engine, AssetFilter(text="lt-")) == ["LT-0001", "LT-0002"]
    assert _tags(engine, AssetFilter(text="laser")) == ["PR-0001"]
    assert _tags(engine, AssetFilter(text="dell")) == ["SV-0001"]
    assert _tags(engine, AssetFilter(text="c-7")) == ["SV-0001"]  # inside the serial
    assert _tags(engine, AssetFilter(text="muller")) == ["LT-0001"]  # the owner, accents folded
    assert _tags(engine, AssetFilter(text="MÜLL")) == ["LT-0001"]
    assert _tags(engine, AssetFilter(text="example")) == []  # not the owner's e-mail address
    assert _tags(engine, AssetFilter(text="o'brien mac")) == ["LT-0002"]  # every word somewhere
    assert _tags(engine, AssetFilter(text="zoe thinkpad")) == []
    assert _tags(engine, AssetFilter(text="100%_")) == []  # wildcards are literal
    rows = AssetQuery(engine).page(AssetFilter(text="LT-0001"))
    assert [(r.tag, r.site_code, r.owner_name, r.model) for r in rows] == [
        ("LT-0001", "HQ", "Alice Müller", "ThinkPad T14")
    ]


def test_pages_follow_the_tag_order_from_either_end(engine: Engine, org: Org) -> None:
    with write_session(engine) as session:
        session.add_all(Asset(tag=f"PC-{n:05d}") for n in range(2600))
    query, f = AssetQuery(engine), AssetFilter(text="PC-")
    total = query.count(f)
    assert total == 2600
    first = query.page(f, AssetOrder.TAG, 0, 3)
    assert [r.tag for r in first] == ["PC-00000", "PC-00001", "PC-00002"]
    near_end = query.page(f, AssetOrder.TAG, 2590, 200, total=total)  # read from the end
    assert [r.tag for r in near_end] == [f"PC-{n:05d}" for n in range(2590, 2600)]
    middle = query.page(f, AssetOrder.TAG, 2100, 5, total=total)
    assert [r.tag for r in middle] == [f"PC-{n:05d}" for n in range(2100, 2105)]


def test_the_change_token_moves_on_a_save(engine: Engine, org: Org) -> None:
    query = AssetQuery(engine)
    before = query.change_token()
    fields = asset_detail(engine, org.laptop).fields
    save_asset(engine, org.bob, org.laptop, replace(fields, location="Desk 9"))
    after = query.change_token()
    assert after != before
    save_asset(engine, org.bob, None, AssetFields(tag="LT-0003"))
    assert query.change_token() != after


def test_the_ticket_history_is_newest_first(engine: Engine, org: Org) -> None:
    numbers = [
        create_ticket(
            engine,
            TicketDraft(summary=f"Problem {n}", caller_id=org.alice, asset_id=org.laptop),
            org.ada,
        ).number
        for n in range(3)
    ]
    create_ticket(engine, TicketDraft(summary="Other", caller_id=org.alice), org.ada)
    history = asset_tickets(engine, org.laptop)
    assert [t.number for t in history] == numbers[::-1]
    assert history[0].summary == "Problem 2" and history[0].status is TicketStatus.NEW
    assert [t.number for t in asset_tickets(engine, org.laptop, limit=2)] == numbers[:0:-1]


def test_warranty_state_on_a_day() -> None:
    assert warranty_state(None, TODAY) is WarrantyState.NONE
    assert warranty_state(date(2026, 11, 23), TODAY) is WarrantyState.ENDED
    assert warranty_state(TODAY, TODAY) is WarrantyState.ENDING
    assert warranty_state(date(2027, 2, 22), TODAY) is WarrantyState.ENDING  # day 90
    assert warranty_state(date(2027, 2, 23), TODAY) is WarrantyState.VALID
