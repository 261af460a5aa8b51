"""Fixtures for the Teams channel tests: the fake Bot Framework (fake_botframework.py) and the
channel's settings pointing at it."""

from __future__ import annotations

import pytest
from fake_botframework import FakeBotFramework

from bot.config import teams_settings


@pytest.fixture(scope="session")
def botframework():
    fake = FakeBotFramework().start()
    yield fake
    fake.stop()


@pytest.fixture
def teams_config(botframework, monkeypatch):
    """The Teams settings as the channel reads them, pointing at the fake Bot Framework."""
    for name, value in botframework.environment().items():
        monkeypatch.setenv(name, value)
    return teams_settings()
