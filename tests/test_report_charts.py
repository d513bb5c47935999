"""The monthly report's charts: each one a flowable as wide as asked and a PNG at 300 dpi;
the empty frame for a month without tickets; values written on the bars, long labels cut
with "…", the heat map's numbers in its cells (white on the dark ones), the SLA line's gap
for a month without a figure; every word in Switchboard's DejaVu Sans, accented names and
"$" kept as written; and a PDF holding all of them that renders."""

from __future__ import annotations

import math
from collections.abc import Callable
from io import BytesIO

import numpy as np
import pypdfium2 as pdfium
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from app.paper import build, find_font
from app.reports.charts import (
    DPI,
    EMPTY,
    WIDTH,
    age_buckets,
    as_flowable,
    as_png,
    bar_chart,
    grouped_bars,
    heat_map,
    trend_chart,
)

MONTHS = [
    f"{month} {2025 if month != 'Jan' else 2026}"
    for month in (
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
        "Jan",
    )
]
VOLUME = [820, 790, 860, 900, 770, 640, 600, 610, 880, 930, 910, 720]
BACKLOG = [140, 150, 132, 160, 171, 120, 98, 102, 150, 165, 158, 149]
SLA: list[float | None] = [91.2, 93.0, 88.5, 90.1, None, 95.0, 96.2, 97.0, 89.0, 90.5, 92.2, 93.0]
AGES = ["<1 d", "1-3 d", "3-7 d", "7-30 d", ">30 d"]
LONG = "Software: licences and installation requests for the finance department's new tools"


def busy_week() -> list[list[int]]:
    """Office hours busy on weekdays, a trickle at night and at the weekend."""
    return [
        [
            (20 + day + hour) if day < 5 and 8 <= hour < 18 else (hour + day) % 3
            for hour in range(24)
        ]
        for day in range(7)
    ]


CHARTS: dict[str, Callable[[float], Figure]] = {
    "bars": lambda width: bar_chart(
        "Volume by category", ["Hardware", LONG, "Network"], [412, 388, 3], width=width
    ),
    "grouped": lambda width: grouped_bars(
        "Volume by channel",
        ["Phone", "E-mail", "Walk-in"],
        [620, 410, 88],
        [580, 455, 0],
        width=width,
    ),
    "heat": lambda width: heat_map("Tickets by weekday and hour", busy_week(), width=width),
    "trend": lambda width: trend_chart(
        "The last twelve months", MONTHS, VOLUME, BACKLOG, SLA, width=width
    ),
    "ages": lambda width: age_buckets("Backlog by age", AGES, [45, 38, 27, 31, 8], width=width),
}

EMPTIES: dict[str, Callable[[], Figure]] = {
    "no labels": lambda: bar_chart("Volume by site", [], []),
    "all zeros": lambda: bar_chart("Volume by site", ["HQ", "Kraków"], [0, 0]),
    "grouped, no labels": lambda: grouped_bars("Volume by channel", [], [], []),
    "grouped, all zeros": lambda: grouped_bars("Volume by channel", ["Phone"], [0], [0]),
    "heat, no rows": lambda: heat_map("Weekday and hour", []),
    "heat, all zeros": lambda: heat_map("Weekday and hour", [[0] * 24 for _ in range(7)]),
    "trend, no months": lambda: trend_chart("Trend", [], [], [], []),
    "trend, nothing": lambda: trend_chart("Trend", MONTHS, [0] * 12, [0] * 12, [None] * 12),
    "ages, all zeros": lambda: age_buckets("Backlog by age", AGES, [0] * 5),
    "ages, no labels": lambda: age_buckets("Backlog by age", [], []),
}


def texts(figure: Figure) -> list[str]:
    """Every word the figure shows: titles, tick labels, value labels, cells, legend."""
    return [text.get_text() for text in figure.findobj(Text) if isinstance(text, Text)]


def end_labels(figure: Figure) -> dict[str, Annotation]:
    return {
        item.get_text(): item for item in figure.findobj(Annotation) if isinstance(item, Annotation)
    }


@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("width", [WIDTH, 150 * mm])
def test_each_chart_is_a_flowable_of_the_width_asked(name: str, width: float) -> None:
    figure = CHARTS[name](width)
    flowable = as_flowable(figure)
    drawn_width, drawn_height = flowable.wrap(WIDTH + 20, 1000)
    assert drawn_width == pytest.approx(width)
    assert drawn_height == pytest.approx(figure.get_figheight() * 72)
    assert 20 * mm < drawn_height < 100 * mm
    assert flowable.hAlign == "LEFT"


