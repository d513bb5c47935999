"""The ticket figures of a period: counts in SQL on the ``(site_id, moment)`` indexes, and the
period's own rows walked in Python only where SQL cannot do it (business hours, medians, local
hours of the heat map).

Each figure follows the design notes' definition, printed in the report's appendix
(:data:`app.reports.definitions.DEFINITIONS`); the comments say how a definition became a
query.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.reports.elapsed import days_before
from app.reports.measures import Share, Times
from app.reports.period import SiteWindow, within, within_by_site
from app.reports.times import ANSWER, RESOLUTION, Calendars, Durations, durations
from app.tickets.escalations import escalation_counts
from models.enums import Channel, EventKind, Priority
from models.org import Category, Team
from models.people import Asset, Caller
from models.tickets import RESOLVED_EVENT, Ticket, TicketEvent

FCR_CHANNELS = (Channel.PHONE, Channel.WALK_IN)
REPEAT_DAYS = 30
AGE_BUCKETS = (("< 1 d", 1), ("1-3 d", 3), ("3-7 d", 7), ("7-30 d", 30), ("> 30 d", None))
TOP = 10

T = Ticket
E = TicketEvent


@dataclass(frozen=True)
class Summary:
    """The key figures of one period (the summary page compares two of them): what its
    three passes over the period's rows counted, and what was counted apart."""

    created: Created
    resolved: Durations  # to the resolution, of the tickets resolved in the period
    acknowledged: Durations  # to the first answer, of the tickets first answered in it
    backlog: int
    reopen: Share
    escalated_functional: Share
    escalated_hierarchical: Share
    repeat: Share

    @property
    def volume(self) -> int:
        return self.created.volume

    @property
    def fcr(self) -> Share:
        return self.created.fcr

    @property
    def flr(self) -> Share:
        return self.resolved.first_level

    @property
    def mtta(self) -> Times:
        return self.acknowledged.overall

    @property
    def mttr(self) -> Times:
        return self.resolved.overall

    @property
    def mtta_by_priority(self) -> tuple[tuple[str, Times], ...]:
        return self.acknowledged.by_priority

    @property
    def mttr_by_priority(self) -> tuple[tuple[str, Times], ...]:
        return self.resolved.by_priority

    @property
    def sla_response(self) -> Share:
        return self.acknowledged.within_target

    @property
    def sla_resolution(self) -> Share:
        return self.resolved.within_target

    @property
    def volume_by_category(self) -> tuple[tuple[str, int], ...]:
        return self.created.by_category

    @property
    def volume_by_priority(self) -> tuple[tuple[str, int], ...]:
        return self.created.by_priority


@dataclass(frozen=True)
class Breakdowns:
    """Where the period's volume came from (as the summary counted it), what is left at its
    end, and what came back most."""

    created: Created
    backlog_ages: tuple[tuple[str, int], ...]
    top_categories: tuple[tuple[str, int], ...]
    top_callers: tuple[tuple[str, int], ...]
    top_assets: tuple[tuple[str, int], ...]

    @property
    def by_channel(self) -> tuple[tuple[str, int], ...]:
        return self.created.by_channel

    @property
    def by_site(self) -> tuple[tuple[str, int], ...]:
        return self.created.by_site

    @property
    def heat(self) -> tuple[tuple[int, ...], ...]:  # 7 weekdays (Monday first) x 24 hours
        return self.created.heat


def category_names(connection: Connection) -> dict[uuid.UUID, str]:
    """Every category as "Parent › Child" (a top-level one by its own name)."""
    rows = connection.execute(
        select(col(Category.id), col(Category.name), col(Category.parent_id))
    ).all()
    names = {row.id: row.name for row in rows}
    return {
        row.id: f"{names[row.parent_id]} › {row.name}" if row.parent_id in names else row.name
        for row in rows
    }


@dataclass(frozen=True)
class Created:
    """The tickets created in the period, counted in one pass over their rows."""

    volume: int
    fcr: Share
    by_category: tuple[tuple[str, int], ...]  # most first
    by_priority: tuple[tuple[str, int], ...]  # every priority, P1 first
    by_channel: tuple[tuple[str, int], ...]  # every channel
    by_site: tuple[tuple[str, int], ...]  # every site of the report, by code
    heat: tuple[tuple[int, ...], ...]  # 7 weekdays (Monday first) x 24 local hours


