"""The Vendors page driven with keys: a manager adds a vendor and a contract (a contract that
ends before it starts refused under its Ends field, nothing saved), changes both, and reads
the contracts ending, one inside its notice period, over more days when asked; the tab last
open comes back; an operator reads everything with the buttons off and the reason said. And
the asset register and editor show the contract covering an asset and its warranty end."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, func, select

from app.context import AppContext
from app.permissions import Action, refusal
from app.vendors.directory import contract_detail, list_contracts, vendor_detail
from models.engine import read_session, write_session
from models.people import Asset
from models.vendors import Contract
from tests.conftest import Org, as_manager
from tests.test_vendors import add_contract, add_vendor
from ui.assets.editor import AssetEditor
from ui.assets.page import AssetsPage
from ui.vendors.contract_dialog import ContractDialog
from ui.vendors.page import VendorsPage
from ui.vendors.vendor_dialog import VendorDialog

pytestmark = pytest.mark.usefixtures("in_london")
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there


def _page(qtbot: QtBot, context: AppContext) -> VendorsPage:
    page = VendorsPage(context)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    qtbot.waitUntil(lambda: page.has_shown_content)
    return page


D = TypeVar("D", VendorDialog, ContractDialog)


def _dialog(qtbot: QtBot, page: VendorsPage, kind: type[D]) -> D:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in page.findChildren(kind)))
    dialog = next(d for d in page.findChildren(kind) if d.isVisible())
    qtbot.waitUntil(dialog.isActiveWindow)  # keys reach it as they would a person's
    return dialog


def _back(qtbot: QtBot, page: VendorsPage) -> None:
    """The page's window active again once a dialog closed (the offscreen platform leaves
    that to the test), the keyboard where the page left it."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)


def _names(page: VendorsPage) -> list[str]:
    return [page.table.item(row, 0).text() for row in range(page.table.rowCount())]


def _column(table: object, column: int) -> list[str]:
    rows = table.rowCount()  # type: ignore[attr-defined]
    return [table.item(row, column).text() for row in range(rows)]  # type: ignore[attr-defined]


def _contracts(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(Contract)).scalar_one()


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def test_a_manager_adds_a_vendor_and_a_contract_with_the_keyboard(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    page = _page(qtbot, as_manager(context, org))
    assert page.filter_edit.hasFocus()
    assert page.count_label.text() == "No vendors yet: Add vendor… (Insert)."
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Insert)
    dialog = _dialog(qtbot, page, VendorDialog)
    assert dialog.windowTitle() == "Add vendor" and dialog.name_edit.hasFocus()
    qtbot.keyClicks(dialog.name_edit, "Acme  Hardware ")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.kind_combo.lineEdit(), "Hardware")
    qtbot.keyClick(dialog.kind_combo, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.phone_edit, "+44 20 7946 0000")
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.email_edit, "support@acme")  # no domain: refused at the field
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "emailError")
    qtbot.waitUntil(error.isVisible)
    assert "not an e-mail address" in error.text()
    qtbot.keyClicks(dialog.email_edit, ".example")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _names(page) == ["Acme Hardware"])
    assert page.outcome.result.text() == "Added Acme Hardware."
    # The keyboard goes back to the vendors as the window is active again.
    assert page.focusWidget() is page.table and page.current_vendor() is not None
    qtbot.waitUntil(lambda: page.detail_title.text() == "Acme Hardware")
    _back(qtbot, page)
    assert page.table.hasFocus()
    assert page.detail_values["support_phone"].text() == "+44 20 7946 0000"
    assert page.contracts_note.text().startswith("No contract with this vendor yet.")

    # Tab leads from the vendors to their contracts, where Insert adds one.
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert page.contracts.hasFocus()
    qtbot.keyClick(page.contracts, Qt.Key.Key_Insert)
    dialog = _dialog(qtbot, page, ContractDialog)
    assert dialog.windowTitle() == "Add contract" and dialog.number_edit.hasFocus()
    assert dialog.vendor_combo.currentText() == "Acme Hardware"
    assert (dialog.starts_edit.date().toPython(), dialog.ends_edit.date().toPython()) == (
        date(2026, 11, 24),
        date(2027, 11, 23),
    )
    qtbot.keyClicks(dialog.number_edit, "SC-7")
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.title_edit, "Laptops at HQ")
    dialog.ends_edit.setFocus()
    qtbot.keyClick(dialog.ends_edit, Qt.Key.Key_End)  # the year
    for _ in range(2):
        qtbot.keyClick(dialog.ends_edit, Qt.Key.Key_Down)  # 23 Nov 2025: before it starts
    qtbot.keyClicks(dialog.response_edit, "4h")
    qtbot.keyClick(dialog, Qt.Key.Key_Z, ALT)  # Time &zone
    assert dialog.zone_edit.hasFocus()
    qtbot.keyClicks(dialog.zone_edit, "Europe/London")
    qtbot.keyClicks(dialog.assets_edit, "lt-0001")
    dialog.categories_list.setFocus()
    dialog.categories_list.setCurrentRow(1)  # Printing (after Network outage)
    qtbot.keyClick(dialog.categories_list, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "ends_onError")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == (
        "The contract ends (23 Nov 2025) before it starts (24 Nov 2026); check both dates. "
        "For a one-day contract make them the same day."
    )
    shown = [label.objectName() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert [name for name in shown if name.endswith("Error")] == ["ends_onError"]
    assert dialog.isVisible() and dialog.title_edit.text() == "Laptops at HQ"  # nothing lost
    assert _contracts(engine) == 0  # nothing saved
    _shot(dialog, "contract-dialog-refused")

    dialog.ends_edit.setFocus()
    qtbot.keyClick(dialog.ends_edit, Qt.Key.Key_End)
    for _ in range(2):
        qtbot.keyClick(dialog.ends_edit, Qt.Key.Key_Up)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.ends_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _column(page.contracts, 0) == ["SC-7"])
    assert page.outcome.result.text() == "Added contract SC-7 with Acme Hardware."
    assert page.focusWidget() is page.contracts
    assert _column(page.contracts, 2) == ["24 Nov 2026 – 23 Nov 2027"]
    assert _column(page.contracts, 3) == ["Mon–Fri 08:00-18:00 (Europe/London)"]
    assert _column(page.contracts, 5) == ["1 asset, 1 category"]
    [row] = list_contracts(engine)
    saved = contract_detail(engine, row.id)
    assert [a.tag for a in saved.assets] == ["LT-0001"]
    assert [c.name for c in saved.categories] == ["Printing"]
    assert saved.draft.response_minutes == 240 and saved.draft.ends_on == date(2027, 11, 23)


