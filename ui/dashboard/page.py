"""The manager's dashboard (object name ``dashboardView``): how the desk stands right now.

A row of tiles gives the figures at a glance (open tickets, SLA breached, due within two
hours, calls today, maintenance this week, certifications running out this month), and
under them the short lists a manager acts on: the most overdue tickets and those due next
(Enter or a double click opens one in the editor), who is on now at each site, this week's
maintenance still to do and the certifications running out. The ticket tiles take the
queue to the same tickets. A site box narrows everything to one site.

Everything comes from one call, :func:`app.dashboard.dashboard`, read off the GUI thread
(only the newest answer counts, so a site chosen meanwhile wins): when the page comes into
view, on F5 or its Refresh button, when a ticket is saved or raised anywhere, and every
:data:`REFRESH_MS` while it is on screen, as the desks' notices are. The figures on screen
stay while the next read runs, and a failed read is said on the page, the figures kept.

The dashboard reads every ticket of the desk: it is for managers and admins
(:attr:`Action.RUN_REPORTS`). Anyone else is told so on the page and nothing is read; the
service refuses them too.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.dashboard import DUE_SOON, LISTED, Dashboard, TicketLine, dashboard
from app.maintenance.calendar import Occurrence
from app.permissions import Action, context_may
from app.queue.query import QueueFilter, SavedView
from app.roster.local_time import day_text
from app.training.matrix import Expiring
from models.clock import utcnow
from ui.attention.panel import AttentionPanel
from ui.kit.errors import show_failure
from ui.kit.rows_model import RowsModel
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    AMBER,
    MUTED,
    RED,
    body_or_refusal,
    fit_columns,
    key_action,
    message_label,
    named,
    page_button,
    paged_table,
    plural,
    refill_filter,
)
from ui.maintenance.notice_banner import NOTICE_MS
from ui.problems import ProblemRequest
from ui.queue.model import format_duration
from ui.roster.on_now_panel import site_html, site_text
from ui.shell.events import AttentionRaised, TicketsRaised
from ui.shell.pages import Page
from ui.tickets.requests import TicketRequest, TicketSaved

REFRESH_MS = NOTICE_MS  # the figures move by the minute: read as often as the desks' notices
REFUSED = (
    "Reports and the dashboard are for managers and admins. Ask your manager for the "
    "figures you need; the queue shows every ticket you work on."
)
DUE_SOON_WORDS = f"{int(DUE_SOON.total_seconds() // 3600)} h"
# Narrowest width of a tile, of a ticket list and of a side list, in average characters:
# as many sit side by side as the page's width holds.
TILE_CHARACTERS, TICKETS_CHARACTERS, LIST_CHARACTERS = 24, 72, 48


# -- the ticket lists ---------------------------------------------------------------------------


class TicketColumn:
    """The ticket lists' columns."""

    NUMBER, PRIORITY, SUMMARY, SLA, ASSIGNEE = range(5)
    TITLES = ("Number", "Priority", "Summary", "SLA", "Assignee")
    SAMPLES: ClassVar[dict[int, str]] = {
        NUMBER: "HQ-0000000",
        PRIORITY: "P3 Medium",
        SLA: "overdue 30d 23h",
        ASSIGNEE: "Hannah Schröder-Smith",
    }


