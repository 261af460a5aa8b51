"""Mask personal data in free text before it is stored or logged.

Masks fødselsnummer and D-numbers (11 digits, maybe with a space or hyphen after the date part; told
apart by their control digits), bank account numbers (other 11-digit numbers, and 1234.56.78903
or 1234 56 78903), Norwegian phone numbers (8 digits
in the usual groupings, maybe with +47 or 0047), e-mail addresses, and any other run of 9 or more
digits. Dates, times, years, postcodes, amounts and case numbers stay as they are.
"""

from __future__ import annotations

import re

MASKS = {
    "email": "[e-post]",
    "national_id": "[fødselsnummer]",
    "account": "[kontonummer]",
    "phone": "[telefon]",
    "number": "[tall]",
}

# A separator blocks a match only after a digit ("12.03.2024", "2024/12345"), so "tlf:12345678"
# and "fnr.01010012356" are still masked.
_NOT_DIGIT_BEFORE = r"(?<!\d)(?<!\d[.,/:+-])"
_NOT_DIGIT_AFTER = r"(?![\d]|[.,/:-]\d)"
_COUNTRY_CODE = r"(?<![\w+])(?:\+|00) ?47[ -]?"


def _national_id_checks(digits: str) -> bool:
    """The two mod-11 control digits of a fødselsnummer or D-number."""
    numbers = [int(d) for d in digits]
    for weights, position in (((3, 7, 6, 1, 8, 9, 4, 5, 2), 9), ((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), 10)):
        control = 11 - sum(w * n for w, n in zip(weights, numbers)) % 11
        if (0 if control == 11 else control) != numbers[position]:
            return False
    return True


def _eleven_digits(match: re.Match) -> str:
    """11 digits: a fødselsnummer when its control digits say so, else an account number."""
    digits = re.sub(r"\D", "", match.group())
    return MASKS["national_id"] if _national_id_checks(digits) else MASKS["account"]


_PATTERNS = [
    ("email", re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}", re.UNICODE)),
    ("account", re.compile(_NOT_DIGIT_BEFORE + r"\d{4}([ .])\d{2}\1\d{5}" + _NOT_DIGIT_AFTER)),
    ("eleven_digits", re.compile(_NOT_DIGIT_BEFORE + r"\d{6}[ -]?\d{5}" + _NOT_DIGIT_AFTER)),
    (
        "phone",
        re.compile(
            rf"(?:{_COUNTRY_CODE}|{_NOT_DIGIT_BEFORE})"
            + r"(?:\d{8}|\d{3} \d{2} \d{3}|\d{2} \d{2} \d{2} \d{2}|\d{4} \d{4})" + _NOT_DIGIT_AFTER
        ),
    ),
    ("number", re.compile(_NOT_DIGIT_BEFORE + r"\d{9,}" + _NOT_DIGIT_AFTER)),
]


def mask(text: str) -> str:
    """The text with personal data replaced by labels such as [telefon] and [fødselsnummer]."""
    if not text:
        return text
    for kind, pattern in _PATTERNS:
        text = pattern.sub(_eleven_digits if kind == "eleven_digits" else MASKS[kind], text)
    return text
