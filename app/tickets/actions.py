"""Ticket use cases: create, edit, move through the workflow, assign, escalate, log work.

Every use case names the staff member acting (``actor_id``, never None: a system that
writes without a person, such as the demo generator, writes its rows directly and does not
call these) and checks their permission first, in the write's own transaction
(:func:`app.permissions.require`). Every change goes through :class:`TicketChange`, which
checks the version the user opened
(optimistic locking), writes one event per changed field, keeps the denormalised names and
the running SLA deadline in step, and turns a lost race into a :class:`ConflictError`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from app.business_hours import BusinessCalendar
from app.errors import ConflictError, NotFoundError, TransitionError, ValidationError
from app.permissions import Action, require
from app.tickets import sla
from app.tickets.detail import OtherChange, TicketDetail, changes_after, changes_since, load_detail
from app.tickets.priority import IMPACT_LABELS, URGENCY_LABELS, load_matrix, priority_for
from app.tickets.workflow import find_transition, is_reopen, status_change_needs
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import Channel, EventKind, Priority, TicketStatus
from models.org import Category, Site, SlaPolicy, Staff, Team
from models.people import Asset, Caller
from models.tickets import Ticket, TicketEvent

SUMMARY_MAX = 200
FIRST_CONTACT_CHANNELS = frozenset({Channel.PHONE, Channel.WALK_IN})
EDITABLE_FIELDS = frozenset(
    {
        "summary",
        "description",
        "caller_id",
        "asset_id",
        "category_id",
        "channel",
        "impact",
        "urgency",
        "assignee_id",
        "team_id",
    }
)


@dataclass(frozen=True)
class TicketDraft:
    """What an operator fills in for a new ticket."""

    summary: str
    site_id: uuid.UUID | None = None
    caller_id: uuid.UUID | None = None
    description: str = ""
    category_id: uuid.UUID | None = None
    asset_id: uuid.UUID | None = None
    channel: Channel = Channel.PHONE
    impact: int = 3
    urgency: int = 3
    assignee_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    resolved_on_first_contact: bool = False
    resolution_note: str = ""


def _clean_summary(summary: str) -> str:
    text = " ".join(summary.split())
    if not text:
        raise ValidationError({"summary": "Write a short summary of the problem."})
    if len(text) > SUMMARY_MAX:
        raise ValidationError(
            {
                "summary": f"Keep the summary under {SUMMARY_MAX} characters ({len(text)} now); "
                "put details in the description."
            }
        )
    return text


def _require(session: Session, model: type[Any], row_id: uuid.UUID | None, field: str) -> Any:
    if row_id is None:
        return None
    row = session.get(model, row_id)
    if row is None:
        raise ValidationError({field: "No longer exists; choose another."})
    return row


def _current_category(session: Session, category_id: uuid.UUID | None) -> Category | None:
    """The category a ticket is given now: it must exist and not be retired (a ticket that
    has a retired one keeps it; it is just never given one)."""
    category: Category | None = _require(session, Category, category_id, "category")
    if category is not None and category.retired:
        raise ValidationError(
            {"category": f"{category.name} is retired; choose one of the current categories."}
        )
    return category


class TicketChange:
    """One unit of work on one ticket, recording an event for every change."""

    def __init__(self, session: Session, ticket: Ticket, actor_id: uuid.UUID, now: datetime):
        self.session = session
        self.ticket = ticket
        self.actor_id = actor_id
        self.now = now
        self.events: list[TicketEvent] = []
        site = session.get(Site, ticket.site_id)
        assert site is not None
        self.site = site

    def event(
        self,
        kind: EventKind,
        field: str = "",
        old: str = "",
        new: str = "",
        note: str = "",
        minutes: int = 0,
    ) -> None:
        self.events.append(
            TicketEvent(
                ticket_id=self.ticket.id,
                ticket_version=self.ticket.version + 1,
                at=self.now,
                actor_id=self.actor_id,
                kind=kind,
                field=field,
                old_value=old[:400],
                new_value=new[:400],
                note=note,
                minutes_spent=minutes,
            )
        )

    def set(
        self,
        field: str,
        value: Any,
        old_text: str,
        new_text: str,
        kind: EventKind = EventKind.FIELD_CHANGED,
    ) -> bool:
        if getattr(self.ticket, field) == value:
            return False
        setattr(self.ticket, field, value)
        self.event(kind, field.removesuffix("_id"), old_text, new_text)
        return True

    def calendar_for(self, policy: SlaPolicy) -> BusinessCalendar:
        closures = () if policy.around_the_clock else sla.site_closures(self.session, self.site.id)
        return sla.policy_calendar(self.site, policy, closures)

    def policy(self) -> SlaPolicy | None:
        """The policy the ticket's clock runs under: the one it was opened (or last
        re-prioritised) under, kept when policies change; the current one for its priority
        where none was recorded (tickets from before schema 0009)."""
        ticket = self.ticket
        if ticket.sla_policy_id is not None:
            kept = self.session.get(SlaPolicy, ticket.sla_policy_id)
            if kept is not None:
                return kept
        return sla.current_policy(
            self.session, Priority(ticket.priority), ticket.site_id, ticket.category_id
        )

    def responded(self) -> None:
        """Staff acted on the ticket: the first such moment stops the response clock."""
        ticket = self.ticket
        if ticket.first_response_at is None:
            ticket.first_response_at = self.now
            ticket.response_breached = bool(
                ticket.response_due_at and self.now > ticket.response_due_at
            )

    def finish(self) -> None:
        if not self.events:
            return
        self.ticket.updated_at = self.now
        self.ticket.sla_due_at = sla.running_due(self.ticket)
        self.session.add(self.ticket)
        self.session.add_all(self.events)
        self.session.flush()


@contextmanager
def ticket_change(
    engine: Engine,
    ticket_id: uuid.UUID,
    expected_version: int | None,
    actor_id: uuid.UUID,
    now: datetime | None,
    actions: tuple[Action, ...],
) -> Iterator[TicketChange]:
    """Open the ticket for change, refusing if the actor may not do all of ``actions`` or if
    the ticket moved past ``expected_version``. Public for the services that change a ticket
    on the side of their own work (a ticket's cause: app/maintenance/major_incidents.py)."""
    number = ""
    read_version = expected_version or 0
    try:
        with write_session(engine) as session:
            for action in actions:
                require(session, actor_id, action)
            # A change that checks no version (a note) must not lose a race it cannot
            # conflict in: on PostgreSQL the row is locked as it is read, so a concurrent
            # note waits for this one and then reads the new version. (SQLite's write
            # transactions are serial already.)
            ticket = session.get(Ticket, ticket_id, with_for_update=expected_version is None)
            if ticket is None:
                raise NotFoundError("That ticket no longer exists.")
            number = ticket.number
            read_version = ticket.version
            if expected_version is not None and ticket.version != expected_version:
                raise ConflictError(number, changes_since(session, ticket_id, expected_version))
            mutation = TicketChange(session, ticket, actor_id, now or utcnow())
            # One UPDATE per unit of work, so the version moves by exactly one per save.
            with session.no_autoflush:
                yield mutation
            mutation.finish()
    except StaleDataError as error:
        # Only what landed after the version this save was made on: the conflicting change.
        with read_session(engine) as session:
            changes = changes_since(session, ticket_id, read_version)
        raise ConflictError(number, changes) from error


def ticket_detail(engine: Engine, ticket_id: uuid.UUID) -> TicketDetail:
    """The ticket as the editor shows it, read after a change: what every action returns."""
    with read_session(engine) as session:
        return load_detail(session, ticket_id)


def _apply_priority(m: TicketChange, impact: int, urgency: int) -> None:
    """Recompute priority and, if it changed, the SLA targets counted from creation."""
    ticket = m.ticket
    priority = priority_for(load_matrix(m.session), impact, urgency)
    for field, value in (("impact", impact), ("urgency", urgency)):
        m.set(field, value, str(getattr(ticket, field)), str(value))
    if m.set("priority", priority, Priority(ticket.priority).label, priority.label):
        _apply_sla_targets(m)


def _apply_sla_targets(m: TicketChange) -> None:
    """Due times from the current policy for the ticket's priority, site and category; the
    ticket keeps that policy (a later change of the policy does not move them)."""
    ticket = m.ticket
    policy = sla.current_policy(
        m.session, Priority(ticket.priority), ticket.site_id, ticket.category_id
    )
    ticket.sla_policy_id = policy.id if policy is not None else None
    if policy is None:
        ticket.response_due_at = ticket.resolution_due_at = None
        return
    calendar = m.calendar_for(policy)
    response, resolution = sla.due_dates(ticket.created_at, policy, calendar)
    if ticket.paused_minutes:
        response = calendar.add_business_minutes(response, ticket.paused_minutes)
        resolution = calendar.add_business_minutes(resolution, ticket.paused_minutes)
    ticket.response_due_at, ticket.resolution_due_at = response, resolution


def _apply_assignment(
    m: TicketChange,
    assignee_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    responds: bool = True,
) -> None:
    """Set assignee and team; ``responds=False`` when routing at creation, which is not
    yet anyone acknowledging the ticket (MTTA counts from creation to first response)."""
    ticket = m.ticket
    assignee: Staff | None = _require(m.session, Staff, assignee_id, "assignee")
    if assignee is not None and not assignee.active:
        raise ValidationError({"assignee": f"{assignee.name} is no longer active."})
    if assignee is not None and team_id is None:
        team_id = assignee.team_id
    team: Team | None = _require(m.session, Team, team_id, "team")
    changed = m.set(
        "assignee_id",
        assignee_id,
        ticket.assignee_name,
        assignee.name if assignee else "",
        EventKind.ASSIGNED,
    )
    changed |= m.set(
        "team_id", team_id, ticket.team_name, team.name if team else "", EventKind.ASSIGNED
    )
    ticket.assignee_name = assignee.name if assignee else ""
    ticket.team_name = team.name if team else ""
    if changed and (assignee or team):
        if responds:
            m.responded()
        if ticket.status == TicketStatus.NEW:
            m.set(
                "status",
                TicketStatus.ASSIGNED,
                TicketStatus.NEW.label,
                TicketStatus.ASSIGNED.label,
                EventKind.STATUS_CHANGED,
            )


def _set_reference(
    m: TicketChange,
    field: str,
    model: type[Any],
    new_id: uuid.UUID | None,
    label: Callable[[Any], str],
) -> bool:
    """Point ``field`` at another row, recording both rows' labels in the event; whether
    it changed."""
    current = getattr(m.ticket, field)
    old = m.session.get(model, current) if current else None
    new = _require(m.session, model, new_id, field.removesuffix("_id"))
    return m.set(field, new_id, label(old) if old else "", label(new) if new else "")


def _apply_fields(m: TicketChange, changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: "This field cannot be edited." for name in sorted(unknown)})
    ticket, session = m.ticket, m.session
    if "summary" in changes:
        summary = _clean_summary(changes["summary"])
        m.set("summary", summary, ticket.summary, summary)
    if "description" in changes:
        m.set("description", changes["description"], "…", "…")
    if "channel" in changes:
        channel = Channel(changes["channel"])
        m.set("channel", channel, Channel(ticket.channel).label, channel.label)
    if "caller_id" in changes:
        caller: Caller | None = _require(session, Caller, changes["caller_id"], "caller")
        if m.set(
            "caller_id", changes["caller_id"], ticket.caller_name, caller.name if caller else ""
        ):
            ticket.caller_name = caller.name if caller else ""
    if "asset_id" in changes:
        _set_reference(m, "asset_id", Asset, changes["asset_id"], lambda a: a.tag)
    if "category_id" in changes:
        new_category = changes["category_id"]
        if new_category != ticket.category_id:
            _current_category(session, new_category)  # a retired one is kept, never given
        if _set_reference(m, "category_id", Category, new_category, lambda c: c.name):
            _apply_sla_targets(m)  # a category may have an SLA of its own
    if "impact" in changes or "urgency" in changes:
        _apply_priority(
            m,
            int(changes.get("impact", ticket.impact)),
            int(changes.get("urgency", ticket.urgency)),
        )
    if "assignee_id" in changes or "team_id" in changes:
        _apply_assignment(
            m,
            changes.get("assignee_id", ticket.assignee_id),
            changes.get("team_id", ticket.team_id),
        )


