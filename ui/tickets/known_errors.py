"""Known errors at intake: the "Known error" row of the ticket form.

As the operator types a ticket's summary, or picks its category or asset,
:func:`app.problems.known_errors.known_error_hints` names the known errors that match, best
first, each with why it matched. They are listed here with the chosen one's workaround in
full underneath, so it can be read out to the caller without touching the mouse; Use known
error (Alt+K) asks for the chosen one (the first unless another is picked in the list) to be
given: the editor links the ticket to the problem and puts the workaround in its worklog,
or, for a ticket not created yet, marks it "(applied when created)" and gives it once the
ticket is created.

The answer is asked for off the GUI thread once the typing pauses (:data:`HINT_DEBOUNCE_MS`),
and only the newest answer is shown. Nothing here ever takes the keyboard: the hints appear
and go while the operator types on. With nothing to show the row is hidden.

:func:`hint_html` is how a known error reads wherever it is offered (the caller card too).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.problems.known_errors import KnownErrorHint, known_error_hints
from ui.kit.errors import show_failure
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import MUTED, error_label, named, show_problems

HINT_DEBOUNCE_MS = 250  # the typing must pause this long before the hints are asked for
SHOWN_ROWS = 3  # hints listed without scrolling
PENDING = "(applied when created)"
KNOWN_ERROR_COLOURS = ("#e8f4fd", "#90caf9", "#0d47a1")  # background, border, reference
_HINT_ROLE = Qt.ItemDataRole.UserRole + 1
_PADDING = (8, 6, 8, 6)  # inside the box: left, top, right, bottom


def hint_html(hint: KnownErrorHint, *, workaround: bool = True) -> str:
    """ "PRB-000003 VPN drops every morning", why it matched in grey, and the workaround:
    the words of the problem record stay text."""
    reference = f"<b style='color:{KNOWN_ERROR_COLOURS[2]}'>{html.escape(hint.reference)}</b>"
    text = f"{reference} {html.escape(hint.title)}"
    text += f" <span style='color:{MUTED}'>({html.escape(hint.why)})</span>"
    if workaround:
        text += f"<br><b>Workaround:</b> {_paragraphs(hint.workaround)}"
    return text


def _paragraphs(text: str) -> str:
    return html.escape(text.strip()).replace("\n", "<br>")


def panel_style(name: str, padding: int = 0) -> str:
    """The box a known error is offered in, the same on the card and in the editor."""
    background, border, _text = KNOWN_ERROR_COLOURS
    return (
        f"#{name} {{ background: {background}; border: 1px solid {border};"
        f" border-radius: 4px; padding: {padding}px; }}"
    )


class KnownErrorPanel(QFrame):
    """The known errors matching the ticket being typed (object name ``knownErrors``);
    :attr:`use_requested` says which one the person asked to give. The form puts
    :attr:`caption` beside it; the two are shown and hidden together."""

    use_requested = Signal(object)  # the KnownErrorHint chosen

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "knownErrors", "Known errors")
        # The list reads as the call desk's lists do (resources/style.qss).
        self.setStyleSheet(
            panel_style("knownErrors")
            + " #knownErrorList { background: #ffffff; border: 1px solid #dde3e7;"
            " border-radius: 4px; outline: 0; }"
            " #knownErrorList::item { padding: 3px 6px; border-bottom: 1px solid #eceff1; }"
            " #knownErrorList::item:selected { background: #cfe3f9; color: #0b2e59; }"
        )
        self._engine = engine
        self._answers = StaleGuard()
        self._wanted: tuple[str, uuid.UUID | None, uuid.UUID | None] | None = None
        self._hints: list[KnownErrorHint] = []
        self._pending: KnownErrorHint | None = None  # to be given once the ticket is created
        self._asking = False  # a question was sent, its answer is not here yet
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(HINT_DEBOUNCE_MS)
        self._pause.timeout.connect(self._look_up)
        self.caption = named(QLabel("Known error"), "knownErrorCaption")
        self.heading = named(QLabel(), "knownErrorHeading", "Known errors that match")
        self.heading.setStyleSheet("font-weight: 600;")
        self.use_button = named(QPushButton(), "useKnownErrorButton", "Use known error")
        self.use_button.setAutoDefault(False)
        self.use_button.clicked.connect(self._use)
        self.list = named(QListWidget(), "knownErrorList", "Known errors that match")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(lambda _row: self._show_chosen())
        self.workaround = named(QLabel(), "knownErrorWorkaround", "Workaround")
        self.workaround.setTextFormat(Qt.TextFormat.RichText)  # from _paragraphs: escaped
        self.workaround.setWordWrap(True)
        self.workaround.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = error_label("knownErrorMessage")
        self._errors = {"problem": self.message}
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.heading, 1)
        top.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*_PADDING)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.list)
        layout.addWidget(self.workaround)
        layout.addWidget(self.message)
        # As tall as its lines, never taller: the form's spare height is the description's.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._show([])

    # ------------------------------------------------------------------ asking

    def look_up(
        self, summary: str, category_id: uuid.UUID | None, asset_id: uuid.UUID | None
    ) -> None:
        """Offer the known errors for a ticket with this summary, category and asset once
        the typing pauses; with none of them there is nothing to match."""
        wanted = (summary.strip(), category_id, asset_id)
        if wanted == self._wanted:
            return  # the same question (a field set to what it held): the answer stands
        self._wanted = wanted
        if not any(wanted):
            self._stop_asking()
            self._show([])
        else:
            self._pause.start()

    def forget(self) -> None:
        """Offer nothing, and drop any answer on its way (another ticket is shown, or a
        closed one, where a workaround no longer helps anybody)."""
        self._wanted = None
        self._pending = None
        self._stop_asking()
        self._show([])

    def settled(self) -> bool:
        """The hints shown answer what the ticket holds now: no question waits for the
        typing to pause or for its answer."""
        return not self._pause.isActive() and not self._asking

    def _stop_asking(self) -> None:
        self._pause.stop()
        self._answers.drop_pending()
        self._asking = False

    def _look_up(self) -> None:
        assert self._wanted is not None  # forget() stops the pause that leads here
        engine, (summary, category_id, asset_id) = self._engine, self._wanted
        self._asking = True
        run_task(
            lambda: known_error_hints(
                engine, summary=summary, category_id=category_id, asset_id=asset_id
            ),
            self._answered,
            lambda error: show_failure(error, self._failed),
            parent=self,
            guard=self._answers,
        )

    def _answered(self, hints: list[KnownErrorHint]) -> None:
        self._asking = False
        self._show(hints)

    def _failed(self, text: str) -> None:
        self._asking = False
        self._show([])
        show_problems(self._errors, {"problem": f"Known errors could not be read: {text}"})
        self._set_shown(True)

    # ------------------------------------------------------------------ showing

    def hints(self) -> list[KnownErrorHint]:
        """The known errors offered, as listed."""
        return list(self._hints)

    def chosen(self) -> KnownErrorHint | None:
        """The hint picked in the list: the first, unless the person chose another."""
        item = self.list.currentItem()
        return item.data(_HINT_ROLE) if item is not None else None

    def set_pending(self, hint: KnownErrorHint | None) -> None:
        """Mark ``hint`` as the one given once the ticket is created (None: no longer)."""
        self._pending = hint
        self._show(self._hints)

    def show_problems(self, problems: Mapping[str, str]) -> dict[str, str]:
        """The message about the known error given (no longer one, the ticket is another
        problem's incident), under the hints."""
        leftover = show_problems(self._errors, problems)
        if "problem" in problems:
            self._set_shown(True)
        return leftover

    def _show(self, hints: list[KnownErrorHint]) -> None:
        """List ``hints`` (and the pending one, even if no longer matched), keeping the
        one picked when it is still offered."""
        picked = self.chosen()
        pending = self._pending
        if pending is not None and all(h.problem_id != pending.problem_id for h in hints):
            hints = [pending, *hints]
        self._hints = hints
        ids = [hint.problem_id for hint in hints]
        keep = picked.problem_id if picked is not None else None
        self.list.blockSignals(True)  # one update of the workaround, below
        self.list.clear()
        for hint in hints:
            marked = f" {PENDING}" if pending and hint.problem_id == pending.problem_id else ""
            item = QListWidgetItem(f"{hint.reference} · {hint.title}{marked}\nMatched: {hint.why}")
            item.setData(_HINT_ROLE, hint)
            item.setToolTip(hint.workaround)
            self.list.addItem(item)
        if hints:
            self.list.setCurrentRow(ids.index(keep) if keep in ids else 0)
        self.list.blockSignals(False)
        self.heading.setText(
            f"{len(hints)} known errors match: pick one in the list"
            if len(hints) > 1
            else "A known error matches"
        )
        self._fit_list()
        show_problems(self._errors, {})
        self._show_chosen()
        self._set_shown(bool(hints))

    def _fit_list(self) -> None:
        """As tall as its rows, up to :data:`SHOWN_ROWS`: one hint takes no more room."""
        self.list.ensurePolished()
        shown = min(self.list.count(), SHOWN_ROWS)
        rows = sum(self.list.sizeHintForRow(row) for row in range(shown))
        self.list.setFixedHeight(rows + 2 * self.list.frameWidth() + 2)

    def _show_chosen(self) -> None:
        hint = self.chosen()
        self.workaround.setText(
            f"<b>Workaround:</b> {_paragraphs(hint.workaround)}" if hint is not None else ""
        )
        marked = self._pending
        pending = hint is not None and marked is not None and hint.problem_id == marked.problem_id
        self.use_button.setText("Don't use &known error" if pending else "Use &known error")
        self.use_button.setToolTip(
            "Not given when the ticket is created (Alt+K)"
            if pending
            else "Link the ticket to this problem and put its workaround in the worklog (Alt+K)"
        )

    def _set_shown(self, shown: bool) -> None:
        self.setVisible(shown)
        self.caption.setVisible(shown)
        # Level with the heading, which sits in the middle of the button's height.
        self.use_button.ensurePolished()
        self.heading.ensurePolished()
        lower = (self.use_button.sizeHint().height() - self.heading.sizeHint().height()) // 2
        self.caption.setContentsMargins(0, _PADDING[1] + max(lower, 0), 0, 0)

    def _use(self) -> None:
        hint = self.chosen()
        if hint is not None:
            self.use_requested.emit(hint)
