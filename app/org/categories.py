"""Categories: what a ticket is about, in a two-level tree (category > subcategory).

A category may suggest the team that handles it and the impact and urgency a new ticket
starts with. Everyone reads the tree; managers and admins change it
(:data:`Action.MANAGE_CATEGORIES`, checked inside each write's transaction), and every change
writes one audit row (``CATEGORY_CHANGED``) saying what changed; a no-op writes none.

The rules:

- a name is required and unique across the whole tree, ignoring case (a ticket shows only
  its category's name, so two "Other"s could not be told apart);
- two levels only: a subcategory's parent is a top-level category, a subcategory has no
  children, and a category with subcategories stays at the top. So no category is its own
  ancestor: the "category cycle" of a longer tree cannot arise;
- default impact and urgency are 1..n of the priority matrix in use (3 or 4), or none;
- categories are retired, never deleted: a retired one keeps its tickets and history and is
  offered for no new ticket. Retiring a category retires its subcategories too; a
  subcategory is restored only under an active category.

:data:`DEFAULT_CATEGORIES` is the starting list the first-run wizard offers, and
:func:`add_default_categories` adds whichever of it is missing.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from app.pick_lists import Choice
from app.rows import existing, gone
from app.tickets.priority import matrix_size
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.org import Category, Team

log = logging.getLogger(__name__)

MAX_NAME = 80  # Category.name's column

# A short, realistic IT list: (category, its subcategories).
DEFAULT_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Hardware", ("Laptop", "Desktop", "Printer", "Monitor", "Phone handset")),
    ("Network", ("Wi-Fi", "VPN", "Wired connection", "Internet access")),
    ("Accounts", ("Password reset", "Account locked", "New starter", "Leaver", "Permissions")),
    ("Software", ("Installation", "Licence", "Office apps", "Business application")),
    ("Email", ("Mailbox", "Shared mailbox", "Spam and phishing", "Calendar")),
    ("Security", ("Virus or malware", "Lost or stolen device")),
)


@dataclass(frozen=True)
class CategoryNode:
    """One category as the tree shows it; ``children`` are its subcategories, by name."""

    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    default_team_id: uuid.UUID | None
    default_team: str  # the team's name, "" for none
    default_impact: int | None
    default_urgency: int | None
    retired: bool
    children: tuple[CategoryNode, ...] = ()


@dataclass(frozen=True)
class CategoryTree:
    """What the categories page shows and its editor offers, read in one session."""

    categories: tuple[CategoryNode, ...]  # top-level, by name, each with its subcategories
    teams: tuple[Choice, ...]  # for the default team, by name
    matrix_size: int  # impact and urgency run 1..matrix_size


@dataclass(frozen=True)
class CategoryDraft:
    """What a person typed for a category."""

    name: str
    parent_id: uuid.UUID | None = None
    default_team_id: uuid.UUID | None = None
    default_impact: int | None = None
    default_urgency: int | None = None


def category_tree(engine: Engine, *, include_retired: bool = False) -> CategoryTree:
    """The tree (retired categories only if asked), the teams and the matrix size."""
    with read_session(engine) as session:
        teams = session.exec(select(Team).order_by(func.lower(Team.name))).all()
        query = select(Category).order_by(func.lower(Category.name))
        if not include_retired:
            query = query.where(col(Category.retired).is_(False))
        rows = session.exec(query).all()
        size = matrix_size(session)
    team_names = {team.id: team.name for team in teams}
    children: dict[uuid.UUID, list[CategoryNode]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(_node(row, team_names))
    top = tuple(
        _node(row, team_names, tuple(children.get(row.id, ())))
        for row in rows
        if row.parent_id is None
    )
    return CategoryTree(top, tuple(Choice(t.id, t.name) for t in teams), size)


def save_category(
    engine: Engine,
    actor_id: uuid.UUID,
    draft: CategoryDraft,
    category_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Add a category (``category_id`` None) or change one; returns its id. Each broken
    rule is a problem at its field: ``name``, ``parent``, ``default_team``,
    ``default_impact``, ``default_urgency``; nothing is saved then."""
    name = " ".join(draft.name.split())
    problems = _name_problems(name)
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_CATEGORIES)
        category = _category(session, category_id) if category_id is not None else None
        if not problems:
            problems.update(_name_taken(session, name, category_id))
        problems.update(_parent_problems(session, draft.parent_id, category))
        problems.update(_default_problems(session, draft))
        if problems:
            raise ValidationError(problems)
        if category is None:
            category = Category(
                name=name,
                parent_id=draft.parent_id,
                default_team_id=draft.default_team_id,
                default_impact=draft.default_impact,
                default_urgency=draft.default_urgency,
            )
            session.add(category)
            session.flush()
            detail = f"Added category {_path(session, category)}"
        else:
            changes = _changes(session, category, name, draft)
            if not changes:
                return category.id
            category.name = name
            category.parent_id = draft.parent_id
            category.default_team_id = draft.default_team_id
            category.default_impact = draft.default_impact
            category.default_urgency = draft.default_urgency
            detail = "; ".join(changes)
        record(session, actor_id, AuditKind.CATEGORY_CHANGED, detail, subject_id=category.id)
        log.info("Category %s saved", name)
        return category.id


