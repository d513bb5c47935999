"""Import completions from a learning-management system's CSV export, with a preview before
anything is written.

The dialog is :class:`ui.kit.import_dialog.CsvImportDialog` over
:mod:`app.training.csv_import`: the file is read, its columns mapped by their names (a
person by user name, e-mail or full name; the course; the day; a result; a certificate), and
the preview says which completions would be added and which rows cannot be imported, by
line. Import writes the file in ONE transaction (all of it or nothing) as the manager's own
records, which count at once. A completion recorded already (same person, course and day)
adds nothing, so importing a file again adds nothing: the preview counts those as unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.context import AppContext
from app.csv_table import RawTable, RowError
from app.org.sites import day_text
from app.training.csv_import import (
    PlannedCompletion,
    TrainingField,
    TrainingImportResult,
    TrainingPlan,
    import_completions,
    mapping_problem,
    plan_import,
    read_table,
    suggest_mapping,
)
from ui.kit.import_dialog import ChangeRow, CsvImportDialog, ImportKind
from ui.kit.widgets import plural

FIELD_LABELS = {
    TrainingField.PERSON: "Person (user name, e-mail or name)",
    TrainingField.COURSE: "Course",
    TrainingField.DATE: "Completed on",
    TrainingField.RESULT: "Result",
    TrainingField.CERTIFICATE: "Certificate reference",
    TrainingField.IGNORE: "Do not import",
}


@dataclass(frozen=True)
class Preview:
    """A :class:`TrainingPlan` in the words of the import dialog: completions are only ever
    added (none is updated), and those recorded already stay as they are."""

    plan: TrainingPlan

    @property
    def creates(self) -> list[PlannedCompletion]:
        return self.plan.adds

    @property
    def updates(self) -> tuple[()]:
        return ()

    @property
    def unchanged(self) -> int:
        return self.plan.recorded

    @property
    def errors(self) -> list[RowError]:
        return self.plan.errors


def completion_words(planned: PlannedCompletion) -> str:
    """ "ITIL 4 Foundation: passed Tue 03 Nov 2026, certificate C-17"."""
    words = f"{planned.course}: {planned.result.label.lower()} {day_text(planned.completed_on)}"
    return words + (f", certificate {planned.certificate}" if planned.certificate else "")


class TrainingImportDialog(CsvImportDialog[TrainingField, Preview, TrainingImportResult]):
    """The completions import (object name ``completionImportDialog``); see the module
    docstring."""

    kind = ImportKind(
        noun="completion",
        subject="Person",
        file_hint=(
            "No file chosen yet: a learning-management system's export of completions, saved "
            "as CSV with a header row (person, course, date; result and certificate if any)."
        ),
        read=read_table,
    )

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(context, parent, path)
        self.count_update.hide()  # a completion is added or there already, never updated
        self.errors_hint.setText(
            "These rows are skipped. Fix them in the file and import it again: completions "
            "imported already are recognised and not added twice."
        )

    def _offer(
        self, headers: Sequence[str]
    ) -> list[tuple[TrainingField, Mapping[TrainingField, str]]]:
        suggested = suggest_mapping(headers)
        return [(suggested[header], FIELD_LABELS) for header in headers]

    def _mapping_problem(self, mapping: dict[str, TrainingField]) -> str:
        problem = mapping_problem(mapping)
        return f"{problem}\nChoose the fields under “Import as”." if problem else ""

    def _planner(self, table: RawTable, mapping: dict[str, TrainingField]) -> Callable[[], Preview]:
        engine = self._context.engine
        return lambda: Preview(plan_import(engine, table, mapping))

    def _change_rows(
        self, plan: Preview, table: RawTable, mapping: dict[str, TrainingField]
    ) -> list[ChangeRow]:
        return [(p.line, "New", p.staff, completion_words(p)) for p in plan.creates]

    def _importer(
        self, _plan: Preview, table: RawTable, mapping: dict[str, TrainingField]
    ) -> Callable[[], TrainingImportResult]:
        """The file and mapping of the preview, planned again and written in one
        transaction, as the person signed in."""
        engine, me = self._context.engine, self._context.me
        return lambda: import_completions(engine, table, mapping, me)

    def _result_text(self, result: TrainingImportResult) -> str:
        return (
            f"Imported: {plural(result.added, 'completion')} added, {result.recorded} recorded "
            f"already, {plural(result.skipped, 'row')} skipped; "
            f"{plural(result.skills_raised, 'skill')} added or raised."
        )
