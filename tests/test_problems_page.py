"""The Problems page driven with keys and clicks, as a technician: the list filtered by
typing and sorted by a header click; a problem opened, edited with the keyboard and saved;
a save over someone else's refused with their changes, and Reload keeping the edits; tickets
linked by typing their numbers (another problem's incident refused, nothing linked), opened
with Enter and unlinked with Delete; a note added; resolving with the open incidents
resolving them; the chart's weekly counts; New problem…; unsaved edits asked about. As an
operator: the page readable, every write disabled with the reason in words."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.context import AppContext
from app.permissions import Action, refusal
from app.problems.detail import problem_detail
from app.problems.records import (
    ProblemDraft,
    change_problem_status,
    create_problem,
    link_incidents,
    resolve_problem,
    update_problem,
)
from app.tickets.actions import TicketDraft, create_ticket
from app.tickets.detail import TicketDetail, get_ticket
from models.enums import Priority, ProblemStatus, TicketStatus
from tests.conftest import NOW, Org, answer_questions
from ui.problems import ProblemRequest
from ui.problems.dialogs import NewProblemDialog, ResolveDialog
from ui.problems.page import Column, ProblemsPage
from ui.tickets.requests import TicketRequest

pytestmark = pytest.mark.usefixtures("in_london")
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there


def _as_technician(context: AppContext, org: Org) -> AppContext:
    return replace(context, me=org.bob, username="bob", name="Bob Tech", role="Technician")


def _problem(engine: Engine, org: Org, title: str, **fields: object) -> uuid.UUID:
    return create_problem(engine, ProblemDraft(title=title, **fields), org.mia, NOW)  # type: ignore[arg-type]


def _ticket(engine: Engine, org: Org, summary: str, days_ago: float = 0) -> TicketDetail:
    draft = TicketDraft(summary=summary, caller_id=org.alice)
    return create_ticket(engine, draft, org.ann, now=NOW - timedelta(days=days_ago))


@pytest.fixture
def problems(engine: Engine, org: Org) -> dict[str, uuid.UUID]:
    """Three open problems of different priorities, and a resolved one."""
    found = {
        "printer": _problem(engine, org, "Printer on floor 2 jams", priority=Priority.LOW),
        "vpn": _problem(engine, org, "VPN drops at NY", priority=Priority.CRITICAL),
        "mail": _problem(engine, org, "Mail delayed in the afternoon", priority=Priority.HIGH),
    }
    return found


def _page(qtbot: QtBot, context: AppContext) -> ProblemsPage:
    page = ProblemsPage(context, poll_ms=0)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.model.is_loaded(0))
    qtbot.waitUntil(lambda: page.editor.detail is not None)
    return page


@pytest.fixture
def tech_page(
    qtbot: QtBot, context: AppContext, org: Org, problems: dict[str, uuid.UUID]
) -> ProblemsPage:
    return _page(qtbot, _as_technician(context, org))


def _column(page: ProblemsPage, column: Column) -> list[str]:
    model = page.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _select(qtbot: QtBot, page: ProblemsPage, reference: str) -> None:
    """Select the problem by clicking its row; wait for it in the editor."""
    row = _column(page, Column.NUMBER).index(reference)
    rect = page.table.visualRect(page.model.index(row, Column.TITLE))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: page.editor.detail is not None and page.editor.detail.reference == reference
    )


def _back_to(qtbot: QtBot, page: ProblemsPage) -> None:
    """A dialog closed: the window manager gives the page's window the keyboard back (the
    offscreen platform leaves no window active)."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)


def _type_over(qtbot: QtBot, edit: object, text: str) -> None:
    edit.setFocus()  # type: ignore[attr-defined]
    edit.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(edit, text)


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def _said(page: ProblemsPage) -> str:
    line = page.editor.result_line
    return line.text() if line.isVisible() else ""


def test_typing_a_filter_shows_its_problems_and_a_header_click_sorts_them(
    qtbot: QtBot, qtmodeltester: ModelTester, tech_page: ProblemsPage
) -> None:
    page = tech_page
    qtmodeltester.check(page.model)
    assert page.filter_edit.hasFocus()
    assert _column(page, Column.NUMBER) == ["PRB-000003", "PRB-000002", "PRB-000001"]
    assert page.count_label.text() == "3 problems"

    qtbot.keyClicks(page.filter_edit, "ny vpn")
    qtbot.waitUntil(lambda: _column(page, Column.TITLE) == ["VPN drops at NY"])
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    qtbot.keyClicks(page.filter_edit, "prb1")  # a number in any form
    qtbot.waitUntil(lambda: _column(page, Column.NUMBER) == ["PRB-000001"])
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)

    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.PRIORITY) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: _column(page, Column.PRIORITY) == ["P1 Critical", "P2 High", "P4 Low"])
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: _column(page, Column.PRIORITY) == ["P4 Low", "P2 High", "P1 Critical"])


