"""What other parts of the window say to the call desk."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IncomingCall:
    """The phone rang: take the call, with the caller id the softphone passed (screen pop)."""

    number: str
