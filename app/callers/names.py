"""Callers by the words of their name: each typed word must start a word of the caller's
name, accents folded ("muller" finds "Müller"). The call log and the asset register read
callers this way; the caller lookup (:mod:`app.callers.lookup`) reads e-mail and employee id
words too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    column,
    func,
    literal_column,
    select,
    text,
)
from sqlmodel import col

from app.search_terms import fold, fts_query, words_match
from models.people import Caller
from models.search import CALLER_FTS, CALLER_WORDS


def caller_name_words(
    words: list[str], dialect: str, key: str = "name_words"
) -> ColumnElement[bool]:
    """Every word starts a word of the caller's name, accents folded: a condition on the
    ``caller`` table (its SQLite match bound as ``key``).

    SQLite reads the name column of ``caller_fts``. PostgreSQL decides with regular
    expressions over the name alone, after the callers' stored words (name, e-mail and
    employee id, under a GIN index) have narrowed them to those that may match: without
    that, the expressions ran over every caller (110 ms at 200,000)."""
    if dialect == "sqlite":
        match = " AND ".join(f"name : {fts_query([word])}" for word in words)
        rows = text(f"SELECT rowid FROM {CALLER_FTS} WHERE {CALLER_FTS} MATCH :{key}")
        return literal_column("caller.rowid").in_(
            rows.bindparams(**{key: match}).columns(column("rowid", Integer))
        )
    folded = [fold(word) for word in words]
    name = func.unaccent(col(Caller.name))
    return and_(
        words_match(literal_column(CALLER_WORDS), folded),
        *(name.regexp_match(f"(^|[^[:alnum:]]){word}", flags="i") for word in folded),
    )


def callers_named(words: list[str], dialect: str, key: str = "name_words") -> Select[Any]:
    """The ids of the callers :func:`caller_name_words` lets through."""
    return select(col(Caller.id)).where(caller_name_words(words, dialect, key)).correlate(None)
