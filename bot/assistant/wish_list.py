"""Ønskelista (issue 17, item 5): what other employees miss most.

Placeholder until the wish list is built: names IT's contact."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.assistant.contact import reach_it
from bot.assistant.replies import Answer
from bot.texts import text

if TYPE_CHECKING:
    from bot.assistant.turn import Turn


def wish_list(session: Session, turn: Turn) -> Answer:
    return Answer().say(text("contact.reach_it", turn.standard, contact=reach_it()))
