"""Instant caller lookup: who is on the phone? One box, any text.

The text is tried, in this order of rank, as:

1. an exact phone number (in any format: "+1 (555) 123-4567", "0044 20 7946 0018",
   "020 7946 0018"; numbers are stored in the canonical form of :mod:`app.callers.phones`, the
   E.164 digits, and the text is matched in that form, read in the default region and in
   the region of every site, and as the digits typed), an exact e-mail address, a ticket
   number ("HQ-004211", "hq4211", "4211"), an asset tag or an employee id (all
   case-insensitive);
2. the start of a ticket number ("HQ-00", "hq-0042") or of an asset tag ("LT-00", "lt-004";
   any text without spaces, in ASCII, of two characters or more, with a digit or a dash),
   in number and tag order;
3. digits from anywhere in a phone number (at least three: "555-1234", "7946"; leading
   zeros are also tried without, since the stored E.164 digits have no trunk "0"); on
   SQLite only the first :data:`CONTAINS_SCAN` numbers containing them are ranked, so
   where more numbers contain them (four common digits) the two back ends may list
   different ones;
4. words: each must start a word of the caller's name, e-mail or employee id, accents
   folded ("Muller" finds "Müller"), in name order.

Every query stops early at ``limit`` rows: nothing is ever ranked over all matches. On
SQLite the words go through the ``caller_fts`` FTS5 index and phone digits through the
``caller_phone_fts`` trigram index; user text is never pasted into a MATCH expression (each
word is quoted, inner quotes doubled, the prefix star outside). PostgreSQL applies the same
rules through the callers' stored words (a ``tsvector`` under a GIN index) and pg_trgm, so
both back ends return the same callers (but for the case in 3.). Any text is a valid query:
control characters are dropped, very long input is cut, and nothing the user types can
raise. See :mod:`models.search` for the indexes (migrations 0003 and 0015)."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    String,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlmodel import col

from app.callers.phones import DEFAULT_REGION, phone_candidates, phone_fragments, phone_region
from app.search_terms import (
    WORD,
    fold,
    fts_query,
    number_condition,
    number_start,
    starts_with,
    tsquery_text,
    words_match,
)
from models.clock import utcnow
from models.engine import is_sqlite, read_connection
from models.org import Site
from models.people import Asset, Caller, CallerPhone
from models.search import CALLER_FTS, CALLER_PHONE_FTS, CALLER_WORDS
from models.tickets import Call, Ticket
from models.types import UTCDateTime

MAX_TEXT = 200  # longer input is cut: no name, number or address is longer
MAX_WORDS = 8
RECENT_DAYS = 30
DENSE_MATCHES = 5000  # SQLite: more word matches than this are read in name order (below)
WALK_BUDGET = 4000  # SQLite: callers read in name order before sorting the matches after all
SERVER_WALK = 2000  # PostgreSQL: the same, on the server (see _first_by_name)
NAME_INDEX = "ix_caller_name"
CONTAINS_SCAN = 200  # phone numbers containing typed digits that are ranked (see lookup)


@dataclass(frozen=True)
class CallerHit:
    """One caller found by :func:`lookup`, and why."""

    id: uuid.UUID
    name: str
    email: str | None
    department: str | None
    site_code: str | None
    vip: bool
    recent: bool  # a ticket or a call in the last RECENT_DAYS days
    matched: str  # "phone", "email", "ticket", "asset", "employee id" or "name"
    detail: str  # what matched: the number, address, ticket number, tag or name


def clean(value: str) -> str:
    """The text with control characters, surrogates and unassigned code points turned into
    spaces (PostgreSQL refuses NUL, the drivers refuse lone surrogates), whitespace
    collapsed and the length capped."""
    kept = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cs", "Cn") else c for c in value[: MAX_TEXT * 2]
    )
    return " ".join(kept.split())[:MAX_TEXT].strip()


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _fts_rowids(table: str, match: str, key: str, first: int | None = None) -> Any:
    """``<table>.rowid IN (rows of the FTS index matching the bound expression)``, only the
    ``first`` of them (in index order) when given."""
    fts = CALLER_FTS if table == "caller" else CALLER_PHONE_FTS
    cap = f" LIMIT {int(first)}" if first is not None else ""
    matches = text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :{key}{cap}")
    return literal_column(f"{table}.rowid").in_(
        matches.bindparams(**{key: match}).columns(column("rowid", Integer))
    )


def _exact(field: Any, value: str, sqlite: bool) -> ColumnElement[bool]:
    """Case-insensitive equality, through an index that ignores case: ``NOCASE`` on SQLite
    (ASCII letters, as its ``lower()``), ``lower()`` on PostgreSQL (migrations 0003, 0017)."""
    if sqlite:
        return field.collate("NOCASE") == value
    return func.lower(field) == value.lower()


_LISTED = (col(Caller.id), col(Caller.name), col(Caller.email), col(Caller.employee_id))

# Every caller in name order, for the walk of _walk_by_name (SQLAlchemy renders no INDEXED BY).
_BY_NAME = text(
    f"SELECT id, name, email, employee_id FROM caller INDEXED BY {NAME_INDEX} "
    "ORDER BY name, id LIMIT :budget"
).columns(*(Caller.__table__.c[name] for name in ("id", "name", "email", "employee_id")))  # type: ignore[attr-defined]


def _site_regions(connection: Connection) -> list[str]:
    """The phone regions of the sites (their own, else their countries'), for reading
    national numbers."""
    region = func.coalesce(col(Site.phone_region), col(Site.holiday_country))
    countries = connection.execute(select(region).distinct()).scalars()
    return sorted({phone_region(country) for country in countries})


def _numbers_containing(fragments: list[str], sqlite: bool) -> Select[Any, Any]:
    """Callers and numbers among the first :data:`CONTAINS_SCAN` phone numbers that contain
    one of the digit ``fragments``, in number order.

    On SQLite the trigram FTS index lists them; on PostgreSQL pg_trgm does, in a subquery of
    its own, for the planner would otherwise walk the numbers in order until enough contain
    the digits: 125,000 of them for "4477"."""
    order = (col(CallerPhone.digits), col(CallerPhone.caller_id))
    if sqlite:
        match = " OR ".join(_quoted(p) for p in fragments)
        within = _fts_rowids("caller_phone", match, "digits", CONTAINS_SCAN)
        return (
            select(col(CallerPhone.caller_id), col(CallerPhone.number))
            .where(within)
            .order_by(*order)
        )
    # Digits only: nothing to escape in the pattern.
    first = (
        select(col(CallerPhone.caller_id), col(CallerPhone.number), col(CallerPhone.digits))
        .where(or_(*(col(CallerPhone.digits).like(f"%{p}%") for p in fragments)))
        .limit(CONTAINS_SCAN)
        .subquery("containing")
    )
    return select(first.c.caller_id, first.c.number).order_by(first.c.digits, first.c.caller_id)


def _first_by_name(
    connection: Connection, words: list[str], want: int, sqlite: bool
) -> list[Any] | None:
    """The first ``want`` callers in name order that the words match, found by reading
    callers in name order while the matches are dense. On SQLite, None when they are not,
    and the matches must be sorted instead (:func:`_sorted_by_name`); PostgreSQL does both
    in one statement (:func:`_by_name_on_server`).

    Sorting every match by name costs in proportion to the matches: 10 ms for 4,500 of
    200,000 callers, over 100 ms for all of them ("example", the domain of every address).
    Where matches are dense, the first few in name order come after a few dozen callers.
    Where they are sparse, or bunched further on in the name order (a first name such as
    "Maria" sits in one stretch of it), that walk would read a large part of the table;
    so it is cut short and the matches are sorted after all."""
    if not sqlite:
        return _by_name_on_server(connection, words, want)
    if not _many_word_matches(connection, words):
        return None
    return _walk_by_name(connection, words, want)


def _by_name_on_server(connection: Connection, words: list[str], want: int) -> list[Any]:
    """PostgreSQL: both ways of :func:`_first_by_name` in one statement (:data:`_ON_SERVER`)."""
    parameters = {"query": tsquery_text(words), "want": want}
    return list(connection.execute(_ON_SERVER, parameters).all())


def _on_server() -> Select[Any, Any]:
    """The statement of :func:`_by_name_on_server`: the matches among the first
    :data:`SERVER_WALK` callers in name order, if there are ``want`` of them; else every
    match, gathered through the GIN index (a materialised CTE, which the server reads only
    when the walk fell short) and sorted. The words (``query``, their :func:`tsquery_text`)
    and ``want`` are bound at execution: the statement is built once, for building it costs
    more than the server takes to answer it.

    Left to itself, the planner walks the name index for any word it believes common, and
    reads 116,000 callers for "maria" (1 % of the callers, all in one stretch of the name
    order); the walk here is bounded whatever it believes, and the gathering cannot turn
    into such a walk."""
    query = bindparam("query", type_=String)
    want = bindparam("want", type_=Integer)
    first = (
        select(*_LISTED, literal_column(CALLER_WORDS).label("words"))
        .order_by(col(Caller.name), col(Caller.id))
        .limit(SERVER_WALK)
        .subquery("first_callers")
    )
    walked = (
        select(first.c.id, first.c.name, first.c.email, first.c.employee_id)
        .where(words_match(first.c.words, query, once=True))
        .order_by(first.c.name, first.c.id)
        .limit(want)
        .cte("walked")
    )
    enough = select(func.count()).select_from(walked).scalar_subquery() == want
    gathered = (
        select(*_LISTED)
        .where(words_match(literal_column(CALLER_WORDS), query))
        .cte("matching_callers")
        .prefix_with("MATERIALIZED")
    )
    sorted_matches = (
        select(gathered).where(~enough).order_by(gathered.c.name, gathered.c.id).limit(want)
    ).subquery("sorted_matches")
    found = union_all(select(walked).where(enough), select(sorted_matches)).subquery("found")
    return select(found).order_by(found.c.name, found.c.id)


_ON_SERVER = _on_server()


def _sorted_by_name(connection: Connection, words: list[str], want: int) -> list[Any]:
    """SQLite: the first ``want`` callers in name order that the words match, by sorting
    them all."""
    matching = select(*_LISTED).where(_fts_rowids("caller", fts_query(words), "words"))
    return list(
        connection.execute(matching.order_by(col(Caller.name), col(Caller.id)).limit(want)).all()
    )


def _many_word_matches(connection: Connection, words: list[str]) -> bool:
    """SQLite: whether the words match more than :data:`DENSE_MATCHES` callers (counting
    stops there; the one- to three-letter prefix indexes of ``caller_fts`` keep it quick).

    Sorting every match by name costs in proportion to the matches: 10 ms for 4,500 of
    200,000 callers, 100 ms for all of them ("example", the domain of every address). With
    more than a few thousand, walking the callers in name order and keeping the matching ones
    finds the first few sooner; with few matches that walk would cross the whole table, and
    sorting them is the quick way."""
    probe = text(
        f"SELECT count(*) FROM (SELECT 1 FROM {CALLER_FTS} WHERE {CALLER_FTS} MATCH :words "
        "LIMIT :cap)"
    )
    found = connection.execute(probe, {"words": fts_query(words), "cap": DENSE_MATCHES + 1})
    return int(found.scalar_one()) > DENSE_MATCHES


def _walk_by_name(connection: Connection, words: list[str], want: int) -> list[Any] | None:
    """SQLite: the first ``want`` callers in name order whose words start with ``words``,
    found by reading callers in name order and testing each here; None when the first
    :data:`WALK_BUDGET` callers hold fewer (the matches are bunched further on: a first name
    such as "Maria" sits in one stretch of the name order).

    The test is :func:`_all_start` over the caller's words, split and folded as the FTS
    index splits and folds them; it reads each caller once, instead of the FTS index listing
    every match for the query to look up (36 ms for "example" among 200,000 callers)."""
    folded = [_folded(word) for word in words]
    found = []
    read = 0
    result = connection.execute(_BY_NAME, {"budget": WALK_BUDGET})
    try:
        for row in result:
            read += 1
            fields = _folded(" ".join(filter(None, row[1:])))
            # Most callers fail the cheap test: a word that starts a token is in the text.
            if all(word in fields for word in folded) and _all_start(folded, WORD.findall(fields)):
                found.append(row)
                if len(found) == want:
                    return found
    finally:
        result.close()
    return found if read < WALK_BUDGET else None  # fewer: the whole table was read


def _folded(value: str) -> str:
    """``value`` with accents folded and in lower case, as the FTS index keeps words."""
    return (value if value.isascii() else fold(value)).casefold()


def _all_start(words: list[str], tokens: list[str]) -> bool:
    """Whether each of ``words`` starts one of ``tokens`` (both :func:`_folded`)."""
    return all(any(token.startswith(word) for token in tokens) for word in words)


def _tokens(value: str | None) -> list[str]:
    return WORD.findall(_folded(value or ""))


def _word_match(words: list[str], name: str, email: str | None, employee: str | None) -> str:
    """Which field the typed words were found in, for the hit's label."""
    folded = [_folded(w) for w in words]
    if _all_start(folded, _tokens(name)):
        return "name"
    if _all_start(folded, _tokens(name) + _tokens(email)):
        return "email"
    return "employee id"


def _may_start_tag(value: str) -> bool:
    """Whether ``value`` may be the start of an asset tag: one piece of ASCII (tags are
    codes such as "LT-004211") of two characters or more, with a digit or a dash, so that
    a name typed ("Lo") never lists the tags that start like it."""
    return (
        len(value) >= 2
        and value.isascii()
        and not any(c.isspace() or c == "@" for c in value)
        and any(c.isdigit() or c == "-" for c in value)
    )


def _found(hits: _Hits, matched: str) -> bool:
    """Whether some hit so far was found by ``matched`` (e.g. "email")."""
    return any(kind == matched for kind, _detail in hits.found.values())


class _Hits:
    """Hits in rank order, one per caller, stopping at the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.found: dict[uuid.UUID, tuple[str, str]] = {}

    @property
    def full(self) -> bool:
        return len(self.found) >= self.limit

    @property
    def want(self) -> int:
        """Rows to ask for: enough that callers already found cannot crowd out new ones."""
        return 2 * self.limit + len(self.found)

    @property
    def callers_wanted(self) -> int:
        """Rows to ask for when every row is a different caller (the words): ``limit`` of
        them hold at least the callers still missing, whichever were found already."""
        return self.limit

    def add(self, rows: Iterable[Sequence[Any]], matched: str) -> None:
        for caller_id, detail in rows:
            if self.full:
                return
            if caller_id is not None and caller_id not in self.found:
                self.found[caller_id] = (matched, str(detail or ""))


def lookup(
    engine: Engine,
    text: str,
    limit: int = 20,
    now: datetime | None = None,
    region: str = DEFAULT_REGION,
) -> list[CallerHit]:
    """Callers matching ``text``, best first (see the module docstring); at most ``limit``."""
    value = clean(text)
    if not value or limit < 1:
        return []
    sqlite = is_sqlite(engine)
    hits = _Hits(limit)
    fragments = phone_fragments(value, region)
    words = WORD.findall(value)[:MAX_WORDS]
    with read_connection(engine) as connection:
        # A national number means what it means where the caller sits: read it in the
        # region of every site (a handful), so "(212) 555-0100" is exact at a GB desk too.
        phones: list[str] = []
        if fragments:  # the text is a phone number
            regions = (region, *_site_regions(connection))
            phones = list(
                dict.fromkeys(c for each in regions for c in phone_candidates(value, each))
            )

        # The probes of ranks 1 to 3 are read together, in one statement (see _read_probes).
        probes: list[tuple[Select[Any, Any], str]] = []

        def probe(statement: Select[Any, Any], matched: str) -> None:
            probes.append((statement, matched))

        def run(statement: Select[Any, Any], matched: str) -> None:
            """Reads the probes so far and this one: its answer decides what to ask next."""
            _read_probes(connection, [*probes, (statement, matched)], hits)
            probes.clear()

        # 1. Exact: phone, e-mail, ticket number, asset tag, employee id.
        if phones:
            probe(
                select(col(CallerPhone.caller_id), col(CallerPhone.number))
                .where(col(CallerPhone.digits).in_(phones))
                .order_by(col(CallerPhone.digits), col(CallerPhone.caller_id)),
                "phone",
            )
        if "@" in value and " " not in value:
            # Addresses are mostly stored as typed or in lower case: the plain index answers
            # those at once. Any other spelling goes through the case-insensitive match, for
            # a whole address only: for a part ("@example.com") the index of words would
            # list every address of the domain.
            by_email = select(col(Caller.id), col(Caller.email)).order_by(col(Caller.id))
            run(by_email.where(col(Caller.email).in_({value, value.lower()})), "email")
            local, _at, domain = value.partition("@")
            if local and domain and not _found(hits, "email"):
                run(by_email.where(_exact(col(Caller.email), value, sqlite)), "email")
        number = number_condition(value)
        if number is not None:
            probe(
                select(col(Ticket.caller_id), col(Ticket.number))
                .where(number, col(Ticket.caller_id).is_not(None))
                .order_by(col(Ticket.number)),
                "ticket",
            )
        if " " not in value and "@" not in value:  # asset tags and employee ids have no "@"
            tags = sorted({value, value.upper(), value.lower()})
            probe(
                select(col(Asset.owner_id), col(Asset.tag))
                .where(col(Asset.tag).in_(tags), col(Asset.owner_id).is_not(None))
                .order_by(col(Asset.tag)),
                "asset",
            )
            probe(
                select(col(Caller.id), col(Caller.employee_id))
                .where(_exact(col(Caller.employee_id), value, sqlite))
                .order_by(col(Caller.id)),
                "employee id",
            )
        # 2. The start of a ticket number or an asset tag, in byte order (see models.search).
        start = number_start(value)
        if start is not None:
            numbers: Any = col(Ticket.number) if sqlite else col(Ticket.number).collate("C")
            probe(
                select(col(Ticket.caller_id), col(Ticket.number))
                .where(starts_with(numbers, start), col(Ticket.caller_id).is_not(None))
                .order_by(numbers),
                "ticket",
            )
        if _may_start_tag(value):
            tag: Any = col(Asset.tag).collate("NOCASE")  # as asset_fts_tag is ordered
            if not sqlite:
                tag = func.upper(col(Asset.tag)).collate("C")
            probe(
                select(col(Asset.owner_id), col(Asset.tag))
                .where(starts_with(tag, value.upper()), col(Asset.owner_id).is_not(None))
                .order_by(tag),
                "asset",
            )
        # 3. Digits from anywhere in a phone number. A fragment inside another one finds
        # all the longer one finds, so only the shortest are searched. Four digits are in
        # thousands of numbers: only the first CONTAINS_SCAN of them are sorted, so the
        # answer never waits for a sort of all of them (typing more narrows it).
        fragments = [f for f in fragments if not any(o != f and o in f for o in fragments)]
        if fragments:
            probe(_numbers_containing(fragments, sqlite), "phone")
        _read_probes(connection, probes, hits)
        # 4. Word prefixes of name, e-mail, employee id; not after a whole e-mail address
        # found its caller: its words ("example", "com") would match half the directory.
        if words and not hits.full and not _found(hits, "email"):
            rows = _first_by_name(connection, words, hits.callers_wanted, sqlite)
            if rows is None:
                rows = _sorted_by_name(connection, words, hits.callers_wanted)
            for caller_id, name, email, employee in rows:
                matched = _word_match(words, name, email, employee)
                detail = {"name": name, "email": email, "employee id": employee}[matched]
                hits.add([(caller_id, detail)], matched)
        return _hits(connection, hits, now or utcnow())


def _read_probes(
    connection: Connection, probes: Sequence[tuple[Select[Any, Any], str]], hits: _Hits
) -> None:
    """Add what the ``probes`` (caller id and detail, each in its own order) find to
    ``hits``, in the order of the probes. Several are read in one statement (a UNION ALL
    of each one's first rows, numbered in its order), for every statement costs a round trip
    to a server and as much again in SQLAlchemy: a phone number typed asks six probes."""
    if hits.full or not probes:
        return
    if len(probes) == 1:
        statement, matched = probes[0]
        hits.add(connection.execute(statement.limit(hits.want)).all(), matched)
        return
    # Each probe asks for as many rows as it would on its own after the others found
    # limit - 1 callers, the most they can find without ending the lookup.
    want = 3 * hits.limit
    parts = []
    for rank, (statement, _matched) in enumerate(probes):
        first = statement.limit(want).subquery(f"probe_{rank}")
        caller_id, detail = first.c
        parts.append(
            select(
                literal(rank).label("rank"),
                func.row_number().over().label("n"),  # the probe's own order, kept
                caller_id.label("caller_id"),
                detail.label("detail"),
            )
        )
    together = union_all(*parts).subquery("probes")
    rows = connection.execute(select(together).order_by(together.c.rank, together.c.n)).all()
    for rank, (_statement, matched) in enumerate(probes):
        hits.add([(caller_id, detail) for r, _n, caller_id, detail in rows if r == rank], matched)


def _shown() -> Select[uuid.UUID, str, str | None, str | None, str | None, bool, bool]:
    """The statement of :func:`_hits`, built once (the ``ids`` and ``since`` are bound at
    execution): the callers as shown, and whether each has a ticket or a call since then."""
    since = bindparam("since", type_=UTCDateTime)
    ticket_lately = (
        select(col(Ticket.id))
        .where(col(Ticket.caller_id) == col(Caller.id), col(Ticket.created_at) >= since)
        .exists()
    )
    call_lately = (
        select(col(Call.id))
        .where(col(Call.caller_id) == col(Caller.id), col(Call.started_at) >= since)
        .exists()
    )
    return (
        select(
            col(Caller.id),
            col(Caller.name),
            col(Caller.email),
            col(Caller.department),
            col(Site.code),
            col(Caller.vip),
            or_(ticket_lately, call_lately),
        )
        .outerjoin(Site, col(Site.id) == col(Caller.site_id))
        .where(col(Caller.id).in_(bindparam("ids", expanding=True)))
    )


_SHOWN = _shown()


def _hits(connection: Connection, hits: _Hits, now: datetime) -> list[CallerHit]:
    """The hits' callers as shown, in one statement: each round trip costs as much as a
    small query (0.3 ms to a server, and as much again in SQLAlchemy)."""
    ids = list(hits.found)
    if not ids:
        return []
    parameters = {"ids": ids, "since": now - timedelta(days=RECENT_DAYS)}
    callers = {row[0]: row for row in connection.execute(_SHOWN, parameters).all()}
    result = []
    for caller_id, (matched, detail) in hits.found.items():
        row = callers.get(caller_id)
        if row is None:  # deleted between the two queries
            continue
        _id, name, email, department, site_code, vip, recent = row
        result.append(
            CallerHit(
                id=caller_id,
                name=name,
                email=email,
                department=department,
                site_code=site_code,
                vip=bool(vip),
                recent=bool(recent),
                matched=matched,
                detail=detail,
            )
        )
    return result
