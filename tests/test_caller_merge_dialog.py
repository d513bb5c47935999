"""The duplicate-callers dialog, driven like a person: it says it is looking, lists groups
with their reasons, shows a group's callers, merges after a confirmation (moving tickets,
calls and assets) and drops the group; Cancel, Skip and unticking change nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QMessageBox, QRadioButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select

from app.callers.merge import DuplicateCaller, DuplicateGroup, MergeResult
from app.context import AppContext
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import read_session, write_session
from models.people import Asset, Caller
from models.tickets import Call, Ticket
from tests.conftest import NOW, Org, answer_questions, as_manager, drain_tasks
from ui.callers.merge_dialog import CallerMergeDialog, without_merged


@pytest.fixture
def context(context: AppContext, org: Org) -> AppContext:
    """Mia the manager's session: merging callers is a manager's job."""
    return as_manager(context, org)


@dataclass(frozen=True)
class Duplicates:
    alice_copy: uuid.UUID  # "Alice Muller", Alice's e-mail in capitals: 2 tickets, a call, an asset
    carl: uuid.UUID  # "Carl Berg" and "Karl Berg" share an e-mail address
    karl: uuid.UUID


@pytest.fixture
def duplicates(context: AppContext, org: Org) -> Duplicates:
    with write_session(context.engine) as s:
        copy = Caller(name="Alice Muller", email="ALICE@example.org", site_id=org.hq)
        carl = Caller(name="Carl Berg", email="berg@example.org", site_id=org.branch)
        karl = Caller(name="Karl Berg", email="berg@example.org", department="Sales")
        s.add_all([copy, carl, karl])
        s.flush()
        s.add(Call(caller_id=copy.id, number="020 7946 0018", operator_id=org.ann, started_at=NOW))
        s.add(Asset(tag="LT-0002", model="ThinkPad X1", site_id=org.hq, owner_id=copy.id))
        ids = Duplicates(copy.id, carl.id, karl.id)
    for summary in ("Printer jams", "Mail quota"):
        create_ticket(
            context.engine, TicketDraft(summary=summary, caller_id=ids.alice_copy), org.ann
        )
    return ids


def open_dialog(qtbot: QtBot, context: AppContext) -> CallerMergeDialog:
    dialog = CallerMergeDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.status.text() == "Looking for duplicates…"
    assert not dialog.merge_button.isEnabled()
    with qtbot.waitSignal(dialog.groupsLoaded):
        pass
    return dialog


def group_row(dialog: CallerMergeDialog, name: str) -> int:
    return next(
        row
        for row, group in enumerate(dialog.groups)
        if name in {caller.name for caller in group.callers}
    )


def select_group(qtbot: QtBot, dialog: CallerMergeDialog, name: str) -> None:
    """Click the group holding the caller called ``name`` in the list."""
    item = dialog.group_list.item(group_row(dialog, name))
    assert name in item.text()
    rect = dialog.group_list.visualItemRect(item)
    qtbot.mouseClick(dialog.group_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.group_list.currentItem() is item


def shown_callers(dialog: CallerMergeDialog) -> list[list[str]]:
    table = dialog.callers
    return [
        [table.item(row, column).text() for column in range(2, table.columnCount())]
        for row in range(table.rowCount())
    ]


def click(qtbot: QtBot, dialog: QWidget, kind: type[QWidget], name: str) -> None:
    widget = dialog.findChild(kind, name)
    assert widget is not None, name
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def caller_ids(engine: Engine) -> set[uuid.UUID]:
    with read_session(engine) as s:
        return set(s.exec(select(Caller.id)).scalars())


def test_merge_moves_tickets_calls_and_assets_and_removes_the_group(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    duplicates: Duplicates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_dialog(qtbot, context)
    assert len(dialog.groups) == dialog.group_list.count() == 2
    assert dialog.status.text().startswith("2 groups of likely duplicates")
    select_group(qtbot, dialog, "Alice Muller")
    assert "same e-mail" in dialog.reasons.text()
    rows = shown_callers(dialog)
    # The caller with the most tickets comes first and is kept unless told otherwise.
    assert rows[0][:6] == ["Alice Muller", "ALICE@example.org", "", "HQ", "", "2"]
    assert rows[1][:6] == ["Alice Müller", "alice@example.org", "", "HQ", "", "0"]
    assert rows[0][6] == NOW.astimezone().strftime("%Y-%m-%d") and rows[1][6] == "never"
    assert dialog.findChild(QRadioButton, "keep_0").isChecked()
    assert not dialog.findChild(QCheckBox, "merge_0").isEnabled()

    # Keep the original Alice (she owns the laptop) and merge the copy into her.
    click(qtbot, dialog, QRadioButton, "keep_1")
    copy_box, alice_box = (dialog.findChild(QCheckBox, f"merge_{n}") for n in (0, 1))
    assert copy_box.isEnabled() and copy_box.isChecked()
    assert not alice_box.isEnabled() and not alice_box.isChecked()
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.merged) as merged:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    assert len(asked) == 1 and "into Alice Müller" in asked[0]
    assert "Alice Muller (2 tickets)" in asked[0]
    result: MergeResult = merged.args[0]
    assert result.kept_id == org.alice and result.merged_ids == (duplicates.alice_copy,)
    assert dialog.result_label.text().startswith(
        "Merged Alice Muller into Alice Müller: moved 2 tickets, 1 call and 1 asset"
    )
    with read_session(context.engine) as s:
        assert set(s.exec(select(Ticket.caller_id)).scalars()) == {org.alice}
        assert set(s.exec(select(Call.caller_id)).scalars()) == {org.alice}
        owners = dict(s.exec(select(Asset.tag, Asset.owner_id)).all())
    assert owners == {"LT-0001": org.alice, "LT-0002": org.alice}
    assert duplicates.alice_copy not in caller_ids(context.engine)
    # The group is gone; the next one is selected, ready to review.
    assert [c.name for c in dialog.groups[0].callers] in (
        ["Carl Berg", "Karl Berg"],
        ["Karl Berg", "Carl Berg"],
    )
    assert dialog.group_list.count() == 1 and dialog.group_list.currentRow() == 0
    assert dialog.status.text().startswith("1 group of likely duplicates")


def test_cancelling_the_confirmation_merges_nothing(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    duplicates: Duplicates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = caller_ids(context.engine)
    dialog = open_dialog(qtbot, context)
    select_group(qtbot, dialog, "Carl Berg")
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    drain_tasks()
    assert len(asked) == 1
    assert caller_ids(context.engine) == before
    assert dialog.group_list.count() == 2 and dialog.merge_button.isEnabled()
    assert not dialog.result_label.isVisible()


def test_unticking_everyone_disables_merge_and_skip_leaves_the_group(
    qtbot: QtBot, context: AppContext, org: Org, duplicates: Duplicates
) -> None:
    before = caller_ids(context.engine)
    dialog = open_dialog(qtbot, context)
    # Walk to the Berg group with the keyboard.
    dialog.group_list.setFocus()
    dialog.group_list.setCurrentRow(0)
    if group_row(dialog, "Carl Berg") == 1:
        qtbot.keyClick(dialog.group_list, Qt.Key.Key_Down)
    assert {c.name for c in dialog.groups[dialog.group_list.currentRow()].callers} == {
        "Carl Berg",
        "Karl Berg",
    }
    assert {row[0] for row in shown_callers(dialog)} == {"Carl Berg", "Karl Berg"}
    assert dialog.merge_button.isEnabled()
    click(qtbot, dialog, QCheckBox, "merge_1")
    assert not dialog.merge_button.isEnabled()

    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.group_list.count() == 1
    assert "Alice Muller" in dialog.group_list.item(0).text()
    assert dialog.group_list.currentRow() == 0 and dialog.merge_button.isEnabled()
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.group_list.count() == 0
    assert dialog.status.text() == "No likely duplicates to review."
    assert not dialog.merge_button.isEnabled() and not dialog.skip_button.isEnabled()
    drain_tasks()
    assert caller_ids(context.engine) == before


def test_a_merge_refused_by_the_database_is_explained_and_changes_nothing(
    qtbot: QtBot,
    context: AppContext,
    org: Org,
    duplicates: Duplicates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_dialog(qtbot, context)
    select_group(qtbot, dialog, "Carl Berg")
    kept = dialog.groups[dialog.group_list.currentRow()].callers[0].id
    gone = duplicates.karl if kept == duplicates.carl else duplicates.carl
    with write_session(context.engine) as s:  # someone else deletes one meanwhile
        s.delete(s.get(Caller, gone))
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible())
    assert "No longer exists" in dialog.message.text()
    assert kept in caller_ids(context.engine)
    assert dialog.group_list.count() == 2 and dialog.close_button.isEnabled()


def test_no_duplicates_says_so(qtbot: QtBot, context: AppContext, org: Org) -> None:
    dialog = open_dialog(qtbot, context)
    assert dialog.group_list.count() == 0
    assert dialog.status.text() == "No likely duplicates to review."
    assert not dialog.merge_button.isEnabled()


def _caller(name: str, tickets: int = 0) -> DuplicateCaller:
    return DuplicateCaller(uuid.uuid4(), name, None, (), None, None, tickets, None)


def test_a_merge_drops_the_merged_callers_from_the_other_groups() -> None:
    kept, merged, other, third = (
        _caller("Ann", 1),
        _caller("Anne", 2),
        _caller("Anna"),
        _caller("X"),
    )
    groups = [
        DuplicateGroup((merged, other), ("similar names (92%)",)),  # loses Anne: one left
        DuplicateGroup((kept, other, third), ("same phone 555 0100",)),  # Ann got 2 tickets
    ]
    result = MergeResult(kept.id, (merged.id,), 2, 0, 0, 0, ())
    left = without_merged(groups, result)
    assert len(left) == 1
    assert [(c.name, c.ticket_count) for c in left[0].callers] == [
        ("Ann", 3),
        ("Anna", 0),
        ("X", 0),
    ]
