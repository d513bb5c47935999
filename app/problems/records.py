"""Problem records: create, edit, move through the workflow, link incidents, resolve.

Every write names the staff member acting and checks :attr:`Action.MANAGE_PROBLEMS` in its
own write transaction (linking incidents from the problem's side too; the desk links a call
to a known error with ``app.problems.known_errors.apply_known_error``). Every change is a
:class:`ProblemEvent` (who, when, which field, old -> new in words, or a note), as every
ticket change is a ticket event, and moves the problem's ``updated_at`` and ``version`` on.
An edit names the version it was made on and is refused with :class:`ConflictError` if
someone saved in between. The problem's row is locked as it is read, so two writes to one
problem queue (on SQLite they do anyway) and tickets are always locked after their problem.

Rules decided here:

- The number is the highest one plus one, taken in the write transaction (one sequence for
  every site). On PostgreSQL two workstations may take the same one at once: the unique
  number refuses the second, which starts again with the next.
- The workflow (:data:`TRANSITIONS`): any open status moves to another one (never back to
  new) or to resolved; a resolved problem is closed, or reopened with a note saying why the
  fix did not hold; a closed problem is kept as it was (no edits, no new incidents; notes
  still). Root cause known needs the root cause; a known error needs the root cause and the
  workaround the desk gives callers (the enum's definition); resolved needs the permanent
  fix or a note. Clearing what the status needs is refused the same way.
- An incident is linked to at most one problem: linking one that belongs to another problem
  refuses the whole call, naming the ticket and that problem. Linking writes a
  ``PROBLEM_LINKED`` ticket event through :class:`TicketChange` (the ticket's version moves
  on) and a problem event. Closed tickets may be linked: past incidents are evidence.
- Resolving can resolve the open incidents in the same transaction, each through the ticket
  workflow (SLA, events, status rules) with a note naming the problem; if one cannot be,
  nothing is saved and the message says which and why. Resolved and closed incidents are
  left as they are.
- The target date may not be before the day the problem was recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import Engine, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.errors import (
    ChangeSummary,
    ConflictError,
    NotFoundError,
    SwitchboardError,
    TransitionError,
    ValidationError,
)
from app.permissions import Action, require
from app.text import shortened
from app.tickets.actions import TicketChange
from app.tickets.actions import enter_status as enter_ticket_status
from app.tickets.workflow import find_transition
from models.engine import write_session
from models.enums import EventKind, Priority, ProblemStatus, TicketStatus
from models.org import Category, Staff
from models.people import Asset
from models.problems import Problem, ProblemAsset, ProblemCategory, ProblemEvent
from models.tickets import Ticket

TITLE_MAX = 200  # Problem.title's column
NUMBER_ATTEMPTS = 5  # tries to take the next number while other workstations take it first
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "priority",
        "owner_id",
        "root_cause",
        "workaround",
        "permanent_fix",
        "target_date",
        "asset_ids",
        "category_ids",
    }
)

# The problem event's field for what is not a field change; a note has none ("").
CREATED = "created"
INCIDENT = "incident"  # linked (new value: the ticket's number) or unlinked (old value)
INCIDENTS_RESOLVED = "incidents resolved"  # the numbers of those resolved with the problem
KNOWN_ERROR_USED = "known error used"  # the workaround given at intake; the ticket's number
# The ticket event's field when a ticket is linked to (or taken off) a problem.
PROBLEM_FIELD = "problem"

S = ProblemStatus
TRANSITIONS: dict[ProblemStatus, tuple[ProblemStatus, ...]] = {
    S.NEW: (S.INVESTIGATING, S.ROOT_CAUSE_KNOWN, S.KNOWN_ERROR, S.RESOLVED),
    S.INVESTIGATING: (S.ROOT_CAUSE_KNOWN, S.KNOWN_ERROR, S.RESOLVED),
    S.ROOT_CAUSE_KNOWN: (S.INVESTIGATING, S.KNOWN_ERROR, S.RESOLVED),
    S.KNOWN_ERROR: (S.INVESTIGATING, S.ROOT_CAUSE_KNOWN, S.RESOLVED),
    # Reopening: the fix did not hold.
    S.RESOLVED: (S.CLOSED, S.INVESTIGATING, S.ROOT_CAUSE_KNOWN, S.KNOWN_ERROR),
    S.CLOSED: (),
}


def problem_reference(number: int) -> str:
    """The problem's number as people say it: ``PRB-000042``."""
    return f"PRB-{number:06d}"


