"""The report as named tables of text: what the PDF prints and the CSV files hold, made once,
so a number reads the same on paper and in a spreadsheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.reports.definitions import DEFINITIONS
from app.reports.measures import Share, Times
from app.reports.readings import count_text, hours_text, percent_text
from app.reports.report import Report

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class ReportTable:
    """One table: ``key`` names its CSV file, ``title`` heads it on paper."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _count_rows(rows: Sequence[tuple[str, int]], whole: int) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (name, count_text(count), percent_text(Share(count, whole))) for name, count in rows
    )


def _times_cells(times: Times) -> tuple[str, ...]:
    return (
        count_text(times.count),
        hours_text(times.mean),
        hours_text(times.median),
        hours_text(times.business_mean),
        hours_text(times.business_median),
    )


TIMES_HEADERS = (
    "Priority",
    "Tickets",
    "Mean",
    "Median",
    "Mean, business hours",
    "Median, business hours",
)


def report_tables(report: Report) -> dict[str, ReportTable]:
    """Every table of the report by key, in the order the PDF prints them."""
    now, parts, desk = report.now, report.breakdowns, report.desk
    volume = now.volume
    tables = [
        ReportTable(
            "summary",
            "Key figures",
            ("Figure", report.period.label, report.previous.label, "Change", "Reading"),
            tuple((f.name, f.now, f.before, f.change, f.reading) for f in report.key_figures),
        ),
        ReportTable(
            "mtta_by_priority",
            "Time to acknowledge (creation to first answer), by priority",
            TIMES_HEADERS,
            tuple(
                (name, *_times_cells(times))
                for name, times in (*now.mtta_by_priority, ("All", now.mtta))
            ),
        ),
        ReportTable(
            "mttr_by_priority",
            "Time to resolve (creation to resolution), by priority",
            TIMES_HEADERS,
            tuple(
                (name, *_times_cells(times))
                for name, times in (*now.mttr_by_priority, ("All", now.mttr))
            ),
        ),
        ReportTable(
            "phone_desk",
            "The phone desk",
            ("Figure", "Value"),
            (
                ("Calls taken", count_text(desk.calls)),
                ("Average call length", _minutes_text(desk.mean_minutes)),
                ("90th percentile call length", _minutes_text(desk.p90_minutes)),
                ("Tickets resolved on the call", count_text(desk.resolved_on_call.part)),
                ("Share of calls resolved on the call", percent_text(desk.resolved_on_call)),
                ("Busiest hour", _busiest(desk.by_hour)),
            ),
        ),
        ReportTable(
            "calls_per_operator",
            "Calls per operator",
            ("Operator", "Calls", "Share"),
            _count_rows(desk.per_operator, desk.calls),
        ),
        ReportTable(
            "calls_by_hour",
            "Calls by hour of the day",
            ("Hour", "Calls"),
            tuple((f"{hour:02d}:00", count_text(n)) for hour, n in enumerate(desk.by_hour)),
        ),
        ReportTable(
            "volume_by_category",
            "Volume by category",
            ("Category", "Tickets", "Share"),
            _count_rows(now.volume_by_category, volume),
        ),
        ReportTable(
            "volume_by_channel",
            "Volume by channel",
            ("Channel", "Tickets", "Share"),
            _count_rows(parts.by_channel, volume),
        ),
        ReportTable(
            "volume_by_priority",
            "Volume by priority",
            ("Priority", "Tickets", "Share"),
            _count_rows(now.volume_by_priority, volume),
        ),
        ReportTable(
            "volume_by_site",
            "Volume by site",
            ("Site", "Tickets", "Share"),
            _count_rows(parts.by_site, volume),
        ),
        ReportTable(
            "volume_by_hour_and_weekday",
            "Tickets created by local hour and weekday",
            ("Weekday", *(f"{hour:02d}" for hour in range(24))),
            tuple(
                (day, *(str(n) for n in counts))
                for day, counts in zip(WEEKDAYS, parts.heat, strict=True)
            ),
        ),
        ReportTable(
            "backlog_by_age",
            "Backlog at the period's end by age",
            ("Age", "Tickets", "Share"),
            _count_rows(parts.backlog_ages, now.backlog),
        ),
        ReportTable(
            "trend",
            "Twelve months",
            ("Month", "Volume", "Backlog at month end", "SLA resolution", "Judged"),
            tuple(
                (
                    m.label,
                    count_text(m.volume),
                    count_text(m.backlog),
                    percent_text(m.sla),
                    count_text(m.sla.whole),
                )
                for m in report.trend
            ),
        ),
        ReportTable(
            "staff",
            "Per staff member",
            (
                "Name",
                "Resolved",
                "Median time to resolve",
                "Time logged",
                "SLA resolution",
                "Hours rostered",
            ),
            tuple(
                (
                    row.name,
                    count_text(row.resolved),
                    hours_text(row.median_hours),
                    f"{row.logged_hours:,.1f} h",
                    percent_text(row.sla),
                    f"{row.rostered_hours:,.1f} h",
                )
                for row in report.staff
            ),
        ),
        ReportTable(
            "recurring_categories",
            "Categories with the most tickets",
            ("Category", "Tickets"),
            tuple((name, count_text(n)) for name, n in parts.top_categories),
        ),
        ReportTable(
            "recurring_callers",
            "Callers with the most tickets",
            ("Caller", "Tickets"),
            tuple((name, count_text(n)) for name, n in parts.top_callers),
        ),
        ReportTable(
            "recurring_assets",
            "Assets with the most tickets",
            ("Asset", "Tickets"),
            tuple((name, count_text(n)) for name, n in parts.top_assets),
        ),
        _operations_table(report),
        _problems_table(report),
        ReportTable(
            "contracts_ending",
            "Contracts ending or inside their notice period",
            ("Vendor", "Contract", "Last day", "Why"),
            tuple(
                (c.vendor_name, c.number, c.ends_on.isoformat(), c.why)
                for c in report.contracts_ending
            ),
        ),
        ReportTable(
            "coverage_gaps",
            "Hours the desk was short of people",
            ("When", "People", "Minimum"),
            tuple(
                (gap.text.split(": ")[0], str(gap.people), str(gap.minimum))
                for gap in report.operations.gaps
            ),
        ),
        ReportTable(
            "certifications_expiring",
            "Certifications expiring the month after",
            ("Person", "Course", "Last valid day"),
            tuple(
                (e.staff, e.course, e.expires_on.isoformat()) for e in report.operations.expiring
            ),
        ),
        ReportTable(
            "definitions",
            "Definitions",
            ("Figure", "Definition"),
            (*DEFINITIONS, *_about(report)),
        ),
    ]
    return {table.key: table for table in tables}


