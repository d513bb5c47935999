"""The shared server's own guard (app/server_rules.py, ``admin setup-postgres``).

Each test runs on a database of its own, set up as an installation would be: the owner runs
setup-postgres, staff get logins in their role's groups. The tests then connect AS THOSE
LOGINS (never as the superuser, which no grant holds) and show that the server itself
refuses what the permission table refuses, to the services and to direct SQL alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.callers.erase import erase_caller
from app.calls.records import CallRecord, record_call
from app.errors import PermissionDenied
from app.identity import staff_for_login
from app.maintenance.record import Done, cancel, mark_done, move, reopen
from app.maintenance.tasks import change_task, create_task, end_task
from app.permissions import Action, refusal
from app.queue.query import SavedView
from app.queue.saved_views import save_view
from app.reports.period import parse_month
from app.reports.report import monthly_report
from app.server_rules import TABLE_GRANTS, group_name, installed, sync_login
from app.server_setup import set_up_server
from app.tickets.actions import TicketDraft, add_note, change_status, create_ticket
from app.tickets.priority import current_matrix, replace_matrix
from models.engine import make_engine, write_session
from models.enums import StaffRole, TicketStatus
from models.errors import LOGIN_STOPPED, environment_problem
from models.migrate import SCHEMA_HEAD, SchemaBehindError, upgrade
from models.org import Staff
from models.schema import metadata
from tests.conftest import NOW, PG_URL, Org, make_org, scratch_database
from tests.test_maintenance_tasks import at, draft

pytestmark = pytest.mark.postgres

ROLES = {"ann": StaffRole.OPERATOR, "bob": StaffRole.TECHNICIAN, "mia": StaffRole.MANAGER}
ROLES["ada"] = StaffRole.ADMIN


@dataclass
class Server:
    """A database set up with setup-postgres, its organisation, and an engine per login."""

    name: str
    owner: Engine
    org: Org
    logins: dict[str, str]  # "ann" -> her login name on this server
    engines: dict[str, Engine]

    def url(self, login: str) -> str:
        return make_url(PG_URL).set(username=login, database=self.name).render_as_string(False)

    def as_(self, who: str) -> Engine:
        """An engine connected as ``who``'s own login."""
        if who not in self.engines:
            self.engines[who] = make_engine(self.url(self.logins[who]))
        return self.engines[who]


@pytest.fixture
def server() -> Iterator[Server]:
    with scratch_database() as (name, owner_url):
        owner = make_engine(owner_url)
        logins = {who: f"{name}_{who}" for who in ROLES}
        srv = Server(name, owner, make_org_with_logins(owner, owner_url, logins), logins, {})
        try:
            yield srv
        finally:
            for engine in (*srv.engines.values(), owner):
                engine.dispose()


def make_org_with_logins(owner: Engine, owner_url: str, logins: dict[str, str]) -> Org:
    """The test organisation, its staff renamed to their logins, then setup-postgres."""
    upgrade(owner)
    org = make_org(owner)
    with write_session(owner) as session:
        for who, login in logins.items():
            staff = session.get(Staff, getattr(org, who))
            assert staff is not None
            staff.username = login
    set_up_server(owner_url)  # gives every staff member a login in their role's group
    return org


def refused(engine: Engine, sql: str, **params: object) -> str:
    """Run ``sql`` and return the server's refusal (the test fails if it is accepted)."""
    with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
        connection.execute(text(sql), params)
    return str(caught.value.orig)


def accepted(engine: Engine, sql: str, **params: object) -> int:
    with engine.begin() as connection:
        return connection.execute(text(sql), params).rowcount


# ------------------------------------------------------------------- every table is listed


def test_every_table_of_the_schema_has_grants() -> None:
    """A migration that adds a table must add its grants: apply() refuses otherwise."""
    assert set(metadata.tables) | {"alembic_version"} == set(TABLE_GRANTS)


# ------------------------------------------------------------------- set-up


