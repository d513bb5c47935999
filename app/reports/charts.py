"""The monthly report's charts: matplotlib figures that read well printed in black and white,
for the PDF (as platypus flowables) and for the Reports page (as PNG bytes).

Why they look the way they do:

- The report is printed on office printers, mostly in black and white, so no chart tells
  series apart by colour alone: bars carry their value at their end, the two periods of a
  comparison differ by fill and hatch, the trend's lines by dash and marker, and the heat
  map prints its numbers in its cells (white on dark cells).
- The words are in the DejaVu Sans that the PDF embeds (:mod:`app.paper`), from Switchboard's
  own copy of the font: names such as "Łukasz Nowak" and "Ngọc" render, and the charts match
  the text around them. Every text is given the font file itself (not a family name, which
  matplotlib would resolve to the copy it bundles) just before the figure is drawn.
- Sizes are in points: a chart is as wide as the text of an A4 or Letter page (180 mm) and
  its fonts are 7-8 pt, the size of the report's tables, so nothing is scaled on paper.
- The layout is computed from the measured width of the words (reportlab measures them with
  the same font file) instead of matplotlib's constrained layout: it is faster and puts the
  value labels exactly where there is room for them.
- Only matplotlib's ``Figure`` with the Agg canvas is used, never pyplot: no global state,
  so a chart can be drawn in a worker thread while the window runs, and figures never pile
  up in a pyplot registry. No rcParams are changed for the same reason: every style is set
  on the figure itself.
- Empty data (no labels, all zeros) gives an empty frame saying "No tickets in this period"
  instead of an error: a quiet month at a small site is normal.

matplotlib is slow to import (most of a second): this module is imported only when a report
is made or shown, never at program start (see design.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator
from PIL import Image as PilImage
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Image

from app.paper import BOLD, MUTED, REGULAR, RULE, TEXT, find_font, register_fonts

__all__ = [
    "DPI",
    "EMPTY",
    "WIDTH",
    "age_buckets",
    "as_flowable",
    "as_png",
    "bar_chart",
    "grouped_bars",
    "heat_map",
    "trend_chart",
]

# -- sizes, in points -----------------------------------------------------------------------
WIDTH = 180 * mm  # the text width of an A4 page (182 mm) and of a Letter page (188 mm)
DPI = 300  # printers' resolution: lines and 7 pt words stay sharp on paper
SIZE, TITLE_SIZE = 7.0, 8.0
TITLE_BAND = 18.0  # the title's line above the plot, with the legend beside it
EDGE = 3.0  # white kept around the figure's edges
ROW = 15.0  # a bar's row in a bar chart: the bar and the gap to the next one
EMPTY_ROWS = 4  # the height, in bars, of a bar chart with nothing to show
LABEL_SHARE = 0.32  # of the width, at most, for a bar chart's labels: longer ones are cut
EMPTY = "No tickets in this period"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _hex(colour: colors.Color) -> str:
    """A reportlab colour as matplotlib wants it: the PDF's inks are the charts' inks."""
    return "#" + colour.hexval()[2:]


INK, GREY, LIGHT = _hex(TEXT), _hex(MUTED), _hex(RULE)
BAR = "#90a4ae"  # one series: mid grey, dark enough to see, light enough for a black edge
PREVIOUS = "white"  # the period compared with: white under a hatch of INK
# the trend's three series, told apart by fill, dash and marker, drawn and in the legend:
# light bars in the background of a solid line with squares and a dashed one with rings
_VOLUME: dict[str, Any] = {"facecolor": "#dfe4e7", "edgecolor": GREY, "linewidth": 0.4}
_BACKLOG: dict[str, Any] = {"color": INK, "linewidth": 1.2, "marker": "s", "markersize": 3.6}
_SLA: dict[str, Any] = {
    "color": INK,
    "linewidth": 1.0,
    "linestyle": (0, (4, 2)),
    "marker": "o",
    "markersize": 3.6,
    "markerfacecolor": "white",
    "markeredgewidth": 1.0,
}
HEAT = LinearSegmentedColormap.from_list("switchboard-greys", ["#f4f6f7", "#1c2529"])


# -- the charts -----------------------------------------------------------------------------
def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    value_format: str = "{:,.0f}",
    width: float = WIDTH,
) -> Figure:
    """Horizontal bars in the order given (the caller sorts: volume by category, channel,
    priority or site, top recurring callers or assets), each with its value at its end
    (``value_format``, e.g. ``"{:,.0f}"`` or ``"{:.1f} h"``), the value axis left out since
    the labels say it. ``width`` is in points; the height grows with the number of bars."""
    return _horizontal(title, labels, [_Series("", values, BAR, "")], value_format, width)


def grouped_bars(
    title: str,
    labels: Sequence[str],
    current: Sequence[float],
    previous: Sequence[float],
    *,
    names: tuple[str, str] = ("This period", "Previous period"),
    value_format: str = "{:,.0f}",
    width: float = WIDTH,
) -> Figure:
    """This period against the previous one per label: two bars per label, this period's
    filled grey above the previous period's hatched white (a difference that survives a
    black-and-white printer), each with its value, and a legend naming them (``names``)."""
    series = [
        _Series(names[0], current, BAR, ""),
        _Series(names[1], previous, PREVIOUS, "//////"),
    ]
    return _horizontal(title, labels, series, value_format, width)


def age_buckets(
    title: str,
    labels: Sequence[str],
    counts: Sequence[int],
    *,
    width: float = WIDTH,
    height: float = 55 * mm,
) -> Figure:
    """The backlog by age (``labels`` such as "<1 d", "1-3 d", "3-7 d", "7-30 d", ">30 d"):
    upright columns, because the buckets are ordered left to right like a time axis, each
    with its count on top."""
    _same_length(labels, counts)
    figure, axes = _frame(title, width, height)
    if not any(counts):
        return _empty(figure, axes)
    top = max(counts)
    label_room = SIZE + 6  # the count above the tallest column
    bottom = 2 * SIZE + EDGE
    plot_height = height - TITLE_BAND - bottom
    _place(figure, axes, left=EDGE + 4, right=EDGE + 4, top=TITLE_BAND, bottom=bottom)
    bars = axes.bar(range(len(counts)), counts, width=0.55, color=BAR, edgecolor=INK, lw=0.5)
    axes.bar_label(bars, labels=[f"{count:,}" for count in counts], padding=2, **_words())
    axes.set_ylim(0, top * plot_height / (plot_height - label_room))
    axes.set_xticks(range(len(labels)), labels=list(labels))
    axes.yaxis.set_major_locator(NullLocator())
    _plain(axes, keep=("bottom",))
    return _finished(figure)


def heat_map(title: str, counts: Sequence[Sequence[int]], *, width: float = WIDTH) -> Figure:
    """Tickets created per weekday (rows Monday to Sunday) and hour (columns 0 to 23): a
    grey square per hour, darker for more, with its number printed in it (white on the dark
    ones, "1.2k" where a full number would not fit; an hour without tickets is left blank)
    so the figure is read, not guessed from shades."""
    rows = [list(row) for row in counts]
    if rows and (len(rows) != 7 or any(len(row) != 24 for row in rows)):
        raise ValueError("a heat map needs 7 rows (Monday to Sunday) of 24 hours each")
    left, right, bottom = 24.0, EDGE + 2, 2 * SIZE + 10
    cell = (width - left - right) / 24
    height = TITLE_BAND + 7 * cell + bottom + EDGE
    figure, axes = _frame(title, width, height)
    if not any(any(row) for row in rows):
        return _empty(figure, axes)
    _place(figure, axes, left=left, right=right, top=TITLE_BAND, bottom=bottom)
    grid = np.array(rows, dtype=float)
    shade = Normalize(vmin=0, vmax=float(grid.max()))
    axes.pcolormesh(grid, cmap=HEAT, norm=shade, edgecolors="white", linewidth=0.8)
    axes.set_ylim(7, 0)  # Monday on top
    for day, row in enumerate(rows):
        for hour, count in enumerate(row):
            words = _count_text(count, cell - 3)
            if words:
                dark = shade(count) > 0.5
                axes.text(
                    hour + 0.5,
                    day + 0.5,
                    words,
                    ha="center",
                    va="center",
                    **_words(color="white" if dark else INK),
                )
    axes.set_yticks([day + 0.5 for day in range(7)], labels=list(WEEKDAYS))
    axes.set_xticks([hour + 0.5 for hour in range(24)], labels=[f"{h:02d}" for h in range(24)])
    axes.set_xlabel("Hour of the day", **_words(color=GREY), labelpad=2)
    _plain(axes, keep=())
    return _finished(figure)


def trend_chart(
    title: str,
    months: Sequence[str],
    volume: Sequence[int],
    backlog: Sequence[int],
    sla_percent: Sequence[float | None],
    *,
    width: float = WIDTH,
    height: float = 75 * mm,
) -> Figure:
    """Twelve months (labels such as "Dec 2025"): tickets created as light bars, the
    backlog at each month's end as a solid line with square markers (both on the left axis,
    in tickets), and SLA compliance as a dashed line with round markers on a 0-100 % axis at
    the right. A month with no resolved ticket has no SLA figure (``None``): the line has a
    gap there rather than a made-up zero. The last point of each line carries its value."""
    _same_length(months, volume, backlog, sla_percent)
    figure, axes = _frame(title, width, height)
    sla = np.array([math.nan if p is None else p for p in sla_percent], dtype=float)
    known = np.flatnonzero(~np.isnan(sla))  # the months with an SLA figure
    if not any(volume) and not any(backlog) and not known.size:
        return _empty(figure, axes)
    # headroom: the bars end below three quarters of the height, under the SLA line, which
    # mostly runs between 80 and 100 %
    top = max(max(volume), max(backlog))
    counts = MaxNLocator(nbins=5, integer=True)
    ticks = counts.tick_values(0, top * 1.3 if top else 1)
    left = max(_width(f"{tick:,.0f}") for tick in ticks) + 8  # room for the widest count
    right = 30.0
    _place(figure, axes, left=left, right=right, top=TITLE_BAND, bottom=2 * SIZE + 10)
    count = len(months)
    slots = np.arange(count)
    ends: list[tuple[Axes, float, float, str]] = [
        (axes, count - 1, backlog[-1], f"{backlog[-1]:,}")
    ]
    room = max(_width(words) for words in ("100 %", ends[0][3])) + 8
    plot_width = width - left - right
    extra = room * count / (plot_width - room)  # data units to the right for the labels
    axes.set_xlim(-0.6, count - 0.4 + extra)
    axes.bar(slots, volume, width=0.6, zorder=1, **_VOLUME)
    axes.plot(slots, backlog, zorder=3, **_BACKLOG)
    axes.set_ylim(0, top * 1.3 if top else 1)
    axes.yaxis.set_major_locator(counts)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.grid(axis="y", color=LIGHT, linewidth=0.4)
    axes.set_axisbelow(True)
    axes.set_xticks(slots, labels=_month_labels(months, plot_width / (count + extra)))
    _plain(axes, keep=("bottom",))

    percent = axes.twinx()
    percent.plot(slots, sla, zorder=4, **_SLA)
    percent.set_ylim(0, 105)
    percent.yaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))
    percent.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f} %"))
    _plain(percent, keep=())

    if known.size:  # the SLA line's last point, which may be before the last month
        last = float(sla[known[-1]])
        ends.append((percent, float(known[-1]), last, f"{last:.0f} %"))
    _label_ends(ends)
    axes.legend(
        handles=[
            Patch(label="Tickets created", **_VOLUME),
            Line2D([], [], label="Backlog at month end", **_BACKLOG),
            Line2D([], [], label="SLA met (right axis)", **_SLA),
        ],
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        bbox_transform=axes.transAxes,
        ncols=3,
        frameon=False,
        borderaxespad=0.4,
        handlelength=2.6,
        columnspacing=1.4,
        prop={"size": SIZE},
        labelcolor=INK,
    )
    return _finished(figure)


# -- for the PDF and the screen -------------------------------------------------------------
def as_png(figure: Figure, *, dpi: int = DPI, grey: bool = False) -> bytes:
    """The chart as PNG bytes (for the Reports page, or a file), without transparency.
    ``grey`` keeps one channel: the charts are drawn in grey, so it loses nothing and makes
    the PDF three times smaller and quicker to write."""
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):  # a Qt canvas showing it is Agg already
        canvas = FigureCanvasAgg(figure)
    shown_at = figure.dpi
    figure.set_dpi(dpi)
    try:
        pixels, size = canvas.print_to_buffer()
    finally:
        figure.set_dpi(shown_at)
    picture = PilImage.frombuffer("RGBA", size, pixels, "raw", "RGBA", 0, 1)
    out = BytesIO()
    picture.convert("L" if grey else "RGB").save(out, format="PNG", compress_level=1)
    return out.getvalue()


def as_flowable(figure: Figure, *, dpi: int = DPI) -> Image:
    """The chart for a platypus story: a grey PNG at ``dpi`` in an ``Image`` sized in points
    as the figure is, so its 7 pt words print at 7 pt. Left-aligned with the text."""
    width, height = figure.get_figwidth() * 72, figure.get_figheight() * 72
    image = Image(BytesIO(as_png(figure, dpi=dpi, grey=True)), width=width, height=height)
    image.hAlign = "LEFT"
    return image


# -- shared drawing -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Series:
    """One bar per label in a horizontal chart: its name (for the legend), values and look."""

    name: str
    values: Sequence[float]
    fill: str
    hatch: str


def _horizontal(
    title: str,
    labels: Sequence[str],
    series: list[_Series],
    value_format: str,
    width: float,
) -> Figure:
    """Bars across, one group per label top to bottom, one bar per series in each group,
    every bar with its value at its end: the one drawing behind both bar charts."""
    _same_length(labels, *(one.values for one in series))
    # a group is ``row`` points tall in every chart, so bars are as thick in a list of three
    # priorities as in the top ten callers; the height follows the number of labels
    row = ROW * (1 + 0.6 * (len(series) - 1))
    numbers = [value for one in series for value in one.values]
    drawn = bool(numbers) and max(numbers) > 0
    height = TITLE_BAND + (len(labels) if drawn else EMPTY_ROWS) * row + EDGE
    figure, axes = _frame(title, width, height)
    if not drawn:
        return _empty(figure, axes)
    names = [_fit(label, width * LABEL_SHARE) for label in labels]
    left = EDGE + max(_width(name) for name in names) + 5
    _place(figure, axes, left=left, right=EDGE, top=TITLE_BAND, bottom=EDGE)
    texts = [[value_format.format(value) for value in one.values] for one in series]
    room = max(_width(words) for one in texts for words in one) + 6
    plot_width = width - left - EDGE
    axes.set_xlim(0, max(numbers) * plot_width / (plot_width - room))
    axes.set_ylim(len(labels) - 0.5, -0.5)
    thickness = 0.62 / len(series)
    for number, one in enumerate(series):
        offset = (number - (len(series) - 1) / 2) * thickness
        bars = axes.barh(
            [place + offset for place in range(len(labels))],
            one.values,
            height=thickness,
            color=one.fill,
            edgecolor=INK,
            linewidth=0.5,
            hatch=one.hatch or None,
            label=one.name,
        )
        axes.bar_label(bars, labels=texts[number], padding=3, **_words())
    axes.set_yticks(range(len(labels)), labels=names)
    axes.xaxis.set_major_locator(NullLocator())
    _plain(axes, keep=("left",))
    if len(series) > 1:
        axes.legend(
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            bbox_transform=axes.transAxes,
            ncols=len(series),
            frameon=False,
            borderaxespad=0.3,
            handlelength=2.2,
            handleheight=1.0,
            prop={"size": SIZE},
            labelcolor=INK,
        )
    return _finished(figure)


def _frame(title: str, width: float, height: float) -> tuple[Figure, Axes]:
    """A white figure of ``width`` x ``height`` points with ``title`` at its top left (cut
    to the width, and shorter where a legend sits beside it: :func:`_finished`) and one
    axes, placed by the chart."""
    figure = Figure(figsize=(width / 72, height / 72), dpi=72, facecolor="white")
    FigureCanvasAgg(figure)
    figure.text(
        EDGE / width,
        1 - EDGE / height,
        _fit(title, width - 2 * EDGE, TITLE_SIZE, BOLD),
        ha="left",
        va="top",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        color=INK,
    )
    axes = figure.add_subplot()
    _place(figure, axes, left=EDGE, right=EDGE, top=TITLE_BAND, bottom=EDGE)
    return figure, axes


def _place(
    figure: Figure, axes: Axes, *, left: float, right: float, top: float, bottom: float
) -> None:
    """The axes with margins in points from the figure's edges."""
    width, height = figure.get_figwidth() * 72, figure.get_figheight() * 72
    axes.set_position(
        (left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height)
    )


