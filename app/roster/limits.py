"""The limit a manager sets for the roster's conflict checks: how many of any 4 weeks a person
may be on call (:mod:`app.roster.conflicts`).

It is one :class:`~models.org.Setting` shared by every workstation, so everyone's roster
shows the same conflicts. Changing it is editing the roster (:attr:`Action.EDIT_ROSTER`),
audited as a roster change; a database that never set it uses :data:`DEFAULT_MAX_ON_CALL_WEEKS`.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from app.roster.conflicts import ON_CALL_WINDOW_WEEKS
from models.audit import AuditKind
from models.clock import utcnow
from models.engine import read_connection, write_session
from models.org import Setting

log = logging.getLogger(__name__)

MAX_ON_CALL_KEY = "roster.max_on_call_weeks"
DEFAULT_MAX_ON_CALL_WEEKS = 2


def max_on_call_weeks(engine: Engine) -> int:
    """How many of any 4 weeks a person may be on call."""
    with read_connection(engine) as connection:
        return max_on_call_weeks_in(connection)


def max_on_call_weeks_in(source: Connection | Session) -> int:
    """:func:`max_on_call_weeks` read in ``source``'s transaction (a week's read, a write)."""
    value = source.execute(
        select(col(Setting.value)).where(col(Setting.key) == MAX_ON_CALL_KEY)
    ).scalar()
    if value is None:
        return DEFAULT_MAX_ON_CALL_WEEKS
    try:
        return int(value)
    except ValueError:
        log.warning("Ignoring the damaged setting %s=%r", MAX_ON_CALL_KEY, value)
        return DEFAULT_MAX_ON_CALL_WEEKS


def set_max_on_call_weeks(engine: Engine, actor_id: uuid.UUID, weeks: int) -> None:
    """Let people be on call in at most ``weeks`` of any 4 (1 to 4; 4 is no limit)."""
    if not 1 <= weeks <= ON_CALL_WINDOW_WEEKS:
        raise ValidationError(
            {
                "max_on_call_weeks": f"Choose from 1 to {ON_CALL_WINDOW_WEEKS} weeks: how many "
                f"of any {ON_CALL_WINDOW_WEEKS} weeks one person may be on call "
                f"({ON_CALL_WINDOW_WEEKS} sets no limit)."
            }
        )
    with write_session(engine) as session:
        require(session, actor_id, Action.EDIT_ROSTER)
        setting = session.get(Setting, MAX_ON_CALL_KEY, with_for_update=True)
        before = max_on_call_weeks_in(session)
        if before == weeks:
            return
        if setting is None:
            setting = Setting(key=MAX_ON_CALL_KEY, value=str(weeks))
        setting.value, setting.updated_at = str(weeks), utcnow()
        session.add(setting)
        record(
            session,
            actor_id,
            AuditKind.ROSTER_CHANGED,
            f"Most on-call weeks in any {ON_CALL_WINDOW_WEEKS}: {before} → {weeks}",
        )
