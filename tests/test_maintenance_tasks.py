"""Maintenance tasks and their occurrences (app/maintenance/tasks.py, record.py, calendar.py,
figures.py): adding and refusing tasks, the calendar's window with stored occurrences in
their place, done / skipped / moved / cancelled, "from this date on" keeping history, the
overdue list, the owner on leave, who may record what, and the on-time figures."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from app.errors import PermissionDenied, ValidationError
from app.maintenance.calendar import CalendarFilter, Occurrence, Status, overdue, window
from app.maintenance.figures import figures
from app.maintenance.record import Done, cancel, mark_done, mark_skipped, move, reopen
from app.maintenance.recurrence import Frequency, Recurrence
from app.maintenance.tasks import TaskDraft, change_task, create_task, end_task, load_task
from app.permissions import Action, refusal
from app.roster.shifts import ShiftDraft, save_shift
from models.audit import AuditEvent, AuditKind
from models.engine import read_session
from models.maintenance import MaintenanceOccurrence, MaintenanceTask
from tests.conftest import NOW, Org, RunningClock
from tests.test_roster_shifts import type_id

WEEKLY_TUESDAY = Recurrence(Frequency.WEEKLY, weekdays=(1,))
HOUR = timedelta(hours=1)


def draft(org: Org, **changes: object) -> TaskDraft:
    """Mail server patching at HQ, Tuesdays 22:00-23:00 London, owned by Bob, from 3 Nov."""
    values: dict[str, object] = {
        "title": "Mail server patching",
        "site_id": org.hq,
        "first_day": date(2026, 11, 3),
        "start_time": "22:00",
        "duration_minutes": 60,
        "recurrence": WEEKLY_TUESDAY,
        "system": "Mail",
        "checklist": ("Snapshot", "Patch", "Test mail flow"),
        "owner_staff_id": org.bob,
        "impact": "mail unavailable",
    }
    values.update(changes)
    return TaskDraft(**values)  # type: ignore[arg-type]


def add(engine: Engine, org: Org, **changes: object) -> uuid.UUID:
    return create_task(engine, org.mia, draft(org, **changes))


def at(day: int, hour: int = 22, month: int = 11) -> datetime:
    """22:00 London in November is 22:00 UTC."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def month(engine: Engine, which: CalendarFilter | None = None) -> list[Occurrence]:
    """November 2026's occurrences."""
    return window(engine, at(1, 0), at(1, 0, month=12), NOW, which or CalendarFilter())


# -- tasks ----------------------------------------------------------------------------------------


def test_a_weekly_task_comes_round_every_tuesday_with_its_status(engine: Engine, org: Org) -> None:
    add(engine, org)
    found = month(engine)
    assert [o.starts_at for o in found] == [at(3), at(10), at(17), at(24)]
    # "now" is Tue 24 Nov 10:00: the three before it are overdue, the 24th still to come.
    assert [o.status for o in found] == [Status.OVERDUE] * 3 + [Status.SCHEDULED]
    assert {o.owner for o in found} == {"Bob Tech"}
    assert found[0].ends_at - found[0].starts_at == HOUR


def test_refused_tasks_say_what_is_wrong_at_each_field_and_save_nothing(
    engine: Engine, org: Org
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(
            engine,
            org,
            title=" ",
            start_time="25:00",
            owner_staff_id=None,
            site_id=uuid.uuid4(),
        )
    assert set(refused.value.problems) == {"title", "start_time", "owner", "site"}
    with pytest.raises(ValidationError) as refused:
        add(engine, org, duration_minutes=8 * 24 * 60, recurrence=Recurrence(Frequency.DAILY))
    assert "duration" in refused.value.problems
    with pytest.raises(ValidationError) as refused:
        add(engine, org, duration_minutes=2 * 24 * 60, recurrence=Recurrence(Frequency.DAILY))
    assert "longer than the time between" in refused.value.problems["duration"]
    with pytest.raises(ValidationError) as refused:
        add(
            engine,
            org,
            recurrence=Recurrence(Frequency.WEEKLY, weekdays=(1,), until=date(2026, 11, 1)),
        )
    assert "before it starts" in refused.value.problems["until"]
    never = Recurrence(Frequency.YEARLY, month=2, month_day=30)
    with pytest.raises(ValidationError) as refused:
        add(engine, org, recurrence=never)
    assert "never comes round" in refused.value.problems["recurrence"]
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(MaintenanceTask)).one() == 0


