"""The maintenance task dialog: add a task to the calendar, or change one "from this date on".

On the left what the task is and who does it: title, system, impact, site, owner (a person,
a team or both), the assets it covers (a checkable list with a filter), the checklist (one
item a line) and the instructions. On the right when: the first day, the start on the site's
clock (its zone beside it), how long the window lasts, how often it repeats and when it ends
(the rows of :class:`~ui.maintenance.recurrence_editor.RecurrenceEditor`), said in words by
:func:`app.maintenance.recurrence.describe` as it is chosen; then whether a ticket is raised N
days ahead and whether resolving or closing it marks the occurrence done.

A task being changed is read first (:func:`~app.maintenance.tasks.load_task`, off the GUI
thread, with the pick lists). Its change applies from a date ("Apply from", today or the
series' first day, whichever is later): what came before stays as it was recorded, and the
changed series carries on from the first day it comes round on or after that date
(:func:`~app.maintenance.tasks.change_task`). "End the series…" asks, then plans nothing
from that date on (:func:`~app.maintenance.tasks.end_task`).

Saving runs off the GUI thread; each problem the service finds is shown under its field and
nothing is saved. Ctrl+Enter saves, Esc closes. Writing is :attr:`Action.MANAGE_MAINTENANCE`
(the calendar offers this dialog only to those who may; the service refuses anyone else).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.context import AppContext
from app.errors import ValidationError
from app.maintenance.choices import MaintenanceChoices, maintenance_choices
from app.maintenance.recurrence import (
    LOOK_AHEAD_YEARS,
    Frequency,
    Recurrence,
    describe,
    occurrences,
    to_rrule,
)
from app.maintenance.tasks import (
    MAX_IMPACT,
    MAX_SYSTEM,
    MAX_TITLE,
    MOST_DAYS_AHEAD,
    TaskDetail,
    TaskDraft,
    change_task,
    create_task,
    end_task,
    load_task,
)
from app.org.sites import list_sites
from app.roster.local_time import parse_clock
from models.clock import utcnow
from ui.kit.errors import show_failure
from ui.kit.tasks import run_task
from ui.kit.widgets import (
    MUTED,
    RED,
    error_label,
    message_label,
    named,
    on_ctrl_enter,
    show_message,
    show_problems,
    signals_blocked,
    text_box,
)
from ui.maintenance.recurrence_editor import RecurrenceEditor, date_edit, date_in, qdate

NOBODY = "—"
DEFAULT_MINUTES = 60
MOST_HOURS = 7 * 24  # the service refuses a window longer than a week
ASSET_ROLE = Qt.ItemDataRole.UserRole + 1
APPLY_SENTENCE = "Occurrences before this date stay as they were recorded."
DEFAULT_SIZE = QSize(980, 640)  # fits a 1024x700 screen with the window's frame
COLUMN_WIDTH = 440  # each of the two columns; two fit a 1024-pixel screen with the margins

# A problem of a part of the recurrence goes under the row that chooses that part.
_PROBLEM_ROWS = {
    "interval": "recurrence",
    "weekdays": "weekdays",
    "nth": "pattern",
    "month_day": "pattern",
    "month": "pattern",
    "count": "until",
}


@dataclass(frozen=True)
class TaskForm:
    """What the dialog reads before it can be filled in: the pick lists, each site's time
    zone and, for a task being changed, the task."""

    choices: MaintenanceChoices
    zones: Mapping[uuid.UUID, str]
    task: TaskDetail | None


def read_form(engine: Engine, task_id: uuid.UUID | None) -> TaskForm:
    """The dialog's reads (in the background)."""
    zones = {site.id: site.timezone for site in list_sites(engine)}
    task = load_task(engine, task_id) if task_id is not None else None
    return TaskForm(maintenance_choices(engine), zones, task)


