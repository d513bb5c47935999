"""The monthly report as a PDF a manager hands over: a title page with the organisation's name
and logo, a table of contents and bookmarks, the key figures with their readings, charts
that read in black and white, tables that split across pages with their header repeated, and
an appendix of definitions.

Every number comes from :func:`app.reports.tables.report_tables`, the tables the CSV files
hold too. The font, the footer, the page numbers and the outline are every PDF's
(:mod:`app.paper`). reportlab and matplotlib are imported only when a report is printed.
"""

from __future__ import annotations

import locale
from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from app.exports import write_output
from app.paper import HEAD, MUTED, RULE, STRIPE, Heading, build, style
from app.reports import charts
from app.reports.report import Report
from app.reports.tables import ReportTable, report_tables

PAPER = {"a4": A4, "letter": LETTER}
# Territories whose offices print on Letter paper (the rest of the world uses A4).
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "PR"})
Cancelled = Callable[[], bool]
Progress = Callable[[int, str], None]  # (percent done, what is being done)


def paper_for_locale(name: str | None = None) -> str:
    """ "letter" where the locale's territory prints on Letter, else "a4"."""
    if name is None:
        name = locale.getlocale(locale.LC_CTYPE)[0] or ""
    territory = name.split(".")[0].split("_")[-1].upper() if "_" in name else ""
    return "letter" if territory in LETTER_TERRITORIES else "a4"


class Stopped(Exception):
    """The person cancelled the export: nothing is written."""


