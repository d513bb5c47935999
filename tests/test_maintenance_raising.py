"""The main window raises the maintenance tickets that have come due
(app/maintenance/occurrence_tickets.py) for the person signed in: once when the database is
attached, then on its timer, off the GUI thread and never two rounds at a time; what was
raised is said in the status bar and announced to the pages; a failure is said in the status
bar, never in a dialog."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.maintenance import occurrence_tickets
from models.errors import DatabaseError
from tests.conftest import QUIET, InlinePool, Org, RunningClock, dispose_window
from tests.test_maintenance_tickets import SATURDAY, add, tickets
from ui.shell.events import TicketsRaised
from ui.shell.main_window import RAISE_TICKETS_MS, MainWindow, raised_text


def as_bob(context: AppContext, org: Org) -> AppContext:
    """Bob the technician, who owns the mail server's patching."""
    return replace(context, me=org.bob, username="bob", name="Bob Tech", role="Technician")


@contextmanager
def opened(
    qtbot: QtBot,
    context: AppContext,
    heard: list[object] | None = None,
    *,
    answered: bool = True,
    **options: Any,
) -> Iterator[tuple[MainWindow, list[str] | None]]:
    """The window of ``context``'s person, shown, and the numbers its first round of raising
    answered (None when it raised nothing at all: the option was off; ``answered`` False: the
    round is not waited for). ``heard``: the announcements the queue page hears."""
    window = MainWindow(context, page_options=QUIET, **options)
    queue = window.page("queue")  # the first page, built as the database was attached
    if heard is not None:
        queue.notice = heard.append  # type: ignore[method-assign]
    first: list[list[str]] = []
    window.maintenance_raised.connect(first.append)
    with qtbot.waitSignal(queue.model.loaded):
        window.show()
    if answered and options.get("raise_tickets_ms", RAISE_TICKETS_MS) > 0:
        qtbot.waitUntil(lambda: bool(first))
    try:
        yield window, (first[0] if first else None)
    finally:
        dispose_window(window)


def next_round(qtbot: QtBot, window: MainWindow) -> list[str]:
    """The window's timer fires: the numbers that round raised."""
    with qtbot.waitSignal(window.maintenance_raised) as round_over:
        window.raise_timer.timeout.emit()
    numbers: list[str] = round_over.args[0]
    return numbers


def test_the_owners_window_raises_the_ticket_once_and_says_so(
    qtbot: QtBot, engine: Engine, context: AppContext, org: Org, clock: RunningClock
) -> None:
    add(engine, org, ticket_days_ahead=3)
    heard: list[object] = []
    with opened(qtbot, as_bob(context, org), heard) as (window, first):
        assert first is not None and len(first) == 1  # today's 22:00, nothing beyond
        [number] = first
        assert [t.number for t in tickets(engine)] == [number]
        assert number.startswith("HQ-")
        shown = f"Raised 1 maintenance ticket: {number}"
        assert window.statusBar().currentMessage() == shown
        assert heard == [TicketsRaised((number,))]  # the pages hear of it
        assert window.raise_timer.isActive()
        assert window.raise_timer.interval() == RAISE_TICKETS_MS == 15 * 60 * 1000

        # The timer fires again: nothing new is due, nothing is raised or said.
        window.statusBar().clearMessage()
        assert next_round(qtbot, window) == []
        assert [t.number for t in tickets(engine)] == [number]
        assert window.statusBar().currentMessage() == ""
        assert heard == [TicketsRaised((number,))]

        # Saturday: next Tuesday's occurrence is 3 days away, and is raised on the round.
        clock.set(SATURDAY)
        [later] = next_round(qtbot, window)
        assert later != number and len(tickets(engine)) == 2
        assert window.statusBar().currentMessage() == f"Raised 1 maintenance ticket: {later}"
        assert heard[-1] == TicketsRaised((later,))
        assert window.findChild(QMessageBox) is None


def test_someone_who_may_not_record_the_task_raises_nothing(
    qtbot: QtBot, engine: Engine, context: AppContext, org: Org
) -> None:
    add(engine, org, ticket_days_ahead=3)  # Bob's; Ann is an operator on the service desk
    heard: list[object] = []
    with opened(qtbot, context, heard) as (window, first):
        assert first == []
        assert next_round(qtbot, window) == []
        assert tickets(engine) == []
        assert window.statusBar().currentMessage() == ""
        assert heard == []


def test_with_the_interval_off_nothing_is_raised(
    qtbot: QtBot, engine: Engine, context: AppContext, org: Org
) -> None:
    add(engine, org, ticket_days_ahead=3)
    with opened(qtbot, as_bob(context, org), raise_tickets_ms=0) as (window, first):
        assert first is None
        assert not window.raise_timer.isActive()
        assert tickets(engine) == []  # the tasks run inline: a round would have run by now
        assert window.statusBar().currentMessage() == ""


def test_never_two_rounds_at_a_time(
    qtbot: QtBot, engine: Engine, context: AppContext, org: Org, tasks: InlinePool
) -> None:
    add(engine, org, ticket_days_ahead=3)
    with opened(qtbot, as_bob(context, org)) as (window, first):
        assert first is not None and len(first) == 1
        with tasks.holding():
            window.raise_timer.timeout.emit()
            window.raise_timer.timeout.emit()  # the first round is still under way
            window.raise_maintenance_tickets()
        assert len(tasks.held) == 1
        with qtbot.waitSignal(window.maintenance_raised) as round_over:
            tasks.run_held()
        assert round_over.args == [[]]
        assert next_round(qtbot, window) == []  # over: the next round runs


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            DatabaseError("The database server does not answer."),
            "Maintenance tickets could not be raised: The database server does not answer.",
        ),
        (
            RuntimeError("a bug"),
            "Maintenance tickets could not be raised: something went wrong inside Switchboard "
            "(the log file has the details).",
        ),
    ],
)
def test_a_failure_is_logged_and_said_in_the_status_bar_never_in_a_dialog(
    qtbot: QtBot,
    engine: Engine,
    context: AppContext,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    words: str,
) -> None:
    add(engine, org, ticket_days_ahead=3)
    attempts: list[uuid.UUID] = []

    def failing(_engine: Engine, actor_id: uuid.UUID, _now: object) -> list[str]:
        attempts.append(actor_id)
        raise error

    monkeypatch.setattr(occurrence_tickets, "raise_due_tickets", failing)
    caplog.set_level(logging.WARNING, logger="ui.shell.main_window")
    with opened(qtbot, as_bob(context, org), answered=False) as (window, _):
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == words)
        assert attempts == [org.bob]
        assert window.findChild(QMessageBox) is None
        assert any(
            "Raising maintenance tickets failed" in record.getMessage() for record in caplog.records
        )
        # The next round tries again (the failed one is over), and fails as quietly.
        window.statusBar().clearMessage()
        window.raise_timer.timeout.emit()
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == words)
        assert attempts == [org.bob, org.bob]
        assert window.findChild(QMessageBox) is None
        assert tickets(engine) == []


def test_the_status_bar_names_the_first_few_tickets() -> None:
    assert raised_text(["HQ-000101"]) == "Raised 1 maintenance ticket: HQ-000101"
    numbers = [f"HQ-{n:06}" for n in range(101, 108)]
    assert raised_text(numbers) == (
        "Raised 7 maintenance tickets: HQ-000101, HQ-000102, HQ-000103, HQ-000104, HQ-000105, …"
    )
