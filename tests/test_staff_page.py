"""The Staff page driven as an admin (adding someone through the dialog with keys, changing
a role, deactivating, setting a password, refusals shown in place, the history) and as an
operator (the directory readable, every button disabled with the reason), and the page in
the window (Ctrl+4)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.errors import PermissionDenied
from app.permissions import Action, refusal
from app.sign_in import MAX_FAILURES, SignInRefused, sign_in
from app.staff import change_role, list_staff
from models.clock import utcnow
from models.enums import StaffRole
from tests.conftest import QUIET, Org, answer_questions, as_admin, dispose_window
from ui.kit.write_dialog import WriteDialog
from ui.settings.staff_dialogs import AddStaffDialog, PasswordDialog, RoleDialog
from ui.settings.staff_page import HEADERS, StaffPage
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("in_london")
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there


def _page(qtbot: QtBot, context: AppContext) -> StaffPage:
    page = StaffPage(context)
    qtbot.addWidget(page)
    page.resize(1000, 650)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    qtbot.waitUntil(lambda: page.table.rowCount() > 0)
    return page


@pytest.fixture
def admin_page(qtbot: QtBot, context: AppContext, org: Org) -> StaffPage:
    return _page(qtbot, as_admin(context, org))


def _column(page: StaffPage, title: str) -> list[str]:
    column = HEADERS.index(title)
    return [page.table.item(row, column).text() for row in range(page.table.rowCount())]


def _select(qtbot: QtBot, page: StaffPage, name: str) -> None:
    """Type ``name`` into the filter, then Down into the table: the keyboard route."""
    page.focus_filter()
    qtbot.keyClicks(page.filter_edit, name)
    qtbot.waitUntil(lambda: _column(page, "Name") == [name])
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    current = page.current()
    assert current is not None and current.name == name


def _dialog(qtbot: QtBot, page: StaffPage, kind: type[WriteDialog]) -> WriteDialog:
    qtbot.waitUntil(lambda: page.findChild(kind) is not None)
    dialog = page.findChild(kind)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)  # keys reach it as they would a person's
    return dialog


def _history(qtbot: QtBot, page: StaffPage, count: int) -> list[str]:
    """The What and Detail of the history shown, newest first, once it has ``count`` rows."""
    qtbot.waitUntil(lambda: page.history.rowCount() == count)
    return [
        f"{page.history.item(row, 2).text()}: {page.history.item(row, 3).text()}"
        for row in range(count)
    ]


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def test_an_admin_adds_a_person_with_the_keyboard(qtbot: QtBot, admin_page: StaffPage) -> None:
    page = admin_page
    assert _column(page, "Name") == ["Ada Admin", "Ann Operator", "Bob Tech", "Mia Manager"]
    assert page.count_label.text() == "4 staff"
    qtbot.keyClick(page, Qt.Key.Key_A, ALT)
    dialog = _dialog(qtbot, page, AddStaffDialog)
    assert isinstance(dialog, AddStaffDialog)
    dialog.name_edit.setFocus()
    qtbot.keyClicks(dialog.name_edit, "Bea Brown")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.username_edit, "ann")  # taken
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.email_edit, "bea@example.org")
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Tab)
    assert dialog.role_combo.hasFocus()
    qtbot.keyClick(dialog.role_combo, Qt.Key.Key_Down)  # Operator -> Technician
    qtbot.keyClick(dialog.role_combo, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "usernameError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "'ann' is taken by Ann Operator" in error.text()
    assert dialog.isVisible() and dialog.name_edit.text() == "Bea Brown"  # nothing lost
    _shot(dialog, "staff-add-dialog")

    dialog.username_edit.selectAll()
    dialog.username_edit.setFocus()
    qtbot.keyClicks(dialog.username_edit, "bea")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Bea Brown" in _column(page, "Name"))
    bea = page.current()
    assert bea is not None and (bea.name, bea.role, bea.team) == (
        "Bea Brown",
        StaffRole.TECHNICIAN,
        "Service desk",
    )
    assert page.result_line.text() == "Added Bea Brown as Technician."
    assert _history(qtbot, page, 1) == ["Staff added: Added Bea Brown (bea) as Technician"]
    assert page.history_title.text() == "History of Bea Brown"


def test_enter_changes_a_role_and_the_history_shows_it(qtbot: QtBot, admin_page: StaffPage) -> None:
    page = admin_page
    _select(qtbot, page, "Ann Operator")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = _dialog(qtbot, page, RoleDialog)
    assert isinstance(dialog, RoleDialog)
    assert dialog.role_combo.currentText() == "Operator"
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("Manager"))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _column(page, "Role") == ["Manager"])
    assert page.result_line.text() == "Ann Operator's role is Manager."
    assert _history(qtbot, page, 1) == ["Role changed: Operator → Manager"]
    _shot(page, "staff-page-admin")


def test_demoting_the_last_admin_is_refused_in_the_dialog(
    qtbot: QtBot, admin_page: StaffPage
) -> None:
    page = admin_page
    _select(qtbot, page, "Ada Admin")
    qtbot.keyClick(page, Qt.Key.Key_R, ALT)
    dialog = _dialog(qtbot, page, RoleDialog)
    assert isinstance(dialog, RoleDialog)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("Operator"))
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.problem.isVisible)
    assert "would leave nobody who can manage staff" in dialog.problem.text()
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    assert _column(page, "Role") == ["Admin"]


def test_deactivate_asks_then_hides_the_person_until_shown(
    qtbot: QtBot, admin_page: StaffPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = admin_page
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    _select(qtbot, page, "Bob Tech")
    assert page.active_button.text() == "&Deactivate"
    qtbot.keyClick(page, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: bool(asked))
    assert asked[0].startswith("Deactivate Bob Tech?")
    qtbot.waitUntil(lambda: _column(page, "Name") == [])
    assert page.result_line.text() == "Bob Tech is deactivated."
    assert page.count_label.text() == "0 of 4"

    qtbot.keyClick(page, Qt.Key.Key_O, ALT)  # Show deactivated
    qtbot.waitUntil(page.deactivated_check.isChecked)
    qtbot.waitUntil(lambda: _column(page, "Status") == ["Deactivated"])
    page.focus_table()
    assert page.active_button.text() == "R&eactivate"
    assert _history(qtbot, page, 1) == ["Staff deactivated: Deactivated Bob Tech"]
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _column(page, "Status") == ["Active"])
    assert len(asked) == 1  # reactivating asks nothing


def test_a_password_is_typed_twice_and_lifts_a_lock(
    qtbot: QtBot, admin_page: StaffPage, context: AppContext
) -> None:
    page = admin_page
    _select(qtbot, page, "Ann Operator")
    assert _column(page, "Sign-in") == ["—"]
    qtbot.keyClick(page, Qt.Key.Key_P, ALT)
    dialog = _dialog(qtbot, page, PasswordDialog)
    assert isinstance(dialog, PasswordDialog)
    assert dialog.findChild(QLineEdit, "newPassword").echoMode() == QLineEdit.EchoMode.Password
    dialog.password_edit.setFocus()
    qtbot.keyClicks(dialog.password_edit, "short")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    password_error = dialog.findChild(QLabel, "passwordError")
    assert "use at least 10" in password_error.text() and password_error.isVisible()

    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, "correct horse battery")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.repeat_edit, "correct horse batery")
    qtbot.keyClick(dialog.repeat_edit, Qt.Key.Key_Return)
    repeat_error = dialog.findChild(QLabel, "repeatError")
    assert repeat_error.text() == "The two passwords differ; type the same password twice."
    assert not password_error.isVisible()

    dialog.repeat_edit.clear()
    qtbot.keyClicks(dialog.repeat_edit, "correct horse battery")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.repeat_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _column(page, "Sign-in") == ["Password set"])
    assert _history(qtbot, page, 1) == ["Password set: Password set for Ann Operator (ann)"]

    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInRefused):
            sign_in(context.engine, "ann", "guess", utcnow())
    page.refresh()
    qtbot.waitUntil(lambda: _column(page, "Sign-in")[0].startswith("Locked until "))
    assert _column(page, "Sign-in") == ["Locked until 10:15"]  # NOW is 10:00 in London


def test_a_refusal_from_the_service_is_shown_on_the_page(
    qtbot: QtBot,
    admin_page: StaffPage,
    context: AppContext,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page thinks Ada is an admin; meanwhile she is not any more."""
    page = admin_page
    change_role(context.engine, org.ada, org.mia, StaffRole.ADMIN)
    change_role(context.engine, org.mia, org.ada, StaffRole.OPERATOR)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    _select(qtbot, page, "Bob Tech")
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.problem_line.isVisible)
    assert page.problem_line.text() == refusal(Action.MANAGE_STAFF)
    assert not page.result_line.isVisible()


