"""The Staff page's dialogs: add a staff member, change a role, set a password (admins), and
a person's details: phone, home site, contracted hours, teams and skills (managers).

Each is a small form whose confirm button runs its write of :mod:`app.staff` (and, for the
details, :mod:`app.training.skills`) off the GUI thread. The dialog is accepted once the
write landed; otherwise it stays open with the problem under its field (or under the form),
so nothing typed is lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QWidget,
)
from sqlalchemy import Engine

from app.context import AppContext
from app.errors import SwitchboardError, ValidationError
from app.org.teams import TeamRow, list_teams
from app.pick_lists import Choice, sites
from app.sign_in import MIN_PASSWORD_LENGTH, check_password
from app.staff import (
    StaffDetails,
    StaffRow,
    add_staff,
    change_role,
    hours_text,
    minutes_from_hours,
    reset_password,
    save_staff_details,
    staff_details,
)
from app.training.skills import (
    LEVELS,
    SkillLevel,
    SkillRow,
    list_skills,
    staff_skills,
)
from models.enums import StaffRole
from ui.kit.widgets import MUTED, named
from ui.kit.write_dialog import WriteDialog

LEVEL_WORDS = {1: "basic", 2: "able", 3: "expert"}
NO_LEVEL = "—"
SHOWN_TEAMS = 5  # rows of the team list before it scrolls
SHOWN_SKILL_ROWS = 6  # rows of the skill grid before it scrolls (two skills a row)


def level_text(skill: SkillLevel) -> str:
    """A skill with its level in words: "Networking 3 (expert)"."""
    return f"{skill} ({LEVEL_WORDS.get(skill.level, '?')})"


def _role_combo(name: str, current: StaffRole) -> QComboBox:
    combo = named(QComboBox(), name)
    for role in StaffRole:
        combo.addItem(role.label, int(role))
    combo.setCurrentIndex(combo.findData(int(current)))
    return combo


class AddStaffDialog(WriteDialog):
    """Add a staff member (object name ``addStaffDialog``); :attr:`outcome` is their id."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "addStaffDialog", "Add staff member", "&Add", parent)
        self.name_edit = named(QLineEdit(), "staffName")
        self.name_edit.setPlaceholderText("First and last name")
        self.username_edit = named(QLineEdit(), "staffUsername")
        self.username_edit.setPlaceholderText("Their login, e.g. bea.brown")
        self.email_edit = named(QLineEdit(), "staffEmail")
        self.email_edit.setPlaceholderText("bea.brown@example.org (optional)")
        self.role_combo = _role_combo("staffRole", StaffRole.OPERATOR)
        self.add_field("name", "&Name:", self.name_edit)
        self.add_field("username", "&User name:", self.username_edit)
        self.add_field("email", "&E-mail:", self.email_edit)
        self.add_field(
            "role", "R&ole:", self.role_combo, "They can sign in once an admin sets a password."
        )

    def work(self) -> Callable[[], object]:
        engine, me = self.context.engine, self.context.me
        username, name, email = (
            self.username_edit.text(),
            self.name_edit.text(),
            self.email_edit.text(),
        )
        role = StaffRole(self.role_combo.currentData())
        return lambda: add_staff(
            engine, me, username=username, name=name, role=role, email=email or None
        )

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # add_staff's answer
        return self.outcome

    def summary(self) -> str:
        name = " ".join(self.name_edit.text().split())
        return f"Added {name} as {self.role_combo.currentText()}."


class RoleDialog(WriteDialog):
    """Give ``person`` another role (object name ``roleDialog``)."""

    def __init__(
        self, context: AppContext, person: StaffRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "roleDialog", f"Role of {person.name}", "&Save", parent)
        self.person = person
        self.role_combo = _role_combo("staffRoleChoice", person.role)
        self.add_field(
            "role",
            "R&ole:",
            self.role_combo,
            f"{person.name} ({person.username}) is {person.role.label.lower()} now; the new "
            "role counts from their next save.",
        )

    def work(self) -> Callable[[], object]:
        engine, me, staff_id = self.context.engine, self.context.me, self.person.id
        role = StaffRole(self.role_combo.currentData())
        return lambda: change_role(engine, me, staff_id, role)

    def subject(self) -> uuid.UUID:
        return self.person.id

    def summary(self) -> str:
        return f"{self.person.name}'s role is {self.role_combo.currentText()}."


