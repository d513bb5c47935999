"""The Sites and SLA policies pages, driven by keys: a manager edits a site (code, hours with a
split day, a closure) and the SLA targets (a default, an override, the preview); problems are
shown at their field; an operator reads both with the refusal said on the page."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.org.sites import add_closure, closures_of, site_detail
from app.org.sla_policies import current_policies
from app.permissions import Action, refusal
from models.enums import Priority
from tests.conftest import Org, answer_questions, as_manager
from ui.settings.site_dialogs import ClosureDialog
from ui.settings.sites_page import SitesPage
from ui.settings.sla_page import PolicyDialog, SlaPage

pytestmark = pytest.mark.usefixtures("in_london")
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _show(qtbot: QtBot, page: SitesPage | SlaPage) -> None:
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()


def _sites(qtbot: QtBot, context: AppContext) -> SitesPage:
    page = SitesPage(context)
    _show(qtbot, page)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2 and page.fields.code_edit.text() == "HQ")
    return page


def _sla(qtbot: QtBot, context: AppContext) -> SlaPage:
    page = SlaPage(context)
    _show(qtbot, page)
    qtbot.waitUntil(lambda: page.defaults.rowCount() == 4 and "due" in page.preview_line.text())
    return page


def _retype(qtbot: QtBot, edit: object, text: str) -> None:
    """Select what a field holds and type ``text`` over it, as a person would."""
    edit.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    if text:
        qtbot.keyClicks(edit, text)


def _active_dialog(qtbot: QtBot, page: object, kind: type) -> object:
    qtbot.waitUntil(lambda: page.findChild(kind) is not None)  # type: ignore[attr-defined]
    dialog = page.findChild(kind)  # type: ignore[attr-defined]
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


# -- sites ----------------------------------------------------------------------------------------


def test_a_manager_renames_a_sites_code_with_keys(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = _sites(qtbot, as_manager(context, org))
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.fields.code_edit.text() == "NY")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.fields.code_edit.hasFocus()
    qtbot.keyClicks(page.fields.code_edit, "NYC")
    qtbot.keyClick(page.fields.code_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: page.result_line.text() == "Saved NYC.")
    qtbot.waitUntil(lambda: page.title.text() == "NYC — New York")
    assert page.table.item(1, 0).text() == "NYC"
    assert site_detail(context.engine, org.branch).draft.code == "NYC"


def test_problems_are_shown_at_their_fields_and_nothing_is_saved(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = _sites(qtbot, as_manager(context, org))
    errors = page.fields.errors
    _retype(qtbot, page.fields.timezone_edit, "Europe/Londn")
    _retype(qtbot, page.fields.hours.days[2].times[1], "07:00")  # Wednesday closes before it opens
    qtbot.keyClick(page.fields.timezone_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: errors["timezone"].isVisible())
    assert "Europe/London" in errors["timezone"].text()
    wednesday = page.fields.hours.days[2].error
    assert wednesday.isVisible() and "Wednesday" in wednesday.text()
    assert page.problem_line.text() == "Not saved: see the fields marked."
    # Once the rest is right, the code is checked against the other sites.
    _retype(qtbot, page.fields.timezone_edit, "Europe/London")
    _retype(qtbot, page.fields.hours.days[2].times[1], "17:00")
    _retype(qtbot, page.fields.code_edit, "ny")
    qtbot.keyClick(page.fields.code_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: errors["code"].isVisible())
    assert errors["code"].text() == "NY is already the code of New York; choose another."
    assert not errors["timezone"].isVisible() and not wednesday.isVisible()
    assert site_detail(context.engine, org.hq).draft.code == "HQ"


def test_choosing_another_site_asks_before_losing_edits(
    qtbot: QtBot, context: AppContext, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _sites(qtbot, as_manager(context, org))
    _retype(qtbot, page.fields.name_edit, "London office")
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert asked == ["HQ — Head office has changes that are not saved. Discard them?"]
    assert page.current() is not None and page.current().code == "HQ"  # type: ignore[union-attr]
    assert page.fields.name_edit.text() == "London office" and not page.may_leave()
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.fields.name_edit.text() == "New York")
    assert not page.has_unsaved_changes()


def test_a_split_day_and_a_closed_day_are_saved_from_the_grid(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = _sites(qtbot, as_manager(context, org))
    monday, friday = page.fields.hours.days[0], page.fields.hours.days[4]
    _retype(qtbot, monday.times[1], "12:00")
    _retype(qtbot, monday.times[2], "13:00")
    _retype(qtbot, monday.times[3], "17:00")
    friday.open.setFocus()
    qtbot.keyClick(friday.open, Qt.Key.Key_Space)
    assert not friday.times[0].isEnabled()
    qtbot.keyClick(friday.open, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: page.result_line.text() == "Saved HQ.")
    hours = site_detail(context.engine, org.hq).draft.hours
    assert hours["0"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert hours["1"] == ["08:00", "17:00"] and "4" not in hours


def test_a_new_site_is_added_from_an_empty_editor(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = _sites(qtbot, as_manager(context, org))
    qtbot.keyClick(page.table, Qt.Key.Key_N, ALT)  # the button clicks a moment later
    qtbot.waitUntil(lambda: page.title.text() == "New site")
    assert page.fields.code_edit.hasFocus()
    assert not page.add_closure_button.isEnabled()
    assert "Save the new site first" in page.closures_note.text()
    qtbot.keyClicks(page.fields.code_edit, "ldn")
    _retype(qtbot, page.fields.name_edit, "London office")
    _retype(qtbot, page.fields.timezone_edit, "Europe/London")
    qtbot.keyClick(page.fields.name_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: page.table.rowCount() == 3)
    qtbot.waitUntil(lambda: page.title.text() == "LDN — London office")
    assert page.add_closure_button.isEnabled()


def test_a_closure_is_added_and_removed(
    qtbot: QtBot, context: AppContext, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _sites(qtbot, as_manager(context, org))
    qtbot.keyClick(page.table, Qt.Key.Key_A, ALT)
    dialog = _active_dialog(qtbot, page, ClosureDialog)
    assert isinstance(dialog, ClosureDialog)
    dialog.first_edit.setDate(QDate(2026, 12, 24))  # the last day follows
    assert dialog.last_edit.date() == QDate(2026, 12, 24)
    dialog.reason_edit.setFocus()
    qtbot.keyClicks(dialog.reason_edit, "Christmas Eve")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.closures.rowCount() == 1)
    assert page.closures.item(0, 0).text() == "Thu 24 Dec 2026"
    assert page.result_line.text() == "Closed Thu 24 Dec 2026."
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.closures.setFocus()
    page.closures.setCurrentCell(0, 0)
    qtbot.keyClick(page.closures, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.closures.rowCount() == 0)
    assert "Thu 24 Dec 2026" in asked[0]
    assert closures_of(context.engine, org.hq) == []


def test_a_closure_ending_before_it_starts_is_refused_in_the_dialog(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = _sites(qtbot, as_manager(context, org))
    page.add_closure()
    dialog = _active_dialog(qtbot, page, ClosureDialog)
    assert isinstance(dialog, ClosureDialog)
    dialog.first_edit.setDate(QDate(2026, 12, 24))
    dialog.last_edit.setDate(QDate(2026, 12, 20))
    dialog.reason_edit.setFocus()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    error = dialog._errors["last_day"]
    qtbot.waitUntil(error.isVisible)
    assert "before the first" in error.text() and dialog.isVisible()
    dialog.reject()


def test_an_operator_reads_sites_with_the_refusal_said(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    add_closure(context.engine, org.mia, org.hq, date(2026, 12, 24), date(2026, 12, 24))
    page = _sites(qtbot, context)
    qtbot.waitUntil(lambda: page.closures.rowCount() == 1)
    assert page.fields.code_edit.isReadOnly() and page.fields.timezone_edit.isReadOnly()
    assert not page.fields.hours.days[0].times[0].isEnabled()
    for button in (page.new_button, page.save_button, page.add_closure_button):
        assert not button.isEnabled()
    assert page.new_button.toolTip() == refusal(Action.MANAGE_SITES)
    assert refusal(Action.MANAGE_SITES) in page.note.text()
    assert refusal(Action.CHANGE_BUSINESS_HOURS) in page.note.text()


# -- SLA policies ---------------------------------------------------------------------------------


def test_a_manager_changes_a_default_and_a_short_resolution_is_refused(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = _sla(qtbot, as_manager(context, org))
    assert page.defaults.hasFocus()
    assert "response due 14:00 today" in page.preview_line.text()  # P3 at HQ, Tue 10:00
    for _ in range(2):
        qtbot.keyClick(page.defaults, Qt.Key.Key_Down)
    assert page.current_default() is not None
    assert page.current_default().priority == Priority.MEDIUM  # type: ignore[union-attr]
    qtbot.keyClick(page.defaults, Qt.Key.Key_Return)
    dialog = _active_dialog(qtbot, page, PolicyDialog)
    assert isinstance(dialog, PolicyDialog)
    _retype(qtbot, dialog.response_edit, "1h")
    _retype(qtbot, dialog.resolution_edit, "30m")
    qtbot.keyClick(dialog.resolution_edit, Qt.Key.Key_Return)
    error = dialog._errors["resolution"]
    qtbot.waitUntil(error.isVisible)
    assert "shorter than the response target (1 h)" in error.text()
    _retype(qtbot, dialog.resolution_edit, "8h")
    qtbot.keyClick(dialog.resolution_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.defaults.item(2, 1).text() == "1 h")
    assert "tickets already opened keep theirs" in page.result_line.text()
    qtbot.waitUntil(lambda: "response due 11:00 today" in page.preview_line.text())


def test_an_override_is_added_previewed_and_removed(
    qtbot: QtBot, context: AppContext, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _sla(qtbot, as_manager(context, org))
    qtbot.keyClick(page.defaults, Qt.Key.Key_A, ALT)
    dialog = _active_dialog(qtbot, page, PolicyDialog)
    assert isinstance(dialog, PolicyDialog)
    _retype(qtbot, dialog.response_edit, "30m")
    _retype(qtbot, dialog.resolution_edit, "2h")
    qtbot.keyClick(dialog.resolution_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog._errors["category"].isVisible())  # no scope chosen
    dialog.category_combo.setFocus()
    qtbot.keyClick(dialog.category_combo, Qt.Key.Key_Down)  # Network outage
    dialog.priority_combo.setFocus()
    for _ in range(2):
        qtbot.keyClick(dialog.priority_combo, Qt.Key.Key_Down)  # P3 Medium
    qtbot.keyClick(dialog.resolution_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.overrides.rowCount() == 1)
    assert page.overrides.item(0, 0).text() == "Category Network outage"
    page.preview_category.setFocus()
    qtbot.keyClick(page.preview_category, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "Category Network outage" in page.preview_line.text())
    assert "response due 10:30 today" in page.preview_line.text()
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.overrides.setFocus()
    qtbot.keyClick(page.overrides, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.overrides.rowCount() == 0)
    assert "Network outage" in asked[0]
    assert all(policy.is_default for policy in current_policies(context.engine))


def test_an_operator_reads_the_policies_with_the_refusal_said(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    page = _sla(qtbot, context)
    for button in (page.edit_default_button, page.add_button, page.remove_button):
        assert not button.isEnabled()
        assert button.toolTip() == refusal(Action.CHANGE_SLA_POLICIES)
    assert refusal(Action.CHANGE_SLA_POLICIES) in page.note.text()
    qtbot.keyClick(page.defaults, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert page.findChild(PolicyDialog) is None
