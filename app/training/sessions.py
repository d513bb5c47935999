"""Training sessions: the days a course is given, where, by whom, for how many, and who attends.

A session is typed as a person plans it, in the site's own time: a local day and hours
(``SessionDraft``), stored in UTC so that a session on the day the clocks change has its
true length; a time the clocks skip that day is refused. A course of several days is a
session per day, as each is a day on the roster.

Booking someone puts the session on their roster: a shift of the current training shift type
(:func:`app.roster.shift_types.type_of_kind`) at the session's site and hours, remembered on
the booking (``SessionAttendee.shift_id``). Unbooking removes that shift, moving the session
moves its shifts, and cancelling it removes them all. The roster shows a training shift that
overlaps another like any other conflict; booking does not refuse it.

Everyone reads the sessions; managers and admins plan them (:data:`Action.EDIT_TRAINING_LOG`).
Each change is checked and audited (``COURSE_CHANGED``, in words) in its own transaction. A
full session refuses one more booking; the session's row is locked while its places are
counted, so two managers booking the last place at once cannot both have it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import NotFoundError, ValidationError
from app.org.sites import day_text
from app.permissions import Action, require
from app.roster.local_time import existing_wall_to_utc, parse_clock
from app.roster.shift_types import type_of_kind
from app.rows import existing
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.enums import ShiftKind
from models.org import Site, Staff
from models.roster import Shift
from models.training import Completion, Course, SessionAttendee, TrainingSession

log = logging.getLogger(__name__)

MAX_PLACE = 120  # TrainingSession.place's column
MAX_TRAINER = 120  # TrainingSession.trainer's column


@dataclass(frozen=True)
class SessionDraft:
    """A session as a person plans it: a day and hours ("09:00") in the site's time zone."""

    course_id: uuid.UUID
    site_id: uuid.UUID
    day: date
    starts: str
    ends: str
    place: str = ""
    trainer: str = ""
    capacity: int | None = None  # None: as many as come


@dataclass(frozen=True)
class Attendee:
    """Someone booked on a session."""

    staff_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class SessionRow:
    """A session as the training log lists it; ``draft`` is what its editor starts from."""

    id: uuid.UUID
    draft: SessionDraft
    course: str
    site: str  # the site's code
    starts_at: datetime  # UTC
    ends_at: datetime
    attendees: tuple[Attendee, ...]  # by name

    @property
    def places_left(self) -> int | None:
        """Places still free; None where the session takes as many as come."""
        capacity = self.draft.capacity
        return None if capacity is None else max(0, capacity - len(self.attendees))


def list_sessions(
    engine: Engine, *, course_id: uuid.UUID | None = None, since: datetime | None = None
) -> list[SessionRow]:
    """The sessions (of one course, if given; those ending after ``since``, if given), the
    earliest first, each with who attends."""
    query = (
        select(TrainingSession, Course.name, Site)
        .join(Course, col(Course.id) == col(TrainingSession.course_id))
        .join(Site, col(Site.id) == col(TrainingSession.site_id))
        .order_by(col(TrainingSession.starts_at), func.lower(Course.name))
    )
    if course_id is not None:
        query = query.where(col(TrainingSession.course_id) == course_id)
    if since is not None:
        query = query.where(col(TrainingSession.ends_at) > since)
    with read_session(engine) as session:
        found = session.exec(query).all()
        booked = session.exec(
            select(SessionAttendee.session_id, Staff.id, Staff.name)
            .join(Staff, col(Staff.id) == col(SessionAttendee.staff_id))
            .where(col(SessionAttendee.session_id).in_([row.id for row, _, _ in found]))
            .order_by(func.lower(Staff.name))
        ).all()
    attendees: dict[uuid.UUID, list[Attendee]] = {}
    for session_id, staff_id, name in booked:
        attendees.setdefault(session_id, []).append(Attendee(staff_id, name))
    return [
        SessionRow(
            id=row.id,
            draft=_draft_of(row, site),
            course=course,
            site=site.code,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            attendees=tuple(attendees.get(row.id, ())),
        )
        for row, course, site in found
    ]


