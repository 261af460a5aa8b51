"""Good nynorsk and bokmål in the message catalogue: no text uses words of the other standard
(the lists in bot.language.standard.ONLY_IN; the chosen forms are in docs/nynorsk.md)."""

from __future__ import annotations

import re

import pytest

from bot.language.norwegian import words
from bot.language.standard import ONLY_IN
from bot.texts import STANDARDS, catalogue

OTHER = {"nb": "nn", "nn": "nb"}


def _words(template: str) -> list[str]:
    return words(re.sub(r"\{[^}]*\}", " ", template))  # placeholders are code, not words


@pytest.mark.parametrize("standard", STANDARDS)
def test_no_text_uses_words_of_the_other_standard(standard):
    wrong = {
        key: sorted(set(_words(by_standard.get(standard, ""))) & ONLY_IN[OTHER[standard]])
        for key, by_standard in catalogue().items()
    }
    wrong = {key: found for key, found in wrong.items() if found}
    assert not wrong, f"{standard} texts with {OTHER[standard]} words: {wrong}"


def test_the_check_catches_a_bokmal_word_in_nynorsk():
    assert set(_words("Du har ikke tilgang til tenesta")) & ONLY_IN["nb"] == {"ikke"}
    assert set(_words("Eg hjelper deg")) & ONLY_IN["nn"] == {"eg"}


def test_the_lists_share_no_word():
    assert not ONLY_IN["nb"] & ONLY_IN["nn"]
