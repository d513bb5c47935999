"""The demo's problem records, and the incident patterns planted for detection to find.

Why: problem management only shows its worth on data where something keeps coming back. The
everyday ticket mix (app/demo/generator.py) repeats the same few dozen summaries all year,
so alike summaries alone prove nothing there; three patterns are planted among it that a
help desk would want found, each in its own words and none of them linked to a problem, so
``app.problems.detection`` must offer them as candidates. Alongside, fifteen problems in
every state give the problem list, the known-error hints at intake and the monthly report
something to show.

What is planted
===============

Only when the demo is big and long enough for the patterns to be a small part of it:
``spec.tickets >= 1000``, ``spec.callers >= 100`` and ``spec.months >= 3`` (so the 90 days
before the as-of moment ``now`` are all generated). The planted tickets are part of
``spec.tickets``: that many fewer everyday tickets are made. Days are the site's local
dates; "the as-of week" is the (Monday to Sunday) week of ``now`` at that site.

1. **A printer that fails every week**, found by the same-asset rule: the shared printer
   ``PR-900100`` (a Ricoh IM C3000 on the Finance floor of the head office, site ``HQ``)
   has one incident on the Tuesday of each of the 10 weeks before the as-of week, between
   09:00 and 12:00, category *Printing*, each raised by a different HQ caller, with
   printer-ish summaries that all name the tag ("PR-900100 jammed again, paper stuck in
   tray 2"). The printer is no part of the everyday pool of printers, so these 10 are its
   only incidents. It exists in every demo (and the managed-print contract covers it).
2. **A VPN outage burst at one site**, found by the spike rule (a category at a site in a
   week, against the eight weeks before) and as alike summaries: at the New York office
   (site ``NY``), category *VPN*, on the Tuesday (07:30-17:00, about 70%) and the
   Wednesday (08:00-13:00) of the week two weeks before the as-of week:
   ``max(30, ceil(2.5 * w))`` incidents, where ``w`` is the New York VPN tickets the
   everyday mix makes in an average week (``spec.tickets`` spread by category weight and
   the sites' caller shares), so that week holds about 3.5 times its usual count at any
   demo size (30 incidents on a 10,000-ticket demo, 1029 on the 1,000,000-ticket one).
   Each is a different New York caller's (while there are enough), names no asset, and
   says "VPN ... since this morning" in six wordings alike to one another ("VPN keeps
   disconnecting since this morning", half of them, "VPN keeps dropping since this
   morning"...); the everyday mix never says "since this morning".
3. **A laptop model with a battery fault**, found as alike summaries within the laptop
   model's incidents (or all): 24 incidents, category *Laptop hardware*, each on the
   laptop of a different caller (at either site) who owns a **Dell Latitude 5440**, over
   the six weeks ending 3 days before the as-of day, growing as the batteries age: 1, 1,
   2, 3, 7 and 10 a week, on weekdays spread evenly over each week, 09:00-17:00 at the
   caller's site. Every summary says "battery", "swollen" and the laptop's tag in four
   wordings alike to one another ("Battery swollen on LT-003783, not charging"); the
   everyday mix says "Battery on ... drains in an hour", never "swollen".

:func:`planted_patterns` gives these facts (days, counts, site, category, tag, model) for a
spec, from the same code that plants them, so a test of the detection can look them up.
Three planted tickets escalated to vendors are described in app/demo/vendors.py.

The problems
============

Fifteen, numbered 1..15 (PRB-000001..) in the order they were opened, 110 to 1 days before
the as-of day: 2 new, 3 investigating, 2 with the root cause known, 4 known errors, 2
resolved and 2 closed (:data:`PROBLEMS`). Owners are technicians and the manager; two open
problems (PRB-000008, PRB-000010) are past their target date. Their trail is what
app/problems/records.py writes: created, each status change after the root cause,
workaround or fix it needs was written down, each incident linked, and the workaround
given at intake; ``version`` counts the saves. The known errors match summaries the
everyday mix keeps repeating (VPN client error 809, print jobs stuck in the queue, the MFA
prompt, calendar invites) by category, and the print-queue one by the printers it affects,
so the known-error hint shows at intake. Everyday tickets with the matching summary, from
two weeks before a problem was opened until it was resolved (or the as-of moment), are
linked to it (``Ticket.problem_id``), up to a cap per problem and spread over that window:
by its owner (a PROBLEM_LINKED event), or, for a ticket that came in while the problem was
a known error, by the operator on the call giving the workaround (PROBLEM_LINKED and
KNOWN_ERROR_USED, whose note is the workaround). No planted ticket is linked.
"""

from __future__ import annotations

import math
import uuid
from bisect import insort
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine, Table, insert, update
from sqlmodel import col

