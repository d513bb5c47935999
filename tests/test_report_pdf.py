"""The monthly report's PDF checked against the database: a demo database of a few thousand
tickets is made once, October 2026's report is printed on A4 and on Letter, its text is read
back with pypdf, and the key figures and a sample of the tables' numbers are compared with
the same figures computed here, independently, from the stored rows (plain SQL through the
sqlite3 module and plain Python, nothing of app.reports). Also the PDF itself: its outline,
table of contents, page numbers, the organisation's name, the paper size and accented names."""

from __future__ import annotations

import re
import sqlite3
import statistics
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy
import pypdfium2 as pdfium
import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from sqlalchemy import Engine

from app.demo import DemoSpec, as_of, generate
from app.reports.pdf import Stopped, paper_for_locale, report_pdf, write_report_pdf
from app.reports.period import parse_month
from app.reports.report import Report, monthly_report
from models.clock import use_source
from models.engine import write_session
from models.org import Organisation
from tests.conftest import migrated_database

DEMO_NOW = as_of(date(2026, 11, 24))  # 16:00 UTC
SPEC = DemoSpec(callers=300, tickets=3000, months=12, seed=11, now=DEMO_NOW)
ORGANISATION = "Société Générale d'Hôpitaux"
SECTIONS = (
    "Summary",
    "The phone desk",
    "Volume",
    "Backlog and trend",
    "People",
    "Candidates for problem management",
    "Problems and vendors",
    "Maintenance, roster and training",
    "Appendix: definitions",
)
CHANNELS = {1: "Phone", 2: "Email", 3: "Walk-in", 4: "Portal", 5: "Monitoring"}
PHONE, WALK_IN = 1, 3
STATUS_CHANGED, ESCALATED, MANAGER_FLAGGED, REOPENED = 3, 6, 7, 8
MANAGER = 3


@dataclass(frozen=True)
class Printed:
    report: Report
    a4: bytes
    letter: bytes
    database: Path


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Printed]:
    """The demo database, October's report and its two PDFs, made once for the module."""
    folder = tmp_path_factory.mktemp("report-pdf")
    with use_source(lambda: DEMO_NOW), migrated_database("sqlite", folder) as engine:
        generate(engine, SPEC)
        _name_the_organisation(engine)
        with sqlite3.connect(folder / "switchboard.db") as db:
            (manager,) = db.execute(
                "SELECT id FROM staff WHERE role = ? ORDER BY name LIMIT 1", (MANAGER,)
            ).fetchone()
        report = monthly_report(engine, uuid.UUID(bytes=manager), parse_month("2026-10"))
        yield Printed(
            report,
            report_pdf(report, "a4"),
            report_pdf(report, "letter"),
            folder / "switchboard.db",
        )


def _name_the_organisation(engine: Engine) -> None:
    with write_session(engine) as session:
        row = session.get(Organisation, 1) or Organisation(id=1)
        row.name = ORGANISATION
        session.add(row)


# -- reading the PDF ---------------------------------------------------------------------------


