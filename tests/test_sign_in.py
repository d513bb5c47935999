"""Switchboard's own sign-in: passwords, lock-out, who may change them, and the dialog."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

import app.sign_in as sign_in_module
from app.audit import recent
from app.context import AppContext, SignInNeeded
from app.errors import PermissionDenied, SwitchboardError
from app.permissions import staff_id_for
from app.sign_in import (
    LOCK_OUT,
    MAX_FAILURES,
    REFUSED,
    SignInRefused,
    local_time,
    set_sign_in_required,
    sign_in,
    sign_in_required,
)
from app.staff import reset_password, staff_named
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import StaffRole
from models.org import Staff
from tests.conftest import NOW, QUIET, Org, RunningClock, dispose_window
from ui.shell.application import sign_in_then_attach
from ui.shell.main_window import MainWindow
from ui.shell.sign_in import SignInDialog

ANN_PASSWORD = "correct horse battery"
MIA_PASSWORD = "staple of the desk"


def set_password(engine: Engine, actor: str, username: str, password: str) -> None:
    """``actor`` sets ``username``'s password, as ``switchboard admin set-password`` does."""
    reset_password(engine, staff_id_for(engine, actor), staff_named(engine, username), password)


@pytest.fixture
def admin(engine: Engine, org: Org) -> str:
    """Mia runs the database; Ann and Mia have passwords."""
    with write_session(engine) as session:
        mia = session.get(Staff, org.mia)
        assert mia is not None
        mia.role = StaffRole.ADMIN
    set_password(engine, "mia", "ann", ANN_PASSWORD)
    set_password(engine, "mia", "mia", MIA_PASSWORD)
    return "mia"


@pytest.mark.usefixtures("admin")
def test_the_right_password_signs_in(engine: Engine, org: Org) -> None:
    assert sign_in(engine, "ann", ANN_PASSWORD, NOW) == org.ann
    with read_session(engine) as session:
        ann = session.get(Staff, org.ann)
    assert ann is not None and ann.password_hash is not None
    assert ann.password_hash.startswith("$argon2id$") and ANN_PASSWORD not in ann.password_hash


@pytest.mark.usefixtures("admin")
def test_a_success_clears_the_count_of_wrong_passwords(engine: Engine, org: Org) -> None:
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInRefused, match="user name or password is wrong"):
            sign_in(engine, "ann", "not the password", NOW)
    assert sign_in(engine, "ann", ANN_PASSWORD, NOW) == org.ann
    # The next mistake has every try again: it does not lock.
    with pytest.raises(SignInRefused, match="user name or password is wrong"):
        sign_in(engine, "ann", "not the password", NOW)
    with read_session(engine) as session:
        ann = session.get(Staff, org.ann)
    assert ann is not None and (ann.failed_sign_ins, ann.locked_until) == (1, None)


@pytest.mark.usefixtures("admin")
def test_repeated_failures_lock_the_sign_in_until_a_time_it_names(engine: Engine, org: Org) -> None:
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInRefused, match="wrong"):
            sign_in(engine, "ann", "guess", NOW)
    until = local_time(NOW + LOCK_OUT)
    with pytest.raises(SignInRefused, match=f"locked until {until}"):
        sign_in(engine, "ann", "guess", NOW)
    # Locked: even the right password waits, and nothing is counted meanwhile.
    with pytest.raises(SignInRefused, match=f"locked until {until}"):
        sign_in(engine, "ann", ANN_PASSWORD, NOW + LOCK_OUT - timedelta(seconds=1))
    assert sign_in(engine, "ann", ANN_PASSWORD, NOW + LOCK_OUT) == org.ann


@pytest.mark.usefixtures("admin")
def test_a_new_password_from_an_admin_lifts_the_lock(engine: Engine, org: Org) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInRefused):
            sign_in(engine, "ann", "guess", NOW)
    set_password(engine, "mia", "ann", "a brand new password")
    assert sign_in(engine, "ann", "a brand new password", NOW) == org.ann


