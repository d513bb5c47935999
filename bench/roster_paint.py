"""Roster and training pages benchmark, as painted: from asking for a week (or the matrix) to
the page on screen with it, in the real pages, against a bare table of as many text cells
painted the same way in the same run.

    python bench/roster_paint.py --db FILE_OR_URL [--staff 200] [--weeks 104] [--repeat 9]

FILE_OR_URL (a SQLite file or a PostgreSQL URL) is filled by :func:`bench.roster.build` if it
does not hold the team yet (the same database as ``bench/roster.py``). The pages run
offscreen (``QT_QPA_PLATFORM=offscreen``) with the program's stylesheet, each alone in a
visible window of 1920x1080, signed in as a manager, with "now" at the benchmark's
(:data:`bench.run.BENCH_NOW`) and no remembered layout. One JSON object per figure, like
``bench/roster.py``: the median of ``--repeat`` warm runs in milliseconds, its range, the
baseline's median (``baseline_raw``) and the back end (``backend``).

- ``roster week painted``: Home (what "This week" does) from ten weeks later (reached with
  the "Go to" date, untimed) until the grid is painted with this week, its conflicts listed
  and its cover filled: a week not read ahead, so the read on a worker thread, the hand-off
  to the GUI thread, the page's filling and Qt's paint of the window (target < 100 ms);
- ``roster next week painted``: Page Down from there, once the page has read the weeks either
  side ahead (:mod:`ui.roster.read_ahead`; a person looks at a week longer than that takes),
  until the grid is painted with the next week and stays so: the week is shown from memory,
  and the read that follows it would count too if it painted anything (target < 50 ms).
  Stepping faster than the reads ahead costs what ``roster week painted`` does;
- ``training matrix painted``: the page's refresh (F5, which reads its lists too) until the
  matrix is painted with the new read (target < 150 ms).

The end is Qt's own paint, timed as it happens (:class:`PaintWatch`): the last one of the
window that painted the table, so a change Qt paints twice counts to the second (``paints``).
Each figure also says where its time goes: ``service`` (the read alone, called directly on
the GUI thread), ``answered`` (asking until the page's model took the answer) and ``paint``
(from there until painted: the rest of the page's filling and the paint). The baseline is a
``QTableView`` over a ``QStandardItemModel`` of the same rows by 7 (or by the matrix's
courses) cells holding the same texts, with the table's size, rows and columns, alone in a
window of the same size, told that every cell changed and painted by Qt: the floor of
painting that many cells.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (  # noqa: E402
    QDate,
    QEvent,
    QEventLoop,
    QObject,
    Qt,
    QThreadPool,
    QTimer,
    SignalInstance,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView, QWidget  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from app.context import AppContext  # noqa: E402
from app.db_lifecycle import open_database  # noqa: E402
from app.roster.local_time import WEEK, monday_of  # noqa: E402
from app.roster.week import week  # noqa: E402
from app.training.matrix import training_matrix  # noqa: E402
from bench.database import BenchDatabase  # noqa: E402
from bench.figures import report, timed  # noqa: E402
from bench.roster import build  # noqa: E402
from bench.run import bench_clock  # noqa: E402
from models.engine import read_session  # noqa: E402
from models.enums import StaffRole  # noqa: E402
from models.org import Staff  # noqa: E402
from ui.kit import tasks  # noqa: E402
from ui.roster.page import RosterPage, today  # noqa: E402
from ui.shell.application import configure_application, settle_heap  # noqa: E402
from ui.training.page import TrainingPage  # noqa: E402

WINDOW = (1920, 1080)
TIMEOUT_MS = 30_000  # an answer that has not come by then is a failure, not a figure
QUIET_MS = 300  # no paint for this long after an answer: it is on screen


@dataclass(frozen=True)
class Painted:
    """One measured change: when the page's model took the answer, and when the table was
    painted with it, in ms after the change was asked."""

    answered: float
    painted: float
    paints: int  # how many times Qt painted the table to get there


def settle() -> None:
    """Every read on its way delivered and every paint asked for done, outside the clock: a
    measurement starts with nothing else to do."""
    while True:
        QThreadPool.globalInstance().waitForDone()
        QApplication.processEvents()
        if not tasks.pending():
            return


class PaintWatch(QObject):
    """Times the paints that put an answer on screen: Qt's own, not one forced after them.

    Qt paints a window when the update request it posted to itself comes round, after the
    events already waiting (the page's callback, the layouts it asked for). A change can take
    more than one paint: a row resized or a list laid out later (on a timer) asks for another.
    Once :meth:`arm` ed, the watch handles each of the window's update requests itself, so it
    knows when each paint ended, and keeps the end of the last one that painted ``table``;
    the loop ends once nothing was painted for :data:`QUIET_MS`. (Forcing a repaint once the
    answer is in would paint twice: Qt's own paint has usually happened by then.)"""

    def __init__(self, window: QWidget, table: QTableView, loop: QEventLoop) -> None:
        super().__init__(window)
        self._window, self._viewport = window, table.viewport()
        self._armed = False
        self._table_painted = False
        self.painted = 0.0  # perf_counter() when the last paint of the table ended, 0 before
        self.paints = 0  # the window's paints that painted the table
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(loop.quit)
        window.installEventFilter(self)
        self._viewport.installEventFilter(self)

    def arm(self) -> None:
        self._armed = True
        self._quiet.start()

    def remove(self) -> None:
        self._window.removeEventFilter(self)
        self._viewport.removeEventFilter(self)
        self.setParent(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._armed:
            return False
        if watched is self._viewport and event.type() == QEvent.Type.Paint:
            self._table_painted = True
        elif watched is self._window and event.type() == QEvent.Type.UpdateRequest:
            self._table_painted = False
            self._window.event(event)  # the paint, as Qt does it after this filter
            if self._table_painted:
                self.painted = time.perf_counter()
                self.paints += 1
            self._quiet.start()
            return True
        return False


def measure(
    ask: Callable[[], None],
    signals: tuple[SignalInstance, ...],
    arrived: Callable[[], bool],
    window: QWidget,
    table: QTableView,
) -> Painted:
    """Time ``ask()`` until ``arrived()`` holds after one of ``signals`` (the model took the
    answer) and Qt has painted ``table`` with it (:class:`PaintWatch`).

    The wait is the event loop's, without polling: a poll on the GUI thread would take the
    interpreter's lock from the worker reading the answer."""
    loop = QEventLoop()
    watch = PaintWatch(window, table, loop)
    answered: list[float] = []

    def check(*_args: Any) -> None:
        # Inside the page's callback: the paints the watch times come after it, from the
        # event loop.
        if not answered and arrived():
            answered.append(time.perf_counter())
            watch.arm()

    for signal in signals:
        signal.connect(check)
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    limit.start(TIMEOUT_MS)
    start = time.perf_counter()
    ask()
    loop.exec()
    limit.stop()
    for signal in signals:
        signal.disconnect(check)
    watch.remove()
    if not watch.painted:
        raise RuntimeError(f"the table was not painted with the answer within {TIMEOUT_MS} ms")
    settle()
    return Painted((answered[0] - start) * 1000, (watch.painted - start) * 1000, watch.paints)


def show(widget: QWidget) -> QWidget:
    """``widget`` alone in a visible window of :data:`WINDOW`, with the keyboard."""
    widget.resize(*WINDOW)
    widget.show()
    widget.activateWindow()
    QTest.qWaitForWindowExposed(widget)
    settle()
    return widget


def bare_paints(view: QTableView, repeat: int) -> list[float]:
    """The baseline: a plain table of what ``view``'s cells say, with its size, row heights,
    column widths and header titles, alone in a window of :data:`WINDOW`; each sample from
    "every cell changed" to Qt's paint, after a warm one."""
    source = view.model()
    texts = [
        [str(source.index(row, column).data() or "") for column in range(source.columnCount())]
        for row in range(source.rowCount())
    ]
    model = QStandardItemModel(len(texts), len(texts[0]) if texts else 0)
    for row, line in enumerate(texts):
        for column, text in enumerate(line):
            model.setItem(row, column, QStandardItem(text))
    for column in range(model.columnCount()):
        model.setHeaderData(
            column, Qt.Orientation.Horizontal, source.headerData(column, Qt.Orientation.Horizontal)
        )
    for row in range(model.rowCount()):
        model.setHeaderData(
            row, Qt.Orientation.Vertical, source.headerData(row, Qt.Orientation.Vertical)
        )
    window = QWidget()
    table = QTableView(window)
    table.setModel(model)
    table.setGeometry(view.geometry())
    table.setWordWrap(False)
    table.horizontalHeader().setFixedHeight(view.horizontalHeader().height())
    table.verticalHeader().setFixedWidth(view.verticalHeader().width())
    for column in range(model.columnCount()):
        table.setColumnWidth(column, view.columnWidth(column))
    for row in range(model.rowCount()):
        table.setRowHeight(row, view.rowHeight(row))
    show(window)
    corner = model.index(model.rowCount() - 1, model.columnCount() - 1)

    def changed() -> Painted:
        return measure(
            lambda: model.dataChanged.emit(model.index(0, 0), corner),
            (model.dataChanged,),
            lambda: True,
            window,
            table,
        )

    changed()  # warm
    samples = [changed().painted for _ in range(repeat)]
    window.close()
    return samples


def manager(engine: Engine) -> AppContext:
    """A manager's session: the pages as the person who keeps them sees them."""
    with read_session(engine) as session:
        chosen = select(Staff).where(col(Staff.role) == StaffRole.MANAGER, col(Staff.active))
        person = session.exec(chosen).first()
    if person is None:
        raise SystemExit("the database has no active manager")
    return AppContext(
        engine=engine, me=person.id, username=person.username, role=StaffRole.MANAGER.label
    )


def bench_roster(context: AppContext, repeat: int, sizes: dict[str, Any]) -> None:
    page = RosterPage(context, on_now_ms=0)  # "who is on" reads only when asked
    show(page)
    grid = page.grid
    grid.setFocus(Qt.FocusReason.OtherFocusReason)
    model = page.model
    this_monday = monday_of(today())
    signals = (model.modelReset, model.dataChanged)

    def key(pressed: Qt.Key, monday: date) -> Painted:
        return measure(
            lambda: QTest.keyClick(grid, pressed),
            signals,
            lambda: model.week is not None and model.week.monday == monday,
            page,
            grid,
        )

    far = this_monday + WEEK * 10
    read_ahead: list[bool] = []
    page.reader.read_ahead.connect(lambda: read_ahead.append(True))
    back, forward = [], []
    for _ in range(repeat + 1):  # the first of each is a warm-up
        page.date_edit.setDate(QDate(far.year, far.month, far.day))  # untimed
        settle()
        read_ahead.clear()
        back.append(key(Qt.Key.Key_Home, this_monday))  # not read ahead
        if not read_ahead:  # measure() waited QUIET_MS after the paint: time enough
            raise RuntimeError("the weeks either side were not read ahead")
        forward.append(key(Qt.Key.Key_PageDown, this_monday + WEEK))
    back, forward = back[1:], forward[1:]
    assert model.week is not None
    shown = model.week
    extra = {
        **sizes,
        "rows": len(shown.rows),
        "conflicts": len(shown.conflicts),
        "gaps": len(shown.gaps),
    }
    base = bare_paints(grid, repeat)
    engine = context.engine
    for name, samples, monday, target in (
        ("roster week painted", back, this_monday, 100),
        ("roster next week painted", forward, this_monday + WEEK, 50),
    ):
        service = timed(functools.partial(week, engine, monday), repeat)
        report(
            name,
            [s.painted for s in samples],
            base,
            target=target,
            **split(samples, service),
            **extra,
        )
    page.close()


def bench_training(context: AppContext, repeat: int, backend: str) -> None:
    page = TrainingPage(context)
    show(page)
    model = page.model

    def refreshed() -> Painted:
        old = model.matrix
        return measure(
            page.refresh, (model.modelReset,), lambda: model.matrix is not old, page, page.matrix
        )

    refreshed()  # warm
    samples = [refreshed() for _ in range(repeat)]
    base = bare_paints(page.matrix, repeat)
    engine = context.engine
    service = timed(lambda: training_matrix(engine), repeat)
    report(
        "training matrix painted",
        [s.painted for s in samples],
        base,
        target=150,
        **split(samples, service),
        staff=model.rowCount(),
        courses=model.columnCount(),
        backend=backend,
    )
    page.close()


def split(samples: list[Painted], service: list[float]) -> dict[str, float | int]:
    """Where the time goes, medians in ms: the read alone, asking until the page is filled
    with the answer, and the repaint after that."""
    return {
        "service": round(statistics.median(service), 2),
        "answered": round(statistics.median(s.answered for s in samples), 2),
        "paint": round(statistics.median(s.painted - s.answered for s in samples), 2),
        "paints": max(s.paints for s in samples),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=BenchDatabase.from_arg, required=True)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    db: BenchDatabase = args.db
    build(db, args.staff, args.weeks)
    app = QApplication.instance() or QApplication([])
    configure_application(app)  # type: ignore[arg-type]
    engine = open_database(db.url)
    settle_heap()  # as the program does once its window is up
    # No remembered splitters or column widths: every run starts from the pages' own layout
    # (the settings folder is looked up each time a page remembers something).
    with tempfile.TemporaryDirectory(prefix="switchboard-bench-") as settings:
        os.environ["XDG_CONFIG_HOME"] = settings
        try:
            with db.connected(read_only=True) as raw:
                shifts = raw.one("SELECT count(*) FROM shift")[0]
            with bench_clock():
                context = manager(engine)
                sizes = {"staff": args.staff, "shifts": shifts, "backend": db.backend}
                bench_roster(context, args.repeat, sizes)
                bench_training(context, args.repeat, db.backend)
        finally:
            settle()
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
