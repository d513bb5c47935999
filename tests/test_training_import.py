"""Importing completions from an LMS export (app/training/csv_import.py): the mapping, every
row's problem on its line, the dry run, all or nothing, and re-imports that add nothing."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from app.audit import recent
from app.csv_table import RawTable
from app.errors import PermissionDenied, SwitchboardError
from app.permissions import Action, refusal
from app.staff import add_staff, deactivate
from app.training.completions import completions_of
from app.training.courses import CourseDraft, retire_course, save_course
from app.training.csv_import import (
    TrainingField,
    import_completions,
    plan_import,
    read_table,
    suggest_mapping,
)
from app.training.skills import save_skill, staff_skills
from models.engine import read_session
from models.enums import CompletionResult, StaffRole
from models.training import Completion
from tests.conftest import Org

EXPORT = (
    "Learner,Username,Course Title,Completion Date,Status,Certificate ID\n"
    "Bob Tech,bob,CCNA,2026-03-04,Completed,C-100\n"
    "Ann Operator,ANN,ccna,4 Mar 2026,Failed,\n"
    "Mia Manager,mia,Fire  safety,2026-11-02 14:22:00,Passed,F-7\n"
)


@pytest.fixture
def courses(engine: Engine, org: Org) -> dict[str, uuid.UUID]:
    network = save_skill(engine, org.mia, "Networking")
    return {
        "CCNA": save_course(engine, org.mia, CourseDraft("CCNA", "Cisco", network, 2, 36)),
        "Fire safety": save_course(engine, org.mia, CourseDraft("Fire safety")),
    }


def _table(tmp_path: Path, text: str) -> tuple[RawTable, dict[str, TrainingField]]:
    path = tmp_path / "lms.csv"
    path.write_text(text, encoding="utf-8")
    table = read_table(path)
    return table, suggest_mapping(table.headers)


def _count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(Completion)).one()


def test_the_surest_column_names_the_person() -> None:
    headers = ("Learner Name", "Learner Email", "Username", "Course Title", "Completion Date")
    assert suggest_mapping(headers) == {
        "Learner Name": TrainingField.IGNORE,
        "Learner Email": TrainingField.IGNORE,
        "Username": TrainingField.PERSON,
        "Course Title": TrainingField.COURSE,
        "Completion Date": TrainingField.DATE,
    }
    assert (
        suggest_mapping(("Full name", "E-mail", "Course", "Date"))["E-mail"] is TrainingField.PERSON
    )


def test_an_lms_export_imports_in_one_go(
    engine: Engine, org: Org, courses: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    table, mapping = _table(tmp_path, EXPORT)
    result = import_completions(engine, table, mapping, org.mia)

    assert (result.added, result.recorded, result.skipped, result.skills_raised) == (3, 0, 0, 1)
    (bob,) = completions_of(engine, org.bob)
    assert (bob.course, bob.completed_on, bob.result, bob.certificate, bob.expires_on) == (
        "CCNA",
        date(2026, 3, 4),
        CompletionResult.PASSED,  # "Completed" is how LMSs write a pass
        "C-100",
        date(2029, 3, 4),
    )
    assert (bob.confirmed, bob.recorded_by) == (True, "Mia Manager")
    (ann,) = completions_of(engine, org.ann)
    assert (ann.result, ann.expires_on) == (CompletionResult.FAILED, None)
    assert completions_of(engine, org.mia)[0].completed_on == date(2026, 11, 2)
    assert [(s.name, s.level) for s in staff_skills(engine, org.bob)] == [("Networking", 2)]
    assert recent(engine)[0].detail == (
        "Imported lms.csv: 3 completions added, 0 recorded already, 0 rows with problems "
        "skipped; 1 skills added or raised"
    )


def test_importing_the_same_file_again_adds_nothing(
    engine: Engine, org: Org, courses: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    table, mapping = _table(tmp_path, EXPORT)
    import_completions(engine, table, mapping, org.mia)
    audit_rows = len(recent(engine))
    again = import_completions(engine, table, mapping, org.mia)
    assert (again.added, again.recorded, again.skipped) == (0, 3, 0)
    assert _count(engine) == 3 and len(recent(engine)) == audit_rows


def test_a_file_naming_people_by_full_name_without_results_is_a_list_of_passes(
    engine: Engine, org: Org, courses: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    table, mapping = _table(tmp_path, "Name;Course;Date\nbob tech;CCNA;2026-03-04\n")
    plan = plan_import(engine, table, mapping)
    assert [(p.staff, p.course, p.result) for p in plan.adds] == [
        ("Bob Tech", "CCNA", CompletionResult.PASSED)
    ]


def test_every_problem_is_on_its_line_and_the_rest_is_imported(
    engine: Engine, org: Org, courses: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    add_staff(engine, org.ada, username="bob2", name="Bob Tech", role=StaffRole.TECHNICIAN)
    save_course(engine, org.mia, CourseDraft("Old course"))
    retire_course(engine, org.mia, courses["Fire safety"])
    deactivate(engine, org.ada, org.ann)
    text = (
        "Person,Course,Completed,Result,Certificate\n"
        "mia,CCNA,2026-03-04,passed,\n"  # 2: fine
        ",CCNA,2026-03-04,passed,\n"  # 3: no person
        "nobody,CCNA,2026-03-04,passed,\n"  # 4: unknown person
        "Bob Tech,CCNA,2026-03-04,passed,\n"  # 5: two people are called Bob Tech
        "ann,CCNA,2026-03-04,passed,\n"  # 6: deactivated
        "bob,Basket weaving,2026-03-04,passed,\n"  # 7: unknown course
        "bob,Fire safety,2026-03-04,passed,\n"  # 8: retired course
        "bob,CCNA,03/04/2026,passed,\n"  # 9: ambiguous date
        "bob,CCNA,n/a,passed,\n"  # 10: no date
        "bob,CCNA,2026-12-25,passed,\n"  # 11: in the future
        "bob,CCNA,2026-03-05,in progress,\n"  # 12: not a result
        "bob,CCNA,2026-03-06,passed," + "x" * 121 + "\n"  # 13: certificate too long
        "MIA,ccna,4 March 2026,Pass,\n"  # 14: the same as line 2
        "bob,Old course,,,\n"  # 15: no date, no result
    )
    table, mapping = _table(tmp_path, text)
    plan = plan_import(engine, table, mapping)
    assert {error.line: error.reason for error in plan.errors} == {
        3: "no person; name them by user name, e-mail or full name",
        4: "no staff member has the user name, e-mail or name 'nobody'",
        5: "2 staff members are called Bob Tech; name them by user name or e-mail",
        6: "Ann Operator is deactivated; reactivate them on the Staff page first",
        7: "no course is called 'Basket weaving'; add it to the training log first",
        8: "Fire safety is retired; restore it first",
        9: "date: 03/04/2026 could be 3 April or 4 March; write it as 2026-04-03 (year-month-day)",
        10: "date: n/a is not a date; write it as 2026-03-04 (year-month-day)",
        11: "completed on Fri 25 Dec 2026, after today (Tue 24 Nov 2026) where Bob Tech works",
        12: "the result 'in progress' is not known; write passed, failed or attended",
        13: "the certificate reference is longer than 120 characters",
        14: "the same completion as line 2; keep one of the two",
        15: "no completion date; no result; write passed, failed or attended",
    }
    assert [p.line for p in plan.adds] == [2]
    assert _count(engine) == 0  # a plan writes nothing

    result = import_completions(engine, table, mapping, org.mia)
    assert (result.added, result.skipped) == (1, 13)
    assert _count(engine) == 1


def test_strict_refuses_the_whole_file(
    engine: Engine, org: Org, courses: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    table, mapping = _table(tmp_path, EXPORT + "nobody,nobody,CCNA,2026-03-04,Passed,\n")
    with pytest.raises(SwitchboardError, match="1 rows have problems, so nothing was imported"):
        import_completions(engine, table, mapping, org.mia, strict=True)
    assert _count(engine) == 0 and staff_skills(engine, org.bob) == []


def test_a_file_without_a_person_course_or_date_column_is_refused(
    engine: Engine, org: Org, tmp_path: Path
) -> None:
    table, mapping = _table(tmp_path, "Username,Course\nbob,CCNA\n")
    with pytest.raises(SwitchboardError, match="No column gives the date"):
        plan_import(engine, table, mapping)
    doubled = {**mapping, "Course": TrainingField.PERSON}
    with pytest.raises(SwitchboardError, match="Several columns are imported as person"):
        import_completions(engine, table, doubled, org.mia)


def test_only_managers_and_admins_import(
    engine: Engine, org: Org, courses: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    table, mapping = _table(tmp_path, EXPORT)
    with pytest.raises(PermissionDenied) as refused:
        import_completions(engine, table, mapping, org.bob)
    assert str(refused.value) == refusal(Action.EDIT_TRAINING_LOG)
    assert _count(engine) == 0
