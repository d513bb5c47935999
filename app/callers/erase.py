"""Erasing a caller's personal data on request (the right to erasure), an admin action.

What goes: the caller's name, e-mail, employee id and notes, their phone numbers, the
numbers of their calls, and every occurrence of those values in their tickets (summary,
description, the copied caller name) and in the audit trail of those tickets, and in any
ticket event that recorded a change of caller. What stays: the tickets, calls and events
themselves (with "[erased]" where a value was), so the desk's figures and the trail's shape
hold; and one audit row saying that an admin erased a caller's data, and how many values.

The audit trail is insert-only; this is the one writer allowed to change it. On a server set
up with ``admin setup-postgres`` it runs as a ``SECURITY DEFINER`` function that only admins
may execute (:func:`install_server_function`), so the grants that keep everyone else out of
the trail stay whole. Elsewhere the same statements run from here, in one transaction. Both
run the statements below, written once with ``{caller}`` and ``{secret}`` in place of the
values: bound parameters here, variables of the function there.

Values shorter than :data:`MIN_SECRET` are left (replacing "Al" everywhere would garble
unrelated words); the scope is the caller's own tickets, never a scan of the whole trail.
"""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy import Connection, Engine, TextClause, bindparam, func, or_, text
from sqlmodel import col, select

from app.audit import record
from app.errors import NotFoundError, ValidationError
from app.permissions import Action, require
from app.server_rules import ERASING, installed
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.people import Caller
from models.types import UUIDType

ERASED = "[erased]"
ERASED_NAME = "Erased caller"
MIN_SECRET = 3

# Every personal value of the caller, before any of it is blanked.
_SECRETS = """
    SELECT value FROM (
        SELECT name AS value FROM caller WHERE id = {caller}
        UNION SELECT email FROM caller WHERE id = {caller}
        UNION SELECT employee_id FROM caller WHERE id = {caller}
        UNION SELECT number FROM caller_phone WHERE caller_id = {caller}
        UNION SELECT digits FROM caller_phone WHERE caller_id = {caller}
    ) AS found
    WHERE value IS NOT NULL AND length(value) >= {minimum}
    ORDER BY length(value) DESC
"""
# Longest first, so "Maria Santos" goes whole before "Maria" could split it.

_SCRUB = (
    f"""
    UPDATE ticket_event SET
        old_value = replace(old_value, {{secret}}, '{ERASED}'),
        new_value = replace(new_value, {{secret}}, '{ERASED}'),
        note = replace(note, {{secret}}, '{ERASED}')
    WHERE (ticket_id IN (SELECT id FROM ticket WHERE caller_id = {{caller}}) OR field = 'caller')
      AND (old_value LIKE '%' || {{secret}} || '%' OR new_value LIKE '%' || {{secret}} || '%'
           OR note LIKE '%' || {{secret}} || '%')
    """,
    f"""
    UPDATE ticket SET
        summary = replace(summary, {{secret}}, '{ERASED}'),
        description = replace(description, {{secret}}, '{ERASED}'),
        version = version + 1
    WHERE caller_id = {{caller}}
      AND (summary LIKE '%' || {{secret}} || '%' OR description LIKE '%' || {{secret}} || '%')
    """,
)

_BLANK = (
    f"UPDATE ticket SET caller_name = '{ERASED_NAME}', version = version + 1 "
    "WHERE caller_id = {caller}",
    "UPDATE call SET number = '' WHERE caller_id = {caller}",
    "DELETE FROM caller_phone WHERE caller_id = {caller}",
    f"UPDATE caller SET name = '{ERASED_NAME}', email = NULL, employee_id = NULL, notes = '' "
    "WHERE id = {caller}",
)

_DETAIL = "Erased the personal data of a caller ({count} values in their tickets' trail)"


def erase_caller(engine: Engine, actor_id: uuid.UUID, caller_id: uuid.UUID) -> int:
    """Erase ``caller_id``'s personal data as ``actor_id`` (an admin); the number of ticket
    events whose values were blanked. One transaction: all of it or nothing."""
    with write_session(engine) as session:
        require(session, actor_id, Action.ERASE_PERSONAL_DATA)
        connection = session.connection()
        if session.get(Caller, caller_id) is None:
            raise NotFoundError("There is no such caller; they may have been merged into another.")
        if installed(connection):
            count = connection.execute(
                _bound("SELECT switchboard_erase_caller({caller})"), {"caller": caller_id}
            ).scalar_one()
            return int(count)
        count = _erase_here(connection, caller_id)
        record(
            session,
            actor_id,
            AuditKind.CALLER_ERASED,
            _DETAIL.format(count=count),
            subject_id=caller_id,
        )
        return count


