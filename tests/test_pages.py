"""The page registry: the window lists what is registered and nothing else, builds a page
when it is first needed, runs commands on their pages, passes requests and announcements
between pages, and goes back to where a page was reached from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QVBoxLayout
from pytestqt.qtbot import QtBot

import ui.contents  # noqa: F401 - the program's pages and commands
from app.context import AppContext
from tests.conftest import QUIET
from ui.shell import pages
from ui.shell.main_window import MainWindow
from ui.shell.pages import Command, Page, PageInfo, load, register_command, register_page

CTRL = Qt.KeyboardModifier.ControlModifier


def test_every_command_names_something_that_exists() -> None:
    for command in pages.COMMANDS:
        if command.page:
            info = next(p for p in pages.PAGES if p.key == command.page)
            assert callable(getattr(load(info.factory), command.method)), command.name
        elif command.dialog:
            assert callable(load(command.dialog)), command.name
        else:
            assert callable(getattr(MainWindow, command.window)), command.name


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        (Command("quit", "&File", "Again"), "registered already"),
        (Command("x1", "&Nowhere", "X", window="close"), "no menu"),
        (Command("x2", "&File", "X"), "give one of"),
        (Command("x3", "&File", "X", page="queue", method="m", window="close"), "give one of"),
    ],
)
def test_a_command_that_cannot_work_is_refused(command: Command, problem: str) -> None:
    before = list(pages.COMMANDS)
    with pytest.raises(ValueError, match=problem):
        register_command(command)
    assert before == pages.COMMANDS


def test_a_page_key_is_registered_once() -> None:
    with pytest.raises(ValueError, match="registered already"):
        register_page(PageInfo("queue", "Again", "queue", "ui.queue.page:QueuePage"))


class NotesPage(Page):
    """A page as small as a page can be: it shows the requests it is handed."""

    def __init__(self, context: AppContext | None, **_options: Any) -> None:
        super().__init__()
        self.setObjectName("notesPage")
        self.label = QLabel("nothing yet")
        self.label.setObjectName("notesLabel")
        self.heard: list[object] = []
        QVBoxLayout(self).addWidget(self.label)

    def handle(self, request: object) -> bool:
        self.label.setText(str(request))
        return True

    def notice(self, event: object) -> None:
        self.heard.append(event)

    def say_hello(self) -> None:
        self.label.setText("hello")
        self.announce.emit("said hello")
        self.done.emit()


@pytest.fixture
def notes_registered() -> Iterator[None]:
    """The notes page and one command for it, registered like the program's own, and
    removed again afterwards."""
    pages_before, commands_before = list(pages.PAGES), list(pages.COMMANDS)
    register_page(PageInfo("notes", "Notes", "note", f"{__name__}:NotesPage", "Ctrl+Shift+9"))
    register_command(
        Command("sayHello", "&Help", "Say &hello", page="notes", method="say_hello", shortcut="F9")
    )
    yield
    pages.PAGES[:], pages.COMMANDS[:] = pages_before, commands_before


@pytest.fixture
def window(qtbot: QtBot, context: AppContext, notes_registered: None) -> MainWindow:
    widget = MainWindow(context, page_options=QUIET)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_registered_page_is_in_the_navigation_and_its_command_in_the_menus(
    qtbot: QtBot, window: MainWindow
) -> None:
    titles = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert titles == [
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
        "Problems",
        "Vendors",
        "Notes",
    ]
    help_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Help")
    assert "Say &hello" in [a.text() for a in help_menu.actions()]
    assert window.findChild(NotesPage) is None  # built only when it is first needed

    qtbot.keyClick(
        window.focusWidget() or window,
        Qt.Key.Key_9,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    notes = window.page("notes")
    assert window.pages.currentWidget() is notes
    assert window.navigation.currentItem().text() == "Notes"


def test_a_command_runs_on_its_page_and_done_goes_back(qtbot: QtBot, window: MainWindow) -> None:
    queue = window.page("queue")
    assert window.pages.currentWidget() is queue
    queue.setFocus()

    qtbot.keyClick(queue, Qt.Key.Key_F9)

    notes = window.page("notes")
    assert isinstance(notes, NotesPage) and notes.label.text() == "hello"
    assert "said hello" in notes.heard  # every built page hears announcements, the sender too
    assert window.pages.currentWidget() is queue  # done: back where it was reached from
    assert QApplication.focusWidget() is queue.table


def test_a_request_reaches_the_page_it_is_for(qtbot: QtBot, window: MainWindow) -> None:
    window.page("queue").navigate.emit("notes", "ticket HQ-000042")
    notes = window.page("notes")
    assert window.pages.currentWidget() is notes
    assert isinstance(notes, NotesPage) and notes.label.text() == "ticket HQ-000042"


@pytest.mark.parametrize("key", [info.key for info in pages.PAGES])
def test_every_page_fits_the_smallest_window(qtbot: QtBot, context: AppContext, key: str) -> None:
    """What the README promises: every page fits a 1024 x 700 window beside the navigation
    (a page longer than that scrolls inside itself): showing it never makes the window grow."""
    from tests.conftest import dispose_window

    window = MainWindow(context, page_options=QUIET)
    window.resize(1024, 700)
    with qtbot.waitSignal(window.page("queue").model.loaded):
        window.show()
    window.show_page(key)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.page(key))
    QApplication.processEvents()
    assert (window.width(), window.height()) == (1024, 700), key
    room = 1024 - window.navigation.width()
    assert window.page(key).minimumSizeHint().width() <= room, key
    dispose_window(window)
