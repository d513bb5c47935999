"""The Staff page's dialogs: add a staff member, change a role, set a password.

Each is a small form whose confirm button runs one write of :mod:`app.staff` off the GUI
thread. The dialog is accepted once the write landed; otherwise it stays open with the
problem under its field (or under the form), so nothing typed is lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QWidget,
)

from app.context import AppContext
from app.errors import SwitchboardError
from app.sign_in import MIN_PASSWORD_LENGTH, check_password
from app.staff import StaffRow, add_staff, change_role, reset_password
from models.enums import StaffRole
from ui.kit.widgets import named
from ui.kit.write_dialog import WriteDialog


def _role_combo(name: str, current: StaffRole) -> QComboBox:
    combo = named(QComboBox(), name)
    for role in StaffRole:
        combo.addItem(role.label, int(role))
    combo.setCurrentIndex(combo.findData(int(current)))
    return combo


class AddStaffDialog(WriteDialog):
    """Add a staff member (object name ``addStaffDialog``); :attr:`outcome` is their id."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "addStaffDialog", "Add staff member", "&Add", parent)
        self.name_edit = named(QLineEdit(), "staffName")
        self.name_edit.setPlaceholderText("First and last name")
        self.username_edit = named(QLineEdit(), "staffUsername")
        self.username_edit.setPlaceholderText("Their login, e.g. bea.brown")
        self.email_edit = named(QLineEdit(), "staffEmail")
        self.email_edit.setPlaceholderText("bea.brown@example.org (optional)")
        self.role_combo = _role_combo("staffRole", StaffRole.OPERATOR)
        self.add_field("name", "&Name:", self.name_edit)
        self.add_field("username", "&User name:", self.username_edit)
        self.add_field("email", "&E-mail:", self.email_edit)
        self.add_field(
            "role", "R&ole:", self.role_combo, "They can sign in once an admin sets a password."
        )

    def work(self) -> Callable[[], object]:
        engine, me = self.context.engine, self.context.me
        username, name, email = (
            self.username_edit.text(),
            self.name_edit.text(),
            self.email_edit.text(),
        )
        role = StaffRole(self.role_combo.currentData())
        return lambda: add_staff(
            engine, me, username=username, name=name, role=role, email=email or None
        )

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # add_staff's answer
        return self.outcome

    def summary(self) -> str:
        name = " ".join(self.name_edit.text().split())
        return f"Added {name} as {self.role_combo.currentText()}."


class RoleDialog(WriteDialog):
    """Give ``person`` another role (object name ``roleDialog``)."""

    def __init__(
        self, context: AppContext, person: StaffRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "roleDialog", f"Role of {person.name}", "&Save", parent)
        self.person = person
        self.role_combo = _role_combo("staffRoleChoice", person.role)
        self.add_field(
            "role",
            "R&ole:",
            self.role_combo,
            f"{person.name} ({person.username}) is {person.role.label.lower()} now; the new "
            "role counts from their next save.",
        )

    def work(self) -> Callable[[], object]:
        engine, me, staff_id = self.context.engine, self.context.me, self.person.id
        role = StaffRole(self.role_combo.currentData())
        return lambda: change_role(engine, me, staff_id, role)

    def subject(self) -> uuid.UUID:
        return self.person.id

    def summary(self) -> str:
        return f"{self.person.name}'s role is {self.role_combo.currentText()}."


class PasswordDialog(WriteDialog):
    """Set ``person``'s Switchboard password, typed twice (object name ``passwordDialog``)."""

    def __init__(
        self, context: AppContext, person: StaffRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context, "passwordDialog", f"Password of {person.name}", "&Set password", parent
        )
        self.person = person
        self.password_edit = named(QLineEdit(), "newPassword")
        self.repeat_edit = named(QLineEdit(), "repeatPassword")
        for edit in (self.password_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field(
            "password",
            "&New password:",
            self.password_edit,
            f"At least {MIN_PASSWORD_LENGTH} characters. It lifts a locked sign-in; tell "
            f"{person.name} in person.",
        )
        self.add_field("repeat", "&Repeat it:", self.repeat_edit)

    def check(self) -> dict[str, str]:
        password = self.password_edit.text()
        try:
            check_password(password)
        except SwitchboardError as short:
            return {"password": str(short)}
        if self.repeat_edit.text() != password:
            return {"repeat": "The two passwords differ; type the same password twice."}
        return {}

    def work(self) -> Callable[[], object]:
        engine, me, staff_id = self.context.engine, self.context.me, self.person.id
        password = self.password_edit.text()
        return lambda: reset_password(engine, me, staff_id, password)

    def subject(self) -> uuid.UUID:
        return self.person.id

    def summary(self) -> str:
        return f"{self.person.name}'s password is set; tell them in person."
