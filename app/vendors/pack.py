"""The escalation pack: what a vendor needs about a ticket escalated to them, on one A4 page,
and the e-mail that goes with it.

The pack (:func:`escalation_pack`) names both references at its head (our ticket number and
the vendor's case number) and then gives the ticket (summary, priority, status, caller and
how to reach them, site, description), the vendor and the contract (number, support hours,
the answer due), the asset (tag, make and model, serial, warranty end) and the ticket's
timeline, oldest first, times on the ticket's site's clock. It is always one page: a long
description is cut, each timeline entry is cut to a few lines, and a timeline too long for
the page keeps its first entry and as many of the latest as fit, saying how many were left
out between them. The escalation is the ticket's latest (:mod:`app.vendors.escalation`).

:func:`mailto_url` opens the mail program at the vendor's address with our ticket number
and their case in the subject and a short summary in the body, every part percent-encoded
as RFC 6068 asks (UTF-8, line breaks as CR LF), short enough for every mail program to take
(:data:`MAILTO_MAX` characters: the description is cut to fit). The person attaches the
pack.

The font, the inks, the footer and the page number are every PDF's (:mod:`app.paper`);
reportlab is imported only where a pack is made (this module is imported then).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from sqlalchemy import Engine
from sqlmodel import col, select

from app.assets.register import day_text, warranty_state
from app.errors import SwitchboardError
from app.exports import check_output, write_output
from app.org.sla_policies import minutes_text
from app.paper import BOLD, EDGE, HEAD, MARGIN, MUTED, RED, REGULAR, RULE, STRIPE, build, style
from app.tickets.detail import EventView, TicketDetail, load_detail
from app.vendors.directory import support_hours_text
from app.vendors.escalation import EscalationView, ticket_escalations
from models.engine import read_session
from models.enums import EventKind
from models.org import Organisation, Site
from models.people import Asset, Caller, CallerPhone
from models.vendors import Contract, Vendor

PAGE = A4
WIDTH = PAGE[0] - 2 * EDGE
# The frame's height inside build()'s margins and platypus' padding of 6 points each side,
# less a little room so rounding never pushes the last line onto a second page.
HEIGHT = PAGE[1] - 2 * (MARGIN + 6) - 12 - 6
DESCRIPTION_MAX = 1200  # characters of the description printed
NOTE_MAX = 280  # characters of a timeline entry's note
MAILTO_MAX = 1800  # characters of the whole mailto: URL
SUGGESTED_NAME = "escalation-pack.pdf"
CUT = "…"


@dataclass(frozen=True)
class _Asset:
    tag: str
    make_model: str
    serial: str
    warranty_ends_on: date | None


@dataclass(frozen=True)
class _Vendor:
    name: str
    phone: str
    email: str
    portal: str
    account: str


@dataclass(frozen=True)
class _Contract:
    number: str
    title: str
    hours: str
    response: str  # "4 h", "" for none


@dataclass(frozen=True)
class _Facts:
    """Everything the pack and the e-mail say, read in one transaction."""

    organisation: str
    ticket: TicketDetail
    zone: ZoneInfo  # the site's clock
    site: str  # "Head office (HQ)"
    address: str
    caller_email: str
    caller_phones: tuple[str, ...]
    asset: _Asset | None
    escalation: EscalationView
    vendor: _Vendor
    contract: _Contract | None

    def local(self, moment: datetime) -> str:
        """ "1 Jul 2026 10:00" on the site's clock."""
        here = moment.astimezone(self.zone)
        return f"{here.day} {here:%b %Y %H:%M}"


def _facts(engine: Engine, ticket_id: uuid.UUID) -> _Facts:
    with read_session(engine) as session:
        ticket = load_detail(session, ticket_id)
        escalated = ticket_escalations(session, ticket_id)
        if not escalated:
            raise SwitchboardError(
                f"{ticket.number} has not been escalated to a vendor: escalate it first, then "
                "make its pack."
            )
        latest = escalated[-1]
        vendor = session.get(Vendor, latest.vendor_id)
        contract = session.get(Contract, latest.contract_id) if latest.contract_id else None
        site = session.get(Site, ticket.site_id)
        caller = session.get(Caller, ticket.caller_id) if ticket.caller_id else None
        phones = session.exec(
            select(CallerPhone)
            .where(col(CallerPhone.caller_id) == ticket.caller_id)
            .order_by(col(CallerPhone.label), col(CallerPhone.number))
        ).all()
        asset = session.get(Asset, ticket.asset_id) if ticket.asset_id else None
        organisation = session.get(Organisation, 1)
        assert vendor is not None and site is not None  # rows are never deleted
        return _Facts(
            organisation=organisation.name if organisation is not None else "",
            ticket=ticket,
            zone=ZoneInfo(site.timezone),
            site=f"{site.name} ({site.code})",
            address=" ".join(site.address.split()),
            caller_email=(caller.email or "") if caller is not None else "",
            caller_phones=tuple(f"{p.number} ({p.label})" for p in phones),
            asset=_Asset(
                asset.tag,
                " ".join(part for part in (asset.make, asset.model) if part),
                asset.serial,
                asset.warranty_ends_on,
            )
            if asset is not None
            else None,
            escalation=latest,
            vendor=_Vendor(
                vendor.name,
                vendor.support_phone,
                vendor.email,
                vendor.portal_url,
                vendor.account_number,
            ),
            contract=_Contract(
                contract.number,
                contract.title,
                support_hours_text(
                    contract.around_the_clock, contract.support_hours, contract.timezone
                ),
                minutes_text(contract.response_minutes) if contract.response_minutes else "",
            )
            if contract is not None
            else None,
        )


