"""The month grid's day cell (ui/maintenance/month.py), painted by its delegate onto a
recording painter: a day says how many of its occurrences it has no room for beside its
number, and every line below holds an occurrence."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.maintenance.calendar import Occurrence, Status
from ui.maintenance.month import DayDelegate, DaysGrid, DaysModel

MONDAY = date(2026, 11, 30)


class Recording(QPainter):
    """A painter that keeps the texts it is asked to draw."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:
        self.texts.append(str(args[-1]))
        super().drawText(*args)


def _at(hour: int) -> Occurrence:
    starts = datetime(2026, 12, 2, hour, tzinfo=UTC)
    return Occurrence(
        uuid.uuid4(), starts, starts, starts + timedelta(minutes=30), Status.SCHEDULED,
        f"Check {hour:02d}", "", "HQ", uuid.uuid4(), "UTC", "", "", None, None,
    )  # fmt: skip


def _painted(qtbot: QtBot, occurrences: list[Occurrence], height: int) -> list[str]:
    model = DaysModel()
    grid = DaysGrid(model)
    qtbot.addWidget(grid)
    model.show(MONDAY, 6, 12, {date(2026, 12, 2): occurrences}, MONDAY)
    option = QStyleOptionViewItem()
    option.initFrom(grid)
    option.rect = QRect(0, 0, 240, height)
    image = QImage(240, height, QImage.Format.Format_ARGB32)
    painter = Recording(image)
    delegate = grid.itemDelegate()
    assert isinstance(delegate, DayDelegate)
    delegate.paint(painter, option, model.index_of(date(2026, 12, 2)))
    painter.end()
    return painter.texts


def test_a_full_day_says_how_many_more_beside_its_number(qtbot: QtBot) -> None:
    line = DaysGrid(DaysModel()).fontMetrics().height() + 1
    texts = _painted(qtbot, [_at(hour) for hour in range(10)], 6 + line * 4)  # room for three
    assert texts == [
        "2",
        "+7 more",
        "○ 00:00 HQ Check 00",
        "○ 01:00 HQ Check 01",
        "○ 02:00 HQ Check 02",
    ]


def test_a_day_with_room_for_all_lists_them_all(qtbot: QtBot) -> None:
    line = DaysGrid(DaysModel()).fontMetrics().height() + 1
    texts = _painted(qtbot, [_at(hour) for hour in range(3)], 6 + line * 4)
    assert texts == ["2", "○ 00:00 HQ Check 00", "○ 01:00 HQ Check 01", "○ 02:00 HQ Check 02"]
