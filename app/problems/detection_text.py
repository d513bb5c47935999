"""The text rule of repeat-incident detection: incidents whose summaries are alike, bunched
in 14 days, and more of them than their categories explain (the rule is stated in
:mod:`app.problems.detection`).

Everything here works on the rows already read for the other rules, in one pass over their
summaries: the same on SQLite and PostgreSQL, and cheaper than asking the search indexes a
question per word (``fts5vocab`` counts over every ticket ever, caller names included, not
over the period, and PostgreSQL has no such table at all). A summary's words are worked out
once per distinct summary: the desk repeats the same few dozen.
"""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from rapidfuzz import fuzz, process

from app.problems.detection_counts import log_poisson_tail
from app.problems.detection_scene import Candidate, Incident, Rule, Scene
from app.text import shortened

SIMILAR_COUNT = 4  # alike incidents at least...
SIMILAR_DAYS = 14  # ...within this many days (periods of 24 hours counted back from now)
BURST_FACTOR = 2  # more than this many times the count their categories' rate predicts...
BURST_CHANCE = 1e-6  # ...and less likely than this at that rate (Poisson upper tail)
ALIKE = 80  # rapidfuzz token_sort_ratio (0-100) at which two summaries are alike
KEY_MAX = 200  # CandidateDismissal.key and Problem.candidate_key columns
TITLE_SUMMARY = 80  # characters of the summary quoted in a candidate's title

_DAY = timedelta(days=1)
_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = frozenset(
    (
        "the", "and", "for", "not", "are", "was", "were", "has", "have", "had", "but", "all",
        "any", "our", "your", "you", "its", "this", "that", "these", "those", "with", "from",
        "into", "onto", "off", "out", "too", "very", "when", "while", "after", "before",
        "again", "still", "can", "cannot", "could", "would", "should", "will", "did", "does",
        "doing", "get", "gets", "got", "just", "now",
    )
)  # fmt: skip
ANY_MODEL = "*"


