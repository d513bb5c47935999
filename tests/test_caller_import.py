"""Importing callers from CSV: encodings, delimiters, known exports, bad rows, one transaction,
re-import, renames reaching tickets, strict mode and the command line."""

from __future__ import annotations

import csv
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import col

from app import config
from app.callers import csv_import as caller_import
from app.callers.csv_import import (
    Field,
    apply_import,
    apply_overrides,
    plan_import,
    read_table,
    suggest_mapping,
)
from app.callers.lookup import lookup
from app.cli import main
from app.db_lifecycle import open_database
from app.errors import SwitchboardError
from app.permissions import staff_id_for
from app.tickets.actions import TicketDraft, create_ticket
from models.engine import is_sqlite, read_session, write_session
from models.enums import StaffRole
from models.imports import CallerImport
from models.org import Site, Staff
from models.people import Caller, CallerPhone
from models.tickets import Ticket
from tests.conftest import Org, make_org, migrated_database

DATA = Path(__file__).parent / "data"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def callers(engine: Engine) -> dict[str, Caller]:
    with read_session(engine) as s:
        return {c.name: c for c in s.exec(select(Caller)).scalars()}


def phones_of(engine: Engine, name: str) -> set[tuple[str, str, str]]:
    with read_session(engine) as s:
        rows = s.exec(
            select(CallerPhone.number, CallerPhone.digits, CallerPhone.label)
            .join(Caller, col(Caller.id) == col(CallerPhone.caller_id))
            .where(col(Caller.name) == name)
        ).all()
    return {tuple(r) for r in rows}  # type: ignore[misc]


def count(engine: Engine, model: type) -> int:
    with read_session(engine) as s:
        return int(s.exec(select(func.count()).select_from(model)).scalar_one())


def importer(engine: Engine) -> uuid.UUID:
    """Mia, the org fixture's manager: importing callers is a manager's job."""
    return staff_id_for(engine, "mia")


def run(engine: Engine, path: Path, **kwargs: object) -> caller_import.ImportResult:
    table = read_table(path)
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    return apply_import(engine, plan, importer(engine), **kwargs)  # type: ignore[arg-type]


SIMPLE = "name,email,phone,department,site,employee id,vip,notes\n"


# --- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("cp1252", "Windows-1252")],
)
def test_encodings(tmp_path: Path, encoding: str, label: str) -> None:
    path = write(tmp_path / "c.csv", "Name,Email\nJürgen Müller,jm@example.org\n", encoding)
    table = read_table(path)
    assert table.encoding_label == label
    assert table.headers == ("Name", "Email")  # no BOM left on the first header
    assert table.rows[0].values == ("Jürgen Müller", "jm@example.org")
    assert not table.bad_lines


