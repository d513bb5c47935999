"""Printing a PDF that Switchboard made, through Qt's print dialog: the printer, the pages,
the copies, as a person expects from any program.

Qt draws a PDF only through QtPdf, which PySide6-Essentials does not have; pdfium
(``pypdfium2``) renders each page instead, at the printer's resolution up to
:data:`MOST_DPI`, and the page is painted onto the printer. Both run in a worker thread
(Qt lets a thread paint onto a ``QPrinter`` it alone uses), so the window stays responsive
while a long document prints; pdfium serves one thread at a time (:data:`_PDFIUM`).

The PDF's own page size and orientation are what the dialog starts from; each page is
scaled to fit the printable area, keeping its shape.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QSize, QSizeF, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget

from app.errors import SwitchboardError
from ui.kit.tasks import run_task

MOST_DPI = 300  # sharper than any printer shows a table, and a page fits in 40 MB
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PdfFacts:
    """What the print dialog starts from: the page count and the first page's size."""

    pages: int
    width: float  # points
    height: float  # points


def pdf_facts(pdf: Path) -> PdfFacts:
    """The page count and first page size of ``pdf`` (in a worker thread)."""
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            width, height = document[0].get_size()
            return PdfFacts(len(document), width, height)
        finally:
            document.close()


def printer_for(facts: PdfFacts, title: str) -> QPrinter:
    """A printer set up for the PDF: its page size (A4, Letter…), its orientation, its
    title in the print queue, and every page."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    landscape = facts.width > facts.height
    portrait_size = QSize(
        round(min(facts.width, facts.height)), round(max(facts.width, facts.height))
    )
    printer.setPageSize(QPageSize(portrait_size, "", QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    printer.setFromTo(1, facts.pages)
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    return printer


def print_pages(pdf: Path, printer: QPrinter) -> int:
    """Paint the pages of ``pdf`` the printer was told to print (all, or its from-to
    range) onto it; the number printed. Runs in a worker thread."""
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            return _paint(document, printer)
        finally:
            document.close()


def _paint(document: pdfium.PdfDocument, printer: QPrinter) -> int:
    count = len(document)
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(printer.fromPage(), 1), min(printer.toPage() or count, count)
    if first > last:
        raise SwitchboardError(
            f"The document has {count} pages; choose pages from 1 to {count} and print again."
        )
    dpi = min(printer.resolution(), MOST_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise SwitchboardError(
            f"The printer {printer.printerName() or printer.outputFileName()} could not be "
            "started. Check that it is on and connected, or choose another, and print again."
        )
    try:
        for number in range(first, last + 1):
            if number > first:
                printer.newPage()
            image = _image(document[number - 1], dpi)
            area = QRectF(painter.viewport())
            size = QSizeF(image.size()).scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(area.topLeft(), size)
            target.moveCenter(area.center())
            painter.drawImage(target, image)
    finally:
        painter.end()
    return last - first + 1


def _image(page: pdfium.PdfPage, dpi: int) -> QImage:
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB, 3 bytes a pixel
    image = QImage(
        bytes(bitmap.buffer),
        bitmap.width,
        bitmap.height,
        bitmap.stride,
        QImage.Format.Format_RGB888,
    )
    return image.copy()  # its own pixels: the buffer above goes with the bitmap


def print_pdf(
    parent: QWidget,
    pdf: Path,
    facts: PdfFacts,
    title: str,
    printed: Callable[[str], None],
    failed: Callable[[Exception], None],
) -> QPrintDialog:
    """Open the print dialog (window-modal) for ``pdf``; once the person prints, print in
    the background and call ``printed(what was done, in words)`` or ``failed(error)``.
    Cancelling does nothing more. The dialog is returned for whoever wants to watch it."""
    printer = printer_for(facts, title)
    dialog = QPrintDialog(printer, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowTitle(f"Print {title}")
    dialog.setMinMax(1, facts.pages)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)

    def chosen() -> None:
        file = printer.outputFileName()
        where = f"the file {file}" if file else printer.printerName() or "the printer"
        run_task(
            lambda: print_pages(pdf, printer),
            lambda count: printed(f"Printed {title} ({_pages(count)}) on {where}."),
            failed,
            parent=parent,
        )

    dialog.accepted.connect(chosen)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog


def _pages(count: int) -> str:
    return "1 page" if count == 1 else f"{count} pages"


def print_made(
    parent: QWidget,
    make: Callable[[Path], None],
    title: str,
    tell: Callable[[str], None],
    failed: Callable[[Exception], None],
) -> None:
    """Print what ``make(path)`` writes as a PDF: made into a temporary file off the GUI
    thread, then the print dialog for it (:func:`print_pdf`). ``tell`` says how it goes;
    the file goes once printed, cancelled or failed."""

    def made() -> tuple[Path, PdfFacts]:
        handle, name = tempfile.mkstemp(prefix="switchboard-", suffix=".pdf")
        os.close(handle)
        target = Path(name)
        try:
            make(target)
            return target, pdf_facts(target)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    def ask(result: tuple[Path, PdfFacts]) -> None:
        pdf, facts = result
        tell("")

        def printed(said: str) -> None:
            pdf.unlink(missing_ok=True)
            tell(said)

        def failed_printing(error: Exception) -> None:
            pdf.unlink(missing_ok=True)
            failed(error)

        dialog = print_pdf(parent, pdf, facts, title, printed, failed_printing)
        dialog.rejected.connect(lambda: pdf.unlink(missing_ok=True))

    tell(f"Preparing {title} to print…")
    run_task(made, ask, failed, parent=parent)


def save_and_open(
    parent: QWidget,
    make: Callable[[Path], None],
    what: str,
    suggested: str,
    tell: Callable[[str], None],
    failed: Callable[[Exception], None],
) -> None:
    """Save as PDF… : ask where (in the Documents folder, as ``suggested``), write it there
    off the GUI thread with ``make(path)``, then open it in the person's PDF viewer (or say
    where it is). ``what`` names it in the messages: "the week"."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    name, _filter = QFileDialog.getSaveFileName(
        parent, f"Save {what} as PDF", str(Path(folder) / suggested), "PDF files (*.pdf)"
    )
    if not name:
        return
    target = Path(name if name.lower().endswith(".pdf") else f"{name}.pdf")

    def saved(_none: object) -> None:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            tell(f"Saved {what} to {target} and opened it.")
        else:
            tell(f"Saved {what} to {target}.")

    tell(f"Saving {what} as a PDF…")
    run_task(lambda: make(target), saved, failed, parent=parent)
