"""The maintenance calendar to and from calendar programs (app/maintenance/ics_export.py,
ics_import.py, app/maintenance_commands.py): the exported file, expanded by
recurring-ical-events as a calendar program would, gives exactly the calendar page's
occurrences for a year (across clock changes in London and New York, monthly by weekday, with
a cancelled and a moved occurrence, COUNT and UNTIL series); an imported file adds its tasks
and reads back the same; a bad file is refused whole, each problem named by its event, and a
dry run writes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import Engine, func
from sqlmodel import select

from app.cli import main
from app.errors import PermissionDenied, SwitchboardError
from app.maintenance.calendar import CalendarFilter, Status, window
from app.maintenance.ics_export import schedule_calendar
from app.maintenance.ics_import import Owner, import_schedule
from app.maintenance.record import Done, cancel, mark_done, move
from app.maintenance.recurrence import Frequency, Recurrence
from app.maintenance.tasks import TaskDraft, create_task, load_task
from models.audit import AuditEvent
from models.engine import read_session
from models.maintenance import MaintenanceOccurrence, MaintenanceTask
from tests.conftest import NOW, Org, make_org, migrated_database

YEAR_FROM = datetime(2026, 9, 1, tzinfo=UTC)
YEAR_TO = datetime(2027, 9, 1, tzinfo=UTC)

Span = tuple[str, datetime, datetime]  # (UID, start, end), in UTC


def task(engine: Engine, org: Org, title: str, **values: object) -> uuid.UUID:
    """A task made by Mia the manager, owned by Bob."""
    fields: dict[str, object] = {
        "title": title,
        "site_id": org.hq,
        "start_time": "22:00",
        "duration_minutes": 60,
        "recurrence": Recurrence(Frequency.ONCE),
        "owner_staff_id": org.bob,
    }
    fields.update(values)
    return create_task(engine, org.mia, TaskDraft(**fields))  # type: ignore[arg-type]


def expanded(data: bytes, floating: tzinfo = UTC) -> set[Span]:
    """Every occurrence a calendar program shows of the iCalendar ``data`` in the year, a
    time without a zone read in ``floating`` (as the program's own zone would be)."""

    def utc(moment: datetime) -> datetime:
        return (moment if moment.tzinfo else moment.replace(tzinfo=floating)).astimezone(UTC)

    calendar = Calendar.from_ical(data)
    return {
        (str(event["uid"]), utc(event.decoded("dtstart")), utc(event.decoded("dtend")))
        for event in recurring_ical_events.of(calendar).between(YEAR_FROM, YEAR_TO)
    }


def shown(engine: Engine) -> set[Span]:
    """The occurrences the calendar page shows for the year, cancelled ones left out."""
    return {
        (f"{o.task_id}@switchboard", o.starts_at, o.ends_at)
        for o in window(engine, YEAR_FROM, YEAR_TO, NOW, CalendarFilter())
        if o.status is not Status.CANCELLED
    }


def count_rows(engine: Engine) -> tuple[int, int, int]:
    with read_session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (MaintenanceTask, MaintenanceOccurrence, AuditEvent)
        )


