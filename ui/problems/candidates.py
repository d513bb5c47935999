"""The Candidates tab of the Problems page (object name ``problemCandidates``): what
repeat-incident detection (:mod:`app.problems.detection`) finds, each with why, and the
evidence of the one selected.

Detection reads a quarter of a million incidents on a large desk and takes seconds, so it
runs in the background: when the tab is first shown, and again on Refresh (Alt+E, or F5
through the page). The list keeps what it shows while a run is under way, and the line above
it says when the last run was made and how long it took. A candidate made into a problem
(Create problem, Alt+R) or dismissed (Dismiss…, Alt+D or Delete, with a reason) leaves the
list at once and is not offered again; a new problem is brought up in the Problems tab
(:attr:`CandidatesView.problemCreated`). Both need :attr:`Action.MANAGE_PROBLEMS`; anyone
else reads the list with those buttons disabled, saying why.
"""

from __future__ import annotations

import html
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.context import AppContext
from app.permissions import Action, context_may, refusal
from app.problems.detail import problem_detail
from app.problems.detection import (
    DEFAULT_WINDOW_DAYS,
    Candidate,
    dismiss_candidate,
    find_candidates,
    problem_from_candidate,
)
from models.clock import utcnow
from ui.kit.outcome import OutcomeLines
from ui.kit.remembered import remember_columns, remember_splitter
from ui.kit.rows_model import RowsModel
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import MUTED, fit_columns, key_action, named, page_button, paged_table, plural
from ui.problems.dialogs import NoteDialog

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("Rule", "Title", "Incidents", "Reason")
RULE, TITLE, COUNT, REASON = range(4)


@dataclass(frozen=True)
class Run:
    """One detection run: what it found, when it began and how long it took."""

    candidates: list[Candidate]
    began: datetime
    seconds: float


def detect(engine: Engine, window_days: int) -> Run:
    """Run detection over the last ``window_days`` days (in a worker), timed."""
    began, start = utcnow(), time.monotonic()
    found = find_candidates(engine, began, window_days=window_days)
    return Run(found, began, time.monotonic() - start)


class CandidateModel(RowsModel[Candidate]):
    """The candidates of the last run, strongest first."""

    titles = HEADERS

    def candidate(self, row: int) -> Candidate | None:
        return self.item(row)

    def row_of(self, key: str) -> int | None:
        return next((n for n, c in enumerate(self.rows) if c.key == key), None)

    def remove(self, key: str) -> None:
        row = self.row_of(key)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        candidate = self.candidate(index.row()) if index.isValid() else None
        if candidate is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = (
                candidate.rule.label,
                candidate.title,
                str(len(candidate.ticket_ids)),
                candidate.reason,
            )[column]
            return text if role == Qt.ItemDataRole.DisplayRole or column != COUNT else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COUNT:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


def _clock(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local:%H:%M}"


