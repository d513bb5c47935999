"""Caller import benchmark: ``switchboard import callers`` on an Active Directory export.

    python bench/import_callers.py --db FILE_OR_URL [--rows 200000] [--seed 1] [--tmp-dir DIR]

FILE_OR_URL is a Switchboard database, a SQLite file or a PostgreSQL URL
(``postgresql+psycopg://user@host/db``; for the issue's figures: 200,000 callers and
1,000,000 tickets from ``switchboard demo-data``). It is never written to: a SQLite file is
copied with the online backup API (read through a read-only connection) into a temporary
folder next to it (else in the system temporary folder, or in ``--tmp-dir``, where the CSV
goes too); a PostgreSQL database is copied on the same server with ``CREATE DATABASE ...
TEMPLATE``, which PostgreSQL does only while nobody else is connected to it. The copy is
migrated to the current schema before anything is timed (so a migration and its backup are
not counted), and it is deleted at the end, after a failure or Ctrl+C too.

The CSV is generated, deterministic for a seed: ``--rows`` callers in the shape of
PowerShell's ``Get-ADUser | Export-Csv`` (UTF-8 with BOM, a ``#TYPE`` line, every cell
quoted; Name, GivenName, Surname, EmailAddress, telephoneNumber, mobile, Department, Title,
EmployeeID, Office, SamAccountName), with the site codes of the database's ``site`` table,
unique names, e-mails (``@imp.example.com``) and employee ids (``IMP...``) that no existing
caller has, and a handful of bad rows (no name, bad e-mail, too short a phone, unknown site)
that the import must skip and report.

Figures, one JSON object each on stdout (progress goes to stderr), each with its
``"backend"`` (``"sqlite"`` or ``"postgresql"``), wall times measured with
``time.perf_counter`` around a subprocess, start-up of the interpreter included:

- ``import_callers``: ``python -m app import callers CSV --db COPY`` on the copy (its file,
  or its URL); its baseline is the floor on the same back end: the same good rows read from
  the same CSV with the ``csv`` module and written into ``caller`` and ``caller_phone`` of
  a second copy through the bare driver, in one transaction, committed, connection closed,
  in this process, so without interpreter start-up. On SQLite, ``executemany`` through the
  ``sqlite3`` module, with the program's PRAGMAs (WAL, synchronous FULL, foreign keys, the
  import's 256 MiB page cache). On PostgreSQL, ``COPY ... FROM STDIN`` through ``psycopg``:
  the fastest way to load rows the server has (its manual's advice for bulk loading),
  faster than ``executemany`` even as psycopg pipelines its INSERTs (about 1.5 times at
  50,000 callers), so the floor is a floor; the rows go through the same indexes, triggers
  and foreign key checks as the program's;
- ``import_callers_dry_run``: the same command with ``--dry-run`` (read, check, plan);
- ``reimport_callers``: the same file imported a second time: every good row unchanged;
- ``process_startup``: ``python -c "import app.cli, app.callers.csv_import, app.db_lifecycle"``,
  what every command pays before it starts working.

Checks, one JSON object each (``"check": true``), follow: caller and phone counts after the
dry run (unchanged), after the import (existing + rows - bad rows) and after the re-import
(unchanged, no duplicate e-mails or employee ids), the stored phone digits, the command's
own counts, and the source unchanged: a SQLite file (with its ``-wal``) keeping its size and
modification time, a PostgreSQL database the rows written to it as its statistics count them
(``pg_stat_user_tables``). The exit status is 1 if a check fails.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.callers.phones import phone_digits, phone_region  # noqa: E402
from app.db_lifecycle import open_database  # noqa: E402
from bench.database import BenchDatabase  # noqa: E402
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
CALLER_COLUMNS = (
    "id, name, email, employee_id, department, site_id, vip, notes, created_at, updated_at"
)
PHONE_COLUMNS = "id, caller_id, number, digits, label"

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


# --- counts -------------------------------------------------------------------------------


def db_argument(db: BenchDatabase) -> str:
    """``db`` as the program's ``--db`` takes it: the file, or the URL."""
    return str(db.path) if db.path is not None else db.url


def shown(db: BenchDatabase) -> str:
    """``db`` for the progress lines: the file, or the URL without its password."""
    return str(db.path) if db.path is not None else make_url(db.url).render_as_string()


def counts(db: BenchDatabase) -> dict[str, int]:
    like = f"%@{DOMAIN}"
    queries = {
        **{
            table: (f"SELECT count(*) FROM {table}", ())
            for table in ("caller", "caller_phone", "ticket")
        },
        "imported": ("SELECT count(*) FROM caller WHERE email LIKE ?", (like,)),
        "duplicate_emails": (
            "SELECT count(*) - count(DISTINCT lower(email)) FROM caller WHERE email LIKE ?",
            (like,),
        ),
        "duplicate_employee_ids": (
            "SELECT count(*) - count(DISTINCT lower(employee_id)) FROM caller "
            "WHERE employee_id LIKE ?",
            (EMPLOYEE_PREFIX + "%",),
        ),
    }
    with db.connected(read_only=True) as connection:
        return {key: int(connection.one(sql, values)[0]) for key, (sql, values) in queries.items()}


