"""The maintenance task dialog driven by keys: a weekly task typed and added; monthly on the
2nd Tuesday, on the last Friday and every quarter; a bad start and an empty title shown at
their fields with nothing saved; a series with history changed from a date (the continuation
follows it, what was done stays); ending the series after asking; the schedule said in words
as it is chosen; one mnemonic per letter; and the refusal for someone who may not plan."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, func
from sqlmodel import select

from app.context import AppContext
from app.maintenance.record import Done, mark_done
from app.maintenance.recurrence import Frequency, Recurrence
from app.maintenance.tasks import TaskDraft, create_task, load_task
from app.permissions import Action, refusal
from models.engine import read_session, write_session
from models.enums import AssetKind, OccurrenceState
from models.maintenance import MaintenanceOccurrence, MaintenanceTask
from models.people import Asset
from tests.conftest import Org, answer_questions, as_manager
from ui.maintenance.task_dialog import TaskDialog

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
DECEMBER_1 = date(2026, 12, 1)  # a Tuesday, a week after "now" (Tue 24 Nov 2026)
NOVEMBER_3 = date(2026, 11, 3)  # a Tuesday three weeks before "now"


@pytest.fixture
def manager(context: AppContext, org: Org) -> AppContext:
    return as_manager(context, org)


@pytest.fixture
def server(engine: Engine, org: Org) -> uuid.UUID:
    with write_session(engine) as session:
        asset = Asset(tag="SV-0001", make="Dell", model="PowerEdge R740", site_id=org.hq)
        asset.kind = AssetKind.SERVER
        session.add(asset)
        session.add(Asset(tag="SW-0001", make="Cisco", kind=AssetKind.SWITCH, site_id=org.hq))
        session.flush()
        return asset.id


def open_dialog(qtbot: QtBot, context: AppContext, **options: object) -> TaskDialog:
    dialog = TaskDialog(context, None, **options)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: dialog.ready)
    return dialog


@pytest.fixture
def dialog(qtbot: QtBot, manager: AppContext) -> Iterator[TaskDialog]:
    yield open_dialog(qtbot, manager, day=DECEMBER_1)


def key(qtbot: QtBot, dialog: TaskDialog, letter: Qt.Key) -> QWidget:
    """Alt+letter, as a person reaches a field; the field that has the keyboard then."""
    qtbot.keyClick(dialog, letter, ALT)
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


def type_into(qtbot: QtBot, dialog: TaskDialog, letter: Qt.Key, text: str) -> None:
    """Alt+letter, everything in the field selected, ``text`` typed over it."""
    field = key(qtbot, dialog, letter)
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(field, text)


def choose(qtbot: QtBot, dialog: TaskDialog, letter: Qt.Key, text: str) -> None:
    """Alt+letter to a list, then ``text`` typed to choose its entry (a new search, as
    after the pause a person makes: letters typed in quick succession add up)."""
    combo = key(qtbot, dialog, letter)
    assert isinstance(combo, QComboBox)
    combo.view().keyboardSearch("")
    qtbot.keyClicks(combo, text)


def save(qtbot: QtBot, dialog: TaskDialog) -> None:
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Return, CTRL)


def fill_basics(qtbot: QtBot, dialog: TaskDialog, title: str = "Mail server patching") -> None:
    type_into(qtbot, dialog, Qt.Key.Key_L, title)
    type_into(qtbot, dialog, Qt.Key.Key_T, "22:00")
    choose(qtbot, dialog, Qt.Key.Key_O, "Bob")
    assert dialog.owner_combo.currentText() == "Bob Tech"


def task_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(MaintenanceTask)).one()


def test_a_weekly_task_typed_with_keys_is_added(
    qtbot: QtBot, server: uuid.UUID, dialog: TaskDialog, engine: Engine, org: Org
) -> None:
    assert dialog.windowTitle() == "Add maintenance task"
    assert QApplication.focusWidget() is dialog.title_edit
    fill_basics(qtbot, dialog)
    type_into(qtbot, dialog, Qt.Key.Key_Y, "Mail")
    type_into(qtbot, dialog, Qt.Key.Key_I, "mail unavailable")
    assert dialog.zone_label.text() == "HQ time (Europe/London)"
    # Tuesday is ticked from the first day; Thursday is added from Monday with Tab and Space.
    editor = dialog.recurrence_editor
    monday = key(qtbot, dialog, Qt.Key.Key_W)
    assert monday is editor.day_checks[0] and not monday.isChecked()
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.day_checks[3]
    qtbot.keyClick(editor.day_checks[3], Qt.Key.Key_Space)
    # 90 minutes: 1 h and 30 min.
    hours = key(qtbot, dialog, Qt.Key.Key_U)
    qtbot.keyClick(hours, Qt.Key.Key_Tab)
    minutes = QApplication.focusWidget()
    assert minutes is dialog.minutes_spin
    qtbot.keyClick(minutes, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(minutes, "30")
    # The server, found by the filter and ticked with Space.
    filter_box = key(qtbot, dialog, Qt.Key.Key_V)
    qtbot.keyClicks(filter_box, "dell")
    qtbot.keyClick(filter_box, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.asset_list
    qtbot.keyClick(dialog.asset_list, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.asset_list, Qt.Key.Key_Space)
    assert dialog.asset_count.text().startswith("1 chosen")
    qtbot.keyClick(dialog, Qt.Key.Key_K, ALT)  # Raise a ticket, 3 days ahead
    qtbot.waitUntil(dialog.ticket_check.isChecked)  # (a mnemonic clicks after a short flash)
    assert dialog.description() == "Every week on Tuesday and Thursday, from Tue 01 Dec 2026"
    checklist = key(qtbot, dialog, Qt.Key.Key_C)
    qtbot.keyClicks(checklist, "Snapshot")
    qtbot.keyClick(checklist, Qt.Key.Key_Return)
    qtbot.keyClicks(checklist, "Patch")

    save(qtbot, dialog)  # Ctrl+Enter in the checklist: saved, no new line
    assert dialog.summary() == "Added Mail server patching"
    assert dialog.outcome is not None
    saved = load_task(engine, dialog.outcome).draft
    assert saved == TaskDraft(
        title="Mail server patching",
        site_id=org.hq,
        first_day=DECEMBER_1,
        start_time="22:00",
        duration_minutes=90,
        recurrence=Recurrence(Frequency.WEEKLY, weekdays=(1, 3)),
        system="Mail",
        checklist=("Snapshot", "Patch"),
        owner_staff_id=org.bob,
        impact="mail unavailable",
        asset_ids=(server,),
        ticket_days_ahead=3,
        close_marks_done=True,
    )


def pick_nth(qtbot: QtBot, dialog: TaskDialog, nth: str, weekday: str) -> None:
    """Alt+H to the chosen pattern, Down to "the …", Tab to each list, typed."""
    editor = dialog.recurrence_editor
    choice = key(qtbot, dialog, Qt.Key.Key_H)
    assert choice is editor.on_day_radio
    qtbot.keyClick(choice, Qt.Key.Key_Down)
    assert editor.on_nth_radio.isChecked()
    qtbot.keyClick(editor.on_nth_radio, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.nth_combo
    qtbot.keyClicks(editor.nth_combo, nth)
    qtbot.keyClick(editor.nth_combo, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.weekday_combo
    qtbot.keyClicks(editor.weekday_combo, weekday)


@pytest.mark.parametrize(
    ("nth", "weekday", "wanted", "words"),
    [
        ("2", "Tu", Recurrence(Frequency.MONTHLY, nth=2, weekday=1), "the 2nd Tuesday"),
        ("l", "F", Recurrence(Frequency.MONTHLY, nth=-1, weekday=4), "the last Friday"),
    ],
)
def test_monthly_on_a_weekday_of_the_month(
    qtbot: QtBot,
    dialog: TaskDialog,
    engine: Engine,
    nth: str,
    weekday: str,
    wanted: Recurrence,
    words: str,
) -> None:
    fill_basics(qtbot, dialog, "UPS battery test")
    choose(qtbot, dialog, Qt.Key.Key_R, "M")
    assert dialog.recurrence_editor.repeats_combo.currentText() == "Monthly"
    assert dialog.description() == "Every month on the 1st of the month, from Tue 01 Dec 2026"
    pick_nth(qtbot, dialog, nth, weekday)
    assert dialog.recurrence() == wanted
    assert dialog.description() == f"Every month on {words} of the month, from Tue 01 Dec 2026"

    save(qtbot, dialog)
    assert dialog.outcome is not None
    assert load_task(engine, dialog.outcome).draft.recurrence == wanted


def test_every_three_months_is_a_quarter_either_way(
    qtbot: QtBot, dialog: TaskDialog, engine: Engine
) -> None:
    editor = dialog.recurrence_editor
    fill_basics(qtbot, dialog, "Firewall review")
    choose(qtbot, dialog, Qt.Key.Key_R, "M")
    every = editor.repeats_combo
    qtbot.keyClick(every, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.every_spin
    qtbot.keyClick(editor.every_spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.every_spin, "3")
    quarterly = Recurrence(Frequency.MONTHLY, interval=3, month_day=1)
    assert dialog.recurrence() == quarterly
    assert editor.unit_label.text() == "months"
    assert dialog.description() == "Every quarter on the 1st of the month, from Tue 01 Dec 2026"
    # "Quarterly", every 1, says the same.
    choose(qtbot, dialog, Qt.Key.Key_R, "Q")
    qtbot.keyClick(editor.repeats_combo, Qt.Key.Key_Tab)
    qtbot.keyClick(editor.every_spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.every_spin, "1")
    assert editor.unit_label.text() == "quarter"
    assert dialog.recurrence() == quarterly

    save(qtbot, dialog)
    assert dialog.outcome is not None
    assert load_task(engine, dialog.outcome).draft.recurrence == quarterly


def test_a_bad_start_and_no_title_are_said_at_their_fields_and_nothing_is_saved(
    qtbot: QtBot, dialog: TaskDialog, engine: Engine
) -> None:
    type_into(qtbot, dialog, Qt.Key.Key_T, "25:00")
    choose(qtbot, dialog, Qt.Key.Key_O, "Bob")
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)  # &Add

    errors = dialog._errors
    qtbot.waitUntil(lambda: errors["start_time"].isVisibleTo(dialog))
    assert errors["start_time"].text() == "Type the start as HH:MM, for example 22:00."
    assert errors["title"].isVisibleTo(dialog)
    assert errors["title"].text().startswith("Say what the maintenance is")
    assert not errors["owner"].isVisibleTo(dialog)
    assert not dialog.problem.isVisibleTo(dialog)
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.confirm.isEnabled()
    assert task_count(engine) == 0

    # Put right, it saves, and the messages go.
    type_into(qtbot, dialog, Qt.Key.Key_L, "Backup restore test")
    type_into(qtbot, dialog, Qt.Key.Key_T, "07:30")
    save(qtbot, dialog)
    assert task_count(engine) == 1
    assert not errors["title"].isVisibleTo(dialog)


def test_a_refused_schedule_is_said_under_the_recurrence(
    qtbot: QtBot, dialog: TaskDialog, engine: Engine
) -> None:
    fill_basics(qtbot, dialog)
    choose(qtbot, dialog, Qt.Key.Key_R, "D")  # Daily
    type_into(qtbot, dialog, Qt.Key.Key_U, "30")  # a 30-hour window every day
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)
    duration = dialog._errors["duration"]
    qtbot.waitUntil(lambda: duration.isVisibleTo(dialog))
    assert "longer than the time between two occurrences" in duration.text()
    assert task_count(engine) == 0


def add_with_history(engine: Engine, org: Org) -> uuid.UUID:
    """Mail server patching, Tuesdays 22:00 London from 3 Nov, the first one done."""
    task = create_task(
        engine,
        org.mia,
        TaskDraft(
            title="Mail server patching",
            site_id=org.hq,
            first_day=NOVEMBER_3,
            start_time="22:00",
            duration_minutes=60,
            recurrence=Recurrence(Frequency.WEEKLY, weekdays=(1,)),
            checklist=("Snapshot", "Patch"),
            owner_staff_id=org.bob,
        ),
    )
    first = datetime(2026, 11, 3, 22, 0, tzinfo=UTC)
    mark_done(engine, org.bob, task, first, Done(first + timedelta(hours=1), "Patched"))
    return task


def done_rows(engine: Engine) -> list[tuple[uuid.UUID, OccurrenceState]]:
    with read_session(engine) as session:
        rows = session.exec(select(MaintenanceOccurrence)).all()
        return [(row.task_id, OccurrenceState(row.state)) for row in rows]


def test_a_change_from_a_date_carries_the_series_on_and_keeps_its_history(
    qtbot: QtBot, manager: AppContext, engine: Engine, org: Org
) -> None:
    task = add_with_history(engine, org)
    dialog = open_dialog(qtbot, manager, task_id=task)
    assert dialog.windowTitle() == "Change maintenance task: Mail server patching"
    assert dialog.title_edit.text() == "Mail server patching"
    assert dialog.start_edit.text() == "22:00"
    assert dialog.owner_combo.currentText() == "Bob Tech"
    assert dialog.checklist_edit.toPlainText() == "Snapshot\nPatch"
    days = dialog.recurrence_editor.day_checks
    assert [c.isChecked() for c in days] == [False, True] + [False] * 5
    # Today (Tue 24 Nov) is later than the first day: the change applies from today.
    assert dialog.apply_from() == date(2026, 11, 24)
    assert dialog.findChild(QLabel, "taskApplyHint").text() == (
        "Occurrences before this date stay as they were recorded."
    )
    type_into(qtbot, dialog, Qt.Key.Key_T, "20:00")
    assert dialog.confirm.text() == "&Apply"

    save(qtbot, dialog)
    carried_on = dialog.outcome
    assert carried_on is not None and carried_on != task
    assert dialog.summary() == "Changed Mail server patching from Tue 24 Nov 2026"
    later = load_task(engine, carried_on)
    assert later.follows_id == task
    assert later.draft.first_day == date(2026, 11, 24)
    assert later.draft.start_time == "20:00"
    before = load_task(engine, task).draft
    assert before.start_time == "22:00"
    assert before.recurrence.until == date(2026, 11, 23)
    assert done_rows(engine) == [(task, OccurrenceState.DONE)]


def test_every_two_weeks_keeps_its_weeks_when_changed_from_a_date(
    qtbot: QtBot, manager: AppContext, engine: Engine, org: Org
) -> None:
    task = create_task(
        engine,
        org.mia,
        TaskDraft(
            title="Tape rotation",
            site_id=org.hq,
            first_day=NOVEMBER_3,
            start_time="09:00",
            duration_minutes=30,
            recurrence=Recurrence(Frequency.WEEKLY, interval=2, weekdays=(1,)),
            owner_team_id=org.network,
        ),
    )
    dialog = open_dialog(qtbot, manager, task_id=task)
    assert dialog.team_combo.currentText() == "Network"
    assert dialog.owner_combo.currentText() == "—"
    type_into(qtbot, dialog, Qt.Key.Key_I, "backups paused")
    save(qtbot, dialog)
    assert dialog.outcome is not None
    # 3 Nov, 17 Nov, then 1 Dec: the changed series starts on 1 Dec, not on the 24th.
    assert load_task(engine, dialog.outcome).draft.first_day == DECEMBER_1


def test_ending_the_series_asks_first(
    qtbot: QtBot,
    manager: AppContext,
    engine: Engine,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    task = add_with_history(engine, org)
    dialog = open_dialog(qtbot, manager, task_id=task)
    assert dialog.end_button is not None

    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(dialog, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == [
        "End Mail server patching from Tue 24 Nov 2026?\n\nNothing is planned from that day "
        "on. Occurrences before this date stay as they were recorded."
    ]
    assert dialog.isVisible()
    assert load_task(engine, task).draft.recurrence.until is None

    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_E, ALT)
    assert dialog.outcome == task
    assert dialog.summary() == "Ended Mail server patching from Tue 24 Nov 2026"
    assert load_task(engine, task).draft.recurrence.until == date(2026, 11, 23)
    assert done_rows(engine) == [(task, OccurrenceState.DONE)]


def test_a_new_task_has_no_apply_from_and_no_end(dialog: TaskDialog) -> None:
    assert dialog.apply_edit is None
    assert dialog.end_button is None
    assert dialog.apply_from() is None


def test_the_schedule_is_said_in_words_as_it_is_chosen(qtbot: QtBot, dialog: TaskDialog) -> None:
    editor = dialog.recurrence_editor
    assert dialog.description() == "Every week on Tuesday, from Tue 01 Dec 2026"
    editor.day_checks[1].setFocus()
    qtbot.keyClick(editor.day_checks[1], Qt.Key.Key_Space)  # no day at all
    assert dialog.description() == "Choose at least one day of the week."
    editor.day_checks[5].setFocus()
    qtbot.keyClick(editor.day_checks[5], Qt.Key.Key_Space)
    assert dialog.description() == "Every week on Saturday, from Tue 01 Dec 2026"

    choose(qtbot, dialog, Qt.Key.Key_R, "D")
    assert dialog.description() == "Every day, from Tue 01 Dec 2026"
    assert not dialog._rows["weekdays"].isVisibleTo(dialog)
    qtbot.keyClick(editor.repeats_combo, Qt.Key.Key_Tab)
    qtbot.keyClick(editor.every_spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.every_spin, "2")
    assert dialog.description() == "Every 2 days, from Tue 01 Dec 2026"
    assert editor.unit_label.text() == "days"

    # Ends after 5 times: Alt+D to the chosen end, Down twice to "after", Tab to the number.
    ends = key(qtbot, dialog, Qt.Key.Key_D)
    assert ends is editor.never_radio
    qtbot.keyClick(ends, Qt.Key.Key_Down)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert editor.count_radio.isChecked()
    qtbot.keyClick(editor.count_radio, Qt.Key.Key_Tab)
    qtbot.keyClick(editor.count_spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.count_spin, "5")
    assert dialog.description() == "Every 2 days, 5 times, from Tue 01 Dec 2026"

    choose(qtbot, dialog, Qt.Key.Key_R, "Y")
    assert (
        dialog.description()
        == "Every 2 years on the 1st of December, 5 times, from Tue 01 Dec 2026"
    )
    assert editor.month_combo.isVisibleTo(dialog)
    choose(qtbot, dialog, Qt.Key.Key_R, "O")
    assert dialog.description() == "Once, on Tue 01 Dec 2026"
    assert not dialog._rows["until"].isVisibleTo(dialog)
    assert not editor.every_spin.isVisibleTo(dialog)


def test_the_choices_follow_the_first_day_until_chosen_otherwise(
    qtbot: QtBot, dialog: TaskDialog
) -> None:
    editor = dialog.recurrence_editor
    first = key(qtbot, dialog, Qt.Key.Key_F)
    assert first is dialog.first_edit
    qtbot.keyClick(first, Qt.Key.Key_Up)
    assert dialog.first_edit.date().toPython() == date(2026, 12, 2)
    assert [c.isChecked() for c in editor.day_checks] == [False, False, True] + [False] * 4
    assert dialog.description() == "Every week on Wednesday, from Wed 02 Dec 2026"

    choose(qtbot, dialog, Qt.Key.Key_R, "M")
    assert dialog.description() == "Every month on the 2nd of the month, from Wed 02 Dec 2026"
    qtbot.keyClick(key(qtbot, dialog, Qt.Key.Key_H), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.day_spin
    qtbot.keyClick(editor.day_spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.day_spin, "15")
    qtbot.keyClick(key(qtbot, dialog, Qt.Key.Key_F), Qt.Key.Key_Up)
    assert dialog.description() == "Every month on the 15th of the month, from Thu 03 Dec 2026"


def test_each_mnemonic_is_used_once(
    dialog: TaskDialog, qtbot: QtBot, manager: AppContext, engine: Engine, org: Org
) -> None:
    editing = open_dialog(qtbot, manager, task_id=add_with_history(engine, org))
    for shown in (dialog, editing):
        keys: list[str] = []
        for widget in shown.findChildren(QWidget):
            if isinstance(widget, QAbstractButton) or (
                isinstance(widget, QLabel) and widget.buddy() is not None
            ):
                text = widget.text()
            else:
                continue
            found = QKeySequence.mnemonic(text).toString()
            if found:
                keys.append(found)
        assert len(keys) == len(set(keys)), sorted(keys)
        assert len(keys) >= 19


def test_every_field_is_named(dialog: TaskDialog) -> None:
    editor = dialog.recurrence_editor
    fields = (
        dialog.title_edit,
        dialog.system_edit,
        dialog.impact_edit,
        dialog.site_combo,
        dialog.owner_combo,
        dialog.team_combo,
        dialog.asset_filter,
        dialog.asset_list,
        dialog.checklist_edit,
        dialog.instructions_edit,
        dialog.first_edit,
        dialog.start_edit,
        dialog.hours_spin,
        dialog.minutes_spin,
        editor.repeats_combo,
        editor.every_spin,
        *editor.day_checks,
        editor.on_day_radio,
        editor.day_spin,
        editor.on_nth_radio,
        editor.nth_combo,
        editor.weekday_combo,
        editor.last_day_radio,
        editor.month_combo,
        editor.never_radio,
        editor.until_radio,
        editor.until_edit,
        editor.count_radio,
        editor.count_spin,
        dialog.ticket_check,
        dialog.ahead_spin,
        dialog.close_check,
        dialog.confirm,
        dialog.rule_text,
    )
    for field in fields:
        assert field.objectName() and field.accessibleName(), field


def test_esc_closes_without_saving(qtbot: QtBot, dialog: TaskDialog, engine: Engine) -> None:
    fill_basics(qtbot, dialog)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert task_count(engine) == 0


def test_someone_who_may_not_plan_is_refused_in_words(
    qtbot: QtBot, context: AppContext, engine: Engine
) -> None:
    dialog = open_dialog(qtbot, context, day=DECEMBER_1)  # Ann, an operator
    fill_basics(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: dialog.problem.isVisibleTo(dialog))
    assert dialog.problem.text() == refusal(Action.MANAGE_MAINTENANCE)
    assert task_count(engine) == 0
