"""Hours between two timestamps, computed by the database: SQLite and PostgreSQL write date
arithmetic differently, and the report would otherwise read every row's two timestamps into
Python to subtract them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction


class hours_between(GenericFunction[float]):
    """``hours_between(later, earlier)``: (later - earlier) in hours, as a float."""

    type = Float()
    inherit_cache = True


@compiles(hours_between, "sqlite")
def _sqlite(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 24.0)"


@compiles(hours_between, "postgresql")
def _postgresql(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0)"
