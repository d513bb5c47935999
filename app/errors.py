"""Errors a person can act on, raised by the use cases and shown as they are by the UI/CLI."""

from __future__ import annotations

from dataclasses import dataclass


class SwitchboardError(Exception):
    """A problem with what the user asked for, with a message that says how to fix it."""


class NotFoundError(SwitchboardError):
    """The record asked for does not exist (any more)."""


class ValidationError(SwitchboardError):
    """Input that breaks a rule; ``problems`` maps a field name to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{field}: {text}" for field, text in self.problems.items()))


class TransitionError(SwitchboardError):
    """A status change the workflow does not allow from the ticket's current status."""


@dataclass(frozen=True)
class ChangeSummary:
    """One change made by someone else, for the optimistic-lock conflict message."""

    who: str
    at: str
    what: str


class ConflictError(SwitchboardError):
    """Someone else saved the ticket after it was opened here; nothing was saved."""

    def __init__(self, number: str, changes: list[ChangeSummary]) -> None:
        self.number = number
        self.changes = changes
        lines = [f"{c.who} at {c.at}: {c.what}" for c in changes] or ["(details unavailable)"]
        super().__init__(
            f"{number} was changed by someone else since you opened it, so your edit was not "
            "saved. Their changes:\n  " + "\n  ".join(lines) + "\nReload the ticket, then make "
            "your change again."
        )


class PermissionDenied(SwitchboardError):
    """The staff member's role may not do what they asked; the message names the roles that
    may, so they know whom to ask. Nothing was written."""
