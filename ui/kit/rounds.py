"""Work that comes round by itself in the window: now and then, off the GUI thread, for the
person signed in if their role calls for it (keeping last month's report for a manager,
evaluating the management escalation rules on every desk).

Nothing the person asked for: a round that fails is logged, not shown, and the next round
tries again; no round starts while one is under way, or on a database found damaged (it
takes no writes). The first round waits ``first_ms`` where the first moments after opening
belong to the person, or runs at once (0) where it is light and wanted early.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from ui.kit.tasks import run_task

if TYPE_CHECKING:  # the window is made before the database layer is imported
    from app.context import AppContext

log = logging.getLogger(__name__)


class Rounds(QObject):
    """A timer and one round at a time; subclasses say who gets rounds (:meth:`wanted`),
    what a round does (:meth:`work`) and what becomes of its result (:meth:`finished`)."""

    failure = "A background round failed"  # the log's words for a failed round

    def __init__(
        self, name: str, interval_ms: int, first_ms: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.interval_ms = max(interval_ms, 0)
        self.timer = QTimer(self)
        self.timer.setInterval(min(first_ms, self.interval_ms))
        self.timer.timeout.connect(self.run_round)
        self._enabled = interval_ms > 0
        self._context: AppContext | None = None
        self._damaged: Callable[[], bool] = lambda: False
        self.running = False

    def wanted(self, context: AppContext) -> bool:
        """Whether the person signed in gets rounds at all."""
        raise NotImplementedError

    def work(self, context: AppContext) -> Callable[[], Any]:
        """What one round runs off the GUI thread."""
        raise NotImplementedError

    def finished(self, result: Any) -> None:
        """A round's result, on the GUI thread."""

    def start(self, context: AppContext, damaged: Callable[[], bool]) -> None:
        """Rounds for ``context`` from now on, unless ``damaged()`` says the database takes
        no writes."""
        if not self._enabled or not self.wanted(context):
            return
        self._context, self._damaged = context, damaged
        if self.timer.interval() == 0:
            self.run_round()  # sets the interval
        self.timer.start()

    def run_round(self) -> None:
        """A round now (the timer's, or the next one brought forward)."""
        self.timer.setInterval(self.interval_ms)
        context = self._context
        if context is None or self.running or self._damaged():
            return
        self.running = True
        run_task(self.work(context), self._done, self._failed, parent=self)

    def _done(self, result: Any) -> None:
        self.running = False
        self.finished(result)

    def _failed(self, error: Exception) -> None:
        self.running = False
        log.warning("%s: %s", self.failure, error, exc_info=error)