def test_setup_makes_groups_and_logins_and_the_owner_its_admin(server: Server) -> None:
    with server.owner.connect() as connection:
        assert installed(connection)
        for who, role in ROLES.items():
            member = connection.execute(
                text("SELECT pg_has_role(:login, :group, 'MEMBER')"),
                {"login": server.logins[who], "group": group_name(server.name, role)},
            ).scalar()
            assert member, who
        # Groups nest like the permission table: a manager is also a technician...
        assert connection.execute(
            text("SELECT pg_has_role(:login, :group, 'MEMBER')"),
            {"login": server.logins["mia"], "group": group_name(server.name, StaffRole.OPERATOR)},
        ).scalar()
        # ...and not the other way round.
        assert not connection.execute(
            text("SELECT pg_has_role(:login, :group, 'MEMBER')"),
            {"login": server.logins["ann"], "group": group_name(server.name, StaffRole.MANAGER)},
        ).scalar()
        owner_role = connection.execute(
            text("SELECT role FROM staff WHERE username = session_user")
        ).scalar()
    assert owner_role == StaffRole.ADMIN


def test_setup_twice_changes_nothing_and_still_guards(server: Server) -> None:
    set_up_server(server.url(make_url(PG_URL).username or "postgres"))
    assert "permission denied" in refused(server.as_("ada"), "DELETE FROM ticket_event")
    assert "insert-only" in refused(server.owner, "TRUNCATE ticket_event")


# ------------------------------------------------------------------- identity


def test_the_login_the_server_authenticated_is_the_staff_member(server: Server) -> None:
    assert staff_for_login(server.as_("ann")) == (server.org.ann, server.logins["ann"])
    # --user cannot name someone else where the server knows who is connected.
    assert staff_for_login(server.as_("ann"), "ada")[0] == server.org.ann


def test_a_login_that_is_no_staff_member_is_refused_not_added(server: Server) -> None:
    stranger = f"{server.name}_stranger"
    with server.owner.begin() as connection:
        connection.execute(text(f'CREATE ROLE "{stranger}" LOGIN'))
        connection.execute(
            text(f'GRANT "{group_name(server.name, StaffRole.OPERATOR)}" TO "{stranger}"')
        )
    server.logins["stranger"] = stranger
    with pytest.raises(PermissionDenied, match=r"not an active staff member.*add-staff"):
        staff_for_login(server.as_("stranger"))


def test_a_deactivated_staff_member_can_no_longer_connect(server: Server) -> None:
    with write_session(server.owner) as session:
        sync_login(session.connection(), server.logins["bob"], StaffRole.TECHNICIAN, active=False)
    with pytest.raises(DBAPIError, match="not permitted to log in") as refused_log_in:
        server.as_("bob").connect()
    assert environment_problem(refused_log_in.value) == LOGIN_STOPPED


# ------------------------------------------------------------------- the permission table


def test_an_operator_works_the_desk_through_the_services(server: Server) -> None:
    ann, org = server.as_("ann"), server.org
    ticket = create_ticket(ann, TicketDraft(summary="Printer jams", caller_id=org.alice), org.ann)
    add_note(ann, ticket.id, "Paper tray cleaned", org.ann)
    resolved = change_status(
        ann, ticket.id, ticket.version + 1, TicketStatus.RESOLVED, org.ann, "ok"
    )
    assert resolved.status == TicketStatus.RESOLVED
    record_call(ann, CallRecord(NOW, NOW, "0207", org.alice, org.ann), org.ann)
    save_view(ann, org.ann, SavedView("Mine"))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE sla_policy SET response_minutes = 1",
        "DELETE FROM priority_rule",
        "UPDATE staff SET role = 4",
        "INSERT INTO team (id, name, is_service_desk) VALUES (gen_random_uuid(), 'X', false)",
        "UPDATE ticket_event SET note = 'nothing happened'",
        "DELETE FROM audit_event",
        "DELETE FROM caller",
    ],
)
def test_direct_sql_an_operator_may_not_run_is_refused_by_the_server(
    server: Server, sql: str
) -> None:
    message = refused(server.as_("ann"), sql)
    assert (
        "permission denied" in message
        or "row-level security" in message
        or ("insert-only" in message)
    )


def test_a_changed_priority_matrix_needs_a_manager_on_the_server_too(server: Server) -> None:
    matrix = current_matrix(server.owner)
    assert "permission denied" in refused(
        server.as_("bob"), "UPDATE priority_rule SET priority = 1"
    )
    replace_matrix(server.as_("mia"), matrix, server.org.mia)
    assert accepted(server.as_("mia"), "UPDATE sla_policy SET response_minutes = 30") > 0


