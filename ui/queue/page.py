"""The queue page: a filter bar with saved views above the lazy ticket table, and above
them the notices every desk shows (major incidents, maintenance now or within the hour).

Filters are built from the controls into a :class:`QueueFilter` and handed to the model,
which does the work in SQL; nothing here walks the rows. The page keeps the selected ticket
by id, so a refresh that moves rows (or a new query that still contains it) keeps the same
ticket selected without scrolling the table away from where the user was reading.

From the filter box the keyboard goes on to the results: Down moves into the table, Enter
opens the selected ticket (the first, if none is). A table without rows says why: on a
database with no tickets at all, what to do first; otherwise that the filter matches
nothing, with a button that clears it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.pick_lists import Choice, OrganisationLists
from app.queue.choices import QueueChoices, queue_choices
from app.queue.query import (
    ALL_OPEN,
    ALL_TICKETS,
    BUILT_IN_VIEWS,
    QueueFilter,
    QueueQuery,
    QueueSort,
    ReportScope,
    SavedView,
)
from app.queue.saved_views import delete_view, list_views, parse_assignee, save_view
from app.tickets.escalations import EscalationKind
from models.enums import OPEN_STATUSES, Priority, TicketStatus
from ui.kit.flow_layout import FlowLayout
from ui.kit.paged_model import PAGE_SIZE, POLL_MS
from ui.kit.remembered import ColumnWidths
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import MUTED, filter_line, key_action, named, paged_table, signals_blocked
from ui.maintenance.notice_banner import NOTICE_MS, NoticeBanner
from ui.queue.columns import ColumnFitter
from ui.queue.model import VENDOR_MARK, VENDOR_OVERDUE, Column, QueueModel
from ui.shell.events import TicketsRaised
from ui.shell.pages import Page
from ui.tickets.requests import TicketRequest, TicketSaved

TEXT_DEBOUNCE_MS = 200
DUE_SOON_MINUTES = 60
FILTER_PLACEHOLDER = "Filter: number, summary or caller  (Ctrl+F)"
_ASSIGNEE_WORDS = (("Anyone", "anyone"), ("Me", "me"), ("Unassigned", "unassigned"))
# The escalation filter's choices: any, each kind, or a vendor's answer overdue (one box:
# a filter for both an escalation kind and an overdue vendor is asked for by nobody).
VENDOR_OVERDUE_CHOICE = "vendor"
_ESCALATION_WORDS = (
    ("Escalation: any", ""),
    *(
        (f"{kind.mark} {kind.label}", kind.value)
        for kind in (EscalationKind.HIERARCHICAL, EscalationKind.FUNCTIONAL)
    ),
    (f"{VENDOR_MARK} {VENDOR_OVERDUE}", VENDOR_OVERDUE_CHOICE),
)
NO_TICKETS_TITLE = "No tickets yet"
NO_TICKETS_TEXT = (
    "This database has no tickets. To begin:<ul>"
    "<li>log the first one: <b>File › New ticket</b> (Ctrl+N);</li>"
    "<li>bring in the people who call: <b>File › Import callers…</b>;</li>"
    "<li>or look around with made-up data first: start Switchboard with "
    "<code>switchboard --demo</code>.</li></ul>"
)
NO_MATCH_TITLE = "No tickets match this filter"


class _StickyMenu(QMenu):
    """A menu that stays open while boxes are ticked with the mouse (multi-select)."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class _MultiSelect(QComboBox):
    """A drop-down of checkable values; no box ticked means "any".

    It is a combo box without items whose placeholder shows the choice ("Status: open"), so
    it looks and handles like the other filters (click, Space, Alt+Down), but its popup is a
    menu of check boxes.
    """

    changed = Signal()

    def __init__(
        self,
        title: str,
        items: Iterable[tuple[str, Any]],
        presets: Iterable[tuple[str, frozenset[Any]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._presets = dict(presets)
        self.setAccessibleName(f"{title} filter")
        self.menu = _StickyMenu(self)
        for label, values in self._presets.items():
            self.menu.addAction(label).triggered.connect(
                lambda _checked=False, v=values: self._choose(v)
            )
        self.menu.addSeparator()
        self._actions: dict[Any, QAction] = {}
        for label, value in items:
            action = self.menu.addAction(label)
            action.setCheckable(True)
            action.toggled.connect(self._toggled)
            self._actions[value] = action
        self._update_text()

    def sizeHint(self) -> QSize:
        """Wide enough for "Priority: 3 selected"; a longer single label is elided."""
        hint = super().sizeHint()
        text = self.fontMetrics().horizontalAdvance(f"{self._title}: 3 selected")
        return QSize(text + 36, hint.height())  # frame, padding and the drop-down arrow

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def showPopup(self) -> None:
        self.menu.setMinimumWidth(self.width())
        self.menu.popup(self.mapToGlobal(self.rect().bottomLeft()))

    def values(self) -> frozenset[Any]:
        return frozenset(v for v, a in self._actions.items() if a.isChecked())

    def set_values(self, values: frozenset[Any]) -> None:
        for value, action in self._actions.items():
            with signals_blocked(action):
                action.setChecked(value in values)
        self._update_text()

    def _choose(self, values: frozenset[Any]) -> None:
        self.set_values(values)
        self.changed.emit()

    def _toggled(self) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        values = self.values()
        labels = [a.text() for v, a in self._actions.items() if v in values]
        named = {v: k for k, v in self._presets.items()}
        if not values or values == frozenset(self._actions):
            summary = "any"
        elif values in named:
            summary = named[values].lower()
        elif len(labels) == 1:
            summary = labels[0]
        else:
            summary = f"{len(labels)} selected"
        self.setPlaceholderText(f"{self._title}: {summary}")
        self.setToolTip(", ".join(labels) or "Any")


def _fill(combo: QComboBox, first: Iterable[tuple[str, str]], choices: Iterable[Choice]) -> None:
    combo.clear()
    for label, data in first:
        combo.addItem(label, data)
    combo.insertSeparator(combo.count())
    for choice in choices:
        combo.addItem(choice.label, str(choice.id))


def _select_data(combo: QComboBox, data: str) -> None:
    """Select the item holding ``data``, adding it if the list no longer offers it."""
    index = combo.findData(data)
    if index < 0:
        combo.addItem("(no longer listed)", data)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def _id_or_none(data: str) -> uuid.UUID | None:
    return uuid.UUID(data) if data else None


class _EmptyNote(QFrame):
    """What the table says while it has no rows, over the rows' area (the header stays in
    view), with one button: what to do first, or how to see tickets again."""

    def __init__(self, viewport: QWidget) -> None:
        super().__init__(viewport)
        named(self, "queueEmpty", "No tickets")
        self.title = named(QLabel(), "queueEmptyTitle", "No tickets")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.text = named(QLabel(), "queueEmptyText", "What to do")
        self.text.setTextFormat(Qt.TextFormat.RichText)  # our own text, never the user's
        self.text.setWordWrap(True)
        self.text.setStyleSheet(f"color: {MUTED};")
        self.new_ticket_button = named(QPushButton("&New ticket"), "emptyNewTicket", "New ticket")
        self.clear_button = named(QPushButton(), "emptyClearFilter", "Clear filter")
        column = QVBoxLayout()  # kept together, a little above the middle
        column.setSpacing(10)
        column.addStretch(1)
        column.addWidget(self.title)
        column.addWidget(self.text)
        buttons = QHBoxLayout()
        for button in (self.new_ticket_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addStretch(2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        layout.addLayout(column, 4)
        layout.addStretch(1)
        self._viewport = viewport
        viewport.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False

    def say(self, title: str, text: str, clear: str = "") -> None:
        """Show ``title`` and ``text``; ``clear`` is the clear button's label, and without
        one the button offers a new ticket instead."""
        self.title.setText(title)
        self.text.setText(text)
        self.clear_button.setText(clear)
        self.clear_button.setVisible(bool(clear))
        self.new_ticket_button.setVisible(not clear)
        self.setGeometry(self._viewport.rect())
        self.show()


class QueuePage(Page):
    """Filter bar, saved views and the queue table; Enter or a double click asks for the
    ticket in the editor (a :class:`TicketRequest`)."""

    viewsChanged = Signal()  # the list of saved views was (re)loaded

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        poll_ms: int = POLL_MS,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queuePage")
        self._context = context
        self._views: list[SavedView] = list(BUILT_IN_VIEWS)
        self._view: SavedView | None = None
        self._selected_id: uuid.UUID | None = None
        self._syncing = False
        self._due_minutes = DUE_SOON_MINUTES
        self._open_asked = False  # Enter in the filter box: open once its results are in
        self._shown: tuple[QueueFilter, QueueSort] | None = None  # the query of the rows
        self._emptiness = StaleGuard()  # "is the database empty?" asked when a count is 0
        self._query = QueueQuery(context.engine, context.me)
        self.model = QueueModel(self._query, self, page_size=page_size, poll_ms=poll_ms)
        self._text_timer = QTimer(self, singleShot=True, interval=TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._apply_controls)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        # Major incidents and maintenance now or within the hour; read with the rows' polls
        # (none in the tests, which ask), every NOTICE_MS.
        self.notices = NoticeBanner(context, self, "queueNotices", NOTICE_MS if poll_ms else 0)
        layout.addWidget(self.notices)
        layout.addWidget(self._build_filter_bar())
        layout.addWidget(self._build_table(), 1)
        self.setFocusProxy(self.table)  # arriving on the page puts the keyboard in the queue
        self._build_actions()

        self.model.countChanged.connect(self._count_changed)
        self.model.failed.connect(self._query_failed)
        self.model.loaded.connect(self._reconcile_selection)
        self.model.loaded.connect(self._first_rows)
        self.model.loaded.connect(self._counting)
        self.model.countChanged.connect(lambda total: None if total else self._first_rows())
        self.model.modelReset.connect(self._new_query_shown)
        self.model.loaded.connect(self._open_when_settled)
        self._set_views(list(BUILT_IN_VIEWS))  # the user's own follow with the pick lists
        self.apply_view(BUILT_IN_VIEWS[0])
        self._load_choices()

    # -- building -----------------------------------------------------------------------------
    def _build_filter_bar(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("filterBar")
        bar.setAccessibleName("Queue filters")

        self.filter_edit = filter_line(
            bar,
            "queueFilter",
            FILTER_PLACEHOLDER,
            "Down: go to the tickets · Enter: open the selected ticket · Esc: clear the text",
        )
        self.filter_edit.textChanged.connect(lambda _text: self._text_timer.start())
        self.views_combo = QComboBox(bar)
        self.views_combo.setObjectName("savedViews")
        self.views_combo.setAccessibleName("Saved view")
        self.views_combo.setPlaceholderText("Custom filter")
        self.views_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.views_combo.setMinimumContentsLength(20)
        self.views_combo.activated.connect(self._view_chosen)
        self.views_combo.setToolTip("Saved views: built in, then your own")
        # A list that drops below the box and holds every view (see _set_views), instead of
        # a menu laid over it, which the screen's top edge cuts into a scrolling one.
        self.views_combo.setStyleSheet(
            "QComboBox { combobox-popup: 0; }"
            " QComboBox QAbstractItemView::item { min-height: 24px; padding: 0 6px; }"
        )
        view_label = QLabel("V&iew:", bar)
        view_label.setBuddy(self.views_combo)
        self.save_view_button = QPushButton("Save view as…", bar)
        self.save_view_button.setObjectName("saveView")
        self.delete_view_button = QPushButton("Delete view", bar)
        self.delete_view_button.setObjectName("deleteView")

        self.status_filter = _MultiSelect(
            "Status",
            [(s.label, s) for s in TicketStatus],
            [("Open", OPEN_STATUSES), ("Any", frozenset())],
            bar,
        )
        self.status_filter.setObjectName("statusFilter")
        self.priority_filter = _MultiSelect(
            "Priority", [(p.label, p) for p in Priority], [("Any", frozenset())], bar
        )
        self.priority_filter.setObjectName("priorityFilter")
        for multi in (self.status_filter, self.priority_filter):
            multi.changed.connect(self._apply_controls)
        self.assignee_filter = self._combo(bar, "assigneeFilter", "Assignee filter")
        self.team_filter = self._combo(bar, "teamFilter", "Team filter")
        self.site_filter = self._combo(bar, "siteFilter", "Site filter")
        self.category_filter = self._combo(bar, "categoryFilter", "Category filter")
        self.escalation_filter = self._combo(bar, "escalationFilter", "Escalation filter")
        for label, data in _ESCALATION_WORDS:
            self.escalation_filter.addItem(label, data)
        self._fill_choices(OrganisationLists([], [], [], []))
        self.due_filter = QCheckBox(f"SLA due within {DUE_SOON_MINUTES} min", bar)
        self.due_filter.setObjectName("dueSoonFilter")
        self.due_filter.setAccessibleName("Only tickets whose SLA is due soon")
        self.due_filter.toggled.connect(self._apply_controls)
        # A report's figure drilled into: which tickets it counts, said on a chip that
        # clears it (the other filters still apply and can change beside it).
        self._scope: ReportScope | None = None
        self.scope_chip = QPushButton("", bar)
        self.scope_chip.setObjectName("reportScope")
        self.scope_chip.setToolTip("Tickets a report's figure counts; click to show every ticket")
        self.scope_chip.clicked.connect(self._clear_scope)
        self.scope_chip.hide()
        self.row_count = QLabel("", bar)
        self.row_count.setObjectName("rowCount")
        self.row_count.setAccessibleName("Number of tickets")

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addSpacing(12)
        for item in (view_label, self.views_combo, self.save_view_button, self.delete_view_button):
            top.addWidget(item)
        # The filters wrap onto a second line where the window is narrow (1024 px).
        bottom = FlowLayout()
        bottom.setSpacing(6)
        for widget in (
            self.status_filter,
            self.priority_filter,
            self.assignee_filter,
            self.team_filter,
            self.site_filter,
            self.category_filter,
            self.escalation_filter,
            self.due_filter,
            self.scope_chip,
            self.row_count,
        ):
            bottom.addWidget(widget)
        rows = QVBoxLayout(bar)
        rows.setContentsMargins(6, 4, 6, 4)
        rows.setSpacing(6)
        rows.addLayout(top)
        rows.addLayout(bottom)
        return bar

    def _combo(self, parent: QWidget, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(parent)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.activated.connect(self._apply_controls)
        return combo

    def _build_table(self) -> QTableView:
        table = paged_table(self, self.model, "queueView", "Ticket queue")
        self.table = table
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setMinimumSectionSize(24)
        self._columns = ColumnFitter(table, ColumnWidths("queue"))
        header.setSortIndicator(Column.SLA_DUE, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        table.doubleClicked.connect(self._open_index)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.empty_note = _EmptyNote(table.viewport())
        self.empty_note.new_ticket_button.clicked.connect(
            lambda: self.navigate.emit("ticket", TicketRequest())
        )
        self.empty_note.clear_button.clicked.connect(self.clear_filter)
        return table

    def _build_actions(self) -> None:
        enter = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        self._open_action = key_action(self.table, enter, self.open_current, "Open ticket")
        self._open_action.setEnabled(False)
        self._bound: Mapping[str, QAction] = {}  # the window's actions for the queue's commands
        edit = self.filter_edit
        key_action(edit, (Qt.Key.Key_Escape,), self._clear_text_and_leave, "Clear filter")
        key_action(edit, (Qt.Key.Key_Down,), self.focus_results, "Go to the results")
        self.filter_edit.returnPressed.connect(self.open_from_filter)
        self.filter_edit.textEdited.connect(self._forget_open)

        self.save_view_button.clicked.connect(self.ask_save_view)
        self.delete_view_button.clicked.connect(self.ask_delete_view)

    # -- as a page of the window --------------------------------------------------------------
    def bind(self, actions: Mapping[str, QAction]) -> None:
        self._bound = actions
        self._open_action.enabledChanged.connect(actions["openTicket"].setEnabled)
        actions["openTicket"].setEnabled(self._open_action.isEnabled())
        actions["deleteView"].setEnabled(self.delete_view_button.isEnabled())

    def shown(self) -> None:
        self.focus_table()
        self.notices.refresh()

    def handle(self, request: object) -> bool:
        """A saved view chosen in the View menu."""
        if isinstance(request, SavedView):
            self.apply_view(request)
        return True

    def notice(self, event: object) -> None:
        """A ticket saved anywhere is selected here and the rows are read again; tickets the
        maintenance schedule raised are read in, the selection left where it is."""
        if isinstance(event, TicketSaved):
            self.select_ticket(event.detail.id)
            self.refresh()
        elif isinstance(event, TicketsRaised):
            self.refresh()

    def fill_views_menu(self, menu: QMenu) -> None:
        """The saved views, the one on screen ticked (View › Saved views)."""
        current = self.current_view
        for view in self._views:
            action = menu.addAction(view.name)
            action.setCheckable(True)
            action.setChecked(current is not None and current.name == view.name)
            action.triggered.connect(lambda _checked=False, v=view: self.navigate.emit("queue", v))

    def _first_rows(self) -> None:
        """The first rows (or the news that there are none) are on screen: the page is ready."""
        self.content_shown()

    def open_current(self) -> None:
        """Open the selected ticket in the editor (Enter)."""
        self._open_index(self.table.currentIndex())

    def _new_query_shown(self) -> None:
        """A new query's first rows replaced the table's (a refresh only updates them)."""
        self._shown = (self.model.query_filter, self.model.query_sort)

    def _open_when_settled(self) -> None:
        """Carry out an Enter from the filter box once the rows it asked for are in."""
        asked = (self.model.query_filter, self.model.query_sort)
        if not self._open_asked or self._shown != asked:
            return
        self._open_asked = False
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self._select_row(0)
        self.open_current()

    def _forget_open(self, *_args: object) -> None:
        self._open_asked = False

    # -- public -------------------------------------------------------------------------------
    @property
    def views(self) -> list[SavedView]:
        return list(self._views)

    @property
    def current_view(self) -> SavedView | None:
        """The saved view on screen, or None once the filter was changed by hand."""
        return self._view if self.views_combo.currentIndex() >= 0 else None

    def current_ticket_id(self) -> uuid.UUID | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def select_ticket(self, ticket_id: uuid.UUID) -> None:
        """Select that ticket as soon as its row is on hand."""
        self._selected_id = ticket_id
        self._reconcile_selection()

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def focus_results(self) -> None:
        """Down in the filter box: the keyboard goes into the table, on the selected ticket
        or else the first."""
        self._apply_typed_text()
        self.focus_table()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self._select_row(0)

    def open_from_filter(self) -> None:
        """Enter in the filter box: open the selected ticket, or else the first. Text typed
        a moment ago is applied at once, and the ticket opened from its results."""
        self._apply_typed_text()
        self._open_asked = True
        self._open_when_settled()

    def clear_filter(self) -> None:
        """Show all open tickets (all tickets, if that is what showed nothing)."""
        view = ALL_TICKETS if self.model.query_filter == ALL_OPEN.filter else ALL_OPEN
        self.apply_view(view)
        self.focus_table()

    def refresh(self) -> None:
        """Read the tickets again (F5), and the filters' lists: a site, team or category
        added meanwhile (Settings, the set-up assistant) is offered from then on."""
        self.model.refresh()
        self._load_choices()
        self.notices.refresh()

    def _select_picks(self, f: QueueFilter) -> None:
        """Show the filter's assignee, team, site and category in their combos."""
        _select_data(self.assignee_filter, str(f.assignee))
        for combo, value in (
            (self.team_filter, f.team_id),
            (self.site_filter, f.site_id),
            (self.category_filter, f.category_id),
        ):
            _select_data(combo, str(value) if value else "")
        escalation = VENDOR_OVERDUE_CHOICE if f.vendor_overdue else ""
        _select_data(self.escalation_filter, f.escalation.value if f.escalation else escalation)

    def apply_view(self, view: SavedView) -> None:
        """Show ``view``: set every control from it, then query once."""
        self._view = view
        f = view.filter
        with self._quiet():
            self.status_filter.set_values(f.statuses)
            self.priority_filter.set_values(f.priorities)
            self._select_picks(f)
            self.filter_edit.setText(f.text)
            self._due_minutes = f.due_within_minutes or DUE_SOON_MINUTES
            self.due_filter.setChecked(f.due_within_minutes is not None)
            self._show_scope(f.scope)
            with signals_blocked(self.table.horizontalHeader()):
                self.table.horizontalHeader().setSortIndicator(
                    Column[view.sort.column.name], self._qt_order(view.sort)
                )
        self._text_timer.stop()
        self.model.set_query(f, view.sort)
        self._mark_view()

    # -- filters ------------------------------------------------------------------------------
    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Set controls from code without each change firing a query."""
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    @staticmethod
    def _qt_order(sort: QueueSort) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder

    def _current_filter(self) -> QueueFilter:
        escalation = self.escalation_filter.currentData()
        vendor_overdue = escalation == VENDOR_OVERDUE_CHOICE
        return QueueFilter(
            statuses=self.status_filter.values(),
            priorities=self.priority_filter.values(),
            assignee=parse_assignee(self.assignee_filter.currentData() or "anyone"),
            team_id=_id_or_none(self.team_filter.currentData() or ""),
            site_id=_id_or_none(self.site_filter.currentData() or ""),
            category_id=_id_or_none(self.category_filter.currentData() or ""),
            text=self.filter_edit.text(),
            due_within_minutes=self._due_minutes if self.due_filter.isChecked() else None,
            escalation=EscalationKind(escalation) if escalation and not vendor_overdue else None,
            scope=self._scope,
            vendor_overdue=vendor_overdue,
        )

    def _show_scope(self, scope: ReportScope | None) -> None:
        self._scope = scope
        self.scope_chip.setVisible(scope is not None)
        if scope is not None:
            self.scope_chip.setText(f"{scope.label[:1].upper()}{scope.label[1:]}  ✕")
            self.scope_chip.setAccessibleName(f"Report filter: {scope.label}; press to clear")

    def _clear_scope(self) -> None:
        self._show_scope(None)
        self._apply_controls()
        self.focus_table()

    def _apply_controls(self) -> None:
        if self._syncing:
            return
        self._text_timer.stop()
        self.model.set_query(self._current_filter())
        self._mark_view()

    def _apply_typed_text(self) -> None:
        """Apply the filter text now instead of after the typing pause."""
        if self._text_timer.isActive():
            self._apply_controls()

    def _sort_indicator_changed(self, section: int, _order: Qt.SortOrder) -> None:
        if Column(section).sort_column is None:
            # The marker column sorts by nothing: the arrow goes back to the rows' order.
            sort = self.model.query_sort
            with signals_blocked(self.table.horizontalHeader()):
                self.table.horizontalHeader().setSortIndicator(
                    Column[sort.column.name], self._qt_order(sort)
                )
            return
        self._mark_view()

    def _mark_view(self) -> None:
        """Show the saved view's name while the query is exactly that view, else "Custom"."""
        view = self._view
        query = (self.model.query_filter, self.model.query_sort)
        names = [v.name for v in self._views]
        shown = view is not None and (view.filter, view.sort) == query and view.name in names
        index = self.views_combo.findText(view.name) if view is not None and shown else -1
        with signals_blocked(self.views_combo):
            self.views_combo.setCurrentIndex(index)
        deletable = index >= 0 and view is not None and not view.built_in
        self.delete_view_button.setEnabled(deletable)
        if "deleteView" in self._bound:
            self._bound["deleteView"].setEnabled(deletable)

    def _clear_text_and_leave(self) -> None:
        self.filter_edit.clear()
        self._apply_controls()
        self.focus_table()

    # -- background loading -------------------------------------------------------------------
    def _load_choices(self) -> None:
        engine, username = self._context.engine, self._context.username
        run_task(lambda: queue_choices(engine, username), self._choices_loaded, parent=self)

    def _choices_loaded(self, choices: QueueChoices) -> None:
        f = self.model.query_filter
        with self._quiet():
            self._fill_choices(choices.lists)
            self._select_picks(f)
        self._set_views(choices.views)

    def _fill_choices(self, choices: OrganisationLists) -> None:
        _fill(self.assignee_filter, _ASSIGNEE_WORDS, choices.staff)
        _fill(self.team_filter, [("Any team", "")], choices.teams)
        _fill(self.site_filter, [("Any site", "")], choices.sites)
        _fill(self.category_filter, [("Any category", "")], choices.categories)

    def _set_views(self, views: list[SavedView]) -> None:
        self._views = views
        with signals_blocked(self.views_combo):
            self.views_combo.clear()
            for view in views:
                if not view.built_in and self.views_combo.count() == len(BUILT_IN_VIEWS):
                    self.views_combo.insertSeparator(self.views_combo.count())
                self.views_combo.addItem(view.name)
            # Every view in the list at once: a few saved views must not make it scroll.
            self.views_combo.setMaxVisibleItems(self.views_combo.count())
        self._mark_view()
        self.viewsChanged.emit()

    def _view_chosen(self, index: int) -> None:
        name = self.views_combo.itemText(index)
        view = next((v for v in self._views if v.name == name), None)
        if view is not None:
            self.apply_view(view)

    # -- saved views --------------------------------------------------------------------------
    def ask_save_view(self) -> None:
        view = self.current_view
        suggestion = view.name if view is not None and not view.built_in else ""
        name, ok = QInputDialog.getText(
            self, "Save view", "Name of the view:", QLineEdit.EchoMode.Normal, suggestion
        )
        if ok:
            self.save_view_as(name)

    def save_view_as(self, name: str) -> None:
        """Store the filter and sort on screen as the user's view ``name`` (in the background)."""
        engine, me, username = self._context.engine, self._context.me, self._context.username
        view = SavedView(name, self.model.query_filter, self.model.query_sort)

        def save() -> tuple[SavedView, list[SavedView]]:
            return save_view(engine, me, view), list_views(engine, username)

        run_task(save, self._view_saved, parent=self)

    def _view_saved(self, result: tuple[SavedView, list[SavedView]]) -> None:
        self._view = result[0]
        self._set_views(result[1])

    def ask_delete_view(self) -> None:
        view = self.current_view
        if view is None or view.built_in:
            return
        answer = QMessageBox.question(self, "Delete view", f"Delete the saved view “{view.name}”?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        engine, me, username = self._context.engine, self._context.me, self._context.username

        def delete() -> list[SavedView]:
            delete_view(engine, me, view.name)
            return list_views(engine, username)

        run_task(delete, self._set_views, parent=self)

    # -- table --------------------------------------------------------------------------------
    def _counting(self) -> None:
        """A new query's first rows are on screen before its count."""
        if not self.model.count_known:
            self.row_count.setText(f"{self.model.rowCount():,}+ tickets, counting…")

    def _count_changed(self, count: int) -> None:
        self.row_count.setText("1 ticket" if count == 1 else f"{count:,} tickets")
        self.row_count.setToolTip("")
        if count:
            self._emptiness.drop_pending()
            self.empty_note.hide()
            return
        query = self.model.query_filter
        run_task(
            self._query.has_tickets,
            lambda any_ticket: self._explain_empty(any_ticket, query),
            parent=self,
            guard=self._emptiness,
        )

    def _explain_empty(self, any_ticket: bool, shown: QueueFilter) -> None:
        """No rows: say what to do first on a new database, else how to see tickets."""
        if not any_ticket:
            self.empty_note.say(NO_TICKETS_TITLE, NO_TICKETS_TEXT)
        elif shown == ALL_OPEN.filter:
            self.empty_note.say(
                "No open tickets", "Every ticket is resolved or closed.", "Show &all tickets"
            )
        else:
            self.empty_note.say(
                NO_MATCH_TITLE,
                "Change the filter above, or clear it to see all open tickets.",
                "C&lear filter",
            )

    def _query_failed(self, message: str) -> None:
        self.row_count.setText("Queue not available")
        self.row_count.setToolTip(message)
        self._emptiness.drop_pending()
        self.empty_note.hide()
        self._forget_open()

    def _open_index(self, index: QModelIndex) -> None:
        ticket_id = self.model.row_id(index.row()) if index.isValid() else None
        if ticket_id is not None:
            self.navigate.emit("ticket", TicketRequest(ticket_id=ticket_id))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._open_action.setEnabled(current.isValid())
        if current.isValid():
            # None while the row is still loading; _reconcile_selection fills it in.
            self._selected_id = self.model.row_id(current.row())

    def _reconcile_selection(self) -> None:
        """Keep the selected ticket selected by id once fresh rows are on hand."""
        current = self.table.currentIndex()
        if current.isValid() and not self.model.is_loaded(current.row()):
            return  # wait for the current row's page
        current_id = self.model.row_id(current.row()) if current.isValid() else None
        wanted = self._selected_id
        if wanted is not None and current_id != wanted:
            row = self.model.row_of(wanted)
            if row is not None:
                self._select_row(row)
                return
            if self.model.is_fetching():
                return  # it may be on a page still coming
        if not current.isValid() and self.model.rowCount() and self.model.is_loaded(0):
            self._select_row(0)
        elif current_id is not None:
            self._selected_id = current_id

    def _select_row(self, row: int) -> None:
        """Select without scrolling: a refresh must not move the table under the reader."""
        self.table.setAutoScroll(False)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)
        self.table.setAutoScroll(True)