def test_only_managers_plan_maintenance(engine: Engine, org: Org) -> None:
    with pytest.raises(PermissionDenied) as refused:
        create_task(engine, org.bob, draft(org))
    assert str(refused.value) == refusal(Action.MANAGE_MAINTENANCE)
    task = add(engine, org)
    with pytest.raises(PermissionDenied):
        end_task(engine, org.bob, task, date(2026, 12, 1))


def test_adding_a_task_is_audited_in_words(engine: Engine, org: Org) -> None:
    task = add(engine, org)
    with read_session(engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.subject_id == task)).all()
    assert [r.kind for r in rows] == [AuditKind.MAINTENANCE_CHANGED.value]
    assert rows[0].detail == (
        "Added maintenance task Mail server patching at HQ: every week on Tuesday, 22:00 for 60 min"
    )


def test_a_task_reads_back_as_the_draft_it_was_made_from(engine: Engine, org: Org) -> None:
    typed = draft(org, asset_ids=(org.laptop,), ticket_days_ahead=3)
    task = create_task(engine, org.mia, typed)
    assert load_task(engine, task).draft == typed


# -- recording occurrences ------------------------------------------------------------------------


def test_done_skipped_cancelled_and_moved_take_their_occurrence_s_place(
    engine: Engine, org: Org
) -> None:
    task = add(engine, org)
    mark_done(engine, org.bob, task, at(3), Done(at(3, 23), "All patched", (True, True, True), 50))
    mark_done(engine, org.bob, task, at(10), Done(at(11, 9)))
    mark_skipped(engine, org.bob, task, at(17), "Change freeze")
    cancel(engine, org.mia, task, at(24), "Vendor holiday")
    reopen(engine, org.mia, task, at(24))
    move(engine, org.mia, task, at(24), datetime(2026, 12, 2, 21, 0))
    found = month(engine)
    assert [(o.starts_at, o.status) for o in found] == [
        (at(3), Status.DONE),
        (at(10), Status.DONE_LATE),  # done the next morning, after its window
        (at(17), Status.SKIPPED),
    ]
    december = window(engine, at(1, 0, 12), at(8, 0, 12), NOW)
    moved = [o for o in december if o.due_at == at(24)]
    assert [(o.starts_at, o.ends_at, o.moved, o.status) for o in moved] == [
        (at(2, 21, 12), at(2, 22, 12), True, Status.SCHEDULED)
    ]
    assert at(1, 22, 12) in [o.starts_at for o in december]


def test_a_cancelled_occurrence_cannot_be_moved_until_it_is_reopened(
    engine: Engine, org: Org
) -> None:
    task = add(engine, org)
    cancel(engine, org.mia, task, at(24), "Vendor holiday")
    with pytest.raises(ValidationError) as refused:
        move(engine, org.mia, task, at(24), datetime(2026, 12, 2, 21, 0))
    assert "reopen it" in refused.value.problems["starts"]


def test_recording_a_time_the_series_never_gives_is_refused(engine: Engine, org: Org) -> None:
    task = add(engine, org)
    with pytest.raises(ValidationError) as refused:
        mark_done(engine, org.bob, task, at(4), Done())
    assert "no occurrence then" in refused.value.problems["due_at"]


