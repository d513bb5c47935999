"""The asset register: find assets a page at a time, read one, add or change one, and see
the tickets raised about it.

The list is the paged table's query object (:class:`AssetQuery`), sorted by tag through the
tag's unique index; the filters narrow it on indexed columns (status, site, warranty end,
owner), so 100,000 assets page as fast as a hundred. Free text must match every typed word
somewhere: inside the tag, make, model or serial (any case), or at the start of a word of
the owner's name (accents folded, through the callers' word index, as the call log
reads names: :func:`app.callers.names.callers_named`).

Every change checks that its actor may manage the register and writes one ASSET_CHANGED
audit row in its transaction, naming what changed in words ("Status In use → In repair;
location Desk 4 → Repair bench"); a save that changes nothing writes nothing. Assets are
never deleted: retiring one sets its status, and its tickets stay linked.

"Today" (for warranties and purchase dates) is the workstation's date, read from the
injectable clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from app.audit import record
from app.callers.lookup import clean
from app.callers.names import callers_named
from app.errors import NotFoundError, ValidationError
from app.permissions import Action, require
from app.queue.query import REVERSE_FROM
from app.search_terms import WORD, like_pattern
from models.audit import AuditEvent, AuditKind
from models.clock import utcnow
from models.engine import read_connection, read_session, write_session
from models.enums import AssetKind, AssetStatus, TicketStatus
from models.org import Site
from models.people import Asset, Caller
from models.tickets import Ticket

WARRANTY_SOON_DAYS = 90  # a warranty ending within this many days is flagged
HISTORY_LIMIT = 50  # tickets shown in an asset's history
# Longest text of each field (the columns of models.people.Asset).
MAX_LENGTHS = {
    "tag": 40,
    "make": 80,
    "model": 120,
    "serial": 80,
    "location": 120,
    "notes": 4000,
}
ALL_STATUSES = frozenset(AssetStatus)
NOT_RETIRED = ALL_STATUSES - {AssetStatus.RETIRED}


def day_text(day: date) -> str:
    """A date as the register shows it: "24 Nov 2026"."""
    return f"{day.day} {day:%b %Y}"


def local_today(now: datetime | None = None, zone: tzinfo | None = None) -> date:
    """The date of ``now`` (default: the clock's now) in ``zone`` (None: the workstation's)."""
    return (now or utcnow()).astimezone(zone).date()


class WarrantyState(Enum):
    """Where an asset's warranty stands on a given day."""

    NONE = "no warranty on record"
    VALID = "under warranty"
    ENDING = "warranty ends soon"
    ENDED = "warranty ended"


def warranty_state(
    ends_on: date | None, today: date, soon_days: int = WARRANTY_SOON_DAYS
) -> WarrantyState:
    """:attr:`WarrantyState.ENDING` from ``today`` until ``soon_days`` later, ENDED after."""
    if ends_on is None:
        return WarrantyState.NONE
    if ends_on < today:
        return WarrantyState.ENDED
    if ends_on <= today + timedelta(days=soon_days):
        return WarrantyState.ENDING
    return WarrantyState.VALID


class Warranty(Enum):
    """The warranty filter; the value is how the filter names it."""

    ANY = "Any warranty"
    ENDING = f"Ends within {WARRANTY_SOON_DAYS} days"
    ENDED = "Ended"


class AssetOrder(Enum):
    """The register's one order: by tag."""

    TAG = "tag"


@dataclass(frozen=True)
class AssetFilter:
    """What the list shows: every condition given must hold."""

    kind: AssetKind | None = None
    site_id: uuid.UUID | None = None
    statuses: frozenset[AssetStatus] = ALL_STATUSES
    warranty: Warranty = Warranty.ANY
    warranty_days: int = WARRANTY_SOON_DAYS  # "ends within" this many days
    text: str = ""


