"""The queue in SQL (app/queue/query.py): filters, every sort both ways, paging from either end,
and free text that must match literally however hostile it is.

``add_tickets`` is shared with the Qt queue tests: it logs tickets through the real service
so numbers, denormalised names and SLA deadlines are what the application would write.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from app.queue import query as queue
from app.queue.query import QueueFilter, QueueQuery, QueueRow, QueueSort, SortColumn
from app.tickets.actions import TicketDraft, change_status, create_ticket, escalate, flag_manager
from app.tickets.detail import TicketDetail
from app.tickets.escalations import EscalationKind
from models.enums import OPEN_STATUSES, Priority, TicketStatus
from tests.conftest import Org

BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning


def add_tickets(
    engine: Engine, org: Org, count: int, start: int = 0, **fields: Any
) -> list[TicketDetail]:
    """``count`` tickets one hour apart, cycling through callers, categories, urgency and
    assignees; ``fields`` override the draft (e.g. ``summary``)."""
    callers = (org.alice, org.zoe, None)
    categories = (org.printing, org.wan, None)
    assignees = (None, org.ann, org.bob, None)
    details = []
    for i in range(start, start + count):
        draft: dict[str, Any] = {
            "summary": f"Ticket {i:04d} about {('printer', 'network', 'laptop')[i % 3]}",
            "caller_id": callers[i % 3],
            "site_id": org.hq if i % 3 == 2 else None,
            "category_id": categories[(i // 3) % 3],
            "urgency": 1 + i % 3,
            "impact": 1 + (i // 2) % 3,
            "assignee_id": assignees[i % 4],
        } | fields
        details.append(
            create_ticket(engine, TicketDraft(**draft), org.ann, now=BASE + timedelta(hours=i))
        )
    return details


DEFAULT_SORT = QueueSort()


def _all(query: QueueQuery, f: QueueFilter, sort: QueueSort = DEFAULT_SORT) -> list[QueueRow]:
    return query.page(f, sort, 0, 10_000)


def _numbers(rows: list[QueueRow]) -> list[str]:
    return [r.number for r in rows]


@pytest.fixture
def tickets(engine: Engine, org: Org) -> list[TicketDetail]:
    """30 tickets; two more are moved along the workflow so every status group is present."""
    details = add_tickets(engine, org, 30)
    change_status(engine, details[0].id, details[0].version, TicketStatus.RESOLVED, org.ann, "ok")
    change_status(engine, details[1].id, details[1].version, TicketStatus.WAITING_CALLER, org.ann)
    return details


@pytest.fixture
def query(engine: Engine, org: Org) -> QueueQuery:
    return QueueQuery(engine, org.ann)


EVERYTHING = QueueFilter(statuses=frozenset(TicketStatus))


def _expected_order(rows: list[QueueRow], sort: QueueSort) -> list[str]:
    """The documented order computed in Python: ties broken by number, empty deadlines last."""
    keys = {
        SortColumn.NUMBER: lambda r: r.number,
        SortColumn.PRIORITY: lambda r: r.priority,
        SortColumn.STATUS: lambda r: r.status,
        SortColumn.SUMMARY: lambda r: r.summary,
        SortColumn.CALLER: lambda r: r.caller_name,
        SortColumn.ASSIGNEE: lambda r: r.assignee_name,
        SortColumn.TEAM: lambda r: r.team_name,
        SortColumn.SITE: lambda r: r.number,
        SortColumn.AGE: lambda r: r.created_at,
        SortColumn.SLA_DUE: lambda r: r.sla_due_at,
    }
    key = keys[sort.column]
    # Age ascending means youngest first, so its underlying order is inverted.
    descending = sort.descending != (sort.column == SortColumn.AGE)
    present = [r for r in rows if key(r) is not None]
    empty = [r for r in rows if key(r) is None]
    ordered = sorted(present, key=lambda r: (key(r), r.number), reverse=descending)
    ordered += sorted(empty, key=lambda r: r.number, reverse=descending)
    return _numbers(ordered)


@pytest.mark.parametrize("column", list(SortColumn), ids=lambda c: c.name)
def test_every_sort_column_orders_both_ways(
    query: QueueQuery, tickets: list[TicketDetail], column: SortColumn
) -> None:
    ascending = _all(query, EVERYTHING, QueueSort(column))
    descending = _all(query, EVERYTHING, QueueSort(column, descending=True))
    assert len(ascending) == len(descending) == 30
    assert _numbers(ascending) == _expected_order(ascending, QueueSort(column))
    assert _numbers(descending) == _expected_order(descending, QueueSort(column, True))


@pytest.fixture
def reverse_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read from the end on small tables too, so 30 rows exercise the reverse path."""
    monkeypatch.setattr(queue, "REVERSE_FROM", 0)


