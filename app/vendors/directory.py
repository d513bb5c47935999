"""Vendors and their support contracts: drafts, saving them with every rule checked, and the
lists and details the pages show.

A manager keeps them (:attr:`Action.MANAGE_VENDORS`); everyone reads them. A save checks its
actor in its own write transaction, reports every broken rule at its field at once (and then
saves nothing), and writes one audit row saying what changed in words; a save that changes
nothing writes nothing.

A contract's support hours are kept as a site keeps its business hours (weekday "0", Monday,
to ``["HH:MM", "HH:MM"]``, or to several intervals for a split day) in the contract's own
time zone, unless it runs around the clock. They are checked by, and due times are counted
in, the SLA clock's own :class:`~app.business_hours.BusinessCalendar`
(:func:`support_calendar`), without public holidays: a contract promises its hours, not a
country's calendar. Hours given for an around-the-clock contract are not kept.

Rules decided here:

- A vendor's name is unique (any case): the desk picks vendors by name.
- A contract number is unique per vendor (any case); two vendors may use the same number.
- A contract may last a single day (it ends on the day it starts), never less.
- A contract covers assets and ticket categories by id; every one must exist when it is
  saved. A retired category may be covered (its old tickets still are).
- A resolution time shorter than the response time is refused, as for SLA policies.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.assets.register import day_text
from app.audit import record
from app.business_hours import BusinessCalendar
from app.callers.csv_import import EMAIL
from app.errors import ValidationError
from app.org.sites import hours_text
from app.org.sla_policies import MAX_MINUTES, minutes_text
from app.permissions import Action, require
from app.rows import existing, gone
from app.tickets.sla import ALWAYS_OPEN
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.org import Category
from models.people import Asset
from models.vendors import Contract, ContractAsset, ContractCategory, Vendor

# Longest text of each field (the columns of models.vendors).
VENDOR_LENGTHS = {
    "name": 120,
    "kind": 40,
    "support_phone": 40,
    "email": 200,
    "portal_url": 300,
    "account_number": 80,
}
NUMBER_MAX = 80
TITLE_MAX = 200
MAX_NOTICE_DAYS = 3660  # ten years: longer is a typo
MAX_COST = Decimal("9999999999.99")  # Contract.cost is NUMERIC(12, 2)
CENT = Decimal("0.01")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# -- drafts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VendorDraft:
    """What the vendor editor saves; the fields are the columns of
    :class:`models.vendors.Vendor`."""

    name: str
    kind: str = ""  # "Hardware", "ISP", "Software"...
    support_phone: str = ""
    email: str = ""
    portal_url: str = ""
    account_number: str = ""  # our account with them
    notes: str = ""
    active: bool = True

    def cleaned(self) -> VendorDraft:
        """Spaces around texts (and runs of them in one-line texts) removed, as stored."""
        one_line: dict[str, Any] = {
            name: " ".join(getattr(self, name).split()) for name in VENDOR_LENGTHS
        }
        return replace(self, **one_line, notes=self.notes.strip())


@dataclass(frozen=True)
class ContractDraft:
    """What the contract editor saves. ``support_hours`` maps weekday "0" (Monday) .. "6" to
    one interval ``["08:00", "18:00"]`` or several ``[["08:00", "12:00"], ["13:00",
    "18:00"]]`` in ``timezone``; a weekday left out has no support. Times are in minutes:
    business minutes of the support hours, or of the clock when ``around_the_clock``."""

    vendor_id: uuid.UUID
    number: str
    starts_on: date
    ends_on: date
    title: str = ""
    asset_ids: frozenset[uuid.UUID] = frozenset()
    category_ids: frozenset[uuid.UUID] = frozenset()
    around_the_clock: bool = False
    support_hours: Mapping[str, Any] = field(default_factory=dict)
    timezone: str = "UTC"
    response_minutes: int | None = None
    resolution_minutes: int | None = None
    notice_days: int = 0
    cost: Decimal | None = None
    currency: str = ""  # ISO 4217, "EUR"
    notes: str = ""

    @property
    def hours_text(self) -> str:
        return support_hours_text(self.around_the_clock, self.support_hours, self.timezone)


_COVER_FIELDS = ("asset_ids", "category_ids")


def _columns(draft: ContractDraft) -> dict[str, Any]:
    """The draft's values of :class:`Contract`'s columns (all but what it covers)."""
    values = asdict(draft)
    for name in _COVER_FIELDS:
        del values[name]
    values["support_hours"] = dict(draft.support_hours)
    return values


# -- support hours ------------------------------------------------------------------------------
def support_calendar(contract: Contract | ContractDraft) -> BusinessCalendar:
    """The calendar a contract's times run in: around the clock, or its support hours in
    its time zone (no public holidays)."""
    if contract.around_the_clock:
        return ALWAYS_OPEN
    return BusinessCalendar.from_config(contract.timezone, dict(contract.support_hours), None, None)


def support_hours_text(around_the_clock: bool, hours: Mapping[str, Any], timezone: str) -> str:
    """The hours in words, days alike run together: "Mon–Fri 08:00-18:00; Sat 09:00-12:00
    (Europe/London)", or "around the clock"."""
    if around_the_clock:
        return "around the clock"
    runs: list[tuple[int, int, str]] = []  # first day, last day, hours
    for day in range(7):
        value = hours.get(str(day))
        if not value:
            continue
        text = hours_text(value)
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], day, text)
        else:
            runs.append((day, day, text))
    days = "; ".join(
        f"{DAYS[first]}{'–' + DAYS[last] if last > first else ''} {text}"
        for first, last, text in runs
    )
    return f"{days or 'no support hours'} ({timezone})"


