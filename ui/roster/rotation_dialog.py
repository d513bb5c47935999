"""The "Rotation…" dialog: a shift type (on call, most often) week by week in a chosen order of
people, previewed before anything is written.

On the left the choices: the shift type (On call by default), the site, the people in turn
order (added from the active staff, moved with Up and Down), the first week, how many weeks,
the weekdays and the hours (the type's usual hours until the person types others). On the
right the plan, read again a moment after each change (:func:`app.roster.rotation.
plan_rotation`, off the GUI thread; only the newest answer counts): each week with who takes
it, how many shifts it adds and, in words, whom it skipped and why; a week nobody can take
is red and marked ✕. Nothing is written until "Write N shifts", which writes exactly the plan
on screen (:func:`~app.roster.rotation.write_rotation`, :attr:`Action.EDIT_ROSTER`) and
closes the dialog; :meth:`RotationDialog.summary` says what it did, for the roster to show.

The keyboard route: each field has a mnemonic; in the list of people, Delete removes the
selected one; in the "add" box, typing finds a person and Enter adds them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.context import AppContext
from app.errors import ValidationError
from app.permissions import Action, context_may, refusal
from app.roster.choices import RosterChoices, roster_choices
from app.roster.local_time import WEEK, day_text, monday_of
from app.roster.rotation import (
    MAX_WEEKS,
    RotationPlan,
    RotationWeek,
    plan_rotation,
    write_rotation,
)
from app.roster.shift_types import hours_text
from app.roster.week import ShiftTypeInfo
from models.clock import utcnow
from models.enums import ShiftKind
from ui.kit.errors import show_failure
from ui.kit.swatch import swatch_icon
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    MUTED,
    RED,
    error_label,
    key_action,
    message_label,
    named,
    page_button,
    plural,
    read_only_table,
    show_message,
    show_problems,
    weekday_checks,
)

PREVIEW_DELAY_MS = 300  # the plan is read again once typing pauses this long
DEFAULT_WEEKS = 4
PREVIEW_HEADERS = ("Week", "Who", "Shifts", "Skipped, and why")
SKIPPED = 3  # the preview's column of reasons
UNCOVERED = "✕"  # with the red, so an uncovered week reads without colour
ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class RotationRequest:
    """The choices a plan was read for: a plan is written only while the fields still say
    the same."""

    shift_type_id: uuid.UUID
    site_id: uuid.UUID
    people: tuple[uuid.UUID, ...]
    first_monday: date
    weeks: int
    days: tuple[int, ...]
    hours: tuple[str, str] | None  # None: the type's usual hours

    def plan(self, engine: Engine) -> RotationPlan:
        """The plan, read from the database (in the background)."""
        hours = {day: self.hours for day in self.days} if self.hours else None
        return plan_rotation(
            engine,
            self.shift_type_id,
            self.site_id,
            self.people,
            self.first_monday,
            self.weeks,
            days=self.days,
            hours=hours,
        )


def week_text(monday: date) -> str:
    """ "Week 49: Mon 30 Nov – Sun 06 Dec 2026"."""
    sunday = monday + timedelta(days=6)
    return (
        f"Week {monday.isocalendar().week}: {day_text(monday)} – {day_text(sunday)} {sunday.year}"
    )


def preview_cells(week: RotationWeek) -> tuple[str, str, str, str]:
    """One week of the plan as the preview's row shows it."""
    who = week.name or f"{UNCOVERED} Nobody"
    shifts = str(len(week.shifts)) if week.shifts else "none new"
    if week.uncovered:
        shifts = "—"
    return (day_text(week.monday), who, shifts, "\n".join(week.skipped) or "—")


