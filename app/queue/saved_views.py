"""Saved queue views: the built-in ones plus each user's own, stored in the settings table.

User views live as one compact JSON list per user under ``views:{username}`` in ``Setting``,
so they follow the user to any workstation on the same database and need no schema of their
own. The value column holds at most 2,000 characters: defaults are left out of the JSON, and a
save that would not fit is refused with a message instead of failing in the database.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import fields
from enum import Enum
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from app.errors import NotFoundError, ValidationError
from app.permissions import Action, require
from app.queue.query import (
    BUILT_IN_VIEWS,
    AssigneeChoice,
    QueueFilter,
    QueueSort,
    SavedView,
    SortColumn,
)
from app.tickets.escalations import EscalationKind
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import Priority, TicketStatus
from models.org import Setting

log = logging.getLogger(__name__)

NAME_MAX = 60
_VALUE_MAX = 2000
_ASSIGNEE_WORDS: dict[str, AssigneeChoice] = {w: w for w in ("anyone", "me", "unassigned")}
_DEFAULT_FILTER = QueueFilter()
_DEFAULT_SORT = QueueSort()


def _key(username: str) -> str:
    return f"views:{username}"


def _encode_filter(f: QueueFilter) -> dict[str, Any]:
    """Only the fields that differ from the default filter, as JSON-friendly values."""
    encoded: dict[str, Any] = {}
    for item in fields(QueueFilter):
        value = getattr(f, item.name)
        if value == getattr(_DEFAULT_FILTER, item.name):
            continue
        if isinstance(value, frozenset):
            value = sorted(int(v) for v in value)
        elif isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, Enum):
            value = value.value
        encoded[item.name] = value
    return encoded


def _encode(view: SavedView) -> dict[str, Any]:
    encoded: dict[str, Any] = {"name": view.name, "filter": _encode_filter(view.filter)}
    if view.sort != _DEFAULT_SORT:
        encoded["sort"] = {"column": view.sort.column.name, "descending": view.sort.descending}
    return encoded


def _optional_id(value: Any) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _optional_escalation(value: Any) -> EscalationKind | None:
    return None if value is None else EscalationKind(value)


def parse_assignee(value: str) -> AssigneeChoice:
    """The assignee choice written as text: "anyone", "me", "unassigned" or a staff id."""
    return _ASSIGNEE_WORDS[value] if value in _ASSIGNEE_WORDS else uuid.UUID(value)


def _decode(data: dict[str, Any]) -> SavedView:
    """Raises KeyError/ValueError/TypeError on anything malformed."""
    raw = data["filter"]
    view_filter = QueueFilter(
        statuses=frozenset(TicketStatus(v) for v in raw.get("statuses", _DEFAULT_FILTER.statuses)),
        priorities=frozenset(Priority(v) for v in raw.get("priorities", ())),
        assignee=parse_assignee(raw.get("assignee", "anyone")),
        team_id=_optional_id(raw.get("team_id")),
        site_id=_optional_id(raw.get("site_id")),
        category_id=_optional_id(raw.get("category_id")),
        text=str(raw.get("text", "")),
        due_within_minutes=_optional_int(raw.get("due_within_minutes")),
        escalation=_optional_escalation(raw.get("escalation")),
        vendor_overdue=bool(raw.get("vendor_overdue", False)),
    )
    sort = data.get("sort")
    view_sort = (
        QueueSort(SortColumn[sort["column"]], bool(sort["descending"])) if sort else _DEFAULT_SORT
    )
    return SavedView(str(data["name"]), view_filter, view_sort)


def _parse(value: str, username: str) -> list[SavedView]:
    """The user's views; a damaged entry is logged and skipped so the queue still opens."""
    try:
        entries = json.loads(value)
    except ValueError:
        log.warning("Saved views of %s are not valid JSON; ignoring them", username)
        return []
    views = []
    for entry in entries if isinstance(entries, list) else []:
        try:
            views.append(_decode(entry))
        except (KeyError, ValueError, TypeError, AttributeError):
            log.warning("Skipping a damaged saved view of %s: %r", username, entry)
    return views


def views_in(session: Session, username: str) -> list[SavedView]:
    """Built-in views first, then the user's own in alphabetical order, read in ``session``."""
    setting = session.get(Setting, _key(username))
    return [*BUILT_IN_VIEWS, *(_parse(setting.value, username) if setting else [])]


def _tidy(name: str) -> str:
    return " ".join(name.split())


def _built_in(name: str) -> SavedView | None:
    folded = _tidy(name).casefold()
    return next((v for v in BUILT_IN_VIEWS if v.name.casefold() == folded), None)


def _write(
    engine: Engine, actor_id: uuid.UUID, change: Callable[[list[SavedView]], list[SavedView]]
) -> None:
    """Read-modify-write the actor's own list in one write transaction (locked on
    PostgreSQL). The list is the one filed under the actor's username as read in that
    transaction, so nobody writes another person's views."""
    with write_session(engine) as session:
        username = require(session, actor_id, Action.SAVE_OWN_VIEWS)
        setting = session.get(Setting, _key(username), with_for_update=True)
        views: list[SavedView] = change(_parse(setting.value, username) if setting else [])
        value = json.dumps([_encode(v) for v in views], separators=(",", ":"))
        if len(value) > _VALUE_MAX:
            raise ValidationError(
                {"name": "There is no room for another saved view; delete one you no longer use."}
            )
        if setting is None:
            setting = Setting(key=_key(username), value=value)
        setting.value, setting.updated_at = value, utcnow()
        session.add(setting)


def list_views(engine: Engine, username: str) -> list[SavedView]:
    """Built-in views first, then the user's own in alphabetical order."""
    with read_session(engine) as session:
        return views_in(session, username)


def save_view(engine: Engine, actor_id: uuid.UUID, view: SavedView) -> SavedView:
    """Store ``view`` under its (tidied) name among ``actor_id``'s own views, replacing
    their view of the same name."""
    name = _tidy(view.name)
    if not name:
        raise ValidationError({"name": "Give the view a name."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Keep the name under {NAME_MAX} characters."})
    if _built_in(name) is not None:
        raise ValidationError({"name": f"“{name}” is a built-in view; choose another name."})
    saved = SavedView(name, view.filter, view.sort)

    def replace(views: list[SavedView]) -> list[SavedView]:
        kept = [v for v in views if v.name.casefold() != name.casefold()]
        return sorted([*kept, saved], key=lambda v: v.name.casefold())

    _write(engine, actor_id, replace)
    return saved


def delete_view(engine: Engine, actor_id: uuid.UUID, name: str) -> None:
    """Remove one of ``actor_id``'s own views; built-in views cannot be deleted."""
    name = _tidy(name)
    if _built_in(name) is not None:
        raise ValidationError({"name": f"“{name}” is a built-in view and cannot be deleted."})

    def remove(views: list[SavedView]) -> list[SavedView]:
        kept = [v for v in views if v.name.casefold() != name.casefold()]
        if len(kept) == len(views):
            raise NotFoundError(f"There is no saved view called “{name}”.")
        return kept

    _write(engine, actor_id, remove)
