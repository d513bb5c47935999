"""Reading caller CSV files that are not what they seem: wide or repetitive headers, UTF-16
and UTF-32 (with and without a byte-order mark), Shift-JIS, a header and rows with different
delimiters, a quote that swallows the rows after it, and NUL characters. A file that would be
imported as garbage is refused with what was found and how to fix it; files that only look
odd (accents, semicolons in quoted notes, empty fields) are read as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app import csv_table
from app.callers.csv_import import (
    Field,
    apply_import,
    check_mapping,
    plan_import,
    read_table,
    suggest_mapping,
)
from app.cli import main
from app.errors import SwitchboardError
from models.engine import read_session
from models.people import Caller
from tests.conftest import Org

CONTACTS = (
    "Name,Email,Department\n"
    "Jürgen Müller,jm@example.org,Sales\n"
    "Åsa Öberg,ao@example.org,IT\n"
    "Ann Lee,ann@example.org,IT\n"
)


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refusal(path: Path) -> str:
    with pytest.raises(SwitchboardError) as raised:
        read_table(path)
    message = str(raised.value)
    assert str(path) in message and "\n" not in message  # the CLI prints it as one line
    return message


# --- header row ---------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_identical_header_cells_are_numbered_quickly() -> None:
    headers = csv_table._unique_headers(["Phone"] * 4_000)
    assert headers[:3] == ("Phone", "Phone (2)", "Phone (3)")
    assert headers[-1] == "Phone (4000)"
    assert len(set(headers)) == 4_000


def test_header_numbering_keeps_its_rules() -> None:
    cells = ["Name", " ", "Name (2)", "Name", "", "Column 2", "Name"]
    assert csv_table._unique_headers(cells) == (
        "Name",
        "Column 2",
        "Name (2)",
        "Name (3)",
        "Column 5",
        "Column 2 (2)",
        "Name (4)",
    )


@pytest.mark.timeout(10)
def test_a_file_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    header = ",".join(["Name", *(f"Column {n}" for n in range(99_999))])
    path = write(tmp_path / "wide.csv", header + "\n" + "Ann Lee" + "," * 99_999 + "\n")
    message = refusal(path)
    assert "has 100,000 columns" in message and "at most 500" in message


def test_five_hundred_columns_are_read(tmp_path: Path) -> None:
    header = ",".join(["Name", *(["Extra"] * 499)])
    table = read_table(write(tmp_path / "wide.csv", header + "\nAnn Lee\n"))
    assert len(table.headers) == 500 and table.headers[-1] == "Extra (499)"
    assert table.rows[0].values == ("Ann Lee",)


# --- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "encoding", "label"),
    [
        (b"\xff\xfe", "utf-16-le", "UTF-16 with BOM"),
        (b"\xfe\xff", "utf-16-be", "UTF-16 with BOM"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 with BOM"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 with BOM"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
def test_utf16_and_utf32_with_a_bom_are_read(
    tmp_path: Path, bom: bytes, encoding: str, label: str
) -> None:
    # Excel's "Unicode text" is UTF-16 with a BOM, tab-separated.
    text = CONTACTS.replace(",", "\t").replace("\n", "\r\n")
    table = read_table(write(tmp_path / "c.csv", bom + text.encode(encoding)))
    assert table.encoding_label == label
    assert table.delimiter_label == "tab"
    assert table.headers == ("Name", "Email", "Department")
    assert [(r.line, r.values[0]) for r in table.rows] == [
        (2, "Jürgen Müller"),
        (3, "Åsa Öberg"),
        (4, "Ann Lee"),
    ]
    assert not table.bad_lines
    check_mapping(suggest_mapping(table.headers))  # a name column: nothing refused


def test_utf16_bytes_that_are_no_text_are_reported_by_line(tmp_path: Path) -> None:
    data = b"\xff\xfe" + "Name,Email\nAnn Lee,ann@example.org\n".encode("utf-16-le")
    data += b"\x00\xd8B\x00o\x00,\x00\n\x00"  # a lone surrogate: no character
    data += "Cy Do,cy@example.org\n".encode("utf-16-le")
    table = read_table(write(tmp_path / "c.csv", data))
    assert table.bad_lines == {3}
    assert [r.values[0] for r in table.rows] == ["Ann Lee", "\ufffdBo", "Cy Do"]


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (CONTACTS.encode("utf-16-le"), "UTF-16LE text without a byte-order mark"),
        (CONTACTS.encode("utf-16-be"), "UTF-16BE text without a byte-order mark"),
        (
            "姓名,电子邮件,部门\n张三,zhang@example.cn,销售部\n李四,li@example.cn,技术部\n".encode(
                "utf-16-le"
            ),
            "UTF-16LE text without",
        ),
        (CONTACTS.encode("utf-32-le"), "is not UTF-8 or Windows-1252 text"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-16-le-chinese", "utf-32-le"],
)
def test_text_without_a_bom_that_passes_for_utf8_is_refused(
    tmp_path: Path, data: bytes, found: str
) -> None:
    message = refusal(write(tmp_path / "c.csv", data))
    assert found in message and "save it again as UTF-8 CSV" in message


def test_shift_jis_is_refused_not_read_as_windows_1252(tmp_path: Path) -> None:
    text = (
        "氏名,メールアドレス,部署\n"
        "山田太郎,yamada@example.jp,営業部\n"
        "佐藤花子,sato@example.jp,総務部\n"
        "ヤマダ　ハナコ,hanako@example.jp,情報システム部\n"
    )
    message = refusal(write(tmp_path / "c.csv", text.encode("shift_jis")))
    assert "Shift-JIS" in message and "save it again as UTF-8 CSV" in message


def test_windows_1252_names_are_not_taken_for_shift_jis(tmp_path: Path) -> None:
    # Each of these also decodes as Shift-JIS; none is Japanese.
    text = (
        "Name,Email,Notes\n"
        "Zoe O’Brien,zoe@example.org,\n"
        "Hélène Créé,hc@example.org,\n"
        "Åsa Öberg,ao@example.org,café\n"
        "Ann D’Arcy,ad@example.org,\n"
    )
    table = read_table(write(tmp_path / "c.csv", text.encode("cp1252")))
    assert table.encoding_label == "Windows-1252"
    assert [r.values[0] for r in table.rows] == [
        "Zoe O’Brien",
        "Hélène Créé",
        "Åsa Öberg",
        "Ann D’Arcy",
    ]


# --- delimiters and quotes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "rows", "found"),
    [
        ("Name,Email,Phone", "{};{};{}", "commas, but its rows by semicolons"),
        ("Name;Email;Phone", "{},{},{}", "semicolons, but its rows by commas"),
        ("Name\tEmail\tPhone", "{};{};{}", "tabs, but its rows by semicolons"),
    ],
    ids=["comma-header", "semicolon-header", "tab-header"],
)
def test_a_header_and_rows_with_different_delimiters_are_refused(
    tmp_path: Path, header: str, rows: str, found: str
) -> None:
    text = header + "\n"
    text += rows.format("Ann Lee", "ann@example.org", "555 0100 11") + "\n"
    text += rows.format("Bo Ek", "bo@example.org", "") + "\n"
    message = refusal(write(tmp_path / "c.csv", text))
    assert found in message and "line 2" in message


def test_quoted_delimiters_and_empty_fields_are_not_a_delimiter_mismatch(tmp_path: Path) -> None:
    text = (
        "Name,Email,Notes\n"
        'Ann Lee,ann@example.org,"VIP; calls often; prefers e-mail"\n'
        'Bo Ek,,"a; b; c"\n'
        "Cy Do,cy@example.org,\n"
        '"Lee; Dee",,\n'
    )
    table = read_table(write(tmp_path / "c.csv", text))
    assert table.delimiter == ","
    assert [r.values for r in table.rows][:2] == [
        ("Ann Lee", "ann@example.org", "VIP; calls often; prefers e-mail"),
        ("Bo Ek", "", "a; b; c"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # Never closed: the rest of the file would be one field.
        'Name,Email,Notes\nAnn Lee,"ann@example.org,x\nBo Ek,bo@example.org,y\n'
        "Cy Do,cy@example.org,z\n",
        # Closed by the next quote in the file: the rows between are swallowed.
        'Name,Email,Notes\nAnn Lee,ann@example.org,"starts here\nBo Ek,bo@example.org,y\n'
        'Cy Do,cy@example.org,"z"\nDi Fu,di@example.org,w\n',
    ],
    ids=["open-at-end", "closed-later"],
)
def test_a_quote_that_swallows_the_next_rows_is_refused(tmp_path: Path, text: str) -> None:
    message = refusal(write(tmp_path / "c.csv", text))
    assert "quote" in message and "line 2" in message and "line 3" in message


def test_a_quote_that_swallows_a_large_file_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"Person {n},p{n}@example.org,note {n}\n" for n in range(5_000))
    message = refusal(write(tmp_path / "c.csv", 'Name,Email,Notes\nAnn Lee,"ann\n' + rows))
    assert "quote" in message and "line 2" in message


def test_notes_over_several_lines_are_read(tmp_path: Path) -> None:
    text = (
        "Name,Email,Notes\n"
        'Ann Lee,ann@example.org,"Call after 5pm, ask for Bob.\nPrefers e-mail; VIP"\n'
        "Bo Ek,bo@example.org,x\n"
    )
    table = read_table(write(tmp_path / "c.csv", text))
    assert [(r.line, r.values[0]) for r in table.rows] == [(2, "Ann Lee"), (4, "Bo Ek")]


# --- NUL characters (both back ends) ------------------------------------------------------


def test_a_nul_character_makes_its_row_an_error_on_every_back_end(
    tmp_path: Path, engine: Engine, org: Org
) -> None:
    text = (
        "Name,Email,Phone,Company\n"
        "Ann Lee,ann@example.org,555 0100 11,Acme\n"
        "Bo\x00 Ek,bo@example.org,,Acme\n"  # 3: in the name
        "Cy Do,cy@example.org,555\x000100 22,Acme\n"  # 4: in a phone number
        "Di Fu,di@example.org,,Ac\x00me\n"  # 5: in a column not imported
    )
    table = read_table(write(tmp_path / "c.csv", text))
    mapping = suggest_mapping(table.headers)
    assert mapping["Company"] is Field.IGNORE
    plan = plan_import(engine, table, mapping)
    assert [str(e) for e in plan.errors] == [
        "line 3: a NUL character (zero byte) in the name column, which is not text: "
        "remove it from the file",
        "line 4: a NUL character (zero byte) in the phone column, which is not text: "
        "remove it from the file",
    ]
    result = apply_import(engine, plan, org.mia)
    assert (result.created, result.skipped) == (2, 2)
    with read_session(engine) as s:
        names = set(s.exec(select(Caller.name)).scalars())  # type: ignore[call-overload]
    assert {"Ann Lee", "Di Fu"} <= names and not any("\x00" in n for n in names)


# --- where the messages are shown ---------------------------------------------------------


def test_cli_refuses_a_garbled_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.csv", CONTACTS.encode("utf-16-le"))
    # The file is read before the database is opened: none is needed to refuse it.
    assert main(["import", "callers", str(path), "--db", str(tmp_path / "desk.db")]) == 2
    err = capsys.readouterr().err
    assert "UTF-16" in err and len(err.strip().splitlines()) == 1
