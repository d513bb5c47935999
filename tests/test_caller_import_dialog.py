"""The caller import dialog, driven like a person: the preview's counts and row errors by
line, nothing written before Import, Import writing once, a second import updating instead
of duplicating, remapping a column by keyboard, and files that cannot be read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, func, select

from app.context import AppContext
from models.engine import read_session
from models.people import Caller, CallerPhone
from tests.conftest import Org, as_manager, drain_tasks
from ui.callers.import_dialog import CallerImportDialog

# Line 2 updates Alice (same e-mail), 3 is new, 4 and 5 are wrong, 6 is Zoe as she is.
CONTACTS = (
    "Name;E-mail;Phone;Department\n"
    "Alice Müller;alice@example.org;020 7946 0018;Finance\n"
    "Li Chen;l.chen@example.org;+1 212 555 0142;IT\n"
    ";nobody@example.org;;\n"
    "Ravi Patel;not-an-address;;Sales\n"
    "Zoe O'Brien;zoe@example.org;;\n"
)


@pytest.fixture
def context(context: AppContext, org: Org) -> AppContext:
    """Mia the manager's session: importing callers is a manager's job."""
    return as_manager(context, org)


def write(tmp_path: Path, text: str, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def counts(dialog: CallerImportDialog) -> list[str]:
    labels = (dialog.count_create, dialog.count_update, dialog.count_unchanged)
    return [plain(label.text()) for label in (*labels, dialog.count_errors)]


def error_lines(dialog: CallerImportDialog) -> list[str]:
    return [dialog.errors.item(row).text() for row in range(dialog.errors.count())]


def changes(dialog: CallerImportDialog) -> list[list[str]]:
    table = dialog.changes
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def callers(engine: Engine) -> dict[str, Caller]:
    with read_session(engine) as s:
        return {c.name: c for c in s.exec(select(Caller)).scalars()}


def phone_numbers(engine: Engine, name: str) -> set[str]:
    with read_session(engine) as s:
        rows = s.exec(
            select(CallerPhone.number).join(Caller).where(Caller.name == name)  # type: ignore[arg-type]
        ).all()
    return {row[0] for row in rows}


def caller_count(engine: Engine) -> int:
    with read_session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Caller)).scalar_one())


def open_dialog(qtbot: QtBot, context: AppContext, path: Path | None) -> CallerImportDialog:
    dialog = CallerImportDialog(context, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wait_for_preview(qtbot: QtBot, dialog: CallerImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.plan is not None)


def click_import(qtbot: QtBot, dialog: CallerImportDialog) -> None:
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.importFinished):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_for_preview(qtbot, dialog)  # planned again against what was just written


def choose(qtbot: QtBot, combo: QComboBox, label: str) -> None:
    """Pick ``label`` the way a keyboard user does: focus, Home, then Down until it shows."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == label:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{label!r} is not offered")


def test_preview_shows_counts_and_row_errors_and_writes_nothing(
    qtbot: QtBot, context: AppContext, org: Org, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, context, write(tmp_path, CONTACTS))
    wait_for_preview(qtbot, dialog)

    assert "UTF-8, semicolon-separated, header on line 1, 5 rows" in dialog.file_info.text()
    mapping = dialog.findChild(QComboBox, "mapping_1")
    assert mapping.currentText() == "E-mail"  # suggested from the header
    assert counts(dialog) == [
        "1 to create",
        "1 to update",
        "1 unchanged",
        "2 with errors (skipped)",
    ]
    assert error_lines(dialog) == [
        "Line 4: no name (a caller needs a name, or a first and a last name)",
        "Line 5: 'not-an-address' is not an e-mail address",
    ]
    rows = changes(dialog)
    assert [row[:3] for row in rows] == [
        ["2", "Update", "Alice Müller"],
        ["3", "New", "Li Chen"],
    ]
    assert "phones: 020 7946 0018" in rows[0][3] and "department: Finance" in rows[0][3]
    assert dialog.import_button.isEnabled()
    assert caller_count(context.engine) == 2  # Alice and Zoe, as before
    assert phone_numbers(context.engine, "Alice Müller") == set()


def test_enter_in_a_mapping_box_does_not_import(
    qtbot: QtBot, context: AppContext, org: Org, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, context, write(tmp_path, CONTACTS))
    wait_for_preview(qtbot, dialog)
    mapping = dialog.findChild(QComboBox, "mapping_3")
    mapping.setFocus()
    qtbot.keyClick(mapping, Qt.Key.Key_Return)
    assert dialog.import_button.isEnabled() and dialog.isVisible()  # no import started
    drain_tasks()
    assert dialog.import_result is None and caller_count(context.engine) == 2