def _pages(data: bytes) -> list[str]:
    """Each page's text with its whitespace (line ends inside table cells too) made single
    spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def _outline(data: bytes) -> list[tuple[str, int, int]]:
    """(title, level, page number) of every bookmark, in document order."""
    reader = PdfReader(BytesIO(data))
    found: list[tuple[str, int, int]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((item.title, level, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


# -- the figures, computed here from the rows ---------------------------------------------------


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Truth:
    volume: int
    by_channel: dict[str, int]
    by_site: dict[str, int]
    backlog: int
    ages: list[int]
    fcr: tuple[int, int]
    flr: tuple[int, int]
    mttr_mean: float
    sla_response: tuple[int, int]
    sla_resolution: tuple[int, int]
    reopen: tuple[int, int]
    functional: tuple[int, int]
    hierarchical: tuple[int, int]
    repeat: tuple[int, int]
    calls: int
    call_mean: float
    per_operator: dict[str, int]
    resolved_by: dict[str, int]
    trend_volumes: list[tuple[str, int]]


def _truth(path: Path, first: date, last: date) -> Truth:
    db = sqlite3.connect(path)
    sites = {
        sid: (code, ZoneInfo(zone))
        for sid, code, zone in db.execute("SELECT id, code, timezone FROM site ORDER BY code")
    }
    window = {
        sid: (_midnight(first, zone), _midnight(last + timedelta(days=1), zone))
        for sid, (_code, zone) in sites.items()
    }

    def inside(site: bytes, moment: datetime | None) -> bool:
        start, end = window[site]
        return moment is not None and start <= moment < end

    desk_teams = {tid for (tid,) in db.execute("SELECT id FROM team WHERE is_service_desk")}
    staff = {
        sid: (name, home)
        for sid, name, home in db.execute("SELECT id, name, home_site_id FROM staff")
    }
    tickets = [
        {
            "id": row[0],
            "site": row[1],
            "created": _moment(row[2]),
            "responded": _moment(row[3]),
            "resolved": _moment(row[4]),
            "closed": _moment(row[5]),
            "channel": row[6],
            "fcr": bool(row[7]),
            "team": row[8],
            "escalated": bool(row[9]),
            "response_due": row[10],
            "response_breached": bool(row[11]),
            "resolution_due": row[12],
            "resolution_breached": bool(row[13]),
            "caller": row[14],
            "asset": row[15],
            "category": row[16],
            "assignee": row[17],
        }
        for row in db.execute(
            "SELECT id, site_id, created_at, first_response_at, resolved_at, closed_at, "
            "channel, first_contact_resolution, team_id, escalated, response_due_at, "
            "response_breached, resolution_due_at, resolution_breached, caller_id, asset_id, "
            "category_id, assignee_id FROM ticket"
        )
    ]
    by_id = {t["id"]: t for t in tickets}
    created = [t for t in tickets if inside(t["site"], t["created"])]
    resolved = [t for t in tickets if inside(t["site"], t["resolved"])]

    # Backlog at each site's period end, and its ages.
    ages = [0] * 5
    backlog = 0
    for t in tickets:
        end = window[t["site"]][1]
        if t["created"] < end and (t["closed"] is None or t["closed"] >= end):
            backlog += 1
            age = (end - t["created"]) / timedelta(days=1)
            ages[0 if age < 1 else 1 if age < 3 else 2 if age < 7 else 3 if age < 30 else 4] += 1

    first_contact = [t for t in created if t["channel"] in (PHONE, WALK_IN)]
    first_level = [t for t in resolved if t["team"] in desk_teams and not t["escalated"]]
    responded = [t for t in tickets if inside(t["site"], t["responded"]) and t["response_due"]]
    judged = [t for t in resolved if t["resolution_due"]]

    # Reopen: the first "-> Resolved" of each ticket in its site's period, and a reopening
    # after it.
    events = db.execute("SELECT ticket_id, kind, at, new_value FROM ticket_event").fetchall()
    first_resolution: dict[bytes, datetime] = {}
    reopenings: dict[bytes, list[datetime]] = defaultdict(list)
    escalations: dict[int, set[bytes]] = defaultdict(set)
    for ticket_id, kind, at_text, new_value in events:
        at, ticket = _moment(at_text), by_id[ticket_id]
        assert at is not None
        if kind == STATUS_CHANGED and new_value == "Resolved" and inside(ticket["site"], at):
            first_resolution[ticket_id] = min(at, first_resolution.get(ticket_id, at))
        elif kind == REOPENED:
            reopenings[ticket_id].append(at)
        elif (
            kind in (ESCALATED, MANAGER_FLAGGED)
            and inside(ticket["site"], ticket["created"])
            and at < window[ticket["site"]][1]
        ):
            escalations[kind].add(ticket_id)
    reopened = sum(
        any(at > resolved_at for at in reopenings[ticket_id])
        for ticket_id, resolved_at in first_resolution.items()
    )

    # Repeat: another ticket of the same caller (or asset) and category in the 30 days before.
    earlier: dict[tuple[str, bytes, bytes], list[tuple[datetime, bytes]]] = defaultdict(list)
    for t in tickets:
        if t["category"] is None:
            continue
        for owner in ("caller", "asset"):
            if t[owner] is not None:
                earlier[(owner, t[owner], t["category"])].append((t["created"], t["id"]))

    def repeats(t: dict) -> bool:
        if t["category"] is None:
            return False
        return any(
            t["created"] - timedelta(days=30) <= at <= t["created"] and other != t["id"]
            for owner in ("caller", "asset")
            if t[owner] is not None
            for at, other in earlier[(owner, t[owner], t["category"])]
        )

    # Calls: the site of their ticket, else of their operator; every site's report counts a
    # call naming neither by the first site's days.
    fallback = next(iter(sites))
    calls, lengths, operators = 0, [], Counter()
    for started_text, ended_text, operator, ticket_id in db.execute(
        "SELECT started_at, ended_at, operator_id, ticket_id FROM call"
    ):
        started, ended = _moment(started_text), _moment(ended_text)
        site = by_id[ticket_id]["site"] if ticket_id else staff.get(operator, (None, None))[1]
        if not inside(site if site in window else fallback, started):
            continue
        calls += 1
        operators[staff[operator][0] if operator else "(no operator)"] += 1
        if ended is not None:
            lengths.append((ended - started) / timedelta(minutes=1))

    # Twelve months of volume, in each site's own months.
    months = []
    for back in range(11, -1, -1):
        year, month = divmod(last.year * 12 + last.month - 1 - back, 12)
        month_first = date(year, month + 1, 1)
        next_first = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        count = 0
        for t in tickets:
            zone = sites[t["site"]][1]
            if _midnight(month_first, zone) <= t["created"] < _midnight(next_first, zone):
                count += 1
        months.append((f"{month_first:%b %Y}", count))

    return Truth(
        volume=len(created),
        by_channel={
            label: sum(t["channel"] == key for t in created) for key, label in CHANNELS.items()
        },
        by_site={code: sum(t["site"] == sid for t in created) for sid, (code, _z) in sites.items()},
        backlog=backlog,
        ages=ages,
        fcr=(sum(t["fcr"] for t in first_contact), len(first_contact)),
        flr=(len(first_level), len(resolved)),
        mttr_mean=statistics.fmean(
            (t["resolved"] - t["created"]) / timedelta(hours=1) for t in resolved
        ),
        sla_response=(sum(not t["response_breached"] for t in responded), len(responded)),
        sla_resolution=(sum(not t["resolution_breached"] for t in judged), len(judged)),
        reopen=(reopened, len(first_resolution)),
        functional=(len(escalations[ESCALATED]), len(created)),
        hierarchical=(len(escalations[MANAGER_FLAGGED]), len(created)),
        repeat=(sum(repeats(t) for t in created), len(created)),
        calls=calls,
        call_mean=statistics.fmean(lengths),
        per_operator=dict(operators),
        resolved_by=dict(
            Counter(staff[t["assignee"]][0] for t in resolved if t["assignee"] is not None)
        ),
        trend_volumes=months,
    )


def _percent(part: int, whole: int) -> str:
    return "–" if not whole else f"{100 * part / whole:.1f} %"


def _hours(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} d"


@pytest.fixture(scope="module")
def truth(printed: Printed) -> Truth:
    return _truth(printed.database, date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def text(printed: Printed) -> str:
    return " ".join(_pages(printed.a4))


# -- the figures on paper -----------------------------------------------------------------------


def test_the_demo_month_is_big_enough_to_mean_something(truth: Truth) -> None:
    assert truth.volume > 150 and truth.backlog > 10 and truth.calls > 50
    assert truth.reopen[0] > 0 and truth.functional[0] > 0 and truth.repeat[0] > 0


def test_the_key_figures_on_paper_are_the_database_s(text: str, truth: Truth) -> None:
    expected = {
        "Volume (tickets created)": f"{truth.volume:,}",
        "Backlog at the period's end": f"{truth.backlog:,}",
        "First contact resolution (FCR)": _percent(*truth.fcr),
        "First level resolution (FLR)": _percent(*truth.flr),
        "Mean time to resolve (MTTR)": _hours(truth.mttr_mean),
        "SLA compliance, response": _percent(*truth.sla_response),
        "SLA compliance, resolution": _percent(*truth.sla_resolution),
        "Reopen rate": _percent(*truth.reopen),
        "Escalation rate, functional (to another team)": _percent(*truth.functional),
        "Escalation rate, hierarchical (flagged to a manager)": _percent(*truth.hierarchical),
        "Repeat incidents": _percent(*truth.repeat),
    }
    wrong = {name: value for name, value in expected.items() if f"{name} {value}" not in text}
    assert not wrong, f"not on the summary page as computed: {wrong}"
    # The readings repeat the counts behind the percentages.
    for name, (part, whole) in {
        "First contact resolution": truth.fcr,
        "Reopen rate": truth.reopen,
        "Repeat incidents": truth.repeat,
    }.items():
        assert re.search(rf"{name} [^:]*: {part:,} of {whole:,}", text), name
    assert f"{truth.volume:,} tickets created in the period." in text
    assert f"{truth.backlog:,} tickets were not closed at the end of the period." in text


def test_the_tables_on_paper_are_the_database_s(text: str, truth: Truth) -> None:
    for channel, count in truth.by_channel.items():
        assert f"{channel} {count:,} {_percent(count, truth.volume)}" in text, channel
    for site, count in truth.by_site.items():
        assert f"{site} {count:,} {_percent(count, truth.volume)}" in text, site
    labels = ("< 1 d", "1-3 d", "3-7 d", "7-30 d", "> 30 d")
    for label, count in zip(labels, truth.ages, strict=True):
        assert f"{label} {count:,} {_percent(count, truth.backlog)}" in text, label
    assert sum(truth.ages) == truth.backlog
    assert f"Calls taken {truth.calls:,}" in text
    assert f"Average call length {truth.call_mean:.1f} min" in text
    for operator, count in truth.per_operator.items():
        assert f"{operator} {count:,} {_percent(count, truth.calls)}" in text, operator
    for person, count in truth.resolved_by.items():
        assert re.search(rf"{re.escape(person)} {count:,} [0-9.]+ [hd] ", text), person
    for label, volume in truth.trend_volumes:
        assert re.search(rf"{label} {volume:,} [0-9,]+ ", text), label
    assert re.search(rf"Oct 2026 {truth.volume:,} {truth.backlog:,} ", text)


def test_the_report_object_agrees_with_its_paper(printed: Printed, truth: Truth) -> None:
    """The same figures read off the Report: a mismatch above is then the PDF's, not the
    figure's, or the other way round."""
    now = printed.report.now
    assert (now.volume, now.backlog) == (truth.volume, truth.backlog)
    assert (now.fcr.part, now.fcr.whole) == truth.fcr
    assert (now.flr.part, now.flr.whole) == truth.flr
    assert (now.reopen.part, now.reopen.whole) == truth.reopen
    assert (now.repeat.part, now.repeat.whole) == truth.repeat
    assert (now.escalated_functional.part, now.escalated_hierarchical.part) == (
        truth.functional[0],
        truth.hierarchical[0],
    )
    assert now.mttr.mean == pytest.approx(truth.mttr_mean, abs=1e-6)
    assert printed.report.desk.calls == truth.calls
    assert [m.volume for m in printed.report.trend] == [n for _l, n in truth.trend_volumes]


