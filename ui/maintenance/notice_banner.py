"""The notices banner the queue and the call desk show: open major incidents and planned
maintenance running now or starting within the hour (:func:`app.maintenance.notices.notices`).

One compact line a notice, a symbol and a word before each so it reads without colour (⚠
Major incident, ⚒ Maintenance now, ◔ Maintenance soon); the strip is red while a major
incident is open, amber for maintenance alone, and hidden when there is nothing to say. At
most :data:`SHOWN_LINES` lines, then "+N more", which shows them all.

It reads off the GUI thread (:func:`ui.kit.tasks.run_task`, the newest answer only) when
asked (:meth:`NoticeBanner.refresh`: the page is shown, F5) and every :data:`NOTICE_MS`
while the page that holds it is on screen. A read that fails keeps the lines shown and is
logged: the banner is not worth a dialog every half minute.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.context import AppContext
from app.maintenance.notices import Notice, NoticeKind, notices
from models.clock import utcnow
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import named

log = logging.getLogger(__name__)

NOTICE_MS = 30_000  # a window starts on the minute; a declared incident shows within 30 s
SHOWN_LINES = 3
# (background, border, text) of the strip: an open major incident, or maintenance only.
INCIDENT_COLOURS = ("#fdecea", "#e57373", "#b71c1c")
MAINTENANCE_COLOURS = ("#fff4e5", "#ffb74d", "#8a4b00")


class NoticeBanner(QFrame):
    """The strip of current notices (object name ``name``); hidden while there are none.
    ``interval_ms`` 0 reads only when asked (the tests)."""

    changed = Signal(object)  # tuple[Notice, ...], after each read that was delivered

    def __init__(
        self,
        context: AppContext,
        owner: QWidget,
        name: str = "noticeBanner",
        interval_ms: int = NOTICE_MS,
    ) -> None:
        super().__init__()
        named(self, name, "Notices")
        self._engine, self._owner = context.engine, owner
        self._reads = StaleGuard()
        self._notices: tuple[Notice, ...] = ()
        self._expanded = False
        self.lines = named(QLabel(), f"{name}Lines", "Notices")
        self.lines.setTextFormat(Qt.TextFormat.RichText)  # every user text is escaped
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more_button = named(QPushButton(), f"{name}More", "Show every notice")
        self.more_button.setFlat(True)
        self.more_button.setAutoDefault(False)
        self.more_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.more_button.clicked.connect(self._toggle)
        column = QVBoxLayout()
        column.setSpacing(0)
        column.addWidget(self.lines)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addLayout(column, 1)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignBottom)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        if interval_ms > 0:
            self._timer.start()
        self.hide()

    @property
    def notices(self) -> tuple[Notice, ...]:
        return self._notices

    def refresh(self) -> None:
        """Read the notices again, off the GUI thread."""
        engine = self._engine
        run_task(
            lambda: notices(engine, utcnow()),
            self.show_notices,
            lambda error: log.warning("The notices could not be read: %s", error),
            parent=self,
            guard=self._reads,
        )

    def show_notices(self, found: list[Notice] | tuple[Notice, ...]) -> None:
        """Show ``found`` (hidden when empty)."""
        self._notices = tuple(found)
        if not found:
            self._expanded = False
            self.hide()
            self.changed.emit(self._notices)
            return
        incident = any(n.kind is NoticeKind.MAJOR_INCIDENT for n in found)
        background, border, text = INCIDENT_COLOURS if incident else MAINTENANCE_COLOURS
        name = self.objectName()
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 4px; }} QFrame#{name} QLabel {{ color: {text}; }}"
            f" QPushButton#{name}More {{ color: {text}; text-decoration: underline;"
            " border: none; padding: 0 4px; }"
        )
        self._fill()
        self.show()
        self.changed.emit(self._notices)

    def _fill(self) -> None:
        every = [n.line for n in self._notices]
        hidden = len(every) - SHOWN_LINES
        # "+N more" takes a line of its own place: 4 notices show 2 lines and "+2 more"
        # would hide less than it costs, so up to SHOWN_LINES + 1 show in full.
        folded = hidden > 1 and not self._expanded
        shown = every[:SHOWN_LINES] if folded else every
        self.lines.setText(
            "<br>".join(
                f"<b>{html.escape(line)}</b>" if n.active else html.escape(line)
                for line, n in zip(shown, self._notices, strict=False)
            )
        )
        self.setAccessibleDescription("\n".join(every))
        self.setToolTip("\n".join(every) if folded else "")
        if hidden > 1:
            self.more_button.setText("Fewer" if self._expanded else f"+{hidden} more")
            self.more_button.setAccessibleName(
                "Show fewer notices" if self._expanded else f"Show {hidden} more notices"
            )
        self.more_button.setVisible(hidden > 1)

    def _toggle(self) -> None:
        self._expanded = not self._expanded
        self._fill()

    def _tick(self) -> None:
        if self._owner.isVisible():
            self.refresh()
