"""Figures of finished periods kept in the database (:mod:`models.report_store`), so a month
already read opens at once: an 80,000-ticket month takes seconds to count, and a manager
opens the same few months again and again.

Only a period that is over everywhere is kept; one still running changes with every new
ticket. A kept part is used only while it holds: the database's triggers delete it when a
ticket or ticket event it was counted from changes, and its ``reference`` (a digest of the
names, business hours and time zones it was counted and named with, and of :data:`FORMAT`)
must match today's. So the figures read from the store are the figures counting would give.

Keeping never stands in the report's way: a database that takes no writes (a damaged file,
a read-only server account) or another workstation keeping the same part at the same moment
just means the part is counted and not kept.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from app.reports.period import Period, SiteWindow
from models.engine import is_sqlite, read_connection, write_session
from models.errors import DatabaseError
from models.org import Category, Site, SiteClosure, Team
from models.report_store import ReportStore as R

log = logging.getLogger(__name__)

# Change it whenever what a kept part holds, or how a figure is counted, changes: parts kept
# by an older Switchboard are then counted again instead of read.
FORMAT = "1"

T = TypeVar("T")


def reference_digest(connection: Connection, sites: Iterable[Site]) -> str:
    """A digest of everything besides tickets that kept figures depend on: the format, the
    category names (volume by category, what drove a change), which teams are the service
    desk (first level resolution), and each site's code, time zone, business hours and
    closures (where its days start, its business-hours times)."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for site in sorted(sites, key=lambda s: s.code):
        digest.update(repr((site.id, site.code, site.timezone, site.business_hours)).encode())
    for statement in (
        select(col(Category.id), col(Category.name), col(Category.parent_id)).order_by(
            col(Category.id)
        ),
        select(col(Team.id), col(Team.is_service_desk)).order_by(col(Team.id)),
        select(
            col(SiteClosure.site_id), col(SiteClosure.first_day), col(SiteClosure.last_day)
        ).order_by(col(SiteClosure.site_id), col(SiteClosure.first_day)),
    ):
        for row in connection.execute(statement):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Store:
    """The kept parts of one report's site (``site_key``: a site's code, or "" for every
    site), valid for ``reference``, with "now" to tell a finished period."""

    engine: Engine
    site_key: str
    reference: str
    now: datetime

    def kept(
        self,
        kind: str,
        period: Period,
        windows: tuple[SiteWindow, ...],
        shape: type[T],
        count: Callable[[], T],
        *,
        looks_back: timedelta = timedelta(0),
        with_backlog: bool = False,
    ) -> T:
        """The ``kind`` part of ``period`` as kept, or as ``count`` counts it now (kept for
        next time if the period is over). ``count`` must open its own connection, so that it
        reads after the claim (see :mod:`models.report_store`); ``looks_back`` widens what
        the part was counted from before the period (repeat incidents look 30 days back);
        ``with_backlog`` says it holds the backlog at the period's end."""
        if not windows or max(w.end for w in windows) > self.now:
            return count()
        adapter = TypeAdapter(shape)
        with read_connection(self.engine) as connection:
            body = connection.execute(
                select(col(R.body)).where(
                    *self._key(kind, period), col(R.reference) == self.reference
                )
            ).scalar_one_or_none()
        if body is not None:
            return adapter.validate_json(body)
        lo = min(w.start for w in windows) - looks_back
        claim = self._claim(kind, period, lo, max(w.end for w in windows), with_backlog)
        value = count()
        if claim is not None:
            self._fill(claim, adapter.dump_json(value).decode())
        return value

    def _key(self, kind: str, period: Period) -> tuple:
        return (
            col(R.kind) == kind,
            col(R.site_key) == self.site_key,
            col(R.first_day) == period.first,
            col(R.last_day) == period.last,
        )

    def _claim(
        self, kind: str, period: Period, lo: datetime, hi: datetime, with_backlog: bool
    ) -> uuid.UUID | None:
        """An empty row for the part, committed before its figures are read: a change to
        what it counts from, made from now on, deletes it. On PostgreSQL the ticket
        table is locked against writes for the moment of the claim, so no change already under
        way can slip between the claim and the reading. (Ticket events are written at the
        moment they happen, after any finished period; only an import writes older ones.)"""
        row = R(
            kind=kind,
            site_key=self.site_key,
            first_day=period.first,
            last_day=period.last,
            lo=lo,
            hi=hi,
            with_backlog=with_backlog,
            reference=self.reference,
            made_at=self.now,
        )
        try:
            with write_session(self.engine) as session:
                if not is_sqlite(self.engine):  # SQLite's writers already take turns
                    session.execute(text("LOCK TABLE ticket IN SHARE MODE"))
                session.execute(delete(R).where(*self._key(kind, period)))
                session.add(row)
        except (DBAPIError, DatabaseError) as error:
            log.warning("Report figures of %s not kept: %s", period.code, error)
            return None
        return row.id

    def _fill(self, claim: uuid.UUID, body: str) -> None:
        """The figures into the claimed row, unless a change deleted it meanwhile."""
        try:
            with write_session(self.engine) as session:
                session.execute(update(R).where(col(R.id) == claim).values(body=body))
        except (DBAPIError, DatabaseError) as error:
            log.warning("Report figures not kept: %s", error)
