"""The Teams page: the teams tickets go to, who is in each, and the managers' tools.

Everyone reads the list (name, whether it is a service-desk team, how many members, e-mail)
and the selected team's detail: its members and the categories that send tickets to it by
default (set on each category, on the Categories page). Managers and admins add and change
teams and add and remove members; for everyone else those controls are disabled with the
reason as their tooltip, said in words on the page too, and the service refuses them anyway
(:mod:`app.org.teams`). Teams are never deleted: their tickets and reports point at them.

A desk has a handful of teams, read whole in one call; the selected team's detail is a
second call, answered for the newest selection only.

The keyboard route: the team list has the keyboard when the page opens; Enter on a team
edits it (managers), Tab reaches its members, and Delete there removes the selected member.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.org.teams import TeamDetail, TeamRow, list_teams, set_members, team_detail
from app.permissions import Action, context_may, refusal
from ui.kit.outcome import OutcomeLines
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    MUTED,
    key_action,
    named,
    page_button,
    plural,
    read_only_table,
    signals_blocked,
)
from ui.settings.team_dialogs import TeamDialog
from ui.shell.pages import Page

HEADERS = ("Name", "Service desk", "Members", "E-mail")
MEMBER_HEADERS = ("Name", "User name", "Role", "Status")


def team_cells(row: TeamRow) -> tuple[str, ...]:
    """The list's columns for ``row``, in the order of :data:`HEADERS`."""
    return (row.name, "Yes" if row.is_service_desk else "", str(row.member_count), row.email)


def about(detail: TeamDetail) -> str:
    """The lines under a team's name: its e-mail, its level and its categories."""
    level = (
        "Service-desk team: tickets resolved here count as first-level resolution."
        if detail.is_service_desk
        else "Not a service-desk team."
    )
    categories = (
        "Default team for: " + ", ".join(detail.categories)
        if detail.categories
        else "No category sends its tickets here by default (set on the Categories page)."
    )
    return f"E-mail: {detail.email or 'none'}\n{level}\n{categories}"


def fit_columns(table: QTableWidget) -> None:
    """Columns as wide as their contents; the last one takes the rest."""
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)


def fill_table(table: QTableWidget, rows: list[tuple[str, ...]], greyed: list[bool]) -> None:
    """Put ``rows`` in ``table``, greying the rows ``greyed`` marks."""
    table.setRowCount(len(rows))
    for number, values in enumerate(rows):
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if greyed[number]:
                item.setForeground(Qt.GlobalColor.gray)
            table.setItem(number, column, item)


