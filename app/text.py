"""Text cut to fit: a column's length, a PDF line, an event's value."""

from __future__ import annotations

ELLIPSIS = "…"


def shortened(text: str, most: int) -> str:
    """``text`` as it is when it fits in ``most`` characters, else cut with an ellipsis
    so that it does."""
    return text if len(text) <= most else text[: most - 1] + ELLIPSIS
