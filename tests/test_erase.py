"""Erasing a caller's personal data (app/callers/erase.py): what goes, what stays, who may,
and the audit row, on each back end; and ``switchboard admin erase-caller``."""

from __future__ import annotations

import io
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app import config
from app.callers.erase import ERASED_NAME, erase_caller
from app.callers.lookup import lookup
from app.calls.records import CallRecord, record_call
from app.cli import main
from app.errors import PermissionDenied
from app.tickets.actions import TicketDraft, add_note, create_ticket, update_ticket
from models.audit import AuditEvent
from models.engine import read_session, write_session
from models.people import Caller, CallerPhone
from models.tickets import Call, Ticket, TicketEvent
from tests.conftest import NOW, Org


def _alice_on_record(engine: Engine, org: Org) -> tuple[uuid.UUID, uuid.UUID]:
    """Alice's phone, a call, her ticket with her name, e-mail and number in its trail, and
    Zoe's ticket; the ids of the two tickets."""
    with write_session(engine) as session:
        session.add(CallerPhone(caller_id=org.alice, number="020 7946 0018", digits="442079460018"))
    record_call(engine, CallRecord(NOW, NOW, "020 7946 0018", org.alice, org.ann), org.ann)
    ticket = create_ticket(
        engine,
        TicketDraft(summary="Alice Müller cannot print", caller_id=org.alice),
        org.ann,
    )
    add_note(
        engine, ticket.id, "Rang Alice Müller on 020 7946 0018, mail alice@example.org", org.ann
    )
    update_ticket(
        engine, ticket.id, ticket.version + 1, {"description": "Alice Müller's printer"}, org.ann
    )
    other = create_ticket(engine, TicketDraft(summary="Zoe's screen", caller_id=org.zoe), org.ann)
    return ticket.id, other.id


def test_erasure_blanks_every_personal_value_and_keeps_the_records(
    engine: Engine, org: Org
) -> None:
    mine, other = _alice_on_record(engine, org)

    blanked = erase_caller(engine, org.ada, org.alice)

    assert blanked >= 2  # the note, and the description's change
    with read_session(engine) as session:
        alice = session.get(Caller, org.alice)
        assert alice is not None
        assert (alice.name, alice.email, alice.notes) == (ERASED_NAME, None, "")
        assert (
            session.exec(select(CallerPhone).where(CallerPhone.caller_id == org.alice)).all() == []
        )
        ticket = session.get(Ticket, mine)
        assert ticket is not None
        assert ticket.caller_name == ERASED_NAME
        assert ticket.summary == "[erased] cannot print"
        assert ticket.description == "[erased]'s printer"
        values = " ".join(
            f"{e.old_value} {e.new_value} {e.note}"
            for e in session.exec(select(TicketEvent).where(TicketEvent.ticket_id == mine))
        )
        assert "Rang [erased] on [erased], mail [erased]" in values
        for secret in ("Alice", "Müller", "7946", "alice@"):
            assert secret not in values
        calls = session.exec(select(Call.number).where(Call.caller_id == org.alice)).all()
        assert calls == [""]
        zoe_ticket = session.get(Ticket, other)
        assert zoe_ticket is not None and zoe_ticket.summary == "Zoe's screen"
        trail = session.exec(select(AuditEvent).where(AuditEvent.subject_id == org.alice)).all()
    assert [(row.actor_id, row.kind) for row in trail] == [(org.ada, "caller erased")]
    assert "Alice" not in trail[0].detail
    assert [hit.name for hit in lookup(engine, "Müller")] == []


def test_only_an_admin_may_erase_and_a_refusal_changes_nothing(engine: Engine, org: Org) -> None:
    _alice_on_record(engine, org)
    with pytest.raises(PermissionDenied, match="Only an admin can erase a caller's personal data"):
        erase_caller(engine, org.mia, org.alice)
    with read_session(engine) as session:
        alice = session.get(Caller, org.alice)
        assert alice is not None and alice.name == "Alice Müller"
        assert session.exec(select(col(AuditEvent.id))).all() == []


# ------------------------------------------------------------------- the command line


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database whose admin is the login running the commands ("ann")."""
    monkeypatch.setenv("LOGNAME", "ann")
    monkeypatch.setenv("USER", "ann")
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


def _caller(path: Path, name: str, email: str) -> None:
    from app.db_lifecycle import open_database

    engine = open_database(config.to_url(str(path)))
    with write_session(engine) as session:
        session.add(Caller(name=name, email=email))
    engine.dispose()


def test_the_command_erases_one_caller_found_by_email(
    desk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _caller(desk, "Carl Baker", "carl@example.org")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["admin", "erase-caller", "CARL@example.org", "--db", str(desk)]) == 2
    assert "Add --yes" in capsys.readouterr().err
    assert main(["admin", "erase-caller", "carl@example.org", "--yes", "--db", str(desk)]) == 0
    assert "Erased the personal data of Carl Baker" in capsys.readouterr().out
    assert main(["admin", "erase-caller", "carl@example.org", "--yes", "--db", str(desk)]) == 2
    assert "No caller has the id, e-mail or employee id" in capsys.readouterr().err


def test_the_command_asks_for_the_id_when_several_callers_match(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _caller(desk, "Dee One", "shared@example.org")
    _caller(desk, "Dee Two", "shared@example.org")
    assert main(["admin", "erase-caller", "shared@example.org", "--yes", "--db", str(desk)]) == 2
    error = capsys.readouterr().err
    assert "2 callers match" in error and "Dee One" in error and "Give the id" in error