def created(
    connection: Connection, windows: tuple[SiteWindow, ...], categories: Mapping[uuid.UUID, str]
) -> Created:
    """Volume, first contact resolution and where the volume came from, from one read of
    the period's rows (one pass instead of a grouped query per breakdown)."""
    zones = {w.site_id: w.zone for w in windows}
    by_category: Counter[uuid.UUID | None] = Counter()
    by_priority: Counter[int] = Counter()
    by_channel: Counter[int] = Counter()
    by_site: Counter[uuid.UUID] = Counter()
    heat = [[0] * 24 for _ in range(7)]
    first_contact = solved = 0
    for site_id, moment, category_id, priority, channel, at_once in connection.execute(
        select(
            col(T.site_id),
            col(T.created_at),
            col(T.category_id),
            col(T.priority),
            col(T.channel),
            col(T.first_contact_resolution),
        ).where(within(col(T.site_id), col(T.created_at), windows))
    ):
        by_category[category_id] += 1
        by_priority[priority] += 1
        by_channel[channel] += 1
        by_site[site_id] += 1
        local = moment.astimezone(zones[site_id])
        heat[local.weekday()][local.hour] += 1
        if channel in FCR_CHANNELS:
            first_contact += 1
            solved += bool(at_once)
    named = sorted(
        ((categories.get(key, "(none)") if key else "(none)", n) for key, n in by_category.items()),
        key=lambda row: (-row[1], row[0]),
    )
    return Created(
        volume=sum(by_site.values()),
        fcr=Share(solved, first_contact),
        by_category=tuple(named),
        by_priority=tuple((p.label, by_priority[p]) for p in sorted(Priority, key=int)),
        by_channel=tuple((c.label, by_channel[c]) for c in Channel),
        by_site=tuple((w.code, by_site[w.site_id]) for w in windows),
        heat=tuple(tuple(day) for day in heat),
    )


def summary(
    connection: Connection,
    windows: tuple[SiteWindow, ...],
    calendars: Calendars | None,
    categories: Mapping[uuid.UUID, str],
) -> Summary:
    """The key figures of the period the windows cover; business hours only with
    ``calendars`` (the period before is compared in calendar hours)."""
    counted = created(connection, windows, categories)
    desk = frozenset(
        connection.execute(select(col(Team.id)).where(col(Team.is_service_desk))).scalars()
    )
    resolved = durations(connection, windows, RESOLUTION, categories, calendars, desk)
    acknowledged = durations(connection, windows, ANSWER, categories, calendars)
    escalated = [escalation_counts_of(connection, w) for w in windows]
    volume = counted.volume
    return Summary(
        created=counted,
        resolved=resolved,
        acknowledged=acknowledged,
        backlog=backlog(connection, windows),
        reopen=_reopened(connection, windows),
        escalated_functional=Share(sum(e[0] for e in escalated), volume),
        escalated_hierarchical=Share(sum(e[1] for e in escalated), volume),
        repeat=Share(_repeats(connection, windows), volume),
    )


def _repeats(connection: Connection, windows: tuple[SiteWindow, ...]) -> int:
    """Tickets of the period whose caller, or asset, had another ticket in the same category
    in the 30 days before: for each, one short range of the (caller, created) or (asset,
    created) index."""
    earlier = aliased(Ticket)

    def came_before(owner: Any, earlier_owner: Any) -> ColumnElement[bool]:
        return and_(
            owner.is_not(None),
            exists().where(
                earlier_owner == owner,
                col(earlier.created_at) >= days_before(col(T.created_at), REPEAT_DAYS),
                col(earlier.created_at) <= col(T.created_at),
                col(earlier.id) != col(T.id),
                col(earlier.category_id) == col(T.category_id),
            ),
        )

    return int(
        connection.execute(
            select(func.count()).where(
                within(col(T.site_id), col(T.created_at), windows),
                col(T.category_id).is_not(None),
                or_(
                    came_before(col(T.caller_id), col(earlier.caller_id)),
                    came_before(col(T.asset_id), col(earlier.asset_id)),
                ),
            )
        ).scalar_one()
    )


def backlog(connection: Connection, windows: tuple[SiteWindow, ...]) -> int:
    """Tickets created before the period's end and not closed at it. "Closed at it" reads the
    ticket's closing time as it is recorded now; reopening clears it, so a ticket closed then
    and reopened since counts as not closed."""
    total = 0
    for w in windows:
        for still_open in (col(T.closed_at).is_(None), col(T.closed_at) >= w.end):
            total += connection.execute(
                select(func.count()).where(
                    col(T.site_id) == w.site_id, still_open, col(T.created_at) < w.end
                )
            ).scalar_one()
    return total


