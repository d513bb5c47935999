"""Import assets from a CSV file: an inventory spreadsheet or a device-management (MDM) export.

As for callers (app/callers/csv_import.py): the file is read by :mod:`app.csv_table`
(encoding, delimiter, header; garbage refused), :func:`suggest_mapping` maps its columns to
asset fields (a person may override any), :func:`plan_import` checks every row and says what
would be added or changed, with each problem on its line, and :func:`import_assets` writes
the plan in ONE transaction: all of it or nothing (an inventory is thousands of rows, not
hundreds of thousands, so no chunking is needed). Rows with problems are skipped and counted,
or, with ``strict``, the whole file is refused.

A row is the asset whose tag it names (any case), or else whose serial number it names;
re-importing the same file changes nothing. An empty cell means "not in the file" and never
erases what is stored. Sites are named by code or name, owners by e-mail or employee id.
Dates are ISO (2026-03-04), or written with the month's name (4 Mar 2026), or with dots or
slashes where the day is clear; "03/04/2026" could be either and is refused, never guessed.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from app import csv_table
from app.assets.register import (
    FIELD_NAMES,
    AssetFields,
    field_problems,
    local_today,
)
from app.audit import record
from app.csv_table import RawRow, RawTable, RowError, parse_day
from app.errors import SwitchboardError
from app.permissions import Action, require
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.enums import AssetKind, AssetStatus
from models.org import Site
from models.people import Asset, Caller


class AssetField(StrEnum):
    """What a column of the file holds; the value is what ``--map COLUMN=FIELD`` names."""

    TAG = "tag"
    KIND = "kind"
    MAKE = "make"
    MODEL = "model"
    SERIAL = "serial"
    STATUS = "status"
    SITE = "site"
    LOCATION = "location"
    OWNER = "owner"
    PURCHASED = "purchased"
    WARRANTY = "warranty"
    NOTES = "notes"
    IGNORE = "ignore"


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


_ALIASES: dict[str, AssetField] = {
    _key(alias): target
    for target, aliases in {
        AssetField.TAG: ("tag", "asset tag", "asset", "asset id", "asset number", "inventory no"),
        AssetField.KIND: ("kind", "type", "device type", "asset type", "category"),
        AssetField.MAKE: ("make", "manufacturer", "vendor", "brand"),
        AssetField.MODEL: ("model", "model name", "product"),
        AssetField.SERIAL: ("serial", "serial number", "serial no", "sn", "service tag"),
        AssetField.STATUS: ("status", "state", "lifecycle", "asset status"),
        AssetField.SITE: ("site", "office", "branch", "site code"),
        AssetField.LOCATION: ("location", "room", "rack", "desk"),
        AssetField.OWNER: (
            "owner",
            "user",
            "assigned to",
            "primary user",
            "owner email",
            "user email",
            "email",
            "employee id",
        ),
        AssetField.PURCHASED: ("purchased", "purchase date", "bought", "acquired"),
        AssetField.WARRANTY: (
            "warranty",
            "warranty end",
            "warranty ends",
            "warranty expiry",
            "warranty expiration",
            "warranty end date",
        ),
        AssetField.NOTES: ("notes", "comments", "description", "remarks"),
    }.items()
    for alias in aliases
}

_KIND_WORDS: dict[str, AssetKind] = {
    **dict.fromkeys(("laptop", "notebook", "ultrabook", "macbook"), AssetKind.LAPTOP),
    **dict.fromkeys(("desktop", "pc", "workstation", "computer", "imac"), AssetKind.DESKTOP),
    **dict.fromkeys(("phone", "mobile", "smartphone", "iphone", "handset"), AssetKind.PHONE),
    **dict.fromkeys(("printer", "mfp", "copier", "scanner"), AssetKind.PRINTER),
    **dict.fromkeys(("server", "vm", "virtual machine"), AssetKind.SERVER),
    **dict.fromkeys(("router", "firewall", "gateway"), AssetKind.ROUTER),
    **dict.fromkeys(("switch", "access point", "ap"), AssetKind.SWITCH),
    **dict.fromkeys(("software", "license", "licence", "application"), AssetKind.SOFTWARE),
    "other": AssetKind.OTHER,
}
_STATUS_WORDS: dict[str, AssetStatus] = {
    **dict.fromkeys(("in use", "deployed", "active", "assigned", "in service"), AssetStatus.IN_USE),
    **dict.fromkeys(("spare", "in stock", "stock", "available", "storage"), AssetStatus.SPARE),
    **dict.fromkeys(("repair", "in repair", "broken", "rma", "faulty"), AssetStatus.REPAIR),
    **dict.fromkeys(
        ("retired", "disposed", "decommissioned", "lost", "stolen", "scrapped"),
        AssetStatus.RETIRED,
    ),
}


def field_for(header: str) -> AssetField:
    """The field a column of this name holds, or IGNORE."""
    return _ALIASES.get(_key(header), AssetField.IGNORE)


def _known_columns(cells: Sequence[str]) -> int:
    return sum(1 for cell in cells if field_for(cell) is not AssetField.IGNORE)


def read_table(path: Path) -> RawTable:
    """Read an inventory file (see :mod:`app.csv_table`)."""
    return csv_table.read_table(path, _known_columns, "inventory export")


def suggest_mapping(headers: Sequence[str]) -> dict[str, AssetField]:
    """Each column's field by its name; a field claimed twice keeps its first column."""
    mapping: dict[str, AssetField] = {}
    taken: set[AssetField] = set()
    for header in headers:
        target = field_for(header)
        if target in taken:
            target = AssetField.IGNORE
        if target is not AssetField.IGNORE:
            taken.add(target)
        mapping[header] = target
    return mapping


