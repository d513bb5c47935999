"""A small form whose confirm button writes in the background: the dialogs of the Staff,
Assets and Settings pages.

The dialog is accepted once the write landed; otherwise it stays open with each problem
under its field (or under the form, for a refusal), so nothing typed is lost. The write runs
off the GUI thread (:func:`ui.kit.tasks.run_task`), the buttons disabled meanwhile.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import ValidationError
from ui.kit.errors import show_failure
from ui.kit.tasks import run_task
from ui.kit.widgets import MUTED, error_label, named, show_problems

FIELD_WIDTH = 320  # wide enough for a full name or an e-mail address


class WriteDialog(QDialog):
    """A form whose confirm button runs :meth:`work` in the background: accepted when it
    succeeded (its result in :attr:`outcome`), problems shown in place when it did not."""

    def __init__(
        self, context: AppContext, name: str, title: str, confirm: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        named(self, name, title)
        self.setWindowTitle(title)
        self.context = context
        self.outcome: object = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._errors: dict[str, QLabel] = {}
        self.problem = error_label(f"{name}Problem")
        self.buttons = named(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            ),
            f"{name}Buttons",
        )
        self.confirm = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm.setText(confirm)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # The dialog grows with the problems shown in it, so none is cut off.
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetFixedSize)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def add_field(self, key: str, caption: str, field: QWidget, hint: str = "") -> None:
        """A row of the form: ``caption`` (with its mnemonic) for ``field``, a muted hint and
        the field's problem line under it."""
        field.setAccessibleName(caption.replace("&", "").rstrip(":"))
        field.setMinimumWidth(FIELD_WIDTH)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(field)
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setStyleSheet(f"color: {MUTED};")
            column.addWidget(note)
        self._errors[key] = error_label(f"{key}Error")
        column.addWidget(self._errors[key])
        label = QLabel(caption)
        label.setBuddy(field)
        self.form.addRow(label, column)

    def adopt_errors(self, labels: dict[str, QLabel]) -> None:
        """Problem lines of fields a widget of the form shows itself, by field name."""
        self._errors.update(labels)

    def check(self) -> dict[str, str]:
        """Problems found before writing anything, by field (none by default)."""
        return {}

    def work(self) -> Callable[[], object]:
        """The write to run in the background; each dialog has its own."""
        raise NotImplementedError

    def subject(self) -> uuid.UUID:
        """The record the write was about (once accepted), for the page to select it."""
        raise NotImplementedError

    def summary(self) -> str:
        """What the write did, in words (once accepted)."""
        raise NotImplementedError

    def submit(self) -> None:
        problems = self.check()
        self.show_problems(problems)
        if problems:
            return
        self.buttons.setEnabled(False)
        run_task(self.work(), self._written, self._failed, parent=self)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem under its field; the rest (and refusals) under the form."""
        leftover = show_problems(self._errors, problems)
        self.problem.setText("\n".join(leftover.values()))
        self.problem.setVisible(bool(leftover))

    def _written(self, result: object) -> None:
        self.outcome = result
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_problems(error.problems)
        else:
            show_failure(error, lambda text: self.show_problems({"": text}))
