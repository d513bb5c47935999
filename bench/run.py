"""Queue benchmarks on a large demo database, each against a baseline measured in the same run.

    python bench/run.py [--db FILE_OR_URL] [--tickets N] [--callers N] [--json]

``--db`` is a SQLite file or a PostgreSQL URL (``postgresql+psycopg://user@host/db``). A file
that does not exist yet (without ``--db``: ``bench/out/bench.db``) is generated on first use
with ``switchboard demo-data --as-of BENCH_AS_OF`` (1,000,000 tickets and 200,000 callers by
default: a few minutes), so it holds the same rows whatever the day it is made on; a server
database is only read, and must have been filled with that command first. While the queue
is measured, the program's clock starts at the end of that day's period (:data:`BENCH_NOW`),
so "now" in the queries (e.g. "due within the next hour") is the database's own.

The baselines are measured on the same back end: the same SELECTs through its bare driver
(the ``sqlite3`` module or ``psycopg``), and start-up memory against a new, empty database (a
file, or a database made on the same server for the run and dropped after it, also after a
failure).

Prints one JSON object per figure with ``name``, ``value``, ``unit``, ``backend``
("sqlite" or "postgresql") and, where a baseline exists, ``baseline`` and ``ratio``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.demo.spec import parse_as_of  # noqa: E402
from app.queue.query import QueueFilter, QueueQuery, QueueSort, SortColumn  # noqa: E402
from app.tickets.escalations import EscalationKind  # noqa: E402
from bench.database import BenchDatabase, as_uuid  # noqa: E402
from models.clock import use_source  # noqa: E402
from models.enums import Priority, TicketStatus  # noqa: E402

REPEAT = 5
Figure = dict[str, Any]

# Every benchmark database ends on this day (``demo-data --as-of``), and BENCH_NOW, the
# moment its period ends, is "now" for the code measured on it.
BENCH_AS_OF = "2026-11-30"
BENCH_NOW = parse_as_of(BENCH_AS_OF)


def figure(
    name: str, value: float, unit: str, baseline: float | None = None, **extra: Any
) -> Figure:
    result: Figure = {"name": name, "value": round(value, 3), "unit": unit}
    if baseline is not None:
        result["baseline"] = round(baseline, 3)
        result["ratio"] = round(value / baseline, 2) if baseline else None
    result.update(extra)
    return result


@contextmanager
def bench_clock() -> Iterator[None]:
    """Inside the block the program's clock starts at BENCH_NOW and runs on in real time."""
    base = time.monotonic()
    with use_source(lambda: BENCH_NOW + timedelta(seconds=time.monotonic() - base)):
        yield


def check_as_of(db: BenchDatabase | Path) -> None:
    """Warn (on stderr) when ``db`` does not look made with ``--as-of BENCH_AS_OF``: then
    "now" is not the database's own and the figures do not compare with other runs."""
    target = db if isinstance(db, BenchDatabase) else BenchDatabase.from_arg(db)
    with target.connected(read_only=True) as raw:
        newest, oldest, count = raw.one(
            "SELECT max(created_at), min(created_at), count(*) FROM ticket"
        )
    if not count:
        return
    newest, oldest = (
        value if isinstance(value, datetime) else datetime.fromisoformat(value)
        for value in (newest, oldest)
    )
    newest, oldest = (value.replace(tzinfo=None) for value in (newest, oldest))
    end = BENCH_NOW.replace(tzinfo=None)
    # The newest ticket comes shortly before the end: sooner the more tickets there are.
    slack = max(timedelta(days=3), (end - oldest) * 30 / count)
    if end - slack <= newest < end:
        return
    print(
        f"warning: {target.url} does not look generated with 'demo-data --as-of "
        f"{BENCH_AS_OF}' (its newest ticket is from {newest:%Y-%m-%d %H:%M}): figures that "
        "depend on the date will not compare with other runs. Delete it to have it "
        "generated again.",
        file=sys.stderr,
    )


def demo_data_arguments(target: str, tickets: int, callers: int) -> list[str]:
    """``switchboard demo-data`` as every benchmark database is made (see BENCH_AS_OF)."""
    return [
        *("demo-data", "--db", target, "--tickets", str(tickets), "--callers", str(callers)),
        *("--months", "12", "--seed", "1", "--as-of", BENCH_AS_OF),
    ]


