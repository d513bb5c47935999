"""Teams: the list, a team's members and categories, and the rules of saving (app/org/teams.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.org.teams import TeamDraft, list_teams, save_team, set_members, team_detail
from app.permissions import Action, refusal
from app.staff import deactivate
from app.tickets.actions import TicketDraft, create_ticket
from models.audit import AuditEvent, AuditKind
from models.engine import read_session
from models.tickets import Ticket
from tests.conftest import Org


def _trail(engine: Engine) -> list[str]:
    """The team audit rows' details, oldest first."""
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == AuditKind.TEAM_CHANGED.value)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
        return [row.detail for row in rows]


def test_the_list_counts_members_and_sorts_by_name(engine: Engine, org: Org) -> None:
    set_members(engine, org.mia, org.network, add=[org.bob, org.ann])
    rows = list_teams(engine)
    assert [(r.name, r.member_count, r.is_service_desk) for r in rows] == [
        ("Network", 2, False),
        ("Service desk", 0, True),
    ]


def test_a_manager_adds_a_team_and_the_trail_says_so(engine: Engine, org: Org) -> None:
    team_id = save_team(engine, org.mia, TeamDraft(" Field  service ", "field@example.org"))
    detail = team_detail(engine, team_id)
    assert (detail.name, detail.email, detail.is_service_desk) == (
        "Field service",
        "field@example.org",
        False,
    )
    assert _trail(engine) == ["Added team Field service (e-mail field@example.org)"]


def test_the_detail_lists_members_and_the_categories_defaulting_to_it(
    engine: Engine, org: Org
) -> None:
    set_members(engine, org.mia, org.network, add=[org.bob])
    detail = team_detail(engine, org.network)
    assert [(m.name, m.role) for m in detail.members] == [("Bob Tech", "Technician")]
    assert detail.categories == ("Network outage",)


def test_a_change_is_told_in_words_and_a_no_op_writes_nothing(engine: Engine, org: Org) -> None:
    save_team(engine, org.mia, TeamDraft("Networks", "net@example.org"), org.network)
    save_team(engine, org.mia, TeamDraft("Networks", "net@example.org"), org.network)
    assert _trail(engine) == ["Network: name Network → Networks; e-mail none → net@example.org"]


def test_renaming_keeps_the_tickets_copy_of_the_name(engine: Engine, org: Org) -> None:
    ticket = create_ticket(
        engine, TicketDraft(summary="VPN down", caller_id=org.alice, team_id=org.network), org.ada
    )
    save_team(engine, org.mia, TeamDraft("Networking"), org.network)
    with read_session(engine) as session:
        stored = session.get(Ticket, ticket.id)
        assert stored is not None and stored.team_name == "Networking"


@pytest.mark.parametrize("name", ["network", " NETWORK "])
def test_a_taken_name_is_refused_ignoring_case(engine: Engine, org: Org, name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        save_team(engine, org.mia, TeamDraft(name), org.desk)
    assert refused.value.problems == {
        "name": "There is already a team called Network; choose another name."
    }
    assert _trail(engine) == []


def test_a_team_may_keep_its_own_name_in_another_case(engine: Engine, org: Org) -> None:
    save_team(engine, org.mia, TeamDraft("NETWORK"), org.network)
    assert team_detail(engine, org.network).name == "NETWORK"


def test_a_missing_name_and_a_bad_email_are_refused_at_their_fields(
    engine: Engine, org: Org
) -> None:
    with pytest.raises(ValidationError) as refused:
        save_team(engine, org.mia, TeamDraft("  ", "not an address"))
    assert set(refused.value.problems) == {"name", "email"}
    assert len(list_teams(engine)) == 2


def test_the_last_service_desk_team_stays_one(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        save_team(engine, org.mia, TeamDraft("Service desk"), org.desk)
    assert "first-level resolution" in refused.value.problems["is_service_desk"]
    assert team_detail(engine, org.desk).is_service_desk
    save_team(engine, org.mia, TeamDraft("Network", is_service_desk=True), org.network)
    save_team(engine, org.mia, TeamDraft("Service desk"), org.desk)  # another one remains
    assert not team_detail(engine, org.desk).is_service_desk


def test_members_are_added_and_removed_with_one_row_each_time(engine: Engine, org: Org) -> None:
    set_members(engine, org.mia, org.network, add=[org.bob, org.ann])
    set_members(engine, org.mia, org.network, add=[org.bob], remove=[org.ann])
    set_members(engine, org.mia, org.network, remove=[org.ann])  # out already: nothing
    assert [m.name for m in team_detail(engine, org.network).members] == ["Bob Tech"]
    assert _trail(engine) == [
        "Members of Network: added Ann Operator, Bob Tech",
        "Members of Network: removed Ann Operator",
    ]


def test_a_person_may_be_in_several_teams(engine: Engine, org: Org) -> None:
    set_members(engine, org.mia, org.network, add=[org.bob])
    set_members(engine, org.mia, org.desk, add=[org.bob])
    assert {r.name: r.member_count for r in list_teams(engine)} == {
        "Network": 1,
        "Service desk": 1,
    }


def test_inactive_staff_cannot_join(engine: Engine, org: Org) -> None:
    deactivate(engine, org.ada, org.bob)
    with pytest.raises(ValidationError) as refused:
        set_members(engine, org.mia, org.network, add=[org.bob, org.ann])
    assert refused.value.problems["members"].startswith("Bob Tech is deactivated")
    assert team_detail(engine, org.network).members == ()


def test_an_operator_is_refused_and_nothing_changes(engine: Engine, org: Org) -> None:
    with pytest.raises(PermissionDenied) as refused:
        save_team(engine, org.ann, TeamDraft("Mine"))
    assert str(refused.value) == refusal(Action.MANAGE_TEAMS)
    with pytest.raises(PermissionDenied):
        set_members(engine, org.ann, org.network, add=[org.ann])
    assert len(list_teams(engine)) == 2 and team_detail(engine, org.network).members == ()


def test_an_unknown_team_is_not_found(engine: Engine, org: Org) -> None:
    with pytest.raises(NotFoundError):
        save_team(engine, org.mia, TeamDraft("Gone"), org.alice)


def test_the_detail_offers_the_active_staff_not_in_the_team(engine: Engine, org: Org) -> None:
    set_members(engine, org.mia, org.network, add=[org.bob])
    deactivate(engine, org.ada, org.ann)
    detail = team_detail(engine, org.network)
    assert [m.name for m in detail.candidates] == ["Ada Admin", "Mia Manager"]


def test_whoever_joins_the_desk_is_a_member_of_it(engine: Engine, org: Org) -> None:
    """A new staff member's home team is the service desk, and they are one of its members,
    whether an admin added them or they were the first to start Switchboard."""
    from app.defaults import ensure_staff
    from app.staff import add_staff
    from models.enums import StaffRole

    added = add_staff(engine, org.ada, username="bea", name="Bea Brown", role=StaffRole.OPERATOR)
    started = ensure_staff(engine, "cy")
    members = {member.id for member in team_detail(engine, org.desk).members}
    assert {added, started} <= members
