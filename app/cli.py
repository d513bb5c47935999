"""Command line: start the GUI (default) or run one of the maintenance commands.

Every command resolves the database the same way (``--db``, ``SWITCHBOARD_DB``, default file)
and reports problems as one clear message with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import config
from app.errors import SwitchboardError, ValidationError
from app.terminal import print_row_errors, terminal_safe
from models.errors import DatabaseError, environment_problem

if TYPE_CHECKING:
    import uuid

    from sqlalchemy import Engine

    from models.sqlite_backup import BackupFile

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_LIMIT = 1000


def _add_common_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """The options every command takes, before or after its name (``switchboard lookup X
    --demo`` as well as ``switchboard --demo lookup X``). A subcommand's copies default to
    SUPPRESS, so a value given before the command name is not reset by them."""
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=default,
        help="SQLite file or database URL (postgresql+psycopg://user@host/db); "
        f"default: ${config.ENV_DB}, else {config.data_dir() / config.DEFAULT_FILE}",
    )
    flag_default = False if default is None else default
    parser.add_argument(
        "--demo",
        action="store_true",
        default=flag_default,
        help="use the demo database (created with made-up data on first use)",
    )
    parser.add_argument(
        "--user", default=default, help="act as this staff username (default: your login)"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=flag_default, help="log debug details"
    )


class _ShowVersion(argparse.Action):
    """``--version``: looked up only when asked for (reading the package metadata costs
    start-up time)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_kwargs: Any) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version"
        )

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        print(f"switchboard {config.program_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="switchboard", description="Switchboard help-desk console."
    )
    parser.add_argument("--version", action=_ShowVersion)
    _add_common_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="integrity check, schema version, row counts and backups (read-only)"
    )
    _add_common_options(check, argparse.SUPPRESS)

    init = commands.add_parser("init", help="create a new, empty Switchboard database")
    init.add_argument("--org", metavar="NAME", help="the organisation's name (heads the report)")
    init.add_argument("--site", metavar="CODE", help="the first site's code, its ticket prefix")
    init.add_argument("--site-name", metavar="NAME", help="the first site's name")
    init.add_argument(
        "--timezone", metavar="TZ", help="the first site's time zone, e.g. Europe/London"
    )
    init.add_argument(
        "--holidays",
        metavar="CC[-REGION]",
        help="the first site's public holidays, e.g. GB-ENG, US-NY or DE",
    )
    _add_common_options(init, argparse.SUPPRESS)

    backup = commands.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("--out", required=True, type=Path, metavar="FILE")
    _add_common_options(backup, argparse.SUPPRESS)

    restore = commands.add_parser(
        "restore", help="replace the database with a backup (validated; current file kept)"
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    _add_common_options(restore, argparse.SUPPRESS)

    demo = commands.add_parser("demo-data", help="fill an empty database with realistic data")
    demo.add_argument("--callers", type=int, default=2000, metavar="N")
    demo.add_argument("--tickets", type=int, default=10000, metavar="M")
    demo.add_argument("--months", type=int, default=12, metavar="K")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument(
        "--as-of",
        metavar="DATE",
        help="end the generated period on DATE (YYYY-MM-DD) at 16:00 UTC, so the same seed "
        "gives the same data on any day; default: now",
    )
    _add_common_options(demo, argparse.SUPPRESS)

    lookup = commands.add_parser(
        "lookup", help="find callers by name, e-mail, phone, ticket number or asset tag"
    )
    lookup.add_argument("text", metavar="TEXT")
    lookup.add_argument("--json", action="store_true", help="print the hits as a JSON list")
    lookup.add_argument(
        "--limit", type=int, default=20, metavar="N", help=f"at most N hits (1-{MAX_LIMIT})"
    )
    _add_common_options(lookup, argparse.SUPPRESS)

    call = commands.add_parser(
        "call",
        help="screen pop: show this caller in the running Switchboard (else start it)",
        description="Hand an incoming call's number to the Switchboard running for this user, "
        "which comes to the front with the caller's card or the quick-create form. If none is "
        "running, start one with it. Meant for a softphone's 'run on incoming call' setting.",
    )
    call.add_argument("number", metavar="NUMBER", help="the caller id, in any format")
    _add_common_options(call, argparse.SUPPRESS)

    export = commands.add_parser(
        "export", help="write sites, teams, categories or assets to a CSV file"
    )
    export.add_argument("kind", choices=["sites", "teams", "categories", "assets"])
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    _add_common_options(export, argparse.SUPPRESS)

    importing = commands.add_parser("import", help="import data from a file")
    kinds = importing.add_subparsers(dest="kind", metavar="KIND", required=True)
    callers = kinds.add_parser(
        "callers",
        help="import callers from a CSV export (Active Directory, Outlook, Google contacts)",
    )
    callers.add_argument("file", type=Path, metavar="FILE")
    callers.add_argument("--dry-run", action="store_true", help="show what would change only")
    callers.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="map a column to a field (name, first_name, last_name, email, phone, mobile, "
        "department, site, employee_id, vip, notes, ignore); repeatable",
    )
    callers.add_argument("--site", metavar="CODE", help="site of rows that name none")
    callers.add_argument(
        "--strict", action="store_true", help="import nothing if any row has an error"
    )
    _add_common_options(callers, argparse.SUPPRESS)
    assets = kinds.add_parser(
        "assets", help="import assets from an inventory or device-management CSV export"
    )
    assets.add_argument("file", type=Path, metavar="FILE")
    assets.add_argument("--dry-run", action="store_true", help="show what would change only")
    assets.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="map a column to a field (tag, kind, make, model, serial, status, site, location, "
        "owner, purchased, warranty, notes, ignore); repeatable",
    )
    assets.add_argument(
        "--strict", action="store_true", help="import nothing if any row has a problem"
    )
    _add_common_options(assets, argparse.SUPPRESS)
    from app.admin_commands import add_admin_commands
    from app.maintenance_commands import add_maintenance_commands
    from app.problem_commands import add_problem_commands
    from app.report_commands import add_report_command
    from app.roster_commands import add_roster_commands
    from app.training_commands import add_training_commands
    from app.vendor_commands import add_vendor_commands

    for add in (
        add_admin_commands,
        add_roster_commands,
        add_training_commands,
        add_maintenance_commands,
        add_report_command,
        add_problem_commands,
        add_vendor_commands,
    ):
        add(commands, lambda sub: _add_common_options(sub, argparse.SUPPRESS))
    return parser