def test_a_problem_is_edited_with_the_keyboard_and_saved(
    qtbot: QtBot, tech_page: ProblemsPage, engine: Engine, problems: dict[str, uuid.UUID]
) -> None:
    page, editor = tech_page, tech_page.editor
    _select(qtbot, page, "PRB-000001")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # into the editor, on the title
    assert editor.title_edit.hasFocus()
    editor.title_edit.selectAll()
    qtbot.keyClicks(editor.title_edit, "Printer on floor 2 jams on thick paper")
    assert editor.dirty_label.isVisible()
    qtbot.keyClick(editor, Qt.Key.Key_U, ALT)  # Root ca&use
    assert editor.root_cause_edit.hasFocus()
    qtbot.keyClicks(editor.root_cause_edit, "The fuser runs too cool for 120 g paper")
    editor.priority_combo.setFocus()
    qtbot.keyClick(editor.priority_combo, Qt.Key.Key_Up)  # P4 Low -> P3 Medium
    assert editor.priority_combo.currentText() == "P3 Medium"
    qtbot.keyClick(editor.priority_combo, Qt.Key.Key_S, CTRL)

    qtbot.waitUntil(lambda: _said(page) == "Saved PRB-000001.")
    assert not editor.dirty_label.isVisible()
    assert editor.priority_combo.hasFocus()  # the keyboard stays where it was
    qtbot.waitUntil(lambda: "Printer on floor 2 jams on thick paper" in _column(page, Column.TITLE))
    saved = problem_detail(engine, problems["printer"], NOW)
    assert (saved.title, saved.priority, saved.root_cause) == (
        "Printer on floor 2 jams on thick paper",
        Priority.MEDIUM,
        "The fuser runs too cool for 120 g paper",
    )
    history = editor.history_lines()
    assert any(
        "title: Printer on floor 2 jams → Printer on floor 2 jams on thick paper" in line
        for line in history
    )
    assert any("priority: P4 Low → P3 Medium" in line for line in history)
    qtbot.keyClick(editor.priority_combo, Qt.Key.Key_S, CTRL)  # nothing left to save
    assert _said(page) == "No changes to save."
    _shot(page, "problems-page-edited")


def test_a_save_over_someone_elses_is_refused_with_their_changes_and_reload_keeps_mine(
    qtbot: QtBot, tech_page: ProblemsPage, engine: Engine, org: Org, problems: dict[str, uuid.UUID]
) -> None:
    page, editor = tech_page, tech_page.editor
    _select(qtbot, page, "PRB-000002")
    opened = problem_detail(engine, problems["vpn"], NOW)
    update_problem(
        engine,
        problems["vpn"],
        {"workaround": "Connect through the web portal"},
        org.mia,
        NOW + timedelta(minutes=3),
        opened.version,
    )
    _type_over(qtbot, editor.title_edit, "VPN drops at NY every evening")
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, CTRL)

    banner = editor.conflict_banner
    qtbot.waitUntil(banner.isVisible)
    text = banner.text.text()
    assert "PRB-000002 was changed by someone else since you opened it" in text
    assert "nothing was saved" in text
    assert "Mia Manager at 2026-11-24 10:03 UTC: workaround: — → Connect through" in text
    assert banner.button.hasFocus()
    assert problem_detail(engine, problems["vpn"], NOW).title == "VPN drops at NY"
    _shot(page, "problems-page-conflict")

    qtbot.keyClick(banner.button, Qt.Key.Key_Space)  # Reload: theirs, with my edit kept
    qtbot.waitUntil(
        lambda: editor.workaround_edit.toPlainText() == "Connect through the web portal"
    )
    assert not banner.isVisible()
    assert editor.title_edit.text() == "VPN drops at NY every evening"
    assert editor.dirty_label.isVisible() and editor.title_edit.hasFocus()
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: _said(page) == "Saved PRB-000002.")
    saved = problem_detail(engine, problems["vpn"], NOW)
    assert (saved.title, saved.workaround) == (
        "VPN drops at NY every evening",
        "Connect through the web portal",
    )


