"""Asset register benchmark: the count and first page of the Assets page's filters on a large
register, against the same query through the bare ``sqlite3`` module (the floor).

    python bench/assets.py --db FILE [--assets 100000]

FILE is made here (a new SQLite database, with a small demo organisation and ``--assets``
assets of realistic tags, makes, serials, sites, owners and warranties), or reused if it
already holds that many. Figures, one JSON object per filter: the count plus the first page
through :class:`app.assets.register.AssetQuery` (what the page asks when a filter changes),
median of ``--repeat`` warm runs, and the raw baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.assets.register import AssetFilter, AssetQuery, Warranty  # noqa: E402
from app.config import to_url  # noqa: E402
from app.db_lifecycle import open_database  # noqa: E402
from app.demo import DemoSpec, generate  # noqa: E402
from bench.figures import report, timed  # noqa: E402
from bench.run import BENCH_NOW  # noqa: E402
from models.enums import AssetKind, AssetStatus  # noqa: E402

MAKES = (
    ("Lenovo", "ThinkPad T14"),
    ("HP", "EliteBook 840"),
    ("Dell", "Latitude 7440"),
    ("Apple", "MacBook Pro 14"),
    ("Cisco", "IP Phone 8841"),
    ("HP", "LaserJet 4"),
)


def build(path: Path, assets: int) -> None:
    """A demo organisation, then ``assets`` assets written straight into the file."""
    engine = open_database(to_url(str(path)), create=True)
    try:
        with sqlite3.connect(path) as connection:
            have = connection.execute("SELECT count(*) FROM asset").fetchone()[0]
        if have >= assets:
            return
        if have == 0:
            generate(engine, DemoSpec(callers=2000, tickets=2000, months=2, now=BENCH_NOW))
    finally:
        engine.dispose()
    rng = random.Random(1)
    with sqlite3.connect(path) as connection:
        sites = [row[0] for row in connection.execute("SELECT id FROM site")]
        owners = [row[0] for row in connection.execute("SELECT id FROM caller")]
        start = connection.execute("SELECT count(*) FROM asset").fetchone()[0]
        rows = []
        for n in range(start, assets):
            make, model = rng.choice(MAKES)
            bought = date(2020, 1, 1) + timedelta(days=rng.randrange(2000))
            rows.append(
                (
                    uuid.uuid4().bytes,
                    f"AS-{n:07d}",
                    int(rng.choice(list(AssetKind))),
                    make,
                    model,
                    f"SN{rng.randrange(16**10):010X}",
                    int(rng.choice((1, 1, 1, 2, 3, 4))),
                    rng.choice(sites),
                    f"Room {rng.randrange(500)}",
                    rng.choice(owners) if rng.random() < 0.8 else None,
                    bought.isoformat(),
                    (bought + timedelta(days=365 * 3)).isoformat(),
                )
            )
        connection.executemany(
            "INSERT INTO asset (id, tag, kind, make, model, serial, status, site_id, location, "
            "owner_id, purchased_on, warranty_ends_on, notes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
            rows,
        )


RAW_PAGE = (
    "SELECT a.tag, a.kind, a.make, a.model, a.serial, a.status, s.code, a.location, c.name, "
    "a.warranty_ends_on FROM asset a LEFT JOIN site s ON s.id = a.site_id "
    "LEFT JOIN caller c ON c.id = a.owner_id WHERE {where} ORDER BY a.tag LIMIT 200"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    build(args.db, args.assets)
    engine = open_database(to_url(str(args.db)))
    query = AssetQuery(engine)
    today = BENCH_NOW.date()
    with sqlite3.connect(args.db) as raw:
        site = raw.execute("SELECT id FROM site ORDER BY code LIMIT 1").fetchone()[0]
        site_id = uuid.UUID(bytes=site)
        filters: dict[str, tuple[AssetFilter, str, tuple[Any, ...]]] = {
            "not retired (the page's first view)": (AssetFilter(), "a.status != 4", ()),
            "one kind": (
                AssetFilter(kind=AssetKind.LAPTOP),
                "a.kind = 1 AND a.status != 4",
                (),
            ),
            "one site": (AssetFilter(site_id=site_id), "a.site_id = ? AND a.status != 4", (site,)),
            "warranty ends within 90 days": (
                AssetFilter(warranty=Warranty.ENDING),
                "a.warranty_ends_on BETWEEN ? AND ? AND a.status != 4",
                (today.isoformat(), (today + timedelta(days=90)).isoformat()),
            ),
            "retired only": (
                AssetFilter(statuses=frozenset({AssetStatus.RETIRED})),
                "a.status IN (4)",
                (),
            ),
            "text: thinkpad": (
                AssetFilter(text="thinkpad"),
                "lower(a.model) LIKE '%thinkpad%' AND a.status != 4",
                (),
            ),
        }
        for name, (f, where, params) in filters.items():
            ours = timed(
                lambda f=f: (query.count(f, BENCH_NOW), query.page(f, now=BENCH_NOW)), args.repeat
            )
            sql = RAW_PAGE.format(where=where)
            count = f"SELECT count(*) FROM asset a WHERE {where}"
            base = timed(
                lambda sql=sql, count=count, params=params: (
                    raw.execute(count, params).fetchone(),
                    raw.execute(sql, params).fetchall(),
                ),
                args.repeat,
            )
            report(f"assets: {name}", ours, base, assets=args.assets)
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
