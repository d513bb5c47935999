"""Keeping the last complete month's report ready in a manager's window: now and then, off
the GUI thread, the month is counted for all sites and for each
(:func:`app.reports.report.keep_last_month`), so the Reports page opens it at once instead of
counting a month of tickets while the manager waits. Only for someone who may run reports;
how rounds come and fail is :mod:`ui.kit.rounds`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from ui.kit.rounds import Rounds

if TYPE_CHECKING:
    from app.context import AppContext

KEEP_REPORTS_MS = 60 * 60 * 1000  # an hour: a month's tickets change rarely once it is over
FIRST_ROUND_MS = 60 * 1000  # the first minute after opening belongs to the person


class ReportKeeper(Rounds):
    kept = Signal()  # a round is over and the month is kept
    failure = "The last month's report could not be kept"

    def __init__(
        self, interval_ms: int, parent: QObject | None = None, first_ms: int = FIRST_ROUND_MS
    ) -> None:
        super().__init__("reportKeeper", interval_ms, first_ms, parent)

    def wanted(self, context: AppContext) -> bool:
        from app.permissions import Action, context_may

        return context_may(context, Action.RUN_REPORTS)

    def work(self, context: AppContext) -> Callable[[], Any]:
        from app.reports.report import keep_last_month

        engine, me = context.engine, context.me
        return lambda: keep_last_month(engine, me)

    def finished(self, result: Any) -> None:
        self.kept.emit()
