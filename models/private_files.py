"""Files and folders that hold callers' personal data: readable by their owner only.

Databases, backups and logs are created 0600 in folders created 0700, whatever the umask. The
one exception is a folder set up on purpose for several OS accounts of one team: a
group-writable folder with the set-group-id bit (``chmod 2770``). Files and folders made
there are 0660 / 2770, so every member of the folder's group can open them, and they keep
the folder's group (the set-group-id bit makes the system give them that group).
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
GROUP_FILE = 0o660
GROUP_FOLDER = 0o2770
_PARTIAL = re.compile(r"\.partial-(\d+)$")


def shared_with_group(folder: Path) -> bool:
    """True for a folder deliberately shared by a team: set-group-id and group-writable."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_ISGID) and bool(mode & stat.S_IWGRP)


def file_mode(folder: Path) -> int:
    return GROUP_FILE if shared_with_group(folder) else PRIVATE_FILE


def make_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents as private (or team) folders; folders that
    already exist keep their own permissions (they are the user's to set)."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        mode = GROUP_FOLDER if shared_with_group(path.parent) else PRIVATE_FOLDER
        try:
            path.mkdir(mode=mode)
        except FileExistsError:
            if not path.is_dir():
                raise
            continue
        os.chmod(path, mode)  # mkdir's mode is filtered by the umask


def create_file(path: Path) -> None:
    """Create ``path`` empty with the mode its folder calls for; refuses an existing file
    (a new database or backup never replaces anything)."""
    mode = file_mode(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(descriptor, mode)  # the umask may have taken bits the folder wants
    finally:
        os.close(descriptor)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host. Outside POSIX it is assumed to."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_partials(folder: Path) -> None:
    """Remove what killed writers left behind: ``.partial-<pid>`` files whose process is
    gone (a file still being written by a running process is left alone)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        match = _PARTIAL.search(entry.name)
        if match and not process_alive(int(match[1])):
            entry.unlink(missing_ok=True)
            log.info("Removed %s, left by an interrupted backup or creation", entry)


@contextmanager
def new_file_beside(target: Path) -> Iterator[Path]:
    """A new, empty, private file next to ``target`` (``NAME.partial-PID``) to write in
    full and then move into place, so ``target`` never holds a half-written file. It is
    removed if it is still there when the block ends (the writing failed)."""
    make_folder(target.parent)
    remove_stale_partials(target.parent)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    create_file(partial)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)
