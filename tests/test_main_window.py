"""The main window driven from the keyboard: menus show every shortcut, Enter opens a ticket
in the editor, Esc comes back to the same row, Ctrl+F / Ctrl+N / F5 do what they say."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMenu, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.context import AppContext
from app.tickets.actions import update_ticket
from app.tickets.detail import TicketDetail
from tests.conftest import QUIET, Org, as_manager, dispose_window, drain_tasks
from tests.test_queue_query import add_tickets

pytest.importorskip("ui.tickets.editor", reason="the ticket editor is not in this tree yet")

from ui.shell.application import run_gui
from ui.shell.main_window import MainWindow, database_label
from ui.tickets.requests import TicketSaved

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def tickets(engine: Engine, org: Org) -> list[TicketDetail]:
    return add_tickets(engine, org, 12, assignee_id=org.ann)


@pytest.fixture
def window(qtbot: QtBot, context: AppContext, tickets: list[TicketDetail]) -> Iterator[MainWindow]:
    """Ann the operator's window, a ticket of hers selected in the queue."""
    for widget in _window_of(qtbot, context):
        table = widget.page("queue").table
        qtbot.waitUntil(lambda: table.currentIndex().isValid())  # noqa: B023 (waited at once)
        yield widget


@pytest.fixture
def manager_window(
    qtbot: QtBot, context: AppContext, org: Org, tickets: list[TicketDetail]
) -> Iterator[MainWindow]:
    """Mia the manager's window: importing, merging and the matrix are a manager's job."""
    yield from _window_of(qtbot, as_manager(context, org))


def _window_of(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    # Closed here rather than by qtbot, which closes before this teardown: the call must
    # end first, or quitting would ask about it.
    widget = MainWindow(context, page_options=QUIET)
    with qtbot.waitSignal(widget.page("queue").model.loaded):
        widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    yield widget
    dispose_window(widget)


def _shortcuts(window: MainWindow) -> dict[str, str]:
    """Menu entry -> the shortcut text the menu shows."""
    shown = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            text, _tab, hint = action.text().partition("\t")
            shown[text.replace("&", "")] = hint or action.shortcut().toString()
    return shown


def test_window_title_menus_navigation_and_status_bar(
    window: MainWindow, context: AppContext
) -> None:
    assert window.windowTitle() == "Switchboard"
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "View", "Ticket", "Call", "Settings", "Help"]
    shortcuts = _shortcuts(window)
    assert shortcuts["New ticket"] == "Ctrl+N"
    assert shortcuts["Quit"] == "Ctrl+Q"
    assert shortcuts["Find / filter"] == "Ctrl+F"
    assert shortcuts["Refresh"] == "F5"
    assert shortcuts["Open ticket"] == "Enter"
    assert shortcuts["Take call"] == "F2"
    assert shortcuts["End call"] == "F8"
    pages = (
        "Queue",
        "Calls",
        "Call log",
        "Staff",
        "Assets",
        "Roster",
        "Training",
        "Maintenance",
        "Dashboard",
        "Reports",
    )
    assert [shortcuts[page] for page in pages] == [f"Ctrl+{n % 10}" for n in range(1, 11)]
    assert "About Switchboard" in shortcuts and "Save view as…" in shortcuts
    navigation = window.navigation
    assert navigation.objectName() == "navigation"
    entries = [navigation.item(i).text() for i in range(navigation.count())]
    assert entries == [*pages, "Problems", "Vendors"]
    assert shortcuts["Problems"] == "Ctrl+Shift+P" and shortcuts["Vendors"] == "Ctrl+Shift+V"
    assert window.database_label.text() == database_label(context.engine.url)
    assert window.user_label.text() == "Ann Operator · Operator"


def test_menus_open_the_caller_import_and_merge_dialogs(
    qtbot: QtBot, manager_window: MainWindow
) -> None:
    from ui.callers.import_dialog import CallerImportDialog
    from ui.callers.merge_dialog import CallerMergeDialog

    for action, kind, name in (
        (manager_window.action("importCallers"), CallerImportDialog, "callerImportDialog"),
        (manager_window.action("findDuplicates"), CallerMergeDialog, "callerMergeDialog"),
    ):
        action.trigger()
        dialog = manager_window.findChild(kind, name)
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible)
        dialog.close()
        qtbot.waitUntil(lambda kind=kind, name=name: manager_window.findChild(kind, name) is None)