def problem_transitions(status: ProblemStatus) -> tuple[ProblemStatus, ...]:
    """The statuses a problem in ``status`` may move to, for the editor's buttons."""
    return TRANSITIONS[status]


def describe_event(event: ProblemEvent) -> str:
    """A problem event in words, for the history and the conflict message."""
    if event.field == CREATED:
        return "created the problem"
    if not event.field:
        return "added a note"
    if event.field == INCIDENT:
        if event.new_value:
            return f"linked incident {event.new_value}"
        return f"unlinked incident {event.old_value}"
    if event.field == KNOWN_ERROR_USED:
        return f"workaround given at intake on {event.new_value}"
    if event.field == INCIDENTS_RESOLVED:
        return f"resolved its open incidents {event.new_value}"
    return f"{event.field}: {event.old_value or '—'} → {event.new_value or '—'}"


@dataclass(frozen=True)
class ProblemDraft:
    """What a person fills in for a new problem."""

    title: str
    description: str = ""
    priority: Priority = Priority.MEDIUM
    owner_id: uuid.UUID | None = None
    root_cause: str = ""
    workaround: str = ""
    permanent_fix: str = ""
    target_date: date | None = None
    asset_ids: tuple[uuid.UUID, ...] = ()
    category_ids: tuple[uuid.UUID, ...] = ()


# -- checks ------------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise ValidationError({"title": "Say what keeps going wrong, e.g. “VPN drops at NY”."})
    if len(text) > TITLE_MAX:
        raise ValidationError(
            {
                "title": f"Keep the title under {TITLE_MAX} characters ({len(text)} now); "
                "put details in the description."
            }
        )
    return text


def _first_day(recorded: datetime) -> date:
    """The earliest date anywhere on Earth at ``recorded`` (UTC-12 is the last zone to reach
    a day): a desk in any time zone may give its own today as the target date."""
    return (recorded - timedelta(hours=12)).date()


def _field_problems(
    session: Session,
    values: Mapping[str, Any],
    recorded: datetime,
    categories_before: frozenset[uuid.UUID] = frozenset(),
) -> dict[str, str]:
    """What is wrong with the fields in ``values`` (a problem recorded at ``recorded``),
    by field name; empty if nothing. A category it has already may be kept once retired;
    a retired one is never given."""
    problems: dict[str, str] = {}
    if "title" in values:
        try:
            _clean_title(values["title"])
        except ValidationError as error:
            problems.update(error.problems)
    if "priority" in values and values["priority"] not in set(Priority):
        problems["priority"] = "Choose a priority from P1 Critical to P4 Low."
    owner_id = values.get("owner_id")
    if owner_id is not None:
        owner = session.get(Staff, owner_id)
        if owner is None or not owner.active:
            problems["owner"] = "Choose an active staff member as the owner."
    target = values.get("target_date")
    if target is not None and target < _first_day(recorded):
        problems["target_date"] = (
            f"The target date cannot be before the problem was recorded "
            f"({recorded:%d %b %Y}); choose a later one."
        )
    asset_ids = set(values.get("asset_ids", ()))
    if asset_ids:
        found = session.exec(select(Asset.id).where(col(Asset.id).in_(asset_ids))).all()
        if len(set(found)) != len(asset_ids):
            problems["assets"] = "An asset chosen is no longer in the register; choose again."
    category_ids = set(values.get("category_ids", ())) - categories_before
    if category_ids:
        rows = session.exec(select(Category).where(col(Category.id).in_(category_ids))).all()
        retired = sorted(c.name for c in rows if c.retired)
        if len(rows) != len(category_ids):
            problems["categories"] = "A category chosen no longer exists; choose again."
        elif retired:
            problems["categories"] = (
                f"{', '.join(retired)} {'is' if len(retired) == 1 else 'are'} retired; "
                "choose current categories."
            )
    return problems


def _status_needs(status: ProblemStatus, root_cause: str, workaround: str) -> dict[str, str]:
    """What a problem in ``status`` lacks of what that status says it has."""
    needs: dict[str, str] = {}
    if status in (S.ROOT_CAUSE_KNOWN, S.KNOWN_ERROR) and not root_cause.strip():
        needs["root_cause"] = (
            f"Write down the root cause: a problem that is “{status.label}” has one."
        )
    if status == S.KNOWN_ERROR and not workaround.strip():
        needs["workaround"] = (
            "A known error needs the workaround the desk gives callers; write it down."
        )
    return needs


