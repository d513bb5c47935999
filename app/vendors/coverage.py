"""Which support contract covers an asset or a ticket's category on a day, an asset's cover
and warranty, and the contracts the manager must act on before they end.

A contract is current from its first day to its last, both included (``starts_on`` ..
``ends_on``, dates in whatever calendar the caller's day is). A vendor marked inactive covers
nothing. When several current contracts cover the same thing, a match on the asset beats a
match on the ticket's category, which beats a match on the category above it (a contract for
"Printing" covers "Printing > Paper jam"); among equals the one that runs longest wins, then
the lowest number, so the answer never depends on the order rows were read in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.assets.register import day_text
from app.errors import NotFoundError, ValidationError
from models.engine import read_session
from models.org import Category
from models.people import Asset
from models.vendors import Contract, ContractAsset, ContractCategory, Vendor


class CoverMatch(Enum):
    """What a contract was found through, strongest first; the value says it in words."""

    ASSET = "asset"
    CATEGORY = "category"
    PARENT_CATEGORY = "parent category"


@dataclass(frozen=True)
class CoveringContract:
    """A current contract covering an asset or a category."""

    contract_id: uuid.UUID
    number: str
    title: str
    vendor_id: uuid.UUID
    vendor_name: str
    ends_on: date
    match: CoverMatch
    matched: str  # the asset's tag or the category's name


def covering(
    session: Session,
    *,
    asset_id: uuid.UUID | None = None,
    category_id: uuid.UUID | None = None,
    on: date,
) -> list[CoveringContract]:
    """Every contract current ``on`` that covers ``asset_id`` or ``category_id`` (or the
    category above it), best first (see the module docstring), each once."""
    found: list[tuple[int, CoveringContract]] = []
    if asset_id is not None:
        found += _current(session, ContractAsset, {asset_id: 0}, on)
    category = session.get(Category, category_id) if category_id is not None else None
    if category is not None:
        ranks = {category.id: 1}
        if category.parent_id is not None:
            ranks[category.parent_id] = 2
        found += _current(session, ContractCategory, ranks, on)
    found.sort(key=lambda pair: (pair[0], -pair[1].ends_on.toordinal(), pair[1].number))
    seen: set[uuid.UUID] = set()
    best = []
    for _rank, cover in found:
        if cover.contract_id not in seen:
            seen.add(cover.contract_id)
            best.append(cover)
    return best


_MATCHES = (CoverMatch.ASSET, CoverMatch.CATEGORY, CoverMatch.PARENT_CATEGORY)


def _current(
    session: Session,
    table: type[ContractAsset] | type[ContractCategory],
    ranks: dict[uuid.UUID, int],
    on: date,
) -> list[tuple[int, CoveringContract]]:
    """The current contracts covering one of ``ranks``' assets (``table`` ContractAsset) or
    categories (ContractCategory), each with the rank of what it matched and its name."""
    link: Any
    target: Any
    if table is ContractAsset:
        link, target, label = col(ContractAsset.asset_id), Asset, col(Asset.tag)
    else:
        link, target, label = col(ContractCategory.category_id), Category, col(Category.name)
    statement = (
        select(Contract, col(Vendor.name), link, label)
        .join(Vendor, col(Vendor.id) == col(Contract.vendor_id))
        .join(table, col(table.contract_id) == col(Contract.id))
        .join(target, col(target.id) == link)
        .where(
            link.in_(list(ranks)),
            col(Vendor.active),
            col(Contract.starts_on) <= on,
            col(Contract.ends_on) >= on,
        )
    )
    return [
        (
            ranks[matched_id],
            CoveringContract(
                contract_id=contract.id,
                number=contract.number,
                title=contract.title,
                vendor_id=contract.vendor_id,
                vendor_name=vendor,
                ends_on=contract.ends_on,
                match=_MATCHES[ranks[matched_id]],
                matched=matched,
            ),
        )
        for contract, vendor, matched_id, matched in session.execute(statement)
    ]


def contract_for(
    engine: Engine,
    *,
    asset_id: uuid.UUID | None = None,
    category_id: uuid.UUID | None = None,
    on: date,
) -> CoveringContract | None:
    """The contract that covers ``asset_id`` or ``category_id`` on ``on``: an asset match
    beats a category match; None if no current contract covers either."""
    with read_session(engine) as session:
        found = covering(session, asset_id=asset_id, category_id=category_id, on=on)
    return found[0] if found else None


@dataclass(frozen=True)
class AssetCover:
    """An asset's support on a day: the contract covering it (empty texts and None when
    none does) and its warranty end (None where none is on record)."""

    contract_number: str
    vendor: str
    ends_on: date | None
    warranty_ends_on: date | None
    contract_id: uuid.UUID | None = None


def asset_cover(engine: Engine, asset_id: uuid.UUID, on: date) -> AssetCover:
    """The contract covering ``asset_id`` itself on ``on``, and its warranty end."""
    with read_session(engine) as session:
        asset = session.get(Asset, asset_id)
        if asset is None:
            raise NotFoundError(
                "That asset is not on this database any more; refresh the register and "
                "choose again."
            )
        found = covering(session, asset_id=asset_id, on=on)
    if not found:
        return AssetCover("", "", None, asset.warranty_ends_on)
    best = found[0]
    return AssetCover(
        best.number, best.vendor_name, best.ends_on, asset.warranty_ends_on, best.contract_id
    )


@dataclass(frozen=True)
class EndingContract:
    """A contract the manager should look at: it ends within the days asked for, or it is
    inside its renewal notice period (or both)."""

    contract_id: uuid.UUID
    vendor_name: str
    number: str
    title: str
    ends_on: date
    days_left: int  # to its last day; 0 on the last day
    notice_days: int
    notice_by: date | None  # the last day to give notice; None without a notice period
    ends_within_days: bool
    in_notice_period: bool

    @property
    def why(self) -> str:
        """ "ends in 37 days; inside its 60-day notice period: notice was due by 2 Nov 2026"."""
        ends = "ends today" if self.days_left == 0 else f"ends in {self.days_left} days"
        if self.notice_by is None:
            return f"{ends}; no notice period"
        where = (
            f"inside its {self.notice_days}-day notice period"
            if self.in_notice_period
            else f"{self.notice_days}-day notice period"
        )
        if self.days_left == self.notice_days:
            due = f"give notice today, {day_text(self.notice_by)}"
        elif self.in_notice_period:
            due = f"notice was due by {day_text(self.notice_by)}"
        else:
            due = f"give notice by {day_text(self.notice_by)}"
        return f"{ends}; {where}: {due}"


def contracts_ending(engine: Engine, today: date, days: int) -> list[EndingContract]:
    """The contracts not yet ended on ``today`` that end within ``days`` days, or whose
    renewal notice period (the last ``notice_days`` days before the end) has begun; by end
    date. Both are read through the end-date index: nothing ending later than the larger
    of ``days`` and the longest notice period can be listed."""
    if days < 0:
        raise ValidationError({"days": f"Give the days ahead as 0 or more, not {days}."})
    with read_session(engine) as session:
        longest = session.execute(
            select(func.max(col(Contract.notice_days))).where(col(Contract.ends_on) >= today)
        ).scalar()
        horizon = today + timedelta(days=max(days, longest or 0))
        rows = session.execute(
            select(Contract, col(Vendor.name))
            .join(Vendor, col(Vendor.id) == col(Contract.vendor_id))
            .where(col(Contract.ends_on) >= today, col(Contract.ends_on) <= horizon)
            .order_by(col(Contract.ends_on), func.lower(col(Vendor.name)), col(Contract.number))
        ).all()
    ending = []
    for contract, vendor in rows:
        days_left = (contract.ends_on - today).days
        notice_by = (
            contract.ends_on - timedelta(days=contract.notice_days)
            if contract.notice_days
            else None
        )
        within = days_left <= days
        in_notice = notice_by is not None and notice_by <= today
        if within or in_notice:
            ending.append(
                EndingContract(
                    contract_id=contract.id,
                    vendor_name=vendor,
                    number=contract.number,
                    title=contract.title,
                    ends_on=contract.ends_on,
                    days_left=days_left,
                    notice_days=contract.notice_days,
                    notice_by=notice_by,
                    ends_within_days=within,
                    in_notice_period=in_notice,
                )
            )
    return ending
