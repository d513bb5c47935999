"""Phone numbers in one canonical form: ``caller_phone.digits`` becomes the E.164 digits
(without "+") of the number read in the region of the caller's site, so "020 7946 0018" and
"+44 20 7946 0018" are one number for lookups and duplicate detection.

Recomputes every row in batches (keyset paging; only the rows whose digits change are
written). On SQLite the ``caller_phone_fts`` triggers of migration 0003 fire on each
UPDATE of ``digits``, so the trigram index stays in step; on PostgreSQL the pg_trgm index
is an ordinary index. No schema change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 19:10:00
"""

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

BATCH = 10_000
CACHE_KIB = 256 * 1024  # SQLite page cache while rewriting (the default spills to the WAL)

# Frozen copy of app/callers/phones.py as of this revision (migrations must not change when the
# application does, and models/ may not import app/); tests/test_phones.py checks that the
# two agree.
DEFAULT_REGION = "GB"
MAX_DIGITS = 24
MAX_PARSE_LENGTH = 100
REGION_ALIASES = {"UK": "GB"}
_NOT_DIGIT = re.compile(r"[^0-9]")


def phone_digits(value: str) -> str:
    return _NOT_DIGIT.sub("", value)


def phone_region(country: str | None, default: str = DEFAULT_REGION) -> str:
    code = (country or "").strip().upper()
    code = REGION_ALIASES.get(code, code)
    return code if code in phonenumbers.SUPPORTED_REGIONS else default


def canonical_digits(number: str, region: str = DEFAULT_REGION) -> str:
    raw = phone_digits(number)
    if len(number) > MAX_PARSE_LENGTH:
        return raw
    try:
        parsed = phonenumbers.parse(number, region.upper())
    except phonenumbers.NumberParseException:
        return raw
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return raw
    e164 = f"{parsed.country_code}{phonenumbers.national_significant_number(parsed)}"
    extension = phone_digits(parsed.extension or "")
    if extension and len(e164) + len(extension) <= MAX_DIGITS:
        return e164 + extension
    return e164


def _rewrite(digits_for: Callable[[str, str], str]) -> int:
    """Set each phone's digits to ``digits_for(number, region)``; the number of rows
    changed. SQLite pages by rowid, PostgreSQL by id."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    key = "p.rowid" if sqlite else "p.id"
    # The site's country through a subquery per row of the page: a join could make the
    # planner scan both tables for every page.
    query = (
        f"SELECT {key}, p.number, p.digits, (SELECT s.holiday_country FROM caller c "
        "JOIN site s ON s.id = c.site_id WHERE c.id = p.caller_id) "
        "FROM caller_phone p {where} "
        f"ORDER BY {key} LIMIT {BATCH}"
    )
    first = sa.text(query.format(where=""))
    after = sa.text(query.format(where=f"WHERE {key} > :last"))
    regions: dict[str | None, str] = {}
    last: Any = None
    changed = 0
    while True:
        rows = bind.execute(first if last is None else after, {"last": last}).all()
        if not rows:
            return changed
        updates = []
        for row_key, number, old, country in rows:
            region = regions.get(country)
            if region is None:
                region = regions[country] = phone_region(country)
            new = digits_for(number or "", region)
            if new != old and len(new) <= MAX_DIGITS:
                updates.append((row_key, new))
        if updates and sqlite:
            bind.exec_driver_sql(
                "UPDATE caller_phone SET digits = ? WHERE rowid = ?",
                [(new, row_key) for row_key, new in updates],
            )
        elif updates:
            bind.execute(
                sa.text(
                    "UPDATE caller_phone AS p SET digits = v.digits FROM unnest("
                    "CAST(:ids AS uuid[]), CAST(:digits AS varchar[])) AS v(id, digits) "
                    "WHERE p.id = v.id"
                ),
                {"ids": [k for k, _new in updates], "digits": [new for _k, new in updates]},
            )
        changed += len(updates)
        last = rows[-1][0]


def _run(digits_for: Callable[[str, str], str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        changed = _rewrite(digits_for)
    else:
        before = bind.exec_driver_sql("PRAGMA cache_size").scalar()
        bind.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
        try:
            changed = _rewrite(digits_for)
        finally:
            bind.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")
    log.info("Rewrote the digits of %d phone numbers", changed)


def upgrade() -> None:
    _run(canonical_digits)


def downgrade() -> None:
    # What revision 0003's writers stored: the digits as written.
    _run(lambda number, _region: phone_digits(number))