def test_an_operator_reads_the_directory_with_every_button_disabled(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = _page(qtbot, context)  # Ann the operator
    assert _column(page, "Role") == ["Admin", "Operator", "Technician", "Manager"]
    _select(qtbot, page, "Bob Tech")
    why = refusal(Action.MANAGE_STAFF)
    for button in (page.add_button, page.role_button, page.active_button, page.password_button):
        assert not button.isEnabled()
        assert button.toolTip() == why == "Only an admin can manage staff and roles."
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.keyClick(page, Qt.Key.Key_A, ALT)
    QApplication.processEvents()
    assert page.findChild(RoleDialog) is None and page.findChild(AddStaffDialog) is None
    assert not page.history.isVisible() and "shown to admins" in page.history_note.text()
    assert page.history_note.text().startswith("Only an admin can manage staff and roles.")
    _shot(page, "staff-page-operator")
    # The disabled buttons are a courtesy: the service refuses on its own.
    with pytest.raises(PermissionDenied, match="Only an admin"):
        change_role(context.engine, org.ann, org.bob, StaffRole.ADMIN)
    assert next(r for r in list_staff(context.engine) if r.id == org.bob).role == (
        StaffRole.TECHNICIAN
    )


def test_the_filter_matches_words_of_any_column_and_esc_clears_it(
    qtbot: QtBot, admin_page: StaffPage
) -> None:
    page = admin_page
    page.focus_filter()
    qtbot.keyClicks(page.filter_edit, "service OPERATOR")
    qtbot.waitUntil(lambda: _column(page, "Name") == ["Ann Operator"])
    assert page.count_label.text() == "1 of 4"
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.table.rowCount() == 4)


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_ctrl_4_opens_the_page_with_the_filter_focused(
    qtbot: QtBot, context: AppContext, org: Org, size: tuple[int, int]
) -> None:
    window = MainWindow(as_admin(context, org), page_options=QUIET)
    window.resize(*size)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    page = window.page("staff")
    assert isinstance(page, StaffPage) and page.objectName() == "staffView"
    qtbot.waitUntil(lambda: window.current_page() is page and page.table.rowCount() == 4)
    qtbot.waitUntil(page.filter_edit.hasFocus)
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    current = page.current()
    assert current is not None and current.name == "Ada Admin"
    qtbot.waitUntil(lambda: page.history.rowCount() == 0 and page.history_note.text() != "")
    for button in (page.add_button, page.role_button, page.password_button):
        assert button.isVisible() and button.width() >= button.sizeHint().width()
    _shot(window, f"staff-window-{size[0]}")
    dispose_window(window)
