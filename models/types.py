"""Column types shared by every table.

UUIDs are stored as 16-byte blobs on SQLite (half the size of the hex text form, which
matters for a million tickets and their indexes) and as native ``uuid`` on PostgreSQL.
Timestamps are always UTC: stored naive-UTC on SQLite, ``timestamptz`` on PostgreSQL, and
handed back timezone-aware so that arithmetic never mixes naive and aware values.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
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

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        """On SQLite, the stored bytes straight to a (remembered) UUID, without the binary
        type's own conversion on the way. Elsewhere, as usual."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return _uuid_or_none


def _uuid_or_none(value: bytes | None) -> uuid.UUID | None:
    return None if value is None else _uuid(bytes(value))


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

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        """On SQLite, the stored text straight to an aware datetime with the C parser: the
        usual route (SQLAlchemy's regular expression, then :meth:`process_result_value`)
        cost a third of a month's read of the maintenance calendar. Elsewhere, as usual."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return _utc_from_text


def _utc_from_text(value: str | None) -> datetime | None:
    """SQLite's stored text ("2026-11-24 10:00:00.000000", or with a "T" and an offset when
    written by hand) as an aware UTC datetime."""
    if value is None:
        return None
    if len(value) == _STORED_LENGTH:  # as SQLAlchemy writes it: UTC, no offset
        return datetime.fromisoformat(value + "+00:00")  # a third of the time of .replace()
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_STORED_LENGTH = len("2026-11-24 10:00:00.000000")


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
        # Members by value: calling the enum class for each row read cost 7 µs, a tenth of a
        # month's read of the maintenance calendar.
        members: dict[int, IntEnum] = {member.value: member for member in enum_class}

        def member(value: int | None) -> IntEnum | None:
            if value is None:
                return None
            found = members.get(value)
            return found if found is not None else enum_class(value)  # refuses a stray value

        self._member = member

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(self.enum_class(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> IntEnum | None:
        return self._member(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        """The member straight from the stored number, one call per value instead of the
        decorator's two (a month of the maintenance calendar reads thousands). The integer
        types have no processor of their own on either back end to run first."""
        return self._member


class Table(SQLModel):
    """Base of every table. Table classes never validate input (see the design notes), so
    pydantic's schema for them is built on first use rather than at import: a faster start."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
