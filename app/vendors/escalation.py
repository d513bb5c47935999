"""Escalating a ticket to an outside vendor, the vendor's answer, and the answers overdue.

Escalating (:func:`escalate_to_vendor`, :attr:`Action.ESCALATE_TO_VENDOR`) is one ticket
change (:func:`app.tickets.actions.ticket_change`: the actor's permissions, the version the
person opened, one event per change, the SLA deadline kept in step), all of it or none:

- the ticket moves to Waiting on vendor as the workflow allows it (from Assigned or In
  progress; :mod:`app.tickets.workflow`, with the permission that move needs), written as
  the status change :func:`~app.tickets.actions.change_status` writes. A ticket already
  waiting on a vendor stays so: it is handed to another vendor, or another case;
- a :class:`VendorEscalation` row with the vendor's case number, the contact there and the
  response due time; the ticket's earlier escalations end (``ended_at``), so a ticket has
  one open escalation at a time;
- a VENDOR_ESCALATED event naming the vendor and the case (its note says the contact, the
  due time and the person's note);
- ``Ticket.vendor_due_at``: the response time of the contract (if one is chosen and it
  promises one) counted from now in the contract's support hours, or on the clock for an
  around-the-clock contract.

Waiting on a vendor does not stop the desk's SLA clock: only waiting on the caller does
(:func:`app.tickets.sla.running_due` and the design notes' SLA definition), as the caller
still waits while the vendor works. Escalating is staff acting on the ticket, so it is the
first response where none came before, as any status change is.

:func:`record_vendor_response` records the vendor's first answer: when, the
VENDOR_RESPONDED event, and the due time cleared. The ticket stays waiting on the vendor
until someone moves it on ("Vendor replied", "Resolve"): an answer is not always a fix.

A ticket that leaves Waiting on vendor another way (resolved, closed, "Vendor replied")
no longer awaits the answer: the ticket workflow clears its ``vendor_due_at``
(:func:`app.tickets.actions.enter_status`), so a due time on a ticket always means an
answer still awaited, and :func:`overdue_vendor_responses` reads only those.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.assets.register import day_text
from app.errors import NotFoundError, TransitionError, ValidationError
from app.permissions import Action, require
from app.rows import gone
from app.tickets.actions import TicketChange, ticket_change, ticket_detail
from app.tickets.detail import TicketDetail
from app.tickets.workflow import find_transition, status_change_needs
from app.vendors.coverage import CoveringContract, covering
from app.vendors.directory import support_calendar
from models.engine import read_connection, read_session
from models.enums import EventKind, TicketStatus
from models.org import Site, Staff
from models.tickets import Ticket, vendor_answer_overdue
from models.vendors import Contract, Vendor, VendorEscalation

CASE_MAX = 80  # VendorEscalation.case_number's column
CONTACT_MAX = 200  # VendorEscalation.contact's column
WAITING = TicketStatus.WAITING_VENDOR


@dataclass(frozen=True)
class VendorEscalationDraft:
    """What the person fills in to escalate a ticket: the vendor, the contract it falls
    under (None: none, so no response time is promised), the vendor's case number, whom we
    deal with there, and a note."""

    vendor_id: uuid.UUID
    contract_id: uuid.UUID | None
    case_number: str
    contact: str = ""
    note: str = ""


@dataclass(frozen=True)
class EscalationView:
    """One escalation of a ticket, as the ticket and the escalation pack show it."""

    id: uuid.UUID
    vendor_id: uuid.UUID
    vendor_name: str
    contract_id: uuid.UUID | None
    contract_number: str  # "" without a contract
    case_number: str
    contact: str
    escalated_at: datetime
    escalated_by: str  # the staff member's name
    response_due_at: datetime | None
    responded_at: datetime | None
    ended_at: datetime | None  # handed to another vendor or case since
    note: str


@dataclass(frozen=True)
class OverdueVendor:
    """A ticket waiting on a vendor whose answer is overdue."""

    ticket_id: uuid.UUID
    number: str
    summary: str
    vendor_name: str
    case_number: str
    due_at: datetime


def vendor_suggestions(engine: Engine, ticket_id: uuid.UUID, today: date) -> list[CoveringContract]:
    """The vendors to offer for the ticket, with their contract: those of the contracts
    current ``today`` covering its asset first, then its category's (see
    :mod:`app.vendors.coverage`); empty when none does."""
    with read_session(engine) as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFoundError("That ticket no longer exists.")
        return covering(session, asset_id=ticket.asset_id, category_id=ticket.category_id, on=today)


def vendor_response_due(contract: Contract | None, start: datetime) -> datetime | None:
    """When a vendor escalated to at ``start`` must answer under ``contract``: its response
    time in its support hours (on the clock when around the clock); None without a contract
    or a response time."""
    if contract is None or contract.response_minutes is None:
        return None
    return support_calendar(contract).add_business_minutes(start, contract.response_minutes)


def escalate_to_vendor(
    engine: Engine,
    ticket_id: uuid.UUID,
    draft: VendorEscalationDraft,
    actor_id: uuid.UUID,
    now: datetime,
    expected_version: int,
) -> TicketDetail:
    """Hand the ticket to a vendor, as the module docstring says. A case number the vendor
    has for another ticket is refused naming that ticket; every problem is reported at
    once (``vendor_id``, ``contract_id``, ``case_number``, ``contact``) and nothing is
    saved."""
    case = " ".join(draft.case_number.split())
    contact = " ".join(draft.contact.split())
    note = draft.note.strip()
    problems: dict[str, str] = {}
    if not case:
        problems["case_number"] = (
            "Give the vendor's case number for this call (their reference, such as "
            "CS-004512); ask them for it first."
        )
    elif len(case) > CASE_MAX:
        problems["case_number"] = f"Keep the case number to {CASE_MAX} characters."
    if len(contact) > CONTACT_MAX:
        problems["contact"] = f"Keep the contact to {CONTACT_MAX} characters; put more in the note."
    with ticket_change(
        engine, ticket_id, expected_version, actor_id, now, (Action.ESCALATE_TO_VENDOR,)
    ) as m:
        current = TicketStatus(m.ticket.status)
        if current != WAITING:
            _check_move(m, current)
        vendor = _chosen_vendor(m.session, draft.vendor_id, problems)
        contract = _chosen_contract(m.session, draft.contract_id, vendor, now, problems)
        if vendor is not None and "case_number" not in problems:
            _check_case_free(m.session, vendor, case, m.ticket, problems)
        if problems:
            raise ValidationError(problems)
        assert vendor is not None
        due = vendor_response_due(contract, now)
        m.session.execute(
            update(VendorEscalation)
            .where(
                col(VendorEscalation.ticket_id) == ticket_id,
                col(VendorEscalation.ended_at).is_(None),
            )
            .values(ended_at=now)
        )
        m.session.add(
            VendorEscalation(
                ticket_id=ticket_id,
                vendor_id=vendor.id,
                contract_id=contract.id if contract is not None else None,
                case_number=case,
                contact=contact,
                escalated_at=now,
                escalated_by_id=actor_id,
                response_due_at=due,
                note=note,
            )
        )
        name = vendor.name  # a failed flush expires the rows read
        try:
            m.session.flush()  # the ticket is not changed yet: this inserts the escalation only
        except IntegrityError as taken:  # recorded a moment ago on another workstation
            raise ValidationError(
                {
                    "case_number": f"{name}'s case {case} was recorded on another "
                    "ticket a moment ago; check the case number they gave."
                }
            ) from taken
        m.responded()
        if current != WAITING:
            m.set("status", WAITING, current.label, WAITING.label, EventKind.STATUS_CHANGED)
        m.ticket.vendor_due_at = due
        m.event(
            EventKind.VENDOR_ESCALATED,
            "vendor",
            new=f"{vendor.name}, case {case}",
            note=_escalated_note(m, vendor, contract, case, contact, due, note),
        )
    return ticket_detail(engine, ticket_id)


def _check_move(m: TicketChange, current: TicketStatus) -> None:
    """The workflow's move to Waiting on vendor, with its permissions, or a refusal that
    says what to do first."""
    if find_transition(current, WAITING) is None:
        first = (
            "reopen it"
            if not current.is_open
            else "assign it or start work on it"
            if current == TicketStatus.NEW
            else "move it back to In progress"
        )
        raise TransitionError(
            f"{m.ticket.number} is {current.label}: {first} before escalating it to a vendor."
        )
    for action in status_change_needs(current, WAITING):
        require(m.session, m.actor_id, action)


def _chosen_vendor(
    session: Session, vendor_id: uuid.UUID, problems: dict[str, str]
) -> Vendor | None:
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        problems["vendor_id"] = gone("vendor")
    elif not vendor.active:
        problems["vendor_id"] = (
            f"{vendor.name} is marked inactive on the vendor list; choose another vendor, or "
            "ask a manager to make it active again."
        )
    return vendor


def _chosen_contract(
    session: Session,
    contract_id: uuid.UUID | None,
    vendor: Vendor | None,
    now: datetime,
    problems: dict[str, str],
) -> Contract | None:
    """The contract chosen: the vendor's, and current on its own calendar's today."""
    if contract_id is None:
        return None
    contract = session.get(Contract, contract_id)
    if contract is None:
        problems["contract_id"] = gone("contract")
        return None
    if vendor is not None and contract.vendor_id != vendor.id:
        owner = session.get(Vendor, contract.vendor_id)
        problems["contract_id"] = (
            f"Contract {contract.number} is with {owner.name if owner else 'another vendor'}, "
            f"not {vendor.name}; choose one of {vendor.name}'s contracts, or none."
        )
        return contract
    today = now.astimezone(ZoneInfo(contract.timezone)).date()
    if today < contract.starts_on:
        problems["contract_id"] = (
            f"Contract {contract.number} starts on {day_text(contract.starts_on)}; escalate "
            "without a contract, or choose a current one."
        )
    elif today > contract.ends_on:
        problems["contract_id"] = (
            f"Contract {contract.number} ended on {day_text(contract.ends_on)}; escalate "
            "without a contract, or choose a current one."
        )
    return contract


def _check_case_free(
    session: Session, vendor: Vendor, case: str, ticket: Ticket, problems: dict[str, str]
) -> None:
    """The vendor's case numbers are theirs: one ticket per case (any case of letters)."""
    holder = session.execute(
        select(col(Ticket.id), col(Ticket.number))
        .join(VendorEscalation, col(VendorEscalation.ticket_id) == col(Ticket.id))
        .where(
            col(VendorEscalation.vendor_id) == vendor.id,
            func.lower(col(VendorEscalation.case_number)) == case.lower(),
        )
    ).first()
    if holder is not None:
        other = "" if holder[0] == ticket.id else holder[1]
        problems["case_number"] = _case_taken(vendor.name, case, other)


