"""Maintenance calendar benchmark, as painted: from asking for a month (or the overdue list)
to the page on screen with it, in the real page, against a bare table of as many text cells
painted the same way in the same run.

    python bench/maintenance_paint.py --db FILE_OR_URL [--tasks 1000] [--years 5] [--repeat 9]

FILE_OR_URL (a SQLite file or a PostgreSQL URL) is filled by :func:`bench.maintenance.build`
if it does not hold the tasks yet (the same database as ``bench/maintenance.py``: 1,000 tasks
with five years of history). The page runs offscreen (``QT_QPA_PLATFORM=offscreen``) with the
program's stylesheet, alone in a visible window of 1920x1080, signed in as a manager, with
"now" held at the benchmark's (:data:`bench.run.BENCH_NOW`, as ``bench/maintenance.py`` holds
it) and no remembered layout. The measuring is ``bench/roster_paint.py``'s
(:func:`bench.roster_paint.measure`: Qt's own paints, timed as they happen). One JSON object
per figure, like ``bench/roster_paint.py``: the median of ``--repeat`` warm runs in
milliseconds, its range, the baseline's median (``baseline_raw``), the first run in the
process (``first_in_process``: nothing remembered yet, as a person's first opening of the
page), where the time goes (``service``, ``answered``, ``paint``, ``paints``) and the back end
(``backend``).

- ``month painted``: the page shown (:meth:`MaintenancePage.shown`, what the main window
  calls when a person opens the page: the periods read before are forgotten and the month of
  today read again), its grid emptied first as on a first opening (the month's days with
  nothing in them, as a new page shows them), until the grid is painted with the current
  month: the read on a worker thread, the hand-off to the GUI thread, the page's filling and
  Qt's paint of the window (target < 100 ms);
- ``next month painted``: Page Down on the grid from there, once the page has read the month
  after ahead (it does so after the paint; a person looks at a month longer than that takes),
  until the grid is painted with the next month and stays so: the month is shown from memory,
  and the read that follows it counts too if it paints again within the quiet time
  (``paints``) (target < 50 ms);
- ``overdue list painted``: from the read of the overdue list starting (the page starts it
  after its first paint, before the next 14 days) until the overdue list, on its tab, is
  painted with the rows read (target < 50 ms).

The baselines are :func:`bench.roster_paint.bare_paints`: a ``QTableView`` over a
``QStandardItemModel`` of the same texts (the grid's day cells, or the overdue list's rows),
with the table's size, rows and columns, told that every cell changed and painted by Qt.

The bench waits for the page's ``read_ahead`` signal before Page Down, and reads the overdue
list with ``read_overdue``, as the page does after its first paint.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from app.context import AppContext  # noqa: E402
from app.db_lifecycle import open_database  # noqa: E402
from app.maintenance.calendar import CalendarFilter, days  # noqa: E402
from app.maintenance.calendar import overdue as overdue_list  # noqa: E402
from bench.database import BenchDatabase  # noqa: E402
from bench.figures import report, timed  # noqa: E402
from bench.maintenance import build, sizes_of  # noqa: E402
from bench.roster_paint import (  # noqa: E402
    Painted,
    bare_paints,
    manager,
    measure,
    settle,
    show,
    split,
)
from bench.run import BENCH_NOW  # noqa: E402
from models.clock import use_source, utcnow  # noqa: E402
from ui.maintenance.occurrence_table import OccurrenceTable  # noqa: E402
from ui.maintenance.page import MONTH_WEEKS, MaintenancePage, today  # noqa: E402
from ui.shell.application import configure_application, settle_heap  # noqa: E402


def month_of(day_in_it: date) -> tuple[str, date, date]:
    """The month view of ``day_in_it``'s month: the page's title and the grid's first and
    last days (six weeks from the Monday on or before the first)."""
    start = day_in_it.replace(day=1)
    first = start - timedelta(days=start.weekday())
    return f"{start:%B %Y}", first, first + timedelta(weeks=MONTH_WEEKS, days=-1)


def wait_until(done: Callable[[], bool], seconds: float = 30.0) -> bool:
    """Let the event loop run until ``done()`` (or ``seconds`` pass); whether it came."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    return done()


