"""The roster page driven as a manager: arrows and Enter add a shift through the dialog, a
letter adds that type, Enter changes a shift (a mistake stays at its field), Delete asks
first, Ctrl+C / Ctrl+V copy a day, a drag moves (Ctrl copies), the week steps by keys and
buttons (the old week stays until the new one arrives), the filters, copying a week, a
conflict listed and marked on its cell, a gap in the desk cover listed; and as a technician,
who reads the roster but changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.permissions import Action, refusal
from app.roster.coverage import Band, set_coverage_bands
from tests.conftest import InlinePool, Org, answer_questions, as_manager
from tests.test_roster_shifts import add_shift, shifts_of
from ui.kit.widgets import RED
from ui.roster.model import Role
from ui.roster.page import RosterPage
from ui.roster.shift_dialog import ShiftDialog

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
MONDAY = date(2026, 11, 23)  # the week of the tests' "now", Tue 24 Nov 2026
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 3))
NAMES = ["Ada Admin", "Ann Operator", "Bob Tech", "Mia Manager"]  # the rows, by name


def open_page(qtbot: QtBot, context: AppContext) -> RosterPage:
    page = RosterPage(context)
    qtbot.addWidget(page)
    page.resize(1000, 650)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    with qtbot.waitSignal(page.reader.read_ahead):  # and the weeks either side of it
        page.shown()
    qtbot.waitUntil(lambda: page.model.week is not None and page.site_combo.count() == 3)
    return page


@pytest.fixture
def page(qtbot: QtBot, context: AppContext, org: Org, in_london: None) -> RosterPage:
    return open_page(qtbot, as_manager(context, org))


def at(page: RosterPage, staff_id: uuid.UUID, day: date) -> QModelIndex:
    index = page.model.index_of(staff_id, day)
    assert index.isValid()
    return index


def said(page: RosterPage, staff_id: uuid.UUID, day: date) -> str:
    """What the cell says: its shifts, a line each."""
    return str(at(page, staff_id, day).data())


def dialog_of(qtbot: QtBot, page: RosterPage) -> ShiftDialog:
    qtbot.waitUntil(lambda: page.findChild(ShiftDialog) is not None)
    dialog = page.findChild(ShiftDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)  # keys reach it as they would a person's
    return dialog


def back_to_grid(qtbot: QtBot, page: RosterPage) -> None:
    """The dialog closed: the page is active again (as the window manager makes it) and the
    grid has the keyboard."""
    qtbot.waitUntil(
        lambda: page.findChild(ShiftDialog) is None or not page.findChild(ShiftDialog).isVisible()
    )
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.grid)


def reread(qtbot: QtBot, page: RosterPage) -> None:
    """F5: the week as the database has it now (shifts written by the tests' services)."""
    before = page.model.week
    page.refresh()
    qtbot.waitUntil(lambda: page.model.week is not before)


def test_arrows_and_enter_add_a_shift_through_the_dialog(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    grid = page.grid
    assert [
        page.model.headerData(r, Qt.Orientation.Vertical).split("\n")[0] for r in range(4)
    ] == NAMES
    assert page.model.headerData(1, Qt.Orientation.Horizontal) == "Tue · today\n24 Nov"
    assert page.week_label.text() == "Week 48: 23 Nov – 29 Nov 2026"
    assert QApplication.focusWidget() is grid
    assert grid.currentIndex() == at(page, org.ada, MONDAY)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.currentIndex() == at(page, org.bob, TUESDAY)

    qtbot.keyClick(grid, Qt.Key.Key_Return)  # an empty day: a new shift
    dialog = dialog_of(qtbot, page)
    assert dialog.findChild(QLabel, "shiftFor").text() == "Bob Tech, Tue 24 Nov"
    assert dialog.confirm.text() == "&Add"
    assert QApplication.focusWidget() is dialog.type_combo
    assert dialog.type_combo.currentText() == "Desk early"
    assert not dialog.type_combo.itemIcon(0).isNull()  # each type with its look
    assert (dialog.starts_edit.text(), dialog.ends_edit.text()) == ("07:00", "15:00")
    qtbot.keyClick(dialog.type_combo, Qt.Key.Key_Down)  # another type: its usual hours
    assert dialog.type_combo.currentText() == "Desk late"
    assert (dialog.starts_edit.text(), dialog.ends_edit.text()) == ("11:00", "19:00")
    assert dialog.site_combo.currentText() == "HQ — Head office"
    qtbot.keyClick(dialog, Qt.Key.Key_N, ALT)  # &Note
    qtbot.keyClicks(dialog.note_edit, "covers Ann")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: said(page, org.bob, TUESDAY) == "Desk late 11:00-19:00 at HQ")
    assert page.outcome.result.text() == (
        "Added Bob Tech: Desk late Tue 24 Nov 11:00-19:00 at HQ (covers Ann)."
    )
    assert grid.currentIndex() == at(page, org.bob, TUESDAY)
    [shift] = shifts_of(context.engine, org.bob)
    assert shift.note == "covers Ann"


def test_a_letter_adds_its_type_and_enter_changes_a_shift_with_a_mistake_at_its_field(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    reread(qtbot, page)
    page.select_cell(org.bob, TUESDAY)

    qtbot.keyClicks(page.grid, "o")  # a letter: a new shift of the type it starts
    dialog = dialog_of(qtbot, page)
    assert dialog.type_combo.currentText() == "On call"
    assert (dialog.starts_edit.text(), dialog.ends_edit.text()) == ("17:00", "08:00")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.type_combo, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            said(page, org.bob, TUESDAY)
            == "Desk early 07:00-15:00 at HQ\nOn call 17:00-08:00 at HQ"
        )
    )
    back_to_grid(qtbot, page)

    qtbot.keyClick(page.grid, Qt.Key.Key_Return)  # the day's first shift, to change
    dialog = dialog_of(qtbot, page)
    assert dialog.confirm.text() == "&Save"
    assert dialog.shift_combo is not None and dialog.shift_combo.count() == 2
    assert dialog.type_combo.currentText() == "Desk early"
    qtbot.keyClick(dialog, Qt.Key.Key_E, ALT)  # &Ends
    dialog.ends_edit.selectAll()
    qtbot.keyClicks(dialog.ends_edit, "25:00")
    qtbot.keyClick(dialog.ends_edit, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "endsError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "HH:MM" in error.text()
    dialog.ends_edit.selectAll()
    qtbot.keyClicks(dialog.ends_edit, "16:00")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.ends_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            said(page, org.bob, TUESDAY)
            == "Desk early 07:00-16:00 at HQ\nOn call 17:00-08:00 at HQ"
        )
    )
    assert page.outcome.result.text() == "Saved Bob Tech: Desk early Tue 24 Nov 07:00-16:00 at HQ."


