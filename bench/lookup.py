"""Caller lookup benchmark: the operator's type-ahead against the raw FTS5 query it rests on.

    python bench/lookup.py --db FILE

FILE is a Switchboard SQLite database (for the issue's figures: 200,000 callers and
1,000,000 tickets, as ``switchboard demo-data`` makes them). Each query runs 50 times warm.
For every query the baseline is the bare FTS5 query for the same text (the trigram index for
digits, the word index otherwise) through the ``sqlite3`` module, with the same LIMIT.
Prints one JSON object per figure.

A lookup marks the callers with a ticket or a call in the last days: "now" for it is the
moment the benchmark database ends, ``BENCH_NOW`` of ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.callers.lookup import WORD, clean, lookup  # noqa: E402
from app.callers.phones import phone_fragments  # noqa: E402
from app.config import to_url  # noqa: E402
from app.search_terms import fts_query  # noqa: E402
from bench.run import BENCH_NOW, check_as_of  # noqa: E402
from models.engine import make_engine  # noqa: E402

RUNS = 50
LIMIT = 20


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def timed(action: Callable[[], Any]) -> list[float]:
    action()  # warm
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def raw_query(text: str) -> tuple[str, tuple[Any, ...]]:
    """The bare query a lookup for ``text`` cannot do without."""
    value = clean(text)
    phones = phone_fragments(value)  # the digit strings the lookup searches inside numbers
    if phones:
        match = " OR ".join('"' + p + '"' for p in phones)
        return (
            "SELECT rowid FROM caller_phone_fts WHERE caller_phone_fts MATCH ? LIMIT ?",
            (match, LIMIT),
        )
    return (
        "SELECT rowid FROM caller_fts WHERE caller_fts MATCH ? LIMIT ?",
        (fts_query(WORD.findall(value)), LIMIT),
    )


def sample_queries(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """Typical type-ahead texts, taken from the data so each one finds someone."""
    name, email = connection.execute(
        "SELECT name, email FROM caller WHERE email IS NOT NULL ORDER BY rowid LIMIT 1 OFFSET 777"
    ).fetchone()
    (number,) = connection.execute(
        "SELECT number FROM caller_phone ORDER BY rowid LIMIT 1 OFFSET 4242"
    ).fetchone()
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
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    check_as_of(args.db)
    engine = make_engine(to_url(str(args.db)))
    connection = sqlite3.connect(args.db)
    figures = []
    all_lookups: list[float] = []
    all_raw: list[float] = []
    for name, text in sample_queries(connection):
        statement, parameters = raw_query(text)
        ours = timed(lambda text=text: lookup(engine, text, LIMIT, now=BENCH_NOW))
        raw = timed(lambda s=statement, p=parameters: connection.execute(s, p).fetchall())
        all_lookups += ours
        all_raw += raw
        hits = len(lookup(engine, text, LIMIT, now=BENCH_NOW))
        figures.append(
            {
                "name": f"lookup_p95_{name}",
                "value": round(p95(ours), 3),
                "unit": "ms",
                "baseline": round(p95(raw), 3),
                "ratio": round(p95(ours) / p95(raw), 2),
                "hits": hits,
            }
        )
    figures.append(
        {
            "name": "lookup_p95_all",
            "value": round(p95(all_lookups), 3),
            "unit": "ms",
            "baseline": round(p95(all_raw), 3),
            "ratio": round(p95(all_lookups) / p95(all_raw), 2),
            "target": "<= 2x the raw FTS5 query and < 15 ms",
        }
    )
    for item in figures:
        print(json.dumps(item))
    return 0


if __name__ == "__main__":
    sys.exit(main())
