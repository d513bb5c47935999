"""What every PDF Switchboard prints shares: its embedded font, its inks, paragraph styles,
the footer that says when it was printed, the running header of later pages, and "Page n of
m" on every page.

DejaVu Sans is embedded because reportlab's built-in fonts cover Latin-1 only, and staff are
called Łukasz and Ngọc too; Switchboard brings its own copy (``resources/fonts``), so a PDF is
the same on Windows, macOS and any Linux. reportlab is imported only where a PDF is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from app.errors import SwitchboardError
from models.clock import utcnow
from resources import resource_path

REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FONT_FOLDER = resource_path("fonts")  # Switchboard's own copy, with its licence
MARGIN = 12 * mm
EDGE = MARGIN + 6  # where the words start: platypus pads its frame by 6 points

TEXT = colors.HexColor("#263238")
MUTED = colors.HexColor("#607d8b")
RED = colors.HexColor("#c62828")
RULE = colors.HexColor("#b0bec5")
HEAD = colors.HexColor("#e3e8eb")
STRIPE = colors.HexColor("#f5f7f8")


def find_font(file_name: str, folder: Path = FONT_FOLDER) -> Path:
    """``file_name`` in Switchboard's font folder; a message saying what to do when it is
    not there (only a damaged installation lacks it)."""
    if (folder / file_name).is_file():
        return folder / file_name
    raise SwitchboardError(
        f"The PDF needs the DejaVu Sans font ({file_name}) that comes with Switchboard, and it "
        f"is missing from {folder}: this installation is incomplete. Install Switchboard again "
        "(pip install --force-reinstall, or a fresh copy of the program's folder) and print "
        "again."
    )


def register_fonts() -> None:
    """DejaVu Sans and its bold, once per process (reportlab's registry is global)."""
    if BOLD in pdfmetrics.getRegisteredFontNames():
        return
    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(find_font(f"{name}.ttf"))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


def style(name: str, size: float, *, bold: bool = False, **more: Any) -> ParagraphStyle:
    """A paragraph style in DejaVu Sans (registered first: a paragraph measures its text when
    it is made); ``more`` sets or overrides the rest."""
    register_fonts()
    return ParagraphStyle(
        name,
        **{
            "fontName": BOLD if bold else REGULAR,
            "fontSize": size,
            "leading": size * 1.25,
            "textColor": TEXT,
            **more,
        },
    )


def heading_style(name: str) -> ParagraphStyle:
    """A section's heading, kept with what follows it."""
    return style(name, 11, bold=True, spaceBefore=10, spaceAfter=4, keepWithNext=1)


class Heading(Paragraph):
    """A heading that is also a bookmark in the PDF's outline and a line of its table of
    contents (``level`` 0 for a section, 1 for a part of one)."""

    def __init__(self, text: str, level: int, paragraph_style: ParagraphStyle) -> None:
        super().__init__(text, paragraph_style)
        self.level = level


class _OutlinedDocument(SimpleDocTemplate):
    """A document that bookmarks each :class:`Heading` where it lands and tells the table of
    contents its page (so :meth:`multiBuild` can fill the page numbers in); ``laid_out``
    hears of every flowable placed (how far a long build has got, or a chance to stop it)."""

    laid_out: Callable[[], None] | None = None

    def afterFlowable(self, flowable: Flowable) -> None:
        if self.laid_out is not None:
            self.laid_out()
        if not isinstance(flowable, Heading):
            return
        text = flowable.getPlainText()
        key = f"heading-{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=flowable.level, closed=flowable.level > 0)
        self.notify("TOCEntry", (flowable.level, text, self.page, key))


def build(
    story: Sequence[Flowable],
    pagesize: tuple[float, float],
    *,
    title: str,
    author: str,
    subject: str,
    running: str,
    laid_out: Callable[[], None] | None = None,
) -> bytes:
    """``story`` as a PDF on ``pagesize`` pages: the time it was printed at the foot of each
    page, "Page n of m" beside it, and ``running`` at the head of every page after the
    first. A story with :class:`Heading` flowables gets an outline (bookmarks), and a
    ``TableOfContents`` in it gets their page numbers. ``laid_out`` is called after each
    flowable is placed (on every pass of the build)."""
    register_fonts()
    printed = f"Printed {utcnow().astimezone():%a %d %b %Y %H:%M}"

    def first_page(canvas: Canvas, _doc: Any) -> None:
        _footer(canvas, printed)

    def later_page(canvas: Canvas, _doc: Any) -> None:
        _footer(canvas, printed)
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(EDGE, pagesize[1] - MARGIN + 4, running)

    out = BytesIO()
    document = _OutlinedDocument(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6,
        bottomMargin=MARGIN + 6,
        title=title,
        author=author,
        subject=subject,
        creator="Switchboard",
    )
    document.laid_out = laid_out
    document.multiBuild(
        list(story), onFirstPage=first_page, onLaterPages=later_page, canvasmaker=_NumberedCanvas
    )
    return out.getvalue()


def _footer(canvas: Canvas, printed: str) -> None:
    canvas.saveState()
    canvas.setFont(REGULAR, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(EDGE, MARGIN - 2, printed)
    canvas.restoreState()
    if isinstance(canvas, _NumberedCanvas):
        canvas.page_number()


class _NumberedCanvas(Canvas):
    """A canvas that writes "Page n of m" on each page as it goes: m is a form (a PDF
    XObject) drawn on every page and defined once the last page is done. Pages are written
    in order, so bookmarks point at the pages they were made on (keeping pages back until
    m is known, the usual recipe, sends every bookmark to the first page)."""

    TOTAL = "page-total"

    def page_number(self) -> None:
        """ "Page n of " and the form that will say m, right of the footer."""
        label = f"Page {self.getPageNumber()} of "
        room = pdfmetrics.stringWidth("0000", REGULAR, 7.5)
        right = self._pagesize[0] - EDGE
        self.saveState()
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.drawRightString(right - room, MARGIN - 2, label)
        self.translate(right - room, MARGIN - 2)
        self.doForm(self.TOTAL)
        self.restoreState()

    def save(self) -> None:
        self.beginForm(self.TOTAL)
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()
