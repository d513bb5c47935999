"""Free text in the queue filter: ticket numbers, and words of the summary or caller name.

Each word the user types must start a word of the summary or of the caller's name (in any
order, any case, accents folded), or the whole text must be a ticket number, with or without
its site prefix and leading zeros ("HQ-004211", "hq4211", "4211"). The words go through an
index, so the filter stays fast on a million tickets: on SQLite the FTS5 index, which user
text reaches only through :func:`app.search_terms.fts_query`; on PostgreSQL the tickets'
stored words and their GIN index (:data:`models.search.TICKET_WORDS`). Text without any
letter or digit ("%", "'", "_") is looked for literally in the summary instead.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Integer,
    any_,
    column,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlmodel import col

from app.search_terms import WORD, fts_query, like_pattern, number_condition, words_match
from models.search import TICKET_FTS, TICKET_WORDS
from models.tickets import Ticket


def _words_condition(words: list[str], dialect: str, once: bool) -> ColumnElement[bool]:
    if dialect == "sqlite":
        matches = text(f"SELECT rowid FROM {TICKET_FTS} WHERE {TICKET_FTS} MATCH :fts_query")
        return literal_column("ticket.rowid").in_(
            matches.bindparams(fts_query=fts_query(words)).columns(column("rowid", Integer))
        )
    # PostgreSQL: the ticket's stored words (summary and caller name, folded and split as
    # FTS5 does) under their GIN index.
    return words_match(literal_column(TICKET_WORDS), words, once=once)


def _number_condition(value: str, dialect: str) -> ColumnElement[bool] | None:
    """The ticket whose number ``value`` is, if it is one. On PostgreSQL the numbers are
    looked up first (an ARRAY subquery, run once), so that the planner can join their index
    to the words' in a bitmap OR: a subquery there would be tested on every ticket."""
    condition = number_condition(value)
    if condition is None or dialect == "sqlite":
        return condition
    numbers = select(col(Ticket.number)).where(condition).correlate(None).scalar_subquery()
    return col(Ticket.number) == any_(func.array(numbers))


def _substring_condition(value: str) -> ColumnElement[bool]:
    return col(Ticket.summary).ilike(f"%{like_pattern(value)}%", escape="\\")


def text_condition(value: str, dialect: str, *, once: bool = False) -> ColumnElement[bool] | None:
    """The WHERE term for the queue's free text, or None when the text is blank. ``once``:
    for a term tested on each row rather than answered by the index, PostgreSQL parses the
    words once per statement (see :func:`app.search_terms.words_match`)."""
    value = " ".join(value.split())
    if not value:
        return None
    words = WORD.findall(value)
    if not words:
        return _substring_condition(value)
    terms = [_words_condition(words, dialect, once)]
    number = _number_condition(value, dialect)
    if number is not None:
        terms.append(number)
    return or_(*terms) if len(terms) > 1 else terms[0]
