"""Shared fixtures: a fresh, migrated database per test on SQLite and, when configured, on
PostgreSQL (each test in its own schema), plus a small organisation to work with."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from app.context import AppContext
from app.defaults import seed_sla_and_matrix
from models.engine import make_engine, write_session
from models.enums import StaffRole
from models.migrate import upgrade
from models.org import Category, Site, Staff, Team
from models.people import Asset, Caller

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Windows started by tests listen for screen pops on a channel of this test run, never on
# the one of a Switchboard the person running the tests has open.
os.environ.setdefault("SWITCHBOARD_INSTANCE_NAME", f"switchboard-tests-{os.getpid()}")

PG_URL = os.environ.get("SWITCHBOARD_TEST_PG", "")


@contextmanager
def migrated_database(kind: str, folder: Path) -> Iterator[Engine]:
    """A migrated, empty database: a SQLite file in ``folder``, or a PostgreSQL schema of its
    own (dropped afterwards) when ``kind`` is "postgres" and SWITCHBOARD_TEST_PG is set."""
    if kind == "sqlite":
        eng = make_engine(f"sqlite:///{folder / 'switchboard.db'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    if not PG_URL:
        pytest.skip("set SWITCHBOARD_TEST_PG to run against PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        # Extensions are per database: keep them in public, outside the dropped schemas.
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    eng = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema},public"})
    try:
        upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_at_revision(path: Path, revision: str) -> Engine:
    """A SQLite database migrated only as far as ``revision``, to test later upgrades."""
    from alembic import command

    from models.migrate import alembic_config

    eng = make_engine(f"sqlite:///{path}")
    config = alembic_config()
    with eng.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return eng


BACK_ENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACK_ENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each back end."""
    with migrated_database(request.param, tmp_path) as eng:
        yield eng


@dataclass(frozen=True)
class Org:
    """Ids of a small organisation: two sites, two teams, three staff, callers, an asset."""

    hq: uuid.UUID
    branch: uuid.UUID
    desk: uuid.UUID
    network: uuid.UUID
    ann: uuid.UUID  # operator on the service desk
    bob: uuid.UUID  # technician on the network team
    mia: uuid.UUID  # manager
    alice: uuid.UUID  # caller at HQ
    zoe: uuid.UUID  # caller at the branch
    laptop: uuid.UUID
    printing: uuid.UUID  # category routed to the desk
    wan: uuid.UUID  # category routed to the network team


@pytest.fixture
def org(engine: Engine) -> Org:
    with write_session(engine) as s:
        seed_sla_and_matrix(s)
        hq = Site(code="HQ", name="Head office", timezone="Europe/London", holiday_country="GB")
        branch = Site(code="NY", name="New York", timezone="America/New_York", holiday_country="US")
        desk = Team(name="Service desk", is_service_desk=True)
        network = Team(name="Network")
        s.add_all([hq, branch, desk, network])
        s.flush()
        ann = Staff(name="Ann Operator", username="ann", role=StaffRole.OPERATOR, team_id=desk.id)
        bob = Staff(name="Bob Tech", username="bob", role=StaffRole.TECHNICIAN, team_id=network.id)
        mia = Staff(name="Mia Manager", username="mia", role=StaffRole.MANAGER)
        alice = Caller(name="Alice Müller", email="alice@example.org", site_id=hq.id)
        zoe = Caller(name="Zoe O'Brien", email="zoe@example.org", site_id=branch.id, vip=True)
        printing = Category(name="Printing", default_team_id=desk.id)
        wan = Category(name="Network outage", default_team_id=network.id)
        s.add_all([ann, bob, mia, alice, zoe, printing, wan])
        s.flush()
        laptop = Asset(tag="LT-0001", model="ThinkPad T14", site_id=hq.id, owner_id=alice.id)
        s.add(laptop)
        s.flush()
        return Org(
            hq=hq.id,
            branch=branch.id,
            desk=desk.id,
            network=network.id,
            ann=ann.id,
            bob=bob.id,
            mia=mia.id,
            alice=alice.id,
            zoe=zoe.id,
            laptop=laptop.id,
            printing=printing.id,
            wan=wan.id,
        )


def make_context(engine: Engine, org: Org) -> AppContext:
    """The session of Ann, the service-desk operator."""
    return AppContext(engine=engine, me=org.ann, username="ann")


def drain_tasks() -> None:
    """Let background queries finish and deliver, so none outlives the test's database."""
    from PySide6.QtCore import QCoreApplication, QThreadPool

    pool = QThreadPool.globalInstance()
    for _ in range(50):
        pool.waitForDone()
        QCoreApplication.processEvents()
        if pool.activeThreadCount() == 0:
            return


@pytest.fixture
def context(engine: Engine, org: Org) -> Iterator[AppContext]:
    """Ann's session on the test database; background work is drained afterwards."""
    yield make_context(engine, org)
    drain_tasks()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a PostgreSQL server configured, its variants are deselected (not skipped),
    so the SQLite run reports only what it really ran."""
    if PG_URL:
        return
    selected = [item for item in items if item.get_closest_marker("postgres") is None]
    deselected = [item for item in items if item.get_closest_marker("postgres") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