def _empty(figure: Figure, axes: Axes) -> Figure:
    """The frame of a chart with nothing to draw, saying so in its middle."""
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_color(LIGHT)
        spine.set_linewidth(0.6)
    axes.text(
        0.5,
        0.5,
        EMPTY,
        transform=axes.transAxes,
        ha="center",
        va="center",
        **_words(color=GREY, size=TITLE_SIZE),
    )
    return _finished(figure)


def _plain(axes: Axes, *, keep: Sequence[str]) -> None:
    """No chart junk: only the spines in ``keep`` (thin, in the rule's grey), no tick marks,
    words in the text's ink at the charts' size."""
    for side, spine in axes.spines.items():
        spine.set_visible(side in keep)
        spine.set_color(GREY)
        spine.set_linewidth(0.6)
    axes.tick_params(which="both", length=0, pad=3, labelsize=SIZE, labelcolor=INK)


def _finished(figure: Figure) -> Figure:
    """The title cut short of a legend beside it, then every text of ``figure`` in
    Switchboard's DejaVu Sans file (bold where bold), with "$" taken literally (a category
    called "Costs $ / $$" is not TeX). Tick labels made later while drawing copy the first
    tick's, so they get the font too."""
    legends = [legend for axes in figure.axes if (legend := axes.get_legend())]
    if legends:  # in the title's band, at the right: the title stops short of it
        title = figure.texts[0]
        room = min(legend.get_window_extent().x0 for legend in legends) * 72 / figure.dpi
        title.set_text(_fit(title.get_text(), room - EDGE - 12, TITLE_SIZE, BOLD))
    regular, bold = _font_file(REGULAR), _font_file(BOLD)
    for text in figure.findobj(Text):
        assert isinstance(text, Text)
        weight = text.get_fontweight()
        heavy = weight == "bold" or (isinstance(weight, int) and weight >= 600)
        text.set_fontproperties(
            FontProperties(
                fname=bold if heavy else regular,
                size=text.get_fontsize(),
                weight="bold" if heavy else "normal",
            )
        )
        text.set_parse_math(False)
    return figure


