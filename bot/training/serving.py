"""Switching the running Rasa server to another model, without a restart or lost conversations.

`bot run` starts Rasa with its HTTP API enabled only behind JWT (`python -m bot.rasa_server`, which
gives Rasa `--enable-api --jwt-secret` in-process, off the visible command line); never with
`--auth-token`, whose token travels in URLs. The secret is BOT_RASA_JWT_SECRET, or else a random one
generated once into var/rasa-jwt-secret (mode 0600).

To switch, we sign a short-lived HS256 token with that secret and call `PUT /model` with the
model's path. Rasa's `requires_auth` (rasa/server.py) lets a JWT through when its payload has
`{"user": {"role": "admin"}}`. Rasa loads the new model into a new agent with the same endpoints
(tracker store, action server, lock store), so conversations go on where they were.

With several Rasa replicas (BOT_RASA_URLS, or those a running `bot run --cluster` announced in
var/running-rasa-urls) every replica is switched,
all at once, and the report names each one. A replica that did not switch while another did is a
failure the caller must show: until it is fixed, replicas answer with different models.

Rasa servers of a cluster (`bot run --cluster`, deploy/) poll our model server for the model in
service (bot/web/model_server.py), so they need no switch: they load it within
BOT_MODEL_PULL_SECONDS plus the load time. For them PUT /model loads from the model server, which
makes the switch a pull at once; where nothing reaches Rasa's API (the NetworkPolicy of deploy/k8s),
the pull alone does it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bot.config import settings
from bot.service_secrets import jwt_secret

TOKEN_SECONDS = 300
LOAD_TIMEOUT_SECONDS = 300
CONNECT_TIMEOUT_SECONDS = 10


def admin_token(secret: str, seconds: int = TOKEN_SECONDS) -> str:
    """A JWT that Rasa's HTTP API accepts for admin endpoints such as PUT /model."""
    import jwt

    issued = int(time.time())
    payload = {"user": {"username": "bot-trainer", "role": "admin"}, "iat": issued, "exp": issued + seconds}
    return jwt.encode(payload, secret, algorithm="HS256")


@dataclass(frozen=True)
class ReplicaSwitch:
    """What one Rasa server did when asked to switch."""

    url: str
    switched: bool
    running: bool  # False when nothing answered at `url` at all
    detail: str  # a line for the report


@dataclass(frozen=True)
class Switch:
    """The switch of every Rasa replica (BOT_RASA_URLS, else the one Rasa) to `model`."""

    model: Path
    replicas: tuple[ReplicaSwitch, ...]

    @property
    def switched(self) -> bool:
        return all(replica.switched for replica in self.replicas)

    @property
    def complete(self) -> bool:
        """Every replica serves the model, or none is running (then each serves it when started):
        no replica is left answering with another model."""
        return self.switched or not any(replica.running for replica in self.replicas)

    @property
    def message(self) -> str:
        name = self.model.name
        pulled = (
            f"{name} is in service: Rasa servers that poll the model server (bot run --cluster, deploy/) load it "
            f"within BOT_MODEL_PULL_SECONDS ({settings().model_pull_seconds} s) and the load time; "
            "a plain `bot run` serves it when started."
        )
        if len(self.replicas) == 1 and self.complete:
            replica = self.replicas[0]
            return (
                f"The running Rasa at {replica.url} now serves {name}."
                if replica.switched
                else f"No Rasa answered at {replica.url}. {pulled}"
            )
        if self.complete and not self.switched:
            return f"No Rasa replica answered ({', '.join(r.url for r in self.replicas)}). {pulled}"
        lines = [f"  {replica.url}: {replica.detail}" for replica in self.replicas]
        if self.switched:
            return "\n".join([f"Every Rasa replica now serves {name}:", *lines])
        return "\n".join(
            [
                f"Switch FAILED: {name} is in service, but not every running Rasa serves it:",
                *lines,
                "A replica that did not switch answers with the model it had. Fix it, then run `bot model switch` "
                "to switch every replica to the model in service (or `bot model rollback` to go back).",
            ]
        )


def _switch_one(url: str, model: Path, token: str) -> ReplicaSwitch:
    import requests

    try:
        response = requests.put(
            f"{url}/model",
            json={"model_file": str(model.resolve())},
            headers={"Authorization": f"Bearer {token}"},
            timeout=(CONNECT_TIMEOUT_SECONDS, LOAD_TIMEOUT_SECONDS),
        )
    except requests.ConnectionError:  # refused, unknown host, or no connection within the timeout
        return ReplicaSwitch(url, False, False, "not running")
    except requests.RequestException as error:
        return ReplicaSwitch(url, False, True, f"no answer ({error})")
    if response.status_code == 204:
        return ReplicaSwitch(url, True, True, f"now serves {model.name}")
    if response.status_code in (401, 403):
        return ReplicaSwitch(
            url,
            False,
            True,
            f"refused the switch (HTTP {response.status_code}): it was started "
            "with another JWT secret or without `bot run`; restart it with `bot run`",
        )
    return ReplicaSwitch(
        url, False, True, f"could not load {model.name} (HTTP {response.status_code}): {response.text[:500]}"
    )


def default_rasa_urls() -> tuple[str, ...]:
    """BOT_RASA_URLS, else the Rasa servers `bot run` (or `bot run --cluster`) announced on this
    machine, else the single Rasa of the settings."""
    from bot.running import running_rasa_urls

    config = settings()
    return config.rasa_replicas or running_rasa_urls() or config.rasa_urls


def switch_running(model: Path, rasa_urls: Sequence[str] | None = None, secret: str | None = None) -> Switch:
    """Ask every Rasa replica (default: BOT_RASA_URLS, else ours) to serve `model` from now on, all
    at once so that they serve different models for as short a time as possible."""
    urls = [url.rstrip("/") for url in (rasa_urls or default_rasa_urls())]
    token = admin_token(secret or jwt_secret())
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        replicas = tuple(pool.map(lambda url: _switch_one(url, model, token), urls))
    return Switch(model, replicas)