@pytest.mark.parametrize(
    ("delimiter", "label"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")]
)
def test_delimiters(tmp_path: Path, delimiter: str, label: str) -> None:
    lines = [
        ["Name", "E-mail", "Notes"],
        ["Ann Lee", "ann@example.org", "likes, commas; and semicolons"],
        ["Bo Ek", "bo@example.org", ""],
    ]
    text = "".join(
        delimiter.join(f'"{cell}"' if ("," in cell or ";" in cell) else cell for cell in row)
        + "\r\n"
        for row in lines
    )
    table = read_table(write(tmp_path / "c.csv", text))
    assert table.delimiter == delimiter
    assert table.delimiter_label == label
    assert [r.values for r in table.rows] == [tuple(r) for r in lines[1:]]


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(tmp_path: Path) -> None:
    text = 'Name,Notes\n\nAnn Lee,"two\nlines"\nBo Ek,x\n'
    table = read_table(write(tmp_path / "c.csv", text))
    assert [(r.line, r.values[0]) for r in table.rows] == [(3, "Ann Lee"), (5, "Bo Ek")]


def test_powershell_type_line_is_skipped(tmp_path: Path) -> None:
    text = (
        "#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\n"
        '"displayName","mail"\n"Ann Lee","ann@example.org"\n'
    )
    table = read_table(write(tmp_path / "c.csv", text))
    assert table.header_line == 2
    assert table.headers == ("displayName", "mail")
    assert table.rows[0].line == 3


def test_bad_bytes_are_reported_by_line_not_raised(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    data = "Name,Email\nJürgen Müller,jm@example.org\nÅsa Öberg,ao@example.org\n".encode()
    data += b"Bad \xff\xfe Name,bad@example.org\nOk Person,ok@example.org\n"
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert table.encoding == "utf-8"
    assert table.bad_lines == {4}
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    assert [e.line for e in plan.errors] == [4]
    assert "not valid text" in plan.errors[0].reason
    assert len(plan.creates) == 3


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SwitchboardError, match="Cannot read"):
        read_table(tmp_path / "missing.csv")


# --- mapping ------------------------------------------------------------------------------


def test_active_directory_headers() -> None:
    headers = [
        "displayName",
        "givenName",
        "sn",
        "mail",
        "telephoneNumber",
        "mobile",
        "department",
        "physicalDeliveryOfficeName",
        "employeeID",
        "sAMAccountName",
        "title",
    ]
    mapping = suggest_mapping(headers)
    assert mapping == {
        "displayName": Field.NAME,
        "givenName": Field.FIRST_NAME,
        "sn": Field.LAST_NAME,
        "mail": Field.EMAIL,
        "telephoneNumber": Field.PHONE,
        "mobile": Field.MOBILE,
        "department": Field.DEPARTMENT,
        "physicalDeliveryOfficeName": Field.SITE,
        "employeeID": Field.EMPLOYEE_ID,
        "sAMAccountName": Field.IGNORE,  # employeeID already gives the key
        "title": Field.IGNORE,
    }
    # Without employeeID, the login is the stable key.
    assert suggest_mapping(["displayName", "SamAccountName"])["SamAccountName"] is Field.EMPLOYEE_ID


def test_outlook_headers() -> None:
    headers = [
        "Title",
        "First Name",
        "Last Name",
        "Company",
        "Department",
        "Business Phone",
        "Mobile Phone",
        "E-mail Address",
        "Notes",
    ]
    mapping = suggest_mapping(headers)
    assert mapping["First Name"] is Field.FIRST_NAME
    assert mapping["Last Name"] is Field.LAST_NAME
    assert mapping["E-mail Address"] is Field.EMAIL
    assert mapping["Business Phone"] is Field.PHONE
    assert mapping["Mobile Phone"] is Field.MOBILE
    assert mapping["Department"] is Field.DEPARTMENT
    assert mapping["Notes"] is Field.NOTES
    assert mapping["Company"] is Field.IGNORE
    assert mapping["Title"] is Field.IGNORE


def test_google_headers_case_and_spacing_insensitive() -> None:
    headers = [
        "Name",
        "Given Name",
        "Family Name",
        "e-mail 1 - value",
        "Phone 1 - Value",
        "PHONE 2 - VALUE",
        "Organization 1 - Department",
        "Phone 1 - Type",
    ]
    mapping = suggest_mapping(headers)
    assert mapping == {
        "Name": Field.NAME,
        "Given Name": Field.FIRST_NAME,
        "Family Name": Field.LAST_NAME,
        "e-mail 1 - value": Field.EMAIL,
        "Phone 1 - Value": Field.PHONE,
        "PHONE 2 - VALUE": Field.PHONE,
        "Organization 1 - Department": Field.DEPARTMENT,
        "Phone 1 - Type": Field.IGNORE,
    }
    assert suggest_mapping([" E-Mail ", "Employee  ID"]) == {
        " E-Mail ": Field.EMAIL,
        "Employee  ID": Field.EMPLOYEE_ID,
    }


def test_overrides() -> None:
    headers = ["Who", "Company", "Mail"]
    mapping = apply_overrides(headers, suggest_mapping(headers), ["who=name", "Mail=ignore"])
    assert mapping == {"Who": Field.NAME, "Company": Field.IGNORE, "Mail": Field.IGNORE}
    with pytest.raises(SwitchboardError, match="no column 'Boss'"):
        apply_overrides(headers, mapping, ["Boss=name"])
    with pytest.raises(SwitchboardError, match="Unknown field"):
        apply_overrides(headers, mapping, ["Who=shoe size"])


def test_a_file_without_a_name_column_is_refused(tmp_path: Path, engine: Engine, org: Org) -> None:
    table = read_table(write(tmp_path / "c.csv", "Who,Mail\nAnn,ann@example.org\n"))
    with pytest.raises(SwitchboardError, match="name"):
        plan_import(engine, table, suggest_mapping(table.headers))


# --- planning and applying ----------------------------------------------------------------


def test_outlook_file_imports_callers_and_phones(tmp_path: Path, engine: Engine, org: Org) -> None:
    text = (
        "First Name,Last Name,E-mail Address,Business Phone,Mobile Phone,Department,Company\n"
        "Jürgen,Müller,jm@example.org,+44 20 7946 0018,07700 900123,Sales,Acme\n"
        "Ann,Lee,ann@example.org,(212) 555-0100,,IT,Acme\n"
    )
    path = write(tmp_path / "outlook.csv", text, "cp1252")
    result = run(engine, path)
    assert (result.created, result.updated, result.skipped) == (2, 0, 0)
    found = callers(engine)
    assert found["Jürgen Müller"].email == "jm@example.org"
    assert found["Jürgen Müller"].department == "Sales"
    # Canonical digits (app.callers.phones), read in the default region for callers without a site.
    assert phones_of(engine, "Jürgen Müller") == {
        ("+44 20 7946 0018", "442079460018", "work"),
        ("07700 900123", "447700900123", "mobile"),
    }
    assert phones_of(engine, "Ann Lee") == {("(212) 555-0100", "442125550100", "work")}


def test_bad_rows_are_reported_with_line_numbers_and_skipped(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    text = (
        SIMPLE
        + "Good One,good@example.org,555 0101 22,IT,HQ,E1,yes,\n"  # line 2
        + ",nobody@example.org,,,,,,\n"  # 3: no name
        + "Bad Mail,not-an-address,,,,,,\n"  # 4
        + "Short Phone,short@example.org,12-34,,,,,\n"  # 5
        + "Far Away,far@example.org,,,MARS,,,\n"  # 6
        + "Maybe Vip,maybe@example.org,,,,,perhaps,\n"  # 7
        + "Again,GOOD@example.org,,,,,,\n"  # 8: same e-mail as line 2
        + "Twin,twin@example.org,,,,E1,,\n"  # 9: same employee id as line 2
        + "Fine Too,fine@example.org,,,ny,,0,\n"  # 10
    )
    table = read_table(write(tmp_path / "c.csv", text))
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    reasons = {e.line: e.reason for e in plan.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "no name" in reasons[3]
    assert "'not-an-address' is not an e-mail address" in reasons[4]
    assert "phone '12-34' has 4 digits (at least 5)" in reasons[5]
    assert "unknown site 'MARS'" in reasons[6] and "HQ, NY" in reasons[6]
    assert "VIP must be yes/no" in reasons[7]
    assert reasons[8] == "same e-mail as line 2: GOOD@example.org"
    assert reasons[9] == "same employee id as line 2: E1"
    assert str(plan.errors[0]).startswith("line 3: ")
    assert [c.line for c in plan.creates] == [2, 10]
    result = apply_import(engine, plan, org.mia)
    assert (result.created, result.updated, result.skipped) == (2, 0, 7)
    found = callers(engine)
    assert found["Good One"].vip is True and found["Good One"].site_id == org.hq
    assert found["Fine Too"].vip is False and found["Fine Too"].site_id == org.branch


def test_plan_writes_nothing_and_describes_changes(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    text = SIMPLE + "Alice Smith,ALICE@example.org,,Finance,,,,\nNew Person,new@example.org,,,,,,\n"
    table = read_table(write(tmp_path / "c.csv", text))
    before = count(engine, Caller)
    plan = plan_import(engine, table, suggest_mapping(table.headers), default_site_code="NY")
    assert [c.values.name for c in plan.creates] == ["New Person"]
    assert [(u.caller_id, u.changes) for u in plan.updates] == [
        (org.alice, ("name", "email", "department", "site"))
    ]
    assert count(engine, Caller) == before
    assert callers(engine)["Alice Müller"].department is None


def test_unknown_default_site(tmp_path: Path, engine: Engine, org: Org) -> None:
    table = read_table(write(tmp_path / "c.csv", "name\nAnn\n"))
    with pytest.raises(SwitchboardError, match="Unknown site 'XX'"):
        plan_import(engine, table, suggest_mapping(table.headers), default_site_code="XX")


def test_reimport_updates_instead_of_duplicating(tmp_path: Path, engine: Engine, org: Org) -> None:
    first = SIMPLE + "Ann Lee,ann@example.org,555 0100 11,IT,HQ,E7,no,\nBo Ek,,555 0100 22,,,E8,,\n"
    path = write(tmp_path / "c.csv", first)
    assert run(engine, path).created == 2
    total, phones = count(engine, Caller), count(engine, CallerPhone)
    again = run(engine, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (count(engine, Caller), count(engine, CallerPhone)) == (total, phones)
    # Changed values update the same callers, matched by e-mail (any case) or employee id;
    # the phone set is replaced by the file's.
    second = (
        SIMPLE + "Ann Lee,ANN@example.org,555 0199 99,Sales,NY,E7,yes,\n"
        "Bo Ekström,bo@example.org,,,,E8,,\n"
    )
    result = run(engine, write(path, second))
    assert (result.created, result.updated) == (0, 2)
    assert count(engine, Caller) == total
    found = callers(engine)
    ann = found["Ann Lee"]
    assert (ann.department, ann.site_id, ann.vip, ann.email) == (
        "Sales",
        org.branch,
        True,
        "ANN@example.org",
    )
    # Now in New York, where nine digits are no whole number: stored as typed.
    assert phones_of(engine, "Ann Lee") == {("555 0199 99", "555019999", "work")}
    bo = found["Bo Ekström"]
    assert bo.email == "bo@example.org"
    # An empty cell keeps what the database holds.
    assert phones_of(engine, "Bo Ekström") == {("555 0100 22", "44555010022", "work")}


def test_numbers_are_read_in_the_region_of_the_callers_site(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    text = (
        "name,email,site,phone,mobile\n"
        "Ann London,al@example.org,HQ,(212) 555-0100,\n"
        "Ann York,ay@example.org,NY,(212) 555-0100,+1 212 555 0100\n"
        "Eve Local,el@example.org,HQ,020 7946 0018,+44 20 7946 0018\n"
    )
    assert run(engine, write(tmp_path / "c.csv", text)).created == 3
    assert phones_of(engine, "Ann London") == {("(212) 555-0100", "442125550100", "work")}
    # One number in two columns, written two ways: kept once, as the first column says.
    assert phones_of(engine, "Ann York") == {("(212) 555-0100", "12125550100", "work")}
    assert phones_of(engine, "Eve Local") == {("020 7946 0018", "442079460018", "work")}


def test_reimport_with_the_number_written_another_way_changes_nothing(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    first = "name,email,site,phone\nEve Local,el@example.org,HQ,020 7946 0018\n"
    first += "Ann York,ay@example.org,NY,(212) 555-0100\n"
    path = write(tmp_path / "c.csv", first)
    assert run(engine, path).created == 2
    phones = count(engine, CallerPhone)
    # Another export: international format, and no site column (the callers keep theirs,
    # so Ann's number is still read as a New York number).
    second = "name,email,phone\nEve Local,el@example.org,+44 20 7946 0018\n"
    second += "Ann York,ay@example.org,212.555.0100\n"
    result = run(engine, write(path, second))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert count(engine, CallerPhone) == phones
    assert phones_of(engine, "Eve Local") == {("020 7946 0018", "442079460018", "work")}
    assert phones_of(engine, "Ann York") == {("(212) 555-0100", "12125550100", "work")}
    # A new number alongside replaces the set; the known one is not doubled.
    third = "name,email,phone,mobile\nEve Local,el@example.org,+44 20 7946 0018,07700 900123\n"
    result = run(engine, write(path, third))
    assert result.updated == 1
    assert phones_of(engine, "Eve Local") == {
        ("+44 20 7946 0018", "442079460018", "work"),
        ("07700 900123", "447700900123", "mobile"),
    }


def test_two_rows_for_one_existing_caller(tmp_path: Path, engine: Engine, org: Org) -> None:
    run(engine, write(tmp_path / "a.csv", "name,email,employee id\nAnn Lee,ann@example.org,E7\n"))
    text = "name,email,employee id\nAnn Lee,ann@example.org,\nAnn L.,ann.lee@example.org,E7\n"
    table = read_table(write(tmp_path / "b.csv", text))
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    assert [str(e) for e in plan.errors] == ["line 3: is the same caller (Ann Lee) as line 2"]
    conflict = "name,email,employee id\nZoe,zoe@example.org,E7\n"
    table = read_table(write(tmp_path / "c.csv", conflict))
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    assert plan.errors[0].reason == (
        "e-mail zoe@example.org belongs to Zoe O'Brien but employee id E7 to Ann Lee"
    )


def test_rename_updates_ticket_caller_name(tmp_path: Path, engine: Engine, org: Org) -> None:
    ticket = create_ticket(
        engine, TicketDraft(summary="Printer jam", site_id=org.hq, caller_id=org.alice), org.ann
    )
    other = create_ticket(
        engine, TicketDraft(summary="VPN", site_id=org.branch, caller_id=org.zoe), org.ann
    )
    path = write(tmp_path / "c.csv", "name,email\nAlice Schmidt,alice@example.org\n")
    assert run(engine, path).updated == 1
    with read_session(engine) as s:
        names = dict(s.exec(select(Ticket.id, Ticket.caller_name)).all())  # type: ignore[arg-type]
    assert names[ticket.id] == "Alice Schmidt"
    assert names[other.id] == "Zoe O'Brien"


def test_one_transaction_failure_writes_nothing(
    tmp_path: Path, engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(caller_import, "BATCH", 2)
    rows = "".join(f"Person {n},p{n}@example.org,555 01{n:02d} 00,,,,,\n" for n in range(7))
    rows += "Alice Renamed,alice@example.org,,,,,,\n"
    path = write(tmp_path / "c.csv", SIMPLE + rows)
    table = read_table(path)
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    before = (count(engine, Caller), count(engine, CallerPhone))
    real = caller_import._phone_row
    calls = []

    def failing(*args: object) -> object:
        calls.append(args)
        if len(calls) == 5:
            raise RuntimeError("disk full")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(caller_import, "_phone_row", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        apply_import(engine, plan, org.mia)
    assert (count(engine, Caller), count(engine, CallerPhone)) == before
    assert "Alice Müller" in callers(engine)
    monkeypatch.setattr(caller_import, "_phone_row", real)
    result = apply_import(engine, plan, org.mia)
    assert (result.created, result.updated) == (7, 1)


@pytest.mark.parametrize("fail", [False, True], ids=["imported", "failed"])
def test_a_large_import_is_searchable_and_keeps_the_search_triggers(
    tmp_path: Path, engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch, fail: bool
) -> None:
    """Past BULK_INDEX_ROWS new callers, SQLite fills the search indexes in one statement
    with the insert triggers paused; afterwards (or after a failure) they are back."""
    monkeypatch.setattr(caller_import, "BULK_INDEX_ROWS", 2)
    rows = "".join(f"Person {n},p{n}@example.org,020 7946 11{n:02d},,,,,\n" for n in range(5))
    path = write(tmp_path / "c.csv", SIMPLE + rows)
    if fail:
        real = caller_import._write

        def failing(connection: object, plan: object) -> None:
            real(connection, plan)  # type: ignore[arg-type]
            raise RuntimeError("disk full")

        monkeypatch.setattr(caller_import, "_write", failing)
        with pytest.raises(RuntimeError, match="disk full"):
            run(engine, path)
        assert lookup(engine, "Person") == []
    else:
        assert run(engine, path).created == 5
        assert [h.name for h in lookup(engine, "pers 3")] == ["Person 3"]
        assert [h.name for h in lookup(engine, "+44 20 7946 1104")] == ["Person 4"]
    with write_session(engine) as s:  # a caller added by hand is still indexed at once
        s.add(Caller(name="Walter Later", email="walter@example.org"))
    assert [h.name for h in lookup(engine, "walt")] == ["Walter Later"]


def test_imported_values_are_stored_as_every_other_writer_stores_them(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    """The SQLite fast path writes through the driver: what it stores must read back the
    same as rows written through the ORM (ids, timestamps, flags)."""
    path = write(
        tmp_path / "c.csv", SIMPLE + "Kim Lee,kim@example.org,020 7946 0777,IT,HQ,E7,yes,\n"
    )
    run(engine, path)
    with read_session(engine) as s:
        kim = s.exec(select(Caller).where(col(Caller.name) == "Kim Lee")).scalars().one()
        phone = s.exec(select(CallerPhone).where(col(CallerPhone.caller_id) == kim.id)).scalars()
        phone = phone.one()
        alice = s.get(Caller, org.alice)
    assert kim.vip is True and kim.site_id == org.hq and kim.created_at.tzinfo is not None
    assert alice is not None and type(kim.created_at) is type(alice.created_at)
    assert (phone.number, phone.digits, phone.label) == ("020 7946 0777", "442079460777", "work")
    if is_sqlite(engine):
        with engine.connect() as c:
            stored = c.exec_driver_sql(
                "SELECT typeof(id), typeof(created_at), created_at FROM caller WHERE name = ?",
                ("Kim Lee",),
            ).one()
        assert stored[:2] == ("blob", "text") and len(stored[2]) == 26  # 2026-11-28 12:00:00.000000


# Cells COPY's text format must escape: a line break, a tab, backslashes, its NULL marker
# (\N) and its end-of-data marker (\.), quotes; text beyond the Basic Multilingual Plane.
AWKWARD_ROWS = [
    [
        "Jürgen Müller",
        "jm@example.org",
        "+44 20 7946 0018 ::: 07700 900123",
        "Sales",
        "HQ",
        "E1",
        "yes",
        'Line one\nC:\\Users\\jm\ttab \\N "quoted"',
    ],
    [
        "Ann Lee",
        "ann@example.org ::: ann.home@example.org",
        "(212) 555-0100",
        "",
        "NY",
        "",
        "no",
        "",
    ],
    ["Bo Ek", "", "555 0101 22", "", "", "", "", ""],
    ["Zoë 😀 Ünïcode", "zz@example.org", "", "IT", "", "E5", "", "\\."],
    ["Alice Renamed", "alice@example.org", "", "", "", "", "", ""],
]


def stored_import(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[str, ...]]]:
    """Every column of every caller and phone number, in a form two databases can compare:
    ids by their UUID version, sites by code, phones by their caller's name, moments as the
    import's start or another."""
    with engine.connect() as connection:
        started = connection.execute(select(col(CallerImport.started_at))).scalar_one()
        codes = dict(connection.execute(select(col(Site.id), col(Site.code))).all())
        rows = connection.execute(select(Caller.__table__)).mappings().all()  # type: ignore[attr-defined]
        phone_rows = connection.execute(select(CallerPhone.__table__)).mappings().all()  # type: ignore[attr-defined]

    def comparable(name: str, value: object) -> object:
        if isinstance(value, uuid.UUID):
            return codes[value] if name == "site_id" else value.version
        if isinstance(value, datetime):
            return "at the import" if value == started else "another moment"
        return value

    names = {row["id"]: row["name"] for row in rows}
    caller_rows = sorted(
        tuple((name, comparable(name, value)) for name, value in row.items()) for row in rows
    )
    phones = sorted(
        (
            names[row["caller_id"]],
            row["number"],
            row["digits"],
            row["label"],
            str(row["id"].version),
        )
        for row in phone_rows
    )
    return caller_rows, phones


@pytest.mark.postgres
def test_postgresql_stores_an_import_as_sqlite_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's new callers and numbers go through COPY, SQLite's through its driver:
    the same file, in several chunks, leaves the same values in every column on both."""
    monkeypatch.setattr(caller_import, "BATCH", 2)
    path = tmp_path / "awkward.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([SIMPLE.strip().split(","), *AWKWARD_ROWS])
    stored = []
    for kind in ("sqlite", "postgres"):
        with migrated_database(kind, tmp_path) as engine:
            make_org(engine)
            result = run(engine, path)
            assert (result.created, result.updated, result.skipped) == (4, 1, 0)
            stored.append(stored_import(engine))
    (sqlite_callers, sqlite_phones), (pg_callers, pg_phones) = stored
    assert pg_callers == sqlite_callers
    assert pg_phones == sqlite_phones
    jurgen = dict(next(row for row in pg_callers if ("name", "Jürgen Müller") in row))
    assert jurgen["notes"] == AWKWARD_ROWS[0][7] and jurgen["department"] == "Sales"
    assert (jurgen["created_at"], jurgen["updated_at"], jurgen["vip"]) == (
        "at the import",
        "at the import",
        True,
    )
    bo = dict(next(row for row in pg_callers if ("name", "Bo Ek") in row))
    assert (bo["email"], bo["site_id"], bo["notes"], bo["vip"]) == (None, None, "", False)
    ann = dict(next(row for row in pg_callers if ("name", "Ann Lee") in row))
    assert ann["notes"] == "Other e-mail: ann.home@example.org"
    assert len(pg_phones) == 4


def test_strict_mode_refuses_a_file_with_errors(tmp_path: Path, engine: Engine, org: Org) -> None:
    path = write(tmp_path / "c.csv", SIMPLE + "Ann Lee,ann@example.org,,,,,,\nBad,x@,,,,,,\n")
    table = read_table(path)
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    before = count(engine, Caller)
    with pytest.raises(SwitchboardError, match="strict"):
        apply_import(engine, plan, org.mia, strict=True)
    assert count(engine, Caller) == before
    assert apply_import(engine, plan, org.mia).created == 1


def test_caller_added_after_the_preview_is_updated_not_duplicated(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    path = write(tmp_path / "c.csv", "name,email,department\nAnn Lee,ann@example.org,IT\n")
    table = read_table(path)
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    assert len(plan.creates) == 1
    run(engine, write(tmp_path / "other.csv", "name,email\nAnn Lee,ann@example.org\n"))
    result = apply_import(engine, plan, org.mia)
    assert (result.created, result.updated) == (0, 1)
    assert callers(engine)["Ann Lee"].department == "IT"


# --- command line (SQLite file) -----------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A new database whose staff is the login running the tests, as a manager (the command
    line acts as the login; importing callers is a manager's job)."""
    path = tmp_path / "desk.db"
    engine = open_database(config.to_url(str(path)), create=True)
    with write_session(engine) as session:
        login = config.current_username()
        session.add(Staff(name="Desk Manager", username=login, role=StaffRole.MANAGER))
    engine.dispose()
    return path


def db_callers(path: Path) -> set[str]:
    engine = open_database(config.to_url(str(path)))
    try:
        return set(callers(engine))
    finally:
        engine.dispose()


def test_cli_dry_run_then_import(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "Given Name;Family Name;E-mail 1 - Value;Phone 1 - Value\n"
        "Åsa;Öberg;ao@example.org;08 123 456\nNo;Mail;nope;\n"
    )
    path = write(tmp_path / "google.csv", text, "utf-8-sig")
    args = ["import", "callers", str(path), "--db", str(db_path)]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Encoding:  UTF-8 with BOM" in out
    assert "Delimiter: semicolon" in out
    assert "E-mail 1 - Value  -> email" in out
    assert "To create:        1" in out
    assert "Rows with errors: 1" in out
    assert "line 3: 'nope' is not an e-mail address" in out
    assert "Dry run: nothing was written." in out
    assert db_callers(db_path) == set()
    assert main(args) == 0
    assert "Imported: 1 created, 0 updated" in capsys.readouterr().out
    assert db_callers(db_path) == {"Åsa Öberg"}


def test_cli_map_site_and_strict(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.csv", "Who\tMail\nAnn Lee\tann@example.org\nBo\tbad\n")
    args = ["import", "callers", str(path), "--db", str(db_path), "--map", "Who=name"]
    assert main([*args, "--strict"]) == 2
    captured = capsys.readouterr()
    assert "strict mode" in captured.err
    assert db_callers(db_path) == set()
    assert main([*args, "--site", "NOPE"]) == 2
    assert "Unknown site 'NOPE'" in capsys.readouterr().err
    assert main(args) == 0
    assert db_callers(db_path) == {"Ann Lee"}  # Bo's row has an error: skipped


def test_cli_unreadable_file(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "callers", str(tmp_path / "nope.csv"), "--db", str(db_path)]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_sample_files(engine: Engine, org: Org) -> None:
    for name, expected in (("ad_export.csv", 3), ("outlook_contacts.csv", 2)):
        table = read_table(DATA / name)
        plan = plan_import(engine, table, suggest_mapping(table.headers))
        assert len(plan.creates) == expected, (name, plan.errors)


# --- real contact exports: several values in a cell, every column checked ------------------


def import_sample(engine: Engine, name: str) -> caller_import.ImportResult:
    table = read_table(DATA / name)
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    assert not plan.errors, plan.errors
    return apply_import(engine, plan, importer(engine))


def labelled(engine: Engine, name: str) -> set[tuple[str, str]]:
    return {(number, label) for number, _digits, label in phones_of(engine, name)}


def test_google_export_keeps_every_address_and_number(engine: Engine, org: Org) -> None:
    """The export Google wrote until 2024: several addresses or numbers in one cell, their
    types in the column beside ("* Work ::: Home", the star marking the primary one)."""
    table = read_table(DATA / "google_contacts.csv")
    mapping = suggest_mapping(table.headers)
    assert mapping["E-mail 1 - Value"] is mapping["E-mail 2 - Value"] is Field.EMAIL
    assert mapping["Phone 1 - Value"] is mapping["Phone 2 - Value"] is Field.PHONE
    assert mapping["Organization 1 - Department"] is Field.DEPARTMENT
    for ignored in (
        "Location",
        "Organization 1 - Name",
        "Organization 1 - Location",
        "Phone 1 - Type",
    ):
        assert mapping[ignored] is Field.IGNORE, ignored
    assert caller_import.type_columns(table.headers) == {
        "E-mail 1 - Type": "E-mail 1 - Value",
        "E-mail 2 - Type": "E-mail 2 - Value",
        "Phone 1 - Type": "Phone 1 - Value",
        "Phone 2 - Type": "Phone 2 - Value",
    }

    result = import_sample(engine, "google_contacts.csv")

    assert (result.created, result.skipped) == (4, 0)
    found = callers(engine)
    aisha = found["Aisha Khan"]
    assert aisha.email == "aisha.khan@example.org"
    assert aisha.notes == (
        "Prefers a call after 10:00\nOther e-mail: aisha.k@mail.example.com (Home)"
    )
    assert (aisha.department, aisha.site_id) == ("Finance", None)  # "Location" is no site
    assert labelled(engine, "Aisha Khan") == {
        ("+44 7700 900123", "mobile"),
        ("+44 20 7946 0123", "work"),
        ("+44 113 496 0456", "home"),
    }
    assert labelled(engine, "Tomás García") == {
        ("+1 212-555-0148", "work"),
        ("+1 212-555-0149", "other"),  # "Work Fax"
    }
    # The same address twice (any case) is noted once; "Google Voice" is another kind.
    assert found["Li Wei"].notes == "Other e-mail: wei.li@example.org (Other)"
    assert labelled(engine, "Li Wei") == {("+44 7700 900456", "other")}
    assert (found["Grace Okafor"].email, found["Grace Okafor"].notes) == (None, "")
    assert phones_of(engine, "Grace Okafor") == {("07700 900789", "447700900789", "mobile")}

    # Imported again: the callers matched by e-mail are as the file says (Grace, who has
    # neither an address nor an employee id, cannot be matched).
    again = import_sample(engine, "google_contacts.csv")
    assert (again.updated, again.unchanged) == (0, 3)


def test_google_export_since_2024(engine: Engine, org: Org) -> None:
    """The current export: "First Name" / "Last Name", "Organization Department", and types
    in "- Label" columns."""
    table = read_table(DATA / "google_contacts_2024.csv")
    mapping = suggest_mapping(table.headers)
    assert mapping["Organization Department"] is Field.DEPARTMENT
    assert mapping["Organization Name"] is mapping["E-mail 1 - Label"] is Field.IGNORE

    result = import_sample(engine, "google_contacts_2024.csv")

    assert (result.created, result.skipped) == (2, 0)
    found = callers(engine)
    ingrid = found["Ingrid Johansson"]
    assert (ingrid.email, ingrid.department) == ("ingrid.johansson@example.org", "Operations")
    assert ingrid.notes == (
        "Works Mondays to Thursdays\nOther e-mail: ingrid@mail.example.com (Home)"
    )
    assert labelled(engine, "Ingrid Johansson") == {
        ("+46 8 123 456 78", "work"),
        ("+46 70 123 45 67", "mobile"),
    }
    kwame = found["Kwame Mensah"]
    assert kwame.notes == "Other e-mail: k.mensah@example.net (Other)"
    assert labelled(engine, "Kwame Mensah") == {
        ("+44 20 7946 0999", "home"),
        ("+44 7623 900111", "other"),  # a pager
    }


def test_outlook_export_every_column(engine: Engine, org: Org) -> None:
    """Outlook's full export (Windows-1252): every phone of the person with its kind, the
    other addresses noted, the office as the site; the company's switchboard, faxes, the
    free-text "Location" and the company are left out."""
    table = read_table(DATA / "outlook_export.csv")
    assert (table.encoding, len(table.headers)) == ("cp1252", 92)
    mapping = suggest_mapping(table.headers)
    imported = {header: target for header, target in mapping.items() if target is not Field.IGNORE}
    assert imported == {
        "First Name": Field.FIRST_NAME,
        "Last Name": Field.LAST_NAME,
        "Department": Field.DEPARTMENT,
        "Business Phone": Field.PHONE,
        "Business Phone 2": Field.PHONE,
        "Home Phone": Field.PHONE,
        "Home Phone 2": Field.PHONE,
        "Mobile Phone": Field.MOBILE,
        "Other Phone": Field.PHONE,
        "Primary Phone": Field.PHONE,
        "E-mail Address": Field.EMAIL,
        "E-mail 2 Address": Field.EMAIL,
        "E-mail 3 Address": Field.EMAIL,
        "Notes": Field.NOTES,
        "Office Location": Field.SITE,
        "Organizational ID Number": Field.EMPLOYEE_ID,
    }

    result = import_sample(engine, "outlook_export.csv")

    assert (result.created, result.skipped) == (3, 0)
    found = callers(engine)
    jurgen = found["Jürgen Müller"]
    assert (jurgen.email, jurgen.employee_id, jurgen.site_id) == (
        "j.mueller@example.org",
        "E10001",
        org.hq,
    )
    assert jurgen.notes == (
        "Key holder for the server room.\r\nCall the mobile first.\n"
        "Other e-mail: juergen.mueller@mail.example.com"
    )
    assert labelled(engine, "Jürgen Müller") == {
        ("+44 20 7946 0101", "work"),
        ("+44 1632 960101", "home"),
        ("+44 7700 900101", "mobile"),
    }
    zoe = found["Zoë O'Neill"]
    assert (zoe.site_id, zoe.department) == (org.branch, "Sales")  # the site's name
    assert labelled(engine, "Zoë O'Neill") == {
        ("+1 (212) 555-0100", "work"),
        ("+1 (212) 555-0101", "work"),
        ("+1 (917) 555-0134", "mobile"),
        ("+1 (646) 555-0177", "other"),
    }
    assert found["Pat Quinn"].notes == "Other e-mail: pq@example.net"
    assert labelled(engine, "Pat Quinn") == {("+44 1632 960555", "home")}


def test_other_addresses_join_the_notes_a_caller_has(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    """A file without notes never erases a caller's notes: the other addresses are added
    below them, once."""
    with write_session(engine) as s:
        s.add(Caller(name="Aisha Khan", email="aisha.khan@example.org", notes="Knows the CFO"))
    text = (
        "Name,E-mail 1 - Type,E-mail 1 - Value\n"
        "Aisha Khan,* Work ::: Home,aisha.khan@example.org ::: aisha.k@mail.example.com\n"
    )
    path = write(tmp_path / "google.csv", text)
    first = run(engine, path)
    assert (first.created, first.updated) == (0, 1)
    assert callers(engine)["Aisha Khan"].notes == (
        "Knows the CFO\nOther e-mail: aisha.k@mail.example.com (Home)"
    )
    again = run(engine, path)
    assert (again.updated, again.unchanged) == (0, 1)


def test_each_value_of_a_cell_is_checked(tmp_path: Path, engine: Engine, org: Org) -> None:
    text = (
        "Name,E-mail 1 - Value,Phone 1 - Value\n"
        "Ann Lee,ann@example.org ::: not-an-address,+44 20 7946 0018 ::: 12\n"
    )
    table = read_table(write(tmp_path / "google.csv", text))
    plan = plan_import(engine, table, suggest_mapping(table.headers))
    [error] = plan.errors
    assert "'not-an-address' is not an e-mail address" in error.reason
    assert "phone '12' has 2 digits" in error.reason


def test_phone_labels_from_types_and_columns() -> None:
    label = caller_import.phone_label
    assert [label(kind, "other") for kind in ("Mobile", "Work Mobile", "Work Fax", "Main")] == [
        "mobile",
        "mobile",
        "other",
        "work",
    ]
    assert label("Home", "other") == "home" and label("Assistant", "other") == "other"
    assert [label(column, "work") for column in ("Home Phone 2", "Other Phone", "tel")] == [
        "home",
        "other",
        "work",
    ]


def test_cli_import_by_an_operator_is_refused_with_exit_2(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_database(config.to_url(str(db_path)))
    with write_session(engine) as session:
        login = select(Staff).where(col(Staff.username) == config.current_username())
        session.execute(login).scalar_one().role = StaffRole.OPERATOR
    engine.dispose()
    path = write(tmp_path / "c.csv", "name,email\nAnn Lee,ann@example.org\n")
    assert main(["import", "callers", str(path), "--db", str(db_path)]) == 2
    assert "Only a manager or an admin can import callers." in capsys.readouterr().err
    assert db_callers(db_path) == set()
