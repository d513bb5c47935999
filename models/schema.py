"""Every table, imported in one place so metadata (and Alembic) sees them all."""

from sqlmodel import SQLModel

from models.attention import AttentionItem, AttentionRule
from models.audit import AuditEvent
from models.imports import CallerImport, CallerImportUndo
from models.maintenance import (
    MaintenanceOccurrence,
    MaintenanceTask,
    MaintenanceTaskAsset,
    MajorIncident,
)
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
from models.problems import CandidateDismissal, Problem, ProblemAsset, ProblemCategory, ProblemEvent
from models.report_store import ReportStore
from models.roster import CategorySkill, CoverageMinimum, Shift, ShiftType, Skill, StaffSkill
from models.search import is_search_object
from models.tickets import SERVER_SORT_INDEXES, Call, Ticket, TicketEvent
from models.training import (
    Completion,
    Course,
    CourseRequirement,
    SessionAttendee,
    TrainingSession,
)
from models.vendors import Contract, ContractAsset, ContractCategory, Vendor, VendorEscalation

metadata = SQLModel.metadata


def described_by_models(name: str | None) -> bool:
    """Whether the schema object ``name`` is one the models describe: not a search object
    (models.search) nor an index that only PostgreSQL has (SERVER_SORT_INDEXES). Alembic's
    comparison of the database with the models leaves the others out."""
    return not is_search_object(name) and name not in SERVER_SORT_INDEXES


__all__ = [
    "Asset",
    "AttentionItem",
    "AttentionRule",
    "AuditEvent",
    "Call",
    "Caller",
    "CallerImport",
    "CallerImportUndo",
    "CallerPhone",
    "CandidateDismissal",
    "Category",
    "CategorySkill",
    "Completion",
    "Contract",
    "ContractAsset",
    "ContractCategory",
    "Course",
    "CourseRequirement",
    "CoverageMinimum",
    "MaintenanceOccurrence",
    "MaintenanceTask",
    "MaintenanceTaskAsset",
    "MajorIncident",
    "Organisation",
    "PriorityRule",
    "Problem",
    "ProblemAsset",
    "ProblemCategory",
    "ProblemEvent",
    "ReportStore",
    "SessionAttendee",
    "Setting",
    "Shift",
    "ShiftType",
    "Site",
    "SiteClosure",
    "Skill",
    "SlaPolicy",
    "Staff",
    "StaffSkill",
    "Team",
    "TeamMember",
    "Ticket",
    "TicketEvent",
    "TrainingSession",
    "Vendor",
    "VendorEscalation",
    "described_by_models",
    "metadata",
]
