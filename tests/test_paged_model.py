"""The one SQL-paged table model, with a query object of its own (not the queue's): any
feature's rows, columns and sort orders work through it alike."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import NOW, drain_tasks
from ui.kit.paged_model import ColumnSpec, IdRole, LoadingRole, PagedTableModel, RowRole


@dataclass(frozen=True)
class Shift:
    """A row as a roster might page them."""

    id: uuid.UUID
    person: str
    starts: datetime


class Shifts:
    """A query object over a list: counts, pages and a change token, as app/ code gives."""

    def __init__(self, count: int) -> None:
        self.rows = [
            Shift(uuid.uuid4(), f"Person {n:02d}", NOW + timedelta(hours=n)) for n in range(count)
        ]
        self.pages: list[int] = []

    def _matching(self, f: str) -> list[Shift]:
        return [row for row in self.rows if f in row.person]

    def count(self, f: str, now: datetime) -> int:
        return len(self._matching(f))

    def page(
        self, f: str, sort: bool, offset: int, limit: int, *, total: int | None, now: datetime
    ) -> Sequence[Shift]:
        self.pages.append(offset)
        rows = sorted(self._matching(f), key=lambda row: row.starts, reverse=sort)
        return rows[offset : offset + limit]

    def change_token(self) -> Hashable:
        return len(self.rows)

    def depends_on_now(self, f: str) -> bool:
        return False


def _in(row: Shift, now: datetime) -> str:
    hours = int((row.starts - now).total_seconds() // 3600)
    return "now" if hours <= 0 else f"in {hours} h"


COLUMNS = (
    ColumnSpec[Shift, bool]("Person", lambda row, _now: row.person, full_text_tip=True),
    ColumnSpec[Shift, bool](
        "Starts",
        _in,
        sort=lambda descending: descending,
        align_right=True,
        colours=lambda row, now: (QColor("#b71c1c") if row.starts <= now else None, None),
        ticking=True,
    ),
)


@pytest.fixture
def owner(qtbot: QtBot) -> Iterator[QWidget]:
    widget = QWidget()
    yield widget
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _model(owner: QWidget, query: Shifts) -> PagedTableModel[Shift, str, bool]:
    return PagedTableModel(query, COLUMNS, ("", False), owner, page_size=4, poll_ms=0)


def _shown(qtbot: QtBot, model: PagedTableModel[Any, Any, Any]) -> list[str]:
    for row in range(model.rowCount()):
        model.index(row, 0).data()
    qtbot.waitUntil(lambda: all(model.is_loaded(r) for r in range(model.rowCount())))
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_any_query_object_pages_through_the_model(
    qtbot: QtBot, owner: QWidget, qtmodeltester: Any
) -> None:
    query = Shifts(10)
    model = _model(owner, query)
    with qtbot.waitSignals([model.loaded, model.countChanged]):
        model.set_query("Person")
    assert model.rowCount() == 10 and model.count_known
    assert _shown(qtbot, model) == [f"Person {n:02d}" for n in range(10)]
    assert sorted(set(query.pages)) == [0, 4, 8]  # a page at a time
    qtmodeltester.check(model)

    first = model.index(0, 1)
    assert first.data() == "now"
    assert first.data(Qt.ItemDataRole.ForegroundRole) == QColor("#b71c1c")
    assert first.data(Qt.ItemDataRole.TextAlignmentRole) == (
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Person 00"
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(3, 0).data(IdRole) == query.rows[3].id
    assert model.index(3, 0).data(RowRole) == query.rows[3]
    assert model.index(3, 0).data(LoadingRole) is False
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)] == [
        "Person",
        "Starts",
    ]


def test_a_column_sorts_by_its_own_order_and_one_without_an_order_does_not(
    qtbot: QtBot, owner: QWidget
) -> None:
    model = _model(owner, Shifts(6))
    with qtbot.waitSignals([model.loaded, model.countChanged]):
        model.set_query("Person")
    model.sort(1, Qt.SortOrder.DescendingOrder)
    drain_tasks()
    assert model.query_sort is True and model.count_known
    assert _shown(qtbot, model)[0] == "Person 05"
    model.sort(0, Qt.SortOrder.AscendingOrder)  # no order of its own: nothing is asked
    assert model.query_sort is True and not model.is_fetching()


def test_a_filter_is_a_new_query_and_a_refresh_keeps_the_rows_in_place(
    qtbot: QtBot, owner: QWidget
) -> None:
    query = Shifts(8)
    model = _model(owner, query)
    with qtbot.waitSignals([model.loaded, model.countChanged]):
        model.set_query("Person")
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.countChanged):
        model.set_query("Person 0")
    assert resets == [True] and model.rowCount() == 8  # "Person 00" .. "Person 07"

    query.rows.append(Shift(uuid.uuid4(), "Person 08", NOW + timedelta(days=1)))
    with qtbot.waitSignals([model.rowsInserted, model.countChanged]):
        model.refresh()
    assert resets == [True] and model.rowCount() == 9
    assert _shown(qtbot, model)[-1] == "Person 08"
