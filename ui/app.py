"""Application start-up: look and feel, then the main window until it closes.

The stylesheet refers to icons as ``url(icons:NAME)``, so the icon folder is registered as a
Qt search path before the sheet is applied; both come from :func:`resources.resource_path`,
which works the same from a source tree, a wheel and a frozen bundle.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QDir, QThreadPool
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from resources import resource_path
from ui import startup_probe
from ui.errors import report_startup_failure
from ui.main_window import TITLE, MainWindow
from ui.tasks import run_task

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


def run_gui(open_context: Callable[[], AppContext], argv: list[str]) -> int:
    """Show the main window at once, open the database off the GUI thread with
    ``open_context``, then run the event loop; returns the exit status."""
    app = cast(QApplication, QApplication.instance() or QApplication(argv))
    configure_application(app)
    window = MainWindow()
    startup_probe.install(app, window)
    window.show()

    def opened(context: AppContext) -> None:
        window.attach(context)
        settle_heap()

    def failed(error: Exception) -> None:
        app.exit(report_startup_failure(error))

    run_task(open_context, opened, failed, parent=window)
    code = app.exec()
    # Let background queries finish while their window still exists to take the answer.
    QThreadPool.globalInstance().waitForDone()
    return code
