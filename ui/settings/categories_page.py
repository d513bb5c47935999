"""The Categories page: the two-level tree of what tickets are about, and its editors' tools.

Everyone reads the tree: each category with its subcategories, the team a new ticket in it
goes to by default, and the impact and urgency it starts with. Retired categories keep
their tickets and are offered for no new ticket; they are hidden unless "Show retired" is
ticked, and then shown grey with "(retired)". Managers and admins add categories and
subcategories, change them, and retire or restore them; for everyone else those buttons are
disabled with the reason as their tooltip, said in words on the page too, and the service
refuses them anyway (:mod:`app.org.categories`).

The tree is a few dozen rows, read whole in one call with the teams and the matrix size its
editor offers.

The keyboard route: the tree has the keyboard when the page opens; Enter on a category
edits it (editors), and each button has a mnemonic.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.org.categories import (
    CategoryNode,
    CategoryTree,
    category_tree,
    restore_category,
    retire_category,
)
from app.permissions import Action, context_may, refusal
from app.tickets.priority import IMPACT_LABELS, URGENCY_LABELS
from ui.kit.outcome import OutcomeLines
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    MUTED,
    key_action,
    named,
    page_button,
    signals_blocked,
)
from ui.settings.category_dialogs import CategoryDialog
from ui.shell.pages import Page

HEADERS = ("Category", "Default team", "Impact", "Urgency")
RETIRED = " (retired)"


def level_text(value: int | None, labels: list[str]) -> str:
    """ "2 — Department", or "—" for none."""
    if value is None or not 1 <= value <= len(labels):
        return "—" if value is None else str(value)
    return f"{value} — {labels[value - 1]}"


def node_cells(node: CategoryNode, size: int) -> tuple[str, ...]:
    """The tree's columns for ``node``, in the order of :data:`HEADERS`."""
    return (
        node.name + (RETIRED if node.retired else ""),
        node.default_team or "—",
        level_text(node.default_impact, IMPACT_LABELS[size]),
        level_text(node.default_urgency, URGENCY_LABELS[size]),
    )