def _font_file(name: str) -> Path:
    """Switchboard's copy of ``name``, known to matplotlib's font manager too (once)."""
    path = find_font(f"{name}.ttf")
    if not any(entry.fname == str(path) for entry in fontManager.ttflist):
        fontManager.addfont(path)
    return path


def _words(*, color: str = INK, size: float = SIZE) -> dict[str, Any]:
    """The keywords of a chart's small words."""
    return {"fontsize": size, "color": color}


def _width(text: str, size: float = SIZE, font: str = REGULAR) -> float:
    """``text``'s width in points, measured by reportlab in the same font file."""
    register_fonts()
    return pdfmetrics.stringWidth(text, font, size)


def _fit(text: str, room: float, size: float = SIZE, font: str = REGULAR) -> str:
    """``text``, or as much of it as fits ``room`` points followed by "…"."""
    if _width(text, size, font) <= room:
        return text
    while text and _width(text + "…", size, font) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _count_text(count: int, room: float) -> str:
    """A heat-map cell's number, "1.2k" when the whole number is wider than ``room``; empty
    for no tickets, or where even the short form does not fit."""
    if not count:
        return ""
    for words in (f"{count:,}", f"{count / 1000:.1f}k", f"{count / 1000:.0f}k"):
        if _width(words) <= room:
            return words
    return ""