def carried_on_from(draft: TaskDraft, from_day: date) -> TaskDraft:
    """``draft`` as the series carried on from ``from_day``: a series first counted before
    that day starts on the first day on or after it that it comes round (so "every 2 weeks"
    keeps its weeks); one that cannot (its parts refused, or ended before) starts on
    ``from_day`` and the service says why."""
    if draft.first_day >= from_day or draft.recurrence.frequency is Frequency.ONCE:
        return draft
    try:
        rule = to_rrule(draft.recurrence)
    except ValidationError:
        return replace(draft, first_day=from_day)
    start = datetime.combine(draft.first_day, parse_clock(draft.start_time) or time())
    # Local times throughout: the zone is only the frame of the window asked for.
    after = datetime.combine(from_day, time(), UTC)
    ahead = after + relativedelta(years=LOOK_AHEAD_YEARS)
    found = occurrences(rule, start, ZoneInfo("UTC"), after, ahead)
    return replace(draft, first_day=found[0].date() if found else from_day)


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def day_words(day: date) -> str:
    """ "Tue 24 Nov 2026"."""
    return day.strftime("%a %d %b %Y")


class Roomy(QWidget):
    """A box for a list or a text box that takes the height a dialog has to spare but asks
    for no more than its least: the form then fits a small screen without scrolling."""

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()


