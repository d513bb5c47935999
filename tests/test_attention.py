"""Escalation to management (app/attention): each rule raises its case and not the near
misses, a disabled rule raises nothing, an item is added once however many workstations
evaluate at once, acknowledging records who and when and is refused twice, only a manager
sets the rules and acknowledges, and the rules' reads are ranges of indexes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, func, select, text, update
from sqlmodel import col

from app.attention.evaluate import LOOKBACK, NewItem, evaluate, find_new, record
from app.attention.items import acknowledge, attention_list, unacknowledged_count
from app.attention.rules import MAX_MINUTES, RuleKey, RuleSetting, current_rules, set_rule
from app.errors import PermissionDenied, ValidationError
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, change_status, create_ticket
from app.tickets.detail import TicketDetail
from models.attention import AttentionItem
from models.engine import is_sqlite, make_engine, write_session
from models.enums import Priority, ProblemStatus, TicketStatus
from models.problems import Problem
from models.tickets import Ticket
from tests.conftest import NOW, Org, make_org, migrated_database
from tests.test_server_rules import Server, server  # noqa: F401  (the fixture)

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def ticket(
    engine: Engine,
    org: Org,
    summary: str,
    *,
    caller: uuid.UUID | None = None,
    created: datetime = NOW - 2 * HOUR,
    **columns: Any,
) -> TicketDetail:
    """A ticket logged by Ann at ``created`` (an everyday P3 of Alice's at HQ unless told),
    then given ``columns`` as they are, to put it exactly where a case needs it."""
    draft = TicketDraft(summary=summary, caller_id=caller or org.alice)
    detail = create_ticket(engine, draft, org.ann, now=created)
    if columns:
        with write_session(engine) as session:
            session.execute(update(Ticket).where(col(Ticket.id) == detail.id).values(**columns))
    return detail


def problem(engine: Engine, number: int, status: ProblemStatus, target: date | None) -> None:
    with write_session(engine) as session:
        session.add(
            Problem(number=number, title=f"Problem {number}", status=status, target_date=target)
        )


def reasons(items: list[NewItem], rule: RuleKey) -> dict[str, str]:
    """What ``rule`` raised: the subject's reference -> the reason."""
    return {item.reference: item.reason for item in items if item.rule is rule}


# -- each rule, its case and its near misses -----------------------------------------------------


def test_a_p1_open_longer_than_the_threshold(engine: Engine, org: Org) -> None:
    late = ticket(
        engine, org, "Core switch down", created=NOW - 47 * MINUTE, priority=Priority.CRITICAL
    )
    longer = ticket(
        engine, org, "Mail down", created=NOW - 135 * MINUTE, priority=Priority.CRITICAL
    )
    ticket(engine, org, "Phones down", created=NOW - 29 * MINUTE, priority=Priority.CRITICAL)
    ticket(engine, org, "Printer slow", created=NOW - 2 * HOUR, priority=Priority.HIGH)
    ticket(
        engine,
        org,
        "Fixed fast",
        created=NOW - 2 * HOUR,
        priority=Priority.CRITICAL,
        status=TicketStatus.RESOLVED,
        sla_due_at=None,
    )
    assert reasons(evaluate(engine, NOW), RuleKey.P1_OPEN) == {
        late.number: "P1 open for 47 minutes",
        longer.number: "P1 open for 2 h 15 min",
    }


def test_a_p1_through_the_service_breaches_its_response_without_anyone_recording_it(
    engine: Engine, org: Org
) -> None:
    """Logged as a P1 at 09:00 (response due in 15 minutes, around the clock) and left
    alone: at 10:00 it is on the list twice, though nothing recorded the breach."""
    draft = TicketDraft(summary="Core switch down", caller_id=org.alice, impact=1, urgency=1)
    detail = create_ticket(engine, draft, org.ann, now=NOW - HOUR)
    assert detail.priority == Priority.CRITICAL and not detail.response_breached
    added = evaluate(engine, NOW)
    assert reasons(added, RuleKey.P1_OPEN) == {detail.number: "P1 open for 1 h"}
    assert reasons(added, RuleKey.SLA_BREACH) == {detail.number: "Response target missed at 09:15"}


def test_any_sla_breach_of_an_open_ticket_in_its_site_s_time(engine: Engine, org: Org) -> None:
    unnoticed = ticket(
        engine,
        org,
        "No answer yet",
        response_due_at=NOW - 30 * MINUTE,
        sla_due_at=NOW - 30 * MINUTE,
    )
    running = ticket(
        engine,
        org,
        "Still broken",
        first_response_at=NOW - 90 * MINUTE,
        resolution_due_at=NOW - 5 * MINUTE,
        sla_due_at=NOW - 5 * MINUTE,
    )
    answered_late = ticket(
        engine,
        org,
        "Answered late",
        first_response_at=NOW - HOUR,
        response_due_at=NOW - 90 * MINUTE,
        response_breached=True,
        sla_due_at=NOW + 3 * HOUR,
    )
    reopened = ticket(
        engine,
        org,
        "Resolved late, back again",
        first_response_at=NOW - 2 * DAY,
        resolution_due_at=NOW - DAY,
        resolution_breached=True,
        sla_due_at=NOW + 3 * HOUR,
    )
    in_new_york = ticket(
        engine,
        org,
        "Branch VPN",
        caller=org.zoe,
        response_due_at=NOW - HOUR,
        sla_due_at=NOW - HOUR,
    )
    # Near misses: resolved late (history, not something to act on), and due in a minute.
    ticket(
        engine,
        org,
        "Resolved late",
        status=TicketStatus.RESOLVED,
        resolution_due_at=NOW - DAY,
        resolution_breached=True,
        response_breached=True,
        sla_due_at=None,
    )
    ticket(engine, org, "Nearly due", response_due_at=NOW + MINUTE, sla_due_at=NOW + MINUTE)
    ticket(engine, org, "Everyday")  # due this afternoon
    assert reasons(evaluate(engine, NOW), RuleKey.SLA_BREACH) == {
        unnoticed.number: "Response target missed at 09:30",
        running.number: "Resolution target missed at 09:55",
        answered_late.number: "Response target missed at 08:30",
        reopened.number: "Resolution target missed at 2026-11-23 10:00",
        in_new_york.number: "Response target missed at 04:00",  # New York time
    }


def _resolved_then_reopened(
    engine: Engine, org: Org, caller: uuid.UUID, reopened_at: datetime
) -> TicketDetail:
    detail = ticket(engine, org, "Laptop will not boot", caller=caller, created=reopened_at - HOUR)
    resolved = change_status(
        engine,
        detail.id,
        detail.version,
        TicketStatus.RESOLVED,
        org.ann,
        "Reseated the RAM",
        now=reopened_at - 30 * MINUTE,
    )
    return change_status(
        engine,
        detail.id,
        resolved.version,
        TicketStatus.IN_PROGRESS,
        org.bob,
        "Dead again",
        now=reopened_at,
    )


def test_a_vip_caller_s_ticket_reopened_in_the_lookback(engine: Engine, org: Org) -> None:
    vip = _resolved_then_reopened(engine, org, org.zoe, NOW - HOUR)
    _resolved_then_reopened(engine, org, org.alice, NOW - HOUR)  # not a VIP
    _resolved_then_reopened(engine, org, org.zoe, NOW - LOOKBACK - MINUTE)  # too long ago
    assert reasons(evaluate(engine, NOW), RuleKey.VIP_REOPENED) == {
        vip.number: "Reopened by Bob Tech; caller Zoe O'Brien is a VIP"
    }


def test_a_problem_past_its_target_date(engine: Engine, org: Org) -> None:
    problem(engine, 12, ProblemStatus.INVESTIGATING, date(2026, 11, 21))
    problem(engine, 15, ProblemStatus.KNOWN_ERROR, date(2026, 11, 23))
    problem(engine, 13, ProblemStatus.NEW, date(2026, 11, 24))  # due today
    problem(engine, 14, ProblemStatus.RESOLVED, date(2026, 11, 1))  # resolved, though late
    problem(engine, 16, ProblemStatus.CLOSED, date(2026, 10, 1))
    problem(engine, 17, ProblemStatus.NEW, None)  # no target
    added = evaluate(engine, NOW)
    assert reasons(added, RuleKey.PROBLEM_OVERDUE) == {
        "PRB-000012": "3 days past its target date 2026-11-21",
        "PRB-000015": "1 day past its target date 2026-11-23",
    }
    assert {item.title for item in added} == {"Problem 12", "Problem 15"}


def test_a_disabled_rule_adds_nothing_and_the_others_still_run(engine: Engine, org: Org) -> None:
    ticket(engine, org, "Core switch down", created=NOW - HOUR, priority=Priority.CRITICAL)
    problem(engine, 12, ProblemStatus.INVESTIGATING, date(2026, 11, 21))
    set_rule(engine, RuleKey.P1_OPEN, False, None, org.mia, NOW)
    assert {item.rule for item in evaluate(engine, NOW)} == {RuleKey.PROBLEM_OVERDUE}
    # Turned on again, the P1 rule raises what it missed meanwhile.
    set_rule(engine, RuleKey.P1_OPEN, True, None, org.mia, NOW)
    assert {item.rule for item in evaluate(engine, NOW + MINUTE)} == {RuleKey.P1_OPEN}


def test_a_changed_threshold_is_the_one_evaluated(engine: Engine, org: Org) -> None:
    detail = ticket(
        engine, org, "Core switch down", created=NOW - 20 * MINUTE, priority=Priority.CRITICAL
    )
    assert evaluate(engine, NOW) == []
    set_rule(engine, RuleKey.P1_OPEN, True, 15, org.mia, NOW)
    assert reasons(evaluate(engine, NOW), RuleKey.P1_OPEN) == {
        detail.number: "P1 open for 20 minutes"
    }


# -- once, however many evaluate -------------------------------------------------------------------


def _everything(engine: Engine, org: Org) -> set[tuple[RuleKey, str]]:
    """One case of every rule; what they raise, by rule and reference."""
    p1 = ticket(engine, org, "Core switch down", created=NOW - HOUR, priority=Priority.CRITICAL)
    late = ticket(engine, org, "No answer", response_due_at=NOW - HOUR, sla_due_at=NOW - HOUR)
    vip = _resolved_then_reopened(engine, org, org.zoe, NOW - HOUR)
    problem(engine, 12, ProblemStatus.INVESTIGATING, date(2026, 11, 21))
    return {
        (RuleKey.P1_OPEN, p1.number),
        (RuleKey.SLA_BREACH, late.number),
        (RuleKey.VIP_REOPENED, vip.number),
        (RuleKey.PROBLEM_OVERDUE, "PRB-000012"),
    }


def _raised(items: list[NewItem]) -> set[tuple[RuleKey, str]]:
    return {(item.rule, item.reference) for item in items}


def _stored(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(AttentionItem)).scalar_one())


