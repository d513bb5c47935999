"""The training log page driven like a person: the matrix with its states and symbols, Enter
on a cell recording a completion, an operator recording their own for a manager to confirm,
a course added through its dialog with a mistake at its field, booking someone on a session,
importing completions from a CSV file, and the team and role filters."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.errors import SwitchboardError
from app.permissions import Action, refusal
from app.training.completions import completions_of, record_completion
from app.training.courses import CourseDraft, list_courses, save_course
from app.training.matrix import CellState
from app.training.sessions import SessionDraft, list_sessions, save_session
from models.enums import CompletionResult, StaffRole
from tests.conftest import Org, answer_questions, as_manager
from tests.test_caller_import_dialog import choose, counts, error_lines
from ui.kit.tasks import pending
from ui.training.completion_dialog import CompletionDialog
from ui.training.course_dialog import CourseDialog
from ui.training.import_dialog import TrainingImportDialog
from ui.training.matrix_model import StateRole
from ui.training.page import AWAITING_TAB, COURSES_TAB, TrainingPage
from ui.training.session_dialogs import BookDialog

pytestmark = pytest.mark.usefixtures("in_london")
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there
ALT = Qt.KeyboardModifier.AltModifier
PASSED = CompletionResult.PASSED


@dataclass(frozen=True)
class Courses:
    cabling: uuid.UUID  # the network team's, never expires
    desk: uuid.UUID  # operators', 12 months
    first_aid: uuid.UUID  # managers', 12 months
    phishing: uuid.UUID  # everyone's, 12 months


@pytest.fixture
def courses(engine: Engine, org: Org) -> Courses:
    """Four required courses; Ann's desk course runs out on 20 Dec (within 60 days of
    today, 24 Nov 2026), Bob holds the cabling course, Mia's first aid ran out in June, and
    nobody has done phishing awareness."""
    everyone = frozenset(StaffRole)
    found = Courses(
        save_course(engine, org.mia, CourseDraft("Cabling", required_team_ids={org.network})),
        save_course(
            engine,
            org.mia,
            CourseDraft("Desk basics", validity_months=12, required_roles={StaffRole.OPERATOR}),
        ),
        save_course(
            engine,
            org.mia,
            CourseDraft("First aid", validity_months=12, required_roles={StaffRole.MANAGER}),
        ),
        save_course(
            engine, org.mia, CourseDraft("Phishing", validity_months=12, required_roles=everyone)
        ),
    )
    for staff, course, day in (
        (org.ann, found.desk, date(2025, 12, 20)),
        (org.bob, found.cabling, date(2024, 5, 1)),
        (org.mia, found.first_aid, date(2025, 6, 1)),
    ):
        record_completion(engine, org.mia, staff, course, day, PASSED, "C-1")
    return found


def open_page(qtbot: QtBot, context: AppContext) -> TrainingPage:
    page = TrainingPage(context)
    qtbot.addWidget(page)
    page.resize(1000, 680)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and "(" in page.tabs.tabText(COURSES_TAB))
    return page


def grid(page: TrainingPage) -> dict[str, list[str]]:
    """Each row's name and its cells' symbols, as the matrix shows them."""
    model = page.model
    return {
        str(model.headerData(row, Qt.Orientation.Vertical)): [
            model.index(row, column).data() for column in range(model.columnCount())
        ]
        for row in range(model.rowCount())
    }


def columns(page: TrainingPage) -> list[str]:
    model = page.model
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def cell(page: TrainingPage, person: str, course: str) -> str:
    return grid(page)[person][columns(page).index(course)]


def go_to(qtbot: QtBot, page: TrainingPage, person: str, course: str) -> None:
    """Walk the matrix with the arrow keys to ``person``'s ``course`` cell."""
    page.matrix.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.matrix)
    row = list(grid(page)).index(person)
    column = columns(page).index(course)
    for key, count in ((Qt.Key.Key_Up, 10), (Qt.Key.Key_Left, 10)):
        for _ in range(count):
            qtbot.keyClick(page.matrix, key)
    for key, count in ((Qt.Key.Key_Down, row), (Qt.Key.Key_Right, column)):
        for _ in range(count):
            qtbot.keyClick(page.matrix, key)
    assert (page.matrix.currentIndex().row(), page.matrix.currentIndex().column()) == (
        row,
        column,
    )


