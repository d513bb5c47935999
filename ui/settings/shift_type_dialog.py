"""The Shift types page's dialog: add a type or change one (name, meaning, usual hours, colour
and pattern), written by :func:`app.roster.shift_types.save_shift_type` off the GUI thread."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QComboBox, QHBoxLayout, QLineEdit, QWidget

from app.context import AppContext
from app.roster.shift_types import PATTERNS, ShiftTypeDraft, ShiftTypeRow, save_shift_type
from models.enums import ShiftKind
from ui.kit.swatch import swatch_icon
from ui.kit.widgets import named, page_button
from ui.kit.write_dialog import WriteDialog

NEW = ShiftTypeDraft("", ShiftKind.DESK, "#64b5f6", "solid", "09:00", "17:00")
MEANINGS = {
    ShiftKind.DESK: "At the desk: answers the phone, counts for cover",
    ShiftKind.ON_CALL: "On call: reachable out of hours",
    ShiftKind.LEAVE: "Leave: away, no work may overlap",
    ShiftKind.SICK: "Sick: away, no work may overlap",
    ShiftKind.TRAINING: "Training: away from the desk, working",
}


class ShiftTypeDialog(WriteDialog):
    """Add a shift type (``row`` None) or change ``row`` (object name ``shiftTypeDialog``);
    :attr:`outcome` is the type's id."""

    def __init__(
        self, context: AppContext, row: ShiftTypeRow | None, parent: QWidget | None = None
    ) -> None:
        draft = row.draft if row else NEW
        title = f"Shift type {draft.name}" if row else "Add shift type"
        super().__init__(context, "shiftTypeDialog", title, "&Save" if row else "&Add", parent)
        self.row = row
        self.name_edit = named(QLineEdit(draft.name), "shiftTypeName")
        self.name_edit.setPlaceholderText("Desk early, Night on call…")
        self.kind_combo = named(QComboBox(), "shiftTypeKind")
        for kind, words in MEANINGS.items():
            self.kind_combo.addItem(words, int(kind))
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(int(draft.kind)))
        self.starts_edit = named(QLineEdit(draft.starts), "shiftTypeStarts")
        self.ends_edit = named(QLineEdit(draft.ends), "shiftTypeEnds")
        self.colour_edit = named(QLineEdit(draft.colour), "shiftTypeColour")
        self.colour_edit.setPlaceholderText("#rrggbb")
        colour_row = QWidget()
        choose = page_button(
            colour_row, "C&hoose…", "chooseColour", "Choose the colour", self.choose_colour
        )
        colour_layout = QHBoxLayout(colour_row)
        colour_layout.setContentsMargins(0, 0, 0, 0)
        colour_layout.addWidget(self.colour_edit, 1)
        colour_layout.addWidget(choose)
        self.pattern_combo = named(QComboBox(), "shiftTypePattern")
        for pattern in PATTERNS:
            self.pattern_combo.addItem(pattern, pattern)
        self.pattern_combo.setCurrentIndex(self.pattern_combo.findData(draft.pattern))
        self.colour_edit.textChanged.connect(self._show_patterns)
        self._show_patterns()
        self.add_field("name", "&Name:", self.name_edit)
        self.add_field(
            "kind",
            "&Meaning:",
            self.kind_combo,
            "Decides cover and conflicts; a type with shifts keeps its meaning.",
        )
        self.add_field("starts", "&Starts:", self.starts_edit, "Usual start, HH:MM local time.")
        self.add_field(
            "ends",
            "&Ends:",
            self.ends_edit,
            "At or before the start: the next day (17:00-08:00 is a night; 00:00-00:00 a day).",
        )
        self.add_field("colour", "&Colour:", colour_row)
        self.add_field(
            "pattern", "&Pattern:", self.pattern_combo, "So the printed roster reads in grey."
        )
        self.name_edit.setFocus()  # the first field has the keyboard when the dialog opens

    def choose_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.colour_edit.text()), self, "Shift colour")
        if chosen.isValid():
            self.colour_edit.setText(chosen.name())

    def draft(self) -> ShiftTypeDraft:
        return ShiftTypeDraft(
            self.name_edit.text(),
            ShiftKind(self.kind_combo.currentData()),
            self.colour_edit.text(),
            str(self.pattern_combo.currentData()),
            self.starts_edit.text(),
            self.ends_edit.text(),
        )

    def work(self) -> Callable[[], object]:
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        type_id = self.row.id if self.row else None
        return lambda: save_shift_type(engine, me, draft, type_id)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_shift_type's answer
        return self.outcome

    def summary(self) -> str:
        name = " ".join(self.name_edit.text().split())
        return f"Saved shift type {name}." if self.row else f"Added shift type {name}."

    def _show_patterns(self) -> None:
        """Each pattern shown in the colour typed (while it reads as one)."""
        colour = self.colour_edit.text().strip()
        if not QColor.isValidColorName(colour):
            return
        for index, pattern in enumerate(PATTERNS):
            self.pattern_combo.setItemIcon(index, swatch_icon(colour, pattern))