@dataclass(frozen=True)
class AssetRow:
    """One asset as the list shows it; texts are "" where nothing is on record."""

    id: uuid.UUID
    tag: str
    kind: AssetKind
    make: str
    model: str
    serial: str
    status: AssetStatus
    site_code: str
    location: str
    owner_name: str
    warranty_ends_on: date | None


_ROW_COLUMNS: tuple[Any, ...] = (
    col(Asset.id),
    col(Asset.tag),
    col(Asset.kind),
    col(Asset.make),
    col(Asset.model),
    col(Asset.serial),
    col(Asset.status),
    col(Site.code),
    col(Asset.location),
    col(Caller.name),
    col(Asset.warranty_ends_on),
)


def _row(values: Any) -> AssetRow:
    (asset_id, tag, kind, make, model, serial, status, site, location, owner, warranty) = values
    return AssetRow(
        id=asset_id,
        tag=tag,
        kind=AssetKind(kind),
        make=make or "",
        model=model or "",
        serial=serial or "",
        status=AssetStatus(status),
        site_code=site or "",
        location=location or "",
        owner_name=owner or "",
        warranty_ends_on=warranty,
    )


def text_condition(value: str, dialect: str) -> ColumnElement[bool] | None:
    """Every typed word inside the tag, make, model or serial, or starting a word of the
    owner's name (see the module docstring); None when the text is blank."""
    words = clean(value).split()
    if not words:
        return None
    conditions = []
    for number, word in enumerate(words):
        pattern = f"%{like_pattern(word)}%"
        terms: list[ColumnElement[bool]] = [
            field.ilike(pattern, escape="\\")
            for field in (col(Asset.tag), col(Asset.make), col(Asset.model), col(Asset.serial))
        ]
        tokens = WORD.findall(word)
        if tokens:
            owners = callers_named(tokens, dialect, f"owner_words_{number}")
            terms.append(col(Asset.owner_id).in_(owners))
        conditions.append(or_(*terms))
    return and_(*conditions)


