"""Logging to a rotating file in the user log directory (and stderr for the CLI)."""

from __future__ import annotations

import logging
import logging.handlers
from io import TextIOWrapper
from pathlib import Path

from app.config import log_dir
from models.private_files import create_file, make_folder

LOG_FILE = "switchboard.log"


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log readable by its owner only: the log names callers and tickets."""

    def _open(self) -> TextIOWrapper:
        path = Path(self.baseFilename)
        if not path.exists():
            create_file(path)
        return super()._open()


_installed: list[logging.Handler] = []


def remove_logging() -> None:
    """Take away what :func:`setup_logging` installed. Its console handler writes to the
    ``sys.stderr`` of the moment; one left behind after that stream closed (a test's captured
    output) would fail on every later warning."""
    root = logging.getLogger()
    for old in _installed:
        root.removeHandler(old)
        old.close()
    _installed.clear()


def setup_logging(*, verbose: bool = False, to_stderr: bool = False) -> Path | None:
    """Configure the root logger; returns the log file path, or None if it cannot be written.
    Calling it again replaces what it installed before (the CLI's tests call ``main`` many
    times in one process)."""
    remove_logging()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    path: Path | None = log_dir() / LOG_FILE
    try:
        assert path is not None
        make_folder(path.parent)
        handler: logging.Handler = _PrivateFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(formatter)
        root.addHandler(handler)
        _installed.append(handler)
    except OSError:
        path = None
    if to_stderr:
        console = logging.StreamHandler()
        console.setLevel(logging.DEBUG if verbose else logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        root.addHandler(console)
        _installed.append(console)
    return path
