"""Import callers from a CSV file exported by a directory or an address book.

Three steps, none of them touching Qt:

1. :func:`read_table` reads the file: its encoding (UTF-8 with or without a byte-order mark,
   else Windows-1252; bytes that are not valid text are reported by line, never raised), its
   delimiter (``,`` ``;`` or tab) and its header row (PowerShell's ``#TYPE`` line and other
   lines before the header are skipped).
2. :func:`suggest_mapping` maps the columns of Active Directory, Outlook and Google contacts
   exports (and plain names such as "name", "email", "phone") to caller fields; the user may
   override any of them. :func:`plan_import` validates every row, matches existing callers by
   e-mail (case-insensitive) or employee id and says what would be created or changed.
   Phone numbers are compared and stored in the canonical form of :mod:`app.callers.phones`, read
   in the region of the caller's site: the same number written another way ("020 7946
   0018", "+44 20 7946 0018") is one number, kept once and no change. Nothing is written.
3. :func:`apply_import` writes the plan in one transaction: all rows or none. It checks the
   rows again inside that transaction, so a caller added since the preview is updated, not
   duplicated. Rows with errors are skipped (and counted), unless ``strict`` asks to refuse
   the whole file. Callers that are renamed get their tickets' ``caller_name`` updated too.

A cell left empty never erases what the database holds: it means "not in the file". Writes go
through SQLAlchemy Core in batches (no ORM object per row), so 200,000 callers take seconds.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, insert, select, update

from app.callers.phones import DEFAULT_REGION, canonical_digits, phone_digits, phone_region
from app.errors import SwitchboardError
from models.clock import utcnow
from models.engine import is_sqlite
from models.org import Site
from models.people import Caller, CallerPhone
from models.search import sqlite_bulk_insert
from models.tickets import Ticket

log = logging.getLogger(__name__)

BATCH = 5_000
BULK_INDEX_ROWS = 2_000  # creating this many callers: search indexes filled in one go
IMPORT_CACHE_KIB = 256 * 1024  # SQLite page cache while importing (freed afterwards)
MIN_PHONE_DIGITS = 5
HEADER_SEARCH_ROWS = 5  # the header is one of the first non-empty rows
SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
EMAIL = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+")
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "vip"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "-"})

CALLERS = Caller.__table__  # type: ignore[attr-defined]
PHONES = CallerPhone.__table__  # type: ignore[attr-defined]
SITES = Site.__table__  # type: ignore[attr-defined]
TICKETS = Ticket.__table__  # type: ignore[attr-defined]
NAME_MAX, EMAIL_MAX, EMPLOYEE_MAX, DEPARTMENT_MAX, NOTES_MAX = 160, 200, 40, 120, 4000
NUMBER_MAX, DIGITS_MAX = 40, 24


class Field(StrEnum):
    """What a column of the file holds."""

    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    EMAIL = "email"
    PHONE = "phone"
    MOBILE = "mobile"
    DEPARTMENT = "department"
    SITE = "site"
    EMPLOYEE_ID = "employee_id"
    VIP = "vip"
    NOTES = "notes"
    IGNORE = "ignore"


# Fields several columns may feed (each adds numbers to the caller's set).
MULTI = frozenset({Field.PHONE, Field.MOBILE})


def _key(header: str) -> str:
    """A header reduced for comparison: lower case, letters and digits only."""
    return "".join(c for c in header.casefold() if c.isalnum())


def _aliases(pairs: Mapping[Field, Iterable[str]]) -> dict[str, Field]:
    return {_key(name): target for target, names in pairs.items() for name in names}


# Column names of Active Directory (Export-Csv, csvde), Outlook and Google contacts exports,
# and the plain names people type themselves.
ALIASES = _aliases(
    {
        Field.NAME: (
            "name",
            "displayName",
            "Display Name",
            "full name",
            "fullname",
            "cn",
            "caller",
            "contact",
        ),
        Field.FIRST_NAME: ("givenName", "First Name", "Given Name", "first", "forename"),
        Field.LAST_NAME: ("sn", "surname", "Last Name", "Family Name", "last", "lastname"),
        Field.EMAIL: (
            "email",
            "e-mail",
            "mail",
            "EmailAddress",
            "E-mail Address",
            "Email Address",
            "E-mail 1 - Value",
            "Email 1 - Value",
            "primary email",
        ),
        Field.PHONE: (
            "phone",
            "telephone",
            "telephoneNumber",
            "OfficePhone",
            "phone number",
            "tel",
            "Business Phone",
            "Business Phone 2",
            "Company Main Phone",
            "Primary Phone",
            "ipPhone",
            "Phone 1 - Value",
            "Phone 2 - Value",
            "Phone 3 - Value",
            "work phone",
        ),
        Field.MOBILE: ("mobile", "MobilePhone", "Mobile Phone", "cell", "cell phone", "gsm"),
        Field.DEPARTMENT: (
            "department",
            "dept",
            "Organization 1 - Department",
            "Organization Department",
        ),
        Field.SITE: (
            "site",
            "site code",
            "office",
            "physicalDeliveryOfficeName",
            "Office Location",
            "location",
        ),
        Field.EMPLOYEE_ID: (
            "employee id",
            "employeeID",
            "employeeNumber",
            "employee number",
            "emp id",
            "staff id",
            "Organizational ID Number",
        ),
        Field.VIP: ("vip", "is vip"),
        Field.NOTES: ("notes", "note", "comment", "comments", "info", "description"),
    }
)
# Used only when no column maps to the field through ALIASES: the AD login is a stable key.
FALLBACK_ALIASES = _aliases({Field.EMPLOYEE_ID: ("sAMAccountName", "username", "login")})


@dataclass(frozen=True)
class RawRow:
    """One record of the file: the line it starts on and its cells."""

    line: int
    values: tuple[str, ...]
    end_line: int = 0  # the last line of a record with line breaks inside quotes


@dataclass(frozen=True)
class RowError:
    """Why one row of the file cannot be imported."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class RawTable:
    """A CSV file as read: how it was read, its headers and its records."""

    path: Path
    encoding: str  # "utf-8", "utf-8-sig" (with byte-order mark) or "cp1252"
    delimiter: str
    header_line: int
    headers: tuple[str, ...]
    rows: tuple[RawRow, ...]
    bad_lines: frozenset[int] = frozenset()  # lines holding bytes that are not valid text

    @property
    def encoding_label(self) -> str:
        return {
            "utf-8": "UTF-8",
            "utf-8-sig": "UTF-8 with BOM",
            "cp1252": "Windows-1252",
        }.get(self.encoding, self.encoding)

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