def test_a_tag_no_asset_has_is_refused_under_the_assets(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    add_vendor(engine, org)
    page = _page(qtbot, as_manager(context, org))
    page.focus_table()
    qtbot.keyClick(page, Qt.Key.Key_R, ALT)  # Add cont&ract…
    dialog = _dialog(qtbot, page, ContractDialog)
    qtbot.keyClicks(dialog.number_edit, "SC-1")
    qtbot.keyClicks(dialog.assets_edit, "LT-0001, XX-9")
    qtbot.keyClick(dialog.assets_edit, Qt.Key.Key_Return)
    error = dialog.findChild(QLabel, "asset_idsError")
    qtbot.waitUntil(error.isVisible)
    assert error.text().startswith("No asset is tagged XX-9;")
    assert _contracts(engine) == 0


def test_a_manager_changes_a_vendor_and_a_contract(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    acme = add_vendor(engine, org, "Acme Hardware", support_phone="0800 1")
    add_vendor(engine, org, "Brightwave Software", kind="Software")
    add_contract(engine, org, acme, number="SC-1")
    page = _page(qtbot, as_manager(context, org))
    assert _names(page) == ["Acme Hardware", "Brightwave Software"]
    qtbot.keyClicks(page.filter_edit, "acme")
    qtbot.waitUntil(lambda: _names(page) == ["Acme Hardware"])
    assert page.count_label.text() == "1 of 2 vendors"
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = _dialog(qtbot, page, VendorDialog)
    assert dialog.windowTitle() == "Vendor Acme Hardware"
    dialog.phone_edit.setFocus()
    dialog.phone_edit.selectAll()
    qtbot.keyClicks(dialog.phone_edit, "0800 2")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.detail_values["support_phone"].text() == "0800 2")
    assert page.outcome.result.text() == "Saved Acme Hardware."
    assert vendor_detail(engine, acme).draft.support_phone == "0800 2"

    qtbot.waitUntil(lambda: _column(page.contracts, 0) == ["SC-1"])
    _back(qtbot, page)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    qtbot.keyClick(page.contracts, Qt.Key.Key_Return)
    dialog = _dialog(qtbot, page, ContractDialog)
    assert dialog.windowTitle() == "Contract SC-1 (Acme Hardware)"
    assert dialog.response_edit.text() == "4 h" and dialog.zone_edit.text() == "Europe/London"
    dialog.response_edit.setFocus()
    dialog.response_edit.selectAll()
    qtbot.keyClicks(dialog.response_edit, "90")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.response_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _column(page.contracts, 4) == ["1 h 30 min"])
    assert page.outcome.result.text() == "Saved contract SC-1 with Acme Hardware."
    assert page.focusWidget() is page.contracts


