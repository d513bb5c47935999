"""Application start-up: look and feel, then the main window until it closes.

The stylesheet refers to icons as ``url(icons:NAME)``, so the icon folder is registered as a
Qt search path before the sheet is applied; both come from :func:`resources.resource_path`,
which works the same from a source tree, a wheel and a frozen bundle.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import QCoreApplication, QDir, QEvent, QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.context import SignInNeeded
from resources import resource_path
from ui.kit.errors import report_startup_failure
from ui.kit.tasks import run_task, wait_for_workers
from ui.shell import startup_probe
from ui.shell.main_window import TITLE, MainWindow
from ui.shell.screen_pop import InstanceServer

if TYPE_CHECKING:
    from app.context import AppContext

log = logging.getLogger(__name__)

DESKTOP_FILE = "io.switchboard.Switchboard"  # matches packaging/*.desktop (Wayland icon)


def configure_application(app: QApplication) -> None:
    """Name, icon and stylesheet; a missing stylesheet leaves the platform look."""
    app.setApplicationName(TITLE)
    app.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))
    QDir.addSearchPath("icons", str(resource_path("icons")))
    style = resource_path("style.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    else:
        log.warning("No stylesheet at %s; using the platform look", style)


def settle_heap() -> None:
    """Hide everything built at start-up from the garbage collector.

    The libraries and the window leave hundreds of thousands of long-lived objects; a full
    collection walking them all stalls the GUI thread for tens of milliseconds, visibly
    while scrolling. Frozen, they are skipped, and collections only see newer objects."""
    gc.collect()
    gc.freeze()


def bring_to_front(window: MainWindow) -> None:
    """Raise the window over whatever the operator is doing, restoring it if minimised.

    Window managers may refuse focus to a program the user did not click (focus stealing
    prevention, Wayland); the taskbar entry is then flashed instead, so the call is seen."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)


class ScreenPop(QObject):
    """Takes incoming calls to the call desk, holding one back until the database is
    attached.

    The call desk needs the database; a call that arrives while it is still opening
    (Switchboard started by the ring itself, or just launched) waits for ``attached``. Only
    the latest waiting call is kept: the operator answers the phone that rings now, and
    taking each earlier one in turn would only flash past on screen."""

    def __init__(self, window: MainWindow, *, attached: bool = False) -> None:
        """``attached``: the window already has its database (``attached`` was emitted)."""
        super().__init__(window)
        self.window = window
        self.ready = attached
        self.waiting: str | None = None
        window.attached.connect(self._attached)

    def take(self, number: str) -> None:
        bring_to_front(self.window)
        if self.ready:
            self._deliver(number)
        else:
            self.waiting = number

    def _attached(self) -> None:
        self.ready = True
        number, self.waiting = self.waiting, None
        if number is not None:
            self._deliver(number)

    def _deliver(self, number: str) -> None:
        """To the call desk, without asking the page on screen: edits in the ticket editor
        stay there (it is only hidden), and the phone rings now."""
        from ui.calls.requests import IncomingCall

        self.window.deliver("calls", IncomingCall(number), ask=False)


def back_up_at_exit(window: MainWindow) -> None:
    """The exit backup of a SQLite database that changed; the window is already gone, so a
    failure (a full disk) is logged for the administrator instead of shown."""
    if window.context is None:
        return
    from app.backups import backup_at_exit

    try:
        backup_at_exit(window.context.engine)
    except Exception:
        log.exception("No backup could be taken at exit")


def exit_now(code: int) -> None:
    """End the process at once, with the log written out: no thread is waited for."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def sign_in_then_attach(window: MainWindow, needed: SignInNeeded) -> None:
    """Ask who is at the keyboard, then attach the database as them; cancelled, the window
    closes (nobody may use a database that asks for a sign-in without one)."""
    from ui.shell.sign_in import SignInDialog

    dialog = SignInDialog(needed.engine, window)

    def signed_in() -> None:
        if dialog.context is not None:
            window.attach(dialog.context)
            settle_heap()

    dialog.accepted.connect(signed_in)
    dialog.rejected.connect(window.close)
    dialog.open()


class Opener(Protocol):
    """Opens the database and says who is at the keyboard; ``password`` is for the server
    login where the person typed it, kept in the keyring if ``remember``."""

    def __call__(
        self, password: str | None = None, remember: bool = False
    ) -> AppContext | SignInNeeded: ...


def ask_server_password(
    window: MainWindow, error: Exception, then: Callable[[str, bool], None]
) -> None:
    """Ask for the server login's password and hand it to ``then``; cancelled, the window
    says why it cannot open the database and closes, as for any failed opening."""
    from models.errors import environment_problem
    from ui.shell.server_password import ServerPasswordDialog

    dialog = ServerPasswordDialog(environment_problem(error) or str(error), window)
    dialog.accepted.connect(lambda: then(dialog.password(), dialog.remember()))
    dialog.rejected.connect(lambda: QCoreApplication.exit(report_startup_failure(error)))
    dialog.finished.connect(dialog.deleteLater)  # a wrong password asks again, anew
    dialog.open()


def run_gui(
    open_context: Opener,
    argv: list[str],
    call_number: str | None = None,
    *,
    abandon: Callable[[int], None] = exit_now,
    may_ask_password: bool = False,
) -> int:
    """Show the main window at once, open the database off the GUI thread with
    ``open_context``, then run the event loop; returns the exit status.

    The window listens for ``switchboard call NUMBER`` from then on; ``call_number`` is a
    call to take as soon as the database is open (Switchboard was started by the ring).

    Where the server refuses the log-in for want of a password (``may_ask_password``: the
    URL has none, and ~/.pgpass had none), the window asks for it and opens again.

    A window closed while the database is still opening is not kept waiting for that: the
    opening (imports, checks, one migration transaction that the next start does again) is
    ``abandon``-ed with the exit status, which by default ends the process at once."""
    app = cast(QApplication, QApplication.instance() or QApplication(argv))
    configure_application(app)
    window = MainWindow()
    startup_probe.install(app, window)
    window.show()
    screen_pop = ScreenPop(window)
    server = InstanceServer(parent=window)
    server.callReceived.connect(screen_pop.take)
    server.showRequested.connect(lambda: bring_to_front(window))
    server.listen()  # if it cannot, the window still works; calls just cannot reach it
    if call_number:
        screen_pop.take(call_number)

    def opened(opening: AppContext | SignInNeeded) -> None:
        if isinstance(opening, SignInNeeded):
            sign_in_then_attach(window, opening)
            return
        window.attach(opening)
        settle_heap()

    def failed(error: Exception) -> None:
        from models.errors import password_wanted

        if may_ask_password and password_wanted(error):
            ask_server_password(window, error, start)
            return
        app.exit(report_startup_failure(error))

    opening_done = threading.Event()

    def start(password: str | None = None, remember: bool = False) -> None:
        opening_done.clear()

        def open_database() -> AppContext | SignInNeeded:
            try:
                if password is None:
                    return open_context()
                return open_context(password=password, remember=remember)
            finally:
                opening_done.set()

        run_task(open_database, opened, failed, parent=window)

    start()
    code = app.exec()
    # From here on the window is going: a call must start a new Switchboard, not come here.
    server.close()
    if opening_done.is_set():
        # Let background work finish (a call record being written) before the program ends.
        wait_for_workers()
        back_up_at_exit(window)
    else:
        log.info("Closed while the database was still opening; not waiting for it")
        abandon(code)
    # Nothing of the window outlives the event loop: no page polls the database any more,
    # and an answer still on its way (the database, opened too late) finds nobody to take it.
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return code
