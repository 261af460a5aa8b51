"""Suggestions from employees (issue 17, item 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.assistant.contact import reach_it
from bot.assistant.replies import Answer
from bot.texts import text

if TYPE_CHECKING:
    from bot.assistant.turn import Turn


def suggestion(session: Session, turn: Turn) -> Answer:
    return Answer().say(text("contact.reach_it", turn.standard, contact=reach_it()))
