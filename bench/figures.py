"""Timing an action and printing its figure, as the benchmarks of the pages (assets, roster,
maintenance) print theirs: one JSON object per figure, the median of warm runs in
milliseconds, their range, and the baseline's median measured in the same run."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(
    action: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None
) -> list[float]:
    """``repeat`` timings of ``action`` in milliseconds, after one untimed warm run;
    ``before`` (untimed) runs ahead of each, to set the same scene every time."""
    action()
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, ours: list[float], base: list[float] | None, **extra: Any) -> None:
    """Print the figure ``name``: the median of ``ours``, its range and the median of the
    baseline ``base`` (None: the figure has none), with ``extra`` fields."""
    figure: dict[str, Any] = {
        "name": name,
        "unit": "ms",
        "value": round(statistics.median(ours), 2),
        "range": [round(min(ours), 2), round(max(ours), 2)],
    }
    if base is not None:
        figure["baseline_raw"] = round(statistics.median(base), 2)
    figure.update(extra)
    print(json.dumps(figure), flush=True)
