"""Import callers from a CSV file, with a preview before anything is written.

The dialog is :class:`ui.kit.import_dialog.CsvImportDialog` over the three steps of
:mod:`app.callers.csv_import`: exports of Active Directory, Outlook or Google contacts are
read and their columns mapped to caller fields; Google's "Types of" columns are offered as
what they are (the kinds of the numbers or addresses of another column); a default site
goes to the rows that name none; and the preview names what each row sets on its caller.
Import writes the plan (all rows or none, in short transactions: see
:func:`app.callers.csv_import.apply_import`); importing the same file again updates callers
instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

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
from app.errors import SwitchboardError
from app.pick_lists import Choice
from ui.kit.import_dialog import ChangeRow, CsvImportDialog, ImportKind
from ui.kit.widgets import named, plural, signals_blocked

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


class CallerImportDialog(CsvImportDialog[Field, ImportPlan, ImportResult]):
    """The caller import (object name ``callerImportDialog``); see the module docstring."""

    kind = ImportKind(
        noun="caller",
        subject="Caller",
        file_hint=(
            "No file chosen yet: exports of Active Directory, Outlook or "
            "Google contacts, or any CSV file with a header row."
        ),
        read=read_table,
    )

    def _build_options(self, layout: QVBoxLayout) -> None:
        """The site for rows that name none, under the columns."""
        self.site_combo = QComboBox()
        named(self.site_combo, "defaultSite", "Site for rows that name none")
        self.site_combo.addItem("None (leave the site empty)", None)
        self.site_combo.currentIndexChanged.connect(self._request_preview)
        self._editable.append(self.site_combo)
        site_row = QHBoxLayout()
        site_label = QLabel("Site for rows that name none:")
        site_label.setBuddy(self.site_combo)
        site_row.addWidget(site_label)
        site_row.addWidget(self.site_combo)
        site_row.addStretch(1)
        layout.addLayout(site_row)

    def _sites_loaded(self, sites: list[Choice]) -> None:
        with signals_blocked(self.site_combo):
            for site in sites:
                self.site_combo.addItem(f"{site.label} – {site.detail}", site.label)
        super()._sites_loaded(sites)

    def _sample(self, cell: str) -> str:
        """Several values (Google's "a ::: b") as "a, b"."""
        return ", ".join(split_values(cell)) if MULTI_SEPARATOR in cell else cell

    def _offer(self, headers: Sequence[str]) -> list[tuple[Field, Mapping[Field, str]]]:
        """Every field for every column; a column of the types of another column's values
        (Google's "Phone 1 - Type") is read with that column, so it says so instead of
        "Do not import"."""
        suggested, types = suggest_mapping(headers), type_columns(headers)
        return [
            (
                suggested[header],
                {**FIELD_LABELS, Field.IGNORE: f"Types of {types[header]}"}
                if header in types
                else FIELD_LABELS,
            )
            for header in headers
        ]

    def _mapping_problem(self, mapping: dict[str, Field]) -> str:
        try:
            check_mapping(mapping)
        except SwitchboardError as error:
            return f"{error}\nChoose the fields under “Import as”."
        return ""

    def _planner(self, table: RawTable, mapping: dict[str, Field]) -> Callable[[], ImportPlan]:
        site, engine = self.site_combo.currentData(), self._context.engine
        return lambda: plan_import(engine, table, mapping, site)

    def _change_rows(
        self, plan: ImportPlan, _table: RawTable, _mapping: dict[str, Field]
    ) -> list[ChangeRow]:
        rows = [
            (p.line, "New", p.values.name, self._describe(p.values, None, None))
            for p in plan.creates
        ]
        return rows + [
            (p.line, "Update", p.values.name, self._describe(p.values, p.changes, p.current_notes))
            for p in plan.updates
        ]

    def _describe(
        self, values: CallerValues, changes: tuple[str, ...] | None, notes: str | None
    ) -> str:
        """What a row sets: every field it gives for a new caller, the changed ones for an
        existing caller (``changes`` names them as the plan does, ``notes`` are theirs now)."""
        site = self.site_codes.get(values.site_id, "") if values.site_id else None
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

    def _importer(
        self, plan: ImportPlan, _table: RawTable, _mapping: dict[str, Field]
    ) -> Callable[[], ImportResult]:
        """The plan knows its file and mapping; it is written in short transactions."""
        engine, me = self._context.engine, self._context.me
        return lambda: apply_import(engine, plan, me)

    def _result_text(self, result: ImportResult) -> str:
        skipped = f", {plural(result.skipped, 'row')} skipped" if result.skipped else ""
        return (
            f"Imported: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged{skipped}."
        )
