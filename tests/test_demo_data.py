"""Demo data generator (app/demo/) on every configured back end.

The generator bypasses the ticket service for speed, so these tests hold its rows to the
service's rules: SLA due dates computed by ``app.tickets.sla``, breach flags that follow from the
timestamps, the running deadline, gap-free numbers per site, consistent events; and they
prove the service can carry on editing a generated ticket.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, Table, select
from sqlmodel import col
from sqlmodel import select as sm_select

from app.callers.phones import canonical_digits, phone_region
from app.defaults import ensure_defaults, ensure_staff
from app.demo import DemoSpec, DemoSummary, _generate, as_of, generate, parse_as_of
from app.demo.catalog import _FIRST_NAMES, _LAST_NAMES
from app.demo.generator import _fold, _Generator
from app.demo.writers import _SqliteWriter, _Writer
from app.errors import SwitchboardError
from app.tickets import sla
from app.tickets.actions import change_status, update_ticket
from models.engine import is_sqlite, make_engine, read_session, write_session
from models.enums import Channel, EventKind, ShiftKind, StaffRole, TicketStatus
from models.migrate import upgrade
from models.org import Site, SlaPolicy, Staff, Team
from models.people import Asset, Caller, CallerPhone
from models.report_store import ReportStore
from models.schema import metadata
from models.tickets import Call, Ticket, TicketEvent
from tests.conftest import BACK_ENDS, migrated_database

S = TicketStatus
NOW = datetime(2026, 3, 18, 14, 30, tzinfo=UTC)  # a Wednesday afternoon
SPEC = DemoSpec(callers=200, tickets=1000, months=3, seed=7, now=NOW)
SMALL = DemoSpec(callers=60, tickets=300, months=2, seed=7, now=NOW)
BULK_TABLES = ("caller", "caller_phone", "asset", "ticket", "ticket_event", "call")


@dataclass
class Demo:
    """A generated database, loaded once per test for the invariant checks."""

    summary: DemoSummary
    tickets: list[Ticket]
    events: dict[uuid.UUID, list[TicketEvent]]
    sites: dict[uuid.UUID, Site]
    policies: dict[int, SlaPolicy]
    staff: dict[uuid.UUID, Staff]
    teams: dict[uuid.UUID, Team]
    callers: dict[uuid.UUID, Caller]


@pytest.fixture(scope="module", params=BACK_ENDS)
def shared_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One database per back end with SPEC generated into it, for the read-only checks
    (generating per test would make this file slow)."""
    with migrated_database(request.param, tmp_path_factory.mktemp("demo")) as engine:
        generate(engine, SPEC)
        yield engine


def _load(engine: Engine, summary: DemoSummary) -> Demo:
    with read_session(engine) as s:
        tickets = list(s.exec(sm_select(Ticket)).all())
        events: dict[uuid.UUID, list[TicketEvent]] = defaultdict(list)
        for event in s.exec(sm_select(TicketEvent).order_by(col(TicketEvent.at))).all():
            events[event.ticket_id].append(event)
        return Demo(
            summary=summary,
            tickets=tickets,
            events=events,
            sites={site.id: site for site in s.exec(sm_select(Site)).all()},
            policies={int(p.priority): p for p in s.exec(sm_select(SlaPolicy)).all()},
            staff={person.id: person for person in s.exec(sm_select(Staff)).all()},
            teams={team.id: team for team in s.exec(sm_select(Team)).all()},
            callers={caller.id: caller for caller in s.exec(sm_select(Caller)).all()},
        )


@pytest.fixture(scope="module")
def demo(shared_engine: Engine) -> Demo:
    """SPEC's data as loaded rows; the summary is rebuilt from the counts."""
    counts = {table: _count(shared_engine, table) for table in BULK_TABLES}
    summary = DemoSummary(
        sites=2,
        teams=5,
        staff=40,
        callers=counts["caller"],
        assets=counts["asset"],
        tickets=counts["ticket"],
        events=counts["ticket_event"],
        calls=counts["call"],
        seconds=0.0,
    )
    return _load(shared_engine, summary)


def _second_sqlite(tmp_path: Path, name: str) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade(engine)
    return engine