def _next_number(session: Session, site: Site) -> str:
    """Hand out the site's next ticket number inside the current write transaction."""
    seq = session.execute(
        update(Site)
        .where(col(Site.id) == site.id)
        .values(next_ticket_seq=col(Site.next_ticket_seq) + 1)
        .returning(col(Site.next_ticket_seq))
    ).scalar_one()
    return f"{site.code}-{seq - 1:06d}"


def create_ticket(
    engine: Engine, draft: TicketDraft, actor_id: uuid.UUID, now: datetime | None = None
) -> TicketDetail:
    """Log a new ticket; "resolved on the call" creates it already resolved (FCR). Every
    problem with the draft is named at once, so the form shows them together."""
    with write_session(engine) as session:
        ticket_id = open_ticket(session, draft, actor_id, now or utcnow()).id
    return ticket_detail(engine, ticket_id)


def open_ticket(session: Session, draft: TicketDraft, actor_id: uuid.UUID, now: datetime) -> Ticket:
    """:func:`create_ticket`'s work in the caller's write ``session``, flushed, not
    committed: for a write that makes a ticket as part of its own transaction (a
    maintenance occurrence's ticket, app/maintenance/occurrence_tickets.py), so the two
    commit or roll back together."""
    problems: dict[str, str] = {}
    try:
        summary = _clean_summary(draft.summary)
    except ValidationError as error:
        problems.update(error.problems)
    if draft.resolved_on_first_contact:
        if draft.channel not in FIRST_CONTACT_CHANNELS:
            problems["channel"] = "Only phone or walk-in tickets can be resolved on first contact."
        if not draft.resolution_note.strip():
            problems["resolution"] = "Say how the problem was solved."
    with session.no_autoflush:
        require(session, actor_id, Action.CREATE_TICKET)
        if draft.assignee_id or draft.team_id:
            require(session, actor_id, Action.ASSIGN_TICKET)
        if draft.resolved_on_first_contact:
            require(session, actor_id, Action.RESOLVE_TICKET)
        caller: Caller | None = _require(session, Caller, draft.caller_id, "caller")
        site_id = draft.site_id or (caller.site_id if caller else None)
        site: Site | None = _require(session, Site, site_id, "site")
        if site is None:
            problems["site"] = "Choose the site the ticket belongs to."
        if problems:
            raise ValidationError(problems)
        assert site is not None
        _require(session, Asset, draft.asset_id, "asset")
        category = _current_category(session, draft.category_id)
        team_id = draft.team_id or (category.default_team_id if category else None)
        ticket = Ticket(
            number=_next_number(session, site),
            site_id=site.id,
            caller_id=draft.caller_id,
            caller_name=caller.name if caller else "",
            asset_id=draft.asset_id,
            category_id=draft.category_id,
            summary=summary,
            description=draft.description,
            channel=draft.channel,
            created_by_id=actor_id,
            created_at=now,
            updated_at=now,
            version=0,
        )
        m = TicketChange(session, ticket, actor_id, now)
        m.event(EventKind.CREATED, note=draft.description)
        ticket.impact, ticket.urgency = draft.impact, draft.urgency
        ticket.priority = priority_for(load_matrix(session), draft.impact, draft.urgency)
        _apply_sla_targets(m)
        if draft.assignee_id or team_id:
            _apply_assignment(m, draft.assignee_id, team_id, responds=False)
        if draft.resolved_on_first_contact:
            m.responded()
            ticket.first_contact_resolution = True
            enter_status(m, TicketStatus.RESOLVED, draft.resolution_note)
        m.finish()
    return ticket


