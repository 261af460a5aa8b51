"""A Rasa component that sends messages made only of unknown words to the fallback ("asdfgh qwerty").

A sentence embedding and character n-grams find *some* intent for any string of letters, often
with confidence. A message in which no word is known is keyboard mash, or a language we do not
handle, and the helpful answer is a request to rephrase, not a confident guess. Known means: in
the training examples (after the catalogue component has masked tool names), in the Norwegian
lexicon (spacy-lookups-data, `bot.language.norwegian`) or a compound of two lexicon words, or a
stop word. For such a message this component sets the intent's confidence to 0, so that
FallbackClassifier (which must come after it) turns it into `nlu_fallback`; the ranking is kept
for the rephrase buttons. Messages without any letters (emoji, numbers) are left alone.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.norwegian import STOP_WORDS, lexicon

TOKENS = TOKENS_NAMES[TEXT]  # "text_tokens"
_LETTER = re.compile(r"[^\W\d_]")
VOCABULARY_FILE = "vocabulary.json"


def message_words(message: Message) -> list[str]:
    """The message's tokens that contain a letter, lower-cased."""
    return [t.text.lower() for t in message.get(TOKENS) or [] if _LETTER.search(t.text)]


def is_compound(word: str, part: int = 3) -> bool:
    """Whether a word is two lexicon words of at least `part` letters, with or without a linking
    s or e between them ("vaktbytte", "lønnsslipp", "barnehageplass")."""
    is_word = lexicon().is_word
    for i in range(part, len(word) - part + 1):
        head, tail = word[:i], word[i:]
        if is_word(tail) and (is_word(head) or (head[-1] in "se" and len(head) > part and is_word(head[:-1]))):
            return True
    return False


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnknownWordsFallback(GraphComponent, IntentClassifier):
    """Zero intent confidence when none of a message's words is known (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, model_storage: ModelStorage, resource: Resource, vocabulary: frozenset[str]) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsFallback:
        return cls(model_storage, resource, frozenset())

    def train(self, training_data: TrainingData) -> Resource:
        self.vocabulary = frozenset(
            word for example in training_data.training_examples if example.get(TEXT) for word in message_words(example)
        )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(
                json.dumps(sorted(self.vocabulary), ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnknownWordsFallback:
        try:
            with model_storage.read_from(resource) as directory:
                words = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            words = []
        return cls(model_storage, resource, frozenset(words))

    def is_known(self, word: str) -> bool:
        return word in self.vocabulary or word in STOP_WORDS or lexicon().is_word(word) or is_compound(word)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT)
            words = message_words(message)
            if intent and words and not any(self.is_known(word) for word in words):
                message.set(INTENT, {**intent, "confidence": 0.0}, add_to_output=True)
        return messages
