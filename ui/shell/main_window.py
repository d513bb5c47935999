"""The main window: navigation on the left, the page stack on the right, menus on top.

Everything it lists comes from the registry (:mod:`ui.contents`, :mod:`ui.shell.pages`): the
navigation entries and their shortcuts, the menus and every command in them. It knows no
page by name. It builds a page the first time it is needed, passes requests between pages
(:attr:`Page.navigate`), hands announcements to every built page (:attr:`Page.announce`),
and goes back to where a page was reached from when that page is done (:attr:`Page.done`).

The window can be shown before the database is open: it starts with an "Opening…" page and
the database layer is imported and connected in the background; :meth:`MainWindow.attach`
then puts the first page in. So only Qt stands between a double-click and a painted window.
Every menu action shows its shortcut, so the keyboard route is discoverable from the mouse
route.

Once the database is attached, and then every :data:`RAISE_TICKETS_MS` (15 minutes), the
window raises the maintenance tickets now due for the tasks the signed-in person may record
(:func:`app.maintenance.occurrence_tickets.raise_due_tickets`, off the GUI thread, never
two rounds at a time; every workstation may do it at once, each ticket is raised once). What
was raised is said in the status bar and announced to the pages (:class:`TicketsRaised`); a
failure is logged and said in the status bar, never in a dialog that would come back every
15 minutes. For a manager or admin, a minute after opening and every hour, the last complete
month's report is counted and kept in the background (:mod:`ui.reports.keeper`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import ui.contents  # noqa: F401 - registers the pages and commands
from app.config import program_version
from resources import resource_path
from ui.attention.tray import AttentionTray
from ui.attention.watcher import EVALUATE_MS, AttentionWatcher
from ui.kit.errors import problem_text
from ui.kit.remembered import restore_window, save_window
from ui.kit.tasks import run_task
from ui.reports.keeper import KEEP_REPORTS_MS, ReportKeeper
from ui.shell.events import AttentionRaised, TicketsRaised
from ui.shell.pages import COMMANDS, MENUS, PAGES, PAGES_MENU, Command, Page, PageInfo, load

log = logging.getLogger(__name__)

READ_ONLY_DAMAGED = (
    "This database is damaged: Switchboard shows what it holds, nothing can be saved."
)

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.engine import URL

    from app.backups import OpeningCheck
    from app.context import AppContext
    from ui.kit.widgets import Banner

TITLE = "Switchboard"
LAYOUT_KEY = "mainWindow"  # where its size and place are remembered
# How often the window raises the maintenance tickets that have come due (0: never, not even
# when the database is attached).
RAISE_TICKETS_MS = 15 * 60 * 1000
RAISED_MESSAGE_MS = 15_000  # how long the status bar says what was raised...
RAISE_FAILED_MESSAGE_MS = 60_000  # ...or why nothing could be
RAISED_NUMBERS_SHOWN = 5  # the status bar names this many tickets, then "…"
_KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the page key of a navigation entry


def database_label(url: URL) -> str:
    """The database for the status bar as a person names it: the file's path, or the
    server's host and database (never a password, never a driver's URL)."""
    if url.get_backend_name() == "sqlite":
        return f"Database: {url.database or 'in memory'}"
    host = url.host or "local socket"
    port = f":{url.port}" if url.port else ""
    return f"Database: {url.database} on {host}{port}"


def about_text() -> str:
    """What this version does, no more: the pages come from the registry, so the box lists
    exactly the ones there are."""
    pages = ", ".join(info.title for info in PAGES if info.in_navigation)
    return (
        f"<b>Switchboard</b> {program_version()}<br><br>"
        "A help-desk console for a small IT team: a ticket queue with priorities, SLA "
        "timers, assignment, escalation and an audit trail; a call desk that finds the "
        "caller as you type or from the phone's screen pop, with their tickets, calls and "
        "assets; caller import from directory exports and merging of duplicates; the staff "
        "roster with on-call rotas, conflicts and the desk's cover; the training log with "
        "its matrix of certifications; the maintenance calendar; problem management with "
        "repeat-incident detection and known errors offered at intake; escalation to vendors "
        "under their contracts and to management through the manager's attention list; the "
        "manager's dashboard and the monthly report as a PDF; backups and integrity checks "
        "of the database.<br><br>"
        f"Pages: {pages}.<br>"
        "Works on a local SQLite file, or shared by several workstations on PostgreSQL."
    )


def user_label(context: AppContext) -> str:
    """ "Ann Operator · Operator" (the login name when no staff name is known)."""
    who = context.name or context.username
    return f"{who} · {context.role}" if context.role else who


def raised_text(numbers: list[str]) -> str:
    """The status bar's words for the maintenance tickets just raised: "Raised 2 maintenance
    tickets: HQ-000101, HQ-000102"."""
    shown = ", ".join(numbers[:RAISED_NUMBERS_SHOWN])
    more = ", …" if len(numbers) > RAISED_NUMBERS_SHOWN else ""
    tickets = "ticket" if len(numbers) == 1 else "tickets"
    return f"Raised {len(numbers)} maintenance {tickets}: {shown}{more}"