def _cmd_check(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import check_database

    report = check_database(url)
    print(f"Database:       {report.location}")
    if not report.ok:
        print("Integrity:      DAMAGED")
        for problem in report.problems[:20]:
            print(f"  {problem}")
        _print_backups(report.backups)
        print("Restore a backup with 'switchboard restore FILE'.")
        return EXIT_FAILED
    print("Integrity:      ok")
    state = "current" if report.schema_version == report.head else f"will migrate to {report.head}"
    print(f"Schema version: {report.schema_version or 'none (empty database)'} ({state})")
    if report.row_counts:
        print("Rows:")
        width = max(len(name) for name in report.row_counts)
        for name, count in report.row_counts.items():
            print(f"  {name:<{width}}  {count:>12,}")
    _print_backups(report.backups)
    return EXIT_OK


def _print_backups(backups: Sequence[BackupFile] | None) -> None:
    """The newest backup's age and the folder (a server has neither: nothing printed)."""
    from app.backups import age_text

    if backups is None:
        return
    if not backups:
        print("Backups:        none yet")
        return
    newest = backups[0]
    print(f"Backups:        {len(backups)}, newest {age_text(newest.taken)} ({newest.kind})")
    print(f"  {newest.path.parent}")


def _cmd_init(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import init_database, open_database
    from app.defaults import ensure_staff
    from app.identity import login_name
    from app.org.first_run import first_site, set_up
    from app.org.organisation import clean_name

    _refuse_user_option(args, url, demo=False)
    flags = (args.site, args.site_name, args.timezone, args.holidays)
    try:  # checked before the database exists: a typo leaves no half-set-up file
        site = first_site(*flags) if any(flags) else None
        organisation = clean_name(args.org) if args.org is not None else None
    except ValidationError as error:
        raise SwitchboardError(_flag_problems(error)) from None
    where = init_database(url)
    engine = open_database(url)
    try:
        admin = login_name(engine)
        admin_id = ensure_staff(engine, admin)  # the creator: its first admin
        set_up(engine, admin_id, organisation=organisation, site=site)
    finally:
        engine.dispose()
    print(f"Created a new Switchboard database at {where}; its admin is {admin}.")
    return EXIT_OK


_FLAGS = {
    "code": "--site",
    "name": "--org",
    "timezone": "--timezone",
    "holiday_country": "--holidays",
    "holiday_subdiv": "--holidays",
}


def _flag_problems(error: ValidationError) -> str:
    """A refused ``init`` in the words of its flags ("--timezone: Unknown time zone...")."""
    return " ".join(f"{_FLAGS.get(f, '--' + f)}: {text}" for f, text in error.problems.items())


def _refuse_user_option(args: argparse.Namespace, url: str, *, demo: bool) -> None:
    """Refuse ``--user`` on a database that ``demo-data`` did not make (see app.startup)."""
    from app.startup import user_option_problem

    problem = user_option_problem(url, demo=demo, username=args.user)
    if problem is not None:
        raise SwitchboardError(problem)


def _cmd_backup(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import backup_database

    target = backup_database(url, args.out)
    print(f"Backed up to {target}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import restore_database

    aside = restore_database(url, args.file)
    print(f"Restored {args.file}.")
    if aside is not None:
        print(f"The previous database was kept as {aside}")
    return EXIT_OK


def _cmd_demo_data(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.demo import DemoSpec, generate, parse_as_of
    from app.identity import login_name

    for name in ("callers", "tickets", "months"):
        if getattr(args, name) < 1:
            raise SwitchboardError(f"--{name} must be at least 1.")
    end = None
    if args.as_of is not None:
        try:
            end = parse_as_of(args.as_of)
        except SwitchboardError as error:
            raise SwitchboardError(f"--as-of: {error}") from None
    engine = open_database(url, create=True)
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 1 or done == total:
            last[0] = now
            print(f"\r{stage}: {done:,}/{total:,}   ", end="", file=sys.stderr, flush=True)

    spec = DemoSpec(
        callers=args.callers, tickets=args.tickets, months=args.months, seed=args.seed, now=end
    )
    operator = login_name(engine, args.user)  # the demo's admin
    summary = generate(engine, spec, progress, operator_username=operator)
    engine.dispose()
    print(file=sys.stderr)
    print(
        f"Generated {summary.tickets:,} tickets, {summary.callers:,} callers, "
        f"{summary.events:,} events and {summary.calls:,} calls in {summary.seconds:.1f} s."
    )
    return EXIT_OK


def _cmd_lookup(args: argparse.Namespace, url: str) -> int:
    import dataclasses
    import json

    from app.callers.lookup import lookup
    from app.db_lifecycle import open_database

    if not 1 <= args.limit <= MAX_LIMIT:
        raise SwitchboardError(f"--limit must be a number from 1 to {MAX_LIMIT}.")
    engine = open_database(url)
    try:
        hits = lookup(engine, args.text, limit=args.limit)
        phones = _phones_of(engine, [hit.id for hit in hits])
    finally:
        engine.dispose()
    if args.json:
        rows = [
            dict(
                dataclasses.asdict(hit),
                id=str(hit.id),
                phones=[{"number": number, "label": label} for number, label in phones[hit.id]],
            )
            for hit in hits
        ]
        text = json.dumps(rows, ensure_ascii=False, indent=2)
        # JSON escapes C0 controls itself; C1 controls (also terminal commands) are escaped
        # here, which is still the same JSON.
        print(re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m[0]):04x}", text))
        return EXIT_OK
    if not hits:
        print(terminal_safe(f"No caller matches {args.text!r}."))
    for hit in hits:
        flags = " ".join(flag for flag, on in (("VIP", hit.vip), ("recent", hit.recent)) if on)
        fields = [hit.name, hit.email or "", hit.department or "", hit.site_code or "", flags]
        print(terminal_safe("  ".join([*fields, f"{hit.matched}: {hit.detail}"])))
        numbers = ", ".join(f"{number} ({label})" for number, label in phones[hit.id])
        print(terminal_safe(f"    phones: {numbers or 'none on record'}"))
    return EXIT_OK


def _phones_of(
    engine: Engine, caller_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, str]]]:
    """Each caller's phone numbers with their labels, ordered as the caller card lists them."""
    from sqlmodel import col, select

    from models.engine import read_connection
    from models.people import CallerPhone

    phones: dict[uuid.UUID, list[tuple[str, str]]] = {caller_id: [] for caller_id in caller_ids}
    if not caller_ids:
        return phones
    statement = (
        select(col(CallerPhone.caller_id), col(CallerPhone.number), col(CallerPhone.label))
        .where(col(CallerPhone.caller_id).in_(caller_ids))
        .order_by(col(CallerPhone.label), col(CallerPhone.number))
    )
    with read_connection(engine) as connection:
        for caller_id, number, label in connection.execute(statement):
            phones[caller_id].append((number, label))
    return phones


def _cmd_import(args: argparse.Namespace, url: str) -> int:
    if args.kind == "assets":
        return _import_assets(args, url)
    from app.callers.csv_import import (
        Field,
        apply_overrides,
        import_callers,
        plan_import,
        read_table,
        suggest_mapping,
        type_columns,
    )
    from app.db_lifecycle import open_database
    from app.identity import login_name
    from app.permissions import staff_id_for

    table = read_table(args.file)
    mapping = apply_overrides(table.headers, suggest_mapping(table.headers), args.map)
    print(f"File:      {table.path}")
    print(f"Encoding:  {table.encoding_label}")
    print(f"Delimiter: {table.delimiter_label}")
    print(f"Header:    line {table.header_line}, {len(table.rows):,} rows below it")
    print("Columns:")
    width = max(len(header) for header in table.headers)
    types = type_columns(table.headers)
    for header in table.headers:
        target = mapping[header]
        shown = target.value
        if target is Field.IGNORE:
            shown = f"(types of {types[header]})" if header in types else "(ignored)"
        print(terminal_safe(f"  {header:<{width}}  -> {shown}"))
    engine = open_database(url)
    try:
        if args.dry_run:
            plan = plan_import(engine, table, mapping, default_site_code=args.site)
            print(f"To create:        {len(plan.creates):,}")
            print(f"To update:        {len(plan.updates):,}")
            print(f"Unchanged:        {plan.unchanged:,}")
            print_row_errors(plan.errors)
            print("Dry run: nothing was written.")
            return EXIT_OK
        actor = staff_id_for(engine, login_name(engine, args.user))  # as in the GUI
        result = import_callers(
            engine, table, mapping, actor, default_site_code=args.site, strict=args.strict
        )
    finally:
        engine.dispose()
    print_row_errors(result.errors)
    print(
        f"Imported: {result.created:,} created, {result.updated:,} updated, "
        f"{result.unchanged:,} unchanged, {result.skipped:,} rows with errors skipped."
    )
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, url: str) -> int:
    from app.db_lifecycle import open_database
    from app.exports import export

    engine = open_database(url)
    try:
        count = export(engine, args.kind, args.out)
    finally:
        engine.dispose()
    print(f"Exported {count:,} {args.kind} to {args.out}")
    return EXIT_OK


def _import_assets(args: argparse.Namespace, url: str) -> int:
    from app.assets.csv_import import (
        AssetField,
        apply_overrides,
        import_assets,
        plan_import,
        read_table,
        suggest_mapping,
    )
    from app.db_lifecycle import open_database
    from app.identity import login_name
    from app.permissions import staff_id_for

    table = read_table(args.file)
    mapping = apply_overrides(suggest_mapping(table.headers), args.map)
    print(f"File:      {table.path} ({table.encoding_label}, {table.delimiter_label}s)")
    print(f"Header:    line {table.header_line}, {len(table.rows):,} rows below it")
    for header, target in mapping.items():
        shown = "(ignored)" if target is AssetField.IGNORE else target.value
        print(terminal_safe(f"  {header} -> {shown}"))
    engine = open_database(url)
    try:
        if args.dry_run:
            plan = plan_import(engine, table, mapping)
            print(f"To add:     {len(plan.creates):,}")
            print(f"To change:  {len(plan.updates):,}")
            print(f"Unchanged:  {plan.unchanged:,}")
            print_row_errors(plan.errors)
            print("Dry run: nothing was written.")
            return EXIT_OK
        actor = staff_id_for(engine, login_name(engine, args.user))
        result = import_assets(engine, table, mapping, actor, strict=args.strict)
    finally:
        engine.dispose()
    print_row_errors(result.errors)
    print(
        f"Imported: {result.created:,} added, {result.updated:,} changed, "
        f"{result.unchanged:,} unchanged, {result.skipped:,} rows with problems skipped."
    )
    return EXIT_OK


def _cmd_call(args: argparse.Namespace, url: str) -> int:
    from app.calls.caller_id import check_number

    try:
        number = check_number(args.number)
    except ValueError as error:
        raise SwitchboardError(str(error)) from None
    # Qt is only needed to reach a running window: imported here, not by app/ modules, and
    # only once the number is known to be worth sending.
    from ui.shell.screen_pop import send_to_running

    if send_to_running(number):
        return EXIT_OK
    from app.startup import start_gui

    return start_gui(url, demo=args.demo, username=args.user, call_number=number)


def _cmd_gui(args: argparse.Namespace, url: str) -> int:
    """One window per user: a second start shows the running one instead."""
    from ui.shell.screen_pop import ENV_NAME, show_running

    if show_running():
        print(
            "switchboard: already running for this user; its window was brought to the front "
            f"(set {ENV_NAME} to a name of your own to run a second one).",
            file=sys.stderr,
        )
        return EXIT_OK
    from app.startup import start_gui

    return start_gui(url, demo=args.demo, username=args.user)


def _cmd_admin(args: argparse.Namespace, url: str) -> int:
    from app.admin_commands import run_admin

    return run_admin(args, url)


def _cmd_roster(args: argparse.Namespace, url: str) -> int:
    from app.roster_commands import run_roster

    return run_roster(args, url)


def _cmd_training(args: argparse.Namespace, url: str) -> int:
    from app.training_commands import run_training

    return run_training(args, url)


def _cmd_maintenance(args: argparse.Namespace, url: str) -> int:
    from app.maintenance_commands import run_maintenance

    return run_maintenance(args, url)


def _cmd_report(args: argparse.Namespace, url: str) -> int:
    from app.report_commands import run_report

    return run_report(args, url)


def _cmd_problems(args: argparse.Namespace, url: str) -> int:
    from app.problem_commands import run_problems

    return run_problems(args, url)


def _cmd_vendors(args: argparse.Namespace, url: str) -> int:
    from app.vendor_commands import run_vendors

    return run_vendors(args, url)


def _cmd_escalation_pack(args: argparse.Namespace, url: str) -> int:
    from app.vendor_commands import run_escalation_pack

    return run_escalation_pack(args, url)


COMMANDS: dict[str, Callable[[argparse.Namespace, str], int]] = {
    "check": _cmd_check,
    "init": _cmd_init,
    "backup": _cmd_backup,
    "restore": _cmd_restore,
    "demo-data": _cmd_demo_data,
    "lookup": _cmd_lookup,
    "import": _cmd_import,
    "export": _cmd_export,
    "call": _cmd_call,
    "admin": _cmd_admin,
    "roster": _cmd_roster,
    "training": _cmd_training,
    "maintenance": _cmd_maintenance,
    "report": _cmd_report,
    "problems": _cmd_problems,
    "vendors": _cmd_vendors,
    "escalation-pack": _cmd_escalation_pack,
}


def _run_command(args: argparse.Namespace, url: str) -> int:
    """Run the command; where the server refuses the log-in for want of a password, run it
    again once with the keyring's, or with one asked for where a person is at the terminal."""
    command = COMMANDS[args.command]
    try:
        return command(args, url)
    except Exception as error:
        from app.server_password import kept_password_for
        from models.errors import password_wanted

        password = kept_password_for(url, error)
        if password is None:
            at_terminal = sys.stdin.isatty() and config.asks_for_password(url)
            if not (at_terminal and password_wanted(error)):
                raise
            import getpass

            password = getpass.getpass("Password for your database login: ")
    from models.engine import with_password

    return command(args, with_password(url, password))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``switchboard`` and ``python -m app``."""
    from app.logging_setup import setup_logging

    args = build_parser().parse_args(argv)
    setup_logging(verbose=args.verbose, to_stderr=args.command is not None)
    url = config.database_url(args.db, demo=args.demo)
    try:
        if args.command is None:
            return _cmd_gui(args, url)
        return _run_command(args, url)
    except (DatabaseError, SwitchboardError) as error:
        print(f"switchboard: {terminal_safe(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:
        # The world around the program (disk full, no permission, a damaged page met while
        # writing): one line that says what to do. Anything else is a bug: its traceback.
        problem = environment_problem(error)
        if problem is None:
            raise
        log.info("%s failed: %s", args.command or "start-up", error)
        print(f"switchboard: {problem}", file=sys.stderr)
        return EXIT_USAGE
