"""app/ and models/ never import Qt: every use case runs and is tested without a window."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_app_and_models_import_no_pyside6() -> None:
    modules = [
        info.name
        for package in ("app", "models")
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")
    ]
    assert "app.tickets.actions" in modules and "models.tickets" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'ui'})\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


def test_no_source_line_in_app_or_models_imports_pyside6() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("app", "models")
        for path in (ROOT / package).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.strip().startswith(("import PySide6", "from PySide6"))
    ]
    assert offenders == []


def test_the_window_can_show_before_the_database_layer_is_imported() -> None:
    """What runs before the first paint must not pull in SQLAlchemy: that import is most of
    the start-up time, so it happens on a worker thread while the window is on screen. Nor
    the sqlite3 driver or the widget kit, which only the opened database needs."""
    code = (
        "import sys\n"
        "import app.cli, app.startup, ui.shell.application, ui.shell.main_window\n"
        "import ui.kit.errors, ui.shell.startup_probe\n"
        "app.cli.build_parser()  # every start parses its command line, every command's too\n"
        "heavy = {'sqlalchemy', 'sqlmodel', 'sqlite3', 'ui.kit.widgets'}\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_no_ui_module_handles_database_exceptions_itself() -> None:
    """Pages show failures through ui.kit.errors, which asks the data layer what an error
    means; a page that caught SQLAlchemy's exceptions would be a second error path."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "ui").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "SQLAlchemyError" in line or "sqlalchemy.exc" in line or "sqlalchemy import exc" in line
    ]
    assert offenders == []
