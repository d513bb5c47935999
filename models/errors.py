"""The data layer's errors, and the words for failures of the world around the program.

Importable without loading SQLAlchemy (the window shows first); the SQLAlchemy exception
classes are looked at only once an error has actually arrived.
"""

from __future__ import annotations

import errno


class DatabaseError(Exception):
    """A database problem a person can act on (wrong path, damaged file, newer schema...)."""


DAMAGED = (
    "The database file is damaged, so nothing was read or saved. Stop using this copy: run "
    "'switchboard check' to see the damage, then 'switchboard restore FILE' with a backup "
    "(Switchboard keeps them in the 'backups' folder next to the database)."
)
DISK_FULL = (
    "The disk holding the database is full, so nothing was saved. Free some space (or ask "
    "your administrator to), then try again."
)
LOCKED = (
    "The database is busy: another program or workstation is writing to it and did not "
    "finish in time. Nothing was saved; try again in a moment."
)
READ_ONLY = (
    "The database cannot be written: the file or its folder is read-only for your account. "
    "Nothing was saved; ask your administrator to fix the file's permissions."
)
CANNOT_OPEN = (
    "The database file cannot be opened: it or its folder is missing, or your account may "
    "not use it. Check the path (--db or SWITCHBOARD_DB) and the file's permissions."
)
SERVER_GONE = (
    "The database server did not answer, so nothing was read or saved. Check the network "
    "connection to the server and try again; if it keeps failing, tell your administrator."
)
NO_ANSWER = (
    "The database did not answer, so nothing was read or saved. Try again in a moment; if it "
    "keeps failing, tell your administrator."
)

NO_PASSWORD = (
    "The database server asks for your password. Keep it in your libpq password file "
    "(~/.pgpass, one line host:port:database:user:password, readable only by you), or start "
    "Switchboard from its window or a terminal to be asked for it."
)
WRONG_PASSWORD = (
    "The database server refused the password of your login. Check it (in ~/.pgpass, if it "
    "is kept there), or ask an admin to set a new one with 'switchboard admin set-password'."
)
LOGIN_STOPPED = (
    "The database server does not let your login connect: an admin has deactivated your "
    "account. Ask an admin to make it active again."
)
NO_LOGIN = (
    "The database server has no login of that name. Check the user name in --db (or "
    "SWITCHBOARD_DB), or ask an admin to add you with 'switchboard admin add-staff'."
)

# Phrases of SQLite's and PostgreSQL's messages, with what they mean for the person at the
# keyboard; the first phrase found in the error's text wins.
_PHRASES = (
    ("malformed", DAMAGED),
    ("file is not a database", DAMAGED),
    ("database disk image", DAMAGED),
    ("database or disk is full", DISK_FULL),
    ("no space left", DISK_FULL),
    ("database is locked", LOCKED),
    ("database table is locked", LOCKED),
    ("readonly database", READ_ONLY),
    ("unable to open database file", CANNOT_OPEN),
    ("read-only", READ_ONLY),
    # A refused log-in also reads "connection failed": the reason comes first.
    ("no password supplied", NO_PASSWORD),
    ("password authentication failed", WRONG_PASSWORD),
    ("is not permitted to log in", LOGIN_STOPPED),
    ('role "', NO_LOGIN),  # 'role "x" does not exist': refused at log-in
    ("connection", SERVER_GONE),
    ("server closed", SERVER_GONE),
    ("terminating", SERVER_GONE),
)


def environment_problem(error: BaseException) -> str | None:
    """What went wrong around the program, in words a person can act on; None when
    ``error`` is not a problem of the environment (it is then a bug, or bad input that the
    code raising it explains itself).

    Environment problems are the database file or server (damaged, locked, full, read-only,
    unreachable) and the file system (disk full, no permission)."""
    if isinstance(error, OSError):
        return _os_problem(error)
    import sqlite3  # loaded by now if the error is one of its own

    if isinstance(error, sqlite3.Error):  # met outside SQLAlchemy: backups, checks
        return _phrase_problem(str(error).lower(), None)
    from sqlalchemy import exc

    if not isinstance(error, exc.OperationalError | exc.InterfaceError):
        if isinstance(error, exc.DatabaseError) and "malformed" in str(error).lower():
            return DAMAGED  # SQLite reports a damaged page under several error classes
        return None
    text = str(error.orig if error.orig is not None else error).lower()
    if error.connection_invalidated:
        return SERVER_GONE
    return _phrase_problem(text, NO_ANSWER)


def password_wanted(error: BaseException) -> bool:
    """Whether the server refused the log-in for want of a (right) password: worth asking
    the person for it, once, where someone is there to type it."""
    return environment_problem(error) in (NO_PASSWORD, WRONG_PASSWORD)


def _phrase_problem(text: str, otherwise: str | None) -> str | None:
    return next((meaning for phrase, meaning in _PHRASES if phrase in text), otherwise)


def _os_problem(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return DISK_FULL
    where = f" ({error.filename})" if error.filename else ""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"Switchboard may not read or write a file it needs{where}. Ask your "
            "administrator to fix its permissions; nothing was saved."
        )
    reason = error.strerror or str(error)
    return f"A file could not be read or written{where}: {reason}. Nothing was saved."