@pytest.mark.usefixtures("admin")
def test_a_refusal_does_not_tell_whether_the_user_name_exists(engine: Engine, org: Org) -> None:
    with write_session(engine) as session:
        gone = Staff(name="Gus Gone", username="gus", active=False)
        session.add(gone)
    set_password(engine, "mia", "gus", "gus had a password")
    messages = set()
    # no password set, no such name, deactivated (right password), wrong password
    for name, password in (
        ("bob", "anything at all"),
        ("nobody", "anything at all"),
        ("gus", "gus had a password"),
        ("ann", "not the password"),
    ):
        with pytest.raises(SignInRefused) as refused:
            sign_in(engine, name, password, NOW)
        messages.add(str(refused.value))
    assert messages == {REFUSED}
    assert "an admin can reset a forgotten password" in REFUSED


def test_an_unknown_name_is_checked_against_a_stand_in_hash(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    verify = sign_in_module._verify

    def spy(hashed: str, password: str) -> bool:
        checked.append(hashed)
        return verify(hashed, password)

    monkeypatch.setattr(sign_in_module, "_verify", spy)
    with pytest.raises(SignInRefused):
        sign_in(engine, "nobody", "anything at all", NOW)
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


# -- the audit trail -------------------------------------------------------------------------


def _trail(engine: Engine, subject: uuid.UUID) -> list[tuple[str, str, str]]:
    """(actor, kind, detail) of the rows about ``subject``, oldest first."""
    return [
        (line.actor, line.kind, line.detail)
        for line in reversed(recent(engine, subject_id=subject))
    ]


@pytest.mark.usefixtures("admin")
def test_sign_ins_refusals_and_lock_outs_are_audited(engine: Engine, org: Org) -> None:
    sign_in(engine, "ann", ANN_PASSWORD, utcnow())
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInRefused):
            sign_in(engine, "ann", "guess", utcnow())
    with pytest.raises(SignInRefused, match="locked"):
        sign_in(engine, "ann", ANN_PASSWORD, utcnow())
    trail = _trail(engine, org.ann)
    assert trail[0] == ("Mia Manager", "password set", "Password set for Ann Operator (ann)")
    assert trail[1] == ("Ann Operator", "signed in", "Signed in")
    assert trail[2:6] == [
        ("", "sign-in refused", f"Wrong password ({n} in a row)") for n in range(1, 5)
    ]
    assert trail[6] == (
        "",
        "sign-in locked",
        f"Locked for 15 minutes after {MAX_FAILURES} wrong passwords in a row",
    )
    assert trail[7] == ("", "sign-in refused", "Tried while the sign-in was locked")
    assert all("guess" not in detail and ANN_PASSWORD not in detail for *_, detail in trail)


@pytest.mark.usefixtures("admin")
def test_an_unknown_user_name_writes_no_audit_row(engine: Engine) -> None:
    before = len(recent(engine))
    with pytest.raises(SignInRefused):
        sign_in(engine, "nobody", "anything at all", NOW)
    assert len(recent(engine)) == before


@pytest.mark.usefixtures("admin")
def test_only_an_admin_sets_passwords_and_they_must_be_long(engine: Engine) -> None:
    with pytest.raises(PermissionDenied, match="Only an admin"):
        set_password(engine, "ann", "bob", "long enough password")
    with pytest.raises(SwitchboardError, match="has 5 characters; use at least 10"):
        set_password(engine, "mia", "bob", "short")
    with pytest.raises(SwitchboardError, match="no staff member 'zed'"):
        set_password(engine, "mia", "zed", "long enough password")


def test_sign_in_is_turned_on_by_an_admin_with_a_password(engine: Engine, org: Org) -> None:
    with write_session(engine) as session:
        mia = session.get(Staff, org.mia)
        assert mia is not None
        mia.role = StaffRole.ADMIN
    assert not sign_in_required(engine)
    with pytest.raises(SwitchboardError, match="Set your own password first"):
        set_sign_in_required(engine, "mia", True)
    with pytest.raises(PermissionDenied):
        set_sign_in_required(engine, "ann", True)
    set_password(engine, "mia", "mia", MIA_PASSWORD)
    set_sign_in_required(engine, "mia", True)
    assert sign_in_required(engine)
    set_sign_in_required(engine, "mia", False)
    assert not sign_in_required(engine)
    turned = [
        (line.actor, line.detail) for line in recent(engine) if line.kind == "sign-in required"
    ]
    assert turned == [("Mia Manager", "Sign-in turned off"), ("Mia Manager", "Sign-in turned on")]


