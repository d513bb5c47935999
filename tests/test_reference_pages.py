"""The Teams and Categories pages driven as a manager (adding a team and a member, adding a
category and a subcategory, a refused move shown at its field, retiring) and as an operator
(everything readable, every button disabled, the reason said in words)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.org.categories import category_tree
from app.org.teams import team_detail
from app.permissions import Action, refusal
from tests.conftest import Org, as_manager
from ui.settings.categories_page import CategoriesPage
from ui.settings.category_dialogs import CategoryDialog
from ui.settings.team_dialogs import TeamDialog
from ui.settings.teams_page import TeamsPage

D = TypeVar("D", bound=QDialog)
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there


def _show(qtbot: QtBot, page: TeamsPage | CategoriesPage) -> None:
    qtbot.addWidget(page)
    page.resize(1000, 650)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()


def _dialog(qtbot: QtBot, page: QWidget, kind: type[D]) -> D:
    qtbot.waitUntil(lambda: page.findChild(kind) is not None)
    dialog = page.findChild(kind)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)  # keys reach it as they would a person's
    return dialog


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


# -- teams ------------------------------------------------------------------------------------
@pytest.fixture
def teams(qtbot: QtBot, context: AppContext, org: Org) -> TeamsPage:
    page = TeamsPage(as_manager(context, org))
    _show(qtbot, page)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2)
    return page


def _team_names(page: TeamsPage) -> list[str]:
    return [page.table.item(row, 0).text() for row in range(page.table.rowCount())]


def test_a_manager_adds_a_team_with_the_keyboard(qtbot: QtBot, teams: TeamsPage) -> None:
    page = teams
    assert _team_names(page) == ["Network", "Service desk"]
    qtbot.keyClick(page, Qt.Key.Key_A, ALT)
    dialog = _dialog(qtbot, page, TeamDialog)
    dialog.name_edit.setFocus()
    qtbot.keyClicks(dialog.name_edit, "service DESK")  # taken, in another case
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.email_edit, "field@example.org")
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "nameError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert error.text() == "There is already a team called Service desk; choose another name."
    _shot(dialog, "team-dialog")
    dialog.name_edit.selectAll()
    dialog.name_edit.setFocus()
    qtbot.keyClicks(dialog.name_edit, "Field service")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Field service" in _team_names(page))
    current = page.current()
    assert current is not None and current.name == "Field service"
    assert page.result_line.text() == "Added team Field service."
    qtbot.waitUntil(lambda: page.title.text() == "Field service")
    assert "E-mail: field@example.org" in page.about.text()


def test_a_manager_adds_and_removes_a_member(
    qtbot: QtBot, teams: TeamsPage, context: AppContext, org: Org
) -> None:
    page = teams
    page.table.setFocus()
    page.table.setCurrentCell(0, 0)  # Network
    qtbot.waitUntil(lambda: page.title.text() == "Network")
    assert "Default team for: Network outage" in page.about.text()
    page.candidates.setCurrentIndex(page.candidates.findText("Bob Tech (Technician)"))
    qtbot.mouseClick(page.add_member_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.members.rowCount() == 1)
    assert page.members.item(0, 0).text() == "Bob Tech"
    assert page.result_line.text() == "Bob Tech joined Network."
    assert page.table.item(0, 2).text() == "1"  # the list counts him
    assert page.candidates.findText("Bob Tech (Technician)") < 0  # no longer offered
    _shot(page, "teams-page")

    page.members.setFocus()
    page.members.setCurrentCell(0, 0)
    qtbot.keyClick(page.members, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.members.rowCount() == 0)
    assert team_detail(context.engine, org.network).members == ()


def test_unsetting_the_last_service_desk_is_refused_at_the_field(
    qtbot: QtBot, teams: TeamsPage
) -> None:
    page = teams
    page.table.setFocus()
    page.table.setCurrentCell(1, 0)  # Service desk
    qtbot.waitUntil(lambda: page.title.text() == "Service desk" and page.edit_button.isEnabled())
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = _dialog(qtbot, page, TeamDialog)
    assert dialog.desk_check.isChecked()
    qtbot.mouseClick(dialog.desk_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    error = dialog.findChild(QLabel, "is_service_deskError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "only service-desk team" in error.text()
    dialog.reject()


def test_an_operator_reads_teams_but_changes_nothing(qtbot: QtBot, context: AppContext) -> None:
    page = TeamsPage(context)
    _show(qtbot, page)
    qtbot.waitUntil(lambda: page.title.text() == "Network")
    why = refusal(Action.MANAGE_TEAMS)
    for control in (
        page.add_button,
        page.edit_button,
        page.add_member_button,
        page.remove_member_button,
        page.candidates,
    ):
        assert not control.isEnabled()
    assert page.add_button.toolTip() == why
    assert why in page.note.text()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter edits nothing
    assert page.findChild(TeamDialog) is None


# -- categories -------------------------------------------------------------------------------
@pytest.fixture
def categories(qtbot: QtBot, context: AppContext, org: Org) -> CategoriesPage:
    page = CategoriesPage(as_manager(context, org))
    _show(qtbot, page)
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 2)
    return page


def _outline(page: CategoriesPage) -> dict[str, list[str]]:
    """The tree as shown: each top-level row's name with its children's."""
    shown: dict[str, list[str]] = {}
    for row in range(page.tree.topLevelItemCount()):
        item = page.tree.topLevelItem(row)
        assert item is not None
        shown[item.text(0)] = [item.child(n).text(0) for n in range(item.childCount())]
    return shown


def _find(page: CategoriesPage, text: str) -> QTreeWidgetItem:
    found = page.tree.findItems(text, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert len(found) == 1
    return found[0]


def _add(qtbot: QtBot, page: CategoriesPage, mnemonic: Qt.Key, name: str) -> CategoryDialog:
    """Open the add dialog with Alt+``mnemonic`` and type ``name`` (not confirmed)."""
    page.activateWindow()  # back from a dialog closed a moment ago
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page, mnemonic, ALT)
    dialog = _dialog(qtbot, page, CategoryDialog)
    dialog.name_edit.setFocus()
    qtbot.keyClicks(dialog.name_edit, name)
    return dialog


def test_a_manager_adds_a_category_and_a_subcategory(
    qtbot: QtBot, categories: CategoriesPage, org: Org
) -> None:
    page = categories
    dialog = _add(qtbot, page, Qt.Key.Key_A, "Hardware")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Tab)
    assert dialog.parent_combo.hasFocus() and dialog.parent_combo.currentData() is None
    qtbot.keyClick(dialog.parent_combo, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.team_combo, Qt.Key.Key_End)  # Service desk, the last team
    qtbot.keyClick(dialog.team_combo, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.impact_combo, Qt.Key.Key_End)  # 3 — One person
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.impact_combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Hardware" in _outline(page))
    hardware = _find(page, "Hardware")
    assert (hardware.text(1), hardware.text(2), hardware.text(3)) == (
        "Service desk",
        "3 — One person",
        "—",
    )
    assert page.tree.currentItem() is hardware

    dialog = _add(qtbot, page, Qt.Key.Key_U, "Laptop")  # Add s&ubcategory…
    assert dialog.parent_combo.currentText() == "Hardware"
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _outline(page).get("Hardware") == ["Laptop"])
    assert page.result_line.text() == "Added Laptop under Hardware."
    assert page.count_label.text() == "4 categories"
    _shot(page, "categories-page")


def test_a_category_with_subcategories_is_not_moved_under_another(
    qtbot: QtBot, categories: CategoriesPage
) -> None:
    page = categories
    dialog = _add(qtbot, page, Qt.Key.Key_A, "Hardware")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Hardware" in _outline(page))
    dialog = _add(qtbot, page, Qt.Key.Key_U, "Laptop")  # Add s&ubcategory…
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _outline(page).get("Hardware") == ["Laptop"])

    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.tree.setFocus()
    page.tree.setCurrentItem(_find(page, "Hardware"))
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    dialog = _dialog(qtbot, page, CategoryDialog)
    assert dialog.parent_combo.findText("Hardware") < 0  # never offered as its own parent
    dialog.parent_combo.setCurrentIndex(dialog.parent_combo.findText("Printing"))
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    error = dialog.findChild(QLabel, "parentError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert error.text().startswith("Hardware has subcategories (Laptop)")
    assert dialog.isVisible()
    _shot(dialog, "category-dialog-refused")
    dialog.reject()
    assert _outline(page)["Hardware"] == ["Laptop"]


def test_retiring_hides_a_category_until_asked_and_restore_brings_it_back(
    qtbot: QtBot, categories: CategoriesPage, context: AppContext
) -> None:
    page = categories
    page.tree.setFocus()
    page.tree.setCurrentItem(_find(page, "Printing"))
    qtbot.keyClick(page, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: "Printing" not in _outline(page))
    assert page.result_line.text() == "Printing is retired; their tickets keep them."
    qtbot.keyClick(page, Qt.Key.Key_D, ALT)  # Show retire&d
    qtbot.waitUntil(lambda: "Printing (retired)" in _outline(page))
    retired = _find(page, "Printing (retired)")
    assert retired.foreground(0).color() == Qt.GlobalColor.gray
    page.tree.setCurrentItem(retired)
    assert page.retire_button.text() == "Rest&ore"
    qtbot.mouseClick(page.retire_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Printing" in _outline(page))
    assert [n.name for n in category_tree(context.engine).categories] == [
        "Network outage",
        "Printing",
    ]


def test_an_operator_reads_categories_but_changes_nothing(
    qtbot: QtBot, context: AppContext
) -> None:
    page = CategoriesPage(context)
    _show(qtbot, page)
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 2)
    why = refusal(Action.MANAGE_CATEGORIES)
    for button in (page.add_button, page.sub_button, page.edit_button, page.retire_button):
        assert not button.isEnabled()
        assert button.toolTip() == why
    assert why in page.note.text()
    assert page.retired_check.isEnabled()  # reading retired ones is everyone's
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert page.findChild(CategoryDialog) is None