# -- one unit of work on one problem -----------------------------------------------------------


class ProblemChange:
    """One unit of work on one problem, recording an event for every change."""

    def __init__(self, session: Session, problem: Problem, actor_id: uuid.UUID, now: datetime):
        self.session = session
        self.problem = problem
        self.actor_id = actor_id
        self.now = now
        self.events: list[ProblemEvent] = []

    @property
    def reference(self) -> str:
        return problem_reference(self.problem.number)

    def event(self, field: str = "", old: str = "", new: str = "", note: str = "") -> None:
        self.events.append(
            ProblemEvent(
                problem_id=self.problem.id,
                at=self.now,
                actor_id=self.actor_id,
                field=field,
                old_value=_cut(old),
                new_value=_cut(new),
                note=note,
            )
        )

    def set(self, name: str, value: Any, old_text: str, new_text: str, note: str = "") -> None:
        """Set the problem's attribute ``name``, with an event in words, if it changes."""
        if getattr(self.problem, name) == value:
            return
        setattr(self.problem, name, value)
        self.event(name.removesuffix("_id").replace("_", " "), old_text, new_text, note)

    def finish(self) -> None:
        if not self.events:
            return
        self.problem.updated_at = self.now
        self.session.add(self.problem)
        self.session.add_all(self.events)
        self.session.flush()


def _cut(text: str) -> str:
    """A text as an event's old or new value holds it (400 characters)."""
    return shortened(" ".join(text.split()), 400)


def _changes_since(session: Session, problem: Problem, version: int) -> list[ChangeSummary]:
    """The saves made after ``version``, for the conflict message. A save is the events one
    unit of work wrote at its moment; known errors used at intake move no version."""
    events = session.exec(
        select(ProblemEvent)
        .where(
            col(ProblemEvent.problem_id) == problem.id,
            col(ProblemEvent.field) != KNOWN_ERROR_USED,
        )
        .order_by(col(ProblemEvent.at).desc())
    ).all()
    saves = [list(group) for _at, group in groupby(events, key=lambda e: e.at)]
    recent = [e for save in reversed(saves[: max(0, problem.version - version)]) for e in save]
    names = dict(
        session.exec(
            select(Staff.id, Staff.name).where(col(Staff.id).in_({e.actor_id for e in recent}))
        ).all()
    )
    return [
        ChangeSummary(
            who=names.get(e.actor_id, "System") if e.actor_id else "System",
            at=e.at.strftime("%Y-%m-%d %H:%M UTC"),
            what=describe_event(e),
        )
        for e in recent
    ]


@contextmanager
def _problem_change(
    engine: Engine,
    problem_id: uuid.UUID,
    expected_version: int | None,
    actor_id: uuid.UUID,
    now: datetime,
    *,
    editing: bool = True,
) -> Iterator[ProblemChange]:
    """Open the problem for change, refusing unless the actor may manage problems, if the
    problem moved past ``expected_version`` (None: on top of whatever was saved), or, when
    ``editing``, if it is closed."""
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_PROBLEMS)
        problem = session.get(Problem, problem_id, with_for_update=True)
        if problem is None:
            raise NotFoundError("That problem no longer exists.")
        reference = problem_reference(problem.number)
        if expected_version is not None and problem.version != expected_version:
            raise ConflictError(reference, _changes_since(session, problem, expected_version))
        if editing and problem.status == S.CLOSED:
            raise TransitionError(f"{reference} is closed, so it is kept as it was.")
        change = ProblemChange(session, problem, actor_id, now)
        with session.no_autoflush:
            yield change
        change.finish()


# -- creating ----------------------------------------------------------------------------------


class _NumberTaken(Exception):
    """Another workstation took the number this one took, a moment before."""


def _next_number(session: Session) -> int:
    """The next problem number, read in the write transaction."""
    highest = session.exec(select(func.max(Problem.number))).one()
    return int(highest or 0) + 1


def create_problem(
    engine: Engine,
    draft: ProblemDraft,
    actor_id: uuid.UUID,
    now: datetime,
    *,
    incident_ids: Sequence[uuid.UUID] = (),
    candidate_key: str | None = None,
) -> uuid.UUID:
    """Record a new problem, with ``incident_ids`` linked to it (a detection candidate's:
    ``candidate_key`` names it, so it is not offered again); returns its id. Every problem
    with the draft is named at once; an incident of another problem refuses it all."""
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with write_session(engine) as session:
                return _create(session, draft, actor_id, now, incident_ids, candidate_key)
        except _NumberTaken:
            continue
    raise SwitchboardError(
        "Other workstations kept taking the next problem number, so the problem was not "
        "recorded. Record it again."
    )


