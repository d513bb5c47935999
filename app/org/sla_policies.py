"""SLA policies: the response and resolution targets per priority, and where they differ.

Each priority has one default policy, for every ticket; an override replaces it for one site,
one category or one category at one site (:func:`app.tickets.sla.current_policy` picks the
most specific). The four defaults always exist: they can be changed, never removed.

A policy a ticket was opened under is never changed (the ticket keeps it in
``Ticket.sla_policy_id`` and its due times were counted from it): saving new targets retires
the current row (``retired_at``) and inserts its successor in the same transaction, and
removing an override retires it. Every change needs :attr:`Action.CHANGE_SLA_POLICIES` and
writes one SLA_POLICY_CHANGED audit row saying what changed; a save that changes nothing
writes nothing.

:func:`due_preview` answers "if a ticket were created now, when would it be due?" with the
very functions a ticket's creation uses, in the site's local time.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit import record
from app.errors import NotFoundError, ValidationError
from app.permissions import Action, require
from app.tickets import sla
from models.audit import AuditKind
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import Priority
from models.org import Category, Site, SlaPolicy

MAX_MINUTES = 366 * 24 * 60  # a year: longer is a typo, not a promise
EVERY = "Every ticket"  # where a default applies
_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")


@dataclass(frozen=True)
class Scope:
    """Where a policy applies: everywhere (both None, the default of its priority), one site,
    one category, or one category at one site."""

    site_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None

    @property
    def is_default(self) -> bool:
        return self.site_id is None and self.category_id is None


@dataclass(frozen=True)
class Targets:
    """Minutes to the first response and to resolution (business minutes unless the policy
    runs around the clock)."""

    response_minutes: int
    resolution_minutes: int


@dataclass(frozen=True)
class PolicyRow:
    """One current policy as the page shows it."""

    id: uuid.UUID
    priority: Priority
    name: str
    targets: Targets
    around_the_clock: bool
    scope: Scope
    where: str  # "Every ticket", "Site HQ", "Category Printing", "Printing at HQ"

    @property
    def is_default(self) -> bool:
        return self.scope.is_default


@dataclass(frozen=True)
class DuePreview:
    """When a ticket created at ``now`` would be due, in the site's local time."""

    policy: PolicyRow
    now: datetime
    response_due: datetime
    resolution_due: datetime


def minutes_text(minutes: int) -> str:
    """A target in words: "30 min", "4 h", "1 h 30 min", "27 h". Never in days: a business
    day is the site's, not 24 hours."""
    hours, mins = divmod(minutes, 60)
    parts = [f"{hours} h" if hours else "", f"{mins} min" if mins else ""]
    return " ".join(part for part in parts if part) or "0 min"


def parse_minutes(text: str) -> int | None:
    """A target typed as minutes ("90") or with units ("4h", "1h 30m", "45 min", as
    :func:`minutes_text` writes it); None if it is neither."""
    cleaned = text.strip().lower()
    if cleaned.isdigit():
        return int(cleaned)
    found = _DURATION.match(cleaned)
    if not cleaned or found is None:
        return None
    hours, mins = (int(part) if part else 0 for part in found.groups())
    return hours * 60 + mins


def due_text(moment: datetime, now: datetime) -> str:
    """A due time as the preview says it, in ``now``'s zone: "14:30 today", "tomorrow
    09:00", "Mon 10:00" within the week, "Mon 14 Dec 10:00" after it."""
    local = moment.astimezone(now.tzinfo)
    days = (local.date() - now.date()).days
    if days == 0:
        return f"{local:%H:%M} today"
    if days == 1:
        return f"tomorrow {local:%H:%M}"
    if 1 < days < 7:
        return f"{local:%a %H:%M}"
    return f"{local:%a %d %b %H:%M}"


# -- reading --------------------------------------------------------------------------------------


def current_policies(engine: Engine) -> list[PolicyRow]:
    """The policies in force: the defaults by priority, then the overrides by where they
    apply and priority."""
    with read_session(engine) as session:
        policies = session.exec(select(SlaPolicy).where(col(SlaPolicy.retired_at).is_(None))).all()
        names = _names(session)
        rows = [_row(policy, names) for policy in policies]
    return sorted(rows, key=lambda r: (not r.is_default, r.where.casefold(), r.priority))


@dataclass(frozen=True)
class Choices:
    """What an override can be for: sites ("HQ — Head office") and the categories offered
    for new tickets, each by id."""

    sites: tuple[tuple[uuid.UUID, str], ...]
    categories: tuple[tuple[uuid.UUID, str], ...]


