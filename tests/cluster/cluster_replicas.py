"""Talking to the cluster's Rasa servers from the tests: a message through the REST channel, and
which model a server has loaded (its /status, behind the JWT)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import requests
from assistant_services import CHANNEL_HEADERS, SECRETS

from bot.training import serving

JWT_SECRET = SECRETS["BOT_RASA_JWT_SECRET"]
PULL_SECONDS = 2  # BOT_MODEL_PULL_SECONDS of the test cluster (10 by default)
LOAD_SECONDS = 120  # time a replica may take to download and load a model on a busy test machine


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def ask(rasa_url: str, sender: str, message: str) -> str:
    response = requests.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        headers=CHANNEL_HEADERS,
        timeout=60,
    )
    response.raise_for_status()
    return texts(response.json())


def status(rasa_url: str) -> dict:
    """Rasa's /status: model_file (the name the model server sent) and model_id; {} without a model."""
    headers = {"Authorization": f"Bearer {serving.admin_token(JWT_SECRET)}"}
    response = requests.get(f"{rasa_url}/status", headers=headers, timeout=30)
    return response.json() if response.status_code == 200 else {}


def served(rasa_url: str) -> str | None:
    """The file name of the model the Rasa server at `rasa_url` serves."""
    return status(rasa_url).get("model_file")


def wait_until_served(rasa_urls: Sequence[str], model_name: str, seconds: float) -> float:
    """Seconds until every server in `rasa_urls` serves `model_name`; fails after `seconds`."""
    started = time.monotonic()
    while True:
        now = [served(url) for url in rasa_urls]
        if now == [model_name] * len(rasa_urls):
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, f"after {seconds} s the replicas serve {now}, not {model_name}"
        time.sleep(0.2)  # polling a condition, with the deadline above
