"""The counting rules of repeat-incident detection: the same asset, the same caller and
category, and a category's spike at one site (the rules are stated in
:mod:`app.problems.detection`)."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from app.problems.detection_scene import (
    BASELINE_WEEKS,
    Candidate,
    Incident,
    RawId,
    Rule,
    Scene,
    SiteInfo,
    as_uuid,
)
from app.reports.period import local_midnight
from app.roster.local_time import monday_of, week_code

REPEAT_COUNT = 3  # incidents on one asset, or of one caller in one category...
REPEAT_DAYS = 30  # ...within this many days
SPIKE_FACTOR = 2  # a week's count must be more than this many times the weekly average...
SPIKE_MIN = 5  # ...and at least this many: 1 -> 3 is chance, not a spike...
SPIKE_CHANCE = 1e-3  # ...and a count the average gives by chance less often than this

K = TypeVar("K", bound=Hashable)


def asset_rule(scene: Scene) -> list[Candidate]:
    """Assets with 3 or more incidents within 30 days."""
    found = []
    by_asset: dict[RawId, list[Incident]] = _grouped(scene.unexplained, _asset_of)
    for asset_id, incidents in by_asset.items():
        repeats = _repeats(incidents)
        if repeats is None:
            continue
        members, most, (first, last) = repeats
        asset = scene.assets.get(asset_id)
        label = asset.label if asset is not None else "An asset no longer registered"
        found.append(
            scene.candidate(
                Rule.ASSET,
                f"asset:{as_uuid(asset_id)}",
                f"{label}: {most} incidents in {REPEAT_DAYS} days",
                f"{label} had {most} incidents within {REPEAT_DAYS} days "
                f"({_between(scene, first, last)}); {REPEAT_COUNT} or more on one asset in "
                f"{REPEAT_DAYS} days suggest a cause that keeps coming back.",
                (
                    f"Incidents on this asset in the last {scene.window_days} days: "
                    f"{len(incidents)}",
                    f"Most within {REPEAT_DAYS} days: {most}, {_between(scene, first, last)}",
                ),
                members,
                most / REPEAT_COUNT,
            )
        )
    return found


def caller_rule(scene: Scene) -> list[Candidate]:
    """Callers with 3 or more incidents of one category within 30 days."""
    found = []
    for (caller_id, category_id), incidents in _grouped(scene.unexplained, _caller_of).items():
        repeats = _repeats(incidents)
        if repeats is None:
            continue
        members, most, (first, last) = repeats
        caller = incidents[-1].caller_name or "A caller"
        category = scene.category(category_id)
        found.append(
            scene.candidate(
                Rule.CALLER,
                f"caller:{as_uuid(caller_id)}:{as_uuid(category_id)}",
                f"{caller}: {most} {category} incidents in {REPEAT_DAYS} days",
                f"{caller} reported {most} {category} incidents within {REPEAT_DAYS} days "
                f"({_between(scene, first, last)}); the same trouble coming back to one "
                "person suggests a cause nobody has fixed.",
                (
                    f"{category} incidents of this caller in the last {scene.window_days} "
                    f"days: {len(incidents)}",
                    f"Most within {REPEAT_DAYS} days: {most}, {_between(scene, first, last)}",
                ),
                members,
                most / REPEAT_COUNT,
            )
        )
    return found


def _asset_of(incident: Incident) -> RawId | None:
    return incident.asset_id


def _caller_of(incident: Incident) -> tuple[RawId, RawId] | None:
    """The caller and category of an incident that has both."""
    if incident.caller_id is None or incident.category_id is None:
        return None
    return incident.caller_id, incident.category_id


def _site_of(incident: Incident) -> RawId | None:
    """The site of an incident that has a category."""
    return incident.site_id if incident.category_id is not None else None


def _grouped(
    incidents: Iterable[Incident], key: Callable[[Incident], K | None]
) -> dict[K, list[Incident]]:
    """``incidents`` by ``key`` (None: left out), each group in the incidents' order."""
    groups: dict[K, list[Incident]] = defaultdict(list)
    for incident in incidents:
        value = key(incident)
        if value is not None:
            groups[value].append(incident)
    return groups


