"""The training log page (object name ``trainingView``): the training matrix, the lists a
manager works from, and the courses and their sessions.

Above, the **matrix**: active staff down, the courses required of any of them across, each
cell valid / expiring within 60 days / expired / missing / not required, as a colour and a
symbol (:mod:`ui.training.matrix_model`), filtered by team and role, with the share of
required certifications held. Beside it, the completions of the person whose cell is
selected (their row header's tooltip lists them too). Arrows move; Enter, a click or Record
completion… records a completion for that person and course
(:class:`~ui.training.completion_dialog.CompletionDialog`).

Below, in tabs: certifications **expiring soon** and people **missing required courses**
(Enter records the renewal or the course), completions **awaiting confirmation** (a manager
confirms them), the **courses** (add, edit, retire) and the upcoming **sessions** (add,
edit, cancel; book and unbook people, which puts the session on their roster). Import
completions… reads an LMS export (:class:`~ui.training.import_dialog.TrainingImportDialog`).

Who may do what: managers and admins keep the log (:data:`Action.EDIT_TRAINING_LOG`);
everyone else records their own completions only, which wait for a manager's confirmation
(:data:`Action.RECORD_OWN_TRAINING`). What they may not use is disabled with the reason as
its tooltip and said in words on the page; the services refuse anyway. Every read and write
runs off the GUI thread, each kind of read behind its own stale-answer guard.

The keyboard route: the matrix has the keyboard (Alt+G returns to it); Alt+M and Alt+L reach
the team and role filters; the tabs have mnemonics (Alt+X, Q, W, U, O), and so has each
button.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.org.sites import day_text
from app.permissions import Action, context_may, refusal
from app.training.choices import TrainingChoices, training_choices
from app.training.completions import (
    CompletionRow,
    awaiting_confirmation,
    completions_of,
    confirm_completion,
)
from app.training.courses import (
    CourseDetail,
    CourseRow,
    course_detail,
    list_courses,
    restore_course,
    retire_course,
)
from app.training.matrix import TrainingMatrix, expiring_soon, missing_required, training_matrix
from app.training.sessions import SessionRow, cancel_session, list_sessions, unbook
from models.clock import utcnow
from models.enums import StaffRole
from ui.kit.outcome import OutcomeLines
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, after_paint_timer, run_task
from ui.kit.widgets import AMBER, MUTED, key_action, named, page_button, plural, signals_blocked
from ui.shell.pages import Page
from ui.training.completion_dialog import VERBS, CompletionDialog
from ui.training.course_dialog import CourseDialog
from ui.training.import_dialog import TrainingImportDialog
from ui.training.lists import (
    AWAITING,
    COURSES,
    EXPIRING,
    MISSING,
    SESSIONS,
    RowTable,
)
from ui.training.matrix_model import (
    CellDelegate,
    CourseHeader,
    MatrixModel,
    completion_detail,
    completion_line,
    legend_html,
)
from ui.training.session_dialogs import BookDialog, SessionDialog, when_text

ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
NAMES_MAX = 230  # the widest the staff names' column grows, in pixels
PERSON_MIN = 260  # the person's completions: a date range still fits a line
MATRIX_MIN = 420  # the matrix's width however few its courses
NO_CHOICES = TrainingChoices((), (), (), (), ())
# The tabs' titles, with their mnemonics; each shows its count after its title.
TAB_TITLES = (
    "E&xpiring soon",
    "Missing re&quired courses",
    "A&waiting confirmation",
    "Co&urses",
    "Sessi&ons",
)
EXPIRING_TAB, MISSING_TAB, AWAITING_TAB, COURSES_TAB, SESSIONS_TAB = range(len(TAB_TITLES))


def compliance_text(matrix: TrainingMatrix) -> str:
    """ "87% held: 121 of 139 required certifications", or why there is nothing to count."""
    held, required = matrix.compliance
    if not matrix.rows:
        return "Nobody active matches the filters."
    if not required:
        return "No course is required of the people shown."
    return f"{held * 100 // required}% held: {held} of {required} required certifications"


def _pairs(row: Any) -> Hashable:
    """A list row's person and course: the key of the expiring and missing lists."""
    return (row.staff_id, row.course_id)


def _ids(row: Any) -> Hashable:
    return row.id


