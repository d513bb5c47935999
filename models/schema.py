"""Every table, imported in one place so metadata (and Alembic) sees them all."""

from sqlmodel import SQLModel

from models.audit import AuditEvent
from models.imports import CallerImport, CallerImportUndo
from models.org import (
    Category,
    Organisation,
    PriorityRule,
    Setting,
    Site,
    SiteClosure,
    SlaPolicy,
    Staff,
    Team,
    TeamMember,
)
from models.people import Asset, Caller, CallerPhone
from models.tickets import Call, Ticket, TicketEvent

metadata = SQLModel.metadata

__all__ = [
    "Asset",
    "AuditEvent",
    "Call",
    "Caller",
    "CallerImport",
    "CallerImportUndo",
    "CallerPhone",
    "Category",
    "Organisation",
    "PriorityRule",
    "Setting",
    "Site",
    "SiteClosure",
    "SlaPolicy",
    "Staff",
    "Team",
    "TeamMember",
    "Ticket",
    "TicketEvent",
    "metadata",
]
