"""What the commands print and read: data made safe for a terminal, the rows a file could
not give (the same way for every import), and a date typed as an option."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from datetime import date

# Control characters (C0 but tab, DEL, C1) in data printed to a terminal: imported text
# could otherwise move the cursor, recolour or retitle the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
ERRORS_PRINTED = 20


def terminal_safe(text: str) -> str:
    """``text`` with control characters shown as ``?``, for printing data to a terminal."""
    return _CONTROL.sub("?", text)


def print_row_errors(errors: Sequence[object]) -> None:
    """How many rows had problems, and the first of them (each "Line N: why")."""
    print(f"Rows with errors: {len(errors):,}")
    for error in errors[:ERRORS_PRINTED]:
        print(terminal_safe(f"  {error}"))
    if len(errors) > ERRORS_PRINTED:
        print(f"  ... and {len(errors) - ERRORS_PRINTED:,} more")


def day_option(text: str) -> date:
    """A --from/--to date; argparse turns the error into a one-line usage message."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30"
        ) from None
