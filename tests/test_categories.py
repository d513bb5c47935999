"""Categories: the two-level tree, its rules, retiring, and the starting list
(app/org/categories.py)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.errors import PermissionDenied, ValidationError
from app.org.categories import (
    DEFAULT_CATEGORIES,
    CategoryDraft,
    CategoryTree,
    add_default_categories,
    category_tree,
    restore_category,
    retire_category,
    save_category,
)
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, create_ticket
from app.tickets.priority import DEFAULT_MATRICES, replace_matrix
from models.audit import AuditEvent, AuditKind
from models.engine import read_session
from models.tickets import Ticket
from tests.conftest import Org


def _trail(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == AuditKind.CATEGORY_CHANGED.value)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
        return [row.detail for row in rows]


def _shape(tree: CategoryTree) -> dict[str, list[str]]:
    return {node.name: [child.name for child in node.children] for node in tree.categories}


def _hardware(engine: Engine, actor: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    top = save_category(engine, actor, CategoryDraft("Hardware"))
    laptop = save_category(engine, actor, CategoryDraft("Laptop", parent_id=top))
    return top, laptop


def test_the_tree_has_subcategories_under_their_category(engine: Engine, org: Org) -> None:
    _hardware(engine, org.mia)
    tree = category_tree(engine)
    assert _shape(tree) == {
        "Hardware": ["Laptop"],
        "Network outage": [],
        "Printing": [],
    }
    assert [t.label for t in tree.teams] == ["Network", "Service desk"]
    assert tree.matrix_size == 3
    assert next(n for n in tree.categories if n.name == "Printing").default_team == "Service desk"


def test_a_category_is_added_with_its_defaults_and_the_trail_says_so(
    engine: Engine, org: Org
) -> None:
    top, _laptop = _hardware(engine, org.mia)
    save_category(
        engine,
        org.mia,
        CategoryDraft("Hardware", default_team_id=org.desk, default_impact=3, default_urgency=2),
        top,
    )
    node = next(n for n in category_tree(engine).categories if n.name == "Hardware")
    assert (node.default_team, node.default_impact, node.default_urgency) == (
        "Service desk",
        3,
        2,
    )
    assert _trail(engine) == [
        "Added category Hardware",
        "Added category Hardware › Laptop",
        "Hardware: default team none → Service desk; impact none → 3; urgency none → 2",
    ]


def test_saving_the_same_values_writes_nothing(engine: Engine, org: Org) -> None:
    save_category(
        engine, org.mia, CategoryDraft("Printing", default_team_id=org.desk), org.printing
    )
    assert _trail(engine) == []


@pytest.mark.parametrize("name", ["printing", "  PRINTING "])
def test_a_taken_name_is_refused_at_the_field(engine: Engine, org: Org, name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        save_category(engine, org.mia, CategoryDraft(name))
    assert refused.value.problems == {
        "name": "There is already a category called Printing; choose another name."
    }


def test_a_missing_name_is_refused(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        save_category(engine, org.mia, CategoryDraft("   "))
    assert set(refused.value.problems) == {"name"}


def test_a_category_cannot_be_its_own_parent(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        save_category(
            engine, org.mia, CategoryDraft("Printing", parent_id=org.printing), org.printing
        )
    assert "category cycle" in refused.value.problems["parent"]


def test_a_category_cannot_go_under_its_own_subcategory(engine: Engine, org: Org) -> None:
    top, laptop = _hardware(engine, org.mia)
    with pytest.raises(ValidationError) as refused:
        save_category(engine, org.mia, CategoryDraft("Hardware", parent_id=laptop), top)
    assert refused.value.problems["parent"] == (
        "Laptop is a subcategory of Hardware: putting Hardware under it would make a category "
        "cycle."
    )


def test_a_subcategory_cannot_have_children(engine: Engine, org: Org) -> None:
    _top, laptop = _hardware(engine, org.mia)
    with pytest.raises(ValidationError) as refused:
        save_category(engine, org.mia, CategoryDraft("Battery", parent_id=laptop))
    assert "two levels" in refused.value.problems["parent"]


def test_a_category_with_subcategories_stays_at_the_top(engine: Engine, org: Org) -> None:
    top, _laptop = _hardware(engine, org.mia)
    with pytest.raises(ValidationError) as refused:
        save_category(engine, org.mia, CategoryDraft("Hardware", parent_id=org.printing), top)
    assert refused.value.problems["parent"].startswith("Hardware has subcategories (Laptop)")
    assert _shape(category_tree(engine))["Hardware"] == ["Laptop"]


def test_a_leaf_category_can_become_a_subcategory(engine: Engine, org: Org) -> None:
    draft = CategoryDraft("Network outage", parent_id=org.printing, default_team_id=org.network)
    save_category(engine, org.mia, draft, org.wan)
    assert _shape(category_tree(engine)) == {"Printing": ["Network outage"]}
    assert _trail(engine) == ["Network outage: parent none (top level) → Printing"]


def test_impact_and_urgency_follow_the_matrix_size(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        save_category(engine, org.mia, CategoryDraft("Phones", default_impact=4, default_urgency=0))
    assert set(refused.value.problems) == {"default_impact", "default_urgency"}
    assert "from 1 to 3" in refused.value.problems["default_impact"]
    replace_matrix(engine, DEFAULT_MATRICES[4], org.mia)
    save_category(engine, org.mia, CategoryDraft("Phones", default_impact=4, default_urgency=4))
    assert category_tree(engine).matrix_size == 4


def test_an_unknown_default_team_is_refused(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        save_category(engine, org.mia, CategoryDraft("Phones", default_team_id=org.alice))
    assert set(refused.value.problems) == {"default_team"}


def test_retiring_keeps_tickets_hides_it_and_takes_its_subcategories(
    engine: Engine, org: Org
) -> None:
    top, laptop = _hardware(engine, org.mia)
    ticket = create_ticket(
        engine, TicketDraft(summary="Screen dark", caller_id=org.alice, category_id=laptop), org.ada
    )
    retire_category(engine, org.mia, top)
    retire_category(engine, org.mia, top)  # already retired: nothing more
    assert "Hardware" not in _shape(category_tree(engine))
    shown = {n.name: n for n in category_tree(engine, include_retired=True).categories}
    assert shown["Hardware"].retired and shown["Hardware"].children[0].retired
    with read_session(engine) as session:
        stored = session.get(Ticket, ticket.id)
        assert stored is not None and stored.category_id == laptop
    assert _trail(engine)[-1] == "Retired Hardware and its subcategories Laptop"


def test_a_subcategory_is_restored_only_under_an_active_category(engine: Engine, org: Org) -> None:
    top, laptop = _hardware(engine, org.mia)
    retire_category(engine, org.mia, top)
    with pytest.raises(ValidationError) as refused:
        restore_category(engine, org.mia, laptop)
    assert "restore Hardware first" in refused.value.problems["retired"]
    restore_category(engine, org.mia, top)
    restore_category(engine, org.mia, laptop)
    assert _shape(category_tree(engine))["Hardware"] == ["Laptop"]


def test_no_new_subcategory_under_a_retired_category(engine: Engine, org: Org) -> None:
    retire_category(engine, org.mia, org.printing)
    with pytest.raises(ValidationError) as refused:
        save_category(engine, org.mia, CategoryDraft("Toner", parent_id=org.printing))
    assert "retired" in refused.value.problems["parent"]


def test_the_starting_list_adds_what_is_missing_once(engine: Engine, org: Org) -> None:
    save_category(engine, org.mia, CategoryDraft("laptop"))  # taken already, at the top
    added = add_default_categories(engine, org.ada)
    expected = sum(1 + len(subs) for _top, subs in DEFAULT_CATEGORIES) - 1
    assert added == expected
    shape = _shape(category_tree(engine))
    assert "Printer" in shape["Hardware"] and "laptop" in shape
    assert "VPN" in shape["Network"] and "Password reset" in shape["Accounts"]
    assert add_default_categories(engine, org.ada) == 0
    assert len(_trail(engine)) == 2  # the laptop, then one row for the list


def test_an_operator_is_refused_and_nothing_changes(engine: Engine, org: Org) -> None:
    for attempt in (
        lambda: save_category(engine, org.ann, CategoryDraft("Mine")),
        lambda: retire_category(engine, org.ann, org.printing),
        lambda: restore_category(engine, org.ann, org.printing),
        lambda: add_default_categories(engine, org.ann),
    ):
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert str(refused.value) == refusal(Action.MANAGE_CATEGORIES)
    assert _shape(category_tree(engine)) == {"Network outage": [], "Printing": []}
