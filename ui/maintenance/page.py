"""The maintenance calendar (object name ``maintenanceCalendar``): a month, a week or an
agenda of the occurrences of the maintenance tasks, with the overdue list and the next 14
days beside it.

The period shown is read in one call (:func:`app.maintenance.calendar.days`) off the GUI
thread; what is on screen stays until the answer arrives, and only the newest answer counts.
A period read once is shown from memory at once when it comes back (and read again), and
after a period is painted the one after it is read ahead, so Page Down shows it at once.

The keyboard route: the calendar has the keyboard; arrows move a day (left, right) or a week
(up, down), across into the next period; Page Up and Page Down step a month (a week in the
week view); T comes back to today; Enter opens the day's occurrence (with several, the day's
list under the calendar takes the keyboard, where Enter opens the one chosen). Filters by
site, team, owner and asset narrow everything on the page.

"Print the lists…" prints the overdue list and the next 14 days, with the filters, through
Qt's print dialog, from the PDF that "Save as PDF…" saves (:mod:`app.maintenance.lists_pdf`,
made off the GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.maintenance.calendar import CalendarFilter, Occurrence, coming, days, overdue
from app.maintenance.choices import MaintenanceChoices, maintenance_choices
from app.permissions import Action, context_may, refusal
from models.clock import utcnow
from ui.kit.outcome import OutcomeLines
from ui.kit.print_pdf import print_made, save_and_open
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, after_paint_timer, run_task
from ui.kit.widgets import MUTED, key_action, named, page_button, plural, refill_filter
from ui.maintenance.month import AWAY, MOVED, DaysGrid, DaysModel
from ui.maintenance.occurrence_dialog import OccurrenceDialog
from ui.maintenance.occurrence_table import OccurrenceTable, occurrence_view
from ui.maintenance.task_dialog import TaskDialog
from ui.shell.pages import Page

MONTH, WEEK, AGENDA = range(3)
MONTH_WEEKS = 6  # a month is shown as six weeks, so moving between months keeps the grid
HINT = (
    "Arrows move a day, PgUp / PgDn a month (a week in the week view), T today, Enter opens. "
    f"○ scheduled · ◐ in progress · ⚠ overdue · ✓ done · ✓! done late · ∅ skipped · "
    f"✕ cancelled · {MOVED} moved · {AWAY} owner on leave"
)
_MEMORY = 12  # periods kept to show at once when they come back


def _table_of(view: QTableView) -> OccurrenceTable:
    model = view.model()
    assert isinstance(model, OccurrenceTable)
    return model


Step = Callable[[Callable[[], None]], None]  # a read, given what to call once it is done


def today() -> date:
    """Today on this workstation's clock (the calendar's days are the sites' local days)."""
    return utcnow().astimezone().date()


@dataclass(frozen=True)
class Period:
    """What the calendar shows: local days from ``first`` to ``last`` and the filter."""

    first: date
    last: date
    which: CalendarFilter


