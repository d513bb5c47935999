"""Completions: who finished which course, when, how, and until when it certifies them.

Who records what follows the permission table:

- a manager or an admin (:data:`Action.EDIT_TRAINING_LOG`) records anyone's completion, and
  it counts at once: they confirm it by recording it (``confirmed_by`` is them);
- anyone records their own (:data:`Action.RECORD_OWN_TRAINING`); it waits, unconfirmed, until a
  manager confirms it (:func:`confirm_completion`). On a shared server the database holds
  them to the same: a row policy lets a person insert only their own, unconfirmed;
- nobody else records someone else's.

Only a passed completion certifies, and only once confirmed: then the skill the course
teaches is added at the course's level, or raised to it (never lowered: a person may know
more than the course teaches). Its expiry is stored, computed from the course's validity on
the day it is recorded: ``completed_on`` plus the validity in calendar months, a month end
clamped (31 January + 1 month is the last day of February; 29 February 2028 + 12 months is
28 February 2029). A certificate is valid up to and including its expiry day; a fail or an
attendance certifies nothing, so nothing of theirs expires.

A completion is dated by the day the course ended, never after today where the person works
(their home site's time zone, else UTC). One person's completion of one course on one day is
one completion: recording it twice is refused, and the LMS import skips it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, Engine, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import NotFoundError, ValidationError
from app.org.sites import day_text
from app.permissions import Action, may, require
from app.rows import existing, gone
from app.training.skills import raise_skill
from models.audit import AuditKind
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import CompletionResult
from models.org import Site, Staff
from models.training import Completion, Course, TrainingSession

log = logging.getLogger(__name__)

MAX_CERTIFICATE = 120  # Completion.certificate's column


@dataclass(frozen=True)
class CompletionRow:
    """One completion as the training log lists it."""

    id: uuid.UUID
    staff_id: uuid.UUID
    staff: str
    course_id: uuid.UUID
    course: str
    completed_on: date
    result: CompletionResult
    certificate: str
    expires_on: date | None  # None: never expires, or certifies nothing (not passed)
    confirmed: bool
    recorded_by: str  # the recorder's name, "" where none is recorded


def expiry_for(completed_on: date, validity_months: int | None) -> date | None:
    """The last day a certificate of ``completed_on`` is valid: ``validity_months`` calendar
    months later, a month end clamped to the shorter month; None where it never expires."""
    if validity_months is None:
        return None
    return completed_on + relativedelta(months=validity_months)


def today_at(timezone: str | None) -> date:
    """Today in ``timezone`` (a site's), or in UTC where there is none."""
    now = utcnow()
    return now.astimezone(ZoneInfo(timezone)).date() if timezone else now.date()


def new_completion(
    course: Course,
    staff_id: uuid.UUID,
    completed_on: date,
    result: CompletionResult,
    certificate: str,
    recorded_by: uuid.UUID,
    *,
    confirmed: bool,
    session_id: uuid.UUID | None = None,
) -> Completion:
    """The completion row, with its expiry (a pass of a course with a validity only)."""
    passed = result is CompletionResult.PASSED
    return Completion(
        staff_id=staff_id,
        course_id=course.id,
        completed_on=completed_on,
        result=result,
        certificate=certificate,
        expires_on=expiry_for(completed_on, course.validity_months) if passed else None,
        session_id=session_id,
        recorded_by=recorded_by,
        confirmed_by=recorded_by if confirmed else None,
    )


def teaches(completion: Completion, course: Course) -> tuple[uuid.UUID, int] | None:
    """The skill and level ``completion`` of ``course`` gives: a confirmed pass of a course
    that teaches one; None for anything else."""
    if (
        completion.result is not CompletionResult.PASSED
        or completion.confirmed_by is None
        or course.skill_id is None
        or course.skill_level is None
    ):
        return None
    return course.skill_id, course.skill_level


def certify(session: Session, completion: Completion, course: Course) -> str:
    """Raise the skill a confirmed pass of ``course`` teaches, in the caller's unit of work;
    what changed in words ("" for nothing)."""
    taught = teaches(completion, course)
    return raise_skill(session, completion.staff_id, *taught) if taught is not None else ""


def record_completion(
    engine: Engine,
    actor_id: uuid.UUID,
    staff_id: uuid.UUID,
    course_id: uuid.UUID,
    completed_on: date,
    result: CompletionResult,
    certificate: str = "",
    session_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Record that ``staff_id`` finished ``course_id``; returns the completion's id. A
    manager's counts at once; someone's own waits for a manager (see the module). Each
    broken rule is a problem at its field (``staff``, ``course``, ``completed_on``,
    ``certificate``, ``session``), and nothing is saved."""
    certificate = certificate.strip()
    with write_session(engine) as session:
        if staff_id == actor_id:
            require(session, actor_id, Action.RECORD_OWN_TRAINING)
            actor = session.get(Staff, actor_id)
            confirmed = actor is not None and may(actor.role, Action.EDIT_TRAINING_LOG)
        else:
            require(session, actor_id, Action.EDIT_TRAINING_LOG)
            confirmed = True
        staff, course = _staff(session, staff_id), _course(session, course_id)
        problems = _problems(session, staff, course, completed_on, certificate, session_id)
        if problems:
            raise ValidationError(problems)
        completion = new_completion(
            course,
            staff.id,
            completed_on,
            result,
            certificate,
            actor_id,
            confirmed=confirmed,
            session_id=session_id,
        )
        session.add(completion)
        raised = certify(session, completion, course)
        waits = "" if confirmed else "; waits for a manager's confirmation"
        detail = _words(staff, course, completion) + (f"; {raised}" if raised else "") + waits
        record(session, actor_id, AuditKind.TRAINING_RECORDED, detail, subject_id=staff.id)
        log.info("%s", detail)
        return completion.id


def confirm_completion(engine: Engine, actor_id: uuid.UUID, completion_id: uuid.UUID) -> None:
    """Confirm a completion someone recorded for themselves, as a manager: from now on it
    counts, and a pass raises the course's skill. One confirmed already is left as it is."""
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_TRAINING_LOG)
        completion = session.exec(
            select(Completion).where(col(Completion.id) == completion_id).with_for_update()
        ).first()
        if completion is None:
            raise NotFoundError(
                "That completion is not on this database any more; refresh the list."
            )
        if completion.confirmed_by is not None:
            return
        completion.confirmed_by = actor_id
        staff = _staff(session, completion.staff_id)
        course = _course(session, completion.course_id)
        raised = certify(session, completion, course)
        detail = f"Confirmed: {_words(staff, course, completion)}" + (
            f"; {raised}" if raised else ""
        )
        record(session, actor_id, AuditKind.TRAINING_CONFIRMED, detail, subject_id=staff.id)
    log.info("%s", detail)


def completions_of(engine: Engine, staff_id: uuid.UUID) -> list[CompletionRow]:
    """A person's completions, the latest first."""
    return _rows(engine, col(Completion.staff_id) == staff_id, newest_first=True)


def awaiting_confirmation(engine: Engine) -> list[CompletionRow]:
    """The completions people recorded for themselves that no manager has confirmed yet,
    the oldest first."""
    return _rows(engine, col(Completion.confirmed_by).is_(None), newest_first=False)


def _rows(engine: Engine, where: ColumnElement[bool], *, newest_first: bool) -> list[CompletionRow]:
    recorder = aliased(Staff)
    order = col(Completion.completed_on).desc() if newest_first else col(Completion.recorded_at)
    query = (
        select(Completion, Staff.name, Course.name, recorder.name)
        .join(Staff, col(Staff.id) == col(Completion.staff_id))
        .join(Course, col(Course.id) == col(Completion.course_id))
        .outerjoin(recorder, col(recorder.id) == col(Completion.recorded_by))
        .where(where)
        .order_by(order, func.lower(Course.name))
    )
    with read_session(engine) as session:
        found = session.exec(query).all()
    return [
        CompletionRow(
            id=row.id,
            staff_id=row.staff_id,
            staff=staff,
            course_id=row.course_id,
            course=course,
            completed_on=row.completed_on,
            result=row.result,
            certificate=row.certificate,
            expires_on=row.expires_on,
            confirmed=row.confirmed_by is not None,
            recorded_by=recorded_by or "",
        )
        for row, staff, course, recorded_by in found
    ]


def _staff(session: Session, staff_id: uuid.UUID) -> Staff:
    return existing(session, Staff, staff_id, gone("person"))


def _course(session: Session, course_id: uuid.UUID) -> Course:
    return existing(session, Course, course_id, gone("course"))


def _problems(
    session: Session,
    staff: Staff,
    course: Course,
    completed_on: date,
    certificate: str,
    session_id: uuid.UUID | None,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not staff.active:
        problems["staff"] = f"{staff.name} is deactivated; reactivate them on the Staff page first."
    if course.retired:
        problems["course"] = f"{course.name} is retired; restore it first or choose another."
    zone = session.get(Site, staff.home_site_id) if staff.home_site_id is not None else None
    today = today_at(zone.timezone if zone is not None else None)
    if completed_on > today:
        problems["completed_on"] = (
            f"{day_text(completed_on)} is after today ({day_text(today)}) where {staff.name} "
            "works; record a course once it is done."
        )
    elif _recorded_already(session, staff.id, course.id, completed_on):
        problems["completed_on"] = (
            f"{staff.name}'s completion of {course.name} on {day_text(completed_on)} is "
            "recorded already."
        )
    if len(certificate) > MAX_CERTIFICATE:
        problems["certificate"] = f"Shorten the reference to {MAX_CERTIFICATE} characters or fewer."
    if session_id is not None:
        given = session.get(TrainingSession, session_id)
        if given is None or given.course_id != course.id:
            problems["session"] = f"Choose a session of {course.name}, or none."
    return problems


def _recorded_already(
    session: Session, staff_id: uuid.UUID, course_id: uuid.UUID, completed_on: date
) -> bool:
    return (
        session.exec(
            select(Completion.id).where(
                col(Completion.staff_id) == staff_id,
                col(Completion.course_id) == course_id,
                col(Completion.completed_on) == completed_on,
            )
        ).first()
        is not None
    )


def _words(staff: Staff, course: Course, completion: Completion) -> str:
    """ "Bob Tech passed ITIL 4 on Tue 24 Nov 2026 (certificate C-1), valid until ..."."""
    verb = {
        CompletionResult.PASSED: "passed",
        CompletionResult.FAILED: "failed",
        CompletionResult.ATTENDED: "attended",
    }[completion.result]
    words = f"{staff.name} {verb} {course.name} on {day_text(completion.completed_on)}"
    if completion.certificate:
        words += f" (certificate {completion.certificate})"
    if completion.expires_on is not None:
        words += f", valid until {day_text(completion.expires_on)}"
    return words
