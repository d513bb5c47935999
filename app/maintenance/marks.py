"""The base of the maintenance enums shown as a word and a mark: an occurrence's status on
the calendar, a notice on the desks' banner. The mark is there so a state reads without
colour (print, colour blindness); both live in one place so the two read alike."""

from __future__ import annotations

from enum import Enum


class Labelled(Enum):
    """An enum whose every value is ``(label, symbol)``: "Overdue", "⚠"."""

    @property
    def label(self) -> str:
        """The word for it, as a person reads it."""
        return self.value[0]

    @property
    def symbol(self) -> str:
        """The mark that tells it apart without colour."""
        return self.value[1]
