"""Setting up a new database: which databases ask for the set-up, the step kept between
starts, and the assistant driven by keys from a new database to a working desk whose first
ticket is due by the SLA targets and business hours just typed in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlmodel import col, select

from app.context import AppContext
from app.db_lifecycle import create_database, open_database
from app.defaults import ensure_defaults, ensure_staff
from app.demo import DemoSpec, generate
from app.errors import PermissionDenied
from app.org.categories import CategoryDraft, category_tree, save_category
from app.org.first_run import DONE, reach_step, set_up, set_up_state, step_to_resume
from app.org.organisation import organisation
from app.org.teams import list_teams
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import read_session
from models.enums import Priority
from models.org import Site
from tests.conftest import (
    BACK_ENDS,
    Org,
    RunningClock,
    as_admin,
    as_manager,
    make_org,
    scratch_database,
)
from ui.settings.organisation import OrganisationDialog
from ui.settings.set_up_assistant import SetUpAssistant

ALT = Qt.KeyboardModifier.AltModifier
EDITING = QAbstractItemView.State.EditingState
# A Friday afternoon in London: a P3 ticket's response runs into Monday morning.
FRIDAY = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


@pytest.fixture(params=BACK_ENDS)
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database as a first start makes it: a new SQLite file, or a new PostgreSQL database
    opened with ``create`` (the tables made in it)."""
    if request.param == "sqlite":
        path = tmp_path / "new.db"
        create_database(path)
        engine = open_database(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    with scratch_database() as (_name, url):
        engine = open_database(url, create=True)
        yield engine
        engine.dispose()


def admin_context(engine: Engine) -> AppContext:
    me = ensure_staff(engine, "ada", "Ada Admin")
    return AppContext(engine=engine, me=me, username="ada", name="Ada Admin", role="Admin")


# -- which databases ask ------------------------------------------------------------------------


def test_a_new_database_waits_for_its_set_up_at_the_first_step(new_database: Engine) -> None:
    assert step_to_resume(new_database) == "organisation"


def test_a_demo_database_and_one_set_up_from_flags_never_ask(tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    create_database(demo, lambda engine: generate(engine, DemoSpec(callers=5, tickets=5, months=1)))
    engine = open_database(f"sqlite:///{demo}")
    assert step_to_resume(engine) is None
    engine.dispose()

    scripted = tmp_path / "scripted.db"
    create_database(scripted)
    engine = open_database(f"sqlite:///{scripted}")
    set_up(engine, ensure_staff(engine, "ada"), organisation="Northwind", site=None)
    assert step_to_resume(engine) is None
    engine.dispose()


def test_a_database_made_before_the_assistant_never_asks(engine: Engine) -> None:
    make_org(engine)  # reference data written before the set-up was recorded
    ensure_defaults(engine)
    assert step_to_resume(engine) is None


def test_the_step_reached_is_kept_and_only_an_admin_moves_it(engine: Engine) -> None:
    org = make_org(engine)
    reach_step(engine, org.ada, "teams")
    assert step_to_resume(engine) == "teams"
    assert set_up_state(engine).step == "teams"
    with pytest.raises(PermissionDenied):
        reach_step(engine, org.mia, DONE)
    reach_step(engine, org.ada, DONE)
    assert step_to_resume(engine) is None


# -- the assistant ------------------------------------------------------------------------------


def open_assistant(qtbot: QtBot, context: AppContext) -> SetUpAssistant:
    dialog = SetUpAssistant(context)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.stepShown):
        dialog.show()
    return dialog


def press_next(qtbot: QtBot, dialog: SetUpAssistant, expected: str) -> None:
    """Alt+N from wherever the keyboard is; waits for the step ``expected``."""
    with qtbot.waitSignal(dialog.stepShown, check_params_cb=lambda key: key == expected):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, ALT)


def past_the_name(qtbot: QtBot, engine: Engine) -> tuple[AppContext, SetUpAssistant]:
    """The admin's assistant on ``engine`` at its site step, the organisation named."""
    context = admin_context(engine)
    dialog = open_assistant(qtbot, context)
    qtbot.keyClicks(QApplication.focusWidget(), "Northwind Health")
    press_next(qtbot, dialog, "site")
    return context, dialog