def test_an_event_names_its_author_and_no_one_else(server: Server) -> None:
    ticket = create_ticket(
        server.owner, TicketDraft(summary="Jam", caller_id=server.org.alice), server.org.ada
    )
    sql = (
        "INSERT INTO ticket_event (id, ticket_id, ticket_version, at, actor_id, kind, field, "
        "old_value, new_value, note, minutes_spent) VALUES (gen_random_uuid(), :t, 1, now(), "
        ":actor, 5, '', '', '', 'said by someone else', 0)"
    )
    message = refused(server.as_("ann"), sql, t=ticket.id, actor=server.org.mia)
    assert "row-level security" in message
    assert accepted(server.as_("ann"), sql, t=ticket.id, actor=server.org.ann) == 1


def test_closing_and_reopening_need_a_technician_on_the_server(server: Server) -> None:
    org = server.org
    ticket = create_ticket(server.owner, TicketDraft(summary="Jam", caller_id=org.alice), org.ada)
    ticket = change_status(
        server.owner, ticket.id, ticket.version, TicketStatus.RESOLVED, org.ada, "done"
    )
    closed, reopened = int(TicketStatus.CLOSED), int(TicketStatus.IN_PROGRESS)
    for status, words in ((closed, "close tickets"), (reopened, "reopen tickets")):
        message = refused(
            server.as_("ann"), "UPDATE ticket SET status = :s WHERE id = :t", s=status, t=ticket.id
        )
        assert f"Only a technician, a manager or an admin can {words}." in message
    done = change_status(
        server.as_("bob"), ticket.id, ticket.version, TicketStatus.CLOSED, org.bob, "checked"
    )
    assert done.status == TicketStatus.CLOSED


def test_an_operator_changes_only_their_own_calls_and_views(server: Server) -> None:
    org = server.org
    record_call(server.as_("mia"), CallRecord(NOW, NOW, "0207", org.alice, org.mia), org.mia)
    assert accepted(server.as_("ann"), "UPDATE call SET number = '1'") == 0  # none of hers
    save_view(server.as_("mia"), org.mia, SavedView("Hers"))
    message = refused(
        server.as_("ann"),
        "INSERT INTO setting (key, value, updated_at) VALUES (:k, 'x', now())",
        k=f"views:{server.logins['mia']}",
    )
    assert "row-level security" in message


def test_an_operator_cannot_change_a_setting_of_the_database(server: Server) -> None:
    """Row policies hide the rows an operator may not change: the update finds none."""
    fact = "INSERT INTO setting (key, value, updated_at) VALUES ('database:x', 'yes', now())"
    accepted(server.owner, fact)
    assert accepted(server.as_("ann"), "UPDATE setting SET value = 'no'") == 0
    assert accepted(server.as_("ada"), "UPDATE setting SET value = 'no'") == 1


def test_the_audit_trail_is_insert_only_even_for_admins_and_the_owner(server: Server) -> None:
    create_ticket(
        server.owner, TicketDraft(summary="Jam", caller_id=server.org.alice), server.org.ada
    )
    assert "permission denied" in refused(server.as_("ada"), "UPDATE ticket_event SET note = ''")
    assert "insert-only" in refused(server.owner, "UPDATE ticket_event SET note = ''")
    assert "insert-only" in refused(server.owner, "TRUNCATE audit_event")


# ------------------------------------------------------------------- maintenance

# Occurrence (task, due) recorded directly, as someone with psql would: done by :me unless
# a state is given, where and as long as its series put it unless told otherwise.
RECORD = (
    "INSERT INTO maintenance_occurrence (id, task_id, due_at, starts_at, ends_at, state, "
    "done_by_id, done_at, notes, checklist_done, recorded_by_id, recorded_at) VALUES "
    "(gen_random_uuid(), :task, :due, :starts, :ends, :state, :me, now(), 'done', '[]', :me, "
    "now())"
)


def record_sql(
    task: uuid.UUID,
    due: datetime,
    me: uuid.UUID,
    state: int = 1,
    moved: timedelta = timedelta(0),
) -> dict[str, object]:
    """The parameters of :data:`RECORD` (a one-hour window, as :func:`draft` has it)."""
    starts = due + moved
    ends = starts + timedelta(hours=1)
    return {"task": task, "due": due, "starts": starts, "ends": ends, "state": state, "me": me}


