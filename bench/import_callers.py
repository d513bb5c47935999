"""Caller import benchmark: ``switchboard import callers`` on an Active Directory export.

    python bench/import_callers.py --db FILE [--rows 200000] [--seed 1] [--tmp-dir DIR]

FILE is a Switchboard SQLite database (for the issue's figures: 200,000 callers and
1,000,000 tickets from ``switchboard demo-data``). FILE is never written to: it is copied
with the SQLite online backup API (read through a read-only connection) into a temporary
folder next to it (else in the system temporary folder, or in ``--tmp-dir``), the copy is
migrated to the current schema before anything is timed (so a migration and its backup are
not counted), and the folder is deleted at the end.

The CSV is generated, deterministic for a seed: ``--rows`` callers in the shape of
PowerShell's ``Get-ADUser | Export-Csv`` (UTF-8 with BOM, a ``#TYPE`` line, every cell
quoted; Name, GivenName, Surname, EmailAddress, telephoneNumber, mobile, Department, Title,
EmployeeID, Office, SamAccountName), with the site codes of the database's ``site`` table,
unique names, e-mails (``@imp.example.com``) and employee ids (``IMP...``) that no existing
caller has, and a handful of bad rows (no name, bad e-mail, too short a phone, unknown site)
that the import must skip and report.

Figures, one JSON object each on stdout (progress goes to stderr), wall times measured with
``time.perf_counter`` around a subprocess, start-up of the interpreter included:

- ``import_callers``: ``python -m app import callers CSV --db COPY`` on the copy; its
  baseline is the floor: the same good rows read from the same CSV with the ``csv`` module
  and inserted with ``executemany`` into ``caller`` and ``caller_phone`` of a second copy
  through the bare ``sqlite3`` module (same PRAGMAs as the program: WAL, synchronous FULL,
  foreign keys, the import's 256 MiB page cache; one transaction, committed, connection
  closed), in this process, so without interpreter start-up;
- ``import_callers_dry_run``: the same command with ``--dry-run`` (read, check, plan);
- ``reimport_callers``: the same file imported a second time: every good row unchanged;
- ``process_startup``: ``python -c "import app.cli, app.callers.csv_import, app.db_lifecycle"``,
  what every command pays before it starts working.

Checks, one JSON object each (``"check": true``), follow: caller and phone counts after the
dry run (unchanged), after the import (existing + rows - bad rows) and after the re-import
(unchanged, no duplicate e-mails or employee ids), the stored phone digits, the command's
own counts, and FILE (with its ``-wal`` and ``-shm``) keeping its size and modification time.
The exit status is 1 if a check fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.callers.phones import phone_digits, phone_region  # noqa: E402
from app.config import to_url  # noqa: E402
from app.db_lifecycle import open_database  # noqa: E402
from models.clock import utcnow  # noqa: E402

TARGET = "< 60 s"
DOMAIN = "imp.example.com"
EMPLOYEE_PREFIX = "IMP"
UNKNOWN_SITE = "ZZ9"
MOBILE_SHARE = 0.55
MAX_BAD_ROWS = 12
IMPORT_CACHE_KIB = 256 * 1024  # as app.callers.csv_import.IMPORT_CACHE_KIB
COMMAND_TIMEOUT = 3600
STARTUP_RUNS = 3
TYPE_LINE = "#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser"
HEADERS = (
    "Name",
    "GivenName",
    "Surname",
    "EmailAddress",
    "telephoneNumber",
    "mobile",
    "Department",
    "Title",
    "EmployeeID",
    "Office",
    "SamAccountName",
)
BAD_KINDS = ("no name", "bad e-mail", "short phone", "unknown site")
FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Sophia",
    "Leo", "Grace", "Arthur", "Lily", "Muhammad", "Freya", "Oscar", "Emily", "Charlie", "Ivy",
    "José", "Zoë", "Łukasz", "Siobhán", "François", "Björn", "Søren", "Małgorzata", "Jürgen",
    "Aoife", "Priya", "Arjun", "Wei", "Hiroshi", "Fatima", "Omar", "Kwame", "Ngozi", "Olga",
    "Dmitri", "Matteo", "Giulia", "Alejandro", "Camila", "Michael", "Jennifer", "David",
    "Jessica", "Tyler", "Keisha", "Hélène", "Raphaël", "Ümit", "Tomáš", "Ingrid", "Lars",
    "Anaïs", "Seán", "Yuki", "Chinedu",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Müller", "O'Brien", "O'Connor", "D'Angelo", "García", "Martínez", "Núñez", "Nowak",
    "Wiśniewski", "Schröder", "Weiß", "Østergaard", "Åström", "Lefèvre", "Dubois", "Brontë",
    "Patel", "Shah", "Singh", "Chen", "Wang", "Nguyen", "Tanaka", "Kim", "Okafor", "Mensah",
    "Ivanov", "Kovačević", "Dvořák", "Yılmaz", "Öztürk", "Rossi", "Esposito", "MacDonald",
    "Fitzgerald", "van der Berg", "de la Cruz", "Smith-Jones", "Lindqvist", "Haddad",
    "Moreira", "Kowalczyk",
)  # fmt: skip
DEPARTMENTS = (
    "Finance", "Human Resources", "Sales", "Marketing", "Legal", "Operations", "Procurement",
    "Customer Service", "Engineering", "Facilities", "Executive Office",
    "Research & Development",
)  # fmt: skip
TITLES = (
    "Analyst", "Senior Analyst", "Manager", "Team Lead", "Assistant", "Coordinator",
    "Specialist", "Director", "Engineer", "Consultant", "Administrator", "Associate",
)  # fmt: skip
IMPORTED = re.compile(
    r"Imported: ([\d,]+) created, ([\d,]+) updated, ([\d,]+) unchanged, "
    r"([\d,]+) rows with errors skipped"
)
PLANNED = {
    "to_create": re.compile(r"To create:\s+([\d,]+)"),
    "to_update": re.compile(r"To update:\s+([\d,]+)"),
    "unchanged": re.compile(r"Unchanged:\s+([\d,]+)"),
    "errors": re.compile(r"Rows with errors:\s+([\d,]+)"),
}
NOT_DIGIT = re.compile(r"[^0-9]")

Figure = dict[str, Any]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def emit(item: Figure) -> None:
    print(json.dumps(item, ensure_ascii=False), flush=True)


# --- the CSV ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """The file written and what a correct import of it does."""

    path: Path
    rows: int
    bad_ids: frozenset[str]  # employee ids of the rows the import must skip
    good_phones: int  # phone numbers the good rows carry (each one distinct)


def _fold(text: str) -> str:
    """Lower-case ASCII letters only, as a directory builds e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("ł", "l"))
    plain = plain.replace("ß", "ss").replace("Ø", "O").replace("Ł", "L").replace("ı", "i")
    return "".join(c for c in plain.casefold() if c.isascii() and c.isalnum())


