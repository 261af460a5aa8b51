"""A Rasa component that finds catalogue tools, sectors and categories in a message at run time.

It gives them to the dialogue as entities (`tool`, `private_tool`, `sector`, `category`, with
catalogue ids as values) and replaces each tool name by a placeholder token before the
featurizers run, so the intent classifier learns the sentence, not the name. In training data,
tool names are marked `[Teams](tool)` / `[Dropbox](private_tool)` and get the same placeholder;
at run time the names come from the catalogue in the database, so a tool imported after training
is recognised without retraining.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.catalogue import recognition, topics
from bot.db import session_scope

log = logging.getLogger(__name__)

TOKENS = TOKENS_NAMES[TEXT]  # "text_tokens"
PLACEHOLDERS = {"tool": "arbeidsverktøy", "private_tool": "privatverktøy"}


def mask_tokens(tokens: list[Token], spans: list[tuple[int, int, str]]) -> list[Token]:
    """Replace the tokens that overlap each (start, end, kind) span by one placeholder token."""
    if not spans:
        return tokens
    result: list[Token] = []
    used = set()
    for token in tokens:
        span = next((s for s in spans if token.start < s[1] and token.end > s[0]), None)
        if span is None:
            result.append(token)
        elif span not in used:
            used.add(span)
            placeholder = PLACEHOLDERS[span[2]]
            result.append(Token(placeholder, token.start, max(token.end, span[1]), lemma=placeholder))
    return result


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=False,
)
class CatalogueEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Catalogue tools, sectors and categories as entities; tool names masked for the classifier."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CatalogueEntityExtractor:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            tokens = example.get(TOKENS)
            if not tokens:
                continue
            spans = [
                (e["start"], e["end"], e["entity"])
                for e in example.get(ENTITIES, [])
                if e.get("entity") in PLACEHOLDERS
            ]
            example.set(TOKENS, mask_tokens(tokens, spans))
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            entities = self._find(text)
            if entities is None:
                continue
            spans = [(e["start"], e["end"], e["entity"]) for e in entities if e["entity"] in PLACEHOLDERS]
            if message.get(TOKENS):
                message.set(TOKENS, mask_tokens(message.get(TOKENS), spans))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def _find(self, text: str) -> list[dict[str, Any]] | None:
        try:
            with session_scope() as session:
                mentions = recognition.recognise(session, text)
                sectors = topics.sectors_in(session, text)
                # A word that names both a sector and a category ("barnehage") counts as the sector.
                categories = [
                    c
                    for c in topics.categories_in(session, text)
                    if not any(c.start < s.end and c.end > s.start for s in sectors)
                ]
        except Exception:  # the conversation goes on without catalogue entities
            log.exception("catalogue lookup failed; no catalogue entities for this message")
            return None
        name = self.__class__.__name__
        entities = [
            {
                "entity": m.kind,
                "value": m.id,
                "start": m.start,
                "end": m.end,
                "confidence_entity": m.score,
                "extractor": name,
                "text": m.text,
            }
            for m in mentions
        ]
        for kind, found in (("sector", sectors), ("category", categories)):
            entities += [
                {"entity": kind, "value": t.value, "start": t.start, "end": t.end, "extractor": name} for t in found
            ]
        return entities
