"""Realistic, deterministic demo data: an organisation, callers, assets, tickets, events, calls.

Why this exists: the queue, the caller search and the monthly report only show their real
behaviour (and their real speed) on a database that looks like a year of a busy help desk.
Trainers want a believable console to practise on, and the benchmarks in ``bench/`` need the
same million tickets every time, so the same seed always gives the same rows, down to the ids.

Why it does not use the ticket service: ``app.tickets.actions`` does several queries per change and
one flush per ticket; a million tickets that way would take hours. Instead each ticket's
life is simulated in plain Python (numbers, strings, epoch seconds) and the rows are written
in large batches:

* on SQLite through the driver's ``executemany`` with values already in the stored form
  (UUIDs as 16 raw bytes, timestamps as SQLAlchemy's naive-UTC text), with the secondary
  indexes and the triggers dropped during the load and re-created afterwards from their exact
  ``CREATE`` text, and ``synchronous=OFF`` on this one connection only;
* on PostgreSQL (psycopg) through binary ``COPY ... FROM STDIN`` with values in the server's
  binary form (UUIDs as 16 raw bytes, timestamps as microseconds since 2000), with every
  index, key, foreign key and trigger of the loaded tables dropped during the load and
  re-created afterwards from the catalogue's exact definitions (``pg_get_indexdef``,
  ``pg_get_constraintdef``, ``pg_get_triggerdef``), and ``synchronous_commit`` off for the
  load's own transactions;
* on any other back end (or with ``fast=False``) through SQLAlchemy Core inserts, whose type
  decorators do the conversion.

The triggers skipped by the fast paths are the search indexes' on SQLite (rebuilt in one pass
afterwards) and the ``report_store`` ones that forget kept report figures (all kept figures
are forgotten at the end instead: see ``writers._forget_kept_figures``). A failed load is
removed and whatever was dropped is put back, so the database is empty and whole again.

What must still hold is what the service would have produced: the SLA due dates are computed
with the very functions the service calls (``sla.due_dates`` over ``sla.policy_calendar``, the
pause rule of ``sla.resume``), breach flags follow from the timestamps, ``sla_due_at`` is the
running deadline of ``sla.running_due``, numbers are sequential per site in creation order and
the denormalised names match the linked rows. The tests check those invariants.

Events are condensed compared with the service so that a ticket has about four of them: the
CREATED event includes the routing to a team at creation, one ASSIGNED event stands for the
service's assignee (+ team + "New -> Assigned") events, and the resolution note and its minutes
ride on the "-> Resolved" status event. All events carry ``ticket_version`` 1, like the
generated tickets' ``version``.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, delete, func
from sqlalchemy import select as sa_select

from app.demo.catalog import _BULK_TABLES
from app.demo.common import EMPTY_ONLY, Progress, log
from app.demo.generator import _Generator
from app.demo.maintenance import generate_maintenance, wipe_maintenance
from app.demo.roster import generate_roster, wipe_roster
from app.demo.spec import DemoSpec, DemoSummary, as_of, parse_as_of
from app.demo.writers import _PostgresWriter, _SqliteWriter, _Writer
from app.errors import SwitchboardError, ValidationError
from app.org.first_run import skip_set_up
from models.engine import is_sqlite, write_session
from models.facts import MADE_BY, MADE_BY_DEMO_DATA, record_fact

__all__ = ["DemoSpec", "DemoSummary", "Progress", "as_of", "generate", "parse_as_of"]

# ----------------------------------------------------------------------------- entry point


def _refuse_non_empty(engine: Engine) -> None:
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(sa_select(func.count()).select_from(table)).scalar_one()
            for table in _BULK_TABLES
        }
    if any(counts.values()):
        found = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
        raise SwitchboardError(
            f"{EMPTY_ONLY}: this one already has {found}. Create a new database file "
            "(--db) for the demo."
        )


def _check_spec(spec: DemoSpec) -> None:
    problems = {}
    if spec.callers < 1:
        problems["callers"] = "At least one caller is needed."
    if spec.tickets < 0:
        problems["tickets"] = "The number of tickets cannot be negative."
    if not 1 <= spec.months <= 120:
        problems["months"] = "Choose between 1 and 120 months."
    if spec.now is not None and spec.now.tzinfo is None:
        problems["now"] = "Give an aware UTC time, e.g. datetime(2026, 3, 18, tzinfo=UTC)."
    if problems:
        raise ValidationError(problems)


def _wipe(engine: Engine) -> None:
    """Remove a half-finished load so the database is empty (and usable) again."""
    with engine.begin() as connection:
        wipe_maintenance(connection)
        wipe_roster(connection)
        for table in _BULK_TABLES:
            connection.execute(delete(table))


def generate(
    engine: Engine,
    spec: DemoSpec,
    progress: Progress | None = None,
    operator_username: str | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with a realistic year (or ``spec.months``) of work.

    Refuses (SwitchboardError) a database that already holds callers, tickets, assets or
    calls: demo rows must never mix with real ones. ``progress(stage, done, total)`` is called
    after every batch. If ``operator_username`` is given, the first service-desk operator gets
    that user name and the admin role, so the person at the workstation is one of the demo
    staff and its admin. The database records that it was made by ``demo-data``.
    """
    return _generate(engine, spec, progress, operator_username, fast=True)


def _writer(engine: Engine, fast: bool) -> _Writer:
    """The back end's fast writer, or Core inserts (where there is none, or ``fast`` is
    off)."""
    if fast and is_sqlite(engine):
        return _SqliteWriter(engine)
    if fast and engine.dialect.driver == "psycopg":
        return _PostgresWriter(engine)
    return _Writer(engine)


def _generate(
    engine: Engine,
    spec: DemoSpec,
    progress: Progress | None,
    operator_username: str | None,
    *,
    fast: bool,
) -> DemoSummary:
    """``generate`` with the choice of writer (``fast=False`` forces Core inserts; the tests
    use it to prove both paths write identical rows)."""
    _check_spec(spec)
    _refuse_non_empty(engine)
    started = time.perf_counter()
    writer = _writer(engine, fast)
    gen = _Generator(engine, spec, writer, progress, operator_username)
    dropped: list[tuple[str, str]] = []
    try:
        gen.reference()
        dropped = writer.drop_indexes(_BULK_TABLES)
        callers = gen.callers()
        gen.infrastructure()
        tickets = gen.tickets()
        gen.finish()
        roster = generate_roster(engine, spec.seed, gen.now_dt)
        generate_maintenance(engine, spec.seed, gen.now_dt)
        writer.create_indexes(dropped, progress)
        gen._report("Statistics", 0, 1)
        writer.analyze()
        gen._report("Statistics", 1, 1)
    except BaseException:
        # All or nothing: a half-filled database would be refused by the next attempt.
        log.exception("Demo data generation failed; removing the partial load")
        try:
            _wipe(engine)
        finally:
            writer.create_indexes(dropped, None)
        raise
    finally:
        writer.close()
    with write_session(engine) as session:  # --user may name anyone here: see models.facts
        record_fact(session, MADE_BY, MADE_BY_DEMO_DATA, at=gen.now_dt)
        skip_set_up(session, gen.now_dt)  # the demo organisation is set up: no assistant
    summary = DemoSummary(
        sites=len(gen.sites),
        teams=len(gen.teams),
        staff=gen.staff_count + roster.staff_added,
        callers=callers,
        assets=gen.asset_count,
        tickets=tickets,
        events=gen.event_count,
        calls=gen.call_count,
        seconds=time.perf_counter() - started,
    )
    log.info("Demo data written: %s", summary)
    return summary