# -- the PDF ------------------------------------------------------------------------------------
def escalation_pack(engine: Engine, ticket_id: uuid.UUID, now: datetime) -> bytes:
    """The ticket's escalation pack as a one-page A4 PDF, as of ``now`` (for the warranty
    and the answer's due time)."""
    facts = _facts(engine, ticket_id)
    head = _head(facts, now)
    story = _fitted(head, facts)
    ticket, escalation = facts.ticket, facts.escalation
    title = f"{ticket.number}: escalation to {escalation.vendor_name}"
    return build(
        story,
        PAGE,
        title=title,
        author=facts.organisation or "Switchboard",
        subject=f"Case {escalation.case_number}: {ticket.summary}",
        running=title,
    )


def write_escalation_pack(engine: Engine, ticket_id: uuid.UUID, out: Path, now: datetime) -> None:
    """Write the pack to ``out``; refuses a folder and a Switchboard database before reading
    anything, and a failed write leaves whatever was there."""
    check_output(out, SUGGESTED_NAME)
    data = escalation_pack(engine, ticket_id, now)
    write_output(out, SUGGESTED_NAME, lambda partial: partial.write_bytes(data))


def _cut(text: str, longest: int) -> str:
    text = text.strip()
    return text if len(text) <= longest else text[: longest - 1].rstrip() + CUT


def _lines(text: str) -> str:
    """Text for a paragraph: escaped, its line breaks kept."""
    return "<br/>".join(escape(line) for line in text.splitlines())


