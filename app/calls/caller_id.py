"""Caller ids handed over by a softphone, and the one-line protocol that carries them.

A softphone runs ``switchboard call NUMBER`` when the phone rings, with the caller id in
whatever form it has: a number, a SIP or tel URI, sometimes a placeholder its setting failed
to fill in. :func:`check_number` tells the command line what to send (or why not),
:func:`clean_number` tells the running window what to look up.

The protocol is one line of JSON per connection, ``{"call": "+44 20 7946 0000"}`` (take this
call, :func:`encode_call`) or :data:`SHOW_REQUEST` (someone started Switchboard again: show
the window instead of opening a second one). The sockets that carry it live in
``ui.shell.screen_pop``; what arrives there is untrusted text from another process, which
:func:`parse_call` turns into a cleaned number, or logs and drops, never raising.

This is plain Python and lives in ``app/``: the command line checks a caller id, and refuses
a bad one, without loading Qt; only reaching a running window needs it.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from urllib.parse import unquote

log = logging.getLogger(__name__)

MAX_NUMBER_LENGTH = 64  # longer than any dialable number or SIP user part seen in practice

# A SIP or tel URI, bare or in a display form such as '"Alice" <sip:+4420...@pbx;user=phone>':
# softphones that pass the remote address instead of the number send this.
_URI = re.compile(r"\b(?:sips?|tel):([^@;>\s]+)", re.IGNORECASE)
# A softphone placeholder that was not filled in: %callerid%, $n, ${number}, {number}, [Number].
_PLACEHOLDER = re.compile(r"^(%\w+%|\$\{?\w+\}?|\{\w+\}|\[\w+\])$")


def _normalise(text: str) -> str:
    """Control and formatting characters out, white space collapsed, a URI to its user."""
    visible = "".join(" " if unicodedata.category(char).startswith("C") else char for char in text)
    uri = _URI.search(visible)
    if uri is not None:
        visible = unquote(uri.group(1))
    return " ".join(visible.split())


def clean_number(text: str) -> str:
    """The caller id as a lookup can use it, or "" if nothing usable is left.

    Control and formatting characters (newlines, escapes, bidi overrides, zero-width marks)
    are removed and runs of white space become one space; a SIP/tel URI is reduced to its
    user part (``sip:%2B4420...@pbx`` -> ``+4420...``); the result is cut to
    :data:`MAX_NUMBER_LENGTH` characters so a runaway sender cannot fill the window."""
    return _normalise(text)[:MAX_NUMBER_LENGTH].strip()


def check_number(text: str) -> str:
    """The cleaned number for ``switchboard call``; ValueError with a message a person can act
    on for text that cannot be a caller id (empty, too long, an unfilled placeholder).

    The command is strict where the receiving window is lenient (:func:`clean_number`): a
    person or a softphone setting is there to fix the mistake, so it is reported instead of
    cut to size."""
    number = _normalise(text)
    if not number:
        raise ValueError("no phone number given (was the caller id empty?).")
    if _PLACEHOLDER.match(number):
        raise ValueError(
            f"'{number}' is a placeholder, not a number: check how the softphone's setting "
            "writes the caller id."
        )
    if len(number) > MAX_NUMBER_LENGTH:
        raise ValueError(
            f"that is not a phone number: it is longer than {MAX_NUMBER_LENGTH} characters."
        )
    return number


def encode_call(number: str) -> bytes:
    """The request line for ``number``: ASCII JSON (non-ASCII escaped) and a newline."""
    return json.dumps({"call": number}, ensure_ascii=True).encode("ascii") + b"\n"


SHOW_REQUEST = b'{"show": true}\n'  # the request line that asks for the window, no call


def parse_call(line: bytes) -> str | None:
    """The cleaned number in a request line, or None (logged) if it is not one: not UTF-8
    JSON, no ``call`` string, or nothing left once cleaned."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        log.warning("Screen pop: ignored a message that is not JSON: %r", line[:80])
        return None
    number = message.get("call") if isinstance(message, dict) else None
    if not isinstance(number, str):
        log.warning("Screen pop: ignored a message without a 'call' string: %r", line[:80])
        return None
    cleaned = clean_number(number)
    if not cleaned:
        log.warning("Screen pop: ignored a call with an empty number")
        return None
    return cleaned
