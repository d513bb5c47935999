"""The ticket queue as SQL: filters, sorting and paging that never load the whole table.

Every sort order ends with the unique ticket number, so the order is total and matches an
index (see ``models.tickets.Ticket``). Pages near the end of a long result are read with the
order reversed, so jumping to the last row costs as little as reading the first.

On PostgreSQL the free text is matched through the tickets' stored words and their GIN index;
a page of matches is looked for among the first tickets in the sort's order before every
match is gathered and sorted (see :func:`_text_page`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Literal

from sqlalchemy import ColumnElement, Engine, FromClause, Row, Select, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import col

from app.queue.text_filter import text_condition
from app.reports.period import SiteWindow, within
from app.tickets.escalations import EscalationKind
from models.clock import utcnow
from models.engine import is_sqlite, read_session
from models.enums import OPEN_STATUSES, Priority, TicketStatus
from models.org import Site
from models.tickets import Ticket, vendor_answer_overdue

# Below this offset plain OFFSET paging is cheap; beyond it, pages past the middle are read
# with the order reversed so the last page costs what the first does.
REVERSE_FROM = 2000
# PostgreSQL, free text: tickets read in the sort's order, for each row of the page asked for
# (and each before it), while looking for the page among them (see _text_page).
WALK_PER_ROW = 50

AssigneeChoice = Literal["anyone", "me", "unassigned"] | uuid.UUID


class SortColumn(Enum):
    """Queue columns; the value is the column's header."""

    NUMBER = "Number"
    PRIORITY = "Priority"
    STATUS = "Status"
    SUMMARY = "Summary"
    CALLER = "Caller"
    ASSIGNEE = "Assignee"
    TEAM = "Team"
    SITE = "Site"
    AGE = "Age"
    SLA_DUE = "SLA due"


# The ticket column each sort reads through an index; the site sorts by number (site code
# prefix), and age ascending means youngest first, i.e. creation time descending.
_SORT_KEYS: dict[SortColumn, tuple[str, bool]] = {
    SortColumn.NUMBER: ("number", False),
    SortColumn.PRIORITY: ("priority", False),
    SortColumn.STATUS: ("status", False),
    SortColumn.SUMMARY: ("summary", False),
    SortColumn.CALLER: ("caller_name", False),
    SortColumn.ASSIGNEE: ("assignee_name", False),
    SortColumn.TEAM: ("team_name", False),
    SortColumn.SITE: ("number", False),
    SortColumn.AGE: ("created_at", True),
    SortColumn.SLA_DUE: ("sla_due_at", False),
}
_TICKET = Ticket.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class QueueSort:
    column: SortColumn = SortColumn.SLA_DUE
    descending: bool = False


class Moment(Enum):
    """A moment of a ticket's life a report counts by."""

    CREATED = "created_at"
    ANSWERED = "first_response_at"
    RESOLVED = "resolved_at"


@dataclass(frozen=True)
class ReportScope:
    """The tickets behind a figure of the monthly report: those whose ``moment`` falls in
    their site's window (each site's own local days, as the report counts them). ``label``
    says it on the queue's filter chip: "created in November 2026"."""

    moment: Moment
    windows: tuple[SiteWindow, ...]
    label: str


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. Empty sets and None mean "any"."""

    statuses: frozenset[TicketStatus] = OPEN_STATUSES
    priorities: frozenset[Priority] = frozenset()
    assignee: AssigneeChoice = "anyone"
    team_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None
    text: str = ""
    due_within_minutes: int | None = None
    escalation: EscalationKind | None = None  # only tickets escalated this way
    scope: ReportScope | None = None  # a report's figure drilled into
    vendor_overdue: bool = False  # only tickets whose vendor's answer is overdue


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, plain data for the table model."""

    id: uuid.UUID
    number: str
    priority: Priority
    status: TicketStatus
    summary: str
    caller_name: str
    assignee_name: str
    team_name: str
    site_code: str
    created_at: datetime
    sla_due_at: datetime | None
    version: int
    escalated: bool  # handed to another team
    manager_flagged: bool
    manager_flag_reason: str
    vendor_due_at: datetime | None = None  # while a vendor's answer is awaited


@dataclass(frozen=True)
class SavedView:
    """A named filter and sort, built in or defined by the user."""

    name: str
    filter: QueueFilter = field(default_factory=QueueFilter)
    sort: QueueSort = field(default_factory=QueueSort)
    built_in: bool = False


ALL_OPEN = SavedView("All open", QueueFilter(), built_in=True)
ALL_TICKETS = SavedView(
    "All tickets",
    QueueFilter(statuses=frozenset(TicketStatus)),
    QueueSort(SortColumn.AGE),
    built_in=True,
)
BUILT_IN_VIEWS: tuple[SavedView, ...] = (
    SavedView("My open", QueueFilter(assignee="me"), built_in=True),
    SavedView("Unassigned", QueueFilter(assignee="unassigned"), built_in=True),
    SavedView("Breaching in the next hour", QueueFilter(due_within_minutes=60), built_in=True),
    # What a manager looks for: the open tickets escalated each way.
    *(
        SavedView(kind.label, QueueFilter(escalation=kind), built_in=True)
        for kind in (EscalationKind.HIERARCHICAL, EscalationKind.FUNCTIONAL)
    ),
    SavedView("Waiting on an overdue vendor", QueueFilter(vendor_overdue=True), built_in=True),
    ALL_OPEN,
    ALL_TICKETS,
)


