"""Adding trainers' examples to the NLU files: only the new lines change, never a duplicate (also
across intents), personal data masked, bad names and texts refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from copies import inserted_lines

from bot.training import examples
from bot.training.examples import ExampleError

# An NLU file in the styles the project's files use: comments between and inside blocks, blank
# lines, a `|-` block, annotated tool names, and no newline at the very end.
STYLED = """version: "3.1"
# Greetings: short, many spellings.
nlu:
  - intent: greet
    examples: |
      - hei
      - hallo   # not a comment: part of the example
      - [Teams](tool) hei

  # Saying goodbye.
  - intent: goodbye
    examples: |-
      - ha det
      - snakkes
  - intent: thanks  # inline comment
    examples: |
      - takk"""


@pytest.fixture
def nlu_dir(tmp_path) -> Path:
    directory = tmp_path / "nlu"
    directory.mkdir()
    (directory / "styled.yml").write_text(STYLED, encoding="utf-8")
    (directory / "other.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: tool_access\n    examples: |\n      - hvordan får jeg tilgang til [Visma](tool)\n',
        encoding="utf-8",
    )
    return directory


def test_examples_are_added_at_the_end_of_their_block_and_nothing_else_changes(nlu_dir):
    before = (nlu_dir / "styled.yml").read_text(encoding="utf-8")
    outcomes = examples.add_examples(nlu_dir, "goodbye", ["vi høres", "ha  en fin  helg"])
    after = (nlu_dir / "styled.yml").read_text(encoding="utf-8")
    assert [o.status for o in outcomes] == ["added", "added"]
    assert inserted_lines(before, after) == ["      - vi høres\n", "      - ha en fin helg\n"]
    assert after.index("      - snakkes\n      - vi høres\n      - ha en fin helg\n  - intent: thanks") > 0
    assert {e.text for e in examples.read_examples(nlu_dir) if e.intent == "goodbye"} == {
        "ha det",
        "snakkes",
        "vi høres",
        "ha en fin helg",
    }


def test_the_last_block_of_a_file_without_final_newline(nlu_dir):
    examples.add_examples(nlu_dir, "thanks", ["tusen takk"])
    after = (nlu_dir / "styled.yml").read_text(encoding="utf-8")
    assert after == STYLED + "\n      - tusen takk\n"


def test_a_block_followed_by_a_comment_keeps_the_comment_after_the_new_example(nlu_dir):
    before = (nlu_dir / "styled.yml").read_text(encoding="utf-8")
    examples.add_examples(nlu_dir, "greet", ["god morgen"])
    after = (nlu_dir / "styled.yml").read_text(encoding="utf-8")
    assert inserted_lines(before, after) == ["      - god morgen\n"]
    assert "      - [Teams](tool) hei\n      - god morgen\n\n  # Saying goodbye." in after


def test_the_project_files_round_trip_byte_for_byte(project):
    """Every intent of every real NLU file (a copy) takes a new example; only that line is added."""
    for path in examples.nlu_files(project.nlu_dir):
        for intent in sorted({e.intent for e in examples.read_examples(project.nlu_dir) if e.path == path}):
            before = path.read_text(encoding="utf-8")
            text = f"et nytt eksempel for {intent} fra en trener"
            assert examples.add_examples(project.nlu_dir, intent, [text])[0].status == "added"
            assert inserted_lines(before, path.read_text(encoding="utf-8")) == [f"      - {text}\n"]
    assert examples.read_examples(project.nlu_dir)  # still valid YAML that the reader understands


def test_duplicates_are_never_written(nlu_dir):
    before = {p.name: p.read_text(encoding="utf-8") for p in nlu_dir.iterdir()}
    outcomes = examples.add_examples(
        nlu_dir, "greet", ["HEI!", "  Hallo   # not a comment: part of the example ", "teams hei"]
    )
    assert [o.status for o in outcomes] == ["exists", "exists", "exists"]
    assert {p.name: p.read_text(encoding="utf-8") for p in nlu_dir.iterdir()} == before


def test_an_example_of_another_intent_is_refused_with_the_reason(nlu_dir):
    outcomes = examples.add_examples(nlu_dir, "greet", ["Hvordan får jeg tilgang til Visma?", "hei sann"])
    assert outcomes[0].status == "refused"
    assert "tool_access" in outcomes[0].reason and "other.yml" in outcomes[0].reason
    assert outcomes[1].status == "added"


def test_the_same_text_twice_in_one_batch_is_added_once(nlu_dir):
    outcomes = examples.add_examples(nlu_dir, "greet", ["god dag", "God dag!"])
    assert [o.status for o in outcomes] == ["added", "exists"]
    assert (nlu_dir / "styled.yml").read_text(encoding="utf-8").count("god dag") == 1


def test_personal_data_is_masked_before_writing(nlu_dir):
    outcomes = examples.add_examples(nlu_dir, "greet", ["hei, ring meg på 412 34 567 eller ola@kommune.no"])
    assert outcomes[0].text == "hei, ring meg på [telefon] eller [e-post]"
    written = (nlu_dir / "styled.yml").read_text(encoding="utf-8")
    assert "412 34 567" not in written and "ola@kommune.no" not in written


@pytest.mark.parametrize(
    "text, reason", [("", "empty"), ("   \n ", "empty"), ("?!", "empty"), ("x" * 301, "301 characters")]
)
def test_empty_and_too_long_examples_are_refused(nlu_dir, text, reason):
    outcome = examples.add_examples(nlu_dir, "greet", [text])[0]
    assert outcome.status == "refused" and reason in outcome.reason


@pytest.mark.parametrize("name", ["", "Greet", "1greet", "wifi-guest", "wifi guest", "æøå", "a" * 65])
def test_invalid_intent_names_are_refused(nlu_dir, name):
    with pytest.raises(ExampleError, match="not a valid intent name"):
        examples.add_examples(nlu_dir, name, ["hei"])


def test_an_unknown_intent_is_refused(nlu_dir):
    with pytest.raises(ExampleError, match="create it as a new intent"):
        examples.add_examples(nlu_dir, "wifi_guest", ["hva er passordet til gjestenettet"])


def test_normalise_ignores_markup_case_spacing_and_end_punctuation():
    assert examples.normalise("  Hvordan får jeg tilgang til [Teams](tool)?! ") == "hvordan får jeg tilgang til teams"
    assert examples.normalise('[Dropbox]{"entity": "private_tool"} er lov?') == "dropbox er lov"


def test_tool_names_are_marked_up_from_the_catalogue(seed_db_url):
    from bot import db

    with db.session_scope(seed_db_url) as session:
        assert (
            examples.annotate_tools(session, "hvordan får jeg tilgang til Teams?")
            == "hvordan får jeg tilgang til [Teams](tool)?"
        )
        assert (
            examples.annotate_tools(session, "kan jeg bruke Dropbox på jobben")
            == "kan jeg bruke [Dropbox](private_tool) på jobben"
        )
        assert examples.annotate_tools(session, "ring 98765432 om Teams") == "ring [telefon] om [Teams](tool)"


# A message, the example line it becomes, and the text and entities Rasa reads in that line: markup
# an employee typed (or a mask followed by a bracket) stays text; only tool names are annotated.
MESSAGES_WITH_MARKUP = [
    ('[x]{"entity": "tool"} virker ikke', '(x){"entity": "tool"} virker ikke', '(x){"entity": "tool"} virker ikke', []),
    ('[x]{"entity": oops} virker ikke', '(x){"entity": oops} virker ikke', '(x){"entity": oops} virker ikke', []),
    ('[x][{"entity": "tool"}] hjelp', '(x)({"entity": "tool"}) hjelp', '(x)({"entity": "tool"}) hjelp', []),
    (
        "kan jeg bruke [Dropbox](tool)?",
        "kan jeg bruke ([Dropbox](private_tool))(tool)?",
        "kan jeg bruke (Dropbox)(tool)?",
        [("Dropbox", "private_tool")],
    ),
    ("[[ [ hva er Teams ]]", "(( ( hva er [Teams](tool) ))", "(( ( hva er Teams ))", [("Teams", "tool")]),
    (
        "ring 98765432(jobb) eller ola@kommune.no{privat}",
        "ring [telefon] (jobb) eller [e-post] {privat}",
        "ring [telefon] (jobb) eller [e-post] {privat}",
        [],
    ),
]


def test_markup_in_a_message_stays_text_when_it_becomes_an_example(seed_db_url, nlu_dir):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    from bot import db

    with db.session_scope(seed_db_url) as session:
        lines = [examples.annotate_tools(session, message) for message, _, _, _ in MESSAGES_WITH_MARKUP]
    assert lines == [line for _, line, _, _ in MESSAGES_WITH_MARKUP]
    assert [o.status for o in examples.add_examples(nlu_dir, "greet", lines)] == ["added"] * len(lines)
    read = {
        m.get("text"): m.get("entities") or [] for m in RasaYAMLReader().read(nlu_dir / "styled.yml").intent_examples
    }
    for _, _, text, entities in MESSAGES_WITH_MARKUP:
        assert [(text[e["start"] : e["end"]], e["entity"]) for e in read[text]] == entities


def test_long_texts_full_of_brackets():
    """Inputs on which the old markup pattern backtracked for seconds (bench/masking.py times them)."""
    assert examples.normalise("[" * 28_000) == "[" * 28_000
    assert examples.normalise("[a](" * 15_000 + "[Teams](tool)") == "[a](" * 15_000 + "teams"
