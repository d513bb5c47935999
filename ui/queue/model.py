"""The ticket queue as a lazy Qt table model over :class:`app.queue.query.QueueQuery`.

The model never holds the whole queue: the row count is its own query, and rows arrive in
pages fetched off the UI thread only when the view asks for them, kept in a small LRU cache.
Each load carries a generation number, so a result that belongs to an older filter, sort or
refresh is dropped instead of painting the wrong rows. A change made anywhere on the
database (seen through ``change_token``) refreshes the rows in place, without a model reset,
so the view keeps its scroll position and selection.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from app.queue.query import QueueFilter, QueueQuery, QueueRow, QueueSort, SortColumn
from models.enums import TicketStatus
from models.types import utcnow
from ui.kit.tasks import run_task

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_PAGES = 20
MAX_RUNNING = 2  # page reads at once (the thread pool has one thread per core)
MAX_QUEUED = 3  # page requests kept waiting; older ones are dropped while scrolling fast
POLL_MS = 2000
DUE_SOON = timedelta(hours=1)

TicketIdRole = Qt.ItemDataRole.UserRole + 1  # uuid.UUID of the ticket
RowRole = Qt.ItemDataRole.UserRole + 2  # the whole QueueRow
LoadingRole = Qt.ItemDataRole.UserRole + 3  # True while the row's page is being fetched

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """Table columns, in the order of :class:`SortColumn` (whose value is the header)."""

    NUMBER = 0
    PRIORITY = 1
    STATUS = 2
    SUMMARY = 3
    CALLER = 4
    ASSIGNEE = 5
    TEAM = 6
    SITE = 7
    AGE = 8
    SLA_DUE = 9

    @property
    def sort_column(self) -> SortColumn:
        return SortColumn[self.name]


class SlaState(Enum):
    """How urgent the SLA column looks; NONE is a stopped or absent clock."""

    NONE = "none"
    OK = "ok"
    DUE_SOON = "due soon"
    BREACHED = "breached"


# (foreground, background) per SLA state; readable on white and on the alternate row colour.
_SLA_COLOURS = {
    SlaState.NONE: (QColor("#78909c"), None),
    SlaState.DUE_SOON: (QColor("#8a4b00"), QColor("#ffefcc")),
    SlaState.BREACHED: (QColor("#b71c1c"), QColor("#fde3e1")),
}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        LoadingRole,
        TicketIdRole,
        RowRole,
    }
)
_TIME_COLUMNS = (Column.AGE, Column.SLA_DUE)
_ELIDED_COLUMNS = (Column.SUMMARY, Column.CALLER, Column.ASSIGNEE, Column.TEAM)  # tooltip: all


def format_duration(delta: timedelta) -> str:
    """Two units at most, the larger first: "25m", "1h 20m", "3d 4h"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else "<1m"


def format_age(row: QueueRow, now: datetime) -> str:
    return format_duration(now - row.created_at)


def sla_due(row: QueueRow, now: datetime) -> tuple[str, SlaState]:
    """The countdown text and its state; the clock stops while waiting on the caller."""
    if row.status == TicketStatus.WAITING_CALLER:
        return "paused", SlaState.NONE
    if not row.status.is_open or row.sla_due_at is None:
        return "—", SlaState.NONE
    left = row.sla_due_at - now
    if left < timedelta(0):
        return f"overdue {format_duration(-left)}", SlaState.BREACHED
    return f"in {format_duration(left)}", SlaState.DUE_SOON if left < DUE_SOON else SlaState.OK


def _display(row: QueueRow, column: Column, now: datetime) -> str:
    if column == Column.AGE:
        return format_age(row, now)
    if column == Column.SLA_DUE:
        return sla_due(row, now)[0]
    return {
        Column.NUMBER: row.number,
        Column.PRIORITY: row.priority.label,
        Column.STATUS: row.status.label,
        Column.SUMMARY: row.summary,
        Column.CALLER: row.caller_name,
        Column.ASSIGNEE: row.assignee_name,
        Column.TEAM: row.team_name,
        Column.SITE: row.site_code,
    }[column]


@dataclass(frozen=True)
class _Snapshot:
    """One loaded query: what was asked, how many rows it had, and its generation."""

    filter: QueueFilter
    sort: QueueSort
    total: int
    now: datetime
    generation: int


@dataclass(frozen=True)
class _Page:
    generation: int
    rows: list[QueueRow]


