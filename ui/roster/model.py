"""The roster grid's table model: a :class:`~app.roster.week.RosterWeek` as people (rows) by
the seven days of the week (columns), each cell the person's shifts that day.

The row header names the person with their planned hours against their contract (a week
over contract is marked ⚠, never by colour alone); a column header names its day and says
"today" on today. A cell gives its shifts (:attr:`Role.SHIFTS`) for the delegate to paint,
and the conflicts marking it (:attr:`Role.CONFLICTS`); its text and tooltip say the same in
words. A cell with shifts can be dragged onto another one: the model only says so
(:attr:`RosterModel.dropped`), the page writes the move or the copy.

A week read again with the same people is put in place (``dataChanged``), so the current
cell and the scroll position stay while a person steps from week to week; other people
reset the model.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from app.roster.conflicts import duration_text
from app.roster.local_time import day_text
from app.roster.week import RosterRow, RosterShift, RosterWeek
from app.staff import hours_text

SHIFTS_MIME = "application/x-switchboard-shifts"
TODAY_TINT = QColor("#fff8e1")
Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    SHIFTS = Qt.ItemDataRole.UserRole + 1  # tuple[RosterShift, ...], by start
    CONFLICTS = Qt.ItemDataRole.UserRole + 2  # tuple[str, ...]: conflicts marking the cell
    HOME_SITE = Qt.ItemDataRole.UserRole + 3  # the person's home site code ("" for none)


# The roles :meth:`RosterModel.data` answers; the view asks each visible cell for a dozen at
# every paint, and the others are turned away before any work.
ANSWERED = frozenset(
    {
        *Role,
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
    }
)
# A cell's flags, worked out once (the view asks each visible cell at every paint): anyone
# selects a day; an editor drops shifts on any day and drags them from a day that has some.
READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
DROP_TARGET = READ_ONLY | Qt.ItemFlag.ItemIsDropEnabled
DRAGGABLE = DROP_TARGET | Qt.ItemFlag.ItemIsDragEnabled


@dataclass(frozen=True)
class Cell:
    """One person's day on the grid."""

    staff_id: uuid.UUID
    name: str
    home_site: str  # code, "" for none
    day: date
    shifts: tuple[RosterShift, ...]

    @property
    def where(self) -> str:
        """ "Bob Tech, Tue 24 Nov"."""
        return f"{self.name}, {day_text(self.day)}"


def over_contract(row: RosterRow) -> bool:
    return row.contracted_minutes is not None and row.planned_minutes > row.contracted_minutes


def hours_line(row: RosterRow) -> str:
    """A person's week in hours, short enough for the row header: "16 of 37.5 h",
    "⚠ 45 of 40 h" (over contract), "8 h planned" (no contract)."""
    planned = hours_text(row.planned_minutes) or "0"
    if row.contracted_minutes is None:
        return f"{planned} h planned"
    return (
        f"{'⚠ ' if over_contract(row) else ''}{planned} of {hours_text(row.contracted_minutes)} h"
    )


def hours_words(row: RosterRow) -> str:
    """The same in words: "45 h planned of the 40 h contracted (over contract)"."""
    planned = f"{duration_text(row.planned_minutes)} planned"
    if row.contracted_minutes is None:
        return f"{planned}, no contracted hours on record"
    said = f"{planned} of the {duration_text(row.contracted_minutes)} contracted"
    return said + (" (over contract)" if over_contract(row) else "")


def shift_line(shift: RosterShift, home_site: str) -> str:
    """A shift as its cell says it: "Desk early 07:00-15:00", "On call 17:00-08:00 at NY"
    (the site only where it is not the person's home site), "Leave all day"."""
    away = f" at {shift.site_code}" if shift.site_code != home_site else ""
    return f"{shift.type_name} {hours_of(shift)}{away}"


def hours_of(shift: RosterShift) -> str:
    """ "07:00-15:00"; "all day" for a whole day (leave, sickness)."""
    return "all day" if shift.starts == shift.ends == "00:00" else f"{shift.starts}-{shift.ends}"