@pytest.fixture
def other_sqlite(tmp_path: Path) -> Iterator[Engine]:
    engine = _second_sqlite(tmp_path, "other.db")
    yield engine
    engine.dispose()


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return len(connection.execute(select(metadata.tables[table].c.id)).all())


def _rows(engine: Engine, table: str, order: str) -> list[tuple[Any, ...]]:
    """Every row of a table through Core (so UUIDs and timestamps come back typed)."""
    t: Table = metadata.tables[table]
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(t).order_by(t.c[order])).all()]


# ----------------------------------------------------------------------------- counts and shape


def test_counts_match_the_spec_and_the_database(engine: Engine) -> None:
    summary = generate(engine, SPEC)
    assert (summary.sites, summary.teams, summary.staff) == (2, 5, 40)
    assert summary.callers == 200 == _count(engine, "caller")
    assert summary.tickets == 1000 == _count(engine, "ticket")
    assert summary.events == _count(engine, "ticket_event")
    assert summary.calls == _count(engine, "call")
    assert summary.assets == _count(engine, "asset")
    # ~1.2 assets per caller plus shared printers and ~50 pieces of infrastructure.
    assert 200 * 1.0 + 50 <= summary.assets <= 200 * 1.4 + 70
    assert 3.5 <= summary.events / summary.tickets <= 5.5
    assert summary.seconds > 0


def test_reference_data(engine: Engine) -> None:
    generate(engine, SMALL, operator_username="me.at.desk")
    with read_session(engine) as s:
        sites = {site.code: site for site in s.exec(sm_select(Site)).all()}
        assert sites["HQ"].timezone == "Europe/London" and sites["HQ"].holiday_country == "GB"
        assert sites["NY"].timezone == "America/New_York"
        assert (sites["NY"].holiday_country, sites["NY"].holiday_subdiv) == ("US", "NY")
        assert sites["HQ"].business_hours["0"] == ["08:00", "18:00"]
        assert sites["NY"].business_hours["4"] == ["08:30", "17:30"]
        assert "5" not in sites["HQ"].business_hours
        teams = {team.name: team for team in s.exec(sm_select(Team)).all()}
        assert [name for name, team in teams.items() if team.is_service_desk] == ["Service desk"]
        assert {"Desktop support", "Network", "Servers", "Applications"} <= set(teams)
        staff = list(s.exec(sm_select(Staff)).all())
        assert len(staff) == 40 and len({p.username for p in staff}) == 40
        assert [p.role for p in staff].count(StaffRole.MANAGER) == 1
        me = next(p for p in staff if p.username == "me.at.desk")
        assert me.role == StaffRole.ADMIN and me.team_id == teams["Service desk"].id
        created_by_me = s.exec(sm_select(Ticket).where(Ticket.created_by_id == me.id)).first()
        assert created_by_me is not None
        assert len(s.exec(sm_select(SlaPolicy)).all()) == 4


def test_callers_phones_and_assets(engine: Engine) -> None:
    generate(engine, SMALL)
    with read_session(engine) as s:
        callers = list(s.exec(sm_select(Caller)).all())
        phones = list(s.exec(sm_select(CallerPhone)).all())
        assets = list(s.exec(sm_select(Asset)).all())
        sites = {site.id: site.code for site in s.exec(sm_select(Site)).all()}
        regions = {
            site.id: phone_region(site.holiday_country) for site in s.exec(sm_select(Site)).all()
        }
    assert len({c.email for c in callers}) == len(callers)
    assert len({c.employee_id for c in callers}) == len(callers)
    hq_share = sum(sites[c.site_id] == "HQ" for c in callers if c.site_id) / len(callers)
    assert 0.5 <= hq_share <= 0.9
    per_caller = Counter(p.caller_id for p in phones)
    assert set(per_caller) == {c.id for c in callers}
    assert set(per_caller.values()) <= {1, 2, 3}
    assert len({p.digits for p in phones}) == len(phones)
    caller_site = {c.id: sites[c.site_id] for c in callers if c.site_id}
    caller_region = {c.id: regions[c.site_id] for c in callers if c.site_id}
    for phone in phones:
        # The canonical form every writer stores: E.164 digits in the site's region.
        assert phone.digits == canonical_digits(phone.number, caller_region[phone.caller_id])
        if caller_site[phone.caller_id] == "HQ":
            assert phone.number.startswith("+44 ")
        else:
            assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", phone.number)
    assert len({a.tag for a in assets}) == len(assets)
    assert all(re.fullmatch(r"[A-Z]{2}-\d{6}", a.tag) for a in assets)
    unowned = [a for a in assets if a.owner_id is None]
    assert sum(a.tag[:2] in ("SV", "RT", "SW") for a in unowned) == 50


