"""Known errors at intake (app/problems/known_errors.py) on every configured back end: the
hints offered as a ticket is typed (by asset, category and words, ranked, and the near
misses that must not be offered), and giving a known error's workaround to a caller."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.errors import ConflictError, ValidationError
from app.problems.detail import problem_detail
from app.problems.known_errors import HINT_LIMIT, apply_known_error, known_error_hints
from app.problems.records import (
    ProblemDraft,
    change_problem_status,
    create_problem,
    link_incidents,
)
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import read_session, write_session
from models.enums import EventKind, ProblemStatus
from models.org import Category
from models.people import Asset
from models.problems import Problem
from models.tickets import Ticket
from tests.conftest import NOW, Org

P = ProblemStatus
LATER = NOW + timedelta(minutes=5)
VPN_WORKAROUND = "Reconnect with the backup gateway vpn2.example.org"


def known_error(
    engine: Engine,
    org: Org,
    title: str,
    *,
    workaround: str = VPN_WORKAROUND,
    status: P = P.KNOWN_ERROR,
    assets: tuple[uuid.UUID, ...] = (),
    categories: tuple[uuid.UUID, ...] = (),
) -> uuid.UUID:
    """A problem by Bob with a root cause and ``workaround``, moved to ``status``."""
    draft = ProblemDraft(
        title=title,
        root_cause="Gateway firmware",
        workaround=workaround,
        permanent_fix="Firmware 2.1",
        asset_ids=assets,
        category_ids=categories,
    )
    problem_id = create_problem(engine, draft, org.bob, NOW)
    if status is not P.NEW:
        change_problem_status(engine, problem_id, status, org.bob, NOW, 1, note="Known")
    return problem_id


def hints(
    engine: Engine,
    summary: str = "",
    category: uuid.UUID | None = None,
    asset: uuid.UUID | None = None,
    caller_assets: tuple[uuid.UUID, ...] = (),
) -> list[tuple[str, str]]:
    """The titles offered and why."""
    found = known_error_hints(
        engine,
        summary=summary,
        category_id=category,
        asset_id=asset,
        caller_asset_ids=caller_assets,
    )
    return [(hint.title, hint.why) for hint in found]


def new_asset(engine: Engine, tag: str) -> uuid.UUID:
    asset = Asset(tag=tag)
    with write_session(engine) as session:
        session.add(asset)
    return asset.id


# -- hints -------------------------------------------------------------------------------------


def test_nothing_is_offered_without_known_errors(engine: Engine, org: Org) -> None:
    assert hints(engine, "VPN disconnects", org.wan, org.laptop) == []


def test_a_known_error_matches_by_asset(engine: Engine, org: Org) -> None:
    problem_id = known_error(engine, org, "Laptop docks lose the screen", assets=(org.laptop,))
    assert hints(engine, asset=org.laptop) == [("Laptop docks lose the screen", "same asset")]
    assert hints(engine, caller_assets=(org.laptop,)) == [
        ("Laptop docks lose the screen", "the caller's LT-0001")
    ]
    [hint] = known_error_hints(
        engine, summary="", category_id=None, asset_id=org.laptop, caller_asset_ids=(org.laptop,)
    )
    assert (hint.problem_id, hint.reference, hint.workaround) == (
        problem_id,
        "PRB-000001",
        VPN_WORKAROUND,
    )
    assert hint.reasons == ("same asset",)
    assert hints(engine, asset=new_asset(engine, "LT-0002")) == []


def test_a_known_error_matches_by_category_and_the_one_above(engine: Engine, org: Org) -> None:
    known_error(engine, org, "Toner smears", categories=(org.printing,))
    toner = Category(name="Toner", parent_id=org.printing)
    with write_session(engine) as session:
        session.add(toner)
    assert hints(engine, category=org.printing) == [("Toner smears", "same category")]
    assert hints(engine, category=toner.id) == [("Toner smears", "in Printing")]
    assert hints(engine, category=org.wan) == []


def test_a_known_error_matches_by_words(engine: Engine, org: Org) -> None:
    known_error(engine, org, "VPN disconnects every hour")
    expected = [("VPN disconnects every hour", "summary mentions 'vpn', 'disconnects'")]
    assert hints(engine, "My VPN keeps disconnecting") == expected
    assert hints(engine, "vpn disconn") == expected  # the word being typed
    assert hints(engine, "Cannot reach the VPN") == [
        ("VPN disconnects every hour", "summary mentions 'vpn'")
    ]
    # Words of the workaround count too, but two of them are needed without the title's.
    assert hints(engine, "backup gateway refuses me") == [
        ("VPN disconnects every hour", "summary mentions 'backup', 'gateway'")
    ]
    assert hints(engine, "gateway") == []


@pytest.mark.parametrize(
    "summary",
    [
        "Printer on fire",  # unrelated words
        "Not working, please help",  # nothing but words that say nothing
        "Dis",  # too short a start of a word to tell which
    ],
)
def test_unrelated_words_offer_nothing(engine: Engine, org: Org, summary: str) -> None:
    known_error(engine, org, "VPN disconnects hourly")
    assert hints(engine, summary) == []


def test_only_known_errors_are_offered(engine: Engine, org: Org) -> None:
    """Near misses: a problem whose root cause and workaround are written but is not yet a
    known error, one that was resolved, and one that is new."""
    laptop = (org.laptop,)
    known_error(
        engine, org, "VPN drops (root cause known)", status=P.ROOT_CAUSE_KNOWN, assets=laptop
    )
    known_error(engine, org, "VPN drops (resolved)", status=P.RESOLVED, assets=laptop)
    known_error(engine, org, "VPN drops (new)", status=P.NEW, assets=laptop)
    assert hints(engine, "VPN drops", org.wan, org.laptop) == []
    known_error(engine, org, "VPN drops (known error)", assets=laptop)
    assert [title for title, _why in hints(engine, "VPN drops", org.wan, org.laptop)] == [
        "VPN drops (known error)"
    ]


def test_hints_are_ranked_asset_category_words(engine: Engine, org: Org) -> None:
    known_error(engine, org, "VPN fails on the WAN", categories=(org.wan,))
    known_error(engine, org, "VPN fails with old certificates")
    known_error(engine, org, "Laptop VPN client crashes", assets=(org.laptop,))
    known_error(
        engine,
        org,
        "VPN fails on the WAN for this laptop",
        assets=(org.laptop,),
        categories=(org.wan,),
    )
    assert hints(engine, "VPN fails", org.wan, org.laptop) == [
        (
            "VPN fails on the WAN for this laptop",
            "same asset; same category; summary mentions 'vpn', 'fails'",
        ),
        ("Laptop VPN client crashes", "same asset; summary mentions 'vpn'"),
        ("VPN fails on the WAN", "same category; summary mentions 'vpn', 'fails'"),
        ("VPN fails with old certificates", "summary mentions 'vpn', 'fails'"),
    ]


def test_at_most_a_few_hints(engine: Engine, org: Org) -> None:
    for n in range(HINT_LIMIT + 2):
        known_error(engine, org, f"VPN issue number {n}", categories=(org.wan,) if n == 0 else ())
    offered = hints(engine, "vpn", org.wan)
    assert len(offered) == HINT_LIMIT
    assert offered[0] == ("VPN issue number 0", "same category; summary mentions 'vpn'")


# -- giving the workaround -----------------------------------------------------------------


def _ticket(engine: Engine, org: Org, summary: str = "VPN disconnects") -> uuid.UUID:
    return create_ticket(engine, TicketDraft(summary=summary, caller_id=org.alice), org.ann, NOW).id


def stored_ticket(engine: Engine, ticket_id: uuid.UUID) -> Ticket:
    with read_session(engine) as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found


def problem_version(engine: Engine, problem_id: uuid.UUID) -> int:
    with read_session(engine) as session:
        return session.exec(select(Problem.version).where(col(Problem.id) == problem_id)).one()


def test_applying_links_the_ticket_and_puts_the_workaround_in_the_worklog(
    engine: Engine, org: Org
) -> None:
    problem_id = known_error(engine, org, "VPN disconnects every hour")
    version = problem_version(engine, problem_id)
    ticket_id = _ticket(engine, org)
    detail = apply_known_error(engine, ticket_id, problem_id, org.ann, LATER, 1)
    assert detail.version == 2
    assert detail.first_response_at == LATER
    linked, used = detail.events[-2:]
    assert (linked.kind, linked.text) == (EventKind.PROBLEM_LINKED, "Problem linked: PRB-000001")
    assert (used.kind, used.actor, used.note) == (
        EventKind.KNOWN_ERROR_USED,
        "Ann Operator",
        VPN_WORKAROUND,
    )
    assert stored_ticket(engine, ticket_id).problem_id == problem_id
    # The desk writes the problem's history, not the problem.
    assert problem_version(engine, problem_id) == version
    problem = problem_detail(engine, problem_id, LATER)
    assert (problem.events[-1].actor, problem.events[-1].text) == (
        "Ann Operator",
        "workaround given at intake on HQ-000001",
    )
    assert [i.number for i in problem.incidents] == ["HQ-000001"]
    # Given again to the same caller: one more worklog entry, no second link.
    again = apply_known_error(engine, ticket_id, problem_id, org.ann, LATER, 2)
    assert [e.kind for e in again.events[-2:]] == [
        EventKind.KNOWN_ERROR_USED,
        EventKind.KNOWN_ERROR_USED,
    ]


def test_applying_to_an_incident_of_another_problem_is_refused(engine: Engine, org: Org) -> None:
    other = create_problem(engine, ProblemDraft(title="Flaky wifi"), org.bob, NOW)
    problem_id = known_error(engine, org, "VPN disconnects every hour")
    ticket_id = _ticket(engine, org)
    link_incidents(engine, other, [ticket_id], org.bob, NOW)
    with pytest.raises(ValidationError) as refused:
        apply_known_error(engine, ticket_id, problem_id, org.ann, LATER, 2)
    assert refused.value.problems["problem"].startswith(
        "HQ-000001 is an incident of PRB-000001 already, so it was not linked to PRB-000002."
    )
    ticket = stored_ticket(engine, ticket_id)
    assert (ticket.version, ticket.problem_id) == (2, other)
    assert [e.text for e in problem_detail(engine, problem_id, LATER).events][-1] == (
        "status: New → Known error"
    )


def test_applying_what_is_no_longer_a_known_error_is_refused(engine: Engine, org: Org) -> None:
    problem_id = known_error(engine, org, "VPN drops", status=P.RESOLVED)
    ticket_id = _ticket(engine, org)
    with pytest.raises(ValidationError, match="PRB-000001 is no longer a known error"):
        apply_known_error(engine, ticket_id, problem_id, org.ann, LATER, 1)
    assert stored_ticket(engine, ticket_id).version == 1


def test_applying_over_a_newer_save_is_refused(engine: Engine, org: Org) -> None:
    problem_id = known_error(engine, org, "VPN drops")
    ticket_id = _ticket(engine, org)
    apply_known_error(engine, ticket_id, problem_id, org.ann, LATER, 1)
    with pytest.raises(ConflictError):
        apply_known_error(engine, ticket_id, problem_id, org.ann, LATER, 1)
    assert stored_ticket(engine, ticket_id).version == 2
