"""Units of work on the shared server (models/engine.py): a read holds no transaction open,
and a write on the same pooled connection afterwards is one transaction again."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlmodel import col

from models.engine import read_connection, write_session
from models.org import Site

ON_THE_SERVER = pytest.mark.parametrize(
    "engine", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def _pid(connection: Connection) -> int:
    """The server process serving ``connection``."""
    return int(connection.connection.dbapi_connection.info.backend_pid)  # type: ignore[union-attr]


def _state(engine: Engine, pid: int) -> str:
    """What the server says the connection ``pid`` is doing, seen from another connection."""
    with engine.connect() as other:
        state = other.scalar(text("SELECT state FROM pg_stat_activity WHERE pid = :p"), {"p": pid})
    return str(state)


@ON_THE_SERVER
def test_a_read_leaves_no_transaction_open_while_its_connection_is_held(engine: Engine) -> None:
    """The caller card stays open while the operator talks: its connection must not sit
    "idle in transaction", which holds back VACUUM and every lock a migration needs."""
    with read_connection(engine) as connection:
        assert connection.scalar(select(func.count(col(Site.id)))) == 0
        assert _state(engine, _pid(connection)) == "idle"


@ON_THE_SERVER
def test_a_write_after_a_read_on_the_same_connection_is_rolled_back_whole(engine: Engine) -> None:
    with read_connection(engine) as connection:
        read_pid = _pid(connection)
    with pytest.raises(RuntimeError), write_session(engine) as session:
        write_pid = _pid(session.connection())
        session.add(Site(id=uuid.uuid4(), code="HQ", name="Head office"))
        session.flush()
        raise RuntimeError("the second half of the change failed")
    assert write_pid == read_pid  # the pool handed back the connection the read used
    with read_connection(engine) as connection:
        assert connection.scalar(select(func.count(col(Site.id)))) == 0
