"""The shared server's own guard: PostgreSQL roles, grants, row policies and triggers that
match the permission table (app/permissions.py), so that a modified client, or a person with
``psql`` and their own login, gets no further than Switchboard itself would let them.

How it is laid out on a server (``switchboard admin setup-postgres``, run by the database's
owner; :func:`apply` is idempotent and runs again after every schema upgrade):

- one group role per Switchboard role, named after the database (``helpdesk_operator``,
  ``helpdesk_technician``, ``helpdesk_manager``, ``helpdesk_admin``), each a member of the one
  below it, as the permission table nests (operator ⊂ technician ⊂ manager ⊂ admin);
- one login per staff member, named like their user name and a member of their role's group
  (:func:`sync_login`); Switchboard maps ``session_user`` to the staff row, so the identity
  on every write is the one the server authenticated;
- :data:`TABLE_GRANTS`: what each group adds on each table. Every table must be listed (a
  test holds every table of the schema to it), so a migration that adds a table adds its
  grants in the same step;
- the audit trail (:data:`INSERT_ONLY`) is insert-only for every group (no UPDATE or DELETE
  granted, and a trigger refuses even the owner), except inside the erasure of a caller's
  personal data (app/callers/erase.py), a ``SECURITY DEFINER`` function only admins may run;
- row policies where the rule depends on the row: an audit row names its author, a call is
  changed by the operator who took it (or a manager), a saved queue view by its owner, a
  maintenance occurrence (and its task's ``open_from``) recorded by the task's owner, a
  member of its team, or a manager, naming who recorded it;
- a trigger where the rule depends on the change: closing and reopening a ticket need a
  technician (a row policy sees only the new row, not the step from the old one); moving,
  cancelling and un-cancelling a maintenance occurrence need a manager.

The owner (who migrates) and superusers are no group member and are not held by any of this:
they run the installation, as ``root`` does a workstation.
"""

from __future__ import annotations

import itertools

from sqlalchemy import Connection, text

from app.errors import SwitchboardError
from app.permissions import Action, refusal
from models.enums import OccurrenceState, StaffRole, TicketStatus
from models.migrate import owns_the_schema

OPERATOR, TECHNICIAN, MANAGER, ADMIN = (
    StaffRole.OPERATOR,
    StaffRole.TECHNICIAN,
    StaffRole.MANAGER,
    StaffRole.ADMIN,
)

