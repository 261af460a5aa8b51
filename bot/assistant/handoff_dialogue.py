"""A way to a person (issue 17, item 1): asking for a human and for a case's status.

Placeholder until the handoff is built: both name IT's contact."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.assistant.contact import reach_it
from bot.assistant.replies import Answer
from bot.texts import text

if TYPE_CHECKING:
    from bot.assistant.turn import Turn


def ask_human(session: Session, turn: Turn) -> Answer:
    return Answer().say(text("contact.reach_it", turn.standard, contact=reach_it()))


def case_status(session: Session, turn: Turn) -> Answer:
    return Answer().say(text("contact.reach_it", turn.standard, contact=reach_it()))
