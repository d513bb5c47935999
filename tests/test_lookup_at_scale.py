"""Caller lookup at scale (app/callers/lookup.py, migration 0015), on both back ends with the
same expectations: the start of a ticket number or an asset tag finds them, after exact hits;
a word most callers share (an e-mail domain, one letter) lists the first callers in name
order whichever way it is read (the walk in name order, or the sort of every match); a
single digit and a bare domain find what they should."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from app.callers import lookup as caller_lookup
from app.callers.lookup import lookup
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import is_sqlite, read_session, write_session
from models.people import Asset, Caller
from tests.conftest import Org

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def hits(engine: Engine, text: str, limit: int = 20) -> list[tuple[uuid.UUID, str, str]]:
    return [(h.id, h.matched, h.detail) for h in lookup(engine, text, limit, now=NOW)]


# ----------------------------------------------------------------------------- starts


@pytest.fixture
def numbered(engine: Engine, org: Org) -> dict[str, uuid.UUID]:
    """Twelve tickets at HQ, HQ-000001 to HQ-000012, each from a caller of its own; assets
    LT-0001 (Alice's, from conftest), LT-0002 and lt-0100 (lower case), and PR-0001."""
    callers = {}
    with write_session(engine) as s:
        for n in range(1, 13):
            caller = Caller(name=f"Caller {n:02d}", site_id=org.hq)
            s.add(caller)
            s.flush()
            callers[f"HQ-{n:06d}"] = caller.id
        for tag, owner in (
            ("LT-0002", "HQ-000002"),
            ("lt-0100", "HQ-000003"),
            ("PR-0001", "HQ-000004"),
        ):
            s.add(Asset(tag=tag, site_id=org.hq, owner_id=callers[owner]))
    for number, caller_id in callers.items():
        ticket = create_ticket(
            engine,
            TicketDraft(summary="Screen flickers", site_id=org.hq, caller_id=caller_id),
            org.ann,
            now=NOW,
        )
        assert ticket.number == number
    return callers


@pytest.mark.parametrize("text", ["HQ-00001", "hq-00001", "HQ00001"])
def test_the_start_of_a_ticket_number_finds_its_tickets_after_the_exact_one(
    engine: Engine, numbered: dict[str, uuid.UUID], text: str
) -> None:
    # Read as a whole number it is HQ-000001; as a start, HQ-000010 to HQ-000012.
    assert hits(engine, text) == [
        (numbered["HQ-000001"], "ticket", "HQ-000001"),
        (numbered["HQ-000010"], "ticket", "HQ-000010"),
        (numbered["HQ-000011"], "ticket", "HQ-000011"),
        (numbered["HQ-000012"], "ticket", "HQ-000012"),
    ]


def test_a_short_start_lists_tickets_in_number_order_up_to_the_limit(
    engine: Engine, numbered: dict[str, uuid.UUID]
) -> None:
    found = hits(engine, "HQ-", limit=5)
    assert [detail for _id, _kind, detail in found] == [f"HQ-{n:06d}" for n in range(1, 6)]
    # The branch has no tickets; "br" still starts a word of a name (Zoe O'Brien).
    assert [kind for _id, kind, _detail in hits(engine, "BR-")] == ["name"]


def test_the_start_of_an_asset_tag_finds_its_assets_in_tag_order_whatever_the_case(
    engine: Engine, org: Org, numbered: dict[str, uuid.UUID]
) -> None:
    for text in ("LT-0", "lt-0", "Lt-0"):
        assert hits(engine, text) == [
            (org.alice, "asset", "LT-0001"),
            (numbered["HQ-000002"], "asset", "LT-0002"),
            (numbered["HQ-000003"], "asset", "lt-0100"),
        ]
    assert hits(engine, "PR-00") == [(numbered["HQ-000004"], "asset", "PR-0001")]


def test_an_exact_tag_comes_before_the_tags_it_starts(
    engine: Engine, org: Org, numbered: dict[str, uuid.UUID]
) -> None:
    with write_session(engine) as s:
        s.add(Asset(tag="LT-00021", site_id=org.hq, owner_id=org.zoe))
    assert hits(engine, "lt-0002") == [
        (numbered["HQ-000002"], "asset", "LT-0002"),
        (org.zoe, "asset", "LT-00021"),
    ]


@pytest.mark.parametrize("text", ["LT", "lo", "Caller", "ü-1"])
def test_names_and_non_ascii_text_list_no_tags(
    engine: Engine, numbered: dict[str, uuid.UUID], text: str
) -> None:
    assert all(kind != "asset" for _id, kind, _detail in hits(engine, text))


# ----------------------------------------------------------------------------- common words


SURNAMES = ("Adams", "Baker", "Clark", "Davis", "Evans", "Moreno", "Novak", "Price", "Zhou")


@pytest.fixture
def directory(engine: Engine, org: Org) -> list[tuple[str, uuid.UUID, str]]:
    """90 callers, all at example.com, and ten named Maria, bunched in the name order (after
    every "A..." to "L..." first name): (name, id, e-mail) of every caller in the database."""
    with write_session(engine) as s:
        for n in range(80):
            first = f"{chr(ord('A') + n % 12)}{'abcdefghij'[n // 12]}na"
            name = f"{first} {SURNAMES[n % len(SURNAMES)]}"
            s.add(Caller(name=name, email=f"{first.lower()}.{n}@example.com", site_id=org.hq))
        for n in range(10):
            s.add(
                Caller(name=f"Maria {SURNAMES[n % 9]}", email=f"m{n}@example.com", site_id=org.hq)
            )
    with read_session(engine) as s:
        rows = s.exec(select(col(Caller.name), col(Caller.id), col(Caller.email))).all()
    return [(name, caller_id, email or "") for name, caller_id, email in rows]


def first_by_name(people: list[tuple[str, uuid.UUID, str]], n: int) -> list[uuid.UUID]:
    return [caller_id for _name, caller_id, _email in sorted(people)[:n]]


def matching(
    people: list[tuple[str, uuid.UUID, str]], text: str
) -> list[tuple[str, uuid.UUID, str]]:
    """The callers whose name or e-mail has a word starting with each word of ``text`` (the
    test's own reading of the rule, for ASCII text)."""
    words = re.findall(r"[^\W_]+", text.lower())

    def starts(person: tuple[str, uuid.UUID, str]) -> bool:
        tokens = re.findall(r"[^\W_]+", f"{person[0]} {person[2]}".lower())
        return all(any(t.startswith(w) for t in tokens) for w in words)

    return [p for p in people if starts(p)]


@pytest.fixture(params=["walk", "walk cut short", "sort"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The three ways words are read, made to happen on a small directory: the walk in name
    order that finds enough; the walk cut short, then the sort; the sort of every match."""
    if request.param == "sort":
        monkeypatch.setattr(caller_lookup, "DENSE_MATCHES", 10_000)
        monkeypatch.setattr(caller_lookup, "SERVER_WALK", 0)
    else:
        walk = 1_000 if request.param == "walk" else 12
        monkeypatch.setattr(caller_lookup, "DENSE_MATCHES", 5)
        monkeypatch.setattr(caller_lookup, "WALK_BUDGET", walk)
        monkeypatch.setattr(caller_lookup, "SERVER_WALK", walk)
    yield request.param


@pytest.mark.parametrize("text", ["example", "@example.com", "example.com", "e", "com example"])
def test_a_word_every_caller_shares_lists_the_first_callers_by_name(
    engine: Engine, directory: list[tuple[str, uuid.UUID, str]], reading: str, text: str
) -> None:
    wanted = matching(directory, text)
    assert len(wanted) >= 90  # every caller of the directory, and some of conftest's
    found = lookup(engine, text, now=NOW)
    assert [h.id for h in found] == first_by_name(wanted, 20)


def test_a_first_name_bunched_in_the_name_order_lists_its_callers(
    engine: Engine, directory: list[tuple[str, uuid.UUID, str]], reading: str
) -> None:
    marias = [p for p in directory if p[0].startswith("Maria ")]
    found = lookup(engine, "mar", limit=5, now=NOW)
    assert [h.id for h in found] == first_by_name(marias, 5)
    assert [h.id for h in lookup(engine, "maria z", now=NOW)] == [
        caller_id for name, caller_id, _e in sorted(marias) if name.endswith("Zhou")
    ]


def test_two_letters_of_two_words_narrow_the_common_ones(
    engine: Engine, directory: list[tuple[str, uuid.UUID, str]], reading: str
) -> None:
    wanted = [p for p in directory if p[0].split()[1].startswith("No") and p[0][0] in "AB"]
    found = lookup(engine, "no a", now=NOW) + lookup(engine, "no b", now=NOW)
    assert sorted(h.id for h in found) == sorted(p[1] for p in wanted)


def test_a_single_digit_finds_the_ticket_it_numbers(engine: Engine, org: Org) -> None:
    ticket = create_ticket(
        engine, TicketDraft(summary="Printer jam", site_id=org.hq, caller_id=org.zoe), org.ann
    )
    assert ticket.number == "HQ-000001"
    assert hits(engine, "1") == [(org.zoe, "ticket", "HQ-000001")]
    assert hits(engine, "0") == []


def test_sqlite_reads_exact_addresses_and_employee_ids_from_indexes_that_ignore_case(
    engine: Engine,
) -> None:
    """Not through the index of words, which lists every address for "example"."""
    if not is_sqlite(engine):
        pytest.skip("PostgreSQL reads them through lower() indexes (migration 0003)")
    with engine.connect() as connection:
        for column, index in (
            ("email", "caller_fts_email"),
            ("employee_id", "caller_fts_employee_id"),
        ):
            plan = connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN SELECT id FROM caller WHERE {column} = 'x' COLLATE NOCASE"
            ).all()
            assert any(f"USING INDEX {index} " in row[-1] for row in plan), plan