@dataclass(frozen=True)
class PhoneValue:
    """A number as written in the file, its canonical digits (:mod:`app.callers.phones`, in the
    region of the caller's site) and its label."""

    number: str
    digits: str
    label: str


@dataclass(frozen=True)
class CallerValues:
    """What the file says about one caller; None where the file gives nothing."""

    name: str
    email: str | None = None
    employee_id: str | None = None
    department: str | None = None
    site_id: uuid.UUID | None = None
    vip: bool | None = None
    notes: str | None = None
    phones: tuple[PhoneValue, ...] | None = None


@dataclass(frozen=True)
class PlannedCreate:
    line: int
    values: CallerValues


@dataclass(frozen=True)
class PlannedUpdate:
    line: int
    caller_id: uuid.UUID
    current: tuple[Any, ...]  # the caller as it is: CALLER_COLUMNS
    values: CallerValues
    changes: tuple[str, ...]  # the fields that change, e.g. ("name", "phones")


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do. Nothing has been written."""

    table: RawTable
    mapping: dict[str, Field]
    default_site_code: str | None
    creates: tuple[PlannedCreate, ...]
    updates: tuple[PlannedUpdate, ...]
    unchanged: int
    errors: tuple[RowError, ...]
    # What the row checks were made against, so that applying need not repeat them.
    sites: dict[str, uuid.UUID] = field(default_factory=dict, repr=False, compare=False)
    regions: dict[uuid.UUID, str] = field(default_factory=dict, repr=False, compare=False)
    checked: list[tuple[int, CallerValues | None, str]] = field(
        default_factory=list, repr=False, compare=False
    )

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    skipped: int  # rows with errors
    errors: tuple[RowError, ...] = field(default=())


# --- reading the file ---------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str, frozenset[int]]:
    """The text, the encoding used and the (1-based) lines holding undecodable bytes."""
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = data.splitlines()
    utf8_bad: set[int] = set()
    utf8_good = 0
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            utf8_bad.add(number)
        else:
            utf8_good += 1
    if bom or not utf8_bad or utf8_good > len(utf8_bad):
        encoding = "utf-8-sig" if bom else "utf-8"
        return data.decode(encoding, errors="replace"), encoding, frozenset(utf8_bad)
    # Windows-1252 leaves five byte values undefined.
    cp_bad = set()
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("cp1252")
        except UnicodeDecodeError:
            cp_bad.add(number)
    return data.decode("cp1252", errors="replace"), "cp1252", frozenset(cp_bad)


def _count_delimiter(line: str) -> str | None:
    """The candidate delimiter that occurs most often outside quotes in ``line``."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