def _case_taken(vendor: str, case: str, ticket_number: str) -> str:
    if not ticket_number:
        return (
            f"{vendor}'s case {case} is already recorded on this ticket; check the case "
            "number they gave."
        )
    return (
        f"{vendor}'s case {case} is already recorded on ticket {ticket_number}; check the "
        f"case number they gave, or work on {ticket_number} instead."
    )


def _escalated_note(
    m: TicketChange,
    vendor: Vendor,
    contract: Contract | None,
    case: str,
    contact: str,
    due: datetime | None,
    note: str,
) -> str:
    """ "Escalated to Acme Ltd, case CS-1 (contact Jane Roe), under contract SC-7: their
    answer is due by Mon 30 Nov 2026 10:00 (Europe/London)." and the person's note."""
    said = f"Escalated to {vendor.name}, case {case}"
    if contact:
        said += f" (contact {contact})"
    if contract is not None:
        said += f", under contract {contract.number}"
    if due is not None:
        site = m.session.get(Site, m.ticket.site_id)
        zone = site.timezone if site is not None else "UTC"
        said += (
            f": their answer is due by {due.astimezone(ZoneInfo(zone)):%a %d %b %Y %H:%M} ({zone})"
        )
    said += "."
    return f"{said}\n{note}" if note else said


