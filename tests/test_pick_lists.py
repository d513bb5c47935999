"""Pick lists: a form or a filter bar gets everything it lists in one call, read in one
session (one round trip to a shared server, lists that agree with each other)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from app.pick_lists import caller_site_and_assets, ticket_choices
from app.queue.choices import queue_choices
from app.queue.query import BUILT_IN_VIEWS, SavedView
from app.queue.saved_views import save_view
from app.tickets.priority import DEFAULT_MATRICES
from models.engine import write_session
from models.org import Staff
from tests.conftest import Org


@contextmanager
def connections_used(engine: Engine) -> Iterator[Callable[[], int]]:
    """How many times a connection was taken from the pool inside the block."""
    taken: list[Any] = []

    def checkout(*_args: Any) -> None:
        taken.append(True)

    event.listen(engine.pool, "checkout", checkout)
    try:
        yield lambda: len(taken)
    finally:
        event.remove(engine.pool, "checkout", checkout)


def test_the_ticket_form_gets_its_lists_and_matrix_in_one_session(engine: Engine, org: Org) -> None:
    with write_session(engine) as s:
        s.add(Staff(name="Old Timer", username="old", active=False))
    with connections_used(engine) as used:
        choices = ticket_choices(engine)
    assert used() == 1
    lists = choices.lists
    assert [(s.label, s.detail) for s in lists.sites] == [("HQ", "Head office"), ("NY", "New York")]
    assert [t.label for t in lists.teams] == ["Network", "Service desk"]
    assert [p.label for p in lists.staff] == [
        "Ada Admin",
        "Ann Operator",
        "Bob Tech",
        "Mia Manager",
    ]
    assert [c.label for c in lists.categories] == ["Network outage", "Printing"]
    assert choices.matrix == DEFAULT_MATRICES[3]


def test_the_queue_filters_get_their_lists_and_the_users_views_in_one_session(
    engine: Engine, org: Org
) -> None:
    mine = save_view(engine, org.ann, SavedView("Printers"))
    with connections_used(engine) as used:
        choices = queue_choices(engine, "ann")
    assert used() == 1
    assert choices.views == [*BUILT_IN_VIEWS, mine]
    assert [t.label for t in choices.lists.teams] == ["Network", "Service desk"]
    assert queue_choices(engine, "bob").views == list(BUILT_IN_VIEWS)


def test_a_callers_site_and_assets(engine: Engine, org: Org) -> None:
    site, assets = caller_site_and_assets(engine, org.alice)
    assert site == org.hq
    assert [(a.id, a.label, a.detail) for a in assets] == [(org.laptop, "LT-0001", "ThinkPad T14")]
