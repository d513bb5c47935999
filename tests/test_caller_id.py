"""Caller ids from a softphone, and the request lines that carry them: plain Python, no Qt.

The sockets that carry these lines are tested in test_screen_pop.py."""

from __future__ import annotations

import json

import pytest

from app.calls.caller_id import (
    MAX_NUMBER_LENGTH,
    SHOW_REQUEST,
    check_number,
    clean_number,
    encode_call,
    parse_call,
)


def test_clean_number_keeps_what_a_lookup_needs() -> None:
    assert clean_number("  +44 (20)\t7946-0000 ") == "+44 (20) 7946-0000"
    assert clean_number('"Alice" <sip:%2B442079460000@pbx.example;user=phone>') == ("+442079460000")
    assert clean_number("tel:+1-202-555-0100") == "+1-202-555-0100"
    assert clean_number("\x00\x07") == ""
    assert clean_number("hotel:555") == "hotel:555"  # only a real URI scheme is taken apart


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no phone number"),
        ("  \t ", "no phone number"),
        ("%callerid%", "placeholder"),
        ("$n", "placeholder"),
        ("{number}", "placeholder"),
        ("1" * (MAX_NUMBER_LENGTH + 1), "longer than"),
    ],
)
def test_check_number_refuses_what_cannot_be_a_caller_id(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        check_number(text)


def test_check_number_accepts_a_number_at_the_limit_and_cleans_it() -> None:
    assert check_number(" +44 20\n7946 0000 ") == "+44 20 7946 0000"
    assert check_number("sip:%2B442079460000@pbx") == "+442079460000"
    assert check_number("1" * MAX_NUMBER_LENGTH) == "1" * MAX_NUMBER_LENGTH


@pytest.mark.parametrize(
    "number",
    [
        "+44 20 7946 0000",
        "0161 496 0000",
        "alice",  # a SIP user part need not be digits
        "+33 1 23 45 67 89 poste 12",
        "ünïcode 12",
        '"quoted" \\ back',
    ],
)
def test_a_number_survives_the_round_trip(number: str) -> None:
    line = encode_call(number)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert line.isascii()  # whatever the number holds, the line is one plain ASCII line
    assert parse_call(line) == number
    assert parse_call(line.rstrip(b"\n")) == number  # the server hands over the line alone


def test_the_round_trip_cleans_what_the_server_must_not_show() -> None:
    sneaky = "+44\x1b[2J 20\u202e 7946\n0000\u200b" + "9" * 500
    line = encode_call(sneaky)
    assert line.count(b"\n") == 1  # a newline in the number cannot end the line early
    number = parse_call(line)
    assert number is not None
    assert number.startswith("+44 [2J 20 7946 0000")
    assert len(number) == MAX_NUMBER_LENGTH
    assert all(char.isprintable() for char in number)
    assert parse_call(encode_call("tel:+1-202-555-0100")) == "+1-202-555-0100"


def test_the_show_request_is_one_json_line_without_a_call() -> None:
    assert SHOW_REQUEST.endswith(b"\n") and SHOW_REQUEST.count(b"\n") == 1
    assert json.loads(SHOW_REQUEST) == {"show": True}
    assert parse_call(SHOW_REQUEST) is None  # told apart by the server, never taken as a call


@pytest.mark.parametrize(
    "line",
    [
        b"",
        b"not json",
        b'{"call": "123"',  # cut short
        b'["call", "123"]',
        b'"123"',
        b"null",
        b'{"call": 12345}',
        b'{"call": null}',
        b'{"call": ["123"]}',
        b'{"number": "123"}',
        b'{"call": ""}',
        b'{"call": "\\u0000\\u001b\\u200b  "}',
        b'{"call": "\xff\xfe"}',
    ],
    ids=[
        "empty",
        "text",
        "cut-short",
        "list",
        "bare-string",
        "null",
        "not-a-string",
        "null-call",
        "list-call",
        "other-key",
        "empty-call",
        "only-controls",
        "bad-utf8",
    ],
)
def test_a_malformed_line_is_logged_and_dropped(
    line: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="app.calls.caller_id"):
        assert parse_call(line) is None
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert caplog.records[0].message.startswith("Screen pop: ignored")


def test_a_malformed_line_is_quoted_in_the_log_only_in_part(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("WARNING", logger="app.calls.caller_id"):
        assert parse_call(b"x" * 10_000) is None
    assert len(caplog.records[0].message) < 200
