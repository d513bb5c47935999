"""Who is on now (app/roster/on_now.py): at the desk, on call and next today at each site,
with phones; people away or in training and deactivated people left out; each site's own
local day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, update
from sqlmodel import col

from app.roster.on_now import on_now
from models.engine import write_session
from models.org import Staff
from tests.conftest import NOW, Org
from tests.test_roster_shifts import add_shift, deactivate, utc

TODAY = NOW.date()  # Tue 24 Nov 2026, 10:00 UTC: 10:00 in London, 05:00 in New York


def _phone(engine: Engine, staff_id: object, phone: str) -> None:
    with write_session(engine) as session:
        session.execute(update(Staff).where(col(Staff.id) == staff_id).values(phone=phone))


def test_who_is_at_the_desk_on_call_and_next_at_each_site(engine: Engine, org: Org) -> None:
    _phone(engine, org.ann, "020 7946 0000")
    _phone(engine, org.mia, "07700 900123")
    add_shift(engine, org, org.ann, "Desk early", TODAY, "07:00", "15:00")
    add_shift(engine, org, org.bob, "Desk late", TODAY, "11:00", "19:00")
    add_shift(engine, org, org.ada, "Desk early", TODAY, "14:00", "18:00")
    add_shift(engine, org, org.ada, "Desk early", TODAY + timedelta(days=1), "07:00", "15:00")
    add_shift(engine, org, org.mia, "On call", TODAY - timedelta(days=1), "17:00", "08:00")
    add_shift(engine, org, org.mia, "On call", TODAY, "00:00", "00:00", site_id=org.branch)
    add_shift(engine, org, org.bob, "Desk early", TODAY, "08:00", "16:00", site_id=org.branch)

    hq, ny = on_now(engine)

    assert [p.name for p in hq.at_desk] == ["Ann Operator"]
    assert hq.at_desk[0].text == "Ann Operator (020 7946 0000) until 15:00"
    assert [(p.name, p.starts) for p in hq.next] == [("Bob Tech", "11:00"), ("Ada Admin", "14:00")]
    assert hq.on_call == ()  # last night's ended at 08:00
    assert hq.line == "HQ: at the desk Ann Operator (020 7946 0000) until 15:00"
    assert (ny.site_code, ny.site_name) == ("NY", "New York")
    assert ny.at_desk == () and [p.name for p in ny.next] == ["Bob Tech"]
    assert [(p.name, p.phone) for p in ny.on_call] == [("Mia Manager", "07700 900123")]
    assert ny.line == (
        "NY: at the desk nobody · on call Mia Manager (07700 900123) until 00:00 · next Bob Tech "
        "from 08:00"
    )


def test_someone_sick_in_training_or_deactivated_is_not_on(engine: Engine, org: Org) -> None:
    add_shift(engine, org, org.ann, "Desk early", TODAY, "07:00", "15:00")
    add_shift(engine, org, org.ann, "Sick", TODAY, "09:00", "00:00")
    add_shift(engine, org, org.bob, "Desk early", TODAY, "07:00", "15:00")
    add_shift(engine, org, org.mia, "Desk early", TODAY, "07:00", "15:00")
    add_shift(engine, org, org.ada, "Desk early", TODAY, "07:00", "15:00")
    add_shift(engine, org, org.ada, "Training", TODAY, "09:30", "12:00")
    deactivate(engine, org.mia)
    hq = on_now(engine)[0]
    assert [p.name for p in hq.at_desk] == ["Bob Tech"]
    # Back at the desk once the course is over.
    assert [p.name for p in on_now(engine, utc(2026, 11, 24, 12))[0].at_desk] == [
        "Ada Admin",
        "Bob Tech",
    ]


def test_now_can_be_given(engine: Engine, org: Org) -> None:
    add_shift(engine, org, org.bob, "On call", TODAY, "17:00", "08:00")
    hq = on_now(engine, utc(2026, 11, 24, 23))[0]
    assert [(p.name, p.starts, p.ends, p.shift_type) for p in hq.on_call] == [
        ("Bob Tech", "17:00", "08:00", "On call")
    ]
    assert hq.at_desk == () and hq.next == ()
