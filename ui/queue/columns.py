"""How wide the queue's columns are: each as wide as its longest usual text where there is
room, and on the narrowest window (1024 px) still a summary that can be read.

Widths come from sample texts measured in the table's font, never from fixed pixels, so they
follow the person's font size. Where the window is narrow the columns of names shrink first
(longer names are elided; the tooltip has them whole); then the columns that repeat what
another shows step aside: the site is the prefix of the ticket number, and the SLA column
says what is urgent better than the age does. The summary stretches over what is left, and
never below a readable width while another column can still give way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

from ui.kit.remembered import ColumnWidths
from ui.queue.model import Column

CELL_PADDING = 20  # the cell's padding and focus frame, beside the text
HEADER_PADDING = 30  # the section's padding, and beside the title the sort arrow


@dataclass(frozen=True)
class Sample:
    """The longest usual text of a column (shown whole wherever there is room) and what the
    column may shrink to on a narrow window."""

    full: str
    least: str


SAMPLES: dict[Column, Sample] = {
    Column.NUMBER: Sample("HQ-000000", "HQ-000000"),  # never shortened: the number is the key
    Column.PRIORITY: Sample("P3 Medium", "P3 Medium"),
    Column.STATUS: Sample("Waiting on vendor", "In progress"),
    Column.ESCALATION: Sample("⚑⇪☎", "⚑⇪"),
    Column.CALLER: Sample("Valentina Søndergaard", "Valentina S"),
    Column.ASSIGNEE: Sample("Olusegun Adeyemi", "Olusegun A"),
    Column.TEAM: Sample("Desktop support", "Service d"),
    Column.SITE: Sample("HQ", "HQ"),
    Column.AGE: Sample("23h 59m", "23h 59m"),
    Column.SLA_DUE: Sample("overdue 999d 23h", "overdue 999d 23h"),
}
SUMMARY_LEAST = "Outlook keeps asking for a pass"  # about 30 characters
GIVE_WAY = (Column.SITE, Column.AGE)  # hidden in this order when even the least is too wide


def plan_widths(
    available: int, full: Mapping[Column, int], least: Mapping[Column, int], summary: int
) -> dict[Column, int | None]:
    """Widths of the columns in ``full`` (None: hidden) for a table ``available`` pixels
    wide, leaving at least ``summary`` pixels to the summary column, which takes the rest.

    Columns shrink from their full towards their least widths, each by the same share of
    what it can give; only when all are at their least do the :data:`GIVE_WAY` columns step
    aside, one at a time."""
    shown = list(full)
    for column in GIVE_WAY:
        if sum(least[c] for c in shown) + summary <= available:
            break
        shown.remove(column)
    spare = available - summary - sum(least[c] for c in shown)
    slack = {c: full[c] - least[c] for c in shown}
    total = sum(slack.values())
    share = 1.0 if spare >= total else max(0, spare) / total
    widths: dict[Column, int | None] = dict.fromkeys(full)
    for column in shown:
        widths[column] = least[column] + int(slack[column] * share)
    return widths


class ColumnFitter(QObject):
    """Keeps the columns of the queue's table fitted to its width (see the module docstring).

    A column the person widened or narrowed by hand keeps that width from then on, in this
    run and the next ones (``memory``)."""

    def __init__(self, table: QTableView, memory: ColumnWidths) -> None:
        super().__init__(table)
        self._table = table
        self._memory = memory
        self._fitting = False
        self._by_hand: set[Column] = set()
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.SUMMARY, QHeaderView.ResizeMode.Stretch)
        remembered = memory.load()
        for column in SAMPLES:
            width = remembered.get(column.title)
            if width is not None:
                header.resizeSection(column, width)
                self._by_hand.add(column)
        header.sectionResized.connect(self._resized)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self.fit()
        return False

    def widths(self) -> tuple[dict[Column, int], dict[Column, int], int]:
        """Full and least widths of every column but the summary, and the summary's least,
        in the table's font."""
        metrics = self._table.fontMetrics()
        bold = self._table.horizontalHeader().font()
        bold.setBold(True)
        titles = QFontMetrics(bold)
        full, least = {}, {}
        for column, sample in SAMPLES.items():
            title = titles.horizontalAdvance(column.title)
            full[column] = max(
                metrics.horizontalAdvance(sample.full) + CELL_PADDING, title + HEADER_PADDING
            )
            # Narrow, the title may lose its room for the sort arrow, not its letters.
            least[column] = max(
                metrics.horizontalAdvance(sample.least) + CELL_PADDING,
                title + CELL_PADDING,
            )
        return full, least, metrics.horizontalAdvance(SUMMARY_LEAST) + CELL_PADDING

    def fit(self) -> None:
        header = self._table.horizontalHeader()
        full, least, summary = self.widths()
        for column in self._by_hand:  # kept as the person left it
            full[column] = least[column] = header.sectionSize(column)
        plan = plan_widths(self._table.viewport().width(), full, least, summary)
        self._fitting = True
        try:
            for column, width in plan.items():
                header.setSectionHidden(column, width is None)
                if width is not None and header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _resized(self, section: int, _old: int, new: int) -> None:
        if not self._fitting and section != Column.SUMMARY and new > 0:
            column = Column(section)
            self._by_hand.add(column)
            self._memory.keep(column.title, new)
