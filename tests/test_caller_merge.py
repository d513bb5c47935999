"""Duplicate callers (app/callers/merge.py): finding likely duplicates by phone, e-mail and
similar names at the same site or department; merging them in one transaction, on both
back ends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import col

import app.callers.merge as caller_merge
from app.callers.lookup import lookup
from app.callers.merge import (
    DuplicateGroup,
    block_keys,
    find_duplicates,
    fold_name,
    merge_callers,
    words_agree,
)
from app.callers.phones import canonical_digits, phone_region
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.queue.text_filter import text_condition
from app.tickets.actions import TicketDraft, create_ticket, update_ticket
from models.engine import read_session, write_session
from models.enums import EventKind
from models.org import Site
from models.people import Asset, Caller, CallerPhone
from models.tickets import Call, Ticket, TicketEvent
from tests.conftest import Org

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def add_caller(engine: Engine, name: str, site: uuid.UUID | None, **fields: object) -> uuid.UUID:
    phones = fields.pop("phones", [])
    with write_session(engine) as s:
        caller = Caller(name=name, site_id=site, **fields)  # type: ignore[arg-type]
        s.add(caller)
        s.flush()
        where = s.get(Site, site) if site else None
        region = phone_region(where.holiday_country if where else None)
        for number in phones:  # type: ignore[attr-defined]
            digits = canonical_digits(number, region)
            s.add(CallerPhone(caller_id=caller.id, number=number, digits=digits))
        return caller.id


def group_with(groups: list[DuplicateGroup], caller_id: uuid.UUID) -> DuplicateGroup | None:
    return next((g for g in groups if caller_id in {c.id for c in g.callers}), None)


def ids_of(group: DuplicateGroup | None) -> set[uuid.UUID]:
    return {c.id for c in group.callers} if group else set()


# ----------------------------------------------------------------------------- finding


def test_folding_and_blocks() -> None:
    assert fold_name("Müller-Lüdenscheidt, Jürgen") == "muller ludenscheidt jurgen"
    assert block_keys(fold_name("John Smith")) == ("joh", "smi")
    assert block_keys(fold_name("Smith, John")) == ("smi", "joh")
    assert block_keys(fold_name("Zoë Ångström")) == ("zoe", "ang")
    assert block_keys("prince") == ("pri",)
    assert fold_name("Łukasz Ørsted-Straße") == "lukasz orsted strasse"
    assert block_keys("") == ()
    assert words_agree("jon smith", "john smith")
    assert words_agree("jurgen muller", "muller jurgen")
    assert not words_agree("aisha lukaszewicz", "camila lukaszewicz")


def test_nothing_to_report_on_distinct_callers(engine: Engine, org: Org) -> None:
    assert find_duplicates(engine) == []


def test_same_phone_in_another_format(engine: Engine, org: Org) -> None:
    a = add_caller(engine, "Peter Parker", org.hq, phones=["+44 20 7946 0018"])
    b = add_caller(engine, "P. Parker-Jones", org.branch, phones=["(44) 2079-460018"])
    groups = find_duplicates(engine)
    group = group_with(groups, a)
    assert ids_of(group) == {a, b}
    assert group is not None
    assert any(r.startswith("same phone ") for r in group.reasons)
    assert any(r.endswith("0018") for r in group.reasons)


def test_same_number_national_and_international(engine: Engine, org: Org) -> None:
    """Stored in the canonical form, a UK number written nationally and internationally is
    one number; so is an E.164 caller id without its "+"."""
    a = add_caller(engine, "Peter Parker", org.hq, phones=["020 7946 0018"])
    b = add_caller(engine, "Pete Parker-Jones", org.branch, phones=["+44 20 7946 0018"])
    c = add_caller(engine, "Mary Jane", org.hq, phones=["0044 (0)20 7946-0018"])
    d = add_caller(engine, "Harry Osborn", None, phones=["442079460018"])
    assert ids_of(group_with(find_duplicates(engine), a)) == {a, b, c, d}


def test_one_national_number_at_sites_in_two_countries_is_two_numbers(
    engine: Engine, org: Org
) -> None:
    """ "(212) 555-0100" dialled in London and in New York are different numbers."""
    london = add_caller(engine, "Ann London", org.hq, phones=["(212) 555-0100"])
    york = add_caller(engine, "Ann York", org.branch, phones=["(212) 555-0100"])
    caller = add_caller(engine, "Bo York", None, phones=["+1 212 555 0100"])
    groups = find_duplicates(engine)
    assert ids_of(group_with(groups, york)) == {york, caller}
    assert group_with(groups, london) is None


def test_merge_keeps_one_number_written_two_ways(engine: Engine, org: Org) -> None:
    keep = add_caller(engine, "Peter Parker", org.hq, phones=["020 7946 0018"])
    dup = add_caller(engine, "Pete Parker", org.hq, phones=["+44 20 7946 0018", "07700 900123"])
    result = merge_callers(engine, keep, [dup], actor_id=org.mia)
    assert result.phones_added == 1
    with read_session(engine) as s:
        numbers = s.execute(
            select(col(CallerPhone.number), col(CallerPhone.digits)).where(
                col(CallerPhone.caller_id) == keep
            )
        ).all()
    assert sorted(numbers) == [("020 7946 0018", "442079460018"), ("07700 900123", "447700900123")]


def test_same_email_in_another_case(engine: Engine, org: Org) -> None:
    other = add_caller(engine, "A. Mueller", org.branch, email=" Alice@Example.ORG")
    add_caller(engine, "No Mail", None, email="")
    add_caller(engine, "Blank Mail", None, email="  ")
    group = group_with(find_duplicates(engine), org.alice)
    assert ids_of(group) == {org.alice, other}
    assert group is not None and group.reasons == ("same e-mail",)


def test_similar_names_at_the_same_site(engine: Engine, org: Org) -> None:
    john = add_caller(engine, "John Smith", org.hq, email="john@example.org")
    jon = add_caller(engine, "Jon Smith", org.hq, email="jon.smith@example.org")
    group = group_with(find_duplicates(engine), john)
    assert ids_of(group) == {john, jon}
    assert group is not None
    assert len(group.reasons) == 1 and group.reasons[0].startswith("similar names (")
    assert int(group.reasons[0].split("(")[1].rstrip("%)")) >= 90


def test_similar_names_accents_and_order(engine: Engine, org: Org) -> None:
    a = add_caller(engine, "Jürgen Müller", None, department="Finance")
    b = add_caller(engine, "Muller, Jurgen", None, department="finance")
    group = group_with(find_duplicates(engine), a)
    assert ids_of(group) == {a, b}
    assert group is not None and group.reasons == ("similar names (100%)",)


def test_long_shared_last_name_is_not_enough(engine: Engine, org: Org) -> None:
    aisha = add_caller(engine, "Aisha Łukaszewicz", org.hq)
    add_caller(engine, "Camila Łukaszewicz", org.hq)  # token_sort_ratio 86
    assert group_with(find_duplicates(engine, name_threshold=80), aisha) is None
    aysha = add_caller(engine, "Aysha Lukaszewicz", org.hq)
    assert ids_of(group_with(find_duplicates(engine, name_threshold=80), aisha)) == {aisha, aysha}


def test_similar_names_at_different_sites_are_not_flagged(engine: Engine, org: Org) -> None:
    john = add_caller(engine, "John Smith", org.hq, department="Sales")
    add_caller(engine, "Jon Smith", org.branch, department="Legal")
    add_caller(engine, "John Smith", org.branch)
    assert group_with(find_duplicates(engine), john) is None


def test_threshold_and_unrelated_names(engine: Engine, org: Org) -> None:
    john = add_caller(engine, "John Smith", org.hq)
    add_caller(engine, "Jane Smithers", org.hq)
    assert group_with(find_duplicates(engine), john) is None
    jon = add_caller(engine, "Jon Smith", org.hq)
    assert ids_of(group_with(find_duplicates(engine, name_threshold=99), john)) == set()
    assert ids_of(group_with(find_duplicates(engine, name_threshold=90), john)) == {john, jon}


def test_group_details_and_transitive_links(engine: Engine, org: Org) -> None:
    # Alice 2 shares Alice's e-mail; Alice 3 shares Alice 2's phone: one group of three.
    a2 = add_caller(
        engine, "Alicia Moller", org.branch, email="ALICE@example.org", phones=["555 010 0200"]
    )
    a3 = add_caller(engine, "A. M.", None, phones=["+1 555-010-0200"])
    create_ticket(engine, TicketDraft(summary="Printer", caller_id=org.alice), org.ann, now=NOW)
    create_ticket(engine, TicketDraft(summary="Mail", caller_id=org.alice), org.ann, now=NOW)
    with write_session(engine) as s:
        s.add(Call(caller_id=a2, number="555 010 0200", started_at=NOW.replace(month=12)))
    group = group_with(find_duplicates(engine), org.alice)
    assert group is not None
    assert group.callers[0].id == org.alice  # most tickets first
    assert ids_of(group) == {org.alice, a2, a3}
    assert len(group.reasons) == 2 and "same e-mail" in group.reasons
    assert {"same phone 555 010 0200", "same phone +1 555-010-0200"} & set(group.reasons)
    by_id = {c.id: c for c in group.callers}
    assert by_id[org.alice].ticket_count == 2
    assert by_id[org.alice].last_contact == NOW
    assert by_id[org.alice].site_code == "HQ"
    assert by_id[a2].phones == ("555 010 0200",)
    assert by_id[a2].last_contact == NOW.replace(month=12)
    assert by_id[a2].site_code == "NY"
    assert by_id[a3].ticket_count == 0 and by_id[a3].last_contact is None


def test_phone_and_name_links_make_separate_groups(engine: Engine, org: Org) -> None:
    # A shared number must not chain a crowd of namesakes into one group.
    ann = add_caller(engine, "Ann Lee", org.hq, phones=["0161 496 0777"])
    bob = add_caller(engine, "Bob Ray", org.hq, phones=["0161 496 0777"])
    namesake = add_caller(engine, "Anne Lee", org.hq)
    groups = [g for g in find_duplicates(engine) if ann in ids_of(g)]
    assert sorted((sorted(g.reasons), ids_of(g)) for g in groups) == sorted(
        [
            (["same phone 0161 496 0777"], {ann, bob}),
            (["similar names (93%)"], {ann, namesake}),
        ]
    )
    assert groups[0].reasons == ("same phone 0161 496 0777",)  # exact links come first


def test_name_link_inside_a_phone_group_adds_its_reason(
    engine: Engine, org: Org, dupes: tuple[uuid.UUID, uuid.UUID]
) -> None:
    keep, dup = dupes
    groups = [g for g in find_duplicates(engine) if keep in ids_of(g)]
    assert len(groups) == 1 and ids_of(groups[0]) == {keep, dup}
    assert groups[0].reasons[0].startswith("same phone ")
    assert groups[0].reasons[1].startswith("similar names (")


def test_shared_lines_and_short_numbers_are_ignored(engine: Engine, org: Org) -> None:
    reception = [
        add_caller(engine, f"Person {n}", None, phones=["+44 20 7000 0000"]) for n in "ABCDEF"
    ]
    ext_a = add_caller(engine, "Xavier Quinn", None, phones=["4411"])
    add_caller(engine, "Yolanda Ruiz", None, phones=["44-11"])
    groups = find_duplicates(engine)
    assert group_with(groups, reception[0]) is None
    assert group_with(groups, ext_a) is None


def test_limit_and_bad_threshold(engine: Engine, org: Org) -> None:
    for n in range(3):
        add_caller(engine, f"Twin{n} Alpha", None, phones=[f"0161 496 000{n}"])
        add_caller(engine, f"Twin{n} Beta", None, phones=[f"0161 496 000{n}"])
    assert len(find_duplicates(engine)) == 3
    assert len(find_duplicates(engine, limit=2)) == 2
    assert find_duplicates(engine, limit=0) == []
    with pytest.raises(ValidationError):
        find_duplicates(engine, name_threshold=0)


# ----------------------------------------------------------------------------- merging


def _state(engine: Engine) -> dict[str, object]:
    """Everything a merge may touch, to prove a failed merge changed nothing."""
    with read_session(engine) as s:
        return {
            "callers": sorted(
                (str(c.id), c.name, c.email, c.employee_id, c.department, c.vip, c.notes)
                for c in s.scalars(select(Caller))
            ),
            "phones": sorted((str(p.caller_id), p.digits) for p in s.scalars(select(CallerPhone))),
            "tickets": sorted(
                (t.number, str(t.caller_id), t.caller_name, t.version)
                for t in s.scalars(select(Ticket))
            ),
            "events": s.scalar(select(func.count()).select_from(TicketEvent)),
            "calls": sorted(str(c.caller_id) for c in s.scalars(select(Call))),
            "assets": sorted((a.tag, str(a.owner_id)) for a in s.scalars(select(Asset))),
        }


@pytest.fixture
def dupes(engine: Engine, org: Org) -> tuple[uuid.UUID, uuid.UUID]:
    """Alice (kept) and 'Alice Mueller', her duplicate with a ticket, a call, an asset, a
    number Alice has too, a number of her own, an employee id and a department."""
    with write_session(engine) as s:
        s.add(CallerPhone(caller_id=org.alice, number="+44 20 7946 0018", digits="442079460018"))
    dup = add_caller(
        engine,
        "Alice Mueller",
        org.hq,
        email="a.mueller@example.org",
        employee_id="E1234",
        department="Finance",
        notes="Prefers e-mail.",
        vip=True,
        phones=["(44) 2079-460018", "07700 900123"],
    )
    with write_session(engine) as s:
        s.add(Call(caller_id=dup, number="07700 900123", operator_id=org.ann, started_at=NOW))
        s.add(Asset(tag="PH-0042", model="Phone", site_id=org.hq, owner_id=dup))
    return org.alice, dup


def test_merge_moves_everything(engine: Engine, org: Org, dupes: tuple[uuid.UUID, uuid.UUID]):
    keep, dup = dupes
    old = create_ticket(engine, TicketDraft(summary="VPN drops", caller_id=dup), org.ann, now=NOW)
    other = create_ticket(engine, TicketDraft(summary="Mail", caller_id=dup), org.ann, now=NOW)
    mine = create_ticket(engine, TicketDraft(summary="Mouse", caller_id=keep), org.ann, now=NOW)

    result = merge_callers(engine, keep, [dup], actor_id=org.mia, now=NOW)

    assert result.kept_id == keep and result.merged_ids == (dup,)
    assert (result.tickets_moved, result.calls_moved, result.assets_moved) == (2, 1, 1)
    assert result.phones_added == 1
    assert set(result.fields_filled) == {"employee_id", "department", "notes", "vip"}
    with read_session(engine) as s:
        assert s.get(Caller, dup) is None
        kept = s.get(Caller, keep)
        assert kept is not None
        assert kept.email == "alice@example.org"  # not overwritten
        assert kept.employee_id == "E1234" and kept.department == "Finance"
        assert kept.notes == "Prefers e-mail." and kept.vip
        phones = s.scalars(
            select(col(CallerPhone.digits)).where(col(CallerPhone.caller_id) == keep)
        ).all()
        assert sorted(phones) == ["442079460018", "447700900123"]
        assert s.scalar(select(func.count()).select_from(CallerPhone)) == 2
        tickets = {t.id: t for t in s.scalars(select(Ticket))}
        for moved in (old, other):
            assert tickets[moved.id].caller_id == keep
            assert tickets[moved.id].caller_name == "Alice Müller"
            assert tickets[moved.id].version == moved.version + 1
        assert tickets[mine.id].version == mine.version  # already hers: untouched
        events = s.scalars(
            select(TicketEvent).where(
                col(TicketEvent.field) == "caller", col(TicketEvent.ticket_id).in_([old.id])
            )
        ).all()
        assert len(events) == 1
        event = events[0]
        assert (event.kind, event.old_value, event.new_value) == (
            EventKind.FIELD_CHANGED,
            "Alice Mueller",
            "Alice Müller",
        )
        assert event.actor_id == org.mia and event.ticket_version == old.version + 1
        assert s.scalars(select(col(Call.caller_id))).all() == [keep]
        owners = {
            tag: owner for tag, owner in s.execute(select(col(Asset.tag), col(Asset.owner_id)))
        }
        assert owners == {"LT-0001": keep, "PH-0042": keep}

    # The queue's free-text filter follows the new caller name.
    with read_session(engine) as s:
        for words, expected in (
            ("Mueller", set()),
            ("Müller", {"HQ-000001", "HQ-000002", "HQ-000003"}),
        ):
            condition = text_condition(words, engine.dialect.name)
            found = set(s.scalars(select(col(Ticket.number)).where(condition)))
            assert found == expected

    # Whoever had the ticket open before the merge gets a conflict, not a silent overwrite.
    with pytest.raises(ConflictError):
        update_ticket(engine, old.id, old.version, {"summary": "VPN drops hourly"}, org.ann)

    # The lookup now finds only the kept caller, by the shared number or the merged name.
    for text in ("020 7946 0018", "07700 900123", "Mueller", "a.mueller@example.org"):
        hits = lookup(engine, text, now=NOW)
        assert {h.id for h in hits} <= {keep}
    assert [h.id for h in lookup(engine, "07700 900123", now=NOW)] == [keep]


def test_merge_fills_empty_email_and_site(engine: Engine, org: Org) -> None:
    keep = add_caller(engine, "Sam Lee", None)
    first = add_caller(
        engine,
        "Sam Lee",
        org.branch,
        email="sam@example.org",
        notes="Night shift",
        phones=["+44 161 496 0123"],  # a UK number, at the New York site
    )
    second = add_caller(
        engine,
        "Samuel Lee",
        org.hq,
        email="samuel@example.org",
        notes="Remote",
        phones=["0161-496-0123", "0161 496 0999"],
    )
    result = merge_callers(engine, keep, [first, second, first], actor_id=org.mia)
    assert result.merged_ids == (first, second)
    assert result.phones_added == 2
    assert set(result.fields_filled) == {"email", "site_id", "notes"}
    with read_session(engine) as s:
        numbers = s.scalars(
            select(col(CallerPhone.number)).where(col(CallerPhone.caller_id) == keep)
        ).all()
        assert sorted(numbers) == ["+44 161 496 0123", "0161 496 0999"]
    with read_session(engine) as s:
        kept = s.get(Caller, keep)
        assert kept is not None
        assert (kept.email, kept.site_id, kept.vip) == ("sam@example.org", org.branch, False)
        assert kept.notes == "Night shift\n\nRemote"
        assert s.scalar(select(func.count()).select_from(Caller)) == 3  # + alice and zoe


@pytest.mark.parametrize(
    "case",
    ["empty", "keep in merge", "unknown merge id", "unknown keep id", "unknown actor"],
)
def test_merge_refusals(engine: Engine, org: Org, case: str) -> None:
    before = _state(engine)
    ghost = uuid.uuid4()
    keep, merge = {
        "empty": (org.alice, []),
        "keep in merge": (org.alice, [org.zoe, org.alice]),
        "unknown merge id": (org.alice, [org.zoe, ghost]),
        "unknown keep id": (ghost, [org.zoe]),
        "unknown actor": (org.alice, [org.zoe]),
    }[case]
    if case == "unknown actor":
        with pytest.raises(PermissionDenied, match="not an active staff member"):
            merge_callers(engine, keep, merge, actor_id=ghost)
        assert _state(engine) == before
        return
    with pytest.raises(ValidationError) as raised:
        merge_callers(engine, keep, merge, actor_id=org.mia)
    if case.startswith("unknown"):
        assert str(ghost) in str(raised.value)
    else:
        assert "merge_ids" in raised.value.problems
    assert _state(engine) == before


def test_merge_is_all_or_nothing(
    engine: Engine, org: Org, dupes: tuple[uuid.UUID, uuid.UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    keep, dup = dupes
    create_ticket(engine, TicketDraft(summary="VPN drops", caller_id=dup), org.ann, now=NOW)
    before = _state(engine)

    def fail(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(caller_merge, "_delete_merged", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        merge_callers(engine, keep, [dup], actor_id=org.mia)
    assert _state(engine) == before
    monkeypatch.undo()
    merge_callers(engine, keep, [dup], actor_id=org.mia)
    assert _state(engine) != before


def test_merged_duplicates_are_no_longer_found(
    engine: Engine, org: Org, dupes: tuple[uuid.UUID, uuid.UUID]
) -> None:
    keep, dup = dupes
    assert ids_of(group_with(find_duplicates(engine), keep)) == {keep, dup}
    merge_callers(engine, keep, [dup], actor_id=org.mia)
    assert group_with(find_duplicates(engine), keep) is None
