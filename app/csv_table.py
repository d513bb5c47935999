"""Reading a CSV file someone exported from another program, for the imports (callers,
assets): its encoding, its delimiter and its header row, refusing a file that would be
imported as garbage with what was found and how to fix it.

- The encoding: UTF-8, UTF-16 or UTF-32 with a byte-order mark, else UTF-8 or Windows-1252;
  bytes that are not valid text are reported by line, never raised. UTF-16 without a
  byte-order mark and Shift-JIS (both would read as garbage) are refused.
- The delimiter: ``,`` ``;`` or tab.
- The header: the first of the leading rows that names the most columns the import knows
  (PowerShell's ``#TYPE`` line and titles above the table are skipped).
- The shape: more than :data:`MAX_COLUMNS` columns, a quote that swallows the rows after it,
  rows split by another delimiter than the header: refused.

What the columns mean is the import's business; this module knows only tables.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil import parser as date_parser

from app.errors import SwitchboardError

HEADER_SEARCH_ROWS = 5  # the header is one of the first non-empty rows
SNIFF_BYTES = 64 * 1024
# Far more than any directory or contacts export has (Outlook's full export: under 100); a
# wider file is another kind of file, and a dialog with a row per column would not open.
MAX_COLUMNS = 500
SHAPE_ROWS = 100  # rows looked at to tell a header and rows split by different delimiters
# Byte-order marks, UTF-32's before UTF-16's (FF FE 00 00 starts with FF FE), and the codecs
# that read the text after them; UTF-8's is handled with the BOM-less reading.
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
ASCII_BYTES = bytes(range(0x80))
# A Shift-JIS character whose first byte is 0x81-0x9F (kana, common kanji) and whose second
# is not ASCII: Windows-1252 text, with one accented letter (0xC0-0xFF) at a time and only
# punctuation in 0x80-0x9F, practically never has such a pair.
SHIFT_JIS_PAIR = re.compile(rb"[\x81-\x9f][\x80-\xfc]")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
FIX_QUOTE = (
    'Fix that quote (a quote inside a field is written twice: ""), then import the file again.'
)
SAVE_AS_UTF8 = (
    "Open it in a spreadsheet or text editor and save it again as UTF-8 CSV "
    "(in Excel: Save As > CSV UTF-8)."
)
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class RawRow:
    """One record of the file: the line it starts on and its cells."""

    line: int
    values: tuple[str, ...]
    end_line: int = 0  # the last line of a record with line breaks inside quotes


@dataclass(frozen=True)
class RowError:
    """Why one row of the file cannot be imported."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class RawTable:
    """A CSV file as read: how it was read, its headers and its records."""

    path: Path
    # "utf-8", "cp1252", or with a byte-order mark "utf-8-sig", "utf-16" or "utf-32"
    encoding: str
    delimiter: str
    header_line: int
    headers: tuple[str, ...]
    rows: tuple[RawRow, ...]
    bad_lines: frozenset[int] = frozenset()  # lines holding bytes that are not valid text

    @property
    def encoding_label(self) -> str:
        return {
            "utf-8": "UTF-8",
            "utf-8-sig": "UTF-8 with BOM",
            "utf-16": "UTF-16 with BOM",
            "utf-32": "UTF-32 with BOM",
            "cp1252": "Windows-1252",
        }.get(self.encoding, self.encoding)

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def _decode(data: bytes, path: Path) -> tuple[str, str, frozenset[int]]:
    """The text, the encoding used and the (1-based) lines holding undecodable bytes.

    A byte-order mark names the encoding. Without one the file is UTF-8, or else
    Windows-1252, once two encodings that would pass for those and be imported as garbage
    are refused: UTF-16 without a BOM (its ASCII is valid UTF-8, with a zero byte between
    letters) and Shift-JIS (nearly every byte is valid Windows-1252).
    """
    for mark, encoding in BOMS:
        if data.startswith(mark):
            try:
                return data.decode(encoding), encoding, frozenset()
            except UnicodeDecodeError:
                text = data.decode(encoding, errors="replace")
            # Lines counted as the CSV reader counts them.
            numbered = enumerate(io.StringIO(text, newline=""), start=1)
            return text, encoding, frozenset(n for n, line in numbered if "\ufffd" in line)
    problem = _zero_bytes_problem(data[:SNIFF_BYTES])
    if problem:
        raise SwitchboardError(f"{path} {problem}. {SAVE_AS_UTF8}")
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = data.splitlines()
    utf8_bad: set[int] = set()
    utf8_good = 0
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            utf8_bad.add(number)
        else:
            utf8_good += 1
    if bom or not utf8_bad or utf8_good > len(utf8_bad):
        encoding = "utf-8-sig" if bom else "utf-8"
        return data.decode(encoding, errors="replace"), encoding, frozenset(utf8_bad)
    if _looks_like_shift_jis(data):
        raise SwitchboardError(
            f"{path} is Japanese text in Shift-JIS, which would be read as Windows-1252 "
            f"and imported as garbage. {SAVE_AS_UTF8}"
        )
    # Windows-1252 leaves five byte values undefined.
    cp_bad = set()
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("cp1252")
        except UnicodeDecodeError:
            cp_bad.add(number)
    return data.decode("cp1252", errors="replace"), "cp1252", frozenset(cp_bad)


