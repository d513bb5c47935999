"""Known errors at intake in the ticket editor and on the caller card, driven as a person
would: the hints follow what is typed and chosen, Alt+K gives the chosen one's workaround
(at once on a saved ticket, once created on a new one), and the card offers those of the
caller's assets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QListWidget, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.callers.card import load_card
from app.problems.records import change_problem_status, link_incidents
from app.tickets.actions import change_status
from models.engine import read_session
from models.enums import ProblemStatus, TicketStatus
from models.tickets import Ticket
from tests.conftest import NOW, InlinePool, Org
from tests.test_known_errors import known_error
from tests.test_ticket_editor import (
    ALT,
    find,
    new_ticket,
    open_ticket,
    save,
    shown_editor,
    ticket,
    timeline_text,
)
from ui.calls.card import CallerCardView
from ui.kit.tasks import pending as pending_tasks
from ui.tickets.editor import TicketEditor
from ui.tickets.known_errors import PENDING, KnownErrorPanel
from ui.tickets.timeline import use_workstation_zone

VPN = "VPN drops every morning"
VPN_FIX = "Reconnect with the backup gateway vpn2.example.org"
TONER = "Toner smears on the second floor printer"
TONER_FIX = "Print in draft mode until the new drum arrives"


@pytest.fixture
def editor(qtbot: QtBot, engine: Engine, org: Org) -> Iterator[TicketEditor]:
    """Ann's editor on screen, on a workstation in London (HQ's zone)."""
    with use_workstation_zone("Europe/London"), shown_editor(qtbot, engine, org, 0) as widget:
        yield widget


def panel(editor: TicketEditor) -> KnownErrorPanel:
    found = editor.findChild(KnownErrorPanel)
    assert found is not None
    return found


def offered(editor: TicketEditor) -> list[str]:
    """The known errors listed, each as its first line."""
    shown = panel(editor)
    if not shown.isVisible():
        return []
    rows = find(editor, QListWidget, "knownErrorList")
    return [rows.item(n).text().split("\n")[0] for n in range(rows.count())]


def settled(editor: TicketEditor) -> bool:
    """The hints shown answer what the form holds now."""
    return panel(editor).settled() and not pending_tasks()


def type_summary(qtbot: QtBot, editor: TicketEditor, text: str) -> QLineEdit:
    summary = find(editor, QLineEdit, "summaryEdit")
    summary.setFocus()
    qtbot.keyClicks(summary, text)
    return summary


def use_known_error(qtbot: QtBot, editor: TicketEditor) -> None:
    """Alt+K, where the keyboard is."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_K, ALT)


def linked_problem(engine: Engine, ticket_id: uuid.UUID) -> uuid.UUID | None:
    with read_session(engine) as session:
        stored = session.get(Ticket, ticket_id)
        assert stored is not None
        return stored.problem_id


# -- the hints ---------------------------------------------------------------------------------


def test_typing_a_summary_offers_the_known_error_and_keeps_the_keyboard(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    known_error(engine, org, VPN, workaround=VPN_FIX)
    known_error(engine, org, TONER, workaround=TONER_FIX)
    new_ticket(qtbot, editor)
    assert not panel(editor).isVisible()

    summary = type_summary(qtbot, editor, "vpn dropping")
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN}"])
    workaround = find(editor, QLabel, "knownErrorWorkaround")
    assert VPN_FIX in workaround.text()  # readable without opening anything
    why = find(editor, QListWidget, "knownErrorList").item(0).text().split("\n")[1]
    assert why == "Matched: summary mentions 'vpn', 'drops'"
    assert summary.hasFocus() and summary.text() == "vpn dropping"  # typing went on there

    # Tab goes from the summary to the hints, then to their button.
    qtbot.keyClick(summary, Qt.Key.Key_Tab)
    assert find(editor, QListWidget, "knownErrorList").hasFocus()

    summary.setFocus()
    summary.selectAll()
    qtbot.keyClicks(summary, "the toner smears")
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000002 · {TONER}"])
    assert TONER_FIX in workaround.text()


