"""bot.nlu.unknown_words.UnknownWordsFallback with Rasa's tokenizer, trained, persisted and loaded.

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
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from bot.nlu.unknown_words import UnknownWordsFallback

    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer.create(WhitespaceTokenizer.get_default_config(), storage, Resource("tok"), context)
    data = TrainingData([Message.build(text=t, intent=i) for t, i in json.loads(sys.argv[1])])
    tokenizer.process_training_data(data)
    resource = Resource("unknown")
    trained = UnknownWordsFallback.create({}, storage, resource, context)
    trained.train(data)
    loaded = UnknownWordsFallback.load({}, storage, resource, context)
    out = {}
    for name, component in (("trained", trained), ("loaded", loaded)):
        messages = [Message.build(text=t) for t in json.loads(sys.argv[2])]
        tokenizer.process(messages)
        for m in messages:
            m.set("intent", {"name": "find_tool", "confidence": 0.8})
        component.process(messages)
        out[name] = [m.get("intent")["confidence"] for m in messages]
    print(json.dumps(out))
    """
)

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


def test_only_messages_without_a_known_word_lose_their_confidence():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(PROJECT_ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(TRAINING), json.dumps(list(MESSAGES))],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    expected = list(MESSAGES.values())
    assert results["trained"] == pytest.approx(expected)
    assert results["loaded"] == pytest.approx(expected)
