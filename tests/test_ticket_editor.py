"""The ticket editor driven as a person would: typing, Ctrl+S, clicking buttons.

Every wait is on a signal or a condition; the database work runs in the thread pool, so a
test never sleeps and never asserts how long anything took.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt, QThreadPool
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
from app.tickets.actions import TicketDraft, change_status, create_ticket, update_ticket
from app.tickets.detail import TicketDetail, get_ticket
from models.clock import utcnow
from models.engine import make_engine, read_session
from models.enums import Channel, Priority, TicketStatus
from models.tickets import Ticket
from tests.conftest import Org
from ui.tickets.editor import TicketEditor
from ui.tickets.timeline import format_local, format_minutes

S = TicketStatus
T = TypeVar("T", bound=QObject)
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def editor(qtbot: QtBot, engine: Engine, org: Org) -> Iterator[TicketEditor]:
    widget = TicketEditor(AppContext(engine=engine, me=org.ann, username="ann"))
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
    box = find(editor, QWidget, "transitionButtons")
    return {b.objectName() for b in box.findChildren(QPushButton) if not b.isHidden()}


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

    [error] = visible_errors(editor)
    assert error.text() == "Write a short summary of the problem."
    summary = find(editor, QLineEdit, "summaryEdit")
    below = summary.mapTo(editor, QPoint(0, summary.height()))
    at = error.mapTo(editor, QPoint(0, 0))
    assert at.x() == below.x() and 0 <= at.y() - below.y() < summary.height()
    assert error.palette().color(error.foregroundRole()).red() > 150
    assert summary.hasFocus()
    assert count_tickets(engine) == 0

    qtbot.keyClicks(summary, "Something broke")
    qtbot.keyClick(summary, Qt.Key.Key_S, CTRL)
    # No caller, so the site must be chosen; the service says so under the site.
    qtbot.waitUntil(lambda: [e.text() for e in visible_errors(editor)] != [error.text()])
    [error] = visible_errors(editor)
    assert error.text() == "Choose the site the ticket belongs to."
    site = find(editor, QComboBox, "siteCombo")
    assert site.hasFocus()
    qtbot.keyClick(site, Qt.Key.Key_Down)
    assert save(qtbot, editor).number == "HQ-000001"
    assert visible_errors(editor) == []


def test_service_validation_lands_under_the_field(
    qtbot: QtBot, editor: TicketEditor, engine: Engine
) -> None:
    new_ticket(qtbot, editor)
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


def test_reopen_counts(qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org) -> None:
    detail = ticket(engine, org)
    detail = change_status(engine, detail.id, detail.version, S.RESOLVED, org.bob, "Fixed")
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
    assert "Escalated: Network" in timeline_text(editor)
    assert "Core switch down" in timeline_text(editor)


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


def test_times_are_shown_in_the_sites_time_zone(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    at = datetime(2024, 11, 18, 14, 5, tzinfo=UTC)
    draft = TicketDraft(summary="VPN", caller_id=org.zoe, urgency=1)
    detail = create_ticket(engine, draft, org.ann, now=at)
    open_ticket(qtbot, editor, detail)
    assert "created Mon 18 Nov 2024 09:05" in find(editor, QLabel, "infoLabel").text()
    assert "Mon 18 Nov 2024 09:05 · Ann Operator" in timeline_text(editor)
    sla = find(editor, QLabel, "slaLabel").text()
    assert "Response due Mon 18 Nov 2024 13:05" in sla and "breached" in sla


def test_format_local() -> None:
    now = datetime(2022, 11, 1, tzinfo=UTC)
    assert format_local(datetime(2022, 11, 28, 14, 5, tzinfo=UTC), "Europe/London", now) == (
        "Mon 28 Nov 14:05"
    )
    assert format_local(datetime(2021, 7, 1, 23, 30, tzinfo=UTC), "Europe/Berlin", now) == (
        "Fri 2 Jul 2021 01:30"
    )
    assert [format_minutes(m) for m in (0, 45, 60, 95)] == ["0 min", "45 min", "1 h", "1 h 35 min"]


# ---------------------------------------------------------------------------- conflicts, loading


def test_a_conflict_shows_a_banner_naming_the_other_change(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    detail = ticket(engine, org)
    open_ticket(qtbot, editor, detail)
    # Bob, at another workstation: a second engine on the same SQLite file (PostgreSQL
    # is a server anyway; there the test's engine stands in for his).
    sqlite = engine.dialect.name == "sqlite"
    other = make_engine(engine.url.render_as_string(hide_password=False)) if sqlite else engine
    update_ticket(other, detail.id, detail.version, {"summary": "Toner empty"}, org.bob)
    if sqlite:
        other.dispose()
    category = find(editor, QComboBox, "categoryCombo")
    category.setCurrentIndex(category.findText("Printing"))
    banner = find(editor, QWidget, "conflictBanner")

    with qtbot.assertNotEmitted(editor.saved):
        qtbot.keyClick(find(editor, QLineEdit, "summaryEdit"), Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(banner.isVisible)

    text = find(editor, QLabel, "conflictBannerText").text()
    assert "Bob Tech" in text and "summary: Printer jams → Toner empty" in text
    assert "Category: Printing" in text  # the unsaved edit stays visible
    assert get_ticket(engine, detail.id).category_id is None
    assert editor.has_unsaved_changes()

    note = find(editor, QPlainTextEdit, "noteEdit")
    qtbot.keyClicks(note, "Half-written note")
    click(qtbot, editor, "reloadButton")
    summary = find(editor, QLineEdit, "summaryEdit")
    qtbot.waitUntil(lambda: summary.text() == "Toner empty")
    assert not banner.isVisible()
    assert category.currentText() == "(none)"
    assert note.toPlainText() == "Half-written note"  # only the field edits are discarded
    note.clear()
    assert not editor.has_unsaved_changes()
    category.setCurrentIndex(category.findText("Printing"))
    assert save(qtbot, editor).category_name == "Printing"


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
