"""What one detection run looks at: the incidents of its period, read once, and the names
its candidates are written in.

The rules of :mod:`app.problems.detection` all work on the same rows, so they are read in
one statement: the tickets created from eight weeks before the window up to "now", oldest
first, through the ``(created_at, number)`` index. The eight weeks before the window are
only the rules' baseline (the weekly average of a spike, the usual rate of a word, an
asset's or a caller's recent rate); a candidate's incidents are always inside the window and
linked to no problem. Incidents already linked still count in the baselines: they happened,
and leaving them out would make the weeks after a problem's incidents look busier than
usual. Sites, categories and assets are small tables read whole.

The same-asset and same-caller rules also need a subject's usual rate over a longer time
than eight weeks: an asset with one incident a month has none in eight weeks one time in
six, and would then look new. Two more statements count, per asset and per caller, the
tickets of the year before the window (:data:`HISTORY_DAYS`; or since the first ticket, if
the desk's records begin later). They are answered from the ``(asset_id, created_at)`` and
``(caller_id, created_at)`` indexes alone, without reading a ticket row: about 0.2 s each on
the 1,000,000-ticket demo database, where reading those rows would take seconds. A caller's
count is over every category: the ``(caller, category)`` count of a year is not in any
index.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from operator import attrgetter
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, select, type_coerce
from sqlalchemy.types import NullType
from sqlmodel import col

from models.engine import read_connection
from models.org import Category, Site
from models.people import Asset
from models.tickets import Ticket

BASELINE_WEEKS = 8  # the spike rule's weeks before; also the text rule's extra baseline
HISTORY_DAYS = 365  # an asset's and a caller's incidents counted before the window


# A key as the database driver hands it over: 16 bytes on SQLite, a UUID on PostgreSQL. The
# rules only group by keys, so they are turned into UUIDs for the candidates alone: making
# two million UUID objects (five keys of 400,000 rows) took two thirds of a run.
RawId = bytes | uuid.UUID
_AS_READ = NullType()  # no result processing: the driver's value as it is


def as_uuid(raw: RawId) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(bytes=bytes(raw))


class Incident(NamedTuple):
    """One ticket as the rules see it (a tuple: a run reads hundreds of thousands)."""

    id: RawId
    number: str
    site_id: RawId
    caller_id: RawId | None
    caller_name: str
    asset_id: RawId | None
    category_id: RawId | None
    summary: str
    created_at: datetime
    linked: bool  # an incident of a problem already: explained, never a candidate's


@dataclass(frozen=True)
class SiteInfo:
    code: str
    zone: ZoneInfo


@dataclass(frozen=True)
class AssetInfo:
    tag: str
    model: str

    @property
    def label(self) -> str:
        """ "PR-001234 (HP LaserJet M507)", or the tag alone."""
        return f"{self.tag} ({self.model})" if self.model else self.tag


class Rule(Enum):
    """The detection rules; the value is stored with a dismissal (``CandidateDismissal.rule``)."""

    ASSET = "asset"
    SPIKE = "spike"
    SIMILAR = "similar"
    CALLER = "caller"

    @property
    def label(self) -> str:
        return _RULE_LABELS[self]


_RULE_LABELS = {
    Rule.ASSET: "Same asset",
    Rule.SPIKE: "Spike at a site",
    Rule.SIMILAR: "Alike summaries",
    Rule.CALLER: "Same caller and category",
}


@dataclass(frozen=True)
class Candidate:
    """A candidate for a problem: what it is about, why, and the evidence.

    ``key`` names the rule and its subject ("asset:<id>", "caller:<id>:<category id>",
    "spike:<site id>:<category id>:<ISO week>", "similar:<model or *>:<shared words>"); a
    dismissal or a problem made from the candidate is filed under it, so the same
    candidate is not offered again. ``evidence`` is lines of text: the figures the rule
    compared, then one line per incident (number, local time at its site, summary).
    ``score`` orders the list: how far the figures are past the rule's bar (1.0 is just
    past it)."""

    key: str
    rule: Rule
    title: str
    reason: str
    evidence: tuple[str, ...]
    ticket_ids: tuple[uuid.UUID, ...]
    asset_ids: tuple[uuid.UUID, ...]
    category_ids: tuple[uuid.UUID, ...]
    first_at: datetime
    last_at: datetime
    score: float


@dataclass(frozen=True)
class History:
    """Tickets per asset and per caller (of any category, linked or not) in the ``days``
    before the window: the year before it, or from the first ticket where the records
    begin later, counted as eight weeks at least (a record only weeks old is read as
    eight weeks of it, as the spike rule counts weeks before the first ticket as zero)."""

    days: float
    assets: dict[RawId, int]
    callers: dict[RawId, int]


@dataclass(frozen=True)
class Scene:
    """The rows of one run and their names. ``incidents`` are sorted by creation time and
    number; those from ``first_in_window`` on are in the window."""

    now: datetime
    window_start: datetime
    read_from: datetime
    window_days: int
    incidents: Sequence[Incident]
    first_in_window: int
    sites: dict[RawId, SiteInfo]
    categories: dict[RawId, str]
    assets: dict[RawId, AssetInfo]
    history: History

    @property
    def unexplained(self) -> list[Incident]:
        """The incidents of the window linked to no problem: what candidates are made of."""
        return [i for i in self.incidents[self.first_in_window :] if not i.linked]

    def category(self, category_id: RawId | None) -> str:
        return self.categories.get(category_id, "no category") if category_id else "no category"

    def model(self, incident: Incident) -> str:
        """The model of the incident's asset ("" where it has none or the model is unknown)."""
        asset = self.assets.get(incident.asset_id) if incident.asset_id else None
        return asset.model if asset is not None else ""

    def local(self, incident: Incident) -> datetime:
        site = self.sites.get(incident.site_id)
        return incident.created_at.astimezone(site.zone) if site else incident.created_at

    def line(self, incident: Incident) -> str:
        """The evidence line of one incident: "HQ-004211  2026-11-02 09:14  Printer ..."."""
        return f"{incident.number}  {self.local(incident):%Y-%m-%d %H:%M}  {incident.summary}"

    def candidate(
        self,
        rule: Rule,
        key: str,
        title: str,
        reason: str,
        figures: Iterable[str],
        incidents: Sequence[Incident],
        score: float,
    ) -> Candidate:
        """The candidate of ``incidents`` (in time order), its evidence the ``figures``
        lines followed by a line per incident."""
        return Candidate(
            key=key,
            rule=rule,
            title=title,
            reason=reason,
            evidence=(*figures, *(self.line(incident) for incident in incidents)),
            ticket_ids=tuple(as_uuid(incident.id) for incident in incidents),
            asset_ids=_distinct(incident.asset_id for incident in incidents),
            category_ids=_distinct(incident.category_id for incident in incidents),
            first_at=incidents[0].created_at,
            last_at=incidents[-1].created_at,
            score=round(score, 3),
        )


