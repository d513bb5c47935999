"""Settings › Management escalation rules… (object name ``attentionRulesDialog``): which
rules put tickets and problems on the manager's attention list, and the P1 rule's minutes.
All saved in one step (:func:`app.attention.rules.set_rules`), each change audited; a
rule nobody changed says it runs as its default."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.attention.rules import MAX_MINUTES, RuleKey, RuleSetting, current_rules, set_rules
from app.context import AppContext
from models.clock import utcnow
from ui.kit.tasks import run_task
from ui.kit.widgets import MUTED, named
from ui.kit.write_dialog import WriteDialog

MNEMONICS = {  # clear of the dialog's &Save
    RuleKey.P1_OPEN: "&P1 open too long",
    RuleKey.SLA_BREACH: "&Any SLA breach",
    RuleKey.VIP_REOPENED: "A &VIP caller's ticket reopened",
    RuleKey.PROBLEM_OVERDUE: "A problem past its &target date",
}


def _since(setting: RuleSetting) -> str:
    if setting.updated_at is None:
        return "As it comes: nobody has changed it."
    return (
        f"Last changed by {setting.updated_by}, {setting.updated_at.astimezone():%d %b %Y %H:%M}."
    )


class AttentionRulesDialog(WriteDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context, "attentionRulesDialog", "Management escalation rules", "&Save", parent
        )
        intro = QLabel(
            "Each rule puts a ticket or problem on the manager's attention list once, with "
            "the reason; every running Switchboard checks them every minute."
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.boxes: dict[RuleKey, QCheckBox] = {}
        self.notes: dict[RuleKey, QLabel] = {}
        for key in RuleKey:
            box = named(QCheckBox(MNEMONICS[key]), f"rule_{key.value}", key.label)
            note = named(QLabel(), f"rule_{key.value}_note", f"{key.label}: last change")
            note.setStyleSheet(f"color: {MUTED};")
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(box)
            column.addWidget(note)
            self.form.addRow(column)
            if key is RuleKey.P1_OPEN:
                self.minutes = named(QSpinBox(), "ruleMinutes", "Minutes a P1 may stay open")
                self.minutes.setRange(1, MAX_MINUTES)
                self.minutes.setSuffix(" minutes")
                box.toggled.connect(self.minutes.setEnabled)
                self.add_field("minutes", "&Minutes a P1 may stay open:", self.minutes)
            self.boxes[key], self.notes[key] = box, note
        self.confirm.setEnabled(False)  # until the rules are read
        engine = context.engine
        run_task(lambda: current_rules(engine), self._read, self._failed, parent=self)

    def _read(self, settings: list[RuleSetting]) -> None:
        for setting in settings:
            self.boxes[setting.key].setChecked(setting.enabled)
            self.notes[setting.key].setText(_since(setting))
            if setting.minutes is not None:
                self.minutes.setValue(setting.minutes)
        self.confirm.setEnabled(True)
        self.boxes[RuleKey.P1_OPEN].setFocus(Qt.FocusReason.OtherFocusReason)

    def work(self) -> Callable[[], object]:
        changes = [
            (
                key,
                box.isChecked(),
                self.minutes.value() if key.default_minutes is not None else None,
            )
            for key, box in self.boxes.items()
        ]
        engine, me = self.context.engine, self.context.me
        return lambda: set_rules(engine, changes, me, utcnow())
