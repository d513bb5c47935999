"""Every figure of the monthly report on small hand-built databases whose right answers are
known by reasoning, on SQLite and PostgreSQL (the ``engine`` fixture): volume, backlog and
its ages, FCR, FLR, MTTA and MTTR (calendar and business hours, by priority), SLA, reopen,
escalation and repeat rates, the phone desk, the staff rows, the twelve-month trend and the
readings; months without tickets, tickets across month ends and clock changes, a site west
of UTC, a site without business hours; who may run it; and the period's parsing."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from app.errors import NotFoundError, PermissionDenied, SwitchboardError
from app.reports.measures import Share
from app.reports.pdf import report_pdf
from app.reports.period import (
    Period,
    between,
    month_of,
    parse_month,
    parse_quarter,
    quarter_of,
    window,
)
from app.reports.report import Report, monthly_report
from app.reports.tables import report_tables
from models.engine import read_session
from models.enums import Channel, EventKind, Priority, ShiftKind
from models.org import Site
from tests.conftest import NOW
from tests.report_fixtures import World, make_world, utc

OCTOBER = parse_month("2026-10")
# October 2026's bounds: London is on summer time (UTC+1) until Sunday 25 October 01:00 UTC,
# New York on UTC-4 all month (its clocks go back on 1 November).
LON_START, LON_END = utc(2026, 9, 30, 23), utc(2026, 11, 1, 0)
NYC_START, NYC_END = utc(2026, 10, 1, 4), utc(2026, 11, 1, 4)
H = timedelta(hours=1)


@pytest.fixture
def w(engine: Engine) -> World:
    return make_world(engine)


def report(w: World, period: Period = OCTOBER, site: str | None = None) -> Report:
    return monthly_report(w.engine, w.manager, period, site, now=NOW)


def figure(r: Report, name: str) -> tuple[str, str, str, str]:
    found = next(f for f in r.key_figures if f.name.startswith(name))
    return found.now, found.before, found.change, found.reading


def rows(r: Report, key: str) -> tuple[tuple[str, ...], ...]:
    return report_tables(r)[key].rows


# -- the period's days at each site -------------------------------------------------------------


def test_each_site_s_month_runs_from_its_own_local_midnights(w: World) -> None:
    with read_session(w.engine) as session:
        lon, nyc = session.get(Site, w.lon), session.get(Site, w.nyc)
    assert lon is not None and nyc is not None
    assert (window(lon, OCTOBER).start, window(lon, OCTOBER).end) == (LON_START, LON_END)
    assert (window(nyc, OCTOBER).start, window(nyc, OCTOBER).end) == (NYC_START, NYC_END)
    # March 2026: London moves to summer time on Sunday 29 March, so the month is an hour
    # shorter and ends at 23:00 UTC.
    march = window(lon, parse_month("2026-03"))
    assert (march.start, march.end) == (utc(2026, 3, 1, 0), utc(2026, 3, 31, 23))
    assert march.end - march.start == timedelta(days=31) - H


def test_volume_by_category_channel_priority_and_site_in_local_days(w: World) -> None:
    t = w.ticket
    t(w.lon, utc(2026, 10, 5, 10), category_id=w.printing, channel=Channel.PHONE)  # Mon 11:00
    t(w.lon, utc(2026, 10, 20, 8), category_id=w.vpn, channel=Channel.EMAIL, priority=Priority.HIGH)
    # 23:30 on Saturday 31 October in New York (already 1 November in UTC): October.
    t(
        w.nyc,
        utc(2026, 11, 1, 3, 30),
        category_id=w.network_cat,
        channel=Channel.PORTAL,
        priority=Priority.CRITICAL,
    )
    # 23:30 on 30 September in New York (1 October in UTC): September.
    t(w.nyc, utc(2026, 10, 1, 3, 30), category_id=w.printing, channel=Channel.PHONE)
    # 00:30 on Thursday 1 October in London (still 30 September in UTC): October.
    t(
        w.lon,
        utc(2026, 9, 30, 23, 30),
        category_id=w.printing,
        channel=Channel.WALK_IN,
        priority=Priority.LOW,
    )
    t(w.lon, utc(2026, 10, 31, 23, 30), category_id=w.printing, channel=Channel.PHONE)  # GMT
    t(w.lon, utc(2026, 11, 1, 0), category_id=w.printing)  # November
    t(w.lon, utc(2026, 10, 10, 12), channel=Channel.MONITORING)  # no category; Sat 13:00

    r = report(w)
    assert r.now.volume == 6
    assert r.before.volume == 1  # the New York ticket of 30 September
    assert r.now.volume_by_category == (
        ("Printing", 3),
        ("(none)", 1),
        ("Network", 1),
        ("Network › VPN", 1),
    )
    assert r.breakdowns.by_channel == (
        ("Phone", 2),
        ("Email", 1),
        ("Walk-in", 1),
        ("Portal", 1),
        ("Monitoring", 1),
    )
    assert r.now.volume_by_priority == (
        ("P1 Critical", 1),
        ("P2 High", 1),
        ("P3 Medium", 3),
        ("P4 Low", 1),
    )
    assert r.breakdowns.by_site == (("LON", 5), ("NYC", 1))
    # The heat map is in each site's local hours, Monday first.
    heat = {
        (day, hour): n
        for day, counts in enumerate(r.breakdowns.heat)
        for hour, n in enumerate(counts)
        if n
    }
    assert heat == {(0, 11): 1, (1, 9): 1, (5, 23): 2, (3, 0): 1, (5, 13): 1}
    assert ("Phone", "2", "33.3 %") in rows(r, "volume_by_channel")
    assert ("NYC", "1", "16.7 %") in rows(r, "volume_by_site")

    new_york = report(w, site="nyc")  # any case
    assert new_york.now.volume == 1
    assert new_york.breakdowns.by_site == (("NYC", 1),)
    assert new_york.sites.label == "New York (NYC)"


def test_the_heat_map_follows_the_autumn_clock_change(w: World) -> None:
    # 09:00 UTC is 10:00 in London on Monday 19 October (summer time), 09:00 on Monday 26th.
    w.ticket(w.lon, utc(2026, 10, 19, 9))
    w.ticket(w.lon, utc(2026, 10, 26, 9))
    # Sunday 25 October: 00:30 and 01:30 UTC are 01:30 BST and 01:30 GMT, the hour twice.
    w.ticket(w.lon, utc(2026, 10, 25, 0, 30))
    w.ticket(w.lon, utc(2026, 10, 25, 1, 30))
    r = report(w, site="LON")
    heat = r.breakdowns.heat
    assert (heat[0][10], heat[0][9], heat[6][1]) == (1, 1, 2)
    assert sum(map(sum, heat)) == 4


def test_the_spring_clock_change_moves_the_hours_and_the_month_s_end(w: World) -> None:
    march = parse_month("2026-03")
    w.ticket(w.lon, utc(2026, 3, 2, 9))  # Monday 09:00 GMT
    w.ticket(w.lon, utc(2026, 3, 30, 9))  # Monday 10:00 BST
    w.ticket(w.lon, utc(2026, 3, 31, 22, 30))  # 23:30 on 31 March: March
    w.ticket(w.lon, utc(2026, 3, 31, 23, 30))  # 00:30 on 1 April: April
    r = report(w, march, "LON")
    assert r.now.volume == 3
    assert (r.breakdowns.heat[0][9], r.breakdowns.heat[0][10], r.breakdowns.heat[1][23]) == (
        1,
        1,
        1,
    )


# -- backlog ------------------------------------------------------------------------------------


def test_backlog_at_the_period_s_end_and_its_ages(w: World) -> None:
    end = LON_END
    t = w.ticket
    t(w.lon, utc(2026, 10, 10, 12))  # still open: 21.5 d
    t(w.lon, utc(2026, 10, 30, 12), closed_at=utc(2026, 11, 5, 9))  # closed after: 1.5 d
    t(w.lon, utc(2026, 10, 2, 9), closed_at=utc(2026, 10, 15, 9))  # closed before: not
    t(w.lon, utc(2026, 11, 2, 9))  # created after the end: not
    t(w.lon, utc(2026, 8, 1, 9))  # open since August: > 30 d
    t(w.lon, end - 4 * H)  # < 1 d
    t(w.lon, end - timedelta(days=5), closed_at=utc(2026, 11, 20))  # 3-7 d
    t(w.lon, end - timedelta(days=3))  # exactly three days: 3-7 d
    # Closed in October, reopened in November: its closing time is cleared, so it counts.
    t(w.lon, utc(2026, 10, 5, 9), reopen_count=1)
    r = report(w)
    assert r.now.backlog == 7
    assert r.breakdowns.backlog_ages == (
        ("< 1 d", 1),
        ("1-3 d", 1),
        ("3-7 d", 2),
        ("7-30 d", 2),
        ("> 30 d", 1),
    )
    assert r.before.backlog == 1  # at the end of September only the August ticket was open
    assert figure(r, "Backlog")[:3] == ("7", "1", "+600 %")
    assert rows(r, "backlog_by_age")[3] == ("7-30 d", "2", "28.6 %")


# -- FCR and FLR --------------------------------------------------------------------------------


def test_first_contact_resolution_counts_phone_and_walk_in_tickets_only(w: World) -> None:
    day = utc(2026, 10, 6, 10)
    w.ticket(w.lon, day, channel=Channel.PHONE, first_contact_resolution=True)
    w.ticket(w.lon, day, channel=Channel.PHONE)
    w.ticket(w.nyc, day + 5 * H, channel=Channel.WALK_IN, first_contact_resolution=True)
    w.ticket(w.lon, day, channel=Channel.EMAIL, first_contact_resolution=True)  # not counted
    w.ticket(w.lon, utc(2026, 9, 20), channel=Channel.PHONE, first_contact_resolution=True)
    r = report(w)
    assert r.now.fcr == Share(2, 3)
    assert r.before.fcr == Share(1, 1)
    assert figure(r, "First contact")[:3] == ("66.7 %", "100.0 %", "-33.3 pts")


def test_first_level_resolution_is_the_service_desk_s_without_escalation(w: World) -> None:
    made = utc(2026, 10, 1, 9)
    w.ticket(w.lon, made, team_id=w.desk, resolved_at=utc(2026, 10, 10, 9))  # first level
    w.ticket(w.lon, made, team_id=w.network, resolved_at=utc(2026, 10, 11, 9))
    w.ticket(w.lon, made, team_id=w.desk, escalated=True, resolved_at=utc(2026, 10, 12, 9))
    w.ticket(w.lon, made, team_id=w.desk, resolved_at=utc(2026, 11, 3, 9))  # November
    w.ticket(w.lon, made, team_id=w.desk)  # not resolved
    r = report(w)
    assert r.now.flr == Share(1, 3)
    assert figure(r, "First level")[0] == "33.3 %"


# -- times to acknowledge and to resolve --------------------------------------------------------


def test_mtta_and_mttr_in_calendar_and_business_hours_by_priority(w: World) -> None:
    # London, office hours 09:00-17:00 local on weekdays; October is summer time (UTC+1).
    w.ticket(  # Monday 09:00: answered 10:00, resolved Tuesday 09:00 (24 h; 1 h and 8 h)
        w.lon,
        utc(2026, 10, 5, 8),
        first_response_at=utc(2026, 10, 5, 9),
        resolved_at=utc(2026, 10, 6, 8),
    )
    w.ticket(  # Friday 16:00: answered 17:30 (1.5 h; 1 h), resolved Monday 10:00 (66 h; 2 h)
        w.lon,
        utc(2026, 10, 9, 15),
        priority=Priority.HIGH,
        first_response_at=utc(2026, 10, 9, 16, 30),
        resolved_at=utc(2026, 10, 12, 9),
    )
    w.ticket(  # Wednesday 12:00: answered 12:30, resolved 14:00 (2 h; 2 h)
        w.lon,
        utc(2026, 10, 14, 11),
        first_response_at=utc(2026, 10, 14, 11, 30),
        resolved_at=utc(2026, 10, 14, 13),
    )
    w.ticket(  # From Wednesday 30 September 13:00 to Thursday 1 October 13:00: 24 h; 8 h
        w.lon,
        utc(2026, 9, 30, 12),
        first_response_at=utc(2026, 9, 30, 12, 30),  # answered in September
        resolved_at=utc(2026, 10, 1, 12),
    )
    w.ticket(  # resolved in November: not October's
        w.lon,
        utc(2026, 10, 30, 9),
        first_response_at=utc(2026, 10, 30, 10),
        resolved_at=utc(2026, 11, 2, 9),
    )
    r = report(w)
    mtta, mttr = r.now.mtta, r.now.mttr
    assert mtta.count == 4 and mtta.business_count == 4
    # Answers: 1, 1.5, 0.5, 1 h; in business hours 1, 1, 0.5, 1 h.
    assert (mtta.mean, mtta.median) == (pytest.approx(1.0), pytest.approx(1.0))
    assert mtta.business_mean == pytest.approx(3.5 / 4)
    assert mtta.business_median == pytest.approx(1.0)
    # Resolutions: 24, 66, 2, 24 h; in business hours 8, 2, 2, 8 h.
    assert mttr.count == 4 and mttr.business_count == 4
    assert (mttr.mean, mttr.median) == (pytest.approx(29.0), pytest.approx(24.0))
    assert (mttr.business_mean, mttr.business_median) == (pytest.approx(5.0), pytest.approx(5.0))
    by_priority = dict(r.now.mttr_by_priority)
    assert list(by_priority) == ["P1 Critical", "P2 High", "P3 Medium", "P4 Low"]
    assert by_priority["P1 Critical"].count == 0 and by_priority["P1 Critical"].mean is None
    high, medium = by_priority["P2 High"], by_priority["P3 Medium"]
    assert (high.count, high.mean, high.business_mean) == (
        1,
        pytest.approx(66.0),
        pytest.approx(2.0),
    )
    assert (medium.count, medium.mean, medium.median) == (
        3,
        pytest.approx(50 / 3),
        pytest.approx(24.0),
    )
    assert (medium.business_mean, medium.business_median) == (
        pytest.approx(6.0),
        pytest.approx(8.0),
    )
    assert rows(r, "mttr_by_priority")[-1] == ("All", "4", "29.0 h", "24.0 h", "5.0 h", "5.0 h")
    assert rows(r, "mttr_by_priority")[0] == ("P1 Critical", "0", "–", "–", "–", "–")
    assert rows(r, "mtta_by_priority")[1] == ("P2 High", "1", "1.5 h", "1.5 h", "1.0 h", "1.0 h")
    assert figure(r, "Mean time to resolve")[0] == "29.0 h (median 24.0 h)"


def test_an_hour_exactly_reads_as_one_hour_on_every_back_end(w: World) -> None:
    w.ticket(
        w.lon,
        utc(2026, 10, 5, 8),
        first_response_at=utc(2026, 10, 5, 9),
        resolved_at=utc(2026, 10, 7, 8),
    )
    r = report(w)
    assert figure(r, "Mean time to acknowledge")[0] == "1.0 h (median 1.0 h)"
    assert figure(r, "Mean time to resolve")[0] == "2.0 d (median 2.0 d)"


# -- SLA ----------------------------------------------------------------------------------------


def test_sla_compliance_of_responses_and_resolutions_with_a_target(w: World) -> None:
    made, due = utc(2026, 10, 5, 9), utc(2026, 10, 30, 9)
    w.ticket(  # met both
        w.lon,
        made,
        first_response_at=utc(2026, 10, 5, 10),
        response_due_at=due,
        resolved_at=utc(2026, 10, 8, 9),
        resolution_due_at=due,
    )
    w.ticket(  # missed both
        w.lon,
        made,
        first_response_at=utc(2026, 10, 6, 10),
        response_due_at=due,
        response_breached=True,
        resolved_at=utc(2026, 10, 9, 9),
        resolution_due_at=due,
        resolution_breached=True,
    )
    w.ticket(  # no target: not judged
        w.lon, made, first_response_at=utc(2026, 10, 7, 10), resolved_at=utc(2026, 10, 10, 9)
    )
    w.ticket(  # waited on the caller, so its (moved) target was met
        w.lon,
        made,
        first_response_at=utc(2026, 11, 2, 10),  # answered in November
        response_due_at=due,
        resolved_at=utc(2026, 10, 11, 9),
        resolution_due_at=utc(2026, 10, 12, 9),
        paused_minutes=600.0,
    )
    r = report(w)
    assert r.now.sla_response == Share(1, 2)
    assert r.now.sla_resolution == Share(2, 3)
    assert figure(r, "SLA compliance, response")[0] == "50.0 %"
    assert figure(r, "SLA compliance, resolution")[0] == "66.7 %"


# -- reopen, escalation, repeat -----------------------------------------------------------------


def test_reopen_rate_from_the_audit_trail(w: World) -> None:
    made = utc(2026, 9, 20, 9)
    reopened_later = w.ticket(w.lon, made, resolved_at=utc(2026, 11, 8, 9))
    w.resolved_event(reopened_later, utc(2026, 10, 10, 9))
    w.event(reopened_later, EventKind.REOPENED, utc(2026, 11, 5, 9))
    w.resolved_event(reopened_later, utc(2026, 11, 8, 9))

    kept = w.ticket(w.lon, made, closed_at=utc(2026, 10, 20, 9))
    w.resolved_event(kept, utc(2026, 10, 12, 9))
    w.event(kept, EventKind.STATUS_CHANGED, utc(2026, 10, 20, 9), new_value="Closed")

    within = w.ticket(w.nyc, made, resolved_at=utc(2026, 10, 6, 9))
    w.resolved_event(within, utc(2026, 10, 3, 9))
    w.event(within, EventKind.REOPENED, utc(2026, 10, 4, 9))
    w.resolved_event(within, utc(2026, 10, 6, 9))

    # Resolved in September, reopened in October, resolved again in November: not October's.
    september = w.ticket(w.lon, made, resolved_at=utc(2026, 11, 2, 9))
    w.resolved_event(september, utc(2026, 9, 25, 9))
    w.event(september, EventKind.REOPENED, utc(2026, 10, 2, 9))
    w.resolved_event(september, utc(2026, 11, 2, 9))

    # Reopened in October before its October resolution: resolved, not reopened after it.
    before = w.ticket(w.lon, made, resolved_at=utc(2026, 10, 9, 9))
    w.resolved_event(before, utc(2026, 9, 28, 9))
    w.event(before, EventKind.REOPENED, utc(2026, 10, 2, 9))
    w.resolved_event(before, utc(2026, 10, 9, 9))

    r = report(w)
    assert r.now.reopen == Share(2, 4)
    assert r.before.reopen == Share(2, 2)  # September's two resolutions were both reopened
    assert figure(r, "Reopen rate")[:3] == ("50.0 %", "100.0 %", "-50.0 pts")


def test_escalation_rates_apart_for_each_kind(w: World) -> None:
    made = utc(2026, 10, 5, 9)
    handed = w.ticket(w.lon, made, escalated=True)
    w.event(handed, EventKind.ESCALATED, made + H)
    flagged = w.ticket(w.lon, made, manager_flagged=True)
    w.event(flagged, EventKind.MANAGER_FLAGGED, made + 2 * H)
    both = w.ticket(w.lon, made, escalated=True, manager_flagged=True)
    w.event(both, EventKind.ESCALATED, made + H)
    w.event(both, EventKind.ESCALATED, made + 3 * H)  # there and back: one ticket
    w.event(both, EventKind.MANAGER_FLAGGED, made + 4 * H)
    late = w.ticket(w.lon, utc(2026, 10, 30, 9), escalated=True)
    w.event(late, EventKind.ESCALATED, utc(2026, 11, 2, 9))  # after the period
    older = w.ticket(w.lon, utc(2026, 9, 29, 9), escalated=True)
    w.event(older, EventKind.ESCALATED, utc(2026, 10, 2, 9))  # created in September
    w.ticket(w.lon, utc(2026, 10, 10, 9))
    # New York, 23:00 and 23:30 on 31 October local: both in October there.
    ny = w.ticket(w.nyc, utc(2026, 11, 1, 3), escalated=True)
    w.event(ny, EventKind.ESCALATED, utc(2026, 11, 1, 3, 30))
    r = report(w)
    assert r.now.volume == 6
    assert r.now.escalated_functional == Share(3, 6)
    assert r.now.escalated_hierarchical == Share(2, 6)
    assert figure(r, "Escalation rate, functional")[0] == "50.0 %"
    assert figure(r, "Escalation rate, hierarchical")[0] == "33.3 %"


def test_repeat_incidents_by_caller_or_asset_and_category_within_30_days(w: World) -> None:
    t = w.ticket
    t(w.lon, utc(2026, 9, 20, 10), caller_id=w.alice, category_id=w.printing)
    t(w.lon, utc(2026, 10, 10, 10), caller_id=w.alice, category_id=w.printing)  # repeat (20 d)
    t(w.lon, utc(2026, 10, 11, 10), caller_id=w.alice, category_id=w.network_cat)  # other cat.
    t(w.nyc, utc(2026, 9, 9, 10), caller_id=w.zoe, category_id=w.printing)
    t(w.nyc, utc(2026, 10, 10, 10), caller_id=w.zoe, category_id=w.printing)  # 31 d: near miss
    t(w.lon, utc(2026, 10, 1, 10), asset_id=w.laptop, category_id=w.printing)
    t(w.lon, utc(2026, 10, 20, 10), asset_id=w.laptop, category_id=w.printing)  # repeat by asset
    t(w.lon, utc(2026, 10, 1, 12), caller_id=w.renee, category_id=w.vpn)
    t(w.lon, utc(2026, 10, 29, 12), caller_id=w.renee, category_id=w.vpn)  # repeat (28 d)
    t(w.nyc, utc(2026, 9, 1, 12), caller_id=w.zoe, category_id=w.network_cat)
    t(
        w.nyc, utc(2026, 10, 1, 12), caller_id=w.zoe, category_id=w.network_cat
    )  # exactly 30 d: repeat
    r = report(w)
    assert r.now.volume == 8
    assert r.now.repeat == Share(4, 8)
    assert figure(r, "Repeat incidents")[0] == "50.0 %"
    assert ("Alice Müller", 2) in r.breakdowns.top_callers
    assert r.breakdowns.top_assets == (("LT-0042 (ThinkPad X1)", 2),)


def test_a_repeat_counts_an_earlier_ticket_at_another_site(w: World) -> None:
    w.ticket(w.nyc, utc(2026, 9, 25, 14), caller_id=w.alice, category_id=w.printing)
    w.ticket(w.lon, utc(2026, 10, 5, 10), caller_id=w.alice, category_id=w.printing)
    assert report(w).now.repeat == Share(1, 1)  # every site: the repeat is found
    assert report(w, site="LON").now.repeat == Share(1, 1)


# -- the phone desk -----------------------------------------------------------------------------


def test_phone_desk_calls_lengths_operators_and_local_hours(w: World) -> None:
    solved = w.ticket(w.lon, utc(2026, 10, 5, 9), first_contact_resolution=True)
    ny_ticket = w.ticket(w.nyc, utc(2026, 10, 7, 14))
    lon_ticket = w.ticket(w.lon, utc(2026, 10, 8, 9, 30))
    w.call(utc(2026, 10, 5, 9), 5, w.operator, solved)  # London 10:00
    w.call(utc(2026, 10, 6, 13), 10, w.operator)  # no ticket: operator's London, 14:00
    w.call(utc(2026, 10, 7, 14), 3, w.operator_ny, ny_ticket)  # New York 10:00
    w.call(utc(2026, 10, 8, 9, 30), None, w.operator_ny, lon_ticket)  # London 10:30; not ended
    w.call(utc(2026, 9, 30, 23, 30), 20, w.operator)  # London 00:30 on 1 October
    w.call(utc(2026, 11, 1, 0, 30), 4, w.operator)  # London, November
    w.call(utc(2026, 11, 1, 3), 1, w.operator_ny)  # New York 23:00 on 31 October
    w.call(utc(2026, 10, 1, 3), 2, w.operator_ny)  # New York 23:00 on 30 September
    desk = report(w).desk
    assert desk.calls == 6
    # Lengths of the calls that ended: 5, 10, 3, 20, 1 minutes.
    assert desk.mean_minutes == pytest.approx(7.8)
    assert desk.p90_minutes == pytest.approx(20.0)  # nearest rank: the 5th of 5
    assert desk.resolved_on_call == Share(1, 6)
    assert desk.per_operator == (("José Peña", 3), ("Orla Ní Bhriain", 3))
    assert {hour: n for hour, n in enumerate(desk.by_hour) if n} == {0: 1, 10: 3, 14: 1, 23: 1}
    table = dict(rows(report(w), "phone_desk"))  # type: ignore[arg-type]
    assert table["Average call length"] == "7.8 min"
    assert table["90th percentile call length"] == "20.0 min"
    assert table["Share of calls resolved on the call"] == "16.7 %"
    assert table["Busiest hour"] == "10:00-11:00 (3 calls)"
    # New York's report: its own calls (the ticket's site, else the operator's home site).
    assert report(w, site="NYC").desk.calls == 2


# -- people -------------------------------------------------------------------------------------


def test_staff_rows_resolved_time_logged_sla_and_hours_rostered(w: World) -> None:
    due = utc(2026, 10, 31)
    tech = w.technician
    first = w.ticket(
        w.lon,
        utc(2026, 10, 5, 8),
        assignee_id=tech,
        resolved_at=utc(2026, 10, 5, 12),
        resolution_due_at=due,
    )  # 4 h, met
    second = w.ticket(
        w.lon,
        utc(2026, 10, 6, 8),
        assignee_id=tech,
        resolved_at=utc(2026, 10, 7, 8),
        resolution_due_at=due,
        resolution_breached=True,
    )  # 24 h, missed
    w.ticket(w.lon, utc(2026, 10, 8, 8), assignee_id=tech, resolved_at=utc(2026, 10, 8, 10))
    w.ticket(  # resolved in November: not October's
        w.lon, utc(2026, 10, 30, 8), assignee_id=tech, resolved_at=utc(2026, 11, 2, 8)
    )
    w.event(first, EventKind.NOTE, utc(2026, 10, 5, 10), actor=tech, minutes=30)
    w.event(second, EventKind.STATUS_CHANGED, utc(2026, 10, 7, 8), actor=tech, minutes=45)
    w.event(second, EventKind.NOTE, utc(2026, 11, 2, 8), actor=tech, minutes=60)  # November
    w.event(first, EventKind.NOTE, utc(2026, 10, 5, 11), actor=w.operator, minutes=15)

    op, lon = w.operator, w.lon
    w.shift(op, ShiftKind.DESK, lon, utc(2026, 10, 5, 8), utc(2026, 10, 5, 16))  # 8 h
    w.shift(op, ShiftKind.TRAINING, lon, utc(2026, 10, 6, 9), utc(2026, 10, 6, 13))  # 4 h
    w.shift(op, ShiftKind.LEAVE, lon, utc(2026, 10, 7, 8), utc(2026, 10, 7, 16))  # not work
    w.shift(op, ShiftKind.ON_CALL, lon, utc(2026, 10, 8, 17), utc(2026, 10, 9, 8))  # not desk
    # Across the period's ends (London's midnights): 4 h and 2 h of them are October's.
    w.shift(op, ShiftKind.DESK, lon, utc(2026, 10, 31, 20), utc(2026, 11, 1, 4))
    w.shift(op, ShiftKind.DESK, lon, utc(2026, 9, 30, 21), utc(2026, 10, 1, 1))
    w.shift(w.manager, ShiftKind.DESK, w.nyc, utc(2026, 10, 14, 13), utc(2026, 10, 14, 16))

    staff = {row.name: row for row in report(w).staff}
    assert set(staff) == {"Tomás Érdi", "Orla Ní Bhriain", "Mia Manager"}
    tomas = staff["Tomás Érdi"]
    assert (tomas.resolved, tomas.median_hours) == (3, pytest.approx(4.0))
    assert tomas.logged_hours == pytest.approx(75 / 60)
    assert tomas.sla == Share(1, 2)
    assert tomas.rostered_hours == 0
    orla = staff["Orla Ní Bhriain"]
    assert (orla.resolved, orla.median_hours, orla.sla) == (0, None, Share(0, 0))
    assert orla.logged_hours == pytest.approx(0.25)
    assert orla.rostered_hours == pytest.approx(18.0)
    assert staff["Mia Manager"].rostered_hours == pytest.approx(3.0)
    table = rows(report(w), "staff")
    assert table[0] == ("Tomás Érdi", "3", "4.0 h", "1.2 h", "50.0 %", "0.0 h")
    assert ("Orla Ní Bhriain", "0", "–", "0.2 h", "–", "18.0 h") in table
    # London's report leaves out the New York shift.
    assert "Mia Manager" not in {row.name for row in report(w, site="LON").staff}


# -- twelve months ------------------------------------------------------------------------------


def test_twelve_month_trend_of_volume_backlog_and_sla(w: World) -> None:
    due = utc(2026, 12, 1)
    w.ticket(w.lon, utc(2025, 10, 15, 9), closed_at=utc(2025, 12, 2, 10))  # before the range
    w.ticket(w.lon, utc(2026, 1, 10, 9), closed_at=utc(2026, 11, 5, 9))  # closed after October
    w.ticket(
        w.lon,
        utc(2026, 8, 15, 9),
        resolved_at=utc(2026, 9, 9, 9),
        closed_at=utc(2026, 9, 10, 9),
        resolution_due_at=due,
    )
    w.ticket(w.lon, utc(2026, 9, 20, 9))  # still open
    w.ticket(
        w.lon,
        utc(2026, 10, 5, 9),
        resolved_at=utc(2026, 10, 6, 8),
        closed_at=utc(2026, 10, 6, 9),
        resolution_due_at=due,
        resolution_breached=True,
    )
    w.ticket(w.lon, utc(2026, 10, 31, 23, 30))  # 23:30 GMT on 31 October
    w.ticket(w.nyc, utc(2026, 11, 1, 3, 30))  # 23:30 on 31 October in New York
    trend = report(w).trend
    assert [m.label for m in trend] == [
        "Nov 2025",
        "Dec 2025",
        *(f"{month} 2026" for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun")),
        *(f"{month} 2026" for month in ("Jul", "Aug", "Sep", "Oct")),
    ]
    assert [m.volume for m in trend] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 3]
    assert [m.backlog for m in trend] == [1, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 4]
    assert [m.sla for m in trend[-3:]] == [Share(0, 0), Share(1, 1), Share(0, 1)]
    table = rows(report(w), "trend")
    assert table[-1] == ("Oct 2026", "3", "4", "0.0 %", "1")
    assert table[-2] == ("Sep 2026", "1", "2", "100.0 %", "1")
    assert table[0] == ("Nov 2025", "0", "1", "–", "0")


# -- readings -----------------------------------------------------------------------------------


def test_the_mttr_reading_names_the_group_that_drove_it(w: World) -> None:
    # September: a P3 Network ticket and a P2 Printing ticket, 10 h each (mean 10 h).
    w.ticket(w.lon, utc(2026, 9, 7, 8), category_id=w.network_cat, resolved_at=utc(2026, 9, 7, 18))
    w.ticket(
        w.lon,
        utc(2026, 9, 8, 8),
        category_id=w.printing,
        priority=Priority.HIGH,
        resolved_at=utc(2026, 9, 8, 18),
    )
    # October: the P3 Network one (a VPN subcategory) takes 40 h, Printing still 10 h.
    w.ticket(w.lon, utc(2026, 10, 5, 8), category_id=w.vpn, resolved_at=utc(2026, 10, 7, 0))
    w.ticket(
        w.lon,
        utc(2026, 10, 6, 8),
        category_id=w.printing,
        priority=Priority.HIGH,
        resolved_at=utc(2026, 10, 6, 18),
    )
    w.ticket(w.lon, utc(2026, 10, 8, 8), category_id=w.vpn)  # more VPN tickets this month
    now, before, change, reading = figure(report(w), "Mean time to resolve")
    assert now == "25.0 h (median 25.0 h)"
    assert before == "10.0 h (median 10.0 h)"
    assert change == "+150 %"
    assert reading == "MTTR up 150 % — driven by P3 Network tickets"
    assert figure(report(w), "Volume")[2:] == (
        "+50 %",
        "Volume up 50 % — most in Network › VPN (+2)",
    )


def test_a_volume_that_did_not_change_names_no_driver(w: World) -> None:
    # As many tickets as in September, but in another category: the total is unchanged,
    # so "most in Network" would explain a change that did not happen.
    w.ticket(w.lon, utc(2026, 9, 7, 8), category_id=w.printing)
    w.ticket(w.lon, utc(2026, 10, 5, 8), category_id=w.vpn)
    assert figure(report(w), "Volume")[2:] == ("0 %", "Volume unchanged")


# -- a month without tickets, a site without business hours -------------------------------------


def test_a_month_without_tickets_still_makes_a_report_and_a_pdf(w: World) -> None:
    r = report(w)
    assert (r.now.volume, r.now.backlog, r.desk.calls, r.staff) == (0, 0, 0, ())
    summary = {name: (now, change) for name, now, _before, change, _reading in rows(r, "summary")}
    for name, (now, change) in summary.items():
        if name.startswith(("Volume", "Backlog")):
            assert (now, change) == ("0", ""), name
        elif name.startswith("Mean time"):
            assert now == "– (median –)", name
        else:
            assert (now, change) == ("–", ""), name
    assert all(cells[2] == "–" for cells in rows(r, "volume_by_channel"))
    assert [m.volume for m in r.trend] == [0] * 12
    pdf = report_pdf(r, "a4")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)
    assert "No tickets to measure first contact resolution on" in text
    assert "IT service report" in text and "October 2026" in text


def test_a_site_without_business_hours_is_left_out_of_the_business_hours_figures(
    engine: Engine,
) -> None:
    tokyo = Site(code="TYO", name="Tokyo", timezone="Asia/Tokyo", business_hours={})
    w = make_world(engine, extra_sites=(tokyo,))
    w.ticket(  # London, Wednesday 12:00 to 14:00: 2 h both ways
        w.lon,
        utc(2026, 10, 14, 11),
        first_response_at=utc(2026, 10, 14, 11, 30),
        resolved_at=utc(2026, 10, 14, 13),
    )
    w.ticket(  # Tokyo, 10 h
        tokyo.id,
        utc(2026, 10, 14, 1),
        first_response_at=utc(2026, 10, 14, 2),
        resolved_at=utc(2026, 10, 14, 11),
    )
    r = report(w)
    assert r.without_business_hours == ("TYO",)
    assert (r.now.mttr.count, r.now.mttr.mean) == (2, pytest.approx(6.0))
    assert (r.now.mttr.business_count, r.now.mttr.business_mean) == (1, pytest.approx(2.0))
    facts = dict(rows(r, "definitions"))  # type: ignore[arg-type]
    assert facts["Business hours"].startswith("Not set at TYO")
    report_pdf(r, "a4")


# -- who may run it, and for which site ---------------------------------------------------------


def test_only_managers_and_admins_run_the_report(w: World) -> None:
    for who in (w.operator, w.technician):
        with pytest.raises(PermissionDenied):
            monthly_report(w.engine, who, OCTOBER, now=NOW)
    for who in (w.manager, w.admin):
        assert monthly_report(w.engine, who, OCTOBER, now=NOW).period == OCTOBER


def test_an_unknown_site_code_is_refused_with_the_known_ones(w: World) -> None:
    with pytest.raises(NotFoundError, match=r"There is no site 'PAR'\. Sites: LON, NYC\."):
        report(w, site="PAR")


# -- the period ---------------------------------------------------------------------------------


def test_months_quarters_and_ranges_are_parsed_and_compared_with_the_one_before() -> None:
    october = parse_month("2026-10")
    assert (october.first, october.last, october.kind) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
        "month",
    )
    assert (october.label, october.code, october.days) == ("October 2026", "2026-10", 31)
    assert parse_month(" 2027-1 ") == month_of(date(2027, 1, 1))
    assert parse_month("2026-03").previous() == month_of(date(2026, 2, 1))
    assert parse_month("2026-01").previous().label == "December 2025"

    q4 = parse_quarter("2026-Q4")
    assert (q4.first, q4.last, q4.label, q4.code) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        "2026 Q4",
        "2026-Q4",
    )
    assert parse_quarter("2026q1").previous() == quarter_of(date(2025, 10, 1))

    some = between(date(2026, 10, 1), date(2026, 11, 15))
    assert (some.kind, some.days, some.code) == ("range", 46, "2026-10-01_2026-11-15")
    assert some.label == "1 Oct 2026 – 15 Nov 2026"
    before = some.previous()
    assert (before.first, before.last) == (date(2026, 8, 16), date(2026, 9, 30))
    assert between(date(2026, 10, 1), date(2026, 10, 31)) == october  # a whole month is one
    assert between(date(2026, 7, 1), date(2026, 9, 30)) == quarter_of(date(2026, 7, 1))
    assert [m.label for m in october.trend_months()][:2] == ["November 2025", "December 2025"]


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_month, "2026-13", r"'2026-13' is not a month; write it as YYYY-MM, e.g. 2026-10"),
        (parse_month, "October", r"'October' is not a month"),
        (parse_month, "2026-00", r"is not a month"),
        (parse_quarter, "2026-Q5", r"'2026-Q5' is not a quarter; write it as YYYY-Qn"),
        (parse_quarter, "Q4", r"is not a quarter"),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message(
    parse: object, text: str, message: str
) -> None:
    with pytest.raises(SwitchboardError, match=message):
        parse(text)  # type: ignore[operator]


def test_a_range_backwards_or_longer_than_two_years_is_refused() -> None:
    with pytest.raises(SwitchboardError, match=r"ends \(2026-09-30\) before it starts"):
        between(date(2026, 10, 1), date(2026, 9, 30))
    with pytest.raises(SwitchboardError, match="longer than two years"):
        between(date(2024, 1, 1), date(2026, 6, 30))