# -- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VendorRow:
    """One vendor as the list shows it."""

    id: uuid.UUID
    name: str
    kind: str
    support_phone: str
    email: str
    active: bool
    contracts: int


@dataclass(frozen=True)
class ContractRow:
    """One contract as the lists show it."""

    id: uuid.UUID
    vendor_id: uuid.UUID
    vendor_name: str
    number: str
    title: str
    starts_on: date
    ends_on: date
    notice_days: int
    hours: str  # "Mon–Fri 08:00-18:00 (Europe/London)", "around the clock"
    response_minutes: int | None
    assets: int
    categories: int


@dataclass(frozen=True)
class VendorDetail:
    """A vendor with everything the editor shows; ``draft`` is the vendor as saved now."""

    id: uuid.UUID
    draft: VendorDraft
    contracts: tuple[ContractRow, ...]


@dataclass(frozen=True)
class CoveredAsset:
    id: uuid.UUID
    tag: str
    model: str
    serial: str


@dataclass(frozen=True)
class CoveredCategory:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ContractDetail:
    """A contract with what it covers, for its editor; ``draft`` is the contract as saved."""

    id: uuid.UUID
    vendor_name: str
    draft: ContractDraft
    assets: tuple[CoveredAsset, ...]  # by tag
    categories: tuple[CoveredCategory, ...]  # by name


def list_vendors(engine: Engine) -> list[VendorRow]:
    """Every vendor, inactive ones too, by name, with how many contracts each has."""
    counts = (
        select(col(Contract.vendor_id), func.count().label("n"))
        .group_by(col(Contract.vendor_id))
        .subquery()
    )
    statement = (
        select(Vendor, counts.c.n)
        .outerjoin(counts, counts.c.vendor_id == col(Vendor.id))
        .order_by(func.lower(col(Vendor.name)))
    )
    with read_session(engine) as session:
        return [
            VendorRow(v.id, v.name, v.kind, v.support_phone, v.email, v.active, n or 0)
            for v, n in session.execute(statement)
        ]


def list_contracts(engine: Engine, vendor_id: uuid.UUID | None = None) -> list[ContractRow]:
    """Every contract (or ``vendor_id``'s), by vendor, then by end date."""
    with read_session(engine) as session:
        return _contract_rows(session, vendor_id)


def _contract_rows(session: Session, vendor_id: uuid.UUID | None) -> list[ContractRow]:
    assets = (
        select(func.count())
        .where(col(ContractAsset.contract_id) == col(Contract.id))
        .scalar_subquery()
    )
    categories = (
        select(func.count())
        .where(col(ContractCategory.contract_id) == col(Contract.id))
        .scalar_subquery()
    )
    statement = (
        select(Contract, col(Vendor.name), assets, categories)
        .join(Vendor, col(Vendor.id) == col(Contract.vendor_id))
        .order_by(func.lower(col(Vendor.name)), col(Contract.ends_on), col(Contract.number))
    )
    if vendor_id is not None:
        statement = statement.where(col(Contract.vendor_id) == vendor_id)
    return [
        ContractRow(
            id=c.id,
            vendor_id=c.vendor_id,
            vendor_name=vendor,
            number=c.number,
            title=c.title,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            notice_days=c.notice_days,
            hours=support_hours_text(c.around_the_clock, c.support_hours, c.timezone),
            response_minutes=c.response_minutes,
            assets=n_assets,
            categories=n_categories,
        )
        for c, vendor, n_assets, n_categories in session.execute(statement)
    ]