def _repeats(
    incidents: Sequence[Incident],
) -> tuple[list[Incident], int, tuple[Incident, Incident]] | None:
    """For incidents in time order: those inside some 30 days that hold 3 or more of them,
    the most any 30 days hold and the first and last of the earliest such busiest run; None
    where no 30 days hold 3. "Within 30 days": the last at most 30 x 24 hours after the
    first."""
    span = timedelta(days=REPEAT_DAYS)
    members: list[Incident] = []
    most, busiest = 0, None
    start = taken = 0  # taken: incidents before it are among the members already
    for end, incident in enumerate(incidents):
        while incident.created_at - incidents[start].created_at > span:
            start += 1
        count = end - start + 1
        if count < REPEAT_COUNT:
            continue
        members.extend(incidents[max(start, taken) : end + 1])
        taken = end + 1
        if count > most:
            most, busiest = count, (incidents[start], incident)
    return None if busiest is None else (members, most, busiest)


def _between(scene: Scene, first: Incident, last: Incident) -> str:
    """ "from 2 Nov to 19 Nov 2026", in the sites' local days."""
    start, end = scene.local(first), scene.local(last)
    return f"from {start:%-d %b} to {end:%-d %b %Y}"


def log_poisson_tail(count: int, expected: float) -> float:
    """log P(X >= count) for X Poisson with mean ``expected``: how likely a count is by
    chance at that rate. For ``count`` above twice the mean (the terms then shrink by half
    or more each, so the sum converges at once)."""
    if expected <= 0:
        return -math.inf
    first = -expected + count * math.log(expected) - math.lgamma(count + 1)
    total = term = 1.0
    n = count
    while term > 1e-12 * total:
        n += 1
        term *= expected / n
        total += term
    return first + math.log(total)


def spike_rule(scene: Scene) -> list[Candidate]:
    """A category at one site in one week (Monday to Sunday, in the site's time zone) more
    than twice as often as on average in the eight weeks before, at least 5 times, and
    more than the average gives by chance once in 1,000 weeks. The week counts its
    incidents linked to no problem; the average counts them all."""
    by_site: dict[RawId, list[Incident]] = _grouped(scene.incidents, _site_of)
    found = []
    for site_id, incidents in by_site.items():
        site = scene.sites.get(site_id)
        if site is not None:
            found.extend(_site_spikes(scene, site_id, site, incidents))
    return found


def _week_starts(scene: Scene, site: SiteInfo) -> list[datetime]:
    """The UTC moments the site's weeks begin (local Monday midnight): the eight baseline
    weeks, then every week that begins inside the window, up to the one holding now."""
    monday = monday_of(scene.window_start.astimezone(site.zone).date())
    while local_midnight(monday, site.zone) < scene.window_start:
        monday += timedelta(weeks=1)
    starts = []
    day = monday - timedelta(weeks=BASELINE_WEEKS)
    while (start := local_midnight(day, site.zone)) <= scene.now:
        starts.append(start)
        day += timedelta(weeks=1)
    return starts


def _site_spikes(
    scene: Scene, site_id: RawId, site: SiteInfo, incidents: Sequence[Incident]
) -> list[Candidate]:
    starts = _week_starts(scene, site)
    weeks: dict[tuple[RawId, int], list[Incident]] = defaultdict(list)
    for incident in incidents:
        week = bisect_right(starts, incident.created_at) - 1
        if week >= 0 and incident.category_id is not None:
            weeks[(incident.category_id, week)].append(incident)
    found = []
    for (category_id, week), incidents_of_week in weeks.items():
        members = [incident for incident in incidents_of_week if not incident.linked]
        count = len(members)
        if week < BASELINE_WEEKS or count < SPIKE_MIN:
            continue
        before = [len(weeks.get((category_id, w), ())) for w in range(week - BASELINE_WEEKS, week)]
        average = sum(before) / BASELINE_WEEKS
        if count <= SPIKE_FACTOR * average:
            continue
        if log_poisson_tail(count, average) >= math.log(SPIKE_CHANCE):
            continue
        monday = starts[week].astimezone(site.zone).date()
        so_far = " so far" if week == len(starts) - 1 else ""
        category = scene.category(category_id)
        found.append(
            scene.candidate(
                Rule.SPIKE,
                f"spike:{as_uuid(site_id)}:{as_uuid(category_id)}:{week_code(monday)}",
                f"{category} at {site.code}: {count} incidents in the week of {monday:%-d %b %Y}",
                f"{count} {category} incidents at {site.code} in the week from Monday "
                f"{monday:%-d %b %Y}{so_far}, more than twice the weekly average of "
                f"{average:.1f} over the eight weeks before.",
                (
                    f"Week of {monday:%-d %b %Y} ({week_code(monday)}){so_far}: {count}",
                    f"The eight weeks before, oldest first: {', '.join(map(str, before))} "
                    f"(average {average:.1f})",
                ),
                members,
                count / max(SPIKE_FACTOR * average, SPIKE_MIN),
            )
        )
    return found
