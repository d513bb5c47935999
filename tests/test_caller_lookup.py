"""Caller lookup (app/callers/lookup.py): phone numbers in any format, e-mail, ticket numbers,
asset tags, accent-folded name prefixes, ranking, flags, and text that must never raise, on
both back ends; the ``switchboard lookup`` command; the 0002 -> 0003 migration."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete
from sqlmodel import col

from app.callers import lookup as caller_lookup
from app.callers.lookup import CallerHit, clean, lookup
from app.callers.phones import canonical_digits, phone_candidates
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import is_sqlite, write_session
from models.people import Caller, CallerPhone
from models.tickets import Call
from tests.conftest import Org, database_at_revision

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HOSTILE = [
    '"',
    "'",
    "O'Brien",
    "o'bri",
    '"unterminated',
    'a"b"c',
    "-",
    "--",
    "-x",
    "jean-luc",
    ":",
    "name:alice",
    "email : x",
    "*",
    "**",
    "a*",
    "*a",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "alice AND NOT bob",
    "NEAR(a b, 2)",
    "(",
    ")",
    "[x]",
    "{name}: a",
    "^a",
    "+",
    "+ ()",
    "%",
    "_",
    "\\",
    "a\\%_b",
    ".*",
    "(?i)a",
    "\x00",
    "a\x00b",
    "\t\n",
    "🙂",
    "👩‍💻 alice",
    "\u0301",
    "ÿ" * 50,
    "9" * 40,
    "a" * 10_000,
    "alice " * 2000,
    "1" * 10_000,
    "@",
    "@@",
    "a@",
    "HQ-",
    "HQ-99999999999",
    "0",
    "+",
    "+0",
    "000",
]


def phone(caller_id: uuid.UUID, number: str, region: str = "GB") -> CallerPhone:
    """A number stored as every writer stores it: canonical digits in the site's region."""
    return CallerPhone(caller_id=caller_id, number=number, digits=canonical_digits(number, region))


@dataclass(frozen=True)
class People:
    alice: uuid.UUID  # Alice Müller, HQ, +44 20 7946 0018, laptop LT-0001, a ticket
    zoe: uuid.UUID  # Zoe O'Brien, VIP, New York, (555) 123-4567
    bob: uuid.UUID  # Bob Smith, employee E-1042, 555-1234, a call 40 days before NOW
    anna: uuid.UUID  # Anna Mullins, no phone
    ticket: str  # Alice's ticket number


@pytest.fixture
def people(engine: Engine, org: Org) -> People:
    with write_session(engine) as s:
        bob = Caller(
            name="Bob Smith",
            email="Bob.Smith@Example.org",
            employee_id="E-1042",
            department="Finance",
            site_id=org.hq,
        )
        anna = Caller(name="Anna Mullins", email="anna@example.net", site_id=org.branch)
        s.add_all([bob, anna])
        s.flush()
        s.add_all(
            [
                phone(org.alice, "+44 20 7946 0018"),
                phone(org.zoe, "(555) 123-4567", "US"),  # 15551234567
                phone(bob.id, "555-1234"),  # 445551234: possible in the UK
                Call(caller_id=bob.id, number="555-1234", started_at=NOW - timedelta(days=40)),
            ]
        )
        bob_id, anna_id = bob.id, anna.id
    ticket = create_ticket(
        engine,
        TicketDraft(summary="Screen flickers", site_id=org.hq, caller_id=org.alice),
        org.ann,
        now=NOW - timedelta(days=2),
    )
    return People(org.alice, org.zoe, bob_id, anna_id, ticket.number)


def found(engine: Engine, text: str, region: str = "GB") -> list[tuple[uuid.UUID, str]]:
    return [(hit.id, hit.matched) for hit in lookup(engine, text, now=NOW, region=region)]


def ids(engine: Engine, text: str) -> list[uuid.UUID]:
    return [hit.id for hit in lookup(engine, text, now=NOW)]


