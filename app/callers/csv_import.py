"""Import callers from a CSV file exported by a directory or an address book.

Three steps, none of them touching Qt:

1. :func:`read_table` reads the file with :mod:`app.csv_table` (encoding, delimiter, header
   row; a file that would be imported as garbage is refused), the header being the leading
   row that names the most columns of the exports below.
2. :func:`suggest_mapping` maps the columns of Active Directory, Outlook and Google contacts
   exports (and plain names such as "name", "email", "phone") to caller fields; the user may
   override any of them. Several columns may give phone numbers and e-mail addresses, and
   one cell may hold several, as Google writes them ("a@example.org ::: b@example.org", with
   "Work ::: Home" in the column of their types): every number is kept with a label from its
   type or its column (mobile, work, home, other); the first address is the caller's, and
   the others are added to the caller's notes ("Other e-mail: b@example.org (Home)").
   :func:`plan_import` validates every row, matches existing callers by e-mail
   (case-insensitive) or employee id and says what would be created or changed.
   Phone numbers are compared and stored in the canonical form of :mod:`app.callers.phones`, read
   in the region of the caller's site: the same number written another way ("020 7946
   0018", "+44 20 7946 0018") is one number, kept once and no change. Nothing is written.
3. :func:`apply_import` writes the plan: all rows or none, as the user sees it, though in
   short transactions of :data:`BATCH` rows so that other workstations' saves never wait
   for the whole import (an import that fails is undone, one interrupted by a crash is
   undone at the next start: :mod:`models.imports`; meanwhile others see its callers appear).
   It checks each chunk's rows again inside its transaction, so a caller added since the
   preview is updated, not duplicated. Rows with errors are skipped (and counted), unless
   ``strict`` asks to refuse the whole file. Callers that are renamed get their tickets'
   ``caller_name`` updated too.

A cell left empty never erases what the database holds: it means "not in the file". Writes go
in batches, with no ORM object per row: new callers and their numbers straight through the
driver (SQLite's ``executemany``, PostgreSQL's ``COPY``), changes through SQLAlchemy Core, so
200,000 callers take seconds.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    any_,
    bindparam,
    delete,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from app import csv_table
from app.callers.phones import DEFAULT_REGION, canonical_digits, phone_digits, phone_region
from app.csv_table import RawRow, RawTable, RowError
from app.db_lifecycle import require_sound_database
from app.errors import SwitchboardError
from app.permissions import Action, require, require_now
from models.engine import is_sqlite
from models.imports import ImportRun, caller_before, recover_interrupted_imports
from models.org import Site
from models.people import Caller, CallerPhone
from models.search import sqlite_bulk_insert
from models.tickets import Ticket
from models.types import UUIDType

log = logging.getLogger(__name__)

BATCH = 2_500  # rows per chunk, each in its own write transaction (~0.15 s on SQLite)
BULK_INDEX_ROWS = 2_000  # creating this many callers: search indexes filled in one go
IMPORT_CACHE_KIB = 256 * 1024  # SQLite page cache while importing (freed afterwards)
MIN_PHONE_DIGITS = 5
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


# Fields several columns may feed, each cell holding one value or several separated by
# MULTI_SEPARATOR: every number joins the caller's set; the first e-mail address is the
# caller's, the others are noted (CallerValues.notes_over).
MULTI = frozenset({Field.PHONE, Field.MOBILE, Field.EMAIL})
MULTI_SEPARATOR = ":::"  # Google contacts: "a@example.org ::: b@example.org"
PRIMARY_MARK = "*"  # Google contacts mark the primary value's type: "* Work"


def _key(header: str) -> str:
    """A header reduced for comparison: lower case, letters and digits only."""
    return "".join(c for c in header.casefold() if c.isalnum())


def _aliases(pairs: Mapping[Field, Iterable[str]]) -> dict[str, Field]:
    return {_key(name): target for target, names in pairs.items() for name in names}


# Column names of Active Directory (Export-Csv, csvde), Outlook and Google contacts exports,
# and the plain names people type themselves. Outlook's "Location" and Google's "Location"
# are free text about where the person is, not one of the desk's sites; "Company" and
# Google's "Organization 1 - Name" / "Organization Name" name the employer, which a caller
# does not record, and "Company Main Phone" is the employer's switchboard, not the caller's
# line. Google's numbered "E-mail N - Value" and "Phone N - Value" columns are recognised by
# NUMBERED, their "- Type" (older exports) or "- Label" columns by type_columns().
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
            "E-mail 2 Address",
            "E-mail 3 Address",
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
            "Primary Phone",
            "Home Phone",
            "Home Phone 2",
            "homePhone",
            "Other Phone",
            "ipPhone",
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
            "Office Location",  # Outlook's name for physicalDeliveryOfficeName
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
# Google's numbered columns, as keys: "E-mail 2 - Value" is "email2value", its type column
# "email2type" (exports before 2024) or "email2label".
NUMBERED = re.compile(r"(email|phone)(\d+)(value|type|label)")
_NUMBERED_FIELDS = {"email": Field.EMAIL, "phone": Field.PHONE}
# A phone number's label from the words of its type or its column ("Work Fax", "Home Phone
# 2", "Mobile"), the first that matches; what matches none keeps the column's label.
PHONE_KINDS = (
    ("other", ("fax", "pager")),
    ("mobile", ("mobile", "cell")),
    ("home", ("home",)),
    ("work", ("work", "business", "main", "office", "company")),
    ("other", ("other",)),
)


def field_for(header: str) -> Field:
    """The field a column of a known export holds, by its name; IGNORE when unknown."""
    key = _key(header)
    known = ALIASES.get(key)
    if known is not None:
        return known
    numbered = NUMBERED.fullmatch(key)
    if numbered is not None and numbered[3] == "value":
        return _NUMBERED_FIELDS[numbered[1]]
    return Field.IGNORE


def type_columns(headers: Sequence[str]) -> dict[str, str]:
    """Columns holding the types of another column's values, with that column: Google's
    "Phone 1 - Type" (or "- Label") beside "Phone 1 - Value". A cell of several values has as
    many types, in the same order ("Mobile ::: Work")."""
    values = {}
    for header in headers:
        numbered = NUMBERED.fullmatch(_key(header))
        if numbered is not None and numbered[3] == "value":
            values[numbered[1] + numbered[2]] = header
    types = {}
    for header in headers:
        numbered = NUMBERED.fullmatch(_key(header))
        if numbered is not None and numbered[3] != "value":
            value = values.get(numbered[1] + numbered[2])
            if value is not None:
                types[header] = value
    return types


def phone_label(words: str, default: str) -> str:
    """ "mobile", "work", "home" or "other" for a number whose type (or column) is named
    ``words``; ``default`` when the words say none of these."""
    folded = words.casefold()
    for label, hints in PHONE_KINDS:
        if any(hint in folded for hint in hints):
            return label
    return default


def split_values(cell: str) -> list[str]:
    """The values of a cell that may hold several (:data:`MULTI_SEPARATOR`), stripped."""
    return [value.strip() for value in cell.split(MULTI_SEPARATOR) if value.strip()]


@dataclass(frozen=True)
class PhoneValue:
    """A number as written in the file, its canonical digits (:mod:`app.callers.phones`, in the
    region of the caller's site) and its label."""

    number: str
    digits: str
    label: str


@dataclass(frozen=True)
class CallerValues:
    """What the file says about one caller; None where the file gives nothing.

    ``email`` is the first address the row gives; the others, with their types ("Work"),
    are ``other_emails``: a caller has one address, so they are kept in the notes."""

    name: str
    email: str | None = None
    employee_id: str | None = None
    department: str | None = None
    site_id: uuid.UUID | None = None
    vip: bool | None = None
    notes: str | None = None
    phones: tuple[PhoneValue, ...] | None = None
    other_emails: tuple[tuple[str, str], ...] = ()  # (address, type or "")

    def notes_over(self, current: str | None) -> str | None:
        """The notes to store over the caller's ``current`` notes (None for a new caller):
        the file's notes, else ``current``, with a line for each other address they do not
        mention yet ("Other e-mail: b@example.org (Work)"). None when the file sets none."""
        base = self.notes if self.notes is not None else current or ""
        held = base.splitlines()
        added = [line for line in map(_other_email_line, self.other_emails) if line not in held]
        if self.notes is None and not added:
            return None
        return "\n".join(part for part in (base, *added) if part)


def _other_email_line(address_and_type: tuple[str, str]) -> str:
    address, kind = address_and_type
    return f"Other e-mail: {address} ({kind})" if kind else f"Other e-mail: {address}"


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

    @property
    def current_notes(self) -> str:
        """The caller's notes as they are (the plan adds other e-mail addresses to them)."""
        return str(self.current[CALLER_COLUMNS.index("notes")])


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


def _known_columns(cells: Sequence[str]) -> int:
    """How many of ``cells`` name a column of a known export: the header names the most."""
    return sum(
        1 for cell in cells if field_for(cell) is not Field.IGNORE or _key(cell) in FALLBACK_ALIASES
    )


def read_table(path: Path) -> RawTable:
    """Read a caller export (see :func:`app.csv_table.read_table`), its header found by the
    columns of the exports this module knows."""
    return csv_table.read_table(path, _known_columns, "caller export")


# --- mapping columns ----------------------------------------------------------------------


def suggest_mapping(headers: Sequence[str]) -> dict[str, Field]:
    """Each header's likely field (IGNORE when unknown). A single-valued field is fed by the
    first column naming it; later ones are ignored."""
    mapping: dict[str, Field] = {}
    taken: set[Field] = set()
    for header in headers:
        target = field_for(header)
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
        select(
            SITES.c.id,
            SITES.c.code,
            SITES.c.name,
            func.coalesce(SITES.c.phone_region, SITES.c.holiday_country),
        ).order_by(SITES.c.code)
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


@dataclass(frozen=True)
class _Column:
    """A column that is imported: where it is, what it holds and, for several values in one
    cell, where their types are and the label of a number whose type is not given."""

    index: int
    field: Field
    types: int | None = None  # Google's "Phone 1 - Type" beside "Phone 1 - Value"
    label: str = "work"


def _columns(headers: Sequence[str], mapping: Mapping[str, Field]) -> list[_Column]:
    position = {header: index for index, header in enumerate(headers)}
    types = {value: position[kind] for kind, value in type_columns(headers).items()}
    columns = []
    for index, header in enumerate(headers):
        target = mapping.get(header, Field.IGNORE)
        if target is Field.IGNORE:
            continue
        label = "mobile" if target is Field.MOBILE else phone_label(header, "work")
        columns.append(_Column(index, target, types.get(header), label))
    return columns


def _typed_values(row: RawRow, column: _Column, value: str) -> list[tuple[str, str]]:
    """The values of a multi-valued cell, each with its type ("" where none is given; the
    primary value's mark dropped: "* Work" is "Work")."""
    kinds: list[str] = []
    if column.types is not None and column.types < len(row.values):
        kinds = [
            k.lstrip(PRIMARY_MARK).strip() for k in row.values[column.types].split(MULTI_SEPARATOR)
        ]
    values = split_values(value)
    return [(one, kinds[n] if n < len(kinds) else "") for n, one in enumerate(values)]


def _row_values(
    row: RawRow,
    columns: Sequence[_Column],
    existing: _Existing,
    default_site: uuid.UUID | None,
    bad_line: bool,
) -> tuple[CallerValues | None, list[str]]:
    """The row's caller, or the reasons it cannot be imported.

    A NUL character (zero byte) in a cell that is imported makes the row an error, rather
    than being dropped: PostgreSQL cannot store it (the whole import would fail) while SQLite
    can, so both back ends refuse the row alike, and a zero byte in a CSV file is damage the
    person importing should see. In a column that is not imported it is harmless.
    """
    cells: dict[Field, str] = {}
    numbers: list[tuple[str, str]] = []
    emails: list[tuple[str, str]] = []
    problems: list[str] = []
    width = len(row.values)
    for column in columns:
        target = column.field
        value = row.values[column.index].strip() if column.index < width else ""
        if "\x00" in value:
            problems.append(
                f"a NUL character (zero byte) in the {target.value.replace('_', ' ')} column, "
                "which is not text: remove it from the file"
            )
            value = value.replace("\x00", "")  # checked on, so its other problems show too
        if target is Field.EMAIL:
            emails.extend(_typed_values(row, column, value))
        elif target in MULTI:
            numbers.extend(
                (number, phone_label(kind, "other") if kind else column.label)
                for number, kind in _typed_values(row, column, value)
            )
        elif value:
            cells[target] = " ".join(value.split()) if target is not Field.NOTES else value
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
    for address, _kind in emails:
        if not EMAIL.fullmatch(address):
            problems.append(f"{address!r} is not an e-mail address")
        elif len(address) > EMAIL_MAX:
            problems.append(_too_long("the e-mail address", address, EMAIL_MAX))
    email = emails[0][0] if emails else None
    seen = {email.casefold()} if email else set()
    other_emails: list[tuple[str, str]] = []
    for address, kind in emails[1:]:  # the same address twice is noted once
        if address.casefold() not in seen:
            seen.add(address.casefold())
            other_emails.append((address, kind))
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
        other_emails=tuple(other_emails),
    )
    problem = _notes_problem(values, None)
    return (None, [problem]) if problem else (values, [])


