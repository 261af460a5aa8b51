"""Every text employees see, in bokmål (nb) and nynorsk (nn): one home, the YAML files beside this
module (one per area: `handoff.yml`, `answers.yml`, …), each mapping a key to its text in both
standards. Code picks a key and fills in values; it never holds the words itself.

    text("handoff.offer", "nn", desk="IT-servicesenteret")

A key's texts use `{name}` placeholders (str.format). tests/language/test_texts.py fails when a
text exists in one standard only, when a key appears in two files, or when the two standards
name different placeholders.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

STANDARDS = ("nb", "nn")  # bokmål, nynorsk: Norway's two written standards
DEFAULT_STANDARD = "nb"
FOLDER = Path(__file__).resolve().parent


class UnknownText(KeyError):
    """A key no file in bot/texts holds: a programming error, caught by the tests."""


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key with its texts by standard, from all files in bot/texts (read once)."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(FOLDER.glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, by_standard in entries.items():
            if key in found:
                raise ValueError(f"{path.name}: the text {key!r} is defined twice")
            found[key] = {standard: str(value) for standard, value in (by_standard or {}).items()}
    return found


def placeholders(template: str) -> set[str]:
    """The names a text fills in: {"tool"} for "Bruk {tool}."."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def text(key: str, standard: str = DEFAULT_STANDARD, /, **values: Any) -> str:
    """The text for `key` in `standard` (nb or nn), with `values` filled in."""
    try:
        by_standard = catalogue()[key]
    except KeyError:
        raise UnknownText(key) from None
    template = by_standard.get(standard) or by_standard[DEFAULT_STANDARD]
    return template.format(**values) if values else template
