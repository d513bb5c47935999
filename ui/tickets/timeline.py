"""A ticket in time: the header with its SLA clocks and dates, and the worklog pane with
the event timeline, the minutes logged and the box to add a note.

Times are shown in the ticket site's time zone, because that is where the caller and the
SLA clock live; a technician in another office reads the caller's day, not their own.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import groupby
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt, QTimeZone, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.tickets.detail import EventView, TicketDetail
from app.tickets.escalations import EscalationKind
from app.vendors.escalation import EscalationView
from models.clock import utcnow
from models.enums import EventKind, TicketStatus
from ui.kit.widgets import (
    ESCALATION_COLOURS,
    MUTED,
    RED,
    chip_style,
    error_label,
    named,
    on_ctrl_enter,
    priority_chip_style,
    show_problems,
    text_box,
)

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_MINUTES = 24 * 60
BREACHED = f"<span style='color:{RED}; font-weight:600'>breached</span>"
PAUSED = "<span style='color:#ef6c00; font-weight:600'>paused while waiting on the caller</span>"
OPEN_CHIP = chip_style("#e3f2fd", "#0d47a1")
DONE_CHIP = chip_style("#e8f5e9", "#1b5e20")
# The two kinds of escalation, each in its own colour wherever it shows.
_FUNCTIONAL, _HIERARCHICAL = EscalationKind.FUNCTIONAL, EscalationKind.HIERARCHICAL
ESCALATED_CHIP = chip_style(*ESCALATION_COLOURS[_FUNCTIONAL])
FLAGGED_CHIP = chip_style(*ESCALATION_COLOURS[_HIERARCHICAL])
_BOLD_KINDS = frozenset({EventKind.STATUS_CHANGED, EventKind.REOPENED})
_COLOURED_KINDS = {kind.event_kind: ESCALATION_COLOURS[kind][1] for kind in EscalationKind}


def format_local(moment: datetime, timezone: str, now: datetime | None = None) -> str:
    """ "Mon 28 Nov 14:05" in ``timezone``; the year is added when it is not this year, and
    the zone's name when this workstation's clock would read otherwise (:func:`zone_label`).

    Names are spelled out here rather than with strftime, whose day and month names follow
    the C locale that Qt switches to the user's language at start-up.
    """
    local = moment.astimezone(ZoneInfo(timezone))
    this_year = (now or utcnow()).astimezone(local.tzinfo).year
    year = "" if local.year == this_year else f" {local.year}"
    date = f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}{year}"
    return f"{date} {_clock(local)}"


def format_clock(moment: datetime, timezone: str, now: datetime | None = None) -> str:
    """ "14:05" for a moment of today (in ``timezone``), else the whole date as
    :func:`format_local` gives it; the zone is named as there."""
    local = moment.astimezone(ZoneInfo(timezone))
    today = (now or utcnow()).astimezone(local.tzinfo).date()
    return _clock(local) if local.date() == today else format_local(moment, timezone, now)


def _clock(local: datetime) -> str:
    return f"{local.hour:02d}:{local.minute:02d}{zone_label(local)}"


def zone_label(local: datetime) -> str:
    """ " CET" after a time whose zone's clock differs from this workstation's at that
    moment (the ticket's site is elsewhere); "" when both clocks read the same."""
    if local.utcoffset() == local.astimezone(workstation_zone()).utcoffset():
        return ""
    name = local.tzname() or ""
    if name.isalpha():
        return f" {name}"
    offset = int((local.utcoffset() or timedelta()).total_seconds()) // 60
    hours, minutes = divmod(abs(offset), 60)
    return f" UTC{'-' if offset < 0 else '+'}{hours}" + (f":{minutes:02d}" if minutes else "")


_workstation: tzinfo | None = None  # set by use_workstation_zone; else the system's


def workstation_zone() -> tzinfo:
    """The time zone of this workstation's clock (Qt's system zone, as an IANA zone when
    the name is known, so summer time is followed)."""
    if _workstation is not None:
        return _workstation
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode()
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return utcnow().astimezone().tzinfo or UTC  # the offset the system reports now


@contextmanager
def use_workstation_zone(zone: str) -> Iterator[None]:
    """Read times as a workstation in ``zone`` would inside the block (tests, on any
    machine), then as before."""
    global _workstation
    previous, _workstation = _workstation, ZoneInfo(zone)
    try:
        yield
    finally:
        _workstation = previous


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def sla_html(detail: TicketDetail, now: datetime) -> str:
    """Response and resolution clocks in words; "breached" in red, "paused" while the
    ticket waits on the caller (the clock stops then, so nothing breaches)."""
    paused = detail.status == TicketStatus.WAITING_CALLER
    running = detail.status.is_open and not paused
    clocks = (
        ("Response", "Responded", detail.first_response_at, detail.response_due_at,
         detail.response_breached),
        ("Resolution", "Resolved", detail.resolved_at, detail.resolution_due_at,
         detail.resolution_breached),
    )  # fmt: skip
    parts = []
    for name, done, at, due, flagged in clocks:
        if at is not None:
            text, late = f"{done} {format_local(at, detail.site_timezone, now)}", flagged
        elif due is not None:
            text = f"{name} due {format_local(due, detail.site_timezone, now)}"
            late = flagged or (running and now > due)
        else:
            continue
        parts.append(text + (f" · {BREACHED}" if late else ""))
    if paused:
        parts.append(PAUSED)
    return " &nbsp;|&nbsp; ".join(parts) or "No SLA target"


def vendor_html(escalation: EscalationView, detail: TicketDetail, now: datetime) -> str:
    """Where the ticket's escalation to a vendor stands: waiting, with the vendor's answer
    due ("overdue" in red once it is past), answered, or left behind (the ticket moved on
    without an answer)."""
    vendor = html.escape(escalation.vendor_name)
    case = f"case {html.escape(escalation.case_number)}"
    if escalation.responded_at is not None:
        answered = format_local(escalation.responded_at, detail.site_timezone, now)
        return f"{vendor} answered {answered} ({case})"
    if detail.status != TicketStatus.WAITING_VENDOR:
        return f"Escalated to {vendor} ({case})"
    due = escalation.response_due_at
    if due is None:
        return f"Waiting on {vendor} ({case}) · no response time agreed"
    text = f"Vendor response due {format_local(due, detail.site_timezone, now)}"
    if now > due:
        text = f"<span style='color:{RED}; font-weight:600'>{text} · overdue</span>"
    return f"Waiting on {vendor} ({case}) · {text}"


class TicketHeader(QWidget):
    """Number, status, priority, SLA clocks, dates and escalation at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number_label = named(QLabel(), "numberLabel")
        font = QFont(self.number_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.number_label.setFont(font)
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = named(QLabel(), "statusLabel")
        self.priority_chip = named(QLabel(), "priorityChip")
        # Below the SLA line, beside the flag's reason: the top line has no room for them
        # at 1024 px.
        self.escalated_chip = named(QLabel(), "escalatedChip", "Escalated")
        self.escalated_chip.setStyleSheet(ESCALATED_CHIP)
        self.escalated_chip.setToolTip("Handed to another team (a functional escalation)")
        self.flagged_chip = named(
            QLabel(f"{_HIERARCHICAL.mark} Flagged to manager"), "flaggedChip", "Flagged to manager"
        )
        self.flagged_chip.setStyleSheet(FLAGGED_CHIP)
        self.flagged_chip.setToolTip("A manager is asked to look (a hierarchical escalation)")
        self.info_label = named(QLabel(), "infoLabel")
        self.info_label.setStyleSheet(f"color: {MUTED};")
        self.sla_label = named(QLabel(), "slaLabel")
        self.sla_label.setTextFormat(Qt.TextFormat.RichText)  # built by sla_html from our text
        self.vendor_label = named(QLabel(), "vendorLabel", "Vendor escalation")
        self.vendor_label.setTextFormat(Qt.TextFormat.RichText)  # vendor_html escapes names
        self.vendor_label.setWordWrap(True)
        self.vendor_label.hide()  # until the ticket's escalation to a vendor is read
        self.flag_label = named(QLabel(), "flagLabel")
        self.flag_label.setWordWrap(True)
        for label in (self.number_label, self.info_label, self.flag_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # names and reasons stay text
        self.flag_label.setStyleSheet(f"color: {ESCALATION_COLOURS[_HIERARCHICAL][1]};")
        top = QHBoxLayout()
        top.setSpacing(10)
        for label, name in (
            (self.number_label, "Ticket number"),
            (self.status_label, "Status"),
            (self.priority_chip, "Priority"),
        ):
            label.setAccessibleName(name)
            top.addWidget(label)
        top.addStretch(1)
        top.addWidget(self.info_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        self.sla_label.setAccessibleName("SLA")
        layout.addWidget(self.sla_label)
        layout.addWidget(self.vendor_label)
        escalations = QHBoxLayout()
        escalations.setSpacing(10)
        escalations.addWidget(self.escalated_chip)
        escalations.addWidget(self.flagged_chip)
        escalations.addWidget(self.flag_label, 1)
        self.flag_label.setAccessibleName("Why the manager is asked to look")
        layout.addLayout(escalations)
        self.info_label.setAccessibleName("Dates")

    def show_ticket(self, detail: TicketDetail, now: datetime) -> None:
        def when(moment: datetime) -> str:
            return format_local(moment, detail.site_timezone, now)

        self.number_label.setText(detail.number)
        self.status_label.setText(detail.status.label)
        self.status_label.setStyleSheet(OPEN_CHIP if detail.status.is_open else DONE_CHIP)
        self.priority_chip.setText(detail.priority.label)
        self.priority_chip.setStyleSheet(priority_chip_style(detail.priority))
        info = [detail.site_name, f"created {when(detail.created_at)}"]
        if detail.updated_at != detail.created_at:
            info.append(f"updated {when(detail.updated_at)}")
        if detail.reopen_count:
            info.append(f"reopened {detail.reopen_count}×")
        self.info_label.setText(" · ".join(info))
        self.sla_label.setText(sla_html(detail, now))
        self.escalated_chip.setText(f"{_FUNCTIONAL.mark} {_escalated_to(detail)}")
        self.flag_label.setText(detail.manager_flag_reason)
        for widget, shown in (
            (self.status_label, True),
            (self.priority_chip, True),
            (self.sla_label, True),
            (self.escalated_chip, detail.escalated),
            (self.flagged_chip, detail.manager_flagged),
            (self.flag_label, detail.manager_flagged),
        ):
            widget.setVisible(shown)

    def show_vendor(
        self, escalation: EscalationView | None, detail: TicketDetail, now: datetime
    ) -> None:
        """The ticket's latest escalation to a vendor under the SLA line (none: no line)."""
        self.vendor_label.setText(vendor_html(escalation, detail, now) if escalation else "")
        self.vendor_label.setVisible(escalation is not None)

    def show_new(self) -> None:
        self.number_label.setText("New ticket")
        self.info_label.setText("Not saved yet")
        for widget in (
            self.status_label,
            self.priority_chip,
            self.escalated_chip,
            self.flagged_chip,
            self.sla_label,
            self.vendor_label,
            self.flag_label,
        ):
            widget.hide()


def _escalated_to(detail: TicketDetail) -> str:
    """The newest hand-over as the timeline words it: "Escalated to Network"."""
    handovers = (e.text for e in reversed(detail.events) if e.kind == _FUNCTIONAL.event_kind)
    return next(handovers, "Escalated")


def _saves(events: Sequence[EventView]) -> Iterator[list[EventView]]:
    """Events newest first, those written by one save (same moment, same person) together."""
    for _key, group in groupby(reversed(events), key=lambda e: (e.at, e.actor)):
        yield list(group)


def _line(event: EventView) -> str:
    text = html.escape(event.text[:1].upper() + event.text[1:])
    if event.kind in _BOLD_KINDS:
        text = f"<b>{text}</b>"
    elif event.kind in _COLOURED_KINDS:
        text = f"<b style='color:{_COLOURED_KINDS[event.kind]}'>{text}</b>"
    note = event.note
    if event.kind == EventKind.CREATED:
        note = _preview(note)  # the original description; the field above shows it whole
    if note:
        text += "<br>" + html.escape(note).replace("\n", "<br>")
    return text


def _preview(text: str, lines: int = 3) -> str:
    kept = text.strip().splitlines()
    return "\n".join(kept[:lines]) + ("\n…" if len(kept) > lines else "")


def _save_html(save: list[EventView], timezone: str, now: datetime) -> str:
    first = save[0]
    heading = f"{format_local(first.at, timezone, now)} · {html.escape(first.actor)}"
    # Shown oldest first within one save, as it happened (created, then routed...).
    lines = "<br>".join(_line(e) for e in reversed(save))
    return (
        f"<p style='margin:0 0 10px 0'><span style='color:{MUTED}'>{heading}</span><br>{lines}</p>"
    )


class WorklogPane(QWidget):
    """Newest saves first, so the latest work is visible without scrolling."""

    add_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel("<b>Timeline</b>")
        self.timeline = named(QTextBrowser(), "timeline")
        self.timeline.setAccessibleName("Timeline")
        self.timeline.setOpenLinks(False)
        self.total_label = named(QLabel(), "minutesTotal")
        self.total_label.setStyleSheet(f"color: {MUTED};")
        self.total_label.setAccessibleName("Total minutes logged")
        self.note_edit = text_box("noteEdit", "Add a note to the worklog (Ctrl+Enter)", lines=4)
        self.note_edit.setAccessibleName("Note")
        self.minutes_spin = named(QSpinBox(), "minutesSpin")
        self.minutes_spin.setRange(0, MAX_MINUTES)
        self.minutes_spin.setSingleStep(5)
        self.minutes_spin.setSuffix(" min")
        self.minutes_spin.setAccessibleName("Minutes spent")
        minutes_label = QLabel("Time s&pent")
        minutes_label.setBuddy(self.minutes_spin)
        self.add_button = named(QPushButton("Add &note"), "addNoteButton")
        self.add_button.setAccessibleName("Add note")
        self.add_button.setToolTip("Add the note to the worklog (Ctrl+Enter)")
        self._errors = {"note": error_label(), "minutes": error_label()}

        note_row = QHBoxLayout()
        note_row.addWidget(minutes_label)
        note_row.addWidget(self.minutes_spin)
        note_row.addStretch(1)
        note_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.total_label)
        layout.addWidget(self.note_edit)
        layout.addWidget(self._errors["note"])
        layout.addLayout(note_row)
        layout.addWidget(self._errors["minutes"])

        self.add_button.clicked.connect(self._request_add)
        on_ctrl_enter(self.note_edit, self._request_add)

    def show_ticket(self, detail: TicketDetail, now: datetime) -> None:
        self.timeline.setHtml(
            "".join(_save_html(s, detail.site_timezone, now) for s in _saves(detail.events))
        )
        self.total_label.setText(f"Total logged: {format_minutes(detail.minutes_logged)}")
        self.show_problems({})

    def clear_note(self) -> None:
        self.note_edit.clear()
        self.minutes_spin.setValue(0)

    def pending_note(self) -> str:
        return self.note_edit.toPlainText().strip()

    def show_problems(self, problems: Mapping[str, str]) -> dict[str, str]:
        leftover = show_problems(self._errors, problems)
        if "note" in problems:
            self.note_edit.setFocus()
        elif "minutes" in problems:
            self.minutes_spin.setFocus()
        return leftover

    def _request_add(self) -> None:
        if self.add_button.isEnabled():
            self.add_requested.emit(self.note_edit.toPlainText(), self.minutes_spin.value())
