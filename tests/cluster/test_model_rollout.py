"""A promotion and a rollback reach both Rasa servers of the cluster through the model server, with
no call to Rasa: each polls the web service every PULL_SECONDS and loads the new model into its
running agent, so a conversation started before the switch keeps its context (issue 15, item 3)."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import uuid
from pathlib import Path

import pytest
from cluster_replicas import LOAD_SECONDS, PULL_SECONDS, ask, status, wait_until_served

from bot.training import registry

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

STATED_SECONDS = PULL_SECONDS + LOAD_SECONDS  # docs/deploy.md: BOT_MODEL_PULL_SECONDS + the load time


def another_model(model: Path, name: str) -> Path:
    """`model` repacked under `name` with another model_id in its metadata: another archive, which
    Rasa's /status tells apart by file name and model id."""
    target = model.with_name(name)
    with tarfile.open(model, "r:gz") as source, tarfile.open(target, "w:gz", compresslevel=1) as packed:
        for member in source:
            content = source.extractfile(member) if member.isfile() else None
            if member.name.lstrip("./") == "metadata.json":
                metadata = json.load(content)
                metadata["model_id"] = uuid.uuid4().hex
                data = json.dumps(metadata).encode("utf-8")
                member.size, content = len(data), io.BytesIO(data)
            packed.addfile(member, content)
    shutil.copy2(registry.record_path(model), registry.record_path(target))
    return target


def test_a_promotion_and_a_rollback_reach_both_replicas_and_conversations_keep_their_context(cluster):
    first_model = registry.in_service(cluster.models_dir)
    first_id = status(cluster.rasa_urls[0])["model_id"]
    senders = {url: f"rollout-{uuid.uuid4().hex}" for url in cluster.rasa_urls}
    for url, sender in senders.items():
        assert "Elements" in ask(url, sender, "hva er elements?")

    second = another_model(first_model, "20990101-000000-rollout.tar.gz")
    registry.update_record(second, status=registry.PROMOTED, trained_at=registry.now())
    try:
        registry.put_in_service(second, "promoted by the rollout test")
        seconds = wait_until_served(cluster.rasa_urls, second.name, STATED_SECONDS)
        print(f"promotion -> both replicas serve it: {seconds:.1f} s (pull every {PULL_SECONDS} s)")
        second_ids = {status(url)["model_id"] for url in cluster.rasa_urls}
        assert len(second_ids) == 1 and first_id not in second_ids
        for url, sender in senders.items():  # the conversation goes on where it was
            assert "tilgang til Elements" in ask(url, sender, "hvordan får jeg tilgang til det?")

        old, new = registry.rollback(cluster.models_dir)
        assert (old, new) == (second, first_model)
        seconds = wait_until_served(cluster.rasa_urls, first_model.name, STATED_SECONDS)
        print(f"rollback -> both replicas serve the old model: {seconds:.1f} s")
        assert {status(url)["model_id"] for url in cluster.rasa_urls} == {first_id}
        for url, sender in senders.items():
            assert "GAT" in ask(url, sender, "hva er gat?")
            assert "tilgang til GAT" in ask(url, sender, "hvordan får jeg tilgang til det?")
    finally:
        if registry.in_service(cluster.models_dir) != first_model:  # the other tests expect the first model
            registry.put_in_service(first_model, "restored by the rollout test")
            wait_until_served(cluster.rasa_urls, first_model.name, STATED_SECONDS)
