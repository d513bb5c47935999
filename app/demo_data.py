"""Realistic, deterministic demo data: an organisation, callers, assets, tickets, events, calls.

Why this exists: the queue, the caller search and the monthly report only show their real
behaviour (and their real speed) on a database that looks like a year of a busy help desk.
Trainers want a believable console to practise on, and the benchmarks in ``bench/`` need the
same million tickets every time, so the same seed always gives the same rows, down to the ids.

Why it does not use the ticket service: ``app.tickets`` does several queries per change and
one flush per ticket; a million tickets that way would take hours. Instead each ticket's
life is simulated in plain Python (numbers, strings, epoch seconds) and the rows are written
in large batches:

* on SQLite through the driver's ``executemany`` with values already in the stored form
  (UUIDs as 16 raw bytes, timestamps as SQLAlchemy's naive-UTC text), with the secondary
  indexes dropped during the load and re-created afterwards from their exact ``CREATE INDEX``
  text, and ``synchronous=OFF`` on this one connection only;
* on every other back end (PostgreSQL) through SQLAlchemy Core inserts, whose type decorators
  do the conversion.

What must still hold is what the service would have produced: the SLA due dates are computed
with the very functions the service calls (``sla.due_dates`` over ``sla.policy_calendar``, the
pause rule of ``sla.resume``), breach flags follow from the timestamps, ``sla_due_at`` is the
running deadline of ``sla.running_due``, numbers are sequential per site in creation order and
the denormalised names match the linked rows. The tests check those invariants.

Events are condensed compared with the service so that a ticket has about four of them: the
CREATED event includes the routing to a team at creation, one ASSIGNED event stands for the
service's assignee (+ team + "New -> Assigned") events, and the resolution note and its minutes
ride on the "-> Resolved" status event. All events carry ``ticket_version`` 1, like the
generated tickets' ``version``.
"""

from __future__ import annotations

import logging
import math
import random
import sqlite3
import time
import unicodedata
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine, Table, delete, func
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import col, select

from app import sla
from app.business_hours import BusinessCalendar
from app.defaults import seed_sla_and_matrix
from app.errors import SwitchboardError, ValidationError
from app.priority import load_matrix
from models.db import is_sqlite, write_session
from models.enums import AssetKind, Channel, EventKind, Priority, StaffRole, TicketStatus
from models.org import Category, Site, SlaPolicy, Staff, Team
from models.schema import metadata
from models.search import is_search_object, rebuild_sqlite_search

__all__ = ["DemoSpec", "DemoSummary", "Progress", "generate"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

EMPTY_ONLY = "demo data goes into an empty database only"

# Rows per transaction: large enough that commit overhead vanishes, small enough that the
# WAL and the Python lists stay modest and progress moves every second or so.
TICKET_BATCH = 10_000
CALLER_BATCH = 20_000

_DAY = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Version-4 UUIDs drawn from the seeded generator: same seed, same ids.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)

# ----------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class DemoSpec:
    """How much demo data to make; the same spec (and ``now``) always gives the same data."""

    callers: int = 2000
    tickets: int = 10000
    months: int = 12
    seed: int = 1
    now: datetime | None = None  # end of the generated period (aware UTC); default: now


@dataclass(frozen=True)
class DemoSummary:
    """What was written, for the CLI to print."""

    sites: int
    teams: int
    staff: int
    callers: int
    assets: int
    tickets: int
    events: int
    calls: int
    seconds: float


# ----------------------------------------------------------------------------- reference data


@dataclass(frozen=True)
class _SiteDef:
    code: str
    name: str
    timezone: str
    country: str
    subdiv: str | None
    opens: str
    closes: str
    caller_share: float
    host_prefix: str


_SITES = (
    _SiteDef("HQ", "Head office", "Europe/London", "GB", None, "08:00", "18:00", 0.7, "lon"),
    _SiteDef("NY", "New York office", "America/New_York", "US", "NY", "08:30", "17:30", 0.3, "nyc"),
)

DESK, DESKTOP, NETWORK, SERVERS, APPS = (
    "Service desk",
    "Desktop support",
    "Network",
    "Servers",
    "Applications",
)
_TEAMS = (
    (DESK, True, "servicedesk@example.com"),
    (DESKTOP, False, "desktop@example.com"),
    (NETWORK, False, "network@example.com"),
    (SERVERS, False, "servers@example.com"),
    (APPS, False, "applications@example.com"),
)

_OP, _TECH, _MGR = StaffRole.OPERATOR, StaffRole.TECHNICIAN, StaffRole.MANAGER
# (name, username, role, team, site of an operator)
_STAFF: tuple[tuple[str, str, StaffRole, str | None, str | None], ...] = (
    ("Priya Natarajan", "pnatarajan", _OP, DESK, "HQ"),
    ("Tom Gallagher", "tgallagher", _OP, DESK, "HQ"),
    ("Sinéad Kelly", "skelly", _OP, DESK, "HQ"),
    ("Marcus Webb", "mwebb", _OP, DESK, "HQ"),
    ("Aisha Bello", "abello", _OP, DESK, "HQ"),
    ("Jordan Reyes", "jreyes", _OP, DESK, "NY"),
    ("Emily Chen", "echen", _OP, DESK, "NY"),
    ("Kwame Mensah", "kmensah", _TECH, DESKTOP, None),
    ("Hannah Schröder", "hschroder", _TECH, DESKTOP, None),
    ("Luis Ortega", "lortega", _TECH, DESKTOP, None),
    ("Grace Park", "gpark", _TECH, DESKTOP, None),
    ("Dmitri Volkov", "dvolkov", _TECH, NETWORK, None),
    ("Ravi Shah", "rshah", _TECH, NETWORK, None),
    ("Claire Dubois", "cdubois", _TECH, NETWORK, None),
    ("Ingrid Larsen", "ilarsen", _TECH, SERVERS, None),
    ("Olusegun Adeyemi", "oadeyemi", _TECH, SERVERS, None),
    ("Mark Fitzgerald", "mfitzgerald", _TECH, SERVERS, None),
    ("Yuki Tanaka", "ytanaka", _TECH, APPS, None),
    ("Ben Carter", "bcarter", _TECH, APPS, None),
    ("Margaret O'Neill", "moneill", _MGR, None, None),
)

_SYSTEMS = (
    "Windows",
    "SAP",
    "Workday",
    "Salesforce",
    "the HR portal",
    "Jira",
    "SharePoint",
    "the expenses portal",
    "the intranet",
)
_APPS = (
    "Microsoft Excel",
    "Adobe Acrobat Pro",
    "Visio",
    "Tableau",
    "Zoom",
    "Slack",
    "Python",
    "AutoCAD",
    "SAP GUI",
    "Power BI",
    "Notepad++",
    "7-Zip",
)
_MAILBOXES = ("invoices@", "hr@", "sales@", "support@", "recruitment@", "payroll@")
_SHARES = (
    r"\\fs01\finance",
    r"\\fs01\hr",
    r"\\fs02\projects",
    r"\\fs02\marketing",
    r"\\fs01\legal",
)
_FLOORS = ("the ground floor", "the 1st floor", "the 2nd floor", "the 3rd floor", "the 4th floor")
_ROOMS = ("meeting room Thames", "meeting room Hudson", "the boardroom", "the canteen", "reception")
_LISTS = ("all-staff", "finance-team", "sales-uk", "sales-us", "project-apollo", "social-club")
_PHISH = ("'Your parcel is waiting'", "'Invoice overdue'", "'Password expires today'")
_DEPARTMENTS = (
    "Finance",
    "Human Resources",
    "Sales",
    "Marketing",
    "Legal",
    "Operations",
    "Procurement",
    "Customer Service",
    "Engineering",
    "Facilities",
    "Executive Office",
    "Research & Development",
)
_FILL: dict[str, tuple[str, ...]] = {
    "system": _SYSTEMS,
    "app": _APPS,
    "mailbox": _MAILBOXES,
    "share": _SHARES,
    "floor": _FLOORS,
    "room": _ROOMS,
    "list": _LISTS,
    "phish": _PHISH,
    "dept": _DEPARTMENTS,
}
# Placeholders naming the ticket's asset, and what to write when there is none.
_ASSET_FALLBACK = {
    "device": "my laptop",
    "printer": "the office printer",
    "phone": "my desk phone",
    "server": "a server",
    "net": "the core switch",
}


@dataclass(frozen=True)
class _CategoryDef:
    """A ticket category: its routing, how often it comes up, and what its tickets say."""

    name: str
    team: str  # default team: where create_ticket routes it
    escalate_to: str  # second line, for categories the service desk owns (and alerts)
    weight: float  # relative share of the tickets people raise
    templates: tuple[str, ...]  # summaries: "text", or "text with {x}|placeholder"
    resolutions: tuple[str, ...]
    monitor_weight: float = 0.0  # relative share of monitoring alerts
    high_impact: bool = False  # outages hit many people: impact and urgency skew high
    asset: str | None = None  # which asset the ticket is about: device, printer, phone...
    asset_p: float = 0.0  # how often that asset is recorded
    vendor: bool = False  # may wait on a vendor


