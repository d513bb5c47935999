"""Escalating to a vendor from the ticket editor, driven as a person would: the dialog offers
the vendor whose contract covers the ticket's asset first and says why, refuses a case
number of another ticket by its number, and once saved the editor shows Waiting on vendor
with the answer's due time (red once overdue); the vendor's answer, the escalation pack
saved and the mail program opened; an operator sees why the action is not theirs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, create_ticket
from app.tickets.detail import TicketDetail, get_ticket
from app.vendors.escalation import VendorEscalationDraft, escalate_to_vendor
from models.enums import TicketStatus
from tests.conftest import NOW, Org, RunningClock
from tests.test_ticket_editor import CTRL, click, find, open_ticket, shown_editor, timeline_text
from tests.test_vendors import add_contract, add_vendor
from ui.tickets.editor import TicketEditor
from ui.tickets.timeline import use_workstation_zone
from ui.tickets.vendor_dialog import VendorEscalationDialog


@pytest.fixture
def acme(engine: Engine, org: Org) -> tuple[uuid.UUID, uuid.UUID]:
    """Acme's laptop support (Mon–Fri 08:00–18:00 in London, an answer within 4 hours)
    covers Alice's laptop; Zebra has no contract."""
    vendor = add_vendor(engine, org, email="support@acme.example")
    contract = add_contract(engine, org, vendor, asset_ids=frozenset({org.laptop}))
    add_vendor(engine, org, "Zebra Networks")
    return vendor, contract


def laptop_ticket(engine: Engine, org: Org, summary: str = "Laptop will not start") -> TicketDetail:
    """Alice's laptop, in Printing (routed to the desk: Assigned)."""
    draft = TicketDraft(
        summary=summary,
        site_id=org.hq,
        caller_id=org.alice,
        asset_id=org.laptop,
        category_id=org.printing,
    )
    return create_ticket(engine, draft, org.ann)


@pytest.fixture
def bobs_editor(qtbot: QtBot, engine: Engine, org: Org) -> Iterator[TicketEditor]:
    """Bob the technician's editor, on a workstation in London (HQ's zone)."""
    with use_workstation_zone("Europe/London"), shown_editor(qtbot, engine, org, 0, "bob") as ed:
        yield ed


def open_dialog(qtbot: QtBot, editor: TicketEditor) -> VendorEscalationDialog:
    click(qtbot, editor, "vendorButton")
    qtbot.waitUntil(lambda: editor.findChild(VendorEscalationDialog) is not None)
    dialog = editor.findChild(VendorEscalationDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: find(dialog, QComboBox, "vendorCombo").count() > 0)
    return dialog


def vendors_offered(dialog: VendorEscalationDialog) -> list[str]:
    combo = find(dialog, QComboBox, "vendorCombo")
    return [combo.itemText(n) for n in range(combo.count()) if combo.itemText(n)]


def escalate(qtbot: QtBot, dialog: VendorEscalationDialog, case: str) -> None:
    """Type the case number and a contact, and press Enter."""
    case_edit = find(dialog, QLineEdit, "caseNumberEdit")
    assert case_edit.hasFocus()  # the vendor is chosen: the keyboard waits for the case
    qtbot.keyClicks(case_edit, case)
    qtbot.keyClicks(find(dialog, QLineEdit, "vendorContactEdit"), "Jane Roe")
    qtbot.keyClick(case_edit, Qt.Key.Key_Return)


def test_the_vendor_of_the_assets_contract_is_offered_first_with_why(
    qtbot: QtBot, bobs_editor: TicketEditor, engine: Engine, org: Org, acme: object
) -> None:
    open_ticket(qtbot, bobs_editor, laptop_ticket(engine, org))
    dialog = open_dialog(qtbot, bobs_editor)
    assert vendors_offered(dialog) == ["Acme Hardware (suggested)", "Zebra Networks"]
    why = find(dialog, QLabel, "vendorWhy").text()
    assert why == "Suggested: contract SC-1 (Laptop support) covers the asset LT-0001."
    assert find(dialog, QComboBox, "contractCombo").currentText() == "SC-1 · Laptop support"
    terms = find(dialog, QLabel, "contractTerms").text()
    assert terms.endswith("answer within 4 h")

    vendor = find(dialog, QComboBox, "vendorCombo")
    vendor.setFocus()
    qtbot.keyClicks(vendor, "Zebra")  # another vendor starts without a contract
    assert vendor.currentText() == "Zebra Networks"
    assert find(dialog, QComboBox, "contractCombo").currentIndex() == 0
    assert "Not suggested" in find(dialog, QLabel, "vendorWhy").text()
    assert not find(dialog, QLabel, "contractTerms").isVisible()


def test_a_case_number_of_another_ticket_is_refused_naming_it(
    qtbot: QtBot,
    bobs_editor: TicketEditor,
    engine: Engine,
    org: Org,
    acme: tuple[uuid.UUID, uuid.UUID],
) -> None:
    earlier = laptop_ticket(engine, org, "Laptop fan loud")
    draft = VendorEscalationDraft(acme[0], acme[1], "CS-1")
    escalate_to_vendor(engine, earlier.id, draft, org.bob, NOW, earlier.version)
    mine = laptop_ticket(engine, org)
    open_ticket(qtbot, bobs_editor, mine)
    dialog = open_dialog(qtbot, bobs_editor)

    escalate(qtbot, dialog, "cs-1")

    error = find(dialog, QLabel, "case_numberError")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == (
        f"Acme Hardware's case cs-1 is already recorded on ticket {earlier.number}; check the "
        f"case number they gave, or work on {earlier.number} instead."
    )
    case_edit = find(dialog, QLineEdit, "caseNumberEdit")
    assert case_edit.hasFocus() and case_edit.selectedText() == "cs-1"  # retyped at once
    assert dialog.isVisible()
    assert get_ticket(engine, mine.id).status == TicketStatus.ASSIGNED  # nothing saved


