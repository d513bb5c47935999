"""The manager's attention list as the dashboard shows it: what the management escalation
rules raised (app/attention), waiting items first, newest first, with the rule, the ticket or
problem and the reason. Enter opens the ticket (or the problem); Acknowledge (Alt+K) records
who saw it and when, and the item drops to the acknowledged ones, which a box shows or hides.

The panel holds what the dashboard's one read brought; acknowledging runs off the GUI thread
and asks the dashboard to read again (``changed``).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.attention.items import AttentionEntry, acknowledge
from app.context import AppContext
from app.permissions import Action, context_may, refusal
from models.clock import utcnow
from ui.kit.errors import show_failure
from ui.kit.rows_model import RowsModel
from ui.kit.tasks import run_task
from ui.kit.widgets import (
    GREEN,
    MUTED,
    RED,
    fit_columns,
    key_action,
    message_label,
    named,
    page_button,
    paged_table,
)


class AttentionColumn:
    RAISED, SUBJECT, RULE, REASON, SEEN = range(5)
    TITLES = ("Raised", "Ticket or problem", "Rule", "Reason", "Acknowledged")
    SAMPLES: ClassVar[dict[int, str]] = {
        RAISED: "Mon 30 Nov 23:59",
        SUBJECT: "PRB-000000",
        RULE: "VIP caller's ticket reopened",
        SEEN: "Hannah Schröder, Mon 30 Nov 23:59",
    }


def _when(moment: datetime) -> str:
    return f"{moment.astimezone():%a %d %b %H:%M}"


class AttentionModel(RowsModel[AttentionEntry]):
    """The items of the last read; a few dozen at most."""

    titles = AttentionColumn.TITLES

    def entry(self, row: int) -> AttentionEntry | None:
        return self.item(row)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(entry, column, role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.ForegroundRole:
            if entry.acknowledged:
                return QBrush(QColor(MUTED))
            return QBrush(QColor(RED)) if column == AttentionColumn.RULE else None
        if role == Qt.ItemDataRole.FontRole and not entry.acknowledged:
            font = QFont()
            font.setBold(column == AttentionColumn.SUBJECT)
            return font
        return None

    @staticmethod
    def _text(entry: AttentionEntry, column: int, long: bool) -> str:
        if column == AttentionColumn.RAISED:
            return _when(entry.raised_at)
        if column == AttentionColumn.SUBJECT:
            return f"{entry.reference}: {entry.title}" if long else entry.reference
        if column == AttentionColumn.RULE:
            return entry.rule_label
        if column == AttentionColumn.REASON:
            return entry.reason
        if entry.acknowledged_at is None:
            return "—"
        return f"{entry.acknowledged_by}, {_when(entry.acknowledged_at)}"


class AttentionPanel(QWidget):
    """The list, its Acknowledge button and the box that shows acknowledged items too."""

    changed = Signal()  # an item was acknowledged: the dashboard reads again
    scope_changed = Signal()  # acknowledged items shown or hidden: the dashboard reads again
    open_ticket = Signal(object)  # the ticket's id
    open_problem = Signal(object)  # the problem's id

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "attentionPanel", "Manager's attention")
        self._context = context
        self._refused = (
            ""
            if context_may(context, Action.ACKNOWLEDGE_ATTENTION)
            else refusal(Action.ACKNOWLEDGE_ATTENTION)
        )
        self.model = AttentionModel(self)
        self.table = paged_table(self, self.model, "attentionTable", "Manager's attention list")
        fit_columns(
            self.table,
            AttentionColumn.SAMPLES,
            lambda column: AttentionColumn.TITLES[column],
            AttentionColumn.REASON,
        )
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        key_action(
            self.table,
            (Qt.Key.Key_Return, Qt.Key.Key_Enter),
            lambda: self.open_row(self.table.currentIndex().row()),
            "Open the ticket or problem",
        )
        self.acknowledge_button = page_button(
            self,
            "Ac&knowledge",
            "attentionAcknowledge",
            "Acknowledge the item",
            self.acknowledge_current,
            self._refused,
        )
        if not self._refused:
            self.acknowledge_button.setToolTip("Record that you saw it (Alt+K)")
        self.acknowledged_box = named(
            QCheckBox("Show ackno&wledged", self), "attentionShowAcknowledged", "Show acknowledged"
        )
        self.acknowledged_box.toggled.connect(self._scope_toggled)
        # Who acknowledged and when is only news among the acknowledged ones: hidden with
        # them, so the reason has the room.
        self.table.setColumnHidden(AttentionColumn.SEEN, True)
        self.summary = named(QLabel(self), "attentionSummary", "Items waiting")
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.problem = message_label("attentionProblem", "Problem", RED)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.acknowledged_box)
        buttons.addWidget(self.acknowledge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self._enable()

    def _scope_toggled(self, on: bool) -> None:
        self.table.setColumnHidden(AttentionColumn.SEEN, not on)
        self.scope_changed.emit()

    @property
    def acknowledged_too(self) -> bool:
        return self.acknowledged_box.isChecked()

    def show_entries(self, entries: tuple[AttentionEntry, ...], waiting: int) -> None:
        """What the dashboard read; the row of the keyboard stays on the same item."""
        current = self.model.entry(self.table.currentIndex().row())
        self.model.set_rows(entries)
        rows = [number for number, e in enumerate(entries) if current and e.id == current.id]
        if entries:
            self.table.setCurrentIndex(self.model.index(rows[0] if rows else 0, 0))
        self.summary.setText(
            f"{waiting:,} waiting for a manager" if waiting else "Nothing waits for a manager."
        )
        self.summary.setStyleSheet(f"color: {RED if waiting else GREEN};")
        self._fit_height(len(entries))
        self._enable()

    def _fit_height(self, rows: int) -> None:
        """As tall as its rows, up to eight: the list is a glance, the count says the rest."""
        row = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        shown = min(max(rows, 1), 8)
        self.table.setFixedHeight(header + row * shown + 2 * self.table.frameWidth())

    def _enable(self) -> None:
        entry = self.model.entry(self.table.currentIndex().row())
        self.acknowledge_button.setEnabled(
            not self._refused and entry is not None and not entry.acknowledged
        )

    def focus_list(self) -> None:
        """The keyboard to the list, on its first waiting item."""
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def open_row(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is None:
            return
        if entry.ticket_id is not None:
            self.open_ticket.emit(entry.ticket_id)
        elif entry.problem_id is not None:
            self.open_problem.emit(entry.problem_id)

    def acknowledge_current(self) -> None:
        entry = self.model.entry(self.table.currentIndex().row())
        if entry is None or entry.acknowledged or self._refused:
            return
        engine, me, item = self._context.engine, self._context.me, entry.id
        self.acknowledge_button.setEnabled(False)
        run_task(
            lambda: acknowledge(engine, item, me, utcnow()),
            self._acknowledged,
            lambda error: show_failure(error, self._failed),
            parent=self,
        )

    def _acknowledged(self, entry: AttentionEntry) -> None:
        self.problem.hide()
        self.changed.emit()
        self.table.setFocus()

    def _failed(self, text: str) -> None:
        self.problem.setText(f"Not acknowledged: {text}")
        self.problem.show()
        self.changed.emit()  # someone else may have acknowledged it: show the list as it is