def test_names_include_accents_and_apostrophes() -> None:
    names = _FIRST_NAMES + _LAST_NAMES
    for needle in ("Müller", "O'Brien", "Łukasz", "José", "Zoë"):
        assert needle in names
    assert _fold("Łukasz") == "lukasz" and _fold("O'Brien") == "obrien"


# ----------------------------------------------------------------------------- determinism


def test_same_seed_gives_the_same_data(engine: Engine, other_sqlite: Engine) -> None:
    generate(engine, SPEC)
    generate(other_sqlite, SPEC)
    columns = ("number", "summary", "status", "priority", "created_at", "sla_due_at", "id")

    def snapshot(eng: Engine) -> list[tuple[Any, ...]]:
        t = metadata.tables["ticket"]
        with eng.connect() as connection:
            query = select(*(t.c[name] for name in columns)).order_by(t.c.number)
            return [tuple(row) for row in connection.execute(query).all()]

    first, second = snapshot(engine), snapshot(other_sqlite)
    assert len(first) == 1000 and first == second


def test_another_seed_gives_other_data(engine: Engine, other_sqlite: Engine) -> None:
    generate(engine, SPEC)
    generate(other_sqlite, DemoSpec(callers=200, tickets=1000, months=3, seed=8, now=NOW))
    assert _rows(engine, "ticket", "number") != _rows(other_sqlite, "ticket", "number")


def test_as_of_a_day_is_that_afternoon_in_utc() -> None:
    """Both demo sites are open then, in winter and in summer time."""
    assert parse_as_of("2026-11-30") == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert parse_as_of(" 2026-07-01 ") == as_of(date(2026, 7, 1))
    for moment in (parse_as_of("2026-11-30"), parse_as_of("2026-07-01")):
        london = moment.astimezone(ZoneInfo("Europe/London")).time()
        new_york = moment.astimezone(ZoneInfo("America/New_York")).time()
        assert time(8) <= london < time(18) and time(8, 30) <= new_york < time(17, 30)
    with pytest.raises(SwitchboardError, match="not a date: write it as YYYY-MM-DD"):
        parse_as_of("20261130")


@pytest.mark.parametrize("kind", BACK_ENDS)
def test_fast_path_writes_what_core_inserts_write(kind: str, tmp_path: Path) -> None:
    """The raw-driver path (SQLite's executemany, PostgreSQL's binary COPY) must store
    exactly what the type decorators would store, and leave the schema as it found it."""
    (tmp_path / "fast").mkdir()
    (tmp_path / "core").mkdir()
    spec = DemoSpec(callers=60, tickets=300, months=2, seed=3, now=NOW)
    with (
        migrated_database(kind, tmp_path / "fast") as fast,
        migrated_database(kind, tmp_path / "core") as core,
    ):
        schema = _definitions(fast)
        _generate(fast, spec, None, None, fast=True)
        _generate(core, spec, None, None, fast=False)
        assert _definitions(fast) == schema
        for table in (*BULK_TABLES, "vendor_escalation", "problem_event"):
            assert _rows(fast, table, "id") == _rows(core, table, "id"), table
        with fast.connect() as a, core.connect() as b:
            # As the driver reads them back (on SQLite the stored bytes and text formats).
            for table in ("ticket", "ticket_event"):
                query = f"SELECT * FROM {table} ORDER BY id"
                assert a.exec_driver_sql(query).all() == b.exec_driver_sql(query).all()


# ----------------------------------------------------------------------------- refusing


