"""The desk cover dialog, opened from the Sites page: how many people a site wants at its desk,
band by band (weekday, from, to, at least), and the on-call limit every site shares.

Bands are rows to add and remove; "Add band" copies the last row's hours onto the next
weekday, so Monday to Friday 08:00-17:00 is a few key presses. The whole set replaces the
site's (:func:`app.roster.coverage.set_coverage_bands`) and each band the service refuses is
marked at its row, nothing saved; the limit is then saved if it changed
(:func:`app.roster.limits.set_max_on_call_weeks`). Both are :attr:`Action.EDIT_ROSTER`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.org.sites import WEEKDAYS
from app.roster.conflicts import ON_CALL_WINDOW_WEEKS
from app.roster.coverage import Band, set_coverage_bands
from app.roster.desk_cover import DeskCover
from app.roster.limits import set_max_on_call_weeks
from ui.kit.widgets import MUTED, error_label, named, page_button, show_message, show_problems
from ui.kit.write_dialog import WriteDialog

MAX_MINIMUM = 99  # people wanted at one desk at once
NEW_BAND = Band(0, "08:00", "17:00", 1)


def cover_text(bands: Sequence[Band]) -> str:
    """The bands in words, weekdays in a row with the same bands said once: "Monday to
    Friday: 08:00-17:00 at least 2, 17:00-19:00 at least 1", a line per run."""
    by_day = [", ".join(b.text() for b in bands if b.weekday == day) for day in range(7)]
    lines: list[str] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and by_day[last + 1] == by_day[day]:
            last += 1
        if by_day[day]:
            days = WEEKDAYS[day] if last == day else f"{WEEKDAYS[day]} to {WEEKDAYS[last]}"
            lines.append(f"{days}: {by_day[day]}")
        day = last + 1
    return "\n".join(lines)


def limit_text(weeks: int) -> str:
    """ "On call at most 2 of any 4 weeks", or no limit."""
    if weeks >= ON_CALL_WINDOW_WEEKS:
        return "On call: no limit"
    return f"On call at most {weeks} of any {ON_CALL_WINDOW_WEEKS} weeks"


class BandRow(QWidget):
    """One band: weekday, from, to, at least, a Remove button, and its problem under it."""

    def __init__(self, band: Band, remove: Callable[[BandRow], None]) -> None:
        super().__init__()
        self.weekday = named(QComboBox(self), "bandWeekday", "Weekday")
        self.weekday.addItems(list(WEEKDAYS))
        self.weekday.setCurrentIndex(band.weekday)
        self.starts = named(QLineEdit(band.starts, self), "bandStarts", "From")
        self.ends = named(QLineEdit(band.ends, self), "bandEnds", "To")
        width = self.starts.fontMetrics().horizontalAdvance("00:000") + 16
        for edit in (self.starts, self.ends):
            edit.setMaxLength(5)
            edit.setFixedWidth(width)
            edit.setPlaceholderText("HH:MM")
        self.minimum = named(QSpinBox(self), "bandMinimum", "At least")
        self.minimum.setRange(0, MAX_MINIMUM)
        self.minimum.setValue(band.minimum)
        self.minimum.setPrefix("at least ")
        self.remove_button = page_button(
            self, "Remove", "removeBand", "Remove this band", lambda: remove(self)
        )
        self.error = error_label("bandError")
        fields = QHBoxLayout()
        fields.setContentsMargins(0, 0, 0, 0)
        # The row reads as a sentence: "Monday 08:00 to 17:00 at least 2".
        for widget in (self.weekday, self.starts, QLabel("to"), self.ends, self.minimum):
            fields.addWidget(widget)
        fields.addSpacing(8)
        fields.addWidget(self.remove_button)
        fields.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(fields)
        layout.addWidget(self.error)

    def band(self) -> Band:
        return Band(
            self.weekday.currentIndex(),
            self.starts.text(),
            self.ends.text(),
            self.minimum.value(),
        )


