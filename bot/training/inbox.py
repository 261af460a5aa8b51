"""The trainers' work on the inbox (bot.feedback.models.InboxItem): assign messages to an intent
(existing, or new with its answer), attach them to the tool or process that should have answered
them, dismiss them.

Every function takes the caller's database session and commits nothing itself, so the command
line and the web inbox use them the same way. Assigning stores the examples (and a new intent) in
the database (bot.training.additions), never in the project's files, in the same transaction that
marks the items; the items are marked only for the examples that were added or already there.
Attaching changes the catalogue in the same transaction (bot.catalogue.changes): no training,
answered at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalogue import changes
from bot.catalogue.changes import PhraseAdded
from bot.feedback.models import InboxItem
from bot.language.norwegian import term_key
from bot.training import additions, examples
from bot.training.examples import ExampleError, Outcome
from bot.training.project import Project

NEW, ASSIGNED, DISMISSED, ATTACHED = "ny", "tildelt", "avvist", "koblet"


@dataclass(frozen=True)
class Assignment:
    intent: str
    created: bool  # a new intent was created
    outcomes: list[Outcome]  # one per text: the items' messages first, then the extra examples
    assigned: list[int]  # ids of the items now marked assigned
    left: dict[int, str]  # ids of items left new, with the reason


def open_items(session: Session, limit: int = 200) -> list[InboxItem]:
    """Items no trainer has handled yet, newest first."""
    query = select(InboxItem).where(InboxItem.status == NEW).order_by(InboxItem.created_at.desc(), InboxItem.id.desc())
    return list(session.scalars(query.limit(limit)))


@dataclass(frozen=True)
class Group:
    """Open items whose messages share their Norwegian search terms (term_key), newest first."""

    key: str
    items: list[InboxItem]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def latest(self) -> datetime:
        return self.items[0].created_at


def open_groups(session: Session, limit: int = 5000) -> list[Group]:
    """The newest `limit` open items in groups of similar messages, the group with the newest
    message first."""
    found: dict[str, list[InboxItem]] = {}
    for item in open_items(session, limit):
        found.setdefault(term_key(item.text), []).append(item)
    return [Group(key, members) for key, members in found.items()]


def _new_items(session: Session, item_ids: list[int]) -> list[InboxItem]:
    items = list(session.scalars(select(InboxItem).where(InboxItem.id.in_(item_ids)).order_by(InboxItem.id)))
    missing = sorted(set(item_ids) - {item.id for item in items})
    if missing:
        raise ExampleError(f"No inbox message with id {', '.join(map(str, missing))}.")
    handled = [item.id for item in items if item.status != NEW]
    if handled:
        raise ExampleError(f"Inbox message {', '.join(map(str, handled))} has been handled already.")
    return items


def assign(
    session: Session,
    item_ids: list[int],
    intent: str,
    *,
    by: str,
    extra_examples: tuple[str, ...] = (),
    new_response: str | None = None,
    new_name: str | None = None,
    project: Project | None = None,
) -> Assignment:
    """Add the items' messages (and any extra examples) as examples of `intent`, added `by` a user
    name (or "cli"). With `new_response`, create the intent first, called `new_name` in Norwegian
    and answered by that text; an empty `intent` is then made from `new_name`. Tool names are
    marked up."""
    project = project or Project()
    items = _new_items(session, item_ids)
    texts = [examples.annotate_tools(session, text) for text in [item.text for item in items] + list(extra_examples)]
    sources = [item.id for item in items]
    if new_response is not None:
        intent = intent or additions.free_intent_name(session, project, new_name or "")
        outcomes = additions.create_intent(
            session, project, intent, new_name or "", new_response, texts, by=by, sources=sources
        )
    else:
        outcomes = additions.add_examples(session, project, intent, texts, by=by, sources=sources)
    assigned, left = [], {}
    for item, outcome in zip(items, outcomes):
        if outcome.status in ("added", "exists"):
            item.status, item.assigned_intent = ASSIGNED, intent
            assigned.append(item.id)
        else:
            left[item.id] = outcome.reason
    return Assignment(intent, new_response is not None, outcomes, assigned, left)


@dataclass(frozen=True)
class Attachment:
    added: PhraseAdded  # the phrase, the entry, and whether the catalogue changed
    attached: list[int]  # ids of the items now marked attached


def attach(
    session: Session,
    item_ids: list[int],
    entry_kind: str,
    entry_id: str,
    *,
    phrase: str | None = None,
    by: str,
) -> Attachment:
    """Attach open items to the workplace tool or process (`entry_kind` "tool" or "process")
    that should have answered them: `phrase` (default: the first item's masked message) becomes
    a task of the tool or another name of the process, with an audit record naming `by` (a user
    name, or "cli") and the first item, and the items are marked attached (status "koblet").

    A phrase the entry has already changes nothing in the catalogue; the items are still marked.
    A phrase with personal data or its masks ("[telefon]") is refused (ChangeError), as are an
    unknown entry and items that are missing or handled already (ExampleError); then nothing
    changes."""
    if not item_ids:
        raise ExampleError("No inbox message given.")
    items = _new_items(session, item_ids)
    first = next(item for item in items if item.id == item_ids[0])
    added = changes.add_phrase(
        session, entry_kind, entry_id, first.text if phrase is None else phrase, by=by, inbox_item_id=first.id
    )
    for item in items:
        item.status, item.assigned_entry_kind, item.assigned_entry_id = ATTACHED, added.entry_kind, added.entry_id
    return Attachment(added, [item.id for item in items])


def dismiss(session: Session, item_ids: list[int]) -> int:
    """Mark the items dismissed (not training material); returns how many."""
    items = _new_items(session, item_ids)
    for item in items:
        item.status = DISMISSED
    return len(items)
