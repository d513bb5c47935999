"""Placing occurrences on their sites' local days (app.maintenance.calendar.by_local_day):
what a month or week view paints, held to converting each start to its site's clock, every
hour of a year in zones whose clocks change at 01:00 UTC, at 02:00 local, at midnight
(Santiago), on the far side of the date line, and not at all."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.maintenance.calendar import Occurrence, Status, by_local_day

ZONES = (
    "Europe/London",
    "America/New_York",
    "America/Santiago",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
)


def _at(starts: datetime, zone: str) -> Occurrence:
    return Occurrence(
        uuid.uuid4(), starts, starts, starts + timedelta(hours=1), Status.SCHEDULED,
        "Patching", "", "HQ", uuid.uuid4(), zone, "", "", None, None,
    )  # fmt: skip


@pytest.mark.parametrize("zone", ZONES)
def test_each_start_is_on_the_day_its_sites_clock_shows(zone: str) -> None:
    first, last = date(2026, 1, 5), date(2026, 12, 27)
    start = datetime(2026, 1, 3, tzinfo=UTC)
    found = [_at(start + timedelta(minutes=30 * n), zone) for n in range(2 * 24 * 362)]
    expected: dict[date, list[Occurrence]] = {}
    for occurrence in found:
        day = occurrence.starts_at.astimezone(ZoneInfo(zone)).date()
        if first <= day <= last:
            expected.setdefault(day, []).append(occurrence)
    assert by_local_day(found, first, last) == expected


def test_sites_in_different_zones_share_a_day_by_their_own_clocks() -> None:
    evening = datetime(2026, 11, 25, 3, 30, tzinfo=UTC)  # 22:30 on the 24th in New York
    new_york, london = _at(evening, "America/New_York"), _at(evening, "Europe/London")
    shown = by_local_day([new_york, london], date(2026, 11, 23), date(2026, 11, 29))
    assert shown == {date(2026, 11, 24): [new_york], date(2026, 11, 25): [london]}