# What each role adds on each table to what the role below it has. Everyone reads everything
# they work with (the queue, callers, the organisation); writes follow the permission table.
TABLE_GRANTS: dict[str, dict[StaffRole, str]] = {
    # A new ticket takes the next number of its site; business hours are the manager's.
    "site": {OPERATOR: "SELECT, UPDATE (next_ticket_seq)", MANAGER: "INSERT, UPDATE"},
    "site_closure": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "organisation": {OPERATOR: "SELECT", ADMIN: "INSERT, UPDATE"},
    "team": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    "team_member": {OPERATOR: "SELECT", MANAGER: "INSERT, DELETE"},
    "staff": {OPERATOR: "SELECT", ADMIN: "INSERT, UPDATE"},
    "category": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    # A policy a ticket was opened under is retired for its successor, never deleted.
    "sla_policy": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    "priority_rule": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "setting": {OPERATOR: "SELECT, INSERT, UPDATE, DELETE"},  # rows: see the policies
    "ticket": {OPERATOR: "SELECT, INSERT, UPDATE"},  # closing, reopening: see the trigger
    "ticket_event": {OPERATOR: "SELECT, INSERT"},
    "call": {OPERATOR: "SELECT, INSERT, UPDATE"},
    # Operators add callers on the phone; merging (manager) moves and deletes them.
    "caller": {OPERATOR: "SELECT, INSERT, UPDATE", MANAGER: "DELETE"},
    "caller_phone": {OPERATOR: "SELECT, INSERT, UPDATE", MANAGER: "DELETE"},
    "asset": {OPERATOR: "SELECT", TECHNICIAN: "INSERT, UPDATE"},
    "caller_import": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "caller_import_undo": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "audit_event": {OPERATOR: "SELECT, INSERT"},
    "alembic_version": {OPERATOR: "SELECT"},
    # The roster and the training log: everyone reads them, managers plan them.
    "skill": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    "staff_skill": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "category_skill": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "shift_type": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    "shift": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "coverage_minimum": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "course": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    "course_requirement": {OPERATOR: "SELECT", MANAGER: "INSERT, DELETE"},
    "training_session": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "session_attendee": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    # Anyone records their own completion, for a manager to confirm: see the policies.
    "completion": {OPERATOR: "SELECT, INSERT", MANAGER: "UPDATE, DELETE"},
    # Managers plan the maintenance (ending a task that never came round removes it; changing
    # or ending a series drops its moved and cancelled occurrences); its owner (a person or
    # their team) records each occurrence, which moves the task's open_from on: see the
    # policies and the trigger.
    "maintenance_task": {
        OPERATOR: "SELECT, UPDATE (open_from)",
        MANAGER: "INSERT, UPDATE, DELETE",
    },
    "maintenance_task_asset": {OPERATOR: "SELECT", MANAGER: "INSERT, DELETE"},
    "maintenance_occurrence": {OPERATOR: "SELECT, INSERT, UPDATE", MANAGER: "DELETE"},
    "major_incident": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    # Kept report figures are the report's, which is the manager's; the triggers that forget
    # them when a ticket changes run as the schema's owner (migration 0013).
    "report_store": {MANAGER: "SELECT, INSERT, UPDATE, DELETE"},
    # Problems: technicians trace them; the desk links its calls to a known error, which
    # writes the ticket and the problem's trail (insert-only), not the problem itself.
    "problem": {OPERATOR: "SELECT", TECHNICIAN: "INSERT, UPDATE"},
    "problem_asset": {OPERATOR: "SELECT", TECHNICIAN: "INSERT, DELETE"},
    "problem_category": {OPERATOR: "SELECT", TECHNICIAN: "INSERT, DELETE"},
    "problem_event": {OPERATOR: "SELECT, INSERT"},
    # A dismissed candidate stays dismissed; a manager may take a dismissal back.
    "candidate_dismissal": {OPERATOR: "SELECT", TECHNICIAN: "INSERT", MANAGER: "DELETE"},
    # Vendors and contracts are the manager's; technicians escalate tickets to them.
    "vendor": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    "contract": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE, DELETE"},
    "contract_asset": {OPERATOR: "SELECT", MANAGER: "INSERT, DELETE"},
    "contract_category": {OPERATOR: "SELECT", MANAGER: "INSERT, DELETE"},
    "vendor_escalation": {OPERATOR: "SELECT", TECHNICIAN: "INSERT, UPDATE"},
    # Every running Switchboard adds what the rules raise, whoever is signed in; only a
    # manager sets the rules and acknowledges an item.
    "attention_rule": {OPERATOR: "SELECT", MANAGER: "INSERT, UPDATE"},
    "attention_item": {OPERATOR: "SELECT, INSERT", MANAGER: "UPDATE"},
}

INSERT_ONLY = ("ticket_event", "audit_event", "problem_event")

# Set (for one transaction) by the erasure of personal data, the one writer of audit rows.
ERASING = "switchboard.erasing"


class ServerRulesError(SwitchboardError):
    """The server cannot be set up as asked (not PostgreSQL, not the owner, a table with no
    grants); the message says what to do."""


def group_name(database: str, role: StaffRole) -> str:
    """The group role of ``role`` on ``database``: "helpdesk_operator"."""
    return f"{database}_{role.name.lower()}"[:63]


def _literal(words: str) -> str:
    """``words`` as an SQL string literal."""
    return "'" + words.replace("'", "''") + "'"


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def _database(connection: Connection) -> str:
    return str(connection.execute(text("SELECT current_database()")).scalar_one())


def _groups(connection: Connection) -> dict[StaffRole, str]:
    database = _database(connection)
    return {role: _quote(connection, group_name(database, role)) for role in StaffRole}


def installed(connection: Connection) -> bool:
    """Whether this database's group roles exist (set up with ``admin setup-postgres``)."""
    if connection.dialect.name != "postgresql":
        return False
    name = group_name(_database(connection), OPERATOR)
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    return found.first() is not None