def test_refuses_a_database_with_tickets(engine: Engine) -> None:
    generate(engine, DemoSpec(callers=20, tickets=50, months=1, seed=1, now=NOW))
    with pytest.raises(SwitchboardError, match="demo data goes into an empty database only"):
        generate(engine, SPEC)


def test_refuses_a_database_with_a_caller(engine: Engine) -> None:
    with write_session(engine) as s:
        s.add(Caller(name="Real Person"))
    with pytest.raises(SwitchboardError, match="demo data goes into an empty database only"):
        generate(engine, SPEC)
    assert _count(engine, "ticket") == 0


def test_accepts_a_database_fresh_from_start_up(engine: Engine) -> None:
    """open_database adds a default site and desk team, and the GUI the user's staff row."""
    ensure_defaults(engine)
    me = ensure_staff(engine, "someone")
    summary = generate(engine, SMALL, operator_username="someone")
    assert summary.tickets == 300
    with read_session(engine) as s:
        assert len(s.exec(sm_select(Site)).all()) == 2
        mine = s.exec(sm_select(Staff).where(Staff.username == "someone")).all()
        assert [p.id for p in mine] == [me]
        assert len(s.exec(sm_select(Team).where(Team.name == "Service desk")).all()) == 1


@pytest.mark.parametrize("late", [False, True], ids=["while-loading", "after-the-indexes"])
def test_a_failed_load_leaves_the_database_empty_with_its_indexes(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, late: bool
) -> None:
    schema = _definitions(engine)

    def boom(self: object) -> int:
        raise RuntimeError("disk full")

    if late:  # everything was put back already: putting it back again must do nothing
        for writer in (_Writer, _SqliteWriter):
            monkeypatch.setattr(writer, "analyze", boom)
    else:
        monkeypatch.setattr(_Generator, "tickets", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(engine, SMALL)
    for table in BULK_TABLES:
        assert _count(engine, table) == 0
    assert _definitions(engine) == schema
    monkeypatch.undo()
    assert generate(engine, SMALL).tickets == 300


def test_report_figures_kept_before_the_load_are_forgotten(engine: Engine) -> None:
    """The fast paths load without the report_store triggers, so they must forget what the
    triggers would have: a month's figures counted while the database was empty."""
    with write_session(engine) as s:
        s.add(
            ReportStore(
                kind="summary",
                site_key="",
                first_day=date(2026, 2, 1),
                last_day=date(2026, 2, 28),
                lo=datetime(2026, 2, 1, tzinfo=UTC),
                hi=datetime(2026, 3, 1, tzinfo=UTC),
                with_backlog=True,
                reference="kept",
                made_at=NOW,
                body="{}",
            )
        )
    generate(engine, SMALL)
    assert _count(engine, "report_store") == 0


# ----------------------------------------------------------------------------- invariants


def test_running_deadline_and_waiting(demo: Demo) -> None:
    for t in demo.tickets:
        status = S(t.status)
        assert t.sla_due_at == sla.running_due(t), t.number
        if status.is_open and status != S.WAITING_CALLER:
            expected = t.response_due_at if t.first_response_at is None else t.resolution_due_at
            assert t.sla_due_at == expected and expected is not None
        else:
            assert t.sla_due_at is None
        assert (t.waiting_since is not None) == (status == S.WAITING_CALLER), t.number
        if status == S.NEW:
            assert t.first_response_at is None and t.assignee_id is None


def test_timestamps_are_ordered(demo: Demo) -> None:
    start = NOW - timedelta(days=31 * 3)
    for t in demo.tickets:
        assert start <= t.created_at < NOW
        assert t.updated_at <= NOW
        if t.first_response_at is not None:
            assert t.created_at <= t.first_response_at <= NOW
        status = S(t.status)
        if status == S.CLOSED:
            assert t.resolved_at is not None and t.closed_at is not None
            assert t.created_at <= t.resolved_at <= t.closed_at <= NOW
        elif status == S.RESOLVED:
            assert t.resolved_at is not None and t.closed_at is None
            assert t.created_at <= t.resolved_at
        else:
            assert t.resolved_at is None and t.closed_at is None
        if status in (S.RESOLVED, S.CLOSED):
            assert t.first_response_at is not None
        events = demo.events[t.id]
        assert t.updated_at == max(e.at for e in events)
        assert all(t.created_at <= e.at <= NOW for e in events)


def test_due_dates_are_the_services(demo: Demo) -> None:
    """Recomputed with app.tickets.sla exactly as the ticket actions do (pauses on top)."""
    for t in demo.tickets:
        policy = demo.policies[int(t.priority)]
        calendar = sla.policy_calendar(demo.sites[t.site_id], policy)
        response, resolution = sla.due_dates(t.created_at, policy, calendar)
        assert t.response_due_at == response, t.number
        if t.paused_minutes:
            resolution = calendar.add_business_minutes(resolution, t.paused_minutes)
        assert t.resolution_due_at == resolution, t.number


def test_breach_flags_follow_the_timestamps(demo: Demo) -> None:
    for t in demo.tickets:
        assert t.response_due_at is not None and t.resolution_due_at is not None
        responded_late = t.first_response_at is not None and t.first_response_at > t.response_due_at
        assert t.response_breached == responded_late, t.number
        if t.resolved_at is not None:
            assert t.resolution_breached == (t.resolved_at > t.resolution_due_at), t.number
    breached = sum(t.response_breached or t.resolution_breached for t in demo.tickets)
    assert 0.04 <= breached / len(demo.tickets) <= 0.16


def test_numbers_are_sequential_per_site(demo: Demo) -> None:
    by_site: dict[uuid.UUID, list[Ticket]] = defaultdict(list)
    for t in demo.tickets:
        by_site[t.site_id].append(t)
    assert len(by_site) == 2
    for site_id, tickets in by_site.items():
        site = demo.sites[site_id]
        tickets.sort(key=lambda t: t.number)
        assert [t.number for t in tickets] == [
            f"{site.code}-{n:06d}" for n in range(1, len(tickets) + 1)
        ]
        created = [t.created_at for t in tickets]
        assert created == sorted(created)
        assert site.next_ticket_seq == len(tickets) + 1


def test_rates_and_flags(demo: Demo) -> None:
    tickets = demo.tickets
    n = len(tickets)
    desk = next(team.id for team in demo.teams.values() if team.is_service_desk)
    fcr = [t for t in tickets if t.first_contact_resolution]
    assert fcr
    for t in fcr:
        assert t.channel in (Channel.PHONE, Channel.WALK_IN)
        assert t.team_id == desk and t.assignee_id == t.created_by_id
        assert t.resolved_at is not None
        assert t.resolved_at - t.created_at <= timedelta(minutes=10)
        assert not t.escalated and t.reopen_count == 0
    phone = [t for t in tickets if t.channel == Channel.PHONE]
    assert 0.1 <= sum(t.first_contact_resolution for t in phone) / len(phone) <= 0.3
    assert 0.01 <= sum(t.reopen_count > 0 for t in tickets) / n <= 0.1
    assert 0.06 <= sum(t.escalated for t in tickets) / n <= 0.2
    flagged = [t for t in tickets if t.manager_flagged]
    assert all(t.manager_flag_reason for t in flagged)
    assert all(not t.manager_flag_reason for t in tickets if not t.manager_flagged)
    channels = Counter(Channel(t.channel) for t in tickets)
    assert channels[Channel.PHONE] + channels[Channel.EMAIL] > n / 2
    assert channels[Channel.MONITORING] and channels[Channel.WALK_IN] and channels[Channel.PORTAL]
    statuses = Counter(S(t.status) for t in tickets)
    assert statuses[S.CLOSED] > n / 2
    assert sum(count for status, count in statuses.items() if status.is_open) > 0
    old = [t for t in tickets if t.created_at < NOW - timedelta(days=10)]
    assert sum(t.status == S.CLOSED for t in old) / len(old) > 0.9
    assert all(t.version == 1 for t in tickets)


def test_denormalised_names(demo: Demo) -> None:
    for t in demo.tickets:
        assert t.caller_name == (demo.callers[t.caller_id].name if t.caller_id else "")
        assert t.assignee_name == (demo.staff[t.assignee_id].name if t.assignee_id else "")
        assert t.team_name == (demo.teams[t.team_id].name if t.team_id else "")
        if t.channel == Channel.MONITORING:
            assert t.caller_id is None and t.created_by_id is None
        else:
            assert t.caller_id is not None


def test_events_tell_the_ticket_story(demo: Demo) -> None:
    kinds: Counter[EventKind] = Counter()
    for t in demo.tickets:
        events = demo.events[t.id]
        kinds.update(EventKind(e.kind) for e in events)
        created = [e for e in events if e.kind == EventKind.CREATED]
        assert len(created) == 1 and created[0].at == t.created_at, t.number
        assert all(e.ticket_version == 1 for e in events)
        assert all(e.actor_id is None or e.actor_id in demo.staff for e in events)
        assert all(e.actor_id is not None for e in events if e.kind != EventKind.CREATED)
        reopened = sum(e.kind == EventKind.REOPENED for e in events)
        assert reopened == t.reopen_count, t.number
        assert t.escalated == any(e.kind == EventKind.ESCALATED for e in events), t.number
        assert any(e.kind == EventKind.MANAGER_FLAGGED for e in events) == t.manager_flagged
        statuses = [e for e in events if e.kind == EventKind.STATUS_CHANGED]
        if statuses:
            assert statuses[-1].new_value == S(t.status).label, t.number
        if t.first_response_at is not None and not t.first_contact_resolution:
            first_staff = min(e.at for e in events if e.kind == EventKind.ASSIGNED)
            assert first_staff == t.first_response_at
    for kind in (
        EventKind.CREATED,
        EventKind.ASSIGNED,
        EventKind.STATUS_CHANGED,
        EventKind.NOTE,
        EventKind.ESCALATED,
        EventKind.REOPENED,
    ):
        assert kinds[kind] > 0, kind
    assert sum(e.minutes_spent for es in demo.events.values() for e in es) > 0


def test_calls(demo: Demo, shared_engine: Engine) -> None:
    with read_session(shared_engine) as s:
        calls = list(s.exec(sm_select(Call)).all())
    by_ticket = Counter(c.ticket_id for c in calls if c.ticket_id is not None)
    phone = {t.id: t for t in demo.tickets if t.channel == Channel.PHONE}
    assert set(by_ticket) == set(phone) and set(by_ticket.values()) == {1}
    assert any(c.ticket_id is None for c in calls)
    for call in calls:
        assert call.ended_at is not None and call.started_at <= call.ended_at <= NOW
        if call.ticket_id is not None:
            ticket = phone[call.ticket_id]
            assert call.caller_id == ticket.caller_id
            assert call.operator_id == ticket.created_by_id
            assert abs(call.started_at - ticket.created_at) < timedelta(minutes=5)


# ----------------------------------------------------------------------------- the database


def _definitions(engine: Engine) -> set[tuple[str, ...]]:
    """Every index and trigger of the database as the catalogue defines it, and on PostgreSQL
    every constraint (those of the engine's schema; SQLite keeps them in the table's DDL)."""
    with engine.connect() as connection:
        if is_sqlite(engine):
            rows = connection.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master"
                " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
            )
            return {tuple(row) for row in rows}
        rows = connection.exec_driver_sql(
            """SELECT 'index', indexname, indexdef FROM pg_indexes
                WHERE schemaname = current_schema()
            UNION ALL
            SELECT 'trigger', t.tgname, pg_get_triggerdef(t.oid)
              FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
            UNION ALL
            SELECT 'constraint', conrelid::regclass::text || '.' || conname,
                   pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"""
        )
        return {tuple(row) for row in rows}


