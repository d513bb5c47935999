"""The widget kit every page builds with: names, chips, message lines, text boxes, keys, tables.

Pages and dialogs look and behave alike because they make these pieces here, once: a field's
problem appears in the same red line under it, a result in the same green line, Ctrl+Enter
confirms a text box everywhere, and a read-only table is set up the same way in every dialog.
A page module then holds only what is particular to that page.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, QObject, Qt
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.pick_lists import Choice
from app.tickets.escalations import EscalationKind
from models.enums import Priority
from ui.kit.remembered import remember_columns

W = TypeVar("W", bound=QWidget)

RED = "#c62828"  # problems
GREEN = "#2e7d32"  # results
MUTED = "#607d8b"  # hints and secondary text
AMBER = "#e65100"  # warnings: soon, waiting (with a symbol or a word, never colour alone)

PRIORITY_COLOURS = {
    Priority.CRITICAL: ("#c62828", "#ffffff"),
    Priority.HIGH: ("#ef6c00", "#ffffff"),
    Priority.MEDIUM: ("#fbc02d", "#263238"),
    Priority.LOW: ("#cfd8dc", "#263238"),
}
# (background, foreground) of each kind of escalation's chip; the queue's marker takes the
# foreground, so both read as the same thing.
ESCALATION_COLOURS = {
    EscalationKind.HIERARCHICAL: ("#fdecea", "#b71c1c"),
    EscalationKind.FUNCTIONAL: ("#ede7f6", "#4527a0"),
}


def named(widget: W, name: str, accessible: str = "") -> W:
    """Give ``widget`` the objectName that tests and the stylesheet find it by and, when
    given, the name a screen reader says."""
    widget.setObjectName(name)
    if accessible:
        widget.setAccessibleName(accessible)
    return widget


def chip_style(background: str, foreground: str) -> str:
    """A small rounded label, used for status and priority so they read at a glance."""
    return (
        f"QLabel {{ background: {background}; color: {foreground}; border-radius: 9px;"
        " padding: 2px 10px; font-weight: 600; }"
    )


def priority_chip_style(priority: Priority) -> str:
    return chip_style(*PRIORITY_COLOURS[priority])


def error_label(name: str = "fieldError") -> QLabel:
    """A red message line under a field; hidden until there is something to say."""
    label = named(QLabel(), name, "Error")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {RED};")
    label.hide()
    return label


def message_label(name: str, accessible: str, colour: str) -> QLabel:
    """A hidden, selectable message line in ``colour`` (:data:`RED` for problems,
    :data:`GREEN` for results): a dialog keeps one of each without empty gaps."""
    label = named(QLabel(), name, accessible)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"color: {colour};")
    label.hide()
    return label


def body_or_refusal(
    page: QWidget, layout: QVBoxLayout, name: str, refusal: str, *, allowed: bool
) -> tuple[QLabel, QWidget]:
    """A page for some roles only: the widget its content goes in, and above it the line
    that tells anyone else why there is none (shown instead, at the top, with the focus)."""
    refused = message_label(name, "Not for your role", MUTED)
    refused.setText(refusal)
    layout.addWidget(refused)
    body = QWidget(page)
    layout.addWidget(body, 1)
    if not allowed:
        refused.show()
        body.hide()
        layout.addStretch(1)  # the message at the top, where the content would start
        page.setFocusProxy(refused)
    return refused, body


def show_message(label: QLabel, text: str) -> None:
    """Show ``text`` in ``label``; an empty text hides the line."""
    label.setText(text)
    label.setVisible(bool(text))


def show_problems(labels: Mapping[str, QLabel], problems: Mapping[str, str]) -> dict[str, str]:
    """Put each message under its field; return the ones no label here can show."""
    for key, label in labels.items():
        label.setText(problems.get(key, ""))
        label.setVisible(key in problems)
    return {key: text for key, text in problems.items() if key not in labels}


def plural(count: int, word: str) -> str:
    """ "1 caller", "3 callers" (regular plurals only: the words are the program's own)."""
    return f"{count} {word if count == 1 else word + 's'}"


def text_box(name: str, placeholder: str, lines: int) -> QPlainTextEdit:
    """A multi-line field sized in lines of text. Tab moves to the next field, as it does
    everywhere else, instead of typing a tab character."""
    box = named(QPlainTextEdit(), name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def on_ctrl_enter(widget: QWidget, slot: Callable[[], None]) -> None:
    """Ctrl+Enter (either Enter key) anywhere in ``widget`` runs ``slot``: the keyboard
    way to confirm a note without leaving the text box."""
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut = QShortcut(QKeySequence(keys), widget, slot)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)


@contextmanager
def signals_blocked(target: QObject) -> Iterator[None]:
    """Set a widget from code without its change signals firing. Like ``with
    QSignalBlocker(target)``, whose exit drops a reference to None in PySide6 6.12 (often
    enough, that kills the interpreter)."""
    was_blocked = target.blockSignals(True)
    try:
        yield
    finally:
        target.blockSignals(was_blocked)


def read_only_table(
    name: str, accessible: str, headers: Sequence[str], *, selectable: bool = True
) -> QTableWidget:
    """A small table a dialog fills with results: no editing, no row numbers, alternating
    rows; whole rows are selected, or nothing when ``selectable`` is False."""
    table = named(QTableWidget(0, len(headers)), name, accessible)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    if selectable:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    else:
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    return table


TICKET_LIST_HEADERS = ("Ticket", "Summary", "Status", "Opened")


def ticket_list_table(name: str, accessible: str) -> QTableWidget:
    """A :func:`read_only_table` of tickets (number, summary, status, opened) filled whole: an
    asset's tickets, a problem's incidents. The summary takes the room left; the person may
    resize the rest, and the widths are remembered under ``name``."""
    table = read_only_table(name, accessible, TICKET_LIST_HEADERS)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    metrics = table.fontMetrics()
    for number, sample in ((0, "HQ-000000"), (2, "In progress"), (3, "30 Sep 2026")):
        header.resizeSection(number, metrics.horizontalAdvance(sample) + 24)
    remember_columns(header, name)
    return table


def key_action(
    widget: QWidget,
    keys: Sequence[QKeySequence | Qt.Key | QKeySequence.StandardKey],
    slot: Callable[[], object],
    text: str = "",
) -> QAction:
    """A key that acts only while ``widget`` has the keyboard (Enter in a table must keep
    its meaning in every other field), as an action on the widget."""
    action = QAction(text, widget)
    action.setShortcuts([QKeySequence(key) for key in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)
    return action


def filter_line(parent: QWidget, name: str, placeholder: str, tip: str) -> QLineEdit:
    """The text filter above a paged table, wide enough for its placeholder to be read."""
    edit = named(QLineEdit(parent), name, "Filter text")
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    edit.setToolTip(tip)
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(placeholder) + 40)
    return edit


def paged_table(
    parent: QWidget, model: QAbstractItemModel, name: str, accessible: str
) -> QTableView:
    """The table of a page's SQL-paged model: one row selected at a time, no editing, no
    grid, row heights fixed (the view never measures rows, so scrolling a long list never
    asks the model for rows that are not on screen), left-aligned column titles."""
    table = named(QTableView(parent), name, accessible)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.setShowGrid(False)
    table.setHorizontalScrollMode(QTableView.ScrollMode.ScrollPerPixel)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 12)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


