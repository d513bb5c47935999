"""Who may do what (app/permissions.py): every role against every action, through the real
service functions, on every configured back end; and the README's table.

Each action with a service has a ``prepare`` below: it sets the scene as the admin (a ticket
to edit, a file to import) and returns what does the action as a given staff member. An
allowed action succeeds; a refused one raises PermissionDenied naming the roles that may,
and leaves every table exactly as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlmodel import SQLModel, col

from app.assets.csv_import import import_assets
from app.assets.csv_import import read_table as read_asset_table
from app.assets.csv_import import suggest_mapping as asset_mapping
from app.assets.register import AssetFields, save_asset
from app.attention.items import acknowledge
from app.attention.rules import RuleKey, set_rule
from app.callers.csv_import import import_callers, read_table, suggest_mapping
from app.callers.erase import erase_caller
from app.callers.merge import merge_callers
from app.callers.quick_create import NewCaller, create_caller
from app.calls.records import CallRecord, record_call
from app.errors import PermissionDenied
from app.maintenance.major_incidents import declare
from app.maintenance.record import Done, mark_done
from app.maintenance.recurrence import Frequency, Recurrence
from app.maintenance.tasks import TaskDraft, create_task
from app.org.categories import CategoryDraft, save_category
from app.org.organisation import save_organisation
from app.org.sites import SiteDraft, add_closure, save_site
from app.org.sla_policies import Scope, Targets, save_policy
from app.org.teams import TeamDraft, save_team
from app.permissions import (
    Action,
    allowed,
    may,
    permission_table_markdown,
    refusal,
    require_now,
    roles_that_may,
)
from app.problems.records import ProblemDraft, create_problem
from app.queue.query import SavedView
from app.queue.saved_views import save_view
from app.reports.period import parse_month
from app.reports.report import monthly_report
from app.roster.shift_types import ShiftTypeDraft, save_shift_type
from app.staff import StaffDetails, change_role, save_staff_details
from app.tickets.actions import (
    TicketDraft,
    add_note,
    change_status,
    create_ticket,
    escalate,
    flag_manager,
    update_ticket,
)
from app.tickets.detail import TicketDetail
from app.tickets.priority import current_matrix, replace_matrix
from app.training.completions import record_completion
from app.training.courses import CourseDraft, save_course
from app.vendors.directory import VendorDraft, save_vendor
from app.vendors.escalation import VendorEscalationDraft, escalate_to_vendor
from models.attention import AttentionItem
from models.engine import read_connection, write_session
from models.enums import CompletionResult, Priority, ShiftKind, StaffRole, TicketStatus
from models.org import Staff
from tests.conftest import Org

NOW = datetime(2024, 11, 18, 9, 0, tzinfo=UTC)
README = Path(__file__).parent.parent / "README.md"

Perform = Callable[[uuid.UUID], object]  # does the action as this staff member


@dataclass(frozen=True)
class Scene:
    engine: Engine
    org: Org
    tmp_path: Path

    def ticket(self, *path: TicketStatus) -> TicketDetail:
        """A ticket for Alice logged by the admin, walked along ``path``."""
        ticket = create_ticket(
            self.engine, TicketDraft(summary="Printer jams", caller_id=self.org.alice), self.org.ada
        )
        for target in path:
            ticket = change_status(
                self.engine, ticket.id, ticket.version, target, self.org.ada, "done"
            )
        return ticket


def _log_call(s: Scene) -> Perform:
    record = CallRecord(NOW, NOW + timedelta(minutes=2), "0207", s.org.alice, s.org.ann)
    return lambda actor: record_call(s.engine, record, actor)


def _create_ticket(s: Scene) -> Perform:
    draft = TicketDraft(summary="Cannot print", caller_id=s.org.alice)
    return lambda actor: create_ticket(s.engine, draft, actor)


def _edit_ticket(s: Scene) -> Perform:
    t = s.ticket()
    return lambda actor: update_ticket(s.engine, t.id, t.version, {"summary": "Jams again"}, actor)


def _assign_ticket(s: Scene) -> Perform:
    t = s.ticket()
    return lambda actor: update_ticket(s.engine, t.id, t.version, {"assignee_id": s.org.bob}, actor)


def _status(target: TicketStatus, *path: TicketStatus) -> Callable[[Scene], Perform]:
    def prepare(s: Scene) -> Perform:
        t = s.ticket(*path)
        return lambda actor: change_status(s.engine, t.id, t.version, target, actor, "because")

    return prepare


def _escalate(s: Scene) -> Perform:
    t = s.ticket()
    return lambda actor: escalate(s.engine, t.id, t.version, s.org.network, "Link down", actor)


def _flag(s: Scene) -> Perform:
    t = s.ticket()
    return lambda actor: flag_manager(s.engine, t.id, t.version, "VIP waiting", actor)


def _note(s: Scene) -> Perform:
    t = s.ticket()
    return lambda actor: add_note(s.engine, t.id, "Called back", actor)


def _add_caller(s: Scene) -> Perform:
    return lambda actor: create_caller(s.engine, NewCaller(name="Carl New"), actor)


def _import_callers(s: Scene) -> Perform:
    path = s.tmp_path / "directory.csv"
    path.write_text("name,email\nCarl New,carl@example.org\n", encoding="utf-8")
    table = read_table(path)
    return lambda actor: import_callers(s.engine, table, suggest_mapping(table.headers), actor)


def _merge_callers(s: Scene) -> Perform:
    return lambda actor: merge_callers(s.engine, s.org.alice, [s.org.zoe], actor)


def _manage_staff(s: Scene) -> Perform:
    return lambda actor: change_role(s.engine, actor, s.org.ann, StaffRole.TECHNICIAN)


def _asset(s: Scene) -> Perform:
    return lambda actor: save_asset(s.engine, actor, None, AssetFields(tag="LT-0900"))


def _import_assets(s: Scene) -> Perform:
    path = s.tmp_path / "inventory.csv"
    path.write_text("Tag,Model\nLT-0900,T14\n", encoding="utf-8")
    table = read_asset_table(path)
    return lambda actor: import_assets(s.engine, table, asset_mapping(table.headers), actor)


def _team(s: Scene) -> Perform:
    return lambda actor: save_team(s.engine, actor, TeamDraft("Field service"))


def _category(s: Scene) -> Perform:
    return lambda actor: save_category(s.engine, actor, CategoryDraft("Hardware"))


def _site(s: Scene) -> Perform:
    return lambda actor: save_site(
        s.engine, actor, SiteDraft("LDN", "London office", "Europe/London")
    )


def _closure(s: Scene) -> Perform:
    day = date(2026, 12, 24)
    return lambda actor: add_closure(s.engine, actor, s.org.hq, day, day)


def _sla_policy(s: Scene) -> Perform:
    return lambda actor: save_policy(
        s.engine, actor, Priority.MEDIUM, Scope(), Targets(60, 480), False
    )


def _organisation(s: Scene) -> Perform:
    return lambda actor: save_organisation(s.engine, actor, name="Acme Health")


def _erase_caller(s: Scene) -> Perform:
    return lambda actor: erase_caller(s.engine, actor, s.org.zoe)


def _priority_matrix(s: Scene) -> Perform:
    matrix = current_matrix(s.engine)
    return lambda actor: replace_matrix(s.engine, matrix, actor)


def _shift_type(s: Scene) -> Perform:
    draft = ShiftTypeDraft("Night desk", ShiftKind.DESK, "#3949ab", "cross", "22:00", "06:00")
    return lambda actor: save_shift_type(s.engine, actor, draft)


def _staff_details(s: Scene) -> Perform:
    details = StaffDetails(phone="020 7946 0018", home_site_id=s.org.hq, contracted_minutes=2250)
    return lambda actor: save_staff_details(s.engine, actor, s.org.bob, details)


def _course(s: Scene) -> Perform:
    return lambda actor: save_course(s.engine, actor, CourseDraft("Fire safety"))


def _own_training(s: Scene) -> Perform:
    course = save_course(s.engine, s.org.ada, CourseDraft("Fire safety"))
    return lambda actor: record_completion(
        s.engine, actor, actor, course, date(2024, 11, 15), CompletionResult.PASSED
    )


def _maintenance_task(s: Scene) -> Perform:
    return lambda actor: create_task(s.engine, actor, _upkeep(s, s.org.bob))


def _record_maintenance(s: Scene) -> Perform:
    def perform(actor: uuid.UUID) -> None:
        task = create_task(s.engine, s.org.ada, _upkeep(s, actor))  # their own task
        mark_done(s.engine, actor, task, datetime(2026, 11, 3, 22, tzinfo=UTC), Done())

    return perform


def _upkeep(s: Scene, owner: uuid.UUID) -> TaskDraft:
    weekly = Recurrence(Frequency.WEEKLY, weekdays=(1,))
    return TaskDraft(
        "Patching", s.org.hq, date(2026, 11, 3), "22:00", 60, weekly, owner_staff_id=owner
    )


def _major_incident(s: Scene) -> Perform:
    return lambda actor: declare(s.engine, actor, "VPN down", s.org.hq)


def _report(s: Scene) -> Perform:
    return lambda actor: monthly_report(s.engine, actor, parse_month("2026-10"))


def _own_view(s: Scene) -> Perform:
    return lambda actor: save_view(s.engine, actor, SavedView("Mine"))


def _problem(s: Scene) -> Perform:
    return lambda actor: create_problem(s.engine, ProblemDraft("Printer jams weekly"), actor, NOW)


def _vendor(s: Scene) -> Perform:
    return lambda actor: save_vendor(s.engine, actor, VendorDraft(name="Acme Hardware"))


def _vendor_escalation(s: Scene) -> Perform:
    vendor = save_vendor(s.engine, s.org.ada, VendorDraft(name="Acme Hardware"))
    t = s.ticket()
    t = update_ticket(s.engine, t.id, t.version, {"assignee_id": s.org.bob}, s.org.ada)
    draft = VendorEscalationDraft(vendor, None, "CS-1", "Sam at Acme")
    return lambda actor: escalate_to_vendor(s.engine, t.id, draft, actor, NOW, t.version)


def _attention_rules(s: Scene) -> Perform:
    return lambda actor: set_rule(s.engine, RuleKey.P1_OPEN, True, 45, actor, NOW)


def _acknowledge(s: Scene) -> Perform:
    t = s.ticket()
    item = AttentionItem(
        rule=RuleKey.P1_OPEN.value, subject_id=t.id, ticket_id=t.id, reason="P1 open for 45 min"
    )
    with write_session(s.engine) as session:
        session.add(item)
    return lambda actor: acknowledge(s.engine, item.id, actor, NOW)


SERVICES: dict[Action, Callable[[Scene], Perform]] = {
    Action.LOG_CALL: _log_call,
    Action.CREATE_TICKET: _create_ticket,
    Action.EDIT_TICKET: _edit_ticket,
    Action.ASSIGN_TICKET: _assign_ticket,
    Action.RESOLVE_TICKET: _status(TicketStatus.RESOLVED),
    Action.CLOSE_TICKET: _status(TicketStatus.CLOSED, TicketStatus.RESOLVED),
    Action.REOPEN_TICKET: _status(TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED),
    Action.ESCALATE_TICKET: _escalate,
    Action.FLAG_MANAGER: _flag,
    Action.ADD_NOTE: _note,
    Action.ADD_CALLER: _add_caller,
    Action.IMPORT_CALLERS: _import_callers,
    Action.MERGE_CALLERS: _merge_callers,
    Action.CHANGE_PRIORITY_MATRIX: _priority_matrix,
    Action.SAVE_OWN_VIEWS: _own_view,
    Action.RUN_REPORTS: _report,
    Action.ERASE_PERSONAL_DATA: _erase_caller,
    Action.MANAGE_STAFF: _manage_staff,
    Action.SET_UP_ORGANISATION: _organisation,
    Action.MANAGE_ASSETS: _asset,
    Action.IMPORT_ASSETS: _import_assets,
    Action.MANAGE_TEAMS: _team,
    Action.MANAGE_CATEGORIES: _category,
    Action.MANAGE_SITES: _site,
    Action.CHANGE_BUSINESS_HOURS: _closure,
    Action.CHANGE_SLA_POLICIES: _sla_policy,
    Action.EDIT_ROSTER: _shift_type,
    Action.EDIT_STAFF_DETAILS: _staff_details,
    Action.EDIT_TRAINING_LOG: _course,
    Action.RECORD_OWN_TRAINING: _own_training,
    Action.MANAGE_MAINTENANCE: _maintenance_task,
    Action.RECORD_MAINTENANCE: _record_maintenance,
    Action.DECLARE_MAJOR_INCIDENT: _major_incident,
    Action.MANAGE_PROBLEMS: _problem,
    Action.ESCALATE_TO_VENDOR: _vendor_escalation,
    Action.MANAGE_VENDORS: _vendor,
    Action.SET_ATTENTION_RULES: _attention_rules,
    Action.ACKNOWLEDGE_ATTENTION: _acknowledge,
}

# In the table, so the GUI and the README know them, but nothing in app/ does them yet.
NO_SERVICE_YET = {
    Action.BACK_UP,
    Action.RESTORE,
}


def _actor(org: Org, role: StaffRole) -> uuid.UUID:
    return {
        StaffRole.OPERATOR: org.ann,
        StaffRole.TECHNICIAN: org.bob,
        StaffRole.MANAGER: org.mia,
        StaffRole.ADMIN: org.ada,
    }[role]


def _everything(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table, to show that a refused action wrote nothing."""
    with read_connection(engine) as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            for table in SQLModel.metadata.sorted_tables
        }


