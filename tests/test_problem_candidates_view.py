"""The Candidates tab of the Problems page: detection runs when the tab is first shown and
lists what it found with the evidence of the one selected; a candidate becomes a problem
with its incidents linked (brought up in the Problems tab), or is dismissed with a reason
and stays gone after another run; the list keeps its rows while a run is under way; an
operator reads it all with the buttons disabled, saying why."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlmodel import select

from app.context import AppContext
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import read_session
from models.problems import CandidateDismissal
from tests.conftest import NOW, InlinePool, Org
from ui.problems.candidates import CandidatesView
from ui.problems.dialogs import NoteDialog
from ui.problems.page import ProblemsPage

pytestmark = pytest.mark.usefixtures("in_london")
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHOTS = os.environ.get("SWITCHBOARD_SHOTS", "")  # a folder: save screenshots there


@pytest.fixture
def incidents(engine: Engine, org: Org) -> dict[str, list[str]]:
    """Alice's laptop with three incidents in ten days (the same asset), and Zoe calling
    about the network three times in a fortnight (the same caller and category)."""
    laptop = [
        create_ticket(
            engine,
            TicketDraft(summary=summary, caller_id=org.alice, asset_id=org.laptop),
            org.ann,
            now=NOW - timedelta(days=days),
        ).number
        for summary, days in (
            ("Laptop freezes", 10),
            ("Laptop freezes again", 6),
            ("Blue screen", 2),
        )
    ]
    network = [
        create_ticket(
            engine,
            TicketDraft(summary=f"No network {n}", caller_id=org.zoe, category_id=org.wan),
            org.ann,
            now=NOW - timedelta(days=days),
        ).number
        for n, days in enumerate((14, 8, 3))
    ]
    return {"laptop": laptop, "network": network}


def _page(qtbot: QtBot, context: AppContext) -> ProblemsPage:
    page = ProblemsPage(context, poll_ms=0)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.shown()
    return page


def _candidates_tab(qtbot: QtBot, page: ProblemsPage) -> CandidatesView:
    """Alt+A: the Candidates tab, detection's first run listed."""
    view = page.candidates
    assert view.model.rowCount() == 0 and not view.running
    qtbot.keyClick(page, Qt.Key.Key_A, ALT)
    assert page.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    return view


def _rules(view: CandidatesView) -> list[str]:
    return [view.model.index(row, 0).data() for row in range(view.model.rowCount())]


def _titles(view: CandidatesView) -> list[str]:
    return [view.model.index(row, 1).data() for row in range(view.model.rowCount())]


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


@pytest.fixture
def tech(context: AppContext, org: Org) -> AppContext:
    return replace(context, me=org.bob, username="bob", name="Bob Tech", role="Technician")


def test_candidates_are_found_when_the_tab_is_first_shown_with_their_evidence(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    tech: AppContext,
    incidents: dict[str, list[str]],
) -> None:
    page = _page(qtbot, tech)
    view = _candidates_tab(qtbot, page)
    qtmodeltester.check(view.model)
    assert sorted(_rules(view)) == ["Same asset", "Same caller and category"]
    assert view.run_line.text().startswith("2 candidates · looked at 10:00, took ")
    row = _rules(view).index("Same asset")
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(row, 0))
    assert view.evidence_title.text() == view.model.index(row, 1).data()
    assert "LT-0001" in view.evidence_title.text()
    text = "\n".join(view.evidence_lines())
    assert all(number in text for number in incidents["laptop"])
    assert view.model.index(row, 2).data() == "3"
    assert view.create_button.isEnabled() and view.dismiss_button.isEnabled()
    _shot(page, "problems-candidates")


