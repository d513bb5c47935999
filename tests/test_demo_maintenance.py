"""The demo's maintenance calendar (app/demo/maintenance.py) on every configured back end:
about sixty recurring tasks with a year of history, read back through the calendar's own
services (the overdue list, the window, the on-time figures) so what a manager sees is what
these tests check."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col
from sqlmodel import select as sm_select

from app.demo import DemoSpec, generate
from app.maintenance.calendar import Status, overdue, window
from app.maintenance.figures import figures
from app.maintenance.recurrence import occurrences
from app.maintenance.tasks import first_start
from app.roster.shifts import in_team
from models.engine import make_engine, read_session
from models.enums import AssetKind, OccurrenceState
from models.maintenance import MaintenanceOccurrence, MaintenanceTask, MaintenanceTaskAsset
from models.migrate import upgrade
from models.org import Site, Staff
from models.people import Asset
from models.schema import metadata
from tests.conftest import BACK_ENDS, migrated_database

NOW = datetime(2026, 3, 18, 14, 30, tzinfo=UTC)  # a Wednesday afternoon
SPEC = DemoSpec(callers=60, tickets=300, months=2, seed=7, now=NOW)
YEAR_AGO = NOW - timedelta(days=365)


@pytest.fixture(scope="module", params=BACK_ENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    with migrated_database(request.param, tmp_path_factory.mktemp("demo")) as engine:
        generate(engine, SPEC)
        yield engine


def _tasks(engine: Engine) -> list[MaintenanceTask]:
    with read_session(engine) as s:
        return list(s.exec(sm_select(MaintenanceTask)).all())


def _stored(engine: Engine) -> list[MaintenanceOccurrence]:
    with read_session(engine) as s:
        return list(s.exec(sm_select(MaintenanceOccurrence)).all())


def test_about_sixty_tasks_over_the_sites(demo: Engine) -> None:
    tasks = _tasks(demo)
    assert 55 <= len(tasks) <= 65
    with read_session(demo) as s:
        sites = {site.id: site for site in s.exec(sm_select(Site)).all()}
        covered = s.exec(
            sm_select(MaintenanceTaskAsset.task_id, Asset.kind).join(
                Asset, col(Asset.id) == col(MaintenanceTaskAsset.asset_id)
            )
        ).all()
    assert {sites[t.site_id].code for t in tasks} == {"HQ", "NY"}
    for task in tasks:
        assert task.rrule and task.title and task.system
        assert 2 <= len(task.checklist) <= 5
        assert task.owner_staff_id is not None or task.owner_team_id is not None
    rules = " ".join(t.rrule for t in tasks)
    for pattern in ("FREQ=DAILY", "BYDAY=WE;BYSETPOS=2", "BYDAY=FR;BYSETPOS=-1", "INTERVAL=3"):
        assert pattern in rules
    assert sum("FREQ=YEARLY" in t.rrule for t in tasks) >= 6  # certificate renewals
    assert sum(t.owner_staff_id is not None for t in tasks) >= 15
    assert any(t.impact == "Mail unavailable" for t in tasks)
    # Mostly out of hours: evenings, early mornings, or Saturdays and Sundays.
    out_of_hours = [
        t
        for t in tasks
        if not "08:00" <= t.start_time < "18:00" or "BYDAY=SA" in t.rrule or "BYDAY=SU" in t.rrule
    ]
    assert len(out_of_hours) > len(tasks) * 0.7
    kinds = {AssetKind(kind) for _task, kind in covered}
    assert {AssetKind.SERVER, AssetKind.ROUTER, AssetKind.SWITCH} <= kinds
    assert len({task_id for task_id, _kind in covered}) >= 25


def test_a_year_of_history_mostly_done(demo: Engine) -> None:
    year = figures(demo, YEAR_AGO, NOW, NOW)
    assert year.due > 1500
    assert year.due == year.done_on_time + year.done_late + year.skipped + year.overdue
    assert 0.7 < year.done_on_time / year.due < 0.95
    assert 0.05 < year.done_late / year.due < 0.2
    assert 0.03 < year.skipped / year.due < 0.08
    assert 3 <= year.overdue <= 6
    # The months long ago are history: all of them settled.
    old = figures(demo, YEAR_AGO, NOW - timedelta(days=60), NOW)
    assert old.due > 1000 and old.overdue == 0
    stored = _stored(demo)
    states = Counter(row.state for row in stored)
    assert 1 <= states[OccurrenceState.CANCELLED] <= 2
    assert states[OccurrenceState.SCHEDULED] == 1  # the one moved
    done = [row for row in stored if row.state is OccurrenceState.DONE]
    assert all(row.done_at and row.done_at <= NOW and row.minutes_spent for row in done)
    assert all(row.recorded_at <= NOW for row in stored)
    assert sum(all(row.checklist_done) for row in done) > 0.9 * len(done)
    skipped = [row for row in stored if row.state is OccurrenceState.SKIPPED]
    assert all(row.notes for row in skipped)


def test_done_by_the_owner_or_the_owners_team(demo: Engine) -> None:
    tasks = {t.id: t for t in _tasks(demo)}
    by_owner = 0
    done = [r for r in _stored(demo) if r.state is OccurrenceState.DONE]
    with read_session(demo) as s:
        members = {
            team: set(s.exec(sm_select(Staff.id).where(in_team(team))).all())
            for team in {t.owner_team_id for t in tasks.values() if t.owner_team_id}
        }
        teams: dict[Any, Any] = dict(s.exec(sm_select(Staff.id, Staff.team_id)).all())
    for row in done:
        task = tasks[row.task_id]
        assert len(row.checklist_done) == len(task.checklist)
        if row.done_by_id == task.owner_staff_id:
            by_owner += 1
        elif task.owner_team_id is not None:
            assert row.done_by_id in members[task.owner_team_id]
        else:  # a colleague of the owner while they were away
            assert teams[row.done_by_id] == teams[task.owner_staff_id]
    person_owned = [r for r in done if tasks[r.task_id].owner_staff_id is not None]
    assert by_owner > 0.8 * len(person_owned)


def test_a_few_overdue_in_the_last_weeks(demo: Engine) -> None:
    late = overdue(demo, NOW)
    assert 3 <= len(late) <= 6
    assert all(NOW - timedelta(weeks=4) <= o.due_at and o.status is Status.OVERDUE for o in late)


def test_open_from_is_the_first_occurrence_still_owed(demo: Engine) -> None:
    settled: dict[uuid.UUID, set[datetime]] = {}
    for row in _stored(demo):
        if row.state.settled:
            settled.setdefault(row.task_id, set()).add(row.due_at)
    with read_session(demo) as s:
        zones = {site.id: ZoneInfo(site.timezone) for site in s.exec(sm_select(Site)).all()}
    for task in _tasks(demo):
        done = settled.get(task.id, set())
        given = occurrences(task.rrule, first_start(task), zones[task.site_id], YEAR_AGO, NOW)
        owed = [due for due in given if due not in done]
        assert task.open_from == min(owed, default=NOW), task.title
        assert all(due in done for due in given if due < task.open_from)


def test_a_window_reads_each_series_from_its_open_from_as_if_from_its_first_date(
    demo: Engine,
) -> None:
    """The calendar expands a series only from its ``open_from`` (before it everything is
    stored); worked out here from each first date, the year shows the same occurrences."""
    since, until = YEAR_AGO, NOW + timedelta(weeks=2)
    stored = {(row.task_id, row.due_at): row for row in _stored(demo)}
    with read_session(demo) as s:
        zones = {site.id: ZoneInfo(site.timezone) for site in s.exec(sm_select(Site)).all()}
    expected = set()
    for task in _tasks(demo):
        start, zone = first_start(task), zones[task.site_id]
        for due in occurrences(task.rrule, start, zone, since - timedelta(days=2), until):
            row = stored.get((task.id, due))
            starts = row.starts_at if row is not None else due
            ends = (
                row.ends_at if row is not None else due + timedelta(minutes=task.duration_minutes)
            )
            if ends > since and starts < until:
                expected.add((task.id, due, starts, ends))
    shown = window(demo, since, until, NOW)
    assert len(shown) > 2000
    assert {(o.task_id, o.due_at, o.starts_at, o.ends_at) for o in shown} == expected


def test_the_coming_weeks_show_a_move_and_an_owner_away(demo: Engine) -> None:
    coming = window(demo, NOW, NOW + timedelta(weeks=4), NOW)
    assert len(coming) > 100
    assert sum(o.moved for o in coming) == 1
    assert any(o.owner_away for o in coming)


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    with engine.connect() as connection:
        for name in ("maintenance_task", "maintenance_task_asset", "maintenance_occurrence"):
            table = metadata.tables[name]
            query = select(table).order_by(*table.primary_key.columns)
            found[name] = [tuple(row) for row in connection.execute(query).all()]
    return found


def test_same_seed_gives_the_same_rows(demo: Engine, tmp_path: Path) -> None:
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    generate(other, SPEC)
    try:
        assert _rows(other) == _rows(demo)
    finally:
        other.dispose()
