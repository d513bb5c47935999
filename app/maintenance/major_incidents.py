"""Major incidents and a ticket's cause (issue 13).

A manager (or an admin) declares a major incident: what is down, where (a site, or every
site), since when; every desk shows it (:mod:`app.maintenance.notices`) until it is closed.
Both are audited (``AuditKind.MAJOR_INCIDENT``).

A ticket's cause is a major incident or a planned maintenance occurrence (its task and the
start its series gave it). Linking or unlinking is editing the ticket
(``Action.EDIT_TICKET``): it writes a ticket event (a field change of ``cause``, old -> new
in words) and moves the ticket's version on, like every other ticket change. A ticket has
one cause at a time: linking another replaces it.

Rules decided here:

- A closed major incident can still be a ticket's cause: the ticket may be linked while
  the technician tidies up after the incident is over.
- A cancelled or skipped maintenance occurrence cannot: nothing was done to cause it.
- Closing twice is refused, with who closed it and when.
- A major incident starts now or earlier; it is never declared for the future (planned
  work is a maintenance task).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import NotFoundError, ValidationError
from app.maintenance.notices import Notice, incident_text, maintenance_text, notices
from app.maintenance.recurrence import gives
from app.maintenance.tasks import first_start
from app.permissions import Action, require
from app.tickets.actions import TicketChange, ticket_change, ticket_detail
from app.tickets.detail import TicketDetail
from models.audit import AuditKind
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import EventKind, OccurrenceState
from models.maintenance import MaintenanceOccurrence, MaintenanceTask, MajorIncident
from models.org import Site, Staff
from models.tickets import Ticket

TITLE_MAX = 200
CAUSE_FIELD = "cause"  # the ticket event's field for a change of cause


def _clean_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise ValidationError({"title": "Say what is down, e.g. “VPN down”."})
    if len(text) > TITLE_MAX:
        raise ValidationError(
            {
                "title": f"Keep it under {TITLE_MAX} characters ({len(text)} now); "
                "say more in the note."
            }
        )
    return text


def declare(
    engine: Engine,
    actor_id: uuid.UUID,
    title: str,
    site_id: uuid.UUID | None,
    started_at: datetime | None = None,
    note: str = "",
) -> uuid.UUID:
    """Declare a major incident at ``site_id`` (None: every site), down since
    ``started_at`` (None: now); returns its id."""
    now = utcnow()
    since = started_at or now
    problems: dict[str, str] = {}
    try:
        clean = _clean_title(title)
    except ValidationError as error:
        problems.update(error.problems)
    if since > now:
        problems["started_at"] = (
            "A major incident is declared once it has begun: give a time now or earlier."
        )
    with write_session(engine) as session:
        require(session, actor_id, Action.DECLARE_MAJOR_INCIDENT)
        site = session.get(Site, site_id) if site_id is not None else None
        if site_id is not None and site is None:
            problems["site"] = "That site no longer exists; choose another, or every site."
        if problems:
            raise ValidationError(problems)
        incident = MajorIncident(
            title=clean,
            site_id=site_id,
            started_at=since,
            declared_by_id=actor_id,
            note=note.strip(),
        )
        session.add(incident)
        where = site.code if site is not None else "every site"
        record(
            session,
            actor_id,
            AuditKind.MAJOR_INCIDENT,
            f"Declared “{clean}” at {where}, since {since:%Y-%m-%d %H:%M} UTC"
            + (f": {incident.note}" if incident.note else ""),
            subject_id=incident.id,
            at=now,
        )
        return incident.id


def close(engine: Engine, actor_id: uuid.UUID, incident_id: uuid.UUID, note: str = "") -> None:
    """Close the major incident: desks stop showing it. Refused if it is closed already."""
    now = utcnow()
    with write_session(engine) as session:
        require(session, actor_id, Action.DECLARE_MAJOR_INCIDENT)
        incident = session.get(MajorIncident, incident_id)
        if incident is None:
            raise NotFoundError("That major incident no longer exists.")
        if incident.ended_at is not None:
            who = session.get(Staff, incident.closed_by_id) if incident.closed_by_id else None
            by = f" by {who.name}" if who is not None else ""
            raise ValidationError(
                {
                    "incident": f"“{incident.title}” was closed already{by} at "
                    f"{incident.ended_at:%Y-%m-%d %H:%M} UTC."
                }
            )
        incident.ended_at = max(now, incident.started_at)
        incident.closed_by_id = actor_id
        note = note.strip()
        if note:
            incident.note = f"{incident.note}\n{note}".strip()
        session.add(incident)
        record(
            session,
            actor_id,
            AuditKind.MAJOR_INCIDENT,
            f"Closed “{incident.title}”" + (f": {note}" if note else ""),
            subject_id=incident.id,
            at=now,
        )


@dataclass(frozen=True)
class OpenIncident:
    """An open major incident, for the dialog that closes one."""

    id: uuid.UUID
    text: str  # "Major incident since 09:12, HQ: VPN down"


def open_incidents(engine: Engine) -> list[OpenIncident]:
    """The open major incidents, newest first."""
    return [
        OpenIncident(n.major_incident_id, n.text)
        for n in notices(engine, utcnow())
        if n.major_incident_id is not None
    ]


# -- a ticket's cause ------------------------------------------------------------------------


def link_ticket(
    engine: Engine,
    actor_id: uuid.UUID,
    ticket_id: uuid.UUID,
    *,
    major_incident_id: uuid.UUID | None = None,
    occurrence: tuple[uuid.UUID, datetime] | None = None,
    expected_version: int | None = None,
) -> TicketDetail:
    """Record that the ticket was caused by the major incident or by the maintenance
    ``occurrence`` (task id, the start its series gave it). Without ``expected_version``
    it goes on top of whatever was saved meanwhile (the cause is a field of its own)."""
    if (major_incident_id is None) == (occurrence is None):
        raise ValidationError({"cause": "Choose one major incident or one maintenance window."})
    with ticket_change(
        engine, ticket_id, expected_version, actor_id, None, (Action.EDIT_TICKET,)
    ) as m:
        old = _cause_text(m.session, m.ticket, m.now)
        cause: tuple[uuid.UUID | None, uuid.UUID | None, datetime | None]
        if major_incident_id is not None:
            if m.session.get(MajorIncident, major_incident_id) is None:
                raise ValidationError({"cause": "That major incident no longer exists."})
            cause = (major_incident_id, None, None)
        else:
            assert occurrence is not None
            _check_occurrence(m.session, *occurrence)
            cause = (None, *occurrence)
        ticket = m.ticket
        if (
            ticket.major_incident_id,
            ticket.maintenance_task_id,
            ticket.maintenance_due_at,
        ) != cause:
            ticket.major_incident_id, ticket.maintenance_task_id, ticket.maintenance_due_at = cause
            _changed(m, old)
    return ticket_detail(engine, ticket_id)


def unlink_ticket(
    engine: Engine, actor_id: uuid.UUID, ticket_id: uuid.UUID, expected_version: int | None = None
) -> TicketDetail:
    """The ticket has no known cause any more (nothing changes if it had none)."""
    with ticket_change(
        engine, ticket_id, expected_version, actor_id, None, (Action.EDIT_TICKET,)
    ) as m:
        old = _cause_text(m.session, m.ticket, m.now)
        ticket = m.ticket
        if old:
            ticket.major_incident_id = ticket.maintenance_task_id = None
            ticket.maintenance_due_at = None
            _changed(m, old)
    return ticket_detail(engine, ticket_id)


def _changed(m: TicketChange, old: str) -> None:
    new = _cause_text(m.session, m.ticket, m.now)
    m.event(EventKind.FIELD_CHANGED, CAUSE_FIELD, old, new)


def _check_occurrence(session: Session, task_id: uuid.UUID, due_at: datetime) -> None:
    """The task gives an occurrence starting at ``due_at`` (or has one stored there), and it
    was not cancelled or skipped."""
    task = session.get(MaintenanceTask, task_id)
    if task is None:
        raise ValidationError({"cause": "That maintenance task no longer exists."})
    stored = session.exec(
        select(MaintenanceOccurrence).where(
            col(MaintenanceOccurrence.task_id) == task_id,
            col(MaintenanceOccurrence.due_at) == due_at,
        )
    ).first()
    if stored is None:
        site = session.get(Site, task.site_id)
        zone = ZoneInfo(site.timezone if site is not None else "UTC")
        if not gives(task.rrule, first_start(task), zone, due_at):
            raise ValidationError(
                {"cause": f"{task.title} has no maintenance window starting then."}
            )
    elif stored.state in (OccurrenceState.CANCELLED, OccurrenceState.SKIPPED):
        raise ValidationError(
            {
                "cause": f"{task.title} on {due_at:%d %b} was {stored.state.label.lower()}: "
                "it cannot have caused this."
            }
        )


def _cause_text(session: Session, ticket: Ticket, now: datetime) -> str:
    """The ticket's cause in words ("" for none), as its history and the editor say it."""
    if ticket.major_incident_id is not None:
        incident = session.get(MajorIncident, ticket.major_incident_id)
        if incident is None:
            return "A major incident (no longer on record)"
        site = session.get(Site, incident.site_id) if incident.site_id else None
        text = incident_text(
            incident.title,
            site.code if site else "",
            incident.started_at,
            site.timezone if site else None,
            now,
        )
        if incident.ended_at is not None:
            text += " (closed)"
        return text
    if ticket.maintenance_task_id is not None and ticket.maintenance_due_at is not None:
        task = session.get(MaintenanceTask, ticket.maintenance_task_id)
        if task is None:
            return "Planned maintenance (no longer on record)"
        site = session.get(Site, task.site_id)
        due = ticket.maintenance_due_at
        stored = session.exec(
            select(MaintenanceOccurrence).where(
                col(MaintenanceOccurrence.task_id) == task.id,
                col(MaintenanceOccurrence.due_at) == due,
            )
        ).first()
        starts = stored.starts_at if stored else due
        ends = stored.ends_at if stored else due + timedelta(minutes=task.duration_minutes)
        zone = site.timezone if site else "UTC"
        day = starts.astimezone(ZoneInfo(zone))
        text = maintenance_text(
            task.title, site.code if site else "", task.impact, starts, ends, zone
        )
        return f"Planned maintenance on {day:%a} {day.day} {day:%b}: {text}"
    return ""


