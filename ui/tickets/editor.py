"""The ticket editor: one ticket's header, fields, workflow actions and worklog.

Every database call runs in a worker (run_task), and all of them share one stale-answer
guard: an answer to an older request (the user already opened another ticket) is dropped.

A save sends the fields the user changed together with the values they were loaded with,
and the service merges them over whatever others saved in the meantime
(:func:`app.tickets.actions.save_ticket`): others' changes to other fields stay, and the
status line names them; a field changed on both sides saves nothing, and the clash bar
asks whether to keep mine or take theirs. Actions (status changes, escalation, notes)
first save any field edits that way, then act on the saved version.

While the editor is on screen it asks every few seconds whether the ticket was saved
elsewhere: with no field edits here it shows the new version and says who saved it; with
edits it offers to reload, and a save merges. After each save or action the status line
says what was done and when, until the next edit.

Known errors matching what is typed are offered under the summary
(:mod:`ui.tickets.known_errors`); Use known error (Alt+K) links the ticket to the problem and
puts the workaround in the worklog, or, for a ticket not created yet, marks it to be given
once the ticket is created, as Caused by… does with a cause. Escalate to vendor… opens
:mod:`ui.tickets.vendor_dialog`; a ticket escalated to a vendor says under its SLA clocks
whom it waits on and when their answer is due (read off the GUI thread with the ticket's
escalations), with Record vendor's answer… and Escalation pack… (the PDF saved, then the
mail program opened to the vendor).
"""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeGuard

import shiboken6
from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import ConflictError, SwitchboardError, ValidationError
from app.maintenance.major_incidents import (
    CauseChoices,
    cause_choices,
    link_notice,
    linked_cause,
    unlink_ticket,
)
from app.maintenance.notices import Notice
from app.permissions import Action
from app.pick_lists import Choice, TicketChoices, ticket_choices
from app.problems.known_errors import KnownErrorHint, apply_known_error
from app.tickets.actions import (
    SaveOutcome,
    add_note,
    change_status,
    create_ticket,
    escalate,
    flag_manager,
    save_ticket,
)
from app.tickets.detail import OtherChange, TicketDetail, TicketNews, get_ticket, news_since
from app.tickets.workflow import Transition, is_reopen, status_change_needs
from app.vendors.escalation import EscalationView, escalations, record_vendor_response
from models.clock import utcnow
from models.enums import EventKind, TicketStatus
from ui.kit.errors import problem_text, show_failure
from ui.kit.flow_layout import FlowLayout
from ui.kit.paged_model import POLL_MS
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import GREEN, MUTED, Banner, error_label, named, on_ctrl_enter, text_box
from ui.shell.pages import Page
from ui.tickets.form import Permits, TicketForm
from ui.tickets.requests import TicketPrefill, TicketRequest, TicketSaved
from ui.tickets.timeline import TicketHeader, WorklogPane, format_clock
from ui.tickets.vendor_dialog import VendorEscalationDialog

log = logging.getLogger(__name__)

Work = Callable[[TicketDetail], TicketDetail | None]
PromptAction = Callable[[str, uuid.UUID | None], None]
Said = Callable[[TicketDetail], str]  # the status line after a success, from the ticket


class ProblemSink(Protocol):
    """Something that shows ValidationError messages next to its fields."""

    def show_problems(self, problems: Mapping[str, str]) -> dict[str, str]: ...


