"""Printing a PDF through Qt (ui/kit/print_pdf.py): the printer starts from the document's
page size and orientation, every page or a chosen range is printed, each page is what the
PDF shows, and a range outside the document is refused in words."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.pdfgen.canvas import Canvas

from app.errors import SwitchboardError
from ui.kit.print_pdf import pdf_facts, print_pages, printer_for


def a_pdf(path: Path, pages: int, size: tuple[float, float]) -> Path:
    """``pages`` pages of ``size``, each with a black box on its left half."""
    canvas = Canvas(str(path), pagesize=size)
    for number in range(pages):
        canvas.rect(20, 20, size[0] / 2 - 20, size[1] - 40, stroke=0, fill=1)
        canvas.drawString(size[0] / 2 + 20, 40, f"page {number + 1}")
        canvas.showPage()
    canvas.save()
    return path


def to_file(printer: QPrinter, path: Path) -> Path:
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return path


def test_every_page_is_printed_in_the_documents_size_and_shape(
    qtbot: QtBot,  # a QApplication: printers need one
    tmp_path: Path,
) -> None:
    pdf = a_pdf(tmp_path / "letter.pdf", 3, landscape(LETTER))
    facts = pdf_facts(pdf)
    assert (facts.pages, round(facts.width), round(facts.height)) == (3, 792, 612)

    printer = printer_for(facts, "three pages")
    assert printer.docName() == "three pages"
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.Letter
    assert printer.pageLayout().orientation() == QPageLayout.Orientation.Landscape
    out = to_file(printer, tmp_path / "printed.pdf")
    assert print_pages(pdf, printer) == 3

    reader = PdfReader(out)
    assert len(reader.pages) == 3
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [792, 612]
    # The box is on the left, the right half is white: the page is the PDF's, not stretched.
    document = pdfium.PdfDocument(out)
    picture = document[1].render(scale=0.25).to_pil().convert("L")
    document.close()
    width, height = picture.size
    assert picture.getpixel((width // 4, height // 2)) < 60
    assert picture.getpixel((width * 7 // 8, height // 4)) > 200


def test_a_range_prints_those_pages_and_one_outside_is_refused(
    qtbot: QtBot, tmp_path: Path
) -> None:
    pdf = a_pdf(tmp_path / "a4.pdf", 3, (595.28, 841.89))
    facts = pdf_facts(pdf)
    printer = printer_for(facts, "a range")
    assert printer.pageLayout().orientation() == QPageLayout.Orientation.Portrait
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    out = to_file(printer, tmp_path / "two.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert print_pages(pdf, printer) == 2
    assert len(PdfReader(out).pages) == 2

    to_file(printer, tmp_path / "none.pdf")
    printer.setFromTo(5, 6)
    with pytest.raises(SwitchboardError, match="has 3 pages; choose pages from 1 to 3"):
        print_pages(pdf, printer)
