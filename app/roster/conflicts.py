"""What is wrong with a roster: the conflicts the grid lists for a week and marks on its cells.

A conflict is shown, never refused: a manager may need two overlapping shifts for a moment
while rearranging a week, and a sick day lands on a roster already written. Each rule is a
pure function over shifts already read (no database), so the week view, the command line
and the tests check the same thing the same way:

- **overlap**: two shifts of one person at the same time;
- **work while away**: work (at the desk, on call, in training) during leave or sickness;
- **short rest**: the working-time rule of 11 hours' rest in every 24. Work here is the desk
  and training; being on call is not work for rest (a quiet night on call is rest). Shifts
  less than 11 hours apart form one stretch of work (a desk shift, a break, a training
  session), which is fine as long as the stretch lasts at most 13 hours; a longer one leaves
  less than 11 hours' rest in some 24, and each too-short gap in it is a conflict. So a late
  shift ending at 19:00 followed by an early one at 05:00 is one, while a desk shift and a
  training session after lunch are not;
- **over contract**: more desk and training time in the ISO week than the person's contracted
  minutes (none: no check). On call is stand-by, not contracted time, and leave is not work;
- **on-call weeks**: on call in more weeks than the set maximum among the 4 weeks ending with
  the shown one, a week counting when an on-call shift starts in it. It is a conflict of the
  week that makes the count too high, so it is listed only for a week the person is on call.

A shift belongs to the local day (at its site) on which it starts, and to that day's week.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Protocol

from app.roster.local_time import WEEK, day_text, monday_of
from models.enums import ShiftKind

MIN_REST = timedelta(hours=11)
LONGEST_STRETCH = timedelta(hours=24) - MIN_REST
ON_CALL_WINDOW_WEEKS = 4
WORK_KINDS = frozenset({ShiftKind.DESK, ShiftKind.TRAINING})  # counted for rest and contract


class ShiftLike(Protocol):
    """What the rules read of a shift."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def staff_id(self) -> uuid.UUID: ...
    @property
    def kind(self) -> ShiftKind: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def day(self) -> date:
        """The local day at its site on which it starts."""
        ...

    @property
    def label(self) -> str:
        """The shift in words: "Desk early Mon 30 Nov 07:00-15:00 at HQ"."""
        ...


@dataclass(frozen=True)
class Person:
    """What the rules read of a person."""

    id: uuid.UUID
    name: str
    contracted_minutes: int | None = None


class ConflictKind(Enum):
    """The rule a conflict breaks; the value names it in the list's heading."""

    OVERLAP = "Overlapping shifts"
    WORK_WHILE_AWAY = "Work during leave or sickness"
    SHORT_REST = "Rest under 11 hours"
    OVER_CONTRACT = "More hours than contracted"
    ON_CALL_WEEKS = "Too many on-call weeks"


@dataclass(frozen=True)
class Conflict:
    """One broken rule of one person: the shifts involved and the days the grid marks."""

    kind: ConflictKind
    staff_id: uuid.UUID
    shift_ids: tuple[uuid.UUID, ...]
    days: tuple[date, ...]  # in order, each once
    message: str