def test_a_candidate_becomes_a_problem_with_its_incidents(
    qtbot: QtBot, tech: AppContext, incidents: dict[str, list[str]]
) -> None:
    page = _page(qtbot, tech)
    view = _candidates_tab(qtbot, page)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(_rules(view).index("Same asset"), 0))
    title = view.current().title if view.current() else ""
    qtbot.keyClick(view.table, Qt.Key.Key_R, ALT)  # C&reate problem

    editor = page.editor
    qtbot.waitUntil(lambda: editor.detail is not None and editor.detail.reference == "PRB-000001")
    assert page.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: page.current() is not None and page.current().reference == "PRB-000001")
    assert page.table.hasFocus()
    assert editor.result_line.text() == (
        "Recorded PRB-000001 from the candidate, with its 3 incidents linked."
    )
    assert editor.title_edit.text() == title
    table = editor.incidents_table
    assert sorted(table.item(row, 0).text() for row in range(table.rowCount())) == sorted(
        incidents["laptop"]
    )
    assert editor.assets_edit.text() == "LT-0001"
    assert _rules(view) == ["Same caller and category"]

    page.tabs.setCurrentWidget(view)
    page.refresh()  # F5 on the Candidates tab: detection runs again
    qtbot.waitUntil(lambda: not view.running)
    assert _rules(view) == ["Same caller and category"]


def test_a_dismissed_candidate_is_gone_for_good(
    qtbot: QtBot, engine: Engine, tech: AppContext, incidents: dict[str, list[str]]
) -> None:
    page = _page(qtbot, tech)
    view = _candidates_tab(qtbot, page)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(_rules(view).index("Same caller and category"), 0))
    candidate = view.current()
    assert candidate is not None
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)  # Dismiss…
    qtbot.waitUntil(lambda: view.findChild(NoteDialog) is not None)
    dialog = view.findChild(NoteDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.prompt.text() == f"Dismiss “{candidate.title}”? It will not be offered again."
    qtbot.keyClicks(dialog.note, "Zoe's home router, not ours")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, CTRL)

    qtbot.waitUntil(lambda: _rules(view) == ["Same asset"])
    assert view.outcome.result.text() == (
        f"Dismissed “{candidate.title}”; it will not be offered again."
    )
    assert view.run_line.text().startswith("1 candidate · ")
    assert view.current() is not None and view.current().rule.label == "Same asset"
    with read_session(engine) as session:
        dismissal = session.exec(select(CandidateDismissal)).one()
    assert (dismissal.key, dismissal.reason) == (candidate.key, "Zoe's home router, not ours")

    qtbot.keyClick(view, Qt.Key.Key_E, ALT)  # Refr&esh
    qtbot.waitUntil(lambda: not view.running)
    assert _rules(view) == ["Same asset"]
    assert candidate.title not in _titles(view)


def test_the_list_keeps_its_rows_while_detection_runs_again(
    qtbot: QtBot, tech: AppContext, tasks: InlinePool, incidents: dict[str, list[str]]
) -> None:
    page = _page(qtbot, tech)
    view = _candidates_tab(qtbot, page)
    before = _titles(view)
    with tasks.holding():
        page.refresh()  # F5
    assert view.running
    assert view.run_line.text().endswith("· looking again…")
    assert _titles(view) == before  # still there, still usable
    view.table.setCurrentIndex(view.model.index(1, 0))
    assert view.evidence_title.text() == before[1]
    page.refresh()  # asked again meanwhile: that run's answer is as fresh
    assert len(tasks.held) == 1
    tasks.run_held()
    qtbot.waitUntil(lambda: not view.running)
    assert _titles(view) == before
    assert view.evidence_title.text() == before[1]  # the same one still selected


def test_an_operator_reads_the_candidates_but_cannot_act_on_them(
    qtbot: QtBot, context: AppContext, incidents: dict[str, list[str]]
) -> None:
    page = _page(qtbot, context)
    view = _candidates_tab(qtbot, page)
    why = refusal(Action.MANAGE_PROBLEMS)
    for button in (view.create_button, view.dismiss_button):
        assert not button.isEnabled() and button.toolTip() == why
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    assert view.evidence_lines()  # the evidence is everyone's to read
    assert not view.create_button.isEnabled()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.findChild(NoteDialog) is None
    assert page.refusal_note.isVisible() and page.refusal_note.text().startswith(why)
    _shot(page, "problems-candidates-operator")


def test_nothing_found_says_so(qtbot: QtBot, tech: AppContext) -> None:
    page = _page(qtbot, tech)
    view = page.candidates
    qtbot.keyClick(page, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: view.run_line.text().startswith("0 candidates"))
    assert view.evidence_lines() == [
        "No candidates: no incidents keep coming back in the last 90 days, or all were dealt with."
    ]
    assert not view.create_button.isEnabled()
