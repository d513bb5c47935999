"""Caller card benchmark: how long the operator waits for the card, against the bare driver.

    python bench/card.py --db FILE_OR_URL

FILE_OR_URL is a Switchboard SQLite file or PostgreSQL URL (for the issue's figures: 200,000
callers and 1,000,000 tickets from ``switchboard demo-data``); it is only read. Callers are
sampled from the data, the ones with the most tickets included (the longest cards): the same
callers on both back ends of the same demo. Figures, one JSON object each, with ``backend``
("sqlite" or "postgresql"):

- ``card_load``: :func:`app.callers.card.load_card`, warm, against the same seven SELECTs
  through the bare driver of the same back end, ``sqlite3`` or ``psycopg`` (the floor any
  layer adds to);
- ``card_shown``: in the real call desk, offscreen, from choosing a result (what Up/Down
  does) until the card is painted: worker thread, hand-off to the GUI thread and painting;
- ``screen_pop_to_card``: from ``take_call(NUMBER)`` (what a screen pop does) until that
  caller's card is painted: the lookup, the card and the painting together.

"Now" (the card counts a caller's tickets of the last 30 days) is the moment the benchmark
database ends, ``BENCH_NOW`` of ``bench/run.py``, for the program and the baseline alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SWITCHBOARD_INSTANCE_NAME", f"switchboard-bench-{os.getpid()}")

from app.callers.card import REPEAT_DAYS, load_card  # noqa: E402
from bench.database import BenchDatabase, RawConnection, as_uuid  # noqa: E402
from bench.run import BENCH_NOW, bench_clock, check_as_of  # noqa: E402

SAMPLES = 60
BUSY_CALLERS = 20  # of the samples, this many are the callers with the most tickets

# The first "?" is the caller's id; the count's second is the start of its repeat window.
RAW_CARD = (
    "SELECT c.*, s.code, s.name FROM caller c LEFT JOIN site s ON s.id = c.site_id WHERE c.id = ?",
    "SELECT number, label FROM caller_phone WHERE caller_id = ? ORDER BY label, number",
    "SELECT id, number, summary, status, priority, created_at, assignee_name, sla_due_at "
    "FROM ticket WHERE caller_id = ? AND status < 6 ORDER BY priority, created_at LIMIT 20",
    "SELECT id, number, summary, status, priority, created_at, assignee_name, sla_due_at "
    "FROM ticket WHERE caller_id = ? ORDER BY created_at DESC LIMIT 5",
    "SELECT count(*) FROM ticket WHERE caller_id = ? AND created_at >= ?",
    "SELECT id, tag, kind, model FROM asset WHERE owner_id = ? ORDER BY tag LIMIT 20",
    "SELECT k.started_at, k.ended_at, k.number, s.name, t.number FROM call k "
    "LEFT JOIN staff s ON s.id = k.operator_id LEFT JOIN ticket t ON t.id = k.ticket_id "
    "WHERE k.caller_id = ? ORDER BY k.started_at DESC LIMIT 5",
)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def figure(name: str, ours: list[float], baseline: list[float] | None, target: str) -> dict:
    item: dict[str, Any] = {
        "name": name,
        "p50": round(statistics.median(ours), 3),
        "p95": round(p95(ours), 3),
        "max": round(max(ours), 3),
        "unit": "ms",
        "samples": len(ours),
        "target": target,
    }
    if baseline:
        item["baseline_p95"] = round(p95(baseline), 3)
        item["ratio_p95"] = round(p95(ours) / p95(baseline), 2)
    return item


def sample_callers(raw: RawConnection) -> list[tuple[uuid.UUID, str]]:
    """(caller id, a phone number of theirs): the busiest callers and a spread, every
    step-th caller in the order of their ids (the demo's ids are the same on both back ends,
    and so are the callers chosen)."""
    busy = raw.rows(
        "SELECT caller_id FROM ticket WHERE caller_id IS NOT NULL GROUP BY caller_id "
        "ORDER BY count(*) DESC, caller_id LIMIT ?",
        (BUSY_CALLERS,),
    )
    (total,) = raw.one("SELECT count(*) FROM caller")
    step = max(1, total // (SAMPLES - BUSY_CALLERS))
    spread = raw.rows(
        "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM caller) AS c "
        "WHERE n % ? = 0 ORDER BY n LIMIT ?",
        (step, SAMPLES - BUSY_CALLERS),
    )
    chosen = []
    for (raw_id,) in busy + spread:
        phone = raw.one(
            "SELECT number FROM caller_phone WHERE caller_id = ? ORDER BY number LIMIT 1",
            (raw_id,),
        )
        if phone is not None:
            chosen.append((as_uuid(raw_id), phone[0]))
    return chosen


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def bench_load(db: BenchDatabase, callers: list[tuple[uuid.UUID, str]]) -> list[dict]:
    engine = db.engine()
    # One "now" for both sides: the moment the benchmark database ends (see bench/run.py).
    now = BENCH_NOW
    ours, baseline = [], []
    with db.connected(read_only=True) as raw:
        since = raw.moment(now - timedelta(days=REPEAT_DAYS))
        for caller_id, _number in callers:
            load_card(engine, caller_id, now=now)  # warm
            ours.append(timed(partial(load_card, engine, caller_id, now=now)))

            def raw_card(parameters: tuple[Any, ...] = (caller_id.bytes, since)) -> None:
                for statement in RAW_CARD:
                    raw.rows(statement, parameters[: statement.count("?")])

            raw_card()
            baseline.append(timed(raw_card))
    engine.dispose()
    return [figure("card_load", ours, baseline, "part of < 50 ms card shown")]


def bench_gui(db: BenchDatabase, callers: list[tuple[uuid.UUID, str]]) -> list[dict]:
    from PySide6.QtCore import QEventLoop, QTimer, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from app.context import AppContext
    from ui.calls import desk as call_desk
    from ui.calls.desk import HIT_ROLE, CallDesk
    from ui.shell.application import configure_application

    # The benchmark only reads: the calls it takes and ends are not logged in the database.
    def record_nothing(engine: Any, record: Any, actor_id: Any) -> uuid.UUID:
        return uuid.uuid4()

    call_desk.record_call = record_nothing

    # The offscreen platform warns on every window it cannot size; keep the JSON readable.
    qInstallMessageHandler(lambda *_args: None)
    app = QApplication.instance() or QApplication([])
    configure_application(app)  # type: ignore[arg-type]
    engine = db.engine()
    with db.connected(read_only=True) as raw:
        (operator,) = raw.one("SELECT id FROM staff ORDER BY username LIMIT 1")
    context = AppContext(engine=engine, me=as_uuid(operator), username="bench")
    desk = CallDesk(context)
    desk.resize(1160, 740)
    desk.show()

    def wait_for(caller_id: uuid.UUID) -> None:
        loop = QEventLoop()
        poll = QTimer()
        poll.timeout.connect(
            lambda: (
                loop.quit()
                if desk.card_view.card is not None and desk.card_view.card.id == caller_id
                else None
            )
        )
        poll.start(0)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
        poll.stop()
        card = desk.card_view.card
        if card is None or card.id != caller_id:
            raise RuntimeError("the card did not appear within 30 s")
        desk.repaint()  # painted, not only set

    def pop(caller_id: uuid.UUID, number: str) -> float:
        desk.end_call()
        desk.card_view.clear()
        start = time.perf_counter()
        desk.take_call(number)
        wait_for(caller_id)
        return (time.perf_counter() - start) * 1000

    popped, shown = [], []
    for caller_id, number in callers:
        pop(caller_id, number)  # warm
        popped.append(pop(caller_id, number))
    for caller_id, number in callers:
        pop(caller_id, number)  # a call on the line: a number that rings meanwhile waits
        row = desk.results.currentRow()
        hit = desk.results.item(row).data(HIT_ROLE)
        desk.results.setCurrentRow(-1)
        desk.card_view.clear()
        start = time.perf_counter()
        desk.results.setCurrentRow(row)
        wait_for(hit.id)
        shown.append((time.perf_counter() - start) * 1000)
    desk.end_call()
    desk.close()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone()
    engine.dispose()
    return [
        figure("card_shown", shown, None, "< 50 ms"),
        figure("screen_pop_to_card", popped, None, "—"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", metavar="FILE_OR_URL", required=True, help="a SQLite file or PostgreSQL URL"
    )
    args = parser.parse_args()
    db = BenchDatabase.from_arg(args.db)
    check_as_of(db)
    with db.connected(read_only=True) as raw:
        callers = sample_callers(raw)
    # The call desk reads "now" from the program's clock: the database's own, as above.
    with bench_clock():
        figures = bench_load(db, callers) + bench_gui(db, callers)
    for item in figures:
        item["backend"] = db.backend
        print(json.dumps(item))
    return 0


if __name__ == "__main__":
    sys.exit(main())
