"""The sign-in dialog: who is at the keyboard, where the operators share one OS account.

Shown before the window attaches a database that asks for a Switchboard sign-in, and by
File › Switch user… whenever someone else takes over the workstation. The password is
checked off the GUI thread (an argon2id hash takes a noticeable moment); a refusal says
what to do next under the fields (check name and password, or until when the sign-in is
locked) without telling whether the name exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.sign_in import sign_in_as
from models.clock import utcnow
from ui.kit.errors import show_failure
from ui.kit.tasks import run_task
from ui.kit.widgets import RED, message_label, named, show_message

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.context import AppContext


class SignInDialog(QDialog):
    """Name and password; once accepted, :attr:`context` is the session of the person who
    signed in (object name ``signInDialog``)."""

    def __init__(self, engine: Engine, parent: QWidget | None = None, *, intro: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in to Switchboard")
        self.setMinimumWidth(420)
        self._engine = engine
        self.context: AppContext | None = None

        explanation = QLabel(
            intro
            or "Several people work under this computer's login: sign in with your "
            "Switchboard user name and password."
        )
        explanation.setWordWrap(True)
        self.user = named(QLineEdit(), "signInUser", "User name")
        self.password = named(QLineEdit(), "signInPassword", "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = message_label("signInMessage", "Sign-in problem", RED)
        self.buttons = named(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            ),
            "signInButtons",
        )
        sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        named(sign_in_button, "signInButton", "Sign in").setText("&Sign in")
        named(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "signInCancel", "Cancel")
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&User name:", self.user)
        form.addRow("&Password:", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.user.setFocus()

    def _tell(self, text: str) -> None:
        """``text`` under the fields; the dialog grows to fit it (a wrapped line would
        otherwise squeeze the fields)."""
        show_message(self.message, text)
        self.adjustSize()

    def _try(self) -> None:
        username, password = self.user.text().strip(), self.password.text()
        if not username or not password:
            self._tell("Type your user name and your password.")
            (self.password if username else self.user).setFocus()
            return
        self.buttons.setEnabled(False)
        engine = self._engine
        run_task(
            lambda: sign_in_as(engine, username, password, utcnow()),
            self._signed_in,
            self._refused,
            parent=self,
        )

    def _signed_in(self, context: AppContext) -> None:
        self.context = context
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        show_failure(error, self._tell)
