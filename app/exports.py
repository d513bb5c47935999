"""``switchboard export {sites,teams,categories,assets} --out FILE``: reference data as CSV,
for a spreadsheet, an audit or another tool.

The file is UTF-8 with a byte-order mark (so a spreadsheet reads accents right), one header
row, and every cell made formula-safe: a cell that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
apostrophe, so a caller named ``=HYPERLINK(...)`` stays text. It is written in full beside
the target and then moved into place, privately (it may name asset owners): an interrupted
export never leaves half a file, and a Switchboard database is never overwritten by one.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from app.errors import SwitchboardError
from models.engine import read_session
from models.enums import AssetKind, AssetStatus
from models.org import Category, Site, SiteClosure, Staff, Team, TeamMember
from models.people import Asset, Caller
from models.private_files import new_file_beside
from models.sqlite_file import SQLITE_MAGIC

T = TypeVar("T")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Rows = Iterable[Sequence[object]]


def safe_cell(value: object) -> str:
    """``value`` as CSV text a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _sites(session: Session) -> tuple[list[str], Rows]:
    closures: dict[object, list[str]] = {}
    for site_id, first, last, reason in session.execute(
        select(
            col(SiteClosure.site_id),
            col(SiteClosure.first_day),
            col(SiteClosure.last_day),
            col(SiteClosure.reason),
        ).order_by(col(SiteClosure.first_day))
    ):
        span = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        closures.setdefault(site_id, []).append(f"{span} {reason}".strip())
    rows = [
        (
            site.code,
            site.name,
            site.address,
            site.timezone,
            _hours_text(site.business_hours),
            "-".join(part for part in (site.holiday_country, site.holiday_subdiv) if part),
            site.phone_region or "",
            "; ".join(closures.get(site.id, [])),
        )
        for site in session.execute(select(Site).order_by(col(Site.code))).scalars()
    ]
    header = [
        "code",
        "name",
        "address",
        "time zone",
        "hours",
        "holidays",
        "phone region",
        "closures",
    ]
    return header, rows


def _hours_text(hours: dict[str, list]) -> str:
    """{"0": ["08:00", "17:00"]} as "Mon 08:00-17:00", split days as "08:00-12:00 13:00-17:00"."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    parts = []
    for key in sorted(hours, key=int):
        span = hours[key]
        pairs = [span] if span and isinstance(span[0], str) else span
        parts.append(f"{days[int(key)]} " + " ".join(f"{a}-{b}" for a, b in pairs))
    return "; ".join(parts)


def _teams(session: Session) -> tuple[list[str], Rows]:
    members: dict[object, list[str]] = {}
    for team_id, username in session.execute(
        select(col(TeamMember.team_id), col(Staff.username))
        .join(Staff, col(Staff.id) == col(TeamMember.staff_id))
        .order_by(col(Staff.username))
    ):
        members.setdefault(team_id, []).append(username)
    rows = [
        (
            team.name,
            team.email or "",
            "yes" if team.is_service_desk else "no",
            " ".join(members.get(team.id, [])),
        )
        for team in session.execute(select(Team).order_by(col(Team.name))).scalars()
    ]
    return ["name", "e-mail", "service desk", "members"], rows


def _categories(session: Session) -> tuple[list[str], Rows]:
    parent = aliased(Category)
    query = (
        select(Category, col(parent.name), col(Team.name))
        .outerjoin(parent, col(parent.id) == col(Category.parent_id))
        .outerjoin(Team, col(Team.id) == col(Category.default_team_id))
        .order_by(col(parent.name).nulls_first(), col(Category.name))
    )
    rows = [
        (
            category.name,
            parent_name or "",
            team or "",
            category.default_impact or "",
            category.default_urgency or "",
            "yes" if category.retired else "no",
        )
        for category, parent_name, team in session.execute(query)
    ]
    return ["name", "parent", "default team", "impact", "urgency", "retired"], rows


def _assets(session: Session) -> tuple[list[str], Rows]:
    query = (
        select(Asset, col(Site.code), col(Caller.name), col(Caller.email))
        .outerjoin(Site, col(Site.id) == col(Asset.site_id))
        .outerjoin(Caller, col(Caller.id) == col(Asset.owner_id))
        .order_by(col(Asset.tag))
    )
    rows = (
        (
            asset.tag,
            AssetKind(asset.kind).label,
            asset.make,
            asset.model,
            asset.serial,
            AssetStatus(asset.status).label,
            site or "",
            asset.location,
            owner or "",
            email or "",
            asset.purchased_on or "",
            asset.warranty_ends_on or "",
            asset.notes,
        )
        for asset, site, owner, email in session.execute(query)
    )
    header = [
        "tag",
        "kind",
        "make",
        "model",
        "serial",
        "status",
        "site",
        "location",
        "owner",
        "owner e-mail",
        "purchased",
        "warranty ends",
        "notes",
    ]
    return header, rows


KINDS: dict[str, Callable[[Session], tuple[list[str], Rows]]] = {
    "sites": _sites,
    "teams": _teams,
    "categories": _categories,
    "assets": _assets,
}


def export(engine: Engine, kind: str, target: Path) -> int:
    """Write ``kind`` to ``target`` as CSV; the number of rows written."""
    with read_session(engine) as session:
        header, rows = KINDS[kind](session)
        return write_csv(target, f"{kind}.csv", header, rows)


def write_csv(target: Path, example: str, header: Sequence[object], rows: Rows) -> int:
    """``header`` and ``rows`` as a CSV file at ``target``, as the module docstring says;
    the number of rows written."""

    def write(partial: Path) -> int:
        count = 0
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([safe_cell(value) for value in header])
            for row in rows:
                writer.writerow([safe_cell(value) for value in row])
                count += 1
        return count

    return write_output(target, example, write)


def write_output(target: Path, example: str, write: Callable[[Path], T]) -> T:
    """Run ``write`` on a new file beside ``target``, then put it in ``target``'s place, so a
    failed write leaves whatever was there. Refuses a folder and a Switchboard database
    (``example`` is a file name to suggest instead)."""
    check_output(target, example)
    with new_file_beside(target) as partial:
        result = write(partial)
        os.replace(partial, target)
    return result


def check_output(target: Path, example: str) -> None:
    """Refuse ``target`` if it is a folder or a Switchboard database: checked again as the
    file is written, and by a command before it reads anything."""
    if target.is_dir():
        raise SwitchboardError(f"{target} is a folder; give a file name, such as {example}.")
    if _is_database(target):
        raise SwitchboardError(
            f"{target} is a Switchboard database; an export never writes over one. "
            f"Give another file name, such as {example}."
        )


def _is_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False
