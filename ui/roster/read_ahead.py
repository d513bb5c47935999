"""The weeks either side of the one shown, read ahead so that stepping a week (Page Up, Page
Down) shows it at once.

A person looks at a week for a while before stepping to the next: that while is enough to
read the weeks on either side in the background. :class:`WeeksAhead` keeps the week shown and
its two neighbours for the page's filters; anything further away, or read for other filters,
is let go, so memory stays three weeks whatever the person browses. A week taken from here is
shown at once and read again from the database straight after (another workstation may have
changed it meanwhile); the page replaces it only if the new read differs.

What is kept is cleared whenever the roster may have changed under it: a change made on the
page, a refused change, F5 and the page being shown again.

:class:`WeekReader` does the reading for the page. What is read while nobody waits (the
weeks ahead, a week shown from memory read again) waits until the week on screen is painted
(:func:`ui.kit.tasks.after_paint_timer`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from app.roster.local_time import WEEK
from app.roster.week import RosterWeek, week
from ui.kit.tasks import StaleGuard, after_paint_timer, run_task


@dataclass(frozen=True)
class WeekKey:
    """A week as the page asks for it: its Monday and the filters."""

    monday: date
    site_id: uuid.UUID | None
    team_id: uuid.UUID | None

    def step(self, weeks: int) -> WeekKey:
        return WeekKey(self.monday + WEEK * weeks, self.site_id, self.team_id)


class WeeksAhead:
    """The week shown and its neighbours, as last read (the module docstring says why)."""

    def __init__(self) -> None:
        self._weeks: dict[WeekKey, RosterWeek] = {}
        self._around: WeekKey | None = None

    def get(self, key: WeekKey) -> RosterWeek | None:
        return self._weeks.get(key)

    def showing(self, key: WeekKey, shown: RosterWeek) -> tuple[WeekKey, ...]:
        """``shown`` is the week of ``key`` on screen now: keep it, let go of what is not
        next to it, and say which neighbours are still to be read."""
        self._around = key
        self._weeks[key] = shown
        near = {key.step(-1), key, key.step(1)}
        self._weeks = {k: w for k, w in self._weeks.items() if k in near}
        return tuple(k for k in (key.step(1), key.step(-1)) if k not in self._weeks)

    def read(self, weeks: dict[WeekKey, RosterWeek]) -> None:
        """Neighbours read in the background: kept if still next to the week shown."""
        if self._around is None:
            return
        near = {self._around.step(-1), self._around.step(1)}
        self._weeks.update({k: w for k, w in weeks.items() if k in near})

    def clear(self) -> None:
        """Forget every week read (the roster may have changed)."""
        self._weeks.clear()
        self._around = None


def read_week(engine: Engine, key: WeekKey) -> RosterWeek:
    """The week of ``key`` as the database has it (in a worker thread)."""
    return week(engine, key.monday, site_id=key.site_id, team_id=key.team_id)


class WeekReader(QObject):
    """Reads the week the page asks for (only the newest request is answered), shows one read
    ahead at once, and reads the weeks either side ahead (the module docstring says when)."""

    arrived = Signal(object, object)  # WeekKey, RosterWeek: put it on screen
    failed = Signal(object)  # Exception: the week asked for could not be read
    read_ahead = Signal()  # the weeks either side of the one shown are in memory

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._weeks = WeeksAhead()
        self._reads, self._reads_ahead = StaleGuard(), StaleGuard()
        self._wanted: WeekKey | None = None
        self._shown: tuple[WeekKey, RosterWeek] | None = None
        self._missing: tuple[WeekKey, ...] = ()
        self._read_again = after_paint_timer(self, self._read)
        self._read_ahead = after_paint_timer(self, self._read_neighbours)

    def ask(self, key: WeekKey) -> None:
        """Read the week of ``key``; one read ahead is shown at once meanwhile."""
        self._wanted = key
        self._read_again.stop()
        self._read_ahead.stop()
        kept = self._weeks.get(key)
        if kept is None:
            self._read()
            return
        self._reads.drop_pending()  # a week asked for before this one is no longer wanted
        self._show(key, kept)
        self._read_again.start()

    def forget(self) -> None:
        """The roster may have changed: no week read before is shown again."""
        self._weeks.clear()
        self._reads_ahead.drop_pending()
        self._read_ahead.stop()

    def _read(self) -> None:
        key, engine = self._wanted, self._engine
        if key is None:
            return
        run_task(
            lambda: read_week(engine, key),
            lambda shown: self._answered(key, shown),
            self.failed.emit,
            parent=self,
            guard=self._reads,
        )

    def _answered(self, key: WeekKey, shown: RosterWeek) -> None:
        """The week as the database has it now: on screen unless the week shown from memory
        says the same; then its neighbours are read ahead."""
        if self._shown != (key, shown):
            self._show(key, shown)
        self._missing = self._weeks.showing(key, shown)
        if self._missing:
            self._read_ahead.start()
        else:
            self.read_ahead.emit()

    def _show(self, key: WeekKey, shown: RosterWeek) -> None:
        self._shown = (key, shown)
        self.arrived.emit(key, shown)

    def _read_neighbours(self) -> None:
        missing, engine = self._missing, self._engine
        run_task(
            lambda: {key: read_week(engine, key) for key in missing},
            self._neighbours_read,
            # Nobody is waiting for these weeks: a failure is told when the person steps to
            # one and it is read for them.
            lambda _error: None,
            parent=self,
            guard=self._reads_ahead,
        )

    def _neighbours_read(self, weeks: dict[WeekKey, RosterWeek]) -> None:
        self._weeks.read(weeks)
        self.read_ahead.emit()
