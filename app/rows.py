"""A row the person chose from a list, read again to change it: or, if someone removed it
meanwhile, a :class:`~app.errors.NotFoundError` that says so and what to do."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlmodel import Session, SQLModel

from app.errors import NotFoundError

Row = TypeVar("Row", bound=SQLModel)


def existing(session: Session, model: type[Row], row_id: uuid.UUID, missing: str) -> Row:
    """The ``model`` row ``row_id``; refused with ``missing`` when it is gone."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(missing)
    return row


def gone(what: str) -> str:
    """What to say of a chosen ``what`` ("team") that is no longer there."""
    return f"That {what} is not on this database any more; refresh the list and choose again."
