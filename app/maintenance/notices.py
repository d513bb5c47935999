"""What every desk must be told now: open major incidents, and planned maintenance running now
or starting within the hour (issue 13). The queue and the call desk show it as a banner, the
caller card says it for the caller's site, and the ticket editor offers it as a ticket's cause.

:func:`notices` answers in one read from one connection, cheap enough for every desk to ask
every half minute: the open major incidents (an indexed ``ended_at IS NULL``), and the
maintenance tasks with their series expanded only over the last week and the next hour (a
window may have started up to :data:`app.maintenance.tasks.LONGEST_WINDOW` ago).

**Which occurrences are shown.** One whose window runs now or starts within
:data:`SOON` and nobody has settled: scheduled, moved (at its new time) or in progress.
A cancelled or skipped occurrence is not shown (nothing happens), and neither is one marked
done while its window still runs: its owner says the work is finished, so the system is
back, and a banner would tell callers something is down that is not. An occurrence whose
window has ended unrecorded (overdue) is not shown either: the window is over.

"Now" is passed in (:func:`models.clock.utcnow` at the caller).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, or_, select
from sqlmodel import col

from app.maintenance.calendar import CalendarFilter, Occurrence, Status, running
from app.maintenance.marks import Labelled
from models.engine import read_connection
from models.maintenance import MajorIncident
from models.org import Site

SOON = timedelta(hours=1)  # maintenance starting this soon is announced already
EVERY_SITE = "All sites"


class NoticeKind(Labelled):
    """What a notice is about, most urgent first, with a symbol so it reads without colour."""

    MAJOR_INCIDENT = ("Major incident", "⚠")
    MAINTENANCE_NOW = ("Maintenance now", "⚒")
    MAINTENANCE_SOON = ("Maintenance soon", "◔")

    @property
    def planned(self) -> bool:
        return self is not NoticeKind.MAJOR_INCIDENT


@dataclass(frozen=True)
class Notice:
    """One line of the banner, with what a ticket is linked to when it is its cause: the
    major incident's id, or the maintenance occurrence (its task and the start its series
    gave it)."""

    kind: NoticeKind
    text: str  # "Mail server patching, 22:00-23:00, HQ: mail unavailable"
    title: str
    site_id: uuid.UUID | None  # None: a major incident at every site
    site_code: str  # "" for every site
    starts_at: datetime
    ends_at: datetime | None  # None: a major incident still open
    impact: str  # what is down ("mail unavailable"); a major incident's title
    major_incident_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    due_at: datetime | None = None

    @property
    def key(self) -> tuple[str, uuid.UUID, datetime | None]:
        """What names it, for keeping a choice across reads."""
        if self.major_incident_id is not None:
            return ("incident", self.major_incident_id, None)
        assert self.task_id is not None
        return ("maintenance", self.task_id, self.due_at)

    @property
    def line(self) -> str:
        """The banner's line: "⚒ Maintenance now · Mail server patching, 22:00-23:00, HQ: …"."""
        if self.kind is NoticeKind.MAJOR_INCIDENT:
            return f"{self.kind.symbol} {self.text}"  # the text says "Major incident" itself
        return f"{self.kind.symbol} {self.kind.label} · {self.text}"

    @property
    def active(self) -> bool:
        """Running now (a major incident, or maintenance whose window has begun)."""
        return self.kind is not NoticeKind.MAINTENANCE_SOON

    @property
    def card_text(self) -> str:
        """What the caller card says for a caller at the site: "Planned maintenance now at
        HQ: mail unavailable", "Major incident at HQ: VPN down"."""
        where = self.site_code or "every site"
        if self.kind is NoticeKind.MAJOR_INCIDENT:
            return f"Major incident at {where}: {self.title}"
        what = self.impact or self.title
        if self.kind is NoticeKind.MAINTENANCE_SOON:
            return f"Planned maintenance soon at {where}: {what}"
        return f"Planned maintenance now at {where}: {what}"

    def applies_to(self, site_id: uuid.UUID | None) -> bool:
        """Affects callers at ``site_id`` (every-site incidents affect everyone)."""
        return self.site_id is None or self.site_id == site_id