@pytest.mark.usefixtures("reverse_early")
def test_paging_from_either_end_gives_the_same_rows(
    query: QueueQuery, tickets: list[TicketDetail]
) -> None:
    total = query.count(EVERYTHING)
    assert total == 30
    for column in SortColumn:
        for descending in (False, True):
            sort = QueueSort(column, descending)
            whole = _all(query, EVERYTHING, sort)
            for size in (1, 7, 30):
                forward: list[QueueRow] = []
                from_end: list[QueueRow] = []
                for offset in range(0, total, size):
                    forward += query.page(EVERYTHING, sort, offset, size)
                    from_end += query.page(EVERYTHING, sort, offset, size, total=total)
                assert forward == whole, (sort, size)
                assert from_end == whole, (sort, size)


def _plan(engine: Engine, read: Callable[[], object]) -> str:
    """The plan of the last statement ``read`` runs; on PostgreSQL with sorting made the
    last resort, so that an index able to give the order is read rather than a tiny table
    sorted."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        read()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    sql, parameters = statements[-1]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)
        else:
            cursor.execute("SET enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", parameters)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())
    finally:
        raw.rollback()
        raw.close()


@pytest.mark.usefixtures("reverse_early")
@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("column", list(SortColumn), ids=lambda c: c.name)
def test_every_sort_reads_an_index_in_its_order(
    engine: Engine,
    query: QueueQuery,
    column: SortColumn,
    descending: bool,
) -> None:
    """Each order, and the same read from its end, comes from an index over open or all
    tickets, in either direction: a page never sorts the table."""
    sort = QueueSort(column, descending)
    sorting = re.compile(r"TEMP B-TREE FOR ORDER BY|\bSort\b")
    for f in (QueueFilter(), EVERYTHING):
        for total in (None, 2):  # the first page, then the last one read from the end
            plan = _plan(engine, lambda f=f, total=total: query.page(f, sort, 1, 1, total=total))
            assert not sorting.search(plan), plan


@pytest.mark.usefixtures("reverse_early")
def test_text_pages_from_either_end_are_the_matching_rows_in_order(
    query: QueueQuery, tickets: list[TicketDetail], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL looks for a page of matches among the first tickets in the sort's order
    (WALK_PER_ROW for each row wanted, here few), and gathers every match where they hold
    too few: pages of both kinds, read forwards and from the end, make up the whole list."""
    monkeypatch.setattr(queue, "WALK_PER_ROW", 3)
    f = QueueFilter(statuses=EVERYTHING.statuses, text="printer")
    total = query.count(f)
    for column in SortColumn:
        for descending in (False, True):
            sort = QueueSort(column, descending)
            expected = [r for r in _all(query, EVERYTHING, sort) if "printer" in r.summary]
            assert total == len(expected) == 10
            for size in (2, 3, 10):
                forward: list[QueueRow] = []
                from_end: list[QueueRow] = []
                for offset in range(0, total, size):
                    forward += query.page(f, sort, offset, size)
                    from_end += query.page(f, sort, offset, size, total=total)
                assert forward == expected, (sort, size)
                assert from_end == expected, (sort, size)


@pytest.mark.usefixtures("reverse_early")
def test_a_page_past_the_end_is_empty_and_a_partial_last_page_is_short(
    query: QueueQuery, tickets: list[TicketDetail]
) -> None:
    whole = _all(query, EVERYTHING)
    assert query.page(EVERYTHING, DEFAULT_SORT, 28, 7, total=30) == whole[28:]
    assert query.page(EVERYTHING, DEFAULT_SORT, 28, 7) == whole[28:]
    assert query.page(EVERYTHING, DEFAULT_SORT, 30, 7, total=30) == []
    assert query.page(EVERYTHING, DEFAULT_SORT, 30, 7) == []


