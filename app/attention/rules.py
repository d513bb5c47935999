"""The management escalation rules: what puts a ticket or a problem on the manager's
attention list, and the manager's settings of them.

Four rules, all on by default (issue 15): a P1 open more than 30 minutes, any SLA breach, a
VIP caller's ticket reopened, a problem past its target date. A rule nobody changed has no
:class:`~models.attention.AttentionRule` row and runs as its default, so a new database
escalates from its first minute. Only the P1 rule has a threshold (minutes); changing a rule
needs :attr:`Action.SET_ATTENTION_RULES` and the row keeps who changed it last and when.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from models.attention import AttentionRule
from models.audit import AuditKind
from models.engine import read_connection, write_session
from models.org import Staff

# A P1 a whole day old before a manager hears of it: the rule would have missed its point.
MAX_MINUTES = 24 * 60


class RuleKey(StrEnum):
    """A rule; the value is stored (rule rows, items), so it is never renamed once released."""

    P1_OPEN = "p1_open"
    SLA_BREACH = "sla_breach"
    VIP_REOPENED = "vip_reopened"
    PROBLEM_OVERDUE = "problem_overdue"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def default_minutes(self) -> int | None:
        """The threshold a rule has until a manager sets one; None for a rule without."""
        return 30 if self is RuleKey.P1_OPEN else None


_LABELS = {
    RuleKey.P1_OPEN: "P1 open too long",
    RuleKey.SLA_BREACH: "SLA breached",
    RuleKey.VIP_REOPENED: "VIP caller's ticket reopened",
    RuleKey.PROBLEM_OVERDUE: "Problem past its target date",
}


@dataclass(frozen=True)
class RuleSetting:
    """A rule as it runs now: on or off, its threshold, and who set it last (nobody: the
    default)."""

    key: RuleKey
    enabled: bool
    minutes: int | None  # the threshold of a rule that has one
    updated_by: str = ""
    updated_at: datetime | None = None

    @property
    def label(self) -> str:
        return self.key.label

    @property
    def description(self) -> str:
        """What the rule raises, in words, with its threshold."""
        if self.key is RuleKey.P1_OPEN:
            return f"A P1 ticket open more than {self.minutes} minutes"
        return {
            RuleKey.SLA_BREACH: "Any open ticket past its response or resolution target",
            RuleKey.VIP_REOPENED: "A VIP caller's ticket reopened",
            RuleKey.PROBLEM_OVERDUE: "An open problem past its target date",
        }[self.key]

    @property
    def is_default(self) -> bool:
        return self.updated_at is None


def _settings(connection: Connection | Session) -> list[RuleSetting]:
    staff = Staff.__table__  # type: ignore[attr-defined]
    rows = connection.execute(
        select(
            col(AttentionRule.key),
            col(AttentionRule.enabled),
            col(AttentionRule.minutes),
            staff.c.name,
            col(AttentionRule.updated_at),
        ).outerjoin(staff, staff.c.id == col(AttentionRule.updated_by_id))
    ).all()
    stored = {key: row for key, *row in rows}
    settings = []
    for key in RuleKey:
        if key not in stored:
            settings.append(RuleSetting(key, True, key.default_minutes))
            continue
        enabled, minutes, by, at = stored[key]
        threshold = (minutes or key.default_minutes) if key.default_minutes else None
        settings.append(RuleSetting(key, bool(enabled), threshold, by or "", at))
    return settings


def current_rules(engine: Engine) -> list[RuleSetting]:
    """Every rule as it runs now, in :class:`RuleKey` order."""
    with read_connection(engine) as connection:
        return _settings(connection)


def insert_for(dialect_name: str) -> Any:
    """The back end's ``insert`` construct, which has ON CONFLICT (SQLite and PostgreSQL
    spell it alike, through different classes)."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _threshold(key: RuleKey, minutes: int | None, current: RuleSetting) -> int | None:
    if key.default_minutes is None:
        if minutes is not None:
            raise ValidationError(
                {"minutes": f"“{key.label}” has no threshold in minutes; leave it empty."}
            )
        return None
    if minutes is None:
        return current.minutes
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(
            {
                "minutes": f"Give the minutes a P1 may stay open as a whole number from 1 to "
                f"{MAX_MINUTES:,} (a day); {minutes} is outside that."
            }
        )
    return minutes


def set_rule(
    engine: Engine,
    key: RuleKey,
    enabled: bool,
    minutes: int | None,
    actor_id: uuid.UUID,
    now: datetime,
) -> RuleSetting:
    """Turn ``key`` on or off and set its threshold (``minutes``: None keeps the current
    one; a rule without a threshold takes none). Returns the rule as it runs now."""
    settings = set_rules(engine, [(key, enabled, minutes)], actor_id, now)
    return next(setting for setting in settings if setting.key is key)


def set_rules(
    engine: Engine,
    changes: Sequence[tuple[RuleKey, bool, int | None]],
    actor_id: uuid.UUID,
    now: datetime,
) -> list[RuleSetting]:
    """:func:`set_rule` for several rules in one transaction (the settings dialog saves them
    all or none); each change is in the audit trail. Returns the rules as they run now."""
    with write_session(engine) as session:
        require(session, actor_id, Action.SET_ATTENTION_RULES)
        current = {s.key: s for s in _settings(session)}
        insert = insert_for(session.get_bind().dialect.name)
        for key, enabled, minutes in changes:
            threshold = _threshold(key, minutes, current[key])
            values = {
                "enabled": enabled,
                "minutes": threshold,
                "updated_by_id": actor_id,
                "updated_at": now,
            }
            # Two managers saving the same rule for the first time: the later one wins,
            # neither fails on the other's new row.
            session.execute(
                insert(AttentionRule)
                .values(key=key.value, **values)
                .on_conflict_do_update(index_elements=["key"], set_=values)
            )
            after = RuleSetting(key, enabled, threshold)
            record(
                session,
                actor_id,
                AuditKind.ATTENTION_RULE_CHANGED,
                f"{key.label}: {'on' if enabled else 'off'} — {after.description}",
                at=now,
            )
        return _settings(session)