class CategoriesPage(Page):
    """The category tree with its editors' buttons (object name ``categoriesView``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "categoriesView", "Categories")
        self._context = context
        self._editor = context_may(context, Action.MANAGE_CATEGORIES)
        self._tree: CategoryTree | None = None
        self._nodes: dict[uuid.UUID, CategoryNode] = {}
        self._select_after: uuid.UUID | None = None
        self._reads = StaleGuard()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.note = named(QLabel(self), "categoriesNote", "About this page")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        # Said in words too: a tooltip needs a mouse, and Tab skips disabled buttons.
        self.note.setText(
            "A category suggests the team, impact and urgency of a new ticket. Retiring one "
            "keeps its tickets and offers it for no new ones."
            + ("" if self._editor else f" {refusal(Action.MANAGE_CATEGORIES)}")
        )
        layout.addWidget(self.note)
        self.retired_check = named(
            QCheckBox("Show retire&d", self), "showRetired", "Show retired categories"
        )
        self.retired_check.toggled.connect(lambda _on: self.refresh())
        self.count_label = named(QLabel("", self), "categoriesCount", "Number of categories")
        top = QHBoxLayout()
        top.addWidget(self.retired_check)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout.addLayout(top)
        self.tree = named(QTreeWidget(self), "categoriesTree", "Categories")
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeWidget::item { padding: 3px 16px 3px 0; }")
        # Columns as wide as their contents, side by side; the last takes what is left.
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(header.fontMetrics().horizontalAdvance("Default team") + 24)
        self.tree.currentItemChanged.connect(lambda _current, _previous: self._enable())
        self.tree.itemDoubleClicked.connect(lambda _item, _column: self.edit())
        layout.addWidget(self.tree, 1)
        layout.addLayout(self._build_buttons())
        self.outcome = OutcomeLines("categories")
        self.problem_line, self.result_line = self.outcome.problem, self.outcome.result
        layout.addWidget(self.problem_line)
        layout.addWidget(self.result_line)
        self.setFocusProxy(self.tree)
        key_action(self.tree, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.edit)
        self._enable()
        self.refresh()

    def _build_buttons(self) -> QHBoxLayout:
        self.add_button = self._button("&Add category…", "addCategory", "Add a category", self.add)
        self.sub_button = self._button(
            "Add s&ubcategory…",
            "addSubcategory",
            "Add a subcategory under the selected category",
            self.add_subcategory,
        )
        self.edit_button = self._button(
            "&Edit…", "editCategory", "Change the selected category", self.edit
        )
        self.retire_button = self._button(
            "&Retire", "retireCategory", "Retire or restore the selected category", self.retire
        )
        row = QHBoxLayout()
        for button in (self.add_button, self.sub_button, self.edit_button, self.retire_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _button(
        self, text: str, name: str, accessible: str, slot: Callable[[], None]
    ) -> QPushButton:
        refused = "" if self._editor else refusal(Action.MANAGE_CATEGORIES)
        return page_button(self, text, name, accessible, slot, refused)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        """Arriving here: the tree read again, and the keyboard in it."""
        self.refresh()
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """Read the tree again (F5), keeping the selected category selected."""
        engine, everything = self._context.engine, self.retired_check.isChecked()
        run_task(
            lambda: category_tree(engine, include_retired=everything),
            self._read,
            parent=self,
            guard=self._reads,
        )

    # -- public -------------------------------------------------------------------------------
    def current(self) -> CategoryNode | None:
        """The selected category."""
        item = self.tree.currentItem()
        return self._nodes.get(item.data(0, Qt.ItemDataRole.UserRole)) if item else None

    def add(self) -> None:
        """Add category… : a new top-level category."""
        if self._editor and self._tree is not None:
            self._open(CategoryDialog(self._context, self._tree, None, None, self))

    def add_subcategory(self) -> None:
        """Add subcategory… : a new one under the selected category (or beside the selected
        subcategory)."""
        node = self.current()
        if not self._editor or self._tree is None or node is None:
            return
        parent_id = node.parent_id or node.id
        self._open(CategoryDialog(self._context, self._tree, None, parent_id, self))

    def edit(self) -> None:
        """Edit… (and Enter on a category): the dialog for the selected category."""
        node = self.current()
        if self._editor and self._tree is not None and node is not None:
            self._open(CategoryDialog(self._context, self._tree, node, None, self))

    def retire(self) -> None:
        """Retire the selected category (and its subcategories), or restore a retired one."""
        node = self.current()
        if not self._editor or node is None:
            return
        engine, me = self._context.engine, self._context.me
        if node.retired:
            change, message = restore_category, f"{node.name} is offered for new tickets again."
        else:
            change = retire_category
            subs = " and its subcategories are" if node.children else " is"
            message = f"{node.name}{subs} retired; their tickets keep them."
        # A category retired out of sight leaves its parent (or nothing) selected.
        hidden = not node.retired and not self.retired_check.isChecked()
        after = node.parent_id if hidden else node.id
        run_task(
            lambda: change(engine, me, node.id),
            lambda _none: self._changed(after, message),
            self.outcome.failed,
            parent=self,
        )

    # -- reading ------------------------------------------------------------------------------
    def _read(self, tree: CategoryTree) -> None:
        keep, self._select_after = self._select_after, None
        keep = keep or (node.id if (node := self.current()) else None)
        self._tree = tree
        self._nodes = {}
        chosen: QTreeWidgetItem | None = None
        with signals_blocked(self.tree):
            self.tree.clear()
            for top in tree.categories:
                item = self._item(top, tree.matrix_size, self.tree.invisibleRootItem())
                for child in top.children:
                    sub = self._item(child, tree.matrix_size, item)
                    chosen = sub if child.id == keep else chosen
                chosen = item if top.id == keep else chosen
            self.tree.expandAll()
            chosen = chosen or self.tree.topLevelItem(0)
            if chosen is not None:
                self.tree.setCurrentItem(chosen)
        count = len(self._nodes)
        self.count_label.setText(f"{count} {'category' if count == 1 else 'categories'}")
        self._enable()
        self.content_shown()

    def _item(self, node: CategoryNode, size: int, parent: QTreeWidgetItem) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, list(node_cells(node, size)))
        item.setData(0, Qt.ItemDataRole.UserRole, node.id)
        if node.retired:
            for column in range(len(HEADERS)):
                item.setForeground(column, Qt.GlobalColor.gray)
        self._nodes[node.id] = node
        return item

    def _enable(self) -> None:
        """Buttons that need a selected category, for editors only."""
        node = self.current()
        self.add_button.setEnabled(self._editor and self._tree is not None)
        self.edit_button.setEnabled(self._editor and node is not None)
        self.retire_button.setEnabled(self._editor and node is not None)
        parent = self._nodes.get(node.parent_id or node.id) if node is not None else None
        self.sub_button.setEnabled(self._editor and parent is not None and not parent.retired)
        self.retire_button.setText("Rest&ore" if node is not None and node.retired else "&Retire")

    # -- writing ------------------------------------------------------------------------------
    def _open(self, dialog: CategoryDialog) -> None:
        """Open the category dialog; once accepted, read the tree again, select what it
        saved and say what it did."""
        self.outcome.open(dialog, self._changed)

    def _changed(self, category_id: uuid.UUID | None, message: str) -> None:
        self.outcome.tell(message, ok=True)
        self._select_after = category_id
        self.refresh()