def test_indexes_are_back_as_the_migration_made_them(engine: Engine) -> None:
    schema = _definitions(engine)
    generate(engine, SMALL)
    assert _definitions(engine) == schema
    expected = {str(ix.name) for ix in metadata.tables["ticket"].indexes}
    assert expected <= {name for kind, name, _ddl in schema if kind == "index"}
    assert len(expected) >= 17
    if is_sqlite(engine):
        with engine.connect() as connection:
            # The generator's own speed settings do not leak into the pool.
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert connection.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar()
            # The search triggers are back and the rebuilt indexes match their tables.
            for fts in ("ticket_fts", "caller_fts", "caller_phone_fts"):
                connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")


def test_progress_is_reported(engine: Engine) -> None:
    seen: list[tuple[str, int, int]] = []
    generate(engine, SMALL, progress=lambda *args: seen.append(args))
    stages = [stage for stage, _done, _total in seen]
    assert "Callers" in stages and "Tickets" in stages
    assert ("Tickets", 300, 300) in seen
    assert all(0 <= done <= total for _stage, done, total in seen)


# ----------------------------------------------------------------------------- the service on top


def test_the_ticket_service_works_on_generated_tickets(engine: Engine) -> None:
    demo = _load(engine, generate(engine, SMALL))
    open_ticket = next(
        t for t in demo.tickets if t.status in (S.ASSIGNED, S.IN_PROGRESS) and t.assignee_id
    )
    actor = open_ticket.assignee_id
    detail = update_ticket(
        engine, open_ticket.id, 1, {"summary": "Edited after the demo"}, actor, now=NOW
    )
    assert detail.version == 2 and detail.summary == "Edited after the demo"
    detail = change_status(engine, open_ticket.id, 2, S.RESOLVED, actor, note="Fixed it.", now=NOW)
    assert detail.version == 3 and detail.status == S.RESOLVED
    with read_session(engine) as s:
        ticket = s.get(Ticket, open_ticket.id)
        assert ticket is not None
        assert ticket.resolved_at == NOW and ticket.sla_due_at is None
        assert ticket.resolution_breached == (ticket.resolution_due_at < NOW)
        events = s.exec(sm_select(TicketEvent).where(TicketEvent.ticket_id == open_ticket.id)).all()
        versions = Counter(e.ticket_version for e in events)
        assert versions[1] == len(demo.events[open_ticket.id])
        assert versions[2] >= 1 and versions[3] >= 1

    closed = next(t for t in demo.tickets if t.status == S.CLOSED and t.reopen_count == 0)
    reopener = next(p.id for p in demo.staff.values() if p.role == StaffRole.TECHNICIAN)
    detail = change_status(
        engine, closed.id, 1, S.IN_PROGRESS, reopener, note="Back again.", now=NOW
    )
    assert detail.version == 2 and detail.status == S.IN_PROGRESS
    with read_session(engine) as s:
        reopened = s.get(Ticket, closed.id)
        assert reopened is not None and reopened.reopen_count == 1
        assert reopened.resolved_at is None and reopened.sla_due_at == reopened.resolution_due_at


