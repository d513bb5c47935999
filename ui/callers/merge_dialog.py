"""Find duplicate callers and merge them, one group at a time.

The search (:func:`app.callers.merge.find_duplicates`) runs off the GUI thread and takes
seconds on a large directory, so the dialog opens at once and says it is looking. Each group
is listed with the reasons its callers were linked (same phone, same e-mail, similar names).
Selecting a group shows its callers side by side, with what an operator needs to decide which
one to keep: their details, how many tickets each has and when each last called. The caller
with the most tickets is kept unless the operator picks another; the others are ticked to be
merged into it and can be unticked.

Merging cannot be undone (the merged callers are deleted), so it asks first. It runs in one
transaction off the GUI thread; afterwards the dialog says what moved and drops the merged
callers from the remaining groups too, since a caller can be in one group linked by phone or
e-mail and in another linked by a similar name.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.callers.merge import (
    DuplicateCaller,
    DuplicateGroup,
    MergeResult,
    find_duplicates,
    merge_callers,
)
from app.context import AppContext
from ui.kit.errors import show_failure
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import run_task
from ui.kit.widgets import message_label, named, plural, read_only_table, show_message

GROUP_LIMIT = 200  # groups fetched per search; more are found by looking again
NAMES_IN_LIST = 3  # names shown per group in the list
CALLER_HEADERS = (
    "Keep",
    "Merge in",
    "Name",
    "E-mail",
    "Phones",
    "Site",
    "Department",
    "Tickets",
    "Last contact",
)
KEEP_COLUMN, MERGE_COLUMN, TICKETS_COLUMN = 0, 1, 7
FIELD_NAMES = {"email": "e-mail", "employee_id": "employee id", "site_id": "site", "vip": "VIP"}


def _centred(button: QWidget) -> QWidget:
    """A table cell holding ``button`` in its middle, so a click on the cell's centre (by a
    person or a test) lands on the button itself."""
    cell = QWidget()
    layout = QHBoxLayout(cell)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
    return cell


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d") if moment is not None else "never"


def group_title(group: DuplicateGroup) -> str:
    """Two lines for the group list: who, and why they look like one person."""
    names = [caller.name for caller in group.callers[:NAMES_IN_LIST]]
    more = len(group.callers) - len(names)
    who = "  ·  ".join(names) + (f"  and {more} more" if more > 0 else "")
    return f"{who}\n{', '.join(group.reasons)}"


def describe_result(
    kept: DuplicateCaller, merged: list[DuplicateCaller], result: MergeResult
) -> str:
    """What a merge did, in the words an operator uses."""
    moved = [
        plural(result.tickets_moved, "ticket"),
        plural(result.calls_moved, "call"),
        plural(result.assets_moved, "asset"),
    ]
    text = (
        f"Merged {', '.join(c.name for c in merged)} into {kept.name}: "
        f"moved {', '.join(moved[:-1])} and {moved[-1]}"
    )
    if result.phones_added:
        text += f"; {plural(result.phones_added, 'phone number')} added"
    if result.fields_filled:
        filled = (FIELD_NAMES.get(name, name) for name in result.fields_filled)
        text += f"; filled in its {', '.join(filled)}"
    return text + "."


def without_merged(groups: list[DuplicateGroup], result: MergeResult) -> list[DuplicateGroup]:
    """The other groups after a merge: merged callers are gone (a group left with one
    caller goes too), and the kept caller has the tickets it was given."""
    gone = set(result.merged_ids)
    kept: list[DuplicateGroup] = []
    for group in groups:
        callers = tuple(
            replace(c, ticket_count=c.ticket_count + result.tickets_moved)
            if c.id == result.kept_id
            else c
            for c in group.callers
            if c.id not in gone
        )
        if len(callers) > 1:
            kept.append(replace(group, callers=callers))
    return kept


class CallerMergeDialog(QDialog):
    """Review groups of likely duplicate callers and merge or skip each; deletes itself on
    close. ``groups`` is what the list shows, in the same order."""

    groupsLoaded = Signal()  # the search finished (or failed) and the list shows its answer
    merged = Signal(object)  # the MergeResult of a merge that was written

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "callerMergeDialog", "Duplicate callers")
        self.setWindowTitle("Duplicate callers")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1160, 640)
        self._context = context
        self._busy = False  # a search or a merge is running
        self._merging = False  # a merge is running: the dialog stays open for its outcome
        self._full = False  # the search found as many groups as it fetches: there may be more
        self.groups: list[DuplicateGroup] = []
        self._merge_boxes: list[QCheckBox] = []

        self.status = QLabel()
        named(self.status, "mergeStatus", "Search status")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton("Look again")
        named(self.refresh_button, "refreshButton", "Look for duplicates again")
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh_button.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)

        self.group_list = QListWidget()
        named(self.group_list, "duplicateGroups", "Groups of likely duplicate callers")
        self.group_list.setAlternatingRowColors(True)
        self.group_list.setSpacing(2)
        self.group_list.setWordWrap(True)
        self.group_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.group_list.currentRowChanged.connect(self._show_group)

        self.reasons = QLabel()
        named(self.reasons, "groupReasons", "Why these callers look like one person")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        self.callers = read_only_table(
            "groupCallers", "Callers of the selected group", CALLER_HEADERS, selectable=False
        )
        header = self.callers.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.keep_group = QButtonGroup(self)
        self.keep_group.idToggled.connect(self._keep_toggled)
        hint = QLabel(
            "The caller you keep gets the tickets, calls, assets and phone numbers of the "
            "callers merged into it, and their details where its own are empty. The merged "
            "callers are deleted."
        )
        hint.setObjectName("mergeHint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #607d8b;")
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.reasons)
        detail_layout.addWidget(self.callers, 1)
        detail_layout.addWidget(hint)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mergeSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.group_list)
        splitter.addWidget(detail)
        splitter.setSizes([260, 880])
        remember_splitter(splitter, "callerMerge")

        self.message = message_label("mergeMessage", "Problem", "#c62828")
        self.result_label = message_label("mergeResult", "Merge result", "#2e7d32")
        self.skip_button = QPushButton("Skip")
        named(self.skip_button, "skipButton", "Skip this group: leave its callers as they are")
        self.skip_button.setToolTip("Leave these callers as they are and go to the next group")
        self.skip_button.clicked.connect(self.skip)
        self.merge_button = QPushButton("Merge…")
        named(self.merge_button, "mergeButton", "Merge the ticked callers into the kept one")
        self.merge_button.clicked.connect(self.merge)
        self.close_button = QPushButton("Close")
        named(self.close_button, "closeButton", "Close")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.skip_button, self.merge_button, self.close_button):
            button.setAutoDefault(False)  # Enter must never merge
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        self.refresh()

    # --- finding ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Look for duplicates (again) off the GUI thread."""
        if self._busy:
            return
        self._set_busy(True)
        show_message(self.message, "")
        show_message(self.result_label, "")
        self._set_groups([])
        engine = self._context.engine
        run_task(
            lambda: find_duplicates(engine, limit=GROUP_LIMIT),
            self._groups_found,
            self._failed,
            parent=self,
        )

    def _groups_found(self, groups: list[DuplicateGroup]) -> None:
        self._full = len(groups) >= GROUP_LIMIT
        self._set_busy(False)
        self._set_groups(groups)
        self.groupsLoaded.emit()

    def _set_groups(self, groups: list[DuplicateGroup]) -> None:
        """Show ``groups``; the one at the same place as the one selected before stays
        selected, so after a merge or a skip the next group is ready."""
        row = max(self.group_list.currentRow(), 0)
        self.groups = list(groups)
        self.group_list.blockSignals(True)
        self.group_list.clear()
        for group in self.groups:
            item = QListWidgetItem(group_title(group))
            item.setToolTip("\n".join(c.name for c in group.callers))
            self.group_list.addItem(item)
        if self.groups:
            self.group_list.setCurrentRow(min(row, len(self.groups) - 1))
        self.group_list.blockSignals(False)
        self._show_status()
        self._show_group(self.group_list.currentRow())

    def _show_status(self) -> None:
        if self._busy:
            self.status.setText("Looking for duplicates…")
        elif not self.groups:
            self.status.setText("No likely duplicates to review.")
        else:
            more = f" (the first {GROUP_LIMIT}; look again after these)" if self._full else ""
            self.status.setText(
                f"{plural(len(self.groups), 'group')} of likely duplicates{more}. Select a "
                "group, choose the caller to keep and tick those to merge into it."
            )

    # --- one group --------------------------------------------------------------------

    def _show_group(self, row: int) -> None:
        group = self.groups[row] if 0 <= row < len(self.groups) else None
        # The old cells are deleted later; until then their buttons must not be found by name.
        for box in self._merge_boxes:
            box.setObjectName("")
        for button in self.keep_group.buttons():
            button.setObjectName("")
            self.keep_group.removeButton(button)
        self._merge_boxes = []
        self.callers.setRowCount(0)
        if group is None:
            self.reasons.setText("Select a group to see its callers." if self.groups else "")
            self._update_buttons()
            return
        self.reasons.setText("Why: " + ", ".join(group.reasons))
        self.callers.setRowCount(len(group.callers))
        for index, caller in enumerate(group.callers):
            keep = QRadioButton()
            named(keep, f"keep_{index}", f"Keep {caller.name}")
            merge = QCheckBox()
            named(merge, f"merge_{index}", f"Merge {caller.name} into the kept caller")
            merge.setChecked(True)  # all but the kept one, unchecked below
            merge.toggled.connect(self._update_buttons)
            self.keep_group.addButton(keep, index)
            self._merge_boxes.append(merge)
            self.callers.setCellWidget(index, KEEP_COLUMN, _centred(keep))
            self.callers.setCellWidget(index, MERGE_COLUMN, _centred(merge))
            texts = (
                caller.name,
                caller.email or "",
                ", ".join(caller.phones),
                caller.site_code or "",
                caller.department or "",
                str(caller.ticket_count),
                _when(caller.last_contact),
            )
            for column, text in enumerate(texts, start=2):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == TICKETS_COLUMN:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.callers.setItem(index, column, item)
        self.keep_group.button(0).setChecked(True)  # the one with the most tickets

    def _keep_toggled(self, index: int, checked: bool) -> None:
        """The kept caller cannot be merged away; one that stops being kept is merged in."""
        if index >= len(self._merge_boxes):
            return
        box = self._merge_boxes[index]
        box.setEnabled(not checked)
        box.setChecked(not checked)
        self._update_buttons()

    def selection(self) -> tuple[DuplicateCaller, list[DuplicateCaller]] | None:
        """The caller to keep and those to merge into it, as ticked; None if nothing to do."""
        row = self.group_list.currentRow()
        if not 0 <= row < len(self.groups) or self.keep_group.checkedId() < 0:
            return None
        callers = self.groups[row].callers
        keep = callers[self.keep_group.checkedId()]
        merged = [
            caller
            for caller, box in zip(callers, self._merge_boxes, strict=True)
            if box.isChecked() and caller.id != keep.id
        ]
        return (keep, merged) if merged else None

    def _update_buttons(self) -> None:
        has_group = 0 <= self.group_list.currentRow() < len(self.groups)
        self.merge_button.setEnabled(not self._busy and self.selection() is not None)
        self.skip_button.setEnabled(not self._busy and has_group)

    def skip(self) -> None:
        """Leave the selected group as it is and go to the next one."""
        row = self.group_list.currentRow()
        if self._busy or not 0 <= row < len(self.groups):
            return
        show_message(self.result_label, "")
        self._set_groups(self.groups[:row] + self.groups[row + 1 :])

    # --- merging ----------------------------------------------------------------------

    def confirm(self, keep: DuplicateCaller, merged: list[DuplicateCaller]) -> bool:
        """Ask before a merge, which cannot be undone."""
        names = "\n".join(f"  • {c.name} ({plural(c.ticket_count, 'ticket')})" for c in merged)
        answer = QMessageBox.question(
            self,
            "Merge callers?",
            f"Merge these callers into {keep.name}?\n\n{names}\n\nTheir tickets, calls and "
            "assets move to the kept caller, and they are deleted. This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def merge(self) -> None:
        """Merge the ticked callers into the kept one, after asking, off the GUI thread."""
        chosen = self.selection()
        if self._busy or chosen is None:
            return
        keep, merged = chosen
        if not self.confirm(keep, merged):
            return
        self._merging = True
        self._set_busy(True)
        show_message(self.message, "")
        show_message(self.result_label, "")
        self.status.setText(f"Merging into {keep.name}…")
        engine, me = self._context.engine, self._context.me
        ids = [caller.id for caller in merged]
        run_task(
            lambda: merge_callers(engine, keep.id, ids, me),
            lambda result: self._merged(keep, merged, result),
            self._failed,
            parent=self,
        )

    def _merged(
        self, keep: DuplicateCaller, merged: list[DuplicateCaller], result: MergeResult
    ) -> None:
        self._merging = False
        self._set_busy(False)
        self._set_groups(without_merged(self.groups, result))
        show_message(self.result_label, describe_result(keep, merged, result))
        self.merged.emit(result)

    # --- shared -----------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.group_list.setEnabled(not busy)
        self.callers.setEnabled(not busy)
        self.refresh_button.setEnabled(not busy)
        self.close_button.setEnabled(not self._merging)
        self._update_buttons()

    def _failed(self, error: Exception) -> None:
        """Say why the search or the merge failed; a merge that failed changed nothing."""
        merging, self._merging = self._merging, False
        self._set_busy(False)
        if merging:  # the choices made in the group stay as they were, to try again
            self._show_status()
        else:
            self.status.setText("The search for duplicates failed.")
        show_failure(error, lambda text: show_message(self.message, text))
        self.groupsLoaded.emit()

    def reject(self) -> None:
        """Closing waits for a running merge: the transaction finishes either way, and its
        outcome must be seen. A running search is simply dropped."""
        if not self._merging:
            super().reject()
