"""The rotation generator: a shift type (on call, most often) week by week in a chosen order of
people, previewed as a plan before anything is written.

Week by week, the turn goes to the next person in the order, round and round. A person on
leave or sick during any of the week's shifts is skipped, said in words, and the next in
order takes the week; the turn then goes on from whoever took it, so the order keeps
rotating. A week where everyone is away is listed as uncovered, for the manager to solve by
hand. Each week's shifts are on the chosen weekdays, at the type's usual hours or hours given
per weekday (local at the site; an end at or before the start is the next day). A shift
already on the roster (same person, type, site and times) is not planned again, so running
the same rotation twice adds nothing.

:func:`plan_rotation` only reads; :func:`write_rotation` writes the plan the manager saw in
one transaction (:attr:`Action.EDIT_ROSTER`, one ROSTER_CHANGED audit row), refusing it
whole if a person was deactivated or the type retired meanwhile.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, and_, or_
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import ValidationError
from app.org.sites import WEEKDAYS
from app.permissions import Action, require
from app.roster.local_time import WEEK, clock_text, day_text, parse_clock, span_to_utc
from app.roster.shifts import shift_label
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.enums import ShiftKind
from models.org import Site, Staff
from models.roster import Shift, ShiftType

log = logging.getLogger(__name__)

MAX_WEEKS = 52
AWAY_KINDS = tuple(kind for kind in ShiftKind if kind.is_away)
_REACH = timedelta(hours=26)  # no shift is longer: an earlier start cannot reach the range


@dataclass(frozen=True)
class PlannedShift:
    """One shift a rotation would add, in local hours at the site and in UTC."""

    day: date
    starts: str
    ends: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class RotationWeek:
    """Who takes one week, what it adds, and whom it skipped and why."""

    monday: date
    staff_id: uuid.UUID | None  # None: everyone is away, the week is uncovered
    name: str  # "" when uncovered
    shifts: tuple[PlannedShift, ...]  # to add (those already on the roster left out)
    skipped: tuple[str, ...]  # "Ann Operator is away: Leave Tue 08 Dec 00:00-00:00 at HQ"

    @property
    def uncovered(self) -> bool:
        return self.staff_id is None

    @property
    def text(self) -> str:
        """ "Week of Mon 07 Dec: Bob Tech (Ann Operator is away: ...)"."""
        who = self.name or "nobody: everyone is away"
        why = f" ({'; '.join(self.skipped)})" if self.skipped else ""
        return f"Week of {day_text(self.monday)}: {who}{why}"


@dataclass(frozen=True)
class RotationPlan:
    """A previewed rotation of one shift type at one site."""

    shift_type_id: uuid.UUID
    type_name: str
    site_id: uuid.UUID
    site_code: str
    weeks: tuple[RotationWeek, ...]

    @property
    def shift_count(self) -> int:
        return sum(len(w.shifts) for w in self.weeks)


@dataclass(frozen=True)
class _Away:
    starts_at: datetime
    ends_at: datetime
    label: str


def plan_rotation(
    engine: Engine,
    shift_type_id: uuid.UUID,
    site_id: uuid.UUID,
    people: Sequence[uuid.UUID],
    first_monday: date,
    weeks: int,
    *,
    days: Collection[int] = range(7),
    hours: Mapping[int, tuple[str, str]] | None = None,
) -> RotationPlan:
    """The rotation of ``shift_type_id`` at ``site_id`` among ``people`` (in turn order) for
    ``weeks`` weeks from ``first_monday``, on weekdays ``days`` (0 Monday) at the type's
    usual hours or ``hours[weekday]`` = (starts, ends). Every problem is reported at once,
    at its field (``shift_type``, ``site``, ``people``, ``first_monday``, ``weeks``,
    ``days``, ``hours.N``)."""
    hours = dict(hours or {})
    problems = _plain_problems(people, first_monday, weeks, days, hours)
    with read_session(engine) as session:
        shift_type, site, staff = _read_choices(session, shift_type_id, site_id, people, problems)
        if problems or shift_type is None or site is None:
            raise ValidationError(problems)
        zone = ZoneInfo(site.timezone)
        planned = [
            _week_shifts(first_monday + WEEK * n, sorted(set(days)), hours, shift_type, zone)
            for n in range(weeks)
        ]
        start = min(s.starts_at for week in planned for s in week)
        end = max(s.ends_at for week in planned for s in week)
        away, existing = _roster_around(session, people, shift_type.id, site.id, start, end)
    cursor = 0
    result = []
    for number, shifts in enumerate(planned):
        skipped: list[str] = []
        taker: int | None = None
        for step in range(len(people)):
            index = (cursor + step) % len(people)
            person = people[index]
            clash = next((a for a in away[person] for s in shifts if _meets(a, s)), None)
            if clash is None:
                taker = index
                break
            skipped.append(f"{staff[person].name} is away: {clash.label}")
        monday = first_monday + WEEK * number
        if taker is None:
            result.append(RotationWeek(monday, None, "", (), tuple(skipped)))
            continue
        person = people[taker]
        cursor = taker + 1
        adds = tuple(s for s in shifts if (person, s.starts_at, s.ends_at) not in existing)
        result.append(RotationWeek(monday, person, staff[person].name, adds, tuple(skipped)))
    return RotationPlan(shift_type.id, shift_type.name, site.id, site.code, tuple(result))


def write_rotation(engine: Engine, actor_id: uuid.UUID, plan: RotationPlan) -> int:
    """Add the plan's shifts to the roster; returns how many. A shift that reached the
    roster since the preview (the same rotation written twice) is not added again."""
    people = list(dict.fromkeys(w.staff_id for w in plan.weeks if w.staff_id is not None))
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        problems: dict[str, str] = {}
        _read_choices(session, plan.shift_type_id, plan.site_id, people, problems)
        if problems:
            raise ValidationError(problems)
        planned = [s for w in plan.weeks for s in w.shifts]
        if not planned:
            return 0
        _, existing = _roster_around(
            session,
            people,
            plan.shift_type_id,
            plan.site_id,
            min(s.starts_at for s in planned),
            max(s.ends_at for s in planned),
        )
        added = 0
        for week in plan.weeks:
            for shift in week.shifts:
                if (
                    week.staff_id is None
                    or (week.staff_id, shift.starts_at, shift.ends_at) in existing
                ):
                    continue
                session.add(
                    Shift(
                        staff_id=week.staff_id,
                        shift_type_id=plan.shift_type_id,
                        site_id=plan.site_id,
                        starts_at=shift.starts_at,
                        ends_at=shift.ends_at,
                    )
                )
                added += 1
        if not added:
            return 0
        detail = _audit_text(plan, added)
        record(session, actor_id, AuditKind.ROSTER_CHANGED, detail)
        log.info("%s", detail)
        return added


def _plain_problems(
    people: Sequence[uuid.UUID],
    first_monday: date,
    weeks: int,
    days: Collection[int],
    hours: Mapping[int, tuple[str, str]],
) -> dict[str, str]:
    """What is wrong with the choices before anything is read."""
    problems: dict[str, str] = {}
    if not people:
        problems["people"] = "Choose the people of the rotation, in the order they take turns."
    elif len(set(people)) != len(people):
        problems["people"] = "Someone is in the order twice; list each person once."
    if first_monday.weekday() != 0:
        problems["first_monday"] = f"{day_text(first_monday)} is not a Monday; start on a Monday."
    if not 1 <= weeks <= MAX_WEEKS:
        problems["weeks"] = f"Plan from 1 to {MAX_WEEKS} weeks at a time."
    if not days or any(d not in range(7) for d in days):
        problems["days"] = "Choose the weekdays of the rotation's shifts, Monday to Sunday."
    for weekday, (starts, ends) in hours.items():
        where = f"hours.{weekday}"
        if weekday not in days:
            name = WEEKDAYS[weekday] if weekday in range(7) else str(weekday)
            problems[where] = (
                f"{name} is not one of the rotation's days; choose it or drop its hours."
            )
        elif parse_clock(starts) is None or parse_clock(ends) is None:
            problems[where] = (
                "Type the hours as HH:MM on the 24-hour clock, such as 17:00 to 08:00 (an end "
                "at or before the start is on the next day)."
            )
    return problems


def _read_choices(
    session: Session,
    shift_type_id: uuid.UUID,
    site_id: uuid.UUID,
    people: Iterable[uuid.UUID],
    problems: dict[str, str],
) -> tuple[ShiftType | None, Site | None, dict[uuid.UUID, Staff]]:
    """The type, site and people, with a problem added for each that cannot be used."""
    shift_type = session.get(ShiftType, shift_type_id)
    if shift_type is None:
        problems["shift_type"] = "That shift type no longer exists; choose another."
    elif shift_type.retired:
        problems["shift_type"] = f"{shift_type.name} is retired; choose a current shift type."
    site = session.get(Site, site_id)
    if site is None:
        problems["site"] = "That site no longer exists; choose another."
    wanted = set(people)
    staff = {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(wanted))).all()}
    inactive = sorted(s.name for s in staff.values() if not s.active)
    if wanted - set(staff):
        problems["people"] = (
            "Someone chosen is not on this database any more; refresh and choose again."
        )
    elif inactive:
        problems["people"] = (
            f"{', '.join(inactive)} {'is' if len(inactive) == 1 else 'are'} deactivated; take "
            "them out of the order or reactivate them on the Staff page."
        )
    return shift_type, site, staff


def _week_shifts(
    monday: date,
    days: list[int],
    hours: Mapping[int, tuple[str, str]],
    shift_type: ShiftType,
    zone: ZoneInfo,
) -> list[PlannedShift]:
    shifts = []
    for weekday in days:
        starts_text, ends_text = hours.get(weekday, (shift_type.starts, shift_type.ends))
        starts, ends = _clock(starts_text), _clock(ends_text)
        day = monday + timedelta(days=weekday)
        starts_at, ends_at = span_to_utc(day, starts, ends, zone)
        shifts.append(PlannedShift(day, clock_text(starts), clock_text(ends), starts_at, ends_at))
    return shifts


def _clock(text: str) -> time:
    parsed = parse_clock(text)
    if parsed is None:  # the type's own hours: checked when the type was saved
        raise ValueError(f"{text!r} is not a time of day")
    return parsed


def _roster_around(
    session: Session,
    people: Iterable[uuid.UUID],
    shift_type_id: uuid.UUID,
    site_id: uuid.UUID,
    start: datetime,
    end: datetime,
) -> tuple[dict[uuid.UUID, list[_Away]], set[tuple[uuid.UUID, datetime, datetime]]]:
    """In one query: the people's leave and sickness reaching into ``start``..``end``, and
    their shifts of this type at this site already there (person, start, end)."""
    found = session.exec(
        select(Shift, ShiftType, Site)
        .join(ShiftType, col(ShiftType.id) == col(Shift.shift_type_id))
        .join(Site, col(Site.id) == col(Shift.site_id))
        .where(
            col(Shift.staff_id).in_(set(people)),
            col(Shift.starts_at) > start - _REACH,
            col(Shift.starts_at) < end,
            or_(
                col(ShiftType.kind).in_(AWAY_KINDS),
                and_(col(Shift.shift_type_id) == shift_type_id, col(Shift.site_id) == site_id),
            ),
        )
    ).all()
    away: dict[uuid.UUID, list[_Away]] = defaultdict(list)
    existing = set()
    for shift, shift_type, site in found:
        if shift_type.kind.is_away and shift.ends_at > start:
            zone = ZoneInfo(site.timezone)
            starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
            label = shift_label(
                shift_type.name, starts.date(), clock_text(starts), clock_text(ends), site.code
            )
            away[shift.staff_id].append(_Away(shift.starts_at, shift.ends_at, label))
        elif shift.shift_type_id == shift_type_id and shift.site_id == site_id:
            existing.add((shift.staff_id, shift.starts_at, shift.ends_at))
    return away, existing


def _meets(away: _Away, shift: PlannedShift) -> bool:
    return away.starts_at < shift.ends_at and shift.starts_at < away.ends_at


def _audit_text(plan: RotationPlan, added: int) -> str:
    """ "Rotation of On call at HQ from Mon 07 Dec: Ann Operator, week of Mon 07 Dec; ...;
    nobody, week of Mon 21 Dec (everyone away); 21 shifts"."""
    weeks = "; ".join(
        f"{w.name or 'nobody'}, week of {day_text(w.monday)}"
        + (" (everyone away)" if w.uncovered else "")
        for w in plan.weeks
    )
    first = day_text(plan.weeks[0].monday)
    return (
        f"Rotation of {plan.type_name} at {plan.site_code} from {first}: {weeks}; "
        f"{added} shift{'s' if added != 1 else ''}"
    )
