"""The training log's lists under the matrix: what each one's columns say, and the one small
table they are all shown in.

:class:`RowTable` is a read-only table of plain rows of one kind: columns as wide as their
sample (:func:`~ui.kit.widgets.fit_columns`; the last one stretches, widths a person sets are
remembered), each cell's whole text as its tooltip, a state said by a symbol and a word
before any colour, and the selected row kept by its key when the rows are read again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from app.org.sites import day_text
from app.training.completions import CompletionRow
from app.training.courses import CourseRow
from app.training.matrix import CellState, Expiring, Missing
from app.training.sessions import SessionRow
from ui.kit.remembered import remember_columns
from ui.kit.widgets import AMBER, MUTED, RED, fit_columns, read_only_table, signals_blocked
from ui.training.session_dialogs import places_text

T = TypeVar("T")

PERSON_SAMPLE = "Priya Natarajan"
COURSE_SAMPLE = "Customer service essentials"
DAY_SAMPLE = "Wed 30 Dec 2026"


def _plain(_row: object) -> str | None:
    return None


@dataclass(frozen=True)
class Column(Generic[T]):
    """A column: its title, a row's text in it, the widest text it must show ("" for the
    last column, which stretches) and the colour of a row's text, if any."""

    title: str
    text: Callable[[T], str]
    sample: str = ""
    ink: Callable[[T], str | None] = _plain


class RowTable(Generic[T]):
    """A table of ``columns`` over rows of one kind, each known by ``key`` (:attr:`table`
    is the widget; ``name`` its object name and the key its column widths are kept by)."""

    def __init__(
        self,
        name: str,
        accessible: str,
        columns: Sequence[Column[T]],
        key: Callable[[T], Hashable],
    ) -> None:
        self.columns, self.key = tuple(columns), key
        self.rows: list[T] = []
        self.table = read_only_table(name, accessible, [column.title for column in columns])
        table = self.table
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        table.setTabKeyNavigation(False)
        table.setWordWrap(False)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        samples = {number: column.sample for number, column in enumerate(self.columns[:-1])}
        fit_columns(table, samples, lambda number: self.columns[number].title, None)
        remember_columns(header, name)

    def fill(self, rows: Sequence[T], keep: Hashable | None = None) -> None:
        """Show ``rows``; the row whose key is ``keep`` (else the one selected, else the
        first) is selected."""
        chosen = self.current()
        wanted = [keep, self.key(chosen) if chosen is not None else None]
        self.rows = list(rows)
        with signals_blocked(self.table):
            self.table.setRowCount(len(self.rows))
            for number, row in enumerate(self.rows):
                for place, column in enumerate(self.columns):
                    text = column.text(row)
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)
                    ink = column.ink(row)
                    if ink:
                        item.setForeground(QColor(ink))
                    self.table.setItem(number, place, item)
        keys = [self.key(row) for row in self.rows]
        at = next((keys.index(key) for key in wanted if key is not None and key in keys), 0)
        if self.rows:
            self.table.setCurrentCell(at, 0)

    def current(self) -> T | None:
        number = self.table.currentRow()
        return self.rows[number] if 0 <= number < len(self.rows) else None


# -- what each list says --------------------------------------------------------------------
def days_left(row: Expiring) -> str:
    """ "! today", "! in 1 day", "! in 12 days"."""
    if row.days_left == 0:
        return "! today"
    return f"! in {row.days_left} day{'' if row.days_left == 1 else 's'}"


def standing(row: Missing) -> str:
    """ "○ missing", "✗ expired, last valid day Tue 03 Mar 2026"."""
    if row.state is CellState.EXPIRED and row.expired_on is not None:
        return f"{row.state.symbol} expired, last valid day {day_text(row.expired_on)}"
    return f"{row.state.symbol} {row.state.value}"


def validity_text(months: int | None) -> str:
    if months is None:
        return "Never expires"
    return f"{months} month{'' if months == 1 else 's'}"


EXPIRING: tuple[Column[Expiring], ...] = (
    Column("Person", lambda r: r.staff, PERSON_SAMPLE),
    Column("Course", lambda r: r.course, COURSE_SAMPLE),
    Column("Last valid day", lambda r: day_text(r.expires_on), DAY_SAMPLE),
    Column("Runs out", days_left, ink=lambda _r: AMBER),
)
MISSING: tuple[Column[Missing], ...] = (
    Column("Person", lambda r: r.staff, PERSON_SAMPLE),
    Column("Course", lambda r: r.course, COURSE_SAMPLE),
    Column("Where they stand", standing, ink=lambda _r: RED),
)
AWAITING: tuple[Column[CompletionRow], ...] = (
    Column("Person", lambda r: r.staff, PERSON_SAMPLE),
    Column("Course", lambda r: r.course, COURSE_SAMPLE),
    Column("Completed", lambda r: day_text(r.completed_on), DAY_SAMPLE),
    Column("Result", lambda r: r.result.label, "Attended"),
    Column("Certificate", lambda r: r.certificate or "—", "CERT-000000"),
    Column("Recorded by", lambda r: r.recorded_by or "—"),
)
COURSES: tuple[Column[CourseRow], ...] = (
    Column(
        "Course",
        lambda r: r.name + (" (retired)" if r.retired else ""),
        COURSE_SAMPLE,
        ink=lambda r: MUTED if r.retired else None,
    ),
    Column("Provider", lambda r: r.provider or "—", "PeopleCert"),
    Column("Skill taught", lambda r: r.skill or "—", "Customer care (level 2)"),
    Column("Valid for", lambda r: validity_text(r.validity_months), "Never expires"),
    Column("Required of", lambda r: r.required_of or "nobody"),
)
SESSIONS: tuple[Column[SessionRow], ...] = (
    Column("Day", lambda r: day_text(r.draft.day), DAY_SAMPLE),
    Column("Hours", lambda r: f"{r.draft.starts}-{r.draft.ends}", "09:00-17:00"),
    Column("Course", lambda r: r.course, COURSE_SAMPLE),
    Column("Site", lambda r: r.site, "Site"),
    Column("Booked", places_text, "3 booked (no limit)"),
    Column("Trainer", lambda r: r.draft.trainer or "—", "Dana Whitfield"),
    Column("Place", lambda r: r.draft.place or "—"),
)
