"""Managing staff (app/staff.py): the directory, adding people, roles, deactivation and
passwords, each audited in its own transaction; the rule that an active admin always
remains; and refusals for everyone but admins, on every configured back end."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select

from app.audit import recent
from app.errors import NotFoundError, PermissionDenied, SwitchboardError, ValidationError
from app.sign_in import MAX_FAILURES, SignInRefused, sign_in
from app.staff import (
    StaffRow,
    add_staff,
    change_role,
    deactivate,
    list_staff,
    reactivate,
    reset_password,
)
from models.audit import AuditEvent
from models.clock import utcnow
from models.engine import read_session
from models.enums import StaffRole
from models.org import Staff
from tests.conftest import Org

PASSWORD = "a long enough password"


def _row(engine: Engine, staff_id: uuid.UUID) -> StaffRow:
    return next(row for row in list_staff(engine) if row.id == staff_id)


def _audit_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _trail(engine: Engine, subject: uuid.UUID) -> list[tuple[str, str, str]]:
    """(actor, kind, detail) about ``subject``, newest first."""
    return [(line.actor, line.kind, line.detail) for line in recent(engine, subject_id=subject)]


def test_the_directory_lists_everyone_by_name_with_team_and_sign_in(
    engine: Engine, org: Org
) -> None:
    reset_password(engine, org.ada, org.ann, PASSWORD)
    rows = list_staff(engine)
    assert [row.name for row in rows] == ["Ada Admin", "Ann Operator", "Bob Tech", "Mia Manager"]
    ann = _row(engine, org.ann)
    assert (ann.username, ann.role, ann.team, ann.active) == (
        "ann",
        StaffRole.OPERATOR,
        "Service desk",
        True,
    )
    assert ann.has_password and ann.locked_until is None
    assert _row(engine, org.mia).team == ""
    assert not _row(engine, org.bob).has_password


def test_a_running_lock_out_is_listed_until_it_ends(engine: Engine, org: Org) -> None:
    reset_password(engine, org.ada, org.ann, PASSWORD)
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInRefused):
            sign_in(engine, "ann", "guess", utcnow())
    locked = _row(engine, org.ann).locked_until
    assert locked is not None and locked > utcnow()
    reset_password(engine, org.ada, org.ann, "another long password")
    assert _row(engine, org.ann).locked_until is None


def test_an_admin_adds_staff_to_the_service_desk_and_it_is_audited(
    engine: Engine, org: Org
) -> None:
    new_id = add_staff(
        engine,
        org.ada,
        username="  bea ",
        name=" Bea   Brown ",
        role=StaffRole.TECHNICIAN,
        email="bea@example.org",
    )
    bea = _row(engine, new_id)
    assert (bea.name, bea.username, bea.email, bea.role, bea.team, bea.active) == (
        "Bea Brown",
        "bea",
        "bea@example.org",
        StaffRole.TECHNICIAN,
        "Service desk",
        True,
    )
    assert not bea.has_password
    assert _trail(engine, new_id) == [
        ("Ada Admin", "staff added", "Added Bea Brown (bea) as Technician")
    ]


@pytest.mark.parametrize(
    ("username", "name", "email", "field", "message"),
    [
        ("", "Bea Brown", None, "username", "Type a user name"),
        ("x" * 65, "Bea Brown", None, "username", "has 65 characters; use at most 64"),
        ("bea brown", "Bea Brown", None, "username", "no spaces"),
        ("ANN", "Another Ann", None, "username", "'ann' is taken by Ann Operator; choose"),
        ("bea", "   ", None, "name", "Type the person's name"),
        ("bea", "Bea Brown", "not an address", "email", "like bea@example.org"),
    ],
)
def test_a_new_staff_member_is_refused_with_what_to_fix(
    engine: Engine, org: Org, username: str, name: str, email: str | None, field: str, message: str
) -> None:
    before = (len(list_staff(engine)), _audit_count(engine))
    with pytest.raises(ValidationError) as refused:
        add_staff(
            engine, org.ada, username=username, name=name, role=StaffRole.OPERATOR, email=email
        )
    assert message in refused.value.problems[field]
    assert (len(list_staff(engine)), _audit_count(engine)) == before


def test_a_role_change_is_audited_and_the_same_role_writes_nothing(
    engine: Engine, org: Org
) -> None:
    change_role(engine, org.ada, org.ann, StaffRole.MANAGER)
    assert _row(engine, org.ann).role == StaffRole.MANAGER
    assert _trail(engine, org.ann) == [("Ada Admin", "role changed", "Operator → Manager")]
    before = _audit_count(engine)
    change_role(engine, org.ada, org.ann, StaffRole.MANAGER)
    deactivate(engine, org.ada, org.bob)
    deactivate(engine, org.ada, org.bob)  # deactivated already: nothing more
    reactivate(engine, org.ada, org.ann)  # active already: nothing
    assert _audit_count(engine) == before + 1


def test_deactivated_staff_keep_their_history_and_cannot_sign_in_or_write(
    engine: Engine, org: Org
) -> None:
    reset_password(engine, org.ada, org.bob, PASSWORD)
    deactivate(engine, org.ada, org.bob)
    bob = _row(engine, org.bob)
    assert not bob.active and bob.has_password
    with pytest.raises(SignInRefused, match="user name or password is wrong"):
        sign_in(engine, "bob", PASSWORD, utcnow())
    reactivate(engine, org.ada, org.bob)
    assert sign_in(engine, "bob", PASSWORD, utcnow()) == org.bob
    kinds = [kind for _actor, kind, _detail in _trail(engine, org.bob)]
    assert kinds == [
        "signed in",
        "staff reactivated",
        "sign-in refused",
        "staff deactivated",
        "password set",
    ]


def test_a_password_reset_is_audited_without_the_password(engine: Engine, org: Org) -> None:
    reset_password(engine, org.ada, org.ann, PASSWORD)
    assert sign_in(engine, "ann", PASSWORD, utcnow()) == org.ann
    with read_session(engine) as session:
        details = list(session.execute(select(AuditEvent.detail)).scalars())
        stored = session.get(Staff, org.ann)
    assert stored is not None and stored.password_hash is not None
    assert not any(PASSWORD in d or stored.password_hash in d for d in details)
    assert ("Ada Admin", "password set", "Password set for Ann Operator (ann)") in _trail(
        engine, org.ann
    )
    with pytest.raises(SwitchboardError, match="has 5 characters; use at least 10"):
        reset_password(engine, org.ada, org.ann, "short")


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(engine: Engine, org: Org) -> None:
    before = _audit_count(engine)
    for change in (
        lambda: change_role(engine, org.ada, org.ada, StaffRole.MANAGER),
        lambda: deactivate(engine, org.ada, org.ada),
    ):
        with pytest.raises(SwitchboardError, match="would leave nobody who can manage staff"):
            change()
    ada = _row(engine, org.ada)
    assert (ada.role, ada.active, _audit_count(engine)) == (StaffRole.ADMIN, True, before)


def test_an_admin_may_step_down_while_another_admin_remains(engine: Engine, org: Org) -> None:
    change_role(engine, org.ada, org.mia, StaffRole.ADMIN)
    deactivate(engine, org.mia, org.mia)  # Ada is still an admin
    with pytest.raises(SwitchboardError, match="make someone else an admin first"):
        change_role(engine, org.ada, org.ada, StaffRole.OPERATOR)  # Mia is not active
    reactivate(engine, org.ada, org.mia)
    change_role(engine, org.ada, org.ada, StaffRole.OPERATOR)
    assert _row(engine, org.ada).role == StaffRole.OPERATOR
    # Ada is no admin now: she may not change staff any more.
    with pytest.raises(PermissionDenied, match="Only an admin can manage staff and roles"):
        change_role(engine, org.ada, org.ada, StaffRole.ADMIN)


Write = Callable[[Engine, uuid.UUID], object]
WRITES: dict[str, Write] = {
    "add": lambda engine, actor: add_staff(
        engine, actor, username="bea", name="Bea Brown", role=StaffRole.OPERATOR
    ),
    "role": lambda engine, actor: change_role(engine, actor, _bob(engine), StaffRole.MANAGER),
    "deactivate": lambda engine, actor: deactivate(engine, actor, _bob(engine)),
    "reactivate": lambda engine, actor: reactivate(engine, actor, _bob(engine)),
    "password": lambda engine, actor: reset_password(engine, actor, _bob(engine), PASSWORD),
}


def _bob(engine: Engine) -> uuid.UUID:
    return next(row.id for row in list_staff(engine) if row.username == "bob")


@pytest.mark.parametrize("write", sorted(WRITES))
def test_only_an_admin_manages_staff_and_a_refusal_changes_nothing(
    engine: Engine, org: Org, write: str
) -> None:
    if write == "reactivate":
        deactivate(engine, org.ada, org.bob)  # so that reactivating him is a change
    before = (list_staff(engine), _audit_count(engine))
    for actor in (org.ann, org.bob, org.mia):
        with pytest.raises(PermissionDenied):
            WRITES[write](engine, actor)
    assert (list_staff(engine), _audit_count(engine)) == before
    WRITES[write](engine, org.ada)
    assert _audit_count(engine) == before[1] + 1


def test_a_staff_member_who_is_gone_is_reported_as_such(engine: Engine, org: Org) -> None:
    with pytest.raises(NotFoundError, match="refresh the list"):
        change_role(engine, org.ada, uuid.uuid4(), StaffRole.MANAGER)