def _notes_problem(values: CallerValues, current: str | None) -> str | None:
    """Why the notes cannot be stored over ``current``: the other e-mail addresses would
    make them longer than the database keeps."""
    notes = values.notes_over(current)
    if notes is None or len(notes) <= NOTES_MAX:
        return None
    return (
        f"the notes would be {len(notes)} characters long with the other e-mail addresses "
        f"(at most {NOTES_MAX})"
    )


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
        ("notes", values.notes_over(notes), notes),
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
    columns = _columns(table.headers, mapping)
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
        notes_problem = _notes_problem(values, current[7])
        if notes_problem:
            errors.append(RowError(line, notes_problem))
            continue
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
#
# The plan is made on a read connection, without the write lock, and written in chunks of
# BATCH rows, each in a short transaction of its own: other workstations' saves wait at most
# one chunk instead of the whole import. Each chunk stores what undoes it in the same
# transaction (models.imports), so the import stays all-or-nothing: undone at once after an
# error, by the next start after a crash. Before writing a chunk its rows are matched again
# against the callers as they are at that moment, as the plan matched them (by e-mail or
# employee id, case-insensitively): a caller added since the plan is updated, not duplicated.
#
# On SQLite, a save waiting for the lock sleeps between attempts (up to 100 ms: the busy
# handler's longest sleep) and is not queued: if the next chunk took the lock at once, it
# could miss every chance for its whole busy timeout. So chunks are HANDOFF_SECONDS apart at
# least, filled with work that needs no lock: checkpointing the chunk just written (the
# import's connection does not checkpoint at each commit) and preparing the next one.

