"""Switchboard's own sign-in: passwords, lock-out, who may change them, and the dialog."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext, SignInNeeded
from app.errors import PermissionDenied, SwitchboardError
from app.sign_in import (
    LOCK_OUT,
    MAX_FAILURES,
    SignInRefused,
    local_time,
    set_password,
    set_sign_in_required,
    sign_in,
    sign_in_required,
)
from models.engine import read_session, write_session
from models.enums import StaffRole
from models.org import Staff
from tests.conftest import NOW, QUIET, Org, RunningClock, dispose_window
from ui.shell.application import sign_in_then_attach
from ui.shell.main_window import MainWindow
from ui.shell.sign_in import SignInDialog

ANN_PASSWORD = "correct horse battery"
MIA_PASSWORD = "staple of the desk"


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
def test_a_wrong_password_says_how_many_tries_are_left(engine: Engine, org: Org) -> None:
    with pytest.raises(SignInRefused, match=f"Wrong password. {MAX_FAILURES - 1} tries left"):
        sign_in(engine, "ann", "not the password", NOW)
    # A success clears the count: the next mistake has every try again.
    assert sign_in(engine, "ann", ANN_PASSWORD, NOW) == org.ann
    with pytest.raises(SignInRefused, match=f"{MAX_FAILURES - 1} tries left"):
        sign_in(engine, "ann", "not the password", NOW)


@pytest.mark.usefixtures("admin")
def test_repeated_failures_lock_the_sign_in_until_a_time_it_names(engine: Engine, org: Org) -> None:
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInRefused, match="left"):
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
def test_someone_without_a_password_is_told_whom_to_ask(engine: Engine) -> None:
    for name in ("bob", "nobody"):
        with pytest.raises(SignInRefused, match="ask an admin to set your password"):
            sign_in(engine, name, "anything at all", NOW)


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
    assert dialog.message.text().startswith(f"Wrong password. {MAX_FAILURES - 1} tries left")
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
