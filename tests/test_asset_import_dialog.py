"""The asset import dialog, driven like a person: the preview's counts and row errors by line
with nothing written, Import writing the file in one go and a second import changing
nothing, remapping columns by keyboard, a file without a tag column, files that cannot be
read, Enter in a mapping box. (The Assets page's Import… button: tests/test_assets_page.py.)

Both import dialogs are one dialog (ui/kit/import_dialog.py), read the same way: the
helpers that read the caller dialog's counts, lists and boxes read this one."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.context import AppContext
from models.audit import AuditEvent, AuditKind
from models.engine import read_session, write_session
from models.enums import AssetKind, AssetStatus
from models.people import Asset
from tests.conftest import Org, as_manager, drain_tasks
from tests.test_caller_import_dialog import (
    changes,
    choose,
    click_import,
    counts,
    error_lines,
    wait_for_preview,
    write,
)
from ui.assets.import_dialog import AssetImportDialog

pytestmark = pytest.mark.usefixtures("in_london")
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there

# Beside LT-0001 and PR-0001 (see the ``printer`` fixture): line 2 is LT-0001 as it is,
# 3 puts PR-0001 in repair, 4 and 7 are new, 5 and 6 are wrong.
INVENTORY = (
    "Asset Tag,Device Type,Manufacturer,Model,Serial Number,Status,Office,Assigned To,"
    "Purchase Date,Warranty End\n"
    "LT-0001,,,ThinkPad T14,,,HQ,,,\n"
    "PR-0001,,,,,In repair,,,,\n"
    "LT-1001,Notebook,Lenovo,ThinkPad X1,SN-1,Deployed,HQ,alice@example.org,2024-03-01,"
    "2027-02-28\n"
    ",Desktop,Dell,OptiPlex,SN-3,,,,,\n"
    "SV-3001,Server,Dell,R740,SN-4,Sold,HQ,,,\n"
    "PR-2001,MFP,HP,LaserJet 4,SN-2,In Stock,New York,,15/01/2025,\n"
)


@pytest.fixture
def context(context: AppContext, org: Org) -> AppContext:
    """Mia the manager's session: importing assets is a manager's job."""
    return as_manager(context, org)


@pytest.fixture
def printer(engine: Engine, org: Org) -> None:
    """An HP printer in use at the branch, beside Alice's laptop LT-0001."""
    with write_session(engine) as session:
        session.add(Asset(tag="PR-0001", kind=AssetKind.PRINTER, make="HP", site_id=org.branch))


def assets(engine: Engine) -> dict[str, tuple[object, ...]]:
    """Every asset's stored fields, by tag."""
    with read_session(engine) as s:
        return {
            a.tag: (a.kind, a.make, a.model, a.serial, a.status, a.site_id, a.location,
                    a.owner_id, a.purchased_on, a.warranty_ends_on, a.notes)
            for a in s.exec(select(Asset)).scalars()
        }  # fmt: skip


def imports_audited(engine: Engine) -> int:
    statement = select(func.count()).where(col(AuditEvent.kind) == AuditKind.ASSETS_IMPORTED.value)
    with read_session(engine) as s:
        return int(s.exec(statement).scalar_one())


