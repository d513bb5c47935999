"""Saved queue views: built-ins first, user views round-trip through the settings table."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine

from app.errors import NotFoundError, ValidationError
from app.queue.query import BUILT_IN_VIEWS, QueueFilter, QueueSort, SavedView, SortColumn
from app.queue.saved_views import delete_view, list_views, save_view
from app.tickets.escalations import EscalationKind
from models.engine import read_session, write_session
from models.enums import Priority, TicketStatus
from models.org import Setting
from tests.conftest import Org


def _names(engine: Engine, username: str = "ann") -> list[str]:
    return [v.name for v in list_views(engine, username)]


def test_built_ins_come_first_and_alone_for_a_new_user(engine: Engine) -> None:
    assert list_views(engine, "ann") == list(BUILT_IN_VIEWS)
    assert _names(engine)[:2] == ["My open", "Unassigned"]


def test_a_manager_has_built_in_views_of_each_kind_of_escalation() -> None:
    views = {v.name: v.filter for v in BUILT_IN_VIEWS}
    assert views["Flagged to a manager"] == QueueFilter(escalation=EscalationKind.HIERARCHICAL)
    assert views["Escalated to another team"] == QueueFilter(escalation=EscalationKind.FUNCTIONAL)


def test_a_view_round_trips_with_every_filter_field(engine: Engine, org: Org) -> None:
    view = SavedView(
        "Printers at HQ",
        QueueFilter(
            statuses=frozenset({TicketStatus.NEW, TicketStatus.WAITING_VENDOR}),
            priorities=frozenset({Priority.CRITICAL, Priority.LOW}),
            assignee=uuid.uuid4(),
            team_id=uuid.uuid4(),
            site_id=uuid.uuid4(),
            category_id=uuid.uuid4(),
            text='50% "toner" O\'Brien \\ _x',
            due_within_minutes=90,
            escalation=EscalationKind.HIERARCHICAL,
        ),
        QueueSort(SortColumn.CALLER, descending=True),
    )
    saved = save_view(engine, org.ann, view)
    assert saved == view
    assert list_views(engine, "ann")[len(BUILT_IN_VIEWS) :] == [view]


@pytest.mark.parametrize("kind", list(EscalationKind))
def test_the_escalation_round_trips_as_a_word(
    engine: Engine, org: Org, kind: EscalationKind
) -> None:
    view = SavedView("Escalations", QueueFilter(escalation=kind))
    save_view(engine, org.ann, view)
    assert list_views(engine, "ann")[-1] == view
    with read_session(engine) as session:
        stored = session.get(Setting, "views:ann")
        assert stored is not None
        assert f'"escalation":"{kind.value}"' in stored.value


@pytest.mark.parametrize("assignee", ["me", "unassigned", "anyone"])
def test_assignee_words_round_trip(engine: Engine, org: Org, assignee: str) -> None:
    view = SavedView("Mine", QueueFilter(assignee=assignee))  # type: ignore[arg-type]
    save_view(engine, org.ann, view)
    assert list_views(engine, "ann")[-1] == view


def test_user_views_are_sorted_replaced_by_name_and_kept_per_user(engine: Engine, org: Org) -> None:
    save_view(engine, org.ann, SavedView("zeta", QueueFilter(text="z")))
    save_view(engine, org.ann, SavedView("  Alpha   one ", QueueFilter(text="a")))
    save_view(engine, org.ann, SavedView("ZETA", QueueFilter(text="new")))
    save_view(engine, org.bob, SavedView("Bob's", QueueFilter()))

    mine = list_views(engine, "ann")[len(BUILT_IN_VIEWS) :]
    assert [(v.name, v.filter.text) for v in mine] == [("Alpha one", "a"), ("ZETA", "new")]
    assert _names(engine, "bob")[len(BUILT_IN_VIEWS) :] == ["Bob's"]


@pytest.mark.parametrize("name", ["My open", "unassigned", "  ALL   TICKETS "])
def test_a_built_in_view_cannot_be_overwritten_or_deleted(
    engine: Engine, org: Org, name: str
) -> None:
    with pytest.raises(ValidationError, match="built-in"):
        save_view(engine, org.ann, SavedView(name, QueueFilter(text="x")))
    with pytest.raises(ValidationError, match="built-in"):
        delete_view(engine, org.ann, name.strip())
    assert list_views(engine, "ann") == list(BUILT_IN_VIEWS)


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_view_needs_a_sensible_name(engine: Engine, org: Org, name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        save_view(engine, org.ann, SavedView(name))
    assert "name" in raised.value.problems


def test_delete_removes_only_that_view(engine: Engine, org: Org) -> None:
    save_view(engine, org.ann, SavedView("One"))
    save_view(engine, org.ann, SavedView("Two"))
    delete_view(engine, org.ann, "one")
    assert _names(engine)[len(BUILT_IN_VIEWS) :] == ["Two"]
    with pytest.raises(NotFoundError):
        delete_view(engine, org.ann, "One")


def test_a_full_list_refuses_another_view_and_keeps_the_others(engine: Engine, org: Org) -> None:
    long_text = "t" * 150
    saved = 0
    with pytest.raises(ValidationError, match="no room"):
        for saved in range(100):
            save_view(engine, org.ann, SavedView(f"View {saved:02d}", QueueFilter(text=long_text)))
    assert saved > 5
    assert len(list_views(engine, "ann")) == len(BUILT_IN_VIEWS) + saved


def test_damaged_settings_fall_back_to_the_good_views(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    good = '{"name":"Good","filter":{"text":"ok"}}'
    bad = '{"name":"Bad","filter":{"statuses":[99]}}'
    unknown_kind = '{"name":"Odd","filter":{"escalation":"sideways"}}'
    with write_session(engine) as session:
        session.add(Setting(key="views:ann", value=f"[{good},{bad},{unknown_kind},42]"))
        session.add(Setting(key="views:bob", value="not json"))
    assert _names(engine)[len(BUILT_IN_VIEWS) :] == ["Good"]
    assert list_views(engine, "bob") == list(BUILT_IN_VIEWS)
    assert "damaged saved view" in caplog.text and "not valid JSON" in caplog.text
