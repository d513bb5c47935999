"""The call desk: take a call, find the caller, log what came of it.

F2 ("Take call", a window action) starts the call and puts the keyboard in the search box
(object name ``callerSearch``); F2 while on a call comes back to it. Results follow the
typing: debounced (~150 ms), looked up off the GUI thread, stale answers dropped
(:class:`ui.kit.tasks.StaleGuard`). The card of the selected result loads the same way.
From the card, one key each:

- F3: a new ticket, prefilled (caller, site, asset, channel phone), in the ticket editor;
- F4: a note on the caller's selected open ticket, typed right here;
- F6: "resolved on the call": a new ticket already resolved (first-contact resolution);
- F7: quick-create a caller (the number filled in) when nobody matches.

These are window actions (the Call menu): during a call they work wherever the keyboard is,
and after each save the keyboard comes back to the search box, where the operator types
next. Ending the call (F8) stores the call record: caller, number, operator, start, end and
the ticket it produced or touched last. A call that rings (screen pop) while one is on
waits in the call bar until the operator takes it; quitting during a call asks first.

Above the desk, the notices every desk shows (major incidents, maintenance now or within the
hour: :mod:`ui.maintenance.notice_banner`); the caller card says what is down at the
caller's site. Under the desk, a line per site says who is on now, from the roster: who is
at the desk and who is on call, with their phones, so a call can be handed on (read off the
GUI thread when the desk is shown, every minute while it is, and on F5;
:mod:`ui.roster.on_now_panel`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import pick_lists
from app.callers.card import CallerCard, CallerNotFound, load_card
from app.callers.erase import erase_caller
from app.callers.lookup import CallerHit, lookup
from app.callers.phones import phone_candidates
from app.calls.records import CallRecord, record_call
from app.context import AppContext
from app.tickets.actions import add_note
from app.tickets.detail import TicketDetail
from models.clock import utcnow
from ui.calls.call_bar import CallBar, elapsed_text
from ui.calls.card import CallerCardView
from ui.calls.quick_caller import QuickCallerForm
from ui.calls.requests import IncomingCall
from ui.kit.errors import show_failure
from ui.kit.flow_layout import FlowLayout
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import MUTED, error_label, named, on_ctrl_enter, plural, text_box
from ui.maintenance.notice_banner import NOTICE_MS, NoticeBanner
from ui.roster.on_now_panel import ON_NOW_MS, OnNowWatch
from ui.shell.pages import Page
from ui.tickets.requests import TicketPrefill, TicketRequest, TicketSaved

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150
RESULT_LIMIT = 20
HIT_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class ActiveCall:
    """The call on the line; becomes a call record when it ends."""

    started_at: datetime
    number: str = ""
    caller_id: uuid.UUID | None = None
    caller_name: str = ""
    ticket_id: uuid.UUID | None = None
    ticket_number: str = ""


def hit_text(hit: CallerHit) -> str:
    """Two lines: the name with its marks, then what matched and where they sit."""
    marks = ("  ★ VIP" if hit.vip else "") + ("  ↻ recent" if hit.recent else "")
    where = " · ".join(p for p in (hit.site_code, hit.department) if p)
    found = f"{hit.matched}: {hit.detail}" if hit.matched != "name" else ""
    return f"{hit.name}{marks}\n" + " · ".join(p for p in (found, where) if p)


class CallDesk(Page):
    """The call-intake page (object name ``callDesk``); see the module docstring."""

    callChanged = Signal()  # started, ended, caller or ticket changed

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, on_now_ms: int = ON_NOW_MS
    ) -> None:
        """``on_now_ms``: how often the line of who is on now is read again while the desk
        is on screen (0: only when the desk is shown)."""
        super().__init__(parent)
        self.setObjectName("callDesk")
        self.setAccessibleName("Call desk")
        self._context = context
        self._call: ActiveCall | None = None
        self._searches = StaleGuard()  # caller lookups: only the newest text's answer counts
        self._cards = StaleGuard()  # caller cards: only the newest choice's card counts
        self._pop_number = ""  # a screen-popped number still waiting for its lookup
        self._asked: TicketRequest | None = None  # the ticket being logged for this call
        self._end_action: QAction | None = None  # the window's End call, once bound
        self._waiting: list[str] = []  # numbers that rang during a call, oldest first
        self.call_bar = CallBar()
        # Major incidents and maintenance now or within the hour, read as often as who is on
        # now is (not at all in the tests, which ask).
        self.notices = NoticeBanner(context, self, "deskNotices", NOTICE_MS if on_now_ms else 0)
        self._build()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._look_up)
        self.search_edit.textEdited.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._look_up_now)
        self.search_edit.installEventFilter(self)
        self.results.currentItemChanged.connect(self._result_changed)
        self.card_view.ticketActivated.connect(self._open_ticket)
        self.card_view.open_list.currentItemChanged.connect(lambda *_: self._show_note_target())
        self.quick_form.created.connect(self._caller_created)
        self.quick_form.cancelled.connect(self._quick_cancelled)
        self.call_bar.endRequested.connect(self.end_call)
        self.call_bar.backRequested.connect(self.focus_search)
        self.call_bar.takeWaitingRequested.connect(self.take_waiting)
        self.call_bar.dismissWaitingRequested.connect(self.dismiss_waiting)
        self._on_now = OnNowWatch(context.engine, self, on_now_ms)
        self._on_now.read.connect(
            lambda sites: self.on_now_line.setText("\n".join(site.line for site in sites))
        )
        self._on_now.failed.connect(
            lambda text: self.on_now_line.setText(f"Who is on now could not be read: {text}")
        )
        run_task(lambda: pick_lists.sites(context.engine), self.quick_form.set_sites, parent=self)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.search_edit = named(QLineEdit(), "callerSearch")
        self.search_edit.setAccessibleName("Find caller")
        self.search_edit.setPlaceholderText(
            "Name, phone number, e-mail, asset tag or ticket number (F2)"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaxLength(200)
        self.search_status = named(QLabel("Press F2 to take a call."), "searchStatus")
        self.search_status.setStyleSheet("color: #607d8b;")
        self.search_status.setWordWrap(True)
        self.results = named(QListWidget(), "callerResults")
        self.results.setAccessibleName("Callers found")
        self.results.setWordWrap(True)
        # The three columns share the width (results : card : notes as 3 : 6 : 4) within
        # bounds, so the desk fits 1024 px and a wide screen widens the card most.
        self.results.setMinimumWidth(190)
        self.results.setMaximumWidth(340)
        self.card_view = CallerCardView(engine=self._context.engine)

        self.new_button = named(QPushButton("New ticket (F3)"), "newTicketButton")
        self.note_button = named(QPushButton("Add note (F4)"), "noteButton")
        self.resolve_button = named(QPushButton("Resolved on the call (F6)"), "resolveButton")
        self.quick_button = named(QPushButton("New caller (F7)"), "quickCreateButton")
        self.new_button.clicked.connect(self.new_ticket)
        self.note_button.clicked.connect(self.focus_note)
        self.resolve_button.clicked.connect(self.resolve_on_call)
        self.quick_button.clicked.connect(self.quick_create)
        buttons = FlowLayout()  # one row where there is room, two where there is not
        for button in (self.new_button, self.note_button, self.resolve_button, self.quick_button):
            buttons.addWidget(button)

        self.note_target = named(QLabel(), "noteTarget")
        self.note_target.setWordWrap(True)
        self.note_edit = text_box("callNoteEdit", "What the caller said, what you did", 5)
        self.note_edit.setAccessibleName("Note")
        self.minutes_spin = named(QSpinBox(), "callNoteMinutes")
        self.minutes_spin.setRange(0, 24 * 60)
        self.minutes_spin.setSuffix(" min")
        self.minutes_spin.setAccessibleName("Minutes spent")
        self.add_note_button = named(QPushButton("Add note (Ctrl+Enter)"), "addNoteButton")
        self.add_note_button.clicked.connect(self.add_note)
        self.note_message = error_label("noteMessage")
        time_label = QLabel("Time s&pent")
        time_label.setBuddy(self.minutes_spin)
        note_row = QHBoxLayout()
        note_row.addWidget(time_label)
        note_row.addWidget(self.minutes_spin)
        note_row.addStretch(1)
        note_send = QHBoxLayout()
        note_send.addStretch(1)
        note_send.addWidget(self.add_note_button)
        note_panel = named(QWidget(), "notePanel")
        note_layout = QVBoxLayout(note_panel)
        note_layout.setContentsMargins(0, 0, 0, 0)
        note_layout.addWidget(self.note_target)
        note_layout.addWidget(self.note_edit)
        note_layout.addLayout(note_row)
        note_layout.addLayout(note_send)
        note_layout.addWidget(self.note_message)
        note_layout.addStretch(1)
        on_ctrl_enter(note_panel, self.add_note)
        self.quick_form = QuickCallerForm(self._context)
        self.side = named(QStackedWidget(), "callSide")
        self.side.addWidget(note_panel)
        self.side.addWidget(self.quick_form)
        self.side.setMinimumWidth(250)
        self.side.setMaximumWidth(440)

        self.on_now_line = named(QLabel(), "onNowLine", "Who is on now")
        self.on_now_line.setStyleSheet(f"color: {MUTED};")
        self.on_now_line.setWordWrap(True)
        self.on_now_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.on_now_line.setToolTip("From the roster: who answers the phone and who is on call.")

        self.outcome_label = named(QLabel(), "outcomeLabel")
        self.outcome_label.setStyleSheet("color: #2e7d32;")
        self.outcome_label.setWordWrap(True)

        middle = QVBoxLayout()
        middle.addWidget(self.card_view, 1)
        middle.addLayout(buttons)
        middle.addWidget(self.outcome_label)
        columns = QHBoxLayout()
        columns.addWidget(self.results, 3)
        columns.addLayout(middle, 6)
        columns.addWidget(self.side, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.notices)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.search_status)
        layout.addLayout(columns, 1)
        layout.addWidget(self.on_now_line)
        self._update_actions()

    # ------------------------------------------------------------------ as a page

    def strip(self) -> QWidget:
        return self.call_bar

    def bind(self, actions: Mapping[str, QAction]) -> None:
        self._end_action = actions["endCall"]
        self._end_action.setEnabled(self._call is not None)

    def shown(self) -> None:
        self.focus_search()
        self._on_now.refresh()
        self.notices.refresh()

    def refresh(self) -> None:
        """F5: read who is on now and the notices again (the call on the line stays as it
        is)."""
        self._on_now.refresh()
        self.notices.refresh()

    def handle(self, request: object) -> bool:
        """A call popped by the softphone: taken at once when the line is free, else it
        waits in the call bar and the operator stays where they are."""
        if isinstance(request, IncomingCall):
            if self._call is not None:
                self._wait(request.number)
                return False
            self.take_call(request.number)
        return True

    def notice(self, event: object) -> None:
        """The ticket logged for this call was saved: it becomes the call's ticket."""
        if isinstance(event, TicketSaved) and event.request is self._asked:
            self.link_ticket(event.detail)

    def may_quit(self) -> bool:
        """Quitting during a call ends it: ask first (the default answer stays on the line)."""
        call = self._call
        if call is None:
            return True
        who = call.caller_name or call.number or "a caller"
        waiting = ""
        if self._waiting:
            waiting = f" The {plural(len(self._waiting), 'call')} waiting will be dropped."
        answer = QMessageBox.question(
            self,
            "Quit during a call?",
            f"You are on a call with {who} ({elapsed_text(self.call_bar.seconds())}). "
            f"Quitting ends the call and logs it as ending now.{waiting}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closing(self) -> None:
        self.end_call()  # a call still on is logged as ending now

    # ------------------------------------------------------------------ the call

    @property
    def call(self) -> ActiveCall | None:
        return self._call

    def take_call(self, number: str = "") -> None:
        """Start a call (a number comes from a screen pop; without one, the oldest waiting
        call, else the operator types). During a call F2 only comes back to the search, and
        a number that rings waits: the call on the line is never cut off."""
        if self._call is not None:
            if number:
                self._wait(number)
            else:
                self.focus_search()
            return
        if not number and self._waiting:
            number = self._waiting.pop(0)
            self.call_bar.set_waiting(self._waiting)
        self._call = ActiveCall(started_at=utcnow(), number=number)
        self.call_bar.start()
        self._clear()
        self.search_edit.setText(number)
        self.search_status.setText(
            "On a call: type a name, number, e-mail, asset tag or ticket number."
        )
        self._pop_number = number
        self._call_changed()
        self.focus_search()
        if number:
            self._look_up_now()

    def end_call(self) -> None:
        """Store the call record in the background and clear the desk for the next call."""
        call = self._call
        if call is None:
            return
        self._call = None
        self.call_bar.stop()
        number = call.number or self._typed_number()
        record = CallRecord(
            started_at=call.started_at,
            ended_at=max(utcnow(), call.started_at),
            number=number,
            caller_id=call.caller_id,
            operator_id=self._context.me,
            ticket_id=call.ticket_id,
        )
        engine, me = self._context.engine, self._context.me
        # The record is written even if the window closes meanwhile (the program waits for
        # background work before it exits); only the answer is then dropped.
        run_task(
            lambda: record_call(engine, record, me),
            self._call_recorded,
            self._status_failure("The call was not logged."),
            parent=self,
        )
        self._clear()
        if self._waiting:
            self.search_status.setText(
                f"Call ended and logged. {self._waiting[0] or 'A caller'} is waiting: "
                "press F2 to take the call."
            )
        else:
            self.search_status.setText("Call ended and logged. Press F2 for the next call.")
        self._call_changed()

    def take_waiting(self) -> None:
        """End the call on the line (logged as usual) and take the oldest waiting one."""
        if not self._waiting:
            return
        self.end_call()
        self.take_call()

    def dismiss_waiting(self) -> None:
        """The oldest waiting caller hung up: forget them."""
        if self._waiting:
            gone = self._waiting.pop(0)
            self.call_bar.set_waiting(self._waiting)
            gone = gone or "an unknown number"
            self.search_status.setText(f"Waiting call from {gone} dismissed.")

    def _wait(self, number: str) -> None:
        """A call rang during another: it waits, shown in the call bar, unless it is the
        same number again (the softphone repeating itself)."""
        call = self._call
        if (call is not None and number and number == call.number) or number in self._waiting:
            return
        self._waiting.append(number)
        self.call_bar.set_waiting(self._waiting)
        log.info("A call rang during another; it waits (%d waiting)", len(self._waiting))

    def link_ticket(self, detail: TicketDetail) -> None:
        """A ticket was logged for this call: it becomes the call's ticket."""
        if self._call is not None:
            self._call = replace(self._call, ticket_id=detail.id, ticket_number=detail.number)
            self._call_changed()
        resolved = " and resolved" if detail.first_contact_resolution else ""
        self.outcome_label.setText(f"{detail.number} logged{resolved}.")
        self._reload_card()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _typed_number(self) -> str:
        text = self.search_edit.text().strip()
        return text if phone_candidates(text) else ""

    def _call_changed(self) -> None:
        call = self._call
        if call is not None:
            self.call_bar.set_summary(call.number, call.caller_name, call.ticket_number)
        self._update_actions()
        if self._end_action is not None:
            self._end_action.setEnabled(call is not None)
        self.callChanged.emit()

    def _call_recorded(self, _call_id: uuid.UUID) -> None:
        log.info("Call recorded")

    def _status_failure(self, what: str) -> Callable[[Exception], None]:
        """A failure callback that says ``what`` did not happen, and why, in the status line."""
        return lambda error: show_failure(
            error, lambda text: self.search_status.setText(f"{what} {text}")
        )

    def _clear(self) -> None:
        self._searches.drop_pending()
        self._cards.drop_pending()
        self._search_timer.stop()
        self.search_edit.clear()
        self.results.clear()
        self.card_view.clear()
        self.outcome_label.clear()
        self.note_edit.clear()
        self.minutes_spin.setValue(0)
        self.note_message.hide()
        self.side.setCurrentIndex(0)
        self._show_note_target()

    # ------------------------------------------------------------------ searching

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the search box move through the results; typing stays put."""
        if watched is self.search_edit and isinstance(event, QKeyEvent):
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            pressed = event.type() == QEvent.Type.KeyPress
            if pressed and step is not None and self.results.count():
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def _look_up_now(self) -> None:
        self._search_timer.stop()
        self._look_up()

    def _look_up(self) -> None:
        text = self.search_edit.text()
        if not text.strip():
            self._searches.drop_pending()
            self.results.clear()
            self.search_status.setText("Type a name, number, e-mail, asset tag or ticket number.")
            return
        engine = self._context.engine
        run_task(
            lambda: lookup(engine, text, RESULT_LIMIT),
            lambda hits: self._found(text, hits),
            self._status_failure("The search failed."),
            parent=self,
            guard=self._searches,
        )

    def _found(self, text: str, hits: list[CallerHit]) -> None:
        popped, self._pop_number = self._pop_number, ""
        self.results.blockSignals(True)
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(hit_text(hit), self.results)
            item.setData(HIT_ROLE, hit)
            if hit.vip:
                item.setToolTip("VIP caller")
        self.results.blockSignals(False)
        if hits:
            count = f"{len(hits)}{'+' if len(hits) == RESULT_LIMIT else ''}"
            self.search_status.setText(
                f"{count} caller{'s' if len(hits) != 1 else ''} found. "
                "Up/Down to choose; F3 new ticket, F4 note, F6 resolved on the call."
            )
            self.results.setCurrentRow(0)
            return
        self.card_view.clear()
        self._show_note_target()
        if popped and phone_candidates(popped):
            self.search_status.setText(f"No caller has the number {popped}. Add them on the right.")
            self.quick_create()
        else:
            self.search_status.setText(
                f"No caller matches “{text.strip()}”. Check the spelling, or press F7 to "
                "add a new caller."
            )

    # ------------------------------------------------------------------ the card

    def _result_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        hit: CallerHit | None = current.data(HIT_ROLE) if current is not None else None
        if hit is not None:
            self._load_card(hit.id)

    def _load_card(self, caller_id: uuid.UUID) -> None:
        engine = self._context.engine
        run_task(
            lambda: load_card(engine, caller_id),
            self._card_loaded,
            self._card_failed,
            parent=self,
            guard=self._cards,
        )

    def _reload_card(self) -> None:
        card = self.card_view.card
        if card is not None:
            self._load_card(card.id)

    def _card_loaded(self, card: CallerCard) -> None:
        self.card_view.show_card(card)
        if self.side.currentWidget() is self.quick_form:
            self.side.setCurrentIndex(0)
        if self._call is not None and self._call.caller_id != card.id:
            self._call = replace(self._call, caller_id=card.id, caller_name=card.name)
            self._call_changed()
        self._show_note_target()
        self._update_actions()

    def _card_failed(self, error: Exception) -> None:
        if isinstance(error, CallerNotFound):
            self.search_status.setText("That caller was just removed or merged; search again.")
            return
        self._status_failure("The card was not loaded.")(error)

    # ------------------------------------------------------------------ outcomes

    def _update_actions(self) -> None:
        card = self.card_view.card
        for button in (self.new_button, self.resolve_button):
            button.setEnabled(card is not None)
        self.note_button.setEnabled(card is not None and bool(card.open_tickets))

    def _prefill(self, resolved: bool) -> TicketPrefill | None:
        card = self.card_view.card
        if card is None:
            self.search_status.setText("Choose the caller first: search above, or F7 to add one.")
            return None
        asset = card.assets[0] if len(card.assets) == 1 else None
        return TicketPrefill(
            caller_id=card.id,
            caller_name=card.name,
            site_id=card.site_id,
            asset_id=asset.id if asset else None,
            asset_label=f"{asset.tag} · {asset.model}" if asset else "",
            resolved_on_call=resolved,
        )

    def new_ticket(self) -> None:
        """F3: the ticket editor with caller, site, asset and channel phone filled in."""
        self._log_ticket(resolved=False)

    def resolve_on_call(self) -> None:
        """F6: a new ticket already marked "resolved on the call" (first-contact resolution)."""
        self._log_ticket(resolved=True)

    def _log_ticket(self, resolved: bool) -> None:
        """The editor, for a ticket of this call: once saved, it comes back here."""
        prefill = self._prefill(resolved)
        if prefill is not None:
            self._asked = TicketRequest(prefill=prefill, back_when_saved=True)
            self.navigate.emit("ticket", self._asked)

    def _open_ticket(self, ticket_id: uuid.UUID) -> None:
        self.navigate.emit("ticket", TicketRequest(ticket_id=ticket_id))

    def _show_note_target(self) -> None:
        card, ticket = self.card_view.card, self.card_view.selected_open_ticket()
        for widget in (self.note_edit, self.minutes_spin, self.add_note_button):
            widget.setEnabled(ticket is not None)
        if ticket is not None:
            self.note_target.setText(
                f"Note on <b>{ticket.number}</b> · {ticket.summary}"
                "<br><span style='color:#607d8b'>Pick another open ticket in the card.</span>"
            )
        elif card is not None:
            self.note_target.setText(f"{card.name} has no open tickets: F3 logs a new one.")
        else:
            self.note_target.setText("Notes go to one of the caller's open tickets.")

    def focus_note(self) -> None:
        """F4: type a note for the selected open ticket."""
        self.side.setCurrentIndex(0)
        self._show_note_target()
        if self.card_view.selected_open_ticket() is None:
            self.search_status.setText("Choose a caller with an open ticket first.")
            return
        self.note_edit.setFocus()

    def add_note(self) -> None:
        ticket = self.card_view.selected_open_ticket()
        text, minutes = self.note_edit.toPlainText(), self.minutes_spin.value()
        if ticket is None:
            self._note_problem("Choose the open ticket the note is for, in the card.")
            return
        if not text.strip():
            self._note_problem("Write the note first.")
            return
        engine, me = self._context.engine, self._context.me
        self.add_note_button.setEnabled(False)
        run_task(
            lambda: add_note(engine, ticket.id, text, me, minutes),
            self._note_added,
            self._note_failed,
            parent=self,
        )

    def _note_problem(self, text: str) -> None:
        self.note_message.setText(text)
        self.note_message.show()

    def _note_added(self, detail: TicketDetail) -> None:
        self.add_note_button.setEnabled(True)
        self.note_edit.clear()
        self.minutes_spin.setValue(0)
        self.note_message.hide()
        if self._call is not None:
            self._call = replace(self._call, ticket_id=detail.id, ticket_number=detail.number)
            self._call_changed()
        self.outcome_label.setText(f"Note added to {detail.number}.")
        self.focus_search()
        self._reload_card()

    def _note_failed(self, error: Exception) -> None:
        self.add_note_button.setEnabled(True)
        show_failure(error, self._note_problem)

    # ------------------------------------------------------------------ quick-create

    def quick_create(self) -> None:
        """F7: add a new caller, with the call's number (or a typed number) filled in."""
        text = self.search_edit.text().strip()
        number = (self._call.number if self._call else "") or self._typed_number()
        name = "" if number or "@" in text or any(c.isdigit() for c in text) else text
        self.side.setCurrentWidget(self.quick_form)
        self.quick_form.start(number, name)

    def erase_caller(self) -> None:
        """Call › Erase caller's personal data… (admins): the caller on the card, on their
        request, once the admin has confirmed; the card then shows what is left."""
        card = self.card_view.card
        if card is None:
            self.search_status.setText("Choose the caller first: search above.")
            return
        answer = QMessageBox.question(
            self,
            "Erase personal data",
            f"Erase the personal data of {card.name}?\n\nTheir name, e-mail, employee id, "
            "notes and phone numbers go, and so does every mention of them in their tickets "
            "and those tickets' history. The tickets and calls stay. This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        engine, me, caller_id, name = self._context.engine, self._context.me, card.id, card.name

        def erased(values: int) -> None:
            self.results.clear()
            self.search_status.setText(
                f"Erased the personal data of {name} ({plural(values, 'value')} in their "
                "tickets' history)."
            )
            self._load_card(caller_id)

        run_task(
            lambda: erase_caller(engine, me, caller_id),
            erased,
            self._status_failure("Nothing was erased."),
            parent=self,
        )

    def _caller_created(self, caller_id: uuid.UUID) -> None:
        self.side.setCurrentIndex(0)
        self.results.clear()
        self.outcome_label.setText("Caller added.")
        self.search_status.setText("Caller added. F3 logs a ticket, F6 one resolved on the call.")
        self.focus_search()
        self._load_card(caller_id)

    def _quick_cancelled(self) -> None:
        self.side.setCurrentIndex(0)
        self.focus_search()