def dialog_of(qtbot: QtBot, page: QWidget, kind: type[QWidget]) -> QWidget:
    qtbot.waitUntil(lambda: page.findChild(kind) is not None)
    dialog = page.findChild(kind)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def back_to(qtbot: QtBot, page: TrainingPage, widget: QWidget) -> None:
    """As the window manager does when a dialog closes: the page is active again."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_the_matrix_shows_each_state_with_its_symbol(
    qtbot: QtBot, qtmodeltester: object, context: AppContext, org: Org, courses: Courses
) -> None:
    page = open_page(qtbot, context)
    assert columns(page) == ["Cabling", "Desk basics", "First aid", "Phishing"]
    assert grid(page) == {
        "Ada Admin": ["", "", "", "○"],
        "Ann Operator": ["", "!", "", "○"],
        "Bob Tech": ["✓", "", "", "○"],
        "Mia Manager": ["", "", "✗", "○"],
    }
    model = page.model
    assert model.index(2, 0).data(StateRole) is CellState.VALID
    assert model.index(1, 3).data(StateRole) is CellState.MISSING
    tip = model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "Desk basics: expiring soon: last valid day Sun 20 Dec 2026, in 26 days" in tip
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole).endswith("not required.")
    # The legend gives every state's symbol and word, and the share held is counted.
    legend = page.legend.text()
    for state in CellState:
        assert state.value in legend and state.symbol in legend
    assert page.compliance.text() == "28% held: 2 of 7 required certifications"
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    # The selected person's completions, beside the matrix and in their row's tooltip.
    go_to(qtbot, page, "Ann Operator", "Phishing")
    qtbot.waitUntil(lambda: page.person_title.text() == "Completions of Ann Operator (1)")
    assert page.history.item(0).text().startswith("Desk basics\npassed Sat 20 Dec 2025")
    header_tip = model.headerData(1, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
    assert "Desk basics: passed Sat 20 Dec 2025, valid until Sun 20 Dec 2026 (C-1)" in header_tip
    page.matrix.viewport().grab()  # the delegate and the upright titles paint
    page.matrix.horizontalHeader().grab()
    shot(page, "training-matrix")


def test_enter_on_a_missing_cell_records_a_completion_and_the_cell_turns_valid(
    qtbot: QtBot, context: AppContext, org: Org, courses: Courses
) -> None:
    page = open_page(qtbot, as_manager(context, org))
    go_to(qtbot, page, "Bob Tech", "Phishing")
    assert cell(page, "Bob Tech", "Phishing") == "○"
    qtbot.keyClick(page.matrix, Qt.Key.Key_Return)
    dialog = dialog_of(qtbot, page, CompletionDialog)
    assert isinstance(dialog, CompletionDialog)
    assert dialog.date_edit.date().toPython() == date(2026, 11, 24)  # today by default
    assert "counts at once" in dialog.note.text()
    qtbot.keyClick(dialog, Qt.Key.Key_C, ALT)  # &Certificate
    qtbot.keyClicks(dialog.certificate_edit, "PH-77")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.certificate_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell(page, "Bob Tech", "Phishing") == "✓")
    assert page.outcome.result.text() == ("Recorded: Bob Tech passed Phishing on Tue 24 Nov 2026.")
    # The cell recorded stays selected, and Bob's completions now list it.
    assert page.model.index(page.matrix.currentIndex().row(), 0).row() == 2
    qtbot.waitUntil(lambda: page.person_title.text() == "Completions of Bob Tech (2)")
    [latest, _] = completions_of(context.engine, org.bob)
    assert (latest.course, latest.certificate, latest.confirmed) == ("Phishing", "PH-77", True)


def test_a_click_on_a_cell_records_and_an_expiring_certificate_is_renewed_from_its_list(
    qtbot: QtBot, context: AppContext, org: Org, courses: Courses
) -> None:
    page = open_page(qtbot, as_manager(context, org))
    assert page.tabs.tabText(0) == "E&xpiring soon (1)"
    assert page.expiring.table.item(0, 3).text() == "! in 26 days"
    qtbot.keyClick(page.matrix, Qt.Key.Key_X, ALT)  # E&xpiring soon
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.expiring.table)
    qtbot.keyClick(page.expiring.table, Qt.Key.Key_Return)
    dialog = dialog_of(qtbot, page, CompletionDialog)
    assert dialog.windowTitle() == "Record completion of Desk basics"
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell(page, "Ann Operator", "Desk basics") == "✓")
    qtbot.waitUntil(lambda: page.tabs.tabText(0) == "E&xpiring soon (0)")

    back_to(qtbot, page, page.matrix)
    index = page.model.find(org.mia, courses.phishing)
    rect = page.matrix.visualRect(index)
    qtbot.mouseClick(page.matrix.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = dialog_of(qtbot, page, CompletionDialog)
    assert dialog.windowTitle() == "Record completion of Phishing"
    assert dialog.person == "Mia Manager"
    dialog.reject()


def test_an_operator_records_their_own_and_a_manager_confirms_it(
    qtbot: QtBot, context: AppContext, org: Org, courses: Courses
) -> None:
    page = open_page(qtbot, context)  # Ann, an operator
    reason = refusal(Action.EDIT_TRAINING_LOG)
    assert reason in page.note.text() and page.note.isVisible()
    for button in (page.import_button, page.confirm_button, page.add_course_button):
        assert not button.isEnabled() and button.toolTip() == reason
    # Someone else's cell: refused, and said why.
    go_to(qtbot, page, "Bob Tech", "Phishing")
    qtbot.keyClick(page.matrix, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.outcome.problem.isVisible())
    assert page.outcome.problem.text().startswith(reason)
    assert page.findChild(CompletionDialog) is None
    # Her own: recorded, waiting for a manager.
    go_to(qtbot, page, "Ann Operator", "Phishing")
    qtbot.keyClick(page.matrix, Qt.Key.Key_Return)
    dialog = dialog_of(qtbot, page, CompletionDialog)
    assert "waits for a manager's confirmation" in dialog.note.text()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.tabs.tabText(AWAITING_TAB) == "A&waiting confirmation (1)")
    assert page.outcome.result.text().endswith("It counts once a manager confirms it.")
    assert cell(page, "Ann Operator", "Phishing") == "○"  # not counted yet
    shot(page, "training-operator")

    manager = open_page(qtbot, as_manager(context, org))
    qtbot.keyClick(manager.matrix, Qt.Key.Key_W, ALT)  # A&waiting confirmation
    qtbot.waitUntil(lambda: QApplication.focusWidget() is manager.awaiting.table)
    assert manager.awaiting.table.item(0, 0).text() == "Ann Operator"
    assert manager.confirm_button.isEnabled()
    qtbot.keyClick(manager.awaiting.table, Qt.Key.Key_R, ALT)  # Confi&rm
    qtbot.waitUntil(lambda: cell(manager, "Ann Operator", "Phishing") == "✓")
    # The lists are read again once the matrix is painted.
    qtbot.waitUntil(lambda: manager.tabs.tabText(AWAITING_TAB) == "A&waiting confirmation (0)")
    assert manager.outcome.result.text() == (
        "Confirmed: Ann Operator passed Phishing on Tue 24 Nov 2026."
    )


def test_a_course_added_through_its_dialog_keeps_a_mistake_at_its_field(
    qtbot: QtBot, context: AppContext, org: Org, courses: Courses
) -> None:
    page = open_page(qtbot, as_manager(context, org))
    qtbot.keyClick(page.matrix, Qt.Key.Key_U, ALT)  # Co&urses
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.courses.table)
    qtbot.keyClick(page.courses.table, Qt.Key.Key_A, ALT)  # &Add…
    dialog = dialog_of(qtbot, page, CourseDialog)
    assert isinstance(dialog, CourseDialog)
    assert QApplication.focusWidget() is dialog.name_edit
    qtbot.keyClicks(dialog.name_edit, "Fire warden")
    qtbot.keyClick(dialog, Qt.Key.Key_Q, ALT)  # Renewal re&quired, with no validity given
    qtbot.waitUntil(dialog.renewal_check.isChecked)
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)  # Required of &teams
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.teams_list)
    qtbot.keyClick(dialog.teams_list, Qt.Key.Key_End)  # Service desk, after Network
    qtbot.keyClick(dialog.teams_list, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "validity_monthsError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "must be renewed" in error.text()
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_V, ALT)  # &Valid for
    qtbot.keyClicks(dialog.validity_spin, "24")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.validity_spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Fire warden" in columns(page))
    assert page.outcome.result.text() == "Added course Fire warden."
    qtbot.waitUntil(  # the list of courses is read once the matrix is painted
        lambda: page.courses.current() is not None and page.courses.current().name == "Fire warden"
    )
    [fire] = [c for c in list_courses(context.engine) if c.name == "Fire warden"]
    assert (fire.validity_months, fire.required_of) == (24, "team Service desk")
    assert cell(page, "Ann Operator", "Fire warden") == "○"


def test_a_manager_books_someone_on_a_session_takes_them_off_and_cancels_it(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    courses: Courses,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    phishing = SessionDraft(courses.phishing, org.hq, date(2026, 12, 1), "09:00", "12:30")
    session_id = save_session(context.engine, org.mia, phishing)
    desk = SessionDraft(courses.desk, org.branch, date(2026, 12, 8), "9:00", "17:00", capacity=2)
    save_session(context.engine, org.mia, desk)
    page = open_page(qtbot, as_manager(context, org))
    qtbot.keyClick(page.matrix, Qt.Key.Key_O, ALT)  # Sessi&ons
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.sessions.table)
    table = page.sessions.table
    assert [table.item(0, c).text() for c in range(5)] == [
        "Tue 01 Dec 2026",
        "09:00-12:30",
        "Phishing",
        "HQ",
        "0 booked (no limit)",
    ]
    assert table.item(1, 4).text() == "0 of 2 booked"
    qtbot.keyClick(table, Qt.Key.Key_B, ALT)  # &Book…
    dialog = dialog_of(qtbot, page, BookDialog)
    assert isinstance(dialog, BookDialog)
    qtbot.keyClicks(dialog.find_edit, "bob")
    assert dialog.chosen() is not None and dialog.chosen().label == "Bob Tech"
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.attendees.count() == 1)
    assert page.attendees.item(0).text() == "Bob Tech"
    assert table.item(0, 4).text() == "1 booked (no limit)"
    assert page.outcome.result.text().startswith("Booked Bob Tech on Phishing")
    [booked] = [s for s in list_sessions(context.engine) if s.id == session_id]
    assert [a.name for a in booked.attendees] == ["Bob Tech"]

    back_to(qtbot, page, page.attendees)
    qtbot.keyClick(page.attendees, Qt.Key.Key_Down)
    qtbot.waitUntil(page.unbook_button.isEnabled)
    qtbot.keyClick(page.attendees, Qt.Key.Key_K, ALT)  # Unboo&k
    qtbot.waitUntil(lambda: table.item(0, 4).text() == "0 booked (no limit)")
    assert page.attendees.count() == 0
    assert page.outcome.result.text().startswith("Took Bob Tech off Phishing")

    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    back_to(qtbot, page, table)
    qtbot.keyClick(table, Qt.Key.Key_N, ALT)  # Ca&ncel session
    qtbot.waitUntil(lambda: table.rowCount() == 1)
    assert asked == ["Cancel the session of Phishing on Tue 01 Dec 2026, 09:00-12:30 at HQ?"]
    assert table.item(0, 2).text() == "Desk basics"
    assert session_id not in {s.id for s in list_sessions(context.engine)}


def test_the_import_dialog_previews_and_imports_a_small_csv(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    courses: Courses,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "lms.csv"
    path.write_text(
        "Learner,Course title,Completion date,Status,Certificate number\n"
        "bob,Phishing,2026-11-02,Completed,PH-1\n"
        "ann,phishing,2026-10-15,Failed,\n"
        "Mia Manager,Knitting,2026-10-01,Completed,\n"
        "ann,Desk basics,2025-12-20,Passed,C-1\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(path), "CSV files"))
    )
    page = open_page(qtbot, as_manager(context, org))
    qtbot.keyClick(page.matrix, Qt.Key.Key_I, ALT)  # &Import completions…
    dialog = dialog_of(qtbot, page, TrainingImportDialog)
    assert isinstance(dialog, TrainingImportDialog)
    assert dialog.objectName() == "completionImportDialog"
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.import_button.isEnabled())
    assert counts(dialog)[0] == "2 to create" and counts(dialog)[2] == "1 unchanged"
    assert not dialog.count_update.isVisible()
    assert error_lines(dialog) == [
        "Line 4: no course is called 'Knitting'; add it to the training log first"
    ]
    assert [dialog.changes.item(0, c).text() for c in range(4)] == [
        "2",
        "New",
        "Bob Tech",
        "Phishing: passed Mon 02 Nov 2026, certificate PH-1",
    ]
    assert cell(page, "Bob Tech", "Phishing") == "○"  # the preview wrote nothing
    with qtbot.waitSignal(dialog.importFinished):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.result_label.text() == (
        "Imported: 2 completions added, 1 recorded already, 1 row skipped; 0 skills added or "
        "raised."
    )
    qtbot.waitUntil(lambda: cell(page, "Bob Tech", "Phishing") == "✓")
    assert cell(page, "Ann Operator", "Phishing") == "○"  # she failed it
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(TrainingImportDialog) is None)


def test_the_team_and_role_filters_narrow_the_matrix(
    qtbot: QtBot, context: AppContext, org: Org, courses: Courses
) -> None:
    page = open_page(qtbot, context)
    qtbot.keyClick(page.matrix, Qt.Key.Key_M, ALT)  # Tea&m
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.team_combo)
    choose(qtbot, page.team_combo, "Network")
    qtbot.waitUntil(lambda: list(grid(page)) == ["Bob Tech"])
    assert columns(page) == ["Cabling", "Phishing"]  # only what the people shown must hold
    assert page.compliance.text() == "50% held: 1 of 2 required certifications"
    choose(qtbot, page.team_combo, "All teams")
    qtbot.keyClick(page.team_combo, Qt.Key.Key_L, ALT)  # Ro&le
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.role_combo)
    choose(qtbot, page.role_combo, "Managers")
    qtbot.waitUntil(lambda: list(grid(page)) == ["Mia Manager"])
    assert columns(page) == ["First aid", "Phishing"]
    choose(qtbot, page.team_combo, "Service desk")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert page.compliance.text() == "Nobody active matches the filters."
    assert page.person_title.text() == "Choose a cell to read the person's completions."


def test_the_page_fits_the_smallest_window(
    qtbot: QtBot, context: AppContext, org: Org, courses: Courses
) -> None:
    page = open_page(qtbot, as_manager(context, org))
    assert page.minimumSizeHint().width() <= 1024 - 140  # beside the navigation
    assert page.minimumSizeHint().height() <= 700 - 60  # under the menus, over the status


def test_a_matrix_that_cannot_be_read_is_said_and_the_lists_are_read_all_the_same(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    courses: Courses,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = open_page(qtbot, as_manager(context, org))
    assert page.tabs.tabText(COURSES_TAB) == "Co&urses (4)"

    def unreadable(*_args: object, **_kwargs: object) -> None:
        raise SwitchboardError("The database is busy; try again in a moment.")

    monkeypatch.setattr("ui.training.page.training_matrix", unreadable)
    save_course(context.engine, org.mia, CourseDraft("Fire warden"))
    page.refresh()  # F5
    qtbot.waitUntil(lambda: page.outcome.problem.isVisible())
    assert page.outcome.problem.text() == "The database is busy; try again in a moment."
    qtbot.waitUntil(lambda: page.tabs.tabText(COURSES_TAB) == "Co&urses (5)")


@pytest.mark.usefixtures("courses")
def test_a_page_closed_before_its_matrix_is_painted_reads_no_lists(
    qtbot: QtBot, context: AppContext
) -> None:
    page = open_page(qtbot, context)
    qtbot.waitUntil(lambda: pending() == 0)
    page.refresh()
    qtbot.waitUntil(page._lists_later.isActive)  # the matrix is in: the lists come next
    page.close()  # left (or its database closed) before they were asked for
    page._lists_later.timeout.emit()
    assert pending() == 0  # nothing read for a page nobody sees