def apply_overrides(
    mapping: Mapping[str, AssetField], overrides: Sequence[str]
) -> dict[str, AssetField]:
    """``mapping`` with ``COLUMN=FIELD`` overrides (``--map``); refuses an unknown column or
    field with the ones there are."""
    result = dict(mapping)
    for text in overrides:
        column, _, name = text.partition("=")
        if column not in result:
            raise SwitchboardError(
                f"--map {text}: the file has no column {column!r}; its columns are "
                f"{', '.join(result)}."
            )
        try:
            result[column] = AssetField(name.strip().lower())
        except ValueError:
            names = ", ".join(f.value for f in AssetField)
            raise SwitchboardError(
                f"--map {text}: {name!r} is no field; use one of {names}."
            ) from None
    problem = mapping_problem(result)
    if problem:
        raise SwitchboardError(f"{problem} Say which column gives what with --map COLUMN=FIELD.")
    return result


def mapping_problem(mapping: Mapping[str, AssetField]) -> str:
    """Why ``mapping`` cannot be imported ("" when it can): no column gives the tag, or one
    field is given by two columns (the later one would silently win)."""
    targets = Counter(target for target in mapping.values() if target is not AssetField.IGNORE)
    doubled = [target.value for target, columns in targets.items() if columns > 1]
    if doubled:
        return (
            f"Several columns are imported as {', '.join(doubled)}; each field can come from "
            "one column only."
        )
    if AssetField.TAG not in targets:
        return "No column gives the asset tag, and every asset needs the tag on its label."
    return ""


@dataclass(frozen=True)
class PlannedAsset:
    """One row's asset: new (``asset_id`` None) or the one it updates, and its fields."""

    line: int
    asset_id: uuid.UUID | None
    fields: AssetFields


@dataclass
class AssetPlan:
    """What importing the file would do."""

    creates: list[PlannedAsset] = field(default_factory=list)
    updates: list[PlannedAsset] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class AssetImportResult:
    created: int
    updated: int
    unchanged: int
    skipped: int
    errors: tuple[RowError, ...]


