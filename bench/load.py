"""Load benchmark: several workstations at once on one database server.

    python bench/load.py --db URL [--clients 10 | --series 2,5,10] [--seconds 300]
                         [--month 2026-10] [--seed 1]

URL is a PostgreSQL database made by ``switchboard demo-data ... --as-of 2026-11-30`` (a
SQLite file works too, without the server's figures). Each workstation is a process of its
own (:mod:`bench.load_actions`, started with ``spawn``): a real staff member of the
database in their role, calling the services the program's pages call:

- operators take calls: the caller lookup as typed (part of a name, phone digits, an
  e-mail, a ticket number), the caller's card, a new ticket, the call record;
- technicians page the queue and count it (mine, my team's, a text), open one of their
  tickets and save it (a note or a status change);
- the manager counts the monthly report of ``--month`` (a complete month of the data).

The mix for N workstations: one manager from 3 on, half the rest technicians (rounded
down), the others operators: 10 are 5 operators, 4 technicians and a manager; 5 are 2, 2
and 1; 3 are one of each; 2 are an operator and a technician (no report). The staff are
taken by role, those with the most open tickets first; with more workstations than staff
in a role, the same person sits at two.

Each workstation's engine has ``make_engine``'s settings with a small pool: two
connections and one more at a pinch (the manager's two and three more: the report reads
its parts side by side on up to five). People pause between actions (2-5 s; the manager
reads the report for 20-40 s), at random with a seed per workstation; pauses are not in
the figures. Every workstation starts, checks its person's role and does one round of its
work untimed and without pauses (so the window starts warm); then all begin the measured
window together. "Now" for the services is the end of the data (``BENCH_NOW`` of
``bench/run.py``), running on.

The run writes to the database: operators log tickets and calls, technicians add notes
and change statuses, and the kept report figures (``report_store``) are emptied just
before each window, so that every run's first report counts its month. Use a throwaway
copy.

Prints one JSON object per action (``lookup``, ``card``, ``log_ticket``, ``end_call``,
``queue_page``, ``queue_count``, ``ticket``, ``save``, ``report``): the count, p50, p95 and
p99 in milliseconds, and the errors (their number and the first messages); then one for
the run (``"name": "run"``): the mix and the staff; from ``pg_stat_activity``, read every
second, the connections the workstations hold (the most and the median), the most found
"idle in transaction" (between the statements of an action) and by role the longest such
wait, and how many a workstation left in a transaction while its person paused (must be
0); the load average at the end of the window; the CPU time of the workstations (all of
their life, and the window alone) and, for a server on this machine, of the server
processes serving them in the window. ``--series 2,5,10`` runs those numbers of
workstations one after another and prints each set; every object carries ``clients``.
Exits with status 1 if anything failed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import threading
from collections import defaultdict
from collections.abc import MutableSequence, Sequence
from dataclasses import dataclass, field
from math import ceil
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

from bench.database import BenchDatabase, RawConnection, as_uuid  # noqa: E402
from bench.load_actions import (  # noqa: E402
    APPLICATION,
    Actor,
    ClientPlan,
    Signals,
    client_main,
)
from bench.run import BENCH_NOW, check_as_of  # noqa: E402
from models.enums import StaffRole, TicketStatus  # noqa: E402

ACTIONS = (
    "lookup",
    "card",
    "log_ticket",
    "end_call",
    "queue_page",
    "queue_count",
    "ticket",
    "save",
    "report",
)
FIRST_ERRORS = 3  # messages shown per action
SAMPLE_EVERY_S = 1.0
SETUP_TIMEOUT_S = 300.0  # for every workstation to import, connect and read its texts
LOCAL_HOSTS = frozenset({None, "", "localhost", "127.0.0.1", "::1"})
IDLE_IN_TRANSACTION = "idle in transaction"
# The workstations' server connections, their state and how long they have been in it.
ACTIVITY = (
    "SELECT pid, application_name, state, extract(epoch FROM now() - state_change) "
    "FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE ?"
)


def mix(clients: int) -> list[StaffRole]:
    """The roles of ``clients`` workstations (see the module docstring)."""
    managers = 1 if clients >= 3 else 0
    technicians = (clients - managers) // 2
    operators = clients - managers - technicians
    return (
        [StaffRole.OPERATOR] * operators
        + [StaffRole.TECHNICIAN] * technicians
        + [StaffRole.MANAGER] * managers
    )


def staff_by_role(db: BenchDatabase) -> dict[StaffRole, list[Actor]]:
    """The active staff of each role, those with the most open tickets first."""
    with db.connected(read_only=True) as raw:
        rows = raw.rows(
            "SELECT s.id, s.username, s.role, s.team_id FROM staff s "
            "LEFT JOIN ticket t ON t.assignee_id = s.id AND t.status < ? WHERE s.active "
            "GROUP BY s.id, s.username, s.role, s.team_id ORDER BY count(t.id) DESC, s.username",
            (int(TicketStatus.RESOLVED),),
        )
    found: dict[StaffRole, list[Actor]] = defaultdict(list)
    for staff_id, username, role, team_id in rows:
        team = as_uuid(team_id) if team_id is not None else None
        found[StaffRole(role)].append(Actor(StaffRole(role), as_uuid(staff_id), username, team))
    return found


def actors(staff: dict[StaffRole, list[Actor]], roles: Sequence[StaffRole]) -> list[Actor]:
    """A staff member for each workstation; the same person again when a role runs out."""
    taken: dict[StaffRole, int] = defaultdict(int)
    chosen = []
    for role in roles:
        if not staff.get(role):
            raise SystemExit(f"The database has no active {role.label.lower()}.")
        chosen.append(staff[role][taken[role] % len(staff[role])])
        taken[role] += 1
    return chosen


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..100) of ``samples``."""
    ordered = sorted(samples)
    return ordered[max(0, ceil(share / 100 * len(ordered)) - 1)]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float | None:
    """CPU seconds of a server process on this machine; None if it is not one we can read."""
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
            return None
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class ServerWatch:
    """``pg_stat_activity`` read every second, for the workstations' connections."""

    db: BenchDatabase
    pauses: MutableSequence[int]  # each workstation's pause counter: odd while pausing
    counts: list[int] = field(default_factory=list)
    idle_in_transaction: list[int] = field(default_factory=list)
    longest_idle_s: dict[str, float] = field(default_factory=dict)  # by role
    held_while_pausing: list[str] = field(default_factory=list)
    cpu: dict[int, tuple[float, float]] = field(default_factory=dict)  # pid: (first, last)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.local = make_url(self.db.url).host in LOCAL_HOSTS
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        with self.db.connected(read_only=True) as raw:
            self.sample(raw, first=True)
            while not self.stop.wait(SAMPLE_EVERY_S):
                self.sample(raw)
            self.sample(raw)  # the window is over, every workstation still connected

    def sample(self, raw: RawConnection, first: bool = False) -> None:
        before = list(self.pauses)
        rows = raw.rows(ACTIVITY, (f"{APPLICATION} %",))
        after = list(self.pauses)
        self.counts.append(len(rows))
        idle = [row for row in rows if row[2] == IDLE_IN_TRANSACTION]
        self.idle_in_transaction.append(len(idle))
        for _pid, name, _state, seconds in idle:
            _application, index_text, role = name.split()
            self.longest_idle_s[role] = max(self.longest_idle_s.get(role, 0.0), float(seconds))
            index = int(index_text)
            if before[index] == after[index] and before[index] % 2:
                self.held_while_pausing.append(f"{name}: in a transaction for {seconds:.1f} s")
        if self.local:
            self._read_cpu([row[0] for row in rows], first)

    def _read_cpu(self, pids: list[int], first: bool) -> None:
        """Each server process's CPU time now; one that was not there when the window
        opened started inside it, from nothing."""
        for pid in pids:
            used = process_cpu(pid)
            if used is not None:
                start = self.cpu[pid][0] if pid in self.cpu else (used if first else 0.0)
                self.cpu[pid] = (start, used)

    def figures(self) -> dict[str, Any]:
        server_cpu = sum(last - first for first, last in self.cpu.values()) if self.cpu else None
        return {
            "connections_max": max(self.counts, default=0),
            "connections_median": statistics.median(self.counts) if self.counts else 0,
            "connection_samples": len(self.counts),
            "idle_in_transaction_max": max(self.idle_in_transaction, default=0),
            "idle_in_transaction_longest_s": {
                role: round(seconds, 2) for role, seconds in sorted(self.longest_idle_s.items())
            },
            "held_while_pausing": len(self.held_while_pausing),
            "server_cpu_s": round(server_cpu, 1) if server_cpu is not None else None,
            "held_messages": self.held_while_pausing[:FIRST_ERRORS],
        }