class AssetQuery:
    """Counts and pages of the register on one database (the paged table's query object,
    :class:`ui.kit.paged_model.PagedQuery`)."""

    def __init__(self, engine: Engine, zone: tzinfo | None = None) -> None:
        """``zone``: where "today" is, for warranties; None is the workstation's time zone."""
        self.engine = engine
        self.zone = zone

    def conditions(self, f: AssetFilter, now: datetime) -> list[ColumnElement[bool]]:
        """The WHERE terms of ``f``; all on the asset table (and indexed), so counting
        needs no join."""
        found: list[ColumnElement[bool]] = []
        if f.kind is not None:
            found.append(col(Asset.kind) == f.kind)
        if f.site_id is not None:
            found.append(col(Asset.site_id) == f.site_id)
        left_out = ALL_STATUSES - f.statuses
        if len(left_out) == 1:
            # "All but retired" is most of the register: "!=" leaves the status index
            # alone, so the rows are read in tag order through the tag index.
            found.append(col(Asset.status) != next(iter(left_out)))
        elif left_out:
            found.append(col(Asset.status).in_(sorted(f.statuses)))
        today = local_today(now, self.zone)
        if f.warranty is Warranty.ENDING:
            found.append(
                col(Asset.warranty_ends_on).between(today, today + timedelta(days=f.warranty_days))
            )
        elif f.warranty is Warranty.ENDED:
            found.append(col(Asset.warranty_ends_on) < today)
        matches = text_condition(f.text, self.engine.dialect.name)
        if matches is not None:
            found.append(matches)
        return found

    def count(self, f: AssetFilter, now: datetime | None = None) -> int:
        statement = (
            select(func.count()).select_from(Asset).where(*self.conditions(f, now or utcnow()))
        )
        with read_connection(self.engine) as connection:
            return int(connection.execute(statement).scalar_one())

    def page(
        self,
        f: AssetFilter,
        sort: AssetOrder = AssetOrder.TAG,
        offset: int = 0,
        limit: int = 200,
        total: int | None = None,
        now: datetime | None = None,
    ) -> list[AssetRow]:
        """Rows ``offset .. offset+limit`` by tag (``sort`` names the one order). Past
        :data:`REVERSE_FROM`, a page nearer the end is read from the end (``total`` known),
        so the last page costs what the first does."""
        offset = max(0, offset)
        reverse = total is not None and offset >= REVERSE_FROM and offset > total - offset - limit
        statement = (
            select(*_ROW_COLUMNS)
            .select_from(Asset)
            .outerjoin(Site, col(Site.id) == col(Asset.site_id))
            .outerjoin(Caller, col(Caller.id) == col(Asset.owner_id))
            .where(*self.conditions(f, now or utcnow()))
        )
        if reverse:
            assert total is not None
            end = min(total, offset + limit)
            statement = statement.order_by(col(Asset.tag).desc())
            statement = statement.offset(total - end).limit(end - offset)
        else:
            statement = statement.order_by(col(Asset.tag)).offset(offset).limit(limit)
        with read_connection(self.engine) as connection:
            rows = [_row(values) for values in connection.execute(statement)]
        if reverse:
            rows.reverse()
        return rows

    @staticmethod
    def depends_on_now(f: AssetFilter) -> bool:
        """Whether the rows of ``f`` change as days pass (a warranty filter)."""
        return f.warranty is not Warranty.ANY

    def change_token(self) -> tuple[Any, ...]:
        """Moves when an asset is added or saved: how many there are, and the newest audit
        row of the register (every save and import writes one)."""
        kinds = (AuditKind.ASSET_CHANGED.value, AuditKind.ASSETS_IMPORTED.value)
        newest = select(func.max(col(AuditEvent.at))).where(col(AuditEvent.kind).in_(kinds))
        with read_connection(self.engine) as connection:
            count = connection.execute(select(func.count()).select_from(Asset)).scalar_one()
            return (count, connection.execute(newest).scalar_one())


# -- one asset ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssetFields:
    """Everything a person edits about an asset; what :func:`save_asset` writes."""

    tag: str
    kind: AssetKind = AssetKind.OTHER
    make: str = ""
    model: str = ""
    serial: str = ""
    status: AssetStatus = AssetStatus.IN_USE
    site_id: uuid.UUID | None = None
    location: str = ""
    owner_id: uuid.UUID | None = None
    purchased_on: date | None = None
    warranty_ends_on: date | None = None
    notes: str = ""

    def cleaned(self) -> AssetFields:
        """The same fields with the spaces around texts (and runs of them in one-line
        texts) removed, as they are stored."""
        one_line = {
            name: " ".join(str(getattr(self, name)).split())
            for name in ("tag", "make", "model", "serial", "location")
        }
        return AssetFields(**{**_values(self), **one_line, "notes": self.notes.strip()})


FIELD_NAMES = tuple(field.name for field in dataclass_fields(AssetFields))


def _values(source: object) -> dict[str, Any]:
    """The :class:`AssetFields` values of ``source`` (fields, a detail or an Asset row)."""
    return {name: getattr(source, name) for name in FIELD_NAMES}


@dataclass(frozen=True, kw_only=True)
class AssetDetail(AssetFields):
    """One asset with the names of its site and owner, for the details pane and the editor."""

    id: uuid.UUID
    site_code: str = ""  # "" where it has no site
    site_name: str = ""
    owner_name: str = ""  # "" where nobody owns it

    @property
    def fields(self) -> AssetFields:
        """What the editor starts from."""
        return AssetFields(**_values(self))


