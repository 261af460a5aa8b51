"""bot.nlu.unknown_words.UnknownWordsFallback with Rasa's tokenizer, trained, persisted and loaded, in
this process (tests/nlu/rasa_nlu_parts.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

TRAINING = [("hvor finner jeg teamsen", "find_tool"), ("hallais", "greet"), ("ka e greia", "find_tool")]
MESSAGES = {
    "asdfgh qwerty": 0.0,  # keyboard mash
    "fghj fghj 123": 0.0,  # digits are not words
    "hallais": 0.8,  # only in the training data
    "vakt asdfgh": 0.8,  # one lexicon word is enough
    "lønnsslippen": 0.8,  # a compound of lexicon words (with a linking s)
    "pannekaker": 0.8,  # in the lexicon, not in the training data: out of scope is for the classifier
    "og": 0.8,  # a stop word
    "👍 42": 0.8,  # no letters: left to the classifier
}


def test_only_messages_without_a_known_word_lose_their_confidence(rasa_nlu):
    results = rasa_nlu.unknown_words_confidences(TRAINING, list(MESSAGES))
    expected = list(MESSAGES.values())
    assert results["trained"] == pytest.approx(expected)
    assert results["loaded"] == pytest.approx(expected)
