"""The ticket editor driven as a person would: typing, Ctrl+S, clicking buttons.

Every wait is on a signal or a condition; the database work runs in the thread pool, so a
test never sleeps and never asserts how long anything took. The workstation's clock is in
HQ's zone (Europe/London) unless a test says otherwise, so HQ's times carry no zone label.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QRect, Qt, QThreadPool
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlmodel import func, select

from app.context import AppContext
from app.defaults import staff_name_and_role
from app.permissions import PERMISSIONS, Action
from app.tickets.actions import (
    TicketDraft,
    change_status,
    create_ticket,
    flag_manager,
    update_ticket,
)
from app.tickets.detail import TicketDetail, get_ticket
from models.clock import utcnow
from models.engine import make_engine, read_session, write_session
from models.enums import Channel, Priority, ShiftKind, StaffRole, TicketStatus
from models.org import Staff
from models.roster import CategorySkill, Shift, ShiftType, Skill, StaffSkill
from models.tickets import Ticket
from tests.conftest import NOW, QUIET, Org, RunningClock, dispose_window
from ui.tickets.editor import TicketEditor
from ui.tickets.form import TicketForm
from ui.tickets.requests import TicketRequest
from ui.tickets.suggestions import AssigneeSuggestions
from ui.tickets.timeline import format_clock, format_local, format_minutes, use_workstation_zone

S = TicketStatus
T = TypeVar("T", bound=QObject)
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there


@pytest.fixture(autouse=True)
def workstation_in_london() -> Iterator[None]:
    """Never the zone of the machine running the tests: that of HQ."""
    with use_workstation_zone("Europe/London"):
        yield


@contextmanager
def shown_editor(
    qtbot: QtBot, engine: Engine, org: Org, poll_ms: int, username: str = "ann"
) -> Iterator[TicketEditor]:
    """Ann's editor on screen (or that of the org's staff member ``username``, signed in
    with their name and role, as the window does); ``poll_ms`` 0: it looks for saves made
    elsewhere only when a test calls ``poll()``."""
    me = getattr(org, username)
    name, role = staff_name_and_role(engine, me)
    context = AppContext(engine=engine, me=me, username=username, name=name, role=role)
    widget = TicketEditor(context, poll_ms=poll_ms)
    widget.resize(1100, 750)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)
    yield widget
    # Nothing of this test may run during the next one: wait for the workers, then delete
    # the editor (with its type-ahead timer) now rather than at the next event loop pass.
    QThreadPool.globalInstance().waitForDone()
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def editor(qtbot: QtBot, engine: Engine, org: Org) -> Iterator[TicketEditor]:
    with shown_editor(qtbot, engine, org, poll_ms=0) as widget:
        yield widget


def find(editor: QObject, kind: type[T], name: str) -> T:
    """The child a person would look for, by its objectName."""
    widget = editor.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


def ticket(engine: Engine, org: Org, **fields: Any) -> TicketDetail:
    draft = TicketDraft(summary="Printer jams", caller_id=org.alice)
    return create_ticket(engine, replace(draft, **fields), org.ann)


def open_ticket(qtbot: QtBot, editor: TicketEditor, detail: TicketDetail) -> None:
    editor.open_ticket(detail.id)
    qtbot.waitUntil(lambda: find(editor, QLabel, "numberLabel").text() == detail.number)
    qtbot.waitUntil(lambda: find(editor, QPushButton, "saveButton").isEnabled())


def new_ticket(qtbot: QtBot, editor: TicketEditor) -> None:
    editor.new_ticket()
    qtbot.waitUntil(lambda: find(editor, QComboBox, "assigneeCombo").count() > 1)


def pick_caller(qtbot: QtBot, editor: TicketEditor, typed: str) -> None:
    """Type the start of a name, wait for the list, choose the first entry by keyboard."""
    caller = find(editor, QLineEdit, "callerEdit")
    caller.setFocus()
    qtbot.keyClicks(caller, typed)
    popup = find(editor, QCompleter, "").popup()  # its own window while shown
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def save(qtbot: QtBot, editor: TicketEditor) -> TicketDetail:
    with qtbot.waitSignal(editor.saved) as blocker:
        qtbot.keyClick(find(editor, QLineEdit, "summaryEdit"), Qt.Key.Key_S, CTRL)
    return blocker.args[0]


def click(qtbot: QtBot, editor: TicketEditor, name: str) -> None:
    """Click a button once it is on screen where it is drawn (new buttons are laid out
    by the event loop, and a click lands on whatever is at that spot of the window)."""
    button = find(editor, QPushButton, name)

    def on_screen() -> bool:
        centre = button.mapTo(editor, button.rect().center())
        return button.isVisible() and editor.childAt(centre) is button

    qtbot.waitUntil(on_screen)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def transition_names(editor: TicketEditor) -> set[str]:
    row = find(editor, QWidget, "actionsRow")
    return {
        b.objectName()
        for b in row.findChildren(QPushButton)
        if b.objectName().startswith("transition_") and not b.isHidden()
    }


def visible_errors(editor: TicketEditor) -> list[QLabel]:
    return [e for e in editor.findChildren(QLabel, "fieldError") if e.isVisible()]


def count_tickets(engine: Engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(Ticket)).one()


def timeline_text(editor: TicketEditor) -> str:
    return find(editor, QTextBrowser, "timeline").toPlainText()


# ---------------------------------------------------------------------------- new tickets


def test_the_caller_is_found_as_at_the_call_desk_by_asset_tag_or_ticket_number(
    qtbot: QtBot,
    editor: TicketEditor,
    engine: Engine,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The picker is the call desk's ranked lookup, not a search of names alone."""
    zoes = ticket(engine, org, caller_id=org.zoe, summary="VPN drops")
    new_ticket(qtbot, editor)
    pick_caller(qtbot, editor, zoes.number)
    assert find(editor, QLineEdit, "callerEdit").text() == "Zoe O'Brien"

    monkeypatch.setattr(editor, "confirm_discard", lambda: True)  # the pick is let go
    new_ticket(qtbot, editor)
    qtbot.waitUntil(lambda: find(editor, QLineEdit, "callerEdit").text() == "")
    pick_caller(qtbot, editor, "LT-0001")
    assert find(editor, QLineEdit, "callerEdit").text() == "Alice Müller"
    popup = find(editor, QCompleter, "").popup()
    assert popup is not None and "asset: LT-0001" in popup.model().index(0, 0).data()


