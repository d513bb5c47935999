"""Enumerations stored as small integers.

Integers keep the queue indexes compact and make "sort by status" follow the workflow
order and "sort by priority" follow urgency, which string values would not.
"""

from __future__ import annotations

from enum import IntEnum


class TicketStatus(IntEnum):
    """Where a ticket is in its lifecycle, in workflow order."""

    NEW = 1
    ASSIGNED = 2
    IN_PROGRESS = 3
    WAITING_CALLER = 4
    WAITING_VENDOR = 5
    RESOLVED = 6
    CLOSED = 7

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Open means someone still has work to do (resolved and closed are not open)."""
        return self < TicketStatus.RESOLVED


_STATUS_LABELS = {
    TicketStatus.NEW: "New",
    TicketStatus.ASSIGNED: "Assigned",
    TicketStatus.IN_PROGRESS: "In progress",
    TicketStatus.WAITING_CALLER: "Waiting on caller",
    TicketStatus.WAITING_VENDOR: "Waiting on vendor",
    TicketStatus.RESOLVED: "Resolved",
    TicketStatus.CLOSED: "Closed",
}

OPEN_STATUSES = frozenset(s for s in TicketStatus if s.is_open)


class Priority(IntEnum):
    """Ticket priority; 1 is the most urgent."""

    CRITICAL = 1
    HIGH = 2
    MEDIUM = 3
    LOW = 4

    @property
    def label(self) -> str:
        return f"P{self.value} {self.name.capitalize()}"


class Channel(IntEnum):
    """How a ticket reached the service desk."""

    PHONE = 1
    EMAIL = 2
    WALK_IN = 3
    PORTAL = 4
    MONITORING = 5

    @property
    def label(self) -> str:
        return self.name.replace("_", "-").capitalize()


class StaffRole(IntEnum):
    """What a staff member does; managers receive hierarchical escalations, admins run the
    installation (staff and roles, backups, the shared server)."""

    OPERATOR = 1
    TECHNICIAN = 2
    MANAGER = 3
    ADMIN = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class EventKind(IntEnum):
    """Kinds of ticket events: the audit trail and the worklog share one table."""

    CREATED = 1
    FIELD_CHANGED = 2
    STATUS_CHANGED = 3
    ASSIGNED = 4
    NOTE = 5
    ESCALATED = 6
    MANAGER_FLAGGED = 7
    REOPENED = 8
    SLA_BREACHED = 9
    # Linked to (or taken off) a problem; the field is "problem", values its numbers.
    PROBLEM_LINKED = 10
    # A known error's workaround applied at intake: the ticket is linked to the problem and
    # the workaround is in the note. Counted apart, as the report shows how often it pays.
    KNOWN_ERROR_USED = 11
    # Handed to an outside vendor (the note names the vendor and their case number), and
    # the vendor's first answer.
    VENDOR_ESCALATED = 12
    VENDOR_RESPONDED = 13

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


class AssetStatus(IntEnum):
    """Where an asset is in its life; retired ones stay for their ticket history."""

    IN_USE = 1
    SPARE = 2
    REPAIR = 3
    RETIRED = 4

    @property
    def label(self) -> str:
        return {1: "In use", 2: "Spare", 3: "In repair", 4: "Retired"}[self.value]


class AssetKind(IntEnum):
    """Broad kinds of assets callers own or the team maintains."""

    LAPTOP = 1
    DESKTOP = 2
    PHONE = 3
    PRINTER = 4
    SERVER = 5
    ROUTER = 6
    SWITCH = 7
    SOFTWARE = 8
    OTHER = 9

    @property
    def label(self) -> str:
        return self.name.capitalize()


class ShiftKind(IntEnum):
    """What a shift means for the desk: who answers the phone (desk), who is reachable out
    of hours (on call), and who is away (leave, sick, training). A shift type has one."""

    DESK = 1
    ON_CALL = 2
    LEAVE = 3
    SICK = 4
    TRAINING = 5

    @property
    def label(self) -> str:
        return {1: "At the desk", 2: "On call", 3: "Leave", 4: "Sick", 5: "Training"}[self.value]

    @property
    def is_away(self) -> bool:
        """The person is not available for work (no desk shift may overlap it)."""
        return self in (ShiftKind.LEAVE, ShiftKind.SICK)


class CompletionResult(IntEnum):
    """How a course ended for a person; only a pass certifies (and raises a skill)."""

    PASSED = 1
    FAILED = 2
    ATTENDED = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()


class OccurrenceState(IntEnum):
    """What became of a maintenance occurrence. Scheduled rows are the moved ones (or those
    given a ticket); overdue is not stored: a scheduled occurrence whose window has passed."""

    SCHEDULED = 0
    DONE = 1
    SKIPPED = 2
    CANCELLED = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()

    @property
    def settled(self) -> bool:
        """Nothing more is owed on it: done, skipped or cancelled."""
        return self is not OccurrenceState.SCHEDULED


class ProblemStatus(IntEnum):
    """Where a problem (the cause behind recurring incidents) is, in workflow order. A known
    error has a root cause and a workaround the desk can give callers meanwhile."""

    NEW = 1
    INVESTIGATING = 2
    ROOT_CAUSE_KNOWN = 3
    KNOWN_ERROR = 4
    RESOLVED = 5
    CLOSED = 6

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self < ProblemStatus.RESOLVED