def asset_detail(engine: Engine, asset_id: uuid.UUID) -> AssetDetail:
    """The asset ``asset_id``; NotFoundError if it is not on the database."""
    statement = (
        select(Asset, col(Site.code), col(Site.name), col(Caller.name))
        .outerjoin(Site, col(Site.id) == col(Asset.site_id))
        .outerjoin(Caller, col(Caller.id) == col(Asset.owner_id))
        .where(col(Asset.id) == asset_id)
    )
    with read_session(engine) as session:
        found = session.execute(statement).first()
        if found is None:
            raise _gone()
        asset, site_code, site_name, owner = found
        return AssetDetail(
            **_values(asset),
            id=asset.id,
            site_code=site_code or "",
            site_name=site_name or "",
            owner_name=owner or "",
        )


@dataclass(frozen=True)
class AssetTicket:
    """One ticket of an asset's history."""

    id: uuid.UUID
    number: str
    summary: str
    status: TicketStatus
    created_at: datetime


def asset_tickets(
    engine: Engine, asset_id: uuid.UUID, limit: int = HISTORY_LIMIT
) -> list[AssetTicket]:
    """The newest ``limit`` tickets raised about ``asset_id``, newest first."""
    statement = (
        select(
            col(Ticket.id),
            col(Ticket.number),
            col(Ticket.summary),
            col(Ticket.status),
            col(Ticket.created_at),
        )
        .where(col(Ticket.asset_id) == asset_id)
        .order_by(col(Ticket.created_at).desc(), col(Ticket.number).desc())
        .limit(limit)
    )
    with read_connection(engine) as connection:
        return [
            AssetTicket(row[0], row[1], row[2], TicketStatus(row[3]), row[4])
            for row in connection.execute(statement)
        ]


def save_asset(
    engine: Engine, actor_id: uuid.UUID, asset_id: uuid.UUID | None, fields: AssetFields
) -> uuid.UUID:
    """Add an asset (``asset_id`` None) or change ``asset_id`` to ``fields``; returns its
    id. Refuses broken fields with a problem per field (:func:`field_problems`); writes one
    audit row naming what changed, or nothing when nothing did."""
    fields = fields.cleaned()
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_ASSETS)
        asset = None if asset_id is None else session.get(Asset, asset_id)
        if asset_id is not None and asset is None:
            raise _gone()
        problems = field_problems(session, fields, asset_id)
        if problems:
            raise ValidationError(problems)
        after = _words(session, fields)
        if asset is None:
            asset = Asset(**_values(fields))
            session.add(asset)
            detail = _added(after)
        else:
            changes = _changes(_words(session, AssetFields(**_values(asset))), after)
            if not changes:
                return asset.id
            for name, value in _values(fields).items():
                setattr(asset, name, value)
            detail = changes[0].upper() + changes[1:]
        try:
            session.flush()
        except IntegrityError as taken:  # another workstation took the tag a moment ago
            raise ValidationError({"tag": _tag_taken_text(fields.tag, "another asset")}) from taken
        record(session, actor_id, AuditKind.ASSET_CHANGED, detail, subject_id=asset.id)
        return asset.id


def field_problems(
    session: Session, fields: AssetFields, asset_id: uuid.UUID | None, today: date | None = None
) -> dict[str, str]:
    """What is wrong with ``fields`` for asset ``asset_id`` (None: a new one), by field
    name; empty if nothing. Read in ``session``, the write's own transaction."""
    problems: dict[str, str] = {}
    if not fields.tag:
        problems["tag"] = "Type the asset's tag: the label stuck on it, such as LT-0042."
    for name, longest in MAX_LENGTHS.items():
        value = str(getattr(fields, name))
        if len(value) > longest and name not in problems:
            problems[name] = f"Keep it to {longest} characters; this has {len(value)}. Shorten it."
    if "tag" not in problems:
        holder = _tag_holder(session, fields.tag, asset_id)
        if holder is not None:
            problems["tag"] = holder
    today = today or local_today()
    if fields.purchased_on is not None and fields.purchased_on > today:
        problems["purchased_on"] = (
            f"The purchase date {day_text(fields.purchased_on)} is in the future (today is "
            f"{day_text(today)}); check the date, or leave it empty."
        )
    if (
        fields.purchased_on is not None
        and fields.warranty_ends_on is not None
        and fields.warranty_ends_on < fields.purchased_on
    ):
        problems["warranty_ends_on"] = (
            f"The warranty cannot end ({day_text(fields.warranty_ends_on)}) before the asset "
            f"was bought ({day_text(fields.purchased_on)}); check both dates."
        )
    if fields.site_id is not None and session.get(Site, fields.site_id) is None:
        problems["site_id"] = "That site is not on this database any more; choose another."
    if fields.owner_id is not None and session.get(Caller, fields.owner_id) is None:
        problems["owner_id"] = (
            "That caller is not on this database any more (merged or erased); look the "
            "owner up again."
        )
    return problems


