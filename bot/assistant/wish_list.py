"""Ønskelista (issue 17, item 5): what other employees miss most.

Placeholder until the wish list is built: names IT's contact."""

from __future__ import annotations

from bot.assistant.contact import reach_it
from bot.assistant.replies import Answer
from bot.texts import text


def wish_list(standard: str) -> Answer:
    return Answer().say(text("contact.reach_it", standard, contact=reach_it()))
