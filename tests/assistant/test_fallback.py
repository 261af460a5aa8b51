"""The rephrase prompt when the NLU is unsure (no database needed, but for the whole turn)."""

from __future__ import annotations

from bot.assistant.fallback import OFFERED, rephrase, title
from bot.assistant.turn import Turn, respond

RANKING = [
    {"name": "nlu_fallback", "confidence": 0.41},
    {"name": "tool_access", "confidence": 0.32},
    {"name": "greet", "confidence": 0.12},
    {"name": "tool_support", "confidence": 0.08},
    {"name": "tool_info", "confidence": 0.05},
]


def buttons(answer):
    return [(b.title, b.payload) for r in answer.replies for b in r.buttons]


def test_two_likely_intents_become_buttons():
    answer = rephrase(RANKING, [])
    assert answer.replies[0].text.startswith("Beklager, jeg er ikke sikker på hva du mener.")
    assert buttons(answer) == [
        ("Få tilgang til et verktøy", "/tool_access"),
        ("Få hjelp når noe ikke virker", "/tool_support"),
    ]
    assert answer.slots == {}


def test_the_tool_named_is_carried_in_the_payload():
    entities = [{"entity": "tool", "value": "teams", "start": 24, "end": 29, "extractor": "CatalogueEntityExtractor"}]
    assert [p for _, p in buttons(rephrase(RANKING, entities))] == [
        '/tool_access{"tool": "teams"}',
        '/tool_support{"tool": "teams"}',
    ]


def test_a_private_tool_is_carried_and_other_entities_are_not():
    ranking = [{"name": "ask_allowed", "confidence": 0.4}, {"name": "find_tool", "confidence": 0.3}]
    entities = [
        {"entity": "private_tool", "value": "dropbox", "start": 0, "end": 7},
        {"entity": "sector", "value": "skole", "start": 10, "end": 15},
    ]
    assert [p for _, p in buttons(rephrase(ranking, entities))] == [
        '/ask_allowed{"private_tool": "dropbox"}',
        '/find_tool{"private_tool": "dropbox"}',
    ]


def test_with_no_likely_intent_it_just_asks_to_rephrase():
    answer = rephrase([{"name": "nlu_fallback", "confidence": 0.9}, {"name": "out_of_scope", "confidence": 0.1}], [])
    assert [r.text for r in answer.replies] == ["Beklager, det forsto jeg ikke. Kan du si det på en annen måte?"]
    assert buttons(answer) == []
    assert [r.text for r in rephrase([], []).replies] == [r.text for r in answer.replies]


def test_in_nynorsk_the_prompt_and_the_buttons_are_nynorsk():
    answer = rephrase(RANKING, [], "nn")
    assert answer.replies[0].text.startswith("Orsak, eg er ikkje sikker på kva du meiner.")
    assert buttons(answer) == [
        ("Få tilgang til eit verktøy", "/tool_access"),
        ("Få hjelp når noko ikkje verkar", "/tool_support"),
    ]
    assert [r.text for r in rephrase([], [], "nn").replies] == [
        "Orsak, det forstod eg ikkje. Kan du seie det på ein annan måte?"
    ]


def test_every_offered_intent_has_its_own_nynorsk_title():
    assert all(title(intent, "nn") != title(intent, "nb") for intent in OFFERED)


def test_a_nynorsk_turn_gets_the_prompt_in_nynorsk(small):
    turn = Turn("eg skjønar ikkje dette", "nlu_fallback", 0.41, tuple(RANKING), standard="nn")
    answer = respond(small, "action_rephrase", turn)
    assert answer.replies[0].text.startswith("Orsak, eg er ikkje sikker på kva du meiner.")
    assert [title for title, _ in buttons(answer)][:2] == [
        "Få tilgang til eit verktøy",
        "Få hjelp når noko ikkje verkar",
    ]
