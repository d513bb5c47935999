"""The Reports page (ui/reports/page.py), driven as a manager would: the last complete month
on arrival, another month chosen with the keyboard, the figures against the service's own,
Enter on a figure (the queue, or why not), a read no longer wanted, the PDF written in a
worker thread (progress, Cancel, a window that keeps answering), the CSV tables, a path that
cannot be written; and an operator told the page is not for them."""

from __future__ import annotations

import itertools
import threading
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.queue.query import Moment, SavedView
from app.reports import pdf as report_pdf
from app.reports.period import month_of
from app.reports.report import monthly_report
from models.engine import write_session
from models.enums import TicketStatus
from models.tickets import Ticket
from tests.conftest import InlinePool, Org, as_manager
from ui.kit.tasks import pending
from ui.reports import page as reports_page
from ui.reports.figures import FigureColumn
from ui.reports.page import REFUSED, ReportsPage

ALT = Qt.KeyboardModifier.AltModifier
_NUMBERS = itertools.count(1)


def at(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def ticket(engine: Engine, site: uuid.UUID, created: datetime, **columns: Any) -> None:
    number = next(_NUMBERS)
    with write_session(engine) as session:
        session.add(
            Ticket(
                number=f"T-{number:06d}",
                site_id=site,
                summary=f"Ticket {number}",
                created_at=created,
                updated_at=created,
                **columns,
            )
        )


@pytest.fixture
def manager(context: AppContext, org: Org) -> AppContext:
    return as_manager(context, org)


@pytest.fixture
def months(engine: Engine, org: Org) -> None:
    """Three tickets created in October 2026 (one still open), two in September, one in
    New York in October ("now" is 24 November 2026)."""
    ticket(engine, org.hq, at(2026, 10, 5, 9), status=TicketStatus.NEW)
    for day in (12, 20):
        ticket(
            engine,
            org.hq,
            at(2026, 10, day, 10),
            status=TicketStatus.RESOLVED,
            first_response_at=at(2026, 10, day, 11),
            resolved_at=at(2026, 10, day, 15),
        )
    ticket(engine, org.branch, at(2026, 10, 7, 15), status=TicketStatus.NEW)
    for day in (3, 4):
        ticket(engine, org.hq, at(2026, 9, day, 9), status=TicketStatus.NEW)


def open_page(qtbot: QtBot, context: AppContext) -> ReportsPage:
    page = ReportsPage(context)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    with qtbot.waitSignal(page.ready, timeout=20_000):
        page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    return page


def shown(page: ReportsPage, key: str, column: int = FigureColumn.NOW) -> str:
    """What the figures table says for the figure ``key``."""
    return str(page.model.index(page.model.row_of(key), column).data())


def test_the_last_complete_month_shows_and_another_is_chosen_with_the_keyboard(
    qtbot: QtBot,
    manager: AppContext,
    engine: Engine,
    org: Org,
    months: None,
    qtmodeltester: ModelTester,
) -> None:
    page = open_page(qtbot, manager)
    assert page.heading.text() == "All sites · October 2026, compared with September 2026"
    assert shown(page, "volume") == "4" and shown(page, "volume", FigureColumn.BEFORE) == "2"
    assert page.table.hasFocus()  # arriving, the keyboard is on the figures
    qtmodeltester.check(page.model)

    qtbot.keyClick(page, Qt.Key.Key_M, ALT)  # &Month:
    assert page.month_combo.hasFocus()
    qtbot.keyClick(page.month_combo, Qt.Key.Key_Down)  # October -> September
    assert page.hint.text() == "Enter or Show reads September 2026, all sites."
    qtbot.keyClick(page.month_combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.heading.text().startswith("All sites · September 2026"))
    service = monthly_report(engine, org.mia, month_of(date(2026, 9, 1)))
    assert [f.now for f in service.key_figures] == [shown(page, f.key) for f in service.key_figures]
    assert shown(page, "volume") == "2" and page.hint.isHidden()

    qtbot.keyClick(page, Qt.Key.Key_I, ALT)  # S&ite:
    qtbot.keyClick(page.site_combo, Qt.Key.Key_Down)  # All sites -> HQ
    qtbot.keyClick(page, Qt.Key.Key_W, ALT)  # Sho&w
    qtbot.waitUntil(lambda: page.heading.text().startswith("Head office (HQ) · September"))


def test_enter_on_a_figure_shows_its_tickets_in_the_queue_or_says_why_not(
    qtbot: QtBot, manager: AppContext, months: None
) -> None:
    page = open_page(qtbot, manager)
    page.table.setCurrentIndex(page.model.index(page.model.row_of("volume"), 0))
    with qtbot.waitSignal(page.navigate) as asked:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    key, view = asked.args
    assert key == "queue" and isinstance(view, SavedView)
    scope = view.filter.scope
    assert scope is not None and scope.moment == Moment.CREATED
    assert scope.label == "created in October 2026" and len(scope.windows) == 2

    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # Backlog at the period's end
    with qtbot.assertNotEmitted(page.navigate):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.note.isVisible()
    assert page.note.text().startswith("Backlog at the period's end: The backlog counts")


def test_a_read_no_longer_wanted_is_not_shown_and_its_steps_are_shown_meanwhile(
    qtbot: QtBot,
    manager: AppContext,
    months: None,
    tasks: InlinePool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = open_page(qtbot, manager)
    steps: list[tuple[int, str, bool]] = []
    original = ReportsPage._read_step

    def step(self: ReportsPage, percent: int, what: str) -> None:
        original(self, percent, what)
        steps.append((percent, self.read_bar.text(), self.read_bar.isVisible()))

    monkeypatch.setattr(ReportsPage, "_read_step", step)
    page.month_combo.setFocus()
    with tasks.holding():
        qtbot.keyClick(page.month_combo, Qt.Key.Key_Return)  # October again, slow to answer
        assert page.read_bar.isVisible() and page.read_bar.text() == "Reading October 2026…"
        qtbot.keyClick(page.month_combo, Qt.Key.Key_Down)  # September: October's is dropped
        assert page.read_bar.isHidden()
        qtbot.keyClick(page.month_combo, Qt.Key.Key_Return)
    tasks.run_held(1)  # September's read
    qtbot.waitUntil(lambda: page.heading.text().startswith("All sites · September"))
    assert steps and all(visible for _percent, _text, visible in steps)
    first, text, _visible = steps[0]
    assert 0 < first < 100 and text.startswith(f"{first} % · ")
    assert page.read_bar.isHidden()
    tasks.run_held()  # October's, too late
    qtbot.waitUntil(lambda: pending() == 0)
    assert page.heading.text().startswith("All sites · September") and shown(page, "volume") == "2"


def test_an_operator_is_told_reports_are_for_managers_and_nothing_is_read(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*_args: object, **_options: object) -> None:
        raise AssertionError("read for an operator")

    monkeypatch.setattr(reports_page, "monthly_report", never)
    page = ReportsPage(context)  # Ann, an operator
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.ready):
        page.show()
    page.refresh()  # F5
    assert page.refused.isVisible() and page.refused.text() == REFUSED
    assert REFUSED.startswith("Reports are for managers and admins.")
    assert not page.body.isVisible()


def save_as(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[str]:
    """The save dialog answers ``target``; returns the names it suggested."""
    suggested: list[str] = []

    def answer(_parent: object, _caption: str, name: str, _filter: str) -> tuple[str, str]:
        suggested.append(name)
        return str(target), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return suggested


@pytest.mark.real_threads
def test_the_pdf_is_written_in_a_worker_and_cancel_leaves_no_file(
    qtbot: QtBot,
    manager: AppContext,
    months: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = open_page(qtbot, manager)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "october.pdf"
    suggested = save_as(monkeypatch, target)
    gate, started, threads = threading.Event(), threading.Event(), []
    real = report_pdf.write_report_pdf

    def held(*args: object, **options: object) -> Path:
        threads.append(threading.get_ident())
        started.set()
        gate.wait(30)  # until the test lets it go on
        return real(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(report_pdf, "write_report_pdf", held)
    qtbot.keyClick(page, Qt.Key.Key_E, ALT)  # &Export PDF… (clicked as a mnemonic: a moment later)
    qtbot.waitUntil(lambda: bool(suggested))
    assert Path(suggested[0]).name == "report-2026-10.pdf"
    qtbot.waitUntil(started.is_set)
    assert threads[0] != threading.get_ident()  # off the GUI thread
    assert page.export_strip.isVisible() and page.export_bar.isVisible()
    assert page.export_label.text() == f"Writing the PDF of October 2026 to {target}…"
    assert not page.pdf_button.isEnabled()
    ticked: list[bool] = []
    QTimer.singleShot(0, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: bool(ticked))  # the window answers while the PDF is written

    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert not page.cancel_button.isEnabled()
    assert page.export_label.text() == "Cancelling the export…"
    gate.set()
    qtbot.waitUntil(page.export_strip.isHidden)
    assert page.outcome.result.text() == "The export was cancelled; no file was written."
    assert list(out.iterdir()) == []

    qtbot.keyClick(page, Qt.Key.Key_E, ALT)  # again, to the end
    qtbot.waitUntil(page.done_strip.isVisible, timeout=30_000)
    assert page.done_label.text() == f"Saved the report of October 2026 to {target}."
    assert target.read_bytes().startswith(b"%PDF")
    assert page.open_button.isVisible() and page.print_button.isVisible()
    assert page.pdf_button.isEnabled()


def test_escape_cancels_the_export(
    qtbot: QtBot,
    manager: AppContext,
    months: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tasks: InlinePool,
) -> None:
    page = open_page(qtbot, manager)
    out = tmp_path / "out"
    out.mkdir()
    save_as(monkeypatch, out / "october")  # ".pdf" is added
    with tasks.holding():
        qtbot.keyClick(page, Qt.Key.Key_E, ALT)
        qtbot.waitUntil(page.export_strip.isVisible)
        qtbot.keyClick(page.table, Qt.Key.Key_Escape)
    tasks.run_held()  # the writer sees it was cancelled and stops
    qtbot.waitUntil(page.export_strip.isHidden)
    assert page.outcome.result.text() == "The export was cancelled; no file was written."
    assert list(out.iterdir()) == []


def test_a_pdf_path_that_cannot_be_written_is_said(
    qtbot: QtBot, manager: AppContext, months: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(qtbot, manager)
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    save_as(monkeypatch, tmp_path / "notes.txt" / "report.pdf")
    qtbot.keyClick(page, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(page.outcome.problem.isVisible, timeout=30_000)
    assert page.outcome.problem.text().startswith("The export failed: ")
    assert "Traceback" not in page.outcome.problem.text()
    assert page.done_strip.isHidden() and page.pdf_button.isEnabled()


def test_the_csv_export_writes_the_tables_into_a_folder_of_their_own(
    qtbot: QtBot, manager: AppContext, months: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(qtbot, manager)
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *_args: str(tmp_path))
    )
    qtbot.keyClick(page, Qt.Key.Key_R, ALT)  # Expo&rt CSV…
    qtbot.waitUntil(page.done_strip.isVisible, timeout=30_000)
    folder = tmp_path / "report-2026-10"
    files = sorted(folder.glob("*.csv"))
    assert "summary.csv" in [f.name for f in files]
    assert page.done_label.text() == (
        f"Wrote {len(files)} tables of October 2026 as CSV files in {folder}."
    )
    assert "Volume (tickets created)" in (folder / "summary.csv").read_text(encoding="utf-8-sig")
    assert page.print_button.isHidden() and page.open_button.isVisible()