def vendor_detail(engine: Engine, vendor_id: uuid.UUID) -> VendorDetail:
    """The vendor ``vendor_id`` with its contracts; NotFoundError if it is gone."""
    with read_session(engine) as session:
        vendor = _vendor(session, vendor_id)
        draft = VendorDraft(**{name: getattr(vendor, name) for name in _VENDOR_FIELDS})
        return VendorDetail(vendor.id, draft, tuple(_contract_rows(session, vendor_id)))


def contract_detail(engine: Engine, contract_id: uuid.UUID) -> ContractDetail:
    """The contract ``contract_id`` with what it covers; NotFoundError if it is gone."""
    with read_session(engine) as session:
        contract = _contract(session, contract_id)
        vendor = session.get(Vendor, contract.vendor_id)
        assets = session.exec(
            select(Asset)
            .join(ContractAsset, col(ContractAsset.asset_id) == col(Asset.id))
            .where(col(ContractAsset.contract_id) == contract_id)
            .order_by(col(Asset.tag))
        ).all()
        categories = session.exec(
            select(Category)
            .join(ContractCategory, col(ContractCategory.category_id) == col(Category.id))
            .where(col(ContractCategory.contract_id) == contract_id)
            .order_by(col(Category.name))
        ).all()
        draft = ContractDraft(
            **{name: getattr(contract, name) for name in _CONTRACT_FIELDS},
            asset_ids=frozenset(a.id for a in assets),
            category_ids=frozenset(c.id for c in categories),
        )
        return ContractDetail(
            id=contract.id,
            vendor_name=vendor.name if vendor is not None else "",
            draft=draft,
            assets=tuple(CoveredAsset(a.id, a.tag, a.model, a.serial) for a in assets),
            categories=tuple(CoveredCategory(c.id, c.name) for c in categories),
        )


_VENDOR_FIELDS = tuple(VendorDraft.__dataclass_fields__)
_CONTRACT_FIELDS = tuple(
    name for name in ContractDraft.__dataclass_fields__ if name not in _COVER_FIELDS
)


# -- saving a vendor ----------------------------------------------------------------------------
_VENDOR_LABELS = {
    "name": "name",
    "kind": "kind",
    "support_phone": "support phone",
    "email": "e-mail",
    "portal_url": "portal",
    "account_number": "our account",
    "notes": "notes",
    "active": "active",
}


