"""The Teams page's dialog: add a team or change one (name, e-mail, service-desk flag).

The confirm button runs :func:`app.org.teams.save_team` off the GUI thread; the dialog is
accepted once the change landed, else it stays open with each problem under its field (a
taken name, the last service-desk team), so nothing typed is lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from app.context import AppContext
from app.org.teams import TeamDetail, TeamDraft, save_team
from ui.kit.widgets import named
from ui.kit.write_dialog import WriteDialog


class TeamDialog(WriteDialog):
    """Add a team (``team`` None) or change ``team`` (object name ``teamDialog``);
    :attr:`outcome` is the team's id."""

    def __init__(
        self, context: AppContext, team: TeamDetail | None, parent: QWidget | None = None
    ) -> None:
        title = f"Team {team.name}" if team else "Add team"
        super().__init__(context, "teamDialog", title, "&Save" if team else "&Add", parent)
        self.team = team
        self.name_edit = named(QLineEdit(team.name if team else ""), "teamName")
        self.name_edit.setPlaceholderText("As people ask for it: Network, Field service")
        self.email_edit = named(QLineEdit(team.email if team else ""), "teamEmail")
        self.email_edit.setPlaceholderText("network@example.org (optional)")
        self.desk_check = named(QCheckBox("This is a &service-desk team"), "teamServiceDesk")
        self.desk_check.setChecked(bool(team and team.is_service_desk))
        self.add_field("name", "&Name:", self.name_edit)
        self.add_field("email", "&E-mail:", self.email_edit)
        self.add_field(
            "is_service_desk",
            "First level:",
            self.desk_check,
            "Tickets resolved in a service-desk team count as first-level resolution; at "
            "least one team is one.",
        )

    def draft(self) -> TeamDraft:
        return TeamDraft(self.name_edit.text(), self.email_edit.text(), self.desk_check.isChecked())

    def work(self) -> Callable[[], object]:
        engine, me, draft = self.context.engine, self.context.me, self.draft()
        team_id = self.team.id if self.team else None
        return lambda: save_team(engine, me, draft, team_id)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)  # save_team's answer
        return self.outcome

    def summary(self) -> str:
        name = " ".join(self.name_edit.text().split())
        return f"Saved team {name}." if self.team else f"Added team {name}."