def test_done_needs_a_time_not_in_the_future_and_skipping_needs_a_reason(
    engine: Engine, org: Org
) -> None:
    task = add(engine, org)
    with pytest.raises(ValidationError) as refused:
        mark_done(engine, org.bob, task, at(3), Done(done_at=NOW + timedelta(days=1)))
    assert "later than now" in refused.value.problems["done_at"]
    with pytest.raises(ValidationError) as refused:
        mark_skipped(engine, org.bob, task, at(3), "  ")
    assert "Say why" in refused.value.problems["notes"]
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(MaintenanceOccurrence)).one() == 0


def test_the_owner_their_team_and_managers_record_and_others_may_not(
    engine: Engine, org: Org
) -> None:
    mine = add(engine, org)  # Bob's
    teams = add(engine, org, owner_staff_id=None, owner_team_id=org.desk)  # Ann is on the desk
    with pytest.raises(PermissionDenied) as refused:
        mark_done(engine, org.ann, mine, at(3), Done())
    assert "Only the owner" in str(refused.value)
    mark_done(engine, org.ann, teams, at(3), Done())
    mark_done(engine, org.mia, mine, at(3), Done())
    with pytest.raises(PermissionDenied):
        cancel(engine, org.bob, mine, at(10), "no")
    with pytest.raises(ValidationError) as twice:
        mark_done(engine, org.bob, mine, at(3), Done())
    assert "done already" in twice.value.problems["state"]


def test_recording_is_audited_in_words(engine: Engine, org: Org) -> None:
    task = add(engine, org)
    mark_skipped(engine, org.bob, task, at(3), "Change freeze")
    with read_session(engine) as session:
        details = session.exec(
            select(AuditEvent.detail).where(AuditEvent.kind == AuditKind.MAINTENANCE_RECORDED.value)
        ).all()
    assert details == ["Skipped: Mail server patching at HQ, due Tue 03 Nov 2026 22:00"]


# -- overdue --------------------------------------------------------------------------------------


def test_overdue_lists_what_is_owed_and_forgets_what_is_settled(
    engine: Engine, org: Org, clock: RunningClock
) -> None:
    task = add(engine, org)
    assert [o.due_at for o in overdue(engine, NOW)] == [at(3), at(10), at(17)]
    mark_done(engine, org.bob, task, at(3), Done())
    mark_skipped(engine, org.bob, task, at(10), "Freeze")
    assert [o.due_at for o in overdue(engine, NOW)] == [at(17)]
    with read_session(engine) as session:
        assert session.get(MaintenanceTask, task).open_from == at(17)  # type: ignore[union-attr]
    mark_done(engine, org.bob, task, at(17), Done())
    assert overdue(engine, NOW) == []
    reopen(engine, org.bob, task, at(3))
    assert [o.due_at for o in overdue(engine, NOW)] == [at(3)]


def test_an_occurrence_moved_later_is_not_overdue_until_its_new_window_ends(
    engine: Engine, org: Org
) -> None:
    task = add(engine, org)
    move(engine, org.mia, task, at(17), datetime(2026, 11, 25, 22, 0))
    assert [o.due_at for o in overdue(engine, NOW)] == [at(3), at(10)]
    assert [o.due_at for o in overdue(engine, at(26, 0))] == [at(3), at(10), at(24), at(17)]


def test_an_occurrence_moved_earlier_is_overdue_once_its_new_window_ends(
    engine: Engine, org: Org, clock: RunningClock
) -> None:
    task = add(engine, org)
    add(engine, org, title="Backup check")
    for day in (3, 10, 17):
        mark_done(engine, org.bob, task, at(day), Done())
    move(engine, org.mia, task, at(1, month=12), datetime(2026, 11, 20, 22, 0))
    assert [(o.title, o.due_at, o.starts_at) for o in overdue(engine, NOW)] == [
        ("Backup check", at(3), at(3)),
        ("Backup check", at(10), at(10)),
        ("Backup check", at(17), at(17)),
        ("Mail server patching", at(1, month=12), at(20)),
    ]


# -- from this date on ----------------------------------------------------------------------------