def save_session(
    engine: Engine, actor_id: uuid.UUID, draft: SessionDraft, session_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Plan a session (``session_id`` None) or change one, moving its attendees' training
    shifts with it; returns its id. Every broken rule is a problem at its field (``course``,
    ``site``, ``starts``, ``ends``, ``place``, ``trainer``, ``capacity``) and nothing is saved."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
        training = _training(session, session_id, lock=True) if session_id is not None else None
        course, site, clean, starts_at, ends_at = _checked(session, draft, training)
        after = _facts(course, site, clean)
        if training is None:
            training = TrainingSession(course_id=course.id, starts_at=starts_at, ends_at=ends_at)
            session.add(training)
            detail = f"Added a session of {after.pop('course')}: " + ", ".join(after.values())
        else:
            old_site = _site(session, training.site_id)
            before = _facts(
                _course(session, training.course_id), old_site, _draft_of(training, old_site)
            )
            changes = [f"{before[k]} → {after[k]}" for k in before if before[k] != after[k]]
            if not changes:
                return training.id
            detail = f"Session of {before['course']} on {before['when']}: " + "; ".join(changes)
        training.course_id, training.site_id = course.id, site.id
        training.starts_at, training.ends_at = starts_at, ends_at
        training.place, training.trainer, training.capacity = (
            clean.place,
            clean.trainer,
            clean.capacity,
        )
        session.flush()
        for shift in _shifts(session, training.id):
            shift.site_id, shift.starts_at, shift.ends_at = site.id, starts_at, ends_at
            shift.note = _note(course)
        record(session, actor_id, AuditKind.COURSE_CHANGED, detail, subject_id=course.id)
        log.info("%s", detail)
        return training.id


def cancel_session(engine: Engine, actor_id: uuid.UUID, session_id: uuid.UUID) -> None:
    """Call a session off: its bookings and their training shifts go with it. A session
    someone's completion was recorded against has taken place and is refused."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
        training = _training(session, session_id, lock=True)
        course = _course(session, training.course_id)
        when = _when(training, _site(session, training.site_id))
        done = session.exec(
            select(func.count()).where(col(Completion.session_id) == session_id)
        ).one()
        if done:
            raise ValidationError(
                {
                    "session": f"The session of {course.name} on {when} has completions "
                    "recorded against it, so it took place; it stays in the log."
                }
            )
        bookings = session.exec(
            select(SessionAttendee).where(col(SessionAttendee.session_id) == session_id)
        ).all()
        shifts = _shifts(session, session_id)
        for booking in bookings:
            session.delete(booking)
        session.flush()
        for shift in shifts:
            session.delete(shift)
        session.delete(training)
        names = session.exec(
            select(Staff.name)
            .where(col(Staff.id).in_([booking.staff_id for booking in bookings]))
            .order_by(func.lower(Staff.name))
        ).all()
        booked = f"; {', '.join(names)} taken off it with their training shifts" if names else ""
        detail = f"Cancelled the session of {course.name} on {when}{booked}"
        record(session, actor_id, AuditKind.COURSE_CHANGED, detail, subject_id=course.id)
    log.info("%s", detail)


def book(engine: Engine, actor_id: uuid.UUID, session_id: uuid.UUID, staff_id: uuid.UUID) -> None:
    """Book a person on a session and put it on their roster as a training shift. Refuses
    (at ``attendee``) someone deactivated or booked already, and a full session."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
        training = _training(session, session_id, lock=True)
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise NotFoundError(
                "That person is not on this database any more; refresh the list and choose again."
            )
        course, site = _course(session, training.course_id), _site(session, training.site_id)
        when = _when(training, site)
        problem = _booking_problem(session, training, staff, course)
        if problem:
            raise ValidationError({"attendee": problem})
        shift_type = type_of_kind(session, ShiftKind.TRAINING)
        if shift_type is None:
            raise ValidationError(
                {
                    "attendee": "No current shift type means training, so the session cannot "
                    "go on the roster; add one (or restore one) among the roster's shift types."
                }
            )
        shift = Shift(
            staff_id=staff.id,
            shift_type_id=shift_type.id,
            site_id=site.id,
            starts_at=training.starts_at,
            ends_at=training.ends_at,
            note=_note(course),
        )
        session.add(shift)
        session.flush()
        session.add(SessionAttendee(session_id=session_id, staff_id=staff.id, shift_id=shift.id))
        detail = f"Booked {staff.name} on {course.name}, {when} (a training shift on the roster)"
        record(session, actor_id, AuditKind.COURSE_CHANGED, detail, subject_id=staff.id)
    log.info("%s", detail)


def unbook(engine: Engine, actor_id: uuid.UUID, session_id: uuid.UUID, staff_id: uuid.UUID) -> None:
    """Take a person off a session and its training shift off their roster; someone not
    booked (any more) is left as they are."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
        training = _training(session, session_id, lock=True)
        booking = session.get(SessionAttendee, (session_id, staff_id))
        if booking is None:
            return
        shift = session.get(Shift, booking.shift_id) if booking.shift_id is not None else None
        session.delete(booking)
        session.flush()
        if shift is not None:
            session.delete(shift)
        name = session.exec(select(Staff.name).where(col(Staff.id) == staff_id)).one()
        course = _course(session, training.course_id)
        when = _when(training, _site(session, training.site_id))
        detail = f"Took {name} off {course.name}, {when} (and its training shift off the roster)"
        record(session, actor_id, AuditKind.COURSE_CHANGED, detail, subject_id=staff_id)
    log.info("%s", detail)


def _booking_problem(
    session: Session, training: TrainingSession, staff: Staff, course: Course
) -> str:
    if not staff.active:
        return f"{staff.name} is deactivated; reactivate them on the Staff page first."
    if session.get(SessionAttendee, (training.id, staff.id)) is not None:
        return f"{staff.name} is already booked on this session of {course.name}."
    if training.capacity is not None:
        booked = session.exec(
            select(func.count()).where(col(SessionAttendee.session_id) == training.id)
        ).one()
        if booked >= training.capacity:
            return (
                f"The session is full ({_places(training.capacity)}, all booked); give it "
                "more places or book another session."
            )
    return ""


def _checked(
    session: Session, draft: SessionDraft, training: TrainingSession | None
) -> tuple[Course, Site, SessionDraft, datetime, datetime]:
    """The draft's course and site, the draft tidied (times as 09:30, spaces trimmed), and
    its start and end in UTC; or a ValidationError naming every field that breaks a rule."""
    problems: dict[str, str] = {}
    course = session.get(Course, draft.course_id)
    if course is None:
        problems["course"] = "That course is not on this database any more; choose another."
    elif course.retired and (training is None or training.course_id != course.id):
        problems["course"] = f"{course.name} is retired; restore it first or choose another."
    site = session.get(Site, draft.site_id)
    if site is None:
        problems["site"] = "That site is not on this database any more; choose another."
    starts, ends = parse_clock(draft.starts), parse_clock(draft.ends)
    for key, text, wall in (("starts", draft.starts, starts), ("ends", draft.ends, ends)):
        if wall is None:
            problems[key] = f"{text.strip() or 'Nothing'} is no time of day; type it as 09:30."
    if starts is not None and ends is not None and ends <= starts:
        problems["ends"] = (
            f"The session ends at {draft.ends.strip()}, before it starts; a session is within "
            "one day (plan a session per day for a longer course)."
        )
    utc: dict[str, datetime] = {}
    if site is not None:
        zone = ZoneInfo(site.timezone)
        for key, wall in (("starts", starts), ("ends", ends)):
            moment = existing_wall_to_utc(draft.day, wall, zone) if wall is not None else None
            if moment is None and wall is not None:
                problems[key] = (
                    f"{wall:%H:%M} does not exist at {site.code} on {day_text(draft.day)}: the "
                    "clocks go forward then; choose another time."
                )
            elif moment is not None:
                utc[key] = moment
    place, trainer = draft.place.strip(), draft.trainer.strip()
    for key, value, limit in (("place", place, MAX_PLACE), ("trainer", trainer, MAX_TRAINER)):
        if len(value) > limit:
            problems[key] = f"Shorten this to {limit} characters or fewer."
    problems.update(_capacity_problems(session, draft.capacity, training))
    if problems or course is None or site is None:
        raise ValidationError(problems)
    clean = SessionDraft(
        course.id,
        site.id,
        draft.day,
        f"{utc['starts'].astimezone(ZoneInfo(site.timezone)):%H:%M}",
        f"{utc['ends'].astimezone(ZoneInfo(site.timezone)):%H:%M}",
        place,
        trainer,
        draft.capacity,
    )
    return course, site, clean, utc["starts"], utc["ends"]


def _capacity_problems(
    session: Session, capacity: int | None, training: TrainingSession | None
) -> dict[str, str]:
    if capacity is None:
        return {}
    if capacity < 1:
        return {"capacity": "A session has at least 1 place; leave it empty for no limit."}
    if training is None:
        return {}
    booked = session.exec(
        select(func.count()).where(col(SessionAttendee.session_id) == training.id)
    ).one()
    if booked > capacity:
        return {
            "capacity": f"{booked} people are booked already; take some off before giving the "
            f"session {_places(capacity)}."
        }
    return {}


def _draft_of(training: TrainingSession, site: Site) -> SessionDraft:
    zone = ZoneInfo(site.timezone)
    starts, ends = training.starts_at.astimezone(zone), training.ends_at.astimezone(zone)
    return SessionDraft(
        course_id=training.course_id,
        site_id=site.id,
        day=starts.date(),
        starts=f"{starts:%H:%M}",
        ends=f"{ends:%H:%M}",
        place=training.place,
        trainer=training.trainer,
        capacity=training.capacity,
    )


def _facts(course: Course, site: Site, draft: SessionDraft) -> dict[str, str]:
    """A session in words, to tell what a change changed."""
    places = _places(draft.capacity) if draft.capacity is not None else "no limit of places"
    return {
        "course": course.name,
        "when": _when_planned(draft, site),
        "place": f"place {draft.place or 'not given'}",
        "trainer": f"trainer {draft.trainer or 'not given'}",
        "capacity": places,
    }


def _when(training: TrainingSession, site: Site) -> str:
    """ "Tue 01 Dec 2026 09:00-17:00 at HQ"."""
    return _when_planned(_draft_of(training, site), site)


def _when_planned(draft: SessionDraft, site: Site) -> str:
    return f"{day_text(draft.day)} {draft.starts}-{draft.ends} at {site.code}"


def _places(count: int) -> str:
    return f"{count} place" if count == 1 else f"{count} places"


def _note(course: Course) -> str:
    """The note on an attendee's training shift."""
    return f"Training: {course.name}"


def _shifts(session: Session, session_id: uuid.UUID) -> list[Shift]:
    """The training shifts of a session's bookings."""
    return list(
        session.exec(
            select(Shift)
            .join(SessionAttendee, col(SessionAttendee.shift_id) == col(Shift.id))
            .where(col(SessionAttendee.session_id) == session_id)
        ).all()
    )


def _training(session: Session, session_id: uuid.UUID, *, lock: bool = False) -> TrainingSession:
    """The session, locked (PostgreSQL) when its bookings are about to be counted."""
    query = select(TrainingSession).where(col(TrainingSession.id) == session_id)
    found = session.exec(query.with_for_update() if lock else query).first()
    if found is None:
        raise NotFoundError(
            "That session is not on this database any more; refresh the list and choose again."
        )
    return found


def _course(session: Session, course_id: uuid.UUID) -> Course:
    return existing(
        session, Course, course_id, "That session's course is not on this database any more."
    )


def _site(session: Session, site_id: uuid.UUID | None) -> Site:
    site = session.get(Site, site_id) if site_id is not None else None
    if site is None:
        raise NotFoundError(
            "That session has no site; plan it again with the site where it is given."
        )
    return site