_CATEGORIES = (
    _CategoryDef(
        "Password reset",
        DESK,
        APPS,
        weight=16,
        templates=(
            "Password expired, cannot log in to {x}|system",
            "Locked out of {x} after too many attempts|system",
            "Forgot password for {x}|system",
            "Password reset needed for {x}|system",
            "MFA prompt not arriving, cannot sign in to {x}|system",
            "Account disabled after parental leave, cannot log in",
        ),
        resolutions=(
            "Reset the password and confirmed the caller can log in.",
            "Unlocked the account; caller signed in while on the call.",
            "Re-registered MFA on the caller's new phone.",
        ),
    ),
    _CategoryDef(
        "Printing",
        DESK,
        DESKTOP,
        weight=9,
        asset="printer",
        asset_p=0.9,
        vendor=True,
        templates=(
            "Printer {x} jams on every job|printer",
            "Cannot print to {x}|printer",
            "Print jobs stuck in the queue on {x}|printer",
            "Toner low warning on {x}|printer",
            "Scan to e-mail not working on {x}|printer",
            "{x} prints blank pages|printer",
        ),
        resolutions=(
            "Cleared the queue and restarted the spooler.",
            "Removed the jammed sheet and cleaned the rollers.",
            "Replaced the toner cartridge.",
            "Reinstalled the printer driver.",
        ),
    ),
    _CategoryDef(
        "Email",
        DESK,
        APPS,
        weight=11,
        asset="device",
        asset_p=0.15,
        templates=(
            "Outlook keeps asking for a password",
            "Mailbox full, cannot send e-mail",
            "Shared mailbox {x} not showing in Outlook|mailbox",
            "E-mails to external addresses bounce",
            "Calendar invites not arriving",
            "Out-of-office reply not working",
            "Phishing e-mail reported: {x}|phish",
        ),
        resolutions=(
            "Recreated the Outlook profile.",
            "Archived old items; mailbox below quota again.",
            "Granted access to the shared mailbox; it appeared after a restart.",
            "Blocked the sender and purged the message from all mailboxes.",
        ),
    ),
    _CategoryDef(
        "Network outage",
        NETWORK,
        SERVERS,
        weight=3,
        high_impact=True,
        asset="net",
        asset_p=0.6,
        vendor=True,
        templates=(
            "No network on {x}|floor",
            "Wi-Fi down in {x}|room",
            "Internet very slow in the whole office",
            "Switch {x} unreachable|net",
            "Intermittent packet loss on {x}|net",
        ),
        resolutions=(
            "Replaced a faulty uplink cable.",
            "Rebooted the access point; clients reconnected.",
            "ISP fixed a fault on their side.",
            "Rolled back the switch configuration.",
        ),
    ),
    _CategoryDef(
        "VPN",
        NETWORK,
        SERVERS,
        weight=7,
        asset="device",
        asset_p=0.4,
        templates=(
            "VPN disconnects every few minutes",
            "Cannot connect to the VPN from home",
            "VPN client error 809",
            "VPN connected but no access to {x}|system",
            "VPN certificate expired",
        ),
        resolutions=(
            "Reinstalled the VPN client.",
            "Renewed the machine certificate.",
            "Caller's home router blocked the port; changed the profile.",
        ),
    ),
    _CategoryDef(
        "Laptop hardware",
        DESKTOP,
        SERVERS,
        weight=9,
        asset="device",
        asset_p=0.95,
        vendor=True,
        templates=(
            "{x} will not power on|device",
            "Cracked screen on {x}|device",
            "Battery on {x} drains in an hour|device",
            "Keyboard keys not working on {x}|device",
            "Docking station not detecting monitors",
            "{x} overheating and shutting down|device",
        ),
        resolutions=(
            "Replaced the battery under warranty.",
            "Swapped the laptop for a loan unit; repair booked.",
            "Updated the dock firmware.",
            "Cleaned the fan; temperatures normal again.",
        ),
    ),
    _CategoryDef(
        "Software install",
        DESKTOP,
        APPS,
        weight=10,
        asset="device",
        asset_p=0.6,
        vendor=True,
        templates=(
            "Install request: {x}|app",
            "Please install {x} on my laptop|app",
            "{x} licence expired|app",
            "Update of {x} failed|app",
            "{x} crashes on start|app",
        ),
        resolutions=(
            "Installed from the software centre.",
            "Assigned a licence and activated it.",
            "Repaired the installation.",
        ),
    ),
    _CategoryDef(
        "Access request",
        DESK,
        APPS,
        weight=11,
        templates=(
            "Access to shared drive {x}|share",
            "New starter account for {x}|dept",
            "Add me to the {x} distribution list|list",
            "Access to {x} needed|system",
            "Remove access for a leaver",
            "Admin rights request for {x}|app",
        ),
        resolutions=(
            "Access granted after manager approval.",
            "Account created and details sent to the line manager.",
            "Added to the group; caller confirmed access.",
        ),
    ),
    _CategoryDef(
        "Phone/headset",
        DESK,
        NETWORK,
        weight=5,
        asset="phone",
        asset_p=0.8,
        vendor=True,
        templates=(
            "Headset microphone not working",
            "{x} shows no service|phone",
            "Cannot hear callers on Teams calls",
            "Voicemail PIN reset",
            "Mobile phone not syncing e-mail",
        ),
        resolutions=(
            "Replaced the headset.",
            "Re-provisioned the phone.",
            "Reset the voicemail PIN.",
        ),
    ),
    _CategoryDef(
        "Server alert",
        SERVERS,
        NETWORK,
        weight=1,
        monitor_weight=80,
        high_impact=True,
        asset="server",
        asset_p=1.0,
        vendor=True,
        templates=(
            "CPU above 95% on {x}|server",
            "Disk space low on {x}|server",
            "Host {x} not responding to ping|server",
            "Memory usage critical on {x}|server",
            "Service stopped on {x}|server",
            "Certificate expiring on {x}|server",
        ),
        resolutions=(
            "Cleared old logs; disk usage back to 60%.",
            "Restarted the service; alert cleared.",
            "Renewed the certificate.",
            "Added memory; monitoring normal.",
        ),
    ),
    _CategoryDef(
        "Backup failure",
        SERVERS,
        APPS,
        weight=1,
        monitor_weight=20,
        asset="server",
        asset_p=1.0,
        vendor=True,
        templates=(
            "Nightly backup failed on {x}|server",
            "Backup job for {x} exceeded its window|server",
            "Restore test failed for {x}|server",
            "Backup storage nearly full",
        ),
        resolutions=(
            "Re-ran the job successfully.",
            "Expired old restore points to free space.",
            "Fixed the agent credentials.",
        ),
    ),
    _CategoryDef(
        "Other",
        DESK,
        DESKTOP,
        weight=10,
        templates=(
            "Monitor flickering",
            "Request for a second monitor",
            "Question about {x}|app",
            "Meeting room display not working in {x}|room",
            "Need help setting up {x}|app",
            "Mouse not working",
        ),
        resolutions=(
            "Explained the feature to the caller.",
            "Delivered and connected the equipment.",
            "Replaced the cable.",
        ),
    ),
)

_DESCRIPTIONS = (
    "",
    "",
    "",
    "Started this morning.",
    "Happens every time.",
    "Tried restarting, no change.",
    "Colleagues nearby have the same problem.",
    "Urgent: deadline today.",
    "Worked yesterday.",
)
_MONITOR_DESCRIPTION = "Raised by monitoring: threshold exceeded for 5 minutes."
_WORK_NOTES = (
    "Called the caller, no answer; left a voicemail.",
    "Remote session: collected logs.",
    "Checked the vendor documentation.",
    "Applied a workaround, monitoring.",
    "Spoke to the caller, gathering details.",
    "Ordered a replacement part.",
)
_ESCALATION_REASONS = (
    "Needs second-line investigation.",
    "Requires admin rights we do not have on the desk.",
    "Hardware fault, needs an on-site visit.",
    "Beyond first-line scope.",
    "Recurring fault, needs the specialist team.",
)
_REOPEN_REASONS = (
    "Problem came back the next day.",
    "Caller says it is still not working.",
    "Fix did not survive a reboot.",
)
_FLAG_REASONS = (
    "VIP caller unhappy with progress.",
    "Repeated failures: possible problem record.",
    "Breach likely on a business-critical system.",
    "Complaint from the head of department.",
)
_WAIT_CALLER_NOTES = (
    "Asked the caller for a screenshot.",
    "Waiting for the caller to be back in the office.",
    "Asked the caller to try again after a restart.",
)
_WAIT_VENDOR_NOTES = ("Case opened with the vendor.", "Replacement part on order.")

_FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Sophia",
    "Leo", "Grace", "Arthur", "Lily", "Muhammad", "Freya", "Oscar", "Emily", "Charlie", "Ivy",
    "James", "Ella", "William", "Rosie", "Thomas", "Evie", "Daniel", "Chloe", "Samuel",
    "Hannah", "José", "Zoë", "Łukasz", "Siobhán", "François", "Björn", "Chloé", "Søren",
    "Małgorzata", "Renée", "Jürgen", "Inés", "Aoife", "Niamh", "Seán", "Darragh", "Priya",
    "Arjun", "Ananya", "Wei", "Mei", "Hiroshi", "Yuki", "Fatima", "Omar", "Aisha", "Kwame",
    "Chinedu", "Ngozi", "Olga", "Dmitri", "Katarzyna", "Piotr", "Agnieszka", "Lars", "Ingrid",
    "Matteo", "Giulia", "Sofía", "Alejandro", "Camila", "Mateo", "Valentina", "Luis", "María",
    "Andrés", "Michael", "Jennifer", "David", "Jessica", "Christopher", "Ashley", "Brian",
    "Nicole", "Kevin", "Stephanie", "Tyler", "Jamal", "Keisha", "Malik", "Hélène", "Anaïs",
    "Raphaël", "Noémie", "Gaël", "Ümit", "Çağla", "Tomáš", "Žofie", "Ángel",
)  # fmt: skip
_LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Müller", "O'Brien", "O'Connor", "O'Sullivan", "D'Angelo", "García",
    "Martínez", "Rodríguez", "Hernández", "López", "González", "Pérez", "Sánchez", "Núñez",
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Łukaszewicz", "Schröder",
    "Schäfer", "Weiß", "Köhler", "Jäger", "Østergaard", "Søndergaard", "Åström", "Björklund",
    "Lefèvre", "Dubois", "Moreau", "Fontaine", "Brontë", "Patel", "Shah", "Singh", "Kumar",
    "Gupta", "Chen", "Wang", "Li", "Zhang", "Nguyen", "Tanaka", "Suzuki", "Kim", "Park",
    "Okafor", "Adeyemi", "Mensah", "Boateng", "Ivanov", "Petrov", "Kovačević", "Novák",
    "Dvořák", "Yılmaz", "Şahin", "Öztürk", "Rossi", "Russo", "Esposito", "Bianchi",
    "MacDonald", "McLaughlin", "Fitzgerald", "van der Berg", "de la Cruz", "Smith-Jones",
)  # fmt: skip

_LAPTOPS = (
    "Lenovo ThinkPad T14 Gen 4",
    "Dell Latitude 5440",
    "HP EliteBook 840 G10",
    "Apple MacBook Pro 14",
)
_DESKTOPS = ("Dell OptiPlex 7010", "HP EliteDesk 800 G9", "Lenovo ThinkCentre M90q")
_PHONES = ("Cisco IP Phone 8841", "Poly CCX 400", "Apple iPhone 14", "Samsung Galaxy S23")
_PRINTERS = ("HP LaserJet M507", "Ricoh IM C3000", "Brother HL-L6400DW", "Canon iR-ADV C3226")
_SERVERS = ("Dell PowerEdge R750", "HPE ProLiant DL380 Gen10", "Lenovo ThinkSystem SR650")
_ROUTERS = ("Cisco ISR 4331", "Juniper MX204")
_SWITCHES = ("Cisco Catalyst 9300", "Aruba 6300M")
_SERVER_ROLES = ("app", "sql", "file", "dc", "web", "exch", "bkp", "print", "erp", "crm")
_SERIAL_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

# Local hour-of-day profile of people's tickets: the morning peak, lunch, the afternoon.
_HOUR_WEIGHTS = (
    0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.3, 0.9, 1.4, 1.5, 1.3,
    0.9, 1.1, 1.25, 1.1, 0.9, 0.55, 0.2, 0.1, 0.06, 0.04, 0.03, 0.02,
)  # fmt: skip
# Monday peak, a quieter Friday, almost nothing at weekends.
_WEEKDAY_WEIGHTS = (1.35, 1.1, 1.05, 1.0, 0.85, 0.08, 0.05)
_HOLIDAY_WEIGHT = 0.08

_MONITORING_SHARE = 0.05
_CHANNEL_WEIGHTS = (
    (Channel.PHONE, 0.48),
    (Channel.EMAIL, 0.30),
    (Channel.PORTAL, 0.12),
    (Channel.WALK_IN, 0.10),
)
# Probabilities that shape the life of a ticket (see the report's metric definitions).
_FCR_P = 0.29  # of phone / walk-in tickets in desk categories: about 20% of phone tickets
_ESCALATE_P = 0.125
_FLAG_P = 0.01
_REOPEN_P = 0.045
_RESPONSE_BREACH_P = 0.04
_WAIT_CALLER_P = 0.08
_WAIT_VENDOR_P = 0.05
_IN_PROGRESS_P = 0.10
_NOTE_P = 0.10
_RESOLUTION_MEDIAN = 0.22  # of the resolution target, lognormal
_RESOLUTION_SIGMA = 0.9
_LN_RESOLUTION_MEDIAN = math.log(_RESOLUTION_MEDIAN)
_FOLLOW_UP_CALL_P = 0.12
_UNKNOWN_CALL_P = 0.03

# Impact / urgency weights (1 = highest), skewed to "one person, can wait".
_IMPACT_URGENCY: dict[tuple[int, bool], tuple[tuple[float, ...], tuple[float, ...]]] = {
    (3, False): ((0.03, 0.15, 0.82), (0.12, 0.38, 0.50)),
    (3, True): ((0.25, 0.45, 0.30), (0.40, 0.40, 0.20)),
    (4, False): ((0.02, 0.08, 0.20, 0.70), (0.08, 0.22, 0.30, 0.40)),
    (4, True): ((0.20, 0.35, 0.30, 0.15), (0.35, 0.35, 0.20, 0.10)),
}

_TICKET_COLUMNS = (
    "id", "number", "site_id", "caller_id", "asset_id", "category_id", "summary",
    "description", "channel", "status", "impact", "urgency", "priority", "assignee_id",
    "team_id", "created_by_id", "caller_name", "assignee_name", "team_name", "created_at",
    "updated_at", "first_response_at", "resolved_at", "closed_at", "response_due_at",
    "resolution_due_at", "sla_due_at", "waiting_since", "paused_minutes", "response_breached",
    "resolution_breached", "reopen_count", "first_contact_resolution", "escalated",
    "manager_flagged", "manager_flag_reason", "version",
)  # fmt: skip
_EVENT_COLUMNS = (
    "id", "ticket_id", "ticket_version", "at", "actor_id", "kind", "field", "old_value",
    "new_value", "note", "minutes_spent",
)  # fmt: skip
_CALL_COLUMNS = ("id", "caller_id", "number", "operator_id", "started_at", "ended_at", "ticket_id")
_CALLER_COLUMNS = (
    "id", "name", "email", "employee_id", "department", "site_id", "vip", "notes",
    "created_at", "updated_at",
)  # fmt: skip
_PHONE_COLUMNS = ("id", "caller_id", "number", "digits", "label")
_ASSET_COLUMNS = ("id", "tag", "kind", "model", "serial", "site_id", "owner_id", "notes")

_TABLE: Table = metadata.tables["ticket"]
_EVENT_TABLE: Table = metadata.tables["ticket_event"]
_CALL_TABLE: Table = metadata.tables["call"]
_CALLER_TABLE: Table = metadata.tables["caller"]
_PHONE_TABLE: Table = metadata.tables["caller_phone"]
_ASSET_TABLE: Table = metadata.tables["asset"]
# Loaded in bulk, emptied again if the load fails; children before parents.
_BULK_TABLES = (_CALL_TABLE, _EVENT_TABLE, _TABLE, _PHONE_TABLE, _ASSET_TABLE, _CALLER_TABLE)

# Integer codes, because the SQLite driver binds plain ints fastest.
_S = TicketStatus
_NEW, _ASSIGNED, _IN_PROGRESS = int(_S.NEW), int(_S.ASSIGNED), int(_S.IN_PROGRESS)
_WAITING_CALLER, _WAITING_VENDOR = int(_S.WAITING_CALLER), int(_S.WAITING_VENDOR)
_RESOLVED, _CLOSED = int(_S.RESOLVED), int(_S.CLOSED)
_LABEL = {int(s): s.label for s in TicketStatus}
_K_CREATED, _K_STATUS, _K_ASSIGNED = (
    int(EventKind.CREATED),
    int(EventKind.STATUS_CHANGED),
    int(EventKind.ASSIGNED),
)
_K_NOTE, _K_ESCALATED = int(EventKind.NOTE), int(EventKind.ESCALATED)
_K_FLAGGED, _K_REOPENED = int(EventKind.MANAGER_FLAGGED), int(EventKind.REOPENED)
_PHONE_CH, _WALK_IN_CH, _EMAIL_CH = int(Channel.PHONE), int(Channel.WALK_IN), int(Channel.EMAIL)
_MONITORING_CH = int(Channel.MONITORING)
# The operator (or the monitoring rule) picks the category while logging these, so the ticket
# is routed to the category's team at creation; e-mail and portal tickets wait in New.
_ROUTED_AT_CREATION = frozenset({_PHONE_CH, _WALK_IN_CH, _MONITORING_CH})


