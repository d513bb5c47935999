"""The ticket queue as SQL: filters, sorting and paging that never load the whole table.

Every sort order ends with the unique ticket number, so the order is total and matches an
index (see ``models.tickets.Ticket``). Pages near the end of a long result are read with the
order reversed, so jumping to the last row costs as little as reading the first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Literal

from sqlalchemy import ColumnElement, Engine, Select, func, literal_column, select
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import col

from app.queue.text_filter import text_condition
from app.reports.period import SiteWindow, within
from app.tickets.escalations import EscalationKind
from models.clock import utcnow
from models.engine import read_session
from models.enums import OPEN_STATUSES, Priority, TicketStatus
from models.org import Site
from models.tickets import Ticket, vendor_answer_overdue

# Below this offset plain OFFSET paging is cheap; beyond it, pages past the middle are read
# with the order reversed so the last page costs what the first does.
REVERSE_FROM = 2000

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


# The column each sort reads through an index; the site sorts by number (site code prefix),
# and age ascending means youngest first, i.e. creation time descending.
_SORT_KEYS: dict[SortColumn, tuple[Any, bool]] = {
    SortColumn.NUMBER: (Ticket.number, False),
    SortColumn.PRIORITY: (Ticket.priority, False),
    SortColumn.STATUS: (Ticket.status, False),
    SortColumn.SUMMARY: (Ticket.summary, False),
    SortColumn.CALLER: (Ticket.caller_name, False),
    SortColumn.ASSIGNEE: (Ticket.assignee_name, False),
    SortColumn.TEAM: (Ticket.team_name, False),
    SortColumn.SITE: (Ticket.number, False),
    SortColumn.AGE: (Ticket.created_at, True),
    SortColumn.SLA_DUE: (Ticket.sla_due_at, False),
}


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


def _conditions(
    f: QueueFilter, me: uuid.UUID | None, now: datetime, dialect: str
) -> list[ColumnElement[bool]]:
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
    matches_text = text_condition(f.text, dialect)
    if matches_text is not None:
        conditions.append(matches_text)
    return conditions


def _order(sort: QueueSort, reverse: bool) -> list[UnaryExpression[Any]]:
    column, inverted = _SORT_KEYS[sort.column]
    descending = sort.descending != inverted
    if reverse:
        descending = not descending
    nulls_last = not reverse
    key = column.desc() if descending else column.asc()
    key = key.nulls_last() if nulls_last else key.nulls_first()
    if column is Ticket.number:
        return [key]
    number = col(Ticket.number).desc() if descending else col(Ticket.number).asc()
    return [key, number]


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


_ROW_COLUMNS: tuple[Any, ...] = tuple(
    col(c)
    for c in (
        Ticket.id,
        Ticket.number,
        Ticket.priority,
        Ticket.status,
        Ticket.summary,
        Ticket.caller_name,
        Ticket.assignee_name,
        Ticket.team_name,
        Site.code,
        Ticket.created_at,
        Ticket.sla_due_at,
        Ticket.version,
        Ticket.escalated,
        Ticket.manager_flagged,
        Ticket.manager_flag_reason,
        Ticket.vendor_due_at,
    )
)


class QueueQuery:
    """Counts and pages of the queue for one user (``me``) on one database."""

    def __init__(self, engine: Engine, me: uuid.UUID | None) -> None:
        self.engine = engine
        self.me = me

    def _conditions(self, f: QueueFilter, now: datetime | None) -> list[ColumnElement[bool]]:
        return _conditions(f, self.me, now or utcnow(), self.engine.dialect.name)

    def count(self, f: QueueFilter, now: datetime | None = None) -> int:
        statement = select(func.count()).select_from(Ticket)
        statement = statement.where(*self._conditions(f, now))
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
        offset = max(0, offset)
        reverse = total is not None and offset >= REVERSE_FROM and offset > total - offset - limit
        statement: Select[Any] = (
            select(*_ROW_COLUMNS)
            .join(Site, col(Site.id) == col(Ticket.site_id))
            .where(*self._conditions(f, now))
        )
        if reverse:
            assert total is not None
            end = min(total, offset + limit)
            statement = statement.order_by(*_order(sort, True))
            statement = statement.offset(total - end).limit(end - offset)
        else:
            statement = statement.order_by(*_order(sort, False)).offset(offset).limit(limit)
        with read_session(self.engine) as session:
            rows = [_row(values) for values in session.execute(statement)]
        if reverse:
            rows.reverse()
        return rows

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
