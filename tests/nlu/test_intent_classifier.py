"""bot.nlu.intent_classifier.LinearIntentClassifier with Rasa's own tokenizer and featurizers.

Rasa's component modules import TensorFlow, which the root conftest blocks for speed, so the
component runs in a child Python process that prints its results as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import json, sys, tempfile
    from pathlib import Path
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from bot.nlu.intent_classifier import LinearIntentClassifier

    EXAMPLES = json.loads(sys.argv[1])
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer.create(WhitespaceTokenizer.get_default_config(), storage, Resource("tok"), context)
    featurizers = [
        CountVectorsFeaturizer.create({**CountVectorsFeaturizer.get_default_config(), **cfg}, storage, Resource(name), context)
        for name, cfg in [("words", {"max_ngram": 2}), ("chars", {"analyzer": "char_wb", "max_ngram": 4})]
    ]

    def prepare(messages):
        tokenizer.process(messages)
        for f in featurizers:
            f.process(messages)
        return messages

    results = {}
    for case, examples in EXAMPLES.items():
        data = TrainingData([Message.build(text=t, intent=i) for t, i in examples])
        tokenizer.process_training_data(data)
        for f in featurizers:
            f.train(data)
            f.process_training_data(data)
        resource = Resource("clf-" + case)
        classifier = LinearIntentClassifier.create({}, storage, resource, context)
        classifier.train(data)
        loaded = LinearIntentClassifier.load({}, storage, resource, context)
        texts = ["kan jeg få tilgang", "hei du", "", "zzzz qqqq"]
        out = []
        for model in (classifier, loaded):
            messages = prepare([Message.build(text=t) for t in texts])
            model.process(messages)
            out.append([{"intent": m.get("intent"), "ranking": m.get("intent_ranking")} for m in messages])
        results[case] = {"trained": out[0], "loaded": out[1], "temperature": loaded.temperature}
    print(json.dumps(results))
    """
)

MANY = [
    ("hei", "greet"), ("hei du", "greet"), ("hallo", "greet"), ("god morgen", "greet"), ("heisann", "greet"),
    ("hei hei", "greet"),
    ("ha det", "goodbye"), ("snakkes", "goodbye"), ("ha det bra", "goodbye"), ("vi snakkes", "goodbye"),
    ("takk for nå", "goodbye"), ("ha en fin dag", "goodbye"),
    ("kan jeg få tilgang", "access"), ("jeg trenger tilgang", "access"), ("hvordan får jeg tilgang", "access"),
    ("mangler tilgang", "access"), ("gi meg tilgang", "access"), ("få tilgang til det", "access"),
] + [(f"hva er verktøy nummer {n}", f"info{n}") for n in range(12)] * 2


def run(examples: dict) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(PROJECT_ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(examples)], cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def results() -> dict:
    two = [(t, i) for t, i in MANY if i in ("greet", "access")]
    return run({"many": MANY, "two": two})


def test_intent_and_a_top_ten_ranking(results):
    parsed = results["many"]["trained"]
    assert parsed[0]["intent"]["name"] == "access"
    assert parsed[1]["intent"]["name"] == "greet"
    for message in parsed:
        ranking = message["ranking"]
        assert len(ranking) == 10  # 15 intents, cut to Rasa's usual ranking length
        assert ranking[0] == message["intent"]
        assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
        assert sum(r["confidence"] for r in ranking) <= 1.0 + 1e-9  # the top 10 of a distribution


def test_a_message_without_features_still_gets_a_ranking(results):
    empty = results["many"]["trained"][2]
    assert empty["intent"]["name"] and 0 < empty["intent"]["confidence"] < 1


def test_confidence_is_lower_for_unknown_words(results):
    known, unknown = results["many"]["trained"][0], results["many"]["trained"][3]
    assert unknown["intent"]["confidence"] < known["intent"]["confidence"]


def test_the_persisted_model_predicts_the_same(results):
    for case in ("many", "two"):
        trained, loaded = results[case]["trained"], results[case]["loaded"]
        assert [m["intent"]["name"] for m in loaded] == [m["intent"]["name"] for m in trained]
        for a, b in zip(trained, loaded):
            assert a["intent"]["confidence"] == pytest.approx(b["intent"]["confidence"])


def test_two_intents_and_confidences_that_sum_to_one(results):
    parsed = results["two"]["trained"]
    assert [m["intent"]["name"] for m in parsed[:2]] == ["access", "greet"]
    assert all(len(m["ranking"]) == 2 and sum(r["confidence"] for r in m["ranking"]) == pytest.approx(1) for m in parsed)
