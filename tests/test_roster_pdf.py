"""The roster week on paper: the PDF read back with pypdf (landscape A4, the title, accented
names, shifts at another site, a conflict and a gap in words, the legend), a long roster split
over pages with the day header and the running header on each, the filters named, a crowded
day counted, a missing font said in words; ``switchboard roster pdf`` writing the file and
refusing a bad week or site in one line; and the roster page's "Print the week…" (Alt+K)
saving what is shown, filters kept across a refresh, and opening it, driven by keys."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, update
from sqlmodel import col

from app.cli import main
from app.context import AppContext
from app.errors import NotFoundError, SwitchboardError
from app.org.organisation import save_organisation
from app.paper import find_font
from app.roster.coverage import Band, set_coverage_bands
from app.roster.pdf import roster_pdf
from models.engine import write_session
from models.enums import StaffRole
from models.org import Staff
from models.roster import Shift
from resources import resource_path
from tests.conftest import Org, make_org, migrated_database
from tests.test_roster_page import open_page
from tests.test_roster_shifts import add_shift, type_id
from ui.kit import print_pdf
from ui.kit.tasks import pending as pending_tasks
from ui.roster.page import RosterPage

ALT = Qt.KeyboardModifier.AltModifier
MONDAY = date(2026, 11, 30)  # week 49
TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
DAY_HEADER = [
    "Mon 30 Nov",
    "Tue 01 Dec",
    "Wed 02 Dec",
    "Thu 03 Dec",
    "Fri 04 Dec",
    "Sat 05 Dec",
    "Sun 06 Dec",
]
ACCENTED = "Zoë Łukasiewicz-Núñez"


def pages_of(data: bytes) -> list[str]:
    """Each page's text, its white space made single spaces (a wrapped line reads on)."""
    reader = PdfReader(BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def a_week_to_print(engine: Engine, org: Org) -> None:
    """Ann (renamed with accents) at the HQ desk on Monday, when HQ wants two people from 9
    to 11; Bob at the desk on Tuesday while on leave, and at the New York desk on Wednesday.
    Both are based at HQ on 37.5 hours."""
    save_organisation(engine, org.ada, name="Ærø Kommune IT")
    with write_session(engine) as session:
        session.execute(update(Staff).where(col(Staff.id) == org.ann).values(name=ACCENTED))
        session.execute(
            update(Staff)
            .where(col(Staff.id).in_([org.ann, org.bob]))
            .values(home_site_id=org.hq, contracted_minutes=37 * 60 + 30)
        )
    set_coverage_bands(engine, org.mia, org.hq, [Band(0, "09:00", "11:00", 2)])
    add_shift(engine, org, org.ann, "Desk early", MONDAY, "07:00", "15:00")
    add_shift(engine, org, org.bob, "Leave", TUESDAY, "00:00", "00:00")
    add_shift(engine, org, org.bob, "Desk early", TUESDAY, "07:00", "15:00")
    add_shift(engine, org, org.bob, "Desk early", WEDNESDAY, "07:00", "15:00", site_id=org.branch)


def test_the_week_prints_on_landscape_a4_with_its_conflicts_gaps_and_legend(
    engine: Engine, org: Org
) -> None:
    a_week_to_print(engine, org)

    data = roster_pdf(engine, MONDAY, site_id=org.hq)

    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 on its side
    assert reader.metadata is not None
    assert reader.metadata.title == "Roster — week 49: 30 Nov – 6 Dec 2026 — HQ"
    [text] = pages_of(data)
    assert text.index("Ærø Kommune IT") < text.index("Roster — week 49: 30 Nov – 6 Dec 2026 — HQ")
    assert " ".join(["Person", *DAY_HEADER]) in text
    assert text.index("Bob Tech") < text.index(ACCENTED)  # rows by name, accents kept
    assert f"{ACCENTED} HQ · 8 of 37.5 h Desk early 07:00-15:00" in text
    assert "Bob Tech HQ · 16 of 37.5 h Leave all day Desk early 07:00-15:00 !" in text
    assert "Desk early at NY 07:00-15:00" in text  # away from home, the site is named
    assert (
        "Conflicts (1) ! Work during leave or sickness: Bob Tech: Desk early Tue 01 Dec "
        "07:00-15:00 at HQ during Leave Tue 01 Dec 00:00-00:00 at HQ"
    ) in text
    assert "Gaps in the desk's cover (1)" in text and "Mon 30 Nov 09:00-11:00 at HQ: 1 of 2" in text
    for legend in (
        "Shift types",
        "Desk early At the desk, usually 07:00-15:00",
        "Desk late At the desk, usually 11:00-19:00",
        "On call On call, usually 17:00-08:00 (next day)",
        "Leave Leave, all day",
        "Sick Sick, all day",
        "Training Training, usually 09:00-17:00",
        "Conflict listed after the grid",
    ):
        assert legend in text
    assert "Page 1 of 1" in text


def test_a_quiet_week_says_it_has_no_conflicts_or_gaps_and_names_its_filters(
    engine: Engine, org: Org
) -> None:
    add_shift(engine, org, org.bob, "On call", MONDAY, "17:00", "08:00")

    [text] = pages_of(roster_pdf(engine, MONDAY, team_id=org.network))

    assert "Roster — week 49: 30 Nov – 6 Dec 2026 — all sites — Network" in text
    assert "Bob Tech" in text and "Ann Operator" not in text  # the team's people only
    assert "No conflicts this week." in text
    assert "No gaps in the desk's cover this week." in text

    [text] = pages_of(roster_pdf(engine, MONDAY + timedelta(days=28), site_id=org.branch))
    assert "Roster — week 53: 28 Dec 2026 – 3 Jan 2027 — NY" in text
    assert "Nobody is on the roster this week with these filters." in text


def test_sixty_people_split_over_pages_each_with_the_day_header(engine: Engine, org: Org) -> None:
    names = [f"Person {number:02d}" for number in range(1, 61)]
    desk = type_id(engine, "Desk early")
    with write_session(engine) as session:
        for number, name in enumerate(names, start=1):
            person = Staff(
                name=name, username=f"p{number:02d}", role=StaffRole.OPERATOR, home_site_id=org.hq
            )
            session.add(person)
            session.flush()
            session.add(
                Shift(
                    staff_id=person.id,
                    shift_type_id=desk,
                    site_id=org.hq,
                    starts_at=datetime(2026, 11, 30, 7, tzinfo=UTC) + timedelta(days=number % 7),
                    ends_at=datetime(2026, 11, 30, 15, tzinfo=UTC) + timedelta(days=number % 7),
                )
            )

    pages = pages_of(roster_pdf(engine, MONDAY, site_id=org.hq))

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert " ".join(["Person", *DAY_HEADER]) in text  # the header row, on every page
        assert f"Page {number} of {len(pages)}" in text
        if number > 1:  # the running header, above it
            assert (
                " ".join(["Roster — week 49: 30 Nov – 6 Dec 2026 — HQ Person", *DAY_HEADER]) in text
            )
    everything = " ".join(pages)
    for name in names:  # each person once: no row lost or doubled where a page ends
        assert everything.count(f"{name} HQ") == 1


def test_a_crowded_day_draws_its_first_shifts_and_counts_the_rest(engine: Engine, org: Org) -> None:
    for hour in range(10):
        add_shift(engine, org, org.bob, "Desk early", MONDAY, f"{hour:02d}:00", f"{hour:02d}:30")

    [text] = pages_of(roster_pdf(engine, MONDAY))

    assert text.count("Desk early at HQ") == 7 and "+ 3 more" in text
    with pytest.raises(NotFoundError, match="That site no longer exists"):
        roster_pdf(engine, MONDAY, site_id=uuid.uuid4())


def test_the_font_comes_with_switchboard_and_a_missing_one_says_what_to_do(
    tmp_path: Path,
) -> None:
    assert find_font("DejaVuSans-Bold.ttf") == resource_path("fonts", "DejaVuSans-Bold.ttf")
    with pytest.raises(SwitchboardError, match=r"DejaVu Sans font \(DejaVuSans.ttf\)") as said:
        find_font("DejaVuSans.ttf", tmp_path)
    assert "Install Switchboard again" in str(said.value) and str(tmp_path) in str(said.value)


def test_roster_pdf_writes_the_file_and_refuses_a_bad_week_or_site_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        add_shift(engine, org, org.bob, "Desk early", MONDAY, "07:00", "15:00")
    db = ["--db", str(tmp_path / "switchboard.db")]
    out = tmp_path / "roster.pdf"

    assert (
        main(["roster", "pdf", "--week", "2026-W49", "--site", "hq", "--out", str(out), *db]) == 0
    )
    assert capsys.readouterr().out == f"Wrote the roster of 2026-W49 to {out}\n"
    [text] = pages_of(out.read_bytes())
    assert "Roster — week 49: 30 Nov – 6 Dec 2026 — HQ" in text and "Bob Tech" in text
    written = out.read_bytes()

    assert (
        main(["roster", "pdf", "--week", "2026-W49", "--site", "XX", "--out", str(out), *db]) == 2
    )
    err = capsys.readouterr().err
    assert err == "switchboard: No site has the code 'XX'; the sites are HQ, NY.\n"
    assert out.read_bytes() == written  # the file written before is left as it was
    with pytest.raises(SystemExit) as usage:
        main(["roster", "pdf", "--week", "2026-W60", "--out", str(out), *db])
    assert usage.value.code == 2
    assert "'2026-W60' is not a week; write it as YYYY-Www" in capsys.readouterr().err
    database = str(tmp_path / "switchboard.db")
    assert main(["roster", "pdf", "--week", "2026-W49", "--out", database, *db]) == 2
    assert "never writes over one" in capsys.readouterr().err


@pytest.fixture
def bobs_late_shift(context: AppContext, org: Org, in_london: None) -> None:
    """Bob at the desk late on the Monday of the tests' "now", in the week a page prints."""
    add_shift(context.engine, org, org.bob, "Desk late", date(2026, 11, 23), "11:00", "19:00")


def test_save_as_pdf_saves_the_week_and_opens_it_for_anyone(
    qtbot: QtBot,
    context: AppContext,
    bobs_late_shift: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    asked: list[str] = []
    answer = [str(tmp_path / "week")]  # typed without ".pdf"
    opened: list[QUrl] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return answer[0], "PDF files (*.pdf)"

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    page = open_page(qtbot, context)  # Ann, an operator: reading and printing are everyone's
    assert page.pdf_button.isEnabled() and "opens it" in page.pdf_button.toolTip()
    qtbot.keyClick(page.grid, Qt.Key.Key_M, ALT)  # Tea&m
    qtbot.keyClick(page.team_combo, Qt.Key.Key_Down)  # Network: what is shown is printed
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.refresh()  # F5 (and coming back to the page) reads the filters' choices again...
    qtbot.waitUntil(lambda: not pending_tasks())
    assert page.team_combo.currentText() == "Network"  # ...and keeps the one chosen

    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)  # Save as PDF…
    qtbot.waitUntil(lambda: bool(opened))

    target = tmp_path / "week.pdf"
    assert Path(asked[0]).name == "roster-2026-W48.pdf"
    assert opened == [QUrl.fromLocalFile(str(target))]
    assert page.outcome.result.text() == (f"Saved the week to {target} and opened it.")
    [text] = pages_of(target.read_bytes())
    assert "Roster — week 48: 23 Nov – 29 Nov 2026 — all sites — Network" in text
    assert "Bob Tech" in text and "Ann Operator" not in text

    answer[0] = ""  # cancelled: nothing written, nothing said
    page.outcome.tell("")
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert page.outcome.result.text() == page.outcome.problem.text() == ""

    folder = tmp_path / "folder.pdf"  # a refused place: said under the buttons, not opened
    folder.mkdir()
    answer[0] = str(folder)
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.outcome.problem.text() != "")
    assert page.outcome.problem.text() == (
        f"{folder} is a folder; give a file name, such as roster-2026-W48.pdf."
    )
    assert page.outcome.result.text() == "" and len(opened) == 1


