"""The made-up organisation: sites, teams, staff, categories, names and ticket texts."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Table

from models.enums import Channel, EventKind, StaffRole, TicketStatus
from models.schema import metadata

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
    "manager_flagged", "manager_flag_reason", "version", "problem_id", "vendor_due_at",
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
# Loaded in bulk, emptied again if the load fails; children before parents. The vendors,
# contracts and problems (app/demo/vendors.py, app/demo/problems.py) are few, but their load
# is all or nothing with the rest.
_BULK_TABLES = (
    _CALL_TABLE,
    _EVENT_TABLE,
    *(
        metadata.tables[name]
        for name in (
            "vendor_escalation",
            "ticket",
            "problem_event",
            "problem_asset",
            "problem_category",
            "problem",
            "contract_asset",
            "contract_category",
            "contract",
            "vendor",
        )
    ),
    _PHONE_TABLE,
    _ASSET_TABLE,
    _CALLER_TABLE,
)

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
