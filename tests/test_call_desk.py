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
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, update
from sqlmodel import col, select

from app.context import AppContext
from app.tickets.actions import TicketDraft, create_ticket
from app.tickets.detail import TicketDetail
from models.engine import read_session, write_session
from models.enums import Channel, EventKind, TicketStatus
from models.org import Staff
from models.people import Caller, CallerPhone
from models.tickets import Call, Ticket, TicketEvent
from tests.conftest import (
    NOW,
    QUIET,
    InlinePool,
    Org,
    answer_questions,
    as_admin,
    dispose_window,
    drain_tasks,
)
from tests.test_roster_shifts import add_shift
from ui.calls.call_bar import elapsed_text
from ui.calls.desk import CallDesk
from ui.shell.application import ScreenPop
from ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    # Closed here rather than by qtbot, which closes before this teardown: the call must
    # end first, or quitting would ask about it.
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
    qtbot.waitUntil(find(desk, QLineEdit, "callerSearch").hasFocus)  # where typing goes next


@pytest.mark.parametrize("key", [Qt.Key.Key_F3, Qt.Key.Key_F6])
def test_the_call_keys_work_wherever_the_keyboard_is(
    qtbot: QtBot, window: MainWindow, key: Qt.Key
) -> None:
    call_from_alice(qtbot, window)
    back = find(window, QPushButton, "backToCallButton")
    back.setFocus()  # where a disabled button used to send the keyboard

    qtbot.keyClick(back, key)

    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.page("ticket"))
    qtbot.waitUntil(find(window.page("ticket"), QLineEdit, "summaryEdit").hasFocus)


def test_f4_and_f7_work_from_the_queue_during_a_call(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    open_ticket_for(engine, org, "Printer jams")
    desk = call_from_alice(qtbot, window)
    window.action("goTo:queue").trigger()
    table = window.page("queue").table
    qtbot.waitUntil(table.hasFocus)

    qtbot.keyClick(table, Qt.Key.Key_F4)

    assert window.pages.currentWidget() is desk
    qtbot.waitUntil(find(desk, QPlainTextEdit, "callNoteEdit").hasFocus)

    qtbot.keyClick(find(desk, QPlainTextEdit, "callNoteEdit"), Qt.Key.Key_F7)

    qtbot.waitUntil(find(desk, QLineEdit, "newCallerName").hasFocus)


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
    details = find(desk, QLabel, "cardDetails").text()
    assert "+1 (555) 777-8888" in details
    assert "NY · New York" in details  # the site of the number's country, offered and kept
    status = find(desk, QLabel, "searchStatus").text()
    assert "No caller has" not in status and status.startswith("Caller added.")
    qtbot.waitUntil(find(desk, QLineEdit, "callerSearch").hasFocus)
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


def waiting_text(window: MainWindow) -> str:
    label = find(window, QLabel, "waitingCall")
    return label.text() if label.isVisible() else ""


def test_a_call_ringing_during_a_call_waits_and_the_call_goes_on(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    screen_pop(window, "020 7946 0000")
    desk = desk_of(window)
    search(qtbot, desk, "alice")
    wait_for_card(qtbot, desk, "Alice Müller")
    qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), Qt.Key.Key_F3)  # into the editor
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.page("ticket"))

    screen_pop(window, "020 7946 0001")
    screen_pop(window, "020 7946 0001")  # the softphone says it twice

    assert waiting_text(window) == "☎ Waiting: 020 7946 0001"
    assert window.pages.currentWidget() is window.page("ticket")  # left where they were
    assert desk.call is not None and desk.call.number == "020 7946 0000"
    assert calls(engine) == []

    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F8)  # this call ends...
    qtbot.waitUntil(lambda: len(calls(engine)) == 1)
    assert calls(engine)[0].number == "020 7946 0000"
    assert desk.call is None and waiting_text(window) == "☎ Waiting: 020 7946 0001"
    assert find(window, QPushButton, "takeWaitingButton").text() == "Take waiting call (F2)"

    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F2)  # ...and F2 takes the next

    assert desk.call is not None and desk.call.number == "020 7946 0001"
    assert waiting_text(window) == ""
    assert find(desk, QLineEdit, "callerSearch").text() == "020 7946 0001"


