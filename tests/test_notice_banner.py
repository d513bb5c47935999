"""The notices as the desks see them (issue 13), driven as a person would: the banner on the
queue and the call desk while maintenance runs or a major incident is open (gone when
neither), the caller card's note, linking a ticket to its cause from the editor in one key,
and a manager's Declare / Close major incident dialogs. "Now" is Tue 24 Nov 2026 10:00 UTC.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlmodel import select

from app.context import AppContext
from app.maintenance.major_incidents import close, declare
from app.maintenance.record import cancel
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import read_session
from models.maintenance import MajorIncident
from models.tickets import Ticket
from tests.conftest import QUIET, Org, as_manager, dispose_window
from tests.test_maintenance_tasks import add
from ui.calls.desk import CallDesk
from ui.maintenance.major_incident_dialog import (
    CloseMajorIncidentDialog,
    DeclareMajorIncidentDialog,
)
from ui.maintenance.notice_banner import NoticeBanner
from ui.queue.page import QueuePage
from ui.shell.main_window import MainWindow
from ui.tickets.editor import TicketEditor
from ui.tickets.requests import TicketRequest

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
MAIL = "Mail server patching, 09:30-10:30, HQ: mail unavailable"
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save the pictures there


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    widget = MainWindow(context, page_options=QUIET)
    with qtbot.waitSignal(widget.page("queue").model.loaded):
        widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    yield widget
    dispose_window(widget)


def find(parent: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    widget = parent.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


def banner_lines(banner: NoticeBanner) -> list[str]:
    """The lines on screen, as plain text ("" lines: none; hidden: [])."""
    if not banner.isVisible():
        return []
    return [line for line in banner.lines.text().split("<br>") if line]


def plain(line: str) -> str:
    return line.replace("<b>", "").replace("</b>", "").replace("&amp;", "&")


def read_again(qtbot: QtBot, banner: NoticeBanner) -> None:
    with qtbot.waitSignal(banner.changed):
        banner.refresh()


def go_to(qtbot: QtBot, window: MainWindow, key: Qt.Key, name: str) -> QWidget:
    qtbot.keyClick(window.focusWidget() or window, key, CTRL)
    page = window.page(name)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page)
    return page


def test_the_queue_and_the_desk_show_maintenance_running_now_until_it_is_gone(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    queue: QueuePage = window.page("queue")
    read_again(qtbot, queue.notices)
    assert banner_lines(queue.notices) == []  # nothing to say: no strip at all
    task = add(engine, org, start_time="09:30")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F5)  # the queue reads again
    qtbot.waitUntil(lambda: banner_lines(queue.notices) != [])
    assert [plain(line) for line in banner_lines(queue.notices)] == [f"⚒ Maintenance now · {MAIL}"]
    desk = go_to(qtbot, window, Qt.Key.Key_2, "calls")  # shown: it reads the notices
    assert isinstance(desk, CallDesk)
    qtbot.waitUntil(lambda: banner_lines(desk.notices) != [])
    assert plain(banner_lines(desk.notices)[0]) == f"⚒ Maintenance now · {MAIL}"
    cancel(engine, org.mia, task, datetime(2026, 11, 24, 9, 30, tzinfo=UTC), "Postponed")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not desk.notices.isVisible())
    go_to(qtbot, window, Qt.Key.Key_1, "queue")
    qtbot.waitUntil(lambda: not queue.notices.isVisible())


def test_a_major_incident_shows_first_on_both_desks_until_closed(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    add(engine, org, start_time="10:30", title="Backup check", impact="")
    incident = declare(
        engine, org.mia, "VPN down", org.hq, datetime(2026, 11, 24, 9, 12, tzinfo=UTC)
    )
    queue: QueuePage = window.page("queue")
    read_again(qtbot, queue.notices)
    lines = [plain(line) for line in banner_lines(queue.notices)]
    assert lines == [
        "⚠ Major incident since 09:12, HQ: VPN down",
        "◔ Maintenance soon · Backup check, 10:30-11:30, HQ",
    ]
    assert "#fdecea" in queue.notices.styleSheet()  # red while an incident is open
    desk = go_to(qtbot, window, Qt.Key.Key_2, "calls")
    assert isinstance(desk, CallDesk)
    qtbot.waitUntil(lambda: len(banner_lines(desk.notices)) == 2)
    close(engine, org.mia, incident)
    read_again(qtbot, desk.notices)
    assert [plain(line) for line in banner_lines(desk.notices)] == [lines[1]]
    assert "#fff4e5" in desk.notices.styleSheet()  # amber for maintenance alone


def test_many_notices_fold_after_three_lines_and_unfold_on_a_click(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org
) -> None:
    for title in ("VPN down", "Phones down", "Wi-Fi slow", "Printers offline", "CRM down"):
        declare(engine, org.mia, title, None)
    page = QueuePage(context, poll_ms=0)
    qtbot.addWidget(page)
    page.show()
    read_again(qtbot, page.notices)
    more = find(page, QPushButton, "queueNoticesMore")
    assert len(banner_lines(page.notices)) == 3 and more.text() == "+2 more"
    assert "CRM down" in page.notices.toolTip()  # every line, for the mouse
    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    assert len(banner_lines(page.notices)) == 5 and more.text() == "Fewer"


def test_the_caller_card_says_what_is_down_at_their_site(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    add(engine, org, start_time="09:30")
    add(engine, org, site_id=org.branch, start_time="04:30", title="NY router")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F2)
    desk = window.page("calls")
    qtbot.keyClicks(find(desk, QLineEdit, "callerSearch"), "alice")
    note = find(desk, QLabel, "cardNotices")
    qtbot.waitUntil(note.isVisible)
    assert note.text() == "⚠ Planned maintenance now at HQ: mail unavailable"
    box = find(desk, QLineEdit, "callerSearch")
    box.clear()
    qtbot.keyClicks(box, "zoe")  # at New York: the HQ window is not hers
    qtbot.waitUntil(lambda: find(desk, QLabel, "cardName").text() == "Zoe O'Brien")
    assert note.text() == "⚠ Planned maintenance now at NY: mail unavailable"
    declare(engine, org.mia, "Phones down", None)
    box.clear()
    qtbot.keyClicks(box, "alice")
    qtbot.waitUntil(lambda: "Phones down" in note.text())
    assert note.text().splitlines()[0] == "⚠ Major incident at every site: Phones down"


def editor_on(qtbot: QtBot, window: MainWindow) -> TicketEditor:
    editor = window.page("ticket")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is editor)
    qtbot.waitUntil(lambda: find(editor, QPushButton, "saveButton").isEnabled())
    return editor


def choose_cause(qtbot: QtBot, editor: TicketEditor) -> None:
    """Alt+B, then Enter on the first notice the menu offers."""
    qtbot.keyClick(editor.focusWidget() or editor, Qt.Key.Key_B, ALT)
    menu = find(editor, QMenu, "causeMenu")
    qtbot.waitUntil(menu.isVisible)
    assert menu.activeAction() is not None
    qtbot.keyClick(menu, Qt.Key.Key_Return)


def test_a_ticket_is_linked_to_the_incident_in_one_key_from_the_editor(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    incident = declare(
        engine, org.mia, "VPN down", org.hq, datetime(2026, 11, 24, 9, 12, tzinfo=UTC)
    )
    detail = create_ticket(engine, TicketDraft(summary="No VPN", caller_id=org.alice), org.ann)
    window.page("queue").navigate.emit("ticket", TicketRequest(ticket_id=detail.id))
    editor = editor_on(qtbot, window)
    qtbot.waitUntil(lambda: find(editor, QLabel, "numberLabel").text() == detail.number)
    cause = find(editor, QLabel, "causeLabel")
    assert cause.text() == "No known cause"
    with qtbot.waitSignal(editor.saved):
        choose_cause(qtbot, editor)
    assert cause.text() == "Caused by: Major incident since 09:12, HQ: VPN down"
    with read_session(engine) as session:
        stored = session.get(Ticket, detail.id)
        assert stored is not None and stored.major_incident_id == incident
        assert stored.version == detail.version + 1
    assert "Linked" in find(editor, QLabel, "editorStatus").text()
    if SHOTS:
        window.resize(1024, 700)
        window.grab().save(str(Path(SHOTS) / "notices_editor_1024x700.png"))


def test_a_ticket_logged_from_a_call_is_created_with_its_cause(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    add(engine, org, start_time="09:30")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F2)
    desk = window.page("calls")
    qtbot.keyClicks(find(desk, QLineEdit, "callerSearch"), "alice")
    qtbot.waitUntil(lambda: find(desk, QLabel, "cardName").text() == "Alice Müller")
    qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), Qt.Key.Key_F3)
    editor = editor_on(qtbot, window)
    qtbot.keyClicks(find(editor, QLineEdit, "summaryEdit"), "No e-mail since ten")
    choose_cause(qtbot, editor)
    cause = find(editor, QLabel, "causeLabel")
    qtbot.waitUntil(lambda: "linked when created" in cause.text())
    assert cause.text().endswith(MAIL)
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(find(editor, QLineEdit, "summaryEdit"), Qt.Key.Key_S, CTRL)
    with read_session(engine) as session:
        (stored,) = session.exec(select(Ticket)).all()
    assert stored.maintenance_due_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_a_manager_declares_and_closes_a_major_incident_in_dialogs(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org
) -> None:
    manager = as_manager(context, org)
    dialog = DeclareMajorIncidentDialog(manager)
    qtbot.addWidget(dialog)
    dialog.show()
    site = find(dialog, QComboBox, "incidentSite")
    qtbot.waitUntil(lambda: site.count() == 3)
    ok = dialog.confirm
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)  # nothing typed: said at the field
    assert find(dialog, QLabel, "titleError").text().startswith("Say what is down")
    qtbot.keyClicks(find(dialog, QLineEdit, "incidentTitle"), "VPN down")
    site.setCurrentIndex(site.findText("HQ · Head office"))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    with read_session(engine) as session:
        (incident,) = session.exec(select(MajorIncident)).all()
    assert (incident.title, incident.site_id, incident.declared_by_id) == (
        "VPN down",
        org.hq,
        org.mia,
    )
    closing = CloseMajorIncidentDialog(manager)
    qtbot.addWidget(closing)
    closing.show()
    choice = find(closing, QComboBox, "incidentChoice")
    qtbot.waitUntil(lambda: choice.count() == 1)
    assert choice.currentText().endswith("HQ: VPN down")
    with qtbot.waitSignal(closing.accepted):
        qtbot.mouseClick(
            find(closing, QDialogButtonBox, "closeIncidentDialogButtons").button(
                QDialogButtonBox.StandardButton.Ok
            ),
            Qt.MouseButton.LeftButton,
        )
    with read_session(engine) as session:
        closed = session.get(MajorIncident, incident.id)
        assert closed is not None and closed.closed_by_id == org.mia


def test_an_operator_is_told_only_managers_declare(
    qtbot: QtBot, context: AppContext, engine: Engine, org: Org
) -> None:
    dialog = DeclareMajorIncidentDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(find(dialog, QLineEdit, "incidentTitle"), "VPN down")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    problem = find(dialog, QLabel, "declareIncidentDialogProblem")
    qtbot.waitUntil(problem.isVisible)
    assert problem.text() == "Only a manager or an admin can declare and close major incidents."


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_the_pages_with_a_banner_fit(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org, size: tuple[int, int]
) -> None:
    """Look at them: SWITCHBOARD_SHOTS=/tmp saves the queue and the desk with notices."""
    add(engine, org, start_time="09:30")
    add(engine, org, site_id=org.branch, start_time="05:45", title="Router firmware")
    declare(engine, org.mia, "VPN down", org.hq, datetime(2026, 11, 24, 9, 12, tzinfo=UTC))
    declare(engine, org.mia, "Phones ring out at every site", None)
    window.resize(*size)
    queue: QueuePage = window.page("queue")
    read_again(qtbot, queue.notices)
    assert queue.notices.isVisible()
    lines = queue.notices.lines
    assert lines.height() >= lines.heightForWidth(lines.width())  # nothing cut off
    shots = [("queue", window.grab())]
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F2)
    desk = window.page("calls")
    qtbot.keyClicks(find(desk, QLineEdit, "callerSearch"), "alice")
    qtbot.waitUntil(lambda: find(desk, QLabel, "cardNotices").isVisible())
    qtbot.waitUntil(lambda: len(banner_lines(desk.notices)) == 4 or desk.notices.isVisible())
    shots.append(("desk", window.grab()))
    if SHOTS:
        for name, picture in shots:
            picture.save(str(Path(SHOTS) / f"notices_{name}_{size[0]}x{size[1]}.png"))
