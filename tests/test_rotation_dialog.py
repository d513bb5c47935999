"""The Rotation dialog driven by keys: people added in turn order and moved, leave making a
skip said in words, an uncovered week in red with its symbol, other days and hours, a mistake
at its field, nothing written before "Write N shifts", and a technician who only previews."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.permissions import Action, refusal
from tests.conftest import Org, as_manager
from tests.test_roster_shifts import MONDAY, add_shift, roster_audit, shifts_of
from ui.kit.widgets import RED
from ui.roster.rotation_dialog import RotationDialog

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def open_dialog(qtbot: QtBot, context: AppContext, org: Org) -> RotationDialog:
    dialog = RotationDialog(context, None, monday=MONDAY, site_id=org.hq)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: dialog.type_combo.currentText() == "On call")
    return dialog


@pytest.fixture
def dialog(qtbot: QtBot, context: AppContext, org: Org) -> RotationDialog:
    return open_dialog(qtbot, as_manager(context, org), org)


def add_people(qtbot: QtBot, dialog: RotationDialog, *names: str) -> None:
    """Alt+A to the box of people to add, the name typed, Enter: as a person adds them."""
    for name in names:
        qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)
        assert QApplication.focusWidget() is dialog.add_combo
        qtbot.keyClicks(dialog.add_combo, name.split()[0])  # (a space would open the list)
        assert dialog.add_combo.currentText() == name
        qtbot.keyClick(dialog.add_combo, Qt.Key.Key_Return)


def set_weeks(qtbot: QtBot, dialog: RotationDialog, weeks: int) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_K, ALT)
    qtbot.keyClick(dialog.weeks_spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.weeks_spin, str(weeks))


def column(dialog: RotationDialog, number: int) -> list[str]:
    table = dialog.table
    return [table.item(row, number).text() for row in range(table.rowCount())]


def wait_for_plan(qtbot: QtBot, dialog: RotationDialog, who: list[str]) -> None:
    qtbot.waitUntil(lambda: dialog.plan is not None and column(dialog, 1) == who)


def test_leave_makes_a_skip_said_in_words_and_nothing_is_written_before_asked(
    qtbot: QtBot, dialog: RotationDialog, engine: Engine, org: Org
) -> None:
    add_shift(engine, org, org.bob, "Leave", MONDAY + timedelta(days=9), "00:00", "00:00")
    add_people(qtbot, dialog, "Ann Operator", "Bob Tech", "Mia Manager")
    set_weeks(qtbot, dialog, 3)

    wait_for_plan(qtbot, dialog, ["Ann Operator", "Mia Manager", "Ann Operator"])
    assert column(dialog, 0) == ["Mon 30 Nov", "Mon 07 Dec", "Mon 14 Dec"]
    assert column(dialog, 2) == ["7", "7", "7"]
    assert column(dialog, 3)[1] == "Bob Tech is away: Leave Wed 09 Dec 00:00-00:00 at HQ"
    assert dialog.summary_line.text() == "3 weeks of On call at HQ: 21 new shifts."
    assert len(shifts_of(engine)) == 1  # the leave: a preview writes nothing
    assert dialog.write_button.text() == "&Write 21 shifts"

    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_W, ALT)
    assert dialog.outcome == 21
    assert dialog.summary() == "Wrote 21 shifts of On call at HQ: 3 weeks from Mon 30 Nov."
    assert [len(shifts_of(engine, p)) for p in (org.ann, org.mia, org.bob)] == [14, 7, 1]
    assert roster_audit(engine)[-1].startswith("Rotation of On call at HQ from Mon 30 Nov")


def test_up_down_and_delete_change_the_order_and_the_plan_follows(
    qtbot: QtBot, dialog: RotationDialog
) -> None:
    add_people(qtbot, dialog, "Ann Operator", "Bob Tech", "Mia Manager")
    wait_for_plan(qtbot, dialog, ["Ann Operator", "Bob Tech", "Mia Manager", "Ann Operator"])

    qtbot.keyClick(dialog, Qt.Key.Key_P, ALT)  # &People: the list has the keyboard
    assert QApplication.focusWidget() is dialog.people_list
    qtbot.keyClick(dialog.people_list, Qt.Key.Key_End)
    qtbot.keyClick(dialog, Qt.Key.Key_U, ALT)  # &Up: Mia takes her turn before Bob
    wait_for_plan(qtbot, dialog, ["Ann Operator", "Mia Manager", "Bob Tech", "Ann Operator"])

    dialog.people_list.setFocus()
    qtbot.keyClick(dialog.people_list, Qt.Key.Key_Home)
    qtbot.keyClick(dialog.people_list, Qt.Key.Key_Delete)  # Ann leaves the order
    wait_for_plan(qtbot, dialog, ["Mia Manager", "Bob Tech", "Mia Manager", "Bob Tech"])
    offered = [dialog.add_combo.itemText(n) for n in range(dialog.add_combo.count())]
    assert offered == ["Ada Admin", "Ann Operator"]  # back among those to add, by name


def test_a_week_when_everyone_is_away_is_red_with_a_symbol(
    qtbot: QtBot, dialog: RotationDialog, engine: Engine, org: Org
) -> None:
    for person in (org.ann, org.bob):
        add_shift(engine, org, person, "Sick", MONDAY + timedelta(days=8), "00:00", "00:00")
    add_people(qtbot, dialog, "Ann Operator", "Bob Tech")
    set_weeks(qtbot, dialog, 3)

    wait_for_plan(qtbot, dialog, ["Ann Operator", "✕ Nobody", "Bob Tech"])
    uncovered = dialog.table.item(1, 1)
    assert uncovered.foreground().color() == QColor(RED)
    assert column(dialog, 3)[1].splitlines() == [  # in turn: Bob's, after Ann's week
        "Bob Tech is away: Sick Tue 08 Dec 00:00-00:00 at HQ",
        "Ann Operator is away: Sick Tue 08 Dec 00:00-00:00 at HQ",
    ]
    assert dialog.uncovered_line.isVisible()
    assert dialog.uncovered_line.text().startswith("✕ Nobody can take the week of Mon 07 Dec")
    assert dialog.write_button.text() == "&Write 14 shifts"


def test_another_type_brings_its_hours_and_chosen_days_and_hours_are_planned(
    qtbot: QtBot, dialog: RotationDialog, engine: Engine
) -> None:
    assert (dialog.starts_edit.text(), dialog.ends_edit.text()) == ("17:00", "08:00")
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)  # Shift &type
    qtbot.keyClicks(dialog.type_combo, "Desk")
    assert dialog.type_combo.currentText() == "Desk early"
    assert (dialog.starts_edit.text(), dialog.ends_edit.text()) == ("07:00", "15:00")
    assert "Desk early usually 07:00-15:00" in dialog.hours_hint.text()

    add_people(qtbot, dialog, "Bob Tech")
    set_weeks(qtbot, dialog, 1)
    qtbot.keyClick(dialog, Qt.Key.Key_D, ALT)  # &Days: Monday has the keyboard
    for _saturday in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # Saturday off
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # Sunday off
    qtbot.keyClick(dialog, Qt.Key.Key_H, ALT)  # &Hours
    qtbot.keyClick(dialog.starts_edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.starts_edit, "08:00")

    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.shift_count == 5)
    [week] = dialog.plan.weeks
    assert [s.day.weekday() for s in week.shifts] == [0, 1, 2, 3, 4]
    assert {(s.starts, s.ends) for s in week.shifts} == {("08:00", "15:00")}
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_W, ALT)
    assert len(shifts_of(engine)) == 5


def test_hours_that_are_no_time_are_refused_at_the_field_and_nothing_can_be_written(
    qtbot: QtBot, dialog: RotationDialog, engine: Engine
) -> None:
    add_people(qtbot, dialog, "Ann Operator")
    wait_for_plan(qtbot, dialog, ["Ann Operator"] * 4)
    qtbot.keyClick(dialog, Qt.Key.Key_H, ALT)
    qtbot.keyClick(dialog.starts_edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.starts_edit, "5pm")

    error = dialog.findChild(type(dialog.summary_line), "hoursError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert error.text().startswith("Type the hours as HH:MM on the 24-hour clock")
    assert dialog.table.rowCount() == 0
    assert not dialog.write_button.isEnabled()
    qtbot.keyClick(dialog.starts_edit, Qt.Key.Key_Return)  # Enter writes nothing either
    assert dialog.isVisible() and shifts_of(engine) == []


def test_a_technician_previews_but_may_not_write(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    bob = replace(context, me=org.bob, username="bob", name="Bob Tech", role="Technician")
    dialog = open_dialog(qtbot, bob, org)
    add_people(qtbot, dialog, "Ann Operator")
    wait_for_plan(qtbot, dialog, ["Ann Operator"] * 4)
    reason = refusal(Action.EDIT_ROSTER)
    assert not dialog.write_button.isEnabled()
    assert dialog.write_button.toolTip() == reason
    assert dialog.note.isVisible() and reason in dialog.note.text()


def test_any_day_of_a_week_picks_that_week(qtbot: QtBot, dialog: RotationDialog) -> None:
    assert dialog.week_hint.text() == "Week 49: Mon 30 Nov – Sun 06 Dec 2026"
    qtbot.keyClick(dialog, Qt.Key.Key_F, ALT)  # &First week: the day has the keyboard
    assert QApplication.focusWidget() is dialog.week_edit
    qtbot.keyClick(dialog.week_edit, Qt.Key.Key_Down)  # Sunday 29 November: the week before
    assert dialog.week_hint.text() == "Week 48: Mon 23 Nov – Sun 29 Nov 2026"
    assert dialog.first_monday() == MONDAY - timedelta(days=7)
    qtbot.keyClick(dialog.week_edit, Qt.Key.Key_Up)
    assert dialog.first_monday() == MONDAY
