"""The shapes every figure of the report takes: a share of a whole, and times from one moment
of a ticket's life to another (mean and median, in calendar and in business hours)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean, median


@dataclass(frozen=True)
class Share:
    """``part`` of ``whole``; no percentage when there is no whole (nothing to measure is not
    0 % and not 100 %)."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class Times:
    """Hours over ``count`` tickets. The business-hours figures leave out tickets of sites
    without business hours (``business_count`` says how many are in them); None where there
    is nothing to measure."""

    count: int
    mean: float | None
    median: float | None
    business_count: int
    business_mean: float | None
    business_median: float | None


def times(calendar_hours: Sequence[float], business_hours: Sequence[float]) -> Times:
    """The mean and median of each list of hours."""
    return Times(
        len(calendar_hours),
        fmean(calendar_hours) if calendar_hours else None,
        median(calendar_hours) if calendar_hours else None,
        len(business_hours),
        fmean(business_hours) if business_hours else None,
        median(business_hours) if business_hours else None,
    )


def percentile(values: Sequence[float], share: float) -> float | None:
    """The value below which ``share`` (0..1) of ``values`` lie, by the nearest-rank method
    (an observed value, as a person counting the sorted list would find it)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil without float surprises
    return ordered[int(rank) - 1]
