"""A list of occurrences as a table: the agenda, the overdue list and the next 14 days.

The lists are short (a month of one calendar, or what is owed), answered whole by one call,
so the model holds them; the calendar never pages these.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QTableView, QWidget

from app.maintenance.calendar import Occurrence
from ui.kit.widgets import fit_columns, named
from ui.maintenance.month import AWAY, INK, MOVED

COLUMNS = ("When", "Status", "Task", "Site", "Owner", "Impact")
WHEN, STATUS, TASK, SITE, OWNER, IMPACT = range(len(COLUMNS))
SAMPLES = {
    WHEN: "Tue 01 Dec 2026 22:00–23:00 ↷",
    STATUS: "✓! Done late",
    TASK: "Active Directory stale account review",
    SITE: "HQ",
    OWNER: "Bob Tech (Network) ⚑ on leave",
}


def when_text(occurrence: Occurrence) -> str:
    """ "Tue 01 Dec 2026 22:00–23:00" on the site's clock, "↷" when moved."""
    starts, ends = occurrence.local(occurrence.starts_at), occurrence.local(occurrence.ends_at)
    end = f"{ends:%H:%M}" if ends.date() == starts.date() else f"{ends:%a %d %b %H:%M}"
    moved = f" {MOVED}" if occurrence.moved else ""
    return f"{starts:%a %d %b %Y %H:%M}–{end}{moved}"


class OccurrenceTable(QAbstractTableModel):
    """Occurrences, one a row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Occurrence] = []

    def set_rows(self, rows: list[Occurrence]) -> None:
        """Show ``rows``; the same rows again change nothing on screen."""
        if rows == self.rows:
            return
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def occurrence(self, index: QModelIndex | QPersistentModelIndex) -> Occurrence | None:
        return self.rows[index.row()] if index.isValid() else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if not index.isValid():
            return None
        occurrence = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(occurrence, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            return QBrush(INK[occurrence.status])
        if role == Qt.ItemDataRole.ToolTipRole and column == OWNER and occurrence.owner_away:
            return "The owner has leave or sick leave during the window (from the roster)."
        return None

    @staticmethod
    def _text(occurrence: Occurrence, column: int) -> str:
        if column == WHEN:
            return when_text(occurrence)
        if column == STATUS:
            return f"{occurrence.status.symbol} {occurrence.status.label}"
        if column == TASK:
            return occurrence.title
        if column == SITE:
            return occurrence.site_code
        if column == OWNER:
            return occurrence.owner + (f" {AWAY} on leave" if occurrence.owner_away else "")
        return occurrence.impact

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


def occurrence_view(parent: QWidget, name: str, accessible: str) -> QTableView:
    """A read-only table of an :class:`OccurrenceTable`, one row selected at a time."""
    model = OccurrenceTable(parent)
    table = named(QTableView(parent), name, accessible)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    fit_columns(table, SAMPLES, lambda column: COLUMNS[column], IMPACT)
    return table
