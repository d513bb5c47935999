"""The roster page (object name ``rosterView``): a week of shifts, people by days, with the
week's conflicts and the desk's cover under it.

The week is read in one call (:func:`app.roster.week.week`, its conflicts and cover with it)
off the GUI thread; the week on screen stays until the next one arrives, so stepping through
weeks never shows an empty grid, and only the newest answer is shown. The weeks either side
are read ahead (:mod:`ui.roster.read_ahead`), so Page Up and Page Down show theirs at once
(and then read it again). Filters by team and site narrow the people (and the cover to the site).

The keyboard route: the grid has the keyboard; arrows move between days and people; Page Up
and Page Down step a week, Home comes back to this week; Enter changes the day's shift (or
adds one to an empty day), Insert or typing a type's first letter adds one, Delete removes
the day's shifts after asking, Ctrl+C and Ctrl+V copy a day's shifts to another day or
person. With the mouse, a day's shifts are dragged to another day or person (Ctrl copies).
Under the grid, Enter or a double click on a conflict goes to its day.

"Print the week…" prints the week on screen (with its filters) through Qt's print dialog,
from the landscape PDF that "Save as PDF…" saves (:mod:`app.roster.pdf`, made off the GUI
thread; :mod:`ui.kit.print_pdf` prints it).

Changing the roster is a manager's (:attr:`Action.EDIT_ROSTER`); for everyone else the grid
is read-only and the buttons are disabled with the reason, said on the page too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
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
from app.permissions import Action, context_may, refusal
from app.roster.choices import RosterChoices, roster_choices
from app.roster.local_time import WEEK, day_text, monday_of
from app.roster.shifts import copy_shifts, copy_week, delete_shift, move_shift
from app.roster.week import RosterWeek
from models.clock import utcnow
from ui.kit.outcome import OutcomeLines
from ui.kit.print_pdf import print_made, save_and_open
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    MUTED,
    RED,
    key_action,
    named,
    page_button,
    plural,
    refill_filter,
    signals_blocked,
)
from ui.roster.cover import CoverPanel
from ui.roster.delegate import CONFLICT_MARK, ShiftDelegate, row_height
from ui.roster.model import Cell, RosterModel
from ui.roster.on_now_panel import ON_NOW_MS, OnNowPanel
from ui.roster.read_ahead import WeekKey, WeekReader
from ui.roster.rotation_dialog import RotationDialog
from ui.roster.shift_dialog import ShiftDialog
from ui.shell.pages import Page

HINT = (
    "Enter changes a day, Ins or a letter adds a shift, Del removes, Ctrl+C / Ctrl+V copy, "
    "drag moves (Ctrl copies), PgUp / PgDn step a week."
)


def today() -> date:
    """Today at the workstation, from the program's clock."""
    return utcnow().astimezone().date()


class RosterGrid(QTableView):
    """The week's table: one day selected at a time; a printable key adds a shift."""

    typed = Signal(str)

    def __init__(self, model: RosterModel, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "rosterGrid", "Roster week")
        self.setModel(model)
        self.setItemDelegate(ShiftDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        columns = self.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        columns.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("Desk early") + 28)
        columns.setHighlightSections(True)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(row_height(self.fontMetrics(), 1))
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows.setHighlightSections(True)
        self._editable = editable
        if editable:
            self.setDragEnabled(True)
            self.setAcceptDrops(True)
            self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
            self.setDefaultDropAction(Qt.DropAction.MoveAction)
            self.setDragDropOverwriteMode(True)
            self.setDropIndicatorShown(True)

    def fit_rows(self) -> None:
        """Each row as tall as its busiest day needs, once a week is in the model.

        The new week repaints the whole grid. What Qt would do on timers after that paint,
        each asking for another, is done here: the rows are resized with the header's signals
        held (each resized row starts the view's repaint of the rows under it), and the
        layout the model's new header titles asked for is done now (it also sets the scroll
        range for the new heights)."""
        model = self.model()
        assert isinstance(model, RosterModel)
        rows = self.verticalHeader()
        with signals_blocked(rows):
            for row, shown in enumerate(model.week.rows if model.week else ()):
                busiest = max(len(day) for day in shown.days)
                rows.resizeSection(row, row_height(self.fontMetrics(), busiest))
        self.executeDelayedItemsLayout()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        if self._editable and plain and text.isprintable() and text.strip():
            self.typed.emit(text)
            event.accept()
            return
        super().keyPressEvent(event)


