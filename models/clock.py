"""The one source of "now" for the whole program.

Every time stamp Switchboard writes or compares against (a ticket's creation, an SLA
deadline passing, a call's start, a backup's name) comes from :func:`utcnow`, never from
``datetime.now`` directly. The source behind it is the system clock, and can be replaced
as a whole (:func:`use_source`): the tests run on a clock of their own, so they give the
same answers on any date, and a demo or a benchmark can be anchored on a fixed day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

Source = Callable[[], datetime]


def system_now() -> datetime:
    """The operating system's clock, as an aware UTC datetime."""
    return datetime.now(UTC)


_source: Source = system_now


def utcnow() -> datetime:
    """The current time as an aware UTC datetime, from the clock in use."""
    return _source()


@contextmanager
def use_source(source: Source) -> Iterator[None]:
    """Read "now" from ``source`` inside the block, then from the previous clock again."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous
