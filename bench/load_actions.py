"""What the people at the workstations of :mod:`bench.load` do, through the services the
program's pages call, timed action by action.

A :class:`Client` is one workstation: one staff member, one engine with a small pool, a
random generator seeded for that workstation alone, and a loop of the person's work with
pauses between the actions (reading, talking, typing), which are not timed. A pause holds
no connection: every service opens and closes its own unit of work, and the parent process
checks on the server that no connection of a pausing workstation is left in a transaction.

- :class:`Operator` (the call desk): types into the caller lookup (the first letters or
  digits, then the whole text: part of a name, phone digits, an e-mail address or a ticket
  number, taken from the database so each one finds its caller), opens the caller's card,
  logs a ticket for them (now and then "resolved on the call") and ends the call, which
  stores the call record.
- :class:`Technician` (the queue): reads the first page of the queue and its count with
  the filters a technician uses (my open tickets, my team's, a text), opens one of their
  own tickets and saves it: a note, or a status change along the workflow that keeps the
  ticket open (start work, wait on the caller, the caller replied). Only their own tickets
  are changed, so no two workstations change the same ticket.
- :class:`Manager` (the Reports page): counts the monthly report of one month, then reads
  it for a while.

Actions that fail are recorded with their message; the rest of that round is skipped.
"""

from __future__ import annotations

import json
import random
import resource
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, MutableSequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier, Event
from threading import BrokenBarrierError
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine

from app.callers.card import CallerCard, load_card
from app.callers.lookup import lookup
from app.calls.records import CallRecord, record_call
from app.permissions import Action, require_now
from app.queue.query import QueueFilter, QueueQuery, QueueSort
from app.reports.period import parse_month
from app.reports.report import monthly_report
from app.search_terms import WORD
from app.tickets.actions import TicketDraft, add_note, change_status, create_ticket
from app.tickets.detail import TicketDetail, get_ticket
from bench.database import BenchDatabase, as_uuid
from bench.run import bench_clock
from models.clock import utcnow
from models.enums import StaffRole, TicketStatus

T = TypeVar("T")

THINK_S = (2.0, 5.0)  # between two actions of an operator or a technician
TYPING_S = (0.2, 0.5)  # between the first letters typed and the whole text
READING_REPORT_S = (20.0, 40.0)  # a manager reads the report before opening it again
# Each workstation's pool: two connections and one more at a pinch. The manager's holds
# five, as many as the report's parts read side by side (app/reports/report.py).
POOL_SIZE = 2
MAX_OVERFLOW = {StaffRole.MANAGER: 3}
DEFAULT_OVERFLOW = 1
APPLICATION = "switchboard-load"  # the server's application_name: APPLICATION index role
RESULT_LIMIT = 20  # what the call desk asks the lookup for (ui/calls/desk.py)
PAGE_ROWS = 200  # one page of the queue's table (ui/kit/paged_model.py)
SAMPLE_ROWS = 1000  # callers and tickets read at set-up to draw the typed texts from
RESOLVED_ON_CALL = 0.3  # share of calls solved on the phone
NOTE_SHARE = 0.5  # share of a technician's saves that are notes (the rest: status changes)

# A technician's next status for their own ticket: work goes on, nothing is resolved, so
# the queue keeps its tickets for the whole run.
NEXT_STATUS = {
    TicketStatus.NEW: TicketStatus.IN_PROGRESS,
    TicketStatus.ASSIGNED: TicketStatus.IN_PROGRESS,
    TicketStatus.IN_PROGRESS: TicketStatus.WAITING_CALLER,
    TicketStatus.WAITING_CALLER: TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_VENDOR: TicketStatus.IN_PROGRESS,
}


@dataclass(frozen=True)
class Actor:
    """A staff member of the database who sits at one workstation."""

    role: StaffRole
    staff_id: uuid.UUID
    username: str
    team_id: uuid.UUID | None


