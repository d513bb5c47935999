"""Repeat-incident detection benchmark: a run of candidates over the default window on a
demo database, against the bare driver's read of the same rows (``sqlite3`` or ``psycopg``,
:mod:`bench.database`) measured in the same run.

    python bench/detection.py --db FILE_OR_URL [--as-of DATE] [--days 90] [--repeat 3]

FILE_OR_URL is an existing database, a SQLite file or a PostgreSQL URL, made by ``switchboard
demo-data`` (the issue's target is the
1,000,000-ticket one: ``--callers 20000 --tickets 1000000 --months 12 --seed 1 --as-of
2026-12-01``). "Now" is 16:00 UTC on ``--as-of`` (what ``demo-data --as-of`` calls the end of
its data), by default the newest ticket's time, so the window is the data's last days
whatever the day the benchmark runs. One JSON object per figure (:mod:`bench.figures`):
the median of ``--repeat`` warm runs in milliseconds and their range, with the back end
(``backend``).

- ``raw read of the period's ticket rows``: the columns detection reads, of the tickets
  from eight weeks before the window to now, in creation order, through the bare driver with
  no conversion of its own: the floor for reading them once. Its query plan is printed with
  it (SQLite's ``EXPLAIN QUERY PLAN``, PostgreSQL's ``EXPLAIN``, one line: the
  ``(created_at, number)`` index);
- ``raw counts of the year before the window``: the tickets per asset and per caller of the
  year before the window (the asset and caller rules' usual rates), through the bare driver,
  with their query plans (the ``(asset_id, created_at)`` and ``(caller_id, created_at)``
  indexes, no table row read on SQLite);
- ``read the scene``: :func:`app.problems.detection_scene.read_scene`, the same rows and
  counts as the rules use them, with its ratio to the two raw figures together;
- ``rule: ...``: each rule alone on the rows read once;
- ``find candidates``: :func:`app.problems.detection.find_candidates`, the whole run (the
  target: under 30 s), with its ratio to the two raw figures and the candidates by rule.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.demo.spec import parse_as_of  # noqa: E402
from app.problems.detection import DEFAULT_WINDOW_DAYS, find_candidates  # noqa: E402
from app.problems.detection_counts import asset_rule, caller_rule, spike_rule  # noqa: E402
from app.problems.detection_scene import BASELINE_WEEKS, read_scene  # noqa: E402
from app.problems.detection_text import similar_rule  # noqa: E402
from bench.database import BenchDatabase, RawConnection, as_moment  # noqa: E402
from bench.figures import report, timed  # noqa: E402

RAW_SQL = (
    "SELECT id, number, site_id, caller_id, caller_name, asset_id, category_id, summary, "
    "created_at, problem_id IS NOT NULL FROM ticket WHERE created_at >= ? AND created_at <= ? "
    "ORDER BY created_at, number"
)
HISTORY_SQL = (
    "SELECT {key}, count(*) FROM ticket WHERE {key} IS NOT NULL AND created_at >= ? "
    "AND created_at < ? GROUP BY {key}"
)


def _now(raw: RawConnection, as_of: str | None) -> datetime:
    if as_of is not None:
        return parse_as_of(as_of)
    newest = raw.one("SELECT max(created_at) FROM ticket")[0]
    if newest is None:
        raise SystemExit("The database has no tickets; fill it with switchboard demo-data.")
    return as_moment(newest)


def _plan(raw: RawConnection, sql: str, parameters: Sequence[Any]) -> str:
    """The back end's plan of ``sql`` on one line: its steps joined by " / "."""
    if raw.sqlite:
        return " / ".join(row[-1] for row in raw.rows("EXPLAIN QUERY PLAN " + sql, parameters))
    return " / ".join(row[0].strip() for row in raw.rows("EXPLAIN " + sql, parameters))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", type=BenchDatabase.from_arg, required=True, help="an existing demo database"
    )
    parser.add_argument("--as-of", metavar="DATE", help="now: 16:00 UTC that day")
    parser.add_argument("--days", type=int, default=DEFAULT_WINDOW_DAYS, help="the window")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; default 3")
    args = parser.parse_args()
    db: BenchDatabase = args.db
    if not db.exists():
        raise SystemExit(f"{db.path} is not a file; make it with switchboard demo-data first.")
    raw = db.raw(read_only=True)
    engine = db.engine()
    try:
        now = _now(raw, args.as_of)
        start = now - timedelta(days=args.days) - timedelta(weeks=BASELINE_WEEKS)
        bounds = (raw.moment(start), raw.moment(now))
        plan = _plan(raw, RAW_SQL, bounds)
        scene = read_scene(engine, now, args.days)
        sizes: dict[str, Any] = {
            "now": now.isoformat(),
            "window_days": args.days,
            "rows_read": len(scene.incidents),
            "rows_in_window": len(scene.incidents) - scene.first_in_window,
            "total_tickets": raw.one("SELECT count(*) FROM ticket")[0],
            "repeat": args.repeat,
            "backend": db.backend,
        }
        read = timed(lambda: raw.rows(RAW_SQL, bounds), args.repeat)
        report("raw read of the period's ticket rows", read, None, plan=plan, **sizes)
        window_start = scene.window_start
        year = (
            raw.moment(window_start - timedelta(days=scene.history.days)),
            raw.moment(window_start),
        )
        counting = [HISTORY_SQL.format(key=key) for key in ("asset_id", "caller_id")]
        counts = timed(lambda: [raw.rows(sql, year) for sql in counting], args.repeat)
        report(
            "raw counts of the year before the window",
            counts,
            None,
            plans=[_plan(raw, sql, year) for sql in counting],
            history_days=round(scene.history.days, 1),
            assets=len(scene.history.assets),
            callers=len(scene.history.callers),
            backend=db.backend,
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
            report(
                f"rule: {name}",
                timed(partial(rule, scene), args.repeat),
                None,
                found=found,
                backend=db.backend,
            )
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
