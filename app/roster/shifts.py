"""Writing the roster: adding, changing, removing, moving and copying shifts.

A shift is typed as a :class:`ShiftDraft`: a person, a shift type, a site, the local day at
the site and wall-clock hours ("07:00"-"15:00"; an end at or before the start is on the next
day, so "17:00"-"08:00" is a night and "00:00"-"00:00" a whole day). :func:`to_utc` turns
it into the UTC instants stored (:mod:`app.roster.local_time` says how a clock change is
handled). A shift may also be given by its instants (:class:`TimedShift`), which is the only
way to give one that ends before it starts, and that is refused.

Every write checks :attr:`Action.EDIT_ROSTER` in its transaction and writes one audit row
(ROSTER_CHANGED) saying the change in words ("Added Bob Tech: Desk early Mon 30 Nov
07:00-15:00 at HQ"), about the person whose roster it is; a change that changes nothing
writes none. Refused, each at its field, with nothing saved: an unknown person, shift type or
site; a deactivated person or a retired type given a shift (a shift they already have may
still be changed); hours that are not HH:MM; a shift that ends before it starts or lasts more
than 24 hours on the site's clock (a whole day across the autumn change, 25 real hours, is 24
on the clock); a note over 200 characters.

Overlapping shifts are not refused: they are conflicts (:mod:`app.roster.conflicts`), which
the grid lists and marks, so a manager can rearrange a week one step at a time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Engine, or_
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from app.roster.local_time import (
    WEEK,
    check_monday,
    clock_text,
    day_text,
    local_day,
    parse_clock,
    span_to_utc,
    wall_hours,
    week_window,
)
from app.rows import existing
from models.audit import AuditKind
from models.engine import write_session
from models.org import Site, Staff, Team, TeamMember
from models.roster import Shift, ShiftType
from models.training import Course, SessionAttendee, TrainingSession

log = logging.getLogger(__name__)

MAX_NOTE = 200  # Shift.note's column
LONGEST = timedelta(hours=24)


@dataclass(frozen=True)
class ShiftDraft:
    """A shift as a person types it: local day and wall-clock hours at the site."""

    staff_id: uuid.UUID
    shift_type_id: uuid.UUID
    site_id: uuid.UUID
    day: date  # the local day at the site on which it starts
    starts: str  # "HH:MM"
    ends: str  # "HH:MM"; at or before ``starts``: the next day
    note: str = ""


@dataclass(frozen=True)
class TimedShift:
    """A shift given by its instants (aware datetimes) rather than by local hours."""

    staff_id: uuid.UUID
    shift_type_id: uuid.UUID
    site_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    note: str = ""


@dataclass(frozen=True)
class _Checked:
    """A shift that passed every rule, with the rows its audit text names."""

    staff: Staff
    shift_type: ShiftType
    site: Site
    starts_at: datetime
    ends_at: datetime
    note: str

    def label(self) -> str:
        return _label(self.shift_type, self.site, self.starts_at, self.ends_at, self.note)

    def text(self) -> str:
        return f"{self.staff.name}: {self.label()}"

    def row(self) -> Shift:
        return Shift(
            staff_id=self.staff.id,
            shift_type_id=self.shift_type.id,
            site_id=self.site.id,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            note=self.note,
        )


def to_utc(draft: ShiftDraft, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of ``draft`` at a site in ``zone``; hours that are not HH:MM
    are refused at their field (``starts``, ``ends``)."""
    starts, ends = _clocks(draft)
    if starts is None or ends is None:
        raise ValidationError(_clock_problems(starts, ends))
    return span_to_utc(draft.day, starts, ends, zone)


def shift_label(
    type_name: str, day: date, starts: str, ends: str, site_code: str, note: str = ""
) -> str:
    """A shift in words: "Desk early Mon 30 Nov 07:00-15:00 at HQ (covers Ann)"."""
    text = f"{type_name} {day_text(day)} {starts}-{ends} at {site_code}"
    return f"{text} ({note})" if note else text


def _label(
    shift_type: ShiftType, site: Site, starts_at: datetime, ends_at: datetime, note: str
) -> str:
    zone = ZoneInfo(site.timezone)
    starts, ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
    return shift_label(
        shift_type.name, starts.date(), clock_text(starts), clock_text(ends), site.code, note
    )