def _detect_delimiter(text: str) -> str:
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counted = _count_delimiter(first)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    # The sniffer guesses from character frequencies; a delimiter absent from the header
    # line (e.g. a comma inside a notes column of a semicolon file) cannot be the right one.
    if sniffed in DELIMITERS and (counted is None or sniffed in first):
        return sniffed
    return counted or ","


def _unique_headers(cells: Sequence[str]) -> tuple[str, ...]:
    headers: list[str] = []
    for number, cell in enumerate(cells, start=1):
        name = cell.strip() or f"Column {number}"
        candidate, n = name, 2
        while candidate in headers:
            candidate, n = f"{name} ({n})", n + 1
        headers.append(candidate)
    return tuple(headers)


def _known_columns(cells: Sequence[str]) -> int:
    return sum(1 for cell in cells if _key(cell) in ALIASES or _key(cell) in FALLBACK_ALIASES)


def read_table(path: Path) -> RawTable:
    """Read a CSV file; raise :class:`SwitchboardError` when it cannot be read as a table."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SwitchboardError(f"Cannot read {path}: {error.strerror or error}.") from error
    text, encoding, bad_lines = _decode(data)
    delimiter = _detect_delimiter(text)
    records: list[RawRow] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append(RawRow(start, tuple(cells), reader.line_num))
            start = reader.line_num + 1
    except csv.Error as error:
        raise SwitchboardError(
            f"{path}, line {reader.line_num}: cannot be read as CSV ({error}). "
            "Fix that line or export the file again."
        ) from error
    # The header: the first of the leading rows naming the most known columns (skips
    # PowerShell's "#TYPE ..." line and titles above the table).
    leading = [
        i for i, row in enumerate(records[:HEADER_SEARCH_ROWS]) if not row.values[0].startswith("#")
    ]
    if not leading:
        raise SwitchboardError(f"{path} holds no table: no header row was found.")
    best = max(leading, key=lambda i: (_known_columns(records[i].values), -i))
    if _known_columns(records[best].values) == 0:
        best = leading[0]
    header = records[best]
    return RawTable(
        path=path,
        encoding=encoding,
        delimiter=delimiter,
        header_line=header.line,
        headers=_unique_headers(header.values),
        rows=tuple(records[best + 1 :]),
        bad_lines=bad_lines,
    )


# --- mapping columns ----------------------------------------------------------------------


def suggest_mapping(headers: Sequence[str]) -> dict[str, Field]:
    """Each header's likely field (IGNORE when unknown). A single-valued field is fed by the
    first column naming it; later ones are ignored."""
    mapping: dict[str, Field] = {}
    taken: set[Field] = set()
    for header in headers:
        target = ALIASES.get(_key(header), Field.IGNORE)
        if target in taken and target not in MULTI:
            target = Field.IGNORE
        mapping[header] = target
        if target is not Field.IGNORE:
            taken.add(target)
    for header in headers:
        fallback = FALLBACK_ALIASES.get(_key(header))
        if fallback is not None and fallback not in taken and mapping[header] is Field.IGNORE:
            mapping[header] = fallback
            taken.add(fallback)
    return mapping


def parse_field(text: str) -> Field:
    """A field named by the user ("employee id", "E-mail", "skip"...)."""
    key = _key(text)
    for target in Field:
        if key == _key(target.value):
            return target
    if key in ("skip", "none", ""):
        return Field.IGNORE
    if key in ALIASES:
        return ALIASES[key]
    names = ", ".join(f.value for f in Field)
    raise SwitchboardError(f"Unknown field {text!r}: use one of {names}.")


def apply_overrides(
    headers: Sequence[str], mapping: Mapping[str, Field], overrides: Iterable[str]
) -> dict[str, Field]:
    """``mapping`` with ``COLUMN=FIELD`` overrides (column names matched loosely)."""
    result = dict(mapping)
    by_key = {_key(h): h for h in headers}
    for override in overrides:
        column, sep, target = override.rpartition("=")
        if not sep or not column.strip():
            raise SwitchboardError(f"--map {override!r}: write it as COLUMN=FIELD.")
        header = column.strip() if column.strip() in result else by_key.get(_key(column))
        if header is None:
            raise SwitchboardError(
                f"--map {override!r}: the file has no column {column.strip()!r}. "
                f"Its columns are: {', '.join(headers)}."
            )
        result[header] = parse_field(target)
    return result


def check_mapping(mapping: Mapping[str, Field]) -> None:
    """Refuse a mapping that can never give a caller a name, or feeds one field twice."""
    targets = [t for t in mapping.values() if t is not Field.IGNORE]
    doubled = sorted({t.value for t in targets if t not in MULTI and targets.count(t) > 1})
    if doubled:
        raise SwitchboardError(
            f"Several columns are mapped to {', '.join(doubled)}: map only one of them."
        )
    if Field.NAME not in targets and not (
        Field.FIRST_NAME in targets or Field.LAST_NAME in targets
    ):
        raise SwitchboardError(
            "No column holds the caller's name: map one to 'name' (or to 'first_name' and "
            "'last_name'), e.g. --map \"Full name=name\"."
        )


# --- planning -----------------------------------------------------------------------------


@dataclass
class _Existing:
    """What the database holds, loaded once: callers by id, e-mail and employee id."""

    callers: dict[uuid.UUID, tuple[Any, ...]]
    by_email: dict[str, uuid.UUID]
    by_employee: dict[str, uuid.UUID]
    phones: dict[uuid.UUID, set[tuple[str, str]]]  # (canonical digits, label)
    sites: dict[str, uuid.UUID]  # code and name, case-folded
    site_codes: list[str]
    regions: dict[uuid.UUID, str]  # each site's phone region

    def region(self, site_id: uuid.UUID | None) -> str:
        """The region a caller at ``site_id`` writes phone numbers in."""
        return self.regions.get(site_id, DEFAULT_REGION) if site_id else DEFAULT_REGION


CALLER_COLUMNS = ("id", "name", "email", "employee_id", "department", "site_id", "vip", "notes")


def _load_existing(connection: Connection) -> _Existing:
    callers: dict[uuid.UUID, tuple[Any, ...]] = {}
    by_email: dict[str, uuid.UUID] = {}
    by_employee: dict[str, uuid.UUID] = {}
    columns = [CALLERS.c[name] for name in CALLER_COLUMNS]
    for row in connection.execute(select(*columns)):
        callers[row[0]] = tuple(row)
        if row[2]:
            by_email.setdefault(row[2].strip().casefold(), row[0])
        if row[3]:
            by_employee.setdefault(row[3].strip().casefold(), row[0])
    phones: dict[uuid.UUID, set[tuple[str, str]]] = {}
    for caller_id, digits, label in connection.execute(
        select(PHONES.c.caller_id, PHONES.c.digits, PHONES.c.label)
    ):
        phones.setdefault(caller_id, set()).add((digits, label))
    sites: dict[str, uuid.UUID] = {}
    codes = []
    regions: dict[uuid.UUID, str] = {}
    for site_id, code, name, country in connection.execute(
        select(SITES.c.id, SITES.c.code, SITES.c.name, SITES.c.holiday_country).order_by(
            SITES.c.code
        )
    ):
        codes.append(code)
        sites.setdefault(name.casefold(), site_id)
        regions[site_id] = phone_region(country)
    for site_id, code, _name in connection.execute(select(SITES.c.id, SITES.c.code, SITES.c.name)):
        sites[code.casefold()] = site_id  # a code wins over another site's name
    return _Existing(callers, by_email, by_employee, phones, sites, codes, regions)


def _parse_bool(text: str) -> bool | None:
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _too_long(what: str, value: str, limit: int) -> str:
    return f"{what} is {len(value)} characters long (at most {limit})"


def _phones(
    numbers: Iterable[tuple[str, str]], region: str
) -> tuple[tuple[PhoneValue, ...], list[str]]:
    """The (number, label)s with their canonical digits in ``region``, one per number (the
    same number in two columns or two formats is kept once), and what is wrong with them."""
    phones: list[PhoneValue] = []
    problems: list[str] = []
    for number, label in numbers:
        typed = phone_digits(number)
        digits = canonical_digits(number, region)
        if len(typed) < MIN_PHONE_DIGITS:
            problems.append(
                f"phone {number!r} has {len(typed)} digits (at least {MIN_PHONE_DIGITS})"
            )
        elif len(number) > NUMBER_MAX or max(len(typed), len(digits)) > DIGITS_MAX:
            problems.append(f"phone {number!r} is too long (at most {DIGITS_MAX} digits)")
        elif all(p.digits != digits for p in phones):
            phones.append(PhoneValue(number, digits, label))
    return tuple(phones), problems


def _row_values(
    row: RawRow,
    columns: Sequence[tuple[int, Field]],
    existing: _Existing,
    default_site: uuid.UUID | None,
    bad_line: bool,
) -> tuple[CallerValues | None, list[str]]:
    """The row's caller, or the reasons it cannot be imported."""
    cells: dict[Field, str] = {}
    numbers: list[tuple[str, str]] = []
    width = len(row.values)
    for index, target in columns:
        value = row.values[index].strip() if index < width else ""
        if target in MULTI:
            if value:
                numbers.append((value, "mobile" if target is Field.MOBILE else "work"))
        elif value:
            cells[target] = " ".join(value.split()) if target is not Field.NOTES else value
    problems: list[str] = []
    if bad_line:
        problems.append(
            "holds bytes that are not valid text in this file's encoding (shown as \ufffd); "
            "fix them or save the file as UTF-8"
        )
    name = cells.get(Field.NAME) or " ".join(
        part for part in (cells.get(Field.FIRST_NAME), cells.get(Field.LAST_NAME)) if part
    )
    if not name:
        problems.append("no name (a caller needs a name, or a first and a last name)")
    elif len(name) > NAME_MAX:
        problems.append(_too_long("the name", name, NAME_MAX))
    email = cells.get(Field.EMAIL)
    if email is not None:
        if not EMAIL.fullmatch(email):
            problems.append(f"{email!r} is not an e-mail address")
        elif len(email) > EMAIL_MAX:
            problems.append(_too_long("the e-mail address", email, EMAIL_MAX))
    employee_id = cells.get(Field.EMPLOYEE_ID)
    if employee_id is not None and len(employee_id) > EMPLOYEE_MAX:
        problems.append(_too_long("the employee id", employee_id, EMPLOYEE_MAX))
    department = cells.get(Field.DEPARTMENT)
    if department is not None and len(department) > DEPARTMENT_MAX:
        problems.append(_too_long("the department", department, DEPARTMENT_MAX))
    notes = cells.get(Field.NOTES)
    if notes is not None and len(notes) > NOTES_MAX:
        problems.append(_too_long("the notes", notes, NOTES_MAX))
    site_id = default_site
    site = cells.get(Field.SITE)
    if site is not None:
        site_id = existing.sites.get(site.casefold())
        if site_id is None:
            known = ", ".join(existing.site_codes) or "none yet"
            problems.append(f"unknown site {site!r} (site codes: {known})")
    vip = None
    if Field.VIP in cells:
        vip = _parse_bool(cells[Field.VIP])
        if vip is None:
            problems.append(f"VIP must be yes/no, true/false or 1/0, not {cells[Field.VIP]!r}")
    phones, phone_problems = _phones(numbers, existing.region(site_id))
    problems.extend(phone_problems)
    if problems:
        return None, problems
    values = CallerValues(
        name=name,
        email=email,
        employee_id=employee_id,
        department=department,
        site_id=site_id,
        vip=vip,
        notes=notes,
        phones=phones or None,
    )
    return values, []