class Banner(QFrame):
    """A message strip inside a page, for what a person must see but need not dismiss a
    dialog for: a conflict with someone else's save, or a request that failed."""

    def __init__(
        self, name: str, title: str, colours: tuple[str, str], button: QPushButton
    ) -> None:
        super().__init__()
        named(self, name, title)
        background, border = colours
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {background}; border: 1px solid {border};"
            " border-radius: 4px; }"
        )
        self.text = named(QLabel(), f"{name}Text", title)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        """Show ``text`` (plain, any user text in it stays text) with its first line bold."""
        first, *rest = html.escape(text).split("\n")
        indented = ("&nbsp;" * 4 + line.lstrip() if line.startswith(" ") else line for line in rest)
        self.text.setText("<br>".join([f"<b>{first}</b>", *indented]))
        self.show()
        self.button.setFocus()


def page_button(
    parent: QWidget,
    text: str,
    name: str,
    accessible: str,
    slot: Callable[[], None],
    refused: str = "",
) -> QPushButton:
    """A button of a page's action row: Enter in the page's fields never presses it, and
    where the person may not use it (``refused``: the refusal, naming who may) it is
    disabled with that as its tooltip."""
    button = named(QPushButton(text, parent), name, accessible)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    if refused:
        button.setEnabled(False)
        button.setToolTip(refused)
    return button


Col = TypeVar("Col", bound=int)
CELL_MARGIN = 28  # a cell's padding (style.qss: 6 px a side), the grid and a little air


def fit_columns(
    table: QTableView,
    samples: Mapping[Col, str],
    titles: Callable[[Col], str],
    stretch: int | None,
) -> None:
    """Size each column of ``samples`` to its sample value or its bold title, whichever is
    wider; the person may resize them. ``stretch`` takes the rest of the width; with None
    the last column does, and a table wider than its window scrolls sideways instead of
    squeezing a column to nothing."""
    header = table.horizontalHeader()
    header.setStretchLastSection(stretch is None)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(40)
    table.ensurePolished()  # the stylesheet's font, not the default one, is measured
    bold = header.font()
    bold.setBold(True)
    metrics, header_metrics = table.fontMetrics(), QFontMetrics(bold)
    for column, sample in samples.items():
        width = max(
            metrics.horizontalAdvance(sample), header_metrics.horizontalAdvance(titles(column))
        )
        header.resizeSection(column, width + CELL_MARGIN)


def refill_filter(combo: QComboBox, items: Iterable[Choice]) -> None:
    """A filter's choices after its first ("all"), keeping the one chosen (found by
    equality: ``findData`` matches only the very same UUID object, and a new read brings
    new ones)."""
    chosen = combo.currentData()
    with signals_blocked(combo):
        while combo.count() > 1:
            combo.removeItem(1)
        for item in items:
            combo.addItem(item.label, item.id)
        combo.setCurrentIndex(
            next((n for n in range(combo.count()) if combo.itemData(n) == chosen), 0)
        )


WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday_checks(
    name: str, accessible: str, changed: Callable[[], None], *, ticked: bool = False
) -> tuple[QWidget, list[QCheckBox]]:
    """A row of seven check boxes, Monday first (object names ``<name>0`` .. ``<name>6``),
    all ``ticked`` to begin with, each calling ``changed`` when ticked or cleared later. The
    row passes the keyboard to Monday without ticking it, so a caption's key can take a
    person there (a label whose buddy is a button clicks it; one whose buddy passes the
    focus on does not)."""
    row = named(QWidget(), name, accessible)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    checks = []
    for number, label in enumerate(WEEKDAY_LABELS):
        check = named(QCheckBox(label), f"{name}{number}", WEEKDAY_NAMES[number])
        check.setChecked(ticked)
        check.toggled.connect(lambda _on: changed())
        layout.addWidget(check)
        checks.append(check)
    layout.addStretch(1)
    row.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    row.setFocusProxy(checks[0])
    return row, checks
