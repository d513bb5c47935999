"""Import callers from a CSV file, with a preview before anything is written.

The dialog walks the user through the three steps of :mod:`app.callers.csv_import`: the file is
read (its encoding, delimiter and header row are detected), each column gets a field
(prefilled from the known export formats, changeable per column), and a preview says how
many callers would be created, updated or left alone and which rows cannot be imported, by
line. The preview is planned again shortly after every change of the mapping or the default
site, so it always matches what the Import button would do. Only the Import button writes,
in one transaction; rows with errors are skipped, and importing the same file again updates
callers instead of duplicating them.

Reading, planning and importing run off the GUI thread (run_task) behind one stale-answer
guard: an answer to an older request (the user has changed the mapping or chosen another
file since) is dropped, so a slow preview can never overwrite a newer one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
from app.callers.csv_import import (
    MULTI_SEPARATOR,
    CallerValues,
    Field,
    ImportPlan,
    ImportResult,
    RawTable,
    apply_import,
    check_mapping,
    plan_import,
    read_table,
    split_values,
    suggest_mapping,
    type_columns,
)
from app.context import AppContext
from app.errors import SwitchboardError
from app.pick_lists import Choice
from ui.kit.errors import show_failure
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import message_label, named, plural, read_only_table, show_message

PREVIEW_DEBOUNCE_MS = 250  # a burst of mapping changes makes one preview
SAMPLE_ROWS = 3  # sample values shown per column
ERRORS_SHOWN = 500  # a list of thousands of errors helps nobody; the count says how many
CHANGES_SHOWN = 100

FIELD_LABELS = {
    Field.NAME: "Name",
    Field.FIRST_NAME: "First name",
    Field.LAST_NAME: "Last name",
    Field.EMAIL: "E-mail",
    Field.PHONE: "Phone",
    Field.MOBILE: "Mobile phone",
    Field.DEPARTMENT: "Department",
    Field.SITE: "Site (code or name)",
    Field.EMPLOYEE_ID: "Employee id",
    Field.VIP: "VIP (yes/no)",
    Field.NOTES: "Notes",
    Field.IGNORE: "Do not import",
}
MAPPING_COLUMN, SAMPLE_COLUMN, FIELD_COLUMN = range(3)
CHANGE_HEADERS = ("Line", "Action", "Caller", "What the file sets")


def _sample(cell: str) -> str:
    """A cell as the preview shows it: several values (Google's "a ::: b") as "a, b"."""
    return ", ".join(split_values(cell)) if MULTI_SEPARATOR in cell else cell


def _stat(name: str, accessible: str) -> QLabel:
    """One count of the preview ("3 to create"), big enough to read at a glance."""
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class CallerImportDialog(QDialog):
    """Choose a CSV file, map its columns, preview, then import; deletes itself on close.

    ``plan`` is the preview on screen (None while one is being made or when the mapping
    cannot work) and ``import_result`` what the import did; the signals tell tests and callers
    when either changes."""

    previewUpdated = Signal()  # a preview, or the reason there is none, is on screen
    importFinished = Signal(object)  # the ImportResult

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        named(self, "callerImportDialog", "Import callers")
        self.setWindowTitle("Import callers")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(980, 740)
        self._context = context
        self._requests = StaleGuard()  # reading, planning and importing: the newest counts
        self._importing = False
        self._sites: dict[uuid.UUID, str] = {}  # site id -> code, to show a planned site
        self._combos: list[QComboBox] = []
        self.table: RawTable | None = None
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None

        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DEBOUNCE_MS)
        self._preview_timer.timeout.connect(self._start_preview)

        self.choose_button = QPushButton("Choose file…")
        named(self.choose_button, "chooseFileButton", "Choose the file to import")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel(
            "No file chosen yet: exports of Active Directory, Outlook or "
            "Google contacts, or any CSV file with a header row."
        )
        named(self.file_label, "fileName", "File")
        self.file_label.setWordWrap(True)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_info = QLabel()
        named(self.file_info, "fileInfo", "How the file was read")
        self.file_info.setStyleSheet("color: #607d8b;")
        self.file_info.hide()
        self.message = message_label("importMessage", "Problem", "#c62828")

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

        self.site_combo = QComboBox()
        named(self.site_combo, "defaultSite", "Site for rows that name none")
        self.site_combo.addItem("None (leave the site empty)", None)
        self.site_combo.currentIndexChanged.connect(self._request_preview)
        site_row = QHBoxLayout()
        site_label = QLabel("Site for rows that name none:")
        site_label.setBuddy(self.site_combo)
        site_row.addWidget(site_label)
        site_row.addWidget(self.site_combo)
        site_row.addStretch(1)

        columns_box = QGroupBox("Columns")
        columns_box.setObjectName("importColumnsBox")
        columns_layout = QVBoxLayout(columns_box)
        columns_layout.addWidget(self.mapping_table)
        columns_layout.addLayout(site_row)

        self.count_create = _stat("countCreate", "Callers to create")
        self.count_update = _stat("countUpdate", "Callers to update")
        self.count_unchanged = _stat("countUnchanged", "Callers unchanged")
        self.count_errors = _stat("countErrors", "Rows with errors")
        self.preview_state = QLabel()
        named(self.preview_state, "previewState", "Preview state")
        self.preview_state.setStyleSheet("color: #607d8b;")
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
            "These rows are skipped. Fix them in the file and import it again: callers "
            "imported already are then updated, not duplicated."
        )
        errors_hint.setWordWrap(True)
        errors_hint.setStyleSheet("color: #607d8b;")
        errors_hint.hide()
        errors_pane = QWidget()
        errors_layout = QVBoxLayout(errors_pane)
        errors_layout.setContentsMargins(0, 0, 0, 0)
        errors_layout.addWidget(self.errors_title)
        errors_layout.addWidget(self.errors, 1)
        errors_layout.addWidget(errors_hint)

        self.changes = read_only_table(
            "importChanges", "What the import will change", CHANGE_HEADERS
        )
        self.changes.setWordWrap(False)
        changes_header = self.changes.horizontalHeader()
        for column in range(len(CHANGE_HEADERS) - 1):
            changes_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        changes_header.setStretchLastSection(True)
        self.changes_title = QLabel("<b>What will change</b>")
        self.changes_title.setObjectName("changesTitle")
        changes_pane = QWidget()
        changes_layout = QVBoxLayout(changes_pane)
        changes_layout.setContentsMargins(0, 0, 0, 0)
        changes_layout.addWidget(self.changes_title)
        changes_layout.addWidget(self.changes, 1)

        lists = QSplitter(Qt.Orientation.Horizontal)
        lists.setObjectName("previewSplitter")
        lists.setChildrenCollapsible(False)
        lists.addWidget(errors_pane)
        lists.addWidget(changes_pane)
        lists.setSizes([380, 560])
        remember_splitter(lists, "callerImportPreview")

        preview_box = QGroupBox("Preview (nothing is written until you click Import)")
        preview_box.setObjectName("importPreviewBox")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addLayout(counts_row)
        preview_layout.addWidget(lists, 1)

        body = QSplitter(Qt.Orientation.Vertical)
        body.setObjectName("importSplitter")
        body.setChildrenCollapsible(False)
        body.addWidget(columns_box)
        body.addWidget(preview_box)
        body.setSizes([300, 380])
        remember_splitter(body, "callerImport")

        self.result_label = message_label("importResult", "Import result", "#2e7d32")
        self.import_button = QPushButton("Import")
        named(self.import_button, "importButton", "Import the callers")
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

    # --- the file ---------------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for a file and read it."""
        name, _filter = QFileDialog.getOpenFileName(
            self, "Import callers", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read ``path`` off the GUI thread; what was shown for another file goes away."""
        self._requests.drop_pending()
        self.table = self.import_result = None
        for combo in self._combos:  # deleted later with their cells; not to be found by name
            combo.setObjectName("")
        self._combos = []
        self.mapping_table.setRowCount(0)
        self._show_counts(None)
        self._enable_editing(True)
        show_message(self.message, "")
        show_message(self.result_label, "")
        self.file_label.setText(str(path))
        show_message(self.file_info, "Reading the file…")
        self._run(lambda: read_table(path), self._table_read)

    def _table_read(self, table: RawTable) -> None:
        self.table = table
        show_message(
            self.file_info,
            f"{table.encoding_label}, {table.delimiter_label}-separated, header on line "
            f"{table.header_line}, {plural(len(table.rows), 'row')} below it.",
        )
        suggested = suggest_mapping(table.headers)
        types = type_columns(table.headers)
        self.mapping_table.setRowCount(len(table.headers))
        for index, header in enumerate(table.headers):
            samples = [
                _sample(row.values[index].strip())
                for row in table.rows[: SAMPLE_ROWS * 3]
                if index < len(row.values) and row.values[index].strip()
            ][:SAMPLE_ROWS]
            self.mapping_table.setItem(index, MAPPING_COLUMN, QTableWidgetItem(header))
            sample = QTableWidgetItem("  ·  ".join(samples))
            sample.setToolTip("\n".join(samples))
            self.mapping_table.setItem(index, SAMPLE_COLUMN, sample)
            combo = QComboBox()
            named(combo, f"mapping_{index}", f"Import column {header} as")
            for target, label in FIELD_LABELS.items():
                if target is Field.IGNORE and header in types:  # read with its values' column
                    label = f"Types of {types[header]}"
                combo.addItem(label, target.value)
            combo.setCurrentIndex(combo.findData(suggested[header].value))
            combo.currentIndexChanged.connect(self._request_preview)
            self.mapping_table.setCellWidget(index, FIELD_COLUMN, combo)
            self._combos.append(combo)
        if self._combos:  # cell widgets do not size their column; the widest label must fit
            width = max(combo.sizeHint().width() for combo in self._combos)
            self.mapping_table.setColumnWidth(FIELD_COLUMN, width + 12)
        self._request_preview()

    def mapping(self) -> dict[str, Field]:
        """Each column's field, as the combo boxes show it."""
        if self.table is None:
            return {}
        return {
            header: Field(combo.currentData())
            for header, combo in zip(self.table.headers, self._combos, strict=True)
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
        try:
            check_mapping(mapping)
        except SwitchboardError as error:
            show_message(self.message, f"{error}\nChoose the fields under “Import as”.")
            self._show_counts(None)
            self.previewUpdated.emit()
            return
        show_message(self.message, "")
        site = self.site_combo.currentData()
        engine = self._context.engine
        self._run(lambda: plan_import(engine, table, mapping, site), self._show_plan)

    def _show_plan(self, plan: ImportPlan) -> None:
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
        self.import_button.setEnabled(bool(plan.creates or plan.updates))
        self.previewUpdated.emit()

    def _show_counts(self, plan: ImportPlan | None) -> None:
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
        colour = "#c62828" if plan is not None and plan.errors else "#263238"
        self.count_errors.setText(
            f"<b style='font-size:14pt; color:{colour}'>{errors}</b> "
            f"<span style='color:{colour}'>with errors (skipped)</span>"
        )

    def _show_changes(self, plan: ImportPlan) -> None:
        """A sample of the creates and updates, in file order."""
        rows: list[tuple[int, str, str, str]] = [
            (p.line, "New", p.values.name, self._describe(p.values, None, None))
            for p in plan.creates
        ]
        rows += [
            (p.line, "Update", p.values.name, self._describe(p.values, p.changes, p.current_notes))
            for p in plan.updates
        ]
        rows.sort()
        shown = rows[:CHANGES_SHOWN]
        total = len(rows)
        if not total:
            title = "<b>What will change:</b> nothing, the database already matches the file"
        elif total > len(shown):
            title = f"<b>What will change</b> (the first {len(shown)} of {total} callers)"
        else:
            title = f"<b>What will change</b> ({plural(total, 'caller')})"
        self.changes_title.setText(title)
        self.changes.setRowCount(len(shown))
        for row, (line, action, name, detail) in enumerate(shown):
            for column, text in enumerate((str(line), action, name, detail)):
                item = QTableWidgetItem(text)
                if column == len(CHANGE_HEADERS) - 1:
                    item.setToolTip(text)
                self.changes.setItem(row, column, item)

    def _describe(
        self, values: CallerValues, changes: tuple[str, ...] | None, notes: str | None
    ) -> str:
        """What a row sets: every field it gives for a new caller, the changed ones for an
        existing caller (``changes`` names them as the plan does, ``notes`` are theirs now)."""
        site = self._sites.get(values.site_id, "") if values.site_id else None
        phones = (
            ", ".join(f"{p.number} ({p.label})" for p in values.phones) if values.phones else None
        )
        vip = None if values.vip is None else ("yes" if values.vip else "no")
        new_notes = values.notes_over(notes)
        parts = {
            "name": ("name", values.name),
            "email": ("e-mail", values.email),
            "phones": ("phones", phones),
            "department": ("department", values.department),
            "site": ("site", site),
            "employee_id": ("employee id", values.employee_id),
            "vip": ("VIP", vip),
            "notes": ("notes", " ".join(new_notes.split()) if new_notes else None),
        }
        keys = changes if changes is not None else [k for k in parts if k != "name"]
        return "; ".join(
            f"{parts[key][0]}: {parts[key][1]}"
            for key in keys
            if key in parts and parts[key][1] is not None
        )

    # --- importing --------------------------------------------------------------------

    def start_import(self) -> None:
        """Write the previewed plan in one transaction, off the GUI thread."""
        plan = self.plan
        if plan is None or self._importing:
            return
        self._importing = True
        self._enable_editing(False)
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.preview_state.setText("Importing…")
        engine, me = self._context.engine, self._context.me
        self._run(lambda: apply_import(engine, plan, me), self._imported)

    def _imported(self, result: ImportResult) -> None:
        self._importing = False
        self.import_result = result
        self.choose_button.setEnabled(True)
        self.close_button.setEnabled(True)
        self._enable_editing(True)
        self._request_preview()  # the preview now shows the file against the new state
        skipped = f", {plural(result.skipped, 'row')} skipped" if result.skipped else ""
        show_message(
            self.result_label,
            f"Imported: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged{skipped}.",
        )
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
        self.mapping_table.setEnabled(enabled)
        self.site_combo.setEnabled(enabled)

    def _sites_loaded(self, sites: list[Choice]) -> None:
        self._sites = {site.id: site.label for site in sites}
        self.site_combo.blockSignals(True)
        for site in sites:
            self.site_combo.addItem(f"{site.label} – {site.detail}", site.label)
        self.site_combo.blockSignals(False)
        if self.plan is not None:  # planned before the site codes were known
            self._show_changes(self.plan)

    def _sites_failed(self, error: Exception) -> None:
        show_failure(error, lambda text: show_message(self.message, text))

    def reject(self) -> None:
        """Closing waits for a running import: its result must be seen, and the transaction
        finishes either way."""
        if not self._importing:
            super().reject()