def _changes(
    values: CallerValues, current: tuple[Any, ...], phones: set[tuple[str, str]]
) -> list[str]:
    _id, name, email, employee_id, department, site_id, vip, notes = current
    changed = []
    for what, new, old in (
        ("name", values.name, name),
        ("email", values.email, email),
        ("employee_id", values.employee_id, employee_id),
        ("department", values.department, department),
        ("site", values.site_id, site_id),
        ("vip", values.vip, vip),
        ("notes", values.notes, notes),
    ):
        if new is not None and new != old:
            changed.append(what)
    # By canonical digits: the same number written another way is no change.
    if values.phones is not None and {(p.digits, p.label) for p in values.phones} != phones:
        changed.append("phones")
    return changed


def _check_rows(
    table: RawTable,
    mapping: Mapping[str, Field],
    existing: _Existing,
    default_site: uuid.UUID | None,
) -> list[tuple[int, CallerValues | None, str]]:
    """Each row's caller, or why it cannot be imported (what needs no other caller)."""
    columns = [
        (index, mapping.get(header, Field.IGNORE))
        for index, header in enumerate(table.headers)
        if mapping.get(header, Field.IGNORE) is not Field.IGNORE
    ]
    checked: list[tuple[int, CallerValues | None, str]] = []
    for row in table.rows:
        bad = bool(table.bad_lines) and any(
            n in table.bad_lines for n in range(row.line, max(row.end_line, row.line) + 1)
        )
        values, problems = _row_values(row, columns, existing, default_site, bad)
        checked.append((row.line, values, "; ".join(problems)))
    return checked


