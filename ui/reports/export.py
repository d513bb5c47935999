"""The Reports page's exports (:class:`ReportExport`): the report on screen as a PDF or as CSV
tables, written off the GUI thread.

"Export PDF…" writes the report where the person says, in a worker thread (Cancel, or Esc,
stops it and leaves no file), then offers to open or print it; "Export CSV…" writes its
tables into a folder of their own. Both export the report the page shows.

The page (:mod:`ui.reports.page`) keeps the period, the read and the figures; this module
keeps everything an export needs, so the page only lays out the two buttons and the two
strips (the one under way, with its progress and Cancel; the one done, with Open and
Print…) and says when a report arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QProgressBar, QWidget

from app.context import AppContext
from app.reports.report import Report
from ui.kit.errors import show_failure
from ui.kit.outcome import OutcomeLines
from ui.kit.tasks import TaskProgress, run_task
from ui.kit.widgets import GREEN, message_label, named, page_button

CANCELLED = "The export was cancelled; no file was written."


def write_pdf(report: Report, target: Path, made_by: str, job: TaskProgress) -> Path:
    """The report's PDF at ``target`` (in a worker thread); :class:`app.reports.pdf.Stopped`
    when ``job`` was cancelled, and then no file is left."""
    from app.reports import pdf  # reportlab and matplotlib: only when exporting

    return pdf.write_report_pdf(
        report,
        target,
        pdf.paper_for_locale(),
        made_by=made_by,
        cancelled=job.cancelled,
        progress=job,
    )


def write_csv(report: Report, folder: Path) -> int:
    """The report's tables as CSV files in ``folder`` (in a worker thread); how many."""
    from app.reports.csv_tables import write_csv_tables

    return write_csv_tables(report, folder)