def test_import_writes_and_importing_again_updates_instead_of_duplicating(
    qtbot: QtBot, context: AppContext, org: Org, tmp_path: Path
) -> None:
    path = write(tmp_path, CONTACTS)
    dialog = open_dialog(qtbot, context, path)
    wait_for_preview(qtbot, dialog)
    click_import(qtbot, dialog)

    assert dialog.import_result is not None
    assert dialog.result_label.text() == (
        "Imported: 1 created, 1 updated, 1 unchanged, 2 rows skipped."
    )
    found = callers(context.engine)
    assert set(found) == {"Alice Müller", "Li Chen", "Zoe O'Brien"}
    assert found["Alice Müller"].department == "Finance"
    assert phone_numbers(context.engine, "Li Chen") == {"+1 212 555 0142"}
    # The preview now matches the database: nothing more to do.
    assert counts(dialog)[:3] == ["0 to create", "0 to update", "3 unchanged"]
    assert not dialog.import_button.isEnabled()

    # The fixed file, imported again in a new dialog: updates, no duplicates.
    path.write_text(
        CONTACTS.replace("+1 212 555 0142;IT", "+1 212 555 0199;IT")
        .replace(";nobody@example.org;;", "Nobody Known;nobody@example.org;;")
        .replace("not-an-address", "r.patel@example.org"),
        encoding="utf-8",
    )
    again = open_dialog(qtbot, context, path)
    wait_for_preview(qtbot, again)
    assert counts(again) == [
        "2 to create",
        "1 to update",
        "2 unchanged",
        "0 with errors (skipped)",
    ]
    assert error_lines(again) == []
    click_import(qtbot, again)
    assert caller_count(context.engine) == 5
    assert phone_numbers(context.engine, "Li Chen") == {"+1 212 555 0199"}


def test_remapping_columns_by_keyboard_changes_the_preview(
    qtbot: QtBot, context: AppContext, org: Org, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "Person,Mail,Team\nLi Chen,l.chen@example.org,IT\nRavi Patel,r.patel@example.org,Sales\n",
    )
    dialog = open_dialog(qtbot, context, path)
    # "Person" is no known column name, so no column gives a name yet.
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert "No column holds the caller's name" in dialog.message.text()
    assert not dialog.import_button.isEnabled()
    assert counts(dialog)[0] == "– to create"

    person = dialog.findChild(QComboBox, "mapping_0")
    assert person.accessibleName() == "Import column Person as"
    choose(qtbot, person, "Name")
    wait_for_preview(qtbot, dialog)
    assert not dialog.message.isVisible()
    assert counts(dialog)[0] == "2 to create"
    assert changes(dialog)[0][3] == "e-mail: l.chen@example.org"
    assert dialog.import_button.isEnabled()

    choose(qtbot, dialog.findChild(QComboBox, "mapping_2"), "Department")
    choose(qtbot, dialog.findChild(QComboBox, "defaultSite"), "HQ – Head office")
    wait_for_preview(qtbot, dialog)
    assert changes(dialog)[0][3] == "e-mail: l.chen@example.org; department: IT; site: HQ"

    choose(qtbot, dialog.findChild(QComboBox, "mapping_1"), "Do not import")
    wait_for_preview(qtbot, dialog)
    assert changes(dialog)[0][3] == "department: IT; site: HQ"
    assert caller_count(context.engine) == 2  # still nothing written

    click_import(qtbot, dialog)
    found = callers(context.engine)
    assert found["Ravi Patel"].department == "Sales" and found["Ravi Patel"].email is None
    assert found["Ravi Patel"].site_id == org.hq


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "Cannot read"),
        ("empty.csv", "\n\n", "holds no table"),
        (
            "mixed.csv",
            "Name,E-mail\nLi Chen;l.chen@example.org\nRavi Patel;r.patel@example.org\n",
            "separated by commas, but its rows by semicolons",
        ),
    ],
)
def test_a_file_that_cannot_be_read_shows_why_and_nothing_else(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    tmp_path: Path,
    name: str,
    content: str | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    dialog = open_dialog(qtbot, context, path)
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert message in dialog.message.text() and name in dialog.message.text()
    assert dialog.mapping_table.rowCount() == 0
    assert not dialog.import_button.isEnabled()
    assert dialog.plan is None and caller_count(context.engine) == 2


def test_choose_file_button_reads_the_chosen_file(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write(tmp_path, CONTACTS)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(path), "CSV files"))
    )
    dialog = open_dialog(qtbot, context, None)
    assert dialog.mapping_table.rowCount() == 0 and not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    wait_for_preview(qtbot, dialog)
    assert dialog.file_label.text() == str(path)
    assert dialog.mapping_table.rowCount() == 4
    assert counts(dialog)[0] == "1 to create"


def test_a_google_export_previews_each_of_several_values(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    """Cells of several values read as lists, the columns of their types say so, and the
    preview names every number with its kind and the addresses that go to the notes."""
    path = Path(__file__).parent / "data" / "google_contacts.csv"
    dialog = open_dialog(qtbot, context, path)
    wait_for_preview(qtbot, dialog)
    table = dialog.mapping_table
    row = {table.item(r, 0).text(): r for r in range(table.rowCount())}

    emails = row["E-mail 1 - Value"]
    assert (
        table.item(emails, 1)
        .text()
        .startswith("aisha.khan@example.org, aisha.k@mail.example.com  ·  tomas.garcia@example.org")
    )
    assert dialog.findChild(QComboBox, f"mapping_{emails}").currentText() == "E-mail"
    kinds = dialog.findChild(QComboBox, f"mapping_{row['Phone 1 - Type']}")
    assert kinds.currentText() == "Types of Phone 1 - Value"
    assert dialog.findChild(QComboBox, f"mapping_{row['Location']}").currentText() == (
        "Do not import"
    )
    assert counts(dialog)[0] == "4 to create" and error_lines(dialog) == []

    line, action, name, detail = changes(dialog)[0]
    assert (line, action, name) == ("2", "New", "Aisha Khan")
    assert detail == (
        "e-mail: aisha.khan@example.org; "
        "phones: +44 7700 900123 (mobile), +44 20 7946 0123 (work), +44 113 496 0456 (home); "
        "department: Finance; "
        "notes: Prefers a call after 10:00 Other e-mail: aisha.k@mail.example.com (Home)"
    )
