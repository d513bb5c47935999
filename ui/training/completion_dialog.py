"""Record a completion: a person finished a course on a day, with a result and a certificate,
written by :func:`app.training.completions.record_completion` off the GUI thread.

A manager's (or an admin's) record counts at once; someone recording their own waits for a
manager's confirmation, and the dialog says so before they save, since their cell of the
matrix will not change until then.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QWidget

from app.context import AppContext
from app.org.sites import day_text
from app.training.completions import MAX_CERTIFICATE, record_completion
from models.enums import CompletionResult
from ui.kit.widgets import AMBER, MUTED, named
from ui.kit.write_dialog import WriteDialog

VERBS = {
    CompletionResult.PASSED: "passed",
    CompletionResult.FAILED: "failed",
    CompletionResult.ATTENDED: "attended",
}


def date_edit(name: str, day: date) -> QDateEdit:
    """A day box with a calendar, showing the weekday so a wrong week shows."""
    edit = named(QDateEdit(), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd dd MMM yyyy")
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def day_of(edit: QDateEdit) -> date:
    picked = edit.date()
    return date(picked.year(), picked.month(), picked.day())


def _fact(text: str, name: str) -> QLabel:
    """A line of the form that is not typed: who and what is recorded."""
    label = named(QLabel(text), name)
    label.setStyleSheet("font-weight: 600;")
    return label


class CompletionDialog(WriteDialog):
    """Record ``person``'s completion of ``course`` (object name ``completionDialog``);
    ``awaits``: the record is their own and waits for a manager. :attr:`outcome` is the
    completion's id."""

    def __init__(
        self,
        context: AppContext,
        staff_id: uuid.UUID,
        person: str,
        course: tuple[uuid.UUID, str],
        today: date,
        *,
        awaits: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            context, "completionDialog", f"Record completion of {course[1]}", "&Record", parent
        )
        self.staff_id, self.person, self.awaits = staff_id, person, awaits
        self.course_id, self.course = course
        self.date_edit = date_edit("completionDate", today)
        self.result_combo = named(QComboBox(), "completionResult")
        for result in CompletionResult:
            self.result_combo.addItem(result.label, int(result))
        self.certificate_edit = named(QLineEdit(), "completionCertificate")
        self.certificate_edit.setMaxLength(MAX_CERTIFICATE)
        self.certificate_edit.setPlaceholderText("Certificate number or reference (optional)")
        self.note = named(QLabel(), "completionNote", "How the record counts")
        self.note.setWordWrap(True)
        if awaits:
            self.note.setText(
                "You are recording your own course: it waits for a manager's confirmation, "
                "and the matrix counts it once a manager has confirmed it."
            )
            self.note.setStyleSheet(f"color: {AMBER};")
        else:
            self.note.setText(
                "Recorded by a manager, it counts at once; a pass adds or raises the skill "
                "the course teaches."
            )
            self.note.setStyleSheet(f"color: {MUTED};")
        self.add_field("staff", "Person:", _fact(person, "completionPerson"))
        self.add_field("course", "Course:", _fact(self.course, "completionCourse"))
        self.add_field(
            "completed_on", "Completed &on:", self.date_edit, "The day the course ended."
        )
        self.add_field("result", "&Result:", self.result_combo, "Only a pass certifies.")
        self.add_field("certificate", "&Certificate:", self.certificate_edit)
        self.form.addRow(self.note)
        self.date_edit.setFocus()

    def chosen_result(self) -> CompletionResult:
        return CompletionResult(self.result_combo.currentData())

    def work(self) -> Callable[[], object]:
        engine, me = self.context.engine, self.context.me
        staff_id, course_id = self.staff_id, self.course_id
        day, result, certificate = (
            day_of(self.date_edit),
            self.chosen_result(),
            self.certificate_edit.text(),
        )
        return lambda: record_completion(engine, me, staff_id, course_id, day, result, certificate)

    def subject(self) -> uuid.UUID:
        return self.staff_id

    def summary(self) -> str:
        verb = VERBS[self.chosen_result()]
        words = (
            f"Recorded: {self.person} {verb} {self.course} on {day_text(day_of(self.date_edit))}."
        )
        if self.awaits:
            words += " It counts once a manager confirms it."
        return words
