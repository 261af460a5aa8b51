"""Mask personal data in free text before it is stored or logged.

- [fødselsnummer]: fødselsnummer and D-numbers. 11 digits together or with one separator after
  the date (150385 10190, 150385–10190, 150385.10190, 150385 - 10190); with the date spaced or
  dotted (15 03 85 10190, 15.03.85-10190, 150385 101 90) or its year in full (15.03.1985 10190)
  only when the two mod-11 control digits are right; five digits after «personnummer»/«pnr».
- [kontonummer]: 11 digits together or 6 + 5 whose control digits are wrong, 4 + 2 + 5 digits
  with any separators (1234.56.78903, 1234-56-78903, 1234 5678903), IBANs that pass their
  mod-97 check.
- [telefon]: 8 digits starting with 2-7 or 9 (8xx are service numbers), together (unless they
  read as a date, 20240312) or grouped 3 2 3, 3 3 2 or 2 2 2 2 with one kind of separator, or
  4 4 with a space; any 8 digits after 0047; any number after + (+47 987 65 432, +46 70 …,
  (+47) 412 34 567, +47 (0)22 33 44 55).
  Not 2 3 3 (98 765 432): amounts are written so (12 500 000).
- [e-post]: e-mail addresses, also written with (at), [at], {at}, « @ », « at » (when the part
  before it has a dot, underscore or digit) and (dot) / [dot].
- [tall]: card numbers in 4-digit groups and any other run of 9 or more digits, except a
  9-digit organisation number with a valid control digit right after «org.nr» and the like.

Dates, times, years, postcodes, amounts, case numbers, 3-3-3 groups and shorter numbers stay.
Why these and not others, with measured recall and precision: docs/security.md,
bench/masking.py.

Every pattern takes linear time: it starts only where a run of digits or word characters starts
(a look-behind) or at a fixed character (+, @), and what it reads from there is bounded or
read once.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MASKS = {
    "email": "[e-post]",
    "national_id": "[fødselsnummer]",
    "account": "[kontonummer]",
    "phone": "[telefon]",
    "number": "[tall]",
}

_DASH = "\\-\u2010-\u2015\u2212"  # hyphen, the Unicode hyphens and dashes (– —), minus
_SPACE = " \u00a0\u2009\u202f"  # space, no-break, thin and narrow no-break space
_SEP = f"[{_SPACE}.{_DASH}]"  # one separator between groups of digits
_WIDE_DASH = f"[{_SPACE}][{_DASH}][{_SPACE}]"  # 150385 - 10190
# A number starts where no digit (or digit and separator: 12.03.2024, 3,14) comes before it and
# ends where none follows, so "tlf:12345678" and "fnr.01010012356" are still masked.
_NOT_DIGIT_BEFORE = rf"(?<!\d)(?<!\d[.,:+{_DASH}])"
_NOT_DIGIT_AFTER = rf"(?!\d|[.,:{_DASH}]\d)"
_DAY, _MONTH, _YEAR = r"(?:0[1-9]|[12]\d|3[01])", r"(?:0[1-9]|1[0-2])", r"(?:19|20)\d\d"
_DATE_8_DIGITS = f"(?:{_YEAR}{_MONTH}{_DAY}|{_DAY}{_MONTH}{_YEAR})"  # 20240312, 25122024: not phones

_EMAIL_DOT = r"(?:\.|\s?[(\[{]\s?(?i:dot|punktum|prikk)\s?[)\]}]\s?)"
_EMAIL = re.compile(
    r"(?<![\w.%+-])(?:"
    r"[\w.%+-]+(?:\s?@\s?|\s?[(\[{]\s?(?i:at|@)\s?[)\]}]\s?)"  # ola@, ola (at), ola[at]
    r"|(?:[^\W\d_]|[%+-])*[._\d][\w.%+-]*\s(?i:at)\s"  # ola.nordmann at (not "sjekk at")
    rf")[\w-]+(?:{_EMAIL_DOT}[\w-]+)*{_EMAIL_DOT}[a-zA-Z]{{2,}}"
)
_IBAN = re.compile(r"(?<!\w)[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])")
_ACCOUNT = re.compile(_NOT_DIGIT_BEFORE + rf"\d{{4}}{_SEP}\d{{2}}{_SEP}?\d{{5}}" + _NOT_DIGIT_AFTER)
_DATE_SEP = f"[{_SPACE}./{_DASH}]"
_NATIONAL_ID = re.compile(
    _NOT_DIGIT_BEFORE + "(?:"
    rf"(?P<together>\d{{6}}(?:{_SEP}|{_WIDE_DASH})?\d{{5}})"  # 15038510190, 150385–10190
    rf"|\d\d{_DATE_SEP}?\d\d{_DATE_SEP}?(?:19|20)?\d\d"  # 15 03 85, 15.03.1985
    rf"(?:{_SEP}|{_WIDE_DASH})?(?:\d{{5}}|\d{{3}}{_SEP}\d\d)"  # 10190, 101 90
    ")" + _NOT_DIGIT_AFTER
)
_PERSONAL_NUMBER = re.compile(
    r"(?i)(?<!\w)(?P<word>personnummer(?:et)?|personnr|pnr)(?P<gap>[.:]*\s*(?:er\s+)?)\d{5}(?!\d)"
)
_CARD = re.compile(_NOT_DIGIT_BEFORE + r"\d{4}(?P<sep>[ -])\d{4}(?P=sep)\d{4}(?P=sep)\d{4}" + _NOT_DIGIT_AFTER)
_PHONE = re.compile(
    r"(?:(?<![\w+])"  # after + (or in brackets): +47 …, +46 …, (+47) …, +47 (0)…
    rf"(?:\(\+\d{{1,3}}\){_SEP}?|\+\d{{1,3}}{_SEP}?\(0\){_SEP}?|\+)\d(?:{_SEP}?\d){{6,13}}"
    rf"|(?:(?<![\w+])0047{_SEP}?|{_NOT_DIGIT_BEFORE}(?=[2-79])(?!{_DATE_8_DIGITS}(?!\d)))"  # 8 digits
    rf"(?:\d{{8}}|\d{{3}}(?P<a>{_SEP})\d\d(?P=a)\d{{3}}|\d{{3}}(?P<b>{_SEP})\d{{3}}(?P=b)\d\d"
    rf"|\d\d(?P<c>{_SEP})\d\d(?P=c)\d\d(?P=c)\d\d|\d{{4}}[{_SPACE}]\d{{4}}))" + _NOT_DIGIT_AFTER
)
_LONG_NUMBER = re.compile(
    r"(?:(?P<org>(?i:(?<!\w)(?:org(?:anisasjons|\.)?\s?(?:nr|nummer)|foretaksnummer))[\s.:]*))?"
    + _NOT_DIGIT_BEFORE
    + r"\d{9,}"
    + _NOT_DIGIT_AFTER
)


def _control_digit(digits: str, weights: tuple[int, ...]) -> int:
    """The mod-11 control digit for `digits` (10 when there is none: no valid number has it)."""
    control = 11 - sum(w * int(d) for w, d in zip(weights, digits)) % 11
    return 0 if control == 11 else control


def _national_id_checks(digits: str) -> bool:
    """The two control digits of a fødselsnummer or D-number."""
    return _control_digit(digits, (3, 7, 6, 1, 8, 9, 4, 5, 2)) == int(digits[9]) and _control_digit(
        digits, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    ) == int(digits[10])


def _national_id(match: re.Match) -> str:
    """A fødselsnummer when its control digits say so; 11 digits together (or 6 + 5) that are not
    one are an account number; a spaced date and digits that are not one stay."""
    digits = re.sub(r"\D", "", match.group())
    if len(digits) == 13:  # the year in full: 15.03.1985 10190
        digits = digits[:4] + digits[6:]
    if _national_id_checks(digits):
        return MASKS["national_id"]
    return MASKS["account"] if match.group("together") else match.group()


def _iban_checks(text: str) -> bool:
    """The check digits of an IBAN (ISO 13616: mod 97); Norway's 15 characters are the fewest."""
    compact = text.replace(" ", "").upper()
    return len(compact) >= 15 and int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1


