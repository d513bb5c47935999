"""The maintenance lists on paper (app/maintenance/lists_pdf.py) and from the calendar page:
the overdue occurrences and the next 14 days with their status in words, the filters named,
a list with nothing in it said so, a filter on something removed refused in words; the page
saves them (and opens the file) and prints them through the print dialog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.cli import main
from app.context import AppContext
from app.errors import NotFoundError
from app.maintenance.calendar import CalendarFilter
from app.maintenance.lists_pdf import lists_pdf
from tests.conftest import NOW, Org, as_manager, make_org, migrated_database
from tests.test_maintenance_page import open_page
from tests.test_maintenance_tasks import add
from tests.test_roster_pdf import pages_of

ALT = Qt.KeyboardModifier.AltModifier


def test_the_lists_show_what_is_overdue_and_what_comes(engine: Engine, org: Org) -> None:
    add(engine, org)  # Tuesdays 22:00 at HQ from 3 Nov: three overdue at "now" (24 Nov)
    text = " ".join(pages_of(lists_pdf(engine, NOW, CalendarFilter())))
    assert "Maintenance: overdue and the next 14 days" in text
    assert "all sites" in text
    assert "Overdue (3)" in text and "Next 14 days (2)" in text
    for day in ("Tue 03 Nov 2026", "Tue 10 Nov 2026", "Tue 17 Nov 2026"):
        assert f"{day} 22:00–23:00 ⚠ Overdue" in text
    assert "Tue 24 Nov 2026 22:00–23:00 ○ Scheduled" in text
    assert "Tue 01 Dec 2026" in text and "Tue 08 Dec" not in text  # 14 days on: 8 Dec 10:00
    assert "Bob Tech" in text and "mail unavailable" in text


def test_a_filter_is_named_and_an_empty_list_said(engine: Engine, org: Org) -> None:
    add(engine, org)
    text = " ".join(pages_of(lists_pdf(engine, NOW, CalendarFilter(site_id=org.branch))))
    assert "NY" in text and "all sites" not in text
    assert "Nothing is overdue." in text and "Nothing is planned." in text
    with pytest.raises(NotFoundError) as refused:
        lists_pdf(engine, NOW, CalendarFilter(team_id=org.hq))  # not a team's id
    assert "That team no longer exists" in str(refused.value)


def test_the_page_saves_the_lists_and_opens_them(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    in_london: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    add(context.engine, org)
    opened: list[QUrl] = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *_args: (str(tmp_path / "lists"), "PDF files (*.pdf)")),
    )

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    page = open_page(qtbot, context)  # Ann: reading and printing are everyone's
    assert page.pdf_button.isEnabled()
    page.pdf_button.click()
    qtbot.waitUntil(lambda: bool(opened))
    target = tmp_path / "lists.pdf"
    assert opened == [QUrl.fromLocalFile(str(target))]
    assert page.outcome.result.text() == f"Saved the maintenance lists to {target} and opened it."
    assert "Overdue (3)" in " ".join(pages_of(target.read_bytes()))


def test_the_page_prints_the_lists_through_the_print_dialog(
    qtbot: QtBot, context: AppContext, org: Org, in_london: None
) -> None:
    add(context.engine, org)
    page = open_page(qtbot, as_manager(context, org))
    qtbot.keyClick(page.grid, Qt.Key.Key_L, ALT)  # Print the &lists…
    qtbot.waitUntil(lambda: page.findChild(QPrintDialog) is not None)
    dialog = page.findChild(QPrintDialog)
    assert dialog is not None
    assert dialog.windowTitle() == "Print the maintenance lists"
    assert (dialog.minPage(), dialog.maxPage()) == (1, 1)
    dialog.reject()
    assert page.model.day_at(page.grid.currentIndex()) == date(2026, 11, 24)


def test_the_command_writes_the_lists_of_a_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with migrated_database("sqlite", tmp_path) as engine:
        org = make_org(engine)
        add(engine, org)
    db = ["--db", str(tmp_path / "switchboard.db")]
    out = tmp_path / "lists.pdf"
    assert main(["maintenance", "lists", "--out", str(out), "--site", "HQ", *db]) == 0
    assert capsys.readouterr().out == (
        f"Wrote the overdue maintenance and the next 14 days to {out}\n"
    )
    text = " ".join(pages_of(out.read_bytes()))
    assert "HQ" in text and "Mail server patching" in text
    assert main(["maintenance", "lists", "--out", str(out), "--site", "XX", *db]) == 2
    assert "XX" in capsys.readouterr().err
