"""The calendar grid: weeks by days, each day painted with its occurrences, a line each in
the colour of its status and with the status's symbol, so it reads in black and white.

The same model shows a month (six weeks from the Monday on or before its first day, so the grid
keeps its shape from month to month) and a week (one row, with room for more lines). A day's
lines are "symbol time site title"; a moved occurrence has "↷" after its time and one whose
owner is on leave ends in "⚑". Days outside the month shown are dimmed.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.maintenance.calendar import Occurrence, Status
from ui.kit.widgets import AMBER, GREEN, MUTED, RED, named

DAYS_ROLE = Qt.ItemDataRole.UserRole + 1  # the day's occurrences
DATE_ROLE = Qt.ItemDataRole.UserRole + 2
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MOVED, AWAY = "↷", "⚑"
INK = {
    Status.SCHEDULED: QColor("#1565c0"),
    Status.IN_PROGRESS: QColor("#6a1b9a"),
    Status.OVERDUE: QColor(RED),
    Status.DONE: QColor(GREEN),
    Status.DONE_LATE: QColor(AMBER),
    Status.SKIPPED: QColor(MUTED),
    Status.CANCELLED: QColor(MUTED),
}
TODAY_FILL = QColor("#e3f2fd")
OTHER_MONTH_FILL = QColor("#f5f5f5")


def line_of(occurrence: Occurrence) -> str:
    """A day's line for ``occurrence``: "✓ 22:00 HQ Mail server patching" (the site, as the
    same task often runs at several)."""
    local = occurrence.local(occurrence.starts_at)
    moved = MOVED if occurrence.moved else ""
    away = f" {AWAY}" if occurrence.owner_away else ""
    # The time by hand: strftime imports the time module on each call, through the Qt
    # bindings' import hook, which cost a third of a line (a month paints hundreds).
    return (
        f"{occurrence.status.symbol} {local.hour:02d}:{local.minute:02d}{moved} "
        f"{occurrence.site_code} {occurrence.title}{away}"
    )


class DaysModel(QAbstractTableModel):
    """Weeks (rows) by weekdays (columns) from a first Monday; each cell a day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = date.min
        self.weeks = 0
        self.month = 0  # the month shown (0: a week, nothing dimmed)
        self.today = date.min
        self._days: dict[date, list[Occurrence]] = {}

    def show(
        self,
        first: date,
        weeks: int,
        month: int,
        shown: dict[date, list[Occurrence]],
        today: date,
    ) -> None:
        """Show ``weeks`` weeks from the Monday ``first`` with their occurrences; the same
        again (a period shown from memory, then read again) changes nothing on screen. As many
        weeks as before change the days in place: a reset would lay the grid's rows out again
        after the paint, and so paint the grid twice."""
        if (first, weeks, month, today, shown) == (
            self.first,
            self.weeks,
            self.month,
            self.today,
            self._days,
        ):
            return
        if weeks == self.weeks and weeks:
            self.first, self.month, self.today = first, month, today
            self._days = shown
            self.dataChanged.emit(self.index(0, 0), self.index(weeks - 1, 6))
            return
        self.beginResetModel()
        self.first, self.weeks, self.month, self.today = first, weeks, month, today
        self._days = shown
        self.endResetModel()

    def day_at(self, index: QModelIndex | QPersistentModelIndex) -> date | None:
        if not index.isValid():
            return None
        return self.first + timedelta(days=index.row() * 7 + index.column())

    def index_of(self, day: date) -> QModelIndex:
        offset = (day - self.first).days
        if not 0 <= offset < self.weeks * 7:
            return QModelIndex()
        return self.index(offset // 7, offset % 7)

    def on(self, day: date) -> list[Occurrence]:
        return self._days.get(day, [])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.weeks

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        day = self.day_at(index)
        if day is None:
            return None
        if role == DATE_ROLE:
            return day
        if role == DAYS_ROLE:
            return self.on(day)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            lines = [line_of(o) for o in self.on(day)]
            return "\n".join([f"{day:%a %d %b}", *lines])
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                f"{line_of(o)} — {o.status.label}, {o.site_code}, {o.owner}" for o in self.on(day)
            )
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return WEEKDAYS[section]
        return None


class DayDelegate(QStyledItemDelegate):
    """Paints a day: its number (and "+N more" beside it when the lines overflow), then a
    line per occurrence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._made: tuple[QFont, QFont, QFont] | None = None

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        model = index.model()
        assert isinstance(model, DaysModel)
        day = model.day_at(index)
        if day is None:
            return
        rect: QRect = option.rect
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if day == model.today:
            painter.fillRect(rect, TODAY_FILL)
        elif model.month and day.month != model.month:
            painter.fillRect(rect, OTHER_MONTH_FILL)
        if selected:
            painter.setPen(QColor("#1565c0"))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
            painter.drawRect(rect.adjusted(2, 2, -3, -3))
        metrics = option.fontMetrics
        line = metrics.height() + 1
        inner = rect.adjusted(5, 3, -5, -3)
        plain, bold, struck = self._fonts(option.font)
        painter.setFont(bold if day == model.today else plain)
        dim = model.month and day.month != model.month
        painter.setPen(QColor(MUTED) if dim else QColor("#263238"))
        number = f"{day.day} {day:%b}" if day.day == 1 else str(day.day)
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, number)
        painter.setFont(plain)
        occurrences = model.on(day)
        room = max(0, (inner.height() - line) // line)
        shown = occurrences[:room]
        hidden = len(occurrences) - len(shown)
        if hidden:  # on the number's line, right: every line below holds an occurrence
            painter.setPen(QColor(MUTED))
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
            painter.drawText(inner, right, f"+{hidden} more")
        left, top, width = inner.left(), inner.top() + line, inner.width()
        elide = Qt.TextElideMode.ElideRight
        for at, occurrence in enumerate(shown):
            painter.setPen(INK[occurrence.status])
            if occurrence.status is Status.CANCELLED:
                painter.setFont(struck)
            text = metrics.elidedText(line_of(occurrence), elide, width)
            painter.drawText(left, top + at * line, width, line, 0, text)
            if occurrence.status is Status.CANCELLED:
                painter.setFont(plain)
        painter.restore()

    def _fonts(self, font: QFont) -> tuple[QFont, QFont, QFont]:
        """The view's font, in bold (today's number) and struck out (a cancelled line): made
        once, not for each of the grid's cells at each paint."""
        if self._made is None or self._made[0] != font:
            bold, struck = QFont(font), QFont(font)
            bold.setBold(True)
            struck.setStrikeOut(True)
            self._made = (QFont(font), bold, struck)
        return self._made


class DaysGrid(QTableView):
    """The grid of days; arrows move a day or a week (across the edge of the period too),
    which it asks for with :attr:`step` rather than moving itself."""

    step = Signal(int)  # days

    def __init__(self, model: DaysModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "maintenanceDays", "Calendar days")
        self.setModel(model)
        self.setItemDelegate(DayDelegate(self))
        self.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setMinimumSectionSize(30)
        self.horizontalHeader().setHighlightSections(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -7,
            Qt.Key.Key_Down: 7,
        }
        key = Qt.Key(event.key())
        if key in steps and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.step.emit(steps[key])
            return
        super().keyPressEvent(event)