def _documents() -> Path:
    """Where the file dialogs start: the person's documents folder."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


class ReportExport(QObject):
    """The exports of the Reports page ``host``: its Export PDF… and Export CSV… buttons, the
    strip of the export under way and the strip of the one done.

    The widgets are made here but laid out by the page, as it places them apart (the
    buttons beside the heading, the strips under it). ``current`` gives the report on
    screen (``None`` before the first one arrives); ``outcome`` is the page's message lines,
    where a cancel or a failure is said. Only one export runs at a time (:attr:`job`)."""

    def __init__(
        self,
        host: QWidget,
        context: AppContext,
        current: Callable[[], Report | None],
        outcome: OutcomeLines,
    ) -> None:
        super().__init__(host)
        self._host = host
        self._context = context
        self._current = current
        self._outcome = outcome
        self.job: TaskProgress | None = None  # the export under way
        self._exported: Path | None = None  # the file or folder the last export wrote
        self.pdf_button = page_button(
            host, "&Export PDF…", "reportExportPdf", "Export the report as a PDF", self.export_pdf
        )
        self.csv_button = page_button(
            host,
            "Expo&rt CSV…",
            "reportExportCsv",
            "Export the report's tables as CSV files",
            self.export_csv,
        )
        self.csv_button.setToolTip("Write the report's tables as CSV files, for a spreadsheet")
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(False)
        self.export_strip = self._build_export_strip()
        self.done_strip = self._build_done_strip()

    # -- building -------------------------------------------------------------------------------
    def _build_export_strip(self) -> QFrame:
        strip = named(QFrame(self._host), "reportExport", "Export under way")
        self.export_label = named(QLabel(strip), "reportExportText", "What is being exported")
        self.export_bar = named(QProgressBar(strip), "reportExportProgress", "Export progress")
        self.export_bar.setRange(0, 100)
        self.export_bar.setTextVisible(True)
        self.export_bar.setMaximumWidth(240)
        self.cancel_button = page_button(
            strip, "Cancel", "reportExportCancel", "Cancel the export", self.cancel_export
        )
        self.cancel_button.setToolTip("Stop writing; no file is left (Esc)")
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.export_label, 1)
        row.addWidget(self.export_bar, 1)
        row.addWidget(self.cancel_button)
        # Esc anywhere on the page, not only in the strip, as the keyboard is in the figures
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self._host, self.cancel_export)
        self._escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._escape.setEnabled(False)
        strip.hide()
        return strip

    def _build_done_strip(self) -> QFrame:
        strip = named(QFrame(self._host), "reportDone", "Export done")
        self.done_label = message_label("reportDoneText", "Export done", GREEN)
        self.done_label.show()
        self.open_button = page_button(strip, "Ope&n", "reportOpen", "Open it", self.open_exported)
        self.print_button = page_button(
            strip, "&Print…", "reportPrint", "Print the PDF", self.print_exported
        )
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.done_label, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.print_button)
        strip.hide()
        return strip

    # -- the page's side ------------------------------------------------------------------------
    def report_shown(self) -> None:
        """A report arrived on the page: it can be exported, unless an export is under way
        (whose end enables the buttons)."""
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(self.job is None)

    # -- exporting ------------------------------------------------------------------------------
    def export_pdf(self) -> None:
        """Export PDF… : the report on screen as a PDF where the person says."""
        report = self._current()
        if report is None or self.job is not None:
            return
        suggested = _documents() / f"report-{report.period.code}.pdf"
        name, _filter = QFileDialog.getSaveFileName(
            self._host, "Export the report as PDF", str(suggested), "PDF files (*.pdf)"
        )
        if not name:
            return
        target = Path(name if name.lower().endswith(".pdf") else f"{name}.pdf")
        made_by = self._context.name or self._context.username
        self._start_export(
            f"Writing the PDF of {report.period.label} to {target}…",
            lambda job: write_pdf(report, target, made_by, job),
            lambda _path: self._done(
                f"Saved the report of {report.period.label} to {target}.", target, pdf=True
            ),
            cancellable=True,
        )

    def export_csv(self) -> None:
        """Export CSV… : the report's tables as CSV files in a folder of their own."""
        report = self._current()
        if report is None or self.job is not None:
            return
        picked = QFileDialog.getExistingDirectory(
            self._host, "Export the report's tables as CSV files into", str(_documents())
        )
        if not picked:
            return
        own = f"report-{report.period.code}"
        folder = Path(picked) if Path(picked).name == own else Path(picked) / own
        self._start_export(
            f"Writing the tables of {report.period.label} to {folder}…",
            lambda _job: write_csv(report, folder),
            lambda count: self._done(
                f"Wrote {count} tables of {report.period.label} as CSV files in {folder}.",
                folder,
                pdf=False,
            ),
            cancellable=False,
        )

    def _start_export(
        self,
        what: str,
        work: Callable[[TaskProgress], Any],
        done: Callable[[Any], None],
        *,
        cancellable: bool,
    ) -> None:
        job = TaskProgress(self._export_step, self._host)
        self.job = job
        self.export_bar.setValue(0)
        self._outcome.tell("")
        self.done_strip.hide()
        self.export_label.setText(what)
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.setEnabled(True)
        self._escape.setEnabled(cancellable)
        self.export_strip.show()
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(False)

        def succeeded(result: Any) -> None:
            self._export_ended(job)
            if job.cancelled():  # cancelled once the work was done: nothing was kept
                self._outcome.tell(CANCELLED)
            else:
                done(result)

        def failed(error: Exception) -> None:
            self._export_ended(job)
            if job.cancelled():
                self._outcome.tell(CANCELLED)
            else:
                show_failure(
                    error, lambda text: self._outcome.tell(f"The export failed: {text}", ok=False)
                )

        run_task(lambda: work(job), succeeded, failed, parent=self._host)

    def cancel_export(self) -> None:
        """Cancel (Esc): stop the PDF being written; nothing is left."""
        job = self.job
        if job is None or job.cancelled():
            return
        job.cancel()
        self.cancel_button.setEnabled(False)
        self.export_label.setText("Cancelling the export…")

    def _export_step(self, percent: int, what: str) -> None:
        self.export_bar.setValue(percent)
        self.export_bar.setFormat(f"{percent} % · {what}")

    def _export_ended(self, job: TaskProgress) -> None:
        self.job = None
        job.deleteLater()
        self.export_strip.hide()
        self._escape.setEnabled(False)
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(self._current() is not None)

    def _done(self, said: str, where: Path, *, pdf: bool) -> None:
        self._exported = where
        self.done_label.setText(said)
        self.open_button.setToolTip(f"Open {where}")
        self.print_button.setVisible(pdf)
        self.done_strip.show()

    def open_exported(self) -> None:
        """Open: the exported PDF in the person's viewer, or the CSV folder."""
        where = self._exported
        if where is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(where))):
            self._outcome.tell(f"No program here opens {where}; open it from its folder.", ok=False)

    def print_exported(self) -> None:
        """Print… : the exported PDF through Qt's print dialog, printed off the GUI thread."""
        pdf, report = self._exported, self._current()
        if pdf is None or report is None:
            return
        from ui.kit.print_pdf import pdf_facts, print_pdf  # pdfium: when printing

        title = f"the report of {report.period.label}"

        def ask(facts: Any) -> None:
            print_pdf(self._host, pdf, facts, title, self._outcome.tell, self._outcome.failed)

        run_task(lambda: pdf_facts(pdf), ask, self._outcome.failed, parent=self._host)
