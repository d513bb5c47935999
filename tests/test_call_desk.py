"""The call desk driven as an operator drives it: F2 takes the call, typing finds the caller,
the card shows who it is, and F3 / F4 / F6 / F7 / F8 log what came of the call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlmodel import col, select

from app.context import AppContext
from app.tickets.actions import TicketDraft, create_ticket
from app.tickets.detail import TicketDetail
from models.engine import read_session, write_session
from models.enums import Channel, EventKind, TicketStatus
from models.people import Caller, CallerPhone
from models.tickets import Call, Ticket, TicketEvent
from tests.conftest import QUIET, InlinePool, Org, drain_tasks
from ui.calls.call_bar import elapsed_text
from ui.calls.desk import CallDesk
from ui.shell.application import ScreenPop
from ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    widget = MainWindow(context, page_options=QUIET)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.page("queue").model.loaded):
        widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    yield widget
    widget.close()
    drain_tasks()


def find(parent: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    widget = parent.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


def desk_of(window: MainWindow) -> CallDesk:
    return window.page("calls")


def take_call(qtbot: QtBot, window: MainWindow) -> CallDesk:
    """F2 from wherever the keyboard is."""
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F2)
    desk = desk_of(window)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is desk)
    return desk


def screen_pop(window: MainWindow, number: str) -> None:
    """The softphone hands over the caller id of a ringing call."""
    ScreenPop(window, attached=True).take(number)


def search(qtbot: QtBot, desk: CallDesk, text: str) -> QListWidget:
    box = find(desk, QLineEdit, "callerSearch")
    box.clear()
    qtbot.keyClicks(box, text)
    return find(desk, QListWidget, "callerResults")


def card_name(desk: CallDesk) -> str:
    label = find(desk, QLabel, "cardName")
    return label.text() if label.isVisible() else ""


def wait_for_card(qtbot: QtBot, desk: CallDesk, name: str) -> None:
    qtbot.waitUntil(lambda: card_name(desk) == name)


def call_from_alice(qtbot: QtBot, window: MainWindow) -> CallDesk:
    """F2, then "alice" typed until her card is on screen."""
    desk = take_call(qtbot, window)
    search(qtbot, desk, "alice")
    wait_for_card(qtbot, desk, "Alice Müller")
    return desk


def press_for_new_ticket(
    qtbot: QtBot, window: MainWindow, desk: CallDesk, key: Qt.Key
) -> QLineEdit:
    """F3 or F6 in the search box; returns the editor's summary once it has the keyboard."""
    qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), key)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.page("ticket"))
    summary = find(window.page("ticket"), QLineEdit, "summaryEdit")
    qtbot.waitUntil(summary.hasFocus)
    return summary


def calls(engine: Engine) -> list[Call]:
    with read_session(engine) as s:
        return list(s.exec(select(Call).order_by(col(Call.started_at))).all())


def open_ticket_for(engine: Engine, org: Org, summary: str) -> TicketDetail:
    return create_ticket(engine, TicketDraft(summary=summary, caller_id=org.alice), org.bob)


def test_f2_takes_a_call_and_puts_the_keyboard_in_the_search(
    qtbot: QtBot, window: MainWindow
) -> None:
    desk = take_call(qtbot, window)

    search_box = find(desk, QLineEdit, "callerSearch")
    qtbot.waitUntil(search_box.hasFocus)
    bar = desk.call_bar
    assert bar.isVisible() and find(bar, QLabel, "callTimer").text() == "00:00"
    assert "caller not chosen yet" in find(bar, QLabel, "callSummary").text()
    assert window.action("endCall").isEnabled()
    assert window.navigation.currentItem().text() == "Calls"


def test_elapsed_time_reads_as_minutes_and_seconds() -> None:
    assert elapsed_text(0) == "00:00"
    assert elapsed_text(247) == "04:07"
    assert elapsed_text(3729) == "1:02:09"


