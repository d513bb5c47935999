"""The ticket workflow: which status changes are allowed, and what each is called."""

from __future__ import annotations

from dataclasses import dataclass

from app.permissions import Action
from models.enums import TicketStatus

S = TicketStatus


@dataclass(frozen=True)
class Transition:
    """A button in the ticket editor: a target status and the verb shown to the user."""

    target: TicketStatus
    label: str


_REOPEN = Transition(S.IN_PROGRESS, "Reopen")

TRANSITIONS: dict[TicketStatus, tuple[Transition, ...]] = {
    S.NEW: (
        Transition(S.ASSIGNED, "Assign"),
        Transition(S.IN_PROGRESS, "Start work"),
        Transition(S.WAITING_CALLER, "Wait on caller"),
        Transition(S.RESOLVED, "Resolve"),
    ),
    S.ASSIGNED: (
        Transition(S.IN_PROGRESS, "Start work"),
        Transition(S.WAITING_CALLER, "Wait on caller"),
        Transition(S.WAITING_VENDOR, "Wait on vendor"),
        Transition(S.RESOLVED, "Resolve"),
    ),
    S.IN_PROGRESS: (
        Transition(S.WAITING_CALLER, "Wait on caller"),
        Transition(S.WAITING_VENDOR, "Wait on vendor"),
        Transition(S.RESOLVED, "Resolve"),
    ),
    S.WAITING_CALLER: (
        Transition(S.IN_PROGRESS, "Caller replied"),
        Transition(S.RESOLVED, "Resolve"),
    ),
    S.WAITING_VENDOR: (
        Transition(S.IN_PROGRESS, "Vendor replied"),
        Transition(S.RESOLVED, "Resolve"),
    ),
    S.RESOLVED: (Transition(S.CLOSED, "Close"), _REOPEN),
    S.CLOSED: (_REOPEN,),
}


def allowed_transitions(status: TicketStatus) -> tuple[Transition, ...]:
    """The transitions offered for a ticket in ``status``."""
    return TRANSITIONS[status]


def find_transition(current: TicketStatus, target: TicketStatus) -> Transition | None:
    """The transition from ``current`` to ``target``, or None when it is not allowed."""
    return next((t for t in TRANSITIONS[current] if t.target == target), None)


def is_reopen(current: TicketStatus, target: TicketStatus) -> bool:
    """Reopening moves a resolved or closed ticket back to work; it is counted."""
    return not current.is_open and target.is_open


def status_change_needs(current: TicketStatus, target: TicketStatus) -> tuple[Action, ...]:
    """The permissions moving a ticket from ``current`` to ``target`` needs: resolving,
    closing and reopening each have their own, any other move is an edit. The service checks
    them; the editor disables the buttons they refuse."""
    if is_reopen(current, target):
        return (Action.REOPEN_TICKET, Action.EDIT_TICKET)
    special = {S.RESOLVED: Action.RESOLVE_TICKET, S.CLOSED: Action.CLOSE_TICKET}
    return (special.get(target, Action.EDIT_TICKET),)
