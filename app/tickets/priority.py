"""The impact x urgency priority matrix (3x3 or 4x4), editable and stored in the database."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.enums import Priority
from models.org import PriorityRule

P = Priority

# Rows are impact 1 (whole organisation) .. n (one person); columns urgency 1 (now) .. n.
DEFAULT_MATRICES: dict[int, list[list[Priority]]] = {
    3: [
        [P.CRITICAL, P.HIGH, P.MEDIUM],
        [P.HIGH, P.MEDIUM, P.LOW],
        [P.MEDIUM, P.LOW, P.LOW],
    ],
    4: [
        [P.CRITICAL, P.CRITICAL, P.HIGH, P.MEDIUM],
        [P.CRITICAL, P.HIGH, P.MEDIUM, P.LOW],
        [P.HIGH, P.MEDIUM, P.LOW, P.LOW],
        [P.MEDIUM, P.LOW, P.LOW, P.LOW],
    ],
}

IMPACT_LABELS = {
    3: ["Organisation", "Department", "One person"],
    4: ["Organisation", "Site or department", "Group", "One person"],
}
URGENCY_LABELS = {
    3: ["Work stopped", "Work impaired", "Can wait"],
    4: ["Work stopped", "Work impaired", "Inconvenient", "Can wait"],
}


def load_matrix(session: Session) -> list[list[Priority]]:
    """The matrix as rows of impact; falls back to the 3x3 default when none is stored."""
    rules = session.exec(select(PriorityRule)).all()
    if not rules:
        return [row[:] for row in DEFAULT_MATRICES[3]]
    size = max(max(r.impact, r.urgency) for r in rules)
    matrix = [[P.LOW] * size for _ in range(size)]
    for rule in rules:
        matrix[rule.impact - 1][rule.urgency - 1] = Priority(rule.priority)
    return matrix


def save_matrix(session: Session, matrix: list[list[Priority]]) -> None:
    """Replace the stored matrix; it must be square, 3x3 or 4x4."""
    size = len(matrix)
    if size not in DEFAULT_MATRICES or any(len(row) != size for row in matrix):
        raise ValidationError({"matrix": "The priority matrix must be 3x3 or 4x4."})
    session.exec(delete(PriorityRule))
    for impact, row in enumerate(matrix, start=1):
        for urgency, priority in enumerate(row, start=1):
            session.add(PriorityRule(impact=impact, urgency=urgency, priority=Priority(priority)))


def priority_for(matrix: list[list[Priority]], impact: int, urgency: int) -> Priority:
    """Look up a cell, refusing values outside the matrix with a message naming the range."""
    size = len(matrix)
    problems = {
        name: f"must be between 1 and {size}"
        for name, value in (("impact", impact), ("urgency", urgency))
        if not 1 <= value <= size
    }
    if problems:
        raise ValidationError(problems)
    return matrix[impact - 1][urgency - 1]


def matrix_size(session: Session) -> int:
    """3 or 4: how many impact and urgency levels the desk uses."""
    top = session.exec(
        select(PriorityRule.impact).order_by(col(PriorityRule.impact).desc())
    ).first()
    return top or 3


def current_matrix(engine: Engine) -> list[list[Priority]]:
    """The matrix in force, read in its own short session."""
    with read_session(engine) as session:
        return load_matrix(session)


def replace_matrix(engine: Engine, matrix: list[list[Priority]], actor_id: uuid.UUID) -> None:
    """Store a new matrix for every workstation, as ``actor_id`` (who must be allowed to
    change it). Tickets keep the priority they have until their impact or urgency is next
    changed."""
    with write_session(engine) as session:
        require(session, actor_id, Action.CHANGE_PRIORITY_MATRIX)
        before = load_matrix(session)
        save_matrix(session, matrix)
        change = matrix_change(before, matrix)
        if change:
            record(session, actor_id, AuditKind.PRIORITY_MATRIX, change)


def matrix_change(before: list[list[Priority]], after: list[list[Priority]]) -> str:
    """What changed from ``before`` to ``after``, for the audit trail ("" for nothing)."""
    if len(before) != len(after):
        size = len(after)
        return f"{len(before)}×{len(before)} matrix replaced by a {size}×{size} one"
    return "; ".join(
        f"impact {impact} × urgency {urgency}: {old.label} → {new.label}"
        for impact, (old_row, new_row) in enumerate(zip(before, after, strict=True), 1)
        for urgency, (old, new) in enumerate(zip(old_row, new_row, strict=True), 1)
        if old != new
    )
