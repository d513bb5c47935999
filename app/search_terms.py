"""Typed text made into safe search terms, shared by the queue filter and the caller lookup.

Words are what the FTS5 tokenizer keeps (letters and digits), accents are folded as the
tokenizer and PostgreSQL's unaccent fold them, LIKE wildcards are escaped, and user text is
never pasted into a MATCH expression: each word is quoted (inner quotes doubled) and the
prefix star goes outside the quotes; on PostgreSQL each word is a quoted prefix of a
``tsquery``. A ticket number is read in any form a person types it: with or without its site
prefix and leading zeros ("HQ-004211", "hq4211", "4211"), and so is its start ("HQ-00").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, func, select
from sqlmodel import col

from models.org import Site
from models.tickets import Ticket

WORD = re.compile(r"[^\W_]+")  # letters and digits: what the FTS tokenizer keeps
TICKET_NUMBER = re.compile(r"^(?:([A-Za-z]{1,8})-?)?0*(\d{1,9})$")
NUMBER_DIGITS = 6
# The start of a number: the site's letters, then a dash or digits ("HQ-", "HQ-00", "hq004").
NUMBER_START = re.compile(r"^([A-Za-z]{1,8})(?:-(\d{0,6})|(\d{1,6}))$")


def like_pattern(value: str) -> str:
    """Escape LIKE wildcards so user text matches literally."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fold(word: str) -> str:
    """Drop accents, as the FTS tokenizer and PostgreSQL's unaccent do."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fts_query(words: list[str]) -> str:
    """A MATCH expression requiring every word as a prefix, each safely quoted."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def tsquery_text(words: list[str]) -> str:
    """A ``to_tsquery`` text requiring every word as a prefix, each quoted (inner quotes and
    backslashes escaped, the prefix mark outside the quotes)."""
    quoted = (word.replace("\\", "\\\\").replace("'", "''") for word in words)
    return " & ".join(f"'{word}':*" for word in quoted)


def words_match(
    vector: Any, words: list[str] | BindParameter[str], *, once: bool = False
) -> ColumnElement[bool]:
    """PostgreSQL: every word starts a word of ``vector``, a stored ``tsvector`` column (see
    :mod:`models.search`), through its GIN index. The server folds the query as it folded
    the stored words (``fts_query``, migration 0015). ``words`` may be a bound parameter
    that is given their :func:`tsquery_text` at execution, for a statement built once.
    ``once``: the query is worked out in a subquery of its own, once per statement, where a
    filter would otherwise parse it again for every row it tests (in a generic plan, or a
    walk of thousands of rows)."""
    query_text = words if isinstance(words, BindParameter) else tsquery_text(words)
    query: Any = func.fts_query(query_text)
    if once:
        query = select(query).scalar_subquery()
    return vector.bool_op("@@")(query)


def starts_with(expression: Any, prefix: str) -> ColumnElement[bool]:
    """``expression`` starts with ``prefix``, written as a range of code points so that an
    index in byte order serves it (SQLite's, or ``COLLATE "C"`` on PostgreSQL)."""
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(expression >= prefix, expression < following)


def number_start(value: str) -> str | None:
    """The start of a ticket number as stored ("HQ-00", "hq-0042" and "HQ0042" give "HQ-00"
    and "HQ-0042"), or None when ``value`` cannot begin one."""
    match = NUMBER_START.match(value)
    if match is None:
        return None
    letters, after_dash, digits = match.groups()
    return f"{letters.upper()}-{after_dash if after_dash is not None else digits}"


def number_condition(value: str) -> ColumnElement[bool] | None:
    """Ticket.number equal to ``value`` read as a ticket number ("HQ-004211", "hq4211",
    "4211": with or without the site prefix and leading zeros), or None when it is not one."""
    match = TICKET_NUMBER.match(value)
    if match is None:
        return None
    prefix, digits = match.groups()
    suffix = f"-{int(digits):0{NUMBER_DIGITS}d}"
    if prefix:
        return col(Ticket.number) == prefix.upper() + suffix
    return col(Ticket.number).in_(select(col(Site.code).concat(suffix)))