def backlog_ages(
    connection: Connection, windows: tuple[SiteWindow, ...]
) -> tuple[tuple[str, int], ...]:
    """The backlog at the period's end by how long each ticket had been open then."""
    counts = [0] * len(AGE_BUCKETS)
    for w in windows:
        bucket = case(
            *(
                (col(T.created_at) > w.end - timedelta(days=days), index)
                for index, (_label, days) in enumerate(AGE_BUCKETS)
                if days is not None
            ),
            else_=len(AGE_BUCKETS) - 1,
        )
        for still_open in (col(T.closed_at).is_(None), col(T.closed_at) >= w.end):
            for index, count in connection.execute(
                select(bucket, func.count())
                .where(col(T.site_id) == w.site_id, still_open, col(T.created_at) < w.end)
                .group_by(bucket)
            ):
                counts[int(index)] += int(count)
    return tuple((label, count) for (label, _days), count in zip(AGE_BUCKETS, counts, strict=True))


def _reopened(connection: Connection, windows: tuple[SiteWindow, ...]) -> Share:
    """Tickets resolved in the period (any resolution in it, by the audit trail) that were
    reopened after it, of the tickets resolved in the period. Both kinds of event are found
    on the (kind, at) index; the few reopenings are matched to the resolutions here."""
    if not windows:
        return Share(0, 0)
    first_resolved = {
        ticket_id: at
        for ticket_id, at in connection.execute(
            select(col(E.ticket_id), func.min(col(E.at)))
            .join(T, col(T.id) == col(E.ticket_id))
            .where(
                text(RESOLVED_EVENT),  # in the partial index's words, so it is used
                within_by_site(col(T.site_id), col(E.at), windows),
            )
            .group_by(col(E.ticket_id))
        )
    }
    reopened = {
        ticket_id
        for ticket_id, at in connection.execute(
            select(col(E.ticket_id), col(E.at)).where(
                col(E.kind) == EventKind.REOPENED, col(E.at) >= min(w.start for w in windows)
            )
        )
        if ticket_id in first_resolved and at > first_resolved[ticket_id]
    }
    return Share(len(reopened), len(first_resolved))


def escalation_counts_of(connection: Connection, w: SiteWindow) -> tuple[int, int]:
    """(handed to another team, flagged to a manager) among a site's tickets of the window."""
    counts = escalation_counts(connection.engine, w.start, w.end, w.site_id)
    return counts.functional, counts.hierarchical


def breakdowns(
    connection: Connection,
    windows: tuple[SiteWindow, ...],
    counted: Created,
) -> Breakdowns:
    """Where the period's volume came from (counted with the summary), its backlog by age,
    and the categories, callers and assets that came back most."""
    inside = within(col(T.site_id), col(T.created_at), windows)
    return Breakdowns(
        created=counted,
        backlog_ages=backlog_ages(connection, windows),
        top_categories=tuple(row for row in counted.by_category if row[0] != "(none)")[:TOP],
        top_callers=_top_named(connection, inside, col(T.caller_id), Caller),
        top_assets=_top_named(connection, inside, col(T.asset_id), Asset),
    )


def _top_named(
    connection: Connection,
    created: ColumnElement[bool],
    column: Any,
    table: type[Caller] | type[Asset],
) -> tuple[tuple[str, int], ...]:
    """The callers (or assets) with the most tickets in the period, named as people know them:
    a caller by name, an asset by tag and model."""
    counts = connection.execute(
        select(column, func.count().label("n"))
        .where(created, column.is_not(None))
        .group_by(column)
        .order_by(func.count().desc())
        .limit(TOP)
    ).all()
    if not counts:
        return ()
    ids = [key for key, _n in counts]
    if table is Caller:
        names = {
            key: name
            for key, name in connection.execute(
                select(col(Caller.id), col(Caller.name)).where(col(Caller.id).in_(ids))
            )
        }
    else:
        names = {
            key: f"{tag} ({model})" if model else tag
            for key, tag, model in connection.execute(
                select(col(Asset.id), col(Asset.tag), col(Asset.model)).where(
                    col(Asset.id).in_(ids)
                )
            )
        }
    rows = [(names.get(key, "(removed)"), int(n)) for key, n in counts]
    return tuple(sorted(rows, key=lambda row: (-row[1], row[0])))