def test_typing_a_name_without_accents_shows_the_callers_card(
    qtbot: QtBot, window: MainWindow
) -> None:
    desk = take_call(qtbot, window)

    results = search(qtbot, desk, "mull")

    wait_for_card(qtbot, desk, "Alice Müller")
    assert results.item(0).text().startswith("Alice Müller")
    assert "HQ · Head office" in find(desk, QLabel, "cardDetails").text()
    assert find(desk, QListWidget, "assetList").item(0).text().startswith("LT-0001")
    assert not find(desk, QLabel, "cardVip").isVisible()
    assert "Alice Müller" in find(desk.call_bar, QLabel, "callSummary").text()


def test_up_and_down_in_the_search_move_through_the_callers(
    qtbot: QtBot, window: MainWindow
) -> None:
    desk = take_call(qtbot, window)
    results = search(qtbot, desk, "example")
    qtbot.waitUntil(lambda: results.count() == 2)
    first = results.item(0).text().split("  ")[0].split("\n")[0]
    wait_for_card(qtbot, desk, first)

    qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), Qt.Key.Key_Down)

    second = results.item(1).text().split("  ")[0].split("\n")[0]
    wait_for_card(qtbot, desk, second)
    assert {first, second} == {"Alice Müller", "Zoe O'Brien"}
    assert find(desk, QLineEdit, "callerSearch").hasFocus()


def test_an_answer_for_text_typed_before_never_replaces_the_newest(
    qtbot: QtBot, window: MainWindow, tasks: InlinePool
) -> None:
    """The lookup for "ali" is held back until "zoe" has been answered and shown; when it
    arrives late, it is dropped."""
    desk = take_call(qtbot, window)
    results = search(qtbot, desk, "ali")
    with tasks.holding():
        qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), Qt.Key.Key_Return)  # "ali" goes out

    search(qtbot, desk, "zoe")
    wait_for_card(qtbot, desk, "Zoe O'Brien")
    tasks.run_held()  # the answer for "ali" arrives now
    drain_tasks()

    assert [results.item(i).text().split("  ")[0] for i in range(results.count())] == [
        "Zoe O'Brien"
    ]
    assert card_name(desk) == "Zoe O'Brien"


def test_any_text_is_a_search_and_none_shows_an_error(qtbot: QtBot, window: MainWindow) -> None:
    desk = take_call(qtbot, window)
    status = find(desk, QLabel, "searchStatus")

    search(qtbot, desk, "O'Brien")
    wait_for_card(qtbot, desk, "Zoe O'Brien")

    search(qtbot, desk, 'x" AND (NOT *')
    qtbot.waitUntil(lambda: "No caller matches" in status.text())
    assert "F7" in status.text()
    assert find(desk, QLabel, "cardEmpty").isVisible()


