"""The roster week on paper: a landscape A4 PDF of people by days, for the wall of the desk.

``switchboard roster pdf --week 2026-W49 [--site HQ] --out roster.pdf`` writes it, and so does
the roster page's "Print the week…" (the person prints it from their PDF viewer). It shows
what the page shows, from the same one read (:func:`app.roster.week.week`):

- the grid, a row per person and a column per day, each shift a block like the grid's: a
  band of its type's colour with the fill pattern drawn over it in a dark ink, beside a light
  tint of the colour carrying its name and hours. Printed in black and white the pattern and
  the words still tell desk time from leave;
- a day in conflict framed in red and marked with "!" in a circle (a mark, not a colour), and
  the week's conflicts listed in words after the grid, then the gaps in the desk's cover and
  a legend of the shift types;
- the grid is a platypus table that splits between people, its day header repeated on every
  page; every page after the first has a running header, and every page says "Page n of m".

The font, the footer and the page numbers are every PDF's (:mod:`app.paper`). reportlab is
imported only where a PDF is made: the command line and the page import this module when
they print.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from sqlalchemy import Engine, select
from sqlmodel import col

from app.errors import NotFoundError
from app.exports import write_output
from app.paper import (
    BOLD,
    EDGE,
    HEAD,
    MUTED,
    RED,
    REGULAR,
    RULE,
    STRIPE,
    TEXT,
    build,
    heading_style,
    style,
)
from app.roster.local_time import day_text, week_code
from app.roster.shift_types import hours_text as usual_hours
from app.roster.shift_types import tint
from app.roster.week import RosterRow, RosterShift, RosterWeek, ShiftTypeInfo, week
from app.staff import hours_text
from models.engine import read_connection
from models.org import Organisation, Site, Team

# -- fonts ----------------------------------------------------------------------------------

# -- the page -------------------------------------------------------------------------------
PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * EDGE
NAME_WIDTH = 118.0  # the people's column; the days share the rest
PAD = 2.0  # inside each cell of the grid

# -- a shift's block ------------------------------------------------------------------------
BLOCK = 21.0  # height: two lines, the type's name and the hours
GAP = 2.0  # between the blocks of one day
BAND = 9.0  # the swatch at a block's left
STEP = 3.0  # the spacing of a pattern's lines and dots
MARK = 9.0  # the conflict mark's diameter
MAX_BLOCKS = 8  # more shifts in one day than this are counted, not drawn
NAME_SIZE, HOURS_SIZE, SMALLEST = 7.5, 7.0, 5.5

INK = colors.HexColor("#37474f")  # the patterns' ink, as on screen (ui/kit/swatch.py)


# -- what is printed ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Heading:
    """The organisation's name and the filters' names, for the title."""

    organisation: str  # "" before anyone set it
    site: str  # the site's code, "" for every site
    team: str  # "" for every team


def suggested_name(monday: date) -> str:
    """The file name offered for the week: "roster-2026-W49.pdf" (the week as --week takes
    it)."""
    return f"roster-{week_code(monday)}.pdf"


def _week_title(monday: date, site: str, team: str) -> str:
    """ "Roster — week 49: 30 Nov – 6 Dec 2026 — HQ" (every site: "all sites"; a team is
    named after the site)."""
    sunday = monday + timedelta(days=6)
    first = f"{monday.day} {monday:%b}" + (f" {monday.year}" if monday.year != sunday.year else "")
    days = f"week {monday.isocalendar().week}: {first} – {sunday.day} {sunday:%b %Y}"
    return " — ".join(["Roster", days, site or "all sites", *([team] if team else [])])


def roster_pdf(
    engine: Engine,
    monday: date,
    site_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
) -> bytes:
    """The week starting ``monday`` as a landscape A4 PDF, filtered as the roster page is
    (:func:`app.roster.week.week`)."""
    shown = week(engine, monday, site_id=site_id, team_id=team_id)
    heading = _heading(engine, site_id, team_id)
    title = _week_title(monday, heading.site, heading.team)
    story = [
        *_title(heading.organisation, title),
        *_grid(shown, WIDTH),
        *_legend(shown, WIDTH),
        *_conflicts(shown, WIDTH),
        *_gaps(shown),
    ]
    return build(
        story,
        PAGE,
        title=title,
        author=heading.organisation,
        subject="Staff roster",
        running=" · ".join(part for part in (heading.organisation, title) if part),
    )


def save_roster_pdf(
    engine: Engine,
    monday: date,
    target: Path,
    site_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
) -> None:
    """Write the week's PDF to ``target``; a failed write leaves whatever was there, and a
    Switchboard database is never written over."""
    data = roster_pdf(engine, monday, site_id, team_id)
    write_output(target, suggested_name(monday), lambda partial: partial.write_bytes(data))


def _heading(engine: Engine, site_id: uuid.UUID | None, team_id: uuid.UUID | None) -> _Heading:
    with read_connection(engine) as connection:
        name = connection.execute(
            select(col(Organisation.name)).where(col(Organisation.id) == 1)
        ).scalar()
        site = (
            connection.execute(select(col(Site.code)).where(col(Site.id) == site_id)).scalar()
            if site_id is not None
            else ""
        )
        team = (
            connection.execute(select(col(Team.name)).where(col(Team.id) == team_id)).scalar()
            if team_id is not None
            else ""
        )
    if site is None or team is None:
        gone = "site" if site is None else "team"
        raise NotFoundError(f"That {gone} no longer exists; choose another and print again.")
    return _Heading(name or "", site, team)


# -- the story ------------------------------------------------------------------------------
def _title(organisation: str, title: str) -> list[Flowable]:
    said = [Paragraph(escape(organisation), style("organisation", 10, textColor=MUTED))]
    return [
        *(said if organisation else []),
        Paragraph(escape(title), style("title", 15, bold=True, spaceAfter=2)),
        Paragraph(
            "Each shift is in its site's local time. "
            "A framed day marked ! has a conflict, listed after the grid.",
            style("about", 8, textColor=MUTED, spaceAfter=6),
        ),
    ]


def _grid(shown: RosterWeek, width: float) -> list[Flowable]:
    if not shown.rows:
        return [Paragraph("Nobody is on the roster this week with these filters.", style("n", 9))]
    day_style = style("day", 8, bold=True, alignment=1)
    person, detail = style("person", 8, bold=True), style("detail", 7, textColor=MUTED)
    rows: list[list[Any]] = [
        [Paragraph("Person", style("corner", 8, bold=True))]
        + [Paragraph(escape(day_text(day)), day_style) for day in shown.days]
    ]
    marked: list[tuple[int, int]] = []
    for number, row in enumerate(shown.rows, start=1):
        rows.append(
            [[Paragraph(escape(row.name), person), Paragraph(escape(_hours(row)), detail)]]
            + [
                _Day(shifts, row.home_site, day in row.conflict_days)
                for day, shifts in zip(shown.days, row.days, strict=True)
            ]
        )
        marked += [
            (column, number) for column, day in enumerate(shown.days, 1) if day in row.conflict_days
        ]
    day_width = (width - NAME_WIDTH) / 7
    table = Table(rows, colWidths=[NAME_WIDTH] + [day_width] * 7, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
                ("LEFTPADDING", (0, 0), (0, -1), 4),
                *(("BOX", cell, cell, 1.2, RED) for cell in marked),
            ]
        )
    )
    return [table]


def _hours(row: RosterRow) -> str:
    """ "HQ · 32 of 37.5 h", "NY · 8 h planned", "45 of 40 h: over contract"."""
    planned = hours_text(row.planned_minutes) or "0"
    if row.contracted_minutes is None:
        hours = f"{planned} h planned"
    else:
        over = row.planned_minutes > row.contracted_minutes
        hours = f"{planned} of {hours_text(row.contracted_minutes)} h"
        hours += ": over contract" if over else ""
    return " · ".join(part for part in (row.home_site, hours) if part)


def _legend(shown: RosterWeek, width: float) -> list[Flowable]:
    """The current types and any retired one this week uses, four to a row, then the mark."""
    used = {shift.shift_type_id for row in shown.rows for day in row.days for shift in day}
    types = [t for t in shown.types if not t.retired or t.id in used]
    name, about = style("legendName", 8, bold=True), style("legendAbout", 7.5)
    entries: list[tuple[Flowable, list[Paragraph]]] = [
        (_Swatch(t.colour, t.pattern), [Paragraph(escape(t.name), name), _meaning(t, about)])
        for t in types
    ]
    entries.append(
        (_Mark(), [Paragraph("Conflict", name), Paragraph("listed after the grid", about)])
    )
    across = 4
    cells: list[list[Any]] = []
    for start in range(0, len(entries), across):
        row: list[Any] = []
        for swatch, words in entries[start : start + across]:
            row += [swatch, words]
        cells.append(row + [""] * (2 * across - len(row)))
    column = width / across
    table = Table(cells, colWidths=[22, column - 22] * across, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [Paragraph("Shift types", heading_style("legendHeading")), table]


def _meaning(shift_type: ShiftTypeInfo, style: ParagraphStyle) -> Paragraph:
    """ "At the desk, usually 07:00-15:00", "Leave, all day"; retired types say so."""
    hours = usual_hours(shift_type.starts, shift_type.ends)
    said = f"{shift_type.kind.label}, {hours if hours == 'all day' else f'usually {hours}'}"
    return Paragraph(escape(said + (" (retired)" if shift_type.retired else "")), style)


def _conflicts(shown: RosterWeek, width: float) -> list[Flowable]:
    count = len(shown.conflicts)
    heading = Paragraph(
        f"Conflicts ({count})" if count else "Conflicts", heading_style("conflictsHeading")
    )
    if not count:
        return [heading, Paragraph("No conflicts this week.", style("none", 8.5))]
    line = style("conflict", 8.5)
    rows = [
        [_Mark(), Paragraph(f"<b>{escape(c.kind.value)}</b>: {escape(c.message)}", line)]
        for c in shown.conflicts
    ]
    table = Table(rows, colWidths=[16, width - 16], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return [heading, table]


def _gaps(shown: RosterWeek) -> list[Flowable]:
    gaps = shown.gaps
    heading = Paragraph(
        f"Gaps in the desk's cover ({len(gaps)})" if gaps else "Gaps in the desk's cover",
        heading_style("gapsHeading"),
    )
    if not gaps:
        return [heading, Paragraph("No gaps in the desk's cover this week.", style("none", 8.5))]
    line = style("gap", 8.5, leftIndent=10, bulletIndent=0, bulletFontName=REGULAR)
    return [
        heading,
        Paragraph(
            "Hours a desk has fewer people than its minimum (people of minimum), in the site's "
            "local time:",
            style("gapsAbout", 8.5),
        ),
        Spacer(0, 2),
        *(Paragraph(escape(gap.text), line, bulletText="•") for gap in gaps),
    ]


# -- drawing --------------------------------------------------------------------------------
class _Day(Flowable):
    """One person's day: a block per shift, and the conflict mark in its top right corner."""

    def __init__(self, shifts: tuple[RosterShift, ...], home: str, conflicted: bool) -> None:
        super().__init__()
        self.shifts, self.home, self.conflicted = shifts, home, conflicted
        self.width = self.height = 0.0

    def _drawn(self) -> tuple[tuple[RosterShift, ...], int]:
        """The shifts drawn as blocks, and how many more there are."""
        if len(self.shifts) <= MAX_BLOCKS:
            return self.shifts, 0
        return self.shifts[: MAX_BLOCKS - 1], len(self.shifts) - MAX_BLOCKS + 1

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        drawn, more = self._drawn()
        lines = max(len(drawn), 1)
        self.width = available_width
        self.height = lines * BLOCK + (lines - 1) * GAP + (HOURS_SIZE + GAP if more else 0)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        drawn, more = self._drawn()
        top = self.height
        for number, shift in enumerate(drawn):
            room = MARK + 2 if number == 0 and self.conflicted else 0
            top -= BLOCK
            _block(canvas, top, self.width, shift, self.home, room)
            top -= GAP
        if more:
            canvas.setFont(REGULAR, HOURS_SIZE)
            canvas.setFillColor(TEXT)
            canvas.drawString(0, 1, f"+ {more} more")
        if self.conflicted:
            _mark(canvas, self.width - MARK / 2, self.height - MARK / 2)