def _edit_actions(changes: Mapping[str, Any]) -> tuple[Action, ...]:
    """Editing fields, and assigning when the assignee or team is among them."""
    assigns = "assignee_id" in changes or "team_id" in changes
    return (Action.EDIT_TICKET, Action.ASSIGN_TICKET) if assigns else (Action.EDIT_TICKET,)


def update_ticket(
    engine: Engine,
    ticket_id: uuid.UUID,
    expected_version: int,
    changes: Mapping[str, Any],
    actor_id: uuid.UUID,
    now: datetime | None = None,
) -> TicketDetail:
    """Save edited fields; fails with ConflictError if someone saved in between."""
    with ticket_change(
        engine, ticket_id, expected_version, actor_id, now, _edit_actions(changes)
    ) as m:
        _apply_fields(m, changes)
    return ticket_detail(engine, ticket_id)


@dataclass(frozen=True)
class FieldClash:
    """A field changed both by the person saving and, since they loaded the ticket, by
    someone else, to different values: theirs stays until the person chooses."""

    field: str  # update_ticket's name: "summary", "team_id"
    label: str  # "Summary", "Team"
    theirs: str  # the value now saved, as a person reads it
    who: str
    at: datetime


@dataclass(frozen=True)
class SaveOutcome:
    """What became of an editor's save (:func:`save_ticket`)."""

    detail: TicketDetail  # the ticket as saved; after a clash, as it stands (nothing saved)
    merged: tuple[OtherChange, ...]  # saved by others since the editor loaded, kept as they are
    clashes: tuple[FieldClash, ...]  # non-empty: nothing was saved

    @property
    def saved(self) -> bool:
        return not self.clashes