# ----------------------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(
    "text",
    [
        "+44 20 7946 0018",
        "0044 20 7946 0018",
        "020 7946 0018",
        "442079460018",
        "+442079460018",
        "(020) 7946-0018",
        "+44 (0)20 7946 0018",
    ],
)
def test_a_uk_number_in_any_format_finds_its_caller_first(
    engine: Engine, people: People, text: str
) -> None:
    assert found(engine, text)[0] == (people.alice, "phone")


@pytest.mark.parametrize(
    "text", ["+1 (555) 123-4567", "5551234567", "555.123.4567", "555 123 4567"]
)
def test_a_us_number_in_any_format_finds_its_caller(
    engine: Engine, people: People, text: str
) -> None:
    assert found(engine, text, region="US")[0] == (people.zoe, "phone")
    assert found(engine, text)[0] == (people.zoe, "phone")  # the raw digits, whatever region


def test_an_exact_number_ranks_before_one_that_merely_contains_it(
    engine: Engine, people: People
) -> None:
    hits = lookup(engine, "555-1234", now=NOW)
    assert [(h.id, h.matched, h.detail) for h in hits] == [
        (people.bob, "phone", "555-1234"),
        (people.zoe, "phone", "(555) 123-4567"),
    ]


def test_a_national_number_is_read_in_the_region_of_every_site(
    engine: Engine, people: People
) -> None:
    """Zoe sits in New York: her number typed the American way at a UK desk is an exact
    hit, before a number that merely contains its digits (and sorts first)."""
    with write_session(engine) as s:
        s.add(CallerPhone(caller_id=people.bob, number="1 1555 123 4567", digits="115551234567"))

    assert ids(engine, "(555) 123-4567")[:2] == [people.zoe, people.bob]


@pytest.mark.parametrize("text", ["7946", "946 00", "2079", "018"])
def test_digits_from_the_middle_of_a_number(engine: Engine, people: People, text: str) -> None:
    assert (people.alice, "phone") in found(engine, text)


