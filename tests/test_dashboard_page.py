"""The dashboard page (ui/dashboard/page.py), driven as a manager would: the tiles and lists
of the desk, a site chosen with the keyboard, Enter on an overdue ticket, the tiles' way to
the queue, reading again (Refresh, its interval, a ticket saved elsewhere), a failed read,
an answer for a site no longer chosen; and an operator told it is not for them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.errors import SwitchboardError
from app.permissions import Action, refusal
from app.queue.query import SavedView
from app.training.completions import record_completion
from app.training.courses import CourseDraft, save_course
from models.enums import CompletionResult
from tests.conftest import NOW, InlinePool, Org, as_admin, as_manager
from tests.test_dashboard import HOUR, call, ticket
from tests.test_roster_shifts import add_shift
from ui.dashboard import page as dashboard_page
from ui.dashboard.page import REFUSED, DashboardPage
from ui.kit.tasks import pending
from ui.tickets.requests import TicketRequest, TicketSaved

ALT = Qt.KeyboardModifier.AltModifier
MINUTE = HOUR / 60


@pytest.fixture
def manager(context: AppContext, org: Org) -> AppContext:
    return as_manager(context, org)


@pytest.fixture
def desk(engine: Engine, org: Org) -> dict[str, str]:
    """Two tickets past their deadline at HQ, one due within the hour in New York, one
    later, a call this morning, Ann at the HQ desk and her certificate running out; the
    numbers of the tickets by summary."""
    made = [
        ticket(engine, org, "Printer on fire", due=NOW - 3 * HOUR),
        ticket(engine, org, "VPN down", due=NOW - HOUR),
        ticket(engine, org, "Screen flickers", due=NOW + 31 * MINUTE, site_id=org.branch),
        ticket(engine, org, "New laptop", due=NOW + 5 * HOUR),
    ]
    call(engine, org.ann, NOW - HOUR)
    add_shift(engine, org, org.ann, "Desk early", NOW.date(), "07:00", "15:00")
    course = save_course(engine, org.mia, CourseDraft("Desk basics", validity_months=12))
    record_completion(engine, org.mia, org.ann, course, date(2025, 11, 28), CompletionResult.PASSED)
    return {detail.summary: detail.number for detail in made}


def open_page(qtbot: QtBot, context: AppContext, refresh_ms: int = 0) -> DashboardPage:
    page = DashboardPage(context, refresh_ms=refresh_ms)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    with qtbot.waitSignal(page.ready):
        page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    return page


def numbers(page: DashboardPage) -> dict[str, str]:
    """What each tile's number says, by tile."""
    tiles = (
        page.open_tile,
        page.breached_tile,
        page.due_tile,
        page.calls_tile,
        page.maintenance_tile,
        page.training_tile,
    )
    return {tile.accessibleName(): tile.number.text() for tile in tiles}


def listed(page: DashboardPage, which: str) -> list[str]:
    model = page.overdue_model if which == "overdue" else page.due_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_the_tiles_and_lists_show_how_the_desk_stands(
    qtbot: QtBot, manager: AppContext, desk: dict[str, str], qtmodeltester: ModelTester
) -> None:
    page = open_page(qtbot, manager)

    assert numbers(page) == {
        "Open tickets": "4",
        "SLA breached": "⚠ 2",
        "SLA due within 2 h": "◔ 1",
        "Calls today": "1",
        "Maintenance this week": "0",
        "Certifications expiring": "◔ 1",
    }
    assert page.open_tile.detail.text() == "4 tickets opened today"
    assert listed(page, "overdue") == [desk["Printer on fire"], desk["VPN down"]]
    overdue = page.overdue_model
    # The clock runs on from 10:00 while the test runs, by seconds.
    assert overdue.index(0, 3).data() == "overdue 3h" and overdue.index(0, 4).data() == "unassigned"
    assert listed(page, "due") == [desk["Screen flickers"]]
    assert page.due_model.index(0, 3).data() == "in 30m"
    hq = page.findChild(QLabel, "dashboardOnNow0")
    assert hq is not None
    assert "At the desk: Ann Operator until 15:00" in hq.accessibleDescription()
    assert page.expiring_lines.accessibleDescription() == (
        "Ann Operator: Desk basics, last day Sat 28 Nov (4 days left)"
    )
    assert page.maintenance_panel.empty.text() == "Nothing left to do this week."
    assert page.heading.text() == "All sites · Tuesday 24 November"
    qtmodeltester.check(overdue)
    qtmodeltester.check(page.due_model)


def test_enter_on_an_overdue_ticket_opens_it(
    qtbot: QtBot, manager: AppContext, desk: dict[str, str]
) -> None:
    page = open_page(qtbot, manager)
    assert page.overdue_table.hasFocus()  # arriving, the keyboard is on the most overdue
    qtbot.keyClick(page.overdue_table, Qt.Key.Key_Down)
    with qtbot.waitSignal(page.navigate) as opened:
        qtbot.keyClick(page.overdue_table, Qt.Key.Key_Return)
    key, request = opened.args
    assert key == "ticket" and isinstance(request, TicketRequest)
    assert request.ticket_id == page.overdue_model.line(1).id  # type: ignore[union-attr]
    assert page.overdue_model.line(1).number == desk["VPN down"]  # type: ignore[union-attr]


