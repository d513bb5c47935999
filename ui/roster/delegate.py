"""How a roster cell is painted: each shift as a block in its type's look, its name and hours
in an ink that reads on it, and a conflict as a red frame with a ⚠ (never colour alone).

A block is a band of the type's colour and pattern (:func:`ui.kit.swatch.paint_swatch`, so
the grid reads in black and white too) beside a light tint of the colour that carries the
words. One shift in a cell takes two lines (type, then hours); several share the cell a line
each. A row is as tall as its busiest day needs (:func:`row_height`).
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.roster.shift_types import tint
from app.roster.week import RosterShift
from ui.kit.swatch import paint_swatch
from ui.kit.widgets import RED
from ui.roster.model import Role, hours_of, shift_line

BAND = 12  # the swatch band at a block's left
GAP = 3  # around and between blocks
CURRENT = QColor("#1565c0")
DARK_INK, LIGHT_INK = QColor("#263238"), QColor("#ffffff")
CONFLICT_MARK = "⚠"


def row_height(metrics: QFontMetrics, most_shifts: int) -> int:
    """A row's height for a busiest day of ``most_shifts`` shifts: two lines at least."""
    return max(2, most_shifts) * (metrics.height() + 2) + 3 * GAP


def _luminance(colour: QColor) -> float:
    """WCAG relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def ink_on(background: QColor) -> QColor:
    """Dark or white, whichever contrasts more with ``background``."""
    lum = _luminance(background)
    dark = (lum + 0.05) / (_luminance(DARK_INK) + 0.05)
    light = (_luminance(LIGHT_INK) + 0.05) / (lum + 0.05)
    return DARK_INK if dark >= light else LIGHT_INK


@functools.cache
def _look(colour: str) -> tuple[QColor, QPen, QColor]:
    """A shift type's block: its tint, its frame and the ink of its words, worked out once
    per colour (a week paints hundreds of blocks in a handful of colours)."""
    background = QColor(tint(colour))
    return background, QPen(QColor(colour).darker(150), 1), ink_on(background)


class ShiftDelegate(QStyledItemDelegate):
    """Paints a roster cell's shifts (the model's :attr:`Role.SHIFTS`)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # The cell's background and selection as the style draws them, without the text:
        # only the role that needs (not initStyleOption's dozen data() calls per cell).
        plain = QStyleOptionViewItem(option)
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if background is not None:
            plain.backgroundBrush = QBrush(background)
        style = plain.widget.style() if plain.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, plain.widget)
        shifts: tuple[RosterShift, ...] = index.data(Role.SHIFTS) or ()
        home: str = index.data(Role.HOME_SITE) or ""
        conflicted = bool(index.data(Role.CONFLICTS))
        rect = QRect(option.rect)
        painter.save()
        painter.setClipRect(rect)
        inner = rect.adjusted(GAP, GAP, -GAP - 1, -GAP - 1)
        mark = _mark_size(option.font) if conflicted else 0
        if shifts:
            height = inner.height() // len(shifts)
            for number, shift in enumerate(shifts):
                block = QRect(inner.left(), inner.top() + number * height, inner.width(), height)
                room = mark if number == 0 else 0  # the first block's words leave the ⚠ free
                self._block(painter, block.adjusted(0, 0, 0, -1), shift, home, len(shifts), room)
        if conflicted:
            self._conflict(painter, rect, option.font)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(CURRENT, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.restore()

    def _block(
        self,
        painter: QPainter,
        rect: QRect,
        shift: RosterShift,
        home: str,
        shifts: int,
        room: int,
    ) -> None:
        """One shift: the swatch band, the tint, a frame, and its words (``room`` pixels
        left free at the right of its first line)."""
        background, frame, ink = _look(shift.colour)
        painter.fillRect(rect, background)
        band = QRect(rect.left(), rect.top(), BAND, rect.height())
        paint_swatch(painter, band, shift.colour, shift.pattern)
        painter.setPen(frame)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        text = rect.adjusted(BAND + 4, 1, -3, -1)
        painter.setPen(ink)
        if shifts > 1 or rect.height() < 2 * painter.fontMetrics().height():
            _one_line(painter, text.adjusted(0, 0, -room, 0), shift, home)
            return
        half = text.height() // 2
        normal = QFont(painter.font())
        painter.setFont(_bold(normal))
        _say(
            painter,
            text.adjusted(0, 0, -room, -half),
            shift.type_name,
            Qt.AlignmentFlag.AlignBottom,
        )
        painter.setFont(normal)
        hours = shift_line(shift, home).removeprefix(shift.type_name).strip()
        _say(
            painter, text.adjusted(0, text.height() - half, 0, 0), hours, Qt.AlignmentFlag.AlignTop
        )

    def _conflict(self, painter: QPainter, rect: QRect, font: QFont) -> None:
        """A red frame round the cell and ⚠ in its top right corner, on white."""
        red = QColor(RED)
        painter.setPen(QPen(red, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(1, 1, -1, -1))
        size = _mark_size(font)
        mark = QRect(rect.right() - size - 2, rect.top() + 2, size, size)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(mark)
        painter.setFont(_bold(font))
        painter.setPen(red)
        painter.drawText(mark, Qt.AlignmentFlag.AlignCenter, CONFLICT_MARK)


def _say(painter: QPainter, rect: QRect, text: str, vertical: Qt.AlignmentFlag) -> None:
    """``text`` on one line in ``rect``, elided where it does not fit."""
    elided = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | vertical, elided)


def _one_line(painter: QPainter, rect: QRect, shift: RosterShift, home: str) -> None:
    """A shift on one line: whole where it fits, else its hours kept short ("7-15") and
    whole, and its name shortened to what is left."""
    metrics = painter.fontMetrics()
    line = shift_line(shift, home)
    if metrics.horizontalAdvance(line) <= rect.width():
        _say(painter, rect, line, Qt.AlignmentFlag.AlignVCenter)
        return
    hours = hours_of(shift)
    if hours != "all day":
        hours = f"{_short_clock(shift.starts)}-{_short_clock(shift.ends)}"
    width = metrics.horizontalAdvance(hours)
    middle = Qt.AlignmentFlag.AlignVCenter
    painter.drawText(rect, Qt.AlignmentFlag.AlignRight | middle, hours)
    _say(painter, rect.adjusted(0, 0, -width - 4, 0), shift.type_name, middle)


def _short_clock(clock: str) -> str:
    """ "07:00" as "7", "07:30" as "7:30"."""
    hours, minutes = clock.split(":")
    return str(int(hours)) + ("" if minutes == "00" else f":{minutes}")


def _bold(font: QFont) -> QFont:
    """``font`` in bold, made once per font (by its description)."""
    return _bold_of(font.toString())


@functools.cache
def _bold_of(description: str) -> QFont:
    font = QFont()
    font.fromString(description)
    font.setBold(True)
    return font


def _mark_size(font: QFont) -> int:
    """The side of the ⚠ mark's circle."""
    return QFontMetrics(_bold(font)).height()