class RosterPage(Page):
    """The roster week, its conflicts and cover (object name ``rosterView``)."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, on_now_ms: int = ON_NOW_MS
    ) -> None:
        """``on_now_ms``: how often the "Who is on" tab reads again while shown (0: never)."""
        super().__init__(parent)
        named(self, "rosterView", "Roster")
        self._on_now_ms = on_now_ms
        self._context = context
        self._editor = context_may(context, Action.EDIT_ROSTER)
        self._monday = monday_of(today())  # the week asked for (on screen once it arrives)
        self._choices: RosterChoices | None = None
        self._copied: Cell | None = None  # the day Ctrl+C copied
        self._when_read: Callable[[], None] | None = None  # asked for before a week was read
        self._choice_reads = StaleGuard()
        self.reader = WeekReader(context.engine, self)
        self.reader.arrived.connect(self._arrived)
        self.model = RosterModel(self._editor, self)
        self.model.dropped.connect(self._dropped)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(self._build_week_bar())
        self.note = named(QLabel(self), "rosterNote", "About this page")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        self.note.setText(HINT if self._editor else refusal(Action.EDIT_ROSTER))
        title_row = QHBoxLayout()
        title_row.addWidget(self.week_label)
        title_row.addSpacing(12)
        title_row.addWidget(self.note, 1)
        layout.addLayout(title_row)
        self.splitter = named(QSplitter(Qt.Orientation.Vertical, self), "rosterSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.grid = RosterGrid(self.model, self._editor, self.splitter)
        self.grid.typed.connect(lambda text: self.add(text))
        self.grid.doubleClicked.connect(lambda _index: self.edit())
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(self._build_tabs())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        remember_splitter(self.splitter, "roster")
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self._build_buttons())
        self.outcome = OutcomeLines("roster")
        self.outcome.add_to(layout)
        self.reader.failed.connect(self.outcome.failed)
        self.setFocusProxy(self.grid)
        self._build_keys()
        self.grid.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self._enable()
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build_week_bar(self) -> QHBoxLayout:
        self.previous_button = page_button(
            self, "◀ &Previous", "previousWeek", "Previous week", self.previous_week
        )
        self.this_week_button = page_button(
            self, "This &week", "thisWeek", "This week", self.this_week
        )
        self.next_button = page_button(self, "Ne&xt ▶", "nextWeek", "Next week", self.next_week)
        self.date_edit = named(QDateEdit(self), "rosterWeekPicker", "Go to the week of")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.date_edit.setDate(_qdate(self._monday))
        self.date_edit.dateChanged.connect(lambda chosen: self._go(monday_of(chosen.toPython())))
        go = QLabel("&Go to:", self)
        go.setBuddy(self.date_edit)
        self.week_label = named(QLabel(self), "rosterWeekTitle", "Week shown")
        self.week_label.setStyleSheet("font-weight: 600;")
        self.team_combo = self._filter_combo("rosterTeamFilter", "Team", "All teams")
        self.site_combo = self._filter_combo("rosterSiteFilter", "Site", "All sites")
        bar = QHBoxLayout()
        for widget in (self.previous_button, self.this_week_button, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(8)
        bar.addWidget(go)
        bar.addWidget(self.date_edit)
        bar.addStretch(1)
        for caption, combo in (("Tea&m:", self.team_combo), ("S&ite:", self.site_combo)):
            buddy = QLabel(caption, self)
            buddy.setBuddy(combo)
            bar.addSpacing(6)
            bar.addWidget(buddy)
            bar.addWidget(combo)
        return bar

    def _filter_combo(self, name: str, accessible: str, everyone: str) -> QComboBox:
        combo = named(QComboBox(self), name, accessible)
        combo.addItem(everyone, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.activated.connect(lambda _index: self._load())
        return combo

    def _build_tabs(self) -> QTabWidget:
        self.tabs = named(QTabWidget(self.splitter), "rosterTabs", "Conflicts and desk cover")
        self.conflicts = named(QListWidget(), "rosterConflicts", "Conflicts of the week")
        self.conflicts.setWordWrap(True)
        self.conflicts.itemDoubleClicked.connect(lambda _item: self.go_to_conflict())
        key_action(self.conflicts, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.go_to_conflict)
        self.cover = named(CoverPanel(), "rosterCover", "Desk cover")
        self.on_now = OnNowPanel(self._context, interval_ms=self._on_now_ms)
        self.tabs.addTab(self.conflicts, "Conf&licts")
        self.tabs.addTab(self.cover, "&Desk cover")
        self.tabs.addTab(self.on_now, "Who is on &now")
        return self.tabs

    def _build_buttons(self) -> QHBoxLayout:
        refused = "" if self._editor else refusal(Action.EDIT_ROSTER)

        def button(text: str, name: str, accessible: str, slot: Callable[[], None]) -> QPushButton:
            return page_button(self, text, name, accessible, slot, refused)

        self.add_button = button("&Add…", "addShift", "Add a shift on the day", self.add_new)
        self.edit_button = button("&Edit…", "editShift", "Change the day's shift", self.edit)
        self.remove_button = button(
            "&Remove", "removeShifts", "Remove the day's shifts", self.remove
        )
        self.copy_week_button = button(
            "Cop&y this week to next week",
            "copyWeek",
            "Copy this week's shifts to the next week",
            self.copy_week,
        )
        self.rotation_button = button("R&otation…", "rotation", "Plan a rotation", self.rotation)
        self.print_button = page_button(
            self, "Print the wee&k…", "printWeek", "Print the week", self.print_week
        )
        self.print_button.setToolTip(
            "Prints the week shown, with its filters, on landscape pages (Ctrl+P)."
        )
        self.pdf_button = page_button(
            self, "Save as PDF…", "saveWeekPdf", "Save the week as PDF", self.save_pdf
        )
        self.pdf_button.setToolTip(
            "Saves the week shown, with its filters, as a landscape PDF and opens it "
            "(File › Save the roster week as PDF…)."
        )
        row = QHBoxLayout()
        for widget in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.rotation_button)
        row.addWidget(self.copy_week_button)
        row.addSpacing(12)
        row.addWidget(self.print_button)
        row.addWidget(self.pdf_button)
        return row

    def rotation(self) -> None:
        """Rotation… : a rota planned from the week and site on screen, previewed before it is
        written."""
        if not self._editor:
            return
        dialog = RotationDialog(
            self._context, self, monday=self._monday, site_id=self.site_combo.currentData()
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._changed(dialog.summary()))
        dialog.open()

    def _build_keys(self) -> None:
        """The grid's keys, also its context menu (disabled for a reader, like the buttons)."""
        grid = self.grid
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for keys, slot, text in (
            ((Qt.Key.Key_Return, Qt.Key.Key_Enter), self.edit, "Change the shift…\tEnter"),
            ((Qt.Key.Key_Insert,), self.add_new, "Add a shift…\tIns"),
            ((Qt.Key.Key_Delete,), self.remove, "Remove the shifts…\tDel"),
            ((QKeySequence.StandardKey.Copy,), self.copy, "Copy the shifts\tCtrl+C"),
            ((QKeySequence.StandardKey.Paste,), self.paste, "Paste the shifts here\tCtrl+V"),
        ):
            action = key_action(grid, keys, slot, text)
            action.setEnabled(self._editor or slot == self.copy)
        for key, slot in (
            (Qt.Key.Key_PageUp, self.previous_week),
            (Qt.Key.Key_PageDown, self.next_week),
            (Qt.Key.Key_Home, self.this_week),
        ):
            QShortcut(QKeySequence(key), grid, slot, context=Qt.ShortcutContext.WidgetShortcut)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        self.refresh()
        self.grid.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """Read the lists and the week again (F5)."""
        self.reader.forget()
        engine = self._context.engine
        run_task(
            lambda: roster_choices(engine),
            self._choices_read,
            self.outcome.failed,
            parent=self,
            guard=self._choice_reads,
        )
        self._load()
        self.on_now.refresh()

    # -- weeks --------------------------------------------------------------------------------
    def previous_week(self) -> None:
        self._go(self._monday - WEEK)

    def next_week(self) -> None:
        self._go(self._monday + WEEK)

    def this_week(self) -> None:
        self._go(monday_of(today()))

    def _go(self, monday: date) -> None:
        """Ask for the week of ``monday``; the one on screen stays until it arrives."""
        if monday == self._monday:
            return
        self._monday = monday
        with signals_blocked(self.date_edit):
            self.date_edit.setDate(_qdate(monday))
        self._load()

    def _load(self) -> None:
        self.reader.ask(
            WeekKey(self._monday, self.site_combo.currentData(), self.team_combo.currentData())
        )

    def _arrived(self, _key: WeekKey, shown: RosterWeek) -> None:
        """Put the week on screen, keeping the current person and weekday."""
        current = self.current_cell()
        column = max(self.grid.currentIndex().column(), 0)
        self.model.set_week(shown, today())
        if current is not None and not self.grid.currentIndex().isValid():
            at = self.model.index_of(current.staff_id, shown.days[column])
            if at.isValid():
                self.grid.setCurrentIndex(at)
        if not self.grid.currentIndex().isValid() and shown.rows:
            self.grid.setCurrentIndex(self.model.index(0, column))
        self.grid.fit_rows()
        sunday = shown.days[-1]
        iso = shown.monday.isocalendar()
        self.week_label.setText(
            f"Week {iso.week}: {shown.monday.day} {shown.monday:%b} – {sunday.day} {sunday:%b %Y}"
        )
        self._show_conflicts(shown)
        self.cover.set_coverage(shown.coverage, today())
        gaps = len(shown.gaps)
        self.tabs.setTabText(1, f"&Desk cover ({plural(gaps, 'gap')})" if gaps else "&Desk cover")
        self._enable()
        self.content_shown()
        then, self._when_read = self._when_read, None
        if then is not None:
            then()

    def _choices_read(self, choices: RosterChoices) -> None:
        self._choices = choices
        for combo, items in ((self.team_combo, choices.teams), (self.site_combo, choices.sites)):
            refill_filter(combo, items)

    # -- the cell under the keyboard ----------------------------------------------------------
    def current_cell(self) -> Cell | None:
        return self.model.cell(self.grid.currentIndex())

    def select_cell(self, staff_id: uuid.UUID, day: date) -> None:
        """Make the day of ``staff_id`` the current cell, and give the grid the keyboard."""
        at = self.model.index_of(staff_id, day)
        if at.isValid():
            self.grid.setCurrentIndex(at)
            self.grid.scrollTo(at)
            self.grid.setFocus(Qt.FocusReason.OtherFocusReason)

    def _enable(self) -> None:
        cell = self.current_cell()
        has_shifts = cell is not None and bool(cell.shifts)
        self.add_button.setEnabled(self._editor and cell is not None)
        self.edit_button.setEnabled(self._editor and cell is not None)
        self.remove_button.setEnabled(self._editor and has_shifts)
        self.copy_week_button.setEnabled(self._editor and self.model.week is not None)
        self.print_button.setEnabled(self.model.week is not None)
        self.pdf_button.setEnabled(self.model.week is not None)

    # -- changing the roster ------------------------------------------------------------------
    def add(self, typed: str = "") -> None:
        """A letter typed on the grid: a new shift of the type it starts."""
        self._open_dialog(add=True, typed=typed)

    def add_new(self) -> None:
        """Add… (and Insert): a new shift on the day. Its own slot, as a button's and an
        action's signals hand their "checked" flag to whatever they call."""
        self._open_dialog(add=True)

    def edit(self) -> None:
        """Edit… (Enter): the day's first shift, or a new one on an empty day."""
        self._open_dialog(add=False)

    def _open_dialog(self, *, add: bool, typed: str = "") -> None:
        cell, shown = self.current_cell(), self.model.week
        if not self._editor or cell is None or shown is None or self._choices is None:
            return
        dialog = ShiftDialog(
            self._context, cell, shown.types, self._choices.sites, add=add, typed=typed, parent=self
        )
        self.outcome.open(dialog, lambda _shift, said: self._changed(said))

    def remove(self) -> None:
        """Remove (Delete): the day's shifts, once the person said yes."""
        cell = self.current_cell()
        if not self._editor or cell is None or not cell.shifts:
            return
        listed = "\n".join(s.label for s in cell.shifts)
        answer = QMessageBox.question(
            self,
            "Remove shifts",
            f"Remove {plural(len(cell.shifts), 'shift')} of {cell.where}?\n\n{listed}",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        engine, me, ids = self._context.engine, self._context.me, [s.id for s in cell.shifts]

        def remove_all() -> None:
            for shift_id in ids:
                delete_shift(engine, me, shift_id)

        said = f"Removed {plural(len(ids), 'shift')} of {cell.where}."
        run_task(remove_all, lambda _none: self._changed(said), self._failed, parent=self)

    def copy(self) -> None:
        """Ctrl+C: remember the day's shifts for Ctrl+V (and put them on the clipboard)."""
        cell = self.current_cell()
        if cell is None:
            return
        if not cell.shifts:
            self.outcome.tell(f"{cell.where} has no shifts to copy.", ok=False)
            return
        self._copied = cell
        QApplication.clipboard().setText("\n".join(s.label for s in cell.shifts))
        then = "; Ctrl+V puts them on another day." if self._editor else " to the clipboard."
        self.outcome.tell(f"Copied {plural(len(cell.shifts), 'shift')} of {cell.where}{then}")

    def paste(self) -> None:
        """Ctrl+V: the copied shifts on the current day."""
        target = self.current_cell()
        if not self._editor or target is None:
            return
        if self._copied is None:
            self.outcome.tell("Copy a day's shifts first (Ctrl+C), then paste them.", ok=False)
            return
        self._copy_to(self._copied, target)

    def _copy_to(self, source: Cell, target: Cell) -> None:
        engine, me, ids = self._context.engine, self._context.me, [s.id for s in source.shifts]
        said = f"Copied {plural(len(ids), 'shift')} of {source.where} to {target.where}."
        run_task(
            lambda: copy_shifts(engine, me, ids, target.staff_id, target.day),
            lambda _ids: self._changed(said, target),
            self._failed,
            parent=self,
        )

    def _dropped(self, source: Cell, target: Cell, copy: bool) -> None:
        """A day's shifts dragged to another day: moved, or copied with Ctrl."""
        if copy:
            self._copy_to(source, target)
            return
        engine, me, ids = self._context.engine, self._context.me, [s.id for s in source.shifts]

        def move_all() -> None:
            for shift_id in ids:
                move_shift(engine, me, shift_id, target.staff_id, target.day)

        said = f"Moved {plural(len(ids), 'shift')} of {source.where} to {target.where}."
        run_task(move_all, lambda _none: self._changed(said, target), self._failed, parent=self)

    def copy_week(self) -> None:
        """Copy this week to next week (the shifts of the people and site shown)."""
        shown = self.model.week
        if not self._editor or shown is None:
            return
        engine, me, monday = self._context.engine, self._context.me, shown.monday
        site, team = self.site_combo.currentData(), self.team_combo.currentData()
        run_task(
            lambda: copy_week(engine, me, monday, site, team),
            lambda count: self._week_copied(count, monday),
            self._failed,
            parent=self,
        )

    def _week_copied(self, count: int, monday: date) -> None:
        after = day_text(monday + WEEK)
        if count:
            said = (
                f"Copied {plural(count, 'shift')} of the week of {day_text(monday)} to the "
                f"week of {after}."
            )
        else:
            said = f"Nothing to copy: the week of {after} has this week's shifts already."
        self._changed(said)

    def _changed(self, said: str, target: Cell | None = None) -> None:
        """A change landed: say it and read the week again (on ``target`` if given)."""
        self.reader.forget()
        self.outcome.tell(said)
        if target is not None:
            self.select_cell(target.staff_id, target.day)
        self._load()

    def _failed(self, error: Exception) -> None:
        """A refused change: said under the buttons, and the week read again (part of it may
        have landed, or someone else changed it)."""
        self.outcome.failed(error)
        self.reader.forget()
        self._load()

    # -- the lists under the grid -------------------------------------------------------------
    def _show_conflicts(self, shown: RosterWeek) -> None:
        self.conflicts.clear()
        for number, conflict in enumerate(shown.conflicts):
            item = QListWidgetItem(f"{CONFLICT_MARK} {conflict.kind.value}: {conflict.message}")
            item.setData(Qt.ItemDataRole.UserRole, number)
            item.setToolTip(item.text())
            item.setForeground(QColor(RED))
            self.conflicts.addItem(item)
        if not shown.conflicts:
            item = QListWidgetItem("No conflicts this week.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.conflicts.addItem(item)
        self.conflicts.executeDelayedItemsLayout()  # now, not on a timer: a second paint
        count = len(shown.conflicts)
        self.tabs.setTabText(0, f"Conf&licts ({count})" if count else "Conf&licts")

    def go_to_conflict(self) -> None:
        """Enter or a double click on a conflict: its first day of the week on the grid."""
        item, shown = self.conflicts.currentItem(), self.model.week
        number = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if shown is None or not isinstance(number, int):
            return
        conflict = shown.conflicts[number]
        day = next((d for d in conflict.days if d in shown.days), None)
        if day is not None:
            self.select_cell(conflict.staff_id, day)

    # -- printing -----------------------------------------------------------------------------
    def print_week(self) -> None:
        """Print the week… : the week on screen, with its filters, made as the PDF (off the GUI
        thread), then Qt's print dialog for it (:mod:`ui.kit.print_pdf`)."""
        shown = self.model.week
        if shown is None:  # the page has just been opened (File › Print the roster week…)
            self._when_read = self.print_week
            return
        from app.roster.pdf import save_roster_pdf  # reportlab: when printing

        engine, monday = self._context.engine, shown.monday
        site, team = self.site_combo.currentData(), self.team_combo.currentData()
        print_made(
            self,
            lambda target: save_roster_pdf(engine, monday, target, site, team),
            f"the roster week of {day_text(monday)} {monday.year}",
            self.outcome.tell,
            self.outcome.failed,
        )

    def save_pdf(self) -> None:
        """Save as PDF… : the week on screen as a PDF where the person says, then opened in
        their PDF viewer."""
        shown = self.model.week
        if shown is None:  # the page has just been opened (File › Save the roster week…)
            self._when_read = self.save_pdf
            return
        from app.roster.pdf import save_roster_pdf, suggested_name  # reportlab: when saving

        engine, monday = self._context.engine, shown.monday
        site, team = self.site_combo.currentData(), self.team_combo.currentData()
        save_and_open(
            self,
            lambda target: save_roster_pdf(engine, monday, target, site, team),
            "the week",
            suggested_name(monday),
            self.outcome.tell,
            self.outcome.failed,
        )


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
