"""Repeat-incident detection: candidates for a problem, each saying why, with its evidence.

:func:`find_candidates` looks at the incidents of a window (the last 90 days by default)
and applies four rules. An incident already linked to a problem is explained: it is never
a candidate's and never counts towards a rule's bar, but it does count in a rule's baseline
(the eight weeks' average, a word's, an asset's or a caller's usual rate), where leaving it
out would make the weeks after a problem's incidents look busier than usual. A candidate
whose key was dismissed (:func:`dismiss_candidate`) or made into a problem
(:func:`problem_from_candidate`) is not offered again. Nothing is stored but those two:
candidates are worked out afresh each run.

The rules, exactly:

**Same asset** (``asset:<asset id>``): an asset with 3 or more incidents within 30 days
(the last at most 30 x 24 hours after the first), inside the window, and more than its usual
rate explains. A server or a busy printer has 3 in any 30 days, so the issue's 3 is only the
least; the 30 days must also hold more than twice the asset's usual number in 30 days, and a
number that usual rate gives by chance less than once in 10,000 times (the Poisson upper
tail, as for a spike; rarer than a spike's 1 in 1,000 because thousands of assets and tens
of thousands of callers' categories are tried, each over some sixty overlapping 30 days). The
usual number in 30 days is the most of:

- its incidents in the year before the window (or since the desk's first ticket, if later;
  eight weeks at least), counted in the ``(asset_id, created_at)`` index, per 30 days;
- its incidents in the eight weeks before the window (already read), per 30 days: an asset
  busier of late is judged by that;
- one a year (0.08 in 30 days), for an asset with no record: then 3 in 30 days are a repeat
  (chance 1 in 11,000), as the issue says.

So an asset with no incidents before, or one a year, is a candidate at 3 in 30 days; one
that usually has 2 a month at 10; 4 a month at 14; 11 a month at 26
(:func:`app.problems.detection_counts.unusual_count`). The candidate holds the incidents of
every 30 days inside the window that hold that many (the run: a weekly fault for ten weeks is
one candidate of ten incidents, not five), and its title counts them: "12 incidents in 30
days" when the run fits in 30 days, "12 incidents in 41 days" when it is longer, with the
most any 30 days hold in the reason and the evidence beside the usual rate and its figures.
Its score is that most over the fewest that are a repeat for it. Dismissing it dismisses
the asset for good: a dismissal says "this asset's tickets are no problem".

**Same caller and category** (``caller:<caller id>:<category id>``): the same rule for one
caller's incidents of one category. A caller's incidents of one category over a year are in
no index, so the year's part of the usual rate is the caller's incidents of every category
in the year before the window (the ``(caller_id, created_at)`` index) times the category's
share of all callers' incidents read (the window and the eight weeks before it): a caller
with 50 tickets a year usually has 6 a year in a category that is 12% of the desk's, and
takes 6 in 30 days to be a repeat, while an occasional caller's 3 are one. The eight weeks'
part is the caller's own incidents of the category.

**Spike at a site** (``spike:<site id>:<category id>:<ISO week>``): a category at one site
in one week, Monday 00:00 to Monday 00:00 in the site's time zone, with more than twice its
weekly average over the eight weeks before (zero weeks count as zero). The minimum that
keeps chance out (1 -> 3 is no spike): at least 5 incidents, and a count that the
average gives by chance less than once in 1,000 weeks (the Poisson upper tail: 6 at an
average of 1 a week, 11 at 3, 22 at 10; from 15 a week on, the doubling decides). Only weeks
that begin inside the window are judged; the current week is judged on its count so far.

**Alike summaries** (``similar:<asset model or *>:<the words every summary shares>``): at
least 4 incidents within 14 days whose summaries are alike, more of them than their
categories explain. The desk's everyday mix repeats the same few dozen summaries across
every caller and category ("Password reset" 500 times is no problem), so likeness alone
proves nothing; what marks a cluster is a word bunched in time beyond its usual rate:

1. Words: a summary's words of 3 or more letters or digits, case and accents folded, a
   few common English words left out.
2. Groups: for each word, the incidents whose summary has it, among all incidents and
   among each asset model's (so a laptop model's battery fault stands out from every
   other laptop's battery complaints).
3. Baseline: the period read, the window and the eight weeks before it. For a group's
   14 days (periods of 24 hours counted back from now; each such day in the window on
   which an incident of the group was raised starts 14 days), the expected count is, over
   the categories of its incidents, the category's incidents in those 14 days (of that
   model, for a model's group) times the share of the category's other incidents in the
   period whose summary has the word. A word that is simply what a busier category's
   tickets always say is explained by its category (so is a category with no incidents
   outside those days); one that is new, or new in that category, or on that model, is
   not. Word counts are worked out here in one pass over the rows already read, the same
   on both back ends (see :mod:`app.problems.detection_text` for why not the search
   indexes).
4. Burst: at least 4, more than twice the expected count, and a chance below one in a
   million at the expected rate (the Poisson upper tail): with thousands of words tried,
   coincidence must be rare, and a small excess in a large count is not a cluster.
5. Likeness: within a burst, rapidfuzz groups the summaries (token sort ratio 80 or more
   to a group's first summary; each distinct summary compared with the groups so far,
   never all pairs). The largest group of 4 or more is the candidate, unless it is all on
   one asset or all one caller's in one category: those belong to the rules above.
   A cluster found again through another of its words or over other days shares incidents
   with a larger one: only the larger is offered.

Candidates are ordered by ``score`` (how far past its rule's bar: 1.0 is just past it),
then the most recent last incident, then the key.

Every rule needs every incident of the window (the spike and text rules the eight weeks
before too), so a run reads them once, in one statement over the ``(created_at, number)``
index, and groups them in memory, rather than asking the ``(asset_id, created_at)`` and
``(caller_id, created_at)`` indexes once per asset and per caller: on the 1,000,000-ticket
demo database that is 400,000 rows read against some 20,000 statements (bench/detection.py
measures it). The year before the window is only counted, per asset and per caller, in one
statement each that those two indexes answer without reading a row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.errors import ValidationError
from app.permissions import Action, require
from app.problems.detection_counts import asset_rule, caller_rule, spike_rule
from app.problems.detection_scene import Candidate, Rule, read_scene
from app.problems.detection_text import similar_rule
from app.problems.records import TITLE_MAX, ProblemDraft, create_problem
from app.text import shortened
from models.engine import read_connection, write_session
from models.org import Category
from models.problems import CandidateDismissal, Problem

__all__ = [
    "Candidate",
    "Rule",
    "dismiss_candidate",
    "find_candidates",
    "problem_from_candidate",
]

DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 730
_TITLE_MAX, _REASON_MAX = 200, 400  # CandidateDismissal's columns


def find_candidates(
    engine: Engine, now: datetime, *, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[Candidate]:
    """The candidates for a problem among the incidents of the ``window_days`` days before
    ``now``, strongest first (see the module's notes for the rules)."""
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ValidationError(
            {
                "days": f"Look back 1 to {MAX_WINDOW_DAYS} days ({window_days} given); "
                f"{DEFAULT_WINDOW_DAYS} is usual."
            }
        )
    scene = read_scene(engine, now, window_days)
    found = [
        *asset_rule(scene),
        *spike_rule(scene),
        *similar_rule(scene),
        *caller_rule(scene),
    ]
    settled = _settled_keys(engine)
    fresh = [candidate for candidate in found if candidate.key not in settled]
    return sorted(fresh, key=lambda c: (-c.score, -c.last_at.timestamp(), c.key))


def _settled_keys(engine: Engine) -> set[str]:
    """Keys dismissed or made into a problem."""
    with read_connection(engine) as connection:
        dismissed = connection.execute(select(col(CandidateDismissal.key))).scalars()
        made = connection.execute(
            select(col(Problem.candidate_key)).where(col(Problem.candidate_key).is_not(None))
        ).scalars()
        return {*dismissed, *made}


def dismiss_candidate(
    engine: Engine, candidate: Candidate, actor_id: uuid.UUID, now: datetime, reason: str = ""
) -> None:
    """Say the candidate is no problem, so it is not offered again. Dismissing one that is
    dismissed already (here or at another workstation a moment ago) changes nothing."""
    try:
        with write_session(engine) as session:
            require(session, actor_id, Action.MANAGE_PROBLEMS)
            if session.get(CandidateDismissal, candidate.key) is not None:
                return
            session.add(
                CandidateDismissal(
                    key=candidate.key,
                    rule=candidate.rule.value,
                    title=shortened(candidate.title, _TITLE_MAX),
                    reason=shortened(" ".join(reason.split()), _REASON_MAX),
                    dismissed_by_id=actor_id,
                    dismissed_at=now,
                )
            )
    except IntegrityError:  # another workstation dismissed it between our read and write
        with read_connection(engine) as connection:
            found = connection.execute(
                select(col(CandidateDismissal.key)).where(
                    col(CandidateDismissal.key) == candidate.key
                )
            ).first()
        if found is None:
            raise


def problem_from_candidate(
    engine: Engine, candidate: Candidate, actor_id: uuid.UUID, now: datetime
) -> uuid.UUID:
    """Record the candidate as a new problem (``Action.MANAGE_PROBLEMS``) with its incidents
    linked and its assets and current categories named, the reason and the evidence as its
    description; returns the problem's id. Its key goes with it, so the candidate is not
    offered again. An incident linked to another problem since refuses it all."""
    draft = ProblemDraft(
        title=shortened(candidate.title, TITLE_MAX),
        description="\n".join((candidate.reason, "", *candidate.evidence)),
        asset_ids=candidate.asset_ids,
        category_ids=_current(engine, candidate.category_ids),
    )
    return create_problem(
        engine,
        draft,
        actor_id,
        now,
        incident_ids=candidate.ticket_ids,
        candidate_key=candidate.key,
    )


def _current(engine: Engine, category_ids: tuple[uuid.UUID, ...]) -> tuple[uuid.UUID, ...]:
    """The categories of ``category_ids`` not retired since: a problem is given current
    ones only, and its incidents keep theirs."""
    if not category_ids:
        return ()
    with read_connection(engine) as connection:
        retired = set(
            connection.execute(
                select(col(Category.id)).where(
                    col(Category.id).in_(category_ids), col(Category.retired)
                )
            ).scalars()
        )
    return tuple(c for c in category_ids if c not in retired)