# -- the dialog and the window ---------------------------------------------------------------


def type_and_sign_in(qtbot: QtBot, dialog: SignInDialog, username: str, password: str) -> None:
    """As a person does, once the last try is answered: the name, Tab, the password, Enter."""
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.buttons.isEnabled())
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.user.setFocus()
    dialog.user.clear()
    qtbot.keyClicks(dialog.user, username)
    qtbot.keyClick(dialog.user, Qt.Key.Key_Tab)
    assert dialog.password.hasFocus()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


@pytest.mark.usefixtures("admin")
def test_the_dialog_tells_tries_left_then_locks_then_signs_in(
    qtbot: QtBot, engine: Engine, org: Org, clock: RunningClock
) -> None:
    clock.set(NOW)
    dialog = SignInDialog(engine)
    qtbot.addWidget(dialog)
    dialog.show()
    type_and_sign_in(qtbot, dialog, "ann", "wrong guess")
    qtbot.waitUntil(dialog.message.isVisible)
    assert dialog.message.text() == REFUSED
    assert dialog.password.text() == "" and dialog.isVisible()
    for _ in range(MAX_FAILURES - 1):
        type_and_sign_in(qtbot, dialog, "ann", "wrong guess")
    qtbot.waitUntil(lambda: "locked until" in dialog.message.text())
    assert local_time(NOW + LOCK_OUT) in dialog.message.text()

    clock.advance(LOCK_OUT)
    with qtbot.waitSignal(dialog.accepted):
        type_and_sign_in(qtbot, dialog, "ann", ANN_PASSWORD)
    assert dialog.context is not None
    assert (dialog.context.me, dialog.context.name) == (org.ann, "Ann Operator")


@pytest.mark.usefixtures("admin")
def test_an_empty_field_is_asked_for_before_anything_is_checked(
    qtbot: QtBot, engine: Engine
) -> None:
    dialog = SignInDialog(engine)
    qtbot.addWidget(dialog)
    dialog.show()
    type_and_sign_in(qtbot, dialog, "ann", "")
    assert dialog.message.text() == "Type your user name and your password."
    assert dialog.password.hasFocus()


@pytest.mark.usefixtures("admin")
def test_a_database_that_asks_for_a_sign_in_is_attached_as_who_signed_in(
    qtbot: QtBot, engine: Engine
) -> None:
    window = MainWindow(page_options=QUIET)
    # Deleted at the end (dispose_window), not left to qtbot, which would close it again.
    window.show()
    sign_in_then_attach(window, SignInNeeded(engine))
    dialog = window.findChild(SignInDialog, "signInDialog")
    assert dialog is not None
    with qtbot.waitSignal(window.attached):
        type_and_sign_in(qtbot, dialog, "mia", MIA_PASSWORD)
    assert window.user_label.text() == "Mia Manager · Admin"
    dispose_window(window)


@pytest.mark.usefixtures("admin")
def test_switch_user_signs_someone_else_in_and_rebuilds_the_pages_for_them(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    window = MainWindow(context, page_options=QUIET)
    # Deleted at the end (dispose_window), not left to qtbot, which would close it again.
    window.show()
    queue_before = window.page("queue")
    assert window.user_label.text() == "Ann Operator · Operator"

    window.action("switchUser").trigger()
    dialog = window.findChild(SignInDialog, "signInDialog")
    assert dialog is not None
    type_and_sign_in(qtbot, dialog, "mia", "not her password")
    qtbot.waitUntil(dialog.message.isVisible)
    assert window.user_label.text() == "Ann Operator · Operator"  # nobody switched yet
    type_and_sign_in(qtbot, dialog, "mia", MIA_PASSWORD)
    qtbot.waitUntil(lambda: window.user_label.text() == "Mia Manager · Admin")
    assert window.context is not None and window.context.me == org.mia
    assert window.page("queue") is not queue_before  # built again, for Mia
    dispose_window(window)
