"""Skills: the list, a person's levels and a category's needs, who may change them, and the
audit trail in words (app/training/skills.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.errors import PermissionDenied, ValidationError
from app.permissions import Action, refusal
from app.training.skills import (
    category_skills,
    list_skills,
    save_skill,
    set_category_skills,
    set_staff_skills,
    staff_skills,
)
from models.audit import AuditEvent, AuditKind
from models.engine import read_session
from tests.conftest import Org


def _trail(engine: Engine, kind: AuditKind) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == kind.value)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
        return [row.detail for row in rows]


def test_skills_are_added_renamed_and_listed_by_name(engine: Engine, org: Org) -> None:
    printers = save_skill(engine, org.mia, "  Printers ")
    save_skill(engine, org.ada, "active directory")
    save_skill(engine, org.mia, "Printing", printers)
    save_skill(engine, org.mia, "Printing", printers)  # no change: no audit row
    assert [s.name for s in list_skills(engine)] == ["active directory", "Printing"]
    assert _trail(engine, AuditKind.SKILL_CHANGED) == [
        "Added skill Printers",
        "Added skill active directory",
        "Skill Printers renamed Printing",
    ]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("NETWORKING", "There is already a skill called Networking; choose another name."),
        ("   ", "Type the skill's name, such as Networking or Printers."),
        ("x" * 81, "The name has 81 characters; use at most 80."),
    ],
)
def test_a_missing_long_or_taken_name_is_refused(
    engine: Engine, org: Org, name: str, problem: str
) -> None:
    save_skill(engine, org.mia, "Networking")
    with pytest.raises(ValidationError) as refused:
        save_skill(engine, org.mia, name)
    assert refused.value.problems == {"name": problem}
    assert [s.name for s in list_skills(engine)] == ["Networking"]


def test_only_managers_and_admins_keep_the_skill_list(engine: Engine, org: Org) -> None:
    for actor in (org.ann, org.bob):
        with pytest.raises(PermissionDenied) as refused:
            save_skill(engine, actor, "Networking")
        assert str(refused.value) == refusal(Action.EDIT_STAFF_DETAILS)
    assert list_skills(engine) == []


def test_a_person_levels_are_set_changed_and_taken_away_in_words(engine: Engine, org: Org) -> None:
    network = save_skill(engine, org.mia, "Networking")
    printers = save_skill(engine, org.mia, "Printers")
    directory = save_skill(engine, org.mia, "Active Directory")

    set_staff_skills(engine, org.mia, org.bob, {network: 2, printers: 1})
    set_staff_skills(engine, org.mia, org.bob, {network: 3, directory: 1})
    set_staff_skills(engine, org.mia, org.bob, {network: 3, directory: 1})  # the same: nothing

    assert [(s.name, s.level) for s in staff_skills(engine, org.bob)] == [
        ("Active Directory", 1),
        ("Networking", 3),
    ]
    assert _trail(engine, AuditKind.STAFF_CHANGED) == [
        "Skills of Bob Tech: Networking added at level 2; Printers added at level 1",
        "Skills of Bob Tech: Active Directory added at level 1; Networking 2 → 3; "
        "Printers removed (was 1)",
    ]
    assert staff_skills(engine, org.ann) == []


def test_a_level_outside_one_to_three_or_an_unknown_skill_changes_nothing(
    engine: Engine, org: Org
) -> None:
    network = save_skill(engine, org.mia, "Networking")
    set_staff_skills(engine, org.mia, org.bob, {network: 1})
    with pytest.raises(ValidationError) as refused:
        set_staff_skills(engine, org.mia, org.bob, {network: 4})
    assert refused.value.problems == {
        "levels": "Give Networking a level from 1 (basic) to 3 (expert)."
    }
    with pytest.raises(ValidationError) as refused:
        set_staff_skills(engine, org.mia, org.bob, {org.alice: 1})
    assert "not on this database" in refused.value.problems["levels"]
    assert [(s.name, s.level) for s in staff_skills(engine, org.bob)] == [("Networking", 1)]


def test_levels_are_staff_details_and_a_category_needs_are_the_category(
    engine: Engine, org: Org
) -> None:
    network = save_skill(engine, org.mia, "Networking")
    with pytest.raises(PermissionDenied) as refused:
        set_staff_skills(engine, org.bob, org.bob, {network: 3})
    assert str(refused.value) == refusal(Action.EDIT_STAFF_DETAILS)
    with pytest.raises(PermissionDenied) as refused:
        set_category_skills(engine, org.bob, org.wan, {network: 2})
    assert str(refused.value) == refusal(Action.MANAGE_CATEGORIES)

    set_category_skills(engine, org.mia, org.wan, {network: 2})
    assert [(s.name, s.level) for s in category_skills(engine, org.wan)] == [("Networking", 2)]
    assert _trail(engine, AuditKind.CATEGORY_CHANGED) == [
        "Skills Network outage needs: Networking added at level 2"
    ]
    assert staff_skills(engine, org.bob) == []