def find_caller(engine: Engine, text_given: str) -> tuple[uuid.UUID, str]:
    """The one caller whose id, e-mail (any case) or employee id is ``text_given``, with
    their name; refuses none or several, saying how to tell them apart."""
    wanted = text_given.strip()
    with read_session(engine) as session:
        query = select(Caller).where(
            or_(func.lower(col(Caller.email)) == wanted.lower(), col(Caller.employee_id) == wanted)
        )
        with contextlib.suppress(ValueError):  # an id, not an e-mail or employee id
            query = select(Caller).where(Caller.id == uuid.UUID(wanted))
        found = session.exec(query.limit(6)).all()
    if not found:
        raise NotFoundError(
            f"No caller has the id, e-mail or employee id {wanted!r}; check it with "
            "'switchboard lookup'."
        )
    if len(found) > 1:
        names = "; ".join(f"{c.name} (id {c.id})" for c in found[:5])
        raise ValidationError({"caller": f"{len(found)} callers match: {names}. Give the id."})
    return found[0].id, found[0].name


def _bound(statement: str) -> TextClause:
    """``statement`` with ``{caller}`` and ``{secret}`` as bound parameters (the caller's id
    typed, so SQLite gets the 16 bytes it stores)."""
    clause = text(statement.format(caller=":caller", secret=":secret", minimum=MIN_SECRET))
    return clause.bindparams(bindparam("caller", type_=UUIDType()))


def _erase_here(connection: Connection, caller_id: uuid.UUID) -> int:
    """The statements, run from Python with bound parameters."""
    caller = {"caller": caller_id}
    secrets = connection.execute(_bound(_SECRETS), caller).scalars().all()
    scrub_events, scrub_tickets = (_bound(statement) for statement in _SCRUB)
    events = 0
    for secret in secrets:
        events += connection.execute(scrub_events, {**caller, "secret": secret}).rowcount
        connection.execute(scrub_tickets, {**caller, "secret": secret})
    for statement in _BLANK:
        connection.execute(_bound(statement), caller)
    return events


def install_server_function(connection: Connection, admins: str) -> None:
    """Create ``switchboard_erase_caller(caller)``: the statements as a ``SECURITY DEFINER``
    function owned by the installation, executable by the admin group ``admins`` only. It
    writes its own audit row, naming the admin the server authenticated."""
    blank = "\n".join(statement.format(caller="p_caller") + ";" for statement in _BLANK)
    detail = _DETAIL.replace("'", "''").replace("{count}", "' || events || '")
    connection.execute(
        text(
            f"""
            CREATE OR REPLACE FUNCTION switchboard_erase_caller(p_caller uuid) RETURNS integer
            LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
            DECLARE
                secret text;
                events integer := 0;
                changed integer;
            BEGIN
                IF NOT pg_has_role(session_user, '{admins.strip('"')}', 'MEMBER') THEN
                    RAISE EXCEPTION 'Only an admin can erase a caller''s personal data.'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                PERFORM set_config('{ERASING}', 'on', true);
                FOR secret IN {_SECRETS.format(caller="p_caller", minimum=MIN_SECRET)} LOOP
                    {_SCRUB[0].format(caller="p_caller", secret="secret")};
                    GET DIAGNOSTICS changed = ROW_COUNT;
                    events := events + changed;
                    {_SCRUB[1].format(caller="p_caller", secret="secret")};
                END LOOP;
                {blank}
                INSERT INTO audit_event (id, at, actor_id, kind, subject_id, detail)
                VALUES (gen_random_uuid(), now(), switchboard_staff_id(),
                        '{AuditKind.CALLER_ERASED.value}', p_caller, '{detail}');
                PERFORM set_config('{ERASING}', 'off', true);
                RETURN events;
            END $fn$
            """
        )
    )
    connection.execute(text("REVOKE ALL ON FUNCTION switchboard_erase_caller(uuid) FROM PUBLIC"))
    connection.execute(
        text(f"GRANT EXECUTE ON FUNCTION switchboard_erase_caller(uuid) TO {admins}")
    )