def _icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))


class MainWindow(QMainWindow):
    """Switchboard's one window; see the module docstring."""

    attached = Signal()  # the database is open and the first page is in the window
    # A round of raising maintenance tickets is over: the numbers raised (a list, maybe
    # empty); not sent when the round failed.
    maintenance_raised = Signal(object)

    def __init__(
        self,
        context: AppContext | None = None,
        parent: QWidget | None = None,
        *,
        page_options: Mapping[str, Mapping[str, Any]] | None = None,
        raise_tickets_ms: int = RAISE_TICKETS_MS,
        keep_reports_ms: int = KEEP_REPORTS_MS,
        evaluate_attention_ms: int = EVALUATE_MS,
    ) -> None:
        """``page_options``: keyword arguments for a page's factory, by page key (tests
        switch the queue's polling off this way). ``raise_tickets_ms``: how often the due
        maintenance tickets are raised; ``keep_reports_ms``: how often a manager's last
        complete month is counted and kept (:mod:`ui.reports.keeper`);
        ``evaluate_attention_ms``: how often the management escalation rules are evaluated
        (:mod:`ui.attention.watcher`); 0 never."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(TITLE)
        self.resize(1280, 800)
        self._page_options = dict(page_options or {})
        self._context: AppContext | None = None
        self._built: dict[str, Page] = {}
        self._came_from: dict[str, str] = {}  # page key -> the page it was reached from
        self._actions: dict[str, QAction] = {}
        self._raising = False  # a round of raising maintenance tickets is under way
        self.raise_timer = QTimer(self)  # the next round of raising maintenance tickets
        self.raise_timer.setObjectName("raiseTicketsTimer")
        self.raise_timer.setInterval(max(raise_tickets_ms, 0))
        self.raise_timer.timeout.connect(self.raise_maintenance_tickets)
        self._raises_tickets = raise_tickets_ms > 0
        self.report_keeper = ReportKeeper(keep_reports_ms, self)
        self.attention_watcher = AttentionWatcher(evaluate_attention_ms, self)
        self.attention_tray = AttentionTray(self)
        self.attention_watcher.raised.connect(lambda count: self._announce(AttentionRaised(count)))
        self.attention_watcher.arrived.connect(self.attention_tray.tell)
        self.attention_tray.open_requested.connect(self.show_attention)

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
        self._right = QVBoxLayout()  # page strips (the call bar) go above the pages
        self._right.setContentsMargins(0, 0, 0, 0)
        self._right.setSpacing(0)
        self.damaged_banner: Banner | None = None  # made if the database proves damaged
        self._newest_backup: datetime | None = None
        self._right.addWidget(self.pages, 1)
        layout.addLayout(self._right, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self._build_status_bar()
        restore_window(self, LAYOUT_KEY)
        if context is not None:
            self.attach(context)

    def attach(self, context: AppContext) -> None:
        """Put the first page in, once the database is open."""
        self._context = context
        for command in COMMANDS:
            self._actions[command.name].setEnabled(command.enabled)
        for info in self._navigation_pages():
            self._actions[f"goTo:{info.key}"].setEnabled(True)
        self.database_label.setText(database_label(context.engine.url))
        self._show_who(context)
        first = self._navigation_pages()[0]
        self.show_page(first.key)
        self.pages.removeWidget(self.opening)
        self.opening.deleteLater()
        self.attached.emit()
        # The database layer is loaded by now (the window showed before it was).
        from app.backups import check_after_opening
        from models.engine import is_sqlite

        if is_sqlite(context.engine):
            engine = context.engine
            run_task(lambda: check_after_opening(engine), self._opening_checked, parent=self)
        self._offer_set_up(context)
        if self._raises_tickets:
            self.raise_maintenance_tickets()
            self.raise_timer.start()
        self.report_keeper.start(context, lambda: self.damaged_banner is not None)
        self.attention_watcher.start(context, lambda: self.damaged_banner is not None)

    # -- maintenance tickets ------------------------------------------------------------------
    def raise_maintenance_tickets(self) -> None:
        """Raise the maintenance tickets now due for the tasks the person signed in may
        record, off the GUI thread; nothing while a round is still under way (the next one
        catches up), or on a database found damaged (nothing can be saved)."""
        context = self._context
        if context is None or self._raising or self.damaged_banner is not None:
            return
        from app.maintenance import occurrence_tickets
        from models.clock import utcnow

        engine, me = context.engine, context.me
        self._raising = True
        run_task(
            lambda: occurrence_tickets.raise_due_tickets(engine, me, utcnow()),
            self._maintenance_raised,
            self._raising_failed,
            parent=self,
        )

    def _maintenance_raised(self, numbers: list[str]) -> None:
        self._raising = False
        if numbers:
            self.statusBar().showMessage(raised_text(numbers), RAISED_MESSAGE_MS)
            self._announce(TicketsRaised(tuple(numbers)))
        self.maintenance_raised.emit(numbers)

    def _raising_failed(self, error: Exception) -> None:
        """Logged, and said in the status bar: a dialog would come back every round (the
        server is down for an hour, say), and the log has the details for a bug."""
        self._raising = False
        text = problem_text(error)
        if text is None:
            log.error("Raising maintenance tickets failed", exc_info=error)
            text = "something went wrong inside Switchboard (the log file has the details)."
        else:
            log.warning("Raising maintenance tickets failed: %s", text, exc_info=error)
        self.statusBar().showMessage(
            f"Maintenance tickets could not be raised: {text}", RAISE_FAILED_MESSAGE_MS
        )

    def _offer_set_up(self, context: AppContext) -> None:
        """A database waiting for its set-up opens the assistant for an admin."""
        from app.org.first_run import step_to_resume
        from app.permissions import Action, context_may

        if context_may(context, Action.SET_UP_ORGANISATION):
            engine = context.engine
            run_task(
                lambda: step_to_resume(engine),
                lambda step: self.set_up() if step is not None else None,
                parent=self,
            )

    def set_up(self) -> None:
        """Settings › Set-up assistant…: the organisation, first site, teams, categories and
        SLA targets, step by step; the page on screen is read again when it is done."""
        from ui.settings.set_up_assistant import open_assistant

        if self._context is not None:
            open_assistant(self._context, self, self.refresh_page)

    def _show_who(self, context: AppContext) -> None:
        """Who is signed in, and the commands their role allows: the others are disabled
        with the reason as their tooltip."""
        from app.permissions import Action, context_may, refusal

        self.user_label.setText(user_label(context))
        self.user_label.setToolTip(f"Signed in as {context.username}")
        for command in COMMANDS:
            if not command.permission:
                continue
            needed = Action[command.permission]
            permitted = context_may(context, needed)
            action = self._actions[command.name]
            action.setEnabled(permitted and command.enabled)
            action.setToolTip(command.text.replace("&", "") if permitted else refusal(needed))

    def switch_user(self) -> None:
        """File › Switch user…: someone else signs in at this workstation. The pages were
        built for the person before (their actions are filed under them), so they are
        closed, as at quitting, and built again for the one who signed in."""
        if self._context is None:
            return
        current = self.current_page()
        if current is not None and not current.may_leave():
            return
        if not all(page.may_quit() for page in self._built.values()):
            return
        from ui.shell.sign_in import SignInDialog

        dialog = SignInDialog(
            self._context.engine,
            self,
            intro=f"Signed in now: {user_label(self._context)}. Who takes over this workstation?",
        )
        dialog.accepted.connect(lambda: self._switch_to(dialog.context))
        dialog.open()

    def _switch_to(self, context: AppContext | None) -> None:
        if context is None:
            return
        for key, page in list(self._built.items()):
            page.closing()  # a call still on is logged, by the person who took it
            strip = page.strip()
            if strip is not None:
                strip.deleteLater()
            self.pages.removeWidget(page)
            page.deleteLater()
            del self._built[key]
        self._came_from.clear()
        self._context = context
        self._show_who(context)
        self.show_page(self._navigation_pages()[0].key)
        if self._raises_tickets:  # they may record other tasks than the person before
            self.raise_maintenance_tickets()

    @property
    def context(self) -> AppContext | None:
        return self._context

    def _opening_checked(self, check: OpeningCheck) -> None:
        """The background check after opening: a damaged file makes the window read-only."""
        from models.engine import refuse_writes
        from models.errors import DAMAGED

        self._newest_backup = check.newest_backup
        self._show_backup_age()
        self._backup_age_timer.start()
        if check.damaged is None or self._context is None:
            return
        folder = Path(self._context.engine.url.database or "").parent / "backups"
        refuse_writes(self._context.engine, f"{READ_ONLY_DAMAGED} {DAMAGED}")
        self.damaged_banner = self._damaged_banner()
        self.damaged_banner.show_message(
            f"{READ_ONLY_DAMAGED}\n"
            "Close Switchboard, run 'switchboard check' to see the damage, then "
            f"'switchboard restore FILE' with a backup from {folder}.\n"
            f"SQLite's integrity check found: {'; '.join(check.damaged[:2])}"
        )

    def _show_backup_age(self) -> None:
        """How old the newest backup is, kept true as the day goes on."""
        from app.backups import age_text

        if self._newest_backup is None:
            self.backup_label.setText("Backup: none yet")
        else:
            self.backup_label.setText(f"Backup: {age_text(self._newest_backup)}")

    def _damaged_banner(self) -> Banner:
        """Made only when needed: the widget kit is not loaded before the first paint."""
        from ui.kit import widgets

        banner = widgets.Banner(
            "damagedBanner",
            "Database damaged",
            ("#fdecea", "#e57373"),
            QPushButton("Copy the check command"),
        )
        banner.button.setObjectName("copyCheckButton")
        banner.button.clicked.connect(self._copy_check_command)
        self._right.insertWidget(self._right.indexOf(self.pages), banner)
        return banner

    def _copy_check_command(self) -> None:
        import shlex

        if self._context is not None:
            path = self._context.engine.url.database or ""
            QApplication.clipboard().setText(f"switchboard check --db {shlex.quote(path)}")
            self.statusBar().showMessage("Copied: paste it into a terminal.", 5000)

    # -- pages --------------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        """The page registered under ``key``, built the first time it is asked for."""
        page = self._built.get(key)
        if page is not None:
            return page
        info = self._info(key)
        if info.needs_database and self._context is None:
            raise RuntimeError(f"the {info.title} page needs the database, which is not open")
        page = info.build(self._context, **self._page_options.get(key, {}))
        self._built[key] = page
        self.pages.addWidget(page)
        page.navigate.connect(self.deliver)
        page.announce.connect(self._announce)
        page.done.connect(lambda key=key: self._go_back(key))
        page.bind({c.name: self._actions[c.name] for c in COMMANDS if c.page == key})
        strip = page.strip()
        if strip is not None:
            self._right.insertWidget(0, strip)
        return page

    def current_page(self) -> Page | None:
        widget = self.pages.currentWidget()
        return widget if isinstance(widget, Page) else None

    def show_page(self, key: str, *, ask: bool = True) -> Page | None:
        """Bring a page on screen and let it take the keyboard; None if the page on screen
        may not be left now (``ask``: ask it first, else it is only hidden)."""
        current = self.current_page()
        page = self.page(key)
        if current is not page:
            if ask and current is not None and not current.may_leave():
                return None
            if current is not None:
                self._came_from[key] = self._key_of(current)
            self.pages.setCurrentWidget(page)
        self._select_navigation(key)
        page.shown()
        return page

    def deliver(self, key: str, request: object = None, *, ask: bool = True) -> None:
        """Hand the page ``key`` a ``request`` (a ticket to open, a call to take) and show it,
        unless the page on screen may not be left or the page cannot take the request."""
        current, page = self.current_page(), self.page(key)
        if ask and current is not None and current is not page and not current.may_leave():
            return
        if request is None or page.handle(request):
            self.show_page(key, ask=False)

    def _announce(self, event: object) -> None:
        for page in list(self._built.values()):
            page.notice(event)

    def _go_back(self, key: str) -> None:
        """A page is done: back to the page it was reached from (it asked already)."""
        back = self._came_from.get(key, self._navigation_pages()[0].key)
        self.show_page(back, ask=False)

    def _info(self, key: str) -> PageInfo:
        return next(info for info in PAGES if info.key == key)

    def _key_of(self, page: Page) -> str:
        return next(key for key, built in self._built.items() if built is page)

    def _navigation_pages(self) -> list[PageInfo]:
        return [info for info in PAGES if info.in_navigation]

    # -- building -----------------------------------------------------------------------------
    def _build_navigation(self) -> QListWidget:
        navigation = QListWidget()
        navigation.setObjectName("navigation")
        navigation.setAccessibleName("Navigation")
        navigation.ensurePolished()  # the stylesheet's item padding must be known before items
        for info in self._navigation_pages():
            item = QListWidgetItem(_icon(info.icon), info.title, navigation)
            item.setData(_KEY_ROLE, info.key)
            item.setToolTip(f"{info.title} ({info.shortcut})" if info.shortcut else info.title)
        navigation.setCurrentRow(0)
        self._navigation_row = 0  # the entry of the page on screen (or last on screen)
        # As wide as the widest entry (never a horizontal scroll bar), 120 px at least.
        margins = navigation.contentsMargins()
        widest = navigation.sizeHintForColumn(0) + margins.left() + margins.right()
        navigation.setFixedWidth(max(120, widest))
        navigation.itemActivated.connect(self._navigate)
        navigation.itemClicked.connect(self._navigate)
        return navigation

    def _navigate(self, item: QListWidgetItem) -> None:
        if self._context is not None and self.show_page(item.data(_KEY_ROLE)) is None:
            self.navigation.setCurrentRow(self._navigation_row)  # stayed where it was

    def _select_navigation(self, key: str) -> None:
        for row in range(self.navigation.count()):
            if self.navigation.item(row).data(_KEY_ROLE) == key:
                self.navigation.setCurrentRow(row)
                self._navigation_row = row

    def _action(self, name: str, text: str, shortcut: str, icon: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if icon:
            action.setIcon(_icon(icon))
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        self._actions[name] = action
        return action

    def _build_menus(self) -> None:
        menus = {title: self.menuBar().addMenu(title) for title in MENUS}
        for menu in menus.values():
            menu.setToolTipsVisible(True)  # a disabled entry says why
        for info in self._navigation_pages():
            go = self._action(f"goTo:{info.key}", info.title, info.shortcut, info.icon)
            go.triggered.connect(lambda _checked=False, key=info.key: self.show_page(key))
            go.setEnabled(not info.needs_database)
            for title in PAGES_MENU:
                menus[title].addAction(go)
        for title in PAGES_MENU:
            menus[title].addSeparator()
        for command in COMMANDS:
            if command.separator_before:
                menus[command.menu].addSeparator()
            if command.submenu:
                self._add_submenu(menus[command.menu], command)
                continue
            action = self._action(command.name, command.text, command.shortcut, command.icon)
            action.triggered.connect(lambda _checked=False, c=command: self.run(c))
            action.setEnabled(not command.needs_database)
            for title in (command.menu, *command.also_in):
                menus[title].addAction(action)

    def _add_submenu(self, menu: QMenu, command: Command) -> None:
        """A submenu its page fills each time it opens, so it always lists what is current."""
        submenu = menu.addMenu(command.text)
        submenu.setObjectName(command.name)
        self._actions[command.name] = submenu.menuAction()
        submenu.menuAction().setEnabled(not command.needs_database)

        def fill() -> None:
            submenu.clear()
            if self._context is not None:
                getattr(self.page(command.page), command.method)(submenu)

        submenu.aboutToShow.connect(fill)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.database_label = QLabel("Opening the database…")
        self.database_label.setObjectName("databaseLabel")
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        status.addWidget(self.database_label, 1)
        self.backup_label = QLabel()
        self.backup_label.setObjectName("backupLabel")
        self.backup_label.setContentsMargins(0, 0, 12, 0)
        status.addPermanentWidget(self.backup_label)
        self._backup_age_timer = QTimer(self)
        self._backup_age_timer.setInterval(60_000)
        self._backup_age_timer.timeout.connect(self._show_backup_age)
        status.addPermanentWidget(self.user_label)

    # -- commands -----------------------------------------------------------------------------
    def action(self, name: str) -> QAction:
        """The window's action for the command (or navigation entry ``goTo:KEY``) ``name``."""
        return self._actions[name]

    def run(self, command: Command) -> None:
        """Carry out a menu command: a page's method, a dialog, or the window's own."""
        if command.window:
            getattr(self, command.window)()
        elif command.dialog:
            self._open_dialog(command.dialog)
        elif command.shows_page:
            page = self.show_page(command.page, ask=command.asks_to_leave)
            if page is not None:
                getattr(page, command.method)()
        else:
            getattr(self.page(command.page), command.method)()

    def _open_dialog(self, factory: str) -> None:
        dialog = load(factory)(self._context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_attention(self) -> None:
        """The manager's attention list (the notification clicked): the window raised and
        the list in front, as F9 does."""
        self.showNormal() if self.isMinimized() else self.show()
        self.raise_()
        self.activateWindow()
        action = self._actions.get("attention")
        if action is not None and action.isEnabled():
            action.trigger()

    def refresh_page(self) -> None:
        page = self.current_page()
        if page is not None:
            page.refresh()

    def about(self) -> None:
        QMessageBox.about(self, "About Switchboard", about_text())

    def closeEvent(self, event: QCloseEvent) -> None:
        current = self.current_page()
        if current is not None and not current.may_leave():
            event.ignore()
            return
        if not all(page.may_quit() for page in self._built.values()):
            event.ignore()
            return
        for page in self._built.values():
            page.closing()  # a call still on is logged as ending now
        self.raise_timer.stop()
        save_window(self, LAYOUT_KEY)
        event.accept()