class TicketLines(RowsModel[TicketLine]):
    """A short list of tickets with their SLA deadline against the read's "now": the most
    overdue, or the due next."""

    titles = TicketColumn.TITLES

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now: datetime | None = None

    def set_lines(self, lines: tuple[TicketLine, ...], now: datetime) -> None:
        self._now = now
        self.set_rows(lines)
        if self.rows:  # the same tickets: their deadlines still moved against the new now
            last = self.index(len(self.rows) - 1, len(self.titles) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def line(self, row: int) -> TicketLine | None:
        return self.item(row)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        line = self.line(index.row()) if index.isValid() else None
        if line is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(line, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == TicketColumn.SLA:
            return QBrush(QColor(RED if self._overdue(line) else AMBER))
        return None

    def _overdue(self, line: TicketLine) -> bool:
        return self._now is not None and line.sla_due_at < self._now

    def _text(self, line: TicketLine, column: int) -> str:
        if column == TicketColumn.NUMBER:
            return line.number
        if column == TicketColumn.PRIORITY:
            return line.priority.label
        if column == TicketColumn.SUMMARY:
            return line.summary
        if column == TicketColumn.ASSIGNEE:
            return line.assignee or "unassigned"
        return self.sla_text(line)

    def sla_text(self, line: TicketLine) -> str:
        """ "overdue 3d 4h" or "in 45m", as the queue says it."""
        if self._now is None:
            return ""
        if self._overdue(line):
            return f"overdue {format_duration(self._now - line.sla_due_at)}"
        return f"in {format_duration(line.sla_due_at - self._now)}"


# -- building blocks ----------------------------------------------------------------------------


class Reflow:
    """Widgets in a grid as many to a row as the width holds, each at least ``characters``
    average characters wide (one under the other in a narrow window); ``balanced``: rows
    of equal length only (six tiles go three and three, never five and one)."""

    def __init__(self, owner: QWidget, characters: int, *, balanced: bool = False) -> None:
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(10)
        self._owner, self._characters, self._balanced = owner, characters, balanced
        self._widgets: list[QWidget] = []
        self._per_row = 0

    def add(self, widget: QWidget) -> None:
        # The columns share the width equally, whatever a long line in one of them asks for.
        widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._widgets.append(widget)

    def arrange(self, width: int) -> None:
        column = self._owner.fontMetrics().averageCharWidth() * self._characters
        per_row = max(1, min(len(self._widgets), width // column))
        while self._balanced and len(self._widgets) % per_row:
            per_row -= 1
        if per_row == self._per_row:
            return
        self._per_row = per_row
        for widget in self._widgets:
            self.grid.removeWidget(widget)
        for number, widget in enumerate(self._widgets):
            self.grid.addWidget(widget, number // per_row, number % per_row)
        for number in range(max(self.grid.columnCount(), per_row)):
            self.grid.setColumnStretch(number, 1 if number < per_row else 0)


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("font-weight: 600; border: none;")
    return label


def _muted(name: str) -> QLabel:
    label = named(QLabel(), name)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED}; border: none;")
    return label


class Tile(QFrame):
    """One figure: a caption, the number large, a line under it; object name ``name``, the
    number's ``<name>Number``. A symbol goes with a colour, so it reads without colour."""

    def __init__(self, name: str, caption: str) -> None:
        super().__init__()
        named(self, name, caption)
        self.setStyleSheet(
            f"Tile#{name} {{ background: #ffffff; border: 1px solid #dde3e7; border-radius: 6px; }}"
        )
        self._caption = caption
        self.caption = _title(caption)
        self.number = named(QLabel("–"), f"{name}Number", caption)
        font = QFont(self.number.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setStyleSheet("border: none;")
        self.detail = _muted(f"{name}Detail")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(12, 8, 12, 8)
        self.layout_.setSpacing(2)
        for widget in (self.caption, self.number, self.detail):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)

    def show_figure(self, count: int, detail: str, *, alarm: str = "", colour: str = "") -> None:
        """Show ``count`` (with ``alarm``'s symbol and ``colour`` when it is not 0)."""
        flagged = bool(count and alarm)
        self.number.setText(f"{alarm} {count:,}" if flagged else f"{count:,}")
        self.number.setStyleSheet(f"border: none; color: {colour};" if flagged else "border: none;")
        self.detail.setText(detail)
        self.setAccessibleDescription(f"{self._caption}: {count:,}. {detail}")

    def add_button(self, button: QPushButton) -> None:
        self.layout_.insertWidget(self.layout_.count() - 1, button, 0, Qt.AlignmentFlag.AlignLeft)


def _link_button(parent: QWidget, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
    """A flat, link-like button of a tile (no mnemonic: many tiles, few letters)."""
    button = page_button(parent, text, name, text, slot)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setStyleSheet(
        "QPushButton { color: #1565c0; border: none; padding: 0; text-align: left; }"
        " QPushButton:focus { text-decoration: underline; }"
    )
    return button


class Panel(QFrame):
    """A titled card holding one list, with a line said when the list is empty."""

    def __init__(self, name: str, title: str, body: QWidget) -> None:
        super().__init__()
        named(self, name, title)
        self.setStyleSheet(
            f"Panel#{name} {{ background: #ffffff; border: 1px solid #dde3e7;"
            " border-radius: 6px; }"
        )
        self.title = _title(title)
        self.body = body
        self.empty = _muted(f"{name}Empty")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addWidget(body)
        layout.addStretch(1)

    def show_empty(self, text: str) -> None:
        """Say ``text`` instead of the list; an empty text shows the list."""
        self.empty.setText(text)
        self.empty.setVisible(bool(text))
        self.body.setVisible(not text)


def _rich_lines(name: str) -> QLabel:
    label = named(QLabel(), name)
    label.setTextFormat(Qt.TextFormat.RichText)  # every text from the database is escaped
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setStyleSheet("border: none;")
    return label


def _more(shown: int, total: int) -> str:
    more = total - shown
    return f"<br><span style='color:{MUTED}'>and {more} more</span>" if more > 0 else ""


def maintenance_line(occurrence: Occurrence) -> str:
    """ "⚠ Mon 23 Nov 22:00 Backup check (HQ)", on the site's clock."""
    starts = occurrence.local(occurrence.starts_at)
    when = f"{day_text(starts.date())} {starts:%H:%M}"
    return f"{occurrence.status.symbol} {when} {occurrence.title} ({occurrence.site_code})"


def expiring_line(expiring: Expiring) -> str:
    """ "Fatima Zahra: Fire safety, last day Wed 25 Nov (1 day left)"."""
    left = (
        "last day today" if expiring.days_left == 0 else f"{plural(expiring.days_left, 'day')} left"
    )
    return f"{expiring.staff}: {expiring.course}, last day {day_text(expiring.expires_on)} ({left})"


def _listing(lines: Sequence[str], total: int) -> tuple[str, str]:
    """(rich text, plain text) of the first :data:`LISTED` lines of ``total``."""
    shown = lines[:LISTED]
    rich = "<br>".join(html.escape(line) for line in shown) + _more(len(shown), total)
    return rich, "\n".join(lines)


# -- the page -----------------------------------------------------------------------------------


class DashboardPage(Page):
    """The dashboard (object name ``dashboardView``); see the module docstring."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, refresh_ms: int = REFRESH_MS
    ) -> None:
        """``refresh_ms``: how often the figures are read again while shown (0: never)."""
        super().__init__(parent)
        named(self, "dashboardView", "Dashboard")
        self._context = context
        self._allowed = context_may(context, Action.RUN_REPORTS)
        self._reads = StaleGuard()
        self.figures: Dashboard | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        self.refused, self.body = body_or_refusal(
            self, layout, "dashboardRefused", REFUSED, allowed=self._allowed
        )
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._tick)
        if not self._allowed:
            return
        self._build(self.body)
        if refresh_ms > 0:
            self._timer.start()

    # -- building -------------------------------------------------------------------------------
    def _build(self, body: QWidget) -> None:
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addLayout(self._build_bar())
        self.problem = message_label("dashboardProblem", "Problem", RED)
        column.addWidget(self.problem)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(10)
        self.tiles = Reflow(self, TILE_CHARACTERS, balanced=True)
        for tile in self._build_tiles():
            self.tiles.add(tile)
        self.ticket_lists = Reflow(self, TICKETS_CHARACTERS)
        for panel in self._build_ticket_panels():
            self.ticket_lists.add(panel)
        self.side_lists = Reflow(self, LIST_CHARACTERS, balanced=True)
        for panel in self._build_side_panels():
            self.side_lists.add(panel)
        inner.addLayout(self.tiles.grid)
        inner.addWidget(self._build_attention())
        for reflow in (self.ticket_lists, self.side_lists):
            inner.addLayout(reflow.grid)
        inner.addStretch(1)
        self.scroller = named(QScrollArea(body), "dashboardScroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(content)
        self.scroller.setStyleSheet(
            "QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"
        )
        column.addWidget(self.scroller, 1)
        self.scroller.viewport().installEventFilter(self)
        self.setFocusProxy(self.site_combo)

    def _build_bar(self) -> QHBoxLayout:
        self.heading = named(QLabel(self), "dashboardHeading", "What the figures are")
        self.heading.setStyleSheet("font-weight: 600;")
        self.updated = named(QLabel(self), "dashboardUpdated", "When the figures were read")
        self.updated.setStyleSheet(f"color: {MUTED};")
        self.site_combo = named(QComboBox(self), "dashboardSite", "Site")
        self.site_combo.addItem("All sites", None)
        self.site_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.site_combo.setMinimumContentsLength(8)
        self.site_combo.activated.connect(lambda _index: self.refresh())
        site_label = QLabel("S&ite:", self)
        site_label.setBuddy(self.site_combo)
        self.refresh_button = page_button(
            self, "&Refresh", "dashboardRefresh", "Read the figures again", self.refresh
        )
        self.refresh_button.setToolTip(
            f"Read the figures again (F5); they are read every {REFRESH_MS // 1000} s while shown."
        )
        bar = QHBoxLayout()
        bar.addWidget(self.heading)
        bar.addSpacing(12)
        bar.addWidget(self.updated, 1)
        bar.addWidget(site_label)
        bar.addWidget(self.site_combo)
        bar.addSpacing(6)
        bar.addWidget(self.refresh_button)
        return bar

    def _build_tiles(self) -> list[Tile]:
        self.open_tile = Tile("tileOpen", "Open tickets")
        self.breached_tile = Tile("tileBreached", "SLA breached")
        self.due_tile = Tile("tileDueSoon", f"SLA due within {DUE_SOON_WORDS}")
        self.calls_tile = Tile("tileCalls", "Calls today")
        self.maintenance_tile = Tile("tileMaintenance", "Maintenance this week")
        self.training_tile = Tile("tileCertifications", "Certifications expiring")
        for tile, name, view in (
            (self.open_tile, "queueOpen", self._open_view),
            (self.breached_tile, "queueBreached", self._breached_view),
            (self.due_tile, "queueDueSoon", self._due_view),
        ):
            tile.add_button(self._queue_button(tile, name, view))
        return [
            self.open_tile,
            self.breached_tile,
            self.due_tile,
            self.calls_tile,
            self.maintenance_tile,
            self.training_tile,
        ]

    def _queue_button(self, tile: Tile, name: str, view: Callable[[], SavedView]) -> QPushButton:
        """The tile's way to the same tickets in the queue, for the site shown."""
        return _link_button(tile, name, "Show in the queue ›", lambda: self._to_queue(view()))

    def _ticket_table(self, name: str, accessible: str) -> tuple[QTableView, TicketLines]:
        model = TicketLines(self)
        table = paged_table(self, model, name, accessible)
        fit_columns(
            table,
            TicketColumn.SAMPLES,
            lambda column: TicketColumn.TITLES[column],
            TicketColumn.SUMMARY,
        )
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.doubleClicked.connect(lambda index: self._open(model, index.row()))
        key_action(
            table,
            (Qt.Key.Key_Return, Qt.Key.Key_Enter),
            lambda: self._open(model, table.currentIndex().row()),
            "Open the ticket",
        )
        return table, model

    def _build_ticket_panels(self) -> list[Panel]:
        self.overdue_table, self.overdue_model = self._ticket_table(
            "dashboardOverdue", "Most overdue tickets"
        )
        self.due_table, self.due_model = self._ticket_table("dashboardDueNext", "Tickets due next")
        self.overdue_panel = Panel("panelOverdue", "Most overdue", self.overdue_table)
        self.due_panel = Panel("panelDueNext", f"Due within {DUE_SOON_WORDS}", self.due_table)
        return [self.overdue_panel, self.due_panel]

    def _build_side_panels(self) -> list[Panel]:
        self.on_now_host = QWidget()
        self.on_now_layout = QVBoxLayout(self.on_now_host)
        self.on_now_layout.setContentsMargins(0, 0, 0, 0)
        self.on_now_layout.setSpacing(8)
        self._site_labels: list[QLabel] = []
        self.maintenance_lines = _rich_lines("dashboardMaintenance")
        self.expiring_lines = _rich_lines("dashboardExpiring")
        self.on_now_panel = Panel("panelOnNow", "On now", self.on_now_host)
        self.maintenance_panel = Panel(
            "panelMaintenance", "Maintenance still to do this week", self.maintenance_lines
        )
        self.expiring_panel = Panel(
            "panelExpiring", "Certifications expiring this month", self.expiring_lines
        )
        return [self.on_now_panel, self.maintenance_panel, self.expiring_panel]

    def _build_attention(self) -> Panel:
        self.attention = AttentionPanel(self._context)
        self.attention.changed.connect(self.refresh)
        self.attention.scope_changed.connect(self.refresh)
        self.attention.open_ticket.connect(
            lambda ticket_id: self.navigate.emit("ticket", TicketRequest(ticket_id=ticket_id))
        )
        self.attention.open_problem.connect(
            lambda problem_id: self.navigate.emit("problems", ProblemRequest(problem_id))
        )
        self.attention_panel = Panel("panelAttention", "Manager's attention", self.attention)
        return self.attention_panel

    def focus_attention(self) -> None:
        """The manager's attention list (F9 anywhere): the keyboard to its first item."""
        if self._allowed:
            self.attention.focus_list()

    # -- Page hooks -----------------------------------------------------------------------------
    def shown(self) -> None:
        """The keyboard goes to the most overdue tickets (Enter opens the first), or to the
        site box while there are none."""
        if not self._allowed:
            self.refused.setFocus()
            return
        if self.overdue_table.isVisible() and self.overdue_model.rowCount():
            self.overdue_table.setFocus()
            if not self.overdue_table.currentIndex().isValid():
                self.overdue_table.setCurrentIndex(self.overdue_model.index(0, 0))
        else:
            self.site_combo.setFocus()

    def refresh(self) -> None:
        """Read the figures again (F5, the Refresh button, a site chosen)."""
        if not self._allowed:
            return
        engine, me = self._context.engine, self._context.me
        site_id = self.site_combo.currentData()
        acknowledged_too = self.attention.acknowledged_too
        run_task(
            lambda: dashboard(engine, me, utcnow(), site_id, acknowledged_too=acknowledged_too),
            self._show,
            lambda error: show_failure(error, self._failed),
            parent=self,
            guard=self._reads,
        )

    def notice(self, event: object) -> None:
        """A ticket saved or raised anywhere moves the figures: read them again if they are
        on screen (a hidden page reads when it comes into view)."""
        if isinstance(event, TicketSaved | TicketsRaised | AttentionRaised) and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Read on coming into view: the timer reads only while the page is shown, so what a
        hidden page holds may be old."""
        super().showEvent(event)
        if not self._allowed:
            self.content_shown()  # the refusal is the page's content
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The scrolled area changed width: as many tiles and lists to a row as it holds."""
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            for reflow in (self.tiles, self.ticket_lists, self.side_lists):
                reflow.arrange(watched.width())
        return False

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    # -- showing --------------------------------------------------------------------------------
    def _show(self, figures: Dashboard) -> None:
        self.figures = figures
        self.problem.hide()
        refill_filter(self.site_combo, figures.sites)
        local = figures.now.astimezone()
        self.heading.setText(f"{figures.site_label} · {figures.today:%A %d %B}")
        self.updated.setText(f"updated {local:%H:%M}")
        self._show_tiles(figures)
        self._show_tickets(figures)
        self._show_on_now(figures)
        self._show_lists(figures)
        self.attention.show_entries(figures.attention, figures.attention_waiting)
        self.content_shown()

    def _show_tiles(self, d: Dashboard) -> None:
        self.open_tile.show_figure(
            d.open_tickets, f"{plural(d.opened_today, 'ticket')} opened today"
        )
        self.breached_tile.show_figure(
            d.breached, "open, past their SLA deadline", alarm="⚠", colour=RED
        )
        self.due_tile.show_figure(
            d.due_soon, "open, deadline not yet passed", alarm="◔", colour=AMBER
        )
        self.calls_tile.show_figure(d.calls_today, f"since midnight, {d.today:%a %d %b}")
        overdue = f", {d.maintenance_overdue} overdue" if d.maintenance_overdue else ""
        self.maintenance_tile.show_figure(
            len(d.maintenance_to_do), f"to do{overdue} · {d.maintenance_done} done"
        )
        self.maintenance_panel.title.setText(
            f"Maintenance still to do, {day_text(d.week[0])} – {day_text(d.week[1])}"
        )
        self.training_tile.show_figure(
            len(d.expiring), f"by {day_text(d.month_end)}", alarm="◔", colour=AMBER
        )

    def _show_tickets(self, d: Dashboard) -> None:
        for model, lines, panel, empty in (
            (
                self.overdue_model,
                d.most_overdue,
                self.overdue_panel,
                "No open ticket is past its SLA deadline.",
            ),
            (
                self.due_model,
                d.due_next,
                self.due_panel,
                f"No SLA deadline runs out in the next {DUE_SOON_WORDS}.",
            ),
        ):
            model.set_lines(lines, d.now)
            panel.show_empty("" if lines else empty)
            self._fit_height(panel.body, len(lines))
        shown = len(d.most_overdue)
        self.overdue_panel.title.setText(
            f"Most overdue ({shown} of {d.breached:,})" if d.breached > shown else "Most overdue"
        )

    @staticmethod
    def _fit_height(table: QWidget, rows: int) -> None:
        """The table as tall as its rows: a list of one is not a box of five."""
        assert isinstance(table, QTableView)
        row = table.verticalHeader().defaultSectionSize()
        header = table.horizontalHeader().sizeHint().height()
        table.setFixedHeight(header + row * max(1, rows) + 2 * table.frameWidth())

    def _show_on_now(self, d: Dashboard) -> None:
        while len(self._site_labels) < len(d.on_now):
            label = _rich_lines(f"dashboardOnNow{len(self._site_labels)}")
            self.on_now_layout.addWidget(label)
            self._site_labels.append(label)
        for number, label in enumerate(self._site_labels):
            site = d.on_now[number] if number < len(d.on_now) else None
            label.setVisible(site is not None)
            if site is not None:
                label.setText(site_html(site))
                label.setAccessibleName(f"On now at {site.site_code}")
                label.setAccessibleDescription(site_text(site))
        self.on_now_panel.show_empty("" if d.on_now else "No site is set up yet.")

    def _show_lists(self, d: Dashboard) -> None:
        to_do = d.maintenance_to_do
        rich, plain = _listing([maintenance_line(o) for o in to_do], len(to_do))
        self.maintenance_lines.setText(rich)
        self.maintenance_lines.setAccessibleDescription(plain)
        self.maintenance_panel.show_empty("" if to_do else "Nothing left to do this week.")
        rich, plain = _listing([expiring_line(e) for e in d.expiring], len(d.expiring))
        self.expiring_lines.setText(rich)
        self.expiring_lines.setAccessibleDescription(plain)
        self.expiring_panel.show_empty(
            "" if d.expiring else f"No certification runs out by {day_text(d.month_end)}."
        )

    def _failed(self, text: str) -> None:
        """Said over the figures, which stay as last read."""
        self.problem.setText(f"The dashboard could not be read: {text}")
        self.problem.show()

    # -- going elsewhere ------------------------------------------------------------------------
    def _open(self, model: TicketLines, row: int) -> None:
        line = model.line(row)
        if line is not None:
            self.navigate.emit("ticket", TicketRequest(ticket_id=line.id))

    def _site_id(self) -> uuid.UUID | None:
        figures = self.figures
        return figures.site_id if figures is not None else None

    def _open_view(self) -> SavedView:
        return SavedView("Open tickets", QueueFilter(site_id=self._site_id()))

    def _breached_view(self) -> SavedView:
        return SavedView("SLA breached", QueueFilter(site_id=self._site_id(), due_within_minutes=0))

    def _due_view(self) -> SavedView:
        minutes = int(DUE_SOON.total_seconds() // 60)
        return SavedView(
            f"SLA due within {DUE_SOON_WORDS}",
            QueueFilter(site_id=self._site_id(), due_within_minutes=minutes),
        )

    def _to_queue(self, view: SavedView) -> None:
        self.navigate.emit("queue", view)