def test_evaluating_twice_adds_once(engine: Engine, org: Org) -> None:
    expected = _everything(engine, org)
    first = evaluate(engine, NOW)
    assert _raised(first) == expected and len(first) == len(expected)
    assert all(item.raised_at == NOW for item in first)
    assert evaluate(engine, NOW + MINUTE) == []
    assert _stored(engine) == len(expected)
    assert {(e.reference, e.raised_at) for e in attention_list(engine)} == {
        (reference, NOW) for _rule, reference in expected
    }


@pytest.fixture
def other_engine(engine: Engine) -> Iterator[Engine]:
    """A second workstation: an engine of its own, with its own connections, on the same
    database (the same SQLite file, or the same PostgreSQL schema)."""
    url = engine.url.render_as_string(hide_password=False)
    if is_sqlite(engine):
        other = make_engine(url)
    else:
        with engine.connect() as connection:
            schema = connection.scalar(text("SELECT current_schema()"))
        other = create_engine(url, connect_args={"options": f"-csearch_path={schema},public"})
    yield other
    other.dispose()


def test_a_workstation_that_read_the_rules_before_another_added_adds_nothing(
    engine: Engine, other_engine: Engine, org: Org
) -> None:
    """The race made to happen: this workstation has read what is new, the other one
    evaluates and adds it all, then this one records what it read: nothing is added twice,
    nothing fails, and this one is told it added nothing (so it does not notify)."""
    expected = _everything(engine, org)
    read_here = find_new(engine, NOW)
    assert _raised(read_here) == expected
    assert _raised(evaluate(other_engine, NOW)) == expected
    assert record(engine, read_here) == []
    assert _stored(engine) == len(expected)