def notices(engine: Engine, now: datetime, site_id: uuid.UUID | None = None) -> list[Notice]:
    """What every desk shows now (all sites, or those concerning ``site_id`` with the
    every-site incidents): open major incidents first, newest first; then maintenance
    running now, then starting within :data:`SOON`, earliest first."""
    with read_connection(engine) as connection:
        return read_notices(connection, now, site_id)


def read_notices(
    connection: Connection, now: datetime, site_id: uuid.UUID | None = None
) -> list[Notice]:
    """:func:`notices` inside a read the caller holds (the caller card's)."""
    return _incidents(connection, now, site_id) + _maintenance(connection, now, site_id)


def _incidents(connection: Connection, now: datetime, site_id: uuid.UUID | None) -> list[Notice]:
    incident = MajorIncident.__table__  # type: ignore[attr-defined]
    query = (
        select(
            incident.c.id,
            incident.c.title,
            incident.c.site_id,
            incident.c.started_at,
            col(Site.code),
            col(Site.timezone),
        )
        .select_from(incident.outerjoin(Site, col(Site.id) == incident.c.site_id))
        .where(incident.c.ended_at.is_(None))
        .order_by(incident.c.started_at.desc(), incident.c.id)
    )
    if site_id is not None:
        query = query.where(or_(incident.c.site_id.is_(None), incident.c.site_id == site_id))
    found = []
    for row in connection.execute(query).all():
        incident_id, title, where_id, started_at, code, zone = row
        found.append(
            Notice(
                kind=NoticeKind.MAJOR_INCIDENT,
                text=incident_text(title, code or "", started_at, zone, now),
                title=title,
                site_id=where_id,
                site_code=code or "",
                starts_at=started_at,
                ends_at=None,
                impact=title,
                major_incident_id=incident_id,
            )
        )
    return found


def _maintenance(connection: Connection, now: datetime, site_id: uuid.UUID | None) -> list[Notice]:
    # The calendar's own reading, on this connection (less the owners' leave, which a
    # banner does not show).
    found = running(connection, now, now + SOON, now, CalendarFilter(site_id=site_id))
    shown = sorted(
        (o for o in found if o.status in _SHOWN),
        key=lambda o: (o.starts_at > now, o.starts_at, o.title),
    )
    return [_maintenance_notice(o, now) for o in shown]


# Scheduled (moved ones too) and in progress; see the module docstring for the rest.
_SHOWN = frozenset({Status.SCHEDULED, Status.IN_PROGRESS})


def _maintenance_notice(o: Occurrence, now: datetime) -> Notice:
    return Notice(
        kind=NoticeKind.MAINTENANCE_NOW if o.starts_at <= now else NoticeKind.MAINTENANCE_SOON,
        text=maintenance_text(o.title, o.site_code, o.impact, o.starts_at, o.ends_at, o.zone),
        title=o.title,
        site_id=o.site_id,
        site_code=o.site_code,
        starts_at=o.starts_at,
        ends_at=o.ends_at,
        impact=o.impact,
        task_id=o.task_id,
        due_at=o.due_at,
    )


def maintenance_text(
    title: str, site_code: str, impact: str, starts_at: datetime, ends_at: datetime, zone: str
) -> str:
    """ "Mail server patching, 22:00-23:00, HQ: mail unavailable", on the site's clock; a
    window ending on a later day names that day: "22:00-Wed 25 Nov 02:00"."""
    tz = ZoneInfo(zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    until = end.strftime("%H:%M") if end.date() == start.date() else _day_time(end)
    where = f"{site_code}: {impact}" if impact else site_code
    return f"{title}, {start:%H:%M}-{until}, {where}"


def incident_text(
    title: str, site_code: str, started_at: datetime, zone: str | None, now: datetime
) -> str:
    """ "Major incident since 09:12, HQ: VPN down", on the site's clock (UTC for every
    site); since before today, with the day: "since Mon 23 Nov 16:40"."""
    tz = ZoneInfo(zone or "UTC")
    start = started_at.astimezone(tz)
    since = (
        start.strftime("%H:%M") if start.date() == now.astimezone(tz).date() else _day_time(start)
    )
    if not zone:
        since += " UTC"
    return f"Major incident since {since}, {site_code or EVERY_SITE}: {title}"


def _day_time(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"