def duration_text(minutes: int) -> str:
    """Minutes as the roster says them: "37 h 30 min", "45 h"."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def find_conflicts(
    shifts: Iterable[ShiftLike],
    people: Mapping[uuid.UUID, Person],
    monday: date,
    max_on_call_weeks: int,
) -> tuple[Conflict, ...]:
    """Every conflict of ``people`` that marks a day of the week starting ``monday``, by
    first day marked, then name. ``shifts`` must reach a day either side of the week (rest
    and overlaps across its ends) and, for on-call shifts, the 3 weeks before it."""
    by_person: dict[uuid.UUID, list[ShiftLike]] = defaultdict(list)
    for shift in shifts:
        if shift.staff_id in people:
            by_person[shift.staff_id].append(shift)
    found: list[Conflict] = []
    for staff_id, own in by_person.items():
        own.sort(key=lambda s: (s.starts_at, s.ends_at))
        person = people[staff_id]
        found += overlaps(person, own)
        found += short_rests(person, own)
        found += over_contract(person, own, monday)
        found += too_many_on_call_weeks(person, own, monday, max_on_call_weeks)
    week = {monday + timedelta(days=n) for n in range(7)}
    shown = [c for c in found if week.intersection(c.days)]
    kinds = list(ConflictKind)
    return tuple(
        sorted(
            shown,
            key=lambda c: (
                min(week.intersection(c.days)),
                people[c.staff_id].name.lower(),
                kinds.index(c.kind),
                c.days,
            ),
        )
    )


def overlaps(person: Person, shifts: Sequence[ShiftLike]) -> list[Conflict]:
    """Each pair of ``person``'s shifts (sorted by start) that share time: work during leave
    or sickness when one is away and the other is not, an overlap otherwise."""
    found = []
    for index, first in enumerate(shifts):
        for second in shifts[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            if first.kind.is_away != second.kind.is_away:
                away, work = (first, second) if first.kind.is_away else (second, first)
                found.append(
                    _conflict(
                        ConflictKind.WORK_WHILE_AWAY,
                        person,
                        (work, away),
                        f"{work.label} during {away.label}",
                    )
                )
            else:
                found.append(
                    _conflict(
                        ConflictKind.OVERLAP,
                        person,
                        (first, second),
                        f"{first.label} overlaps {second.label}",
                    )
                )
    return found


def short_rests(person: Person, shifts: Sequence[ShiftLike]) -> list[Conflict]:
    """Each gap under 11 hours inside a stretch of ``person``'s work (shifts sorted by start)
    that lasts longer than 13 hours (the module docstring says why)."""
    found: list[Conflict] = []
    stretch: list[tuple[ShiftLike, ShiftLike]] = []  # (shift ending last so far, next shift)
    first: ShiftLike | None = None
    latest: ShiftLike | None = None
    for shift in (s for s in shifts if s.kind in WORK_KINDS):
        if latest is None or shift.starts_at - latest.ends_at >= MIN_REST:
            found += _too_long(person, first, latest, stretch)
            first, latest, stretch = shift, shift, []
            continue
        if shift.starts_at >= latest.ends_at:  # a gap; an overlap is a conflict of its own
            stretch.append((latest, shift))
        if shift.ends_at > latest.ends_at:
            latest = shift
    found += _too_long(person, first, latest, stretch)
    return found


def _too_long(
    person: Person,
    first: ShiftLike | None,
    latest: ShiftLike | None,
    gaps: list[tuple[ShiftLike, ShiftLike]],
) -> list[Conflict]:
    if first is None or latest is None or latest.ends_at - first.starts_at <= LONGEST_STRETCH:
        return []
    return [
        _conflict(
            ConflictKind.SHORT_REST,
            person,
            (before, after),
            f"only {duration_text(_minutes(after.starts_at - before.ends_at))} of rest between "
            f"{before.label} and {after.label} (11 h needed)",
        )
        for before, after in gaps
    ]


def over_contract(person: Person, shifts: Sequence[ShiftLike], monday: date) -> list[Conflict]:
    """``person``'s desk and training time in the week starting ``monday``, when it is more
    than their contracted minutes."""
    if person.contracted_minutes is None:
        return []
    sunday = monday + timedelta(days=6)
    work = [s for s in shifts if s.kind in WORK_KINDS and monday <= s.day <= sunday]
    minutes = sum(_minutes(s.ends_at - s.starts_at) for s in work)
    if minutes <= person.contracted_minutes:
        return []
    return [
        _conflict(
            ConflictKind.OVER_CONTRACT,
            person,
            work,
            f"{duration_text(minutes)} rostered in the week of {day_text(monday)}, "
            f"{duration_text(minutes - person.contracted_minutes)} over the "
            f"{duration_text(person.contracted_minutes)} contracted",
        )
    ]


def too_many_on_call_weeks(
    person: Person, shifts: Sequence[ShiftLike], monday: date, maximum: int
) -> list[Conflict]:
    """``person`` on call in more than ``maximum`` of the 4 weeks ending with the week of
    ``monday``, when they are on call in that week."""
    first = monday - WEEK * (ON_CALL_WINDOW_WEEKS - 1)
    on_call = [s for s in shifts if s.kind is ShiftKind.ON_CALL and first <= s.day < monday + WEEK]
    this_week = [s for s in on_call if s.day >= monday]
    weeks = {monday_of(s.day) for s in on_call}
    if not this_week or len(weeks) <= maximum:
        return []
    return [
        _conflict(
            ConflictKind.ON_CALL_WEEKS,
            person,
            this_week,
            f"on call in {len(weeks)} of the {ON_CALL_WINDOW_WEEKS} weeks to "
            f"{day_text(monday + timedelta(days=6))}, more than the {maximum} allowed",
        )
    ]


def _conflict(
    kind: ConflictKind, person: Person, shifts: Sequence[ShiftLike], what: str
) -> Conflict:
    return Conflict(
        kind=kind,
        staff_id=person.id,
        shift_ids=tuple(s.id for s in shifts),
        days=tuple(sorted({s.day for s in shifts})),
        message=f"{person.name}: {what}",
    )


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)
