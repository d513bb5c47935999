"""The roster settings a manager keeps with a site: its desk minimums
(:mod:`app.roster.coverage`) and the on-call limit every site shares
(:mod:`app.roster.limits`), read together for the Sites page's desk cover box and its dialog.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Engine

from app.roster.coverage import Band, bands_of
from app.roster.limits import max_on_call_weeks_in
from models.engine import read_connection


@dataclass(frozen=True)
class DeskCover:
    """A site's desk minimums and the on-call limit shared by every site."""

    bands: tuple[Band, ...]  # by weekday and start
    max_on_call_weeks: int


def desk_cover(engine: Engine, site_id: uuid.UUID) -> DeskCover:
    """``site_id``'s desk minimums and the on-call limit, from one transaction."""
    with read_connection(engine) as connection:
        bands = bands_of(connection, [site_id]).get(site_id, ())
        return DeskCover(bands, max_on_call_weeks_in(connection))