def _plan(
    connection: Connection,
    table: RawTable,
    mapping: Mapping[str, Field],
    default_site_code: str | None,
    previous: ImportPlan | None = None,
) -> ImportPlan:
    check_mapping(mapping)
    existing = _load_existing(connection)
    default_site = None
    if default_site_code:
        default_site = existing.sites.get(default_site_code.strip().casefold())
        if default_site is None:
            known = ", ".join(existing.site_codes) or "none yet"
            raise SwitchboardError(
                f"Unknown site {default_site_code!r} given as the default site "
                f"(site codes: {known})."
            )
    # Row checks depend only on the sites: a plan made against the same sites is reused.
    if (
        previous is not None
        and previous.sites == existing.sites
        and previous.regions == existing.regions
    ):
        checked = previous.checked
    else:
        checked = _check_rows(table, mapping, existing, default_site)
    creates: list[PlannedCreate] = []
    updates: list[PlannedUpdate] = []
    errors: list[RowError] = []
    unchanged = 0
    seen_email: dict[str, int] = {}
    seen_employee: dict[str, int] = {}
    seen_caller: dict[uuid.UUID, int] = {}
    for line, values, problem in checked:
        if values is None:
            errors.append(RowError(line, problem))
            continue
        email_key = values.email.casefold() if values.email else None
        employee_key = values.employee_id.casefold() if values.employee_id else None
        if email_key is not None and email_key in seen_email:
            errors.append(
                RowError(line, f"same e-mail as line {seen_email[email_key]}: {values.email}")
            )
            continue
        if employee_key is not None and employee_key in seen_employee:
            errors.append(
                RowError(
                    line,
                    f"same employee id as line {seen_employee[employee_key]}: {values.employee_id}",
                )
            )
            continue
        by_email = existing.by_email.get(email_key) if email_key else None
        by_employee = existing.by_employee.get(employee_key) if employee_key else None
        if by_email is not None and by_employee is not None and by_email != by_employee:
            errors.append(
                RowError(
                    line,
                    f"e-mail {values.email} belongs to {existing.callers[by_email][1]} but "
                    f"employee id {values.employee_id} to {existing.callers[by_employee][1]}",
                )
            )
            continue
        if email_key is not None:
            seen_email[email_key] = line
        if employee_key is not None:
            seen_employee[employee_key] = line
        match = by_email or by_employee
        if match is not None and match in seen_caller:
            errors.append(
                RowError(
                    line,
                    f"is the same caller ({existing.callers[match][1]}) as line "
                    f"{seen_caller[match]}",
                )
            )
            continue
        if match is not None:
            seen_caller[match] = line
        if match is None:
            creates.append(PlannedCreate(line, values))
            continue
        current = existing.callers[match]
        values = _in_callers_region(values, current[5], existing)
        changed = _changes(values, current, existing.phones.get(match, set()))
        if changed:
            updates.append(PlannedUpdate(line, match, current, values, tuple(changed)))
        else:
            unchanged += 1
    return ImportPlan(
        table=table,
        mapping=dict(mapping),
        default_site_code=default_site_code,
        creates=tuple(creates),
        updates=tuple(updates),
        unchanged=unchanged,
        errors=tuple(errors),
        sites=existing.sites,
        regions=existing.regions,
        checked=checked,
    )


