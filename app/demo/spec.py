"""What to generate and what was generated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