def _head(facts: _Facts, now: datetime) -> list[Flowable]:
    """Everything above the timeline."""
    ticket, escalation, vendor = facts.ticket, facts.escalation, facts.vendor
    said = [
        Paragraph(
            escape(facts.organisation or "Switchboard") + " · IT service desk",
            style("org", 9, textColor=MUTED),
        ),
        Paragraph(
            f"Escalation to {escape(vendor.name)}", style("title", 15, bold=True, spaceAfter=3)
        ),
        _references(facts),
        Paragraph(escape(ticket.summary), style("summary", 11, bold=True, spaceAfter=6)),
        _columns(_ticket_rows(facts), _vendor_rows(facts, now)),
    ]
    if facts.asset is not None:
        said.append(_asset_table(facts.asset, now))
    if ticket.description.strip():
        said += [
            Paragraph("Description", _heading()),
            Paragraph(_lines(_cut(ticket.description, DESCRIPTION_MAX)), style("description", 8.5)),
        ]
    if escalation.note:
        said += [
            Paragraph("Why we escalate", _heading()),
            Paragraph(_lines(_cut(escalation.note, DESCRIPTION_MAX // 2)), style("why", 8.5)),
        ]
    return said


def _heading() -> ParagraphStyle:
    return style("heading", 10, bold=True, spaceBefore=8, spaceAfter=3)


def _references(facts: _Facts) -> Table:
    """Our ticket number and their case number, large, side by side, then the contract."""
    label = style("refLabel", 7.5, textColor=MUTED)
    value = style("refValue", 13, bold=True)
    contract = facts.contract.number if facts.contract is not None else "none"
    cells = [
        [
            [Paragraph("Our ticket", label), Paragraph(escape(facts.ticket.number), value)],
            [
                Paragraph("Your case", label),
                Paragraph(escape(facts.escalation.case_number), value),
            ],
            [Paragraph("Contract", label), Paragraph(escape(contract), value)],
        ]
    ]
    table = Table(cells, colWidths=[WIDTH / 3] * 3)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), HEAD),
                ("LINEAFTER", (0, 0), (1, 0), 0.6, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    table.spaceAfter = 6
    return table


Rows = list[tuple[str, str]]


def _ticket_rows(facts: _Facts) -> Rows:
    ticket = facts.ticket
    contact = [facts.caller_email, *facts.caller_phones]
    with_whom = " · ".join(part for part in (ticket.team_name, ticket.assignee_name) if part)
    rows: Rows = [
        ("Priority", ticket.priority.label),
        ("Status", ticket.status.label),
        ("Opened", f"{facts.local(ticket.created_at)} ({facts.zone.key})"),
        ("Caller", ticket.caller_name or "none on record"),
        ("Contact", "\n".join(part for part in contact if part) or "none on record"),
        ("Site", facts.site + (f"\n{facts.address}" if facts.address else "")),
        ("Category", ticket.category_name or "none"),
        ("With", with_whom or "the service desk"),
    ]
    return rows


def _vendor_rows(facts: _Facts, now: datetime) -> Rows:
    vendor, escalation, contract = facts.vendor, facts.escalation, facts.contract
    escalated = f"{facts.local(escalation.escalated_at)}" + (
        f" by {escalation.escalated_by}" if escalation.escalated_by else ""
    )
    rows: Rows = [
        ("Vendor", vendor.name),
        ("Support", "\n".join(part for part in (vendor.phone, vendor.email) if part) or "—"),
    ]
    if vendor.portal:
        rows.append(("Portal", vendor.portal))
    if vendor.account:
        rows.append(("Our account", vendor.account))
    if contract is not None:
        rows.append(("Contract", " · ".join(p for p in (contract.number, contract.title) if p)))
        rows.append(("Support hours", contract.hours))
    rows.append(("Their contact", escalation.contact or "—"))
    rows.append(("Escalated", escalated))
    rows.append(("Answer due", _due(facts, now)))
    return rows


def _due(facts: _Facts, now: datetime) -> str:
    escalation, contract = facts.escalation, facts.contract
    if escalation.responded_at is not None:
        return f"answered {facts.local(escalation.responded_at)}"
    if escalation.response_due_at is None:
        return "no response time agreed"
    due = facts.local(escalation.response_due_at)
    promised = f" ({contract.response} response)" if contract and contract.response else ""
    late = " — overdue" if escalation.response_due_at < now else ""
    return f"{due}{promised}{late}"


def _columns(left: Rows, right: Rows) -> Table:
    """The ticket's facts beside the vendor's, each as label and value."""
    half = (WIDTH - 10) / 2
    table = Table(
        [[_facts_table(left, half), _facts_table(right, half)]], colWidths=[half + 10, half]
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _facts_table(rows: Rows, width: float) -> Table:
    label = style("factLabel", 8, textColor=MUTED)
    value = style("factValue", 8.5)
    cells = [
        [Paragraph(escape(name), label), Paragraph(_lines(text), value)] for name, text in rows
    ]
    table = Table(cells, colWidths=[68, width - 68], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _asset_table(asset: _Asset, now: datetime) -> Table:
    head = style("assetHead", 7.5, bold=True)
    cell = style("assetCell", 8.5)
    warranty = "none on record"
    if asset.warranty_ends_on is not None:
        state = warranty_state(asset.warranty_ends_on, now.date())
        warranty = f"{day_text(asset.warranty_ends_on)} ({state.value})"
    values = (asset.tag, asset.make_model or "—", asset.serial or "—", warranty)
    table = Table(
        [
            [Paragraph(name, head) for name in ("Asset", "Make and model", "Serial", "Warranty")],
            [Paragraph(escape(text), cell) for text in values],
        ],
        colWidths=[WIDTH * share for share in (0.18, 0.32, 0.22, 0.28)],
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    table.spaceBefore = 8
    return table


# -- the timeline, fitted to the page -----------------------------------------------------------
def _fitted(head: list[Flowable], facts: _Facts) -> list[Flowable]:
    """``head`` and the timeline, with as many of the latest entries as fit on the page
    (the first always; the ones between left out and counted)."""
    events = facts.ticket.events
    room = HEIGHT - _height(head)

    def story(latest: int) -> list[Flowable]:
        """The first entry and the ``latest`` ones (all of them when no more are left)."""
        if latest >= len(events) - 1:
            shown = list(events)
        else:
            shown = [*events[:1], *events[len(events) - latest :]]
        left_out = len(events) - len(shown)
        heading = f"Timeline ({len(events)} entries, times in {facts.zone.key})"
        return [Paragraph(escape(heading), _heading()), _timeline(shown, left_out, facts)]

    if _height(story(len(events))) <= room:
        return head + story(len(events))
    fits, too_many = 0, len(events) - 1  # latest entries shown beside the first
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if _height(story(middle)) <= room:
            fits = middle
        else:
            too_many = middle
    return head + story(fits)


def _height(flowables: Sequence[Flowable]) -> float:
    """How tall ``flowables`` are, laid out one under another across the page."""
    total = 0.0
    for flowable in flowables:
        total += flowable.wrap(WIDTH, PAGE[1])[1]
        total += flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _timeline(shown: list[EventView], left_out: int, facts: _Facts) -> Table:
    when = style("when", 7.5, textColor=MUTED)
    who = style("who", 7.5)
    what = style("what", 7.5)
    rows: list[list[Flowable | str]] = []
    gap_row = -1
    for position, event in enumerate(shown):
        rows.append(
            [
                Paragraph(escape(facts.local(event.at)), when),
                Paragraph(escape(event.actor or "System"), who),
                Paragraph(_entry(event), what),
            ]
        )
        if position == 0 and left_out:
            gap_row = len(rows)
            rows.append(
                [
                    Paragraph(
                        f"… {left_out} {'entry' if left_out == 1 else 'entries'} left out here "
                        f"to fit the page (ticket {escape(facts.ticket.number)} has every "
                        "entry) …",
                        style("gap", 7.5, textColor=RED, alignment=1),
                    ),
                    "",
                    "",
                ]
            )
    table = Table(rows, colWidths=[84, 76, WIDTH - 160])
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 7.5),
        ("ROWBACKGROUNDS", (0, 0), (-1, -1), [colors.white, STRIPE]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if gap_row >= 0:
        commands += [
            ("SPAN", (0, gap_row), (-1, gap_row)),
            ("FONT", (0, gap_row), (-1, gap_row), BOLD),
        ]
    table.setStyle(TableStyle(commands))
    return table


def _entry(event: EventView) -> str:
    """What happened, with its note (the creation's note is the description, shown above)."""
    text = f"<b>{escape(event.text)}</b>"
    if event.note and event.kind != EventKind.CREATED:
        text += " — " + _lines(_cut(event.note, NOTE_MAX))
    return text


# -- the e-mail ---------------------------------------------------------------------------------
def mailto_url(engine: Engine, ticket_id: uuid.UUID) -> str:
    """A ``mailto:`` URL to the vendor (no address when none is on record) with the
    subject "HQ-000123 / your case CS-4512: summary" and a short summary in the body,
    percent-encoded and at most :data:`MAILTO_MAX` characters long."""
    facts = _facts(engine, ticket_id)
    ticket, escalation = facts.ticket, facts.escalation
    subject = f"{ticket.number} / your case {escalation.case_number}: {_cut(ticket.summary, 80)}"
    start = f"mailto:{quote(facts.vendor.email, safe='@')}?subject={quote(subject, safe='')}"
    body = _body(facts)
    room = MAILTO_MAX - len(start) - len("&body=")
    encoded = _encoded_body(body)
    if len(encoded) > room:
        # The longest beginning of the body that fits, cut where the encoding allows.
        fits, too_long = 0, len(body)
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            if len(_encoded_body(body[:middle].rstrip() + CUT)) <= room:
                fits = middle
            else:
                too_long = middle
        encoded = _encoded_body(body[:fits].rstrip() + CUT)
    return f"{start}&body={encoded}"


def _encoded_body(text: str) -> str:
    return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")


def _body(facts: _Facts) -> str:
    """Hello, the references, the asset, then the description (cut last when too long)."""
    ticket, escalation, contract = facts.ticket, facts.escalation, facts.contract
    lines = [
        f"Hello {escalation.contact or facts.vendor.name},",
        "",
        f"We are escalating our ticket {ticket.number} to you as your case "
        f"{escalation.case_number}.",
        "",
        f"Summary: {ticket.summary}",
        f"Priority: {ticket.priority.label}",
    ]
    if contract is not None:
        lines.append(f"Contract: {contract.number}")
    if facts.vendor.account:
        lines.append(f"Our account: {facts.vendor.account}")
    if facts.asset is not None:
        asset = facts.asset
        described = ", ".join(
            part
            for part in (
                asset.tag,
                asset.make_model,
                f"serial {asset.serial}" if asset.serial else "",
                f"warranty ends {day_text(asset.warranty_ends_on)}"
                if asset.warranty_ends_on
                else "",
            )
            if part
        )
        lines.append(f"Asset: {described}")
    lines.append(f"Site: {facts.site}")
    lines += [
        "",
        "The escalation pack (one page: the ticket, its timeline and the asset) is attached. "
        f"Please quote {ticket.number} when you reply.",
    ]
    if ticket.description.strip():
        lines += ["", "What happened:", ticket.description.strip()]
    return "\n".join(lines)
