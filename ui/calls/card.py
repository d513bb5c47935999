"""The caller card: who is on the phone, what they have open, what happened lately.

Shows a :class:`app.callers.card.CallerCard` (plain data, loaded off the GUI thread by the
call desk), with what is down at the caller's site now (a maintenance window, a major
incident) under their name, and the known errors of their assets with the workarounds to
give (:func:`app.problems.known_errors.known_error_hints`, read off the GUI thread once the
card is painted: the card itself never waits for them). The open-ticket list is also where
the operator picks the ticket a note goes to; activating a ticket (double-click or Enter)
asks for it to be opened in the editor.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.callers.card import REPEAT_DAYS, CallerCard, CardCall, CardTicket
from app.problems.known_errors import KnownErrorHint, known_error_hints
from ui.calls.call_bar import elapsed_text
from ui.kit.errors import show_failure
from ui.kit.tasks import StaleGuard, after_paint_timer, run_task
from ui.kit.widgets import chip_style, named, signals_blocked
from ui.maintenance.notice_banner import INCIDENT_COLOURS, MAINTENANCE_COLOURS
from ui.tickets.known_errors import hint_html, panel_style

_TICKET_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_LIST_ROWS = 6  # lists taller than this scroll inside the card


def local_time(moment: datetime) -> str:
    """A timestamp in the workstation's time zone, short: "28 Nov 2026 14:05"."""
    return moment.astimezone().strftime("%d %b %Y %H:%M")


def local_date(moment: datetime) -> str:
    """The day in the workstation's time zone: "28 Nov 2026"."""
    return moment.astimezone().strftime("%d %b %Y")


def ticket_line(ticket: CardTicket) -> str:
    """Number, the day it was opened, priority, status and who has it; then the summary."""
    assignee = f" · {ticket.assignee_name}" if ticket.assignee_name else ""
    return (
        f"{ticket.number} · {local_date(ticket.created_at)} · {ticket.priority.label} · "
        f"{ticket.status.label}{assignee}\n{ticket.summary}"
    )


def call_line(call: CardCall) -> str:
    parts = [local_time(call.started_at)]
    if call.ended_at is not None:
        parts.append(elapsed_text(int((call.ended_at - call.started_at).total_seconds())))
    if call.operator_name:
        parts.append(call.operator_name)
    parts.append(call.ticket_number or "no ticket")
    return " · ".join(parts)


def _heading(text: str, name: str) -> QLabel:
    label = named(QLabel(text), name)
    label.setStyleSheet("font-weight: 600; color: #455a64; margin-top: 6px;")
    return label


def _list(name: str, accessible: str) -> QListWidget:
    widget = named(QListWidget(), name)
    widget.setAccessibleName(accessible)
    widget.setWordWrap(True)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return widget


def _fit(widget: QListWidget) -> None:
    """As tall as its rows (up to MAX_LIST_ROWS), so short lists leave no empty box."""
    widget.ensurePolished()  # the stylesheet's item padding counts in the row heights
    shown = min(widget.count(), MAX_LIST_ROWS)
    rows = sum(widget.sizeHintForRow(row) for row in range(shown))
    widget.setFixedHeight(rows + 2 * widget.frameWidth() + 2)


