"""What the window remembers between runs: its size and place, splitters, column widths.

Kept in an INI file in the user's settings folder (``layout.ini``), through QSettings. A
table's columns are remembered by their titles, and only once a person has dragged one:
widths the program chose for the screen of the day are worked out again next time, so a
table first seen at 1024 px is not stuck at those widths on a wider screen.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from app.config import config_dir

log = logging.getLogger(__name__)

FILE_NAME = "layout.ini"


def layout_settings() -> QSettings:
    """The layout file (made on first save); the folder is looked up each time, so a test
    can point it elsewhere."""
    return QSettings(str(config_dir() / FILE_NAME), QSettings.Format.IniFormat)


def _read_bytes(key: str) -> QByteArray | None:
    value = layout_settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def restore_window(window: QMainWindow, key: str) -> bool:
    """Size and place as last time; False when there is nothing (valid) to restore."""
    geometry = _read_bytes(f"{key}/geometry")
    return geometry is not None and window.restoreGeometry(geometry)


def save_window(window: QMainWindow, key: str) -> None:
    layout_settings().setValue(f"{key}/geometry", window.saveGeometry())


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore the splitter's sizes now and keep them whenever the person moves it."""
    state = _read_bytes(f"splitters/{key}")
    if state is not None:
        splitter.restoreState(state)
    splitter.splitterMoved.connect(
        lambda _pos, _index: layout_settings().setValue(f"splitters/{key}", splitter.saveState())
    )


class _ColumnMemory(QObject):
    """Saves the widths of a header's columns after each drag (a mouse release on it)."""

    def __init__(self, header: QHeaderView, key: str) -> None:
        super().__init__(header)
        self._header = header
        self._key = f"columns/{key}"
        header.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease:
            QTimer.singleShot(0, self, self.save)  # once the resize is done
        return False

    def titles(self) -> list[str]:
        model = self._header.model()
        if model is None:
            return []
        orientation = Qt.Orientation.Horizontal
        return [str(model.headerData(i, orientation)) for i in range(self._header.count())]

    def save(self) -> None:
        widths = {
            title: self._header.sectionSize(index)
            for index, title in enumerate(self.titles())
            if self._header.sectionResizeMode(index) == QHeaderView.ResizeMode.Interactive
        }
        layout_settings().setValue(self._key, json.dumps(widths))

    def restore(self) -> None:
        try:
            widths = json.loads(str(layout_settings().value(self._key, "{}")))
        except ValueError:
            log.warning("Remembered column widths of %s are unreadable; ignored", self._key)
            return
        if not isinstance(widths, dict):
            return
        for index, title in enumerate(self.titles()):
            width = widths.get(title)
            interactive = (
                self._header.sectionResizeMode(index) == QHeaderView.ResizeMode.Interactive
            )
            if isinstance(width, int) and width > 0 and interactive:
                self._header.resizeSection(index, width)


def remember_columns(header: QHeaderView, key: str) -> None:
    """Give the columns the widths a person last dragged them to, and keep new ones. Call
    it after the table sets its own widths: a remembered width wins."""
    _ColumnMemory(header, key).restore()