def test_rows_carry_the_ticket_fields(
    query: QueueQuery, org: Org, tickets: list[TicketDetail]
) -> None:
    rows = {r.id: r for r in _all(query, EVERYTHING)}
    for detail in tickets[2:]:
        row = rows[detail.id]
        assert (row.number, row.summary, row.caller_name) == (
            detail.number,
            detail.summary,
            detail.caller_name,
        )
        assert (row.assignee_name, row.team_name, row.priority) == (
            detail.assignee_name,
            detail.team_name,
            detail.priority,
        )
        assert row.site_code == detail.number.split("-")[0]
        assert row.created_at == detail.created_at and row.sla_due_at == detail.sla_due_at


def _count_and_rows(query: QueueQuery, f: QueueFilter, now: datetime | None = None) -> set[str]:
    rows = query.page(f, DEFAULT_SORT, 0, 10_000, now=now)
    assert query.count(f, now=now) == len(rows)
    return set(_numbers(rows))


def test_status_filter(query: QueueQuery, tickets: list[TicketDetail]) -> None:
    numbers = [t.number for t in tickets]
    assert _count_and_rows(query, QueueFilter()) == set(numbers[1:])
    assert len(_count_and_rows(query, EVERYTHING)) == 30
    assert _count_and_rows(query, QueueFilter(statuses=frozenset({TicketStatus.RESOLVED}))) == {
        numbers[0]
    }
    waiting = QueueFilter(statuses=frozenset({TicketStatus.WAITING_CALLER, TicketStatus.CLOSED}))
    assert _count_and_rows(query, waiting) == {numbers[1]}
    assert QueueFilter().statuses == OPEN_STATUSES


def test_priority_filter(query: QueueQuery, tickets: list[TicketDetail]) -> None:
    for wanted in ({Priority.CRITICAL}, {Priority.HIGH, Priority.LOW}):
        f = QueueFilter(statuses=EVERYTHING.statuses, priorities=frozenset(wanted))
        assert _count_and_rows(query, f) == {t.number for t in tickets if t.priority in wanted}


@pytest.mark.parametrize("choice", ["anyone", "me", "unassigned", "bob"])
def test_assignee_filter(
    query: QueueQuery, org: Org, tickets: list[TicketDetail], choice: str
) -> None:
    assignee = org.bob if choice == "bob" else choice
    wanted = {
        "anyone": lambda t: True,
        "me": lambda t: t.assignee_id == org.ann,
        "unassigned": lambda t: t.assignee_id is None,
        "bob": lambda t: t.assignee_id == org.bob,
    }[choice]
    f = QueueFilter(statuses=EVERYTHING.statuses, assignee=assignee)  # type: ignore[arg-type]
    expected = {t.number for t in tickets if wanted(t)}
    assert expected and _count_and_rows(query, f) == expected


@pytest.mark.parametrize("field", ["team_id", "site_id", "category_id"])
def test_team_site_and_category_filters(
    query: QueueQuery, org: Org, tickets: list[TicketDetail], field: str
) -> None:
    value = {"team_id": org.network, "site_id": org.branch, "category_id": org.printing}[field]
    f = QueueFilter(statuses=EVERYTHING.statuses, **{field: value})
    expected = {t.number for t in tickets if getattr(t, field) == value}
    assert expected and _count_and_rows(query, f) == expected
    assert _count_and_rows(query, QueueFilter(**{field: uuid.uuid4()})) == set()


def test_due_within_filter_uses_the_given_time(
    query: QueueQuery, tickets: list[TicketDetail]
) -> None:
    running = sorted(t.sla_due_at for t in tickets[2:] if t.sla_due_at is not None)
    now = running[5] - timedelta(minutes=30)
    f = QueueFilter(due_within_minutes=30)
    expected = {
        t.number for t in tickets[2:] if t.sla_due_at is not None and t.sla_due_at <= running[5]
    }
    assert len(expected) >= 6 and _count_and_rows(query, f, now=now) == expected
    assert _count_and_rows(query, f, now=running[0] - timedelta(minutes=31)) == set()


