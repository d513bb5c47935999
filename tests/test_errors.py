"""The one error path: failures of the environment and refused input are told in words a
person can act on; bugs go to the crash hook, never shown as a plain message."""

from __future__ import annotations

import errno
import sqlite3
import sys
import uuid
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, create_engine, exc, text
from sqlalchemy.engine import make_url

from app.errors import SwitchboardError, ValidationError
from models import errors
from models.engine import make_engine
from models.errors import environment_problem
from tests.conftest import drain_tasks
from ui.kit.errors import problem_text, show_failure
from ui.kit.tasks import run_task

Hook = tuple[type[BaseException], BaseException, TracebackType | None]


@pytest.fixture
def crash_hook(monkeypatch: pytest.MonkeyPatch) -> list[Hook]:
    """What reaches ``sys.excepthook`` (the crash dialog, in the program) during the test."""
    seen: list[Hook] = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: seen.append(args))
    return seen


def _damaged_database(path: Path) -> Engine:
    """A real database with one page in the middle overwritten, as a failing disk leaves it."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    connection.executemany("INSERT INTO note (body) VALUES (?)", [("x" * 500,)] * 200)
    connection.commit()
    connection.close()
    with path.open("r+b") as file:
        file.seek(4096 * 10)
        file.write(b"\xff" * 4096)
    return make_engine(f"sqlite:///{path}")


def test_a_damaged_database_file_is_named_as_such(tmp_path: Path) -> None:
    engine = _damaged_database(tmp_path / "damaged.db")
    with pytest.raises(exc.DatabaseError) as raised, engine.connect() as connection:
        connection.execute(text("SELECT count(*), max(length(body)) FROM note")).all()
    engine.dispose()
    assert environment_problem(raised.value) == errors.DAMAGED
    assert "switchboard restore" in errors.DAMAGED


def test_a_database_server_that_does_not_answer_is_named_as_such() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    with pytest.raises(exc.OperationalError) as raised:
        engine.connect()
    assert environment_problem(raised.value) == errors.SERVER_GONE


@pytest.mark.parametrize(
    ("driver_message", "meaning"),
    [
        ("database is locked", errors.LOCKED),
        ("database or disk is full", errors.DISK_FULL),
        ("attempt to write a readonly database", errors.READ_ONLY),
        ("disk I/O error", errors.NO_ANSWER),
    ],
)
def test_sqlite_operational_errors_say_what_to_do(driver_message: str, meaning: str) -> None:
    error = exc.OperationalError("INSERT ...", {}, sqlite3.OperationalError(driver_message))
    assert environment_problem(error) == meaning


def test_file_system_errors_say_what_happened() -> None:
    assert environment_problem(OSError(errno.ENOSPC, "No space left")) == errors.DISK_FULL
    denied = environment_problem(PermissionError(errno.EACCES, "Denied", "/srv/desk.db"))
    assert denied is not None and "/srv/desk.db" in denied and "permissions" in denied


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        KeyError("caller"),
        exc.IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("UNIQUE failed")),
    ],
)
def test_other_errors_are_not_blamed_on_the_environment(error: Exception) -> None:
    assert environment_problem(error) is None
    assert problem_text(error) is None


def test_refused_input_is_shown_as_written() -> None:
    assert problem_text(SwitchboardError("Pick a site first.")) == "Pick a site first."
    problems = {"name": "Give the view a name.", "sort": "Choose a column."}
    assert problem_text(ValidationError(problems)) == "Give the view a name.\nChoose a column."


def test_a_bug_goes_to_the_crash_hook_and_nothing_is_shown(crash_hook: list[Hook]) -> None:
    shown: list[str] = []
    bug = ZeroDivisionError("division by zero")
    show_failure(bug, shown.append)
    assert shown == []
    assert [(kind, error) for kind, error, _tb in crash_hook] == [(ZeroDivisionError, bug)]


def test_a_background_failure_without_a_handler_is_shown_over_its_page(
    qtbot: QtBot, crash_hook: list[Hook]
) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    page.show()

    def refuse() -> None:
        raise SwitchboardError("Nothing to import: the file is empty.")

    run_task(refuse, lambda _result: pytest.fail("no result expected"), parent=page)
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "failureMessage") is not None)
    message = page.findChild(QMessageBox, "failureMessage")
    assert message.text() == "Nothing to import: the file is empty."
    assert message.isVisible() and crash_hook == []
    message.close()


def test_a_background_bug_without_a_handler_reaches_the_crash_hook(
    qtbot: QtBot, crash_hook: list[Hook]
) -> None:
    page = QWidget()
    qtbot.addWidget(page)

    def broken() -> None:
        raise AttributeError("'NoneType' object has no attribute 'id'")

    run_task(broken, lambda _result: pytest.fail("no result expected"), parent=page)
    drain_tasks()
    assert [kind for kind, _error, _tb in crash_hook] == [AttributeError]
    assert page.findChild(QMessageBox) is None


@pytest.mark.parametrize(
    ("driver_message", "meaning"),
    [
        ("connection failed: fe_sendauth: no password supplied", errors.NO_PASSWORD),
        (
            'connection failed: FATAL:  password authentication failed for user "ann"',
            errors.WRONG_PASSWORD,
        ),
        ('connection failed: FATAL:  role "ann" is not permitted to log in', errors.LOGIN_STOPPED),
        ('connection failed: FATAL:  role "zed" does not exist', errors.NO_LOGIN),
    ],
)
def test_a_refused_server_log_in_says_what_to_do(driver_message: str, meaning: str) -> None:
    from models.errors import password_wanted

    error = exc.OperationalError("connect", {}, Exception(driver_message))
    assert environment_problem(error) == meaning
    assert password_wanted(error) == (meaning in (errors.NO_PASSWORD, errors.WRONG_PASSWORD))


@pytest.mark.postgres
def test_a_login_the_server_does_not_know_is_named_as_such() -> None:
    from tests.conftest import PG_URL

    url = make_url(PG_URL).set(username=f"nobody_{uuid.uuid4().hex[:8]}")
    engine = create_engine(url)
    with pytest.raises(exc.OperationalError) as raised:
        engine.connect()
    assert environment_problem(raised.value) == errors.NO_LOGIN
