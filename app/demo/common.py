"""Shared constants and helpers of the demo-data generator."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

EMPTY_ONLY = "demo data goes into an empty database only"

# Rows per transaction: large enough that commit overhead vanishes, small enough that the
# WAL and the Python lists stay modest and progress moves every second or so.
TICKET_BATCH = 10_000
CALLER_BATCH = 20_000

_DAY = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Version-4 UUIDs drawn from the seeded generator: same seed, same ids.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def seeded_id(rng: random.Random) -> int:
    """A version-4 UUID, as its integer, drawn from the seeded generator ``rng``."""
    return (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET


class SeededIds:
    """New primary keys drawn from a seeded generator: same seed, same ids."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=seeded_id(self.rng))