def _month_labels(months: Sequence[str], slot: float) -> list[str]:
    """The months as given, each broken onto two lines ("Dec" over "2025") when the labels
    would run into each other."""
    if all(_width(month) <= slot - 4 for month in months):
        return list(months)
    return [month.replace(" ", "\n", 1) for month in months]


def _label_ends(ends: list[tuple[Axes, float, float, str]]) -> None:
    """Each line's value beside its last point, the two labels pushed apart vertically
    when their lines end close together (the lines are on different axes)."""
    spots = [axes.transData.transform((x, y))[1] * 72 / axes.figure.dpi for axes, x, y, _ in ends]
    shifts = [0.0] * len(ends)
    if len(ends) == 2 and abs(spots[0] - spots[1]) < SIZE + 2:
        push = (SIZE + 2 - abs(spots[0] - spots[1])) / 2
        upper = 0 if spots[0] >= spots[1] else 1
        shifts[upper], shifts[1 - upper] = push, -push
    for (axes, x, y, words), shift in zip(ends, shifts, strict=True):
        axes.annotate(
            words,
            (x, y),
            xytext=(6, shift),
            textcoords="offset points",
            ha="left",
            va="center",
            **_words(),
        )


def _same_length(*sequences: Sequence[Any]) -> None:
    """Labels and values must pair up: a mismatch is a bug in the caller, said at once."""
    if len({len(sequence) for sequence in sequences}) > 1:
        raise ValueError(f"labels and values differ in length: {[len(s) for s in sequences]}")
