"""The counting rules of repeat-incident detection: the same asset, the same caller and
category, and a category's spike at one site (the rules are stated in
:mod:`app.problems.detection`)."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple, TypeVar

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
REPEAT_DAYS = 30  # ...within this many days (the rule: the least that is a repeat)...
USUAL_FACTOR = 2  # ...more than this many times the subject's usual count in 30 days...
REPEAT_CHANCE = 1e-4  # ...and a count its usual rate gives by chance less often than this
USUAL_AT_LEAST = REPEAT_DAYS / 365  # in 30 days: a subject with no record, one a year
SPIKE_FACTOR = 2  # a week's count must be more than this many times the weekly average...
SPIKE_MIN = 5  # ...and at least this many: 1 -> 3 is chance, not a spike...
SPIKE_CHANCE = 1e-3  # ...and a count the average gives by chance less often than this

K = TypeVar("K", bound=Hashable)
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Usual:
    """A subject's usual number of incidents in 30 days, and how it was worked out: the
    most of what its record over the year before the window gives (``year``), what the
    eight weeks before the window give (``recent``), and :data:`USUAL_AT_LEAST`."""

    year: float
    year_basis: str  # "its 12 incidents in the 365 days before the window"
    recent: float
    recent_basis: str

    @property
    def expected(self) -> float:
        return max(self.year, self.recent, USUAL_AT_LEAST)

    @property
    def explained(self) -> str:
        return (
            f"Usual in {REPEAT_DAYS} days: about {self.expected:.1f}, the most of "
            f"{self.year:.1f} ({self.year_basis}), {self.recent:.1f} ({self.recent_basis}) "
            f"and {USUAL_AT_LEAST:.1f} (one a year, for one with no record)"
        )


def _in_30_days(count: float, days: float) -> float:
    """``count`` in ``days`` days, as a number in 30 days."""
    return count * REPEAT_DAYS / days


def unusual_count(expected: float) -> int:
    """The fewest incidents in 30 days that are a repeat for a subject that usually has
    ``expected`` in 30 days: 3 at least, more than twice ``expected``, and a count that
    ``expected`` gives by chance less than once in 10,000 times (the Poisson upper tail:
    3 at one a year, 10 at 2 a month, 14 at 4, 26 at 11)."""
    count = max(REPEAT_COUNT, math.floor(USUAL_FACTOR * expected) + 1)
    while log_poisson_tail(count, expected) >= math.log(REPEAT_CHANCE):
        count += 1
    return count


def asset_rule(scene: Scene) -> list[Candidate]:
    """Assets with 3 or more incidents within 30 days, more than their usual rate explains."""
    recent = Counter(incident.asset_id for incident in scene.incidents[: scene.first_in_window])
    history = scene.history
    found = []
    by_asset: dict[RawId, list[Incident]] = _grouped(scene.unexplained, _asset_of)
    for asset_id, incidents in by_asset.items():
        if len(incidents) < REPEAT_COUNT:
            continue
        year, before = history.assets.get(asset_id, 0), recent[asset_id]
        usual = _Usual(
            _in_30_days(year, history.days),
            f"its {_incidents(year)} in the {history.days:.0f} days before the window",
            _in_30_days(before, BASELINE_WEEKS * 7),
            f"its {_incidents(before)} in the {BASELINE_WEEKS} weeks before the window",
        )
        asset = scene.assets.get(asset_id)
        label = asset.label if asset is not None else "An asset no longer registered"
        candidate = _repeat_candidate(
            scene,
            Rule.ASSET,
            f"asset:{as_uuid(asset_id)}",
            _Subject(label, "", f"{label} had", "it usually has", "Incidents on this asset"),
            incidents,
            usual,
        )
        if candidate is not None:
            found.append(candidate)
    return found


def caller_rule(scene: Scene) -> list[Candidate]:
    """Callers with 3 or more incidents of one category within 30 days, more than their
    usual rate in that category explains."""
    with_caller = Counter(i.category_id for i in scene.incidents if i.caller_id is not None)
    share = {category_id: n / with_caller.total() for category_id, n in with_caller.items()}
    recent = Counter(map(_caller_of, scene.incidents[: scene.first_in_window]))
    history = scene.history
    found = []
    for (caller_id, category_id), incidents in _grouped(scene.unexplained, _caller_of).items():
        if len(incidents) < REPEAT_COUNT:
            continue
        caller = incidents[-1].caller_name or "A caller"
        category = scene.category(category_id)
        year, before = history.callers.get(caller_id, 0), recent[(caller_id, category_id)]
        usual = _Usual(
            _in_30_days(year * share[category_id], history.days),
            f"the caller's {_incidents(year)} of any category in the {history.days:.0f} days "
            f"before the window, times {category}'s share of all callers' incidents read, "
            f"{share[category_id]:.0%}",
            _in_30_days(before, BASELINE_WEEKS * 7),
            f"their {_incidents(before, category)} in the {BASELINE_WEEKS} weeks before the window",
        )
        candidate = _repeat_candidate(
            scene,
            Rule.CALLER,
            f"caller:{as_uuid(caller_id)}:{as_uuid(category_id)}",
            _Subject(
                caller,
                f"{category} ",
                f"{caller} reported",
                "they usually report",
                f"{category} incidents of this caller",
            ),
            incidents,
            usual,
        )
        if candidate is not None:
            found.append(candidate)
    return found


class _Subject(NamedTuple):
    """How a candidate of the asset or the caller rule names what it is about."""

    name: str  # "LT-0001 (ThinkPad T14)"
    kind: str  # "Printing " (with its space), or ""
    had: str  # "LT-0001 (ThinkPad T14) had"
    usually: str  # "it usually has"
    counted: str  # "Incidents on this asset", "Printing incidents of this caller"


def _repeat_candidate(
    scene: Scene,
    rule: Rule,
    key: str,
    subject: _Subject,
    incidents: Sequence[Incident],
    usual: _Usual,
) -> Candidate | None:
    """The candidate of a subject's incidents of the window (in time order), if some 30
    days hold a repeat for it: the incidents of every such 30 days, the run."""
    expected = usual.expected
    at_least = unusual_count(expected)
    repeats = _repeats(incidents, at_least)
    if repeats is None:
        return None
    members, most, (first, last) = repeats
    kind, count = subject.kind, len(members)
    length = members[-1].created_at - members[0].created_at
    within = length <= timedelta(days=REPEAT_DAYS)
    days = REPEAT_DAYS if within else math.ceil(length / _DAY)
    run = _between(scene, members[0], members[-1])
    busiest = _between(scene, first, last)
    if within:
        happened = f"{count} {kind}incidents within {REPEAT_DAYS} days ({run})"
    else:
        happened = (
            f"{count} {kind}incidents in {days} days ({run}), up to {most} within "
            f"{REPEAT_DAYS} days ({busiest})"
        )
    odds = _odds(log_poisson_tail(most, expected))
    return scene.candidate(
        rule,
        key,
        f"{subject.name}: {count} {kind}incidents in {days} days",
        f"{subject.had} {happened}; {subject.usually} about {expected:.1f} in "
        f"{REPEAT_DAYS} days, and {most} or more in {REPEAT_DAYS} days happen at that "
        f"rate by chance {odds}.",
        (
            f"{subject.counted} in the last {scene.window_days} days: {len(incidents)}",
            f"Most within {REPEAT_DAYS} days: {most}, {busiest}",
            usual.explained,
            f"A repeat: {at_least} or more in {REPEAT_DAYS} days ({REPEAT_COUNT} at least, "
            f"more than {USUAL_FACTOR} x {expected:.1f}, and by chance less than once in "
            f"{round(1 / REPEAT_CHANCE):,} times at that rate); here are the {count} "
            f"incidents of every {REPEAT_DAYS} days with {at_least} or more",
        ),
        members,
        most / at_least,
    )


def _incidents(count: int, kind: str = "") -> str:
    """ "1 incident", "3 Printing incidents"."""
    return f"{count} {kind}{' ' if kind else ''}incident{'' if count == 1 else 's'}"


def _odds(log_chance: float) -> str:
    """ "about once in 15,000 times" (two figures), or "less than once in a billion times"."""
    if log_chance < math.log(1e-9):
        return "less than once in a billion times"
    times = math.exp(-log_chance)
    return f"about once in {round(times, 1 - math.floor(math.log10(times))):,.0f} times"


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
    incidents: Sequence[Incident], at_least: int
) -> tuple[list[Incident], int, tuple[Incident, Incident]] | None:
    """For incidents in time order: those inside some 30 days that hold ``at_least`` of
    them, the most any 30 days hold and the first and last of the earliest such busiest
    run; None where no 30 days hold that many. "Within 30 days": the last at most 30 x 24
    hours after the first."""
    span = timedelta(days=REPEAT_DAYS)
    members: list[Incident] = []
    most, busiest = 0, None
    start = taken = 0  # taken: incidents before it are among the members already
    for end, incident in enumerate(incidents):
        while incident.created_at - incidents[start].created_at > span:
            start += 1
        count = end - start + 1
        if count < at_least:
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