Progress = Callable[[int, int], None]  # (rows written so far, rows to write), after each chunk
HANDOFF_SECONDS = 0.1

# The caller as a chunk reads it: CALLER_COLUMNS, then what undo needs to see it unchanged.
FRESH_COLUMNS = (*CALLER_COLUMNS, "updated_at")
UPDATE_CALLER = (
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
RENAME_TICKETS = (
    update(TICKETS)
    .where(TICKETS.c.caller_id == bindparam("b_caller"))
    .values(caller_name=bindparam("b_name"))
)


def _db_key(value: str | None) -> str | None:
    """A stored e-mail or employee id as the plan compares it."""
    return value.strip().casefold() if value else None


@dataclass(frozen=True)
class _Row:
    """A row of the file the plan writes: a new caller, or a change to ``planned``'s."""

    line: int
    values: CallerValues
    planned: PlannedUpdate | None = None

    @property
    def email(self) -> str | None:
        return self.values.email.casefold() if self.values.email else None

    @property
    def employee_id(self) -> str | None:
        return self.values.employee_id.casefold() if self.values.employee_id else None


def _sequential_ids() -> Iterator[uuid.UUID]:
    """Ids for the rows an import creates: version-4 UUIDs, random as a whole, but counting
    up from a random start. Random ids would land all over the primary-key and ``caller_id``
    indexes, so that each chunk's commit rewrote most of their pages; these go to one place."""
    high = uuid.uuid4().int & ~((1 << 62) - 1)  # keeps the version and variant bits
    start = uuid.uuid4().int & ((1 << 48) - 1)
    for n in itertools.count():
        yield uuid.UUID(int=high | (start + n))


@dataclass(frozen=True)
class _NewCaller:
    """A caller row and its phone rows, ready to insert."""

    caller: dict[str, Any]
    phones: list[dict[str, Any]]


@dataclass
class _Chunk:
    """What one chunk writes, decided inside its transaction."""

    callers: list[dict[str, Any]] = field(default_factory=list)  # new callers
    changes: list[dict[str, Any]] = field(default_factory=list)  # UPDATE_CALLER parameters
    replaced: list[uuid.UUID] = field(default_factory=list)  # phone numbers to delete
    phones: list[dict[str, Any]] = field(default_factory=list)  # new callers' and replacements
    renames: list[dict[str, Any]] = field(default_factory=list)  # RENAME_TICKETS parameters
    created: list[uuid.UUID] = field(default_factory=list)
    undo: list[dict[str, Any]] = field(default_factory=list)  # models.imports.caller_before
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


class _Writer:
    """Writes a plan chunk by chunk on one connection."""

    def __init__(
        self,
        connection: Connection,
        plan: ImportPlan,
        run: ImportRun,
        newest_caller: int,
        strict: bool,
        actor_id: uuid.UUID,
    ) -> None:
        self.connection = connection
        self.run = run
        self.actor_id = actor_id
        self.strict = strict
        self.sqlite = connection.dialect.name == "sqlite"
        # Only the sites' phone regions are read (to read numbers in an existing caller's).
        self.regions = _Existing({}, {}, {}, {}, plan.sites, [], plan.regions)
        # SQLite has no index on lower(email): callers added since the plan are found by
        # rowid instead (rows are numbered upwards), ``newest_caller`` being the last one
        # the plan saw, then the last one after each chunk; ``added`` holds their keys.
        self.newest_caller = newest_caller
        self.added: dict[tuple[str, str], list[uuid.UUID]] = {}
        self.seen: dict[uuid.UUID, int] = {}  # caller -> line of the row that changed it
        self.ids = _sequential_ids()
        # A large import fills the search indexes with one statement per chunk, the small
        # chunk at its end included (row by row, the triggers would make it the slowest).
        self.bulk = self.sqlite and len(plan.creates) >= BULK_INDEX_ROWS
        self.created = self.updated = self.unchanged = 0
        self.errors: list[RowError] = []

    def write(self, rows: Sequence[_Row], progress: Progress | None) -> None:
        """Write ``rows`` in chunks of BATCH, each in a transaction of its own."""
        chunks = [rows[start : start + BATCH] for start in range(0, len(rows), BATCH)]
        prepared = self._prepare(chunks[0]) if chunks else {}
        done = 0
        for number, chunk in enumerate(chunks, start=1):
            self._chunk(number, chunk, prepared)
            released = time.monotonic()
            if self.sqlite:
                self.driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
            prepared = self._prepare(chunks[number]) if number < len(chunks) else {}
            done += len(chunk)
            if progress is not None:
                progress(done, len(rows))
            if self.sqlite and number < len(chunks):
                time.sleep(max(0.0, HANDOFF_SECONDS - (time.monotonic() - released)))

    @property
    def driver(self) -> Any:
        """The DB-API connection: a statement through SQLAlchemy would begin a transaction."""
        return self.connection.connection.driver_connection

    def _prepare(self, rows: Sequence[_Row]) -> dict[int, _NewCaller]:
        """The callers ``rows`` create as planned, by line: built before the chunk's
        transaction, so that the lock is held for writing only."""
        return {row.line: self._new_caller(row.values) for row in rows if row.planned is None}

    def _new_caller(self, values: CallerValues) -> _NewCaller:
        now = self.run.started_at
        caller_id = next(self.ids)
        return _NewCaller(
            {
                "id": caller_id,
                "name": values.name,
                "email": values.email,
                "employee_id": values.employee_id,
                "department": values.department,
                "site_id": values.site_id,
                "vip": bool(values.vip),
                "notes": values.notes_over(None) or "",
                "created_at": now,
                "updated_at": now,
            },
            [_phone_row(next(self.ids), caller_id, phone) for phone in values.phones or ()],
        )

    def _chunk(self, number: int, rows: Sequence[_Row], prepared: dict[int, _NewCaller]) -> None:
        connection = self.connection
        with connection.begin():
            # Each chunk is a transaction of its own: a role taken away mid-import stops it
            # (and the import rolls back, as after any error).
            require(connection, self.actor_id, Action.IMPORT_CALLERS)
            self.run.hold(connection)
            chunk = self._decide(rows, self._callers(rows), prepared)
            _refuse_if_strict(self.strict, chunk.errors)
            if self.bulk and (chunk.callers or chunk.phones):
                with sqlite_bulk_insert(connection, ("caller", "caller_phone")):
                    _write(connection, chunk)
            else:
                _write(connection, chunk)
            self.run.record(connection, number, chunk.created, chunk.undo)
            if self.sqlite:
                self.newest_caller = _newest_caller(connection)
        self.created += len(chunk.created)
        self.updated += len(chunk.changes)
        self.unchanged += chunk.unchanged
        self.errors.extend(chunk.errors)

    def _read(self, where: Any) -> dict[uuid.UUID, tuple[Any, ...]]:
        # FOR UPDATE (PostgreSQL): nobody changes these callers before the chunk commits;
        # SQLite holds the write lock already.
        query = select(*(CALLERS.c[name] for name in FRESH_COLUMNS)).where(where)
        return {row[0]: tuple(row) for row in self.connection.execute(query.with_for_update())}

    def _callers(self, rows: Sequence[_Row]) -> dict[uuid.UUID, tuple[Any, ...]]:
        """The callers ``rows`` may match now, as they are now."""
        planned = [row.planned.caller_id for row in rows if row.planned is not None]
        emails = {row.email for row in rows if row.email}
        employee_ids = {row.employee_id for row in rows if row.employee_id}
        if not self.sqlite:
            # PostgreSQL has lower(email) and lower(employee_id) indexes (migration 0003).
            # Each list is one array: the statement is the same for every chunk, where lists
            # of placeholders (5,000 a chunk) took longer to build and parse than to run.
            return self._read(
                or_(
                    CALLERS.c.id == any_(bindparam("ids", planned, type_=ARRAY(UUIDType))),
                    func.lower(CALLERS.c.email) == any_(_keys("emails", emails)),
                    func.lower(CALLERS.c.employee_id) == any_(_keys("employee_ids", employee_ids)),
                )
            )
        self._note_added()
        wanted = set(planned)
        for kind, keys in (("email", emails), ("employee_id", employee_ids)):
            for key in keys:
                wanted.update(self.added.get((kind, key), ()))
        found = self._read(CALLERS.c.id.in_(list(wanted))) if wanted else {}
        # A caller the plan matched that has lost the row's keys since (edited, merged away):
        # another may hold them now, e.g. the caller it was merged into. Looked up as
        # spelled in the file and as the plan saw them, through the plain indexes.
        lost = [
            row
            for row in rows
            if row.planned is not None
            and not _shares_key(found.get(row.planned.caller_id), row.email, row.employee_id)
        ]
        if lost:
            spelled = [(row.values, row.planned.current) for row in lost if row.planned]
            mails = {s for values, old in spelled for s in (values.email, old[2]) if s}
            ids = {s for values, old in spelled for s in (values.employee_id, old[3]) if s}
            found.update(
                self._read(
                    or_(CALLERS.c.email.in_(list(mails)), CALLERS.c.employee_id.in_(list(ids)))
                )
            )
        return found

    def _note_added(self) -> None:
        """Remember the keys of the callers others added since the last look."""
        rowid: ColumnElement[int] = literal_column("rowid", Integer)
        added = self.connection.execute(
            select(rowid, CALLERS.c.id, CALLERS.c.email, CALLERS.c.employee_id).where(
                rowid > self.newest_caller
            )
        )
        for number, caller_id, email, employee_id in added:
            for kind, key in (("email", _db_key(email)), ("employee_id", _db_key(employee_id))):
                if key:
                    self.added.setdefault((kind, key), []).append(caller_id)
            self.newest_caller = max(self.newest_caller, number)

    def _decide(
        self,
        rows: Sequence[_Row],
        found: dict[uuid.UUID, tuple[Any, ...]],
        prepared: dict[int, _NewCaller],
    ) -> _Chunk:
        """Match the rows as :func:`_plan` does, against ``found``, and say what to write."""
        chunk = _Chunk()
        planned = {row.planned.caller_id for row in rows if row.planned is not None}
        by_email: dict[str, tuple[Any, ...]] = {}
        by_employee: dict[str, tuple[Any, ...]] = {}
        # Where several callers share a key, the one the plan chose stays the match.
        for caller in sorted(found.values(), key=lambda caller: caller[0] not in planned):
            if email := _db_key(caller[2]):
                by_email.setdefault(email, caller)
            if employee_id := _db_key(caller[3]):
                by_employee.setdefault(employee_id, caller)
        matched: list[tuple[_Row, tuple[Any, ...] | None]] = []
        for row in rows:
            by_mail = by_email.get(row.email) if row.email else None
            by_id = by_employee.get(row.employee_id) if row.employee_id else None
            if by_mail is not None and by_id is not None and by_mail[0] != by_id[0]:
                chunk.errors.append(
                    RowError(
                        row.line,
                        f"e-mail {row.values.email} belongs to {by_mail[1]} but employee id "
                        f"{row.values.employee_id} to {by_id[1]}",
                    )
                )
                continue
            match = by_mail or by_id
            if match is not None and match[0] in self.seen:
                chunk.errors.append(
                    RowError(
                        row.line, f"is the same caller ({match[1]}) as line {self.seen[match[0]]}"
                    )
                )
                continue
            if match is not None:
                self.seen[match[0]] = row.line
            matched.append((row, match))
        phones = self._phones([match[0] for _row, match in matched if match is not None])
        changed: list[tuple[CallerValues, tuple[Any, ...], tuple[str, ...]]] = []
        for row, match in matched:
            if match is None:
                new = prepared.get(row.line) or self._new_caller(row.values)
                chunk.callers.append(new.caller)
                chunk.phones.extend(new.phones)
                chunk.created.append(new.caller["id"])
                continue
            problem = _notes_problem(row.values, match[7])
            if problem:
                chunk.errors.append(RowError(row.line, problem))
                continue
            values = _in_callers_region(row.values, match[5], self.regions)
            stored = {(phone[2], phone[3]) for phone in phones.get(match[0], ())}
            changes = _changes(values, match[: len(CALLER_COLUMNS)], stored)
            if changes:
                changed.append((values, match, tuple(changes)))
            else:
                chunk.unchanged += 1
        self._update(chunk, changed, phones)
        return chunk

    def _phones(self, caller_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[tuple[Any, ...]]]:
        """Each caller's phones: (id, number, digits, label)."""
        phones: dict[uuid.UUID, list[tuple[Any, ...]]] = {}
        if caller_ids:
            for caller_id, *phone in self.connection.execute(
                select(
                    PHONES.c.caller_id,
                    PHONES.c.id,
                    PHONES.c.number,
                    PHONES.c.digits,
                    PHONES.c.label,
                ).where(PHONES.c.caller_id.in_(caller_ids))
            ):
                phones.setdefault(caller_id, []).append(tuple(phone))
        return phones

    def _update(
        self,
        chunk: _Chunk,
        changed: list[tuple[CallerValues, tuple[Any, ...], tuple[str, ...]]],
        phones: dict[uuid.UUID, list[tuple[Any, ...]]],
    ) -> None:
        """Fields the row leaves empty keep the caller's current values (read in this
        transaction, so nobody's change made since the plan is overwritten)."""
        renamed = [old[0] for values, old, _what in changed if values.name != old[1]]
        tickets: dict[uuid.UUID, dict[str, list[uuid.UUID]]] = {}
        if renamed:
            for ticket_id, caller_id, name in self.connection.execute(
                select(TICKETS.c.id, TICKETS.c.caller_id, TICKETS.c.caller_name).where(
                    TICKETS.c.caller_id.in_(renamed)
                )
            ):
                tickets.setdefault(caller_id, {}).setdefault(name, []).append(ticket_id)
        for values, old, changes in changed:
            caller_id = old[0]
            notes = values.notes_over(old[7])
            chunk.changes.append(
                {
                    "b_id": caller_id,
                    "b_name": values.name,
                    "b_email": values.email if values.email is not None else old[2],
                    "b_employee_id": (
                        values.employee_id if values.employee_id is not None else old[3]
                    ),
                    "b_department": values.department if values.department is not None else old[4],
                    "b_site_id": values.site_id if values.site_id is not None else old[5],
                    "b_vip": values.vip if values.vip is not None else old[6],
                    "b_notes": notes if notes is not None else old[7],
                    "b_updated_at": self.run.started_at,
                }
            )
            replace = "phones" in changes and values.phones is not None
            if replace:
                chunk.replaced.extend(phone[0] for phone in phones.get(caller_id, ()))
                chunk.phones.extend(
                    _phone_row(next(self.ids), caller_id, phone) for phone in values.phones or ()
                )
            rename = values.name != old[1]
            if rename:
                chunk.renames.append({"b_caller": caller_id, "b_name": values.name})
            chunk.undo.append(
                caller_before(
                    dict(zip(FRESH_COLUMNS, old, strict=True)),
                    phones.get(caller_id, []) if replace else None,
                    tickets.get(caller_id) if rename else None,
                    values.name if rename else None,
                )
            )


def _keys(name: str, keys: Iterable[str]) -> BindParameter[Sequence[str]]:
    """E-mail addresses or employee ids as one array parameter, as lower() gives them."""
    lowered: Sequence[str] = [key.lower() for key in keys]
    return bindparam(name, lowered, type_=ARRAY(String))


def _shares_key(caller: tuple[Any, ...] | None, email: str | None, employee_id: str | None) -> bool:
    return caller is not None and (
        (email is not None and _db_key(caller[2]) == email)
        or (employee_id is not None and _db_key(caller[3]) == employee_id)
    )


def _newest_caller(connection: Connection) -> int:
    """SQLite: the rowid of the newest caller (0 on PostgreSQL, which does not need it)."""
    if connection.dialect.name != "sqlite":
        return 0
    newest = connection.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM caller")
    return int(newest.scalar_one())


def _write(connection: Connection, chunk: _Chunk) -> None:
    """New numbers are inserted before the numbers they replace are deleted: deleting the
    newest row first would let SQLite give its rowid to a new one, which
    :func:`sqlite_bulk_insert` (new rows are those past the newest at the start) would then
    leave out of the search index."""
    _insert_many(connection, CALLERS, chunk.callers)
    if chunk.changes:
        connection.execute(UPDATE_CALLER, chunk.changes)
    _insert_many(connection, PHONES, chunk.phones)
    if chunk.replaced:
        connection.execute(delete(PHONES).where(PHONES.c.id.in_(chunk.replaced)))
    if chunk.renames:
        connection.execute(RENAME_TICKETS, chunk.renames)


def _insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) in the connection's transaction, straight
    through the driver: SQLAlchemy's generic per-row parameter handling was most of an
    import's writing time (200,000 callers)."""
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        _sqlite_insert(connection, table, rows)
    else:
        _copy_in(connection, table, rows)


