"""Settings › Management escalation rules… (ui/attention/rules_dialog.py): a manager turns
rules on and off and sets the P1 rule's minutes with the keyboard; all saved at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.attention.rules import RuleKey, current_rules
from app.context import AppContext
from tests.conftest import Org, as_manager
from ui.attention.rules_dialog import AttentionRulesDialog

ALT = Qt.KeyboardModifier.AltModifier


def open_dialog(qtbot: QtBot, context: AppContext) -> AttentionRulesDialog:
    dialog = AttentionRulesDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.confirm.isEnabled)
    return dialog


def test_the_rules_show_as_they_run_and_save_together(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    dialog = open_dialog(qtbot, as_manager(context, org))
    assert all(box.isChecked() for box in dialog.boxes.values())
    assert dialog.minutes.value() == 30
    assert dialog.notes[RuleKey.SLA_BREACH].text() == "As it comes: nobody has changed it."
    assert dialog.boxes[RuleKey.P1_OPEN].hasFocus()

    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)  # &Any SLA breach: off
    qtbot.waitUntil(lambda: not dialog.boxes[RuleKey.SLA_BREACH].isChecked())
    qtbot.keyClick(dialog, Qt.Key.Key_M, ALT)  # &Minutes
    assert dialog.minutes.hasFocus()
    dialog.minutes.selectAll()
    qtbot.keyClicks(dialog.minutes, "45")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_S, ALT)

    rules = {setting.key: setting for setting in current_rules(engine)}
    assert not rules[RuleKey.SLA_BREACH].enabled
    assert rules[RuleKey.P1_OPEN].enabled and rules[RuleKey.P1_OPEN].minutes == 45
    assert rules[RuleKey.VIP_REOPENED].updated_by == "Mia Manager"

    again = open_dialog(qtbot, as_manager(context, org))
    assert not again.boxes[RuleKey.SLA_BREACH].isChecked()
    assert again.notes[RuleKey.SLA_BREACH].text().startswith("Last changed by Mia Manager, ")


def test_a_p1_rule_turned_off_takes_no_minutes(qtbot: QtBot, context: AppContext, org: Org) -> None:
    dialog = open_dialog(qtbot, as_manager(context, org))
    qtbot.keyClick(dialog, Qt.Key.Key_P, ALT)  # a mnemonic clicks after a short animation
    qtbot.waitUntil(lambda: not dialog.boxes[RuleKey.P1_OPEN].isChecked())
    assert not dialog.minutes.isEnabled()


def test_an_operator_is_refused_and_nothing_is_saved(
    qtbot: QtBot, context: AppContext, engine: Engine
) -> None:
    dialog = open_dialog(qtbot, context)
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: not dialog.boxes[RuleKey.SLA_BREACH].isChecked())
    qtbot.keyClick(dialog, Qt.Key.Key_S, ALT)
    qtbot.waitUntil(dialog.problem.isVisible)
    assert "Only a manager or an admin can set the management escalation rules." in (
        dialog.problem.text()
    )
    assert all(setting.enabled for setting in current_rules(engine))