def ensure_database(db: BenchDatabase, tickets: int, callers: int) -> None:
    """A file is generated when missing; a server database is taken as given, and refused
    (with the command that fills it) when it holds no tickets."""
    if db.path is None:
        refuse_empty_server(db, tickets, callers)
    elif not db.path.exists():
        generate_file(db.path, tickets, callers)
        return
    check_as_of(db)


def refuse_empty_server(db: BenchDatabase, tickets: int, callers: int) -> None:
    with db.connected(read_only=True) as raw:
        (table,) = raw.one("SELECT to_regclass('ticket')")
        if table is not None and raw.one("SELECT EXISTS (SELECT 1 FROM ticket)")[0]:
            return
    shown = make_url(db.url).render_as_string(hide_password=True)
    raise SystemExit(
        f"{shown} holds no tickets to measure. The benchmark only reads a server database: "
        f"fill it first (an empty database made with CREATE DATABASE will do) with\n"
        f"  {shlex.join(['python', '-m', 'app', *demo_data_arguments(shown, tickets, callers)])}"
    )


def generate_file(path: Path, tickets: int, callers: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    print(f"Generating {tickets:,} tickets into {path} (first run only)...", file=sys.stderr)
    arguments = demo_data_arguments(str(partial), tickets, callers)
    subprocess.run([sys.executable, "-m", "app", *arguments], cwd=ROOT, check=True)
    partial.replace(path)


@contextmanager
def captured_sql(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """The SQL and parameters the program sends to the driver, to replay them raw."""
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def median_ms(action: Callable[[], Any], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def raw_ms(db: BenchDatabase, statement: str, parameters: Any) -> float:
    """The same SELECT through the bare driver (sqlite3 or psycopg): the floor any layer
    adds to."""
    with db.connected(read_only=True) as raw:
        raw.replay(statement, parameters)  # warm the page cache
        return median_ms(lambda: raw.replay(statement, parameters))


class QueueBench:
    """Drives the real queue model and view offscreen and times what a person waits for."""

    def __init__(self, db: BenchDatabase) -> None:
        from PySide6.QtWidgets import QApplication, QTableView

        from ui.queue.model import QueueModel

        self.app = QApplication.instance() or QApplication(sys.argv)
        self.db = db
        self.engine = db.engine()
        self.me = self._busiest_assignee()
        self.query = QueueQuery(self.engine, self.me)
        self.model_class = QueueModel
        self.view_class = QTableView
        from ui.shell.application import settle_heap

        settle_heap()  # as the program does once its window is up
        self.rows_ready_ms = 0.0
        self.counted_ms = 0.0  # from the change to the count known: the table's full length

    def _busiest_assignee(self) -> uuid.UUID:
        with self.db.connected(read_only=True) as raw:
            (assignee,) = raw.one(
                "SELECT assignee_id FROM ticket WHERE assignee_id IS NOT NULL AND status < 6 "
                "GROUP BY assignee_id ORDER BY count(*) DESC, assignee_id LIMIT 1"
            )
        return as_uuid(assignee)

    def new_view(self) -> tuple[Any, Any]:
        model = self.model_class(self.query, poll_ms=0)
        view = self.view_class()
        view.setModel(model)
        view.resize(1280, 700)
        view.show()
        return model, view

    def wait_first_page(self, model: Any, view: Any, change: Callable[[], None]) -> float:
        """Milliseconds from ``change()`` until the first rows are painted."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        done = {"ok": False}

        def check() -> None:
            if model.rowCount() == 0 or model.is_loaded(0):
                done["ok"] = True
                loop.quit()

        model.loaded.connect(check)
        model.countChanged.connect(lambda _n: check() if model.rowCount() == 0 else None)
        watchdog = QTimer()
        watchdog.setSingleShot(True)
        watchdog.timeout.connect(loop.quit)
        watchdog.start(60_000)
        start = time.perf_counter()
        change()
        loop.exec()
        self.rows_ready_ms = (time.perf_counter() - start) * 1000
        view.viewport().repaint()
        elapsed = (time.perf_counter() - start) * 1000
        model.loaded.disconnect(check)
        if not done["ok"]:
            raise RuntimeError("the queue did not load within 60 s")
        # The count follows the first page; it is waited for (and not counted in the figure)
        # so that it never runs beside the next measurement.
        if not model.count_known:
            counted = QEventLoop()
            model.countChanged.connect(counted.quit)
            watchdog.start(60_000)
            watchdog.timeout.connect(counted.quit)
            counted.exec()
            model.countChanged.disconnect(counted.quit)
        self.counted_ms = (time.perf_counter() - start) * 1000
        return elapsed

    def first_page(self, f: QueueFilter, sort: QueueSort) -> float:
        model, view = self.new_view()
        try:
            return self.wait_first_page(model, view, lambda: model.set_query(f, sort))
        finally:
            self.discard(model, view)

    def discard(self, model: Any, view: Any) -> None:
        """Close and delete a view and its model, as a closed window would be."""
        from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

        view.close()
        view.deleteLater()
        model.deleteLater()
        QThreadPool.globalInstance().waitForDone()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def raw_first_page(self, f: QueueFilter, sort: QueueSort) -> float:
        with captured_sql(self.engine) as statements:
            self.query.page(f, sort, 0, 200)
        statement, parameters = statements[-1]
        return raw_ms(self.db, statement, parameters)


def bench_first_page(bench: QueueBench) -> list[Figure]:
    f, sort = QueueFilter(), QueueSort()
    bench.first_page(f, sort)  # warm caches and imports
    painted, ready = [], []
    for _ in range(REPEAT):
        painted.append(bench.first_page(f, sort))
        ready.append(bench.rows_ready_ms)
    raw = bench.raw_first_page(f, sort)
    return [
        figure(
            "queue_first_page_painted",
            statistics.median(painted),
            "ms",
            raw,
            target="<= 3x baseline and < 100 ms",
            view="All open, by SLA due",
        ),
        figure(
            "queue_first_page_rows_in_model",
            statistics.median(ready),
            "ms",
            raw,
            note="from the query change to the rows in the model, before painting",
        ),
    ]


def filter_cases(bench: QueueBench) -> list[tuple[str, QueueFilter, QueueSort]]:
    with bench.db.connected(read_only=True) as raw:
        team = as_uuid(raw.one("SELECT id FROM team ORDER BY name LIMIT 1")[0])
        site = as_uuid(raw.one("SELECT id FROM site ORDER BY code DESC LIMIT 1")[0])
        category = as_uuid(raw.one("SELECT id FROM category ORDER BY name LIMIT 1")[0])
    everything = frozenset(TicketStatus)
    cases = [
        ("me", QueueFilter(assignee="me"), QueueSort()),
        ("unassigned", QueueFilter(assignee="unassigned"), QueueSort()),
        ("breaching_next_hour", QueueFilter(due_within_minutes=60), QueueSort()),
        ("priority_p1", QueueFilter(priorities=frozenset({Priority.CRITICAL})), QueueSort()),
        ("team", QueueFilter(team_id=team), QueueSort()),
        (
            "site_all_statuses",
            QueueFilter(statuses=everything, site_id=site),
            QueueSort(SortColumn.AGE),
        ),
        (
            "category_all_statuses",
            QueueFilter(statuses=everything, category_id=category),
            QueueSort(SortColumn.AGE),
        ),
        ("text_open", QueueFilter(text="printer"), QueueSort()),
        ("flagged_to_a_manager", QueueFilter(escalation=EscalationKind.HIERARCHICAL), QueueSort()),
        ("escalated_to_a_team", QueueFilter(escalation=EscalationKind.FUNCTIONAL), QueueSort()),
        ("text_all_statuses", QueueFilter(statuses=everything, text="vpn"), QueueSort()),
    ]
    for column in SortColumn:
        for descending in (False, True):
            suffix = "desc" if descending else "asc"
            cases.append(
                (
                    f"sort_open_{column.name.lower()}_{suffix}",
                    QueueFilter(),
                    QueueSort(column, descending),
                )
            )
            cases.append(
                (
                    f"sort_all_{column.name.lower()}_{suffix}",
                    QueueFilter(statuses=everything),
                    QueueSort(column, descending),
                )
            )
    return cases


def bench_changes(bench: QueueBench) -> list[Figure]:
    """Time from a filter or sort change in an open view to its new first page."""
    # Every case starts from this view, which no case shows, so each change is a real one.
    neutral = QueueFilter(priorities=frozenset({Priority.LOW})), QueueSort(SortColumn.NUMBER)
    model, view = bench.new_view()
    bench.wait_first_page(model, view, lambda: model.set_query(*neutral))
    figures = []
    for name, f, sort in filter_cases(bench):
        raw = bench.raw_first_page(f, sort)  # also warms the file cache for both sides
        times, counted = [], []
        for _ in range(3):
            change = lambda f=f, sort=sort: model.set_query(f, sort)  # noqa: E731
            times.append(bench.wait_first_page(model, view, change))
            counted.append(bench.counted_ms)
            rows = model.rowCount()
            bench.wait_first_page(model, view, lambda: model.set_query(*neutral))
        value = statistics.median(times)
        figures.append(
            figure(
                f"change_{name}",
                value,
                "ms",
                raw,
                rows=rows,
                counted_ms=round(statistics.median(counted), 1),
            )
        )
    worst = max(figures, key=lambda item: item["value"])
    figures.append(
        figure("change_worst", worst["value"], "ms", case=worst["name"], target="< 150 ms")
    )
    bench.discard(model, view)
    return figures


def bench_scroll(bench: QueueBench) -> list[Figure]:
    """Jump to the end of a ~100,000-row result and page through it: no full load."""
    from PySide6.QtCore import QEventLoop, QTimer

    everything = frozenset(TicketStatus)
    with bench.db.connected(read_only=True) as raw:
        rows = raw.rows(
            "SELECT category_id, count(*) FROM ticket GROUP BY category_id ORDER BY category_id"
        )
    category, _count = min(rows, key=lambda r: abs(r[1] - 100_000))
    f = QueueFilter(statuses=everything, category_id=as_uuid(category))
    sort = QueueSort(SortColumn.AGE)
    model, view = bench.new_view()
    bench.wait_first_page(model, view, lambda: model.set_query(f, sort))
    total = model.rowCount()
    # The view lays out the rows the count added on a later event; until then its scroll
    # range is the first page's, and scrolling to the last row would stop short of it.
    view.doItemsLayout()

    def wait_row(row: int) -> float:
        start = time.perf_counter()
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if model.is_loaded(row) else None)
        timer.start(1)
        view.scrollTo(model.index(row, 0))
        view.viewport().repaint()
        if not model.is_loaded(row):
            loop.exec()
        view.viewport().repaint()
        return (time.perf_counter() - start) * 1000

    to_end = wait_row(total - 1)
    wait_row(0)

    # A person drags the scroll bar from the top to the bottom in about a second: one step
    # per frame. A 1 ms timer on the GUI thread measures the longest time it could not run.
    fetched: list[int] = []
    original_page = bench.query.page

    def counting_page(*args: Any, **kwargs: Any) -> Any:
        fetched.append(1)
        return original_page(*args, **kwargs)

    bench.query.page = counting_page  # type: ignore[method-assign]
    ticks: list[float] = [time.perf_counter()]
    stall = {"max": 0.0}

    def tick() -> None:
        now = time.perf_counter()
        stall["max"] = max(stall["max"], (now - ticks[-1]) * 1000)
        ticks.append(now)

    heartbeat = QTimer()
    heartbeat.timeout.connect(tick)
    heartbeat.start(1)
    bar = view.verticalScrollBar()
    frames = 60
    for step in range(1, frames + 1):
        bar.setValue(bar.maximum() * step // frames)
        frame = QEventLoop()
        QTimer.singleShot(16, frame.quit)
        frame.exec()
    drag_stall = stall["max"]
    settle = wait_row(total - 1)
    heartbeat.stop()
    bench.query.page = original_page  # type: ignore[method-assign]
    cached_rows = sum(len(page.rows) for page in model._pages.values())
    bench.discard(model, view)
    return [
        figure("scroll_jump_to_end", to_end, "ms", rows=total),
        figure(
            "scroll_drag_max_gui_stall",
            drag_stall,
            "ms",
            rows=total,
            note="longest the GUI thread could not run while the bar was dragged to the end",
        ),
        figure("scroll_drag_rows_after_release", settle, "ms", rows=total),
        figure("scroll_drag_pages_fetched", len(fetched), "pages", rows=total),
        figure("scroll_rows_held", cached_rows, "rows", rows=total),
    ]


def probe(db: BenchDatabase, mode: str, *, as_bench: bool = True) -> dict[str, Any]:
    """Run the real program (python -m app) until ``mode`` happens; it reports and quits.
    ``as_bench``: as the demo's user "bench" (a database of made-up data lets --user name
    anyone); otherwise as this login, the only identity a new, empty database accepts. On a
    server the login is who works there, whatever ``as_bench`` says: a staff member starts
    without --user, so no check of the database for it comes before the window (on a server
    that check is a connection of its own, 500 ms)."""
    # A channel of its own: a Switchboard open on this desktop must not take the start.
    env = dict(
        os.environ,
        SWITCHBOARD_BENCH_EXIT_AFTER=mode,
        SWITCHBOARD_INSTANCE_NAME=f"switchboard-bench-{os.getpid()}",
    )
    started = time.time()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--db",
            db.url,
            *(["--user", "bench"] if as_bench and db.sqlite else []),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["elapsed_ms"] = (report["at"] - started) * 1000
    return report


BARE_WINDOW = """
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(json.dumps({"at": time.time()}))
            QTimer.singleShot(0, app.quit)
            self.deleteLater()
        return False
window.installEventFilter(Painted(window))
window.resize(1280, 800)
window.show()
app.exec()
"""


def bare_window_ms() -> float:
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", BARE_WINDOW],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return (json.loads(result.stdout.strip().splitlines()[-1])["at"] - started) * 1000


@contextmanager
def empty_database(db: BenchDatabase) -> Iterator[BenchDatabase]:
    """A new, empty database on ``db``'s back end, removed when the block ends (after an
    error or Ctrl+C too): a file the program makes at its first start, or a database made on
    the same server for the run with ``switchboard init`` (its login becomes the admin)."""
    if db.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            yield BenchDatabase.from_arg(Path(folder) / "empty.db")
        return
    name = f"switchboard_bench_empty_{uuid.uuid4().hex[:12]}"
    with db.connected() as server:
        server.rows(f'CREATE DATABASE "{name}"')
    try:
        empty = db.on_server(name)
        command = [sys.executable, "-m", "app", "--db", empty.url, "init"]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=120)
        yield empty
    finally:
        with db.connected() as server:
            server.rows(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_process(db: BenchDatabase) -> list[Figure]:
    probe(db, "paint")  # warm the file cache once, as any second start would be
    starts = [probe(db, "paint")["elapsed_ms"] for _ in range(REPEAT)]
    bare = [bare_window_ms() for _ in range(REPEAT)]
    with empty_database(db) as empty:
        rss_empty = statistics.median(
            probe(empty, "loaded", as_bench=False)["rss_mb"] for _ in range(3)
        )
    loaded = [probe(db, "loaded") for _ in range(3)]
    rss_full = statistics.median(report["rss_mb"] for report in loaded)
    rows_at = statistics.median(report["elapsed_ms"] for report in loaded)
    return [
        figure(
            "cold_start_to_painted_window",
            statistics.median(starts),
            "ms",
            statistics.median(bare),
            target="<= 5x a bare PySide6 window",
        ),
        figure(
            "cold_start_to_queue_rows",
            rows_at,
            "ms",
            note="the database opened and the queue's first rows in the window",
        ),
        figure(
            "rss_queue_open",
            rss_full,
            "MB",
            rss_empty,
            extra_mb=round(rss_full - rss_empty, 1),
            target="within 60 MB of an empty database",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        metavar="FILE_OR_URL",
        help="a Switchboard SQLite file (generated when missing; default bench/out/bench.db) "
        "or the PostgreSQL URL of a database filled with demo-data",
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--callers", type=int, default=200_000)
    parser.add_argument(
        "--json", action="store_true", help="only the JSON lines (no table on stderr)"
    )
    parser.add_argument(
        "--start-only", action="store_true", help="only start-up and memory, not the queue"
    )
    args = parser.parse_args()
    db = BenchDatabase.from_arg(args.db or ROOT / "bench" / "out" / "bench.db")
    ensure_database(db, args.tickets, args.callers)
    figures: list[Figure] = []
    if not args.start_only:
        with bench_clock():
            bench = QueueBench(db)
            for part in (bench_first_page, bench_changes, bench_scroll):
                figures.extend(part(bench))
    # The program started in a subprocess reads the system clock; the view it opens on
    # (all open tickets, by SLA due) selects the same rows on any date.
    figures.extend(bench_process(db))
    for item in figures:
        item["backend"] = db.backend
        print(json.dumps(item))
    if not args.json:
        print_summary(figures)
    return 0


def print_summary(figures: list[Figure]) -> None:
    """A table for people, on stderr so stdout stays one JSON object per line."""
    width = max(len(item["name"]) for item in figures)
    for item in figures:
        ratio = f"  {item['ratio']:>7}x of {item['baseline']}" if item.get("ratio") else ""
        target = f"  (target: {item['target']})" if "target" in item else ""
        line = f"{item['name']:<{width}}  {item['value']:>10} {item['unit']:<5}{ratio}{target}"
        print(line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
