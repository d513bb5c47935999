"""The problem editor (object name ``problemEditor``): one problem's fields, its place in the
workflow, its incidents and its history, beside the problem list of :mod:`ui.problems.page`.

Above three tabs sit the problem's heading and a button for every status it may move to
(:func:`app.problems.records.problem_transitions`); Resolve… asks for the fix and whether to
resolve the open incidents too (:class:`ResolveDialog`), and going back from resolved asks
why. The tabs:

- **Details**: title, description, owner, priority, target date, the assets (typed as tags)
  and categories it affects, root cause, workaround and permanent fix. Ctrl+S (or Save)
  saves the fields that changed, under the version they were loaded with: a save made
  elsewhere meanwhile refuses it, and the conflict bar says who changed what; Reload shows
  theirs with these edits kept in the fields, to save again.
- **Incidents**: the linked tickets (Enter or a double click opens one in the ticket editor,
  Delete or Unlink takes it off), a box to link more by typing their numbers, a small chart
  of how many came in each week (:class:`ui.problems.chart.WeeklyChart`) and the callers
  affected.
- **History**: every change in words, oldest first, and a box for a note (Ctrl+Enter).

A status change or a resolution first saves the field edits (a root cause typed a moment ago
is what "Root cause known" needs), then acts on the version just saved. Everyone may read a
problem; a role without :attr:`Action.MANAGE_PROBLEMS` sees the fields read-only and the
buttons disabled, with the reason in words. Every read and write runs off the GUI thread.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.assets.register import day_text
from app.context import AppContext
from app.errors import ConflictError, SwitchboardError, ValidationError
from app.permissions import Action, context_may, refusal
from app.pick_lists import Choice
from app.problems.detail import ProblemDetail, problem_detail
from app.problems.records import (
    add_problem_note,
    change_problem_status,
    link_incidents,
    resolve_problem,
    unlink_incident,
    update_problem,
)
from app.problems.typed import assets_tagged, tickets_numbered, words
from models.clock import utcnow
from models.enums import Priority, ProblemStatus
from ui.kit.errors import show_failure
from ui.kit.flow_layout import FlowLayout
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    AMBER,
    GREEN,
    MUTED,
    Banner,
    chip_style,
    error_label,
    key_action,
    message_label,
    named,
    on_ctrl_enter,
    plural,
    priority_chip_style,
    read_only_table,
    show_message,
    show_problems,
    signals_blocked,
    text_box,
    ticket_list_table,
)
from ui.problems.chart import WeeklyChart
from ui.problems.dialogs import NoteDialog, ResolveDialog

STATUS_CHIPS = {
    ProblemStatus.NEW: ("#e3f2fd", "#0d47a1"),
    ProblemStatus.INVESTIGATING: ("#fff3e0", "#e65100"),
    ProblemStatus.ROOT_CAUSE_KNOWN: ("#ede7f6", "#4527a0"),
    ProblemStatus.KNOWN_ERROR: ("#fce4ec", "#ad1457"),
    ProblemStatus.RESOLVED: ("#e8f5e9", "#1b5e20"),
    ProblemStatus.CLOSED: ("#eceff1", "#37474f"),
}
# The transition buttons; their letters stay clear of the menu bar's and the page's.
TRANSITION_TEXTS = {
    ProblemStatus.INVESTIGATING: "Investi&gating",
    ProblemStatus.ROOT_CAUSE_KNOWN: "Root cause &known",
    ProblemStatus.KNOWN_ERROR: "Kno&wn error",
    ProblemStatus.RESOLVED: "Reso&lve…",
    ProblemStatus.CLOSED: "Cl&ose",
}
CALLER_HEADERS = ("Caller", "Incidents")
TEXT_FIELDS = ("title", "description", "root_cause", "workaround", "permanent_fix")


def when(moment: datetime) -> str:
    """A moment on this workstation's clock: "24 Nov 2026 10:04"."""
    local = moment.astimezone()
    return f"{day_text(local.date())} {local:%H:%M}"


# -- writing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edits:
    """The fields changed in the editor, as :func:`update_problem` takes them, and the asset
    tags as typed when they changed (looked up as the edits are saved)."""

    fields: Mapping[str, Any]
    asset_tags: tuple[str, ...] | None = None

    def __bool__(self) -> bool:
        return bool(self.fields) or self.asset_tags is not None


def write_edits(
    engine: Engine, problem_id: uuid.UUID, edits: Edits, actor_id: uuid.UUID, version: int
) -> None:
    """Save ``edits`` made on ``version`` of the problem (in a worker)."""
    changes = dict(edits.fields)
    if edits.asset_tags is not None:
        changes["asset_ids"] = assets_tagged(engine, edits.asset_tags)
    update_problem(engine, problem_id, changes, actor_id, utcnow(), version)


@dataclass(frozen=True)
class Answer:
    """What a write in the editor came back with: the problem as it is now, what the action
    returned, and the action's refusal when the field edits before it were saved."""

    detail: ProblemDetail
    result: object = None
    refused: SwitchboardError | None = None


Act = Callable[[int], object]  # an action on the problem, given the version to act on


# -- the editor --------------------------------------------------------------------------------


