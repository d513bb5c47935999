"""Keeping the last complete month's report ready (ui/reports/keeper.py): a manager's window
counts it in the background a minute after it opens and every hour after, so the Reports
page then shows it without counting; an operator's window keeps nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlmodel import col

import app.reports.report as report_module
from app.context import AppContext
from models.engine import read_connection
from models.report_store import ReportStore
from tests.conftest import QUIET, Org, as_manager
from tests.test_reports_page import months, open_page, shown  # noqa: F401 - a fixture
from ui.reports.figures import FigureColumn
from ui.reports.keeper import FIRST_ROUND_MS
from ui.shell.main_window import MainWindow

HOUR_MS = 60 * 60 * 1000


def kept_october(engine: Engine) -> set[str]:
    """The sites October's key figures are kept for ("" for all of them together)."""
    with read_connection(engine) as c:
        return set(
            c.execute(
                select(col(ReportStore.site_key)).where(
                    col(ReportStore.kind) == "summary business",
                    col(ReportStore.first_day) == date(2026, 10, 1),
                    col(ReportStore.body).is_not(None),
                )
            ).scalars()
        )


@contextmanager
def window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    made = MainWindow(context, page_options=QUIET, raise_tickets_ms=0, keep_reports_ms=HOUR_MS)
    qtbot.addWidget(made)
    yield made


@pytest.mark.usefixtures("months")
def test_a_manager_s_window_keeps_last_month_and_the_page_shows_it_without_counting(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    manager = as_manager(context, org)
    with window(qtbot, manager) as made:
        keeper = made.report_keeper
        assert keeper.timer.isActive() and keeper.timer.interval() == FIRST_ROUND_MS
        assert kept_october(engine) == set()  # nothing yet: the first minute is the person's
        with qtbot.waitSignal(keeper.kept, timeout=20_000):
            keeper.timer.timeout.emit()  # a minute later
        assert keeper.timer.isActive() and keeper.timer.interval() == HOUR_MS
    assert kept_october(engine) == {"", "HQ", "NY"}

    def no_counting(*_args: object) -> None:
        raise AssertionError("October was counted again")

    monkeypatch.setattr(report_module, "summary", no_counting)
    page = open_page(qtbot, manager)
    assert page.heading.text() == "All sites · October 2026, compared with September 2026"
    assert shown(page, "volume") == "4" and shown(page, "volume", FigureColumn.BEFORE) == "2"


@pytest.mark.usefixtures("months")
def test_an_operator_s_window_keeps_nothing(
    qtbot: QtBot, context: AppContext, engine: Engine
) -> None:
    with window(qtbot, context) as made:
        assert not made.report_keeper.timer.isActive()
        assert not made.report_keeper.running
    assert kept_october(engine) == set()