def _in_callers_region(
    values: CallerValues, site_id: uuid.UUID | None, existing: _Existing
) -> CallerValues:
    """``values`` for an existing caller: a row that names no site keeps the caller's
    site, so its numbers are read in that site's region."""
    if values.site_id is not None or not values.phones:
        return values
    region = existing.region(site_id)
    if region == existing.region(None):
        return values
    phones, _problems = _phones(((p.number, p.label) for p in values.phones), region)
    return dataclasses.replace(values, phones=phones or None)


def _read_bind(engine: Engine) -> Engine:
    return engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine) else engine


def plan_import(
    engine: Engine,
    table: RawTable,
    mapping: Mapping[str, Field],
    default_site_code: str | None = None,
) -> ImportPlan:
    """Validate every row and say what an import would create and change; writes nothing."""
    with _read_bind(engine).connect() as connection:
        try:
            return _plan(connection, table, mapping, default_site_code)
        finally:
            connection.rollback()


# --- applying -----------------------------------------------------------------------------


def _batches(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _write(connection: Connection, plan: ImportPlan) -> None:
    now = utcnow()
    phone_rows: list[dict[str, Any]] = []
    for batch in _batches(plan.creates):
        rows = []
        for planned in batch:
            values = planned.values
            caller_id = uuid.uuid4()
            rows.append(
                {
                    "id": caller_id,
                    "name": values.name,
                    "email": values.email,
                    "employee_id": values.employee_id,
                    "department": values.department,
                    "site_id": values.site_id,
                    "vip": bool(values.vip),
                    "notes": values.notes or "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for phone in values.phones or ():
                phone_rows.append(_phone_row(caller_id, phone))
        _insert_many(connection, CALLERS, rows)

    statement = (
        update(CALLERS)
        .where(CALLERS.c.id == bindparam("b_id"))
        .values(
            name=bindparam("b_name"),
            email=bindparam("b_email"),
            employee_id=bindparam("b_employee_id"),
            department=bindparam("b_department"),
            site_id=bindparam("b_site_id"),
            vip=bindparam("b_vip"),
            notes=bindparam("b_notes"),
            updated_at=bindparam("b_updated_at"),
        )
    )
    renamed: list[dict[str, Any]] = []
    for batch in _batches(plan.updates):
        rows = []
        replaced: list[uuid.UUID] = []
        for planned in batch:
            values = planned.values
            old = planned.current
            rows.append(
                {
                    "b_id": planned.caller_id,
                    "b_name": values.name,
                    "b_email": values.email if values.email is not None else old[2],
                    "b_employee_id": (
                        values.employee_id if values.employee_id is not None else old[3]
                    ),
                    "b_department": values.department if values.department is not None else old[4],
                    "b_site_id": values.site_id if values.site_id is not None else old[5],
                    "b_vip": values.vip if values.vip is not None else old[6],
                    "b_notes": values.notes if values.notes is not None else old[7],
                    "b_updated_at": now,
                }
            )
            if values.name != old[1]:
                renamed.append({"b_caller": planned.caller_id, "b_name": values.name})
            if "phones" in planned.changes and values.phones is not None:
                replaced.append(planned.caller_id)
                phone_rows.extend(_phone_row(planned.caller_id, p) for p in values.phones)
        connection.execute(statement, rows)
        if replaced:
            connection.execute(delete(PHONES).where(PHONES.c.caller_id.in_(replaced)))
    for batch in _batches(phone_rows):
        _insert_many(connection, PHONES, batch)
    rename = (
        update(TICKETS)
        .where(TICKETS.c.caller_id == bindparam("b_caller"))
        .values(caller_name=bindparam("b_name"))
    )
    for batch in _batches(renamed):
        connection.execute(rename, list(batch))


def _insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys). On SQLite they go straight to the driver,
    each value through its column's own bind processing: SQLAlchemy's generic per-row
    parameter handling is most of an import's writing time (200,000 callers)."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    dialect = connection.dialect
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    converters = [
        (name, processor) if processor is not None else (name, _same)
        for name, processor in zip(names, processors, strict=True)
    ]
    statement = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    )
    connection.exec_driver_sql(
        statement, [tuple(convert(row[name]) for name, convert in converters) for row in rows]
    )


def _same(value: Any) -> Any:
    return value


def _phone_row(caller_id: uuid.UUID, phone: PhoneValue) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "caller_id": caller_id,
        "number": phone.number,
        "digits": phone.digits,
        "label": phone.label,
    }


