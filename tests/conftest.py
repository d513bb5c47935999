"""Shared fixtures: a clock of the tests' own, a fresh, migrated database per test on SQLite
and, when configured, on PostgreSQL (each test in its own schema), plus a small organisation
to work with."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QRunnable
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.context import AppContext
from app.defaults import seed_sla_and_matrix
from app.logging_setup import remove_logging
from models.clock import use_source
from models.engine import make_engine, write_session
from models.enums import StaffRole
from models.migrate import upgrade
from models.org import Category, Site, Staff, Team
from models.people import Asset, Caller
from ui.kit.tasks import pending as pending_tasks
from ui.kit.tasks import use_pool

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The user folders (data, cache with the integrity-check memo, logs) of a test run are its
# own, never those of the person running the tests.
_USER_DIRS = Path(tempfile.mkdtemp(prefix="switchboard-tests-"))
for _name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
    os.environ[_name] = str(_USER_DIRS / _name.lower())
# Windows started by tests listen for screen pops on a channel of this test run, never on
# the one of a Switchboard the person running the tests has open.
os.environ.setdefault("SWITCHBOARD_INSTANCE_NAME", f"switchboard-tests-{os.getpid()}")

PG_URL = os.environ.get("SWITCHBOARD_TEST_PG", "")


@pytest.fixture(autouse=True)
def own_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no remembered layout (window size, column widths), so no test
    sees the size another one left behind."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def in_london() -> Iterator[None]:
    """The workstation is in London (local times on screen), whatever the machine running
    the tests says."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/London"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[None]:
    """Every test runs on a desktop without a keyring (as a server or CI runner is): none
    reads or writes the keyring of the person running the tests. A test that needs one
    sets its own (tests/test_server_password.py)."""
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture(autouse=True)
def no_leftover_logging() -> Iterator[None]:
    """What a test's ``switchboard`` command installed for logging goes with the test: its
    console handler writes to that test's captured stderr, closed once the test is over."""
    yield
    remove_logging()


@pytest.fixture(autouse=True)
def no_leftover_window(request: pytest.FixtureRequest) -> Iterator[None]:
    """No main window outlives its test: its timers (the attention rules' round, the queue's
    poll) would fire in a later test, on a database dropped since. Windows closed and handed
    to ``deleteLater`` (qtbot's, :func:`dispose_window`) are deleted here first."""
    yield
    if QApplication.instance() is None:
        return  # no window was ever made
    from ui.shell.main_window import MainWindow

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    left = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    for window in left:  # not into the next test
        dispose_window(window)
    if left:
        pytest.fail(f"{request.node.nodeid} left {len(left)} main window(s) alive")


# "Now" in every test: a Tuesday morning, inside business hours at the sites of ``org``.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


class RunningClock:
    """The tests' clock: it starts at a fixed moment and runs forward at the speed of the
    monotonic clock. Dates never depend on the day the suite runs, and rows written one
    after another still get increasing times, as they would in use."""

    def __init__(self, start: datetime) -> None:
        self.set(start)

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._base)

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``; the clock runs on from there."""
        self._start, self._base = moment, time.monotonic()

    def advance(self, delta: timedelta) -> None:
        self._start += delta


@pytest.fixture(autouse=True)
def clock() -> Iterator[RunningClock]:
    """Every test reads "now" from a :class:`RunningClock` that starts at :data:`NOW`."""
    running = RunningClock(NOW)
    with use_source(running):
        yield running


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


@contextmanager
def scratch_database() -> Iterator[tuple[str, str]]:
    """A new, empty PostgreSQL database of its own (name, URL as the test login), dropped
    afterwards with every role whose name starts with its name: for what is per database
    (roles, grants, a whole Switchboard opened by its URL) and must not touch the shared
    test database."""
    if not PG_URL:
        pytest.skip("set SWITCHBOARD_TEST_PG to run against PostgreSQL")
    name = f"sb_{uuid.uuid4().hex[:10]}"
    root = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with root.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield name, make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with root.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            roles = connection.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"), {"p": f"{name}_%"}
            ).scalars()
            for role in roles:
                connection.execute(text(f'DROP ROLE "{role}"'))
        root.dispose()


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


# Options of the main window's pages in tests: the queue does not poll the database (a
# test refreshes by hand, and nothing changes under it while it looks).
QUIET = {
    "queue": {"poll_ms": 0},
    "ticket": {"poll_ms": 0},
    "assets": {"poll_ms": 0},
    "calls": {"on_now_ms": 0},
    "roster": {"on_now_ms": 0},
    "dashboard": {"refresh_ms": 0},
    "problems": {"poll_ms": 0},
}  # no polling: tests drive the changes


@dataclass(frozen=True)
class Org:
    """Ids of a small organisation: two sites, two teams, four staff, callers, an asset."""

    hq: uuid.UUID
    branch: uuid.UUID
    desk: uuid.UUID
    network: uuid.UUID
    ann: uuid.UUID  # operator on the service desk
    bob: uuid.UUID  # technician on the network team
    mia: uuid.UUID  # manager
    ada: uuid.UUID  # admin (staff and roles, backups)
    alice: uuid.UUID  # caller at HQ
    zoe: uuid.UUID  # caller at the branch
    laptop: uuid.UUID
    printing: uuid.UUID  # category routed to the desk
    wan: uuid.UUID  # category routed to the network team


@pytest.fixture
def org(engine: Engine) -> Org:
    return make_org(engine)


def make_org(engine: Engine) -> Org:
    """Write the small organisation of :class:`Org` into ``engine``'s database."""
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
        ada = Staff(name="Ada Admin", username="ada", role=StaffRole.ADMIN)
        alice = Caller(name="Alice Müller", email="alice@example.org", site_id=hq.id)
        zoe = Caller(name="Zoe O'Brien", email="zoe@example.org", site_id=branch.id, vip=True)
        printing = Category(name="Printing", default_team_id=desk.id)
        wan = Category(name="Network outage", default_team_id=network.id)
        s.add_all([ann, bob, mia, ada, alice, zoe, printing, wan])
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
            ada=ada.id,
            alice=alice.id,
            zoe=zoe.id,
            laptop=laptop.id,
            printing=printing.id,
            wan=wan.id,
        )