def digit_mismatches(db: BenchDatabase) -> tuple[int, int]:
    """(imported phone numbers, those whose stored digits are not the number's digits)."""
    with db.connected(read_only=True) as connection:
        rows = connection.rows(
            "SELECT p.number, p.digits FROM caller_phone p JOIN caller c ON c.id = p.caller_id "
            "WHERE c.email LIKE ?",
            (f"%@{DOMAIN}",),
        )
    return len(rows), sum(1 for number, digits in rows if phone_digits(number) != digits)


def site_codes(db: BenchDatabase) -> list[tuple[str, str]]:
    """(code, phone region) of every site, in the same order on both back ends (their
    collations may order the codes differently), so a seed gives the same CSV."""
    with db.connected(read_only=True) as connection:
        rows = connection.rows("SELECT code, holiday_country FROM site")
    return [(code, phone_region(country)) for code, country in sorted(rows)]


# --- the floor ----------------------------------------------------------------------------


def baseline_insert(db: BenchDatabase, generated: Generated) -> tuple[float, int, int]:
    """Write the good rows of the CSV with the bare driver of ``db``'s back end; (seconds,
    callers, phones). Timed from connecting to closing the connection after the commit."""
    start = time.perf_counter()
    write = _sqlite_floor if db.path is not None else _postgres_floor
    callers, phones = write(db, generated)
    return time.perf_counter() - start, callers, phones


def _sqlite_floor(db: BenchDatabase, generated: Generated) -> tuple[int, int]:
    """``executemany`` through ``sqlite3``, with the program's PRAGMAs."""
    connection = sqlite3.connect(str(db.path), isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    sites = {
        code.casefold(): site for site, code in connection.execute("SELECT id, code FROM site")
    }
    # A UTC time as SQLAlchemy stores it in SQLite.
    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    callers, phones = good_rows(generated, sites, lambda: uuid.uuid4().bytes, now, 0)
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        f"INSERT INTO caller ({CALLER_COLUMNS}) VALUES ({', '.join('?' * 10)})", callers
    )
    connection.executemany(
        f"INSERT INTO caller_phone ({PHONE_COLUMNS}) VALUES ({', '.join('?' * 5)})", phones
    )
    connection.execute("COMMIT")
    connection.close()
    return len(callers), len(phones)


def _postgres_floor(db: BenchDatabase, generated: Generated) -> tuple[int, int]:
    """``COPY ... FROM STDIN`` through ``psycopg``, one transaction (committed as the
    connection's block ends)."""
    import psycopg  # only server runs need the driver

    with psycopg.connect(db.libpq_url()) as connection, connection.cursor() as cursor:
        sites = {
            code.casefold(): site for site, code in cursor.execute("SELECT id, code FROM site")
        }
        callers, phones = good_rows(generated, sites, uuid.uuid4, utcnow(), False)
        for table, columns, rows in (
            ("caller", CALLER_COLUMNS, callers),
            ("caller_phone", PHONE_COLUMNS, phones),
        ):
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    return len(callers), len(phones)


def good_rows(
    generated: Generated, sites: dict[str, Any], new_id: Callable[[], Any], now: Any, vip: Any
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The caller and phone rows of the CSV's good rows, read with the ``csv`` module, in
    the order of :data:`CALLER_COLUMNS` and :data:`PHONE_COLUMNS`; ids, the moment and the
    false ``vip`` as the back end's driver takes them (``sites`` by case-folded code). Stamped
    as the command stamps its rows: the program's clock (in both processes the system
    clock); the import compares no time with it, so the day does not change what is
    measured."""
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
            caller_id = new_id()
            callers.append(
                (
                    caller_id,
                    cells[name],
                    cells[email],
                    cells[employee],
                    cells[department],
                    sites[cells[site].casefold()],
                    vip,
                    "",
                    now,
                    now,
                )
            )
            for index, label in ((office, "work"), (mobile, "mobile")):
                number = cells[index]
                if number:
                    phones.append((new_id(), caller_id, number, NOT_DIGIT.sub("", number), label))
    return callers, phones


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


def source_state(db: BenchDatabase) -> list[Any]:
    """What writing to ``db`` would change. A SQLite file: the size and modification time
    of the file and of its write-ahead log (None if absent; the ``-shm`` index is left out:
    any reader of a WAL database touches it). A PostgreSQL database: the rows inserted,
    updated and deleted in its tables since the server's statistics began."""
    if db.path is None:
        with db.connected(read_only=True) as connection:
            written = ", ".join(
                f"coalesce(sum(n_tup_{kind}), 0)::bigint" for kind in ("ins", "upd", "del")
            )
            return list(connection.one(f"SELECT {written} FROM pg_stat_user_tables"))
    state: list[Any] = []
    for suffix in ("", "-wal"):
        path = Path(f"{db.path}{suffix}")
        state.append([path.stat().st_size, path.stat().st_mtime_ns] if path.exists() else None)
    return state