def ics(*events: str) -> str:
    body = "".join(f"BEGIN:VEVENT\n{event.strip()}\nEND:VEVENT\n" for event in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Vendor//Patches//EN\n{body}END:VCALENDAR\n"


# -- export ---------------------------------------------------------------------------------------


def test_the_exported_year_is_the_calendar_page_s_year(engine: Engine, org: Org) -> None:
    # Tuesdays 22:00 in London from October, across the end (25 Oct) and start (28 Mar) of
    # summer time; one occurrence cancelled, one moved, one done.
    weekly = task(
        engine,
        org,
        "Mail server patching",
        first_day=date(2026, 10, 6),
        recurrence=Recurrence(Frequency.WEEKLY, weekdays=(1,)),
        system="Mail",
        impact="mail unavailable",
        checklist=("Snapshot", "Patch"),
        asset_ids=(org.laptop,),
    )
    cancel(engine, org.mia, weekly, datetime(2026, 12, 29, 22, tzinfo=UTC), "Change freeze")
    move(engine, org.mia, weekly, datetime(2027, 1, 5, 22, tzinfo=UTC), datetime(2027, 1, 7, 6))
    mark_done(engine, org.bob, weekly, datetime(2026, 11, 3, 22, tzinfo=UTC), Done())
    # Mondays and Thursdays 09:00 in New York (clocks change 1 Nov and 14 Mar), for two hours.
    task(
        engine,
        org,
        "Router firmware",
        site_id=org.branch,
        first_day=date(2026, 10, 1),
        start_time="09:00",
        duration_minutes=120,
        recurrence=Recurrence(Frequency.WEEKLY, weekdays=(0, 3)),
        owner_team_id=org.network,
    )
    task(  # every month on the 2nd Tuesday, 18:00 London
        engine,
        org,
        "Patch Tuesday",
        first_day=date(2026, 9, 8),
        start_time="18:00",
        duration_minutes=180,
        recurrence=Recurrence(Frequency.MONTHLY, nth=2, weekday=1),
    )
    task(  # every month on the last Friday, 20:00 New York
        engine,
        org,
        "Backup restore test",
        site_id=org.branch,
        first_day=date(2026, 9, 25),
        start_time="20:00",
        recurrence=Recurrence(Frequency.MONTHLY, nth=-1, weekday=4),
    )
    task(  # ten times, every two weeks on Wednesday, 07:30 London
        engine,
        org,
        "Switch replacement",
        first_day=date(2026, 10, 14),
        start_time="07:30",
        recurrence=Recurrence(Frequency.WEEKLY, interval=2, weekdays=(2,), count=10),
    )
    # Until 14 January in New York, late in the evening: later than that day in UTC.
    task(
        engine,
        org,
        "Print server",
        site_id=org.branch,
        first_day=date(2026, 11, 5),
        start_time="21:30",
        recurrence=Recurrence(Frequency.WEEKLY, weekdays=(3,), until=date(2027, 1, 14)),
    )
    task(engine, org, "Data centre move", first_day=date(2027, 2, 20), start_time="08:00")

    data, written = schedule_calendar(engine)
    assert (written.tasks, written.moved, written.events) == (7, 1, 8)
    assert expanded(data) == shown(engine)
    text = data.decode()
    assert "UNTIL=20270115T045959Z" in text  # 23:59:59 on 14 Jan in New York, in UTC
    assert "EXDATE;TZID=Europe/London:20261229T220000" in text
    assert "RECURRENCE-ID;TZID=Europe/London:20270105T220000" in text
    assert "BEGIN:VTIMEZONE\r\nTZID:America/New_York" in text
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/London" in text
    [master] = [
        e
        for e in Calendar.from_ical(data).walk("VEVENT")
        if str(e["uid"]) == f"{weekly}@switchboard" and "RECURRENCE-ID" not in e
    ]
    assert master.decoded("dtstart") == datetime(
        2026, 10, 6, 22, tzinfo=master.decoded("dtstart").tzinfo
    )
    assert str(master["location"]) == "Head office (HQ)"
    assert str(master["x-switchboard-assets"]) == "LT-0001"
    assert str(master["description"]) == (
        "System: Mail\nImpact: mail unavailable\nOwner: Bob Tech\n\nChecklist:\n- Snapshot\n- Patch"
    )


def test_one_site_s_schedule(engine: Engine, org: Org) -> None:
    task(engine, org, "At HQ", first_day=date(2026, 12, 1))
    task(engine, org, "In New York", site_id=org.branch, first_day=date(2026, 12, 1))
    data, written = schedule_calendar(engine, org.branch)
    assert written.tasks == 1
    assert [str(e["summary"]) for e in Calendar.from_ical(data).walk("VEVENT")] == ["In New York"]
    assert "TZID:Europe/London" not in data.decode()


# -- import ---------------------------------------------------------------------------------------

VENDOR = ics(
    """
UID:patch-1@vendor
SUMMARY:Exchange cumulative update
DTSTART;TZID=Europe/London:20261110T220000
DTEND;TZID=Europe/London:20261111T000000
RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;UNTIL=20270831T225959Z
EXDATE;TZID=Europe/London:20261208T220000
LOCATION:HQ
X-SWITCHBOARD-ASSETS:lt-0001
DESCRIPTION:Drain the DAG first.
""",
    """
UID:patch-1@vendor
RECURRENCE-ID;TZID=Europe/London:20270112T220000
SUMMARY:Exchange cumulative update
DTSTART;TZID=Europe/London:20270114T220000
DTEND;TZID=Europe/London:20270114T233000
""",
    """
UID:fw-2@vendor
SUMMARY:Firewall firmware
DTSTART:20261203T190000
DURATION:PT45M
RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=6
X-SWITCHBOARD-SITE:NY
""",
    """
UID:once-3@vendor
SUMMARY:Core switch swap
DTSTART:20270306T080000Z
DTEND:20270306T120000Z
""",
    """
UID:gone-4@vendor
SUMMARY:Withdrawn patch
STATUS:CANCELLED
DTSTART:20270306T080000Z
DTEND:20270306T120000Z
""",
)


def test_a_vendor_calendar_becomes_tasks_and_reads_back_the_same(
    engine: Engine, org: Org, tmp_path: Path
) -> None:
    path = tmp_path / "vendor.ics"
    path.write_text(VENDOR, encoding="utf-8")
    result = import_schedule(engine, path, org.mia, site_code="HQ", owner=Owner(team="network"))
    assert (len(result.tasks), result.cancelled, result.moved, result.ignored) == (3, 1, 1, 1)
    assert result.tasks[0] == (
        "Exchange cumulative update at HQ from 10 Nov 2026 22:00 for 120 min, every month on "
        "the 2nd Tuesday of the month, until 31 Aug 2027"
    )
    with read_session(engine) as session:
        rows = session.exec(select(MaintenanceTask).order_by(MaintenanceTask.title)).all()
    by_title = {row.title: row for row in rows}
    firewall = load_task(engine, by_title["Firewall firmware"].id).draft
    assert (firewall.site_id, firewall.start_time, firewall.duration_minutes) == (
        org.branch,  # named by the event, floating: 19:00 on New York's clock
        "19:00",
        45,
    )
    assert firewall.recurrence == Recurrence(Frequency.WEEKLY, weekdays=(3,), count=6)
    exchange = load_task(engine, by_title["Exchange cumulative update"].id).draft
    assert exchange.asset_ids == (org.laptop,) and exchange.instructions == "Drain the DAG first."
    assert exchange.owner_staff_id is None and exchange.owner_team_id == org.network
    swap = load_task(engine, by_title["Core switch swap"].id).draft
    assert (swap.site_id, swap.start_time) == (org.hq, "08:00")  # the --site, in London

    # Exported again, a calendar program shows the same occurrences as in the vendor's file.
    data, _written = schedule_calendar(engine)
    uids = {f"{row.id}@switchboard": row.title for row in rows}
    vendor_uids = {"patch-1@vendor": "Exchange cumulative update"}
    vendor_uids |= {"fw-2@vendor": "Firewall firmware", "once-3@vendor": "Core switch swap"}
    in_new_york = expanded(VENDOR.encode(), ZoneInfo("America/New_York"))  # the floating one
    theirs = {(vendor_uids[u], s, e) for u, s, e in in_new_york if u in vendor_uids}
    ours = {(uids[u], s, e) for u, s, e in expanded(data)}
    assert ours == theirs
    assert len(ours) == 10 - 1 + 6 + 1  # Exchange: Nov to Aug less December; six; one


def test_the_importing_person_owns_the_tasks_unless_told(
    engine: Engine, org: Org, tmp_path: Path
) -> None:
    path = tmp_path / "vendor.ics"
    path.write_text(ics(VENDOR_ONE), encoding="utf-8")
    import_schedule(engine, path, org.mia)
    import_schedule(engine, path, org.mia, owner=Owner(username="bob"))
    with read_session(engine) as session:
        owners = session.exec(select(MaintenanceTask.owner_staff_id)).all()
    assert sorted(map(str, owners)) == sorted([str(org.mia), str(org.bob)])
    with pytest.raises(SwitchboardError, match="No staff member has the user name 'robert'"):
        import_schedule(engine, path, org.mia, owner=Owner(username="robert"))
    with pytest.raises(SwitchboardError, match="No site has the code 'XX'; the sites are HQ, NY"):
        import_schedule(engine, path, org.mia, site_code="XX")


VENDOR_ONE = """
UID:good@vendor
SUMMARY:Good patch
DTSTART;TZID=Europe/London:20261201T220000
DURATION:PT1H
RRULE:FREQ=WEEKLY;BYDAY=TU
LOCATION:Head office
"""


@pytest.mark.parametrize(
    ("event", "said"),
    [
        (
            "SUMMARY:Bad site\nDTSTART:20261201T220000Z\nDURATION:PT1H\nX-SWITCHBOARD-SITE:XX",
            "\u201cBad site\u201d: X-SWITCHBOARD-SITE 'XX' is no site's code; the sites are HQ, NY",
        ),
        (
            "SUMMARY:Bad asset\nDTSTART:20261201T220000Z\nDURATION:PT1H\nLOCATION:HQ\n"
            "X-SWITCHBOARD-ASSETS:LT-0001, LT-9999",
            "\u201cBad asset\u201d: X-SWITCHBOARD-ASSETS names 'LT-9999', which no asset is tagged",
        ),
        (
            "SUMMARY:Never\nDTSTART:20261201T220000Z\nDURATION:PT1H\nLOCATION:HQ\n"
            "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "\u201cNever\u201d: Every year on the 30th of February never comes round",
        ),
        (
            "SUMMARY:Backwards\nDTSTART:20261201T220000Z\nDTEND:20261201T210000Z\nLOCATION:HQ",
            "\u201cBackwards\u201d: it ends before it starts",
        ),
        (
            "SUMMARY:Too long\nDTSTART:20261201T220000Z\nDURATION:PT25H\nLOCATION:HQ\n"
            "RRULE:FREQ=DAILY",
            "\u201cToo long\u201d: The window (25 h) is longer than the time between two "
            "occurrences (24 h)",
        ),
        (
            "SUMMARY:Hourly\nDTSTART:20261201T220000Z\nDURATION:PT1H\nLOCATION:HQ\n"
            "RRULE:FREQ=WEEKLY;BYDAY=TU;BYHOUR=3",
            "\u201cHourly\u201d: 'FREQ=WEEKLY;BYHOUR=3;BYDAY=TU' uses BYHOUR, which Switchboard "
            "does not offer.",
        ),
        (
            "SUMMARY:Nowhere\nDTSTART:20261201T220000Z\nDURATION:PT1H\nLOCATION:Server room",
            "\u201cNowhere\u201d: its LOCATION 'Server room' is no site; give X-SWITCHBOARD-SITE "
            "or --site CODE",
        ),
    ],
)
def test_a_bad_event_refuses_the_whole_file_and_says_which(
    engine: Engine, org: Org, tmp_path: Path, event: str, said: str
) -> None:
    path = tmp_path / "vendor.ics"
    path.write_text(ics(VENDOR_ONE, event), encoding="utf-8")
    before = count_rows(engine)
    with pytest.raises(SwitchboardError) as refused:
        import_schedule(engine, path, org.mia)
    message = str(refused.value)
    assert message.startswith("Nothing was imported from vendor.ics: line 12 ")
    assert said in message
    assert count_rows(engine) == before


def test_every_problem_is_listed_and_files_that_are_no_calendar_are_refused(
    engine: Engine, org: Org, tmp_path: Path
) -> None:
    path = tmp_path / "vendor.ics"
    path.write_text(
        ics(
            "SUMMARY:One\nDTSTART:20261201T220000Z\nDURATION:PT1H",
            "SUMMARY:Two\nDTSTART;VALUE=DATE:20261201\nLOCATION:HQ",
            "UID:elsewhere\nRECURRENCE-ID:20261201T220000Z\nSUMMARY:Three\n"
            "DTSTART:20261202T220000Z\nDURATION:PT1H",
        ),
        encoding="utf-8",
    )
    before = count_rows(engine)
    with pytest.raises(SwitchboardError) as refused:
        import_schedule(engine, path, org.mia)
    message = str(refused.value)
    assert "line 4 \u201cOne\u201d: it names no site" in message
    assert "line 9 \u201cTwo\u201d: it has no start time" in message
    assert "line 14 \u201cThree\u201d: it changes one occurrence (RECURRENCE-ID)" in message
    path.write_text("name,site\nMail,HQ\n", encoding="utf-8")
    with pytest.raises(SwitchboardError, match=r"vendor.ics is not an iCalendar file \(.ics\)"):
        import_schedule(engine, path, org.mia)
    path.write_text(ics(), encoding="utf-8")
    with pytest.raises(SwitchboardError, match="holds no events"):
        import_schedule(engine, path, org.mia)
    with pytest.raises(SwitchboardError, match="could not be read"):
        import_schedule(engine, tmp_path / "missing.ics", org.mia)
    assert count_rows(engine) == before


def test_an_exception_to_no_occurrence_is_refused(engine: Engine, org: Org, tmp_path: Path) -> None:
    path = tmp_path / "vendor.ics"
    # Tuesdays at 22:00 London; the EXDATE is a Wednesday.
    path.write_text(ics(VENDOR_ONE + "EXDATE;TZID=Europe/London:20261209T220000"), encoding="utf-8")
    before = count_rows(engine)
    with pytest.raises(SwitchboardError, match="Wed 09 Dec 2026 22:00 is no occurrence"):
        import_schedule(engine, path, org.mia)
    assert count_rows(engine) == before


def test_a_dry_run_checks_everything_and_writes_nothing(
    engine: Engine, org: Org, tmp_path: Path
) -> None:
    path = tmp_path / "vendor.ics"
    path.write_text(VENDOR, encoding="utf-8")
    before = count_rows(engine)
    result = import_schedule(engine, path, org.mia, site_code="HQ", dry_run=True)
    assert (len(result.tasks), result.cancelled, result.moved) == (3, 1, 1)
    assert count_rows(engine) == before
    with pytest.raises(PermissionDenied):  # Bob, a technician, may not plan maintenance
        import_schedule(engine, path, org.bob, site_code="HQ", dry_run=True)


# -- the command line -----------------------------------------------------------------------------


def test_the_commands_write_and_read_calendars_and_refuse_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "mia")  # the commands run as Mia the manager
    with migrated_database("sqlite", tmp_path) as engine:
        make_org(engine)
    db = ["--db", str(tmp_path / "switchboard.db")]
    vendor = tmp_path / "vendor.ics"
    vendor.write_text(VENDOR, encoding="utf-8")

    assert main(["maintenance", "import-ics", str(vendor), "--site", "HQ", "--dry-run", *db]) == 0
    out = capsys.readouterr().out
    assert "  Firewall firmware at NY from 03 Dec 2026 19:00 for 45 min" in out
    assert out.endswith(
        "Dry run: 3 tasks would be added (1 occurrences cancelled and 1 moved; 1 cancelled "
        "events left out); nothing was written.\n"
    )
    assert main(["maintenance", "import-ics", str(vendor), "--site", "HQ", *db]) == 0
    assert capsys.readouterr().out == (
        f"Imported 3 maintenance tasks from {vendor} (1 occurrences cancelled and 1 moved; "
        "1 cancelled events left out).\n"
    )

    out_file = tmp_path / "maintenance.ics"
    assert main(["maintenance", "ics", "--out", str(out_file), *db]) == 0
    assert capsys.readouterr().out == (
        f"Wrote 3 maintenance tasks and 1 moved occurrences to {out_file}\n"
    )
    assert len(Calendar.from_ical(out_file.read_bytes()).walk("VEVENT")) == 4
    assert main(["maintenance", "ics", "--site", "NY", "--out", str(out_file), *db]) == 0
    assert "Wrote 1 maintenance tasks" in capsys.readouterr().out

    assert main(["maintenance", "ics", "--site", "XX", "--out", str(out_file), *db]) == 2
    err = capsys.readouterr().err
    assert err == "switchboard: No site has the code 'XX'; the sites are HQ, NY.\n"
    assert len(Calendar.from_ical(out_file.read_bytes()).walk("VEVENT")) == 1  # left as it was

    vendor.write_text("not a calendar\n", encoding="utf-8")
    assert main(["maintenance", "import-ics", str(vendor), *db]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("switchboard: vendor.ics is not an iCalendar file") and err.count("\n") == 1
    )
    vendor.write_text(ics(VENDOR_ONE, "SUMMARY:Nowhere\nDTSTART:20261201T220000Z"), "utf-8")
    assert main(["maintenance", "import-ics", str(vendor), *db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("switchboard: Nothing was imported from vendor.ics: line 12")
    assert err.count("\n") == 1

    monkeypatch.setenv("LOGNAME", "bob")
    vendor.write_text(ics(VENDOR_ONE), "utf-8")
    assert main(["maintenance", "import-ics", str(vendor), *db]) == 2
    assert "switchboard: " in capsys.readouterr().err
    with migrated_database("sqlite", tmp_path) as engine:
        assert count_rows(engine)[0] == 3
