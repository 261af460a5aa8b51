"""bot.nlu.intent_classifier.LinearIntentClassifier with Rasa's own tokenizer and featurizers, and our
sentence-embedding featurizer (bot.nlu.sentence_embeddings, the real multilingual-e5-small encoder),
in this process (tests/nlu/rasa_nlu_parts.py)."""

from __future__ import annotations

import pytest

from bot.language.sentence_encoder import PARSE_KEY

pytestmark = pytest.mark.slow

MANY = [
    ("hei", "greet"),
    ("hei du", "greet"),
    ("hallo", "greet"),
    ("god morgen", "greet"),
    ("heisann", "greet"),
    ("hei hei", "greet"),
    ("ha det", "goodbye"),
    ("snakkes", "goodbye"),
    ("ha det bra", "goodbye"),
    ("vi snakkes", "goodbye"),
    ("takk for nå", "goodbye"),
    ("ha en fin dag", "goodbye"),
    ("kan jeg få tilgang", "access"),
    ("jeg trenger tilgang", "access"),
    ("hvordan får jeg tilgang", "access"),
    ("mangler tilgang", "access"),
    ("gi meg tilgang", "access"),
    ("få tilgang til det", "access"),
] + [(f"hva er verktøy nummer {n}", f"info{n}") for n in range(12)] * 2


@pytest.fixture(scope="module")
def results(rasa_nlu) -> dict:
    two = [(t, i) for t, i in MANY if i in ("greet", "access")]
    return rasa_nlu.classifier_results({"many": MANY, "two": two, "many-with-e5": MANY, "e5-only": MANY})


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
    for case in ("many", "two", "many-with-e5", "e5-only"):
        trained, loaded = results[case]["trained"], results[case]["loaded"]
        assert [m["intent"]["name"] for m in loaded] == [m["intent"]["name"] for m in trained]
        for a, b in zip(trained, loaded):
            assert a["intent"]["confidence"] == pytest.approx(b["intent"]["confidence"])


def test_two_intents_and_confidences_that_sum_to_one(results):
    parsed = results["two"]["trained"]
    assert [m["intent"]["name"] for m in parsed[:2]] == ["access", "greet"]
    assert all(
        len(m["ranking"]) == 2 and sum(r["confidence"] for r in m["ranking"]) == pytest.approx(1) for m in parsed
    )


def test_the_sentence_embedding_is_a_dense_block_beside_the_ngrams(results):
    blocks = results["many-with-e5"]["blocks"]
    assert [[key, kind] for key, kind, _ in blocks] == [["chars", "sparse"], ["e5", "dense"], ["words", "sparse"]]
    assert blocks[1][2] == 384
    assert results["e5-only"]["blocks"] == [["e5", "dense", 384]]


def test_the_embedding_alone_understands_words_it_was_not_trained_on(results):
    """ "farvel" and "dag" are in no training example: only the pretrained encoder knows them."""
    parsed = results["e5-only"]["trained"]
    assert parsed[0]["intent"]["name"] == "access"
    assert parsed[4]["intent"]["name"] == "goodbye"
    assert parsed[5]["intent"]["name"] == "greet"


def test_a_message_without_an_embedding_still_gets_a_ranking(results):
    empty = results["e5-only"]["trained"][2]  # no tokens, so no embedding: the block adds nothing
    assert empty["intent"]["name"] and 0 < empty["intent"]["confidence"] < 1


def test_the_embedding_of_a_message_goes_into_the_parse_data_for_the_search(results):
    # Rasa's parse data is a message's output properties: the action server's search reuses the
    # vector instead of running the encoder again. Training examples do not carry it.
    answered = results["many-with-e5"]["loaded"]
    assert [PARSE_KEY in m["output"] for m in answered] == [True, True, False, True, True, True]  # "" has no text
    assert all(PARSE_KEY not in m["output"] for m in results["many"]["loaded"])
    assert PARSE_KEY not in results["many-with-e5"]["training_output"]