def make_context(engine: Engine, org: Org) -> AppContext:
    """The session of Ann, the service-desk operator."""
    return AppContext(
        engine=engine, me=org.ann, username="ann", name="Ann Operator", role="Operator"
    )


class InlinePool:
    """Runs each background task at once, on the GUI thread, instead of in a worker thread
    (Picard's FakeThreadPool): a test has no workers to wait for, and each answer still
    arrives later, from the event loop, as it does in the program. Tasks can be held back
    (:meth:`holding`) and run afterwards, to show what becomes of an answer that comes late."""

    def __init__(self) -> None:
        self.held: list[QRunnable] = []
        self._holding = False

    def start(self, runnable: QRunnable) -> None:
        if self._holding:
            self.held.append(runnable)
        else:
            runnable.run()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Tasks started inside the block wait until :meth:`run_held`."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def run_held(self, which: int | None = None) -> None:
        """Run the held tasks in the order they were started, or only the one at ``which``."""
        if which is not None:
            self.held.pop(which).run()
            return
        held, self.held = self.held, []
        for runnable in held:
            runnable.run()


@pytest.fixture(autouse=True)
def tasks(request: pytest.FixtureRequest) -> Iterator[InlinePool | None]:
    """Background tasks run inline (:class:`InlinePool`), except in tests marked
    ``real_threads``, which are about running in other threads."""
    if request.node.get_closest_marker("real_threads") is not None:
        yield None
        return
    pool = InlinePool()
    with use_pool(pool):
        yield pool


def drain_tasks() -> None:
    """Deliver every answer still on its way (waiting for worker threads, in a test that
    has them), so none outlives the test's database."""
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone()
    for _ in range(20):  # an answer may start another task, whose answer comes next
        if not pending_tasks():
            return
        QCoreApplication.sendPostedEvents()


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


def hang_up(window: MainWindow) -> None:
    """End the call on the line, if any, so that closing the window asks nothing."""
    end = window.action("endCall")
    if end.isEnabled():
        end.trigger()


def dispose_window(window: MainWindow) -> None:
    """End a test's window for good: hang up, close, and delete it now, so none of its
    timers (a filter typed a moment before the test ended) fires in the next test, on a
    database that is gone; then deliver the answers still on their way."""
    hang_up(window)
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    drain_tasks()


def answer_questions(
    monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton
) -> list[str]:
    """Make every question box (QMessageBox.question) answer ``button``; returns the texts
    of the questions asked, as they are asked."""
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def as_manager(context: AppContext, org: Org) -> AppContext:
    """Mia the manager's session, for the pages and dialogs that are a manager's job."""
    from dataclasses import replace

    return replace(context, me=org.mia, username="mia", name="Mia Manager", role="Manager")


def as_admin(context: AppContext, org: Org) -> AppContext:
    """Ada the admin's session, for what only admins do (staff, erasing personal data)."""
    from dataclasses import replace

    return replace(context, me=org.ada, username="ada", name="Ada Admin", role="Admin")