def retype(qtbot: QtBot, text: str) -> None:
    """Replace the text of the field with the keyboard."""
    field = QApplication.focusWidget()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def test_the_assistant_driven_by_keys_sets_up_a_working_desk(
    qtbot: QtBot, new_database: Engine, clock: RunningClock
) -> None:
    clock.set(FRIDAY)
    context = admin_context(new_database)
    dialog = open_assistant(qtbot, context)
    assert dialog.current.key == "organisation"
    assert QApplication.focusWidget() is dialog.steps[0].fields.name_edit

    qtbot.keyClicks(QApplication.focusWidget(), "Northwind Health")
    with qtbot.waitSignal(dialog.stepShown):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter moves on
    site = dialog.steps[1].fields
    assert QApplication.focusWidget() is site.code_edit
    retype(qtbot, "LDN")
    qtbot.keyClick(dialog, Qt.Key.Key_M, ALT)  # Na&me
    retype(qtbot, "London office")
    qtbot.keyClick(dialog, Qt.Key.Key_Z, ALT)  # Time &zone
    retype(qtbot, "Europe/London")
    qtbot.keyClick(dialog, Qt.Key.Key_I, ALT)  # Hol&idays
    retype(qtbot, "GB")
    press_next(qtbot, dialog, "teams")

    teams = dialog.steps[2]
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)  # &Add team: its name is ready to type
    qtbot.waitUntil(lambda: teams.table.rowCount() == 2 and teams.table.state() == EDITING)
    qtbot.keyClicks(QApplication.focusWidget(), "Network")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # ends the edit only
    qtbot.waitUntil(lambda: teams.table.state() != EDITING)
    assert dialog.current is teams and dialog.next_button.isEnabled()  # nothing being written
    press_next(qtbot, dialog, "categories")

    categories = dialog.steps[3]
    qtbot.keyClick(dialog, Qt.Key.Key_W, ALT)  # Ne&w
    assert QApplication.focusWidget() is categories.new_edit
    qtbot.keyClicks(categories.new_edit, "Printing")
    qtbot.keyClick(categories.new_edit, Qt.Key.Key_Return)  # adds it, stays on the step
    assert dialog.current is categories
    assert "Printing" in [item.text(0) for item in categories._tops()]
    press_next(qtbot, dialog, "sla")

    assert QApplication.focusWidget() is dialog.steps[4].rows[Priority.CRITICAL][0]
    for _ in range(6):  # response, resolution, around the clock: to P3's response
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.steps[4].rows[Priority.MEDIUM][0]
    retype(qtbot, "2h")
    press_next(qtbot, dialog, "next")
    qtbot.waitUntil(lambda: "P3 Medium" in dialog.steps[5].due.text())
    # Friday 16:00 in London plus two business hours: one on Friday, one on Monday morning.
    assert "P3 Medium</b>: first response by Mon 09:00" in dialog.steps[5].due.text()

    with qtbot.waitSignal(dialog.setUpFinished):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, ALT)

    engine = new_database
    assert step_to_resume(engine) is None
    assert organisation(engine).name == "Northwind Health"
    assert {team.name for team in list_teams(engine)} == {"Service desk", "Network"}
    names = {node.name for node in category_tree(engine).categories}
    assert {"Hardware", "Network", "Printing"} <= names
    with read_session(engine) as session:
        london = session.exec(select(Site).where(col(Site.code) == "LDN")).one()
    assert london.timezone == "Europe/London" and london.holiday_country == "GB"

    ticket = create_ticket(
        engine,
        TicketDraft("Printer jammed", site_id=london.id, impact=2, urgency=2),
        context.me,
        FRIDAY,
    )
    assert ticket.number.startswith("LDN-")
    assert ticket.priority is Priority.MEDIUM
    # The ticket is opened under the targets just typed, in the hours of the site set up.
    assert ticket.response_due_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_finish_later_keeps_what_was_written_and_the_next_start_resumes_there(
    qtbot: QtBot, new_database: Engine
) -> None:
    context, dialog = past_the_name(qtbot, new_database)
    press_next(qtbot, dialog, "teams")
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, ALT)  # Finish &later
    assert step_to_resume(new_database) == "teams"

    again = open_assistant(qtbot, context)
    assert again.current.key == "teams"
    assert again.steps[0].fields.name_edit.text() == "Northwind Health"
    assert "Step 3 of 6: Teams" in again.heading.text()
    with qtbot.waitSignal(again.stepShown):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, ALT)  # Back only moves
    assert again.current.key == "site" and step_to_resume(new_database) == "teams"


