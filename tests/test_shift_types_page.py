"""The Shift types page driven as a manager (adding a type by keys, a mistake at its field,
editing with Enter, retiring and showing retired types) and as a technician (reads only,
buttons disabled, the reason said)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.permissions import Action, refusal
from app.roster.shift_types import list_shift_types
from models.enums import ShiftKind
from tests.conftest import Org, as_manager
from ui.settings.shift_type_dialog import ShiftTypeDialog
from ui.settings.shift_types_page import ShiftTypesPage

ALT = Qt.KeyboardModifier.AltModifier


def open_page(qtbot: QtBot, context: AppContext) -> ShiftTypesPage:
    page = ShiftTypesPage(context)
    qtbot.addWidget(page)
    page.resize(1000, 650)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    qtbot.waitUntil(lambda: page.table.rowCount() == 6)
    return page


def names(page: ShiftTypesPage) -> list[str]:
    return [page.table.item(row, 0).text() for row in range(page.table.rowCount())]


def dialog_of(qtbot: QtBot, page: ShiftTypesPage) -> ShiftTypeDialog:
    qtbot.waitUntil(lambda: page.findChild(ShiftTypeDialog) is not None)
    dialog = page.findChild(ShiftTypeDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


@pytest.fixture
def page(qtbot: QtBot, context: AppContext, org: Org) -> ShiftTypesPage:
    return open_page(qtbot, as_manager(context, org))


def test_the_defaults_are_listed_with_their_look_meaning_and_hours(page: ShiftTypesPage) -> None:
    assert names(page) == ["Desk early", "Desk late", "Leave", "On call", "Sick", "Training"]
    on_call = names(page).index("On call")
    assert page.table.item(on_call, 1).text() == "On call"
    assert page.table.item(on_call, 2).text() == "17:00-08:00 (next day)"
    assert not page.table.item(on_call, 0).icon().isNull()  # its colour and pattern


def test_a_manager_adds_a_type_by_keys_and_a_mistake_stays_at_its_field(
    qtbot: QtBot, page: ShiftTypesPage, context: AppContext
) -> None:
    qtbot.keyClick(page.table, Qt.Key.Key_A, ALT)
    dialog = dialog_of(qtbot, page)
    assert QApplication.focusWidget() is dialog.name_edit
    qtbot.keyClicks(dialog.name_edit, "Night desk")
    qtbot.keyClick(dialog, Qt.Key.Key_S, ALT)  # &Starts
    dialog.starts_edit.selectAll()
    qtbot.keyClicks(dialog.starts_edit, "22:00")
    qtbot.keyClick(dialog, Qt.Key.Key_E, ALT)  # &Ends
    dialog.ends_edit.selectAll()
    qtbot.keyClicks(dialog.ends_edit, "06:00")
    qtbot.keyClick(dialog, Qt.Key.Key_C, ALT)  # &Colour
    dialog.colour_edit.selectAll()
    qtbot.keyClicks(dialog.colour_edit, "navy blue")
    qtbot.keyClick(dialog.colour_edit, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "colourError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "#rrggbb" in error.text()
    dialog.colour_edit.selectAll()
    qtbot.keyClicks(dialog.colour_edit, "#3949ab")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.colour_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Night desk" in names(page))
    assert page.current() is not None and page.current().draft.name == "Night desk"
    assert page.outcome.result.text() == "Added shift type Night desk."
    [night] = [r for r in list_shift_types(context.engine) if r.draft.name == "Night desk"]
    assert (night.draft.kind, night.draft.starts, night.draft.ends) == (
        ShiftKind.DESK,
        "22:00",
        "06:00",
    )


def test_enter_edits_and_retiring_hides_a_type_until_asked(
    qtbot: QtBot, page: ShiftTypesPage
) -> None:
    page.table.setCurrentCell(names(page).index("Sick"), 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = dialog_of(qtbot, page)
    assert dialog.name_edit.text() == "Sick"
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Sick leave")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Sick leave" in names(page))

    page.activateWindow()  # as the window manager does when the dialog closes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    qtbot.keyClick(page.table, Qt.Key.Key_R, ALT)  # &Retire the selected one
    qtbot.waitUntil(lambda: "Sick leave" not in names(page))
    assert "retired" in page.outcome.result.text()
    qtbot.keyClick(page.table, Qt.Key.Key_D, ALT)  # Show retire&d
    qtbot.waitUntil(lambda: "Sick leave (retired)" in names(page))


def test_a_technician_reads_the_types_but_cannot_change_them(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    from dataclasses import replace

    bob = replace(context, me=org.bob, username="bob", name="Bob", role="Technician")
    page = open_page(qtbot, bob)
    reason = refusal(Action.EDIT_ROSTER)
    for button in (page.add_button, page.edit_button, page.retire_button):
        assert not button.isEnabled() and button.toolTip() == reason
    assert reason in page.note.text()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.findChild(ShiftTypeDialog) is None