@dataclass(frozen=True)
class ClientPlan:
    """Everything a workstation's process needs (it is pickled to the process)."""

    index: int
    actor: Actor
    url: str
    seconds: float
    seed: str
    month: str  # the report's month, YYYY-MM


@dataclass(frozen=True)
class Call:
    """A call as the operator meets it: who rings, and what is typed to find them."""

    caller_id: uuid.UUID
    text: str


class TimeUp(Exception):
    """The measured window is over."""


class ActionFailed(Exception):
    """An action raised; it is recorded and the round is given up."""


def application_name(index: int, role: StaffRole) -> str:
    return f"{APPLICATION} {index} {role.name.lower()}"


def client_engine(url: str, index: int, role: StaffRole) -> Engine:
    """The workstation's engine: on a server, ``make_engine``'s settings with a small pool
    and the workstation's name on its connections; a SQLite file as the program opens it."""
    db = BenchDatabase(url)
    if db.sqlite:
        return db.engine()
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW.get(role, DEFAULT_OVERFLOW),
        connect_args={"application_name": application_name(index, role)},
    )


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Client:
    """One workstation; subclasses say what the person does in one round (:meth:`round`)
    and an action only their role may do (``needs``, checked before the window)."""

    needs = Action.LOG_CALL

    def __init__(self, plan: ClientPlan, pauses: MutableSequence[int]) -> None:
        """``pauses``: one counter per workstation, shared with the parent; this one's is odd
        while the person pauses."""
        self.plan = plan
        self.me = plan.actor.staff_id
        self.engine = client_engine(plan.url, plan.index, plan.actor.role)
        self.rng = random.Random(plan.seed)
        self.pauses = pauses
        self.deadline = float("inf")
        self.warming = False
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: list[tuple[str, str]] = []

    def prepare(self) -> None:
        """Before the window: the actor's role is checked, then one round is done without
        pauses or timing, so the window starts warm (modules imported, statements compiled,
        the pool connected), like a workstation that has been in use for a while."""
        require_now(self.engine, self.me, self.needs)
        self.warming = True
        try:
            self.round()
        finally:
            self.warming = False

    def round(self) -> None:
        raise NotImplementedError

    def run(self, seconds: float) -> dict[str, Any]:
        """Rounds until ``seconds`` are over; what was timed, failed and spent."""
        self.deadline = time.monotonic() + seconds
        cpu = cpu_seconds()
        try:
            while True:
                try:
                    self.round()
                except ActionFailed:
                    continue
        except TimeUp:
            pass
        return {
            "index": self.plan.index,
            "samples": self.samples,
            "errors": self.errors,
            "cpu_s": cpu_seconds() - cpu,
        }

    def pause(self, span: tuple[float, float]) -> None:
        """The person reads, talks or types: no action, no connection held. Ends the run
        when the window closes before the pause does."""
        wait = self.rng.uniform(*span)
        if self.warming:
            return
        left = self.deadline - time.monotonic()
        self.pauses[self.plan.index] += 1
        try:
            time.sleep(max(0.0, min(wait, left)))
        finally:
            self.pauses[self.plan.index] += 1
        if wait >= left:
            raise TimeUp

    def timed(self, action: str, work: Callable[[], T]) -> T:
        if self.warming:
            return work()
        start = time.perf_counter()
        try:
            result = work()
        except Exception as error:
            self.errors.append((action, f"{type(error).__name__}: {error}"))
            raise ActionFailed from error
        self.samples[action].append((time.perf_counter() - start) * 1000)
        return result