def shown_lines(grid: QTableView) -> QTableView:
    """A stand-in for the grid for :func:`bench.roster_paint.bare_paints`: the same size, rows
    and columns, each cell's text cut to the lines its day can show (the page paints a day's
    first lines and "+N more"; a plain cell of every line of a day would cost more than the
    page's own paint, and be no floor)."""
    source = grid.model()
    line = grid.fontMetrics().height() + 1
    model = QStandardItemModel(source.rowCount(), source.columnCount())
    for row in range(source.rowCount()):
        room = max(1, (grid.rowHeight(row) - 6) // line)
        for column in range(source.columnCount()):
            text = str(source.index(row, column).data() or "")
            model.setItem(row, column, QStandardItem("\n".join(text.split("\n")[:room])))
    for column in range(source.columnCount()):
        model.setHeaderData(
            column, Qt.Orientation.Horizontal, source.headerData(column, Qt.Orientation.Horizontal)
        )
    stand_in = QTableView(grid.parentWidget())
    stand_in.hide()
    stand_in.setModel(model)
    stand_in.setGeometry(grid.geometry())
    stand_in.horizontalHeader().setFixedHeight(grid.horizontalHeader().height())
    stand_in.verticalHeader().setFixedWidth(grid.verticalHeader().width())
    for column in range(model.columnCount()):
        stand_in.setColumnWidth(column, grid.columnWidth(column))
    for row in range(model.rowCount()):
        stand_in.setRowHeight(row, grid.rowHeight(row))
    return stand_in


def bench_calendar(context: AppContext, repeat: int, sizes: dict[str, Any]) -> None:
    page = MaintenancePage(context)
    show(page)
    grid, model = page.grid, page.model
    grid.setFocus(Qt.FocusReason.OtherFocusReason)
    this_month = today()
    next_month = this_month.replace(day=1) + timedelta(days=32)
    this_title, this_first, this_last = month_of(this_month)
    next_title, next_first, next_last = month_of(next_month)

    def showing(first: date, month: int) -> bool:
        # The model, not the title: the page sets its title after the model took the answer.
        read = any(model.on(first + timedelta(days=n)) for n in range(MONTH_WEEKS * 7))
        return model.first == first and model.month == month and read

    def opened() -> Painted:
        return measure(
            page.shown,
            (model.modelReset, model.dataChanged),
            lambda: showing(this_first, this_month.month),
            page,
            grid,
        )

    def paged_down() -> Painted:
        return measure(
            lambda: QTest.keyClick(grid, Qt.Key.Key_PageDown),
            (model.modelReset, model.dataChanged),
            lambda: showing(next_first, next_month.month),
            page,
            grid,
        )

    ahead: list[bool] = []
    page.read_ahead.connect(lambda: ahead.append(True))
    back, forward = [], []
    for _ in range(repeat + 1):  # the first of each is a warm-up
        page.go_today()  # untimed: the month of today is the one asked for
        settle()
        ahead.clear()
        # Untimed: the month's days without what they hold, as the page first shows them.
        model.show(this_first, MONTH_WEEKS, this_month.month, {}, this_month)
        settle()
        back.append(opened())
        if page.title.text() != this_title:
            raise RuntimeError(f"the page says {page.title.text()!r}, not {this_title!r}")
        if not wait_until(lambda: bool(ahead)):  # the page reads it once it has painted
            raise RuntimeError("the month after was not read ahead")
        forward.append(paged_down())
        if page.title.text() != next_title:
            raise RuntimeError(f"the page says {page.title.text()!r}, not {next_title!r}")
    # The warm-ups: the first in this process, before anything was remembered (each series'
    # dates for the month, each task's read form), as a person's first opening of the page.
    first_opened, first_paged = back.pop(0), forward.pop(0)
    QTest.keyClick(grid, Qt.Key.Key_PageUp)
    settle()
    shown = sum(len(model.on(model.first + timedelta(days=n))) for n in range(model.weeks * 7))
    extra = {**sizes, "weeks": model.weeks, "occurrences": shown}
    base = bare_paints(shown_lines(grid), repeat)
    engine = context.engine
    for name, samples, cold, first, last, target in (
        ("month painted", back, first_opened, this_first, this_last, 100),
        ("next month painted", forward, first_paged, next_first, next_last, 50),
    ):
        service = timed(
            functools.partial(days, engine, first, last, utcnow(), CalendarFilter()), repeat
        )
        report(
            name,
            [s.painted for s in samples],
            base,
            target=target,
            first_in_process=round(cold.painted, 2),
            **split(samples, service),
            **extra,
        )

    # The overdue list, on its tab, as the page fills it after its first paint.
    page.tabs.setCurrentWidget(page.overdue_list)
    settle()
    overdue = page.overdue_list.model()
    assert isinstance(overdue, OccurrenceTable)

    def listed() -> Painted:
        overdue.set_rows([])  # untimed: the list empty, so the rows read are painted anew
        settle()
        return measure(
            page.read_overdue,
            (overdue.modelReset,),
            lambda: bool(overdue.rows),
            page,
            page.overdue_list,
        )

    listed()  # warm
    samples = [listed() for _ in range(repeat)]
    base = bare_paints(page.overdue_list, repeat)
    service = timed(lambda: overdue_list(engine, utcnow(), CalendarFilter()), repeat)
    report(
        "overdue list painted",
        [s.painted for s in samples],
        base,
        target=50,
        **split(samples, service),
        **sizes,
        overdue=len(overdue.rows),
    )
    page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=BenchDatabase.from_arg, required=True)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    db: BenchDatabase = args.db
    build(db, args.tasks, args.years)
    app = QApplication.instance() or QApplication([])
    configure_application(app)  # type: ignore[arg-type]
    engine = open_database(db.url)
    settle_heap()  # as the program does once its window is up
    # No remembered splitters or column widths: every run starts from the page's own layout.
    with tempfile.TemporaryDirectory(prefix="switchboard-bench-") as settings:
        os.environ["XDG_CONFIG_HOME"] = settings
        try:
            # "Now" held at BENCH_NOW, as bench/maintenance.py holds it.
            with use_source(lambda: BENCH_NOW):
                bench_calendar(manager(engine), args.repeat, sizes_of(db))
        finally:
            settle()
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
