"""An asset's support in words: its warranty, and the vendor contract covering it.

The register's details and the asset editor both say them; the contract is read with
:func:`read_cover` off the GUI thread, as each shows an asset.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from app.assets.register import day_text, local_today

if TYPE_CHECKING:
    from app.vendors.coverage import AssetCover


def read_cover(engine: Engine, asset_id: uuid.UUID) -> AssetCover:
    """The contract covering the asset today (:func:`app.vendors.coverage.asset_cover`), for
    a worker thread. The vendor services, and the holiday calendars they bring, are loaded
    here the first time an asset is shown, not with the register page."""
    from app.vendors.coverage import asset_cover

    return asset_cover(engine, asset_id, local_today())


def warranty_words(ends_on: date | None, today: date) -> str:
    """The warranty in a phrase: "ends on 31 Dec 2026, in 37 days", "ended on 1 Mar 2026"."""
    if ends_on is None:
        return "no warranty on record"
    days = (ends_on - today).days
    if days < 0:
        return f"ended on {day_text(ends_on)}"
    if days == 0:
        return f"ends today ({day_text(ends_on)})"
    return f"ends on {day_text(ends_on)}, in {days} day{'' if days == 1 else 's'}"


def sentence(words: str) -> str:
    """``words`` with a capital first letter, the rest as written ("Ends on 30 Sep 2027",
    where ``str.capitalize`` would write "sep")."""
    return words[:1].upper() + words[1:]


def contract_words(cover: AssetCover) -> str:
    """ "SC-7 with Acme Hardware, until 31 Dec 2026", or that no current contract covers it."""
    if cover.ends_on is None:
        return "No current contract covers it."
    return f"{cover.contract_number} with {cover.vendor}, until {day_text(cover.ends_on)}"
