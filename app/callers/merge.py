"""Duplicate callers: find the likely ones, and merge them into one.

:func:`find_duplicates` links callers that

1. share a phone number (the same canonical digits, at least ``MIN_PHONE_DIGITS`` of
   them: every writer stores the E.164 digits of :mod:`app.callers.phones`, so "020 7946 0018" at
   a UK site and "+44 20 7946 0018" are one number),
2. share an e-mail address (case-insensitive), or
3. have similar names (``rapidfuzz`` token_sort_ratio of the accent-folded names at least
   ``name_threshold``, and the words they do not share alike too, so a long shared last
   name cannot pair "Aisha Łukaszewicz" with "Camila Łukaszewicz") *and* the same site or
   the same department, so that two unrelated "John Smith"s in different offices and
   departments are not flagged.

Linked callers form a group (linking is transitive, but links by phone or e-mail and links
by similar names make separate groups); each group says why its callers were linked. It
stays usable on hundreds of thousands of callers: the exact keys are found in SQL
(GROUP BY ... HAVING), and names are only compared within small blocks (the same first
letters of the folded first or last name at the same site, or in the same department),
never all pairs (about 5 s for 200,000 callers on SQLite, 7 s on PostgreSQL: run it off
the UI thread). A number or an address shared by more than ``MAX_SHARED`` callers is a
switchboard line or a team mailbox, not a duplicate, and is ignored.

:func:`merge_callers` folds callers into one in a single write transaction: tickets (with
their denormalised caller name, a version bump so editors holding the old version get a
conflict, and one audit event each), calls and assets move to the kept caller, phone numbers
are united (one per canonical number), the kept caller's empty fields are filled, and the
merged callers are deleted.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, func, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType
from sqlmodel import col

from app.db_lifecycle import require_sound_database
from app.errors import ValidationError
from app.permissions import Action, require
from models.clock import utcnow
from models.engine import read_session, write_session
from models.enums import EventKind
from models.org import Site
from models.people import Asset, Caller, CallerPhone
from models.tickets import Call, Ticket, TicketEvent

MIN_PHONE_DIGITS = 6  # shorter numbers are extensions, shared by design
MAX_SHARED = 5  # more callers on one number or address: a shared line or mailbox
BLOCK_PREFIX = 3  # letters of the folded first or last name that make a comparison block
MIN_WORD_SIMILARITY = 75  # % for the words two similar names do not share ("jon"/"john": 86)
ID_CHUNK = 500  # ids per IN (...) list
NOTES_MAX = 4000
_NON_WORD = re.compile(r"[\W_]+")
# Letters with a stroke or a ligature have no decomposition; fold them as unaccent does.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i"}
    | {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH"}
)


@dataclass(frozen=True)
class DuplicateCaller:
    """One caller of a duplicate group, with what an operator needs to pick the one to keep."""

    id: uuid.UUID
    name: str
    email: str | None
    phones: tuple[str, ...]
    site_code: str | None
    department: str | None
    ticket_count: int
    last_contact: datetime | None  # latest ticket or call


@dataclass(frozen=True)
class DuplicateGroup:
    """Callers that are probably one person, and why (e.g. "same phone +44 20 7946 0018",
    "same e-mail", "similar names (93%)")."""

    callers: tuple[DuplicateCaller, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MergeResult:
    """What :func:`merge_callers` did."""

    kept_id: uuid.UUID
    merged_ids: tuple[uuid.UUID, ...]
    tickets_moved: int
    calls_moved: int
    assets_moved: int
    phones_added: int
    fields_filled: tuple[str, ...]


# ----------------------------------------------------------------------------- finding


def fold_name(name: str) -> str:
    """The name without accents, case or punctuation: "Müller-Lüdenscheidt, Jürgen" ->
    "muller ludenscheidt jurgen"."""
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in decomposed if not unicodedata.combining(c))
        name = name.translate(_UNDECOMPOSED)
    return " ".join(_NON_WORD.sub(" ", name.casefold()).split())


def block_keys(folded: str) -> tuple[str, ...]:
    """The comparison blocks of a folded name: the first letters of its first and of its
    last word, so a typo early in one of them ("Muller"/"Mueller") still meets the other,
    and "Smith, John" meets "John Smith"."""
    words = folded.split()
    if not words:
        return ()
    first, last = words[0][:BLOCK_PREFIX], words[-1][:BLOCK_PREFIX]
    return (first,) if first == last else (first, last)


def words_agree(a: str, b: str) -> bool:
    """Whether the words two folded names do not share are alike too, so that a long
    shared last name cannot make "aisha lukaszewicz" and "camila lukaszewicz" similar."""
    words_a, words_b = Counter(a.split()), Counter(b.split())
    only_a = " ".join(sorted((words_a - words_b).elements()))
    only_b = " ".join(sorted((words_b - words_a).elements()))
    if not only_a or not only_b:
        return True
    return fuzz.ratio(only_a, only_b) >= MIN_WORD_SIMILARITY


def _raw(column: Any) -> Any:
    """A UUID column as the driver returns it (16 bytes on SQLite, a UUID on PostgreSQL):
    grouping 200,000 callers must not build and hash 200,000 UUID objects."""
    return type_coerce(column, NullType())


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))


class _Links:
    """Union-find over callers, remembering why they were linked. Callers are numbered as
    they come (``key``), so the work on 200,000 of them is on small integers."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}  # raw caller id -> number
        self.ids: list[Any] = []  # number -> raw caller id
        self.parent: list[int] = []
        self.reasons: list[tuple[int, int, str]] = []  # (a caller, rank, text)

    def key(self, raw_id: Any) -> int:
        found = self.index.get(raw_id)
        if found is None:
            found = self.index[raw_id] = len(self.ids)
            self.ids.append(raw_id)
            self.parent.append(found)
        return found

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def link(self, raw_ids: Sequence[Any], rank: int, reason: str) -> None:
        self.link_keys([self.key(raw_id) for raw_id in raw_ids], rank, reason)

    def link_keys(self, items: Sequence[int], rank: int, reason: str) -> None:
        if len(items) < 2:
            return
        root = self.find(items[0])
        for other in items[1:]:
            other_root = self.find(other)
            if other_root != root:
                self.parent[other_root] = root
        self.reasons.append((items[0], rank, reason))

    def groups(self) -> list[tuple[list[Any], list[tuple[int, str]]]]:
        """Each group of two or more: its raw caller ids, and its (rank, reason)s best first."""
        members: dict[int, list[int]] = defaultdict(list)
        for item in range(len(self.parent)):
            members[self.find(item)].append(item)
        reasons: dict[int, dict[str, int]] = defaultdict(dict)
        for item, rank, text in self.reasons:
            found = reasons[self.find(item)]
            found[text] = min(rank, found.get(text, rank))
        return [
            (
                [self.ids[item] for item in items],
                sorted((rank, text) for text, rank in reasons[root].items()),
            )
            for root, items in members.items()
            if len(items) > 1
        ]


