"""Answers as data: replies (text, buttons), the slots an answer sets and the records it stores.
Actions turn them into messages, slot events and one write (bot.spool.write_all)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.assistant.contact import reach_it
from bot.records import Record
from bot.texts import DEFAULT_STANDARD, text

if TYPE_CHECKING:
    from bot.gaps.detect import GapNote


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


def intent_button(title: str, intent: str, **entities: str) -> Button:
    """A button that sends an intent with entities straight to the dialogue, skipping the NLU."""
    suffix = json.dumps(entities, ensure_ascii=False) if entities else ""
    return Button(title, f"/{intent}{suffix}")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()

    @property
    def button_dicts(self) -> list[dict[str, str]]:
        """The buttons as the channels send them: title and payload."""
        return [{"title": b.title, "payload": b.payload} for b in self.buttons]


@dataclass
class Answer:
    replies: list[Reply] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    gaps: list[GapNote] = field(default_factory=list)  # gaps this answer revealed, to be recorded
    # The message is not about work: bot.assistant.turn.respond says so first (small_talk.out_of_scope).
    out_of_scope: bool = False
    # The message goes to the trainers' inbox as this kind (bot.feedback.models.INBOX_KINDS).
    inbox: str | None = None
    # Records to store, all in one transaction (gap records, inbox items, feedback).
    records: list[Record] = field(default_factory=list)

    def say(self, text: str, *buttons: Button) -> Answer:
        self.replies.append(Reply(text, tuple(buttons)))
        return self

    def extend(self, other: Answer) -> Answer:
        """Append another answer's replies and records; its slots win."""
        self.replies += other.replies
        self.slots.update(other.slots)
        self.gaps += other.gaps
        self.records += other.records
        return self


def database_down(standard: str = DEFAULT_STANDARD) -> str:
    """The reply when the catalogue database cannot be reached (needs no database itself)."""
    return text("replies.database_down", standard, contact=reach_it(standard))