class _Lookups:
    """Sites, owners and existing assets, read once per plan."""

    def __init__(self, session: Session) -> None:
        self.sites: dict[str, uuid.UUID] = {}
        for site_id, code, name in session.execute(
            select(col(Site.id), col(Site.code), col(Site.name))
        ):
            self.sites[code.lower()] = self.sites.setdefault(name.lower(), site_id)
        self.session = session

    def owner(self, text: str) -> uuid.UUID | None:
        found = self.session.execute(
            select(col(Caller.id))
            .where(
                (func.lower(col(Caller.email)) == text.lower()) | (col(Caller.employee_id) == text)
            )
            .limit(2)
        ).all()
        return found[0][0] if len(found) == 1 else None

    def asset(self, tag: str, serial: str) -> tuple[Asset | None, str]:
        """The asset a row names by tag, else by serial; and a problem where the two name
        different assets."""
        by_tag = self.session.execute(
            select(Asset).where(func.lower(col(Asset.tag)) == tag.lower())
        ).scalar_one_or_none()
        by_serial = None
        if serial:
            by_serial = self.session.execute(
                select(Asset).where(func.lower(col(Asset.serial)) == serial.lower()).limit(1)
            ).scalar_one_or_none()
        if by_tag is not None and by_serial is not None and by_tag.id != by_serial.id:
            return None, (
                f"the tag {tag} is one asset but the serial {serial} is {by_serial.tag}'s; "
                "fix the tag or the serial in the file"
            )
        return by_tag or by_serial, ""


def _refuse_unusable(mapping: Mapping[str, AssetField]) -> None:
    problem = mapping_problem(mapping)
    if problem:
        raise SwitchboardError(problem)


def plan_import(
    engine: Engine, table: RawTable, mapping: Mapping[str, AssetField], today: date | None = None
) -> AssetPlan:
    """What importing ``table`` would do; nothing is written."""
    _refuse_unusable(mapping)
    with read_session(engine) as session:
        return _plan(session, table, mapping, today or local_today())


def _plan(
    session: Session, table: RawTable, mapping: Mapping[str, AssetField], today: date
) -> AssetPlan:
    plan = AssetPlan()
    lookups = _Lookups(session)
    seen: dict[str, int] = {}
    columns = [(index, mapping[h]) for index, h in enumerate(table.headers)]
    for row in table.rows:
        if row.line in table.bad_lines:
            plan.errors.append(RowError(row.line, "holds bytes that are not text; fix the line"))
            continue
        cells = _cells(row, columns)
        problem, planned = _row(lookups, row, cells, today, seen)
        if problem:
            plan.errors.append(RowError(row.line, problem))
        elif planned is None:
            plan.unchanged += 1
        elif planned.asset_id is None:
            plan.creates.append(planned)
        else:
            plan.updates.append(planned)
    return plan


def _cells(row: RawRow, columns: list[tuple[int, AssetField]]) -> dict[AssetField, str]:
    cells: dict[AssetField, str] = {}
    for index, target in columns:
        if target is AssetField.IGNORE or index >= len(row.values):
            continue
        value = row.values[index].strip()
        if value:
            cells[target] = value
    return cells


def _row(
    lookups: _Lookups,
    row: RawRow,
    cells: dict[AssetField, str],
    today: date,
    seen: dict[str, int],
) -> tuple[str, PlannedAsset | None]:
    """A row's problem ("" for none) and what it does (None: nothing changes)."""
    tag = " ".join(cells.get(AssetField.TAG, "").split())
    if not tag:
        return "no tag; every asset needs the tag on its label", None
    if tag.lower() in seen:
        return f"the tag {tag} is also on line {seen[tag.lower()]}; give each asset one row", None
    seen[tag.lower()] = row.line
    existing, clash = lookups.asset(tag, cells.get(AssetField.SERIAL, ""))
    if clash:
        return clash, None
    current = (
        AssetFields(**{name: getattr(existing, name) for name in FIELD_NAMES})
        if existing is not None
        else AssetFields(tag=tag)
    )
    try:
        changes = _parsed(lookups, cells)
    except ValueError as error:
        return str(error), None
    fields = replace(current, **changes).cleaned()
    problems = field_problems(lookups.session, fields, existing.id if existing else None, today)
    if problems:
        return "; ".join(problems.values()), None
    if existing is not None and fields == current.cleaned():
        return "", None
    return "", PlannedAsset(row.line, existing.id if existing else None, fields)


