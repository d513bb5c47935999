"""The Staff page driven as an admin (adding someone through the dialog with keys, changing
a role, deactivating, setting a password, refusals shown in place, the history), as a
manager (a person's phone, home site, hours, teams and skills through the details dialog,
by keys, mistakes at their fields) and as an operator (the directory readable and searched,
every button disabled with the reason), and the page in the window (Ctrl+4)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.errors import PermissionDenied
from app.permissions import Action, refusal
from app.sign_in import MAX_FAILURES, SignInRefused, sign_in
from app.staff import StaffDetails, change_role, deactivate, list_staff, save_staff_details
from app.training.skills import save_skill, set_staff_skills, staff_skills
from models.clock import utcnow
from models.enums import StaffRole
from tests.conftest import (
    QUIET,
    InlinePool,
    Org,
    answer_questions,
    as_admin,
    as_manager,
    dispose_window,
    drain_tasks,
)
from ui.kit.widgets import MUTED
from ui.kit.write_dialog import WriteDialog
from ui.settings.staff_dialogs import AddStaffDialog, DetailsDialog, PasswordDialog, RoleDialog
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


@pytest.fixture
def manager_page(qtbot: QtBot, context: AppContext, org: Org) -> StaffPage:
    return _page(qtbot, as_manager(context, org))


def _column(page: StaffPage, title: str) -> list[str]:
    column = HEADERS.index(title)
    return [page.table.item(row, column).text() for row in range(page.table.rowCount())]


def _cell(page: StaffPage, name: str, title: str) -> str:
    """The text of column ``title`` in the row of ``name`` (as shown, "(inactive)" and all)."""
    return page.table.item(_column(page, "Name").index(name), HEADERS.index(title)).text()


def _skills(context: AppContext, org: Org) -> dict[str, uuid.UUID]:
    """Three skills on the list, by name."""
    return {
        name: save_skill(context.engine, org.mia, name)
        for name in ("Networking", "Printers", "Windows")
    }


def _bob_in_detail(context: AppContext, org: Org) -> None:
    """Bob: a London phone, based at HQ, 37.5 hours, in both teams, two skills."""
    skills = _skills(context, org)
    details = StaffDetails("020 7946 0018", org.hq, 2250, frozenset({org.network, org.desk}))
    save_staff_details(context.engine, org.mia, org.bob, details)
    set_staff_skills(
        context.engine, org.mia, org.bob, {skills["Networking"]: 3, skills["Printers"]: 1}
    )


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
    assert page.count_label.text() == "0 found"

    qtbot.keyClick(page, Qt.Key.Key_O, ALT)  # Show inactive
    qtbot.waitUntil(page.inactive_check.isChecked)
    qtbot.waitUntil(lambda: _column(page, "Name") == ["Bob Tech (inactive)"])
    greyed = page.table.item(0, HEADERS.index("Role")).foreground().color().name()
    assert greyed == MUTED
    page.focus_table()
    assert page.active_button.text() == "R&eactivate"
    assert _history(qtbot, page, 1) == ["Staff deactivated: Deactivated Bob Tech"]
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _column(page, "Name") == ["Bob Tech"])
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


def test_the_directory_shows_and_searches_phones_sites_teams_hours_and_skills(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    _bob_in_detail(context, org)
    page = _page(qtbot, context)  # Ann the operator: everyone reads the directory
    assert _cell(page, "Bob Tech", "Teams") == "Network, Service desk"
    assert _cell(page, "Bob Tech", "Home site") == "HQ"
    assert _cell(page, "Bob Tech", "Phone") == "+44 20 7946 0018"  # saved to be rung anywhere
    assert _cell(page, "Bob Tech", "Hours") == "37.5"
    assert _cell(page, "Bob Tech", "Skills") == "Networking 3, Printers 1"
    skills = page.table.item(_column(page, "Name").index("Bob Tech"), HEADERS.index("Skills"))
    assert skills.toolTip() == "Networking 3 (expert), Printers 1 (basic)"
    assert _cell(page, "Ann Operator", "Phone") == "—"

    page.focus_filter()
    for typed in ("020 7946 0018", "networking", "SERVICE bob"):  # a number however written
        qtbot.keyClicks(page.filter_edit, typed)
        qtbot.waitUntil(lambda: _column(page, "Name") == ["Bob Tech"])
        assert page.count_label.text() == "1 found"
        qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: page.table.rowCount() == 4)
        assert page.count_label.text() == "4 staff"

    deactivate(context.engine, org.ada, org.bob)
    qtbot.keyClicks(page.filter_edit, "networking")
    qtbot.waitUntil(lambda: page.count_label.text() == "0 found")
    page.inactive_check.setChecked(True)
    qtbot.waitUntil(lambda: _column(page, "Name") == ["Bob Tech (inactive)"])


def test_a_search_answered_late_never_replaces_the_newest(
    qtbot: QtBot, admin_page: StaffPage, tasks: InlinePool
) -> None:
    """The search for "ann" is held back until "bob" has been answered and shown; when it
    arrives late, it is dropped. Each search goes out once the typing pauses."""
    page = admin_page
    page.focus_filter()
    with tasks.holding():
        qtbot.keyClicks(page.filter_edit, "ann")
        qtbot.waitUntil(lambda: len(tasks.held) == 1)  # one search for three keys
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
    qtbot.keyClicks(page.filter_edit, "bob")
    qtbot.waitUntil(lambda: _column(page, "Name") == ["Bob Tech"])
    tasks.run_held()  # the answer for "ann" arrives now
    drain_tasks()
    assert _column(page, "Name") == ["Bob Tech"]


def test_a_manager_keeps_a_persons_details_by_keys(
    qtbot: QtBot, manager_page: StaffPage, context: AppContext, org: Org
) -> None:
    skills = _skills(context, org)
    page = manager_page
    assert page.history_note.text().startswith("Only an admin can manage staff and roles.")
    _select(qtbot, page, "Ann Operator")
    assert page.details_button.isEnabled() and not page.role_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # a manager's Enter: the details
    dialog = _dialog(qtbot, page, DetailsDialog)
    assert isinstance(dialog, DetailsDialog)
    assert dialog.windowTitle() == "Details of Ann Operator"
    assert dialog.phone_edit.hasFocus()
    qtbot.keyClicks(dialog.phone_edit, "12")  # too short, found by the service
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Tab)
    assert dialog.site_combo.hasFocus()
    qtbot.keyClicks(dialog.site_combo, "N")  # NY · New York
    qtbot.keyClick(dialog.site_combo, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.hours_edit, "lots")
    qtbot.keyClick(dialog.hours_edit, Qt.Key.Key_Tab)
    assert dialog.teams_list.hasFocus()
    assert dialog.teams_list.currentItem().text() == "Network"
    qtbot.keyClick(dialog.teams_list, Qt.Key.Key_Space)  # joins Network
    qtbot.keyClick(dialog.teams_list, Qt.Key.Key_Tab)
    networking = dialog.level_combos[skills["Networking"]]
    assert networking.hasFocus() and networking.accessibleName() == "Networking level"
    qtbot.keyClicks(networking, "2")
    qtbot.keyClick(networking, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.level_combos[skills["Printers"]], "3")
    qtbot.keyClick(dialog.level_combos[skills["Printers"]], Qt.Key.Key_Return)

    hours_error = dialog.findChild(QLabel, "hoursError")
    assert hours_error.isVisible() and "'lots' is no number of hours" in hours_error.text()
    assert staff_skills(context.engine, org.ann) == []  # nothing written
    _shot(dialog, "staff-details-dialog")
    dialog.hours_edit.selectAll()
    dialog.hours_edit.setFocus()
    qtbot.keyClicks(dialog.hours_edit, "37:30")
    qtbot.keyClick(dialog.hours_edit, Qt.Key.Key_Return)
    phone_error = dialog.findChild(QLabel, "phoneError")
    qtbot.waitUntil(phone_error.isVisible)
    assert "at least three digits" in phone_error.text() and not hours_error.isVisible()
    assert dialog.isVisible() and staff_skills(context.engine, org.ann) == []

    dialog.phone_edit.selectAll()
    dialog.phone_edit.setFocus()
    qtbot.keyClicks(dialog.phone_edit, "212 555 0100")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _column(page, "Phone") == ["+1 212-555-0100"])  # read as in NY
    assert page.result_line.text() == "Saved the details of Ann Operator."
    assert [_cell(page, "Ann Operator", title) for title in ("Home site", "Hours", "Teams")] == [
        "NY",
        "37.5",
        "Network",
    ]
    assert _cell(page, "Ann Operator", "Skills") == "Networking 2, Printers 3"
    current = page.current()
    assert current is not None and current.name == "Ann Operator"


def test_the_details_dialog_opens_with_what_is_saved_and_takes_a_skill_away(
    qtbot: QtBot, manager_page: StaffPage, context: AppContext, org: Org
) -> None:
    _bob_in_detail(context, org)
    page = manager_page
    page.refresh()
    _select(qtbot, page, "Bob Tech")
    qtbot.keyClick(page, Qt.Key.Key_I, ALT)
    dialog = _dialog(qtbot, page, DetailsDialog)
    assert isinstance(dialog, DetailsDialog)
    assert dialog.phone_edit.text() == "+44 20 7946 0018"
    assert dialog.site_combo.currentText() == "HQ · Head office"
    assert dialog.hours_edit.text() == "37.5"
    ticked = [
        dialog.teams_list.item(n).text()
        for n in range(dialog.teams_list.count())
        if dialog.teams_list.item(n).checkState() == Qt.CheckState.Checked
    ]
    assert ticked == ["Network (home team)", "Service desk"]
    levels = {combo.accessibleName(): combo.currentText() for combo in dialog.level_combos.values()}
    assert levels == {
        "Networking level": "3 · expert",
        "Printers level": "1 · basic",
        "Windows level": "—",
    }
    printers = next(
        c for c in dialog.findChildren(QComboBox) if c.accessibleName() == "Printers level"
    )
    printers.setFocus()
    qtbot.keyClick(printers, Qt.Key.Key_Home)  # none
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _cell(page, "Bob Tech", "Skills") == "Networking 3")
    assert [s.name for s in staff_skills(context.engine, org.bob)] == ["Networking"]


def test_an_operator_may_not_open_the_details(qtbot: QtBot, context: AppContext, org: Org) -> None:
    page = _page(qtbot, context)  # Ann the operator
    _select(qtbot, page, "Bob Tech")
    why = refusal(Action.EDIT_STAFF_DETAILS)
    assert why == "Only a manager or an admin can edit staff phones, home sites, hours and skills."
    assert not page.details_button.isEnabled() and page.details_button.toolTip() == why
    assert why in page.history_note.text()  # said in words, not only in a tooltip
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.keyClick(page, Qt.Key.Key_I, ALT)
    QApplication.processEvents()
    assert page.findChild(DetailsDialog) is None


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_ctrl_4_opens_the_page_with_the_filter_focused(
    qtbot: QtBot, context: AppContext, org: Org, size: tuple[int, int]
) -> None:
    _bob_in_detail(context, org)
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
