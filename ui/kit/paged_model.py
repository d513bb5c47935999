"""One lazy Qt table model for every long table: rows come from SQL, a page at a time.

A feature brings two things: a **query object** (plain Python in ``app/``: count the rows of a
filter, read one page of them in a sort order, and a cheap token that moves whenever the
table changes) and its **columns** (:class:`ColumnSpec`: the header, the text of a cell, the
sort order a click on the header asks for). The model does the rest, the same way for the
queue, the roster or a problem list:

- It never holds the whole result. The row count is its own query; rows arrive in pages read
  off the GUI thread when the view asks for them, and a small LRU cache keeps the last few.
- While a scroll bar is dragged only the newest few page requests wait their turn (newest
  first), so the rows under the bar come first and the rows flown over are never read.
- Each load carries a generation number; an answer for an older filter, sort or refresh is
  dropped instead of painting the wrong rows.
- A new filter or sort is painted as soon as its first page is read; its count is read next,
  and the table grows to its full length (:attr:`PagedTableModel.count_known`).
- A change made anywhere on the database (seen through the token, polled) refreshes the rows
  in place, with targeted ``dataChanged`` and inserted or removed rows at the end but no
  reset, so the view keeps its scroll position and selection. Columns that show time
  relative to now are repainted once a minute.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

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

from models.clock import utcnow
from ui.kit.errors import show_failure
from ui.kit.tasks import run_task

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_PAGES = 20
MAX_RUNNING = 2  # page reads at once (the thread pool has one thread per core)
MAX_QUEUED = 3  # page requests kept waiting; older ones are dropped while scrolling fast
POLL_MS = 2000

IdRole = Qt.ItemDataRole.UserRole + 1  # uuid.UUID of the row's record
RowRole = Qt.ItemDataRole.UserRole + 2  # the whole row, as the query object returned it
LoadingRole = Qt.ItemDataRole.UserRole + 3  # True while the row's page is being fetched

AnyIndex = QModelIndex | QPersistentModelIndex
Colours = tuple[QColor | None, QColor | None]  # (foreground, background)


class Row(Protocol):
    """What every row of a paged table has: the id of the record it shows."""

    @property
    def id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=Row)
F = TypeVar("F", bound=Hashable)  # what is shown (a filter)
S = TypeVar("S", bound=Hashable)  # in which order (a sort)
R_co = TypeVar("R_co", bound=Row, covariant=True)
F_contra = TypeVar("F_contra", bound=Hashable, contravariant=True)
S_contra = TypeVar("S_contra", bound=Hashable, contravariant=True)


class PagedQuery(Protocol[R_co, F_contra, S_contra]):
    """The feature's side of a paged table; plain Python, called on worker threads."""

    def count(self, f: F_contra, now: datetime) -> int: ...

    def page(
        self,
        f: F_contra,
        sort: S_contra,
        offset: int,
        limit: int,
        *,
        total: int | None,
        now: datetime,
    ) -> Sequence[R_co]:
        """Rows ``offset .. offset+limit``; ``total`` lets a page near the end be read from
        the end."""
        ...

    def change_token(self) -> Hashable:
        """A cheap fingerprint of the table that moves whenever a row is saved."""
        ...

    def depends_on_now(self, f: F_contra) -> bool:
        """Whether the rows of ``f`` change as time passes (e.g. "due within the hour")."""
        ...


@dataclass(frozen=True)
class ColumnSpec(Generic[R, S]):
    """One column: its header and how it shows a row at a moment."""

    header: str
    text: Callable[[R, datetime], str]
    sort: Callable[[bool], S] | None = None  # the order a click asks for (descending?)
    align_right: bool = False
    full_text_tip: bool = False  # the text as a tooltip too: the column may elide it
    tip: Callable[[R, datetime], str] | None = None  # a tooltip of its own (a marker in words)
    colours: Callable[[R, datetime], Colours] | None = None
    ticking: bool = False  # shows time relative to now: repainted once a minute


@dataclass(frozen=True)
class _Snapshot(Generic[F, S]):
    """One loaded query: what was asked, how many rows it has, and its generation.
    ``counted`` is False while the rows on screen are the first page alone."""

    filter: F
    sort: S
    total: int
    now: datetime
    generation: int
    counted: bool = True


@dataclass(frozen=True)
class _Page(Generic[R]):
    generation: int
    rows: Sequence[R]


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        LoadingRole,
        IdRole,
        RowRole,
    }
)
_COLOUR_ROLES = (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole)


