"""Who is on now: at each site, who is at the desk and who is on call, with their phones, and
who comes to the desk next today (:func:`app.roster.on_now.on_now`).

:class:`OnNowWatch` reads it off the GUI thread, on demand and every minute while the widget
it serves is on screen (only the newest answer counts); :class:`OnNowPanel` shows it site by
site for the roster, and the call desk shows the same answer as a line per site. The interval
is an option, so tests read only when they ask.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.context import AppContext
from app.roster.on_now import OnDuty, SiteOnNow, on_now
from ui.kit.errors import show_failure
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import MUTED, RED, named, page_button, show_message

ON_NOW_MS = 60_000  # who is on changes by the minute at most: shifts start on the clock
SITE_COLUMN_CHARACTERS = 44  # a site's column: "On call: Mia Manager (07700 900123) until 12:00"


class OnNowWatch(QObject):
    """Reads who is on now: :meth:`refresh` at once, and every ``interval_ms`` (0: never)
    while ``owner`` is visible. The answer comes as :attr:`read`, a failure in words as
    :attr:`failed`."""

    read = Signal(object)  # tuple[SiteOnNow, ...], by site code
    failed = Signal(str)

    def __init__(self, engine: Engine, owner: QWidget, interval_ms: int = ON_NOW_MS) -> None:
        super().__init__(owner)
        self._engine, self._owner = engine, owner
        self._reads = StaleGuard()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        if interval_ms > 0:
            self._timer.start()

    def refresh(self) -> None:
        engine = self._engine
        run_task(
            lambda: on_now(engine),
            self.read.emit,
            lambda error: show_failure(error, self.failed.emit),
            parent=self,
            guard=self._reads,
        )

    def _tick(self) -> None:
        if self._owner.isVisible():
            self.refresh()


def duty_list(duties: tuple[OnDuty, ...]) -> str:
    """ "Ann Operator (020 7946 0000) until 15:00, …", or "nobody"."""
    return ", ".join(duty.text for duty in duties) or "nobody"


def site_rows(site: SiteOnNow) -> list[tuple[str, str]]:
    """One site's entry, a (title, text) line each: the desk, on call, and the next at the
    desk today (left out when nobody comes)."""
    rows = [("At the desk", duty_list(site.at_desk)), ("On call", duty_list(site.on_call))]
    if site.next:
        rows.append(("Next", ", ".join(f"{d.name} from {d.starts}" for d in site.next)))
    return rows


def site_text(site: SiteOnNow) -> str:
    """The entry as plain text, for a screen reader: "HQ Head office" and a line a row."""
    lines = (f"{title}: {text}" for title, text in site_rows(site))
    return "\n".join((f"{site.site_code} {site.site_name}", *lines))


def site_html(site: SiteOnNow) -> str:
    """The entry as the panel shows it: the site's code in bold, the titles muted."""
    lines = "".join(
        f"<br><span style='color:{MUTED}'>{title}:</span> {html.escape(text)}"
        for title, text in site_rows(site)
    )
    return f"<b>{html.escape(site.site_code)}</b> {html.escape(site.site_name)}{lines}"


class OnNowPanel(QWidget):
    """Who is on now at each site (object name ``onNowPanel``), read when it comes into
    view, every minute while it is, and by :meth:`refresh` (its Refresh button, the page's
    F5)."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, interval_ms: int = ON_NOW_MS
    ) -> None:
        super().__init__(parent)
        named(self, "onNowPanel", "Who is on now")
        self.sites: tuple[SiteOnNow, ...] = ()
        self.watch = OnNowWatch(context.engine, self, interval_ms)
        self.watch.read.connect(self._show)
        self.watch.failed.connect(self._failed)
        title = QLabel("On now")
        title.setStyleSheet("font-weight: 600;")
        self.refresh_button = page_button(
            self, "Refresh", "refreshOnNow", "Read who is on now again", self.refresh
        )
        self.problem = named(QLabel(), "onNowProblem", "Problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {RED};")
        self.problem.hide()
        self._site_labels: list[QLabel] = []
        self._per_row = 0  # sites side by side, as last laid out
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(24)
        self._grid.setVerticalSpacing(10)
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._grid)
        column.addStretch(1)
        area = named(QScrollArea(self), "onNowScroll")
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(host)
        header = QHBoxLayout()
        header.addWidget(title, 1)
        header.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.problem)
        layout.addWidget(area, 1)

    def showEvent(self, event: QShowEvent) -> None:
        """Read on coming into view (a tab chosen, the page shown): the minute's timer reads
        only while the panel is visible, so what a hidden panel holds may be old."""
        super().showEvent(event)
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def refresh(self) -> None:
        """Read who is on now again."""
        self.watch.refresh()

    def site_texts(self) -> list[str]:
        """What each site's entry says, as plain text (for a screen reader and the tests)."""
        return [label.accessibleDescription() for label in self._site_labels[: len(self.sites)]]

    def _show(self, sites: tuple[SiteOnNow, ...]) -> None:
        self.sites = sites
        show_message(self.problem, "")
        if len(self._site_labels) < len(sites):
            while len(self._site_labels) < len(sites):
                label = named(QLabel(), f"onNowSite{len(self._site_labels)}")
                label.setWordWrap(True)
                label.setTextFormat(Qt.TextFormat.RichText)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self._site_labels.append(label)
            self._arrange(again=True)
        for number, label in enumerate(self._site_labels):
            site = sites[number] if number < len(sites) else None
            label.setVisible(site is not None)
            if site is not None:
                label.setText(site_html(site))
                label.setAccessibleName(f"On now at {site.site_code}")
                label.setAccessibleDescription(site_text(site))

    def _arrange(self, *, again: bool = False) -> None:
        """Sites side by side where the width allows, each in a column wide enough for its
        lines to read unbroken; one under the other in a narrow panel."""
        column = self.fontMetrics().averageCharWidth() * SITE_COLUMN_CHARACTERS
        per_row = max(1, self.width() // column)
        if per_row == self._per_row and not again:
            return
        self._per_row = per_row
        for label in self._site_labels:
            self._grid.removeWidget(label)
        for number, label in enumerate(self._site_labels):
            self._grid.addWidget(label, number // per_row, number % per_row)
        for number in range(self._grid.columnCount()):
            self._grid.setColumnStretch(number, 1 if number < per_row else 0)

    def _failed(self, text: str) -> None:
        show_message(self.problem, f"Who is on now could not be read: {text}")