def test_vip_and_repeat_caller_are_marked_on_the_card(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    for summary in ("VPN drops", "VPN again", "VPN still"):
        create_ticket(engine, TicketDraft(summary=summary, caller_id=org.zoe), org.ann)
    desk = take_call(qtbot, window)

    search(qtbot, desk, "zoe")

    wait_for_card(qtbot, desk, "Zoe O'Brien")
    assert find(desk, QLabel, "cardVip").isVisible()
    repeat = find(desk, QLabel, "cardRepeat")
    assert repeat.isVisible() and repeat.text() == "Repeat caller · 3 in 30 days"
    assert find(desk, QLabel, "openHeading").text() == "Open tickets (3)"
    assert "★ VIP" in find(desk, QListWidget, "callerResults").item(0).text()


def test_f3_logs_a_prefilled_phone_ticket_and_ending_the_call_records_it(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    desk = call_from_alice(qtbot, window)

    summary = press_for_new_ticket(qtbot, window, desk, Qt.Key.Key_F3)

    editor = window.page("ticket")
    assert find(editor, QLineEdit, "callerEdit").text() == "Alice Müller"
    assert find(editor, QComboBox, "channelCombo").currentText() == "Phone"
    asset = find(editor, QComboBox, "assetCombo")
    qtbot.waitUntil(lambda: asset.currentText().startswith("LT-0001"))
    assert find(editor, QComboBox, "siteCombo").currentText().startswith("HQ")
    qtbot.keyClicks(summary, "Outlook will not start")
    with qtbot.waitSignal(editor.saved) as saved:
        qtbot.keyClick(summary, Qt.Key.Key_S, CTRL)
    detail: TicketDetail = saved.args[0]

    qtbot.waitUntil(lambda: window.pages.currentWidget() is desk)
    assert detail.number in find(desk.call_bar, QLabel, "callSummary").text()
    open_list = find(desk, QListWidget, "openTickets")
    qtbot.waitUntil(lambda: open_list.count() == 1 and detail.number in open_list.item(0).text())
    assert (detail.channel, detail.asset_id, detail.site_id) == (Channel.PHONE, org.laptop, org.hq)

    qtbot.keyClick(desk, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: len(calls(engine)) == 1)
    call = calls(engine)[0]
    assert (call.caller_id, call.ticket_id, call.operator_id) == (org.alice, detail.id, org.ann)
    assert call.ended_at is not None and call.ended_at >= call.started_at
    assert not desk.call_bar.isVisible() and not window.action("endCall").isEnabled()


def test_f4_adds_a_note_to_the_callers_open_ticket(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    older = open_ticket_for(engine, org, "Printer jams")
    desk = call_from_alice(qtbot, window)
    assert older.number in find(desk, QLabel, "noteTarget").text()

    qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), Qt.Key.Key_F4)
    note = find(desk, QPlainTextEdit, "callNoteEdit")
    qtbot.waitUntil(note.hasFocus)
    qtbot.keyClicks(note, "Caller says it jams on tray 2 only")
    qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)

    outcome = find(desk, QLabel, "outcomeLabel")
    qtbot.waitUntil(lambda: outcome.text() == f"Note added to {older.number}.")
    with read_session(engine) as s:
        notes = s.exec(
            select(TicketEvent).where(
                TicketEvent.ticket_id == older.id, TicketEvent.kind == EventKind.NOTE
            )
        ).all()
    assert [(n.note, n.actor_id) for n in notes] == [
        ("Caller says it jams on tray 2 only", org.ann)
    ]
    assert older.number in find(desk.call_bar, QLabel, "callSummary").text()
    assert note.toPlainText() == ""


def test_f4_without_open_tickets_says_what_to_do(qtbot: QtBot, window: MainWindow) -> None:
    desk = take_call(qtbot, window)
    search(qtbot, desk, "zoe")
    wait_for_card(qtbot, desk, "Zoe O'Brien")

    qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), Qt.Key.Key_F4)

    assert "no open tickets" in find(desk, QLabel, "noteTarget").text()
    assert not find(desk, QPushButton, "noteButton").isEnabled()


