"""The organisation's name and logo (app/org/organisation.py): who may set them, what a logo
may be, and the audit trail, on each back end."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.audit import recent
from app.errors import PermissionDenied, ValidationError
from app.org.organisation import (
    MAX_LOGO_BYTES,
    logo_type,
    organisation,
    read_logo,
    save_organisation,
)
from tests.conftest import Org

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10"/>'


def test_a_new_database_has_no_name_and_no_logo(engine: Engine) -> None:
    assert organisation(engine) == organisation(engine)
    assert (organisation(engine).name, organisation(engine).logo) == ("", None)


def test_an_admin_sets_name_and_logo_and_the_trail_says_so(engine: Engine, org: Org) -> None:
    saved = save_organisation(engine, org.ada, name="  Acme   Health ", logo=PNG)
    assert (saved.name, saved.logo, saved.logo_type) == ("Acme Health", PNG, "image/png")
    assert organisation(engine) == saved
    save_organisation(engine, org.ada, name="Acme Health", logo=PNG)  # nothing changes
    save_organisation(engine, org.ada, name="Acme Health", remove_logo=True)
    assert organisation(engine).logo is None
    trail = [(line.actor, line.kind, line.detail) for line in recent(engine)]
    assert trail == [
        ("Ada Admin", "organisation changed", "logo removed"),
        ("Ada Admin", "organisation changed", "name (none) → Acme Health; new logo"),
    ]


def test_only_an_admin_sets_up_the_organisation(engine: Engine, org: Org) -> None:
    with pytest.raises(PermissionDenied, match="Only an admin can set up the organisation"):
        save_organisation(engine, org.mia, name="Acme")
    assert organisation(engine).name == ""


@pytest.mark.parametrize(
    ("data", "expected"),
    [(PNG, "image/png"), (b"\xff\xd8\xff\xe0rest", "image/jpeg"), (SVG, "image/svg+xml")],
)
def test_a_logo_is_told_by_its_bytes(data: bytes, expected: str) -> None:
    assert logo_type(data) == expected


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"GIF89a...", "must be a PNG, JPEG or SVG"),
        (b"%PDF-1.7", "must be a PNG, JPEG or SVG"),
        (PNG + b"\x00" * MAX_LOGO_BYTES, "use one of at most 1 MB"),
    ],
)
def test_a_logo_that_is_no_image_or_too_big_is_refused_and_nothing_saved(
    engine: Engine, org: Org, data: bytes, problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem) as refused:
        save_organisation(engine, org.ada, name="Acme", logo=data)
    assert set(refused.value.problems) == {"logo"}
    assert organisation(engine).name == ""


def test_a_name_is_needed(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        save_organisation(engine, org.ada, name="   ")
    assert set(refused.value.problems) == {"name"}


def test_an_unreadable_logo_file_says_which_and_why(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot be read"):
        read_logo(tmp_path / "missing.png")
