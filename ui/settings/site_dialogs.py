"""The Sites page's parts: the weekday grid of opening hours, and the dialog adding a closure.

The grid shows a row per weekday: whether the site is open, its hours, and a second interval
for a split shift (08:00-12:00 and 13:00-17:00). It reads and writes the hours in the form
:class:`app.business_hours.BusinessCalendar` saves (one interval ``["08:00", "17:00"]``,
several ``[["08:00", "12:00"], ["13:00", "17:00"]]``); the times are checked by the service,
whose message is shown at the weekday it is about.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.context import AppContext
from app.org.sites import WEEKDAYS, add_closure, range_text
from models.clock import utcnow
from ui.kit.widgets import MUTED, error_label, named
from ui.kit.write_dialog import WriteDialog

_TIME_PLACEHOLDERS = ("08:00", "17:00", "none", "")


class _Day:
    """One weekday's row: open or closed, and up to two intervals (four time fields)."""

    def __init__(self, number: int, parent: QWidget) -> None:
        name = WEEKDAYS[number]
        self.open = named(QCheckBox(f"{name}", parent), f"open{name}", f"{name} open")
        self.times = [
            named(QLineEdit(parent), f"{name.lower()}{part}", f"{name} {label}")
            for part, label in (
                ("Opens", "opens"),
                ("Closes", "closes"),
                ("Reopens", "opens again"),
                ("Closes2", "closes again"),
            )
        ]
        width = self.times[0].fontMetrics().horizontalAdvance("00:000") + 16
        for edit, placeholder in zip(self.times, _TIME_PLACEHOLDERS, strict=True):
            edit.setPlaceholderText(placeholder)
            edit.setMaxLength(5)
            edit.setFixedWidth(width)
        self.error = error_label(f"hours{number}Error")
        self.open.toggled.connect(self._opened)

    def _opened(self, on: bool) -> None:
        for edit in self.times:
            edit.setEnabled(on and self.open.isEnabled())
        if on and not self.times[0].text() and not self.times[1].text():
            self.times[0].setText("08:00")
            self.times[1].setText("17:00")

    def set(self, value: Any) -> None:
        spans = [] if not value else value if isinstance(value[0], list | tuple) else [value]
        texts = [time for span in spans[:2] for time in span]
        for edit, text in zip(self.times, texts + [""] * (4 - len(texts)), strict=True):
            edit.setText(str(text))
        self.open.setChecked(bool(spans))
        self._opened(bool(spans))

    def value(self) -> list[str] | list[list[str]] | None:
        """The day's hours as saved, or None when closed. A half-filled second interval is
        passed on as typed, so the service says what is missing."""
        if not self.open.isChecked():
            return None
        texts = [edit.text().strip() for edit in self.times]
        first = texts[:2]
        if not texts[2] and not texts[3]:
            return first
        return [first, texts[2:]]


class HoursGrid(QWidget):
    """Opening hours per weekday (object name ``hoursGrid``): a row of "open", opens,
    closes and an optional second interval per day, with the day's problem under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "hoursGrid", "Opening hours")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for column, title in enumerate(("Open on", "Opens", "Closes", "Split: reopens", "Closes")):
            heading = QLabel(title, self)
            heading.setStyleSheet(f"color: {MUTED};")
            grid.addWidget(heading, 0, column)
        self.days = [_Day(number, self) for number in range(7)]
        for number, day in enumerate(self.days):
            row = 1 + number * 2
            grid.addWidget(day.open, row, 0)
            for column, edit in enumerate(day.times, start=1):
                grid.addWidget(edit, row, column)
            grid.addWidget(day.error, row + 1, 0, 1, 6)
        grid.setColumnStretch(5, 1)

    def set_hours(self, hours: Mapping[str, Any]) -> None:
        for number, day in enumerate(self.days):
            day.set(hours.get(str(number)))

    def hours(self) -> dict[str, Any]:
        """The week as :class:`app.org.sites.SiteDraft` takes it (closed days left out)."""
        values = {str(number): day.value() for number, day in enumerate(self.days)}
        return {key: value for key, value in values.items() if value is not None}

    def set_editable(self, editable: bool) -> None:
        for day in self.days:
            day.open.setEnabled(editable)
            for edit in day.times:
                edit.setEnabled(editable and day.open.isChecked())

    def error_labels(self) -> dict[str, QLabel]:
        """The problem line of each weekday, by the service's field name ("hours.0")."""
        return {f"hours.{number}": day.error for number, day in enumerate(self.days)}


def _date_edit(name: str) -> QDateEdit:
    edit = named(QDateEdit(), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd dd MMM yyyy")
    today = utcnow().date()
    edit.setDate(QDate(today.year, today.month, today.day))
    return edit


class ClosureDialog(WriteDialog):
    """Close a site for some days (object name ``closureDialog``); :attr:`outcome` is the
    closure's id."""

    def __init__(
        self, context: AppContext, site_id: uuid.UUID, site_name: str, parent: QWidget | None
    ) -> None:
        super().__init__(context, "closureDialog", f"Close {site_name}", "&Add closure", parent)
        self.site_id = site_id
        self.first_edit = _date_edit("closureFirst")
        self.last_edit = _date_edit("closureLast")
        self.reason_edit = named(QLineEdit(), "closureReason")
        self.reason_edit.setPlaceholderText("Office move, company day off… (optional)")
        self.first_edit.dateChanged.connect(self._follow)
        self.add_field("first_day", "&First day:", self.first_edit)
        self.add_field(
            "last_day", "&Last day:", self.last_edit, "The same day for a one-day closure."
        )
        self.add_field("reason", "&Reason:", self.reason_edit)

    def _follow(self, first: QDate) -> None:
        """A later first day takes the last day with it, so a one-day closure is one step."""
        if self.last_edit.date() < first:
            self.last_edit.setDate(first)

    def work(self) -> Callable[[], object]:
        engine, me, site_id = self.context.engine, self.context.me, self.site_id
        first, last = self.first_edit.date().toPython(), self.last_edit.date().toPython()
        reason = self.reason_edit.text()
        return lambda: add_closure(engine, me, site_id, first, last, reason)  # type: ignore[arg-type]

    def subject(self) -> uuid.UUID:
        return self.site_id

    def summary(self) -> str:
        first, last = self.first_edit.date().toPython(), self.last_edit.date().toPython()
        return f"Closed {range_text(first, last)}."  # type: ignore[arg-type]
