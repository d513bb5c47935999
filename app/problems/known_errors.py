"""Known errors at intake: the workaround the desk can give a caller while a problem is open.

As the operator types a ticket's summary, picks its category or asset (and on the caller
card, for the caller's assets), :func:`known_error_hints` offers the known errors that match,
each with its workaround and why it matched; one key (:func:`apply_known_error`) links the
ticket to the problem and puts the workaround in the ticket's worklog.

Only problems whose status is *known error* are offered. That status is the deliberate step
that publishes a workaround to the desk (it needs the root cause and the workaround, see
app/problems/records.py); a problem whose root cause is known and whose workaround is typed
in is still being worked on, its workaround not yet vouched for, and a resolved problem's fix
is in place, so its workaround is no longer what a caller needs.

What matches, in rank order: the ticket's asset, or one of the caller's, is among the
problem's assets; the ticket's category, or the category above it, is among its categories;
words of the summary are words of its title or workaround (a word matches the same word with
another common ending, or one it begins or that begins it, four letters at least, so
"disconn" and "disconnecting" both find "disconnects"; short and common words such as "not"
or "working" never count). A match on
words alone needs a word of the title, or two words. It runs as the operator types, so it
reads no ticket: at most four indexed queries (the known errors through
``ix_problem_status_number``, the category's parent, the problems' assets and categories
through their indexes) and the word match in Python over the handful of known errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import col

from app.errors import NotFoundError, ValidationError
from app.permissions import Action
from app.problems.records import KNOWN_ERROR_USED, PROBLEM_FIELD, problem_reference
from app.search_terms import WORD, fold
from app.tickets.actions import ticket_change, ticket_detail
from app.tickets.detail import TicketDetail
from models.engine import read_connection
from models.enums import EventKind, ProblemStatus
from models.org import Category
from models.people import Asset
from models.problems import Problem, ProblemAsset, ProblemCategory, ProblemEvent

HINT_LIMIT = 5
SHORTEST_WORD = 3  # "vpn", "ssd": shorter words are noise
SHORTEST_STEM = 4  # a word matching the start of another is at least this long
_ENDINGS = ("ing", "ed", "es", "s")
# Words of a summary that say nothing of what is wrong.
STOP_WORDS = frozenset(
    {
        *("the", "and", "for", "not", "but", "with", "from", "have", "has", "had", "can"),
        *("cannot", "cant", "wont", "does", "doesn", "doesnt", "isn", "isnt", "any", "all"),
        *("her", "his", "its", "our", "you", "your", "they", "them", "this", "that", "when"),
        *("what", "after", "again", "still", "since", "please", "help", "issue", "issues"),
        *("problem", "problems", "error", "errors", "working", "work", "works", "unable"),
        *("user", "users", "get", "gets", "got", "while", "into", "onto", "off", "out"),
    }
)


@dataclass(frozen=True)
class KnownErrorHint:
    """A known error offered for a ticket, with why it was offered."""

    problem_id: uuid.UUID
    reference: str
    title: str
    workaround: str
    reasons: tuple[str, ...]  # "same asset", "summary mentions 'vpn', 'disconnect'"

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


def _words(text: str) -> list[str]:
    """The words of ``text`` that count, folded and in lower case, in order, once each."""
    found: dict[str, None] = {}
    for word in WORD.findall(fold(text).lower()):
        if len(word) >= SHORTEST_WORD and word not in STOP_WORDS:
            found.setdefault(word)
    return list(found)


def _stem(word: str) -> str:
    """``word`` without one common ending ("disconnecting", "disconnects": "disconnect")."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            return word[: -len(ending)]
    return word


def _alike(typed: str, word: str) -> bool:
    """The same word but for its ending, or one begins the other (the word being typed)."""
    if typed == word:
        return True
    shorter, longer = sorted((_stem(typed), _stem(word)), key=len)
    return len(shorter) >= SHORTEST_STEM and longer.startswith(shorter)


def _mentioned(typed: Sequence[str], words: Sequence[str]) -> list[str]:
    """The ``words`` (of a known error) that the ``typed`` words mention, in their order."""
    return [word for word in words if any(_alike(t, word) for t in typed)]


_KNOWN_COLUMNS = (col(Problem.id), col(Problem.number), col(Problem.title), col(Problem.workaround))


@dataclass
class _Match:
    """What a known error has in common with the ticket so far."""

    number: int
    title: str
    workaround: str
    asset: int = 0  # 2: the ticket's asset, 1: one of the caller's
    asset_reason: str = ""
    category: int = 0  # 2: the ticket's category, 1: the category above it
    category_reason: str = ""

    def offer(
        self, problem_id: uuid.UUID, typed: Sequence[str]
    ) -> tuple[tuple[int, ...], KnownErrorHint] | None:
        """Its rank and hint, or None when nothing matches."""
        title_words = _mentioned(typed, _words(self.title))
        mentioned = title_words + [
            w for w in _mentioned(typed, _words(self.workaround)) if w not in title_words
        ]
        if not title_words and len(mentioned) < 2:
            title_words = mentioned = []
        reasons = [r for r in (self.asset_reason, self.category_reason) if r]
        if mentioned:
            reasons.append("summary mentions " + ", ".join(f"'{w}'" for w in mentioned))
        if not reasons:
            return None
        rank = (self.asset, self.category, len(title_words), len(mentioned), self.number)
        hint = KnownErrorHint(
            problem_id=problem_id,
            reference=problem_reference(self.number),
            title=self.title,
            workaround=self.workaround,
            reasons=tuple(reasons),
        )
        return rank, hint


