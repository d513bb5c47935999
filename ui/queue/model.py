"""The queue's columns over the one SQL-paged table model (:mod:`ui.kit.paged_model`).

The rows come from :class:`app.queue.query.QueueQuery`; this module only says what each
column shows: the SLA countdown coloured ok / due soon / breached, the age, the escalation
marker (⚑ flagged to a manager, ⇪ escalated to another team, ☎ a vendor's answer overdue,
read from the ticket's own vendor due time so the page's query joins no other table; in
words as its tooltip), and the texts that may be elided (with the whole text as a tooltip).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum, IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from app.queue.query import QueueFilter, QueueQuery, QueueRow, QueueSort, SortColumn
from app.tickets.escalations import EscalationKind
from models.enums import TicketStatus
from ui.kit.paged_model import Colours, ColumnSpec, PagedTableModel
from ui.kit.widgets import ESCALATION_COLOURS

DUE_SOON = timedelta(hours=1)


# Flagged before escalated: the marker column shows "⚑⇪" when a ticket is both, and after
# them the vendor's mark.
_KINDS = (EscalationKind.HIERARCHICAL, EscalationKind.FUNCTIONAL)
VENDOR_MARK = "☎"
VENDOR_OVERDUE = "Vendor's answer overdue"
ESCALATION_TITLE = "".join(kind.mark for kind in _KINDS)
ESCALATION_HEADER_TIP = (
    "Escalation: "
    + ", ".join(f"{kind.mark} {kind.label.lower()}" for kind in _KINDS)
    + f"; {VENDOR_MARK} {VENDOR_OVERDUE.lower()}"
)


class Column(IntEnum):
    """Table columns: those of :class:`SortColumn` (whose value is the header) in its order,
    and after the summary the escalation marker, which sorts by nothing (no index has the
    flags; the escalation filter finds those tickets instead)."""

    NUMBER = 0
    PRIORITY = 1
    STATUS = 2
    SUMMARY = 3
    ESCALATION = 4
    CALLER = 5
    ASSIGNEE = 6
    TEAM = 7
    SITE = 8
    AGE = 9
    SLA_DUE = 10

    @property
    def sort_column(self) -> SortColumn | None:
        return SortColumn.__members__.get(self.name)

    @property
    def title(self) -> str:
        """The header."""
        sort = self.sort_column
        return ESCALATION_TITLE if sort is None else sort.value


class SlaState(Enum):
    """How urgent the SLA column looks; NONE is a stopped or absent clock."""

    NONE = "none"
    OK = "ok"
    DUE_SOON = "due soon"
    BREACHED = "breached"


# (foreground, background) per SLA state; readable on white and on the alternate row colour.
_SLA_COLOURS: dict[SlaState, Colours] = {
    SlaState.NONE: (QColor("#78909c"), None),
    SlaState.DUE_SOON: (QColor("#8a4b00"), QColor("#ffefcc")),
    SlaState.BREACHED: (QColor("#b71c1c"), QColor("#fde3e1")),
}


def format_duration(delta: timedelta) -> str:
    """Two units at most, the larger first: "25m", "1h 20m", "3d 4h"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else "<1m"


def sla_due(row: QueueRow, now: datetime) -> tuple[str, SlaState]:
    """The countdown text and its state; the clock stops while waiting on the caller."""
    if row.status == TicketStatus.WAITING_CALLER:
        return "paused", SlaState.NONE
    if not row.status.is_open or row.sla_due_at is None:
        return "—", SlaState.NONE
    left = row.sla_due_at - now
    if left < timedelta(0):
        return f"overdue {format_duration(-left)}", SlaState.BREACHED
    return f"in {format_duration(left)}", SlaState.DUE_SOON if left < DUE_SOON else SlaState.OK


def _sla_colours(row: QueueRow, now: datetime) -> Colours:
    return _SLA_COLOURS.get(sla_due(row, now)[1], (None, None))


def _escalations(row: QueueRow) -> list[EscalationKind]:
    """The row's kinds of escalation, in the order of :data:`_KINDS`."""
    flags = (row.manager_flagged, row.escalated)
    return [kind for kind, flagged in zip(_KINDS, flags, strict=True) if flagged]


