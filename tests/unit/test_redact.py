"""Identifier redaction: what an agent types is stored without BSN, IBAN, phone or e-mail."""

from __future__ import annotations

import re

import pytest

from agent_desk.redact import MAX_CHARS, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mijn BSN is 111222333.", "Mijn BSN is [BSN]."),
        ("bsn 123456782 klopt", "bsn [BSN] klopt"),
        ("met punten 123.456.782", "met punten [BSN]"),
        ("met spaties 1234 56 782 toch", "met spaties [BSN] toch"),
        ("met spaties 123 456 782", "met spaties [BSN]"),
    ],
)
def test_checksum_valid_bsn_is_redacted_in_every_written_form(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ordernummer 123456789",  # fails the eleven-test
        "klantnummer 1234567890",  # ten digits: not a BSN
        "bedrag 1500 euro op 12-03-2024",
        "ik heb 3 kinderen en 2 honden",
    ],
)
def test_numbers_that_are_not_identifiers_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rekening NL91ABNA0417164300", "rekening [IBAN]"),
        ("rekening NL91 ABNA 0417 1643 00 graag", "rekening [IBAN] graag"),
        ("lowercase nl91abna0417164300.", "lowercase [IBAN]."),
        ("DE89 3704 0044 0532 0130 00 en GB82 WEST 1234 5698 7654 32", "[IBAN] en [IBAN]"),
        ("FR1420041010050500013M02606", "[IBAN]"),
        # Written with dashes or dots, or as speech-to-text gives a dictated number.
        ("IBAN: NL91-ABNA-0417-1643-00", "IBAN: [IBAN]"),
        ("iban NL 91 ABNA 0417 1643 00.", "iban [IBAN]."),
        ("n l 9 1 a b n a 0 4 1 7 1 6 4 3 0 0 klopt dat", "[IBAN] klopt dat"),
    ],
)
def test_valid_ibans_of_any_country_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_iban_with_a_bad_check_digit_is_not_mistaken_for_one() -> None:
    assert redact("NL92ABNA0417164300 klopt niet") == "NL92ABNA0417164300 klopt niet"


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 12345678",
        "0612345678",
        "06 12 34 56 78",
        "+31 6 1234 5678",
        "+31612345678",
        "0031 6 12345678",
        "020-1234567",
        "020 123 4567",
        "+44 20 7946 0958",
        "+32 2 555 12 12",
    ],
)
def test_dutch_and_international_phone_numbers_are_redacted(number: str) -> None:
    out = redact(f"bel mij op {number} vanmiddag")
    assert out == "bel mij op [TEL] vanmiddag"


def test_email_addresses_are_redacted() -> None:
    out = redact("mail naar jan.de-vries+bank@example.co.uk of j@x.nl.")
    assert out == "mail naar [E-MAIL] of [E-MAIL]."


def test_no_digit_of_any_identifier_survives_in_a_mixed_reason() -> None:
    reason = (
        "Klant vroeg zelf om de kaart; BSN 111 222 333, IBAN NL91 ABNA 0417 1643 00, "
        "terugbellen op +31 6 1234 5678 of mail klant123@voorbeeld.nl"
    )
    out = redact(reason)
    assert re.search(r"\d", out) is None, out
    for label in ("[BSN]", "[IBAN]", "[TEL]", "[E-MAIL]"):
        assert label in out


def test_input_is_bounded() -> None:
    out = redact("a" * (MAX_CHARS * 3) + " 06-12345678")
    assert len(out) == MAX_CHARS
    assert "1234" not in out


def test_a_number_across_the_limit_leaks_no_digits() -> None:
    out = redact("a" * (MAX_CHARS - 5) + " 06-12345678 en meer")
    assert len(out) == MAX_CHARS
    assert not re.search(r"\d", out)


def test_a_phone_number_with_a_country_prefix_is_a_phone_number_not_a_bsn() -> None:
    # Its last nine digits, "6 30368193", pass the eleven-test.
    assert redact("bel +31 (0)6 30368193 graag") == "bel [TEL] graag"


def test_an_email_address_with_rfc_punctuation_in_its_name_is_redacted() -> None:
    assert redact("mail o'brien@example.ie of a=b@example.nl") == "mail [E-MAIL] of [E-MAIL]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kaart 4111 1111 1111 1111 graag", "kaart [CREDITCARD] graag"),
        ("card 5555-5555-5555-4444.", "card [CREDITCARD]."),
        ("amex 3782 822463 10005", "amex [CREDITCARD]"),
    ],
)
def test_payment_card_numbers_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails the Luhn check
        "ordernummer 1234567890123456",  # no card scheme starts with 1
    ],
)
def test_long_numbers_that_are_not_cards_are_kept(text: str) -> None:
    assert redact(text) == text
