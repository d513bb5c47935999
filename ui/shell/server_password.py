"""Asking for the password of a shared server's login, where neither the URL, the libpq
password file nor the system keyring gave one (app/server_password.py).

Shown by the start-up when the server refused the log-in for want of a (right) password:
the server's refusal in words, one password field, and a box to keep it in the keyring
(greyed out, saying why, on a desktop without one). Cancelled, the start-up reports the
refusal and the window closes, as for any database that cannot be opened.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.server_password import keyring_available
from ui.kit.widgets import named


class ServerPasswordDialog(QDialog):
    """The password of the server login (object name ``serverPassword``)."""

    def __init__(self, problem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverPassword")
        self.setWindowTitle("Database password")
        self.setMinimumWidth(440)
        explanation = QLabel(f"{problem}\n\nPassword for your database login:")
        explanation.setObjectName("serverPasswordProblem")
        explanation.setWordWrap(True)
        self.password_edit = named(QLineEdit(), "serverPasswordEdit", "Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_check = named(
            QCheckBox("&Remember it in this desktop's keyring"), "rememberPassword", "Remember"
        )
        if not keyring_available():
            self.remember_check.setEnabled(False)
            self.remember_check.setToolTip(
                "This desktop has no keyring to keep it in: it is asked for at each start."
            )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.password_edit.textChanged.connect(lambda text: ok.setEnabled(bool(text)))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (explanation, self.password_edit, self.remember_check, buttons):
            layout.addWidget(widget)
        self.password_edit.setFocus()

    def password(self) -> str:
        return self.password_edit.text()

    def remember(self) -> bool:
        return self.remember_check.isEnabled() and self.remember_check.isChecked()
