"""The SLA policies page: the targets per priority, the overrides, and when a ticket would be due.

At the top, the four defaults (priority × response, resolution, around the clock); below,
the overrides with where they apply (a site, a category, or a category at a site); at the
bottom, the preview: pick a site, a category and a priority and it says which policy a
ticket created now would be opened under and when it would be due, in the site's local time
("response due 14:30 today, resolution due Mon 10:00").

Managers and admins change the targets (:mod:`app.org.sla_policies`); an edit retires the
policy and adds its successor, so tickets already opened keep their due times, and the page
says so. For everyone else the buttons are disabled with the reason, said on the page too.

The keyboard route: the defaults table has the keyboard when the page opens; Enter on a row
of either table edits it, Delete removes an override, and each button has a mnemonic.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.org.sla_policies import (
    Choices,
    DuePreview,
    PolicyRow,
    Scope,
    Targets,
    current_policies,
    due_preview,
    due_text,
    minutes_text,
    parse_minutes,
    remove_override,
    save_policy,
    scope_choices,
)
from app.permissions import Action, context_may, refusal
from models.enums import Priority
from ui.kit.outcome import OutcomeLines
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    MUTED,
    key_action,
    named,
    read_only_table,
    show_message,
)
from ui.kit.write_dialog import WriteDialog
from ui.shell.pages import Page

DEFAULT_HEADERS = ("Priority", "Response", "Resolution", "Clock")
OVERRIDE_HEADERS = ("Applies to", "Priority", "Response", "Resolution", "Clock")
ANY = "Any"  # no site or no category in a scope


def clock_text(around_the_clock: bool) -> str:
    return "24x7" if around_the_clock else "Business hours"


def target_cells(row: PolicyRow) -> tuple[str, ...]:
    return (
        row.priority.label,
        minutes_text(row.targets.response_minutes),
        minutes_text(row.targets.resolution_minutes),
        clock_text(row.around_the_clock),
    )


def preview_text(preview: DuePreview) -> str:
    """The preview in words, with the policy it comes from and the site's zone."""
    return (
        f"{preview.policy.priority.label} ({preview.policy.where}): response due "
        f"{due_text(preview.response_due, preview.now)}, resolution due "
        f"{due_text(preview.resolution_due, preview.now)} "
        f"({preview.now.tzinfo} time; now {preview.now:%a %H:%M} there)."
    )


def _combo(name: str, accessible: str, items: list[tuple[object, str]]) -> QComboBox:
    combo = named(QComboBox(), name, accessible)
    for data, text in items:
        combo.addItem(text, data)
    return combo


def _priority_items() -> list[tuple[object, str]]:
    return [(priority, priority.label) for priority in Priority]