def test_the_operator_can_switch_to_the_waiting_call_or_dismiss_it(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    for number in ("020 7946 0000", "020 7946 0001", "020 7946 0002"):
        screen_pop(window, number)
    assert waiting_text(window) == "☎ Waiting: 020 7946 0001 (+1 more)"
    desk = desk_of(window)

    qtbot.mouseClick(find(window, QPushButton, "takeWaitingButton"), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: len(calls(engine)) == 1)  # the first call is logged, not lost
    assert desk.call is not None and desk.call.number == "020 7946 0001"
    assert waiting_text(window) == "☎ Waiting: 020 7946 0002"

    qtbot.mouseClick(find(window, QPushButton, "dismissWaitingButton"), Qt.MouseButton.LeftButton)

    assert waiting_text(window) == ""
    assert desk.call is not None and desk.call.number == "020 7946 0001"


def test_quitting_during_a_call_asks_and_staying_keeps_the_call(
    qtbot: QtBot, window: MainWindow, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = call_from_alice(qtbot, window)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)

    window.action("quit").trigger()

    assert len(asked) == 1 and "on a call with Alice Müller" in asked[0]
    assert window.isVisible() and desk.call is not None
    assert calls(engine) == []


def test_quitting_during_a_call_and_confirming_logs_the_call(
    qtbot: QtBot, window: MainWindow, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    take_call(qtbot, window)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)

    window.close()
    drain_tasks()

    assert not window.isVisible()
    assert len(calls(engine)) == 1


def test_quitting_between_calls_asks_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    take_call(qtbot, window)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F8)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)

    window.close()

    assert asked == [] and not window.isVisible()


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


