"""Rasa's whitespace tokenizer and count-vector featurizers around our NLU components (the intent
classifier, the sentence-embedding featurizer, the unknown-words fallback), each trained, persisted
and loaded as in a model. Imported through the `rasa_nlu` fixture only (tests/nlu/conftest.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import LinearIntentClassifier
from bot.nlu.sentence_embeddings import SentenceEmbeddingFeaturizer
from bot.nlu.unknown_words import UnknownWordsFallback

CLASSIFIED = ["kan jeg få tilgang", "hei du", "", "zzzz qqqq", "farvel og takk", "god dag"]


def _node(name: str = "") -> ExecutionContext:
    """A graph node's context; a featurizer's node name is the origin of its features, as in a
    trained model."""
    return ExecutionContext(GraphSchema({}), "test", node_name=name or None)


def _storage_and_tokenizer() -> tuple[LocalModelStorage, WhitespaceTokenizer]:
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    config = WhitespaceTokenizer.get_default_config()
    return storage, WhitespaceTokenizer.create(config, storage, Resource("tok"), _node())


def _training_data(tokenizer: WhitespaceTokenizer, examples: list[tuple[str, str]]) -> TrainingData:
    data = TrainingData([Message.build(text=text, intent=intent) for text, intent in examples])
    tokenizer.process_training_data(data)
    return data


def classifier_results(cases: dict[str, list[tuple[str, str]]]) -> dict:
    """Per case, LinearIntentClassifier trained on its examples, and the same loaded from storage,
    each parsing CLASSIFIED: intents, rankings and output properties, the loaded model's temperature
    and feature blocks, and the training examples' output properties. Case "e5-only" has the
    sentence embedding alone, a case ending in "e5" word and char n-grams and the embedding, any
    other the n-grams alone."""
    storage, tokenizer = _storage_and_tokenizer()
    embeddings = SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(), storage, Resource("e5"), _node("e5")
    )
    results = {}
    for case, examples in cases.items():
        featurizers: list = []
        if case != "e5-only":
            for name, config in [("words", {"max_ngram": 2}), ("chars", {"analyzer": "char_wb", "max_ngram": 4})]:
                full = {**CountVectorsFeaturizer.get_default_config(), **config}
                featurizers.append(CountVectorsFeaturizer.create(full, storage, Resource(case + name), _node(name)))
        if case.endswith("e5") or case == "e5-only":
            featurizers.append(embeddings)

        data = _training_data(tokenizer, examples)
        for featurizer in featurizers:
            if hasattr(featurizer, "train"):
                featurizer.train(data)
            featurizer.process_training_data(data)
        resource = Resource("clf-" + case)
        classifier = LinearIntentClassifier.create({}, storage, resource, _node())
        classifier.train(data)
        loaded = LinearIntentClassifier.load({}, storage, resource, _node())
        parsed = []
        for model in (classifier, loaded):
            messages = [Message.build(text=text) for text in CLASSIFIED]
            tokenizer.process(messages)
            for featurizer in featurizers:
                featurizer.process(messages)
            model.process(messages)
            parsed.append(
                [
                    {
                        "intent": m.get("intent"),
                        "ranking": m.get("intent_ranking"),
                        "output": sorted(m.as_dict(only_output_properties=True)),
                    }
                    for m in messages
                ]
            )
        results[case] = {
            "trained": parsed[0],
            "loaded": parsed[1],
            "temperature": loaded.temperature,
            "training_output": sorted(
                {key for m in data.training_examples for key in m.as_dict(only_output_properties=True)}
            ),
            "blocks": [[key, kind, width] for key, kind, width, _ in loaded.blocks],
        }
    return results


def unknown_words_confidences(training: list[tuple[str, str]], texts: list[str]) -> dict[str, list[float]]:
    """UnknownWordsFallback trained on `training` ("trained") and loaded from storage ("loaded"):
    the confidence each leaves on `texts`, classified as find_tool with 0.8 before it."""
    storage, tokenizer = _storage_and_tokenizer()
    data = _training_data(tokenizer, training)
    resource = Resource("unknown")
    trained = UnknownWordsFallback.create({}, storage, resource, _node())
    trained.train(data)
    loaded = UnknownWordsFallback.load({}, storage, resource, _node())
    confidences = {}
    for name, component in (("trained", trained), ("loaded", loaded)):
        messages = [Message.build(text=text) for text in texts]
        tokenizer.process(messages)
        for message in messages:
            message.set("intent", {"name": "find_tool", "confidence": 0.8})
        component.process(messages)
        confidences[name] = [message.get("intent")["confidence"] for message in messages]
    return confidences
