"""The demo's maintenance calendar: about sixty recurring tasks over the sites, with a year of
history before the demo's "now".

It runs after the roster (it needs the technicians, their teams, home sites and leave), from
a random source of its own seeded from the demo's seed, so the tickets and the roster of a
seed stay what they were. Rows go in through Core inserts in one transaction: all of it or
none.

What a manager should find on opening the calendar: patching on "2nd Wednesday" style days
late in the evening or on Saturday mornings, monthly restore tests, quarterly UPS checks,
the firewall rules reviewed on the last Friday of the month, yearly certificate renewals and
a few daily checks; the servers, routers, switches and printers each task covers; a year of
occurrences mostly done on time by their owner (checklist ticked, minutes spent), some done
hours or days late, about one in twenty skipped with its reason, two cancelled, one moved,
and a handful overdue in the last weeks. A person-owned daily check belongs to someone with
leave coming, so the calendar shows the "owner away" flag.

Each task's ``open_from`` is set by the very rule recording an occurrence uses
(:func:`app.maintenance.record.settle`), once per task over the rows just inserted.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlmodel import Session, col

from app.demo.common import SeededIds
from app.maintenance.record import settle
from app.maintenance.recurrence import Frequency, Recurrence, occurrences, to_rrule
from app.roster.local_time import wall_to_utc
from models.enums import AssetKind, OccurrenceState, ShiftKind, StaffRole
from models.maintenance import MaintenanceOccurrence, MaintenanceTask, MaintenanceTaskAsset
from models.org import Site, Staff, Team
from models.people import Asset
from models.roster import Shift, ShiftType

UTC = ZoneInfo("UTC")
HISTORY_DAYS = 365
SKIP_RATE, LATE_RATE = 0.05, 0.13
OVERDUE = 4  # occurrences left with nothing recorded in the last weeks
OVERDUE_WITHIN = timedelta(days=21)

_W = Frequency.WEEKLY
_M = Frequency.MONTHLY
_Y = Frequency.YEARLY
MO, TU, WE, TH, FR, SA, SU = range(7)
SERVERS, NETWORK, DESKTOP, APPS = "Servers", "Network", "Desktop support", "Applications"
BOTH, HQ, NY = ("HQ", "NY"), ("HQ",), ("NY",)


def _nth(nth: int, day: int, every: int = 1) -> Recurrence:
    """The ``nth`` weekday ``day`` of every ``every`` months ("2nd Tuesday")."""
    return Recurrence(_M, interval=every, nth=nth, weekday=day)


def _weekly(*days: int) -> Recurrence:
    return Recurrence(_W, weekdays=days)


def _yearly(month: int, day: int) -> Recurrence:
    return Recurrence(_Y, month=month, month_day=day)


@dataclass(frozen=True)
class _Template:
    title: str
    system: str
    team: str
    rule: Recurrence
    starts: str  # HH:MM on the site's clock
    minutes: int
    impact: str
    checklist: tuple[str, ...]
    covers: tuple[str, ...] = ()  # server roles ("exch"), "rt", "sw", "printer"
    sites: tuple[str, ...] = BOTH
    person: bool = False  # owned by a technician (else by the team)
    instructions: str = ""


TEMPLATES: tuple[_Template, ...] = (
    _Template(
        "Windows server patching", "Windows Server", SERVERS, _nth(2, WE), "22:00", 180,
        "File shares and line-of-business apps restart",
        ("Snapshot the virtual machines", "Apply the month's updates",
         "Reboot in order: application, file, print", "Check the services came back"),
        ("app", "file", "print"),
        instructions="Patch Tuesday's updates, the week after. Roll back from the snapshot "
        "if a service does not come back within 30 minutes.",
    ),
    _Template(
        "Domain controller patching", "Active Directory", SERVERS, _nth(2, TH), "22:00", 120,
        "Sign-in slower while one controller restarts",
        ("Check replication is healthy", "Patch and reboot one controller at a time",
         "Run dcdiag and check the event logs"),
        ("dc",), person=True,
    ),
    _Template(
        "Exchange cumulative update", "Mail", SERVERS, _nth(3, SA, 3), "06:00", 240,
        "Mail unavailable",
        ("Full backup of the mailbox databases", "Put the server in maintenance mode",
         "Install the cumulative update", "Test mail flow in and out"),
        ("exch",),
    ),
    _Template(
        "SQL Server patching", "SQL Server", SERVERS, _nth(2, SA), "06:00", 180,
        "ERP and CRM unavailable",
        ("Check the last full backup", "Fail over to the secondary",
         "Patch and fail back", "Run the application smoke tests"),
        ("sql",), person=True,
    ),
    _Template(
        "Web server security updates", "Intranet", SERVERS, _weekly(TU), "22:00", 60,
        "Intranet briefly unavailable",
        ("Take the node out of the load balancer", "Apply the updates", "Put the node back"),
        ("web",),
    ),
    _Template(
        "Backup restore test", "Backup", SERVERS, _nth(1, SA), "09:00", 120, "",
        ("Restore a random folder of a file share", "Restore a database to the test instance",
         "Compare the restore time with the recovery target", "Record the result in the log"),
        ("bkp",), person=True,
    ),
    _Template(
        "Daily backup job check", "Backup", SERVERS, Recurrence(Frequency.DAILY), "07:00", 15,
        "", ("Check last night's jobs all succeeded", "Re-run any job that failed"), ("bkp",),
    ),
    _Template(
        "UPS battery and runtime check", "Server room power", SERVERS, _nth(1, SA, 3), "08:00",
        120, "Server room on mains bypass during the test",
        ("Read the UPS self-test log", "Run the runtime calibration",
         "Check the battery temperatures", "Test the shutdown agent on one host"),
        person=True,
    ),
    _Template(
        "VMware host patching", "VMware", SERVERS, _nth(4, SA), "22:00", 240,
        "Virtual machines pause briefly as they move between hosts",
        ("Check every host has room to evacuate", "Remediate the cluster one host at a time",
         "Check the vMotion and HA status"),
    ),
    _Template(
        "Antivirus console and definitions check", "Endpoint protection", DESKTOP,
        _weekly(FR), "07:00", 30, "",
        ("Devices not reporting for 7 days", "Definitions older than 2 days",
         "Quarantine reviewed"),
        person=True,
    ),
    _Template(
        "TLS certificate renewal: webmail", "Mail", SERVERS, _yearly(3, 14), "07:00", 60,
        "Webmail warns of an expired certificate if missed",
        ("Order the renewal", "Install the new certificate", "Check the chain from outside"),
        ("exch",), person=True,
    ),
    _Template(
        "TLS certificate renewal: VPN gateway", "VPN", NETWORK, _yearly(6, 1), "07:00", 60,
        "VPN degraded: clients reconnect",
        ("Order the renewal", "Install on the gateway", "Test a connection from outside",
         "Remove the old certificate"),
        ("rt",), person=True,
    ),
    _Template(
        "Firewall rule review", "Firewall", NETWORK, _nth(-1, FR), "07:00", 90, "",
        ("Export the rule base", "Flag rules unused for 90 days",
         "Check temporary rules have an end date", "Record changes for the change board"),
        ("rt",), person=True,
    ),
    _Template(
        "Router firmware update", "WAN", NETWORK, _nth(2, SU, 3), "06:00", 120,
        "VPN degraded; internet on the backup line",
        ("Back up the configuration", "Upgrade the standby router first",
         "Fail over and upgrade the other", "Check the VPN tunnels"),
        ("rt",),
    ),
    _Template(
        "Core switch firmware update", "LAN", NETWORK, _nth(3, SA, 6), "22:00", 180,
        "Network outage on each floor in turn",
        ("Back up the configuration", "Upgrade the stack member by member",
         "Check the uplinks and the spanning tree"),
        ("sw",),
    ),
    _Template(
        "Guest Wi-Fi password rotation", "Wi-Fi", NETWORK, Recurrence(_M, month_day=1), "06:00",
        15, "Guest Wi-Fi password changes",
        ("Set the new password", "Update the reception signs"), person=True,
    ),
    _Template(
        "File server disk space review", "File shares", SERVERS, _weekly(MO), "06:00", 30, "",
        ("Volumes over 85% full", "Largest growth this week", "Old shadow copies pruned"),
        ("file",), person=True,
    ),
    _Template(
        "Printer fleet firmware", "Printing", DESKTOP, _nth(2, SA, 3), "08:00", 180,
        "Printing unavailable floor by floor",
        ("Download the vendor's firmware", "Update the printers floor by floor",
         "Print a test page from each"),
        ("printer",),
    ),
    _Template(
        "Server room environment check", "Server room", SERVERS, _weekly(MO, TU, WE, TH, FR),
        "07:30", 10, "",
        ("Temperature and humidity in range", "No alarms on the panel", "Door log checked"),
        person=True,
    ),
    _Template(
        "Active Directory stale account review", "Active Directory", SERVERS, _nth(-1, WE),
        "14:00", 60, "",
        ("Accounts not signed in for 90 days", "Disable the leavers HR listed",
         "Service accounts still needed"),
        person=True,
    ),
    _Template(
        "Off-site backup copy check", "Backup", SERVERS, _weekly(FR), "17:30", 30, "",
        ("The week's copy reached the off-site store", "Spot-check one restore point"),
        ("bkp",),
    ),
    _Template(
        "Laptop image refresh", "Windows 11", DESKTOP, _nth(3, TH), "18:00", 120, "",
        ("Add the month's updates to the image", "Test the image on one laptop of each model",
         "Publish to the deployment share"),
    ),
    _Template(
        "TLS certificate renewal: intranet", "Intranet", SERVERS, _yearly(9, 20), "07:00", 60,
        "Intranet warns of an expired certificate if missed",
        ("Order the renewal", "Install on every web node", "Check the chain from outside"),
        ("web",), person=True,
    ),
    _Template(
        "CRM plug-in and client updates", "CRM", APPS, _nth(1, TU), "22:00", 90,
        "CRM unavailable",
        ("Read the release notes", "Update the server plug-ins", "Push the client update",
         "Smoke test a quote and an order"),
        ("crm",),
    ),
    _Template(
        "Database integrity check", "SQL Server", SERVERS, _weekly(SU), "03:00", 120,
        "Databases slower overnight",
        ("Run DBCC CHECKDB on every database", "Read the results", "Open a ticket for errors"),
        ("sql",),
    ),
    _Template(
        "Third-party application patching", "Desktops", DESKTOP, _nth(2, WE), "12:00", 120,
        "Browsers and PDF reader ask to restart",
        ("Approve the updates in the patch console", "Pilot group first",
         "Release to everyone"),
        person=True,
    ),
    _Template(
        "SAP support package", "SAP", APPS, _nth(1, SA, 3), "06:00", 480, "SAP unavailable",
        ("System copy to the test landscape", "Apply the support package",
         "Regression tests by the key users", "Transport to production", "Lift the lock"),
        ("erp",), sites=HQ, person=True,
    ),
    _Template(
        "Generator load test", "Building power", SERVERS, _nth(-1, SA, 3), "07:00", 60,
        "Brief power transfer in the server room",
        ("Warn facilities", "Transfer the load to the generator", "Check the UPS held"),
        sites=HQ, person=True,
    ),
    _Template(
        "Wildcard certificate renewal (*.example.com)", "Web", NETWORK, _yearly(11, 2),
        "07:00", 60, "Websites warn of an expired certificate if missed",
        ("Order the renewal", "Install on the load balancers", "Install on the mail gateway",
         "Check every site from outside"),
        sites=HQ, person=True,
    ),
    _Template(
        "Disaster recovery failover test", "Disaster recovery", SERVERS,
        Recurrence(_Y, month=10, nth=2, weekday=SA), "08:00", 480,
        "Services run from the New York site for the day",
        ("Fail the file and mail services over", "Users at both sites test sign-in and mail",
         "Fail back", "Write up the lessons"),
        sites=HQ,
    ),
    _Template(
        "Intranet content system updates", "Intranet", APPS, _nth(2, TU), "22:00", 60,
        "Intranet unavailable",
        ("Back up the site and database", "Apply the updates", "Check the home page and search"),
        ("web",), sites=HQ, person=True,
    ),
    _Template(
        "ERP database index maintenance", "SAP", APPS, _weekly(SA), "22:00", 180,
        "SAP slow overnight", ("Rebuild the fragmented indexes", "Update the statistics"),
        ("erp", "sql"), sites=HQ,
    ),
    _Template(
        "Desk phone system updates", "Telephony", NETWORK, _nth(3, SU), "06:00", 120,
        "Desk phones restart", ("Back up the call manager", "Apply the update",
                                "Test an inbound and an outbound call"),
        sites=NY,
    ),
    _Template(
        "Meeting room AV check", "Meeting rooms", DESKTOP, _weekly(MO), "08:00", 30, "",
        ("Screens and cameras on", "Test a call in each room", "Batteries in the clickers"),
        sites=NY, person=True,
    ),
)  # fmt: skip

SKIP_REASONS = (
    "Office closed for the bank holiday.",
    "Postponed: the owner was on an incident all night.",
    "Vendor withdrew the update; waiting for the re-release.",
    "Skipped: quarter-end close, no changes allowed.",
    "Not needed: the system was replaced this week.",
    "Nobody on site to do it (snow day).",
)
CANCEL_REASONS = (
    "Change freeze over the holidays.",
    "Cancelled by the change board: clashes with the office move.",
)
DONE_NOTES = (
    "All fine.",
    "Took longer: one server needed a second reboot.",
    "Nothing unusual.",
    "Two warnings in the logs, both known.",
    "Done with the vendor on the phone.",
)


@dataclass(frozen=True)
class MaintenanceSummary:
    tasks: int
    occurrences: int


@dataclass
class _Tech:
    id: uuid.UUID
    team_id: uuid.UUID | None
    site_id: uuid.UUID | None


@dataclass
class _Task:
    row: dict[str, Any]
    template: _Template
    zone: ZoneInfo
    team_techs: list[_Tech]
    owner: uuid.UUID | None


def generate_maintenance(engine: Engine, seed: int, now: datetime) -> MaintenanceSummary:
    """Add the demo organisation's maintenance tasks and their year of history, as of
    ``now``."""
    rng = random.Random(f"{seed}-maintenance")
    new_id = SeededIds(rng)
    now = now.astimezone(UTC)
    with Session(engine) as session, session.begin():
        sites = list(session.execute(select(Site).order_by(col(Site.code))).scalars())
        teams = {t.name: t.id for t in session.execute(select(Team)).scalars()}
        techs = [
            _Tech(s.id, s.team_id, s.home_site_id)
            for s in session.execute(
                select(Staff).where(col(Staff.active)).order_by(col(Staff.username))
            ).scalars()
            if s.role is StaffRole.TECHNICIAN
        ]
        manager = session.execute(
            select(col(Staff.id))
            .where(col(Staff.role) == StaffRole.MANAGER, col(Staff.active))
            .order_by(col(Staff.username))
            .limit(1)
        ).scalar()
        assets = _assets(session)
        away = _away(session)
        plan = _Plan(rng, new_id, now, away, manager)
        tasks, links = plan.tasks(sites, teams, techs, assets)
        if not tasks:
            return MaintenanceSummary(0, 0)
        plan.give_leave_to_a_daily_check(tasks)
        rows = plan.history(tasks)
        session.execute(insert(MaintenanceTask), [t.row for t in tasks])
        if links:
            session.execute(insert(MaintenanceTaskAsset), links)
        if rows:
            session.execute(insert(MaintenanceOccurrence), rows)
        _open_from(session, tasks, now)
    return MaintenanceSummary(len(tasks), len(rows))


def wipe_maintenance(connection: Connection) -> None:
    """Remove what :func:`generate_maintenance` wrote (a failed load starts over)."""
    for table in (MaintenanceOccurrence, MaintenanceTaskAsset, MaintenanceTask):
        connection.execute(delete(table))


def _assets(session: Session) -> dict[tuple[uuid.UUID, str], list[uuid.UUID]]:
    """The shared infrastructure per (site, role): servers by the role in their host name
    ("lon-exch-01": "exch"), routers "rt", switches "sw", printers "printer"."""
    kinds = (AssetKind.SERVER, AssetKind.ROUTER, AssetKind.SWITCH, AssetKind.PRINTER)
    found: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
    query = (
        select(col(Asset.id), col(Asset.site_id), col(Asset.kind), col(Asset.notes))
        .where(col(Asset.kind).in_(kinds), col(Asset.owner_id).is_(None))
        .order_by(col(Asset.tag))
    )
    for asset_id, site_id, kind, notes in session.execute(query).all():
        if site_id is None:
            continue
        if AssetKind(kind) is AssetKind.PRINTER:
            role = "printer"
        else:
            host = notes.removeprefix("Host name ").strip()
            parts = host.split("-")
            if len(parts) < 3:
                continue
            role = parts[1]
        found[(site_id, role)].append(asset_id)
    return found


def _away(session: Session) -> dict[uuid.UUID, list[tuple[datetime, datetime]]]:
    """Everyone's leave and sick days from the roster."""
    query = (
        select(col(Shift.staff_id), col(Shift.starts_at), col(Shift.ends_at))
        .join(ShiftType, col(ShiftType.id) == col(Shift.shift_type_id))
        .where(col(ShiftType.kind).in_((ShiftKind.LEAVE, ShiftKind.SICK)))
        .order_by(col(Shift.starts_at))
    )
    spans: dict[uuid.UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for staff_id, starts_at, ends_at in session.execute(query).all():
        spans[staff_id].append((starts_at, ends_at))
    return spans


class _Plan:
    def __init__(
        self,
        rng: random.Random,
        new_id: SeededIds,
        now: datetime,
        away: dict[uuid.UUID, list[tuple[datetime, datetime]]],
        manager: uuid.UUID | None,
    ) -> None:
        self.rng, self.new_id, self.now, self.away, self.manager = rng, new_id, now, away, manager

    def tasks(
        self,
        sites: list[Site],
        teams: dict[str, uuid.UUID],
        techs: list[_Tech],
        assets: dict[tuple[uuid.UUID, str], list[uuid.UUID]],
    ) -> tuple[list[_Task], list[dict[str, Any]]]:
        rng, found, links = self.rng, [], []
        turn: dict[tuple[str, str], int] = defaultdict(int)
        for template in TEMPLATES:
            for site in sites:
                if site.code not in template.sites or template.team not in teams:
                    continue
                team_id = teams[template.team]
                zone = ZoneInfo(site.timezone)
                team_techs = [t for t in techs if t.team_id == team_id]
                local = [t for t in team_techs if t.site_id == site.id] or team_techs
                owner = None
                if template.person and local:
                    key = (template.team, site.code)
                    owner = local[turn[key] % len(local)].id
                    turn[key] += 1
                # Most tasks go back a year; some were added during it.
                back = HISTORY_DAYS if rng.random() < 0.85 else rng.randint(60, 300)
                first_day = (self.now - timedelta(days=back)).astimezone(zone).date()
                rule = template.rule
                if rule.frequency is Frequency.YEARLY and site.code != "HQ":
                    rule = Recurrence(
                        _Y,
                        month=((rule.month or 1) + 3) % 12 + 1,
                        month_day=rule.month_day,
                        nth=rule.nth,
                        weekday=rule.weekday,
                    )
                created = wall_to_utc(first_day, time(9), zone) - timedelta(days=rng.randint(3, 20))
                task_id = self.new_id()
                start = wall_to_utc(first_day, time.fromisoformat(template.starts), zone)
                row = {
                    "id": task_id,
                    "title": template.title,
                    "system": template.system,
                    "site_id": site.id,
                    "instructions": template.instructions,
                    "checklist": list(template.checklist),
                    "owner_staff_id": owner,
                    "owner_team_id": team_id if owner is None or rng.random() < 0.5 else None,
                    "first_day": first_day,
                    "start_time": template.starts,
                    "duration_minutes": template.minutes,
                    "impact": template.impact,
                    "rrule": to_rrule(rule),
                    "ticket_days_ahead": None,
                    "close_marks_done": True,
                    "follows_id": None,
                    "open_from": start,
                    "created_at": created,
                    "updated_at": created,
                }
                found.append(_Task(row, template, zone, local, owner))
                for role in template.covers:
                    links += [
                        {"task_id": task_id, "asset_id": a} for a in assets.get((site.id, role), [])
                    ]
        return found, links

    def give_leave_to_a_daily_check(self, tasks: list[_Task]) -> None:
        """A person-owned daily check goes to a colleague with leave in the coming weeks, so
        the calendar shows its owner away."""
        soon = self.now + timedelta(weeks=4)
        for task in tasks:
            if task.owner is None or task.template.rule.frequency is not _W:
                continue
            if len(task.template.rule.weekdays) < 5:
                continue
            coming = [
                t
                for t in task.team_techs
                if any(b > self.now and a < soon for a, b in self.away.get(t.id, ()))
            ]
            if coming:
                task.owner = task.row["owner_staff_id"] = coming[0].id
                return

    def history(self, tasks: list[_Task]) -> list[dict[str, Any]]:
        """The stored occurrences: a year mostly done, a few skipped, cancelled or moved, and
        :data:`OVERDUE` left with nothing recorded."""
        rng, now = self.rng, self.now
        given = {
            id(task): occurrences(
                task.row["rrule"],
                datetime.combine(task.row["first_day"], time.fromisoformat(task.row["start_time"])),
                task.zone,
                task.row["open_from"],
                now + timedelta(weeks=6),
            )
            for task in tasks
        }
        length = {id(t): timedelta(minutes=t.row["duration_minutes"]) for t in tasks}
        not_daily = [t for t in tasks if t.template.rule.frequency is not Frequency.DAILY]
        not_daily = [t for t in not_daily if len(t.template.rule.weekdays) < 5]
        # Left alone in the last weeks: overdue.
        recent = [
            (t, due)
            for t in not_daily
            for due in given[id(t)]
            if now - OVERDUE_WITHIN <= due and due + length[id(t)] <= now
        ]
        chosen = rng.sample(recent, min(OVERDUE, len(recent)))
        left = {(id(t), due) for t, due in chosen}
        rows: list[dict[str, Any]] = []
        # Cancelled: one over the year-end holidays if the year had one, and one more.
        cancelled = self._cancelled(not_daily, given, length)
        for (task, due), reason in zip(cancelled, CANCEL_REASONS, strict=False):
            left.add((id(task), due))
            rows.append(
                self._row(task, due, due, length[id(task)], OccurrenceState.CANCELLED)
                | {
                    "notes": reason,
                    "recorded_by_id": self.manager or task.owner,
                    "recorded_at": due - timedelta(days=rng.randint(3, 14)),
                }
            )
        moved = self._moved(not_daily, given)
        if moved is not None:
            task, due = moved
            local = due.astimezone(task.zone).replace(tzinfo=None) + timedelta(days=1)
            starts = local.replace(tzinfo=task.zone, fold=0).astimezone(UTC)
            left.add((id(task), due))
            rows.append(
                self._row(task, due, starts, length[id(task)], OccurrenceState.SCHEDULED)
                | {
                    "recorded_by_id": self.manager or task.owner,
                    "recorded_at": now - timedelta(days=2),
                }
            )
        for task in tasks:
            for due in given[id(task)]:
                ends = due + length[id(task)]
                if ends > now or (id(task), due) in left:
                    continue
                rows.append(self._settled(task, due, ends))
        return rows

    def _cancelled(
        self,
        tasks: list[_Task],
        given: dict[int, list[datetime]],
        length: dict[int, timedelta],
    ) -> list[tuple[_Task, datetime]]:
        past = [
            (t, due)
            for t in tasks
            if "patching" in t.row["title"].lower()
            for due in given[id(t)]
            if due + length[id(t)] <= self.now - timedelta(days=30)
        ]
        if not past:
            return []
        holidays = [
            (t, due)
            for t, due in past
            if (due.month, due.day) >= (12, 20) or (due.month, due.day) <= (1, 3)
        ]
        first = self.rng.choice(holidays or past)
        others = [p for p in past if p[0] is not first[0]]
        return [first, self.rng.choice(others)] if others else [first]

    def _moved(
        self, tasks: list[_Task], given: dict[int, list[datetime]]
    ) -> tuple[_Task, datetime] | None:
        """A monthly occurrence in the coming weeks, moved a day later."""
        coming = [
            (t, due)
            for t in tasks
            if t.template.rule.frequency is _M
            for due in given[id(t)]
            if self.now + timedelta(days=1) < due < self.now + timedelta(days=21)
        ]
        return self.rng.choice(coming) if coming else None

    def _settled(self, task: _Task, due: datetime, ends: datetime) -> dict[str, Any]:
        """Done (on time or late) or skipped, by the owner or their team."""
        rng, now = self.rng, self.now
        length = ends - due
        minutes = int(length.total_seconds() // 60)
        doer = self._doer(task, due)
        if rng.random() < SKIP_RATE:
            done_at = min(now, ends + timedelta(minutes=rng.randint(10, 600)))
            return self._row(task, due, due, length, OccurrenceState.SKIPPED) | {
                "done_by_id": doer,
                "done_at": done_at,
                "notes": rng.choice(SKIP_REASONS),
                "recorded_by_id": doer,
                "recorded_at": done_at,
            }
        notes = rng.choice(DONE_NOTES) if rng.random() < 0.25 else ""
        ticks = [True] * len(task.row["checklist"])
        if ticks and rng.random() < 0.05:
            missed = rng.randrange(len(ticks))
            ticks[missed] = False
            notes = f"Left for next time: {task.row['checklist'][missed].lower()}."
        late = None
        if rng.random() < LATE_RATE:
            if task.template.rule.frequency is Frequency.DAILY or rng.random() < 0.7:
                late = timedelta(minutes=rng.randint(60, 20 * 60))
            else:
                late = timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 600))
        if late is not None and ends + late <= now:
            spent = rng.randint(max(5, minutes * 6 // 10), max(6, minutes * 3 // 2))
            done_at = ends + late
        else:
            spent = rng.randint(max(1, minutes // 2), minutes)
            done_at = due + timedelta(minutes=spent)
        recorded = min(now, done_at + timedelta(minutes=rng.randint(0, 30)))
        return self._row(task, due, due, length, OccurrenceState.DONE) | {
            "done_by_id": doer,
            "done_at": done_at,
            "notes": notes,
            "checklist_done": ticks,
            "minutes_spent": spent,
            "recorded_by_id": doer,
            "recorded_at": recorded,
        }

    def _doer(self, task: _Task, due: datetime) -> uuid.UUID | None:
        """The owner, or a colleague in the team when the owner was away (or none is set)."""
        ends = due + timedelta(minutes=task.row["duration_minutes"])
        if task.owner is not None and not any(
            a < ends and due < b for a, b in self.away.get(task.owner, ())
        ):
            return task.owner
        there = [
            t.id
            for t in task.team_techs
            if t.id != task.owner
            and not any(a < ends and due < b for a, b in self.away.get(t.id, ()))
        ]
        if there:
            return self.rng.choice(there)
        return task.owner or self.manager

    def _row(
        self,
        task: _Task,
        due: datetime,
        starts: datetime,
        length: timedelta,
        state: OccurrenceState,
    ) -> dict[str, Any]:
        return {
            "id": self.new_id(),
            "task_id": task.row["id"],
            "due_at": due,
            "starts_at": starts,
            "ends_at": starts + length,
            "state": state,
            "done_by_id": None,
            "done_at": None,
            "notes": "",
            "checklist_done": [],
            "minutes_spent": None,
            "ticket_id": None,
            "recorded_by_id": None,
            "recorded_at": self.now,
        }


def _open_from(session: Session, tasks: list[_Task], now: datetime) -> None:
    """Each task's ``open_from``, by the rule recording an occurrence moves it with."""
    changes = []
    for task in tasks:
        row = MaintenanceTask(**task.row)
        start = task.row["open_from"]
        length = timedelta(minutes=row.duration_minutes)
        first = MaintenanceOccurrence(
            task_id=row.id, due_at=start, starts_at=start, ends_at=start + length
        )
        settle(session, row, first, now)
        changes.append({"_id": row.id, "_open_from": row.open_from})
    table = MaintenanceTask.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values(open_from=bindparam("_open_from")),
        changes,
    )
