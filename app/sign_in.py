"""Switchboard's own sign-in, for a workstation whose operators share one OS account.

On a workstation the OS login is who works there. Where several operators share one account
(a desk with one login for every shift) that says nothing about the person, so an admin can
turn on a sign-in for the database: each staff member then has a password, stored as an
argon2id hash, and the window asks for name and password before it opens the database.

Wrong passwords are counted per staff member; after :data:`MAX_FAILURES` in a row the
sign-in is locked for :data:`LOCK_OUT`, so a password cannot be guessed at the keyboard.
A correct password, or a new one set by an admin, clears the count and the lock.

A refusal does not tell whether the user name exists: an unknown name, a deactivated staff
member, one without a password and a wrong password get the same message, and an unknown
name is checked against a stand-in hash so that the time taken does not tell either. Only a
locked sign-in says so, with the time it opens again.

Sign-ins, refusals, lock-outs, passwords set and the sign-in turned on or off are written to
the audit trail (:mod:`app.audit`), in the transaction of the change they describe; an
unknown user name has nobody to attach a row to, so it goes to the log only.
"""

from __future__ import annotations

import functools
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.audit import record
from app.context import AppContext
from app.errors import SwitchboardError
from app.permissions import Action, require, staff_id_for
from models.audit import AuditKind
from models.engine import write_session
from models.facts import SIGN_IN_REQUIRED, read_fact, record_fact
from models.org import Staff

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5  # wrong passwords in a row before the sign-in is locked
LOCK_OUT = timedelta(minutes=15)

_hasher = PasswordHasher()  # argon2id with argon2-cffi's recommended cost
REFUSED = (
    "The user name or password is wrong. Check both and try again; an admin can reset a "
    "forgotten password."
)


class SignInRefused(SwitchboardError):
    """Wrong name or password, or a locked sign-in; the message says what to do next."""


@dataclass(frozen=True)
class _Outcome:
    """What a sign-in attempt found, decided inside its transaction and told after it (a
    refusal must still store the failure count, so it cannot be raised inside)."""

    staff_id: uuid.UUID | None
    refusal: str = ""  # what the person is told
    reason: str = ""  # what the log is told (it may say the name does not exist)


def local_time(moment: datetime) -> str:
    """``moment`` on this workstation's clock face, as a person reads it ("14:05")."""
    return moment.astimezone().strftime("%H:%M")


def sign_in_required(engine: Engine) -> bool:
    """Whether this database asks for a Switchboard name and password before it opens."""
    return read_fact(engine, SIGN_IN_REQUIRED) == "yes"


def set_sign_in_required(engine: Engine, actor: str, required: bool) -> None:
    """Turn the sign-in on or off (admins only). Turning it on needs the admin's own
    password set first, so that someone can still sign in afterwards."""
    admin_id = staff_id_for(engine, actor)
    with write_session(engine) as session:
        require(session, admin_id, Action.MANAGE_STAFF)
        admin = session.get(Staff, admin_id)
        if required and (admin is None or admin.password_hash is None):
            raise SwitchboardError(
                f"Set your own password first (switchboard admin set-password {actor}), so "
                "that you can sign in once the sign-in is on."
            )
        record_fact(session, SIGN_IN_REQUIRED, "yes" if required else "no")
        record(
            session,
            admin_id,
            AuditKind.SIGN_IN_REQUIRED,
            f"Sign-in turned {'on' if required else 'off'}",
        )
    log.info("Sign-in turned %s by %s", "on" if required else "off", actor)