def _create(
    session: Session,
    draft: ProblemDraft,
    actor_id: uuid.UUID,
    now: datetime,
    incident_ids: Sequence[uuid.UUID],
    candidate_key: str | None,
) -> uuid.UUID:
    require(session, actor_id, Action.MANAGE_PROBLEMS)
    values = {
        "title": draft.title,
        "priority": draft.priority,
        "owner_id": draft.owner_id,
        "target_date": draft.target_date,
        "asset_ids": draft.asset_ids,
        "category_ids": draft.category_ids,
    }
    problems = _field_problems(session, values, now)
    if problems:
        raise ValidationError(problems)
    problem = Problem(
        number=_next_number(session),
        title=_clean_title(draft.title),
        description=draft.description.strip(),
        priority=Priority(draft.priority),
        owner_id=draft.owner_id,
        root_cause=draft.root_cause.strip(),
        workaround=draft.workaround.strip(),
        permanent_fix=draft.permanent_fix.strip(),
        target_date=draft.target_date,
        candidate_key=candidate_key,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    session.add(problem)
    try:
        session.flush()
    except IntegrityError as taken:  # the unique number: another workstation took it
        raise _NumberTaken from taken
    session.add_all(ProblemAsset(problem_id=problem.id, asset_id=a) for a in set(draft.asset_ids))
    session.add_all(
        ProblemCategory(problem_id=problem.id, category_id=c) for c in set(draft.category_ids)
    )
    change = ProblemChange(session, problem, actor_id, now)
    change.event(CREATED, new=change.reference)
    _link(change, _tickets_to_link(session, problem, incident_ids))
    session.add_all(change.events)
    session.flush()
    return problem.id


# -- editing -----------------------------------------------------------------------------------


def _linked_ids(session: Session, model: type[Any], column: str, problem_id: uuid.UUID) -> set[Any]:
    return set(
        session.exec(
            select(getattr(model, column)).where(col(model.problem_id) == problem_id)
        ).all()
    )


def _names(session: Session, model: type[Any], label: str, ids: set[uuid.UUID]) -> str:
    """The rows' labels in words, sorted: "LT-0001, LT-0002"."""
    if not ids:
        return ""
    rows = session.exec(select(getattr(model, label)).where(col(model.id).in_(ids))).all()
    return ", ".join(sorted(rows))


def _set_links(
    change: ProblemChange,
    model: type[Any],
    column: str,
    target: type[Any],
    label: str,
    field: str,
    wanted: set[uuid.UUID],
) -> None:
    """Make the problem's link rows in ``model`` (``column`` pointing at ``target``) exactly
    ``wanted``, with one event naming the rows before and after."""
    session, problem_id = change.session, change.problem.id
    current = _linked_ids(session, model, column, problem_id)
    if current == wanted:
        return
    old, new = _names(session, target, label, current), _names(session, target, label, wanted)
    gone = current - wanted
    if gone:
        session.execute(
            delete(model).where(
                col(model.problem_id) == problem_id, col(getattr(model, column)).in_(gone)
            )
        )
    session.add_all(model(problem_id=problem_id, **{column: row}) for row in wanted - current)
    change.event(field, old, new)


def update_problem(
    engine: Engine,
    problem_id: uuid.UUID,
    changes: Mapping[str, Any],
    actor_id: uuid.UUID,
    now: datetime,
    expected_version: int,
) -> None:
    """Save edited fields (:data:`EDITABLE_FIELDS`; the status moves with
    :func:`change_problem_status`), one event per field that changed; refused with
    :class:`ConflictError` if someone saved since ``expected_version``."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: "This field cannot be edited." for name in sorted(unknown)})
    with _problem_change(engine, problem_id, expected_version, actor_id, now) as change:
        problem, session = change.problem, change.session
        before = frozenset(_linked_ids(session, ProblemCategory, "category_id", problem.id))
        problems = _field_problems(session, changes, problem.created_at, before)
        texts = {
            name: str(changes.get(name, getattr(problem, name))).strip()
            for name in ("description", "root_cause", "workaround", "permanent_fix")
        }
        problems.update(
            _status_needs(ProblemStatus(problem.status), texts["root_cause"], texts["workaround"])
        )
        if problems:
            raise ValidationError(problems)
        if "title" in changes:
            title = _clean_title(changes["title"])
            change.set("title", title, problem.title, title)
        for name, text in texts.items():
            if name in changes:
                change.set(name, text, getattr(problem, name), text)
        if "priority" in changes:
            priority = Priority(changes["priority"])
            change.set("priority", priority, Priority(problem.priority).label, priority.label)
        if "owner_id" in changes:
            owner_id = changes["owner_id"]
            change.set(
                "owner_id",
                owner_id,
                _names(session, Staff, "name", {problem.owner_id} if problem.owner_id else set()),
                _names(session, Staff, "name", {owner_id} if owner_id else set()),
            )
        if "target_date" in changes:
            target = changes["target_date"]
            change.set(
                "target_date",
                target,
                problem.target_date.isoformat() if problem.target_date else "",
                target.isoformat() if target else "",
            )
        if "asset_ids" in changes:
            wanted = set(changes["asset_ids"])
            _set_links(change, ProblemAsset, "asset_id", Asset, "tag", "assets", wanted)
        if "category_ids" in changes:
            wanted = set(changes["category_ids"])
            _set_links(
                change, ProblemCategory, "category_id", Category, "name", "categories", wanted
            )


# -- the workflow ------------------------------------------------------------------------------


def _enter_problem_status(change: ProblemChange, target: ProblemStatus, note: str) -> None:
    """Move the problem to ``target`` if the workflow allows it and the problem has what
    ``target`` needs."""
    problem = change.problem
    current = ProblemStatus(problem.status)
    if target not in TRANSITIONS[current]:
        hint = {
            S.CLOSED: " Resolve it first.",
            S.NEW: " A problem being worked on does not become new again.",
        }.get(target, "")
        if current == S.CLOSED:
            hint = " A closed problem is kept as it was; record a new one if the cause is back."
        raise TransitionError(
            f"A problem that is {current.label.lower()} cannot go to {target.label.lower()}." + hint
        )
    needs = _status_needs(target, problem.root_cause, problem.workaround)
    if target == S.RESOLVED and not problem.permanent_fix.strip() and not note:
        needs["note"] = "Say how it was fixed: write the permanent fix, or a note."
    reopening = not current.is_open and target.is_open
    if reopening and not note:
        needs["note"] = "Say why the problem is reopened: what came back."
    if needs:
        raise ValidationError(needs)
    if target == S.RESOLVED:
        problem.resolved_at = change.now
    elif target == S.CLOSED:
        problem.closed_at = change.now
    elif reopening:
        problem.resolved_at = None
    change.set("status", target, current.label, target.label, note)


def change_problem_status(
    engine: Engine,
    problem_id: uuid.UUID,
    target: ProblemStatus,
    actor_id: uuid.UUID,
    now: datetime,
    expected_version: int,
    *,
    note: str = "",
) -> None:
    """Move the problem along the workflow (:data:`TRANSITIONS`). Resolving its incidents
    with it is :func:`resolve_problem`."""
    with _problem_change(engine, problem_id, expected_version, actor_id, now, editing=False) as c:
        _enter_problem_status(c, target, note.strip())


def resolve_problem(
    engine: Engine,
    problem_id: uuid.UUID,
    actor_id: uuid.UUID,
    now: datetime,
    *,
    fix_note: str,
    resolve_incidents: bool,
    expected_version: int | None = None,
) -> tuple[str, ...]:
    """Resolve the problem and, if ``resolve_incidents``, every open incident linked to it,
    each with a note naming the problem and the fix, all in one transaction: if one cannot
    be resolved nothing is. Returns the numbers of the incidents resolved."""
    note = fix_note.strip()
    with _problem_change(engine, problem_id, expected_version, actor_id, now) as change:
        _enter_problem_status(change, S.RESOLVED, note)
        if not resolve_incidents:
            return ()
        session = change.session
        tickets = session.exec(
            select(Ticket)
            .where(
                col(Ticket.problem_id) == problem_id,
                col(Ticket.status) < TicketStatus.RESOLVED,
            )
            .order_by(col(Ticket.number))
            .with_for_update()
        ).all()
        if not tickets:
            return ()
        require(session, actor_id, Action.RESOLVE_TICKET)
        refused = [
            f"{t.number} is {TicketStatus(t.status).label.lower()}, which cannot be resolved"
            for t in tickets
            if find_transition(TicketStatus(t.status), TicketStatus.RESOLVED) is None
        ]
        if refused:
            raise TransitionError(
                f"{change.reference} was not resolved, nor any of its incidents: "
                + "; ".join(refused)
                + ". Move those on first, or resolve the problem without its incidents."
            )
        ticket_note = f"Resolved with problem {change.reference} ({change.problem.title}): " + (
            note or change.problem.permanent_fix
        )
        for ticket in tickets:
            # The ticket workflow's own step (SLA clock, events, what follows a resolution),
            # so an incident resolved with its problem is resolved as if by hand.
            m = TicketChange(session, ticket, actor_id, now)
            m.responded()
            enter_ticket_status(m, TicketStatus.RESOLVED, ticket_note)
            m.finish()
        numbers = tuple(t.number for t in tickets)
        change.event(INCIDENTS_RESOLVED, new=", ".join(numbers))
        return numbers


def add_problem_note(
    engine: Engine, problem_id: uuid.UUID, note: str, actor_id: uuid.UUID, now: datetime
) -> None:
    """Add a note to the problem's history; notes never conflict, so no version is checked
    (and a closed problem still takes them)."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Write the note first."})
    with _problem_change(engine, problem_id, None, actor_id, now, editing=False) as change:
        change.event(note=note)


