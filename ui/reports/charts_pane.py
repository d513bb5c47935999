"""The report's charts on screen: the twelve-month trend, volume by category, the weekday x
hour heat map and the backlog by age, one under the other in a scroll area.

The charts are the PDF's own (:mod:`app.reports.charts`, matplotlib's Figure API), drawn off
the GUI thread as PNG bytes sized for the pane: a figure as many points wide as the pane
holds at :data:`PIXELS_PER_POINT`, so their 7-8 pt words read at the size of the page's
text. Each becomes a QPixmap on the GUI thread, scaled to the pane's width, and drawn again
when the pane's width changes much (the splitter moved, the window resized). matplotlib is
imported by the worker that draws, never when the page module loads: it takes most of a
second, and the window must open fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from app.reports.report import Report
from ui.kit.errors import show_failure
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import MUTED, named

PIXELS_PER_POINT = 1.7  # 7 pt chart words at 12 px, the size of the page's own small text
NARROWEST, WIDEST = 300.0, 640.0  # a chart's width in points (A4's text is 510)
REDRAW_SHARE = 0.2  # drawn again once the width moved this much from the one drawn for
REDRAW_MS = 400  # after the last resize: a dragged splitter draws once, when let go
MARGIN = 8


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: str  # the accessible name; the chart prints its own title


CHARTS = (
    ChartSpec("trend", "Twelve months: volume, backlog and resolution SLA"),
    ChartSpec("categories", "Tickets by category"),
    ChartSpec("heat", "Tickets created by local hour and weekday"),
    ChartSpec("backlog", "Backlog at the period's end by age"),
)


@dataclass(frozen=True)
class Pictures:
    """The charts of one report as PNG bytes, by key, and the device pixels per pixel."""

    report: Report
    png: dict[str, bytes]
    ratio: float
    width: int  # the pane width they were drawn for, in pixels


def draw_charts(report: Report, width: int, ratio: float) -> Pictures:
    """The charts of ``report`` for a pane ``width`` pixels wide on a screen of ``ratio``
    device pixels per pixel (in a worker thread)."""
    from app.reports import charts  # matplotlib: only when charts are drawn

    points = min(max(width / PIXELS_PER_POINT, NARROWEST), WIDEST)
    dpi = 72 * width / points * ratio
    now, parts, trend = report.now, report.breakdowns, report.trend
    figures = {
        "trend": charts.trend_chart(
            "Twelve months",  # the legend beside it names the series
            [m.label for m in trend],
            [m.volume for m in trend],
            [m.backlog for m in trend],
            [m.sla.percent for m in trend],
            width=points,
        ),
        "categories": charts.bar_chart(
            "Tickets by category",
            [name for name, _ in now.volume_by_category],
            [n for _, n in now.volume_by_category],
            width=points,
        ),
        "heat": charts.heat_map(
            "Tickets created by local hour and weekday", parts.heat, width=points
        ),
        "backlog": charts.age_buckets(
            "Backlog at the period's end by age",
            [label for label, _ in parts.backlog_ages],
            [n for _, n in parts.backlog_ages],
            width=points,
        ),
    }
    return Pictures(
        report, {key: charts.as_png(f, dpi=round(dpi)) for key, f in figures.items()}, ratio, width
    )


class ChartView(QWidget):
    """One chart, as wide as the pane and as tall as its shape makes it."""

    def __init__(self, spec: ChartSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"reportChart_{spec.key}", spec.title)
        self.setAccessibleDescription(
            f"Chart: {spec.title}. Its figures are in the report's tables (Export CSV…)."
        )
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.pixmap: QPixmap | None = None

    def set_png(self, png: bytes, ratio: float) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        pixmap.setDevicePixelRatio(ratio)
        self.pixmap = pixmap
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.pixmap = None
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if self.pixmap is None or self.pixmap.isNull():
            return 0
        return round(width * self.pixmap.height() / self.pixmap.width())

    def sizeHint(self) -> QSize:
        if self.pixmap is None:
            return QSize(0, 0)
        size = self.pixmap.deviceIndependentSize().toSize()
        return QSize(size.width(), self.heightForWidth(size.width()))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.pixmap is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(
            QRect(0, 0, self.width(), self.heightForWidth(self.width())), self.pixmap
        )
        painter.end()


class ChartsPane(QScrollArea):
    """The charts of the report on screen (object name ``reportCharts``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "reportCharts", "Charts")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the keyboard scrolls it
        content = QWidget()
        content.setObjectName("reportChartsContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.setSpacing(14)
        self.state = named(
            QLabel("The charts appear here once the figures are read."), "reportChartsState"
        )
        self.state.setWordWrap(True)
        self.state.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(self.state)
        self.views = {spec.key: ChartView(spec, content) for spec in CHARTS}
        for view in self.views.values():
            layout.addWidget(view)
        layout.addStretch(1)
        self.setWidget(content)
        self._draws = StaleGuard()
        self._report: Report | None = None
        self.drawn: Pictures | None = None
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self._draw)
        self.viewport().installEventFilter(self)
        self.on_drawn: Callable[[], None] = lambda: None

    def show_report(self, report: Report) -> None:
        """Draw the charts of ``report`` (the ones on screen stay until they are drawn)."""
        self._report = report
        self._draw()

    def forget(self) -> None:
        """A new report is being read: drawings of the old one are no longer wanted."""
        self._draws.drop_pending()
        self._redraw.stop()

    def chart_width(self) -> int:
        return max(self.viewport().width() - 2 * MARGIN, 200)

    def _draw(self) -> None:
        report = self._report
        if report is None:
            return
        if self.drawn is None or self.drawn.report is not report:
            self.state.setText("Drawing the charts…")
            self.state.show()
        width, ratio = self.chart_width(), self.devicePixelRatioF()
        run_task(
            lambda: draw_charts(report, width, ratio),
            self._drawn,
            lambda error: show_failure(error, self._failed),
            parent=self,
            guard=self._draws,
        )

    def _drawn(self, pictures: Pictures) -> None:
        self.drawn = pictures
        self.state.hide()
        for key, view in self.views.items():
            view.set_png(pictures.png[key], pictures.ratio)
        self.on_drawn()

    def _failed(self, text: str) -> None:
        self.state.setText(f"The charts could not be drawn: {text}")
        self.state.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The pane's width changed much since the charts were drawn: draw them again."""
        if event.type() == QEvent.Type.Resize and self.drawn is not None:
            drawn = self.drawn.width
            if abs(self.chart_width() - drawn) > REDRAW_SHARE * drawn:
                self._redraw.start()
        return False
