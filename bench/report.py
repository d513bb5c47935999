"""Monthly report benchmark: the figures the Reports page shows, the whole PDF and its peak
memory, against the bare driver's reads of the month's tickets (``sqlite3`` or ``psycopg``,
:mod:`bench.database`) measured in the same run.

    python bench/report.py --db FILE_OR_URL --month YYYY-MM [--site CODE] [--repeat 3]

FILE_OR_URL is an existing Switchboard database, a SQLite file or a PostgreSQL URL, made by
``switchboard demo-data`` (it is opened as the command line opens it; the report keeps the
figures of a finished month in its ``report_store`` table, which the benchmark empties before
each "counted" run, so it writes to the database). "Now" for
the report is 16:00 UTC on the day after the month (what ``demo-data --as-of`` calls the end
of its data: the month's report as printed the next day), so the figures do not depend on
the day the benchmark runs; the actor is the database's first manager by user name. Prints
one JSON object per figure: the median of ``--repeat`` warm runs in milliseconds and their
range (:mod:`bench.figures`), with the back end (``backend``).

- ``raw count of the month``: ``SELECT count(*) FROM ticket WHERE created_at >= ? AND
  created_at < ?`` over the month's UTC days (the floor for counting, an index range), the
  bounds as each back end stores a moment (naive-UTC text, ``timestamptz``);
- ``raw read of the month's ticket rows``: the columns the report reads (:data:`COLUMNS`)
  of the same tickets, fetched: the floor for reading the month once;
- ``report figures, counted``: :func:`app.reports.report.monthly_report`, what the screen
  needs, for a month read for the first time (or after a change to its tickets): nothing
  kept, everything counted; with both baselines and its ratios to them;
- ``report figures, kept``: the same for a month already read, its key figures and trend
  months read back from ``report_store`` (:mod:`app.reports.stored`);
- ``report figures, new month``: the same on the first day of a month, as a scheduled
  ``switchboard report`` meets it: the month itself counted, the month before (reported in
  its time, or kept by a manager's window) and the trend's earlier months kept;
- ``report pdf, counted``, ``kept`` and ``new month``: the figures and
  :func:`app.reports.pdf.report_pdf` (charts drawn, the PDF built in memory), as
  ``switchboard report --out`` makes it, less the file write;
- ``report pdf peak memory``: counted, the peak of Python's allocations (``tracemalloc``,
  numpy's arrays included; not matplotlib's Agg pixel buffers, PIL's images or the database
  driver's buffers) above what was allocated before, during the figures and the PDF, each run;
- ``report pdf rss growth``: for context, once, before anything else is measured: the
  process's resident-set high-water mark (``getrusage``) after the first export minus its
  resident set just before it (``psutil``), modules already imported: what the whole export
  costs the machine, C buffers and the driver's (SQLite's page cache, libpq's results)
  included.

Each figure carries the month's ticket count (the UTC month of the raw queries and the
report's own, in each site's local days) and the database's total.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from sqlalchemy import delete  # noqa: E402
from sqlmodel import col, select  # noqa: E402

import app.reports.charts  # noqa: E402, F401  (imported before memory is read)
from app.demo.spec import parse_as_of  # noqa: E402
from app.reports.pdf import report_pdf  # noqa: E402
from app.reports.period import Period, parse_month  # noqa: E402
from app.reports.report import Report, monthly_report  # noqa: E402
from bench.database import BenchDatabase  # noqa: E402
from bench.figures import report, timed  # noqa: E402
from models.clock import use_source  # noqa: E402
from models.engine import read_session, write_session  # noqa: E402
from models.enums import StaffRole  # noqa: E402
from models.org import Staff  # noqa: E402
from models.report_store import ReportStore  # noqa: E402

# The ticket columns the report's queries read (app/reports/*.py).
COLUMNS = (
    "id",
    "site_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "response_due_at",
    "resolution_due_at",
    "response_breached",
    "resolution_breached",
    "priority",
    "channel",
    "category_id",
    "caller_id",
    "asset_id",
    "team_id",
    "assignee_id",
    "first_contact_resolution",
    "escalated",
)


def _manager(engine: Any) -> Any:
    """The first manager by user name (an admin where there is none)."""
    with read_session(engine) as session:
        for role in (StaffRole.MANAGER, StaffRole.ADMIN):
            found = session.exec(
                select(Staff.id).where(Staff.role == role).order_by(col(Staff.username))
            ).first()
            if found is not None:
                return found
    raise SystemExit("The database has no manager or admin to run the report as.")


def _utc_month(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.first, datetime.min.time(), tzinfo=UTC)
    return start, datetime.combine(period.last + timedelta(days=1), datetime.min.time(), UTC)


def _rss_growth(export: Callable[[], Any]) -> float:
    """MB: the resident-set high-water mark after ``export`` minus the resident set before."""
    gc.collect()
    before = psutil.Process().memory_info().rss
    export()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    return (peak - before) / 2**20


def _traced_peaks(export: Callable[[], Any], repeat: int) -> list[float]:
    """MB: tracemalloc's peak above the memory allocated before ``export``, ``repeat`` runs."""
    peaks = []
    tracemalloc.start()
    try:
        for _ in range(repeat):
            gc.collect()
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            export()
            peaks.append((tracemalloc.get_traced_memory()[1] - before) / 2**20)
    finally:
        tracemalloc.stop()
    return peaks


