"""Placeholder and easily guessed secrets are refused at start-up with a clear English message that
names the variable: the services' shared secrets (bot/service_secrets.py: BOT_CHANNEL_SECRET,
BOT_ACTION_SECRET, BOT_RASA_JWT_SECRET) and BOT_SESSION_SECRET. Random ones, as the docs tell to
make them (openssl rand -base64 32 / -hex 16) or as they are generated into var/, pass."""

from __future__ import annotations

import base64
import os
import random
import re
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT
from bot.service_secrets import action_secret, channel_secret, jwt_secret
from bot.web.admin.security import session_key

READERS = {"BOT_CHANNEL_SECRET": channel_secret, "BOT_ACTION_SECRET": action_secret, "BOT_RASA_JWT_SECRET": jwt_secret}
PLACEHOLDERS = [
    "REPLACE_ME_at_least_32_characters_long",
    "replace-me-with-a-long-random-value-0",
    "changeme" * 4,
    "your-placeholder-value-goes-here-123",
    "an-example-value-that-is-long-enough",
    "Password1234567890Password12345678",
]
GUESSABLE = [
    "s" * 32,
    "abcdefghijklmnopqrstuvwxyz012345",
    "12345678901234567890123456789012",
    "Ab1!" * 8,
    "k3J9xQ2mP7vR4wZ8" * 2,
    "zyxwvutsrqponmlkjihgfedcba987654",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab1c2",
]


def env_example_secrets() -> dict[str, str]:
    lines = (PROJECT_ROOT / "deploy" / "env.example").read_text(encoding="utf-8").splitlines()
    # An optional secret (BOT_OIDC_CLIENT_SECRET) is left empty there: only placeholders count.
    return dict(line.split("=", 1) for line in lines if re.match(r"BOT_\w*SECRET=.", line))


@pytest.mark.parametrize("variable", READERS)
@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholders_are_refused(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit, match=rf"^{variable} looks like a placeholder"):
        READERS[variable]()


@pytest.mark.parametrize("variable", READERS)
@pytest.mark.parametrize("value", GUESSABLE)
def test_easily_guessed_secrets_are_refused(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit, match=rf"^{variable} is too easy to guess .*openssl rand -base64 32"):
        READERS[variable]()


def test_the_placeholders_of_env_example_are_refused(monkeypatch):
    found = env_example_secrets()
    assert set(found) == {*READERS, "BOT_SESSION_SECRET"}
    for variable, value in found.items():
        monkeypatch.setenv(variable, value)
        reader = READERS.get(variable, lambda: session_key(os.environ["BOT_SESSION_SECRET"]))
        with pytest.raises(SystemExit, match=rf"^{variable} looks like a placeholder"):
            reader()


@pytest.mark.parametrize("raw", [b"k" * 32, bytes(range(32)), b"0123456789abcdef" * 2])
def test_a_session_secret_of_guessable_bytes_is_refused(raw):
    with pytest.raises(SystemExit, match=r"^BOT_SESSION_SECRET is too easy to guess"):
        session_key(base64.b64encode(raw).decode())


def test_random_secrets_pass(monkeypatch):
    draw = random.Random(14)
    for _ in range(2000):
        raw = draw.randbytes(32)
        assert session_key(base64.b64encode(raw).decode()) == base64.urlsafe_b64encode(raw)
        for value in (base64.urlsafe_b64encode(draw.randbytes(24)).decode(), draw.randbytes(16).hex()):
            monkeypatch.setenv("BOT_CHANNEL_SECRET", value)
            assert channel_secret() == value


def test_a_generated_secret_passes(tmp_path, monkeypatch):
    monkeypatch.delenv("BOT_RASA_JWT_SECRET", raising=False)
    generated = jwt_secret(secret_file=tmp_path / "rasa-jwt-secret")
    assert jwt_secret(secret_file=tmp_path / "rasa-jwt-secret") == generated


def test_the_web_service_does_not_start_with_a_placeholder(tmp_path):
    environment = {
        **os.environ,
        "BOT_HOST": "256.0.0.1",
        "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "BOT_CHANNEL_SECRET": "REPLACE_ME_at_least_32_characters_long",
    }
    started = subprocess.run(
        [sys.executable, "-m", "bot.web"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 1
    assert "BOT_CHANNEL_SECRET looks like a placeholder" in started.stderr
