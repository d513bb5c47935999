"""The table model of a short list answered whole: a few dozen rows read in one call (the
dashboard's lists, detection's candidates, the attention list, an agenda), held by the
model, with no paging. Long tables use the SQL-paged model (:mod:`ui.kit.paged_model`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel, Generic[T]):
    """``rows`` under the column ``titles``; a subclass says what each cell shows
    (``data``)."""

    titles: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        """Show ``rows``; the same rows again change nothing on screen."""
        if list(rows) == self.rows:
            return
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def item(self, row: int) -> T | None:
        """The row numbered ``row``; None past either end (no current row is -1)."""
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def item_at(self, index: AnyIndex) -> T | None:
        return self.item(index.row()) if index.isValid() else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.titles)
        ):
            return self.titles[section]
        return None
