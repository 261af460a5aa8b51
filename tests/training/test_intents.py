"""A new intent with its answer written into files (a training copy, or a checkout on export): NLU
file, domain intent and response, and rule, on a copy of the project's files; the rest of
domain.yml and data/rules.yml stays byte for byte."""

from __future__ import annotations

import pytest
import yaml
from copies import inserted_lines

from bot.training import intents
from bot.training.examples import ExampleError
from bot.training.model import validate_data

ANSWER = 'Gjestenettet heter "Kommune-Gjest": passordet står på oppslaget i resepsjonen. # ikke en kommentar'
EXAMPLES = ["kan gjestene våre koble seg på nettet?", "hva er passordet til gjestenettet", "wifi for besøkende"]


def snapshot(project) -> dict:
    return {p: p.read_bytes() for p in [project.domain, project.rules, *project.nlu_dir.iterdir()]}


def test_a_new_intent_is_wired_into_domain_rules_and_its_own_nlu_file(project):
    domain_before = project.domain.read_text(encoding="utf-8")
    rules_before = project.rules.read_text(encoding="utf-8")
    created = intents.write_intent("guest_wifi", ANSWER, EXAMPLES + ["ha det"], project)

    assert [o.status for o in created.examples] == ["added", "added", "added", "refused"]
    assert "goodbye" in created.examples[3].reason
    assert created.nlu_file == project.nlu_dir / "guest_wifi.yml"
    nlu = yaml.safe_load(created.nlu_file.read_text(encoding="utf-8"))
    assert nlu["nlu"] == [{"intent": "guest_wifi", "examples": "".join(f"- {e}\n" for e in EXAMPLES)}]

    domain_after = project.domain.read_text(encoding="utf-8")
    domain = yaml.safe_load(domain_after)
    assert domain["intents"][-1] == "guest_wifi"
    assert domain["responses"]["utter_guest_wifi"] == [{"text": ANSWER}]
    added = inserted_lines(domain_before, domain_after)
    # domain.yml has no responses of its own (bot/texts): the first new theme starts the section
    assert added[:3] == ["  - guest_wifi\n", "responses:\n", "  utter_guest_wifi:\n"] and len(added) == 4

    rules_after = project.rules.read_text(encoding="utf-8")
    rule = yaml.safe_load(rules_after)["rules"][-1]
    assert rule["steps"] == [{"intent": "guest_wifi"}, {"action": "utter_guest_wifi"}]
    assert len(inserted_lines(rules_before, rules_after)) == 4


@pytest.mark.parametrize(
    "name, answer, texts, message",
    [
        ("greet", "Hei!", ["hei på deg du"], "exists already"),
        ("out_of_scope", "Nei.", ["noe helt annet"], "exists already"),
        ("Guest", "Svar", ["gjestenett"], "not a valid intent name"),
        ("guest_wifi", "  ", ["gjestenett"], "needs the answer"),
        ("guest_wifi", "x" * 1001, ["gjestenett"], "1001 characters"),
        ("guest_wifi", "Svar", ["hei", "ha det"], "at least one new example"),
        ("guest_wifi", "Svar", [], "at least one new example"),
    ],
)
def test_refusals_write_nothing(project, name, answer, texts, message):
    before = snapshot(project)
    with pytest.raises(ExampleError, match=message):
        intents.write_intent(name, answer, texts, project)
    assert snapshot(project) == before


def test_a_response_that_exists_is_refused(project):
    domain = project.domain.read_text(encoding="utf-8")
    project.domain.write_text(domain + 'responses:\n  utter_wifi:\n    - text: "x"\n', encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(ExampleError, match="utter_wifi"):
        intents.write_intent("wifi", "Svar", ["trådløst nett på jobben"], project)
    assert snapshot(project) == before


def test_a_second_new_intent_joins_the_responses_the_first_started(project):
    intents.write_intent("guest_wifi", ANSWER, EXAMPLES, project)
    intents.write_intent("coffee_machine", "Kaffemaskinen står i 2. etasje.", ["hvor er kaffemaskinen"], project)

    responses = yaml.safe_load(project.domain.read_text(encoding="utf-8"))["responses"]
    assert list(responses) == ["utter_guest_wifi", "utter_coffee_machine"]


@pytest.mark.slow
def test_rasa_accepts_the_data_after_new_intents_and_examples(project):
    from bot.training.examples import add_examples

    intents.write_intent("guest_wifi", ANSWER, EXAMPLES, project)
    add_examples(project.nlu_dir, "greet", ["heisann alle sammen"])
    validate_data(project)  # raises TrainingError with Rasa's reason otherwise