def _tag_holder(session: Session, tag: str, asset_id: uuid.UUID | None) -> str | None:
    """The problem if another asset has ``tag`` (ignoring case), else None."""
    statement = (
        select(Asset, col(Site.code))
        .outerjoin(Site, col(Site.id) == col(Asset.site_id))
        .where(func.lower(col(Asset.tag)) == tag.lower())
    )
    if asset_id is not None:
        statement = statement.where(col(Asset.id) != asset_id)
    found = session.execute(statement.limit(1)).first()
    if found is None:
        return None
    holder, site = found
    what = holder.model or holder.make or holder.kind.label.lower()
    article = "an" if what[:1].lower() in "aeiou" else "a"
    where = f" at {site}" if site else ""
    return _tag_taken_text(holder.tag, f"{article} {what}{where}")


def _tag_taken_text(tag: str, holder: str) -> str:
    return f"{tag} is already the tag of {holder}; choose another tag, or edit that asset."


_LABELS = {
    "tag": "tag",
    "kind": "kind",
    "make": "make",
    "model": "model",
    "serial": "serial",
    "status": "status",
    "site_id": "site",
    "location": "location",
    "owner_id": "owner",
    "purchased_on": "purchased",
    "warranty_ends_on": "warranty end",
    "notes": "notes",
}


def _words(session: Session, fields: AssetFields) -> dict[str, str]:
    """Each field as the audit trail says it ("" for nothing)."""
    site = session.get(Site, fields.site_id) if fields.site_id else None
    owner = session.get(Caller, fields.owner_id) if fields.owner_id else None
    return {
        "tag": fields.tag,
        "kind": fields.kind.label,
        "make": fields.make,
        "model": fields.model,
        "serial": fields.serial,
        "status": fields.status.label,
        "site_id": site.code if site else "",
        "location": fields.location,
        "owner_id": owner.name if owner else "",
        "purchased_on": day_text(fields.purchased_on) if fields.purchased_on else "",
        "warranty_ends_on": day_text(fields.warranty_ends_on) if fields.warranty_ends_on else "",
        "notes": fields.notes,
    }


def _changes(before: dict[str, str], after: dict[str, str]) -> str:
    """ "status In use → In repair; owner Alice Müller → none", or "" if nothing changed.
    Notes are long: only that they changed is said."""
    parts = []
    for name, label in _LABELS.items():
        old, new = before[name], after[name]
        if old == new:
            continue
        if name == "notes":
            parts.append("notes changed")
        else:
            parts.append(f"{label} {old or 'none'} → {new or 'none'}")
    return "; ".join(parts)


def _added(after: dict[str, str]) -> str:
    """ "Added LT-0042: kind Laptop; model ThinkPad T14; status In use; site HQ"."""
    parts = [
        f"{label} {after[name]}" if name != "notes" else "with notes"
        for name, label in _LABELS.items()
        if name != "tag" and after[name]
    ]
    return f"Added {after['tag']}: " + "; ".join(parts)


def _gone() -> NotFoundError:
    return NotFoundError(
        "That asset is not on this database any more; refresh the register and choose again."
    )
