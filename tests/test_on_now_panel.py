"""The On now panel: who is at the desk, on call (with phones) and next at each site; read
when it comes into view, again by its Refresh button and on its interval (none in the other
tests); a failed read said on the panel."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, update
from sqlmodel import col

from app.context import AppContext
from app.errors import SwitchboardError
from models.engine import write_session
from models.org import Staff
from tests.conftest import NOW, Org
from tests.test_roster_shifts import add_shift
from ui.roster import on_now_panel
from ui.roster.on_now_panel import OnNowPanel

TODAY = NOW.date()  # Tue 24 Nov 2026, 10:00 in London, 05:00 in New York


def set_phone(engine: Engine, staff_id: uuid.UUID, phone: str) -> None:
    with write_session(engine) as session:
        session.execute(update(Staff).where(col(Staff.id) == staff_id).values(phone=phone))


def open_panel(qtbot: QtBot, context: AppContext, interval_ms: int = 0) -> OnNowPanel:
    panel = OnNowPanel(context, interval_ms=interval_ms)
    qtbot.addWidget(panel)
    panel.resize(360, 400)
    panel.show()
    qtbot.waitUntil(lambda: len(panel.site_texts()) == 2)
    return panel


def test_each_site_says_who_is_at_the_desk_on_call_and_next(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org
) -> None:
    set_phone(engine, org.ann, "020 7946 0000")
    set_phone(engine, org.mia, "+1 212 555 0100")
    add_shift(engine, org, org.ann, "Desk early", TODAY, "07:00", "15:00")
    add_shift(engine, org, org.bob, "Desk late", TODAY, "11:00", "19:00")
    add_shift(engine, org, org.mia, "On call", TODAY, "00:00", "00:00", site_id=org.branch)

    panel = open_panel(qtbot, context)

    assert panel.site_texts() == [
        "HQ Head office\n"
        "At the desk: Ann Operator (020 7946 0000) until 15:00\n"
        "On call: nobody\n"
        "Next: Bob Tech from 11:00",
        "NY New York\nAt the desk: nobody\nOn call: Mia Manager (+1 212 555 0100) until 00:00",
    ]
    hq = panel.findChild(QLabel, "onNowSite0")
    assert hq.accessibleName() == "On now at HQ" and "<b>HQ</b>" in hq.text()


def test_refresh_reads_again(qtbot: QtBot, context: AppContext, engine: Engine, org: Org) -> None:
    panel = open_panel(qtbot, context)
    assert panel.site_texts()[0].splitlines()[1] == "At the desk: nobody"
    add_shift(engine, org, org.bob, "Desk early", TODAY, "09:00", "17:00")
    qtbot.mouseClick(panel.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: panel.site_texts()[0].splitlines()[1] == "At the desk: Bob Tech until 17:00"
    )


def test_a_panel_in_a_tab_reads_when_its_tab_is_chosen(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org
) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel("The week's conflicts"), "Conflicts")
    panel = OnNowPanel(context, interval_ms=0)
    tabs.addTab(panel, "Who is on")
    tabs.show()
    add_shift(engine, org, org.bob, "Desk early", TODAY, "09:00", "17:00")
    qtbot.keyClick(tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: (
            bool(panel.site_texts())
            and panel.site_texts()[0].splitlines()[1] == "At the desk: Bob Tech until 17:00"
        )
    )


def test_the_panel_reads_again_on_its_interval(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org
) -> None:
    panel = open_panel(qtbot, context, interval_ms=20)
    add_shift(engine, org, org.ann, "On call", TODAY - timedelta(days=1), "17:00", "12:00")
    qtbot.waitUntil(
        lambda: panel.site_texts()[0].splitlines()[2] == "On call: Ann Operator until 12:00"
    )


def test_a_failed_read_is_said_on_the_panel(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = open_panel(qtbot, context)

    def refused(_engine: Engine) -> None:
        raise SwitchboardError("The database server does not answer.")

    monkeypatch.setattr(on_now_panel, "on_now", refused)
    panel.refresh()
    qtbot.waitUntil(panel.problem.isVisible)
    assert panel.problem.text() == (
        "Who is on now could not be read: The database server does not answer."
    )
    assert len(panel.site_texts()) == 2  # what was read before stays