class PolicyDialog(WriteDialog):
    """Change a default's targets, or add or change an override (object name
    ``policyDialog``). For a default only the targets change; for an override the site,
    category and priority are chosen too."""

    def __init__(
        self,
        context: AppContext,
        choices: Choices,
        policy: PolicyRow | None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Add override" if policy is None else f"{policy.priority.label} — {policy.where}"
        super().__init__(context, "policyDialog", title, "&Save", parent)
        self.policy = policy
        self.site_combo = _combo(
            "policySite", "Site", [(None, f"{ANY} site"), *((i, t) for i, t in choices.sites)]
        )
        self.category_combo = _combo(
            "policyCategory",
            "Category",
            [(None, f"{ANY} category"), *((i, t) for i, t in choices.categories)],
        )
        self.priority_combo = _combo("policyPriority", "Priority", _priority_items())
        self.response_edit = named(QLineEdit(), "policyResponse")
        self.resolution_edit = named(QLineEdit(), "policyResolution")
        for edit in (self.response_edit, self.resolution_edit):
            edit.setPlaceholderText("30m, 4h, 1h 30m")
        self.clock_check = named(QCheckBox("Around the &clock (24x7)"), "policyClock")
        if policy is not None:
            self._select(self.site_combo, policy.scope.site_id)
            self._select(self.category_combo, policy.scope.category_id)
            self._select(self.priority_combo, policy.priority)
            self.response_edit.setText(minutes_text(policy.targets.response_minutes))
            self.resolution_edit.setText(minutes_text(policy.targets.resolution_minutes))
            self.clock_check.setChecked(policy.around_the_clock)
            for combo in (self.site_combo, self.category_combo, self.priority_combo):
                combo.setEnabled(False)  # a scope is fixed: remove and add for another
        if policy is None or not policy.is_default:
            self.add_field("site", "S&ite:", self.site_combo)
            self.add_field(
                "category", "Cate&gory:", self.category_combo, "Choose a site, a category or both."
            )
        self.add_field("priority", "&Priority:", self.priority_combo)
        self.add_field("response", "&Response:", self.response_edit, "Time to the first response.")
        self.add_field(
            "resolution",
            "Reso&lution:",
            self.resolution_edit,
            "Counted in the site's business hours unless around the clock. Tickets already "
            "opened keep the targets they were opened under.",
        )
        self.add_field("clock", "", self.clock_check)

    @staticmethod
    def _select(combo: QComboBox, data: object) -> None:
        combo.setCurrentIndex(max(0, combo.findData(data)))

    def _scope(self) -> Scope:
        return Scope(self.site_combo.currentData(), self.category_combo.currentData())

    def check(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        for key, edit in (("response", self.response_edit), ("resolution", self.resolution_edit)):
            if parse_minutes(edit.text()) is None:
                problems[key] = "Type a time such as 30m, 4h or 1h 30m (or minutes: 90)."
        if self.policy is None and self._scope().is_default:
            problems["category"] = (
                "An override is for a site, a category or both: choose at least one "
                "(the defaults are changed in the table above)."
            )
        return problems

    def work(self) -> Callable[[], object]:
        engine, me = self.context.engine, self.context.me
        priority = Priority(self.priority_combo.currentData())
        scope = self._scope()
        targets = Targets(
            parse_minutes(self.response_edit.text()) or 0,
            parse_minutes(self.resolution_edit.text()) or 0,
        )
        clock = self.clock_check.isChecked()
        return lambda: save_policy(engine, me, priority, scope, targets, clock)

    def subject(self) -> uuid.UUID:
        """The policy written (what :func:`save_policy` returned)."""
        return cast(uuid.UUID, self.outcome)

    def summary(self) -> str:
        return (
            f"Saved {self.priority_combo.currentText()}: tickets opened from now on get the new "
            "targets; tickets already opened keep theirs."
        )


class SlaPage(Page):
    """The SLA targets, overrides and due-time preview (object name ``slaView``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "slaView", "SLA policies")
        self._context = context
        self._may = context_may(context, Action.CHANGE_SLA_POLICIES)
        self._defaults: list[PolicyRow] = []
        self._overrides: list[PolicyRow] = []
        self._choices = Choices((), ())
        self._reads, self._previews = StaleGuard(), StaleGuard()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self._build_defaults())
        layout.addWidget(self._build_overrides(), 1)
        layout.addWidget(self._build_preview())
        self.outcome = OutcomeLines("sla")
        self.problem_line, self.result_line = self.outcome.problem, self.outcome.result
        layout.addWidget(self.problem_line)
        layout.addWidget(self.result_line)
        self.setFocusProxy(self.defaults)
        self._build_keys()
        self._update_buttons()
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _table(self, name: str, accessible: str, headers: tuple[str, ...]) -> QTableWidget:
        table = read_only_table(name, accessible, headers)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        table.setTabKeyNavigation(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        table.doubleClicked.connect(lambda _index: self.edit())
        table.itemSelectionChanged.connect(self._update_buttons)
        return table

    def _build_defaults(self) -> QWidget:
        box = QGroupBox("&Defaults: every ticket without an override", self)
        self.defaults = self._table("slaDefaults", "Default SLA targets", DEFAULT_HEADERS)
        rows = self.defaults.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.defaults.fontMetrics().height() + 10)
        self.defaults.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.defaults.setFixedHeight(
            self.defaults.horizontalHeader().sizeHint().height()
            + rows.defaultSectionSize() * len(Priority)
            + 2 * self.defaults.frameWidth()
            + 2
        )
        self.edit_default_button = self._button(
            "Cha&nge targets…", "editDefault", self.edit_default
        )
        self.note = named(QLabel(box), "slaNote", "Who may change SLA policies")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        if not self._may:
            self.note.setText(f"{refusal(Action.CHANGE_SLA_POLICIES)} You can read them here.")
        else:
            self.note.setText(
                "A change applies to tickets opened from now on: tickets already opened keep "
                "the targets they were opened under."
            )
        layout = QVBoxLayout(box)
        layout.addWidget(self.defaults)
        row = QHBoxLayout()
        row.addWidget(self.edit_default_button)
        row.addWidget(self.note, 1)
        layout.addLayout(row)
        return box

    def _build_overrides(self) -> QWidget:
        box = QGroupBox("&Overrides: for one site, one category or both", self)
        self.overrides = self._table("slaOverrides", "SLA overrides", OVERRIDE_HEADERS)
        self.add_button = self._button("&Add override…", "addOverride", self.add)
        self.edit_button = self._button("&Edit override…", "editOverride", self.edit_override)
        self.remove_button = self._button("&Remove override", "removeOverride", self.remove)
        self.overrides_note = named(QLabel(box), "overridesNote", "About overrides")
        self.overrides_note.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(box)
        layout.addWidget(self.overrides, 1)
        row = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(button)
        row.addWidget(self.overrides_note, 1)
        layout.addLayout(row)
        return box

    def _build_preview(self) -> QWidget:
        box = QGroupBox("&Preview: a ticket created now", self)
        self.preview_site = _combo("previewSite", "Preview site", [])
        self.preview_category = _combo("previewCategory", "Preview category", [])
        self.preview_priority = _combo("previewPriority", "Preview priority", _priority_items())
        self.preview_priority.setCurrentIndex(2)
        self.preview_line = named(QLabel(box), "previewResult", "When it would be due")
        self.preview_line.setWordWrap(True)
        self.preview_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_line.setStyleSheet("font-weight: 600;")
        row = QHBoxLayout()
        for caption, combo in (
            ("S&ite:", self.preview_site),
            ("Cate&gory:", self.preview_category),
            ("Priorit&y:", self.preview_priority),
        ):
            label = QLabel(caption, box)
            label.setBuddy(combo)
            row.addWidget(label)
            row.addWidget(combo, 1)
            combo.currentIndexChanged.connect(lambda _i: self.update_preview())
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.preview_line)
        return box

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = named(QPushButton(text, self), name, text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        if not self._may:
            button.setToolTip(refusal(Action.CHANGE_SLA_POLICIES))
        return button

    def _build_keys(self) -> None:
        enter = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        key_action(self.defaults, enter, self.edit_default)
        key_action(self.overrides, enter, self.edit_override)
        key_action(self.overrides, (Qt.Key.Key_Delete,), self.remove)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        self.refresh()
        self.defaults.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """Read the policies and the sites and categories again (F5)."""
        engine = self._context.engine
        run_task(
            lambda: (current_policies(engine), scope_choices(engine)),
            self._read,
            self.outcome.failed,
            self,
            guard=self._reads,
        )

    # -- public -------------------------------------------------------------------------------
    def current_default(self) -> PolicyRow | None:
        row = self.defaults.currentRow()
        return self._defaults[row] if 0 <= row < len(self._defaults) else None

    def current_override(self) -> PolicyRow | None:
        row = self.overrides.currentRow()
        return self._overrides[row] if 0 <= row < len(self._overrides) else None

    def edit(self) -> None:
        """Enter or a double click: edit the row of whichever table has it selected."""
        if self.overrides.hasFocus():
            self.edit_override()
        else:
            self.edit_default()

    def edit_default(self) -> None:
        policy = self.current_default()
        if self._may and policy is not None:
            self._open(PolicyDialog(self._context, self._choices, policy, self))

    def edit_override(self) -> None:
        policy = self.current_override()
        if self._may and policy is not None:
            self._open(PolicyDialog(self._context, self._choices, policy, self))

    def add(self) -> None:
        if self._may:
            self._open(PolicyDialog(self._context, self._choices, None, self))

    def remove(self) -> None:
        """Remove override (and Delete on one): after asking."""
        policy = self.current_override()
        if not self._may or policy is None:
            return
        answer = QMessageBox.question(
            self,
            "Remove override",
            f"Remove the override of {policy.priority.label} for {policy.where}? Tickets opened "
            "from now on get the next policy that applies; tickets already opened keep theirs.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        engine, me = self._context.engine, self._context.me
        run_task(
            lambda: remove_override(engine, me, policy.id),
            lambda _none: self._changed(None, f"Removed the override for {policy.where}."),
            self.outcome.failed,
            self,
        )

    def update_preview(self) -> None:
        """Ask again when a ticket of the chosen site, category and priority would be due."""
        site_id = self.preview_site.currentData()
        if site_id is None:
            self.preview_line.setText("Add a site to preview due times.")
            return
        category_id = self.preview_category.currentData()
        priority = Priority(self.preview_priority.currentData())
        engine = self._context.engine
        run_task(
            lambda: due_preview(engine, priority, site_id, category_id),
            lambda preview: self.preview_line.setText(preview_text(preview)),
            self.outcome.failed,
            self,
            guard=self._previews,
        )

    # -- reading ------------------------------------------------------------------------------
    def _read(self, found: tuple[list[PolicyRow], Choices]) -> None:
        policies, self._choices = found
        self._defaults = [p for p in policies if p.is_default]
        self._overrides = [p for p in policies if not p.is_default]
        _fill(self.defaults, [target_cells(p) for p in self._defaults])
        _fill(self.overrides, [(p.where, *target_cells(p)) for p in self._overrides])
        show_message(
            self.overrides_note,
            "" if self._overrides else "No overrides: the defaults apply to every ticket.",
        )
        self._fill_preview_choices()
        self._update_buttons()
        self.content_shown()

    def _fill_preview_choices(self) -> None:
        site, category = self.preview_site.currentData(), self.preview_category.currentData()
        for combo, items, blank, keep in (
            (self.preview_site, self._choices.sites, None, site),
            (self.preview_category, self._choices.categories, "No category", category),
        ):
            combo.blockSignals(True)
            combo.clear()
            if blank:
                combo.addItem(blank, None)
            for data, text in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(keep)))
            combo.blockSignals(False)
        self.update_preview()

    def _update_buttons(self) -> None:
        self.edit_default_button.setEnabled(self._may and self.current_default() is not None)
        self.add_button.setEnabled(self._may)
        chosen = self._may and self.current_override() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    # -- writing ------------------------------------------------------------------------------
    def _open(self, dialog: PolicyDialog) -> None:
        self.outcome.open(dialog, self._changed)

    def _changed(self, _policy_id: object, message: str) -> None:
        self.outcome.tell(message, ok=True)
        self.refresh()


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    """Replace the rows of ``table``, keeping the selected row (or the nearest one)."""
    keep = max(0, table.currentRow())
    table.setRowCount(len(rows))
    for number, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(number, column, QTableWidgetItem(value))
    if rows:
        table.setCurrentCell(min(keep, len(rows) - 1), 0)