def test_escalation_filter_tells_a_hand_over_from_a_flag(
    engine: Engine, org: Org, query: QueueQuery
) -> None:
    plain, handed, flagged, both = add_tickets(engine, org, 4, team_id=org.desk)
    escalate(engine, handed.id, handed.version, org.network, "Switch down", org.ann)
    flag_manager(engine, flagged.id, flagged.version, "VIP, third call", org.ann)
    both = escalate(engine, both.id, both.version, org.network, "Switch down", org.ann)
    both = flag_manager(engine, both.id, both.version, "Outage", org.ann)
    change_status(engine, both.id, both.version, TicketStatus.RESOLVED, org.bob, "Fixed")

    def match(kind: EscalationKind | None, statuses: frozenset[TicketStatus]) -> set[str]:
        return _count_and_rows(query, QueueFilter(statuses=statuses, escalation=kind))

    everything = EVERYTHING.statuses
    assert match(EscalationKind.FUNCTIONAL, everything) == {handed.number, both.number}
    assert match(EscalationKind.HIERARCHICAL, everything) == {flagged.number, both.number}
    assert match(EscalationKind.HIERARCHICAL, OPEN_STATUSES) == {flagged.number}
    assert len(match(None, everything)) == 4
    rows = {r.number: r for r in _all(query, EVERYTHING)}
    assert (rows[plain.number].escalated, rows[plain.number].manager_flagged) == (False, False)
    assert (rows[handed.number].escalated, rows[handed.number].manager_flagged) == (True, False)
    assert (rows[flagged.number].escalated, rows[flagged.number].manager_flagged) == (False, True)
    assert rows[flagged.number].manager_flag_reason == "VIP, third call"


def test_has_tickets_looks_past_the_filter(engine: Engine, org: Org, query: QueueQuery) -> None:
    assert not query.has_tickets()
    [detail] = add_tickets(engine, org, 1)
    change_status(engine, detail.id, detail.version, TicketStatus.RESOLVED, org.ann, "ok")
    assert query.count(QueueFilter()) == 0 and query.has_tickets()


def test_text_matches_number_summary_and_caller_prefix(
    query: QueueQuery, tickets: list[TicketDetail]
) -> None:
    def match(text: str) -> set[str]:
        return _count_and_rows(query, QueueFilter(statuses=EVERYTHING.statuses, text=text))

    assert match(tickets[12].number.lower()) == {tickets[12].number}
    assert match("  ticket   0007  ") == {tickets[7].number}
    digits = tickets[12].number.split("-")[1]
    typed = str(int(digits))  # without the site's prefix nor the leading zeros
    assert match(typed) == {t.number for t in tickets if t.number.endswith(f"-{digits}")}
    assert match("PRINTER") == {t.number for t in tickets if "printer" in t.summary}
    assert match("zoe o") == {t.number for t in tickets if t.caller_name.startswith("Zoe")}
    zoe = {t.number for t in tickets if t.caller_name.startswith("Zoe")}
    assert match("brien") == zoe  # any word of the caller's name, from its start
    assert match("rien") == set()  # but not from the middle of a word
    assert match("MULLER") == {t.number for t in tickets if t.caller_name.startswith("Alice")}


HOSTILE = {
    "percent": ("Disk 100% full", "%"),
    "underscore": ("Rename file_name.txt", "_"),
    "quote": ("Teams won't start", "'"),
    "double quote": ('Error "access denied"', '"'),
    "backslash": (r"Cannot open C:\temp", "\\"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_matches_literally(
    engine: Engine, org: Org, query: QueueQuery, name: str
) -> None:
    plain = add_tickets(engine, org, 3, summary="Plain words here")
    hostile = {key: add_tickets(engine, org, 1, summary=s)[0] for key, (s, _) in HOSTILE.items()}
    summary, char = HOSTILE[name]

    def match(text: str) -> set[str]:
        return _count_and_rows(query, QueueFilter(text=text))

    assert match(char) == {hostile[name].number}
    assert match(summary) == {hostile[name].number}
    assert match(char * 2) == set()
    assert match("x" + char) == set()
    assert len(plain) == 3 and match("") == {t.number for t in [*plain, *hostile.values()]}


@pytest.mark.parametrize("text", ["%%", "_%", "\\%", "'; DROP TABLE ticket; --", "\\", "[x-y]*"])
def test_wildcards_and_injection_never_match_everything(
    engine: Engine, org: Org, query: QueueQuery, text: str
) -> None:
    add_tickets(engine, org, 3)
    assert _count_and_rows(query, QueueFilter(text=text)) == set()
    assert query.count(QueueFilter()) == 3


def test_change_token_moves_when_a_ticket_is_saved(
    engine: Engine, org: Org, query: QueueQuery
) -> None:
    empty = query.change_token()
    [detail] = add_tickets(engine, org, 1)
    created = query.change_token()
    assert created != empty and created == query.change_token()
    change_status(engine, detail.id, detail.version, TicketStatus.IN_PROGRESS, org.ann)
    assert query.change_token() != created