def apply(connection: Connection) -> None:
    """Create or bring up to date the groups, grants, policies and triggers (idempotent), in
    the caller's transaction: run by the owner at set-up and after every migration."""
    if connection.dialect.name != "postgresql":
        raise ServerRulesError(
            "Roles and grants are for a PostgreSQL server; a SQLite file is "
            "guarded by the file's own permissions."
        )
    tables = set(
        connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
    )
    unlisted = sorted(tables - set(TABLE_GRANTS))
    if unlisted:
        raise ServerRulesError(
            f"No grants are defined for {', '.join(unlisted)}: add them to TABLE_GRANTS in "
            "app/server_rules.py in the migration's change. Nothing was changed."
        )
    groups = _groups(connection)
    _create_groups(connection, groups)
    schema = _quote(connection, str(connection.execute(text("SELECT current_schema()")).scalar()))
    database = _quote(connection, _database(connection))
    connection.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {groups[OPERATOR]}"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {groups[OPERATOR]}"))
    for table in sorted(tables):
        quoted = _quote(connection, table)
        connection.execute(
            text(f"REVOKE ALL ON {quoted} FROM {', '.join(groups.values())}, PUBLIC")
        )
        for role, privileges in TABLE_GRANTS[table].items():
            connection.execute(text(f"GRANT {privileges} ON {quoted} TO {groups[role]}"))
    _functions(connection, groups)
    _insert_only(connection)
    _policies(connection, groups)
    _close_and_reopen(connection, groups)
    _maintenance_plan(connection, groups)
    from app.callers.erase import install_server_function

    install_server_function(connection, groups[ADMIN])


def after_migration(connection: Connection) -> None:
    """Run by every schema upgrade, in its transaction: a server set up with roles gets the
    grants, policies and triggers of the tables the migration added."""
    if installed(connection):
        apply(connection)


def _create_groups(connection: Connection, groups: dict[StaffRole, str]) -> None:
    database = _database(connection)
    for role in StaffRole:
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
            {"n": group_name(database, role)},
        ).first()
        if exists is None:
            connection.execute(text(f"CREATE ROLE {groups[role]} NOLOGIN"))
    ladder = list(StaffRole)
    for lower, higher in itertools.pairwise(ladder):
        connection.execute(text(f"GRANT {groups[lower]} TO {groups[higher]}"))


def _functions(connection: Connection, groups: dict[StaffRole, str]) -> None:
    """``switchboard_staff_id()``: the active staff member the server authenticated."""
    connection.execute(
        text(
            """
            CREATE OR REPLACE FUNCTION switchboard_staff_id() RETURNS uuid
            LANGUAGE sql STABLE AS
            $$ SELECT id FROM staff WHERE username = session_user AND active $$
            """
        )
    )
    connection.execute(
        text(f"GRANT EXECUTE ON FUNCTION switchboard_staff_id() TO {groups[OPERATOR]}")
    )
    # The owner of a maintenance task records it: the person, or anyone in the team (a
    # team_member row or their home team, as app.roster.shifts.in_team has it).
    connection.execute(
        text(
            """
            CREATE OR REPLACE FUNCTION switchboard_owns_maintenance(uuid, uuid) RETURNS boolean
            LANGUAGE sql STABLE AS
            $$ SELECT coalesce($1 = switchboard_staff_id(), false)
                   OR coalesce($2 IN (
                          SELECT team_id FROM staff WHERE id = switchboard_staff_id()
                          UNION
                          SELECT team_id FROM team_member WHERE staff_id = switchboard_staff_id()
                      ), false) $$
            """
        )
    )
    connection.execute(
        text(
            "GRANT EXECUTE ON FUNCTION switchboard_owns_maintenance(uuid, uuid) "
            f"TO {groups[OPERATOR]}"
        )
    )


def _insert_only(connection: Connection) -> None:
    connection.execute(
        text(
            f"""
            CREATE OR REPLACE FUNCTION switchboard_insert_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF coalesce(current_setting('{ERASING}', true), '') <> 'on' THEN
                    RAISE EXCEPTION 'The audit trail (%) is insert-only: its rows are never '
                        'changed or deleted.', TG_TABLE_NAME
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END $$
            """
        )
    )
    for table in INSERT_ONLY:
        connection.execute(text(f"DROP TRIGGER IF EXISTS switchboard_insert_only ON {table}"))
        connection.execute(
            text(
                f"CREATE TRIGGER switchboard_insert_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION switchboard_insert_only()"
            )
        )
        connection.execute(
            text(f"DROP TRIGGER IF EXISTS switchboard_insert_only_truncate ON {table}")
        )
        connection.execute(
            text(
                f"CREATE TRIGGER switchboard_insert_only_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION switchboard_insert_only()"
            )
        )