def known_error_hints(
    engine: Engine,
    *,
    summary: str,
    category_id: uuid.UUID | None,
    asset_id: uuid.UUID | None,
    caller_asset_ids: Sequence[uuid.UUID] = (),
) -> list[KnownErrorHint]:
    """The known errors matching what the operator has entered so far, best first, at most
    :data:`HINT_LIMIT`."""
    with read_connection(engine) as connection:
        known = {
            row[0]: _Match(row[1], row[2], row[3])
            for row in connection.execute(
                select(*_KNOWN_COLUMNS).where(col(Problem.status) == ProblemStatus.KNOWN_ERROR)
            )
        }
        if not known:
            return []
        assets = [asset_id] if asset_id else []
        assets += [a for a in caller_asset_ids if a != asset_id]
        if assets:
            for problem_id, affected, tag in connection.execute(
                select(col(ProblemAsset.problem_id), col(ProblemAsset.asset_id), col(Asset.tag))
                .join(Asset, col(Asset.id) == col(ProblemAsset.asset_id))
                .where(col(ProblemAsset.asset_id).in_(assets))
            ):
                match = known.get(problem_id)
                strength = 2 if affected == asset_id else 1
                if match is not None and strength > match.asset:
                    match.asset = strength
                    match.asset_reason = "same asset" if strength == 2 else f"the caller's {tag}"
        if category_id is not None:
            parent = connection.execute(
                select(col(Category.parent_id)).where(col(Category.id) == category_id)
            ).scalar()
            for problem_id, affected, name in connection.execute(
                select(
                    col(ProblemCategory.problem_id),
                    col(ProblemCategory.category_id),
                    col(Category.name),
                )
                .join(Category, col(Category.id) == col(ProblemCategory.category_id))
                .where(col(ProblemCategory.category_id).in_({category_id, parent} - {None}))
            ):
                match = known.get(problem_id)
                strength = 2 if affected == category_id else 1
                if match is not None and strength > match.category:
                    match.category = strength
                    match.category_reason = "same category" if strength == 2 else f"in {name}"
    typed = _words(summary)
    offers = [
        offer
        for problem_id, match in known.items()
        if (offer := match.offer(problem_id, typed)) is not None
    ]
    offers.sort(key=lambda pair: pair[0], reverse=True)
    return [hint for _rank, hint in offers[:HINT_LIMIT]]


def apply_known_error(
    engine: Engine,
    ticket_id: uuid.UUID,
    problem_id: uuid.UUID,
    actor_id: uuid.UUID,
    now: datetime,
    expected_version: int,
) -> TicketDetail:
    """The caller was given the known error's workaround: link the ticket to the problem
    (refused if it is an incident of another one) and put the workaround in its worklog (a
    ``KNOWN_ERROR_USED`` event whose note is the workaround), with a problem event saying
    so. An edit of the ticket (``Action.EDIT_TICKET``): the desk does it on the phone. The
    problem itself is not changed (the desk may not: app/server_rules.py)."""
    with ticket_change(
        engine, ticket_id, expected_version, actor_id, now, (Action.EDIT_TICKET,)
    ) as m:
        problem = m.session.get(Problem, problem_id)
        if problem is None:
            raise NotFoundError("That problem no longer exists.")
        reference = problem_reference(problem.number)
        if problem.status != ProblemStatus.KNOWN_ERROR:
            raise ValidationError(
                {
                    "problem": f"{reference} is no longer a known error (it is "
                    f"{ProblemStatus(problem.status).label.lower()}), so its workaround was "
                    "not given; look for the hints again."
                }
            )
        ticket = m.ticket
        if ticket.problem_id is not None and ticket.problem_id != problem.id:
            other = m.session.get(Problem, ticket.problem_id)
            linked = problem_reference(other.number) if other else "another problem"
            raise ValidationError(
                {
                    "problem": f"{ticket.number} is an incident of {linked} already, so it "
                    f"was not linked to {reference}. Unlink it there first."
                }
            )
        if ticket.problem_id is None:
            ticket.problem_id = problem.id
            m.event(EventKind.PROBLEM_LINKED, PROBLEM_FIELD, "", reference)
        m.responded()  # the caller was given something to try: the desk answered
        m.event(EventKind.KNOWN_ERROR_USED, PROBLEM_FIELD, new=reference, note=problem.workaround)
        m.session.add(
            ProblemEvent(
                problem_id=problem.id,
                at=m.now,
                actor_id=actor_id,
                field=KNOWN_ERROR_USED,
                new_value=ticket.number,
            )
        )
    return ticket_detail(engine, ticket_id)
