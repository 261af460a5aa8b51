"""What counts as a gap: a private tool mentioned in any message, a need no workplace tool covers, or a
suggestion an employee makes («dere burde hatt …»)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.catalogue import snapshot
from bot.language.norwegian import STOP_WORDS, lexicon, words
from bot.privacy.masking import mask

MAX_NEED = 200
# Words around a tool name that are not the name ("kan jeg bruke X", "er X lov").
_NOT_A_NAME = frozenset("bruke bruker brukte lov lovlig greit ok okay app appen program programmet jobb jobben".split())


@dataclass(frozen=True)
class GapNote:
    """A gap the bot noticed in one message (before it is recorded)."""

    kind: str  # "private_tool", "missing_tool" or "suggestion"
    private_tool: str | None = None
    need: str | None = None
    alternatives: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What makes two notes the same gap within one conversation."""
        return f"{self.kind}:{(self.private_tool or self.need or '').casefold()}"


def private_tool_gaps(session: Session, private_tool_ids: list[str]) -> list[GapNote]:
    notes = []
    for tool_id in private_tool_ids:
        tool = snapshot.view(session).private_tools.get(tool_id)
        if tool is not None:
            notes.append(
                GapNote("private_tool", private_tool=tool.id, need=tool.category, alternatives=tool.alternatives)
            )
    return notes


def missing_tool_gap(text: str) -> GapNote:
    return GapNote("missing_tool", need=mask(" ".join(text.split()))[:MAX_NEED])


def suggestion_gap(text: str) -> GapNote:
    """A suggestion, its masked words as the need (grouped with suggestions that mean the same)."""
    return GapNote("suggestion", need=mask(" ".join(text.split()))[:MAX_NEED])


def unknown_tool_name(text: str) -> str | None:
    """The likely name of a tool the catalogue does not know, as written ("kan jeg bruke Mentimeter?")."""
    candidates = [
        word
        for word in text.replace("?", " ").replace("!", " ").split()
        if (w := word.strip(".,:;«»\"'()").casefold())
        and w not in STOP_WORDS
        and w not in _NOT_A_NAME
        and len(w) >= 3
        and not lexicon().is_word(w)
        and all(part not in STOP_WORDS for part in words(w))
    ]
    if not candidates:
        return None
    capitalised = [c for c in candidates if c[:1].isupper()]
    return (capitalised or candidates)[0].strip(".,:;«»\"'()")


def unknown_private_tool_gap(text: str) -> GapNote | None:
    name = unknown_tool_name(text)
    return GapNote("private_tool", private_tool=name, need="ukjent verktøy") if name else None
