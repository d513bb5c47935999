"""The small chart of the problem editor: how many of a problem's incidents came in each week
(:attr:`app.problems.detail.ProblemDetail.weekly`), so a person sees at a glance whether
they keep coming, and whether they stopped after the fix.

A few dozen bars need no plotting library: they are painted here with QPainter, on the GUI
thread, in no time. The chart holds its weeks as data (:meth:`WeeklyChart.counts`), says them
all in its accessible description, and gives each bar's week and count as a tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.assets.register import day_text
from app.problems.detail import WeekCount
from ui.kit.widgets import MUTED, named, plural

BAR = "#64b5f6"
AXIS = "#cfd8dc"
WIDEST_BAR = 28.0  # pixels: a problem of two weeks gets two bars, not two walls


class WeeklyChart(QWidget):
    """How many of the problem's incidents came in each week, as bars (object name
    ``problemChart``); a bar's tooltip gives its week and count, and the accessible
    description reads them all."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "problemChart", "Incidents per week")
        self._weeks: tuple[WeekCount, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(self.fontMetrics().height() * 4 + 16)

    def sizeHint(self) -> QSize:
        return QSize(260, self.fontMetrics().height() * 6)

    def set_weeks(self, weeks: Sequence[WeekCount]) -> None:
        self._weeks = tuple(weeks)
        self.setAccessibleDescription(self.describe())
        self.update()

    def counts(self) -> list[tuple[date, int]]:
        """The bars: each week's Monday and its count, oldest first."""
        return [(week.week, week.incidents) for week in self._weeks]

    def describe(self) -> str:
        if not self._weeks:
            return "No incidents."
        first, last = self._weeks[0].week, self._weeks[-1].week
        counts = ", ".join(str(week.incidents) for week in self._weeks)
        return f"Incidents per week from {day_text(first)} to {day_text(last)}: {counts}."

    def _plot(self) -> QRectF:
        metrics = self.fontMetrics()
        top = max((w.incidents for w in self._weeks), default=0)
        left = metrics.horizontalAdvance(str(max(top, 1))) + 8
        return QRectF(left, 6, self.width() - left - 4, self.height() - metrics.height() - 12)

    def _bars(self) -> list[QRectF]:
        plot = self._plot()
        top = max((w.incidents for w in self._weeks), default=0)
        if not self._weeks or plot.width() <= 0 or plot.height() <= 0:
            return []
        slot = plot.width() / len(self._weeks)
        bars = []
        for number, week in enumerate(self._weeks):
            height = plot.height() * week.incidents / top if top else 0.0
            width = min(max(slot * 0.7, 1.0), WIDEST_BAR)
            left = plot.left() + slot * number + (slot - width) / 2
            bars.append(QRectF(left, plot.bottom() - height, width, height))
        return bars

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot, metrics = self._plot(), self.fontMetrics()
        muted = QColor(MUTED)
        if not self._weeks:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No incidents linked")
            return
        painter.setPen(QColor(AXIS))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BAR))
        for bar in self._bars():
            painter.drawRect(bar)
        painter.setPen(muted)
        top = max(w.incidents for w in self._weeks)
        label = QRectF(0, plot.top() - 2, plot.left() - 4, metrics.height())
        painter.drawText(label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, str(top))
        base = QRectF(0, plot.bottom() - metrics.height(), plot.left() - 4, metrics.height())
        painter.drawText(base, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, "0")
        below = QRectF(plot.left(), plot.bottom() + 3, plot.width(), metrics.height())
        first, last = self._weeks[0].week, self._weeks[-1].week
        painter.drawText(below, Qt.AlignmentFlag.AlignLeft, _short_day(first))
        if last != first:
            painter.drawText(below, Qt.AlignmentFlag.AlignRight, _short_day(last))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self._tip_at(QPointF(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def _tip_at(self, point: QPointF) -> str:
        plot = self._plot()
        if not self._weeks or not plot.left() <= point.x() <= plot.right():
            return ""
        slot = plot.width() / len(self._weeks)
        week = self._weeks[min(int((point.x() - plot.left()) // slot), len(self._weeks) - 1)]
        return f"Week of {day_text(week.week)}: {plural(week.incidents, 'incident')}"


def _short_day(day: date) -> str:
    return f"{day.day} {day:%b}"