def test_choosing_a_category_offers_its_known_errors(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    known_error(engine, org, "Branch link flaps", workaround=VPN_FIX, categories=(org.wan,))
    new_ticket(qtbot, editor)
    category = find(editor, QComboBox, "categoryCombo")
    category.setFocus()
    qtbot.keyClicks(category, "Network")
    assert category.currentText() == "Network outage"
    qtbot.waitUntil(lambda: offered(editor) == ["PRB-000001 · Branch link flaps"])
    rows = find(editor, QListWidget, "knownErrorList")
    assert rows.item(0).text().endswith("Matched: same category")
    assert category.hasFocus()

    qtbot.keyClick(category, Qt.Key.Key_Down)
    assert category.currentText() == "Printing"
    qtbot.waitUntil(lambda: not panel(editor).isVisible())  # nothing matches: no row
    assert not find(editor, QLabel, "knownErrorCaption").isVisible()


def test_near_misses_offer_nothing(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org, tasks: InlinePool
) -> None:
    known_error(engine, org, TONER, workaround=TONER_FIX, categories=(org.printing,))
    known_error(engine, org, VPN, status=ProblemStatus.INVESTIGATING)  # not published yet
    new_ticket(qtbot, editor)
    # One word of the workaround alone, stop words, the problem still under investigation,
    # and another category.
    category = find(editor, QComboBox, "categoryCombo")
    category.setFocus()
    qtbot.keyClicks(category, "Network")
    type_summary(qtbot, editor, "cannot get the vpn drops, draft")
    qtbot.waitUntil(lambda: settled(editor))
    assert offered(editor) == []
    assert not panel(editor).isVisible()


def test_an_older_answer_is_never_shown_over_a_newer_one(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org, tasks: InlinePool
) -> None:
    known_error(engine, org, VPN, workaround=VPN_FIX)
    known_error(engine, org, TONER, workaround=TONER_FIX)
    new_ticket(qtbot, editor)
    with tasks.holding():
        summary = type_summary(qtbot, editor, "vpn drops")
        qtbot.waitUntil(lambda: len(tasks.held) == 1)
        summary.selectAll()
        qtbot.keyClicks(summary, "toner smears")
        qtbot.waitUntil(lambda: len(tasks.held) == 2)
    tasks.run_held(1)  # the newer answer first
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000002 · {TONER}"])
    tasks.run_held()  # then the one for "vpn drops": dropped
    qtbot.waitUntil(lambda: not pending_tasks())
    assert offered(editor) == [f"PRB-000002 · {TONER}"]


def test_a_closed_ticket_offers_no_workaround(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    known_error(engine, org, VPN, workaround=VPN_FIX)
    done = ticket(engine, org, summary="VPN drops again")
    done = change_status(engine, done.id, done.version, TicketStatus.RESOLVED, org.ann, "Fixed")
    open_ticket(qtbot, editor, done)
    qtbot.waitUntil(lambda: settled(editor))
    assert offered(editor) == []


# -- giving the workaround ---------------------------------------------------------------------


def test_alt_k_gives_the_workaround_on_a_saved_ticket(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    problem = known_error(engine, org, VPN, workaround=VPN_FIX)
    known_error(engine, org, "VPN client shows error 809", workaround="Use the other port")
    saved = ticket(engine, org, summary="VPN drops every hour")
    open_ticket(qtbot, editor, saved)
    qtbot.waitUntil(lambda: len(offered(editor)) == 2)
    assert offered(editor)[0] == f"PRB-000001 · {VPN}"  # the better match first
    summary = find(editor, QLineEdit, "summaryEdit")
    summary.setFocus()

    with qtbot.waitSignal(editor.saved):
        use_known_error(qtbot, editor)

    assert linked_problem(engine, saved.id) == problem
    text = timeline_text(editor)
    assert "Known error used: PRB-000001" in text and VPN_FIX in text
    status = find(editor, QLabel, "editorStatus").text()
    assert status.startswith(f"Gave the workaround of PRB-000001 on {saved.number}")
    assert summary.hasFocus()  # the keyboard stays where it was
    assert offered(editor)[0] == f"PRB-000001 · {VPN}"  # still offered, still the same


def test_the_hint_picked_in_the_list_is_the_one_given(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    known_error(engine, org, VPN, workaround=VPN_FIX)
    other = known_error(engine, org, "VPN client shows error 809", workaround="Use port 443")
    saved = ticket(engine, org, summary="VPN drops every hour")
    open_ticket(qtbot, editor, saved)
    qtbot.waitUntil(lambda: len(offered(editor)) == 2)
    rows = find(editor, QListWidget, "knownErrorList")
    rows.setFocus()
    qtbot.keyClick(rows, Qt.Key.Key_Down)
    assert "Use port 443" in find(editor, QLabel, "knownErrorWorkaround").text()
    with qtbot.waitSignal(editor.saved):
        use_known_error(qtbot, editor)
    assert linked_problem(engine, saved.id) == other


def test_edits_are_saved_before_the_workaround_is_given(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    problem = known_error(engine, org, VPN, workaround=VPN_FIX)
    saved = ticket(engine, org, summary="Laptop slow")
    open_ticket(qtbot, editor, saved)
    summary = find(editor, QLineEdit, "summaryEdit")
    summary.setFocus()
    summary.selectAll()
    qtbot.keyClicks(summary, "VPN drops at home")
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN}"])
    with qtbot.waitSignals([editor.saved, editor.saved]):
        use_known_error(qtbot, editor)
    with read_session(engine) as session:
        stored = session.get(Ticket, saved.id)
        assert stored is not None
        assert (stored.summary, stored.problem_id) == ("VPN drops at home", problem)
    assert not editor.has_unsaved_changes()


def test_a_new_ticket_gets_the_workaround_once_created(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    problem = known_error(engine, org, VPN, workaround=VPN_FIX)
    new_ticket(qtbot, editor)
    qtbot.keyClick(find(editor, QComboBox, "siteCombo"), Qt.Key.Key_Down)
    summary = type_summary(qtbot, editor, "vpn drops")
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN}"])

    use_known_error(qtbot, editor)
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN} {PENDING}"])
    button = find(editor, QPushButton, "useKnownErrorButton")
    assert button.text() == "Don't use &known error"
    assert summary.hasFocus()
    qtbot.keyClicks(summary, " at home")  # typing on: the pending one stays
    qtbot.waitUntil(lambda: settled(editor))
    assert offered(editor) == [f"PRB-000001 · {VPN} {PENDING}"]

    created = save(qtbot, editor)

    assert linked_problem(engine, created.id) == problem
    assert VPN_FIX in timeline_text(editor)
    status = find(editor, QLabel, "editorStatus").text()
    assert status.endswith("with the workaround of PRB-000001")
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN}"])  # no longer pending


def test_alt_k_again_takes_back_a_new_tickets_known_error(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    known_error(engine, org, VPN, workaround=VPN_FIX)
    new_ticket(qtbot, editor)
    qtbot.keyClick(find(editor, QComboBox, "siteCombo"), Qt.Key.Key_Down)
    type_summary(qtbot, editor, "vpn drops")
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN}"])
    use_known_error(qtbot, editor)
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN} {PENDING}"])
    use_known_error(qtbot, editor)
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN}"])

    created = save(qtbot, editor)

    assert linked_problem(engine, created.id) is None
    assert VPN_FIX not in timeline_text(editor)


