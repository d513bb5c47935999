"""Who someone is on a database: its creator is its admin, everyone after an operator, and a
database made by ``demo-data`` says so (the one place ``--user`` may name anyone)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from app.db_lifecycle import open_database
from app.defaults import ensure_staff
from app.demo import DemoSpec, generate
from app.demo.catalog import _STAFF
from app.demo.roster import EXTRA_STAFF
from app.startup import user_option_problem
from models.engine import read_session, write_session
from models.enums import StaffRole
from models.facts import MADE_BY, MADE_BY_DEMO_DATA, read_fact, read_fact_from_file
from models.org import Staff

SMALL = DemoSpec(callers=20, tickets=30, months=1, seed=3)


def roles(engine: Engine) -> dict[str, StaffRole]:
    with read_session(engine) as session:
        return {staff.username: staff.role for staff in session.exec(select(Staff))}


def test_the_first_person_on_a_database_is_its_admin_and_the_next_an_operator(
    engine: Engine,
) -> None:
    first = ensure_staff(engine, "ann")
    ensure_staff(engine, "bob")
    assert ensure_staff(engine, "ann") == first
    assert roles(engine) == {"ann": StaffRole.ADMIN, "bob": StaffRole.OPERATOR}


def test_the_person_who_made_the_demo_is_its_admin_and_the_demo_staff_stay(
    engine: Engine,
) -> None:
    generate(engine, SMALL, operator_username="me.at.desk")
    found = roles(engine)
    assert found.pop("me.at.desk") == StaffRole.ADMIN
    # Everyone else is as demo-data lists them (the first operator gave way to me).
    listed = {username: role for _name, username, role, _team, _site in _STAFF[1:]}
    listed |= {username: role for _name, username, role, _team, _site in EXTRA_STAFF}
    assert found == listed
    assert read_fact(engine, MADE_BY) == MADE_BY_DEMO_DATA


def test_a_database_not_made_by_demo_data_carries_no_such_fact(engine: Engine) -> None:
    assert read_fact(engine, MADE_BY) is None


def test_the_fact_is_read_from_a_file_without_changing_it(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    engine = open_database(f"sqlite:///{path}", create=True)
    try:
        generate(engine, SMALL, operator_username="me.at.desk")
    finally:
        engine.dispose()
    before = path.read_bytes()
    assert read_fact_from_file(path, MADE_BY) == MADE_BY_DEMO_DATA
    assert path.read_bytes() == before


def test_user_option_is_refused_on_a_real_database_and_taken_on_a_demo(tmp_path: Path) -> None:
    real = f"sqlite:///{tmp_path / 'real.db'}"
    open_database(real, create=True).dispose()
    demo = tmp_path / "demo.db"
    demo_engine = open_database(f"sqlite:///{demo}", create=True)
    try:
        generate(demo_engine, SMALL)
    finally:
        demo_engine.dispose()

    problem = user_option_problem(real, demo=False, username="ceo")
    assert problem is not None and problem.startswith("--user works only on a demo database;")
    assert user_option_problem(f"sqlite:///{demo}", demo=False, username="ceo") is None
    # A database the start is about to create: a demo only when --demo makes it one.
    missing = f"sqlite:///{tmp_path / 'new.db'}"
    assert user_option_problem(missing, demo=True, username="ceo") is None
    assert user_option_problem(missing, demo=False, username="ceo") is not None


def test_a_database_made_before_there_were_admins_gets_one(engine: Engine) -> None:
    with write_session(engine) as session:  # staff of an older version: all operators
        session.add(Staff(name="Ann", username="ann", role=StaffRole.OPERATOR))
        session.add(Staff(name="Bob", username="bob", role=StaffRole.OPERATOR))

    ensure_staff(engine, "bob")  # bob owns the file and starts Switchboard on it
    ensure_staff(engine, "kim")

    assert roles(engine) == {
        "ann": StaffRole.OPERATOR,
        "bob": StaffRole.ADMIN,  # the first to start it: on SQLite, the owner of the file
        "kim": StaffRole.OPERATOR,
    }
