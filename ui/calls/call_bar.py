"""The strip across the window while a call is on: how long, who, which ticket.

It stays visible on every page (the operator may be in the ticket editor, logging what the
caller says), so the way back to the call (F2) and the way to end it (F8) are always there.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.kit.widgets import named

TICK_MS = 1000


def elapsed_text(seconds: int) -> str:
    """ "04:07", or "1:02:09" past an hour."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


class CallBar(QFrame):
    """Object name ``callBar``; hidden until :meth:`start`."""

    backRequested = Signal()
    endRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callBar")
        self.setAccessibleName("Call in progress")
        self.setStyleSheet(
            "QFrame#callBar { background: #e8f5e9; border-bottom: 1px solid #a5d6a7; }"
        )
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._show_time)
        self.state_label = named(QLabel("● On a call"), "callState")
        self.state_label.setStyleSheet("color: #2e7d32; font-weight: 600;")
        self.timer_label = named(QLabel("00:00"), "callTimer")
        self.timer_label.setAccessibleName("Call duration")
        self.timer_label.setStyleSheet("font-weight: 600; font-family: monospace;")
        self.summary_label = named(QLabel(), "callSummary")
        self.back_button = named(QPushButton("Back to call (F2)"), "backToCallButton")
        self.end_button = named(QPushButton("End call (F8)"), "endCallButton")
        self.back_button.clicked.connect(self.backRequested)
        self.end_button.clicked.connect(self.endRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 5, 12, 5)
        layout.addWidget(self.state_label)
        layout.addWidget(self.timer_label)
        layout.addWidget(self.summary_label, 1)
        layout.addWidget(self.back_button)
        layout.addWidget(self.end_button)
        self.hide()

    def start(self) -> None:
        self._clock.start()
        self._show_time()
        self._tick.start()
        self.show()

    def stop(self) -> None:
        self._tick.stop()
        self.hide()

    def seconds(self) -> int:
        return int(self._clock.elapsed() // 1000) if self._clock.isValid() else 0

    def set_summary(self, number: str, caller: str, ticket: str) -> None:
        """ "· +44 20 7946 0018 · Alice Müller · HQ-000123" (the parts that are known)."""
        parts = [part for part in (number, caller or "caller not chosen yet", ticket) if part]
        self.summary_label.setText(" · ".join(parts))

    def _show_time(self) -> None:
        self.timer_label.setText(elapsed_text(self.seconds()))
