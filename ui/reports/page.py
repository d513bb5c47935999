"""The Reports page (object name ``reportsView``): a manager's monthly report on screen, and
handed over as a PDF or as CSV tables.

The bar at the top chooses the period (a month, a quarter, or a range of days; at first the
last complete month by the program's clock) and the site (every site, or one); Enter or
Show reads it. The read runs off the GUI thread, one call to
:func:`app.reports.report.monthly_report`, with its steps in a progress bar; the figures on
screen stay until the new ones arrive, and a read the person no longer wants (the bar
changed meanwhile, or Show pressed again) is never shown. The page reads the default period
by itself the first time it comes into view.

The key figures (this period, the previous one, the change and a one-line reading) show as
soon as the read is done; the charts are drawn after, in the background
(:mod:`ui.reports.charts_pane`). Enter or a double click on a figure shows the tickets behind
it in the queue (:func:`app.reports.drill.drill`), or says on the page why the queue cannot
list them. In a wide window the figures and the charts sit side by side, in a narrow one
one above the other; the splitter between them remembers its place for each.

"Export PDF…" writes the report where the person says, in a worker thread (Cancel, or Esc,
stops it and leaves no file), then offers to open or print it; "Export CSV…" writes its
tables into a folder. Both export the report on screen (:mod:`ui.reports.export`).

The report reads every ticket of the desk: it is for managers and admins
(:attr:`Action.RUN_REPORTS`). Anyone else is told so and nothing is read.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QByteArray, QDate, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import SwitchboardError
from app.permissions import Action, context_may
from app.pick_lists import Choice
from app.reports.drill import drill
from app.reports.period import (
    Period,
    between,
    last_complete_month,
    month_of,
    quarter_of,
    report_site_choices,
)
from app.reports.report import Report, monthly_report
from models.clock import utcnow
from ui.kit.errors import show_failure
from ui.kit.outcome import OutcomeLines
from ui.kit.remembered import layout_settings, remember_columns
from ui.kit.tasks import StaleGuard, TaskProgress, after_paint_timer, run_task
from ui.kit.widgets import (
    MUTED,
    body_or_refusal,
    fit_columns,
    key_action,
    message_label,
    named,
    page_button,
    paged_table,
    show_message,
    signals_blocked,
)
from ui.reports.charts_pane import ChartsPane
from ui.reports.export import ReportExport
from ui.reports.figures import FigureColumn, KeyFigures, WrappingDelegate
from ui.shell.pages import Page

log = logging.getLogger(__name__)

REFUSED = (
    "Reports are for managers and admins. Ask your manager for the figures you need; the "
    "queue shows every ticket you work on."
)
MONTHS_BACK, QUARTERS_BACK = 36, 12  # how far back the month and quarter boxes go
WIDE = 1250  # from this page width on, the figures and the charts sit side by side
MONTH, QUARTER, RANGE = range(3)
KINDS = ("Month", "Quarter", "Range")


def today() -> date:
    """Today at the workstation, from the program's clock."""
    return utcnow().astimezone().date()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReportsPage(Page):
    """The Reports page (object name ``reportsView``); see the module docstring."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "reportsView", "Reports")
        self._context = context
        self._allowed = context_may(context, Action.RUN_REPORTS)
        self._reads, self._site_reads = StaleGuard(), StaleGuard()
        self.report: Report | None = None
        self.shown_site: str | None = None  # the site code the report on screen is for
        self.asked: tuple[Period, str | None] | None = None  # what the read under way is for
        self._reading: TaskProgress | None = None
        self._read_once = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.refused, self.body = body_or_refusal(
            self, layout, "reportsRefused", REFUSED, allowed=self._allowed
        )
        if not self._allowed:
            return
        self._build(self.body)

    # -- building -------------------------------------------------------------------------------
    def _build(self, body: QWidget) -> None:
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self._build_bar())
        self.outcome = OutcomeLines("reports")
        # made before the heading, so its buttons keep their place in the tab order
        self.export = ReportExport(self, self._context, lambda: self.report, self.outcome)
        self._keep_export_names(self.export)
        column.addLayout(self._build_heading())
        column.addWidget(self.export.export_strip)
        column.addWidget(self.export.done_strip)
        self.outcome.add_to(column)
        self.note = message_label("reportsNote", "About the figure", MUTED)
        column.addWidget(self.note)
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal, body), "reportsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_figures())
        self.charts = ChartsPane(self.splitter)
        self.splitter.addWidget(self.charts)
        self.splitter.splitterMoved.connect(self._keep_splitter)
        self._wide: bool | None = None
        column.addWidget(self.splitter, 1)
        self._charts_timer = after_paint_timer(self, self._draw_charts)
        self.setFocusProxy(self.kind_combo)

    def _build_bar(self) -> QWidget:
        bar = named(QWidget(self), "reportsBar", "Period and site")
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.kind_combo = named(QComboBox(bar), "reportKind", "Kind of period")
        self.kind_combo.addItems(KINDS)
        kind_label = QLabel("Perio&d:", bar)
        kind_label.setBuddy(self.kind_combo)
        self.choice = named(QStackedWidget(bar), "reportPeriodChoice")
        self.choice.addWidget(self._month_choice())
        self.choice.addWidget(self._quarter_choice())
        self.choice.addWidget(self._range_choice())
        self.choice.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._fit_choice(MONTH)
        self.site_combo = named(QComboBox(bar), "reportSite", "Site")
        self.site_combo.addItem("All sites", None)
        self.site_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.site_combo.currentIndexChanged.connect(lambda _n: self._bar_changed())
        site_label = QLabel("S&ite:", bar)
        site_label.setBuddy(self.site_combo)
        self.show_button = page_button(
            bar, "Sho&w", "reportShow", "Show the report of the period chosen", self.show_report
        )
        self.show_button.setToolTip("Read the figures of the period and site chosen (Enter)")
        self.read_bar = named(QProgressBar(bar), "reportReadProgress", "Reading the report")
        self.read_bar.setRange(0, 100)
        self.read_bar.setTextVisible(True)
        self.read_bar.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 24))
        self.read_bar.setMaximumWidth(self.fontMetrics().horizontalAdvance("x" * 60))
        self.read_bar.hide()
        row.addWidget(kind_label)
        row.addWidget(self.kind_combo)
        row.addSpacing(8)
        row.addWidget(self.choice)
        row.addSpacing(8)
        row.addWidget(site_label)
        row.addWidget(self.site_combo)
        row.addSpacing(8)
        row.addWidget(self.show_button)
        row.addStretch(1)
        for widget in (
            self.kind_combo,
            self.month_combo,
            self.quarter_combo,
            self.from_edit,
            self.to_edit,
            self.site_combo,
        ):
            key_action(widget, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.show_report, "Show")
        return bar

    def _choice_page(self, *pairs: tuple[str, QWidget]) -> QWidget:
        page = QWidget(self)
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        for caption, widget in pairs:
            label = QLabel(caption, page)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        row.addStretch(1)
        return page

    def _month_choice(self) -> QWidget:
        self.month_combo = named(QComboBox(self), "reportMonth", "Month")
        month = month_of(today())
        for back in range(MONTHS_BACK + 1):
            self.month_combo.addItem(f"{month.label} (so far)" if back == 0 else month.label, month)
            month = month.previous()
        self.month_combo.setCurrentIndex(1)  # the last complete month
        self.month_combo.setMaxVisibleItems(14)
        self.month_combo.currentIndexChanged.connect(lambda _n: self._bar_changed())
        return self._choice_page(("&Month:", self.month_combo))

    def _quarter_choice(self) -> QWidget:
        self.quarter_combo = named(QComboBox(self), "reportQuarter", "Quarter")
        quarter = quarter_of(today())
        for back in range(QUARTERS_BACK + 1):
            label = f"{quarter.label} (so far)" if back == 0 else quarter.label
            self.quarter_combo.addItem(label, quarter)
            quarter = quarter.previous()
        self.quarter_combo.setCurrentIndex(1)
        self.quarter_combo.currentIndexChanged.connect(lambda _n: self._bar_changed())
        return self._choice_page(("&Quarter:", self.quarter_combo))

    def _range_choice(self) -> QWidget:
        month = last_complete_month(utcnow())
        self.from_edit = self._date_edit("reportFrom", "First day", month.first)
        self.to_edit = self._date_edit("reportTo", "Last day", month.last)
        return self._choice_page(("Fro&m:", self.from_edit), ("T&o:", self.to_edit))

    def _date_edit(self, name: str, accessible: str, day: date) -> QDateEdit:
        edit = named(QDateEdit(_qdate(day), self), name, accessible)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setCalendarPopup(True)
        edit.setMaximumDate(_qdate(today()))
        edit.dateChanged.connect(lambda _d: self._bar_changed())
        return edit

    def _build_heading(self) -> QHBoxLayout:
        self.heading = named(QLabel(self), "reportHeading", "What the figures are")
        self.heading.setStyleSheet("font-weight: 600;")
        self.heading.setWordWrap(True)
        self.hint = named(QLabel(self), "reportHint", "Not shown yet")
        self.hint.setStyleSheet(f"color: {MUTED};")
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.heading)
        text.addWidget(self.hint)
        row.addLayout(text, 1)
        row.addWidget(self.read_bar, 1, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.pdf_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.csv_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _keep_export_names(self, export: ReportExport) -> None:
        """The export's widgets under the names the page has always had, for its tests and
        for the heading's layout."""
        self.pdf_button, self.csv_button = export.pdf_button, export.csv_button
        self.export_strip, self.export_label = export.export_strip, export.export_label
        self.export_bar, self.cancel_button = export.export_bar, export.cancel_button
        self.done_strip, self.done_label = export.done_strip, export.done_label
        self.open_button, self.print_button = export.open_button, export.print_button

    def _build_figures(self) -> QWidget:
        host = QWidget(self)
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.model = KeyFigures(self)
        self.table = paged_table(host, self.model, "reportFigures", "Key figures")
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setItemDelegate(WrappingDelegate(self.table))
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        fit_columns(
            self.table, FigureColumn.SAMPLES, lambda c: FigureColumn.TITLES[c], FigureColumn.READING
        )
        remember_columns(self.table.horizontalHeader(), "reportFigures")
        self.table.doubleClicked.connect(lambda index: self.drill_into(index.row()))
        key_action(
            self.table,
            (Qt.Key.Key_Return, Qt.Key.Key_Enter),
            lambda: self.drill_into(self.table.currentIndex().row()),
            "Show the tickets behind the figure",
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.note.hide())
        caption = QLabel("Key fi&gures — Enter shows the tickets behind one", host)
        caption.setBuddy(self.table)
        caption.setStyleSheet(f"color: {MUTED};")
        column.addWidget(caption)
        column.addWidget(self.table, 1)
        return host

    # -- Page hooks -----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        """The first time in view: the site list, and the last complete month."""
        super().showEvent(event)
        if not self._allowed:
            self.content_shown()  # the refusal is the page's content
            return
        if not self._read_once:
            self._read_once = True
            engine = self._context.engine
            run_task(
                lambda: report_site_choices(engine),
                self._sites_read,
                self.outcome.failed,
                parent=self,
                guard=self._site_reads,
            )
            self.show_report()

    def shown(self) -> None:
        """The keyboard goes to the figures once there are some, else to the period."""
        if not self._allowed:
            self.refused.setFocus()
        elif self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.kind_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """F5: read the period chosen again."""
        if self._allowed:
            self.show_report()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._allowed:
            self._arrange(event.size().width())

    # -- the period -----------------------------------------------------------------------------
    def chosen(self) -> tuple[Period, str | None]:
        """The period and site code the bar says; a range the person got wrong is refused
        (:class:`SwitchboardError`)."""
        kind = self.kind_combo.currentIndex()
        if kind == MONTH:
            period = self.month_combo.currentData()
        elif kind == QUARTER:
            period = self.quarter_combo.currentData()
        else:
            period = between(_date(self.from_edit.date()), _date(self.to_edit.date()))
        assert isinstance(period, Period)
        return period, self.site_combo.currentData()

    def _kind_changed(self, kind: int) -> None:
        self._fit_choice(kind)
        self._bar_changed()

    def _fit_choice(self, kind: int) -> None:
        """Show the choice of ``kind``, the bar as wide as it alone needs."""
        for number in range(self.choice.count()):
            shown, page = number == kind, self.choice.widget(number)
            assert page is not None
            page.setSizePolicy(
                QSizePolicy.Policy.Preferred if shown else QSizePolicy.Policy.Ignored,
                QSizePolicy.Policy.Preferred if shown else QSizePolicy.Policy.Ignored,
            )
        self.choice.setCurrentIndex(kind)
        self.choice.adjustSize()
        self.choice.updateGeometry()

    def _bar_changed(self) -> None:
        """The bar no longer says what is being read: that read is not wanted any more."""
        if self.asked is not None:
            self._reads.drop_pending()
            self._stop_reading()
        self._say_hint()

    def _say_hint(self) -> None:
        try:
            period, site = self.chosen()
        except SwitchboardError as error:
            show_message(self.hint, str(error))
            return
        report = self.report
        if report is None or self.asked is not None:
            show_message(self.hint, "")
            return
        same = (report.period, self.shown_site) == (period, site)
        where = site or "all sites"
        show_message(self.hint, "" if same else f"Enter or Show reads {period.label}, {where}.")

    def _sites_read(self, sites: tuple[Choice, ...]) -> None:
        chosen = self.site_combo.currentData()
        with signals_blocked(self.site_combo):
            while self.site_combo.count() > 1:
                self.site_combo.removeItem(1)
            for site in sites:
                self.site_combo.addItem(f"{site.label} – {site.detail}", site.label)
            found = self.site_combo.findData(chosen) if chosen else 0
            self.site_combo.setCurrentIndex(max(found, 0))

    # -- reading --------------------------------------------------------------------------------
    def show_report(self) -> None:
        """Show (Enter in the bar): read the report of the period and site chosen."""
        if not self._allowed:
            return
        try:
            period, site = self.chosen()
        except SwitchboardError as error:
            self.outcome.tell(str(error), ok=False)
            return
        self.outcome.tell("")
        self.note.hide()
        self._stop_reading()
        self.charts.forget()
        self._charts_timer.stop()
        job = TaskProgress(self._read_step, self)
        self._reading, self.asked = job, (period, site)
        self.read_bar.setValue(0)
        self.read_bar.setFormat(f"Reading {period.label}…")
        self.read_bar.show()
        self._say_hint()
        engine, me = self._context.engine, self._context.me
        run_task(
            lambda: monthly_report(engine, me, period, site, progress=job),
            lambda report: self._arrived(report, site),
            self._read_failed,
            parent=self,
            guard=self._reads,
        )

    def _read_step(self, percent: int, what: str) -> None:
        self.read_bar.setValue(percent)
        self.read_bar.setFormat(f"{percent} % · {what}")

    def _stop_reading(self) -> None:
        if self._reading is not None:
            self._reading.retire()
            self._reading.deleteLater()
        self._reading, self.asked = None, None
        self.read_bar.hide()

    def _arrived(self, report: Report, site: str | None) -> None:
        self._stop_reading()
        self.report, self.shown_site = report, site
        row = max(self.table.currentIndex().row(), 0)
        self.model.set_figures(report.key_figures, report.period.label, report.previous.label)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1), 0))
        self.heading.setText(
            f"{report.sites.label} · {report.period.label}, compared with {report.previous.label}"
        )
        missing = report.without_business_hours
        self.heading.setToolTip(
            f"Days are local to each site ({report.zones})."
            + (f" No business hours are set at {', '.join(missing)}." if missing else "")
        )
        self._say_hint()
        self.export.report_shown()
        self.content_shown()
        self._charts_timer.start()  # once the figures are painted

    def _draw_charts(self) -> None:
        if self.report is not None:
            self.charts.show_report(self.report)

    def _read_failed(self, error: Exception) -> None:
        self._stop_reading()
        self._say_hint()
        show_failure(
            error, lambda text: self.outcome.tell(f"The report could not be read: {text}", ok=False)
        )

    # -- the tickets behind a figure ------------------------------------------------------------
    def drill_into(self, row: int) -> None:
        """Enter or a double click on a figure: its tickets in the queue, or why not."""
        figure, report = self.model.figure(row), self.report
        if figure is None or report is None:
            return
        found = drill(report, figure)
        if found.view is None:
            show_message(self.note, f"{figure.name}: {found.note}")
            return
        self.note.hide()
        self.navigate.emit("queue", found.view)

    # -- exporting (ui.reports.export) ---------------------------------------------------------
    @property
    def export_job(self) -> TaskProgress | None:
        """The export under way, if any."""
        return self.export.job if self._allowed else None

    def cancel_export(self) -> None:
        """Cancel (Esc): stop the PDF being written; see :meth:`ReportExport.cancel_export`."""
        if self._allowed:
            self.export.cancel_export()

    # -- the splitter ---------------------------------------------------------------------------
    def _arrange(self, width: int) -> None:
        """Side by side from :data:`WIDE` pixels on, one above the other below; each way
        remembers where the person left the splitter."""
        wide = width >= WIDE
        if wide == self._wide:
            return
        self._wide = wide
        self.splitter.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)
        state = layout_settings().value(self._splitter_key())
        if (
            isinstance(state, QByteArray)
            and not state.isEmpty()
            and self.splitter.restoreState(state)
        ):
            return
        whole = width if wide else max(self.height(), 400)
        self.splitter.setSizes([whole * 11 // 20, whole * 9 // 20])

    def _splitter_key(self) -> str:
        return f"splitters/reports{'Wide' if self._wide else 'Narrow'}"

    def _keep_splitter(self, _pos: int, _index: int) -> None:
        layout_settings().setValue(self._splitter_key(), self.splitter.saveState())