def record_vendor_response(
    engine: Engine,
    ticket_id: uuid.UUID,
    actor_id: uuid.UUID,
    now: datetime,
    note: str,
    expected_version: int,
) -> TicketDetail:
    """The vendor answered the ticket's open escalation (``note``: what they said): its
    answer time, a VENDOR_RESPONDED event, and no more due time on the ticket. Refused for
    a ticket with no escalation waiting for an answer."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what the vendor answered."})
    with ticket_change(
        engine, ticket_id, expected_version, actor_id, now, (Action.ESCALATE_TO_VENDOR,)
    ) as m:
        escalation = m.session.scalars(
            select(VendorEscalation)
            .where(
                col(VendorEscalation.ticket_id) == ticket_id,
                col(VendorEscalation.ended_at).is_(None),
            )
            .order_by(col(VendorEscalation.escalated_at).desc())
        ).first()
        if escalation is None:
            raise ValidationError(
                {
                    "ticket": f"{m.ticket.number} is not escalated to a vendor; escalate it "
                    "first, or add the answer as a note."
                }
            )
        vendor = m.session.get(Vendor, escalation.vendor_id)
        name = vendor.name if vendor is not None else "The vendor"
        if escalation.responded_at is not None:
            raise ValidationError(
                {
                    "ticket": f"{name}'s answer on case {escalation.case_number} was recorded "
                    f"already ({escalation.responded_at:%d %b %Y %H:%M} UTC); add what they "
                    "say now as a note."
                }
            )
        escalation.responded_at = now
        m.session.add(escalation)
        m.responded()
        m.ticket.vendor_due_at = None
        m.event(
            EventKind.VENDOR_RESPONDED,
            "vendor",
            new=f"{name}, case {escalation.case_number}",
            note=note,
        )
    return ticket_detail(engine, ticket_id)


def escalations(engine: Engine, ticket_id: uuid.UUID) -> list[EscalationView]:
    """The ticket's escalations to vendors, oldest first (the open one, if any, last)."""
    with read_session(engine) as session:
        return ticket_escalations(session, ticket_id)