@lru_cache(maxsize=1 << 16)
def words(summary: str) -> tuple[str, ...]:
    """The words of a summary that can tell it apart: case and accents folded, 3 letters
    or digits at least, common English words left out; each once, in order."""
    folded = unicodedata.normalize("NFKD", summary.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return tuple(
        dict.fromkeys(
            word for word in _WORD.findall(plain) if len(word) >= 3 and word not in _STOP_WORDS
        )
    )


def _text(summary: str) -> str:
    return " ".join(words(summary))


@dataclass(frozen=True)
class _Burst:
    """A word (within one asset model's incidents, or all) bunched in 14 days: ``count``
    incidents with it from day ``day`` where their categories' rate predicts ``expected``."""

    model: str  # "": all incidents
    word: str
    day: int
    count: int
    expected: float
    members: tuple[int, ...]  # indices into scene.incidents


def similar_rule(scene: Scene) -> list[Candidate]:
    """Alike summaries, at least 4 within 14 days, more than their categories explain."""
    found: dict[str, Candidate] = {}
    for burst in _bursts(scene):
        candidate = _candidate(scene, burst)
        if candidate is None:
            continue
        kept = found.get(candidate.key)
        if kept is None or _stronger(candidate, kept):
            found[candidate.key] = candidate
    # A cluster found again through another of its words, or over other days, shares
    # incidents with a bigger one: it is the same cluster, offered once (an incident can
    # be linked to one problem only).
    taken: set[uuid.UUID] = set()
    result = []
    for candidate in sorted(found.values(), key=lambda c: (-len(c.ticket_ids), c.first_at, c.key)):
        if taken.isdisjoint(candidate.ticket_ids):
            taken.update(candidate.ticket_ids)
            result.append(candidate)
    return result


def _stronger(one: Candidate, other: Candidate) -> bool:
    return (len(one.ticket_ids), other.first_at) > (len(other.ticket_ids), one.first_at)


class _Days:
    """Each incident's day (0 = the first day read) and category number, and how many
    incidents each category had on each day, for all incidents and per asset model."""

    def __init__(self, scene: Scene) -> None:
        incidents = scene.incidents
        self.count = math.ceil((scene.now - scene.read_from) / _DAY) + 1
        self.first_window_day = round((scene.window_start - scene.read_from) / _DAY)
        last = self.count - 1
        categories: dict[object, int] = {}
        self.day = [min(last, int((i.created_at - scene.read_from) / _DAY)) for i in incidents]
        self.category = [categories.setdefault(i.category_id, len(categories)) for i in incidents]
        self.model = [scene.model(i) for i in incidents]
        daily: Counter[tuple[str, int, int]] = Counter(
            ("", c, d) for c, d in zip(self.category, self.day, strict=True)
        )
        daily.update(
            (m, c, d) for m, c, d in zip(self.model, self.category, self.day, strict=True) if m
        )
        self.prefix: dict[tuple[str, int], list[int]] = {}
        for (model, category, day), n in daily.items():
            counts = self.prefix.setdefault((model, category), [0] * (self.count + 1))
            counts[day + 1] += n
        for counts in self.prefix.values():
            for day in range(1, self.count + 1):
                counts[day] += counts[day - 1]

    def volume(self, model: str, category: int, first: int, end: int) -> tuple[int, int]:
        """Incidents of ``category`` (of ``model``; "": of any) on days ``first`` to
        ``end`` - 1, and on the other days read."""
        counts = self.prefix[(model, category)]
        inside = counts[min(end, self.count)] - counts[first]
        return inside, counts[self.count] - inside


def _postings(scene: Scene, days: _Days) -> dict[tuple[str, str], dict[int, list[int]]]:
    """For each word, among all incidents (model "") and among each asset model's: the
    incidents whose summary has it, by category."""
    groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for index, key in enumerate(
        zip((i.summary for i in scene.incidents), days.model, days.category, strict=True)
    ):
        groups[key].append(index)
    postings: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (summary, model, category), indices in groups.items():
        for word in words(summary):
            postings[("", word)][category].extend(indices)
            if model:
                postings[(model, word)][category].extend(indices)
    return postings


def _bursts(scene: Scene) -> list[_Burst]:
    """For each word (overall and per asset model) bunched beyond what its categories
    explain, its bunches, most surprising first; in a stable order of words. Incidents
    linked to a problem count in the rates and volumes, not in the bunch."""
    days = _Days(scene)
    linked = {index for index, incident in enumerate(scene.incidents) if incident.linked}
    bursts: list[_Burst] = []
    for (model, word), by_category in sorted(_postings(scene, days).items()):
        indices = {c: sorted(found) for c, found in by_category.items()}
        on_day = {c: [days.day[i] for i in found] for c, found in indices.items()}
        unexplained = sorted(
            days.day[i]
            for found in indices.values()
            for i in (found if linked.isdisjoint(found) else set(found) - linked)
        )
        start = bisect_left(unexplained, days.first_window_day)
        if len(unexplained) - start < SIMILAR_COUNT:
            continue
        spans = []
        for day in sorted(set(unexplained[start:])):
            end = day + SIMILAR_DAYS
            count = bisect_left(unexplained, end) - bisect_left(unexplained, day)
            if count < SIMILAR_COUNT:
                continue
            expected = 0.0
            for category, found in on_day.items():
                inside, outside = days.volume(model, category, day, end)
                with_word = bisect_left(found, end) - bisect_left(found, day)
                # A category with no incidents outside these days explains all of its own.
                share = (len(found) - with_word) / outside if outside else 1.0
                expected += inside * share
            if count <= BURST_FACTOR * expected:
                continue
            chance = log_poisson_tail(count, expected)
            if chance < math.log(BURST_CHANCE):
                spans.append((chance, -count, day, expected))
        for _chance, minus_count, day, expected in sorted(spans):
            members = tuple(
                index
                for category, found in on_day.items()
                for index in indices[category][
                    bisect_left(found, day) : bisect_left(found, day + SIMILAR_DAYS)
                ]
                if index not in linked
            )
            bursts.append(_Burst(model, word, day, -minus_count, expected, members))
    return bursts


def _alike(incidents: Sequence[Incident]) -> list[list[Incident]]:
    """``incidents`` in groups of alike summaries: each distinct summary (most frequent
    first) joins the first group whose first summary it is alike, or starts one; rapidfuzz
    compares a summary only with the groups' first summaries, never all pairs."""
    by_text: dict[str, list[Incident]] = defaultdict(list)
    for incident in incidents:
        by_text[_text(incident.summary)].append(incident)
    leaders: list[str] = []
    groups: list[list[Incident]] = []
    for text in sorted(by_text, key=lambda t: (-len(by_text[t]), t)):
        match = process.extractOne(text, leaders, scorer=fuzz.token_sort_ratio, score_cutoff=ALIKE)
        if match is None:
            leaders.append(text)
            groups.append(list(by_text[text]))
        else:
            groups[match[2]].extend(by_text[text])
    return groups


def _left_to_other_rules(group: Sequence[Incident]) -> bool:
    """All on one asset (the asset rule's), or all one caller's in one category (the
    caller rule's)."""
    assets = {incident.asset_id for incident in group}
    if len(assets) == 1 and None not in assets:
        return True
    people = {(incident.caller_id, incident.category_id) for incident in group}
    return len(people) == 1 and group[0].caller_id is not None


def _candidate(scene: Scene, burst: _Burst) -> Candidate | None:
    """The largest group of alike summaries in the burst, if it is one for this rule."""
    members = [scene.incidents[index] for index in burst.members]
    groups = [
        sorted(group, key=lambda i: (i.created_at, i.number))
        for group in _alike(members)
        if len(group) >= SIMILAR_COUNT
    ]
    groups = [group for group in groups if not _left_to_other_rules(group)]
    if not groups:
        return None
    group = min(groups, key=lambda g: (-len(g), g[0].created_at, g[0].number))
    shared = sorted(set.intersection(*(set(words(i.summary)) for i in group)))
    models = {scene.model(i) for i in group}
    model = models.pop() if len(models) == 1 and "" not in models else ""
    summary = Counter(i.summary for i in group).most_common(1)[0][0]
    said = [word for word in words(summary) if word in shared]  # as a person wrote them
    quoted = shortened(summary, TITLE_SUMMARY)
    on_model = f", all on {model}" if model else ""
    start = scene.read_from + burst.day * _DAY
    sites = sorted({scene.sites[i.site_id].code for i in group if i.site_id in scene.sites})
    return scene.candidate(
        Rule.SIMILAR,
        f"similar:{model or ANY_MODEL}:{'+'.join(shared)}"[:KEY_MAX],
        f"{len(group)} alike incidents: “{quoted}”",
        f"{len(group)} incidents within {SIMILAR_DAYS} days have alike summaries sharing "
        f"“{' '.join(said)}”{on_model}: {burst.count} with “{burst.word}” where the usual "
        f"rate in their categories predicts {burst.expected:.1f}.",
        (
            f"Shared words: {', '.join(said)}{on_model}",
            f"With “{burst.word}” in the {SIMILAR_DAYS} days from {start:%Y-%m-%d %H:%M} UTC: "
            f"{burst.count}; the usual rate in their categories predicts "
            f"{burst.expected:.1f}",
            f"Callers: {len({i.caller_id for i in group if i.caller_id})}, assets: "
            f"{len({i.asset_id for i in group if i.asset_id})}, sites: {', '.join(sites)}",
        ),
        group,
        len(group) / max(BURST_FACTOR * burst.expected, SIMILAR_COUNT),
    )