def check_source_unchanged(check: Checks, db: BenchDatabase, before: list[Any]) -> None:
    """Check that nothing wrote to ``db`` since :func:`source_state` gave ``before``."""
    what = "size, mtime of FILE and -wal" if db.sqlite else "rows written, pg_stat_user_tables"
    after = source_state(db)
    check(f"source_unchanged_during_run ({what})", before, after)
    if after != before:
        say(
            f"{shown(db)} changed during the run: another program wrote to it (this script "
            "only reads it); the copy is the state at the start of the run."
        )


@contextmanager
def migrated_copy(source: BenchDatabase, folder: Path) -> Iterator[BenchDatabase]:
    """A copy of ``source`` (:meth:`BenchDatabase.copy_of`), migrated to the current schema
    now, so that no migration (nor its backup) is timed."""
    say(f"Copying {shown(source)} (read only)...")
    start = time.perf_counter()
    with source.copy_of(folder) as copy:
        say(f"  to {shown(copy)} in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        open_database(copy.url).dispose()
        seconds = time.perf_counter() - start
        say(f"Opened (validated, migrated if needed) the copy in {seconds:.1f} s")
        yield copy


def work_folder(prefix: str, source: BenchDatabase, tmp_dir: Path | None) -> Path:
    """A new temporary folder for the CSV, the command's log and a SQLite copy: in
    ``tmp_dir``, else next to a SQLite source (else in the system's temporary folder)."""
    near = source.path.parent if source.path is not None else None
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=tmp_dir or near))
    except OSError:
        if tmp_dir:
            raise
        return Path(tempfile.mkdtemp(prefix=prefix))


def source_argument(parser: argparse.ArgumentParser, value: str) -> BenchDatabase:
    """``--db`` read; a parser error if it names no SQLite file."""
    source = BenchDatabase.from_arg(value)
    if source.path is not None and not source.path.is_file():
        parser.error(f"{source.path} is not a file")
    return source


def bench(source: BenchDatabase, rows: int, seed: int, work: Path, check: Checks) -> None:
    with migrated_copy(source, work) as copy:
        measure(source, copy, rows, seed, work, check)


def measure(
    source: BenchDatabase, copy: BenchDatabase, rows: int, seed: int, work: Path, check: Checks
) -> None:
    before = counts(copy)
    say(f"Existing: {before['caller']:,} callers, {before['ticket']:,} tickets")
    if before["imported"]:
        raise SystemExit(f"{shown(source)} already holds callers @{DOMAIN}: use a fresh one.")
    sites = site_codes(copy)
    if not sites:
        raise SystemExit(f"{shown(source)} has no site: it is not a Switchboard database in use.")
    if UNKNOWN_SITE.casefold() in {code.casefold() for code, _region in sites}:
        raise SystemExit(f"{shown(source)} has a site {UNKNOWN_SITE}, the code for bad rows.")

    start = time.perf_counter()
    generated = generate_csv(work / "ad-export.csv", rows, sites, seed)
    good = rows - len(generated.bad_ids)
    say(
        f"Generated {generated.path.name}: {rows:,} rows ({len(generated.bad_ids)} bad), "
        f"sites {', '.join(code for code, _region in sites)}, "
        f"{generated.path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s"
    )
    context = {
        "backend": copy.backend,
        "rows": rows,
        "bad_rows": len(generated.bad_ids),
        "existing_callers": before["caller"],
        "existing_tickets": before["ticket"],
    }

    with copy.copy_of(work) as floor_db:
        way = "sqlite3 executemany" if floor_db.sqlite else "psycopg COPY"
        say(f"Baseline: bare {way} into a second copy...")
        floor, floor_callers, floor_phones = baseline_insert(floor_db, generated)
        say(f"  {floor:.2f} s")
        after_floor = counts(floor_db)
    check("baseline_callers", before["caller"] + good, after_floor["caller"])
    check(
        "baseline_phones",
        before["caller_phone"] + generated.good_phones,
        after_floor["caller_phone"],
    )

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
            "backend": copy.backend,
            "note": "python -c 'import app.cli, app.callers.csv_import, app.db_lifecycle', median",
        }
    )

    command = [sys.executable, "-m", "app", "import", "callers", str(generated.path)]
    command += ["--db", db_argument(copy)]
    shown_command = " ".join([*command[:-1], shown(copy)])
    say(f"Dry run: {shown_command} --dry-run")
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

    say(f"Import: {shown_command}")
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
    parser.add_argument(
        "--db", required=True, help="SQLite file or PostgreSQL URL to copy (never written)"
    )
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the CSV")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated CSV")
    parser.add_argument("--tmp-dir", type=Path, help="where the CSV and a SQLite copy go")
    args = parser.parse_args()
    source = source_argument(parser, args.db)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    work = work_folder("bench-import-", source, args.tmp_dir)
    check = Checks()
    before = source_state(source)
    try:
        bench(source, args.rows, args.seed, work, check)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        say(f"Removed {work}")
    check_source_unchanged(check, source, before)
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