# -- the PDF itself -----------------------------------------------------------------------------


def _contents_pages(pages: list[str]) -> list[int]:
    """The page numbers the table of contents gives, in its order (each after its dots)."""
    return [int(n) for n in re.findall(r"(?:\. ){3,}(\d+)", pages[0])]


def test_the_outline_and_the_contents_name_every_section(printed: Printed) -> None:
    outline = _outline(printed.a4)
    assert [title for title, level, _page in outline if level == 0] == list(SECTIONS)
    assert [title for title, level, _page in outline if level == 1] == [
        "Time to acknowledge and to resolve",
        "Calls per operator",
        "By channel, priority and site",
        "By hour and weekday",
        "Twelve months",
        "Contracts ending or inside their notice period",
        "Hours the desk was short of people",
        "Certifications expiring the month after",
    ]
    pages = _pages(printed.a4)
    assert "Contents" in pages[0]
    listed = _contents_pages(pages)
    assert len(listed) == len(outline) and listed == sorted(listed)
    for (title, _level, _page), page in zip(outline, listed, strict=True):
        assert title in pages[0]
        assert title in pages[page - 1], f"the contents put {title} on page {page}"
    assert listed[-1] == len(pages)  # the appendix starts the last page


def test_each_bookmark_leads_to_the_page_its_section_is_on(printed: Printed) -> None:
    outline = _outline(printed.a4)
    assert [page for _title, _level, page in outline] == _contents_pages(_pages(printed.a4))