def test_the_contracts_ending_list_says_why_and_the_notice_deadline(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    acme = add_vendor(engine, org)
    # Today is 24 Nov 2026.
    add_contract(
        engine, org, acme, number="SC-NOTICE", ends_on=date(2027, 1, 3), notice_days=60
    )  # 40 days left: notice was due by 4 Nov 2026
    add_contract(engine, org, acme, number="SC-LATER", ends_on=date(2027, 3, 24), notice_days=30)
    add_contract(engine, org, acme, number="SC-FAR", ends_on=date(2028, 6, 30))
    page = _page(qtbot, as_manager(context, org))
    qtbot.keyClick(page, Qt.Key.Key_D, ALT)  # Contracts en&ding
    assert page.tabs.currentIndex() == 1 and page.ending.hasFocus()
    qtbot.waitUntil(lambda: _column(page.ending, 2) == ["SC-NOTICE"])
    assert _column(page.ending, 4) == ["⚠ 4 Nov 2026"]
    assert _column(page.ending, 5) == [
        "Ends in 40 days; inside its 60-day notice period: notice was due by 4 Nov 2026"
    ]
    assert page.ending.item(0, 4).foreground().color().name() == "#c62828"
    assert page.ending_count.text() == (
        "1 contract; 1 inside the notice period. Enter edits the selected contract."
    )
    _shot(page, "vendors-ending")

    qtbot.keyClick(page, Qt.Key.Key_W, ALT)  # Ending &within the next
    assert page.days_spin.hasFocus()
    page.days_spin.selectAll()
    qtbot.keyClicks(page.days_spin, "150")
    qtbot.keyClick(page.days_spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _column(page.ending, 2) == ["SC-NOTICE", "SC-LATER"])
    assert _column(page.ending, 4)[1] == "22 Feb 2027"  # not yet inside its notice period

    page.ending.setFocus()
    page.ending.setCurrentCell(1, 0)
    qtbot.keyClick(page.ending, Qt.Key.Key_Return)
    dialog = _dialog(qtbot, page, ContractDialog)
    assert dialog.number_edit.text() == "SC-LATER"
    dialog.reject()

    again = _page(qtbot, as_manager(context, org))  # the tab last open comes back
    assert again.tabs.currentIndex() == 1


def test_an_operator_reads_vendors_with_the_buttons_off_and_the_reason_said(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    acme = add_vendor(engine, org, support_phone="0800 1")
    add_contract(engine, org, acme)
    page = _page(qtbot, context)  # Ann, an operator
    reason = refusal(Action.MANAGE_VENDORS)
    assert page.refusal_note.isVisible()
    assert page.refusal_note.text() == f"{reason} You can read vendors and their contracts."
    buttons = (
        page.add_vendor_button,
        page.edit_vendor_button,
        page.add_contract_button,
        page.edit_contract_button,
        page.edit_ending_button,
    )
    assert all(not b.isEnabled() and b.toolTip() == reason for b in buttons)
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.detail_values["support_phone"].text() == "0800 1")
    qtbot.waitUntil(lambda: _column(page.contracts, 0) == ["SC-1"])
    for table in (page.table, page.contracts):
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Return)
        qtbot.keyClick(table, Qt.Key.Key_Insert)
    assert not page.findChildren(VendorDialog) and not page.findChildren(ContractDialog)
    _shot(page, "vendors-operator")


def test_the_pages_tables_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: object, context: AppContext, org: Org, engine: Engine
) -> None:
    add_vendor(engine, org)
    page = _page(qtbot, context)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    for table in (page.table, page.contracts, page.ending):
        qtmodeltester.check(table.model())  # type: ignore[attr-defined]


def test_the_asset_register_and_editor_show_the_contract_and_the_warranty(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    with write_session(engine) as session:
        laptop = session.get(Asset, org.laptop)
        assert laptop is not None
        laptop.warranty_ends_on = date(2027, 9, 30)
        session.add(laptop)
    acme = add_vendor(engine, org)
    add_contract(engine, org, acme, number="SC-7", asset_ids=frozenset({org.laptop}))
    page = AssetsPage(as_manager(context, org), poll_ms=0)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.is_loaded(0))
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    contract = page.detail_values["contract"]
    qtbot.waitUntil(lambda: contract.text() == "SC-7 with Acme Hardware, until 31 Dec 2026")
    assert page.detail_values["warranty"].text() == "Ends on 30 Sep 2027, in 310 days"

    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.findChild(AssetEditor) is not None)
    editor = page.findChild(AssetEditor)
    assert editor is not None
    qtbot.waitUntil(
        lambda: (
            editor.cover_label.text() == "Contract SC-7 with Acme Hardware, until 31 Dec 2026. "
            "Warranty ends on 30 Sep 2027, in 310 days."
        )
    )
    _shot(editor, "asset-editor-cover")
    editor.reject()


def test_an_asset_no_contract_covers_says_so(
    qtbot: QtBot, context: AppContext, org: Org, engine: Engine
) -> None:
    page = AssetsPage(context, poll_ms=0)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.is_loaded(0))
    page.focus_table()
    qtbot.waitUntil(
        lambda: page.detail_values["contract"].text() == "No current contract covers it."
    )