def _sqlite_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One ``executemany`` through the sqlite3 module, each value through its column's own
    bind processing (UUIDs as bytes, moments as naive UTC text)."""
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


def _copy_in(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL: ``COPY ... FROM STDIN`` through psycopg, in the connection's own transaction
    (the chunk's, so the rows commit or roll back with the rest of it). Through SQLAlchemy's
    ``executemany``, psycopg took as long building each row's parameters as the server took
    to run the INSERTs. The values go as psycopg takes them (``uuid.UUID``, aware
    datetimes), which is what the columns' types bind on PostgreSQL. The columns are named:
    the table has columns the server computes (``caller.caller_fts_words``), which no
    writer may give."""
    names = list(rows[0])
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    driver: Any = connection.connection.driver_connection
    with (
        _driver_errors(connection, statement),
        driver.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in names])


@contextmanager
def _driver_errors(connection: Connection, statement: str) -> Iterator[None]:
    """The driver's errors raised as SQLAlchemy raises them for its own statements, with the
    connection invalidated when the server is gone, so that the command line and the import
    dialog tell a lost server or a full disk from a bug here as everywhere else."""
    dialect = connection.dialect
    error_class = dialect.loaded_dbapi.Error
    try:
        yield
    except error_class as error:
        gone = dialect.is_disconnect(error, connection.connection.dbapi_connection, None)
        if gone:
            connection.invalidate(error)
        raise DBAPIError.instance(
            statement, None, error, error_class, connection_invalidated=gone, dialect=dialect
        ) from error