def test_the_card_lists_past_calls_and_tickets_with_their_dates(
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
    assert "02:05" in line and "min" not in line
    assert "Ann Operator" in line and detail.number in line
    opened = detail.created_at.astimezone().strftime("%d %b %Y")
    recent = find(desk, QListWidget, "lastTickets").item(0).text()
    assert recent.startswith(f"{detail.number} · {opened} · ")


def fully_shown(widget: QWidget, window: MainWindow) -> bool:
    """On screen, inside the window, and as wide as its text needs (no clipped label)."""
    top_left = widget.mapTo(window, widget.rect().topLeft())
    inside = window.rect().contains(top_left) and window.rect().contains(
        widget.mapTo(window, widget.rect().bottomRight())
    )
    return widget.isVisible() and inside and widget.width() >= widget.sizeHint().width()


def test_the_desk_fits_the_smallest_window_without_widening_it(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    open_ticket_for(engine, org, "Printer jams")
    window.resize(1024, 700)
    desk = call_from_alice(qtbot, window)
    screen_pop(window, "+44 20 7946 0001")  # a second call waits in the call bar
    buttons = [
        "newTicketButton",
        "noteButton",
        "resolveButton",
        "quickCreateButton",
        "addNoteButton",
        "backToCallButton",
        "endCallButton",
        "takeWaitingButton",
        "dismissWaitingButton",
    ]
    qtbot.waitUntil(lambda: all(fully_shown(find(window, QPushButton, b), window) for b in buttons))
    assert fully_shown(find(desk, QPlainTextEdit, "callNoteEdit"), window)

    qtbot.keyClick(find(desk, QLineEdit, "callerSearch"), Qt.Key.Key_F7)  # the quick-create form
    form_buttons = ["addCallerButton", "cancelCallerButton"]
    qtbot.waitUntil(
        lambda: all(fully_shown(find(desk, QPushButton, b), window) for b in form_buttons)
    )
    assert window.width() == 1024


def test_resolved_on_the_call_shows_every_problem_at_once(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    with write_session(engine) as s:
        s.add(Caller(name="Kim Lee"))  # imported without a site
    desk = take_call(qtbot, window)
    search(qtbot, desk, "kim")
    wait_for_card(qtbot, desk, "Kim Lee")
    summary = press_for_new_ticket(qtbot, window, desk, Qt.Key.Key_F6)
    editor = window.page("ticket")

    qtbot.keyClick(summary, Qt.Key.Key_S, CTRL)

    def shown_errors() -> set[str]:
        return {e.text() for e in editor.findChildren(QLabel, "fieldError") if e.isVisible()}

    qtbot.waitUntil(lambda: len(shown_errors()) == 3)
    assert shown_errors() == {
        "Write a short summary of the problem.",
        "Say how the problem was solved.",
        "Choose the site the ticket belongs to.",
    }


# ------------------------------------------------------------------ erasing personal data


@pytest.fixture
def admin_window(qtbot: QtBot, context: AppContext, org: Org) -> Iterator[MainWindow]:
    widget = MainWindow(as_admin(context, org), page_options=QUIET)
    with qtbot.waitSignal(widget.page("queue").model.loaded):
        widget.show()
    yield widget
    dispose_window(widget)


def test_an_admin_erases_the_callers_personal_data_from_the_call_menu(
    qtbot: QtBot, admin_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = call_from_alice(qtbot, admin_window)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    erase = admin_window.action("eraseCaller")
    assert erase.isEnabled()

    erase.trigger()

    status = find(desk, QLabel, "searchStatus")
    qtbot.waitUntil(lambda: status.text().startswith("Erased the personal data of Alice"))
    assert "cannot be undone" in asked[0] and "Alice Müller" in asked[0]
    wait_for_card(qtbot, desk, "Erased caller")


def test_no_answer_erases_nothing(
    qtbot: QtBot, admin_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = call_from_alice(qtbot, admin_window)
    answer_questions(monkeypatch, QMessageBox.StandardButton.No)
    admin_window.action("eraseCaller").trigger()
    drain_tasks()
    assert card_name(desk) == "Alice Müller"
    assert not find(desk, QLabel, "searchStatus").text().startswith("Erased")


def test_erasing_is_disabled_for_everyone_but_admins_and_says_why(window: MainWindow) -> None:
    erase = window.action("eraseCaller")
    assert not erase.isEnabled()
    assert erase.toolTip() == "Only an admin can erase a caller's personal data."


# ------------------------------------------------------------------ who is on now


def test_the_desk_says_who_is_on_now_and_reads_it_again_when_shown_and_on_f5(
    qtbot: QtBot, window: MainWindow, engine: Engine, org: Org
) -> None:
    with write_session(engine) as s:
        s.execute(update(Staff).where(col(Staff.id) == org.ann).values(phone="020 7946 0000"))
    today = NOW.date()  # 10:00 in London, 05:00 in New York
    add_shift(engine, org, org.ann, "Desk early", today, "07:00", "15:00")
    add_shift(engine, org, org.bob, "On call", today, "00:00", "00:00", site_id=org.branch)

    desk = take_call(qtbot, window)
    line = find(desk, QLabel, "onNowLine")
    qtbot.waitUntil(
        lambda: (
            line.text() == "HQ: at the desk Ann Operator (020 7946 0000) until 15:00\n"
            "NY: at the desk nobody · on call Bob Tech until 00:00"
        )
    )

    add_shift(engine, org, org.mia, "On call", today - timedelta(days=1), "17:00", "12:00")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_1, CTRL)  # the queue...
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.page("queue"))
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_2, CTRL)  # ...and back
    qtbot.waitUntil(lambda: "on call Mia Manager until 12:00" in line.text().splitlines()[0])
    assert fully_shown(line, window)

    add_shift(engine, org, org.ada, "Desk late", today, "09:00", "17:00")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F5)  # and on demand
    qtbot.waitUntil(lambda: "Ada Admin until 17:00" in line.text().splitlines()[0])