def test_tickets_are_linked_by_number_opened_with_enter_and_unlinked_with_delete(
    qtbot: QtBot, tech_page: ProblemsPage, engine: Engine, org: Org, problems: dict[str, uuid.UUID]
) -> None:
    page, editor = tech_page, tech_page.editor
    first = _ticket(engine, org, "Printer jams on floor 2", days_ago=2)
    second = _ticket(engine, org, "Paper stuck in the printer", days_ago=1)
    theirs = _ticket(engine, org, "VPN dropped", days_ago=1)
    link_incidents(engine, problems["vpn"], [theirs.id], org.mia, NOW)
    _select(qtbot, page, "PRB-000001")
    qtbot.keyClick(editor, Qt.Key.Key_I, ALT)  # the Incidents tab
    qtbot.keyClick(editor, Qt.Key.Key_M, ALT)  # Ticket nu&mbers to link
    assert editor.link_edit.hasFocus()

    qtbot.keyClicks(editor.link_edit, f"{first.number}, {theirs.number}")
    qtbot.keyClick(editor.link_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(editor.link_error.isVisible)
    assert editor.link_error.text() == (
        f"{theirs.number} is an incident of PRB-000002, so nothing was linked to PRB-000001. "
        "An incident belongs to one problem: unlink it there first."
    )
    assert problem_detail(engine, problems["printer"], NOW).incidents == ()
    assert editor.link_edit.text() == f"{first.number}, {theirs.number}"  # nothing lost

    _type_over(qtbot, editor.link_edit, "hq99")
    qtbot.keyClick(editor.link_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No ticket is numbered hq99" in editor.link_error.text())

    _type_over(qtbot, editor.link_edit, f"{first.number} {second.number.lower()}")
    qtbot.keyClick(editor.link_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _said(page) == "Linked 2 tickets to PRB-000001.")
    assert not editor.link_error.isVisible()
    assert editor.link_edit.text() == "" and editor.link_edit.hasFocus()
    table = editor.incidents_table
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == [
        second.number,
        first.number,
    ]  # newest first
    assert editor.tabs.tabText(1) == "&Incidents (2)"
    qtbot.waitUntil(lambda: _column(page, Column.INCIDENTS)[-1] == "2")

    table.setFocus()
    table.setCurrentCell(1, 0)
    with qtbot.waitSignal(page.navigate) as asked:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    key, request = asked.args
    assert key == "ticket" and isinstance(request, TicketRequest)
    assert request.ticket_id == first.id

    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: _said(page) == f"Unlinked {first.number} from PRB-000001.")
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == [second.number]
    assert table.hasFocus()
    assert [i.number for i in problem_detail(engine, problems["printer"], NOW).incidents] == [
        second.number
    ]
    _shot(page, "problems-page-incidents")


def test_resolving_with_its_incidents_resolves_them(
    qtbot: QtBot, tech_page: ProblemsPage, engine: Engine, org: Org, problems: dict[str, uuid.UUID]
) -> None:
    page, editor = tech_page, tech_page.editor
    tickets = [_ticket(engine, org, "Printer jams", days_ago=d) for d in (3, 2)]
    link_incidents(engine, problems["printer"], [t.id for t in tickets], org.mia, NOW)
    _select(qtbot, page, "PRB-000001")
    qtbot.keyClick(editor, Qt.Key.Key_L, ALT)  # Reso&lve…
    qtbot.waitUntil(lambda: page.findChild(ResolveDialog) is not None)
    dialog = page.findChild(ResolveDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.incidents_check.text() == "Also resolve its 2 open incidents, with this note"
    assert dialog.incidents_check.isChecked()
    assert dialog.note.hasFocus()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, CTRL)  # no fix written anywhere yet
    assert dialog.problem.text() == "Say how it was fixed: write a note, or the permanent fix."
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.note, "Replaced the fuser")
    _shot(dialog, "problems-resolve-dialog")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, CTRL)

    numbers = ", ".join(t.number for t in tickets)
    qtbot.waitUntil(lambda: _said(page) == f"Resolved PRB-000001 and 2 incidents: {numbers}.")
    for ticket in tickets:
        resolved = get_ticket(engine, ticket.id)
        assert resolved.status == TicketStatus.RESOLVED
    assert editor.status_chip.text() == "Resolved"
    close = editor._transition_buttons[0]
    assert close.text() == "Cl&ose"
    _back_to(qtbot, page)
    assert close.hasFocus()  # the next step
    assert any("Replaced the fuser" in line for line in editor.history_lines())
    # Resolved problems are not open: the list lets it go, the editor keeps it, and no
    # other problem is selected in its place.
    qtbot.waitUntil(lambda: "PRB-000001" not in _column(page, Column.NUMBER))
    assert editor.detail is not None and editor.detail.reference == "PRB-000001"
    assert page.current() is None and close.hasFocus()


