"""The strip across the window while a call is on: how long, who, which ticket.

It stays visible on every page (the operator may be in the ticket editor, logging what the
caller says), so the way back to the call (F2) and the way to end it (F8) are always there.
A call that rings while the operator is on another one waits here, visibly, until it is
taken or dismissed: the call in progress is never cut off by the phone.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.kit.widgets import AMBER, named

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
    takeWaitingRequested = Signal()  # end the call on the line (if any), take the waiting one
    dismissWaitingRequested = Signal()  # the waiting caller hung up

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callBar")
        self.setAccessibleName("Call in progress")
        self._on_call = False
        self._waiting: list[str] = []
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
        # The summary gives way first when the window is narrow; its tooltip keeps it whole.
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.back_button = named(QPushButton("Back to call (F2)"), "backToCallButton")
        self.end_button = named(QPushButton("End call (F8)"), "endCallButton")
        self.waiting_label = named(QLabel(), "waitingCall", "Call waiting")
        self.waiting_label.setStyleSheet(f"color: {AMBER}; font-weight: 600;")
        self.take_waiting_button = named(QPushButton(), "takeWaitingButton")
        self.dismiss_waiting_button = named(QPushButton("Dismiss"), "dismissWaitingButton")
        self.dismiss_waiting_button.setToolTip("The waiting caller hung up")
        self.back_button.clicked.connect(self.backRequested)
        self.end_button.clicked.connect(self.endRequested)
        self.take_waiting_button.clicked.connect(self.takeWaitingRequested)
        self.dismiss_waiting_button.clicked.connect(self.dismissWaitingRequested)
        self.call_row = named(QFrame(), "callRow")
        row = QHBoxLayout(self.call_row)
        row.setContentsMargins(12, 5, 12, 5)
        row.addWidget(self.state_label)
        row.addWidget(self.timer_label)
        row.addWidget(self.summary_label, 1)
        row.addWidget(self.back_button)
        row.addWidget(self.end_button)
        self.waiting_row = named(QFrame(), "waitingRow")
        row = QHBoxLayout(self.waiting_row)
        row.setContentsMargins(12, 5, 12, 5)
        row.addWidget(self.waiting_label, 1)
        row.addWidget(self.take_waiting_button)
        row.addWidget(self.dismiss_waiting_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.call_row)
        layout.addWidget(self.waiting_row)
        self.setStyleSheet(
            "QFrame#callRow { background: #e8f5e9; border-bottom: 1px solid #a5d6a7; }"
            "QFrame#waitingRow { background: #fff3e0; border-bottom: 1px solid #ffcc80; }"
        )
        self._show_state()

    def start(self) -> None:
        self._on_call = True
        self._clock.start()
        self._show_time()
        self._tick.start()
        self._show_state()

    def stop(self) -> None:
        self._on_call = False
        self._tick.stop()
        self._show_state()

    def set_waiting(self, numbers: list[str]) -> None:
        """The calls ringing while the operator is busy, the one to take next first."""
        self._waiting = list(numbers)
        self._show_state()

    def _show_state(self) -> None:
        """A green row while on a call, an amber one while calls wait; hidden when idle."""
        waiting, on_call = self._waiting, self._on_call
        self.call_row.setVisible(on_call)
        self.waiting_row.setVisible(bool(waiting))
        if waiting:
            more = f" (+{len(waiting) - 1} more)" if len(waiting) > 1 else ""
            self.waiting_label.setText(f"☎ Waiting: {waiting[0] or 'unknown number'}{more}")
            self.take_waiting_button.setText(
                "End this call, take the waiting one" if on_call else "Take waiting call (F2)"
            )
        self.setVisible(on_call or bool(waiting))

    def seconds(self) -> int:
        return int(self._clock.elapsed() // 1000) if self._clock.isValid() else 0

    def set_summary(self, number: str, caller: str, ticket: str) -> None:
        """ "· +44 20 7946 0018 · Alice Müller · HQ-000123" (the parts that are known)."""
        parts = [part for part in (number, caller or "caller not chosen yet", ticket) if part]
        self.summary_label.setText(" · ".join(parts))
        self.summary_label.setToolTip(self.summary_label.text())

    def _show_time(self) -> None:
        self.timer_label.setText(elapsed_text(self.seconds()))