def test_every_action_has_a_service_or_is_listed_as_none_yet() -> None:
    assert set(SERVICES) | NO_SERVICE_YET == set(Action)
    assert not set(SERVICES) & NO_SERVICE_YET


@pytest.mark.parametrize("role", list(StaffRole), ids=lambda r: r.name.lower())
@pytest.mark.parametrize("action", list(SERVICES), ids=lambda a: a.name.lower())
def test_each_role_may_do_exactly_what_the_table_says(
    engine: Engine, org: Org, tmp_path: Path, role: StaffRole, action: Action
) -> None:
    perform = SERVICES[action](Scene(engine, org, tmp_path))
    actor = _actor(org, role)
    if may(role, action):
        perform(actor)
        return
    before = _everything(engine)
    with pytest.raises(PermissionDenied) as refused:
        perform(actor)
    assert str(refused.value) == refusal(action)
    for allowed_role in roles_that_may(action):
        assert allowed_role.label.lower() in str(refused.value)
    assert _everything(engine) == before


def test_the_refusal_names_the_roles_that_may() -> None:
    assert refusal(Action.CHANGE_PRIORITY_MATRIX) == (
        "Only a manager or an admin can change the priority matrix."
    )
    assert refusal(Action.RESTORE) == "Only an admin can restore the database."
    assert (
        refusal(Action.CLOSE_TICKET)
        == "Only a technician, a manager or an admin can close tickets."
    )