class TeamsPage(Page):
    """The teams with the selected team's members (object name ``teamsView``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "teamsView", "Teams")
        self._context = context
        self._editor = context_may(context, Action.MANAGE_TEAMS)
        self._rows: list[TeamRow] = []
        self._detail: TeamDetail | None = None
        self._detail_of: uuid.UUID | None = None  # whose detail is shown (or on its way)
        self._select_after: uuid.UUID | None = None
        self._reads, self._details = StaleGuard(), StaleGuard()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.note = named(QLabel(self), "teamsNote", "About this page")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        # Said in words too: a tooltip needs a mouse, and Tab skips disabled buttons.
        self.note.setText(
            "Teams are never deleted: their tickets and reports keep pointing at them."
            + ("" if self._editor else f" {refusal(Action.MANAGE_TEAMS)} You can read them here.")
        )
        layout.addWidget(self.note)
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal, self), "teamsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_list())
        self.splitter.addWidget(self._build_detail())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        remember_splitter(self.splitter, "teams")
        layout.addWidget(self.splitter, 1)
        self.outcome = OutcomeLines("teams")
        self.problem_line, self.result_line = self.outcome.problem, self.outcome.result
        layout.addWidget(self.problem_line)
        layout.addWidget(self.result_line)
        self.setFocusProxy(self.table)
        key_action(self.table, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.edit)
        key_action(self.members, (Qt.Key.Key_Delete,), self.remove_member)
        self._describe_current()
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        host = QWidget(self)
        self.table = read_only_table("teamsTable", "Teams", HEADERS)
        fit_columns(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.count_label = named(QLabel("", host), "teamsCount", "Number of teams")
        self.add_button = self._button("&Add team…", "addTeam", "Add a team", self.add)
        self.edit_button = self._button(
            "&Edit team…", "editTeam", "Change the selected team", self.edit
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        return host

    def _build_detail(self) -> QWidget:
        host = QWidget(self)
        self.title = named(QLabel("", host), "teamTitle", "Team")
        self.title.setStyleSheet("font-weight: 600; font-size: 12pt;")
        self.about = named(QLabel("", host), "teamAbout", "About the team")
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        members_title = QLabel("Members", host)
        members_title.setStyleSheet("font-weight: 600;")
        self.members = read_only_table("teamMembers", "Members", MEMBER_HEADERS)
        fit_columns(self.members)
        self.candidates = named(QComboBox(host), "memberChoice", "Staff member to add")
        self.candidates.setMinimumContentsLength(22)
        self.add_member_button = self._button(
            "Add &member", "addMember", "Add the chosen person to the team", self.add_member
        )
        self.remove_member_button = self._button(
            "&Remove member", "removeMember", "Remove the selected member", self.remove_member
        )
        self.candidates.setEnabled(self._editor)
        if not self._editor:
            self.candidates.setToolTip(refusal(Action.MANAGE_TEAMS))
        self.members.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._enable()
        )
        row = QHBoxLayout()
        row.addWidget(self.candidates, 1)
        row.addWidget(self.add_member_button)
        row.addWidget(self.remove_member_button)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.about)
        layout.addSpacing(4)
        layout.addWidget(members_title)
        layout.addWidget(self.members, 1)
        layout.addLayout(row)
        return host

    def _button(
        self, text: str, name: str, accessible: str, slot: Callable[[], None]
    ) -> QPushButton:
        refused = "" if self._editor else refusal(Action.MANAGE_TEAMS)
        return page_button(self, text, name, accessible, slot, refused)

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        """Arriving here: the teams read again, and the keyboard in the list."""
        self.refresh()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """Read the teams again (F5), keeping the selected team selected."""
        engine = self._context.engine
        run_task(lambda: list_teams(engine), self._read, parent=self, guard=self._reads)

    # -- public -------------------------------------------------------------------------------
    def current(self) -> TeamRow | None:
        """The selected team."""
        row = self.table.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def add(self) -> None:
        """Add team… : the team dialog, empty; the new team is selected once added."""
        if self._editor:
            self._open(TeamDialog(self._context, None, self))

    def edit(self) -> None:
        """Edit team… (and Enter on a team): the dialog for the selected team."""
        if self._editor and self._detail is not None and self._detail_is_current():
            self._open(TeamDialog(self._context, self._detail, self))

    def add_member(self) -> None:
        """Add member: the person chosen in the list beside the button joins the team."""
        staff_id = self.candidates.currentData()
        if not self._editor or self._detail is None or staff_id is None:
            return
        name = next(p.name for p in self._detail.candidates if p.id == staff_id)
        self._change_members(f"{name} joined {self._detail.name}.", add=(staff_id,))

    def remove_member(self) -> None:
        """Remove member (and Delete in the members): the selected member leaves the team."""
        row = self.members.currentRow()
        if not self._editor or self._detail is None or not 0 <= row < len(self._detail.members):
            return
        member = self._detail.members[row]
        self._change_members(f"{member.name} left {self._detail.name}.", remove=(member.id,))

    # -- reading ------------------------------------------------------------------------------
    def _read(self, rows: list[TeamRow]) -> None:
        keep, self._select_after = self._select_after, None
        keep = keep or (team.id if (team := self.current()) else None)
        self._rows = rows
        self._detail_of = None  # read the detail again too: members may have changed
        with signals_blocked(self.table.selectionModel()):  # described once, below
            fill_table(self.table, [team_cells(r) for r in rows], [False] * len(rows))
            at = next((n for n, r in enumerate(rows) if r.id == keep), 0 if rows else -1)
            if at >= 0:
                self.table.setCurrentCell(at, 0)
        self.count_label.setText(plural(len(rows), "team"))
        self._describe_current()
        self.content_shown()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._describe_current()

    def _detail_is_current(self) -> bool:
        team = self.current()
        return self._detail is not None and team is not None and self._detail.id == team.id

    def _describe_current(self) -> None:
        """Read the selected team's detail, unless it is shown or on its way already."""
        team = self.current()
        team_id = team.id if team is not None else None
        self._enable()
        if team_id is not None and team_id == self._detail_of:
            return
        self._detail_of = team_id
        if team is None:
            self._details.drop_pending()
            self._show_detail(None)
            return
        engine = self._context.engine
        run_task(
            lambda: team_detail(engine, team.id),
            self._show_detail,
            self.outcome.failed,
            parent=self,
            guard=self._details,
        )

    def _show_detail(self, detail: TeamDetail | None) -> None:
        self._detail = detail
        self.title.setText(detail.name if detail else "No team selected")
        self.about.setText(about(detail) if detail else "")
        members = detail.members if detail else ()
        fill_table(
            self.members,
            [
                (m.name, m.username, m.role, "Active" if m.active else "Deactivated")
                for m in members
            ],
            [not m.active for m in members],
        )
        self.candidates.clear()
        for person in detail.candidates if detail else ():
            self.candidates.addItem(f"{person.name} ({person.role})", person.id)
        self._enable()

    def _enable(self) -> None:
        """Buttons that need a team, a member or a candidate, for editors only."""
        shown = self._detail_is_current()
        self.edit_button.setEnabled(self._editor and shown)
        self.add_member_button.setEnabled(self._editor and shown and self.candidates.count() > 0)
        self.remove_member_button.setEnabled(
            self._editor and shown and self.members.currentRow() >= 0
        )

    # -- writing ------------------------------------------------------------------------------
    def _change_members(
        self,
        message: str,
        *,
        add: tuple[uuid.UUID, ...] = (),
        remove: tuple[uuid.UUID, ...] = (),
    ) -> None:
        """Run one change of the shown team's members; ``message`` says it once done."""
        assert self._detail is not None
        engine, me, team_id = self._context.engine, self._context.me, self._detail.id
        run_task(
            lambda: set_members(engine, me, team_id, add=add, remove=remove),
            lambda _none: self._changed(team_id, message),
            self.outcome.failed,
            parent=self,
        )

    def _open(self, dialog: TeamDialog) -> None:
        """Open the team dialog; once accepted, read the teams again, select the team it
        saved and say what it did."""
        self.outcome.open(dialog, self._changed)

    def _changed(self, team_id: uuid.UUID, message: str) -> None:
        self.outcome.tell(message, ok=True)
        self._select_after = team_id
        self.refresh()
