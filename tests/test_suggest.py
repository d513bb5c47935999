"""Who should take this ticket (app/tickets/suggest.py): the people at the desk of the ticket's
site now (then later today) with the category's skills, by level and then fewest open tickets,
each with the reason in words; and, when nobody on shift can, who is on call with their
phone. Shifts are written straight into the roster here. On every configured back end.

"Now" is Tuesday 24 November 2026, 10:00 UTC: 10:00 in London (HQ), 05:00 in New York."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from app.errors import NotFoundError
from app.roster.shift_types import type_of_kind
from app.staff import StaffDetails, deactivate, save_staff_details
from app.tickets.actions import TicketDraft, change_status, create_ticket
from app.tickets.suggest import Suggestions, suggest_assignees
from models.engine import write_session
from models.enums import ShiftKind, TicketStatus
from models.org import Category
from models.roster import CategorySkill, Shift
from tests.conftest import NOW, Org
from tests.test_staff_details import give_skills, skill_named

HOUR = timedelta(hours=1)


def _shift(
    engine: Engine,
    staff_id: uuid.UUID,
    site_id: uuid.UUID,
    starts: str,
    hours: float,
    kind: ShiftKind = ShiftKind.DESK,
) -> None:
    """A shift of ``kind`` starting at ``starts`` ("HH:MM" UTC today, "-HH:MM" yesterday,
    "+HH:MM" tomorrow) and lasting ``hours``."""
    day = {"-": -1, "+": 1}.get(starts[0], 0)
    hour, minute = (int(part) for part in starts.lstrip("+-").split(":"))
    begins = NOW.replace(hour=hour, minute=minute) + timedelta(days=day)
    with write_session(engine) as session:
        shift_type = type_of_kind(session, kind)
        assert shift_type is not None
        session.add(
            Shift(
                staff_id=staff_id,
                shift_type_id=shift_type.id,
                site_id=site_id,
                starts_at=begins,
                ends_at=begins + hours * HOUR,
            )
        )


def _needs(engine: Engine, category_id: uuid.UUID, levels: dict[str, int]) -> None:
    with write_session(engine) as session:
        for name, level in levels.items():
            skill = skill_named(session, name)
            session.add(CategorySkill(category_id=category_id, skill_id=skill.id, level=level))


def _assign(engine: Engine, org: Org, staff_id: uuid.UUID, count: int) -> None:
    """``count`` open tickets assigned to ``staff_id``."""
    for number in range(count):
        draft = TicketDraft(summary=f"Ticket {number}", caller_id=org.alice, assignee_id=staff_id)
        create_ticket(engine, draft, org.ada)


def _offered(found: Suggestions) -> list[tuple[str, str]]:
    return [(person.name, person.reason) for person in found.people]


def test_people_with_the_skill_come_by_level_then_by_fewest_open_tickets(
    engine: Engine, org: Org
) -> None:
    _needs(engine, org.wan, {"Networking": 2})
    give_skills(engine, org.bob, {"Networking": 3})
    give_skills(engine, org.ann, {"Networking": 2})
    give_skills(engine, org.mia, {"Networking": 2})
    give_skills(engine, org.ada, {"Networking": 1})  # below the level the category needs
    for person, starts in ((org.bob, "07:00"), (org.ann, "07:00"), (org.mia, "09:00")):
        _shift(engine, person, org.hq, starts, 8)
    _shift(engine, org.ada, org.hq, "07:00", 8)
    _assign(engine, org, org.bob, 2)
    _assign(engine, org, org.mia, 1)
    done = create_ticket(
        engine, TicketDraft(summary="Done", caller_id=org.alice, assignee_id=org.ann), org.ada
    )
    change_status(engine, done.id, done.version, TicketStatus.RESOLVED, org.ada, "fixed")

    found = suggest_assignees(engine, org.wan, org.hq)

    assert _offered(found) == [
        ("Bob Tech", "on shift until 15:00 · Networking 3 · 2 open tickets"),
        ("Ann Operator", "on shift until 15:00 · Networking 2 · no open tickets"),
        ("Mia Manager", "on shift until 17:00 · Networking 2 · 1 open ticket"),
    ]
    assert [str(skill) for skill in found.needed] == ["Networking 2"]
    assert (found.message, found.on_call) == ("", ())
    bob = found.people[0]
    assert (bob.staff_id, [str(skill) for skill in bob.skills], bob.open_tickets) == (
        org.bob,
        ["Networking 3"],
        2,
    )
    assert [p.name for p in suggest_assignees(engine, org.wan, org.hq, limit=2).people] == [
        "Bob Tech",
        "Ann Operator",
    ]


def test_every_skill_the_category_needs_counts_and_their_levels_add_up(
    engine: Engine, org: Org
) -> None:
    _needs(engine, org.wan, {"Networking": 1, "Firewalls": 1})
    give_skills(engine, org.bob, {"Networking": 1, "Firewalls": 1})
    give_skills(engine, org.ann, {"Networking": 1, "Firewalls": 3})
    give_skills(engine, org.mia, {"Networking": 3})  # no firewalls
    for person in (org.bob, org.ann, org.mia):
        _shift(engine, person, org.hq, "07:00", 8)
    assert _offered(suggest_assignees(engine, org.wan, org.hq)) == [
        ("Ann Operator", "on shift until 15:00 · Firewalls 3 · Networking 1 · no open tickets"),
        ("Bob Tech", "on shift until 15:00 · Firewalls 1 · Networking 1 · no open tickets"),
    ]


def test_those_on_shift_now_come_before_those_starting_later_today(
    engine: Engine, org: Org
) -> None:
    _shift(engine, org.bob, org.hq, "15:00", 4)  # later today
    _shift(engine, org.ann, org.hq, "07:00", 8)  # now
    _shift(engine, org.mia, org.hq, "+07:00", 8)  # tomorrow
    _shift(engine, org.ada, org.hq, "01:00", 8)  # over at 09:00
    _shift(engine, org.mia, org.branch, "09:00", 8)  # at the other site
    _assign(engine, org, org.ann, 3)
    assert _offered(suggest_assignees(engine, org.printing, org.hq)) == [
        ("Ann Operator", "on shift until 15:00 · 3 open tickets"),
        ("Bob Tech", "on shift from 15:00 to 19:00 · no open tickets"),
    ]


def test_without_skills_to_match_everyone_on_shift_comes_by_fewest_open_tickets(
    engine: Engine, org: Org
) -> None:
    for person in (org.bob, org.ann, org.mia):
        _shift(engine, person, org.hq, "08:00", 8)
    _assign(engine, org, org.bob, 2)
    _assign(engine, org, org.ann, 1)
    expected = ["Mia Manager", "Ann Operator", "Bob Tech"]
    for category in (org.printing, None):
        assert [p.name for p in suggest_assignees(engine, category, org.hq).people] == expected


def test_a_subcategory_without_skills_of_its_own_needs_its_parents(
    engine: Engine, org: Org
) -> None:
    with write_session(engine) as session:
        wifi = Category(name="Wi-Fi", parent_id=org.wan)
        session.add(wifi)
        session.flush()
        wifi_id = wifi.id
    _needs(engine, org.wan, {"Networking": 2})
    give_skills(engine, org.bob, {"Networking": 2})
    _shift(engine, org.bob, org.hq, "07:00", 8)
    _shift(engine, org.ann, org.hq, "07:00", 8)
    assert [p.name for p in suggest_assignees(engine, wifi_id, org.hq).people] == ["Bob Tech"]
    _needs(engine, wifi_id, {"Wireless": 1})
    needed = suggest_assignees(engine, wifi_id, org.hq).needed
    assert [str(skill) for skill in needed] == ["Wireless 1"]


def test_people_away_or_deactivated_are_not_offered(engine: Engine, org: Org) -> None:
    for person in (org.bob, org.ann, org.mia):
        _shift(engine, person, org.hq, "07:00", 8)
    _shift(engine, org.bob, org.hq, "00:00", 24, ShiftKind.SICK)
    _shift(engine, org.ann, org.hq, "09:00", 3, ShiftKind.TRAINING)
    _shift(engine, org.ada, org.hq, "16:00", 3)  # later, but on leave then
    _shift(engine, org.ada, org.hq, "00:00", 24, ShiftKind.LEAVE)
    assert [p.name for p in suggest_assignees(engine, None, org.hq).people] == ["Mia Manager"]
    deactivate(engine, org.ada, org.mia)
    found = suggest_assignees(engine, None, org.hq)
    assert found.people == ()
    assert found.message.startswith("Nobody is on a desk shift at HQ for the rest of today")


def test_nobody_on_shift_with_the_skill_is_said_and_who_is_on_call_is_listed(
    engine: Engine, org: Org
) -> None:
    _needs(engine, org.wan, {"Networking": 2})
    give_skills(engine, org.ann, {"Networking": 1})
    give_skills(engine, org.bob, {"Networking": 3})
    save_staff_details(engine, org.mia, org.bob, StaffDetails(phone="07700 900123"))
    _shift(engine, org.ann, org.hq, "07:00", 8)
    _shift(engine, org.mia, org.branch, "-22:00", 14, ShiftKind.ON_CALL)  # 17:00-07:00 NY
    _shift(engine, org.bob, org.hq, "-17:00", 24, ShiftKind.ON_CALL)  # until 17:00 today
    _shift(engine, org.ada, org.hq, "17:00", 15, ShiftKind.ON_CALL)  # not yet
    _assign(engine, org, org.bob, 1)

    found = suggest_assignees(engine, org.wan, org.hq)

    assert found.people == ()
    assert found.message == (
        "Nobody on shift at HQ today has Networking 2 or above; ring whoever is on call."
    )
    assert [(p.name, p.phone, p.reason) for p in found.on_call] == [
        (
            "Bob Tech",
            "+44 7700 900123",
            "on call until 17:00 at HQ · +44 7700 900123 · Networking 3 · 1 open ticket",
        ),
        (
            "Mia Manager",
            "",
            "on call until 12:00 at NY · no phone on record · no open tickets",
        ),
    ]


def test_nobody_on_shift_and_nobody_on_call_is_said_in_words(engine: Engine, org: Org) -> None:
    _needs(engine, org.wan, {"Networking": 2, "Routers": 1})
    found = suggest_assignees(engine, org.wan, org.hq)
    assert (found.people, found.on_call) == ((), ())
    assert found.message == (
        "Nobody is on a desk shift at HQ for the rest of today; nobody is on call now either."
    )
    _shift(engine, org.ann, org.hq, "07:00", 8)
    assert suggest_assignees(engine, org.wan, org.hq).message == (
        "Nobody on shift at HQ today has Networking 2 or above and Routers; nobody is on call "
        "now either."
    )


def test_today_and_the_times_are_the_sites_own(engine: Engine, org: Org) -> None:
    # In New York it is 05:00: a shift from 20:00 there (01:00 UTC tomorrow) is still today,
    # one from 00:30 there is not; a night desk shift ends tomorrow morning.
    _shift(engine, org.bob, org.branch, "+01:00", 8)  # 20:00-04:00 New York
    _shift(engine, org.ann, org.branch, "+05:30", 8)  # 00:30 tomorrow in New York
    _shift(engine, org.mia, org.branch, "07:00", 12)  # 02:00-14:00 New York
    assert _offered(suggest_assignees(engine, None, org.branch)) == [
        ("Mia Manager", "on shift until 14:00 · no open tickets"),
        ("Bob Tech", "on shift from 20:00 to 04:00 tomorrow · no open tickets"),
    ]
    later = suggest_assignees(engine, None, org.branch, now=NOW + 19 * HOUR)  # midnight there
    assert _offered(later) == [
        ("Bob Tech", "on shift until 04:00 · no open tickets"),
        ("Ann Operator", "on shift from 00:30 to 08:30 · no open tickets"),
    ]


def test_a_site_or_category_that_is_gone_is_reported(engine: Engine, org: Org) -> None:
    with pytest.raises(NotFoundError, match="site is not on this database"):
        suggest_assignees(engine, org.wan, uuid.uuid4())
    with pytest.raises(NotFoundError, match="category is not on this database"):
        suggest_assignees(engine, uuid.uuid4(), org.hq)
