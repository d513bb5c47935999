"""The two kinds of failure a user can meet, shown the way each deserves.

Environment problems (damaged or foreign database, disk full, locked file) get a plain
dialog saying what to do. Bugs get a crash dialog with the log file's path, via
``sys.excepthook``, instead of a silent exit or a traceback in a terminal nobody watches.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app.config import log_dir
from app.errors import SwitchboardError
from app.logging_setup import LOG_FILE
from models.errors import DatabaseError

log = logging.getLogger(__name__)


def _application() -> QApplication:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication(sys.argv)


def show_startup_error(message: str) -> None:
    """Tell the user why the database could not be opened (before any window exists)."""
    _application()
    box = QMessageBox(QMessageBox.Icon.Critical, "Switchboard cannot start", message)
    box.setObjectName("startupError")
    box.exec()


def report_startup_failure(error: Exception) -> int:
    """Say why the database could not be opened; returns the exit status for it."""
    if not isinstance(error, (DatabaseError, SwitchboardError)):
        _crash_hook(type(error), error, error.__traceback__)
        return 1
    log.error("Cannot open the database: %s", error)
    print(f"switchboard: {error}", file=sys.stderr)
    show_startup_error(str(error))
    return 2


def _crash_hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    log.critical("Unexpected error", exc_info=(kind, error, tb))
    if QApplication.instance() is None:
        sys.__excepthook__(kind, error, tb)
        return
    details = "".join(traceback.format_exception(kind, error, tb))
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Switchboard hit a bug",
        "Something went wrong inside Switchboard. Your saved work is safe in the database.\n\n"
        f"Please send the log file to your administrator:\n{log_dir() / LOG_FILE}",
    )
    box.setObjectName("crashDialog")
    box.setDetailedText(details)
    box.exec()


def install_excepthook() -> None:
    sys.excepthook = _crash_hook
