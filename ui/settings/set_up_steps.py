"""The steps of the set-up assistant (ui/settings/set_up_assistant.py), one widget each.

A step is filled from what is saved (:class:`app.org.first_run.SetUpState`) and writes its
part with the services that edit the same data later, in the background when the person moves
on. Writing a step again writes only what changed, so going back and forth is safe. Where a
step writes several records (teams, categories) one by one, what was saved before a refused
one is remembered, so trying again never adds it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import ValidationError
from app.org.categories import DEFAULT_CATEGORIES, CategoryDraft, save_category
from app.org.first_run import SetUpState
from app.org.sites import save_site
from app.org.sla_policies import (
    DuePreview,
    Scope,
    Targets,
    due_preview,
    due_text,
    minutes_text,
    parse_minutes,
    save_policy,
)
from app.org.teams import TeamDraft, save_team
from models.enums import Priority
from ui.kit.tasks import run_task
from ui.kit.widgets import MUTED, error_label, key_action, named, page_button, show_problems
from ui.settings.organisation import OrganisationFields, save_work
from ui.settings.site_fields import SiteFields

Work = Callable[[], object]
ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class Saved:
    """What a step of several records wrote: the ids by row, and the refusal that stopped
    it ("" when every record was written)."""

    ids: dict[Hashable, uuid.UUID] = field(default_factory=dict)
    problem: str = ""


class Step(QWidget):
    """One page of the assistant: a title for the list of steps, what it asks, its fields."""

    key = ""
    title = ""
    intro = ""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        named(self, f"{self.key}Step", self.title)

    def load(self, state: SetUpState) -> None:
        """Fill the fields with what is saved."""
        raise NotImplementedError

    def work(self) -> Work | None:
        """The write of this step, to run in the background; None where there is nothing."""
        raise NotImplementedError

    def written(self, result: object) -> str:
        """Take the write's result; returns the problem that keeps the person here, or ""."""
        return ""

    def show_problems(self, problems: dict[str, str]) -> dict[str, str]:
        """Each problem at its field; returns the ones that belong to none."""
        return problems

    def focus_first(self) -> None:
        self.focusNextChild()

    def focus_problem(self, key: str) -> None:
        """Put the keyboard at the field of the problem ``key`` (the first field by default)."""
        self.focus_first()