def test_a_refused_step_shows_each_problem_at_its_field_and_stays(
    qtbot: QtBot, new_database: Engine
) -> None:
    _context, dialog = past_the_name(qtbot, new_database)
    qtbot.keyClick(dialog, Qt.Key.Key_I, ALT)  # Hol&idays
    retype(qtbot, "XX")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, ALT)
    errors = dialog.steps[1].fields.errors
    qtbot.waitUntil(lambda: errors["holidays"].isVisible())
    assert "XX" in errors["holidays"].text()
    assert dialog.current.key == "site" and step_to_resume(new_database) == "site"
    assert QApplication.focusWidget() is dialog.steps[1].fields.country_edit  # at the problem
    retype(qtbot, "GB")
    press_next(qtbot, dialog, "teams")
    press_next(qtbot, dialog, "categories")
    press_next(qtbot, dialog, "sla")

    sla = dialog.steps[4]
    resolution = sla.rows[Priority.HIGH][1]
    resolution.setFocus()
    retype(qtbot, "30m")  # shorter than the 1 h response
    sla.rows[Priority.LOW][0].setFocus()
    retype(qtbot, "soon")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: sla.errors["LOW"].isVisible())
    assert "30m, 4h" in sla.errors["LOW"].text()
    assert not sla.errors["HIGH"].isVisible()  # unreadable targets first: nothing was written
    sla.rows[Priority.LOW][0].setFocus()
    retype(qtbot, "8h")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: sla.errors["HIGH"].isVisible())
    assert "shorter than the response target" in sla.errors["HIGH"].text()
    assert dialog.current.key == "sla" and step_to_resume(new_database) == "sla"
    resolution.setFocus()
    retype(qtbot, "8h")
    press_next(qtbot, dialog, "next")


def test_a_team_refused_halfway_keeps_the_ones_saved_and_is_never_added_twice(
    qtbot: QtBot, new_database: Engine
) -> None:
    context = admin_context(new_database)
    reach_step(new_database, context.me, "teams")  # straight to the teams step
    dialog = open_assistant(qtbot, context)
    teams = dialog.steps[2]
    for name in ("Network", "network"):
        qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)  # &Add team
        qtbot.waitUntil(lambda: teams.table.state() == EDITING)
        qtbot.keyClicks(QApplication.focusWidget(), name)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: teams.table.state() != EDITING)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: teams.problem.isVisible())
    assert "network" in teams.problem.text() and dialog.current is teams
    assert {team.name for team in list_teams(new_database)} == {"Service desk", "Network"}
    assert step_to_resume(new_database) == "teams"  # not done yet: resumed here
    teams.table.setCurrentCell(2, 0)
    teams.table.setFocus()
    qtbot.keyClick(teams.table, Qt.Key.Key_F2)
    retype(qtbot, "Servers")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: teams.table.state() != EDITING)
    press_next(qtbot, dialog, "categories")
    names = sorted(team.name for team in list_teams(new_database))
    assert names == ["Network", "Servers", "Service desk"]


