"""What the window remembers between runs (ui/kit/remembered.py): a splitter a person
dragged, and column widths they set, never widths the program chose."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QTableView
from pytestqt.qtbot import QtBot

from ui.kit.remembered import ColumnWidths, layout_settings, remember_columns, remember_splitter


def splitter_of(qtbot: QtBot) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Horizontal)
    qtbot.addWidget(splitter)
    splitter.addWidget(QLabel("left"))
    splitter.addWidget(QLabel("right"))
    splitter.resize(600, 200)
    splitter.setSizes([300, 300])
    remember_splitter(splitter, "test")
    splitter.show()
    return splitter


def test_a_splitter_dragged_by_a_person_opens_where_they_left_it(qtbot: QtBot) -> None:
    first = splitter_of(qtbot)
    handle = first.handle(1)
    middle = QPoint(handle.width() // 2, handle.height() // 2)
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=middle)
    qtbot.mouseMove(handle, middle + QPoint(-120, 0))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=middle + QPoint(-120, 0))
    left = first.sizes()[0]
    assert left < 250

    again = splitter_of(qtbot)

    assert again.sizes()[0] == left


def table_of(qtbot: QtBot) -> QTableView:
    table = QTableView()
    qtbot.addWidget(table)
    model = QStandardItemModel(0, 3, table)
    model.setHorizontalHeaderLabels(["Time", "Caller", "Number"])
    table.setModel(model)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.resizeSection(0, 80)  # the program's own width, before the remembered one
    remember_columns(header, "test")
    return table


def test_a_width_a_person_set_is_kept_by_column_title(qtbot: QtBot) -> None:
    first = table_of(qtbot)
    first.horizontalHeader().resizeSection(0, 140)

    again = table_of(qtbot)

    assert again.horizontalHeader().sectionSize(0) == 140
    assert set(ColumnWidths("test").load()) == {"Time"}  # not the stretching Caller column


def test_unreadable_remembered_widths_are_ignored(qtbot: QtBot) -> None:
    layout_settings().setValue("columns/test", "{not json")

    table = table_of(qtbot)

    assert table.horizontalHeader().sectionSize(0) == 80