class OrganisationStep(Step):
    key, title = "organisation", "Organisation"
    intro = (
        "Whom the desk serves. The name and the logo head the monthly report; both can be "
        "changed later under Settings › Organisation."
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.fields = OrganisationFields(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addStretch(1)

    def load(self, state: SetUpState) -> None:
        self.fields.set_info(state.organisation)

    def work(self) -> Work:
        return save_work(self.context, self.fields)

    def show_problems(self, problems: dict[str, str]) -> dict[str, str]:
        return self.fields.show_problems(problems)

    def focus_first(self) -> None:
        self.fields.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.fields.name_edit.selectAll()

    def focus_problem(self, key: str) -> None:
        if key == "logo":
            self.fields.choose_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.focus_first()


class SiteStep(Step):
    key, title = "site", "First site"
    intro = (
        "The office the desk serves first: its code starts every ticket number, its time zone, "
        "hours and holidays decide when SLA clocks run. More sites: Settings › Sites."
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.site_id: uuid.UUID | None = None
        self.fields = SiteFields(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addStretch(1)

    def load(self, state: SetUpState) -> None:
        self.site_id = state.site_id
        self.fields.set_draft(state.site)
        self.fields.set_editable(True, True)  # the grid's times follow its "open" boxes

    def work(self) -> Work:
        engine, me, site_id = self.context.engine, self.context.me, self.site_id
        draft = self.fields.draft()
        return lambda: save_site(engine, me, draft, site_id)

    def written(self, result: object) -> str:
        assert isinstance(result, uuid.UUID)
        self.site_id = result
        return ""

    def show_problems(self, problems: dict[str, str]) -> dict[str, str]:
        return self.fields.show_problems(problems)

    def focus_first(self) -> None:
        self.fields.focus_first()

    def focus_problem(self, key: str) -> None:
        self.fields.field_for(key).setFocus(Qt.FocusReason.OtherFocusReason)


TEAM_HEADERS = ("Team", "E-mail (optional)", "Service desk")


class TeamsStep(Step):
    key, title = "teams", "Teams"
    intro = (
        "The groups tickets are assigned and escalated to. The service desk takes the calls; "
        "tickets it resolves count as resolved at first line. Members and more: Settings › Teams."
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.table = named(QTableWidget(0, len(TEAM_HEADERS), self), "teamsTable", "Teams")
        self.table.setHorizontalHeaderLabels(TEAM_HEADERS)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = page_button(self, "&Add team", "addTeam", "Add a team", self.add_team)
        self.remove_button = page_button(
            self, "&Remove", "removeTeam", "Remove the new team", self.remove_team
        )
        self.problem = error_label("teamsProblem")
        hint = QLabel(
            "F2 changes the selected cell, Space ticks the service desk; teams already saved "
            "stay here (Settings › Teams changes them later).",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        self.table.currentCellChanged.connect(lambda *_: self._enable_remove())

    def load(self, state: SetUpState) -> None:
        self.table.setRowCount(0)
        for team in state.teams:
            self._add_row(team.name, team.email, team.is_service_desk, team.id)
        self._enable_remove()

    def add_team(self) -> None:
        """A new row with its name cell ready to type in."""
        row = self._add_row("", "", False, None)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self._cell(row, 0))

    def remove_team(self) -> None:
        row = self.table.currentRow()
        if row >= 0 and self._id(row) is None:
            self.table.removeRow(row)
        self._enable_remove()

    def rows(self) -> list[tuple[int, uuid.UUID | None, TeamDraft]]:
        """Each row that names a team: its number, its id where it is saved, what it says."""
        drafts = []
        for row in range(self.table.rowCount()):
            name = self._text(row, 0)
            if not name and self._id(row) is None:
                continue  # an empty new row is no team
            desk = self._cell(row, 2).checkState() == Qt.CheckState.Checked
            drafts.append((row, self._id(row), TeamDraft(name, self._text(row, 1), desk)))
        return drafts

    def work(self) -> Work:
        engine, me, wanted = self.context.engine, self.context.me, self.rows()

        def save_all() -> Saved:
            saved = Saved()
            for row, team_id, draft in wanted:
                try:
                    saved.ids[row] = save_team(engine, me, draft, team_id)
                except ValidationError as refused:
                    what = draft.name or f"Row {row + 1}"
                    saved.problem = f"{what}: {' '.join(refused.problems.values())}"
                    break
            return saved

        return save_all

    def written(self, result: object) -> str:
        assert isinstance(result, Saved)
        for row, team_id in result.ids.items():
            assert isinstance(row, int)
            self._cell(row, 0).setData(ID_ROLE, team_id)
        self.problem.setText(result.problem)
        self.problem.setVisible(bool(result.problem))
        self._enable_remove()
        return result.problem

    def _add_row(self, name: str, email: str, desk: bool, team_id: uuid.UUID | None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name_item = QTableWidgetItem(name)
        name_item.setData(ID_ROLE, team_id)
        self.table.setItem(row, 0, name_item)
        self.table.setItem(row, 1, QTableWidgetItem(email))
        desk_item = QTableWidgetItem("")
        desk_item.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )
        desk_item.setCheckState(Qt.CheckState.Checked if desk else Qt.CheckState.Unchecked)
        self.table.setItem(row, 2, desk_item)
        return row

    def _id(self, row: int) -> uuid.UUID | None:
        value = self._cell(row, 0).data(ID_ROLE)
        return value if isinstance(value, uuid.UUID) else None

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # every row is made whole by _add_row
        return item

    def _text(self, row: int, column: int) -> str:
        return self._cell(row, column).text().strip()

    def _enable_remove(self) -> None:
        row = self.table.currentRow()
        self.remove_button.setEnabled(row >= 0 and self._id(row) is None)

    def focus_first(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.table.rowCount():
            self.table.setCurrentCell(0, 0)


OWN = "(a category of its own)"


class CategoriesStep(Step):
    key, title = "categories", "Categories"
    intro = (
        "What tickets are about, in two levels. A starting list is offered: untick what you do "
        "not need, rename with F2, add your own. Default teams and more: Settings › Categories."
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.tree = named(QTreeWidget(self), "categoriesTree", "Categories")
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.new_edit = named(QLineEdit(self), "newCategory", "New category")
        self.new_edit.setPlaceholderText("Printing")
        self.parent_combo = named(QComboBox(self), "newCategoryParent", "Under")
        self.add_button = page_button(self, "A&dd", "addCategory", "Add the category", self.add)
        # Enter adds the typed category (and does not move on to the next step).
        for box in (self.new_edit, self.parent_combo):
            key_action(box, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.add)
        self.problem = error_label("categoriesProblem")
        add_row = QHBoxLayout()
        new_label = QLabel("Ne&w:", self)
        new_label.setBuddy(self.new_edit)
        under = QLabel("under", self)
        add_row.addWidget(new_label)
        add_row.addWidget(self.new_edit, 2)
        add_row.addWidget(under)
        add_row.addWidget(self.parent_combo, 1)
        add_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.problem)

    def load(self, state: SetUpState) -> None:
        self.tree.clear()
        saved = {node.name.casefold(): node for node in state.categories.categories}
        for node in state.categories.categories:
            top = self._item(None, node.name, node.id)
            for child in node.children:
                self._item(top, child.name, child.id)
        for name, subs in DEFAULT_CATEGORIES:
            existing = saved.get(name.casefold())
            top = self._top(name) or self._item(None, name, None)
            known = {c.name.casefold() for c in existing.children} if existing else set()
            for sub in subs:
                if sub.casefold() not in known:
                    self._item(top, sub, None)
        self.tree.expandAll()
        self._fill_parents()

    def add(self) -> None:
        """Add the typed category, under the chosen one, ticked."""
        name = " ".join(self.new_edit.text().split())
        if not name:
            return
        parent = self._top(self.parent_combo.currentData())
        item = self._item(parent, name, None)
        if parent is not None:
            parent.setExpanded(True)
        self.tree.setCurrentItem(item)
        self.new_edit.clear()
        self._fill_parents()
        self.new_edit.setFocus(Qt.FocusReason.OtherFocusReason)  # ready for the next one

    def work(self) -> Work | None:
        engine, me = self.context.engine, self.context.me
        wanted = [  # a saved category stays; a new one is added if ticked (or part-ticked)
            (top.text(0), self._saved_id(top), [child.text(0) for child in self._new_ticked(top)])
            for top in self._tops()
            if self._saved_id(top) is not None or top.checkState(0) != Qt.CheckState.Unchecked
        ]

        def save_all() -> Saved:
            """Ids by (category, subcategory or "")."""
            saved = Saved()
            try:
                for name, top_id, children in wanted:
                    if top_id is None:
                        top_id = save_category(engine, me, CategoryDraft(name))
                        saved.ids[name, ""] = top_id
                    for child in children:
                        draft = CategoryDraft(child, parent_id=top_id)
                        saved.ids[name, child] = save_category(engine, me, draft)
            except ValidationError as refused:
                saved.problem = " ".join(refused.problems.values())
            return saved

        return save_all

    def written(self, result: object) -> str:
        assert isinstance(result, Saved)
        for top in self._tops():
            if (top.text(0), "") in result.ids:
                self._mark_saved(top, result.ids[top.text(0), ""])
            for child in self._children(top):
                if (top.text(0), child.text(0)) in result.ids:
                    self._mark_saved(child, result.ids[top.text(0), child.text(0)])
        self.problem.setText(result.problem)
        self.problem.setVisible(bool(result.problem))
        return result.problem

    def focus_first(self) -> None:
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        tops = self._tops()
        if tops:
            self.tree.setCurrentItem(tops[0])

    def _item(
        self, parent: QTreeWidgetItem | None, name: str, category_id: uuid.UUID | None
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name])
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        self._mark_saved(item, category_id)
        return item

    def _mark_saved(self, item: QTreeWidgetItem, category_id: object) -> None:
        """A saved category is ticked for good (retiring is Settings › Categories' job); a
        new one may be unticked and renamed."""
        item.setData(0, ID_ROLE, category_id)
        if category_id is None:
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsAutoTristate
            )
            item.setCheckState(0, Qt.CheckState.Checked)
            item.setToolTip(0, "To be added")
        else:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setData(0, Qt.ItemDataRole.CheckStateRole, None)
            item.setText(0, item.text(0))
            item.setToolTip(0, "Saved")

    def _saved_id(self, item: QTreeWidgetItem) -> uuid.UUID | None:
        value = item.data(0, ID_ROLE)
        return value if isinstance(value, uuid.UUID) else None

    def _tops(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(n) for n in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def _children(self, top: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        items = (top.child(n) for n in range(top.childCount()))
        return [item for item in items if item is not None]

    def _new_ticked(self, top: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        return [
            child
            for child in self._children(top)
            if self._saved_id(child) is None and child.checkState(0) == Qt.CheckState.Checked
        ]

    def _top(self, name: object) -> QTreeWidgetItem | None:
        if not isinstance(name, str):
            return None
        return next((t for t in self._tops() if t.text(0).casefold() == name.casefold()), None)

    def _fill_parents(self) -> None:
        chosen = self.parent_combo.currentData()
        self.parent_combo.clear()
        self.parent_combo.addItem(OWN, None)
        for top in self._tops():
            self.parent_combo.addItem(top.text(0), top.text(0))
        self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(chosen)))


class SlaStep(Step):
    key, title = "sla", "SLA targets"
    intro = (
        "How soon a ticket gets its first response and its resolution, by priority. Business "
        "hours follow the site's hours and holidays; around the clock counts every minute. "
        "Overrides per site or category: Settings › SLA policies."
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        grid = QGridLayout(self)
        for column, title in enumerate(("Priority", "First response", "Resolution", "")):
            heading = QLabel(title, self)
            heading.setStyleSheet(f"color: {MUTED};")
            grid.addWidget(heading, 0, column)
        self.rows: dict[Priority, tuple[QLineEdit, QLineEdit, QCheckBox]] = {}
        self.errors: dict[str, QLabel] = {}
        for number, priority in enumerate(Priority, start=1):
            row = number * 2 - 1
            word = priority.name.title()
            response = named(QLineEdit(self), f"response{word}", f"{priority.label} response")
            resolution = named(QLineEdit(self), f"resolution{word}", f"{priority.label} resolution")
            clock = named(
                QCheckBox("Around the &clock" if number == 1 else "Around the clock", self),
                f"clock{priority.name.title()}",
                f"{priority.label} around the clock",
            )
            for edit in (response, resolution):
                edit.setPlaceholderText("4h, 30m, 1h 30m")
            label = QLabel(priority.label, self)
            label.setBuddy(response)
            grid.addWidget(label, row, 0)
            grid.addWidget(response, row, 1)
            grid.addWidget(resolution, row, 2)
            grid.addWidget(clock, row, 3)
            self.errors[priority.name] = error = error_label(f"sla{priority.name.title()}Error")
            grid.addWidget(error, row + 1, 0, 1, 4)
            self.rows[priority] = (response, resolution, clock)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(Priority) * 2 + 1, 1)

    def load(self, state: SetUpState) -> None:
        for policy in state.policies:
            response, resolution, clock = self.rows[policy.priority]
            response.setText(minutes_text(policy.targets.response_minutes))
            resolution.setText(minutes_text(policy.targets.resolution_minutes))
            clock.setChecked(policy.around_the_clock)

    def targets(self) -> tuple[dict[Priority, tuple[Targets, bool]], dict[str, str]]:
        """The targets typed, and a problem per priority whose target cannot be read."""
        found: dict[Priority, tuple[Targets, bool]] = {}
        problems: dict[str, str] = {}
        for priority, (response, resolution, clock) in self.rows.items():
            minutes = [parse_minutes(edit.text()) for edit in (response, resolution)]
            if minutes[0] is None or minutes[1] is None:
                problems[priority.name] = (
                    f"{priority.label}: write each target as minutes or hours, such as 30m, 4h "
                    "or 1h 30m."
                )
                continue
            found[priority] = (Targets(minutes[0], minutes[1]), clock.isChecked())
        return found, problems

    def work(self) -> Work:
        engine, me = self.context.engine, self.context.me
        found, problems = self.targets()
        if problems:
            raise ValidationError(problems)

        def save_all() -> None:
            for priority, (targets, clock) in found.items():
                try:
                    save_policy(engine, me, priority, Scope(), targets, clock)
                except ValidationError as refused:  # said at the priority's row
                    raise ValidationError(
                        {priority.name: f"{priority.label}: " + " ".join(refused.problems.values())}
                    ) from None

        return save_all

    def show_problems(self, problems: dict[str, str]) -> dict[str, str]:
        return show_problems(self.errors, problems)

    def focus_first(self) -> None:
        self.focus_problem(Priority.CRITICAL.name)

    def focus_problem(self, key: str) -> None:
        row = (
            self.rows[Priority[key]]
            if key in Priority.__members__
            else self.rows[Priority.CRITICAL]
        )
        row[0].setFocus(Qt.FocusReason.OtherFocusReason)
        row[0].selectAll()


class NextStepsStep(Step):
    key, title = "next", "Next steps"
    intro = (
        "The desk is ready to log calls. When a ticket logged now would be due, at the first site:"
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.site_id: uuid.UUID | None = None
        self.due = named(QLabel(self), "duePreview", "When a ticket logged now is due")
        self.due.setTextFormat(Qt.TextFormat.RichText)
        self.due.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        more = QLabel("<b>Optional, now or any time later:</b>", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.due)
        layout.addSpacing(12)
        layout.addWidget(more)
        for name, text, what, factory in (
            (
                "importCallers",
                "Import &callers…",
                "from a directory or address book export",
                "ui.callers.import_dialog:CallerImportDialog",
            ),
            (
                "importAssets",
                "Import a&ssets…",
                "from an inventory or device management export",
                "ui.assets.import_dialog:AssetImportDialog",
            ),
            (
                "addStaff",
                "Add &staff…",
                "so colleagues can sign in; roles on the Staff page",
                "ui.settings.staff_dialogs:AddStaffDialog",
            ),
        ):
            button = page_button(
                self, text, name, text.replace("&", "").rstrip("…"), self._opener(factory)
            )
            self.buttons[name] = button
            row = QHBoxLayout()
            row.addWidget(button)
            note = QLabel(what, self)
            note.setStyleSheet(f"color: {MUTED};")
            row.addWidget(note, 1)
            layout.addLayout(row)
        layout.addStretch(1)

    def load(self, state: SetUpState) -> None:
        self.site_id = state.site_id

    def shown(self) -> None:
        """Work out the due times with the policies just saved (in the background)."""
        if self.site_id is None:
            return
        engine, site_id = self.context.engine, self.site_id
        self.due.setText("Working out the due times…")
        run_task(
            lambda: [due_preview(engine, priority, site_id) for priority in Priority],
            self._show_due,
            lambda error: self.due.setText(str(error)),
            parent=self,
        )

    def work(self) -> None:
        return None

    def focus_first(self) -> None:
        self.buttons["importCallers"].setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_due(self, previews: list[DuePreview]) -> None:
        lines = [
            f"<b>{p.policy.priority.label}</b>: first response by "
            f"{due_text(p.response_due, p.now)}, resolved by {due_text(p.resolution_due, p.now)}"
            for p in previews
        ]
        zone = previews[0].now.tzname() if previews else ""
        self.due.setText("<br>".join(lines) + f"<br><span style='color:{MUTED}'>({zone})</span>")

    def _opener(self, factory: str) -> Callable[[], None]:
        def open_dialog() -> None:
            from ui.shell.pages import load

            dialog = load(factory)(self.context, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        return open_dialog


STEP_TYPES: tuple[type[Step], ...] = (
    OrganisationStep,
    SiteStep,
    TeamsStep,
    CategoriesStep,
    SlaStep,
    NextStepsStep,
)