from app.demo.catalog import (
    _ASSET_COLUMNS,
    _ASSET_TABLE,
    _CATEGORIES,
    _CHANNEL_WEIGHTS,
    _FILL,
    _MONITORING_SHARE,
    _SERIAL_CHARS,
    _SITES,
)
from app.demo.common import seeded_id
from app.demo.spec import DemoSpec
from app.problems.records import (
    CREATED,
    INCIDENT,
    KNOWN_ERROR_USED,
    PROBLEM_FIELD,
    problem_reference,
)
from models.enums import AssetKind, Channel, EventKind, Priority, ProblemStatus
from models.problems import Problem, ProblemAsset, ProblemCategory, ProblemEvent
from models.schema import metadata

if TYPE_CHECKING:
    from collections.abc import Callable
    from random import Random

    from app.demo.generator import (
        _AssetRef,
        _CallerRef,
        _CategoryRef,
        _Generator,
        _SiteRef,
        _TicketState,
    )
    from app.demo.vendors import EscalationPlan
    from app.demo.writers import _Writer

# ----------------------------------------------------------------------------- when to plant

MIN_TICKETS, MIN_CALLERS, MIN_MONTHS = 1000, 100, 3

PRINTER_TAG = "PR-900100"
PRINTER_MODEL = "Ricoh IM C3000"
PRINTER_SITE = "HQ"
PRINTER_WEEKS = 10
BURST_SITE = "NY"
BURST_CATEGORY = "VPN"
BURST_MIN, BURST_FACTOR = 30, 2.5
BATTERY_MODEL = "Dell Latitude 5440"
BATTERY_WEEKS = (1, 1, 2, 3, 7, 10)  # incidents a week, as the batteries age: 24 in all
BATTERY_TO = 3  # the last of the six weeks ends this many days before the as-of day

_WEEK = timedelta(days=7)
T = TypeVar("T")
_K_LINKED = int(EventKind.PROBLEM_LINKED)
_K_KNOWN_ERROR = int(EventKind.KNOWN_ERROR_USED)


def plants(spec: DemoSpec) -> bool:
    """Whether ``spec`` is big and long enough for the patterns (see the module docstring)."""
    return spec.tickets >= MIN_TICKETS and spec.callers >= MIN_CALLERS and spec.months >= MIN_MONTHS