def _policies(connection: Connection, groups: dict[StaffRole, str]) -> None:
    me = "switchboard_staff_id()"
    everyone, manager, admin = groups[OPERATOR], groups[MANAGER], groups[ADMIN]
    owns_task = "switchboard_owns_maintenance(owner_staff_id, owner_team_id)"
    owns_occurrence = (
        "EXISTS (SELECT 1 FROM maintenance_task t WHERE t.id = task_id "
        "AND switchboard_owns_maintenance(t.owner_staff_id, t.owner_team_id))"
    )
    recorded = f"recorded_by_id = {me} AND (done_by_id IS NULL OR done_by_id = {me})"
    policies: dict[str, list[tuple[str, str, str, str, str]]] = {
        # (name, command, to, using, with check)
        "ticket_event": [
            ("read", "SELECT", everyone, "true", ""),
            ("own_name", "INSERT", everyone, "", f"actor_id = {me}"),
        ],
        "audit_event": [
            ("read", "SELECT", everyone, "true", ""),
            ("own_name", "INSERT", everyone, "", f"actor_id = {me}"),
        ],
        "call": [
            ("read", "SELECT", everyone, "true", ""),
            ("take", "INSERT", everyone, "", f"operator_id = {me}"),
            ("own_calls", "UPDATE", everyone, f"operator_id = {me}", f"operator_id = {me}"),
            ("manager", "ALL", manager, "true", "true"),
        ],
        "completion": [
            ("read", "SELECT", everyone, "true", ""),
            ("own", "INSERT", everyone, "", f"staff_id = {me} AND confirmed_by IS NULL"),
            ("manager", "ALL", manager, "true", "true"),
        ],
        # Who may not change the plan (move, cancel: see the trigger) records what became of
        # an occurrence of a task they own, under their own name.
        "maintenance_task": [
            ("read", "SELECT", everyone, "true", ""),
            ("owner_records", "UPDATE", everyone, owns_task, owns_task),  # open_from only
            ("manager", "ALL", manager, "true", "true"),
        ],
        "maintenance_occurrence": [
            ("read", "SELECT", everyone, "true", ""),
            ("owner_records", "INSERT", everyone, "", f"{owns_occurrence} AND {recorded}"),
            (
                "owner_changes",
                "UPDATE",
                everyone,
                owns_occurrence,
                f"{owns_occurrence} AND {recorded}",
            ),
            ("manager", "ALL", manager, "true", "true"),
        ],
        "setting": [
            ("read", "SELECT", everyone, "true", ""),
            ("own_views", "ALL", everyone, "key = 'views:' || session_user", ""),
            ("admin", "ALL", admin, "true", "true"),
        ],
    }
    for table, rules in policies.items():
        connection.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        for name, command, to, using, check in rules:
            policy = f"switchboard_{name}"
            connection.execute(text(f"DROP POLICY IF EXISTS {policy} ON {table}"))
            clauses = (f" USING ({using})" if using else "") + (
                f" WITH CHECK ({check})" if check else ""
            )
            connection.execute(
                text(f"CREATE POLICY {policy} ON {table} FOR {command} TO {to}{clauses}")
            )


def _close_and_reopen(connection: Connection, groups: dict[StaffRole, str]) -> None:
    """Closing and reopening need a technician: refused for group members below that."""
    resolved, closed = int(TicketStatus.RESOLVED), int(TicketStatus.CLOSED)

    operator = _literal(groups[OPERATOR].strip('"'))
    technician = _literal(groups[TECHNICIAN].strip('"'))
    connection.execute(
        text(
            f"""
            CREATE OR REPLACE FUNCTION switchboard_close_and_reopen() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF pg_has_role(session_user, {operator}, 'MEMBER')
                   AND NOT pg_has_role(session_user, {technician}, 'MEMBER') THEN
                    IF NEW.status = {closed} AND OLD.status <> {closed} THEN
                        RAISE EXCEPTION {_literal(refusal(Action.CLOSE_TICKET))}
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    IF OLD.status >= {resolved} AND NEW.status < {resolved} THEN
                        RAISE EXCEPTION {_literal(refusal(Action.REOPEN_TICKET))}
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                END IF;
                RETURN NEW;
            END $$
            """
        )
    )
    connection.execute(text("DROP TRIGGER IF EXISTS switchboard_close_and_reopen ON ticket"))
    connection.execute(
        text(
            "CREATE TRIGGER switchboard_close_and_reopen BEFORE UPDATE OF status ON ticket "
            "FOR EACH ROW EXECUTE FUNCTION switchboard_close_and_reopen()"
        )
    )


