"""Redaction, property-based: every valid identifier, written the way people and speech-to-text
write it, in any surrounding words, is gone from what is stored.

Hypothesis generates the identifiers (checksum-valid BSNs, Dutch and other IBANs, Dutch mobile
numbers, e-mail addresses), a written form for each (groups, single characters, spaces, dashes,
dots, lower case) and the words around them, and shrinks any failure to its smallest example.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.nl import bsn as std_bsn

from agent_desk.redact import redact

# Words with no digits, so that digits in the output can only come from an identifier.
_WORDS = st.sampled_from(
    [
        "mijn",
        "mn",
        "rekeningnummer",
        "is",
        "het",
        "nummer",
        "van",
        "de",
        "klant",
        "graag",
        "my",
        "account",
        "number",
        "please",
        "bsn",
        "iban",
        "bel",
        "me",
        "op",
        "call",
        "me",
        "on",
        "e-mail",
        "mail",
        "dank",
        "je",
        "wel",
        "thanks",
        ",",
        ".",
        ":",
        ";",
        "(",
        ")",
        "-",
    ]
)
_CONTEXT = st.lists(_WORDS, max_size=6).map(" ".join)
_SEPARATOR = st.sampled_from(["", " ", "-", "."])


def _bsns() -> st.SearchStrategy[str]:
    def complete(digits: list[int]) -> str | None:
        # The eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11.
        last = sum((9 - i) * d for i, d in enumerate(digits)) % 11
        number = "".join(map(str, digits)) + str(last)
        return number if last < 10 and std_bsn.is_valid(number) else None

    return (
        st.lists(st.integers(0, 9), min_size=8, max_size=8)
        .map(complete)
        .filter(lambda n: n is not None)
        .map(str)
    )


def _ibans() -> st.SearchStrategy[str]:
    letters = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4)
    digits = st.text("0123456789", min_size=10, max_size=10)
    dutch = st.builds(lambda bank, acct: f"NL??{bank}{acct}", letters, digits)
    german = st.text("0123456789", min_size=18, max_size=18).map(lambda b: f"DE??{b}")
    belgian = st.text("0123456789", min_size=12, max_size=12).map(lambda b: f"BE??{b}")

    def with_check(number: str) -> str:
        return number[:2] + std_iban.calc_check_digits(number) + number[4:]

    return st.one_of(dutch, german, belgian).map(with_check).filter(std_iban.is_valid)


def _written(compact: str, draw: st.DrawFn, group: int) -> str:
    """``compact`` as a person or a transcriber writes it: in groups of ``group`` characters
    (or one by one), with one kind of separator, possibly in lower case."""
    sep = draw(_SEPARATOR)
    size = draw(st.sampled_from([group, 1, len(compact)]))
    text = sep.join(compact[i : i + size] for i in range(0, len(compact), size))
    return text.lower() if draw(st.booleans()) else text


@st.composite
def _bsn_in_text(draw: st.DrawFn) -> tuple[str, str]:
    bsn = draw(_bsns())
    written = _written(bsn, draw, 3)
    return bsn, f"{draw(_CONTEXT)} {written} {draw(_CONTEXT)}".strip()


@st.composite
def _iban_in_text(draw: st.DrawFn) -> tuple[str, str]:
    iban = draw(_ibans())
    written = _written(iban, draw, 4)
    end = draw(st.sampled_from(["", ".", ",", "?"]))
    return iban, f"{draw(_CONTEXT)} {written}{end} {draw(_CONTEXT)}".strip()


@st.composite
def _mobile_in_text(draw: st.DrawFn) -> tuple[str, str]:
    rest = draw(st.text("0123456789", min_size=7, max_size=7))
    subscriber = draw(st.sampled_from("12345")) + rest  # 06-1 ... 06-5: Dutch mobile ranges
    prefix = draw(st.sampled_from(["06", "06-", "06 ", "+31 6 ", "+316", "0031 6 ", "+31 (0)6 "]))
    grouped = draw(st.sampled_from([subscriber, " ".join(re.findall("..", subscriber))]))
    return subscriber, f"{draw(_CONTEXT)} {prefix}{grouped} {draw(_CONTEXT)}".strip()


@st.composite
def _card_in_text(draw: st.DrawFn) -> tuple[str, str]:
    prefix = draw(st.sampled_from(["4", "51", "55", "2221", "34", "37", "6011"]))
    length = (
        15 if prefix in ("34", "37") else draw(st.sampled_from([16, 19] if prefix == "4" else [16]))
    )
    body = prefix + draw(
        st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)
    )
    number = body + luhn.calc_check_digit(body)
    written = _written(number, draw, 4)
    return number, f"{draw(_CONTEXT)} {written} {draw(_CONTEXT)}".strip()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@settings(max_examples=300, deadline=None)
@given(_bsn_in_text())
def test_a_valid_bsn_never_survives(case: tuple[str, str]) -> None:
    bsn, text = case
    out = redact(text)
    assert "[BSN]" in out
    assert bsn not in _digits(out)


@settings(max_examples=300, deadline=None)
@given(_iban_in_text())
def test_a_valid_iban_never_survives(case: tuple[str, str]) -> None:
    iban, text = case
    out = redact(text)
    assert "[IBAN]" in out
    assert iban[4:] not in re.sub(r"[^0-9A-Z]", "", out.upper())


@settings(max_examples=300, deadline=None)
@given(_mobile_in_text())
def test_a_dutch_mobile_number_never_survives(case: tuple[str, str]) -> None:
    subscriber, text = case
    out = redact(text)
    # Gone, though not always as [TEL]: where the phone matcher rejects the context (a lone
    # "(" before "+31 6 ..."), nine of its digits pass the eleven-test and go as [BSN].
    assert subscriber not in _digits(out)


@settings(max_examples=300, deadline=None)
@given(_card_in_text())
def test_a_payment_card_number_never_survives(case: tuple[str, str]) -> None:
    number, text = case
    out = redact(text)
    assert "[CREDITCARD]" in out
    assert number not in _digits(out)


@settings(max_examples=200, deadline=None)
@given(
    st.emails().filter(lambda e: "@" in e and "." in e.split("@")[1]),
    _CONTEXT,
    _CONTEXT,
)
def test_an_email_address_never_survives(address: str, before: str, after: str) -> None:
    out = redact(f"{before} {address} {after}")
    assert "[E-MAIL]" in out
    assert address not in out


@settings(max_examples=300, deadline=None)
@given(_CONTEXT)
def test_words_without_identifiers_are_kept_as_they_are(text: str) -> None:
    assert redact(text) == text