def ticket_escalations(session: Session, ticket_id: uuid.UUID) -> list[EscalationView]:
    """:func:`escalations`, read in ``session`` (with the rest of what a reader shows)."""
    statement = (
        select(VendorEscalation, col(Vendor.name), col(Contract.number), col(Staff.name))
        .join(Vendor, col(Vendor.id) == col(VendorEscalation.vendor_id))
        .outerjoin(Contract, col(Contract.id) == col(VendorEscalation.contract_id))
        .outerjoin(Staff, col(Staff.id) == col(VendorEscalation.escalated_by_id))
        .where(col(VendorEscalation.ticket_id) == ticket_id)
        .order_by(col(VendorEscalation.escalated_at), col(VendorEscalation.id))
    )
    return [
        EscalationView(
            id=e.id,
            vendor_id=e.vendor_id,
            vendor_name=vendor,
            contract_id=e.contract_id,
            contract_number=contract or "",
            case_number=e.case_number,
            contact=e.contact,
            escalated_at=e.escalated_at,
            escalated_by=staff or "",
            response_due_at=e.response_due_at,
            responded_at=e.responded_at,
            ended_at=e.ended_at,
            note=e.note,
        )
        for e, vendor, contract, staff in session.execute(statement)
    ]


def overdue_vendor_responses(engine: Engine, now: datetime) -> list[OverdueVendor]:
    """The tickets waiting on a vendor whose answer was due before ``now``, most overdue
    first: a range scan of the vendor due index (the few tickets with a due time), then
    their status."""
    statement = (
        select(
            col(Ticket.id),
            col(Ticket.number),
            col(Ticket.summary),
            col(Vendor.name),
            col(VendorEscalation.case_number),
            col(Ticket.vendor_due_at),
        )
        .join(
            VendorEscalation,
            and_(
                col(VendorEscalation.ticket_id) == col(Ticket.id),
                col(VendorEscalation.ended_at).is_(None),
            ),
        )
        .join(Vendor, col(Vendor.id) == col(VendorEscalation.vendor_id))
        .where(vendor_answer_overdue(now))
        .order_by(col(Ticket.vendor_due_at), col(Ticket.number))
    )
    with read_connection(engine) as connection:
        return [
            OverdueVendor(ticket_id, number, summary, vendor, case, due)
            for ticket_id, number, summary, vendor, case, due in connection.execute(statement)
            if due is not None  # always: the query asks for due times before now
        ]
