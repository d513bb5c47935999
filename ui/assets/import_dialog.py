"""Import assets from a CSV file (an inventory spreadsheet or a device-management export),
with a preview before anything is written.

The dialog is :class:`ui.kit.import_dialog.CsvImportDialog` over
:mod:`app.assets.csv_import`: the file is read, its columns mapped to asset fields by their
names (any may be changed), and the preview says which assets would be added or changed and
which rows cannot be imported, by line. Every asset needs its tag, so a mapping without a
tag column makes no preview: the dialog asks which column gives the tag. Import writes the
file in ONE transaction (:func:`app.assets.csv_import.import_assets` plans it again inside
it): all of it or nothing. Assets are matched by tag, else by serial number, so importing
the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from app.assets.csv_import import (
    AssetField,
    AssetImportResult,
    AssetPlan,
    import_assets,
    mapping_problem,
    plan_import,
    read_table,
    suggest_mapping,
)
from app.assets.register import AssetFields, day_text
from app.csv_table import RawTable
from ui.kit.import_dialog import ChangeRow, CsvImportDialog, ImportKind
from ui.kit.widgets import plural

FIELD_LABELS = {
    AssetField.TAG: "Tag",
    AssetField.KIND: "Kind",
    AssetField.MAKE: "Make",
    AssetField.MODEL: "Model",
    AssetField.SERIAL: "Serial number",
    AssetField.STATUS: "Status",
    AssetField.SITE: "Site (code or name)",
    AssetField.LOCATION: "Location",
    AssetField.OWNER: "Owner (e-mail or employee id)",
    AssetField.PURCHASED: "Purchase date",
    AssetField.WARRANTY: "Warranty end",
    AssetField.NOTES: "Notes",
    AssetField.IGNORE: "Do not import",
}

Cells = dict[AssetField, str]  # what one row of the file gives, by field


def row_cells(table: RawTable, mapping: Mapping[str, AssetField]) -> dict[int, Cells]:
    """The non-empty cells of every row, by line: what the row sets (an empty cell sets
    nothing, so it does not appear)."""
    columns = [
        (index, mapping[header])
        for index, header in enumerate(table.headers)
        if mapping[header] is not AssetField.IGNORE
    ]
    return {
        row.line: {
            target: row.values[index].strip()
            for index, target in columns
            if index < len(row.values) and row.values[index].strip()
        }
        for row in table.rows
    }


class AssetImportDialog(CsvImportDialog[AssetField, AssetPlan, AssetImportResult]):
    """The asset import (object name ``assetImportDialog``); see the module docstring."""

    kind = ImportKind(
        noun="asset",
        subject="Tag",
        file_hint=(
            "No file chosen yet: an inventory spreadsheet or a device-management (MDM) "
            "export, saved as CSV with a header row."
        ),
        read=read_table,
    )

    def _offer(self, headers: Sequence[str]) -> list[tuple[AssetField, Mapping[AssetField, str]]]:
        suggested = suggest_mapping(headers)
        return [(suggested[header], FIELD_LABELS) for header in headers]

    def _mapping_problem(self, mapping: dict[str, AssetField]) -> str:
        problem = mapping_problem(mapping)
        return f"{problem}\nChoose the fields under “Import as”." if problem else ""

    def _planner(self, table: RawTable, mapping: dict[str, AssetField]) -> Callable[[], AssetPlan]:
        engine = self._context.engine
        return lambda: plan_import(engine, table, mapping)

    def _change_rows(
        self, plan: AssetPlan, table: RawTable, mapping: dict[str, AssetField]
    ) -> list[ChangeRow]:
        cells = row_cells(table, mapping)
        return [
            (p.line, action, p.fields.tag, self._describe(p.fields, cells[p.line]))
            for action, planned in (("New", plan.creates), ("Update", plan.updates))
            for p in planned
        ]

    def _describe(self, fields: AssetFields, cells: Cells) -> str:
        """What a row sets, in words: the fields of its non-empty cells as they will be
        stored (kind and status as the register names them, the site by its code), and the
        owner as the file names them."""
        site = self.site_codes.get(fields.site_id, "") if fields.site_id else ""
        words = {
            AssetField.KIND: ("kind", fields.kind.label),
            AssetField.MAKE: ("make", fields.make),
            AssetField.MODEL: ("model", fields.model),
            AssetField.SERIAL: ("serial", fields.serial),
            AssetField.STATUS: ("status", fields.status.label),
            # As the file names it until the site codes are read.
            AssetField.SITE: ("site", site or cells.get(AssetField.SITE, "")),
            AssetField.LOCATION: ("location", fields.location),
            AssetField.OWNER: ("owner", cells.get(AssetField.OWNER, "")),
            AssetField.PURCHASED: ("purchased", _day(fields.purchased_on)),
            AssetField.WARRANTY: ("warranty ends", _day(fields.warranty_ends_on)),
            AssetField.NOTES: ("notes", " ".join(fields.notes.split())),
        }
        return "; ".join(
            f"{label}: {value}" for target, (label, value) in words.items() if target in cells
        )

    def _importer(
        self, _plan: AssetPlan, table: RawTable, mapping: dict[str, AssetField]
    ) -> Callable[[], AssetImportResult]:
        """The file and mapping of the preview, planned again and written in one
        transaction, as the person signed in."""
        engine, me = self._context.engine, self._context.me
        return lambda: import_assets(engine, table, mapping, me)

    def _result_text(self, result: AssetImportResult) -> str:
        return (
            f"Imported: {result.created} added, {result.updated} changed, "
            f"{result.unchanged} unchanged, {plural(result.skipped, 'row')} skipped."
        )


def _day(day: date | None) -> str:
    return day_text(day) if day is not None else ""
