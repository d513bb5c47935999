"""The escalation pack (app/vendors/pack.py): read back with pypdf it names both references,
the asset's serial and warranty, the contract and the timeline; it stays one page with 200
entries and texts as long as a person can type, keeping the first entry and the latest;
it renders (pdftoppm); the file is written as every export is. The mail to the vendor:
subject and body percent-encoded (spaces, &, non-ASCII, line breaks) and kept short."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, update
from sqlmodel import col

from app.errors import SwitchboardError
from app.tickets.actions import TicketDraft, add_note, create_ticket
from app.vendors.escalation import VendorEscalationDraft, escalate_to_vendor
from app.vendors.pack import MAILTO_MAX, escalation_pack, mailto_url, write_escalation_pack
from models.engine import write_session
from models.org import Site
from models.people import Asset
from models.tickets import Ticket
from tests.conftest import NOW, Org
from tests.test_roster_pdf import pages_of
from tests.test_vendors import add_contract, add_vendor

ESCALATED = NOW + timedelta(days=1)


@dataclass(frozen=True)
class Escalated:
    ticket_id: uuid.UUID
    number: str


def escalated_ticket(
    engine: Engine,
    org: Org,
    *,
    notes: int = 2,
    summary: str = "Laptop will not power on after the BIOS update",
    description: str = "Fan spins, the screen stays black.",
    note: str = "Tried another charger",
    email: str = "support@acme.example",
    case: str = "CS-004512",
) -> Escalated:
    """Alice's laptop (serial PF-3XK9Q2, warranty to 31 May 2027) with ``notes`` notes,
    escalated by Bob to Acme under contract SC-2026-0042."""
    with write_session(engine) as session:
        session.execute(
            update(Asset)
            .where(col(Asset.id) == org.laptop)
            .values(make="Lenovo", serial="PF-3XK9Q2", warranty_ends_on=date(2027, 5, 31))
        )
        session.execute(
            update(Site).where(col(Site.id) == org.hq).values(address="1 Market Street, London")
        )
    acme = add_vendor(engine, org, "Acme Hardware", email=email, support_phone="+44 20 7946 0")
    contract_id = add_contract(
        engine, org, acme, number="SC-2026-0042", asset_ids=frozenset({org.laptop})
    )
    detail = create_ticket(
        engine,
        TicketDraft(
            summary=summary,
            description=description,
            site_id=org.hq,
            caller_id=org.alice,
            asset_id=org.laptop,
            category_id=org.printing,
        ),
        org.ann,
        NOW,
    )
    for number in range(1, notes + 1):
        detail = add_note(
            engine, detail.id, f"{note} #{number}", org.bob, now=NOW + timedelta(minutes=number)
        )
    escalate_to_vendor(
        engine,
        detail.id,
        VendorEscalationDraft(acme, contract_id, case, "Jane Roe", "Please send an engineer."),
        org.bob,
        ESCALATED,
        detail.version,
    )
    return Escalated(detail.id, detail.number)


def test_the_pack_names_the_ticket_the_asset_and_the_vendor(engine: Engine, org: Org) -> None:
    ticket = escalated_ticket(engine, org)
    [text] = pages_of(escalation_pack(engine, ticket.ticket_id, ESCALATED))
    for said in (
        "Escalation to Acme Hardware",
        f"Our ticket {ticket.number}",
        "Your case CS-004512",
        "Contract SC-2026-0042",
        "Laptop will not power on after the BIOS update",
        "Priority P4 Low",
        "Status Waiting on vendor",
        "Caller Alice Müller",
        "alice@example.org",
        "Head office (HQ) 1 Market Street, London",
        "LT-0001 Lenovo ThinkPad T14 PF-3XK9Q2 31 May 2027 (under warranty)",
        "Support hours Mon–Fri 08:00-18:00 (Europe/London)",
        "Their contact Jane Roe",
        # Wednesday 10:00 plus four business hours; times on the site's clock (GMT).
        "Answer due 25 Nov 2026 14:00 (4 h response)",
        "Fan spins, the screen stays black.",
        "Please send an engineer.",
        "Timeline (7 entries, times in Europe/London)",
        "Tried another charger #2",
        "status: Assigned → Waiting on vendor",
        "Vendor escalated: Acme Hardware, case CS-004512",
    ):
        assert said in text, said
    assert "left out" not in text
    late = pages_of(escalation_pack(engine, ticket.ticket_id, ESCALATED + timedelta(days=1)))[0]
    assert "(4 h response) — overdue" in late


def test_two_hundred_entries_keep_to_one_page(engine: Engine, org: Org) -> None:
    ticket = escalated_ticket(engine, org, notes=200)
    data = escalation_pack(engine, ticket.ticket_id, ESCALATED)
    [text] = pages_of(data)  # exactly one page
    assert "Timeline (205 entries" in text
    assert "created the ticket" in text  # the first entry
    assert "Tried another charger #200" in text and "Vendor escalated" in text  # the latest
    assert "Tried another charger #1 " not in text
    assert "entries left out here to fit the page" in text
    left_out = int(text.split(" entries left out here")[0].split("… ")[-1])
    padded = text + " "  # every note's number is followed by a space, the last one's too
    shown = sum(f"Tried another charger #{n} " in padded for n in range(1, 201))
    # Left out: the notes not shown, the assignment's two entries; shown: the creation, the
    # latest notes, the status change and the escalation.
    assert left_out == 202 - shown
    assert left_out < 200 - 10  # and the page is used


def test_the_longest_texts_keep_to_one_page(engine: Engine, org: Org) -> None:
    words = "Ünïcödé & <markup> " * 300
    ticket = escalated_ticket(
        engine,
        org,
        notes=40,
        summary=("Everything is broken " * 9).strip(),
        description=words,
        note=words,
    )
    [text] = pages_of(escalation_pack(engine, ticket.ticket_id, ESCALATED))
    assert "Ünïcödé & <markup>" in text and "…" in text


def test_the_pack_renders_as_an_image(engine: Engine, org: Org, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    ticket = escalated_ticket(engine, org, notes=200)
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(escalation_pack(engine, ticket.ticket_id, ESCALATED))
    subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert [p.name for p in tmp_path.glob("page*.png")] == ["page-1.png"]


def test_a_ticket_never_escalated_has_no_pack(engine: Engine, org: Org) -> None:
    detail = create_ticket(engine, TicketDraft(summary="Nothing", site_id=org.hq), org.ann)
    with pytest.raises(SwitchboardError) as refused:
        escalation_pack(engine, detail.id, NOW)
    assert str(refused.value) == (
        f"{detail.number} has not been escalated to a vendor: escalate it first, then make its "
        "pack."
    )


def test_the_pack_is_written_as_every_export(engine: Engine, org: Org, tmp_path: Path) -> None:
    ticket = escalated_ticket(engine, org)
    with pytest.raises(SwitchboardError, match="is a folder"):
        write_escalation_pack(engine, ticket.ticket_id, tmp_path, ESCALATED)
    database = tmp_path / "switchboard.db"
    database.write_bytes(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(SwitchboardError, match="is a Switchboard database"):
        write_escalation_pack(engine, ticket.ticket_id, database, ESCALATED)
    assert database.read_bytes().startswith(b"SQLite format 3")
    out = tmp_path / "pack.pdf"
    write_escalation_pack(engine, ticket.ticket_id, out, ESCALATED)
    assert len(PdfReader(BytesIO(out.read_bytes())).pages) == 1


# -- the e-mail ---------------------------------------------------------------------------------
def test_the_mail_is_encoded_for_any_mail_program(engine: Engine, org: Org) -> None:
    ticket = escalated_ticket(
        engine,
        org,
        summary="Müller & Co printer: 50% slower",
        description="Line one\nLine two: naïve café",
        email="support+uk@acme.example",
        case="CS 12&13",
    )
    url = mailto_url(engine, ticket.ticket_id)
    assert url.isascii() and " " not in url and "\n" not in url
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and unquote(parts.path) == "support+uk@acme.example"
    assert parts.path == "support%2Buk@acme.example"
    assert "subject=" + "HQ-000001%20%2F%20your%20case%20CS%2012%2613%3A%20M%C3%BCller" in url
    fields = parse_qs(parts.query, keep_blank_values=True)
    assert set(fields) == {"subject", "body"}  # the & of the case and summary did not split
    assert fields["subject"] == [
        f"{ticket.number} / your case CS 12&13: Müller & Co printer: 50% slower"
    ]
    [body] = fields["body"]
    assert body.startswith("Hello Jane Roe,\r\n\r\nWe are escalating our ticket HQ-000001")
    assert "Asset: LT-0001, Lenovo ThinkPad T14, serial PF-3XK9Q2, warranty ends 31 May 2027" in (
        body
    )
    assert "Contract: SC-2026-0042" in body
    assert body.endswith("What happened:\r\nLine one\r\nLine two: naïve café")
    assert "%0D%0A" in url and "%0A%0A" not in url


def test_a_long_description_is_cut_to_keep_the_mail_short(engine: Engine, org: Org) -> None:
    ticket = escalated_ticket(engine, org, description="Ünïcödé détails " * 400)
    url = mailto_url(engine, ticket.ticket_id)
    assert len(url) <= MAILTO_MAX
    assert len(url) > MAILTO_MAX - 20  # as much of it as fits
    [body] = parse_qs(urlsplit(url).query)["body"]
    assert "Please quote HQ-000001 when you reply." in body
    assert body.endswith("…") and "Ünïcödé détails" in body


def test_a_vendor_without_an_address_gets_a_mail_to_fill_in(engine: Engine, org: Org) -> None:
    ticket = escalated_ticket(engine, org, email="")
    url = mailto_url(engine, ticket.ticket_id)
    assert url.startswith("mailto:?subject=HQ-000001")


def test_times_in_the_pack_are_on_the_sites_clock(engine: Engine, org: Org) -> None:
    ticket = escalated_ticket(engine, org)
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # 10:00 in London (BST)
    with write_session(engine) as session:
        session.execute(
            update(Ticket).where(col(Ticket.id) == ticket.ticket_id).values(created_at=summer)
        )
    [text] = pages_of(escalation_pack(engine, ticket.ticket_id, ESCALATED))
    assert "Opened 1 Jul 2026 10:00 (Europe/London)" in text
