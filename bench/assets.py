"""Asset register benchmark: the count and first page of the Assets page's filters on a large
register, against the same query through the bare driver (the floor).

    python bench/assets.py --db FILE_OR_URL [--assets 100000]

FILE_OR_URL is a SQLite file or a PostgreSQL URL. The register is made here, in a new SQLite
file or in an existing empty database on the server: a small demo organisation and
``--assets`` assets of realistic tags, makes, serials, sites, owners and warranties, then
their statistics gathered (``ANALYZE``, as the demo's load does); a database that already
holds that many is reused. Figures, one JSON object per filter, with ``backend`` ("sqlite" or
"postgresql"): the count plus the first page through :class:`app.assets.register.AssetQuery`
(what the page asks when a filter changes), median of ``--repeat`` warm runs, and the raw
baseline measured in the same run through the bare driver of the same back end, ``sqlite3``
or ``psycopg``.
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.assets.register import AssetFilter, AssetQuery, Warranty  # noqa: E402
from app.db_lifecycle import open_database  # noqa: E402
from app.demo import DemoSpec, generate  # noqa: E402
from bench.database import BenchDatabase, RawConnection, as_uuid  # noqa: E402
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


def build(db: BenchDatabase, assets: int) -> None:
    """A demo organisation, then ``assets`` assets written straight into the database through
    the bare driver (sites and owners in the order of their ids, so both back ends get the
    same register), and the register's statistics gathered for the planner."""
    engine = open_database(db.url, create=True)
    try:
        with db.connected() as raw:
            (have,) = raw.one("SELECT count(*) FROM asset")
        if have >= assets:
            return
        if have == 0:
            generate(engine, DemoSpec(callers=2000, tickets=2000, months=2, now=BENCH_NOW))
    finally:
        engine.dispose()
    rng = random.Random(1)
    with db.connected() as raw:
        sites = [row[0] for row in raw.rows("SELECT id FROM site ORDER BY id")]
        owners = [row[0] for row in raw.rows("SELECT id FROM caller ORDER BY id")]
        (start,) = raw.one("SELECT count(*) FROM asset")
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
        raw.write_many(
            "INSERT INTO asset (id, tag, kind, make, model, serial, status, site_id, location, "
            "owner_id, purchased_on, warranty_ends_on, notes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
            rows,
        )
    db.analyze(["asset"])


RAW_PAGE = (
    "SELECT a.tag, a.kind, a.make, a.model, a.serial, a.status, s.code, a.location, c.name, "
    "a.warranty_ends_on FROM asset a LEFT JOIN site s ON s.id = a.site_id "
    "LEFT JOIN caller c ON c.id = a.owner_id WHERE {where} ORDER BY a.tag LIMIT 200"
)


def count_and_page(query: AssetQuery, f: AssetFilter) -> tuple[Any, ...]:
    """What the Assets page asks when a filter changes."""
    return query.count(f, BENCH_NOW), query.page(f, now=BENCH_NOW)


def raw_count_and_page(
    raw: RawConnection, count: str, page: str, params: tuple[Any, ...]
) -> tuple[Any, ...]:
    """The same through the bare driver."""
    return raw.one(count, params), raw.rows(page, params)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", metavar="FILE_OR_URL", required=True, help="a SQLite file or PostgreSQL URL"
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    db = BenchDatabase.from_arg(args.db)
    build(db, args.assets)
    engine = open_database(db.url)
    query = AssetQuery(engine)
    today = BENCH_NOW.date()
    with db.connected(read_only=True) as raw:
        site_id = as_uuid(raw.one("SELECT id FROM site ORDER BY code LIMIT 1")[0])
        filters: dict[str, tuple[AssetFilter, str, tuple[Any, ...]]] = {
            "not retired (the page's first view)": (AssetFilter(), "a.status != 4", ()),
            "one kind": (
                AssetFilter(kind=AssetKind.LAPTOP),
                "a.kind = 1 AND a.status != 4",
                (),
            ),
            "one site": (
                AssetFilter(site_id=site_id),
                "a.site_id = ? AND a.status != 4",
                (site_id.bytes,),
            ),
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
            ours = timed(partial(count_and_page, query, f), args.repeat)
            count = f"SELECT count(*) FROM asset a WHERE {where}"
            page = RAW_PAGE.format(where=where)
            base = timed(partial(raw_count_and_page, raw, count, page, params), args.repeat)
            report(f"assets: {name}", ours, base, assets=args.assets, backend=db.backend)
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
