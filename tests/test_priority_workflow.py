"""Priority matrix, workflow rules and the reference data of a new database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from app.audit import recent
from app.defaults import DEFAULT_SLA_MINUTES, ensure_defaults, ensure_staff
from app.errors import ValidationError
from app.tickets.priority import (
    DEFAULT_MATRICES,
    current_matrix,
    load_matrix,
    matrix_size,
    priority_for,
    replace_matrix,
    save_matrix,
)
from app.tickets.workflow import allowed_transitions, find_transition, is_reopen
from models.engine import read_session, write_session
from models.enums import Priority, StaffRole, TicketStatus
from models.org import Site, SlaPolicy, Staff, Team
from tests.conftest import Org

S = TicketStatus


def test_default_matrix_is_3x3_until_one_is_saved(engine: Engine) -> None:
    with write_session(engine) as session:
        assert load_matrix(session) == DEFAULT_MATRICES[3]
        assert matrix_size(session) == 3
        save_matrix(session, DEFAULT_MATRICES[4])
    with read_session(engine) as session:
        matrix = load_matrix(session)
        assert matrix_size(session) == 4
    assert priority_for(matrix, 1, 1) == Priority.CRITICAL
    assert priority_for(matrix, 4, 4) == Priority.LOW


def test_edited_cell_is_used(engine: Engine) -> None:
    edited = [row[:] for row in DEFAULT_MATRICES[3]]
    edited[2][2] = Priority.HIGH
    with write_session(engine) as session:
        save_matrix(session, edited)
    with read_session(engine) as session:
        assert priority_for(load_matrix(session), 3, 3) == Priority.HIGH


def test_a_changed_matrix_is_in_the_audit_trail_cell_by_cell(engine: Engine, org: Org) -> None:
    edited = [row[:] for row in current_matrix(engine)]
    before = edited[2][2]
    edited[2][2] = Priority.HIGH
    replace_matrix(engine, edited, org.mia)
    replace_matrix(engine, edited, org.mia)  # the same again: nothing to record
    replace_matrix(engine, DEFAULT_MATRICES[4], org.mia)
    trail = [(line.actor, line.kind, line.detail) for line in recent(engine)]
    assert trail == [
        ("Mia Manager", "priority matrix changed", "3×3 matrix replaced by a 4×4 one"),
        (
            "Mia Manager",
            "priority matrix changed",
            f"impact 3 × urgency 3: {before.label} → P2 High",
        ),
    ]


@pytest.mark.parametrize("matrix", [[], [[Priority.LOW] * 2] * 2, [[Priority.LOW] * 3] * 4])
def test_only_square_3x3_or_4x4_matrices_are_accepted(
    engine: Engine, matrix: list[list[Priority]]
) -> None:
    with write_session(engine) as session, pytest.raises(ValidationError, match="3x3 or 4x4"):
        save_matrix(session, matrix)


def test_out_of_range_impact_names_the_range() -> None:
    with pytest.raises(ValidationError) as raised:
        priority_for(DEFAULT_MATRICES[3], 4, 0)
    assert raised.value.problems == {
        "impact": "must be between 1 and 3",
        "urgency": "must be between 1 and 3",
    }


def test_workflow_offers_only_allowed_transitions() -> None:
    assert {t.target for t in allowed_transitions(S.NEW)} == {
        S.ASSIGNED,
        S.IN_PROGRESS,
        S.WAITING_CALLER,
        S.RESOLVED,
    }
    assert [t.label for t in allowed_transitions(S.CLOSED)] == ["Reopen"]
    assert find_transition(S.NEW, S.CLOSED) is None
    assert find_transition(S.RESOLVED, S.CLOSED) is not None


def test_reopen_is_from_resolved_or_closed_back_to_work() -> None:
    assert is_reopen(S.RESOLVED, S.IN_PROGRESS)
    assert is_reopen(S.CLOSED, S.IN_PROGRESS)
    assert not is_reopen(S.WAITING_CALLER, S.IN_PROGRESS)
    assert not is_reopen(S.RESOLVED, S.CLOSED)


def test_a_new_database_gets_what_the_first_ticket_needs(engine: Engine) -> None:
    ensure_defaults(engine)
    ensure_defaults(engine)  # idempotent
    with read_session(engine) as session:
        policies = session.exec(select(SlaPolicy)).all()
        assert {p.priority for p in policies} == set(DEFAULT_SLA_MINUTES)
        assert [p.around_the_clock for p in policies if p.priority == Priority.CRITICAL] == [True]
        assert len(session.exec(select(Site)).all()) == 1
        desk = session.exec(select(Team)).one()
        assert desk.is_service_desk


def test_first_user_joins_the_service_desk_once(engine: Engine) -> None:
    ensure_defaults(engine)
    first = ensure_staff(engine, "ann")
    assert ensure_staff(engine, "ann") == first
    with read_session(engine) as session:
        ann = session.exec(select(Staff)).one()
        desk = session.exec(select(Team)).one()
    # The first person on a database is its admin (tests/test_identity.py).
    assert (ann.username, ann.role, ann.team_id) == ("ann", StaffRole.ADMIN, desk.id)
