"""Escalate to vendor…: hand the ticket shown in the editor to an outside vendor.

The person chooses the vendor, the contract the call falls under (its support hours and
response time give the answer's due time), and records the vendor's case number, whom they
deal with there and a note (:func:`app.vendors.escalation.escalate_to_vendor`). The vendors
whose current contracts cover the ticket's asset or its category come first, the best one
chosen, each saying why (:func:`app.vendors.escalation.vendor_suggestions`); then every
other active vendor. A vendor suggested comes with the contract that covers the ticket;
another starts without one.

What the service refuses (a case number already recorded on another ticket, which it names;
a contract not current) is shown under its field, and nothing is saved. Once it is saved the
dialog is accepted with the ticket as it stands now in :attr:`outcome`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.context import AppContext
from app.org.sla_policies import minutes_text
from app.tickets.detail import TicketDetail
from app.vendors.coverage import CoveringContract, CoverMatch
from app.vendors.directory import ContractRow, VendorRow, list_contracts, list_vendors
from app.vendors.escalation import (
    CASE_MAX,
    CONTACT_MAX,
    VendorEscalationDraft,
    escalate_to_vendor,
    vendor_suggestions,
)
from models.clock import utcnow
from ui.kit.errors import show_failure
from ui.kit.tasks import run_task
from ui.kit.widgets import MUTED, named, signals_blocked, text_box
from ui.kit.write_dialog import WriteDialog

NO_CONTRACT = "(no contract: no response time is promised)"
FIELD_WIDTH = 440  # a contract's number and title, a contact's name and phone


@dataclass(frozen=True)
class _Choices:
    """What the dialog offers: the vendors suggested for the ticket, best first, and every
    vendor and contract to choose from otherwise."""

    suggested: list[CoveringContract]
    vendors: list[VendorRow]
    contracts: list[ContractRow]


def _why(cover: CoveringContract) -> str:
    """ "Suggested: contract SC-7 (Laptop support) covers the asset LT-0001." """
    covered = {
        CoverMatch.ASSET: f"the asset {cover.matched}",
        CoverMatch.CATEGORY: f"the category {cover.matched}",
        CoverMatch.PARENT_CATEGORY: f"{cover.matched}, the category above this ticket's",
    }[cover.match]
    title = f" ({cover.title})" if cover.title else ""
    return f"Suggested: contract {cover.number}{title} covers {covered}."


def _terms(contract: ContractRow) -> str:
    """ "Mon–Fri 08:00-18:00 (Europe/London) · answer within 4 h" """
    answer = (
        f"answer within {minutes_text(contract.response_minutes)}"
        if contract.response_minutes is not None
        else "no response time"
    )
    return f"{contract.hours} · {answer}"


class VendorEscalationDialog(WriteDialog):
    """Escalate the ticket ``detail`` (as the editor shows it, saved) to a vendor (object
    name ``vendorEscalationDialog``); see the module docstring."""

    def __init__(
        self, context: AppContext, detail: TicketDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context,
            "vendorEscalationDialog",
            f"Escalate {detail.number} to a vendor",
            "Escalate",
            parent,
        )
        self._detail = detail
        self._choices = _Choices([], [], [])
        # The ticket's site's day: a contract is current on the caller's calendar.
        self._today = utcnow().astimezone(ZoneInfo(detail.site_timezone)).date()
        heading = _line("vendorTicket", "Ticket", "font-weight: 600;")
        heading.setText(f"{detail.number} · {detail.summary}")
        self.form.addRow(heading)
        self.vendor_combo = named(QComboBox(), "vendorCombo")
        self.why_label = _line("vendorWhy", "Why this vendor", f"color: {MUTED};")
        self.contract_combo = named(QComboBox(), "contractCombo")
        self.terms_label = _line(
            "contractTerms", "Support hours and response time", f"color: {MUTED};"
        )
        self.case_edit = named(QLineEdit(), "caseNumberEdit")
        self.case_edit.setMaxLength(CASE_MAX)
        self.case_edit.setPlaceholderText("The vendor's reference, such as CS-004512")
        self.contact_edit = named(QLineEdit(), "vendorContactEdit")
        self.contact_edit.setMaxLength(CONTACT_MAX)
        self.contact_edit.setPlaceholderText("Whom you deal with there: name, phone or e-mail")
        self.note_edit = text_box("vendorNoteEdit", "What you asked them to do", lines=3)
        self.add_field("vendor_id", "&Vendor:", self.vendor_combo)
        self.form.addRow("", self.why_label)
        self.add_field("contract_id", "&Contract:", self.contract_combo)
        self.form.addRow("", self.terms_label)
        self.add_field("case_number", "Case &number:", self.case_edit)
        self.add_field("contact", "C&ontact:", self.contact_edit)
        self.add_field("note", "Not&e:", self.note_edit)
        for field in (self.vendor_combo, self.contract_combo, self.case_edit, self.contact_edit):
            field.setMinimumWidth(FIELD_WIDTH)
        self.vendor_combo.currentIndexChanged.connect(lambda _index: self._vendor_chosen())
        self.contract_combo.currentIndexChanged.connect(lambda _index: self._show_terms())
        self.confirm.setEnabled(False)  # until there are vendors to choose from
        self.why_label.setText("Looking for the vendors that cover this ticket…")
        engine, ticket_id, today = context.engine, detail.id, self._today

        def load() -> _Choices:
            return _Choices(
                vendor_suggestions(engine, ticket_id, today),
                [vendor for vendor in list_vendors(engine) if vendor.active],
                list_contracts(engine),
            )

        run_task(
            load,
            self._loaded,
            lambda error: show_failure(error, lambda text: self.show_problems({"": text})),
            parent=self,
        )

    # ------------------------------------------------------------------ choices

    def _loaded(self, choices: _Choices) -> None:
        """Suggested vendors first (the best chosen), then every other active one."""
        self._choices = choices
        suggested = list(dict.fromkeys(cover.vendor_id for cover in choices.suggested))
        names = {cover.vendor_id: cover.vendor_name for cover in choices.suggested}
        with signals_blocked(self.vendor_combo):
            self.vendor_combo.clear()
            for vendor_id in suggested:
                self.vendor_combo.addItem(f"{names[vendor_id]} (suggested)", str(vendor_id))
            others = [vendor for vendor in choices.vendors if vendor.id not in names]
            if suggested and others:
                self.vendor_combo.insertSeparator(self.vendor_combo.count())
            for vendor in others:
                self.vendor_combo.addItem(vendor.name, str(vendor.id))
        if self.vendor_combo.count() == 0:
            self.why_label.setText("No vendor is on record: a manager adds vendors first.")
            return
        self.vendor_combo.setCurrentIndex(0)
        self._vendor_chosen()
        self.confirm.setEnabled(True)
        self.case_edit.setFocus()  # the vendor is chosen: their case number comes next

    def _vendor_id(self) -> uuid.UUID | None:
        data = self.vendor_combo.currentData()
        return uuid.UUID(data) if data else None

    def _contract_id(self) -> uuid.UUID | None:
        data = self.contract_combo.currentData()
        return uuid.UUID(data) if data else None

    def _vendor_chosen(self) -> None:
        """The vendor's current contracts, the one covering the ticket chosen; why the
        vendor is suggested, or that none is."""
        vendor_id = self._vendor_id()
        cover = next((c for c in self._choices.suggested if c.vendor_id == vendor_id), None)
        current = [
            contract
            for contract in self._choices.contracts
            if contract.vendor_id == vendor_id and _current(contract, self._today)
        ]
        with signals_blocked(self.contract_combo):
            self.contract_combo.clear()
            self.contract_combo.addItem(NO_CONTRACT, "")
            for contract in current:
                title = f" · {contract.title}" if contract.title else ""
                self.contract_combo.addItem(f"{contract.number}{title}", str(contract.id))
            chosen = self.contract_combo.findData(str(cover.contract_id)) if cover else 0
            self.contract_combo.setCurrentIndex(max(chosen, 0))
        if cover is not None:
            self.why_label.setText(_why(cover))
        elif not self._choices.suggested:
            self.why_label.setText("No current contract covers this ticket's asset or category.")
        else:
            self.why_label.setText("Not suggested: none of its current contracts covers this.")
        self._show_terms()

    def _show_terms(self) -> None:
        contract_id = self._contract_id()
        contract = next((c for c in self._choices.contracts if c.id == contract_id), None)
        self.terms_label.setText(_terms(contract) if contract is not None else "")
        self.terms_label.setVisible(contract is not None)

    # ------------------------------------------------------------------ writing

    def check(self) -> dict[str, str]:
        if self._vendor_id() is None:
            return {"vendor_id": "Choose the vendor the ticket goes to."}
        return {}

    def work(self) -> Callable[[], object]:
        vendor_id = self._vendor_id()
        assert vendor_id is not None  # check() said so otherwise
        draft = VendorEscalationDraft(
            vendor_id=vendor_id,
            contract_id=self._contract_id(),
            case_number=self.case_edit.text(),
            contact=self.contact_edit.text(),
            note=self.note_edit.toPlainText(),
        )
        engine, me, detail = self.context.engine, self.context.me, self._detail
        return lambda: escalate_to_vendor(engine, detail.id, draft, me, utcnow(), detail.version)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem under its field, and the keyboard to the first of them."""
        super().show_problems(problems)
        fields = {
            "vendor_id": self.vendor_combo,
            "contract_id": self.contract_combo,
            "case_number": self.case_edit,
            "contact": self.contact_edit,
            "note": self.note_edit,
        }
        first = next((field for key, field in fields.items() if key in problems), None)
        if first is not None:
            first.setFocus()
            if first is self.case_edit:
                self.case_edit.selectAll()  # retyped at once

    def subject(self) -> uuid.UUID:
        return self._detail.id

    def summary(self) -> str:
        vendor = self.vendor_combo.currentText().removesuffix(" (suggested)")
        return f"Escalated {self._detail.number} to {vendor} (case {self.case_edit.text()})"


def _current(contract: ContractRow, today: date) -> bool:
    return contract.starts_on <= today <= contract.ends_on


def _line(name: str, accessible: str, style: str) -> QLabel:
    """A line of text of the dialog's own (names stay text), wrapped to the form's width."""
    label = named(QLabel(), name, accessible)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label