class Operator(Client):
    """The call desk: lookup, card, new ticket, call record."""

    needs = Action.CREATE_TICKET

    def __init__(self, plan: ClientPlan, pauses: MutableSequence[int]) -> None:
        super().__init__(plan, pauses)
        self.calls, self.drafts = self._sample(BenchDatabase(plan.url))

    def _sample(self, db: BenchDatabase) -> tuple[list[Call], list[tuple[str, uuid.UUID]]]:
        """Calls to take (a text typed for each caller) and the summaries and categories of
        existing tickets, to write new ones like them."""
        with db.connected(read_only=True) as raw:
            callers = raw.rows(
                "SELECT c.id, c.name, c.email, (SELECT min(p.number) FROM caller_phone p "
                "WHERE p.caller_id = c.id) FROM caller c ORDER BY c.id LIMIT ?",
                (SAMPLE_ROWS,),
            )
            tickets = raw.rows(
                "SELECT t.number, t.caller_id, t.summary, t.category_id FROM ticket t "
                "JOIN category c ON c.id = t.category_id "
                "WHERE t.caller_id IS NOT NULL AND NOT c.retired ORDER BY t.id LIMIT ?",
                (SAMPLE_ROWS,),
            )
        calls = [
            Call(as_uuid(c), self._caller_text(name, email, number or ""))
            for c, name, email, number in callers
        ]
        calls += [Call(as_uuid(c), self._ticket_text(number)) for number, c, _s, _c in tickets]
        return calls, [(summary, as_uuid(category)) for _n, _c, summary, category in tickets]

    def _caller_text(self, name: str, email: str | None, number: str) -> str:
        """What an operator types for this caller: part of the surname, the whole name,
        the last digits or the whole number, or the e-mail address."""
        surname = name.split()[-1]
        digits = "".join(c for c in number if c.isdigit())
        texts = [surname[: self.rng.randint(3, max(3, len(surname)))], name]
        texts += [digits[-4:], number] if len(digits) >= 4 else []
        texts += [email] if email else []
        return self.rng.choice(texts)

    def _ticket_text(self, number: str) -> str:
        """A ticket number as typed: whole ("HQ-004211") or its digits ("4211")."""
        return number if self.rng.random() < 0.5 else number.split("-")[-1].lstrip("0") or "0"

    def round(self) -> None:
        self.pause(THINK_S)  # the next call rings
        call = self.rng.choice(self.calls)
        started = utcnow()
        if len(call.text) > 3:  # the lookup fires on the first letters, then on the rest
            self.timed("lookup", lambda: lookup(self.engine, call.text[:3], RESULT_LIMIT))
            self.pause(TYPING_S)
        self.timed("lookup", lambda: lookup(self.engine, call.text, RESULT_LIMIT))
        card = self.timed("card", lambda: load_card(self.engine, call.caller_id))
        self.pause(THINK_S)  # listening, filling in the ticket
        detail = self.timed(
            "log_ticket", lambda: create_ticket(self.engine, self._draft(card), self.me)
        )
        number = card.phones[0].number if card.phones else ""  # the caller's, as shown
        record = CallRecord(started, utcnow(), number, card.id, self.me, detail.id)
        self.timed("end_call", lambda: record_call(self.engine, record, self.me))

    def _draft(self, card: CallerCard) -> TicketDraft:
        """The ticket the call desk prefills from the card (caller, site, their one asset)."""
        summary, category = self.rng.choice(self.drafts)
        solved = self.rng.random() < RESOLVED_ON_CALL
        return TicketDraft(
            summary=summary,
            site_id=card.site_id,
            caller_id=card.id,
            category_id=category,
            asset_id=card.assets[0].id if len(card.assets) == 1 else None,
            resolved_on_first_contact=solved,
            resolution_note="Talked the caller through it on the phone." if solved else "",
        )


