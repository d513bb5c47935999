"""The Staff page: the directory of the IT team, the managers' details and the admins' tools.

Everyone can read the directory (name, user name, role, teams, home site, phone, contracted
hours, skills with their levels, how they sign in), found by the search box and, unless
"Show inactive" is ticked, without deactivated staff (shown greyed, "(inactive)" after the
name). Managers and admins keep each person's details (Details…: phone, home site, hours,
teams, skills); admins add staff, change roles, deactivate and reactivate, and set
passwords. A button someone may not use is disabled with the reason as its tooltip, said in
words under the table too, and the services refuse anyway (:mod:`app.staff`,
:mod:`app.training.skills`). Under the table, admins see the selected person's history from
the audit trail (staff changes and sign-ins, newest first, in local time).

The search is :func:`app.staff.search_staff` (words of a name, user name, e-mail, team or
skill, or a phone number however it is written), run off the GUI thread a moment after the
typing stops; only the answer to the newest text is shown.

The keyboard route: the search box has the keyboard when the page opens, Down moves into
the table, Enter on a row opens the editor the person may use (the role for admins, the
details for managers), and each button has a mnemonic.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.audit import AuditLine, recent
from app.context import AppContext
from app.permissions import Action, context_may, refusal
from app.sign_in import local_time
from app.staff import StaffRow, deactivate, hours_text, reactivate, search_staff
from ui.kit.outcome import OutcomeLines
from ui.kit.remembered import remember_columns, remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    MUTED,
    filter_line,
    key_action,
    named,
    page_button,
    read_only_table,
    show_message,
    signals_blocked,
)
from ui.kit.write_dialog import WriteDialog
from ui.settings.staff_dialogs import (
    AddStaffDialog,
    DetailsDialog,
    DetailsForm,
    PasswordDialog,
    RoleDialog,
    level_text,
    read_details_form,
)
from ui.shell.pages import Page

SEARCH_PLACEHOLDER = "Search: name, user name, e-mail, phone, team or skill"
SEARCH_DEBOUNCE_MS = 150  # the search runs once the typing pauses this long
# What a manager plans with comes first, to be seen whole at 1024 px; the rest scrolls.
HEADERS = (
    "Name",
    "Role",
    "Teams",
    "Home site",
    "Phone",
    "Hours",
    "Skills",
    "User name",
    "Sign-in",
    "E-mail",
)
HEADER_TIPS = {"Hours": "Contracted hours a week", "Skills": "Skills with their level, 1-3"}
HISTORY_HEADERS = ("When", "By", "What", "Detail")
# Widest text each column must show, to size it from the font instead of from pixels.
_SAMPLES = (
    "Priya Natarajan (inactive)",
    "Technician",
    "Service desk, Network",
    "HQ",
    "+44 20 7946 0018",
    "37.5",
    "Networking 3, Printers 2",
    "priya.natarajan",
    "Locked until 23:59",
)  # every column but the last, which stretches
_HISTORY_SAMPLES = ("Mon 30 Nov 2026 23:59", "Priya Natarajan", "Staff reactivated")
_GREY = QColor(MUTED)


def sign_in_text(row: StaffRow) -> str:
    """How ``row`` signs in: "Locked until 14:05", "Password set" or "—" (none set)."""
    if row.locked_until is not None:
        return f"Locked until {local_time(row.locked_until)}"
    return "Password set" if row.has_password else "—"


def cells(row: StaffRow) -> tuple[str, ...]:
    """The directory's columns for ``row``, in the order of :data:`HEADERS`."""
    return (
        row.name if row.active else f"{row.name} (inactive)",
        row.role.label,
        ", ".join(row.teams) or "—",
        row.home_site or "—",
        row.phone or "—",
        hours_text(row.contracted_minutes) or "—",
        ", ".join(map(str, row.skills)) or "—",
        row.username,
        sign_in_text(row),
        row.email,
    )


def tips(row: StaffRow) -> tuple[str, ...]:
    """Each cell's tooltip: its whole text, the hours and the skills' levels in words."""
    shown = list(cells(row))
    shown[HEADERS.index("Hours")] = (
        f"{hours_text(row.contracted_minutes)} hours a week"
        if row.contracted_minutes is not None
        else "No contracted hours recorded"
    )
    shown[HEADERS.index("Skills")] = ", ".join(map(level_text, row.skills)) or "No skills"
    return tuple(shown)


