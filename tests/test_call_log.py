"""The call log in SQL (app/calls/log.py): periods that start at local midnight, newest first,
the caller's name, the number in any format and the ticket number as filters, calls without
a ticket, and a change token that moves when a call is logged.

``log_calls`` is shared with the page's tests: it logs calls through the real service, as
the call desk does when a call ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from app.calls.log import CallLogFilter, CallLogQuery, CallLogRow, Period, period_start
from app.calls.records import CallRecord, record_call
from app.tickets.actions import TicketDraft, create_ticket
from app.tickets.detail import TicketDetail
from tests.conftest import NOW, Org

LONDON = ZoneInfo("Europe/London")  # at NOW (November) the same as UTC


@dataclass(frozen=True)
class LoggedCalls:
    """The calls of :func:`log_calls`, newest first, and the tickets two of them produced."""

    first_ticket: TicketDetail  # from today's call from Alice
    second_ticket: TicketDetail  # from yesterday's call from Alice


def _call(
    engine: Engine,
    started: datetime,
    seconds: int,
    number: str,
    caller: uuid.UUID | None = None,
    operator: uuid.UUID | None = None,
    ticket: TicketDetail | None = None,
    *,
    logged_by: uuid.UUID | None = None,
) -> None:
    """Log a call, as its operator unless ``logged_by`` (a call with no operator on record)."""
    actor = logged_by or operator
    assert actor is not None, "every call is logged by a staff member"
    record_call(
        engine,
        CallRecord(
            started_at=started,
            ended_at=started + timedelta(seconds=seconds),
            number=number,
            caller_id=caller,
            operator_id=operator,
            ticket_id=ticket.id if ticket else None,
        ),
        actor,
    )


def log_calls(engine: Engine, org: Org) -> LoggedCalls:
    """Seven calls before NOW (Tuesday 24 November, 10:00 UTC): three today, one yesterday,
    one five days ago, one 20 days ago and one 40 days ago."""
    today = NOW.replace(hour=0)
    first = create_ticket(
        engine,
        TicketDraft(summary="Printer jams", caller_id=org.alice),
        org.ann,
        now=today + timedelta(hours=9, minutes=33),
    )
    second = create_ticket(
        engine,
        TicketDraft(summary="VPN drops", caller_id=org.alice),
        org.ann,
        now=today - timedelta(hours=8),
    )
    at = today + timedelta(hours=9, minutes=30)
    _call(engine, at, 125, "+44 20 7946 0018", org.alice, org.ann, first)
    _call(engine, today + timedelta(hours=8), 40, "(212) 555-0100", org.zoe, org.bob)
    _call(engine, today + timedelta(hours=7, minutes=15), 3725, "07700 900123", None, org.ann)
    _call(
        engine,
        today - timedelta(hours=8, minutes=5),
        300,
        "020 7946 0018",
        org.alice,
        None,
        second,
        logged_by=org.mia,
    )
    _call(engine, today - timedelta(days=5), 61, "(212) 555-0100", org.zoe, org.ann)
    _call(engine, today - timedelta(days=20), 90, "+44 20 7946 0018", org.alice, org.ann)
    _call(engine, today - timedelta(days=40), 90, "+44 20 7946 0018", org.alice, org.ann)
    return LoggedCalls(first, second)


@pytest.fixture
def calls(engine: Engine, org: Org) -> LoggedCalls:
    return log_calls(engine, org)


@pytest.fixture
def query(engine: Engine) -> CallLogQuery:
    return CallLogQuery(engine, LONDON)


def _numbers(query: CallLogQuery, f: CallLogFilter) -> list[str]:
    rows = query.page(f, now=NOW)
    assert query.count(f, NOW) == len(rows)
    return [row.number for row in rows]


def test_each_period_starts_at_local_midnight(query: CallLogQuery, calls: LoggedCalls) -> None:
    counts = {period: query.count(CallLogFilter(period), NOW) for period in Period}
    assert counts == {Period.TODAY: 3, Period.WEEK: 5, Period.MONTH: 6}
    # In Tokyo it is 19:00 on the 24th: its day began at 15:00 UTC on the 23rd.
    tokyo = CallLogQuery(query.engine, ZoneInfo("Asia/Tokyo"))
    assert tokyo.count(CallLogFilter(Period.TODAY), NOW) == 4


@pytest.mark.parametrize(
    ("now", "period", "start"),
    [
        (NOW, Period.TODAY, datetime(2026, 11, 24, tzinfo=UTC)),
        (NOW, Period.WEEK, datetime(2026, 11, 18, tzinfo=UTC)),
        (NOW, Period.MONTH, datetime(2026, 10, 26, tzinfo=UTC)),
        # Summer time began on the 29th: that midnight was GMT, the next one BST.
        (datetime(2026, 3, 29, 12, tzinfo=UTC), Period.TODAY, datetime(2026, 3, 29, tzinfo=UTC)),
        (
            datetime(2026, 3, 30, 12, tzinfo=UTC),
            Period.TODAY,
            datetime(2026, 3, 29, 23, tzinfo=UTC),
        ),
        (datetime(2026, 3, 30, 12, tzinfo=UTC), Period.WEEK, datetime(2026, 3, 24, tzinfo=UTC)),
        # 23:30 UTC on the 30th is already the 31st in London.
        (
            datetime(2026, 3, 30, 23, 30, tzinfo=UTC),
            Period.TODAY,
            datetime(2026, 3, 30, 23, tzinfo=UTC),
        ),
    ],
)
def test_period_start_in_the_sites_time_zone(
    now: datetime, period: Period, start: datetime
) -> None:
    assert period_start(period, now, LONDON) == start


def test_rows_are_newest_first_with_who_took_them_and_what_came_of_them(
    query: CallLogQuery, calls: LoggedCalls, org: Org
) -> None:
    rows = query.page(CallLogFilter(Period.WEEK), now=NOW)
    assert [row.started_at for row in rows] == sorted(
        (row.started_at for row in rows), reverse=True
    )
    first, zoe, unknown, yesterday, _older = rows
    assert first == CallLogRow(
        id=first.id,
        started_at=NOW.replace(hour=9, minute=30),
        ended_at=NOW.replace(hour=9, minute=32, second=5),
        number="+44 20 7946 0018",
        caller_id=org.alice,
        caller_name="Alice Müller",
        operator_name="Ann Operator",
        ticket_id=calls.first_ticket.id,
        ticket_number=calls.first_ticket.number,
    )
    assert first.seconds == 125
    assert (zoe.caller_name, zoe.operator_name, zoe.ticket_number) == (
        "Zoe O'Brien",
        "Bob Tech",
        None,
    )
    assert (unknown.caller_id, unknown.caller_name, unknown.seconds) == (None, "", 3725)
    assert (yesterday.operator_name, yesterday.ticket_number) == ("", calls.second_ticket.number)
    # Pages: plain offsets in the same order.
    assert query.page(CallLogFilter(Period.WEEK), offset=1, limit=2, now=NOW) == rows[1:3]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # Words start words of the caller's name, accents folded, in any order.
        ("alice", ["+44 20 7946 0018", "020 7946 0018"]),
        ("Muller ALI", ["+44 20 7946 0018", "020 7946 0018"]),
        ("brien", ["(212) 555-0100", "(212) 555-0100"]),
        ("lic", []),
        ("müll", ["+44 20 7946 0018", "020 7946 0018"]),
        # Only the name: not the words of the e-mail address ("alice@example.org").
        ("example", []),
        # A number in any format finds it however the phone wrote it.
        ("020 7946 0018", ["+44 20 7946 0018", "020 7946 0018"]),
        ("+44 20 7946 0018", ["+44 20 7946 0018", "020 7946 0018"]),
        ("7946", ["+44 20 7946 0018", "020 7946 0018"]),
        ("(212) 555", ["(212) 555-0100", "(212) 555-0100"]),
        ("07700900123", ["07700 900123"]),
        # Nothing the user types is read as SQL, LIKE or MATCH syntax.
        ("%", []),
        ('"', []),
        ("a' OR 1=1 --", []),
        ("NEAR(alice)", []),
        ("*", []),
    ],
)
def test_text_matches_the_name_or_the_number(
    query: CallLogQuery, calls: LoggedCalls, text: str, numbers: list[str]
) -> None:
    assert _numbers(query, CallLogFilter(Period.WEEK, text)) == numbers


def test_a_ticket_number_finds_the_call_that_produced_it(
    query: CallLogQuery, calls: LoggedCalls
) -> None:
    number = calls.second_ticket.number  # "HQ-000002"
    digits = number.split("-")[1].lstrip("0")
    for typed in (number, number.lower().replace("-", ""), digits):
        rows = query.page(CallLogFilter(Period.WEEK, typed), now=NOW)
        assert calls.second_ticket.id in [row.ticket_id for row in rows], typed
    [row] = query.page(CallLogFilter(Period.WEEK, number), now=NOW)
    assert row.number == "020 7946 0018"


def test_only_calls_without_a_ticket(query: CallLogQuery, calls: LoggedCalls) -> None:
    f = CallLogFilter(Period.TODAY, without_ticket=True)
    assert _numbers(query, f) == ["(212) 555-0100", "07700 900123"]
    assert _numbers(query, CallLogFilter(Period.WEEK, "alice", without_ticket=True)) == []


def test_the_change_token_moves_when_a_call_is_logged(
    engine: Engine, org: Org, query: CallLogQuery, calls: LoggedCalls
) -> None:
    before = query.change_token()
    assert query.change_token() == before  # nothing changed: the same token
    # A long call written when it ended, after a later call was written already.
    _call(engine, NOW - timedelta(hours=2), 60, "+1 212 555 0199", org.zoe, org.ann)
    assert query.change_token() != before
