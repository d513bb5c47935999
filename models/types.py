"""Column types shared by every table.

UUIDs are stored as 16-byte blobs on SQLite (half the size of the hex text form, which
matters for a million tickets and their indexes) and as native ``uuid`` on PostgreSQL.
Timestamps are always UTC: stored naive-UTC on SQLite, ``timestamptz`` on PostgreSQL, and
handed back timezone-aware so that arithmetic never mixes naive and aware values.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import LargeBinary, SmallInteger, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeEngine
from sqlmodel import SQLModel


class UUIDType(TypeDecorator[uuid.UUID]):
    """A UUID column: native on PostgreSQL, 16 raw bytes elsewhere."""

    impl = LargeBinary(16)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql  # only PostgreSQL users pay the import

            return dialect.type_descriptor(postgresql.UUID(as_uuid=True))
        return dialect.type_descriptor(LargeBinary(16))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, uuid.UUID):
            value = uuid.UUID(str(value))
        return value if dialect.name == "postgresql" else value.bytes

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        if value is None:
            return None
        if isinstance(value, uuid.UUID):
            return value
        return _uuid(bytes(value))


@functools.lru_cache(maxsize=1 << 16)
def _uuid(raw: bytes) -> uuid.UUID:
    """The UUID of 16 raw bytes, remembered: a read returns the same few ids many times
    (every occurrence of a month names its task), and each costs more to make than to find."""
    return uuid.UUID(bytes=raw)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always UTC and always timezone-aware in Python."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given; timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def new_id() -> uuid.UUID:
    """A new random primary key."""
    return uuid.uuid4()


class IntEnumType(TypeDecorator[IntEnum]):
    """An IntEnum stored as a small integer and read back as the enum member."""

    impl = SmallInteger
    cache_ok = True

    def __init__(self, enum_class: type[IntEnum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(self.enum_class(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> IntEnum | None:
        return None if value is None else self.enum_class(value)


class Table(SQLModel):
    """Base of every table. Table classes never validate input (see the design notes), so
    pydantic's schema for them is built on first use rather than at import: a faster start."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
