"""The priority matrix editor: shows the stored matrix, edits a cell, switches size, saves."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.tickets.priority import DEFAULT_MATRICES, current_matrix, replace_matrix
from models.enums import Priority
from tests.conftest import Org, as_manager
from ui.settings.priority_matrix import PriorityMatrixDialog


@pytest.fixture
def context(context: AppContext, org: Org) -> AppContext:
    """Mia the manager's session: changing the priority matrix is a manager's job."""
    return as_manager(context, org)


def _dialog(qtbot: QtBot, context: AppContext) -> PriorityMatrixDialog:
    dialog = PriorityMatrixDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.cells))
    return dialog


def _save(qtbot: QtBot, dialog: PriorityMatrixDialog) -> None:
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)


def test_shows_the_stored_matrix_and_saves_an_edited_cell(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    dialog = _dialog(qtbot, context)
    assert dialog.matrix() == DEFAULT_MATRICES[3]
    cell = dialog.findChild(QComboBox, "cell_3_3")
    assert cell.currentText() == Priority.LOW.label
    cell.setFocus()
    qtbot.keyClick(cell, Qt.Key.Key_Up)  # one step more urgent
    assert cell.currentText() == Priority.MEDIUM.label
    _save(qtbot, dialog)
    stored = current_matrix(context.engine)
    assert stored[2][2] == Priority.MEDIUM
    assert stored[0][0] == Priority.CRITICAL


def test_switching_to_4x4_offers_its_labels_and_default(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    dialog = _dialog(qtbot, context)
    dialog.size_combo.setFocus()
    qtbot.keyClick(dialog.size_combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(dialog.cells) == 4)
    assert dialog.matrix() == DEFAULT_MATRICES[4]
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("Group" in text for text in texts)
    _save(qtbot, dialog)
    assert current_matrix(context.engine) == DEFAULT_MATRICES[4]


def test_opens_on_a_stored_4x4_matrix(qtbot: QtBot, context: AppContext, org: Org) -> None:
    replace_matrix(context.engine, DEFAULT_MATRICES[4], context.me)
    dialog = _dialog(qtbot, context)
    assert len(dialog.cells) == 4 and dialog.size_combo.currentData() == 4


def test_an_operator_is_told_who_may_change_the_matrix(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    anns = replace(context, me=org.ann, username="ann", name="Ann Operator", role="Operator")
    dialog = _dialog(qtbot, anns)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.error.text() == "Only a manager or an admin can change the priority matrix."
    assert dialog.isVisible() and save.isEnabled()
    assert current_matrix(context.engine) == DEFAULT_MATRICES[3]