def test_print_the_week_asks_the_print_dialog_and_prints_the_pages(
    qtbot: QtBot,
    context: AppContext,
    bobs_late_shift: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    out = tmp_path / "printed.pdf"
    made: list[Path] = []
    real_printer, real_facts = print_pdf.printer_for, print_pdf.pdf_facts

    def to_file(facts: print_pdf.PdfFacts, title: str) -> QPrinter:
        """The printer a person picks as "Print to file": the dialog shows it chosen."""
        printer = real_printer(facts, title)
        printer.setOutputFileName(str(out))
        return printer

    def facts_of(pdf: Path) -> print_pdf.PdfFacts:
        made.append(pdf)
        return real_facts(pdf)

    monkeypatch.setattr(print_pdf, "printer_for", to_file)
    monkeypatch.setattr(print_pdf, "pdf_facts", facts_of)
    page = open_page(qtbot, context)  # Ann, an operator: printing is everyone's
    qtbot.keyClick(page.grid, Qt.Key.Key_K, ALT)  # Print the wee&k…
    qtbot.waitUntil(lambda: page.findChild(QPrintDialog) is not None)
    dialog = page.findChild(QPrintDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.windowTitle() == "Print the roster week of Mon 23 Nov 2026"
    assert dialog.printer().pageLayout().orientation() == QPageLayout.Orientation.Landscape
    assert dialog.printer().pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    assert (dialog.minPage(), dialog.maxPage()) == (1, 1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Print

    qtbot.waitUntil(lambda: page.outcome.result.text().startswith("Printed"))
    assert page.outcome.result.text() == (
        f"Printed the roster week of Mon 23 Nov 2026 (1 page) on the file {out}."
    )
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595  # landscape A4
    assert not made[0].exists()  # the week's PDF made to print is gone once printed
    # What was printed is the week, not a blank page.
    document = pdfium.PdfDocument(out)
    darkest, _lightest = document[0].render(scale=0.5).to_pil().convert("L").getextrema()
    document.close()
    assert darkest < 100


def test_printing_asked_for_as_the_page_opens_waits_for_the_week(
    qtbot: QtBot, context: AppContext, bobs_late_shift: None
) -> None:
    """File › Print the roster week… from another page opens the roster and prints."""
    page = RosterPage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.model.week is None  # still being read
    page.print_week()
    qtbot.waitUntil(lambda: page.findChild(QPrintDialog) is not None)
    dialog = page.findChild(QPrintDialog)
    assert dialog.windowTitle() == "Print the roster week of Mon 23 Nov 2026"
    dialog.reject()
