"""The secrets our own services share, and the check of the one sent in a header.

Each secret comes from its environment variable (required in deploy/); when that is unset, as with
`make run` on a laptop, it is generated once into var/ (mode 0600) and every local service reads
the same file. Web → Rasa's REST channel and Rasa → the action server send theirs in the header
`X-Digihjelpen-Secret`, compared in constant time.

A secret that looks like a placeholder or is easy to guess stops the service that reads it at
start-up (`refuse_weak`), with a message naming the variable.
"""

from __future__ import annotations

import hmac
import math
import os
import re
import secrets
import tempfile
from collections import Counter
from collections.abc import Collection
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings, settings

HEADER = "X-Digihjelpen-Secret"
SECRETS_DIR = PROJECT_ROOT / "var"
# Words of the placeholders people leave in (deploy/env.example's REPLACE_ME_…), compared with
# the secret's letters and digits in lower case; too long to turn up by chance in a random secret.
PLACEHOLDER_WORDS = ("replace", "changeme", "placeholder", "example", "password")
MIN_BITS = 80  # a random 32-character hex secret (128 bits) is estimated at 92 or more
ADVICE = "set it to a random value, e.g. the output of: openssl rand -base64 32"


def weakness(secret: str | bytes) -> str | None:
    """Why `secret` (text, or the bytes it stands for) is easy to guess, or None. Estimated
    entropy: the length times the Shannon entropy of its characters' frequencies; besides, a block
    repeated, or characters mostly running in sequence (abc, 987), give themselves away."""
    symbols = list(secret.encode("utf-8") if isinstance(secret, str) else secret)
    if len(symbols) < 2:
        return "it is empty or one character long"
    period = next(p for p in range(1, len(symbols) + 1) if symbols[p:] == symbols[:-p])
    if period <= len(symbols) // 2:
        return "it repeats " + ("one character" if period == 1 else f"a block of {period} characters")
    steps = sum(abs(b - a) == 1 for a, b in zip(symbols, symbols[1:]))
    if steps > 2 * (len(symbols) - 1) / 3:
        return "its characters run in sequence, like abc or 321"
    counts = Counter(symbols).values()
    bits = -sum(n * math.log2(n / len(symbols)) for n in counts)
    return f"an estimated {bits:.0f} bits; at least {MIN_BITS} are needed" if bits < MIN_BITS else None


def refuse_weak(variable: str, secret: str | bytes) -> None:
    """Stop (SystemExit with a clear message) when `secret`, the value of `variable`, is a
    placeholder or easy to guess."""
    if isinstance(secret, str):
        letters = re.sub(r"[^a-z0-9]", "", secret.lower())
        word = next((w for w in PLACEHOLDER_WORDS if w in letters), None)
        if word:
            raise SystemExit(f"{variable} looks like a placeholder (it contains {word!r}): {ADVICE}")
    problem = weakness(secret)
    if problem:
        raise SystemExit(f"{variable} is too easy to guess ({problem}): {ADVICE}")


def configured_or_generated(configured: str, secret_file: Path) -> str:
    """`configured` when set, else the secret in `secret_file`, generated (mode 0600) when missing.
    Services that start at the same moment all get the one file that was completed first. The
    secret of var/NAME is the variable BOT_NAME; a weak one stops the caller (`refuse_weak`)."""
    secret = configured or _read_or_generate(secret_file)
    refuse_weak("BOT_" + secret_file.name.upper().replace("-", "_"), secret)
    return secret


def _read_or_generate(secret_file: Path) -> str:
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


def model_server_token(config: Settings | None = None) -> str:
    """What each Rasa sends to our model server (bot/web/model_server.py): BOT_MODEL_SERVER_TOKEN or
    var/model-server-token."""
    return configured_or_generated((config or settings()).model_server_token, SECRETS_DIR / "model-server-token")


JWT_SECRET_FILE = SECRETS_DIR / "rasa-jwt-secret"


def jwt_secret(config: Settings | None = None, secret_file: Path = JWT_SECRET_FILE) -> str:
    """The key of Rasa's HTTP API (bot/rasa_server.py; `bot train` switches models with it):
    BOT_RASA_JWT_SECRET, or the secret in `secret_file`, created (mode 0600) when missing."""
    return configured_or_generated((config or settings()).rasa_jwt_secret, secret_file)


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
