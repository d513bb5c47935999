"""Migrations: empty -> head, refusal of newer schemas and of files that are not ours."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from models.db import DatabaseError, make_engine, refuse_network_share
from models.migrate import SchemaTooNewError, head_revision, schema_state, upgrade
from models.schema import metadata


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_database_migrates_to_head_with_every_table(engine: Engine) -> None:
    state = schema_state(engine)
    assert state.current == head_revision()
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.search import is_search_object

    options = {"include_name": lambda name, _kind, _parent: not is_search_object(name)}
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts=options), metadata)
    assert diff == []


def test_schema_head_constant_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from models.migrate import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == head_revision()


def test_opening_a_current_database_does_not_load_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "current.db"
    upgrade(make_engine(f"sqlite:///{path}"))
    code = (
        "import sys\n"
        "from app.database import open_database\n"
        f"open_database('sqlite:///{path}')\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    assert upgrade(engine).up_to_date
    assert upgrade(engine).current == head_revision()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    engine.dispose()
    before = digest(path)
    with pytest.raises(SchemaTooNewError, match="newer version"):
        upgrade(make_engine(f"sqlite:///{path}"))
    assert digest(path) == before


def test_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: milk, eggs\n" * 50)
    before = digest(path)
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        upgrade(make_engine(f"sqlite:///{path}"))
    assert digest(path) == before


def test_other_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    before = digest(path)
    with pytest.raises(DatabaseError, match="belongs to another program"):
        upgrade(make_engine(f"sqlite:///{path}"))
    assert digest(path) == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_network_share_is_refused_with_an_explanation(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\nserver:/export /mnt/share nfs4 rw 0 0\n"
        "//nas/office /mnt/office cifs rw 0 0\n"
    )
    for folder in ("/mnt/share/helpdesk.db", "/mnt/office/sub/helpdesk.db"):
        with pytest.raises(DatabaseError, match="PostgreSQL"):
            refuse_network_share(Path(folder), mounts)
    refuse_network_share(Path("/home/ann/helpdesk.db"), mounts)
    with pytest.raises(DatabaseError, match="UNC"):
        refuse_network_share(Path("//nas/office/helpdesk.db"), mounts)


def test_sqlite_connections_use_the_durable_settings(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'settings.db'}")
    with engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "busy_timeout": 10_000,
    }


def test_write_transactions_take_the_lock_at_begin(tmp_path: Path) -> None:
    """A second writer waits for the lock instead of failing half-way (BEGIN IMMEDIATE)."""
    from models.db import write_session

    path = tmp_path / "lock.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with write_session(engine) as session:
        session.connection()
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_an_older_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    """A database from revision 0001 with a ticket in it: the start-up migration keeps a
    copy as it was, then upgrades, and the search index knows the old ticket."""
    from app.defaults import seed_sla_and_matrix
    from app.queue import QueueFilter, QueueQuery
    from app.tickets import TicketDraft, create_ticket
    from models.db import write_session
    from models.org import Site
    from tests.conftest import database_at_revision

    path = tmp_path / "old.db"
    engine = database_at_revision(path, "0001")
    with write_session(engine) as session:
        seed_sla_and_matrix(session)
        site = Site(code="HQ", name="Head office", timezone="Europe/London")
        session.add(site)
        session.flush()
        site_id = site.id
    create_ticket(engine, TicketDraft(summary="Projector flickers", site_id=site_id), None)

    state = upgrade(engine)
    assert state.current == head_revision()
    [backup] = tmp_path.glob("old.before-*.db")
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT summary FROM ticket").fetchall() == [("Projector flickers",)]
    found = QueueQuery(engine, None).count(QueueFilter(text="projector"))
    assert found == 1
