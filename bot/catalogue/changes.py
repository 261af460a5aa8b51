"""Changes to one catalogue entry at a time, each with an audit record (`catalogue_changes`).

A file import (bot.catalogue.store) applies a whole file and is not recorded here; these are the
small edits made between imports, such as a trainer attaching an inbox message to the tool or
process that should have answered it. Every change is made in the caller's transaction and bumps
the catalogue revision, so the assistant answers with it from the next message after the commit
(bot.catalogue.snapshot), and `bot catalogue export` includes it, since it is in the tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalogue import models as m
from bot.catalogue import store
from bot.message_text import storable
from bot.privacy.masking import MASKS, mask

# A process's phrase becomes an alias, a String(NAME_LENGTH) column; a tool's task (Text) gets the
# same limit, so a phrase fits either, and stays a phrase rather than a paragraph.
MAX_PHRASE = m.NAME_LENGTH
_TRAILING = " ?!."

# Where a phrase goes: a tool's tasks say what it is for; a process has no tasks, and search reads
# its name and aliases as what it is for.
_TARGETS = {
    "tool": (m.Tool, "tasks", m.ToolTask, "task_added"),
    "process": (m.Process, "aliases", m.ProcessAlias, "alias_added"),
}
PHRASE_KINDS = tuple(_TARGETS)


class ChangeError(ValueError):
    """A change that cannot be made; `field` names the input at fault ("entry" or "phrase")."""

    field = ""


class EntryError(ChangeError):
    field = "entry"


class PhraseError(ChangeError):
    field = "phrase"


@dataclass(frozen=True)
class PhraseAdded:
    entry_kind: str  # "tool" or "process"
    entry_id: str
    entry_name: str
    field: str  # "tasks" or "aliases"
    phrase: str  # as stored (cleaned)
    added: bool  # False when the entry had it already: nothing changed
    change: m.CatalogueChange | None  # the audit record, when something changed


def _squeezed(text: str) -> str:
    return " ".join(storable(text).split()).rstrip(_TRAILING)


def _same(text: str) -> str:
    """What two phrases are compared by: case, spacing and trailing ?!. do not count."""
    return _squeezed(text).casefold()


def clean_phrase(text: str) -> str:
    """The phrase as it is stored: one space between words, no trailing ?!. (raises PhraseError
    when it is empty, too long, or holds personal data or the masks that replaced it)."""
    phrase = _squeezed(text or "")
    if not phrase:
        raise PhraseError("The phrase is empty.")
    masked = [label for label in MASKS.values() if label in mask(phrase)]
    if masked:
        raise PhraseError(
            f"The phrase contains personal data or the mask that replaced it ({', '.join(masked)}); write it without."
        )
    if len(phrase) > MAX_PHRASE:
        raise PhraseError(f"The phrase is {len(phrase)} characters long; at most {MAX_PHRASE} are allowed.")
    return phrase


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def record(
    session: Session,
    *,
    by: str,
    entry_kind: str,
    entry_id: str,
    action: str,
    field: str | None = None,
    before=None,
    after=None,
    inbox_item_id: int | None = None,
) -> m.CatalogueChange:
    """Add an audit record of one change to one entry (before/after: any JSON value, None for
    what did not exist)."""
    if entry_kind not in m.ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {entry_kind!r}")
    change = m.CatalogueChange(
        changed_at=datetime.now(timezone.utc),
        changed_by=by,
        entry_kind=entry_kind,
        entry_id=entry_id,
        action=action,
        field=field,
        before_json=_json(before),
        after_json=_json(after),
        inbox_item_id=inbox_item_id,
    )
    session.add(change)
    return change


def history(session: Session, entry_kind: str, entry_id: str) -> list[m.CatalogueChange]:
    """The entry's recorded changes, oldest first."""
    return list(
        session.scalars(
            select(m.CatalogueChange)
            .where(m.CatalogueChange.entry_kind == entry_kind, m.CatalogueChange.entry_id == entry_id)
            .order_by(m.CatalogueChange.changed_at, m.CatalogueChange.id)
        )
    )


def entry_label(entry_kind: str) -> str:
    return {"tool": "workplace tool", "private_tool": "private tool", "process": "process"}.get(entry_kind, entry_kind)


def add_phrase(
    session: Session,
    entry_kind: str,
    entry_id: str,
    phrase: str,
    *,
    by: str,
    inbox_item_id: int | None = None,
) -> PhraseAdded:
    """Add `phrase` to a tool's tasks or a process's aliases, unless the entry has it already
    (compared without case, spacing and trailing ?!.; a process's name counts too). Records the
    change and bumps the catalogue revision; the caller commits."""
    if entry_kind not in _TARGETS:
        raise EntryError(f"A phrase can be added to a workplace tool or a process, not to a {entry_label(entry_kind)}.")
    model, field, child, action = _TARGETS[entry_kind]
    phrase = clean_phrase(phrase)
    # Locked (PostgreSQL), so two trainers adding to one entry at once take turns.
    row = session.get(model, entry_id, with_for_update=True) if entry_id else None
    if row is None:
        raise EntryError(f"There is no {entry_label(entry_kind)} with the id {entry_id!r}.")
    before = [item.value for item in getattr(row, field)]
    taken = {_same(value) for value in before} | ({_same(row.name)} if entry_kind == "process" else set())
    if _same(phrase) in taken:
        return PhraseAdded(entry_kind, row.id, row.name, field, phrase, False, None)
    getattr(row, field).append(child(value=phrase))
    row.updated_at = datetime.now(timezone.utc)
    change = record(
        session,
        by=by,
        entry_kind=entry_kind,
        entry_id=row.id,
        action=action,
        field=field,
        before=before,
        after=[*before, phrase],
        inbox_item_id=inbox_item_id,
    )
    session.flush()
    store.bump_revision(session)
    return PhraseAdded(entry_kind, row.id, row.name, field, phrase, True, change)
