"""Keeping the last complete month's report ready in a manager's window: now and then, off
the GUI thread, the month is counted for all sites and for each
(:func:`app.reports.report.keep_last_month`), so the Reports page opens it at once instead of
counting a month of tickets while the manager waits.

Nothing the person asked for: a round that fails is logged, not shown, and the next round
tries again; no round starts while one is under way, or for someone who may not run
reports, or on a database found damaged (nothing can be kept).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from ui.kit.tasks import run_task

if TYPE_CHECKING:  # the window is made before the database layer is imported
    from app.context import AppContext

log = logging.getLogger(__name__)

KEEP_REPORTS_MS = 60 * 60 * 1000  # an hour: a month's tickets change rarely once it is over
FIRST_ROUND_MS = 60 * 1000  # the first minute after opening belongs to the person


class ReportKeeper(QObject):
    kept = Signal()  # a round is over and the month is kept

    def __init__(
        self, interval_ms: int, parent: QObject | None = None, first_ms: int = FIRST_ROUND_MS
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportKeeper")
        self.interval_ms = max(interval_ms, 0)
        self.timer = QTimer(self)  # the first round a minute after opening, then every hour
        self.timer.setInterval(min(first_ms, self.interval_ms))
        self.timer.timeout.connect(self.keep)
        self._enabled = interval_ms > 0
        self._context: AppContext | None = None
        self._damaged: Callable[[], bool] = lambda: False
        self.running = False

    def start(self, context: AppContext, damaged: Callable[[], bool]) -> None:
        """Keep the month for ``context`` from now on, unless ``damaged()`` says the
        database takes no writes."""
        from app.permissions import Action, context_may

        if not self._enabled or not context_may(context, Action.RUN_REPORTS):
            return
        self._context, self._damaged = context, damaged
        self.timer.start()

    def keep(self) -> None:
        """A round now (the timer's, or the next one brought forward)."""
        self.timer.setInterval(self.interval_ms)
        context = self._context
        if context is None or self.running or self._damaged():
            return
        from app.reports.report import keep_last_month

        engine, me = context.engine, context.me
        self.running = True
        run_task(lambda: keep_last_month(engine, me), self._done, self._failed, parent=self)

    def _done(self, _result: object) -> None:
        self.running = False
        self.kept.emit()

    def _failed(self, error: Exception) -> None:
        self.running = False
        log.warning("The last month's report could not be kept: %s", error, exc_info=error)
