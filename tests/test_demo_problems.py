"""The demo's vendors, contracts, escalations and problems, and the incident patterns planted
for repeat-incident detection (app/demo/vendors.py, app/demo/problems.py), on every
configured back end: read back through the services that show them where they can be, so
what a manager sees is what these tests check."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col
from sqlmodel import select as sm_select

from app.demo import DemoSpec, _generate, generate
from app.demo.catalog import _CATEGORIES
from app.demo.generator import _Generator
from app.demo.problems import PROBLEMS, PlantedPattern, planted_patterns
from app.problems.known_errors import known_error_hints
from app.problems.records import CREATED, INCIDENT, KNOWN_ERROR_USED, problem_reference
from app.vendors.coverage import contracts_ending
from app.vendors.escalation import overdue_vendor_responses, vendor_response_due
from models.engine import make_engine, read_session
from models.enums import EventKind, ProblemStatus, StaffRole, TicketStatus
from models.migrate import upgrade
from models.org import Category, Site, Staff
from models.people import Asset, Caller
from models.problems import Problem, ProblemAsset, ProblemCategory, ProblemEvent
from models.schema import metadata
from models.tickets import Ticket, TicketEvent
from models.vendors import Contract, ContractAsset, ContractCategory, Vendor, VendorEscalation
from tests.conftest import BACK_ENDS, migrated_database

P = ProblemStatus
NOW = datetime(2026, 3, 18, 14, 30, tzinfo=UTC)  # a Wednesday afternoon
TODAY = NOW.date()
# The smallest demo the patterns are planted in.
SPEC = DemoSpec(callers=200, tickets=1000, months=3, seed=7, now=NOW)
TABLES = (
    "vendor",
    "contract",
    "contract_asset",
    "contract_category",
    "vendor_escalation",
    "problem",
    "problem_asset",
    "problem_category",
    "problem_event",
)


@dataclass
class Demo:
    engine: Engine
    tickets: list[Ticket]
    events: dict[uuid.UUID, list[TicketEvent]]
    sites: dict[uuid.UUID, Site]
    assets: dict[uuid.UUID, Asset]
    categories: dict[uuid.UUID | None, str]


@pytest.fixture(scope="module", params=BACK_ENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    with migrated_database(request.param, tmp_path_factory.mktemp("demo")) as engine:
        generate(engine, SPEC)
        with read_session(engine) as s:
            events: dict[uuid.UUID, list[TicketEvent]] = defaultdict(list)
            for event in s.exec(sm_select(TicketEvent).order_by(col(TicketEvent.at))).all():
                events[event.ticket_id].append(event)
            yield Demo(
                engine=engine,
                tickets=list(s.exec(sm_select(Ticket)).all()),
                events=events,
                sites={site.id: site for site in s.exec(sm_select(Site)).all()},
                assets={a.id: a for a in s.exec(sm_select(Asset)).all()},
                categories={c.id: c.name for c in s.exec(sm_select(Category)).all()},
            )


def _all(engine: Engine, model: Any) -> list[Any]:
    with read_session(engine) as s:
        return list(s.exec(sm_select(model)).all())


def _local_day(demo: Demo, ticket: Ticket) -> date:
    return ticket.created_at.astimezone(ZoneInfo(demo.sites[ticket.site_id].timezone)).date()


# ----------------------------------------------------------------------------- problems


def test_fifteen_problems_in_every_status(demo: Demo) -> None:
    problems = sorted(_all(demo.engine, Problem), key=lambda p: p.number)
    assert [p.number for p in problems] == list(range(1, 16))
    assert Counter(P(p.status) for p in problems) == {
        P.NEW: 2,
        P.INVESTIGATING: 3,
        P.ROOT_CAUSE_KNOWN: 2,
        P.KNOWN_ERROR: 4,
        P.RESOLVED: 2,
        P.CLOSED: 2,
    }
    with read_session(demo.engine) as s:
        roles = {p.id: p.role for p in s.exec(sm_select(Staff)).all()}
    assert all(roles[p.owner_id] in (StaffRole.TECHNICIAN, StaffRole.MANAGER) for p in problems)
    assert {roles[p.owner_id] for p in problems} == {StaffRole.TECHNICIAN, StaffRole.MANAGER}
    for p in problems:
        status = P(p.status)
        assert p.title and p.description and p.created_at < NOW
        assert bool(p.root_cause) == (status >= P.ROOT_CAUSE_KNOWN), p.number
        if status == P.KNOWN_ERROR:
            assert p.workaround, p.number
        assert (p.resolved_at is not None) == (status >= P.RESOLVED), p.number
        assert (p.closed_at is not None) == (status == P.CLOSED), p.number
        assert bool(p.permanent_fix) == (status >= P.RESOLVED), p.number
        if p.resolved_at is not None:
            assert p.created_at < p.resolved_at <= (p.closed_at or p.resolved_at) < NOW
    late = [
        p.number
        for p in problems
        if P(p.status).is_open and p.target_date is not None and p.target_date < TODAY
    ]
    assert late == [8, 10]
    covered = {c.problem_id for c in _all(demo.engine, ProblemCategory)}
    assert covered == {p.id for p in problems}
    affected: dict[int, set[str]] = defaultdict(set)
    numbers = {p.id: p.number for p in problems}
    for link in _all(demo.engine, ProblemAsset):
        affected[numbers[link.problem_id]].add(demo.assets[link.asset_id].tag)

    def tags(model: str = "", host: str = "") -> set[str]:
        return {
            a.tag
            for a in demo.assets.values()
            if (model and a.model == model) or (host and host in a.notes)
        }

    assert set(affected) <= {3, 6, 12}
    assert affected[3] and affected[3] == tags(host="-file-")
    assert affected[12] and affected[12] == tags(host="-sql-")
    assert affected[6] == tags(model="HP LaserJet M507")


def test_problem_trails_are_what_the_problem_service_writes(demo: Demo) -> None:
    trails: dict[uuid.UUID, list[ProblemEvent]] = defaultdict(list)
    for event in sorted(_all(demo.engine, ProblemEvent), key=lambda e: e.at):
        trails[event.problem_id].append(event)
    numbers = {t.number for t in demo.tickets}
    for p in _all(demo.engine, Problem):
        trail = trails[p.id]
        assert (trail[0].field, trail[0].new_value, trail[0].at) == (
            CREATED,
            problem_reference(p.number),
            p.created_at,
        )
        statuses = [e for e in trail if e.field == "status"]
        chain = [P.NEW.label, *(e.new_value for e in statuses)]
        assert [e.old_value for e in statuses] == chain[: len(statuses)]
        assert (statuses[-1].new_value if statuses else P.NEW.label) == P(p.status).label
        for event in statuses:
            needs = {
                P.ROOT_CAUSE_KNOWN.label: ("root cause", p.root_cause),
                P.KNOWN_ERROR.label: ("workaround", p.workaround),
                P.RESOLVED.label: ("permanent fix", p.permanent_fix),
            }.get(event.new_value)
            if needs is not None:
                before = [e for e in trail if e.at < event.at and e.field != INCIDENT]
                assert (before[-1].field, before[-1].new_value) == needs, p.number
        assert all(e.new_value in numbers for e in trail if e.field in (INCIDENT, KNOWN_ERROR_USED))
        saves = {e.at for e in trail if e.field != KNOWN_ERROR_USED}
        assert (p.version, p.updated_at) == (len(saves), max(saves)), p.number
        assert all(e.actor_id == p.owner_id for e in trail if e.field != KNOWN_ERROR_USED)


def test_incidents_are_linked_with_their_events(demo: Demo) -> None:
    problems = {p.id: p for p in _all(demo.engine, Problem)}
    incidents = {d.title: d.incidents for d in PROBLEMS}
    linked = [t for t in demo.tickets if t.problem_id is not None]
    assert len({t.problem_id for t in linked}) >= 8
    by_problem = Counter(t.problem_id for t in linked)
    for t in linked:
        problem = problems[t.problem_id]
        head, _, tail = incidents[problem.title].partition("{x}")
        assert t.summary.startswith(head) and t.summary.endswith(tail), t.number
        events = demo.events[t.id]
        reference = problem_reference(problem.number)
        links = [e for e in events if e.kind == EventKind.PROBLEM_LINKED]
        assert [(e.field, e.new_value) for e in links] == [("problem", reference)]
        used = [e for e in events if e.kind == EventKind.KNOWN_ERROR_USED]
        assert all(e.note == problem.workaround and e.at == links[0].at for e in used)
        assert t.updated_at == max(e.at for e in events)
    trails = Counter(
        e.problem_id
        for e in _all(demo.engine, ProblemEvent)
        if e.field in (INCIDENT, KNOWN_ERROR_USED)
    )
    assert trails == by_problem
    used_at_intake = {
        t.problem_id
        for t in linked
        if any(e.kind == EventKind.KNOWN_ERROR_USED for e in demo.events[t.id])
    }
    assert used_at_intake and all(problems[p].workaround for p in used_at_intake)
    # Nothing links a ticket the service would not have: no event without the ticket's link.
    assert not any(
        e.kind in (EventKind.PROBLEM_LINKED, EventKind.KNOWN_ERROR_USED)
        for t in demo.tickets
        if t.problem_id is None
        for e in demo.events[t.id]
    )


def test_known_errors_show_at_intake(demo: Demo) -> None:
    """Typing an everyday summary in an everyday category brings up the known error."""
    names = {name: category_id for category_id, name in demo.categories.items()}
    hints = known_error_hints(
        demo.engine, summary="VPN client error 809", category_id=names["VPN"], asset_id=None
    )
    assert hints and hints[0].reference == problem_reference(5)
    hints = known_error_hints(
        demo.engine,
        summary="Print jobs stuck in the queue on PR-002290",
        category_id=names["Printing"],
        asset_id=None,
    )
    assert hints[0].reference == problem_reference(6)


# ----------------------------------------------------------------------------- vendors


def test_vendors_and_contracts(demo: Demo) -> None:
    vendors = {v.id: v for v in _all(demo.engine, Vendor)}
    assert len(vendors) == 5
    assert all(
        v.support_phone and v.email and v.portal_url and v.account_number for v in vendors.values()
    )
    assert {v.kind for v in vendors.values()} >= {
        "Hardware maker",
        "Internet provider",
        "Software house",
    }
    contracts = {c.id: c for c in _all(demo.engine, Contract)}
    assert len(contracts) == 6
    for c in contracts.values():
        assert c.starts_on < c.ends_on and c.response_minutes and c.resolution_minutes
        assert c.cost is not None and c.cost > 0 and c.currency in ("GBP", "USD")
        assert c.around_the_clock == (not c.support_hours)
    assert sum(c.around_the_clock for c in contracts.values()) == 1
    assert {c.timezone for c in contracts.values()} == {"Europe/London", "America/New_York"}
    assert [c.number for c in contracts.values() if c.ends_on < TODAY] == ["BW-SUP-00912"]
    ending = contracts_ending(demo.engine, TODAY, 0)
    assert {(e.number, e.in_notice_period) for e in ending} == {
        ("PS-7781-2204", True),
        ("HMN-NYC-20931", True),
    }
    covered: dict[str, set[str]] = defaultdict(set)
    for link in _all(demo.engine, ContractAsset):
        covered[contracts[link.contract_id].number].add(demo.assets[link.asset_id].tag)
    printers = {a.tag for a in demo.assets.values() if a.tag.startswith("PR-")}
    assert covered["MPS-UK-0417"] == printers and "PR-900100" in printers
    dell = {a.tag for a in demo.assets.values() if a.model.startswith("Dell Latitude")}
    assert dell and dell <= covered["PS-7781-2204"]
    hq = next(site.id for site in demo.sites.values() if site.code == "HQ")
    routers = {a.tag for a in demo.assets.values() if a.tag.startswith("RT-") and a.site_id == hq}
    assert covered["FLB-LON-88213"] == routers
    categories = {
        (contracts[c.contract_id].number, demo.categories[c.category_id])
        for c in _all(demo.engine, ContractCategory)
    }
    assert ("MPS-UK-0417", "Printing") in categories and ("BW-SUP-01288", "VPN") in categories


def test_escalations_are_consistent(demo: Demo) -> None:
    escalations = _all(demo.engine, VendorEscalation)
    contracts = {c.id: c for c in _all(demo.engine, Contract)}
    covers = {(c.contract_id, c.category_id) for c in _all(demo.engine, ContractCategory)}
    by_ticket = {e.ticket_id: e for e in escalations}
    assert len(by_ticket) == len(escalations)  # one each
    tickets = {t.id: t for t in demo.tickets}
    for t in demo.tickets:
        if t.status == TicketStatus.WAITING_VENDOR:
            assert t.id in by_ticket, t.number
        e = by_ticket.get(t.id)
        if e is not None and t.status == TicketStatus.WAITING_VENDOR and e.responded_at is None:
            assert t.vendor_due_at == e.response_due_at, t.number
        else:
            assert t.vendor_due_at is None, t.number
    cases = Counter((e.vendor_id, e.case_number) for e in escalations)
    assert set(cases.values()) == {1}
    for e in escalations:
        ticket = tickets[e.ticket_id]
        assert e.ended_at is None and e.contact and e.escalated_by_id is not None
        contract = contracts[e.contract_id] if e.contract_id is not None else None
        assert contract is not None and contract.vendor_id == e.vendor_id
        assert contract.starts_on <= e.escalated_at.date() <= contract.ends_on
        assert (contract.id, ticket.category_id) in covers
        assert e.response_due_at == vendor_response_due(contract, e.escalated_at)
        kinds = [ev.kind for ev in demo.events[ticket.id]]
        assert kinds.count(EventKind.VENDOR_ESCALATED) == 1
        assert kinds.count(EventKind.VENDOR_RESPONDED) == (e.responded_at is not None)
        assert ticket.created_at <= e.escalated_at <= (e.responded_at or e.escalated_at) <= NOW
    answered = [e for e in escalations if e.responded_at is not None]
    assert answered and any(e.responded_at <= e.response_due_at for e in answered)
    overdue = overdue_vendor_responses(demo.engine, NOW)
    assert any(
        o.vendor_name == "Meridian Print Services" and o.summary.startswith("Fuser unit failure")
        for o in overdue
    )
    not_yet = [t.summary for t in demo.tickets if t.vendor_due_at and t.vendor_due_at > NOW]
    assert "Internet line at the New York office dropping packets" in not_yet


# ----------------------------------------------------------------------------- patterns


def _pool(demo: Demo, pattern: PlantedPattern) -> set[uuid.UUID]:
    """The callers a pattern's incidents are spread over."""
    if pattern.asset_model is not None and pattern.asset_tag is None:
        return {
            a.owner_id
            for a in demo.assets.values()
            if a.model == pattern.asset_model and a.owner_id is not None
        }
    site = next(s.id for s in demo.sites.values() if s.code == pattern.site)
    return {c.id for c in _all(demo.engine, Caller) if c.site_id == site}