def _iban(match: re.Match) -> str:
    """An IBAN whose check digits are right, also when the next word was read as its last group
    (SE45 5000 0000 0583 9825 7466 er …); else the text as it was."""
    text = match.group()
    for end in (len(text), text.rfind(" ")):
        if end > 0 and _iban_checks(text[:end]):
            return MASKS["account"] + text[end:]
    return text


def _long_number(match: re.Match) -> str:
    """[tall], unless an organisation number with a right control digit follows its name."""
    org = match.group("org")
    digits = match.group()[len(org or "") :]
    if org and len(digits) == 9 and _control_digit(digits, (3, 2, 7, 6, 5, 4, 3, 2)) == int(digits[8]):
        return match.group()
    return (org or "") + MASKS["number"]


_REPLACEMENTS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (_EMAIL, MASKS["email"]),
    (_IBAN, _iban),
    (_ACCOUNT, MASKS["account"]),
    (_NATIONAL_ID, _national_id),
    (_PERSONAL_NUMBER, rf"\g<word>\g<gap>{MASKS['national_id']}"),
    (_CARD, MASKS["number"]),
    (_PHONE, MASKS["phone"]),
    (_LONG_NUMBER, _long_number),
]


def mask(text: str) -> str:
    """The text with personal data replaced by labels such as [telefon] and [fødselsnummer]."""
    if not text:
        return text
    for pattern, replacement in _REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return text
