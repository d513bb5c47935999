"""The dialogs of the Problems page: what a person is asked before an action.

- :class:`NoteDialog`: a note before an action (why a problem is reopened, why a candidate
  is no problem).
- :class:`ResolveDialog`: Resolve… , the fix and whether to resolve the open incidents too.
- :class:`NewProblemDialog`: New problem… , the title and what is known so far.

The first two only ask: the editor or the candidates list writes once they are accepted, in
the background, and says how it went. The third writes itself (a
:class:`ui.kit.write_dialog.WriteDialog`), so a refused title stays open under its field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.pick_lists import Choice
from app.problems.detail import ProblemDetail, problem_detail
from app.problems.records import ProblemDraft, create_problem
from models.clock import utcnow
from models.enums import Priority
from ui.kit.widgets import MUTED, error_label, named, on_ctrl_enter, plural, show_message, text_box
from ui.kit.write_dialog import WriteDialog


class NoteDialog(QDialog):
    """Asks for a note before an action (why a problem is reopened, why a candidate is no
    problem); the confirm button or Ctrl+Enter goes on, Esc cancels. Opened with ``open()``,
    so the page goes on painting; the caller listens to ``accepted``."""

    def __init__(
        self,
        name: str,
        title: str,
        prompt: str,
        confirm: str,
        parent: QWidget | None,
        *,
        placeholder: str = "",
        required: str = "",
    ) -> None:
        """``required``: the message shown when the note is left empty (none: optional)."""
        super().__init__(parent)
        named(self, name, title)
        self.setWindowTitle(title)
        self._required = required
        self.prompt = named(QLabel(prompt), f"{name}Prompt", "Question")
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.note = text_box(f"{name}Note", placeholder, lines=4)
        self.note.setAccessibleName("Note")
        self.note.setMinimumWidth(420)
        self.problem = error_label(f"{name}Problem")
        self.buttons = named(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            ),
            f"{name}Buttons",
        )
        self.confirm = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm.setText(confirm)
        self.confirm.setToolTip("Ctrl+Enter")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        on_ctrl_enter(self, self.accept)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.prompt)
        self.body.addWidget(self.note)
        self.body.addWidget(self.problem)
        self.body.addWidget(self.buttons)
        self.note.setFocus()

    def text(self) -> str:
        return self.note.toPlainText().strip()

    def accept(self) -> None:
        if self._required and not self.text():
            show_message(self.problem, self._required)
            self.note.setFocus()
            return
        super().accept()


class ResolveDialog(NoteDialog):
    """Resolve… : the fix, as the note on the problem and on each incident resolved with it,
    and whether to resolve its open incidents too (ticked when it has any, with how many)."""

    def __init__(self, detail: ProblemDetail, permanent_fix: str, parent: QWidget | None) -> None:
        fix = permanent_fix.strip()
        super().__init__(
            "resolveProblem",
            f"Resolve {detail.reference}",
            f"Resolve {detail.reference}, “{detail.title}”. How was it fixed?",
            "Resolve",
            parent,
            placeholder=(
                "Leave empty to use the permanent fix written on the problem."
                if fix
                else "What was done so that it does not come back."
            ),
            required="" if fix else "Say how it was fixed: write a note, or the permanent fix.",
        )
        self.open_incidents = detail.open_incidents
        count = plural(self.open_incidents, "open incident")
        self.incidents_check = named(
            QCheckBox(f"Also resolve its {count}, with this note"),
            "resolveIncidents",
            "Also resolve the open incidents",
        )
        self.incidents_check.setChecked(self.open_incidents > 0)
        self.incidents_check.setVisible(self.open_incidents > 0)
        self.none_open = named(QLabel("It has no open incidents."), "resolveNoneOpen", "Incidents")
        self.none_open.setStyleSheet(f"color: {MUTED};")
        self.none_open.setVisible(self.open_incidents == 0)
        self.body.insertWidget(2, self.incidents_check)
        self.body.insertWidget(3, self.none_open)

    @property
    def resolve_incidents(self) -> bool:
        return self.open_incidents > 0 and self.incidents_check.isChecked()


class NewProblemDialog(WriteDialog):
    """New problem… : its title, and what is known so far; the rest is filled in the
    editor, where it is selected once recorded."""

    def __init__(self, context: AppContext, staff: list[Choice], parent: QWidget) -> None:
        super().__init__(context, "newProblem", "New problem", "Record problem", parent)
        self.title_edit = named(QLineEdit(), "newProblemTitle")
        self.title_edit.setPlaceholderText("What keeps going wrong, e.g. “VPN drops at NY”")
        self.description_edit = text_box("newProblemDescription", "What people see", 3)
        self.priority_combo = named(QComboBox(), "newProblemPriority")
        for priority in Priority:
            self.priority_combo.addItem(priority.label, int(priority))
        self.priority_combo.setCurrentIndex(self.priority_combo.findData(int(Priority.MEDIUM)))
        self.owner_combo = named(QComboBox(), "newProblemOwner")
        self.owner_combo.addItem("Nobody", None)
        for choice in staff:
            self.owner_combo.addItem(choice.label, choice.id)
        # By equality: findData matches only the very same UUID object.
        me = next((n for n, c in enumerate(staff, start=1) if c.id == context.me), 0)
        self.owner_combo.setCurrentIndex(me)
        self.add_field("title", "&Title:", self.title_edit)
        self.add_field("description", "&Description:", self.description_edit)
        self.add_field("priority", "&Priority:", self.priority_combo)
        self.add_field("owner", "&Owner:", self.owner_combo, "Who finds the cause.")
        self.title_edit.setFocus()

    def check(self) -> dict[str, str]:
        if not self.title_edit.text().strip():
            return {"title": "Say what keeps going wrong, e.g. “VPN drops at NY”."}
        return {}

    def work(self) -> Callable[[], object]:
        engine, me = self.context.engine, self.context.me
        draft = ProblemDraft(
            title=self.title_edit.text(),
            description=self.description_edit.toPlainText(),
            priority=Priority(self.priority_combo.currentData()),
            owner_id=self.owner_combo.currentData(),
        )

        def record() -> ProblemDetail:
            problem_id = create_problem(engine, draft, me, utcnow())
            return problem_detail(engine, problem_id, utcnow())

        return record

    def _recorded(self) -> ProblemDetail:
        assert isinstance(self.outcome, ProblemDetail)
        return self.outcome

    def subject(self) -> uuid.UUID:
        return self._recorded().id

    def summary(self) -> str:
        return f"Recorded {self._recorded().reference}."