def in_team(team_id: uuid.UUID) -> ColumnElement[bool]:
    """Whether a staff member is in ``team_id``: a member, or it is their home team (which
    makes them one, :func:`app.org.teams.join_home_team`, even where the row is missing)."""
    members = select(TeamMember.staff_id).where(col(TeamMember.team_id) == team_id)
    return or_(col(Staff.team_id) == team_id, col(Staff.id).in_(members))


# -- writes -----------------------------------------------------------------------------------


def save_shift(
    engine: Engine,
    actor_id: uuid.UUID,
    shift: ShiftDraft | TimedShift,
    shift_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Add a shift (``shift_id`` None) or change one; returns its id."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        current = _changeable(session, shift_id) if shift_id is not None else None
        checked = _check(session, shift, current)
        if current is None:
            row = checked.row()
            session.add(row)
            session.flush()
            _audit(session, actor_id, f"Added {checked.text()}", checked.staff.id)
            return row.id
        before = _describe_row(session, current)
        _apply(current, checked)
        after = checked.text()
        if after != before:
            _audit(session, actor_id, f"Changed {before} → {after}", checked.staff.id)
        return current.id


def delete_shift(engine: Engine, actor_id: uuid.UUID, shift_id: uuid.UUID) -> None:
    """Take a shift off the roster (Delete on its cell)."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        row = _changeable(session, shift_id)
        text = _describe_row(session, row)
        session.delete(row)
        _audit(session, actor_id, f"Removed {text}", row.staff_id)


def move_shift(
    engine: Engine, actor_id: uuid.UUID, shift_id: uuid.UUID, staff_id: uuid.UUID, day: date
) -> None:
    """Give a shift to ``staff_id`` on ``day`` (a drag to another cell), keeping its local
    hours, type, site and note."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        row = _changeable(session, shift_id)
        draft = _draft_of(session, row, staff_id, day)
        checked = _check(session, draft, row)
        before = _describe_row(session, row)
        _apply(row, checked)
        after = checked.text()
        if after != before:
            _audit(session, actor_id, f"Moved {before} → {after}", staff_id)


def copy_shifts(
    engine: Engine,
    actor_id: uuid.UUID,
    shift_ids: Sequence[uuid.UUID],
    staff_id: uuid.UUID,
    day: date,
) -> list[uuid.UUID]:
    """Paste copies of ``shift_ids`` for ``staff_id``, the earliest on ``day`` and the
    others as many days after it as they were after the earliest; each keeps its local
    hours, type, site and note. Returns the copies' ids."""
    if not shift_ids:
        return []
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        rows = sorted((_shift(session, i) for i in set(shift_ids)), key=lambda r: r.starts_at)
        first = _local_day_of(session, rows[0])
        checked = [
            _check(
                session,
                _draft_of(session, r, staff_id, day + (_local_day_of(session, r) - first)),
                None,
            )
            for r in rows
        ]
        copies = [c.row() for c in checked]
        session.add_all(copies)
        session.flush()
        said = "; ".join(c.label() for c in checked)
        _audit(session, actor_id, f"Copied to {checked[0].staff.name}: {said}", staff_id)
        return [c.id for c in copies]


def copy_week(
    engine: Engine,
    actor_id: uuid.UUID,
    monday: date,
    site_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
) -> int:
    """Copy the week starting ``monday`` (local days at each shift's site) to the week after,
    keeping local hours; returns how many shifts were added. Only shifts at ``site_id`` and
    of the members of ``team_id`` when given, and only what makes a pattern of work: leave,
    sickness, deactivated people and retired types are left behind, and a copy identical to
    a shift already in the next week is skipped."""
    check_monday(monday)
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        query = (
            select(Shift, ShiftType, Site)
            .join(ShiftType, col(ShiftType.id) == col(Shift.shift_type_id))
            .join(Site, col(Site.id) == col(Shift.site_id))
            .join(Staff, col(Staff.id) == col(Shift.staff_id))
        )
        if site_id is not None:
            query = query.where(col(Shift.site_id) == site_id)
        if team_id is not None:
            query = query.where(in_team(team_id))
        start, end = week_window(monday, WEEK)
        found = session.exec(
            query.where(
                col(Shift.starts_at) >= start,
                col(Shift.starts_at) < end,
                col(Staff.active),
                col(ShiftType.retired).is_(False),
            )
        ).all()
        this_week, next_week = [], set()
        for row, shift_type, site in found:
            shown = local_day(row.starts_at, ZoneInfo(site.timezone))
            if monday <= shown < monday + WEEK and not shift_type.kind.is_away:
                this_week.append((row, site))
            elif monday + WEEK <= shown < monday + 2 * WEEK:
                next_week.add(_identity(row))
        copies = []
        for row, site in this_week:
            zone = ZoneInfo(site.timezone)
            draft = _draft_of(session, row, row.staff_id, local_day(row.starts_at, zone) + WEEK)
            starts_at, ends_at = to_utc(draft, zone)
            copy = Shift(
                staff_id=row.staff_id,
                shift_type_id=row.shift_type_id,
                site_id=row.site_id,
                starts_at=starts_at,
                ends_at=ends_at,
                note=row.note,
            )
            if _identity(copy) not in next_week:
                next_week.add(_identity(copy))
                copies.append(copy)
        if not copies:
            return 0
        session.add_all(copies)
        scope = _scope_text(session, site_id, team_id)
        _audit(
            session,
            actor_id,
            f"Copied the week of {day_text(monday)}{scope} to the week of "
            f"{day_text(monday + WEEK)}: {len(copies)} shift{'s' if len(copies) != 1 else ''}",
            None,
        )
        return len(copies)


# -- checks -----------------------------------------------------------------------------------


def _check(session: Session, shift: ShiftDraft | TimedShift, current: Shift | None) -> _Checked:
    """``shift`` with its person, type and site read, or every problem at its field. A
    deactivated person or retired type counts only when the change gives them the shift."""
    problems: dict[str, str] = {}
    staff = session.get(Staff, shift.staff_id)
    if staff is None:
        problems["staff"] = "That person is not on this database any more; refresh the roster."
    elif not staff.active and (current is None or current.staff_id != staff.id):
        problems["staff"] = (
            f"{staff.name} is deactivated; reactivate them on the Staff page before giving "
            "them shifts."
        )
    shift_type = session.get(ShiftType, shift.shift_type_id)
    if shift_type is None:
        problems["shift_type"] = "That shift type no longer exists; choose another."
    elif shift_type.retired and (current is None or current.shift_type_id != shift_type.id):
        problems["shift_type"] = f"{shift_type.name} is retired; choose a current shift type."
    site = session.get(Site, shift.site_id)
    if site is None:
        problems["site"] = "That site no longer exists; choose another."
    note = " ".join(shift.note.split())
    if len(note) > MAX_NOTE:
        problems["note"] = f"The note has {len(note)} characters; shorten it to {MAX_NOTE}."
    zone = ZoneInfo(site.timezone) if site is not None else None
    times = _times(shift, zone, problems)
    if problems or staff is None or shift_type is None or site is None or times is None:
        raise ValidationError(problems)
    return _Checked(staff, shift_type, site, times[0], times[1], note)


def _times(
    shift: ShiftDraft | TimedShift, zone: ZoneInfo | None, problems: dict[str, str]
) -> tuple[datetime, datetime] | None:
    """The shift's UTC instants, or None with its problems added (None too while the site
    is unknown: its zone is needed)."""
    if isinstance(shift, ShiftDraft):
        starts, ends = _clocks(shift)
        if starts is None or ends is None:
            problems.update(_clock_problems(starts, ends))
            return None
        return span_to_utc(shift.day, starts, ends, zone) if zone is not None else None
    if shift.starts_at.tzinfo is None or shift.ends_at.tzinfo is None:
        problems["starts"] = "The shift's times have no time zone; give them in UTC or with one."
        return None
    if zone is None:
        return None
    starts_at, ends_at = shift.starts_at, shift.ends_at
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if ends_at <= starts_at:
        problems["ends"] = (
            f"The shift ends ({day_text(local_end.date())} {clock_text(local_end)}) before it "
            f"starts ({day_text(local_start.date())} {clock_text(local_start)}); "
            "give an end after the start."
        )
    elif wall_hours(starts_at, ends_at, zone) > LONGEST:
        hours = wall_hours(starts_at, ends_at, zone).total_seconds() / 3600
        problems["ends"] = (
            f"The shift lasts {hours:g} hours; a shift lasts at most 24, so split it into one "
            "shift per day."
        )
    return None if problems else (starts_at, ends_at)


def _clocks(draft: ShiftDraft) -> tuple[time | None, time | None]:
    return parse_clock(draft.starts), parse_clock(draft.ends)


def _clock_problems(starts: time | None, ends: time | None) -> dict[str, str]:
    problems = {}
    if starts is None:
        problems["starts"] = "Type the start as HH:MM on the 24-hour clock, such as 07:00."
    if ends is None:
        problems["ends"] = (
            "Type the end as HH:MM on the 24-hour clock, such as 15:00 (an end at or before "
            "the start is on the next day)."
        )
    return problems


# -- helpers ----------------------------------------------------------------------------------


def _shift(session: Session, shift_id: uuid.UUID) -> Shift:
    return existing(
        session, Shift, shift_id, "That shift was removed meanwhile; the roster is read again."
    )


def _changeable(session: Session, shift_id: uuid.UUID) -> Shift:
    """A shift the roster may change: not one a training session booked (the booking owns
    its times; it is changed or cancelled on the training log, which moves the shift)."""
    row = _shift(session, shift_id)
    booking = session.exec(
        select(TrainingSession.starts_at, Course.name)
        .join(SessionAttendee, col(SessionAttendee.session_id) == col(TrainingSession.id))
        .join(Course, col(Course.id) == col(TrainingSession.course_id))
        .where(SessionAttendee.shift_id == row.id)
    ).first()
    if booking is not None:
        starts, course = booking
        raise ValidationError(
            {
                "shift": f"This shift is a booking on {course} "
                f"({day_text(local_day(starts, _zone_of(session, row)))}); change or cancel "
                "the booking on the training log."
            }
        )
    return row


def _zone_of(session: Session, row: Shift) -> ZoneInfo:
    site = session.get(Site, row.site_id)
    assert site is not None  # a foreign key, and sites are never deleted
    return ZoneInfo(site.timezone)


def _local_day_of(session: Session, row: Shift) -> date:
    return local_day(row.starts_at, _zone_of(session, row))


def _draft_of(session: Session, row: Shift, staff_id: uuid.UUID, day: date) -> ShiftDraft:
    """``row`` as a draft for ``staff_id`` on ``day``: the same local hours at its site."""
    zone = _zone_of(session, row)
    starts, ends = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
    return ShiftDraft(
        staff_id=staff_id,
        shift_type_id=row.shift_type_id,
        site_id=row.site_id,
        day=day,
        starts=clock_text(starts),
        ends=clock_text(ends),
        note=row.note,
    )


def _describe_row(session: Session, row: Shift) -> str:
    """ "Bob Tech: Desk early Mon 30 Nov 07:00-15:00 at HQ" for a stored shift."""
    staff, shift_type, site = (
        session.get(Staff, row.staff_id),
        session.get(ShiftType, row.shift_type_id),
        session.get(Site, row.site_id),
    )
    assert staff is not None and shift_type is not None and site is not None  # foreign keys
    return f"{staff.name}: {_label(shift_type, site, row.starts_at, row.ends_at, row.note)}"


def _apply(row: Shift, checked: _Checked) -> None:
    row.staff_id, row.shift_type_id = checked.staff.id, checked.shift_type.id
    row.site_id = checked.site.id
    row.starts_at, row.ends_at, row.note = checked.starts_at, checked.ends_at, checked.note


def _identity(row: Shift) -> tuple[object, ...]:
    """What makes two shifts the same shift."""
    return (row.staff_id, row.shift_type_id, row.site_id, row.starts_at, row.ends_at)


def _scope_text(session: Session, site_id: uuid.UUID | None, team_id: uuid.UUID | None) -> str:
    parts = []
    if site_id is not None and (site := session.get(Site, site_id)) is not None:
        parts.append(f"at {site.code}")
    if team_id is not None and (team := session.get(Team, team_id)) is not None:
        parts.append(f"team {team.name}")
    return f" ({', '.join(parts)})" if parts else ""


def _audit(session: Session, actor_id: uuid.UUID, detail: str, staff_id: uuid.UUID | None) -> None:
    record(session, actor_id, AuditKind.ROSTER_CHANGED, detail, subject_id=staff_id)
    log.info("%s", detail)
