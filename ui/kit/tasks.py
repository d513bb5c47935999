"""Run slow work off the UI thread and deliver the outcome back on it.

One helper for all background work (queries, saves, exports): the callable runs in a thread
pool, and its result or exception comes back through a queued signal to an object living on
the GUI thread, so callbacks always run there, from the event loop, and may touch widgets.
Workers never touch widgets.

Two things every page needs come with it:

- **Stale answers are dropped.** Requests of one kind (the lookups of a search box, the
  loads of an editor) share a :class:`StaleGuard`; an answer to any but the newest request
  is never delivered, so a slow answer cannot overwrite a newer one.
- **One error path.** Without a failure callback, a failure is shown the way
  :mod:`ui.kit.errors` shows every failure: a problem a person can act on (the database is
  locked, the disk is full, the server is gone) in a message, a bug in the crash dialog.

What nobody waits for (reading ahead, the side lists of a page) waits for the page's paint
first (:func:`after_paint_timer`): a worker thread takes the interpreter from the GUI thread
now and then, and started at once it would slow the paint it follows by half.

The pool can be replaced as a whole (:func:`use_pool`): the tests run tasks inline, on the
GUI thread, and still receive each answer from the event loop as the program does.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from ui.kit.errors import failure_message_box

log = logging.getLogger(__name__)

# From an answer on screen to reading what nobody waits for: longer than Qt takes to paint
# the answer, shorter than a person takes to look at it.
AFTER_PAINT_MS = 100

Callback = Callable[[Any], None]
FailureCallback = Callable[[Exception], None]


class TaskPool(Protocol):
    """Where tasks run: Qt's global thread pool, or the tests' inline pool."""

    def start(self, runnable: QRunnable) -> None: ...


class StaleGuard:
    """Numbers the requests of one kind; only the answer to the newest is delivered.

    Shared by every :func:`run_task` call of one kind (``guard=``); :meth:`drop_pending`
    makes all answers still on their way stale, e.g. when the page is cleared."""

    def __init__(self) -> None:
        self._latest = 0

    def next(self) -> int:
        """A number for a new request; every earlier request is stale from now on."""
        self._latest += 1
        return self._latest

    def is_latest(self, number: int) -> bool:
        return number == self._latest

    def drop_pending(self) -> None:
        self._latest += 1


class _Relay(QObject):
    """Created on the GUI thread; the worker's signals are queued to its slots."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_success: Callback,
        on_failure: FailureCallback,
        parent: QObject | None,
        fresh: Callable[[], bool],
    ) -> None:
        super().__init__(parent)
        self._on_success: Callback | None = on_success
        self._on_failure: FailureCallback | None = on_failure
        self._fresh = fresh
        # Queued even when the task ran on this thread: a callback never runs inside
        # run_task, always later, from the event loop.
        self.succeeded.connect(self._deliver_result, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._deliver_error, Qt.ConnectionType.QueuedConnection)

    def _retire(self) -> tuple[Callback | None, FailureCallback | None]:
        """Hand back the callbacks (none for a stale answer) and let go of them before this
        relay is deleted: they may hold the last reference to the parent, whose destruction
        would delete us twice."""
        callbacks = (self._on_success, self._on_failure) if self._fresh() else (None, None)
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
        if on_failure is not None:
            on_failure(error)
        else:  # nobody waits for this answer any more, but its failure may tell something
            log.warning("A request whose answer was no longer wanted failed", exc_info=error)


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


# Relays whose answer is not delivered yet; relays without a parent are kept alive here.
_live: set[_Relay] = set()
_pool: TaskPool | None = None  # None: Qt's global thread pool


def run_task(
    fn: Callable[[], Any],
    on_success: Callback,
    on_failure: FailureCallback | None = None,
    parent: QObject | None = None,
    *,
    guard: StaleGuard | None = None,
) -> None:
    """Run ``fn()`` in the thread pool; then ``on_success(result)`` or ``on_failure(error)``
    on the GUI thread.

    With a ``parent``, a result arriving after the parent was destroyed is dropped, so a
    closed dialog never receives a late answer. With a ``guard``, an answer is delivered only
    if no newer request was made through the same guard. Without ``on_failure``, a failure
    goes the program's one error path, in a message over ``parent``'s window."""
    number = guard.next() if guard is not None else 0

    def fresh() -> bool:
        return guard is None or guard.is_latest(number)

    window = parent if isinstance(parent, QWidget) else None
    relay = _Relay(on_success, on_failure or failure_message_box(window), parent, fresh)
    _live.add(relay)
    relay.destroyed.connect(lambda: _live.discard(relay))
    (_pool or QThreadPool.globalInstance()).start(_Job(fn, relay))


class TaskProgress(QObject):
    """How far one long background task has got, and whether the person asked it to stop.

    Made on the GUI thread and handed to the task (a report read, an export). The task calls
    it from its worker thread with ``(percent, what is being done)``; each step reaches
    ``on_progress`` on the GUI thread, from the event loop, as :func:`run_task`'s answers
    do. The page's Cancel button calls :meth:`cancel`, and the task asks :meth:`cancelled`
    between its steps (a flag, safe to read from any thread). Once it is cancelled, or
    retired (:meth:`retire`: a newer task took its place), steps still on their way are
    dropped."""

    moved = Signal(int, str)

    def __init__(
        self, on_progress: Callable[[int, str], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._on_progress: Callable[[int, str], None] | None = on_progress
        self._stop = threading.Event()
        self.moved.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def __call__(self, percent: int, what: str) -> None:
        """A step, told from any thread."""
        if not self._stop.is_set():
            # RuntimeError: the parent was destroyed meanwhile; nobody wants the step.
            with contextlib.suppress(RuntimeError):
                self.moved.emit(int(percent), what)

    def cancel(self) -> None:
        """Ask the task to stop at its next step (from the GUI thread)."""
        self._stop.set()

    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called (for the task, from its worker thread)."""
        return self._stop.is_set()

    def retire(self) -> None:
        """Nobody listens any more: later steps are dropped (the task is not stopped)."""
        self._on_progress = None

    @Slot(int, str)
    def _deliver(self, percent: int, what: str) -> None:
        if self._on_progress is not None and not self._stop.is_set():
            self._on_progress(percent, what)


def after_paint_timer(parent: QObject, slot: Callable[[], None]) -> QTimer:
    """A single-shot timer that calls ``slot`` :data:`AFTER_PAINT_MS` after each
    ``start()``: for reads that should wait until what was just shown is painted."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(AFTER_PAINT_MS)
    timer.timeout.connect(slot)
    return timer


def pending() -> int:
    """How many answers have not been delivered (or dropped) yet."""
    return len(_live)


def wait_for_workers() -> None:
    """Block until every running task has finished (the program is closing: a call record
    being written must still reach the database)."""
    if _pool is None:
        QThreadPool.globalInstance().waitForDone()


@contextlib.contextmanager
def use_pool(pool: TaskPool) -> Iterator[None]:
    """Run tasks in ``pool`` inside the block (the tests run them inline)."""
    global _pool
    previous, _pool = _pool, pool
    try:
        yield
    finally:
        _pool = previous