def test_add_another_turns_the_dialog_into_a_new_shift_on_the_day(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    add_shift(context.engine, org, org.ann, "Desk early", WEDNESDAY, "07:00", "15:00")
    reread(qtbot, page)
    page.select_cell(org.ann, WEDNESDAY)
    qtbot.keyClick(page.grid, Qt.Key.Key_Return)
    dialog = dialog_of(qtbot, page)
    assert dialog.shift_combo is None  # one shift: nothing to choose
    qtbot.keyClick(dialog, Qt.Key.Key_O, ALT)  # Add an&other
    qtbot.waitUntil(lambda: dialog.confirm.text() == "&Add")
    assert dialog.windowTitle() == "Add shift: Ann Operator, Wed 25 Nov"
    qtbot.keyClicks(dialog.type_combo, "Tr")  # Training
    assert (dialog.starts_edit.text(), dialog.ends_edit.text()) == ("09:00", "17:00")
    dialog.starts_edit.selectAll()
    qtbot.keyClicks(dialog.starts_edit, "16:00")
    dialog.ends_edit.selectAll()
    qtbot.keyClicks(dialog.ends_edit, "18:00")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.ends_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            said(page, org.ann, WEDNESDAY)
            == "Desk early 07:00-15:00 at HQ\nTraining 16:00-18:00 at HQ"
        )
    )


