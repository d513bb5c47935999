"""The Categories page's dialog: add a category or subcategory, or change one.

The form offers what the tree allows (a parent among the top-level categories, a team, an
impact and urgency within the priority matrix in use); the service checks the rest (a taken
name, a category with subcategories moved under another) and each problem is shown under
its field. The confirm button runs :func:`app.org.categories.save_category` off the GUI
thread; the dialog is accepted once the change landed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.context import AppContext
from app.org.categories import CategoryDraft, CategoryNode, CategoryTree, save_category
from app.tickets.priority import IMPACT_LABELS, URGENCY_LABELS
from ui.kit.widgets import named
from ui.kit.write_dialog import WriteDialog

NO_PARENT = "None: a top-level category"


def level_combo(name: str, labels: list[str], current: int | None) -> QComboBox:
    """A choice of none or 1..n, each with its matrix label ("2 — Department")."""
    combo = named(QComboBox(), name)
    combo.addItem("None", None)
    for number, label in enumerate(labels, start=1):
        combo.addItem(f"{number} — {label}", number)
    select_data(combo, current)
    return combo


def select_data(combo: QComboBox, value: object) -> None:
    """Make the entry whose data is ``value`` current (the first one if none is):
    ``QComboBox.findData`` does not match Python objects such as a UUID."""
    at = next((n for n in range(combo.count()) if combo.itemData(n) == value), 0)
    combo.setCurrentIndex(at)


class CategoryDialog(WriteDialog):
    """Add a category (``category`` None; under ``parent_id`` for a subcategory) or change
    ``category`` (object name ``categoryDialog``); :attr:`outcome` is its id."""

    def __init__(
        self,
        context: AppContext,
        tree: CategoryTree,
        category: CategoryNode | None,
        parent_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = f"Category {category.name}" if category else "Add category"
        super().__init__(context, "categoryDialog", title, "&Save" if category else "&Add", parent)
        self.category = category
        if category is not None:
            parent_id = category.parent_id
        self.name_edit = named(QLineEdit(category.name if category else ""), "categoryName")
        self.name_edit.setPlaceholderText("As callers describe the problem: Printer, VPN")
        self.parent_combo = named(QComboBox(), "categoryParent")
        self.parent_combo.addItem(NO_PARENT, None)
        for top in tree.categories:
            if (not top.retired or top.id == parent_id) and (
                category is None or top.id != category.id
            ):
                self.parent_combo.addItem(top.name, top.id)
        select_data(self.parent_combo, parent_id)
        self.team_combo = named(QComboBox(), "categoryTeam")
        self.team_combo.addItem("None", None)
        for team in tree.teams:
            self.team_combo.addItem(team.label, team.id)
        select_data(self.team_combo, category.default_team_id if category else None)
        size = tree.matrix_size
        self.impact_combo = level_combo(
            "categoryImpact", IMPACT_LABELS[size], category.default_impact if category else None
        )
        self.urgency_combo = level_combo(
            "categoryUrgency", URGENCY_LABELS[size], category.default_urgency if category else None
        )
        self.add_field("name", "&Name:", self.name_edit)
        self.add_field(
            "parent", "&Under:", self.parent_combo, "Two levels: a category and its subcategories."
        )
        self.add_field(
            "default_team",
            "Default &team:",
            self.team_combo,
            "A new ticket in this category goes to this team unless the operator picks another.",
        )
        self.add_field("default_impact", "&Impact:", self.impact_combo)
        self.add_field(
            "default_urgency",
            "U&rgency:",
            self.urgency_combo,
            "What a new ticket starts with; the operator can change both.",
        )

    def draft(self) -> CategoryDraft:
        return CategoryDraft(
            name=self.name_edit.text(),
            parent_id=self.parent_combo.currentData(),
            default_team_id=self.team_combo.currentData(),
            default_impact=self.impact_combo.currentData(),
            default_urgency=self.urgency_combo.currentData(),
        )

    def work(self) -> Callable[[], object]:
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        category_id = self.category.id if self.category else None
        return lambda: save_category(engine, me, draft, category_id)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_category's answer
        return self.outcome

    def summary(self) -> str:
        name = " ".join(self.name_edit.text().split())
        under = self.parent_combo.currentData()
        where = f" under {self.parent_combo.currentText()}" if under is not None else ""
        return f"Saved {name}{where}." if self.category else f"Added {name}{where}."
