"""The desktop notification of new items on the manager's attention list: a message from
the system tray where the desktop has one, else the window's status bar. Clicking the
message opens the list (``open_requested``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

if TYPE_CHECKING:
    from app.attention.items import AttentionEntry

TITLE = "Switchboard: manager's attention"
SHOWN_MS = 15_000  # long enough to read two lines; the list keeps them anyway
NAMED = 3  # items named in one message; the rest are counted


def notification_text(entries: Sequence[AttentionEntry]) -> str:
    """ "HQ-000123: P1 open for 47 minutes" for one item; for several the first few and how
    many more, then the key that opens the list."""
    lines = [f"{e.reference}: {e.reason}" for e in entries[:NAMED]]
    if len(entries) > NAMED:
        lines.append(f"and {len(entries) - NAMED} more")
    head = "1 new item" if len(entries) == 1 else f"{len(entries)} new items"
    return f"{head} on the attention list (F9):\n" + "\n".join(lines)


class AttentionTray(QObject):
    open_requested = Signal()

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("attentionTray")
        self._window = window
        self.icon: QSystemTrayIcon | None = None
        self.last_text = ""

    def tell(self, entries: Sequence[AttentionEntry]) -> None:
        """Notify of ``entries`` the way the desktop allows."""
        self.last_text = notification_text(entries)
        icon = self._tray()
        if icon is None:
            self._window.statusBar().showMessage(self.last_text.replace("\n", " "), SHOWN_MS)
            return
        icon.showMessage(TITLE, self.last_text, QSystemTrayIcon.MessageIcon.Warning, SHOWN_MS)

    def _tray(self) -> QSystemTrayIcon | None:
        if self.icon is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(self._window.windowIcon(), self)
            self.icon.setToolTip("Switchboard")
            self.icon.messageClicked.connect(self.open_requested)
            self.icon.activated.connect(lambda _reason: self.open_requested.emit())
            self.icon.show()
        return self.icon
