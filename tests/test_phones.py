"""Phone number normalisation (app/callers/phones.py): the canonical digits every writer stores, the
region of a site, the digit strings a lookup tries; and the frozen copy in migration 0004
that must agree with it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.callers.phones import (
    DEFAULT_REGION,
    MAX_DIGITS,
    canonical_digits,
    is_phone_text,
    phone_candidates,
    phone_digits,
    phone_fragments,
    phone_region,
)

MIGRATION = (
    Path(__file__).resolve().parent.parent
    / "models/migrations/versions/0004_canonical_phone_digits.py"
)
LONDON = "442079460018"


def migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("migration_0004", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "number",
    [
        "020 7946 0018",  # national, with the trunk 0
        "(020) 7946-0018",
        "020.7946.0018",
        "+44 20 7946 0018",  # international
        "+44 (0)20 7946 0018",  # the "(0)" people write
        "+442079460018",  # E.164, as a caller id gives it
        "442079460018",  # E.164 without the "+"
        "0044 20 7946 0018",  # the 00 international prefix
        "00 44 20 7946 0018",
        " 020 7946 0018 ",
        "tel: 020 7946 0018",
        "Tel.: +44-20-7946-0018",
        "📞 020 7946 0018",  # emoji
        "020 7946 0018 🙂",
        "٠٢٠ ٧٩٤٦ ٠٠١٨",  # Arabic-Indic digits
    ],
)
def test_one_uk_number_in_every_format(number: str) -> None:
    assert canonical_digits(number, "GB") == LONDON


def test_the_region_decides_what_a_national_number_is() -> None:
    assert canonical_digits("(212) 555-0100", "US") == "12125550100"
    assert canonical_digits("(212) 555-0100", "GB") == "442125550100"
    assert canonical_digits("212-555-0100", "us") == "12125550100"  # any case
    assert canonical_digits("030 901820", "DE") == "4930901820"
    # A number with its country code is the same number in every region.
    for region in ("GB", "US", "DE", "FR", "JP"):
        assert canonical_digits("+44 20 7946 0018", region) == LONDON
        assert canonical_digits("+1 (212) 555-0100", region) == "12125550100"
    assert canonical_digits("011 44 20 7946 0018", "US") == LONDON  # the US exit code


def test_italian_leading_zero_is_kept() -> None:
    assert canonical_digits("+39 06 1234 5678", "GB") == "390612345678"
    assert canonical_digits("06 1234 5678", "IT") == "390612345678"


def test_default_region_is_the_uk() -> None:
    assert DEFAULT_REGION == "GB"
    assert canonical_digits("020 7946 0018") == LONDON


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("020 7946 0018 ext. 123", LONDON + "123"),
        ("020 7946 0018 x123", LONDON + "123"),
        ("+44 20 7946 0018 ext 123", LONDON + "123"),
        ("+44 20 7946 0018;ext=123", LONDON + "123"),
        # Too long to keep beside the number in the column: the number alone.
        ("020 7946 0018 ext. 12345678901234", LONDON),
    ],
)
def test_extensions_follow_the_number(number: str, digits: str) -> None:
    assert canonical_digits(number, "GB") == digits
    assert len(canonical_digits(number, "GB")) <= MAX_DIGITS


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("", ""),
        ("   ", ""),
        ("call me", ""),
        ("n/a", ""),
        ("🙂", ""),
        ("-", ""),
        ("+", ""),
        ("12", "12"),  # too short for any number
        ("4567", "4567"),  # an internal extension: local only, kept as typed
        ("555-1234", "5551234"),  # a US local number: no area code, kept as typed (in US)
        ("0018", "0018"),
        ("abc 123 def", "123"),
    ],
)
def test_what_is_no_whole_number_keeps_the_digits_typed(number: str, digits: str) -> None:
    region = "US" if number == "555-1234" else "GB"
    assert canonical_digits(number, region) == digits


def test_unknown_region_reads_only_international_numbers() -> None:
    assert canonical_digits("020 7946 0018", "nowhere") == "02079460018"
    assert canonical_digits("020 7946 0018", "") == "02079460018"
    assert canonical_digits("+44 20 7946 0018", "ZZ") == LONDON


def test_very_long_text_is_kept_as_digits() -> None:
    assert canonical_digits("1" * 30, "GB") == "1" * 30  # too long for any number
    assert canonical_digits("9" * 10_000, "GB") == "9" * 10_000
    assert canonical_digits("x" * 100_000, "GB") == ""
    # Text far longer than any written number is not parsed: the digits as typed.
    assert canonical_digits("020 7946 0018 " + "🙂" * 200, "GB") == "02079460018"


def test_phone_digits_are_ascii_digits_only() -> None:
    assert phone_digits("+44 (0)20 7946-0018") == "4402079460018"
    assert phone_digits("٠٢٠") == ""
    assert phone_digits("a1b2c3") == "123"


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("GB", "GB"),
        ("gb", "GB"),
        (" us ", "US"),
        ("UK", "GB"),  # the holidays package's alias
        ("DE", "DE"),
        (None, "GB"),
        ("", "GB"),
        ("XX", "GB"),  # unknown to phonenumbers: the default
        ("GB-ENG", "GB"),
    ],
)
def test_site_region(country: str | None, region: str) -> None:
    assert phone_region(country) == region


def test_site_region_with_another_default() -> None:
    assert phone_region(None, default="US") == "US"
    assert phone_region("FR", default="US") == "FR"


def test_what_a_lookup_treats_as_a_phone_number() -> None:
    assert is_phone_text("020 7946 0018") and is_phone_text("+1 (555) 123-4567")
    assert is_phone_text("555")
    assert not is_phone_text("55") and not is_phone_text("call 555")
    assert not is_phone_text("020 7946 0018 ext. 12")  # letters: a word search
    assert phone_candidates("55") == [] and phone_fragments("55") == []


def test_lookup_candidates_and_fragments() -> None:
    assert phone_candidates("+442079460018") == [LONDON]
    assert phone_candidates("020 7946 0018") == [LONDON, "02079460018"]
    assert phone_fragments("020 7946 0018") == [LONDON, "02079460018", "2079460018"]
    assert phone_fragments("00442079") == ["00442079", "442079"]  # half typed
    assert phone_fragments("7946") == ["7946"]
    assert phone_fragments("000") == ["000"]  # nothing left without the zeros
    # A whole number: its national number too, for rows stored without a country code.
    assert "5551234567" in phone_fragments("+1 555 123 4567")


# ----------------------------------------------------------------------------- properties

PHONEISH = st.text(alphabet=st.sampled_from("0123456789 +-().x/ext;=٠١"), max_size=40)
REGIONS = st.sampled_from(["GB", "US", "DE", "IT", "FR", "IN", "nowhere", ""])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), PHONEISH), REGIONS)
def test_canonical_digits_never_raise_and_are_digits(number: str, region: str) -> None:
    digits = canonical_digits(number, region)
    assert digits == "" or (digits.isascii() and digits.isdigit())
    assert len(digits) <= max(MAX_DIGITS, len(phone_digits(number)))
    phone_candidates(number, region)
    phone_fragments(number, region)


def _significant_digits_start_with_zero(digits: str) -> bool:
    """Whether the number's significant digits (after the country code) begin with zeros,
    what phonenumbers calls an Italian leading zero. Read from a national form such zeros
    are kept ("00000000000" in GB is +44 0000000000); read from the international form they
    are taken for a trunk prefix where one is dialled, and dropped. No real number of such a
    country has them (see the next test), so the round trip is not asked of them."""
    try:
        return bool(phonenumbers.parse("+" + digits).italian_leading_zero)
    except phonenumbers.NumberParseException:
        return False


@settings(max_examples=200, deadline=None)
@given(PHONEISH, REGIONS)
def test_canonical_digits_of_the_e164_form_are_the_same(number: str, region: str) -> None:
    """Written with "+" and the canonical digits, a number read as a whole is itself."""
    digits = canonical_digits(number, region)
    if digits != phone_digits(number) and "x" not in number and "e" not in number:
        assume(not _significant_digits_start_with_zero(digits))
        assert canonical_digits("+" + digits, region) == digits


@pytest.mark.parametrize("region", sorted(phonenumbers.SUPPORTED_REGIONS))
def test_every_regions_own_numbers_read_back_as_themselves(region: str) -> None:
    """phonenumbers' example fixed-line and mobile numbers of every region, written as
    people there write them: the canonical digits, written with "+", are the same number."""
    for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        written = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        digits = canonical_digits(written, region)
        assert canonical_digits("+" + digits, region) == digits, written


# ----------------------------------------------------------------------------- migration 0004


SAMPLES = [
    "020 7946 0018",
    "+44 20 7946 0018",
    "0044 20 7946 0018",
    "(212) 555-0100",
    "555-1234",
    "4567",
    "020 7946 0018 ext. 123",
    "020 7946 0018 ext. 12345678901234",
    "📞 020 7946 0018",
    "٠٢٠ ٧٩٤٦ ٠٠١٨",
    "",
    "call me",
    "9" * 300,
]


def test_the_migrations_copy_agrees_with_the_application() -> None:
    frozen = migration()
    for country in ("GB", "us", "UK", None, "XX", "DE"):
        assert frozen.phone_region(country) == phone_region(country)
        region = phone_region(country)
        for number in SAMPLES:
            assert frozen.canonical_digits(number, region) == canonical_digits(number, region)
    assert frozen.phone_digits("+44 (0)20") == phone_digits("+44 (0)20")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), PHONEISH), REGIONS)
def test_the_migrations_copy_agrees_on_any_text(number: str, region: str) -> None:
    frozen = _FROZEN
    assert frozen.canonical_digits(number, region) == canonical_digits(number, region)


_FROZEN = migration()


INTERNATIONAL = st.builds(
    lambda code, separator, rest: f"+{code}{separator}{rest}",
    st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    st.sampled_from(["", " ", "-", " (", ") ", "/", "."]),
    st.text(alphabet="0123456789 -", max_size=16),
)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(INTERNATIONAL, st.from_regex(r"\+0{0,2}[0-9 ]{1,18}", fullmatch=True)), REGIONS)
def test_numbers_in_international_form_read_without_parse_read_the_same(
    number: str, region: str
) -> None:
    """The quick path for "+44 20 7946 0018" must answer what phonenumbers.parse answers
    (the migration's frozen copy has no quick path)."""
    assert canonical_digits(number, region) == _FROZEN.canonical_digits(number, region)
