"""One occurrence opened from the calendar: what to do (instructions, checklist, assets),
when and where, and what was recorded; its owner ticks the checklist and marks it done, or
skips it saying why. Those who plan maintenance also move or cancel it, and anyone who may
record it reopens it after a mistake.

The occurrence is read off the GUI thread when the dialog opens; every write runs off it too
and closes the dialog with a summary for the page, or shows the problem in the dialog.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import ValidationError
from app.maintenance.calendar import Status
from app.maintenance.detail import OccurrenceDetail, load_occurrence
from app.maintenance.record import Done, cancel, mark_done, mark_skipped, move, reopen
from models.clock import utcnow
from ui.kit.tasks import run_task
from ui.kit.widgets import (
    MUTED,
    RED,
    message_label,
    named,
    on_ctrl_enter,
    show_message,
    text_box,
)
from ui.maintenance.month import INK
from ui.maintenance.occurrence_table import when_text


class OccurrenceDialog(QDialog):
    """Occurrence ``(task_id, due_at)``; :meth:`summary` says what was done once accepted."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        task_id: uuid.UUID,
        due_at: datetime,
    ) -> None:
        super().__init__(parent)
        named(self, "occurrenceDialog", "Maintenance occurrence")
        self.setWindowTitle("Maintenance")
        self._context = context
        self._key = (task_id, due_at)
        self._said = ""
        self.detail: OccurrenceDetail | None = None
        layout = QVBoxLayout(self)
        self.heading = named(QLabel("Reading…", self), "occurrenceHeading", "Occurrence")
        self.heading.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.heading.setWordWrap(True)
        self.facts = named(QLabel(self), "occurrenceFacts", "When, where and who")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        self.checks_box = QGroupBox("Checklist", self)
        self.checks_layout = QVBoxLayout(self.checks_box)
        self.checks: list[QCheckBox] = []
        layout.addWidget(self.checks_box)
        form = QFormLayout()
        self.done_at = named(QDateTimeEdit(self), "occurrenceDoneAt", "Done at")
        self.done_at.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.done_at.setCalendarPopup(True)
        self.minutes = named(QSpinBox(self), "occurrenceMinutes", "Minutes spent")
        self.minutes.setRange(0, 7 * 24 * 60)
        self.minutes.setSuffix(" min")
        self.notes = text_box("occurrenceNotes", "What was done, or why it is skipped", 3)
        self.notes.setAccessibleName("Notes, or why it is skipped")
        form.addRow("Done &at:", self.done_at)
        form.addRow("&Minutes spent:", self.minutes)
        form.addRow("N&otes:", self.notes)
        layout.addLayout(form)
        self.message = message_label("occurrenceMessage", "Problem", RED)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        self.done_button = self._button(buttons, "Mark &done", "markDone", self.mark_done)
        self.skip_button = self._button(buttons, "S&kip", "skipOccurrence", self.skip)
        self.reopen_button = self._button(buttons, "&Reopen", "reopenOccurrence", self.reopen)
        self.move_button = self._button(buttons, "Mo&ve…", "moveOccurrence", self.move_it)
        self.cancel_button = self._button(
            buttons, "Ca&ncel it…", "cancelOccurrence", self.cancel_occurrence
        )
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        on_ctrl_enter(self.notes, self.mark_done)
        for widget in (self.done_button, self.skip_button, self.reopen_button):
            widget.setEnabled(False)
        self.move_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.resize(560, 520)
        self._read()

    def _button(
        self, buttons: QDialogButtonBox, text: str, name: str, slot: Callable[[], None]
    ) -> QPushButton:
        button = named(QPushButton(text, self), name, text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        return button

    def summary(self) -> str:
        return self._said

    # -- reading ----------------------------------------------------------------------------------
    def _read(self) -> None:
        engine, viewer = self._context.engine, self._context.me
        task_id, due_at = self._key
        run_task(
            lambda: load_occurrence(engine, task_id, due_at, utcnow(), viewer),
            self._show,
            self._failed,
            parent=self,
        )

    def _show(self, detail: OccurrenceDetail) -> None:
        self.detail = detail
        o = detail.occurrence
        self.heading.setText(f"{o.status.symbol} {o.title} — {o.status.label}")
        self.heading.setStyleSheet(
            f"font-weight: 600; font-size: 14px; color: {INK[o.status].name()};"
        )
        lines = [
            f"{when_text(o)} ({o.zone}) at {o.site_code}",
            f"Owner: {o.owner}" + (" — on leave then (roster)" if o.owner_away else ""),
        ]
        if o.system:
            lines.append(f"System: {o.system}")
        if o.impact:
            lines.append(f"Impact: {o.impact}")
        if detail.assets:
            lines.append("Assets: " + ", ".join(detail.assets))
        if detail.done_by:
            when = f"{o.local(detail.done_at):%a %d %b %Y %H:%M}" if detail.done_at else ""
            spent = f", {detail.minutes_spent} min" if detail.minutes_spent else ""
            lines.append(f"{o.status.label} by {detail.done_by} {when}{spent}")
        if detail.notes:
            lines.append(f"Notes: {detail.notes}")
        if detail.instructions:
            lines.append("")
            lines.append(detail.instructions)
        self.facts.setText("\n".join(lines))
        cancelled = o.status is Status.CANCELLED
        for box in self.checks:
            box.deleteLater()
        self.checks = []
        for number, item in enumerate(detail.checklist):
            box = named(QCheckBox(item, self.checks_box), f"check{number}", item)
            ticked = number < len(detail.checklist_done) and detail.checklist_done[number]
            box.setChecked(ticked)
            box.setEnabled(detail.may_record and o.status.open)
            self.checks_layout.addWidget(box)
            self.checks.append(box)
        self.checks_box.setVisible(bool(detail.checklist))
        now = QDateTime.fromSecsSinceEpoch(int(utcnow().timestamp()))
        self.done_at.setDateTime(now)
        open_one = o.status.open
        for widget in (self.done_at, self.minutes, self.notes):
            widget.setEnabled(detail.may_record and open_one)
        self.done_button.setEnabled(detail.may_record and open_one)
        self.skip_button.setEnabled(detail.may_record and open_one)
        self.reopen_button.setEnabled(
            not open_one and (detail.may_plan if cancelled else detail.may_record)
        )
        self.move_button.setEnabled(detail.may_plan and open_one)
        self.cancel_button.setEnabled(detail.may_plan and open_one)
        if not detail.may_record and open_one:
            self.message.setStyleSheet(f"color: {MUTED};")
            show_message(self.message, "Only its owner, their team or a manager records it.")
        (self.done_button if self.done_button.isEnabled() else self.facts).setFocus()

    def _failed(self, error: Exception) -> None:
        self.message.setStyleSheet(f"color: {RED};")
        said = error.problems.values() if isinstance(error, ValidationError) else [str(error)]
        show_message(self.message, "\n".join(said))

    # -- writing ----------------------------------------------------------------------------------
    def _write(self, work: Callable[[], None], said: str) -> None:
        def finished(_result: object) -> None:
            self._said = said
            self.accept()

        show_message(self.message, "")
        run_task(work, finished, self._failed, parent=self)

    def mark_done(self) -> None:
        if not self.done_button.isEnabled() or self.detail is None:
            return
        engine, actor = self._context.engine, self._context.me
        task_id, due_at = self._key
        done = Done(
            done_at=datetime.fromtimestamp(self.done_at.dateTime().toSecsSinceEpoch(), UTC),
            notes=self.notes.toPlainText(),
            checklist_done=tuple(box.isChecked() for box in self.checks),
            minutes_spent=self.minutes.value() or None,
        )
        title = self.detail.occurrence.title
        self._write(lambda: mark_done(engine, actor, task_id, due_at, done), f"Done: {title}")

    def skip(self) -> None:
        if not self.skip_button.isEnabled() or self.detail is None:
            return
        engine, actor = self._context.engine, self._context.me
        task_id, due_at = self._key
        reason = self.notes.toPlainText()
        title = self.detail.occurrence.title
        self._write(
            lambda: mark_skipped(engine, actor, task_id, due_at, reason), f"Skipped: {title}"
        )

    def reopen(self) -> None:
        if self.detail is None:
            return
        engine, actor = self._context.engine, self._context.me
        task_id, due_at = self._key
        title = self.detail.occurrence.title
        self._write(lambda: reopen(engine, actor, task_id, due_at), f"Reopened: {title}")

    def move_it(self) -> None:
        if self.detail is None:
            return
        o = self.detail.occurrence
        starts = o.local(o.starts_at)
        text, ok = QInputDialog.getText(
            self,
            "Move the occurrence",
            f"New start on the site's clock ({o.zone}), as YYYY-MM-DD HH:MM:",
            text=f"{starts:%Y-%m-%d %H:%M}",
        )
        if not ok:
            return
        try:
            local = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            self._failed(ValidationError({"starts": "Write the start as YYYY-MM-DD HH:MM."}))
            return
        engine, actor = self._context.engine, self._context.me
        task_id, due_at = self._key
        self._write(
            lambda: move(engine, actor, task_id, due_at, local),
            f"Moved {o.title} to {local:%a %d %b %H:%M}",
        )

    def cancel_occurrence(self) -> None:
        if self.detail is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Cancel the occurrence", "Why is it cancelled (the report shows it)?"
        )
        if not ok:
            return
        engine, actor = self._context.engine, self._context.me
        task_id, due_at = self._key
        title = self.detail.occurrence.title
        self._write(lambda: cancel(engine, actor, task_id, due_at, reason), f"Cancelled: {title}")