class Technician(Client):
    """The queue: a page and its count, one of my tickets opened, then saved."""

    needs = Action.CLOSE_TICKET

    def __init__(self, plan: ClientPlan, pauses: MutableSequence[int]) -> None:
        super().__init__(plan, pauses)
        self.query = QueueQuery(self.engine, self.me)
        self.texts = self._sample(BenchDatabase(plan.url))
        self.mine: list[uuid.UUID] | None = None  # my open tickets, as last listed

    def _sample(self, db: BenchDatabase) -> list[str]:
        """Texts typed into the queue's filter: open tickets' numbers, words of their
        summaries and their callers' surnames."""
        with db.connected(read_only=True) as raw:
            rows = raw.rows(
                "SELECT number, summary, caller_name FROM ticket WHERE status < ? "
                "ORDER BY id LIMIT ?",
                (int(TicketStatus.RESOLVED), SAMPLE_ROWS),
            )
        texts = []
        for number, summary, caller in rows:
            words = [w for w in WORD.findall(summary) if len(w) >= 4]
            texts += [number, *words[:1], *caller.split()[-1:]]
        return texts

    def _filter(self) -> QueueFilter:
        """My open tickets (always first), my team's, or a text over all open ones."""
        choices = [QueueFilter(assignee="me"), QueueFilter(text=self.rng.choice(self.texts))]
        if self.plan.actor.team_id is not None:
            choices.append(QueueFilter(team_id=self.plan.actor.team_id))
        return choices[0] if self.mine is None else self.rng.choice(choices)

    def round(self) -> None:
        self.pause(THINK_S)
        shown = self._filter()
        rows = self.timed("queue_page", lambda: self.query.page(shown, QueueSort(), 0, PAGE_ROWS))
        self.timed("queue_count", lambda: self.query.count(shown))
        if shown.assignee == "me":
            self.mine = [row.id for row in rows]
        if not self.mine:
            return
        self.pause(THINK_S)
        chosen = self.rng.choice(self.mine)
        detail = self.timed("ticket", lambda: get_ticket(self.engine, chosen))
        self.pause(THINK_S)
        self.timed("save", lambda: self._save(detail))

    def _save(self, detail: TicketDetail) -> TicketDetail:
        target = NEXT_STATUS.get(detail.status)
        if target is None or self.rng.random() < NOTE_SHARE:
            note = "Checked with the caller; still on it."
            return add_note(self.engine, detail.id, note, self.me, self.rng.randint(5, 30))
        return change_status(self.engine, detail.id, detail.version, target, self.me)


class Manager(Client):
    """The Reports page: one month's report, read for a while, then opened again."""

    needs = Action.RUN_REPORTS

    def __init__(self, plan: ClientPlan, pauses: MutableSequence[int]) -> None:
        super().__init__(plan, pauses)
        self.period = parse_month(plan.month)

    def round(self) -> None:
        self.pause(THINK_S)
        self.timed("report", lambda: monthly_report(self.engine, self.me, self.period))
        self.pause(READING_REPORT_S)


CLIENTS: dict[StaffRole, type[Client]] = {
    StaffRole.OPERATOR: Operator,
    StaffRole.TECHNICIAN: Technician,
    StaffRole.MANAGER: Manager,
}


@dataclass(frozen=True)
class Signals:
    """What the workstations share with the parent: ``ready`` when all are set up, ``go``
    when the window opens (the parent has prepared the database), ``done`` once the parent
    has read the server a last time (connections stay open until then), and each one's
    pause counter."""

    ready: Barrier
    go: Event
    done: Event
    pauses: MutableSequence[int]


def send(out: Connection, result: dict[str, Any]) -> None:
    """A workstation's result to the parent, as JSON."""
    out.send_bytes(json.dumps(result).encode())


def client_main(plan: ClientPlan, signals: Signals, out: Connection) -> None:
    """A workstation's process: set up, wait for every other one, work for the window,
    send what it measured. All of it on the benchmark's clock (:func:`bench.run.bench_clock`)."""
    with bench_clock():
        try:
            client = CLIENTS[plan.actor.role](plan, signals.pauses)
            client.prepare()
            signals.ready.wait()
        except BrokenBarrierError:
            send(out, {"index": plan.index, "setup_error": "another workstation failed to start"})
            return
        except Exception as error:
            signals.ready.abort()
            send(out, {"index": plan.index, "setup_error": f"{type(error).__name__}: {error}"})
            return
        signals.go.wait()
        send(out, client.run(plan.seconds))
    signals.done.wait()
    client.engine.dispose()
