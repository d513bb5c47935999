"""The training log's session dialogs: plan a session of a course or change one
(:func:`app.training.sessions.save_session`), and book someone on one
(:func:`app.training.sessions.book`, which puts a training shift on their roster).

A session is typed as a person plans it: a day and hours in the site's own time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QWidget,
)

from app.context import AppContext
from app.org.sites import day_text
from app.pick_lists import Choice
from app.training.choices import TrainingChoices
from app.training.sessions import (
    MAX_PLACE,
    MAX_TRAINER,
    SessionDraft,
    SessionRow,
    book,
    save_session,
)
from ui.kit.widgets import MUTED, key_action, named
from ui.kit.write_dialog import WriteDialog
from ui.training.completion_dialog import date_edit, day_of

MAX_CAPACITY = 500  # places: no classroom holds more
BOOK_ROWS = 10  # people the picker shows before it scrolls


def places_text(row: SessionRow) -> str:
    """ "3 of 8 booked", "3 booked (no limit)"."""
    booked, capacity = len(row.attendees), row.draft.capacity
    if capacity is None:
        return f"{booked} booked (no limit)"
    return f"{booked} of {capacity} booked" + (" — full" if booked >= capacity else "")


def when_text(row: SessionRow) -> str:
    """ "Tue 01 Dec 2026, 09:00-17:00 at HQ"."""
    draft = row.draft
    return f"{day_text(draft.day)}, {draft.starts}-{draft.ends} at {row.site}"


def _combo(name: str, choices: Sequence[Choice], chosen: uuid.UUID | None) -> QComboBox:
    """A pick list of ``choices`` (their ids kept as text), ``chosen`` chosen."""
    combo = named(QComboBox(), name)
    for choice in choices:
        label = f"{choice.label} — {choice.detail}" if choice.detail else choice.label
        combo.addItem(label, str(choice.id))
    combo.setCurrentIndex(max(0, combo.findData(str(chosen))))
    return combo


def _chosen(combo: QComboBox) -> uuid.UUID | None:
    value = combo.currentData()
    return uuid.UUID(value) if value else None


class SessionDialog(WriteDialog):
    """Plan a session (``row`` None) or change ``row`` (object name ``sessionDialog``);
    :attr:`outcome` is the session's id."""

    def __init__(
        self,
        context: AppContext,
        choices: TrainingChoices,
        row: SessionRow | None,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        title = f"Session of {row.course}" if row else "Add session"
        super().__init__(context, "sessionDialog", title, "&Save" if row else "&Add", parent)
        self.row = row
        draft = row.draft if row else None
        courses = list(choices.courses)
        if row is not None and all(c.id != row.draft.course_id for c in courses):
            courses.append(Choice(row.draft.course_id, row.course))  # retired since it was planned
        self.course_combo = _combo("sessionCourse", courses, draft.course_id if draft else None)
        self.site_combo = _combo("sessionSite", choices.sites, draft.site_id if draft else None)
        self.day_edit = date_edit("sessionDay", draft.day if draft else today)
        self.starts_edit = named(QLineEdit(draft.starts if draft else "09:00"), "sessionStarts")
        self.ends_edit = named(QLineEdit(draft.ends if draft else "17:00"), "sessionEnds")
        self.place_edit = named(QLineEdit(draft.place if draft else ""), "sessionPlace")
        self.place_edit.setMaxLength(MAX_PLACE)
        self.place_edit.setPlaceholderText("Room, building or online link (optional)")
        self.trainer_edit = named(QLineEdit(draft.trainer if draft else ""), "sessionTrainer")
        self.trainer_edit.setMaxLength(MAX_TRAINER)
        self.trainer_edit.setPlaceholderText("Who gives it (optional)")
        self.capacity_spin = named(QSpinBox(), "sessionCapacity")
        self.capacity_spin.setRange(0, MAX_CAPACITY)
        self.capacity_spin.setSpecialValueText("No limit")
        self.capacity_spin.setSuffix(" places")
        self.capacity_spin.setValue((draft.capacity or 0) if draft else 0)
        self.add_field("course", "&Course:", self.course_combo)
        self.add_field("site", "S&ite:", self.site_combo, "Its hours are the site's local time.")
        self.add_field("day", "&Day:", self.day_edit)
        self.add_field("starts", "S&tarts:", self.starts_edit, "HH:MM, such as 09:30.")
        self.add_field("ends", "&Ends:", self.ends_edit, "The same day: a session per day.")
        self.add_field("place", "&Place:", self.place_edit)
        self.add_field("trainer", "T&rainer:", self.trainer_edit)
        self.add_field("capacity", "Ca&pacity:", self.capacity_spin)
        self.course_combo.setFocus()

    def draft(self) -> SessionDraft:
        course_id, site_id = _chosen(self.course_combo), _chosen(self.site_combo)
        assert course_id is not None and site_id is not None  # check() refused none chosen
        return SessionDraft(
            course_id=course_id,
            site_id=site_id,
            day=day_of(self.day_edit),
            starts=self.starts_edit.text(),
            ends=self.ends_edit.text(),
            place=self.place_edit.text(),
            trainer=self.trainer_edit.text(),
            capacity=self.capacity_spin.value() or None,
        )

    def check(self) -> dict[str, str]:
        problems = {}
        if _chosen(self.course_combo) is None:
            problems["course"] = "Add the course first (Courses tab), then plan its sessions."
        if _chosen(self.site_combo) is None:
            problems["site"] = "Add a site first (Settings › Sites): a session is given at one."
        return problems

    def work(self) -> Callable[[], object]:
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        session_id = self.row.id if self.row else None
        return lambda: save_session(engine, me, draft, session_id)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_session's answer
        return self.outcome

    def summary(self) -> str:
        course = self.course_combo.currentText()
        day = day_text(day_of(self.day_edit))
        return f"Saved the session of {course}." if self.row else f"Planned {course} on {day}."


class BookDialog(WriteDialog):
    """Book someone on ``row`` (object name ``bookDialog``): type to narrow the active staff
    not booked yet, choose one, Book. :attr:`outcome` is None."""

    def __init__(
        self,
        context: AppContext,
        row: SessionRow,
        staff: Sequence[Choice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "bookDialog", f"Book on {row.course}", "&Book", parent)
        self.row = row
        booked = {attendee.staff_id for attendee in row.attendees}
        self.when = named(QLabel(f"{when_text(row)} — {places_text(row)}"), "bookWhen")
        self.when.setStyleSheet(f"color: {MUTED};")
        self.find_edit = named(QLineEdit(), "bookFind")
        self.find_edit.setPlaceholderText("Type part of a name or user name…")
        self.find_edit.setClearButtonEnabled(True)
        self.people = named(QListWidget(), "bookPeople", "People who can be booked")
        self._people = [person for person in staff if person.id not in booked]  # as listed
        for person in self._people:
            self.people.addItem(f"{person.label} ({person.detail})")
        self.people.setFixedHeight(self.people.sizeHintForRow(0) * BOOK_ROWS + 8)
        self.find_edit.textChanged.connect(self._narrow)
        key_action(self.find_edit, (Qt.Key.Key_Down,), self.people.setFocus)
        self.form.addRow(self.when)
        self.add_field("find", "&Find:", self.find_edit)
        self.add_field(
            "attendee",
            "&Person:",
            self.people,
            "Booking puts the session on their roster as a training shift.",
        )
        self._narrow()
        self.find_edit.setFocus()

    def chosen(self) -> Choice | None:
        item = self.people.currentItem()
        if item is None or item.isHidden():
            return None
        return self._people[self.people.row(item)]

    def _narrow(self) -> None:
        """Only the people whose name or user name holds every word typed; the first of
        them chosen."""
        words = self.find_edit.text().casefold().split()
        first = None
        for number in range(self.people.count()):
            item = self.people.item(number)
            shown = all(word in item.text().casefold() for word in words)
            item.setHidden(not shown)
            if shown and first is None:
                first = item
        if self.chosen() is None and first is not None:
            self.people.setCurrentItem(first)

    def check(self) -> dict[str, str]:
        if self.chosen() is None:
            return {"attendee": "Choose whom to book: type part of their name, then Down."}
        return {}

    def work(self) -> Callable[[], object]:
        person = self.chosen()
        assert person is not None  # check() refused no one chosen
        engine, me, session_id = self.context.engine, self.context.me, self.row.id
        return lambda: book(engine, me, session_id, person.id)

    def subject(self) -> uuid.UUID:
        return self.row.id

    def summary(self) -> str:
        person = self.chosen()
        name = person.label if person else "them"
        return (
            f"Booked {name} on {self.row.course}, {when_text(self.row)}: the session is on "
            "their roster as a training shift."
        )