class _Field:
    """A field's caption, with its mnemonic when it has one, and its problem line."""

    def __init__(self, key: str, caption: str) -> None:
        self.caption = QLabel(caption)
        self.error = error_label(f"{key}Error")


class ProblemEditor(QWidget):
    """One problem: heading, workflow buttons, and the Details, Incidents and History tabs;
    see the module docstring."""

    changed = Signal(object)  # a write landed: the ProblemDetail as it is now
    ticketAsked = Signal(object)  # open this incident (a ticket id) in the ticket editor

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "problemEditor", "Problem")
        self._context = context
        self._may_write = context_may(context, Action.MANAGE_PROBLEMS)
        self._refusal = refusal(Action.MANAGE_PROBLEMS)
        self._detail: ProblemDetail | None = None
        self._loaded: dict[str, Any] = {}  # the fields as the shown version has them
        self._filling = False
        self._busy = False
        self._staff: list[Choice] = []
        self._categories: list[Choice] = []
        self._reads, self._writes = StaleGuard(), StaleGuard()
        self._transition_buttons: list[QPushButton] = []
        self._fields: dict[str, _Field] = {}
        self._build()
        self.show_detail(None)

    # -- building -----------------------------------------------------------------------------
    def _button(self, text: str, name: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
        button = named(QPushButton(text), name, text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())
        return button

    def _build(self) -> None:
        self.heading = named(QLabel(), "problemHeading", "Problem")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.status_chip = named(QLabel(), "problemStatusChip", "Status")
        self.priority_chip = named(QLabel(), "problemPriorityChip", "Priority")
        self.facts = named(QLabel(), "problemFacts", "About the problem")
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet(f"color: {MUTED};")
        chips = QHBoxLayout()
        chips.setSpacing(6)
        chips.addWidget(self.status_chip)
        chips.addWidget(self.priority_chip)
        chips.addWidget(self.facts, 1)

        self.transitions_row = named(QWidget(), "problemTransitions", "Move the problem")
        self._transitions = FlowLayout(self.transitions_row)
        self._transitions.setSpacing(6)
        self.move_label = QLabel("Move to:")
        self.move_label.setStyleSheet(f"color: {MUTED};")
        self.closed_label = named(QLabel(), "problemClosed", "Why the fields are read-only")
        self.closed_label.setWordWrap(True)
        self.closed_label.setStyleSheet(f"color: {MUTED};")

        self.conflict_banner = Banner(
            "problemConflict",
            "Someone else changed this problem",
            ("#fff4e5", "#ffb74d"),
            self._button(
                "Reload", "problemReload", self.reload_keeping_edits, "Theirs, with your edits"
            ),
        )
        self.error_banner = Banner(
            "problemError",
            "Problem",
            ("#fdecea", "#e57373"),
            self._button("Dismiss", "problemDismissError", lambda: self.error_banner.hide()),
        )

        self.tabs = named(QTabWidget(), "problemTabs", "Details, incidents and history")
        self.tabs.addTab(self._build_details(), "&Details")
        self.tabs.addTab(self._build_incidents(), "&Incidents")
        self.tabs.addTab(self._build_history(), "Histor&y")

        self.dirty_label = named(QLabel("Unsaved changes"), "problemDirty", "Unsaved changes")
        self.dirty_label.setStyleSheet(f"color: {AMBER};")
        self.result_line = message_label("problemResult", "Done", GREEN)
        self.save_button = self._button("Save", "problemSave", self.save, "Save (Ctrl+S)")
        bottom = QHBoxLayout()
        bottom.addWidget(self.dirty_label)
        bottom.addWidget(self.result_line, 1)
        bottom.addStretch(0)
        bottom.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addLayout(chips)
        layout.addWidget(self.transitions_row)
        layout.addWidget(self.closed_label)
        layout.addWidget(self.conflict_banner)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.placeholder = named(
            QLabel("Select a problem to see it here.", self), "problemNone", "No problem"
        )
        self.placeholder.setStyleSheet(f"color: {MUTED};")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.placeholder, 1)

        save = QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _field(self, key: str, caption: str, widget: QWidget, form: QFormLayout) -> None:
        field = _Field(key, caption)
        field.caption.setBuddy(widget)
        widget.setAccessibleName(caption.replace("&", "").rstrip(":"))
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(field.error)
        form.addRow(field.caption, column)
        self._fields[key] = field

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(4)
        return form

    def _build_details(self) -> QWidget:
        self.title_edit = named(QLineEdit(), "problemTitle")
        self.title_edit.setPlaceholderText("What keeps going wrong")
        self.description_edit = text_box("problemDescription", "What people see, and where", 3)
        self.owner_combo = named(QComboBox(), "problemOwner")
        self.priority_combo = named(QComboBox(), "problemPriority")
        for priority in Priority:
            self.priority_combo.addItem(priority.label, int(priority))
        self.target_check = named(QCheckBox("By"), "problemHasTarget", "Has a target date")
        self.target_edit = named(QDateEdit(), "problemTarget", "Target date")
        self.target_edit.setCalendarPopup(True)
        self.target_edit.setDisplayFormat("d MMM yyyy")
        self.target_check.toggled.connect(self.target_edit.setEnabled)
        target = QWidget()
        target_row = QHBoxLayout(target)
        target_row.setContentsMargins(0, 0, 0, 0)
        target_row.addWidget(self.target_check)
        target_row.addWidget(self.target_edit)
        target_row.addStretch(1)
        target.setFocusProxy(self.target_check)
        target.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.assets_edit = named(QLineEdit(), "problemAssets")
        self.assets_edit.setPlaceholderText("Asset tags, e.g. PR-0012, LT-0040")
        self.categories_list = named(QListWidget(), "problemCategories")
        self.categories_list.setSpacing(1)
        self.categories_list.setFixedHeight((self.fontMetrics().lineSpacing() + 6) * 5 + 8)
        self.root_cause_edit = text_box("problemRootCause", "Why it happens", 4)
        self.workaround_edit = text_box(
            "problemWorkaround", "What the desk tells callers meanwhile", 4
        )
        self.fix_edit = text_box("problemFix", "What removes the cause for good", 4)

        first, second = self._form(), self._form()
        self._field("title", "Titl&e:", self.title_edit, first)
        self._field("description", "Description:", self.description_edit, first)
        self._field("owner", "Owner:", self.owner_combo, first)
        self._field("priority", "Priority:", self.priority_combo, first)
        self._field("target_date", "Target date:", target, first)
        self._field("assets", "Assets:", self.assets_edit, first)
        self._field("categories", "Categories:", self.categories_list, first)
        self._field("root_cause", "Root ca&use:", self.root_cause_edit, second)
        self._field("workaround", "Wo&rkaround:", self.workaround_edit, second)
        self._field("permanent_fix", "Per&manent fix:", self.fix_edit, second)
        self.target_edit.setAccessibleName("Target date")

        for edit in (*self._text_widgets().values(), self.assets_edit):
            edit.textChanged.connect(self._edited)
        for combo in (self.owner_combo, self.priority_combo):
            combo.currentIndexChanged.connect(self._edited)
        self.target_check.toggled.connect(self._edited)
        self.target_edit.dateChanged.connect(self._edited)
        self.categories_list.itemChanged.connect(self._edited)

        inner = QWidget()
        # Side by side where the editor is wide, one above the other where it is not.
        self._details_columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, inner)
        self._details_columns.setContentsMargins(6, 6, 6, 6)
        self._details_columns.setSpacing(16)
        first_column = QVBoxLayout()
        first_column.addLayout(first)
        first_column.addStretch(1)
        self._details_columns.addLayout(first_column, 1)
        second_column = QVBoxLayout()
        second_column.addLayout(second)
        second_column.addStretch(1)
        self._details_columns.addLayout(second_column, 1)
        scroll = named(QScrollArea(), "problemDetails", "Details")
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusProxy(self.title_edit)
        return scroll

    def _build_incidents(self) -> QWidget:
        page = named(QWidget(), "problemIncidentsTab", "Incidents")
        self.link_edit = named(QLineEdit(), "problemLinkNumbers", "Ticket numbers to link")
        self.link_edit.setPlaceholderText("e.g. HQ-000123, NY-000045")
        link_label = QLabel("Ticket nu&mbers to link:")
        link_label.setBuddy(self.link_edit)
        self.link_button = self._button("Link", "problemLink", self.link, "Link (Enter)")
        self.link_edit.returnPressed.connect(self.link)
        self.link_error = error_label("incidentsError")
        link_row = QHBoxLayout()
        link_row.addWidget(link_label)
        link_row.addWidget(self.link_edit, 1)
        link_row.addWidget(self.link_button)

        self.incidents_table = ticket_list_table("problemIncidents", "Incidents of the problem")
        self.incidents_table.doubleClicked.connect(lambda _index: self.open_incident())
        enter = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        key_action(self.incidents_table, enter, self.open_incident)
        key_action(self.incidents_table, (Qt.Key.Key_Delete,), self.unlink)
        self.unlink_button = self._button(
            "&Unlink", "problemUnlink", self.unlink, "Take the selected incident off (Delete)"
        )
        self.incidents_note = named(
            QLabel("Enter or a double click opens the ticket."), "problemIncidentsNote"
        )
        self.incidents_note.setStyleSheet(f"color: {MUTED};")
        under = QHBoxLayout()
        under.addWidget(self.unlink_button)
        under.addWidget(self.incidents_note, 1)

        self.chart = WeeklyChart()
        chart_title = QLabel("Incidents per week")
        chart_title.setStyleSheet("font-weight: 600;")
        self.callers_table = read_only_table(
            "problemCallers", "Callers affected", CALLER_HEADERS, selectable=False
        )
        self.callers_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.callers_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        callers_header = self.callers_table.horizontalHeader()
        callers_header.setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        callers_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        callers_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.callers_title = named(QLabel("Callers affected"), "problemCallersTitle")
        self.callers_title.setStyleSheet("font-weight: 600;")
        chart_box, callers_box = QWidget(), QWidget()
        chart_column = QVBoxLayout(chart_box)
        chart_column.setContentsMargins(0, 0, 6, 0)
        chart_column.addWidget(chart_title)
        chart_column.addWidget(self.chart, 1)
        callers_column = QVBoxLayout(callers_box)
        callers_column.setContentsMargins(6, 0, 0, 0)
        callers_column.addWidget(self.callers_title)
        callers_column.addWidget(self.callers_table, 1)
        lower = named(QSplitter(Qt.Orientation.Horizontal), "problemChartSplitter")
        lower.setChildrenCollapsible(False)
        lower.addWidget(chart_box)
        lower.addWidget(callers_box)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        remember_splitter(lower, "problemChart")

        upper = QWidget()
        upper_column = QVBoxLayout(upper)
        upper_column.setContentsMargins(0, 0, 0, 0)
        upper_column.addLayout(link_row)
        upper_column.addWidget(self.link_error)
        upper_column.addWidget(self.incidents_table, 1)
        upper_column.addLayout(under)
        split = named(QSplitter(Qt.Orientation.Vertical), "problemIncidentsSplitter")
        split.setChildrenCollapsible(False)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        remember_splitter(split, "problemIncidents")
        column = QVBoxLayout(page)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(split)
        page.setFocusProxy(self.incidents_table)
        return page

    def _build_history(self) -> QWidget:
        page = named(QWidget(), "problemHistoryTab", "History")
        self.history = named(QTextBrowser(), "problemHistory", "History of the problem")
        self.history.setOpenLinks(False)
        self.note_edit = text_box("problemNote", "A note for the history (Ctrl+Enter adds it)", 3)
        self.note_edit.setAccessibleName("Note")
        note_label = QLabel("Not&e:")
        note_label.setBuddy(self.note_edit)
        self.note_button = self._button("Add note", "problemAddNote", self.add_note, "Ctrl+Enter")
        self.note_error = error_label("noteError")
        on_ctrl_enter(self.note_edit, self.add_note)
        row = QHBoxLayout()
        row.addWidget(note_label, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.note_button, 0, Qt.AlignmentFlag.AlignBottom)
        column = QVBoxLayout(page)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.history, 1)
        column.addLayout(row)
        column.addWidget(self.note_error)
        page.setFocusProxy(self.note_edit)
        return page

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        wide = self.width() >= 860
        self._details_columns.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )

    # -- what it shows ------------------------------------------------------------------------
    @property
    def detail(self) -> ProblemDetail | None:
        return self._detail

    def set_choices(self, staff: Sequence[Choice], categories: Sequence[Choice]) -> None:
        """The staff who may own a problem and the categories to choose from (read once by
        the page); the problem shown keeps its values."""
        self._staff, self._categories = list(staff), list(categories)
        edits = self.edits() if self._detail is not None else Edits({})
        self._fill_choices()
        if self._detail is not None:
            self._put(self._values_of(self._detail))
            self._put(self._edited_values(edits))
        self._edited()

    def load(self, problem_id: uuid.UUID | None, said: str = "") -> None:
        """Show that problem (read now, off the GUI thread), or nothing; ``said``: what the
        page did to it (recorded it), said once it is shown."""
        if problem_id is None:
            self._reads.drop_pending()
            self.show_detail(None)
            return
        engine = self._context.engine

        def shown(detail: ProblemDetail) -> None:
            self.show_detail(detail)
            if said:
                self._say(said)

        run_task(
            lambda: problem_detail(engine, problem_id, utcnow()),
            shown,
            lambda error: show_failure(error, self.error_banner.show_message),
            parent=self,
            guard=self._reads,
        )

    def reload(self) -> None:
        """Read the problem shown again (its edits are dropped)."""
        if self._detail is not None:
            self.load(self._detail.id)

    def show_detail(self, detail: ProblemDetail | None) -> None:
        """Show ``detail`` as the problem's current state; edits are counted from it."""
        same = detail is not None and self._detail is not None and detail.id == self._detail.id
        self._detail = detail
        self.conflict_banner.hide()
        if not same:
            self.error_banner.hide()
            self.result_line.hide()
            self.note_edit.clear()
            self.link_edit.clear()
            for field in self._fields.values():
                field.error.hide()
            show_message(self.link_error, "")
            show_message(self.note_error, "")
        showing = detail is not None
        for widget in (self.heading, self.status_chip, self.priority_chip, self.facts):
            widget.setVisible(showing)
        self.tabs.setVisible(showing)
        self.transitions_row.setVisible(showing)
        self.save_button.setVisible(showing)
        self.placeholder.setVisible(not showing)
        if detail is None:
            self._loaded = {}
            self.closed_label.hide()
            self.dirty_label.hide()
            self._show_transitions(())
            return
        self._show_heading(detail)
        self._fill_choices()
        self._loaded = self._values_of(detail)
        self._put(self._loaded)
        self._show_incidents(detail)
        self._show_history(detail)
        self._show_transitions(detail.transitions)
        self._enable()
        self._edited()

    def _show_heading(self, detail: ProblemDetail) -> None:
        self.heading.setText(f"{detail.reference}  {detail.title}")
        self.status_chip.setText(detail.status.label)
        self.status_chip.setStyleSheet(chip_style(*STATUS_CHIPS[detail.status]))
        self.priority_chip.setText(detail.priority.label)
        self.priority_chip.setStyleSheet(priority_chip_style(detail.priority))
        facts = [f"recorded {day_text(detail.created_at.astimezone().date())}"]
        facts.append(
            f"{plural(len(detail.incidents), 'incident')}, {detail.open_incidents} open"
            if detail.incidents
            else "no incidents linked"
        )
        facts.append(f"owner {detail.owner_name}" if detail.owner_name else "no owner")
        if detail.target_date is not None:
            late = detail.status.is_open and detail.target_date < utcnow().astimezone().date()
            target = f"target {day_text(detail.target_date)}"
            facts.append(f"⚠ {target}, overdue" if late else target)
        self.facts.setText(" · ".join(facts))
        self.tabs.setTabText(1, f"&Incidents ({len(detail.incidents)})")

    def _fill_choices(self) -> None:
        """The owner list (nobody, then active staff, and the owner shown even if no longer
        active) and the category checklist (the problem's own categories included)."""
        detail = self._detail
        with signals_blocked(self.owner_combo):
            self.owner_combo.clear()
            self.owner_combo.addItem("Nobody", None)
            for choice in self._staff:
                self.owner_combo.addItem(choice.label, choice.id)
            owner = detail.owner_id if detail is not None else None
            if owner is not None and all(choice.id != owner for choice in self._staff):
                self.owner_combo.addItem(detail.owner_name if detail else "", owner)
        choices = {choice.id: choice.label for choice in self._categories}
        if detail is not None:
            for category in detail.categories:
                choices.setdefault(category.id, category.name)
        with signals_blocked(self.categories_list):
            self.categories_list.clear()
            # The problem's own first, where they are seen without scrolling.
            own = {category.id for category in detail.categories} if detail else set()
            ordered = sorted(choices.items(), key=lambda kv: (kv[0] not in own, kv[1].casefold()))
            for category_id, label in ordered:
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, category_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.categories_list.addItem(item)

    @staticmethod
    def _values_of(detail: ProblemDetail) -> dict[str, Any]:
        return {
            "title": detail.title,
            "description": detail.description,
            "priority": detail.priority,
            "owner_id": detail.owner_id,
            "target_date": detail.target_date,
            "asset_tags": ", ".join(asset.tag for asset in detail.assets),
            "category_ids": frozenset(category.id for category in detail.categories),
            "root_cause": detail.root_cause,
            "workaround": detail.workaround,
            "permanent_fix": detail.permanent_fix,
        }

    def _text_widgets(self) -> dict[str, QLineEdit | QPlainTextEdit]:
        return {
            "title": self.title_edit,
            "description": self.description_edit,
            "root_cause": self.root_cause_edit,
            "workaround": self.workaround_edit,
            "permanent_fix": self.fix_edit,
        }

    def _put(self, values: Mapping[str, Any]) -> None:
        """Set the fields of ``values`` (any of :meth:`_values_of`'s keys)."""
        self._filling = True
        try:
            for key, widget in self._text_widgets().items():
                if key in values:
                    if isinstance(widget, QLineEdit):
                        widget.setText(values[key])
                        widget.setCursorPosition(0)  # a long title shows its start
                    else:
                        widget.setPlainText(values[key])
            if "priority" in values:
                self.priority_combo.setCurrentIndex(
                    self.priority_combo.findData(int(values["priority"]))
                )
            if "owner_id" in values:
                owner = values["owner_id"]
                index = next(
                    (
                        n
                        for n in range(self.owner_combo.count())
                        if self.owner_combo.itemData(n) == owner
                    ),
                    0,
                )
                self.owner_combo.setCurrentIndex(index)
            if "target_date" in values:
                target = values["target_date"]
                self.target_check.setChecked(target is not None)
                self.target_edit.setEnabled(target is not None)
                shown = target or utcnow().astimezone().date()
                self.target_edit.setDate(QDate(shown.year, shown.month, shown.day))
            if "asset_tags" in values:
                self.assets_edit.setText(values["asset_tags"])
            if "category_ids" in values:
                chosen = values["category_ids"]
                for row in range(self.categories_list.count()):
                    item = self.categories_list.item(row)
                    ticked = item.data(Qt.ItemDataRole.UserRole) in chosen
                    item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        finally:
            self._filling = False

    def _values(self) -> dict[str, Any]:
        """The fields as they are on screen, in :meth:`_values_of`'s terms."""
        values: dict[str, Any] = {
            key: (widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText())
            for key, widget in self._text_widgets().items()
        }
        target = self.target_edit.date()
        values.update(
            priority=Priority(self.priority_combo.currentData() or Priority.MEDIUM),
            owner_id=self.owner_combo.currentData(),
            target_date=(
                date(target.year(), target.month(), target.day())
                if self.target_check.isChecked()
                else None
            ),
            asset_tags=self.assets_edit.text(),
            category_ids=frozenset(
                self.categories_list.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(self.categories_list.count())
                if self.categories_list.item(row).checkState() == Qt.CheckState.Checked
            ),
        )
        return values

    def edits(self) -> Edits:
        """What differs on screen from the version shown."""
        if self._detail is None:
            return Edits({})
        now, then = self._values(), self._loaded
        fields: dict[str, Any] = {}
        for key in TEXT_FIELDS:
            if now[key].strip() != then[key].strip():
                fields[key] = now[key]
        for key in ("priority", "owner_id", "target_date", "category_ids"):
            if now[key] != then[key]:
                fields[key] = now[key]
        tags = tuple(dict.fromkeys(tag.upper() for tag in words(now["asset_tags"])))
        same_tags = set(tags) == {tag.upper() for tag in words(then["asset_tags"])}
        return Edits(fields, None if same_tags else tags)

    @staticmethod
    def _edited_values(edits: Edits) -> dict[str, Any]:
        """``edits`` as field values to put back on screen."""
        values = dict(edits.fields)
        if edits.asset_tags is not None:
            values["asset_tags"] = ", ".join(edits.asset_tags)
        return values

    def has_unsaved_changes(self) -> bool:
        return bool(self.edits())

    def _edited(self) -> None:
        if self._filling:
            return
        dirty = self.has_unsaved_changes()
        self.dirty_label.setVisible(dirty)
        if dirty:
            self.result_line.hide()

    def _show_incidents(self, detail: ProblemDetail) -> None:
        table = self.incidents_table
        table.setRowCount(len(detail.incidents))
        muted = QColor(MUTED)
        for row, incident in enumerate(detail.incidents):
            opened = day_text(incident.created_at.astimezone().date())
            values = (incident.number, incident.summary, incident.status_label, opened)
            who = f"Caller: {incident.caller_name}" if incident.caller_name else "No caller"
            tips = (incident.number, f"{incident.summary}\n{who}", incident.status_label, opened)
            for column, (value, tip) in enumerate(zip(values, tips, strict=True)):
                item = QTableWidgetItem(value)
                item.setToolTip(tip)
                if not incident.status.is_open:
                    item.setForeground(muted)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, incident.id)
                table.setItem(row, column, item)
        self.incidents_note.setText(
            "Enter or a double click opens the ticket."
            if detail.incidents
            else "No incidents yet: type their numbers above to link them."
        )
        self.chart.set_weeks(detail.weekly)
        self.callers_table.setRowCount(len(detail.callers))
        for row, caller in enumerate(detail.callers):
            self.callers_table.setItem(row, 0, QTableWidgetItem(caller.name))
            count = QTableWidgetItem(str(caller.incidents))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.callers_table.setItem(row, 1, count)
        self.callers_title.setText(
            f"Callers affected ({len(detail.callers)})" if detail.callers else "Callers affected"
        )

    def _show_history(self, detail: ProblemDetail) -> None:
        lines = []
        for event in detail.events:
            text = html.escape(event.text)
            head = (
                f"<span style='color:{MUTED}'>{when(event.at)}</span> · "
                f"<b>{html.escape(event.actor)}</b> — {text}"
            )
            note = html.escape(event.note).replace("\n", "<br>")
            if note:
                note = f"<br><span style='color:#37474f'>{note}</span>"
            lines.append(f"<p style='margin:0 0 6px 0'>{head}{note}</p>")
        self.history.setHtml("".join(lines))
        bar = self.history.verticalScrollBar()
        bar.setValue(bar.maximum())

    def history_lines(self) -> list[str]:
        """The history as plain lines (for the tests and a screen reader's copy)."""
        return [line for line in self.history.toPlainText().splitlines() if line.strip()]

    def _show_transitions(self, targets: Sequence[ProblemStatus]) -> None:
        """A button per status the problem may move to."""
        for old in self._transition_buttons:
            self._transitions.removeWidget(old)
            old.hide()
            old.setParent(None)
            old.deleteLater()
        self._transitions.removeWidget(self.move_label)
        self._transition_buttons = []
        detail = self._detail
        reopening = detail is not None and not detail.status.is_open
        for target in targets:
            tip = f"Move the problem to {target.label.lower()}"
            if reopening and target.is_open:
                tip = f"Reopen the problem as {target.label.lower()}: the fix did not hold"
            self._transition_buttons.append(
                self._button(
                    TRANSITION_TEXTS[target],
                    f"problemTo_{target.name}",
                    partial(self.move_to, target),
                    tip,
                )
            )
        if self._transition_buttons:
            self._transitions.addWidget(self.move_label)
            self.move_label.show()
        else:
            self.move_label.hide()
        for button in self._transition_buttons:
            self._transitions.addWidget(button)
            button.show()

    def _enable(self) -> None:
        """What the person may change: nothing without the role, nothing but notes on a
        closed problem, and nothing twice while a write is on its way."""
        detail = self._detail
        editable = self._may_write and detail is not None and detail.status != ProblemStatus.CLOSED
        for widget in (*self._text_widgets().values(), self.assets_edit, self.link_edit):
            widget.setReadOnly(not editable)
        for control in (self.owner_combo, self.priority_combo, self.target_check):
            control.setEnabled(editable)
        self.target_edit.setEnabled(editable and self.target_check.isChecked())
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for row in range(self.categories_list.count()):
            item = self.categories_list.item(row)
            with signals_blocked(self.categories_list):
                item.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable if editable else flags)
        free = not self._busy
        writes = [self.save_button, self.link_button, self.unlink_button, *self._transition_buttons]
        for button in writes:
            button.setEnabled(editable and free)
            button.setToolTip(self._refusal if not self._may_write else button.toolTip())
        self.note_edit.setReadOnly(not self._may_write)
        self.note_button.setEnabled(self._may_write and free)
        if not self._may_write:
            self.note_button.setToolTip(self._refusal)  # the page says it in words
        closed = self._may_write and detail is not None and detail.status == ProblemStatus.CLOSED
        show_message(
            self.closed_label,
            f"{detail.reference} is closed, so it is kept as it was; notes can still be added."
            if closed and detail is not None
            else "",
        )

    # -- keys and actions ---------------------------------------------------------------------
    def current_incident(self) -> uuid.UUID | None:
        item = self.incidents_table.item(self.incidents_table.currentRow(), 0)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, uuid.UUID) else None

    def open_incident(self) -> None:
        """Enter on an incident: the ticket editor shows it."""
        ticket_id = self.current_incident()
        if ticket_id is not None:
            self.ticketAsked.emit(ticket_id)

    def focus_fields(self) -> None:
        """The keyboard into the tab on screen: the title, the incidents or the note."""
        page = self.tabs.currentWidget()
        if page is not None and self._detail is not None:
            page.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def reload_keeping_edits(self) -> None:
        """The conflict bar's Reload: the problem as saved now, with the edits made here put
        back in their fields, to be checked against theirs and saved again."""
        detail = self._detail
        if detail is None:
            return
        edits, engine = self.edits(), self._context.engine

        def shown(fresh: ProblemDetail) -> None:
            self.show_detail(fresh)
            self._put(self._edited_values(edits))
            self._edited()
            self.tabs.setCurrentIndex(0)
            self.title_edit.setFocus()

        run_task(
            lambda: problem_detail(engine, detail.id, utcnow()),
            shown,
            lambda error: show_failure(error, self.error_banner.show_message),
            parent=self,
            guard=self._reads,
        )

    def save(self) -> None:
        """Save the edited fields (Ctrl+S)."""
        if self._detail is None or self._busy or not self.save_button.isEnabled():
            return
        if not self.edits():
            self._say("No changes to save.")
            return
        self._write(None, lambda detail, _result: f"Saved {detail.reference}.")

    def move_to(self, target: ProblemStatus) -> None:
        """A transition button: resolving asks for the fix, reopening asks why; the other
        moves are made at once."""
        detail = self._detail
        if detail is None or self._busy:
            return
        if target == ProblemStatus.RESOLVED:
            dialog = ResolveDialog(detail, self.fix_edit.toPlainText(), self)
            dialog.accepted.connect(lambda: self._resolve(dialog.text(), dialog.resolve_incidents))
            self._ask(dialog)
            return
        if not detail.status.is_open and target.is_open:
            asked = NoteDialog(
                "reopenProblem",
                f"Reopen {detail.reference}",
                f"Why is {detail.reference} reopened as {target.label.lower()}? "
                "Say what came back.",
                "Reopen",
                self,
                required="Say why the problem is reopened: what came back.",
            )
            asked.accepted.connect(lambda: self._move(target, asked.text()))
            self._ask(asked)
            return
        self._move(target, "")

    @staticmethod
    def _ask(dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _move(self, target: ProblemStatus, note: str) -> None:
        engine, me, problem_id = self._context.engine, self._context.me, self._id()

        def act(version: int) -> object:
            change_problem_status(engine, problem_id, target, me, utcnow(), version, note=note)
            return None

        self._write(
            act, lambda d, _r: f"{d.reference} is {target.label.lower()} now.", next_step=True
        )

    def _resolve(self, note: str, incidents: bool) -> None:
        engine, me, problem_id = self._context.engine, self._context.me, self._id()

        def act(version: int) -> object:
            return resolve_problem(
                engine,
                problem_id,
                me,
                utcnow(),
                fix_note=note,
                resolve_incidents=incidents,
                expected_version=version,
            )

        def said(detail: ProblemDetail, numbers: object) -> str:
            resolved = tuple(numbers) if isinstance(numbers, tuple) else ()
            if not resolved:
                return f"Resolved {detail.reference}."
            return (
                f"Resolved {detail.reference} and {plural(len(resolved), 'incident')}: "
                f"{', '.join(resolved)}."
            )

        self._write(act, said, next_step=True)

    def link(self) -> None:
        """Link the tickets whose numbers are typed (Enter in the box)."""
        if self._detail is None or self._busy or not self.link_button.isEnabled():
            return
        text, engine, me, problem_id = (
            self.link_edit.text(),
            self._context.engine,
            self._context.me,
            self._id(),
        )

        def act(_version: int) -> object:
            ids = tickets_numbered(engine, text)
            link_incidents(engine, problem_id, ids, me, utcnow())
            return len(ids)

        def said(detail: ProblemDetail, count: object) -> str:
            self.link_edit.clear()
            show_message(self.link_error, "")
            linked = plural(count, "ticket") if isinstance(count, int) else "the tickets"
            return f"Linked {linked} to {detail.reference}."

        self._write(act, said, focus=self.link_edit, with_edits=False)

    def unlink(self) -> None:
        """Take the selected incident off the problem (Unlink, or Delete in the table)."""
        ticket_id = self.current_incident()
        if ticket_id is None or self._busy or not self.unlink_button.isEnabled():
            return
        item = self.incidents_table.item(self.incidents_table.currentRow(), 0)
        number = item.text() if item is not None else "the ticket"
        engine, me, problem_id = self._context.engine, self._context.me, self._id()

        def act(_version: int) -> object:
            unlink_incident(engine, problem_id, ticket_id, me, utcnow())
            return None

        self._write(
            act,
            lambda d, _r: f"Unlinked {number} from {d.reference}.",
            focus=self.incidents_table,
            with_edits=False,
        )

    def add_note(self) -> None:
        """Add the note typed to the history (Ctrl+Enter)."""
        if self._detail is None or self._busy or not self.note_button.isEnabled():
            return
        note, engine, me, problem_id = (
            self.note_edit.toPlainText(),
            self._context.engine,
            self._context.me,
            self._id(),
        )
        if not note.strip():
            show_message(self.note_error, "Write the note first.")
            return

        def act(_version: int) -> object:
            add_problem_note(engine, problem_id, note, me, utcnow())
            return None

        def said(detail: ProblemDetail, _result: object) -> str:
            self.note_edit.clear()
            show_message(self.note_error, "")
            return f"Added a note to {detail.reference}."

        self._write(act, said, focus=self.note_edit, with_edits=False)

    def _id(self) -> uuid.UUID:
        assert self._detail is not None
        return self._detail.id

    # -- writing ------------------------------------------------------------------------------
    def _write(
        self,
        act: Act | None,
        said: Callable[[ProblemDetail, object], str],
        *,
        focus: QWidget | None = None,
        with_edits: bool = True,
        next_step: bool = False,
    ) -> None:
        """Save the field edits (unless ``with_edits`` is False: a note leaves them be), then
        ``act`` on the version saved, then read the problem again; all in one worker.
        Afterwards the keyboard goes to ``focus``, or with ``next_step`` to the first
        workflow button, or else back where it was."""
        detail = self._detail
        assert detail is not None
        edits = self.edits() if with_edits else Edits({})
        engine, me = self._context.engine, self._context.me

        def work() -> Answer:
            version, saved = detail.version, False
            if edits:
                write_edits(engine, detail.id, edits, me, version)
                saved = True
                version = problem_detail(engine, detail.id, utcnow()).version
            try:
                result = act(version) if act is not None else None
            except SwitchboardError as error:
                if not saved:
                    raise
                return Answer(problem_detail(engine, detail.id, utcnow()), refused=error)
            return Answer(problem_detail(engine, detail.id, utcnow()), result)

        kept = {} if with_edits else self._edited_values(self.edits())
        if focus is None and not next_step:
            focus = QApplication.focusWidget()
        self._set_busy(True)
        run_task(
            work,
            lambda answer: self._written(answer, said, focus, kept),
            self._refused,
            parent=self,
            guard=self._writes,
        )

    def _written(
        self,
        answer: Answer,
        said: Callable[[ProblemDetail, object], str],
        focus: QWidget | None,
        kept: Mapping[str, Any],
    ) -> None:
        self._set_busy(False)
        self._reads.drop_pending()  # this answer is newer than any read on its way
        self.show_detail(answer.detail)
        if kept:
            self._put(kept)
            self._edited()
        self.changed.emit(answer.detail)
        if answer.refused is not None:
            self._say(f"Saved your edits to {answer.detail.reference}, but:")
            self._show_refusal(answer.refused)
            return
        self.error_banner.hide()
        self._say(said(answer.detail, answer.result))
        self._focus_after(focus)

    def _focus_after(self, focus: QWidget | None) -> None:
        """Where the keyboard goes after a write: to ``focus`` while it is still there, else
        on the first workflow button (the next step), else the title."""
        if (
            focus is not None
            and shiboken6.isValid(focus)
            and focus.isVisible()
            and focus.isEnabled()
            and self.isAncestorOf(focus)
        ):
            focus.setFocus()
            return
        for button in self._transition_buttons:
            if button.isEnabled():
                button.setFocus()
                return
        self.title_edit.setFocus()

    def _refused(self, error: Exception) -> None:
        self._set_busy(False)
        self._show_refusal(error)

    def _show_refusal(self, error: Exception) -> None:
        """A conflict in the conflict bar, field problems under their fields, the rest in
        the error bar; a bug takes the program's one error path."""
        if isinstance(error, ConflictError):
            self._show_conflict(error)
        elif isinstance(error, ValidationError):
            self._show_problems(error.problems)
        else:
            show_failure(error, self.error_banner.show_message)

    def _show_conflict(self, error: ConflictError) -> None:
        lines = [f"{c.who} at {c.at}: {c.what}" for c in error.changes] or ["(not known)"]
        self.conflict_banner.show_message(
            f"{error.number} was changed by someone else since you opened it, so nothing was "
            "saved. Their changes:\n  "
            + "\n  ".join(lines)
            + "\nReload to see theirs; your edits stay in the fields, to check and save again."
        )

    def _show_problems(self, problems: Mapping[str, str]) -> None:
        labels = {key: field.error for key, field in self._fields.items()}
        labels["owner_id"] = self._fields["owner"].error
        labels["incidents"] = self.link_error
        labels["note"] = self.note_error
        leftover = show_problems(labels, problems)
        for key, field in self._fields.items():
            if key in problems:
                self.tabs.setCurrentIndex(0)
                buddy = field.caption.buddy()
                if buddy is not None:
                    buddy.setFocus()
                break
        else:
            if "incidents" in problems:
                self.tabs.setCurrentIndex(1)
                self.link_edit.setFocus()
        if leftover:
            self.error_banner.show_message(" ".join(leftover.values()))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._enable()

    def _say(self, text: str) -> None:
        show_message(self.result_line, text)
