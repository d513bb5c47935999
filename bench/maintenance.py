"""Maintenance calendar benchmark: what the calendar page, the overdue list and the iCalendar
export ask of the database with 1,000 recurring tasks and five years of history, each
against the bare driver's reads of the same rows (the floor: ``sqlite3`` or ``psycopg``,
:mod:`bench.database`) in the same run.

    python bench/maintenance.py --db FILE_OR_URL [--tasks 1000] [--years 5] [--repeat 9]
        [--ics-repeat 3]

FILE_OR_URL (a SQLite file, or a PostgreSQL URL of an existing database, empty or not) is
filled here if it does not hold the tasks yet: the demo organisation (a small demo, with its
own sixty tasks, where it has no tickets), then tasks up to ``--tasks`` (daily, weekly,
monthly, quarterly and yearly rules over both sites) whose first occurrence is ``--years``
years before the benchmark's "now" (:data:`bench.run.BENCH_NOW`). Their past occurrences are
stored as done (a few skipped or cancelled, a handful left overdue), so each task's
``open_from`` is near now, as recording them would have left it. They are written through the
program's engine, then their statistics gathered (``ANALYZE``, as the demo's load does), and
stay for the next run. One JSON object per figure: the median and the range of ``--repeat``
warm runs in milliseconds, with the floor's median and the back end (``backend``).

- ``month read``: :func:`app.maintenance.calendar.window` for the month of "now", every site:
  what the calendar page paints (target < 100 ms);
- ``next month read``: the month after, as the page's "next" asks (target < 50 ms);
- ``overdue list``: :func:`app.maintenance.calendar.overdue` (target < 50 ms);
- ``ics export of a site``: the schedule of one site written as an iCalendar file
  (app/maintenance/ics_export.py), when that module is there;
- ``naive month expansion``: for the record, what the calendar replaced: dateutil's
  ``rrule.between`` for the month from each series' first date (no database at all).
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dateutil.relativedelta import relativedelta  # noqa: E402
from dateutil.rrule import rrulestr  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from app.db_lifecycle import open_database  # noqa: E402
from app.demo import DemoSpec, generate  # noqa: E402
from app.maintenance.calendar import overdue, window  # noqa: E402
from app.maintenance.recurrence import Frequency, Recurrence, occurrences, to_rrule  # noqa: E402
from app.roster.local_time import wall_to_utc  # noqa: E402
from bench.database import BenchDatabase, RawConnection, as_moment, as_uuid  # noqa: E402
from bench.figures import report, timed  # noqa: E402
from bench.run import BENCH_NOW  # noqa: E402
from models.clock import use_source  # noqa: E402
from models.engine import write_session  # noqa: E402
from models.enums import OccurrenceState, StaffRole  # noqa: E402
from models.maintenance import MaintenanceOccurrence, MaintenanceTask  # noqa: E402
from models.org import Site, Staff, Team  # noqa: E402

UTC = ZoneInfo("UTC")
OVERDUE_EVERY = 200  # one task in this many has its last occurrence left overdue
CHUNK = 5_000


def build(db: BenchDatabase, tasks: int, years: int) -> None:
    """The demo organisation, then the tasks, their history and their statistics, once."""
    engine = open_database(db.url, create=True)
    try:
        with db.connected(read_only=True) as raw:
            have = _count(raw)
            tickets = raw.one("SELECT count(*) FROM ticket")[0]
        if have >= tasks:
            return
        if tickets == 0:
            generate(engine, DemoSpec(callers=500, tickets=2000, months=2, now=BENCH_NOW))
            with db.connected(read_only=True) as raw:
                have = _count(raw)
        _tasks(engine, tasks - have, years)
    finally:
        engine.dispose()
    db.analyze(("maintenance_task", "maintenance_occurrence"))


def _count(raw: RawConnection) -> int:
    return int(raw.one("SELECT count(*) FROM maintenance_task")[0])


def sizes_of(db: BenchDatabase) -> dict[str, Any]:
    """What every figure says of the database: its tasks, stored occurrences and back end."""
    with db.connected(read_only=True) as raw:
        return {
            "tasks": _count(raw),
            "stored": raw.one("SELECT count(*) FROM maintenance_occurrence")[0],
            "backend": db.backend,
        }


def _rule(rng: random.Random) -> tuple[Recurrence, int]:
    """A rule and its window in minutes: daily, weekly, monthly, quarterly or yearly."""
    kind = rng.random()
    if kind < 0.04:
        return Recurrence(Frequency.DAILY), 15
    if kind < 0.34:
        days = tuple(sorted(rng.sample(range(7), rng.choice((1, 1, 1, 2)))))
        return Recurrence(Frequency.WEEKLY, weekdays=days), 60
    every = 3 if kind < 0.90 and kind >= 0.74 else 1
    if kind < 0.90:
        if rng.random() < 0.5:
            nth = rng.choice((1, 2, 3, 4, -1))
            return Recurrence(
                Frequency.MONTHLY, interval=every, nth=nth, weekday=rng.randrange(7)
            ), 120
        return Recurrence(Frequency.MONTHLY, interval=every, month_day=rng.randint(1, 28)), 120
    return Recurrence(Frequency.YEARLY, month=rng.randint(1, 12), month_day=rng.randint(1, 28)), 60


def _tasks(engine: Any, count: int, years: int) -> None:
    rng = random.Random(1)
    now = BENCH_NOW
    with write_session(engine) as session:
        sites = list(session.execute(select(Site).order_by(Site.code)).scalars())
        teams = [t.id for t in session.execute(select(Team).order_by(Team.name)).scalars()]
        techs = [
            s.id
            for s in session.execute(select(Staff).order_by(Staff.username)).scalars()
            if s.role is StaffRole.TECHNICIAN
        ]
        task_rows, history = [], []
        for n in range(count):
            site = sites[n % len(sites)]
            zone = ZoneInfo(site.timezone)
            recurrence, minutes = _rule(rng)
            first_day = (now - relativedelta(years=years)).date() + timedelta(rng.randrange(30))
            starts = rng.choice(("06:00", "07:00", "22:00", "23:00", "09:00"))
            start_local = datetime.combine(first_day, datetime.strptime(starts, "%H:%M").time())
            first = wall_to_utc(first_day, start_local.time(), zone)
            task_id = uuid.uuid4()
            rule = to_rrule(recurrence)
            person = rng.random() < 0.4 and techs
            length = timedelta(minutes=minutes)
            given = occurrences(rule, start_local, zone, first, now + timedelta(days=60))
            left = n % OVERDUE_EVERY == 0
            past = [due for due in given if due + length <= now]
            settled: set[datetime] = set()
            for index, due in enumerate(past):
                if left and index == len(past) - 1:
                    continue  # nothing recorded: overdue
                chance = rng.random()
                state = (
                    OccurrenceState.DONE
                    if chance < 0.96
                    else OccurrenceState.SKIPPED
                    if chance < 0.995
                    else OccurrenceState.CANCELLED
                )
                done = state is not OccurrenceState.CANCELLED
                done_at = due + timedelta(minutes=rng.randint(5, minutes + 120))
                history.append(
                    {
                        "id": uuid.uuid4(),
                        "task_id": task_id,
                        "due_at": due,
                        "starts_at": due,
                        "ends_at": due + length,
                        "state": state,
                        "done_by_id": rng.choice(techs) if done and techs else None,
                        "done_at": done_at if done else None,
                        "notes": "" if state is OccurrenceState.DONE else "Bench reason",
                        "checklist_done": [True, True, True] if done else [],
                        "minutes_spent": minutes if done else None,
                        "ticket_id": None,
                        "recorded_by_id": None,
                        "recorded_at": min(now, done_at),
                    }
                )
                settled.add(due)
            owed = next((due for due in given if due not in settled), None)
            task_rows.append(
                {
                    "id": task_id,
                    "title": f"Bench task {n:04d}",
                    "system": f"System {n % 40:02d}",
                    "site_id": site.id,
                    "instructions": "",
                    "checklist": ["Prepare", "Do it", "Check it"],
                    "owner_staff_id": rng.choice(techs) if person else None,
                    "owner_team_id": None if person else rng.choice(teams),
                    "first_day": first_day,
                    "start_time": starts,
                    "duration_minutes": minutes,
                    "impact": rng.choice(("", "Mail unavailable", "VPN degraded")),
                    "rrule": rule,
                    "ticket_days_ahead": None,
                    "close_marks_done": True,
                    "follows_id": None,
                    "open_from": min(owed, now) if owed is not None else now,
                    "created_at": first - timedelta(days=7),
                    "updated_at": first - timedelta(days=7),
                }
            )
        session.execute(insert(MaintenanceTask), task_rows)
        for start in range(0, len(history), CHUNK):
            session.execute(insert(MaintenanceOccurrence), history[start : start + CHUNK])


_TASKS_SQL = (
    "SELECT t.*, s.code, s.timezone, st.name, tm.name FROM maintenance_task t "
    "JOIN site s ON s.id = t.site_id LEFT JOIN staff st ON st.id = t.owner_staff_id "
    "LEFT JOIN team tm ON tm.id = t.owner_team_id"
)


_STORED_SQL = (
    "SELECT * FROM maintenance_occurrence WHERE (due_at >= ? AND due_at < ?) "
    "OR (starts_at >= ? AND starts_at < ?)"
)


def _raw_window(raw: RawConnection, since: datetime, until: datetime) -> list[Any]:
    """The floor: the tasks and the stored occurrences in the range, nothing worked out."""
    tasks = raw.rows(_TASKS_SQL)
    a, b = raw.moment(since), raw.moment(until)
    return [tasks, raw.rows(_STORED_SQL, (a, b, a, b))]


def _raw_overdue(raw: RawConnection) -> list[Any]:
    since = raw.one("SELECT min(open_from) FROM maintenance_task")[0]
    return _raw_window(raw, as_moment(since), BENCH_NOW)


def _raw_site_schedule(raw: RawConnection, site: Any) -> list[Any]:
    """``site``: its id as read raw."""
    tasks = raw.rows(_TASKS_SQL + " WHERE t.site_id = ?", (site,))
    exceptions = raw.rows(
        "SELECT o.* FROM maintenance_occurrence o JOIN maintenance_task t ON t.id = o.task_id "
        "WHERE t.site_id = ? AND o.state IN (0, 3)",
        (site,),
    )
    assets = raw.rows(
        "SELECT a.task_id, s.tag FROM maintenance_task_asset a JOIN asset s ON s.id = a.asset_id"
    )
    return [tasks, exceptions, assets]


def _naive(series: list[tuple[str, datetime]], since: datetime, until: datetime) -> int:
    """Each series expanded by dateutil from its first date, as before the anchors."""
    found = 0
    for rule, start in series:
        found += len(rrulestr(rule, dtstart=start).between(since, until, inc=True))
    return found


def _ics_export() -> Callable[[Any, Path, uuid.UUID, str], Any] | None:
    """The site export of app/maintenance/ics_export.py, whichever name it has; None when the
    module is not there."""
    try:
        module = importlib.import_module("app.maintenance.ics_export")
    except ImportError:
        return None
    if hasattr(module, "export_schedule"):
        return lambda engine, path, site_id, _code: module.export_schedule(engine, path, site_id)
    if hasattr(module, "export_ics"):
        return lambda engine, path, _site_id, code: module.export_ics(engine, path, code)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=BenchDatabase.from_arg, required=True)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--ics-repeat", type=int, default=3, help="runs of the (slow) export; default 3"
    )
    args = parser.parse_args()
    db: BenchDatabase = args.db
    build(db, args.tasks, args.years)
    engine = open_database(db.url)
    month = BENCH_NOW.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    later, after = month + relativedelta(months=1), month + relativedelta(months=2)
    sizes = sizes_of(db)
    with use_source(lambda: BENCH_NOW), db.connected(read_only=True) as raw:
        shown = len(window(engine, month, later, BENCH_NOW))
        report(
            "month read",
            timed(lambda: window(engine, month, later, BENCH_NOW), args.repeat),
            timed(lambda: _raw_window(raw, month, later), args.repeat),
            occurrences=shown,
            **sizes,
        )
        report(
            "next month read",
            timed(lambda: window(engine, later, after, BENCH_NOW), args.repeat),
            timed(lambda: _raw_window(raw, later, after), args.repeat),
            occurrences=len(window(engine, later, after, BENCH_NOW)),
            **sizes,
        )
        report(
            "overdue list",
            timed(lambda: overdue(engine, BENCH_NOW), args.repeat),
            timed(lambda: _raw_overdue(raw), args.repeat),
            overdue=len(overdue(engine, BENCH_NOW)),
            **sizes,
        )
        site_id, code = raw.one("SELECT id, code FROM site ORDER BY code LIMIT 1")
        export = _ics_export()
        if export is None:
            skipped = {"name": "ics export of a site", "skipped": "no ics_export.py"}
            print(json.dumps({**skipped, "backend": db.backend}))
        else:
            with tempfile.TemporaryDirectory() as folder:
                target = Path(folder) / "schedule.ics"
                report(
                    "ics export of a site",
                    timed(
                        lambda: export(engine, target, as_uuid(site_id), code),
                        args.ics_repeat,
                    ),
                    timed(lambda: _raw_site_schedule(raw, site_id), args.ics_repeat),
                    site=code,
                    bytes=target.stat().st_size,
                    backend=db.backend,
                )
        series = []
        for rule, first_day, starts in raw.rows(
            "SELECT rrule, first_day, start_time FROM maintenance_task WHERE rrule != ''"
        ):
            series.append((rule, datetime.fromisoformat(f"{first_day} {starts}")))
        local_from, local_to = month.replace(tzinfo=None), later.replace(tzinfo=None)
        report(
            "naive month expansion (dateutil from each first date)",
            timed(lambda: _naive(series, local_from, local_to), args.repeat),
            None,
            occurrences=_naive(series, local_from, local_to),
            **sizes,
        )
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
