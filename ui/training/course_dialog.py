"""The training log's course editor: add a course or change one (name, provider, the skill it
teaches and the level it gives, how long its certificate is valid, who must hold it), written
by :func:`app.training.courses.save_course` off the GUI thread; and the small dialog that adds
a skill to the list from it.

Each broken rule comes back at its field (a taken name, a level without a skill, a course
whose renewal is required but whose certificate never expires), and nothing is saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from app.context import AppContext
from app.pick_lists import Choice
from app.training.choices import TrainingChoices
from app.training.courses import (
    MAX_NAME,
    MAX_PROVIDER,
    MAX_VALIDITY_MONTHS,
    CourseDetail,
    CourseDraft,
    save_course,
)
from app.training.skills import save_skill
from models.enums import StaffRole
from ui.kit.widgets import named, page_button, signals_blocked
from ui.kit.write_dialog import WriteDialog

LEVELS = {1: "1 — basic", 2: "2 — able", 3: "3 — expert"}
TEAM_ROWS = 4  # teams the list shows before it scrolls


class SkillDialog(WriteDialog):
    """Add a skill to the list (object name ``skillDialog``); :attr:`outcome` is its id."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "skillDialog", "Add skill", "&Add", parent)
        self.name_edit = named(QLineEdit(), "skillName")
        self.name_edit.setPlaceholderText("Networking, Printers, Active Directory…")
        self.add_field("name", "&Name:", self.name_edit)
        self.name_edit.setFocus()

    def name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def work(self) -> Callable[[], object]:
        engine, me, name = self.context.engine, self.context.me, self.name()
        return lambda: save_skill(engine, me, name)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_skill's answer
        return self.outcome

    def summary(self) -> str:
        return f"Added skill {self.name()}."