def open_from(server: Server, task: uuid.UUID) -> datetime:
    with server.owner.connect() as connection:
        return connection.execute(
            text("SELECT open_from FROM maintenance_task WHERE id = :t"), {"t": task}
        ).scalar_one()


def test_the_owner_and_their_team_record_maintenance_and_no_one_else(server: Server) -> None:
    org, ann, bob, mia = server.org, server.as_("ann"), server.as_("bob"), server.as_("mia")
    hers = create_task(mia, org.mia, draft(org, owner_staff_id=org.ann))
    desks = create_task(mia, org.mia, draft(org, owner_staff_id=None, owner_team_id=org.desk))
    networks = create_task(mia, org.mia, draft(org, owner_staff_id=None, owner_team_id=org.network))
    bobs = create_task(mia, org.mia, draft(org))
    # Through the services: her own task, and her home team's, done and reopened.
    mark_done(ann, org.ann, hers, at(3), Done(notes="Patched"))
    assert open_from(server, hers) == at(10)
    mark_done(ann, org.ann, desks, at(3), Done())
    reopen(ann, org.ann, desks, at(3))
    mark_done(bob, org.bob, bobs, at(3), Done())
    with pytest.raises(PermissionDenied, match="Only the owner"):
        mark_done(ann, org.ann, bobs, at(10), Done())
    # Directly: someone else's task is refused by the server itself.
    for task in (bobs, networks):
        message = refused(ann, RECORD, **record_sql(task, at(10), org.ann))
        assert "row-level security" in message
    assert accepted(ann, "UPDATE maintenance_task SET open_from = now() WHERE id = :t", t=bobs) == 0
    changed = "UPDATE maintenance_occurrence SET notes = 'mine now' WHERE task_id = :t"
    assert accepted(ann, changed, t=bobs) == 0
    # Her own, only under her own name; and the plan of the task is not hers to change.
    assert "row-level security" in refused(ann, RECORD, **record_sql(hers, at(10), org.bob))
    assert accepted(ann, RECORD, **record_sql(hers, at(10), org.ann)) == 1
    assert (
        accepted(ann, "UPDATE maintenance_task SET open_from = :d WHERE id = :t", d=at(17), t=hers)
        == 1
    )
    message = refused(ann, "UPDATE maintenance_task SET title = 'x' WHERE id = :t", t=hers)
    assert "permission denied" in message
    # A team she joins (a team_member row, not her home team) is hers to record too.
    with server.owner.begin() as connection:
        connection.execute(
            text("INSERT INTO team_member (team_id, staff_id) VALUES (:team, :ann)"),
            {"team": org.network, "ann": org.ann},
        )
    mark_done(ann, org.ann, networks, at(3), Done())
    # A manager records any.
    mark_done(mia, org.mia, bobs, at(10), Done())


def test_moving_and_cancelling_maintenance_need_a_manager_on_the_server(server: Server) -> None:
    org, ann, mia = server.org, server.as_("ann"), server.as_("mia")
    hers = create_task(mia, org.mia, draft(org, owner_staff_id=org.ann))
    mark_done(ann, org.ann, hers, at(3), Done())
    plan = refusal(Action.MANAGE_MAINTENANCE)
    for sql in (
        "UPDATE maintenance_occurrence SET starts_at = starts_at + interval '1 day'",
        "UPDATE maintenance_occurrence SET state = 3",
    ):
        assert plan in refused(ann, sql)
    moved = record_sql(hers, at(10), org.ann, moved=timedelta(days=1))
    assert plan in refused(ann, RECORD, **moved)
    assert plan in refused(ann, RECORD, **record_sql(hers, at(10), org.ann, state=3))
    assert "permission denied" in refused(ann, "DELETE FROM maintenance_occurrence")
    # The manager moves and cancels; the owner records the moved one, not the cancelled one.
    move(mia, org.mia, hers, at(10), datetime(2026, 11, 11, 22, 0))
    cancel(mia, org.mia, hers, at(17), "Change freeze")
    mark_done(ann, org.ann, hers, at(10), Done())
    undo = "UPDATE maintenance_occurrence SET state = 0 WHERE task_id = :t AND due_at = :d"
    assert plan in refused(ann, undo, t=hers, d=at(17))
    reopen(mia, org.mia, hers, at(17))
    # Changing a series from a date drops its cancelled occurrences (a manager's DELETE),
    # and ending a task that never came round removes it.
    cancel(mia, org.mia, hers, at(24), "Holiday")
    change_task(mia, org.mia, hers, draft(org, first_day=date(2026, 11, 17)), date(2026, 11, 17))
    later = create_task(mia, org.mia, draft(org, first_day=date(2026, 12, 1)))
    end_task(mia, org.mia, later, date(2026, 12, 1))
    with server.owner.connect() as connection:
        left = connection.execute(
            text("SELECT count(*) FROM maintenance_task WHERE id = :t"), {"t": later}
        ).scalar()
    assert left == 0