def _link_phones(session: Session, links: _Links) -> None:
    """Callers sharing a number: the stored canonical digits, grouped in SQL."""
    digits = col(CallerPhone.digits)
    shared = (
        select(digits)
        .where(func.length(digits) >= MIN_PHONE_DIGITS)
        .group_by(digits)
        .having(func.count(func.distinct(col(CallerPhone.caller_id))).between(2, MAX_SHARED))
    )
    rows = session.execute(
        select(digits, _raw(col(CallerPhone.caller_id)), col(CallerPhone.number))
        .where(digits.in_(shared))
        .order_by(digits, col(CallerPhone.caller_id))
    ).all()
    by_digits: dict[str, list[tuple[Any, str]]] = defaultdict(list)
    for value, caller_id, number in rows:
        by_digits[value].append((caller_id, number))
    for entries in by_digits.values():
        ids = list(dict.fromkeys(caller_id for caller_id, _number in entries))
        links.link(ids, 0, f"same phone {entries[0][1]}")


def _link_emails(session: Session, links: _Links) -> None:
    address = func.lower(func.trim(col(Caller.email)))
    shared = (
        select(address)
        .where(address != "")
        .group_by(address)
        .having(func.count().between(2, MAX_SHARED))
    )
    rows = session.execute(
        select(address, _raw(col(Caller.id)))
        .where(address.in_(shared))
        .order_by(address, col(Caller.id))
    ).all()
    by_address: dict[str, list[Any]] = defaultdict(list)
    for value, caller_id in rows:
        by_address[value].append(caller_id)
    for ids in by_address.values():
        links.link(ids, 1, "same e-mail")