class PagedTableModel(QAbstractTableModel, Generic[R, F, S]):
    """Rows of a query, fetched page by page in the background as the view needs them."""

    countChanged = Signal(int)  # the exact number of rows is known (new query or refresh)
    loaded = Signal()  # a page of rows arrived and was announced with dataChanged
    failed = Signal(str)  # a background read failed; the text says why and what to do

    def __init__(
        self,
        query: PagedQuery[R, F, S],
        columns: Sequence[ColumnSpec[R, S]],
        first: tuple[F, S],
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        poll_ms: int = POLL_MS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """``first`` is the filter and sort a query starts from before :meth:`set_query`;
        ``poll_ms`` 0 turns watching the database off (tests refresh by hand)."""
        super().__init__(parent)
        self._query = query
        self._columns = tuple(columns)
        self._ticking = [n for n, c in enumerate(self._columns) if c.ticking]
        self._page_size = page_size
        self._max_pages = max_pages
        self._clock = clock
        self._now = clock()
        self._requested = first
        self._active: _Snapshot[F, S] | None = None
        self._generation = 0
        self._loading = False
        self._polling = False
        self._poll_failing = False  # the last poll failed, and that was said already
        self._token: Hashable | None = None
        self._pages: OrderedDict[int, _Page[R]] = OrderedDict()
        self._in_flight: set[int] = set()  # pages asked for: waiting or being read
        self._queued: OrderedDict[int, _Snapshot[F, S]] = OrderedDict()  # waiting, newest last
        self._running = 0
        self._early_page: Sequence[R] | None = None  # a refresh's first page that beat its count
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_ms)
        self._poll_timer.timeout.connect(self.poll)
        if poll_ms > 0:
            self._poll_timer.start()

    # -- the query ----------------------------------------------------------------------------
    @property
    def query_filter(self) -> F:
        return self._requested[0]

    @property
    def query_sort(self) -> S:
        return self._requested[1]

    @property
    def count_known(self) -> bool:
        """Whether :meth:`rowCount` is the query's full length (not just its first page)."""
        return self._active is not None and self._active.counted

    def set_query(self, f: F, sort: S | None = None) -> None:
        """Show another filter and/or sort; the rows are replaced when the first page of the
        new query arrives."""
        requested = (f, self.query_sort if sort is None else sort)
        if requested == self._requested and self._active is not None:
            return
        self._requested = requested
        self._load()

    def refresh(self) -> None:
        """Re-count and reload the rows in place (no reset), e.g. after a save."""
        self._load()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        spec = self._columns[column] if 0 <= column < len(self._columns) else None
        if spec is not None and spec.sort is not None:
            descending = order == Qt.SortOrder.DescendingOrder
            self.set_query(self.query_filter, spec.sort(descending))

    def _load(self) -> None:
        self._generation += 1
        self._loading = True
        generation, (f, sort), now = self._generation, self._requested, self._clock()
        query, size = self._query, self._page_size

        def count() -> tuple[_Snapshot[F, S], Hashable]:
            # Token first: a save landing between the two is caught by the next poll.
            token = query.change_token()
            return _Snapshot(f, sort, query.count(f, now), now, generation), token

        def first_page() -> Sequence[R]:
            return query.page(f, sort, 0, size, total=None, now=now)

        def counted(result: tuple[_Snapshot[F, S], Hashable]) -> None:
            self._count_arrived(*result)

        self._early_page = None
        if self._is_new_query(f, sort):
            # A new query is on screen as soon as its first page is read, with the machine
            # to itself; its count is read next, and the table grows to its full length.
            def painted(rows: Sequence[R]) -> None:
                if self._show_first_page(generation, now, rows):
                    run_task(count, counted, self._load_failed, self)

            run_task(first_page, painted, self._load_failed, self)
            return
        # A refresh: the count and the first page are read side by side, and the rows on
        # screen are replaced once both are in (the cached pages stay meanwhile: no flicker).
        run_task(count, counted, self._load_failed, self)
        run_task(first_page, partial(self._refreshed_first_page, generation), self._report, self)

    def _is_new_query(self, f: F, sort: S) -> bool:
        old = self._active
        return old is None or (old.filter, old.sort) != (f, sort)

    def _show_first_page(self, generation: int, now: datetime, rows: Sequence[R]) -> bool:
        """Put a new query's first page on screen; False if a newer load came since. A short
        page is the whole result, so its count is known already."""
        if generation != self._generation:
            return False
        f, sort = self._requested
        counted = len(rows) < self._page_size
        self._now = now
        self.beginResetModel()
        self._active = _Snapshot(f, sort, len(rows), now, generation, counted)
        self._clear_pages()
        self._pages[0] = _Page(generation, rows)
        self.endResetModel()
        self.loaded.emit()
        if counted:
            self.countChanged.emit(len(rows))
        return True

    def _refreshed_first_page(self, generation: int, rows: Sequence[R]) -> None:
        if generation != self._generation:
            return
        active = self._active
        if active is not None and active.generation == generation:
            self._page_arrived(generation, 0, rows)  # the count came first
        else:
            self._early_page = rows  # installed with its count

    def _count_arrived(self, snapshot: _Snapshot[F, S], token: Hashable) -> None:
        if snapshot.generation != self._generation:
            return
        self._loading = False
        self._token = token
        self._now = snapshot.now
        old = self._active
        assert old is not None, "a count follows a first page on screen, or refreshes one"
        self._resize(old.total, snapshot)
        if old.generation == snapshot.generation:
            # A new query's first page was on screen: the table grew to its full length.
            if not old.counted or old.total != snapshot.total:
                self.countChanged.emit(snapshot.total)
            return
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

    def _clear_pages(self) -> None:
        self._pages.clear()
        self._in_flight.clear()
        self._queued.clear()

    def _resize(self, old_total: int, snapshot: _Snapshot[F, S]) -> None:
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
        show_failure(error, self.failed.emit)

    # -- pages --------------------------------------------------------------------------------
    def _lookup(self, row: int) -> tuple[R | None, bool]:
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

    def _request(self, number: int, active: _Snapshot[F, S]) -> None:
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

    def _fetch(self, number: int, active: _Snapshot[F, S]) -> None:
        query, offset, size = self._query, number * self._page_size, self._page_size
        total = active.total if active.counted else None

        def fetch() -> Sequence[R]:
            return query.page(active.filter, active.sort, offset, size, total=total, now=active.now)

        def arrived(rows: Sequence[R]) -> None:
            self._fetched()
            self._page_arrived(active.generation, number, rows)

        def failed(error: Exception) -> None:
            self._fetched()
            self._report(error)  # the page stays "in flight": no retry storm; refresh retries

        run_task(fetch, arrived, failed, parent=self)

    def _fetched(self) -> None:
        self._running -= 1
        self._pump()

    def _page_arrived(self, generation: int, number: int, rows: Sequence[R]) -> None:
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
        left, right = columns or (0, len(self._columns) - 1)
        if last >= first:
            self.dataChanged.emit(self.index(first, left), self.index(last, right))

    def is_loaded(self, row: int) -> bool:
        """Whether ``row`` shows current data (its page arrived since the last reload)."""
        active = self._active
        page = self._pages.get(row // self._page_size)
        return active is not None and page is not None and page.generation == active.generation

    def row_id(self, row: int) -> uuid.UUID | None:
        """The id of the record shown on ``row``, or None while it loads. Plain Python, for
        callers that would otherwise ask ``data(IdRole)`` and convert through QVariant."""
        if not 0 <= row < self.rowCount():
            return None
        found, _loading = self._lookup(row)
        return found.id if found else None

    def is_fetching(self) -> bool:
        """Whether a count or pages are still on their way."""
        return self._loading or bool(self._in_flight)

    def row_of(self, record_id: uuid.UUID) -> int | None:
        """The row of a record among the current pages in the cache, if it is there."""
        active = self._active
        for number, page in self._pages.items():
            if active is not None and page.generation == active.generation:
                for at, row in enumerate(page.rows):
                    if row.id == record_id:
                        return number * self._page_size + at
        return None

    # -- watching the database ----------------------------------------------------------------
    def poll(self) -> None:
        """Ask (off-thread) whether any row was saved; refresh in place if so."""
        if self._polling or self._loading:
            return
        self._polling = True
        run_task(self._query.change_token, self._token_arrived, self._poll_failed, parent=self)

    def _token_arrived(self, token: Hashable) -> None:
        self._polling = self._poll_failing = False
        ticked = self._tick()
        time_bound = ticked and self._query.depends_on_now(self.query_filter)
        if not self._loading and (token != self._token or time_bound):
            self.refresh()

    def _poll_failed(self, error: Exception) -> None:
        """Said once while polls keep failing (every few seconds), logged after that."""
        self._polling = False
        if self._poll_failing:
            log.warning("The table's poll failed again: %s", error)
            return
        self._poll_failing = True
        self._report(error)

    def _tick(self) -> bool:
        """Move the clock of the time columns once a minute; True if it moved."""
        now = self._clock()
        if now.replace(second=0, microsecond=0) == self._now.replace(second=0, microsecond=0):
            return False
        self._now = now
        for column in self._ticking:
            self._announce(0, self.rowCount() - 1, (column, column))
        return True

    # -- QAbstractTableModel ------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() or self._active is None else self._active.total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._columns)

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
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every cell and role on each repaint: unknown roles leave at once, and
        # the index is checked with plain comparisons rather than checkIndex().
        if role not in _ROLES or not index.isValid() or index.row() >= self.rowCount():
            return None
        row, loading = self._lookup(index.row())
        spec = self._columns[index.column()]
        if role == LoadingRole:
            return loading
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if spec.align_right else None
        if row is None:
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.text(row, self._now)
        if role == IdRole:
            return row.id
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if spec.tip is not None:
                return spec.tip(row, self._now) or None
            return spec.text(row, self._now) if spec.full_text_tip else None
        if spec.colours is not None and role in _COLOUR_ROLES:
            foreground, background = spec.colours(row, self._now)
            return foreground if role == Qt.ItemDataRole.ForegroundRole else background
        return None
