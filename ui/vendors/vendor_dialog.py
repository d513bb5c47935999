"""The Vendors page's vendor dialog: add a vendor or change one (name, kind, support phone,
e-mail, portal, our account number with them, notes, whether the desk still uses them).

The confirm button runs :func:`app.vendors.directory.save_vendor` off the GUI thread; the
dialog is accepted once the save landed, else it stays open with each problem under its field
(a name on the list already, an e-mail that is none, a portal without https://), nothing
typed lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from app.context import AppContext
from app.vendors.directory import VENDOR_LENGTHS, VendorDetail, VendorDraft, save_vendor
from ui.kit.widgets import named, text_box
from ui.kit.write_dialog import WriteDialog

# Offered in the kind box, which takes any other word too.
KINDS = ("Hardware", "ISP", "Software", "Telephony", "Facilities")


class VendorDialog(WriteDialog):
    """Add a vendor (``vendor`` None) or change ``vendor`` (object name ``vendorDialog``);
    :attr:`outcome` is the vendor's id."""

    def __init__(
        self, context: AppContext, vendor: VendorDetail | None, parent: QWidget | None = None
    ) -> None:
        title = f"Vendor {vendor.draft.name}" if vendor else "Add vendor"
        super().__init__(context, "vendorDialog", title, "&Save" if vendor else "&Add", parent)
        self.vendor = vendor
        start = vendor.draft if vendor else VendorDraft(name="")
        self.name_edit = self._line("vendorName", start.name, "Acme Hardware Ltd")
        self.kind_combo = named(QComboBox(), "vendorKind")
        self.kind_combo.setEditable(True)
        self.kind_combo.addItems(KINDS)
        self.kind_combo.setCurrentText(start.kind)
        kind_line = self.kind_combo.lineEdit()
        assert kind_line is not None  # an editable combo has one
        kind_line.setPlaceholderText("Hardware, ISP, Software…")
        kind_line.setMaxLength(VENDOR_LENGTHS["kind"])
        self.phone_edit = self._line("vendorPhone", start.support_phone, "+44 20 7946 0000")
        self.email_edit = self._line("vendorEmail", start.email, "support@example.com")
        self.portal_edit = self._line(
            "vendorPortal", start.portal_url, "https://support.example.com"
        )
        self.account_edit = self._line("vendorAccount", start.account_number, "Our customer number")
        self.notes_edit = text_box("vendorNotes", "How to reach the right people, escalation…", 3)
        self.notes_edit.setPlainText(start.notes)
        self.active_check = named(QCheckBox("We &use this vendor"), "vendorActive")
        self.active_check.setChecked(start.active)
        self.add_field("name", "&Name:", self.name_edit)
        self.add_field("kind", "&Kind:", self.kind_combo)
        self.add_field("support_phone", "Support &phone:", self.phone_edit)
        self.add_field("email", "&E-mail:", self.email_edit)
        self.add_field("portal_url", "P&ortal:", self.portal_edit, "Their support site's address.")
        self.add_field("account_number", "Our a&ccount:", self.account_edit)
        self.add_field("notes", "No&tes:", self.notes_edit)
        self.add_field(
            "active",
            "Active:",
            self.active_check,
            "An inactive vendor keeps its contracts and history, but tickets are no longer "
            "escalated to it and its contracts cover nothing.",
        )
        self.name_edit.setFocus()

    @staticmethod
    def _line(name: str, value: str, placeholder: str) -> QLineEdit:
        edit = named(QLineEdit(value), name)
        edit.setPlaceholderText(placeholder)
        return edit

    def draft(self) -> VendorDraft:
        """What the form says now."""
        return VendorDraft(
            name=self.name_edit.text(),
            kind=self.kind_combo.currentText(),
            support_phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            portal_url=self.portal_edit.text(),
            account_number=self.account_edit.text(),
            notes=self.notes_edit.toPlainText(),
            active=self.active_check.isChecked(),
        )

    def work(self) -> Callable[[], object]:
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        vendor_id = self.vendor.id if self.vendor else None
        return lambda: save_vendor(engine, me, draft, vendor_id)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_vendor's answer
        return self.outcome

    def summary(self) -> str:
        name = self.draft().cleaned().name
        return f"Saved {name}." if self.vendor else f"Added {name}."