def check_password(password: str) -> None:
    """Refuse a password too short to withstand guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SwitchboardError(
            f"The password has {len(password)} characters; use at least "
            f"{MIN_PASSWORD_LENGTH} (a few words make a long password easy to remember)."
        )


def hash_password(password: str) -> str:
    """The argon2id hash to store for ``password``, once it is long enough. Slow on
    purpose: hash before taking the write lock."""
    check_password(password)
    return _hasher.hash(password)


def store_password(session: Session, actor_id: uuid.UUID, staff: Staff, hashed: str | None) -> None:
    """Give ``staff`` the password hashed by :func:`hash_password` (None where the shared
    server keeps it, as their login's), lift any lock-out and audit it (never the password
    nor its hash), in the caller's write transaction: the one way a password is set, by the
    command line and the Staff page alike."""
    staff.password_hash = hashed
    staff.failed_sign_ins = 0
    staff.locked_until = None
    record(
        session,
        actor_id,
        AuditKind.PASSWORD_SET,
        f"Password set for {staff.name} ({staff.username})",
        subject_id=staff.id,
    )


def sign_in(engine: Engine, username: str, password: str, now: datetime) -> uuid.UUID:
    """The staff id of ``username`` if ``password`` is theirs; SignInRefused otherwise, with
    :data:`REFUSED` or, for a locked sign-in, the time it opens again."""
    with write_session(engine) as session:
        outcome = _attempt(session, username.strip(), password, now)
    if outcome.staff_id is None:
        log.info("Sign-in of %r refused: %s", username, outcome.reason)
        raise SignInRefused(outcome.refusal)
    log.info("%s signed in", username)
    return outcome.staff_id


def sign_in_as(engine: Engine, username: str, password: str, now: datetime) -> AppContext:
    """:func:`sign_in`, then the session of the person signed in, for the window."""
    from app.defaults import staff_name_and_role

    staff_id = sign_in(engine, username, password, now)
    name, role = staff_name_and_role(engine, staff_id)
    return AppContext(engine=engine, me=staff_id, username=username.strip(), name=name, role=role)


def _staff_named(session: Session, username: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.username == username)).first()


def _attempt(session: Session, username: str, password: str, now: datetime) -> _Outcome:
    staff = _staff_named(session, username)
    if staff is None:
        _verify(_stand_in_hash(), password)  # as long as a real check: the time tells nothing
        return _Outcome(None, REFUSED, "no staff member of that name")
    if staff.locked_until is not None and staff.locked_until > now:
        _refused(session, staff, now, "Tried while the sign-in was locked")
        return _Outcome(None, _locked(staff.locked_until), "locked")
    if not staff.active or staff.password_hash is None:
        _verify(_stand_in_hash(), password)
        why = "deactivated" if not staff.active else "no password set"
        _refused(session, staff, now, f"Refused: {why}")
        return _Outcome(None, REFUSED, why)
    if not _verify(staff.password_hash, password):
        return _wrong_password(session, staff, now)
    staff.failed_sign_ins = 0
    staff.locked_until = None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    record(session, staff.id, AuditKind.SIGNED_IN, "Signed in", subject_id=staff.id, at=now)
    return _Outcome(staff.id)


def _wrong_password(session: Session, staff: Staff, now: datetime) -> _Outcome:
    """Count a wrong password; the last one allowed locks the sign-in."""
    staff.failed_sign_ins += 1
    if staff.failed_sign_ins < MAX_FAILURES:
        _refused(session, staff, now, f"Wrong password ({staff.failed_sign_ins} in a row)")
        return _Outcome(None, REFUSED, "wrong password")
    staff.failed_sign_ins = 0
    staff.locked_until = now + LOCK_OUT
    record(
        session,
        None,
        AuditKind.SIGN_IN_LOCKED,
        f"Locked for {LOCK_OUT.seconds // 60} minutes after {MAX_FAILURES} wrong passwords "
        "in a row",
        subject_id=staff.id,
        at=now,
    )
    return _Outcome(None, _locked(staff.locked_until), "locked now")


def _refused(session: Session, staff: Staff, now: datetime, detail: str) -> None:
    """Audit a refused sign-in of ``staff``: nobody was signed in, so no actor."""
    record(session, None, AuditKind.SIGN_IN_REFUSED, detail, subject_id=staff.id, at=now)


def _verify(hashed: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(hashed, password))
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _stand_in_hash() -> str:
    """A hash no password is checked against for real, made on first need (it takes as
    long as any other hash, and most starts never need it)."""
    return _hasher.hash(uuid.uuid4().hex)


def _locked(until: datetime) -> str:
    return (
        f"Too many wrong passwords: the sign-in is locked until {local_time(until)}. Try "
        "again then, or ask an admin to reset your password."
    )
