"""Who may do what: the one permission table, and the check every write in ``app/`` makes.

Every write function calls :func:`require` inside its own write transaction, so the role it
checks is the role the staff member has when the change lands (a role taken away a moment
ago no longer counts). The GUI asks :func:`may` to hide or disable what a role cannot do;
hiding is a courtesy, the check here is the rule. The README's "Who may do what" table is
:func:`permission_table_markdown`, and a test keeps the two the same.
"""

from __future__ import annotations

import uuid
from enum import Enum

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.context import AppContext
from app.errors import PermissionDenied
from models.engine import read_connection
from models.enums import StaffRole
from models.org import Staff


class Action(Enum):
    """Everything a person can do that writes; the value is the phrase for the messages."""

    LOG_CALL = "log calls"
    CREATE_TICKET = "create tickets"
    EDIT_TICKET = "edit tickets"
    ASSIGN_TICKET = "assign tickets"
    RESOLVE_TICKET = "resolve tickets"
    CLOSE_TICKET = "close tickets"
    REOPEN_TICKET = "reopen tickets"
    ESCALATE_TICKET = "escalate tickets to another team"
    FLAG_MANAGER = "flag tickets to a manager"
    ADD_NOTE = "add notes to tickets"
    ADD_CALLER = "add callers"
    IMPORT_CALLERS = "import callers"
    MERGE_CALLERS = "merge callers"
    CHANGE_PRIORITY_MATRIX = "change the priority matrix"
    CHANGE_SLA_POLICIES = "change SLA policies"
    CHANGE_BUSINESS_HOURS = "change business hours and site closures"
    MANAGE_SITES = "manage sites"
    MANAGE_TEAMS = "manage teams"
    MANAGE_CATEGORIES = "manage categories"
    MANAGE_ASSETS = "manage the asset register"
    IMPORT_ASSETS = "import assets"
    SET_UP_ORGANISATION = "set up the organisation (name, logo, first run)"
    EDIT_ROSTER = "edit the roster"
    EDIT_TRAINING_LOG = "edit the training log"
    RECORD_OWN_TRAINING = "record their own training, for a manager to confirm"
    EDIT_STAFF_DETAILS = "edit staff phones, home sites, hours and skills"
    MANAGE_MAINTENANCE = "manage maintenance tasks"
    RECORD_MAINTENANCE = "mark their own or their team's maintenance done or skipped"
    DECLARE_MAJOR_INCIDENT = "declare and close major incidents"
    MANAGE_PROBLEMS = "record and work on problems"
    ESCALATE_TO_VENDOR = "escalate tickets to a vendor"
    MANAGE_VENDORS = "manage vendors and contracts"
    SET_ATTENTION_RULES = "set the management escalation rules"
    ACKNOWLEDGE_ATTENTION = "acknowledge the manager's attention list"
    RUN_REPORTS = "run reports"
    MANAGE_STAFF = "manage staff and roles"
    BACK_UP = "back up the database"
    RESTORE = "restore the database"
    ERASE_PERSONAL_DATA = "erase a caller's personal data"
    SAVE_OWN_VIEWS = "save their own queue views"


_OPERATOR = frozenset(
    {
        Action.LOG_CALL,
        Action.CREATE_TICKET,
        Action.EDIT_TICKET,
        # The operator on the call routes the ticket to whoever can fix it.
        Action.ASSIGN_TICKET,
        # "Solved on the call" (first contact resolution) is the operator's best outcome.
        Action.RESOLVE_TICKET,
        Action.ESCALATE_TICKET,
        Action.FLAG_MANAGER,
        Action.ADD_NOTE,
        # A caller not yet in the directory is on the line now; nobody else can add them.
        Action.ADD_CALLER,
        Action.SAVE_OWN_VIEWS,
        # A course someone took counts once a manager confirms it.
        Action.RECORD_OWN_TRAINING,
        # Whoever owns a maintenance task (they or their team) says it is done; the row
        # rule (app/maintenance/record.py) keeps it to theirs unless they manage.
        Action.RECORD_MAINTENANCE,
    }
)
_TECHNICIAN = _OPERATOR | {
    # Closing ends the reopen window and reopening undoes a resolution: both are the
    # judgement of whoever does the fix, not of the desk taking the call.
    Action.CLOSE_TICKET,
    Action.REOPEN_TICKET,
    # Technicians handle the hardware, so they keep the asset register.
    Action.MANAGE_ASSETS,
    # Tracing a root cause and calling the vendor about it is the work of whoever fixes it;
    # the desk links its calls to known errors with EDIT_TICKET.
    Action.MANAGE_PROBLEMS,
    Action.ESCALATE_TO_VENDOR,
}
_MANAGER = _TECHNICIAN | {
    Action.CHANGE_PRIORITY_MATRIX,
    Action.CHANGE_SLA_POLICIES,
    Action.CHANGE_BUSINESS_HOURS,
    # How the desk is organised (sites, teams, categories) is the manager's to shape.
    Action.MANAGE_SITES,
    Action.MANAGE_TEAMS,
    Action.MANAGE_CATEGORIES,
    # What is maintained when, and what every desk is told is down, is the manager's call.
    Action.MANAGE_MAINTENANCE,
    Action.DECLARE_MAJOR_INCIDENT,
    # Contracts are money and commitments; what reaches upper management is theirs to say.
    Action.MANAGE_VENDORS,
    Action.SET_ATTENTION_RULES,
    Action.ACKNOWLEDGE_ATTENTION,
    Action.EDIT_ROSTER,
    Action.EDIT_TRAINING_LOG,
    # Who can do what and when they work is the manager's to plan; roles stay with admins.
    Action.EDIT_STAFF_DETAILS,
    # Reports read every ticket and caller of the desk: the manager's view, not everyone's.
    Action.RUN_REPORTS,
    # Import and merge change many callers at once and merging cannot be undone.
    Action.IMPORT_CALLERS,
    Action.MERGE_CALLERS,
    Action.IMPORT_ASSETS,
}

