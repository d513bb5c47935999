"""SLA policies: overrides by site and category, edits that retire and succeed (tickets keep
the policy they were opened under), their rules, the trail, and the due-time preview."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.org.sites import add_closure
from app.org.sla_policies import (
    Scope,
    Targets,
    current_policies,
    due_preview,
    due_text,
    minutes_text,
    parse_minutes,
    remove_override,
    save_policy,
)
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, create_ticket
from app.tickets.detail import get_ticket
from models.audit import AuditEvent, AuditKind
from models.engine import read_session
from models.enums import Priority
from models.org import SlaPolicy
from tests.conftest import NOW, Org

MEDIUM = Priority.MEDIUM  # impact 2 x urgency 2 in the default matrix: 4 h to respond
AT_NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday, 10:00 in London


def _audit(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == AuditKind.SLA_POLICY_CHANGED.value)
            .order_by(col(AuditEvent.at))
        ).all()
        return [row.detail for row in rows]


def _rows(engine: Engine) -> list[SlaPolicy]:
    with read_session(engine) as session:
        return list(session.exec(select(SlaPolicy)).all())


def _medium_ticket(engine: Engine, org: Org, **fields: object):
    draft = TicketDraft(summary="Printer jams", site_id=org.hq, impact=2, urgency=2, **fields)  # type: ignore[arg-type]
    return create_ticket(engine, draft, org.ann, now=AT_NOW)


def test_the_four_defaults_are_listed_first(engine: Engine, org: Org) -> None:
    rows = current_policies(engine)
    assert [(r.priority, r.where) for r in rows] == [(p, "Every ticket") for p in Priority]
    assert rows[0].around_the_clock and not rows[2].around_the_clock
    assert rows[2].targets == Targets(240, 1620)


def test_an_edit_retires_the_policy_and_a_ticket_keeps_its_due_times(
    engine: Engine, org: Org
) -> None:
    before = _medium_ticket(engine, org)
    assert before.response_due_at == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    old = next(r for r in current_policies(engine) if r.priority == MEDIUM)
    new_id = save_policy(engine, org.mia, MEDIUM, Scope(), Targets(60, 480), False)
    assert new_id != old.id
    retired = next(p for p in _rows(engine) if p.id == old.id)
    assert retired.retired_at is not None and retired.response_minutes == 240
    assert get_ticket(engine, before.id).response_due_at == before.response_due_at
    after = _medium_ticket(engine, org)
    assert after.response_due_at == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    assert _audit(engine) == ["P3 Medium (Every ticket): response 4 h → 1 h; resolution 27 h → 8 h"]


def test_saving_the_same_targets_writes_nothing(engine: Engine, org: Org) -> None:
    current = next(r for r in current_policies(engine) if r.priority == MEDIUM)
    same = save_policy(engine, org.mia, MEDIUM, Scope(), current.targets, False)
    assert same == current.id
    assert len(_rows(engine)) == 4 and _audit(engine) == []


def test_overrides_by_site_category_and_both_win_over_the_default(engine: Engine, org: Org) -> None:
    save_policy(engine, org.mia, MEDIUM, Scope(site_id=org.hq), Targets(120, 600), False)
    save_policy(engine, org.mia, MEDIUM, Scope(category_id=org.printing), Targets(60, 600), False)
    save_policy(
        engine,
        org.mia,
        MEDIUM,
        Scope(org.hq, org.printing),
        Targets(30, 600),
        around_the_clock=True,
    )
    wheres = [r.where for r in current_policies(engine) if not r.is_default]
    assert wheres == ["Category Printing", "Printing at HQ", "Site HQ"]
    printing = _medium_ticket(engine, org, category_id=org.printing)
    assert printing.response_due_at == datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
    wan = _medium_ticket(engine, org, category_id=org.wan)
    assert wan.response_due_at == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # the site's
    assert _audit(engine)[0] == (
        "Added an override of P3 Medium for Site HQ: response 2 h, resolution 10 h, "
        "in business hours"
    )


def test_removing_an_override_retires_it_and_a_default_stays(engine: Engine, org: Org) -> None:
    override = save_policy(engine, org.mia, MEDIUM, Scope(site_id=org.hq), Targets(120, 600), False)
    opened = _medium_ticket(engine, org)
    remove_override(engine, org.mia, override)
    assert all(r.is_default for r in current_policies(engine))
    assert get_ticket(engine, opened.id).response_due_at == datetime(
        2026, 11, 24, 12, 0, tzinfo=UTC
    )
    assert _audit(engine)[-1] == "Removed the override of P3 Medium for Site HQ"
    with pytest.raises(NotFoundError):
        remove_override(engine, org.mia, override)
    default = current_policies(engine)[0]
    with pytest.raises(ValidationError) as refused:
        remove_override(engine, org.mia, default.id)
    assert "always applies" in refused.value.problems["policy"]
    assert len(current_policies(engine)) == 4


@pytest.mark.parametrize(
    ("targets", "field", "words"),
    [
        (Targets(240, 60), "resolution", "shorter than the response target (4 h)"),
        (Targets(0, 60), "response", "at least one minute"),
        (Targets(60, -5), "resolution", "at least one minute"),
    ],
)
def test_bad_targets_are_refused_at_their_field(
    engine: Engine, org: Org, targets: Targets, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        save_policy(engine, org.mia, MEDIUM, Scope(), targets, False)
    assert words in refused.value.problems[field]
    assert len(_rows(engine)) == 4 and _audit(engine) == []


def test_only_managers_and_admins_change_policies(engine: Engine, org: Org) -> None:
    for actor in (org.ann, org.bob):
        with pytest.raises(PermissionDenied) as refused:
            save_policy(engine, actor, MEDIUM, Scope(), Targets(60, 480), False)
        assert str(refused.value) == refusal(Action.CHANGE_SLA_POLICIES)
    save_policy(engine, org.ada, MEDIUM, Scope(), Targets(60, 480), False)


def test_the_preview_says_which_policy_and_when_in_local_time(engine: Engine, org: Org) -> None:
    preview = due_preview(engine, MEDIUM, org.branch, None, AT_NOW)
    assert preview.policy.where == "Every ticket"
    # 05:00 in New York: counting starts at 08:00, 4 h to respond.
    assert preview.response_due == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    assert str(preview.response_due.tzinfo) == "America/New_York"
    assert due_text(preview.response_due, preview.now) == "12:00 today"
    # 27 business hours: Tuesday, Wednesday and Friday; Thanksgiving (Thu 26 Nov) is a holiday.
    assert due_text(preview.resolution_due, preview.now) == "Fri 17:00"
    save_policy(engine, org.mia, MEDIUM, Scope(category_id=org.wan), Targets(15, 60), True)
    wan = due_preview(engine, MEDIUM, org.branch, org.wan, AT_NOW)
    assert wan.policy.where == "Category Network outage" and wan.policy.around_the_clock
    assert due_text(wan.response_due, wan.now) == "05:15 today"


def test_the_preview_follows_site_closures(engine: Engine, org: Org) -> None:
    add_closure(engine, org.mia, org.hq, date(2026, 11, 24), date(2026, 11, 25), "Move")
    preview = due_preview(engine, MEDIUM, org.hq, None, AT_NOW)
    assert due_text(preview.response_due, preview.now) == "Thu 12:00"


def test_targets_are_read_and_written_in_words() -> None:
    assert [minutes_text(m) for m in (30, 240, 90, 1620, 0)] == [
        "30 min",
        "4 h",
        "1 h 30 min",
        "27 h",
        "0 min",
    ]
    assert [parse_minutes(t) for t in ("90", "4h", "1h 30m", "45 min", "1 h 30 min")] == [
        90,
        240,
        90,
        45,
        90,
    ]
    assert parse_minutes("2d") is None
    assert parse_minutes("soon") is None and parse_minutes("") is None
    assert NOW == AT_NOW
