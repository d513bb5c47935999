"""Courses: saving with the skill they teach, their validity and who must hold them; every
refusal at its field; retiring; the audit trail (app/training/courses.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.errors import PermissionDenied, ValidationError
from app.permissions import Action, refusal
from app.training.courses import (
    CourseDraft,
    course_detail,
    list_courses,
    restore_course,
    retire_course,
    save_course,
)
from app.training.skills import save_skill
from models.audit import AuditEvent, AuditKind
from models.engine import read_session
from models.enums import StaffRole
from tests.conftest import Org


def _trail(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == AuditKind.COURSE_CHANGED.value)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
        return [row.detail for row in rows]


def test_a_course_is_saved_with_its_skill_validity_and_who_must_hold_it(
    engine: Engine, org: Org
) -> None:
    network = save_skill(engine, org.mia, "Networking")
    draft = CourseDraft(
        " CCNA  Routing ",
        "Cisco",
        network,
        2,
        36,
        {StaffRole.TECHNICIAN, StaffRole.OPERATOR},
        {org.network},
        renewal_required=True,
    )
    course_id = save_course(engine, org.mia, draft)

    detail = course_detail(engine, course_id)
    assert detail.draft == replace(
        draft,
        name="CCNA Routing",
        required_roles=frozenset(draft.required_roles),
        required_team_ids=frozenset(draft.required_team_ids),
    )
    (row,) = list_courses(engine)
    assert (row.name, row.skill, row.validity_months, row.required_of) == (
        "CCNA Routing",
        "Networking (level 2)",
        36,
        "Operators, Technicians; team Network",
    )
    assert _trail(engine) == [
        "Added course CCNA Routing (provider Cisco, teaches Networking at level 2, valid 36 "
        "months, required of Operators, Technicians; team Network)"
    ]


def test_a_change_is_told_in_words_and_a_no_op_writes_nothing(engine: Engine, org: Org) -> None:
    draft = CourseDraft("Induction", required_roles={StaffRole.OPERATOR})
    course_id = save_course(engine, org.mia, draft)
    changed = replace(
        draft,
        validity_months=24,
        required_roles={StaffRole.TECHNICIAN},
        required_team_ids={org.desk},
    )
    save_course(engine, org.mia, changed, course_id)
    save_course(engine, org.mia, changed, course_id)

    assert course_detail(engine, course_id).draft.required_roles == {StaffRole.TECHNICIAN}
    assert course_detail(engine, course_id).draft.required_team_ids == {org.desk}
    assert _trail(engine)[1:] == [
        "Course Induction: valid forever → 24 months; required of Operators → Technicians; "
        "team Service desk"
    ]


def test_a_required_course_may_never_expire_unless_renewal_is_required(
    engine: Engine, org: Org
) -> None:
    induction = CourseDraft("Induction", required_roles={StaffRole.OPERATOR})
    save_course(engine, org.mia, induction)  # a one-off: fine
    with pytest.raises(ValidationError) as refused:
        save_course(engine, org.mia, replace(induction, name="First aid", renewal_required=True))
    assert refused.value.problems == {
        "validity_months": "The certificate must be renewed, so it cannot last forever: give "
        "its validity in months (24 for two years), or say that no renewal is required."
    }


def test_every_broken_rule_is_a_problem_at_its_field_and_nothing_is_saved(
    engine: Engine, org: Org
) -> None:
    network = save_skill(engine, org.mia, "Networking")
    save_course(engine, org.mia, CourseDraft("ITIL 4 Foundation"))
    with pytest.raises(ValidationError) as refused:
        save_course(
            engine,
            org.mia,
            CourseDraft("itil 4  foundation", "x" * 121, None, 2, 0, required_team_ids={org.alice}),
        )
    assert refused.value.problems == {
        "name": "There is already a course called ITIL 4 Foundation; choose another name.",
        "provider": "Shorten the provider to 120 characters or fewer.",
        "skill_level": "A level is the level of a skill: choose the skill the course teaches, "
        "or clear the level.",
        "validity_months": "A certificate is valid 1 to 120 months; leave the validity empty "
        "if it never expires.",
        "required_teams": "A team chosen is not on this database any more; refresh and choose "
        "again.",
    }
    with pytest.raises(ValidationError) as refused:
        save_course(engine, org.mia, CourseDraft("", skill_id=network, validity_months=121))
    assert set(refused.value.problems) == {"name", "skill_level", "validity_months"}
    assert [c.name for c in list_courses(engine)] == ["ITIL 4 Foundation"]


def test_a_retired_course_leaves_the_list_and_keeps_its_name(engine: Engine, org: Org) -> None:
    course_id = save_course(engine, org.mia, CourseDraft("Fire safety"))
    retire_course(engine, org.mia, course_id)
    retire_course(engine, org.mia, course_id)  # retired already: nothing more
    assert list_courses(engine) == []
    assert [c.retired for c in list_courses(engine, include_retired=True)] == [True]
    with pytest.raises(ValidationError) as refused:
        save_course(engine, org.mia, CourseDraft("FIRE SAFETY"))
    assert "(retired: restore it instead)" in refused.value.problems["name"]
    restore_course(engine, org.mia, course_id)
    assert [c.name for c in list_courses(engine)] == ["Fire safety"]
    assert _trail(engine)[1:] == ["Retired course Fire safety", "Restored course Fire safety"]


def test_only_managers_and_admins_change_courses(engine: Engine, org: Org) -> None:
    course_id = save_course(engine, org.ada, CourseDraft("Fire safety"))
    for actor in (org.ann, org.bob):
        with pytest.raises(PermissionDenied) as refused:
            save_course(engine, actor, CourseDraft("Mine"))
        assert str(refused.value) == refusal(Action.EDIT_TRAINING_LOG)
        with pytest.raises(PermissionDenied):
            retire_course(engine, actor, course_id)
    assert [c.name for c in list_courses(engine)] == ["Fire safety"]