def test_png_is_300_dpi_opaque_and_grey_for_paper() -> None:
    figure = CHARTS["ages"](WIDTH)
    screen = Image.open(BytesIO(as_png(figure)))
    paper = Image.open(BytesIO(as_png(figure, grey=True)))
    assert screen.format == paper.format == "PNG"
    assert screen.mode == "RGB" and paper.mode == "L"
    assert screen.size == paper.size == (int(WIDTH / 72 * DPI), int(55 * mm / 72 * DPI))
    assert figure.dpi == 72  # drawn at 300 dpi, left as it was for the screen


@pytest.mark.parametrize("name", EMPTIES)
def test_empty_data_draws_a_frame_that_says_so(name: str) -> None:
    figure = EMPTIES[name]()
    assert EMPTY in texts(figure)
    flowable = as_flowable(figure)
    assert flowable.wrap(WIDTH, 1000)[0] == pytest.approx(WIDTH)


def test_mismatched_data_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        bar_chart("Volume", ["a", "b"], [1])
    with pytest.raises(ValueError, match="differ in length"):
        trend_chart("Trend", MONTHS, VOLUME, BACKLOG, SLA[:-1])
    with pytest.raises(ValueError, match="7 rows"):
        heat_map("Weekday and hour", [[1] * 24] * 6)


def test_bars_carry_their_values_in_the_format_asked() -> None:
    figure = bar_chart(
        "Mean time to resolve", ["P1", "P2", "P3"], [2.5, 11.75, 30], value_format="{:.1f} h"
    )
    assert {"2.5 h", "11.8 h", "30.0 h"} <= set(texts(figure))
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["P1", "P2", "P3"]
    assert axes.yaxis_inverted()  # the first label on top: the order given


def test_long_labels_are_cut_with_an_ellipsis_and_short_ones_kept() -> None:
    figure = bar_chart("Volume by category", ["Hardware", LONG], [10, 5])
    shown = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert shown[0] == "Hardware"
    assert shown[1].endswith("…") and LONG.startswith(shown[1][:-1].rstrip())
    assert len(shown[1]) < len(LONG)
    long_title = "Volume by category " * 10
    title = next(t for t in texts(figure) if t.startswith("Volume by category"))
    assert title == "Volume by category"
    cut = bar_chart(long_title, ["a"], [1])
    assert any(t.startswith("Volume by category") and t.endswith("…") for t in texts(cut))


def test_a_title_stops_short_of_the_legend_beside_it() -> None:
    figure = grouped_bars("Volume by channel, this month against the last " * 3, ["a"], [1], [2])
    title = figure.texts[0]
    legend = figure.axes[0].get_legend()
    assert legend is not None
    assert title.get_text().endswith("…")
    assert title.get_window_extent().x1 < legend.get_window_extent().x0


def test_accented_names_and_dollars_are_shown_as_written_in_our_dejavu_sans() -> None:
    names = ["Łukasz Nowak", "Nguyễn Thị Ngọc", "Costs $5 and $6"]
    figure = bar_chart("Top recurring callers", names, [14, 11, 9])
    as_png(figure)  # drawn: tick labels made while drawing get the font too
    assert set(names) <= set(texts(figure))
    files = {str(find_font("DejaVuSans.ttf")), str(find_font("DejaVuSans-Bold.ttf"))}
    for text in figure.findobj(Text):
        assert isinstance(text, Text)
        if text.get_text():
            assert text.get_fontproperties().get_file() in files, text.get_text()
            assert not text.get_parse_math()
    bold = [t for t in figure.findobj(Text) if isinstance(t, Text) and t.get_fontweight() == "bold"]
    assert [t.get_fontproperties().get_file() for t in bold] == [
        str(find_font("DejaVuSans-Bold.ttf"))
    ]


def test_grouped_bars_tell_the_periods_apart_by_pattern_and_legend() -> None:
    figure = grouped_bars(
        "Volume by channel",
        ["Phone", "E-mail"],
        [620, 410],
        [580, 455],
        names=("December", "November"),
    )
    axes = figure.axes[0]
    legend = axes.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["December", "November"]
    current, previous = axes.containers
    assert {bar.get_hatch() for bar in current} == {None}
    assert {bar.get_hatch() for bar in previous} == {"//////"}
    assert {"620", "410", "580", "455"} <= set(texts(figure))


