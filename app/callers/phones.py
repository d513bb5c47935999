"""Phone numbers: the one canonical form every writer stores and every reader matches.

``caller_phone.digits`` holds :func:`canonical_digits` of the number: the E.164 digits
without the "+" ("020 7946 0018", "+44 20 7946 0018" and "0044 20 7946 0018" are all
"442079460018") when ``phonenumbers`` reads a possible number in the caller's region, the
region being the country of the caller's site (``site.holiday_country``, see
:func:`phone_region`), else :data:`DEFAULT_REGION`. A number it cannot read that way (an
internal extension "4567", a number too short for its region, text with no number in it) is
kept as the digits typed, so it is still found by those digits. An extension written after
the number ("020 7946 0018 ext. 123") is kept after the E.164 digits ("442079460018123"): two
people on one switchboard line are different numbers, and a screen pop for the main line
still finds them among the numbers that contain its digits.

Lookups match the canonical form of what was typed and the digits as typed
(:func:`phone_candidates`), then digits from anywhere in a stored number
(:func:`phone_fragments`). Migration 0004 keeps a frozen copy of these rules to rewrite the
numbers stored before; a test keeps the two in agreement.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import phonenumbers

if TYPE_CHECKING:
    from models.org import Site

DEFAULT_REGION = "GB"
MAX_DIGITS = 24  # caller_phone.digits is a VARCHAR(24)
MIN_SEARCH_DIGITS = 3  # the trigram index needs three characters
MAX_PARSE_LENGTH = 100  # longer text is no phone number; phonenumbers refuses 250+ anyway
REGION_ALIASES = {"UK": "GB"}  # country codes the holidays package accepts, phonenumbers not
PHONE_TEXT = re.compile(r"[0-9\s+().\-/]+", re.ASCII)  # digits and phone punctuation only
_NOT_DIGIT = re.compile(r"[^0-9]")


def phone_digits(value: str) -> str:
    """The ASCII digits of ``value`` as written, nothing else: "+44 (0)20 7946-0018" ->
    "4402079460018". What is stored when a number cannot be read as a whole number."""
    return _NOT_DIGIT.sub("", value)


def phone_region(country: str | None, default: str = DEFAULT_REGION) -> str:
    """The ``phonenumbers`` region for a site's country (its ``holiday_country``, an ISO
    3166 code such as "GB" or "us"); ``default`` when the site has none or ``phonenumbers``
    does not know it."""
    code = (country or "").strip().upper()
    code = REGION_ALIASES.get(code, code)
    return code if code in phonenumbers.SUPPORTED_REGIONS else default


def site_phone_region(site: Site) -> str:
    """The region a site's numbers typed without "+" are read in: the site's own phone
    region, else its holiday country's, else :data:`DEFAULT_REGION`."""
    return phone_region(site.phone_region or site.holiday_country)


def _possible(number: str, region: str) -> phonenumbers.PhoneNumber | None:
    """``number`` read in ``region`` when it is a whole possible number there, else None."""
    if len(number) > MAX_PARSE_LENGTH:
        return None
    try:
        parsed = phonenumbers.parse(number, region.upper())
    except phonenumbers.NumberParseException:
        return None
    # IS_POSSIBLE only: a local-only number ("555-1234" in the US) lacks its area code,
    # so prefixing the country code would not make it the number someone dials.
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return parsed if reason == phonenumbers.ValidationResult.IS_POSSIBLE else None


_INTERNATIONAL = re.compile(r"\+[0-9 ().\-/]+", re.ASCII)  # "+44 20 7946 0018", no extension


@functools.cache
def _national_prefix(country_code: int) -> re.Pattern[str] | None:
    """What ``phonenumbers.parse`` would strip from the start of a national number of this
    country (a trunk "0" for the UK, "1" for the US), or None."""
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    pattern = metadata.national_prefix_for_parsing if metadata is not None else None
    return re.compile(pattern) if pattern else None


def _international(number: str) -> str | None:
    """The canonical digits of a number written in international form, found without
    ``phonenumbers.parse`` (a sixth of the time: an import reads 300,000 numbers), or None
    when only ``parse`` can tell: a leading zero, something it might strip as a national
    prefix, or a number that is not plainly possible. When this answers, it is what
    :func:`canonical_digits` would answer the long way (a test compares the two)."""
    if len(number) > MAX_PARSE_LENGTH or not _INTERNATIONAL.fullmatch(number):
        return None
    digits = phone_digits(number)
    if digits[:1] in ("", "0"):
        return None
    for size in (1, 2, 3):  # country codes are prefix-free: at most one of these is one
        code = int(digits[:size] or "0")
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[size:]
    prefix = _national_prefix(code)
    if not national or national[0] == "0" or (prefix is not None and prefix.match(national)):
        return None
    parsed = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return digits if reason == phonenumbers.ValidationResult.IS_POSSIBLE else None


def canonical_digits(number: str, region: str = DEFAULT_REGION) -> str:
    """The digits stored for ``number`` written by someone in ``region``: its E.164 digits
    without the "+" (and any extension after them, when the whole fits in
    :data:`MAX_DIGITS`) if ``phonenumbers`` reads it as a possible number there, else the
    digits as written (:func:`phone_digits`). Never raises; "" for text without digits."""
    quick = _international(number)
    if quick is not None:
        return quick
    parsed = _possible(number, region)
    if parsed is None:
        return phone_digits(number)
    e164 = f"{parsed.country_code}{phonenumbers.national_significant_number(parsed)}"
    extension = phone_digits(parsed.extension or "")
    if extension and len(e164) + len(extension) <= MAX_DIGITS:
        return e164 + extension
    return e164


def is_phone_text(value: str) -> bool:
    """Whether ``value`` is made of digits and phone punctuation only, with at least
    :data:`MIN_SEARCH_DIGITS` digits: what the lookup treats as a phone number."""
    return bool(PHONE_TEXT.fullmatch(value)) and len(phone_digits(value)) >= MIN_SEARCH_DIGITS


def phone_candidates(value: str, region: str = DEFAULT_REGION) -> list[str]:
    """The stored digits that would be this very number: the canonical form of ``value``
    in ``region`` and the digits as typed (a number stored unread, or typed with its
    country code but no "+"). Empty when ``value`` is no phone number."""
    if not is_phone_text(value):
        return []
    return list(dict.fromkeys((canonical_digits(value, region), phone_digits(value))))


def phone_fragments(value: str, region: str = DEFAULT_REGION) -> list[str]:
    """Digit strings to find anywhere inside stored numbers: the candidates, the digits
    typed without their leading zeros (a trunk "0" or an international "00" is not part of
    the stored E.164 digits, so "020 7946" must look for "207946") and, for a whole number,
    its national number without the country code (so "+1 555 123 4567" still finds a number
    stored with the wrong country, or unread, as "5551234567"). Empty when ``value`` is no
    phone number."""
    candidates = phone_candidates(value, region)
    if not candidates:
        return []
    candidates.append(phone_digits(value).lstrip("0"))
    parsed = _possible(value, region)
    if parsed is not None:
        candidates.append(phonenumbers.national_significant_number(parsed))
    return [c for c in dict.fromkeys(candidates) if len(c) >= MIN_SEARCH_DIGITS]
