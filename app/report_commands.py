"""``switchboard report``: the monthly report for scripts, cron and the task scheduler.

``report --month 2026-10 [--site HQ] --out report.pdf`` prints a month; ``--quarter 2026-Q4``
a quarter and ``--from DATE --to DATE`` any range of days; ``--csv DIR`` writes every table
of the report as a CSV file (formula-safe) beside or instead of the PDF. No display is
needed. It prints one line on success; a bad period, an unknown site, a person who may not
run reports or an output that cannot be written get one clear line and exit status 2, and
leave no file behind.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import SwitchboardError
from app.terminal import day_option

if TYPE_CHECKING:
    from app.reports.period import Period

EXIT_OK = 0


def add_report_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``report``; ``add_common`` adds --db, --user and the rest."""
    report = commands.add_parser(
        "report",
        help="the monthly report as a PDF (and its tables as CSV) for a month, quarter or range",
    )
    when = report.add_mutually_exclusive_group()
    when.add_argument("--month", metavar="YYYY-MM", help="a calendar month, e.g. 2026-10")
    when.add_argument("--quarter", metavar="YYYY-Qn", help="a calendar quarter, e.g. 2026-Q4")
    report.add_argument("--from", dest="first", type=day_option, metavar="DATE", help="first day")
    report.add_argument("--to", dest="last", type=day_option, metavar="DATE", help="last day")
    report.add_argument("--site", metavar="CODE", help="one site only (default: every site)")
    report.add_argument("--out", type=Path, metavar="FILE", help="write the PDF here")
    report.add_argument(
        "--csv", type=Path, metavar="DIR", help="write every table as a CSV file in DIR"
    )
    report.add_argument(
        "--paper",
        choices=["a4", "letter"],
        help="paper size (default: from the locale; Letter in the US and Canada)",
    )
    add_common(report)


def run_report(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.identity import login_name
    from app.permissions import staff_id_for
    from app.reports.report import monthly_report
    from app.startup import user_option_problem

    period = _period(args)
    _check_outputs(args.out, args.csv, f"report-{period.code}.pdf")
    problem = user_option_problem(url, demo=False, username=args.user)
    if problem is not None:
        raise SwitchboardError(problem)
    engine = open_database(url)
    try:
        username = login_name(engine, args.user)
        actor = staff_id_for(engine, username)
        report = monthly_report(engine, actor, period, args.site)
    finally:
        engine.dispose()
    written = []
    if args.out is not None:
        from app.reports.pdf import paper_for_locale, write_report_pdf

        write_report_pdf(report, args.out, args.paper or paper_for_locale(), made_by=username)
        written.append(str(args.out))
    if args.csv is not None:
        from app.reports.csv_tables import write_csv_tables

        count = write_csv_tables(report, args.csv)
        written.append(f"{count} CSV tables in {args.csv}")
    print(f"Report for {report.period.label}, {report.sites.label}: {' and '.join(written)}")
    return EXIT_OK


def _check_outputs(pdf: Path | None, folder: Path | None, example: str) -> None:
    """Refuse outputs that cannot be written before the report is read, so a refused run
    writes nothing (not the PDF either when the CSV folder is the problem)."""
    from app.exports import check_output
    from app.reports.csv_tables import check_folder

    if pdf is None and folder is None:
        raise SwitchboardError(
            "Say where the report goes: --out FILE.pdf for the PDF, --csv DIR for its tables, "
            "or both."
        )
    if pdf is not None:
        check_output(pdf, example)
        if not pdf.parent.is_dir():
            raise SwitchboardError(
                f"The folder {pdf.parent} does not exist; make it first or give another one "
                "for the PDF."
            )
    if folder is not None:
        check_folder(folder)


def _period(args: argparse.Namespace) -> Period:
    from app.reports.period import between, parse_month, parse_quarter

    ranged = args.first is not None or args.last is not None
    chosen = sum((args.month is not None, args.quarter is not None, ranged))
    if chosen != 1:
        raise SwitchboardError(
            "Give the report's period one way: --month YYYY-MM, --quarter YYYY-Qn, or --from "
            "DATE --to DATE."
        )
    if args.month is not None:
        return parse_month(args.month)
    if args.quarter is not None:
        return parse_quarter(args.quarter)
    if args.first is None or args.last is None:
        raise SwitchboardError("A range needs both ends: --from DATE --to DATE.")
    return between(args.first, args.last)