def save_vendor(
    engine: Engine, actor_id: uuid.UUID, draft: VendorDraft, vendor_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Add a vendor (``vendor_id`` None) or change one; returns its id. Every problem is
    reported at once, per field (the draft's field names), and nothing is saved."""
    clean = draft.cleaned()
    problems = _vendor_problems(clean)
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_VENDORS)
        vendor = _vendor(session, vendor_id) if vendor_id is not None else None
        if "name" not in problems:
            holder = session.exec(
                select(Vendor).where(func.lower(col(Vendor.name)) == clean.name.lower())
            ).first()
            if holder is not None and holder.id != vendor_id:
                problems["name"] = _name_taken(holder.name)
        if problems:
            raise ValidationError(problems)
        after = _vendor_words(clean)
        if vendor is None:
            vendor = Vendor(**asdict(clean))
            session.add(vendor)
            detail = _added(f"Added vendor {clean.name}", after, _VENDOR_LABELS, skip={"name"})
        else:
            before = _vendor_words(vendor)
            changes = _changes(before, after, _VENDOR_LABELS)
            if not changes:
                return vendor.id
            for name, value in asdict(clean).items():
                setattr(vendor, name, value)
            detail = f"Vendor {before['name']}: {changes}"
        try:
            session.flush()
        except IntegrityError as taken:  # another workstation took the name a moment ago
            raise ValidationError({"name": _name_taken(clean.name)}) from taken
        record(session, actor_id, AuditKind.VENDOR_CHANGED, detail, subject_id=vendor.id)
        return vendor.id


def _vendor_problems(draft: VendorDraft) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not draft.name:
        problems["name"] = "Give the vendor's name, such as Acme Hardware Ltd."
    for name, longest in VENDOR_LENGTHS.items():
        value = getattr(draft, name)
        if len(value) > longest and name not in problems:
            problems[name] = f"Keep it to {longest} characters; this has {len(value)}. Shorten it."
    if draft.email and "email" not in problems and not EMAIL.fullmatch(draft.email):
        problems["email"] = "That is not an e-mail address (support@example.com); fix or clear it."
    portal = draft.portal_url.lower()
    if portal and "portal_url" not in problems and not portal.startswith(("https://", "http://")):
        problems["portal_url"] = (
            "Give the portal's full address, starting with https:// (copy it from the browser), "
            "or leave it empty."
        )
    return problems


def _name_taken(name: str) -> str:
    return f"{name} is already on the vendor list; edit that vendor instead, or tell them apart."


def _vendor_words(source: VendorDraft | Vendor) -> dict[str, str]:
    """Each field as the audit trail says it ("" for nothing)."""
    words = {name: str(getattr(source, name)) for name in _VENDOR_LABELS if name != "active"}
    words["active"] = "yes" if source.active else "no"
    return words


# -- saving a contract --------------------------------------------------------------------------
_CONTRACT_LABELS = {
    "vendor": "vendor",
    "number": "number",
    "title": "title",
    "period": "period",
    "assets": "assets",
    "categories": "categories",
    "hours": "support hours",
    "response": "response",
    "resolution": "resolution",
    "notice": "notice",
    "cost": "cost",
    "notes": "notes",
}


def save_contract(
    engine: Engine,
    actor_id: uuid.UUID,
    draft: ContractDraft,
    contract_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Add a contract (``contract_id`` None) or change one, with what it covers; returns its
    id. Every problem is reported at once, per field (the draft's field names, "dates" for
    the period), and nothing is saved."""
    clean, problems = _clean_contract(draft)
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_VENDORS)
        contract = _contract(session, contract_id) if contract_id is not None else None
        vendor = session.get(Vendor, clean.vendor_id)
        if vendor is None:
            problems["vendor_id"] = gone("vendor")
        elif "number" not in problems:
            holder = session.exec(
                select(Contract).where(
                    col(Contract.vendor_id) == vendor.id,
                    func.lower(col(Contract.number)) == clean.number.lower(),
                )
            ).first()
            if holder is not None and holder.id != contract_id:
                problems["number"] = _number_taken(vendor.name, holder.number)
        _check_exist(session, Asset, clean.asset_ids, "asset_ids", "assets", problems)
        _check_exist(session, Category, clean.category_ids, "category_ids", "categories", problems)
        if problems:
            raise ValidationError(problems)
        assert vendor is not None
        after = _contract_words(session, clean)
        if contract is None:
            contract = Contract(**_columns(clean))
            session.add(contract)
            detail = _added(
                f"Added contract {clean.number} with {vendor.name}",
                after,
                _CONTRACT_LABELS,
                skip={"vendor", "number"},
            )
        else:
            before_draft = ContractDraft(
                **{name: getattr(contract, name) for name in _CONTRACT_FIELDS},
                asset_ids=_covered(session, ContractAsset, contract.id),
                category_ids=_covered(session, ContractCategory, contract.id),
            )
            before = _contract_words(session, before_draft)
            changes = _changes(before, after, _CONTRACT_LABELS)
            if not changes:
                return contract.id
            for name, value in _columns(clean).items():
                setattr(contract, name, value)
            detail = f"Contract {before['number']} ({before['vendor']}): {changes}"
        vendor_name = vendor.name  # a failed flush expires the rows read
        try:
            session.flush()
        except IntegrityError as taken:  # another workstation took the number a moment ago
            raise ValidationError({"number": _number_taken(vendor_name, clean.number)}) from taken
        _set_cover(session, ContractAsset, contract.id, clean.asset_ids)
        _set_cover(session, ContractCategory, contract.id, clean.category_ids)
        record(session, actor_id, AuditKind.CONTRACT_CHANGED, detail, subject_id=contract.id)
        return contract.id


def _clean_contract(draft: ContractDraft) -> tuple[ContractDraft, dict[str, str]]:
    """The draft tidied (texts trimmed, hours in their saved form, the time zone as
    spelled in the time zone database, the cost in cents) and the problems found without
    reading the database."""
    problems: dict[str, str] = {}
    number = " ".join(draft.number.split())
    title = " ".join(draft.title.split())
    if not number:
        problems["number"] = (
            "Give the contract's number as the vendor writes it, such as SC-2026-0042."
        )
    elif len(number) > NUMBER_MAX:
        problems["number"] = f"Keep the number to {NUMBER_MAX} characters; this has {len(number)}."
    if len(title) > TITLE_MAX:
        problems["title"] = f"Keep the title to {TITLE_MAX} characters; this has {len(title)}."
    if draft.ends_on < draft.starts_on:
        problems["ends_on"] = (
            f"The contract ends ({day_text(draft.ends_on)}) before it starts "
            f"({day_text(draft.starts_on)}); check both dates. For a one-day contract make "
            "them the same day."
        )
    timezone = _clean_timezone(draft.timezone, problems)
    hours = {} if draft.around_the_clock else _clean_hours(draft.support_hours, problems)
    _check_times(draft.response_minutes, draft.resolution_minutes, problems)
    if not 0 <= draft.notice_days <= MAX_NOTICE_DAYS:
        problems["notice_days"] = (
            f"Give the renewal notice in days, from 0 (none) to {MAX_NOTICE_DAYS:,}."
        )
    cost = _clean_cost(draft.cost, problems)
    currency = draft.currency.strip().upper()
    if currency and not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        problems["currency"] = (
            "Give the currency as its three-letter code, such as EUR, GBP or USD, or leave "
            "it empty."
        )
    clean = replace(
        draft,
        number=number,
        title=title,
        timezone=timezone,
        support_hours=hours,
        cost=cost,
        currency=currency,
        notes=draft.notes.strip(),
    )
    return clean, problems


def _clean_timezone(text: str, problems: dict[str, str]) -> str:
    """The zone as the calendar (the time zone database) names it."""
    wanted = text.strip()
    if not wanted:
        problems["timezone"] = "Choose the time zone of the support hours, such as Europe/London."
        return wanted
    try:
        return BusinessCalendar(wanted, {}, always_open=True).timezone
    except ValueError as error:
        problems["timezone"] = f"{error}."
        return wanted


def _clean_hours(hours: Mapping[str, Any], problems: dict[str, str]) -> dict[str, Any]:
    days = {str(key).strip(): value for key, value in hours.items() if value}
    if not days:
        problems["support_hours"] = (
            "Give the support hours of at least one weekday, or make the contract around the clock."
        )
        return days
    try:
        return BusinessCalendar.from_config("UTC", days, None, None).to_config()
    except ValueError as error:
        problems["support_hours"] = f"{error}."
        return days


def _check_times(response: int | None, resolution: int | None, problems: dict[str, str]) -> None:
    for name, minutes in (("response_minutes", response), ("resolution_minutes", resolution)):
        if minutes is not None and not 0 < minutes <= MAX_MINUTES:
            what = name.removesuffix("_minutes")
            problems[name] = (
                f"Give a {what} time of at least one minute and at most a year, or none."
            )
    if (
        response is not None
        and resolution is not None
        and not problems.keys() & {"response_minutes", "resolution_minutes"}
        and resolution < response
    ):
        problems["resolution_minutes"] = (
            f"The resolution time ({minutes_text(resolution)}) is shorter than the response "
            f"time ({minutes_text(response)}): the vendor cannot fix it before answering. "
            "Lengthen it or shorten the response time."
        )


def _clean_cost(cost: Decimal | None, problems: dict[str, str]) -> Decimal | None:
    if cost is None:
        return None
    if not cost.is_finite():
        problems["cost"] = "Give the cost as an amount, such as 1200.00, or leave it empty."
    elif cost < 0:
        problems["cost"] = (
            f"The cost cannot be negative ({cost}); give what the contract costs, or leave "
            "it empty."
        )
    elif cost > MAX_COST:
        problems["cost"] = f"Give a cost below {MAX_COST + CENT:,}; check the amount."
    else:
        return cost.quantize(CENT)
    return cost


def _number_taken(vendor: str, number: str) -> str:
    return (
        f"{vendor} already has a contract numbered {number}; give this one its own number, "
        "or edit that contract."
    )


def _check_exist(
    session: Session,
    model: type[Asset] | type[Category],
    ids: Collection[uuid.UUID],
    key: str,
    what: str,
    problems: dict[str, str],
) -> None:
    if not ids:
        return
    found = set(session.exec(select(col(model.id)).where(col(model.id).in_(ids))).all())
    missing = len(set(ids) - found)
    if missing:
        problems[key] = (
            f"{missing} of the {what} chosen {'is' if missing == 1 else 'are'} not on this "
            f"database any more; refresh the list and choose the {what} again."
        )


def _link_column(model: type[ContractAsset] | type[ContractCategory]) -> Any:
    """The column of a link table naming what the contract covers."""
    return col(getattr(model, "asset_id" if model is ContractAsset else "category_id"))


def _covered(
    session: Session, model: type[ContractAsset] | type[ContractCategory], contract_id: uuid.UUID
) -> frozenset[uuid.UUID]:
    """What the contract covers now: its assets or its categories, by ``model``."""
    statement = select(_link_column(model)).where(col(model.contract_id) == contract_id)
    return frozenset(session.execute(statement).scalars())


def _set_cover(
    session: Session,
    model: type[ContractAsset] | type[ContractCategory],
    contract_id: uuid.UUID,
    wanted: frozenset[uuid.UUID],
) -> None:
    """Make the contract cover exactly ``wanted`` (assets or categories, by ``model``)."""
    column = _link_column(model)
    now = _covered(session, model, contract_id)
    if now - wanted:
        session.execute(
            delete(model).where(col(model.contract_id) == contract_id, column.in_(now - wanted))
        )
    session.add_all(
        model(contract_id=contract_id, **{column.key: row_id}) for row_id in wanted - now
    )


def _contract_words(session: Session, draft: ContractDraft) -> dict[str, str]:
    """Each part of the contract as the audit trail says it ("" for nothing)."""
    vendor = session.get(Vendor, draft.vendor_id)
    tags = session.exec(
        select(col(Asset.tag)).where(col(Asset.id).in_(draft.asset_ids)).order_by(col(Asset.tag))
    ).all()
    names = session.exec(
        select(col(Category.name))
        .where(col(Category.id).in_(draft.category_ids))
        .order_by(col(Category.name))
    ).all()
    return {
        "vendor": vendor.name if vendor is not None else "",
        "number": draft.number,
        "title": draft.title,
        "period": f"{day_text(draft.starts_on)} – {day_text(draft.ends_on)}",
        "assets": ", ".join(tags),
        "categories": ", ".join(names),
        "hours": draft.hours_text,
        "response": minutes_text(draft.response_minutes) if draft.response_minutes else "",
        "resolution": minutes_text(draft.resolution_minutes) if draft.resolution_minutes else "",
        "notice": f"{draft.notice_days} days" if draft.notice_days else "",
        "cost": f"{draft.cost:,} {draft.currency}".strip() if draft.cost is not None else "",
        "notes": draft.notes,
    }


# -- shared -------------------------------------------------------------------------------------
def _changes(before: dict[str, str], after: dict[str, str], labels: dict[str, str]) -> str:
    """ "ends 31 Dec 2026 → 31 Dec 2027; assets LT-0001 → none", or "" if nothing changed.
    Notes are long: only that they changed is said."""
    parts = []
    for name, label in labels.items():
        old, new = before[name], after[name]
        if old == new:
            continue
        parts.append(
            "notes changed" if name == "notes" else f"{label} {old or 'none'} → {new or 'none'}"
        )
    return "; ".join(parts)


def _added(head: str, after: dict[str, str], labels: dict[str, str], skip: Collection[str]) -> str:
    """ "Added vendor Acme: kind Hardware; e-mail support@acme.example; with notes"."""
    parts = [
        "with notes" if name == "notes" else f"{label} {after[name]}"
        for name, label in labels.items()
        if name not in skip and after[name] and not (name == "active" and after[name] == "yes")
    ]
    return head + (": " + "; ".join(parts) if parts else "")


def _vendor(session: Session, vendor_id: uuid.UUID) -> Vendor:
    return existing(session, Vendor, vendor_id, gone("vendor"))


def _contract(session: Session, contract_id: uuid.UUID) -> Contract:
    return existing(session, Contract, contract_id, gone("contract"))
