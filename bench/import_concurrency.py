"""Saves during a caller import: how long another process's save waits while
``switchboard import callers`` writes 200,000 callers into the same database.

    python bench/import_concurrency.py --db FILE_OR_URL [--rows 200000] [--seed 1]
                                       [--interval 0.2] [--baseline-seconds 10] [--tmp-dir DIR]

FILE_OR_URL is a Switchboard database (``switchboard demo-data``), a SQLite file or a
PostgreSQL URL; it is never written to: it is copied as bench/import_callers.py copies it (a
SQLite file with the online backup API into a temporary folder next to it, else the system
one, or ``--tmp-dir``; a PostgreSQL database with ``CREATE DATABASE ... TEMPLATE`` on the same
server, which needs nobody else connected to it), the copy is migrated before anything is
measured, and it is deleted at the end, after a failure or Ctrl+C too. The CSV is
bench/import_callers.py's Active Directory export.

Two processes work on the copy, as two workstations would:

- the saver (this script again, with ``--saver``) adds a note to an open ticket every
  ``--interval`` seconds through ``app.tickets.actions.add_note``, the path every save in
  the program takes, and records how long each save took, start to commit, and whether it
  failed. On SQLite its write transaction takes the database's write lock at BEGIN and
  waits up to the busy timeout, 10 s, for it, so it queues behind the import's chunks; on
  PostgreSQL it locks only the rows it writes, which the import does not touch, so what it
  waits for is the server's time (CPU, disk, the commit) that the import shares;
- the import: ``python -m app import callers CSV --db COPY`` (the copy's file, or its URL),
  started after the saver has saved alone for ``--baseline-seconds``.

Figures, one JSON object each on stdout (progress goes to stderr), each with its
``"backend"`` (``"sqlite"`` or ``"postgresql"``):

- ``save_wait_during_import``: the longest time a save took among those started while the
  import ran (its ``p50``/``p95``, how many there were and how many failed come with it);
  its baseline is the longest save of the same saver before the import started, in the
  same run, on the same back end;
- ``import_callers_beside_saves``: the import's wall time, start-up of the interpreter
  included (bench/import_callers.py measures it alone).

Checks (``"check": true``): no save failed, saves ran while the import did, every save that
succeeded left its note, the import created every good row, and the source is unchanged (as
bench/import_callers.py checks it). The exit status is 1 if a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import BenchDatabase, as_uuid  # noqa: E402
from bench.import_callers import (  # noqa: E402
    COMMAND_TIMEOUT,
    Checks,
    check_source_unchanged,
    db_argument,
    emit,
    generate_csv,
    imported_counts,
    load,
    migrated_copy,
    say,
    shown,
    site_codes,
    source_argument,
    source_state,
    work_folder,
)

NOTE = "bench: saved while an import runs"
TARGET = "< 10 s (the busy timeout): no save fails"

Figure = dict[str, Any]


# --- the saver (a process of its own) -----------------------------------------------------


def run_saver(url: str, ticket: str, actor: str, interval: float, stop: Path) -> None:
    """Add a note every ``interval`` seconds until ``stop`` exists; print one JSON line per
    save: its start (time.monotonic, which is system-wide), seconds taken, and error."""
    from app.tickets.actions import add_note
    from models.engine import make_engine

    engine = make_engine(url)
    ticket_id, actor_id = uuid.UUID(ticket), uuid.UUID(actor)
    add_note(engine, ticket_id, f"{NOTE} (warm-up)", actor_id)
    number = 0
    due = time.monotonic()
    while not stop.exists():
        time.sleep(max(0.0, due - time.monotonic()))
        start = time.monotonic()
        error = None
        try:
            add_note(engine, ticket_id, f"{NOTE} ({number})", actor_id)
        except Exception as failure:  # "database is locked" is what this looks for
            error = str(failure).splitlines()[0]
        print(
            json.dumps({"start": start, "seconds": time.monotonic() - start, "error": error}),
            flush=True,
        )
        number += 1
        due = start + interval
    engine.dispose()


# --- the benchmark ------------------------------------------------------------------------


def pick_ticket_and_actor(db: BenchDatabase) -> tuple[str, str]:
    """An open ticket to add notes to, and a staff member to add them."""
    with db.connected(read_only=True) as connection:
        ticket = connection.one("SELECT id FROM ticket WHERE status < 6 LIMIT 1")
        actor = connection.one("SELECT id FROM staff WHERE active LIMIT 1")
    if ticket is None or actor is None:
        raise SystemExit(f"{shown(db)} has no open ticket or no staff: use a demo-data database.")
    return str(as_uuid(ticket[0])), str(as_uuid(actor[0]))


def notes_saved(db: BenchDatabase) -> int:
    with db.connected(read_only=True) as connection:
        found = connection.one(
            "SELECT count(*) FROM ticket_event WHERE note LIKE ?", (f"{NOTE} (%",)
        )
    return int(found[0])


def summary(saves: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = sorted(save["seconds"] for save in saves)
    if not seconds:
        return {"saves": 0}
    return {
        "max": round(seconds[-1], 3),
        "p50": round(statistics.median(seconds), 3),
        "p95": round(seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))], 3),
        "saves": len(seconds),
        "failed": sum(1 for save in saves if save["error"]),
    }


def bench(args: argparse.Namespace, work: Path, check: Checks) -> None:
    with migrated_copy(args.db, work) as copy:
        measure(args, copy, work, check)


def measure(args: argparse.Namespace, copy: BenchDatabase, work: Path, check: Checks) -> None:
    sites = site_codes(copy)
    generated = generate_csv(work / "ad-export.csv", args.rows, sites, args.seed)
    good = args.rows - len(generated.bad_ids)
    ticket, actor = pick_ticket_and_actor(copy)
    env = dict(os.environ, XDG_STATE_HOME=str(work / "state"))  # the command's log file
    env.pop("SWITCHBOARD_DB", None)
    stop = work / "stop-saving"
    saver_command = [sys.executable, str(Path(__file__).resolve()), "--saver"]
    saver_command += [copy.url, ticket, actor, str(args.interval), str(stop)]
    log = (work / "saves.jsonl").open("w")
    saver = subprocess.Popen(saver_command, cwd=ROOT, env=env, stdout=log, text=True)
    try:
        say(f"Saver: a note every {args.interval} s; {args.baseline_seconds} s alone first...")
        time.sleep(args.baseline_seconds)
        command = [sys.executable, "-m", "app", "import", "callers", str(generated.path)]
        command += ["--db", db_argument(copy)]
        say(f"Import beside it: {' '.join(command[:-1])} {shown(copy)}")
        loadavg = load()
        began = time.monotonic()
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
        )
        ended = time.monotonic()
        say(f"  {ended - began:.2f} s, exit status {done.returncode}")
        time.sleep(1.0)  # a few saves after it, so the last ones during it have ended
    finally:
        stop.touch()
        saver.wait(timeout=60)
        log.close()
    lines = (work / "saves.jsonl").read_text().splitlines()
    saves = [json.loads(line) for line in lines if line.startswith("{")]
    before = [save for save in saves if save["start"] < began]
    during = [save for save in saves if began <= save["start"] < ended]
    baseline, measured = summary(before), summary(during)
    say(f"Saves before the import: {baseline}; during it: {measured}")
    for save in during:
        if save["error"]:
            say(f"  save at +{save['start'] - began:.1f} s failed: {save['error']}")
    context = {
        "backend": copy.backend,
        "rows": args.rows,
        "interval_s": args.interval,
        "loadavg_1m": loadavg,
    }
    emit(
        {
            "name": "save_wait_during_import",
            "value": measured.get("max"),
            "unit": "s",
            "baseline": baseline.get("max"),
            "ratio": (
                round(measured["max"] / baseline["max"], 1)
                if measured.get("max") and baseline.get("max")
                else None
            ),
            "target": TARGET,
            **{key: value for key, value in measured.items() if key != "max"},
            "baseline_p50": baseline.get("p50"),
            **context,
        }
    )
    result = imported_counts(done.stdout) if done.returncode == 0 else {}
    emit(
        {
            "name": "import_callers_beside_saves",
            "value": round(ended - began, 3),
            "unit": "s",
            "target": "< 60 s",
            **result,
            **context,
        }
    )
    if done.returncode != 0:
        say(done.stdout + done.stderr)
    check("import_exit_status", 0, done.returncode)
    check("import_created", good, result.get("created"))
    check("saves_failed_during_import", 0, measured.get("failed"))
    check("saves_during_import_at_least", True, measured.get("saves", 0) >= 10)
    ok_saves = sum(1 for save in saves if not save["error"]) + 1  # and the warm-up
    check("notes_saved", ok_saves, notes_saved(copy))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--saver":
        url, ticket, actor, interval, stop = sys.argv[2:7]
        run_saver(url, ticket, actor, float(interval), Path(stop))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", required=True, help="SQLite file or PostgreSQL URL to copy (never written)"
    )
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the CSV")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated CSV")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between saves")
    parser.add_argument(
        "--baseline-seconds", type=float, default=10.0, help="the saver alone, first"
    )
    parser.add_argument("--tmp-dir", type=Path, help="where the CSV and a SQLite copy go")
    args = parser.parse_args()
    args.db = source_argument(parser, args.db)
    work = work_folder("bench-concurrency-", args.db, args.tmp_dir)
    check = Checks()
    before = source_state(args.db)
    try:
        bench(args, work, check)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        say(f"Removed {work}")
    check_source_unchanged(check, args.db, before)
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