def _memory(name: str, megabytes: list[float], **extra: Any) -> None:
    figure: dict[str, Any] = {
        "name": name,
        "unit": "MB",
        "value": round(statistics.median(megabytes), 1),
        "range": [round(min(megabytes), 1), round(max(megabytes), 1)],
    }
    figure.update(extra)
    print(json.dumps(figure), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", type=BenchDatabase.from_arg, required=True, help="an existing demo database"
    )
    parser.add_argument("--month", required=True, metavar="YYYY-MM")
    parser.add_argument("--site", metavar="CODE", help="one site only (default: every site)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; default 3")
    args = parser.parse_args()
    db: BenchDatabase = args.db
    if not db.exists():
        raise SystemExit(f"{db.path} is not a file; make it with switchboard demo-data first.")
    period = parse_month(args.month)
    now = parse_as_of((period.last + timedelta(days=1)).isoformat())
    engine = db.engine()
    actor = _manager(engine)
    raw = db.raw(read_only=True)
    month = [raw.moment(bound) for bound in _utc_month(period)]
    count_sql = "SELECT count(*) FROM ticket WHERE created_at >= ? AND created_at < ?"
    rows_sql = f"SELECT {', '.join(COLUMNS)} FROM ticket WHERE created_at >= ? AND created_at < ?"

    def figures() -> Report:
        return monthly_report(engine, actor, period, args.site, now=now)

    def pdf() -> bytes:
        return report_pdf(figures(), "a4", made_by="bench")

    def forget() -> None:
        with write_session(engine) as session:
            session.execute(delete(ReportStore))

    def new_month() -> None:
        """Only the month itself is counted: its own parts forgotten, the month before kept
        from its own report, and the trend's earlier months."""
        with write_session(engine) as session:
            session.execute(delete(ReportStore).where(col(ReportStore.first_day) == period.first))

    def counted(action: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            forget()
            return action()

        return run

    try:
        with use_source(lambda: now):
            sizes: dict[str, Any] = {
                "month": period.code,
                "site": args.site or "all",
                "month_tickets_utc": raw.one(count_sql, month)[0],
                "total_tickets": raw.one("SELECT count(*) FROM ticket")[0],
                "repeat": args.repeat,
                "backend": db.backend,
            }
            rss = _rss_growth(counted(pdf))  # the first export of the process
            shown = figures()
            sizes["month_tickets_report"] = shown.now.volume  # each site's local days
            data = pdf()
            count = timed(lambda: raw.one(count_sql, month), args.repeat)
            read = timed(lambda: raw.rows(rows_sql, month), args.repeat)
            rows = len(raw.rows(rows_sql, month))
            report("raw count of the month", count, None, **sizes)
            report("raw read of the month's ticket rows", read, None, rows=rows, **sizes)
            base_count, base_read = statistics.median(count), statistics.median(read)
            for name, action, before, extra in (
                ("report figures, counted", figures, forget, {}),
                ("report pdf, counted", pdf, forget, {"pdf_bytes": len(data)}),
                ("report figures, kept", figures, None, {}),
                ("report pdf, kept", pdf, None, {"pdf_bytes": len(data)}),
                ("report figures, new month", figures, new_month, {}),
                ("report pdf, new month", pdf, new_month, {"pdf_bytes": len(data)}),
            ):
                if before is new_month:  # the month before was reported in its time
                    monthly_report(engine, actor, period.previous(), args.site, now=now)
                ours = timed(action, args.repeat, before)
                mine = statistics.median(ours)
                report(
                    name,
                    ours,
                    read,
                    baseline="raw read of the month's ticket rows",
                    ratio=round(mine / base_read, 1) if base_read else None,
                    raw_count_ms=round(base_count, 2),
                    ratio_to_count=round(mine / base_count, 1) if base_count else None,
                    **extra,
                    **sizes,
                )
            _memory(
                "report pdf peak memory",
                _traced_peaks(counted(pdf), args.repeat),
                method="tracemalloc peak above the start (Python allocations, numpy included)",
                **sizes,
            )
            _memory(
                "report pdf rss growth",
                [rss],
                method="psutil RSS before, getrusage high-water mark after; first export, once",
                **sizes,
            )
    finally:
        raw.close()
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
