"""Shift types: the defaults every database has, and their settings (names, meaning, hours,
colour and pattern), with each mistake said at its field and nothing saved."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from app.errors import PermissionDenied, ValidationError
from app.roster.shift_types import (
    DEFAULT_SHIFT_TYPES,
    ShiftTypeDraft,
    hours_text,
    list_shift_types,
    save_shift_type,
    set_retired,
    tint,
)
from models.engine import read_session, write_session
from models.enums import ShiftKind
from models.roster import Shift
from tests.conftest import NOW, Org

NIGHT = ShiftTypeDraft("Night desk", ShiftKind.DESK, "#3949AB", "cross", "22:00", "06:00")


def names(engine: Engine, **how: bool) -> list[str]:
    return [row.draft.name for row in list_shift_types(engine, **how)]


def test_every_database_starts_with_the_default_types(engine: Engine, org: Org) -> None:
    rows = list_shift_types(engine)
    assert {row.draft for row in rows} == set(DEFAULT_SHIFT_TYPES)
    assert {row.draft.kind for row in rows} == set(ShiftKind)


def test_a_manager_adds_changes_and_retires_a_type(engine: Engine, org: Org) -> None:
    type_id = save_shift_type(engine, org.mia, NIGHT)
    [night] = [row for row in list_shift_types(engine) if row.id == type_id]
    assert night.draft.colour == "#3949ab"  # stored in one spelling
    assert hours_text(night.draft.starts, night.draft.ends) == "22:00-06:00 (next day)"
    save_shift_type(engine, org.mia, replace(NIGHT, starts="21:00"), type_id)
    set_retired(engine, org.mia, type_id, True)
    assert "Night desk" not in names(engine)
    assert "Night desk" in names(engine, include_retired=True)


def test_each_mistake_is_said_at_its_field(engine: Engine, org: Org) -> None:
    bad = ShiftTypeDraft(" ", ShiftKind.DESK, "blue", "zigzag", "25:00", "7")
    with pytest.raises(ValidationError) as refused:
        save_shift_type(engine, org.mia, bad)
    assert set(refused.value.problems) == {"name", "colour", "pattern", "starts", "ends"}
    assert "#rrggbb" in refused.value.problems["colour"]
    with pytest.raises(ValidationError, match="already"):
        save_shift_type(engine, org.mia, replace(NIGHT, name="ON CALL"))
    assert "Night desk" not in names(engine, include_retired=True)


def test_a_type_with_shifts_keeps_its_meaning(engine: Engine, org: Org) -> None:
    type_id = save_shift_type(engine, org.mia, NIGHT)
    with write_session(engine) as session:
        session.add(
            Shift(
                staff_id=org.bob,
                shift_type_id=type_id,
                site_id=org.hq,
                starts_at=NOW,
                ends_at=NOW.replace(hour=18),
            )
        )
    as_leave = replace(NIGHT, kind=ShiftKind.LEAVE)
    with pytest.raises(ValidationError, match="add a new type") as refused:
        save_shift_type(engine, org.mia, as_leave, type_id)
    assert set(refused.value.problems) == {"kind"}
    with read_session(engine) as session:
        assert session.exec(select(Shift.shift_type_id)).one() == type_id


def test_only_managers_and_admins_change_types(engine: Engine, org: Org) -> None:
    with pytest.raises(PermissionDenied):
        save_shift_type(engine, org.bob, NIGHT)
    assert "Night desk" not in names(engine, include_retired=True)


def test_a_types_tint_is_its_colour_lightened_the_same_on_screen_and_paper() -> None:
    assert tint("#000000") == "#8c8c8c"
    assert tint("#ffffff") == "#ffffff"
    assert tint("#1e88e5") == "#9ac9f3"  # 30, 136, 229 to 154, 201, 243