def _phone_row(phone_id: uuid.UUID, caller_id: uuid.UUID, phone: PhoneValue) -> dict[str, Any]:
    return {
        "id": phone_id,
        "caller_id": caller_id,
        "number": phone.number,
        "digits": phone.digits,
        "label": phone.label,
    }


# How the import's connection writes on SQLite, and why:
# - a page cache large enough for the indexes a chunk writes into (the default ~2 MB would
#   keep re-reading them);
# - chunks committed without waiting for the disk (synchronous NORMAL): a power cut may lose
#   the last chunks, and what undoes them with them, and the journal rolls back the others.
#   The commit that makes the import final is a FULL one, as is every other save, and each
#   one makes what the WAL holds before it durable too;
# - no checkpoint inside a commit: :meth:`_Writer.write` checkpoints between chunks.
IMPORT_PRAGMAS = {
    "cache_size": -IMPORT_CACHE_KIB,
    "synchronous": 1,  # NORMAL
    "wal_autocheckpoint": 0,
}


@contextmanager
def _plan_frozen() -> Iterator[None]:
    """While the chunks are written, the garbage collector leaves out the objects that exist
    already: the plan's million or so, which live until the end anyway. A full collection
    walking them takes about a second and would come every few chunks, as likely as not
    inside a chunk's transaction, holding the write lock all that time."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _import_settings(connection: Connection) -> Iterator[None]:
    """:data:`IMPORT_PRAGMAS` on the import's connection; the pooled connection gets its
    usual settings back afterwards. Set through the driver, between transactions: a
    statement through SQLAlchemy would begin one, and take the write lock."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver: Any = connection.connection.driver_connection
    before = {name: driver.execute(f"PRAGMA {name}").fetchone()[0] for name in IMPORT_PRAGMAS}
    for name, value in IMPORT_PRAGMAS.items():
        driver.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        for name, value in before.items():
            driver.execute(f"PRAGMA {name} = {int(value)}")


