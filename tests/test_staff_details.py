"""Staff details (app/staff.py): phone, home site, contracted hours and teams, kept by managers
and audited in words; the directory with teams and skills, and its search; and deactivated
people left out of every picker. On every configured back end."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from app.audit import recent
from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.org.teams import team_detail
from app.permissions import Action, refusal
from app.pick_lists import ticket_choices
from app.queue.choices import queue_choices
from app.staff import (
    StaffDetails,
    StaffRow,
    change_role,
    deactivate,
    hours_text,
    list_staff,
    minutes_from_hours,
    save_staff_details,
    search_staff,
    staff_details,
)
from models.audit import AuditEvent
from models.engine import read_session, write_session
from models.enums import StaffRole
from models.org import Staff
from models.roster import Skill, StaffSkill
from tests.conftest import Org


def _row(engine: Engine, staff_id: uuid.UUID) -> StaffRow:
    return next(row for row in list_staff(engine) if row.id == staff_id)


def _trail(engine: Engine, subject: uuid.UUID) -> list[tuple[str, str, str]]:
    """(actor, kind, detail) about ``subject``, newest first."""
    return [(line.actor, line.kind, line.detail) for line in recent(engine, subject_id=subject)]


def _audit_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def skill_named(session: Session, name: str) -> Skill:
    """The skill called ``name``, added if the database lacks it."""
    skill = session.exec(select(Skill).where(Skill.name == name)).first()
    if skill is None:
        skill = Skill(name=name)
        session.add(skill)
        session.flush()
    return skill


def give_skills(engine: Engine, staff_id: uuid.UUID, levels: dict[str, int]) -> None:
    """Give ``staff_id`` these skills at these levels."""
    with write_session(engine) as session:
        for name, level in levels.items():
            session.add(
                StaffSkill(staff_id=staff_id, skill_id=skill_named(session, name).id, level=level)
            )


def _names(rows: list[StaffRow]) -> list[str]:
    return [row.name for row in rows]


def test_a_manager_saves_a_persons_details_and_the_trail_says_what_changed(
    engine: Engine, org: Org
) -> None:
    details = StaffDetails(
        phone=" 020 7946  0018 ",
        home_site_id=org.hq,
        contracted_minutes=minutes_from_hours("37.5"),
        team_ids=frozenset({org.network, org.desk}),
    )
    save_staff_details(engine, org.mia, org.bob, details)
    bob = _row(engine, org.bob)
    assert (bob.phone, bob.home_site, bob.teams, bob.contracted_minutes) == (
        "+44 20 7946 0018",
        "HQ",
        ("Network", "Service desk"),
        2250,
    )
    assert hours_text(bob.contracted_minutes) == "37.5"
    assert _trail(engine, org.bob) == [
        (
            "Mia Manager",
            "staff changed",
            "Bob Tech: phone none → +44 20 7946 0018; home site none → HQ; "
            "hours a week none → 37.5; joined Network, Service desk",
        )
    ]
    saved = staff_details(engine, org.bob)
    assert saved == StaffDetails(
        "+44 20 7946 0018", org.hq, 2250, frozenset({org.network, org.desk})
    )
    before = _audit_count(engine)
    save_staff_details(engine, org.mia, org.bob, details)  # as typed before: nothing changes
    save_staff_details(engine, org.mia, org.bob, saved)
    assert _audit_count(engine) == before


def test_leaving_a_team_and_clearing_details_are_told_too(engine: Engine, org: Org) -> None:
    full = StaffDetails("4567", org.branch, 2400, frozenset({org.network, org.desk}))
    save_staff_details(engine, org.ada, org.bob, full)
    save_staff_details(engine, org.ada, org.bob, StaffDetails(team_ids=frozenset({org.desk})))
    assert _trail(engine, org.bob)[0][2] == (
        "Bob Tech: phone 4567 → none; home site NY → none; hours a week 40 → none; left Network"
    )
    bob = _row(engine, org.bob)
    assert (bob.phone, bob.home_site, bob.teams, bob.contracted_minutes) == (
        "",
        "",
        ("Service desk",),
        None,
    )
    assert bob.team == "Network"  # the home team Bob was added with stays


@pytest.mark.parametrize(
    ("typed", "site", "saved"),
    [
        ("(212) 555-0100", "branch", "+1 212-555-0100"),  # read in New York's region
        ("+1 212 555 0100", "hq", "+1 212-555-0100"),  # written internationally
        ("07700 900123", "hq", "+44 7700 900123"),
        ("020 7946 0018 ext. 12", "hq", "+44 20 7946 0018 x12"),
        ("4567", "hq", "4567"),  # an extension is no whole number: kept as typed
        ("555-1234", "branch", "555-1234"),  # local only, no area code: kept as typed
        ("020 7946 0018", None, "+44 20 7946 0018"),  # no home site: the desk's own region
    ],
)
def test_a_phone_is_saved_in_international_form_where_it_can_be_read(
    engine: Engine, org: Org, typed: str, site: str | None, saved: str
) -> None:
    home = getattr(org, site) if site else None
    save_staff_details(engine, org.mia, org.ann, StaffDetails(phone=typed, home_site_id=home))
    assert _row(engine, org.ann).phone == saved


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("37.5", 2250), ("37,5", 2250), ("37:30", 2250), (" 40 ", 2400), ("0", 0), ("", None)],
)
def test_hours_are_typed_as_hours_and_kept_as_minutes(typed: str, minutes: int | None) -> None:
    assert minutes_from_hours(typed) == minutes


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(2250, "37.5"), (2400, "40"), (2235, "37.25"), (2240, "37:20"), (0, "0"), (None, "")],
)
def test_hours_are_shown_as_they_are_typed_back(minutes: int | None, shown: str) -> None:
    assert hours_text(minutes) == shown
    assert minutes_from_hours(shown) == minutes


@pytest.mark.parametrize("typed", ["abc", "37.5h", "-5", "37:75", "1234"])
def test_hours_that_are_no_number_are_refused_at_their_field(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        minutes_from_hours(typed)
    assert "like 37.5 or 37:30" in refused.value.problems["hours"]


def test_every_problem_is_named_at_its_field_and_nothing_is_saved(engine: Engine, org: Org) -> None:
    before = (list_staff(engine), _audit_count(engine))
    wrong = StaffDetails(
        phone="ext 12",
        home_site_id=uuid.uuid4(),
        contracted_minutes=81 * 60,
        team_ids=frozenset({org.network, uuid.uuid4()}),
    )
    with pytest.raises(ValidationError) as refused:
        save_staff_details(engine, org.mia, org.bob, wrong)
    problems = refused.value.problems
    assert set(problems) == {"phone", "home_site", "hours", "teams"}
    assert "at least three digits" in problems["phone"]
    assert "choose another" in problems["home_site"]
    assert "81 hours a week is not a contract; type 0 to 80" in problems["hours"]
    assert "refresh and choose again" in problems["teams"]
    with pytest.raises(ValidationError) as refused:
        save_staff_details(engine, org.mia, org.bob, StaffDetails(phone="0" * 41))
    assert refused.value.problems == {
        "phone": "The number has 41 characters; use at most 40.",
    }
    assert (list_staff(engine), _audit_count(engine)) == before


def test_someone_deactivated_keeps_their_teams_but_joins_no_new_one(
    engine: Engine, org: Org
) -> None:
    save_staff_details(engine, org.mia, org.bob, StaffDetails(team_ids=frozenset({org.network})))
    deactivate(engine, org.ada, org.bob)
    kept = StaffDetails(phone="4567", team_ids=frozenset({org.network}))
    save_staff_details(engine, org.mia, org.bob, kept)
    with pytest.raises(ValidationError) as refused:
        save_staff_details(
            engine, org.mia, org.bob, StaffDetails(team_ids=frozenset({org.network, org.desk}))
        )
    assert refused.value.problems == {
        "teams": "Bob Tech is deactivated; reactivate them on the Staff page before adding "
        "them to a team."
    }
    assert _row(engine, org.bob).teams == ("Network",)


def test_managers_and_admins_keep_details_and_roles_stay_with_admins(
    engine: Engine, org: Org
) -> None:
    before = (list_staff(engine), _audit_count(engine))
    for actor in (org.ann, org.bob):
        with pytest.raises(PermissionDenied) as refused:
            save_staff_details(engine, actor, org.bob, StaffDetails(phone="4567"))
        assert str(refused.value) == refusal(Action.EDIT_STAFF_DETAILS)
    with pytest.raises(PermissionDenied, match="Only an admin can manage staff and roles"):
        change_role(engine, org.mia, org.bob, StaffRole.MANAGER)
    assert (list_staff(engine), _audit_count(engine)) == before
    save_staff_details(engine, org.mia, org.bob, StaffDetails(phone="4567"))
    save_staff_details(engine, org.ada, org.bob, StaffDetails(phone="4568"))
    assert _row(engine, org.bob).phone == "4568"


def test_a_person_who_is_gone_is_reported_as_such(engine: Engine, org: Org) -> None:
    with pytest.raises(NotFoundError, match="refresh the list"):
        save_staff_details(engine, org.mia, uuid.uuid4(), StaffDetails())
    with pytest.raises(NotFoundError, match="refresh the list"):
        staff_details(engine, uuid.uuid4())


def test_the_directory_lists_skills_with_their_levels_by_name(engine: Engine, org: Org) -> None:
    give_skills(engine, org.bob, {"Printers": 1, "Networking": 3})
    skills = _row(engine, org.bob).skills
    assert [str(skill) for skill in skills] == ["Networking 3", "Printers 1"]
    assert _row(engine, org.ann).skills == ()


@pytest.fixture
def directory(engine: Engine, org: Org) -> Org:
    """Bob on the network team with a London number and networking; Ann on the desk with a
    New York one and printers; Mia with an e-mail address."""
    save_staff_details(
        engine,
        org.mia,
        org.bob,
        StaffDetails("020 7946 0018", org.hq, team_ids=frozenset({org.network})),
    )
    save_staff_details(
        engine,
        org.mia,
        org.ann,
        StaffDetails("(212) 555-0100", org.branch, team_ids=frozenset({org.desk})),
    )
    give_skills(engine, org.bob, {"Networking": 3})
    give_skills(engine, org.ann, {"Printers": 2})
    with write_session(engine) as session:
        session.execute(
            update(Staff).where(col(Staff.id) == org.mia).values(email="mia.boss@example.org")
        )
    return org


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("", ["Ada Admin", "Ann Operator", "Bob Tech", "Mia Manager"]),
        ("tech", ["Bob Tech"]),  # a part of the name
        ("ANN", ["Ann Operator"]),  # the user name, ignoring case
        ("network", ["Bob Tech"]),  # a team (and a skill)
        ("print", ["Ann Operator"]),  # a skill
        ("desk", ["Ann Operator"]),  # a team
        ("technician", ["Bob Tech"]),  # the role
        ("bob networking", ["Bob Tech"]),  # every word somewhere
        ("ann networking", []),
        ("boss@example", ["Mia Manager"]),  # the e-mail address
        ("020 7946 0018", ["Bob Tech"]),  # the number as dialled in London
        ("+44 20 7946 0018", ["Bob Tech"]),
        ("7946", ["Bob Tech"]),  # digits from inside the number
        ("212-555", ["Ann Operator"]),
        ("ann 0100", ["Ann Operator"]),  # a name and digits of the number
        ("nobody", []),
    ],
)
def test_the_directory_search_finds_people_by_what_they_are_known_by(
    engine: Engine, directory: Org, text: str, found: list[str]
) -> None:
    assert _names(search_staff(engine, text)) == found


def test_deactivated_people_are_found_only_when_asked_for(engine: Engine, directory: Org) -> None:
    deactivate(engine, directory.ada, directory.bob)
    assert _names(search_staff(engine, "tech")) == []
    assert _names(search_staff(engine, "")) == ["Ada Admin", "Ann Operator", "Mia Manager"]
    found = search_staff(engine, "tech", include_inactive=True)
    assert [(row.name, row.active) for row in found] == [("Bob Tech", False)]


def test_deactivated_people_are_in_no_picker(engine: Engine, org: Org) -> None:
    deactivate(engine, org.ada, org.bob)
    everyone_else = ["Ada Admin", "Ann Operator", "Mia Manager"]
    assert [choice.label for choice in ticket_choices(engine).lists.staff] == everyone_else
    assert [choice.label for choice in queue_choices(engine, "ann").lists.staff] == everyone_else
    assert org.bob not in {member.id for member in team_detail(engine, org.desk).candidates}


def test_details_and_skills_are_saved_together_or_not_at_all(engine: Engine, org: Org) -> None:
    from app.training.skills import save_skill

    networking = save_skill(engine, org.ada, "Networking")
    details = StaffDetails(phone="020 7946 0018", home_site_id=org.hq)
    save_staff_details(engine, org.mia, org.bob, replace(details, skills={networking: 2}))
    assert [str(skill) for skill in _row(engine, org.bob).skills] == ["Networking 2"]

    gone = uuid.uuid4()  # a skill removed meanwhile: the whole save is refused
    with pytest.raises(ValidationError) as refused:
        save_staff_details(
            engine, org.mia, org.bob, replace(details, phone="020 7946 0999", skills={gone: 1})
        )
    assert "levels" in refused.value.problems
    row = _row(engine, org.bob)
    assert (row.phone, [str(skill) for skill in row.skills]) == (
        "+44 20 7946 0018",
        ["Networking 2"],
    )
