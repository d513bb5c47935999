"""The Shift types page (Settings › Shift types): the kinds of shift the roster draws.

Each type is listed with its look (colour and fill pattern), what it means for cover and
conflicts, its usual hours and how many shifts use it. Retired types keep their shifts and
are offered for no new ones; they are listed only with "Show retired". Managers and admins
add, change, retire and restore types (:mod:`app.roster.shift_types`); for everyone else the
buttons are disabled with the reason, said on the page too.

The keyboard route: the list has the keyboard; Enter edits the selected type, and each button
has a mnemonic.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.permissions import Action, context_may, refusal
from app.roster.shift_types import ShiftTypeRow, hours_text, list_shift_types, set_retired
from ui.kit.outcome import OutcomeLines
from ui.kit.swatch import swatch_icon
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import MUTED, key_action, named, page_button, read_only_table, signals_blocked
from ui.settings.shift_type_dialog import ShiftTypeDialog
from ui.shell.pages import Page

HEADERS = ("Shift type", "Meaning", "Usual hours", "Shifts")


def cells(row: ShiftTypeRow) -> tuple[str, ...]:
    draft = row.draft
    name = draft.name + (" (retired)" if row.retired else "")
    return (name, draft.kind.label, hours_text(draft.starts, draft.ends), f"{row.shifts:,}")


class ShiftTypesPage(Page):
    """The list of shift types and its editors' buttons (object name ``shiftTypesView``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "shiftTypesView", "Shift types")
        self._context = context
        self._editor = context_may(context, Action.EDIT_ROSTER)
        self._rows: list[ShiftTypeRow] = []
        self._select_after: uuid.UUID | None = None
        self._reads = StaleGuard()

        self.note = named(QLabel(self), "shiftTypesNote", "About this page")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        self.note.setText(
            "What a shift means decides the desk's cover and the roster's conflicts; the "
            "pattern keeps the printed roster readable in black and white."
            + ("" if self._editor else f" {refusal(Action.EDIT_ROSTER)}")
        )
        self.retired_check = named(
            QCheckBox("Show retire&d", self), "showRetiredTypes", "Show retired shift types"
        )
        self.retired_check.toggled.connect(lambda _on: self.refresh())
        self.table = read_only_table("shiftTypesTable", "Shift types", HEADERS)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_: self._enable())
        self.table.cellDoubleClicked.connect(lambda *_: self.edit())
        key_action(self.table, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.edit)

        self.add_button = self._button("&Add…", "addShiftType", "Add a shift type", self.add)
        self.edit_button = self._button(
            "&Edit…", "editShiftType", "Change the selected shift type", self.edit
        )
        self.retire_button = self._button(
            "&Retire", "retireShiftType", "Retire or restore the selected type", self.retire
        )
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.retire_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.retired_check)
        self.outcome = OutcomeLines("shiftTypes")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.outcome.add_to(layout)
        self.setFocusProxy(self.table)
        self._enable()
        self.refresh()

    def _button(
        self, text: str, name: str, accessible: str, slot: Callable[[], None]
    ) -> QPushButton:
        refused = "" if self._editor else refusal(Action.EDIT_ROSTER)
        return page_button(self, text, name, accessible, slot, refused)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        self.refresh()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """Read the types again (F5), keeping the selected one."""
        engine, everything = self._context.engine, self.retired_check.isChecked()
        run_task(
            lambda: list_shift_types(engine, include_retired=everything),
            self._read,
            self.outcome.failed,
            parent=self,
            guard=self._reads,
        )

    # -- public -------------------------------------------------------------------------------
    def current(self) -> ShiftTypeRow | None:
        row = self.table.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def add(self) -> None:
        if self._editor:
            self.outcome.open(ShiftTypeDialog(self._context, None, self), self._changed)

    def edit(self) -> None:
        """Edit… (and Enter on a type)."""
        row = self.current()
        if self._editor and row is not None:
            self.outcome.open(ShiftTypeDialog(self._context, row, self), self._changed)

    def retire(self) -> None:
        """Retire the selected type (its shifts stay), or restore a retired one."""
        row = self.current()
        if not self._editor or row is None:
            return
        engine, me, retired = self._context.engine, self._context.me, not row.retired
        name = row.draft.name
        message = (
            f"{name} is retired: its shifts stay, no new ones are offered."
            if retired
            else f"{name} is offered for new shifts again."
        )
        run_task(
            lambda: set_retired(engine, me, row.id, retired),
            lambda _none: self._changed(row.id, message),
            self.outcome.failed,
            parent=self,
        )

    # -- reading and writing ------------------------------------------------------------------
    def _read(self, rows: list[ShiftTypeRow]) -> None:
        chosen = self.current()
        keep = self._select_after or (chosen.id if chosen else None)
        self._select_after = None
        self._rows = rows
        with signals_blocked(self.table):
            self.table.setRowCount(len(rows))
            for number, row in enumerate(rows):
                for column, text in enumerate(cells(row)):
                    item = QTableWidgetItem(text)
                    if row.retired:
                        item.setForeground(Qt.GlobalColor.gray)
                    self.table.setItem(number, column, item)
                look = self.table.item(number, 0)
                assert look is not None
                look.setIcon(swatch_icon(row.draft.colour, row.draft.pattern))
            at = next((n for n, row in enumerate(rows) if row.id == keep), 0 if rows else -1)
            if at >= 0:
                self.table.setCurrentCell(at, 0)
        self._enable()
        self.content_shown()

    def _enable(self) -> None:
        row = self.current()
        self.edit_button.setEnabled(self._editor and row is not None)
        self.retire_button.setEnabled(self._editor and row is not None)
        self.retire_button.setText("Rest&ore" if row is not None and row.retired else "&Retire")

    def _changed(self, type_id: uuid.UUID | None, message: str) -> None:
        self.outcome.tell(message, ok=True)
        self._select_after = type_id
        self.refresh()
