"""The asset register page driven with keys and clicks: as a technician (filter by typing,
Enter opens the editor, a change saved shows in the table; a new asset added through the
editor with the keyboard, a taken tag refused at its field with nothing lost; the owner
picked by a caller search; warranty markers and filter), and as an operator (the register
readable, Add and Edit disabled with the reason in words); Import… as a manager (the import
dialog, and the imported assets in the table) and as a technician (disabled, and why)."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlmodel import col

from app.assets.register import asset_detail
from app.context import AppContext
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, create_ticket
from models.audit import AuditEvent, AuditKind
from models.engine import read_connection, write_session
from models.enums import AssetKind, AssetStatus
from models.people import Asset
from tests.conftest import Org, as_manager
from ui.assets.editor import AssetEditor
from ui.assets.import_dialog import AssetImportDialog
from ui.assets.page import AMBER, AssetsPage, Column
from ui.kit.widgets import RED

pytestmark = pytest.mark.usefixtures("in_london")
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there


def _as_technician(context: AppContext, org: Org) -> AppContext:
    return replace(context, me=org.bob, username="bob", name="Bob Tech", role="Technician")


def _page(qtbot: QtBot, context: AppContext) -> AssetsPage:
    page = AssetsPage(context, poll_ms=0)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.model.is_loaded(0))
    return page


@pytest.fixture
def register(engine: Engine, org: Org) -> None:
    """Beside Alice's laptop (LT-0001): a printer whose warranty ends soon, a server whose
    warranty ended, and a retired laptop."""
    with write_session(engine) as session:
        session.add_all(
            [
                Asset(
                    tag="PR-0001",
                    kind=AssetKind.PRINTER,
                    make="HP",
                    model="LaserJet",
                    site_id=org.branch,
                    warranty_ends_on=date(2026, 12, 31),
                ),
                Asset(
                    tag="SV-0001",
                    kind=AssetKind.SERVER,
                    make="Dell",
                    site_id=org.hq,
                    warranty_ends_on=date(2026, 11, 23),
                ),
                Asset(tag="LT-0002", kind=AssetKind.LAPTOP, status=AssetStatus.RETIRED),
            ]
        )


@pytest.fixture
def tech_page(qtbot: QtBot, context: AppContext, org: Org, register: None) -> AssetsPage:
    return _page(qtbot, _as_technician(context, org))


def _column(page: AssetsPage, column: Column) -> list[str]:
    model = page.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _editor(qtbot: QtBot, page: AssetsPage) -> AssetEditor:
    qtbot.waitUntil(lambda: page.findChild(AssetEditor) is not None)
    dialog = page.findChild(AssetEditor)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)  # keys reach it as they would a person's
    return dialog


def _type_over(qtbot: QtBot, edit: object, text: str) -> None:
    edit.setFocus()  # type: ignore[attr-defined]
    edit.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(edit, text)


def _audit(engine: Engine) -> list[str]:
    statement = (
        select(col(AuditEvent.detail))
        .where(col(AuditEvent.kind) == AuditKind.ASSET_CHANGED.value)
        .order_by(col(AuditEvent.at))
    )
    with read_connection(engine) as connection:
        return list(connection.execute(statement).scalars())


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def test_a_technician_filters_opens_with_enter_and_saves_a_change(
    qtbot: QtBot, tech_page: AssetsPage, engine: Engine, org: Org
) -> None:
    page = tech_page
    # Retired assets are left out until asked for.
    assert _column(page, Column.TAG) == ["LT-0001", "PR-0001", "SV-0001"]
    assert page.count_label.text() == "3 assets"
    ticket = create_ticket(
        engine, TicketDraft(summary="Fan noise", caller_id=org.alice, asset_id=org.laptop), org.ada
    )
    qtbot.keyClicks(page.filter_edit, "muller")  # the owner's name, without the accent
    qtbot.waitUntil(lambda: _column(page, Column.TAG) == ["LT-0001"])
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    qtbot.waitUntil(lambda: page.detail_title.text() == "LT-0001")
    assert page.detail_values["owner"].text() == "Alice Müller"
    qtbot.waitUntil(lambda: page.history.rowCount() == 1)
    assert page.history.item(0, 0).text() == ticket.number

    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = _editor(qtbot, page)
    assert dialog.tag_edit.text() == "LT-0001" and dialog.owner.edit.text() == "Alice Müller"
    _type_over(qtbot, dialog.location_edit, "Desk 7")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.location_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _column(page, Column.LOCATION) == ["Desk 7"])
    assert page.result_line.text() == "Saved LT-0001."
    qtbot.waitUntil(lambda: page.detail_values["location"].text() == "Desk 7")
    assert _audit(engine) == ["Location none → Desk 7"]
    _shot(page, "assets-page-technician")


def test_a_new_asset_is_added_with_the_keyboard_and_a_taken_tag_is_refused(
    qtbot: QtBot, tech_page: AssetsPage, engine: Engine
) -> None:
    page = tech_page
    qtbot.keyClick(page, Qt.Key.Key_A, ALT)
    dialog = _editor(qtbot, page)
    assert dialog.windowTitle() == "New asset"
    assert dialog.tag_edit.hasFocus()
    qtbot.keyClicks(dialog.tag_edit, "lt-0001")  # taken, in another case
    qtbot.keyClick(dialog.tag_edit, Qt.Key.Key_Tab)
    assert dialog.kind_combo.hasFocus()
    qtbot.keyClicks(dialog.kind_combo, "Pr")  # Printer
    qtbot.keyClick(dialog.kind_combo, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.make_edit, "Brother")
    qtbot.keyClick(dialog.make_edit, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "tagError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert error.text() == (
        "LT-0001 is already the tag of a ThinkPad T14 at HQ; choose another tag, or edit "
        "that asset."
    )
    assert dialog.isVisible() and dialog.make_edit.text() == "Brother"  # nothing lost
    _shot(dialog, "asset-editor-refused")

    _type_over(qtbot, dialog.tag_edit, "PR-0100")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.tag_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "PR-0100" in _column(page, Column.TAG))
    current = page.current()
    assert current is not None and (current.tag, current.kind, current.make) == (
        "PR-0100",
        AssetKind.PRINTER,
        "Brother",
    )
    assert page.result_line.text() == "Added PR-0100."
    assert _audit(engine) == ["Added PR-0100: kind Printer; make Brother; status In use"]


def test_the_owner_is_picked_from_a_caller_search(
    qtbot: QtBot, tech_page: AssetsPage, engine: Engine, org: Org
) -> None:
    page = tech_page
    page.focus_table()
    qtbot.keyClick(page, Qt.Key.Key_E, ALT)
    dialog = _editor(qtbot, page)
    owner = dialog.owner
    _type_over(qtbot, owner.edit, "nobody at all")
    qtbot.keyClick(owner.edit, Qt.Key.Key_Tab)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    error = dialog.findChild(QLabel, "owner_idError")
    assert error.isVisible() and "Pick the owner" in error.text()

    _type_over(qtbot, owner.edit, "zoe")
    qtbot.waitUntil(owner.has_hits)
    qtbot.keyClick(owner.edit, Qt.Key.Key_Down)
    assert owner.hits.hasFocus()
    qtbot.keyClick(owner.hits, Qt.Key.Key_Return)
    assert owner.edit.text() == "Zoe O'Brien" and owner.chosen.text() == "Owned by Zoe O'Brien."
    assert owner.edit.hasFocus()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(owner.edit, Qt.Key.Key_Return)  # nothing listed now: Enter saves
    assert asset_detail(engine, org.laptop).owner_id == org.zoe
    qtbot.waitUntil(lambda: _column(page, Column.OWNER)[0] == "Zoe O'Brien")


def test_warranties_are_marked_in_words_and_colour_and_filtered(
    qtbot: QtBot, qtmodeltester: ModelTester, tech_page: AssetsPage
) -> None:
    page = tech_page
    model = page.model
    qtmodeltester.check(model)
    warranty = _column(page, Column.WARRANTY)
    assert warranty == ["—", "⚠ 31 Dec 2026 ends soon", "✕ 23 Nov 2026 ended"]
    ending = model.index(1, Column.WARRANTY)
    assert ending.data(Qt.ItemDataRole.ForegroundRole) == QColor(AMBER)
    assert ending.data(Qt.ItemDataRole.ToolTipRole) == "Warranty: ends on 31 Dec 2026, in 37 days"
    assert model.index(2, Column.WARRANTY).data(Qt.ItemDataRole.ForegroundRole) == QColor(RED)

    qtbot.keyClick(page, Qt.Key.Key_W, ALT)
    assert page.warranty_combo.hasFocus()
    qtbot.keyClick(page.warranty_combo, Qt.Key.Key_Down)  # Ends within 90 days
    qtbot.waitUntil(lambda: _column(page, Column.TAG) == ["PR-0001"])
    qtbot.keyClick(page.warranty_combo, Qt.Key.Key_Down)  # Ended
    qtbot.waitUntil(lambda: _column(page, Column.TAG) == ["SV-0001"])

    qtbot.keyClick(page.warranty_combo, Qt.Key.Key_Home)  # Any warranty
    qtbot.keyClick(page, Qt.Key.Key_I, ALT)
    assert page.site_combo.hasFocus()
    qtbot.keyClick(page.site_combo, Qt.Key.Key_Down)  # HQ
    qtbot.waitUntil(lambda: _column(page, Column.TAG) == ["LT-0001", "SV-0001"])
    qtbot.keyClick(page.site_combo, Qt.Key.Key_Home)  # Any site

    qtbot.keyClick(page, Qt.Key.Key_U, ALT)
    qtbot.keyClick(page.status_combo, Qt.Key.Key_Down)  # Any status
    qtbot.keyClick(page.warranty_combo, Qt.Key.Key_Home)  # Any warranty
    qtbot.waitUntil(
        lambda: _column(page, Column.TAG) == ["LT-0001", "LT-0002", "PR-0001", "SV-0001"]
    )


def test_an_operator_reads_the_register_but_cannot_change_it(
    qtbot: QtBot, context: AppContext, register: None
) -> None:
    page = _page(qtbot, context)
    reason = refusal(Action.MANAGE_ASSETS)
    for button in (page.add_button, page.edit_button):
        assert not button.isEnabled()
        assert button.toolTip() == reason
    assert page.refusal_note.text().startswith(reason)
    assert page.refusal_note.isVisible()
    page.focus_table()
    qtbot.waitUntil(lambda: page.detail_title.text() == "LT-0001")  # details are for all
    _shot(page, "assets-page-operator")


def test_a_manager_imports_from_the_page_and_sees_the_new_assets(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    register: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text("Asset Tag,Device Type,Office\nLT-1001,Notebook,HQ\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(path), "CSV files"))
    )
    page = _page(qtbot, as_manager(context, org))
    assert page.import_button.isEnabled() and page.refusal_note.text() == ""
    qtbot.keyClick(page, Qt.Key.Key_P, ALT)  # Im&port…
    qtbot.waitUntil(lambda: page.findChild(AssetImportDialog, "assetImportDialog") is not None)
    dialog = page.findChild(AssetImportDialog, "assetImportDialog")
    qtbot.waitUntil(dialog.isVisible)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.import_button.isEnabled())
    with qtbot.waitSignal(dialog.importFinished):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    # The page reads its rows again once the import is done, the dialog still open.
    qtbot.waitUntil(lambda: "LT-1001" in _column(page, Column.TAG))
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(AssetImportDialog) is None)


def test_a_technician_cannot_import_and_is_told_why(qtbot: QtBot, tech_page: AssetsPage) -> None:
    page = tech_page
    reason = refusal(Action.IMPORT_ASSETS)
    assert reason == "Only a manager or an admin can import assets."
    assert not page.import_button.isEnabled() and page.import_button.toolTip() == reason
    assert page.refusal_note.text() == reason and page.refusal_note.isVisible()
    assert page.add_button.isEnabled()  # the register stays theirs