class CandidatesView(QWidget):
    """The candidates, their evidence, and what can be done with them; see the module
    docstring."""

    problemCreated = Signal(object, str)  # the new problem's id, and what was done in words

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        window_days: int = DEFAULT_WINDOW_DAYS,
    ) -> None:
        super().__init__(parent)
        named(self, "problemCandidates", "Candidates for a problem")
        self._context = context
        self._window_days = window_days
        self._may_write = context_may(context, Action.MANAGE_PROBLEMS)
        self._runs, self._writes = StaleGuard(), StaleGuard()
        self._running = False
        self._last: Run | None = None
        self._busy_key = ""  # the candidate being made into a problem or dismissed
        self.model = CandidateModel(self)

        intro = named(
            QLabel(
                f"Incidents of the last {window_days} days that keep coming back, each a "
                "candidate for a problem.",
                self,
            ),
            "candidatesIntro",
        )
        intro.setWordWrap(True)
        self.run_line = named(QLabel("Not looked yet.", self), "candidatesRun", "Last run")
        self.run_line.setStyleSheet(f"color: {MUTED};")
        self.refresh_button = page_button(
            self, "Refr&esh", "candidatesRefresh", "Look again (F5)", self.run
        )
        self.refresh_button.setToolTip("Run detection again (F5)")
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.run_line)
        top.addWidget(self.refresh_button)

        # The list above its evidence: both are lines of text, read best at full width.
        self.splitter = named(QSplitter(Qt.Orientation.Vertical, self), "candidatesSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_table())
        self.splitter.addWidget(self._build_evidence())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 300])
        remember_splitter(self.splitter, "problemCandidates")
        self.outcome = OutcomeLines("candidates")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.outcome.add_to(layout)
        self.setFocusProxy(self.table)
        self._show_evidence(None)

    # -- building -----------------------------------------------------------------------------
    def _build_table(self) -> QTableView:
        table = paged_table(self, self.model, "candidateTable", "Candidates")
        fit_columns(
            table,
            {
                RULE: "Same caller and category",
                TITLE: "LT-002526 (Apple MacBook Pro 14): 5 incidents in 30 days",
                COUNT: "Incidents",
            },
            lambda column: HEADERS[column],
            None,
        )
        remember_columns(table.horizontalHeader(), "problemCandidates")
        table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_evidence(self.model.candidate(current.row()))
        )
        key_action(table, (Qt.Key.Key_Delete,), self.dismiss)
        self.table = table
        return table

    def _build_evidence(self) -> QWidget:
        box = QWidget(self)
        self.evidence_title = named(QLabel(box), "candidateTitle", "Candidate")
        self.evidence_title.setStyleSheet("font-weight: 600;")
        self.evidence_title.setWordWrap(True)
        self.evidence_title.setTextFormat(Qt.TextFormat.PlainText)
        self.evidence = named(QTextBrowser(box), "candidateEvidence", "Evidence")
        refused = "" if self._may_write else refusal(Action.MANAGE_PROBLEMS)
        self.create_button = page_button(
            box,
            "C&reate problem",
            "createFromCandidate",
            "Create a problem with these incidents",
            self.create_problem,
            refused,
        )
        self.dismiss_button = page_button(
            box,
            "&Dismiss…",
            "dismissCandidate",
            "Dismiss the candidate for good",
            self.dismiss,
            refused,
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.evidence_title)
        column.addWidget(self.evidence, 1)
        column.addLayout(buttons)
        return box

    # -- running detection --------------------------------------------------------------------
    def first_shown(self) -> None:
        """The tab came on screen: detection runs the first time."""
        if self._last is None and not self._running:
            self.run()

    def run(self) -> None:
        """Run detection in the background (Refresh, F5); the list keeps what it shows
        meanwhile. A run asked for while one is under way waits for nothing: that one's
        answer is as fresh."""
        if self._running:
            return
        self._running = True
        self.run_line.setText(
            "Looking for incidents that keep coming back…"
            if self._last is None
            else f"{self._said_last()} · looking again…"
        )
        engine, days = self._context.engine, self._window_days
        run_task(
            lambda: detect(engine, days),
            self._found,
            self._run_failed,
            parent=self,
            guard=self._runs,
        )

    @property
    def running(self) -> bool:
        return self._running

    def _said_last(self) -> str:
        last = self._last
        if last is None:
            return ""
        found = plural(len(last.candidates), "candidate")
        return f"{found} · looked at {_clock(last.began)}, took {last.seconds:.1f} s"

    def _found(self, run: Run) -> None:
        self._running = False
        self._last = run
        kept = self._current_key()
        self.model.set_rows(run.candidates)
        self.run_line.setText(self._said_last())
        row = self.model.row_of(kept) if kept else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self._select(row)
        else:
            self._show_evidence(None)

    def _run_failed(self, error: Exception) -> None:
        self._running = False
        self.run_line.setText(self._said_last() or "Not looked yet.")
        self.outcome.failed(error)

    # -- the selected candidate ---------------------------------------------------------------
    def current(self) -> Candidate | None:
        return self.model.candidate(self.table.currentIndex().row())

    def _current_key(self) -> str:
        candidate = self.current()
        return candidate.key if candidate is not None else ""

    def _select(self, row: int) -> None:
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)
        self._show_evidence(self.model.candidate(row))

    def _show_evidence(self, candidate: Candidate | None) -> None:
        for button in (self.create_button, self.dismiss_button):
            button.setEnabled(self._may_write and candidate is not None and not self._busy_key)
        if candidate is None:
            self.evidence_title.setText("")
            if self._last is None:
                text = "Looking for incidents that keep coming back…" if self._running else ""
            elif self.model.rowCount():
                text = "Select a candidate to see its evidence."
            else:
                text = (
                    f"No candidates: no incidents keep coming back in the last "
                    f"{self._window_days} days, or all were dealt with."
                )
            self.evidence.setHtml(f"<p style='color:{MUTED}'>{html.escape(text)}</p>")
            return
        self.evidence_title.setText(candidate.title)
        # A long line wraps under its own start, not under the ticket number.
        lines = "".join(
            f"<p style='margin:0 0 2px 24px; text-indent:-24px'>{html.escape(line)}</p>"
            for line in candidate.evidence
        )
        self.evidence.setHtml(
            f"<p><i>{candidate.rule.label}:</i> {html.escape(candidate.reason)}</p>{lines}"
        )

    def evidence_lines(self) -> list[str]:
        return [line for line in self.evidence.toPlainText().splitlines() if line.strip()]

    # -- writing ------------------------------------------------------------------------------
    def create_problem(self) -> None:
        """Create problem (Alt+R): a problem with the candidate's incidents linked; the page
        brings it up."""
        candidate = self.current()
        if candidate is None or not self._may_write or self._busy_key:
            return
        engine, me = self._context.engine, self._context.me

        def create() -> tuple[uuid.UUID, str]:
            problem_id = problem_from_candidate(engine, candidate, me, utcnow())
            return problem_id, problem_detail(engine, problem_id, utcnow()).reference

        def created(answer: tuple[uuid.UUID, str]) -> None:
            self._done(candidate)
            problem_id, reference = answer
            count = plural(len(candidate.ticket_ids), "incident")
            said = f"Recorded {reference} from the candidate, with its {count} linked."
            self.outcome.tell(said)
            self.problemCreated.emit(problem_id, said)

        self._write(candidate, create, created)

    def dismiss(self) -> None:
        """Dismiss… (Alt+D, Delete): asks why, then the candidate is gone for good."""
        candidate = self.current()
        if candidate is None or not self._may_write or self._busy_key:
            return
        dialog = NoteDialog(
            "dismissCandidate",
            "Dismiss candidate",
            f"Dismiss “{candidate.title}”? It will not be offered again.",
            "Dismiss",
            self,
            placeholder="Why it is no problem (optional), e.g. “a new starter learning”.",
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._dismiss(candidate, dialog.text()))
        dialog.open()

    def _dismiss(self, candidate: Candidate, reason: str) -> None:
        engine, me = self._context.engine, self._context.me

        def dismissed(_result: object) -> None:
            self._done(candidate)
            self.outcome.tell(f"Dismissed “{candidate.title}”; it will not be offered again.")
            self.table.setFocus()

        self._write(
            candidate,
            lambda: dismiss_candidate(engine, candidate, me, utcnow(), reason),
            dismissed,
        )

    def _write(
        self, candidate: Candidate, work: Callable[[], Any], done: Callable[[Any], None]
    ) -> None:
        """Run ``work`` on ``candidate`` in the background, its buttons off meanwhile."""
        self._busy_key = candidate.key
        self._show_evidence(self.current())

        def failed(error: Exception) -> None:
            self._busy_key = ""
            self._show_evidence(self.current())
            self.outcome.failed(error)

        run_task(work, done, failed, parent=self, guard=self._writes)

    def _done(self, candidate: Candidate) -> None:
        """The candidate leaves the list; the next one is selected."""
        self._busy_key = ""
        row = self.model.row_of(candidate.key)
        self.model.remove(candidate.key)
        if self._last is not None:
            self._last = Run(
                [c for c in self._last.candidates if c.key != candidate.key],
                self._last.began,
                self._last.seconds,
            )
            if not self._running:
                self.run_line.setText(self._said_last())
        if self.model.rowCount():
            self._select(min(row or 0, self.model.rowCount() - 1))
        else:
            self._show_evidence(None)
