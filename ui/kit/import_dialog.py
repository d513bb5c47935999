"""The dialog every CSV import is: choose a file, map its columns, preview, then import.

The imports of :mod:`app` (callers, assets) each take three steps: the file is read (its
encoding, delimiter and header row are detected), each column gets a field (prefilled from
the column's name, changeable per column), and a plan says which rows would be created,
updated or left alone and which cannot be imported, by line. :class:`CsvImportDialog` is
those steps on screen, once for every import: the file, the mapping table with a combo box
per column, the counts, the rows that cannot be imported, the sample of what will change,
and the Import and Close buttons. A subclass gives what is its own: the fields and their
labels, what makes a mapping unusable, the planning and importing services, how a planned
row reads in words, and any option under the mapping (the callers' default site).

The preview is planned again shortly after every change of the mapping (or an option), so
it always matches what the Import button would do. Only the Import button writes; rows with
errors are skipped, and importing the same file again updates instead of duplicating.

Reading, planning and importing run off the GUI thread (run_task) behind one stale-answer
guard: an answer to an older request (the user has changed the mapping or chosen another
file since) is dropped, so a slow preview can never overwrite a newer one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence, Sized
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import pick_lists
from app.context import AppContext
from app.csv_table import RawTable, RowError
from app.pick_lists import Choice
from ui.kit.errors import show_failure
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    GREEN,
    MUTED,
    RED,
    message_label,
    named,
    plural,
    read_only_table,
    show_message,
)

PREVIEW_DEBOUNCE_MS = 250  # a burst of mapping changes makes one preview
SAMPLE_ROWS = 3  # sample values shown per column
ERRORS_SHOWN = 500  # a list of thousands of errors helps nobody; the count says how many
CHANGES_SHOWN = 100
MAPPING_COLUMN, SAMPLE_COLUMN, FIELD_COLUMN = range(3)


class Plan(Protocol):
    """What the import services' plans have in common: the counts the preview shows."""

    @property
    def creates(self) -> Sized: ...
    @property
    def updates(self) -> Sized: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def errors(self) -> Sequence[RowError]: ...


F = TypeVar("F", bound=Enum)  # what a column may be imported as
P = TypeVar("P", bound=Plan)  # what importing would do
R = TypeVar("R")  # what importing did

# One row of "What will change": the line, "New" or "Update", whom it is about, what it sets.
ChangeRow = tuple[int, str, str, str]


@dataclass(frozen=True)
class ImportKind:
    """What one import is called and what reads its files."""

    noun: str  # what a row becomes: "caller" (names, title, counts, accessible names)
    subject: str  # the title of the change table's column naming the row: "Caller", "Tag"
    file_hint: str  # what the file label says before a file is chosen
    read: Callable[[Path], RawTable]  # the service that reads a file (off the GUI thread)

    @property
    def title(self) -> str:
        return f"Import {self.noun}s"

    @property
    def key(self) -> str:
        """The dialog is "<key>Dialog"; its splitters are remembered under this key."""
        return f"{self.noun}Import"


def _stat(name: str, accessible: str) -> QLabel:
    """One count of the preview ("3 to create"), big enough to read at a glance."""
    label = named(QLabel(), name, accessible)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def _pane(title: QLabel, body: QWidget, *below: QWidget) -> QWidget:
    """One side of the preview: a title over a list that takes the height, and hints."""
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(title)
    layout.addWidget(body, 1)
    for widget in below:
        layout.addWidget(widget)
    return pane


