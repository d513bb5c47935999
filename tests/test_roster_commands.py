"""The roster outside the window: a person's shifts as an iCalendar file (read back with the
icalendar library; the range taken by the local day a shift starts on at its site; a night
across a daylight-saving change at its true length), the week's gaps in the desk's cover,
and the command line's refusals in one line."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import select

from app.cli import main
from app.errors import SwitchboardError
from app.roster.ics_export import person_calendar
from models.engine import write_session
from models.enums import ShiftKind
from models.roster import Shift, ShiftType
from tests.conftest import Org, make_org, migrated_database


def add_shift(
    engine: Engine,
    staff: object,
    site: object,
    kind: ShiftKind,
    starts: str,
    ends: str,
    note: str = "",
) -> Shift:
    """A shift of ``kind`` from ``starts`` to ``ends`` (UTC, "2026-11-30 07:00")."""
    with write_session(engine) as session:
        type_id = session.exec(select(ShiftType.id).where(ShiftType.kind == kind)).first()
        shift = Shift(
            staff_id=staff,
            shift_type_id=type_id,
            site_id=site,
            starts_at=datetime.fromisoformat(starts).replace(tzinfo=UTC),
            ends_at=datetime.fromisoformat(ends).replace(tzinfo=UTC),
            note=note,
        )
        session.add(shift)
        session.flush()
        session.expunge(shift)
    return shift


def events(data: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(data)
    return [
        {
            "uid": str(event["uid"]),
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "summary": str(event["summary"]),
            "description": str(event.get("description", "")),
        }
        for event in calendar.walk("VEVENT")
    ]


def test_the_calendar_holds_the_range_by_local_day_with_true_lengths(
    engine: Engine, org: Org
) -> None:
    # HQ is in London. A desk shift on Monday 30 November, a night on call across the end of
    # summer time (Sat 24 Oct 2026 18:00 BST to Sun 08:00 GMT: 15 hours), and a shift at
    # 23:30 UTC on Sunday 29 November, which is still Sunday in London: outside the range.
    desk = add_shift(
        engine,
        org.bob,
        org.hq,
        ShiftKind.DESK,
        "2026-11-30 07:00",
        "2026-11-30 15:00",
        note="Cover for Ann",
    )
    night = add_shift(
        engine,
        org.bob,
        org.hq,
        ShiftKind.ON_CALL,
        "2026-10-24 17:00",
        "2026-10-25 08:00",
    )
    add_shift(
        engine,
        org.bob,
        org.hq,
        ShiftKind.DESK,
        "2026-11-29 23:30",
        "2026-11-30 06:00",
    )
    add_shift(  # someone else's
        engine,
        org.ann,
        org.hq,
        ShiftKind.DESK,
        "2026-11-30 07:00",
        "2026-11-30 15:00",
    )

    data, count = person_calendar(engine, "bob", date(2026, 11, 30), date(2026, 12, 6))
    assert count == 1
    [event] = events(data)
    assert event["uid"] == f"{desk.id}@switchboard"
    assert (event["start"], event["end"]) == (desk.starts_at, desk.ends_at)
    assert event["summary"] == "Desk early (HQ)" and event["description"] == "Cover for Ann"

    data, count = person_calendar(engine, "bob", date(2026, 10, 24), date(2026, 10, 24))
    [event] = events(data)
    assert event["uid"] == f"{night.id}@switchboard"
    assert (event["end"] - event["start"]).total_seconds() == 15 * 3600
    assert event["summary"] == "On call (HQ)"


def test_unknown_people_and_backward_ranges_are_refused(engine: Engine, org: Org) -> None:
    with pytest.raises(SwitchboardError, match="No staff member has the user name 'robert'"):
        person_calendar(engine, "robert", date(2026, 11, 30), date(2026, 12, 6))
    with pytest.raises(SwitchboardError, match="before --from"):
        person_calendar(engine, "bob", date(2026, 12, 6), date(2026, 11, 30))


def test_the_command_writes_the_file_and_says_what_is_wrong_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        add_shift(
            engine,
            org.bob,
            org.hq,
            ShiftKind.DESK,
            "2026-11-30 07:00",
            "2026-11-30 15:00",
        )
    path = tmp_path / "switchboard.db"
    out = tmp_path / "bob.ics"
    week = ["--from", "2026-11-30", "--to", "2026-12-06"]
    assert main(["roster", "ics", "bob", *week, "--out", str(out), "--db", str(path)]) == 0
    assert "Wrote 1 shifts of bob" in capsys.readouterr().out
    assert len(events(out.read_bytes())) == 1

    assert main(["roster", "ics", "nobody", *week, "--out", str(out), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("switchboard: No staff member") and err.count("\n") == 1
    assert len(events(out.read_bytes())) == 1  # the file written before is left as it was
    with pytest.raises(SystemExit) as usage:
        main(
            [
                "roster",
                "ics",
                "bob",
                "--from",
                "30/11/2026",
                "--to",
                "2026-12-06",
                "--out",
                str(out),
                "--db",
                str(path),
            ]
        )
    assert usage.value.code == 2
    assert "write it as YYYY-MM-DD" in capsys.readouterr().err
    assert main(["roster", "ics", "bob", *week, "--out", str(path), "--db", str(path)]) == 2
    assert "never writes over one" in capsys.readouterr().err


def test_a_newer_file_keeps_each_shift_under_the_same_uid(engine: Engine, org: Org) -> None:
    shift = add_shift(
        engine,
        org.bob,
        org.hq,
        ShiftKind.DESK,
        "2026-11-30 07:00",
        "2026-11-30 15:00",
    )
    week = (date(2026, 11, 30), date(2026, 12, 6))
    before = events(person_calendar(engine, "bob", *week)[0])
    with write_session(engine) as session:
        stored = session.get(Shift, shift.id)
        assert stored is not None
        stored.ends_at = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # an hour longer
    after = events(person_calendar(engine, "bob", *week)[0])
    assert [e["uid"] for e in before] == [e["uid"] for e in after]  # updated, not a twin
    assert after[0]["end"] == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def test_roster_gaps_lists_the_short_hours_of_a_week_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.roster.coverage import Band, set_coverage_bands

    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        # HQ wants one person at the desk on Monday 09:00-11:00; Bob covers 09:00-10:00.
        set_coverage_bands(engine, org.mia, org.hq, [Band(0, "09:00", "11:00", 1)])
        add_shift(
            engine,
            org.bob,
            org.hq,
            ShiftKind.DESK,
            "2026-11-30 09:00",
            "2026-11-30 10:00",
        )
    db = ["--db", str(tmp_path / "switchboard.db")]
    assert main(["roster", "gaps", "--week", "2026-W49", *db]) == 1
    out = capsys.readouterr().out
    assert out.startswith("1 gaps in the desk's cover in 2026-W49:")
    assert "Mon 30 Nov 10:00-11:00 at HQ: 0 of 1" in out
    assert main(["roster", "gaps", "--week", "2026-W49", "--site", "ny", *db]) == 0
    assert "No gaps" in capsys.readouterr().out
    assert main(["roster", "gaps", "--week", "2026-W49", "--json", *db]) == 1
    found = json.loads(capsys.readouterr().out)
    assert found["gaps"][0]["site"] == "HQ" and found["gaps"][0]["starts"].startswith(
        "2026-11-30T10:00"
    )
    assert main(["roster", "gaps", "--week", "2026-W49", "--site", "XX", *db]) == 2
    assert "No site has the code 'XX'; the sites are HQ, NY." in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["roster", "gaps", "--week", "49", *db])
    assert "write it as YYYY-Www" in capsys.readouterr().err