def _refuse_if_strict(strict: bool, errors: Sequence[RowError]) -> None:
    if strict and errors:
        raise SwitchboardError(
            f"Nothing was imported: {len(errors)} rows have errors and strict mode is on "
            f"(first: {errors[0]})."
        )


def apply_import(
    engine: Engine,
    plan: ImportPlan,
    actor_id: uuid.UUID,
    *,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Write ``plan`` (the preview the user accepted) as ``actor_id``, who must be allowed to
    import callers: all of it or, after an error, none.
    It is made again first (without the write lock; the row checks are reused while the
    sites are the same), so a caller added since the preview is updated, not duplicated.
    Rows with errors are skipped; with ``strict`` any error refuses the whole import and
    nothing is written."""
    _refuse_if_strict(strict, plan.errors)
    return _import(
        engine,
        lambda connection: _plan(
            connection, plan.table, plan.mapping, plan.default_site_code, plan
        ),
        actor_id,
        strict,
        progress,
    )


def import_callers(
    engine: Engine,
    table: RawTable,
    mapping: Mapping[str, Field],
    actor_id: uuid.UUID,
    default_site_code: str | None = None,
    *,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Plan and write as ``actor_id``, for the command line: no preview to keep in step, so
    the directory is read once instead of twice (8 s for 200,000 callers)."""
    return _import(
        engine,
        lambda connection: _plan(connection, table, mapping, default_site_code),
        actor_id,
        strict,
        progress,
    )


def _import(
    engine: Engine,
    make_plan: Callable[[Connection], ImportPlan],
    actor_id: uuid.UUID,
    strict: bool,
    progress: Progress | None,
) -> ImportResult:
    require_now(engine, actor_id, Action.IMPORT_CALLERS)  # refused: not even a journal row
    require_sound_database(engine)  # an import never writes into a damaged file
    recover_interrupted_imports(engine)  # a crashed import's rows must not be matched
    with _read_bind(engine).connect() as connection:
        try:
            plan = make_plan(connection)
            newest_caller = _newest_caller(connection)  # in the plan's snapshot
        finally:
            connection.rollback()
    _refuse_if_strict(strict, plan.errors)
    rows = sorted(
        [_Row(planned.line, planned.values) for planned in plan.creates]
        + [_Row(planned.line, planned.values, planned) for planned in plan.updates],
        key=lambda row: row.line,
    )
    run = ImportRun.start(engine, str(plan.table.path))
    try:
        with _plan_frozen(), engine.connect() as connection, _import_settings(connection):
            writer = _Writer(connection, plan, run, newest_caller, strict, actor_id)
            writer.write(rows, progress)
    except BaseException:
        run.roll_back()
        raise
    run.finish()
    errors = sorted((*plan.errors, *writer.errors), key=lambda error: error.line)
    result = ImportResult(
        created=writer.created,
        updated=writer.updated,
        unchanged=plan.unchanged + writer.unchanged,
        skipped=len(errors),
        errors=tuple(errors),
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