def report_pdf(
    report: Report,
    paper: str = "a4",
    *,
    made_by: str = "",
    cancelled: Cancelled | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The report's PDF on ``paper`` ("a4" or "letter"). ``progress`` hears how far it has
    got; ``cancelled`` is asked between sections and while the pages are laid out, and when
    it says so, :class:`Stopped` is raised."""
    step = progress or (lambda _percent, _what: None)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise Stopped

    pagesize = PAPER[paper]
    width = pagesize[0] - 2 * (12 * mm + 6)
    tables = report_tables(report)
    story: list[Flowable] = _title_page(report, made_by)
    sections = _sections(report, tables, width)
    for done, section in enumerate(sections):
        check()
        step(5 + 55 * done // len(sections), "Drawing the charts")
        story += section()
    placed = 0
    expected = 2 * len(story)  # the contents need a second pass for their page numbers

    def laid_out() -> None:
        nonlocal placed
        check()
        placed += 1
        if placed % 20 == 0:
            step(min(98, 60 + 38 * placed // expected), "Laying out the pages")

    title = f"IT service report, {report.period.label}"
    return build(
        story,
        pagesize,
        title=title,
        author=report.organisation or "Switchboard",
        subject=f"{report.sites.label}, {report.period.label}",
        running=f"{report.organisation + ' · ' if report.organisation else ''}{title} · "
        f"{report.sites.label}",
        laid_out=laid_out,
    )


def write_report_pdf(
    report: Report,
    target: Path,
    paper: str = "a4",
    *,
    made_by: str = "",
    cancelled: Cancelled | None = None,
    progress: Progress | None = None,
) -> Path:
    """The PDF written in full beside ``target`` and moved into place: an export that fails
    or is cancelled leaves no file behind, and whatever was at ``target`` as it was."""
    data = report_pdf(report, paper, made_by=made_by, cancelled=cancelled, progress=progress)

    def write(partial: Path) -> None:
        partial.write_bytes(data)
        if cancelled is not None and cancelled():  # the last moment: nothing replaced yet
            raise Stopped

    write_output(target, f"report-{report.period.code}.pdf", write)
    return target


# -- the title page ---------------------------------------------------------------------------


def _title_page(report: Report, made_by: str) -> list[Flowable]:
    story: list[Flowable] = [Spacer(1, 30 * mm)]
    logo = _logo(report)
    if logo is not None:
        story += [logo, Spacer(1, 10 * mm)]
    story += [
        Paragraph(escape(report.organisation or "Switchboard"), style("org", 14, bold=True)),
        Spacer(1, 4 * mm),
        Paragraph("IT service report", style("title", 26, bold=True, leading=32)),
        Paragraph(escape(report.period.label), style("period", 20, leading=26)),
        Spacer(1, 6 * mm),
        Paragraph(escape(report.sites.label), style("sites", 12)),
        Paragraph(
            f"{report.period.first:%-d %B %Y} to {report.period.last:%-d %B %Y}, "
            f"compared with {escape(report.previous.label)}",
            style("dates", 10, textColor=MUTED),
        ),
        Spacer(1, 14 * mm),
        Paragraph("Contents", style("contents-title", 12, bold=True, spaceAfter=4)),
        _contents(),
        Spacer(1, 10 * mm),
        Paragraph(
            f"Made {report.made_at.astimezone():%-d %B %Y %H:%M %Z}"
            + (f" by {escape(made_by)}" if made_by else "")
            + " with Switchboard. Every figure is defined in the appendix.",
            style("made", 8, textColor=MUTED),
        ),
        PageBreak(),
    ]
    return story


def _contents() -> TableOfContents:
    contents = TableOfContents()
    contents.levelStyles = [
        style("toc0", 10, leftIndent=0, firstLineIndent=0, spaceBefore=2),
        style("toc1", 8.5, leftIndent=12, firstLineIndent=0, textColor=MUTED),
    ]
    contents.dotsMinLevel = 0
    return contents


LOGO_BOX = (60 * mm, 25 * mm)  # the most a logo takes on the title page


def _logo(report: Report) -> Flowable | None:
    """The organisation's logo in :data:`LOGO_BOX`: a PNG or JPEG no larger than it is, an
    SVG drawn as vectors at the box's size (svglib). An SVG it cannot read is left out, as
    the window leaves it out."""
    if not report.logo:
        return None
    if report.logo_type == "image/svg+xml":
        return _svg(report.logo)
    image = Image(BytesIO(report.logo))
    scale = min(LOGO_BOX[0] / image.imageWidth, LOGO_BOX[1] / image.imageHeight, 1.0)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    image.hAlign = "LEFT"
    return image


def _svg(data: bytes) -> Flowable | None:
    from svglib.svglib import svg2rlg

    # The logo came from a file anyone could have made: it may not pull in other files.
    with TemporaryDirectory() as nowhere:
        drawing = svg2rlg(BytesIO(data), external_reference_root=nowhere)
    if drawing is None or not drawing.width or not drawing.height:
        return None
    scale = min(LOGO_BOX[0] / drawing.width, LOGO_BOX[1] / drawing.height)
    drawing.scale(scale, scale)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    drawing.hAlign = "LEFT"
    return drawing


# -- the sections -----------------------------------------------------------------------------


def _sections(
    report: Report, tables: dict[str, ReportTable], width: float
) -> list[Callable[[], list[Flowable]]]:
    """The story in parts, each made when it is called (its charts drawn then), so an export
    can say how far it has got and stop between them."""
    parts, desk, now = report.breakdowns, report.desk, report.now
    trend = report.trend
    return [
        lambda: [
            _heading("Summary", 0),
            _note(
                f"{report.sites.label}, {report.period.label}, compared with "
                f"{report.previous.label}."
            ),
            *_table(tables["summary"], width, (0.23, 0.14, 0.14, 0.09, 0.40)),
            _heading("Time to acknowledge and to resolve", 1),
            _caption(tables["mtta_by_priority"]),
            *_table(tables["mtta_by_priority"], width),
            _caption(tables["mttr_by_priority"]),
            *_table(tables["mttr_by_priority"], width),
        ],
        lambda: [
            _heading("The phone desk", 0),
            *_table(tables["phone_desk"], width, (0.5, 0.5)),
            _chart(
                charts.bar_chart(
                    "Calls by hour of the day",
                    [f"{hour:02d}:00" for hour in range(24)],
                    list(desk.by_hour),
                    width=width,
                )
            ),
            _heading("Calls per operator", 1),
            *_table(tables["calls_per_operator"], width, (0.6, 0.2, 0.2)),
        ],
        lambda: [
            _heading("Volume", 0),
            _note(f"{now.volume:,} tickets created in the period."),
            _chart(
                charts.bar_chart(
                    "Tickets by category",
                    [name for name, _ in now.volume_by_category],
                    [n for _, n in now.volume_by_category],
                    width=width,
                )
            ),
            *_table(tables["volume_by_category"], width, (0.6, 0.2, 0.2)),
            _heading("By channel, priority and site", 1),
            _chart(
                charts.grouped_bars(
                    "Tickets by priority, this period and the one before",
                    [name for name, _ in now.volume_by_priority],
                    [n for _, n in now.volume_by_priority],
                    [n for _, n in report.before.volume_by_priority],
                    names=(report.period.label, report.previous.label),
                    width=width,
                )
            ),
            *_table(tables["volume_by_channel"], width, (0.6, 0.2, 0.2)),
            Spacer(1, 4),
            *_table(tables["volume_by_priority"], width, (0.6, 0.2, 0.2)),
            Spacer(1, 4),
            *_table(tables["volume_by_site"], width, (0.6, 0.2, 0.2)),
            _heading("By hour and weekday", 1),
            _chart(
                charts.heat_map(
                    "Tickets created by local hour and weekday", parts.heat, width=width
                )
            ),
        ],
        lambda: [
            _heading("Backlog and trend", 0),
            _note(f"{now.backlog:,} tickets were not closed at the end of the period."),
            _chart(
                charts.age_buckets(
                    "Backlog at the period's end by age",
                    [label for label, _ in parts.backlog_ages],
                    [n for _, n in parts.backlog_ages],
                    width=width,
                )
            ),
            *_table(tables["backlog_by_age"], width, (0.6, 0.2, 0.2)),
            _heading("Twelve months", 1),
            _chart(
                charts.trend_chart(
                    "Volume, backlog and SLA by month",
                    [m.label for m in trend],
                    [m.volume for m in trend],
                    [m.backlog for m in trend],
                    [m.sla.percent for m in trend],
                    width=width,
                )
            ),
            *_table(tables["trend"], width),
        ],
        lambda: [
            _heading("People", 0),
            *_table(tables["staff"], width, (0.3, 0.12, 0.16, 0.14, 0.14, 0.14)),
        ],
        lambda: [
            _heading("Candidates for problem management", 0),
            _note(
                "What came back most in the period: categories, callers and assets with the most "
                "tickets. The repeat-incident rate on the summary page counts the tickets that "
                "followed another of the same caller or asset in the same category within 30 "
                "days."
            ),
            *_table(tables["recurring_categories"], width, (0.8, 0.2)),
            Spacer(1, 4),
            *_table(tables["recurring_callers"], width, (0.8, 0.2)),
            Spacer(1, 4),
            *_table(tables["recurring_assets"], width, (0.8, 0.2)),
        ],
        lambda: [
            _heading("Problems and vendors", 0),
            *_table(tables["problems"], width, (0.6, 0.4)),
            _heading("Contracts ending or inside their notice period", 1),
            *_table(
                tables["contracts_ending"],
                width,
                (0.24, 0.16, 0.14, 0.46),
                empty="No contract ends in the 90 days after the period or is inside its "
                "notice period.",
            ),
        ],
        lambda: [
            _heading("Maintenance, roster and training", 0),
            *_table(tables["operations"], width, (0.6, 0.4)),
            _heading("Hours the desk was short of people", 1),
            *_table(
                tables["coverage_gaps"], width, (0.6, 0.2, 0.2), empty="No gaps in the period."
            ),
            _heading("Certifications expiring the month after", 1),
            *_table(
                tables["certifications_expiring"],
                width,
                (0.4, 0.4, 0.2),
                empty="None expire in the month after the period.",
            ),
        ],
        lambda: [
            PageBreak(),
            _heading("Appendix: definitions", 0),
            *_table(tables["definitions"], width, (0.27, 0.73)),
        ],
    ]


# -- building blocks --------------------------------------------------------------------------

_CELLS = (style("cell", 7.5, leading=9.2), style("cell-right", 7.5, leading=9.2, alignment=2))
_HEAD_CELLS = (
    style("cell-head", 7.5, bold=True, leading=9.2),
    style("cell-head-right", 7.5, bold=True, leading=9.2, alignment=2),
)
_NOTE = style("note", 8.5, textColor=MUTED, spaceAfter=4)
_CAPTION = style("caption", 8.5, bold=True, spaceBefore=6, spaceAfter=3, keepWithNext=1)
_HEADINGS = (
    style("section", 14, bold=True, spaceBefore=6, spaceAfter=6, keepWithNext=1),
    style("part", 10.5, bold=True, spaceBefore=10, spaceAfter=4, keepWithNext=1),
)


def _heading(text: str, level: int) -> Flowable:
    # A heading starts a new page rather than end one: room for it and a chart or a table's
    # first rows below it.
    heading = Heading(escape(text), level, _HEADINGS[level])
    return KeepTogether([CondPageBreak((60 if level == 0 else 70) * mm), heading])


def _caption(table: ReportTable) -> Paragraph:
    """A table's title above it, where a heading names more than one table."""
    return Paragraph(escape(table.title), _CAPTION)


def _note(text: str) -> Paragraph:
    return Paragraph(escape(text), _NOTE)


def _chart(figure: object) -> Flowable:
    flowable = charts.as_flowable(figure)  # type: ignore[arg-type]
    return KeepTogether([Spacer(1, 4), flowable, Spacer(1, 4)])


def _table(
    table: ReportTable,
    width: float,
    shares: Sequence[float] | None = None,
    *,
    empty: str = "Nothing in the period.",
) -> list[Flowable]:
    """A table that splits between rows, its header repeated on every page, stripes for the
    eye, numbers right-aligned; long words wrap in their cell."""
    if not table.rows:
        return [_note(empty)]
    return [CondPageBreak(30 * mm), _grid(table, width, shares)]


def _grid(table: ReportTable, width: float, shares: Sequence[float] | None) -> Table:
    columns = len(table.headers)
    shares = shares or (0.3, *([0.7 / (columns - 1)] * (columns - 1)))
    right = [i > 0 and all(_is_number(row[i]) for row in table.rows) for i in range(columns)]
    data = [
        [Paragraph(escape(h), _HEAD_CELLS[right[i]]) for i, h in enumerate(table.headers)],
        *(
            [Paragraph(escape(value), _CELLS[right[i]]) for i, value in enumerate(row)]
            for row in table.rows
        ),
    ]
    grid = Table(data, colWidths=[width * share for share in shares], repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                *(("BACKGROUND", (0, row), (-1, row), STRIPE) for row in range(2, len(data), 2)),
            ]
        )
    )
    return grid


def _is_number(text: str) -> bool:
    cleaned = text.replace(",", "").replace("%", "").replace(" ", "").replace("–", "")
    for unit in ("min", "h", "d", "pts"):
        cleaned = cleaned.removesuffix(unit)
    cleaned = cleaned.lstrip("+-")
    return cleaned == "" or cleaned.replace(".", "", 1).isdigit()
