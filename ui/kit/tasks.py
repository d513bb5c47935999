"""Run slow work off the UI thread and deliver the outcome back on it.

One helper for all background work (queries, saves, exports): the callable runs in the
global QThreadPool, and its result or exception comes back through a queued signal to an
object living on the GUI thread, so callbacks always run there and may touch widgets.
Workers never touch widgets.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Created on the GUI thread; the worker's signals are queued to its slots."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None] | None,
        parent: QObject | None,
    ) -> None:
        super().__init__(parent)
        self._on_success: Callable[[Any], None] | None = on_success
        self._on_failure: Callable[[Exception], None] | None = on_failure
        self.succeeded.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    def _retire(self) -> tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]:
        """Hand back the callbacks and let go of them before this relay is deleted: they may
        hold the last reference to the parent, whose destruction would delete us twice."""
        callbacks = self._on_success, self._on_failure
        self._on_success = self._on_failure = None
        _live.discard(self)
        self.setParent(None)
        self.deleteLater()
        return callbacks

    @Slot(object)
    def _deliver_result(self, result: Any) -> None:
        on_success, _ = self._retire()
        if on_success is not None:
            on_success(result)

    @Slot(object)
    def _deliver_error(self, error: Exception) -> None:
        _, on_failure = self._retire()
        if on_failure is None:
            log.error("Background task failed", exc_info=error)
        else:
            on_failure(error)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as error:  # handed to the caller's failure callback
            outcome, value = self.relay.failed, error
        else:
            outcome, value = self.relay.succeeded, result
        # RuntimeError: the relay's parent was destroyed meanwhile; nobody wants the answer.
        with contextlib.suppress(RuntimeError):
            outcome.emit(value)


# Relays without a parent are kept alive here until their result is delivered.
_live: set[_Relay] = set()


def run_task(
    fn: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None] | None = None,
    parent: QObject | None = None,
) -> None:
    """Run ``fn()`` in the thread pool; then ``on_success(result)`` or ``on_failure(error)``
    on the GUI thread. With a ``parent``, a result arriving after the parent was destroyed
    is dropped, so a closed dialog never receives a late answer."""
    relay = _Relay(on_success, on_failure, parent)
    _live.add(relay)
    relay.destroyed.connect(lambda: _live.discard(relay))
    QThreadPool.globalInstance().start(_Job(fn, relay))