class QueueModel(QAbstractTableModel):
    """Rows of the queue, fetched page by page in the background as the view needs them."""

    countChanged = Signal(int)  # a count arrived (after a query change or a refresh)
    loaded = Signal()  # a page of rows arrived and was announced with dataChanged
    failed = Signal(str)  # a background query failed; the text says why

    def __init__(
        self,
        query: QueueQuery,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        poll_ms: int = POLL_MS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self._query = query
        self._page_size = page_size
        self._max_pages = max_pages
        self._clock = clock
        self._now = clock()
        self._requested = (QueueFilter(), QueueSort())
        self._active: _Snapshot | None = None
        self._generation = 0
        self._loading = False
        self._polling = False
        self._token: tuple[Any, ...] | None = None
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._in_flight: set[int] = set()  # pages asked for: waiting or being read
        self._queued: OrderedDict[int, _Snapshot] = OrderedDict()  # waiting, newest last
        self._running = 0
        self._early_page: list[QueueRow] | None = None  # first page that beat its count
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_ms)
        self._poll_timer.timeout.connect(self.poll)
        if poll_ms > 0:
            self._poll_timer.start()

    # -- the query ----------------------------------------------------------------------------
    @property
    def query_filter(self) -> QueueFilter:
        return self._requested[0]

    @property
    def query_sort(self) -> QueueSort:
        return self._requested[1]

    def set_query(self, f: QueueFilter, sort: QueueSort | None = None) -> None:
        """Show another filter and/or sort; the rows are replaced when the new count arrives."""
        requested = (f, sort or self.query_sort)
        if requested == self._requested and self._active is not None:
            return
        self._requested = requested
        self._load()

    def refresh(self) -> None:
        """Re-count and reload the rows in place (no reset), e.g. after a save."""
        self._load()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(Column):
            descending = order == Qt.SortOrder.DescendingOrder
            self.set_query(self.query_filter, QueueSort(Column(column).sort_column, descending))

    def _load(self) -> None:
        self._generation += 1
        self._loading = True
        generation, (f, sort), now = self._generation, self._requested, self._clock()

        def count() -> tuple[_Snapshot, tuple[Any, ...]]:
            # Token first: a save landing between the two is caught by the next poll.
            token = self._query.change_token()
            return _Snapshot(f, sort, self._query.count(f, now), now, generation), token

        def first_page() -> list[QueueRow]:
            return self._query.page(f, sort, 0, self._page_size, now=now)

        # The count and the first page are read side by side: the rows are on screen as soon
        # as the slower of the two arrives, not after both one after the other.
        self._early_page = None
        run_task(count, lambda result: self._count_arrived(*result), self._load_failed, parent=self)
        run_task(
            first_page,
            lambda rows: self._first_page_arrived(generation, rows),
            self._report,
            parent=self,
        )

    def _first_page_arrived(self, generation: int, rows: list[QueueRow]) -> None:
        if generation != self._generation:
            return
        active = self._active
        if active is not None and active.generation == generation:
            self._page_arrived(generation, 0, rows)
        else:
            self._early_page = rows  # installed when the count arrives

    def _count_arrived(self, snapshot: _Snapshot, token: tuple[Any, ...]) -> None:
        if snapshot.generation != self._generation:
            return
        self._loading = False
        self._token = token
        self._now = snapshot.now
        old = self._active
        if old is None or (old.filter, old.sort) != (snapshot.filter, snapshot.sort):
            self.beginResetModel()
            self._active = snapshot
            self._pages.clear()
            self._in_flight.clear()
            self._queued.clear()
            self.endResetModel()
        else:
            self._resize(old.total, snapshot)
            self._in_flight.clear()
            self._queued.clear()
            # Cached pages stay on screen until their fresh copy arrives: no flicker.
            self._announce(0, snapshot.total - 1)
        early, self._early_page = self._early_page, None
        if early is not None:
            self._page_arrived(snapshot.generation, 0, early)
        else:
            self._in_flight.add(0)  # on its way since _load: the view must not ask again
        self.countChanged.emit(snapshot.total)

    def _resize(self, old_total: int, snapshot: _Snapshot) -> None:
        """Grow or shrink at the end, so rows above keep their place and the scroll stays."""
        new_total = snapshot.total
        if new_total > old_total:
            self.beginInsertRows(QModelIndex(), old_total, new_total - 1)
            self._active = snapshot
            self.endInsertRows()
        elif new_total < old_total:
            self.beginRemoveRows(QModelIndex(), new_total, old_total - 1)
            self._active = snapshot
            for page in [p for p in self._pages if p * self._page_size >= new_total]:
                del self._pages[page]
            self.endRemoveRows()
        else:
            self._active = snapshot

    def _load_failed(self, error: Exception) -> None:
        self._loading = False
        self._report(error)

    def _report(self, error: Exception) -> None:
        log.warning("Queue query failed: %s", error)
        self.failed.emit(str(error))

    # -- pages --------------------------------------------------------------------------------
    def _lookup(self, row: int) -> tuple[QueueRow | None, bool]:
        """The row to show (possibly from a stale page) and whether it is still loading."""
        active = self._active
        assert active is not None
        number, at = divmod(row, self._page_size)
        page = self._pages.get(number)
        if page is None or page.generation != active.generation:
            self._request(number, active)
        if page is None:
            return None, True
        self._pages.move_to_end(number)
        return (page.rows[at] if at < len(page.rows) else None), False

    def _request(self, number: int, active: _Snapshot) -> None:
        """Ask for a page. While a scroll bar is dragged the view asks for page after page;
        only the newest few wait their turn, and older ones are forgotten (the view asks
        again for any that is still on screen), so the rows under the bar come first."""
        if number in self._queued:
            self._queued.move_to_end(number)
            return
        if number in self._in_flight:
            return
        self._in_flight.add(number)
        self._queued[number] = active
        while len(self._queued) > MAX_QUEUED:
            dropped, _snapshot = self._queued.popitem(last=False)
            self._in_flight.discard(dropped)
        self._pump()

    def _pump(self) -> None:
        while self._running < MAX_RUNNING and self._queued:
            number, active = self._queued.popitem(last=True)
            self._running += 1
            self._fetch(number, active)

    def _fetch(self, number: int, active: _Snapshot) -> None:
        offset, size = number * self._page_size, self._page_size

        def fetch() -> list[QueueRow]:
            return self._query.page(
                active.filter, active.sort, offset, size, total=active.total, now=active.now
            )

        def arrived(rows: list[QueueRow]) -> None:
            self._fetched()
            self._page_arrived(active.generation, number, rows)

        def failed(error: Exception) -> None:
            self._fetched()
            self._report(error)  # the page stays "in flight": no retry storm; refresh retries

        run_task(fetch, arrived, failed, parent=self)

    def _fetched(self) -> None:
        self._running -= 1
        self._pump()

    def _page_arrived(self, generation: int, number: int, rows: list[QueueRow]) -> None:
        active = self._active
        if active is None or generation != active.generation:
            return
        self._in_flight.discard(number)
        self._pages[number] = _Page(generation, rows)
        self._pages.move_to_end(number)
        while len(self._pages) > self._max_pages:
            self._pages.popitem(last=False)
        first = number * self._page_size
        self._announce(first, min(active.total, first + self._page_size) - 1)
        self.loaded.emit()

    def _announce(self, first: int, last: int, columns: tuple[int, int] | None = None) -> None:
        left, right = columns or (0, len(Column) - 1)
        if last >= first:
            self.dataChanged.emit(self.index(first, left), self.index(last, right))

    def is_loaded(self, row: int) -> bool:
        """Whether ``row`` shows current data (its page arrived since the last reload)."""
        active = self._active
        page = self._pages.get(row // self._page_size)
        return active is not None and page is not None and page.generation == active.generation

    def ticket_id(self, row: int) -> uuid.UUID | None:
        """The ticket shown on ``row``, or None while it loads. Plain Python, for callers
        that would otherwise ask ``data(TicketIdRole)`` and convert through QVariant."""
        if not 0 <= row < self.rowCount():
            return None
        found, _loading = self._lookup(row)
        return found.id if found else None

    def is_fetching(self) -> bool:
        """Whether a count or pages are still on their way."""
        return self._loading or bool(self._in_flight)

    def row_of(self, ticket_id: uuid.UUID) -> int | None:
        """The row of a ticket among the current pages in the cache, if it is there."""
        active = self._active
        for number, page in self._pages.items():
            if active is not None and page.generation == active.generation:
                for at, row in enumerate(page.rows):
                    if row.id == ticket_id:
                        return number * self._page_size + at
        return None

    # -- watching the database ----------------------------------------------------------------
    def poll(self) -> None:
        """Ask (off-thread) whether any ticket was saved; refresh in place if so."""
        if self._polling or self._loading:
            return
        self._polling = True
        run_task(self._query.change_token, self._token_arrived, self._poll_failed, parent=self)

    def _token_arrived(self, token: tuple[Any, ...]) -> None:
        self._polling = False
        ticked = self._tick()
        time_bound = ticked and self.query_filter.due_within_minutes is not None
        if not self._loading and (token != self._token or time_bound):
            self.refresh()

    def _poll_failed(self, error: Exception) -> None:
        self._polling = False
        self._report(error)

    def _tick(self) -> bool:
        """Move the clock of the Age and SLA columns once a minute; True if it moved."""
        now = self._clock()
        if now.replace(second=0, microsecond=0) == self._now.replace(second=0, microsecond=0):
            return False
        self._now = now
        self._announce(0, self.rowCount() - 1, (Column.AGE, Column.SLA_DUE))
        return True

    # -- QAbstractTableModel ------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() or self._active is None else self._active.total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return Column(section).sort_column.value
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every cell and role on each repaint: unknown roles leave at once, and
        # the index is checked with plain comparisons rather than checkIndex().
        if role not in _ROLES or not index.isValid() or index.row() >= self.rowCount():
            return None
        row, loading = self._lookup(index.row())
        column = Column(index.column())
        if role == LoadingRole:
            return loading
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in _TIME_COLUMNS else None
        if row is None:
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column, self._now)
        if role == TicketIdRole:
            return row.id
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column in _ELIDED_COLUMNS:
            return _display(row, column, self._now)
        if column == Column.SLA_DUE and role in (
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
        ):
            colours = _SLA_COLOURS.get(sla_due(row, self._now)[1], (None, None))
            return colours[0] if role == Qt.ItemDataRole.ForegroundRole else colours[1]
        return None
