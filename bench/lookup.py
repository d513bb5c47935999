"""Caller lookup benchmark: the operator's type-ahead against the bare index query it rests on.

    python bench/lookup.py --db FILE_OR_URL [--runs 50]

FILE_OR_URL is a Switchboard database, a SQLite file or a PostgreSQL URL (for the issue's
figures: 200,000 callers, as ``switchboard demo-data --callers 200000 ... --as-of 2026-11-30``
makes them). Each text runs ``--runs`` times warm: the texts a person types that the data
suggests (a name's letters, a whole e-mail, a phone number in parts) and the texts known to be
hard (a common first name, a surname with an accent, the e-mail domain every caller shares,
four common digits, one digit, the start of a ticket number or an asset tag).

For every text the baseline is the bare index query the lookup cannot do without, through
the same back end's bare driver (``sqlite3`` or ``psycopg``) with the same LIMIT: on SQLite
the FTS5 query (the trigram index for digits, the word index otherwise); on PostgreSQL the
GIN query over the callers' stored words, or pg_trgm's over the phone digits. Prints one JSON
object per figure: the p95 and the median of each text, and over all texts the p95 and the
slowest text's p95.

A lookup marks the callers with a ticket or a call in the last days: "now" for it is the
moment the benchmark database ends, ``BENCH_NOW`` of ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.callers.lookup import WORD, clean, lookup  # noqa: E402
from app.callers.phones import phone_fragments  # noqa: E402
from app.search_terms import fts_query, tsquery_text  # noqa: E402
from bench.database import BenchDatabase, RawConnection  # noqa: E402
from bench.run import BENCH_NOW, check_as_of  # noqa: E402

LIMIT = 20
# The texts the issue found slow on one back end or the other, typed as a person types them.
HARD_TEXTS = [
    ("common_first_name_and_letter", "maria s"),
    ("common_first_name", "maria"),
    ("accented_surname", "müller"),
    ("word_of_every_address", "example"),
    ("email_domain", "@example.com"),
    ("four_common_digits", "4477"),
    ("one_digit", "1"),
    ("one_letter", "e"),
    ("ticket_number_start", "HQ-00"),
    ("asset_tag_start", "LT-00"),
]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def timed(action: Callable[[], Any], runs: int) -> list[float]:
    action()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def raw_query(text: str, sqlite: bool) -> tuple[str, tuple[Any, ...]]:
    """The bare index query a lookup for ``text`` cannot do without, in SQLite's spelling
    (``RawConnection.rows`` takes it on both back ends)."""
    value = clean(text)
    # The digit strings the lookup searches inside numbers: the shortest, as it does.
    found = phone_fragments(value)
    digits = [f for f in found if not any(o != f and o in f for o in found)]
    words = WORD.findall(value)
    if sqlite and digits:
        match = " OR ".join('"' + p + '"' for p in digits)
        sql = "SELECT rowid FROM caller_phone_fts WHERE caller_phone_fts MATCH ? LIMIT ?"
        return sql, (match, LIMIT)
    if sqlite:
        sql = "SELECT rowid FROM caller_fts WHERE caller_fts MATCH ? LIMIT ?"
        return sql, (fts_query(words), LIMIT)
    if digits:
        within = " OR ".join("digits LIKE ?" for _ in digits)
        sql = f"SELECT id FROM caller_phone WHERE {within} LIMIT ?"
        return sql, (*(f"%{p}%" for p in digits), LIMIT)
    sql = "SELECT id FROM caller WHERE caller_fts_words @@ fts_query(?) LIMIT ?"
    return sql, (tsquery_text(words), LIMIT)


def sample_queries(raw: RawConnection) -> list[tuple[str, str]]:
    """Typical type-ahead texts, taken from the data so each one finds someone (the same
    callers on both back ends of one demo: its ids are the same)."""
    name, email = raw.one(
        "SELECT name, email FROM caller WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET 777"
    )
    (number,) = raw.one("SELECT number FROM caller_phone ORDER BY id LIMIT 1 OFFSET 4242")
    digits = "".join(c for c in number if c.isdigit())
    first, last = name.split()[0], name.split()[-1]
    return [
        ("name_2_letters", last[:2]),
        ("name_3_letters", last[:3]),
        ("name_full_last", last),
        ("first_and_last", f"{first} {last}"),
        ("accent_folded", last.replace("ü", "u").replace("ö", "o")),
        ("email", email),
        ("phone_as_stored", number),
        ("phone_digits_only", digits),
        ("phone_last_7", digits[-7:]),
        ("phone_middle_4", digits[-6:-2]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a SQLite file or a PostgreSQL URL")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    db = BenchDatabase.from_arg(args.db)
    check_as_of(db)
    engine = db.engine()
    figures: list[dict[str, Any]] = []
    all_lookups: list[float] = []
    all_raw: list[float] = []
    with db.connected(read_only=True) as raw:
        for name, text in sample_queries(raw) + HARD_TEXTS:
            statement, parameters = raw_query(text, db.sqlite)
            ours = timed(partial(lookup, engine, text, LIMIT, now=BENCH_NOW), args.runs)
            bare = timed(partial(raw.rows, statement, parameters), args.runs)
            all_lookups += ours
            all_raw += bare
            hits = lookup(engine, text, LIMIT, now=BENCH_NOW)
            figures.append(
                {
                    "name": f"lookup_p95_{name}",
                    "text": text,
                    "value": round(p95(ours), 3),
                    "median": round(statistics.median(ours), 3),
                    "unit": "ms",
                    "baseline": round(p95(bare), 3),
                    "ratio": round(p95(ours) / p95(bare), 2),
                    "hits": len(hits),
                    "first_hit": hits[0].matched if hits else None,
                }
            )
    slowest = max(figures, key=lambda item: item["value"])
    figures.append(
        {
            "name": "lookup_p95_all",
            "value": round(p95(all_lookups), 3),
            "unit": "ms",
            "baseline": round(p95(all_raw), 3),
            "ratio": round(p95(all_lookups) / p95(all_raw), 2),
            "target": "< 15 ms",
        }
    )
    figures.append(
        {
            "name": "lookup_p95_slowest_text",
            "value": slowest["value"],
            "unit": "ms",
            "text": slowest["text"],
            "target": "< 30 ms",
        }
    )
    for item in figures:
        print(json.dumps({**item, "backend": db.backend}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