def linked_cause(detail: TicketDetail) -> str:
    """The ticket's cause in words as its history last recorded it ("" for none): the
    editor shows it without another read."""
    prefix = f"{CAUSE_FIELD}: "
    for event in reversed(detail.events):
        if event.kind is EventKind.FIELD_CHANGED and event.text.startswith(prefix):
            new = event.text.rpartition(" → ")[2]
            return "" if new == "—" else new
    return ""


@dataclass(frozen=True)
class CauseChoices:
    """What the ticket editor's "Caused by" offers: the ticket's cause now, and the notices
    it may be linked to."""

    linked: str  # the cause in words, "" for none
    offered: tuple[Notice, ...]  # the ticket's site's first


def cause_choices(
    engine: Engine, ticket_id: uuid.UUID | None, site_id: uuid.UUID | None = None
) -> CauseChoices:
    """The ticket's cause (none for a ticket not saved yet) and the current notices,
    those of ``site_id`` (or else the ticket's site) first."""
    now = utcnow()
    linked = ""
    if ticket_id is not None:
        with read_session(engine) as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFoundError("That ticket no longer exists.")
            linked = _cause_text(session, ticket, now)
            site_id = site_id or ticket.site_id
    found = notices(engine, now)
    found.sort(key=lambda n: not (n.site_id is not None and n.site_id == site_id))
    return CauseChoices(linked, tuple(found))


def link_notice(
    engine: Engine,
    actor_id: uuid.UUID,
    ticket_id: uuid.UUID,
    notice: Notice,
    expected_version: int | None = None,
) -> TicketDetail:
    """:func:`link_ticket` to what ``notice`` is about."""
    if notice.major_incident_id is not None:
        return link_ticket(
            engine,
            actor_id,
            ticket_id,
            major_incident_id=notice.major_incident_id,
            expected_version=expected_version,
        )
    assert notice.task_id is not None and notice.due_at is not None
    return link_ticket(
        engine,
        actor_id,
        ticket_id,
        occurrence=(notice.task_id, notice.due_at),
        expected_version=expected_version,
    )
