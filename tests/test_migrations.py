"""Migrations: empty -> head, refusal of newer schemas and of files that are not ours; the
phone numbers rewritten in canonical form by 0004, on both back ends."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from models.engine import DatabaseError, make_engine, refuse_network_share
from models.migrate import SchemaTooNewError, head_revision, schema_state, upgrade
from models.schema import metadata
from tests.conftest import BACK_ENDS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_database_migrates_to_head_with_every_table(engine: Engine) -> None:
    state = schema_state(engine)
    assert state.current == head_revision()
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.schema import described_by_models

    options = {"include_name": lambda name, _kind, _parent: described_by_models(name)}
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
        "from app.db_lifecycle import open_database\n"
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
    from models.engine import write_session

    path = tmp_path / "lock.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with write_session(engine) as session:
        session.connection()
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def add_as_of(engine: Engine, *objects: Any) -> None:
    """Write ``objects`` (instances of today's models) into a database of an older revision
    as its writers did: only the columns that revision has. Services and ORM sessions write
    today's columns, which an older schema lacks, so tests of old data never use them."""
    from sqlalchemy import column, inspect, table

    with engine.begin() as connection:
        inspector = inspect(connection)
        for item in objects:
            model = item.__table__
            present = {found["name"] for found in inspector.get_columns(model.name)}
            columns = [c for c in model.columns if c.name in present]
            written = table(model.name, *(column(c.name, c.type) for c in columns))
            values = {c.name: getattr(item, c.key) for c in columns}
            connection.execute(written.insert().values(values))


def _old_admin(engine: Engine) -> uuid.UUID:
    """An admin in a database of an older revision, written with the columns every revision
    has (today's Staff model has columns that older schemas lack)."""
    from sqlalchemy import column, insert, table

    from models.enums import StaffRole
    from models.types import UUIDType

    admin_id = uuid.uuid4()
    staff = table(
        "staff",
        column("id", UUIDType()),
        column("name"),
        column("username"),
        column("role"),
        column("active"),
    )
    with engine.begin() as connection:
        connection.execute(
            insert(staff).values(
                id=admin_id,
                name="Ada Admin",
                username="ada",
                role=int(StaffRole.ADMIN),
                active=True,
            )
        )
    return admin_id


def test_an_older_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    """A database from revision 0001 with a ticket in it: the start-up migration keeps a
    copy as it was, then upgrades, and the search index knows the old ticket."""
    from app.queue.query import QueueFilter, QueueQuery
    from models.org import Site
    from models.tickets import Ticket
    from tests.conftest import database_at_revision

    path = tmp_path / "old.db"
    engine = database_at_revision(path, "0001")
    site = Site(code="HQ", name="Head office", timezone="Europe/London")
    ticket = Ticket(number="HQ-000001", site_id=site.id, summary="Projector flickers", version=1)
    add_as_of(engine, site, ticket)

    state = upgrade(engine)
    assert state.current == head_revision()
    [backup] = tmp_path.glob("backups/old.migration-0001-to-*.db")
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT summary FROM ticket").fetchall() == [("Projector flickers",)]
    found = QueueQuery(engine, None).count(QueueFilter(text="projector"))
    assert found == 1


# ----------------------------------------------------------------------------- 0004: phones


@contextmanager
def database_at(kind: str, folder: Path, revision: str) -> Iterator[Engine]:
    """A database migrated only as far as ``revision``: a SQLite file, or a PostgreSQL
    schema of its own (dropped afterwards) when SWITCHBOARD_TEST_PG is set."""
    from alembic import command

    from models.migrate import alembic_config
    from tests.conftest import PG_URL, database_at_revision

    if kind == "sqlite":
        engine = database_at_revision(folder / "old.db", revision)
        yield engine
        engine.dispose()
        return
    if not PG_URL:
        pytest.skip("set SWITCHBOARD_TEST_PG to run against PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    engine = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema},public"})
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# Numbers as revision 0003 stored them (the digits as typed), and what 0004 makes of them.
OLD_PHONES = [
    # (caller, site, number, digits at 0003, digits at 0004)
    ("Alice London", "HQ", "020 7946 0018", "02079460018", "442079460018"),
    ("Bob York", "NY", "(212) 555-0100", "2125550100", "12125550100"),
    ("Carl Nosite", None, "+44 20 7946 0018", "442079460018", "442079460018"),
    ("Dora Desk", "HQ", "4567", "4567", "4567"),
    ("Ed Abroad", "NY", "+44 20 7946 0018 ext 12", "44207946001812", "44207946001812"),
    ("Fay Mobile", "HQ", "07700 900123", "07700900123", "447700900123"),
    ("Gus Paris", "PA", "01 23 45 67 89", "0123456789", "33123456789"),
]
BULK = 10_050  # more than one batch of the migration