class CourseDialog(WriteDialog):
    """Add a course (``detail`` None) or change one (object name ``courseDialog``);
    :attr:`outcome` is the course's id. :attr:`skillAdded` tells that the skill list grew."""

    skillAdded = Signal()

    def __init__(
        self,
        context: AppContext,
        choices: TrainingChoices,
        detail: CourseDetail | None,
        parent: QWidget | None = None,
    ) -> None:
        draft = detail.draft if detail else CourseDraft("")
        title = f"Course {draft.name}" if detail else "Add course"
        super().__init__(context, "courseDialog", title, "&Save" if detail else "&Add", parent)
        self.detail = detail
        self.name_edit = named(QLineEdit(draft.name), "courseName")
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.setPlaceholderText("As its certificate names it: ITIL 4 Foundation…")
        self.provider_edit = named(QLineEdit(draft.provider), "courseProvider")
        self.provider_edit.setMaxLength(MAX_PROVIDER)
        self.provider_edit.setPlaceholderText("Who gives it (optional)")

        skill_row = QWidget()
        self.skill_combo = named(QComboBox(), "courseSkill", "Skill taught")
        self.skill_combo.addItem("None", "")
        self._add_skills(choices.skills)
        self.skill_combo.setCurrentIndex(max(0, self.skill_combo.findData(str(draft.skill_id))))
        add_skill = page_button(
            skill_row, "Add s&kill…", "addSkill", "Add a skill to the list", self.add_skill
        )
        skill_layout = QHBoxLayout(skill_row)
        skill_layout.setContentsMargins(0, 0, 0, 0)
        skill_layout.addWidget(self.skill_combo, 1)
        skill_layout.addWidget(add_skill)
        self.level_combo = named(QComboBox(), "courseLevel")
        self.level_combo.addItem("—", 0)
        for level, words in LEVELS.items():
            self.level_combo.addItem(words, level)
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(draft.skill_level or 0)))
        self.skill_combo.currentIndexChanged.connect(self._skill_chosen)

        self.validity_spin = named(QSpinBox(), "courseValidity")
        self.validity_spin.setRange(0, MAX_VALIDITY_MONTHS)
        self.validity_spin.setSpecialValueText("Never expires")
        self.validity_spin.setSuffix(" months")
        self.validity_spin.setValue(draft.validity_months or 0)
        self.renewal_check = named(
            QCheckBox("Renewal re&quired: the certificate runs out and is taken again"),
            "courseRenewal",
        )
        self.renewal_check.setChecked(draft.renewal_required)

        roles_row = QWidget()
        roles_layout = QHBoxLayout(roles_row)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        self.role_checks: dict[StaffRole, QCheckBox] = {}
        for role in StaffRole:
            check = named(QCheckBox(f"{role.label}s"), f"courseRole{role.label}")
            check.setChecked(role in draft.required_roles)
            roles_layout.addWidget(check)
            self.role_checks[role] = check
        roles_layout.addStretch(1)
        roles_row.setFocusProxy(self.role_checks[StaffRole.OPERATOR])
        self.teams_list = named(QListWidget(), "courseTeams")
        for team in choices.teams:
            item = QListWidgetItem(team.label)
            item.setData(Qt.ItemDataRole.UserRole, str(team.id))
            checked = team.id in draft.required_team_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.teams_list.addItem(item)
        rows = min(TEAM_ROWS, max(1, len(choices.teams)))
        self.teams_list.setFixedHeight(self.teams_list.sizeHintForRow(0) * rows + 8)

        self.add_field("name", "&Name:", self.name_edit)
        self.add_field("provider", "&Provider:", self.provider_edit)
        self.add_field("skill", "&Skill taught:", skill_row)
        self.add_field("skill_level", "&Level it gives:", self.level_combo)
        self.add_field(
            "validity_months",
            "&Valid for:",
            self.validity_spin,
            "How long a certificate lasts, from the day the course was passed.",
        )
        self.add_field("renewal", "", self.renewal_check)
        self.add_field("required_roles", "Required of &roles:", roles_row)
        self.add_field(
            "required_teams",
            "Required of &teams:",
            self.teams_list,
            "Space ticks a team. Anyone in a role or a team ticked must hold the course.",
        )
        self._skill_chosen()
        self.name_edit.setFocus()

    # -- the skill ----------------------------------------------------------------------------
    def add_skill(self) -> None:
        """Add s&kill…: a new skill for the list, chosen here once added."""
        dialog = SkillDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._skill_added(Choice(dialog.subject(), dialog.name())))
        dialog.open()

    def _skill_added(self, skill: Choice) -> None:
        self._add_skills([skill])
        self.skill_combo.setCurrentIndex(self.skill_combo.findData(str(skill.id)))
        self.skill_combo.setFocus()
        self.skillAdded.emit()

    def _add_skills(self, skills: Sequence[Choice]) -> None:
        for skill in skills:
            self.skill_combo.addItem(skill.label, str(skill.id))

    def _skill_chosen(self) -> None:
        """A level goes with a skill: none without one, 1 when one is first chosen."""
        has_skill = bool(self.skill_combo.currentData())
        with signals_blocked(self.level_combo):
            if not has_skill:
                self.level_combo.setCurrentIndex(0)
            elif not self.level_combo.currentData():
                self.level_combo.setCurrentIndex(1)
        self.level_combo.setEnabled(has_skill)

    # -- the write ----------------------------------------------------------------------------
    def draft(self) -> CourseDraft:
        skill = self.skill_combo.currentData()
        return CourseDraft(
            name=self.name_edit.text(),
            provider=self.provider_edit.text(),
            skill_id=uuid.UUID(skill) if skill else None,
            skill_level=self.level_combo.currentData() or None,
            validity_months=self.validity_spin.value() or None,
            required_roles=frozenset(
                role for role, check in self.role_checks.items() if check.isChecked()
            ),
            required_team_ids=frozenset(
                uuid.UUID(item.data(Qt.ItemDataRole.UserRole))
                for item in map(self.teams_list.item, range(self.teams_list.count()))
                if item.checkState() == Qt.CheckState.Checked
            ),
            renewal_required=self.renewal_check.isChecked(),
        )

    def work(self) -> Callable[[], object]:
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        course_id = self.detail.id if self.detail else None
        return lambda: save_course(engine, me, draft, course_id)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_course's answer
        return self.outcome

    def summary(self) -> str:
        name = " ".join(self.name_edit.text().split())
        return f"Saved course {name}." if self.detail else f"Added course {name}."