def test_settings_menu_opens_the_priority_matrix(qtbot: QtBot, manager_window: MainWindow) -> None:
    window = manager_window
    from ui.settings.priority_matrix import PriorityMatrixDialog

    window.action("priorityMatrix").trigger()
    dialog = window.findChild(PriorityMatrixDialog, "priorityMatrixDialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: len(dialog.cells) == 3)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_an_operator_sees_the_managers_commands_disabled_and_why(window: MainWindow) -> None:
    for name, words in (
        ("importCallers", "Only a manager or an admin can import callers."),
        ("findDuplicates", "Only a manager or an admin can merge callers."),
        ("priorityMatrix", "Only a manager or an admin can change the priority matrix."),
    ):
        action = window.action(name)
        assert not action.isEnabled() and action.toolTip() == words
    assert window.action("newTicket").isEnabled()  # what an operator does stays


def test_a_manager_has_them(manager_window: MainWindow) -> None:
    for name in ("importCallers", "findDuplicates", "priorityMatrix"):
        assert manager_window.action(name).isEnabled()


def test_the_database_label_names_a_file_by_its_path_and_a_server_by_host_and_name() -> None:
    server = make_url("postgresql+psycopg://desk:s3cret@db.example:5432/switchboard")
    assert database_label(server) == "Database: switchboard on db.example:5432"  # no password
    assert database_label(make_url("sqlite:////srv/desk/switchboard.db")) == (
        "Database: /srv/desk/switchboard.db"
    )


def test_opening_a_database_knows_the_staff_members_name_and_role(tmp_path: Path) -> None:
    from app.startup import open_session

    context = open_session(f"sqlite:///{tmp_path / 'desk.db'}", demo=False, username="kim")
    assert isinstance(context, AppContext)
    try:
        assert (context.name, context.role) == ("kim", "Admin")  # who creates it runs it
    finally:
        context.engine.dispose()


def views_menu(window: MainWindow) -> QMenu:
    menu = window.findChild(QMenu, "savedViews")
    assert menu is not None
    return menu


def _label_shows(window: MainWindow, text: str) -> bool:
    """Some visible label of the editor shows ``text``."""
    return any(
        text in label.text() and label.isVisible()
        for label in window.page("ticket").findChildren(QLabel)
    )


def test_enter_opens_the_ticket_and_esc_returns_to_the_same_row(
    qtbot: QtBot, window: MainWindow
) -> None:
    table = window.page("queue").table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    row = table.currentIndex().row()
    number = window.page("queue").model.index(row, 0).data()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.page("ticket")

    qtbot.waitUntil(lambda: _label_shows(window, number))
    focus = QApplication.focusWidget() or window.page("ticket")
    qtbot.keyClick(focus, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.page("queue"))
    assert table.hasFocus()
    assert table.currentIndex().row() == row
    assert table.selectionModel().isRowSelected(row)


def test_ctrl_f_focuses_the_filter_and_selects_its_text(qtbot: QtBot, window: MainWindow) -> None:
    queue_filter = window.findChild(QLineEdit, "queueFilter")
    queue_filter.setText("printer")
    window.page("queue").table.setFocus()
    qtbot.keyClick(window.page("queue").table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert queue_filter.hasFocus()
    assert queue_filter.selectedText() == "printer"


def test_each_page_has_its_shortcut(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.page("queue").table, Qt.Key.Key_2, CTRL)
    desk = window.page("calls")
    assert window.pages.currentWidget() is desk
    assert window.navigation.currentItem().text() == "Calls"
    assert desk.findChild(QLineEdit, "callerSearch").hasFocus()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_1, CTRL)
    assert window.pages.currentWidget() is window.page("queue")
    assert window.page("queue").table.hasFocus()


def test_leaving_unsaved_edits_asks_first_and_staying_keeps_everything(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    qtbot.keyClick(window.page("queue").table, Qt.Key.Key_Return)
    editor = window.page("ticket")
    summary = editor.findChild(QLineEdit, "summaryEdit")
    qtbot.waitUntil(lambda: summary.text() != "")
    qtbot.keyClick(summary, Qt.Key.Key_End)
    qtbot.keyClicks(summary, " (urgent)")
    answers = [False, True]
    monkeypatch.setattr(editor, "confirm_discard", lambda: answers.pop(0))
    calls = window.navigation.item(1)

    window.navigation.itemClicked.emit(calls)  # a click on "Calls"; "keep my edits"
    assert window.pages.currentWidget() is editor and summary.text().endswith("(urgent)")
    assert window.navigation.currentItem().text() == "Queue"  # where it was

    window.navigation.itemClicked.emit(calls)  # again; "discard them"
    assert window.pages.currentWidget() is window.page("calls") and answers == []
    assert window.navigation.currentItem().text() == "Calls"


def test_ctrl_n_opens_a_blank_ticket(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.page("queue").table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.page("ticket")
    qtbot.keyClick(QApplication.focusWidget() or window.page("ticket"), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.page("queue"))


def test_f5_and_a_save_in_the_editor_refresh_the_queue(
    qtbot: QtBot, window: MainWindow, context: AppContext, org: Org, tickets: list[TicketDetail]
) -> None:
    first = tickets[0]
    update_ticket(context.engine, first.id, first.version, {"summary": "Edited here"}, org.ann)
    with qtbot.waitSignal(window.page("queue").model.countChanged):
        qtbot.keyClick(window.page("queue").table, Qt.Key.Key_F5)
    second = tickets[1]
    detail = update_ticket(context.engine, second.id, second.version, {"summary": "Saved"}, org.ann)
    with qtbot.waitSignal(window.page("queue").model.countChanged):
        window.page("ticket").announce.emit(TicketSaved(detail, None))
    model = window.page("queue").model
    qtbot.waitUntil(
        lambda: (
            {"Edited here", "Saved"} <= {model.index(r, 3).data() for r in range(model.rowCount())}
        )
    )


def test_about_and_saved_views_from_the_menus(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, _text: shown.append(title))
    window.action("about").trigger()
    assert shown == ["About Switchboard"]
    views_menu(window).aboutToShow.emit()
    names = [a.text() for a in views_menu(window).actions()]
    assert names[:2] == ["My open", "Unassigned"]
    assert views_menu(window).actions()[0].isChecked()
    with qtbot.waitSignal(window.page("queue").model.countChanged):
        views_menu(window).actions()[1].trigger()
    assert window.page("queue").views_combo.currentText() == "Unassigned"


def _run_until(done: Callable[[MainWindow], bool], opener: Any, **options: Any) -> int:
    """run_gui with ``opener``, ended from inside its event loop once ``done(window)``; the
    application's stylesheet (run_gui sets it) is put back for the tests after this one."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()

    def check() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if any(w.isVisible() and done(w) for w in windows):
            watcher.stop()
            app.quit()

    watcher = QTimer(interval=10, timeout=check)
    watcher.start()
    # The window goes away when run_gui returns: with quit-on-last-window-closed that would
    # post one more Quit, which would end every later test's event loop at once.
    app.setQuitOnLastWindowClosed(False)
    try:
        return run_gui(opener, [], **options)
    finally:
        watcher.stop()
        app.setQuitOnLastWindowClosed(True)
        app.setStyleSheet(before)


def test_run_gui_shows_the_window_then_opens_the_database_beside_it(
    qtbot: QtBot, context: AppContext
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    opened: list[AppContext] = []
    styles: list[str] = []

    def opener() -> AppContext:
        opened.append(context)
        return context

    def queue_is_in(window: MainWindow) -> bool:
        styles.append(app.styleSheet())
        return window.pages.currentWidget().objectName() == "queuePage"

    assert _run_until(queue_is_in, opener) == 0
    assert opened == [context]
    assert "QTableView" in styles[-1]
    assert not app.windowIcon().isNull()
    assert app.applicationName() == "Switchboard"


def test_a_database_that_cannot_be_opened_is_explained_and_ends_the_program(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ui.kit.errors
    from models.errors import DatabaseError

    shown: list[str] = []
    monkeypatch.setattr(ui.kit.errors, "show_startup_error", shown.append)

    def opener() -> AppContext:
        raise DatabaseError("notes.txt is not a SQLite database.")

    assert _run_until(lambda _window: False, opener) == 2
    assert shown == ["notes.txt is not a SQLite database."]
    assert "not a SQLite database" in capsys.readouterr().err


def _no_password() -> Exception:
    from sqlalchemy import exc

    refusal = Exception('connection failed: FATAL: password authentication failed for user "ann"')
    return exc.OperationalError("connect", {}, refusal)


def test_the_window_asks_for_the_server_password_and_opens_with_it(
    qtbot: QtBot, context: AppContext
) -> None:
    from PySide6.QtWidgets import QCheckBox, QDialog

    tried: list[str | None] = []
    asked: list[str] = []

    def opener(password: str | None = None, remember: bool = False) -> AppContext:
        tried.append(password)
        if password != "right one":
            raise _no_password()
        return context

    def answer_then_wait(window: MainWindow) -> bool:
        shown = [d for d in window.findChildren(QDialog, "serverPassword") if d.isVisible()]
        for dialog in shown:
            asked.append(dialog.findChild(QLabel, "serverPasswordProblem").text())
            box = dialog.findChild(QLineEdit, "serverPasswordEdit")
            assert dialog.focusWidget() is box and box.echoMode() == QLineEdit.EchoMode.Password
            remember = dialog.findChild(QCheckBox, "rememberPassword")
            assert not remember.isEnabled() and "no keyring" in remember.toolTip()
            qtbot.keyClicks(box, "wrong one" if len(asked) == 1 else "right one")
            qtbot.keyClick(box, Qt.Key.Key_Return)
        return window.pages.currentWidget().objectName() == "queuePage"

    assert _run_until(answer_then_wait, opener, may_ask_password=True) == 0
    assert tried == [None, "wrong one", "right one"]
    assert len(asked) == 2 and asked[1].startswith("The database server refused the password")


def test_a_ticked_box_keeps_the_typed_password_in_the_keyring(
    qtbot: QtBot, context: AppContext
) -> None:
    import keyring
    from PySide6.QtWidgets import QCheckBox, QDialog

    from tests.test_server_password import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())  # the autouse no_keyring fixture restores it after
    tried: list[tuple[str | None, bool]] = []

    def opener(password: str | None = None, remember: bool = False) -> AppContext:
        tried.append((password, remember))
        if password is None:
            raise _no_password()
        return context

    def answer_then_wait(window: MainWindow) -> bool:
        for dialog in window.findChildren(QDialog, "serverPassword"):
            if dialog.isVisible():
                remember = dialog.findChild(QCheckBox, "rememberPassword")
                assert remember.isEnabled()
                qtbot.keyClick(dialog.findChild(QLineEdit, "serverPasswordEdit"), Qt.Key.Key_S)
                qtbot.keyClick(remember, Qt.Key.Key_Space)
                qtbot.keyClick(dialog.findChild(QLineEdit, "serverPasswordEdit"), Qt.Key.Key_Return)
        return window.pages.currentWidget().objectName() == "queuePage"

    assert _run_until(answer_then_wait, opener, may_ask_password=True) == 0
    assert tried == [(None, False), ("s", True)]


def test_a_refused_password_is_not_asked_for_where_the_url_has_one(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.kit.errors

    shown: list[str] = []
    monkeypatch.setattr(ui.kit.errors, "show_startup_error", shown.append)

    def opener(password: str | None = None) -> AppContext:
        raise _no_password()

    assert _run_until(lambda _window: False, opener, may_ask_password=False) == 2
    assert shown and shown[0].startswith("The database server refused the password")


@pytest.mark.real_threads
def test_closing_the_window_while_the_database_opens_does_not_wait_for_it(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, abandoned, attached = threading.Event(), [], []
    monkeypatch.setattr(MainWindow, "attach", lambda _window, context: attached.append(context))

    def opener() -> AppContext:
        gate.wait(60)  # still importing, checking, migrating when the window closes
        return context

    try:
        # Closed as soon as it is on screen, long before the database is open.
        code = _run_until(lambda _window: True, opener, abandon=abandoned.append)
        assert (code, abandoned) == (0, [0])
    finally:
        gate.set()
        QThreadPool.globalInstance().waitForDone()
    drain_tasks()  # the opening ends now, with nobody to take its database
    assert attached == []


def test_the_window_waits_for_the_database_with_its_actions_off(
    qtbot: QtBot, context: AppContext, tickets: list[TicketDetail]
) -> None:
    window = MainWindow(page_options=QUIET)
    qtbot.addWidget(window)
    window.show()
    opening = window.pages.currentWidget()
    assert isinstance(opening, QLabel) and "Opening" in opening.text()
    assert not window.action("newTicket").isEnabled() and not window.action("refresh").isEnabled()
    with qtbot.waitSignal(window.attached):
        window.attach(context)
    assert window.pages.currentWidget() is window.page("queue")
    assert window.action("newTicket").isEnabled()
    qtbot.waitUntil(lambda: window.page("queue").model.rowCount() == len(tickets))
    qtbot.keyClick(window.page("queue").table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.page("ticket")


def test_the_about_box_describes_what_this_version_has(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda _p, _t, text: shown.append(text)))

    window.action("about").trigger()

    assert len(shown) == 1
    text = shown[0]
    assert (
        "Pages: Queue, Calls, Call log, Staff, Assets, Roster, Training, Maintenance, "
        "Dashboard, Reports, Problems, Vendors." in text
    )
    assert "staff roster" in text and "training log" in text
    assert "monthly report" in text and "dashboard" in text
    assert "problem management" in text and "attention list" in text


def test_the_window_opens_at_the_size_and_place_it_was_closed_at(
    qtbot: QtBot, context: AppContext
) -> None:
    first = MainWindow(context, page_options=QUIET)
    qtbot.addWidget(first)
    first.show()
    # The test screen is 800x600 and restoring keeps a window on screen, so the height is
    # what can be compared: the window is wider than the screen.
    first.resize(first.width(), 555)
    qtbot.waitUntil(lambda: first.height() == 555)
    first.close()

    second = MainWindow(context, page_options=QUIET)
    qtbot.addWidget(second)

    assert second.height() == 555
