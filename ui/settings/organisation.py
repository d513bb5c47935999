"""The organisation's name and logo: Settings › Organisation… and the set-up assistant's first
step (:mod:`app.org.organisation`, admins only).

The logo is read and checked (PNG, JPEG or SVG, at most 1 MB) off the GUI thread as soon as it
is chosen, so a wrong file is said at once, at the logo, and the preview shows what the report
will print. Nothing is written until the form is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import ValidationError
from app.org.organisation import (
    MAX_NAME,
    OrganisationInfo,
    logo_type,
    organisation,
    read_logo,
    save_organisation,
)
from ui.kit.errors import show_failure
from ui.kit.tasks import run_task
from ui.kit.widgets import MUTED, error_label, named, page_button, show_message, show_problems
from ui.kit.write_dialog import WriteDialog

LOGO_BOX = (240, 90)  # the preview's size: the report's title page prints it about this big


def checked_logo(path: Path) -> bytes:
    """A logo file's bytes once they are known to be a logo; ValidationError otherwise."""
    data = read_logo(path)
    logo_type(data)
    return data


class OrganisationFields(QWidget):
    """The organisation's name and logo with its preview; ``logoChanged`` once a chosen file
    is read (or the logo removed)."""

    logoChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.logo: bytes | None = None  # the logo shown: stored or newly chosen
        self.logo_is_new = False
        self.saved_logo = False  # whether the database holds one now
        self.name_edit = named(QLineEdit(self), "organisationName", "Organisation name")
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.setPlaceholderText("Northwind Health Trust")
        self.preview = named(QLabel(self), "logoPreview", "Logo")
        self.preview.setFixedSize(*LOGO_BOX)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.choose_button = page_button(
            self, "Choose &logo…", "chooseLogo", "Choose the logo file", self.choose_logo
        )
        self.remove_button = page_button(
            self, "Re&move logo", "removeLogo", "Remove the logo", self.remove_logo
        )
        self.errors = {
            "name": error_label("organisationNameError"),
            "logo": error_label("logoError"),
        }
        hint = QLabel("A PNG, JPEG or SVG image of at most 1 MB; it heads the monthly report.")
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.preview)
        logo_row.addLayout(buttons)
        logo_row.addStretch(1)
        logo_column = QVBoxLayout()
        logo_column.addLayout(logo_row)
        logo_column.addWidget(hint)
        logo_column.addWidget(self.errors["logo"])
        name_column = QVBoxLayout()
        name_column.addWidget(self.name_edit)
        name_column.addWidget(self.errors["name"])
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        name_label = QLabel("Na&me:", self)
        name_label.setBuddy(self.name_edit)
        form.addRow(name_label, name_column)
        logo_label = QLabel("Logo:", self)
        logo_label.setBuddy(self.choose_button)
        form.addRow(logo_label, logo_column)
        self._show_logo()

    def set_info(self, info: OrganisationInfo) -> None:
        self.name_edit.setText(info.name)
        self.logo, self.logo_is_new, self.saved_logo = info.logo, False, info.logo is not None
        self._show_logo()

    def choose_logo(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Choose the logo", "", "Images (*.png *.jpg *.jpeg *.svg);;All files (*)"
        )
        if name:
            self.load_logo(Path(name))

    def load_logo(self, path: Path) -> None:
        """Read and check ``path`` in the background; shown once it proves to be a logo."""
        show_problems(self.errors, {})
        run_task(lambda: checked_logo(path), self._logo_read, self._logo_failed, parent=self)

    def remove_logo(self) -> None:
        self.logo, self.logo_is_new = None, False
        self._show_logo()
        self.logoChanged.emit()

    def save_arguments(self) -> tuple[str, bytes | None, bool]:
        """(name, new logo or None, whether to remove the stored one) for the save."""
        new = self.logo if self.logo_is_new else None
        return self.name_edit.text(), new, self.saved_logo and self.logo is None

    def show_problems(self, problems: dict[str, str]) -> dict[str, str]:
        return show_problems(self.errors, problems)

    def _logo_read(self, data: bytes) -> None:
        self.logo, self.logo_is_new = data, True
        self._show_logo()
        self.logoChanged.emit()

    def _logo_failed(self, error: Exception) -> None:
        if isinstance(error, ValidationError):
            self.show_problems(error.problems)
        else:
            show_failure(error, lambda text: show_message(self.errors["logo"], text))

    def _show_logo(self) -> None:
        self.remove_button.setEnabled(self.logo is not None)
        pixmap = QPixmap()
        if self.logo is None or not pixmap.loadFromData(self.logo):
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No logo" if self.logo is None else "(cannot be shown here)")
            self.preview.setStyleSheet(f"color: {MUTED};")
            return
        width, height = LOGO_BOX
        ratio = self.devicePixelRatioF()
        scaled = pixmap.scaled(
            int((width - 8) * ratio),
            int((height - 8) * ratio),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        self.preview.setPixmap(scaled)


def save_work(context: AppContext, fields: OrganisationFields) -> Callable[[], OrganisationInfo]:
    """The save of ``fields``, to run in the background."""
    name, logo, remove = fields.save_arguments()
    engine, me = context.engine, context.me
    return lambda: save_organisation(engine, me, name=name, logo=logo, remove_logo=remove)


class OrganisationDialog(WriteDialog):
    """Settings › Organisation… (object name ``organisationDialog``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "organisationDialog", "Organisation", "&Save", parent)
        self.fields = OrganisationFields(self)
        self.fields.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        self.form.addRow(self.fields)
        self.adopt_errors(self.fields.errors)
        self.confirm.setEnabled(False)  # until the organisation is read
        engine = context.engine
        run_task(lambda: organisation(engine), self._read, self._failed, parent=self)

    def _read(self, info: OrganisationInfo) -> None:
        self.fields.set_info(info)
        self.confirm.setEnabled(True)
        self.fields.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def work(self) -> Callable[[], object]:
        return save_work(self.context, self.fields)