# -- incidents ---------------------------------------------------------------------------------


def _tickets_to_link(
    session: Session, problem: Problem, ticket_ids: Sequence[uuid.UUID]
) -> list[Ticket]:
    """The tickets of ``ticket_ids`` not linked to ``problem`` yet, locked; refuses them all
    if one is gone or is an incident of another problem (naming each)."""
    wanted = set(ticket_ids)
    if not wanted:
        return []
    tickets = session.exec(
        select(Ticket)
        .where(col(Ticket.id).in_(wanted))
        .order_by(col(Ticket.number))
        .with_for_update()
    ).all()
    if len(tickets) != len(wanted):
        raise ValidationError({"incidents": "A ticket chosen no longer exists; choose again."})
    others = {t.problem_id for t in tickets} - {None, problem.id}
    if others:
        numbers = dict(
            session.exec(
                select(Problem.id, Problem.number).where(col(Problem.id).in_(others))
            ).all()
        )
        taken = [
            f"{t.number} is an incident of {problem_reference(numbers[t.problem_id])}"
            for t in tickets
            if t.problem_id is not None and t.problem_id in others
        ]
        raise ValidationError(
            {
                "incidents": "; ".join(taken)
                + f", so nothing was linked to {problem_reference(problem.number)}. "
                "An incident belongs to one problem: unlink it there first."
            }
        )
    return [t for t in tickets if t.problem_id is None]


