"""The training matrix on screen: staff down, required courses across, a cell per person and
course painted as a colour AND a symbol (the :class:`~app.training.matrix.CellState` ones), so
it reads in black and white and for the colour blind.

Built for size: one :class:`MatrixModel` over the plain :class:`TrainingMatrix` the service
returns (200 staff x 40 courses is 8,000 cells, held as tuples), a :class:`CellDelegate` that
fills a rectangle and draws one character, no widget per cell and no style call per cell,
and a :class:`CourseHeader` whose course names run upwards, so forty columns stay narrow.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QWidget,
)

from app.org.sites import day_text
from app.training.completions import CompletionRow
from app.training.matrix import Cell, CellState, MatrixCourse, MatrixRow, TrainingMatrix
from models.enums import CompletionResult
from ui.kit.widgets import MUTED

StateRole = Qt.ItemDataRole.UserRole + 1  # the cell's CellState

CELL_WIDTH = 36  # a column: one symbol, or two lines of its upright title
HEADER_TEXT_MAX = 120  # the tallest title line, in pixels; a longer name takes two lines
HISTORY_LINES = 12  # completions a row header's tooltip lists
ACCENT = QColor("#1e88e5")  # the current cell's ring (style.qss: the focus colour)
HEADER_INK = QColor("#455a64")  # style.qss: QHeaderView::section

# (background, ink) of each state; NOT_REQUIRED keeps the table's own background.
LOOKS: dict[CellState, tuple[QColor | None, QColor]] = {
    CellState.VALID: (QColor("#c8e6c9"), QColor("#1b5e20")),
    CellState.EXPIRING: (QColor("#ffe0b2"), QColor("#bf360c")),
    CellState.EXPIRED: (QColor("#ef9a9a"), QColor("#7f0000")),
    CellState.MISSING: (QColor("#fde7e9"), QColor("#c62828")),
    CellState.NOT_REQUIRED: (None, QColor(MUTED)),
}


def legend_html() -> str:
    """The key to the cells, each state in its own colours with its symbol."""
    parts = []
    for state, (background, ink) in LOOKS.items():
        if background is None:  # no mark at all
            parts.append(f"<span style='color:{MUTED}'>blank:</span>&nbsp;{state.value}")
            continue
        parts.append(
            f"<span style='background:{background.name()}; color:{ink.name()}; "
            f"font-weight:700'>&nbsp;{state.symbol}&nbsp;</span>&nbsp;{state.value}"
        )
    return "&nbsp;&nbsp; ".join(parts)


def _passed(cell: Cell) -> str:
    return f"passed {day_text(cell.completed_on)}" if cell.completed_on else ""


def cell_words(course: MatrixCourse, cell: Cell, today: date) -> str:
    """Where a person stands with ``course``, in a sentence (a cell's tooltip)."""
    until = f"last valid day {day_text(cell.expires_on)}" if cell.expires_on else ""
    passed = _passed(cell)
    match cell.state:
        case CellState.VALID:
            words = f"valid, {until or 'never expires'}; {passed}"
        case CellState.EXPIRING:
            assert cell.expires_on is not None  # expiring: it has a last day
            left = (cell.expires_on - today).days
            soon = "today" if left == 0 else f"in {left} day{'' if left == 1 else 's'}"
            words = f"expiring soon: {until}, {soon}; {passed}"
        case CellState.EXPIRED:
            words = f"expired: {until}; {passed}. Required: record the renewal"
        case CellState.MISSING:
            words = "missing: required, never passed"
        case CellState.NOT_REQUIRED:
            words = "not required" + (f"; {passed}" if passed else "")
    return f"{course.name}: {words}."


def history_text(rows: Sequence[CompletionRow]) -> str:
    """A person's completions, the latest first, one a line (a row header's tooltip)."""
    if not rows:
        return "No completions recorded."
    lines = [completion_line(row) for row in rows[:HISTORY_LINES]]
    if len(rows) > HISTORY_LINES:
        lines.append(f"… and {len(rows) - HISTORY_LINES} earlier")
    return "\n".join(lines)


def completion_line(row: CompletionRow) -> str:
    """ "Desk basics: passed Tue 24 Nov 2026, valid until Wed 24 Nov 2027 (C-17)"."""
    return f"{row.course}: {completion_detail(row)}"


def completion_detail(row: CompletionRow) -> str:
    """A completion but its course: "passed Tue 24 Nov 2026, never expires (C-17)"."""
    words = f"{row.result.label.lower()} {day_text(row.completed_on)}"
    if row.expires_on is not None:
        words += f", valid until {day_text(row.expires_on)}"
    elif row.result is CompletionResult.PASSED:
        words += ", never expires"
    if row.certificate:
        words += f" ({row.certificate})"
    if not row.confirmed:
        words += ", awaiting a manager's confirmation"
    return words


class MatrixModel(QAbstractTableModel):
    """Rows are staff, columns courses; each cell's :data:`StateRole` is its state, its text
    the state's symbol. A row header's tooltip lists the person's completions once the page
    has read them (:meth:`set_history`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix = TrainingMatrix(date.min, (), ())
        self._histories: dict[uuid.UUID, str] = {}

    # -- filling ------------------------------------------------------------------------------
    def set_matrix(self, matrix: TrainingMatrix) -> None:
        """Show ``matrix`` (a new read: the filters or the data changed)."""
        self.beginResetModel()
        self._matrix = matrix
        self._histories.clear()
        self.endResetModel()

    def set_history(self, staff_id: uuid.UUID, rows: Sequence[CompletionRow]) -> None:
        """The person's completions, for their row header's tooltip.

        No ``headerDataChanged``: a tooltip is asked for when it shows, and the signal has
        the view lay out and repaint the whole matrix, each time a row is selected."""
        self._histories[staff_id] = history_text(rows)

    # -- reading ------------------------------------------------------------------------------
    @property
    def matrix(self) -> TrainingMatrix:
        return self._matrix

    def row_at(self, number: int) -> MatrixRow:
        return self._matrix.rows[number]

    def course_at(self, number: int) -> MatrixCourse:
        return self._matrix.courses[number]

    def find(self, staff_id: uuid.UUID | None, course_id: uuid.UUID | None) -> QModelIndex:
        """The cell of that person and course (their first cell without a course); an invalid
        index where either is not shown."""
        row = next((n for n, r in enumerate(self._matrix.rows) if r.staff_id == staff_id), -1)
        column = next((n for n, c in enumerate(self._matrix.courses) if c.id == course_id), -1)
        if course_id is None and self._matrix.courses:
            column = 0
        return self.index(row, column) if row >= 0 and column >= 0 else QModelIndex()

    # -- the model ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._matrix.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._matrix.courses)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self._matrix.rows[index.row()]
        cell = row.cells[index.column()]
        if role == StateRole:
            return cell.state
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.state.symbol
        if role == Qt.ItemDataRole.ToolTipRole:
            course = self._matrix.courses[index.column()]
            return f"{row.name}\n{cell_words(course, cell, self._matrix.today)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._matrix.courses[index.column()].name}: {cell.state.value}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._matrix.courses):
                return None
            course = self._matrix.courses[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return course.name
            if role == Qt.ItemDataRole.ToolTipRole:
                months = course.validity_months
                valid = f"valid {months} months" if months else "never expires"
                return f"{course.name} ({valid})"
            return None
        if not 0 <= section < len(self._matrix.rows):
            return None
        row = self._matrix.rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role == Qt.ItemDataRole.ToolTipRole:
            history = self._histories.get(row.staff_id, "Select a cell of the row to read them.")
            return f"{row.name}, {row.role.label.lower()}. Completions:\n{history}"
        return None


class CellDelegate(QStyledItemDelegate):
    """Paints a cell as its state's fill and symbol, and a ring round the current one:
    a rectangle and a character, cheap enough for thousands of cells."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._font: QFont | None = None  # the view's font, bold and a little larger
        self._ring = QPen(ACCENT, 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        state = index.data(StateRole)
        if not isinstance(state, CellState):
            return
        background, ink = LOOKS[state]
        rect: QRect = option.rect
        painter.save()
        if background is not None:
            painter.fillRect(rect.adjusted(1, 1, -1, -1), background)
        if state.symbol:
            if self._font is None:
                self._font = QFont(option.font)
                self._font.setBold(True)
                self._font.setPointSizeF(self._font.pointSizeF() * 1.1)
            painter.setFont(self._font)
            painter.setPen(ink)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, state.symbol)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(self._ring)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(CELL_WIDTH, option.fontMetrics.height() + 10)


class CourseHeader(QHeaderView):
    """The matrix's column titles, written upwards so a column is one symbol wide: a name
    taller than :data:`HEADER_TEXT_MAX` takes two lines, and is cut with "…" after that
    (its tooltip has it whole)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setDefaultSectionSize(CELL_WIDTH)
        self.setMinimumSectionSize(CELL_WIDTH)
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._metrics = QFontMetrics(self._bold)

    def _lines(self, section: int) -> list[str]:
        model = self.model()
        value = model.headerData(section, self.orientation()) if model is not None else None
        return title_lines(str(value or ""), self._metrics, HEADER_TEXT_MAX)

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        lines = self._lines(logicalIndex)
        tall = max((self._metrics.horizontalAdvance(line) for line in lines), default=0)
        return QSize(CELL_WIDTH, tall + 18)

    def paintSection(self, painter: QPainter, rect: QRect, logicalIndex: int) -> None:
        if not rect.isValid():
            return
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logicalIndex
        option.text = ""
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()
        lines = self._lines(logicalIndex)
        metrics, spacing = self._metrics, self._metrics.lineSpacing()
        painter.save()
        painter.setFont(self._bold)
        painter.setPen(HEADER_INK)
        # Upright: x runs up the column from 6 px above its bottom, y across it; the lines
        # are centred across the column.
        painter.translate(rect.left(), rect.bottom() - 6)
        painter.rotate(-90)
        first = (rect.width() - spacing * len(lines)) / 2 + metrics.ascent()
        for number, line in enumerate(lines):
            painter.drawText(0, round(first + number * spacing), line)
        painter.restore()


def title_lines(text: str, metrics: QFontMetrics, width: int) -> list[str]:
    """``text`` in at most two lines of ``width`` pixels, broken between words; what does
    not fit is cut with "…"."""
    words, lines = text.split(), [""]
    for word in words:
        joined = f"{lines[-1]} {word}".strip()
        if metrics.horizontalAdvance(joined) <= width or not lines[-1] or len(lines) == 2:
            lines[-1] = joined
        else:
            lines.append(word)
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]
