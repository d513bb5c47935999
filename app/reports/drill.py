"""The tickets behind a key figure: the queue's view that lists them, or why the queue cannot.

The queue shows tickets as they are now, so it lists exactly the tickets a figure counts by
when they were created, first answered or resolved. The backlog at the period's end, the
reopen rate, first contact resolution and repeat incidents depend on what the tickets were
then, or on what the queue cannot filter by: the Reports page says so instead of listing
something else.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.queue.query import Moment, QueueFilter, QueueSort, ReportScope, SavedView, SortColumn
from app.reports.readings import KeyFigure
from app.reports.report import Report
from app.tickets.escalations import EscalationKind
from models.enums import TicketStatus


@dataclass(frozen=True)
class Drill:
    """A figure's tickets: the queue ``view`` that lists them (None when it cannot) and a
    sentence saying what it lists, or why not."""

    view: SavedView | None
    note: str


_BY_MOMENT = {
    "volume": Moment.CREATED,
    "escalation_functional": Moment.CREATED,
    "escalation_hierarchical": Moment.CREATED,
    "mtta": Moment.ANSWERED,
    "sla_response": Moment.ANSWERED,
    "mttr": Moment.RESOLVED,
    "sla_resolution": Moment.RESOLVED,
    "flr": Moment.RESOLVED,
}
_ESCALATION = {
    "escalation_functional": EscalationKind.FUNCTIONAL,
    "escalation_hierarchical": EscalationKind.HIERARCHICAL,
}
_WORDS = {Moment.CREATED: "created", Moment.ANSWERED: "first answered", Moment.RESOLVED: "resolved"}
_NOT_LISTED = {
    "backlog": "The backlog counts tickets as they were at the period's end, and the queue "
    "shows them as they are now: its open tickets are today's backlog.",
    "reopen": "The reopen rate is read from the tickets' history: a ticket's timeline shows "
    "its reopenings.",
    "repeat": "Repeat incidents compare each ticket with its caller's and asset's earlier "
    "ones: the candidates for problem management list the callers and assets behind them.",
    "fcr": "First contact resolution counts phone and walk-in tickets, and the queue cannot "
    "filter by channel.",
}


def drill(report: Report, figure: KeyFigure) -> Drill:
    """What the queue can show for ``figure`` of ``report``."""
    moment = _BY_MOMENT.get(figure.key)
    if moment is None:
        return Drill(None, _NOT_LISTED.get(figure.key, "The queue cannot list these tickets."))
    label = f"{_WORDS[moment]} in {report.period.label}"
    scope = ReportScope(moment, report.sites.windows(report.period), label)
    one_site = report.sites.rows[0].id if len(report.sites.rows) == 1 else None
    chosen = QueueFilter(
        statuses=frozenset(TicketStatus),
        site_id=one_site,
        escalation=_ESCALATION.get(figure.key),
        scope=scope,
    )
    name = f"{figure.name}: tickets {label}"
    return Drill(SavedView(name, chosen, QueueSort(SortColumn.AGE)), f"Tickets {label}.")
