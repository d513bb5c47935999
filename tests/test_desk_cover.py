"""Desk cover on the Sites page, driven by keys: a manager adds bands (each new one the next
weekday with the last one's hours), changes the on-call limit and saves; a band the service
refuses is marked at its row with nothing saved; a band is removed; an operator reads the
cover with the refusal said. The summary in words groups weekdays with the same bands."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.permissions import Action, refusal
from app.roster.coverage import Band, coverage_bands, set_coverage_bands
from app.roster.limits import max_on_call_weeks
from tests.conftest import Org, as_manager
from ui.roster.cover_dialog import CoverDialog, cover_text
from ui.settings.sites_page import SitesPage

pytestmark = pytest.mark.usefixtures("in_london")
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
WEEKDAY_BANDS = tuple(Band(day, "08:00", "17:00", 2) for day in range(5))


def open_sites(qtbot: QtBot, context: AppContext) -> SitesPage:
    page = SitesPage(context)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    qtbot.waitUntil(lambda: page.fields.code_edit.text() == "HQ" and bool(page.cover_label.text()))
    return page


def open_cover(qtbot: QtBot, page: SitesPage) -> CoverDialog:
    """Alt+K (Des&k cover…), once the dialog has the keyboard."""
    qtbot.keyClick(page.table, Qt.Key.Key_K, ALT)
    qtbot.waitUntil(lambda: page.findChild(CoverDialog) is not None)
    dialog = page.findChild(CoverDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def add_band(qtbot: QtBot, dialog: CoverDialog) -> None:
    """Alt+A (Add band), once the band is there (a mnemonic clicks after a short flash)."""
    count = len(dialog.editor.rows)
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: len(dialog.editor.rows) == count + 1)


def retype(qtbot: QtBot, edit: object, text: str) -> None:
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)  # type: ignore[arg-type]
    qtbot.keyClicks(edit, text)  # type: ignore[arg-type]


def test_the_summary_says_weekdays_with_the_same_bands_once() -> None:
    bands = (
        *WEEKDAY_BANDS,
        *(Band(day, "17:00", "19:00", 1) for day in range(5)),
        Band(5, "09:00", "13:00", 1),
    )
    assert cover_text(sorted(bands, key=lambda b: (b.weekday, b.starts))) == (
        "Monday to Friday: 08:00-17:00 at least 2, 17:00-19:00 at least 1\n"
        "Saturday: 09:00-13:00 at least 1"
    )
    assert cover_text(()) == ""


def test_a_manager_adds_bands_by_keys_and_changes_the_on_call_limit(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = open_sites(qtbot, as_manager(context, org))
    assert page.cover_label.text().startswith("No minimums")
    assert "On call at most 2 of any 4 weeks" in page.cover_label.text()
    dialog = open_cover(qtbot, page)
    assert dialog.editor.empty.isVisible()
    assert QApplication.focusWidget() is dialog.editor.add_button

    add_band(qtbot, dialog)  # Monday 08:00-17:00, at least 1
    first = dialog.editor.rows[0]
    assert QApplication.focusWidget() is first.weekday
    qtbot.keyClick(first.weekday, Qt.Key.Key_Tab)
    retype(qtbot, first.starts, "07:00")
    qtbot.keyClick(first.starts, Qt.Key.Key_Tab)  # to the end
    qtbot.keyClick(first.ends, Qt.Key.Key_Tab)  # to "at least"
    qtbot.keyClick(first.minimum, Qt.Key.Key_Up)
    add_band(qtbot, dialog)  # Tuesday, the same hours
    assert dialog.editor.rows[1].band() == Band(1, "07:00", "17:00", 2)
    qtbot.keyClick(dialog, Qt.Key.Key_L, ALT)  # On-call &limit
    qtbot.keyClick(dialog.limit_spin, Qt.Key.Key_Up)

    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_S, ALT)
    assert coverage_bands(context.engine, org.hq) == (
        Band(0, "07:00", "17:00", 2),
        Band(1, "07:00", "17:00", 2),
    )
    assert max_on_call_weeks(context.engine) == 3
    qtbot.waitUntil(
        lambda: (
            page.cover_label.text()
            == "Monday to Tuesday: 07:00-17:00 at least 2\nOn call at most 3 of any 4 weeks "
            "(every site)."
        )
    )
    assert page.result_line.text() == (
        "Saved the desk cover of HQ. On call at most 3 of any 4 weeks, at every site."
    )


def test_a_band_refused_is_marked_at_its_row_and_nothing_is_saved(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    set_coverage_bands(context.engine, org.mia, org.hq, WEEKDAY_BANDS)
    page = open_sites(qtbot, as_manager(context, org))
    dialog = open_cover(qtbot, page)
    assert [row.band() for row in dialog.editor.rows] == list(WEEKDAY_BANDS)
    wednesday, friday = dialog.editor.rows[2], dialog.editor.rows[4]
    retype(qtbot, wednesday.ends, "07:00")  # ends before it starts
    add_band(qtbot, dialog)  # a sixth band: Saturday...
    saturday = dialog.editor.rows[5]
    saturday.weekday.setFocus()
    qtbot.keyClick(saturday.weekday, Qt.Key.Key_Up)  # ...made a second Friday one
    retype(qtbot, friday.ends, "18:00")  # which the first Friday band now overlaps
    qtbot.keyClick(friday.ends, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: wednesday.error.isVisible())
    assert wednesday.error.text() == (
        "The band ends (07:00) before it starts (08:00); a band lies within one day, so split "
        "one across midnight into two."
    )
    assert saturday.error.isVisible() and "overlaps 08:00-18:00 on Friday" in saturday.error.text()
    assert not dialog.editor.rows[0].error.isVisible()
    assert dialog.isVisible()
    assert coverage_bands(context.engine, org.hq) == WEEKDAY_BANDS


def test_a_band_is_removed_and_the_rest_saved(qtbot: QtBot, context: AppContext, org: Org) -> None:
    set_coverage_bands(context.engine, org.mia, org.hq, WEEKDAY_BANDS)
    page = open_sites(qtbot, as_manager(context, org))
    dialog = open_cover(qtbot, page)
    friday = dialog.editor.rows[4]
    friday.remove_button.setFocus()
    qtbot.keyClick(friday.remove_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(dialog.editor.rows) == 4)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_S, ALT)
    assert coverage_bands(context.engine, org.hq) == WEEKDAY_BANDS[:4]
    assert page.result_line.text() == "Saved the desk cover of HQ."
    qtbot.waitUntil(lambda: page.cover_label.text().startswith("Monday to Thursday: "))


def test_an_operator_reads_the_cover_with_the_refusal_said(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    set_coverage_bands(context.engine, org.mia, org.hq, WEEKDAY_BANDS)
    page = open_sites(qtbot, context)
    qtbot.waitUntil(lambda: page.cover_label.text().startswith("Monday to Friday"))
    assert not page.cover_button.isEnabled()
    assert page.cover_button.toolTip() == refusal(Action.EDIT_ROSTER)
    assert page.cover_note.isVisible() and page.cover_note.text() == refusal(Action.EDIT_ROSTER)
    page.edit_cover()
    assert page.findChild(CoverDialog) is None


def test_a_new_site_sets_its_cover_once_saved(qtbot: QtBot, context: AppContext, org: Org) -> None:
    page = open_sites(qtbot, as_manager(context, org))
    qtbot.keyClick(page.table, Qt.Key.Key_N, ALT)  # &New site
    qtbot.waitUntil(lambda: page.title.text() == "New site")
    assert not page.cover_button.isEnabled()
    assert page.cover_note.text() == "Save the new site first, then set its desk cover."
