"""The demo's roster and training log: a team of about forty over the sites, half a year of
shifts with rotations, leave and a few real gaps and conflicts, and a year of training.

It runs after the tickets, from a random source of its own (seeded from the demo's seed), so
the tickets of a seed stay what they were. The extra staff it adds are the people who work
the desk and the night rota beside the ticket handlers; everyone gets a phone, a home site,
contracted hours and skills. Rows go in through Core inserts in one transaction: all of it
or none.

What a manager should find on opening the roster: desk shifts early and late at each site,
one on-call technician per site each week in a fixed order, two weeks of leave per person
spread over the half year, sick days here and there, a Friday afternoon in New York with
nobody at the desk now and then (a gap), and a few deliberate conflicts: someone rostered at
the desk during their leave, and a late shift followed by an early one (short rest).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, Engine, delete, insert, select
from sqlmodel import Session, col

from app.demo.catalog import _STAFF
from app.demo.common import SeededIds
from app.roster.local_time import monday_of, span_to_utc
from models.enums import CompletionResult, ShiftKind, StaffRole
from models.org import Category, Site, Staff, Team, TeamMember
from models.roster import CategorySkill, CoverageMinimum, Shift, ShiftType, Skill, StaffSkill
from models.training import (
    Completion,
    Course,
    CourseRequirement,
    SessionAttendee,
    TrainingSession,
)

WEEKS_BACK, WEEKS_AHEAD = 26, 4
FULL_TIME_HOURS, PART_TIME_HOURS = 40, 24  # five and three eight-hour shifts a week
CONFLICT_WEEK = 10  # weeks after the first: in the past, where a manager looks back
_OP, _TECH = StaffRole.OPERATOR, StaffRole.TECHNICIAN

# (name, username, role, team, home site): the people beside the ticket handlers.
EXTRA_STAFF: tuple[tuple[str, str, StaffRole, str, str], ...] = (
    ("Nadia Rahman", "nrahman", _OP, "Service desk", "HQ"),
    ("Oliver Brooks", "obrooks", _OP, "Service desk", "HQ"),
    ("Zofia Nowak", "znowak", _OP, "Service desk", "HQ"),
    ("Kofi Asante", "kasante", _OP, "Service desk", "NY"),
    ("Maria Gonzalez", "mgonzalez", _OP, "Service desk", "NY"),
    ("Tyler Brooks", "tbrooks", _OP, "Service desk", "NY"),
    ("Chloé Martin", "cmartin", _TECH, "Desktop support", "HQ"),
    ("Patrick Doyle", "pdoyle", _TECH, "Desktop support", "NY"),
    ("Mei Lin", "mlin", _TECH, "Desktop support", "NY"),
    ("Sven Eriksson", "seriksson", _TECH, "Network", "HQ"),
    ("Andre Silva", "asilva", _TECH, "Network", "NY"),
    ("Fatima Zahra", "fzahra", _TECH, "Network", "HQ"),
    ("George Kowalski", "gkowalski", _TECH, "Servers", "NY"),
    ("Lucy O'Connor", "loconnor", _TECH, "Servers", "HQ"),
    ("Rahul Mehta", "rmehta", _TECH, "Servers", "NY"),
    ("Anna Fischer", "afischer", _TECH, "Applications", "HQ"),
    ("Jamal Wright", "jwright", _TECH, "Applications", "NY"),
    ("Elena Petrova", "epetrova", _TECH, "Applications", "HQ"),
    ("Samuel Okafor", "sokafor", _TECH, "Desktop support", "HQ"),
    ("Isabel Costa", "icosta", _OP, "Service desk", "HQ"),
)

SKILLS = (
    "Active Directory",
    "Backup",
    "Firewalls",
    "Linux",
    "Networking",
    "Office 365",
    "Printers",
    "SAP",
    "SQL Server",
    "VMware",
    "Windows",
    "macOS",
)
# The skills each team's people have (levels drawn 1-3).
TEAM_SKILLS = {
    "Service desk": ("Active Directory", "Office 365", "Printers", "Windows"),
    "Desktop support": ("Windows", "macOS", "Printers", "Office 365"),
    "Network": ("Networking", "Firewalls", "Linux"),
    "Servers": ("Linux", "VMware", "Backup", "SQL Server", "Windows"),
    "Applications": ("SAP", "SQL Server", "Office 365"),
}
# The skill (and level) the demo's categories need.
CATEGORY_SKILLS = {
    "Password reset": ("Active Directory", 1),
    "Printing": ("Printers", 1),
    "Email": ("Office 365", 1),
    "Network outage": ("Networking", 2),
    "VPN": ("Firewalls", 2),
    "Laptop hardware": ("Windows", 1),
    "Server alert": ("Linux", 2),
    "Backup failure": ("Backup", 2),
}

# (name, provider, skill, level, validity in months, roles required, teams required)
_ALL = (_OP, _TECH, StaffRole.MANAGER)
COURSES: tuple[tuple[str, str, str | None, int | None, int | None, tuple, tuple], ...] = (
    ("Information security awareness", "KnowBe4", None, None, 12, _ALL, ()),
    ("Data protection (GDPR)", "In house", None, None, 24, _ALL, ()),
    ("Fire safety", "In house", None, None, 12, _ALL, ()),
    ("ITIL 4 Foundation", "PeopleCert", None, None, None, (_OP, _TECH), ()),
    ("Customer service on the phone", "In house", None, None, 36, (_OP,), ()),
    ("Active Directory administration", "QA Ltd", "Active Directory", 2, 36, (), ("Service desk",)),
    ("Microsoft 365 administrator", "Microsoft", "Office 365", 3, 12, (), ()),
    ("Printer fleet management", "HP", "Printers", 2, None, (), ("Desktop support",)),
    ("Windows 11 deployment", "Microsoft", "Windows", 2, 24, (), ("Desktop support",)),
    ("Apple device support", "Apple", "macOS", 2, 24, (), ()),
    ("CCNA", "Cisco", "Networking", 3, 36, (), ("Network",)),
    ("Firewall administration", "Fortinet", "Firewalls", 2, 24, (), ("Network",)),
    ("Linux system administration", "Red Hat", "Linux", 3, 36, (), ("Servers",)),
    ("VMware vSphere", "VMware", "VMware", 2, 36, (), ("Servers",)),
    ("Backup and recovery", "Veeam", "Backup", 2, 24, (), ("Servers",)),
    ("SQL Server administration", "Microsoft", "SQL Server", 2, 36, (), ()),
    ("SAP basis", "SAP", "SAP", 2, 36, (), ("Applications",)),
    ("First aid at work", "St John Ambulance", None, None, 36, (), ()),
    ("Manual handling", "In house", None, None, 36, (_TECH,), ()),
    ("Working at height", "In house", None, None, 12, (), ()),
    ("Incident management", "In house", None, None, None, (_TECH,), ()),
    ("Problem management", "In house", None, None, None, (), ()),
    ("Change management", "In house", None, None, None, (), ()),
    ("Accessibility awareness", "In house", None, None, 24, (), ()),
    ("Escalation to vendors", "In house", None, None, None, (), ()),
)


@dataclass(frozen=True)
class RosterSummary:
    staff_added: int
    shifts: int
    courses: int
    completions: int


@dataclass
class _Person:
    id: uuid.UUID
    name: str
    role: StaffRole
    team: str
    site: str
    part_time: bool = False  # works Monday to Wednesday


def _part_time(index: int) -> bool:
    return index % 9 == 4


def generate_roster(engine: Engine, seed: int, now: datetime) -> RosterSummary:
    """Add the roster and training log of the demo organisation, as of ``now``."""
    rng = random.Random(f"{seed}-roster")
    new_id = SeededIds(rng)
    with Session(engine) as connection, connection.begin():
        sites = {s.code: s for s in connection.execute(select(Site)).scalars()}
        teams = {t.name: t.id for t in connection.execute(select(Team)).scalars()}
        added = _add_staff(connection, new_id, teams, sites)
        people = _people(connection, sites)
        _give_details(connection, rng, people, sites)
        skills = {name: new_id() for name in SKILLS}
        connection.execute(insert(Skill), [{"id": i, "name": n} for n, i in skills.items()])
        _give_skills(connection, rng, people, skills)
        _category_skills(connection, skills)
        _coverage(connection, new_id, sites)
        types = {
            t.kind: t for t in connection.execute(select(ShiftType)).scalars() if not t.retired
        }
        by_name = {t.name: t for t in connection.execute(select(ShiftType)).scalars()}
        shifts = _Roster(rng, new_id, types, by_name, sites, now).build(people)
        for chunk in _chunks(shifts, 2_000):
            connection.execute(insert(Shift), chunk)
        courses = _courses(connection, new_id, skills, teams)
        completions = _completions(connection, rng, new_id, people, courses, teams, now)
        _sessions(connection, rng, new_id, people, courses, types, sites, now)
    return RosterSummary(added, len(shifts), len(courses), completions)


def wipe_roster(connection: Connection) -> None:
    """Remove what :func:`generate_roster` wrote but the staff (a failed load starts over)."""
    for table in (
        SessionAttendee,
        Completion,
        TrainingSession,
        CourseRequirement,
        Course,
        Shift,
        CoverageMinimum,
        CategorySkill,
        StaffSkill,
        Skill,
    ):
        connection.execute(delete(table))


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> list[Sequence[dict[str, Any]]]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def _add_staff(
    connection: Session,
    new_id: SeededIds,
    teams: dict[str, uuid.UUID],
    sites: dict[str, Site],
) -> int:
    known = set(connection.execute(select(col(Staff.username))).scalars())
    rows, members = [], []
    for name, username, role, team, site in EXTRA_STAFF:
        if username in known:
            continue
        staff_id = new_id()
        rows.append(
            {
                "id": staff_id,
                "name": name,
                "username": username,
                "email": f"{username}@example.com",
                "role": role,
                "team_id": teams[team],
                "active": True,
                "home_site_id": sites[site].id,
                "failed_sign_ins": 0,
            }
        )
        members.append({"team_id": teams[team], "staff_id": staff_id})
    if rows:
        connection.execute(insert(Staff), rows)
        connection.execute(insert(TeamMember), members)
    return len(rows)


def _people(connection: Session, sites: dict[str, Site]) -> list[_Person]:
    """Everyone active, with their home team and site: set, else the site the catalogue puts
    a desk operator at, else HQ."""
    catalogue = {username: site for _name, username, _role, _team, site in _STAFF if site}
    team_names = {t.id: t.name for t in connection.execute(select(Team)).scalars()}
    site_codes = {s.id: code for code, s in sites.items()}
    people = []
    for staff in connection.execute(select(Staff).order_by(col(Staff.username))).scalars():
        if not staff.active:
            continue
        team = team_names.get(staff.team_id, "") if staff.team_id else ""
        site = site_codes.get(staff.home_site_id, "") if staff.home_site_id else ""
        site = site or catalogue.get(staff.username, "HQ")
        people.append(_Person(staff.id, staff.name, staff.role, team, site))
    return people


def _give_details(
    connection: Session, rng: random.Random, people: list[_Person], sites: dict[str, Site]
) -> None:
    """A phone, a home site and contracted hours for everyone (a few part-timers)."""
    for index, person in enumerate(people):
        site = sites[person.site]
        if site.code == "NY":
            phone = f"+1 212 555 {rng.randint(100, 999):04d}"
        else:
            phone = f"+44 20 7946 {rng.randint(0, 999):04d}"
        hours = PART_TIME_HOURS if _part_time(index) else FULL_TIME_HOURS
        person.part_time = _part_time(index)
        connection.execute(
            Staff.__table__.update()  # type: ignore[attr-defined]
            .where(Staff.__table__.c.id == person.id)  # type: ignore[attr-defined]
            .values(phone=phone, home_site_id=site.id, contracted_minutes=hours * 60)
        )


def _give_skills(
    connection: Session,
    rng: random.Random,
    people: list[_Person],
    skills: dict[str, uuid.UUID],
) -> None:
    rows = []
    for person in people:
        for name in TEAM_SKILLS.get(person.team, ()):
            if rng.random() < 0.8:
                level = rng.choice((1, 1, 2, 2, 3)) if person.role is _OP else rng.randint(1, 3)
                rows.append({"staff_id": person.id, "skill_id": skills[name], "level": level})
    connection.execute(insert(StaffSkill), rows)


def _category_skills(connection: Session, skills: dict[str, uuid.UUID]) -> None:
    categories = {c.name: c.id for c in connection.execute(select(Category)).scalars()}
    rows = [
        {"category_id": categories[name], "skill_id": skills[skill], "level": level}
        for name, (skill, level) in CATEGORY_SKILLS.items()
        if name in categories
    ]
    if rows:
        connection.execute(insert(CategorySkill), rows)


def _coverage(connection: Session, new_id: SeededIds, sites: dict[str, Site]) -> None:
    """Two at the desk in London's office hours, one in New York's, weekdays."""
    bands = {"HQ": ("08:00", "18:00", 2), "NY": ("08:30", "17:30", 1)}
    rows = [
        {
            "id": new_id(),
            "site_id": sites[code].id,
            "weekday": weekday,
            "starts": starts,
            "ends": ends,
            "minimum": minimum,
        }
        for code, (starts, ends, minimum) in bands.items()
        if code in sites
        for weekday in range(5)
    ]
    connection.execute(insert(CoverageMinimum), rows)


class _Roster:
    """The weeks around ``now``: desk shifts, the on-call rota, leave and sick days."""

    def __init__(
        self,
        rng: random.Random,
        new_id: SeededIds,
        types: dict[ShiftKind, ShiftType],
        by_name: dict[str, ShiftType],
        sites: dict[str, Site],
        now: datetime,
    ) -> None:
        self.rng, self.new_id, self.sites, self.now = rng, new_id, sites, now
        self.early = by_name.get("Desk early") or types[ShiftKind.DESK]
        self.late = by_name.get("Desk late") or types[ShiftKind.DESK]
        self.types = types
        self.first = monday_of(now.date()) - timedelta(weeks=WEEKS_BACK)
        self.weeks = WEEKS_BACK + WEEKS_AHEAD
        self.rows: list[dict[str, Any]] = []

    def build(self, people: list[_Person]) -> list[dict[str, Any]]:
        leave = self._leave(people)
        desk = [p for p in people if p.role is _OP]
        if desk:  # the first operator stays rostered through their leave: a conflict
            leave[desk[0].id] = CONFLICT_WEEK
        for week in range(self.weeks):
            monday = self.first + timedelta(weeks=week)
            for index, person in enumerate(desk):
                away = leave.get(person.id) == week
                self._desk_week(person, monday, index + week, away, conflict=away and index == 0)
            self._on_call(people, monday, week, leave)
        for person in people:
            if person.id in leave:
                monday = self.first + timedelta(weeks=leave[person.id])
                self._add(person, self.types[ShiftKind.LEAVE], monday, "00:00", "00:00", days=5)
        return self.rows

    def _leave(self, people: list[_Person]) -> dict[uuid.UUID, int]:
        """One week of leave each, spread over the half year (some still to come)."""
        return {p.id: self.rng.randrange(self.weeks) for p in people}

    def _desk_week(
        self, person: _Person, monday: date, turn: int, away: bool, *, conflict: bool
    ) -> None:
        site = self.sites[person.site]
        kind = self.early if turn % 2 == 0 else self.late
        for day in range(3 if person.part_time else 5):
            if away and not conflict:
                continue
            if site.code == "NY" and day == 4 and kind is self.late and self.rng.random() < 0.3:
                continue  # a Friday afternoon nobody covers: a gap
            when = monday + timedelta(days=day)
            if self.rng.random() < 0.02:
                self._add(person, self.types[ShiftKind.SICK], when, "00:00", "00:00")
                continue
            self._add(person, kind, when, kind.starts, kind.ends)
        if conflict:  # a late shift then an early one: under eleven hours' rest
            saturday, sunday = monday + timedelta(days=5), monday + timedelta(days=6)
            self._add(person, self.late, saturday, self.late.starts, self.late.ends)
            self._add(person, self.early, sunday, "05:30", "09:30")

    def _on_call(
        self, people: list[_Person], monday: date, week: int, leave: dict[uuid.UUID, int]
    ) -> None:
        """One technician per site on call all week, in turn, passing over anyone on leave."""
        on_call = self.types[ShiftKind.ON_CALL]
        for code in self.sites:
            rota = [p for p in people if p.role is _TECH and p.site == code]
            if not rota:
                continue
            for step in range(len(rota)):
                person = rota[(week + step) % len(rota)]
                # Sunday's night runs into Monday: the week before a leave is passed over too.
                if leave.get(person.id) not in (week, week + 1):
                    break
            for day in range(7):
                when = monday + timedelta(days=day)
                self._add(person, on_call, when, on_call.starts, on_call.ends)

    def _add(
        self, person: _Person, kind: ShiftType, day: date, starts: str, ends: str, days: int = 1
    ) -> None:
        site = self.sites[person.site]
        zone = ZoneInfo(site.timezone)
        for offset in range(days):
            begins, finishes = span_to_utc(
                day + timedelta(days=offset),
                time.fromisoformat(starts),
                time.fromisoformat(ends),
                zone,
            )
            self.rows.append(
                {
                    "id": self.new_id(),
                    "staff_id": person.id,
                    "shift_type_id": kind.id,
                    "site_id": site.id,
                    "starts_at": begins,
                    "ends_at": finishes,
                    "note": "",
                    "created_at": self.now,
                }
            )


def _courses(
    connection: Session,
    new_id: SeededIds,
    skills: dict[str, uuid.UUID],
    teams: dict[str, uuid.UUID],
) -> list[tuple[uuid.UUID, int | None, tuple, tuple]]:
    rows, requirements, found = [], [], []
    for name, provider, skill, level, validity, roles, team_names in COURSES:
        course_id = new_id()
        rows.append(
            {
                "id": course_id,
                "name": name,
                "provider": provider,
                "skill_id": skills[skill] if skill else None,
                "skill_level": level,
                "validity_months": validity,
                "retired": False,
            }
        )
        requirements += [{"id": new_id(), "course_id": course_id, "role": r} for r in roles]
        requirements += [
            {"id": new_id(), "course_id": course_id, "team_id": teams[t]} for t in team_names
        ]
        found.append((course_id, validity, roles, tuple(teams[t] for t in team_names)))
    connection.execute(insert(Course), rows)
    connection.execute(insert(CourseRequirement), requirements)
    return found


def _completions(
    connection: Session,
    rng: random.Random,
    new_id: SeededIds,
    people: list[_Person],
    courses: list[tuple[uuid.UUID, int | None, tuple, tuple]],
    teams: dict[str, uuid.UUID],
    now: datetime,
) -> int:
    """Required courses mostly held (some expired, some running out soon, a few never taken),
    and now and then a course nobody asked for."""
    manager = connection.execute(
        select(col(Staff.id)).where(col(Staff.role) == StaffRole.MANAGER).limit(1)
    ).scalar()
    today = now.date()
    rows = []
    for person in people:
        for course_id, validity, roles, team_ids in courses:
            required = person.role in roles or teams.get(person.team) in team_ids
            if not required and rng.random() > 0.08:
                continue
            if required and rng.random() < 0.07:
                continue  # never taken: missing
            months = validity or 36
            back = rng.randint(0, max(1, months + 3) * 30)  # some beyond their validity
            done = today - timedelta(days=back)
            expires = done + relativedelta(months=validity) if validity else None
            rows.append(
                {
                    "id": new_id(),
                    "staff_id": person.id,
                    "course_id": course_id,
                    "completed_on": done,
                    "result": CompletionResult.PASSED,
                    "certificate": f"C-{rng.randint(10_000, 99_999)}",
                    "expires_on": expires,
                    "recorded_by": manager,
                    "recorded_at": now,
                    "confirmed_by": manager,
                }
            )
    connection.execute(insert(Completion), rows)
    return len(rows)


def _sessions(
    connection: Session,
    rng: random.Random,
    new_id: SeededIds,
    people: list[_Person],
    courses: list[tuple[uuid.UUID, int | None, tuple, tuple]],
    types: dict[ShiftKind, ShiftType],
    sites: dict[str, Site],
    now: datetime,
) -> None:
    """A few sessions in the coming weeks, with people booked (a training shift each)."""
    training = types[ShiftKind.TRAINING]
    hq = sites.get("HQ") or next(iter(sites.values()))
    zone = ZoneInfo(hq.timezone)
    for number, (course_id, *_rest) in enumerate(courses[:4]):
        day = monday_of(now.date()) + timedelta(weeks=number + 1, days=2)
        starts, ends = span_to_utc(day, time(9), time(17), zone)
        session_id = new_id()
        connection.execute(
            insert(TrainingSession),
            {
                "id": session_id,
                "course_id": course_id,
                "site_id": hq.id,
                "starts_at": starts,
                "ends_at": ends,
                "place": "Training room 2",
                "trainer": "In house",
                "capacity": 8,
            },
        )
        for person in rng.sample(people, 4):
            shift_id = new_id()
            connection.execute(
                insert(Shift),
                {
                    "id": shift_id,
                    "staff_id": person.id,
                    "shift_type_id": training.id,
                    "site_id": hq.id,
                    "starts_at": starts,
                    "ends_at": ends,
                    "note": "",
                    "created_at": now,
                },
            )
            connection.execute(
                insert(SessionAttendee),
                {"session_id": session_id, "staff_id": person.id, "shift_id": shift_id},
            )