def row_id(value: Any) -> uuid.UUID:
    """A primary key the generator holds in the writer's stored form, as a UUID again (the
    small tables of this module and app/demo/vendors.py go in through Core inserts)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=value)


def local_moment(day: date, hour: int, minute: int, zone: str) -> int:
    """Epoch seconds of a wall-clock time at a site."""
    return int(
        datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone)).timestamp()
    )


def _zone(code: str) -> str:
    return next(d.timezone for d in _SITES if d.code == code)


def _monday(moment: datetime, code: str) -> date:
    day = moment.astimezone(ZoneInfo(_zone(code))).date()
    return day - timedelta(days=day.weekday())


# ----------------------------------------------------------------------------- the facts


@dataclass(frozen=True)
class PlantedPattern:
    """One planted incident pattern: what a detection test looks for."""

    key: str  # "weekly-printer", "vpn-burst", "battery-fault"
    what: str
    site: str | None  # site code; None: callers at either site
    category: str
    asset_tag: str | None  # the one asset they are all about
    asset_model: str | None  # the model of the assets they are about
    days: tuple[date, ...]  # the local days its incidents fall on, each once, oldest first
    count: int
    word: str  # a word every one of its summaries holds


def _burst_count(spec: DemoSpec, now: datetime) -> int:
    """Enough VPN incidents in one week to make it ~3.5 times an average New York week."""
    people = sum(c.weight for c in _CATEGORIES)
    vpn = next(c.weight for c in _CATEGORIES if c.name == BURST_CATEGORY)
    share = next(d.caller_share for d in _SITES if d.code == BURST_SITE)
    weeks = (now - (now - relativedelta(months=spec.months))) / _WEEK
    weekly = spec.tickets * (1 - _MONITORING_SHARE) * vpn / people * share / weeks
    return max(BURST_MIN, math.ceil(BURST_FACTOR * weekly))


def _battery_days(now: datetime) -> tuple[date, ...]:
    """Each battery incident's day: the weekdays of each of the six weeks ending
    ``BATTERY_TO`` days before the as-of day, spread evenly (twice on a day if need be)."""
    last = now.date() - timedelta(days=BATTERY_TO)
    days: list[date] = []
    for week, count in enumerate(BATTERY_WEEKS):
        end = last - (len(BATTERY_WEEKS) - 1 - week) * _WEEK
        weekdays = [end - timedelta(days=back) for back in range(6, -1, -1)]
        weekdays = [day for day in weekdays if day.weekday() < 5]
        days += [weekdays[i * len(weekdays) // count] for i in range(count)]
    return tuple(days)


def planted_patterns(spec: DemoSpec) -> tuple[PlantedPattern, ...]:
    """The patterns ``demo-data`` plants for ``spec`` (none if it is too small, see
    :func:`plants`). ``spec.now`` must be set: the days are relative to it."""
    if spec.now is None:
        raise ValueError("Give the spec its as-of moment (spec.now): the days depend on it.")
    now = spec.now.astimezone(UTC).replace(microsecond=0)
    if not plants(spec):
        return ()
    printer_monday = _monday(now, PRINTER_SITE)
    burst_monday = _monday(now, BURST_SITE) - 2 * _WEEK
    return (
        PlantedPattern(
            key="weekly-printer",
            what=f"Printer {PRINTER_TAG} fails every week",
            site=PRINTER_SITE,
            category="Printing",
            asset_tag=PRINTER_TAG,
            asset_model=PRINTER_MODEL,
            days=tuple(
                printer_monday - week * _WEEK + timedelta(days=1)
                for week in range(PRINTER_WEEKS, 0, -1)
            ),
            count=PRINTER_WEEKS,
            word=PRINTER_TAG,
        ),
        PlantedPattern(
            key="vpn-burst",
            what="VPN outage at the New York office",
            site=BURST_SITE,
            category=BURST_CATEGORY,
            asset_tag=None,
            asset_model=None,
            days=(burst_monday + timedelta(days=1), burst_monday + timedelta(days=2)),
            count=_burst_count(spec, now),
            word="VPN",
        ),
        PlantedPattern(
            key="battery-fault",
            what=f"Battery fault on {BATTERY_MODEL} laptops",
            site=None,
            category="Laptop hardware",
            asset_tag=None,
            asset_model=BATTERY_MODEL,
            days=tuple(sorted(set(_battery_days(now)))),
            count=sum(BATTERY_WEEKS),
            word="swollen",
        ),
    )


# ----------------------------------------------------------------------------- planting


@dataclass(frozen=True)
class PlantedTicket:
    """A ticket the generator makes among the everyday ones, with these choices fixed (the
    rest of its life is simulated as any ticket's, unless it has an escalation plan)."""

    at: int  # created, epoch seconds
    site: _SiteRef
    category: _CategoryRef
    channel: int
    caller: _CallerRef | None
    asset: _AssetRef | None
    summary: str
    description: str
    escalation: EscalationPlan | None = None


_PRINTER_SUMMARIES = (
    "{x} jammed again, paper stuck in tray 2",
    "{x} shows error SC542 and stops printing",
    "Finance printer {x} offline again",
    "Paper jam on {x} on the 2nd floor",
    "{x} prints streaks, then jams",
    "{x} stuck on 'Warming up'",
    "Nothing prints on {x} today",
    "{x} fuser error again, needs a restart",
    "Tray 2 on {x} feeds several sheets at once",
    "{x} keeps jamming on double-sided jobs",
)
_PRINTER_NOTES = (
    "Third time this month.",
    "Finance cannot print invoices.",
    "",
    "Same as last week.",
)
# Alike enough to one another (and to the first, the most frequent) that the alike-summaries
# rule groups each pattern's incidents as one (rapidfuzz token sort ratio 80 or more).
_BURST_SUMMARIES = (
    "VPN keeps disconnecting since this morning",
    "VPN keeps dropping since this morning",
    "VPN keeps disconnecting since this morning",
    "VPN keeps disconnecting at home since this morning",
    "VPN keeps disconnecting since this morning",
    "VPN disconnecting every few minutes since this morning",
    "VPN keeps disconnecting since this morning",
    "VPN connection keeps dropping since this morning",
    "VPN keeps disconnecting since this morning",
    "VPN keeps disconnecting since this morning, whole team",
)
_BURST_NOTES = ("Working from home today.", "Whole team affected.", "", "Started at 8am.")
_BATTERY_SUMMARIES = (
    "Battery swollen on {x}, not charging",
    "{x} battery swollen and not charging",
    "Battery on {x} swollen, not charging",
    "Swollen battery on {x}, will not charge",
)
_BATTERY_NOTES = ("", "The lid no longer closes.", "Laptop rocks on the desk.", "Gets hot.")


def _channel(rng: Random) -> int:
    channels = [int(ch) for ch, _ in _CHANNEL_WEIGHTS]
    return rng.choices(channels, weights=[w for _, w in _CHANNEL_WEIGHTS])[0]


def _distinct(rng: Random, pool: list[T], count: int) -> list[T]:
    """``count`` of ``pool``, all different while the pool lasts."""
    picked: list[T] = []
    while len(picked) < count:
        picked += rng.sample(pool, min(len(pool), count - len(picked)))
    return picked


def write_weekly_printer(gen: _Generator, rng: Random) -> tuple[str, _AssetRef]:
    """The printer that fails every week: its asset row (in every demo), and its site code
    with its reference for the generator."""
    from app.demo.generator import _AssetRef

    site = next(s for s in gen.sites if s.d.code == PRINTER_SITE)
    asset_id = uuid.UUID(int=seeded_id(rng))
    serial = "R" + "".join(rng.choices(_SERIAL_CHARS, k=9))
    row = (
        gen.writer.uuid(asset_id),
        PRINTER_TAG,
        int(AssetKind.PRINTER),
        PRINTER_MODEL,
        serial,
        site.id,
        None,
        "Finance floor printer, 2nd floor by the kitchen",
    )
    with gen.writer.transaction():
        gen.writer.insert(_ASSET_TABLE, _ASSET_COLUMNS, [row])
    gen.asset_count += 1
    return site.d.code, _AssetRef(row[0], PRINTER_TAG, PRINTER_MODEL, int(AssetKind.PRINTER))


def plant_patterns(gen: _Generator, rng: Random, printer: _AssetRef) -> list[PlantedTicket]:
    """The tickets of the three patterns :func:`planted_patterns` describes for the run."""
    spec = DemoSpec(gen.spec.callers, gen.spec.tickets, gen.spec.months, gen.spec.seed, gen.now_dt)
    patterns = {p.key: p for p in planted_patterns(spec)}
    if not patterns:
        return []
    sites = {s.d.code: s for s in gen.sites}
    categories = {c.d.name: c for c in gen.categories}
    planted: list[PlantedTicket] = []

    pattern = patterns["weekly-printer"]
    site, category = sites[pattern.site or ""], categories[pattern.category]
    callers = _distinct(rng, site.callers, pattern.count)
    for week, (day, caller) in enumerate(zip(pattern.days, callers, strict=True)):
        summary = _PRINTER_SUMMARIES[week % len(_PRINTER_SUMMARIES)].format(x=printer.label)
        at = local_moment(day, rng.randint(9, 11), rng.randint(0, 59), site.d.timezone)
        note = rng.choice(_PRINTER_NOTES)
        planted.append(
            PlantedTicket(at, site, category, _channel(rng), caller, printer, summary, note)
        )

    pattern = patterns["vpn-burst"]
    site, category = sites[pattern.site or ""], categories[pattern.category]
    first, second = pattern.days
    for n, caller in enumerate(_distinct(rng, site.callers, pattern.count)):
        if rng.random() < 0.7:
            minute = rng.randint(7 * 60 + 30, 17 * 60 - 1)
            day = first
        else:
            minute = rng.randint(8 * 60, 13 * 60 - 1)
            day = second
        at = local_moment(day, minute // 60, minute % 60, site.d.timezone)
        channel = int(Channel.PHONE) if rng.random() < 0.5 else _channel(rng)
        summary = _BURST_SUMMARIES[n % len(_BURST_SUMMARIES)]
        note = rng.choice(_BURST_NOTES)
        planted.append(PlantedTicket(at, site, category, channel, caller, None, summary, note))

    pattern = patterns["battery-fault"]
    category = categories[pattern.category]
    owners = [
        (s, c)
        for s in gen.sites
        for c in s.callers
        if c.device is not None and c.device.model == pattern.asset_model
    ]
    if not owners:  # too few callers to have one: any laptop owner stands in
        owners = [(s, c) for s in gen.sites for c in s.callers if c.device is not None]
    chosen = _distinct(rng, owners, pattern.count)
    days = _battery_days(gen.now_dt)
    for n, (day, (site, caller)) in enumerate(zip(days, chosen, strict=True)):
        device = caller.device
        assert device is not None
        summary = _BATTERY_SUMMARIES[n % len(_BATTERY_SUMMARIES)].format(x=device.label)
        at = local_moment(day, rng.randint(9, 16), rng.randint(0, 59), site.d.timezone)
        note = rng.choice(_BATTERY_NOTES)
        planted.append(
            PlantedTicket(at, site, category, _channel(rng), caller, device, summary, note)
        )
    return planted


# ----------------------------------------------------------------------------- the problems

_S = ProblemStatus


@dataclass(frozen=True)
class _ProblemDef:
    """One demo problem; days count back from (or, for the target, on from) the as-of day."""

    title: str
    status: ProblemStatus
    priority: Priority
    owner: str  # demo user name (app/demo/catalog.py)
    category: str
    opened: int
    target: int | None
    description: str
    root_cause: str = ""
    workaround: str = ""  # a known error has one
    permanent_fix: str = ""
    resolved: int | None = None
    closed: int | None = None
    incidents: str = ""  # the everyday summary (its template) whose tickets it links
    contains: str = ""  # ... only those that say this
    site: str | None = None  # ... only at this site
    affects: tuple[str, str] | None = (
        None  # ("printer", model), ("server", role), ("device", model)
    )
    cap: int = 20  # at most this many incidents


PROBLEMS: tuple[_ProblemDef, ...] = (
    _ProblemDef(
        "Outlook asks for the password again and again after the mailbox migration",
        _S.CLOSED, Priority.HIGH, "ytanaka", "Email", opened=110, target=-80,
        resolved=80, closed=70,
        description="Since the mailboxes moved to the new Exchange servers, Outlook prompts "
        "migrated users for their password every few minutes.",
        root_cause="Autodiscover still returned the old server for migrated mailboxes, so "
        "Outlook fell back to basic authentication.",
        workaround="Recreate the Outlook profile; the prompts stop.",
        permanent_fix="Autodiscover record updated and the old virtual directories removed "
        "(change CR-2207).",
        incidents="Outlook keeps asking for a password", cap=30,
    ),
    _ProblemDef(
        "Docking stations stop detecting monitors after dock firmware 01.00.12",
        _S.CLOSED, Priority.MEDIUM, "kmensah", "Laptop hardware", opened=95, target=-60,
        resolved=62, closed=50,
        description="Docks updated by the last firmware push lose the external monitors when "
        "the laptop wakes from sleep.",
        root_cause="Firmware 01.00.12 breaks DisplayPort over USB-C after a resume from sleep.",
        workaround="Unplug the dock's USB-C cable and plug it in again.",
        permanent_fix="Dock firmware 01.00.14 rolled out to every dock.",
        incidents="Docking station not detecting monitors",
    ),
    _ProblemDef(
        "Nightly backups of the file servers overrun their window",
        _S.RESOLVED, Priority.HIGH, "ilarsen", "Backup failure", opened=80, target=-20,
        resolved=12,
        description="The file server backup jobs run into the working day and slow the "
        "shares down.",
        root_cause="Deduplication on the backup store ran at the same time as the jobs and "
        "throttled them.",
        workaround="Start the file server jobs an hour earlier.",
        permanent_fix="Deduplication moved to the weekend; the jobs finish by 04:00 again.",
        incidents="Backup job for {x} exceeded its window", affects=("server", "file"), cap=15,
    ),
    _ProblemDef(
        "Meeting room displays lose the HDMI signal",
        _S.RESOLVED, Priority.LOW, "gpark", "Other", opened=70, target=-30, resolved=6,
        description="Meeting room displays go blank a few minutes into a meeting.",
        root_cause="The displays' power saving cuts the HDMI input when no remote has been "
        "used for ten minutes.",
        permanent_fix="Power saving turned off on every meeting room display.",
        incidents="Meeting room display not working in {x}", cap=12,
    ),
    _ProblemDef(
        "VPN client error 809 on home routers that block IPsec",
        _S.KNOWN_ERROR, Priority.HIGH, "dvolkov", "VPN", opened=62, target=30,
        description="Callers working from home get error 809 when the VPN connects; in the "
        "office it works.",
        root_cause="Some home routers drop IPsec NAT traversal (UDP 4500), and the default "
        "VPN profile offers IKEv2 only.",
        workaround="Switch the caller to the 'Home (SSTP)' VPN profile: VPN client > "
        "Settings > Profile. The desk can push it with the VPN-SSTP package.",
        incidents="VPN client error 809", cap=40,
    ),
    _ProblemDef(
        "Print jobs stick in the queue on HP LaserJet M507 printers since the driver update",
        _S.KNOWN_ERROR, Priority.MEDIUM, "lortega", "Printing", opened=55, target=20,
        description="Since print driver 7.2, jobs to the M507 printers wait in the queue "
        "until the spooler restarts.",
        root_cause="Print driver 7.2 asks the M507 for a status it does not report, and the "
        "job waits for it.",
        workaround="Clear the caller's print queue and switch the printer to the 'HP M507 "
        "PCL6 (7.1)' driver from the software centre.",
        incidents="Print jobs stuck in the queue on {x}",
        affects=("printer", "HP LaserJet M507"), cap=25,
    ),
    _ProblemDef(
        "MFA prompt does not arrive on Android phones with battery saver on",
        _S.KNOWN_ERROR, Priority.HIGH, "bcarter", "Password reset", opened=48, target=10,
        description="Callers cannot approve their sign-in: the authenticator's push never "
        "shows on the phone.",
        root_cause="Battery saver stops the authenticator app from receiving pushes in the "
        "background.",
        workaround="Ask the caller to sign in with the six-digit code in the authenticator "
        "app instead of the push, then to exempt the app from battery saver.",
        incidents="MFA prompt not arriving, cannot sign in to {x}", cap=30,
    ),
    _ProblemDef(
        "Calendar invites from external partners held by the mail filter",
        _S.KNOWN_ERROR, Priority.MEDIUM, "ytanaka", "Email", opened=40, target=-5,
        description="Meeting invitations from some partners never reach the calendar.",
        root_cause="The mail filter quarantines calendar attachments from domains without a "
        "DMARC record.",
        workaround="Release the invitation from the mail filter's quarantine (search the "
        "sender) and ask the partner to send it again.",
        incidents="Calendar invites not arriving",
    ),
    _ProblemDef(
        "ThinkPad T14 laptops overheat and shut down during video calls",
        _S.ROOT_CAUSE_KNOWN, Priority.MEDIUM, "hschroder", "Laptop hardware", opened=33,
        target=14,
        description="Lenovo ThinkPad T14 Gen 4 laptops switch off during long video calls.",
        root_cause="BIOS 1.14 applies the fan curve of a smaller model; the processor reaches "
        "100 degrees and the laptop shuts down.",
        incidents="{x} overheating and shutting down",
        affects=("device", "Lenovo ThinkPad T14 Gen 4"), cap=15,
    ),
    _ProblemDef(
        "Shared mailboxes disappear from Outlook after permission changes",
        _S.ROOT_CAUSE_KNOWN, Priority.MEDIUM, "bcarter", "Email", opened=27, target=-10,
        description="Shared mailboxes vanish from people's Outlook overnight and come back "
        "days later.",
        root_cause="The nightly group sync removes and re-adds mailbox permissions, and "
        "Outlook only maps a shared mailbox when the permission is first granted.",
        incidents="Shared mailbox {x} not showing in Outlook", cap=15,
    ),
    _ProblemDef(
        "Wi-Fi drops in the head office meeting rooms",
        _S.INVESTIGATING, Priority.HIGH, "cdubois", "Network outage", opened=20, target=21,
        description="Laptops in the head office meeting rooms lose the Wi-Fi for a minute or "
        "two, several times a day.",
        incidents="Wi-Fi down in {x}", site="HQ", cap=10,
    ),
    _ProblemDef(
        "Disk space runs low on the SQL servers at every month end",
        _S.INVESTIGATING, Priority.MEDIUM, "oadeyemi", "Server alert", opened=15, target=25,
        description="The month-end runs fill the SQL servers' log disks and the monitoring "
        "alerts every month.",
        incidents="Disk space low on {x}", affects=("server", "sql"),
    ),
    _ProblemDef(
        "Expenses portal passwords expire a day early",
        _S.INVESTIGATING, Priority.LOW, "ytanaka", "Password reset", opened=10, target=30,
        description="People are locked out of the expenses portal a day before the expiry "
        "warning said.",
        incidents="Password expired, cannot log in to {x}", contains="the expenses portal",
        cap=10,
    ),
    _ProblemDef(
        "Headset audio crackles on Teams calls since the Teams client update",
        _S.NEW, Priority.MEDIUM, "moneill", "Phone/headset", opened=4, target=None,
        description="Several callers report crackling or no sound on Teams calls with their "
        "headsets since the last client update.",
        incidents="Cannot hear callers on Teams calls", cap=8,
    ),
    _ProblemDef(
        "Adobe Acrobat Pro updates fail from the software centre",
        _S.NEW, Priority.LOW, "lortega", "Software install", opened=1, target=None,
        description="The Acrobat Pro update in the software centre fails with error 1603.",
        incidents="Update of {x} failed", contains="Adobe Acrobat Pro", cap=6,
    ),
)  # fmt: skip

_STEP_NOTES = {
    _S.INVESTIGATING: "Investigation started: collecting logs from the affected callers.",
    _S.CLOSED: "No new incidents since the fix.",
}
# What is written down before moving to a status that needs it, as the problem editor asks
# for it (app/problems/records.py): the event's field, and the definition's attribute.
_STEP_FIELDS = {
    _S.ROOT_CAUSE_KNOWN: ("root cause", "root_cause"),
    _S.KNOWN_ERROR: ("workaround", "workaround"),
    _S.RESOLVED: ("permanent fix", "permanent_fix"),
}
_PROBLEM_EVENT_TABLE: Table = metadata.tables["problem_event"]
_PROBLEM_EVENT_COLUMNS = (
    "id", "problem_id", "at", "actor_id", "field", "old_value", "new_value", "note",
)  # fmt: skip


class ProblemLink:
    """How one problem takes everyday tickets with its summary as incidents; the generator
    asks it about each ticket with that summary (see the module docstring)."""

    __slots__ = (
        "assets",
        "cap",
        "chance",
        "contains",
        "end",
        "known_since",
        "linked",
        "opened",
        "owner",
        "problem_id",
        "reference",
        "saves",
        "site",
        "start",
        "trail",
        "workaround",
    )

    def __init__(
        self,
        problem_id: Any,
        number: int,
        d: _ProblemDef,
        owner: Any,
        window: tuple[int, int, int, int | None],
        chance: float,
        assets: frozenset[Any] | None,
    ) -> None:
        self.problem_id, self.reference, self.owner = problem_id, problem_reference(number), owner
        self.start, self.opened, self.end, self.known_since = window
        self.workaround, self.cap, self.contains, self.site = (
            d.workaround,
            d.cap,
            d.contains,
            d.site,
        )
        self.chance, self.assets = chance, assets
        self.linked = 0
        self.saves: set[int] = set()  # when the problem was saved: its version and updated_at
        self.trail: list[tuple[Any, ...]] = []  # problem events of the incidents linked

    def takes(self, t0: int, summary: str, site: str, asset: _AssetRef | None, draw: float) -> bool:
        """Whether the ticket created at ``t0`` becomes one of this problem's incidents."""
        return (
            self.start <= t0 < self.end
            and self.linked < self.cap
            and draw < self.chance
            and (not self.contains or self.contains in summary)
            and (self.site is None or site == self.site)
            and (self.assets is None or (asset is not None and asset.id in self.assets))
        )

    def attach(
        self,
        st: _TicketState,
        t0: int,
        number: str,
        operator: Any,
        offset: Callable[[int, int], int],
        now: int,
    ) -> Any:
        """Link ticket ``number``, with the events app/problems/records.py writes (the
        ticket's in time order among the others); returns the problem's id.

        Before the problem was opened, its owner links the ticket when opening it; while it
        is a known error, the operator taking the call (``operator``, None for monitoring)
        gives the workaround; otherwise the owner links the ticket later. ``offset(a, b)``
        draws seconds."""
        self.linked += 1
        kinds = [(_K_LINKED, "")]
        if t0 < self.opened:
            at, actor, field = self.opened + offset(600, 2 * 86_400), self.owner, INCIDENT
        elif self.known_since is not None and t0 >= self.known_since and operator is not None:
            at, actor, field = t0 + offset(60, 240), operator, KNOWN_ERROR_USED
            kinds.append((_K_KNOWN_ERROR, self.workaround))
        else:
            at, actor, field = t0 + offset(600, 86_400), self.owner, INCIDENT
        at = min(at, now)
        for kind, note in kinds:
            event = (at, actor, kind, PROBLEM_FIELD, "", self.reference, note, 0)
            insort(st.events, event, key=itemgetter(0))
        self.trail.append((self.problem_id, at, actor, field, number))
        if field != KNOWN_ERROR_USED:  # giving the workaround does not change the problem
            self.saves.add(at)
        return self.problem_id


class ProblemBook:
    """The demo's problems as written, and the incidents everyday tickets add to them (the
    problem events of those wait in :meth:`take` for the ticket batch they belong to)."""

    def __init__(self, writer: _Writer, uid: Callable[[], Any]) -> None:
        self.writer, self.uid = writer, uid
        self.links: dict[str, ProblemLink] = {}  # by the everyday summary template

    def take(self) -> list[tuple[Any, ...]]:
        """The problem events of the incidents linked since the last call."""
        ts, uid = self.writer.ts, self.uid
        rows = []
        for link in self.links.values():
            rows += [
                (uid(), problem, ts(at), actor, field, "", number, "")
                for problem, at, actor, field, number in link.trail
            ]
            link.trail.clear()
        return rows

    def finish(self, engine: Engine) -> None:
        """Each problem's version and last change, now that its incidents are linked: one
        version per save, as the optimistic lock counts them."""
        with engine.begin() as connection:
            for link in self.links.values():
                connection.execute(
                    update(Problem)
                    .where(col(Problem.id) == row_id(link.problem_id))
                    .values(
                        version=len(link.saves),
                        updated_at=datetime.fromtimestamp(max(link.saves), UTC),
                    )
                )

    def write(self, gen: _Generator, rng: Random) -> None:
        """Write :data:`PROBLEMS` with their assets, categories and trails, and set up the
        :attr:`links` by which everyday tickets become their incidents."""
        now = gen.now_dt
        categories = {c.d.name: row_id(c.id) for c in gen.categories}
        problems, assets, covered, events = [], [], [], []
        for number, d in enumerate(PROBLEMS, start=1):
            problem_id = uuid.UUID(int=seeded_id(rng))
            owner = row_id(gen.staff[d.owner].id)
            steps = _steps(d, _moment(now.date(), d.opened, rng), now, rng)
            trail = _trail(d, number, steps)
            for field, old, new, note, at in trail:
                events.append(
                    {
                        "id": uuid.UUID(int=seeded_id(rng)),
                        "problem_id": problem_id,
                        "at": at,
                        "actor_id": owner,
                        "field": field,
                        "old_value": old,
                        "new_value": new,
                        "note": note,
                    }
                )
            problems.append(_problem_row(d, number, problem_id, owner, dict(steps), now.date()))
            covered.append({"problem_id": problem_id, "category_id": categories[d.category]})
            affected = None
            if d.affects is not None:
                affected = _affected(gen, d.affects)
                if d.affects[0] != "device":  # a model's every laptop would swamp the list
                    assets += [
                        {"problem_id": problem_id, "asset_id": row_id(a.id)} for a in affected[0]
                    ]
            link = _link(gen, d, number, gen.writer.uuid(problem_id), dict(steps), affected)
            link.saves.update(int(at.timestamp()) for *_, at in trail)
            self.links[d.incidents] = link
        with gen.engine.begin() as connection:
            connection.execute(insert(Problem), problems)
            if assets:
                connection.execute(insert(ProblemAsset), assets)
            connection.execute(insert(ProblemCategory), covered)
            connection.execute(insert(ProblemEvent), events)


def _trail(
    d: _ProblemDef, number: int, steps: list[tuple[ProblemStatus, datetime]]
) -> list[tuple[str, str, str, str, datetime]]:
    """The problem's events as app/problems/records.py writes them (field, old, new, note,
    when): created, then each status step, after writing down what the step needs."""
    trail = [(CREATED, "", problem_reference(number), "", steps[0][1])]
    for (before, _), (status, at) in pairwise(steps):
        if status in _STEP_FIELDS:
            field, name = _STEP_FIELDS[status]
            trail.append((field, "", getattr(d, name), "", at - timedelta(minutes=1)))
        trail.append(("status", before.label, status.label, _STEP_NOTES.get(status, ""), at))
    return trail


def _problem_row(
    d: _ProblemDef,
    number: int,
    problem_id: uuid.UUID,
    owner: uuid.UUID,
    when: dict[ProblemStatus, datetime],
    today: date,
) -> dict[str, Any]:
    """The problem's row; its version and last change follow its incidents
    (:meth:`ProblemBook.finish`)."""
    return {
        "id": problem_id,
        "number": number,
        "title": d.title,
        "description": d.description,
        "status": d.status,
        "priority": d.priority,
        "owner_id": owner,
        "root_cause": d.root_cause,
        "workaround": d.workaround,
        "permanent_fix": d.permanent_fix,
        "target_date": today + timedelta(days=d.target) if d.target is not None else None,
        "candidate_key": None,
        "created_by_id": owner,
        "created_at": when[_S.NEW],
        "updated_at": when[_S.NEW],
        "resolved_at": when.get(_S.RESOLVED),
        "closed_at": when.get(_S.CLOSED),
        "version": 1,
    }


def _link(
    gen: _Generator,
    d: _ProblemDef,
    number: int,
    problem_id: Any,
    when: dict[ProblemStatus, datetime],
    affected: tuple[list[_AssetRef], int] | None,
) -> ProblemLink:
    """How the problem takes incidents: from two weeks before it was opened until it was
    resolved (or now), with a chance per ticket that spreads its cap over that time."""
    opened = when[_S.NEW]
    start = int((opened - timedelta(days=14)).timestamp())
    end = int((when.get(_S.RESOLVED) or gen.now_dt).timestamp())
    known = when.get(_S.KNOWN_ERROR)
    window = (start, int(opened.timestamp()), end, int(known.timestamp()) if known else None)
    share = _share(d)
    assets = None
    if affected is not None:
        chosen, pool = affected
        share *= len(chosen) / max(pool, 1)
        assets = frozenset(a.id for a in chosen)
    expected = gen.spec.tickets * share * (end - start) / max(gen.now - gen.start, 1)
    chance = min(1.0, 2 * d.cap / max(expected, 1.0))
    owner = gen.staff[d.owner].id
    return ProblemLink(problem_id, number, d, owner, window, chance, assets)


def _affected(gen: _Generator, affects: tuple[str, str]) -> tuple[list[_AssetRef], int]:
    """The assets ``affects`` names, and how many assets the category draws from."""
    pool, match = affects
    if pool == "printer":
        printers = [a for s in gen.sites for a in s.printers]
        return [a for a in printers if a.model == match], len(printers)
    if pool == "server":
        servers = [a for s in gen.sites for a in s.servers]
        return [a for a in servers if f"-{match}-" in a.label], len(servers)
    devices = [c.device for s in gen.sites for c in s.callers if c.device is not None]
    return [a for a in devices if a.model == match], len(devices)


def _share(d: _ProblemDef) -> float:
    """The share of all tickets that have the problem's summary, before asset filters."""
    category = next(c for c in _CATEGORIES if c.name == d.category)
    people = sum(c.weight for c in _CATEGORIES)
    monitored = sum(c.monitor_weight for c in _CATEGORIES)
    share = (1 - _MONITORING_SHARE) * category.weight / people
    share += _MONITORING_SHARE * category.monitor_weight / monitored
    templates = [t.partition("|") for t in category.templates]
    key = next(k for body, _, k in templates if body == d.incidents)
    share /= len(templates)
    if d.contains and key in _FILL:
        share /= len(_FILL[key])
    if d.site is not None:
        share *= next(s.caller_share for s in _SITES if s.code == d.site)
    return share


def _moment(today: date, days_back: int, rng: Random) -> datetime:
    start = datetime.combine(today - timedelta(days=days_back), time(9, 0), tzinfo=UTC)
    return start + timedelta(minutes=rng.randint(0, 360))


def _steps(
    d: _ProblemDef, opened: datetime, now: datetime, rng: Random
) -> list[tuple[ProblemStatus, datetime]]:
    """Each status the problem went through, and when: the ones between opening and
    resolving spread evenly over that time (or up to now), in working hours."""
    path = [s for s in _S if s <= d.status and (s != _S.KNOWN_ERROR or d.workaround)]
    middle = [s for s in path if _S.NEW < s < _S.RESOLVED]
    resolved = _moment(now.date(), d.resolved, rng) if d.resolved is not None else None
    horizon = resolved or now
    steps = [(_S.NEW, opened)]
    for i, status in enumerate(middle, start=1):
        at = opened + (horizon - opened) * i / (len(middle) + 1)  # days apart: same order
        steps.append((status, at.replace(hour=8 + at.hour % 10, second=0, microsecond=0)))
    if resolved is not None:
        steps.append((_S.RESOLVED, resolved))
    if d.closed is not None:
        steps.append((_S.CLOSED, _moment(now.date(), d.closed, rng)))
    return steps