class _ActionPrompt(QFrame):
    """The inline box that asks for a note, a reason or a team before an action;
    Ctrl+Enter confirms and Esc cancels, so no mouse is needed."""

    confirmed = Signal(str, object)
    changed = Signal()  # typed into, opened or closed: what counts as unsaved may differ

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionPrompt")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = named(QLabel(), "promptTitle")
        self.title.setWordWrap(True)
        self.team_label = QLabel("Hand over to")
        self.team_combo = named(QComboBox(), "escalateTeamCombo")
        self.team_combo.setAccessibleName("Escalate to team")
        self.team_label.setBuddy(self.team_combo)
        self.edit = text_box("promptEdit", "", lines=3)
        self.error = error_label("promptError")
        self.confirm_button = named(QPushButton(), "promptConfirmButton")
        self.confirm_button.setToolTip("Ctrl+Enter")
        self.cancel_button = named(QPushButton("Cancel"), "promptCancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setToolTip("Esc")
        team_row = QHBoxLayout()
        team_row.addWidget(self.team_label)
        team_row.addWidget(self.team_combo, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(team_row)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self.hide)
        self.edit.textChanged.connect(self.changed)
        on_ctrl_enter(self, self._confirm)
        self.hide()

    def ask(self, title: str, confirm: str, placeholder: str, teams: list[Choice]) -> None:
        """Show the question; ``teams`` non-empty adds a team picker (escalation)."""
        self.title.setText(f"<b>{title}</b>")
        self.confirm_button.setText(confirm)
        self.confirm_button.setAccessibleName(confirm)
        self.edit.clear()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setAccessibleName(placeholder)
        self.team_combo.clear()
        for team in teams:
            self.team_combo.addItem(team.label, str(team.id))
        self.team_label.setVisible(bool(teams))
        self.team_combo.setVisible(bool(teams))
        self.show_problems({})
        self.show()
        (self.team_combo if teams else self.edit).setFocus()

    def has_text(self) -> bool:
        """Text typed into the open prompt (not: the page is merely off screen)."""
        return not self.isHidden() and bool(self.edit.toPlainText().strip())

    def show_problems(self, problems: Mapping[str, str]) -> dict[str, str]:
        """Take the messages about the note, reason or team while the prompt is open."""
        if self.isHidden():
            return dict(problems)
        mine = {k: v for k, v in problems.items() if k in ("note", "reason", "team")}
        self.error.setText(" ".join(mine.values()))
        self.error.setVisible(bool(mine))
        if mine:
            self.edit.setFocus()
        return {k: v for k, v in problems.items() if k not in mine}

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.changed.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.changed.emit()

    def _confirm(self) -> None:
        if self.isVisible() and self.confirm_button.isEnabled():
            team = self.team_combo.currentData() if self.team_combo.isVisible() else None
            self.confirmed.emit(self.edit.toPlainText(), uuid.UUID(team) if team else None)


def _and(words: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return " and ".join(filter(None, (", ".join(words[:-1]), words[-1]))) if words else ""


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _then(
    created: TicketDetail,
    step: Callable[[TicketDetail], TicketDetail],
    missed: list[str] | None = None,
) -> TicketDetail:
    """One more unit of work on a ticket just created (its cause, a known error). Refused
    meanwhile (the incident deleted, the problem no longer a known error), the ticket stays
    created without it, shown as it is, and the form is not left to create the ticket twice;
    why goes to ``missed``."""
    try:
        return step(created)
    except SwitchboardError as error:
        log.warning("%s was created without all it was given", created.number, exc_info=True)
        if missed is not None:
            missed.append(problem_text(error) or str(error))
        return created


class TicketEditor(Page):
    """View and edit one ticket, or log a new one; see the module docstring. Other pages
    send it a :class:`TicketRequest`; every save is announced as :class:`TicketSaved`."""

    saved = Signal(object)  # the TicketDetail as saved here
    updated = Signal(object)  # the TicketDetail saved elsewhere, now shown in place

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, poll_ms: int = POLL_MS
    ) -> None:
        """``poll_ms``: how often the shown ticket is checked for saves made elsewhere
        (0: never; tests call :meth:`poll`)."""
        super().__init__(parent)
        self.setObjectName("ticketEditor")
        self.setAccessibleName("Ticket editor")
        self._context = context
        self._choices: TicketChoices | None = None
        self._detail: TicketDetail | None = None
        self._requests = StaleGuard()
        self._polls = StaleGuard()
        self._busy = False
        self._poll_failing = False  # the last poll failed, and that was said already
        self._prompt_action: PromptAction | None = None
        self._asked = TicketRequest()  # what the page shows, as it was asked for
        self._back_when_saved = False
        self._focus: QWidget | None = None
        self._known_version = -1  # the newest version of the shown ticket heard of
        self._unseen: tuple[OtherChange, ...] = ()  # saved elsewhere, not shown (edits here)
        self._clash: SaveOutcome | None = None  # the save the clash bar asks about
        self._carried = ""  # a merge made by the save before an action, said with the action
        self._transition_buttons: list[QPushButton] = []
        self._pending_cause: Notice | None = None  # a new ticket's, linked once it is created
        self._pending_hint: KnownErrorHint | None = None  # a new ticket's, given once created
        self._escalation: EscalationView | None = None  # the shown ticket's latest to a vendor
        self._vendor_reads = StaleGuard()  # only the shown ticket's escalation counts
        self._permits = Permits(context)
        self._build()
        # Deadlines pass while the ticket is on screen: "breached" must appear by itself.
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._refresh_clocks)
        self._clock.start(60_000)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_ms)
        self._poll_timer.timeout.connect(self.poll)

    # ------------------------------------------------------------------ building

    def _button(self, text: str, name: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
        button = named(QPushButton(text), name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())  # not passing "checked" on
        return button

    def _build(self) -> None:
        self.header = TicketHeader()
        self.conflict_banner = Banner(
            "conflictBanner",
            "Someone else changed this ticket",
            ("#fff4e5", "#ffb74d"),
            self._button("Reload", "reloadButton", self._reload, "Discard your edits, reload"),
        )
        self.keep_button = self._button(
            "Keep mine", "keepMineButton", self._keep_mine, "Save your values over theirs"
        )
        self.take_button = self._button(
            "Take theirs",
            "takeTheirsButton",
            self._take_theirs,
            "Keep their values; save your other edits",
        )
        self.clash_banner = Banner(
            "clashBanner", "Changed on both sides", ("#fff4e5", "#ffb74d"), self.keep_button
        )
        clash_layout = self.clash_banner.layout()
        assert isinstance(clash_layout, QHBoxLayout)
        clash_layout.addWidget(self.take_button, 0, Qt.AlignmentFlag.AlignTop)
        self.error_banner = Banner(
            "errorBanner",
            "Problem",
            ("#fdecea", "#e57373"),
            self._button("Dismiss", "dismissErrorButton", self._hide_error),
        )
        self.form = TicketForm(self._context)
        self.form.known_errors.use_requested.connect(self._use_known_error)
        self.escalate_button = self._button(
            "Esc&alate…", "escalateButton", self._ask_escalation, "Hand over to another team"
        )
        self.flag_button = self._button(
            "Flag to manager…", "flagButton", self._ask_flag, "Draw the manager's attention"
        )
        self.vendor_button = self._button(
            "Escalate to vendor…",
            "vendorButton",
            self.escalate_to_vendor,
            "Hand the ticket to an outside vendor, with their case number",
        )
        self.answered_button = self._button(
            "Record vendor's answer…",
            "vendorAnswerButton",
            self.record_vendor_response,
            "Record what the vendor answered; the ticket waits on them until it is moved on",
        )
        self.pack_button = self._button(
            "Escalation pack…",
            "escalationPackButton",
            self.save_escalation_pack,
            "Save the one-page PDF for the vendor and write them an e-mail",
        )
        self.prompt = _ActionPrompt()
        self.prompt.confirmed.connect(self._prompt_confirmed)
        self.worklog = WorklogPane()
        self.worklog.add_requested.connect(self._add_note)
        self.dirty_label = named(QLabel("Unsaved changes"), "dirtyLabel", "Unsaved changes")
        self.dirty_label.setStyleSheet("color: #ef6c00;")
        # What the last save or action did, and when; it stays until the next edit.
        self.status_label = named(QLabel(), "editorStatus", "Status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(f"color: {GREEN};")
        self.close_button = self._button("Close", "closeButton", self.request_close, "Esc")
        self.save_button = self._button("Save", "saveButton", self.save, "Save (Ctrl+S)")
        self.save_button.setDefault(True)

        # Status changes, then escalation: one row where there is room, more where not.
        self.actions_row = named(QWidget(), "actionsRow", "Actions")
        self._actions = FlowLayout(self.actions_row)
        self._actions.setContentsMargins(0, 6, 0, 0)
        for button in self._fixed_actions():
            self._actions.addWidget(button)
        # Why actions are disabled, in words: a tooltip needs a mouse, and Tab skips them.
        self.refused_label = named(QLabel(), "refusedLabel", "Not for your role")
        self.refused_label.setTextFormat(Qt.TextFormat.PlainText)
        self.refused_label.setWordWrap(True)
        self.refused_label.setStyleSheet(f"color: {MUTED};")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addWidget(self.form, 1)  # its description grows, up to a limit
        left_layout.addLayout(self._build_cause())
        left_layout.addWidget(self.actions_row)
        left_layout.addWidget(self.refused_label)
        left_layout.addWidget(self.prompt)
        left_layout.addStretch(0)  # then the room left over goes here
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.worklog)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        remember_splitter(self.splitter, "ticketEditor")
        bottom = QHBoxLayout()
        bottom.addWidget(self.dirty_label)
        bottom.addWidget(self.status_label, 1)
        bottom.addStretch(0)  # the buttons stay right with both lines hidden
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.header)
        layout.addWidget(self.conflict_banner)
        layout.addWidget(self.clash_banner)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

        save = QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.form.edited.connect(self._update_dirty)
        self.worklog.note_edit.textChanged.connect(self._update_dirty)
        self.prompt.changed.connect(self._update_dirty)
        self.dirty_label.hide()
        self.status_label.hide()
        self.actions_row.hide()
        self.refused_label.hide()
        self.worklog.hide()
        self._require_permissions()

    def _build_cause(self) -> QHBoxLayout:
        """The ticket's cause (a major incident, planned maintenance) and Caused by… (Alt+B),
        which offers what every desk is told now."""
        self.cause_label = named(QLabel(), "causeLabel", "Cause")
        self.cause_label.setTextFormat(Qt.TextFormat.PlainText)
        self.cause_label.setWordWrap(True)
        self.cause_label.setStyleSheet(f"color: {MUTED};")
        self.cause_button = self._button(
            "Caused &by…",
            "causeButton",
            self._ask_cause,
            "Link the ticket to a major incident or to maintenance now (Alt+B)",
        )
        self.cause_button.setAutoDefault(False)
        self.cause_menu = named(QMenu(self), "causeMenu", "Caused by")
        row = QHBoxLayout()
        row.setContentsMargins(0, 4, 0, 0)
        row.addWidget(self.cause_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.cause_label, 1)
        return row

    def _show_cause(self, text: str, pending: bool = False) -> None:
        if pending:
            self.cause_label.setText(f"Caused by (linked when created): {text}")
        else:
            self.cause_label.setText(f"Caused by: {text}" if text else "No known cause")

    def _ask_cause(self) -> None:
        """Alt+B: the notices of now in a menu, the ticket's site's first and highlighted
        (Enter links it), and "No known cause" when it has one."""
        if self._busy or self._choices is None:
            return
        detail, engine = self._detail, self._context.engine
        ticket_id = detail.id if detail is not None else None
        site_id = self.form.site_combo.currentData()
        site = uuid.UUID(site_id) if isinstance(site_id, str) and site_id else None
        self._request(lambda: cause_choices(engine, ticket_id, site), self._offer_causes, ())

    def _offer_causes(self, choices: CauseChoices) -> None:
        menu = self.cause_menu
        menu.clear()
        linked = choices.linked or (self._pending_cause.text if self._pending_cause else "")
        for number, notice in enumerate(choices.offered, start=1):
            key = f"&{number} " if number < 10 else ""
            action = menu.addAction(key + notice.line.replace("&", "&&"))
            action.triggered.connect(lambda _checked=False, n=notice: self._link_cause(n))
        if not choices.offered:
            menu.addAction("No major incident or maintenance now").setEnabled(False)
        if linked:
            menu.addSeparator()
            menu.addAction("&0 No known cause").triggered.connect(self._unlink_cause)
        first = next((a for a in menu.actions() if a.isEnabled() and not a.isSeparator()), None)
        menu.popup(self.cause_button.mapToGlobal(self.cause_button.rect().bottomLeft()))
        if first is not None:
            menu.setActiveAction(first)

    def _link_cause(self, notice: Notice) -> None:
        if self._detail is None:
            self._pending_cause = notice
            self._show_cause(notice.text, pending=True)
            return
        engine, me = self._context.engine, self._context.me
        self._perform(
            lambda d: link_notice(engine, me, d.id, notice),
            (),
            lambda: None,
            lambda d: f"Linked {d.number} to its cause at {self._time(d)}",
        )

    def _unlink_cause(self) -> None:
        if self._detail is None:
            self._pending_cause = None
            self._show_cause("")
            return
        engine, me = self._context.engine, self._context.me
        self._perform(
            lambda d: unlink_ticket(engine, me, d.id),
            (),
            lambda: None,
            lambda d: f"{d.number} has no known cause now ({self._time(d)})",
        )

    def _use_known_error(self, hint: KnownErrorHint) -> None:
        """Use known error (Alt+K): link the ticket to the problem and put the workaround
        in the worklog; a new ticket gets it once it is created (pressed again, it does
        not)."""
        if self._busy:
            return
        if self._detail is None:
            pending = self._pending_hint
            same = pending is not None and pending.problem_id == hint.problem_id
            self._pending_hint = None if same else hint
            self.form.known_errors.set_pending(self._pending_hint)
            return
        engine, me = self._context.engine, self._context.me
        self._perform(
            lambda d: apply_known_error(engine, d.id, hint.problem_id, me, utcnow(), d.version),
            (self.form.known_errors,),
            lambda: None,
            lambda d: (
                f"Gave the workaround of {hint.reference} on {d.number} and linked it to "
                f"the problem at {self._time(d)}"
            ),
        )

    # ------------------------------------------------------------------ vendors

    def _read_escalation(self, detail: TicketDetail) -> None:
        """Read the ticket's latest escalation to a vendor, if it has one, for the line under
        the SLA clocks and the vendor's actions; meanwhile the one known stays."""
        self._show_escalation(self._escalation)
        if not any(event.kind == EventKind.VENDOR_ESCALATED for event in detail.events):
            self._vendor_reads.drop_pending()
            self._show_escalation(None)
            return
        engine = self._context.engine
        run_task(
            lambda: escalations(engine, detail.id),
            lambda found: self._show_escalation(found[-1] if found else None),
            lambda error: show_failure(
                error,
                lambda text: self._show_quietly(
                    self.error_banner, f"The ticket's vendor escalation could not be read: {text}"
                ),
            ),
            parent=self,
            guard=self._vendor_reads,
        )

    def _show_escalation(self, escalation: EscalationView | None) -> None:
        """Who the ticket waits on and when their answer is due; Record vendor's answer…
        while an answer is awaited, Escalation pack… once it was escalated."""
        detail = self._detail
        if detail is None:
            return
        self._escalation = escalation
        self.header.show_vendor(escalation, detail, utcnow())
        awaited = (
            escalation is not None
            and escalation.ended_at is None
            and escalation.responded_at is None
            and detail.status == TicketStatus.WAITING_VENDOR
        )
        self.answered_button.setVisible(awaited)
        self.pack_button.setVisible(escalation is not None)
        self._explain_refusals()

    def _may_act(self, button: QPushButton) -> bool:
        """``button``'s action may run now: a saved ticket, nothing running, the button
        offered and permitted (its command's key reaches here without the button)."""
        return (
            self._detail is not None
            and not self._busy
            and not button.isHidden()
            and not self._permits.refused(button)
        )

    def escalate_to_vendor(self) -> None:
        """Escalate to vendor…: field edits saved first, then the dialog for the ticket as
        saved; once it escalated, the ticket shows Waiting on vendor and the answer's due
        time."""
        if self._may_act(self.vendor_button):
            self._save(then=self._ask_vendor)

    def _ask_vendor(self) -> None:
        detail = self._detail
        assert detail is not None  # _save() runs this only for a saved ticket
        dialog = VendorEscalationDialog(self._context, detail, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._escalated(dialog.outcome, dialog.summary()))
        dialog.open()

    def _escalated(self, outcome: object, summary: str) -> None:
        assert isinstance(outcome, TicketDetail)  # escalate_to_vendor's answer
        self._succeeded(outcome, None, lambda d: f"{summary} at {self._time(d)}")

    def record_vendor_response(self) -> None:
        """Record vendor's answer…: what they answered, typed in the prompt, recorded with
        the time (the ticket waits on them until someone moves it on: Vendor replied)."""
        detail, escalation = self._detail, self._escalation
        if not self._may_act(self.answered_button) or detail is None or escalation is None:
            return
        vendor, case = escalation.vendor_name, escalation.case_number
        self._ask(
            f"What did {vendor} answer on case {case} ({detail.number})?",
            "Record answer",
            "What the vendor answered",
            lambda note, _team: self._vendor_responded(vendor, note),
        )

    def _vendor_responded(self, vendor: str, note: str) -> None:
        engine, me = self._context.engine, self._context.me
        self._perform(
            lambda d: record_vendor_response(engine, d.id, me, utcnow(), note, d.version),
            (self.prompt,),
            self.prompt.hide,
            lambda d: f"Recorded {vendor}'s answer on {d.number} at {self._time(d)}",
        )

    def save_escalation_pack(self) -> None:
        """Escalation pack…: the one-page PDF for the vendor, saved where the person says
        (written off the GUI thread), then the mail program opened with the e-mail to the
        vendor, for the person to attach it."""
        detail = self._detail
        if not self._may_act(self.pack_button) or detail is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name, _filter = QFileDialog.getSaveFileName(
            self,
            "Save the escalation pack",
            str(Path(folder) / f"{detail.number}-escalation.pdf"),
            "PDF files (*.pdf)",
        )
        if not name:
            return
        target = Path(name if name.lower().endswith(".pdf") else f"{name}.pdf")
        engine = self._context.engine

        def write() -> str:
            from app.vendors.pack import mailto_url, write_escalation_pack  # reportlab: now

            write_escalation_pack(engine, detail.id, target, utcnow())
            return mailto_url(engine, detail.id)

        def written(mailto: str) -> None:
            if QDesktopServices.openUrl(QUrl.fromEncoded(mailto.encode())):
                self._say(f"Saved the escalation pack to {target}: attach it to the e-mail")
            else:
                self._say(f"Saved the escalation pack to {target}; no mail program opened")

        def failed(error: Exception) -> None:
            self.status_label.hide()  # "Saving…" is not what happened
            show_failure(error, self.error_banner.show_message)

        self._say("Saving the escalation pack…")
        run_task(write, written, failed, parent=self)

    def _require_permissions(self) -> None:
        """What each control needs, as the service checks it (the save button's need
        depends on the ticket shown: :meth:`_show_new`, :meth:`_show_detail`)."""
        needs: list[tuple[QWidget, Action]] = [
            (self.escalate_button, Action.ESCALATE_TICKET),
            (self.flag_button, Action.FLAG_MANAGER),
            (self.vendor_button, Action.ESCALATE_TO_VENDOR),
            (self.answered_button, Action.ESCALATE_TO_VENDOR),
            (self.keep_button, Action.EDIT_TICKET),
            (self.cause_button, Action.EDIT_TICKET),
            (self.form.known_errors.use_button, Action.EDIT_TICKET),
            (self.take_button, Action.EDIT_TICKET),
            (self.worklog.note_edit, Action.ADD_NOTE),
            (self.worklog.minutes_spin, Action.ADD_NOTE),
            (self.worklog.add_button, Action.ADD_NOTE),
        ]
        for widget, need in needs:
            self._permits.require(widget, (need,))
            self._permits.enable(widget)

    # ------------------------------------------------------------------ public interface

    def handle(self, request: object) -> bool:
        """Show the ticket asked for, after asking once if that would lose edits; False
        (nothing changes) if the person keeps them."""
        if not isinstance(request, TicketRequest):
            return False
        if self.has_unsaved_changes() and not self.confirm_discard():
            return False
        self._asked, self._back_when_saved = request, request.back_when_saved
        if request.ticket_id is None:
            self._choices = None  # a new ticket is offered every site, team and category now
            self._fetch(None)
        else:
            self._load_ticket(request.ticket_id)
        return True

    def open_ticket(self, ticket_id: uuid.UUID) -> None:
        """Load the ticket in a worker and show it; a newer request wins."""
        self.handle(TicketRequest(ticket_id=ticket_id))

    def new_ticket(self, prefill: TicketPrefill | None = None) -> None:
        """Show a form for logging a new ticket: blank, or started from a call (Ctrl+N)."""
        self.handle(TicketRequest(prefill=prefill))

    def may_leave(self) -> bool:
        return not self.has_unsaved_changes() or self.confirm_discard()

    def _load_ticket(self, ticket_id: uuid.UUID) -> None:
        engine = self._context.engine
        self._fetch(lambda: get_ticket(engine, ticket_id))

    def has_unsaved_changes(self) -> bool:
        return self.form.is_dirty() or bool(self.worklog.pending_note()) or self.prompt.has_text()

    def save(self) -> None:
        """Save the edited fields (Ctrl+S); a new ticket is created."""
        self._save()

    def request_close(self) -> None:
        """Done here (Esc, Close), after asking once if that would lose edits."""
        if self.may_leave():
            self.done.emit()

    def confirm_discard(self) -> bool:
        """Ask once whether unsaved edits may be thrown away (Esc here, or leaving the page)."""
        answer = QMessageBox.question(
            self,
            "Discard changes?",
            "This ticket has changes that are not saved. Discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def poll(self) -> None:
        """Ask, off the GUI thread, whether the shown ticket was saved elsewhere since."""
        detail = self._detail
        if detail is None or self._busy:
            return
        engine, version = self._context.engine, self._known_version
        run_task(
            lambda: news_since(engine, detail.id, version),
            self._news_arrived,
            self._poll_failed,
            parent=self,
            guard=self._polls,
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc closes the prompt if one is open, otherwise the editor. Children that use
        Esc themselves (open combo lists, the caller picker) never pass it up here."""
        if event.key() != Qt.Key.Key_Escape:
            super().keyPressEvent(event)
        elif self.prompt.isVisible():
            self.prompt.hide()
        else:
            self.request_close()

    def showEvent(self, event: QShowEvent) -> None:
        """Saves made elsewhere are looked for only while the ticket is on screen."""
        super().showEvent(event)
        if self._poll_timer.interval() > 0:
            self._poll_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._poll_timer.stop()

    # ------------------------------------------------------------------ loading and showing

    def _fetch(self, load: Callable[[], TicketDetail] | None) -> None:
        """Load the pick lists (for a new ticket, or the first time) and the ticket in one
        worker."""
        choices, engine = self._choices, self._context.engine

        def work() -> tuple[TicketChoices, TicketDetail | None]:
            return choices or ticket_choices(engine), load() if load else None

        self._request(work, lambda result: self._fetched(*result), ())

    def _fetched(self, choices: TicketChoices, detail: TicketDetail | None) -> None:
        if self._choices is None:
            self._choices = choices
            self.form.set_choices(choices)
        self.error_banner.hide()
        self.prompt.hide()
        self.status_label.hide()
        if detail is None or self._detail is None or detail.id != self._detail.id:
            self.worklog.clear_note()  # a note typed for this ticket survives a reload
        if detail is None:
            self._show_new()
        else:
            self._show_detail(detail)
            self.form.summary_edit.setFocus()

    def _show_new(self) -> None:
        self._detail = None
        self._forget_others()
        self.setWindowTitle("New ticket")
        self.header.show_new()
        self.form.show_blank(self._asked.prefill)
        self.actions_row.hide()
        self.refused_label.hide()
        self.worklog.hide()
        self.save_button.setText("Create ticket")
        self._vendor_reads.drop_pending()
        self._escalation = None
        self._pending_cause = None
        self._pending_hint = None
        self._show_cause("")
        self._require_to_save(Action.CREATE_TICKET)
        self._update_dirty()
        focus = self.form.summary_edit if self._asked.prefill else self.form.caller_edit
        focus.setFocus()

    def _show_detail(self, detail: TicketDetail) -> None:
        """Show ``detail`` as the ticket's current state: the form's edits are counted
        from it, and what others saved before it is no longer news."""
        if self._detail is None or self._detail.id != detail.id:
            self._escalation = None  # the last ticket's; this one's is read below
        self._detail = detail
        self._forget_others()
        self._known_version = detail.version
        self.setWindowTitle(f"{detail.number} {detail.summary}")
        now = utcnow()
        self.header.show_ticket(detail, now)
        self.form.show_ticket(detail)
        self.worklog.show_ticket(detail, now)
        self._pending_cause = None
        self._pending_hint = None
        self._show_cause(linked_cause(detail))
        self._show_transitions(detail)
        self.escalate_button.setVisible(detail.status.is_open)
        self.vendor_button.setVisible(detail.status.is_open)
        self._read_escalation(detail)
        self.actions_row.show()
        self._explain_refusals()
        self.worklog.show()
        self.save_button.setText("Save")
        self._require_to_save(Action.EDIT_TICKET)
        self._update_dirty()

    def _forget_others(self) -> None:
        self._unseen, self._clash, self._known_version = (), None, -1
        self.conflict_banner.hide()
        self.clash_banner.hide()

    def _fixed_actions(self) -> tuple[QPushButton, ...]:
        """The actions after the status changes, in the order of the row."""
        return (
            self.escalate_button,
            self.flag_button,
            self.vendor_button,
            self.answered_button,
            self.pack_button,
        )

    def _explain_refusals(self) -> None:
        """Under the actions row: why the person signed in may not use some of them."""
        row = (*self._transition_buttons, *self._fixed_actions())
        refused = [self._permits.refused(button) for button in row if not button.isHidden()]
        text = " ".join(dict.fromkeys(why for why in refused if why))
        self.refused_label.setText(text)
        self.refused_label.setVisible(bool(text))

    def _require_to_save(self, need: Action) -> None:
        """Saving creates a new ticket, or edits the one shown."""
        self._permits.require(self.save_button, (need,))
        self._permits.enable(self.save_button, not self._busy)

    def _show_transitions(self, detail: TicketDetail) -> None:
        """A button per status change allowed from here; those the person signed in may
        not make are disabled, saying who may."""
        for old in self._transition_buttons:
            self._permits.forget(old)
            self._actions.removeWidget(old)
            old.hide()
            old.setParent(None)  # gone from the editor now, deleted by the event loop
            old.deleteLater()
        for fixed in self._fixed_actions():
            self._actions.removeWidget(fixed)
        self._transition_buttons = [
            self._button(
                transition.label,
                f"transition_{transition.target.name}",
                partial(self._transition, transition),
                f"Move the ticket to {transition.target.label}",
            )
            for transition in detail.transitions
        ]
        for button, transition in zip(self._transition_buttons, detail.transitions, strict=True):
            self._permits.require(button, status_change_needs(detail.status, transition.target))
            self._permits.enable(button, not self._busy)
        row = (*self._transition_buttons, *self._fixed_actions())
        for button in row:
            self._actions.addWidget(button)
        # Tab goes from the fields along the row, as it reads, to the prompt below.
        chain = (self.form.resolution_edit, *row, self.prompt.team_combo)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        for button in self._transition_buttons:
            button.show()  # now, not on the next event loop pass: ``saved`` follows

    def _refresh_clocks(self) -> None:
        if self._detail is not None:
            now = utcnow()
            self.header.show_ticket(self._detail, now)
            self.header.show_vendor(self._escalation, self._detail, now)

    def _update_dirty(self) -> None:
        """ "Unsaved changes" while there are any; the first edit ends the last save's
        message (it no longer describes what is on screen)."""
        dirty = self.has_unsaved_changes()
        self.dirty_label.setVisible(dirty)
        if dirty:
            self.status_label.hide()

    def _say(self, text: str) -> None:
        """Put what was just done in the status line, where it stays until the next edit."""
        self.status_label.setText(text)
        self.status_label.setVisible(not self.has_unsaved_changes())

    def _time(self, detail: TicketDetail, moment: datetime | None = None) -> str:
        """A moment (now by default) as the ticket's site reads its clock."""
        return format_clock(moment or utcnow(), detail.site_timezone)

    def _their_changes(self, changes: tuple[OtherChange, ...], detail: TicketDetail) -> str:
        """ "Bob Tech at 10:05 (Impact, Priority)": who saved, the last time, what."""
        if not changes:
            return "someone else"
        people = list(dict.fromkeys(change.who for change in changes))
        what = ", ".join(dict.fromkeys(change.what for change in changes))
        return f"{_and(people)} at {self._time(detail, changes[-1].at)} ({what})"

    # ------------------------------------------------------------------ saving and actions

    def _save(self, then: Callable[[], None] | None = None) -> None:
        """Save field edits, then run ``then`` on the saved ticket (if the save worked)."""
        if self._busy or self._choices is None:
            return
        problems = self.form.check()
        if problems:
            self.form.show_problems(problems)
            return
        engine, me, detail = self._context.engine, self._context.me, self._detail
        if detail is None:
            draft, cause, hint = self.form.draft(), self._pending_cause, self._pending_hint
            missed: list[str] = []  # why the known error was not given, said once created

            def create() -> TicketDetail:
                created = create_ticket(engine, draft, me)
                if cause is not None:
                    created = _then(created, lambda d: link_notice(engine, me, d.id, cause))
                if hint is not None:
                    created = _then(
                        created,
                        lambda d: apply_known_error(
                            engine, d.id, hint.problem_id, me, utcnow(), d.version
                        ),
                        missed,
                    )
                return created

            def said(d: TicketDetail) -> str:
                created = f"Created {d.number} at {self._time(d)}"
                if hint is None:
                    return created
                if missed:
                    return f"{created}; {hint.reference} was not given: {missed[0]}"
                return f"{created} with the workaround of {hint.reference}"

            self._run(create, (self.form,), None, said)
            return
        changes = self.form.changes()
        if not changes:
            self.form.show_problems({})
            self.clash_banner.hide()
            if then is not None:
                then()
            return
        self._save_over(detail, changes, then)

    def _save_over(
        self,
        base: TicketDetail,
        changes: Mapping[str, Any],
        then: Callable[[], None] | None,
        choice: str = "",
    ) -> None:
        """Save ``changes`` to fields that held what ``base`` shows, merged with whatever
        was saved since; ``choice`` says how a clash was settled, for the status line."""
        engine, me = self._context.engine, self._context.me
        loaded = {name: getattr(base, name) for name in changes}
        self._request(
            lambda: save_ticket(engine, base.id, base.version, loaded, changes, me),
            lambda outcome: self._saved(outcome, then, choice),
            (self.form,),
        )

    def _saved(self, outcome: SaveOutcome, then: Callable[[], None] | None, choice: str) -> None:
        if not outcome.saved:
            self._show_clash(outcome)
            return
        detail = outcome.detail
        merged = (
            f"merged with changes by {self._their_changes(outcome.merged, detail)}"
            if outcome.merged
            else ""
        )
        self._succeeded(
            detail, None, lambda d: _joined(f"Saved {d.number} at {self._time(d)}", choice, merged)
        )
        if then is not None:
            self._carried = merged
            then()

    def _show_clash(self, outcome: SaveOutcome) -> None:
        """Nothing was saved: name each field changed on both sides, with their value, who
        and when, and mine; Keep mine and Take theirs settle it."""
        self._clash = outcome
        detail = outcome.detail
        fields = _and([clash.label for clash in outcome.clashes])
        lines = [f"Not saved: {fields} changed here and by someone else since you opened it."]
        lines += [
            f"  {clash.label}: {clash.who} made it {clash.theirs} at "
            f"{self._time(detail, clash.at)}; yours is {self.form.shown_value(clash.field)}."
            for clash in outcome.clashes
        ]
        lines.append("Keep mine saves your values over theirs; Take theirs keeps theirs.")
        self.clash_banner.show_message("\n".join(lines))

    def _keep_mine(self) -> None:
        clash = self._clash
        if clash is None or self._busy:
            return
        whose = _and([f"{c.who}'s {c.label}" for c in clash.clashes])
        # Their values become the base: what was saved after them still clashes anew.
        self._save_over(clash.detail, self.form.changes(), None, f"yours replaced {whose}")

    def _take_theirs(self) -> None:
        clash = self._clash
        if clash is None or self._busy:
            return
        taken = {c.field for c in clash.clashes}
        whose = _and([f"{c.who}'s {c.label}" for c in clash.clashes])
        rest = {name: value for name, value in self.form.changes().items() if name not in taken}
        if rest:
            self._save_over(clash.detail, rest, None, f"took {whose}")
        else:
            self._show_detail(clash.detail)
            self._say(f"Took {whose}; nothing else to save")

    def _perform(
        self, action: Work, sinks: tuple[ProblemSink, ...], done: Callable[[], None], said: Said
    ) -> None:
        """Save pending field edits, then run ``action`` on the ticket as saved."""
        if self._busy or self._detail is None:
            return

        def act() -> None:
            detail = self._detail
            assert detail is not None
            self._run(lambda: action(detail), sinks, done, said)

        self._save(then=act)

    def _transition(self, transition: Transition) -> None:
        detail = self._detail
        if detail is None or self._busy:
            return
        target = transition.target
        if target == TicketStatus.RESOLVED or is_reopen(detail.status, target):
            question = "how was it solved?" if target == TicketStatus.RESOLVED else "why reopen it?"
            self._ask(
                f"{transition.label} {detail.number}: {question}",
                transition.label,
                "Resolution note" if target == TicketStatus.RESOLVED else "Reason for reopening",
                lambda note, _team: self._change_status(target, note),
            )
        else:
            self._change_status(target, "")

    def _change_status(self, target: TicketStatus, note: str) -> None:
        engine, me = self._context.engine, self._context.me

        def action(detail: TicketDetail) -> TicketDetail | None:
            # Saving an assignee already moved a new ticket to Assigned.
            if detail.status == target:
                return None
            return change_status(engine, detail.id, detail.version, target, me, note)

        self._perform(
            action,
            (self.prompt, self.form),
            self.prompt.hide,
            lambda d: f"Moved {d.number} to {d.status.label} at {self._time(d)}",
        )

    def _ask_escalation(self) -> None:
        detail, choices = self._detail, self._choices
        if detail is None or choices is None or self._busy:
            return
        # The ticket's own team goes last, so the first choice offered is a real move.
        teams = sorted(choices.lists.teams, key=lambda t: t.id == detail.team_id)
        self._ask(
            f"Escalate {detail.number} to another team",
            "Escalate",
            "Why does it go to that team?",
            self._escalate,
            teams,
        )

    def _escalate(self, reason: str, team: uuid.UUID | None) -> None:
        if team is None:
            self.prompt.show_problems({"team": "Choose the team to escalate to."})
            return
        engine, me = self._context.engine, self._context.me
        self._perform(
            lambda d: escalate(engine, d.id, d.version, team, reason, me),
            (self.prompt,),
            self.prompt.hide,
            lambda d: f"Escalated {d.number} to {d.team_name} at {self._time(d)}",
        )

    def _ask_flag(self) -> None:
        detail = self._detail
        if detail is None or self._busy:
            return
        self._ask(
            f"Flag {detail.number} to the manager",
            "Flag to manager",
            "Why does the manager need to look at this?",
            self._flag,
        )

    def _flag(self, reason: str, _team: uuid.UUID | None) -> None:
        engine, me = self._context.engine, self._context.me
        self._perform(
            lambda d: flag_manager(engine, d.id, d.version, reason, me),
            (self.prompt,),
            self.prompt.hide,
            lambda d: f"Flagged {d.number} to the manager at {self._time(d)}",
        )

    def _ask(
        self,
        title: str,
        confirm: str,
        placeholder: str,
        action: PromptAction,
        teams: list[Choice] | None = None,
    ) -> None:
        self._prompt_action = action
        self.prompt.ask(title, confirm, placeholder, teams or [])

    def _prompt_confirmed(self, text: str, team: uuid.UUID | None) -> None:
        if self._prompt_action is not None:
            self._prompt_action(text, team)

    def _add_note(self, note: str, minutes: int) -> None:
        engine, me = self._context.engine, self._context.me
        self._perform(
            lambda d: add_note(engine, d.id, note, me, minutes),
            (self.worklog,),
            self.worklog.clear_note,
            lambda d: f"Added a note to {d.number} at {self._time(d)}",
        )

    def _reload(self) -> None:
        if self._detail is not None:
            self._load_ticket(self._detail.id)  # the Reload button: the edits go

    def _hide_error(self) -> None:
        """Dismissed: the keyboard goes back to where the person was when the refused or
        failed request began (their prompt, note or button), if it is still there."""
        self.error_banner.hide()
        if self._can_focus(self._focus):
            self._focus.setFocus()

    def _can_focus(self, widget: QWidget | None) -> TypeGuard[QWidget]:
        """``widget`` is still a control of this editor that the keyboard can go to."""
        return (
            widget is not None
            and shiboken6.isValid(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and self.isAncestorOf(widget)
        )

    # ------------------------------------------------------------------ saves made elsewhere

    def _news_arrived(self, news: TicketNews | None, refused: bool = False) -> None:
        """The ticket was saved elsewhere (``refused``: and an action here was turned down
        for it). Without field edits here the new version is shown in place; with edits,
        the conflict bar offers to reload, and saving merges."""
        detail = self._detail
        if news is None or detail is None or news.detail.id != detail.id or self._busy:
            return
        if refused:
            self._unseen = news.changes  # everything since the version the action used
        elif news.detail.version > self._known_version:
            self._unseen += news.changes
        else:
            return  # heard of already (or older than the save just made here)
        self._known_version = news.detail.version
        number, theirs = detail.number, self._their_changes(self._unseen, news.detail)
        if not self.form.is_dirty():
            self._show_detail(news.detail)
            self.updated.emit(news.detail)
            if refused:
                self._show_quietly(
                    self.error_banner,
                    f"Not done: {number} was changed by {theirs} meanwhile. It shows their "
                    "change now; try again if it still applies.",
                )
            else:
                self._say(f"Updated by {theirs}")
        elif refused:
            self._show_quietly(
                self.error_banner,
                f"Not done: {number} was changed by {theirs} meanwhile. Your edits are "
                "kept: save to merge them with theirs, then try again.",
            )
        else:
            self._show_quietly(
                self.conflict_banner,
                f"{number} was saved by {theirs} while you were editing it.\n"
                "Save to merge your edits with theirs, or reload to see theirs and drop yours.",
            )

    def _show_quietly(self, banner: Banner, text: str) -> None:
        """Show a banner the person did not ask for without taking the keyboard from
        where they are typing."""
        focus = QApplication.focusWidget()
        banner.show_message(text)
        if focus is not None and shiboken6.isValid(focus) and self.isAncestorOf(focus):
            focus.setFocus()

    def _poll_failed(self, error: Exception) -> None:
        """Said once while polls keep failing (every few seconds), logged after that."""
        if self._poll_failing:
            log.warning("The ticket's poll failed again: %s", error)
            return
        self._poll_failing = True
        show_failure(error, lambda text: self._show_quietly(self.error_banner, text))

    def _refused(self, error: ConflictError) -> None:
        """An action lost to a save made elsewhere: find out what that was, and show it."""
        detail, engine = self._detail, self._context.engine
        if detail is None:
            self.conflict_banner.show_message(str(error))
            return

        def explain(news: TicketNews | None) -> None:
            if news is None:  # moved back to where it was: nothing to show but the error
                self.conflict_banner.show_message(str(error))
            else:
                self._news_arrived(news, refused=True)

        self._request(lambda: news_since(engine, detail.id, detail.version), explain, ())

    # ------------------------------------------------------------------ running work

    def _request(
        self,
        work: Callable[[], Any],
        answered: Callable[[Any], None],
        sinks: tuple[ProblemSink, ...],
    ) -> None:
        """Run ``work`` in a worker, busy until the answer; only the newest answer counts.
        A poll still on its way is dropped: this request's answer is newer."""
        self._set_busy(True)
        self._polls.drop_pending()

        def succeeded(result: Any) -> None:
            self._set_busy(False)
            self._poll_failing = False
            answered(result)

        def failed(error: Exception) -> None:
            self._set_busy(False)
            self._failed(error, sinks)

        run_task(work, succeeded, failed, parent=self, guard=self._requests)

    def _set_busy(self, busy: bool) -> None:
        """While a request runs nothing can be sent twice. Disabling the focused button
        moves the focus on, so it is put back afterwards, unless the user went elsewhere."""
        self._busy = busy
        if busy:
            self._focus = QApplication.focusWidget()
        buttons = [self.save_button, self.escalate_button, self.flag_button, self.cause_button]
        buttons += [self.form.known_errors.use_button, self.vendor_button, self.answered_button]
        buttons += [self.worklog.add_button, self.prompt.confirm_button]
        buttons += [self.keep_button, self.take_button, self.conflict_banner.button]
        buttons += self._transition_buttons
        for button in buttons:
            self._permits.enable(button, not busy)
        focus, now = self._focus, QApplication.focusWidget()
        if not busy and self._can_focus(focus) and (now is None or self.isAncestorOf(now)):
            focus.setFocus()

    def _run(
        self,
        work: Callable[[], TicketDetail | None],
        sinks: tuple[ProblemSink, ...],
        done: Callable[[], None] | None,
        said: Said,
    ) -> None:
        self._request(work, lambda detail: self._succeeded(detail, done, said), sinks)

    def _succeeded(
        self, detail: TicketDetail | None, done: Callable[[], None] | None, said: Said
    ) -> None:
        self.error_banner.hide()
        if detail is not None:
            self._show_detail(detail)
            self.saved.emit(detail)
            self.announce.emit(TicketSaved(detail, self._asked))
        if done is not None:
            done()
        if detail is not None:
            self._say(_joined(said(detail), self._carried))
        self._carried = ""
        self._update_dirty()  # ``done`` emptied the prompt or the note box
        if detail is not None and self._back_when_saved:
            self._back_when_saved = False
            self.done.emit()

    def _failed(self, error: Exception, sinks: tuple[ProblemSink, ...]) -> None:
        """A conflict is looked into and explained, field problems go under their
        fields; anything else takes the program's one error path, shown in the error
        banner."""
        self._carried = ""
        if isinstance(error, ConflictError):
            self._refused(error)
        elif isinstance(error, ValidationError):
            leftover: dict[str, Any] = dict(error.problems)
            for sink in sinks:
                leftover = sink.show_problems(leftover)
            if leftover:
                self.error_banner.show_message(" ".join(leftover.values()))
        else:
            show_failure(error, self.error_banner.show_message)
