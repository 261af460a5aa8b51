"""What the `bot` command groups share: the usage error, reading an input file, a --since date."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


class UsageError(Exception):
    """A problem the user can fix; printed without a stack trace."""


def read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"No such file: {path}")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from None


def since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since takes a date as YYYY-MM-DD, got {value!r}") from None
