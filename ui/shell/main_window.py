"""The main window: navigation on the left, the page stack (queue, ticket editor) on the right.

The window owns the menus and the page switching; the pages own their work. Every menu
action shows its shortcut, so the keyboard route is discoverable from the mouse route.

The window can be shown before the database is open: it starts with an "Opening…" page and
the database layer is imported and connected in the background; :meth:`MainWindow.attach`
then puts the queue in. So only Qt stands between a double-click and a painted window.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from resources import resource_path

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from app.context import AppContext
    from app.queue.query import SavedView
    from app.tickets.detail import TicketDetail
    from ui.calls.desk import CallDesk
    from ui.queue.page import QueueView
    from ui.tickets.editor import TicketEditor
    from ui.tickets.form import TicketPrefill

TITLE = "Switchboard"
NAV_QUEUE, NAV_CALLS = 0, 1  # rows of the navigation list


def database_label(url: URL) -> str:
    """The database for the status bar, never showing a password."""
    return f"Database: {url.render_as_string(hide_password=True)}"


def _icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))


def _program_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("switchboard")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "(development version)"


class MainWindow(QMainWindow):
    """Switchboard's one window; see the module docstring."""

    attached = Signal()  # the database is open and the queue is in the window

    def __init__(
        self,
        context: AppContext | None = None,
        parent: QWidget | None = None,
        *,
        poll_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(TITLE)
        self.resize(1280, 800)
        self._poll_ms = poll_ms
        self._context: AppContext | None = None
        self._queue: QueueView | None = None
        self._editor: TicketEditor | None = None  # built on first use: a faster start
        self._desk: CallDesk | None = None  # likewise
        self._ticket_for_call = False  # the editor holds a ticket started from the call desk

        self.opening = QLabel("Opening the database…")
        self.opening.setObjectName("openingPage")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.pages.addWidget(self.opening)
        self.navigation = self._build_navigation()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        self.call_bar_slot = right  # the call bar goes on top once the call desk exists
        right.addWidget(self.pages, 1)
        layout.addLayout(right, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self._build_status_bar()
        if context is not None:
            self.attach(context)

    def attach(self, context: AppContext) -> None:
        """Put the queue in, once the database is open."""
        from ui.queue.page import QueueView

        self._context = context
        options = {} if self._poll_ms is None else {"poll_ms": self._poll_ms}
        queue = self._queue = QueueView(context, **options)
        self.pages.addWidget(queue)
        self.pages.setCurrentWidget(queue)
        self.pages.removeWidget(self.opening)
        self.opening.deleteLater()
        queue.openRequested.connect(self.open_ticket)
        self.refresh_action.triggered.connect(queue.refresh)
        self.view_menu.addAction(queue.save_view_action)
        self.view_menu.addAction(queue.delete_view_action)
        queue.open_action.setIcon(_icon("ticket"))
        self.ticket_menu.insertAction(self.new_action, queue.open_action)
        for action in self._needs_database:
            action.setEnabled(True)
        self.database_label.setText(database_label(context.engine.url))
        self.user_label.setText(f"User: {context.username}")
        queue.focus_table()
        self.attached.emit()

    @property
    def queue(self) -> QueueView:
        assert self._queue is not None, "the queue exists once the database is attached"
        return self._queue

    @property
    def editor(self) -> TicketEditor:
        """The ticket editor page, created the first time a ticket is opened or started."""
        if self._editor is None:
            from ui.tickets import editor as ticket_editor

            assert self._context is not None
            self._editor = ticket_editor.TicketEditor(self._context)
            self.pages.addWidget(self._editor)
            self._editor.closed.connect(self._editor_closed)
            self._editor.saved.connect(self._ticket_saved)
        return self._editor

    @property
    def desk(self) -> CallDesk:
        """The call desk page, created the first time a call is taken or the page shown."""
        if self._desk is None:
            from ui.calls.desk import CallDesk

            assert self._context is not None
            desk = self._desk = CallDesk(self._context)
            self.pages.addWidget(desk)
            self.call_bar_slot.insertWidget(0, desk.call_bar)
            desk.newTicketRequested.connect(self._new_ticket_for_call)
            desk.openTicketRequested.connect(self.open_ticket)
            desk.callChanged.connect(self._call_changed)
        return self._desk

    # -- building -----------------------------------------------------------------------------
    def _build_navigation(self) -> QListWidget:
        navigation = QListWidget()
        navigation.setObjectName("navigation")
        navigation.setAccessibleName("Navigation")
        navigation.ensurePolished()  # the stylesheet's item padding must be known before items
        QListWidgetItem(_icon("queue"), "Queue", navigation)
        QListWidgetItem(_icon("phone"), "Calls", navigation)
        navigation.setCurrentRow(0)
        navigation.setFixedWidth(120)
        navigation.itemActivated.connect(self._navigate)
        navigation.itemClicked.connect(self._navigate)
        return navigation

    def _navigate(self, item: QListWidgetItem) -> None:
        if self._context is None:
            return
        if self.navigation.row(item) == NAV_CALLS:
            self.show_desk()
        else:
            self.show_queue()

    def _action(self, text: str, shortcut: QKeySequence | str | None, icon: str | None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(_icon(icon))
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_action = self._action("&New ticket", "Ctrl+N", "new")
        self.new_action.triggered.connect(self.new_ticket)
        self.quit_action = self._action("&Quit", "Ctrl+Q", None)
        self.quit_action.triggered.connect(self.close)
        self.import_action = self._action("&Import callers…", None, None)
        self.import_action.triggered.connect(self.import_callers)
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        self.view_menu = bar.addMenu("&View")
        self.find_action = self._action("&Find / filter", "Ctrl+F", "filter")
        self.find_action.triggered.connect(self.find)
        self.refresh_action = self._action("&Refresh", "F5", "refresh")
        self.view_menu.addAction(self.find_action)
        self.view_menu.addAction(self.refresh_action)
        self.view_menu.addSeparator()
        self.views_menu = self.view_menu.addMenu("Saved &views")
        self.views_menu.aboutToShow.connect(self._fill_views_menu)

        self.ticket_menu = bar.addMenu("&Ticket")
        self.ticket_menu.addAction(self.new_action)

        call_menu = bar.addMenu("&Call")
        self.take_call_action = self._action("&Take call", "F2", "phone")
        self.take_call_action.triggered.connect(lambda: self.take_call())
        self.end_call_action = self._action("&End call", "F8", None)
        self.end_call_action.triggered.connect(self.end_call)
        self.duplicates_action = self._action("Find &duplicate callers…", None, None)
        self.duplicates_action.triggered.connect(self.merge_callers)
        call_menu.addAction(self.take_call_action)
        call_menu.addAction(self.end_call_action)
        call_menu.addSeparator()
        call_menu.addAction(self.duplicates_action)

        settings_menu = bar.addMenu("&Settings")
        self.matrix_action = self._action("&Priority matrix…", None, None)
        self.matrix_action.triggered.connect(self.edit_priority_matrix)
        settings_menu.addAction(self.matrix_action)

        help_menu = bar.addMenu("&Help")
        self.about_action = self._action("&About Switchboard", None, None)
        self.about_action.triggered.connect(self._about)
        help_menu.addAction(self.about_action)

        # Until the database is open there is nothing for these to act on.
        self._needs_database = (
            self.take_call_action,
            self.import_action,
            self.duplicates_action,
            self.new_action,
            self.find_action,
            self.refresh_action,
            self.matrix_action,
        )
        for action in self._needs_database:
            action.setEnabled(False)
        self.end_call_action.setEnabled(False)  # until a call is on

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.database_label = QLabel("Opening the database…")
        self.database_label.setObjectName("databaseLabel")
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        status.addWidget(self.database_label, 1)
        status.addPermanentWidget(self.user_label)

    def _fill_views_menu(self) -> None:
        """Rebuilt on every opening, so it always lists the views the queue knows."""
        self.views_menu.clear()
        if self._queue is None:
            return
        current = self.queue.current_view
        for view in self.queue.views:
            action = self.views_menu.addAction(view.name)
            action.setCheckable(True)
            action.setChecked(current is not None and current.name == view.name)
            action.triggered.connect(lambda _checked=False, v=view: self._choose_view(v))

    # -- pages --------------------------------------------------------------------------------
    def _leave_editor(self) -> bool:
        """Whether the editor may be left (nothing unsaved, or the user lets it go)."""
        editor = self._editor
        if editor is None or self.pages.currentWidget() is not editor:
            return True
        return not editor.has_unsaved_changes() or editor.confirm_discard()

    def show_queue(self) -> bool:
        """Back to the queue with the keyboard in the table; False if the user stayed."""
        if self._queue is None or not self._leave_editor():
            return False
        self.pages.setCurrentWidget(self.queue)
        self.navigation.setCurrentRow(NAV_QUEUE)
        self.queue.focus_table()
        return True

    def show_desk(self) -> bool:
        """The call desk, keyboard in the search box; False if the user stayed put."""
        if self._context is None or not self._leave_editor():
            return False
        self.pages.setCurrentWidget(self.desk)
        self.navigation.setCurrentRow(NAV_CALLS)
        self.desk.focus_search()
        return True

    def take_call(self, number: str = "") -> None:
        """F2, or a screen pop with the caller's ``number``: the call desk, a call started.
        Unsaved edits in the ticket editor stay there (the page is only hidden)."""
        if self._context is None:
            return
        self.pages.setCurrentWidget(self.desk)
        self.navigation.setCurrentRow(NAV_CALLS)
        self.desk.take_call(number)

    def end_call(self) -> None:
        if self._desk is not None:
            self._desk.end_call()

    def _call_changed(self) -> None:
        self.end_call_action.setEnabled(self.desk.call is not None)

    def _new_ticket_for_call(self, prefill: TicketPrefill) -> None:
        editor = self._editor
        if editor is not None and editor.has_unsaved_changes() and not editor.confirm_discard():
            return
        self.editor.new_ticket(prefill)
        self._ticket_for_call = True
        self._show_editor()

    def _show_editor(self) -> None:
        self.pages.setCurrentWidget(self.editor)
        self.editor.setFocus()

    def open_ticket(self, ticket_id: uuid.UUID) -> None:
        self.editor.open_ticket(ticket_id)
        self._ticket_for_call = False
        self._show_editor()

    def new_ticket(self) -> None:
        if self._leave_editor():
            self.editor.new_ticket()
            self._ticket_for_call = False
            self._show_editor()

    def find(self) -> None:
        if self.show_queue():
            self.queue.focus_filter()

    def _choose_view(self, view: SavedView) -> None:
        if self.show_queue():
            self.queue.apply_view(view)

    def _editor_closed(self) -> None:
        # The editor already asked about unsaved changes before it emitted ``closed``.
        if self._ticket_for_call:
            self._ticket_for_call = False
            self.show_desk()
            return
        self.pages.setCurrentWidget(self.queue)
        self.queue.focus_table()

    def _ticket_saved(self, detail: TicketDetail) -> None:
        self.queue.select_ticket(detail.id)
        self.queue.refresh()
        if self._ticket_for_call:
            # Logged for the caller on the line: back to the call with the card updated.
            self._ticket_for_call = False
            self.desk.link_ticket(detail)
            self.show_desk()

    def edit_priority_matrix(self) -> None:
        """Open the matrix editor (window-modal; it saves by itself)."""
        from ui.settings.priority_matrix import PriorityMatrixDialog

        assert self._context is not None
        dialog = PriorityMatrixDialog(self._context, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def import_callers(self) -> None:
        """The import dialog: choose a CSV file, map its columns, preview, then import."""
        from ui.callers.import_dialog import CallerImportDialog

        assert self._context is not None
        CallerImportDialog(self._context, self).open()  # deletes itself when closed

    def merge_callers(self) -> None:
        """Likely duplicate callers, to merge one group at a time."""
        from ui.callers.merge_dialog import CallerMergeDialog

        assert self._context is not None
        CallerMergeDialog(self._context, self).open()  # deletes itself when closed

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Switchboard",
            f"<b>Switchboard</b> {_program_version()}<br>"
            "A help-desk console: ticket queue, callers, roster and reports.",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._leave_editor():
            event.ignore()
            return
        self.end_call()  # a call still on is logged as ending now
        event.accept()
