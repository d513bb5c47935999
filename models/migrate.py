"""Schema migrations at start-up: validate the file, back it up, upgrade, refuse newer schemas.

A database is only ever touched once we know it is ours and older than the program: a file
that is not SQLite, is damaged, belongs to another program or carries a newer schema is
refused with a message and left exactly as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from models.engine import DatabaseError, sqlite_path
from models.errors import environment_problem
from models.sqlite_file import (
    VERSION_TABLE,
    IntegrityCache,
    check_sqlite_file,
    read_schema,
    require_sound,
)

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaBehindError(DatabaseError):
    """The shared server's schema is older than the program and this login may not upgrade
    it: only the database's owner migrates a shared server."""


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer Switchboard; this one must not touch it."""


@dataclass(frozen=True)
class SchemaState:
    """What the database says about its schema."""

    current: str | None
    head: str
    tables: frozenset[str]

    @property
    def is_empty(self) -> bool:
        return not self.tables

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


# The newest revision in migrations/versions. Start-up compares the database with this
# constant instead of loading Alembic (a large import), which only migrations need; a test
# keeps it equal to Alembic's own head.
SCHEMA_HEAD = "0017"


def head_revision() -> str:
    return SCHEMA_HEAD


def _read_state(engine: Engine) -> tuple[frozenset[str], str | None]:
    path = sqlite_path(str(engine.url))
    if path is not None:
        if not path.exists():
            return frozenset(), None
        return read_schema(path)
    tables = frozenset(inspect(engine).get_table_names())
    current = None
    if VERSION_TABLE in tables:
        with engine.connect() as connection:
            current = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return tables, current


def schema_state(engine: Engine) -> SchemaState:
    """Read the current revision and table list without changing anything."""
    head = head_revision()
    try:
        tables, current = _read_state(engine)
    except Exception as error:  # sqlite3.DatabaseError and friends: damaged or foreign file
        if sqlite_path(str(engine.url)) is None and environment_problem(error) is not None:
            raise  # the server refused the log-in, or is gone: said in its own words
        raise DatabaseError(f"The database cannot be read: {error}") from error
    return SchemaState(current=current, head=head, tables=tables - {VERSION_TABLE})


def validate(
    engine: Engine, *, thorough: bool = False, cache: IntegrityCache | None = None
) -> SchemaState:
    """Everything short of migrating: is this a Switchboard database we may open or upgrade?

    ``thorough`` adds SQLite's full integrity check, which reads the whole file (unless
    ``cache`` knows it clean): worth it before a migration, a restore or a bulk write, too
    slow for every start-up.
    """
    path = sqlite_path(str(engine.url))
    if path is not None:
        check_sqlite_file(path)
    state = schema_state(engine)
    if state.current is None and not state.is_empty:
        raise DatabaseError(
            f"The database at {engine.url.render_as_string(hide_password=True)} has tables "
            f"({', '.join(sorted(state.tables)[:5])}...) but no Switchboard schema version: it "
            "belongs to another program. It was left untouched."
        )
    if state.current not in (None, state.head) and state.current not in known_revisions():
        raise SchemaTooNewError(
            f"This database has schema version {state.current}, which this Switchboard does not "
            f"know (newest known: {state.head}). It was written by a newer version; install that "
            "version to open it. The database was left untouched."
        )
    if thorough and path is not None and state.current is not None:
        require_sound(path, cache or IntegrityCache(None))
    return state


def known_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def upgrade(
    engine: Engine,
    *,
    cache: IntegrityCache | None = None,
    after: Callable[[Connection], None] | None = None,
) -> SchemaState:
    """Validate, check and back up (when there is data to lose), then migrate to the newest
    schema. A damaged file is refused before anything is written. ``after`` runs in the
    migration's own transaction once the schema is current (the shared server's grants for
    new tables: see app/server_rules.py), so a schema never lands without it.

    On PostgreSQL only the owner of the schema migrates; anyone else is told to ask an admin,
    and nothing is tried."""
    state = validate(engine)
    if state.up_to_date:
        return state
    path = sqlite_path(str(engine.url))
    if path is None:
        _refuse_unless_owner(engine, state)
    if path is not None and state.current is not None:
        from models.sqlite_backup import migration_backup

        validate(engine, thorough=True, cache=cache)
        target = migration_backup(path, state.current, state.head)
        log.info("Backed up %s to %s before migrating", path, target)
    _run_upgrade(engine, after)
    log.info("Migrated database from %s to %s", state.current, state.head)
    return schema_state(engine)


def _run_upgrade(engine: Engine, after: Callable[[Connection], None] | None) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if after is not None:
            after(connection)


def owns_the_schema(connection: Connection, login: str | None = None) -> bool:
    """Whether ``login`` (this connection's where None) owns the Switchboard tables here, or
    is a superuser: who may migrate them, and whom a server's own rules leave alone."""
    return bool(
        connection.execute(
            text(
                "SELECT pg_has_role(coalesce(CAST(:login AS name), current_user), tableowner, "
                "'USAGE') FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename = :version"
            ),
            {"login": login, "version": VERSION_TABLE},
        ).scalar()
    )


def _refuse_unless_owner(engine: Engine, state: SchemaState) -> None:
    """On a server, refuse (before anything is written) a login that does not own the schema
    it would change: staff logins have no right to, and must not try."""
    where = engine.url.render_as_string(hide_password=True)
    with engine.connect() as connection:
        if state.current is None:
            may = connection.execute(
                text("SELECT has_schema_privilege(current_schema(), 'CREATE')")
            ).scalar()
        else:
            may = owns_the_schema(connection)
    if may:
        return
    if state.current is None:
        raise SchemaBehindError(
            f"{where} holds no Switchboard database yet, and your login may not create one. "
            "The database's owner sets it up: switchboard init, then switchboard admin "
            "setup-postgres, both with --db pointing at it."
        )
    raise SchemaBehindError(
        f"The database at {where} has schema version {state.current}; this Switchboard needs "
        f"{state.head}. Only the database's owner may upgrade it: ask an admin to run "
        "'switchboard admin migrate' as the owner, or use the Switchboard version that matches "
        "the server. Nothing was changed."
    )