# Repeated literally (not as a bound parameter) so the planner can prove the partial
# indexes over open tickets apply.
_ONLY_OPEN = col(Ticket.status) < literal_column(str(int(TicketStatus.RESOLVED)))


# The ticket's flag for each kind of escalation, kept in step with its events by the ticket
# service (and by migration 0006 for older rows).
_ESCALATION_FLAGS = {
    EscalationKind.FUNCTIONAL: col(Ticket.escalated),
    EscalationKind.HIERARCHICAL: col(Ticket.manager_flagged),
}


def _conditions(f: QueueFilter, me: uuid.UUID | None, now: datetime) -> list[ColumnElement[bool]]:
    """The filter's conditions but for its free text (:func:`text_condition`)."""
    conditions: list[ColumnElement[bool]] = []
    if f.statuses and f.statuses != frozenset(TicketStatus):
        if all(status.is_open for status in f.statuses):
            conditions.append(_ONLY_OPEN)
        if f.statuses != OPEN_STATUSES:
            conditions.append(col(Ticket.status).in_(sorted(f.statuses)))
    if f.priorities:
        conditions.append(col(Ticket.priority).in_(sorted(f.priorities)))
    if f.assignee == "me":
        conditions.append(col(Ticket.assignee_id) == me)
    elif f.assignee == "unassigned":
        conditions.append(col(Ticket.assignee_id).is_(None))
    elif isinstance(f.assignee, uuid.UUID):
        conditions.append(col(Ticket.assignee_id) == f.assignee)
    for column, value in (
        (col(Ticket.team_id), f.team_id),
        (col(Ticket.site_id), f.site_id),
        (col(Ticket.category_id), f.category_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if f.due_within_minutes is not None:
        limit = now + timedelta(minutes=f.due_within_minutes)
        conditions.append(col(Ticket.sla_due_at) <= limit)
    if f.escalation is not None:
        conditions.append(_ESCALATION_FLAGS[f.escalation].is_(True))
    if f.vendor_overdue:
        conditions.append(vendor_answer_overdue(now))  # the ticket's own column: no join
    if f.scope is not None:
        moment = getattr(Ticket, f.scope.moment.value)
        conditions.append(within(col(Ticket.site_id), col(moment), f.scope.windows))
    return conditions


def _order(sort: QueueSort, reverse: bool, source: FromClause) -> list[UnaryExpression[Any]]:
    """The sort's keys over the ticket columns of ``source`` (the table, or tickets taken
    from it); ``reverse`` reads the same order from its end.

    The direction alone is given wherever the column cannot be empty: a b-tree read
    backwards gives ``DESC NULLS FIRST``, so any other spelling of a descending order makes
    PostgreSQL sort every row instead of reading the index. Tickets with no SLA deadline
    running (paused, or resolved) come after the others both ways: the dashes stay below
    the deadlines, which would otherwise sink under every closed ticket. Descending, that
    is not a b-tree read backwards; PostgreSQL needs an index built in that order."""
    name, inverted = _SORT_KEYS[sort.column]
    descending = sort.descending != inverted
    if reverse:
        descending = not descending
    column = source.c[name]
    key = column.desc() if descending else column.asc()
    if _TICKET.c[name].nullable:
        key = key.nulls_first() if reverse else key.nulls_last()
    if name == "number":
        return [key]
    number = source.c.number
    return [key, number.desc() if descending else number.asc()]


def _row(values: Any) -> QueueRow:
    return QueueRow(
        id=values.id,
        number=values.number,
        priority=Priority(values.priority),
        status=TicketStatus(values.status),
        summary=values.summary,
        caller_name=values.caller_name,
        assignee_name=values.assignee_name,
        team_name=values.team_name,
        site_code=values.code,
        created_at=values.created_at,
        sla_due_at=values.sla_due_at,
        version=values.version,
        escalated=values.escalated,
        manager_flagged=values.manager_flagged,
        manager_flag_reason=values.manager_flag_reason,
        vendor_due_at=values.vendor_due_at,
    )


# The ticket's columns in a row (its site's code comes from the site), and those a page of
# tickets taken from the table first needs besides.
_ROW_FIELDS = (
    "id",
    "number",
    "priority",
    "status",
    "summary",
    "caller_name",
    "assignee_name",
    "team_name",
    "created_at",
    "sla_due_at",
    "version",
    "escalated",
    "manager_flagged",
    "manager_flag_reason",
    "vendor_due_at",
)
_TAKEN = tuple(_TICKET.c[name] for name in (*_ROW_FIELDS, "site_id"))


@dataclass(frozen=True)
class _Slice:
    """Rows ``first .. first+count`` of a result in the sort's order, or with ``reverse`` in
    the opposite order (a page near the end, read from there and turned round after)."""

    sort: QueueSort
    reverse: bool
    first: int
    count: int

    @classmethod
    def of(cls, sort: QueueSort, offset: int, limit: int, total: int | None) -> _Slice:
        """Rows ``offset .. offset+limit``, read from the end when that is nearer."""
        offset = max(0, offset)
        if total is None or offset < REVERSE_FROM or offset <= total - offset - limit:
            return cls(sort, False, offset, limit)
        end = min(total, offset + limit)
        return cls(sort, True, total - end, end - offset)

    def read(self, source: FromClause, conditions: list[ColumnElement[bool]]) -> Select[Any]:
        """These rows of the tickets in ``source`` that meet ``conditions``, each with its
        site's code."""
        return (
            select(*(source.c[name] for name in _ROW_FIELDS), col(Site.code))
            .join_from(source, Site, col(Site.id) == source.c.site_id)
            .where(*conditions)
            .order_by(*_order(self.sort, self.reverse, source))
            .offset(self.first)
            .limit(self.count)
        )


def _text_page(
    session: Session, conditions: list[ColumnElement[bool]], text: str, rows: _Slice
) -> list[Row[Any]]:
    """PostgreSQL: ``rows`` of the tickets that meet ``conditions`` and match ``text``.

    Left to itself, the planner reads the sort's index and tests every ticket for the text
    wherever it believes the matches common, however far in that order they sit: "printer"
    sorted by summary read 250,000 of 300,000 tickets (half a second), for the summaries
    that start with "Printer" all sort under P. So only the first :data:`WALK_PER_ROW`
    tickets for each row wanted are read in the sort's order and tested; where they hold
    too few matches, every match is gathered through the words' GIN index (a materialised
    CTE, which the planner cannot turn into that walk) and sorted, which is quick when the
    matches are few. At 300,000 tickets the walk of 10,000 took 6 ms and gathering 4,500
    matches 15 ms: the first page of a word in one ticket out of 50 or more is found by
    the walk, and a rarer word has at most a fiftieth of the tickets to gather."""
    tested = text_condition(text, "postgresql", once=True)
    matches = text_condition(text, "postgresql")
    assert tested is not None and matches is not None  # the text is not blank
    walked = (
        select(*_TAKEN, tested.label("matches"))
        .where(*conditions)
        .order_by(*_order(rows.sort, rows.reverse, _TICKET))
        .limit(WALK_PER_ROW * (rows.first + rows.count))
        .subquery("walked")
    )
    found = list(session.execute(rows.read(walked, [walked.c.matches])).all())
    if len(found) == rows.count:
        return found
    gathered = select(*_TAKEN).where(*conditions, matches).cte("matching")
    return list(session.execute(rows.read(gathered.prefix_with("MATERIALIZED"), [])).all())


class QueueQuery:
    """Counts and pages of the queue for one user (``me``) on one database."""

    def __init__(self, engine: Engine, me: uuid.UUID | None) -> None:
        self.engine = engine
        self.me = me

    def _conditions(self, f: QueueFilter, now: datetime | None) -> list[ColumnElement[bool]]:
        return _conditions(f, self.me, now or utcnow())

    def _text(self, f: QueueFilter) -> ColumnElement[bool] | None:
        return text_condition(f.text, self.engine.dialect.name)

    def count(self, f: QueueFilter, now: datetime | None = None) -> int:
        matches = self._text(f)
        statement = select(func.count()).select_from(Ticket)
        statement = statement.where(*self._conditions(f, now))
        if matches is not None:
            statement = statement.where(matches)
        with read_session(self.engine) as session:
            return int(session.execute(statement).scalar_one())

    def page(
        self,
        f: QueueFilter,
        sort: QueueSort,
        offset: int,
        limit: int,
        total: int | None = None,
        now: datetime | None = None,
    ) -> list[QueueRow]:
        """Rows ``offset .. offset+limit`` of the result; ``total`` enables reading from the end."""
        rows = _Slice.of(sort, offset, limit, total)
        conditions, matches = self._conditions(f, now), self._text(f)
        with read_session(self.engine) as session:
            if matches is not None and not is_sqlite(self.engine):
                found = _text_page(session, conditions, f.text, rows)
            else:
                if matches is not None:
                    conditions.append(matches)
                found = list(session.execute(rows.read(_TICKET, conditions)).all())
        page = [_row(values) for values in found]
        if rows.reverse:
            page.reverse()
        return page

    @staticmethod
    def depends_on_now(f: QueueFilter) -> bool:
        """Whether the rows of ``f`` change as time passes, with no ticket saved."""
        return f.due_within_minutes is not None or f.vendor_overdue

    def has_tickets(self) -> bool:
        """Whether the database holds any ticket at all, whatever the filter."""
        with read_session(self.engine) as session:
            return session.execute(select(col(Ticket.id)).limit(1)).first() is not None

    def change_token(self) -> tuple[Any, ...]:
        """Cheap fingerprint of the ticket table: it moves whenever any ticket is saved."""
        statement = select(func.max(Ticket.updated_at))
        with read_session(self.engine) as session:
            return tuple(session.execute(statement).one())