def test_f6_resolves_on_the_call_with_first_contact_resolution(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    desk = call_from_alice(qtbot, window)

    summary = press_for_new_ticket(qtbot, window, desk, Qt.Key.Key_F6)

    editor = window.page("ticket")
    assert find(editor, QCheckBox, "fcrCheck").isChecked()
    qtbot.keyClicks(summary, "Forgot password")
    qtbot.keyClicks(find(editor, QPlainTextEdit, "resolutionEdit"), "Reset it with the caller")
    with qtbot.waitSignal(editor.saved) as saved:
        qtbot.keyClick(summary, Qt.Key.Key_S, CTRL)
    detail: TicketDetail = saved.args[0]

    assert detail.status is TicketStatus.RESOLVED and detail.first_contact_resolution
    qtbot.waitUntil(lambda: window.pages.currentWidget() is desk)
    outcome = find(desk, QLabel, "outcomeLabel")
    assert outcome.text() == f"{detail.number} logged and resolved."
    window.action("endCall").trigger()
    qtbot.waitUntil(lambda: len(calls(engine)) == 1)
    assert calls(engine)[0].ticket_id == detail.id


def test_a_screen_popped_unknown_number_opens_quick_create(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    screen_pop(window, "+1 (555) 777-8888")
    desk = window.page("calls")
    form = find(desk, QWidget, "quickCreateForm")
    qtbot.waitUntil(form.isVisible)
    assert find(form, QLineEdit, "newCallerNumber").text() == "+1 (555) 777-8888"
    name = find(form, QLineEdit, "newCallerName")
    qtbot.waitUntil(name.hasFocus)

    qtbot.keyClicks(name, "Jean-Luc Picard")
    qtbot.keyClick(name, Qt.Key.Key_Return, CTRL)

    wait_for_card(qtbot, desk, "Jean-Luc Picard")
    assert "+1 (555) 777-8888" in find(desk, QLabel, "cardDetails").text()
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F8)  # End call, from anywhere
    qtbot.waitUntil(lambda: len(calls(engine)) == 1)
    call = calls(engine)[0]
    with read_session(engine) as s:
        caller = s.exec(select(Caller).where(Caller.name == "Jean-Luc Picard")).one()
    assert (call.number, call.caller_id) == ("+1 (555) 777-8888", caller.id)


def test_quick_create_shows_problems_under_the_fields(qtbot: QtBot, window: MainWindow) -> None:
    desk = take_call(qtbot, window)
    search(qtbot, desk, "0161 496 0000")
    qtbot.waitUntil(lambda: "No caller" in find(desk, QLabel, "searchStatus").text())
    qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), Qt.Key.Key_F7)
    form = find(desk, QWidget, "quickCreateForm")
    assert find(form, QLineEdit, "newCallerNumber").text() == "0161 496 0000"
    name = find(form, QLineEdit, "newCallerName")
    qtbot.keyClicks(name, "Kim Lee")
    qtbot.keyClicks(find(form, QLineEdit, "newCallerEmail"), "alice@example.org")

    qtbot.mouseClick(find(form, QPushButton, "addCallerButton"), Qt.MouseButton.LeftButton)

    def shown_errors() -> list[str]:
        return [e.text() for e in form.findChildren(QLabel, "fieldError") if e.isVisible()]

    qtbot.waitUntil(lambda: bool(shown_errors()))
    assert shown_errors() == ["Alice Müller already has this address; look them up instead."]


def test_a_screen_popped_known_number_shows_the_card(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    with write_session(engine) as s:
        s.add(CallerPhone(caller_id=org.zoe, number="+1 212 555 0199", digits="12125550199"))

    screen_pop(window, "12125550199")

    wait_for_card(qtbot, window.page("calls"), "Zoe O'Brien")
    assert not find(window.page("calls"), QWidget, "quickCreateForm").isVisible()


def test_a_new_number_while_on_a_call_logs_the_first_call(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    screen_pop(window, "020 7946 0000")
    screen_pop(window, "020 7946 0001")

    qtbot.waitUntil(lambda: len(calls(engine)) == 1)
    assert calls(engine)[0].number == "020 7946 0000"
    assert (
        window.page("calls").call is not None
        and window.page("calls").call.number == "020 7946 0001"
    )


def test_closing_the_window_logs_the_call_on_the_line(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    take_call(qtbot, window)

    window.close()
    drain_tasks()

    assert len(calls(engine)) == 1


def test_an_open_ticket_on_the_card_opens_in_the_editor(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    older = open_ticket_for(engine, org, "Printer jams")
    desk = call_from_alice(qtbot, window)
    open_list = find(desk, QListWidget, "openTickets")

    open_list.setFocus()
    qtbot.keyClick(open_list, Qt.Key.Key_Return)

    qtbot.waitUntil(
        lambda: find(window.page("ticket"), QLabel, "numberLabel").text() == older.number
    )
    assert window.pages.currentWidget() is window.page("ticket")

    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is desk)  # back where it was opened
    assert find(desk, QLineEdit, "callerSearch").hasFocus()


def test_the_card_lists_past_calls(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    detail = open_ticket_for(engine, org, "Printer jams")
    with write_session(engine) as s:
        ticket = s.get(Ticket, detail.id)
        assert ticket is not None
        s.add(
            Call(
                caller_id=org.alice,
                number="0207",
                operator_id=org.ann,
                started_at=ticket.created_at,
                ended_at=ticket.created_at + timedelta(seconds=125),
                ticket_id=ticket.id,
            )
        )
    desk = call_from_alice(qtbot, window)

    line = find(desk, QListWidget, "lastCalls").item(0).text()
    assert "2:05 min" in line and "Ann Operator" in line and detail.number in line
