"""Small hand-built worlds for the monthly report's tests: two sites either side of the
Atlantic (London, New York) with office hours and no public holidays, a service desk and a
network team, staff of every role, categories with a subcategory, callers, an asset, and
helpers that write tickets, events, calls and shifts with their columns set directly, so
each test knows its right answer by reasoning."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from models.engine import write_session
from models.enums import Channel, EventKind, Priority, ShiftKind, StaffRole, TicketStatus
from models.org import Category, Organisation, Site, Staff, Team
from models.people import Asset, Caller
from models.roster import Shift, ShiftType
from models.tickets import Call, Ticket, TicketEvent

OFFICE_HOURS = {str(day): ["09:00", "17:00"] for day in range(5)}  # Monday to Friday
ORGANISATION = "Société Générale d'Hôpitaux"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@dataclass
class World:
    engine: Engine
    lon: uuid.UUID
    nyc: uuid.UUID
    desk: uuid.UUID
    network: uuid.UUID
    operator: uuid.UUID  # on the desk, home site London
    operator_ny: uuid.UUID  # on the desk, home site New York
    technician: uuid.UUID  # network team
    manager: uuid.UUID
    admin: uuid.UUID
    printing: uuid.UUID
    network_cat: uuid.UUID  # "Network"
    vpn: uuid.UUID  # "Network › VPN"
    alice: uuid.UUID
    zoe: uuid.UUID
    renee: uuid.UUID
    laptop: uuid.UUID
    shift_types: dict[ShiftKind, uuid.UUID]
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def ticket(self, site: uuid.UUID, created: datetime, **columns: Any) -> uuid.UUID:
        """A ticket created at ``created`` with ``columns`` set as given."""
        number = next(self._numbers)
        columns.setdefault("summary", f"Ticket {number}")
        columns.setdefault("updated_at", created)
        if columns.get("closed_at") is not None:
            columns.setdefault("status", TicketStatus.CLOSED)
        elif columns.get("resolved_at") is not None:
            columns.setdefault("status", TicketStatus.RESOLVED)
        row = Ticket(number=f"T-{number:06d}", site_id=site, created_at=created, **columns)
        with write_session(self.engine) as session:
            session.add(row)
        return row.id

    def event(
        self,
        ticket_id: uuid.UUID,
        kind: EventKind,
        at: datetime,
        *,
        actor: uuid.UUID | None = None,
        new_value: str = "",
        minutes: int = 0,
    ) -> None:
        with write_session(self.engine) as session:
            session.add(
                TicketEvent(
                    ticket_id=ticket_id,
                    ticket_version=1,
                    at=at,
                    actor_id=actor,
                    kind=kind,
                    field="status" if kind == EventKind.STATUS_CHANGED else "",
                    new_value=new_value,
                    minutes_spent=minutes,
                )
            )

    def resolved_event(self, ticket_id: uuid.UUID, at: datetime) -> None:
        """The audit trail's "-> Resolved" status change."""
        self.event(ticket_id, EventKind.STATUS_CHANGED, at, new_value=TicketStatus.RESOLVED.label)

    def call(
        self,
        started: datetime,
        minutes: float | None,
        operator: uuid.UUID | None,
        ticket_id: uuid.UUID | None = None,
    ) -> None:
        ended = None if minutes is None else started + timedelta(minutes=minutes)
        with write_session(self.engine) as session:
            session.add(
                Call(started_at=started, ended_at=ended, operator_id=operator, ticket_id=ticket_id)
            )

    def shift(
        self,
        staff: uuid.UUID,
        kind: ShiftKind,
        site: uuid.UUID,
        starts: datetime,
        ends: datetime,
    ) -> None:
        with write_session(self.engine) as session:
            session.add(
                Shift(
                    staff_id=staff,
                    shift_type_id=self.shift_types[kind],
                    site_id=site,
                    starts_at=starts,
                    ends_at=ends,
                )
            )


def make_world(engine: Engine, *, extra_sites: tuple[Site, ...] = ()) -> World:
    """The organisation every report test starts from (no tickets yet)."""
    with write_session(engine) as s:
        lon = Site(code="LON", name="London", timezone="Europe/London", business_hours=OFFICE_HOURS)
        nyc = Site(
            code="NYC", name="New York", timezone="America/New_York", business_hours=OFFICE_HOURS
        )
        desk = Team(name="Service desk", is_service_desk=True)
        network = Team(name="Network team")
        s.add_all([lon, nyc, desk, network, *extra_sites])
        s.flush()
        people = {
            "operator": Staff(
                name="Orla Ní Bhriain",
                username="orla",
                role=StaffRole.OPERATOR,
                team_id=desk.id,
                home_site_id=lon.id,
            ),
            "operator_ny": Staff(
                name="José Peña",
                username="jose",
                role=StaffRole.OPERATOR,
                team_id=desk.id,
                home_site_id=nyc.id,
            ),
            "technician": Staff(
                name="Tomás Érdi",
                username="tomas",
                role=StaffRole.TECHNICIAN,
                team_id=network.id,
                home_site_id=lon.id,
            ),
            "manager": Staff(name="Mia Manager", username="mia", role=StaffRole.MANAGER),
            "admin": Staff(name="Ada Admin", username="ada", role=StaffRole.ADMIN),
        }
        printing = Category(name="Printing", default_team_id=desk.id)
        network_cat = Category(name="Network", default_team_id=network.id)
        callers = {
            "alice": Caller(name="Alice Müller", site_id=lon.id),
            "zoe": Caller(name="Zoë O'Brien", site_id=nyc.id),
            "renee": Caller(name="Renée Dupré", site_id=lon.id),
        }
        s.add_all([*people.values(), printing, network_cat, *callers.values()])
        s.flush()
        vpn = Category(name="VPN", parent_id=network_cat.id, default_team_id=network.id)
        laptop = Asset(tag="LT-0042", model="ThinkPad X1", site_id=lon.id)
        types = {
            kind: ShiftType(
                name=f"Report {kind.name.lower()}",
                kind=kind,
                colour="#808080",
                pattern="solid",
                starts="09:00",
                ends="17:00",
            )
            for kind in ShiftKind
        }
        s.add_all([vpn, laptop, *types.values()])
        organisation = s.get(Organisation, 1)
        if organisation is None:
            s.add(Organisation(id=1, name=ORGANISATION))
        else:
            organisation.name = ORGANISATION
        s.flush()
        return World(
            engine=engine,
            lon=lon.id,
            nyc=nyc.id,
            desk=desk.id,
            network=network.id,
            operator=people["operator"].id,
            operator_ny=people["operator_ny"].id,
            technician=people["technician"].id,
            manager=people["manager"].id,
            admin=people["admin"].id,
            printing=printing.id,
            network_cat=network_cat.id,
            vpn=vpn.id,
            alice=callers["alice"].id,
            zoe=callers["zoe"].id,
            renee=callers["renee"].id,
            laptop=laptop.id,
            shift_types={kind: row.id for kind, row in types.items()},
        )


__all__ = ["Channel", "EventKind", "Priority", "ShiftKind", "World", "make_world", "utc"]