def test_the_chart_counts_the_incidents_of_each_week(
    qtbot: QtBot, tech_page: ProblemsPage, engine: Engine, org: Org, problems: dict[str, uuid.UUID]
) -> None:
    page, editor = tech_page, tech_page.editor
    days = (15, 14, 1)  # NOW is Tuesday 24 Nov: two in the week of 9 Nov, one in this week
    tickets = [_ticket(engine, org, "Mail delayed", days_ago=d) for d in days]
    link_incidents(engine, problems["mail"], [t.id for t in tickets], org.mia, NOW)
    _select(qtbot, page, "PRB-000003")
    page.refresh()  # F5: the problem shown is read again
    qtbot.waitUntil(lambda: editor.tabs.tabText(1) == "&Incidents (3)")
    assert editor.chart.counts() == [
        (date(2026, 11, 9), 2),
        (date(2026, 11, 16), 0),
        (date(2026, 11, 23), 1),
    ]
    assert editor.chart.accessibleDescription() == (
        "Incidents per week from 9 Nov 2026 to 23 Nov 2026: 2, 0, 1."
    )
    callers = editor.callers_table
    assert (callers.item(0, 0).text(), callers.item(0, 1).text()) == ("Alice Müller", "3")


def test_notes_and_status_moves_with_keys(
    qtbot: QtBot, tech_page: ProblemsPage, engine: Engine, problems: dict[str, uuid.UUID]
) -> None:
    page, editor = tech_page, tech_page.editor
    _select(qtbot, page, "PRB-000002")
    qtbot.keyClick(editor, Qt.Key.Key_G, ALT)  # Investi&gating
    qtbot.waitUntil(lambda: _said(page) == "PRB-000002 is investigating now.")
    assert editor.status_chip.text() == "Investigating"

    qtbot.keyClick(editor, Qt.Key.Key_K, ALT)  # Root cause &known, without one
    qtbot.waitUntil(lambda: editor._fields["root_cause"].error.isVisible())
    assert editor._fields["root_cause"].error.text() == (
        "Write down the root cause: a problem that is “Root cause known” has one."
    )
    assert editor.root_cause_edit.hasFocus() and editor.tabs.currentIndex() == 0
    qtbot.keyClicks(editor.root_cause_edit, "The NY firewall drops idle tunnels")
    qtbot.keyClick(editor, Qt.Key.Key_K, ALT)  # saved first, then moved
    qtbot.waitUntil(lambda: editor.status_chip.text() == "Root cause known")
    assert problem_detail(engine, problems["vpn"], NOW).root_cause == (
        "The NY firewall drops idle tunnels"
    )

    qtbot.keyClick(editor, Qt.Key.Key_Y, ALT)  # Histor&y
    qtbot.keyClick(editor, Qt.Key.Key_E, ALT)  # Not&e
    assert editor.note_edit.hasFocus()
    qtbot.keyClicks(editor.note_edit, "Asked the network team for the firewall logs")
    qtbot.keyClick(editor.note_edit, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: _said(page) == "Added a note to PRB-000002.")
    assert editor.note_edit.toPlainText() == "" and editor.note_edit.hasFocus()
    assert editor.history_lines()[-1] == "Asked the network team for the firewall logs"
    assert "Bob Tech — added a note" in editor.history_lines()[-2]


def test_a_new_problem_is_recorded_and_selected(
    qtbot: QtBot, tech_page: ProblemsPage, org: Org
) -> None:
    page = tech_page
    qtbot.keyClick(page, Qt.Key.Key_B, ALT)  # New pro&blem…
    qtbot.waitUntil(lambda: page.findChild(NewProblemDialog) is not None)
    dialog = page.findChild(NewProblemDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.title_edit.hasFocus()
    assert dialog.owner_combo.currentText() == "Bob Tech"  # who records it, by default
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "Say what keeps going wrong" in dialog.findChild(QLabel, "titleError").text()
    qtbot.keyClicks(dialog.title_edit, "Badge readers reject new cards")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: page.editor.detail is not None and page.editor.detail.reference == "PRB-000004"
    )
    qtbot.waitUntil(lambda: page.current() is not None and page.current().number == 4)
    assert _said(page) == "Recorded PRB-000004."
    _back_to(qtbot, page)
    assert page.editor.title_edit.hasFocus()
    assert page.editor.owner_combo.currentText() == "Bob Tech"


