"""Simulating a year of a help desk, ticket by ticket, in plain Python."""

from __future__ import annotations

import random
import unicodedata
import uuid
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine
from sqlalchemy import update as sa_update
from sqlmodel import col, select

from app.business_hours import BusinessCalendar
from app.defaults import seed_sla_and_matrix
from app.demo.catalog import (
    _ASSET_COLUMNS,
    _ASSET_FALLBACK,
    _ASSET_TABLE,
    _ASSIGNED,
    _CALL_COLUMNS,
    _CALL_TABLE,
    _CALLER_COLUMNS,
    _CALLER_TABLE,
    _CATEGORIES,
    _CHANNEL_WEIGHTS,
    _CLOSED,
    _DEPARTMENTS,
    _DESCRIPTIONS,
    _DESKTOPS,
    _EMAIL_CH,
    _ESCALATE_P,
    _ESCALATION_REASONS,
    _EVENT_COLUMNS,
    _EVENT_TABLE,
    _FCR_P,
    _FILL,
    _FIRST_NAMES,
    _FLAG_P,
    _FLAG_REASONS,
    _FOLLOW_UP_CALL_P,
    _HOLIDAY_WEIGHT,
    _HOUR_WEIGHTS,
    _IMPACT_URGENCY,
    _IN_PROGRESS,
    _IN_PROGRESS_P,
    _K_ASSIGNED,
    _K_CREATED,
    _K_ESCALATED,
    _K_FLAGGED,
    _K_NOTE,
    _K_REOPENED,
    _K_STATUS,
    _LABEL,
    _LAPTOPS,
    _LAST_NAMES,
    _LN_RESOLUTION_MEDIAN,
    _MONITOR_DESCRIPTION,
    _MONITORING_CH,
    _MONITORING_SHARE,
    _NEW,
    _NOTE_P,
    _PHONE_CH,
    _PHONE_COLUMNS,
    _PHONE_TABLE,
    _PHONES,
    _PRINTERS,
    _REOPEN_P,
    _REOPEN_REASONS,
    _RESOLUTION_SIGMA,
    _RESOLVED,
    _RESPONSE_BREACH_P,
    _ROUTED_AT_CREATION,
    _ROUTERS,
    _SERIAL_CHARS,
    _SERVER_ROLES,
    _SERVERS,
    _SITES,
    _STAFF,
    _SWITCHES,
    _TABLE,
    _TEAMS,
    _TICKET_COLUMNS,
    _UNKNOWN_CALL_P,
    _WAIT_CALLER_NOTES,
    _WAIT_CALLER_P,
    _WAIT_VENDOR_NOTES,
    _WAIT_VENDOR_P,
    _WAITING_CALLER,
    _WAITING_VENDOR,
    _WALK_IN_CH,
    _WEEKDAY_WEIGHTS,
    _WORK_NOTES,
    DESK,
    SERVERS,
    _CategoryDef,
    _SiteDef,
)
from app.demo.common import (
    _DAY,
    _EPOCH,
    CALLER_BATCH,
    TICKET_BATCH,
    Progress,
    seeded_id,
)
from app.demo.problems import (
    _PROBLEM_EVENT_COLUMNS,
    _PROBLEM_EVENT_TABLE,
    PlantedTicket,
    ProblemBook,
    ProblemLink,
    plant_patterns,
    write_weekly_printer,
)
from app.demo.spec import DemoSpec
from app.demo.vendors import (
    _ESCALATION_COLUMNS,
    _ESCALATION_TABLE,
    Case,
    EscalationPlan,
    VendorDesk,
)
from app.demo.writers import _Writer
from app.org.teams import join_home_team
from app.tickets import sla
from app.tickets.priority import load_matrix
from models.clock import utcnow
from models.engine import write_session
from models.enums import AssetKind, Priority, StaffRole
from models.org import Category, Site, SlaPolicy, Staff, Team

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
    model: str = ""
    kind: int = 0  # AssetKind


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
        "case",
        "closed",
        "escalated",
        "events",
        "fcr",
        "first",
        "flag_reason",
        "flagged",
        "paused",
        "problem",
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
        self.case: Case | None = None  # the escalation to a vendor
        self.problem: Any = None  # the problem it is an incident of
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
        now = spec.now or utcnow()
        self.now_dt = now.astimezone(UTC).replace(microsecond=0)
        self.now = int(self.now_dt.timestamp())
        self.start_dt = self.now_dt - relativedelta(months=spec.months)
        self.start = int(self.start_dt.timestamp())
        self.sites: list[_SiteRef] = []
        self.teams: dict[str, _TeamRef] = {}
        self.staff: dict[str, _Person] = {}  # by the demo's user name (catalog._STAFF)
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
        # Vendors, contracts and problems: app/demo/vendors.py and app/demo/problems.py.
        self.vendors = VendorDesk(writer, self.uid, self.rng)
        self.problems = ProblemBook(writer, self.uid)
        self.links = self.problems.links  # by the everyday summary template

    # -- helpers

    def _uid_int(self) -> int:
        return seeded_id(self.rng)

    def uid(self) -> Any:
        """A new primary key in the stored form, drawn from the seeded generator."""
        return self.writer.uid(seeded_id(self.rng))

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
                # The person who made the demo runs it: its admin, as the creator of any
                # database is (app.defaults.ensure_staff).
                row.role = StaffRole.ADMIN if index == 0 and wanted else role
                row.team_id = teams[team_name].id if team_name else None
                row.email = f"{username}@example.com"
                row.active = True
                s.flush()
                join_home_team(s, row)
                person = _Person(self.writer.uuid(row.id), row.name)
                self.staff[_STAFF[index][1]] = person
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
            defaults = select(SlaPolicy).where(
                col(SlaPolicy.site_id).is_(None),
                col(SlaPolicy.category_id).is_(None),
                col(SlaPolicy.retired_at).is_(None),
            )
            policies = {int(p.priority): p for p in s.exec(defaults).all()}
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
        """A unique number in the site's national format, and its canonical digits (the
        E.164 digits that app.callers.phones.canonical_digits gives in the site's region, written
        out here: parsing a million numbers would take minutes)."""
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
                text, digits = f"({area}) {a:03d}-{b:04d}", f"1{area}{a:03d}{b:04d}"
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
                    kind = int(AssetKind.LAPTOP if laptop else AssetKind.DESKTOP)
                    device = _AssetRef(uid(), tag, choice(_LAPTOPS if laptop else _DESKTOPS), kind)
                    assets.append(
                        (
                            device.id,
                            tag,
                            kind,
                            device.model,
                            self._serial("S"),
                            site.id,
                            caller_id,
                            "",
                        )
                    )
                if rand() < 0.22:
                    tag = self._tag("PH")
                    phone = _AssetRef(uid(), tag, choice(_PHONES), int(AssetKind.PHONE))
                    assets.append(
                        (
                            phone.id,
                            tag,
                            phone.kind,
                            phone.model,
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
                ref = _AssetRef(uid(), tag, rng.choice(_PRINTERS), int(AssetKind.PRINTER))
                site.printers.append(ref)
                rows.append(
                    (
                        ref.id,
                        tag,
                        ref.kind,
                        ref.model,
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
                    ref = _AssetRef(uid(), host, rng.choice(models), int(kind))
                    (site.servers if kind == AssetKind.SERVER else site.network).append(ref)
                    rows.append(
                        (
                            ref.id,
                            tag,
                            ref.kind,
                            ref.model,
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

    def _creation_keys(self, count: int, planted: Sequence[PlantedTicket]) -> list[int]:
        """Every ticket's creation second, site and kind, packed in one sortable int.

        Numbers are handed out in creation order per site, so all creation times are drawn
        first and sorted; packing them as ``(second * sites + site) * kinds + kind`` keeps a
        million of them in a compact list of ints. ``count`` everyday tickets are drawn
        (kind 0, or 1 for monitoring); kind ``2 + i`` is ``planted[i]``.
        """
        rng = self.rng
        rand, randrange = rng.random, rng.randrange
        nsites = len(self.sites)
        slots = [self._hour_slots(site) for site in self.sites]
        people_share = _cumulative([len(site.callers) for site in self.sites])
        server_share = _cumulative([len(site.servers) for site in self.sites])
        span = self.now - self.start
        kinds = 2 + len(planted)
        keys: list[int] = []
        for _ in range(count):
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
            keys.append((stamp * nsites + site_index) * kinds + monitoring)
        for kind, ticket in enumerate(planted, start=2):
            keys.append((ticket.at * nsites + self.sites.index(ticket.site)) * kinds + kind)
        keys.sort()
        return keys

    # -- tickets

    def extras(self) -> list[PlantedTicket]:
        """Vendors, contracts and problems, written before the tickets that refer to them,
        and the tickets to plant among the everyday ones (app/demo/problems.py and
        app/demo/vendors.py), from a random source of their own."""
        rng = random.Random(f"{self.spec.seed}-problems")
        printer = write_weekly_printer(self, rng)
        self.vendors.write(self, rng, [printer])
        self.problems.write(self, rng)
        return plant_patterns(self, rng, printer[1]) + self.vendors.plant(self, rng)

    def tickets(self) -> int:
        """Simulate every ticket's life in creation order and write them in batches."""
        self._prepare_impact_urgency()
        planted = self.extras()
        keys = self._creation_keys(self.spec.tickets - len(planted), planted)
        total = len(keys)
        nsites = len(self.sites)
        kinds = 2 + len(planted)
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
                rest, kind = divmod(key, kinds)
                stamp, site_index = divmod(rest, nsites)
                if kind < 2:
                    self._ticket(stamp, self.sites[site_index], bool(kind), tickets, events, calls)
                else:
                    self._planted(planted[kind - 2], tickets, events, calls)
            with writer.transaction():
                writer.insert(_TABLE, _TICKET_COLUMNS, tickets)
                writer.insert(_EVENT_TABLE, _EVENT_COLUMNS, events)
                writer.insert(_CALL_TABLE, _CALL_COLUMNS, calls)
                writer.insert(_ESCALATION_TABLE, _ESCALATION_COLUMNS, self.vendors.take())
                writer.insert(_PROBLEM_EVENT_TABLE, _PROBLEM_EVENT_COLUMNS, self.problems.take())
            self.event_count += len(events)
            self.call_count += len(calls)
            self._report("Tickets", start + len(tickets), total)
        self.problems.finish(self.engine)
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
        """One everyday ticket: what it is about and who raised it; :meth:`_record` makes
        the rest."""
        rand = self.rng.random

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
        link = self.links.get(body)
        if link is not None and not link.takes(t0, summary, site.d.code, asset, rand()):
            link = None
        self._record(
            t0, site, category, channel, caller, creator, asset, summary, description, link, None,
            tickets, events, calls,
        )  # fmt: skip

    def _planted(
        self,
        p: PlantedTicket,
        tickets: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
        calls: list[tuple[Any, ...]],
    ) -> None:
        """A planted ticket (app/demo/problems.py): who, what and when are given."""
        operators = p.site.operators
        creator = (
            operators[int(self.rng.random() * len(operators))]
            if p.channel in (_PHONE_CH, _WALK_IN_CH, _EMAIL_CH)
            else None
        )
        self._record(
            p.at, p.site, p.category, p.channel, p.caller, creator, p.asset, p.summary,
            p.description, None, p.escalation, tickets, events, calls,
        )  # fmt: skip

    def _record(
        self,
        t0: int,
        site: _SiteRef,
        category: _CategoryRef,
        channel: int,
        caller: _CallerRef | None,
        creator: _Person | None,
        asset: _AssetRef | None,
        summary: str,
        description: str,
        link: ProblemLink | None,
        plan: EscalationPlan | None,
        tickets: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
        calls: list[tuple[Any, ...]],
    ) -> None:
        """A ticket's priority, SLA clock and life up to ``now``, as rows: the ticket, its
        events, its calls (and its escalation to a vendor, for the batch's
        ``vendors.take()``). ``link``: the problem it is an incident of; ``plan``: a planted
        escalation's fixed life instead of a simulated one."""
        rng = self.rng
        rand, randint = rng.random, rng.randint
        ts, uid = self.writer.ts, self.uid
        operators = site.operators
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
        if plan is not None:
            self._escalated_life(st, site, category, channel, plan)
        elif fcr:
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
        number = f"{site.d.code}-{site.seq:06d}"
        ticket_id = uid()
        if link is not None:
            operator = creator.id if creator else None
            st.problem = link.attach(st, t0, number, operator, randint, self.now)
        event_rows = st.events
        case = st.case
        vendor_due = None
        if case is not None:
            if status == _WAITING_VENDOR and case.responded is None:
                vendor_due = case.due
            self.vendors.finish(case, ticket_id)
        tickets.append(
            (
                ticket_id,
                number,
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
                st.problem,
                ts(vendor_due),
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
            case = self.vendors.escalate(st, moment, assignee.id, category.d.name, site.d.code)
            wait = randint(240, 4800)
            moment = at(offset + wait)
            self.vendors.answer(st, case, moment, assignee.id)
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
            st.flagged, st.flag_reason = True, reason  # the team keeps it: not escalated

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

    def _escalated_life(
        self,
        st: _TicketState,
        site: _SiteRef,
        category: _CategoryRef,
        channel: int,
        plan: EscalationPlan,
    ) -> None:
        """A planted escalation's life (app/demo/vendors.py): taken by the category's team,
        handed to the vendor, answered and resolved when the plan says."""
        team = category.team
        if channel in _ROUTED_AT_CREATION:
            st.team, st.status = team, _ASSIGNED
        assignee = self._pick(team, site)
        st.events.append(
            (plan.taken, assignee.id, _K_ASSIGNED, "assignee", "", assignee.name, "", 0)
        )
        st.first = plan.taken
        st.response_breached = st.rdue is not None and plan.taken > st.rdue_f
        st.assignee, st.team, st.status = assignee, team, _ASSIGNED
        self._status(st, plan.escalated, assignee, _WAITING_VENDOR, _WAIT_VENDOR_NOTES[0])
        case = self.vendors.escalate(st, plan.escalated, assignee.id, category.d.name, site.d.code)
        if plan.answered is None:
            return
        self.vendors.answer(st, case, plan.answered, assignee.id, plan.answered)
        self._status(st, plan.answered, assignee, _IN_PROGRESS, "Vendor replied.")
        if plan.resolved is not None:
            self._resolve(st, plan.resolved, assignee, plan.resolution, 45)
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