class RotationDialog(QDialog):
    """Plan a rotation and write it (object name ``rotationDialog``); once written it is
    accepted, :attr:`outcome` holds the number of shifts added and :meth:`summary` says it.

    ``monday`` and ``site_id`` start it at the week and site the roster shows (the next week
    and the first site otherwise)."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        monday: date | None = None,
        site_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "rotationDialog", "Rotation")
        self.setWindowTitle("Rotation")
        self.context = context
        self.outcome = 0
        self._may_write = context_may(context, Action.EDIT_ROSTER)
        self._wanted_site = site_id
        self._choices: RosterChoices | None = None
        self._usual: tuple[str, str] = ("", "")  # the chosen type's hours
        self._plan: tuple[RotationRequest, RotationPlan] | None = None  # the plan on screen
        self._written_text = ""
        self._previews = StaleGuard()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.preview)
        self._errors: dict[str, QLabel] = {}

        first = monday or monday_of(utcnow().astimezone().date()) + WEEK
        columns = QHBoxLayout()
        columns.addLayout(self._build_choices(first), 0)
        columns.addWidget(self._build_preview(), 1)
        self.problem = message_label("rotationProblem", "Problem", RED)
        self.note = self._hint(
            "rotationNote",
            "" if self._may_write else f"{refusal(Action.EDIT_ROSTER)} You can preview a plan.",
        )
        self.note.setVisible(not self._may_write)
        self.buttons = named(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            ),
            "rotationButtons",
        )
        self.write_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        named(self.write_button, "writeRotation", "Write the shifts")
        self.write_button.setText("&Write shifts")
        if not self._may_write:
            self.write_button.setToolTip(refusal(Action.EDIT_ROSTER))
        self.buttons.accepted.connect(self.write)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        # Room for the plan's reasons to read on a line or two; a 1024x700 screen holds it.
        self.resize(max(self.sizeHint().width(), 980), max(self.sizeHint().height(), 580))
        self._enable_write()
        engine = context.engine
        run_task(lambda: roster_choices(engine), self._fill, self._load_failed, parent=self)

    # -- building -----------------------------------------------------------------------------
    def _build_choices(self, first: date) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.type_combo = named(QComboBox(), "rotationType", "Shift type")
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.site_combo = named(QComboBox(), "rotationSite", "Site")
        self.site_combo.currentIndexChanged.connect(self._changed)
        self._row(form, "type", "Shift &type:", self.type_combo)
        self._row(form, "site", "&Site:", self.site_combo)
        self._row(form, "people", "&People, in turn:", self._build_people(), None, self.people_list)

        self.week_edit = named(QDateEdit(), "rotationFirstWeek", "First week")
        self.week_edit.setCalendarPopup(True)
        self.week_edit.setDisplayFormat("dd MMM yyyy")  # the hint under it names the days
        self.week_edit.calendarWidget().setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.week_edit.setDate(QDate(first.year, first.month, first.day))
        self.week_edit.dateChanged.connect(self._week_changed)
        self.week_hint = self._hint("rotationWeekHint", week_text(self.first_monday()))
        self._row(form, "first_monday", "&First week:", self.week_edit, self.week_hint)

        self.weeks_spin = named(QSpinBox(), "rotationWeeks", "Number of weeks")
        self.weeks_spin.setRange(1, MAX_WEEKS)
        self.weeks_spin.setValue(DEFAULT_WEEKS)
        self.weeks_spin.setSuffix(" weeks")
        self.weeks_spin.valueChanged.connect(self._changed)
        self._row(form, "weeks", "For wee&ks:", self.weeks_spin)

        days, self.day_checks = weekday_checks(
            "rotationDay", "Days of the week", self._changed, ticked=True
        )
        self._row(form, "days", "&Days:", days)

        hours = QWidget()
        hours_row = QHBoxLayout(hours)
        hours_row.setContentsMargins(0, 0, 0, 0)
        self.starts_edit = named(QLineEdit(), "rotationStarts", "Starts")
        self.ends_edit = named(QLineEdit(), "rotationEnds", "Ends")
        width = self.starts_edit.fontMetrics().horizontalAdvance("00:000") + 16
        for edit in (self.starts_edit, self.ends_edit):
            edit.setMaxLength(5)
            edit.setFixedWidth(width)
            edit.setPlaceholderText("HH:MM")
            edit.textEdited.connect(self._changed)
        hours_row.addWidget(self.starts_edit)
        hours_row.addWidget(QLabel("to"))
        hours_row.addWidget(self.ends_edit)
        hours_row.addStretch(1)
        self.hours_hint = self._hint("rotationHoursHint", "")
        self._row(form, "hours", "&Hours:", hours, self.hours_hint, self.starts_edit)
        return form

    def _build_people(self) -> QWidget:
        host = named(QWidget(), "rotationPeopleBox", "People, in turn")
        self.people_list = named(QListWidget(), "rotationPeople", "People, in turn order")
        self.people_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people_list.setMinimumHeight(self.people_list.fontMetrics().height() * 6)
        self.people_list.currentRowChanged.connect(lambda _row: self._enable_people())
        key_action(self.people_list, (Qt.Key.Key_Delete,), self.remove_person)
        self.up_button = page_button(
            host, "&Up", "rotationUp", "Move up", lambda: self.move_person(-1)
        )
        self.down_button = page_button(
            host, "Dow&n", "rotationDown", "Move down", lambda: self.move_person(1)
        )
        self.remove_button = page_button(
            host, "&Remove", "rotationRemove", "Remove from the order", self.remove_person
        )
        self.add_combo = named(QComboBox(), "rotationAddPerson", "Person to add")
        key_action(self.add_combo, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.add_person)
        add_label = QLabel("&Add:")
        add_label.setBuddy(self.add_combo)
        self.add_button = page_button(
            host, "Add", "rotationAdd", "Add to the order", self.add_person
        )
        self.add_button.setToolTip("Or type a name in the box and press Enter.")
        add_row = QHBoxLayout()
        add_row.addWidget(add_label)
        add_row.addWidget(self.add_combo, 1)
        grid = QGridLayout(host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.people_list, 0, 0, 4, 1)
        grid.addWidget(self.up_button, 0, 1)
        grid.addWidget(self.down_button, 1, 1)
        grid.addWidget(self.remove_button, 2, 1)
        grid.addLayout(add_row, 4, 0)
        grid.addWidget(self.add_button, 4, 1)
        grid.setRowStretch(3, 1)
        self._enable_people()
        return host

    def _build_preview(self) -> QWidget:
        box = named(QGroupBox("The plan"), "rotationPreviewBox", "The plan")
        self.summary_line = named(QLabel(), "rotationSummary", "The plan in short")
        self.summary_line.setWordWrap(True)
        self.uncovered_line = message_label("rotationUncovered", "Uncovered weeks", RED)
        self.table = read_only_table("rotationPreview", "The plan, week by week", PREVIEW_HEADERS)
        self.table.setWordWrap(True)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SKIPPED, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.preview_button = page_button(
            box, "Pre&view", "rotationPreviewNow", "Read the plan again", self.preview
        )
        row = QHBoxLayout()
        row.addWidget(self.summary_line, 1)
        row.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.uncovered_line)
        layout.addWidget(self.table, 1)
        return box

    def _row(
        self,
        form: QFormLayout,
        key: str,
        caption: str,
        field: QWidget,
        hint: QLabel | None = None,
        buddy: QWidget | None = None,
    ) -> None:
        """A row of the choices: ``caption`` (with its mnemonic, taking the keyboard to
        ``buddy`` or else ``field``) for ``field``, a hint and the field's problem line
        under it."""
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(field)
        if hint is not None:
            column.addWidget(hint)
        self._errors[key] = error_label(f"{key}Error")
        column.addWidget(self._errors[key])
        label = QLabel(caption)
        label.setBuddy(buddy or field)
        form.addRow(label, column)

    @staticmethod
    def _hint(name: str, text: str) -> QLabel:
        hint = named(QLabel(text), name)
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        return hint

    # -- public -------------------------------------------------------------------------------
    @property
    def plan(self) -> RotationPlan | None:
        """The plan on screen, while the choices still say what it was read for."""
        if self._plan is None or self._plan[0] != self.request():
            return None
        return self._plan[1]

    def first_monday(self) -> date:
        """The Monday of the week the first-week field names (any day picks its week)."""
        return monday_of(self.week_edit.date().toPython())  # type: ignore[arg-type]

    def people(self) -> tuple[uuid.UUID, ...]:
        items = (self.people_list.item(row) for row in range(self.people_list.count()))
        return tuple(uuid.UUID(item.data(ID_ROLE)) for item in items if item is not None)

    def request(self) -> RotationRequest | None:
        """The choices as the plan takes them; None until the lists are read."""
        type_id, site_id = self.type_combo.currentData(), self.site_combo.currentData()
        if type_id is None or site_id is None:
            return None
        typed = (self.starts_edit.text().strip(), self.ends_edit.text().strip())
        return RotationRequest(
            uuid.UUID(type_id),
            uuid.UUID(site_id),
            self.people(),
            self.first_monday(),
            self.weeks_spin.value(),
            tuple(n for n, check in enumerate(self.day_checks) if check.isChecked()),
            None if typed == self._usual else typed,
        )

    def add_person(self) -> None:
        """Add (and Enter in the box): the person chosen goes to the end of the order."""
        index = self.add_combo.currentIndex()
        if index < 0:
            return
        item = QListWidgetItem(self.add_combo.itemText(index))
        item.setData(ID_ROLE, self.add_combo.itemData(index))
        self.people_list.addItem(item)
        self.add_combo.removeItem(index)
        self._enable_people()
        self._changed()

    def remove_person(self) -> None:
        """Remove (and Delete in the list): the person goes back to the people to add."""
        row = self.people_list.currentRow()
        item = self.people_list.takeItem(row) if row >= 0 else None
        if item is None:
            return
        self._offer(item.text(), item.data(ID_ROLE))
        self._enable_people()
        self._changed()

    def move_person(self, step: int) -> None:
        """Up (-1) or Down (+1): the selected person takes their turn earlier or later."""
        row = self.people_list.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.people_list.count():
            return
        item = self.people_list.takeItem(row)
        self.people_list.insertItem(to, item)
        self.people_list.setCurrentRow(to)
        self._changed()

    def preview(self) -> None:
        """Read the plan for the choices on screen (Preview, and a moment after a change)."""
        self._timer.stop()
        request = self.request()
        if request is None:
            return
        if not request.people:
            self._previews.drop_pending()
            self._show_plan(None)
            self.summary_line.setText(
                "Add the people of the rotation, in the order they take turns."
            )
            return
        engine = self.context.engine
        run_task(
            lambda: request.plan(engine),
            lambda plan: self._previewed(request, plan),
            self._preview_failed,
            parent=self,
            guard=self._previews,
        )

    def write(self) -> None:
        """Write N shifts: the plan on screen, nothing else."""
        plan = self.plan
        if not self._may_write or plan is None or not plan.shift_count:
            return
        engine, me = self.context.engine, self.context.me
        self.buttons.setEnabled(False)
        show_message(self.problem, "")
        run_task(
            lambda: write_rotation(engine, me, plan),
            lambda added: self._written(plan, added),
            self._write_failed,
            parent=self,
        )

    def summary(self) -> str:
        """What the write did, in words (once accepted)."""
        return self._written_text

    # -- reading ------------------------------------------------------------------------------
    def _fill(self, choices: RosterChoices) -> None:
        self._choices = choices
        on_call = next((t for t in choices.types if t.kind is ShiftKind.ON_CALL), None)
        self.type_combo.blockSignals(True)
        for shift_type in choices.types:
            icon = swatch_icon(shift_type.colour, shift_type.pattern)
            self.type_combo.addItem(icon, shift_type.name, str(shift_type.id))
        if on_call is not None:
            self.type_combo.setCurrentIndex(self.type_combo.findData(str(on_call.id)))
        self.type_combo.blockSignals(False)
        self.site_combo.blockSignals(True)
        for site in choices.sites:
            self.site_combo.addItem(f"{site.label} — {site.detail}", str(site.id))
        if self._wanted_site is not None:
            self.site_combo.setCurrentIndex(
                max(0, self.site_combo.findData(str(self._wanted_site)))
            )
        self.site_combo.blockSignals(False)
        for person in choices.staff:
            self._offer(person.label, str(person.id))
        self._type_changed()

    def _load_failed(self, error: Exception) -> None:
        show_failure(error, lambda text: show_message(self.problem, text))

    def _offer(self, name: str, staff_id: str) -> None:
        """Put a person among those to add, where the directory has them (by name)."""
        staff = self._choices.staff if self._choices else ()
        rank = {str(person.id): number for number, person in enumerate(staff)}
        count = self.add_combo.count()
        mine = rank.get(staff_id, count)
        at = next((n for n in range(count) if rank[self.add_combo.itemData(n)] > mine), count)
        self.add_combo.insertItem(at, name, staff_id)

    def _type(self) -> ShiftTypeInfo | None:
        type_id = self.type_combo.currentData()
        types = self._choices.types if self._choices else ()
        return next((t for t in types if str(t.id) == type_id), None)

    def _type_changed(self) -> None:
        """Another type: its usual hours replace the hours shown, unless some were typed."""
        shift_type = self._type()
        if shift_type is None:
            return
        typed = (self.starts_edit.text().strip(), self.ends_edit.text().strip())
        if typed in (self._usual, ("", "")):
            self.starts_edit.setText(shift_type.starts)
            self.ends_edit.setText(shift_type.ends)
        self._usual = (shift_type.starts, shift_type.ends)
        self.hours_hint.setText(
            f"{shift_type.name} usually {hours_text(*self._usual)}. An end at or before the "
            "start is on the next day."
        )
        self._changed()

    def _week_changed(self) -> None:
        self.week_hint.setText(week_text(self.first_monday()))
        self._changed()

    def _changed(self) -> None:
        """A choice changed: the plan on screen no longer counts; a new one follows shortly."""
        self._timer.start()
        self._enable_write()

    def _previewed(self, request: RotationRequest, plan: RotationPlan) -> None:
        self._plan = (request, plan)
        self._show_problems({})
        self._show_plan(plan)

    def _preview_failed(self, error: Exception) -> None:
        self._show_plan(None)
        if isinstance(error, ValidationError):
            self._show_problems(error.problems)
            self.summary_line.setText("Correct what is marked to see the plan.")
        else:
            show_failure(error, lambda text: show_message(self.problem, text))

    def _show_plan(self, plan: RotationPlan | None) -> None:
        if plan is None:
            self._plan = None
        weeks = plan.weeks if plan is not None else ()
        self.table.setRowCount(len(weeks))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for number, week in enumerate(weeks):
            for column, text in enumerate(preview_cells(week)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if week.uncovered:
                    item.setForeground(QColor(RED))
                    if column < SKIPPED:  # the reasons stay plain, to read
                        item.setFont(bold)
                self.table.setItem(number, column, item)
        self.table.resizeRowsToContents()
        if plan is not None:
            self.summary_line.setText(
                f"{plural(len(weeks), 'week')} of {plan.type_name} at {plan.site_code}: "
                f"{plural(plan.shift_count, 'new shift')}."
            )
            uncovered = [day_text(w.monday) for w in weeks if w.uncovered]
            show_message(
                self.uncovered_line,
                f"{UNCOVERED} Nobody can take the week of {', '.join(uncovered)}: everyone in "
                "the order is away. Add someone, or cover it by hand on the roster."
                if uncovered
                else "",
            )
        else:
            show_message(self.uncovered_line, "")
        self._enable_write()

    def _show_problems(self, problems: dict[str, str]) -> None:
        """Each problem at its field; the hours of any weekday at the hours."""
        merged = {("hours" if key.startswith("hours.") else key): t for key, t in problems.items()}
        leftover = show_problems(self._errors, merged)
        show_message(self.problem, "\n".join(leftover.values()))

    # -- writing ------------------------------------------------------------------------------
    def _enable_write(self) -> None:
        plan = self.plan
        count = plan.shift_count if plan is not None else 0
        self.write_button.setText(f"&Write {plural(count, 'shift')}" if plan else "&Write shifts")
        self.write_button.setEnabled(self._may_write and count > 0)

    def _enable_people(self) -> None:
        row, count = self.people_list.currentRow(), self.people_list.count()
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        self.remove_button.setEnabled(row >= 0)
        self.add_button.setEnabled(self.add_combo.count() > 0)

    def _written(self, plan: RotationPlan, added: int) -> None:
        self.outcome = added
        first, weeks = plan.weeks[0].monday, len(plan.weeks)
        uncovered = [day_text(w.monday) for w in plan.weeks if w.uncovered]
        self._written_text = (
            f"Wrote {plural(added, 'shift')} of {plan.type_name} at {plan.site_code}: "
            f"{plural(weeks, 'week')} from {day_text(first)}."
            + (f" Nobody takes the week of {', '.join(uncovered)}." if uncovered else "")
        )
        self.accept()

    def _write_failed(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, ValidationError):
            self._show_problems(error.problems)
        else:
            show_failure(error, lambda text: show_message(self.problem, text))
        self.preview()
