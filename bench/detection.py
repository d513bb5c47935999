"""Repeat-incident detection benchmark: a run of candidates over the default window on a
demo database, against the bare ``sqlite3`` read of the same rows measured in the same run.

    python bench/detection.py --db FILE [--as-of DATE] [--days 90] [--repeat 3]

FILE is an existing database made by ``switchboard demo-data`` (the issue's target is the
1,000,000-ticket one: ``--callers 20000 --tickets 1000000 --months 12 --seed 1 --as-of
2026-12-01``). "Now" is 16:00 UTC on ``--as-of`` (what ``demo-data --as-of`` calls the end of
its data), by default the newest ticket's time, so the window is the data's last days
whatever the day the benchmark runs. One JSON object per figure (:mod:`bench.figures`):
the median of ``--repeat`` warm runs in milliseconds and their range.

- ``raw read of the period's ticket rows``: the columns detection reads, of the tickets
  from eight weeks before the window to now, in creation order, through ``sqlite3`` with no
  conversion at all: the floor for reading them once. Its query plan is printed with it
  (the ``(created_at, number)`` index);
- ``raw counts of the year before the window``: the tickets per asset and per caller of the
  year before the window (the asset and caller rules' usual rates), through ``sqlite3``,
  with their query plans (the ``(asset_id, created_at)`` and ``(caller_id, created_at)``
  indexes, no table row read);
- ``read the scene``: :func:`app.problems.detection_scene.read_scene`, the same rows and
  counts as the rules use them, with its ratio to the two raw figures together;
- ``rule: ...``: each rule alone on the rows read once;
- ``find candidates``: :func:`app.problems.detection.find_candidates`, the whole run (the
  target: under 30 s), with its ratio to the two raw figures and the candidates by rule.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from collections import Counter
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import to_url  # noqa: E402
from app.demo.spec import parse_as_of  # noqa: E402
from app.problems.detection import DEFAULT_WINDOW_DAYS, find_candidates  # noqa: E402
from app.problems.detection_counts import asset_rule, caller_rule, spike_rule  # noqa: E402
from app.problems.detection_scene import BASELINE_WEEKS, read_scene  # noqa: E402
from app.problems.detection_text import similar_rule  # noqa: E402
from bench.figures import report, timed  # noqa: E402
from models.engine import make_engine  # noqa: E402

_STAMP = "%Y-%m-%d %H:%M:%S.%f"  # as Switchboard stores a moment in SQLite (UTC, naive)
RAW_SQL = (
    "SELECT id, number, site_id, caller_id, caller_name, asset_id, category_id, summary, "
    "created_at, problem_id IS NOT NULL FROM ticket WHERE created_at >= ? AND created_at <= ? "
    "ORDER BY created_at, number"
)
HISTORY_SQL = (
    "SELECT {key}, count(*) FROM ticket WHERE {key} IS NOT NULL AND created_at >= ? "
    "AND created_at < ? GROUP BY {key}"
)


def _now(raw: sqlite3.Connection, as_of: str | None) -> datetime:
    if as_of is not None:
        return parse_as_of(as_of)
    newest = raw.execute("SELECT max(created_at) FROM ticket").fetchone()[0]
    if newest is None:
        raise SystemExit("The database has no tickets; fill it with switchboard demo-data.")
    return datetime.fromisoformat(newest + "+00:00")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="an existing demo database")
    parser.add_argument("--as-of", metavar="DATE", help="now: 16:00 UTC that day")
    parser.add_argument("--days", type=int, default=DEFAULT_WINDOW_DAYS, help="the window")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; default 3")
    args = parser.parse_args()
    if not args.db.is_file():
        raise SystemExit(f"{args.db} is not a file; make it with switchboard demo-data first.")
    raw = sqlite3.connect(f"{args.db.resolve().as_uri()}?mode=ro", uri=True)
    engine = make_engine(to_url(str(args.db)))
    try:
        now = _now(raw, args.as_of)
        start = now - timedelta(days=args.days) - timedelta(weeks=BASELINE_WEEKS)
        bounds = (start.strftime(_STAMP), now.strftime(_STAMP))
        plan = " / ".join(row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + RAW_SQL, bounds))
        scene = read_scene(engine, now, args.days)
        sizes: dict[str, Any] = {
            "now": now.isoformat(),
            "window_days": args.days,
            "rows_read": len(scene.incidents),
            "rows_in_window": len(scene.incidents) - scene.first_in_window,
            "total_tickets": raw.execute("SELECT count(*) FROM ticket").fetchone()[0],
            "repeat": args.repeat,
        }
        read = timed(lambda: raw.execute(RAW_SQL, bounds).fetchall(), args.repeat)
        report("raw read of the period's ticket rows", read, None, plan=plan, **sizes)
        window_start = scene.window_start
        year = (
            (window_start - timedelta(days=scene.history.days)).strftime(_STAMP),
            window_start.strftime(_STAMP),
        )
        counting = [HISTORY_SQL.format(key=key) for key in ("asset_id", "caller_id")]
        counts = timed(lambda: [raw.execute(sql, year).fetchall() for sql in counting], args.repeat)
        report(
            "raw counts of the year before the window",
            counts,
            None,
            plans=[
                raw.execute("EXPLAIN QUERY PLAN " + sql, year).fetchall()[-1][-1]
                for sql in counting
            ],
            history_days=round(scene.history.days, 1),
            assets=len(scene.history.assets),
            callers=len(scene.history.callers),
        )
        raws = [a + b for a, b in zip(read, counts, strict=True)]
        base = statistics.median(raws)
        scenes = timed(lambda: read_scene(engine, now, args.days), args.repeat)
        report(
            "read the scene",
            scenes,
            raws,
            ratio=round(statistics.median(scenes) / base, 1),
            **sizes,
        )
        for name, rule in (
            ("asset", asset_rule),
            ("spike", spike_rule),
            ("similar", similar_rule),
            ("caller", caller_rule),
        ):
            found = len(rule(scene))
            report(f"rule: {name}", timed(partial(rule, scene), args.repeat), None, found=found)
        whole = timed(lambda: find_candidates(engine, now, window_days=args.days), args.repeat)
        by_rule = Counter(c.rule.value for c in find_candidates(engine, now, window_days=args.days))
        report(
            "find candidates",
            whole,
            raws,
            ratio=round(statistics.median(whole) / base, 1),
            candidates=dict(sorted(by_rule.items())),
            **sizes,
        )
    finally:
        raw.close()
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