def test_heat_map_prints_each_count_in_its_cell_white_on_dark() -> None:
    week = [[0] * 24 for _ in range(7)]
    week[0][9], week[1][10], week[6][23] = 3, 1234, 57
    figure = heat_map("Tickets by weekday and hour", week)
    axes = figure.axes[0]
    cells = {
        (round(text.get_position()[1] - 0.5), round(text.get_position()[0] - 0.5)): text
        for text in axes.texts
    }
    assert set(cells) == {(0, 9), (1, 10), (6, 23)}  # an hour without tickets stays blank
    assert cells[0, 9].get_text() == "3"
    assert cells[1, 10].get_text() == "1.2k"  # "1,234" is wider than a cell
    assert cells[6, 23].get_text() == "57"
    assert cells[1, 10].get_color() == "white"  # on the darkest cell
    assert cells[0, 9].get_color() != "white"
    assert [label.get_text() for label in axes.get_yticklabels()] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]
    assert [label.get_text() for label in axes.get_xticklabels()] == [
        f"{hour:02d}" for hour in range(24)
    ]
    assert axes.yaxis_inverted()  # Monday on top


def test_trend_leaves_a_gap_for_a_month_without_sla_and_labels_the_last_points() -> None:
    figure = trend_chart("The last twelve months", MONTHS, VOLUME, BACKLOG, SLA)
    backlog_axes, percent_axes = figure.axes
    (backlog,) = [line for line in backlog_axes.get_lines() if line.get_marker() == "s"]
    (sla,) = percent_axes.get_lines()
    assert isinstance(sla, Line2D) and sla.get_marker() == "o" and sla.get_linestyle() == "--"
    values = np.asarray(sla.get_ydata(), dtype=float)
    assert math.isnan(values[4]) and not np.isnan(np.delete(values, 4)).any()
    assert np.asarray(backlog.get_ydata(), dtype=float).tolist() == BACKLOG
    assert percent_axes.get_ylim()[0] == 0 and percent_axes.get_ylim()[1] >= 100
    ends = end_labels(figure)
    assert ends["149"].xy == (11, 149)
    assert ends["93 %"].xy == (11, 93.0)
    legend = backlog_axes.get_legend()
    assert legend is not None and len(legend.get_texts()) == 3
    assert set(MONTHS) <= {t.replace("\n", " ") for t in texts(figure)}


@pytest.mark.parametrize("most", [9, 900, 90_000, 9_000_000])
def test_trend_counts_on_the_left_axis_stay_inside_the_chart(most: int) -> None:
    figure = trend_chart("Trend", MONTHS, [most] * 12, [most // 3] * 12, [90.0] * 12)
    figure.canvas.draw()
    counts = [t for t in figure.axes[0].get_yticklabels() if t.get_visible() and t.get_text()]
    assert counts
    assert min(t.get_window_extent().x0 for t in counts) >= 0


def test_trend_labels_the_sla_line_where_it_last_has_a_figure() -> None:
    sla = [*SLA[:-2], 88.0, None]
    figure = trend_chart("Trend", MONTHS, VOLUME, BACKLOG, sla)
    assert end_labels(figure)["88 %"].xy == (10, 88.0)


def test_trend_end_labels_that_would_overlap_are_pushed_apart() -> None:
    # the backlog ends at 1,000 of 1,300 (77 %), the SLA line at 77 % of its 0-105 axis
    figure = trend_chart("Trend", MONTHS, [1000] * 12, [1000] * 12, [105 * 1000 / 1300] * 12)
    offsets = [item.xyann[1] for item in end_labels(figure).values()]
    assert len(offsets) == 2 and abs(offsets[0] - offsets[1]) >= 8


def test_a_pdf_of_all_the_charts_renders() -> None:
    for pagesize in (A4, LETTER):
        story: list[Flowable] = []  # a fresh one each time: platypus uses flowables up
        for name, make in CHARTS.items():
            story += [as_flowable(make(WIDTH)), Spacer(0, 8)]
            if name == "bars":
                story += [as_flowable(EMPTIES["no labels"]()), Spacer(0, 8)]
        data = build(
            story,
            pagesize,
            title="Monthly report",
            author="Desk",
            subject="December",
            running="Monthly report, December 2025",
        )
        reader = PdfReader(BytesIO(data))
        images = [image for page in reader.pages for image in page.images]
        assert len(images) == len(CHARTS) + 1
        pixels = {image.image.width if image.image else 0 for image in images}
        assert pixels == {int(WIDTH / 72 * DPI)}  # 300 dpi at the text's width
        document = pdfium.PdfDocument(data)
        try:
            for number in range(len(document)):
                picture = document[number].render(scale=60 / 72).to_pil().convert("L")
                darkest, lightest = picture.getextrema()
                assert darkest < 80 and lightest == 255  # drawn, and on white paper
        finally:
            document.close()