def test_common_digits_rank_only_the_first_numbers_found_and_exact_hits_stay_first(
    engine: Engine, people: People, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    with write_session(engine) as s:
        for n in range(6):
            caller = Caller(name=f"Line {n}", site_id=org.hq)
            s.add(caller)
            s.flush()
            s.add(phone(caller.id, f"020 7946 10{n}0"))
    monkeypatch.setattr(caller_lookup, "CONTAINS_SCAN", 3)

    hits = lookup(engine, "7946", now=NOW)

    # Both back ends rank only the first three of the seven numbers containing 7946 (which
    # three may differ past CONTAINS_SCAN such numbers: the order their indexes find them).
    assert len(hits) == 3
    numbers = [h.detail for h in hits]
    assert numbers == sorted(numbers, key=lambda n: canonical_digits(n))
    assert found(engine, "020 7946 0018")[0] == (people.alice, "phone")


def test_fewer_than_three_digits_are_no_phone_search(engine: Engine, people: People) -> None:
    assert phone_candidates("55") == []
    assert all(matched != "phone" for _id, matched in found(engine, "55"))


def test_a_screen_pop_finds_a_number_stored_in_national_format(
    engine: Engine, people: People, org: Org
) -> None:
    """The phone system gives E.164; the caller was typed in as the operator says it."""
    with write_session(engine) as s:
        carl = Caller(name="Carl Nash", site_id=org.hq)
        s.add(carl)
        s.flush()
        s.add(phone(carl.id, "020 7946 0991"))
        carl_id = carl.id
    for text in ("+442079460991", "+44 20 7946 0991", "0044 20 7946 0991", "020 7946 0991"):
        assert found(engine, text) == [(carl_id, "phone")], text


@pytest.mark.parametrize("text", ["020 7946", "0207946", "00442079", "+44 20 79"])
def test_a_number_typed_in_part_with_its_prefix_finds_its_caller(
    engine: Engine, people: People, text: str
) -> None:
    """Type-ahead: the trunk "0" or the "00" of a half-typed number are not in the stored
    E.164 digits, so they are also tried without."""
    assert (people.alice, "phone") in found(engine, text)


def test_numbers_that_cannot_be_read_are_found_as_typed(
    engine: Engine, people: People, org: Org
) -> None:
    with write_session(engine) as s:
        desk = Caller(name="Reception Desk", site_id=org.hq)
        old = Caller(name="Old Row", site_id=org.branch)
        s.add_all([desk, old])
        s.flush()
        s.add(phone(desk.id, "4567"))  # an extension: stored as typed
        # Stored before numbers were canonical (or by an old writer): raw digits.
        s.add(CallerPhone(caller_id=old.id, number="(646) 555-0199", digits="6465550199"))
        desk_id, old_id = desk.id, old.id
    assert found(engine, "4567")[0] == (desk_id, "phone")
    for text in ("(646) 555-0199", "+1 646 555 0199", "6465550199"):
        assert found(engine, text, region="US")[0] == (old_id, "phone"), text


def test_phone_candidates_are_the_canonical_and_the_typed_digits() -> None:
    assert phone_candidates("0044 20 7946 0018") == ["442079460018", "00442079460018"]
    assert phone_candidates("020 7946 0018") == ["442079460018", "02079460018"]
    assert phone_candidates("+1 (555) 123-4567") == ["15551234567"]
    assert phone_candidates("555-1234", region="US") == ["5551234"]  # local only: as typed
    assert phone_candidates("call 555") == []
    assert phone_candidates("5551234", region="nowhere") == ["5551234"]


# ----------------------------------------------------------------------------- other keys


def test_email_is_exact_and_case_insensitive(engine: Engine, people: People) -> None:
    assert found(engine, "bob.smith@example.org") == [(people.bob, "email")]
    assert found(engine, "ALICE@EXAMPLE.ORG")[0] == (people.alice, "email")


def test_a_whole_email_that_is_found_adds_no_word_matches(engine: Engine, people: People) -> None:
    # Every word of the address also starts a word of this caller's name, but the exact
    # address already answered the question.
    with write_session(engine) as session:
        session.add(Caller(name="Alice Example Org", email="aeo@elsewhere.net"))
    assert found(engine, "alice@example.org") == [(people.alice, "email")]
    assert (people.alice, "email") in found(engine, "alice@example")  # partly typed: words


def test_an_email_stored_in_mixed_case_is_found_in_any_case(engine: Engine, people: People) -> None:
    with write_session(engine) as session:
        mixed = Caller(name="Mixed Case", email="Mixed.Case@Example.org")
        session.add(mixed)
        session.flush()
        mixed_id = mixed.id
    for text in ("mixed.case@example.org", "MIXED.CASE@EXAMPLE.ORG", "Mixed.Case@Example.org"):
        assert found(engine, text) == [(mixed_id, "email")]


def test_a_partly_typed_email_finds_by_word_prefix(engine: Engine, people: People) -> None:
    assert found(engine, "anna@exa") == [(people.anna, "email")]


def test_asset_tag_is_exact_and_case_insensitive(engine: Engine, people: People) -> None:
    for text in ("LT-0001", "lt-0001"):
        hits = lookup(engine, text, now=NOW)
        assert (hits[0].id, hits[0].matched, hits[0].detail) == (people.alice, "asset", "LT-0001")
    # The start of a tag finds it too (tests/test_lookup_at_scale.py), but not a name.
    assert all(h.matched != "asset" for h in lookup(engine, "LT", now=NOW))


@pytest.mark.parametrize("form", ["{n}", "hq{d}", "HQ-{n6}", "hq-0{d}", "{d}"])
def test_ticket_number_with_or_without_prefix_and_zeros(
    engine: Engine, people: People, form: str
) -> None:
    digits = str(int(people.ticket.split("-")[1]))
    text = form.format(n=people.ticket, d=digits, n6=people.ticket.split("-")[1])
    hits = lookup(engine, text, now=NOW)
    assert (hits[0].id, hits[0].matched, hits[0].detail) == (people.alice, "ticket", people.ticket)


def test_employee_id(engine: Engine, people: People) -> None:
    assert found(engine, "e-1042")[0] == (people.bob, "employee id")


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize("text", ["Muller", "müller", "MÜL", "mu", "alice mu", "mul ali"])
def test_name_words_by_prefix_accent_insensitive(engine: Engine, people: People, text: str) -> None:
    assert (people.alice, "name") in found(engine, text)


def test_name_hits_are_in_name_order(engine: Engine, people: People) -> None:
    assert ids(engine, "mul") == [people.alice, people.anna]
    assert ids(engine, "a") == [people.alice, people.anna]


def test_many_name_matches_come_in_the_same_name_order(
    engine: Engine, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    with write_session(engine) as s:
        s.add_all(Caller(name=f"Mullan {n:02d}") for n in range(30, 0, -1))
    sorted_hits = ids(engine, "mul")

    monkeypatch.setattr(caller_lookup, "DENSE_MATCHES", 3)  # now "many" on SQLite

    assert ids(engine, "mul") == sorted_hits
    assert len(sorted_hits) == 20 and sorted_hits[:2] == [people.alice, people.anna]


def test_apostrophes_and_hyphens_in_names(engine: Engine, people: People) -> None:
    for text in ("O'Brien", "o'bri", "obrien zoe", "brien", "zoe o"):
        if text == "obrien zoe":
            assert ids(engine, text) == []  # "obrien" starts no word of "Zoe O'Brien"
        else:
            assert ids(engine, text) == [people.zoe], text


def test_every_word_must_match(engine: Engine, people: People) -> None:
    assert ids(engine, "alice smith") == []
    assert ids(engine, "bob smi") == [people.bob]


def test_exact_hits_rank_before_name_prefixes(engine: Engine, people: People) -> None:
    with write_session(engine) as s:
        s.add(Caller(name="Lt Zero", email="lt@example.com"))
    hits = found(engine, "lt-0001")
    assert hits[0] == (people.alice, "asset")


# ----------------------------------------------------------------------------- flags and limit


def test_vip_recent_and_the_card_fields(engine: Engine, people: People, org: Org) -> None:
    [zoe] = lookup(engine, "zoe", now=NOW)
    assert zoe.vip and not zoe.recent and zoe.site_code == "NY"
    [alice] = lookup(engine, "alice", now=NOW)  # a ticket two days ago
    assert alice.recent and not alice.vip and alice.email == "alice@example.org"
    [alice_later] = lookup(engine, "alice", now=NOW + timedelta(days=40))
    assert not alice_later.recent
    [bob] = lookup(engine, "bob", now=NOW)  # a call 40 days ago
    assert not bob.recent and bob.department == "Finance"
    [bob_then] = lookup(engine, "bob", now=NOW - timedelta(days=20))
    assert bob_then.recent


def test_limit(engine: Engine, people: People) -> None:
    with write_session(engine) as s:
        s.add_all(Caller(name=f"Mullan {n:02d}") for n in range(30))
    assert len(lookup(engine, "mul", now=NOW)) == 20
    assert len(lookup(engine, "mul", limit=5, now=NOW)) == 5
    assert lookup(engine, "mul", limit=0, now=NOW) == []
    assert ids(engine, "mul")[:2] == [people.alice, people.anna]


def test_changes_to_callers_and_phones_are_seen(engine: Engine, people: People) -> None:
    with write_session(engine) as s:
        anna = s.get(Caller, people.anna)
        assert anna is not None
        anna.name = "Anna Petrović"
        s.add(phone(people.anna, "07700 900123", "US"))  # at the New York site: as typed
    with write_session(engine) as s:  # Bob leaves: his calls, phones, then himself
        s.execute(delete(Call).where(col(Call.caller_id) == people.bob))
        s.execute(delete(CallerPhone).where(col(CallerPhone.caller_id) == people.bob))
        s.execute(delete(Caller).where(col(Caller.id) == people.bob))
    assert ids(engine, "petrovic") == [people.anna]
    assert ids(engine, "mullins") == []
    assert ids(engine, "07700 900123") == [people.anna]
    assert ids(engine, "bob") == []
    assert ids(engine, "555-1234") == [people.zoe]


# ----------------------------------------------------------------------------- hostile text


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(engine: Engine, people: People, text: str) -> None:
    hits = lookup(engine, text, now=NOW)
    assert all(isinstance(hit, CallerHit) for hit in hits)


def test_blank_text_finds_nothing(engine: Engine, people: People) -> None:
    for text in ("", "   ", "\x00\x01", "\n"):
        assert lookup(engine, text, now=NOW) == []


def test_clean_caps_and_strips() -> None:
    assert clean("a\x00b\tc") == "a b c"
    assert len(clean("x" * 10_000)) == 200


@pytest.fixture(scope="module")
def module_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from tests.conftest import migrated_database

    with migrated_database("sqlite", tmp_path_factory.mktemp("lookup")) as engine:
        with write_session(engine) as s:
            zoe = Caller(name="Zoe O'Brien", email="zoe@example.org")
            s.add(zoe)
            s.flush()
            s.add(phone(zoe.id, "555 123 4567"))
        yield engine


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_no_text_raises_on_sqlite(module_engine: Engine, text: str) -> None:
    lookup(module_engine, text, now=NOW)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 +-()./*\"':@ANDOTR"), max_size=40))
def test_no_phone_like_text_raises_on_sqlite(module_engine: Engine, text: str) -> None:
    lookup(module_engine, text, now=NOW)


# ----------------------------------------------------------------------------- the command


def _cli_db(tmp_path: Path) -> str:
    from app import config
    from app.db_lifecycle import open_database

    url = config.to_url(str(tmp_path / "cli.db"))
    engine = open_database(url, create=True)
    with write_session(engine) as s:
        caller = Caller(name="Ingrid Sørensen", email="ingrid@example.org", vip=True)
        s.add(caller)
        s.flush()
        s.add(phone(caller.id, "+44 7700 900456"))
    engine.dispose()
    return str(tmp_path / "cli.db")


def test_lookup_command_prints_each_hit_with_its_phone_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    db = _cli_db(tmp_path)
    assert main(["--db", db, "lookup", "ingrid"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "Ingrid Sørensen" in lines[0] and "VIP" in lines[0]
    assert lines[1].strip() == "phones: +44 7700 900456 (work)"
    assert main(["--db", db, "lookup", "07700 900456", "--json"]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert hit["name"] == "Ingrid Sørensen" and hit["matched"] == "phone" and hit["vip"] is True
    assert main(["--db", db, "lookup", "nobody"]) == 0
    assert capsys.readouterr().out == "No caller matches 'nobody'.\n"
    assert main(["--db", db, "lookup", "nobody", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", db, "lookup", "'\"*", "--limit", "3"]) == 0


def test_lookup_command_refuses_a_bad_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    db = _cli_db(tmp_path)
    assert main(["--db", db, "lookup", "ingrid", "--limit", "0"]) == 2
    assert "--limit" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the migration


def test_upgrading_from_0002_makes_existing_callers_findable(tmp_path: Path) -> None:
    from models.migrate import head_revision, upgrade

    path = tmp_path / "old.db"
    engine = database_at_revision(path, "0002")
    with write_session(engine) as s:
        caller = Caller(name="Ólafur Jónsson", email="olafur@example.is")
        s.add(caller)
        s.flush()
        s.add(CallerPhone(caller_id=caller.id, number="+354 555 1234", digits="3545551234"))
        caller_id = caller.id
    assert is_sqlite(engine)
    assert upgrade(engine).current == head_revision()
    assert ids(engine, "olafur") == [caller_id]
    assert ids(engine, "jons") == [caller_id]
    assert ids(engine, "551") == [caller_id]
    assert ids(engine, "olafur@example.is") == [caller_id]
    [backup] = tmp_path.glob("backups/old.migration-0002-to-*.db")
    assert backup.exists()
