"""The demo's outside vendors, their support contracts, and the tickets escalated to them.

Why: escalating to a vendor, the response the contract promises and the contracts coming up
for renewal only mean something on data with a year of such escalations in it.

The vendors and contracts (days count from the as-of day, the UTC date of ``now``):

* **Dell Technologies** (hardware maker): PS-7781-2204, "ProSupport: Latitude laptops and
  PowerEdge servers", Monday to Friday 08:00-18:00 London time, response 4 business hours,
  resolution 24; from day -1050 to day +45 with 90 days' notice, so it is **within its
  notice period**. It covers every Dell Latitude 5440 laptop and Dell PowerEdge R750
  server, and the categories Laptop hardware and Server alert.
* **Meridian Print Services** (managed print): MPS-UK-0417, every printer of both sites
  (PR-900100 included) and the category Printing; 08:30-17:30 London time, response 8
  business hours; day -1000 to day +460, 90 days' notice.
* **Fibrelink Business** (internet provider, head office): FLB-LON-88213, **around the
  clock**, response 30 minutes, resolution 4 hours; the head office routers, categories
  Network outage and Phone/headset at HQ; day -800 to day +295, 90 days' notice.
* **Hudson Metro Networks** (internet provider, New York): HMN-NYC-20931, 07:00-19:00 New
  York time, response 2 business hours; the New York routers, Network outage and
  Phone/headset at NY; day -640 to day +75 with 90 days' notice: **within its notice
  period** too.
* **Brightwave Software** (software house: licences, the VPN client, the backup software):
  BW-SUP-00912, 09:00-17:00 New York time, response 8 business hours, day -1120 to day -25:
  **expired**; renewed as BW-SUP-01288 from day -24 to day +341, 60 days' notice. Both cover
  Software install, VPN and Backup failure.

Escalations: every everyday ticket that waits on a vendor (the generator's "Case opened
with the vendor" step) is escalated to the vendor of its category (and site) under the
contract in force that day, with a case number of that vendor's own format, the contact,
a VENDOR_ESCALATED event and the response due time from the contract's hours; the vendor
answers (a VENDOR_RESPONDED event) within the response time four times in five, up to 2.5
times it otherwise, and never later than the ticket goes back to work. A ticket still
waiting at the as-of moment for an answer carries ``vendor_due_at``; once answered it has
none.

Three tickets are planted when app/demo/problems.py plants its patterns, so a small demo
shows each case:

* HQ, Printing, "Fuser unit failure on <first HQ printer>, error SC542": escalated to
  Meridian at 11:10 London time on the last weekday at least 4 days before the as-of day,
  never answered: waiting on the vendor and **overdue** (due the next business day).
* NY, Network outage, "Internet line at the New York office dropping packets" on the first
  New York router: escalated to Hudson Metro 50 minutes before ``now``, not answered yet
  and not due yet.
* HQ, Laptop hardware, "<laptop> will not boot past the Dell logo" (a Dell Latitude 5440
  where one exists): escalated to Dell at 13:00 on the last weekday at least 6 days before
  the as-of day, answered 100 minutes later (on time), resolved the next weekday.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert

from app.demo.catalog import _SITES
from app.demo.common import _EPOCH, seeded_id
from app.demo.problems import PlantedTicket, local_moment, plants, row_id
from app.vendors.directory import support_calendar
from models.enums import AssetKind, Channel, EventKind
from models.schema import metadata
from models.vendors import Contract, ContractAsset, ContractCategory, Vendor

if TYPE_CHECKING:
    from collections.abc import Callable
    from random import Random

    from app.demo.generator import _AssetRef, _Generator, _TicketState
    from app.demo.writers import _Writer

_ESCALATION_TABLE: Table = metadata.tables["vendor_escalation"]
_ESCALATION_COLUMNS = (
    "id", "ticket_id", "vendor_id", "contract_id", "case_number", "contact", "escalated_at",
    "escalated_by_id", "response_due_at", "responded_at", "ended_at", "note",
)  # fmt: skip
_K_ESCALATED, _K_RESPONDED = int(EventKind.VENDOR_ESCALATED), int(EventKind.VENDOR_RESPONDED)
_ON_TIME_P = 0.8
_ZONES = {d.code: d.timezone for d in _SITES}


@dataclass(frozen=True)
class _VendorDef:
    name: str
    kind: str
    phone: str
    email: str
    portal: str
    account: str
    notes: str
    case_format: str  # "SR{:09d}": the vendor's case numbers
    case_start: int
    contacts: tuple[str, ...]
    answers: tuple[str, ...]


@dataclass(frozen=True)
class _ContractDef:
    vendor: str
    number: str
    title: str
    hours: tuple[str, str] | None  # Monday to Friday in ``timezone``; None: around the clock
    timezone: str
    response: int  # minutes of support hours
    resolution: int
    starts: int  # days from the as-of day
    ends: int
    notice: int
    cost: str
    currency: str
    categories: tuple[str, ...]
    sites: tuple[str, ...] = ("HQ", "NY")  # the sites it serves
    models: tuple[str, ...] = ()  # it covers the assets of these models at its sites...
    kinds: tuple[AssetKind, ...] = ()  # ... and of these kinds


DELL, MERIDIAN, FIBRELINK, HUDSON, BRIGHTWAVE = (
    "Dell Technologies",
    "Meridian Print Services",
    "Fibrelink Business",
    "Hudson Metro Networks",
    "Brightwave Software",
)

VENDORS: tuple[_VendorDef, ...] = (
    _VendorDef(
        DELL, "Hardware maker", "+44 20 7946 0120", "enterprise.support@dell.example",
        "https://support.dell.example/cases", "UK-ACC-5530917",
        "Quote the service tag (the serial number) when calling.", "SR{:09d}", 184_402_117,
        ("Jamie Fowler", "Anita Desai", "Rob Kerr"),
        ("Engineer booked for the next business day.", "Part dispatched, arrives tomorrow.",
         "Asked for the diagnostics log; sent."),
    ),
    _VendorDef(
        MERIDIAN, "Managed print", "+44 20 7946 0455", "service@meridianprint.example",
        "https://portal.meridianprint.example", "MPS-20417",
        "Toner is reordered automatically; call only for faults.", "MPS-{:06d}", 310_455,
        ("Carol Hughes", "Dev Patel"),
        ("Technician visit booked.", "Replacement unit on its way.",
         "Remote reset done; asked us to test."),
    ),
    _VendorDef(
        FIBRELINK, "Internet provider", "+44 20 7946 0999", "noc@fibrelink.example",
        "https://my.fibrelink.example", "FLB-0078812",
        "Head office leased line and SIP trunk. The NOC answers around the clock.",
        "FL{:07d}", 5_120_331,
        ("NOC duty engineer", "Sam Whitfield"),
        ("Fault found at the exchange; engineer dispatched.", "Line tests clean from their side.",
         "Rerouted the circuit; monitoring."),
    ),
    _VendorDef(
        HUDSON, "Internet provider", "(212) 555-0187", "support@hudsonmetro.example",
        "https://portal.hudsonmetro.example", "HMN-44-2093",
        "New York office fibre and phone lines.", "T{:08d}", 40_911_250,
        ("Maria Lopez", "Kevin O'Hara"),
        ("Technician dispatched to the building.", "Fault on their core router; fixed.",
         "Asked us to power-cycle the CPE."),
    ),
    _VendorDef(
        BRIGHTWAVE, "Software house", "(646) 555-0142", "help@brightwave.example",
        "https://support.brightwave.example", "BW-CUST-7731",
        "Licences, the VPN client and the backup software.", "BW-{:05d}", 20_417,
        ("Priya Raman", "Tom Becker"),
        ("Known issue; hotfix sent.", "Asked for the client logs.",
         "Licence reissued."),
    ),
)  # fmt: skip

_LONDON, _NEW_YORK = "Europe/London", "America/New_York"
_SOFTWARE = ("Software install", "VPN", "Backup failure")
CONTRACTS: tuple[_ContractDef, ...] = (
    _ContractDef(
        DELL, "PS-7781-2204", "ProSupport: Latitude laptops and PowerEdge servers",
        ("08:00", "18:00"), _LONDON, 240, 1440, -1050, 45, 90, "48600.00", "GBP",
        ("Laptop hardware", "Server alert"),
        models=("Dell Latitude 5440", "Dell PowerEdge R750"),
    ),
    _ContractDef(
        MERIDIAN, "MPS-UK-0417", "Managed print: every printer", ("08:30", "17:30"), _LONDON,
        480, 960, -1000, 460, 90, "18250.00", "GBP", ("Printing",),
        kinds=(AssetKind.PRINTER,),
    ),
    _ContractDef(
        FIBRELINK, "FLB-LON-88213", "Head office leased line and SIP trunk", None, _LONDON,
        30, 240, -800, 295, 90, "21600.00", "GBP", ("Network outage", "Phone/headset"),
        sites=("HQ",), kinds=(AssetKind.ROUTER,),
    ),
    _ContractDef(
        HUDSON, "HMN-NYC-20931", "New York fibre and phone lines", ("07:00", "19:00"),
        _NEW_YORK, 120, 480, -640, 75, 90, "30900.00", "USD",
        ("Network outage", "Phone/headset"), sites=("NY",), kinds=(AssetKind.ROUTER,),
    ),
    _ContractDef(
        BRIGHTWAVE, "BW-SUP-00912", "Software support 2023-2026", ("09:00", "17:00"),
        _NEW_YORK, 480, 2400, -1120, -25, 60, "12400.00", "USD", _SOFTWARE,
    ),
    _ContractDef(
        BRIGHTWAVE, "BW-SUP-01288", "Software support, renewed", ("09:00", "17:00"),
        _NEW_YORK, 480, 2400, -24, 341, 60, "13100.00", "USD", _SOFTWARE,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class EscalationPlan:
    """The fixed life of a planted escalated ticket (epoch seconds): taken, escalated,
    answered and resolved (None: not by the as-of moment)."""

    taken: int
    escalated: int
    answered: int | None
    resolved: int | None
    resolution: str = ""


class _VendorRef:
    __slots__ = ("d", "id", "next_case", "row_id")

    def __init__(self, d: _VendorDef, row: uuid.UUID, stored: Any, next_case: int) -> None:
        self.d, self.row_id, self.id, self.next_case = d, row, stored, next_case


class _ContractRef:
    """A contract as written, with the calendar its response times run in: the one the
    escalation service uses (app/vendors/directory.py)."""

    __slots__ = ("calendar", "d", "ends", "id", "starts")

    def __init__(self, d: _ContractDef, row: dict[str, Any], stored: Any) -> None:
        self.d, self.id = d, stored
        self.starts, self.ends = row["starts_on"], row["ends_on"]
        self.calendar = support_calendar(Contract(**row))


class Case:
    """One escalation while its ticket's life is simulated."""

    __slots__ = ("at", "by", "contact", "contract", "due", "number", "responded", "vendor")

    def __init__(
        self, vendor: _VendorRef, contract: _ContractRef | None, at: int, by: Any, contact: str
    ) -> None:
        self.vendor, self.contract, self.at, self.by = vendor, contract, at, by
        self.contact = contact
        self.number = vendor.d.case_format.format(vendor.next_case)
        vendor.next_case += 1
        self.due: int | None = None
        if contract is not None:
            moment = _EPOCH + timedelta(seconds=at)
            self.due = int(
                contract.calendar.add_business_minutes(moment, contract.d.response).timestamp()
            )
        self.responded: int | None = None


