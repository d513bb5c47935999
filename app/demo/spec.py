"""What to generate and what was generated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from app.errors import SwitchboardError

# ----------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class DemoSpec:
    """How much demo data to make; the same spec (and ``now``) always gives the same data."""

    callers: int = 2000
    tickets: int = 10000
    months: int = 12
    seed: int = 1
    now: datetime | None = None  # end of the generated period (aware UTC); default: now


@dataclass(frozen=True)
class DemoSummary:
    """What was written, for the CLI to print."""

    sites: int
    teams: int
    staff: int
    callers: int
    assets: int
    tickets: int
    events: int
    calls: int
    seconds: float


# ----------------------------------------------------------------------------- "as of" a day

# A period "as of" a day ends at this time of that day: mid-afternoon in London and late
# morning in New York, so both demo sites are open (in winter and in summer time alike) and
# the data looks like a working day in progress, that day's calls included.
AS_OF_TIME = time(16, 0, tzinfo=UTC)
EARLIEST_AS_OF, LATEST_AS_OF = date(2000, 1, 1), date(2099, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HOW = "write it as YYYY-MM-DD, e.g. 2026-11-30"


def as_of(day: date) -> datetime:
    """The end of a generated period "as of" ``day``: :data:`AS_OF_TIME` on that day."""
    return datetime.combine(day, AS_OF_TIME)


def parse_as_of(text: str) -> datetime:
    """:func:`as_of` the day written ``YYYY-MM-DD`` in ``text``.

    Raises SwitchboardError saying what is wrong and how to write the date instead."""
    value = text.strip()
    if not _ISO_DATE.fullmatch(value):
        raise SwitchboardError(f"{text!r} is not a date: {_HOW}.")
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise SwitchboardError(f"{text!r} is not a date ({error}): {_HOW}.") from None
    if not EARLIEST_AS_OF <= day <= LATEST_AS_OF:
        raise SwitchboardError(
            f"{value} is out of range: choose a day from {EARLIEST_AS_OF} to {LATEST_AS_OF}."
        )
    return as_of(day)
