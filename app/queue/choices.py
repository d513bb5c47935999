"""Everything the queue's filter bar lists, read in one session: the organisation's pick lists
and the user's saved views."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from app.pick_lists import OrganisationLists, organisation_lists
from app.queue.query import SavedView
from app.queue.saved_views import views_in
from models.engine import read_session


@dataclass(frozen=True)
class QueueChoices:
    lists: OrganisationLists
    views: list[SavedView]  # built-in first, then the user's own


def queue_choices(engine: Engine, username: str) -> QueueChoices:
    with read_session(engine) as session:
        return QueueChoices(organisation_lists(session), views_in(session, username))
