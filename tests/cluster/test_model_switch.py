"""The model switch of `bot train` / `bot model switch` on the cluster's two real Rasa servers:
both are switched, each is named in the report, and a replica that did not switch while the others
did fails the switch. (tests/training/test_switch_replicas.py covers the failures with stand-ins.)"""

from __future__ import annotations

import shutil
import socket

import pytest
import requests
from assistant_services import SECRETS

from bot.training import serving

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SECRET = SECRETS["BOT_RASA_JWT_SECRET"]


def served(rasa_url: str) -> str:
    """The file name of the model the Rasa server at `rasa_url` serves."""
    headers = {"Authorization": f"Bearer {serving.admin_token(SECRET)}"}
    response = requests.get(f"{rasa_url}/status", headers=headers, timeout=30)
    response.raise_for_status()
    return response.json()["model_file"]


def refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # closed again: connections are refused


def test_every_replica_is_switched_and_one_that_did_not_fails_the_switch(cluster, trained_model, tmp_path):
    candidate = tmp_path / "20990101-000000-switch-test.tar.gz"
    shutil.copy2(trained_model, candidate)
    down = refused_url()

    mixed = serving.switch_running(candidate, [*cluster.rasa_urls, down], SECRET)
    assert [served(url) for url in cluster.rasa_urls] == [candidate.name] * 2
    assert not mixed.complete
    assert mixed.message.startswith(f"Switch FAILED: {candidate.name} is in service")
    assert f"  {down}: not running" in mixed.message.splitlines()

    back = serving.switch_running(trained_model, cluster.rasa_urls, SECRET)  # the model the other tests expect
    assert back.switched and back.complete, back.message
    assert [served(url) for url in cluster.rasa_urls] == [trained_model.name] * 2
    assert back.message.splitlines()[1:] == [f"  {url}: now serves {trained_model.name}" for url in cluster.rasa_urls]