class VendorDesk:
    """The vendors and contracts as written, and the escalations of the tickets being made
    (their rows wait in :meth:`take` for the ticket batch they belong to)."""

    def __init__(self, writer: _Writer, uid: Callable[[], Any], rng: Random) -> None:
        self.writer, self.uid, self.rng = writer, uid, rng
        self.now = 0
        self._routes: dict[tuple[str, str], tuple[_VendorRef, list[_ContractRef]]] = {}
        self._pending: list[tuple[Any, ...]] = []

    # -- the reference rows

    def write(self, gen: _Generator, rng: Random, extra: list[tuple[str, _AssetRef]]) -> None:
        """Write the vendors, the contracts and what they cover (``extra``: assets outside
        the sites' pools, with their site code)."""
        today = gen.now_dt.date()
        self.now = gen.now
        categories = {c.d.name: row_id(c.id) for c in gen.categories}
        vendors: dict[str, _VendorRef] = {}
        for v in VENDORS:
            row = uuid.UUID(int=seeded_id(rng))
            vendors[v.name] = _VendorRef(v, row, self.writer.uuid(row), v.case_start)
        assets: list[tuple[str, _AssetRef]] = list(extra)
        for site in gen.sites:
            code = site.d.code
            assets += [(code, c.device) for c in site.callers if c.device is not None]
            assets += [(code, a) for a in site.printers + site.servers + site.network]
        contract_rows, asset_rows, category_rows = [], [], []
        for d in CONTRACTS:
            row = uuid.UUID(int=seeded_id(rng))
            contract = _contract_row(d, row, vendors[d.vendor].row_id, today)
            contract_rows.append(contract)
            ref = _ContractRef(d, contract, self.writer.uuid(row))
            asset_rows += [
                {"contract_id": row, "asset_id": row_id(a.id)}
                for code, a in assets
                if code in d.sites and (a.model in d.models or a.kind in d.kinds)
            ]
            for name in d.categories:
                category_rows.append({"contract_id": row, "category_id": categories[name]})
                for code in d.sites:
                    route = self._routes.setdefault((name, code), (vendors[d.vendor], []))
                    route[1].append(ref)
        with gen.engine.begin() as connection:
            connection.execute(insert(Vendor), [_vendor_row(v) for v in vendors.values()])
            connection.execute(insert(Contract), contract_rows)
            connection.execute(insert(ContractAsset), asset_rows)
            connection.execute(insert(ContractCategory), category_rows)

    # -- escalations

    def escalate(self, st: _TicketState, at: int, actor: Any, category: str, site: str) -> Case:
        """Hand the ticket to its category's vendor at ``at``: the VENDOR_ESCALATED event,
        worded as app/vendors/escalation.py words it."""
        vendor, contracts = self._routes[(category, site)]
        day = (_EPOCH + timedelta(seconds=at)).date()
        contract = next((c for c in contracts if c.starts <= day <= c.ends), None)
        case = Case(vendor, contract, at, actor, self.rng.choice(vendor.d.contacts))
        note = f"Escalated to {vendor.d.name}, case {case.number} (contact {case.contact})"
        if contract is not None and case.due is not None:
            zone = _ZONES[site]
            due = datetime.fromtimestamp(case.due, ZoneInfo(zone))
            note += f", under contract {contract.d.number}: their answer is due by "
            note += f"{due:%a %d %b %Y %H:%M} ({zone})"
        new = f"{vendor.d.name}, case {case.number}"
        st.events.append((at, actor, _K_ESCALATED, "vendor", "", new, note + ".", 0))
        st.case = case
        return case

    def answer(
        self, st: _TicketState, case: Case, back: int, actor: Any, at: int | None = None
    ) -> None:
        """The vendor's first answer (at ``at``, or drawn from the contract's response
        time), never after ``back``, when the ticket goes back to work; none by now, none."""
        if at is None:
            draw = self.rng.random()
            factor = 0.1 + draw if draw < _ON_TIME_P else 1.0 + (draw - _ON_TIME_P) * 7.5
            contract = case.contract
            if contract is None:
                at = back
            else:
                start = _EPOCH + timedelta(seconds=case.at)
                minutes = contract.d.response * factor
                at = int(contract.calendar.add_business_minutes(start, minutes).timestamp())
            at = min(at, back)
        if at > self.now:
            return
        case.responded = at
        vendor = case.vendor.d
        new = f"{vendor.name}, case {case.number}"
        note = self.rng.choice(vendor.answers)
        st.events.append((at, actor, _K_RESPONDED, "vendor", "", new, note, 0))

    def finish(self, case: Case, ticket_id: Any) -> None:
        """The escalation's row, now that its ticket has an id."""
        ts, uid = self.writer.ts, self.uid
        contract = case.contract
        self._pending.append(
            (
                uid(),
                ticket_id,
                case.vendor.id,
                contract.id if contract is not None else None,
                case.number,
                case.contact,
                ts(case.at),
                case.by,
                ts(case.due),
                ts(case.responded),
                None,
                "",
            )
        )

    def take(self) -> list[tuple[Any, ...]]:
        """The escalation rows made since the last call, for the batch being written."""
        rows, self._pending = self._pending, []
        return rows

    # -- the planted tickets

    def plant(self, gen: _Generator, rng: Random) -> list[PlantedTicket]:
        """The three escalated tickets of the module docstring (when patterns are planted)."""
        if not plants(gen.spec):
            return []
        hq, ny = (next(s for s in gen.sites if s.d.code == code) for code in ("HQ", "NY"))
        categories = {c.d.name: c for c in gen.categories}
        today, now = gen.now_dt.date(), gen.now

        def weekday(back: int) -> date:
            day = today - timedelta(days=back)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            return day

        def london(day: date, hhmm: str) -> int:
            hour, minute = (int(part) for part in hhmm.split(":"))
            return local_moment(day, hour, minute, hq.d.timezone)

        printer = hq.printers[0]
        day = weekday(4)
        overdue = PlantedTicket(
            london(day, "09:40"), hq, categories["Printing"], int(Channel.PHONE),
            rng.choice(hq.callers), printer, f"Fuser unit failure on {printer.label}, error SC542",
            "Printer shows SC542 after a paper jam; needs an engineer.",
            EscalationPlan(london(day, "10:05"), london(day, "11:10"), None, None),
        )  # fmt: skip
        router = ny.network[0]
        waiting = PlantedTicket(
            now - 3 * 3600, ny, categories["Network outage"], int(Channel.PHONE),
            rng.choice(ny.callers), router, "Internet line at the New York office dropping packets",
            "Calls break up and the VPN drops; the backup line is fine.",
            EscalationPlan(now - 2 * 3600 - 40 * 60, now - 50 * 60, None, None),
        )  # fmt: skip
        owners = [
            c for c in hq.callers if c.device is not None and c.device.kind == int(AssetKind.LAPTOP)
        ]
        dell = [c for c in owners if c.device is not None and c.device.model in CONTRACTS[0].models]
        caller = rng.choice(dell or owners or hq.callers)
        laptop = caller.device
        day = weekday(6)
        after = day + timedelta(days=3 if day.weekday() == 4 else 1)
        answered = PlantedTicket(
            london(day, "10:15"), hq, categories["Laptop hardware"], int(Channel.PHONE), caller,
            laptop, f"{laptop.label if laptop else 'Laptop'} will not boot past the Dell logo",
            "Fans spin, screen stays on the logo.",
            EscalationPlan(
                london(day, "10:30"), london(day, "13:00"), london(day, "14:40"),
                london(after, "11:30"), "Dell engineer replaced the system board on site.",
            ),
        )  # fmt: skip
        return [overdue, waiting, answered]


def _vendor_row(v: _VendorRef) -> dict[str, Any]:
    d = v.d
    return {
        "id": v.row_id,
        "name": d.name,
        "kind": d.kind,
        "support_phone": d.phone,
        "email": d.email,
        "portal_url": d.portal,
        "account_number": d.account,
        "notes": d.notes,
        "active": True,
    }


def _contract_row(
    d: _ContractDef, row: uuid.UUID, vendor: uuid.UUID, today: date
) -> dict[str, Any]:
    return {
        "id": row,
        "vendor_id": vendor,
        "number": d.number,
        "title": d.title,
        "around_the_clock": d.hours is None,
        "support_hours": {} if d.hours is None else {str(day): list(d.hours) for day in range(5)},
        "timezone": d.timezone,
        "response_minutes": d.response,
        "resolution_minutes": d.resolution,
        "starts_on": today + timedelta(days=d.starts),
        "ends_on": today + timedelta(days=d.ends),
        "notice_days": d.notice,
        "cost": Decimal(d.cost),
        "currency": d.currency,
        "notes": "",
    }