def _link_names(session: Session, links: _Links, threshold: int) -> None:
    """Similar names within blocks: same last-name prefix and same site, or same last-name
    prefix and same department. Each block compares its distinct folded names only."""
    blocks: dict[tuple[str, Any, str], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    folded_names: dict[str, tuple[str, tuple[str, ...]]] = {}
    departments: dict[str, str] = {}
    rows = session.execute(
        select(
            _raw(col(Caller.id)),
            col(Caller.name),
            _raw(col(Caller.site_id)),
            col(Caller.department),
        )
    )
    for caller_id, name, site_id, department in rows:
        found = folded_names.get(name)
        if found is None:
            folded = fold_name(name or "")
            found = folded_names[name] = (folded, block_keys(folded))
        folded, keys = found
        if not keys:
            continue
        caller = links.key(caller_id)
        dept = ""
        if department:
            dept = departments.get(department) or ""
            if not dept:
                dept = departments[department] = fold_name(department)
        for key in keys:
            if site_id is not None:
                blocks[("site", site_id, key)][folded].append(caller)
            if dept:
                blocks[("department", dept, key)][folded].append(caller)
    for block in blocks.values():
        for ids in block.values():
            links.link_keys(ids, 2, "similar names (100%)")
        # By length: a name can only reach the threshold against names at most
        # (200 - threshold) / threshold longer, so each one looks at a short window.
        names = sorted(block, key=lambda n: (len(n), n))
        lengths = [len(n) for n in names]
        stretch = (200 - threshold) / threshold
        for i, name in enumerate(names[:-1]):
            end = bisect_right(lengths, int(len(name) * stretch) + 1, lo=i + 1)
            if end <= i + 1:
                continue
            for other, score, _j in process.extract(
                name,
                names[i + 1 : end],
                scorer=fuzz.token_sort_ratio,
                processor=None,
                score_cutoff=threshold,
                limit=None,
            ):
                if not words_agree(name, other):
                    continue
                percent = int(score)
                links.link_keys(
                    [block[name][0], block[other][0]],
                    2 + (100 - percent),
                    f"similar names ({percent}%)",
                )


def _chunks(ids: Sequence[uuid.UUID]) -> Iterator[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def _details(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, DuplicateCaller]:
    callers: dict[uuid.UUID, Any] = {}
    phones: dict[uuid.UUID, list[str]] = defaultdict(list)
    tickets: dict[uuid.UUID, tuple[int, datetime | None]] = {}
    calls: dict[uuid.UUID, datetime | None] = {}
    for chunk in _chunks(ids):
        for row in session.execute(
            select(
                col(Caller.id),
                col(Caller.name),
                col(Caller.email),
                col(Site.code),
                col(Caller.department),
            )
            .outerjoin(Site, col(Site.id) == col(Caller.site_id))
            .where(col(Caller.id).in_(chunk))
        ):
            callers[row[0]] = row
        for caller_id, number in session.execute(
            select(col(CallerPhone.caller_id), col(CallerPhone.number))
            .where(col(CallerPhone.caller_id).in_(chunk))
            .order_by(col(CallerPhone.caller_id), col(CallerPhone.label), col(CallerPhone.number))
        ):
            phones[caller_id].append(number)
        for ticket_caller, count, last in session.execute(
            select(col(Ticket.caller_id), func.count(), func.max(col(Ticket.created_at)))
            .where(col(Ticket.caller_id).in_(chunk))
            .group_by(col(Ticket.caller_id))
        ):
            if ticket_caller is not None:
                tickets[ticket_caller] = (int(count), last)
        for call_caller, last_call in session.execute(
            select(col(Call.caller_id), func.max(col(Call.started_at)))
            .where(col(Call.caller_id).in_(chunk))
            .group_by(col(Call.caller_id))
        ):
            if call_caller is not None:
                calls[call_caller] = last_call
    result = {}
    for caller_id, (_id, name, email, site_code, department) in callers.items():
        count, last_ticket = tickets.get(caller_id, (0, None))
        moments = [t for t in (last_ticket, calls.get(caller_id)) if t is not None]
        result[caller_id] = DuplicateCaller(
            id=caller_id,
            name=name,
            email=email,
            phones=tuple(phones.get(caller_id, ())),
            site_code=site_code,
            department=department,
            ticket_count=count,
            last_contact=max(moments) if moments else None,
        )
    return result


_Group = tuple[list[Any], list[tuple[int, str]]]


def _combine(exact: list[_Group], names: list[_Group]) -> list[_Group]:
    """The groups linked by phone or e-mail, and those linked by similar names. They are
    kept apart: chaining a shared number onto a crowd of namesakes would make one group of
    thousands. A name group inside one exact group only adds its reasons to it."""
    group_of = {raw_id: n for n, (ids, _reasons) in enumerate(exact) for raw_id in ids}
    combined = [(ids, list(reasons)) for ids, reasons in exact]
    for ids, reasons in names:
        homes = {group_of.get(raw_id) for raw_id in ids}
        home = homes.pop() if len(homes) == 1 else None
        if home is None:
            combined.append((ids, reasons))
        else:
            combined[home][1].extend(r for r in reasons if r not in combined[home][1])
    return combined


def find_duplicates(
    engine: Engine, limit: int = 200, name_threshold: int = 90
) -> list[DuplicateGroup]:
    """Groups of callers that are probably the same person (see the module docstring), at
    most ``limit``: groups linked by phone or e-mail first, then by the most similar names.
    Within a group, the caller with the most tickets comes first. A caller can be in one
    group linked by phone or e-mail and in another linked by similar names."""
    if limit < 1:
        return []
    if not 0 < name_threshold <= 100:
        raise ValidationError({"name_threshold": "Give a similarity between 1 and 100 (%)."})
    exact, names = _Links(), _Links()
    with read_session(engine) as session:
        _link_phones(session, exact)
        _link_emails(session, exact)
        _link_names(session, names, name_threshold)
        found = _combine(exact.groups(), names.groups())
        found.sort(key=lambda group: (group[1][0][0], -len(group[0]), min(group[0])))
        chosen = [([_as_uuid(i) for i in ids], reasons) for ids, reasons in found[:limit]]
        details = _details(session, [i for ids, _reasons in chosen for i in ids])
    groups = []
    for ids, reasons in chosen:
        callers = [details[i] for i in ids if i in details]  # skip rows deleted meanwhile
        if len(callers) < 2:
            continue
        callers.sort(key=lambda c: (-c.ticket_count, fold_name(c.name), str(c.id)))
        groups.append(DuplicateGroup(tuple(callers), tuple(text for _rank, text in reasons)))
    return groups


# ----------------------------------------------------------------------------- merging


def _check_ids(keep_id: uuid.UUID, merge_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(merge_ids))
    if not ids:
        raise ValidationError({"merge_ids": "Choose at least one caller to merge into this one."})
    if keep_id in ids:
        raise ValidationError(
            {"merge_ids": "The caller to keep cannot also be merged away; leave it out."}
        )
    return ids


def _load(
    session: Session, keep_id: uuid.UUID, ids: list[uuid.UUID]
) -> tuple[Caller, list[Caller]]:
    # FOR UPDATE (PostgreSQL) keeps new tickets and calls from pointing at these callers
    # until the merge commits; SQLite holds the write lock from BEGIN IMMEDIATE already.
    rows = {
        caller.id: caller
        for caller in session.scalars(
            select(Caller).where(col(Caller.id).in_([keep_id, *ids])).with_for_update()
        )
    }
    missing = [str(i) for i in [keep_id, *ids] if i not in rows]
    if missing:
        raise ValidationError(
            {"caller": "No longer exists (deleted or merged already): " + ", ".join(missing)}
        )
    return rows[keep_id], [rows[i] for i in ids]


def _move_tickets(
    session: Session, keep: Caller, merged: list[Caller], actor_id: uuid.UUID | None, now: datetime
) -> int:
    """Point the tickets at the kept caller through the ORM, so each version moves on (an
    editor holding the old version gets a conflict), with one audit event per ticket."""
    ids = [caller.id for caller in merged]
    names = {caller.id: caller.name for caller in merged}
    tickets = session.scalars(
        select(Ticket)
        .where(col(Ticket.caller_id).in_(ids))
        .order_by(col(Ticket.number))
        .with_for_update()
    ).all()
    for ticket in tickets:
        old_name = ticket.caller_name or names.get(ticket.caller_id or keep.id, "")
        session.add(
            TicketEvent(
                ticket_id=ticket.id,
                ticket_version=ticket.version + 1,
                at=now,
                actor_id=actor_id,
                kind=EventKind.FIELD_CHANGED,
                field="caller",
                old_value=old_name[:400],
                new_value=keep.name[:400],
                note="Duplicate callers merged.",
            )
        )
        ticket.caller_id = keep.id
        ticket.caller_name = keep.name
        ticket.updated_at = now
    session.flush()
    return len(tickets)


def _move_rows(session: Session, keep: Caller, merged: list[Caller]) -> tuple[int, int]:
    ids = [caller.id for caller in merged]
    calls = session.execute(
        update(Call).where(col(Call.caller_id).in_(ids)).values(caller_id=keep.id)
    )
    assets = session.execute(
        update(Asset).where(col(Asset.owner_id).in_(ids)).values(owner_id=keep.id)
    )
    return int(getattr(calls, "rowcount", 0)), int(getattr(assets, "rowcount", 0))


def _unite_phones(session: Session, keep: Caller, merged: list[Caller]) -> int:
    """Give the kept caller every number it lacks (by canonical digits, so one number
    written two ways is kept once); drop the repeated ones."""
    have = set(
        session.scalars(
            select(col(CallerPhone.digits)).where(col(CallerPhone.caller_id) == keep.id)
        )
    )
    added = 0
    order = {caller.id: n for n, caller in enumerate(merged)}  # the first listed wins
    phones = sorted(
        session.scalars(select(CallerPhone).where(col(CallerPhone.caller_id).in_(list(order)))),
        key=lambda phone: (order[phone.caller_id], phone.label, phone.number),
    )
    for phone in phones:
        if phone.digits in have:
            session.delete(phone)
            continue
        have.add(phone.digits)
        phone.caller_id = keep.id
        added += 1
    session.flush()
    return added


def _fill_fields(keep: Caller, merged: list[Caller], now: datetime) -> list[str]:
    """Fill the kept caller's empty fields from the merged ones (first one that has it),
    append their notes, and keep VIP if any of them was."""
    filled = []
    for field in ("email", "employee_id", "department", "site_id"):
        if getattr(keep, field):
            continue
        value = next((getattr(c, field) for c in merged if getattr(c, field)), None)
        if value:
            setattr(keep, field, value)
            filled.append(field)
    notes = [keep.notes.strip()] if keep.notes.strip() else []
    for caller in merged:
        text = caller.notes.strip()
        if text and text not in notes:
            notes.append(text)
    joined = "\n\n".join(notes)[:NOTES_MAX]
    if joined != keep.notes:
        keep.notes = joined
        filled.append("notes")
    if not keep.vip and any(caller.vip for caller in merged):
        keep.vip = True
        filled.append("vip")
    keep.updated_at = now
    return filled


def _delete_merged(session: Session, merged: list[Caller]) -> None:
    for caller in merged:
        session.delete(caller)
    session.flush()


def merge_callers(
    engine: Engine,
    keep_id: uuid.UUID,
    merge_ids: Sequence[uuid.UUID],
    actor_id: uuid.UUID,
    now: datetime | None = None,
) -> MergeResult:
    """Fold the callers ``merge_ids`` into ``keep_id`` in one transaction: all of it or,
    on any error, nothing. ``actor_id`` is the person merging (always a person: nothing
    merges callers on its own). Raises PermissionDenied unless they may merge callers;
    ValidationError for an empty list, the kept caller among the merged ones or ids that do
    not exist; DamagedError for a damaged database file."""
    ids = _check_ids(keep_id, merge_ids)
    now = now or utcnow()
    require_sound_database(engine)  # merging rewrites many rows: never into a damaged file
    with write_session(engine) as session:
        require(session, actor_id, Action.MERGE_CALLERS)
        keep, merged = _load(session, keep_id, ids)
        tickets = _move_tickets(session, keep, merged, actor_id, now)
        calls, assets = _move_rows(session, keep, merged)
        phones = _unite_phones(session, keep, merged)
        filled = _fill_fields(keep, merged, now)
        session.flush()
        _delete_merged(session, merged)
    return MergeResult(
        kept_id=keep_id,
        merged_ids=tuple(ids),
        tickets_moved=tickets,
        calls_moved=calls,
        assets_moved=assets,
        phones_added=phones,
        fields_filled=tuple(filled),
    )
