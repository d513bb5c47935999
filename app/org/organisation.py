"""The organisation the desk serves: its name and logo, which head the monthly report and the
first-run set-up. One row (models/org.py Organisation), set by an admin, read by everyone.

A logo is stored in the database, not as a path, so every workstation of a shared server
prints the same report. It must be a PNG, JPEG or SVG file of at most :data:`MAX_LOGO_BYTES`:
the type is told from the file's first bytes, never from its name.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app.audit import record
from app.errors import ValidationError
from app.permissions import Action, require
from models.audit import AuditKind
from models.engine import read_session, write_session
from models.org import Organisation

MAX_NAME = 120
MAX_LOGO_BYTES = 1024 * 1024
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True)
class OrganisationInfo:
    """What the report and the set-up show of the organisation."""

    name: str
    logo: bytes | None
    logo_type: str  # "image/png", "image/jpeg", "image/svg+xml"; "" without a logo


def organisation(engine: Engine) -> OrganisationInfo:
    """The organisation's name and logo (empty before anyone set them)."""
    with read_session(engine) as session:
        row = session.get(Organisation, 1)
    if row is None:
        return OrganisationInfo("", None, "")
    return OrganisationInfo(row.name, row.logo, row.logo_type)


def logo_type(data: bytes) -> str:
    """The media type of a logo file's bytes; ValidationError for anything else."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            {
                "logo": f"The logo file has {len(data) / 1024 / 1024:.1f} MB; use one of at most "
                f"{MAX_LOGO_BYTES // 1024 // 1024} MB (a PNG of a few hundred pixels is plenty)."
            }
        )
    for signature, media in _SIGNATURES:
        if data.startswith(signature):
            return media
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    raise ValidationError(
        {"logo": "The logo must be a PNG, JPEG or SVG image; this file is none of them."}
    )


def read_logo(path: Path) -> bytes:
    """A logo file's bytes, with a message a person can act on when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise ValidationError(
            {"logo": f"{path} cannot be read ({error.strerror or error}); choose another file."}
        ) from None


def clean_name(name: str) -> str:
    """The organisation's name with its spaces tidied; ValidationError if empty or long."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Type the organisation's name, as the report shows it."})
    if len(name) > MAX_NAME:
        raise ValidationError(
            {"name": f"The name has {len(name)} characters; use at most {MAX_NAME}."}
        )
    return name


def save_organisation(
    engine: Engine,
    actor_id: uuid.UUID,
    *,
    name: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> OrganisationInfo:
    """Set the name, and the logo if ``logo`` is given (or remove it); admins only, audited.
    A save that changes nothing writes nothing."""
    name = clean_name(name)
    media = logo_type(logo) if logo is not None else ""
    with write_session(engine) as session:
        require(session, actor_id, Action.SET_UP_ORGANISATION)
        row = session.get(Organisation, 1)
        if row is None:
            row = Organisation(id=1)
            session.add(row)
        changes = []
        if row.name != name:
            changes.append(f"name {row.name or '(none)'} → {name}")
            row.name = name
        if logo is not None and logo != row.logo:
            changes.append("new logo" if row.logo is None else "logo replaced")
            row.logo, row.logo_type = logo, media
        elif remove_logo and row.logo is not None:
            changes.append("logo removed")
            row.logo, row.logo_type = None, ""
        if changes:
            record(session, actor_id, AuditKind.ORGANISATION_CHANGED, "; ".join(changes))
        return OrganisationInfo(row.name, row.logo, row.logo_type)
