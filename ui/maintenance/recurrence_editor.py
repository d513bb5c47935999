"""How a maintenance task comes round: the recurrence rows of the task dialog.

How often it repeats (once; every N days; weeks on chosen weekdays; months or quarters on a
day, the 1st to 5th or last weekday, or the last day; years in a month) and when it ends
(never, on a date, after N times). The choices a first day suggests (its weekday, its day of
the month, its weekday in the month, its month) follow that day when it changes, unless a
person chose otherwise.

The rows are rows of the task dialog's form, not a widget of their own: laid out there, their
captions line up with the dialog's others and each problem the service finds shows under the
row that chooses it. So the editor builds the fields and hands them over
(:attr:`~RecurrenceEditor.rows`), says which rows the way of repeating uses
(:meth:`~RecurrenceEditor.shown_rows`) and signals :attr:`~RecurrenceEditor.changed` whenever
the rule may have changed.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import date

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from app.maintenance.recurrence import DAY_NAMES, ORDINALS, Frequency, Recurrence
from ui.kit.widgets import named, signals_blocked, weekday_checks

MOST_REPEATS = 999  # "every N" and "after N times"

# The ways to repeat, as the "Repeats" list offers them: (key, words, unit).
REPEATS = (
    ("once", "Once", ""),
    ("daily", "Daily", "day"),
    ("weekly", "Weekly", "week"),
    ("monthly", "Monthly", "month"),
    ("quarterly", "Quarterly", "quarter"),
    ("yearly", "Yearly", "year"),
)
_FREQUENCY = {
    "once": Frequency.ONCE,
    "daily": Frequency.DAILY,
    "weekly": Frequency.WEEKLY,
    "monthly": Frequency.MONTHLY,
    "quarterly": Frequency.MONTHLY,
    "yearly": Frequency.YEARLY,
}


def date_in(edit: QDateEdit) -> date:
    """The day ``edit`` shows, as a :class:`date`."""
    return edit.date().toPython()  # type: ignore[return-value]


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_edit(name: str, accessible: str, day: date) -> QDateEdit:
    """A date field as the task dialog has them: "Tue 01 Dec 2026", a calendar that starts
    on Monday, no wider than the date."""
    edit = named(QDateEdit(), name, accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd dd MMM yyyy")
    edit.calendarWidget().setFirstDayOfWeek(Qt.DayOfWeek.Monday)
    edit.setDate(qdate(day))
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


def _nth_of(day: date) -> int:
    """Which of its weekday in the month ``day`` is: 1 to 4, or -1 for the last."""
    nth = (day.day - 1) // 7 + 1
    last = calendar.monthrange(day.year, day.month)[1]
    return -1 if day.day + 7 > last else nth


@contextmanager
def quiet(*widgets: QWidget) -> Iterator[None]:
    """Set several widgets from code without their change signals firing."""
    with ExitStack() as stack:
        for widget in widgets:
            stack.enter_context(signals_blocked(widget))
        yield


def follow_choice(host: QWidget, group: QButtonGroup) -> None:
    """The keyboard, sent to ``host`` (by its caption's key), goes to the chosen one of
    ``group``'s buttons, without choosing another."""
    host.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def follow() -> None:
        chosen = group.checkedButton()
        if chosen is not None:
            host.setFocusProxy(chosen)

    group.buttonToggled.connect(lambda _button, _on: follow())
    host.setFocusProxy(group.buttons()[0])


@dataclass(frozen=True)
class Row:
    """A row for the dialog's form: its key (a problem of that part is shown under it), its
    caption with its mnemonic, the field, and where the caption's key takes the keyboard
    (None: the field)."""

    key: str
    caption: str
    field: QWidget
    buddy: QWidget | None = None


class RecurrenceEditor(QObject):
    """The choices that make a :class:`Recurrence`, counted from the first day ``first``;
    a new task's to begin with: weekly on that day's weekday, no end. A :class:`QObject`
    for :attr:`changed`; its rows live in the dialog's form."""

    changed = Signal()  # the rule, or the rows it uses, may have changed

    def __init__(self, first: date, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._first = first  # the first day the choices were last suggested from
        repeats = self._build_repeats()
        days, self.day_checks = weekday_checks("taskWeekday", "On weekdays", self.changed.emit)
        self.rows = (
            Row("repeats", "&Repeats:", repeats, self.repeats_combo),
            Row("weekdays", "On &weekdays:", days),
            Row("pattern", "On t&he:", self._build_pattern()),
            Row("until", "En&ds:", self._build_ends(first)),
        )
        self._set_defaults(first)
        self._repeats_changed()

    # -- building -----------------------------------------------------------------------------
    def _build_repeats(self) -> QWidget:
        repeats = named(QWidget(), "taskRepeatsBox", "Repeats")
        repeats_row = QHBoxLayout(repeats)
        repeats_row.setContentsMargins(0, 0, 0, 0)
        self.repeats_combo = named(QComboBox(), "taskRepeats", "Repeats")
        for key, words, _unit in REPEATS:
            self.repeats_combo.addItem(words, key)
        self.repeats_combo.currentIndexChanged.connect(self._repeats_changed)
        self.every_label = named(QLabel("every"), "taskEveryLabel", "Every")
        self.every_spin = named(QSpinBox(), "taskEvery", "Every")
        self.every_spin.setRange(1, MOST_REPEATS)
        self.every_spin.valueChanged.connect(self._every_changed)
        self.unit_label = named(QLabel(), "taskEveryUnit", "Unit")
        repeats_row.addWidget(self.repeats_combo)
        repeats_row.addSpacing(8)
        repeats_row.addWidget(self.every_label)
        repeats_row.addWidget(self.every_spin)
        repeats_row.addWidget(self.unit_label)
        repeats_row.addStretch(1)
        return repeats

    def _build_pattern(self) -> QWidget:
        self.on_day_radio = named(QRadioButton("day"), "taskOnDay", "On a day of the month")
        self.day_spin = named(QSpinBox(), "taskMonthDay", "Day of the month")
        self.day_spin.setRange(1, 31)
        self.day_spin.valueChanged.connect(lambda _v: self._choose(self.on_day_radio))
        self.on_nth_radio = named(QRadioButton("the"), "taskOnNth", "On a weekday of the month")
        self.nth_combo = named(QComboBox(), "taskNth", "Which weekday of the month")
        for nth in (1, 2, 3, 4, 5, -1):
            self.nth_combo.addItem(ORDINALS[nth], nth)
        self.nth_combo.currentIndexChanged.connect(lambda _i: self._choose(self.on_nth_radio))
        self.weekday_combo = named(QComboBox(), "taskNthWeekday", "Weekday")
        self.weekday_combo.addItems(list(DAY_NAMES))
        self.weekday_combo.currentIndexChanged.connect(lambda _i: self._choose(self.on_nth_radio))
        self.last_day_radio = named(
            QRadioButton("the last day"), "taskLastDay", "On the last day of the month"
        )
        self.month_label = named(QLabel("in"), "taskMonthLabel", "In month")
        self.month_combo = named(QComboBox(), "taskMonth", "Month")
        self.month_combo.addItems([calendar.month_name[m] for m in range(1, 13)])
        self.month_combo.currentIndexChanged.connect(self.changed)
        pattern, self.pattern_group = self._choice(
            ("taskMonthPattern", "Day of the month"),
            (self.on_day_radio, self.on_nth_radio, self.last_day_radio),
            [
                (self.on_day_radio, 0, 0, 1),
                (self.day_spin, 0, 1, 1),
                (self.on_nth_radio, 1, 0, 1),
                (self.nth_combo, 1, 1, 1),
                (self.weekday_combo, 1, 2, 1),
                (self.last_day_radio, 2, 0, 3),
                (self.month_label, 3, 0, 1),
                (self.month_combo, 3, 1, 2),
            ],
        )
        return pattern

    def _build_ends(self, first: date) -> QWidget:
        self.never_radio = named(QRadioButton("never"), "taskEndsNever", "Never ends")
        self.until_radio = named(QRadioButton("on"), "taskEndsOn", "Ends on a date")
        self.until_edit = date_edit("taskUntil", "Last day", first)
        self.until_edit.dateChanged.connect(lambda _d: self._choose(self.until_radio))
        self.count_radio = named(QRadioButton("after"), "taskEndsAfter", "Ends after a number")
        self.count_spin = named(QSpinBox(), "taskCount", "Number of times")
        self.count_spin.setRange(1, MOST_REPEATS)
        self.count_spin.setSuffix(" times")
        self.count_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.count_spin.valueChanged.connect(lambda _v: self._choose(self.count_radio))
        ends, self.ends_group = self._choice(
            ("taskEnds", "Ends"),
            (self.never_radio, self.until_radio, self.count_radio),
            [
                (self.never_radio, 0, 0, 1),
                (self.until_radio, 1, 0, 1),
                (self.until_edit, 1, 1, 1),
                (self.count_radio, 2, 0, 1),
                (self.count_spin, 2, 1, 1),
            ],
        )
        return ends

    def _choice(
        self,
        names: tuple[str, str],
        radios: tuple[QRadioButton, ...],
        cells: list[tuple[QWidget, int, int, int]],
    ) -> tuple[QWidget, QButtonGroup]:
        """A field of ``cells`` (widget, row, column, columns spanned) whose ``radios`` are
        one choice: each change of it is :attr:`changed`, and the field's caption key goes
        to the chosen radio. The column after the last takes the spare width."""
        host = named(QWidget(), *names)
        grid = QGridLayout(host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        group = QButtonGroup(self)
        for radio in radios:
            group.addButton(radio)
            radio.toggled.connect(self.changed)
        for widget, row, column, span in cells:
            grid.addWidget(widget, row, column, 1, span)
        grid.setColumnStretch(max(column + span for _, _, column, span in cells), 1)
        follow_choice(host, group)
        return host, group

    # -- setting ------------------------------------------------------------------------------
    def _set_defaults(self, first: date) -> None:
        """A new task's: weekly on the first day's weekday, no end (a year on, or 10 times,
        ready in case an end is chosen)."""
        with signals_blocked(self.repeats_combo):
            self.repeats_combo.setCurrentIndex(self.repeats_combo.findData("weekly"))
        self._pattern_from(first)
        self.day_checks[first.weekday()].setChecked(True)
        with signals_blocked(self.until_edit), signals_blocked(self.count_spin):
            self.until_edit.setDate(qdate(first + relativedelta(years=1)))
            self.count_spin.setValue(10)
        self.never_radio.setChecked(True)

    def _pattern_from(self, day: date) -> None:
        """The monthly and yearly choices a day suggests: that day of the month, its
        weekday in the month, its month."""
        with quiet(self.day_spin, self.nth_combo, self.weekday_combo, self.month_combo):
            self.day_spin.setValue(day.day)
            self.nth_combo.setCurrentIndex(self.nth_combo.findData(_nth_of(day)))
            self.weekday_combo.setCurrentIndex(day.weekday())
            self.month_combo.setCurrentIndex(day.month - 1)
        if self.pattern_group.checkedButton() is None:
            self.on_day_radio.setChecked(True)

    def set_recurrence(self, recurrence: Recurrence, first: date) -> None:
        """Show a task's ``recurrence``, counted from ``first``; the choices it leaves open
        are those ``first`` suggests."""
        self._first = first
        frequency = recurrence.frequency
        key = frequency.value
        every = recurrence.interval
        if frequency is Frequency.MONTHLY and every == 3:
            key, every = "quarterly", 1
        with signals_blocked(self.repeats_combo):
            self.repeats_combo.setCurrentIndex(self.repeats_combo.findData(key))
        with signals_blocked(self.every_spin):
            self.every_spin.setValue(every)
        for number, check in enumerate(self.day_checks):
            with signals_blocked(check):
                check.setChecked(
                    number in recurrence.weekdays
                    if frequency is Frequency.WEEKLY
                    else number == first.weekday()
                )
        self._pattern_from(first)
        with quiet(self.day_spin, self.nth_combo, self.weekday_combo, self.month_combo):
            if recurrence.month is not None:
                self.month_combo.setCurrentIndex(recurrence.month - 1)
            if recurrence.nth is not None:
                self.nth_combo.setCurrentIndex(self.nth_combo.findData(recurrence.nth))
                self.weekday_combo.setCurrentIndex(recurrence.weekday or 0)
                self.on_nth_radio.setChecked(True)
            elif recurrence.month_day == -1:
                self.last_day_radio.setChecked(True)
            elif recurrence.month_day is not None:
                self.day_spin.setValue(recurrence.month_day)
                self.on_day_radio.setChecked(True)
        with quiet(self.until_edit, self.count_spin):
            if recurrence.until is not None:
                self.until_edit.setDate(qdate(recurrence.until))
                self.until_radio.setChecked(True)
            elif recurrence.count is not None:
                self.count_spin.setValue(recurrence.count)
                self.count_radio.setChecked(True)
            else:
                self.never_radio.setChecked(True)
        self._repeats_changed()

    def follow_first_day(self, new: date) -> None:
        """Another first day: the choices the old one suggested (its weekday, its day of the
        month, its weekday in the month, its month) follow it; others stay as chosen. An end
        date before the new day moves to a year after it."""
        old, self._first = self._first, new
        days = [n for n, check in enumerate(self.day_checks) if check.isChecked()]
        if days == [old.weekday()]:
            for number, check in enumerate(self.day_checks):
                with signals_blocked(check):
                    check.setChecked(number == new.weekday())
        with quiet(self.day_spin, self.nth_combo, self.weekday_combo, self.month_combo):
            if self.day_spin.value() == old.day:
                self.day_spin.setValue(new.day)
            nth = (self.nth_combo.currentData(), self.weekday_combo.currentIndex())
            if nth == (_nth_of(old), old.weekday()):
                self.nth_combo.setCurrentIndex(self.nth_combo.findData(_nth_of(new)))
                self.weekday_combo.setCurrentIndex(new.weekday())
            if self.month_combo.currentIndex() == old.month - 1:
                self.month_combo.setCurrentIndex(new.month - 1)
        with signals_blocked(self.until_edit):
            if date_in(self.until_edit) < new:
                self.until_edit.setDate(qdate(new + relativedelta(years=1)))
        self.changed.emit()

    # -- reading ------------------------------------------------------------------------------
    def _frequency(self) -> Frequency:
        return _FREQUENCY[self.repeats_combo.currentData()]

    def recurrence(self) -> Recurrence:
        """The recurrence the choices say (not checked: :func:`to_rrule` refuses parts that
        do not go together)."""
        key = self.repeats_combo.currentData()
        frequency = _FREQUENCY[key]
        if frequency is Frequency.ONCE:
            return Recurrence(Frequency.ONCE)
        every = self.every_spin.value() * (3 if key == "quarterly" else 1)
        until = date_in(self.until_edit) if self.until_radio.isChecked() else None
        count = self.count_spin.value() if self.count_radio.isChecked() else None
        found = Recurrence(frequency, interval=every, until=until, count=count)
        if frequency is Frequency.WEEKLY:
            days = tuple(n for n, check in enumerate(self.day_checks) if check.isChecked())
            return replace(found, weekdays=days)
        if frequency in (Frequency.MONTHLY, Frequency.YEARLY):
            month = self.month_combo.currentIndex() + 1 if frequency is Frequency.YEARLY else None
            found = replace(found, month=month)
            if self.on_nth_radio.isChecked():
                nth = self.nth_combo.currentData()
                return replace(found, nth=nth, weekday=self.weekday_combo.currentIndex())
            if self.last_day_radio.isChecked():
                return replace(found, month_day=-1)
            return replace(found, month_day=self.day_spin.value())
        return found

    def shown_rows(self) -> dict[str, bool]:
        """Whether each row that comes and goes (by key) is used by the way of repeating
        chosen: the weekdays for weekly, the day of the month for monthly and yearly, the end
        for anything but once."""
        frequency = self._frequency()
        return {
            "weekdays": frequency is Frequency.WEEKLY,
            "pattern": frequency in (Frequency.MONTHLY, Frequency.YEARLY),
            "until": frequency is not Frequency.ONCE,
        }

    # -- reacting -----------------------------------------------------------------------------
    def _choose(self, radio: QRadioButton) -> None:
        """A value typed beside a choice chooses it."""
        if not radio.isChecked():
            radio.setChecked(True)
        self.changed.emit()

    def _repeats_changed(self) -> None:
        frequency = self._frequency()
        repeating = frequency is not Frequency.ONCE
        shown_with: tuple[tuple[QWidget, bool], ...] = (
            (self.every_label, repeating),
            (self.every_spin, repeating),
            (self.unit_label, repeating),
            (self.month_label, frequency is Frequency.YEARLY),
            (self.month_combo, frequency is Frequency.YEARLY),
        )
        for widget, visible in shown_with:
            widget.setVisible(visible)
        self._every_changed()

    def _every_changed(self) -> None:
        unit = next(u for k, _w, u in REPEATS if k == self.repeats_combo.currentData())
        self.unit_label.setText(unit if self.every_spin.value() == 1 else f"{unit}s")
        self.changed.emit()
