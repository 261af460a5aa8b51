"""Switching the running Rasa server to another model, without a restart or lost conversations.

`bot run` starts Rasa with its HTTP API enabled only behind JWT (`--enable-api --jwt-secret`);
never with `--auth-token`, whose token travels in URLs. The secret is BOT_RASA_JWT_SECRET, or else
a random one generated once into var/rasa-jwt-secret (mode 0600).

To switch, we sign a short-lived HS256 token with that secret and call `PUT /model` with the
model's path. Rasa's `requires_auth` (rasa/server.py) lets a JWT through when its payload has
`{"user": {"role": "admin"}}`. Rasa loads the new model into a new agent with the same endpoints
(tracker store, action server, lock store), so conversations go on where they were.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT, settings

SECRET_FILE = PROJECT_ROOT / "var" / "rasa-jwt-secret"
TOKEN_SECONDS = 300
LOAD_TIMEOUT_SECONDS = 300


def jwt_secret(secret_file: Path = SECRET_FILE) -> str:
    """BOT_RASA_JWT_SECRET, or the secret in `secret_file`, created (mode 0600) when missing."""
    configured = settings().rasa_jwt_secret
    if configured:
        return configured
    try:
        return secret_file.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return secret_file.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secret + "\n")
    return secret


def admin_token(secret: str, seconds: int = TOKEN_SECONDS) -> str:
    """A JWT that Rasa's HTTP API accepts for admin endpoints such as PUT /model."""
    import jwt

    issued = int(time.time())
    payload = {"user": {"username": "bot-trainer", "role": "admin"}, "iat": issued, "exp": issued + seconds}
    return jwt.encode(payload, secret, algorithm="HS256")


@dataclass(frozen=True)
class Switch:
    switched: bool
    message: str


def switch_running(model: Path, rasa_url: str | None = None, secret: str | None = None) -> Switch:
    """Ask the Rasa server at `rasa_url` (default: ours) to serve `model` from now on."""
    import requests

    rasa_url = rasa_url or settings().rasa_url
    headers = {"Authorization": f"Bearer {admin_token(secret or jwt_secret())}"}
    try:
        response = requests.put(
            f"{rasa_url}/model", json={"model_file": str(model.resolve())}, headers=headers, timeout=LOAD_TIMEOUT_SECONDS
        )
    except requests.ConnectionError:
        return Switch(False, f"Rasa is not running at {rasa_url}; the next `bot run` serves {model.name}.")
    except requests.RequestException as error:
        return Switch(False, f"Could not reach Rasa at {rasa_url} ({error}); the next `bot run` serves {model.name}.")
    if response.status_code == 204:
        return Switch(True, f"The running Rasa at {rasa_url} now serves {model.name}.")
    if response.status_code in (401, 403):
        return Switch(False, f"Rasa at {rasa_url} refused the switch (HTTP {response.status_code}): it was started with "
                             "another JWT secret or without `bot run`. Restart it with `bot run`.")
    return Switch(False, f"Rasa at {rasa_url} could not load {model.name} (HTTP {response.status_code}): "
                         f"{response.text[:500]}")
