"""The manager's attention list in the window (ui/attention): every desk evaluates the
management escalation rules in the background; a manager's window tells of new items once
(a tray message, or the status bar where the desktop has no tray), F9 brings the list on the
dashboard, Enter opens the ticket, Alt+K acknowledges it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlmodel import col

from app.context import AppContext
from models.attention import AttentionItem
from models.engine import read_connection, write_session
from models.enums import Priority, TicketStatus
from models.tickets import Ticket
from tests.conftest import NOW, QUIET, Org, as_manager, dispose_window
from ui.attention.tray import notification_text
from ui.dashboard.page import DashboardPage
from ui.shell.main_window import MainWindow
from ui.tickets.editor import TicketEditor

HOUR_MS = 60 * 60 * 1000


def p1(engine: Engine, org: Org, number: str, open_for: timedelta) -> uuid.UUID:
    """A P1 ticket at HQ, open since ``open_for`` before the tests' now."""
    row = Ticket(
        number=number,
        site_id=org.hq,
        summary=f"Core switch down ({number})",
        priority=Priority.CRITICAL,
        status=TicketStatus.NEW,
        created_at=NOW - open_for,
        updated_at=NOW - open_for,
    )
    with write_session(engine) as session:
        session.add(row)
    return row.id


def items(engine: Engine) -> list[tuple[str, uuid.UUID | None]]:
    with read_connection(engine) as connection:
        return [
            (rule, ticket)
            for rule, ticket in connection.execute(
                select(col(AttentionItem.rule), col(AttentionItem.ticket_id)).order_by(
                    col(AttentionItem.raised_at)
                )
            )
        ]


@contextmanager
def window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    made = MainWindow(
        context,
        page_options=QUIET,
        raise_tickets_ms=0,
        keep_reports_ms=0,
        evaluate_attention_ms=HOUR_MS,
    )
    with qtbot.waitSignal(made.page("queue").model.loaded):
        made.show()
    made.activateWindow()
    qtbot.waitUntil(made.isActiveWindow)
    try:
        yield made
    finally:
        dispose_window(made)


def test_a_manager_is_told_once_and_f9_brings_the_list(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    ticket = p1(engine, org, "HQ-000001", timedelta(minutes=45))
    p1(engine, org, "HQ-000002", timedelta(minutes=10))  # not yet 30 minutes

    with window(qtbot, as_manager(context, org)) as made:
        tray = made.attention_tray
        qtbot.waitUntil(lambda: tray.last_text != "")
        assert tray.last_text.startswith("1 new item on the attention list (F9):")
        assert "HQ-000001: P1 open for 45 minutes" in tray.last_text
        assert "HQ-000002" not in tray.last_text
        # No tray on the tests' offscreen desktop: the status bar says it instead.
        assert made.statusBar().currentMessage() == tray.last_text.replace("\n", " ")
        assert ("p1_open", ticket) in items(engine)

        tray.last_text = ""
        made.attention_watcher.run_round()  # the next round: nothing new to tell
        qtbot.waitUntil(lambda: not made.attention_watcher.running)
        assert tray.last_text == ""

        qtbot.keyClick(made, Qt.Key.Key_F9)
        page = made.current_page()
        assert isinstance(page, DashboardPage)
        panel = page.attention
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
        assert panel.table.hasFocus()
        assert panel.summary.text().endswith("waiting for a manager")
        references = [panel.model.entry(row).reference for row in range(panel.model.rowCount())]  # type: ignore[union-attr]
        assert "HQ-000001" in references


def test_alt_k_acknowledges_and_records_who_and_when(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    p1(engine, org, "HQ-000001", timedelta(hours=2))

    with window(qtbot, as_manager(context, org)) as made:
        qtbot.keyClick(made, Qt.Key.Key_F9)
        page = made.current_page()
        assert isinstance(page, DashboardPage)
        panel = page.attention
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
        waiting = panel.model.rowCount()
        first = panel.model.entry(0)
        assert first is not None and not first.acknowledged

        qtbot.keyClick(panel.table, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: panel.model.rowCount() == waiting - 1)
        assert panel.table.hasFocus()

        qtbot.keyClick(panel, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # show acknowledged
        qtbot.waitUntil(lambda: panel.model.rowCount() == waiting)
        seen = [panel.model.entry(row) for row in range(panel.model.rowCount())]
        done = [entry for entry in seen if entry is not None and entry.acknowledged]
        assert [entry.id for entry in done] == [first.id]
        assert done[0].acknowledged_by == "Mia Manager"
        row = seen.index(done[0])
        assert panel.model.index(row, 4).data().startswith("Mia Manager, ")
        panel.table.setCurrentIndex(panel.model.index(row, 0))
        assert not panel.acknowledge_button.isEnabled()  # nothing left to do on it


def test_enter_on_an_item_opens_its_ticket(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    ticket = p1(engine, org, "HQ-000001", timedelta(hours=1))

    with window(qtbot, as_manager(context, org)) as made:
        qtbot.keyClick(made, Qt.Key.Key_F9)
        page = made.current_page()
        assert isinstance(page, DashboardPage)
        qtbot.waitUntil(lambda: page.attention.model.rowCount() > 0)
        row = next(
            r
            for r in range(page.attention.model.rowCount())
            if page.attention.model.entry(r).ticket_id == ticket  # type: ignore[union-attr]
        )
        page.attention.table.setCurrentIndex(page.attention.model.index(row, 0))
        qtbot.keyClick(page.attention.table, Qt.Key.Key_Return)
        editor = made.current_page()
        assert isinstance(editor, TicketEditor)
        qtbot.waitUntil(lambda: editor._detail is not None)
        assert editor._detail.number == "HQ-000001"  # type: ignore[union-attr]


def test_an_operator_s_desk_evaluates_but_is_not_told(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    ticket = p1(engine, org, "HQ-000001", timedelta(hours=1))

    with window(qtbot, context) as made:
        qtbot.waitUntil(lambda: ("p1_open", ticket) in items(engine))
        qtbot.waitUntil(lambda: not made.attention_watcher.running)
        assert made.attention_tray.last_text == ""
        assert not made.action("attention").isEnabled()


def test_every_window_evaluates_the_rules_each_minute(qtbot: QtBot, context: AppContext) -> None:
    made = MainWindow(context, page_options=QUIET, raise_tickets_ms=0, keep_reports_ms=0)
    qtbot.addWidget(made)
    watcher = made.attention_watcher
    assert watcher.timer.isActive() and watcher.timer.interval() == 60 * 1000
    qtbot.waitUntil(lambda: not watcher.running)


def test_the_message_names_three_and_counts_the_rest() -> None:
    from datetime import UTC, datetime

    from app.attention.items import AttentionEntry

    entries = [
        AttentionEntry(
            uuid.uuid4(),
            "sla_breach",
            "SLA breached",
            None,
            None,
            f"HQ-{n:06d}",
            "Printer",
            "Resolution target missed at 09:55",
            datetime(2026, 11, 24, 10, tzinfo=UTC),
            "",
            None,
        )
        for n in range(1, 6)
    ]
    text = notification_text(entries)
    assert text.splitlines() == [
        "5 new items on the attention list (F9):",
        "HQ-000001: Resolution target missed at 09:55",
        "HQ-000002: Resolution target missed at 09:55",
        "HQ-000003: Resolution target missed at 09:55",
        "and 2 more",
    ]
