"""Sites: adding and changing them, their rules (each refused at its field, nothing saved),
permissions, the audit trail, closures, and what a code change does to ticket numbers."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from app.audit import recent
from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.org.sites import (
    SiteDraft,
    add_closure,
    closures_of,
    list_sites,
    remove_closure,
    save_site,
    site_detail,
)
from app.permissions import Action, refusal
from app.tickets.actions import TicketDraft, create_ticket
from app.tickets.detail import get_ticket
from models.audit import AuditEvent, AuditKind
from models.engine import read_session
from models.org import Site, SiteClosure
from tests.conftest import Org

SPLIT_MONDAY = {"0": [["08:00", "12:00"], ["13:00", "17:00"]], "1": ["08:00", "17:00"]}


def _draft(**changes: object) -> SiteDraft:
    base = SiteDraft(
        code="LDN",
        name="London office",
        timezone="Europe/London",
        hours={"0": ["09:00", "17:30"], "4": ["09:00", "16:00"]},
        holiday_country="GB",
        holiday_subdiv="ENG",
        address="1 Strand",
        phone_region="GB",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _site_audit(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.kind == AuditKind.SITE_CHANGED.value)
            .order_by(AuditEvent.at)  # type: ignore[arg-type]
        ).all()
        return [row.detail for row in rows]


def _problems(engine: Engine, org: Org, draft: SiteDraft, site_id: uuid.UUID | None = None):
    with pytest.raises(ValidationError) as refused:
        save_site(engine, org.mia, draft, site_id)
    return refused.value.problems


def _site_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(Site)).one()


def test_a_manager_adds_a_site_and_everyone_reads_it(engine: Engine, org: Org) -> None:
    site_id = save_site(engine, org.mia, _draft(code=" ldn ", name="  London   office "))
    listed = {row.code: row for row in list_sites(engine)}
    assert set(listed) == {"HQ", "LDN", "NY"}
    assert listed["LDN"].holidays == "GB-ENG"
    assert listed["LDN"].name == "London office"
    detail = site_detail(engine, site_id)
    assert detail.draft.hours == {"0": ["09:00", "17:30"], "4": ["09:00", "16:00"]}
    assert detail.draft.phone_region == "GB" and detail.draft.address == "1 Strand"
    assert _site_audit(engine) == ["Added site LDN (London office)"]


def test_a_split_day_is_saved_in_the_calendars_form(engine: Engine, org: Org) -> None:
    site_id = save_site(engine, org.mia, _draft(hours=SPLIT_MONDAY))
    assert site_detail(engine, site_id).draft.hours == SPLIT_MONDAY


def test_a_change_is_audited_in_words_and_a_no_op_writes_nothing(engine: Engine, org: Org) -> None:
    before = site_detail(engine, org.hq).draft
    save_site(engine, org.mia, before, org.hq)
    assert _site_audit(engine) == []
    save_site(
        engine,
        org.mia,
        replace(before, code="LON", name="London office", hours=SPLIT_MONDAY),
        org.hq,
    )
    [line] = _site_audit(engine)
    assert line.startswith("Site HQ: code HQ → LON; name Head office → London office")
    assert "Monday 08:00-17:00 → 08:00-12:00, 13:00-17:00" in line
    assert "Wednesday 08:00-17:00 → closed" in line
    assert recent(engine, subject_id=org.hq)[0].detail == line


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"code": ""}, "code", "1 to 8 letters or digits"),
        ({"code": "TOO-LONG1"}, "code", "1 to 8 letters or digits"),
        ({"code": "H Q"}, "code", "letters or digits"),
        ({"name": "  "}, "name", "Give the site a name"),
        ({"timezone": "Europe/Londn"}, "timezone", "Europe/London"),
        ({"holiday_country": "XX"}, "holidays", "'GB'"),
        ({"holiday_subdiv": "NOPE"}, "holidays", "ENG"),
        ({"holiday_country": None, "holiday_subdiv": "ENG"}, "holidays", "without a holiday"),
        ({"phone_region": "UK"}, "phone_region", "GB"),
        ({"hours": {"2": ["17:00", "08:00"]}}, "hours.2", "Wednesday"),
        ({"hours": {"0": ["8am", "5pm"]}}, "hours.0", "Monday"),
        ({"hours": {"0": [["08:00", "12:00"], ["11:00", "17:00"]]}}, "hours.0", "Monday"),
        ({"hours": {}}, "hours", "at least one weekday"),
    ],
)
def test_each_rule_is_refused_at_its_field_and_nothing_is_saved(
    engine: Engine, org: Org, changes: dict[str, object], field: str, words: str
) -> None:
    problems = _problems(engine, org, _draft(**changes))
    assert field in problems
    assert words in problems[field]
    assert _site_count(engine) == 2
    assert _site_audit(engine) == []


def test_every_problem_is_named_at_once(engine: Engine, org: Org) -> None:
    problems = _problems(
        engine, org, _draft(code="", timezone="Mars/Base", hours={"1": ["10:00", "09:00"]})
    )
    assert set(problems) == {"code", "timezone", "hours.1"}


def test_a_code_in_use_is_refused_whatever_its_case(engine: Engine, org: Org) -> None:
    problems = _problems(engine, org, _draft(code="ny"))
    assert problems == {"code": "NY is already the code of New York; choose another."}
    hq = site_detail(engine, org.hq).draft
    assert _problems(engine, org, replace(hq, code="Ny"), org.hq)["code"].startswith("NY is")
    save_site(engine, org.mia, replace(hq, code="hq", name="HQ"), org.hq)  # its own code


def test_spellings_are_tidied_to_the_libraries_own(engine: Engine, org: Org) -> None:
    site_id = save_site(
        engine,
        org.mia,
        _draft(
            timezone="europe/london", holiday_country="gb", holiday_subdiv="eng", phone_region="gb"
        ),
    )
    draft = site_detail(engine, site_id).draft
    assert (draft.timezone, draft.holiday_country, draft.holiday_subdiv, draft.phone_region) == (
        "Europe/London",
        "GB",
        "ENG",
        "GB",
    )


def test_only_managers_and_admins_change_sites(engine: Engine, org: Org) -> None:
    for actor in (org.ann, org.bob):
        with pytest.raises(PermissionDenied) as refused:
            save_site(engine, actor, _draft())
        assert str(refused.value) == refusal(Action.MANAGE_SITES)
    hq = site_detail(engine, org.hq).draft
    with pytest.raises(PermissionDenied) as refused:
        save_site(engine, org.bob, replace(hq, hours=SPLIT_MONDAY), org.hq)
    assert str(refused.value) == refusal(Action.CHANGE_BUSINESS_HOURS)
    with pytest.raises(PermissionDenied):
        add_closure(engine, org.ann, org.hq, date(2026, 12, 24), date(2026, 12, 24))
    save_site(engine, org.ada, replace(hq, address="2 Strand"), org.hq)
    assert _site_count(engine) == 2 and site_detail(engine, org.hq).draft.address == "2 Strand"


def test_a_new_code_keeps_the_old_ticket_numbers(engine: Engine, org: Org) -> None:
    first = create_ticket(engine, TicketDraft(summary="Printer jams", site_id=org.hq), org.ann)
    assert first.number == "HQ-000001"
    save_site(engine, org.mia, replace(site_detail(engine, org.hq).draft, code="LDN"), org.hq)
    second = create_ticket(engine, TicketDraft(summary="Screen dark", site_id=org.hq), org.ann)
    assert second.number == "LDN-000002"
    assert get_ticket(engine, first.id).number == "HQ-000001"


def test_closures_are_added_listed_and_removed_with_the_trail(engine: Engine, org: Org) -> None:
    christmas = add_closure(
        engine, org.mia, org.hq, date(2026, 12, 24), date(2027, 1, 1), "  Christmas  "
    )
    add_closure(engine, org.mia, org.hq, date(2026, 12, 1), date(2026, 12, 1))
    add_closure(engine, org.mia, org.branch, date(2026, 12, 2), date(2026, 12, 2))
    assert closures_of(engine, org.hq) == [
        (date(2026, 12, 1), date(2026, 12, 1)),
        (date(2026, 12, 24), date(2027, 1, 1)),
    ]
    detail = site_detail(engine, org.hq)
    assert [c.reason for c in detail.closures] == ["", "Christmas"]
    remove_closure(engine, org.mia, christmas)
    assert closures_of(engine, org.hq) == [(date(2026, 12, 1), date(2026, 12, 1))]
    assert _site_audit(engine) == [
        "Site HQ: closed Thu 24 Dec 2026 – Fri 01 Jan 2027 (Christmas)",
        "Site HQ: closed Tue 01 Dec 2026",
        "Site NY: closed Wed 02 Dec 2026",
        "Site HQ: no longer closed Thu 24 Dec 2026 – Fri 01 Jan 2027",
    ]
    with pytest.raises(NotFoundError):
        remove_closure(engine, org.mia, christmas)


def test_a_closure_that_ends_before_it_starts_is_refused(engine: Engine, org: Org) -> None:
    with pytest.raises(ValidationError) as refused:
        add_closure(engine, org.mia, org.hq, date(2026, 8, 7), date(2026, 8, 3))
    assert "before the first" in refused.value.problems["last_day"]
    with read_session(engine) as session:
        assert session.exec(select(SiteClosure)).first() is None


def test_closures_of_reads_in_the_callers_session(engine: Engine, org: Org) -> None:
    add_closure(engine, org.mia, org.hq, date(2026, 11, 24), date(2026, 11, 24))
    with read_session(engine) as session:
        assert closures_of(session, org.hq) == [(date(2026, 11, 24), date(2026, 11, 24))]


def test_a_closure_moves_the_due_times_of_tickets_opened_after_it(engine: Engine, org: Org) -> None:
    """Tuesday 24 Nov 2026 10:00 in London, a P3 ticket (4 business hours to respond): due at
    14:00 today, or at 12:00 on Wednesday once the site is closed today."""
    draft = TicketDraft(summary="Printer jams", site_id=org.hq, impact=2, urgency=2)
    before = create_ticket(engine, draft, org.ann)
    assert before.response_due_at is not None
    assert before.response_due_at.replace(second=0, microsecond=0) == datetime(
        2026, 11, 24, 14, 0, tzinfo=UTC
    )
    add_closure(engine, org.mia, org.hq, date(2026, 11, 24), date(2026, 11, 24), "Move")
    after = create_ticket(engine, draft, org.ann)
    assert after.response_due_at is not None
    assert after.response_due_at.replace(second=0, microsecond=0) == datetime(
        2026, 11, 25, 12, 0, tzinfo=UTC
    )