# ----------------------------------------------------------------------------- writers


class _Writer:
    """Turns generated values into what the driver stores and writes batches of rows.

    This generic writer goes through SQLAlchemy Core, whose column types convert UUIDs and
    aware datetimes: correct on every back end, and fast enough on PostgreSQL.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Any = None  # the Connection of the open transaction

    def uid(self, value: int) -> Any:
        return uuid.UUID(int=value)

    def uuid(self, value: uuid.UUID) -> Any:
        return value

    def ts(self, value: int | datetime | None) -> Any:
        if value is None or isinstance(value, datetime):
            return value
        return _EPOCH + timedelta(seconds=value)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.engine.begin() as connection:
            self._connection = connection
            try:
                yield
            finally:
                self._connection = None

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._connection.execute(
                table.insert(), [dict(zip(columns, r, strict=True)) for r in rows]
            )

    def drop_indexes(self, tables: Sequence[Table]) -> list[tuple[str, str]]:
        """Secondary indexes are kept on this path (the server maintains them well)."""
        return []

    def create_indexes(self, indexes: list[tuple[str, str]], progress: Progress | None) -> None:
        return None

    def analyze(self) -> None:
        with self.engine.begin() as connection:
            for table in _BULK_TABLES:
                connection.exec_driver_sql(f'ANALYZE "{table.name}"')

    def close(self) -> None:
        return None


def _time_texts() -> list[str]:
    """' HH:MM:SS.000000' for every second of a day, so formatting is two lookups."""
    return [
        f" {h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)
    ]


class _SqliteWriter(_Writer):
    """The fast path on SQLite: the driver's executemany with values in the stored form.

    UUIDs become their 16 bytes and timestamps SQLAlchemy's naive-UTC text
    ('YYYY-MM-DD HH:MM:SS.ffffff'), exactly what ``UUIDType`` and ``UTCDateTime`` would
    write, so the rows cannot be told apart from ones written through the ORM.
    ``synchronous=OFF`` and a large page cache apply to this connection only and are put
    back before it returns to the pool.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._pooled = engine.raw_connection()
        driver = self._pooled.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        self._db = driver
        self._saved = {
            name: self._db.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("synchronous", "cache_size", "threads")
        }
        # A crash during the load loses only demo data, which the load removes anyway.
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("PRAGMA cache_size = -262144")  # 256 MiB, allocated as used
        self._db.execute("PRAGMA threads = 2")  # parallel sorts for CREATE INDEX
        self._days: dict[int, str] = {}
        self._times = _time_texts()
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}

    def uid(self, value: int) -> Any:
        return value.to_bytes(16, "big")

    def uuid(self, value: uuid.UUID) -> Any:
        return value.bytes

    def ts(self, value: int | datetime | None) -> Any:
        if value is None:
            return None
        if type(value) is int:
            day, second = divmod(value, _DAY)
            prefix = self._days.get(day)
            if prefix is None:
                prefix = self._days[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
            return prefix + self._times[second]
        assert isinstance(value, datetime)
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        key = (table.name, tuple(columns))
        sql = self._sql.get(key)
        if sql is None:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            sql = self._sql[key] = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        if rows:
            self._db.executemany(sql, rows)

    def drop_indexes(self, tables: Sequence[Table]) -> list[tuple[str, str]]:
        """Drop the non-unique secondary indexes (and the search triggers) of ``tables``,
        returning their exact DDL.

        Filling a table and then building each index with one sort is several times faster
        than updating seventeen B-trees row by row. The DDL is read back from
        ``sqlite_master``, so the indexes come back exactly as the migrations made them.
        Unique indexes stay: they guard the data being loaded.
        """
        names = ", ".join(f"'{t.name}'" for t in tables)
        rows = self._db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            f"AND sql IS NOT NULL AND tbl_name IN ({names}) ORDER BY type, name"
        ).fetchall()
        dropped = [row for row in rows if not row[2].upper().startswith("CREATE UNIQUE")]
        with self.transaction():
            for kind, name, _ddl in dropped:
                self._db.execute(f'DROP {kind.upper()} "{name}"')
        return [(name, ddl) for _kind, name, ddl in dropped]

    def create_indexes(self, indexes: list[tuple[str, str]], progress: Progress | None) -> None:
        existing = {
            row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        todo = [(name, ddl) for name, ddl in indexes if name not in existing]
        for done, (_name, ddl) in enumerate(todo, start=1):
            with self.transaction():
                self._db.execute(ddl)
            if progress is not None:
                progress("Indexes", done, len(todo))
        if any(is_search_object(name) for name, _ddl in todo):
            # The search triggers were off during the load: index every ticket in one pass.
            with self.transaction():
                rebuild_sqlite_search(self._db.execute)

    def analyze(self) -> None:
        """Statistics for the planner: with a million tickets it must pick the sort index."""
        self._db.execute("ANALYZE")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        try:
            for name, value in self._saved.items():
                self._db.execute(f"PRAGMA {name} = {int(value)}")
        finally:
            self._pooled.close()


# ----------------------------------------------------------------------------- generation state


@dataclass(eq=False)
class _Person:
    id: Any  # stored form
    name: str


@dataclass(eq=False)
class _TeamRef:
    id: Any
    name: str
    is_desk: bool
    members: list[_Person] = field(default_factory=list)


@dataclass(eq=False)
class _AssetRef:
    id: Any
    label: str  # tag, or host name for infrastructure


@dataclass(eq=False)
class _CallerRef:
    id: Any
    name: str
    vip: bool
    device: _AssetRef | None
    phone: _AssetRef | None
    numbers: list[str]


@dataclass(eq=False)
class _SiteRef:
    id: Any
    row_id: uuid.UUID
    d: _SiteDef
    calendars: dict[int, BusinessCalendar]  # per priority: the policy calendar
    operators: list[_Person] = field(default_factory=list)
    callers: list[_CallerRef] = field(default_factory=list)
    caller_cum: list[float] = field(default_factory=list)
    printers: list[_AssetRef] = field(default_factory=list)
    servers: list[_AssetRef] = field(default_factory=list)
    network: list[_AssetRef] = field(default_factory=list)
    seq: int = 0


@dataclass(eq=False)
class _CategoryRef:
    id: Any
    d: _CategoryDef
    team: _TeamRef
    first_team_if_escalated: _TeamRef
    escalated_team: _TeamRef
    templates: list[tuple[str, str | None]]
    impact_cum: list[float]
    urgency_cum: list[float]


class _TicketState:
    """The mutable state of one ticket while its life is simulated."""

    __slots__ = (
        "assignee",
        "closed",
        "escalated",
        "events",
        "fcr",
        "first",
        "flag_reason",
        "flagged",
        "paused",
        "rdue",
        "rdue_f",
        "reopens",
        "resolution_breached",
        "resolved",
        "response_breached",
        "sdue",
        "sdue_f",
        "status",
        "team",
        "waiting",
    )

    def __init__(self) -> None:
        self.status = _NEW
        self.first: int | None = None
        self.resolved: int | None = None
        self.closed: int | None = None
        self.waiting: int | None = None
        self.paused = 0.0
        self.response_breached = False
        self.resolution_breached = False
        self.reopens = 0
        self.fcr = False
        self.escalated = False
        self.flagged = False
        self.flag_reason = ""
        self.assignee: _Person | None = None
        self.team: _TeamRef | None = None
        self.rdue: datetime | None = None
        self.rdue_f = 0.0
        self.sdue: datetime | None = None
        self.sdue_f = 0.0
        # (at, actor id, kind, field, old, new, note, minutes)
        self.events: list[tuple[int, Any, int, str, str, str, str, int]] = []


def _fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Łukasz O'Brien' -> 'lukaszobrien'."""
    text = text.translate(_FOLD_TABLE)
    text = unicodedata.normalize("NFKD", text).lower()
    return "".join(c for c in text if c.isascii() and c.isalnum())


_FOLD_TABLE = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "ı": "i"}
)


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(accumulate(weights))


# ----------------------------------------------------------------------------- the generator


class _Generator:
    """One run: the seeded random source, the reference rows and the writer."""

    def __init__(
        self,
        engine: Engine,
        spec: DemoSpec,
        writer: _Writer,
        progress: Progress | None,
        operator_username: str | None,
    ) -> None:
        self.engine = engine
        self.spec = spec
        self.writer = writer
        self.progress = progress
        self.operator_username = operator_username
        self.rng = random.Random(spec.seed)
        now = spec.now or datetime.now(UTC)
        self.now_dt = now.astimezone(UTC).replace(microsecond=0)
        self.now = int(self.now_dt.timestamp())
        self.start_dt = self.now_dt - relativedelta(months=spec.months)
        self.start = int(self.start_dt.timestamp())
        self.sites: list[_SiteRef] = []
        self.teams: dict[str, _TeamRef] = {}
        self.staff_count = 0
        self.categories: list[_CategoryRef] = []
        self.policies: dict[int, tuple[int, int] | None] = {}
        self.matrix: list[list[int]] = []
        self.asset_count = 0
        self.event_count = 0
        self.call_count = 0
        self.digits: set[str] = set()
        self.tag_seq: dict[str, int] = {}
        self._op_sites: dict[str, list[_Person]] = {}
        # Cumulative weights for the per-ticket draws, set up by tickets().
        self._people: list[_CategoryRef] = []
        self._people_cum: list[float] = []
        self._monitored: list[_CategoryRef] = []
        self._monitored_cum: list[float] = []
        self._channels: list[int] = []
        self._channel_cum: list[float] = []

    # -- helpers

    def _uid_int(self) -> int:
        return (self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET

    def uid(self) -> Any:
        """A new primary key in the stored form, drawn from the seeded generator."""
        return self.writer.uid((self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET)

    def _report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    # -- reference data, through the ORM: a few dozen rows

    def reference(self) -> None:
        """Sites, teams, staff, categories, SLA policies and the matrix.

        Rows that already exist (the defaults every new database gets, or the operator's own
        staff row) are reused and brought in line, so a database fresh from start-up
        qualifies as empty.
        """
        with write_session(self.engine) as s:
            seed_sla_and_matrix(s)
            s.flush()
            site_rows = []
            for d in _SITES:
                new_id = uuid.UUID(int=self._uid_int())
                site = s.exec(select(Site).where(Site.code == d.code)).first()
                if site is None:
                    site = Site(id=new_id, code=d.code, name=d.name)
                    s.add(site)
                site.name = d.name
                site.timezone = d.timezone
                site.business_hours = {str(day): [d.opens, d.closes] for day in range(5)}
                site.holiday_country = d.country
                site.holiday_subdiv = d.subdiv
                site_rows.append(site)
            teams: dict[str, Team] = {}
            for name, is_desk, email in _TEAMS:
                new_id = uuid.UUID(int=self._uid_int())
                team = s.exec(select(Team).where(Team.name == name)).first()
                if team is None:
                    team = Team(id=new_id, name=name)
                    s.add(team)
                team.is_service_desk = is_desk
                team.email = email
                teams[name] = team
            s.flush()
            for name, team in teams.items():
                self.teams[name] = _TeamRef(self.writer.uuid(team.id), name, team.is_service_desk)
            staff_defs = list(_STAFF)
            wanted = self.operator_username.strip() if self.operator_username else ""
            if wanted:
                # The person at this workstation becomes the first desk operator; a demo
                # colleague who happens to share the name gives way.
                staff_defs = [
                    (n, f"{u}2" if u == wanted else u, role, t, site)
                    for n, u, role, t, site in staff_defs
                ]
                first = staff_defs[0]
                staff_defs[0] = (first[0], wanted, first[2], first[3], first[4])
            for index, (name, username, role, team_name, op_site) in enumerate(staff_defs):
                new_id = uuid.UUID(int=self._uid_int())
                row = s.exec(select(Staff).where(Staff.username == username)).first()
                keep_name = row is not None and index == 0 and bool(wanted)
                if row is None:
                    row = Staff(id=new_id, name=name, username=username)
                    s.add(row)
                if not keep_name:
                    row.name = name
                row.role = role
                row.team_id = teams[team_name].id if team_name else None
                row.email = f"{username}@example.com"
                row.active = True
                s.flush()
                person = _Person(self.writer.uuid(row.id), row.name)
                if team_name:
                    self.teams[team_name].members.append(person)
                if op_site:
                    self._op_sites.setdefault(op_site, []).append(person)
            self.staff_count = len(staff_defs)
            for cd in _CATEGORIES:
                new_id = uuid.UUID(int=self._uid_int())
                category = s.exec(select(Category).where(Category.name == cd.name)).first()
                if category is None:
                    category = Category(id=new_id, name=cd.name)
                    s.add(category)
                category.default_team_id = teams[cd.team].id
                s.flush()
                self.categories.append(self._category_ref(category.id, cd))
            policies = {int(p.priority): p for p in s.exec(select(SlaPolicy)).all()}
            self.policies = {
                int(p): (
                    (policies[int(p)].response_minutes, policies[int(p)].resolution_minutes)
                    if int(p) in policies
                    else None
                )
                for p in Priority
            }
            self.matrix = [[int(cell) for cell in row] for row in load_matrix(s)]
            for d, site in zip(_SITES, site_rows, strict=True):
                base = sla.site_calendar(site)
                calendars = {
                    int(p): sla.policy_calendar(site, policies[int(p)])
                    if int(p) in policies
                    else base
                    for p in Priority
                }
                ref = _SiteRef(self.writer.uuid(site.id), site.id, d, calendars)
                ref.operators = self._op_sites.get(d.code, []) or self.teams[DESK].members
                self.sites.append(ref)
        self._report("Reference data", 1, 1)

    def _category_ref(self, category_id: uuid.UUID, d: _CategoryDef) -> _CategoryRef:
        team = self.teams[d.team]
        desk = self.teams[DESK]
        if team.is_desk:
            first, final = desk, self.teams[d.escalate_to]
        else:
            first, final = desk, team
        templates: list[tuple[str, str | None]] = []
        for text in d.templates:
            body, _, key = text.partition("|")
            templates.append((body, key or None))
        return _CategoryRef(
            id=self.writer.uuid(category_id),
            d=d,
            team=team,
            first_team_if_escalated=first,
            escalated_team=final,
            templates=templates,
            impact_cum=[],
            urgency_cum=[],
        )

    def _prepare_impact_urgency(self) -> None:
        size = len(self.matrix)
        for category in self.categories:
            impact, urgency = _IMPACT_URGENCY[(size, category.d.high_impact)]
            category.impact_cum = _cumulative(impact)
            category.urgency_cum = _cumulative(urgency)

    # -- callers, phones, assets

    def _phone_number(self, site: _SiteRef, mobile: bool) -> tuple[str, str]:
        """A unique number in the site's national format, and its digits."""
        randint = self.rng.randint
        while True:
            if site.d.country == "GB":
                if mobile:
                    a, b = randint(400, 999), randint(0, 999_999)
                    text, digits = f"+44 7{a:03d} {b:06d}", f"447{a:03d}{b:06d}"
                else:
                    a, b = randint(7000, 8999), randint(0, 9999)
                    text, digits = f"+44 20 {a:04d} {b:04d}", f"4420{a:04d}{b:04d}"
            else:
                area = (917, 347)[randint(0, 1)] if mobile else (212, 646, 718)[randint(0, 2)]
                a, b = randint(200, 999), randint(0, 9999)
                text, digits = f"({area}) {a:03d}-{b:04d}", f"{area}{a:03d}{b:04d}"
            if digits not in self.digits:
                self.digits.add(digits)
                return text, digits

    def _tag(self, prefix: str) -> str:
        seq = self.tag_seq.get(prefix)
        if seq is None:
            seq = self.rng.randint(1000, 4000)
        self.tag_seq[prefix] = seq + 1
        return f"{prefix}-{seq:06d}"

    def _serial(self, prefix: str) -> str:
        return prefix + "".join(self.rng.choices(_SERIAL_CHARS, k=9))

    def callers(self) -> int:
        """Callers with e-mails, employee ids, 1-3 phone numbers and their own devices."""
        rng, writer, uid = self.rng, self.writer, self.uid
        rand, randint, choice = rng.random, rng.randint, rng.choice
        total = self.spec.callers
        hq, ny = self.sites[0], self.sites[1]
        employee_ids = rng.sample(range(100_000, 100_000 + max(900_000, total * 3)), total)
        emails: dict[str, int] = {}
        weights: dict[int, list[float]] = {0: [], 1: []}
        history = 3 * 365 * _DAY
        counts = {"callers": 0, "assets": 0}
        for start in range(0, total, CALLER_BATCH):
            callers: list[tuple[Any, ...]] = []
            phones: list[tuple[Any, ...]] = []
            assets: list[tuple[Any, ...]] = []
            for i in range(start, min(total, start + CALLER_BATCH)):
                site_index = 0 if rand() < hq.d.caller_share else 1
                site = hq if site_index == 0 else ny
                first, last = choice(_FIRST_NAMES), choice(_LAST_NAMES)
                name = f"{first} {last}"
                local = f"{_fold(first)}.{_fold(last)}"
                seen = emails.get(local, 0) + 1
                emails[local] = seen
                email = f"{local}{seen if seen > 1 else ''}@example.com"
                vip = rand() < 0.02
                created = writer.ts(self.start - randint(_DAY, history))
                caller_id = uid()
                callers.append(
                    (
                        caller_id,
                        name,
                        email,
                        f"E{employee_ids[i]}",
                        choice(_DEPARTMENTS),
                        site.id,
                        vip,
                        "VIP: priority handling, keep their PA informed." if vip else "",
                        created,
                        created,
                    )
                )
                numbers = []
                how_many = 1 if rand() < 0.5 else (2 if rand() < 0.7 else 3)
                for n, label in enumerate(("work", "mobile", "home")[:how_many]):
                    text, digits = self._phone_number(site, mobile=n == 1)
                    numbers.append(text)
                    phones.append((uid(), caller_id, text, digits, label))
                device = phone = None
                r = rand()
                if r < 0.95:
                    laptop = r < 0.62
                    prefix = "LT" if laptop else "DT"
                    tag = self._tag(prefix)
                    device = _AssetRef(uid(), tag)
                    assets.append(
                        (
                            device.id,
                            tag,
                            int(AssetKind.LAPTOP if laptop else AssetKind.DESKTOP),
                            choice(_LAPTOPS if laptop else _DESKTOPS),
                            self._serial("S"),
                            site.id,
                            caller_id,
                            "",
                        )
                    )
                if rand() < 0.22:
                    tag = self._tag("PH")
                    phone = _AssetRef(uid(), tag)
                    assets.append(
                        (
                            phone.id,
                            tag,
                            int(AssetKind.PHONE),
                            choice(_PHONES),
                            self._serial("P"),
                            site.id,
                            caller_id,
                            "",
                        )
                    )
                site.callers.append(_CallerRef(caller_id, name, vip, device, phone, numbers))
                # A few callers phone all the time: activity is long-tailed.
                weights[site_index].append(rng.lognormvariate(0.0, 1.0))
            with writer.transaction():
                writer.insert(_CALLER_TABLE, _CALLER_COLUMNS, callers)
                writer.insert(_PHONE_TABLE, _PHONE_COLUMNS, phones)
                writer.insert(_ASSET_TABLE, _ASSET_COLUMNS, assets)
            counts["callers"] += len(callers)
            counts["assets"] += len(assets)
            self._report("Callers", counts["callers"], total)
        hq.caller_cum = _cumulative(weights[0])
        ny.caller_cum = _cumulative(weights[1])
        self.asset_count += counts["assets"]
        return counts["callers"]

    def infrastructure(self) -> None:
        """Shared printers and ~50 servers, routers and switches, owned by nobody."""
        rng, uid = self.rng, self.uid
        rows: list[tuple[Any, ...]] = []
        plan = (
            (AssetKind.SERVER, "SV", _SERVERS, (18, 12)),
            (AssetKind.ROUTER, "RT", _ROUTERS, (4, 2)),
            (AssetKind.SWITCH, "SW", _SWITCHES, (8, 6)),
        )
        for index, site in enumerate(self.sites):
            printers = max(2, len(site.callers) // 30)
            for _ in range(printers):
                tag = self._tag("PR")
                ref = _AssetRef(uid(), tag)
                site.printers.append(ref)
                model = rng.choice(_PRINTERS)
                rows.append(
                    (
                        ref.id,
                        tag,
                        int(AssetKind.PRINTER),
                        model,
                        self._serial("R"),
                        site.id,
                        None,
                        "",
                    )
                )
            for kind, prefix, models, per_site in plan:
                for n in range(per_site[index]):
                    tag = self._tag(prefix)
                    if kind == AssetKind.SERVER:
                        role = _SERVER_ROLES[n % len(_SERVER_ROLES)]
                        host = f"{site.d.host_prefix}-{role}-{n // len(_SERVER_ROLES) + 1:02d}"
                    else:
                        host = f"{site.d.host_prefix}-{prefix.lower()}-{n + 1:02d}"
                    ref = _AssetRef(uid(), host)
                    (site.servers if kind == AssetKind.SERVER else site.network).append(ref)
                    rows.append(
                        (
                            ref.id,
                            tag,
                            int(kind),
                            rng.choice(models),
                            self._serial("X"),
                            site.id,
                            None,
                            f"Host name {host}",
                        )
                    )
        with self.writer.transaction():
            self.writer.insert(_ASSET_TABLE, _ASSET_COLUMNS, rows)
        self.asset_count += len(rows)
        self._report("Assets", len(rows), len(rows))

    # -- when tickets are created

    def _hour_slots(self, site: _SiteRef) -> tuple[list[int], list[float]]:
        """UTC start of every local hour in the period, and cumulative ticket weights."""
        zone = ZoneInfo(site.d.timezone)
        local_start = self.start_dt.astimezone(zone).date()
        local_end = self.now_dt.astimezone(zone).date()
        years = range(local_start.year, local_end.year + 1)
        closed = holidays.country_holidays(site.d.country, subdiv=site.d.subdiv, years=years)
        starts: list[int] = []
        weights: list[float] = []
        day = local_start
        while day <= local_end:
            day_weight = _HOLIDAY_WEIGHT if day in closed else _WEEKDAY_WEIGHTS[day.weekday()]
            for hour, hour_weight in enumerate(_HOUR_WEIGHTS):
                stamp = int(datetime(day.year, day.month, day.day, hour, tzinfo=zone).timestamp())
                if stamp + 3600 <= self.start or stamp >= self.now:
                    continue
                starts.append(stamp)
                weights.append(day_weight * hour_weight)
            day += timedelta(days=1)
        return starts, _cumulative(weights)

    def _creation_keys(self) -> list[int]:
        """Every ticket's creation second, site and kind, packed in one sortable int.

        Numbers are handed out in creation order per site, so all creation times are drawn
        first and sorted; packing them as ``(second * sites + site) * 2 + monitoring``
        keeps a million of them in a compact list of ints.
        """
        rng = self.rng
        rand, randrange = rng.random, rng.randrange
        nsites = len(self.sites)
        slots = [self._hour_slots(site) for site in self.sites]
        people_share = _cumulative([len(site.callers) for site in self.sites])
        server_share = _cumulative([len(site.servers) for site in self.sites])
        span = self.now - self.start
        keys: list[int] = []
        for _ in range(self.spec.tickets):
            monitoring = rand() < _MONITORING_SHARE
            if monitoring:
                site_index = bisect(server_share, rand() * server_share[-1])
                stamp = self.start + randrange(span)
            else:
                site_index = bisect(people_share, rand() * people_share[-1])
                starts, cum = slots[site_index]
                while True:
                    slot = bisect(cum, rand() * cum[-1])
                    stamp = starts[min(slot, len(starts) - 1)] + randrange(3600)
                    if self.start <= stamp < self.now:
                        break
            keys.append((stamp * nsites + site_index) * 2 + monitoring)
        keys.sort()
        return keys

    # -- tickets

    def tickets(self) -> int:
        """Simulate every ticket's life in creation order and write them in batches."""
        self._prepare_impact_urgency()
        keys = self._creation_keys()
        total = len(keys)
        nsites = len(self.sites)
        self._people = [c for c in self.categories if c.d.weight > 0]
        self._people_cum = _cumulative([c.d.weight for c in self._people])
        self._monitored = [c for c in self.categories if c.d.monitor_weight > 0]
        self._monitored_cum = _cumulative([c.d.monitor_weight for c in self._monitored])
        self._channels = [int(ch) for ch, _ in _CHANNEL_WEIGHTS]
        self._channel_cum = _cumulative([w for _, w in _CHANNEL_WEIGHTS])
        writer = self.writer
        for start in range(0, total, TICKET_BATCH):
            tickets: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            calls: list[tuple[Any, ...]] = []
            for key in keys[start : start + TICKET_BATCH]:
                rest, monitoring = divmod(key, 2)
                stamp, site_index = divmod(rest, nsites)
                self._ticket(
                    stamp, self.sites[site_index], bool(monitoring), tickets, events, calls
                )
            with writer.transaction():
                writer.insert(_TABLE, _TICKET_COLUMNS, tickets)
                writer.insert(_EVENT_TABLE, _EVENT_COLUMNS, events)
                writer.insert(_CALL_TABLE, _CALL_COLUMNS, calls)
            self.event_count += len(events)
            self.call_count += len(calls)
            self._report("Tickets", start + len(tickets), total)
        return total

    def _ticket(
        self,
        t0: int,
        site: _SiteRef,
        monitoring: bool,
        tickets: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
        calls: list[tuple[Any, ...]],
    ) -> None:
        """One ticket: what it is about, who raised it, and its life up to ``now``."""
        rng = self.rng
        rand, randint = rng.random, rng.randint
        ts, uid = self.writer.ts, self.uid

        # What, how and who.
        caller: _CallerRef | None = None
        if monitoring:
            category = self._monitored[
                bisect(self._monitored_cum, rand() * self._monitored_cum[-1])
            ]
            channel = _MONITORING_CH
        else:
            category = self._people[bisect(self._people_cum, rand() * self._people_cum[-1])]
            if category.d.monitor_weight:  # alerts reported by people arrive by e-mail
                channel = _EMAIL_CH
            else:
                channel = self._channels[bisect(self._channel_cum, rand())]
            caller = site.callers[bisect(site.caller_cum, rand() * site.caller_cum[-1])]
        operators = site.operators
        creator = (
            operators[int(rand() * len(operators))]
            if channel in (_PHONE_CH, _WALK_IN_CH, _EMAIL_CH)
            else None
        )
        d = category.d
        asset: _AssetRef | None = None
        if d.asset is not None and rand() < d.asset_p:
            if d.asset == "device":
                asset = caller.device if caller else None
            elif d.asset == "phone":
                asset = caller.phone if caller else None
            else:
                pool = {"printer": site.printers, "server": site.servers, "net": site.network}[
                    d.asset
                ]
                asset = pool[int(rand() * len(pool))]
        body, key = category.templates[int(rand() * len(category.templates))]
        if key is None:
            summary = body
        elif key in _ASSET_FALLBACK:
            if asset is None and key in ("printer", "server", "net"):
                pool = {"printer": site.printers, "server": site.servers, "net": site.network}[key]
                asset = pool[int(rand() * len(pool))]
            if asset is not None:
                summary = body.format(x=asset.label)
            else:  # the caller has no such device on record: "My laptop will not power on"
                summary = body.format(x=_ASSET_FALLBACK[key])
                summary = summary[0].upper() + summary[1:]
        else:
            values = _FILL[key]
            summary = body.format(x=values[int(rand() * len(values))])
        if monitoring:
            description = _MONITOR_DESCRIPTION
        else:
            description = _DESCRIPTIONS[int(rand() * len(_DESCRIPTIONS))]
        impact = bisect(category.impact_cum, rand() * category.impact_cum[-1]) + 1
        urgency = bisect(category.urgency_cum, rand() * category.urgency_cum[-1]) + 1
        size = len(self.matrix)
        impact, urgency = min(impact, size), min(urgency, size)
        if caller is not None and caller.vip and urgency > 1:
            urgency -= 1
        priority = self.matrix[impact - 1][urgency - 1]
        targets = self.policies[priority]
        calendar = site.calendars[priority]

        # The SLA clock, exactly as the ticket service sets it at creation.
        st = _TicketState()
        created = _EPOCH + timedelta(seconds=t0)
        if targets is not None:
            st.rdue = calendar.add_business_minutes(created, targets[0])
            st.sdue = calendar.add_business_minutes(created, targets[1])
            st.rdue_f = st.rdue.timestamp()
            st.sdue_f = st.sdue.timestamp()
        st.events.append(
            (t0, creator.id if creator else None, _K_CREATED, "", "", "", description, 0)
        )
        desk = self.teams[DESK]
        fcr = (
            creator is not None
            and channel in (_PHONE_CH, _WALK_IN_CH)
            and category.team is desk
            and rand() < _FCR_P
        )
        if fcr:
            assert creator is not None
            self._first_contact(st, t0, creator, desk, category)
        else:
            self._life(st, t0, created, site, category, channel, calendar, targets)

        # The row, with the running deadline of sla.running_due.
        status = st.status
        if status >= _RESOLVED or status == _WAITING_CALLER:
            due = None
        else:
            due = st.rdue if st.first is None else st.sdue
        assignee, team = st.assignee, st.team
        site.seq += 1
        ticket_id = uid()
        event_rows = st.events
        tickets.append(
            (
                ticket_id,
                f"{site.d.code}-{site.seq:06d}",
                site.id,
                caller.id if caller else None,
                asset.id if asset else None,
                category.id,
                summary,
                description,
                channel,
                status,
                impact,
                urgency,
                priority,
                assignee.id if assignee else None,
                team.id if team else None,
                creator.id if creator else None,
                caller.name if caller else "",
                assignee.name if assignee else "",
                team.name if team else "",
                ts(t0),
                ts(event_rows[-1][0]),
                ts(st.first),
                ts(st.resolved),
                ts(st.closed),
                ts(st.rdue),
                ts(st.sdue),
                ts(due),
                ts(st.waiting),
                st.paused,
                st.response_breached,
                st.resolution_breached,
                st.reopens,
                st.fcr,
                st.escalated,
                st.flagged,
                st.flag_reason,
                1,
            )
        )
        for at, actor, kind, field_name, old, new, note, minutes in event_rows:
            events.append(
                (uid(), ticket_id, 1, ts(at), actor, kind, field_name, old, new, note, minutes)
            )

        # The phone call that produced the ticket, and sometimes a call back about it.
        if channel == _PHONE_CH and caller is not None and creator is not None:
            numbers = caller.numbers
            number = numbers[0] if rand() < 0.7 else numbers[int(rand() * len(numbers))]
            ended = (st.resolved if st.fcr and st.resolved else t0) + randint(20, 300)
            calls.append(
                (
                    uid(),
                    caller.id,
                    number,
                    creator.id,
                    ts(t0 - randint(15, 120)),
                    ts(min(ended, self.now)),
                    ticket_id,
                )
            )
            if rand() < _FOLLOW_UP_CALL_P:
                at = t0 + randint(3600, 4 * _DAY)
                if at < self.now:
                    operator = operators[int(rand() * len(operators))]
                    end = min(at + randint(40, 300), self.now)
                    calls.append((uid(), caller.id, number, operator.id, ts(at), ts(end), None))
            if rand() < _UNKNOWN_CALL_P:
                at = t0 + randint(600, 3 * _DAY)
                if at < self.now:
                    text, _digits = self._phone_number(site, mobile=rand() < 0.5)
                    operator = operators[int(rand() * len(operators))]
                    end = min(at + randint(20, 120), self.now)
                    calls.append((uid(), None, text, operator.id, ts(at), ts(end), None))

    def _first_contact(
        self, st: _TicketState, t0: int, operator: _Person, desk: _TeamRef, category: _CategoryRef
    ) -> None:
        """Solved on the call: the operator responds at once and resolves within minutes."""
        rng = self.rng
        resolved = min(self.now, t0 + rng.randint(60, 540))
        st.assignee, st.team, st.status = operator, desk, _ASSIGNED
        st.first = t0
        st.fcr = True
        note = rng.choice(category.d.resolutions)
        minutes = max(1, (resolved - t0 + 59) // 60)
        self._resolve(st, resolved, operator, note, minutes)
        self._close(st, operator)

    def _resolve(self, st: _TicketState, at: int, actor: _Person, note: str, minutes: int) -> None:
        st.events.append(
            (at, actor.id, _K_STATUS, "status", _LABEL[st.status], _LABEL[_RESOLVED], note, minutes)
        )
        st.status = _RESOLVED
        st.resolved = at
        st.resolution_breached = st.sdue is not None and at > st.sdue_f

    def _close(self, st: _TicketState, actor: _Person) -> None:
        assert st.resolved is not None
        at = st.resolved + self.rng.randint(2 * _DAY, 4 * _DAY)
        if at > self.now:
            return
        st.events.append(
            (at, actor.id, _K_STATUS, "status", _LABEL[_RESOLVED], _LABEL[_CLOSED], "", 0)
        )
        st.status = _CLOSED
        st.closed = at

    def _status(self, st: _TicketState, at: int, actor: _Person, target: int, note: str) -> None:
        st.events.append(
            (at, actor.id, _K_STATUS, "status", _LABEL[st.status], _LABEL[target], note, 0)
        )
        st.status = target

    def _pick(self, team: _TeamRef, site: _SiteRef) -> _Person:
        members = site.operators if team.is_desk else team.members
        if not members:
            members = site.operators
        return members[int(self.rng.random() * len(members))]

    def _life(
        self,
        st: _TicketState,
        t0: int,
        created: datetime,
        site: _SiteRef,
        category: _CategoryRef,
        channel: int,
        calendar: BusinessCalendar,
        targets: tuple[int, int] | None,
    ) -> None:
        """Response, escalation, pauses, notes, resolution, reopening and closing.

        Work happens in business time of the ticket's SLA calendar (24x7 for P1), so every
        step is an offset in business minutes from creation turned into a moment by the same
        ``add_business_minutes`` the SLA uses; the simulation stops at ``now``, which leaves
        recent tickets in every open status.
        """
        rng, now = self.rng, self.now
        rand, randint = rng.random, rng.randint
        add = calendar.add_business_minutes

        def at(offset: int) -> int:
            return int(add(created, offset).timestamp())

        response_target, resolution_target = targets if targets is not None else (240, 1620)

        escalate = rand() < _ESCALATE_P
        desk = self.teams[DESK]
        if escalate and channel != _MONITORING_CH:
            team = category.first_team_if_escalated
            final = category.escalated_team
        else:
            team = category.team
            final = self.teams[category.d.escalate_to]
            if final is team:
                final = self.teams[SERVERS] if team is not self.teams[SERVERS] else desk
        if channel in _ROUTED_AT_CREATION:
            # create_ticket routes to the team at once, without counting it as a response.
            st.team, st.status = team, _ASSIGNED

        # First response: someone takes the ticket.
        if rand() < _RESPONSE_BREACH_P:
            offset = int(response_target * (1.05 + rand() * 1.5)) + 1
        else:
            offset = max(1, int(response_target * rng.betavariate(1.0, 5.0)))
        moment = at(offset)
        if moment > now:
            return
        assignee = self._pick(team, site)
        actor = assignee if team.is_desk or rand() < 0.5 else self._pick(desk, site)
        st.events.append((moment, actor.id, _K_ASSIGNED, "assignee", "", assignee.name, "", 0))
        st.first = moment
        st.response_breached = st.rdue is not None and moment > st.rdue_f
        st.assignee, st.team, st.status = assignee, team, _ASSIGNED

        if not escalate and rand() < _IN_PROGRESS_P:
            offset += randint(0, 30)
            moment = at(offset)
            if moment > now:
                return
            self._status(st, moment, assignee, _IN_PROGRESS, "")

        if escalate:
            offset += randint(15, 240)
            moment = at(offset)
            if moment > now:
                return
            reason = rng.choice(_ESCALATION_REASONS)
            st.events.append(
                (moment, assignee.id, _K_ESCALATED, "team", team.name, final.name, reason, 0)
            )
            st.escalated = True
            st.team, st.assignee = final, None
            offset += randint(5, 180)
            moment = at(offset)
            if moment > now:
                return
            assignee = self._pick(final, site)
            st.events.append(
                (moment, assignee.id, _K_ASSIGNED, "assignee", "", assignee.name, "", 0)
            )
            st.assignee = assignee

        if rand() < _WAIT_CALLER_P:
            offset += randint(10, 180)
            moment = at(offset)
            if moment > now:
                return
            self._status(st, moment, assignee, _WAITING_CALLER, rng.choice(_WAIT_CALLER_NOTES))
            st.waiting = moment
            pause = randint(30, 1800)
            back = at(offset + pause)
            if back > now:
                return
            # sla.resume: push the running deadlines back by the business time spent waiting.
            paused = calendar.business_minutes_between(
                _EPOCH + timedelta(seconds=moment), _EPOCH + timedelta(seconds=back)
            )
            if targets is not None:  # the service resumes only under a policy
                st.paused += paused
                assert st.sdue is not None
                st.sdue = add(st.sdue, paused)
                st.sdue_f = st.sdue.timestamp()
            st.waiting = None
            self._status(st, back, assignee, _IN_PROGRESS, "Caller replied.")
            offset += pause

        if category.d.vendor and rand() < _WAIT_VENDOR_P:
            offset += randint(10, 240)
            moment = at(offset)
            if moment > now:
                return
            self._status(st, moment, assignee, _WAITING_VENDOR, rng.choice(_WAIT_VENDOR_NOTES))
            wait = randint(240, 4800)
            moment = at(offset + wait)
            if moment > now:
                return
            self._status(st, moment, assignee, _IN_PROGRESS, "Vendor replied.")
            offset += wait

        if rand() < _NOTE_P:
            offset += randint(5, 240)
            moment = at(offset)
            if moment > now:
                return
            note = rng.choice(_WORK_NOTES)
            st.events.append((moment, assignee.id, _K_NOTE, "", "", "", note, randint(1, 12) * 5))

        if rand() < _FLAG_P:
            offset += randint(5, 120)
            moment = at(offset)
            if moment > now:
                return
            reason = rng.choice(_FLAG_REASONS)
            st.events.append((moment, assignee.id, _K_FLAGGED, "", "", reason, "", 0))
            st.flagged, st.flag_reason, st.escalated = True, reason, True

        # Resolution: lognormal in business time, around a fifth of the target.
        share = min(rng.lognormvariate(_LN_RESOLUTION_MEDIAN, _RESOLUTION_SIGMA), 8.0)
        net = int(resolution_target * share) + int(st.paused)
        offset = max(net, offset + randint(5, 60))
        moment = at(offset)
        if moment > now:
            return
        resolutions = category.d.resolutions
        self._resolve(st, moment, assignee, rng.choice(resolutions), randint(1, 18) * 5)

        if rand() < _REOPEN_P:
            offset += randint(30, 1500)
            moment = at(offset)
            if moment > now:
                return
            reason = rng.choice(_REOPEN_REASONS)
            st.events.append((moment, assignee.id, _K_REOPENED, "", "", "", reason, 0))
            self._status(st, moment, assignee, _IN_PROGRESS, "")
            st.reopens += 1
            st.resolved = None
            offset += randint(30, 900)
            moment = at(offset)
            if moment > now:
                return
            self._resolve(st, moment, assignee, rng.choice(resolutions), randint(1, 12) * 5)

        self._close(st, assignee)

    # -- the end

    def finish(self) -> None:
        """Hand each site's next number on, as ``_next_number`` would have."""
        with write_session(self.engine) as s:
            for site in self.sites:
                s.execute(
                    sa_update(Site)
                    .where(col(Site.id) == site.row_id)
                    .values(next_ticket_seq=site.seq + 1)
                )


# ----------------------------------------------------------------------------- entry point


def _refuse_non_empty(engine: Engine) -> None:
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(sa_select(func.count()).select_from(table)).scalar_one()
            for table in _BULK_TABLES
        }
    if any(counts.values()):
        found = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
        raise SwitchboardError(
            f"{EMPTY_ONLY}: this one already has {found}. Create a new database file "
            "(--db) for the demo."
        )


def _check_spec(spec: DemoSpec) -> None:
    problems = {}
    if spec.callers < 1:
        problems["callers"] = "At least one caller is needed."
    if spec.tickets < 0:
        problems["tickets"] = "The number of tickets cannot be negative."
    if not 1 <= spec.months <= 120:
        problems["months"] = "Choose between 1 and 120 months."
    if spec.now is not None and spec.now.tzinfo is None:
        problems["now"] = "Give an aware UTC time, e.g. datetime.now(UTC)."
    if problems:
        raise ValidationError(problems)


def _wipe(engine: Engine) -> None:
    """Remove a half-finished load so the database is empty (and usable) again."""
    with engine.begin() as connection:
        for table in _BULK_TABLES:
            connection.execute(delete(table))


def generate(
    engine: Engine,
    spec: DemoSpec,
    progress: Progress | None = None,
    operator_username: str | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with a realistic year (or ``spec.months``) of work.

    Refuses (SwitchboardError) a database that already holds callers, tickets, assets or
    calls: demo rows must never mix with real ones. ``progress(stage, done, total)`` is called
    after every batch. If ``operator_username`` is given, one service-desk operator gets that
    user name, so the person at the workstation is one of the demo staff.
    """
    return _generate(engine, spec, progress, operator_username, fast=True)


def _generate(
    engine: Engine,
    spec: DemoSpec,
    progress: Progress | None,
    operator_username: str | None,
    *,
    fast: bool,
) -> DemoSummary:
    """``generate`` with the choice of writer (``fast=False`` forces Core inserts on SQLite;
    the tests use it to prove both paths write identical rows)."""
    _check_spec(spec)
    _refuse_non_empty(engine)
    started = time.perf_counter()
    writer = _SqliteWriter(engine) if fast and is_sqlite(engine) else _Writer(engine)
    gen = _Generator(engine, spec, writer, progress, operator_username)
    dropped: list[tuple[str, str]] = []
    try:
        gen.reference()
        dropped = writer.drop_indexes(_BULK_TABLES)
        callers = gen.callers()
        gen.infrastructure()
        tickets = gen.tickets()
        gen.finish()
        writer.create_indexes(dropped, progress)
        gen._report("Statistics", 0, 1)
        writer.analyze()
        gen._report("Statistics", 1, 1)
    except BaseException:
        # All or nothing: a half-filled database would be refused by the next attempt.
        log.exception("Demo data generation failed; removing the partial load")
        try:
            _wipe(engine)
        finally:
            writer.create_indexes(dropped, None)
        raise
    finally:
        writer.close()
    summary = DemoSummary(
        sites=len(gen.sites),
        teams=len(gen.teams),
        staff=gen.staff_count,
        callers=callers,
        assets=gen.asset_count,
        tickets=tickets,
        events=gen.event_count,
        calls=gen.call_count,
        seconds=time.perf_counter() - started,
    )
    log.info("Demo data written: %s", summary)
    return summary
