"""What a page is, and the registry the main window builds its navigation and menus from.

A page (:class:`Page`) is one screen of the window: the queue, the call desk, the ticket
editor, and the views still to come. It registers itself with a :class:`PageInfo` (title,
icon, navigation shortcut, whether it needs the database, how to build it) and its menu
entries with :class:`Command` s, all in :mod:`ui.contents`, in the order the window shows
them. The window knows no page by name: it lists what is registered, builds a page the
first time it is needed, and runs a command by calling the method it names on its page.

Pages never call each other. A page that wants another one on screen emits
:attr:`Page.navigate` with the page's key and a request for it (say, the ticket to open);
a page that did something others may care about emits :attr:`Page.announce` (a ticket was
saved), and the window hands that to every page built so far (:meth:`Page.notice`). A page
that is done (the editor closed) emits :attr:`Page.done`, and the window goes back to the
page it came from.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from app.context import AppContext


class Page(QWidget):
    """Base of every page; each hook has a do-nothing default."""

    navigate = Signal(str, object)  # show the page with this key, handing it a request (or None)
    announce = Signal(object)  # something happened that other pages may act on
    done = Signal()  # finished here: back to the page this one was reached from
    ready = Signal()  # the page's first content is on screen (start-up is over for it)

    _content_shown = False  # set once :meth:`content_shown` has told the window

    @property
    def has_shown_content(self) -> bool:
        """Whether the page's first content has been on screen (see :meth:`content_shown`)."""
        return self._content_shown

    def content_shown(self) -> None:
        """The page's content is on screen: the first time, tell the window (:attr:`ready`);
        later calls do nothing, so a page calls it after every read."""
        if not self._content_shown:
            self._content_shown = True
            self.ready.emit()

    def handle(self, request: object) -> bool:
        """Take a request another page (or the screen pop) sent with :attr:`navigate`, before
        the page is shown; False keeps the person where they are (they would lose edits)."""
        return True

    def notice(self, event: object) -> None:
        """React to another page's :attr:`announce`."""

    def shown(self) -> None:
        """The page came on screen: put the keyboard where a person starts here."""
        self.setFocus()

    def may_leave(self) -> bool:
        """Whether another page may be shown now (ask about unsaved edits, say)."""
        return True

    def refresh(self) -> None:
        """Read again what the page shows (F5)."""

    def bind(self, actions: Mapping[str, QAction]) -> None:
        """Receive the window's actions for this page's commands, once the page is built: a
        page enables and disables them as its state changes, or puts one on a widget whose
        shortcut should work only there."""

    def strip(self) -> QWidget | None:
        """A strip the window shows above every page while it is visible (the call bar)."""
        return None

    def may_quit(self) -> bool:
        """Whether the window may close now: ask about work that quitting would cut short
        (a call on the line), once the page on screen agreed to be left."""
        return True

    def closing(self) -> None:
        """The window is closing: finish what must not be lost (log the call on the line)."""


@dataclass(frozen=True)
class PageInfo:
    """One page: how the window lists it and how to build it."""

    key: str  # how pages and commands name it
    title: str  # in the navigation
    icon: str  # resources/icons/ICON.svg
    factory: str  # "module:callable" making the page from (context, **options); imported late
    shortcut: str = ""  # the navigation's shortcut to the page
    in_navigation: bool = True  # False: reached only through another page or a command
    needs_database: bool = True  # False: usable while the database is still opening

    def build(self, context: AppContext | None, **options: Any) -> Page:
        """Import the page's module (on first use: the window shows before pages load) and
        make the page."""
        factory = cast(Callable[..., Page], load(self.factory))
        return factory(context, **options)


@dataclass(frozen=True)
class Command:
    """One menu entry: a page's method, or a dialog; built as a window action.

    The window makes the action at start (disabled until the database is open, when the
    command needs it), so its shortcut works from anywhere; the page is built only when
    the command first runs."""

    name: str  # the action's object name, unique: "newTicket"
    menu: str  # the menu's title, with its mnemonic: "&Ticket"
    text: str  # the entry, with its mnemonic: "&New ticket"
    page: str = ""  # the page that carries it out...
    method: str = ""  # ...by this method, called without arguments
    dialog: str = ""  # or "module:callable" of a dialog made from (context, parent window)
    window: str = ""  # or a method of the window itself (quit, refresh, about)
    shortcut: str = ""  # works anywhere in the window; a key only a widget of the page
    # answers to (Enter in a table) is shown in ``text`` after a tab instead
    icon: str = ""
    also_in: tuple[str, ...] = ()  # further menus that list the entry
    shows_page: bool = True  # bring the page on screen first
    asks_to_leave: bool = True  # ask the page on screen whether it may be left first
    enabled: bool = True  # before the page is built; the page decides afterwards
    submenu: bool = False  # the page fills a submenu with ``method(menu)`` as it opens
    separator_before: bool = False
    needs_database: bool = True
    # The permission (an app.permissions.Action's name) the command needs: the window
    # disables it, saying why, for a role without it (the service refuses it anyway).
    permission: str = ""


def load(path: str) -> Any:
    """What a "module:name" path names, its module imported now (pages and dialogs are
    imported when first needed: the window shows before they load)."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


MENUS: list[str] = []  # menu titles, in the order of the menu bar
PAGES_MENU: list[str] = []  # the menu that lists the navigation's pages first, if any
PAGES: list[PageInfo] = []  # in the order of the navigation
COMMANDS: list[Command] = []  # in the order of their menus


def register_menu(title: str, *, lists_pages: bool = False) -> None:
    """A menu of the menu bar; ``lists_pages``: it starts with an entry for each page of the
    navigation, with the page's shortcut (the keyboard route to every page, discoverable)."""
    MENUS.append(title)
    if lists_pages:
        PAGES_MENU[:] = [title]


def register_page(info: PageInfo) -> None:
    if any(page.key == info.key for page in PAGES):
        raise ValueError(f"a page with the key {info.key!r} is registered already")
    PAGES.append(info)


def register_command(command: Command) -> None:
    if any(known.name == command.name for known in COMMANDS):
        raise ValueError(f"a command named {command.name!r} is registered already")
    for menu in (command.menu, *command.also_in):
        if menu not in MENUS:
            raise ValueError(f"{command.name}: no menu {menu!r} is registered")
    if sum(map(bool, (command.page, command.dialog, command.window))) != 1:
        raise ValueError(f"{command.name}: give one of a page (and method), dialog or window")
    COMMANDS.append(command)
