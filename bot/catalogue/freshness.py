"""Which catalogue entries are due for review: never reviewed, or reviewed longer ago than the
review period, listed per owner (the owner view on the catalogue pages and `bot catalogue stale`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.catalogue.schema import CatalogueFile, PrivateToolEntry, ProcessEntry, ToolEntry

REVIEW_DAYS = 365  # the default review period
NO_OWNER = ""  # the owner of entries that name none
Entry = ToolEntry | PrivateToolEntry | ProcessEntry


@dataclass(frozen=True)
class DueEntry:
    kind: str  # "tool", "private_tool" or "process"
    id: str
    name: str
    owner: str
    reviewed: date | None  # None: never reviewed


def entries_with_kind(catalogue: CatalogueFile) -> list[tuple[str, Entry]]:
    """Every entry with its kind, in the file's section order."""
    kinds: tuple[tuple[str, tuple[Entry, ...]], ...] = (
        ("tool", catalogue.tools),
        ("private_tool", catalogue.private_tools),
        ("process", catalogue.processes),
    )
    return [(kind, entry) for kind, entries in kinds for entry in entries]


def due(catalogue: CatalogueFile, today: date, days: int = REVIEW_DAYS, owner: str | None = None) -> list[DueEntry]:
    """The entries not reviewed within `days` of `today` (of one owner, if given), by owner, the
    oldest review first (never reviewed before all)."""
    if days < 0:
        raise ValueError("the review period cannot be negative")
    oldest_fresh = today - timedelta(days=days)
    found = [
        DueEntry(kind, entry.id, entry.name, entry.owner or NO_OWNER, entry.reviewed)
        for kind, entry in entries_with_kind(catalogue)
        if (entry.reviewed is None or entry.reviewed < oldest_fresh)
        and (owner is None or (entry.owner or NO_OWNER) == owner)
    ]
    return sorted(found, key=lambda e: (e.owner.casefold(), e.reviewed or date.min, e.name.casefold()))


def owners(catalogue: CatalogueFile) -> list[str]:
    """Every owner named in the catalogue, alphabetically."""
    return sorted({entry.owner for _, entry in entries_with_kind(catalogue) if entry.owner}, key=str.casefold)
