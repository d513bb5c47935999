"""The roster's shift dialog: add a shift to a person's day or change one of its shifts (type,
hours, site, note), written by :func:`app.roster.shifts.save_shift` off the GUI thread.

The person and the day are the cell's. The types offered are the current ones (and a retired
one a shift being changed still has), each with its look; choosing a type puts its usual
hours in. A new shift is at the person's home site. For a day with several shifts the first
is changed, another can be chosen, and "Add another" turns the dialog into a new shift.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QWidget

from app.context import AppContext
from app.pick_lists import Choice
from app.roster.local_time import clock_text, parse_clock
from app.roster.shift_types import hours_text
from app.roster.shifts import MAX_NOTE, ShiftDraft, save_shift, shift_label
from app.roster.week import RosterShift, ShiftTypeInfo
from ui.kit.swatch import swatch_icon
from ui.kit.widgets import named, signals_blocked
from ui.kit.write_dialog import WriteDialog
from ui.roster.model import Cell, shift_line


class ShiftDialog(WriteDialog):
    """A shift of ``cell`` (object name ``shiftDialog``): a new one when ``add`` or the day
    has none, else its first; :attr:`outcome` is the shift's id. ``typed`` (what a person
    typed on the grid to add a shift) chooses the first type whose name starts with it."""

    def __init__(
        self,
        context: AppContext,
        cell: Cell,
        types: Sequence[ShiftTypeInfo],
        sites: Sequence[Choice],
        *,
        add: bool = False,
        typed: str = "",
        parent: QWidget | None = None,
    ) -> None:
        self._editing: RosterShift | None = None if add or not cell.shifts else cell.shifts[0]
        super().__init__(context, "shiftDialog", "", "", parent)
        self.cell = cell
        used = {s.shift_type_id for s in cell.shifts}
        self._types = [t for t in types if not t.retired or t.id in used]
        self._sites = list(sites)
        self._loading = False

        heading = named(QLabel(cell.where), "shiftFor", "For")
        heading.setStyleSheet("font-weight: 600;")
        self.form.addRow("For:", heading)
        self.shift_combo: QComboBox | None = None
        if self._editing is not None and len(cell.shifts) > 1:
            self.shift_combo = named(QComboBox(), "shiftChoice")
            for shift in cell.shifts:
                self.shift_combo.addItem(
                    swatch_icon(shift.colour, shift.pattern), shift_line(shift, cell.home_site)
                )
            self.shift_combo.currentIndexChanged.connect(self._shift_chosen)
            self.add_field("shift", "Shi&ft:", self.shift_combo, "The day has several; choose one.")
        self.type_combo = named(QComboBox(), "shiftType")
        for shift_type in self._types:
            name = shift_type.name + (" (retired)" if shift_type.retired else "")
            icon = swatch_icon(shift_type.colour, shift_type.pattern)
            self.type_combo.addItem(icon, name, str(shift_type.id))
        self.type_combo.currentIndexChanged.connect(self._type_chosen)
        self.starts_edit = named(QLineEdit(), "shiftStarts")
        self.ends_edit = named(QLineEdit(), "shiftEnds")
        for edit in (self.starts_edit, self.ends_edit):
            edit.setPlaceholderText("HH:MM")
        self.site_combo = named(QComboBox(), "shiftSite")
        for site in self._sites:
            self.site_combo.addItem(f"{site.label} — {site.detail}", str(site.id))
        self.note_edit = named(QLineEdit(), "shiftNote")
        self.note_edit.setMaxLength(MAX_NOTE)
        self.note_edit.setPlaceholderText("Optional: covers Ann, swapped with Bob…")
        self.add_field("shift_type", "&Type:", self.type_combo)
        self.add_field("starts", "Sta&rts:", self.starts_edit, "Local time at the site, HH:MM.")
        self.add_field("ends", "&Ends:", self.ends_edit, "At or before the start: the next day.")
        self.add_field("site", "S&ite:", self.site_combo)
        self.add_field("note", "&Note:", self.note_edit)
        self.another: QPushButton | None = None
        if self._editing is not None:
            self.another = named(
                self.buttons.addButton("Add an&other", QDialogButtonBox.ButtonRole.ActionRole),
                "addAnotherShift",
                "Add another shift on this day",
            )
            self.another.setAutoDefault(False)
            self.another.clicked.connect(self.add_another)
        if self._editing is not None:
            self._show(self._editing)
        else:
            self._fresh(typed)
        self._name_it()
        self.type_combo.setFocus()

    # -- modes --------------------------------------------------------------------------------
    def add_another(self) -> None:
        """Add another: the form becomes a new shift on the same day."""
        self._editing = None
        if self.shift_combo is not None:
            self.shift_combo.setEnabled(False)
        if self.another is not None:
            self.another.hide()
        self._fresh("")
        self._name_it()
        self.type_combo.setFocus()

    def _name_it(self) -> None:
        adding = self._editing is None
        self.setWindowTitle(f"{'Add shift' if adding else 'Change shift'}: {self.cell.where}")
        self.confirm.setText("&Add" if adding else "&Save")

    def _fresh(self, typed: str) -> None:
        """A new shift: the type typed (else the first), its usual hours, the home site."""
        wanted = typed.strip().casefold()
        current = [n for n, t in enumerate(self._types) if not t.retired]
        index = next(
            (n for n in current if wanted and self._types[n].name.casefold().startswith(wanted)),
            current[0] if current else -1,
        )
        home = next((s.id for s in self._sites if s.label == self.cell.home_site), None)
        with signals_blocked(self.type_combo):
            self.type_combo.setCurrentIndex(index)
        self._type_chosen()
        self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(str(home))))
        self.note_edit.clear()

    def _show(self, shift: RosterShift) -> None:
        """``shift``'s own values in the fields."""
        self._loading = True
        self.type_combo.setCurrentIndex(self.type_combo.findData(str(shift.shift_type_id)))
        self.starts_edit.setText(shift.starts)
        self.ends_edit.setText(shift.ends)
        self.site_combo.setCurrentIndex(self.site_combo.findData(str(shift.site_id)))
        self.note_edit.setText(shift.note)
        self._loading = False

    def _shift_chosen(self, number: int) -> None:
        if self._editing is not None and 0 <= number < len(self.cell.shifts):
            self._editing = self.cell.shifts[number]
            self._show(self._editing)

    def _type_chosen(self) -> None:
        """Another type: its usual hours (not while a shift's own values are put in)."""
        chosen = self._type()
        if self._loading or chosen is None:
            return
        self.starts_edit.setText(chosen.starts)
        self.ends_edit.setText(chosen.ends)
        self.starts_edit.setToolTip(
            f"{chosen.name}: usually {hours_text(chosen.starts, chosen.ends)}"
        )

    def _type(self) -> ShiftTypeInfo | None:
        wanted = self.type_combo.currentData()
        return next((t for t in self._types if str(t.id) == wanted), None)

    # -- writing ------------------------------------------------------------------------------
    def draft(self) -> ShiftDraft:
        chosen, site = self._type(), self.site_combo.currentData()
        return ShiftDraft(
            staff_id=self.cell.staff_id,
            shift_type_id=chosen.id if chosen is not None else uuid.UUID(int=0),
            site_id=uuid.UUID(site) if site else uuid.UUID(int=0),
            day=self.cell.day,
            starts=self.starts_edit.text(),
            ends=self.ends_edit.text(),
            note=self.note_edit.text(),
        )

    def work(self) -> Callable[[], object]:
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        shift_id = self._editing.id if self._editing is not None else None
        return lambda: save_shift(engine, me, draft, shift_id)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_shift's answer
        return self.outcome

    def summary(self) -> str:
        draft, chosen = self.draft(), self._type()
        site = next((s.label for s in self._sites if str(s.id) == str(draft.site_id)), "")
        starts, ends = parse_clock(draft.starts), parse_clock(draft.ends)
        label = shift_label(
            chosen.name if chosen is not None else "",
            draft.day,
            clock_text(starts) if starts is not None else draft.starts,
            clock_text(ends) if ends is not None else draft.ends,
            site,
            " ".join(draft.note.split()),
        )
        return f"{'Added' if self._editing is None else 'Saved'} {self.cell.name}: {label}."