def save_ticket(
    engine: Engine,
    ticket_id: uuid.UUID,
    base_version: int,
    base: Mapping[str, Any],
    changes: Mapping[str, Any],
    actor_id: uuid.UUID,
    now: datetime | None = None,
) -> SaveOutcome:
    """Save edited fields on top of whatever others saved since ``base_version``.

    ``base`` holds each changed field's value as the editor loaded it (version
    ``base_version``). Per field: nobody else changed it since, so mine is saved; someone
    changed it to what I chose, so nothing is left to do; or someone changed it to
    something else, a clash. Any clash saves nothing and names the fields: the person
    chooses, then saves again over :attr:`SaveOutcome.detail` with their values (keep
    mine) or without those fields (take theirs). The comparison and the write happen in
    one transaction on the locked row, so no other save can land in between."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: "This field cannot be edited." for name in sorted(unknown)})
    missing = set(changes) - set(base)
    if missing:
        raise ValueError(f"no base value for {', '.join(sorted(missing))}")
    mine = dict(changes)
    if "summary" in mine:
        mine["summary"] = _clean_summary(mine["summary"])
    with ticket_change(engine, ticket_id, None, actor_id, now, _edit_actions(changes)) as m:
        moved = m.ticket.version != base_version
        merged = changes_after(m.session, ticket_id, base_version) if moved else ()
        kept: dict[str, Any] = {}
        clashes: list[FieldClash] = []
        for name, value in mine.items():
            current = getattr(m.ticket, name)
            if current == value:
                continue
            if current == base[name]:
                kept[name] = value
            else:
                clashes.append(_clash(m, name, merged))
        if not clashes:
            _apply_fields(m, kept)
    return SaveOutcome(ticket_detail(engine, ticket_id), merged, tuple(clashes))


def _clash(m: TicketChange, name: str, merged: tuple[OtherChange, ...]) -> FieldClash:
    """The clash on ``name``, with the last change made to it since the editor loaded."""
    field = name.removesuffix("_id")
    last = next((c for c in reversed(merged) if c.field == field), None)
    return FieldClash(
        field=name,
        label=field.capitalize(),
        theirs=_shown_value(m, name),
        who=last.who if last else "Someone",
        at=last.at if last else m.ticket.updated_at,
    )


def _shown_value(m: TicketChange, name: str) -> str:
    """A field's saved value as the editor shows it: names, labels, a text's beginning."""
    ticket, session = m.ticket, m.session
    value = getattr(ticket, name)
    if name in ("impact", "urgency"):
        labels = (IMPACT_LABELS if name == "impact" else URGENCY_LABELS)[len(load_matrix(session))]
        return f"{value} · {labels[value - 1]}" if 0 < value <= len(labels) else str(value)
    if name == "channel":
        return Channel(value).label
    if name == "asset_id":
        asset = session.get(Asset, value) if value else None
        return asset.tag if asset else "(none)"
    if name == "category_id":
        category = session.get(Category, value) if value else None
        return category.name if category else "(none)"
    if name in ("summary", "description"):
        text = " ".join(value.split())
        return f"“{text[:80]}{'…' if len(text) > 80 else ''}”"
    names = {
        "caller_id": ticket.caller_name,
        "assignee_id": ticket.assignee_name,
        "team_id": ticket.team_name,
    }
    return names[name] or "(none)"


def enter_status(m: TicketChange, target: TicketStatus, note: str) -> None:
    """Move the ticket of ``m`` to ``target`` with ``note``, as every status change does
    (the SLA clock, the events, what closing means for maintenance): for services that
    change many tickets in one transaction, such as resolving a problem's incidents."""
    ticket, now = m.ticket, m.now
    current = TicketStatus(ticket.status)
    if current == TicketStatus.WAITING_CALLER:
        policy = m.policy()
        if policy is not None:
            sla.resume(ticket, m.calendar_for(policy), now)
    if current == TicketStatus.WAITING_VENDOR and target != current:
        # The vendor's answer is no longer awaited here: the queue's overdue-vendor flag
        # (app/vendors/escalation.py) stops, and the index holds only tickets still waiting.
        ticket.vendor_due_at = None
    if target == TicketStatus.WAITING_CALLER:
        ticket.waiting_since = now
    elif target == TicketStatus.RESOLVED:
        ticket.resolved_at = now
        ticket.resolution_breached = bool(
            ticket.resolution_due_at and now > ticket.resolution_due_at
        )
    elif target == TicketStatus.CLOSED:
        ticket.closed_at = now
    if is_reopen(current, target):
        ticket.reopen_count += 1
        ticket.resolved_at = ticket.closed_at = None
        ticket.first_contact_resolution = False
        m.event(EventKind.REOPENED, note=note)
    m.set("status", target, current.label, target.label, EventKind.STATUS_CHANGED)
    if target in (TicketStatus.RESOLVED, TicketStatus.CLOSED) and current != target:
        # A maintenance occurrence's ticket done is the occurrence done (imported here: the
        # maintenance module creates tickets through this one).
        from app.maintenance.occurrence_tickets import ticket_done

        ticket_done(m.session, ticket, m.actor_id, now)
    if note and not is_reopen(current, target):
        m.event(EventKind.NOTE, note=note)