# A task added directly, as someone with psql would.
NEW_TASK = (
    "INSERT INTO maintenance_task (id, title, system, site_id, instructions, checklist, "
    "first_day, start_time, duration_minutes, impact, rrule, close_marks_done, open_from, "
    "created_at, updated_at, owner_staff_id) VALUES (gen_random_uuid(), 'Backups', '', :site, "
    "'', '[]', '2026-12-01', '22:00', 60, '', '', true, now(), now(), now(), :owner)"
)


def test_a_technician_cannot_add_a_maintenance_task_and_a_manager_can(server: Server) -> None:
    org, bob, mia = server.org, server.as_("bob"), server.as_("mia")
    message = refused(bob, NEW_TASK, site=org.hq, owner=org.bob)
    assert "permission denied" in message
    with pytest.raises(PermissionDenied, match="manage maintenance tasks"):
        create_task(bob, org.bob, draft(org))
    assert accepted(mia, NEW_TASK, site=org.hq, owner=org.bob) == 1
    create_task(mia, org.mia, draft(org))


# ------------------------------------------------------------------- erasure


def test_only_an_admin_erases_and_the_trail_says_so(server: Server) -> None:
    org = server.org
    ticket = create_ticket(
        server.as_("ann"),
        TicketDraft(summary="Alice Müller cannot print", caller_id=org.alice),
        org.ann,
    )
    add_note(server.as_("ann"), ticket.id, "Called Alice Müller back", org.ann)
    message = refused(server.as_("mia"), "SELECT switchboard_erase_caller(:c)", c=org.alice)
    assert "permission denied" in message
    with pytest.raises(PermissionDenied):
        erase_caller(server.as_("mia"), org.mia, org.alice)
    assert erase_caller(server.as_("ada"), org.ada, org.alice) >= 1
    with server.owner.connect() as connection:
        notes = (
            connection.execute(
                text("SELECT note FROM ticket_event WHERE ticket_id = :t"), {"t": ticket.id}
            )
            .scalars()
            .all()
        )
        name = connection.execute(
            text("SELECT name FROM caller WHERE id = :c"), {"c": org.alice}
        ).scalar()
        trail = connection.execute(
            text("SELECT actor_id, kind FROM audit_event WHERE subject_id = :c"), {"c": org.alice}
        ).all()
    assert not any("Alice" in note for note in notes)
    assert "Called [erased] back" in notes
    assert name == "Erased caller"
    assert trail == [(org.ada, "caller erased")]


# ------------------------------------------------------------------- schema upgrades


def test_a_staff_login_finding_the_schema_behind_asks_for_an_admin(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from alembic import command

    from app.db_lifecycle import open_database
    from models.migrate import alembic_config

    config = alembic_config()
    with server.owner.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    with pytest.raises(SchemaBehindError, match="admin migrate"):
        open_database(server.url(server.logins["ann"]))
    # The owner's upgrade gives the new table its grants in the same step.
    from app.cli import main

    owner_url = server.url(make_url(PG_URL).username or "postgres")
    assert main(["admin", "migrate", "--db", owner_url]) == 0
    assert f"The schema is current (version {SCHEMA_HEAD})" in capsys.readouterr().out
    assert "insert-only" in refused(server.owner, "TRUNCATE audit_event")
    assert "permission denied" in refused(server.as_("mia"), "UPDATE audit_event SET detail = ''")


# ------------------------------------------------------------------- staff and their logins


def _group_of(server: Server, login: str) -> list[str]:
    with server.owner.connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                    "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :login"
                ),
                {"login": login},
            ).scalars()
        )