def test_two_workstations_evaluating_at_once_add_each_item_once(
    engine: Engine, other_engine: Engine, org: Org
) -> None:
    expected = _everything(engine, org)
    start = threading.Barrier(2)
    added: dict[int, list[NewItem]] = {}
    failed: list[BaseException] = []

    def workstation(which: int, eng: Engine) -> None:
        try:
            start.wait()
            added[which] = evaluate(eng, NOW)
        except BaseException as error:  # handed to the test's thread
            failed.append(error)

    threads = [
        threading.Thread(target=workstation, args=(n, e))
        for n, e in enumerate((engine, other_engine))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    both = added[0] + added[1]
    assert _raised(both) == expected and len(both) == len(expected)  # each told once
    assert _stored(engine) == len(expected)


# -- the list and its acknowledgement ----------------------------------------------------------


def test_the_list_unacknowledged_first_newest_first(engine: Engine, org: Org) -> None:
    problem(engine, 12, ProblemStatus.INVESTIGATING, date(2026, 11, 21))
    evaluate(engine, NOW)
    p1 = ticket(engine, org, "Core switch down", created=NOW - HOUR, priority=Priority.CRITICAL)
    evaluate(engine, NOW + MINUTE)
    problem(engine, 15, ProblemStatus.NEW, date(2026, 11, 20))
    evaluate(engine, NOW + 2 * MINUTE)
    assert [e.reference for e in attention_list(engine)] == ["PRB-000015", p1.number, "PRB-000012"]
    assert unacknowledged_count(engine) == 3

    newest = attention_list(engine)[0]
    acknowledge(engine, newest.id, org.mia, NOW + HOUR)
    assert [e.reference for e in attention_list(engine)] == [p1.number, "PRB-000012"]
    everything = attention_list(engine, include_acknowledged=True)
    assert [e.reference for e in everything] == [p1.number, "PRB-000012", "PRB-000015"]
    assert [e.reference for e in attention_list(engine, include_acknowledged=True, limit=2)] == [
        p1.number,
        "PRB-000012",
    ]
    assert unacknowledged_count(engine) == 2
    entry = everything[0]
    assert (entry.rule, entry.rule_label, entry.title, entry.ticket_id) == (
        RuleKey.P1_OPEN.value,
        "P1 open too long",
        "Core switch down",
        p1.id,
    )
    assert (entry.problem_id, entry.acknowledged_by, entry.acknowledged_at) == (None, "", None)


def test_acknowledging_records_who_and_when_and_is_refused_twice(engine: Engine, org: Org) -> None:
    problem(engine, 12, ProblemStatus.INVESTIGATING, date(2026, 11, 21))
    (item,) = evaluate(engine, NOW)
    seen = acknowledge(engine, item.id, org.mia, NOW + 5 * MINUTE)
    assert (seen.acknowledged_by, seen.acknowledged_at) == ("Mia Manager", NOW + 5 * MINUTE)
    assert seen.acknowledged and seen.reason == item.reason and seen.reference == "PRB-000012"
    with pytest.raises(ValidationError) as twice:
        acknowledge(engine, item.id, org.ada, NOW + HOUR)
    assert twice.value.problems == {
        "item": "Mia Manager acknowledged it already, at 2026-11-24 10:05 UTC; nothing was changed."
    }
    (stored,) = attention_list(engine, include_acknowledged=True)
    assert (stored.acknowledged_by, stored.acknowledged_at) == ("Mia Manager", NOW + 5 * MINUTE)


def test_an_operator_cannot_acknowledge_or_set_rules_but_evaluates(
    engine: Engine, org: Org
) -> None:
    ticket(engine, org, "Core switch down", created=NOW - HOUR, priority=Priority.CRITICAL)
    (item,) = evaluate(engine, NOW)  # nobody signed in is named: any workstation does it
    for person in (org.ann, org.bob):
        with pytest.raises(PermissionDenied) as refused:
            acknowledge(engine, item.id, person, NOW)
        assert str(refused.value) == refusal(Action.ACKNOWLEDGE_ATTENTION)
        with pytest.raises(PermissionDenied) as refused:
            set_rule(engine, RuleKey.P1_OPEN, False, None, person, NOW)
        assert str(refused.value) == refusal(Action.SET_ATTENTION_RULES)
    assert unacknowledged_count(engine) == 1
    assert all(rule.enabled and rule.is_default for rule in current_rules(engine))
    assert acknowledge(engine, item.id, org.ada, NOW).acknowledged_by == "Ada Admin"


# -- the rules' settings -----------------------------------------------------------------------


def test_the_rules_run_as_their_defaults_until_a_manager_sets_them(
    engine: Engine, org: Org
) -> None:
    defaults = current_rules(engine)
    assert [(r.key, r.enabled, r.minutes, r.is_default) for r in defaults] == [
        (RuleKey.P1_OPEN, True, 30, True),
        (RuleKey.SLA_BREACH, True, None, True),
        (RuleKey.VIP_REOPENED, True, None, True),
        (RuleKey.PROBLEM_OVERDUE, True, None, True),
    ]
    assert defaults[0].description == "A P1 ticket open more than 30 minutes"
    changed = set_rule(engine, RuleKey.P1_OPEN, True, 45, org.mia, NOW)
    set_rule(engine, RuleKey.SLA_BREACH, False, None, org.mia, NOW + MINUTE)
    # No minutes given: the threshold stays as it was.
    set_rule(engine, RuleKey.P1_OPEN, False, None, org.ada, NOW + 2 * MINUTE)
    rules = {r.key: r for r in current_rules(engine)}
    assert changed == RuleSetting(RuleKey.P1_OPEN, True, 45, "Mia Manager", NOW)
    p1, breach = rules[RuleKey.P1_OPEN], rules[RuleKey.SLA_BREACH]
    assert (p1.enabled, p1.minutes, p1.updated_by, p1.updated_at) == (
        False,
        45,
        "Ada Admin",
        NOW + 2 * MINUTE,
    )
    assert (breach.enabled, breach.minutes, breach.updated_by) == (False, None, "Mia Manager")
    assert rules[RuleKey.VIP_REOPENED].is_default


@pytest.mark.parametrize(
    ("key", "minutes", "message"),
    [
        (RuleKey.P1_OPEN, 0, "from 1 to 1,440 (a day); 0 is outside that"),
        (RuleKey.P1_OPEN, -5, "from 1 to 1,440 (a day); -5 is outside that"),
        (RuleKey.P1_OPEN, MAX_MINUTES + 1, "1441 is outside that"),
        (RuleKey.SLA_BREACH, 30, "“SLA breached” has no threshold in minutes; leave it empty."),
    ],
)
def test_a_threshold_out_of_range_is_refused_and_nothing_saved(
    engine: Engine, org: Org, key: RuleKey, minutes: int, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        set_rule(engine, key, False, minutes, org.mia, NOW)
    assert message in refused.value.problems["minutes"]
    assert all(rule.enabled and rule.is_default for rule in current_rules(engine))


# -- on the shared server, as each login -------------------------------------------------------


@pytest.mark.postgres
def test_on_the_server_an_operator_s_login_evaluates_and_a_manager_s_acknowledges(
    server: Server,  # noqa: F811
) -> None:
    """The server's own grants allow what the services do: an operator's workstation adds
    items (INSERT ... ON CONFLICT ... RETURNING), twice without error; only a manager's
    login changes one."""
    ann, mia, org = server.as_("ann"), server.as_("mia"), server.org
    problem(server.owner, 12, ProblemStatus.INVESTIGATING, date(2026, 11, 21))
    (item,) = evaluate(ann, NOW)
    assert evaluate(ann, NOW) == []
    assert "permission denied" in _refused(ann, "UPDATE attention_item SET reason = 'x'")
    with pytest.raises(PermissionDenied):
        acknowledge(ann, item.id, org.ann, NOW)
    assert acknowledge(mia, item.id, org.mia, NOW).acknowledged_by == "Mia Manager"
    assert set_rule(mia, RuleKey.P1_OPEN, True, 10, org.mia, NOW).minutes == 10


def _refused(engine: Engine, sql: str) -> str:
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
        connection.execute(text(sql))
    return str(caught.value.orig)


# -- the plans -----------------------------------------------------------------------------------


def _plans(engine: Engine, call: Callable[[], object]) -> list[str]:
    """SQLite's plans of the statements on the attention list that ``call`` runs."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "attention_item" in statement:  # not the rule settings' read, nor the sites'
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    raw = engine.raw_connection()
    try:
        return [
            " | ".join(row[-1] for row in raw.cursor().execute(f"EXPLAIN QUERY PLAN {sql}", p))
            for sql, p in statements
        ]
    finally:
        raw.close()


def test_every_rule_and_the_list_read_a_range_of_an_index(tmp_path: Path) -> None:
    """On SQLite without statistics (a desk's own database is never analysed), no rule
    walks a table: open tickets come through the partial indexes over them, reopenings
    through the events of one kind since the lookback, open problems through their status,
    and what is on the list already through a probe of its unique index. The list takes
    its items from their index before it joins their tickets."""
    with migrated_database("sqlite", tmp_path) as engine:
        make_org(engine)
        p1, breach, reopened, overdue = rules = _plans(engine, lambda: find_new(engine, NOW))
        waiting, seen = _plans(engine, lambda: attention_list(engine, include_acknowledged=True))
    for plan in rules:
        assert "SCAN" not in plan, plan
        assert "attention_item USING INDEX sqlite_autoindex_attention_item" in plan, plan
    assert p1.startswith("SEARCH ticket USING INDEX ix_ticket_open_priority (priority=?)")
    assert breach.startswith("SEARCH ticket USING INDEX ix_ticket_open_")
    assert reopened.startswith(
        "SEARCH ticket_event USING INDEX ix_ticket_event_kind_at (kind=? AND at>?)"
    )
    assert overdue.startswith("SEARCH problem USING INDEX ix_problem_target")
    for plan in (waiting, seen):
        first, chosen = plan.split(" | ")[:2]
        assert first.startswith("CO-ROUTINE") and "SCAN attention_item" not in plan, plan
        assert chosen.startswith("SEARCH attention_item USING INDEX ix_attention_item_open"), plan
        assert "SEARCH ticket USING INDEX sqlite_autoindex_ticket_1 (id=?)" in plan, plan
