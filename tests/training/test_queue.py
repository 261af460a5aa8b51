"""The training queue of the trainer page (bot.training.queue) and its worker (bot.training.worker)
on real databases (SQLite and PostgreSQL): one training at a time, a second request refused, a
stale running training marked failed, and a failed training recorded with the model in service
untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.db import session_scope, utc_now
from bot.training import queue, registry, worker
from bot.training.models import TrainingRequest


def test_one_training_at_a_time_and_a_second_request_is_refused(database):
    with session_scope(database) as session:
        first = queue.request(session, "kari")
    with session_scope(database) as session, pytest.raises(queue.QueueBusy, match="allerede i kø"):
        queue.request(session, "ola")
    with session_scope(database) as session:
        running = queue.claim(session)
        assert running is not None and running.id == first.id and running.state == queue.RUNNING
        assert queue.claim(session) is None  # nothing else queued
    with session_scope(database) as session, pytest.raises(queue.QueueBusy):
        queue.request(session, "ola")  # refused while it runs too
    with session_scope(database) as session:
        queue.finish(session, first.id, succeeded=True, outcome="ferdig", candidate="m.tar.gz", promoted=True)
    with session_scope(database) as session:
        second = queue.request(session, "ola")  # free again
        assert second.id != first.id
        assert [row.requested_by for row in queue.history(session)] == ["ola", "kari"]


def test_the_unique_active_row_refuses_a_second_queued_training_from_another_replica(database):
    with session_scope(database) as session:
        session.add(TrainingRequest(requested_by="a", state=queue.QUEUED, active=1, stage=queue.WAITING))
    with pytest.raises(IntegrityError), session_scope(database) as session:
        session.add(TrainingRequest(requested_by="b", state=queue.QUEUED, active=1, stage=queue.WAITING))


def test_a_stale_running_training_is_marked_failed_and_frees_the_queue(database):
    with session_scope(database) as session:
        row = queue.request(session, "kari")
        queue.claim(session)
        session.execute(
            update(TrainingRequest)
            .where(TrainingRequest.id == row.id)
            .values(heartbeat_at=utc_now() - timedelta(minutes=queue.STALE_MINUTES + 1))
        )
    with session_scope(database) as session:
        again = queue.request(session, "ola")
        old = session.get(TrainingRequest, row.id)
        assert old.state == queue.FAILED and old.active is None and "avbrutt" in old.outcome
        assert again.state == queue.QUEUED


def test_the_worker_does_nothing_when_no_training_is_queued(database, project):
    assert worker.run_once(project, database) is False


def test_a_failed_training_leaves_the_model_in_service_and_records_why(database, project):
    project.models_dir.mkdir(parents=True)
    model = project.models_dir / "20260101-000000-old.tar.gz"
    model.write_bytes(b"not really a model")
    registry.put_in_service(model, "the model in service for the test")
    project.domain.write_text("version: '3.1'\nintents: [\n", encoding="utf-8")  # broken YAML
    with session_scope(database) as session:
        request_id = queue.request(session, "kari").id
    assert worker.run_once(project, database, say=lambda _text: None) is True
    with session_scope(database) as session:
        row = session.get(TrainingRequest, request_id)
        assert row.state == queue.FAILED and row.active is None and row.finished_at is not None
        assert "Modellen i bruk er ikke endret" in row.outcome and row.candidate is None
    assert registry.in_service(project.models_dir) == model
    assert [m.name for m in registry.models(project.models_dir)] == [model.name]


def test_a_worker_stopped_mid_training_records_it_at_once(database, project, monkeypatch):
    from bot.training import pipeline

    def stopped(*_args, **_kwargs):
        raise KeyboardInterrupt  # what SIGTERM (sys.exit) or Ctrl+C raises in the worker

    monkeypatch.setattr(pipeline, "train_and_promote", stopped)
    with session_scope(database) as session:
        request_id = queue.request(session, "kari").id
    with pytest.raises(KeyboardInterrupt):
        worker.run_once(project, database, say=lambda _text: None)
    with session_scope(database) as session:
        row = session.get(TrainingRequest, request_id)
        assert (row.state, row.active, row.outcome) == (queue.FAILED, None, queue.STALE)
        assert queue.request(session, "ola").state == queue.QUEUED  # the queue is free again
