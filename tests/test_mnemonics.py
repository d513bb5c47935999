"""Mnemonics on the pages of the main window: none is a letter of the menu bar, and no two
that can be on screen together share a letter.

A page's Alt+letter and a menu's share the window: a button of a page with the mnemonic T
is never pressed by Alt+T, which opens the Ticket menu instead; and two controls with the same
letter only take the keyboard in turn. Pages built on their own never meet the menu bar, so
each registered page is built here inside the window, by its key, and the letters are read
from the menu bar itself.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenu,
    QStackedWidget,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

import ui.contents  # noqa: F401 - registers the pages
from tests.test_main_window import manager_window, tickets, window  # noqa: F401 (fixtures)
from ui.queue.page import NO_MATCH_TITLE, QueuePage
from ui.shell.main_window import MainWindow
from ui.shell.pages import PAGES

ALT = Qt.KeyboardModifier.AltModifier
PAGE_KEYS = [info.key for info in PAGES]  # the Settings pages among them

Found = tuple[QWidget, str]  # a widget and a text of it with a mnemonic


def mnemonic(text: str) -> str:
    """The key a text's mnemonic answers to, as Qt reads it ("Alt+T"); "" without one."""
    return QKeySequence.mnemonic(text).toString()


def menu_bar_keys(main: MainWindow) -> dict[str, str]:
    """The menu bar's mnemonics: key -> the menu's title."""
    titles = [action.text() for action in main.menuBar().actions()]
    return {mnemonic(title): title for title in titles if mnemonic(title)}


def texts_of(widget: QWidget) -> list[str]:
    """The texts of ``widget`` that Qt gives a mnemonic: a button's, a label's that has a
    buddy, a group box's title, a tab bar's (a tab widget's) tab titles."""
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLabel):
        return [widget.text()] if widget.buddy() is not None else []
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count())]
    return []


def page_mnemonics(main: MainWindow, key: str) -> list[Found]:
    """Every text with a mnemonic on the page ``key`` (built now if need be) and on the strip
    it shows above the pages, shown or hidden; a dialog the page holds is a window of its own
    and is left out."""
    page = main.page(key)
    strip = page.strip()
    found: list[Found] = []
    for root in (page, strip) if strip is not None else (page,):
        for widget in (root, *root.findChildren(QWidget)):
            if widget.window() is main:
                found += [(widget, text) for text in texts_of(widget) if mnemonic(text)]
    return found


def stack_places(widget: QWidget) -> dict[int, int]:
    """The stacked widgets ``widget`` is in (a tab widget's pages among them), by id, and the
    index of the page holding it in each."""
    places: dict[int, int] = {}
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget):
            places[id(parent)] = parent.indexOf(child)
        child, parent = parent, parent.parentWidget()
    return places


def on_screen_together(first: QWidget, second: QWidget) -> bool:
    """False when the two are on different pages of one stacked widget (different tabs of a
    tab widget): only one of them is ever shown, and Qt skips hidden widgets' mnemonics."""
    mine, theirs = stack_places(first), stack_places(second)
    return all(mine[stack] == theirs[stack] for stack in mine.keys() & theirs.keys())


@pytest.mark.parametrize("key", PAGE_KEYS)
def test_no_mnemonic_on_a_page_is_a_letter_of_the_menu_bar(
    manager_window: MainWindow,  # noqa: F811
    key: str,
) -> None:
    menus = menu_bar_keys(manager_window)
    assert len(menus) == len(manager_window.menuBar().actions())  # every menu has its letter
    clashes = [
        f"page {key!r}: {text!r} ({type(widget).__name__}) has {shortcut}, "
        f"the letter of the menu {menus[shortcut]!r}"
        for widget, text in page_mnemonics(manager_window, key)
        if (shortcut := mnemonic(text)) in menus
    ]
    assert not clashes, "mnemonics that open a menu instead:\n" + "\n".join(clashes)


@pytest.mark.parametrize("key", PAGE_KEYS)
def test_mnemonics_on_screen_together_have_different_letters(
    manager_window: MainWindow,  # noqa: F811
    key: str,
) -> None:
    found = page_mnemonics(manager_window, key)
    shared = [
        f"page {key!r}: {first_text!r} and {second_text!r} both have {mnemonic(first_text)}"
        for (first, first_text), (second, second_text) in combinations(found, 2)
        if mnemonic(first_text) == mnemonic(second_text) and on_screen_together(first, second)
    ]
    assert not shared, "mnemonics that take the keyboard in turn:\n" + "\n".join(shared)


def test_alt_l_in_the_window_clears_the_queues_filter_and_opens_no_menu(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
) -> None:
    page = window.page("queue")
    assert isinstance(page, QueuePage) and window.current_page() is page
    window.action("find").trigger()  # Ctrl+F: the filter box has the keyboard
    qtbot.keyClicks(page.filter_edit, "no such words")
    note, button = page.empty_note, page.empty_note.clear_button
    qtbot.waitUntil(lambda: note.isVisible() and note.title.text() == NO_MATCH_TITLE)
    assert button.isVisible() and mnemonic(button.text()) == "Alt+L"  # C&lear filter

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, ALT)
    qtbot.waitUntil(
        lambda: page.filter_edit.text() == "" or QApplication.activePopupWidget() is not None
    )
    popup = QApplication.activePopupWidget()
    if popup is not None:
        popup.close()
    assert popup is None, f"Alt+L opened {popup.title() if isinstance(popup, QMenu) else popup}"
    assert not any(menu.isVisible() for menu in window.findChildren(QMenu))
    assert page.views_combo.currentText() == "All open"
    qtbot.waitUntil(lambda: not note.isVisible() and page.model.rowCount() == 12)
    assert page.table.hasFocus()