def test_every_page_is_numbered_and_names_the_organisation(printed: Printed) -> None:
    pages = _pages(printed.a4)
    assert len(pages) >= 6
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    assert "Made 24 November 2026 16:00 UTC with Switchboard." in pages[0]
    assert ORGANISATION in pages[0] and "IT service report October 2026" in pages[0]
    for page in pages[1:]:
        assert f"{ORGANISATION} · IT service report, October 2026 · All sites" in page
    meta = PdfReader(BytesIO(printed.a4)).metadata
    assert meta is not None
    assert (meta.title, meta.author) == ("IT service report, October 2026", ORGANISATION)


def test_a4_and_letter_paper(printed: Printed) -> None:
    a4, letter = PdfReader(BytesIO(printed.a4)), PdfReader(BytesIO(printed.letter))
    for page in a4.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595,
            842,
        )
    for page in letter.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
    assert f"Page 1 of {len(letter.pages)}" in _pages(printed.letter)[0]


def test_accented_names_survive_text_extraction(text: str, truth: Truth) -> None:
    accented = [name for name in (*truth.per_operator, *truth.resolved_by) if not name.isascii()]
    assert accented, "the demo month should have someone with an accented name"
    for name in accented:
        assert name in text
    assert ORGANISATION in text


def test_an_export_says_how_far_it_has_got_and_writes_the_whole_file(
    printed: Printed, tmp_path: Path
) -> None:
    steps: list[tuple[int, str]] = []
    target = write_report_pdf(
        printed.report, tmp_path / "r.pdf", progress=lambda p, w: steps.append((p, w))
    )
    assert target.read_bytes().startswith(b"%PDF")
    percents = [p for p, _ in steps]
    assert percents == sorted(percents) and percents[0] < 10 and percents[-1] > 60
    assert {w for _, w in steps} == {"Drawing the charts", "Laying out the pages"}


