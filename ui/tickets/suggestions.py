"""Who should take this ticket: the "Suggested" row of the ticket form.

For the ticket's category and site, :func:`app.tickets.suggest.suggest_assignees` names up to
:data:`SUGGESTED` people on shift who can take it, best first. Each is a button, Alt+1 to
Alt+3, whose second line (and tooltip) gives the reason: on shift until when, their level in
the category's skills, their open tickets. Choosing one puts them in the assignee box; the
save assigns. When nobody on shift can take the ticket, the row says so and lists who is on
call now, with their phone, to ring instead.

The answer is asked for off the GUI thread a moment after the category or site stops
changing, and only the newest answer is shown, so typing elsewhere in the form never waits
for it. While a newer answer is on its way the buttons shown are disabled: nobody picks a
person suggested for the category chosen before.
"""

from __future__ import annotations

import itertools
import uuid

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.context import AppContext
from app.tickets.suggest import Suggestion, Suggestions, suggest_assignees
from ui.kit.errors import show_failure
from ui.kit.flow_layout import FlowLayout
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import AMBER, named, show_message

SUGGEST_DEBOUNCE_MS = 250  # the category or site must settle this long before asking
SUGGESTED = 3  # people offered at most (Alt+1 to Alt+3)


class AssigneeSuggestions(QWidget):
    """The people suggested for one ticket, as buttons; :attr:`chosen` says whom the person
    at the keyboard picked (object name ``assigneeSuggestions``). The form puts
    :attr:`caption` beside it; the two are shown and hidden together. Tab reaches the
    buttons right after ``follows`` (the field before them in the form)."""

    chosen = Signal(object, str)  # the staff member's id and name

    def __init__(
        self, context: AppContext, follows: QWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        named(self, "assigneeSuggestions", "Suggested assignees")
        self._follows = follows
        self.caption = named(QLabel("Suggested"), "suggestedCaption")
        self._engine = context.engine
        self._wanted: tuple[uuid.UUID | None, uuid.UUID] | None = None
        self._answers = StaleGuard()
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(SUGGEST_DEBOUNCE_MS)
        self._pause.timeout.connect(self._look_up)
        self.buttons: list[QPushButton] = []
        self._people = QWidget(self)
        self._flow = FlowLayout(self._people)
        # Two-line buttons read as a list of cards: name first, the reason under it.
        self._people.setStyleSheet(
            "QPushButton { text-align: left; padding: 4px 10px; }"
            " QPushButton:focus { padding: 3px 9px; }"  # the focus frame is 1 px wider
        )
        self.message = named(QLabel(self), "suggestionMessage", "Nobody suggested")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {AMBER};")
        self.on_call = named(QLabel(self), "onCallList", "On call now")
        self.on_call.setTextFormat(Qt.TextFormat.PlainText)
        self.on_call.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.on_call.setWordWrap(True)
        # As tall as its lines at its width (:meth:`sizeHint`), never taller: the form's
        # spare height is the description's.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._people)
        layout.addWidget(self.message)
        layout.addWidget(self.on_call)
        self._show(None)

    def sizeHint(self) -> QSize:
        """The height its lines take at the width it has (the buttons wrap onto more rows in
        a narrow window): the form, which sizes rows by their hints, then fits it exactly."""
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(self.width())) if self.width() else hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # another width, another height: see sizeHint

    def ask(self, category_id: uuid.UUID | None, site_id: uuid.UUID | None) -> None:
        """Suggest people for a ticket of ``category_id`` at ``site_id`` once the choice has
        settled; without a site there is nobody to suggest yet."""
        for button in self.buttons:
            button.setEnabled(False)
        self._wanted = (category_id, site_id) if site_id is not None else None
        if self._wanted is None:
            self.forget()
        else:
            self._pause.start()

    def forget(self) -> None:
        """Show nothing, and drop any answer on its way (the form shows another ticket, or
        the person may not assign)."""
        self._wanted = None
        self._pause.stop()
        self._answers.drop_pending()
        self._show(None)

    def _look_up(self) -> None:
        assert self._wanted is not None  # forget() stops the pause that leads here
        engine, (category_id, site_id) = self._engine, self._wanted
        run_task(
            lambda: suggest_assignees(engine, category_id, site_id, limit=SUGGESTED),
            self._show,
            lambda error: show_failure(error, self._failed),
            parent=self,
            guard=self._answers,
        )

    def _show(self, answer: Suggestions | None) -> None:
        """Buttons for the people suggested, or why nobody is and who is on call; hidden
        with nothing to say."""
        for old in self.buttons:
            self._flow.removeWidget(old)
            old.hide()
            old.setParent(None)  # its Alt+number is free for the new button at once
            old.deleteLater()
        people = answer.people if answer is not None else ()
        self.buttons = [self._button(number, person) for number, person in enumerate(people, 1)]
        for button in self.buttons:
            self._flow.addWidget(button)
            button.show()  # now, not on the next pass of the event loop: Alt+1 works at once
        for first, second in itertools.pairwise((self._follows, *self.buttons)):
            QWidget.setTabOrder(first, second)
        self._people.setVisible(bool(self.buttons))
        show_message(self.message, answer.message if answer is not None else "")
        on_call = answer.on_call if answer is not None else ()
        show_message(self.on_call, "\n".join(f"{p.name}: {p.reason}" for p in on_call))
        self._set_shown(answer is not None)

    def _button(self, number: int, person: Suggestion) -> QPushButton:
        # "&" in a name or phone is text, not a mnemonic: the button's key is its number.
        text = f"{person.name}\n{person.reason}".replace("&", "&&")
        button = named(
            QPushButton(f"&{number}  {text}", self._people),
            f"suggestion{number}",
            f"Assign {person.name}",
        )
        button.setAccessibleDescription(person.reason)
        button.setToolTip(f"{person.name}: {person.reason}")
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self.chosen.emit(person.staff_id, person.name))
        return button

    def _failed(self, text: str) -> None:
        self._show(None)
        show_message(self.message, f"No suggestions: {text}")
        self._set_shown(True)

    def _set_shown(self, shown: bool) -> None:
        self.setVisible(shown)
        self.caption.setVisible(shown)
        # Level with the first button's name, or with the first line of text.
        self.caption.setContentsMargins(0, 6 if self.buttons else 0, 0, 0)
