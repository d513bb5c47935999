"""Shared constants and helpers of the demo-data generator."""

from __future__ import annotations

import logging
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
