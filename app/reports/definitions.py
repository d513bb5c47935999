"""The report's definitions, printed in its appendix: the design notes' words, and how each
is read from what Switchboard records."""

from __future__ import annotations

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Period",
        "Each site's own local days: a ticket created at 23:30 on the last day of a month at a "
        "site west of UTC belongs to that month. A month or quarter is compared with the one "
        "before it; any other range with the same number of days just before it.",
    ),
    (
        "Volume",
        "Tickets created in the period (by category, channel, priority, site, and by the "
        "local hour and weekday they were created).",
    ),
    (
        "Backlog",
        "Tickets not closed at the end of the period, by age then: < 1 d, 1-3 d, 3-7 d, "
        "7-30 d, > 30 d. Closing times are read as recorded now: a ticket closed then and "
        "reopened since counts as not closed.",
    ),
    (
        "First contact resolution (FCR)",
        "Tickets resolved during the first contact (on the call, no follow-up, no "
        "reassignment; a reopened ticket is no longer one) / tickets created by phone or "
        "walk-in, in the period.",
    ),
    (
        "First level resolution (FLR)",
        "Tickets resolved by the service desk (a team marked as the service desk) without "
        "escalation to another team / tickets resolved, in the period.",
    ),
    (
        "Mean time to acknowledge (MTTA)",
        "Creation to first response (first assignment or note by staff), over the tickets "
        "first answered in the period; mean and median, in calendar hours and in the site's "
        "business hours (sites without business hours are left out of the business-hours "
        "figures), also by priority.",
    ),
    (
        "Mean time to resolve (MTTR)",
        "Creation to resolution, over the tickets resolved in the period (their latest "
        "resolution); mean and median, calendar and business hours, also by priority.",
    ),
    (
        "SLA compliance",
        "Tickets resolved (or first responded to) within their target / tickets with a "
        "target resolved (or responded to) in the period. The clock stops while a ticket "
        "waits on the caller.",
    ),
    (
        "Reopen rate",
        "Resolved tickets later reopened / tickets resolved: the tickets resolved in the "
        "period by the audit trail, and of them those reopened after their first resolution "
        "in it.",
    ),
    (
        "Escalation rate",
        "Escalated / created, shown apart for functional (handed to another team) and "
        "hierarchical (flagged to a manager) escalation, counting escalations made before the "
        "period's end.",
    ),
    (
        "Repeat incidents",
        "Tickets in the period whose caller+category or asset+category had another ticket in "
        "the previous 30 days.",
    ),
    (
        "Phone desk",
        "Calls started in the period. A call belongs to the site of its ticket, else to its "
        "operator's home site. Resolved on the call: the call's ticket was resolved during "
        "the first contact. Call length: start to end of the calls that ended; the 90th "
        "percentile by the nearest rank.",
    ),
    (
        "Per staff member",
        "Tickets resolved in the period by their assignee; time logged on the period's "
        "tickets in the period; hours of desk and training shifts rostered at the report's "
        "sites in the period.",
    ),
    (
        "Maintenance on time",
        "Occurrences done by their due time / occurrences due in the period (cancelled ones "
        "left out).",
    ),
    (
        "Roster coverage gaps",
        "Hours in the period when a site's desk had fewer people than its minimum.",
    ),
    (
        "Training compliance",
        "Required certifications valid at the period's end / required certifications, for "
        "every active staff member. Expiring: certifications whose last valid day falls in "
        "the month after the period.",
    ),
    (
        "Problems",
        "Problems opened (created) and resolved in the period, and those open at its end "
        "(created before it and not resolved by then). A site's report counts the problems "
        "with an incident at the site; the report of every site counts them all.",
    ),
    (
        "Incidents linked, known errors used",
        "Tickets linked to a problem in the period, and tickets given a known error's "
        "workaround at intake (which also links them), at the ticket's site.",
    ),
    (
        "Vendor response compliance",
        "Escalations to a vendor answered by the response time their contract gives / "
        "escalations whose response came due in the period (up to now, for a period still "
        "running). Escalations under no contract with a response time have no due time and "
        "are left out.",
    ),
    (
        "Contracts ending",
        "Support contracts (of every site) whose last day falls in the 90 days after the "
        "period, or whose renewal notice period (the notice days before the last day) has "
        "begun by the period's last day; contracts already over are left out.",
    ),
    (
        "Twelve-month trend",
        "Per calendar month: volume, backlog at the month's end and resolution SLA "
        "compliance, as defined above.",
    ),
)