def test_roles_build_on_each_other_and_the_admin_may_do_everything() -> None:
    assert allowed(StaffRole.OPERATOR) < allowed(StaffRole.TECHNICIAN)
    assert allowed(StaffRole.TECHNICIAN) < allowed(StaffRole.MANAGER)
    assert allowed(StaffRole.MANAGER) < allowed(StaffRole.ADMIN) == frozenset(Action)


def test_an_operator_works_the_call_but_does_not_close_or_configure() -> None:
    assert may(StaffRole.OPERATOR, Action.RESOLVE_TICKET)  # solved on the call
    assert may(StaffRole.OPERATOR, Action.ADD_CALLER)
    assert not may(StaffRole.OPERATOR, Action.CLOSE_TICKET)
    assert not may(StaffRole.OPERATOR, Action.MERGE_CALLERS)
    assert not may(StaffRole.MANAGER, Action.MANAGE_STAFF)


def test_an_inactive_staff_member_may_do_nothing(engine: Engine, org: Org) -> None:
    with write_session(engine) as session:
        session.execute(update(Staff).where(col(Staff.id) == org.ada).values(active=False))
    with pytest.raises(PermissionDenied, match="not an active staff member"):
        create_ticket(engine, TicketDraft(summary="Cannot print", caller_id=org.alice), org.ada)
    with pytest.raises(PermissionDenied, match="not an active staff member"):
        require_now(engine, org.ada, Action.LOG_CALL)


