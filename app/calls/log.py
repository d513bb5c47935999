"""The call log as SQL: the calls of a recent period, newest first, a page at a time.

An operator calls someone back from here, so the log answers "who rang today (or this week,
or this month), on which number, who took it and what came of it". The period bounds every
query to a range of ``ix_call_started_at``, so a filter or a count never reads older calls;
the text narrows that range further:

- words must each start a word of the caller's name, accents folded ("muller" finds
  "Müller"): on SQLite through the ``caller_fts`` index, on PostgreSQL through the
  callers' stored words and their GIN index, each candidate's name then read with regular
  expressions over unaccent() (:func:`app.callers.names.callers_named`);
- a phone number, in any format, is found among the digits of the number the call came
  from, as the caller lookup reads numbers (:func:`app.callers.phones.phone_fragments`:
  "020 7946 0018" finds a call from "+44 20 7946 0018", "7946" finds both);
- a ticket number in any form ("HQ-004211", "hq4211", "4211") finds the calls that
  produced that ticket.

Text with no letter or digit in it is looked for literally in the caller's name and the
number. "Today" and the first day of a period are midnight in the workstation's time zone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import Enum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    func,
    or_,
    select,
)
from sqlmodel import col

from app.callers.lookup import clean
from app.callers.names import caller_name_words, callers_named
from app.callers.phones import DEFAULT_REGION, phone_fragments
from app.search_terms import WORD, like_pattern, number_condition
from models.clock import utcnow
from models.engine import read_connection
from models.org import Staff
from models.people import Caller
from models.tickets import Call, Ticket

# A call is written when it ends: one that started before the newest call on record still
# arrives within this long of its start, so the change token counts the calls of this window.
LATE_WRITE_WINDOW = timedelta(days=1)
# Punctuation a phone shows in a number; removed to compare digits (see _number_digits).
_PHONE_PUNCTUATION = (" ", "-", "(", ")", "+", ".", "/")


class Period(Enum):
    """How far back the log goes; the value is how the filter names it."""

    TODAY = "Today"
    WEEK = "Last 7 days"
    MONTH = "Last 30 days"

    @property
    def days(self) -> int:
        """Calendar days shown, today included."""
        return {Period.TODAY: 1, Period.WEEK: 7, Period.MONTH: 30}[self]

    @property
    def phrase(self) -> str:
        """The period inside a sentence: "No calls today." / "... in the last 7 days."."""
        return "today" if self is Period.TODAY else f"in the {self.value.lower()}"


class CallOrder(Enum):
    """The log's one order: newest first (what an operator calling back looks for)."""

    NEWEST_FIRST = "newest first"


@dataclass(frozen=True)
class CallLogFilter:
    """What the log shows."""

    period: Period = Period.TODAY
    text: str = ""
    without_ticket: bool = False  # only calls that produced no ticket (yet)


@dataclass(frozen=True)
class CallLogRow:
    """One call, plain data for the table; names are "" where nobody is on record."""

    id: uuid.UUID
    started_at: datetime
    ended_at: datetime | None
    number: str
    caller_id: uuid.UUID | None
    caller_name: str
    operator_name: str
    ticket_id: uuid.UUID | None
    ticket_number: str | None

    @property
    def seconds(self) -> int | None:
        """How long the call lasted, in whole seconds; None while it is not recorded."""
        if self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.started_at).total_seconds()))


def period_start(period: Period, now: datetime, zone: tzinfo | None = None) -> datetime:
    """The first moment of ``period`` (UTC): midnight, ``period.days - 1`` days before the
    day ``now`` falls on in ``zone`` (None: the workstation's time zone)."""
    first_day = now.astimezone(zone).date() - timedelta(days=period.days - 1)
    midnight = datetime.combine(first_day, time())
    # A naive time's astimezone() reads it in the workstation's zone, daylight saving included.
    local = midnight.replace(tzinfo=zone) if zone is not None else midnight.astimezone()
    return local.astimezone(UTC)


def _number_digits() -> ColumnElement[str]:
    """The call's number without the punctuation phones show, in SQL."""
    digits: Any = col(Call.number)
    for mark in _PHONE_PUNCTUATION:
        digits = func.replace(digits, mark, "")
    return digits


def _caller_term(words: list[str], dialect: str) -> ColumnElement[bool]:
    """The call's caller is named by ``words``.

    SQLite reads the period's calls and looks each one's caller (and ticket) up, so its
    terms are on the joined rows. PostgreSQL, given terms on the joined rows OR-ed with one
    on the call's number, hashes every caller and every ticket to join them (190 ms for a
    month at 200,000 callers); there the callers (and the ticket, :func:`_ticket_term`) are
    found first, through their indexes, and the terms are on the call's own row."""
    if dialect == "sqlite":
        return caller_name_words(words, dialect)
    return col(Call.caller_id).in_(callers_named(words, dialect))


