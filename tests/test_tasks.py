"""The background-work helper: results and errors come back on the GUI thread, and a
receiver that is gone by then is simply skipped."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import InlinePool, drain_tasks
from ui.kit.tasks import StaleGuard, pending, run_task

GUI_THREAD = threading.get_ident()


@pytest.mark.real_threads
def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    seen: list[tuple[Any, bool]] = []
    run_task(lambda: threading.get_ident() != GUI_THREAD, lambda r: seen.append((r, True)))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(True, True)]
    assert threading.get_ident() == GUI_THREAD


@pytest.mark.real_threads
def test_an_exception_goes_to_the_failure_callback(qtbot: QtBot) -> None:
    errors: list[Exception] = []

    def broken() -> None:
        raise ValueError("disk full")

    run_task(broken, lambda _r: pytest.fail("no result expected"), errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "disk full"


@pytest.mark.real_threads
def test_a_destroyed_parent_gets_no_late_answer(qtbot: QtBot) -> None:
    gate = threading.Event()
    seen: list[object] = []
    parent = QObject()
    run_task(gate.wait, seen.append, parent=parent)
    parent.deleteLater()
    qtbot.waitUntil(lambda: _deleted(parent))
    gate.set()
    QThreadPool.globalInstance().waitForDone()
    _deliver_posted_events()  # a queued delivery would run now; nothing may arrive
    assert seen == []


@pytest.mark.real_threads
def test_a_parent_kept_alive_only_by_its_callback_is_released_cleanly(qtbot: QtBot) -> None:
    seen: list[object] = []

    class Panel(QWidget):
        def start(self) -> None:
            run_task(lambda: 42, self.done, parent=self)

        def done(self, value: object) -> None:
            seen.append(value)

    Panel().start()  # no reference kept here: only the callback holds the panel
    qtbot.waitUntil(lambda: seen == [42])
    _deliver_posted_events()  # the relay's deferred deletion runs without a double delete


def _deliver_posted_events() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def _deleted(obj: QObject) -> bool:
    try:
        obj.objectName()
    except RuntimeError:
        return True
    return False


def test_an_answer_comes_from_the_event_loop_never_from_inside_run_task(
    qtbot: QtBot, tasks: InlinePool
) -> None:
    seen: list[int] = []
    run_task(lambda: 7, seen.append)  # the inline pool runs the work at once...
    assert seen == [] and pending() == 1  # ...but the answer waits for the event loop
    drain_tasks()
    assert seen == [7] and pending() == 0


def test_only_the_newest_request_of_a_guard_is_answered(qtbot: QtBot, tasks: InlinePool) -> None:
    guard, seen = StaleGuard(), []
    with tasks.holding():
        run_task(lambda: "ali", seen.append, guard=guard)
        run_task(lambda: "alice", seen.append, guard=guard)
    tasks.run_held()
    drain_tasks()
    assert seen == ["alice"]

    run_task(lambda: "zoe", seen.append, guard=guard)
    guard.drop_pending()  # the page was cleared: nobody waits for "zoe" any more
    drain_tasks()
    assert seen == ["alice"] and pending() == 0


def test_a_stale_failure_is_logged_not_shown(
    qtbot: QtBot, tasks: InlinePool, caplog: pytest.LogCaptureFixture
) -> None:
    guard, errors = StaleGuard(), []

    def broken() -> None:
        raise ValueError("the old request failed")

    run_task(broken, lambda _r: pytest.fail("no result"), errors.append, guard=guard)
    guard.drop_pending()
    drain_tasks()
    assert errors == []
    assert any(
        r.exc_info and "the old request failed" in str(r.exc_info[1]) for r in caplog.records
    )