def _initials(k: int) -> list[str]:
    """The middle initials of combination ``k``: A, B, ... Z, then AA, AB..."""
    letters = []
    while True:
        letters.append(chr(ord("A") + k % 26))
        k = k // 26 - 1
        if k < 0:
            return letters[::-1]


def _numbers(i: int, us: bool) -> tuple[str, str]:
    """Row ``i``'s office and mobile numbers, written as an AD export holds them (E.164
    with spaces), unique per row and apart from the demo data's ranges."""
    if us:
        exchange, line = 200 + i // 10_000 % 800, i % 10_000
        return f"+1 332 {exchange:03d} {line:04d}", f"+1 917 {exchange:03d} {line:04d}"
    return (
        f"+44 20 3{i // 10_000 % 1000:03d} {i % 10_000:04d}",
        f"+44 7{700 + i // 1_000_000 % 300:03d} {i % 1_000_000:06d}",
    )


def generate_csv(path: Path, rows: int, sites: list[tuple[str, str]], seed: int) -> Generated:
    """Write ``rows`` callers as an AD export; ``sites`` are (code, phone region)."""
    rng = random.Random(seed)
    combos = list(range(rows))
    rng.shuffle(combos)
    bad_count = min(MAX_BAD_ROWS, rows // 10)
    positions = sorted(rng.sample(range(rows), bad_count))
    bad_at = {at: BAD_KINDS[n % len(BAD_KINDS)] for n, at in enumerate(positions)}
    per_name = len(FIRST_NAMES) * len(LAST_NAMES)
    emails: set[str] = set()
    bad_ids: set[str] = set()
    good_phones = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(TYPE_LINE + "\r\n")
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for i in range(rows):
            combo = combos[i]
            first = FIRST_NAMES[combo % len(FIRST_NAMES)]
            last = LAST_NAMES[combo // len(FIRST_NAMES) % len(LAST_NAMES)]
            initials = _initials(combo // per_name)
            name = " ".join([first, *(f"{c}." for c in initials), last])
            local = ".".join([_fold(first), *(c.lower() for c in initials), _fold(last)])
            candidate, n = local, 2
            while candidate in emails:
                candidate, n = f"{local}{n}", n + 1
            emails.add(candidate)
            email = f"{candidate}@{DOMAIN}"
            code, region = sites[rng.randrange(len(sites))]
            office, mobile = _numbers(i, us=region == "US")
            if rng.random() >= MOBILE_SHARE:
                mobile = ""
            employee_id = f"{EMPLOYEE_PREFIX}{i + 1:07d}"
            given, surname = first, last
            kind = bad_at.get(i)
            if kind == "no name":
                name = given = surname = ""
            elif kind == "bad e-mail":
                email = f"{candidate}(at){DOMAIN}"
            elif kind == "short phone":
                office = "1234"
            elif kind == "unknown site":
                code = UNKNOWN_SITE
            if kind is None:
                good_phones += 1 + bool(mobile)
            else:
                bad_ids.add(employee_id)
            writer.writerow(
                (
                    name,
                    given,
                    surname,
                    email,
                    office,
                    mobile,
                    rng.choice(DEPARTMENTS),
                    rng.choice(TITLES),
                    employee_id,
                    code,
                    candidate[:20],
                )
            )
    return Generated(path, rows, frozenset(bad_ids), good_phones)


# --- copies and counts --------------------------------------------------------------------


def read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)


def source_connection(db: Path) -> sqlite3.Connection:
    """A connection that cannot write to ``db``. Without a ``-wal`` file next to it (all
    committed data is in the file) it is opened immutable, so SQLite does not even create
    the empty ``-wal`` and ``-shm`` files a read-only connection leaves behind."""
    if Path(f"{db}-wal").exists() or Path(f"{db}-shm").exists():
        return read_only(db)
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def backup_copy(source: Path, target: Path) -> float:
    """Copy ``source`` to ``target`` with the online backup API; the seconds it took."""
    start = time.perf_counter()
    src = source_connection(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return time.perf_counter() - start


def remove_database(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def counts(db: Path) -> dict[str, int]:
    connection = read_only(db)
    try:
        result = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("caller", "caller_phone", "ticket")
        }
        like = f"%@{DOMAIN}"
        result["imported"] = connection.execute(
            "SELECT count(*) FROM caller WHERE email LIKE ?", (like,)
        ).fetchone()[0]
        result["duplicate_emails"] = connection.execute(
            "SELECT count(*) - count(DISTINCT lower(email)) FROM caller WHERE email LIKE ?",
            (like,),
        ).fetchone()[0]
        result["duplicate_employee_ids"] = connection.execute(
            "SELECT count(*) - count(DISTINCT lower(employee_id)) FROM caller "
            "WHERE employee_id LIKE ?",
            (EMPLOYEE_PREFIX + "%",),
        ).fetchone()[0]
        return result
    finally:
        connection.close()


def digit_mismatches(db: Path) -> tuple[int, int]:
    """(imported phone numbers, those whose stored digits are not the number's digits)."""
    connection = read_only(db)
    try:
        rows = connection.execute(
            "SELECT p.number, p.digits FROM caller_phone p JOIN caller c ON c.id = p.caller_id "
            "WHERE c.email LIKE ?",
            (f"%@{DOMAIN}",),
        ).fetchall()
    finally:
        connection.close()
    return len(rows), sum(1 for number, digits in rows if phone_digits(number) != digits)


def site_codes(db: Path) -> list[tuple[str, str]]:
    connection = read_only(db)
    try:
        rows = connection.execute("SELECT code, holiday_country FROM site ORDER BY code").fetchall()
    finally:
        connection.close()
    return [(code, phone_region(country)) for code, country in rows]


# --- the floor ----------------------------------------------------------------------------


def baseline_insert(db: Path, generated: Generated) -> tuple[float, int, int]:
    """Insert the good rows of the CSV with the bare ``sqlite3`` module; (seconds, callers,
    phones). Timed from opening the file to closing the connection after the commit."""
    start = time.perf_counter()
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    sites = {
        code.casefold(): site_id
        for site_id, code in connection.execute("SELECT id, code FROM site")
    }
    # Stamped as the command stamps its rows: the program's clock (in both processes the
    # system clock), stored as SQLAlchemy stores a UTC time in SQLite. The import compares
    # no time with it, so the day does not change what is measured.
    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    callers: list[tuple[Any, ...]] = []
    phones: list[tuple[Any, ...]] = []
    with generated.path.open(encoding="utf-8-sig", newline="") as handle:
        handle.readline()  # the #TYPE line
        reader = csv.reader(handle)
        column = {header: index for index, header in enumerate(next(reader))}
        name, email, office, mobile, department, employee, site = (
            column[h]
            for h in (
                "Name",
                "EmailAddress",
                "telephoneNumber",
                "mobile",
                "Department",
                "EmployeeID",
                "Office",
            )
        )
        for cells in reader:
            if cells[employee] in generated.bad_ids:
                continue
            caller_id = uuid.uuid4().bytes
            callers.append(
                (
                    caller_id,
                    cells[name],
                    cells[email],
                    cells[employee],
                    cells[department],
                    sites[cells[site].casefold()],
                    0,
                    "",
                    now,
                    now,
                )
            )
            for index, label in ((office, "work"), (mobile, "mobile")):
                number = cells[index]
                if number:
                    phones.append(
                        (uuid.uuid4().bytes, caller_id, number, NOT_DIGIT.sub("", number), label)
                    )
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO caller (id, name, email, employee_id, department, site_id, vip, notes, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        callers,
    )
    connection.executemany(
        "INSERT INTO caller_phone (id, caller_id, number, digits, label) VALUES (?, ?, ?, ?, ?)",
        phones,
    )
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - start, len(callers), len(phones)


# --- the command --------------------------------------------------------------------------


def run_command(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run ``args`` in a subprocess from the repository root; (wall seconds, stdout)."""
    start = time.perf_counter()
    done = subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        say(done.stdout)
        say(done.stderr)
        raise SystemExit(f"{' '.join(args)} failed with exit status {done.returncode}")
    return elapsed, done.stdout


def number(pattern: re.Pattern[str], text: str) -> int:
    match = pattern.search(text)
    if match is None:
        raise SystemExit(f"unexpected output of the command:\n{text}")
    return int(match.group(1).replace(",", ""))


def imported_counts(text: str) -> dict[str, int]:
    match = IMPORTED.search(text)
    if match is None:
        raise SystemExit(f"unexpected output of the command:\n{text}")
    values = [int(group.replace(",", "")) for group in match.groups()]
    return dict(zip(("created", "updated", "unchanged", "skipped"), values, strict=True))


class Checks:
    """Checks printed as they are made; ``ok`` is False once one fails."""

    def __init__(self) -> None:
        self.ok = True

    def __call__(self, name: str, expected: object, actual: object) -> None:
        passed = expected == actual
        self.ok = self.ok and passed
        emit({"check": True, "name": name, "expected": expected, "actual": actual, "ok": passed})
        if not passed:
            say(f"CHECK FAILED: {name}: expected {expected}, got {actual}")


def load() -> float:
    return round(os.getloadavg()[0], 2)


# --- the benchmark ------------------------------------------------------------------------


def source_state(db: Path) -> list[Any]:
    """Size and modification time of ``db`` and of its write-ahead log (None if absent).
    The ``-shm`` index is left out: any reader of a WAL database touches it."""
    state: list[Any] = []
    for suffix in ("", "-wal"):
        path = Path(f"{db}{suffix}")
        state.append([path.stat().st_size, path.stat().st_mtime_ns] if path.exists() else None)
    return state


def bench(source: Path, rows: int, seed: int, work: Path, check: Checks) -> None:
    copy = work / "copy.db"
    say(f"Copying {source} to {copy} (online backup API, read-only source)...")
    say(f"  {backup_copy(source, copy):.1f} s")
    start = time.perf_counter()
    open_database(to_url(str(copy))).dispose()  # migrates the copy now, not while timed
    say(f"Opened (validated, migrated if needed) the copy in {time.perf_counter() - start:.1f} s")
    before = counts(copy)
    say(f"Existing: {before['caller']:,} callers, {before['ticket']:,} tickets")
    if before["imported"]:
        raise SystemExit(f"{source} already holds callers @{DOMAIN}: use a fresh database.")
    sites = site_codes(copy)
    if not sites:
        raise SystemExit(f"{source} has no site: it is not a Switchboard database in use.")
    if UNKNOWN_SITE.casefold() in {code.casefold() for code, _region in sites}:
        raise SystemExit(f"{source} has a site {UNKNOWN_SITE}, the code used for bad rows.")

    start = time.perf_counter()
    generated = generate_csv(work / "ad-export.csv", rows, sites, seed)
    good = rows - len(generated.bad_ids)
    say(
        f"Generated {generated.path.name}: {rows:,} rows ({len(generated.bad_ids)} bad), "
        f"sites {', '.join(code for code, _region in sites)}, "
        f"{generated.path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s"
    )
    context = {
        "rows": rows,
        "bad_rows": len(generated.bad_ids),
        "existing_callers": before["caller"],
        "existing_tickets": before["ticket"],
    }

    floor_db = work / "baseline.db"
    backup_copy(copy, floor_db)
    say("Baseline: bare sqlite3 executemany into a second copy...")
    floor, floor_callers, floor_phones = baseline_insert(floor_db, generated)
    say(f"  {floor:.2f} s")
    after_floor = counts(floor_db)
    check("baseline_callers", before["caller"] + good, after_floor["caller"])
    check(
        "baseline_phones",
        before["caller_phone"] + generated.good_phones,
        after_floor["caller_phone"],
    )
    remove_database(floor_db)

    env = dict(os.environ, XDG_STATE_HOME=str(work / "state"))  # the command's log file
    env.pop("SWITCHBOARD_DB", None)
    startup = []
    for _ in range(STARTUP_RUNS):
        seconds, _out = run_command(
            [sys.executable, "-c", "import app.cli, app.callers.csv_import, app.db_lifecycle"], env
        )
        startup.append(seconds)
    emit(
        {
            "name": "process_startup",
            "value": round(statistics.median(startup), 3),
            "unit": "s",
            "runs": STARTUP_RUNS,
            "note": "python -c 'import app.cli, app.callers.csv_import, app.db_lifecycle', median",
        }
    )

    command = [sys.executable, "-m", "app", "import", "callers", str(generated.path)]
    command += ["--db", str(copy)]
    say(f"Dry run: {' '.join(command)} --dry-run")
    loadavg = load()
    dry, out = run_command([*command, "--dry-run"], env)
    say(f"  {dry:.2f} s")
    planned = {key: number(pattern, out) for key, pattern in PLANNED.items()}
    emit(
        {
            "name": "import_callers_dry_run",
            "value": round(dry, 3),
            "unit": "s",
            **planned,
            "loadavg_1m": loadavg,
            **context,
        }
    )
    check(
        "dry_run_plan",
        {"to_create": good, "to_update": 0, "unchanged": 0, "errors": len(generated.bad_ids)},
        planned,
    )
    check("dry_run_wrote_nothing", before["caller"], counts(copy)["caller"])

    say(f"Import: {' '.join(command)}")
    loadavg = load()
    seconds, out = run_command(command, env)
    say(f"  {seconds:.2f} s")
    result = imported_counts(out)
    emit(
        {
            "name": "import_callers",
            "value": round(seconds, 3),
            "unit": "s",
            "baseline": round(floor, 3),
            "ratio": round(seconds / floor, 2),
            "target": TARGET,
            **result,
            "loadavg_1m": loadavg,
            **context,
        }
    )
    after = counts(copy)
    check(
        "import_result",
        {"created": good, "updated": 0, "unchanged": 0, "skipped": len(generated.bad_ids)},
        result,
    )
    check(
        "callers_after_import (existing + rows - bad rows)",
        before["caller"] + good,
        after["caller"],
    )
    check(
        "phones_after_import", before["caller_phone"] + generated.good_phones, after["caller_phone"]
    )
    check("imported_callers", good, after["imported"])
    check(
        "baseline_inserted_same_rows", (good, generated.good_phones), (floor_callers, floor_phones)
    )
    imported_phones, mismatches = digit_mismatches(copy)
    check("imported_phone_digits_wrong", (generated.good_phones, 0), (imported_phones, mismatches))

    say("Re-import of the same file...")
    loadavg = load()
    again, out = run_command(command, env)
    say(f"  {again:.2f} s")
    result = imported_counts(out)
    emit(
        {
            "name": "reimport_callers",
            "value": round(again, 3),
            "unit": "s",
            "target": TARGET,
            **result,
            "loadavg_1m": loadavg,
            **context,
        }
    )
    final = counts(copy)
    check(
        "reimport_result",
        {"created": 0, "updated": 0, "unchanged": good, "skipped": len(generated.bad_ids)},
        result,
    )
    check("callers_after_reimport", after["caller"], final["caller"])
    check("phones_after_reimport", after["caller_phone"], final["caller_phone"])
    check(
        "duplicates_after_reimport",
        (0, 0),
        (final["duplicate_emails"], final["duplicate_employee_ids"]),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="database to copy (never written)")
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the CSV")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated CSV")
    parser.add_argument("--tmp-dir", type=Path, help="where the copies go (default: next to --db)")
    args = parser.parse_args()
    source: Path = args.db.resolve()
    if not source.is_file():
        parser.error(f"{source} is not a file")
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    try:
        work = Path(tempfile.mkdtemp(prefix="bench-import-", dir=args.tmp_dir or source.parent))
    except OSError:
        if args.tmp_dir:
            raise
        work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    check = Checks()
    before = source_state(source)
    try:
        bench(source, args.rows, args.seed, work, check)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        say(f"Removed {work}")
    after = source_state(source)
    check("source_unchanged_during_run (size, mtime of FILE and -wal)", before, after)
    if after != before:
        say(
            f"{source} changed during the run: another process wrote to it (this script only "
            "opens it read-only); the copy is the state at the start of the run."
        )
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