def when(moment: datetime) -> str:
    """An audit row's time on this workstation's clock: "Tue 24 Nov 2026 10:00"."""
    return moment.astimezone().strftime("%a %d %b %Y %H:%M")


class StaffPage(Page):
    """The staff directory with the admins' buttons and the selected person's history
    (object name ``staffView``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "staffView", "Staff")
        self._context = context
        self._admin = context_may(context, Action.MANAGE_STAFF)
        self._keeper = context_may(context, Action.EDIT_STAFF_DETAILS)  # keeps the details
        self._shown: list[StaffRow] = []  # the table's rows: the last search's answer
        self._select_after: uuid.UUID | None = None  # whom to select once the list is read
        self._reads, self._histories, self._forms = StaleGuard(), StaleGuard(), StaleGuard()
        self._history_of: uuid.UUID | None = None  # whose history is shown (or on its way)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(self._build_filter_bar())
        self.splitter = named(QSplitter(Qt.Orientation.Vertical, self), "staffSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.history_note = named(QLabel(self), "staffHistoryNote", "About the history")
        self.history_note.setWordWrap(True)
        self.history_note.setStyleSheet(f"color: {MUTED};")
        self.splitter.addWidget(self._build_directory())
        history = self._build_history()
        self.splitter.addWidget(history)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        remember_splitter(self.splitter, "staff")
        layout.addWidget(self.splitter, 1)
        if not self._admin:  # the audit trail is the admins' to read: only a note instead
            history.hide()
            # Said in words too: a tooltip needs a mouse, and Tab skips disabled buttons.
            self.history_note.setText(
                " ".join(
                    refusal(action)
                    for action in (Action.MANAGE_STAFF, Action.EDIT_STAFF_DETAILS)
                    if not context_may(context, action)
                )
                + " The history of staff changes and sign-ins is shown to admins."
            )
            layout.addWidget(self.history_note)
        self.setFocusProxy(self.filter_edit)
        self._build_keys()
        self._describe_current()
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build_filter_bar(self) -> QHBoxLayout:
        self.filter_edit = filter_line(
            self,
            "staffFilter",
            SEARCH_PLACEHOLDER,
            "Words of a name, user name, e-mail, team or skill, or a phone number",
        )
        self.filter_edit.setAccessibleName("Search staff")
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(SEARCH_DEBOUNCE_MS)
        self._pause.timeout.connect(self.refresh)
        self.filter_edit.textChanged.connect(lambda _text: self._pause.start())
        self.filter_edit.returnPressed.connect(self.focus_table)
        self.inactive_check = named(
            QCheckBox("Sh&ow inactive", self), "showInactive", "Show deactivated staff"
        )
        self.inactive_check.toggled.connect(lambda _on: self.refresh())
        self.count_label = named(QLabel("", self), "staffCount", "Number of staff shown")
        row = QHBoxLayout()
        row.addWidget(self.filter_edit, 1)
        row.addSpacing(8)
        row.addWidget(self.inactive_check)
        row.addSpacing(8)
        row.addWidget(self.count_label)
        return row

    def _build_directory(self) -> QWidget:
        host = QWidget(self)
        self.table = read_only_table("staffTable", "Staff", HEADERS)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        _shape(self.table, HEADERS, _SAMPLES)
        for title, tip in HEADER_TIPS.items():
            header_item = self.table.horizontalHeaderItem(HEADERS.index(title))
            assert header_item is not None  # read_only_table made one per title
            header_item.setToolTip(tip)
        remember_columns(self.table.horizontalHeader(), "staff")
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_editor())

        self.add_button = self._button("&Add…", "addStaff", "Add a staff member", self.add)
        self.role_button = self._button(
            "Change &role…", "changeRole", "Change the selected person's role", self.change_role
        )
        self.active_button = self._button(
            "&Deactivate", "toggleActive", "Deactivate or reactivate", self.toggle_active
        )
        self.password_button = self._button(
            "Reset &password…", "resetPassword", "Set a new password", self.reset_password
        )
        self.details_button = page_button(
            self,
            "Deta&ils…",
            "editDetails",
            "Edit the selected person's phone, home site, hours, teams and skills",
            self.edit_details,
            "" if self._keeper else refusal(Action.EDIT_STAFF_DETAILS),
        )
        self.outcome = OutcomeLines("staff")
        self.problem_line, self.result_line = self.outcome.problem, self.outcome.result
        buttons = QHBoxLayout()
        buttons.addWidget(self.details_button)
        buttons.addSpacing(12)
        for button in (self.add_button, self.role_button, self.active_button):
            buttons.addWidget(button)
        buttons.addWidget(self.password_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.problem_line)
        layout.addWidget(self.result_line)
        return host

    def _button(
        self, text: str, name: str, accessible: str, slot: Callable[[], None]
    ) -> QPushButton:
        refused = "" if self._admin else refusal(Action.MANAGE_STAFF)
        return page_button(self, text, name, accessible, slot, refused)

    def _build_history(self) -> QWidget:
        host = QWidget(self)
        self.history_title = named(QLabel("History", host), "staffHistoryTitle", "History")
        self.history_title.setStyleSheet("font-weight: 600;")
        self.history = read_only_table("staffHistory", "History", HISTORY_HEADERS)
        _shape(self.history, HISTORY_HEADERS, _HISTORY_SAMPLES)
        remember_columns(self.history.horizontalHeader(), "staffHistory")
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.history_title)
        if self._admin:
            layout.addWidget(self.history_note)
        layout.addWidget(self.history, 1)
        return host

    def _build_keys(self) -> None:
        """Keys that act only where they are pressed: Down in the search box leads into the
        table, Esc there clears it, Enter in the table opens the person's editor."""
        key_action(self.filter_edit, (Qt.Key.Key_Down, Qt.Key.Key_PageDown), self.focus_table)
        key_action(self.filter_edit, (Qt.Key.Key_Escape,), self.filter_edit.clear)
        key_action(self.table, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.open_editor)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        """Arriving here: the directory read again, and the keyboard in the filter box."""
        self.refresh()
        self.focus_filter()

    def refresh(self) -> None:
        """Search again for what the box holds (F5, and a pause in the typing), keeping the
        selected person selected."""
        self._pause.stop()
        engine, text = self._context.engine, self.filter_edit.text()
        inactive = self.inactive_check.isChecked()
        run_task(
            lambda: search_staff(engine, text, include_inactive=inactive),
            lambda rows: self._read(rows, text),
            parent=self,
            guard=self._reads,
        )

    # -- public -------------------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def focus_table(self) -> None:
        """Into the table, on the first person unless someone is selected already."""
        if not self._shown:
            return
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.current() is None:
            self.table.setCurrentCell(0, 0)

    def current(self) -> StaffRow | None:
        """The selected person."""
        row = self.table.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def add(self) -> None:
        """Add… : the add dialog; the new person is selected once added."""
        if self._admin:
            self._open(AddStaffDialog(self._context, self))

    def open_editor(self) -> None:
        """Enter (or a double click) on a row: the role for admins, who alone change roles;
        the details for managers."""
        if self._admin:
            self.change_role()
        else:
            self.edit_details()

    def change_role(self) -> None:
        """Change role… : the role dialog for the selected person."""
        person = self.current()
        if self._admin and person is not None:
            self._open(RoleDialog(self._context, person, self))

    def edit_details(self) -> None:
        """Details… : the selected person's details are read, then the dialog opens with
        them."""
        person = self.current()
        if not self._keeper or person is None:
            return
        engine = self._context.engine

        def opened(form: DetailsForm) -> None:
            self._open(DetailsDialog(self._context, person, form, self))

        run_task(
            lambda: read_details_form(engine, person.id),
            opened,
            self.outcome.failed,
            parent=self,
            guard=self._forms,
        )

    def reset_password(self) -> None:
        """Reset password… : a new password for the selected person."""
        person = self.current()
        if self._admin and person is not None:
            self._open(PasswordDialog(self._context, person, self))

    def toggle_active(self) -> None:
        """Deactivate the selected person (after asking) or reactivate them."""
        person = self.current()
        if not self._admin or person is None:
            return
        if person.active:
            answer = QMessageBox.question(
                self,
                "Deactivate",
                f"Deactivate {person.name}? They can no longer sign in or change anything; "
                "their tickets and history stay, and Reactivate undoes it.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        change = reactivate if not person.active else deactivate
        verb = "reactivated" if not person.active else "deactivated"
        engine, me, staff_id = self._context.engine, self._context.me, person.id
        run_task(
            lambda: change(engine, me, staff_id),
            lambda _none: self._changed(staff_id, f"{person.name} is {verb}."),
            self.outcome.failed,
            parent=self,
        )

    # -- reading ------------------------------------------------------------------------------
    def _read(self, rows: list[StaffRow], text: str) -> None:
        """Show the search's answer, keeping the selected person (or selecting the one a
        write was about)."""
        self._history_of = None  # read the history again too: it may have grown
        keep, self._select_after = self._select_after, None
        keep = keep or (person.id if (person := self.current()) else None)
        self._shown = rows
        with signals_blocked(self.table.selectionModel()):  # described once, below
            self.table.setRowCount(len(rows))
            for number, row in enumerate(rows):
                for column, (value, tip) in enumerate(zip(cells(row), tips(row), strict=True)):
                    item = QTableWidgetItem(value)
                    item.setToolTip(tip)
                    if not row.active:
                        item.setForeground(_GREY)
                    self.table.setItem(number, column, item)
            at = next((n for n, row in enumerate(rows) if row.id == keep), -1)
            if at >= 0:
                self.table.setCurrentCell(at, 0)
            else:
                self.table.setCurrentIndex(QModelIndex())
        self.count_label.setText(f"{len(rows)} found" if text.strip() else f"{len(rows)} staff")
        self._describe_current()
        self.content_shown()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._describe_current()

    def _describe_current(self) -> None:
        """The buttons and the history for the selected person."""
        person = self.current()
        for button in (self.role_button, self.active_button, self.password_button):
            button.setEnabled(self._admin and person is not None)
        self.details_button.setEnabled(self._keeper and person is not None)
        self.active_button.setText(
            "R&eactivate" if person is not None and not person.active else "&Deactivate"
        )
        self.history_title.setText(f"History of {person.name}" if person else "History")
        staff_id = person.id if person is not None else None
        if not self._admin or (staff_id is not None and staff_id == self._history_of):
            return
        self._history_of = staff_id
        self.history.setRowCount(0)
        if person is None:
            self._histories.drop_pending()
            show_message(self.history_note, "Select someone to see their history.")
            return
        show_message(self.history_note, "")
        engine = self._context.engine
        run_task(
            lambda: recent(engine, subject_id=person.id),
            self._show_history,
            parent=self,
            guard=self._histories,
        )

    def _show_history(self, lines: list[AuditLine]) -> None:
        self.history.setRowCount(len(lines))
        for number, line in enumerate(lines):
            values = (when(line.at), line.actor or "—", line.kind.capitalize(), line.detail)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.history.setItem(number, column, item)
        show_message(self.history_note, "" if lines else "Nothing recorded yet.")

    # -- writing ------------------------------------------------------------------------------
    def _open(self, dialog: WriteDialog) -> None:
        """Open a write dialog; once it is accepted, read the directory again, select the
        person it changed and say what it did."""
        self.outcome.open(dialog, self._changed)

    def _changed(self, staff_id: uuid.UUID, message: str) -> None:
        self.outcome.tell(message, ok=True)
        self._select_after = staff_id
        self.refresh()


def _shape(table: QTableWidget, titles: tuple[str, ...], samples: tuple[str, ...]) -> None:
    """Rows of one line at a fixed height, titles that stay plain when a row is selected,
    and interactive columns as wide as their sample (or title); the last one stretches."""
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    bold = header.font()
    bold.setBold(True)
    metrics, title_metrics = table.fontMetrics(), QFontMetrics(bold)
    for column, (title, sample) in enumerate(zip(titles[:-1], samples, strict=True)):
        header.resizeSection(
            column,
            max(metrics.horizontalAdvance(sample), title_metrics.horizontalAdvance(title)) + 24,
        )