def test_a_site_chosen_with_the_keyboard_narrows_every_figure(
    qtbot: QtBot, manager: AppContext, org: Org, desk: dict[str, str]
) -> None:
    page = open_page(qtbot, manager)
    qtbot.keyClick(page, Qt.Key.Key_I, ALT)  # S&ite:
    assert page.site_combo.hasFocus()
    qtbot.keyClick(page.site_combo, Qt.Key.Key_Down)  # All sites -> HQ
    qtbot.waitUntil(lambda: page.heading.text() == "HQ · Tuesday 24 November")
    assert numbers(page)["Open tickets"] == "3" and numbers(page)["SLA due within 2 h"] == "0"
    assert listed(page, "due") == [] and page.due_panel.empty.isVisible()
    with qtbot.waitSignal(page.navigate) as asked:
        qtbot.mouseClick(page.findChild(QPushButton, "queueBreached"), Qt.MouseButton.LeftButton)
    key, view = asked.args
    assert key == "queue" and isinstance(view, SavedView)
    assert (view.filter.site_id, view.filter.due_within_minutes) == (org.hq, 0)

    qtbot.keyClick(page.site_combo, Qt.Key.Key_Down)  # HQ -> NY
    qtbot.waitUntil(lambda: page.heading.text() == "NY · Tuesday 24 November")
    assert listed(page, "due") == [desk["Screen flickers"]]


def test_an_answer_for_a_site_no_longer_chosen_is_not_shown(
    qtbot: QtBot, manager: AppContext, desk: dict[str, str], tasks: InlinePool
) -> None:
    page = open_page(qtbot, manager)
    with tasks.holding():
        page.refresh()  # every site, slow to answer
        page.site_combo.setCurrentIndex(1)
        page.refresh()  # HQ
    tasks.run_held(1)
    qtbot.waitUntil(lambda: page.heading.text().startswith("HQ"))
    tasks.run_held()  # the answer for every site comes last, and is dropped
    qtbot.waitUntil(lambda: pending() == 0)
    assert page.heading.text().startswith("HQ") and numbers(page)["Open tickets"] == "3"


def test_refresh_its_interval_and_a_saved_ticket_read_again(
    qtbot: QtBot, manager: AppContext, engine: Engine, org: Org, desk: dict[str, str]
) -> None:
    page = open_page(qtbot, manager)
    ticket(engine, org, "Mouse missing", due=NOW - 2 * HOUR)
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: numbers(page)["SLA breached"] == "⚠ 3")

    saved = ticket(engine, org, "Keyboard sticky", due=NOW - 4 * HOUR)
    page.notice(TicketSaved(saved, None))  # saved in the editor
    qtbot.waitUntil(lambda: listed(page, "overdue")[0] == saved.number)

    ticking = open_page(qtbot, manager, refresh_ms=20)
    ticket(engine, org, "Phone dead", due=NOW - 5 * HOUR)
    qtbot.waitUntil(lambda: numbers(ticking)["SLA breached"] == "⚠ 5")
    # The README's promise: read again every 30 seconds while on screen, unless told.
    unhurried = DashboardPage(manager)
    qtbot.addWidget(unhurried)
    assert unhurried._timer.interval() == 30_000


def test_a_failed_read_is_said_and_the_figures_stay(
    qtbot: QtBot, manager: AppContext, desk: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(qtbot, manager)

    def down(*_args: object, **_kwargs: object) -> None:
        raise SwitchboardError("The database server does not answer.")

    monkeypatch.setattr(dashboard_page, "dashboard", down)
    qtbot.keyClick(page, Qt.Key.Key_R, ALT)  # &Refresh
    qtbot.waitUntil(page.problem.isVisible)
    assert page.problem.text() == (
        "The dashboard could not be read: The database server does not answer."
    )
    assert numbers(page)["Open tickets"] == "4"


def test_an_operator_is_told_the_dashboard_is_for_managers_and_nothing_is_read(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*_args: object) -> None:
        raise AssertionError("read for an operator")

    monkeypatch.setattr(dashboard_page, "dashboard", never)
    page = DashboardPage(context)  # Ann, an operator; the default interval
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.ready):
        page.show()
    page.refresh()  # F5
    assert page.refused.isVisible() and page.refused.text() == REFUSED
    assert REFUSED.startswith("Reports and the dashboard are for managers and admins.")
    assert not page.body.isVisible()


def test_a_role_taken_away_since_signing_in_is_refused_by_the_service(
    qtbot: QtBot, manager: AppContext, org: Org
) -> None:
    """The window still says Manager, the staff row says operator: the read is refused."""
    page = DashboardPage(replace(manager, me=org.ann))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(page.problem.isVisible)
    assert page.problem.text() == (
        f"The dashboard could not be read: {refusal(Action.RUN_REPORTS)}"
    )


def test_an_admin_sees_the_dashboard(qtbot: QtBot, context: AppContext, org: Org) -> None:
    page = open_page(qtbot, as_admin(context, org))
    assert not page.refused.isVisible() and numbers(page)["Open tickets"] == "0"
    assert page.overdue_panel.empty.text() == "No open ticket is past its SLA deadline."
