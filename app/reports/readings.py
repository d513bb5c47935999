"""The summary page's key figures: each one's value now and in the period before, the change,
and a one-line reading a manager can repeat ("MTTR up 18 % — driven by P3 Network tickets").

A reading names a driver where one can be found: for a mean time, the group of tickets
(priority and top-level category) whose share of the mean moved most in the direction the
mean moved; for volume, the category whose count moved most.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from app.reports.measures import Share, Times
from app.reports.tickets import Summary
from app.reports.times import Durations


@dataclass(frozen=True)
class KeyFigure:
    name: str
    now: str
    before: str
    change: str  # "+12 %", "-3.0 pts", "" when either side has nothing to measure
    reading: str
    key: str = ""  # what it measures, for code: "volume", "mttr"... (see KEYS)


KEYS = (
    "volume",
    "backlog",
    "fcr",
    "flr",
    "mtta",
    "mttr",
    "sla_response",
    "sla_resolution",
    "reopen",
    "escalation_functional",
    "escalation_hierarchical",
    "repeat",
)


def count_text(value: int) -> str:
    return f"{value:,}"


def percent_text(share: Share) -> str:
    return "–" if share.percent is None else f"{share.percent:.1f} %"


def hours_text(hours: float | None) -> str:
    """Hours as a person reads them: minutes under an hour, days over two."""
    if hours is None:
        return "–"
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def key_figures(now: Summary, before: Summary) -> tuple[KeyFigure, ...]:
    """The summary page's rows, in the order the design notes list the figures."""
    figures = (
        _count_figure(
            "Volume (tickets created)", now.volume, before.volume, _volume_driver(now, before)
        ),
        _count_figure("Backlog at the period's end", now.backlog, before.backlog, ""),
        _share_figure("First contact resolution (FCR)", now.fcr, before.fcr),
        _share_figure("First level resolution (FLR)", now.flr, before.flr),
        _times_figure(
            "Mean time to acknowledge (MTTA)",
            now.mtta,
            before.mtta,
            _driver(now.acknowledged, before.acknowledged),
        ),
        _times_figure(
            "Mean time to resolve (MTTR)",
            now.mttr,
            before.mttr,
            _driver(now.resolved, before.resolved),
        ),
        _share_figure("SLA compliance, response", now.sla_response, before.sla_response),
        _share_figure("SLA compliance, resolution", now.sla_resolution, before.sla_resolution),
        _share_figure("Reopen rate", now.reopen, before.reopen, higher_is_better=False),
        _share_figure(
            "Escalation rate, functional (to another team)",
            now.escalated_functional,
            before.escalated_functional,
            higher_is_better=False,
        ),
        _share_figure(
            "Escalation rate, hierarchical (flagged to a manager)",
            now.escalated_hierarchical,
            before.escalated_hierarchical,
            higher_is_better=False,
        ),
        _share_figure("Repeat incidents", now.repeat, before.repeat, higher_is_better=False),
    )
    return tuple(replace(f, key=key) for f, key in zip(figures, KEYS, strict=True))


def _direction(change: float) -> str:
    return "up" if change > 0 else "down" if change < 0 else "unchanged"


def _count_figure(name: str, now: int, before: int, driver: str) -> KeyFigure:
    if not before:
        return KeyFigure(
            name, count_text(now), count_text(before), "", f"{name.split(' (')[0]} {now:,}"
        )
    change = 100.0 * (now - before) / before
    short = name.split(" (")[0]
    if not round(change):  # under half a per cent either way: no driver to name
        return KeyFigure(name, count_text(now), count_text(before), "0 %", f"{short} unchanged")
    reading = f"{short} {_direction(change)} {abs(change):.0f} %{driver}"
    return KeyFigure(name, count_text(now), count_text(before), f"{change:+.0f} %", reading)


def _share_figure(
    name: str, now: Share, before: Share, *, higher_is_better: bool = True
) -> KeyFigure:
    short = name.split(" (")[0]
    if now.percent is None:
        return KeyFigure(
            name, "–", percent_text(before), "", f"No tickets to measure {short.lower()} on"
        )
    if before.percent is None:
        return KeyFigure(
            name,
            percent_text(now),
            "–",
            "",
            f"{short} {now.percent:.1f} % ({now.part:,} of {now.whole:,})",
        )
    points = now.percent - before.percent
    if abs(points) < 0.05:
        verdict = "unchanged"
    else:
        better = (points > 0) == higher_is_better
        verdict = (
            f"{_direction(points)} {abs(points):.1f} points ({'better' if better else 'worse'})"
        )
    return KeyFigure(
        name,
        percent_text(now),
        percent_text(before),
        f"{points:+.1f} pts" if verdict != "unchanged" else "0.0 pts",
        f"{short} {verdict}: {now.part:,} of {now.whole:,}",
    )


def _times_figure(name: str, now: Times, before: Times, driver: str) -> KeyFigure:
    short = name.split("(")[-1].rstrip(")")
    shown = f"{hours_text(now.mean)} (median {hours_text(now.median)})"
    previous = f"{hours_text(before.mean)} (median {hours_text(before.median)})"
    if now.mean is None or not before.mean:
        return KeyFigure(name, shown, previous, "", f"{short} over {now.count:,} tickets")
    change = 100.0 * (now.mean - before.mean) / before.mean
    if not round(change):
        return KeyFigure(name, shown, previous, "+0 %", f"{short} unchanged")
    reading = f"{short} {_direction(change)} {abs(change):.0f} %{driver}"
    return KeyFigure(name, shown, previous, f"{change:+.0f} %", reading)


def _driver(now: Durations, before: Durations) -> str:
    """The group whose part of the mean (its hours over every ticket's count) moved most in
    the direction the mean moved."""
    now_mean, before_mean = now.overall.mean, before.overall.mean
    if now_mean is None or before_mean is None or now_mean == before_mean:
        return ""
    parts: dict[str, float] = defaultdict(float)
    for group, (hours, _count) in now.by_group.items():
        parts[group] += hours / now.overall.count
    for group, (hours, _count) in before.by_group.items():
        parts[group] -= hours / before.overall.count
    rising = now_mean > before_mean
    group, moved = max(parts.items(), key=lambda item: item[1] if rising else -item[1])
    return f" — driven by {group} tickets" if (moved > 0) == rising and moved else ""


def _volume_driver(now: Summary, before: Summary) -> str:
    counts: dict[str, int] = defaultdict(int)
    for name, count in now.volume_by_category:
        counts[name] += count
    for name, count in before.volume_by_category:
        counts[name] -= count
    if not counts or now.volume == before.volume:
        return ""
    rising = now.volume > before.volume
    name, moved = max(counts.items(), key=lambda item: item[1] if rising else -item[1])
    if not moved or (moved > 0) != rising:
        return ""
    return f" — most in {name} ({moved:+,})"
