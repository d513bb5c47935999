"""What the training log's filters and dialogs offer (app/training/choices.py): teams, skills,
current courses, sites and active staff, each in order, from one read."""

from __future__ import annotations

from sqlalchemy import Engine

from app.staff import deactivate
from app.training.choices import training_choices
from app.training.courses import CourseDraft, retire_course, save_course
from app.training.skills import save_skill
from tests.conftest import Org


def test_the_lists_are_in_order_without_retired_courses_or_deactivated_staff(
    engine: Engine, org: Org
) -> None:
    save_skill(engine, org.mia, "Printers")
    save_skill(engine, org.mia, "networking")
    save_course(engine, org.mia, CourseDraft("ITIL 4", provider="PeopleCert"))
    save_course(engine, org.mia, CourseDraft("cabling"))
    retire_course(engine, org.mia, save_course(engine, org.mia, CourseDraft("Old course")))
    deactivate(engine, org.ada, org.bob)

    choices = training_choices(engine)

    assert [(t.id, t.label) for t in choices.teams] == [
        (org.network, "Network"),
        (org.desk, "Service desk"),
    ]
    assert [s.label for s in choices.skills] == ["networking", "Printers"]
    assert [(c.label, c.detail) for c in choices.courses] == [
        ("cabling", ""),
        ("ITIL 4", "PeopleCert"),
    ]
    assert [(s.id, s.label, s.detail) for s in choices.sites] == [
        (org.hq, "HQ", "Head office"),
        (org.branch, "NY", "New York"),
    ]
    assert [(p.label, p.detail) for p in choices.staff] == [
        ("Ada Admin", "ada"),
        ("Ann Operator", "ann"),
        ("Mia Manager", "mia"),
    ]