@contextmanager
def _big_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a page cache large enough to hold the whole import's changes until commit
    (the default ~2 MB spills to the WAL mid-transaction, several times slower); the pooled
    connection gets its usual size back afterwards."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _refuse_if_strict(strict: bool, errors: Sequence[RowError]) -> None:
    if strict and errors:
        raise SwitchboardError(
            f"Nothing was imported: {len(errors)} rows have errors and strict mode is on "
            f"(first: {errors[0]})."
        )


def apply_import(engine: Engine, plan: ImportPlan, *, strict: bool = False) -> ImportResult:
    """Write ``plan`` (the preview the user accepted) in one transaction. The rows are
    checked again inside it (a caller added since the preview is updated, not duplicated).
    Rows with errors are skipped; with ``strict`` any error refuses the whole import and
    nothing is written."""
    _refuse_if_strict(strict, plan.errors)
    return _import(
        engine,
        lambda connection: _plan(
            connection, plan.table, plan.mapping, plan.default_site_code, plan
        ),
        strict,
    )


def import_callers(
    engine: Engine,
    table: RawTable,
    mapping: Mapping[str, Field],
    default_site_code: str | None = None,
    *,
    strict: bool = False,
) -> ImportResult:
    """Plan and write in one transaction, for the command line: no preview to keep in step,
    so the directory is read once instead of twice (8 s for 200,000 callers)."""
    return _import(
        engine, lambda connection: _plan(connection, table, mapping, default_site_code), strict
    )


def _import(
    engine: Engine, make_plan: Callable[[Connection], ImportPlan], strict: bool
) -> ImportResult:
    with engine.begin() as connection, _big_cache(connection):
        plan = make_plan(connection)
        _refuse_if_strict(strict, plan.errors)
        if is_sqlite(engine) and len(plan.creates) >= BULK_INDEX_ROWS:
            with sqlite_bulk_insert(connection, ("caller", "caller_phone")):
                _write(connection, plan)
        else:
            _write(connection, plan)
        # Count before commit, so the counts match what the transaction did.
        result = ImportResult(
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=plan.unchanged,
            skipped=len(plan.errors),
            errors=plan.errors,
        )
    log.info(
        "Imported %s: %d created, %d updated, %d unchanged, %d skipped",
        plan.table.path,
        result.created,
        result.updated,
        result.unchanged,
        result.skipped,
    )
    return result