def _vendor_late(row: QueueRow, now: datetime) -> bool:
    """Whether the vendor the ticket waits on owed an answer before ``now``."""
    return row.vendor_due_at is not None and row.vendor_due_at < now


def _since(moment: datetime, now: datetime) -> str:
    """A past moment on this workstation's clock: "14:05" today, else "Mon 23 Nov 14:05"."""
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return f"{local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _marker(row: QueueRow, now: datetime) -> str:
    marks = "".join(kind.mark for kind in _escalations(row))
    return marks + VENDOR_MARK if _vendor_late(row, now) else marks


def _marker_tip(row: QueueRow, now: datetime) -> str:
    """The marker in words: "⚑ Flagged to a manager: VIP caller", "☎ Vendor's answer
    overdue since 14:05 (2h 10m)", one line per mark."""
    lines = []
    for kind in _escalations(row):
        reason = row.manager_flag_reason if kind is EscalationKind.HIERARCHICAL else ""
        lines.append(f"{kind.mark} {kind.label}" + (f": {reason}" if reason else ""))
    if row.vendor_due_at is not None and _vendor_late(row, now):
        since, late = _since(row.vendor_due_at, now), format_duration(now - row.vendor_due_at)
        lines.append(f"{VENDOR_MARK} {VENDOR_OVERDUE} since {since} ({late})")
    return "\n".join(lines)


_MARKER_COLOURS: dict[EscalationKind, Colours] = {
    kind: (QColor(ESCALATION_COLOURS[kind][1]), QColor(ESCALATION_COLOURS[kind][0]))
    for kind in _KINDS
}


def _marker_colours(row: QueueRow, now: datetime) -> Colours:
    kinds = _escalations(row)
    if kinds:
        return _MARKER_COLOURS[kinds[0]]
    return _SLA_COLOURS[SlaState.DUE_SOON] if _vendor_late(row, now) else (None, None)


def _sorted_by(sort: SortColumn) -> Callable[[bool], QueueSort]:
    return lambda descending: QueueSort(sort, descending)


def _plain(text: Callable[[QueueRow], str]) -> Callable[[QueueRow, datetime], str]:
    return lambda row, _now: text(row)


def _column(column: Column, text: Callable[[QueueRow, datetime], str], **how: Any) -> ColumnSpec:
    sort = column.sort_column
    return ColumnSpec(column.title, text, None if sort is None else _sorted_by(sort), **how)


COLUMNS: tuple[ColumnSpec[QueueRow, QueueSort], ...] = (
    _column(Column.NUMBER, _plain(lambda r: r.number)),
    _column(Column.PRIORITY, _plain(lambda r: r.priority.label)),
    _column(Column.STATUS, _plain(lambda r: r.status.label), full_text_tip=True),
    _column(Column.SUMMARY, _plain(lambda r: r.summary), full_text_tip=True),
    _column(
        Column.ESCALATION,
        _marker,
        tip=_marker_tip,
        colours=_marker_colours,
        ticking=True,  # a vendor's answer falls due while the row is on screen
    ),
    _column(Column.CALLER, _plain(lambda r: r.caller_name), full_text_tip=True),
    _column(Column.ASSIGNEE, _plain(lambda r: r.assignee_name), full_text_tip=True),
    _column(Column.TEAM, _plain(lambda r: r.team_name), full_text_tip=True),
    _column(Column.SITE, _plain(lambda r: r.site_code)),
    _column(
        Column.AGE,
        lambda row, now: format_duration(now - row.created_at),
        align_right=True,
        ticking=True,
    ),
    _column(
        Column.SLA_DUE,
        lambda row, now: sla_due(row, now)[0],
        align_right=True,
        ticking=True,
        colours=_sla_colours,
    ),
)


class QueueModel(PagedTableModel[QueueRow, QueueFilter, QueueSort]):
    """The queue's rows, fetched page by page; see :mod:`ui.kit.paged_model`."""

    def __init__(self, query: QueueQuery, parent: QObject | None = None, **options: Any) -> None:
        super().__init__(query, COLUMNS, (QueueFilter(), QueueSort()), parent, **options)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The marker column's header says in words what its marks mean."""
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section == Column.ESCALATION
        ):
            return ESCALATION_HEADER_TIP
        return super().headerData(section, orientation, role)
