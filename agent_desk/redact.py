"""Redaction of personal identifiers in free text an agent types (override reasons, brake cases,
consent notes) before anything is stored or sent.

Replacement labels are one neutral set that reads the same in Dutch and English:
``[E-MAIL]``, ``[IBAN]``, ``[BSN]``, ``[TEL]`` and ``[CREDITCARD]``. Identifiers are recognised by
validation, not by shape alone: a BSN must pass the eleven-test (python-stdnum), an IBAN its
mod-97 check in any country (python-stdnum), a phone number must be a valid number for the
Netherlands or, written with a ``+`` or ``00`` prefix, for any country (phonenumbers), a payment
card number its Luhn check and a card scheme's prefix. Numbers that fail their checksum
are left alone, so order numbers and amounts survive. Input is bounded: text beyond
:data:`MAX_CHARS` is cut off before it is scanned.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.nl import bsn as std_bsn

#: Longer text is truncated before redaction (bounded work, bounded storage).
MAX_CHARS = 10_000
_OVERLAP = 64

EMAIL = "[E-MAIL]"
IBAN = "[IBAN]"
BSN = "[BSN]"
PHONE = "[TEL]"
CARD = "[CREDITCARD]"

# The local part takes every character RFC 5322 allows unquoted ("o'brien@", "a=b@").
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# An IBAN starts with a country code and two check digits; the rest is 11-30 letters or digits,
# often written in groups of four. People and speech-to-text put a single space, dash or dot
# between any two characters ("NL91-ABNA-...", "NL 91 ABNA ...", "n l 9 1 a b n a ...").
# Candidates are validated, longest first.
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][ .-]?[A-Za-z][ .-]?\d[ .-]?\d")
_IBAN_BODY = re.compile(r"(?:[ .-]?[A-Za-z0-9]){11,30}")
_IBAN_SEPARATORS = " .-"
# Nine digits, optionally split by single spaces, dots or dashes (123.456.782, 1234 56 782).
_BSN = re.compile(r"(?<![\d.,-])(?<!\d[ .-])(?:\d[ .-]?){8}\d(?![\d])(?![.,-]\d)")


# A payment card number: 13-19 digits, often in groups split by single spaces, dashes or dots.
_CARD = re.compile(r"(?<![\d.,-])(?<!\d[ .-])\d(?:[ .-]?\d){12,18}(?!\d)(?![ .,-]\d)")
# Issuer prefixes of the card schemes used in the Netherlands (Visa, Mastercard, Maestro,
# American Express, Diners, Discover): with the Luhn check this keeps order numbers out.
_CARD_PREFIX = re.compile(r"^(?:4|5[0-9]|2[2-7]|3[47]|36|6)")


def _redact_cards(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return CARD if _CARD_PREFIX.match(digits) and luhn.is_valid(digits) else match.group(0)

    return _CARD.sub(replace, text)


def _redact_ibans(text: str) -> str:
    out: list[str] = []
    pos = 0
    for start in _IBAN_START.finditer(text):
        if start.start() < pos:
            continue
        body = _IBAN_BODY.match(text, start.end())
        if body is None:
            continue
        # Try the longest candidate that ends on a token boundary and validates.
        end = body.end()
        found = None
        while end - start.start() >= 15:
            candidate = text[start.start() : end]
            boundary = end == len(text) or not text[end].isalnum()
            if boundary and candidate[-1] not in _IBAN_SEPARATORS and std_iban.is_valid(candidate):
                found = end
                break
            end -= 1
        if found is not None:
            out.append(text[pos : start.start()])
            out.append(IBAN)
            pos = found
    out.append(text[pos:])
    return "".join(out)


def _redact_bsns(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return BSN if std_bsn.is_valid(digits) else match.group(0)

    return _BSN.sub(replace, text)


def _redact_phones(text: str, *, international_only: bool = False) -> str:
    spans = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID)
        if not international_only or m.raw_string.startswith(("+", "00"))
    ]
    for start, end in reversed(spans):
        text = text[:start] + PHONE + text[end:]
    return text


def redact(text: str) -> str:
    """``text`` (truncated to :data:`MAX_CHARS`) with e-mail addresses, IBANs, BSNs and phone
    numbers replaced by their labels, and payment card numbers. E-mail goes first (addresses
    may hold digits), then IBAN (its digits would otherwise look like a BSN or phone number),
    then card numbers (Luhn-checked, 13-19 digits), then phone numbers written
    with an international prefix ("+31 (0)6 30368193": its last nine digits can pass the
    eleven-test), then BSN, then the other phone numbers."""
    # Scan a little beyond the limit, so a number straddling it is still recognised whole.
    text = text[: MAX_CHARS + _OVERLAP]
    text = _EMAIL.sub(EMAIL, text)
    text = _redact_ibans(text)
    text = _redact_cards(text)
    text = _redact_phones(text, international_only=True)
    text = _redact_bsns(text)
    return _redact_phones(text)[:MAX_CHARS]