def test_moving_to_another_problem_with_unsaved_edits_asks_first(
    qtbot: QtBot, tech_page: ProblemsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, editor = tech_page, tech_page.editor
    _select(qtbot, page, "PRB-000001")
    _type_over(qtbot, editor.title_edit, "Printer on floor 2 jams daily")
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.No)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Up)  # PRB-000002
    assert asked == ["PRB-000001 has edits that are not saved. Leave them?"]
    assert page.current() is not None and page.current().reference == "PRB-000001"
    assert editor.title_edit.text() == "Printer on floor 2 jams daily"
    assert not page.may_leave()

    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: editor.detail is not None and editor.detail.reference == "PRB-000002")
    assert not editor.dirty_label.isVisible()


def test_an_operator_reads_problems_but_cannot_change_them(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org, problems: dict[str, uuid.UUID]
) -> None:
    link_incidents(engine, problems["printer"], [_ticket(engine, org, "Jam").id], org.mia, NOW)
    page = _page(qtbot, context)
    editor = page.editor
    why = refusal(Action.MANAGE_PROBLEMS)
    assert why == "Only a technician, a manager or an admin can record and work on problems."
    assert page.refusal_note.isVisible()
    assert page.refusal_note.text().startswith(why)
    assert not page.new_button.isEnabled() and page.new_button.toolTip() == why
    _select(qtbot, page, "PRB-000001")
    assert editor.title_edit.isReadOnly() and editor.root_cause_edit.isReadOnly()
    assert not editor.priority_combo.isEnabled()
    for button in (editor.save_button, editor.link_button, editor.note_button):
        assert not button.isEnabled() and button.toolTip() == why
    assert editor._transition_buttons and not any(b.isEnabled() for b in editor._transition_buttons)
    assert not editor.closed_label.isVisible()  # said once, at the top of the page
    # Reading is everyone's: the incidents open in the ticket editor.
    editor.tabs.setCurrentIndex(1)
    editor.incidents_table.setFocus()
    editor.incidents_table.setCurrentCell(0, 0)
    with qtbot.waitSignal(page.navigate):
        qtbot.keyClick(editor.incidents_table, Qt.Key.Key_Return)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, CTRL)  # nothing happens
    assert not editor.result_line.isVisible()
    _shot(page, "problems-page-operator")


def test_a_closed_problem_is_kept_as_it_was_but_takes_notes_and_is_asked_for_by_request(
    qtbot: QtBot, tech_page: ProblemsPage, engine: Engine, org: Org, problems: dict[str, uuid.UUID]
) -> None:
    page, editor = tech_page, tech_page.editor
    closed = problems["mail"]
    resolve_problem(
        engine, closed, org.mia, NOW, fix_note="Moved the relay", resolve_incidents=False
    )
    change_problem_status(
        engine,
        closed,
        ProblemStatus.CLOSED,
        org.mia,
        NOW + timedelta(minutes=1),
        problem_detail(engine, closed, NOW).version,
    )
    assert page.handle(ProblemRequest(closed))  # from another page: shown, though not open
    qtbot.waitUntil(
        lambda: (
            editor.detail is not None
            and editor.detail.id == closed
            and editor.detail.status is ProblemStatus.CLOSED
        )
    )
    # The list shows every status, so the closed one is listed and selected.
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    assert page.status_combo.currentText() == "Any status"
    qtbot.waitUntil(lambda: page.current() is not None and page.current().id == closed)
    assert editor.status_chip.text() == "Closed" and editor._transition_buttons == []
    assert editor.closed_label.text() == (
        "PRB-000003 is closed, so it is kept as it was; notes can still be added."
    )
    assert editor.title_edit.isReadOnly() and not editor.save_button.isEnabled()
    assert not editor.link_button.isEnabled()
    qtbot.keyClick(editor, Qt.Key.Key_Y, ALT)  # Histor&y
    qtbot.keyClick(editor, Qt.Key.Key_E, ALT)  # Not&e
    assert editor.note_edit.hasFocus()
    qtbot.keyClicks(editor.note_edit, "The relay move held for a month")
    qtbot.keyClick(editor.note_edit, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: _said(page) == "Added a note to PRB-000003.")
