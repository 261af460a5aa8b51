"""The secrets our own services share, and the check of the one sent in a header.

Each secret comes from its environment variable (required in deploy/); when that is unset, as with
`make run` on a laptop, it is generated once into var/ (mode 0600) and every local service reads
the same file. Web → Rasa's REST channel and Rasa → the action server send theirs in the header
`X-Digihjelpen-Secret`, compared in constant time.
"""

from __future__ import annotations

import hmac
import os
import secrets
import tempfile
from pathlib import Path
from typing import Collection

from bot.config import PROJECT_ROOT, Settings, settings

HEADER = "X-Digihjelpen-Secret"
SECRETS_DIR = PROJECT_ROOT / "var"


def configured_or_generated(configured: str, secret_file: Path) -> str:
    """`configured` when set, else the secret in `secret_file`, generated (mode 0600) when missing.
    Services that start at the same moment all get the one file that was completed first."""
    if configured:
        return configured
    try:
        return secret_file.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=secret_file.parent, prefix=f".{secret_file.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, secret_file)  # appears complete or not at all; fails if another process won
        except FileExistsError:
            pass
    finally:
        os.unlink(draft)
    return secret_file.read_text(encoding="ascii").strip()


def channel_secret(config: Settings | None = None) -> str:
    """What our web service sends to Rasa's REST channel: BOT_CHANNEL_SECRET or var/channel-secret."""
    return configured_or_generated((config or settings()).channel_secret, SECRETS_DIR / "channel-secret")


def action_secret(config: Settings | None = None) -> str:
    """What Rasa sends to the action server: BOT_ACTION_SECRET or var/action-secret."""
    return configured_or_generated((config or settings()).action_secret, SECRETS_DIR / "action-secret")


def refusal(sent: str | None, expected: str) -> tuple[int, str] | None:
    """(status, reason) when `sent` is not `expected`; None when it is."""
    if not sent:
        return 401, f"{HEADER} is missing"
    if not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8")):
        return 403, f"{HEADER} is wrong"
    return None


def sanic_guard(expected: str, open_paths: Collection[str] = ()):
    """A Sanic request middleware that answers 401/403 with a JSON error unless the request
    carries `expected` in the header (requests to `open_paths`, such as probes, pass)."""
    from sanic.response import json

    async def guard(request):
        if request.path in open_paths:
            return None
        problem = refusal(request.headers.get(HEADER), expected)
        return json({"error": problem[1]}, status=problem[0]) if problem else None

    return guard
