"""`bot training worker --once` with a real training (slow): a trainer's new theme (in the database)
queued from «Lag ny versjon» is trained on a copy of the project, evaluated and, with no model in
service, promoted; the request records its stages' end and the outcome in Norwegian, the candidate's
record keeps the examples it trained on, and the Norwegian summary names the new theme."""

from __future__ import annotations

import pytest
from assistant_services import seeded_database

from bot.db import session_scope
from bot.training import additions, queue, registry, summary
from bot.training.models import TrainingRequest
from bot.training.names import display_names

pytestmark = pytest.mark.slow

EXAMPLES = [
    "hva er passordet til gjestenettet",
    "hvordan kobler besøkende seg på wifi",
    "finnes det trådløst nett for gjester",
    "gjestenett passord",
    "hva heter gjestenettet",
    "wifi for besøkende",
]


def test_the_worker_trains_evaluates_and_promotes_a_queued_version(project, monkeypatch, tmp_path, cli):
    db_url = seeded_database(tmp_path / "catalogue.db")
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("BOT_RASA_URLS", "http://127.0.0.1:9")  # no Rasa to switch: nothing answers there
    with session_scope(db_url) as session:
        additions.create_intent(
            session, project, "gjestenett", "Gjestenett", "Gjestenettet heter Kommune-Gjest.", EXAMPLES, by="trener-ola"
        )
        request_id = queue.request(session, "trener-ola").id
    stages = []
    monkeypatch.setattr(queue, "set_stage", _recording(queue.set_stage, stages))

    from bot.training import worker

    assert worker.run_once(project, db_url, say=print) is True

    assert stages == [queue.CHECKING, queue.TRAINING, queue.EVALUATING]
    with session_scope(db_url) as session:
        row = session.get(TrainingRequest, request_id)
        assert (row.state, row.stage, row.promoted, row.active) == (queue.SUCCEEDED, queue.DONE, 1, None)
        assert row.outcome == "Tatt i bruk: ingen versjon var i bruk fra før."
        names = display_names(session, project)
    model = project.models_dir / row.candidate
    assert registry.in_service(project.models_dir) == model
    record = registry.read_record(model)
    assert sorted(record["examples"]["gjestenett"]) == sorted(EXAMPLES)
    assert summary.decision(record, 0.85) == "Tatt i bruk: ingen versjon var i bruk fra før."
    changes = summary.example_changes(record, {"examples": {}}, names)
    assert any(c.theme == "Gjestenett" and len(c.added) == len(EXAMPLES) for c in changes)
    assert worker.run_once(project, db_url) is False  # nothing else queued


def _recording(set_stage, stages):
    def recorded(session, request_id, stage=None):
        if stage is not None:
            stages.append(stage)
        return set_stage(session, request_id, stage)

    return recorded