# ------------------------------------------------------------------- the roster and training


def test_the_roster_and_training_log_look_like_a_real_team(shared_engine: Engine) -> None:
    from app.demo.roster import CONFLICT_WEEK, COURSES, WEEKS_BACK
    from app.roster.conflicts import ConflictKind
    from app.roster.local_time import monday_of
    from app.roster.week import week
    from app.training.matrix import CellState, training_matrix

    this_monday = monday_of(NOW.date())
    weeks = [week(shared_engine, this_monday - timedelta(weeks=n)) for n in range(WEEKS_BACK)]
    # Every site's desk and on-call rota are filled, week after week.
    for shown in weeks:
        kinds = {s.kind for row in shown.rows for day in row.days for s in day}
        assert {ShiftKind.DESK, ShiftKind.ON_CALL} <= kinds
    # A few real gaps in the cover, and the deliberate conflicts, for the manager to find.
    assert any(gap.site_code == "NY" for shown in weeks for gap in shown.gaps)
    conflicted = weeks[WEEKS_BACK - CONFLICT_WEEK]
    found = {conflict.kind for conflict in conflicted.conflicts}
    assert {ConflictKind.WORK_WHILE_AWAY, ConflictKind.SHORT_REST} <= found
    assert sum(len(shown.conflicts) for shown in weeks) < 60  # a few, not chaos

    matrix = training_matrix(shared_engine, today=NOW.date())
    assert len(matrix.rows) == 40 and len(matrix.courses) <= len(COURSES)
    states = {cell.state for row in matrix.rows for cell in row.cells}
    assert {CellState.VALID, CellState.EXPIRING, CellState.EXPIRED, CellState.MISSING} <= states
    held, required = matrix.compliance
    assert 0.6 <= held / required <= 0.95