def _maintenance_plan(connection: Connection, groups: dict[StaffRole, str]) -> None:
    """Moving, cancelling and un-cancelling an occurrence change the plan: refused to group
    members below a manager, who record only what became of it (done, skipped, reopened).
    An occurrence they store first is where and as long as its series put it."""
    cancelled = int(OccurrenceState.CANCELLED)
    operator = _literal(groups[OPERATOR].strip('"'))
    manager = _literal(groups[MANAGER].strip('"'))
    connection.execute(
        text(
            f"""
            CREATE OR REPLACE FUNCTION switchboard_maintenance_plan() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF pg_has_role(session_user, {operator}, 'MEMBER')
                   AND NOT pg_has_role(session_user, {manager}, 'MEMBER') THEN
                    IF NEW.state = {cancelled}
                       OR (TG_OP = 'UPDATE' AND OLD.state = {cancelled})
                       OR (TG_OP = 'INSERT' AND (
                           NEW.starts_at IS DISTINCT FROM NEW.due_at
                           OR NEW.ends_at IS DISTINCT FROM NEW.due_at + make_interval(
                               mins => (SELECT duration_minutes FROM maintenance_task
                                        WHERE id = NEW.task_id))))
                       OR (TG_OP = 'UPDATE' AND (NEW.starts_at, NEW.ends_at)
                           IS DISTINCT FROM (OLD.starts_at, OLD.ends_at)) THEN
                        RAISE EXCEPTION {_literal(refusal(Action.MANAGE_MAINTENANCE))}
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                END IF;
                RETURN NEW;
            END $$
            """
        )
    )
    connection.execute(
        text("DROP TRIGGER IF EXISTS switchboard_maintenance_plan ON maintenance_occurrence")
    )
    connection.execute(
        text(
            "CREATE TRIGGER switchboard_maintenance_plan BEFORE INSERT OR UPDATE "
            "ON maintenance_occurrence FOR EACH ROW EXECUTE FUNCTION "
            "switchboard_maintenance_plan()"
        )
    )


def sync_login(
    connection: Connection,
    username: str,
    role: StaffRole,
    *,
    active: bool = True,
    password: str | None = None,
) -> None:
    """Make the database login ``username`` match the staff row: created if missing, able to
    log in only while active, a member of exactly its role's group, allowed to create logins
    if an admin. A no-op where the server rules are not installed (a SQLite file, a server
    not set up). ``password``, when given, is hashed here (SCRAM) so the server never sees
    it in the clear."""
    if not installed(connection):
        return
    login = _quote(connection, username)
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": username}
    ).first()
    if exists is None:
        connection.execute(text(f"CREATE ROLE {login}"))
    elif owns_the_schema(connection, username):
        return  # the installation's own login (owner, superuser): no group, never altered
    groups = _groups(connection)
    attributes = ("LOGIN" if active else "NOLOGIN") + (
        " CREATEROLE" if role == ADMIN else " NOCREATEROLE"
    )
    connection.execute(text(f"ALTER ROLE {login} {attributes}"))
    for other, group in groups.items():
        verb = "GRANT" if other == role else "REVOKE"
        link = "TO" if other == role else "FROM"
        connection.execute(text(f"{verb} {group} {link} {login}"))
    if password is not None:
        # Not through text(): the verifier's ":" would read as a bound parameter.
        verifier = _scram(connection, username, password)
        connection.exec_driver_sql(f"ALTER ROLE {login} PASSWORD {verifier}")


def _scram(connection: Connection, username: str, password: str) -> str:
    """``password`` as a SCRAM-SHA-256 verifier literal, computed by libpq on this side."""
    raw = connection.connection.dbapi_connection
    verifier = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode(), username.encode(), b"scram-sha-256"
    ).decode()
    return "'" + verifier.replace("'", "''") + "'"
