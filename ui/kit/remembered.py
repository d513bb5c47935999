"""What the window remembers between runs: its size and place, splitters, column widths.

Kept in an INI file in the user's settings folder (``layout.ini``), through QSettings. A
table's columns are remembered by their titles, and only the widths a person set: widths
the program chose for the screen of the day are worked out again next time, so a table
first seen at 1024 px is not stuck at those widths on a wider screen.
"""

from __future__ import annotations

import functools
import json
import logging

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from app.config import config_dir

log = logging.getLogger(__name__)

FILE_NAME = "layout.ini"


def layout_settings() -> QSettings:
    """The layout file (made on first save). The folder is looked up each time, so a test
    can point it elsewhere; each file is opened once, and Qt writes it back by itself."""
    return _settings_at(str(config_dir() / FILE_NAME))


@functools.cache
def _settings_at(path: str) -> QSettings:
    return QSettings(path, QSettings.Format.IniFormat)


def _read_bytes(key: str) -> QByteArray | None:
    value = layout_settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def restore_window(window: QMainWindow, key: str) -> bool:
    """Size and place as last time; False when there is nothing (valid) to restore."""
    geometry = _read_bytes(f"{key}/geometry")
    return geometry is not None and window.restoreGeometry(geometry)


def save_window(window: QMainWindow, key: str) -> None:
    """Keep the size and place, written at once: the program is about to end."""
    settings = layout_settings()
    settings.setValue(f"{key}/geometry", window.saveGeometry())
    settings.sync()


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore the splitter's sizes now and keep them whenever the person moves it."""
    state = _read_bytes(f"splitters/{key}")
    if state is not None:
        splitter.restoreState(state)
    splitter.splitterMoved.connect(
        lambda _pos, _index: layout_settings().setValue(f"splitters/{key}", splitter.saveState())
    )


class ColumnWidths:
    """The widths a person gave a table's columns, by column title."""

    def __init__(self, key: str) -> None:
        self._key = f"columns/{key}"

    def load(self) -> dict[str, int]:
        try:
            widths = json.loads(str(layout_settings().value(self._key, "{}")))
        except ValueError:
            log.warning("Remembered column widths of %s are unreadable; ignored", self._key)
            return {}
        if not isinstance(widths, dict):
            return {}
        return {str(k): v for k, v in widths.items() if isinstance(v, int) and v > 0}

    def keep(self, title: str, width: int) -> None:
        widths = self.load()
        widths[title] = width
        layout_settings().setValue(self._key, json.dumps(widths))


def column_title(header: QHeaderView, index: int) -> str:
    model = header.model()
    return str(model.headerData(index, Qt.Orientation.Horizontal)) if model is not None else ""


def remember_columns(header: QHeaderView, key: str) -> None:
    """For a table that sets its widths once, as it is built: give the columns the widths a
    person last gave them, and keep every width they give one from now on (the stretching
    column is the table's to size)."""
    memory = ColumnWidths(key)
    interactive = QHeaderView.ResizeMode.Interactive
    widths = memory.load()
    for index in range(header.count()):
        width = widths.get(column_title(header, index))
        if width is not None and header.sectionResizeMode(index) == interactive:
            header.resizeSection(index, width)

    def resized(index: int, _old: int, new: int) -> None:
        if new > 0 and header.sectionResizeMode(index) == interactive:
            memory.keep(column_title(header, index), new)

    header.sectionResized.connect(resized)
