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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

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
class Part(Generic[T]):
    """A part of the report that can be kept: its ``kind``, the ``shape`` of its figures,
    how far before its period it counts from (``looks_back``: repeat incidents look 30 days
    back), whether it holds the backlog at the period's end (``with_backlog``), which older
    tickets' closing changes, and the other kinds whose kept figures serve as well
    (``or_kept_as``: figures with business hours serve where they are not needed)."""

    kind: str
    shape: type[T]
    looks_back: timedelta = timedelta(0)
    with_backlog: bool = False
    or_kept_as: tuple[str, ...] = ()


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
        part: Part[T],
        periods: Sequence[Period],
        windows_of: Callable[[Period], tuple[SiteWindow, ...]],
        count: Callable[[Sequence[Period]], Sequence[T]],
    ) -> list[T]:
        """The ``part`` of each of ``periods``, as kept or as ``count`` counts the others
        now (all in one call), in the order of ``periods``; those that are over are kept for
        next time. ``count`` must open its own connection, so that it reads after the claim
        (see :mod:`models.report_store`)."""
        windows = {period: windows_of(period) for period in periods}
        over = [p for p in periods if windows[p] and max(w.end for w in windows[p]) <= self.now]
        adapter = TypeAdapter(part.shape)
        found = {
            period: adapter.validate_json(body) for period, body in self._read(part, over).items()
        }
        missing = [period for period in periods if period not in found]
        if not missing:
            return [found[period] for period in periods]
        claims = self._claim(part, [p for p in missing if p in over], windows)
        counted = dict(zip(missing, count(missing), strict=True))
        self._fill({claim: adapter.dump_json(counted[p]).decode() for p, claim in claims.items()})
        return [found[period] if period in found else counted[period] for period in periods]

    def _read(self, part: Part[T], periods: Sequence[Period]) -> dict[Period, str]:
        """The kept figures of those of ``periods`` that have them, as stored."""
        if not periods:
            return {}
        wanted = {(period.first, period.last): period for period in periods}
        with read_connection(self.engine) as connection:
            rows = connection.execute(
                select(col(R.first_day), col(R.last_day), col(R.body)).where(
                    col(R.kind).in_([part.kind, *part.or_kept_as]),
                    col(R.site_key) == self.site_key,
                    col(R.reference) == self.reference,
                    col(R.first_day).in_([period.first for period in periods]),
                    col(R.body).is_not(None),
                )
            ).all()
        return {
            wanted[first, last]: body
            for first, last, body in rows
            if (first, last) in wanted and body is not None
        }

    def _claim(
        self,
        part: Part[T],
        periods: Sequence[Period],
        windows: Mapping[Period, tuple[SiteWindow, ...]],
    ) -> dict[Period, uuid.UUID]:
        """An empty row for each period's part, committed before its figures are read: a
        change to what it counts from, made from now on, deletes it. On PostgreSQL the
        ticket table is locked against writes for the moment of the claim, so no change
        already under way can slip between the claim and the reading. (Ticket events are
        written at the moment they happen, after any finished period; only an import writes
        older ones.)"""
        if not periods:
            return {}
        rows = {
            period: R(
                kind=part.kind,
                site_key=self.site_key,
                first_day=period.first,
                last_day=period.last,
                lo=min(w.start for w in windows[period]) - part.looks_back,
                hi=max(w.end for w in windows[period]),
                with_backlog=part.with_backlog,
                reference=self.reference,
                made_at=self.now,
            )
            for period in periods
        }
        try:
            with write_session(self.engine) as session:
                if not is_sqlite(self.engine):  # SQLite's writers already take turns
                    session.execute(text("LOCK TABLE ticket IN SHARE MODE"))
                for period in periods:
                    session.execute(
                        delete(R).where(
                            col(R.kind) == part.kind,
                            col(R.site_key) == self.site_key,
                            col(R.first_day) == period.first,
                            col(R.last_day) == period.last,
                        )
                    )
                session.add_all(rows.values())
        except (DBAPIError, DatabaseError) as error:
            log.warning("Report figures (%s) not kept: %s", part.kind, error)
            return {}
        return {period: row.id for period, row in rows.items()}

    def _fill(self, bodies: Mapping[uuid.UUID, str]) -> None:
        """The figures into the claimed rows, except those a change deleted meanwhile."""
        if not bodies:
            return
        try:
            with write_session(self.engine) as session:
                for claim, body in bodies.items():
                    session.execute(update(R).where(col(R.id) == claim).values(body=body))
        except (DBAPIError, DatabaseError) as error:
            log.warning("Report figures not kept: %s", error)
