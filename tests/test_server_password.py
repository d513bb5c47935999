"""The shared server's password where ~/.pgpass has none (app/server_password.py): the
system keyring first, then the person; kept in the keyring only when they ask."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import exc

from app.cli import main
from app.server_password import (
    SERVICE,
    kept_password_for,
    keyring_available,
    keyring_entry,
    remember_password,
    stored_password,
)
from tests.conftest import scratch_database

URL = "postgresql+psycopg://ann@db.example/desk"


class MemoryKeyring(KeyringBackend):
    """A keyring of this test's own (the machine may have none, or someone's real one)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(before)


def _refused(words: str = "fe_sendauth: no password supplied") -> Exception:
    return exc.OperationalError("connect", {}, Exception(f"connection failed: {words}"))


def test_a_password_is_kept_per_login_server_and_database(memory_keyring: MemoryKeyring) -> None:
    assert keyring_available()
    assert keyring_entry(URL) == "ann@db.example:5432/desk"
    remember_password(URL, "s3cret")
    assert memory_keyring.kept == {(SERVICE, "ann@db.example:5432/desk"): "s3cret"}
    assert stored_password(URL) == "s3cret"
    assert stored_password("postgresql+psycopg://bob@db.example/desk") is None


def test_the_keyring_is_asked_only_after_a_refusal_for_want_of_a_password(
    memory_keyring: MemoryKeyring,
) -> None:
    remember_password(URL, "s3cret")
    assert kept_password_for(URL, _refused()) == "s3cret"
    assert kept_password_for(URL, _refused("password authentication failed")) == "s3cret"
    assert kept_password_for(URL, _refused('role "ann" does not exist')) is None
    # A URL that carries a password was refused with it: the keyring's is not tried.
    assert kept_password_for("postgresql+psycopg://ann:typo@db.example/desk", _refused()) is None


def test_without_a_keyring_nothing_is_kept_and_nothing_fails() -> None:
    assert not keyring_available()  # every test's desktop has none (tests/conftest.py)
    assert stored_password(URL) is None
    remember_password(URL, "s3cret")  # logged, not raised
    assert kept_password_for(URL, _refused()) is None


def test_a_command_uses_the_keyrings_password_without_asking(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.cli

    urls: list[str] = []

    def check(_args: object, url: str) -> int:
        urls.append(url)
        if len(urls) == 1:
            raise _refused()
        return 0

    remember_password(URL, "s3cret")
    monkeypatch.setitem(app.cli.COMMANDS, "check", check)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert main(["check", "--db", URL]) == 0
    assert urls == [URL, "postgresql+psycopg://ann:s3cret@db.example/desk"]


@pytest.mark.postgres
def test_a_typed_password_is_kept_when_asked_to(memory_keyring: MemoryKeyring) -> None:
    """The test server trusts its logins, so any password opens it: what matters is where
    the typed one goes."""
    from app.context import AppContext
    from app.startup import open_session

    with scratch_database() as (_name, url):
        context = open_session(url, demo=False, password="typed at start", remember=True)
        assert isinstance(context, AppContext)
        context.engine.dispose()
        assert stored_password(url) == "typed at start"
        context = open_session(url, demo=False, password="not kept")
        assert isinstance(context, AppContext)
        context.engine.dispose()
        assert stored_password(url) == "typed at start"