def retire_category(engine: Engine, actor_id: uuid.UUID, category_id: uuid.UUID) -> None:
    """Offer ``category_id`` (and its subcategories) for no new ticket; their tickets keep
    them."""
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_CATEGORIES)
        category = _category(session, category_id)
        if category.retired:
            return
        subs = session.exec(
            select(Category).where(
                Category.parent_id == category.id, col(Category.retired).is_(False)
            )
        ).all()
        category.retired = True
        for sub in subs:
            sub.retired = True
        with_subs = f" and its subcategories {', '.join(s.name for s in subs)}" if subs else ""
        record(
            session,
            actor_id,
            AuditKind.CATEGORY_CHANGED,
            f"Retired {category.name}{with_subs}",
            subject_id=category.id,
        )
    log.info("Category %s retired", category.name)


def restore_category(engine: Engine, actor_id: uuid.UUID, category_id: uuid.UUID) -> None:
    """Offer a retired category for new tickets again (its subcategories stay retired
    until each is restored); a subcategory only under an active category."""
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_CATEGORIES)
        category = _category(session, category_id)
        if not category.retired:
            return
        parent = session.get(Category, category.parent_id) if category.parent_id else None
        if parent is not None and parent.retired:
            raise ValidationError(
                {
                    "retired": f"{category.name} is under {parent.name}, which is retired; "
                    f"restore {parent.name} first."
                }
            )
        category.retired = False
        record(
            session,
            actor_id,
            AuditKind.CATEGORY_CHANGED,
            f"Restored {category.name}",
            subject_id=category.id,
        )
    log.info("Category %s restored", category.name)


def add_default_categories(engine: Engine, actor_id: uuid.UUID) -> int:
    """Add each category of :data:`DEFAULT_CATEGORIES` whose name is not used yet (ignoring
    case), under its category; returns how many were added (0 writes no audit row)."""
    added: list[str] = []
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_CATEGORIES)
        existing = {c.name.casefold(): c for c in session.exec(select(Category)).all()}
        for top_name, subs in DEFAULT_CATEGORIES:
            top = existing.get(top_name.casefold())
            if top is None:
                top = Category(name=top_name)
                session.add(top)
                session.flush()
                existing[top_name.casefold()] = top
                added.append(top_name)
            if top.parent_id is not None:  # the name is used by a subcategory: leave it be
                continue
            for sub_name in subs:
                if sub_name.casefold() not in existing:
                    sub = Category(name=sub_name, parent_id=top.id)
                    session.add(sub)
                    existing[sub_name.casefold()] = sub
                    added.append(f"{top.name} › {sub_name}")
        if added:
            record(
                session,
                actor_id,
                AuditKind.CATEGORY_CHANGED,
                f"Added {len(added)} starting categories: {', '.join(added)}",
            )
    log.info("%d starting categories added", len(added))
    return len(added)


def _node(
    row: Category, team_names: dict[uuid.UUID, str], children: tuple[CategoryNode, ...] = ()
) -> CategoryNode:
    return CategoryNode(
        id=row.id,
        name=row.name,
        parent_id=row.parent_id,
        default_team_id=row.default_team_id,
        default_team=team_names.get(row.default_team_id, "") if row.default_team_id else "",
        default_impact=row.default_impact,
        default_urgency=row.default_urgency,
        retired=row.retired,
        children=children,
    )


def _category(session: Session, category_id: uuid.UUID) -> Category:
    return existing(session, Category, category_id, gone("category"))


