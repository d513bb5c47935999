"""What every use case needs to know about the running session: the database and who is
at the keyboard. Built once by the composition root and handed to the UI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class AppContext:
    engine: Engine
    me: uuid.UUID
    username: str
    name: str = ""  # the staff member's name, for the status bar ("" where none is known)
    role: str = ""  # their role in words: "Operator", "Manager"...


@dataclass(frozen=True)
class SignInNeeded:
    """The database is open, and asks who is at the keyboard: its staff share one OS
    account and sign in with a Switchboard password (app/sign_in.py) before the window
    gets an :class:`AppContext`."""

    engine: Engine
