"""The roster's desk cover: for each site shown, an hour strip per day of how many people are
at the desk against the site's minimum, and the gaps in words beside them.

An hour short of its minimum is red with a white corner mark and its count, so a gap reads
without colour too; an hour that has its minimum is green, an hour nobody is wanted in grey
(light green when someone is there anyway). A day with a clock change has 23 or 25 hours, so
its strip is an hour shorter or longer. The mouse over an hour says it in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QHelpEvent, QPainter, QPaintEvent, QPolygon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.roster.coverage import HourCover, SiteCoverage
from app.roster.local_time import clock_text, day_text
from ui.kit.widgets import GREEN, MUTED, RED, named

CELL = 17  # an hour's width
ROW = 16  # a day's height
LABEL = 62  # the day's name before its strip
MOST_HOURS = 25  # the autumn change
SHORT, COVERED, EXTRA, NOBODY = (
    QColor(RED),
    QColor("#81c784"),
    QColor("#dcedc8"),
    QColor("#e0e4e7"),
)
GAP_MARK = "✕"


def _fill(hour: HourCover) -> QColor:
    if hour.short:
        return SHORT
    if hour.minimum > 0:
        return COVERED
    return EXTRA if hour.people else NOBODY


class CoverStrips(QWidget):
    """The hour strips of each site shown (object name ``coverStrips``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "coverStrips", "Desk cover by hour")
        self._coverage: tuple[SiteCoverage, ...] = ()
        self._today: date | None = None

    def set_coverage(self, coverage: Sequence[SiteCoverage], today: date) -> None:
        self._coverage, self._today = tuple(coverage), today
        self.updateGeometry()
        self.update()

    def _site_height(self) -> int:
        return 2 * ROW + 7 * ROW + 6  # the site's name, the hours' axis, seven days, a space

    def sizeHint(self) -> QSize:
        return QSize(LABEL + MOST_HOURS * CELL + 4, len(self._coverage) * self._site_height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _hours(self) -> list[tuple[QRect, SiteCoverage, int, HourCover]]:
        """Every hour's cell, with its site, day and cover."""
        cells = []
        for number, site in enumerate(self._coverage):
            top = number * self._site_height() + 2 * ROW
            for row, day in enumerate(site.days):
                for column, hour in enumerate(day.hours):
                    rect = QRect(LABEL + column * CELL, top + row * ROW, CELL - 1, ROW - 1)
                    cells.append((rect, site, row, hour))
        return cells

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.8))
        for number, site in enumerate(self._coverage):
            top = number * self._site_height()
            painter.setFont(bold)
            painter.setPen(QColor("#263238"))
            painter.drawText(
                QRect(0, top, self.width(), ROW),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{site.site_code}: people at the desk, hour by hour"
                + (f" ({len(site.gaps)} short)" if site.gaps else ""),
            )
            painter.setFont(small)
            painter.setPen(QColor(MUTED))
            for clock in range(0, 24, 3):
                painter.drawText(
                    QRect(LABEL + clock * CELL, top + ROW, 3 * CELL, ROW),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                    f"{clock:02d}",
                )
            for row, day in enumerate(site.days):
                today = day.day == self._today
                painter.setFont(bold if today else self.font())
                painter.setPen(QColor("#263238"))
                painter.drawText(
                    QRect(0, top + 2 * ROW + row * ROW, LABEL - 4, ROW),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    f"{day.day:%a} {day.day.day}" + (" ▸" if today else ""),
                )
        painter.setFont(small)
        for rect, _site, _row, hour in self._hours():
            colour = _fill(hour)
            painter.fillRect(rect, colour)
            if hour.short:  # the mark that says "short" without colour
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor("#ffffff"))
                painter.drawPolygon(
                    QPolygon(
                        [
                            rect.topRight(),
                            rect.topRight() - QPoint(6, 0),
                            rect.topRight() + QPoint(0, 6),
                        ]
                    )
                )
            if hour.people or hour.minimum:
                painter.setPen(QColor("#ffffff") if hour.short else QColor("#263238"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(hour.people))
        painter.end()

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            found = next((c for c in self._hours() if c[0].contains(event.pos())), None)
            if found is None:
                QToolTip.hideText()
                event.ignore()
                return True
            _rect, site, _row, hour = found
            QToolTip.showText(event.globalPos(), hour_text(site.site_code, hour), self)
            return True
        return super().event(event)  # type: ignore[arg-type]


def hour_text(site_code: str, hour: HourCover) -> str:
    """ "Mon 30 Nov 17:00 at HQ: 0 at the desk, 1 wanted (short)"."""
    text = (
        f"{day_text(hour.starts.date())} {clock_text(hour.starts)} at {site_code}: "
        f"{hour.people} at the desk, {hour.minimum} wanted"
    )
    return text + (" (short)" if hour.short else "")


class CoverPanel(QWidget):
    """The strips beside the list of gaps (object names ``coverStrips``, ``coverGaps``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strips = CoverStrips()
        scroll = named(QScrollArea(), "coverScroll", "Desk cover by hour")
        scroll.setWidget(self.strips)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFixedWidth(self.strips.sizeHint().width() + 18)
        legend = QLabel(
            "Each hour: people at the desk. Green: the minimum is there; red with a white "
            "corner: fewer than the minimum."
        )
        legend.setWordWrap(True)
        legend.setStyleSheet(f"color: {MUTED};")
        self.gaps = named(QListWidget(), "coverGaps", "Gaps in the desk cover")
        self.gaps.setWordWrap(True)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(scroll, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(left)
        right = QVBoxLayout()
        right.addWidget(self.gaps, 1)
        right.addWidget(legend)
        layout.addLayout(right, 1)

    def set_coverage(self, coverage: Sequence[SiteCoverage], today: date) -> None:
        self.strips.set_coverage(coverage, today)
        self.gaps.clear()
        gaps = [gap for site in coverage for gap in site.gaps]
        for gap in gaps:
            item = QListWidgetItem(f"{GAP_MARK} {gap.text}")
            item.setForeground(QColor(RED))
            self.gaps.addItem(item)
        if not gaps:
            item = QListWidgetItem("No gaps: every hour has its minimum at the desk.")
            item.setForeground(QColor(GREEN))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.gaps.addItem(item)