def _fill_at_0003(engine: Engine) -> dict[str, uuid.UUID]:
    """Sites, the callers of OLD_PHONES and BULK more New York numbers, written as 0003's
    writers wrote them."""
    from sqlalchemy import insert

    from models.org import Site
    from models.people import Caller, CallerPhone

    sites = {
        "HQ": Site(code="HQ", name="Head office", holiday_country="GB"),
        "NY": Site(code="NY", name="New York", holiday_country="US"),
        "PA": Site(code="PA", name="Paris", holiday_country="fr"),
    }
    add_as_of(engine, *sites.values())
    ids = {}
    for name, site, number, digits, _new in OLD_PHONES:
        caller = Caller(name=name, site_id=sites[site].id if site else None)
        add_as_of(engine, caller, CallerPhone(caller_id=caller.id, number=number, digits=digits))
        ids[name] = caller.id
    crowd = Caller(name="Crowd York", site_id=sites["NY"].id)
    add_as_of(engine, crowd)
    crowd_id = crowd.id
    rows = [
        {
            "id": uuid.uuid4(),
            "caller_id": crowd_id,
            "number": f"(646) {200 + n // 10_000:03d}-{n % 10_000:04d}",
            "digits": f"646{200 + n // 10_000:03d}{n % 10_000:04d}",
            "label": "work",
        }
        for n in range(BULK)
    ]
    with engine.begin() as connection:
        connection.execute(insert(CallerPhone.__table__), rows)  # type: ignore[attr-defined]
    ids["Crowd York"] = crowd_id
    return ids


@pytest.mark.parametrize("kind", BACK_ENDS)
def test_0004_stores_every_number_in_canonical_form(kind: str, tmp_path: Path) -> None:
    from sqlalchemy import func, select
    from sqlmodel import col

    from app.callers.lookup import lookup
    from app.callers.merge import find_duplicates
    from models.engine import is_sqlite, read_session
    from models.people import Caller, CallerPhone

    with database_at(kind, tmp_path, "0003") as engine:
        ids = _fill_at_0003(engine)
        assert upgrade(engine).current == head_revision()
        with read_session(engine) as session:
            stored = dict(
                session.execute(
                    select(col(Caller.name), col(CallerPhone.digits))
                    .join(Caller, col(Caller.id) == col(CallerPhone.caller_id))
                    .where(col(Caller.name) != "Crowd York")
                ).all()
            )
            crowd = set(
                session.scalars(
                    select(col(CallerPhone.digits)).where(
                        col(CallerPhone.caller_id) == ids["Crowd York"]
                    )
                )
            )
            total = session.scalar(select(func.count()).select_from(CallerPhone))
        assert stored == {name: new for name, _s, _n, _old, new in OLD_PHONES}
        assert total == len(OLD_PHONES) + BULK
        assert len(crowd) == BULK and all(d.startswith("1646") and len(d) == 11 for d in crowd)

        # The screen pop and the duplicate finder see one number where 0003 saw two.
        hits = {hit.id for hit in lookup(engine, "+442079460018")}
        assert {ids["Alice London"], ids["Carl Nosite"]} <= hits
        assert [hit.id for hit in lookup(engine, "+1 212 555 0100")] == [ids["Bob York"]]
        assert [hit.id for hit in lookup(engine, "7946 0018 12")] == [ids["Ed Abroad"]]
        groups = [{c.id for c in group.callers} for group in find_duplicates(engine)]
        assert {ids["Alice London"], ids["Carl Nosite"]} in groups

        if is_sqlite(engine):  # the trigram index follows the rewritten digits
            with engine.connect() as connection:
                connection.exec_driver_sql(
                    "INSERT INTO caller_phone_fts(caller_phone_fts, rank) "
                    "VALUES ('integrity-check', 1)"
                )

                def matching(digits: str) -> int:
                    return int(
                        connection.exec_driver_sql(
                            "SELECT count(*) FROM caller_phone_fts WHERE caller_phone_fts MATCH ?",
                            (f'"{digits}"',),
                        ).scalar_one()
                    )

                assert matching("12125550100") == 1
                assert matching("02079460018") == 0  # the old digits are gone
                assert matching("1646") == BULK


