"""What the shared server's guard costs (app/server_rules.py): the same work as a staff login,
which every grant, row policy and trigger holds, against the database's owner, whom none of
them holds (the baseline, measured in the same run on the same database).

    python bench/server_rules.py --server postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The URL is a login that may create databases and roles. The benchmark makes a database of
its own, fills it with ``demo-data`` (``--callers``, ``--tickets``), runs ``admin
setup-postgres`` on it, and drops it (with its logins) at the end. Figures, one JSON object
each, p50 and p95 in milliseconds, the operator's first and the owner's as ``baseline_``:

- ``create_ticket``: :func:`app.tickets.actions.create_ticket` (a ticket, its event: the
  event's row policy and the site's column grant);
- ``add_note``: :func:`app.tickets.actions.add_note` (the event's policy);
- ``resolve``: :func:`app.tickets.actions.change_status` to resolved (the status trigger);
- ``caller_card``: :func:`app.callers.card.load_card` (reads through the calls' policy).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import select as sm_select  # noqa: E402

from app.callers.card import load_card  # noqa: E402
from app.demo import DemoSpec, generate  # noqa: E402
from app.server_setup import set_up_server  # noqa: E402
from app.tickets.actions import TicketDraft, add_note, change_status, create_ticket  # noqa: E402
from models.engine import make_engine, write_session  # noqa: E402
from models.enums import StaffRole, TicketStatus  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.org import Staff  # noqa: E402
from models.people import Caller  # noqa: E402


class Stopwatch:
    """Times one step of a round: ``with watch("add_note"): ...``."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self._step = ""
        self._start = 0.0

    def __call__(self, step: str) -> Stopwatch:
        self._step = step
        return self

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *_exc: object) -> None:
        elapsed = (time.perf_counter() - self._start) * 1000
        self.times.setdefault(self._step, []).append(elapsed)


def figure(name: str, ours: list[float], baseline: list[float]) -> dict[str, Any]:
    def p95(samples: list[float]) -> float:
        return statistics.quantiles(samples, n=20)[-1]

    return {
        "name": name,
        "unit": "ms",
        "samples": len(ours),
        "p50": round(statistics.median(ours), 2),
        "p95": round(p95(ours), 2),
        "baseline_p50": round(statistics.median(baseline), 2),
        "baseline_p95": round(p95(baseline), 2),
    }


def prepare(url: str, name: str, spec: DemoSpec) -> str:
    """Fill the database, give the demo staff names of this database (logins are the
    server's, shared by every database on it), set the guard up; an operator's login."""
    owner = make_engine(url)
    upgrade(owner)
    generate(owner, spec)
    with write_session(owner) as session:
        staff = session.exec(sm_select(Staff)).all()
        for person in staff:
            person.username = f"{name}_{person.username}"[:63]
        operator = next(p.username for p in staff if p.role == StaffRole.OPERATOR and p.active)
    owner.dispose()
    set_up_server(url)
    return operator


def work(
    engine: Engine, actor: uuid.UUID, callers: list[uuid.UUID], rounds: int
) -> dict[str, list[float]]:
    """``rounds`` times: log a ticket, add a note, resolve it, show the caller's card."""
    watch = Stopwatch()
    for index in range(rounds):
        caller = callers[index % len(callers)]
        draft = TicketDraft(summary=f"Bench ticket {index}", caller_id=caller)
        with watch("create_ticket"):
            ticket = create_ticket(engine, draft, actor)
        with watch("add_note"):
            add_note(engine, ticket.id, "Called back", actor)
        with watch("resolve"):
            change_status(
                engine, ticket.id, ticket.version + 1, TicketStatus.RESOLVED, actor, "Fixed"
            )
        with watch("caller_card"):
            load_card(engine, caller)
    return watch.times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True, help="a login that may create databases")
    parser.add_argument("--callers", type=int, default=5000)
    parser.add_argument("--tickets", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    name = f"sb_bench_{uuid.uuid4().hex[:8]}"
    root = create_engine(args.server, isolation_level="AUTOCOMMIT")
    with root.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
    try:
        login = prepare(url, name, DemoSpec(callers=args.callers, tickets=args.tickets, months=3))
        owner = make_engine(url)
        operator = make_engine(make_url(url).set(username=login).render_as_string(False))
        with owner.connect() as connection:
            ids = {
                row[0]: row[1]
                for row in connection.execute(
                    text("SELECT username, id FROM staff WHERE username IN (:a, current_user)"),
                    {"a": login},
                )
            }
            callers = list(connection.execute(select(Caller.id).limit(args.rounds)).scalars())
        owner_name = make_url(url).username
        work(operator, ids[login], callers, 10)  # warm both pools and caches
        work(owner, ids[owner_name], callers, 10)
        ours, base = {}, {}
        for _ in range(2):  # alternate, so the machine's noise falls on both alike
            for key, value in work(operator, ids[login], callers, args.rounds // 2).items():
                ours.setdefault(key, []).extend(value)
            for key, value in work(owner, ids[owner_name], callers, args.rounds // 2).items():
                base.setdefault(key, []).extend(value)
        for key in ours:
            print(json.dumps(figure(key, ours[key], base[key])))
        operator.dispose()
        owner.dispose()
    finally:
        with root.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            for role in connection.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"), {"p": f"{name}_%"}
            ).scalars():
                connection.execute(text(f'DROP ROLE "{role}"'))
        root.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