class CallerCardView(QScrollArea):
    """The card (object name ``callerCard``); empty until :meth:`show_card`. With an
    ``engine`` it offers the known errors of the caller's assets."""

    ticketActivated = Signal(object)  # uuid.UUID of an open or recent ticket

    def __init__(self, parent: QWidget | None = None, *, engine: Engine | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callerCard")
        self.setAccessibleName("Caller card")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._card: CallerCard | None = None
        self._engine = engine
        self._known_errors = StaleGuard()  # only the shown caller's known errors count
        self._known_errors_later = after_paint_timer(self, self._read_known_errors)
        body = named(QWidget(), "callerCardBody")
        body.setStyleSheet("QWidget#callerCardBody { background: #ffffff; }")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(14, 12, 14, 12)

        self.empty_label = named(
            QLabel("No caller chosen yet.\nSearch above, or press F7 to add a new caller."),
            "cardEmpty",
        )
        self.empty_label.setStyleSheet("color: #607d8b;")
        outer.addWidget(self.empty_label)
        # Everything below is shown and hidden as one: a widget shown costs a polish and a
        # layout pass, which for a dozen sections would be most of the card's time.
        self.content = named(QWidget(), "cardContent")
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        outer.addWidget(self.content)
        outer.addStretch(1)

        title_row = QHBoxLayout()
        self.name_label = named(QLabel(), "cardName")
        self.name_label.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.vip_label = named(QLabel("VIP"), "cardVip")
        self.vip_label.setStyleSheet(chip_style("#6a1b9a", "#ffffff"))
        self.repeat_label = named(QLabel(), "cardRepeat")
        self.repeat_label.setStyleSheet(chip_style("#ef6c00", "#ffffff"))
        title_row.addWidget(self.name_label, 1)
        title_row.addWidget(self.vip_label)
        title_row.addWidget(self.repeat_label)
        layout.addLayout(title_row)
        # What is down at their site now: they may be calling about it.
        self.notices_label = named(QLabel(), "cardNotices", "Down at their site now")
        self.notices_label.setWordWrap(True)
        self.notices_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.notices_label)
        # The known errors of their assets: what they call about may have a workaround.
        self.known_errors_label = named(QLabel(), "cardKnownErrors", "Known errors of their assets")
        self.known_errors_label.setWordWrap(True)
        self.known_errors_label.setTextFormat(Qt.TextFormat.RichText)  # hint_html: escaped
        self.known_errors_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.known_errors_label.setStyleSheet(panel_style("cardKnownErrors", padding=6))
        layout.addWidget(self.known_errors_label)

        self.details_label = named(QLabel(), "cardDetails")
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details_label)
        self.notes_label = named(QLabel(), "cardNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setStyleSheet(
            "background: #fff8e1; border: 1px solid #ffe082; border-radius: 4px; padding: 6px;"
        )
        layout.addWidget(self.notes_label)

        self.open_heading = _heading("", "openHeading")
        self.open_list = _list("openTickets", "Open tickets")
        self.last_heading = _heading("Recent tickets", "lastHeading")
        self.last_list = _list("lastTickets", "Recent tickets")
        self.calls_heading = _heading("Recent calls", "callsHeading")
        self.calls_list = _list("lastCalls", "Recent calls")
        self.assets_heading = _heading("Assets", "assetsHeading")
        self.assets_list = _list("assetList", "Assets")
        for widget in (
            self.open_heading,
            self.open_list,
            self.assets_heading,
            self.assets_list,
            self.last_heading,
            self.last_list,
            self.calls_heading,
            self.calls_list,
        ):
            layout.addWidget(widget)
        for ticket_list in (self.open_list, self.last_list):
            ticket_list.itemActivated.connect(self._activated)
        self.setWidget(body)
        self.clear()

    @property
    def card(self) -> CallerCard | None:
        return self._card

    def clear(self) -> None:
        """Back to "no caller chosen"."""
        self._card = None
        self._forget_known_errors()
        self.content.hide()
        self.empty_label.show()

    def show_card(self, card: CallerCard) -> None:
        """Show ``card``; the first open ticket is selected, ready for a note (the one
        picked before, when the same caller's card is shown again)."""
        picked = self.selected_open_ticket()
        same_caller = self._card is not None and self._card.id == card.id
        keep = picked.id if picked is not None and same_caller else None
        self._card = card
        self.empty_label.hide()
        self.content.show()
        self.name_label.setText(card.name)
        self.vip_label.setVisible(card.vip)
        self.repeat_label.setText(f"Repeat caller · {card.recent_tickets} in {REPEAT_DAYS} days")
        self.repeat_label.setVisible(card.repeat_caller)
        self.details_label.setText(self._details(card))
        self.notices_label.setText("\n".join(f"⚠ {line}" for line in card.notices))
        self.notices_label.setVisible(bool(card.notices))
        incident = any(line.startswith("Major incident") for line in card.notices)
        background, border, text = INCIDENT_COLOURS if incident else MAINTENANCE_COLOURS
        self.notices_label.setStyleSheet(
            f"background: {background}; border: 1px solid {border}; border-radius: 4px;"
            f" padding: 6px; color: {text}; font-weight: 600;"
        )
        self.notes_label.setText(card.notes)
        self.notes_label.setVisible(bool(card.notes))
        if not same_caller:
            self._forget_known_errors()  # the last caller's are not this one's
        if self._engine is not None and card.assets:
            self._known_errors_later.start()

        shown = len(card.open_tickets)
        more = f", {shown} shown" if card.open_count > shown else ""
        self.open_heading.setText(f"Open tickets ({card.open_count}{more})")
        # Refilled quietly: the desk reads the selection once the card is shown, and a
        # passing "nothing selected" would disable (and take the keyboard from) the note box.
        with signals_blocked(self.open_list):
            self._fill_tickets(self.open_list, card.open_tickets, "No open tickets.")
            if card.open_tickets:
                ids = [ticket.id for ticket in card.open_tickets]
                self.open_list.setCurrentRow(ids.index(keep) if keep in ids else 0)
        self._fill_tickets(self.last_list, card.last_tickets, "No tickets yet.")
        self._fill_lines(self.calls_list, [call_line(c) for c in card.last_calls], "No calls yet.")
        assets = [f"{a.tag} · {a.kind.label} · {a.model}".rstrip(" ·") for a in card.assets]
        self._fill_lines(self.assets_list, assets, "No assets on record.")
        self.verticalScrollBar().setValue(0)

    def _forget_known_errors(self) -> None:
        self._known_errors_later.stop()
        self._known_errors.drop_pending()
        self.known_errors_label.hide()

    def _read_known_errors(self) -> None:
        """The known errors of the caller's assets, read now that the card is painted."""
        card, engine = self._card, self._engine
        if card is None or engine is None:
            return
        assets = [asset.id for asset in card.assets]
        run_task(
            lambda: known_error_hints(
                engine, summary="", category_id=None, asset_id=None, caller_asset_ids=assets
            ),
            self._show_known_errors,
            lambda error: show_failure(error, self._known_errors_failed),
            parent=self,
            guard=self._known_errors,
        )

    def _show_known_errors(self, hints: list[KnownErrorHint]) -> None:
        lines = "".join(f"<p style='margin: 4px 0 0 0'>{hint_html(hint)}</p>" for hint in hints)
        self.known_errors_label.setText(f"<b>Known errors of their assets</b>{lines}")
        self.known_errors_label.setVisible(bool(hints))

    def _known_errors_failed(self, text: str) -> None:
        self.known_errors_label.setText(f"Known errors could not be read: {escape(text)}")
        self.known_errors_label.show()

    def selected_open_ticket(self) -> CardTicket | None:
        """The open ticket picked in the list (the most urgent one unless changed)."""
        item = self.open_list.currentItem()
        if self._card is None or item is None:
            return None
        ticket_id = item.data(_TICKET_ROLE)
        return next((t for t in self._card.open_tickets if t.id == ticket_id), None)

    @staticmethod
    def _details(card: CallerCard) -> str:
        rows = []
        if card.phones:
            numbers = ", ".join(f"{escape(p.number)} ({escape(p.label)})" for p in card.phones)
            rows.append(("Phone", numbers))
        if card.email:
            rows.append(("E-mail", escape(card.email)))
        if card.site_label:
            rows.append(("Site", escape(card.site_label)))
        if card.department:
            rows.append(("Department", escape(card.department)))
        if card.employee_id:
            rows.append(("Employee id", escape(card.employee_id)))
        if not rows:
            return "<span style='color:#607d8b'>No contact details on record.</span>"
        cells = "".join(
            f"<tr><td style='color:#607d8b; padding-right:10px'>{label}</td><td>{value}</td></tr>"
            for label, value in rows
        )
        return f"<table cellspacing='0' cellpadding='1'>{cells}</table>"

    def _fill_tickets(
        self, widget: QListWidget, tickets: tuple[CardTicket, ...], empty: str
    ) -> None:
        widget.clear()
        for ticket in tickets:
            item = QListWidgetItem(ticket_line(ticket), widget)
            item.setData(_TICKET_ROLE, ticket.id)
            item.setToolTip(f"{ticket.number}: opened {local_time(ticket.created_at)}")
        if not tickets:
            self._placeholder(widget, empty)
        _fit(widget)

    def _fill_lines(self, widget: QListWidget, lines: list[str], empty: str) -> None:
        widget.clear()
        widget.addItems(lines)
        if not lines:
            self._placeholder(widget, empty)
        _fit(widget)

    @staticmethod
    def _placeholder(widget: QListWidget, text: str) -> None:
        item = QListWidgetItem(text, widget)
        item.setFlags(Qt.ItemFlag.NoItemFlags)

    def _activated(self, item: QListWidgetItem) -> None:
        ticket_id = item.data(_TICKET_ROLE)
        if isinstance(ticket_id, uuid.UUID):
            self.ticketActivated.emit(ticket_id)