class CsvImportDialog(QDialog, Generic[F, P, R]):
    """Choose a CSV file, map its columns, preview, then import; deletes itself on close.

    ``plan`` is the preview on screen (None while one is being made or when the mapping
    cannot work) and ``import_result`` what the import did; the signals tell tests and callers
    when either changes. ``site_codes`` (site id -> code) shows a planned site by its code.
    A subclass sets ``kind`` and gives the methods under "what each import gives"; opened
    with a ``path``, the dialog reads that file at once."""

    previewUpdated = Signal()  # a preview, or the reason there is none, is on screen
    importFinished = Signal(object)  # what the import did (the service's result)

    kind: ClassVar[ImportKind]  # each import's own

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        kind = self.kind
        named(self, f"{kind.key}Dialog", kind.title)
        self.setWindowTitle(kind.title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(980, 660)  # inside a 1024 x 700 window
        self._context = context
        self._requests = StaleGuard()  # reading, planning and importing: the newest counts
        self._importing = False
        self._columns: list[tuple[QComboBox, list[F]]] = []  # each column's box and fields
        self.site_codes: dict[uuid.UUID, str] = {}
        self.table: RawTable | None = None
        self.plan: P | None = None
        self.import_result: R | None = None

        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DEBOUNCE_MS)
        self._preview_timer.timeout.connect(self._start_preview)

        self.choose_button = QPushButton("Choose file…")
        named(self.choose_button, "chooseFileButton", "Choose the file to import")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel(kind.file_hint)
        named(self.file_label, "fileName", "File")
        self.file_label.setWordWrap(True)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_info = QLabel()
        named(self.file_info, "fileInfo", "How the file was read")
        self.file_info.setStyleSheet(f"color: {MUTED};")
        self.file_info.hide()
        self.message = message_label("importMessage", "Problem", RED)

        self.mapping_table = read_only_table(
            "importMapping",
            "Columns of the file and what they hold",
            ["Column in the file", "Sample values", "Import as"],
            selectable=False,
        )
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(MAPPING_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SAMPLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(FIELD_COLUMN, QHeaderView.ResizeMode.Fixed)
        self._editable: list[QWidget] = [self.mapping_table]  # off while importing

        columns_box = QGroupBox("Columns")
        columns_box.setObjectName("importColumnsBox")
        columns_layout = QVBoxLayout(columns_box)
        columns_layout.addWidget(self.mapping_table)
        self._build_options(columns_layout)

        body = QSplitter(Qt.Orientation.Vertical)
        body.setObjectName("importSplitter")
        body.setChildrenCollapsible(False)
        body.addWidget(columns_box)
        body.addWidget(self._build_preview())
        body.setSizes([300, 380])
        remember_splitter(body, kind.key)

        self.result_label = message_label("importResult", "Import result", GREEN)
        self.import_button = QPushButton("Import")
        named(self.import_button, "importButton", f"Import the {kind.noun}s")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("Close")
        named(self.close_button, "closeButton", "Close")
        self.close_button.clicked.connect(self.reject)
        for button in (self.choose_button, self.import_button, self.close_button):
            button.setAutoDefault(False)  # Enter in a combo box must never import
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        file_row = QHBoxLayout()
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.file_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.file_info)
        layout.addWidget(self.message)
        layout.addWidget(body, 1)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)

        self._show_counts(None)
        run_task(
            lambda: pick_lists.sites(context.engine),
            self._sites_loaded,
            self._sites_failed,
            parent=self,
        )
        if path is not None:
            self.load_file(path)

    def _build_preview(self) -> QGroupBox:
        """The counts above the rows that cannot be imported, beside what will change."""
        noun = self.kind.noun.capitalize()
        self.count_create = _stat("countCreate", f"{noun}s to create")
        self.count_update = _stat("countUpdate", f"{noun}s to update")
        self.count_unchanged = _stat("countUnchanged", f"{noun}s unchanged")
        self.count_errors = _stat("countErrors", "Rows with errors")
        self.preview_state = QLabel()
        named(self.preview_state, "previewState", "Preview state")
        self.preview_state.setStyleSheet(f"color: {MUTED};")
        counts_row = QHBoxLayout()
        for label in (self.count_create, self.count_update, self.count_unchanged):
            counts_row.addWidget(label)
            counts_row.addSpacing(18)
        counts_row.addWidget(self.count_errors)
        counts_row.addStretch(1)
        counts_row.addWidget(self.preview_state)

        self.errors = QListWidget()
        named(self.errors, "importErrors", "Rows that cannot be imported")
        self.errors.setWordWrap(True)
        self.errors.setAlternatingRowColors(True)
        self.errors.setSpacing(2)
        self.errors_title = QLabel("<b>Rows that cannot be imported</b>")
        self.errors_title.setObjectName("errorsTitle")
        self.errors_hint = errors_hint = QLabel(
            f"These rows are skipped. Fix them in the file and import it again: "
            f"{self.kind.noun}s imported already are then updated, not duplicated."
        )
        errors_hint.setWordWrap(True)
        errors_hint.setStyleSheet(f"color: {MUTED};")
        errors_hint.hide()

        headers = ("Line", "Action", self.kind.subject, "What the file sets")
        self.changes = read_only_table("importChanges", "What the import will change", headers)
        self.changes.setWordWrap(False)
        changes_header = self.changes.horizontalHeader()
        for column in range(len(headers) - 1):
            changes_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        changes_header.setStretchLastSection(True)
        self.changes_title = QLabel("<b>What will change</b>")
        self.changes_title.setObjectName("changesTitle")

        lists = QSplitter(Qt.Orientation.Horizontal)
        lists.setObjectName("previewSplitter")
        lists.setChildrenCollapsible(False)
        lists.addWidget(_pane(self.errors_title, self.errors, errors_hint))
        lists.addWidget(_pane(self.changes_title, self.changes))
        lists.setSizes([380, 560])
        lists.setStretchFactor(1, 2)  # a wider window widens what will change most
        remember_splitter(lists, f"{self.kind.key}Preview")

        preview_box = QGroupBox("Preview (nothing is written until you click Import)")
        preview_box.setObjectName("importPreviewBox")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addLayout(counts_row)
        preview_layout.addWidget(lists, 1)
        return preview_box

    # --- what each import gives -------------------------------------------------------

    def _build_options(self, layout: QVBoxLayout) -> None:
        """Add what the import asks besides the mapping under the mapping table; called
        while the dialog is built, before a file is read. Widgets that change the plan go
        into ``self._editable`` and call :meth:`_request_preview` when changed."""

    def _offer(self, headers: Sequence[str]) -> list[tuple[F, Mapping[F, str]]]:
        """For each column: the field suggested for it, and the fields offered with their
        labels, in the order of its combo box."""
        raise NotImplementedError

    def _mapping_problem(self, mapping: dict[str, F]) -> str:
        """Why no plan can be made with ``mapping``, saying what to choose; "" when it can."""
        raise NotImplementedError

    def _planner(self, table: RawTable, mapping: dict[str, F]) -> Callable[[], P]:
        """The plan's service call, made on the GUI thread and run off it."""
        raise NotImplementedError

    def _change_rows(self, plan: P, table: RawTable, mapping: dict[str, F]) -> list[ChangeRow]:
        """The rows ``plan`` (made from ``table`` with ``mapping``) creates or updates, in
        words."""
        raise NotImplementedError

    def _importer(self, plan: P, table: RawTable, mapping: dict[str, F]) -> Callable[[], R]:
        """The import's service call for the previewed ``plan`` (made from ``table`` with
        ``mapping``), made on the GUI thread and run off it."""
        raise NotImplementedError

    def _result_text(self, result: R) -> str:
        """What the import did, in a sentence."""
        raise NotImplementedError

    def _sample(self, cell: str) -> str:
        """A cell as the mapping table shows it among the samples of its column."""
        return cell

    # --- the file ---------------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for a file and read it."""
        name, _filter = QFileDialog.getOpenFileName(
            self, self.kind.title, "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read ``path`` off the GUI thread; what was shown for another file goes away."""
        self._requests.drop_pending()
        self.table = self.import_result = None
        for combo, _fields in self._columns:  # deleted later with their cells; not to be
            combo.setObjectName("")  # found by name meanwhile
        self._columns = []
        self.mapping_table.setRowCount(0)
        self._show_counts(None)
        self._enable_editing(True)
        show_message(self.message, "")
        show_message(self.result_label, "")
        self.file_label.setText(str(path))
        show_message(self.file_info, "Reading the file…")
        read = self.kind.read
        self._run(lambda: read(path), self._table_read)

    def _table_read(self, table: RawTable) -> None:
        self.table = table
        show_message(
            self.file_info,
            f"{table.encoding_label}, {table.delimiter_label}-separated, header on line "
            f"{table.header_line}, {plural(len(table.rows), 'row')} below it.",
        )
        self.mapping_table.setRowCount(len(table.headers))
        offers = self._offer(table.headers)
        for index, (header, (suggested, labels)) in enumerate(
            zip(table.headers, offers, strict=True)
        ):
            samples = [
                self._sample(row.values[index].strip())
                for row in table.rows[: SAMPLE_ROWS * 3]
                if index < len(row.values) and row.values[index].strip()
            ][:SAMPLE_ROWS]
            self.mapping_table.setItem(index, MAPPING_COLUMN, QTableWidgetItem(header))
            sample = QTableWidgetItem("  ·  ".join(samples))
            sample.setToolTip("\n".join(samples))
            self.mapping_table.setItem(index, SAMPLE_COLUMN, sample)
            combo = QComboBox()
            named(combo, f"mapping_{index}", f"Import column {header} as")
            combo.addItems(list(labels.values()))
            fields = list(labels)
            combo.setCurrentIndex(fields.index(suggested))
            combo.currentIndexChanged.connect(self._request_preview)
            self.mapping_table.setCellWidget(index, FIELD_COLUMN, combo)
            self._columns.append((combo, fields))
        if self._columns:  # cell widgets do not size their column; the widest label must fit
            width = max(combo.sizeHint().width() for combo, _fields in self._columns)
            self.mapping_table.setColumnWidth(FIELD_COLUMN, width + 12)
        self._request_preview()

    def mapping(self) -> dict[str, F]:
        """Each column's field, as the combo boxes show it."""
        if self.table is None:
            return {}
        return {
            header: fields[combo.currentIndex()]
            for header, (combo, fields) in zip(self.table.headers, self._columns, strict=True)
        }

    # --- the preview ------------------------------------------------------------------

    def _request_preview(self) -> None:
        """Plan again once the user pauses; until then nothing can be imported."""
        if self.table is None:
            return
        self._requests.drop_pending()
        self.plan = None
        self.import_button.setEnabled(False)
        self.preview_state.setText("Updating the preview…")
        self._preview_timer.start()

    def _start_preview(self) -> None:
        table, mapping = self.table, self.mapping()
        if table is None:
            return
        problem = self._mapping_problem(mapping)
        show_message(self.message, problem)
        if problem:
            self._show_counts(None)
            self.previewUpdated.emit()
            return
        self._run(self._planner(table, mapping), self._show_plan)

    def _show_plan(self, plan: P) -> None:
        self.plan = plan
        self._show_counts(plan)
        self.errors.clear()
        for error in plan.errors[:ERRORS_SHOWN]:
            self.errors.addItem(f"Line {error.line}: {error.reason}")
        if len(plan.errors) > ERRORS_SHOWN:
            self.errors.addItem(f"… and {len(plan.errors) - ERRORS_SHOWN} more rows")
        if plan.errors:
            self.errors_title.setText(f"<b>Rows that cannot be imported ({len(plan.errors)})</b>")
        else:
            self.errors_title.setText("<b>Rows that cannot be imported:</b> none")
        self.errors_hint.setVisible(bool(plan.errors))
        self._show_changes(plan)
        self.import_button.setEnabled(bool(len(plan.creates) or len(plan.updates)))
        self.previewUpdated.emit()

    def _show_counts(self, plan: P | None) -> None:
        """The four counts; dashes while there is no preview, which also clears the lists."""
        if plan is None:
            self.plan = None
            self.import_button.setEnabled(False)
            self.errors.clear()
            self.errors_title.setText("<b>Rows that cannot be imported</b>")
            self.errors_hint.hide()
            self.changes.setRowCount(0)
            self.changes_title.setText("<b>What will change</b>")
            create = update = unchanged = errors = "–"
        else:
            create, update = str(len(plan.creates)), str(len(plan.updates))
            unchanged, errors = str(plan.unchanged), str(len(plan.errors))
        self.preview_state.setText("")
        self.count_create.setText(f"<b style='font-size:14pt'>{create}</b> to create")
        self.count_update.setText(f"<b style='font-size:14pt'>{update}</b> to update")
        self.count_unchanged.setText(f"<b style='font-size:14pt'>{unchanged}</b> unchanged")
        colour = RED if plan is not None and plan.errors else "#263238"
        self.count_errors.setText(
            f"<b style='font-size:14pt; color:{colour}'>{errors}</b> "
            f"<span style='color:{colour}'>with errors (skipped)</span>"
        )

    def _show_changes(self, plan: P) -> None:
        """A sample of the creates and updates, in file order."""
        table = self.table
        assert table is not None, "a plan is made from a file"
        rows = sorted(self._change_rows(plan, table, self.mapping()))
        shown = rows[:CHANGES_SHOWN]
        total = len(rows)
        noun = self.kind.noun
        if not total:
            title = "<b>What will change:</b> nothing, the database already matches the file"
        elif total > len(shown):
            title = f"<b>What will change</b> (the first {len(shown)} of {total} {noun}s)"
        else:
            title = f"<b>What will change</b> ({plural(total, noun)})"
        self.changes_title.setText(title)
        self.changes.setRowCount(len(shown))
        for row, (line, *texts) in enumerate(shown):
            for column, text in enumerate((str(line), *texts)):
                item = QTableWidgetItem(text)
                if column == len(texts):
                    item.setToolTip(text)
                self.changes.setItem(row, column, item)

    # --- importing --------------------------------------------------------------------

    def start_import(self) -> None:
        """Write the previewed plan, off the GUI thread."""
        plan, table = self.plan, self.table
        if plan is None or table is None or self._importing:
            return
        self._importing = True
        self._enable_editing(False)
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.preview_state.setText("Importing…")
        self._run(self._importer(plan, table, self.mapping()), self._imported)

    def _imported(self, result: R) -> None:
        self._importing = False
        self.import_result = result
        self.choose_button.setEnabled(True)
        self.close_button.setEnabled(True)
        self._enable_editing(True)
        self._request_preview()  # the preview now shows the file against the new state
        show_message(self.result_label, self._result_text(result))
        self.importFinished.emit(result)

    # --- shared -----------------------------------------------------------------------

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """``fn`` off the GUI thread; ``done`` with its result unless a newer request came."""
        run_task(fn, done, self._failed, parent=self, guard=self._requests)

    def _failed(self, error: Exception) -> None:
        """Say what went wrong; after a failed import the same plan may be tried again."""
        was_importing, self._importing = self._importing, False
        self.preview_state.setText("")
        self.choose_button.setEnabled(True)
        self.close_button.setEnabled(True)
        if self.table is None:
            show_message(self.file_info, "")
        if was_importing:  # the transaction was rolled back: the same plan may be retried
            self._enable_editing(True)
            self.import_button.setEnabled(self.plan is not None)
        else:
            self._show_counts(None)
        show_failure(error, lambda text: show_message(self.message, text))
        self.previewUpdated.emit()

    def _enable_editing(self, enabled: bool) -> None:
        for widget in self._editable:
            widget.setEnabled(enabled)

    def _sites_loaded(self, sites: list[Choice]) -> None:
        self.site_codes = {site.id: site.label for site in sites}
        if self.plan is not None:  # planned before the site codes were known
            self._show_changes(self.plan)

    def _sites_failed(self, error: Exception) -> None:
        show_failure(error, lambda text: show_message(self.message, text))

    def reject(self) -> None:
        """Closing waits for a running import: its result must be seen, and the transaction
        finishes either way."""
        if not self._importing:
            super().reject()
