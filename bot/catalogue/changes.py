"""Changes to one catalogue entry at a time, each with an audit record (`catalogue_changes`).

A file import (bot.catalogue.store) applies a whole file and is not recorded here; these are the
edits made between imports: a trainer attaching an inbox message to the tool or process that
should have answered it, and IT creating, editing or removing a whole entry on the catalogue pages
(validated by the file format's own rules, bot.catalogue.schema). Every change is made in the caller's transaction and bumps
the catalogue revision, so the assistant answers with it from the next message after the commit
(bot.catalogue.snapshot), and `bot catalogue export` includes it, since it is in the tables.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalogue import models as m
from bot.catalogue import schema, store
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


# --- whole entries, as IT edits them on the catalogue pages ----------------------------------

SECTION_OF = {"tool": "tools", "private_tool": "private_tools", "process": "processes"}
_GETTERS = {"tool": store.get_tool, "private_tool": store.get_private_tool, "process": store.get_process}
_MODELS = {"tool": m.Tool, "private_tool": m.PrivateTool, "process": m.Process}


class EntryProblems(ChangeError):
    """The entry breaks the file format's rules: `problems` are schema.Problem, each at its field."""

    def __init__(self, problems: list[schema.Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def _invalid(field: str, english: str, norwegian: str) -> EntryProblems:
    return EntryProblems([schema.Problem(english, field=field, norwegian=norwegian)])


def read_entry(session: Session, entry_kind: str, entry_id: str):
    """The entry as the file format has it (schema.ToolEntry …), or None."""
    return _GETTERS[entry_kind](session, entry_id)


def save_entry(session: Session, entry_kind: str, fields: dict, *, by: str, creating: bool):
    """Create or update one entry from its fields (as a file entry: lists for list fields),
    validated by the file format's rules against the database's tools; records the change with the
    whole entry before and after and bumps the catalogue revision (bot.catalogue.store), in the
    caller's transaction. Raises EntryProblems."""
    section = SECTION_OF[entry_kind]
    try:
        catalogue = schema.validate(
            {"version": schema.FORMAT_VERSION, section: [fields]}, known_tool_ids=store.known_tool_ids(session)
        )
    except schema.CatalogueError as error:
        raise EntryProblems(error.problems) from None
    [entry] = getattr(catalogue, section)
    model = _MODELS[entry_kind]
    existing = session.get(model, entry.id, with_for_update=True)
    if creating and existing is not None:
        raise _invalid("id", "is taken", f"Id-en «{entry.id}» er i bruk allerede. Velg en annen.")
    if not creating and existing is None:
        raise EntryError(f"There is no {entry_label(entry_kind)} with the id {entry.id!r}.")
    before = schema.entry_fields(read_entry(session, entry_kind, entry.id)) if existing is not None else None
    after = schema.entry_fields(entry)
    if before == after:
        return entry, None
    store.import_catalogue(session, dataclasses.replace(schema.CatalogueFile(), **{section: (entry,)}))
    change = record(
        session,
        by=by,
        entry_kind=entry_kind,
        entry_id=entry.id,
        action="created" if creating else "updated",
        before=before,
        after=after,
    )
    session.flush()
    return entry, change


def users_of_tool(session: Session, tool_id: str) -> list[str]:
    """The names of the private tools and processes that point at a workplace tool."""
    private = select(m.PrivateTool.name).where(m.PrivateTool.alternatives.any(value=tool_id))
    processes = select(m.Process.name).where(m.Process.tools.any(value=tool_id))
    return sorted(set(session.scalars(private)) | set(session.scalars(processes)))


def remove_entry(session: Session, entry_kind: str, entry_id: str, *, by: str) -> m.CatalogueChange:
    """Remove one entry, recording it whole, and bump the revision. A workplace tool that other
    entries point at stays (EntryProblems naming them)."""
    row = session.get(_MODELS[entry_kind], entry_id, with_for_update=True)
    if row is None:
        raise EntryError(f"There is no {entry_label(entry_kind)} with the id {entry_id!r}.")
    if entry_kind == "tool" and (users := users_of_tool(session, entry_id)):
        raise _invalid(
            "id",
            f"is used by {', '.join(users)}",
            f"Verktøyet brukes av {', '.join(users)}. Fjern det der først.",
        )
    before = schema.entry_fields(read_entry(session, entry_kind, entry_id))
    session.delete(row)
    change = record(session, by=by, entry_kind=entry_kind, entry_id=entry_id, action="deleted", before=before)
    session.flush()
    store.bump_revision(session)
    return change