def _operations_table(report: Report) -> ReportTable:
    maintenance = report.operations.maintenance
    on_time = Share(maintenance.done_on_time, maintenance.due)
    return ReportTable(
        "operations",
        "Maintenance, roster and training",
        ("Figure", "Value"),
        (
            ("Maintenance occurrences due", count_text(maintenance.due)),
            ("Maintenance done on time", f"{percent_text(on_time)} ({on_time.part:,})"),
            ("Maintenance done late", count_text(maintenance.done_late)),
            ("Maintenance skipped", count_text(maintenance.skipped)),
            ("Maintenance overdue", count_text(maintenance.overdue)),
            ("Hours the desk was short of people", f"{report.operations.gap_hours:,.1f} h"),
            (
                "Training compliance",
                f"{percent_text(report.operations.training)} "
                f"({report.operations.training.part:,} of {report.operations.training.whole:,})",
            ),
            (
                "Certifications expiring the month after",
                count_text(len(report.operations.expiring)),
            ),
        ),
    )


def _problems_table(report: Report) -> ReportTable:
    problems = report.problems
    vendors = problems.vendor_responses
    return ReportTable(
        "problems",
        "Problems and vendors",
        ("Figure", "Value"),
        (
            ("Problems opened", count_text(problems.opened)),
            ("Problems resolved", count_text(problems.resolved)),
            ("Problems open at the period's end", count_text(problems.open_at_end)),
            ("Incidents linked to a problem", count_text(problems.incidents_linked)),
            ("Known errors used at intake", count_text(problems.known_errors_used)),
            (
                "Contracts ending or inside their notice period",
                count_text(len(report.contracts_ending)),
            ),
            (
                "Vendor responses on time",
                f"{percent_text(vendors)} ({vendors.part:,} of {vendors.whole:,})",
            ),
        ),
    )


def _about(report: Report) -> tuple[tuple[str, str], ...]:
    """The appendix's facts about this report."""
    first, last = report.period.first, report.period.last
    facts = [
        ("This period", f"{report.period.label}: {first:%-d %b %Y} to {last:%-d %b %Y}"),
        ("Compared with", report.previous.label),
        ("Sites", ", ".join(f"{s.code} {s.name}" for s in report.sites.rows) or "none"),
        ("Time zones", report.zones or "none"),
        ("Made", f"{report.made_at:%Y-%m-%d %H:%M} UTC"),
    ]
    if report.without_business_hours:
        facts.append(
            (
                "Business hours",
                "Not set at " + ", ".join(report.without_business_hours) + ": their tickets "
                "are left out of the business-hours times.",
            )
        )
    return tuple(facts)


def _minutes_text(minutes: float | None) -> str:
    return "–" if minutes is None else f"{minutes:.1f} min"


def _busiest(by_hour: Sequence[int]) -> str:
    if not any(by_hour):
        return "–"
    hour = max(range(24), key=lambda h: (by_hour[h], -h))
    return f"{hour:02d}:00-{hour + 1:02d}:00 ({by_hour[hour]:,} calls)"
