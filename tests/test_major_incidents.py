"""Major incidents and a ticket's cause (app/maintenance/major_incidents.py): declaring and
closing (a manager's or an admin's, audited), refusals in words, and linking a ticket to an
incident or a maintenance occurrence as a ticket change (an event, a new version)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.maintenance.major_incidents import (
    cause_choices,
    close,
    declare,
    link_notice,
    link_ticket,
    open_incidents,
    unlink_ticket,
)
from app.maintenance.record import cancel
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, create_ticket
from models.audit import AuditEvent, AuditKind
from models.engine import read_session
from models.enums import EventKind
from models.maintenance import MajorIncident
from models.tickets import Ticket, TicketEvent
from tests.conftest import NOW, Org
from tests.test_maintenance_tasks import add

NINE_TWELVE = datetime(2026, 11, 24, 9, 12, tzinfo=UTC)


def ticket(engine: Engine, org: Org) -> uuid.UUID:
    draft = TicketDraft(summary="Cannot reach the VPN", caller_id=org.alice)
    return create_ticket(engine, draft, org.ann).id


def incident(engine: Engine, incident_id: uuid.UUID) -> MajorIncident:
    with read_session(engine) as session:
        found = session.get(MajorIncident, incident_id)
        assert found is not None
        return found


def audit(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == AuditKind.MAJOR_INCIDENT.value)
            .order_by(AuditEvent.at)  # type: ignore[arg-type]
        ).all()
        return [row.detail for row in rows]


def cause_events(engine: Engine, ticket_id: uuid.UUID) -> list[tuple[str, str, int]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id, TicketEvent.field == "cause")
            .order_by(TicketEvent.ticket_version)  # type: ignore[arg-type]
        ).all()
        assert all(row.kind == EventKind.FIELD_CHANGED for row in rows)
        return [(row.old_value, row.new_value, row.ticket_version) for row in rows]


def stored_ticket(engine: Engine, ticket_id: uuid.UUID) -> Ticket:
    with read_session(engine) as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found


# -- declaring and closing ------------------------------------------------------------------


def test_a_manager_declares_and_closes_a_major_incident_both_audited(
    engine: Engine, org: Org
) -> None:
    incident_id = declare(engine, org.mia, "  VPN   down ", org.hq, NINE_TWELVE, "Tunnel flaps")
    declared = incident(engine, incident_id)
    assert (declared.title, declared.site_id, declared.started_at) == (
        "VPN down",
        org.hq,
        NINE_TWELVE,
    )
    assert (declared.declared_by_id, declared.ended_at, declared.note) == (
        org.mia,
        None,
        "Tunnel flaps",
    )
    assert [i.text for i in open_incidents(engine)] == ["Major incident since 09:12, HQ: VPN down"]
    close(engine, org.ada, incident_id, "Tunnel restarted")
    closed = incident(engine, incident_id)
    assert closed.closed_by_id == org.ada and closed.ended_at is not None
    assert closed.ended_at >= NOW
    assert closed.note == "Tunnel flaps\nTunnel restarted"
    assert open_incidents(engine) == []
    assert audit(engine) == [
        "Declared “VPN down” at HQ, since 2026-11-24 09:12 UTC: Tunnel flaps",
        "Closed “VPN down”: Tunnel restarted",
    ]


def test_declared_without_a_time_it_is_down_since_now_at_every_site(
    engine: Engine, org: Org
) -> None:
    declared = incident(engine, declare(engine, org.mia, "Phones down", None))
    assert declared.site_id is None
    assert abs(declared.started_at - NOW) < timedelta(minutes=1)


def test_refusals_say_what_is_wrong_and_save_nothing(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        declare(engine, org.mia, "  ", uuid.uuid4(), NOW + timedelta(hours=1))
    assert set(refused.value.problems) == {"title", "site", "started_at"}
    assert "what is down" in refused.value.problems["title"]
    with pytest.raises(ValidationError, match="under 200 characters"):
        declare(engine, org.mia, "x" * 201, None)
    assert open_incidents(engine) == [] and audit(engine) == []


@pytest.mark.parametrize("who", ["ann", "bob"])
def test_only_managers_and_admins_declare_or_close(engine: Engine, org: Org, who: str) -> None:
    actor = getattr(org, who)
    with pytest.raises(PermissionDenied, match=refusal(Action.DECLARE_MAJOR_INCIDENT)):
        declare(engine, actor, "VPN down", org.hq)
    incident_id = declare(engine, org.mia, "VPN down", org.hq)
    with pytest.raises(PermissionDenied):
        close(engine, actor, incident_id)
    assert incident(engine, incident_id).ended_at is None


def test_closing_twice_is_refused_naming_who_closed_it(engine: Engine, org: Org) -> None:
    incident_id = declare(engine, org.mia, "VPN down", org.hq)
    close(engine, org.mia, incident_id)
    with pytest.raises(ValidationError, match="closed already by Mia Manager"):
        close(engine, org.ada, incident_id)
    assert len(audit(engine)) == 2


# -- a ticket's cause -----------------------------------------------------------------------


def test_linking_a_ticket_to_an_incident_is_a_ticket_change(engine: Engine, org: Org) -> None:
    ticket_id = ticket(engine, org)
    before = stored_ticket(engine, ticket_id).version
    incident_id = declare(engine, org.mia, "VPN down", org.hq, NINE_TWELVE)
    detail = link_ticket(engine, org.ann, ticket_id, major_incident_id=incident_id)
    assert detail.version == before + 1
    assert stored_ticket(engine, ticket_id).major_incident_id == incident_id
    assert cause_events(engine, ticket_id) == [
        ("", "Major incident since 09:12, HQ: VPN down", before + 1)
    ]
    assert detail.events[-1].text == "cause: — → Major incident since 09:12, HQ: VPN down"
    # Linking it again changes nothing: no event, same version.
    again = link_ticket(engine, org.ann, ticket_id, major_incident_id=incident_id)
    assert again.version == before + 1
    assert cause_choices(engine, ticket_id).linked == "Major incident since 09:12, HQ: VPN down"


def test_a_maintenance_occurrence_replaces_the_incident_and_unlinking_clears_it(
    engine: Engine, org: Org
) -> None:
    ticket_id = ticket(engine, org)
    incident_id = declare(engine, org.mia, "VPN down", org.hq, NINE_TWELVE)
    task = add(engine, org, start_time="09:30")
    link_ticket(engine, org.ann, ticket_id, major_incident_id=incident_id)
    due = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    link_ticket(engine, org.ann, ticket_id, occurrence=(task, due))
    stored = stored_ticket(engine, ticket_id)
    assert (stored.major_incident_id, stored.maintenance_task_id) == (None, task)
    assert stored.maintenance_due_at == due
    maintenance = (
        "Planned maintenance on Tue 24 Nov: Mail server patching, 09:30-10:30, HQ: mail unavailable"
    )
    detail = unlink_ticket(engine, org.ann, ticket_id)
    assert [(old, new) for old, new, _ in cause_events(engine, ticket_id)] == [
        ("", "Major incident since 09:12, HQ: VPN down"),
        ("Major incident since 09:12, HQ: VPN down", maintenance),
        (maintenance, ""),
    ]
    cleared = stored_ticket(engine, ticket_id)
    assert (cleared.maintenance_task_id, cleared.maintenance_due_at) == (None, None)
    assert unlink_ticket(engine, org.ann, ticket_id).version == detail.version  # nothing to do


def test_a_closed_incident_may_still_be_linked(engine: Engine, org: Org) -> None:
    ticket_id = ticket(engine, org)
    incident_id = declare(engine, org.mia, "VPN down", org.hq, NINE_TWELVE)
    close(engine, org.mia, incident_id)
    link_ticket(engine, org.bob, ticket_id, major_incident_id=incident_id)
    assert cause_events(engine, ticket_id)[0][1].endswith("VPN down (closed)")


def test_linking_refuses_what_cannot_be_a_cause(engine: Engine, org: Org) -> None:
    ticket_id = ticket(engine, org)
    task = add(engine, org, start_time="09:30")
    due = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    with pytest.raises(ValidationError, match="Choose one"):
        link_ticket(engine, org.ann, ticket_id)
    with pytest.raises(ValidationError, match="no longer exists"):
        link_ticket(engine, org.ann, ticket_id, major_incident_id=uuid.uuid4())
    with pytest.raises(ValidationError, match="no maintenance window starting then"):
        link_ticket(engine, org.ann, ticket_id, occurrence=(task, due + timedelta(hours=1)))
    cancel(engine, org.mia, task, due, "Vendor holiday")
    with pytest.raises(ValidationError, match="was cancelled: it cannot have caused this"):
        link_ticket(engine, org.ann, ticket_id, occurrence=(task, due))
    assert cause_events(engine, ticket_id) == []


def test_linking_checks_the_version_when_given_one(engine: Engine, org: Org) -> None:
    ticket_id = ticket(engine, org)
    version = stored_ticket(engine, ticket_id).version
    incident_id = declare(engine, org.mia, "VPN down", org.hq)
    link_ticket(engine, org.bob, ticket_id, major_incident_id=incident_id)
    with pytest.raises(ConflictError):
        unlink_ticket(engine, org.ann, ticket_id, expected_version=version)


def test_cause_choices_offer_the_notices_the_ticket_s_site_first(engine: Engine, org: Org) -> None:
    ticket_id = ticket(engine, org)  # Alice's, at HQ
    declare(engine, org.mia, "NY printers", org.branch, NINE_TWELVE)
    add(engine, org, start_time="09:30")
    choices = cause_choices(engine, ticket_id)
    assert choices.linked == ""
    assert [n.title for n in choices.offered] == ["Mail server patching", "NY printers"]
    detail = link_notice(engine, org.ann, ticket_id, choices.offered[0])
    assert detail.events[-1].text.startswith("cause: — → Planned maintenance on Tue 24 Nov")
    assert cause_choices(engine, None, org.branch).offered[0].title == "NY printers"
