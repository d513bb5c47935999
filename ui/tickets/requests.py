"""What pages say to the ticket editor, and what it says back.

Another page asks the editor to show a ticket with a :class:`TicketRequest` (through
:attr:`ui.shell.pages.Page.navigate`); the editor announces every save as
:class:`TicketSaved`, naming the request it was working on, so the page that asked (the call
desk, logging a ticket for the caller on the line) recognises its own ticket, and every
other page (the queue) simply shows the change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.tickets.detail import TicketDetail


@dataclass(frozen=True)
class TicketPrefill:
    """A new ticket's starting values when it comes from a call: caller, site, asset,
    channel phone, and "resolved on the call" when the operator chose that outcome."""

    caller_id: uuid.UUID
    caller_name: str
    site_id: uuid.UUID | None
    asset_id: uuid.UUID | None = None
    asset_label: str = ""
    resolved_on_call: bool = False


@dataclass(frozen=True, eq=False)  # compared by identity: the asker knows its own request
class TicketRequest:
    """Show this ticket in the editor, or a new one (blank, or started with ``prefill``)."""

    ticket_id: uuid.UUID | None = None
    prefill: TicketPrefill | None = None
    back_when_saved: bool = False  # once saved, go back to the page that asked


@dataclass(frozen=True)
class TicketSaved:
    """A ticket was saved in the editor, while it showed ``request``."""

    detail: TicketDetail
    request: TicketRequest | None