def _zero_bytes_problem(sample: bytes) -> str | None:
    """What the zero bytes at the start of a file without a byte-order mark say it is, if
    it is not UTF-8 or Windows-1252 text. A stray one is a damaged field (its row is reported);
    zeros at every other byte are UTF-16 (ASCII letters with a zero byte beside each:
    LE after, BE before), and a file a tenth zeros otherwise is no text at all."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for zeros, others, order in ((odd, even, "LE"), (even, odd, "BE")):
        if zeros * 8 >= half and others * 10 < zeros:
            return (
                f"looks like UTF-16{order} text without a byte-order mark "
                "(every other byte is zero)"
            )
    if (even + odd) * 10 >= len(sample) > 0:
        return (
            f"is not UTF-8 or Windows-1252 text: {(even + odd) * 100 // len(sample)}% of its "
            "first bytes are zero (UTF-32 text without a byte-order mark, or a workbook "
            "rather than a CSV file?)"
        )
    return None


def _looks_like_shift_jis(data: bytes) -> bool:
    """Whether ``data``, which is not UTF-8, is Japanese text in Shift-JIS (Windows code
    page 932) rather than Windows-1252: it decodes as Shift-JIS, and at least a third of its
    non-ASCII bytes are :data:`SHIFT_JIS_PAIR` characters (two of them at least). Kana and
    the common kanji are such pairs; Windows-1252 names ("O’Brien", "Hélène", "Conceição")
    may decode as Shift-JIS too, but with no such pair."""
    try:
        data.decode("cp932")
    except UnicodeDecodeError:
        return False
    sample = data[: 16 * SNIFF_BYTES]  # a megabyte is plenty to judge by
    pairs = len(SHIFT_JIS_PAIR.findall(sample))
    return pairs >= 2 and 2 * pairs * 3 >= len(sample.translate(None, ASCII_BYTES))


def _count_delimiter(line: str) -> str | None:
    """The candidate delimiter that occurs most often outside quotes in ``line``."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


def _detect_delimiter(text: str) -> str:
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counted = _count_delimiter(first)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    # The sniffer guesses from character frequencies; a delimiter absent from the header
    # line (e.g. a comma inside a notes column of a semicolon file) cannot be the right one.
    if sniffed in DELIMITERS and (counted is None or sniffed in first):
        return sniffed
    return counted or ","


def _unique_headers(cells: Sequence[str]) -> tuple[str, ...]:
    """The header cells as column names: stripped, "Column N" for an empty one (N its
    position), and a name seen before numbered "Name (2)", "Name (3)"... In linear time: the
    names taken are a set and each name remembers the next number to try, so 4,000
    identical cells do not try 4,000 numbers each against a list."""
    headers: list[str] = []
    taken: set[str] = set()
    next_number: dict[str, int] = {}
    for number, cell in enumerate(cells, start=1):
        name = cell.strip() or f"Column {number}"
        candidate, n = name, next_number.get(name, 2)
        while candidate in taken:
            candidate, n = f"{name} ({n})", n + 1
        next_number[name] = n
        taken.add(candidate)
        headers.append(candidate)
    return tuple(headers)


def _swallowed_line(record: RawRow, delimiter: str, width: int) -> int | None:
    """The first line read into a field of ``record`` that looks like a row of its own: it
    holds as many delimiters as a row of ``width`` columns (two at least: a line of notes may
    hold a comma). Only a quote that is missing or stray puts rows inside a field."""
    if record.end_line <= record.line:  # one line: no line break inside a field
        return None
    needed = max(2, width - 1)
    offset = 0  # line breaks in the cells before this one
    for cell in record.values:
        if "\n" not in cell and "\r" not in cell:
            continue
        lines = LINE_BREAK.split(cell)
        for number, line in enumerate(lines[1:], start=1):
            if line.count(delimiter) >= needed:
                return record.line + offset + number
        offset += len(lines) - 1
    return None


def _rows_delimiter(width: int, rows: Sequence[RawRow], delimiter: str) -> tuple[str, int] | None:
    """Another delimiter that most of the first rows are split by, where ``delimiter`` splits
    the header into ``width`` cells, and the line of the first such row. A row counts when it
    has fewer cells than the header and holds at least as many of the other delimiter as it
    lacks cells: a row whose quoted notes hold semicolons has all its cells, and one with
    empty fields still has its delimiters."""
    sample = rows[:SHAPE_ROWS]
    split_by: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    for row in sample:
        missing = width - len(row.values)
        if missing <= 0:
            continue
        for other in DELIMITERS:
            if other != delimiter and sum(cell.count(other) for cell in row.values) >= missing:
                split_by[other] += 1
                first_line.setdefault(other, row.line)
    for other, rows_split in split_by.most_common(1):
        if rows_split * 2 > len(sample):
            return other, first_line[other]
    return None