def test_the_window_opens_the_assistant_for_an_admin_of_a_new_database_only(
    qtbot: QtBot, new_database: Engine
) -> None:
    from tests.conftest import QUIET, dispose_window
    from ui.shell.main_window import MainWindow

    admin = admin_context(new_database)
    operator_id = ensure_staff(new_database, "ann")  # after the admin: an operator
    operator = AppContext(engine=new_database, me=operator_id, username="ann", role="Operator")
    window = MainWindow(operator, page_options=QUIET)
    window.show()
    qtbot.waitUntil(lambda: window.page("queue").has_shown_content)
    assert window.findChild(SetUpAssistant) is None
    dispose_window(window)

    window = MainWindow(admin, page_options=QUIET)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(SetUpAssistant) is not None)
    assistant = window.findChild(SetUpAssistant)
    qtbot.waitUntil(lambda: assistant.current.key == "organisation" and assistant.isVisible())
    assert window.action("setUpAssistant").isEnabled()
    assistant.reject()
    dispose_window(window)


def test_the_organisation_dialog_shows_the_chosen_logo_and_saves_it(
    qtbot: QtBot, context: AppContext, org: Org, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    image.save(str(logo))
    not_a_logo = tmp_path / "logo.txt"
    not_a_logo.write_text("hello", encoding="utf-8")

    dialog = OrganisationDialog(as_admin(context, org))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.confirm.isEnabled)
    fields = dialog.fields
    assert QApplication.focusWidget() is fields.name_edit
    qtbot.keyClicks(fields.name_edit, "Northwind Health")
    fields.load_logo(not_a_logo)
    qtbot.waitUntil(lambda: fields.errors["logo"].isVisible())
    assert "PNG, JPEG or SVG" in fields.errors["logo"].text()
    assert fields.preview.text() == "No logo"
    with qtbot.waitSignal(fields.logoChanged):
        fields.load_logo(logo)
    assert not fields.errors["logo"].isVisible() and not fields.preview.pixmap().isNull()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(fields.name_edit, Qt.Key.Key_Return)
    saved = organisation(context.engine)
    assert saved.name == "Northwind Health" and saved.logo == logo.read_bytes()
    assert saved.logo_type == "image/png"


def test_only_an_admin_may_save_the_organisation(
    qtbot: QtBot, context: AppContext, org: Org
) -> None:
    dialog = OrganisationDialog(as_manager(context, org))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.confirm.isEnabled)
    qtbot.keyClicks(dialog.fields.name_edit, "Northwind")
    qtbot.keyClick(dialog.fields.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.problem.isVisible)
    assert "admin" in dialog.problem.text().lower()
    assert organisation(context.engine).name == ""


def test_categories_are_kept_unticked_or_added_under_a_saved_one(
    qtbot: QtBot, new_database: Engine
) -> None:
    context = admin_context(new_database)
    hardware = save_category(new_database, context.me, CategoryDraft("Hardware"))
    reach_step(new_database, context.me, "categories")
    dialog = open_assistant(qtbot, context)
    step = dialog.steps[3]
    [security] = [top for top in step._tops() if top.text(0) == "Security"]
    step.tree.setCurrentItem(security)
    qtbot.keyClick(step.tree, Qt.Key.Key_Space)  # unticks Security and what is under it
    assert security.checkState(0) == Qt.CheckState.Unchecked
    qtbot.keyClick(dialog, Qt.Key.Key_W, ALT)  # Ne&w
    qtbot.keyClicks(step.new_edit, "Docking station")
    qtbot.keyClick(step.new_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is step.parent_combo
    qtbot.keyClicks(step.parent_combo, "Hardware")
    qtbot.keyClick(step.parent_combo, Qt.Key.Key_Return)  # adds it there, stays on the step
    assert dialog.current is step and not step.new_edit.text()
    assert QApplication.focusWidget() is step.new_edit  # ready for the next one
    press_next(qtbot, dialog, "sla")

    tree = {node.name: node for node in category_tree(new_database).categories}
    assert "Security" not in tree and "Virus or malware" not in {
        child.name for node in tree.values() for child in node.children
    }
    assert tree["Hardware"].id == hardware  # the saved one, not a second Hardware
    assert {"Docking station", "Laptop"} <= {child.name for child in tree["Hardware"].children}
