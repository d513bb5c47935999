"""What the window itself announces to the pages (:meth:`ui.shell.pages.Page.notice`), as
pages announce what they did to each other.

Pages that list what changed read it again when they hear it; a page that does not care
ignores it, as every page ignores what it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketsRaised:
    """Tickets were created without anyone at the editor: the maintenance schedule raised
    them (:func:`app.maintenance.occurrence_tickets.raise_due_tickets`). ``numbers``: the
    tickets' numbers, earliest occurrence first."""

    numbers: tuple[str, ...]


@dataclass(frozen=True)
class AttentionRaised:
    """The management escalation rules put new items on the manager's attention list
    (ui/attention/watcher.py); ``count``: how many."""

    count: int
