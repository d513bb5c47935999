"""Roster and training benchmark: what the roster, the training log and the ticket editor's
suggestion ask of the database on a large team, each against the bare driver's reads of the
same rows (the floor: ``sqlite3`` or ``psycopg``, :mod:`bench.database`) in the same run.

    python bench/roster.py --db FILE_OR_URL [--staff 200] [--weeks 104] [--repeat 9]

FILE_OR_URL (a SQLite file, or a PostgreSQL URL of an existing database, empty or not) is
filled here if it does not hold the team yet: the demo organisation (a small demo, where it
has no tickets), then staff up to ``--staff`` and ``--weeks`` weeks of desk shifts and on-call
nights ending at the benchmark's "now" (:data:`bench.run.BENCH_NOW`), 40 courses and their
completions, written through the program's engine, then their statistics gathered
(``ANALYZE``, as the demo's load does); they stay for the next run. One JSON object per
figure: the median of ``--repeat`` warm runs in milliseconds, with the back end
(``backend``).

- ``roster week``: :func:`app.roster.week.week` for the current week, every site: the rows,
  shifts, conflicts and coverage the page paints (target < 100 ms);
- ``roster next week``: the week after, as a press of PgDn asks (target < 50 ms);
- ``training matrix``: :func:`app.training.matrix.training_matrix`, everyone by every required
  course (target < 150 ms with 200 staff and 40 courses);
- ``assignment suggestion``: :func:`app.tickets.suggest.suggest_assignees` for a category
  that needs a skill (target < 20 ms).
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dateutil.relativedelta import relativedelta  # noqa: E402
from sqlalchemy import Engine, insert, select  # noqa: E402

from app.db_lifecycle import open_database  # noqa: E402
from app.demo import DemoSpec, generate  # noqa: E402
from app.roster.local_time import monday_of, span_to_utc, week_window  # noqa: E402
from app.roster.week import week  # noqa: E402
from app.tickets.suggest import suggest_assignees  # noqa: E402
from app.training.matrix import training_matrix  # noqa: E402
from bench.database import BenchDatabase, RawConnection, as_uuid  # noqa: E402
from bench.figures import report, timed  # noqa: E402
from bench.run import BENCH_NOW  # noqa: E402
from models.clock import use_source  # noqa: E402
from models.engine import write_session  # noqa: E402
from models.enums import CompletionResult, ShiftKind, StaffRole  # noqa: E402
from models.org import Category, Site, Staff, Team, TeamMember  # noqa: E402
from models.roster import CategorySkill, Shift, ShiftType, Skill  # noqa: E402
from models.training import Completion, Course, CourseRequirement  # noqa: E402

COURSES = 40
# What _team writes, whose statistics are gathered after it.
TEAM_TABLES = (
    "staff",
    "team_member",
    "shift",
    "course",
    "course_requirement",
    "completion",
    "category_skill",
)


def build(db: BenchDatabase, staff: int, weeks: int) -> None:
    """The demo organisation, then the team, its roster and its training and their
    statistics, once."""
    engine = open_database(db.url, create=True)
    try:
        with db.connected(read_only=True) as raw:
            have = raw.one("SELECT count(*) FROM staff")[0]
            tickets = raw.one("SELECT count(*) FROM ticket")[0]
        if have >= staff:
            return
        if tickets == 0:
            generate(engine, DemoSpec(callers=500, tickets=2000, months=2, now=BENCH_NOW))
        _team(engine, staff, weeks)
    finally:
        engine.dispose()
    db.analyze(TEAM_TABLES)


def _team(engine: Engine, staff: int, weeks: int) -> None:
    rng = random.Random(1)
    with write_session(engine) as session:
        sites = list(session.exec(select(Site)).scalars())
        teams = [t.id for t in session.exec(select(Team)).scalars()]
        types = {t.kind: t for t in session.exec(select(ShiftType)).scalars()}
        skill = session.exec(select(Skill).where(Skill.name == "Networking")).scalars().first()
        have = session.exec(select(Staff)).scalars().all()
        people = [(p.id, p.home_site_id or sites[0].id) for p in have]
        rows, members = [], []
        for n in range(len(have), staff):
            staff_id, site = uuid.uuid4(), rng.choice(sites)
            team = rng.choice(teams)
            rows.append(
                {
                    "id": staff_id,
                    "name": f"Bench Person {n:03d}",
                    "username": f"bench{n:03d}",
                    "role": rng.choice((StaffRole.OPERATOR, StaffRole.TECHNICIAN)),
                    "team_id": team,
                    "active": True,
                    "home_site_id": site.id,
                    "contracted_minutes": 2400,
                    "failed_sign_ins": 0,
                }
            )
            members.append({"team_id": team, "staff_id": staff_id})
            people.append((staff_id, site.id))
        if rows:  # none when the demo's staff already number --staff or more
            session.execute(insert(Staff), rows)
            session.execute(insert(TeamMember), members)
        zones = {s.id: ZoneInfo(s.timezone) for s in sites}
        first = monday_of(BENCH_NOW.date()) - timedelta(weeks=weeks - 4)
        shifts: list[dict[str, Any]] = []
        early = types[ShiftKind.DESK]
        for index, (staff_id, site_id) in enumerate(people):
            for day in range(weeks * 7):
                when = first + timedelta(days=day)
                if when.weekday() >= 5 or (index + day // 7) % 6 == 0:
                    continue  # weekends, and one week in six away from the desk
                starts, ends = span_to_utc(
                    when,
                    datetime.strptime(early.starts, "%H:%M").time(),
                    datetime.strptime(early.ends, "%H:%M").time(),
                    zones[site_id],
                )
                shifts.append(
                    {
                        "id": uuid.uuid4(),
                        "staff_id": staff_id,
                        "shift_type_id": early.id,
                        "site_id": site_id,
                        "starts_at": starts,
                        "ends_at": ends,
                        "note": "",
                        "created_at": BENCH_NOW,
                    }
                )
        for start in range(0, len(shifts), 5000):
            session.execute(insert(Shift), shifts[start : start + 5000])
        courses = [
            {
                "id": uuid.uuid4(),
                "name": f"Bench course {n:02d}",
                "provider": "Bench",
                "validity_months": rng.choice((12, 24, 36)),
                "retired": False,
            }
            for n in range(COURSES)
        ]
        session.execute(insert(Course), courses)
        session.execute(
            insert(CourseRequirement),
            [
                {"id": uuid.uuid4(), "course_id": c["id"], "role": StaffRole.OPERATOR}
                for c in courses[:20]
            ]
            + [
                {"id": uuid.uuid4(), "course_id": c["id"], "team_id": rng.choice(teams)}
                for c in courses[20:]
            ],
        )
        completions = []
        for staff_id, _site in people:
            for course in courses:
                if rng.random() < 0.7:
                    done = BENCH_NOW.date() - timedelta(days=rng.randrange(1100))
                    completions.append(
                        {
                            "id": uuid.uuid4(),
                            "staff_id": staff_id,
                            "course_id": course["id"],
                            "completed_on": done,
                            "result": CompletionResult.PASSED,
                            "certificate": "",
                            "expires_on": done + relativedelta(months=course["validity_months"]),
                            "recorded_at": BENCH_NOW,
                            "confirmed_by": staff_id,
                        }
                    )
        session.execute(insert(Completion), completions)
        if skill is not None:
            category = session.exec(select(Category)).scalars().first()
            if category is not None and not session.get(CategorySkill, (category.id, skill.id)):
                session.add(CategorySkill(category_id=category.id, skill_id=skill.id, level=1))


_WEEK_SQL = (
    "SELECT s.id, s.staff_id, st.name, s.site_id, s.starts_at, s.ends_at, t.name, t.colour "
    "FROM shift s JOIN staff st ON st.id = s.staff_id JOIN shift_type t ON t.id = "
    "s.shift_type_id WHERE s.starts_at >= ? AND s.starts_at < ? ORDER BY st.name"
)


def _raw_week(raw: RawConnection, monday: date) -> Callable[[], list[Any]]:
    """The floor, to time: the week's shifts with their people and types, nothing worked out
    (its bounds in the back end's form made once, outside the timing)."""
    bounds = [raw.moment(moment) for moment in week_window(monday)]
    return lambda: raw.rows(_WEEK_SQL, bounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=BenchDatabase.from_arg, required=True)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    db: BenchDatabase = args.db
    build(db, args.staff, args.weeks)
    engine = open_database(db.url)
    monday = monday_of(BENCH_NOW.date())
    with use_source(lambda: BENCH_NOW), db.connected(read_only=True) as raw:
        shifts = raw.one("SELECT count(*) FROM shift")[0]
        sizes = {"staff": args.staff, "shifts": shifts, "backend": db.backend}
        report(
            "roster week",
            timed(lambda: week(engine, monday), args.repeat),
            timed(_raw_week(raw, monday), args.repeat),
            **sizes,
        )
        later = monday + timedelta(weeks=1)
        report(
            "roster next week",
            timed(lambda: week(engine, later), args.repeat),
            timed(_raw_week(raw, later), args.repeat),
            **sizes,
        )
        report(
            "training matrix",
            timed(lambda: training_matrix(engine, today=BENCH_NOW.date()), args.repeat),
            timed(
                lambda: raw.rows(
                    "SELECT staff_id, course_id, max(expires_on) FROM completion "
                    "WHERE result = 1 AND confirmed_by IS NOT NULL GROUP BY staff_id, course_id"
                ),
                args.repeat,
            ),
            staff=args.staff,
            courses=COURSES,
            backend=db.backend,
        )
        category, site = raw.one(
            "SELECT c.id, (SELECT id FROM site ORDER BY code LIMIT 1) FROM category_skill cs "
            "JOIN category c ON c.id = cs.category_id LIMIT 1"
        )
        # The same bound as the service: a shift running now started within the last day.
        running = (
            raw.moment(BENCH_NOW - timedelta(hours=25)),
            raw.moment(BENCH_NOW),
            raw.moment(BENCH_NOW),
        )
        report(
            "assignment suggestion",
            timed(
                lambda: suggest_assignees(engine, as_uuid(category), as_uuid(site), BENCH_NOW),
                args.repeat,
            ),
            timed(
                lambda: raw.rows(
                    "SELECT staff_id FROM shift WHERE starts_at > ? AND starts_at <= ? "
                    "AND ends_at > ?",
                    running,
                ),
                args.repeat,
            ),
            **sizes,
        )
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