def test_a_known_error_withdrawn_before_creation_leaves_the_ticket_created(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    problem = known_error(engine, org, VPN, workaround=VPN_FIX)
    new_ticket(qtbot, editor)
    qtbot.keyClick(find(editor, QComboBox, "siteCombo"), Qt.Key.Key_Down)
    type_summary(qtbot, editor, "vpn drops")
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000001 · {VPN}"])
    use_known_error(qtbot, editor)
    qtbot.waitUntil(lambda: PENDING in offered(editor)[0])
    change_problem_status(
        engine, problem, ProblemStatus.INVESTIGATING, org.bob, NOW, 2, note="Workaround fails"
    )

    created = save(qtbot, editor)

    assert created.number == "HQ-000001" and linked_problem(engine, created.id) is None
    status = find(editor, QLabel, "editorStatus").text()
    assert "PRB-000001 was not given: PRB-000001 is no longer a known error" in status


def test_a_ticket_of_another_problem_is_refused_under_the_hints(
    qtbot: QtBot, editor: TicketEditor, engine: Engine, org: Org
) -> None:
    first = known_error(engine, org, "Laptop docks lose the screen", workaround="Replug")
    known_error(engine, org, VPN, workaround=VPN_FIX)
    saved = ticket(engine, org, summary="VPN drops daily")
    link_incidents(engine, first, [saved.id], org.bob, NOW)
    open_ticket(qtbot, editor, saved)
    qtbot.waitUntil(lambda: offered(editor) == [f"PRB-000002 · {VPN}"])

    use_known_error(qtbot, editor)

    message = find(editor, QLabel, "knownErrorMessage")
    qtbot.waitUntil(message.isVisible)
    assert "is an incident of PRB-000001 already" in message.text()
    assert linked_problem(engine, saved.id) == first
    assert VPN_FIX not in timeline_text(editor)


# -- the caller card ---------------------------------------------------------------------------


@pytest.fixture
def card(qtbot: QtBot, engine: Engine) -> Iterator[CallerCardView]:
    view = CallerCardView(engine=engine)
    view.resize(520, 640)
    view.show()
    qtbot.addWidget(view)
    yield view
    view.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_caller_card_shows_the_known_errors_of_the_callers_assets(
    qtbot: QtBot, card: CallerCardView, engine: Engine, org: Org
) -> None:
    known_error(engine, org, "Laptop docks lose the screen", workaround="Replug the dock")
    known_error(engine, org, TONER, workaround=TONER_FIX, assets=(org.laptop,))
    shown = find(card, QLabel, "cardKnownErrors")

    card.show_card(load_card(engine, org.alice))  # Alice has LT-0001
    assert not shown.isVisible()  # not before the card is painted
    qtbot.waitUntil(shown.isVisible)
    text = shown.text()
    assert "PRB-000002" in text and TONER in text and TONER_FIX in text
    assert "the caller&#x27;s LT-0001" in text or "the caller's LT-0001" in text
    assert "docks" not in text

    card.show_card(load_card(engine, org.zoe))  # no assets: nothing to ask, nothing offered
    assert not shown.isVisible() and not pending_tasks()


def test_the_caller_card_is_filled_before_its_known_errors_are_read(
    qtbot: QtBot, card: CallerCardView, engine: Engine, org: Org, tasks: InlinePool
) -> None:
    known_error(engine, org, TONER, workaround=TONER_FIX, assets=(org.laptop,))
    alice = load_card(engine, org.alice)
    with tasks.holding():
        card.show_card(alice)
        assert find(card, QLabel, "cardName").text() == "Alice Müller"
        qtbot.waitUntil(lambda: len(tasks.held) == 1)  # asked once the card was painted
        card.show_card(load_card(engine, org.zoe))  # another caller meanwhile
    tasks.run_held()
    qtbot.waitUntil(lambda: not pending_tasks())
    assert not find(card, QLabel, "cardKnownErrors").isVisible()  # Alice's: dropped
