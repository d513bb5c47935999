"""The report's tables as CSV files, one per table, for a spreadsheet: the same text the PDF
prints, each cell formula-safe and each file written in full before it takes its name."""

from __future__ import annotations

from pathlib import Path

from app.errors import SwitchboardError
from app.exports import write_csv
from app.reports.report import Report
from app.reports.tables import report_tables


def check_folder(folder: Path) -> None:
    """Refuse a folder the tables cannot go in, before anything is read or written."""
    if folder.exists() and not folder.is_dir():
        raise SwitchboardError(f"{folder} is a file; give a folder for the CSV tables.")
    if not folder.parent.is_dir():
        raise SwitchboardError(
            f"The folder {folder.parent} does not exist; make it first or give another one "
            "for the CSV tables."
        )


def write_csv_tables(report: Report, folder: Path) -> int:
    """Every table of ``report`` as ``folder/KEY.csv`` (the folder is made if its parent
    exists); the number of files written."""
    check_folder(folder)
    folder.mkdir(exist_ok=True)
    tables = report_tables(report)
    for table in tables.values():
        write_csv(folder / f"{table.key}.csv", f"{table.key}.csv", table.headers, table.rows)
    return len(tables)
