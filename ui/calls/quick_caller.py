"""Quick-create: add the caller on the line when nobody is known by their number.

The number is already filled in (from the screen pop or what the operator typed); only the
name is required. The site is offered from the number (a site in its country, else the
desk's home site), so no caller is left without one. Saving runs off the GUI thread;
problems appear under their fields.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.callers.quick_create import NewCaller, create_caller, suggest_site
from app.context import AppContext
from app.errors import ValidationError
from app.pick_lists import Choice
from ui.kit.errors import show_failure
from ui.kit.flow_layout import FlowLayout
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import error_label, named, on_ctrl_enter, show_problems


class QuickCallerForm(QFrame):
    """Object name ``quickCreateForm``. Emits ``created(caller_id)`` or ``cancelled``."""

    created = Signal(object)
    cancelled = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quickCreateForm")
        self.setAccessibleName("New caller")
        self._context = context
        self._busy = False
        self._suggestions = StaleGuard()  # only the latest number's suggested site counts
        title = QLabel("New caller")
        title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.name_edit = named(QLineEdit(), "newCallerName")
        self.name_edit.setPlaceholderText("First and last name")
        self.number_edit = named(QLineEdit(), "newCallerNumber")
        self.email_edit = named(QLineEdit(), "newCallerEmail")
        self.email_edit.setPlaceholderText("name@example.org")
        self.site_combo = named(QComboBox(), "newCallerSite")
        self.site_combo.setPlaceholderText("(from the number)")
        self.department_edit = named(QLineEdit(), "newCallerDepartment")
        self.vip_check = named(QCheckBox("VIP"), "newCallerVip")
        self.notes_edit = named(QLineEdit(), "newCallerNotes")
        self.save_button = named(QPushButton("Add caller (Ctrl+Enter)"), "addCallerButton")
        self.save_button.setDefault(True)
        self.cancel_button = named(QPushButton("Cancel (Esc)"), "cancelCallerButton")
        self.message = error_label("newCallerMessage")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._errors: dict[str, QLabel] = {}
        for key, label, field in (
            ("name", "&Name", self.name_edit),
            ("number", "N&umber", self.number_edit),
            ("email", "&E-mail", self.email_edit),
            ("site", "S&ite", self.site_combo),
            ("department", "&Department", self.department_edit),
            ("notes", "N&otes", self.notes_edit),
        ):
            field.setAccessibleName(label.replace("&", ""))
            self._errors[key] = error_label()
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(field)
            column.addWidget(self._errors[key])
            caption = QLabel(label)
            caption.setBuddy(field)  # Alt+letter jumps to the field
            form.addRow(caption, column)
        form.addRow("", self.vip_check)
        buttons = FlowLayout(align_right=True)  # wraps rather than clip in a narrow window
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancelled)
        on_ctrl_enter(self, self.save)
        escape = QShortcut(QKeySequence("Esc"), self, self.cancelled.emit)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def set_sites(self, sites: list[Choice]) -> None:
        self.site_combo.clear()
        for site in sites:
            # Ids as text: QVariant cannot compare UUIDs.
            self.site_combo.addItem(f"{site.label} · {site.detail}", str(site.id))

    def start(self, number: str, name: str = "") -> None:
        """A blank form with ``number`` (and a name, if one was typed) filled in, and the
        site suggested for the number chosen once it is known."""
        for edit in (self.email_edit, self.department_edit, self.notes_edit):
            edit.clear()
        self.vip_check.setChecked(False)
        self.number_edit.setText(number)
        self.name_edit.setText(name)
        # No site until the suggestion arrives; saved before that, the service picks the same.
        self.site_combo.setCurrentIndex(-1)
        self.show_problems({})
        self.name_edit.setFocus()
        engine = self._context.engine
        run_task(
            lambda: suggest_site(engine, number),
            self._select_site,
            lambda error: show_failure(error, lambda text: self.show_problems({"site": text})),
            parent=self,
            guard=self._suggestions,
        )

    def _select_site(self, site_id: uuid.UUID | None) -> None:
        index = self.site_combo.findData(str(site_id)) if site_id is not None else -1
        if index >= 0:
            self.site_combo.setCurrentIndex(index)

    def values(self) -> NewCaller:
        return NewCaller(
            name=self.name_edit.text(),
            number=self.number_edit.text(),
            email=self.email_edit.text(),
            site_id=uuid.UUID(site) if (site := self.site_combo.currentData()) else None,
            department=self.department_edit.text(),
            vip=self.vip_check.isChecked(),
            notes=self.notes_edit.text(),
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        leftover = show_problems(self._errors, problems)
        self.message.setText("\n".join(leftover.values()))
        self.message.setVisible(bool(leftover))
        for key, field in (("name", self.name_edit), ("number", self.number_edit)):
            if key in problems:
                field.setFocus()
                break

    def save(self) -> None:
        if self._busy:
            return
        if not self.name_edit.text().strip():
            self.show_problems({"name": "Type the caller's name."})
            return
        self._busy = True
        self.save_button.setEnabled(False)
        engine, new, me = self._context.engine, self.values(), self._context.me
        run_task(lambda: create_caller(engine, new, me), self._saved, self._failed, parent=self)

    def _saved(self, caller_id: uuid.UUID) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self.show_problems({})
        self.created.emit(caller_id)

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_problems(error.problems)
        else:
            show_failure(error, lambda text: self.show_problems({"": text}))