def read_table(path: Path, known: Callable[[Sequence[str]], int], what: str) -> RawTable:
    """Read a CSV file; raise :class:`SwitchboardError` when it cannot be read as a table.
    ``known`` counts the cells of a row that name a column the caller of this function
    knows: the header is the leading row that names the most. ``what`` names the kind of
    file in messages ("caller export")."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SwitchboardError(f"Cannot read {path}: {error.strerror or error}.") from error
    text, encoding, bad_lines = _decode(data, path)
    delimiter = _detect_delimiter(text)
    records: list[RawRow] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append(RawRow(start, tuple(cells), reader.line_num))
            start = reader.line_num + 1
    except csv.Error as error:
        if "field limit" in str(error):  # only a quote left open reads that far
            raise SwitchboardError(
                f"{path}, line {start}: a quote in the row starting on this line is never "
                f"closed, so the field runs on for over {csv.field_size_limit():,} "
                f"characters. {FIX_QUOTE}"
            ) from error
        raise SwitchboardError(
            f"{path}, line {reader.line_num}: cannot be read as CSV ({error}). "
            "Fix that line or export the file again."
        ) from error
    # The header: the first of the leading rows naming the most known columns (skips
    # PowerShell's "#TYPE ..." line and titles above the table).
    leading = [
        i for i, row in enumerate(records[:HEADER_SEARCH_ROWS]) if not row.values[0].startswith("#")
    ]
    if not leading:
        raise SwitchboardError(f"{path} holds no table: no header row was found.")
    counted = {i: known(records[i].values) for i in leading}
    best = max(leading, key=lambda i: (counted[i], -i))
    if counted[best] == 0:
        best = leading[0]
    header = records[best]
    _check_shape(path, delimiter, header, records[best + 1 :], what)
    return RawTable(
        path=path,
        encoding=encoding,
        delimiter=delimiter,
        header_line=header.line,
        headers=_unique_headers(header.values),
        rows=tuple(records[best + 1 :]),
        bad_lines=bad_lines,
    )


def _check_shape(
    path: Path, delimiter: str, header: RawRow, rows: Sequence[RawRow], what: str
) -> None:
    """Refuse a table that would be imported as garbage: far too many columns, rows read into
    one field by a quote left open, or rows split by another delimiter than the header (each
    whole row would be one cell, the name)."""
    width = len(header.values)
    if width > MAX_COLUMNS:
        raise SwitchboardError(
            f"{path} has {width:,} columns (header on line {header.line}); a {what} "
            f"has at most {MAX_COLUMNS}. Check that this is the right file, or delete the "
            "columns that are not needed and save it again."
        )
    for record in (header, *rows):
        swallowed = _swallowed_line(record, delimiter, width)
        if swallowed is not None:
            raise SwitchboardError(
                f"{path}, line {record.line}: a quote in this row is missing or stray, so line "
                f"{swallowed} and the rows after it are read into one field. {FIX_QUOTE}"
            )
    mismatch = _rows_delimiter(width, rows, delimiter)
    if mismatch is not None:
        other, line = mismatch
        used, instead = DELIMITER_NAMES[delimiter], DELIMITER_NAMES[other]
        raise SwitchboardError(
            f"{path}: the header on line {header.line} is separated by {used}s, but its rows "
            f"by {instead}s (line {line} and others), so each row would be read as one "
            f"column. Separate the header by {instead}s too (or the rows by {used}s), then "
            "import the file again."
        )


# -- dates in the cells -------------------------------------------------------------------------

_SLASHED = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")


def parse_day(text: str) -> date:
    """A date as exports write them (inventories, learning systems); ValueError saying how
    to write it otherwise. ISO, or with the month's name, or with dots or slashes where the
    day is clear: "03/04/2026" could be either and is refused, never guessed."""
    value = text.strip()
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$", value)
    if iso:
        return date(int(iso[1]), int(iso[2]), int(iso[3]))
    slashed = _SLASHED.match(value)
    if slashed:
        first, second, year = int(slashed[1]), int(slashed[2]), int(slashed[3])
        if first <= 12 and second <= 12 and first != second:
            raise ValueError(
                f"{value} could be {first} {_month(second)} or {second} {_month(first)}; "
                f"write it as {year}-{second:02d}-{first:02d} (year-month-day)"
            )
        day, month = (first, second) if first > 12 or first == second else (second, first)
        return date(year, month, day)
    if re.search(r"[A-Za-z]{3}", value):
        return date_parser.parse(value, dayfirst=True).date()
    raise ValueError(f"{value} is not a date; write it as 2026-03-04 (year-month-day)")


def _month(number: int) -> str:
    return date(2000, number, 1).strftime("%B")