def test_an_unknown_actor_may_do_nothing(engine: Engine, org: Org) -> None:
    before = _everything(engine)
    with pytest.raises(PermissionDenied, match="Ask an admin"):
        create_caller(engine, NewCaller(name="Carl New"), uuid.uuid4())
    assert _everything(engine) == before


def test_a_saved_view_is_filed_under_the_actor_own_name(engine: Engine, org: Org) -> None:
    from app.queue.saved_views import list_views

    save_view(engine, org.bob, SavedView("Bob's printers"))
    assert "Bob's printers" in [v.name for v in list_views(engine, "bob")]
    assert "Bob's printers" not in [v.name for v in list_views(engine, "ann")]


def test_the_readme_prints_the_permission_table() -> None:
    text = README.read_text(encoding="utf-8")
    assert permission_table_markdown() in text
    # Exactly the generated table: no hand-edited row before or after it.
    section = text.split("## Who may do what", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    assert "\n".join(table) + "\n" == permission_table_markdown()


def test_a_role_changed_by_an_admin_counts_at_the_next_save(engine: Engine, org: Org) -> None:
    require_now(engine, org.ann, Action.LOG_CALL)
    with pytest.raises(PermissionDenied):
        require_now(engine, org.ann, Action.CHANGE_PRIORITY_MATRIX)

    with write_session(engine) as session:
        session.execute(
            update(Staff).where(col(Staff.id) == org.ann).values(role=StaffRole.MANAGER)
        )

    require_now(engine, org.ann, Action.CHANGE_PRIORITY_MATRIX)  # no restart needed