def _questions(printed: Printed, folder: Path) -> int:
    """How many times an export that runs to the end asks whether it was cancelled."""
    asked = 0

    def never() -> bool:
        nonlocal asked
        asked += 1
        return False

    write_report_pdf(printed.report, folder / "counted.pdf", cancelled=never)
    (folder / "counted.pdf").unlink()
    return asked


@pytest.mark.parametrize("when", ["drawing", "laying out", "last look"])
def test_a_cancelled_export_leaves_the_file_that_was_there(
    printed: Printed, tmp_path: Path, when: str
) -> None:
    """Cancelled while the charts are drawn, while the pages are laid out, or as the file
    is about to take its place: Stopped, and the earlier file is as it was."""
    last = _questions(printed, tmp_path)
    asked_at = {"drawing": 2, "laying out": last // 2, "last look": last}[when]
    target = tmp_path / "r.pdf"
    target.write_bytes(b"last month's report")
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked >= asked_at

    with pytest.raises(Stopped):
        write_report_pdf(printed.report, target, cancelled=cancelled)
    assert asked == asked_at
    assert target.read_bytes() == b"last month's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


@pytest.mark.parametrize(
    ("locale_name", "paper"),
    [
        ("en_US.UTF-8", "letter"),
        ("fr_CA.UTF-8", "letter"),
        ("en_GB.UTF-8", "a4"),
        ("de_DE", "a4"),
        ("C", "a4"),
        ("", "a4"),
    ],
)
def test_the_paper_follows_the_locale(locale_name: str, paper: str) -> None:
    """The README: Letter in the US and Canada, A4 elsewhere."""
    assert paper_for_locale(locale_name) == paper


# -- the logo ----------------------------------------------------------------------------------

LOGO_RED = (208, 16, 16)


def _logo(kind: str) -> tuple[bytes, str]:
    """A plain red logo, 120 x 50, in the format ``kind``."""
    if kind == "svg":
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="50">'
            '<rect width="120" height="50" fill="#d01010"/></svg>'
        )
        return svg.encode(), "image/svg+xml"
    if kind == "broken svg":
        return b"<svg><rect", "image/svg+xml"
    buffer = BytesIO()
    PILImage.new("RGB", (120, 50), LOGO_RED).save(buffer, kind.upper())
    return buffer.getvalue(), f"image/{kind}"


def _red_on_title_page(data: bytes) -> int:
    """How many pixels of the title page (72 dpi) are the logo's red."""
    page = pdfium.PdfDocument(data)[0]
    pixels = numpy.asarray(page.render(scale=1).to_pil().convert("RGB")).astype(int)
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    # JPEG blurs the colour a little.
    return int(((abs(red - LOGO_RED[0]) < 40) & (green < 70) & (blue < 70)).sum())


@pytest.mark.parametrize(
    ("kind", "shown"),
    [("png", 120 * 50), ("jpeg", 120 * 50), ("svg", 170 * 70), ("broken svg", 0)],
)
def test_the_title_page_shows_the_logo_in_each_format(
    printed: Printed, kind: str, shown: int
) -> None:
    """A PNG or JPEG at its own size (at most 60 x 25 mm), an SVG drawn to fill that box; an
    SVG that cannot be read is left out and the report is made all the same."""
    logo, media = _logo(kind)
    data = report_pdf(replace(printed.report, logo=logo, logo_type=media), "a4")
    assert _red_on_title_page(data) == pytest.approx(shown, rel=0.1, abs=10)
    assert ORGANISATION in _pages(data)[0]