def _path(session: Session, category: Category) -> str:
    """ "Hardware › Laptop" for a subcategory, the name for a top-level one."""
    parent = session.get(Category, category.parent_id) if category.parent_id else None
    return f"{parent.name} › {category.name}" if parent else category.name


def _name_problems(name: str) -> dict[str, str]:
    if not name:
        return {"name": "Type the category's name, as callers describe the problem (Printer)."}
    if len(name) > MAX_NAME:
        return {"name": f"The name has {len(name)} characters; use at most {MAX_NAME}."}
    return {}


def _name_taken(session: Session, name: str, category_id: uuid.UUID | None) -> dict[str, str]:
    query = select(Category).where(func.lower(Category.name) == name.lower())
    if category_id is not None:
        query = query.where(col(Category.id) != category_id)
    holder = session.exec(query).first()
    if holder is None:
        return {}
    retired = " (retired: restore it instead)" if holder.retired else ""
    return {
        "name": f"There is already a category called {_path(session, holder)}{retired}; "
        "choose another name."
    }


def _parent_problems(
    session: Session, parent_id: uuid.UUID | None, category: Category | None
) -> dict[str, str]:
    """The two-level rule for ``category`` (None: a new one) under ``parent_id``."""
    if parent_id is None:
        return {}
    parent = session.get(Category, parent_id)
    if parent is None:
        return {"parent": "That category is not on this database any more; choose another."}
    if category is not None and parent.id == category.id:
        return {"parent": f"{category.name} cannot be its own parent (a category cycle)."}
    if parent.parent_id is not None:
        grand = session.get(Category, parent.parent_id)
        if category is not None and parent.parent_id == category.id:
            return {
                "parent": f"{parent.name} is a subcategory of {category.name}: putting "
                f"{category.name} under it would make a category cycle."
            }
        above = grand.name if grand else "another category"
        return {
            "parent": f"{parent.name} is already a subcategory (of {above}); choose a "
            "top-level category: the tree has two levels."
        }
    if parent.retired and (category is None or category.parent_id != parent.id):
        return {"parent": f"{parent.name} is retired; restore it first or choose another."}
    if category is not None:
        subs = session.exec(
            select(Category.name).where(Category.parent_id == category.id).order_by(Category.name)
        ).all()
        if subs:
            return {
                "parent": f"{category.name} has subcategories ({', '.join(subs)}), so it stays "
                "at the top: the tree has two levels. Move them first."
            }
    return {}


def _default_problems(session: Session, draft: CategoryDraft) -> dict[str, str]:
    problems: dict[str, str] = {}
    if draft.default_team_id is not None and session.get(Team, draft.default_team_id) is None:
        problems["default_team"] = "That team is not on this database any more; choose another."
    size = matrix_size(session)
    for key, value in (
        ("default_impact", draft.default_impact),
        ("default_urgency", draft.default_urgency),
    ):
        if value is not None and not 1 <= value <= size:
            word = key.removeprefix("default_")
            problems[key] = (
                f"The priority matrix is {size}x{size}: choose a {word} from 1 to {size}, or none."
            )
    return problems


def _changes(session: Session, category: Category, name: str, draft: CategoryDraft) -> list[str]:
    """What saving would change, in words: "Printing: name Printing → Printers"."""

    def category_name(category_id: uuid.UUID | None) -> str:
        found = session.get(Category, category_id) if category_id else None
        return found.name if found else "none (top level)"

    def team_name(team_id: uuid.UUID | None) -> str:
        found = session.get(Team, team_id) if team_id else None
        return found.name if found else "none"

    def level(value: int | None) -> str:
        return str(value) if value is not None else "none"

    changes = []
    if category.name != name:
        changes.append(f"name {category.name} → {name}")
    if category.parent_id != draft.parent_id:
        changes.append(
            f"parent {category_name(category.parent_id)} → {category_name(draft.parent_id)}"
        )
    if category.default_team_id != draft.default_team_id:
        changes.append(
            f"default team {team_name(category.default_team_id)} → "
            f"{team_name(draft.default_team_id)}"
        )
    if category.default_impact != draft.default_impact:
        changes.append(f"impact {level(category.default_impact)} → {level(draft.default_impact)}")
    if category.default_urgency != draft.default_urgency:
        changes.append(
            f"urgency {level(category.default_urgency)} → {level(draft.default_urgency)}"
        )
    if changes:
        changes[0] = f"{category.name}: {changes[0]}"
    return changes
