"""The program's one error path: each failure a user can meet is shown the way it deserves.

- A **problem a person can act on** gets a plain message saying what happened and what to
  do: input a rule refuses (:class:`app.errors.SwitchboardError`, whose messages are written
  for people), and the environment (database locked, disk full, server gone, file damaged:
  :func:`models.errors.environment_problem`).
- A **bug** gets the crash dialog with the log file's path and the traceback, written to the
  log, through ``sys.excepthook`` (which the tests turn into a failing test), never a plain
  message that would make it look like the user's mistake.

Pages call :func:`show_failure` with their own place to show a message (a banner, a line
under a form); :func:`failure_message_box` is the default of :func:`ui.kit.tasks.run_task`.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.config import log_dir
from app.errors import SwitchboardError, ValidationError
from app.logging_setup import LOG_FILE
from models.errors import DatabaseError, environment_problem

log = logging.getLogger(__name__)

TITLE = "Switchboard"


def problem_text(error: BaseException) -> str | None:
    """The message for a failure a person can act on; None for a bug."""
    if isinstance(error, ValidationError):
        return "\n".join(error.problems.values())
    if isinstance(error, SwitchboardError | DatabaseError):
        return str(error)
    return environment_problem(error)


def report_bug(error: BaseException) -> None:
    """Log ``error`` with its traceback and show the crash dialog (``sys.excepthook``)."""
    sys.excepthook(type(error), error, error.__traceback__)


def show_failure(error: BaseException, show: Callable[[str], None]) -> None:
    """Show a problem a person can act on with ``show``; report a bug as a bug."""
    text = problem_text(error)
    if text is None:
        report_bug(error)
        return
    if not isinstance(error, SwitchboardError):  # the environment: worth a line in the log
        log.warning("Request failed: %s", error, exc_info=error)
    show(text)


def failure_message_box(parent: QWidget | None) -> Callable[[Exception], None]:
    """A failure callback that shows the problem in a message box over ``parent``."""

    def show(text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, TITLE, text, parent=parent)
        box.setObjectName("failureMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal, without a nested event loop

    return lambda error: show_failure(error, show)


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
    text = problem_text(error)
    if text is None:
        report_bug(error)
        return 1
    log.error("Cannot open the database: %s", error)
    print(f"switchboard: {text}", file=sys.stderr)
    show_startup_error(text)
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