class TrainingPage(Page):
    """The training matrix, its lists, the courses and the sessions (object name
    ``trainingView``); see the module docstring."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "trainingView", "Training")
        self._context = context
        self._editor = context_may(context, Action.EDIT_TRAINING_LOG)
        self._own = context_may(context, Action.RECORD_OWN_TRAINING)
        self._choices = NO_CHOICES
        self._today = utcnow().astimezone().date()  # the matrix's day once it is read
        self._keep_cell: tuple[uuid.UUID, uuid.UUID] | None = None  # selected after a read
        self._history_of: uuid.UUID | None = None  # whose completions are shown
        # What a write was about, selected once the rows are read again.
        self._keep_course: uuid.UUID | None = None
        self._keep_session: uuid.UUID | None = None
        self._guards: dict[str, StaleGuard] = {}
        self._lists_due = False  # refresh() reads the lists once the matrix is painted
        self._lists_later = after_paint_timer(self, self._read_lists)
        self.outcome = OutcomeLines("training")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self._build_filter_bar())
        self.note = named(QLabel(self), "trainingNote", "Why some buttons are off")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        if not self._editor:  # said in words: a tooltip needs a mouse, Tab skips disabled
            self.note.setText(
                f"{refusal(Action.EDIT_TRAINING_LOG)} You can record your own courses (Enter "
                "on your row of the matrix); a manager confirms them."
            )
            layout.addWidget(self.note)
        self.splitter = named(QSplitter(Qt.Orientation.Vertical, self), "trainingSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_matrix())
        self.splitter.addWidget(self._build_tabs())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 280])  # in proportion: the matrix gets the most
        remember_splitter(self.splitter, "training")
        layout.addWidget(self.splitter, 1)
        self.outcome.add_to(layout)
        self.setFocusProxy(self.matrix)
        self._enable()
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build_filter_bar(self) -> QFrame:
        bar = named(QFrame(self), "filterBar")
        self.team_combo = named(QComboBox(bar), "trainingTeam", "Team")
        self.team_combo.addItem("All teams", "")
        self.role_combo = named(QComboBox(bar), "trainingRole", "Role")
        self.role_combo.addItem("All roles", 0)
        for role in StaffRole:
            self.role_combo.addItem(f"{role.label}s", int(role))
        for combo in (self.team_combo, self.role_combo):
            combo.currentIndexChanged.connect(lambda _index: self._read_matrix())
        team_label, role_label = QLabel("Tea&m:", bar), QLabel("Ro&le:", bar)
        team_label.setBuddy(self.team_combo)
        role_label.setBuddy(self.role_combo)
        self.record_button = page_button(
            bar,
            "Record com&pletion…",
            "recordCompletion",
            "Record a completion for the selected person and course",
            self.record,
        )
        self.import_button = page_button(
            bar,
            "&Import completions…",
            "importCompletions",
            "Import completions from a CSV file",
            self.import_file,
            "" if self._editor else refusal(Action.EDIT_TRAINING_LOG),
        )
        row = QHBoxLayout(bar)
        row.setContentsMargins(4, 2, 4, 2)
        for widget in (team_label, self.team_combo, role_label, self.role_combo):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.record_button)
        row.addWidget(self.import_button)
        return bar

    def _build_matrix(self) -> QWidget:
        host = QWidget(self)
        title = QLabel("Trainin&g matrix", host)
        title.setStyleSheet("font-weight: 600;")
        self.compliance = named(QLabel(host), "trainingCompliance", "Compliance")
        self.legend = named(QLabel(legend_html(), host), "trainingLegend", "Key to the cells")
        self.legend.setTextFormat(Qt.TextFormat.RichText)

        self.model = MatrixModel(self)
        self.matrix = named(QTableView(host), "trainingMatrix", "Training matrix")
        self.matrix.setHorizontalHeader(CourseHeader(self.matrix))
        self.matrix.setModel(self.model)
        self.matrix.setItemDelegate(CellDelegate(self.matrix))
        self.matrix.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.matrix.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.matrix.setTabKeyNavigation(False)
        self.matrix.setWordWrap(False)
        self.matrix.setCornerButtonEnabled(False)
        names = self.matrix.verticalHeader()
        names.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        names.setDefaultSectionSize(self.fontMetrics().height() + 10)
        names.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        names.setTextElideMode(Qt.TextElideMode.ElideRight)
        title.setBuddy(self.matrix)
        key_action(self.matrix, ENTER, self.record)
        self.matrix.clicked.connect(lambda _index: self.record())
        self.matrix.selectionModel().currentChanged.connect(self._cell_changed)

        person = QWidget(host)
        self.person_title = named(QLabel(person), "trainingPerson", "Whose completions")
        self.person_title.setStyleSheet("font-weight: 600;")
        self.history = named(QListWidget(person), "trainingHistory", "The person's completions")
        self.history.setWordWrap(True)
        self.history.setAlternatingRowColors(True)
        self.history.setSpacing(1)
        column = QVBoxLayout(person)
        column.setContentsMargins(4, 0, 0, 0)
        column.addWidget(self.person_title)
        column.addWidget(self.history, 1)

        split = named(QSplitter(Qt.Orientation.Horizontal, host), "trainingMatrixSplitter")
        split.setChildrenCollapsible(False)
        split.addWidget(self.matrix)
        split.addWidget(person)
        split.setStretchFactor(0, 1)  # up to its columns' width (see _fit); the person the rest
        split.setStretchFactor(1, 0)
        person.setMinimumWidth(PERSON_MIN)
        remember_splitter(split, "trainingMatrix")

        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addSpacing(12)
        heading.addWidget(self.compliance)
        heading.addStretch(1)
        heading.addWidget(self.legend)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(split, 1)
        return host

    def _build_tabs(self) -> QTabWidget:
        self.tabs = named(QTabWidget(self), "trainingTabs", "Training lists")
        self.expiring = RowTable(
            "trainingExpiring", "Certifications expiring soon", EXPIRING, _pairs
        )
        self.missing = RowTable("trainingMissing", "Missing required courses", MISSING, _pairs)
        self.awaiting = RowTable(
            "trainingAwaiting", "Completions awaiting confirmation", AWAITING, _ids
        )
        self.courses = RowTable("trainingCourses", "Courses", COURSES, _ids)
        self.sessions = RowTable("trainingSessions", "Upcoming sessions", SESSIONS, _ids)
        key_action(self.expiring.table, ENTER, lambda: self.record_listed(self.expiring))
        key_action(self.missing.table, ENTER, lambda: self.record_listed(self.missing))
        self.expiring.table.doubleClicked.connect(lambda _i: self.record_listed(self.expiring))
        self.missing.table.doubleClicked.connect(lambda _i: self.record_listed(self.missing))

        self.confirm_button = self._button(
            "Confi&rm", "confirmCompletion", "Confirm the selected completion", self.confirm
        )
        key_action(self.awaiting.table, ENTER, self.confirm)
        self.awaiting.table.currentCellChanged.connect(lambda *_: self._enable())

        pages = (
            self._tab(self.expiring.table, "Enter records the renewal for the selected person."),
            self._tab(self.missing.table, "Enter records the course for the selected person."),
            self._tab(
                self.awaiting.table,
                "Completions people recorded for themselves count once a manager confirms them.",
                self.confirm_button,
            ),
            self._build_courses_tab(),
            self._build_sessions_tab(),
        )
        for page, title in zip(pages, TAB_TITLES, strict=True):
            self.tabs.addTab(page, title)
        self.tabs.tabBar().installEventFilter(self)  # a tab's mnemonic leads into its list
        return self.tabs

    def _tab(
        self, table: QWidget, hint: str, *buttons: QPushButton, after: QWidget | None = None
    ) -> QWidget:
        """A tab: its table over a row of its buttons, a hint and ``after``."""
        host = QWidget(self.tabs)
        note = QLabel(hint, host)
        note.setStyleSheet(f"color: {MUTED};")
        note.setWordWrap(True)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addWidget(note, 1)
        if after is not None:
            row.addWidget(after)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(table, 1)
        layout.addLayout(row)
        host.setFocusProxy(table)
        return host

    def _build_courses_tab(self) -> QWidget:
        self.add_course_button = self._button("&Add…", "addCourse", "Add a course", self.add_course)
        self.edit_course_button = self._button(
            "&Edit…", "editCourse", "Change the selected course", self.edit_course
        )
        self.retire_button = self._button(
            "&Retire", "retireCourse", "Retire or restore the selected course", self.retire_course
        )
        self.retired_check = named(
            QCheckBox("Show retire&d", self), "showRetiredCourses", "Show retired courses"
        )
        self.retired_check.toggled.connect(lambda _on: self._read_courses())
        key_action(self.courses.table, ENTER, self.edit_course)
        self.courses.table.doubleClicked.connect(lambda _i: self.edit_course())
        self.courses.table.currentCellChanged.connect(lambda *_: self._enable())
        return self._tab(
            self.courses.table,
            "Retired courses keep their completions and are required of nobody.",
            self.add_course_button,
            self.edit_course_button,
            self.retire_button,
            after=self.retired_check,
        )

    def _build_sessions_tab(self) -> QWidget:
        self.add_session_button = self._button(
            "&Add…", "addSession", "Plan a session of a course", self.add_session
        )
        self.edit_session_button = self._button(
            "&Edit…", "editSession", "Change the selected session", self.edit_session
        )
        self.cancel_button = self._button(
            "Ca&ncel session", "cancelSession", "Cancel the selected session", self.cancel_session
        )
        self.book_button = self._button(
            "&Book…", "bookSession", "Book someone on the selected session", self.book
        )
        self.unbook_button = self._button(
            "Unboo&k", "unbookSession", "Take the selected person off the session", self.unbook
        )
        key_action(self.sessions.table, ENTER, self.edit_session)
        self.sessions.table.doubleClicked.connect(lambda _i: self.edit_session())
        self.sessions.table.currentCellChanged.connect(lambda *_: self._show_attendees())
        booked = QWidget(self)
        self.attendees_title = named(QLabel(booked), "attendeesTitle", "Who is booked")
        self.attendees_title.setStyleSheet("font-weight: 600;")
        self.attendees = named(QListWidget(booked), "sessionAttendees", "People booked")
        self.attendees.currentRowChanged.connect(lambda _row: self._enable())
        column = QVBoxLayout(booked)
        column.setContentsMargins(4, 0, 0, 0)
        column.addWidget(self.attendees_title)
        column.addWidget(self.attendees, 1)
        split = named(QSplitter(Qt.Orientation.Horizontal, self), "trainingSessionsSplitter")
        split.setChildrenCollapsible(False)
        split.addWidget(self.sessions.table)
        split.addWidget(booked)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        remember_splitter(split, "trainingSessions")
        tab = self._tab(
            split,
            "Booking puts the session on the person's roster.",
            self.add_session_button,
            self.edit_session_button,
            self.cancel_button,
            self.book_button,
            self.unbook_button,
        )
        tab.setFocusProxy(self.sessions.table)
        return tab

    def _button(
        self, text: str, name: str, accessible: str, slot: Callable[[], None]
    ) -> QPushButton:
        """A button of the training log's keepers: disabled, saying why, for the others."""
        refused = "" if self._editor else refusal(Action.EDIT_TRAINING_LOG)
        return page_button(self, text, name, accessible, slot, refused)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A tab's mnemonic (Alt+X…) shows the tab, as usual, and puts the keyboard in it:
        the list is where its keys work (even when the tab was showing already)."""
        if watched is self.tabs.tabBar() and event.type() == QEvent.Type.Shortcut:
            self.tabs.tabBar().event(event)
            self.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return super().eventFilter(watched, event)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        self.refresh()
        self.matrix.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """Read everything again (F5): the pick lists and the matrix now; the lists, the
        courses and the sessions once the matrix is painted, each in its own read.

        Python runs one thread at a time: read alongside, the lists held the matrix back by
        as long as they took (who misses which course takes as long as the matrix itself),
        and read while it was painted, they slowed the paint."""
        engine = self._context.engine
        self._read("choices", lambda: training_choices(engine), self._choices_read)
        self._lists_due = True
        self._lists_later.stop()
        self._read_matrix()

    def _read_lists(self) -> None:
        """The lists beside the matrix, once a refresh's matrix is painted (or failed). Not
        for a page closed or left meanwhile: it paints nothing, and its database may be gone
        (another file opened); coming back into view refreshes it, lists and all."""
        if not self._lists_due or not self.isVisible():
            return
        self._lists_due = False
        engine = self._context.engine
        self._read("missing", lambda: missing_required(engine), self._missing_read)
        self._read("expiring", lambda: expiring_soon(engine), self._expiring_read)
        self._read("awaiting", lambda: awaiting_confirmation(engine), self._awaiting_read)
        self._read_courses()
        self._read_sessions()

    # -- recording and confirming -------------------------------------------------------------
    def record(self) -> None:
        """Record completion… (and Enter or a click on a cell): the selected person's
        completion of the selected course."""
        index = self.matrix.currentIndex()
        if not index.isValid():
            return
        row, course = self.model.row_at(index.row()), self.model.course_at(index.column())
        self._record(row.staff_id, row.name, course.id, course.name)

    def record_listed(self, listed: RowTable[Any]) -> None:
        """Enter on an expiring or missing certification: record its renewal."""
        row = listed.current()
        if row is not None:
            self._record(row.staff_id, row.staff, row.course_id, row.course)

    def confirm(self) -> None:
        """Confirm the selected completion someone recorded for themselves."""
        row = self.awaiting.current()
        if not self._editor or row is None:
            return
        engine, me = self._context.engine, self._context.me
        verb, day = VERBS[row.result], day_text(row.completed_on)
        message = f"Confirmed: {row.staff} {verb} {row.course} on {day}."
        self._keep_cell = (row.staff_id, row.course_id)
        self._write(lambda: confirm_completion(engine, me, row.id), message)

    def import_file(self) -> None:
        """Import completions…: the LMS import; once it imported, everything is read again."""
        if not self._editor:
            return
        dialog = TrainingImportDialog(self._context, self)
        dialog.importFinished.connect(lambda _result: self.refresh())
        self.outcome.tell("")
        dialog.open()

    def _record(self, staff_id: uuid.UUID, person: str, course_id: uuid.UUID, course: str) -> None:
        own = staff_id == self._context.me
        if not (self._editor or (own and self._own)):
            self.outcome.tell(
                f"{refusal(Action.EDIT_TRAINING_LOG)} You can record your own courses, on "
                "your row of the matrix.",
                ok=False,
            )
            return
        self._keep_cell = (staff_id, course_id)
        dialog = CompletionDialog(
            self._context,
            staff_id,
            person,
            (course_id, course),
            self._today,
            awaits=not self._editor,
            parent=self,
        )
        self.outcome.open(dialog, self._changed)

    # -- courses ------------------------------------------------------------------------------
    def add_course(self) -> None:
        if self._editor:
            self._open_course(None)

    def edit_course(self) -> None:
        """Edit… (and Enter on a course): the editor, with the course read fresh."""
        row = self.courses.current()
        if not self._editor or row is None:
            return
        engine = self._context.engine
        self._read("opening", lambda: course_detail(engine, row.id), self._open_course)

    def retire_course(self) -> None:
        """Retire the selected course (its completions stay), or restore a retired one."""
        row = self.courses.current()
        if not self._editor or row is None:
            return
        engine, me = self._context.engine, self._context.me
        change = restore_course if row.retired else retire_course
        message = (
            f"{row.name} is offered again, required of whom it was before."
            if row.retired
            else f"{row.name} is retired: its completions stay; it is required of nobody."
        )
        self._write(lambda: change(engine, me, row.id), message)

    def _open_course(self, detail: CourseDetail | None) -> None:
        dialog = CourseDialog(self._context, self._choices, detail, self)
        dialog.skillAdded.connect(self._read_choices)
        self.outcome.open(dialog, self._changed)

    # -- sessions -----------------------------------------------------------------------------
    def add_session(self) -> None:
        if self._editor:
            self._open_session(None)

    def edit_session(self) -> None:
        """Edit… (and Enter on a session)."""
        row = self.sessions.current()
        if self._editor and row is not None:
            self._open_session(row)

    def cancel_session(self) -> None:
        """Cancel session: asked first, since its bookings and their shifts go with it."""
        row = self.sessions.current()
        if not self._editor or row is None:
            return
        question = f"Cancel the session of {row.course} on {when_text(row)}?"
        if row.attendees:
            question += (
                f" Its {plural(len(row.attendees), 'booking')} and their training shifts on "
                "the roster go with it."
            )
        answer = QMessageBox.question(self, "Cancel session", question)
        if answer != QMessageBox.StandardButton.Yes:
            return
        engine, me = self._context.engine, self._context.me
        self._write(
            lambda: cancel_session(engine, me, row.id),
            f"Cancelled the session of {row.course} on {when_text(row)}.",
        )

    def book(self) -> None:
        """Book…: someone on the selected session."""
        row = self.sessions.current()
        if self._editor and row is not None:
            dialog = BookDialog(self._context, row, self._choices.staff, self)
            self.outcome.open(dialog, self._changed)

    def unbook(self) -> None:
        """Unbook: the selected person off the selected session, and its shift off their
        roster."""
        row, at = self.sessions.current(), self.attendees.currentRow()
        if not self._editor or row is None or not 0 <= at < len(row.attendees):
            return
        person = row.attendees[at]
        engine, me = self._context.engine, self._context.me
        self._write(
            lambda: unbook(engine, me, row.id, person.staff_id),
            f"Took {person.name} off {row.course}, {when_text(row)}, and the training shift "
            "off their roster.",
        )

    def _open_session(self, row: SessionRow | None) -> None:
        dialog = SessionDialog(self._context, self._choices, row, self._today, self)
        self.outcome.open(dialog, self._changed)

    # -- reading ------------------------------------------------------------------------------
    def _read(
        self,
        kind: str,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        guard = self._guards.setdefault(kind, StaleGuard())
        run_task(fn, done, failed or self.outcome.failed, parent=self, guard=guard)

    def _read_choices(self) -> None:
        engine = self._context.engine
        self._read("choices", lambda: training_choices(engine), self._choices_read)

    def _read_matrix(self) -> None:
        engine = self._context.engine
        team = self.team_combo.currentData()
        team_id = uuid.UUID(team) if team else None
        role = StaffRole(self.role_combo.currentData()) if self.role_combo.currentData() else None
        self._read(
            "matrix",
            lambda: training_matrix(engine, team_id=team_id, role=role),
            self._matrix_read,
            self._matrix_failed,
        )

    def _matrix_failed(self, error: Exception) -> None:
        """Said under the page; the lists a refresh asked for are read all the same."""
        self.outcome.failed(error)
        self._read_lists()

    def _read_courses(self) -> None:
        engine, everything = self._context.engine, self.retired_check.isChecked()
        self._read(
            "courses",
            lambda: list_courses(engine, include_retired=everything),
            self._courses_read,
        )

    def _read_sessions(self) -> None:
        engine = self._context.engine
        self._read("sessions", lambda: list_sessions(engine, since=utcnow()), self._sessions_read)

    def _choices_read(self, choices: TrainingChoices) -> None:
        self._choices = choices
        chosen = self.team_combo.currentData()
        with signals_blocked(self.team_combo):
            self.team_combo.clear()
            self.team_combo.addItem("All teams", "")
            for team in choices.teams:
                self.team_combo.addItem(team.label, str(team.id))
            self.team_combo.setCurrentIndex(max(0, self.team_combo.findData(chosen)))
        if self.team_combo.currentData() != chosen:  # the team chosen is gone
            self._read_matrix()

    def _matrix_read(self, matrix: TrainingMatrix) -> None:
        current = self.matrix.currentIndex()
        keep = self._keep_cell
        if keep is None and current.isValid():
            row, course = self.model.row_at(current.row()), self.model.course_at(current.column())
            keep = (row.staff_id, course.id)
        self._keep_cell = None
        self._today = matrix.today
        self.model.set_matrix(matrix)
        self._history_of = None
        self._fit(matrix)
        self.compliance.setText(compliance_text(matrix))
        index = self.model.find(*keep) if keep else QModelIndex()
        if not index.isValid():  # the person's own row first, else the first row
            index = self.model.find(self._context.me, None)
        if not index.isValid() and self.model.rowCount() and self.model.columnCount():
            index = self.model.index(0, 0)
        if index.isValid():
            self.matrix.setCurrentIndex(index)
            self.matrix.scrollTo(index)
        else:
            self._show_person()
        self._enable()
        self.content_shown()
        if self._lists_due:  # a refresh asked for them after the matrix (see refresh())
            self._lists_later.start()

    def _fit(self, matrix: TrainingMatrix) -> None:
        """The names' column as wide as the longest name shown (up to :data:`NAMES_MAX`),
        and the matrix no wider than its columns: the person's completions take the rest."""
        bold = self.matrix.verticalHeader().font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        widest = max((metrics.horizontalAdvance(row.name) for row in matrix.rows), default=0)
        width = min(widest + 24, NAMES_MAX)
        names = self.matrix.verticalHeader()
        names.setMinimumWidth(width)
        names.setMaximumWidth(width)
        frame = self.matrix.frameWidth() * 2 + self.matrix.verticalScrollBar().sizeHint().width()
        cells = self.matrix.horizontalHeader().defaultSectionSize() * len(matrix.courses)
        self.matrix.setMaximumWidth(max(width + cells + frame, MATRIX_MIN))

    def _cell_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._enable()
        if not current.isValid():
            return
        row = self.model.row_at(current.row())
        if row.staff_id == self._history_of:
            return
        self._history_of = row.staff_id
        self._show_person()
        engine, staff_id = self._context.engine, row.staff_id
        self._read(
            "history",
            lambda: completions_of(engine, staff_id),
            lambda rows: self._history_read(staff_id, rows),
        )

    def _show_person(self, count: int | None = None) -> None:
        """The person pane's title: whose completions, and how many once read."""
        index = self.matrix.currentIndex()
        if not index.isValid():
            self.person_title.setText("Choose a cell to read the person's completions.")
            self.history.clear()
            return
        name = self.model.row_at(index.row()).name
        counted = f" ({count})" if count is not None else ""
        self.person_title.setText(f"Completions of {name}{counted}")

    def _history_read(self, staff_id: uuid.UUID, rows: list[CompletionRow]) -> None:
        if staff_id != self._history_of:
            return
        self.history.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.course}\n{completion_detail(row)}")
            item.setToolTip(completion_line(row))
            if not row.confirmed:
                item.setForeground(QColor(AMBER))
            self.history.addItem(item)
        self.model.set_history(staff_id, rows)
        self._show_person(len(rows))

    def _expiring_read(self, rows: list[Any]) -> None:
        self.expiring.fill(rows)
        self._count(EXPIRING_TAB, len(rows))

    def _missing_read(self, rows: list[Any]) -> None:
        self.missing.fill(rows)
        self._count(MISSING_TAB, len(rows))

    def _awaiting_read(self, rows: list[CompletionRow]) -> None:
        self.awaiting.fill(rows)
        self._count(AWAITING_TAB, len(rows))
        self._enable()

    def _courses_read(self, rows: list[CourseRow]) -> None:
        self.courses.fill(rows, self._keep_course)
        self._keep_course = None
        self._count(COURSES_TAB, sum(1 for row in rows if not row.retired))
        self._enable()

    def _sessions_read(self, rows: list[SessionRow]) -> None:
        self.sessions.fill(rows, self._keep_session)
        self._keep_session = None
        self._count(SESSIONS_TAB, len(rows))
        self._show_attendees()

    def _count(self, tab: int, count: int) -> None:
        self.tabs.setTabText(tab, f"{TAB_TITLES[tab]} ({count})")

    def _show_attendees(self) -> None:
        row = self.sessions.current()
        self.attendees.clear()
        if row is None:
            self.attendees_title.setText("Booked")
        else:
            self.attendees_title.setText(f"Booked: {len(row.attendees)}")
            self.attendees.addItems([attendee.name for attendee in row.attendees])
        self._enable()

    # -- writing ------------------------------------------------------------------------------
    def _write(self, fn: Callable[[], object], message: str) -> None:
        run_task(fn, lambda _none: self._changed(None, message), self.outcome.failed, self)

    def _changed(self, subject: uuid.UUID | None, message: str) -> None:
        """A write landed: say so, and read everything again, the subject selected."""
        self.outcome.tell(message, ok=True)
        self._keep_course = self._keep_session = subject
        self.refresh()

    def _enable(self) -> None:
        has_cell = self.matrix.currentIndex().isValid()
        self.record_button.setEnabled(has_cell and (self._editor or self._own))
        session = self.sessions.current()
        course = self.courses.current()
        for button, usable in (
            (self.confirm_button, self.awaiting.current() is not None),
            (self.edit_course_button, course is not None),
            (self.retire_button, course is not None),
            (self.edit_session_button, session is not None),
            (self.cancel_button, session is not None),
            (self.book_button, session is not None),
            (self.unbook_button, session is not None and self.attendees.currentRow() >= 0),
        ):
            button.setEnabled(self._editor and usable)
        self.retire_button.setText(
            "&Restore" if course is not None and course.retired else "&Retire"
        )