class BandsEditor(QWidget):
    """The site's bands as rows (object name ``bandsEditor``), scrolled past a dozen."""

    def __init__(self, bands: Sequence[Band], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "bandsEditor", "Desk minimums")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # passed on: see _say_empty
        self.rows: list[BandRow] = []
        host = QWidget()
        self._rows_layout = QVBoxLayout(host)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.addStretch(1)
        self.area = named(QScrollArea(self), "bandsScroll")
        self.area.setWidgetResizable(True)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setWidget(host)
        self.empty = named(QLabel(self), "bandsEmpty", "No bands")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {MUTED};")
        self.add_button = page_button(self, "&Add band", "addBand", "Add a band", self.add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        for band in bands:
            self._append(band)
        self._say_empty()

    def bands(self) -> list[Band]:
        return [row.band() for row in self.rows]

    def add(self) -> None:
        """Add band: the last band's hours on the next weekday (Monday 08:00-17:00 first);
        its weekday has the keyboard."""
        last = self.rows[-1].band() if self.rows else None
        band = NEW_BAND if last is None else replace(last, weekday=(last.weekday + 1) % 7)
        row = self._append(band)
        self._say_empty()
        row.weekday.setFocus()
        self.area.ensureWidgetVisible(row)

    def remove(self, row: BandRow) -> None:
        at = self.rows.index(row)
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        self._say_empty()
        following = self.rows[min(at, len(self.rows) - 1)] if self.rows else None
        (following.remove_button if following else self.add_button).setFocus()

    def show_problems(self, problems: dict[str, str]) -> dict[str, str]:
        """Each band's problem at its row ("bands.N"); returns the others."""
        return show_problems({f"bands.{n}": row.error for n, row in enumerate(self.rows)}, problems)

    def _append(self, band: Band) -> BandRow:
        row = BandRow(band, self.remove)
        self.rows.append(row)
        self._rows_layout.insertWidget(len(self.rows) - 1, row)
        # As wide as a row and the scroll bar: no band is cut off at the right.
        bar = self.area.verticalScrollBar().sizeHint().width()
        self.area.setMinimumWidth(row.sizeHint().width() + bar + 2 * self.area.frameWidth())
        return row

    def _say_empty(self) -> None:
        """Say when there are no bands; the caption's key reaches the first band, or Add."""
        self.setFocusProxy(self.rows[0].weekday if self.rows else self.add_button)
        show_message(
            self.empty,
            "" if self.rows else "No minimums: the roster shows no desk gaps at this site.",
        )
        self.area.setVisible(bool(self.rows))


class CoverDialog(WriteDialog):
    """Edit a site's desk minimums and the on-call limit (object name ``coverDialog``);
    :attr:`outcome` is None once saved."""

    def __init__(
        self,
        context: AppContext,
        site_id: uuid.UUID,
        site_code: str,
        cover: DeskCover,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "coverDialog", f"Desk cover at {site_code}", "&Save", parent)
        self.site_id, self.site_code, self.cover = site_id, site_code, cover
        self.editor = BandsEditor(cover.bands)
        self.limit_spin = named(QSpinBox(), "maxOnCallWeeks")
        self.limit_spin.setRange(1, ON_CALL_WINDOW_WEEKS)
        self.limit_spin.setValue(cover.max_on_call_weeks)
        self.limit_spin.setPrefix("at most ")
        self.limit_spin.setSuffix(f" of any {ON_CALL_WINDOW_WEEKS} weeks")
        self.add_field(
            "bands",
            "Desk &minimums:",
            self.editor,
            "People at the desk, local time; 24:00 ends a band at midnight. A gap is an hour "
            "with fewer.",
        )
        self.add_field(
            "max_on_call_weeks",
            "On-call &limit:",
            self.limit_spin,
            f"For every site: more on-call weeks than this is a conflict on the roster "
            f"({ON_CALL_WINDOW_WEEKS} is no limit).",
        )
        self.editor.setFocus()  # the first band, or Add band

    def show_problems(self, problems: dict[str, str]) -> None:
        super().show_problems(self.editor.show_problems(problems))

    def work(self) -> Callable[[], object]:
        engine, me, site_id = self.context.engine, self.context.me, self.site_id
        bands, weeks = self.editor.bands(), self.limit_spin.value()
        limit_changed = weeks != self.cover.max_on_call_weeks

        def save() -> None:
            set_coverage_bands(engine, me, site_id, bands)  # refused whole: nothing saved
            if limit_changed:
                set_max_on_call_weeks(engine, me, weeks)

        return save

    def subject(self) -> uuid.UUID:
        return self.site_id

    def summary(self) -> str:
        limit = ""
        if self.limit_spin.value() != self.cover.max_on_call_weeks:
            limit = f" {limit_text(self.limit_spin.value())}, at every site."
        return f"Saved the desk cover of {self.site_code}.{limit}"
