"""The maintenance calendar driven as a person would: the month with each occurrence's
status, arrows across into the next month, Page Down / Page Up and T, the week and agenda
views, Enter opening the day's occurrence to tick its checklist and mark it done, the
overdue list, a filter; and as Ann, who sees the calendar but may not record Bob's task."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.maintenance.calendar import Status, window
from app.permissions import Action, refusal
from tests.conftest import NOW, Org, as_manager
from tests.test_maintenance_tasks import add, at
from ui.maintenance.occurrence_dialog import OccurrenceDialog
from ui.maintenance.occurrence_table import OccurrenceTable
from ui.maintenance.page import MaintenancePage
from ui.maintenance.task_dialog import TaskDialog

TUESDAY = date(2026, 11, 24)  # the tests' "now" is Tue 24 Nov 2026 10:00 UTC


def open_page(qtbot: QtBot, context: AppContext) -> MaintenancePage:
    page = MaintenancePage(context)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    # The filters' choices are read once the month is painted.
    qtbot.waitUntil(lambda: page.site_combo.count() == 3)
    return page


@pytest.fixture
def page(qtbot: QtBot, context: AppContext, org: Org, in_london: None) -> MaintenancePage:
    add(context.engine, org)  # Bob's mail server patching, Tuesdays 22:00 at HQ
    return open_page(qtbot, as_manager(context, org))


def day_text(page: MaintenancePage, day: date) -> str:
    index = page.model.index_of(day)
    assert index.isValid()
    return str(index.data())


def key(qtbot: QtBot, page: MaintenancePage, pressed: Qt.Key) -> None:
    QTest.keyClick(page.grid, pressed)


def test_the_month_shows_each_occurrence_with_its_status_symbol(
    page: MaintenancePage, qtbot: QtBot
) -> None:
    ModelTester(qtbot).check(page.model)
    assert page.title.text() == "November 2026"
    assert page.model.first == date(2026, 10, 26)  # the Monday of the week holding the 1st
    assert "⚠ 22:00 HQ Mail server patching" in day_text(page, date(2026, 11, 17))  # overdue
    assert "○ 22:00 HQ Mail server patching" in day_text(page, TUESDAY)  # tonight
    assert "Mail server" not in day_text(page, date(2026, 11, 25))
    assert page.grid.hasFocus()
    assert page.model.day_at(page.grid.currentIndex()) == TUESDAY


def test_arrows_move_days_and_weeks_and_cross_into_the_next_month(
    page: MaintenancePage, qtbot: QtBot
) -> None:
    key(qtbot, page, Qt.Key.Key_Right)
    assert page.model.day_at(page.grid.currentIndex()) == date(2026, 11, 25)
    key(qtbot, page, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.title.text() == "December 2026")
    assert page.model.day_at(page.grid.currentIndex()) == date(2026, 12, 2)
    assert "○ 22:00 HQ Mail server patching" in day_text(page, date(2026, 12, 1))
    key(qtbot, page, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: page.title.text() == "November 2026")
    key(qtbot, page, Qt.Key.Key_PageDown)
    key(qtbot, page, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: page.title.text() == "January 2027")
    key(qtbot, page, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: page.title.text() == "November 2026")
    assert page.model.day_at(page.grid.currentIndex()) == TUESDAY
    assert page.grid.hasFocus()


def test_a_month_is_six_weeks_from_the_monday_before_its_first(
    page: MaintenancePage, qtbot: QtBot
) -> None:
    key(qtbot, page, Qt.Key.Key_PageDown)  # December 2026 fills five weeks; six are shown
    qtbot.waitUntil(lambda: page.title.text() == "December 2026")
    assert (page.model.first, page.model.weeks) == (date(2026, 11, 30), 6)
    assert "○ 22:00 HQ Mail server patching" in day_text(page, date(2027, 1, 5))
    assert page.model.day_at(page.grid.currentIndex()) == date(2026, 12, 24)


def test_the_week_and_agenda_views(page: MaintenancePage, qtbot: QtBot) -> None:
    QTest.keyClick(page, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.model.weeks == 1)
    assert page.title.text() == "Week 48: 23 Nov – 29 Nov 2026"
    key(qtbot, page, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: page.title.text().startswith("Week 49"))
    QTest.keyClick(page, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    agenda = page.agenda.model()
    assert isinstance(agenda, OccurrenceTable)
    qtbot.waitUntil(lambda: page.title.text() == "December 2026")
    assert [o.starts_at.day for o in agenda.rows] == [1, 8, 15, 22, 29]
    assert page.agenda.hasFocus()


def test_enter_opens_the_day_s_occurrence_to_tick_and_mark_done(
    page: MaintenancePage, qtbot: QtBot
) -> None:
    key(qtbot, page, Qt.Key.Key_Up)  # Tue 17 Nov, overdue
    key(qtbot, page, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.findChild(OccurrenceDialog) is not None)
    dialog = page.findChild(OccurrenceDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.detail is not None)
    assert dialog.heading.text() == "⚠ Mail server patching — Overdue"
    assert [box.text() for box in dialog.checks] == ["Snapshot", "Patch", "Test mail flow"]
    dialog.checks[0].click()
    dialog.checks[1].click()
    QTest.keyClicks(dialog.notes, "Patched, mail flow fine")
    with qtbot.waitSignal(dialog.accepted):
        dialog.done_button.click()
    qtbot.waitUntil(lambda: "✓!" in day_text(page, date(2026, 11, 17)))  # done, but late
    assert page.outcome.result.text() == "Done: Mail server patching"
    found = window(page._context.engine, at(17), at(18), NOW)
    assert [o.status for o in found] == [Status.DONE_LATE]


def test_the_overdue_list_and_a_filter(page: MaintenancePage, qtbot: QtBot, org: Org) -> None:
    overdue = page.overdue_list.model()
    assert isinstance(overdue, OccurrenceTable)
    qtbot.waitUntil(lambda: len(overdue.rows) == 3)
    assert page.tabs.tabText(1) == "Overd&ue (3)"
    branch = page.site_combo.findText("NY")
    page.site_combo.setCurrentIndex(branch)
    page.site_combo.activated.emit(branch)
    qtbot.waitUntil(lambda: overdue.rows == [])
    assert "Mail server" not in day_text(page, TUESDAY)


def test_someone_else_s_task_is_seen_but_not_recorded(
    qtbot: QtBot, context: AppContext, org: Org, in_london: None
) -> None:
    add(context.engine, org)
    page = open_page(qtbot, context)  # Ann, an operator, not on Bob's team
    page.open_occurrence(next(o for o in page.model.on(date(2026, 11, 17))))
    qtbot.waitUntil(lambda: page.findChild(OccurrenceDialog) is not None)
    dialog = page.findChild(OccurrenceDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.detail is not None)
    assert not dialog.done_button.isEnabled()
    assert not dialog.move_button.isEnabled()
    assert dialog.message.text() == "Only its owner, their team or a manager records it."
    assert not page.add_button.isEnabled()
    assert page.add_button.toolTip() == refusal(Action.MANAGE_MAINTENANCE)


def test_a_manager_adds_a_task_on_the_chosen_day_and_changes_a_series(
    page: MaintenancePage, qtbot: QtBot
) -> None:
    key(qtbot, page, Qt.Key.Key_Right)  # Wed 25 Nov
    QTest.keyClick(page, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.findChild(TaskDialog) is not None)
    adding = page.findChild(TaskDialog)
    assert adding is not None and adding.task_id is None
    qtbot.waitUntil(lambda: adding.ready)
    assert adding.first_edit.date().toPython() == date(2026, 11, 25)
    adding.reject()
    key(qtbot, page, Qt.Key.Key_Left)  # Tue 24 Nov: the mail server patching
    assert page.change_button.isEnabled()
    page.change_button.click()
    qtbot.waitUntil(lambda: any(d.task_id for d in page.findChildren(TaskDialog)))


def open_dialog(qtbot: QtBot, page: MaintenancePage, day: date) -> OccurrenceDialog:
    """The day's one occurrence opened with Enter, as a person would (the page active again
    after an earlier dialog, as the window manager makes it)."""
    qtbot.waitUntil(lambda: page.findChild(OccurrenceDialog) is None)
    page.activateWindow()
    qtbot.waitUntil(page.grid.hasFocus)
    page.grid.setCurrentIndex(page.model.index_of(day))
    QTest.keyClick(page.grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.findChild(OccurrenceDialog) is not None)
    dialog = page.findChild(OccurrenceDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.detail is not None)
    return dialog


def test_ctrl_enter_in_the_notes_marks_it_done(page: MaintenancePage, qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, page, date(2026, 11, 10))
    dialog.notes.setFocus()
    QTest.keyClicks(dialog.notes, "Patched")
    with qtbot.waitSignal(dialog.accepted):
        QTest.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "✓! 22:00" in day_text(page, date(2026, 11, 10)))


def test_skipping_needs_a_reason_and_a_mistake_is_reopened(
    page: MaintenancePage, qtbot: QtBot
) -> None:
    dialog = open_dialog(qtbot, page, date(2026, 11, 3))
    dialog.skip_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert dialog.message.text() == "Say why it is skipped; the report shows it."
    assert dialog.isVisible()
    QTest.keyClicks(dialog.notes, "Change freeze")
    with qtbot.waitSignal(dialog.accepted):
        dialog.skip_button.click()
    qtbot.waitUntil(lambda: "∅ 22:00" in day_text(page, date(2026, 11, 3)))
    assert page.outcome.result.text() == "Skipped: Mail server patching"

    again = open_dialog(qtbot, page, date(2026, 11, 3))
    assert again.heading.text() == "∅ Mail server patching — Skipped"
    assert not again.done_button.isEnabled() and again.reopen_button.isEnabled()
    assert "Notes: Change freeze" in again.facts.text()
    with qtbot.waitSignal(again.accepted):
        again.reopen_button.click()
    qtbot.waitUntil(lambda: "⚠ 22:00" in day_text(page, date(2026, 11, 3)))
