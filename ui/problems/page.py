"""The Problems page (object name ``problemView``): the problem list with its filters beside
the problem editor, and the candidates repeat-incident detection finds.

The **Problems** tab: a filter bar like the queue's (text, status, owner, priority; open
problems by default) over the one SQL-paged model (:mod:`ui.kit.paged_model`) on
:class:`app.problems.listing.ProblemQuery`, sortable by number, status, priority, target
date and last update (a click on the header), and beside it, in a remembered splitter, the
selected problem in :class:`ui.problems.editor.ProblemEditor`. A problem still open after
its target date is marked in its column in words and colour. New problem… (Alt+B) records
one and selects it. Moving to another problem, or off the page, with unsaved edits asks
first.

The **Candidates** tab (:class:`ui.problems.candidates.CandidatesView`): what detection
finds, run in the background when the tab is first shown and on F5; "Create problem" makes
one with its incidents linked and brings it up here.

Everyone may look; recording and changing problems needs :attr:`Action.MANAGE_PROBLEMS`
(technicians and up): for anyone else the buttons are disabled, and the page says why in
words at the top. The keyboard: the filter box has it when the page opens (Alt+N comes back
to it); Down goes into the list; Tab from the list reaches the editor.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.assets.register import day_text, local_today
from app.context import AppContext
from app.permissions import Action, context_may, refusal
from app.pick_lists import Choice, TicketChoices, ticket_choices
from app.problems.detail import ProblemDetail
from app.problems.listing import (
    OPEN_PROBLEM_STATUSES,
    OwnerChoice,
    ProblemColumn,
    ProblemFilter,
    ProblemQuery,
    ProblemRow,
    ProblemSort,
)
from models.enums import Priority, ProblemStatus
from ui.kit.flow_layout import FlowLayout
from ui.kit.paged_model import PAGE_SIZE, POLL_MS, Colours, ColumnSpec, PagedTableModel, RowRole
from ui.kit.remembered import remember_columns, remember_splitter
from ui.kit.tasks import run_task
from ui.kit.widgets import (
    MUTED,
    RED,
    filter_line,
    fit_columns,
    key_action,
    named,
    page_button,
    paged_table,
    signals_blocked,
)
from ui.problems import ProblemRequest
from ui.problems.candidates import CandidatesView
from ui.problems.dialogs import NewProblemDialog
from ui.problems.editor import ProblemEditor
from ui.shell.pages import Page
from ui.tickets.requests import TicketRequest, TicketSaved

TEXT_DEBOUNCE_MS = 200
FILTER_PLACEHOLDER = "Number or words of the title"
_PLAIN: Colours = (None, None)
_LATE: Colours = (QColor(RED), None)
STATUS_CHOICES: tuple[tuple[str, frozenset[ProblemStatus]], ...] = (
    ("Open problems", OPEN_PROBLEM_STATUSES),
    ("Any status", frozenset(ProblemStatus)),
    *((status.label, frozenset({status})) for status in ProblemStatus),
)
ANY_STATUS = 1  # the status filter's "Any status"
OWNER_CHOICES = (("Any owner", "anyone"), ("Mine", "me"), ("Unowned", "unowned"))
PRIORITY_CHOICES: tuple[tuple[str, frozenset[Priority]], ...] = (
    ("Any priority", frozenset()),
    *((priority.label, frozenset({priority})) for priority in Priority),
)
DEFAULT_FILTER = ProblemFilter()
DEFAULT_SORT = ProblemSort()


class Column(IntEnum):
    """Table columns, in the order of :data:`COLUMNS`."""

    NUMBER = 0
    TITLE = 1
    STATUS = 2
    PRIORITY = 3
    INCIDENTS = 4
    OWNER = 5
    TARGET = 6
    UPDATED = 7


_COLUMN_SAMPLES = {
    Column.NUMBER: "PRB-000000",
    Column.TITLE: "Print jobs stick in the queue on HP LaserJet",
    Column.STATUS: "Root cause known",
    Column.PRIORITY: "P3 Medium",
    Column.INCIDENTS: "Incidents",
    Column.OWNER: "Piotr Wiśniewski",
    Column.TARGET: "⚠ 30 Sep 2026 overdue",
    Column.UPDATED: "30 Sep 2026",
}


def target_text(row: ProblemRow, now: datetime) -> str:
    """The target date, marked "⚠ … overdue" once an open problem is past it."""
    if row.target_date is None:
        return "—"
    shown = day_text(row.target_date)
    return f"⚠ {shown} overdue" if row.overdue(local_today(now)) else shown


def _sort(column: ProblemColumn) -> Callable[[bool], ProblemSort]:
    return lambda descending: ProblemSort(column, descending)


def _plain(text: Callable[[ProblemRow], str]) -> Callable[[ProblemRow, datetime], str]:
    return lambda row, _now: text(row)


COLUMNS: tuple[ColumnSpec[ProblemRow, ProblemSort], ...] = (
    ColumnSpec("Number", _plain(lambda r: r.reference), sort=_sort(ProblemColumn.NUMBER)),
    ColumnSpec("Title", _plain(lambda r: r.title), full_text_tip=True),
    ColumnSpec("Status", _plain(lambda r: r.status.label), sort=_sort(ProblemColumn.STATUS)),
    ColumnSpec("Priority", _plain(lambda r: r.priority.label), sort=_sort(ProblemColumn.PRIORITY)),
    ColumnSpec("Incidents", _plain(lambda r: f"{r.incidents:,}"), align_right=True),
    ColumnSpec("Owner", _plain(lambda r: r.owner_name or "—"), full_text_tip=True),
    ColumnSpec(
        "Target date",
        target_text,
        sort=_sort(ProblemColumn.TARGET),
        colours=lambda r, now: _LATE if r.overdue(local_today(now)) else _PLAIN,
        ticking=True,
    ),
    ColumnSpec(
        "Updated",
        _plain(lambda r: day_text(r.updated_at.astimezone().date())),
        sort=_sort(ProblemColumn.UPDATED),
    ),
)


class ProblemModel(PagedTableModel[ProblemRow, ProblemFilter, ProblemSort]):
    """The problem list, fetched page by page; see :mod:`ui.kit.paged_model`."""

    def __init__(self, query: ProblemQuery, parent: QObject | None = None, **options: Any) -> None:
        super().__init__(query, COLUMNS, (DEFAULT_FILTER, DEFAULT_SORT), parent, **options)


def _problem_at(index: QModelIndex) -> ProblemRow | None:
    row = index.data(RowRole) if index.isValid() else None
    return row if isinstance(row, ProblemRow) else None


class ProblemsPage(Page):
    """The problem list and editor, and the candidates; see the module docstring."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        poll_ms: int = POLL_MS,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        named(self, "problemView", "Problems")
        self._context = context
        self._may_write = context_may(context, Action.MANAGE_PROBLEMS)
        self._choices: TicketChoices | None = None
        self._select_after: uuid.UUID | None = None  # selected once its row is read
        self._quiet_selection = False  # the program moves the selection: no question, no read
        self.model = ProblemModel(
            ProblemQuery(context.engine), self, page_size=page_size, poll_ms=poll_ms
        )
        # Rows read again move the table's current row by themselves, not the person: said
        # before the table's selection model hears of it (connected first, called first).
        self.model.modelAboutToBeReset.connect(lambda: self._set_quiet(True))
        self.model.modelReset.connect(lambda: self._set_quiet(False))
        self.model.rowsAboutToBeRemoved.connect(lambda *_args: self._set_quiet(True))
        self.model.rowsRemoved.connect(lambda *_args: self._set_quiet(False))
        self._text_timer = QTimer(self, singleShot=True, interval=TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._apply_filters)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.refusal_note = named(QLabel(self), "problemsRefusal", "Why the buttons are off")
        self.refusal_note.setWordWrap(True)
        self.refusal_note.setStyleSheet(f"color: {MUTED};")
        if not self._may_write:  # in words: a tooltip needs a mouse, and Tab skips them
            self.refusal_note.setText(
                f"{refusal(Action.MANAGE_PROBLEMS)} You can read problems and their "
                "candidates, and open their incidents."
            )
        else:
            self.refusal_note.hide()
        layout.addWidget(self.refusal_note)
        self.tabs = named(QTabWidget(self), "problemsTabs", "Problems and candidates")
        self.tabs.addTab(self._build_problems(), "&Problems")
        self.candidates = CandidatesView(context, self)
        self.candidates.problemCreated.connect(self._created_from_candidate)
        self.tabs.addTab(self.candidates, "C&andidates")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.filter_edit)

        self.model.countChanged.connect(self._count_changed)
        self.model.failed.connect(self._query_failed)
        self.model.loaded.connect(self._rows_loaded)
        self.model.modelReset.connect(self._rows_loaded)
        self._apply_filters()
        engine = context.engine
        run_task(lambda: ticket_choices(engine), self._choices_read, parent=self)

    # -- building -----------------------------------------------------------------------------
    def _build_problems(self) -> QWidget:
        tab = named(QWidget(), "problemsTab", "Problems")
        bar = self._build_filter_bar()
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal, tab), "problemsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_list())
        self.editor = ProblemEditor(self._context, self.splitter)
        self.editor.changed.connect(self._problem_changed)
        self.editor.ticketAsked.connect(
            lambda ticket_id: self.navigate.emit("ticket", TicketRequest(ticket_id=ticket_id))
        )
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([420, 600])
        remember_splitter(self.splitter, "problems")
        column = QVBoxLayout(tab)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(bar)
        column.addWidget(self.splitter, 1)
        return tab

    def _build_filter_bar(self) -> QFrame:
        bar = named(QFrame(self), "filterBar", "Problem filters")
        self.filter_edit = filter_line(
            bar,
            "problemFilter",
            FILTER_PLACEHOLDER,
            "A problem's number (PRB-000042, 42) or words of its title; every word must match. "
            "Down: go to the problems · Esc: clear",
        )
        self.filter_edit.setMinimumWidth(160)
        self.filter_edit.textChanged.connect(lambda _text: self._text_timer.start())
        find = QLabel("Fi&nd:", bar)
        find.setBuddy(self.filter_edit)
        self.status_combo = self._combo(bar, "problemStatusFilter", "Status", STATUS_CHOICES)
        self.owner_combo = self._combo(bar, "problemOwnerFilter", "Owner", OWNER_CHOICES)
        self.priority_combo = self._combo(
            bar, "problemPriorityFilter", "Priority", PRIORITY_CHOICES
        )
        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(find)
        row.addWidget(self.filter_edit, 2)
        filters = QWidget(bar)
        flow = FlowLayout(filters)
        flow.setSpacing(10)
        # Each filter says what it is in its choices ("Any owner"), so the bar needs no
        # captions and fits a 1024-wide window in one row.
        for combo in (self.status_combo, self.owner_combo, self.priority_combo):
            flow.addWidget(combo)
        row.addWidget(filters, 3)
        return bar

    def _combo(
        self, parent: QWidget, name: str, accessible: str, choices: tuple[tuple[str, Any], ...]
    ) -> QComboBox:
        combo = named(QComboBox(parent), name, f"{accessible} filter")
        for label, value in choices:
            combo.addItem(label, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.activated.connect(lambda _index: self._apply_filters())
        return combo

    def _build_list(self) -> QWidget:
        box = QWidget()
        self.table = paged_table(box, self.model, "problemTable", "Problems")
        fit_columns(self.table, _COLUMN_SAMPLES, lambda c: COLUMNS[c].header, stretch=None)
        header = self.table.horizontalHeader()
        remember_columns(header, "problems")
        header.setSortIndicator(Column.NUMBER, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        key_action(self.filter_edit, (Qt.Key.Key_Down, Qt.Key.Key_PageDown), self.focus_table)
        key_action(self.filter_edit, (Qt.Key.Key_Escape,), self._clear_text)
        self.filter_edit.returnPressed.connect(self.focus_table)
        key_action(self.table, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self._into_editor)
        self.new_button = page_button(
            box,
            "New pro&blem…",
            "newProblem",
            "Record a new problem",
            self.new_problem,
            "" if self._may_write else refusal(Action.MANAGE_PROBLEMS),
        )
        self.count_label = named(QLabel("", box), "problemCount", "Number of problems")
        self.count_label.setStyleSheet(f"color: {MUTED};")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.count_label, 1, Qt.AlignmentFlag.AlignRight)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        return box

    def _into_editor(self) -> None:
        self.editor.focus_fields()

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        """Arriving here: the rows read again, and the keyboard in the filter box."""
        if not self.model.is_fetching():
            self.model.refresh()
        if self.tabs.currentIndex() == 0:
            self.focus_filter()
        else:
            self.candidates.setFocus()

    def refresh(self) -> None:
        """F5: the problems and the problem shown read again (its edits kept unless there
        are none), or detection run again on the Candidates tab."""
        if self.tabs.currentWidget() is self.candidates:
            self.candidates.run()
            return
        self.model.refresh()
        if not self.editor.has_unsaved_changes():
            self.editor.reload()
        engine = self._context.engine
        run_task(lambda: ticket_choices(engine), self._choices_read, parent=self)

    def handle(self, request: object) -> bool:
        """A :class:`ProblemRequest` from another page: that problem is shown."""
        if isinstance(request, ProblemRequest):
            if not self._may_drop_edits():
                return False
            self.show_problem(request.problem_id)
        return True

    def notice(self, event: object) -> None:
        """A ticket saved in the editor may be an incident here: the rows and the problem
        shown read again (unless it has edits)."""
        if isinstance(event, TicketSaved):
            self.model.refresh()
            if not self.editor.has_unsaved_changes():
                self.editor.reload()

    def may_leave(self) -> bool:
        return self._may_drop_edits()

    # -- public -------------------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def focus_table(self) -> None:
        """Into the list, on the first problem unless one is selected already."""
        self._apply_filters()
        if not self.model.rowCount():
            return
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid():
            self._select_row(0)

    def current(self) -> ProblemRow | None:
        """The selected problem, once its row is loaded."""
        return _problem_at(self.table.currentIndex())

    def current_filter(self) -> ProblemFilter:
        owner: OwnerChoice = self.owner_combo.currentData()
        if owner == "me":
            owner = self._context.me
        return ProblemFilter(
            statuses=self.status_combo.currentData(),
            priorities=self.priority_combo.currentData(),
            owner=owner,
            text=self.filter_edit.text(),
        )

    def new_problem(self) -> None:
        """New problem… (Alt+B): record one; it is selected once recorded."""
        if not self._may_write or not self._may_drop_edits():
            return
        self.tabs.setCurrentIndex(0)
        dialog = NewProblemDialog(self._context, self._staff(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._recorded(dialog.subject(), dialog.summary()))
        dialog.open()

    def show_problem(self, problem_id: uuid.UUID, said: str = "") -> None:
        """Bring that problem up: the filters cleared (any status, so a resolved or closed one
        is listed too), it selected and in the editor; ``said``: what was done to it, in the
        editor's line."""
        self.tabs.setCurrentIndex(0)
        with signals_blocked(self.filter_edit):
            self.filter_edit.clear()
        self.status_combo.setCurrentIndex(ANY_STATUS)
        self.owner_combo.setCurrentIndex(0)
        self.priority_combo.setCurrentIndex(0)
        self._select_after = problem_id
        self.editor.load(problem_id, said)
        self._apply_filters()
        self.model.refresh()

    # -- filters and rows ---------------------------------------------------------------------
    def _apply_filters(self) -> None:
        self._text_timer.stop()
        self.model.set_query(self.current_filter())

    def _clear_text(self) -> None:
        self.filter_edit.clear()
        self._apply_filters()

    def _sort_indicator_changed(self, section: int, _order: Qt.SortOrder) -> None:
        """A column that sorts by nothing puts the arrow back on the rows' order."""
        if COLUMNS[section].sort is not None:
            return
        sort = self.model.query_sort
        column = next(
            c
            for c, spec in enumerate(COLUMNS)
            if spec.sort and spec.sort(False).column == sort.column
        )
        order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
        with signals_blocked(self.table.horizontalHeader()):
            self.table.horizontalHeader().setSortIndicator(column, order)

    def _staff(self) -> list[Choice]:
        return self._choices.lists.staff if self._choices is not None else []

    def _choices_read(self, choices: TicketChoices) -> None:
        self._choices = choices
        self.editor.set_choices(choices.lists.staff, choices.lists.categories)

    def _count_changed(self, count: int) -> None:
        text = f"{count:,} problems" if count != 1 else "1 problem"
        self.count_label.setText(text if count else "No problems match")
        self.count_label.setToolTip("")

    def _query_failed(self, message: str) -> None:
        self.count_label.setText("Problems not available")
        self.count_label.setToolTip(message)

    def _rows_loaded(self) -> None:
        """Fresh rows: the problem wanted (just recorded, or the one in the editor) selected;
        one no longer listed (resolved under the open filter) leaves no other selected, and
        stays in the editor; with nothing in the editor, the first is shown."""
        wanted = self._select_after
        if wanted is None and self.editor.detail is not None:
            wanted = self.editor.detail.id
        current = self.current()
        if wanted is not None and (current is None or current.id != wanted):
            row = self.model.row_of(wanted)
            if row is not None:
                self._select_row(row, quiet=True)
            elif current is not None and not self.model.is_fetching():
                self._select_row(None, quiet=True)
        current = self.current()
        if current is not None and current.id == wanted:
            self._select_after = None
        if (
            not self.table.currentIndex().isValid()
            and self.editor.detail is None
            and self._select_after is None
            and self.model.rowCount()
            and self.model.is_loaded(0)
        ):
            self._select_row(0)
        self._check_version()
        self.content_shown()

    def _check_version(self) -> None:
        """The problem shown was saved elsewhere (its row has a newer version): shown again
        at once when nothing is edited here; with edits, the save will say so."""
        row, detail = self.current(), self.editor.detail
        if row is None or detail is None or row.id != detail.id:
            return
        if row.version > detail.version and not self.editor.has_unsaved_changes():
            self.editor.reload()

    def _select_row(self, row: int | None, *, quiet: bool = False) -> None:
        """Select ``row`` (None: none) without scrolling away from where the person reads;
        ``quiet``: the editor shows that problem already (or will), so it is not read
        again."""
        index = self.model.index(row, 0) if row is not None else QModelIndex()
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        with self._quiet(quiet):
            self.table.setAutoScroll(False)
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.setAutoScroll(True)

    def _set_quiet(self, quiet: bool) -> None:
        self._quiet_selection = quiet

    @contextmanager
    def _quiet(self, quiet: bool = True) -> Iterator[None]:
        """Selection changes inside are the program's (rows read again, a row put back),
        not the person's: no question, no problem read."""
        before, self._quiet_selection = self._quiet_selection, self._quiet_selection or quiet
        try:
            yield
        finally:
            self._quiet_selection = before

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        """The selection moved: that problem in the editor, once edits here are saved or
        given up (asked); kept, the selection goes back to the problem edited."""
        if self._quiet_selection:
            return
        row, shown = self.current(), self.editor.detail
        if row is None or (shown is not None and row.id == shown.id):
            return
        if shown is not None and not self._may_drop_edits():
            self._select_row(self.model.row_of(shown.id), quiet=True)
            return
        self.editor.load(row.id)

    def _may_drop_edits(self) -> bool:
        """With unsaved edits in the editor, ask whether to leave them."""
        detail = self.editor.detail
        if detail is None or not self.editor.has_unsaved_changes():
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved edits",
            f"{detail.reference} has edits that are not saved. Leave them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- writing ------------------------------------------------------------------------------
    def _recorded(self, problem_id: uuid.UUID, summary: str) -> None:
        """A new problem: in the editor, the keyboard on its title (to go on filling it)."""
        self.show_problem(problem_id, summary)
        self.editor.title_edit.setFocus()

    def _created_from_candidate(self, problem_id: uuid.UUID, summary: str) -> None:
        """A candidate made into a problem: in the list and the editor."""
        self.show_problem(problem_id, summary)
        self.table.setFocus()

    def _problem_changed(self, _detail: ProblemDetail) -> None:
        self.model.refresh()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.candidates:
            self.candidates.first_shown()
