"""Training inputs merged from the project's files and the trainers' additions in the database (real
SQLite and PostgreSQL): the rows appear in the temporary training copy, the model fingerprint covers
them, duplicates of the files are ignored, and `bot trainer export --into` round-trips."""

from __future__ import annotations

import pytest
import yaml
from copies import copy_project, read_only

from bot import db
from bot.training import additions, inputs, registry
from bot.training.examples import read_examples
from bot.training.model import fingerprint, is_current, validate_data
from bot.training.models import TrainingExample

THEME = ("gjestenett", "Gjestenett for besøkende", "Gjestenettet heter Kommune-Gjest.")
THEME_EXAMPLES = ["hva er passordet til gjestenettet", "wifi for besøkende", "kan gjestene våre koble seg på nettet"]


def add_theme(url: str, project) -> None:
    with db.session_scope(url) as session:
        additions.create_intent(session, project, *THEME, THEME_EXAMPLES, by="trener-ola")


def add_example(url: str, intent: str, text: str) -> None:
    with db.session_scope(url) as session:
        session.add(TrainingExample(intent=intent, text=text, added_by="trener-ola"))


def merged_fingerprint(project, url: str) -> str:
    with inputs.merged(project, url) as training:
        return fingerprint(training)


def test_without_rows_the_merged_inputs_are_the_files(project, db_url):
    with inputs.merged(project, db_url) as training:
        assert training.root != project.root and training.models_dir == project.models_dir
        assert training.heldout == project.heldout and training.test_stories == project.test_stories
        assert [p.relative_to(training.root) for p in training.training_files()] == [
            p.relative_to(project.root) for p in project.training_files()
        ]
        assert fingerprint(training) == fingerprint(project)
        copy = training.root
    assert not copy.exists()  # the temporary copy is removed


def test_a_trainers_example_is_in_the_merged_nlu_data_and_changes_the_fingerprint(project, db_url):
    before = merged_fingerprint(project, db_url)
    model = project.models_dir / "digihjelpen-test.tar.gz"
    project.models_dir.mkdir()
    registry.write_record(model, {"model": model.name, "fingerprint": before})
    add_example(db_url, "tool_access", "slipper jeg inn i [Teams](tool) som vikar?")
    with read_only(project), inputs.merged(project, db_url) as training:
        examples = [(e.intent, e.text, e.path.name) for e in read_examples(training.nlu_dir)]
        assert ("tool_access", "slipper jeg inn i [Teams](tool) som vikar?", "tool_questions.yml") in examples
        assert fingerprint(training) != before
        assert not is_current(model, training)  # so `bot model ensure` trains again
    assert merged_fingerprint(project, db_url) == merged_fingerprint(project, db_url)  # the same bytes every time


def test_a_trainers_intent_is_wired_into_the_merged_domain_rules_and_nlu(project, db_url):
    add_theme(db_url, project)
    add_example(db_url, "gjestenett", "gjestenett passord")  # added later to the trainers' own intent
    with read_only(project), inputs.merged(project, db_url) as training:
        domain = yaml.safe_load(training.domain.read_text(encoding="utf-8"))
        assert "gjestenett" in domain["intents"]
        assert domain["responses"]["utter_gjestenett"] == [{"text": THEME[2]}]
        rules = yaml.safe_load(training.rules.read_text(encoding="utf-8"))["rules"]
        assert {"intent": "gjestenett"} in rules[-1]["steps"] and {"action": "utter_gjestenett"} in rules[-1]["steps"]
        assert [e.text for e in read_examples(training.nlu_dir) if e.intent == "gjestenett"] == [
            *THEME_EXAMPLES,
            "gjestenett passord",
        ]


def test_rows_that_the_files_hold_already_are_ignored_and_the_files_win(project, db_url):
    add_example(db_url, "find_tool", "Hvordan bytter jeg vakt")  # a find_tool example of the files, other case
    add_example(db_url, "tool_access", "hvordan bytter jeg vakt?")  # the same, under another intent
    add_example(db_url, "no_such_intent", "en setning uten tema")  # its intent was removed from the files
    with inputs.merged(project, db_url) as training:
        assert fingerprint(training) == fingerprint(project)
        with db.session_scope(db_url) as session:
            assert inputs.apply(training, additions.read(session)) == inputs.Applied([], 0, 3)


def test_export_into_a_checkout_round_trips(project, database, tmp_path, cli):
    db_url = database
    add_theme(db_url, project)
    add_example(db_url, "tool_access", "slipper jeg inn i [Teams](tool) som vikar?")
    merged = merged_fingerprint(project, db_url)
    checkout = copy_project(tmp_path / "checkout")
    code, out, _ = cli("trainer", "export", "--into", str(checkout.root))
    assert code == 0 and "New intent gjestenett" in out and "Wrote 4 example(s); 0 the files hold" in out
    assert fingerprint(checkout) == merged  # the files now hold what training merged
    assert merged_fingerprint(checkout, db_url) == merged  # and the rows add nothing more
    assert yaml.safe_load(checkout.intent_names.read_text(encoding="utf-8"))["gjestenett"] == THEME[1]
    code, out, _ = cli("trainer", "export", "--into", str(checkout.root))
    assert code == 0 and "Wrote 0 example(s); 4 the files hold already were skipped" in out


@pytest.mark.slow
def test_rasa_accepts_the_merged_data(project, db_url):
    add_theme(db_url, project)
    add_example(db_url, "greet", "heisann alle sammen")
    with inputs.merged(project, db_url) as training:
        validate_data(training)  # raises TrainingError with Rasa's reason otherwise


def test_trainers_additions_are_listed_and_removed_from_the_command_line(project, database, cli):
    add_theme(database, project)
    add_example(database, "tool_access", "slipper jeg inn i [Teams](tool) som vikar?")
    code, out, _ = cli("trainer", "added")
    assert code == 0 and "intent  gjestenett (Gjestenett for besøkende)" in out
    assert "tool_access" in out and "trener-ola" in out and len(out.splitlines()) == 5
    with db.session_scope(database) as session:
        access = next(row.id for row in additions.read(session).examples if row.intent == "tool_access")
    assert cli("trainer", "remove", "999999")[2].startswith("error: No example added by a trainer has the id 999999")
    assert "intents of the files are changed in git" in cli("trainer", "remove", "--intent", "find_tool")[2]
    assert cli("trainer", "remove")[0] == 2
    code, out, _ = cli("trainer", "remove", str(access), "--intent", "gjestenett")
    assert code == 0 and "Removed 4 example(s) and the intent gjestenett." in out
    assert merged_fingerprint(project, database) == fingerprint(project)
    assert cli("trainer", "added")[1] == "Trainers have added nothing.\n"