def test_changing_the_series_from_a_date_keeps_what_was_done_before(
    engine: Engine, org: Org
) -> None:
    task = add(engine, org)
    mark_done(engine, org.bob, task, at(3), Done(at(3) + HOUR, notes="Patched"))
    later = change_task(
        engine,
        org.mia,
        task,
        draft(org, first_day=date(2026, 11, 19), start_time="20:00", title="Mail patching"),
        date(2026, 11, 16),
    )
    assert later != task
    found = month(engine)
    assert [(o.starts_at, o.title, o.status) for o in found] == [
        (at(3), "Mail server patching", Status.DONE),
        (at(10), "Mail server patching", Status.OVERDUE),
        (at(24, 20), "Mail patching", Status.SCHEDULED),  # Tuesdays from the 19th: the 24th
    ]
    assert load_task(engine, later).follows_id == task
    assert load_task(engine, task).draft.recurrence.until == date(2026, 11, 15)


def test_a_series_with_nothing_before_the_date_is_changed_where_it_is(
    engine: Engine, org: Org
) -> None:
    task = add(engine, org, first_day=date(2026, 12, 1))
    same = change_task(
        engine, org.mia, task, draft(org, first_day=date(2026, 12, 3)), date(2026, 12, 1)
    )
    assert same == task
    assert load_task(engine, task).draft.first_day == date(2026, 12, 3)


def test_ending_a_task_stops_it_and_one_that_never_came_round_is_removed(
    engine: Engine, org: Org
) -> None:
    task = add(engine, org)
    end_task(engine, org.mia, task, date(2026, 11, 15))
    assert [o.starts_at for o in month(engine)] == [at(3), at(10)]
    future = add(engine, org, first_day=date(2027, 1, 5))
    end_task(engine, org.mia, future, date(2027, 1, 5))
    with read_session(engine) as session:
        assert session.get(MaintenanceTask, future) is None


# -- filters, leave, figures ----------------------------------------------------------------------


def test_filters_by_site_owner_team_and_asset(engine: Engine, org: Org) -> None:
    add(engine, org, asset_ids=(org.laptop,))
    add(engine, org, title="Branch UPS", site_id=org.branch, owner_staff_id=org.ann)
    titles = lambda which: sorted({o.title for o in month(engine, which)})  # noqa: E731
    assert titles(CalendarFilter(site_id=org.branch)) == ["Branch UPS"]
    assert titles(CalendarFilter(owner_id=org.bob)) == ["Mail server patching"]
    assert titles(CalendarFilter(team_id=org.desk)) == ["Branch UPS"]  # Ann is on the desk
    assert titles(CalendarFilter(asset_id=org.laptop)) == ["Mail server patching"]


def test_an_owner_on_leave_is_flagged_on_their_occurrences(engine: Engine, org: Org) -> None:
    add(engine, org)
    save_shift(
        engine,
        org.mia,
        ShiftDraft(org.bob, type_id(engine, "Leave"), org.hq, date(2026, 11, 17), "00:00", "00:00"),
    )
    flagged = {o.starts_at: o.owner_away for o in month(engine)}
    assert [d for d, away in flagged.items() if away] == [at(17)]


def test_figures_count_due_done_on_time_late_skipped_and_overdue(engine: Engine, org: Org) -> None:
    task = add(engine, org)
    mark_done(engine, org.bob, task, at(3), Done(at(3) + timedelta(minutes=30)))
    mark_done(engine, org.bob, task, at(10), Done(at(11, 9)))
    mark_skipped(engine, org.bob, task, at(17), "Freeze")
    november = figures(engine, at(1, 0), at(1, 0, 12), NOW)
    # The 24th is not due yet at "now" (10:00 that day).
    assert november.due == 3
    assert (november.done_on_time, november.done_late, november.skipped) == (1, 1, 1)
    assert november.overdue == 0
    assert november.on_time_percent == pytest.approx(100 / 3)
    later = figures(engine, at(1, 0), at(1, 0, 12), at(30, 0))
    assert (later.due, later.overdue) == (4, 1)
    assert figures(engine, at(1, 0), at(1, 0, 12), NOW, org.branch).on_time_percent is None