def test_staff_changes_by_an_admin_move_the_login_with_them(server: Server) -> None:
    from app.staff import add_staff, change_role, deactivate, reactivate, reset_password

    ada, login = server.as_("ada"), f"{server.name}_cy"
    cy = add_staff(ada, server.org.ada, username=login, name="Cy New", role=StaffRole.OPERATOR)
    assert _group_of(server, login) == [group_name(server.name, StaffRole.OPERATOR)]
    server.logins["cy"] = login
    assert staff_for_login(server.as_("cy")) == (cy, login)

    change_role(ada, server.org.ada, cy, StaffRole.MANAGER)
    assert _group_of(server, login) == [group_name(server.name, StaffRole.MANAGER)]
    assert accepted(server.as_("cy"), "UPDATE sla_policy SET response_minutes = 45") > 0

    reset_password(ada, server.org.ada, cy, "a long login password")
    with server.owner.connect() as connection:
        stored = connection.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": login}
        ).scalar()
    assert stored.startswith("SCRAM-SHA-256$") and "a long login password" not in stored

    deactivate(ada, server.org.ada, cy)
    server.engines.pop("cy").dispose()
    with pytest.raises(DBAPIError, match="not permitted to log in"):
        server.as_("cy").connect()
    reactivate(ada, server.org.ada, cy)
    assert staff_for_login(server.as_("cy"))[0] == cy


def test_add_staff_on_the_command_line_creates_the_login(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    login = f"{server.name}_dee"
    url = server.url(server.logins["ada"])
    assert main(["admin", "add-staff", login, "--role", "technician", "--db", url]) == 0
    assert f"Added {login} as technician." in capsys.readouterr().out
    assert _group_of(server, login) == [group_name(server.name, StaffRole.TECHNICIAN)]
    # An operator may not, and is told so before anything happens.
    url = server.url(server.logins["ann"])
    assert main(["admin", "add-staff", f"{login}2", "--role", "admin", "--db", url]) == 2
    assert "Only an admin can manage staff and roles." in capsys.readouterr().err


def test_the_installations_own_login_is_never_altered_by_staff_changes(server: Server) -> None:
    from app.staff import change_role, staff_named

    owner = make_url(PG_URL).username or "postgres"
    change_role(
        server.as_("ada"), server.org.ada, staff_named(server.owner, owner), StaffRole.MANAGER
    )
    assert _group_of(server, owner) == []
    with server.owner.connect() as connection:
        assert connection.execute(
            text("SELECT rolsuper AND rolcanlogin FROM pg_roles WHERE rolname = :n"), {"n": owner}
        ).scalar()


# ------------------------------------------------------------------- kept report figures


def test_kept_report_figures_are_the_manager_s_and_an_operator_s_change_forgets_them(
    server: Server,
) -> None:
    ann, mia, org = server.as_("ann"), server.as_("mia"), server.org
    october = parse_month("2026-10")
    draft = TicketDraft(summary="VPN drops", caller_id=org.alice)
    ticket = create_ticket(ann, draft, org.ann, now=datetime(2026, 10, 14, 9, tzinfo=UTC))
    assert monthly_report(mia, org.mia, october, now=NOW).now.volume == 1
    count = "SELECT count(*) FROM report_store WHERE body IS NOT NULL"
    with server.owner.connect() as connection:
        assert connection.execute(text(count)).scalar() > 0
    assert "permission denied" in refused(ann, "SELECT * FROM report_store")
    # Her change runs the trigger, which may delete what she may not read.
    assert accepted(ann, "UPDATE ticket SET priority = 1 WHERE id = :id", id=ticket.id) == 1
    with server.owner.connect() as connection:
        left = connection.execute(
            text("SELECT kind FROM report_store WHERE first_day = '2026-10-01'")
        ).scalars()
        assert "summary business" not in list(left)  # October's key figures are forgotten
    assert monthly_report(mia, org.mia, october, now=NOW).now.volume_by_priority[0] == (
        "P1 Critical",
        1,
    )
