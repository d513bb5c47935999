"""A shift type's look: its colour with its fill pattern drawn over it in a dark ink, so a cell
of the roster (and its black-and-white printout) tells desk time from leave without colour.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

INK = QColor("#37474f")
_STYLES = {
    "solid": Qt.BrushStyle.NoBrush,
    "hatch": Qt.BrushStyle.FDiagPattern,
    "dots": Qt.BrushStyle.Dense6Pattern,
    "cross": Qt.BrushStyle.DiagCrossPattern,
    "lines": Qt.BrushStyle.HorPattern,
    "diagonal": Qt.BrushStyle.BDiagPattern,
}


def paint_swatch(painter: QPainter, rect: QRect, colour: str, pattern: str) -> None:
    """Fill ``rect`` with ``colour`` and the pattern over it."""
    painter.fillRect(rect, QColor(colour))
    style = _STYLES.get(pattern, Qt.BrushStyle.NoBrush)
    if style is not Qt.BrushStyle.NoBrush:
        painter.fillRect(rect, QBrush(INK, style))


def swatch_icon(colour: str, pattern: str, size: int = 16) -> QIcon:
    """A small square of the look, for lists and combo boxes."""
    pixmap = QPixmap(size, size)
    painter = QPainter(pixmap)
    paint_swatch(painter, pixmap.rect(), colour, pattern)
    painter.setPen(INK)
    painter.drawRect(pixmap.rect().adjusted(0, 0, -1, -1))
    painter.end()
    return QIcon(pixmap)