def test_delete_removes_a_days_shifts_only_once_the_person_says_yes(
    qtbot: QtBot,
    page: RosterPage,
    context: AppContext,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    add_shift(context.engine, org, org.bob, "On call", TUESDAY, "17:00", "08:00")
    reread(qtbot, page)
    page.select_cell(org.bob, TUESDAY)

    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.No)
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert asked == [
        "Remove 2 shifts of Bob Tech, Tue 24 Nov?\n\n"
        "Desk early Tue 24 Nov 07:00-15:00 at HQ\nOn call Tue 24 Nov 17:00-08:00 at HQ"
    ]
    assert len(shifts_of(context.engine, org.bob)) == 2

    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: said(page, org.bob, TUESDAY) == "")
    assert shifts_of(context.engine, org.bob) == []
    assert page.outcome.result.text() == "Removed 2 shifts of Bob Tech, Tue 24 Nov."
    assert not page.remove_button.isEnabled()  # nothing left to remove there


def test_ctrl_c_and_ctrl_v_copy_a_days_shifts_to_another_person(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    add_shift(context.engine, org, org.bob, "Desk late", TUESDAY, "11:00", "19:00")
    reread(qtbot, page)
    page.select_cell(org.bob, TUESDAY)
    grid = page.grid

    qtbot.keyClick(grid, Qt.Key.Key_V, CTRL)  # nothing copied yet
    assert page.outcome.problem.text() == "Copy a day's shifts first (Ctrl+C), then paste them."
    qtbot.keyClick(grid, Qt.Key.Key_C, CTRL)
    assert page.outcome.result.text().startswith("Copied 1 shift of Bob Tech, Tue 24 Nov")
    assert QApplication.clipboard().text() == "Desk late Tue 24 Nov 11:00-19:00 at HQ"
    qtbot.keyClick(grid, Qt.Key.Key_Down)  # Mia
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # Wednesday
    qtbot.keyClick(grid, Qt.Key.Key_V, CTRL)
    qtbot.waitUntil(lambda: said(page, org.mia, WEDNESDAY) == "Desk late 11:00-19:00 at HQ")
    assert said(page, org.bob, TUESDAY) == "Desk late 11:00-19:00 at HQ"  # still there
    assert page.outcome.result.text() == (
        "Copied 1 shift of Bob Tech, Tue 24 Nov to Mia Manager, Wed 25 Nov."
    )


def drag(
    qtbot: QtBot, page: RosterPage, source: QModelIndex, target: QModelIndex, *, copy: bool
) -> None:
    """A drag with the mouse from ``source`` to ``target`` (Ctrl held: a copy). The press is
    a real one; the offscreen platform runs no drag loop, so what the view's drag would
    carry (the model's data for the selected day) is brought to the target as the drag's
    enter, move and drop events."""
    grid, viewport = page.grid, page.grid.viewport()
    window = grid.window().windowHandle()
    start = viewport.mapTo(grid.window(), grid.visualRect(source).center())
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert grid.currentIndex() == source
    data = page.model.mimeData(grid.selectedIndexes())
    point = QPointF(grid.visualRect(target).center())
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    keys = CTRL if copy else Qt.KeyboardModifier.NoModifier
    button = Qt.MouseButton.LeftButton
    for event in (
        QDragEnterEvent(point.toPoint(), actions, data, button, keys),
        QDragMoveEvent(point.toPoint(), actions, data, button, keys),
    ):
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted()
    drop = QDropEvent(point, actions, data, button, keys, QEvent.Type.Drop)
    drop.setDropAction(Qt.DropAction.CopyAction if copy else Qt.DropAction.MoveAction)
    QApplication.sendEvent(viewport, drop)


def test_dragging_a_day_moves_its_shift_and_ctrl_copies_it(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    reread(qtbot, page)
    drag(qtbot, page, at(page, org.bob, TUESDAY), at(page, org.ann, THURSDAY), copy=False)
    qtbot.waitUntil(lambda: said(page, org.ann, THURSDAY) == "Desk early 07:00-15:00 at HQ")
    assert said(page, org.bob, TUESDAY) == ""
    assert page.outcome.result.text() == (
        "Moved 1 shift of Bob Tech, Tue 24 Nov to Ann Operator, Thu 26 Nov."
    )
    assert page.grid.currentIndex() == at(page, org.ann, THURSDAY)
    [moved] = shifts_of(context.engine, org.ann)
    assert shifts_of(context.engine, org.bob) == []

    drag(qtbot, page, at(page, org.ann, THURSDAY), at(page, org.ann, WEDNESDAY), copy=True)
    qtbot.waitUntil(lambda: said(page, org.ann, WEDNESDAY) == "Desk early 07:00-15:00 at HQ")
    assert said(page, org.ann, THURSDAY) == "Desk early 07:00-15:00 at HQ"
    assert moved.id in {s.id for s in shifts_of(context.engine, org.ann)}


def test_the_week_steps_by_keys_and_buttons_and_the_old_week_stays_until_the_new_arrives(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org, tasks: InlinePool
) -> None:
    add_shift(context.engine, org, org.bob, "On call", MONDAY + timedelta(days=7), "17:00", "08:00")
    grid = page.grid
    with tasks.holding():
        qtbot.keyClick(grid, Qt.Key.Key_PageDown)  # read ahead with this week: shown at once
        assert page.model.week is not None
        assert page.model.week.monday == MONDAY + timedelta(days=7)
        assert page.week_label.text() == "Week 49: 30 Nov – 6 Dec 2026"
        qtbot.keyClick(grid, Qt.Key.Key_PageDown)  # not read yet
    assert page.model.week.monday == MONDAY + timedelta(days=7)  # still shown
    assert page.date_edit.date().toPython() == MONDAY + timedelta(days=14)  # asked for
    tasks.run_held()  # the first answer is stale: only the newest week is shown
    qtbot.waitUntil(lambda: page.model.week.monday == MONDAY + timedelta(days=14))
    assert page.week_label.text() == "Week 50: 7 Dec – 13 Dec 2026"
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Mon\n7 Dec"

    # The week before was read ahead when the page opened, before Bob's on-call shift was
    # added: shown at once as it was read, then as the database has it now.
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert page.model.week.monday == MONDAY + timedelta(days=7)
    qtbot.waitUntil(
        lambda: said(page, org.bob, MONDAY + timedelta(days=7)) == "On call 17:00-08:00 at HQ"
    )
    qtbot.keyClick(grid, Qt.Key.Key_Home)  # this week
    qtbot.waitUntil(lambda: page.model.week.monday == MONDAY)
    qtbot.keyClick(grid, Qt.Key.Key_X, ALT)  # Ne&xt
    qtbot.waitUntil(lambda: page.model.week.monday == MONDAY + timedelta(days=7))
    qtbot.keyClick(grid, Qt.Key.Key_P, ALT)  # &Previous
    qtbot.waitUntil(lambda: page.model.week.monday == MONDAY)

    qtbot.keyClick(grid, Qt.Key.Key_G, ALT)  # &Go to: a day of the week wanted
    assert QApplication.focusWidget() is page.date_edit
    page.date_edit.setDate(date(2027, 1, 14))  # a Thursday
    qtbot.waitUntil(lambda: page.model.week.monday == date(2027, 1, 11))
    assert page.week_label.text() == "Week 2: 11 Jan – 17 Jan 2027"


def test_a_week_asked_for_earlier_never_replaces_one_shown_from_memory(
    qtbot: QtBot, page: RosterPage, tasks: InlinePool
) -> None:
    with tasks.holding():
        page.date_edit.setDate(date(2027, 1, 14))  # Go to a week not read yet...
        qtbot.keyClick(page.grid, Qt.Key.Key_Home)  # ...then back to this week, kept in memory
        assert page.model.week is not None and page.model.week.monday == MONDAY
    shown: list[date] = []
    page.reader.arrived.connect(lambda _key, week: shown.append(week.monday))
    # The answer for January comes late; this week is read again once painted.
    with qtbot.waitSignal(page.reader.read_ahead):
        tasks.run_held()
    assert date(2027, 1, 11) not in shown  # not even for a moment
    assert page.model.week.monday == MONDAY
    assert page.date_edit.date().toPython() == MONDAY


def test_the_team_and_site_filters_narrow_the_people_and_the_cover(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    add_shift(
        context.engine, org, org.ann, "Desk early", TUESDAY, "09:00", "12:00", site_id=org.branch
    )
    qtbot.keyClick(page.grid, Qt.Key.Key_M, ALT)  # Tea&m
    assert QApplication.focusWidget() is page.team_combo
    qtbot.keyClick(page.team_combo, Qt.Key.Key_Down)  # Network
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.week.rows[0].name == "Bob Tech"
    assert [site.site_code for site in page.model.week.coverage] == ["HQ", "NY"]

    qtbot.keyClick(page.team_combo, Qt.Key.Key_Up)  # All teams
    qtbot.keyClick(page.team_combo, Qt.Key.Key_I, ALT)  # S&ite
    qtbot.keyClick(page.site_combo, Qt.Key.Key_Down)
    qtbot.keyClick(page.site_combo, Qt.Key.Key_Down)  # NY
    qtbot.waitUntil(lambda: [s.site_code for s in page.model.week.coverage] == ["NY"])
    assert [r.name for r in page.model.week.rows] == ["Ann Operator"]  # a shift there


def test_copy_this_week_to_next_week_says_how_many(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    add_shift(context.engine, org, org.ann, "Desk late", THURSDAY, "11:00", "19:00")
    qtbot.keyClick(page.grid, Qt.Key.Key_Y, ALT)  # Cop&y this week to next week
    qtbot.waitUntil(lambda: page.outcome.result.text() != "")
    assert page.outcome.result.text() == (
        "Copied 2 shifts of the week of Mon 23 Nov to the week of Mon 30 Nov."
    )
    assert len(shifts_of(context.engine)) == 4
    qtbot.keyClick(page.grid, Qt.Key.Key_Y, ALT)  # again: all there already
    qtbot.waitUntil(lambda: page.outcome.result.text().startswith("Nothing to copy"))


def test_after_a_change_next_week_is_read_again_before_it_is_shown(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org, tasks: InlinePool
) -> None:
    """Next week was read ahead (empty) when the page opened; the copy changes it."""
    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    with tasks.holding():
        qtbot.keyClick(page.grid, Qt.Key.Key_Y, ALT)  # Cop&y this week to next week
        qtbot.waitUntil(lambda: len(tasks.held) == 1)  # the button's click comes after its flash
        tasks.run_held(0)
        qtbot.waitUntil(lambda: page.outcome.result.text().startswith("Copied 1 shift"))
        qtbot.keyClick(page.grid, Qt.Key.Key_PageDown)
        assert page.model.week is not None and page.model.week.monday == MONDAY
    tasks.run_held()
    qtbot.waitUntil(lambda: page.model.week.monday == MONDAY + timedelta(days=7))
    assert said(page, org.bob, TUESDAY + timedelta(days=7)) == "Desk early 07:00-15:00 at HQ"


def test_a_conflict_is_listed_marked_on_its_cell_and_enter_goes_there(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    add_shift(context.engine, org, org.bob, "Desk early", WEDNESDAY, "07:00", "15:00")
    add_shift(context.engine, org, org.bob, "Desk late", WEDNESDAY, "11:00", "19:00")
    reread(qtbot, page)

    assert page.tabs.tabText(0) == "Conf&licts (1)"
    assert page.conflicts.item(0).text() == (
        "⚠ Overlapping shifts: Bob Tech: Desk early Wed 25 Nov 07:00-15:00 at HQ overlaps "
        "Desk late Wed 25 Nov 11:00-19:00 at HQ"
    )
    cell = at(page, org.bob, WEDNESDAY)
    assert cell.data(Role.CONFLICTS) and "⚠ Bob Tech: Desk early" in cell.data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert not at(page, org.bob, TUESDAY).data(Role.CONFLICTS)
    # The cell is framed in red (and carries a ⚠, which the test cannot read off pixels).
    picture = page.grid.viewport().grab().toImage()
    frame = page.grid.visualRect(cell)
    assert picture.pixelColor(frame.left() + 1, frame.center().y()) == QColor(RED)
    assert picture.pixelColor(
        page.grid.visualRect(at(page, org.bob, TUESDAY)).left() + 1, frame.center().y()
    ) != QColor(RED)

    page.tabs.setCurrentIndex(1)
    qtbot.keyClick(page.grid, Qt.Key.Key_L, ALT)  # Conf&licts
    assert page.tabs.currentIndex() == 0
    page.conflicts.setFocus()
    page.conflicts.setCurrentRow(0)
    qtbot.keyClick(page.conflicts, Qt.Key.Key_Return)
    assert page.grid.currentIndex() == cell
    assert QApplication.focusWidget() is page.grid

    page.select_cell(org.ada, MONDAY)  # and a double click on it does the same
    viewport = page.conflicts.viewport()
    spot = viewport.mapTo(page, page.conflicts.visualItemRect(page.conflicts.item(0)).center())
    QTest.mouseDClick(page.windowHandle(), Qt.MouseButton.LeftButton, pos=spot)
    assert page.grid.currentIndex() == cell


def test_a_gap_in_the_desk_cover_is_listed(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    set_coverage_bands(context.engine, org.mia, org.hq, [Band(1, "08:00", "17:00", 1)])
    add_shift(context.engine, org, org.ann, "Desk early", TUESDAY, "08:00", "12:00")
    reread(qtbot, page)
    assert page.tabs.tabText(1) == "&Desk cover (1 gap)"
    qtbot.keyClick(page.grid, Qt.Key.Key_D, ALT)
    assert page.tabs.currentWidget() is page.cover
    gaps = [page.cover.gaps.item(n).text() for n in range(page.cover.gaps.count())]
    assert gaps == ["✕ Tue 24 Nov 12:00-17:00 at HQ: 0 of 1"]


def test_a_technician_reads_the_roster_but_cannot_change_it(
    qtbot: QtBot, context: AppContext, org: Org, in_london: None
) -> None:
    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    bob = replace(context, me=org.bob, username="bob", name="Bob Tech", role="Technician")
    page = open_page(qtbot, bob)
    reason = refusal(Action.EDIT_ROSTER)
    assert page.note.text() == reason
    buttons = (page.add_button, page.edit_button, page.remove_button, page.copy_week_button)
    for button in (*buttons, page.rotation_button):
        assert not button.isEnabled() and button.toolTip() == reason
    assert said(page, org.bob, TUESDAY) == "Desk early 07:00-15:00 at HQ"
    page.select_cell(org.bob, TUESDAY)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Insert, Qt.Key.Key_Delete, Qt.Key.Key_D):
        qtbot.keyClick(page.grid, key)
    qtbot.keyClick(page.grid, Qt.Key.Key_V, CTRL)
    assert page.findChild(ShiftDialog) is None
    assert len(shifts_of(context.engine, org.bob)) == 1
    flags = page.model.flags(at(page, org.bob, TUESDAY))
    assert not flags & (Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)
    qtbot.keyClick(page.grid, Qt.Key.Key_PageDown)  # reading other weeks is everyone's
    qtbot.waitUntil(lambda: page.model.week.monday == MONDAY + timedelta(days=7))


def test_the_model_keeps_qts_rules(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org, qtmodeltester: ModelTester
) -> None:
    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    reread(qtbot, page)
    qtmodeltester.check(page.model)
    assert page.model.headerData(2, Qt.Orientation.Vertical) == "Bob Tech\n8 h planned"


def test_rotation_opens_on_the_week_shown_and_who_is_on_has_its_tab(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    from ui.roster.on_now_panel import OnNowPanel
    from ui.roster.rotation_dialog import RotationDialog

    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    qtbot.keyClick(page.grid, Qt.Key.Key_O, ALT)  # R&otation…
    qtbot.waitUntil(lambda: page.findChild(RotationDialog) is not None)
    rotation = page.findChild(RotationDialog)
    assert rotation is not None and rotation.isVisible()
    rotation.reject()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page.grid, Qt.Key.Key_N, ALT)  # Who is on &now
    panel = page.findChild(OnNowPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is panel)
    qtbot.waitUntil(
        lambda: "Bob Tech" in " ".join(label.text() for label in panel.findChildren(QLabel))
    )


def test_ins_adds_a_shift_even_on_a_day_that_has_one(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    add_shift(context.engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    reread(qtbot, page)
    page.select_cell(org.bob, TUESDAY)
    qtbot.keyClick(page.grid, Qt.Key.Key_Insert)
    qtbot.waitUntil(lambda: page.findChild(ShiftDialog) is not None)
    dialog = page.findChild(ShiftDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.confirm.text() == "&Add"  # a second shift, not a change of the first
    dialog.reject()


def test_the_add_button_adds_a_shift_on_the_day(
    qtbot: QtBot, page: RosterPage, context: AppContext, org: Org
) -> None:
    page.select_cell(org.ann, WEDNESDAY)
    qtbot.keyClick(page.grid, Qt.Key.Key_A, ALT)  # &Add…
    dialog = dialog_of(qtbot, page)
    assert dialog.findChild(QLabel, "shiftFor").text() == "Ann Operator, Wed 25 Nov"
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.type_combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: said(page, org.ann, WEDNESDAY) == "Desk early 07:00-15:00 at HQ")
