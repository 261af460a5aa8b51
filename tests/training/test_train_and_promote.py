"""Train -> evaluate -> promote on copies of the project's data (merged with the trainers' additions in
the database), against the model in service (the session's `trained_model`, trained on the
project's data), and the running Rasa switched to the promoted model over its JWT-protected HTTP
API, with the conversation kept.

Slow: each candidate is a real `rasa train` and a real evaluation of two models."""

from __future__ import annotations

import shutil

import pytest
import requests
from assistant_services import running_assistant, seeded_database
from sqlalchemy import select

from bot import db
from bot.feedback.models import InboxItem
from bot.training import inbox, pipeline, registry, serving
from bot.training.model import fingerprint
from bot.training.project import Project

pytestmark = pytest.mark.slow

SECRET = "a-jwt-secret-for-the-tests-0123456789abcdef"
MISSED = "kan gjestene våre koble seg på nettet?"
ANSWER = "Gjestenettet heter Kommune-Gjest. Passordet står på oppslaget i resepsjonen."
EXAMPLES = (
    "hva er passordet til gjestenettet",
    "hvordan kobler besøkende seg på wifi",
    "finnes det trådløst nett for gjester",
    "gjestenett passord",
    "hva heter gjestenettet",
    "wifi for besøkende",
    "kan gjester bruke nettet vårt",
    "hvordan får en gjest tilgang til internett her",
    "trådløst nett for gjester på møtet",
)


@pytest.fixture
def in_service(project: Project, trained_model):
    """The session's model, put in service in the copy's models dir."""
    project.models_dir.mkdir(parents=True, exist_ok=True)
    model = project.models_dir / trained_model.name
    shutil.copy2(trained_model, model)
    shutil.copy2(registry.record_path(trained_model), registry.record_path(model))
    registry.put_in_service(model, "baseline for the test")
    return model


def test_a_worse_candidate_is_rejected_and_the_model_in_service_stays(project, in_service, monkeypatch, tmp_path):
    # The configured database has no catalogue: evaluation seeds a temporary one.
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    db.upgrade(empty)
    monkeypatch.setenv("BOT_DATABASE_URL", empty)
    questions = project.nlu_dir / "tool_questions.yml"  # every "access" example mislabelled as "support"
    questions.write_text(
        questions.read_text(encoding="utf-8").replace("- intent: tool_access", "- intent: tool_support"),
        encoding="utf-8",
    )
    said = []
    outcome = pipeline.train_and_promote(project, say=said.append, rasa_urls=["http://127.0.0.1:9"], secret=SECRET)
    print("\n".join(said))

    assert not outcome.promoted
    assert "macro-F1 fell from" in outcome.reason and "test stories fail instead of" in outcome.reason
    assert registry.in_service(project.models_dir) == in_service
    record = registry.read_record(outcome.candidate)
    assert record["status"] == "rejected" and record["reason"] == outcome.reason
    assert record["compared_with"]["model"] == in_service.name
    assert record["scores"]["per_intent_f1"]["tool_access"] == 0.0
    assert "tool_access" in outcome.table and outcome.switch is None
    # `make run` does not train the same rejected data again
    assert pipeline.ensure(project, say=said.append) is None
    assert "was rejected" in said[-1]


def test_a_missed_message_goes_through_the_inbox_into_a_model_that_answers_it(
    project, in_service, monkeypatch, tmp_path
):
    db_url = seeded_database(tmp_path / "catalogue.db")
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)  # evaluation uses the configured catalogue
    workdir = tmp_path / "assistant"
    workdir.mkdir()
    with running_assistant(in_service, db_url, workdir, jwt_secret=SECRET) as rasa:
        sender = "trainer-e2e"
        rasa.texts(sender, "hei")
        assert ANSWER not in rasa.texts(sender, MISSED)  # not understood, or "I cannot help with that"

        # The assistant put the message in the inbox; a trainer makes it a new intent.
        with db.session_scope(db_url) as session:
            item = session.scalars(select(InboxItem).where(InboxItem.text == MISSED)).one()
            assert item.kind in ("fallback", "out_of_scope") and item.status == "ny"
            assignment = inbox.assign(
                session,
                [item.id],
                "guest_wifi",
                by="trener-ola",
                extra_examples=EXAMPLES,
                new_response=ANSWER,
                new_name="Gjestenett",
                project=project,
            )
        assert assignment.assigned == [item.id]
        assert not (project.nlu_dir / "guest_wifi.yml").exists()  # in the database, merged when training

        said = []
        outcome = pipeline.train_and_promote(project, say=said.append, rasa_urls=[rasa.rasa_url], secret=SECRET)
        print("\n".join(said))
        assert outcome.promoted, f"{outcome.reason}\n{outcome.table}"
        assert registry.read_record(outcome.candidate)["fingerprint"] != fingerprint(project)  # files + rows
        assert outcome.switch.switched, outcome.switch.message
        assert registry.in_service(project.models_dir) == outcome.candidate

        # The running server answers with the new model, in the same conversation.
        assert rasa.texts(sender, MISSED) == ANSWER
        token = {"Authorization": f"Bearer {serving.admin_token(SECRET)}"}
        tracker = requests.get(f"{rasa.rasa_url}/conversations/{sender}/tracker", headers=token, timeout=30).json()
        assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hei", MISSED, MISSED]

        # Without the secret, the API refuses to switch models.
        refused = serving.switch_running(in_service, [rasa.rasa_url], "not-the-secret-" * 3)
        assert not refused.complete and "refused" in refused.message
        assert rasa.texts(sender, MISSED) == ANSWER

        # Rollback puts the old model back in service and in the running server.
        old, new, switch = pipeline.rollback(project, rasa_urls=[rasa.rasa_url], secret=SECRET)
        assert (old, new) == (outcome.candidate, in_service) and switch.switched
        assert registry.read_record(outcome.candidate)["status"] == "withdrawn"
        assert ANSWER not in rasa.texts(sender, MISSED)
