"""Typed text made into safe search terms, shared by the queue filter and the caller lookup.

Words are what the FTS5 tokenizer keeps (letters and digits), accents are folded as the
tokenizer and PostgreSQL's unaccent fold them, LIKE wildcards are escaped, and user text is
never pasted into a MATCH expression: each word is quoted (inner quotes doubled) and the
prefix star goes outside the quotes. A ticket number is read in any form a person types it:
with or without its site prefix and leading zeros ("HQ-004211", "hq4211", "4211").
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import (
    ColumnElement,
    select,
)
from sqlmodel import col

from models.org import Site
from models.tickets import Ticket

WORD = re.compile(r"[^\W_]+")  # letters and digits: what the FTS tokenizer keeps
TICKET_NUMBER = re.compile(r"^(?:([A-Za-z]{1,8})-?)?0*(\d{1,9})$")
NUMBER_DIGITS = 6


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
