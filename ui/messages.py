"""One-line messages inside a dialog: what went wrong, or what was done.

A wrapped, selectable plain-text label that takes no room until it has something to say,
so a dialog can keep one for problems and one for results without empty gaps.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ui.ticket_form import named


def message_label(name: str, accessible: str, colour: str) -> QLabel:
    """A hidden message line in ``colour`` (red for problems, green for results)."""
    label = named(QLabel(), name, accessible)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"color: {colour};")
    label.hide()
    return label


def show_message(label: QLabel, text: str) -> None:
    """Show ``text`` in ``label``; an empty text hides the line."""
    label.setText(text)
    label.setVisible(bool(text))


def plural(count: int, word: str) -> str:
    """ "1 caller", "3 callers" (regular plurals only: the words are the program's own)."""
    return f"{count} {word if count == 1 else word + 's'}"
