"""Free text in the queue filter: ticket numbers, and words of the summary or caller name.

Each word the user types must start a word of the summary or of the caller's name (in any
order, any case; accents folded on SQLite), or the whole text must be a ticket number, with
or without its site prefix and leading zeros ("HQ-004211", "hq4211", "4211"). On SQLite the
words go through the FTS5 index, so the filter stays fast on a million tickets; user text
reaches the MATCH expression only through :func:`app.search_terms.fts_query`. Text without
any letter or digit ("%", "'", "_") is looked for literally in the summary instead.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, and_, column, func, literal_column, or_, text
from sqlmodel import col

from app.search_terms import WORD, fold, fts_query, like_pattern, number_condition
from models.search import TICKET_FTS
from models.tickets import Ticket


def _words_condition(words: list[str], dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        matches = text(f"SELECT rowid FROM {TICKET_FTS} WHERE {TICKET_FTS} MATCH :fts_query")
        return literal_column("ticket.rowid").in_(
            matches.bindparams(fts_query=fts_query(words)).columns(column("rowid", Integer))
        )
    # PostgreSQL: the same rule with regular expressions over accent-folded text (the
    # unaccent extension, from migration 0002). A word starts after any non-alphanumeric
    # character, underscores included, as the FTS5 tokenizer splits them.
    return and_(
        *(
            or_(
                *(
                    func.unaccent(column).regexp_match(f"(^|[^[:alnum:]]){fold(word)}", flags="i")
                    for column in (col(Ticket.summary), col(Ticket.caller_name))
                )
            )
            for word in words
        )
    )


def _substring_condition(value: str) -> ColumnElement[bool]:
    return col(Ticket.summary).ilike(f"%{like_pattern(value)}%", escape="\\")


def text_condition(value: str, dialect: str) -> ColumnElement[bool] | None:
    """The WHERE term for the queue's free text, or None when the text is blank."""
    value = " ".join(value.split())
    if not value:
        return None
    words = WORD.findall(value)
    if not words:
        return _substring_condition(value)
    terms = [_words_condition(words, dialect)]
    number = number_condition(value)
    if number is not None:
        terms.append(number)
    return or_(*terms) if len(terms) > 1 else terms[0]
