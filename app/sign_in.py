"""Switchboard's own sign-in, for a workstation whose operators share one OS account.

On a workstation the OS login is who works there. Where several operators share one account
(a desk with one login for every shift) that says nothing about the person, so an admin can
turn on a sign-in for the database: each staff member then has a password, stored as an
argon2id hash, and the window asks for name and password before it opens the database.

Wrong passwords are counted per staff member; after :data:`MAX_FAILURES` in a row the
sign-in is locked for :data:`LOCK_OUT`, so a password cannot be guessed at the keyboard.
A correct password, or a new one set by an admin, clears the count and the lock.

There is no audit table for staff yet (ticket events are the only audit trail), so sign-ins
and password changes are written to the log only.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.context import AppContext
from app.errors import SwitchboardError
from app.permissions import Action, require, staff_id_for
from models.engine import write_session
from models.facts import SIGN_IN_REQUIRED, read_fact, record_fact
from models.org import Staff

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5  # wrong passwords in a row before the sign-in is locked
LOCK_OUT = timedelta(minutes=15)

_hasher = PasswordHasher()  # argon2id with argon2-cffi's recommended cost


class SignInRefused(SwitchboardError):
    """Wrong name or password, or a locked sign-in; the message says what to do next."""


@dataclass(frozen=True)
class _Outcome:
    """What a sign-in attempt found, decided inside its transaction and told after it (a
    refusal must still store the failure count, so it cannot be raised inside)."""

    staff_id: uuid.UUID | None
    refusal: str = ""


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
    log.info("Sign-in turned %s by %s", "on" if required else "off", actor)


def check_password(password: str) -> None:
    """Refuse a password too short to withstand guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SwitchboardError(
            f"The password has {len(password)} characters; use at least "
            f"{MIN_PASSWORD_LENGTH} (a few words make a long password easy to remember)."
        )


def set_password(engine: Engine, actor: str, username: str, password: str) -> None:
    """Set or reset ``username``'s password (admins only); it also lifts a lock-out."""
    actor_id = staff_id_for(engine, actor)
    check_password(password)
    hashed = _hasher.hash(password)
    with write_session(engine) as session:
        require(session, actor_id, Action.MANAGE_STAFF)
        staff = _staff_named(session, username)
        if staff is None:
            raise SwitchboardError(
                f"There is no staff member {username!r} on this database; check the user name."
            )
        staff.password_hash = hashed
        staff.failed_sign_ins = 0
        staff.locked_until = None
    log.info("Password of %s set by %s", username, actor)


def sign_in(engine: Engine, username: str, password: str, now: datetime) -> uuid.UUID:
    """The staff id of ``username`` if ``password`` is theirs; SignInRefused otherwise,
    saying how many tries are left or until when the sign-in is locked."""
    with write_session(engine) as session:
        outcome = _attempt(session, username.strip(), password, now)
    if outcome.staff_id is None:
        log.info("Sign-in of %r refused: %s", username, outcome.refusal)
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
    if staff is None or not staff.active or staff.password_hash is None:
        return _Outcome(
            None,
            f"{username or 'That name'} has no Switchboard password on this database. Check "
            "the user name, or ask an admin to set your password.",
        )
    if staff.locked_until is not None and staff.locked_until > now:
        return _Outcome(None, _locked(staff.locked_until))
    try:
        _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        staff.failed_sign_ins += 1
        if staff.failed_sign_ins >= MAX_FAILURES:
            staff.failed_sign_ins = 0
            staff.locked_until = now + LOCK_OUT
            return _Outcome(None, _locked(staff.locked_until))
        left = MAX_FAILURES - staff.failed_sign_ins
        tries = "1 try" if left == 1 else f"{left} tries"
        return _Outcome(
            None,
            f"Wrong password. {tries} left before the sign-in is locked for "
            f"{LOCK_OUT.seconds // 60} minutes.",
        )
    staff.failed_sign_ins = 0
    staff.locked_until = None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    return _Outcome(staff.id)


def _locked(until: datetime) -> str:
    return (
        f"Too many wrong passwords: the sign-in is locked until {local_time(until)}. Try "
        "again then, or ask an admin to reset your password."
    )