def _parsed(lookups: _Lookups, cells: dict[AssetField, str]) -> dict[str, Any]:
    """The fields a row gives, typed; ValueError naming the cell that cannot be read."""
    changes: dict[str, Any] = {}
    for target in (AssetField.TAG, AssetField.MAKE, AssetField.MODEL, AssetField.SERIAL):
        if target in cells:
            changes[target.value] = cells[target]
    if AssetField.LOCATION in cells:
        changes["location"] = cells[AssetField.LOCATION]
    if AssetField.NOTES in cells:
        changes["notes"] = cells[AssetField.NOTES]
    if AssetField.KIND in cells:
        changes["kind"] = _KIND_WORDS.get(cells[AssetField.KIND].lower(), AssetKind.OTHER)
    if AssetField.STATUS in cells:
        word = cells[AssetField.STATUS].lower()
        if word not in _STATUS_WORDS:
            raise ValueError(
                f"status {cells[AssetField.STATUS]!r} is not known; use in use, spare, "
                "in repair or retired"
            )
        changes["status"] = _STATUS_WORDS[word]
    if AssetField.SITE in cells:
        site = lookups.sites.get(cells[AssetField.SITE].lower())
        if site is None:
            raise ValueError(f"no site has the code or name {cells[AssetField.SITE]!r}")
        changes["site_id"] = site
    if AssetField.OWNER in cells:
        owner = lookups.owner(cells[AssetField.OWNER])
        if owner is None:
            raise ValueError(
                f"no single caller has the e-mail or employee id {cells[AssetField.OWNER]!r}"
            )
        changes["owner_id"] = owner
    for target, name in (
        (AssetField.PURCHASED, "purchased_on"),
        (AssetField.WARRANTY, "warranty_ends_on"),
    ):
        if target in cells:
            try:
                changes[name] = parse_day(cells[target])
            except (ValueError, OverflowError) as error:
                raise ValueError(f"{target.value}: {error}") from None
    return changes


def import_assets(
    engine: Engine,
    table: RawTable,
    mapping: Mapping[str, AssetField],
    actor_id: uuid.UUID,
    *,
    strict: bool = False,
) -> AssetImportResult:
    """Write the plan in one transaction (checked again inside it), as ``actor_id``."""
    _refuse_unusable(mapping)
    with write_session(engine) as session:
        require(session, actor_id, Action.IMPORT_ASSETS)
        plan = _plan(session, table, mapping, local_today())
        if strict and plan.errors:
            raise SwitchboardError(
                f"{len(plan.errors):,} rows have problems, so nothing was imported (--strict). "
                f"The first: {plan.errors[0]}"
            )
        for planned in plan.creates:
            session.add(Asset(**{n: getattr(planned.fields, n) for n in FIELD_NAMES}))
        for planned in plan.updates:
            asset = session.get(Asset, planned.asset_id)
            for name in FIELD_NAMES:
                setattr(asset, name, getattr(planned.fields, name))
        if plan.creates or plan.updates:
            record(
                session,
                actor_id,
                AuditKind.ASSETS_IMPORTED,
                f"Imported {table.path.name}: {len(plan.creates):,} added, "
                f"{len(plan.updates):,} changed, {len(plan.errors):,} rows with problems skipped",
            )
    return AssetImportResult(
        len(plan.creates), len(plan.updates), plan.unchanged, len(plan.errors), tuple(plan.errors)
    )