def _distinct(ids: Iterable[RawId | None]) -> tuple[uuid.UUID, ...]:
    """The ids given, each once, in the order first met, without the empty ones."""
    return tuple(as_uuid(i) for i in dict.fromkeys(i for i in ids if i is not None))


def _as_read(column: Any) -> Any:
    """A key column read as the driver gives it (see :data:`RawId`)."""
    return type_coerce(col(column), _AS_READ)


def read_scene(engine: Engine, now: datetime, window_days: int) -> Scene:
    """The incidents of the window ending at ``now`` and of the baseline weeks before it,
    with the names of sites, categories and assets."""
    window_start = now - timedelta(days=window_days)
    read_from = window_start - timedelta(weeks=BASELINE_WEEKS)
    t = Ticket
    statement = (
        select(
            _as_read(t.id),
            col(t.number),
            _as_read(t.site_id),
            _as_read(t.caller_id),
            col(t.caller_name),
            _as_read(t.asset_id),
            _as_read(t.category_id),
            col(t.summary),
            col(t.created_at),
            col(t.problem_id).is_not(None),
        )
        .where(col(t.created_at) >= read_from, col(t.created_at) <= now)
        .order_by(col(t.created_at), col(t.number))
    )
    with read_connection(engine) as connection:
        incidents = list(map(Incident._make, connection.execute(statement).all()))
        sites = {
            site_id: SiteInfo(code, ZoneInfo(zone))
            for site_id, code, zone in connection.execute(
                select(_as_read(Site.id), col(Site.code), col(Site.timezone))
            )
        }
        categories: dict[RawId, str] = {
            category_id: name
            for category_id, name in connection.execute(
                select(_as_read(Category.id), col(Category.name))
            )
        }
        assets = {
            asset_id: AssetInfo(tag, model.strip())
            for asset_id, tag, model in connection.execute(
                select(_as_read(Asset.id), col(Asset.tag), col(Asset.model))
            )
        }
        history = _history(connection, window_start)
    first = bisect_left(incidents, window_start, key=attrgetter("created_at"))
    return Scene(
        now=now,
        window_start=window_start,
        read_from=read_from,
        window_days=window_days,
        incidents=incidents,
        first_in_window=first,
        sites=sites,
        categories=categories,
        assets=assets,
        history=history,
    )


def _history(connection: Connection, window_start: datetime) -> History:
    """The tickets per asset and per caller before the window (see :class:`History`),
    counted in the ``(asset_id, created_at)`` and ``(caller_id, created_at)`` indexes."""
    t = Ticket
    oldest = connection.execute(select(func.min(col(t.created_at)))).scalar_one()
    start = window_start - timedelta(days=HISTORY_DAYS)
    if oldest is not None and oldest > start:
        start = oldest
    days = max((window_start - start) / timedelta(days=1), BASELINE_WEEKS * 7)
    counts: list[dict[RawId, int]] = []
    for key in (t.asset_id, t.caller_id):
        statement = (
            select(_as_read(key), func.count())
            .where(
                col(key).is_not(None),
                col(t.created_at) >= start,
                col(t.created_at) < window_start,
            )
            .group_by(col(key))
        )
        counts.append({key_id: count for key_id, count in connection.execute(statement)})
    assets, callers = counts
    return History(days=days, assets=assets, callers=callers)
