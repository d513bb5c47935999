"""What every desk is told now (app/maintenance/notices.py): open major incidents and planned
maintenance running now or starting within the hour, with the banner's text, on both back
ends. "Now" is Tue 24 Nov 2026 10:00 UTC (10:00 in London, 05:00 in New York)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from app.maintenance.major_incidents import close, declare
from app.maintenance.notices import NoticeKind, notices
from app.maintenance.record import Done, cancel, mark_done, mark_skipped, move
from tests.conftest import NOW, Org, RunningClock
from tests.test_maintenance_tasks import add


def tuesday(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=UTC)


def test_nothing_to_say_is_an_empty_list(engine: Engine, org: Org) -> None:
    add(engine, org)  # Tuesdays 22:00: twelve hours away
    assert notices(engine, NOW) == []


def test_maintenance_running_now_and_starting_within_the_hour_are_shown(
    engine: Engine, org: Org
) -> None:
    running = add(engine, org, start_time="09:30", title="Mail server patching")
    soon = add(engine, org, start_time="10:45", title="Backup check", impact="")
    add(engine, org, start_time="11:30", title="Too late to mention")
    add(engine, org, start_time="08:00", title="Over already")
    found = notices(engine, NOW)
    assert [(n.kind, n.text) for n in found] == [
        (NoticeKind.MAINTENANCE_NOW, "Mail server patching, 09:30-10:30, HQ: mail unavailable"),
        (NoticeKind.MAINTENANCE_SOON, "Backup check, 10:45-11:45, HQ"),
    ]
    assert (found[0].task_id, found[0].due_at) == (running, tuesday(9, 30))
    assert found[1].task_id == soon
    assert found[0].line == (
        "⚒ Maintenance now · Mail server patching, 09:30-10:30, HQ: mail unavailable"
    )
    assert found[0].card_text == "Planned maintenance now at HQ: mail unavailable"
    assert found[0].active and not found[1].active


def test_times_are_on_the_site_s_clock(engine: Engine, org: Org) -> None:
    add(engine, org, site_id=org.branch, start_time="04:30", title="Router firmware", impact="")
    (notice,) = notices(engine, NOW)
    assert notice.text == "Router firmware, 04:30-05:30, NY"  # 09:30-10:30 UTC


def test_a_window_past_midnight_names_the_day_it_ends(
    engine: Engine, org: Org, clock: RunningClock
) -> None:
    add(engine, org, duration_minutes=240)  # 22:00 to 02:00
    clock.set(tuesday(23))
    (notice,) = notices(engine, tuesday(23))
    assert notice.text == "Mail server patching, 22:00-Wed 25 Nov 02:00, HQ: mail unavailable"


def test_settled_occurrences_are_not_shown_and_moved_ones_at_their_new_time(
    engine: Engine, org: Org
) -> None:
    done = add(engine, org, start_time="09:30", title="Done early")
    skipped = add(engine, org, start_time="09:30", title="Skipped")
    cancelled = add(engine, org, start_time="09:30", title="Cancelled")
    moved = add(engine, org, start_time="09:30", title="Moved")
    mark_done(engine, org.bob, done, tuesday(9, 30), Done(tuesday(9, 50)))
    mark_skipped(engine, org.bob, skipped, tuesday(9, 30), "Change freeze")
    cancel(engine, org.mia, cancelled, tuesday(9, 30), "Vendor holiday")
    move(engine, org.mia, moved, tuesday(9, 30), datetime(2026, 11, 24, 10, 40))
    (notice,) = notices(engine, NOW)
    assert (notice.title, notice.kind) == ("Moved", NoticeKind.MAINTENANCE_SOON)
    assert notice.due_at == tuesday(9, 30)  # what names it stays the series' start
    assert notice.text.startswith("Moved, 10:40-11:40")


def test_open_major_incidents_come_first_and_closed_ones_go(engine: Engine, org: Org) -> None:
    add(engine, org, start_time="09:30")
    vpn = declare(engine, org.mia, "VPN down", org.hq, tuesday(9, 12))
    mail = declare(engine, org.mia, "E-mail slow", None, tuesday(9, 40))
    found = notices(engine, NOW)
    assert [n.kind for n in found] == [
        NoticeKind.MAJOR_INCIDENT,
        NoticeKind.MAJOR_INCIDENT,
        NoticeKind.MAINTENANCE_NOW,
    ]
    assert [n.text for n in found[:2]] == [
        "Major incident since 09:40 UTC, All sites: E-mail slow",
        "Major incident since 09:12, HQ: VPN down",
    ]
    assert [n.major_incident_id for n in found[:2]] == [mail, vpn]
    assert found[1].line == "⚠ Major incident since 09:12, HQ: VPN down"
    assert found[1].card_text == "Major incident at HQ: VPN down"
    close(engine, org.mia, vpn, "Tunnel restarted")
    assert [n.major_incident_id for n in notices(engine, NOW)[:1]] == [mail]
    assert len(notices(engine, NOW)) == 2


def test_an_incident_since_before_today_names_its_day(engine: Engine, org: Org) -> None:
    declare(engine, org.mia, "VPN down", org.hq, NOW - timedelta(days=1, hours=1))
    (notice,) = notices(engine, NOW)
    assert notice.text == "Major incident since Mon 23 Nov 09:00, HQ: VPN down"


def test_one_site_s_notices_include_every_site_incidents_only(engine: Engine, org: Org) -> None:
    add(engine, org, start_time="09:30", title="HQ mail")
    add(engine, org, site_id=org.branch, start_time="04:30", title="NY router")
    declare(engine, org.mia, "VPN down", org.hq)
    declare(engine, org.mia, "Phones down", None)
    declare(engine, org.mia, "NY printers", org.branch)
    at_ny = notices(engine, NOW, org.branch)
    assert sorted(n.title for n in at_ny) == ["NY printers", "NY router", "Phones down"]
    assert all(n.applies_to(org.branch) for n in at_ny)
    assert len(notices(engine, NOW)) == 5