def test_escalating_shows_waiting_on_vendor_and_the_answers_due_time(
    qtbot: QtBot,
    bobs_editor: TicketEditor,
    engine: Engine,
    org: Org,
    acme: object,
    clock: RunningClock,
) -> None:
    ticket = laptop_ticket(engine, org)
    open_ticket(qtbot, bobs_editor, ticket)
    dialog = open_dialog(qtbot, bobs_editor)

    with qtbot.waitSignal(bobs_editor.saved):
        escalate(qtbot, dialog, "CS-77")

    status = find(bobs_editor, QLabel, "statusLabel")
    assert status.text() == "Waiting on vendor"
    line = find(bobs_editor, QLabel, "vendorLabel")
    qtbot.waitUntil(line.isVisible)
    # Tuesday 10:00 in London plus four hours of Acme's support day.
    assert "Waiting on Acme Hardware (case CS-77)" in line.text()
    assert "Vendor response due Tue 24 Nov 14:00" in line.text()
    assert "overdue" not in line.text()
    said = find(bobs_editor, QLabel, "editorStatus").text()
    assert said.startswith(f"Escalated {ticket.number} to Acme Hardware (case CS-77) at ")
    assert "Escalated to Acme Hardware, case CS-77" in timeline_text(bobs_editor)

    clock.set(NOW + timedelta(hours=5))  # the answer is late
    open_ticket(qtbot, bobs_editor, get_ticket(engine, ticket.id))
    qtbot.waitUntil(lambda: "overdue" in line.text())
    assert "color:#c62828" in line.text().replace(" ", "")


def test_the_vendors_answer_is_recorded_from_the_prompt(
    qtbot: QtBot,
    bobs_editor: TicketEditor,
    engine: Engine,
    org: Org,
    acme: tuple[uuid.UUID, uuid.UUID],
) -> None:
    ticket = laptop_ticket(engine, org)
    draft = VendorEscalationDraft(acme[0], acme[1], "CS-9", contact="Jane Roe")
    escalate_to_vendor(engine, ticket.id, draft, org.bob, NOW, ticket.version)
    open_ticket(qtbot, bobs_editor, get_ticket(engine, ticket.id))
    qtbot.waitUntil(lambda: find(bobs_editor, QPushButton, "vendorAnswerButton").isVisible())

    click(qtbot, bobs_editor, "vendorAnswerButton")
    prompt = find(bobs_editor, QPlainTextEdit, "promptEdit")
    assert prompt.hasFocus()
    assert (
        "What did Acme Hardware answer on case CS-9"
        in find(bobs_editor, QLabel, "promptTitle").text()
    )
    qtbot.keyClicks(prompt, "Replacing the mainboard on Thursday")
    with qtbot.waitSignal(bobs_editor.saved):
        qtbot.keyClick(prompt, Qt.Key.Key_Return, CTRL)

    line = find(bobs_editor, QLabel, "vendorLabel")
    qtbot.waitUntil(lambda: "Acme Hardware answered" in line.text())
    assert "Replacing the mainboard on Thursday" in timeline_text(bobs_editor)
    qtbot.waitUntil(lambda: not find(bobs_editor, QPushButton, "vendorAnswerButton").isVisible())


def test_the_escalation_pack_is_saved_and_the_mail_program_opened(
    qtbot: QtBot,
    bobs_editor: TicketEditor,
    engine: Engine,
    org: Org,
    acme: tuple[uuid.UUID, uuid.UUID],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ticket = laptop_ticket(engine, org)
    draft = VendorEscalationDraft(acme[0], acme[1], "CS-9")
    escalate_to_vendor(engine, ticket.id, draft, org.bob, NOW, ticket.version)
    asked: list[str] = []
    opened: list[str] = []

    def save_name(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "pack"), "PDF files (*.pdf)"  # ".pdf" is added

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        return True

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    open_ticket(qtbot, bobs_editor, get_ticket(engine, ticket.id))
    qtbot.waitUntil(lambda: find(bobs_editor, QPushButton, "escalationPackButton").isVisible())

    click(qtbot, bobs_editor, "escalationPackButton")

    qtbot.waitUntil(lambda: opened != [])
    assert Path(asked[0]).name == f"{ticket.number}-escalation.pdf"
    pack = tmp_path / "pack.pdf"
    assert pack.read_bytes().startswith(b"%PDF")
    [mailto] = opened
    assert mailto.startswith("mailto:support@acme.example?subject=")
    assert ticket.number in mailto and "CS-9" in mailto
    said = find(bobs_editor, QLabel, "editorStatus").text()
    assert said == f"Saved the escalation pack to {pack}: attach it to the e-mail"


def test_an_operator_sees_why_escalating_to_a_vendor_is_not_theirs(
    qtbot: QtBot, engine: Engine, org: Org, acme: object
) -> None:
    with use_workstation_zone("Europe/London"), shown_editor(qtbot, engine, org, 0) as editor:
        open_ticket(qtbot, editor, laptop_ticket(engine, org))
        button = find(editor, QPushButton, "vendorButton")
        assert button.isVisible() and not button.isEnabled()
        why = refusal(Action.ESCALATE_TO_VENDOR)
        assert button.toolTip() == why
        assert why in find(editor, QLabel, "refusedLabel").text()
        editor.escalate_to_vendor()  # the Ticket menu's key, were it pressed: nothing
        assert editor.findChild(VendorEscalationDialog) is None
        assert QApplication.activeModalWidget() is None