def change_status(
    engine: Engine,
    ticket_id: uuid.UUID,
    expected_version: int,
    target: TicketStatus,
    actor_id: uuid.UUID,
    note: str = "",
    now: datetime | None = None,
) -> TicketDetail:
    """Move the ticket along the workflow; resolving and reopening need a note."""
    with ticket_change(engine, ticket_id, expected_version, actor_id, now, ()) as m:
        current = TicketStatus(m.ticket.status)
        for action in status_change_needs(current, target):
            require(m.session, actor_id, action)
        if find_transition(current, target) is None:
            raise TransitionError(f"A ticket that is {current.label} cannot go to {target.label}.")
        if target == TicketStatus.RESOLVED and not note.strip():
            raise ValidationError({"note": "Say how the problem was resolved."})
        if is_reopen(current, target) and not note.strip():
            raise ValidationError({"note": "Say why the ticket is reopened."})
        if (
            target == TicketStatus.ASSIGNED
            and m.ticket.assignee_id is None
            and m.ticket.team_id is None
        ):
            raise ValidationError({"assignee": "Choose an assignee or a team first."})
        m.responded()
        enter_status(m, target, note.strip())
    return ticket_detail(engine, ticket_id)


def escalate(
    engine: Engine,
    ticket_id: uuid.UUID,
    expected_version: int,
    team_id: uuid.UUID,
    reason: str,
    actor_id: uuid.UUID,
    now: datetime | None = None,
) -> TicketDetail:
    """Functional escalation: hand the ticket to another team, clearing the assignee."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the ticket goes to another team."})
    with ticket_change(
        engine, ticket_id, expected_version, actor_id, now, (Action.ESCALATE_TICKET,)
    ) as m:
        if m.ticket.team_id == team_id:
            raise ValidationError({"team": "The ticket is already with that team."})
        if not TicketStatus(m.ticket.status).is_open:
            raise TransitionError("Reopen the ticket before escalating it.")
        team: Team = _require(m.session, Team, team_id, "team")
        m.event(EventKind.ESCALATED, "team", m.ticket.team_name, team.name, note=reason.strip())
        m.ticket.escalated = True
        m.ticket.first_contact_resolution = False
        _apply_assignment(m, None, team_id)
        if m.ticket.status == TicketStatus.IN_PROGRESS:
            enter_status(m, TicketStatus.ASSIGNED, "")
    return ticket_detail(engine, ticket_id)


def flag_manager(
    engine: Engine,
    ticket_id: uuid.UUID,
    expected_version: int,
    reason: str,
    actor_id: uuid.UUID,
    now: datetime | None = None,
) -> TicketDetail:
    """Hierarchical escalation: draw the manager's attention, with the reason. The ticket
    stays with its team, so it is not ``escalated`` (that is the hand-over to another team;
    see app/tickets/escalations.py)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the manager needs to look at this."})
    with ticket_change(
        engine, ticket_id, expected_version, actor_id, now, (Action.FLAG_MANAGER,)
    ) as m:
        m.ticket.manager_flagged = True
        m.ticket.manager_flag_reason = reason[:500]
        m.ticket.first_contact_resolution = False
        m.event(EventKind.MANAGER_FLAGGED, new=reason)
    return ticket_detail(engine, ticket_id)


def add_note(
    engine: Engine,
    ticket_id: uuid.UUID,
    note: str,
    actor_id: uuid.UUID,
    minutes_spent: int = 0,
    now: datetime | None = None,
) -> TicketDetail:
    """Add a worklog note; notes never conflict, so no version is checked."""
    note = note.strip()
    problems = {}
    if not note:
        problems["note"] = "Write the note first."
    if not 0 <= minutes_spent <= 24 * 60:
        problems["minutes"] = "Minutes spent must be between 0 and 1440."
    if problems:
        raise ValidationError(problems)
    with ticket_change(engine, ticket_id, None, actor_id, now, (Action.ADD_NOTE,)) as m:
        m.responded()
        m.event(EventKind.NOTE, note=note, minutes=minutes_spent)
    return ticket_detail(engine, ticket_id)
