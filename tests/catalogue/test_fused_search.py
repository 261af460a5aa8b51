"""The search in service: lexical and semantic views fused, and its decision (answer, ask, nothing),
with the real multilingual-e5-small encoder on the test catalogue."""

from __future__ import annotations

import numpy as np
import pytest

from bot import db
from bot.catalogue import search, semantic
from bot.language.sentence_encoder import embed, pack, unpack


@pytest.fixture(scope="module")
def ask(loaded_db_url):
    def run(text: str, **kwargs) -> search.SearchResult:
        with db.session_scope(loaded_db_url) as session:
            return search.search(session, text, **kwargs)

    return run


@pytest.mark.parametrize(
    "need, expected",
    [
        ("hvor ser jeg lønnsslippen", "visma-hrm"),
        ("husker ikke passordet mitt", "selvbetjening"),
    ],
)
def test_a_clear_need_is_answered(ask, need, expected):
    result = ask(need)
    assert result.decision == search.ANSWER, result
    assert result.best.id == expected and result.choices == ()


# Needs nothing in the test catalogue covers, among them those where one ordinary word the
# catalogue uses ("lage", "jobb") made the lexical search alone fit.
@pytest.mark.parametrize(
    "need",
    [
        "hvordan lager jeg lasagne",
        "kan jeg ta med hunden på jobb",
        "hva blir været i morgen",
        "hvem vant fotballkampen i går",
    ],
)
def test_a_need_nothing_covers_gets_no_tool(ask, need):
    result = ask(need)
    assert result.decision == search.NOTHING, result
    assert result.best is None and result.choices == ()


def test_close_candidates_are_offered_as_choices(ask):
    result = ask("hvor ligger turnusen og hvordan bytter jeg vakt")
    assert result.decision in (search.ASK, search.ANSWER)
    if result.decision == search.ASK:
        assert 1 <= len(result.choices) <= search.MAX_CHOICES
        assert {"gat", "bytte-vakt"} & {hit.id for hit in result.choices}


def test_no_search_terms_means_nothing(ask):
    assert ask("??").decision == search.NOTHING
    assert ask("").hits == ()


def test_the_nlu_vector_gives_the_same_answer_as_embedding_here(ask):
    text = "hvor ser jeg lønnsslippen"
    travelled = unpack(pack(embed([text])[0]))
    assert ask(text, vector=travelled).best.id == ask(text).best.id == "visma-hrm"


def test_packed_vectors_travel_as_short_text_and_garbage_is_refused():
    vector = embed(["hei"])[0]
    text = pack(vector)
    assert isinstance(text, str) and len(text) == 1024
    assert np.allclose(unpack(text), vector, atol=2e-3)
    for garbage in (None, 3, "", "not base64!", pack(vector)[:-4], pack(np.zeros(384))):
        assert unpack(garbage) is None


def test_a_large_catalogue_compares_passages_of_a_shortlist_only(test_catalogue, monkeypatch):
    index = semantic.SemanticIndex(test_catalogue)
    query = embed(["hvor ser jeg lønnsslippen"])[0]
    everything = index.closeness(query)
    monkeypatch.setattr(semantic, "ALL_PASSAGES_UP_TO", 0)
    monkeypatch.setattr(semantic, "SHORTLIST", 3)
    shortlisted = index.closeness(query, also=np.array([0]))
    compared = ~np.isnan(shortlisted)
    assert 3 <= compared.sum() <= 4 and compared[0]
    assert np.allclose(shortlisted[compared], everything[compared])
    assert int(np.nanargmax(shortlisted)) == int(np.argmax(everything))


def test_a_long_message_is_also_searched_sentence_by_sentence(test_catalogue):
    index = search.LexicalIndex(test_catalogue)
    text = (
        "Hei! Jeg har hatt en travel uke med mange møter, mye papirarbeid og en syk kollega på kontoret. "
        "Hvor ser jeg lønnsslippen?"
    )
    whole, _ = index.scores(text)
    by_sentence, _ = index.scores(text, by_sentence=True)
    best = int(np.argmax(by_sentence))
    assert index.entries[best].id == "visma-hrm"
    assert by_sentence[best] > whole[best]
    assert (by_sentence >= whole).all()


def test_an_english_need_is_offered_when_it_stands_out_by_the_english_threshold(seed_db_url, monkeypatch):
    # English shares no words with the catalogue, so only the semantic view can offer a tool; its
    # own threshold (search.STANDOUT["en"]) decides, not the one for Norwegian.
    def run(english_threshold: float) -> search.SearchResult:
        monkeypatch.setattr(search, "STANDOUT", {"en": english_threshold})
        with db.session_scope(seed_db_url) as session:
            return search.search(session, "where do I see my payslip")

    assert run(99.0).decision == search.NOTHING
    offered = run(0.0)
    assert offered.decision == search.ASK and offered.choices[0].id == "visma-hrm"
    assert len(offered.choices) <= search.MAX_CHOICES