def open_dialog(qtbot: QtBot, context: AppContext, path: Path | None) -> AssetImportDialog:
    dialog = AssetImportDialog(context, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def mapping_box(dialog: AssetImportDialog, column: int) -> QComboBox:
    box = dialog.findChild(QComboBox, f"mapping_{column}")
    assert box is not None
    return box


def shoot(widget: QWidget, name: str) -> None:
    """With SWITCHBOARD_SHOTS set: the widget inside a 1024 x 700 window, and at full HD."""
    if not SHOTS:
        return
    for width, height in ((1000, 660), (1920, 1080)):
        widget.resize(width, height)
        widget.grab().save(str(Path(SHOTS) / f"{name}-{width}x{height}.png"))


def test_preview_shows_counts_and_row_errors_and_writes_nothing(
    qtbot: QtBot, context: AppContext, org: Org, printer: None, tmp_path: Path
) -> None:
    before = assets(context.engine)
    dialog = open_dialog(qtbot, context, write(tmp_path, INVENTORY))
    wait_for_preview(qtbot, dialog)

    assert dialog.objectName() == "assetImportDialog"
    assert dialog.windowTitle() == "Import assets"
    assert "UTF-8, comma-separated, header on line 1, 6 rows" in dialog.file_info.text()
    suggested = [mapping_box(dialog, column).currentText() for column in range(10)]
    assert suggested == [
        "Tag",
        "Kind",
        "Make",
        "Model",
        "Serial number",
        "Status",
        "Site (code or name)",
        "Owner (e-mail or employee id)",
        "Purchase date",
        "Warranty end",
    ]
    assert counts(dialog) == [
        "2 to create",
        "1 to update",
        "1 unchanged",
        "2 with errors (skipped)",
    ]
    assert error_lines(dialog) == [
        "Line 5: no tag; every asset needs the tag on its label",
        "Line 6: status 'Sold' is not known; use in use, spare, in repair or retired",
    ]
    assert dialog.changes.horizontalHeaderItem(2).text() == "Tag"
    assert changes(dialog) == [
        ["3", "Update", "PR-0001", "status: In repair"],
        [
            "4",
            "New",
            "LT-1001",
            "kind: Laptop; make: Lenovo; model: ThinkPad X1; serial: SN-1; status: In use; "
            "site: HQ; owner: alice@example.org; purchased: 1 Mar 2024; "
            "warranty ends: 28 Feb 2027",
        ],
        [
            "7",
            "New",
            "PR-2001",
            "kind: Printer; make: HP; model: LaserJet 4; serial: SN-2; status: Spare; "
            "site: NY; purchased: 15 Jan 2025",
        ],
    ]
    assert dialog.import_button.isEnabled() and not dialog.message.isVisible()
    shoot(dialog, "asset-import-preview")
    assert assets(context.engine) == before  # a preview writes nothing
    assert imports_audited(context.engine) == 0


def test_import_writes_in_one_go_and_importing_again_changes_nothing(
    qtbot: QtBot, context: AppContext, org: Org, printer: None, tmp_path: Path
) -> None:
    path = write(tmp_path, INVENTORY)
    dialog = open_dialog(qtbot, context, path)
    wait_for_preview(qtbot, dialog)
    click_import(qtbot, dialog)

    assert dialog.result_label.text() == (
        "Imported: 2 added, 1 changed, 1 unchanged, 2 rows skipped."
    )
    found = assets(context.engine)
    assert set(found) == {"LT-0001", "PR-0001", "LT-1001", "PR-2001"}
    assert found["PR-0001"][4] is AssetStatus.REPAIR
    assert found["LT-1001"] == (
        AssetKind.LAPTOP,
        "Lenovo",
        "ThinkPad X1",
        "SN-1",
        AssetStatus.IN_USE,
        org.hq,
        "",
        org.alice,
        date(2024, 3, 1),
        date(2027, 2, 28),
        "",
    )
    assert found["PR-2001"][4:6] == (AssetStatus.SPARE, org.branch)
    assert imports_audited(context.engine) == 1  # one import, one transaction
    # The preview now matches the database: nothing more to do.
    assert counts(dialog)[:3] == ["0 to create", "0 to update", "4 unchanged"]
    assert changes(dialog) == [] and not dialog.import_button.isEnabled()

    again = open_dialog(qtbot, context, path)
    wait_for_preview(qtbot, again)
    assert counts(again) == ["0 to create", "0 to update", "4 unchanged", "2 with errors (skipped)"]
    assert "nothing, the database already matches the file" in again.changes_title.text()
    assert not again.import_button.isEnabled()
    assert assets(context.engine) == found and imports_audited(context.engine) == 1


def test_remapping_columns_by_keyboard_changes_the_preview(
    qtbot: QtBot, context: AppContext, org: Org, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "Asset,Type,Vendor,Room\nLT-2001,Laptop,Dell,Room 1\nPH-2002,Phone,Apple,Room 2\n",
    )
    dialog = open_dialog(qtbot, context, path)
    wait_for_preview(qtbot, dialog)
    assert changes(dialog)[0] == [
        "2",
        "New",
        "LT-2001",
        "kind: Laptop; make: Dell; location: Room 1",
    ]

    vendor = mapping_box(dialog, 2)
    assert vendor.accessibleName() == "Import column Vendor as"
    choose(qtbot, vendor, "Do not import")
    wait_for_preview(qtbot, dialog)
    assert changes(dialog)[0][3] == "kind: Laptop; location: Room 1"

    room = mapping_box(dialog, 3)
    choose(qtbot, room, "Kind")  # two columns for the kind: refused, no preview
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert dialog.message.text().startswith("Several columns are imported as kind;")
    assert not dialog.import_button.isEnabled() and counts(dialog)[0] == "– to create"

    choose(qtbot, room, "Notes")
    wait_for_preview(qtbot, dialog)
    assert not dialog.message.isVisible()
    assert changes(dialog)[1] == ["3", "New", "PH-2002", "kind: Phone; notes: Room 2"]
    assert "LT-2001" not in assets(context.engine)  # still nothing written

    click_import(qtbot, dialog)
    found = assets(context.engine)
    assert found["PH-2002"][:2] == (AssetKind.PHONE, "") and found["PH-2002"][-1] == "Room 2"


def test_a_file_without_a_tag_column_says_so_until_one_is_chosen(
    qtbot: QtBot, context: AppContext, org: Org, tmp_path: Path
) -> None:
    path = write(tmp_path, "Label,Type\nLT-2001,Laptop\n")  # "Label" names no known column
    dialog = open_dialog(qtbot, context, path)
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert dialog.message.text() == (
        "No column gives the asset tag, and every asset needs the tag on its label.\n"
        "Choose the fields under “Import as”."
    )
    assert counts(dialog) == [
        "– to create",
        "– to update",
        "– unchanged",
        "– with errors (skipped)",
    ]
    assert changes(dialog) == [] and not dialog.import_button.isEnabled()

    choose(qtbot, mapping_box(dialog, 0), "Tag")
    wait_for_preview(qtbot, dialog)
    assert not dialog.message.isVisible() and counts(dialog)[0] == "1 to create"
    assert dialog.import_button.isEnabled()
    assert "LT-2001" not in assets(context.engine)


def _workbook() -> bytes:
    """An Excel workbook saved with a .csv name: a zip archive."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return data.getvalue()


# File name -> its bytes (None: there is no such file), and what the dialog says of it.
UNREADABLE: dict[str, tuple[bytes | None, str]] = {
    "missing.csv": (None, "Cannot read"),
    "empty.csv": (b"", "holds no table"),
    "workbook.csv": (_workbook(), "is not UTF-8 or Windows-1252 text"),
    "utf16.csv": ("Tag,Kind\nLT-1,Laptop\n".encode("utf-16-le"), "UTF-16LE"),
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_a_hostile_or_unreadable_file_shows_why_and_nothing_else(
    qtbot: QtBot, context: AppContext, org: Org, tmp_path: Path, name: str
) -> None:
    content, message = UNREADABLE[name]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = assets(context.engine)
    dialog = open_dialog(qtbot, context, path)
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert message in dialog.message.text() and name in dialog.message.text()
    assert not dialog.file_info.isVisible()
    assert dialog.mapping_table.rowCount() == 0 and dialog.changes.rowCount() == 0
    assert dialog.errors.count() == 0 and not dialog.import_button.isEnabled()
    assert dialog.plan is None and assets(context.engine) == before


def test_enter_in_a_mapping_box_does_not_import(
    qtbot: QtBot, context: AppContext, org: Org, printer: None, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, context, write(tmp_path, INVENTORY))
    wait_for_preview(qtbot, dialog)
    before = assets(context.engine)
    box = mapping_box(dialog, 3)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Enter)
    assert dialog.import_button.isEnabled() and dialog.isVisible()  # no import started
    drain_tasks()
    assert dialog.import_result is None and assets(context.engine) == before