class TaskDialog(QDialog):
    """Add a maintenance task (``task_id`` None; the first day is ``day`` or today) or change
    task ``task_id`` (object name ``taskDialog``). Accepted once written: :attr:`outcome` is
    the id of the task that carries the series on (for an ended series, the task's own) and
    :meth:`summary` says what was done."""

    loaded = Signal()  # the lists (and the task) are in the fields

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        task_id: uuid.UUID | None = None,
        day: date | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "taskDialog", "Maintenance task")
        self.context = context
        self.task_id = task_id
        self.outcome: uuid.UUID | None = None
        self.ready = False
        self._busy = False
        self._done_words = ""
        self._title = ""  # the task's title as read, for the window title
        self._zones: Mapping[uuid.UUID, str] = {}
        self._errors: dict[str, QLabel] = {}
        self._rows: dict[str, QWidget] = {}
        self._forms: dict[str, QFormLayout] = {}
        first = day or utcnow().astimezone().date()
        self.setWindowTitle("Change maintenance task" if task_id else "Add maintenance task")

        self.body = named(QWidget(), "taskForm", "Maintenance task")
        columns = QHBoxLayout(self.body)
        columns.setSpacing(24)
        columns.addWidget(self._build_what(), 1)
        columns.addWidget(self._build_when(first), 1)
        self.area = named(QScrollArea(), "taskScroll", "Maintenance task")
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setWidget(self.body)

        self.problem = message_label("taskProblem", "Problem", RED)
        self.buttons = named(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            ),
            "taskButtons",
            "Buttons",
        )
        self.confirm = named(
            self.buttons.button(QDialogButtonBox.StandardButton.Ok),
            "saveTask",
            "Apply the change" if task_id else "Add the task",
        )
        self.confirm.setText("&Apply" if task_id else "&Add")
        named(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "cancelTask", "Cancel")
        self.end_button: QPushButton | None = None
        if task_id is not None:
            self.end_button = named(
                self.buttons.addButton("&End the series…", QDialogButtonBox.ButtonRole.ResetRole),
                "endSeries",
                "End the series",
            )
            self.end_button.setAutoDefault(False)
            self.end_button.setToolTip("Plan nothing from the apply-from date on.")
            self.end_button.clicked.connect(self.end_series)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        on_ctrl_enter(self, self.submit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._set_defaults()
        self._changed()
        self._size_to_screen()
        self._enable(False)
        engine = context.engine
        run_task(lambda: read_form(engine, task_id), self._fill, self._load_failed, parent=self)

    # -- building -----------------------------------------------------------------------------
    def _column(self) -> tuple[QWidget, QFormLayout]:
        host = QWidget()
        host.setMinimumWidth(COLUMN_WIDTH)
        form = QFormLayout(host)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        return host, form

    def _row(
        self,
        form: QFormLayout,
        key: str,
        caption: str,
        field: QWidget,
        hint: QLabel | None = None,
        buddy: QWidget | None = None,
        *,
        grows: bool = False,
    ) -> None:
        """A row: ``caption`` (its mnemonic takes the keyboard to ``buddy`` or else
        ``field``) for ``field``, with a hint and the row's problem line under it. Only a
        row that ``grows`` takes the height a taller dialog has to spare."""
        host = named(QWidget(), f"{key}Row")
        host.setSizePolicy(
            QSizePolicy.Policy.Preferred,
            QSizePolicy.Policy.Expanding if grows else QSizePolicy.Policy.Maximum,
        )
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        if hint is not None:
            column.addWidget(hint)
        self._errors[key] = error_label(f"{key}Error")
        column.addWidget(self._errors[key])
        label = named(QLabel(caption), f"{key}Label")
        label.setBuddy(buddy or field)
        if not field.accessibleName():
            field.setAccessibleName(caption.replace("&", "").rstrip(":"))
        form.addRow(label, host)
        self._rows[key] = host
        self._forms[key] = form

    @staticmethod
    def _hint(name: str, text: str = "") -> QLabel:
        hint = named(QLabel(text), name, "Hint")
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        return hint

    @staticmethod
    def _line(name: str, accessible: str, most: int, placeholder: str = "") -> QLineEdit:
        edit = named(QLineEdit(), name, accessible)
        edit.setMaxLength(most)
        edit.setPlaceholderText(placeholder)
        return edit

    def _build_what(self) -> QWidget:
        host, form = self._column()
        self.title_edit = self._line(
            "taskTitle", "Title", MAX_TITLE, "Mail server patching, UPS battery test…"
        )
        self.system_edit = self._line("taskSystem", "System", MAX_SYSTEM, "Optional: Mail, VPN…")
        self.impact_edit = self._line(
            "taskImpact", "Impact", MAX_IMPACT, "Optional: mail unavailable for an hour"
        )
        self.site_combo = named(QComboBox(), "taskSite", "Site")
        self.site_combo.currentIndexChanged.connect(self._site_changed)
        self.owner_combo = named(QComboBox(), "taskOwner", "Owner")
        self.team_combo = named(QComboBox(), "taskTeam", "Owner team")
        self._row(form, "title", "Tit&le:", self.title_edit)
        self._row(form, "system", "S&ystem:", self.system_edit)
        self._row(form, "impact", "&Impact:", self.impact_edit)
        self._row(form, "site", "&Site:", self.site_combo)
        self._row(form, "owner", "&Owner:", self.owner_combo)
        self._row(
            form,
            "team",
            "Owner tea&m:",
            self.team_combo,
            self._hint("taskOwnerHint", "A person, a team or both."),
        )
        assets = self._build_assets()
        self.asset_count = self._hint("taskAssetCount", "None chosen.")
        self._row(
            form,
            "assets",
            "Assets co&vered:",
            assets,
            self.asset_count,
            self.asset_filter,
            grows=True,
        )
        self.checklist_edit = text_box("taskChecklist", "One item a line: Snapshot, Patch…", 4)
        self.checklist_edit.setAccessibleName("Checklist")
        self._row(
            form,
            "checklist",
            "&Checklist:",
            self.checklist_edit,
            self._hint("taskChecklistHint", "One item a line; each is ticked when it is done."),
        )
        return host

    def _build_assets(self) -> QWidget:
        host = named(Roomy(), "taskAssetsBox", "Assets covered")
        self.asset_filter = named(QLineEdit(), "taskAssetFilter", "Filter the assets")
        self.asset_filter.setPlaceholderText("Type to filter by tag, make or model")
        self.asset_filter.setClearButtonEnabled(True)
        self.asset_filter.textChanged.connect(self._filter_assets)
        self.asset_list = named(QListWidget(), "taskAssets", "Assets covered")
        self.asset_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.asset_list.setMinimumHeight(self.asset_list.fontMetrics().lineSpacing() * 5 + 8)
        self.asset_list.itemChanged.connect(lambda _item: self._count_assets())
        self.asset_list.setToolTip("Space ticks or unticks the asset the list is at.")
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.asset_filter)
        layout.addWidget(self.asset_list)
        return host

    def _build_when(self, first: date) -> QWidget:
        host, form = self._column()
        self.apply_edit: QDateEdit | None = None
        if self.task_id is not None:
            self.apply_edit = date_edit("taskApplyFrom", "Apply from", first)
            self._row(
                form,
                "from_day",
                "A&pply from:",
                self.apply_edit,
                self._hint("taskApplyHint", APPLY_SENTENCE),
            )
        self.first_edit = date_edit("taskFirstDay", "First day", first)
        self.first_edit.dateChanged.connect(self._first_day_changed)
        first_hint = (
            self._hint(
                "taskFirstDayHint",
                "Where the series is counted from.",
            )
            if self.task_id is not None
            else None
        )
        self._row(form, "first_day", "&First day:", self.first_edit, first_hint)

        starts = named(QWidget(), "taskStartBox", "Start time")
        starts_row = QHBoxLayout(starts)
        starts_row.setContentsMargins(0, 0, 0, 0)
        self.start_edit = named(QLineEdit(), "taskStart", "Start time")
        self.start_edit.setPlaceholderText("HH:MM")
        self.start_edit.setMaxLength(5)
        self.start_edit.setFixedWidth(
            self.start_edit.fontMetrics().horizontalAdvance("00:000") + 20
        )
        self.zone_label = named(QLabel(), "taskZone", "Time zone")
        self.zone_label.setStyleSheet(f"color: {MUTED};")
        starts_row.addWidget(self.start_edit)
        starts_row.addWidget(self.zone_label, 1)
        self._row(form, "start_time", "S&tart time:", starts, None, self.start_edit)

        lasts = named(QWidget(), "taskDurationBox", "Duration")
        lasts_row = QHBoxLayout(lasts)
        lasts_row.setContentsMargins(0, 0, 0, 0)
        self.hours_spin = named(QSpinBox(), "taskHours", "Duration, hours")
        self.hours_spin.setRange(0, MOST_HOURS)
        self.hours_spin.setSuffix(" h")
        self.minutes_spin = named(QSpinBox(), "taskMinutes", "Duration, minutes")
        self.minutes_spin.setRange(0, 59)
        self.minutes_spin.setSuffix(" min")
        lasts_row.addWidget(self.hours_spin)
        lasts_row.addWidget(self.minutes_spin)
        lasts_row.addStretch(1)
        self._row(form, "duration", "D&uration:", lasts, None, self.hours_spin)

        form.addRow(self._rule_line())
        self._build_recurrence(form, first)

        form.addRow(self._rule_line())
        tickets = named(QWidget(), "taskTicketBox", "Tickets")
        tickets_row = QGridLayout(tickets)
        tickets_row.setContentsMargins(0, 0, 0, 0)
        self.ticket_check = named(QCheckBox("Raise a tic&ket"), "taskRaiseTicket", "Raise a ticket")
        self.ticket_check.toggled.connect(self._tickets_changed)
        self.ahead_spin = named(QSpinBox(), "taskTicketDays", "Days ahead")
        self.ahead_spin.setRange(0, MOST_DAYS_AHEAD)
        self.ahead_spin.setSuffix(" days ahead")
        self.close_check = named(
            QCheckBox("Resolvin&g or closing its ticket marks it done"),
            "taskCloseMarksDone",
            "Resolving or closing its ticket marks it done",
        )
        tickets_row.addWidget(self.ticket_check, 0, 0)
        tickets_row.addWidget(self.ahead_spin, 0, 1)
        tickets_row.addWidget(self.close_check, 1, 0, 1, 3)
        tickets_row.setColumnStretch(2, 1)
        self._row(form, "ticket_days_ahead", "Tickets:", tickets, None, self.ticket_check)
        self.instructions_edit = text_box(
            "taskInstructions", "Optional: how it is done, whom to tell…", 3
        )
        self.instructions_edit.setAccessibleName("Instructions")
        # At least three lines, and the height a taller dialog has to spare.
        self.instructions_edit.setMaximumHeight(16777215)
        instructions = named(Roomy(), "taskInstructionsBox", "Instructions")
        box = QVBoxLayout(instructions)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.instructions_edit)
        self._row(
            form,
            "instructions",
            "I&nstructions:",
            instructions,
            None,
            self.instructions_edit,
            grows=True,
        )
        return host

    def _rule_line(self) -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        return line

    def _build_recurrence(self, form: QFormLayout, first: date) -> None:
        """The recurrence editor's rows, then the schedule in words under them."""
        self.recurrence_editor = RecurrenceEditor(first, self)
        for row in self.recurrence_editor.rows:
            self._row(form, row.key, row.caption, row.field, None, row.buddy)
        self.rule_text = named(QLabel(), "taskRuleText", "The schedule in words")
        self.rule_text.setWordWrap(True)
        self.rule_text.setStyleSheet("font-weight: 600;")
        self.rule_text.setTextFormat(Qt.TextFormat.PlainText)
        self._row(form, "recurrence", "In words:", self.rule_text)
        self.recurrence_editor.changed.connect(self._changed)

    def _size_to_screen(self) -> None:
        """As big as the form wants (and room for a few assets more), within the screen; the
        form scrolls past that."""
        wanted = self.body.sizeHint()
        width = max(wanted.width() + 48, DEFAULT_SIZE.width())
        height = max(wanted.height() + self.buttons.sizeHint().height() + 48, DEFAULT_SIZE.height())
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width = min(width, screen.width() - 16)
            height = min(height, screen.height() - 48)
        self.resize(width, height)

    # -- reading ------------------------------------------------------------------------------
    def _set_defaults(self) -> None:
        """A new task: an hour long, a ticket 3 days ahead if one is raised (the recurrence
        editor starts weekly on the first day's weekday, with no end)."""
        self.hours_spin.setValue(DEFAULT_MINUTES // 60)
        self.minutes_spin.setValue(DEFAULT_MINUTES % 60)
        self.ahead_spin.setValue(3)
        self.close_check.setChecked(True)
        self._tickets_changed()

    def _fill(self, form: TaskForm) -> None:
        self._zones = form.zones
        choices = form.choices
        with signals_blocked(self.site_combo):
            for site in choices.sites:
                self.site_combo.addItem(f"{site.label} — {site.detail}", str(site.id))
        self.owner_combo.addItem(NOBODY, None)
        for person in choices.staff:
            self.owner_combo.addItem(person.label, str(person.id))
        self.team_combo.addItem(NOBODY, None)
        for team in choices.teams:
            self.team_combo.addItem(team.label, str(team.id))
        with signals_blocked(self.asset_list):
            for asset in choices.assets:
                words = f"{asset.label} — {asset.detail}" if asset.detail else asset.label
                item = QListWidgetItem(words)
                item.setData(ASSET_ROLE, str(asset.id))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.asset_list.addItem(item)
        if not choices.assets:
            self.asset_count.setText("No servers, network gear or software in the register.")
        if form.task is not None:
            self._show_task(form.task)
        self._site_changed()
        self._count_assets()
        self._enable(True)
        self.ready = True
        self._changed()
        self.title_edit.setFocus()
        self.loaded.emit()

    def _show_task(self, task: TaskDetail) -> None:
        """The task's own values in the fields."""
        draft = task.draft
        self._title = draft.title
        self.setWindowTitle(f"Change maintenance task: {draft.title}")
        self.title_edit.setText(draft.title)
        self.system_edit.setText(draft.system)
        self.impact_edit.setText(draft.impact)
        with signals_blocked(self.site_combo):
            self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(str(draft.site_id))))
        self.owner_combo.setCurrentIndex(
            max(0, self.owner_combo.findData(_text(draft.owner_staff_id)))
        )
        self.team_combo.setCurrentIndex(
            max(0, self.team_combo.findData(_text(draft.owner_team_id)))
        )
        wanted = {str(a) for a in draft.asset_ids}
        with signals_blocked(self.asset_list):
            for row in range(self.asset_list.count()):
                item = self.asset_list.item(row)
                chosen = item.data(ASSET_ROLE) in wanted
                item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        self.checklist_edit.setPlainText("\n".join(draft.checklist))
        self.instructions_edit.setPlainText(draft.instructions)
        with signals_blocked(self.first_edit):
            self.first_edit.setDate(qdate(draft.first_day))
        self.start_edit.setText(draft.start_time)
        self.hours_spin.setValue(draft.duration_minutes // 60)
        self.minutes_spin.setValue(draft.duration_minutes % 60)
        self.recurrence_editor.set_recurrence(draft.recurrence, draft.first_day)
        raise_ticket = draft.ticket_days_ahead is not None
        self.ticket_check.setChecked(raise_ticket)
        if draft.ticket_days_ahead is not None:
            self.ahead_spin.setValue(draft.ticket_days_ahead)
        self.close_check.setChecked(draft.close_marks_done)
        if self.apply_edit is not None:
            today = utcnow().astimezone(ZoneInfo(self._zone_of(draft.site_id))).date()
            self.apply_edit.setDate(qdate(max(today, draft.first_day)))

    def _load_failed(self, error: Exception) -> None:
        show_failure(error, lambda text: show_message(self.problem, text))

    def _zone_of(self, site_id: uuid.UUID | None) -> str:
        return self._zones.get(site_id, "UTC") if site_id is not None else "UTC"

    # -- the form as typed --------------------------------------------------------------------
    def recurrence(self) -> Recurrence:
        """The recurrence the choices say (not checked: :func:`to_rrule` refuses parts that
        do not go together)."""
        return self.recurrence_editor.recurrence()

    def draft(self) -> TaskDraft:
        site = self.site_combo.currentData()
        ticket_days = self.ahead_spin.value() if self.ticket_check.isChecked() else None
        return TaskDraft(
            title=self.title_edit.text(),
            site_id=uuid.UUID(site) if site else uuid.UUID(int=0),
            first_day=date_in(self.first_edit),
            start_time=self.start_edit.text(),
            duration_minutes=self.hours_spin.value() * 60 + self.minutes_spin.value(),
            recurrence=self.recurrence(),
            system=self.system_edit.text(),
            instructions=self.instructions_edit.toPlainText(),
            checklist=tuple(
                line.strip()
                for line in self.checklist_edit.toPlainText().splitlines()
                if line.strip()
            ),
            owner_staff_id=_uuid(self.owner_combo.currentData()),
            owner_team_id=_uuid(self.team_combo.currentData()),
            impact=self.impact_edit.text(),
            asset_ids=self.chosen_assets(),
            ticket_days_ahead=ticket_days,
            close_marks_done=self.close_check.isChecked(),
        )

    def chosen_assets(self) -> tuple[uuid.UUID, ...]:
        items = (self.asset_list.item(row) for row in range(self.asset_list.count()))
        return tuple(
            uuid.UUID(item.data(ASSET_ROLE))
            for item in items
            if item is not None and item.checkState() == Qt.CheckState.Checked
        )

    def apply_from(self) -> date | None:
        """The day a change applies from (None for a new task)."""
        return date_in(self.apply_edit) if self.apply_edit is not None else None

    def description(self) -> str:
        """The schedule in words, as the line under the recurrence says it."""
        return self.rule_text.text()

    # -- reacting -----------------------------------------------------------------------------
    def _first_day_changed(self) -> None:
        self.recurrence_editor.follow_first_day(date_in(self.first_edit))

    def _changed(self) -> None:
        """The recurrence's rows that the way of repeating uses, and the schedule in words or
        what keeps it from being one."""
        for key, shown in self.recurrence_editor.shown_rows().items():
            self._forms[key].setRowVisible(self._rows[key], shown)
        recurrence = self.recurrence()
        try:
            to_rrule(recurrence)
        except ValidationError as error:
            self.rule_text.setText(" ".join(error.problems.values()))
            self.rule_text.setStyleSheet(f"color: {RED}; font-weight: 600;")
            return
        self.rule_text.setStyleSheet("font-weight: 600;")
        if recurrence.frequency is Frequency.ONCE:
            words = f"Once, on {day_words(date_in(self.first_edit))}"
        else:
            words = f"{_capital(describe(recurrence))}, from {day_words(date_in(self.first_edit))}"
        self.rule_text.setText(words)

    def _site_changed(self) -> None:
        site = _uuid(self.site_combo.currentData())
        zone = self._zone_of(site)
        code = self.site_combo.currentText().split(" — ")[0]
        self.zone_label.setText(f"{code} time ({zone})" if site else "")

    def _tickets_changed(self) -> None:
        raise_ticket = self.ticket_check.isChecked()
        self.ahead_spin.setEnabled(raise_ticket)
        self.close_check.setEnabled(raise_ticket)

    def _filter_assets(self, text: str) -> None:
        wanted = text.strip().casefold()
        for row in range(self.asset_list.count()):
            item = self.asset_list.item(row)
            item.setHidden(bool(wanted) and wanted not in item.text().casefold())

    def _count_assets(self) -> None:
        if not self.asset_list.count():
            return
        chosen = len(self.chosen_assets())
        self.asset_count.setText(
            f"{chosen} chosen (Space ticks or unticks one)."
            if chosen
            else "None chosen (Space ticks one)."
        )

    def _enable(self, on: bool) -> None:
        self.body.setEnabled(on)
        self.confirm.setEnabled(on)
        if self.end_button is not None:
            self.end_button.setEnabled(on)

    # -- writing ------------------------------------------------------------------------------
    def submit(self) -> None:
        """Add / Apply (and Ctrl+Enter): write the task in the background."""
        if not self.ready or self._busy:
            return
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        task_id, from_day = self.task_id, self.apply_from()
        work: Callable[[], uuid.UUID]
        if task_id is None:
            self._done_words = f"Added {draft.title.strip()}"
            work = lambda: create_task(engine, me, draft)  # noqa: E731
        else:
            assert from_day is not None
            self._done_words = f"Changed {draft.title.strip()} from {day_words(from_day)}"
            work = lambda: change_task(  # noqa: E731
                engine, me, task_id, carried_on_from(draft, from_day), from_day
            )
        self._start(work)

    def end_series(self) -> None:
        """End the series…: after asking, nothing is planned from the apply-from date on."""
        from_day = self.apply_from()
        if not self.ready or self._busy or self.task_id is None or from_day is None:
            return
        answer = QMessageBox.question(
            self,
            "End the series?",
            f"End {self._title} from {day_words(from_day)}?\n\nNothing is planned from that "
            f"day on. {APPLY_SENTENCE}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        engine, me, task_id = self.context.engine, self.context.me, self.task_id
        self._done_words = f"Ended {self._title} from {day_words(from_day)}"

        def work() -> uuid.UUID:
            end_task(engine, me, task_id, from_day)
            return task_id

        self._start(work)

    def summary(self) -> str:
        """What was done, in words (once accepted): "Added Mail server patching"."""
        return self._done_words

    def subject(self) -> uuid.UUID | None:
        """The task the write was about (once accepted), for the calendar to show it."""
        return self.outcome

    def _start(self, work: Callable[[], uuid.UUID]) -> None:
        self._busy = True
        self.buttons.setEnabled(False)
        self.show_problems({})
        run_task(work, self._written, self._failed, parent=self)

    def _written(self, task_id: uuid.UUID) -> None:
        self._busy = False
        self.outcome = task_id
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self.buttons.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_problems(error.problems)
        else:
            show_failure(error, lambda text: self.show_problems({"": text}))

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Each problem under its row (a part of the recurrence under the row choosing it);
        the rest under the form."""
        merged: dict[str, str] = {}
        for key, text in problems.items():
            row = _PROBLEM_ROWS.get(key, key)
            merged[row] = f"{merged[row]} {text}" if row in merged else text
        leftover = show_problems(self._errors, merged)
        show_message(self.problem, "\n".join(leftover.values()))
        shown = [key for key in self._errors if key in merged]
        if shown:
            self.area.ensureWidgetVisible(self._rows[shown[0]])


def _uuid(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


def _text(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
