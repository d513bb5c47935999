"""Where the database and logs live: ``--db``, then ``SWITCHBOARD_DB``, then the user data dir."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "switchboard"
ENV_DB = "SWITCHBOARD_DB"
DEFAULT_FILE = "switchboard.db"
DEMO_FILE = "demo.db"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The user's settings folder: window layout, remembered between runs."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def to_url(value: str) -> str:
    """Accept a database URL or a plain file path (relative to the working directory)."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def database_url(
    cli_value: str | None = None, *, demo: bool = False, env: Mapping[str, str] | None = None
) -> str:
    """The database to open, by precedence: command line, environment, default file.

    ``--demo`` without an explicit database uses a separate demo file, so trying the program
    never mixes made-up tickets into the real database.
    """
    environment = os.environ if env is None else env
    if cli_value:
        return to_url(cli_value)
    if not demo and environment.get(ENV_DB):
        return to_url(environment[ENV_DB])
    return to_url(str(data_dir() / (DEMO_FILE if demo else DEFAULT_FILE)))


def asks_for_password(url: str) -> bool:
    """Whether a refused log-in on ``url`` is worth asking a password for: a server URL
    that carries none (so libpq found none in ~/.pgpass either). Read without SQLAlchemy:
    the window asks this before the database layer is loaded."""
    from urllib.parse import urlsplit

    return not url.startswith("sqlite") and urlsplit(url).password is None


def current_username() -> str:
    """The login name of the person at this workstation."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def program_version() -> str:
    """The installed version, for ``--version`` and the About box."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("switchboard")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "(development version)"