def test_0004_downgrades_to_the_digits_as_typed(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import select
    from sqlmodel import col

    from models.engine import read_session
    from models.migrate import alembic_config
    from models.people import CallerPhone
    from tests.conftest import database_at_revision

    engine = database_at_revision(tmp_path / "old.db", "0003")
    _fill_at_0003(engine)
    upgrade(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    with read_session(engine) as session:
        rows = dict(session.execute(select(col(CallerPhone.number), col(CallerPhone.digits))).all())
    for _name, _site, number, old, _new in OLD_PHONES:
        assert rows[number] == old
    with engine.connect() as connection:
        connection.exec_driver_sql(
            "INSERT INTO caller_phone_fts(caller_phone_fts, rank) VALUES ('integrity-check', 1)"
        )


# ------------------------------------------------------------------- 0006: escalated flags


def _tickets_as_0005_wrote_them(engine: Engine) -> dict[str, uuid.UUID]:
    """A plain ticket, one handed to another team, one flagged to a manager and one both,
    with the flags as writers before 0006 left them (a flag to a manager set ``escalated``
    too); and one whose hand-over event lost its flag."""

    from models.enums import EventKind
    from models.org import Site, Team
    from models.tickets import Ticket, TicketEvent

    site = Site(code="HQ", name="Head office", timezone="Europe/London")
    desk, network = Team(name="Service desk"), Team(name="Network")
    add_as_of(engine, site, desk, network)
    admin = _old_admin(engine)
    ids = {}
    for seq, name in enumerate(("plain", "handed", "flagged", "both", "unflagged"), start=1):
        handed = name in ("handed", "both", "unflagged")
        flagged = name in ("flagged", "both")
        ticket = Ticket(
            number=f"HQ-{seq:06d}",
            site_id=site.id,
            summary=f"Ticket {name}",
            team_id=network.id if handed else desk.id,
            # Before 0006 a flag to a manager set ``escalated`` too; one hand-over lost it.
            escalated=(handed or flagged) and name != "unflagged",
            manager_flagged=flagged,
            version=1 + handed + flagged,
        )
        events = [
            TicketEvent(
                ticket_id=ticket.id, ticket_version=1, actor_id=admin, kind=EventKind.CREATED
            )
        ]
        if handed:
            events.append(
                TicketEvent(
                    ticket_id=ticket.id,
                    ticket_version=2,
                    actor_id=admin,
                    kind=EventKind.ESCALATED,
                    note="Switch",
                )
            )
        if flagged:
            events.append(
                TicketEvent(
                    ticket_id=ticket.id,
                    ticket_version=ticket.version,
                    actor_id=admin,
                    kind=EventKind.MANAGER_FLAGGED,
                    note="VIP",
                )
            )
        add_as_of(engine, ticket, *events)
        ids[name] = ticket.id
    return ids


def _flags(engine: Engine) -> dict[uuid.UUID, tuple[object, ...]]:
    """Per ticket: escalated, manager_flagged, version, updated_at."""
    from sqlalchemy import select
    from sqlmodel import col

    from models.engine import read_session
    from models.tickets import Ticket

    columns = (Ticket.id, Ticket.escalated, Ticket.manager_flagged, Ticket.version)
    with read_session(engine) as session:
        rows = session.execute(select(*(col(c) for c in columns), col(Ticket.updated_at)))
        return {row[0]: tuple(row[1:]) for row in rows}


@pytest.mark.parametrize("kind", BACK_ENDS)
def test_0006_keeps_escalated_for_tickets_handed_to_another_team(kind: str, tmp_path: Path) -> None:
    """A ticket is escalated exactly when it has an ESCALATED event; flags to a manager
    stay, and no ticket looks changed (same version, same updated_at)."""
    with database_at(kind, tmp_path, "0005") as engine:
        ids = _tickets_as_0005_wrote_them(engine)
        before = _flags(engine)
        assert upgrade(engine).current == head_revision()
        after = _flags(engine)
    escalated = {name: after[ticket][0] for name, ticket in ids.items()}
    assert escalated == {
        "plain": False,
        "handed": True,
        "flagged": False,
        "both": True,
        "unflagged": True,
    }
    for ticket in ids.values():
        assert after[ticket][1:] == before[ticket][1:]  # flagged, version, updated_at


def test_0006_downgrades_to_flags_that_count_as_escalated(tmp_path: Path) -> None:
    from alembic import command

    from models.migrate import alembic_config
    from tests.conftest import database_at_revision

    engine = database_at_revision(tmp_path / "old.db", "0005")
    ids = _tickets_as_0005_wrote_them(engine)
    upgrade(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    flags = _flags(engine)
    assert [flags[ids[name]][0] for name in ("plain", "handed", "flagged", "both")] == [
        False,
        True,
        True,
        True,
    ]


# ------------------------------------------------------------------- 0007: staff sign-in


@pytest.mark.parametrize("kind", BACK_ENDS)
def test_0007_gives_existing_staff_no_password_and_no_failures(kind: str, tmp_path: Path) -> None:
    import sqlalchemy as sa
    from alembic import command

    from models.engine import read_session
    from models.migrate import alembic_config
    from models.org import Staff
    from models.types import UUIDType

    staff_at_0006 = sa.table(
        "staff",
        sa.column("id", UUIDType()),
        sa.column("name"),
        sa.column("username"),
        sa.column("role"),
        sa.column("active"),
    )
    ann_id = uuid.uuid4()
    with database_at(kind, tmp_path, "0006") as engine:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(staff_at_0006).values(
                    id=ann_id, name="Ann", username="ann", role=1, active=True
                )
            )
        assert upgrade(engine).current == head_revision()
        with read_session(engine) as session:
            ann = session.get(Staff, ann_id)
        assert ann is not None
        assert (ann.password_hash, ann.failed_sign_ins, ann.locked_until) == (None, 0, None)

        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
        with engine.connect() as connection:
            assert connection.execute(sa.select(staff_at_0006.c.username)).all() == [("ann",)]
            columns = {column["name"] for column in inspect(connection).get_columns("staff")}
        assert "password_hash" not in columns


# ------------------------------------------------------- 0009: organisation and reference data


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    from models.migrate import alembic_config

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@pytest.mark.parametrize("kind", BACK_ENDS)
def test_0009_keeps_teams_as_members_and_policies_as_the_defaults(
    kind: str, tmp_path: Path
) -> None:
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import select

    from app.defaults import DEFAULT_SLA_MINUTES
    from models.engine import read_session, write_session
    from models.enums import Priority
    from models.org import Site, SlaPolicy, Staff, Team, TeamMember

    with database_at(kind, tmp_path, "0008") as engine:
        desk = Team(name="Service desk")
        ann = Staff(name="Ann", username="ann", team_id=desk.id)
        policies = [
            SlaPolicy(priority=p, name=p.label, response_minutes=r, resolution_minutes=s)
            for p, (r, s) in DEFAULT_SLA_MINUTES.items()
        ]
        add_as_of(engine, desk, ann, *policies)
        assert upgrade(engine).current == head_revision()
        with read_session(engine) as session:
            members = session.exec(select(TeamMember)).all()
            current = session.exec(select(SlaPolicy)).all()
        assert [(m.team_id, m.staff_id) for m in members] == [(desk.id, ann.id)]
        assert len(current) == 4
        assert all((p.site_id, p.category_id, p.retired_at) == (None, None, None) for p in current)

        # An override for one site now sits beside the default of its priority...
        with write_session(engine) as session:
            site_id = uuid.uuid4()
            session.add(Site(id=site_id, code="NY", name="New York"))
            session.flush()
            session.add(
                SlaPolicy(
                    priority=Priority.HIGH,
                    name="NY high",
                    response_minutes=30,
                    resolution_minutes=240,
                    site_id=site_id,
                )
            )
        # ...while a second current default of one priority is refused.
        with pytest.raises(IntegrityError), write_session(engine) as session:
            session.add(
                SlaPolicy(
                    priority=Priority.HIGH, name="Twin", response_minutes=1, resolution_minutes=2
                )
            )
        # The older schema cannot hold an override: the downgrade says so and changes nothing.
        with pytest.raises(RuntimeError, match="SLA overrides"):
            _downgrade(engine, "0008")
        with write_session(engine) as session:
            session.exec(text("DELETE FROM sla_policy WHERE site_id IS NOT NULL"))
        _downgrade(engine, "0008")
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("sla_policy")}
            tables = set(inspect(connection).get_table_names())
            kept = connection.execute(text("SELECT count(*) FROM sla_policy")).scalar()
        assert "site_id" not in columns and "team_member" not in tables and kept == 4
        assert upgrade(engine).current == head_revision()  # and up again


# ---------------------------------------------------------------- 0010: roster and training


@pytest.mark.parametrize("kind", BACK_ENDS)
def test_0010_keeps_staff_with_no_roster_and_downgrades_to_staff_as_they_were(
    kind: str, tmp_path: Path
) -> None:
    from sqlmodel import select

    from models.engine import read_session
    from models.org import Staff, Team

    with database_at(kind, tmp_path, "0009") as engine:
        desk = Team(name="Service desk")
        ann = Staff(name="Ann", username="ann", team_id=desk.id)
        add_as_of(engine, desk, ann)
        assert upgrade(engine).current == head_revision()
        with read_session(engine) as session:
            [staff] = session.exec(select(Staff)).all()
        assert (staff.username, staff.phone, staff.home_site_id, staff.contracted_minutes) == (
            "ann",
            None,
            None,
            None,
        )
        _downgrade(engine, "0009")
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("staff")}
            tables = set(inspect(connection).get_table_names())
            kept = connection.execute(text("SELECT username FROM staff")).scalars().all()
        assert "phone" not in columns and "home_site_id" not in columns
        assert not tables & {"shift", "skill", "course", "completion"} and kept == ["ann"]
