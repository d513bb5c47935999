"""The ticket editor follows the permission table (app/permissions.py) for the person signed
in: what their role may not do is shown disabled, saying who may, and Tab passes it by; a
role taken away while the editor is open is refused by the service, said in the editor's
error banner, and nothing typed is lost.

Driven with clicks and keys as in tests/test_ticket_editor.py, on each back end.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, update
from sqlmodel import col

from app.context import AppContext
from app.permissions import Action, may, refusal
from app.tickets.actions import change_status
from app.tickets.detail import TicketDetail, get_ticket
from models.engine import write_session
from models.enums import StaffRole, TicketStatus
from models.org import Staff
from tests.conftest import Org
from tests.test_ticket_editor import CTRL, click, find, open_ticket, shown_editor, ticket
from ui.tickets.editor import TicketEditor
from ui.tickets.form import Permits

S = TicketStatus
CLOSE, REOPEN = "transition_CLOSED", "transition_IN_PROGRESS"
STAFF = {  # the org's staff, by role
    "ann": StaffRole.OPERATOR,
    "bob": StaffRole.TECHNICIAN,
    "mia": StaffRole.MANAGER,
    "ada": StaffRole.ADMIN,
}


def resolved_ticket(engine: Engine, org: Org) -> TicketDetail:
    detail = ticket(engine, org)
    return change_status(engine, detail.id, detail.version, S.RESOLVED, org.bob, "Fixed")


def change_staff(engine: Engine, org: Org, username: str, **values: object) -> None:
    """What an admin's change to a staff member (their role, their account) leaves in the
    database, made while their editor is open."""
    with write_session(engine) as session:
        staff_id = getattr(org, username)
        session.execute(update(Staff).where(col(Staff.id) == staff_id).values(**values))


def status(editor: TicketEditor) -> str:
    return find(editor, QLabel, "statusLabel").text()


def error_text(editor: TicketEditor) -> str:
    banner = find(editor, QLabel, "errorBannerText")
    return banner.text() if banner.isVisible() else ""


@pytest.mark.parametrize("username", list(STAFF))
def test_close_and_reopen_follow_the_table(
    qtbot: QtBot, engine: Engine, org: Org, username: str
) -> None:
    """Disabled, not hidden, for a role the table refuses (an operator learns that a
    technician can); enabled with their usual tooltip for the others."""
    with shown_editor(qtbot, engine, org, poll_ms=0, username=username) as editor:
        open_ticket(qtbot, editor, resolved_ticket(engine, org))
        why = find(editor, QLabel, "refusedLabel")
        for name, action in ((CLOSE, Action.CLOSE_TICKET), (REOPEN, Action.REOPEN_TICKET)):
            button = find(editor, QPushButton, name)
            allowed = may(STAFF[username], action)
            assert button.isVisible()
            assert button.isEnabled() == allowed
            tip = "Move the ticket to " if allowed else refusal(action)
            assert button.toolTip().startswith(tip)
            # Said in words below the row too: Tab skips the button, a tooltip needs a mouse.
            assert (refusal(action) in why.text() and why.isVisible()) != allowed
            assert button.accessibleDescription() == ("" if allowed else refusal(action))


def test_an_operator_is_told_who_may_and_cannot_click_past_it(
    qtbot: QtBot, engine: Engine, org: Org
) -> None:
    detail = resolved_ticket(engine, org)
    with shown_editor(qtbot, engine, org, poll_ms=0, username="ann") as editor:
        open_ticket(qtbot, editor, detail)
        close, reopen = find(editor, QPushButton, CLOSE), find(editor, QPushButton, REOPEN)
        assert close.toolTip() == "Only a technician, a manager or an admin can close tickets."
        assert reopen.toolTip() == "Only a technician, a manager or an admin can reopen tickets."
        qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(reopen, Qt.MouseButton.LeftButton)
        assert not find(editor, QPlainTextEdit, "promptEdit").isVisible()
        assert status(editor) == "Resolved"
        # What the table gives an operator stays theirs: the fields, notes, the flag.
        for name in ("flagButton", "addNoteButton", "saveButton"):
            assert find(editor, QPushButton, name).isEnabled(), name
        for combo in ("assigneeCombo", "teamCombo", "categoryCombo"):
            assert find(editor, QComboBox, combo).isEnabled(), combo
        assert find(editor, QPlainTextEdit, "noteEdit").isEnabled()
    assert get_ticket(engine, detail.id).status == S.RESOLVED


def test_a_technician_closes_and_reopens(qtbot: QtBot, engine: Engine, org: Org) -> None:
    detail = resolved_ticket(engine, org)
    with shown_editor(qtbot, engine, org, poll_ms=0, username="bob") as editor:
        open_ticket(qtbot, editor, detail)
        click(qtbot, editor, REOPEN)
        note = find(editor, QPlainTextEdit, "promptEdit")
        assert note.hasFocus()
        qtbot.keyClicks(note, "Jammed again")
        with qtbot.waitSignal(editor.saved):
            qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)
        assert status(editor) == "In progress"

        click(qtbot, editor, "transition_RESOLVED")
        qtbot.keyClicks(note, "New roller")
        with qtbot.waitSignal(editor.saved):
            qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)
        close = find(editor, QPushButton, CLOSE)
        qtbot.waitUntil(close.isVisible)
        close.setFocus()
        with qtbot.waitSignal(editor.saved):
            qtbot.keyClick(close, Qt.Key.Key_Space)  # by keyboard alone
        assert status(editor) == "Closed"
        assert find(editor, QPushButton, REOPEN).isEnabled()
    assert get_ticket(engine, detail.id).status == S.CLOSED


@pytest.mark.parametrize(("username", "next_control"), [("ann", "flagButton"), ("bob", CLOSE)])
def test_tab_passes_over_what_the_role_may_not_do(
    qtbot: QtBot, engine: Engine, org: Org, username: str, next_control: str
) -> None:
    """From the last field, Tab goes along the actions row, skipping the disabled."""
    with shown_editor(qtbot, engine, org, poll_ms=0, username=username) as editor:
        open_ticket(qtbot, editor, resolved_ticket(engine, org))
        team = find(editor, QComboBox, "teamCombo")
        team.setFocus()
        qtbot.keyClick(team, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is find(editor, QPushButton, next_control)


def test_a_role_taken_away_meanwhile_is_refused_and_nothing_typed_is_lost(
    qtbot: QtBot, engine: Engine, org: Org
) -> None:
    """Bob opened the editor as a technician; an admin makes him an operator. The buttons
    still offer a reopen, the service refuses it: the refusal shows in the error banner,
    the reason and the unsent note stay, and Dismiss gives the keyboard back."""
    detail = resolved_ticket(engine, org)
    with shown_editor(qtbot, engine, org, poll_ms=0, username="bob") as editor:
        open_ticket(qtbot, editor, detail)
        change_staff(engine, org, "bob", role=StaffRole.OPERATOR)
        worklog_note = find(editor, QPlainTextEdit, "noteEdit")
        qtbot.keyClicks(worklog_note, "Called the vendor")
        click(qtbot, editor, REOPEN)
        reason = find(editor, QPlainTextEdit, "promptEdit")
        qtbot.keyClicks(reason, "Jammed again")
        qtbot.keyClick(reason, Qt.Key.Key_Return, CTRL)

        qtbot.waitUntil(lambda: refusal(Action.REOPEN_TICKET) in error_text(editor))
        assert reason.isVisible() and reason.toPlainText() == "Jammed again"
        assert worklog_note.toPlainText() == "Called the vendor"
        assert status(editor) == "Resolved"
        dismiss = find(editor, QPushButton, "dismissErrorButton")
        assert dismiss.hasFocus()
        qtbot.keyClick(dismiss, Qt.Key.Key_Space)
        assert error_text(editor) == ""
        assert reason.hasFocus()  # back where Bob was typing

        qtbot.keyClick(reason, Qt.Key.Key_Escape)
        click(qtbot, editor, CLOSE)
        qtbot.waitUntil(lambda: refusal(Action.CLOSE_TICKET) in error_text(editor))
        assert status(editor) == "Resolved"
        assert worklog_note.toPlainText() == "Called the vendor"
    assert get_ticket(engine, detail.id).status == S.RESOLVED


@pytest.mark.parametrize(
    ("role", "enabled"), [("Operator", False), ("Technician", True), ("", True)]
)
def test_the_table_decides_and_an_unknown_role_is_left_to_the_service(
    qtbot: QtBot, engine: Engine, org: Org, role: str, enabled: bool
) -> None:
    button = QPushButton("Close")
    qtbot.addWidget(button)
    button.setToolTip("Move the ticket to Closed")
    permits = Permits(AppContext(engine=engine, me=org.ann, username="ann", role=role))
    permits.require(button, (Action.EDIT_TICKET, Action.CLOSE_TICKET))
    permits.enable(button)
    assert button.isEnabled() == enabled
    assert button.toolTip() == (
        "Move the ticket to Closed" if enabled else refusal(Action.CLOSE_TICKET)
    )
    permits.enable(button, False)  # busy: disabled whatever the role
    assert not button.isEnabled()


def test_a_save_refused_meanwhile_keeps_the_edits(qtbot: QtBot, engine: Engine, org: Org) -> None:
    """Bob's account is deactivated while he edits: Ctrl+S is refused in the banner, and
    his edits stay in the form, still unsaved."""
    detail = ticket(engine, org)
    with shown_editor(qtbot, engine, org, poll_ms=0, username="bob") as editor:
        open_ticket(qtbot, editor, detail)
        change_staff(engine, org, "bob", active=False)
        summary = find(editor, QLineEdit, "summaryEdit")
        summary.selectAll()
        qtbot.keyClicks(summary, "Printer jams on tray 2")
        qtbot.keyClick(summary, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda: "not an active staff member" in error_text(editor))
        assert summary.text() == "Printer jams on tray 2"
        assert find(editor, QLabel, "dirtyLabel").isVisible()
        qtbot.keyClick(find(editor, QPushButton, "dismissErrorButton"), Qt.Key.Key_Space)
        assert summary.hasFocus()
    assert get_ticket(engine, detail.id).summary == "Printer jams"
