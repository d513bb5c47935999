"""What problem management and the vendors did in the period: problems opened and resolved,
incidents linked to problems, known errors used at intake, and vendor response compliance.

Problems belong to no site. A site's report counts the problems that have an incident at the
site (linked at any time), with the site's local days as the period; the report of every
site counts every problem, with the period from the earliest site's first moment to the
latest's last. Incidents, known errors and vendor escalations belong to their ticket's site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select, true
from sqlmodel import col

from app.reports.measures import Share
from app.reports.period import SiteWindow, within, within_by_site
from models.enums import EventKind
from models.problems import Problem
from models.tickets import Ticket, TicketEvent
from models.vendors import VendorEscalation


@dataclass(frozen=True)
class ProblemFigures:
    opened: int
    resolved: int
    open_at_end: int  # problems created before the period's end and not resolved by then
    incidents_linked: int  # tickets linked to a problem in the period
    known_errors_used: int  # known errors applied to a ticket at intake in the period
    vendor_responses: Share  # answered by their due time, of the responses due in the period


def problem_figures(
    connection: Connection, windows: tuple[SiteWindow, ...], every_site: bool, now: datetime
) -> ProblemFigures:
    """The period's figures for ``windows``; ``every_site`` when the report covers them all
    (then problems need no incident at a site). Responses not yet due at ``now`` are left
    out: a running month measures only what has come due."""
    start = min(w.start for w in windows)
    end = max(w.end for w in windows)
    mine: ColumnElement[bool] = true()
    if not every_site:
        mine = exists().where(
            col(Ticket.problem_id) == col(Problem.id),
            col(Ticket.site_id).in_([w.site_id for w in windows]),
        )

    def problems(*where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(Problem).where(mine, *where)
        return int(connection.execute(query).scalar_one())

    opened = problems(col(Problem.created_at) >= start, col(Problem.created_at) < end)
    resolved = problems(col(Problem.resolved_at) >= start, col(Problem.resolved_at) < end)
    still_open = problems(
        col(Problem.created_at) < end,
        or_(col(Problem.resolved_at).is_(None), col(Problem.resolved_at) >= end),
    )

    def events(kind: EventKind, *where: ColumnElement[bool]) -> int:
        query = (
            select(func.count(func.distinct(col(TicketEvent.ticket_id))))
            .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
            .where(
                col(TicketEvent.kind) == kind,
                within_by_site(col(Ticket.site_id), col(TicketEvent.at), windows),
                *where,
            )
        )
        return int(connection.execute(query).scalar_one())

    linked = events(EventKind.PROBLEM_LINKED, col(TicketEvent.new_value) != "")
    used = events(EventKind.KNOWN_ERROR_USED)
    due = and_(
        within(col(Ticket.site_id), col(VendorEscalation.response_due_at), windows),
        col(VendorEscalation.response_due_at) <= now,
    )
    answered = and_(
        col(VendorEscalation.responded_at).is_not(None),
        col(VendorEscalation.responded_at) <= col(VendorEscalation.response_due_at),
    )
    came_due, in_time = connection.execute(
        select(func.count(), func.count().filter(answered))
        .select_from(VendorEscalation)
        .join(Ticket, col(Ticket.id) == col(VendorEscalation.ticket_id))
        .where(due)
    ).one()
    return ProblemFigures(
        opened, resolved, still_open, linked, used, Share(int(in_time), int(came_due))
    )