def _block(
    canvas: Canvas, y: float, width: float, shift: RosterShift, home: str, room: float
) -> None:
    """A shift's block at height ``y``: the tint, the swatch band, a frame, and the words
    (``room`` points left free at the right of the first line)."""
    colour = colors.HexColor(shift.colour)
    canvas.saveState()
    canvas.setFillColor(colors.HexColor(tint(shift.colour)))
    canvas.rect(0, y, width, BLOCK, stroke=0, fill=1)
    _swatch(canvas, 0, y, BAND, BLOCK, shift.colour, shift.pattern)
    canvas.setStrokeColor(_darker(colour))
    canvas.setLineWidth(0.5)
    canvas.rect(0, y, width, BLOCK, stroke=1, fill=0)
    canvas.setFillColor(TEXT)
    left, words = BAND + 3, width - BAND - 5
    name = shift.type_name + (f" at {shift.site_code}" if shift.site_code != home else "")
    _line(canvas, name, BOLD, NAME_SIZE, left, y + BLOCK - NAME_SIZE - 2.5, words - room)
    _line(canvas, usual_hours(shift.starts, shift.ends), REGULAR, HOURS_SIZE, left, y + 3, words)
    canvas.restoreState()


def _line(
    canvas: Canvas, text: str, font: str, size: float, x: float, y: float, width: float
) -> None:
    """``text`` at ``size``, or smaller down to a readable least where it would not fit
    ``width``, and cut short with "…" past that."""
    while size > SMALLEST and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.25
    if pdfmetrics.stringWidth(text, font, size) > width:
        while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
            text = text[:-1]
        text = text.rstrip() + "…"
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def _darker(colour: colors.Color) -> colors.Color:
    return colors.Color(*(value * 0.65 for value in colour.rgb()))