def test_new_ticket_is_typed_and_saved(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    new_ticket(qtbot, editor)
    pick_caller(qtbot, editor, "ali")
    assert find(editor, QLineEdit, "callerEdit").text() == "Alice Müller"
    asset = find(editor, QComboBox, "assetCombo")
    qtbot.waitUntil(lambda: asset.count() > 1)  # the caller's assets, looked up
    qtbot.keyClick(asset, Qt.Key.Key_Down)
    assert asset.currentText().startswith("LT-0001")
    qtbot.keyClicks(find(editor, QLineEdit, "summaryEdit"), "Laptop will not boot")
    qtbot.keyClicks(find(editor, QPlainTextEdit, "descriptionEdit"), "Black screen")
    impact = find(editor, QComboBox, "impactCombo")
    priority = find(editor, QLabel, "priorityLabel")
    assert priority.text() == Priority.LOW.label
    qtbot.keyClick(impact, Qt.Key.Key_Up)
    assert priority.text() == Priority.LOW.label  # department x can wait
    qtbot.keyClick(find(editor, QComboBox, "urgencyCombo"), Qt.Key.Key_Up)
    assert priority.text() == Priority.MEDIUM.label  # shown before saving
    assert editor.has_unsaved_changes()

    saved = save(qtbot, editor)

    assert saved.number == "HQ-000001"
    assert find(editor, QLabel, "numberLabel").text() == "HQ-000001"
    stored = get_ticket(engine, saved.id)
    assert (stored.summary, stored.description) == ("Laptop will not boot", "Black screen")
    assert (stored.caller_id, stored.asset_id, stored.site_id) == (org.alice, org.laptop, org.hq)
    assert (stored.impact, stored.urgency, stored.priority) == (2, 2, Priority.MEDIUM)
    assert not editor.has_unsaved_changes()
    assert "Created the ticket" in timeline_text(editor)


def test_a_new_ticket_goes_to_the_callers_site(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    new_ticket(qtbot, editor)
    pick_caller(qtbot, editor, "zoe")
    site = find(editor, QComboBox, "siteCombo")
    qtbot.waitUntil(lambda: site.currentText().startswith("NY"))
    qtbot.keyClicks(find(editor, QLineEdit, "summaryEdit"), "VPN drops")
    assert save(qtbot, editor).number == "NY-000001"


def test_empty_summary_is_shown_next_to_the_field_and_nothing_is_saved(
    qtbot: QtBot, editor: TicketEditor, engine: Engine
) -> None:
    new_ticket(qtbot, editor)
    qtbot.keyClicks(find(editor, QPlainTextEdit, "descriptionEdit"), "Something broke")
    qtbot.keyClick(find(editor, QPlainTextEdit, "descriptionEdit"), Qt.Key.Key_S, CTRL)

    # Every problem at once: the summary, and the site (there is no caller to take it from).
    error, site_error = visible_errors(editor)
    assert error.text() == "Write a short summary of the problem."
    assert site_error.text() == "Choose the site the ticket belongs to."
    summary = find(editor, QLineEdit, "summaryEdit")
    below = summary.mapTo(editor, QPoint(0, summary.height()))
    at = error.mapTo(editor, QPoint(0, 0))
    assert at.x() == below.x() and 0 <= at.y() - below.y() < summary.height()
    assert error.palette().color(error.foregroundRole()).red() > 150
    assert summary.hasFocus()  # the first problem's field
    assert count_tickets(engine) == 0

    qtbot.keyClicks(summary, "Something broke")
    site = find(editor, QComboBox, "siteCombo")
    site.setFocus()
    qtbot.keyClick(site, Qt.Key.Key_Down)
    assert save(qtbot, editor).number == "HQ-000001"
    assert visible_errors(editor) == []


def test_service_validation_lands_under_the_field(
    qtbot: QtBot, editor: TicketEditor, engine: Engine
) -> None:
    new_ticket(qtbot, editor)
    qtbot.keyClick(find(editor, QComboBox, "siteCombo"), Qt.Key.Key_Down)  # only one problem
    qtbot.keyClicks(find(editor, QLineEdit, "summaryEdit"), "x" * 201)
    qtbot.keyClick(find(editor, QLineEdit, "summaryEdit"), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: len(visible_errors(editor)) == 1)
    assert "under 200 characters" in visible_errors(editor)[0].text()
    assert count_tickets(engine) == 0
    assert not find(editor, QWidget, "errorBanner").isVisible()


def test_a_caller_must_be_picked_from_the_list(
    qtbot: QtBot, editor: TicketEditor, engine: Engine
) -> None:
    new_ticket(qtbot, editor)
    qtbot.keyClick(find(editor, QComboBox, "siteCombo"), Qt.Key.Key_Down)  # only one problem
    qtbot.keyClicks(find(editor, QLineEdit, "callerEdit"), "Nobody Known")
    qtbot.keyClicks(find(editor, QLineEdit, "summaryEdit"), "Mouse")
    qtbot.keyClick(find(editor, QLineEdit, "summaryEdit"), Qt.Key.Key_S, CTRL)
    [error] = visible_errors(editor)
    assert "Pick the caller" in error.text()
    assert find(editor, QLineEdit, "callerEdit").hasFocus()
    assert count_tickets(engine) == 0


def test_resolved_on_the_call(qtbot: QtBot, editor: TicketEditor, engine: Engine) -> None:
    new_ticket(qtbot, editor)
    pick_caller(qtbot, editor, "alice@")
    qtbot.keyClicks(find(editor, QLineEdit, "summaryEdit"), "Password reset")
    fcr = find(editor, QCheckBox, "fcrCheck")
    fcr.setFocus()
    qtbot.keyClick(fcr, Qt.Key.Key_Space)
    resolution = find(editor, QPlainTextEdit, "resolutionEdit")
    assert resolution.isVisible()
    qtbot.keyClick(resolution, Qt.Key.Key_S, CTRL)
    assert [e.text() for e in visible_errors(editor)] == ["Say how the problem was solved."]
    qtbot.keyClicks(resolution, "Reset it while on the phone")
    saved = save(qtbot, editor)
    assert (saved.status, saved.first_contact_resolution) == (S.RESOLVED, True)
    assert "Reset it while on the phone" in timeline_text(editor)


def test_only_phone_and_walk_in_can_be_resolved_on_the_call(
    qtbot: QtBot, editor: TicketEditor
) -> None:
    new_ticket(qtbot, editor)
    channel = find(editor, QComboBox, "channelCombo")
    channel.setCurrentIndex(channel.findData(int(Channel.EMAIL)))
    assert not find(editor, QCheckBox, "fcrCheck").isEnabled()


def test_save_is_disabled_while_saving(qtbot: QtBot, editor: TicketEditor) -> None:
    new_ticket(qtbot, editor)
    qtbot.keyClicks(find(editor, QLineEdit, "summaryEdit"), "Monitor flickers")
    qtbot.keyClick(find(editor, QComboBox, "siteCombo"), Qt.Key.Key_Down)
    button = find(editor, QPushButton, "saveButton")
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(find(editor, QLineEdit, "summaryEdit"), Qt.Key.Key_S, CTRL)
        # The worker's answer cannot arrive before the event loop runs again.
        assert not button.isEnabled()
    assert button.isEnabled()


# ---------------------------------------------------------------------------- existing tickets


def test_edit_and_save_shows_the_change_in_the_timeline(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    assert not editor.has_unsaved_changes()
    summary = find(editor, QLineEdit, "summaryEdit")
    qtbot.keyClick(summary, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(summary, "Toner empty")
    assert find(editor, QLabel, "dirtyLabel").isVisible()

    saved = save(qtbot, editor)

    assert saved.version == detail.version + 1
    assert get_ticket(engine, detail.id).summary == "Toner empty"
    assert "Summary: Printer jams → Toner empty" in timeline_text(editor)
    assert "Ann Operator" in timeline_text(editor)
    assert not find(editor, QLabel, "dirtyLabel").isVisible()
    assert status_text(editor) == "Saved HQ-000001 at 10:00"


def test_what_was_done_stays_in_the_status_line_until_the_next_edit(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org, clock: RunningClock
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    assert status_text(editor) == ""  # nothing done yet
    description = find(editor, QPlainTextEdit, "descriptionEdit")
    description.setFocus()
    qtbot.keyClicks(description, "Tray 2")
    clock.set(datetime(2026, 11, 24, 14, 2, tzinfo=UTC))
    save(qtbot, editor)
    assert status_text(editor) == "Saved HQ-000001 at 14:02"
    assert not find(editor, QLabel, "dirtyLabel").isVisible()

    qtbot.keyClicks(description, " only")  # the next edit: the message makes way
    assert status_text(editor) == ""
    assert find(editor, QLabel, "dirtyLabel").isVisible()
    click(qtbot, editor, "transition_WAITING_CALLER")  # saves the edit, then moves it
    moved = "Moved HQ-000001 to Waiting on caller at 14:02"
    qtbot.waitUntil(lambda: status_text(editor) == moved)

    note = find(editor, QPlainTextEdit, "noteEdit")
    note.setFocus()
    qtbot.keyClicks(note, "Called back")
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)
    assert status_text(editor) == "Added a note to HQ-000001 at 14:02"
    assert not find(editor, QLabel, "dirtyLabel").isVisible()


def test_choosing_an_assignee_is_saved_with_their_team(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    assignee = find(editor, QComboBox, "assigneeCombo")
    assignee.setCurrentIndex(assignee.findText("Bob Tech"))
    saved = save(qtbot, editor)
    assert (saved.assignee_name, saved.team_name, saved.status) == (
        "Bob Tech",
        "Network",
        S.ASSIGNED,
    )
    assert find(editor, QComboBox, "teamCombo").currentText() == "Network"


def test_only_allowed_transitions_are_offered(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    assert transition_names(editor) == {
        "transition_ASSIGNED",
        "transition_IN_PROGRESS",
        "transition_WAITING_CALLER",
        "transition_RESOLVED",
    }
    assert find(editor, QPushButton, "transition_RESOLVED").text() == "Resolve"
    resolved = change_status(engine, detail.id, detail.version, S.RESOLVED, org.bob, "Done")
    open_ticket(qtbot, editor, resolved)
    assert transition_names(editor) == {"transition_CLOSED", "transition_IN_PROGRESS"}
    assert find(editor, QPushButton, "transition_IN_PROGRESS").text() == "Reopen"
    assert not find(editor, QPushButton, "escalateButton").isVisible()


def test_a_plain_transition_needs_no_note(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    with qtbot.waitSignal(editor.saved) as blocker:
        click(qtbot, editor, "transition_WAITING_CALLER")
    assert blocker.args[0].status == S.WAITING_CALLER
    assert "paused" in find(editor, QLabel, "slaLabel").text()
    assert "transition_WAITING_CALLER" not in transition_names(editor)


def test_assign_uses_the_assignee_chosen_in_the_form(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    click(qtbot, editor, "transition_ASSIGNED")
    qtbot.waitUntil(lambda: len(visible_errors(editor)) == 1)
    assert "Choose an assignee or a team" in visible_errors(editor)[0].text()
    team = find(editor, QComboBox, "teamCombo")
    team.setCurrentIndex(team.findText("Service desk"))
    with qtbot.waitSignal(editor.saved) as blocker:
        click(qtbot, editor, "transition_ASSIGNED")
    assert (blocker.args[0].status, blocker.args[0].team_name) == (S.ASSIGNED, "Service desk")


def test_resolve_asks_for_a_note(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    detail = change_status(engine, detail.id, detail.version, S.IN_PROGRESS, org.bob)
    open_ticket(qtbot, editor, detail)
    click(qtbot, editor, "transition_RESOLVED")
    note = find(editor, QPlainTextEdit, "promptEdit")
    assert note.isVisible() and note.hasFocus()
    qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)
    error = find(editor, QLabel, "promptError")
    qtbot.waitUntil(error.isVisible)
    assert "resolved" in error.text()
    assert get_ticket(engine, detail.id).status == S.IN_PROGRESS

    qtbot.keyClicks(note, "Replaced the fuser")
    with qtbot.waitSignal(editor.saved) as blocker:
        qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)

    assert blocker.args[0].status == S.RESOLVED
    assert find(editor, QLabel, "statusLabel").text() == "Resolved"
    assert not find(editor, QWidget, "actionPrompt").isVisible()
    assert transition_names(editor) == {"transition_CLOSED", "transition_IN_PROGRESS"}
    assert "Replaced the fuser" in timeline_text(editor)


def test_a_transition_saves_pending_edits_first(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    qtbot.keyClicks(find(editor, QPlainTextEdit, "descriptionEdit"), "Tray 2 only")
    with qtbot.waitSignal(editor.saved):
        click(qtbot, editor, "transition_IN_PROGRESS")
    qtbot.waitUntil(lambda: find(editor, QLabel, "statusLabel").text() == "In progress")
    stored = get_ticket(engine, detail.id)
    assert (stored.description, stored.status, stored.version) == ("Tray 2 only", S.IN_PROGRESS, 3)


def test_resolve_by_keyboard_alone(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    resolve = find(editor, QPushButton, "transition_RESOLVED")
    qtbot.waitUntil(resolve.isVisible)
    resolve.setFocus()
    qtbot.keyClick(resolve, Qt.Key.Key_Space)
    note = find(editor, QPlainTextEdit, "promptEdit")
    assert note.hasFocus()
    qtbot.keyClicks(note, "Cleared the queue")
    with qtbot.waitSignal(editor.saved) as blocker:
        qtbot.keyClick(note, Qt.Key.Key_Enter, CTRL)  # the keypad's Enter works too
    assert blocker.args[0].status == S.RESOLVED


def test_reopen_counts(qtbot: QtBot, engine: Engine, org: Org) -> None:
    detail = ticket(engine, org)
    detail = change_status(engine, detail.id, detail.version, S.RESOLVED, org.bob, "Fixed")
    # Bob the technician's editor: reopening is a technician's call.
    with shown_editor(qtbot, engine, org, poll_ms=0, username="bob") as editor:
        open_ticket(qtbot, editor, detail)
        assert "reopened" not in find(editor, QLabel, "infoLabel").text()
        click(qtbot, editor, "transition_IN_PROGRESS")
        qtbot.keyClicks(find(editor, QPlainTextEdit, "promptEdit"), "Jammed again")
        with qtbot.waitSignal(editor.saved):
            click(qtbot, editor, "promptConfirmButton")
        assert "reopened 1×" in find(editor, QLabel, "infoLabel").text()
    assert get_ticket(engine, detail.id).reopen_count == 1


def test_escalate_to_another_team(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org, assignee_id=org.ann)
    open_ticket(qtbot, editor, detail)
    assert not find(editor, QLabel, "escalatedChip").isVisible()
    click(qtbot, editor, "escalateButton")
    teams = find(editor, QComboBox, "escalateTeamCombo")
    assert teams.hasFocus() and teams.currentText() == "Network"
    qtbot.keyClicks(find(editor, QPlainTextEdit, "promptEdit"), "Core switch down")
    with qtbot.waitSignal(editor.saved) as blocker:
        click(qtbot, editor, "promptConfirmButton")
    escalated = blocker.args[0]
    assert (escalated.team_name, escalated.assignee_id, escalated.escalated) == (
        "Network",
        None,
        True,
    )
    assert find(editor, QComboBox, "teamCombo").currentText() == "Network"
    assert find(editor, QComboBox, "assigneeCombo").currentText() == "(unassigned)"
    assert find(editor, QLabel, "escalatedChip").isVisible()
    assert "Escalated to Network" in timeline_text(editor)
    assert "Core switch down" in timeline_text(editor)
    # Nothing is left unsaved, and the status line says what was done.
    assert not find(editor, QLabel, "dirtyLabel").isVisible()
    assert not editor.has_unsaved_changes()
    assert status_text(editor) == "Escalated HQ-000001 to Network at 10:00"


def test_flag_to_manager_needs_a_reason(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    click(qtbot, editor, "flagButton")
    click(qtbot, editor, "promptConfirmButton")
    error = find(editor, QLabel, "promptError")
    qtbot.waitUntil(error.isVisible)
    assert "manager" in error.text()
    qtbot.keyClicks(find(editor, QPlainTextEdit, "promptEdit"), "VIP, third time")
    with qtbot.waitSignal(editor.saved):
        click(qtbot, editor, "promptConfirmButton")
    flag = find(editor, QLabel, "flagLabel")
    assert flag.isVisible() and "VIP, third time" in flag.text()
    assert get_ticket(engine, detail.id).manager_flagged
    assert not find(editor, QLabel, "dirtyLabel").isVisible()
    assert status_text(editor) == "Flagged HQ-000001 to the manager at 10:00"


def test_esc_closes_the_prompt_before_the_editor(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    click(qtbot, editor, "flagButton")
    prompt = find(editor, QWidget, "actionPrompt")
    with qtbot.assertNotEmitted(editor.done):
        qtbot.keyClick(find(editor, QPlainTextEdit, "promptEdit"), Qt.Key.Key_Escape)
    assert not prompt.isVisible()


def test_notes_with_minutes_show_in_the_timeline_and_total(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    note = find(editor, QPlainTextEdit, "noteEdit")
    minutes = find(editor, QSpinBox, "minutesSpin")
    qtbot.keyClicks(note, "Replaced the drum")
    for _ in range(5):
        qtbot.keyClick(minutes, Qt.Key.Key_Up)
    with qtbot.waitSignal(editor.saved):
        click(qtbot, editor, "addNoteButton")
    assert "Replaced the drum" in timeline_text(editor)
    assert "Added a note (25 min)" in timeline_text(editor)
    assert find(editor, QLabel, "minutesTotal").text() == "Total logged: 25 min"
    assert (note.toPlainText(), minutes.value()) == ("", 0)

    qtbot.keyClicks(note, "Tested duplex")
    minutes.setFocus()
    qtbot.keyClick(minutes, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(minutes, "40")
    assert minutes.value() == 40
    note.setFocus()
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)
    assert find(editor, QLabel, "minutesTotal").text() == "Total logged: 1 h 5 min"
    assert get_ticket(engine, detail.id).minutes_logged == 65


def test_an_empty_note_is_refused_next_to_the_box(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    click(qtbot, editor, "addNoteButton")
    qtbot.waitUntil(lambda: len(visible_errors(editor)) == 1)
    assert visible_errors(editor)[0].text() == "Write the note first."
    assert find(editor, QPlainTextEdit, "noteEdit").hasFocus()


def test_times_are_shown_in_the_sites_time_zone_named_when_it_is_not_the_workstations(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    at = datetime(2024, 11, 18, 14, 5, tzinfo=UTC)
    draft = TicketDraft(summary="VPN", caller_id=org.zoe, urgency=1)
    detail = create_ticket(engine, draft, org.ann, now=at)
    open_ticket(qtbot, editor, detail)  # New York's ticket, on a workstation in London
    assert "created Mon 18 Nov 2024 09:05 EST" in find(editor, QLabel, "infoLabel").text()
    assert "Mon 18 Nov 2024 09:05 EST · Ann Operator" in timeline_text(editor)
    sla = find(editor, QLabel, "slaLabel").text()
    assert "Response due Mon 18 Nov 2024 13:05 EST" in sla and "breached" in sla

    with use_workstation_zone("America/New_York"):  # a workstation in New York
        open_ticket(qtbot, editor, create_ticket(engine, draft, org.ann, now=at))
        info = find(editor, QLabel, "infoLabel").text()
        assert "created Mon 18 Nov 2024 09:05" in info and "EST" not in info
        assert "Mon 18 Nov 2024 09:05 · Ann Operator" in timeline_text(editor)
        assert "EST" not in find(editor, QLabel, "slaLabel").text()


def test_format_local() -> None:
    now = datetime(2022, 11, 1, tzinfo=UTC)
    assert format_local(datetime(2022, 11, 28, 14, 5, tzinfo=UTC), "Europe/London", now) == (
        "Mon 28 Nov 14:05"
    )
    assert format_local(datetime(2021, 7, 1, 23, 30, tzinfo=UTC), "Europe/Berlin", now) == (
        "Fri 2 Jul 2021 01:30 CEST"
    )
    assert [format_minutes(m) for m in (0, 45, 60, 95)] == ["0 min", "45 min", "1 h", "1 h 35 min"]


def test_a_zone_is_named_only_where_its_clock_differs_from_the_workstations() -> None:
    now = datetime(2022, 11, 1, 12, 0, tzinfo=UTC)
    summer = datetime(2022, 7, 1, 12, 0, tzinfo=UTC)
    # In summer London's clock is an hour ahead of UTC; in winter it reads the same.
    with use_workstation_zone("UTC"):
        assert format_clock(now, "Europe/London", now) == "12:00"
        assert format_local(summer, "Europe/London", now) == "Fri 1 Jul 13:00 BST"
    with use_workstation_zone("Europe/Paris"):  # the same clock as Berlin's all year
        assert format_clock(now, "Europe/Berlin", now) == "13:00"
    # Zones known by their offset alone are named by it.
    assert format_clock(now, "Asia/Dubai", now) == "16:00 UTC+4"
    assert format_clock(now, "Asia/Kathmandu", now) == "17:45 UTC+5:45"
    assert format_clock(now, "America/Sao_Paulo", now) == "09:00 UTC-3"
    assert format_clock(now - timedelta(days=1), "Europe/London", now) == "Mon 31 Oct 12:00"


# ---------------------------------------------------------------------------- conflicts, loading


def save_elsewhere(engine: Engine, detail: TicketDetail, org: Org, **changes: Any) -> TicketDetail:
    """Bob saves the ticket at another workstation: a second engine on the same SQLite file
    (PostgreSQL is a server anyway; there the test's engine stands in for his)."""
    sqlite = engine.dialect.name == "sqlite"
    other = make_engine(engine.url.render_as_string(hide_password=False)) if sqlite else engine
    current = get_ticket(other, detail.id)
    saved = update_ticket(other, detail.id, current.version, changes, org.bob)
    if sqlite:
        other.dispose()
    return saved


def status_text(editor: TicketEditor) -> str:
    """What the status line beside Save says, if it is shown."""
    label = find(editor, QLabel, "editorStatus")
    return label.text() if label.isVisible() else ""


def test_edits_to_different_fields_are_merged_and_the_merge_is_said(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    save_elsewhere(engine, detail, org, summary="Toner empty")
    category = find(editor, QComboBox, "categoryCombo")
    category.setCurrentIndex(category.findText("Printing"))

    saved = save(qtbot, editor)

    assert (saved.summary, saved.category_name, saved.version) == ("Toner empty", "Printing", 3)
    assert find(editor, QLineEdit, "summaryEdit").text() == "Toner empty"
    assert status_text(editor) == (
        "Saved HQ-000001 at 10:00 · merged with changes by Bob Tech at 10:00 (Summary)"
    )
    assert not editor.has_unsaved_changes()
    assert not find(editor, QWidget, "clashBanner").isVisible()


def clash(qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org) -> TicketDetail:
    """Bob changes a New York ticket's summary while Ann changes it too, and its category;
    Ann saves. The clash bar comes up, and nothing of hers is saved."""
    detail = ticket(engine, org, caller_id=org.zoe)
    open_ticket(qtbot, editor, detail)
    save_elsewhere(engine, detail, org, summary="Toner empty")
    summary = find(editor, QLineEdit, "summaryEdit")
    qtbot.keyClick(summary, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(summary, "Paper jam in tray 2")
    category = find(editor, QComboBox, "categoryCombo")
    category.setCurrentIndex(category.findText("Printing"))
    banner = find(editor, QWidget, "clashBanner")
    with qtbot.assertNotEmitted(editor.saved):
        qtbot.keyClick(summary, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(banner.isVisible)
    assert get_ticket(engine, detail.id).category_id is None
    assert editor.has_unsaved_changes()
    return detail


def test_the_same_field_changed_on_both_sides_asks_naming_their_value_who_and_when(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    clash(qtbot, editor, engine, org)
    text = find(editor, QLabel, "clashBannerText").text()
    # When, in the ticket's local time (New York, 10:00 UTC), named: this is London.
    assert "Summary: Bob Tech made it “Toner empty” at 05:00 EST" in text
    assert "yours is “Paper jam in tray 2”" in text
    assert find(editor, QPushButton, "keepMineButton").hasFocus()

    with qtbot.waitSignal(editor.saved) as blocker:
        click(qtbot, editor, "keepMineButton")

    kept = blocker.args[0]
    assert (kept.summary, kept.category_name) == ("Paper jam in tray 2", "Printing")
    assert not find(editor, QWidget, "clashBanner").isVisible()
    assert status_text(editor) == "Saved NY-000001 at 05:00 EST · yours replaced Bob Tech's Summary"
    assert not editor.has_unsaved_changes()


def test_taking_theirs_keeps_their_value_and_saves_my_other_edits(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = clash(qtbot, editor, engine, org)
    with qtbot.waitSignal(editor.saved) as blocker:
        click(qtbot, editor, "takeTheirsButton")
    taken = blocker.args[0]
    assert (taken.summary, taken.category_name) == ("Toner empty", "Printing")
    assert find(editor, QLineEdit, "summaryEdit").text() == "Toner empty"
    assert status_text(editor).endswith("· took Bob Tech's Summary")
    assert get_ticket(engine, detail.id).version == 3


def test_an_open_editor_shows_a_save_made_elsewhere(qtbot: QtBot, engine: Engine, org: Org) -> None:
    with shown_editor(qtbot, engine, org, poll_ms=20) as editor:
        detail = ticket(engine, org)
        open_ticket(qtbot, editor, detail)
        with qtbot.waitSignal(editor.updated) as blocker:
            save_elsewhere(engine, detail, org, impact=1)
        assert blocker.args[0].version == 2
        assert status_text(editor) == "Updated by Bob Tech at 10:00 (Impact, Priority)"
        assert find(editor, QComboBox, "impactCombo").currentData() == 1
        assert find(editor, QLabel, "priorityChip").text() == Priority.MEDIUM.label
        assert not editor.has_unsaved_changes()


def test_a_save_elsewhere_during_edits_offers_to_reload_and_saving_merges(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    description = find(editor, QPlainTextEdit, "descriptionEdit")
    description.setFocus()
    qtbot.keyClicks(description, "Tray 2 only")
    save_elsewhere(engine, detail, org, impact=1)
    banner = find(editor, QWidget, "conflictBanner")

    editor.poll()  # what the editor's timer does every few seconds

    qtbot.waitUntil(banner.isVisible)
    text = find(editor, QLabel, "conflictBannerText").text()
    assert "HQ-000001 was saved by Bob Tech at 10:00 (Impact, Priority)" in text
    assert description.toPlainText() == "Tray 2 only" and description.hasFocus()
    assert find(editor, QComboBox, "impactCombo").currentData() == 3  # not reloaded

    saved = save(qtbot, editor)

    assert (saved.description, saved.impact) == ("Tray 2 only", 1)
    assert not banner.isVisible()
    assert "merged with changes by Bob Tech at 10:00 (Impact, Priority)" in status_text(editor)


def test_reload_in_the_bar_drops_my_edits_for_theirs(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    summary = find(editor, QLineEdit, "summaryEdit")
    qtbot.keyClicks(summary, " (again)")
    note = find(editor, QPlainTextEdit, "noteEdit")
    qtbot.keyClicks(note, "Half-written note")
    save_elsewhere(engine, detail, org, summary="Toner empty")
    editor.poll()
    qtbot.waitUntil(find(editor, QWidget, "conflictBanner").isVisible)

    click(qtbot, editor, "reloadButton")

    qtbot.waitUntil(lambda: summary.text() == "Toner empty")
    assert not find(editor, QWidget, "conflictBanner").isVisible()
    assert note.toPlainText() == "Half-written note"  # only the field edits are discarded
    note.clear()
    assert not editor.has_unsaved_changes()


def test_an_action_turned_down_by_a_save_elsewhere_says_so_and_shows_it(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    save_elsewhere(engine, detail, org, summary="Toner empty")  # not polled yet
    click(qtbot, editor, "flagButton")
    qtbot.keyClicks(find(editor, QPlainTextEdit, "promptEdit"), "VIP, third time")
    banner = find(editor, QWidget, "errorBanner")
    with qtbot.assertNotEmitted(editor.saved):
        click(qtbot, editor, "promptConfirmButton")
        qtbot.waitUntil(banner.isVisible)
    assert "Not done: HQ-000001 was changed by Bob Tech at 10:00 (Summary) meanwhile." in (
        find(editor, QLabel, "errorBannerText").text()
    )
    assert find(editor, QLineEdit, "summaryEdit").text() == "Toner empty"
    assert not get_ticket(engine, detail.id).manager_flagged
    with qtbot.waitSignal(editor.saved):  # the reason is still there: once more
        click(qtbot, editor, "promptConfirmButton")
    assert get_ticket(engine, detail.id).manager_flagged


def test_a_stale_load_is_ignored(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    first, second = ticket(engine, org), ticket(engine, org, summary="Second")
    editor.open_ticket(first.id)
    editor.open_ticket(second.id)
    number = find(editor, QLabel, "numberLabel")
    qtbot.waitUntil(lambda: number.text() == second.number)
    QThreadPool.globalInstance().waitForDone()
    QCoreApplication.processEvents()  # deliver anything still queued
    assert number.text() == second.number
    assert find(editor, QLineEdit, "summaryEdit").text() == "Second"


def test_a_missing_ticket_is_reported_in_the_editor(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    import uuid

    editor.open_ticket(uuid.uuid4())
    banner = find(editor, QWidget, "errorBanner")
    qtbot.waitUntil(banner.isVisible)
    assert "no longer exists" in find(editor, QLabel, "errorBannerText").text()


# ---------------------------------------------------------------------------- closing


def test_esc_with_unsaved_changes_asks_once(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    answers = [False, True]
    asked = []

    def confirm() -> bool:
        asked.append(True)
        return answers.pop(0)

    monkeypatch.setattr(editor, "confirm_discard", confirm)
    summary = find(editor, QLineEdit, "summaryEdit")
    qtbot.keyClicks(summary, " (again)")
    with qtbot.assertNotEmitted(editor.done):
        qtbot.keyClick(summary, Qt.Key.Key_Escape)
    assert asked == [True]
    with qtbot.waitSignal(editor.done):
        qtbot.keyClick(summary, Qt.Key.Key_Escape)
    assert asked == [True, True]


def test_esc_without_changes_closes_without_asking(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    monkeypatch.setattr(editor, "confirm_discard", lambda: pytest.fail("asked"))
    with qtbot.waitSignal(editor.done):
        qtbot.keyClick(find(editor, QComboBox, "teamCombo"), Qt.Key.Key_Escape)


def test_nothing_is_unsaved_before_anything_is_shown(
    engine: Engine, org: Org, qtbot: QtBot
) -> None:
    fresh = TicketEditor(AppContext(engine=engine, me=org.ann, username="ann"))
    qtbot.addWidget(fresh)
    assert not fresh.has_unsaved_changes()


def test_a_typed_note_counts_as_unsaved(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    qtbot.keyClicks(find(editor, QPlainTextEdit, "noteEdit"), "half a thought")
    assert editor.has_unsaved_changes()


def test_fields_and_buttons_have_accessible_names(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    open_ticket(qtbot, editor, ticket(engine, org))
    for name in (
        "summaryEdit",
        "descriptionEdit",
        "callerEdit",
        "assetCombo",
        "categoryCombo",
        "channelCombo",
        "impactCombo",
        "urgencyCombo",
        "priorityLabel",
        "assigneeCombo",
        "teamCombo",
        "saveButton",
        "noteEdit",
        "minutesSpin",
        "addNoteButton",
        "timeline",
        "reloadButton",
        "transition_RESOLVED",
        "escalateButton",
        "flagButton",
    ):
        assert find(editor, QWidget, name).accessibleName(), name
    assert editor.objectName() == "ticketEditor"


def test_resolution_due_dates_marked_breached_when_past(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    long_ago = utcnow() - timedelta(days=30)
    detail = create_ticket(
        engine, TicketDraft(summary="Old", caller_id=org.alice), org.ann, long_ago
    )
    open_ticket(qtbot, editor, detail)
    sla = find(editor, QLabel, "slaLabel").text()
    assert sla.count("breached") == 2
    assert "#c62828" in sla


# ---------------------------------------------------------------------------- the smallest window


def test_the_editor_fits_the_smallest_window_without_widening_it(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org
) -> None:
    """1024x700, the smallest window supported, on a busy ticket: a long summary, times in
    another zone, flagged to the manager. Nothing is cut off on the right, nothing is
    hidden under the edge of the scrolling form, and the window keeps its width."""
    from ui.queue.page import QueuePage
    from ui.shell.main_window import MainWindow

    summary = "VPN drops every few minutes for the whole New York office since the upgrade"
    draft = TicketDraft(summary=summary, caller_id=org.zoe, category_id=org.wan)
    detail = create_ticket(engine, replace(draft, assignee_id=org.ann), org.ann)
    detail = flag_manager(engine, detail.id, detail.version, "VIP, third time this week", org.ann)
    window = MainWindow(context, page_options={**QUIET, "ticket": {"poll_ms": 0}})
    qtbot.addWidget(window)
    window.resize(1024, 700)
    queue = window.page("queue")
    assert isinstance(queue, QueuePage)
    with qtbot.waitSignal(queue.model.loaded):
        window.show()
    table = queue.table
    qtbot.waitUntil(lambda: table.currentIndex().isValid())
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editor = window.page("ticket")
    qtbot.waitUntil(lambda: find(editor, QLabel, "numberLabel").text() == detail.number)

    form = editor.findChild(TicketForm)
    assert form is not None
    widgets: list[QWidget] = [
        find(editor, QLabel, "priorityChip"),
        find(editor, QLabel, "priorityLabel"),
        find(editor, QPushButton, "escalateButton"),
        find(editor, QPushButton, "flagButton"),
        find(editor, QPushButton, "saveButton"),
    ]
    for name in ("assetCombo", "channelCombo", "teamCombo", "categoryCombo", "urgencyCombo"):
        combo = find(editor, QComboBox, name)
        widgets += [combo, *(b for b in form.findChildren(QLabel) if b.buddy() is combo)]

    def whole(widget: QWidget) -> bool:
        on_window = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        return (
            widget.isVisible()
            and window.rect().contains(on_window)
            and widget.visibleRegion().boundingRect() == widget.rect()
        )

    qtbot.waitUntil(lambda: all(whole(w) for w in widgets))
    assert len(widgets) == 15
    assert window.width() == 1024


def test_a_category_added_since_the_last_ticket_is_offered_for_the_next(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    from app.org.categories import CategoryDraft, save_category

    category = find(editor, QComboBox, "categoryCombo")

    def offered() -> list[str]:
        return [category.itemText(n) for n in range(category.count())]

    new_ticket(qtbot, editor)
    assert "Printing" in offered() and "Docking stations" not in offered()
    save_category(engine, org.mia, CategoryDraft("Docking stations"))  # Settings, meanwhile
    new_ticket(qtbot, editor)
    qtbot.waitUntil(lambda: "Docking stations" in offered())


# ---------------------------------------------------------------------------- who should take it


def on_the_roster(
    engine: Engine, staff_id: uuid.UUID, site_id: uuid.UUID, kind: ShiftKind, until: int
) -> None:
    """A shift of ``kind`` for ``staff_id`` at ``site_id`` from two hours ago until ``until``
    hours after :data:`NOW` (10:00 in London)."""
    with write_session(engine) as s:
        shift_type = s.exec(select(ShiftType).where(ShiftType.kind == kind)).first()
        assert shift_type is not None  # every database has the default types
        s.add(
            Shift(
                staff_id=staff_id,
                shift_type_id=shift_type.id,
                site_id=site_id,
                starts_at=NOW - timedelta(hours=2),
                ends_at=NOW + timedelta(hours=until),
            )
        )


def networking_needed(engine: Engine, org: Org, levels: dict[uuid.UUID, int]) -> None:
    """Network outages need Networking 2 or above; ``levels`` are the staff's in it."""
    with write_session(engine) as s:
        networking = Skill(name="Networking")
        s.add(networking)
        s.flush()
        s.add(CategorySkill(category_id=org.wan, skill_id=networking.id, level=2))
        s.add_all(
            StaffSkill(staff_id=staff_id, skill_id=networking.id, level=level)
            for staff_id, level in levels.items()
        )


def suggestions_of(editor: TicketEditor) -> AssigneeSuggestions:
    widget = editor.findChild(AssigneeSuggestions)
    assert widget is not None
    return widget


def suggested(editor: TicketEditor) -> list[str]:
    """The suggestion buttons on screen, each as its two lines."""
    widget = suggestions_of(editor)
    return [b.text() for b in widget.buttons if b.isVisible() and b.isEnabled()]


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_people_on_shift_with_the_skill_are_suggested_and_alt_1_assigns_the_first(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    for person in (org.ann, org.bob, org.mia):
        on_the_roster(engine, person, org.hq, ShiftKind.DESK, until=5)
    on_the_roster(engine, org.ada, org.branch, ShiftKind.DESK, until=5)  # the other site
    networking_needed(engine, org, {org.ann: 2, org.bob: 3, org.mia: 1})
    ticket(engine, org, summary="Earlier", assignee_id=org.ann)
    new_ticket(qtbot, editor)
    assert not suggestions_of(editor).isVisible()  # no site yet: nobody to suggest
    pick_caller(qtbot, editor, "ali")  # at HQ
    qtbot.waitUntil(lambda: len(suggested(editor)) == 3)  # no category: anyone on shift
    assert [text.split("\n")[0] for text in suggested(editor)] == [
        "&1  Bob Tech",
        "&2  Mia Manager",
        "&3  Ann Operator",  # the one with an open ticket last
    ]

    category = find(editor, QComboBox, "categoryCombo")
    category.setFocus()
    qtbot.keyClicks(category, "Network")
    qtbot.waitUntil(lambda: len(suggested(editor)) == 2)
    assert suggested(editor) == [
        "&1  Bob Tech\non shift until 15:00 · Networking 3 · no open tickets",
        "&2  Ann Operator\non shift until 15:00 · Networking 2 · 1 open ticket",
    ]
    first = suggestions_of(editor).buttons[0]
    assert first.toolTip() == "Bob Tech: on shift until 15:00 · Networking 3 · no open tickets"
    assert first.accessibleName() == "Assign Bob Tech"
    assert suggestions_of(editor).caption.isVisible()
    team = find(editor, QComboBox, "teamCombo")
    team.setFocus()
    qtbot.keyClick(team, Qt.Key.Key_Tab)  # the suggestions come next, as they read
    assert first.hasFocus()

    qtbot.keyClick(first, Qt.Key.Key_1, ALT)
    assignee = find(editor, QComboBox, "assigneeCombo")
    qtbot.waitUntil(lambda: assignee.currentText() == "Bob Tech")
    find(editor, QLineEdit, "summaryEdit").setText("The WAN is down")
    saved = save(qtbot, editor)
    assert (saved.assignee_name, saved.category_name) == ("Bob Tech", "Network outage")


def test_nobody_on_shift_says_so_and_shows_who_is_on_call_with_their_phone(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    with write_session(engine) as s:
        bob = s.get(Staff, org.bob)
        assert bob is not None
        bob.phone = "+44 20 7946 0018"
    on_the_roster(engine, org.bob, org.hq, ShiftKind.ON_CALL, until=22)
    open_ticket(qtbot, editor, ticket(engine, org, category_id=org.wan))
    widget = suggestions_of(editor)
    qtbot.waitUntil(lambda: widget.on_call.isVisible())
    assert widget.buttons == []
    assert widget.message.text() == (
        "Nobody is on a desk shift at HQ for the rest of today; ring whoever is on call."
    )
    shot(editor, "ticket-on-call")
    assert widget.on_call.text() == (
        "Bob Tech: on call until 08:00 tomorrow at HQ · +44 20 7946 0018 · no open tickets"
    )


def test_suggestions_follow_the_category_and_none_are_offered_to_those_who_may_not_assign(
    qtbot: QtBot, engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_roster(engine, org.bob, org.hq, ShiftKind.DESK, until=5)
    networking_needed(engine, org, {})  # nobody has it
    detail = ticket(engine, org)
    with shown_editor(qtbot, engine, org, poll_ms=0) as editor:
        open_ticket(qtbot, editor, detail)
        qtbot.waitUntil(lambda: len(suggested(editor)) == 1)
        category = find(editor, QComboBox, "categoryCombo")
        category.setCurrentIndex(category.findText("Network outage"))
        assert suggested(editor) == []  # the answer for no category is not offered now
        widget = suggestions_of(editor)
        qtbot.waitUntil(lambda: widget.message.isVisible())
        assert widget.message.text().startswith("Nobody on shift at HQ today has Networking 2")
        assert widget.buttons == []

    operators = PERMISSIONS[StaffRole.OPERATOR] - {Action.ASSIGN_TICKET}
    monkeypatch.setitem(PERMISSIONS, StaffRole.OPERATOR, operators)
    with shown_editor(qtbot, engine, org, poll_ms=0) as editor:
        open_ticket(qtbot, editor, detail)
        assert not find(editor, QComboBox, "assigneeCombo").isEnabled()
        assert not suggestions_of(editor).isVisible()
        assert not suggestions_of(editor).caption.isVisible()


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_three_suggestions_fit_the_editor_in_the_window(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org, size: tuple[int, int]
) -> None:
    """The buttons are whole on screen and so is the actions row below the form."""
    from ui.shell.main_window import MainWindow

    for person in (org.ann, org.bob, org.mia):
        on_the_roster(engine, person, org.hq, ShiftKind.DESK, until=5)
    networking_needed(engine, org, {org.ann: 2, org.bob: 3, org.mia: 2})
    detail = ticket(engine, org, category_id=org.wan, summary="VPN drops every few minutes")
    window = MainWindow(context, page_options={**QUIET, "ticket": {"poll_ms": 0}})
    window.resize(*size)
    window.show()
    window.deliver("ticket", TicketRequest(ticket_id=detail.id))
    editor = window.page("ticket")
    assert isinstance(editor, TicketEditor)
    qtbot.waitUntil(lambda: len(suggested(editor)) == 3)
    widgets = [
        *suggestions_of(editor).buttons,
        find(editor, QPushButton, "escalateButton"),
        find(editor, QPushButton, "flagButton"),
        find(editor, QComboBox, "assigneeCombo"),
    ]

    def whole(widget: QWidget) -> bool:
        on_window = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        return (
            widget.isVisible()
            and window.rect().contains(on_window)
            and widget.visibleRegion().boundingRect() == widget.rect()
            and widget.width() >= widget.sizeHint().width()
        )

    qtbot.waitUntil(lambda: all(whole(w) for w in widgets))
    assert window.width() == size[0]
    shot(window, f"ticket-suggestions-{size[0]}")
    dispose_window(window)