def test_the_planted_patterns_are_there_as_documented(demo: Demo) -> None:
    patterns = {p.key: p for p in planted_patterns(SPEC)}
    assert set(patterns) == {"weekly-printer", "vpn-burst", "battery-fault"}
    window_start = TODAY - timedelta(days=90)
    for pattern in patterns.values():
        tickets = sorted(
            (t for t in demo.tickets if pattern.word.casefold() in t.summary.casefold()),
            key=lambda t: t.created_at,
        )
        if pattern.key == "vpn-burst":  # the everyday VPN tickets say "VPN" too
            tickets = [t for t in tickets if "since this morning" in t.summary]
        assert len(tickets) == pattern.count, pattern.key
        assert sorted({_local_day(demo, t) for t in tickets}) == list(pattern.days)
        assert all(window_start <= day < TODAY for day in pattern.days)
        assert {demo.categories[t.category_id] for t in tickets} == {pattern.category}
        assert all(t.problem_id is None for t in tickets), pattern.key
        callers = {t.caller_id for t in tickets}
        assert len(callers) == min(pattern.count, len(_pool(demo, pattern))), pattern.key
        sites = {demo.sites[t.site_id].code for t in tickets}
        assert sites == {pattern.site} if pattern.site else sites <= {"HQ", "NY"}
        if pattern.asset_tag is not None:
            assert {demo.assets[t.asset_id].tag for t in tickets if t.asset_id} == {
                pattern.asset_tag
            }
        if pattern.key == "battery-fault":
            for t in tickets:
                laptop = demo.assets[t.asset_id] if t.asset_id else None
                assert laptop is not None and laptop.owner_id == t.caller_id
                assert laptop.model == pattern.asset_model and laptop.tag in t.summary
                assert "battery" in t.summary.casefold()
        if pattern.key == "vpn-burst":
            assert len(set(pattern.days)) == 2 and all(t.asset_id is None for t in tickets)
    printer = patterns["weekly-printer"]
    assert [d.weekday() for d in printer.days] == [1] * 10
    assert printer.days[-1] == TODAY - timedelta(days=TODAY.weekday() + 6)
    first = TODAY - timedelta(days=3 + 5 * 7 + 6)  # the battery fault's first week
    battery = [t for t in demo.tickets if "swollen" in t.summary.casefold()]
    weeks = Counter((_local_day(demo, t) - first).days // 7 for t in battery)
    assert [weeks[w] for w in sorted(weeks)] == [1, 1, 2, 3, 7, 10]
    assert patterns["vpn-burst"].count == 30


def test_big_demos_plant_more_of_the_burst_and_small_ones_none() -> None:
    big = DemoSpec(callers=20_000, tickets=1_000_000, months=12, seed=1, now=NOW)
    burst = next(p for p in planted_patterns(big) if p.key == "vpn-burst")
    assert burst.count == 1029
    assert planted_patterns(DemoSpec(callers=60, tickets=300, months=2, seed=7, now=NOW)) == ()
    with pytest.raises(ValueError, match=r"spec\.now"):
        planted_patterns(DemoSpec())


def test_every_problem_links_an_everyday_summary() -> None:
    templates = {c.name: {t.partition("|")[0] for t in c.templates} for c in _CATEGORIES}
    for d in PROBLEMS:
        assert d.incidents in templates[d.category], d.title


# ----------------------------------------------------------------------------- the load


def _rows(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    t = metadata.tables[table]
    key = list(t.primary_key.columns)
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(t).order_by(*key)).all()]


def test_same_seed_same_rows_on_either_sqlite_path(tmp_path: Path) -> None:
    """Deterministic for a seed, and the raw-driver path stores what Core would."""
    fast, core = (make_engine(f"sqlite:///{tmp_path / name}") for name in ("a.db", "b.db"))
    for engine, is_fast in ((fast, True), (core, False)):
        upgrade(engine)
        _generate(engine, SPEC, None, None, fast=is_fast)
    for table in TABLES:
        assert _rows(fast, table) == _rows(core, table), table
    with fast.connect() as a, core.connect() as b:
        for table in ("vendor_escalation", "problem_event", "ticket"):
            query = f"SELECT * FROM {table} ORDER BY id"
            assert a.exec_driver_sql(query).all() == b.exec_driver_sql(query).all(), table
    fast.dispose()
    core.dispose()


def test_a_failed_load_leaves_no_vendor_or_problem(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(_Generator, "finish", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(engine, SPEC)
    with engine.connect() as connection:
        for table in TABLES:
            t = metadata.tables[table]
            assert connection.execute(select(t)).first() is None, table