def logged_after_data(db: BenchDatabase) -> bool:
    """Whether tickets were logged after the data's end (``BENCH_NOW``), as an earlier run
    of this benchmark logs them: then the newest ticket is not where :func:`check_as_of`
    expects it."""
    with db.connected(read_only=True) as raw:
        after = raw.one(
            "SELECT count(*) FROM ticket WHERE created_at > ?", (raw.moment(BENCH_NOW),)
        )
    return bool(after[0])


def clear_kept_reports(db: BenchDatabase) -> None:
    """Forget the kept report figures, so the run's first report counts its month."""
    with db.connected() as raw:
        raw.rows("DELETE FROM report_store")


def action_figures(clients: int, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for result in results:
        for action, timings in result.get("samples", {}).items():
            samples[action] += timings
        for action, message in result.get("errors", []):
            errors[action].append(message)
    lines = []
    for action in (a for a in ACTIONS if samples[a] or errors[a]):
        timings = samples[action]
        line: dict[str, Any] = {"clients": clients, "action": action, "count": len(timings)}
        for share in (50, 95, 99):
            line[f"p{share}_ms"] = round(percentile(timings, share), 1) if timings else None
        line["errors"] = len(errors[action])
        line["first_errors"] = errors[action][:FIRST_ERRORS]
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Run:
    """What one run printed, and whether anything failed."""

    lines: list[dict[str, Any]]
    failed: bool


def run_clients(
    db: BenchDatabase, chosen: list[Actor], seconds: float, month: str, seed: int
) -> Run:
    """Start one process per workstation, open the window once all are set up, gather."""
    context = multiprocessing.get_context("spawn")
    signals = Signals(
        context.Barrier(len(chosen) + 1),
        context.Event(),
        context.Event(),
        context.Array("q", len(chosen), lock=False),
    )
    cpu_before = children_cpu()
    pipes, processes = [], []
    for index, actor in enumerate(chosen):
        plan = ClientPlan(index, actor, db.url, seconds, f"{seed}-{index}", month)
        receive, send = context.Pipe(duplex=False)
        processes.append(context.Process(target=client_main, args=(plan, signals, send)))
        processes[-1].start()
        send.close()
        pipes.append(receive)
    watch = None if db.sqlite else ServerWatch(db, signals.pauses)
    try:
        signals.ready.wait(SETUP_TIMEOUT_S)
        clear_kept_reports(db)
        if watch is not None:
            watch.thread.start()
        signals.go.set()
    except threading.BrokenBarrierError:
        pass  # a workstation could not start: its message follows
    results = [received(pipe, index) for index, pipe in enumerate(pipes)]
    if watch is not None and watch.thread.is_alive():
        watch.stop.set()
        watch.thread.join()
    signals.done.set()
    for process in processes:
        process.join()
    return gathered(chosen, seconds, results, cpu_before, db.backend, watch)


def gathered(
    chosen: list[Actor],
    seconds: float,
    results: list[dict[str, Any]],
    cpu_before: float,
    backend: str,
    watch: ServerWatch | None,
) -> Run:
    """The figures of a run: one line per action, then the run's own."""
    lines = action_figures(len(chosen), results)
    summary = run_summary(chosen, seconds, results, cpu_before, backend)
    if watch is not None:
        summary.update(watch.figures())
    lines.append(summary)
    failed = any(line.get("errors") for line in lines) or bool(summary["setup_errors"])
    return Run(lines, failed or bool(summary.get("held_while_pausing")))


def received(pipe: Connection, index: int) -> dict[str, Any]:
    """What workstation ``index`` sent; a process that ended without a word is a failure."""
    try:
        result: dict[str, Any] = json.loads(pipe.recv_bytes())
    except EOFError:
        return {"index": index, "setup_error": f"workstation {index} ended without a result"}
    return result


def run_summary(
    chosen: list[Actor],
    seconds: float,
    results: list[dict[str, Any]],
    cpu_before: float,
    backend: str,
) -> dict[str, Any]:
    roles = [actor.role.name.lower() for actor in chosen]
    return {
        "clients": len(chosen),
        "name": "run",
        "backend": backend,
        "seconds": seconds,
        "mix": {role: roles.count(role) for role in dict.fromkeys(roles)},
        "staff": [actor.username for actor in chosen],
        "setup_errors": [r["setup_error"] for r in results if "setup_error" in r],
        "loadavg": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
        "clients_cpu_s": round(children_cpu() - cpu_before, 1),
        "clients_cpu_window_s": round(sum(r.get("cpu_s", 0.0) for r in results), 1),
    }


def client_counts(args: argparse.Namespace) -> list[int]:
    if args.series is None:
        return [args.clients]
    try:
        counts = [int(part) for part in args.series.split(",")]
    except ValueError:
        raise SystemExit(
            f"--series takes numbers separated by commas, not {args.series!r}"
        ) from None
    if not counts or min(counts) < 1:
        raise SystemExit("--series takes numbers of workstations, 1 or more.")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL URL or a SQLite file")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--clients", type=int, default=10, help="workstations (default 10)")
    group.add_argument("--series", metavar="N,N,...", help="run these numbers in turn")
    parser.add_argument("--seconds", type=float, default=300.0, help="measured window")
    parser.add_argument("--month", default="2026-10", help="the report's month (YYYY-MM)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    db = BenchDatabase.from_arg(args.db)
    if not db.exists():
        raise SystemExit(f"{args.db} does not exist: make it with switchboard demo-data.")
    if not logged_after_data(db):
        check_as_of(db)
    staff = staff_by_role(db)
    failed = False
    for clients in client_counts(args):
        run = run_clients(db, actors(staff, mix(clients)), args.seconds, args.month, args.seed)
        for line in run.lines:
            print(json.dumps(line), flush=True)
        failed = failed or run.failed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
