"""The impact x urgency priority matrix, edited by the incident manager.

A grid of combo boxes: rows are impact, columns urgency, each cell the priority it gives.
The size (3x3 or 4x4) can be switched; switching starts from that size's default matrix.
Loading and saving run off the GUI thread; a refused save is shown in the dialog.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.tickets.priority import (
    DEFAULT_MATRICES,
    IMPACT_LABELS,
    URGENCY_LABELS,
    current_matrix,
    replace_matrix,
)
from models.enums import Priority
from ui.kit.errors import show_failure
from ui.kit.tasks import run_task
from ui.kit.widgets import error_label, show_message


class PriorityMatrixDialog(QDialog):
    """Edit the matrix; accepted once the new matrix is stored."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityMatrixDialog")
        self.setWindowTitle("Priority matrix")
        self._context = context
        self.cells: list[list[QComboBox]] = []

        self.size_combo = QComboBox()
        self.size_combo.setObjectName("matrixSize")
        self.size_combo.setAccessibleName("Matrix size")
        for size in sorted(DEFAULT_MATRICES):
            self.size_combo.addItem(f"{size} x {size}", size)
        self.size_combo.activated.connect(
            lambda _index: self._show(DEFAULT_MATRICES[self.size_combo.currentData()])
        )
        size_row = QHBoxLayout()
        size_row.addWidget(QLabel("Levels of impact and urgency:"))
        size_row.addWidget(self.size_combo)
        size_row.addStretch(1)

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName("matrixButtons")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.setEnabled(False)  # until the stored matrix is shown

        layout = QVBoxLayout(self)
        layout.addLayout(size_row)
        hint = QLabel(
            "Each cell is the priority a ticket gets (impact down, urgency across).\n"
            "New tickets, and tickets whose impact or urgency changes, use the saved matrix."
        )
        hint.setObjectName("matrixHint")
        layout.addWidget(hint)
        layout.addWidget(self.grid_host)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        run_task(lambda: current_matrix(context.engine), self._show, self._failed, parent=self)

    def _show(self, matrix: list[list[Priority]]) -> None:
        """Rebuild the grid for ``matrix`` (its size decides the labels)."""
        size = len(matrix)
        self.size_combo.setCurrentIndex(self.size_combo.findData(size))
        while (item := self.grid.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        for column, label in enumerate(URGENCY_LABELS[size], start=1):
            self.grid.addWidget(QLabel(f"<b>Urgency {column}</b><br>{label}"), 0, column)
        self.cells = []
        for row, label in enumerate(IMPACT_LABELS[size], start=1):
            self.grid.addWidget(QLabel(f"<b>Impact {row}</b><br>{label}"), row, 0)
            cells = []
            for column in range(1, size + 1):
                combo = QComboBox()
                combo.setObjectName(f"cell_{row}_{column}")
                combo.setAccessibleName(f"Priority for impact {row}, urgency {column}")
                for priority in Priority:
                    combo.addItem(priority.label, int(priority))
                combo.setCurrentIndex(combo.findData(int(matrix[row - 1][column - 1])))
                self.grid.addWidget(combo, row, column)
                cells.append(combo)
            self.cells.append(cells)
        self.buttons.setEnabled(True)

    def matrix(self) -> list[list[Priority]]:
        """The matrix as the grid shows it."""
        return [[Priority(combo.currentData()) for combo in row] for row in self.cells]

    def save(self) -> None:
        matrix, me = self.matrix(), self._context.me
        self.buttons.setEnabled(False)
        run_task(
            lambda: replace_matrix(self._context.engine, matrix, me),
            lambda _none: self.accept(),
            self._failed,
            parent=self,
        )

    def _failed(self, error: Exception) -> None:
        show_failure(error, lambda text: show_message(self.error, text))
        self.buttons.setEnabled(True)
