"""The report's key figures as a table model: each figure this period and the one before, the
change and its one-line reading, as :func:`app.reports.readings.key_figures` words them."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from app.reports.readings import KeyFigure


class FigureColumn:
    """The key figures' columns."""

    NAME, NOW, BEFORE, CHANGE, READING = range(5)
    TITLES = ("Figure", "This period", "Previous period", "Change", "Reading")
    NUMBERS = (NOW, BEFORE, CHANGE)
    SAMPLES: ClassVar[dict[int, str]] = {
        NAME: "Mean time to acknowledge (MTTA)",
        NOW: "47.4 h (median 24.1 h)",
        BEFORE: "47.4 h (median 24.1 h)",
        CHANGE: "-10.0 pts",
    }


class KeyFigures(QAbstractTableModel):
    """The key figures of the report on screen (a dozen rows, answered whole: no paging).
    The header's tooltips name the two periods compared."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._figures: tuple[KeyFigure, ...] = ()
        self._periods = ("", "")

    def set_figures(self, figures: tuple[KeyFigure, ...], now: str, before: str) -> None:
        """Show ``figures`` of the period ``now`` compared with ``before`` (their labels)."""
        self.beginResetModel()
        self._figures, self._periods = figures, (now, before)
        self.endResetModel()

    def figure(self, row: int) -> KeyFigure | None:
        return self._figures[row] if 0 <= row < len(self._figures) else None

    def row_of(self, key: str) -> int:
        """The row of the figure ``key`` ("volume", "backlog"...); -1 when not shown."""
        return next((n for n, f in enumerate(self._figures) if f.key == key), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._figures)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FigureColumn.TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(FigureColumn.TITLES):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return FigureColumn.TITLES[section]
        if role == Qt.ItemDataRole.ToolTipRole and section in (
            FigureColumn.NOW,
            FigureColumn.BEFORE,
        ):
            return self._periods[section - FigureColumn.NOW] or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        figure = self.figure(index.row()) if index.isValid() else None
        if figure is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(figure, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{figure.name}: {figure.reading}" if figure.reading else figure.name
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(figure, column) or "none"
        return None

    @staticmethod
    def _text(figure: KeyFigure, column: int) -> str:
        if column == FigureColumn.NAME:
            return figure.name
        if column == FigureColumn.NOW:
            return figure.now
        if column == FigureColumn.BEFORE:
            return figure.before
        if column == FigureColumn.CHANGE:
            return figure.change
        return figure.reading


def _alignment(column: int) -> Qt.AlignmentFlag:
    horizontal = (
        Qt.AlignmentFlag.AlignRight
        if column in FigureColumn.NUMBERS
        else Qt.AlignmentFlag.AlignLeft
    )
    return horizontal | Qt.AlignmentFlag.AlignVCenter


CELL_PADDING = 14  # style.qss: 6 px a side, and the grid
ROW_PADDING = 12  # as paged_table's row height: a line and 12 px


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their longest wrapped text, measured at the column's width less the
    stylesheet's padding (Qt's own measure leaves it out, and elides the last words)."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        width = self._table.columnWidth(index.column()) - CELL_PADDING
        text = str(index.data() or "")
        metrics = self._table.fontMetrics()
        if width <= 0 or not text:
            return QSize(max(width, 0), metrics.height() + ROW_PADDING)
        box = metrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text)
        return QSize(width, box.height() + (ROW_PADDING if box.height() <= metrics.height() else 8))
