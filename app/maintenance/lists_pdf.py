"""The manager's two maintenance lists on paper: what is overdue, and what comes in the next
14 days, as an A4 PDF with the calendar page's filters.

It prints what the page's lists show, from the same one read
(:func:`app.maintenance.calendar.lists`): each occurrence with its time on its site's clock,
its status in words and symbol (so the page reads in black and white), the task, the site,
the owner (flagged when on leave then), and what is down. The tables split between pages
with their header repeated; the font, the footer and the page numbers are every PDF's
(:mod:`app.paper`). ``switchboard maintenance lists --out FILE`` writes the same file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle
from sqlalchemy import Engine, select
from sqlmodel import col

from app.errors import NotFoundError
from app.exports import write_output
from app.maintenance.calendar import CalendarFilter, Occurrence, lists
from app.paper import (
    BOLD,
    EDGE,
    HEAD,
    MUTED,
    REGULAR,
    RULE,
    STRIPE,
    TEXT,
    build,
    style,
)
from models.engine import read_connection
from models.org import Organisation, Site, Staff, Team
from models.people import Asset

WIDTH = A4[0] - 2 * EDGE
COLUMNS = ("When (site's clock)", "Status", "Task", "Site", "Owner", "Impact")
SHARES = (0.20, 0.13, 0.25, 0.06, 0.17, 0.19)  # of the width, in COLUMNS' order
SUGGESTED_NAME = "maintenance-lists.pdf"
ROOM = 4 * cm  # a heading lower on the page than this starts the next one


def lists_pdf(engine: Engine, now: datetime, which: CalendarFilter) -> bytes:
    """The overdue list and the next 14 days at ``now``, filtered as ``which``, as a PDF."""
    found = lists(engine, now, which)
    organisation, filters = _names(engine, which)
    title = "Maintenance: overdue and the next 14 days"
    about = f"{filters} · as of {now.astimezone():%a %d %b %Y %H:%M}"
    story: list[Flowable] = [
        *(
            [Paragraph(escape(organisation), style("organisation", 10, textColor=MUTED))]
            if organisation
            else []
        ),
        Paragraph(escape(title), style("title", 15, bold=True, spaceAfter=2)),
        Paragraph(escape(about), style("about", 8, textColor=MUTED, spaceAfter=6)),
        *_section(f"Overdue ({len(found.overdue)})", found.overdue, "Nothing is overdue."),
        *_section(f"Next 14 days ({len(found.coming)})", found.coming, "Nothing is planned."),
        Paragraph(
            "○ scheduled · ◐ in progress · ⚠ overdue · ✓ done · ✓! done late · ∅ skipped · "
            "↷ moved · ⚑ owner on leave (from the roster)",
            style("legend", 7.5, textColor=MUTED, spaceBefore=8),
        ),
    ]
    return build(
        story,
        A4,
        title=title,
        author=organisation,
        subject="Maintenance lists",
        running=" · ".join(part for part in (organisation, title, filters) if part),
    )


def save_lists_pdf(engine: Engine, now: datetime, target: Path, which: CalendarFilter) -> None:
    """Write the lists' PDF to ``target``; a failed write leaves whatever was there."""
    data = lists_pdf(engine, now, which)
    write_output(target, SUGGESTED_NAME, lambda partial: partial.write_bytes(data))


def _section(heading: str, rows: list[Occurrence], empty: str) -> list[Flowable]:
    # A long list starts under its heading on the same page and splits across the next
    # (keeping the heading with a whole table would leave a page nearly empty).
    said = Paragraph(escape(heading), style("heading", 11, bold=True, spaceBefore=10, spaceAfter=4))
    if not rows:
        return [
            CondPageBreak(ROOM),
            said,
            Paragraph(escape(empty), style("empty", 9, textColor=MUTED)),
        ]
    cell = style("cell", 8)
    body = [[Paragraph(escape(text), cell) for text in _cells(occurrence)] for occurrence in rows]
    header = [Paragraph(escape(title), style("head", 8, bold=True)) for title in COLUMNS]
    table = Table([header, *body], colWidths=[WIDTH * share for share in SHARES], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                ("FONT", (0, 0), (-1, 0), BOLD, 8),
                ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, STRIPE]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [CondPageBreak(ROOM), said, table]


def _cells(occurrence: Occurrence) -> tuple[str, ...]:
    starts, ends = occurrence.local(occurrence.starts_at), occurrence.local(occurrence.ends_at)
    end = f"{ends:%H:%M}" if ends.date() == starts.date() else f"{ends:%a %d %b %H:%M}"
    moved = " ↷" if occurrence.moved else ""
    away = " ⚑ on leave" if occurrence.owner_away else ""
    return (
        f"{starts:%a %d %b %Y %H:%M}–{end}{moved}",
        f"{occurrence.status.symbol} {occurrence.status.label}",
        occurrence.title + (f" ({occurrence.system})" if occurrence.system else ""),
        occurrence.site_code,
        occurrence.owner + away,
        occurrence.impact,
    )


def _names(engine: Engine, which: CalendarFilter) -> tuple[str, str]:
    """The organisation's name, and the filters in words ("HQ · Network" or "all sites")."""
    chosen = (
        (col(Site.id), col(Site.code), which.site_id, "site"),
        (col(Team.id), col(Team.name), which.team_id, "team"),
        (col(Staff.id), col(Staff.name), which.owner_id, "person"),
        (col(Asset.id), col(Asset.tag), which.asset_id, "asset"),
    )
    with read_connection(engine) as connection:
        organisation = connection.execute(
            select(col(Organisation.name)).where(col(Organisation.id) == 1)
        ).scalar()
        words = []
        for key, column, chosen_id, what in chosen:
            if chosen_id is None:
                continue
            name = connection.execute(select(column).where(key == chosen_id)).scalar()
            if name is None:
                raise NotFoundError(
                    f"That {what} no longer exists; choose another and print again."
                )
            words.append(str(name))
    return organisation or "", " · ".join(words) or "all sites"