def _swatch(
    canvas: Canvas, x: float, y: float, width: float, height: float, colour: str, pattern: str
) -> None:
    """``colour`` with ``pattern`` drawn over it in the dark ink, clipped to the rectangle."""
    canvas.saveState()
    canvas.setFillColor(colors.HexColor(colour))
    canvas.rect(x, y, width, height, stroke=0, fill=1)
    clip = canvas.beginPath()
    clip.rect(x, y, width, height)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.setStrokeColor(INK)
    canvas.setFillColor(INK)
    canvas.setLineWidth(0.6)
    _PATTERNS.get(pattern, _solid)(canvas, x, y, width, height)
    canvas.restoreState()


def _solid(_canvas: Canvas, _x: float, _y: float, _width: float, _height: float) -> None:
    """Colour alone."""


def _falling(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    """Lines from top left to bottom right ("hatch", Qt's forward diagonal)."""
    offset = -height
    while offset < width:
        canvas.line(x + offset, y + height, x + offset + height, y)
        offset += STEP * 1.5


def _rising(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    """Lines from bottom left to top right ("diagonal", Qt's backward diagonal)."""
    offset = -height
    while offset < width:
        canvas.line(x + offset, y, x + offset + height, y + height)
        offset += STEP * 1.5


def _crossed(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    _falling(canvas, x, y, width, height)
    _rising(canvas, x, y, width, height)


def _across(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    """Horizontal lines ("lines")."""
    level = y + STEP / 2
    while level < y + height:
        canvas.line(x, level, x + width, level)
        level += STEP


def _dotted(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    """Dots on a staggered grid ("dots")."""
    for row in range(int(height / STEP) + 1):
        shift = STEP / 2 if row % 2 else 0
        column = 0
        while x + STEP / 2 + shift + column * STEP < x + width:
            canvas.circle(
                x + STEP / 2 + shift + column * STEP, y + STEP / 2 + row * STEP, 0.55, 0, 1
            )
            column += 1


_PATTERNS: dict[str, Callable[[Canvas, float, float, float, float], None]] = {
    "solid": _solid,
    "hatch": _falling,
    "diagonal": _rising,
    "cross": _crossed,
    "lines": _across,
    "dots": _dotted,
}


def _mark(canvas: Canvas, x: float, y: float) -> None:
    """The conflict mark centred on (``x``, ``y``): "!" in white on a red disc, which prints
    dark in grey."""
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.circle(x, y, MARK / 2 + 0.8, stroke=0, fill=1)
    canvas.setFillColor(RED)
    canvas.circle(x, y, MARK / 2, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(BOLD, MARK - 2)
    canvas.drawCentredString(x, y - (MARK - 2) * 0.36, "!")
    canvas.restoreState()


class _Swatch(Flowable):
    """A type's look in the legend."""

    def __init__(self, colour: str, pattern: str) -> None:
        super().__init__()
        self.colour, self.pattern = colour, pattern
        self.width, self.height = 16.0, 12.0

    def draw(self) -> None:
        _swatch(self.canv, 0, 0, self.width, self.height, self.colour, self.pattern)
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.5)
        self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)


class _Mark(Flowable):
    """The conflict mark on its own: in the legend and before each conflict."""

    def __init__(self) -> None:
        super().__init__()
        self.width = self.height = MARK + 2

    def draw(self) -> None:
        _mark(self.canv, self.width / 2, self.height / 2)