class RosterModel(QAbstractTableModel):
    """People by days of one roster week; empty until :meth:`set_week`."""

    # A drag of a cell's shifts onto another cell: the cell dragged, the cell dropped on, and
    # whether it is a copy (Ctrl held) rather than a move.
    dropped = Signal(object, object, bool)

    def __init__(self, editable: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editable = editable
        self._week: RosterWeek | None = None
        self._days: tuple[date, ...] = ()  # the week's, worked out once: every cell asks
        self._today: date | None = None
        self._conflicts: dict[tuple[uuid.UUID, date], tuple[str, ...]] = {}

    @property
    def week(self) -> RosterWeek | None:
        return self._week

    def set_week(self, week: RosterWeek, today: date) -> None:
        """Show ``week``; ``today`` is marked when the week has it."""
        same_people = self._week is not None and [r.staff_id for r in self._week.rows] == [
            r.staff_id for r in week.rows
        ]
        if not same_people:
            self.beginResetModel()
        self._week, self._days, self._today = week, week.days, today
        found: dict[tuple[uuid.UUID, date], list[str]] = defaultdict(list)
        for conflict in week.conflicts:
            for day in conflict.days:
                found[(conflict.staff_id, day)].append(conflict.message)
        self._conflicts = {key: tuple(messages) for key, messages in found.items()}
        if not same_people:
            self.endResetModel()
            return
        if week.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(week.rows) - 1, 6))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(week.rows) - 1)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 6)

    def cell(self, index: Index) -> Cell | None:
        """The person's day at ``index``; None off the grid."""
        if self._week is None or not index.isValid():
            return None
        row = self._week.rows[index.row()]
        return Cell(
            row.staff_id,
            row.name,
            row.home_site,
            self._days[index.column()],
            row.days[index.column()],
        )

    def index_of(self, staff_id: uuid.UUID, day: date) -> QModelIndex:
        """The cell of ``staff_id`` on ``day``; invalid when either is not on the grid."""
        if self._week is None or day not in self._days:
            return QModelIndex()
        row = next((n for n, r in enumerate(self._week.rows) if r.staff_id == staff_id), -1)
        return self.index(row, self._days.index(day)) if row >= 0 else QModelIndex()

    # -- the table ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self._week is None else len(self._week.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self._week is None else 7

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # The roles the delegate paints from are answered without building a Cell.
        if self._week is None or not index.isValid() or role not in ANSWERED:
            return None
        row, day = self._week.rows[index.row()], self._days[index.column()]
        if role == Role.SHIFTS:
            return row.days[index.column()]
        if role == Role.CONFLICTS:
            return self._conflicts.get((row.staff_id, day), ())
        if role == Role.HOME_SITE:
            return row.home_site
        if role == Qt.ItemDataRole.BackgroundRole:
            return TODAY_TINT if day == self._today else None
        cell = self.cell(index)
        assert cell is not None
        conflicts = self._conflicts.get((cell.staff_id, cell.day), ())
        if role == Qt.ItemDataRole.DisplayRole:
            return "\n".join(shift_line(s, cell.home_site) for s in cell.shifts)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            said = "; ".join(shift_line(s, cell.home_site) for s in cell.shifts) or "no shift"
            return f"{cell.where}: {said}" + "".join(f"; conflict: {c}" for c in conflicts)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                [
                    cell.where,
                    *(s.label + (f" ({s.note})" if s.note else "") for s in cell.shifts),
                    *(f"⚠ {c}" for c in conflicts),
                ]
            )
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if self._week is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < 7:
                return None
            day = self._days[section]
            today = day == self._today
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{day:%a}{' · today' if today else ''}\n{day.day} {day:%b}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{day:%A %d %B %Y}{' (today)' if today else ''}"
            return None
        if not 0 <= section < len(self._week.rows):
            return None
        row = self._week.rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.name}\n{hours_line(row)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                [
                    row.name,
                    f"Phone: {row.phone or 'none on record'}",
                    f"Home site: {row.home_site or 'none'}",
                    f"This week: {hours_words(row)}",
                ]
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        return None

    # -- dragging shifts ----------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        if self._week is None or not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if not self._editable:
            return READ_ONLY
        return DRAGGABLE if self._week.rows[index.row()].days[index.column()] else DROP_TARGET

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [SHIFTS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The first dragged cell with shifts: its person and day."""
        data = QMimeData()
        cell = next((c for c in map(self.cell, indexes) if c is not None and c.shifts), None)
        if cell is not None:
            said = {"staff": str(cell.staff_id), "day": cell.day.isoformat()}
            data.setData(SHIFTS_MIME, json.dumps(said).encode())
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return self._drop(data, action, row, column, parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        cells = self._drop(data, action, row, column, parent)
        if cells is None:
            return False
        self.dropped.emit(*cells, action == Qt.DropAction.CopyAction)
        return True

    def _drop(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> tuple[Cell, Cell] | None:
        """The cell dragged and the cell it would land on, if the drop can be taken."""
        if not self._editable or not data.hasFormat(SHIFTS_MIME):
            return None
        if action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return None
        target = self.cell(parent if parent.isValid() else self.index(row, column))
        try:
            said = json.loads(bytes(data.data(SHIFTS_MIME).data()).decode())
            source = self.cell(
                self.index_of(uuid.UUID(said["staff"]), date.fromisoformat(said["day"]))
            )
        except (ValueError, KeyError, TypeError):
            return None
        if target is None or source is None or not source.shifts:
            return None
        if (source.staff_id, source.day) == (target.staff_id, target.day):
            return None
        return source, target
