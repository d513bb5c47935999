"""Date arithmetic in SQL, which SQLite and PostgreSQL write differently: hours between two
timestamps (the report would otherwise read every row's two timestamps into Python to
subtract them), and a moment some days earlier (where a look-back range starts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction


class hours_between(GenericFunction[float]):
    """``hours_between(later, earlier)``: (later - earlier) in hours, to the second (SQLite's
    day numbers are floats: an hour would otherwise be 0.99999999 of one, and read "60 min"
    where PostgreSQL says "1.0 h")."""

    type = Float()
    inherit_cache = True


@compiles(hours_between, "sqlite")
def _sqlite(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(round((julianday({later}) - julianday({earlier})) * 86400.0) / 3600.0)"


@compiles(hours_between, "postgresql")
def _postgresql(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(round(EXTRACT(EPOCH FROM ({later} - {earlier}))) / 3600.0)"


class days_before(GenericFunction[datetime]):
    """``days_before(moment, days)``: the moment ``days`` whole days earlier, comparable with
    the stored timestamps (so an index range can start there)."""

    inherit_cache = True


@compiles(days_before, "sqlite")
def _sqlite_before(element: days_before, compiler: SQLCompiler, **kw: Any) -> str:
    moment, days = (compiler.process(arg, **kw) for arg in element.clauses)
    # The stored form, to the millisecond: text comparison then orders it with the rows.
    return f"strftime('%Y-%m-%d %H:%M:%f', {moment}, '-' || {days} || ' days')"


@compiles(days_before, "postgresql")
def _postgresql_before(element: days_before, compiler: SQLCompiler, **kw: Any) -> str:
    moment, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({moment} - make_interval(days => {days}))"