def _ticket_term(ticket: ColumnElement[bool], dialect: str) -> ColumnElement[bool]:
    """The call's ticket is the one ``ticket`` names (see :func:`_caller_term`)."""
    if dialect == "sqlite":
        return ticket
    return col(Call.ticket_id).in_(select(col(Ticket.id)).where(ticket).correlate(None))


def text_condition(value: str, dialect: str) -> ColumnElement[bool] | None:
    """The WHERE term for the log's free text (see the module docstring); None when blank."""
    value = clean(value)
    if not value:
        return None
    words = WORD.findall(value)
    if not words:
        pattern = f"%{like_pattern(value)}%"
        return or_(
            col(Caller.name).ilike(pattern, escape="\\"),
            col(Call.number).like(pattern, escape="\\"),
        )
    terms = [_caller_term(words, dialect)]
    fragments = phone_fragments(value, DEFAULT_REGION)
    if fragments:  # digits only: nothing in them for LIKE to read as a wildcard
        digits = _number_digits()
        terms.extend(digits.like(f"%{fragment}%") for fragment in fragments)
    ticket = number_condition(value)
    if ticket is not None:
        terms.append(_ticket_term(ticket, dialect))
    return or_(*terms)


_ROW_COLUMNS: tuple[Any, ...] = (
    col(Call.id),
    col(Call.started_at),
    col(Call.ended_at),
    col(Call.number),
    col(Call.caller_id),
    col(Caller.name),
    col(Staff.name),
    col(Call.ticket_id),
    col(Ticket.number),
)


def _row(values: Any) -> CallLogRow:
    (call_id, started, ended, number, caller_id, caller, operator, ticket_id, ticket) = values
    return CallLogRow(
        id=call_id,
        started_at=started,
        ended_at=ended,
        number=number or "",
        caller_id=caller_id,
        caller_name=caller or "",
        operator_name=operator or "",
        ticket_id=ticket_id,
        ticket_number=ticket,
    )


class CallLogQuery:
    """Counts and pages of the call log on one database (the paged table's query object,
    :class:`ui.kit.paged_model.PagedQuery`)."""

    def __init__(self, engine: Engine, zone: tzinfo | None = None) -> None:
        """``zone``: where "today" is; None is the workstation's time zone."""
        self.engine = engine
        self.zone = zone

    def _select(self, columns: tuple[Any, ...], f: CallLogFilter, now: datetime) -> Select[Any]:
        conditions: list[ColumnElement[bool]] = [
            col(Call.started_at) >= period_start(f.period, now, self.zone)
        ]
        if f.without_ticket:
            conditions.append(col(Call.ticket_id).is_(None))
        matches = text_condition(f.text, self.engine.dialect.name)
        if matches is not None:
            conditions.append(matches)
        return (
            select(*columns)
            .select_from(Call)
            .outerjoin(Caller, col(Caller.id) == col(Call.caller_id))
            .outerjoin(Staff, col(Staff.id) == col(Call.operator_id))
            .outerjoin(Ticket, col(Ticket.id) == col(Call.ticket_id))
            .where(*conditions)
        )

    def count(self, f: CallLogFilter, now: datetime | None = None) -> int:
        statement = self._select((func.count(),), f, now or utcnow())
        with read_connection(self.engine) as connection:
            return int(connection.execute(statement).scalar_one())

    def page(
        self,
        f: CallLogFilter,
        sort: CallOrder = CallOrder.NEWEST_FIRST,
        offset: int = 0,
        limit: int = 200,
        total: int | None = None,
        now: datetime | None = None,
    ) -> list[CallLogRow]:
        """Rows ``offset .. offset+limit``, newest first (``sort`` names the one order). A
        period holds a few thousand calls at most, so plain OFFSET paging is cheap and
        ``total`` is not needed to read from the end."""
        statement = (
            self._select(_ROW_COLUMNS, f, now or utcnow())
            .order_by(col(Call.started_at).desc(), col(Call.id).desc())
            .offset(max(0, offset))
            .limit(limit)
        )
        with read_connection(self.engine) as connection:
            return [_row(values) for values in connection.execute(statement)]

    @staticmethod
    def depends_on_now(f: CallLogFilter) -> bool:
        """Always: calls leave the period as days go by, and "today" starts again at midnight."""
        return True

    def change_token(self) -> tuple[Any, ...]:
        """Moves when a call is logged: the newest start, and how many calls started within
        :data:`LATE_WRITE_WINDOW` (a long call, written late, is older than the newest)."""
        since = utcnow() - LATE_WRITE_WINDOW
        statement = select(func.max(col(Call.started_at)), func.count()).where(
            col(Call.started_at) >= since
        )
        with read_connection(self.engine) as connection:
            return tuple(connection.execute(statement).one())