class MaintenancePage(Page):
    """The maintenance calendar (object name ``maintenanceCalendar``)."""

    read_ahead = Signal()  # the period after the one shown is in memory
    overdue_shown = Signal()  # the overdue list is on screen

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "maintenanceCalendar", "Maintenance calendar")
        self._context = context
        self._day = today()
        self._mode = MONTH
        self._memory: dict[Period, dict[date, list[Occurrence]]] = {}
        self._reads = StaleGuard()
        self._overdue_reads = StaleGuard()
        self._coming_reads = StaleGuard()
        self._choice_reads = StaleGuard()
        self._after_paint = after_paint_timer(self, self._read_in_turn)
        self._step_timer = after_paint_timer(self, self._next_step)
        self._reread_timer = after_paint_timer(self, self._reread)
        self._steps: list[Step] = []
        self._choices: MaintenanceChoices | None = None
        self._planner = context_may(context, Action.MANAGE_MAINTENANCE)
        # Read after a period is painted, one at a time (a worker shares the interpreter with
        # the GUI thread, and two would slow each other and the paint): the filters' choices
        # and the lists when asked for again, then the next period ahead.
        self._choices_due = True
        self._lists_due = True
        self._asked: Period | None = None  # the period being read for the person

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.title = named(QLabel(self), "maintenanceTitle", "Period shown")
        self.title.setStyleSheet("font-weight: 600; font-size: 14px;")
        layout.addLayout(self._build_bar())
        layout.addLayout(self._build_filters())

        self.splitter = named(QSplitter(Qt.Orientation.Vertical, self), "maintenanceSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.stack = QStackedWidget(self.splitter)
        self.model = DaysModel(self)
        self.grid = DaysGrid(self.model, self.stack)
        self.grid.step.connect(lambda count: self._select(self._day + timedelta(days=count)))
        self.grid.doubleClicked.connect(lambda _index: self.open_day())
        self.grid.selectionModel().currentChanged.connect(self._current_changed)
        self.agenda = occurrence_view(self.stack, "maintenanceAgenda", "Agenda")
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.agenda)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self._build_tabs())
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        remember_splitter(self.splitter, "maintenance")
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self._build_buttons())
        self.hint = named(QLabel(HINT, self), "maintenanceHint", "How to read the calendar")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(self.hint)
        self.outcome = OutcomeLines("maintenance")
        self.outcome.add_to(layout)
        self.setFocusProxy(self.grid)
        self._build_keys()
        # The month's days at once, filled in place when its read arrives: the grid keeps its
        # rows, so it is painted once, not again when its rows are laid out.
        self._show_grid(self._period(), {})
        self._show_day()  # the keyboard's cell on today, not on the first cell Qt would pick

    # -- building -----------------------------------------------------------------------------
    def _build_bar(self) -> QHBoxLayout:
        self.previous_button = page_button(
            self, "◀ &Previous", "previousPeriod", "Previous month", self.previous
        )
        self.today_button = page_button(self, "To&day", "todayButton", "Today", self.go_today)
        self.next_button = page_button(self, "Ne&xt ▶", "nextPeriod", "Next month", self.next)
        self.modes = QButtonGroup(self)
        bar = QHBoxLayout()
        for widget in (self.previous_button, self.today_button, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(8)
        for mode, (text, name) in enumerate(
            (("&Month", "monthView"), ("&Week", "weekView"), ("A&genda", "agendaView"))
        ):
            button = named(QPushButton(text, self), name, text.replace("&", "") + " view")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setChecked(mode == MONTH)
            self.modes.addButton(button, mode)
            bar.addWidget(button)
        self.modes.idClicked.connect(self.set_mode)
        bar.addSpacing(16)
        bar.addWidget(self.title)
        bar.addStretch(1)
        return bar

    def _build_filters(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.site_combo = self._filter(bar, "S&ite:", "maintenanceSite", "Site", "All sites")
        self.team_combo = self._filter(bar, "Te&am:", "maintenanceTeam", "Team", "All teams")
        self.owner_combo = self._filter(bar, "&Owner:", "maintenanceOwner", "Owner", "Anyone")
        self.asset_combo = self._filter(bar, "Ass&et:", "maintenanceAsset", "Asset", "Any asset")
        bar.addStretch(1)
        return bar

    def _filter(
        self, bar: QHBoxLayout, caption: str, name: str, accessible: str, everyone: str
    ) -> QComboBox:
        combo = named(QComboBox(self), name, accessible)
        combo.addItem(everyone, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(14)
        combo.activated.connect(lambda _index: self._filtered())
        buddy = QLabel(caption, self)
        buddy.setBuddy(combo)
        if bar.count():
            bar.addSpacing(12)
        bar.addWidget(buddy)
        bar.addWidget(combo)
        return combo

    def _build_tabs(self) -> QTabWidget:
        self.tabs = named(QTabWidget(self.splitter), "maintenanceTabs", "Day, overdue, next")
        self.day_list = occurrence_view(self.tabs, "maintenanceDayList", "The day's occurrences")
        self.overdue_list = occurrence_view(self.tabs, "maintenanceOverdue", "Overdue")
        self.coming_list = occurrence_view(self.tabs, "maintenanceComing", "Next 14 days")
        for table in (self.day_list, self.overdue_list, self.coming_list, self.agenda):
            self._openable(table)
        self.tabs.addTab(self.day_list, "The da&y")
        self.tabs.addTab(self.overdue_list, "Overd&ue")
        self.tabs.addTab(self.coming_list, "&Next 14 days")
        return self.tabs

    def _build_buttons(self) -> QHBoxLayout:
        refused = "" if self._planner else refusal(Action.MANAGE_MAINTENANCE)
        self.add_button = page_button(
            self, "Add tas&k…", "addTask", "Add a maintenance task", self.add_task, refused
        )
        self.change_button = page_button(
            self,
            "Change the se&ries…",
            "changeTask",
            "Change the chosen occurrence's series",
            self.change_task,
            refused,
        )
        self.print_button = page_button(
            self, "Print the &lists…", "printLists", "Print the lists", self.print_lists
        )
        self.print_button.setToolTip(
            "Prints the overdue list and the next 14 days, with the filters chosen."
        )
        self.pdf_button = page_button(
            self, "Save as PDF…", "saveListsPdf", "Save the lists as PDF", self.save_lists
        )
        self.pdf_button.setToolTip(
            "Saves the overdue list and the next 14 days, with the filters chosen, as a PDF "
            "and opens it (File › Save the maintenance lists as PDF…)."
        )
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.change_button)
        row.addStretch(1)
        row.addWidget(self.print_button)
        row.addWidget(self.pdf_button)
        return row

    def _openable(self, table: QTableView) -> None:
        """Enter or a double click on a row of ``table`` opens its occurrence."""

        def open_current() -> None:
            self._open_row(table, table.currentIndex())

        key_action(table, (Qt.Key.Key_Return, Qt.Key.Key_Enter), open_current)
        table.doubleClicked.connect(lambda index: self._open_row(table, index))

    def _build_keys(self) -> None:
        for key, slot in (
            (Qt.Key.Key_PageUp, self.previous),
            (Qt.Key.Key_PageDown, self.next),
            (Qt.Key.Key_T, self.go_today),
            (Qt.Key.Key_Home, self.go_today),
        ):
            for widget in (self.grid, self.agenda):
                QShortcut(
                    QKeySequence(key), widget, slot, context=Qt.ShortcutContext.WidgetShortcut
                )
        key_action(self.grid, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.open_day)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        self.refresh()
        self._focus_calendar()

    def refresh(self) -> None:
        """Read the period again and, once it is painted, the filters' choices, the overdue
        list and the next 14 days (F5, and coming back to the page)."""
        self._memory.clear()
        self._choices_due = self._lists_due = True
        self._load()

    def _in_turn(self, steps: list[Step]) -> None:
        """Run ``steps`` one after another, each once the last one's answer is painted, and
        none while a period the person asked for is being read (its arrival starts them
        again). A step whose answer is dropped for a newer one ends the turn."""
        self._steps = list(steps)
        self._next_step()

    def _next_step(self) -> None:
        if self._steps and self._asked is None and self.isVisible():
            first = self._steps.pop(0)
            first(self._step_timer.start)

    def hideEvent(self, event: QHideEvent) -> None:
        """Hidden (another page, or closed): nothing more is read for it until it is shown
        again, which reads everything again."""
        for timer in (self._after_paint, self._step_timer, self._reread_timer):
            timer.stop()
        self._steps = []
        super().hideEvent(event)

    def _read_in_turn(self) -> None:
        """What nobody waits for, one read after another once the period is painted (and
        only while the page is on screen)."""
        if not self.isVisible():
            return
        steps: list[Step] = []
        if self._choices_due:
            steps.append(self._read_choices)
        if self._lists_due:
            steps += [self._read_overdue, self._read_coming]
        steps.append(self._read_ahead)
        self._in_turn(steps)

    def _read_choices(self, then: Callable[[], None]) -> None:
        self._choices_due = False
        engine = self._context.engine

        def read(choices: MaintenanceChoices) -> None:
            self._choices_read(choices)
            then()

        run_task(
            lambda: maintenance_choices(engine),
            read,
            self.outcome.failed,
            parent=self,
            guard=self._choice_reads,
        )

    # -- periods ------------------------------------------------------------------------------
    def set_mode(self, mode: int) -> None:
        """Month, week or agenda."""
        self._mode = mode
        self.modes.button(mode).setChecked(True)
        self.stack.setCurrentWidget(self.agenda if mode == AGENDA else self.grid)
        noun = "week" if mode == WEEK else "month"
        self.previous_button.setAccessibleName(f"Previous {noun}")
        self.next_button.setAccessibleName(f"Next {noun}")
        self._load()
        self._focus_calendar()

    def previous(self) -> None:
        self._select(self._step(-1))

    def next(self) -> None:
        self._select(self._step(1))

    def go_today(self) -> None:
        self._select(today())

    def _step(self, sign: int) -> date:
        if self._mode == WEEK:
            return self._day + timedelta(weeks=sign)
        month = self._day.month - 1 + sign
        year = self._day.year + month // 12
        month = month % 12 + 1
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        return date(year, month, min(self._day.day, last))

    def _period(self, day: date | None = None) -> Period:
        day = day or self._day
        if self._mode == WEEK:
            first = day - timedelta(days=day.weekday())
            return Period(first, first + timedelta(days=6), self._which())
        start = day.replace(day=1)
        if self._mode == AGENDA:
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return Period(start, end, self._which())
        first = start - timedelta(days=start.weekday())
        return Period(first, first + timedelta(weeks=MONTH_WEEKS, days=-1), self._which())

    def _which(self) -> CalendarFilter:
        return CalendarFilter(
            site_id=self.site_combo.currentData(),
            team_id=self.team_combo.currentData(),
            owner_id=self.owner_combo.currentData(),
            asset_id=self.asset_combo.currentData(),
        )

    def _select(self, day: date) -> None:
        """Make ``day`` the chosen day; a day outside the period shown brings its period."""
        before = self._period()
        self._day = day
        if self._period() != before:
            self._load()
        else:
            self._show_day()

    def _filtered(self) -> None:
        self._lists_due = True  # read again once the period is painted
        self._load()

    def _load(self) -> None:
        """Ask for the period of the chosen day. One read before is shown from memory at once
        and read again once painted (a read on a worker thread slows the paint beside it)."""
        period = self._period()
        self._asked = period
        remembered = self._memory.get(period)
        if remembered is None:
            self._read(period)
            return
        self._arrived(period, remembered)
        self._reread_timer.start()

    def _reread(self) -> None:
        if self._asked is not None and self.isVisible():
            self._read(self._asked)

    def _read(self, period: Period) -> None:
        self._reread_timer.stop()  # this is the read it would have made
        engine, now = self._context.engine, utcnow()

        def answered(found: dict[date, list[Occurrence]]) -> None:
            self._asked = None
            self._arrived(period, found)

        def failed(error: Exception) -> None:
            self._asked = None
            self.outcome.failed(error)

        run_task(
            lambda: days(engine, period.first, period.last, now, period.which),
            answered,
            failed,
            parent=self,
            guard=self._reads,
        )

    def _arrived(self, period: Period, found: dict[date, list[Occurrence]]) -> None:
        self._memory[period] = found
        while len(self._memory) > _MEMORY:
            self._memory.pop(next(iter(self._memory)))
        if period != self._period():
            return  # read ahead, or asked for before the person moved on
        self._show_grid(period, found)
        if self._mode == AGENDA:  # hidden otherwise, and read again when chosen
            agenda = self.agenda.model()
            assert isinstance(agenda, OccurrenceTable)
            agenda.set_rows([o for day in sorted(found) for o in found[day]])
        self._show_day()
        self.content_shown()
        self._after_paint.start()

    def _show_grid(self, period: Period, found: dict[date, list[Occurrence]]) -> None:
        weeks = ((period.last - period.first).days + 1) // 7
        month = self._day.month if self._mode == MONTH else 0
        self.model.show(period.first, weeks, month, found, today())
        if self._mode == WEEK:
            week = self._day.isocalendar().week
            self.title.setText(f"Week {week}: {period.first:%d %b} – {period.last:%d %b %Y}")
        else:
            self.title.setText(f"{self._day:%B %Y}")

    def _show_day(self) -> None:
        """Put the keyboard's cell on the chosen day and its occurrences in the day's list."""
        at = self.model.index_of(self._day)
        if at.isValid() and self.grid.currentIndex() != at:
            self.grid.setCurrentIndex(at)
        day_model = self.day_list.model()
        assert isinstance(day_model, OccurrenceTable)
        day_model.set_rows(self.model.on(self._day))
        count = len(day_model.rows)
        self.change_button.setEnabled(self._planner and count > 0)
        self.tabs.setTabText(0, f"The da&y, {self._day:%a %d %b}: {plural(count, 'occurrence')}")

    def _read_ahead(self, then: Callable[[], None]) -> None:
        """Read the next period into memory, so Page Down shows it at once."""
        ahead = self._period(self._step(1))
        if ahead in self._memory:
            return then()
        engine, now = self._context.engine, utcnow()

        def arrived(found: dict[date, list[Occurrence]]) -> None:
            self._arrived(ahead, found)
            self.read_ahead.emit()
            then()

        run_task(
            lambda: days(engine, ahead.first, ahead.last, now, ahead.which),
            arrived,
            lambda _error: None,  # only a read ahead: the period is read again when asked for
            parent=self,
        )

    def read_overdue(self) -> None:
        """Read the overdue list again, now."""
        self._read_overdue(lambda: None)

    def _read_overdue(self, then: Callable[[], None]) -> None:
        self._lists_due = False
        engine, now, which = self._context.engine, utcnow(), self._which()

        def arrived(rows: list[Occurrence]) -> None:
            _table_of(self.overdue_list).set_rows(rows)
            self.tabs.setTabText(1, f"Overd&ue ({len(rows)})" if rows else "Overd&ue")
            self.overdue_shown.emit()
            then()

        run_task(
            lambda: overdue(engine, now, which),
            arrived,
            self.outcome.failed,
            parent=self,
            guard=self._overdue_reads,
        )

    def _read_coming(self, then: Callable[[], None]) -> None:
        engine, now, which = self._context.engine, utcnow(), self._which()

        def arrived(rows: list[Occurrence]) -> None:
            _table_of(self.coming_list).set_rows(rows)
            self.tabs.setTabText(2, f"&Next 14 days ({len(rows)})")
            then()

        run_task(
            lambda: coming(engine, now, which),
            arrived,
            self.outcome.failed,
            parent=self,
            guard=self._coming_reads,
        )

    def _choices_read(self, choices: MaintenanceChoices) -> None:
        self._choices = choices
        for combo, items in (
            (self.site_combo, choices.sites),
            (self.team_combo, choices.teams),
            (self.owner_combo, choices.staff),
            (self.asset_combo, choices.assets),
        ):
            refill_filter(combo, items)

    # -- opening ------------------------------------------------------------------------------
    def _current_changed(self, index: QModelIndex) -> None:
        """A day chosen with the mouse (or any way but the page's own keys) is the day."""
        day = self.model.day_at(index)
        if day is not None and day != self._day:
            self._select(day)

    def open_day(self) -> None:
        """Enter on a day: its one occurrence opens; with several, the day's list takes the
        keyboard to choose one."""
        found = self.model.on(self._day)
        if len(found) == 1:
            self.open_occurrence(found[0])
        elif found:
            self.tabs.setCurrentWidget(self.day_list)
            self.day_list.setCurrentIndex(self.day_list.model().index(0, 0))
            self.day_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open_row(self, table: QTableView, index: QModelIndex) -> None:
        model = table.model()
        assert isinstance(model, OccurrenceTable)
        found = model.occurrence(index)
        if found is not None:
            self.open_occurrence(found)

    def open_occurrence(self, occurrence: Occurrence) -> None:
        """Open ``occurrence`` to record it; the calendar and lists are read again after."""
        dialog = OccurrenceDialog(self._context, self, occurrence.task_id, occurrence.due_at)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._changed(dialog.summary()))
        dialog.open()

    def add_task(self) -> None:
        """Add tas&k… : a new task, first on the chosen day."""
        if self._planner:
            self._open_task(TaskDialog(self._context, self, day=self._day))

    def change_task(self) -> None:
        """Change the se&ries… : the series of the occurrence chosen in the day's list (or the
        day's only one), from a date on."""
        chosen = self._chosen()
        if self._planner and chosen is not None:
            self._open_task(TaskDialog(self._context, self, task_id=chosen.task_id))

    def _chosen(self) -> Occurrence | None:
        model = self.day_list.model()
        assert isinstance(model, OccurrenceTable)
        picked = model.occurrence(self.day_list.currentIndex())
        return picked or (model.rows[0] if len(model.rows) == 1 else None)

    def _open_task(self, dialog: TaskDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._changed(dialog.summary()))
        dialog.open()

    def print_lists(self) -> None:
        """Print the lists… : the overdue list and the next 14 days with the filters chosen,
        made as a PDF off the GUI thread, then Qt's print dialog for it."""
        from app.maintenance.lists_pdf import save_lists_pdf  # reportlab: when printing

        engine, which = self._context.engine, self._which()
        print_made(
            self,
            lambda target: save_lists_pdf(engine, utcnow(), target, which),
            "the maintenance lists",
            self.outcome.tell,
            self.outcome.failed,
        )

    def save_lists(self) -> None:
        """Save as PDF… : the lists as a PDF where the person says, then opened."""
        from app.maintenance.lists_pdf import SUGGESTED_NAME, save_lists_pdf

        engine, which = self._context.engine, self._which()
        save_and_open(
            self,
            lambda target: save_lists_pdf(engine, utcnow(), target, which),
            "the maintenance lists",
            SUGGESTED_NAME,
            self.outcome.tell,
            self.outcome.failed,
        )

    def _changed(self, said: str) -> None:
        self.outcome.tell(said)
        self._memory.clear()
        self._lists_due = True
        self._load()
        self._focus_calendar()

    def _focus_calendar(self) -> None:
        target = self.agenda if self._mode == AGENDA else self.grid
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