def _link(change: ProblemChange, tickets: Sequence[Ticket]) -> None:
    """Link ``tickets`` (none linked anywhere) to the problem: an event on each side."""
    for ticket in tickets:
        m = TicketChange(change.session, ticket, change.actor_id, change.now)
        ticket.problem_id = change.problem.id
        m.event(EventKind.PROBLEM_LINKED, PROBLEM_FIELD, "", change.reference)
        m.finish()
        change.event(INCIDENT, new=ticket.number)


def link_incidents(
    engine: Engine,
    problem_id: uuid.UUID,
    ticket_ids: Sequence[uuid.UUID],
    actor_id: uuid.UUID,
    now: datetime,
) -> None:
    """Link the tickets to the problem as its incidents (those linked already stay as they
    are). One that is an incident of another problem refuses them all."""
    with _problem_change(engine, problem_id, None, actor_id, now) as change:
        _link(change, _tickets_to_link(change.session, change.problem, ticket_ids))


def unlink_incident(
    engine: Engine,
    problem_id: uuid.UUID,
    ticket_id: uuid.UUID,
    actor_id: uuid.UUID,
    now: datetime,
) -> None:
    """Take the ticket off the problem's incidents (it was not one after all)."""
    with _problem_change(engine, problem_id, None, actor_id, now) as change:
        ticket = change.session.get(Ticket, ticket_id, with_for_update=True)
        if ticket is None:
            raise NotFoundError("That ticket no longer exists.")
        if ticket.problem_id != problem_id:
            raise ValidationError(
                {"incidents": f"{ticket.number} is not an incident of {change.reference}."}
            )
        m = TicketChange(change.session, ticket, actor_id, now)
        ticket.problem_id = None
        m.event(EventKind.PROBLEM_LINKED, PROBLEM_FIELD, change.reference, "")
        m.finish()
        change.event(INCIDENT, old=ticket.number)