PERMISSIONS: dict[StaffRole, frozenset[Action]] = {
    StaffRole.OPERATOR: _OPERATOR,
    StaffRole.TECHNICIAN: _TECHNICIAN,
    StaffRole.MANAGER: _MANAGER,
    # Staff and roles, backup and restore run the installation: admins only, since a
    # restore replaces everyone's work and a role change grants everything else.
    StaffRole.ADMIN: frozenset(Action),
}


def allowed(role: StaffRole) -> frozenset[Action]:
    """What ``role`` may do."""
    return PERMISSIONS[role]


def may(role: StaffRole, action: Action) -> bool:
    """Whether ``role`` may do ``action`` (for the GUI to hide or disable what it may not)."""
    return action in PERMISSIONS[role]


def context_may(context: AppContext, action: Action) -> bool:
    """Whether the person signed in (``context``) may do ``action``, for a view to disable
    what they may not. A role it cannot name counts as allowed: the service decides."""
    role = next((r for r in StaffRole if r.label == context.role), None)
    return role is None or may(role, action)


def _with_article(role: StaffRole) -> str:
    word = role.label.lower()
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def roles_that_may(action: Action) -> tuple[StaffRole, ...]:
    """The roles allowed ``action``, in StaffRole order."""
    return tuple(role for role in StaffRole if may(role, action))


def refusal(action: Action) -> str:
    """The message for a refused ``action``, naming who may: "Only a manager or an admin
    can change the priority matrix." """
    names = [_with_article(role) for role in roles_that_may(action)]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"Only {who} can {action.value}."


def require(session: Session | Connection, actor_id: uuid.UUID, action: Action) -> str:
    """Refuse with :class:`PermissionDenied` unless ``actor_id`` is an active staff member
    whose role may do ``action``. Read in ``session`` (ORM or Core, whichever the write
    uses), the write's own transaction, so the check and the change see the same staff row.
    Returns the actor's username (for writes filed under it, such as saved views)."""
    row = session.execute(
        select(col(Staff.role), col(Staff.active), col(Staff.username)).where(
            col(Staff.id) == actor_id
        )
    ).first()
    if row is None or not row[1]:
        raise PermissionDenied(
            "You are not an active staff member of this database, so nothing was saved. "
            "Ask an admin to add you or to make your account active again."
        )
    if not may(StaffRole(row[0]), action):
        raise PermissionDenied(refusal(action))
    return str(row[2])


def require_now(engine: Engine, actor_id: uuid.UUID, action: Action) -> None:
    """:func:`require` in a short read, for a write made of several transactions that must
    not start at all when refused (an import); each of its transactions checks again."""
    with read_connection(engine) as connection:
        require(connection, actor_id, action)


def staff_id_for(engine: Engine, username: str) -> uuid.UUID:
    """The staff member signed in as ``username`` (the command line acts as the login);
    refuses a login that is no staff member of this database."""
    with read_connection(engine) as connection:
        found = connection.execute(
            select(col(Staff.id)).where(col(Staff.username) == username)
        ).first()
    if found is None:
        raise PermissionDenied(
            f"{username} is not a staff member of this database, so nothing was done. "
            "Ask an admin to add you."
        )
    return uuid.UUID(str(found[0]))


def permission_table_markdown() -> str:
    """The permission table as the README prints it: actions as rows, roles as columns."""
    roles = list(StaffRole)
    lines = [
        "| Action | " + " | ".join(role.label for role in roles) + " |",
        "| --- | " + " | ".join(":---:" for _ in roles) + " |",
    ]
    for action in Action:
        marks = " | ".join("✓" if may(role, action) else "—" for role in roles)
        lines.append(f"| {action.value[0].upper()}{action.value[1:]} | {marks} |")
    return "\n".join(lines) + "\n"
