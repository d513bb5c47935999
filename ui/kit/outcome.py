"""How a page's last action went, said under its buttons: a result in green or a problem in
red, never both; and the way a page opens a :class:`~ui.kit.write_dialog.WriteDialog` and
hears what it did."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout

from ui.kit.errors import show_failure
from ui.kit.widgets import GREEN, RED, message_label, show_message
from ui.kit.write_dialog import WriteDialog


class OutcomeLines:
    """The two message lines of a page (object names ``<prefix>Problem``, ``<prefix>Result``)."""

    def __init__(self, prefix: str) -> None:
        self.problem = message_label(f"{prefix}Problem", "Problem", RED)
        self.result = message_label(f"{prefix}Result", "Done", GREEN)

    def add_to(self, layout: QBoxLayout) -> None:
        layout.addWidget(self.problem)
        layout.addWidget(self.result)

    def tell(self, text: str, *, ok: bool = True) -> None:
        """Say ``text`` as a result (``ok``) or a problem; the other line goes."""
        show_message(self.result, text if ok else "")
        show_message(self.problem, "" if ok else text)

    def failed(self, error: Exception) -> None:
        """A background failure in words (a bug goes to the crash report)."""
        show_failure(error, lambda text: self.tell(text, ok=False))

    def open(self, dialog: WriteDialog, saved: Callable[[uuid.UUID, str], None]) -> None:
        """Open ``dialog``; once it wrote, ``saved(what it was about, what it did)``."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: saved(dialog.subject(), dialog.summary()))
        self.tell("")
        dialog.open()