def scope_choices(engine: Engine) -> Choices:
    """The sites (by code) and current categories (by name) to choose a scope from."""
    with read_session(engine) as session:
        sites = session.exec(select(Site).order_by(col(Site.code))).all()
        categories = session.exec(
            select(Category).where(col(Category.retired).is_(False)).order_by(col(Category.name))
        ).all()
        return Choices(
            tuple((site.id, f"{site.code} — {site.name}") for site in sites),
            tuple((category.id, category.name) for category in categories),
        )


def due_preview(
    engine: Engine,
    priority: Priority,
    site_id: uuid.UUID,
    category_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> DuePreview:
    """Which policy a ticket of ``priority`` at ``site_id`` in ``category_id`` created at
    ``now`` would be opened under, and when it would be due (in the site's local time)."""
    now = now or utcnow()
    with read_session(engine) as session:
        site = session.get(Site, site_id)
        if site is None:
            raise NotFoundError("That site no longer exists; choose another.")
        policy = sla.current_policy(session, priority, site_id, category_id)
        if policy is None:
            raise NotFoundError(f"No SLA policy is in force for {priority.label}.")
        closures = () if policy.around_the_clock else sla.site_closures(session, site.id)
        calendar = sla.policy_calendar(site, policy, closures)
        response, resolution = sla.due_dates(now, policy, calendar)
        row = _row(policy, _names(session))
        zone = ZoneInfo(site.timezone)
    return DuePreview(
        row, now.astimezone(zone), response.astimezone(zone), resolution.astimezone(zone)
    )


# -- writing --------------------------------------------------------------------------------------


def save_policy(
    engine: Engine,
    actor_id: uuid.UUID,
    priority: Priority,
    scope: Scope,
    targets: Targets,
    around_the_clock: bool,
) -> uuid.UUID:
    """Set the targets of ``priority`` for ``scope`` (a new override where there is none);
    returns the id of the policy in force afterwards. The current one is retired and
    succeeded, never changed, so tickets opened under it keep it."""
    _check_targets(targets)
    with write_session(engine) as session:
        require(session, actor_id, Action.CHANGE_SLA_POLICIES)
        names = _names(session)
        where = _where(scope, names)
        current = _current(session, priority, scope)
        if current is not None and _same(current, targets, around_the_clock):
            return current.id
        now = utcnow()
        if current is not None:
            current.retired_at = now
            session.flush()  # frees the scope's "one current policy" index for the successor
        successor = SlaPolicy(
            priority=priority,
            name=priority.label if scope.is_default else f"{priority.label} · {where}"[:80],
            response_minutes=targets.response_minutes,
            resolution_minutes=targets.resolution_minutes,
            around_the_clock=around_the_clock,
            site_id=scope.site_id,
            category_id=scope.category_id,
        )
        session.add(successor)
        try:
            session.flush()
        except IntegrityError as raced:  # one current policy per scope: another save won
            raise ValidationError(
                {
                    "policy": f"Someone changed {priority.label} for {where} a moment ago; "
                    "read the policies again and make your change once more."
                }
            ) from raced
        record(
            session,
            actor_id,
            AuditKind.SLA_POLICY_CHANGED,
            _describe(priority, where, current, targets, around_the_clock),
            at=now,
        )
        return successor.id


def remove_override(engine: Engine, actor_id: uuid.UUID, policy_id: uuid.UUID) -> None:
    """Retire an override: tickets opened from now on get the next policy that applies;
    tickets opened under it keep it. A default cannot be removed."""
    with write_session(engine) as session:
        require(session, actor_id, Action.CHANGE_SLA_POLICIES)
        policy = session.get(SlaPolicy, policy_id)
        if policy is None or policy.retired_at is not None:
            raise NotFoundError("That override was changed or removed meanwhile; read again.")
        scope = Scope(policy.site_id, policy.category_id)
        if scope.is_default:
            raise ValidationError(
                {
                    "policy": f"{Priority(policy.priority).label} is a default and always "
                    "applies where no override does: change its targets instead."
                }
            )
        policy.retired_at = utcnow()
        where = _where(scope, _names(session))
        record(
            session,
            actor_id,
            AuditKind.SLA_POLICY_CHANGED,
            f"Removed the override of {Priority(policy.priority).label} for {where}",
        )


def _check_targets(targets: Targets) -> None:
    problems: dict[str, str] = {}
    for name, minutes in (
        ("response", targets.response_minutes),
        ("resolution", targets.resolution_minutes),
    ):
        if not 0 < minutes <= MAX_MINUTES:
            problems[name] = (
                f"Give a {name} target of at least one minute and at most a year, "
                "such as 30m, 4h or 1h 30m."
            )
    if not problems and targets.resolution_minutes < targets.response_minutes:
        problems["resolution"] = (
            f"The resolution target ({minutes_text(targets.resolution_minutes)}) is shorter than "
            f"the response target ({minutes_text(targets.response_minutes)}): a ticket cannot be "
            "resolved before anyone responds. Lengthen it or shorten the response target."
        )
    if problems:
        raise ValidationError(problems)


def _current(session: Session, priority: Priority, scope: Scope) -> SlaPolicy | None:
    return session.exec(
        select(SlaPolicy).where(
            SlaPolicy.priority == priority,
            col(SlaPolicy.retired_at).is_(None),
            col(SlaPolicy.site_id).is_not_distinct_from(scope.site_id),
            col(SlaPolicy.category_id).is_not_distinct_from(scope.category_id),
        )
    ).first()


def _same(policy: SlaPolicy, targets: Targets, around_the_clock: bool) -> bool:
    return (
        policy.response_minutes == targets.response_minutes
        and policy.resolution_minutes == targets.resolution_minutes
        and policy.around_the_clock == around_the_clock
    )


def _clock(around_the_clock: bool) -> str:
    return "around the clock" if around_the_clock else "in business hours"


def _describe(
    priority: Priority,
    where: str,
    before: SlaPolicy | None,
    targets: Targets,
    around_the_clock: bool,
) -> str:
    """The audit line: "P2 High (Every ticket): response 4 h → 2 h" or "Added an override
    of P2 High for Site HQ: response 1 h, resolution 8 h, in business hours"."""
    if before is None:
        return (
            f"Added an override of {priority.label} for {where}: response "
            f"{minutes_text(targets.response_minutes)}, resolution "
            f"{minutes_text(targets.resolution_minutes)}, {_clock(around_the_clock)}"
        )
    changes = []
    if before.response_minutes != targets.response_minutes:
        changes.append(
            f"response {minutes_text(before.response_minutes)} → "
            f"{minutes_text(targets.response_minutes)}"
        )
    if before.resolution_minutes != targets.resolution_minutes:
        changes.append(
            f"resolution {minutes_text(before.resolution_minutes)} → "
            f"{minutes_text(targets.resolution_minutes)}"
        )
    if before.around_the_clock != around_the_clock:
        changes.append(f"{_clock(before.around_the_clock)} → {_clock(around_the_clock)}")
    return f"{priority.label} ({where}): " + "; ".join(changes)


@dataclass(frozen=True)
class _Names:
    sites: dict[uuid.UUID, str]
    categories: dict[uuid.UUID, str]


def _names(session: Session) -> _Names:
    """Site codes and category names by id, for saying where a policy applies."""
    sites = {site_id: code for site_id, code in session.exec(select(Site.id, Site.code)).all()}
    categories = {
        category_id: name
        for category_id, name in session.exec(select(Category.id, Category.name)).all()
    }
    return _Names(sites, categories)


def _where(scope: Scope, names: _Names) -> str:
    """Where ``scope`` applies in words; refuses a site or category that does not exist."""
    problems: dict[str, str] = {}
    if scope.site_id is not None and scope.site_id not in names.sites:
        problems["site"] = "That site no longer exists; choose another."
    if scope.category_id is not None and scope.category_id not in names.categories:
        problems["category"] = "That category no longer exists; choose another."
    if problems:
        raise ValidationError(problems)
    site = names.sites.get(scope.site_id) if scope.site_id else None
    category = names.categories.get(scope.category_id) if scope.category_id else None
    if site and category:
        return f"{category} at {site}"
    if site:
        return f"Site {site}"
    if category:
        return f"Category {category}"
    return EVERY


def _row(policy: SlaPolicy, names: _Names) -> PolicyRow:
    scope = Scope(policy.site_id, policy.category_id)
    return PolicyRow(
        id=policy.id,
        priority=Priority(policy.priority),
        name=policy.name,
        targets=Targets(policy.response_minutes, policy.resolution_minutes),
        around_the_clock=policy.around_the_clock,
        scope=scope,
        where=_where(scope, names),
    )
