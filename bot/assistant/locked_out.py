"""Locked out or a password that fails (issue 17, item 6): «jeg er låst ute», «glemt passord»,
«passordet mitt virker ikke», «får ikke logget inn» get the catalogue's tool or process for resetting
a password or unlocking the account, found by the catalogue's tasks (a search for the need, never
a tool's name), instead of a clarifying question. The words are in locked_out.yml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import yaml
from sqlalchemy.orm import Session

from bot.assistant.answers import answer_with
from bot.assistant.replies import Answer
from bot.catalogue import search
from bot.language.norwegian import words
from bot.language.sentence_encoder import embed_cached

WORDS_FILE = Path(__file__).with_name("locked_out.yml")


@cache
def _words() -> dict:
    loaded = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return {key: value if isinstance(value, str) else frozenset(value) for key, value in loaded.items()}


def is_locked_out(text: str) -> bool:
    """Whether the message is about being locked out or a password that fails."""
    vocabulary, found = _words(), set(words(text))
    plain = " ".join(words(text))
    return (
        bool(found & vocabulary["login"] and found & vocabulary["trouble"])
        or bool(found & vocabulary["account"] and found & vocabulary["locked"])
        or any(f" {phrase} " in f" {plain} " for phrase in vocabulary["phrases"])
    )


def reset_hit(session: Session, text: str, vector: np.ndarray | None = None) -> search.Hit | None:
    """The catalogue entry that resets a password or unlocks the account for this message: what the
    message's own words find, else what the need's words find; None when the catalogue has none."""
    if not is_locked_out(text):
        return None
    for query, query_vector in ((text, vector), (_words()["need"], embed_cached([_words()["need"]])[0])):
        result = search.search(session, query, vector=query_vector)
        if result.best is not None:
            return result.best
    return None


def answer(session: Session, text: str, vector: np.ndarray | None = None, standard: str = "nb") -> Answer | None:
    hit = reset_hit(session, text, vector)
    return None if hit is None else answer_with(session, hit, standard)