class PasswordDialog(WriteDialog):
    """Set ``person``'s Switchboard password, typed twice (object name ``passwordDialog``)."""

    def __init__(
        self, context: AppContext, person: StaffRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context, "passwordDialog", f"Password of {person.name}", "&Set password", parent
        )
        self.person = person
        self.password_edit = named(QLineEdit(), "newPassword")
        self.repeat_edit = named(QLineEdit(), "repeatPassword")
        for edit in (self.password_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field(
            "password",
            "&New password:",
            self.password_edit,
            f"At least {MIN_PASSWORD_LENGTH} characters. It lifts a locked sign-in; tell "
            f"{person.name} in person.",
        )
        self.add_field("repeat", "&Repeat it:", self.repeat_edit)

    def check(self) -> dict[str, str]:
        password = self.password_edit.text()
        try:
            check_password(password)
        except SwitchboardError as short:
            return {"password": str(short)}
        if self.repeat_edit.text() != password:
            return {"repeat": "The two passwords differ; type the same password twice."}
        return {}

    def work(self) -> Callable[[], object]:
        engine, me, staff_id = self.context.engine, self.context.me, self.person.id
        password = self.password_edit.text()
        return lambda: reset_password(engine, me, staff_id, password)

    def subject(self) -> uuid.UUID:
        return self.person.id

    def summary(self) -> str:
        return f"{self.person.name}'s password is set; tell them in person."


@dataclass(frozen=True)
class DetailsForm:
    """What the details dialog starts from and offers, as read when it was asked for."""

    details: StaffDetails
    sites: list[Choice]
    teams: list[TeamRow]
    skills: list[SkillRow]
    levels: Mapping[uuid.UUID, int]  # skill id -> the person's level in it


def read_details_form(engine: Engine, staff_id: uuid.UUID) -> DetailsForm:
    """Everything the details dialog needs, read in the one background task that runs
    before it opens (so it opens filled, and never reads on the GUI thread)."""
    return DetailsForm(
        staff_details(engine, staff_id),
        sites(engine),
        list_teams(engine),
        list_skills(engine),
        {skill.skill_id: skill.level for skill in staff_skills(engine, staff_id)},
    )


class DetailsDialog(WriteDialog):
    """``person``'s phone, home site, contracted hours, teams and skill levels (object name
    ``staffDetailsDialog``); saving writes the details, then the skills. Typed hours are
    checked before anything is written; every other problem the services find is shown at
    its field."""

    def __init__(
        self,
        context: AppContext,
        person: StaffRow,
        form: DetailsForm,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            context, "staffDetailsDialog", f"Details of {person.name}", "&Save", parent
        )
        self.person = person
        details = form.details
        self.phone_edit = named(QLineEdit(details.phone), "staffPhone")
        self.phone_edit.setPlaceholderText("+44 20 7946 0018, or an extension such as 4567")
        self.site_combo = named(QComboBox(), "staffHomeSite")
        self.site_combo.addItem("(none)", "")
        for site in form.sites:
            self.site_combo.addItem(f"{site.label} · {site.detail}", str(site.id))
        home = str(details.home_site_id) if details.home_site_id is not None else ""
        self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(home)))
        self.hours_edit = named(QLineEdit(hours_text(details.contracted_minutes)), "staffHours")
        self.hours_edit.setPlaceholderText("37.5")
        self.teams_list = _team_list(form.teams, details.team_ids, person.team)
        self.level_combos: dict[uuid.UUID, QComboBox] = {}
        skills = self._skill_grid(form.skills, form.levels)
        self.add_field(
            "phone",
            "&Phone:",
            self.phone_edit,
            "A whole number is saved in international form, so anyone on call can be rung "
            "from any site.",
        )
        self.add_field("home_site", "&Home site:", self.site_combo)
        self.add_field(
            "hours",
            "Hours a &week:",
            self.hours_edit,
            "Contracted hours, as 37.5 or 37:30; empty for none. The roster warns past them.",
        )
        self.add_field("teams", "&Teams:", self.teams_list, "Space ticks or unticks a team.")
        self.add_field(
            "levels",
            "S&kills:",
            skills,
            "1 basic, 2 able, 3 expert: type the digit in a skill's box, or Home for none.",
        )
        self.phone_edit.setFocus()  # the first field has the keyboard when the dialog opens

    def _skill_grid(self, skills: list[SkillRow], levels: Mapping[uuid.UUID, int]) -> QWidget:
        """A level box per skill, two skills a row, scrolling past :data:`SHOWN_SKILL_ROWS`."""
        if not skills:
            note = named(QLabel("No skills are listed yet."), "noSkills", "No skills")
            note.setStyleSheet(f"color: {MUTED};")
            return note
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        for number, skill in enumerate(skills):
            combo = named(QComboBox(grid_host), "skillLevel", f"{skill.name} level")
            combo.addItem(NO_LEVEL, 0)
            for level in LEVELS:
                combo.addItem(f"{level} · {LEVEL_WORDS[level]}", level)
            combo.setCurrentIndex(max(0, combo.findData(levels.get(skill.id, 0))))
            label = QLabel(skill.name, grid_host)
            label.setBuddy(combo)
            row, column = divmod(number, 2)
            grid.addWidget(label, row, column * 2)
            grid.addWidget(combo, row, column * 2 + 1)
            self.level_combos[skill.id] = combo
        scroll = QScrollArea()
        scroll.setWidget(grid_host)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.ensurePolished()  # measured in the stylesheet's fonts and paddings
        rows = min((len(skills) + 1) // 2, SHOWN_SKILL_ROWS)
        row_height = grid_host.sizeHint().height() / ((len(skills) + 1) // 2)
        scroll.setFixedHeight(round(row_height * rows))
        # Room on the right for the scroll bar, so it never covers the second column's boxes.
        grid.setContentsMargins(0, 0, scroll.verticalScrollBar().sizeHint().width(), 0)
        # Alt+K (the caption's key) goes to the first skill; Tab walks the boxes themselves.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setFocusProxy(next(iter(self.level_combos.values())))
        return scroll

    def check(self) -> dict[str, str]:
        try:
            minutes_from_hours(self.hours_edit.text())
        except ValidationError as wrong:
            return dict(wrong.problems)
        return {}

    def details(self) -> StaffDetails:
        """The details as the form holds them (after :meth:`check` found nothing)."""
        site = self.site_combo.currentData()
        teams = (self.teams_list.item(n) for n in range(self.teams_list.count()))
        return StaffDetails(
            phone=self.phone_edit.text(),
            home_site_id=uuid.UUID(site) if site else None,
            contracted_minutes=minutes_from_hours(self.hours_edit.text()),
            team_ids=frozenset(
                uuid.UUID(item.data(Qt.ItemDataRole.UserRole))
                for item in teams
                if item.checkState() == Qt.CheckState.Checked
            ),
        )

    def levels(self) -> dict[uuid.UUID, int]:
        """Skill id -> level, for the skills given one."""
        return {
            skill_id: combo.currentData()
            for skill_id, combo in self.level_combos.items()
            if combo.currentData()
        }

    def work(self) -> Callable[[], object]:
        engine, me, staff_id = self.context.engine, self.context.me, self.person.id
        details = replace(self.details(), skills=self.levels())
        return lambda: save_staff_details(engine, me, staff_id, details)  # one transaction

    def subject(self) -> uuid.UUID:
        return self.person.id

    def summary(self) -> str:
        return f"Saved the details of {self.person.name}."


def _team_list(teams: list[TeamRow], member_of: frozenset[uuid.UUID], home: str) -> QListWidget:
    """Every team, ticked where the person is a member; their home team (the one they were
    added to) says so."""
    widget = named(QListWidget(), "staffTeams")
    for team in teams:
        item = QListWidgetItem(f"{team.name} (home team)" if team.name == home else team.name)
        item.setData(Qt.ItemDataRole.UserRole, str(team.id))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        ticked = team.id in member_of
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        widget.addItem(item)
    if teams:
        widget.setCurrentRow(0)
    widget.ensurePolished()  # measured in the stylesheet's fonts and paddings
    row = max(widget.sizeHintForRow(0), widget.fontMetrics().height() + 6)
    widget.setFixedHeight(row * max(1, min(len(teams), SHOWN_TEAMS)) + 2 * widget.frameWidth())
    return widget
